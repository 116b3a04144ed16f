//! The worker's state: the pipeline (decode → decrypt → track), the packet log beside it, and
//! the diagnoses computed at most once a second. [`Feed::snapshot`] turns it into the plain
//! data of one view: filtered, sorted, and cut to the rows that fit on screen, so the UI
//! thread draws in time proportional to the screen, not to the number of SAs.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use ikescope_dissectors::Cookie;

use super::log::{MAX_ESP_TREES, MAX_IKE_LOGS, MAX_IKE_TREES, PacketLog, SPI_LINES};
use super::snapshot::{
    Arrow, Body, Counts, DiagDetail, DiagRow, Focus, IkeRow, IkeStatus, IpsecRow, Ladder,
    LadderRow, Mark, PacketList, PacketRow, RowKey, RunState, Snapshot, Status, Target,
    TunnelDetail, TunnelRow, View, ViewRequest, Window, Worst,
};
use crate::capture::{Frame, Timestamp};
use crate::keys::KeyStore;
use crate::pipeline::{Pipeline, Tracking};
use crate::present::format::{bytes, rfc3339};
use crate::track::diagnosis::{Diagnosis, Severity};
use crate::track::model::{IkeSa, IpsecSa, Outcome, QuickModeOutcome, Tunnel, V2State};
use crate::track::states::{IsakmpSaState, Role, SessionStatus};
use crate::track::{Id, Tracker, TrackerConfig};

/// Diagnoses are recomputed at most this often while packets arrive (they scan every SA).
const DIAGNOSES_EVERY: Duration = Duration::from_secs(1);

/// What the worker knows of the run, beside the tracker: for the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub state: RunState,
    pub source: String,
    pub drops: Option<u64>,
    pub rate: f64,
}

#[derive(Default)]
struct DiagCache {
    list: Vec<Diagnosis>,
    by_tunnel: HashMap<[IpAddr; 2], Worst>,
    by_ike: HashMap<(Cookie, Cookie), Worst>,
    /// Indexes into `list`, per tunnel and per IKE SA (filtering by code is a lookup).
    tunnel_index: HashMap<[IpAddr; 2], Vec<usize>>,
    ike_index: HashMap<(Cookie, Cookie), Vec<usize>>,
    /// Each diagnosis's row identity, and back.
    keys: Vec<u64>,
    key_index: HashMap<u64, usize>,
}

fn add_worst(map_entry: &mut Option<Worst>, d: &Diagnosis) {
    match map_entry {
        Some(w) => {
            w.count += 1;
            if d.severity > w.severity {
                w.severity = d.severity;
                w.code = d.code.code();
            }
        }
        None => {
            *map_entry = Some(Worst {
                severity: d.severity,
                code: d.code.code(),
                count: 1,
            });
        }
    }
}

/// "192.0.2.1 <-> 192.0.2.2" as the tracker names a tunnel, lower address first.
fn parse_tunnel(name: &str) -> Option<[IpAddr; 2]> {
    let (a, b) = name.split_once(" <-> ")?;
    let (a, b): (IpAddr, IpAddr) = (a.parse().ok()?, b.parse().ok()?);
    Some(if a <= b { [a, b] } else { [b, a] })
}

fn parse_cookies(s: &str) -> Option<(Cookie, Cookie)> {
    let (i, r) = s.split_once('/')?;
    Some((i.parse().ok()?, r.parse().ok()?))
}

impl DiagCache {
    fn build(list: Vec<Diagnosis>) -> DiagCache {
        let mut by_tunnel: HashMap<[IpAddr; 2], Worst> = HashMap::new();
        let mut by_ike: HashMap<(Cookie, Cookie), Worst> = HashMap::new();
        let mut tunnel_index: HashMap<[IpAddr; 2], Vec<usize>> = HashMap::new();
        let mut ike_index: HashMap<(Cookie, Cookie), Vec<usize>> = HashMap::new();
        for (i, d) in list.iter().enumerate() {
            if let Some(peers) = parse_tunnel(&d.tunnel) {
                let mut w = by_tunnel.get(&peers).copied();
                add_worst(&mut w, d);
                if let Some(w) = w {
                    by_tunnel.insert(peers, w);
                }
                tunnel_index.entry(peers).or_default().push(i);
            }
            if let Some(c) = d.ike_sa.as_deref().and_then(parse_cookies) {
                let mut w = by_ike.get(&c).copied();
                add_worst(&mut w, d);
                if let Some(w) = w {
                    by_ike.insert(c, w);
                }
                ike_index.entry(c).or_default().push(i);
            }
        }
        let keys: Vec<u64> = list.iter().map(diag_key).collect();
        let key_index = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        DiagCache {
            list,
            by_tunnel,
            by_ike,
            tunnel_index,
            ike_index,
            keys,
            key_index,
        }
    }

    fn of_tunnel(&self, peers: &[IpAddr; 2]) -> impl Iterator<Item = &Diagnosis> {
        self.tunnel_index
            .get(peers)
            .into_iter()
            .flatten()
            .filter_map(|i| self.list.get(*i))
    }

    fn of_ike(&self, sa: &IkeSa) -> impl Iterator<Item = &Diagnosis> {
        self.ike_index
            .get(&(sa.initiator_cookie, sa.responder_cookie))
            .into_iter()
            .flatten()
            .filter_map(|i| self.list.get(*i))
    }
}

/// Case-insensitive substring filter.
struct Filter<'a> {
    needle: &'a str,
    /// Only then can it match a transform name (saves formatting each SA's policy).
    has_letters: bool,
    buf: String,
}

impl<'a> Filter<'a> {
    fn new(needle: &'a str) -> Filter<'a> {
        let needle = needle.trim();
        Filter {
            needle,
            has_letters: needle.bytes().any(|b| b.is_ascii_alphabetic()),
            buf: String::new(),
        }
    }

    /// "0xc5039682".
    fn spi(&mut self, spi: u32) -> bool {
        use std::fmt::Write as _;
        self.buf.clear();
        let _ = write!(self.buf, "0x{spi:08x}");
        icontains(&self.buf, self.needle)
    }

    fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    fn text(&self, hay: &str) -> bool {
        icontains(hay, self.needle)
    }

    fn addr(&mut self, a: IpAddr) -> bool {
        use std::fmt::Write as _;
        self.buf.clear();
        match a {
            // Dotted quads by hand: this runs for every SA when filtering 100,000 of them.
            IpAddr::V4(v4) => {
                for (i, o) in v4.octets().iter().enumerate() {
                    if i > 0 {
                        self.buf.push('.');
                    }
                    if *o >= 100 {
                        self.buf.push(char::from(b'0' + o / 100));
                    }
                    if *o >= 10 {
                        self.buf.push(char::from(b'0' + o / 10 % 10));
                    }
                    self.buf.push(char::from(b'0' + o % 10));
                }
            }
            IpAddr::V6(_) => {
                let _ = write!(self.buf, "{a}");
            }
        }
        icontains(&self.buf, self.needle)
    }

    /// State names and diagnosis codes are words: a needle without letters cannot match.
    fn word(&self, hay: &str) -> bool {
        self.has_letters && icontains(hay, self.needle)
    }

    /// "initiator_cookie/responder_cookie", only if the needle could be part of one.
    fn cookies(&mut self, sa: &IkeSa) -> bool {
        use std::fmt::Write as _;
        if !self
            .needle
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'/')
        {
            return false;
        }
        self.buf.clear();
        let _ = write!(self.buf, "{}/{}", sa.initiator_cookie, sa.responder_cookie);
        icontains(&self.buf, self.needle)
    }
}

fn icontains(hay: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    n.is_empty()
        || hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n))
}

