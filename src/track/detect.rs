//! Diagnosis rules: each reads the tracker's tables and, where the wire shows one of the
//! failures of PRODUCT.md §5, names it with its evidence frames. Rules are deliberately
//! conservative: a healthy tunnel (every successful lab scenario) must get no diagnosis.

use std::collections::BTreeSet;

use ikescope_dissectors::isakmp::{NotifyType, Phase1Policy};

use super::Tracker;
use super::diagnosis::{AttributeDiff, Diagnosis, DiagnosisCode, LogContext};
use super::model::{IkeSa, Mode, QuickModeOutcome, Tunnel};
use super::states::{AuthCheck, Phase1Msg, Role};

/// ESP packets one way with nothing back before a tunnel counts as one-way.
const ONE_WAY_MIN_PACKETS: u64 = 5;
/// Return traffic that stopped this many seconds before the forward traffic did.
const ONE_WAY_STOPPED_SECS: i64 = 10;
/// Maximum evidence frames kept per diagnosis.
const MAX_FRAMES: usize = 32;
/// RFC 7296 §3.10.1: TS_UNACCEPTABLE, IKEv2's refusal of the traffic selectors.
const IKEV2_TS_UNACCEPTABLE: u16 = 38;

pub(super) fn diagnose(t: &Tracker, final_: bool) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    for (_, sa) in t.ike.iter() {
        out.extend(diagnose_ike_sa(t, sa, final_));
    }
    for (_, tunnel) in t.tunnels.iter() {
        out.extend(diagnose_tunnel(t, tunnel));
    }
    out
}

fn frames(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v.retain(|f| *f != 0);
    v.truncate(MAX_FRAMES);
    v
}

fn tunnel_name(sa: &IkeSa) -> String {
    let (a, b) = (sa.initiator.addr, sa.responder.addr);
    if a <= b {
        format!("{a} <-> {b}")
    } else {
        format!("{b} <-> {a}")
    }
}

fn with_sa(mut d: Diagnosis, sa: &IkeSa) -> Diagnosis {
    d.ike_sa = Some(sa.cookies());
    d
}

