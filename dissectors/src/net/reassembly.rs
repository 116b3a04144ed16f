//! IP fragment reassembly with hard bounds (RFC 791 §3.2, RFC 8200 §4.5, RFC 815, RFC 5722).
//!
//! A passive observer must reassemble like the receiver, but it is also the easiest thing on
//! the path to exhaust: every datagram in flight, every byte buffered and every second waited
//! is bounded here, and whatever is given up is counted and reported.
//!
//! - Datagrams are keyed by (source, destination, protocol, identification) for IPv4
//!   (RFC 791 §3.2) and (source, destination, identification) for IPv6 (RFC 8200 §4.5: the Next
//!   Header of the offset-zero fragment is the one that counts).
//! - Fragments are stored as received (an ordered map of offset → bytes) and copied once into
//!   the datagram when the last hole closes — RFC 815's observation that only the holes matter,
//!   without pre-allocating 64 KiB for a datagram that may never complete. Memory is charged per
//!   byte stored plus a fixed overhead per fragment and per datagram.
//! - Overlap (RFC 5722, RFC 8200 §4.5): a fragment that overlaps another with different bytes
//!   drops the whole datagram, and fragments of it that arrive later are discarded until it
//!   times out. This applies to IPv4 too: when two overlapping copies disagree, an observer
//!   cannot know which one the receiver kept. Exact duplicates (a SPAN port or a capture on both
//!   sides sees a fragment twice) are ignored, as RFC 8200 §4.5 allows.
//! - Bounds ([`ReassemblyConfig`]): datagrams in flight (the oldest is evicted), total bytes
//!   charged (the oldest are evicted), the reassembled size (65,535 bytes: larger is the "ping of
//!   death" and is dropped), and a timeout measured in capture time from the first fragment
//!   (RFC 791 suggests 15 s, Linux waits 30 s).
//!
//! The reassembled payload is returned as an owned buffer ([`Reassembled::payload`]), moved out
//! of the reassembler: it outlives the next call.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::ops::Bound;
use std::time::Duration;

use super::ip::{FragmentInfo, IpPacket, IpProtocol, IpVersion, walk_ipv6_extensions};
use crate::error::ParseError;

/// Limits of a [`Reassembler`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReassemblyConfig {
    /// Datagrams being reassembled at once (including dropped ones remembered until their
    /// timeout, so that their late fragments are discarded). Default 1024.
    pub max_datagrams: usize,
    /// Largest reassembled payload in bytes. Default 65,535.
    pub max_datagram_size: usize,
    /// Bytes charged for everything buffered (fragment data plus fixed overheads).
    /// Default 16 MiB.
    pub max_buffered_bytes: usize,
    /// How long after its first fragment an incomplete datagram is given up, in capture time.
    /// Default 30 s.
    pub timeout: Duration,
    /// Reports of incomplete datagrams kept until [`Reassembler::drain_incomplete`] takes them.
    /// Default 1024; older ones are dropped and counted.
    pub max_reports: usize,
}

impl Default for ReassemblyConfig {
    fn default() -> Self {
        ReassemblyConfig {
            max_datagrams: 1024,
            max_datagram_size: 65_535,
            max_buffered_bytes: 16 << 20,
            timeout: Duration::from_secs(30),
            max_reports: 1024,
        }
    }
}

