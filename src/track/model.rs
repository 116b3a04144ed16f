//! The tracker's tables, as plain data: what `show crypto isakmp sa`, `show crypto ipsec sa`
//! and `show crypto session` would print, and more. The presentation layer reads these; only
//! the tracker writes them.

use std::fmt;
use std::net::IpAddr;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::isakmp::{IpsecPolicy, Phase1Policy};
use serde::Serialize;

use super::sequence::SequenceStats;
use super::states::{AuthCheck, DebugState, IsakmpSaState, QuickModeState, Role, SessionStatus};
use crate::capture::Timestamp;
use crate::table::{Id, Keyed};

/// An address and UDP port (0 for ESP/AH over IP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub addr: IpAddr,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// IKE SA mode (the phase-1 exchange) or IKE version 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Main,
    Aggressive,
    Ikev2,
    /// Only later exchanges seen (quick mode, informational): phase 1 predates the capture.
    Unknown,
}

impl Mode {
    pub const fn name(self) -> &'static str {
        match self {
            Mode::Main => "main",
            Mode::Aggressive => "aggressive",
            Mode::Ikev2 => "ikev2",
            Mode::Unknown => "unknown",
        }
    }
}

/// One state change of one peer, with the frame that caused it. Compact (24 bytes): an SA
/// keeps every one of its transitions, and a busy span port has hundreds of thousands of SAs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub frame: u64,
    /// Capture time in microseconds since the epoch.
    micros: i64,
    /// For quick-mode states: the exchange's message ID.
    message_id: u32,
    /// Whose state changed.
    pub side: Role,
    from: u8,
    to: u8,
}

impl Transition {
    pub fn new(
        frame: u64,
        ts: Timestamp,
        side: Role,
        from: StateName,
        to: StateName,
    ) -> Transition {
        let message_id = match to {
            StateName::QuickMode { message_id, .. } => message_id,
            _ => 0,
        };
        let micros = ts
            .secs
            .saturating_mul(1_000_000)
            .saturating_add(i64::from(ts.nanos / 1000));
        Transition {
            frame,
            micros,
            message_id,
            side,
            from: from.code(),
            to: to.code(),
        }
    }

    pub fn ts(&self) -> Timestamp {
        Timestamp::new(
            self.micros.div_euclid(1_000_000),
            u32::try_from(self.micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
        )
    }

    pub fn from(&self) -> StateName {
        StateName::from_code(self.from, self.message_id)
    }

    pub fn to(&self) -> StateName {
        StateName::from_code(self.to, self.message_id)
    }
}

/// A debug state of either vocabulary (phase 1, quick mode, IKEv2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateName {
    Phase1(DebugState),
    QuickMode {
        message_id: u32,
        state: QuickModeState,
    },
    V2(V2State),
}

/// The state vocabularies as one byte each: phase 1 from 0, IKEv2 from 64, quick mode from
/// 128 (the message ID travels beside it).
const V2_BASE: u8 = 64;
const QM_BASE: u8 = 128;

const PHASE1_STATES: [DebugState; 18] = [
    DebugState::IkeReady,
    DebugState::IkeIMm1,
    DebugState::IkeIMm2,
    DebugState::IkeIMm3,
    DebugState::IkeIMm4,
    DebugState::IkeIMm5,
    DebugState::IkeIMm6,
    DebugState::IkeRMm1,
    DebugState::IkeRMm2,
    DebugState::IkeRMm3,
    DebugState::IkeRMm4,
    DebugState::IkeRMm5,
    DebugState::IkeIAm1,
    DebugState::IkeIAm2,
    DebugState::IkeRAm1,
    DebugState::IkeRAm2,
    DebugState::IkeP1Complete,
    DebugState::IkeDestSa,
];
const V2_STATES: [V2State; 6] = [
    V2State::Idle,
    V2State::IWaitInit,
    V2State::IWaitAuth,
    V2State::RWaitAuth,
    V2State::Ready,
    V2State::Delete,
];
const QM_STATES: [QuickModeState; 6] = [
    QuickModeState::IkeQmReady,
    QuickModeState::IkeQmIQm1,
    QuickModeState::IkeQmSpiStarve,
    QuickModeState::IkeQmRQm2,
    QuickModeState::IkeQmPhase2Complete,
    QuickModeState::IkeQmFailed,
];