/// The visible part of a sorted list, with the resolved selection.
struct Placed {
    keys: Vec<RowKey>,
    total: usize,
    offset: usize,
    selected: usize,
    key: Option<RowKey>,
}

impl Placed {
    fn window<R>(&self, rows: Vec<R>, target: Target) -> Window<R> {
        Window {
            rows,
            total: self.total,
            offset: self.offset,
            selected: self.selected,
            key: self.key,
            target,
        }
    }
}

/// Sorts rows by their key (ties broken by row identity, so the order is stable between
/// snapshots).
fn sorted<K: Ord>(items: impl Iterator<Item = (RowKey, K)>, reverse: bool) -> Vec<RowKey> {
    let mut v: Vec<(K, RowKey)> = items.map(|(r, k)| (k, r)).collect();
    v.sort_unstable_by(|a, b| {
        let o = a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1));
        if reverse { o.reverse() } else { o }
    });
    v.into_iter().map(|(_, k)| k).collect()
}

/// Resolves the anchor (freeze) or the frame to go to in a sorted list, clamps the selection
/// and cuts the window.
fn window(order: &[RowKey], req: &ViewRequest) -> Placed {
    let total = order.len();
    let height = req.height.max(1);
    let mut selected = req.selected;
    let mut offset = req.offset;
    if let Some(anchor) = req.anchor
        && let Some(i) = order.iter().position(|k| *k == anchor)
    {
        let line = req.selected.saturating_sub(req.offset);
        selected = i;
        offset = i.saturating_sub(line);
    }
    if let Some(f) = req.goto_frame {
        let exact = order.iter().position(|k| *k == RowKey::Frame(f));
        let near = || {
            order
                .iter()
                .enumerate()
                .filter_map(|(i, k)| match k {
                    RowKey::Frame(x) => Some((x.abs_diff(f), i)),
                    _ => None,
                })
                .min()
                .map(|(_, i)| i)
        };
        if let Some(i) = exact.or_else(near) {
            selected = i;
            offset = i.saturating_sub(height / 2);
        }
    }
    if total == 0 {
        selected = 0;
        offset = 0;
    } else {
        selected = selected.min(total - 1);
        if selected < offset {
            offset = selected;
        }
        if selected >= offset + height {
            offset = selected + 1 - height;
        }
        offset = offset.min(total.saturating_sub(height));
    }
    Placed {
        keys: order.iter().skip(offset).take(height).copied().collect(),
        total,
        offset,
        selected,
        key: order.get(selected).copied(),
    }
}

fn place<K: Ord>(items: impl Iterator<Item = (RowKey, K)>, req: &ViewRequest) -> Placed {
    window(&sorted(items, req.reverse), req)
}

/// The sorted, filtered rows of a table view, kept while neither the data nor the order
/// changes: moving the selection then costs only the window.
struct OrderCache {
    view: View,
    sort: usize,
    reverse: bool,
    filter: String,
    generation: u64,
    order: Vec<RowKey>,
}

impl OrderCache {
    fn fits(&self, req: &ViewRequest, generation: u64) -> bool {
        self.view == req.view
            && self.sort == req.sort
            && self.reverse == req.reverse
            && self.filter == req.filter
            && self.generation == generation
    }
}

/// The dashboard's model: everything the worker thread owns except the capture source.
pub struct Feed {
    pipeline: Pipeline,
    log: PacketLog,
    start: Option<Timestamp>,
    diag: DiagCache,
    diag_dirty: bool,
    diag_at: Option<Instant>,
    /// How long the last recomputation took.
    diag_cost: Duration,
    finished: bool,
    keys: String,
    /// Bumped whenever what a view shows may have changed (a packet, the diagnoses).
    generation: u64,
    order: Option<OrderCache>,
    /// IKE SAs with a message decrypted, and all, as of a generation.
    decrypted: std::cell::Cell<Option<(u64, (usize, usize))>>,
}

impl Feed {
    pub fn new(keys: KeyStore, config: TrackerConfig) -> Feed {
        // The dashboard's packets/s and sparklines need the per-tunnel rate series.
        let config = TrackerConfig {
            rates: true,
            ..config
        };
        let summary = if keys.is_empty() {
            String::new()
        } else {
            keys.summary().to_string()
        };
        Feed {
            pipeline: Pipeline::new(keys, config, Tracking::Full),
            log: PacketLog::new(),
            start: None,
            diag: DiagCache::default(),
            diag_dirty: true,
            diag_at: None,
            diag_cost: Duration::ZERO,
            finished: false,
            keys: summary,
            generation: 0,
            order: None,
            decrypted: std::cell::Cell::new(None),
        }
    }

    /// Runs one frame through the pipeline and logs it; true if it was an IPsec packet.
    pub fn ingest(&mut self, frame: &Frame<'_>) -> bool {
        let start = *self.start.get_or_insert(frame.ts);
        let Some((meta, processed)) = self.pipeline.process(frame) else {
            return false;
        };
        self.log.record(&meta, &processed, start);
        self.diag_dirty = true;
        self.generation += 1;
        true
    }

