//! What the UI thread draws: plain data, built by the worker for the view the UI asked for
//! (only the rows that fit on screen), so drawing never touches the tracker and never parses.

use std::net::IpAddr;

use crate::track::Id;
use crate::track::diagnosis::Severity;
use crate::track::states::SessionStatus;

/// The dashboard's views, in the order of their keys (1…6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Tunnels,
    IkeSas,
    IpsecSas,
    Ladder,
    Diagnoses,
    Packets,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Tunnels,
        View::IkeSas,
        View::IpsecSas,
        View::Ladder,
        View::Diagnoses,
        View::Packets,
    ];

    pub const fn title(self) -> &'static str {
        match self {
            View::Tunnels => "Tunnels",
            View::IkeSas => "IKE SAs",
            View::IpsecSas => "IPsec SAs",
            View::Ladder => "Ladder",
            View::Diagnoses => "Diagnoses",
            View::Packets => "Packets",
        }
    }

    pub const fn index(self) -> usize {
        match self {
            View::Tunnels => 0,
            View::IkeSas => 1,
            View::IpsecSas => 2,
            View::Ladder => 3,
            View::Diagnoses => 4,
            View::Packets => 5,
        }
    }

    /// What the rows can be sorted by (`s` cycles through them); the first is the default.
    pub const fn sort_keys(self) -> &'static [&'static str] {
        match self {
            View::Tunnels => &["peers", "status", "age", "rate", "diagnosis"],
            View::IkeSas => &["conn-id", "state", "peers", "age", "lifetime"],
            View::IpsecSas => &["peers", "spi", "packets", "failures", "gaps"],
            View::Diagnoses => &["frame", "severity", "code", "tunnel"],
            View::Ladder | View::Packets => &["frame"],
        }
    }

    /// Views that list SAs or tunnels: their selection is "the selected SA".
    pub const fn is_sa_table(self) -> bool {
        matches!(self, View::Tunnels | View::IkeSas | View::IpsecSas)
    }
}

/// Which SA the Ladder and Packets views are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Tunnel(Id),
    Ike(Id),
    Ipsec(Id),
}

/// The identity of a row, stable while the data under it changes (freeze-on-selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowKey {
    Tunnel(Id),
    Ike(Id),
    Ipsec(Id),
    Diagnosis(u64),
    Frame(u64),
}

/// What the UI asks the worker for: the view, its order and filter, and the window.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewRequest {
    /// Echoed in the snapshot, so the UI adopts a selection only from an answer to its latest
    /// request.
    pub seq: u64,
    pub view: View,
    /// Index into [`View::sort_keys`].
    pub sort: usize,
    pub reverse: bool,
    /// Case-insensitive text: rows whose addresses, states or diagnosis codes contain it.
    pub filter: String,
    /// First row shown, selected row (both indexes into the sorted, filtered rows).
    pub offset: usize,
    pub selected: usize,
    /// Rows that fit on screen.
    pub height: usize,
    /// Freeze: keep this row selected (and on the same screen line) wherever it moves.
    pub anchor: Option<RowKey>,
    pub focus: Option<Focus>,
    /// Select the row of this frame (a diagnosis's evidence), once.
    pub goto_frame: Option<u64>,
}

impl ViewRequest {
    pub fn new(view: View, height: usize) -> ViewRequest {
        ViewRequest {
            seq: 0,
            view,
            sort: 0,
            reverse: false,
            filter: String::new(),
            offset: 0,
            selected: 0,
            height,
            anchor: None,
            focus: None,
            goto_frame: None,
        }
    }
}

/// Where Enter leads from a row: an SA to focus, a frame to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Target {
    pub focus: Option<Focus>,
    pub frame: Option<u64>,
}

/// The visible slice of a sorted, filtered list.
#[derive(Debug, Clone, PartialEq)]
pub struct Window<R> {
    pub rows: Vec<R>,
    /// Rows after filtering (the scroll range).
    pub total: usize,
    pub offset: usize,
    pub selected: usize,
    /// Identity and Enter target of the selected row.
    pub key: Option<RowKey>,
    pub target: Target,
}

impl<R> Window<R> {
    pub fn empty() -> Window<R> {
        Window {
            rows: Vec::new(),
            total: 0,
            offset: 0,
            selected: 0,
            key: None,
            target: Target::default(),
        }
    }

    /// The selected row's index in `rows`, if it is visible.
    pub fn selected_row(&self) -> Option<usize> {
        self.selected
            .checked_sub(self.offset)
            .filter(|i| *i < self.rows.len())
    }
}