impl StateName {
    fn code(&self) -> u8 {
        let pos = |i: Option<usize>| u8::try_from(i.unwrap_or(0)).unwrap_or(0);
        match self {
            StateName::Phase1(s) => pos(PHASE1_STATES.iter().position(|x| x == s)),
            StateName::V2(s) => V2_BASE + pos(V2_STATES.iter().position(|x| x == s)),
            StateName::QuickMode { state, .. } => {
                QM_BASE + pos(QM_STATES.iter().position(|x| x == state))
            }
        }
    }

    fn from_code(code: u8, message_id: u32) -> StateName {
        let at = |base: u8| usize::from(code - base);
        if code >= QM_BASE {
            let state = QM_STATES
                .get(at(QM_BASE))
                .copied()
                .unwrap_or(QuickModeState::IkeQmReady);
            StateName::QuickMode { message_id, state }
        } else if code >= V2_BASE {
            StateName::V2(V2_STATES.get(at(V2_BASE)).copied().unwrap_or(V2State::Idle))
        } else {
            StateName::Phase1(
                PHASE1_STATES
                    .get(usize::from(code))
                    .copied()
                    .unwrap_or(DebugState::IkeReady),
            )
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            StateName::Phase1(s) => s.name(),
            StateName::QuickMode { state, .. } => state.name(),
            StateName::V2(s) => s.name(),
        }
    }
}

impl fmt::Display for StateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// IKEv2 SA state per peer (after Cisco's `debug crypto ikev2` state machine, condensed to
/// what the wire can show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum V2State {
    Idle,
    /// Initiator: IKE_SA_INIT request sent.
    IWaitInit,
    /// Initiator: IKE_SA_INIT response received, IKE_AUTH request sent.
    IWaitAuth,
    /// Responder: IKE_SA_INIT answered, waiting for IKE_AUTH.
    RWaitAuth,
    /// Authenticated (IKE_AUTH answered).
    Ready,
    Delete,
}

impl V2State {
    pub const fn name(self) -> &'static str {
        match self {
            V2State::Idle => "IDLE",
            V2State::IWaitInit => "I_WAIT_INIT",
            V2State::IWaitAuth => "I_WAIT_AUTH",
            V2State::RWaitAuth => "R_WAIT_AUTH",
            V2State::Ready => "READY",
            V2State::Delete => "DELETE",
        }
    }

    /// `show crypto ikev2 sa` status.
    pub const fn status(self) -> &'static str {
        match self {
            V2State::Ready => "READY",
            V2State::Delete => "DELETE",
            _ => "IN-NEG",
        }
    }
}

/// How an IKE SA ended, if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Refused by the responder's notification (NO_PROPOSAL_CHOSEN, …), or by a failed HASH.
    Failed { frame: u64, reason: String },
    /// Retransmissions stopped without an answer, or the negotiation went silent.
    Abandoned { frame: u64 },
    /// A DELETE for this IKE SA.
    Deleted { frame: u64, by: Role },
}

/// The place counts of one phase-1 message (MM1…AM3): how often, first and last frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MessageSeen {
    pub count: u16,
    pub first_frame: u64,
    pub last_frame: u64,
}

/// A notification as it matters to the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySeen {
    pub frame: u64,
    pub from: Role,
    /// The exchange it came in (5 informational, 2 main mode, …).
    pub exchange: u8,
    pub notify_type: u16,
    pub name: &'static str,
    /// Whether it was read in clear or decrypted (an encrypted one unread is not recorded).
    pub decrypted: bool,
}