    /// The end of the capture: the tracker concludes; diagnoses are recomputed at once.
    pub fn finish(&mut self) {
        if !self.finished {
            self.pipeline.finish();
            self.finished = true;
            self.diag_dirty = true;
            self.generation += 1;
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.pipeline.tracker
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// IPsec packets decoded so far.
    pub fn packets(&self) -> u64 {
        self.pipeline.decoder.stats().ipsec_packets()
    }

    /// Recomputes the diagnoses if packets came since, at most once a second and at most a
    /// tenth of the time (with 100,000 SAs they take most of a second, and the worker must
    /// keep reading packets). The worker calls this on its tick, not when answering a key, so
    /// a key press does not wait for it; true if they were recomputed.
    pub fn refresh_diagnoses(&mut self) -> bool {
        let every = DIAGNOSES_EVERY.max(self.diag_cost * 10);
        let due = self.finished || self.diag_at.is_none_or(|t| t.elapsed() >= every);
        if !(self.diag_dirty && due) {
            return false;
        }
        let start = Instant::now();
        self.diag = DiagCache::build(self.pipeline.tracker.diagnoses());
        self.diag_cost = start.elapsed();
        self.diag_dirty = false;
        self.generation += 1;
        self.diag_at = Some(Instant::now());
        true
    }

    /// The data of the requested view, cut to its window.
    pub fn snapshot(&mut self, req: &ViewRequest, run: &RunInfo) -> Snapshot {
        // The first snapshot, and the one after the end, have them at once; otherwise the
        // worker's tick refreshes them.
        if self.diag_at.is_none() || self.finished {
            self.refresh_diagnoses();
        }
        let cached = self.order.take().filter(|c| c.fits(req, self.generation));
        let order = match (req.view, cached) {
            (View::Ladder | View::Packets, _) => None,
            (_, Some(c)) => Some(c),
            (view, None) => Some(OrderCache {
                view,
                sort: req.sort,
                reverse: req.reverse,
                filter: req.filter.clone(),
                generation: self.generation,
                order: match view {
                    View::Tunnels => self.tunnel_order(req),
                    View::IkeSas => self.ike_order(req),
                    View::IpsecSas => self.ipsec_order(req),
                    _ => self.diagnosis_order(req),
                },
            }),
        };
        let rows = order.as_ref().map_or(&[][..], |c| &c.order[..]);
        let body = match req.view {
            View::Tunnels => self.tunnels(req, rows),
            View::IkeSas => self.ike_sas(req, rows),
            View::IpsecSas => self.ipsec_sas(req, rows),
            View::Ladder => Body::Ladder(self.ladder(req)),
            View::Diagnoses => self.diagnoses(req, rows),
            View::Packets => Body::Packets(self.packets_view(req)),
        };
        self.order = order;
        Snapshot {
            seq: req.seq,
            view: req.view,
            status: self.status(run),
            counts: self.counts(),
            body,
        }
    }

    fn status(&self, run: &RunInfo) -> Status {
        let t = self.tracker();
        let stats = self.pipeline.decoder.stats();
        let (decrypted, total) = match self.decrypted.get() {
            Some((g, d)) if g == self.generation => d,
            _ => {
                let (mut decrypted, mut total) = (0, 0);
                for (_, sa) in t.ike_sas() {
                    total += 1;
                    decrypted += usize::from(sa.decrypted > 0);
                }
                self.decrypted
                    .set(Some((self.generation, (decrypted, total))));
                (decrypted, total)
            }
        };
        let ts = t.stats();
        Status {
            state: run.state.clone(),
            source: run.source.clone(),
            frames: stats.frames,
            packets: stats.ipsec_packets(),
            drops: run.drops,
            rate: run.rate,
            keys: self.keys.clone(),
            decrypted: (decrypted, total),
            time: if t.now() == Timestamp::default() {
                String::new()
            } else {
                time_of_day(t.now())
            },
            evicted: ts.ike_sas_evicted + ts.ipsec_sas_evicted,
        }
    }

    fn counts(&self) -> Counts {
        let (ike_sas, ipsec_sas, tunnels) = self.tracker().counts();
        let errors = self
            .diag
            .list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            tunnels,
            ike_sas,
            ipsec_sas,
            errors,
            warnings: self.diag.list.len() - errors,
        }
    }

    // ------------------------------------------------------------------ tunnels

    fn tunnel_matches(&self, tn: &Tunnel, f: &mut Filter<'_>) -> bool {
        if f.is_empty() {
            return true;
        }
        let t = self.tracker();
        f.addr(tn.peers[0])
            || f.addr(tn.peers[1])
            || (f.has_letters
                && (f.word(t.session(tn).status.name())
                    || newest_ike(t, tn)
                        .is_some_and(|sa| ike_state_names(sa).iter().any(|n| f.word(n)))
                    || self
                        .diag
                        .of_tunnel(&tn.peers)
                        .any(|d| f.word(d.code.code()))))
    }

    fn tunnel_order(&self, req: &ViewRequest) -> Vec<RowKey> {
        let t = self.tracker();
        let now = t.now();
        let mut f = Filter::new(&req.filter);
        let matching: Vec<(Id, &Tunnel)> = t
            .tunnels()
            .filter(|(_, tn)| self.tunnel_matches(tn, &mut f))
            .collect();
        let items = matching.iter();
        let key = |id: &Id| RowKey::Tunnel(*id);
        match req.sort {
            1 => sorted(
                items.map(|(id, tn)| (key(id), (status_rank(t.session(tn).status), tn.peers))),
                req.reverse,
            ),
            2 => sorted(
                items.map(|(id, tn)| (key(id), (tn.first_seen, tn.peers))),
                req.reverse,
            ),
            3 => sorted(
                items.map(|(id, tn)| {
                    let r = rate(tn, now, 0) + rate(tn, now, 1);
                    (key(id), (Reverse((r * 1000.0) as u64), tn.peers))
                }),
                req.reverse,
            ),
            4 => sorted(
                items.map(|(id, tn)| {
                    let w = self.diag.by_tunnel.get(&tn.peers);
                    (
                        key(id),
                        (Reverse(w.map(|w| (w.severity, w.count))), tn.peers),
                    )
                }),
                req.reverse,
            ),
            _ => sorted(items.map(|(id, tn)| (key(id), tn.peers)), req.reverse),
        }
    }

    fn tunnels(&self, req: &ViewRequest, order: &[RowKey]) -> Body {
        let t = self.tracker();
        let now = t.now();
        let placed = window(order, req);
        let rows = placed
            .keys
            .iter()
            .filter_map(|k| match k {
                RowKey::Tunnel(id) => t.tunnel(*id).map(|tn| self.tunnel_row(tn, now)),
                _ => None,
            })
            .collect();
        let (target, detail) = match placed.key {
            Some(RowKey::Tunnel(id)) => (
                Target {
                    focus: Some(Focus::Tunnel(id)),
                    frame: None,
                },
                t.tunnel(id).map(|tn| self.tunnel_detail(tn, now)),
            ),
            _ => (Target::default(), None),
        };
        Body::Tunnels {
            table: placed.window(rows, target),
            detail,
        }
    }

    fn tunnel_row(&self, tn: &Tunnel, now: Timestamp) -> TunnelRow {
        let t = self.tracker();
        let s = t.session(tn);
        let newest = newest_ike(t, tn);
        let spark = match &tn.rates {
            Some(r) => {
                let a = r.series(0, now.secs);
                let b = r.series(1, now.secs);
                a.iter().zip(&b).map(|(x, y)| x + y).collect()
            }
            None => Vec::new(),
        };
        TunnelRow {
            status: s.status,
            peers: tn.peers,
            ike_state: newest.map_or_else(|| "-".to_string(), IkeSa::overall_state),
            ike_version: newest.map_or(0, |sa| sa.version),
            ipsec_up: s.ipsec_up,
            rate: [rate(tn, now, 0), rate(tn, now, 1)],
            spark,
            age_secs: now.secs - tn.first_seen.secs,
            worst: self.diag.by_tunnel.get(&tn.peers).copied(),
        }
    }

    fn tunnel_detail(&self, tn: &Tunnel, now: Timestamp) -> TunnelDetail {
        let t = self.tracker();
        let s = t.session(tn);
        let traffic = t.traffic(tn);
        let [a, b] = tn.peers;
        let mut lines: Vec<String> = self
            .diag
            .of_tunnel(&tn.peers)
            .map(|d| {
                format!(
                    "{} {}: {}",
                    severity_symbol(d.severity),
                    d.code.code(),
                    d.code.title()
                )
            })
            .collect();
        lines.push(format!(
            "IKE SAs: {} up, {} negotiating, {} in all · IPsec SAs up: {} of {}",
            s.ike_established,
            s.ike_negotiating,
            tn.ike_sas.len(),
            s.ipsec_up,
            tn.ipsec_sas.len()
        ));
        for (dir, (x, y)) in [(0, (a, b)), (1, (b, a))] {
            lines.push(format!(
                "{x} → {y}: {} ESP/AH packets, {}{}",
                traffic.packets[dir],
                bytes(traffic.bytes[dir]),
                traffic.last_traffic[dir].map_or_else(
                    || "  (none seen)".to_string(),
                    |ts| format!(", last at {}", time_of_day(ts))
                )
            ));
        }
        lines.push(format!(
            "first seen {}, last seen {}; phase 1 came up {}×, went down {}×; NAT-T keepalives {}",
            time_of_day(tn.first_seen),
            time_of_day(traffic.last_seen(tn)),
            tn.established_count,
            tn.down_count,
            tn.nat_keepalives
        ));
        let series = match &tn.rates {
            Some(r) => [r.series(0, now.secs), r.series(1, now.secs)],
            None => [Vec::new(), Vec::new()],
        };
        TunnelDetail {
            peers: tn.peers,
            lines,
            series,
        }
    }

    // ------------------------------------------------------------------ IKE SAs

    fn ike_matches(&self, sa: &IkeSa, f: &mut Filter<'_>) -> bool {
        if f.is_empty() {
            return true;
        }
        f.addr(sa.initiator.addr)
            || f.addr(sa.responder.addr)
            || (f.has_letters && ike_state_names(sa).iter().any(|n| f.word(n)))
            || f.cookies(sa)
            || [Role::Initiator, Role::Responder]
                .into_iter()
                .filter_map(|r| sa.identity(r))
                .any(|i| f.text(i))
            || (f.has_letters && self.diag.of_ike(sa).any(|d| f.word(d.code.code())))
    }

    fn ike_order(&self, req: &ViewRequest) -> Vec<RowKey> {
        let t = self.tracker();
        let now = t.now();
        let mut f = Filter::new(&req.filter);
        let matching: Vec<(Id, &IkeSa)> = t
            .ike_sas()
            .filter(|(_, sa)| self.ike_matches(sa, &mut f))
            .collect();
        let items = matching.iter();
        let key = |id: &Id| RowKey::Ike(*id);
        match req.sort {
            1 => sorted(
                items.map(|(id, sa)| {
                    (
                        key(id),
                        (ike_status_rank(ike_status(sa)), state_key(sa), sa.conn_id),
                    )
                }),
                req.reverse,
            ),
            2 => sorted(
                items.map(|(id, sa)| (key(id), (sa.initiator.addr, sa.responder.addr, sa.conn_id))),
                req.reverse,
            ),
            3 => sorted(
                items.map(|(id, sa)| (key(id), (sa.first_seen, sa.conn_id))),
                req.reverse,
            ),
            4 => sorted(
                items.map(|(id, sa)| {
                    let life = sa.remaining_lifetime(now);
                    (key(id), (life.is_none(), life, sa.conn_id))
                }),
                req.reverse,
            ),
            _ => sorted(items.map(|(id, sa)| (key(id), sa.conn_id)), req.reverse),
        }
    }

    fn ike_sas(&self, req: &ViewRequest, order: &[RowKey]) -> Body {
        let t = self.tracker();
        let now = t.now();
        let placed = window(order, req);
        let rows = placed
            .keys
            .iter()
            .filter_map(|k| match k {
                RowKey::Ike(id) => t.ike_sa(*id).map(|sa| self.ike_row(sa, now)),
                _ => None,
            })
            .collect();
        let (target, detail) = match placed.key {
            Some(RowKey::Ike(id)) => (
                Target {
                    focus: Some(Focus::Ike(id)),
                    frame: None,
                },
                t.ike_sa(id).map(ike_detail).unwrap_or_default(),
            ),
            _ => (Target::default(), Vec::new()),
        };
        Body::IkeSas {
            table: placed.window(rows, target),
            detail,
        }
    }

    fn ike_row(&self, sa: &IkeSa, now: Timestamp) -> IkeRow {
        IkeRow {
            conn_id: sa.conn_id,
            version: sa.version,
            initiator: sa.initiator.addr,
            responder: sa.responder.addr,
            state: sa.overall_state(),
            sides: [
                side_state(sa, Role::Initiator),
                side_state(sa, Role::Responder),
            ],
            status: ike_status(sa),
            mode: sa.mode.name(),
            policy: ike_policy(sa),
            ids: format!(
                "{} / {}",
                sa.identity(Role::Initiator).unwrap_or("-"),
                sa.identity(Role::Responder).unwrap_or("-")
            ),
            life: sa.remaining_lifetime(now),
            retransmissions: sa.retransmissions,
            worst: self
                .diag
                .by_ike
                .get(&(sa.initiator_cookie, sa.responder_cookie))
                .copied(),
        }
    }

    // ------------------------------------------------------------------ IPsec SAs

    /// IPsec SAs paired by the quick mode (or child SA exchange) that made them: sorted by
    /// (IKE SA, message ID, id), so pairs are neighbours (no hashing of 200,000 keys).
    fn ipsec_pairs(&self) -> Vec<Pair> {
        let t = self.tracker();
        let mut pairs: Vec<Pair> = Vec::new();
        let mut linked: Vec<(Id, u32, Id)> = Vec::new();
        for (id, sa) in t.ipsec_sas() {
            match (sa.ike_sa, sa.message_id) {
                (Some(ike), Some(mid)) => linked.push((ike, mid, id)),
                _ => pairs.push(Pair { a: id, b: None }),
            }
        }
        linked.sort_unstable();
        let mut rest = linked.as_slice();
        while let Some(((ike, mid, a), tail)) = rest.split_first() {
            match tail.first() {
                Some((i, m, b)) if i == ike && m == mid => {
                    pairs.push(Pair { a: *a, b: Some(*b) });
                    rest = tail.get(1..).unwrap_or_default();
                }
                _ => {
                    pairs.push(Pair { a: *a, b: None });
                    rest = tail;
                }
            }
        }
        pairs
    }

    /// The pair whose row is `id` (the first SA of its quick mode in table order): the other
    /// SA of the same quick mode, if any.
    fn pair_of(&self, id: Id) -> Pair {
        let t = self.tracker();
        let b = t.ipsec_sa(id).and_then(|sa| {
            let (ike, mid) = (sa.ike_sa?, sa.message_id?);
            t.tunnel(sa.tunnel)?.ipsec_sas.iter().copied().find(|o| {
                *o != id
                    && t.ipsec_sa(*o)
                        .is_some_and(|x| x.ike_sa == Some(ike) && x.message_id == Some(mid))
            })
        });
        Pair { a: id, b }
    }

    /// The pair's SAs as (inbound, outbound) of its local peer, and that peer.
    fn orient<'t>(&'t self, p: &Pair) -> Option<Oriented<'t>> {
        let t = self.tracker();
        let a = t.ipsec_sa(p.a)?;
        let b = p.b.and_then(|id| t.ipsec_sa(id));
        let initiator = a
            .ike_sa
            .and_then(|id| t.ike_sa(id))
            .map(|ike| ike.initiator.addr)
            .filter(|addr| *addr == a.src || *addr == a.dst);
        let local = initiator.unwrap_or_else(|| a.src.min(a.dst));
        let remote = if a.src == local { a.dst } else { a.src };
        let (inbound, outbound) = match b {
            Some(b) if a.dst == local => (Some(a), Some(b)),
            Some(b) => (Some(b), Some(a)),
            None if a.dst == local => (Some(a), None),
            None => (None, Some(a)),
        };
        Some(Oriented {
            local,
            remote,
            inbound,
            outbound,
        })
    }

    fn ipsec_matches(o: &Oriented<'_>, f: &mut Filter<'_>) -> bool {
        if f.is_empty() {
            return true;
        }
        let sas = [o.inbound, o.outbound];
        f.addr(o.local)
            || f.addr(o.remote)
            || sas.iter().flatten().any(|sa| {
                f.spi(sa.spi)
                    || (f.has_letters && f.text(&transform(sa)))
                    || sa.local_ident().is_some_and(|i| f.text(i))
                    || sa.remote_ident().is_some_and(|i| f.text(i))
                    || f.text(if sa.is_alive() { "active" } else { "deleted" })
            })
    }

    fn ipsec_order(&self, req: &ViewRequest) -> Vec<RowKey> {
        let mut f = Filter::new(&req.filter);
        let pairs = self.ipsec_pairs();
        let matching: Vec<(Id, Oriented<'_>)> = pairs
            .iter()
            .filter_map(|p| self.orient(p).map(|o| (p.a, o)))
            .filter(|(_, o)| Self::ipsec_matches(o, &mut f))
            .collect();
        let items = matching.iter();
        let key = |id: &Id| RowKey::Ipsec(*id);
        let sum = |o: &Oriented<'_>, g: fn(&IpsecSa) -> u64| -> u64 {
            o.inbound.map_or(0, g) + o.outbound.map_or(0, g)
        };
        match req.sort {
            1 => sorted(
                items.map(|(id, o)| {
                    let spi = o.inbound.or(o.outbound).map_or(0, |s| s.spi);
                    (key(id), spi)
                }),
                req.reverse,
            ),
            2 => sorted(
                items.map(|(id, o)| (key(id), Reverse(sum(o, |s| s.packets)))),
                req.reverse,
            ),
            3 => sorted(
                items.map(|(id, o)| {
                    (
                        key(id),
                        Reverse(sum(o, |s| s.decrypt_failures + s.icv_failures)),
                    )
                }),
                req.reverse,
            ),
            4 => sorted(
                items.map(|(id, o)| (key(id), Reverse(sum(o, |s| s.seq.missing)))),
                req.reverse,
            ),
            _ => sorted(
                items.map(|(id, o)| {
                    (
                        key(id),
                        (o.local, o.remote, o.inbound.map(|s| s.first_frame)),
                    )
                }),
                req.reverse,
            ),
        }
    }

    fn ipsec_sas(&self, req: &ViewRequest, order: &[RowKey]) -> Body {
        let t = self.tracker();
        let now = t.now();
        let placed = window(order, req);
        let rows = placed
            .keys
            .iter()
            .filter_map(|k| match k {
                RowKey::Ipsec(id) => self.orient(&self.pair_of(*id)),
                _ => None,
            })
            .map(|o| ipsec_row(t, &o, now))
            .collect();
        let (target, detail) = match placed.key {
            Some(RowKey::Ipsec(id)) => (
                Target {
                    focus: Some(Focus::Ipsec(id)),
                    frame: None,
                },
                self.orient(&self.pair_of(id))
                    .map(|o| ipsec_detail(&o, now))
                    .unwrap_or_default(),
            ),
            _ => (Target::default(), Vec::new()),
        };
        Body::IpsecSas {
            table: placed.window(rows, target),
            detail,
        }
    }

    // ------------------------------------------------------------------ diagnoses

    fn diagnosis_order(&self, req: &ViewRequest) -> Vec<RowKey> {
        let f = Filter::new(&req.filter);
        let matching: Vec<(u64, &Diagnosis)> = self
            .diag
            .keys
            .iter()
            .copied()
            .zip(&self.diag.list)
            .filter(|(_, d)| {
                f.is_empty()
                    || f.text(d.code.code())
                    || f.text(d.code.title())
                    || f.text(&d.tunnel)
                    || f.text(&d.message)
            })
            .collect();
        let items = matching.iter();
        let key = |k: &u64| RowKey::Diagnosis(*k);
        let first = |d: &Diagnosis| d.frames.first().copied().unwrap_or(0);
        match req.sort {
            1 => sorted(
                items.map(|(k, d)| (key(k), (Reverse(d.severity), first(d)))),
                req.reverse,
            ),
            2 => sorted(
                items.map(|(k, d)| (key(k), (d.code, first(d)))),
                req.reverse,
            ),
            3 => sorted(
                items.map(|(k, d)| (key(k), (d.tunnel.clone(), first(d)))),
                req.reverse,
            ),
            _ => sorted(
                items.map(|(k, d)| (key(k), (first(d), d.code))),
                req.reverse,
            ),
        }
    }

    fn diagnoses(&self, req: &ViewRequest, order: &[RowKey]) -> Body {
        let placed = window(order, req);
        let find = |k: &RowKey| match k {
            RowKey::Diagnosis(x) => self
                .diag
                .key_index
                .get(x)
                .and_then(|i| self.diag.list.get(*i)),
            _ => None,
        };
        let rows = placed
            .keys
            .iter()
            .filter_map(&find)
            .map(|d| DiagRow {
                severity: d.severity,
                code: d.code.code(),
                title: d.code.title(),
                tunnel: d.tunnel.clone(),
                frames: d.frames.clone(),
                ike_sa: d.ike_sa.clone(),
            })
            .collect();
        let selected = placed.key.as_ref().and_then(find);
        let target = selected.map_or_else(Target::default, |d| Target {
            focus: self.diagnosis_focus(d),
            frame: d.frames.first().copied(),
        });
        let detail = selected.map(|d| DiagDetail {
            message: d.message.clone(),
            cisco_log: d.cisco_log.clone(),
            fix: d.fix,
            differences: d
                .differences
                .iter()
                .map(|x| {
                    (
                        x.attribute.clone(),
                        x.initiator.clone(),
                        x.responder.clone(),
                    )
                })
                .collect(),
        });
        Body::Diagnoses {
            table: placed.window(rows, target),
            detail,
        }
    }

    /// The SA a diagnosis is about: its IKE SA, else its tunnel.
    fn diagnosis_focus(&self, d: &Diagnosis) -> Option<Focus> {
        let t = self.tracker();
        if let Some((ic, rc)) = d.ike_sa.as_deref().and_then(parse_cookies)
            && let Some((id, _)) = t
                .ike_sas()
                .find(|(_, sa)| sa.initiator_cookie == ic && sa.responder_cookie == rc)
        {
            return Some(Focus::Ike(id));
        }
        let peers = parse_tunnel(&d.tunnel)?;
        t.tunnels()
            .find(|(_, tn)| tn.peers == peers)
            .map(|(id, _)| Focus::Tunnel(id))
    }

    // ------------------------------------------------------------------ ladder

    /// The IKE SA a focus leads to: itself, a tunnel's newest, an IPsec SA's parent.
    fn focused_ike(&self, focus: Option<Focus>) -> Option<(Id, &IkeSa)> {
        let t = self.tracker();
        let id = match focus? {
            Focus::Ike(id) => id,
            Focus::Tunnel(id) => {
                let tn = t.tunnel(id)?;
                *tn.ike_sas
                    .iter()
                    .rev()
                    .find(|id| t.ike_sa(**id).is_some())?
            }
            Focus::Ipsec(id) => t.ipsec_sa(id)?.ike_sa?,
        };
        t.ike_sa(id).map(|sa| (id, sa))
    }

    fn ladder(&self, req: &ViewRequest) -> Ladder {
        let Some((_, sa)) = self.focused_ike(req.focus) else {
            return Ladder {
                title: String::new(),
                peers: [String::new(), String::new()],
                states: [String::new(), String::new()],
                outcome: None,
                rows: Window::empty(),
                note: Some(
                    match req.focus {
                        None => "No SA selected: pick a tunnel or SA in views 1–3 and press Enter.",
                        Some(_) => "No IKE SA for the selection (ESP only, or evicted).",
                    }
                    .into(),
                ),
            };
        };
        let start = self.start.unwrap_or_default();
        let log = self.log.sa(sa.conn_id);
        let mut rows: Vec<LadderRow> = log
            .map(|l| {
                l.messages
                    .iter()
                    .map(|m| LadderRow {
                        frame: m.frame,
                        time: seconds_between(start, m.ts),
                        arrow: match m.sender {
                            Some(Role::Initiator) => Arrow::Right,
                            Some(Role::Responder) => Arrow::Left,
                            None => Arrow::Unknown,
                        },
                        label: message_label(m.label, m.exchange, m.message_id),
                        payloads: m.payloads.to_string(),
                        marks: m.marks.clone(),
                        states: [None, None],
                    })
                    .collect()
            })
            .unwrap_or_default();
        for tr in &sa.transitions {
            let i = match rows.binary_search_by_key(&tr.frame, |r| r.frame) {
                Ok(i) => i,
                Err(i) => {
                    rows.insert(
                        i,
                        LadderRow {
                            frame: tr.frame,
                            time: seconds_between(start, tr.ts()),
                            arrow: Arrow::Unknown,
                            label: "(message not kept)".into(),
                            payloads: String::new(),
                            marks: Vec::new(),
                            states: [None, None],
                        },
                    );
                    i
                }
            };
            if let Some(r) = rows.get_mut(i)
                && let Some(s) = r.states.get_mut(tr.side as usize)
            {
                *s = Some(tr.to().name().to_string());
            }
        }
        let mut notes = Vec::new();
        match log {
            None => notes.push(format!(
                "The messages of this SA are no longer kept (the log holds the last {MAX_IKE_LOGS} IKE SAs): states from the tracker only."
            )),
            Some(l) if l.dropped > 0 => notes.push(format!(
                "{} messages in the middle not kept (the first and the last are).",
                l.dropped
            )),
            Some(_) => {}
        }
        if sa.transitions_dropped > 0 {
            notes.push(format!(
                "{} later state changes not recorded by the tracker.",
                sa.transitions_dropped
            ));
        }
        let placed = place(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (RowKey::Frame(r.frame), (r.frame, i))),
            &ViewRequest {
                reverse: false,
                ..req.clone()
            },
        );
        let selected_frame = match placed.key {
            Some(RowKey::Frame(f)) => Some(f),
            _ => None,
        };
        let visible: Vec<LadderRow> = rows
            .into_iter()
            .skip(placed.offset)
            .take(placed.keys.len())
            .collect();
        Ladder {
            title: format!(
                "conn-id {}  {}  IKEv{} {}  {}",
                sa.conn_id,
                sa.cookies(),
                sa.version,
                if sa.version == 2 {
                    String::new()
                } else {
                    format!("{} mode", sa.mode.name())
                },
                ike_policy(sa)
            ),
            peers: [
                format!("{} (initiator)", sa.initiator.addr),
                format!("{} (responder)", sa.responder.addr),
            ],
            states: [
                side_state(sa, Role::Initiator),
                side_state(sa, Role::Responder),
            ],
            outcome: Some(outcome_text(sa)),
            rows: placed.window(
                visible,
                Target {
                    focus: req.focus,
                    frame: selected_frame,
                },
            ),
            note: (!notes.is_empty()).then(|| notes.join(" ")),
        }
    }

    // ------------------------------------------------------------------ packets

    /// The IKE SAs (by conn-id) and SPIs whose packets a focus shows.
    fn packet_sources(&self, focus: Focus) -> (String, Vec<u32>, Vec<(IpAddr, u32, u8)>) {
        let t = self.tracker();
        let spi_key = |sa: &IpsecSa| (sa.dst, sa.spi, sa.protocol);
        match focus {
            Focus::Tunnel(id) => match t.tunnel(id) {
                Some(tn) => (
                    format!("tunnel {}", tn.name()),
                    tn.ike_sas
                        .iter()
                        .filter_map(|i| t.ike_sa(*i))
                        .map(|sa| sa.conn_id)
                        .collect(),
                    tn.ipsec_sas
                        .iter()
                        .filter_map(|i| t.ipsec_sa(*i))
                        .map(spi_key)
                        .collect(),
                ),
                None => ("tunnel (gone)".into(), Vec::new(), Vec::new()),
            },
            Focus::Ike(id) => match t.ike_sa(id) {
                Some(sa) => {
                    let spis = t
                        .tunnel(sa.tunnel)
                        .map(|tn| {
                            tn.ipsec_sas
                                .iter()
                                .filter_map(|i| t.ipsec_sa(*i))
                                .filter(|s| s.ike_sa == Some(id))
                                .map(spi_key)
                                .collect()
                        })
                        .unwrap_or_default();
                    (
                        format!(
                            "conn-id {} ({} <-> {})",
                            sa.conn_id, sa.initiator.addr, sa.responder.addr
                        ),
                        vec![sa.conn_id],
                        spis,
                    )
                }
                None => ("IKE SA (gone)".into(), Vec::new(), Vec::new()),
            },
            Focus::Ipsec(id) => match t.ipsec_sa(id) {
                Some(sa) => {
                    let mut spis = vec![spi_key(sa)];
                    if let (Some(ike), Some(mid), Some(tn)) =
                        (sa.ike_sa, sa.message_id, t.tunnel(sa.tunnel))
                    {
                        spis.extend(
                            tn.ipsec_sas
                                .iter()
                                .filter(|i| **i != id)
                                .filter_map(|i| t.ipsec_sa(*i))
                                .filter(|s| s.ike_sa == Some(ike) && s.message_id == Some(mid))
                                .map(spi_key),
                        );
                    }
                    let conn = sa
                        .ike_sa
                        .and_then(|i| t.ike_sa(i))
                        .map(|ike| ike.conn_id)
                        .into_iter()
                        .collect();
                    (
                        format!("SPI 0x{:08x} ({} → {})", sa.spi, sa.src, sa.dst),
                        conn,
                        spis,
                    )
                }
                None => ("IPsec SA (gone)".into(), Vec::new(), Vec::new()),
            },
        }
    }

    fn packets_view(&self, req: &ViewRequest) -> PacketList {
        let Some(focus) = req.focus else {
            return PacketList {
                title: String::new(),
                list: Window::empty(),
                tree: Vec::new(),
                note: Some(
                    "No SA selected: pick a tunnel or SA in views 1–3 (or a diagnosis) and press Enter.".into(),
                ),
            };
        };
        let (title, conns, spis) = self.packet_sources(focus);
        let mut all: Vec<(u64, &str, &[Mark])> = Vec::new();
        let mut ike_msgs = 0;
        for c in &conns {
            if let Some(l) = self.log.sa(*c) {
                ike_msgs += l.messages.len();
                all.extend(l.messages.iter().map(|m| (m.frame, &*m.line, &m.marks[..])));
            }
        }
        let mut esp = 0;
        for k in &spis {
            if let Some(l) = self.log.spi(k) {
                esp += l.lines.len();
                all.extend(l.lines.iter().map(|e| (e.frame, &*e.line, &e.marks[..])));
            }
        }
        let f = Filter::new(&req.filter);
        all.retain(|(_, line, _)| f.is_empty() || f.text(line));
        let placed = place(
            all.iter()
                .map(|(frame, _, _)| (RowKey::Frame(*frame), *frame)),
            req,
        );
        let by_frame: HashMap<u64, (&str, &[Mark])> =
            all.iter().map(|(fr, l, m)| (*fr, (*l, *m))).collect();
        let rows = placed
            .keys
            .iter()
            .filter_map(|k| match k {
                RowKey::Frame(fr) => by_frame.get(fr).map(|(l, m)| PacketRow {
                    frame: *fr,
                    line: (*l).to_string(),
                    marks: m.to_vec(),
                }),
                _ => None,
            })
            .collect();
        let selected = match placed.key {
            Some(RowKey::Frame(f)) => Some(f),
            _ => None,
        };
        let tree = selected.and_then(|f| self.log.tree(f));
        let note = match (selected, &tree) {
            (Some(_), None) => Some(format!(
                "The decoded tree of this packet is no longer kept (trees of the last {MAX_IKE_TREES} IKE and {MAX_ESP_TREES} ESP/AH packets are)."
            )),
            (None, _) if placed.total == 0 => Some("No packets kept for this selection.".into()),
            _ => None,
        };
        PacketList {
            title: format!(
                "{title}: {ike_msgs} IKE messages, {esp} ESP/AH (last {SPI_LINES} per SPI) in {} SPIs",
                spis.len()
            ),
            list: placed.window(
                rows,
                Target {
                    focus: Some(focus),
                    frame: selected,
                },
            ),
            tree: tree.unwrap_or_default(),
            note,
        }
    }
}

