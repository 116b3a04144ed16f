//! `ikescope report`: the tables a router would show — `show crypto isakmp sa`, `show crypto
//! ipsec sa`, `show crypto session` — from either peer's side, the state transitions as a
//! passive `debug crypto isakmp` transcript, and the diagnoses. `--json` gives one document.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;

use serde_json::{Value, json};

use super::cli::ReportArgs;
use super::format::rfc3339;
use super::progress::Progress;
use super::{
    AppError, count_reached, live_stats_line, load_keys, next_frame_or_stop, open_input, summary,
    tracker_config,
};
use crate::capture::Timestamp;
use crate::pipeline::{Pipeline, Tracking};
use crate::track::diagnosis::Diagnosis;
use crate::track::model::{IkeSa, IpsecSa, Outcome, QuickModeOutcome, StateName, Tunnel};
use crate::track::states::Role;
use crate::track::{Id, Tracker};

pub fn run(args: &ReportArgs) -> Result<(), AppError> {
    let keys = load_keys(&args.keys)?;
    let as_peer =
        match &args.as_peer {
            Some(p) => Some(p.parse::<IpAddr>().map_err(|_| {
                AppError::Input(format!("--as takes a peer's IP address, not {p:?}"))
            })?),
            None => None,
        };
    let mut source = open_input(&args.input)?;
    let mut pipeline = Pipeline::new(keys, tracker_config(&args.limits, false), Tracking::Full);
    let mut deferred = None;
    let mut progress = Progress::new(&source);
    let (mut frames, mut seen) = (0u64, 0u64);
    loop {
        progress.update(&source, frames);
        frames += 1;
        let Some(frame) = next_frame_or_stop(&mut source, &mut deferred) else {
            break;
        };
        if pipeline.process(&frame).is_some() {
            seen += 1;
        }
        if count_reached(&args.input, seen) {
            break;
        }
    }
    progress.done();
    pipeline.finish();
    let t = &pipeline.tracker;
    if let Some(p) = as_peer
        && !t.tunnels().any(|(_, tn)| tn.peers.contains(&p))
    {
        let peers: Vec<String> = t
            .tunnels()
            .flat_map(|(_, tn)| tn.peers)
            .map(|a| a.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        return Err(AppError::Input(format!(
            "--as {p}: not a peer in this capture; peers are: {}",
            if peers.is_empty() {
                "none".into()
            } else {
                peers.join(", ")
            }
        )));
    }
    let diagnoses = t.diagnoses();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if args.json {
        write_json(&mut out, &pipeline, &diagnoses, as_peer)?;
    } else {
        write_text(&mut out, t, &diagnoses, as_peer)?;
    }
    out.flush()?;
    drop(out);
    let live = live_stats_line(&mut source);
    summary::print(&pipeline, live.as_deref());
    match deferred {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Whether a diagnosis belongs in the report `--as` this peer: its tunnel ("A <-> B") has the
/// peer as one of its two ends, compared as addresses (192.0.2.1 is not 192.0.2.10).
fn concerns(d: &Diagnosis, as_peer: Option<IpAddr>) -> bool {
    tunnel_has_end(&d.tunnel, as_peer)
}

fn tunnel_has_end(tunnel: &str, as_peer: Option<IpAddr>) -> bool {
    as_peer.is_none_or(|p| {
        tunnel
            .split(" <-> ")
            .any(|end| end.trim().parse::<IpAddr>() == Ok(p))
    })
}

/// The peers whose side the tables are shown from.
fn viewpoints(by_peer: &ByPeer, as_peer: Option<IpAddr>) -> Vec<IpAddr> {
    match as_peer {
        Some(p) => vec![p],
        None => {
            let mut v: Vec<IpAddr> = by_peer.tunnels.keys().copied().collect();
            v.sort();
            v
        }
    }
}

fn role_of(sa: &IkeSa, addr: IpAddr) -> Option<Role> {
    if sa.initiator.addr == addr {
        Some(Role::Initiator)
    } else if sa.responder.addr == addr {
        Some(Role::Responder)
    } else {
        None
    }
}

fn time_of_day(ts: Timestamp) -> String {
    let s = rfc3339(ts);
    s.get(11..26).unwrap_or(&s).to_string()
}

/// Which SAs and tunnels each peer address takes part in: built once, so the per-peer tables
/// cost what they show rather than a scan of everything per peer.
#[derive(Default)]
struct ByPeer {
    ike: HashMap<IpAddr, Vec<Id>>,
    ipsec: HashMap<IpAddr, Vec<Id>>,
    tunnels: HashMap<IpAddr, Vec<Id>>,
}

impl ByPeer {
    fn new(t: &Tracker) -> ByPeer {
        let mut b = ByPeer::default();
        for (id, sa) in t.ike_sas() {
            for addr in [sa.initiator.addr, sa.responder.addr] {
                b.ike.entry(addr).or_default().push(id);
            }
        }
        for (id, sa) in t.ipsec_sas() {
            for addr in [sa.src, sa.dst] {
                b.ipsec.entry(addr).or_default().push(id);
            }
        }
        for (id, tn) in t.tunnels() {
            for addr in tn.peers {
                b.tunnels.entry(addr).or_default().push(id);
            }
        }
        b
    }

    fn of(map: &HashMap<IpAddr, Vec<Id>>, peer: IpAddr) -> &[Id] {
        map.get(&peer).map_or(&[], Vec::as_slice)
    }
}

/// The whole text report, written section by section (never held whole in memory).
pub fn write_text(
    out: &mut dyn Write,
    t: &Tracker,
    diagnoses: &[Diagnosis],
    as_peer: Option<IpAddr>,
) -> io::Result<()> {
    let now = t.now();
    let by_peer = ByPeer::new(t);
    let mut section = String::new();
    for peer in viewpoints(&by_peer, as_peer) {
        section.clear();
        let _ = writeln!(
            section,
            "==================== as seen by {peer} ====================\n"
        );
        show_isakmp_sa(&mut section, t, peer, ByPeer::of(&by_peer.ike, peer));
        show_ipsec_sa(&mut section, t, peer, now, ByPeer::of(&by_peer.ipsec, peer));
        show_session(&mut section, t, peer, ByPeer::of(&by_peer.tunnels, peer));
        out.write_all(section.as_bytes())?;
    }
    out.write_all(b"==================== IKE SA details ====================\n\n")?;
    for (_, sa) in t.ike_sas() {
        if as_peer.is_some_and(|p| role_of(sa, p).is_none()) {
            continue;
        }
        section.clear();
        ike_details(&mut section, sa, now);
        transcript(&mut section, sa, as_peer);
        out.write_all(section.as_bytes())?;
    }
    section.clear();
    let out_text = &mut section;
    let _ = writeln!(
        out_text,
        "==================== diagnoses ====================\n"
    );
    let relevant: Vec<&Diagnosis> = diagnoses.iter().filter(|d| concerns(d, as_peer)).collect();
    if relevant.is_empty() {
        let _ = writeln!(out_text, "No problems found.\n");
    }
    for d in relevant {
        diagnosis_text(out_text, d);
    }
    out.write_all(section.as_bytes())
}

fn show_isakmp_sa(out: &mut String, t: &Tracker, peer: IpAddr, ids: &[Id]) {
    let _ = writeln!(out, "{peer}# show crypto isakmp sa");
    let v6 = peer.is_ipv6();
    let _ = writeln!(out, "{} Crypto ISAKMP SA", if v6 { "IPv6" } else { "IPv4" });
    let _ = writeln!(
        out,
        "{:<40} {:<40} {:<14} {:>7} status",
        "dst", "src", "state", "conn-id"
    );
    let mut any = false;
    for sa in ids.iter().filter_map(|i| t.ike_sa(*i)) {
        let Some(role) = role_of(sa, peer) else {
            continue;
        };
        let Some(state) = (if sa.version == 2 {
            sa.side_seen[role as usize].then(|| sa.overall_state())
        } else {
            sa.isakmp_state(role).map(|s| s.name().to_string())
        }) else {
            continue;
        };
        any = true;
        let status = match &sa.outcome {
            Some(Outcome::Deleted { .. }) => "(deleted)",
            Some(Outcome::Failed { .. } | Outcome::Abandoned { .. }) => "(failed)",
            None if sa.is_established() => "ACTIVE",
            None => "(negotiating)",
        };
        let _ = writeln!(
            out,
            "{:<40} {:<40} {:<14} {:>7} {status}{}",
            sa.responder.addr.to_string(),
            sa.initiator.addr.to_string(),
            state,
            sa.conn_id,
            if sa.version == 2 { "  (IKEv2)" } else { "" }
        );
    }
    if !any {
        let _ = writeln!(out, "(no IKE SA on this peer)");
    }
    out.push('\n');
}

fn transform_text(sa: &IpsecSa) -> String {
    sa.policy().map_or_else(
        || "unknown (not negotiated in the capture, or not decrypted)".to_string(),
        ToString::to_string,
    )
}

/// The inbound and outbound SAs of one group (peer and proxies).
type InOut<'a> = (Vec<&'a IpsecSa>, Vec<&'a IpsecSa>);

fn show_ipsec_sa(out: &mut String, t: &Tracker, peer: IpAddr, now: Timestamp, ids: &[Id]) {
    let _ = writeln!(out, "{peer}# show crypto ipsec sa");
    // Group the SAs touching this peer by (remote peer, local ident, remote ident).
    let mut groups: BTreeMap<(IpAddr, String, String), InOut<'_>> = BTreeMap::new();
    for sa in ids.iter().filter_map(|i| t.ipsec_sa(*i)) {
        let (remote, inbound) = if sa.dst == peer {
            (sa.src, true)
        } else if sa.src == peer {
            (sa.dst, false)
        } else {
            continue;
        };
        // Inbound SAs carry the receiver's view of the proxies already; outbound ones the
        // receiver's (the peer's), so swap them for this peer.
        let (local, rem) = if inbound {
            (sa.local_ident(), sa.remote_ident())
        } else {
            (sa.remote_ident(), sa.local_ident())
        };
        let key = (
            remote,
            local.map_or_else(|| "?".into(), |s| s.to_string()),
            rem.map_or_else(|| "?".into(), |s| s.to_string()),
        );
        let g = groups.entry(key).or_default();
        if inbound {
            g.0.push(sa);
        } else {
            g.1.push(sa);
        }
    }
    if groups.is_empty() {
        let _ = writeln!(out, "(no IPsec SA on this peer)\n");
        return;
    }
    for ((remote, local_ident, remote_ident), (inbound, outbound)) in groups {
        let _ = writeln!(out, "   local  ident (addr/mask/prot/port): {local_ident}");
        let _ = writeln!(out, "   remote ident (addr/mask/prot/port): {remote_ident}");
        let port = inbound
            .iter()
            .chain(outbound.iter())
            .find_map(|s| s.encap)
            .map_or(500, |(_, d)| d.max(500));
        let _ = writeln!(out, "   current_peer {remote} port {port}");
        let encaps: u64 = outbound.iter().map(|s| s.packets).sum();
        let decaps: u64 = inbound.iter().map(|s| s.packets).sum();
        let keyed_in = inbound
            .iter()
            .any(|s| s.decrypted + s.icv_failures + s.decrypt_failures > 0);
        let decrypted: u64 = inbound.iter().map(|s| s.decrypted).sum();
        let verify_failed: u64 = inbound.iter().map(|s| s.icv_failures).sum();
        let decrypt_failed: u64 = inbound.iter().map(|s| s.decrypt_failures).sum();
        let replays: u64 = inbound.iter().map(|s| s.seq.replays).sum();
        let gaps: u64 = inbound.iter().map(|s| s.seq.missing).sum();
        let ooo: u64 = inbound.iter().map(|s| s.seq.out_of_order).sum();
        let _ = writeln!(
            out,
            "    #pkts encaps: {encaps}, #pkts encrypt: {encaps}, #pkts digest: {encaps}"
        );
        if keyed_in {
            let _ = writeln!(
                out,
                "    #pkts decaps: {decaps}, #pkts decrypt: {decrypted}, #pkts verify: {}",
                decaps.saturating_sub(verify_failed)
            );
        } else {
            let _ = writeln!(
                out,
                "    #pkts decaps: {decaps}, #pkts decrypt: -, #pkts verify: -  (no keys: not checked)"
            );
        }
        let _ = writeln!(
            out,
            "    #pkts decrypt failed: {decrypt_failed}, #pkts verify failed: {verify_failed}, #pkts replay failed: {replays}"
        );
        let _ = writeln!(
            out,
            "    #pkts missing (sequence gaps): {gaps}, #pkts out of order: {ooo}\n"
        );
        let _ = writeln!(
            out,
            "     local crypto endpt.: {peer}, remote crypto endpt.: {remote}"
        );
        let current_out = outbound
            .iter()
            .filter(|s| s.is_alive())
            .max_by_key(|s| s.last_frame.max(s.established().map_or(0, |e| e.0)));
        let _ = writeln!(
            out,
            "     current outbound spi: {}\n",
            current_out.map_or("0x0(0)".into(), |s| format!("0x{:X}({})", s.spi, s.spi))
        );
        for (title, list) in [("inbound", &inbound), ("outbound", &outbound)] {
            for proto in [50u8, 51] {
                let name = if proto == 50 { "esp" } else { "ah" };
                let _ = writeln!(out, "     {title} {name} sas:");
                for sa in list.iter().filter(|s| s.protocol == proto) {
                    sa_block(out, sa, now);
                }
                out.push('\n');
            }
        }
    }
}

fn sa_block(out: &mut String, sa: &IpsecSa, now: Timestamp) {
    let _ = writeln!(out, "      spi: 0x{:X}({})", sa.spi, sa.spi);
    let _ = writeln!(out, "        transform: {} ,", transform_text(sa));
    let mode = sa
        .policy()
        .as_ref()
        .and_then(|p| p.encapsulation_mode)
        .map_or("?".to_string(), |m| m.to_string());
    let _ = writeln!(out, "        in use settings ={{{mode}, }}");
    match (sa.conn_id, sa.message_id, sa.established()) {
        (Some(c), Some(m), Some((f, _))) => {
            let _ = writeln!(
                out,
                "        conn id: {c}, quick mode {m:08x}, negotiated in frame {f}"
            );
        }
        (Some(c), _, _) => {
            let _ = writeln!(
                out,
                "        conn id: {c} (inferred: linked to its IKE SA by addresses and time)"
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "        conn id: none (no IKE SA for it in the capture: inferred)"
            );
        }
    }
    let (secs, kb) = sa.remaining_lifetime(now);
    let _ = writeln!(
        out,
        "        sa timing: remaining key lifetime (k/sec): ({}/{})",
        kb.map_or("-".into(), |k| k.to_string()),
        secs.map_or("-".into(), |s| s.to_string())
    );
    if let Some(p) = &sa.policy()
        && let Some((enc, _, _)) = p.esp_algs()
    {
        let _ = writeln!(out, "        IV size: {} bytes", enc.iv_len());
    }
    let _ = writeln!(out, "        replay detection support: Y");
    let _ = writeln!(
        out,
        "        packets: {}, bytes on the wire: {}{}{}{}",
        sa.packets,
        sa.bytes,
        if sa.decrypted > 0 {
            format!(
                ", decrypted {} ({} inner bytes)",
                sa.decrypted, sa.inner_bytes
            )
        } else {
            String::new()
        },
        sa.encap.map_or(String::new(), |(s, d)| format!(
            ", UDP-encapsulated {s}->{d}"
        )),
        sa.deleted
            .map_or(String::new(), |f| format!(", DELETED in frame {f}"))
    );
    let _ = writeln!(
        out,
        "        Status: {}",
        if sa.is_alive() { "ACTIVE" } else { "DELETED" }
    );
}

fn show_session(out: &mut String, t: &Tracker, peer: IpAddr, ids: &[Id]) {
    let _ = writeln!(out, "{peer}# show crypto session");
    let mut any = false;
    for tn in ids.iter().filter_map(|i| t.tunnel(*i)) {
        any = true;
        let remote = if tn.peers[0] == peer {
            tn.peers[1]
        } else {
            tn.peers[0]
        };
        let s = t.session(tn);
        let _ = writeln!(out, "Session status: {}", s.status);
        let _ = writeln!(out, "Peer: {remote}");
        for id in &tn.ike_sas {
            if let Some(sa) = t.ike_sa(*id) {
                let state = if sa.is_established() {
                    "Active"
                } else if sa.is_negotiating() {
                    "Negotiating"
                } else {
                    "Inactive"
                };
                let (local, rem) = if sa.initiator.addr == peer {
                    (sa.initiator, sa.responder)
                } else {
                    (sa.responder, sa.initiator)
                };
                let _ = writeln!(
                    out,
                    "  IKEv{} SA: local {}/{} remote {}/{} {state}",
                    sa.version, local.addr, local.port, rem.addr, rem.port
                );
            }
        }
        let mut flows: BTreeMap<String, usize> = BTreeMap::new();
        for id in &tn.ipsec_sas {
            if let Some(sa) = t.ipsec_sa(*id)
                && sa.is_alive()
            {
                let (l, r) = if sa.dst == peer {
                    (&sa.local_ident(), &sa.remote_ident())
                } else {
                    (&sa.remote_ident(), &sa.local_ident())
                };
                let flow = format!(
                    "permit ip {} {}",
                    l.as_deref().unwrap_or("?"),
                    r.as_deref().unwrap_or("?")
                );
                *flows.entry(flow).or_default() += 1;
            }
        }
        for (flow, n) in flows {
            let _ = writeln!(out, "  IPSEC FLOW: {flow}\n        Active SAs: {n}");
        }
        out.push('\n');
    }
    if !any {
        let _ = writeln!(out, "(no session)\n");
    }
}

fn ike_details(out: &mut String, sa: &IkeSa, now: Timestamp) {
    let policy = if sa.version == 2 {
        sa.v2_chosen().unwrap_or_default().to_string()
    } else {
        sa.chosen.map(|p| p.to_string()).unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "conn-id {}  {}  IKEv{} {} mode  {}",
        sa.conn_id,
        sa.cookies(),
        sa.version,
        sa.mode.name(),
        policy
    );
    for role in [Role::Initiator, Role::Responder] {
        let ep = sa.endpoint(role);
        let state = if sa.version == 2 {
            format!(
                "{} ({})",
                sa.v2_state[role as usize].status(),
                sa.v2_state[role as usize].name()
            )
        } else {
            match sa.isakmp_state(role) {
                Some(s) => format!("{} ({})", s.name(), sa.state[role as usize].name()),
                None => "no SA (never answered)".into(),
            }
        };
        let _ = writeln!(
            out,
            "  {:<9} {}{}  state {state}",
            role.name(),
            super::format::endpoint(ep.addr, ep.port),
            sa.identity(role)
                .map_or(String::new(), |i| format!(" id {i}"))
        );
    }
    if !sa.offered().is_empty() {
        let offers: Vec<String> = sa.offered().iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "  offered: {}", offers.join(", "));
    }
    let _ = writeln!(
        out,
        "  first seen {} (frame {}), last seen {} (frame {}), messages {}/{}, retransmissions {}",
        time_of_day(sa.first_seen),
        sa.first_frame,
        time_of_day(sa.last_seen),
        sa.last_frame,
        sa.messages[0],
        sa.messages[1],
        sa.retransmissions
    );
    if let Some(rem) = sa.remaining_lifetime(now) {
        let _ = writeln!(out, "  lifetime remaining: {rem} s");
    }
    if let Some(f) = sa.nat_t_float {
        let _ = writeln!(out, "  NAT-T: floated to UDP 4500 in frame {f}");
    }
    if let Some([i, r]) = sa.nat_behind
        && (i || r)
    {
        let who: Vec<&str> = [(i, "initiator"), (r, "responder")]
            .iter()
            .filter(|x| x.0)
            .map(|x| x.1)
            .collect();
        let _ = writeln!(
            out,
            "  NAT detected (NAT-D) in front of the {}",
            who.join(" and the ")
        );
    }
    if sa.dpd.r_u_there + sa.dpd.r_u_there_ack > 0 {
        let _ = writeln!(
            out,
            "  DPD: {} R-U-THERE, {} R-U-THERE-ACK",
            sa.dpd.r_u_there, sa.dpd.r_u_there_ack
        );
    }
    if sa.undecrypted > 0 {
        let _ = writeln!(
            out,
            "  {} encrypted message(s) not decrypted, {} decrypted (no keys given, or keys that do not fit: `ikescope keys` tells which)",
            sa.undecrypted, sa.decrypted
        );
    }
    for role in [Role::Initiator, Role::Responder] {
        if !sa.vendors(role).is_empty() {
            let _ = writeln!(
                out,
                "  {} vendor IDs: {}",
                role.name(),
                sa.vendors(role).join(", ")
            );
        }
    }
    match &sa.outcome {
        Some(Outcome::Failed { frame, reason }) => {
            let _ = writeln!(out, "  FAILED in frame {frame}: {reason}");
        }
        Some(Outcome::Abandoned { frame }) => {
            let _ = writeln!(out, "  abandoned after frame {frame} (no answer)");
        }
        Some(Outcome::Deleted { frame, by }) => {
            let _ = writeln!(out, "  deleted by the {} in frame {frame}", by.name());
        }
        None => {}
    }
    for q in &sa.quick_modes {
        let outcome = match &q.outcome {
            Some(QuickModeOutcome::Complete { frame }) => format!("complete (frame {frame})"),
            Some(QuickModeOutcome::Refused { frame, notify, .. }) => {
                format!("REFUSED with {notify} (frame {frame})")
            }
            Some(QuickModeOutcome::RefusedUnread { frame }) => {
                format!("REFUSED (encrypted reply, frame {frame})")
            }
            None => "incomplete".into(),
        };
        let _ = writeln!(
            out,
            "  quick mode {:08x} by the {}: {outcome}{}{}{}",
            q.message_id,
            q.initiator.name(),
            q.chosen()
                .as_ref()
                .map_or(String::new(), |p| format!(", {p}")),
            [q.spi_initiator, q.spi_responder]
                .iter()
                .flatten()
                .map(|s| format!(" 0x{s:08x}"))
                .collect::<String>(),
            if q.pfs { ", PFS" } else { "" }
        );
    }
}

/// A passive `debug crypto isakmp`: each peer's state changes with the frame that caused them.
fn transcript(out: &mut String, sa: &IkeSa, as_peer: Option<IpAddr>) {
    let _ = writeln!(
        out,
        "  state transitions (debug crypto isakmp, reconstructed):"
    );
    for tr in &sa.transitions {
        let who = sa.endpoint(tr.side).addr;
        if as_peer.is_some_and(|p| p != who) {
            continue;
        }
        let node = match tr.to() {
            StateName::QuickMode { message_id, .. } => format!(" Node {message_id}"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    frame {:>6} {} {:<15} ISAKMP: ({}):{node} Old State = {}  New State = {}",
            tr.frame,
            time_of_day(tr.ts()),
            who.to_string(),
            sa.conn_id,
            tr.from().name(),
            tr.to().name()
        );
    }
    if sa.transitions_dropped > 0 {
        let _ = writeln!(
            out,
            "    ({} later transitions not kept)",
            sa.transitions_dropped
        );
    }
    out.push('\n');
}

fn diagnosis_text(out: &mut String, d: &Diagnosis) {
    let frames: Vec<String> = d.frames.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        out,
        "[{}] {} — {} (frames {})",
        d.code,
        d.code.title(),
        d.tunnel,
        frames.join(", ")
    );
    let _ = writeln!(out, "  {}", d.message);
    for diff in &d.differences {
        let _ = writeln!(
            out,
            "  {}: initiator {} / responder {}",
            diff.attribute, diff.initiator, diff.responder
        );
    }
    let _ = writeln!(out, "  router would log: {}", d.cisco_log);
    let _ = writeln!(out, "  check: {}\n", d.fix);
}

fn ike_json(t: &Tracker, sa: &IkeSa) -> Value {
    let now = t.now();
    let side = |role: Role| {
        json!({
            "address": sa.endpoint(role).addr.to_string(),
            "port": sa.endpoint(role).port,
            "identity": sa.identity(role),
            "has_sa": sa.side_seen[role as usize],
            "isakmp_state": if sa.version == 1 { sa.isakmp_state(role).map(|s| s.name()) } else { None },
            "debug_state": if sa.version == 1 { sa.state[role as usize].name() } else { sa.v2_state[role as usize].name() },
            "vendor_ids": sa.vendors(role),
            "messages": sa.messages[role as usize],
        })
    };
    let transitions: Vec<Value> = sa
        .transitions
        .iter()
        .map(|tr| {
            json!({
                "frame": tr.frame,
                "time": rfc3339(tr.ts()),
                "side": tr.side.name(),
                "peer": sa.endpoint(tr.side).addr.to_string(),
                "from": tr.from().name(),
                "to": tr.to().name(),
                "message_id": match tr.to() { StateName::QuickMode { message_id, .. } => Some(format!("0x{message_id:08x}")), _ => None },
            })
        })
        .collect();
    let quick_modes: Vec<Value> = sa
        .quick_modes
        .iter()
        .map(|q| {
            json!({
                "message_id": format!("0x{:08x}", q.message_id),
                "initiator": q.initiator.name(),
                "states": { "initiator": q.state[0].name(), "responder": q.state[1].name() },
                "outcome": match &q.outcome {
                    Some(QuickModeOutcome::Complete { .. }) => "complete".to_string(),
                    Some(QuickModeOutcome::Refused { notify, .. }) => format!("refused: {notify}"),
                    Some(QuickModeOutcome::RefusedUnread { .. }) => "refused".to_string(),
                    None => "incomplete".to_string(),
                },
                "transform": q.chosen().as_ref().map(ToString::to_string),
                "offered": q.offered().iter().map(|(_, p)| p.to_string()).collect::<Vec<_>>(),
                "spis": spi_list(q.spi_initiator, q.spi_responder),
                "local_ident": q.proxy_initiator(),
                "remote_ident": q.proxy_responder(),
                "pfs": q.pfs,
                "decrypted": q.decrypted,
                "first_frame": q.first_frame,
                "retransmissions": q.retransmissions,
            })
        })
        .collect();
    json!({
        "conn_id": sa.conn_id,
        "version": sa.version,
        "initiator_cookie": sa.initiator_cookie.to_string(),
        "responder_cookie": sa.responder_cookie.to_string(),
        "initiator": super::format::endpoint(sa.initiator.addr, sa.initiator.port),
        "responder": super::format::endpoint(sa.responder.addr, sa.responder.port),
        "mode": sa.mode.name(),
        "state": sa.overall_state(),
        "sides": { "initiator": side(Role::Initiator), "responder": side(Role::Responder) },
        "policy": if sa.version == 2 { sa.v2_chosen().map(str::to_string) } else { sa.chosen.map(|p| p.to_string()) },
        "offered": if sa.version == 2 { sa.v2_offered().to_vec() } else { sa.offered().iter().map(ToString::to_string).collect() },
        "established_frame": sa.established.map(|e| e.0),
        "outcome": match &sa.outcome {
            Some(Outcome::Failed { reason, .. }) => Some(format!("failed: {reason}")),
            Some(Outcome::Abandoned { .. }) => Some("abandoned".to_string()),
            Some(Outcome::Deleted { by, .. }) => Some(format!("deleted by the {}", by.name())),
            None => None,
        },
        "first_seen": rfc3339(sa.first_seen),
        "last_seen": rfc3339(sa.last_seen),
        "first_frame": sa.first_frame,
        "last_frame": sa.last_frame,
        "retransmissions": sa.retransmissions,
        "lifetime_remaining": sa.remaining_lifetime(now),
        "nat_t_float_frame": sa.nat_t_float,
        "nat_detected": sa.nat_behind.map(|[i, r]| json!({"initiator": i, "responder": r})),
        "dpd": sa.dpd,
        "messages_decrypted": sa.decrypted,
        "messages_undecrypted": sa.undecrypted,
        "transitions": transitions,
        "quick_modes": quick_modes,
    })
}

fn spi_list(a: Option<u32>, b: Option<u32>) -> Vec<String> {
    [a, b]
        .iter()
        .flatten()
        .map(|s| format!("0x{s:08x}"))
        .collect()
}

fn ipsec_json(t: &Tracker, sa: &IpsecSa) -> Value {
    let (secs, kb) = sa.remaining_lifetime(t.now());
    json!({
        "spi": format!("0x{:08x}", sa.spi),
        "protocol": if sa.protocol == 51 { "ah" } else { "esp" },
        "src": sa.src.to_string(),
        "dst": sa.dst.to_string(),
        "packets": sa.packets,
        "bytes": sa.bytes,
        "ike_sa": sa.ike_sa.and_then(|i| t.ike_sa(i)).map(IkeSa::cookies),
        "conn_id": sa.conn_id,
        "message_id": sa.message_id.map(|m| format!("0x{m:08x}")),
        "negotiated": sa.negotiated(),
        "transform": sa.policy().map(ToString::to_string).or_else(|| sa.transform_text().map(str::to_string)),
        "mode": sa.policy().and_then(|p| p.encapsulation_mode).map(|m| m.to_string()),
        "local_ident": sa.local_ident(),
        "remote_ident": sa.remote_ident(),
        "udp_encapsulated": sa.encap.is_some(),
        "decrypted": sa.decrypted,
        "inner_bytes": sa.inner_bytes,
        "decrypt_failures": sa.decrypt_failures,
        "icv_failures": sa.icv_failures,
        "sequence": sa.seq,
        "first_frame": sa.first_frame,
        "last_frame": sa.last_frame,
        "deleted_frame": sa.deleted,
        "lifetime_remaining_seconds": secs,
        "lifetime_remaining_kilobytes": kb,
    })
}

fn tunnel_json(t: &Tracker, tn: &Tunnel) -> Value {
    let s = t.session(tn);
    let traffic = t.traffic(tn);
    json!({
        "peers": tn.peers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "status": s.status,
        "ike_sas": tn.ike_sas.iter().filter_map(|i| t.ike_sa(*i)).map(|sa| sa.conn_id).collect::<Vec<_>>(),
        "ipsec_sas": tn.ipsec_sas.iter().filter_map(|i| t.ipsec_sa(*i)).map(|sa| format!("0x{:08x}", sa.spi)).collect::<Vec<_>>(),
        "packets": { "a_to_b": traffic.packets[0], "b_to_a": traffic.packets[1] },
        "bytes": { "a_to_b": traffic.bytes[0], "b_to_a": traffic.bytes[1] },
        "established_count": tn.established_count,
        "down_count": tn.down_count,
        "nat_keepalives": tn.nat_keepalives,
        "first_seen": rfc3339(tn.first_seen),
        "last_seen": rfc3339(traffic.last_seen(tn)),
    })
}

/// The JSON document of `report --json` (docs/json.md), written one SA at a time: a capture
/// with hundreds of thousands of SAs never becomes one tree in memory.
pub fn write_json(
    out: &mut dyn Write,
    p: &Pipeline,
    diagnoses: &[Diagnosis],
    as_peer: Option<IpAddr>,
) -> io::Result<()> {
    let t = &p.tracker;
    let keep_ike = |sa: &IkeSa| as_peer.is_none_or(|a| role_of(sa, a).is_some());
    let keep_ipsec = |sa: &IpsecSa| as_peer.is_none_or(|a| sa.src == a || sa.dst == a);
    out.write_all(b"{\n\"ike_sas\": [")?;
    write_items(
        out,
        t.ike_sas()
            .filter(|(_, s)| keep_ike(s))
            .map(|(_, s)| ike_json(t, s)),
    )?;
    out.write_all(b"],\n\"ipsec_sas\": [")?;
    write_items(
        out,
        t.ipsec_sas()
            .filter(|(_, s)| keep_ipsec(s))
            .map(|(_, s)| ipsec_json(t, s)),
    )?;
    out.write_all(b"],\n\"tunnels\": [")?;
    write_items(
        out,
        t.tunnels()
            .filter(|(_, tn)| as_peer.is_none_or(|a| tn.peers.contains(&a)))
            .map(|(_, tn)| tunnel_json(t, tn)),
    )?;
    out.write_all(b"],\n\"diagnoses\": ")?;
    let relevant: Vec<&Diagnosis> = diagnoses.iter().filter(|d| concerns(d, as_peer)).collect();
    serde_json::to_writer(&mut *out, &relevant)?;
    out.write_all(b",\n\"summary\": ")?;
    let summary = json!({
        "decode": p.decoder.stats(),
        "anomalies": p.anomalies().entries().cloned().collect::<Vec<_>>(),
        "decryption": if p.decryptor.has_keys() { Some(p.decryptor.stats()) } else { None },
        "tracker": t.stats(),
    });
    serde_json::to_writer(&mut *out, &summary)?;
    out.write_all(b"\n}\n")
}

/// A JSON array's items, one per line.
fn write_items(out: &mut dyn Write, items: impl Iterator<Item = Value>) -> io::Result<()> {
    for (i, v) in items.enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tunnel_has_end;

    #[test]
    fn as_peer_matches_whole_addresses() {
        let t = "192.0.2.10 <-> 2001:db8::1";
        assert!(tunnel_has_end(t, None));
        assert!(tunnel_has_end(t, Some("192.0.2.10".parse().unwrap())));
        assert!(tunnel_has_end(t, Some("2001:db8::1".parse().unwrap())));
        assert!(!tunnel_has_end(t, Some("192.0.2.1".parse().unwrap())));
        assert!(!tunnel_has_end(t, Some("2001:db8::".parse().unwrap())));
    }
}