/// Counters, all since the reassembler was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// Fragments offered (every [`Reassembler::push`] of a fragment).
    pub fragments: u64,
    /// Datagrams completed.
    pub reassembled: u64,
    /// Exact duplicate fragments ignored.
    pub duplicates: u64,
    /// Datagrams dropped because two fragments overlapped with different bytes.
    pub overlaps: u64,
    /// Fragments or datagrams dropped as inconsistent: two different ends, data past the end,
    /// or a non-last fragment whose length is not a positive multiple of 8.
    pub inconsistent: u64,
    /// Fragments reaching past [`ReassemblyConfig::max_datagram_size`] (their datagram is
    /// dropped).
    pub oversize: u64,
    /// Fragments of an already dropped datagram.
    pub discarded: u64,
    /// Incomplete datagrams given up after the timeout…
    pub timed_out: u64,
    /// …the fragments they had received…
    pub timed_out_fragments: u64,
    /// …the bytes they still missed, where known (their last fragment had arrived)…
    pub timed_out_missing_bytes: u64,
    /// …and how many of them never saw their last fragment (missing size unknown).
    pub timed_out_without_last: u64,
    /// Incomplete datagrams evicted to stay within the datagram or byte limits, and the
    /// fragments they held.
    pub evicted: u64,
    pub evicted_fragments: u64,
    /// Fragments refused because the byte limit could not be met even after evicting every
    /// other datagram.
    pub over_capacity: u64,
    /// Incomplete datagrams left when [`Reassembler::finish`] was called.
    pub unfinished_at_end: u64,
    /// Reports of incomplete datagrams dropped because nobody drained them.
    pub reports_dropped: u64,
}

/// Why a fragment did not go into a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// It overlapped another fragment with different bytes: the datagram is dropped (RFC 5722).
    Overlap,
    /// Inconsistent ends or a bad fragment length (see [`ReassemblyStats::inconsistent`]).
    Inconsistent,
    /// It reaches past the largest datagram allowed.
    Oversize,
    /// Its datagram was dropped earlier.
    Discarded,
    /// The byte limit could not be met.
    OverCapacity,
}

impl DropReason {
    /// A stable name for counting: `overlap`, `inconsistent`, `oversize`, `discarded`,
    /// `over_capacity`.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Overlap => "overlap",
            DropReason::Inconsistent => "inconsistent",
            DropReason::Oversize => "oversize",
            DropReason::Discarded => "discarded",
            DropReason::OverCapacity => "over_capacity",
        }
    }
}

/// What [`Reassembler::push`] did with a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FragmentOutcome {
    /// The packet is not a fragment; nothing was done.
    NotAFragment,
    /// Stored; the datagram still has holes.
    Buffered,
    /// An exact copy of a fragment already stored; ignored.
    Duplicate,
    /// This fragment closed the last hole.
    Complete(Reassembled),
    Dropped(DropReason),
}

/// A datagram put back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    pub version: IpVersion,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IPv4 Protocol, or the Next Header of the IPv6 offset-zero fragment.
    pub protocol: IpProtocol,
    pub id: u32,
    /// TTL / hop limit and VLAN of the offset-zero fragment.
    pub ttl: u8,
    pub vlan: Option<u16>,
    /// The reassembled payload (what follows the IP header, or the IPv6 Fragment header).
    pub payload: Vec<u8>,
    /// Fragments that made it (duplicates not counted).
    pub fragments: usize,
    /// The caller's tags (e.g. frame numbers) of those fragments, in arrival order.
    pub tags: Vec<u64>,
    /// Capture time of the first fragment.
    pub first_seen: Duration,
}

impl Reassembled {
    /// The datagram as an [`IpPacket`] borrowing [`Reassembled::payload`], with `fragment`
    /// `None`. For IPv6, extension headers that followed the Fragment header are walked as in
    /// any packet. Offsets count from the start of the reassembled payload.
    pub fn packet(&self) -> Result<IpPacket<'_>, ParseError> {
        let (protocol, start) = match self.version {
            IpVersion::V4 => (self.protocol, 0),
            IpVersion::V6 => {
                let walk = walk_ipv6_extensions(self.protocol, &self.payload, 0, false)?;
                (walk.protocol, walk.payload_start)
            }
        };
        Ok(IpPacket {
            version: self.version,
            src: self.src,
            dst: self.dst,
            protocol,
            ttl: self.ttl,
            vlan: self.vlan,
            fragment: None,
            header_offset: 0,
            payload_offset: start,
            payload_len: self.payload.len().saturating_sub(start),
            payload: self.payload.get(start..).unwrap_or_default(),
        })
    }
}