/// An IPsec SA pair as the tracker holds it: one or two SAs.
struct Pair {
    a: Id,
    b: Option<Id>,
}

struct Oriented<'t> {
    local: IpAddr,
    remote: IpAddr,
    inbound: Option<&'t IpsecSa>,
    outbound: Option<&'t IpsecSa>,
}

fn transform(sa: &IpsecSa) -> String {
    sa.policy()
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| sa.transform_text().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn ipsec_row(t: &Tracker, o: &Oriented<'_>, now: Timestamp) -> IpsecRow {
    let both = [o.inbound, o.outbound];
    let any = o.inbound.or(o.outbound);
    let per = |g: fn(&IpsecSa) -> u64| [o.inbound.map_or(0, g), o.outbound.map_or(0, g)];
    let (mut life_secs, mut life_kb): (Option<i64>, Option<i64>) = (None, None);
    for sa in both.iter().flatten() {
        let (s, k) = sa.remaining_lifetime(now);
        life_secs = min_opt(life_secs, s);
        life_kb = min_opt(life_kb, k);
    }
    let proxies = match (o.inbound, o.outbound) {
        (Some(sa), _) => proxy_text(sa.local_ident(), sa.remote_ident()),
        (None, Some(sa)) => proxy_text(sa.remote_ident(), sa.local_ident()),
        (None, None) => String::new(),
    };
    IpsecRow {
        local: o.local,
        remote: o.remote,
        spi_in: o.inbound.map(|s| s.spi),
        spi_out: o.outbound.map(|s| s.spi),
        protocol: any.map_or(50, |s| s.protocol),
        proxies,
        transform: any.map(transform).unwrap_or_default(),
        encaps: o.outbound.map_or(0, |s| s.packets),
        decaps: o.inbound.map_or(0, |s| s.packets),
        decrypt_failed: per(|s| s.decrypt_failures),
        verify_failed: per(|s| s.icv_failures),
        gaps: per(|s| s.seq.missing),
        life_secs,
        life_kb,
        alive: both.iter().flatten().all(|s| s.is_alive()),
        negotiated: both.iter().flatten().any(|s| s.negotiated()),
        conn_id: any.and_then(|s| s.conn_id).or_else(|| {
            any.and_then(|s| s.ike_sa)
                .and_then(|i| t.ike_sa(i))
                .map(|ike| ike.conn_id)
        }),
        decrypted: both.iter().flatten().any(|s| s.decrypted > 0),
    }
}

fn ipsec_detail(o: &Oriented<'_>, now: Timestamp) -> Vec<String> {
    let mut lines = Vec::new();
    let any = o.inbound.or(o.outbound);
    if let Some(sa) = any {
        let mode = sa
            .policy()
            .as_ref()
            .and_then(|p| p.encapsulation_mode)
            .map_or("?".to_string(), |m| m.to_string());
        lines.push(format!(
            "{} ↔ {}  transform {}  mode {}  {}",
            o.local,
            o.remote,
            transform(sa),
            mode,
            match (sa.conn_id, sa.message_id, sa.negotiated()) {
                (Some(c), Some(m), true) => format!("conn-id {c}, quick mode {m:08x}"),
                (Some(c), _, _) => format!("conn-id {c} (inferred from addresses and time)"),
                _ => "no IKE SA in the capture (inferred)".into(),
            }
        ));
    }
    for (dir, sa) in [("in ", o.inbound), ("out", o.outbound)] {
        let Some(sa) = sa else {
            lines.push(format!("{dir} (no SA seen in this direction)"));
            continue;
        };
        let (secs, kb) = sa.remaining_lifetime(now);
        lines.push(format!(
            "{dir} spi 0x{:08x} {} → {}: {} pkts {}, decrypted {} ({} inner), decrypt failed {}, verify failed {}, seq highest {} missing {} out-of-order {} replays {}, life {}s/{}KB{}{}",
            sa.spi,
            sa.src,
            sa.dst,
            sa.packets,
            bytes(sa.bytes),
            sa.decrypted,
            bytes(sa.inner_bytes),
            sa.decrypt_failures,
            sa.icv_failures,
            sa.seq.highest,
            sa.seq.missing,
            sa.seq.out_of_order,
            sa.seq.replays,
            secs.map_or("-".into(), |s| s.to_string()),
            kb.map_or("-".into(), |k| k.to_string()),
            sa.encap
                .map_or(String::new(), |(s, d)| format!(", UDP {s}→{d}")),
            sa.deleted
                .map_or(String::new(), |f| format!(", DELETED in frame {f}"))
        ));
    }
    lines
}

fn proxy_text(local: Option<&str>, remote: Option<&str>) -> String {
    match (local, remote) {
        (None, None) => "?".into(),
        (l, r) => format!("{} → {}", l.unwrap_or("?"), r.unwrap_or("?")),
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn diag_key(d: &Diagnosis) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    d.code.hash(&mut h);
    d.tunnel.hash(&mut h);
    d.ike_sa.hash(&mut h);
    d.frames.first().hash(&mut h);
    h.finish()
}

fn newest_ike<'t>(t: &'t Tracker, tn: &Tunnel) -> Option<&'t IkeSa> {
    tn.ike_sas.iter().rev().find_map(|id| t.ike_sa(*id))
}