pub(super) fn diagnose_ike_sa(t: &Tracker, sa: &IkeSa, final_: bool) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    let initiator = sa.initiator.addr.to_string();
    let responder = sa.responder.addr.to_string();
    let seen = |m: Phase1Msg| sa.phase1_seen[m as usize];

    // Peer unreachable: the first message repeated, never answered (MM_NO_STATE).
    let first = if sa.version == 2 {
        sa.phase1_seen[0]
    } else if sa.mode == Mode::Aggressive {
        seen(Phase1Msg::Am1)
    } else {
        seen(Phase1Msg::Mm1)
    };
    if sa.roles_known
        && !sa.side_seen[Role::Responder as usize]
        && first.count >= 2
        && (final_ || sa.outcome.is_some())
    {
        let what = match (sa.version, sa.mode) {
            (2, _) => "IKE_SA_INIT",
            (_, Mode::Aggressive) => "AM1",
            _ => "MM1",
        };
        let secs = sa.last_seen.secs - sa.first_seen.secs;
        let msg = format!(
            "{initiator} sent {what} to {responder} {} times over {secs} s and never got an answer: the peer is unreachable, UDP {} is filtered on the path, or {responder} has no crypto map / tunnel for {initiator}.",
            first.count, sa.responder.port
        );
        let state = if sa.mode == Mode::Aggressive {
            "AG_NO_STATE"
        } else {
            "MM_NO_STATE"
        };
        out.push(with_sa(
            Diagnosis::new(
                DiagnosisCode::PeerUnreachable,
                tunnel_name(sa),
                frames(vec![first.first_frame, first.last_frame]),
                msg,
                &LogContext {
                    peer: &responder,
                    spi: "",
                    state,
                },
            ),
            sa,
        ));
    }

    // Phase-1 policy mismatch: NO_PROPOSAL_CHOSEN answering the offer.
    let refusal = sa.notifies().iter().find(|n| {
        n.from == Role::Responder
            && n.notify_type == NotifyType::NO_PROPOSAL_CHOSEN.0
            && (sa.version == 2 || n.exchange != 32)
    });
    if let Some(n) = refusal.filter(|_| sa.established.is_none()) {
        let offered = if sa.version == 2 {
            sa.v2_offered().join(", ")
        } else {
            sa.offered()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut d = Diagnosis::new(
            DiagnosisCode::Phase1PolicyMismatch,
            tunnel_name(sa),
            frames(vec![first.first_frame, n.frame]),
            format!(
                "{responder} refused every phase-1 proposal {initiator} offered ({}) with NO_PROPOSAL_CHOSEN: no `crypto isakmp policy` on {responder} matches.",
                if offered.is_empty() {
                    "not seen".to_string()
                } else {
                    offered
                }
            ),
            &LogContext {
                peer: &initiator,
                spi: "",
                state: "MM_NO_STATE",
            },
        );
        d.differences = policy_differences(t, sa);
        out.push(with_sa(d, sa));
    }

    // PSK mismatch.
    if let Some(d) = psk_mismatch(sa, &initiator, &responder, final_) {
        out.push(with_sa(d, sa));
    }

    // Quick-mode refusals.
    for qm in &sa.quick_modes {
        let qm_initiator = sa.endpoint(qm.initiator).addr.to_string();
        let qm_responder = sa.endpoint(qm.initiator.other()).addr.to_string();
        match &qm.outcome {
            Some(QuickModeOutcome::Refused {
                frame, notify_type, ..
            }) if *notify_type == NotifyType::NO_PROPOSAL_CHOSEN.0 => {
                let offered: Vec<String> =
                    qm.offered().iter().map(|(_, p)| p.to_string()).collect();
                let mut d = Diagnosis::new(
                    DiagnosisCode::Phase2ProposalMismatch,
                    tunnel_name(sa),
                    frames(vec![qm.first_frame, *frame]),
                    format!(
                        "{qm_responder} refused the quick mode {qm_initiator} started (message ID {:08x}) with NO_PROPOSAL_CHOSEN: none of the offered transforms ({}) matches its transform set.",
                        qm.message_id,
                        if offered.is_empty() {
                            "not readable".to_string()
                        } else {
                            offered.join(", ")
                        }
                    ),
                    &LogContext {
                        peer: &qm_initiator,
                        spi: "",
                        state: "QM_IDLE",
                    },
                );
                d.differences = qm
                    .offered()
                    .first()
                    .map(|(_, p)| {
                        vec![AttributeDiff {
                            attribute: "transform".into(),
                            initiator: p.to_string(),
                            responder: "none acceptable".into(),
                        }]
                    })
                    .unwrap_or_default();
                out.push(with_sa(d, sa));
            }
            Some(QuickModeOutcome::Refused {
                frame, notify_type, ..
            }) if *notify_type == NotifyType::INVALID_ID_INFORMATION.0
                || *notify_type == IKEV2_TS_UNACCEPTABLE =>
            {
                let local = qm.proxy_initiator().unwrap_or("?");
                let remote = qm.proxy_responder().unwrap_or("?");
                let mut d = Diagnosis::new(
                    DiagnosisCode::ProxyIdMismatch,
                    tunnel_name(sa),
                    frames(vec![qm.first_frame, *frame]),
                    format!(
                        "{qm_responder} refused the proxy identities {qm_initiator} proposed — local {local}, remote {remote} — with INVALID_ID_INFORMATION: the crypto ACLs are not mirror images."
                    ),
                    &LogContext {
                        peer: &qm_initiator,
                        spi: "",
                        state: "QM_IDLE",
                    },
                );
                d.differences = vec![
                    AttributeDiff {
                        attribute: "local proxy".into(),
                        initiator: local.into(),
                        responder: format!("not permitted by {qm_responder}"),
                    },
                    AttributeDiff {
                        attribute: "remote proxy".into(),
                        initiator: remote.into(),
                        responder: format!("not permitted by {qm_responder}"),
                    },
                ];
                out.push(with_sa(d, sa));
            }
            Some(QuickModeOutcome::Refused { frame, notify, .. }) => {
                out.push(with_sa(
                    Diagnosis::new(
                        DiagnosisCode::Phase2Refused,
                        tunnel_name(sa),
                        frames(vec![qm.first_frame, *frame]),
                        format!("{qm_responder} refused the quick mode {qm_initiator} started (message ID {:08x}) with {notify}.", qm.message_id),
                        &LogContext { peer: &qm_initiator, spi: "", state: "QM_IDLE" },
                    ),
                    sa,
                ));
            }
            Some(QuickModeOutcome::RefusedUnread { frame }) => {
                out.push(with_sa(
                    Diagnosis::new(
                        DiagnosisCode::Phase2Refused,
                        tunnel_name(sa),
                        frames(vec![qm.first_frame, *frame]),
                        format!(
                            "{qm_responder} answered the quick mode {qm_initiator} started (message ID {:08x}) with an encrypted informational instead of QM2: phase 2 was refused. Supply the keys (--keys) to read why: transform set or proxy identities.",
                            qm.message_id
                        ),
                        &LogContext { peer: &qm_initiator, spi: "", state: "QM_IDLE" },
                    ),
                    sa,
                ));
            }
            _ => {}
        }
        // Lifetime or PFS differences between what was offered and what was accepted.
        if let (Some(chosen), Some((_, offered))) = (&qm.chosen(), qm.offered().first()) {
            let mut diffs = Vec::new();
            if chosen.life_seconds != offered.life_seconds {
                diffs.push(AttributeDiff {
                    attribute: "lifetime (seconds)".into(),
                    initiator: opt(offered.life_seconds),
                    responder: opt(chosen.life_seconds),
                });
            }
            if chosen.life_kilobytes != offered.life_kilobytes {
                diffs.push(AttributeDiff {
                    attribute: "lifetime (kilobytes)".into(),
                    initiator: opt(offered.life_kilobytes),
                    responder: opt(chosen.life_kilobytes),
                });
            }
            if chosen.group != offered.group {
                diffs.push(AttributeDiff {
                    attribute: "pfs group".into(),
                    initiator: format!("{:?}", offered.group),
                    responder: format!("{:?}", chosen.group),
                });
            }
            if !diffs.is_empty() {
                let mut d = Diagnosis::new(
                    DiagnosisCode::LifetimeMismatch,
                    tunnel_name(sa),
                    frames(vec![qm.first_frame, qm.last_frame]),
                    format!(
                        "The quick mode {:08x} came up, but {qm_responder} accepted different settings than {qm_initiator} offered; rekeys may happen at different times on each side.",
                        qm.message_id
                    ),
                    &LogContext {
                        peer: &qm_responder,
                        spi: "",
                        state: "QM_IDLE",
                    },
                );
                d.differences = diffs;
                out.push(with_sa(d, sa));
            }
        }
    }
    // RESPONDER-LIFETIME (RFC 2407 §4.6.3.1): the responder imposes a shorter lifetime.
    if let Some(n) = sa
        .notifies()
        .iter()
        .find(|n| n.notify_type == NotifyType::RESPONDER_LIFETIME.0)
    {
        let who = sa.endpoint(n.from).addr.to_string();
        out.push(with_sa(
            Diagnosis::new(
                DiagnosisCode::LifetimeMismatch,
                tunnel_name(sa),
                vec![n.frame],
                format!("{who} sent RESPONDER-LIFETIME: it accepted the proposal with a shorter lifetime than offered."),
                &LogContext { peer: &who, spi: "", state: "QM_IDLE" },
            ),
            sa,
        ));
    }
    // Phase-1 lifetime: chosen differs from what was offered.
    if let (Some(chosen), Some(offer)) = (
        &sa.chosen,
        sa.offered()
            .iter()
            .find(|o| same_suite(o, sa.chosen.as_ref())),
    ) && chosen.life_seconds != offer.life_seconds
    {
        let mut d = Diagnosis::new(
            DiagnosisCode::LifetimeMismatch,
            tunnel_name(sa),
            frames(vec![
                sa.phase1_seen[0].first_frame,
                sa.phase1_seen[1].first_frame,
            ]),
            format!(
                "{responder} accepted the phase-1 proposal with a different lifetime than {initiator} offered."
            ),
            &LogContext {
                peer: &initiator,
                spi: "",
                state: "MM_SA_SETUP",
            },
        );
        d.differences = vec![AttributeDiff {
            attribute: "lifetime".into(),
            initiator: opt(offer.life_seconds),
            responder: opt(chosen.life_seconds),
        }];
        out.push(with_sa(d, sa));
    }
    // INVALID_SPI notifications: the peer got ESP on an SPI it does not know.
    for n in sa
        .notifies()
        .iter()
        .filter(|n| n.notify_type == NotifyType::INVALID_SPI.0)
    {
        let who = sa.endpoint(n.from).addr.to_string();
        out.push(with_sa(
            Diagnosis::new(
                DiagnosisCode::InvalidSpi,
                tunnel_name(sa),
                vec![n.frame],
                format!("{who} reported INVALID_SPI: it received IPsec traffic on an SPI it has no SA for — the two peers' SAs are out of sync."),
                &LogContext { peer: &who, spi: "(see notification)", state: "" },
            ),
            sa,
        ));
    }
    out
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "not set".to_string(), |v| v.to_string())
}