/// Why an incomplete datagram was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncompleteReason {
    TimedOut,
    /// Evicted to stay within [`ReassemblyConfig::max_datagrams`] or `max_buffered_bytes`.
    Evicted,
    /// Still incomplete at [`Reassembler::finish`].
    EndOfCapture,
}

/// A datagram that never completed: what a diagnosis of "fragments with missing pieces"
/// (an MTU or filtering problem on the path) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteDatagram {
    pub reason: IncompleteReason,
    pub version: IpVersion,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Known once the offset-zero fragment arrived (IPv6), always for IPv4.
    pub protocol: Option<IpProtocol>,
    pub id: u32,
    /// Fragments received and the bytes they carried.
    pub fragments: usize,
    pub bytes_received: usize,
    /// The datagram's size, known once its last fragment arrived.
    pub total_len: Option<usize>,
    /// Bytes never seen, when `total_len` is known.
    pub missing_bytes: Option<usize>,
    /// Gaps between what was received (a missing tail counts as one): at least this many
    /// fragments are missing.
    pub holes: usize,
    pub has_first: bool,
    pub has_last: bool,
    pub first_seen: Duration,
    /// Tags of the first fragments received (at most 16), in arrival order.
    pub tags: Vec<u64>,
}

/// Fixed charges so that a flood of tiny fragments is paid for too.
const DATAGRAM_COST: usize = 256;
const FRAGMENT_COST: usize = 64;
const MAX_REPORT_TAGS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    /// The IPv4 protocol; `None` for IPv6, where it is not part of the key.
    protocol: Option<IpProtocol>,
    id: u32,
}

#[derive(Debug)]
struct Piece {
    data: Vec<u8>,
    arrival: usize,
    tag: u64,
}

#[derive(Debug)]
struct Pending {
    seq: u64,
    first_seen: Duration,
    version: IpVersion,
    protocol: Option<IpProtocol>,
    ttl: u8,
    vlan: Option<u16>,
    pieces: BTreeMap<usize, Piece>,
    /// Payload size, from the last fragment.
    end: Option<usize>,
    /// Highest byte any fragment reached.
    max_end: usize,
    received: usize,
    arrivals: usize,
    cost: usize,
    /// RFC 5722 tombstone: no data; later fragments are discarded.
    dropped: bool,
}

enum Fit {
    Fits,
    Duplicate,
    Overlap,
}

/// Bounded IP fragment reassembly. See the module documentation.
#[derive(Debug)]
pub struct Reassembler {
    config: ReassemblyConfig,
    pending: HashMap<Key, Pending>,
    /// Creation order (≈ first-seen order): eviction and expiry take from the front.
    order: BTreeMap<u64, Key>,
    next_seq: u64,
    buffered: usize,
    peak_buffered: usize,
    stats: ReassemblyStats,
    reports: VecDeque<IncompleteDatagram>,
}

impl Default for Reassembler {
    fn default() -> Self {
        Reassembler::new(ReassemblyConfig::default())
    }
}

impl Reassembler {
    pub fn new(config: ReassemblyConfig) -> Self {
        Reassembler {
            config,
            pending: HashMap::new(),
            order: BTreeMap::new(),
            next_seq: 0,
            buffered: 0,
            peak_buffered: 0,
            stats: ReassemblyStats::default(),
            reports: VecDeque::new(),
        }
    }

    pub fn config(&self) -> &ReassemblyConfig {
        &self.config
    }

    pub fn stats(&self) -> &ReassemblyStats {
        &self.stats
    }

    /// Datagrams in flight (including dropped ones remembered until their timeout).
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Bytes charged now (fragment data plus overheads); never above
    /// [`ReassemblyConfig::max_buffered_bytes`] between calls.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// The highest [`Reassembler::buffered_bytes`] seen between calls.
    pub fn peak_buffered_bytes(&self) -> usize {
        self.peak_buffered.max(self.buffered)
    }