/// Packets per second in one direction over the last 5 s of capture time (no allocation: it
/// runs for every tunnel when sorting by rate).
fn rate(tn: &Tunnel, now: Timestamp, dir: usize) -> f64 {
    let Some(r) = &tn.rates else { return 0.0 };
    let Some(b) = r.buckets.get(dir) else {
        return 0.0;
    };
    let lag = now.secs - r.newest;
    let sum: u64 = (0..5i64)
        .filter_map(|age| usize::try_from(age - lag).ok())
        .filter_map(|i| b.get(i))
        .map(|x| u64::from(*x))
        .sum();
    sum as f64 / 5.0
}

/// Worst first: down, negotiating, up without IKE, idle, active.
fn status_rank(s: SessionStatus) -> u8 {
    match s {
        SessionStatus::Down => 0,
        SessionStatus::DownNegotiating => 1,
        SessionStatus::UpNoIke => 2,
        SessionStatus::UpIdle => 3,
        SessionStatus::UpActive => 4,
    }
}

pub(crate) fn ike_status(sa: &IkeSa) -> IkeStatus {
    match &sa.outcome {
        Some(Outcome::Deleted { .. }) => IkeStatus::Deleted,
        Some(Outcome::Failed { .. } | Outcome::Abandoned { .. }) => IkeStatus::Failed,
        None if sa.is_established() => IkeStatus::Active,
        None => IkeStatus::Negotiating,
    }
}