/// The DPD (RFC 3706) and keepalive counters of an IKE SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DpdStats {
    pub r_u_there: u32,
    pub r_u_there_ack: u32,
    /// Encrypted informational exchanges that could not be read (DPD or otherwise).
    pub unread_informational: u32,
}

/// An IKE SA (IKEv1 ISAKMP SA or IKEv2 IKE SA).
#[derive(Debug, Clone)]
pub struct IkeSa {
    /// Cisco's `conn-id`: a small number, unique per capture.
    pub conn_id: u32,
    pub version: u8,
    pub initiator_cookie: Cookie,
    pub responder_cookie: Cookie,
    pub mode: Mode,
    pub initiator: Endpoint,
    pub responder: Endpoint,
    /// Whether the initiator is known from the first message (MM1/AM1/IKE_SA_INIT request),
    /// rather than guessed from the first message seen.
    pub roles_known: bool,
    /// The IKE SA moved to UDP 4500 (RFC 3947 §4): at which frame.
    pub nat_t_float: Option<u64>,
    /// NAT-D showed a NAT in front of the initiator / the responder (RFC 3947 §3.2).
    pub nat_behind: Option<[bool; 2]>,
    pub chosen: Option<Phase1Policy>,
    /// What the messages said beyond their place in the exchange (offers, identities, vendor
    /// IDs, notifications): boxed, so an SA that said little costs little.
    pub detail: Option<Box<IkeDetail>>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Messages sent by the initiator / the responder.
    pub messages: [u32; 2],
    pub retransmissions: u32,
    /// Phase-1 debug state of each side (IKEv1).
    pub state: [DebugState; 2],
    /// IKEv2 state of each side.
    pub v2_state: [V2State; 2],
    /// Whether each side has shown it has an SA (sent something for it). An MM1 nobody
    /// answered leaves the responder without one.
    pub side_seen: [bool; 2],
    /// Authentication checks of each side's HASH/AUTH (with keys).
    pub auth: [Option<(AuthCheck, u64)>; 2],
    pub phase1_seen: [MessageSeen; 9],
    pub outcome: Option<Outcome>,
    pub established: Option<(u64, Timestamp)>,
    pub transitions: Vec<Transition>,
    pub transitions_dropped: u32,
    pub quick_modes: Vec<QuickMode>,
    pub quick_modes_dropped: u32,
    pub dpd: DpdStats,
    /// Encrypted messages that could not be decrypted (no keys, or keys that did not fit).
    pub undecrypted: u32,
    pub decrypted: u32,
    /// IKEv2: (message ID << 1 | response) of messages seen, to tell retransmissions.
    pub v2_seen: Vec<u64>,
    pub tunnel: Id,
}

impl Keyed for IkeSa {
    type Key = (Cookie, Cookie);
    fn key(&self) -> (Cookie, Cookie) {
        (self.initiator_cookie, self.responder_cookie)
    }

    /// Messages with the responder cookie still zero (an MM1 retransmitted, or a notification
    /// some peers send that way) belong to this SA too.
    fn alias_key(&self) -> Option<(Cookie, Cookie)> {
        (!self.responder_cookie.is_zero()).then_some((self.initiator_cookie, Cookie::ZERO))
    }
}

/// The less frequently filled parts of an IKE SA.
#[derive(Debug, Clone, Default)]
pub struct IkeDetail {
    pub offered: Vec<Phase1Policy>,
    /// IKEv2: the offered and chosen proposals as text (`AES_CBC_128/HMAC_SHA2_256_128/…`).
    pub v2_offered: Vec<String>,
    pub v2_chosen: Option<String>,
    /// Identities (IDii / IDir or IDi / IDr) as displayed.
    pub identity: [Option<Box<str>>; 2],
    /// Vendor names announced by each side.
    pub vendors: [Vec<&'static str>; 2],
    pub notifies: Vec<NotifySeen>,
}

impl IkeSa {
    pub fn detail_mut(&mut self) -> &mut IkeDetail {
        self.detail.get_or_insert_with(Box::default)
    }

