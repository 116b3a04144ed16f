//! Tracking: IKE and IPsec SA tables, Cisco states per peer, tunnels, events and diagnoses.
//!
//! The [`Tracker`] is fed the decoded (and, with keys, decrypted) packets in capture order and
//! keeps the tables a router would show: `show crypto isakmp sa` ([`model::IkeSa`]),
//! `show crypto ipsec sa` ([`model::IpsecSa`]), `show crypto session` ([`model::Tunnel`]). It
//! knows nothing of screens: presentation reads its tables.
//!
//! State is bounded: tables have caps with second-chance eviction ([`table::Table`]), lists per
//! SA have caps, and silent negotiations time out. Everything evicted is counted; an IKE SA is
//! diagnosed before it is evicted, so a flood of MM1s cannot hide a finding or grow memory.

mod detect;
pub mod diagnosis;
pub mod events;
pub mod exchange;
pub mod model;
pub mod sequence;
pub mod states;

use std::net::IpAddr;

use ikescope_dissectors::isakmp::{self, NotifyType, Payload, PayloadType, ProtocolId};
use ikescope_dissectors::{Cookie, ikev2};

use crate::capture::Timestamp;
use crate::decode::ike::{V1Chain, V2Chain};
use crate::decode::{PacketMeta, Transport};
pub use crate::table::Id;
use crate::table::Table;
use diagnosis::Diagnosis;
use events::Event;
use exchange::{Position, Shape, exchange_type, phase1_position};
use model::{
    DpdStats, Endpoint, IkeSa, IpsecSa, MessageSeen, Mode, Negotiation, NotifySeen, Outcome,
    QuickMode, QuickModeOutcome, RateHistory, SessionSummary, StateName, Transition, Tunnel,
    TunnelTraffic, V2State,
};
use sequence::SequenceStats;
use states::{
    AuthCheck, DebugState, Phase1Event, Phase1Msg, QuickModeEvent, QuickModeMsg, QuickModeState,
    Role, SessionStatus, phase1_step, quick_mode_step,
};

/// Limits and timeouts.
#[derive(Debug, Clone)]
pub struct TrackerConfig {
    pub max_ike_sas: usize,
    pub max_ipsec_sas: usize,
    pub max_tunnels: usize,
    /// A negotiation silent this long (capture time) is abandoned.
    pub negotiation_timeout_secs: i64,
    /// An IPsec SA with no traffic for this long no longer counts as up for the session
    /// status (Cisco's idle timer is 3600 s by default; this is about what the wire shows).
    pub ipsec_idle_secs: i64,
    pub max_transitions: usize,
    pub max_quick_modes: usize,
    /// Keep events for the caller to drain (`ikescope events`, the TUI log).
    pub events: bool,
    /// Learn what messages carry (policies, identities, vendor IDs, NAT-D, notifications,
    /// deletes, quick-mode SPIs). Off for `dissect`, which needs only each message's place in
    /// its exchange.
    pub learn: bool,
    /// Keep per-second packet counts per tunnel (the dashboard's rates and sparklines).
    pub rates: bool,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            max_ike_sas: 250_000,
            max_ipsec_sas: 500_000,
            max_tunnels: 250_000,
            negotiation_timeout_secs: 120,
            ipsec_idle_secs: 300,
            max_transitions: 64,
            max_quick_modes: 64,
            events: false,
            learn: true,
            rates: false,
        }
    }
}

/// Counters of the tracker itself.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TrackerStats {
    pub ike_sas_created: u64,
    pub ike_sas_evicted: u64,
    pub ipsec_sas_created: u64,
    pub ipsec_sas_evicted: u64,
    pub tunnels_evicted: u64,
    pub negotiations_timed_out: u64,
    /// IKE messages from an address that is neither peer of the IKE SA its cookies name.
    pub foreign_sender: u64,
}

/// What the layer below knows of one IKEv1 message.
pub struct IkeV1Input<'a, 'p> {
    pub meta: &'a PacketMeta,
    pub header: &'a isakmp::Header,
    /// The payload chain: of the cleartext body, or of the decrypted plaintext.
    pub chain: &'a V1Chain<'p>,
    /// The body was encrypted on the wire.
    pub encrypted: bool,
    /// …and was decrypted (so `chain` holds its payloads).
    pub decrypted: bool,
    /// The verification of the HASH this message carries, where keys allowed it.
    pub auth: Option<AuthCheck>,
}

/// What the layer below knows of one IKEv2 message.
pub struct IkeV2Input<'a, 'p> {
    pub meta: &'a PacketMeta,
    pub header: &'a ikev2::Header,
    /// Cleartext payloads (for IKE_AUTH and later: just SK).
    pub chain: &'a V2Chain<'p>,
    /// The decrypted SK content, if keys allowed it.
    pub inner: Option<&'a V2Chain<'p>>,
    pub auth: Option<AuthCheck>,
}

/// What decryption told of one ESP/AH packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EspCheck {
    /// No keys for this SPI.
    NoKeys,
    /// Decrypted; the ICV verified (or there is none) and the trailer made sense.
    Ok { inner_len: usize },
    /// The ICV did not verify.
    IcvFailed,
    /// Keys present but the packet did not decrypt to a valid trailer.
    DecryptFailed,
}

/// What the tracker made of an IKE message: for the one-line dissection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IkeNote {
    pub conn_id: u32,
    pub position: Position,
    pub sender: Option<Role>,
    pub retransmission: bool,
}

pub struct Tracker {
    config: TrackerConfig,
    ike: Table<IkeSa>,
    ipsec: Table<IpsecSa>,
    tunnels: Table<Tunnel>,
    next_conn_id: u32,
    stats: TrackerStats,
    events: Vec<Event>,
    /// Diagnoses of IKE SAs already evicted or finished (kept, bounded).
    concluded: Vec<Diagnosis>,
    /// Fragmented IKE datagrams that never completed: (src, dst, frame).
    incomplete_ike: Vec<(IpAddr, IpAddr, u64)>,
    /// INVALID_SPI notifications: (ike tunnel, sender, frame, spi).
    now: Timestamp,
    last_tick: i64,
}

const MAX_CONCLUDED: usize = 10_000;
const MAX_NOTIFIES: usize = 32;
const MAX_OFFERS: usize = 16;
const MAX_INCOMPLETE: usize = 4096;
/// Seconds of capture time between two sweeps for timed-out negotiations.
const SWEEP_EVERY_SECS: i64 = 10;

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new(TrackerConfig::default())
    }
}

impl Tracker {
    pub fn new(config: TrackerConfig) -> Tracker {
        Tracker {
            ike: Table::new(config.max_ike_sas),
            ipsec: Table::new(config.max_ipsec_sas),
            tunnels: Table::new(config.max_tunnels),
            config,
            next_conn_id: 1,
            stats: TrackerStats::default(),
            events: Vec::new(),
            concluded: Vec::new(),
            incomplete_ike: Vec::new(),
            now: Timestamp::default(),
            last_tick: i64::MIN,
        }
    }

    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    pub fn stats(&self) -> TrackerStats {
        let mut s = self.stats.clone();
        s.ike_sas_evicted = self.ike.evicted;
        s.ipsec_sas_evicted = self.ipsec.evicted;
        s.tunnels_evicted = self.tunnels.evicted;
        s
    }