fn ike_status_rank(s: IkeStatus) -> u8 {
    match s {
        IkeStatus::Failed => 0,
        IkeStatus::Negotiating => 1,
        IkeStatus::Deleted => 2,
        IkeStatus::Active => 3,
    }
}

/// The state names of an IKE SA a filter can match, without allocating: each side's
/// `show crypto isakmp sa` state and debug state (IKEv1), or IKEv2 states and status.
fn ike_state_names(sa: &IkeSa) -> [&'static str; 4] {
    if sa.version == 2 {
        let status = match &sa.outcome {
            Some(Outcome::Deleted { .. }) => "DELETE",
            Some(Outcome::Failed { .. } | Outcome::Abandoned { .. }) => "FAILED",
            None => sa.v2_state.iter().min().map_or("", |s| s.status()),
        };
        return [sa.v2_state[0].name(), sa.v2_state[1].name(), status, ""];
    }
    let isakmp = |r: Role| sa.isakmp_state(r).map_or("", |s| s.name());
    [
        isakmp(Role::Initiator),
        isakmp(Role::Responder),
        sa.state[0].name(),
        sa.state[1].name(),
    ]
}

/// Sort key of an IKE SA's state: the less advanced side's.
fn state_key(sa: &IkeSa) -> (u8, Option<IsakmpSaState>, Option<V2State>) {
    let v1 = [Role::Initiator, Role::Responder]
        .iter()
        .filter_map(|r| sa.isakmp_state(*r))
        .min();
    let v2 = (sa.version == 2)
        .then(|| sa.v2_state.iter().copied().min())
        .flatten();
    (sa.version, v1, v2)
}