/// How the worker is reading.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Replaying a capture file at its own pace times `speed`.
    Replaying {
        speed: f64,
    },
    /// `--instant`: reading the file as fast as possible.
    Loading,
    /// A live interface.
    Live,
    Paused,
    /// The whole file was read (or the live capture stopped).
    Finished,
    /// Reading stopped on an error; what was read is shown.
    Failed(String),
}

/// The status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub state: RunState,
    pub source: String,
    pub frames: u64,
    /// IPsec packets (ISAKMP, IKEv2, ESP, AH, NAT-T keepalives).
    pub packets: u64,
    /// Live: dropped by the kernel and the interface; files: `None` (nothing can be dropped).
    pub drops: Option<u64>,
    /// IPsec packets per second of wall-clock time, as processed.
    pub rate: f64,
    /// The key store's summary ("1 PSK, 1 DH secret from 1 file"), empty without keys.
    pub keys: String,
    /// IKE SAs with at least one message decrypted, and all IKE SAs.
    pub decrypted: (usize, usize),
    /// Capture time of the latest packet (time of day, UTC).
    pub time: String,
    /// SAs evicted by the tracker's caps (the tables are bounded).
    pub evicted: u64,
}

/// Table sizes, for the tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub tunnels: usize,
    pub ike_sas: usize,
    pub ipsec_sas: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// One frame's worth of data for the UI.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub seq: u64,
    pub view: View,
    pub status: Status,
    pub counts: Counts,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Tunnels {
        table: Window<TunnelRow>,
        detail: Option<TunnelDetail>,
    },
    IkeSas {
        table: Window<IkeRow>,
        detail: Vec<String>,
    },
    IpsecSas {
        table: Window<IpsecRow>,
        detail: Vec<String>,
    },
    Ladder(Ladder),
    Diagnoses {
        table: Window<DiagRow>,
        detail: Option<DiagDetail>,
    },
    Packets(PacketList),
}

impl Body {
    /// Rows after filtering, selected row, offset: the scroll state of the view's list.
    pub fn scroll(&self) -> (usize, usize, usize) {
        fn s<R>(w: &Window<R>) -> (usize, usize, usize) {
            (w.total, w.selected, w.offset)
        }
        match self {
            Body::Tunnels { table, .. } => s(table),
            Body::IkeSas { table, .. } => s(table),
            Body::IpsecSas { table, .. } => s(table),
            Body::Ladder(l) => s(&l.rows),
            Body::Diagnoses { table, .. } => s(table),
            Body::Packets(p) => s(&p.list),
        }
    }

    pub fn key_and_target(&self) -> (Option<RowKey>, Target) {
        fn k<R>(w: &Window<R>) -> (Option<RowKey>, Target) {
            (w.key, w.target)
        }
        match self {
            Body::Tunnels { table, .. } => k(table),
            Body::IkeSas { table, .. } => k(table),
            Body::IpsecSas { table, .. } => k(table),
            Body::Ladder(l) => k(&l.rows),
            Body::Diagnoses { table, .. } => k(table),
            Body::Packets(p) => k(&p.list),
        }
    }
}