    pub fn offered(&self) -> &[Phase1Policy] {
        self.detail.as_deref().map_or(&[], |d| d.offered.as_slice())
    }

    pub fn v2_offered(&self) -> &[String] {
        self.detail
            .as_deref()
            .map_or(&[], |d| d.v2_offered.as_slice())
    }

    pub fn v2_chosen(&self) -> Option<&str> {
        self.detail.as_deref().and_then(|d| d.v2_chosen.as_deref())
    }

    pub fn identity(&self, role: Role) -> Option<&str> {
        self.detail
            .as_deref()
            .and_then(|d| d.identity[role as usize].as_deref())
    }

    pub fn vendors(&self, role: Role) -> &[&'static str] {
        self.detail
            .as_deref()
            .map_or(&[], |d| d.vendors[role as usize].as_slice())
    }

    pub fn notifies(&self) -> &[NotifySeen] {
        self.detail
            .as_deref()
            .map_or(&[], |d| d.notifies.as_slice())
    }

    pub fn endpoint(&self, role: Role) -> Endpoint {
        match role {
            Role::Initiator => self.initiator,
            Role::Responder => self.responder,
        }
    }

    /// The `show crypto isakmp sa` state of one side (`None`: that side has no SA).
    pub fn isakmp_state(&self, role: Role) -> Option<IsakmpSaState> {
        if !self.side_seen[role as usize] {
            return None;
        }
        Some(match (&self.outcome, self.version) {
            (Some(Outcome::Deleted { .. }), _) => IsakmpSaState::Deleted,
            (Some(Outcome::Failed { .. } | Outcome::Abandoned { .. }), _) => IsakmpSaState::Failed,
            (None, _) => self.state[role as usize].isakmp_state(),
        })
    }

    /// The state a table shows for the SA as a whole: the less advanced side's.
    pub fn overall_state(&self) -> String {
        if self.version == 2 {
            let s = self.v2_state.iter().copied().min().unwrap_or(V2State::Idle);
            return match &self.outcome {
                Some(Outcome::Deleted { .. }) => "DELETE".into(),
                Some(Outcome::Failed { .. } | Outcome::Abandoned { .. }) => "FAILED".into(),
                None => s.status().into(),
            };
        }
        let states: Vec<_> = [Role::Initiator, Role::Responder]
            .iter()
            .filter_map(|r| self.isakmp_state(*r))
            .collect();
        states
            .iter()
            .min_by_key(|s| state_rank(**s))
            .map_or("MM_NO_STATE".into(), |s| s.name().into())
    }

    pub fn is_established(&self) -> bool {
        self.established.is_some() && self.outcome.is_none()
    }

    pub fn is_negotiating(&self) -> bool {
        self.established.is_none() && self.outcome.is_none()
    }

    /// "31acfc6c27a16728/0ed3229697e4c93b".
    pub fn cookies(&self) -> String {
        format!("{}/{}", self.initiator_cookie, self.responder_cookie)
    }

    /// The remaining phase-1 lifetime at `now`, if a lifetime was negotiated and it is up.
    pub fn remaining_lifetime(&self, now: Timestamp) -> Option<i64> {
        let (_, at) = self.established?;
        let life = self.chosen.as_ref()?.life_seconds?;
        Some(
            i64::try_from(life)
                .unwrap_or(i64::MAX)
                .saturating_sub(now.secs - at.secs),
        )
    }
}

fn state_rank(s: IsakmpSaState) -> u8 {
    match s {
        IsakmpSaState::MmNoState | IsakmpSaState::AgNoState => 0,
        IsakmpSaState::MmSaSetup | IsakmpSaState::AgInitExch => 1,
        IsakmpSaState::MmKeyExch => 2,
        IsakmpSaState::MmKeyAuth | IsakmpSaState::AgAuth => 3,
        IsakmpSaState::QmIdle => 4,
        IsakmpSaState::Failed => 5,
        IsakmpSaState::Deleted => 6,
    }
}

/// How a quick mode (or IKEv2 child SA exchange) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickModeOutcome {
    Complete {
        frame: u64,
    },
    Refused {
        frame: u64,
        notify: &'static str,
        notify_type: u16,
    },
    /// No QM2, and an unreadable (encrypted) informational came back instead.
    RefusedUnread {
        frame: u64,
    },
}