fn show<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "not set".to_string(), |v| v.to_string())
}

fn same_suite(a: &Phase1Policy, b: Option<&Phase1Policy>) -> bool {
    b.is_some_and(|b| {
        a.encryption == b.encryption
            && a.key_length == b.key_length
            && a.hash == b.hash
            && a.group == b.group
            && a.auth_method == b.auth_method
    })
}

/// Where both peers made phase-1 offers (each as an initiator), the attributes that differ.
fn policy_differences(t: &Tracker, sa: &IkeSa) -> Vec<AttributeDiff> {
    let Some(tunnel) = t.tunnels.get(sa.tunnel) else {
        return Vec::new();
    };
    let i_side = tunnel.side_of(sa.initiator.addr);
    let (Some(mine), Some(theirs)) = (
        tunnel.offers[i_side].first(),
        tunnel.offers[1 - i_side].first(),
    ) else {
        return Vec::new();
    };
    let mut diffs = Vec::new();
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            diffs.push(AttributeDiff {
                attribute: name.into(),
                initiator: a,
                responder: b,
            });
        }
    };
    cmp(
        "encryption",
        format!(
            "{} {}",
            show(mine.encryption),
            opt(mine.key_length.map(u64::from))
        ),
        format!(
            "{} {}",
            show(theirs.encryption),
            opt(theirs.key_length.map(u64::from))
        ),
    );
    cmp("hash", show(mine.hash), show(theirs.hash));
    cmp(
        "authentication",
        show(mine.auth_method),
        show(theirs.auth_method),
    );
    cmp("group", show(mine.group), show(theirs.group));
    cmp("lifetime", opt(mine.life_seconds), opt(theirs.life_seconds));
    diffs
}