    /// Capture time of the latest packet.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn ike_sas(&self) -> impl Iterator<Item = (Id, &IkeSa)> {
        self.ike.iter()
    }

    pub fn ike_sa(&self, id: Id) -> Option<&IkeSa> {
        self.ike.get(id)
    }

    pub fn ipsec_sas(&self) -> impl Iterator<Item = (Id, &IpsecSa)> {
        self.ipsec.iter()
    }

    pub fn ipsec_sa(&self, id: Id) -> Option<&IpsecSa> {
        self.ipsec.get(id)
    }

    pub fn tunnels(&self) -> impl Iterator<Item = (Id, &Tunnel)> {
        self.tunnels.iter()
    }

    pub fn tunnel(&self, id: Id) -> Option<&Tunnel> {
        self.tunnels.get(id)
    }

    pub fn counts(&self) -> (usize, usize, usize) {
        (self.ike.len(), self.ipsec.len(), self.tunnels.len())
    }

    /// Events since the last call, in capture order.
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, Event> {
        self.events.drain(..)
    }

    /// A tunnel's ESP/AH traffic, summed from its IPsec SAs.
    pub fn traffic(&self, tunnel: &Tunnel) -> TunnelTraffic {
        let mut t = TunnelTraffic::default();
        for sa in tunnel.ipsec_sas.iter().filter_map(|id| self.ipsec.get(*id)) {
            let dir = tunnel.side_of(sa.src);
            t.packets[dir] += sa.packets;
            t.bytes[dir] += sa.bytes;
            t.last_traffic[dir] = t.last_traffic[dir].max(sa.last_seen);
            if sa.protocol == 50 && sa.encap.is_none() && sa.packets > 0 {
                t.raw_esp_frame = Some(
                    t.raw_esp_frame
                        .map_or(sa.first_frame, |f| f.min(sa.first_frame)),
                );
            }
        }
        t
    }

    /// The `show crypto session` status of a tunnel.
    pub fn session(&self, tunnel: &Tunnel) -> SessionSummary {
        let mut s = SessionSummary {
            status: SessionStatus::Down,
            ike_established: 0,
            ike_negotiating: 0,
            ipsec_up: 0,
        };
        for id in &tunnel.ike_sas {
            if let Some(sa) = self.ike.get(*id) {
                s.ike_established += usize::from(sa.is_established());
                s.ike_negotiating += usize::from(sa.is_negotiating());
            }
        }
        for id in &tunnel.ipsec_sas {
            if let Some(sa) = self.ipsec.get(*id)
                && sa.is_alive()
                && (sa.established().is_some()
                    || sa
                        .last_seen
                        .is_some_and(|t| self.now.secs - t.secs <= self.config.ipsec_idle_secs))
            {
                s.ipsec_up += 1;
            }
        }
        s.status =
            SessionStatus::from_parts(s.ike_established > 0, s.ike_negotiating > 0, s.ipsec_up);
        s
    }

    /// Every diagnosis as of now: of the SAs still in the tables and of those concluded.
    pub fn diagnoses(&self) -> Vec<Diagnosis> {
        let mut all = self.concluded.clone();
        all.extend(detect::diagnose(self, true));
        all.sort_by(|a, b| {
            a.frames
                .first()
                .cmp(&b.frames.first())
                .then(a.code.cmp(&b.code))
        });
        all.dedup_by(|a, b| a.code == b.code && a.tunnel == b.tunnel && a.ike_sa == b.ike_sa);
        all
    }

    /// Ends the capture: negotiations still open are left as they are (a report shows them
    /// stuck), diagnoses are computed and, with events on, emitted.
    pub fn finish(&mut self) {
        if self.config.events {
            let diags = self.diagnoses();
            self.events.extend(diags.into_iter().map(Event::Diagnosis));
        }
    }

    /// A fragmented datagram between two addresses never completed.
    pub fn incomplete_datagram(&mut self, src: IpAddr, dst: IpAddr, frame: u64) {
        if self.incomplete_ike.len() < MAX_INCOMPLETE {
            self.incomplete_ike.push((src, dst, frame));
        }
    }

    fn advance_clock(&mut self, ts: Timestamp) {
        if ts > self.now {
            self.now = ts;
        }
        // A sweep every few seconds of capture time: O(SAs), but rare enough to be noise.
        if self.now.secs >= self.last_tick.saturating_add(SWEEP_EVERY_SECS) {
            self.last_tick = self.now.secs;
            self.expire_negotiations();
        }
    }

    /// Negotiations silent past the timeout are abandoned (then diagnosed like any other).
    fn expire_negotiations(&mut self) {
        let cutoff = self.now.secs - self.config.negotiation_timeout_secs;
        let stale: Vec<Id> = self
            .ike
            .iter()
            .filter(|(_, sa)| sa.is_negotiating() && sa.last_seen.secs < cutoff)
            .map(|(id, _)| id)
            .collect();
        for id in stale {
            if let Some(sa) = self.ike.get_mut(id) {
                sa.outcome = Some(Outcome::Abandoned {
                    frame: sa.last_frame,
                });
                self.stats.negotiations_timed_out += 1;
            }
        }
    }

    // ---------------------------------------------------------------- tunnels

    fn tunnel_for(&mut self, a: IpAddr, b: IpAddr, ts: Timestamp) -> Id {
        let peers = if a <= b { [a, b] } else { [b, a] };
        if let Some(id) = self.tunnels.find(&peers) {
            if let Some(t) = self.tunnels.get_mut(id) {
                t.last_seen = t.last_seen.max(ts);
            }
            return id;
        }
        let t = Tunnel {
            peers,
            ike_sas: Vec::new(),
            ipsec_sas: Vec::new(),
            first_seen: ts,
            last_seen: ts,
            rates: None,
            established_count: 0,
            down_count: 0,
            offers: [Vec::new(), Vec::new()],
            nat_keepalives: 0,
        };
        let (id, _evicted) = self.tunnels.insert(t);
        id
    }

    // ---------------------------------------------------------------- IKE SAs

    /// Finds the IKE SA named by a cookie pair, learning the responder cookie when the SA was
    /// only known by its initiator cookie (MM1/IKE_SA_INIT request had it zero).
    fn find_ike(&mut self, ic: Cookie, rc: Cookie) -> Option<Id> {
        if let Some(id) = self.ike.find(&(ic, rc))
            && self.ike.get(id).is_some()
        {
            return Some(id);
        }
        if !rc.is_zero()
            && let Some(id) = self.ike.find(&(ic, Cookie::ZERO))
        {
            if let Some(sa) = self.ike.get_mut(id) {
                sa.responder_cookie = rc;
            }
            self.ike.rekey(id, &(ic, Cookie::ZERO));
            return Some(id);
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn create_ike(
        &mut self,
        version: u8,
        ic: Cookie,
        rc: Cookie,
        initiator: Endpoint,
        responder: Endpoint,
        roles_known: bool,
        meta: &PacketMeta,
    ) -> Id {
        let tunnel = self.tunnel_for(initiator.addr, responder.addr, meta.ts);
        let conn_id = self.next_conn_id;
        self.next_conn_id = self.next_conn_id.wrapping_add(1).max(1);
        let sa = IkeSa {
            conn_id,
            version,
            initiator_cookie: ic,
            responder_cookie: rc,
            mode: if version == 2 {
                Mode::Ikev2
            } else {
                Mode::Unknown
            },
            initiator,
            responder,
            roles_known,
            nat_t_float: None,
            nat_behind: None,
            chosen: None,
            detail: None,
            first_seen: meta.ts,
            last_seen: meta.ts,
            first_frame: meta.frame,
            last_frame: meta.frame,
            messages: [0; 2],
            retransmissions: 0,
            state: [DebugState::IkeReady; 2],
            v2_state: [V2State::Idle; 2],
            side_seen: [false; 2],
            auth: [None, None],
            phase1_seen: [MessageSeen::default(); 9],
            outcome: None,
            established: None,
            transitions: Vec::new(),
            transitions_dropped: 0,
            quick_modes: Vec::new(),
            quick_modes_dropped: 0,
            dpd: DpdStats::default(),
            undecrypted: 0,
            decrypted: 0,
            v2_seen: Vec::new(),
            tunnel,
        };
        let (id, evicted) = self.ike.insert(sa);
        self.stats.ike_sas_created += 1;
        if let Some(old) = evicted
            && self.config.learn
        {
            self.conclude(&old);
        }
        if let Some(t) = self.tunnels.get_mut(tunnel) {
            push_bounded(&mut t.ike_sas, id, 256);
        }
        if self.config.events {
            self.events.push(Event::IkeSaCreated {
                frame: meta.frame,
                time: meta.ts,
                ike_sa: format!("{ic}/{rc}"),
                conn_id,
                version,
                mode: if version == 2 { "ikev2" } else { "unknown" },
                initiator: initiator.to_string(),
                responder: responder.to_string(),
            });
        }
        id
    }

    /// Keeps an evicted IKE SA's findings.
    fn conclude(&mut self, sa: &IkeSa) {
        if self.concluded.len() < MAX_CONCLUDED {
            let found = detect::diagnose_ike_sa(self, sa, true);
            self.concluded.extend(found);
        }
    }

    /// Common to both IKE versions: find or create the SA, place the sender, count.
    fn ike_sa_for_message(
        &mut self,
        meta: &PacketMeta,
        version: u8,
        ic: Cookie,
        rc: Cookie,
        sender_is_initiator: Option<bool>,
    ) -> Option<(Id, Role)> {
        let src = Endpoint {
            addr: meta.src,
            port: meta.src_port,
        };
        let dst = Endpoint {
            addr: meta.dst,
            port: meta.dst_port,
        };
        let id = match self.find_ike(ic, rc) {
            Some(id) => id,
            None => {
                let src_initiates = sender_is_initiator.unwrap_or(true);
                let (i, r) = if src_initiates {
                    (src, dst)
                } else {
                    (dst, src)
                };
                self.create_ike(version, ic, rc, i, r, sender_is_initiator.is_some(), meta)
            }
        };
        let events = self.config.events;
        let sa = self.ike.get_mut(id)?;
        let role = if meta.src == sa.initiator.addr {
            Role::Initiator
        } else if meta.src == sa.responder.addr {
            Role::Responder
        } else {
            self.stats.foreign_sender += 1;
            return None;
        };
        // Endpoints as last used: ports change on the NAT-T float (RFC 3947 §4).
        let me = if role == Role::Initiator {
            &mut sa.initiator
        } else {
            &mut sa.responder
        };
        me.port = src.port;
        let peer = if role == Role::Initiator {
            &mut sa.responder
        } else {
            &mut sa.initiator
        };
        peer.port = dst.port;
        if meta.transport == Transport::UdpNatT
            && sa.nat_t_float.is_none()
            && sa.messages.iter().sum::<u32>() > 0
        {
            sa.nat_t_float = Some(meta.frame);
            if events {
                let ev = Event::NatTFloat {
                    frame: meta.frame,
                    time: meta.ts,
                    ike_sa: sa.cookies(),
                };
                self.events.push(ev);
            }
        }
        let sa = self.ike.get_mut(id)?;
        sa.messages[role as usize] += 1;
        sa.side_seen[role as usize] = true;
        sa.last_seen = sa.last_seen.max(meta.ts);
        sa.last_frame = meta.frame;
        Some((id, role))
    }

    /// Tracks one IKEv1 message.
    pub fn ike_v1(&mut self, m: &IkeV1Input<'_, '_>) -> IkeNote {
        self.advance_clock(m.meta.ts);
        let h = m.header;
        let xt = h.exchange_type.0;
        let readable = !m.encrypted || m.decrypted;
        // The initiator is known when the responder cookie is still zero (MM1/AM1); a main
        // mode message with an SA payload and a responder cookie is MM2, from the responder.
        let has = |t: PayloadType| readable && m.chain.has(t);
        let sender_is_initiator = if h.responder_cookie.is_zero() {
            Some(true)
        } else if matches!(xt, exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE)
            && has(PayloadType::SA)
        {
            Some(false)
        } else {
            None
        };
        let unknown = IkeNote {
            conn_id: 0,
            position: Position::Unknown(xt),
            sender: None,
            retransmission: false,
        };
        let Some((id, sender)) = self.ike_sa_for_message(
            m.meta,
            1,
            h.initiator_cookie,
            h.responder_cookie,
            sender_is_initiator,
        ) else {
            return unknown;
        };
        if let Some(sa) = self.ike.get_mut(id) {
            if m.encrypted {
                if m.decrypted {
                    sa.decrypted += 1;
                } else {
                    sa.undecrypted += 1;
                }
            }
            if sa.mode == Mode::Unknown {
                match xt {
                    exchange_type::MAIN_MODE => sa.mode = Mode::Main,
                    exchange_type::AGGRESSIVE => sa.mode = Mode::Aggressive,
                    _ => {}
                }
                // The SA was created by this very message: its event names the mode too.
                if let Some(Event::IkeSaCreated { conn_id, mode, .. }) = self.events.last_mut()
                    && *conn_id == sa.conn_id
                {
                    *mode = sa.mode.name();
                }
            }
        }
        let (position, retransmission) = match xt {
            exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE => {
                self.phase1_message(id, sender, m)
            }
            exchange_type::QUICK_MODE => self.quick_mode_message(id, sender, m),
            exchange_type::INFORMATIONAL => {
                if self.config.learn {
                    self.informational(id, sender, m);
                }
                (Position::Informational, false)
            }
            exchange_type::TRANSACTION => (Position::Transaction, false),
            exchange_type::NEW_GROUP => (Position::NewGroup, false),
            other => (Position::Unknown(other), false),
        };
        let conn_id = self.ike.get(id).map_or(0, |sa| sa.conn_id);
        if retransmission && let Some(sa) = self.ike.get_mut(id) {
            sa.retransmissions += 1;
        }
        IkeNote {
            conn_id,
            position,
            sender: Some(sender),
            retransmission,
        }
    }

    fn phase1_message(&mut self, id: Id, sender: Role, m: &IkeV1Input<'_, '_>) -> (Position, bool) {
        let xt = m.header.exchange_type.0;
        let readable = !m.encrypted || m.decrypted;
        let shape = Shape {
            encrypted: m.encrypted && !m.decrypted,
            has_sa: readable && m.chain.has(PayloadType::SA),
            has_ke: readable && m.chain.has(PayloadType::KEY_EXCHANGE),
            has_auth: readable
                && (m.chain.has(PayloadType::HASH)
                    || m.chain.has(PayloadType::SIGNATURE)
                    || m.chain.has(PayloadType::IDENTIFICATION)),
        };
        let Some(msg) = phase1_position(xt, sender, shape) else {
            // A phase-1 exchange message with nothing to place it by: a notification sent in
            // the main-mode exchange (some peers do), or an empty message.
            self.record_notifies(id, sender, m);
            return (Position::Unknown(xt), false);
        };
        let idx = phase1_index(msg);
        let Some(sa) = self.ike.get_mut(id) else {
            return (Position::Phase1(msg), false);
        };
        let seen = &mut sa.phase1_seen[idx];
        let retransmission = seen.count > 0;
        if seen.count == 0 {
            seen.first_frame = m.meta.frame;
        }
        seen.count = seen.count.saturating_add(1);
        seen.last_frame = m.meta.frame;
        if msg == Phase1Msg::Mm1 || msg == Phase1Msg::Am1 {
            sa.roles_known = true;
        }
        if readable && self.config.learn {
            self.learn_phase1_payloads(id, sender, msg, m);
        }
        let auth = m.auth.unwrap_or(AuthCheck::Unchecked);
        if msg.authenticates_sender()
            && let Some(a) = m.auth
            && let Some(sa) = self.ike.get_mut(id)
        {
            sa.auth[sender as usize] = Some((a, m.meta.frame));
        }
        if !retransmission {
            self.apply_phase1(id, msg, auth, m.meta);
        }
        (Position::Phase1(msg), retransmission)
    }

    /// Applies a phase-1 message to both peers' state machines.
    fn apply_phase1(&mut self, id: Id, msg: Phase1Msg, auth: AuthCheck, meta: &PacketMeta) {
        let max = self.config.max_transitions;
        let events = self.config.events;
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        let mut new_events = Vec::new();
        let mut moved = false;
        for role in [Role::Initiator, Role::Responder] {
            let ev = if msg.sender() == role {
                Phase1Event::Sent(msg, auth)
            } else {
                Phase1Event::Received(msg, auth)
            };
            let steps = phase1_step(role, sa.state[role as usize], ev);
            moved |= !steps.is_empty();
            for to in steps.iter() {
                let from = sa.state[role as usize];
                sa.state[role as usize] = to;
                record_transition(
                    sa,
                    max,
                    meta,
                    role,
                    StateName::Phase1(from),
                    StateName::Phase1(to),
                );
                if events {
                    new_events.push(state_event(
                        sa,
                        meta,
                        role,
                        StateName::Phase1(from),
                        StateName::Phase1(to),
                        None,
                    ));
                }
            }
        }
        // A refusal the negotiation then moved past (some peers send a notification and carry
        // on) was not final.
        if moved && matches!(sa.outcome, Some(Outcome::Failed { .. })) {
            sa.outcome = None;
        }
        let complete = sa.state.contains(&DebugState::IkeP1Complete);
        let newly = complete && sa.established.is_none() && sa.outcome.is_none();
        let tunnel = sa.tunnel;
        if newly {
            sa.established = Some((meta.frame, meta.ts));
            if events {
                new_events.push(Event::IkeSaEstablished {
                    frame: meta.frame,
                    time: meta.ts,
                    ike_sa: sa.cookies(),
                    conn_id: sa.conn_id,
                    policy: sa
                        .chosen
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                });
            }
        }
        self.events.extend(new_events);
        if newly && let Some(t) = self.tunnels.get_mut(tunnel) {
            t.established_count += 1;
        }
    }

    fn learn_phase1_payloads(
        &mut self,
        id: Id,
        sender: Role,
        msg: Phase1Msg,
        m: &IkeV1Input<'_, '_>,
    ) {
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        let mut natd: Vec<&[u8]> = Vec::new();
        for p in m.chain.decoded() {
            match p {
                Payload::Sa(sa_payload) => {
                    let policies: Vec<_> = sa_payload
                        .proposals()
                        .flatten()
                        .flat_map(|prop| {
                            prop.transforms()
                                .flatten()
                                .filter_map(|t| t.phase1_policy().ok())
                                .collect::<Vec<_>>()
                        })
                        .take(MAX_OFFERS)
                        .collect();
                    match msg {
                        Phase1Msg::Mm1 | Phase1Msg::Am1 => sa.detail_mut().offered = policies,
                        Phase1Msg::Mm2 | Phase1Msg::Am2 => sa.chosen = policies.into_iter().next(),
                        _ => {}
                    }
                }
                Payload::Identification(idp) => {
                    sa.detail_mut().identity[sender as usize] =
                        Some(idp.identity.to_string().into_boxed_str());
                }
                Payload::VendorId(v) => {
                    let name = v
                        .recognize_with_cookies(sa.initiator_cookie, sa.responder_cookie)
                        .map(|k| k.name);
                    if let Some(name) = name {
                        let list = &mut sa.detail_mut().vendors[sender as usize];
                        if !list.contains(&name) && list.len() < 16 {
                            list.push(name);
                        }
                    }
                }
                Payload::NatD(hash) => natd.push(hash),
                _ => {}
            }
        }
        let tunnel = sa.tunnel;
        let offered = sa.offered().to_vec();
        if matches!(msg, Phase1Msg::Mm1 | Phase1Msg::Am1)
            && !offered.is_empty()
            && let Some(t) = self.tunnels.get_mut(tunnel)
        {
            let side = t.side_of(m.meta.src);
            t.offers[side] = offered;
        }
        if !natd.is_empty() {
            self.check_nat_d(id, sender, &natd, m.meta);
        }
        self.record_notifies(id, sender, m);
    }

    /// NAT detection (RFC 3947 §3.2): each NAT-D is HASH(CKY-I | CKY-R | IP | Port); the first
    /// is of the destination as the sender addressed it, the rest of the sender's own address.
    /// If the sender's own hash does not match the address and port this capture sees, a NAT
    /// rewrote them: the sender is behind a NAT. (Seen from the capture point's side.)
    fn check_nat_d(&mut self, id: Id, sender: Role, natd: &[&[u8]], meta: &PacketMeta) {
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        let Some(alg) = sa.chosen.as_ref().and_then(|p| p.hash_alg()) else {
            return;
        };
        let hash_of = |addr: IpAddr, port: u16| {
            let ip = match addr {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            };
            ikescope_dissectors::crypto::prf::hash(
                alg,
                &[
                    sa.initiator_cookie.as_bytes(),
                    sa.responder_cookie.as_bytes(),
                    &ip,
                    &port.to_be_bytes(),
                ],
            )
        };
        let own = hash_of(meta.src, meta.src_port);
        let peer = hash_of(meta.dst, meta.dst_port);
        let own_ok = natd.iter().skip(1).any(|h| *h == own.as_ref());
        let peer_ok = natd.first().is_some_and(|h| *h == peer.as_ref());
        let flags = sa.nat_behind.get_or_insert([false, false]);
        flags[sender as usize] |= !own_ok;
        flags[sender.other() as usize] |= !peer_ok;
    }

    fn record_notifies(&mut self, id: Id, sender: Role, m: &IkeV1Input<'_, '_>) {
        if m.encrypted && !m.decrypted {
            return;
        }
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        for p in m.chain.decoded() {
            if let Payload::Notification(n) = p
                && sa.notifies().len() < MAX_NOTIFIES
            {
                sa.detail_mut().notifies.push(NotifySeen {
                    frame: m.meta.frame,
                    from: sender,
                    exchange: m.header.exchange_type.0,
                    notify_type: n.notify_type.0,
                    name: n.notify_type.name().unwrap_or("NOTIFY"),
                    decrypted: m.decrypted,
                });
            }
        }
    }

    /// A later exchange (quick mode, informational) on an IKE SA whose phase 1 the capture did
    /// not show proves phase 1 completed: both sides are in QM_IDLE.
    fn infer_phase1_complete(&mut self, id: Id, meta: &PacketMeta) {
        let Some(sa) = self.ike.get(id) else { return };
        if sa.established.is_some()
            || sa.outcome.is_some()
            || sa.mode == Mode::Main
            || sa.mode == Mode::Aggressive
        {
            return;
        }
        let max = self.config.max_transitions;
        if let Some(sa) = self.ike.get_mut(id) {
            for role in [Role::Initiator, Role::Responder] {
                let from = sa.state[role as usize];
                if from != DebugState::IkeP1Complete {
                    sa.state[role as usize] = DebugState::IkeP1Complete;
                    sa.side_seen[role as usize] = true;
                    record_transition(
                        sa,
                        max,
                        meta,
                        role,
                        StateName::Phase1(from),
                        StateName::Phase1(DebugState::IkeP1Complete),
                    );
                }
            }
            sa.established = Some((meta.frame, meta.ts));
            let tunnel = sa.tunnel;
            if let Some(t) = self.tunnels.get_mut(tunnel) {
                t.established_count += 1;
            }
        }
    }

    fn quick_mode_message(
        &mut self,
        id: Id,
        sender: Role,
        m: &IkeV1Input<'_, '_>,
    ) -> (Position, bool) {
        self.infer_phase1_complete(id, m.meta);
        let readable = !m.encrypted || m.decrypted;
        let carries_sa = readable.then(|| m.chain.has(PayloadType::SA));
        let mid = m.header.message_id;
        let (max_qm, learn) = (self.config.max_quick_modes, self.config.learn);
        let Some(sa) = self.ike.get_mut(id) else {
            return (Position::Unknown(32), false);
        };
        let qi = match sa.quick_modes.iter().position(|q| q.message_id == mid) {
            Some(i) => i,
            None => {
                if sa.quick_modes.len() >= max_qm {
                    // Keep the newest: drop the oldest finished one (or the oldest).
                    let drop = sa
                        .quick_modes
                        .iter()
                        .position(|q| q.outcome.is_some())
                        .unwrap_or(0);
                    sa.quick_modes.remove(drop);
                    sa.quick_modes_dropped += 1;
                }
                sa.quick_modes.push(new_quick_mode(mid, sender, m.meta));
                sa.quick_modes.len() - 1
            }
        };
        let Some(qm) = sa.quick_modes.get_mut(qi) else {
            return (Position::Unknown(32), false);
        };
        let (msg, retransmission) = qm.order.place(sender, carries_sa);
        qm.messages = qm.messages.saturating_add(1);
        qm.last_frame = m.meta.frame;
        if retransmission {
            qm.retransmissions = qm.retransmissions.saturating_add(1);
        }
        if readable {
            qm.decrypted = true;
            if learn {
                learn_quick_mode_payloads(qm, msg, m.chain);
            }
        }
        if !retransmission {
            self.apply_quick_mode(id, qi, msg, m.meta);
        }
        (Position::Quick(msg), retransmission)
    }

    fn apply_quick_mode(&mut self, id: Id, qi: usize, msg: QuickModeMsg, meta: &PacketMeta) {
        let max = self.config.max_transitions;
        let events = self.config.events;
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        let Some(qm_initiator) = sa.quick_modes.get(qi).map(|q| q.initiator) else {
            return;
        };
        let mut new_events = Vec::new();
        for ike_role in [Role::Initiator, Role::Responder] {
            // The peer's role in this quick mode.
            let qm_role = if ike_role == qm_initiator {
                Role::Initiator
            } else {
                Role::Responder
            };
            let ev = if msg.sender() == qm_role {
                QuickModeEvent::Sent(msg)
            } else {
                QuickModeEvent::Received(msg)
            };
            let Some(qm) = sa.quick_modes.get_mut(qi) else {
                return;
            };
            let cur = qm.state[ike_role as usize];
            if let Some(to) = quick_mode_step(qm_role, cur, ev) {
                qm.state[ike_role as usize] = to;
                let mid = qm.message_id;
                let from = StateName::QuickMode {
                    message_id: mid,
                    state: cur,
                };
                let to_s = StateName::QuickMode {
                    message_id: mid,
                    state: to,
                };
                record_transition(sa, max, meta, ike_role, from, to_s);
                if events {
                    new_events.push(state_event(sa, meta, ike_role, from, to_s, Some(mid)));
                }
            }
        }
        let Some(qm) = sa.quick_modes.get_mut(qi) else {
            return;
        };
        // An unread informational that looked like a refusal was something else (a DPD, say) if
        // the quick mode completes after all.
        let done = qm.state.contains(&QuickModeState::IkeQmPhase2Complete)
            && matches!(
                qm.outcome,
                None | Some(QuickModeOutcome::RefusedUnread { .. })
            );
        if !done {
            self.events.extend(new_events);
            return;
        }
        qm.outcome = Some(QuickModeOutcome::Complete { frame: meta.frame });
        let qm = qm.clone();
        let (ike_sa, conn_id) = (sa.cookies(), sa.conn_id);
        let initiator_addr = sa.endpoint(qm.initiator).addr;
        let responder_addr = sa.endpoint(qm.initiator.other()).addr;
        if events {
            new_events.push(Event::QuickModeDone {
                frame: meta.frame,
                time: meta.ts,
                ike_sa,
                conn_id,
                message_id: format!("0x{:08x}", qm.message_id),
                spis: [qm.spi_initiator, qm.spi_responder]
                    .iter()
                    .flatten()
                    .map(|s| format!("0x{s:08x}"))
                    .collect(),
                transform: qm.chosen().map(ToString::to_string),
                local_ident: qm.proxy_initiator().map(str::to_string),
                remote_ident: qm.proxy_responder().map(str::to_string),
                pfs: qm.pfs,
            });
        }
        self.events.extend(new_events);
        let protocol = qm.chosen().map_or(50, |p| {
            if p.protocol == ProtocolId::IPSEC_AH {
                51
            } else {
                50
            }
        });
        self.install_negotiated(
            id,
            conn_id,
            &qm,
            initiator_addr,
            responder_addr,
            protocol,
            meta,
        );
    }

    /// Creates (or completes) the two IPsec SAs a finished quick mode or child exchange
    /// negotiated: each side's SPI keys its inbound SA, so the quick-mode initiator's SPI is
    /// for ESP to it and the responder's for the other direction (RFC 2409 §5.5, RFC 7296
    /// §1.3).
    #[allow(clippy::too_many_arguments)]
    fn install_negotiated(
        &mut self,
        id: Id,
        conn_id: u32,
        qm: &QuickMode,
        initiator: IpAddr,
        responder: IpAddr,
        protocol: u8,
        meta: &PacketMeta,
    ) {
        let encap =
            (meta.transport == Transport::UdpNatT).then_some((meta.src_port, meta.dst_port));
        for (spi, src, dst, local, remote) in [
            (
                qm.spi_initiator,
                responder,
                initiator,
                qm.proxy_initiator(),
                qm.proxy_responder(),
            ),
            (
                qm.spi_responder,
                initiator,
                responder,
                qm.proxy_responder(),
                qm.proxy_initiator(),
            ),
        ] {
            let Some(spi) = spi else { continue };
            let sid = self.ipsec_sa_for(spi, protocol, src, dst, meta);
            if let Some(s) = self.ipsec.get_mut(sid) {
                s.ike_sa = Some(id);
                s.conn_id = Some(conn_id);
                s.message_id = Some(qm.message_id);
                s.negotiation = Some(Box::new(Negotiation {
                    policy: qm.chosen().copied(),
                    transform_text: qm.transform_text().map(str::to_string),
                    local_ident: local.map(Into::into),
                    remote_ident: remote.map(Into::into),
                    established: (meta.frame, meta.ts),
                }));
                if s.encap.is_none() {
                    s.encap = encap;
                }
            }
        }
    }

    fn informational(&mut self, id: Id, sender: Role, m: &IkeV1Input<'_, '_>) {
        if m.encrypted && !m.decrypted {
            // Unread: DPD, a delete, or a refusal. Right after an unanswered QM1 from the
            // other side it can only be the refusal (a QM2 would have come instead).
            if let Some(sa) = self.ike.get_mut(id) {
                sa.dpd.unread_informational += 1;
                if let Some(qm) = sa.quick_modes.iter_mut().rev().find(|q| {
                    q.outcome.is_none()
                        && q.initiator != sender
                        && q.spi_responder.is_none()
                        && q.messages == 1 + q.retransmissions
                }) {
                    qm.outcome = Some(QuickModeOutcome::RefusedUnread {
                        frame: m.meta.frame,
                    });
                }
            }
            return;
        }
        self.infer_phase1_complete_if_sensible(id, m);
        self.record_notifies(id, sender, m);
        let events = self.config.events;
        let max = self.config.max_transitions;
        for p in m.chain.decoded() {
            match p {
                Payload::Notification(n) => self.informational_notify(id, sender, n, m.meta),
                Payload::Delete(d) => {
                    let Some(sa) = self.ike.get_mut(id) else {
                        continue;
                    };
                    let ike_sa = sa.cookies();
                    let by = sa.endpoint(sender).addr.to_string();
                    if d.protocol_id == ProtocolId::ISAKMP {
                        let was_up = sa.established.is_some();
                        if sa.outcome.is_none() {
                            sa.outcome = Some(Outcome::Deleted {
                                frame: m.meta.frame,
                                by: sender,
                            });
                        }
                        for role in [Role::Initiator, Role::Responder] {
                            let from = sa.state[role as usize];
                            if from != DebugState::IkeDestSa {
                                sa.state[role as usize] = DebugState::IkeDestSa;
                                record_transition(
                                    sa,
                                    max,
                                    m.meta,
                                    role,
                                    StateName::Phase1(from),
                                    StateName::Phase1(DebugState::IkeDestSa),
                                );
                            }
                        }
                        let tunnel = sa.tunnel;
                        if events {
                            self.events.push(Event::Delete {
                                frame: m.meta.frame,
                                time: m.meta.ts,
                                ike_sa,
                                by,
                                protocol: "isakmp",
                                spis: Vec::new(),
                            });
                        }
                        if was_up && let Some(t) = self.tunnels.get_mut(tunnel) {
                            t.down_count += 1;
                        }
                    } else {
                        // The sender deletes its inbound SAs: ESP to it on these SPIs.
                        let protocol = if d.protocol_id == ProtocolId::IPSEC_AH {
                            51
                        } else {
                            50
                        };
                        let spis: Vec<u32> = d.ipsec_spis().collect();
                        for spi in &spis {
                            if let Some(sid) = self.ipsec.find(&(m.meta.src, *spi, protocol)) {
                                self.delete_ipsec_pair(sid, m.meta.frame);
                            }
                        }
                        if events {
                            self.events.push(Event::Delete {
                                frame: m.meta.frame,
                                time: m.meta.ts,
                                ike_sa,
                                by,
                                protocol: if protocol == 51 { "ah" } else { "esp" },
                                spis: spis.iter().map(|s| format!("0x{s:08x}")).collect(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Deletes an IPsec SA and its sibling of the same quick mode: a peer deleting its inbound
    /// SA drops the outbound one of the pair too (RFC 2408 §3.15 deletes "the SA", and IOS and
    /// strongSwan remove both directions).
    fn delete_ipsec_pair(&mut self, id: Id, frame: u64) {
        let Some(sa) = self.ipsec.get_mut(id) else {
            return;
        };
        sa.deleted.get_or_insert(frame);
        let (ike_sa, mid, tunnel) = (sa.ike_sa, sa.message_id, sa.tunnel);
        let (Some(ike_sa), Some(mid)) = (ike_sa, mid) else {
            return;
        };
        let siblings: Vec<Id> = self
            .tunnels
            .get(tunnel)
            .map(|t| t.ipsec_sas.clone())
            .unwrap_or_default();
        for sid in siblings {
            if let Some(s) = self.ipsec.get_mut(sid)
                && s.ike_sa == Some(ike_sa)
                && s.message_id == Some(mid)
            {
                s.deleted.get_or_insert(frame);
            }
        }
    }

    /// An informational exchange other than a phase-1 refusal implies an established SA.
    fn infer_phase1_complete_if_sensible(&mut self, id: Id, m: &IkeV1Input<'_, '_>) {
        if m.decrypted {
            // Only an authenticated SA can send encrypted informationals that decrypt with
            // its phase-1 keys in the unknown-phase-1 case.
            self.infer_phase1_complete(id, m.meta);
        }
    }

    fn informational_notify(
        &mut self,
        id: Id,
        sender: Role,
        n: &isakmp::NotifyPayload<'_>,
        meta: &PacketMeta,
    ) {
        let events = self.config.events;
        let max = self.config.max_transitions;
        let Some(sa) = self.ike.get_mut(id) else {
            return;
        };
        let t = n.notify_type;
        let name = t.name().unwrap_or("NOTIFY");
        match t {
            NotifyType::R_U_THERE | NotifyType::R_U_THERE_ACK => {
                if t == NotifyType::R_U_THERE {
                    sa.dpd.r_u_there += 1;
                } else {
                    sa.dpd.r_u_there_ack += 1;
                }
                if events {
                    let ev = Event::Dpd {
                        frame: meta.frame,
                        time: meta.ts,
                        ike_sa: sa.cookies(),
                        from: sa.endpoint(sender).addr.to_string(),
                        kind: name,
                        sequence: n.dpd_sequence(),
                    };
                    self.events.push(ev);
                }
            }
            _ if t.is_error() => {
                if sa.established.is_none() && sa.outcome.is_none() {
                    // Refusing phase 1 (e.g. NO_PROPOSAL_CHOSEN to MM1) or failing it.
                    let stage_is_auth = sa.phase1_seen[phase1_index(Phase1Msg::Mm5)].count > 0;
                    if !stage_is_auth
                        || t == NotifyType::AUTHENTICATION_FAILED
                        || t == NotifyType::INVALID_HASH_INFORMATION
                    {
                        let reason = format!("{name} from the {}", sender.name());
                        if !stage_is_auth {
                            sa.outcome = Some(Outcome::Failed {
                                frame: meta.frame,
                                reason: reason.clone(),
                            });
                        }
                        if events {
                            self.events.push(Event::IkeSaFailed {
                                frame: meta.frame,
                                time: meta.ts,
                                ike_sa: sa.cookies(),
                                conn_id: sa.conn_id,
                                reason,
                            });
                        }
                    }
                    return;
                }
                // Refusing a quick mode the other side started and this side never answered.
                let pending = sa.quick_modes.iter_mut().rev().find(|q| {
                    q.initiator != sender
                        && matches!(
                            q.outcome,
                            None | Some(QuickModeOutcome::RefusedUnread { .. })
                        )
                });
                if let Some(qm) = pending {
                    qm.outcome = Some(QuickModeOutcome::Refused {
                        frame: meta.frame,
                        notify: name,
                        notify_type: t.0,
                    });
                    let mid = qm.message_id;
                    for ike_role in [Role::Initiator, Role::Responder] {
                        let Some(qm) = sa.quick_modes.iter_mut().find(|q| q.message_id == mid)
                        else {
                            break;
                        };
                        let qm_role = if ike_role == qm.initiator {
                            Role::Initiator
                        } else {
                            Role::Responder
                        };
                        let cur = qm.state[ike_role as usize];
                        if let Some(to) = quick_mode_step(qm_role, cur, QuickModeEvent::Refused) {
                            qm.state[ike_role as usize] = to;
                            let from = StateName::QuickMode {
                                message_id: mid,
                                state: cur,
                            };
                            let to = StateName::QuickMode {
                                message_id: mid,
                                state: to,
                            };
                            record_transition(sa, max, meta, ike_role, from, to);
                        }
                    }
                    if events {
                        self.events.push(Event::QuickModeFailed {
                            frame: meta.frame,
                            time: meta.ts,
                            ike_sa: sa.cookies(),
                            conn_id: sa.conn_id,
                            message_id: format!("0x{mid:08x}"),
                            reason: format!("{name} from {}", sa.endpoint(sender).addr),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// Tracks one IKEv2 message (RFC 7296): IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA,
    /// INFORMATIONAL. The I flag names the original initiator; the R flag a response.
    pub fn ike_v2(&mut self, m: &IkeV2Input<'_, '_>) -> IkeNote {
        self.advance_clock(m.meta.ts);
        let h = m.header;
        let xt = h.exchange_type.0;
        let response = h.flags.is_response();
        let position = Position::V2 {
            exchange: xt,
            response,
        };
        let none = IkeNote {
            conn_id: 0,
            position,
            sender: None,
            retransmission: false,
        };
        let Some((id, sender)) = self.ike_sa_for_message(
            m.meta,
            2,
            h.initiator_spi,
            h.responder_spi,
            Some(h.flags.is_initiator()),
        ) else {
            return none;
        };
        let mid = h.message_id;
        let (max, max_qm, events) = (
            self.config.max_transitions,
            self.config.max_quick_modes,
            self.config.events,
        );
        let Some(sa) = self.ike.get_mut(id) else {
            return none;
        };
        sa.roles_known = true;
        if m.inner.is_some() {
            sa.decrypted += 1;
        } else if m.chain.payloads.iter().any(|p| {
            matches!(
                p.raw.payload_type,
                ikev2::PayloadType::SK | ikev2::PayloadType::SKF
            )
        }) {
            sa.undecrypted += 1;
        }
        // Retransmission: a (message ID, request/response) already seen on this SA (RFC 7296
        // §2.1: retransmissions repeat the message ID).
        let seen_key = (u64::from(mid) << 1) | u64::from(response);
        let retransmission = if xt == exchange_type::IKE_SA_INIT {
            sa.phase1_seen[usize::from(response)].count > 0
        } else {
            sa.v2_seen.contains(&seen_key)
        };
        if xt == exchange_type::IKE_SA_INIT {
            let seen = &mut sa.phase1_seen[usize::from(response)];
            if seen.count == 0 {
                seen.first_frame = m.meta.frame;
            }
            seen.count = seen.count.saturating_add(1);
            seen.last_frame = m.meta.frame;
        } else if !retransmission {
            push_bounded(&mut sa.v2_seen, seen_key, 128);
        }
        if retransmission {
            sa.retransmissions += 1;
        }
        // A child SA negotiation (IKE_AUTH, CREATE_CHILD_SA) is kept like a quick mode.
        let child_exchange = matches!(xt, exchange_type::IKE_AUTH | exchange_type::CREATE_CHILD_SA);
        if child_exchange && !response && !sa.quick_modes.iter().any(|q| q.message_id == mid) {
            if sa.quick_modes.len() >= max_qm {
                sa.quick_modes.remove(0);
                sa.quick_modes_dropped += 1;
            }
            sa.quick_modes.push(new_quick_mode(mid, sender, m.meta));
        }
        // What the payloads say, clear (IKE_SA_INIT) and decrypted (the rest).
        let mut notify_error: Option<(&'static str, u16)> = None;
        let mut child: Option<(Option<u32>, String)> = None;
        let mut ts: [Option<String>; 2] = [None, None];
        let mut has_auth = false;
        let mut delete_ike = false;
        let mut delete_spis: Vec<u32> = Vec::new();
        for p in m
            .chain
            .decoded()
            .chain(m.inner.into_iter().flat_map(|c| c.decoded()))
        {
            match p {
                ikev2::Payload::Sa(s) => {
                    let text: Vec<String> = s.proposals.iter().map(|p| p.to_string()).collect();
                    if xt == exchange_type::IKE_SA_INIT {
                        if response {
                            sa.detail_mut().v2_chosen = text.into_iter().next();
                        } else {
                            sa.detail_mut().v2_offered =
                                text.into_iter().take(MAX_OFFERS).collect();
                        }
                    } else if let Some(prop) = s.proposals.first() {
                        child = Some((prop.spi_u32(), prop.to_string()));
                    }
                }
                ikev2::Payload::IdI(idp) => {
                    sa.detail_mut().identity[0] = Some(idp.identity.to_string().into_boxed_str())
                }
                ikev2::Payload::IdR(idp) => {
                    sa.detail_mut().identity[1] = Some(idp.identity.to_string().into_boxed_str())
                }
                ikev2::Payload::Auth(_) => has_auth = true,
                ikev2::Payload::Notify(n) => {
                    let name = n.notify_type.name().unwrap_or("NOTIFY");
                    if n.notify_type.is_error() {
                        notify_error = Some((name, n.notify_type.0));
                        if sa.notifies().len() < MAX_NOTIFIES {
                            sa.detail_mut().notifies.push(NotifySeen {
                                frame: m.meta.frame,
                                from: sender,
                                exchange: xt,
                                notify_type: n.notify_type.0,
                                name,
                                decrypted: m.inner.is_some(),
                            });
                        }
                    }
                }
                ikev2::Payload::TsI(t) => ts[0] = t.selectors.first().map(ts_cisco),
                ikev2::Payload::TsR(t) => ts[1] = t.selectors.first().map(ts_cisco),
                ikev2::Payload::Delete(d) => {
                    if d.protocol_id == ikev2::ProtocolId::IKE {
                        delete_ike = true;
                    } else {
                        delete_spis.extend(d.spis_u32());
                    }
                }
                _ => {}
            }
        }
        if retransmission {
            return IkeNote {
                conn_id: sa.conn_id,
                position,
                sender: Some(sender),
                retransmission,
            };
        }
        // IKE SA states (docs/states.md, IKEv2).
        let mut steps: Vec<(Role, V2State)> = Vec::new();
        match (xt, response) {
            (exchange_type::IKE_SA_INIT, false) => {
                steps.push((Role::Initiator, V2State::IWaitInit))
            }
            (exchange_type::IKE_SA_INIT, true) if notify_error.is_none() => {
                steps.push((Role::Responder, V2State::RWaitAuth))
            }
            (exchange_type::IKE_AUTH, false) => steps.push((Role::Initiator, V2State::IWaitAuth)),
            // An IKE_AUTH response authenticates the SA unless it says otherwise; a refused
            // child SA (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE) still leaves the IKE SA up.
            (exchange_type::IKE_AUTH, true)
                if (has_auth || m.inner.is_none())
                    && notify_error.is_none_or(|(_, t)| t != NOTIFY_AUTHENTICATION_FAILED) =>
            {
                steps.push((Role::Responder, V2State::Ready));
                steps.push((Role::Initiator, V2State::Ready));
            }
            (exchange_type::INFORMATIONAL_V2, _) if delete_ike => {
                steps.push((Role::Initiator, V2State::Delete));
                steps.push((Role::Responder, V2State::Delete));
            }
            _ => {}
        }
        let mut new_events = Vec::new();
        for (role, to) in steps {
            let from = sa.v2_state[role as usize];
            if to > from {
                sa.v2_state[role as usize] = to;
                record_transition(
                    sa,
                    max,
                    m.meta,
                    role,
                    StateName::V2(from),
                    StateName::V2(to),
                );
                if events {
                    new_events.push(state_event(
                        sa,
                        m.meta,
                        role,
                        StateName::V2(from),
                        StateName::V2(to),
                        None,
                    ));
                }
            }
        }
        let fatal = match (xt, notify_error) {
            (exchange_type::IKE_SA_INIT, Some((name, _))) => Some(name),
            (exchange_type::IKE_AUTH, Some((name, NOTIFY_AUTHENTICATION_FAILED))) => Some(name),
            _ => None,
        };
        if let Some(name) = fatal
            && sa.established.is_none()
            && sa.outcome.is_none()
        {
            sa.outcome = Some(Outcome::Failed {
                frame: m.meta.frame,
                reason: format!("{name} from the {}", sender.name()),
            });
        }
        if delete_ike && sa.outcome.is_none() {
            sa.outcome = Some(Outcome::Deleted {
                frame: m.meta.frame,
                by: sender,
            });
        }
        let newly = sa.v2_state.contains(&V2State::Ready)
            && sa.established.is_none()
            && sa.outcome.is_none();
        if newly {
            sa.established = Some((m.meta.frame, m.meta.ts));
            if events {
                new_events.push(Event::IkeSaEstablished {
                    frame: m.meta.frame,
                    time: m.meta.ts,
                    ike_sa: sa.cookies(),
                    conn_id: sa.conn_id,
                    policy: sa.v2_chosen().unwrap_or_default().to_string(),
                });
            }
        }
        let conn_id = sa.conn_id;
        let tunnel = sa.tunnel;
        // Child SA: the request's SA carries the initiator's inbound SPI, the response's the
        // responder's (RFC 7296 §1.3, §3.3.1).
        let mut child_done = false;
        if child_exchange && let Some(q) = sa.quick_modes.iter_mut().find(|q| q.message_id == mid) {
            q.messages = q.messages.saturating_add(1);
            q.last_frame = m.meta.frame;
            q.decrypted |= m.inner.is_some();
            if !response {
                if let Some((spi, _)) = &child {
                    q.spi_initiator = *spi;
                }
                q.content_mut().proxy_initiator = ts[0].clone().map(String::into_boxed_str);
                q.content_mut().proxy_responder = ts[1].clone().map(String::into_boxed_str);
                q.state[q.initiator as usize] = QuickModeState::IkeQmIQm1;
            } else if let Some((name, t)) = notify_error.filter(|_| q.outcome.is_none()) {
                q.outcome = Some(QuickModeOutcome::Refused {
                    frame: m.meta.frame,
                    notify: name,
                    notify_type: t,
                });
                q.state = [QuickModeState::IkeQmFailed; 2];
            } else if let Some((spi, text)) = &child {
                q.spi_responder = *spi;
                q.content_mut().transform_text = Some(text.clone());
                q.state = [QuickModeState::IkeQmPhase2Complete; 2];
                q.outcome = Some(QuickModeOutcome::Complete {
                    frame: m.meta.frame,
                });
                child_done = true;
            } else if m.inner.is_none() && xt == exchange_type::IKE_AUTH {
                // Unread IKE_AUTH response: the child SA is assumed up (its SPIs come from the
                // wire and are linked as inferred).
                q.state = [QuickModeState::IkeQmPhase2Complete; 2];
                q.outcome = Some(QuickModeOutcome::Complete {
                    frame: m.meta.frame,
                });
            }
        }
        self.events.extend(new_events);
        if newly && let Some(t) = self.tunnels.get_mut(tunnel) {
            t.established_count += 1;
        }
        if child_done {
            self.v2_child_done(id, mid, m.meta);
        }
        if self.config.events
            && (delete_ike || !delete_spis.is_empty())
            && let Some(sa) = self.ike.get(id)
        {
            let (ike_sa, by) = (sa.cookies(), m.meta.src.to_string());
            if !delete_spis.is_empty() {
                self.events.push(Event::Delete {
                    frame: m.meta.frame,
                    time: m.meta.ts,
                    ike_sa: ike_sa.clone(),
                    by: by.clone(),
                    protocol: "esp",
                    spis: delete_spis.iter().map(|s| format!("0x{s:08x}")).collect(),
                });
            }
            if delete_ike {
                self.events.push(Event::Delete {
                    frame: m.meta.frame,
                    time: m.meta.ts,
                    ike_sa,
                    by,
                    protocol: "isakmp",
                    spis: Vec::new(),
                });
            }
        }
        for spi in delete_spis {
            if let Some(sid) = self.ipsec.find(&(m.meta.src, spi, 50)) {
                self.delete_ipsec_pair(sid, m.meta.frame);
            }
        }
        if delete_ike {
            // RFC 7296 §1.4.1: deleting an IKE SA implicitly closes its Child SAs (unlike
            // IKEv1, where IPsec SAs outlive their ISAKMP SA).
            let children: Vec<Id> = self
                .tunnels
                .get(tunnel)
                .map(|t| t.ipsec_sas.clone())
                .unwrap_or_default();
            for sid in children {
                if let Some(s) = self.ipsec.get_mut(sid)
                    && s.ike_sa == Some(id)
                {
                    s.deleted.get_or_insert(m.meta.frame);
                }
            }
        }
        IkeNote {
            conn_id,
            position,
            sender: Some(sender),
            retransmission,
        }
    }

    fn v2_child_done(&mut self, id: Id, mid: u32, meta: &PacketMeta) {
        let Some(sa) = self.ike.get(id) else { return };
        let Some(q) = sa.quick_modes.iter().find(|q| q.message_id == mid).cloned() else {
            return;
        };
        if q.spi_initiator.is_none() || q.spi_responder.is_none() {
            return;
        }
        let (i, r, conn_id) = (
            sa.endpoint(q.initiator).addr,
            sa.endpoint(q.initiator.other()).addr,
            sa.conn_id,
        );
        self.install_negotiated(id, conn_id, &q, i, r, 50, meta);
    }

    // ---------------------------------------------------------------- ESP / AH

    fn ipsec_sa_for(
        &mut self,
        spi: u32,
        protocol: u8,
        src: IpAddr,
        dst: IpAddr,
        meta: &PacketMeta,
    ) -> Id {
        if let Some(id) = self.ipsec.find(&(dst, spi, protocol)) {
            return id;
        }
        let tunnel = self.tunnel_for(src, dst, meta.ts);
        let sa = IpsecSa {
            spi,
            protocol,
            src,
            dst,
            encap: None,
            ike_sa: None,
            conn_id: None,
            message_id: None,
            negotiation: None,
            first_seen: None,
            last_seen: None,
            first_frame: 0,
            last_frame: 0,
            packets: 0,
            bytes: 0,
            decrypted: 0,
            inner_bytes: 0,
            decrypt_failures: 0,
            icv_failures: 0,
            seq: SequenceStats::default(),
            deleted: None,
            tunnel,
        };
        let (id, _evicted) = self.ipsec.insert(sa);
        self.stats.ipsec_sas_created += 1;
        if let Some(t) = self.tunnels.get_mut(tunnel) {
            push_bounded(&mut t.ipsec_sas, id, 1024);
        }
        id
    }

    /// Tracks one ESP (50) or AH (51) packet.
    pub fn esp(
        &mut self,
        meta: &PacketMeta,
        protocol: u8,
        spi: u32,
        sequence: u32,
        check: EspCheck,
    ) {
        self.advance_clock(meta.ts);
        let known = self.ipsec.find(&(meta.dst, spi, protocol));
        let id = match known {
            Some(id) => id,
            None => {
                let id = self.ipsec_sa_for(spi, protocol, meta.src, meta.dst, meta);
                self.link_inferred(id, meta);
                id
            }
        };
        let events = self.config.events;
        let Some(sa) = self.ipsec.get_mut(id) else {
            return;
        };
        let first = sa.packets == 0;
        sa.packets += 1;
        sa.bytes += meta.len as u64;
        sa.first_seen.get_or_insert(meta.ts);
        sa.last_seen = Some(meta.ts);
        if first {
            sa.first_frame = meta.frame;
        }
        sa.last_frame = meta.frame;
        if meta.transport == Transport::UdpNatT && sa.encap.is_none() {
            sa.encap = Some((meta.src_port, meta.dst_port));
        }
        sa.seq.observe(u64::from(sequence));
        match check {
            EspCheck::NoKeys => {}
            EspCheck::Ok { inner_len } => {
                sa.decrypted += 1;
                sa.inner_bytes += inner_len as u64;
            }
            EspCheck::IcvFailed => sa.icv_failures += 1,
            EspCheck::DecryptFailed => sa.decrypt_failures += 1,
        }
        let tunnel = sa.tunnel;
        let first_event = (first && events).then(|| Event::SpiFirstSeen {
            frame: meta.frame,
            time: meta.ts,
            spi: format!("0x{spi:08x}"),
            protocol: if protocol == 51 { "ah" } else { "esp" },
            src: meta.src.to_string(),
            dst: meta.dst.to_string(),
            negotiated: sa.negotiated(),
            ike_sa: sa.ike_sa.and_then(|i| self.ike.get(i)).map(IkeSa::cookies),
        });
        if let Some(e) = first_event {
            self.events.push(e);
        }
        // Tunnel totals are summed from the SAs when read (`Tracker::traffic`): the per-packet
        // path touches nothing else, except the dashboard's per-second rates.
        if self.config.rates
            && let Some(t) = self.tunnels.get_mut(tunnel)
        {
            let dir = t.side_of(meta.src);
            t.rates
                .get_or_insert_with(|| Box::new(RateHistory::new(meta.ts.secs)))
                .add(meta.ts.secs, dir);
        }
    }

    /// An SPI first seen on the wire: link it to the tunnel's IKE SA, and to a quick mode that
    /// completed without readable SPIs in this direction (by time: the latest such).
    fn link_inferred(&mut self, id: Id, meta: &PacketMeta) {
        let Some(sa) = self.ipsec.get(id) else { return };
        let tunnel = sa.tunnel;
        let Some(t) = self.tunnels.get(tunnel) else {
            return;
        };
        let mut best: Option<(Id, u64)> = None;
        for ike_id in &t.ike_sas {
            let Some(ike) = self.ike.get(*ike_id) else {
                continue;
            };
            if ike.outcome.is_some() && !matches!(ike.outcome, Some(Outcome::Deleted { .. })) {
                continue;
            }
            let at = ike.established.map_or(ike.first_frame, |(f, _)| f);
            if at <= meta.frame && best.is_none_or(|(_, f)| at >= f) {
                best = Some((*ike_id, at));
            }
        }
        let Some((ike_id, _)) = best else { return };
        let Some(ike) = self.ike.get_mut(ike_id) else {
            return;
        };
        let conn_id = ike.conn_id;
        // Which role receives: the SPI belongs to the receiver (dst).
        let receiver = if meta.dst == ike.initiator.addr {
            Role::Initiator
        } else {
            Role::Responder
        };
        let mut message_id = None;
        for q in ike.quick_modes.iter_mut().rev() {
            if !matches!(q.outcome, Some(QuickModeOutcome::Complete { .. })) {
                continue;
            }
            let slot = if receiver == q.initiator {
                &mut q.spi_initiator
            } else {
                &mut q.spi_responder
            };
            if slot.is_none() {
                *slot = Some(sa_spi(&self.ipsec, id));
                message_id = Some(q.message_id);
                break;
            }
        }
        if let Some(s) = self.ipsec.get_mut(id) {
            s.ike_sa = Some(ike_id);
            s.conn_id = Some(conn_id);
            s.message_id = message_id;
        }
    }

    /// A NAT-T keepalive (RFC 3948 §2.3): the sender is behind a NAT.
    pub fn nat_keepalive(&mut self, meta: &PacketMeta) {
        self.advance_clock(meta.ts);
        let tunnel = self.tunnel_for(meta.src, meta.dst, meta.ts);
        if let Some(t) = self.tunnels.get_mut(tunnel) {
            t.nat_keepalives += 1;
        }
    }
}

/// RFC 7296 §3.3: AUTHENTICATION_FAILED.
const NOTIFY_AUTHENTICATION_FAILED: u16 = 24;

/// A traffic selector as `show crypto ipsec sa` prints an ident: (addr/mask/prot/port).
fn ts_cisco(ts: &ikev2::TrafficSelector<'_>) -> String {
    match ts {
        ikev2::TrafficSelector::AddressRange(r) => {
            let addr = match (r.prefix_len(), r.start) {
                (Some(len), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
                    format!("{a}/{}", std::net::Ipv4Addr::from(mask))
                }
                (Some(len), IpAddr::V6(a)) => format!("{a}/{len}"),
                (None, _) => format!("{}-{}", r.start, r.end),
            };
            let port = if r.start_port == r.end_port {
                r.start_port
            } else {
                0
            };
            format!("({addr}/{}/{port})", r.ip_protocol)
        }
        other => format!("({other})"),
    }
}

fn sa_spi(table: &Table<IpsecSa>, id: Id) -> u32 {
    table.get(id).map_or(0, |s| s.spi)
}

fn new_quick_mode(message_id: u32, sender: Role, meta: &PacketMeta) -> QuickMode {
    QuickMode {
        message_id,
        initiator: sender,
        order: exchange::QuickModeOrder::default(),
        state: [QuickModeState::IkeQmReady; 2],
        first_frame: meta.frame,
        last_frame: meta.frame,
        first_seen: meta.ts,
        messages: 0,
        retransmissions: 0,
        spi_initiator: None,
        spi_responder: None,
        pfs: false,
        decrypted: false,
        outcome: None,
        content: None,
    }
}

/// Reads what a decrypted quick-mode message says: SA proposals (SPI per proposal: RFC 2408
/// §3.5), proxy IDs (IDci then IDcr, RFC 2409 §5.5), KE (PFS).
fn learn_quick_mode_payloads(qm: &mut QuickMode, msg: QuickModeMsg, chain: &V1Chain<'_>) {
    let mut ids = 0;
    for p in chain.decoded() {
        match p {
            Payload::Sa(sa) => {
                let mut offers = Vec::new();
                for prop in sa.proposals().flatten() {
                    let spi = prop.spi_u32().unwrap_or(0);
                    for t in prop.transforms().flatten() {
                        if let Ok(policy) = t.ipsec_policy() {
                            offers.push((spi, policy));
                        }
                    }
                }
                match msg {
                    QuickModeMsg::Qm1 => {
                        qm.spi_initiator = offers.first().map(|(s, _)| *s);
                        offers.truncate(MAX_OFFERS);
                        qm.content_mut().offered = offers;
                    }
                    QuickModeMsg::Qm2 => {
                        qm.spi_responder = offers.first().map(|(s, _)| *s);
                        qm.content_mut().chosen = offers.into_iter().next().map(|(_, p)| p);
                    }
                    QuickModeMsg::Qm3 => {}
                }
            }
            Payload::Identification(idp) if msg == QuickModeMsg::Qm1 => {
                let text = idp.cisco_proxy().into_boxed_str();
                if ids == 0 {
                    qm.content_mut().proxy_initiator = Some(text);
                } else {
                    qm.content_mut().proxy_responder = Some(text);
                }
                ids += 1;
            }
            Payload::KeyExchange(_) => qm.pfs = true,
            _ => {}
        }
    }
}

fn phase1_index(m: Phase1Msg) -> usize {
    m as usize
}

fn push_bounded<T>(v: &mut Vec<T>, x: T, cap: usize) {
    if v.len() >= cap {
        v.remove(0);
    }
    v.push(x);
}

fn record_transition(
    sa: &mut IkeSa,
    max: usize,
    meta: &PacketMeta,
    side: Role,
    from: StateName,
    to: StateName,
) {
    if sa.transitions.len() >= max {
        sa.transitions_dropped += 1;
        return;
    }
    if sa.transitions.len() == sa.transitions.capacity() {
        // Grow by small steps: a main mode and one quick mode make about twenty transitions,
        // and doubling would leave most SAs with room for forty.
        sa.transitions.reserve_exact(8);
    }
    sa.transitions
        .push(Transition::new(meta.frame, meta.ts, side, from, to));
}

fn state_event(
    sa: &IkeSa,
    meta: &PacketMeta,
    role: Role,
    from: StateName,
    to: StateName,
    message_id: Option<u32>,
) -> Event {
    Event::StateChange {
        frame: meta.frame,
        time: meta.ts,
        ike_sa: sa.cookies(),
        conn_id: sa.conn_id,
        peer: sa.endpoint(role).addr.to_string(),
        role: role.name(),
        from: from.name(),
        to: to.name(),
        isakmp_state: match to {
            StateName::Phase1(s) => Some(s.isakmp_state().name()),
            _ => None,
        },
        message_id: message_id.map(|m| format!("0x{m:08x}")),
    }
}