/// One quick-mode exchange (Cisco's "node"), or an IKEv2 child SA negotiation.
#[derive(Debug, Clone)]
pub struct QuickMode {
    pub message_id: u32,
    /// The IKE SA role of the peer that started it.
    pub initiator: Role,
    pub order: super::exchange::QuickModeOrder,
    /// Quick-mode debug state of the IKE initiator / responder (by IKE role).
    pub state: [QuickModeState; 2],
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_seen: Timestamp,
    pub messages: u16,
    pub retransmissions: u16,
    /// Inbound SPI of the quick-mode initiator (from QM1) and of its responder (from QM2).
    pub spi_initiator: Option<u32>,
    pub spi_responder: Option<u32>,
    /// KE in quick mode: PFS.
    pub pfs: bool,
    /// Whether the content was read (decrypted); without keys only the order is known.
    pub decrypted: bool,
    pub outcome: Option<QuickModeOutcome>,
    /// What the messages said (only when they could be read).
    pub content: Option<Box<QuickModeContent>>,
}

/// What a readable quick mode (or IKEv2 child exchange) said.
#[derive(Debug, Clone, Default)]
pub struct QuickModeContent {
    /// What the quick-mode initiator offered: (SPI, policy) per proposal/transform.
    pub offered: Vec<(u32, IpsecPolicy)>,
    pub chosen: Option<IpsecPolicy>,
    /// Proxy IDs (IDci, IDcr) as `show crypto ipsec sa` prints idents.
    pub proxy_initiator: Option<Box<str>>,
    pub proxy_responder: Option<Box<str>>,
    /// IKEv2: the accepted child proposal as text (`ESP: AES_CBC_128/HMAC_SHA1_96/NO_EXT_SEQ`).
    pub transform_text: Option<String>,
}

impl QuickMode {
    pub fn content_mut(&mut self) -> &mut QuickModeContent {
        self.content.get_or_insert_with(Box::default)
    }

    pub fn offered(&self) -> &[(u32, IpsecPolicy)] {
        self.content
            .as_deref()
            .map_or(&[], |c| c.offered.as_slice())
    }

    pub fn chosen(&self) -> Option<&IpsecPolicy> {
        self.content.as_deref().and_then(|c| c.chosen.as_ref())
    }

    pub fn proxy_initiator(&self) -> Option<&str> {
        self.content
            .as_deref()
            .and_then(|c| c.proxy_initiator.as_deref())
    }

    pub fn proxy_responder(&self) -> Option<&str> {
        self.content
            .as_deref()
            .and_then(|c| c.proxy_responder.as_deref())
    }

    pub fn transform_text(&self) -> Option<&str> {
        self.content
            .as_deref()
            .and_then(|c| c.transform_text.as_deref())
    }
}