/// The worst diagnosis of a tunnel or SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worst {
    pub severity: Severity,
    pub code: &'static str,
    /// How many diagnoses in all.
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TunnelRow {
    pub status: SessionStatus,
    pub peers: [IpAddr; 2],
    /// The newest IKE SA's state (`QM_IDLE`, `MM_KEY_EXCH`, `READY`…), with its version.
    pub ike_state: String,
    pub ike_version: u8,
    /// IPsec SAs up.
    pub ipsec_up: usize,
    /// Packets per second peers[0]→peers[1] and back (capture time, last 5 s).
    pub rate: [f64; 2],
    /// Packets per second, both directions, the last 30 s of capture time (oldest first).
    pub spark: Vec<u64>,
    pub age_secs: i64,
    pub worst: Option<Worst>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TunnelDetail {
    pub peers: [IpAddr; 2],
    pub lines: Vec<String>,
    /// Per direction, packets per second over the last 30 s (oldest first).
    pub series: [Vec<u64>; 2],
}

/// The status of an IKE SA as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IkeStatus {
    Active,
    Negotiating,
    Failed,
    Deleted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IkeRow {
    pub conn_id: u32,
    pub version: u8,
    pub initiator: IpAddr,
    pub responder: IpAddr,
    /// `show crypto isakmp sa` state of the SA as a whole (the less advanced side).
    pub state: String,
    /// Each side's state (initiator, responder): `MM_KEY_EXCH (IKE_I_MM5)`.
    pub sides: [String; 2],
    pub status: IkeStatus,
    pub mode: &'static str,
    pub policy: String,
    /// Identities as "IDi / IDr".
    pub ids: String,
    /// Remaining phase-1 lifetime in seconds.
    pub life: Option<i64>,
    pub retransmissions: u32,
    pub worst: Option<Worst>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IpsecRow {
    /// The peer the SPIs are named from (the IKE initiator, or the lower address).
    pub local: IpAddr,
    pub remote: IpAddr,
    /// SPI the local peer receives on (inbound) and sends on (outbound).
    pub spi_in: Option<u32>,
    pub spi_out: Option<u32>,
    /// 50 ESP, 51 AH.
    pub protocol: u8,
    /// "local ident → remote ident", as `show crypto ipsec sa`.
    pub proxies: String,
    pub transform: String,
    /// Packets sent by the local peer (encaps) and received (decaps).
    pub encaps: u64,
    pub decaps: u64,
    /// Decryption and ICV failures (inbound, outbound) as ikescope saw them with keys.
    pub decrypt_failed: [u64; 2],
    pub verify_failed: [u64; 2],
    /// Sequence numbers missing (inbound, outbound).
    pub gaps: [u64; 2],
    pub life_secs: Option<i64>,
    pub life_kb: Option<i64>,
    pub alive: bool,
    /// Negotiated in a quick mode seen in the capture (else inferred from the wire).
    pub negotiated: bool,
    pub conn_id: Option<u32>,
    /// Whether any ESP of this pair was decrypted.
    pub decrypted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiagRow {
    pub severity: Severity,
    pub code: &'static str,
    pub title: &'static str,
    pub tunnel: String,
    pub frames: Vec<u64>,
    pub ike_sa: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiagDetail {
    pub message: String,
    pub cisco_log: String,
    pub fix: &'static str,
    /// (attribute, initiator, responder)
    pub differences: Vec<(String, String, String)>,
}

/// The direction of a message between the two peers of an IKE SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// Initiator (left) to responder (right).
    Right,
    /// Responder to initiator.
    Left,
    /// Sender unknown.
    Unknown,
}

/// Something wrong or notable about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Retransmission,
    /// Encrypted and no keys to read it.
    Encrypted,
    /// Keys were there but it did not decrypt.
    DecryptFailed,
    /// Its HASH/AUTH/ICV did not verify.
    AuthFailed,
    /// An error notification (NO_PROPOSAL_CHOSEN, …).
    Error(String),
}

impl Mark {
    /// Symbol and word, readable without colour.
    pub fn text(&self) -> String {
        match self {
            Mark::Retransmission => "↻ retransmitted".into(),
            Mark::Encrypted => "# encrypted".into(),
            Mark::DecryptFailed => "✖ undecryptable".into(),
            Mark::AuthFailed => "✖ auth failed".into(),
            Mark::Error(n) => format!("✖ {n}"),
        }
    }

    pub fn is_failure(&self) -> bool {
        !matches!(self, Mark::Retransmission | Mark::Encrypted)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LadderRow {
    pub frame: u64,
    /// Seconds since the capture's first frame.
    pub time: f64,
    pub arrow: Arrow,
    /// MM1…MM6, AM1…AM3, QM1…QM3 (with message ID), INFO, IKE_SA_INIT req…
    pub label: String,
    pub payloads: String,
    pub marks: Vec<Mark>,
    /// The state each side (initiator, responder) moved to on this message.
    pub states: [Option<String>; 2],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// "conn-id 1  1f8699a3d0a7f0ad/12c678233aa3d73b  IKEv1 main mode  AES-CBC-128/…"
    pub title: String,
    /// The initiator and the responder: address and current state.
    pub peers: [String; 2],
    pub states: [String; 2],
    pub outcome: Option<String>,
    pub rows: Window<LadderRow>,
    /// Why the ladder is empty or partial.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PacketRow {
    pub frame: u64,
    /// The `ikescope dissect` line.
    pub line: String,
    pub marks: Vec<Mark>,
}

/// One line of a decoded tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    pub depth: u16,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PacketList {
    pub title: String,
    pub list: Window<PacketRow>,
    /// The decoded (and, with keys, decrypted) tree of the selected packet.
    pub tree: Vec<TreeLine>,
    pub note: Option<String>,
}