/// One side's state: `MM_KEY_EXCH (IKE_I_MM5)`, `READY`, or `-` without an SA.
fn side_state(sa: &IkeSa, role: Role) -> String {
    let r = role as usize;
    if sa.version == 2 {
        return if sa.side_seen[r] {
            sa.v2_state[r].name().to_string()
        } else {
            "-".into()
        };
    }
    match sa.isakmp_state(role) {
        Some(s) => format!("{} ({})", s.name(), sa.state[r].name()),
        None => "- (no SA)".into(),
    }
}

fn ike_policy(sa: &IkeSa) -> String {
    if sa.version == 2 {
        return sa
            .v2_chosen()
            .map(str::to_string)
            .or_else(|| sa.v2_offered().first().map(|o| format!("{o} (offered)")))
            .unwrap_or_else(|| "?".into());
    }
    match (&sa.chosen, sa.offered().first()) {
        (Some(p), _) => p.to_string(),
        (None, Some(o)) => format!("{o} (offered)"),
        (None, None) => "?".into(),
    }
}

fn ike_detail(sa: &IkeSa) -> Vec<String> {
    let mut lines = vec![format!(
        "conn-id {}  cookies {}  IKEv{} {}  {}",
        sa.conn_id,
        sa.cookies(),
        sa.version,
        sa.mode.name(),
        ike_policy(sa)
    )];
    for role in [Role::Initiator, Role::Responder] {
        let r = role as usize;
        lines.push(format!(
            "{} {}  id {}  state {}  sent {}{}  vendors: {}",
            role.name(),
            sa.endpoint(role),
            sa.identity(role).unwrap_or("-"),
            side_state(sa, role),
            sa.messages[r],
            match sa.auth[r] {
                Some((a, f)) => format!(", auth {a:?} in frame {f}"),
                None => String::new(),
            },
            if sa.vendors(role).is_empty() {
                "-".into()
            } else {
                sa.vendors(role).join(", ")
            }
        ));
    }
    let qm_done = sa
        .quick_modes
        .iter()
        .filter(|q| matches!(q.outcome, Some(QuickModeOutcome::Complete { .. })))
        .count();
    let qm_refused = sa
        .quick_modes
        .iter()
        .filter(|q| {
            matches!(
                q.outcome,
                Some(QuickModeOutcome::Refused { .. } | QuickModeOutcome::RefusedUnread { .. })
            )
        })
        .count();
    lines.push(format!(
        "frames {}–{}, retransmissions {}, encrypted messages decrypted {} / not {}; quick modes {} ({} complete, {} refused); DPD {}/{}{}",
        sa.first_frame,
        sa.last_frame,
        sa.retransmissions,
        sa.decrypted,
        sa.undecrypted,
        sa.quick_modes.len(),
        qm_done,
        qm_refused,
        sa.dpd.r_u_there,
        sa.dpd.r_u_there_ack,
        sa.nat_t_float
            .map_or(String::new(), |f| format!("; NAT-T float in frame {f}"))
    ));
    lines.push(outcome_text(sa));
    lines
}