    /// Offers `packet` at capture time `now` (any fixed epoch), with a caller's `tag` (e.g. its
    /// frame number) reported back with the datagram. Expires old datagrams first.
    pub fn push(&mut self, packet: &IpPacket<'_>, now: Duration, tag: u64) -> FragmentOutcome {
        // The state the previous call left.
        self.peak_buffered = self.peak_buffered.max(self.buffered);
        self.expire(now);
        let Some(frag) = packet.fragment else {
            return FragmentOutcome::NotAFragment;
        };
        self.stats.fragments += 1;
        let key = Key {
            src: packet.src,
            dst: packet.dst,
            protocol: match packet.version {
                IpVersion::V4 => Some(packet.protocol),
                IpVersion::V6 => None,
            },
            id: frag.id,
        };
        let len = packet.payload.len();
        let start = frag.offset;
        let end = start.saturating_add(len);

        if end > self.config.max_datagram_size {
            self.stats.oversize += 1;
            self.tombstone_if_present(&key);
            return FragmentOutcome::Dropped(DropReason::Oversize);
        }
        // RFC 8200 §4.5: a fragment with M set whose length is not a multiple of 8 is
        // discarded; RFC 791 offsets are in 8-byte units, so the same holds for IPv4.
        if frag.more_fragments && (len == 0 || !len.is_multiple_of(8)) {
            self.stats.inconsistent += 1;
            return FragmentOutcome::Dropped(DropReason::Inconsistent);
        }

        if !self.pending.contains_key(&key) {
            self.make_room_for_one(&key);
            let seq = self.next_seq;
            self.next_seq += 1;
            self.order.insert(seq, key);
            self.pending.insert(
                key,
                Pending {
                    seq,
                    first_seen: now,
                    version: packet.version,
                    protocol: key.protocol,
                    ttl: packet.ttl,
                    vlan: packet.vlan,
                    pieces: BTreeMap::new(),
                    end: None,
                    max_end: 0,
                    received: 0,
                    arrivals: 0,
                    cost: DATAGRAM_COST,
                    dropped: false,
                },
            );
            self.charge(DATAGRAM_COST);
        }

        let verdict = match self.pending.get_mut(&key) {
            None => return FragmentOutcome::Dropped(DropReason::OverCapacity),
            Some(entry) => Self::add_piece(entry, &frag, packet, tag),
        };
        match verdict {
            Added::Stored(cost) => self.charge(cost),
            Added::Duplicate => {
                self.stats.duplicates += 1;
                return FragmentOutcome::Duplicate;
            }
            Added::Discarded => {
                self.stats.discarded += 1;
                return FragmentOutcome::Dropped(DropReason::Discarded);
            }
            Added::Overlap => {
                self.stats.overlaps += 1;
                self.tombstone_if_present(&key);
                return FragmentOutcome::Dropped(DropReason::Overlap);
            }
            Added::Inconsistent => {
                self.stats.inconsistent += 1;
                self.tombstone_if_present(&key);
                return FragmentOutcome::Dropped(DropReason::Inconsistent);
            }
        }

        let complete = self
            .pending
            .get(&key)
            .is_some_and(|p| p.end == Some(p.received));
        if complete && let Some(done) = self.remove(&key, None) {
            self.stats.reassembled += 1;
            return FragmentOutcome::Complete(Self::assemble(key, done));
        }

        // Stay within the byte limit: the oldest datagrams go first, this one last.
        while self.buffered > self.config.max_buffered_bytes {
            let oldest = self.order.values().find(|k| **k != key).copied();
            match oldest {
                Some(k) => {
                    self.remove(&k, Some(IncompleteReason::Evicted));
                }
                None => {
                    self.stats.over_capacity += 1;
                    self.remove(&key, Some(IncompleteReason::Evicted));
                    return FragmentOutcome::Dropped(DropReason::OverCapacity);
                }
            }
        }
        FragmentOutcome::Buffered
    }