fn psk_mismatch(sa: &IkeSa, initiator: &str, responder: &str, final_: bool) -> Option<Diagnosis> {
    let seen = |m: Phase1Msg| sa.phase1_seen[m as usize];
    let responder_errors: Vec<u64> = sa
        .notifies()
        .iter()
        .filter(|n| {
            n.from == Role::Responder
                && [
                    NotifyType::PAYLOAD_MALFORMED.0,
                    NotifyType::INVALID_PAYLOAD_TYPE.0,
                    NotifyType::INVALID_HASH_INFORMATION.0,
                    NotifyType::AUTHENTICATION_FAILED.0,
                ]
                .contains(&n.notify_type)
        })
        .map(|n| n.frame)
        .collect();
    match (sa.version, sa.mode) {
        (1, Mode::Main) => {
            let mm5 = seen(Phase1Msg::Mm5);
            let mm6 = seen(Phase1Msg::Mm6);
            let hash_i = sa.auth[Role::Initiator as usize];
            let hash_r = sa.auth[Role::Responder as usize];
            let proven_wrong = matches!(hash_i, Some((AuthCheck::Failed, _)))
                || matches!(hash_r, Some((AuthCheck::Failed, _)));
            let stuck = mm5.count >= 1
                && mm6.count == 0
                && (mm5.count >= 2
                    || !responder_errors.is_empty()
                    || sa.dpd.unread_informational > 0);
            if !(stuck && (final_ || mm5.count >= 2)) && !(proven_wrong && mm6.count == 0) {
                return None;
            }
            let mut ev = vec![mm5.first_frame, mm5.last_frame];
            ev.extend(&responder_errors);
            let proof = match (hash_i, hash_r) {
                (Some((AuthCheck::Verified, f)), _) => format!(
                    " The supplied PSK verifies HASH_I in frame {f}: it is {initiator}'s key. {responder}'s answers do not decrypt with it, so {responder} holds a different PSK."
                ),
                (Some((AuthCheck::Failed, f)), _) => format!(
                    " HASH_I in frame {f} does not verify with the supplied PSK: it is not {initiator}'s key."
                ),
                _ => " (Supply the PSK and g^xy with --keys to prove which side's key is wrong.)"
                    .to_string(),
            };
            let errors = if responder_errors.is_empty() {
                format!("{responder} never sent MM6")
            } else {
                format!("{responder} answered with PAYLOAD-MALFORMED/INVALID-HASH notifications")
            };
            Some(Diagnosis::new(
                DiagnosisCode::PskMismatch,
                format!(
                    "{} <-> {}",
                    initiator.min(responder),
                    initiator.max(responder)
                ),
                frames(ev),
                format!(
                    "Main mode stops at MM5: {initiator} sent MM5 {} time(s) and {errors}. {responder} cannot decrypt {initiator}'s MM5 because their pre-shared keys differ (both stuck in MM_KEY_EXCH).{proof}",
                    mm5.count
                ),
                &LogContext {
                    peer: initiator,
                    spi: "",
                    state: "MM_KEY_EXCH",
                },
            ))
        }
        (1, Mode::Aggressive) => {
            let am2 = seen(Phase1Msg::Am2);
            let am3 = seen(Phase1Msg::Am3);
            let hash_r = sa.auth[Role::Responder as usize];
            let refused = am2.count >= 1 && am3.count == 0 && (final_ || sa.outcome.is_some());
            let failed = matches!(hash_r, Some((AuthCheck::Failed, _)));
            if !(refused && (failed || sa.notifies().iter().any(|n| n.from == Role::Initiator))) {
                return None;
            }
            Some(Diagnosis::new(
                DiagnosisCode::PskMismatch,
                format!(
                    "{} <-> {}",
                    initiator.min(responder),
                    initiator.max(responder)
                ),
                frames(vec![am2.first_frame, am2.last_frame]),
                format!(
                    "Aggressive mode stops after AM2: {initiator} did not accept {responder}'s HASH_R, so their pre-shared keys differ."
                ),
                &LogContext {
                    peer: responder,
                    spi: "",
                    state: "AG_INIT_EXCH",
                },
            ))
        }
        (2, _) => {
            let n = sa.notifies().iter().find(|n| n.notify_type == 24)?;
            Some(Diagnosis::new(
                DiagnosisCode::PskMismatch,
                format!(
                    "{} <-> {}",
                    initiator.min(responder),
                    initiator.max(responder)
                ),
                vec![n.frame],
                format!(
                    "{} answered IKE_AUTH with AUTHENTICATION_FAILED: the pre-shared keys (or certificates) do not match.",
                    sa.endpoint(n.from).addr
                ),
                &LogContext {
                    peer: initiator,
                    spi: "",
                    state: "",
                },
            ))
        }
        _ => None,
    }
}