fn outcome_text(sa: &IkeSa) -> String {
    match (&sa.outcome, sa.established) {
        (Some(Outcome::Failed { frame, reason }), _) => {
            format!("✖ failed in frame {frame}: {reason}")
        }
        (Some(Outcome::Abandoned { frame }), _) => {
            format!("✖ abandoned after frame {frame} (no answer)")
        }
        (Some(Outcome::Deleted { frame, by }), _) => {
            format!("− deleted by the {} in frame {frame}", by.name())
        }
        (None, Some((frame, _))) => format!("✔ established in frame {frame}"),
        (None, None) => "… negotiating".into(),
    }
}

/// Exchanges with many instances per SA get their message ID.
fn message_label(label: &str, exchange: u8, message_id: u32) -> String {
    match exchange {
        5 | 32 | 36 | 37 => format!("{label} #{message_id:08x}"),
        _ => label.to_string(),
    }
}

pub(crate) fn severity_symbol(s: Severity) -> &'static str {
    match s {
        Severity::Error => "!!",
        Severity::Warning => "!",
    }
}

fn seconds_between(start: Timestamp, ts: Timestamp) -> f64 {
    (ts.secs - start.secs) as f64 + (f64::from(ts.nanos) - f64::from(start.nanos)) / 1e9
}

/// "05:44:28" (UTC, as the capture's timestamps).
pub(crate) fn time_of_day(ts: Timestamp) -> String {
    let s = rfc3339(ts);
    s.get(11..19).unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn hand_formatted_ipv4_matches_display() {
        for o in [0u8, 1, 9, 10, 42, 99, 100, 109, 110, 199, 200, 255] {
            let a = IpAddr::V4(Ipv4Addr::new(o, 255 - o, o / 2, 7));
            let mut f = Filter::new("x");
            f.addr(a);
            assert_eq!(f.buf, a.to_string());
        }
        let mut f = Filter::new("0.2.1");
        assert!(f.addr("192.0.2.10".parse().unwrap()));
        assert!(!f.addr("192.0.3.1".parse().unwrap()));
        let mut f = Filter::new("DB8::");
        assert!(f.addr("2001:db8::1".parse().unwrap()));
    }

    fn req(selected: usize, offset: usize, height: usize) -> ViewRequest {
        ViewRequest {
            selected,
            offset,
            ..ViewRequest::new(View::Packets, height)
        }
    }

    fn frames(n: u64) -> Vec<RowKey> {
        (1..=n).map(RowKey::Frame).collect()
    }

    #[test]
    fn window_clamps_and_follows() {
        let order = frames(100);
        // The selection stays visible, the window full.
        let p = window(&order, &req(50, 0, 10));
        assert_eq!((p.selected, p.offset, p.keys.len()), (50, 41, 10));
        assert_eq!(p.key, Some(RowKey::Frame(51)));
        let p = window(&order, &req(500, 95, 10));
        assert_eq!((p.selected, p.offset), (99, 90));
        // Fewer rows than the height: from the top.
        let p = window(&frames(3), &req(2, 2, 10));
        assert_eq!((p.selected, p.offset, p.keys.len()), (2, 0, 3));
        // Empty.
        let p = window(&[], &req(5, 5, 10));
        assert_eq!((p.selected, p.offset, p.key), (0, 0, None));
    }

    #[test]
    fn window_keeps_a_frozen_row_on_its_line() {
        // Row 30 was on the 4th line (offset 27); five rows arrived above it.
        let mut order = frames(100);
        order.splice(0..0, (1000..1005).map(RowKey::Frame));
        let r = ViewRequest {
            anchor: Some(RowKey::Frame(31)),
            ..req(30, 27, 10)
        };
        let p = window(&order, &r);
        assert_eq!(p.key, Some(RowKey::Frame(31)));
        assert_eq!((p.selected, p.offset), (35, 32));
    }

    #[test]
    fn window_goes_to_a_frame_or_the_nearest() {
        let order: Vec<RowKey> = [3u64, 7, 20, 40]
            .iter()
            .map(|f| RowKey::Frame(*f))
            .collect();
        let go = |f| {
            window(
                &order,
                &ViewRequest {
                    goto_frame: Some(f),
                    ..req(0, 0, 2)
                },
            )
            .key
        };
        assert_eq!(go(20), Some(RowKey::Frame(20)));
        assert_eq!(go(18), Some(RowKey::Frame(20)));
        assert_eq!(go(1), Some(RowKey::Frame(3)));
    }

    #[test]
    fn sorted_breaks_ties_by_identity_and_reverses() {
        let items = [
            (RowKey::Frame(2), 1),
            (RowKey::Frame(1), 1),
            (RowKey::Frame(3), 0),
        ];
        assert_eq!(
            sorted(items.iter().copied(), false),
            vec![RowKey::Frame(3), RowKey::Frame(1), RowKey::Frame(2)]
        );
        assert_eq!(
            sorted(items.iter().copied(), true),
            vec![RowKey::Frame(2), RowKey::Frame(1), RowKey::Frame(3)]
        );
    }
}