    /// Gives up datagrams whose first fragment is older than the timeout at capture time
    /// `now`; they are counted and reported ([`Reassembler::drain_incomplete`]).
    pub fn expire(&mut self, now: Duration) {
        while let Some((_, key)) = self.order.first_key_value() {
            let key = *key;
            let Some(p) = self.pending.get(&key) else {
                self.order.pop_first();
                continue;
            };
            if p.first_seen.saturating_add(self.config.timeout) > now {
                break;
            }
            self.remove(&key, Some(IncompleteReason::TimedOut));
        }
    }

    /// At the end of a capture: reports every datagram still incomplete and empties the
    /// reassembler.
    pub fn finish(&mut self) {
        let keys: Vec<Key> = self.order.values().copied().collect();
        for key in keys {
            self.remove(&key, Some(IncompleteReason::EndOfCapture));
        }
    }

    /// Takes the reports of datagrams given up since the last call.
    pub fn drain_incomplete(&mut self) -> impl Iterator<Item = IncompleteDatagram> + '_ {
        self.reports.drain(..)
    }

    /// Charges bytes; the limit is enforced before `push` returns.
    fn charge(&mut self, cost: usize) {
        self.buffered = self.buffered.saturating_add(cost);
    }

    /// Evicts the oldest datagrams until one more fits under `max_datagrams`.
    fn make_room_for_one(&mut self, key: &Key) {
        while self.pending.len() >= self.config.max_datagrams.max(1) {
            let oldest = self.order.values().find(|k| *k != key).copied();
            match oldest {
                Some(k) => {
                    self.remove(&k, Some(IncompleteReason::Evicted));
                }
                None => break,
            }
        }
    }

    fn add_piece(
        entry: &mut Pending,
        frag: &FragmentInfo,
        packet: &IpPacket<'_>,
        tag: u64,
    ) -> Added {
        if entry.dropped {
            return Added::Discarded;
        }
        let data = packet.payload;
        let start = frag.offset;
        let end = start.saturating_add(data.len());
        let inconsistent = if frag.more_fragments {
            entry.end.is_some_and(|e| end > e)
        } else {
            entry.end.is_some_and(|e| e != end) || entry.max_end > end
        };
        if inconsistent {
            return Added::Inconsistent;
        }
        match Self::fit(&entry.pieces, start, data) {
            Fit::Duplicate => return Added::Duplicate,
            Fit::Overlap => return Added::Overlap,
            Fit::Fits => {}
        }
        entry.pieces.insert(
            start,
            Piece {
                data: data.to_vec(),
                arrival: entry.arrivals,
                tag,
            },
        );
        entry.arrivals += 1;
        entry.received += data.len();
        entry.max_end = entry.max_end.max(end);
        if !frag.more_fragments {
            entry.end = Some(end);
        }
        if start == 0 {
            // RFC 8200 §4.5: only the offset-zero fragment's Next Header counts.
            entry.protocol = Some(packet.protocol);
            entry.ttl = packet.ttl;
            entry.vlan = packet.vlan;
        }
        let cost = data.len() + FRAGMENT_COST;
        entry.cost += cost;
        Added::Stored(cost)
    }

    fn fit(pieces: &BTreeMap<usize, Piece>, start: usize, data: &[u8]) -> Fit {
        let end = start.saturating_add(data.len());
        if let Some((&s, p)) = pieces.range(..=start).next_back() {
            if s == start && p.data == data {
                return Fit::Duplicate;
            }
            if s == start || s.saturating_add(p.data.len()) > start {
                return Fit::Overlap;
            }
        }
        if let Some((&s, _)) = pieces
            .range((Bound::Excluded(start), Bound::Unbounded))
            .next()
            && s < end
        {
            return Fit::Overlap;
        }
        Fit::Fits
    }

    /// Frees a datagram's data but remembers it until its timeout (RFC 5722: fragments of it
    /// that arrive later are discarded too).
    fn tombstone_if_present(&mut self, key: &Key) {
        if let Some(p) = self.pending.get_mut(key) {
            p.pieces = BTreeMap::new();
            let freed = p.cost.saturating_sub(DATAGRAM_COST);
            p.cost = DATAGRAM_COST;
            p.dropped = true;
            self.buffered = self.buffered.saturating_sub(freed);
        }
    }

    /// Removes a datagram; with a reason, reports it (unless it was a tombstone).
    fn remove(&mut self, key: &Key, reason: Option<IncompleteReason>) -> Option<Pending> {
        let p = self.pending.remove(key)?;
        self.order.remove(&p.seq);
        self.buffered = self.buffered.saturating_sub(p.cost);
        if let Some(reason) = reason
            && !p.dropped
        {
            self.report(*key, &p, reason);
        }
        Some(p)
    }

    fn report(&mut self, key: Key, p: &Pending, reason: IncompleteReason) {
        let mut holes = 0;
        let mut cursor = 0;
        for (&s, piece) in &p.pieces {
            if s > cursor {
                holes += 1;
            }
            cursor = cursor.max(s.saturating_add(piece.data.len()));
        }
        match p.end {
            Some(end) if cursor < end => holes += 1,
            Some(_) => {}
            None => holes += 1,
        }
        let missing_bytes = p.end.map(|e| e.saturating_sub(p.received));
        let has_last = p.end.is_some();
        match reason {
            IncompleteReason::TimedOut => {
                self.stats.timed_out += 1;
                self.stats.timed_out_fragments += p.arrivals as u64;
                self.stats.timed_out_missing_bytes += missing_bytes.unwrap_or(0) as u64;
                if !has_last {
                    self.stats.timed_out_without_last += 1;
                }
            }
            IncompleteReason::Evicted => {
                self.stats.evicted += 1;
                self.stats.evicted_fragments += p.arrivals as u64;
            }
            IncompleteReason::EndOfCapture => self.stats.unfinished_at_end += 1,
        }
        if self.config.max_reports == 0 {
            self.stats.reports_dropped += 1;
            return;
        }
        if self.reports.len() >= self.config.max_reports {
            self.reports.pop_front();
            self.stats.reports_dropped += 1;
        }
        let mut tags: Vec<(usize, u64)> = p.pieces.values().map(|x| (x.arrival, x.tag)).collect();
        tags.sort_unstable();
        tags.truncate(MAX_REPORT_TAGS);
        self.reports.push_back(IncompleteDatagram {
            reason,
            version: p.version,
            src: key.src,
            dst: key.dst,
            protocol: p.protocol,
            id: key.id,
            fragments: p.arrivals,
            bytes_received: p.received,
            total_len: p.end,
            missing_bytes,
            holes,
            has_first: p.pieces.contains_key(&0),
            has_last,
            first_seen: p.first_seen,
            tags: tags.into_iter().map(|(_, t)| t).collect(),
        });
    }

    fn assemble(key: Key, p: Pending) -> Reassembled {
        let mut payload = Vec::with_capacity(p.received);
        let mut tags: Vec<(usize, u64)> = Vec::with_capacity(p.pieces.len());
        for piece in p.pieces.into_values() {
            payload.extend_from_slice(&piece.data);
            tags.push((piece.arrival, piece.tag));
        }
        tags.sort_unstable();
        Reassembled {
            version: p.version,
            src: key.src,
            dst: key.dst,
            // A complete datagram has its offset-zero fragment.
            protocol: p.protocol.unwrap_or(IpProtocol(0)),
            id: key.id,
            ttl: p.ttl,
            vlan: p.vlan,
            payload,
            fragments: tags.len(),
            tags: tags.into_iter().map(|(_, t)| t).collect(),
            first_seen: p.first_seen,
        }
    }
}

enum Added {
    Stored(usize),
    Duplicate,
    Discarded,
    Overlap,
    Inconsistent,
}