/// An IPsec SA: one SPI in one direction.
#[derive(Debug, Clone)]
pub struct IpsecSa {
    pub spi: u32,
    /// 50 (ESP) or 51 (AH).
    pub protocol: u8,
    /// Outer addresses: the sender and the receiver (who chose the SPI).
    pub src: IpAddr,
    pub dst: IpAddr,
    /// UDP-encapsulated (NAT-T): the ports.
    pub encap: Option<(u16, u16)>,
    pub ike_sa: Option<Id>,
    pub conn_id: Option<u32>,
    pub message_id: Option<u32>,
    /// What its quick mode (or IKEv2 exchange) negotiated; `None`: only seen on the wire,
    /// linked to its tunnel by addresses and time (inferred).
    pub negotiation: Option<Box<Negotiation>>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub first_frame: u64,
    pub last_frame: u64,
    /// ESP/AH packets and their bytes on the wire (the ESP/AH packet, from the SPI).
    pub packets: u64,
    pub bytes: u64,
    /// With keys: packets decrypted and their inner (plaintext) bytes, as xfrm counts them.
    pub decrypted: u64,
    pub inner_bytes: u64,
    pub decrypt_failures: u64,
    pub icv_failures: u64,
    pub seq: SequenceStats,
    pub deleted: Option<u64>,
    pub tunnel: Id,
}

impl Keyed for IpsecSa {
    /// SPIs are chosen by the receiver: unique per receiving address.
    type Key = (IpAddr, u32, u8);
    fn key(&self) -> (IpAddr, u32, u8) {
        (self.dst, self.spi, self.protocol)
    }
}

/// What the negotiation of an IPsec SA said.
#[derive(Debug, Clone)]
pub struct Negotiation {
    pub policy: Option<IpsecPolicy>,
    /// IKEv2: the child SA's proposal as text (IKEv1 SAs have `policy`).
    pub transform_text: Option<String>,
    /// Proxies from the receiver's view: its local and the remote ident.
    pub local_ident: Option<Box<str>>,
    pub remote_ident: Option<Box<str>>,
    /// Frame and time of the message that completed it.
    pub established: (u64, Timestamp),
}

impl IpsecSa {
    /// Negotiated in a quick mode seen in the capture.
    pub fn negotiated(&self) -> bool {
        self.negotiation.is_some()
    }

    pub fn policy(&self) -> Option<&IpsecPolicy> {
        self.negotiation.as_deref().and_then(|n| n.policy.as_ref())
    }

    pub fn transform_text(&self) -> Option<&str> {
        self.negotiation
            .as_deref()
            .and_then(|n| n.transform_text.as_deref())
    }

    pub fn local_ident(&self) -> Option<&str> {
        self.negotiation
            .as_deref()
            .and_then(|n| n.local_ident.as_deref())
    }

    pub fn remote_ident(&self) -> Option<&str> {
        self.negotiation
            .as_deref()
            .and_then(|n| n.remote_ident.as_deref())
    }

    pub fn established(&self) -> Option<(u64, Timestamp)> {
        self.negotiation.as_deref().map(|n| n.established)
    }

    /// Remaining lifetime in seconds and kilobytes at `now`, where negotiated.
    pub fn remaining_lifetime(&self, now: Timestamp) -> (Option<i64>, Option<i64>) {
        let Some(policy) = self.policy() else {
            return (None, None);
        };
        let secs = self
            .established()
            .zip(policy.life_seconds)
            .map(|((_, at), life)| {
                i64::try_from(life)
                    .unwrap_or(i64::MAX)
                    .saturating_sub(now.secs - at.secs)
            });
        // Cisco counts kilobytes of traffic protected (inner bytes when known).
        let used_kb = i64::try_from(
            if self.decrypted > 0 {
                self.inner_bytes
            } else {
                self.bytes
            } / 1024,
        )
        .unwrap_or(0);
        let kb = policy.life_kilobytes.map(|kb| {
            i64::try_from(kb)
                .unwrap_or(i64::MAX)
                .saturating_sub(used_kb)
        });
        (secs, kb)
    }

    pub fn is_alive(&self) -> bool {
        self.deleted.is_none()
    }
}

/// Per-second packet counts of a tunnel, both directions, for rates and sparklines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateHistory {
    /// Capture second of the newest bucket.
    pub newest: i64,
    /// `buckets[d][i]`: packets in direction d (0: a→b, 1: b→a), i seconds before `newest`.
    pub buckets: [[u32; RATE_SECONDS]; 2],
}

pub const RATE_SECONDS: usize = 30;