fn diagnose_tunnel(t: &Tracker, tunnel: &Tunnel) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    let name = tunnel.name();
    let [a, b] = tunnel.peers;
    let traffic = t.traffic(tunnel);

    // One-way ESP: traffic one way, none (or none any more) back.
    for dir in 0..2 {
        let (from, to) = if dir == 0 { (a, b) } else { (b, a) };
        let fwd = traffic.packets[dir];
        let back = traffic.packets[1 - dir];
        let stopped = match (traffic.last_traffic[dir], traffic.last_traffic[1 - dir]) {
            (Some(f), Some(r)) => f.secs - r.secs >= ONE_WAY_STOPPED_SECS,
            _ => false,
        };
        if fwd >= ONE_WAY_MIN_PACKETS && (back == 0 || stopped) {
            let ev: Vec<u64> = tunnel
                .ipsec_sas
                .iter()
                .filter_map(|id| t.ipsec.get(*id))
                .filter(|s| s.src == from && s.packets > 0)
                .flat_map(|s| [s.first_frame, s.last_frame])
                .collect();
            let msg = if back == 0 {
                format!(
                    "{fwd} ESP packets went from {from} to {to} and none came back: {to} receives and decrypts (#pkts decaps rising) but its replies never reach the wire here."
                )
            } else {
                format!(
                    "ESP from {to} back to {from} stopped while {from} kept sending ({fwd} packets in all): the return path broke."
                )
            };
            out.push(Diagnosis::new(
                DiagnosisCode::OneWayEsp,
                name.clone(),
                frames(ev),
                msg,
                &LogContext {
                    peer: &to.to_string(),
                    spi: "",
                    state: "",
                },
            ));
        }
    }

    // NAT between the peers, but ESP as IP protocol 50.
    let natted = tunnel
        .ike_sas
        .iter()
        .filter_map(|id| t.ike.get(*id))
        .find(|sa| sa.nat_behind.is_some_and(|n| n.contains(&true)));
    if let (Some(sa), Some(esp_frame)) = (natted, traffic.raw_esp_frame) {
        let behind: Vec<String> = [Role::Initiator, Role::Responder]
            .iter()
            .filter(|r| sa.nat_behind.is_some_and(|n| n[**r as usize]))
            .map(|r| sa.endpoint(*r).addr.to_string())
            .collect();
        let natd_frames = vec![
            sa.phase1_seen[Phase1Msg::Mm3 as usize].first_frame,
            sa.phase1_seen[Phase1Msg::Mm4 as usize].first_frame,
            esp_frame,
        ];
        out.push(with_sa(
            Diagnosis::new(
                DiagnosisCode::NatWithoutNatt,
                name.clone(),
                frames(natd_frames),
                format!(
                    "NAT-D shows a NAT in front of {}, yet ESP travels as IP protocol 50 (frame {esp_frame}) instead of UDP 4500: NAT-T is not in use, and most NATs drop or mangle raw ESP.",
                    behind.join(" and ")
                ),
                &LogContext { peer: &sa.responder.addr.to_string(), spi: "", state: "" },
            ),
            sa,
        ));
    }

    // ESP on SPIs deleted, or never negotiated although the tunnel's negotiation was read.
    let read_all = tunnel
        .ike_sas
        .iter()
        .filter_map(|id| t.ike.get(*id))
        .any(|sa| {
            sa.established.is_some()
                && !sa.quick_modes.is_empty()
                && sa.quick_modes.iter().all(|q| q.decrypted)
        });
    let first_negotiated = tunnel
        .ipsec_sas
        .iter()
        .filter_map(|id| t.ipsec.get(*id))
        .filter(|s| s.negotiated())
        .filter_map(|s| s.established().map(|(f, _)| f))
        .min();
    let mut stray = BTreeSet::new();
    for s in tunnel.ipsec_sas.iter().filter_map(|id| t.ipsec.get(*id)) {
        let after_delete = s.deleted.is_some_and(|d| s.last_frame > d && s.packets > 0);
        let unknown = read_all
            && !s.negotiated()
            && s.packets > 0
            && first_negotiated.is_some_and(|f| s.first_frame > f);
        if after_delete || unknown {
            stray.insert((s.first_frame, s.spi, s.dst, s.last_frame, after_delete));
        }
    }
    if let Some((first, spi, dst, last, deleted)) = stray.iter().next().copied() {
        let spi_s = format!("0x{spi:08x}");
        let why = if deleted {
            "after it was deleted"
        } else {
            "although no quick mode negotiated it"
        };
        out.push(Diagnosis::new(
            DiagnosisCode::InvalidSpi,
            name.clone(),
            frames(stray.iter().flat_map(|s| [s.0, s.3]).collect()),
            format!(
                "ESP arrives at {dst} on SPI {spi_s} {why} ({} such SPI(s), frames {first}–{last}): the peers' SAs are out of sync (Up-No-IKE on one side).",
                stray.len()
            ),
            &LogContext { peer: &dst.to_string(), spi: &spi_s, state: "" },
        ));
    }

    // IKE messages lost to IP fragmentation.
    let lost: Vec<u64> = t
        .incomplete_ike
        .iter()
        .filter(|(s, d, _)| (*s == a && *d == b) || (*s == b && *d == a))
        .map(|x| x.2)
        .collect();
    if !lost.is_empty() && !tunnel.ike_sas.is_empty() {
        out.push(Diagnosis::new(
            DiagnosisCode::IkeFragmentLoss,
            name.clone(),
            frames(lost.clone()),
            format!("{} fragmented datagram(s) between the IKE peers never completed: large IKE messages (certificates) are losing fragments on the path.", lost.len()),
            &LogContext { peer: &b.to_string(), spi: "", state: "MM_KEY_EXCH" },
        ));
    }

    // Flapping: up and down repeatedly.
    if tunnel.established_count >= 3 && tunnel.down_count >= 2 {
        let ev: Vec<u64> = tunnel
            .ike_sas
            .iter()
            .filter_map(|id| t.ike.get(*id))
            .filter_map(|sa| sa.established.map(|(f, _)| f))
            .collect();
        out.push(Diagnosis::new(
            DiagnosisCode::Flapping,
            name,
            frames(ev),
            format!(
                "The tunnel came up {} times and went down {} times in this capture.",
                tunnel.established_count, tunnel.down_count
            ),
            &LogContext {
                peer: &b.to_string(),
                spi: "",
                state: "",
            },
        ));
    }
    out
}