impl RateHistory {
    pub fn new(now: i64) -> RateHistory {
        RateHistory {
            newest: now,
            buckets: [[0; RATE_SECONDS]; 2],
        }
    }

    pub fn add(&mut self, now: i64, dir: usize) {
        if now > self.newest {
            let shift = usize::try_from(now - self.newest)
                .unwrap_or(RATE_SECONDS)
                .min(RATE_SECONDS);
            for b in &mut self.buckets {
                b.rotate_right(shift);
                for x in b.iter_mut().take(shift) {
                    *x = 0;
                }
            }
            self.newest = now;
        }
        let age = usize::try_from(self.newest - now).unwrap_or(RATE_SECONDS);
        if let Some(x) = self.buckets.get_mut(dir).and_then(|b| b.get_mut(age)) {
            *x = x.saturating_add(1);
        }
    }

    /// Oldest first, as of `now` (buckets older than the window are zero).
    pub fn series(&self, dir: usize, now: i64) -> Vec<u64> {
        let lag = usize::try_from(now - self.newest).unwrap_or(0);
        let b = self.buckets.get(dir).copied().unwrap_or([0; RATE_SECONDS]);
        (0..RATE_SECONDS)
            .rev()
            .map(|age| {
                if age < lag {
                    0
                } else {
                    u64::from(b.get(age - lag).copied().unwrap_or(0))
                }
            })
            .collect()
    }
}

/// A tunnel: everything between one pair of peer addresses.
#[derive(Debug, Clone)]
pub struct Tunnel {
    /// The two peers, lower address first.
    pub peers: [IpAddr; 2],
    pub ike_sas: Vec<Id>,
    pub ipsec_sas: Vec<Id>,
    pub first_seen: Timestamp,
    /// Last IKE message or keepalive; ESP/AH is on the SAs (`TunnelTraffic::last_seen`).
    pub last_seen: Timestamp,
    /// Per-second packet counts for rates and sparklines (only when the tracker is asked to
    /// keep them: the dashboard).
    pub rates: Option<Box<RateHistory>>,
    /// Phase-1 SAs that came up, and ones that went down after being up.
    pub established_count: u32,
    pub down_count: u32,
    /// Phase-1 offers each peer made as an initiator (to compare policies when both offered).
    pub offers: [Vec<Phase1Policy>; 2],
    pub nat_keepalives: u32,
}

impl Keyed for Tunnel {
    type Key = [IpAddr; 2];
    fn key(&self) -> [IpAddr; 2] {
        self.peers
    }
}

impl Tunnel {
    /// 0 if `addr` is peers[0], else 1.
    pub fn side_of(&self, addr: IpAddr) -> usize {
        usize::from(self.peers[0] != addr)
    }

    pub fn name(&self) -> String {
        format!("{} <-> {}", self.peers[0], self.peers[1])
    }
}

/// A tunnel's ESP/AH traffic, summed from its IPsec SAs on demand (the per-packet path only
/// touches the SA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TunnelTraffic {
    /// Packets and bytes from peers[0] to peers[1], and back.
    pub packets: [u64; 2],
    pub bytes: [u64; 2],
    /// When ESP/AH was last seen in each direction.
    pub last_traffic: [Option<Timestamp>; 2],
    /// First frame of ESP sent as IP protocol 50 (not UDP-encapsulated).
    pub raw_esp_frame: Option<u64>,
}

impl TunnelTraffic {
    /// The last time anything of the tunnel was seen: IKE, keepalives or ESP/AH.
    pub fn last_seen(&self, tunnel: &Tunnel) -> Timestamp {
        self.last_traffic
            .iter()
            .flatten()
            .fold(tunnel.last_seen, |a, b| a.max(*b))
    }
}

/// A `show crypto session`-style summary of a tunnel, computed on demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub status: SessionStatus,
    pub ike_established: usize,
    pub ike_negotiating: usize,
    pub ipsec_up: usize,
}
