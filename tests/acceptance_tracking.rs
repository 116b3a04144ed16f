//! Issue 4 acceptance (tracking): the SA tables, states, tunnels, diagnoses and events of every
//! lab scenario against truth.json, with and without keys; external captures without keys; and
//! bounded state under a cookie flood.

mod acceptance_support;

use std::collections::{BTreeMap, BTreeSet};

use acceptance_support::*;
use serde_json::Value;

/// What each scenario must look like, from truth.json plus the README's account of each failure.
struct Expect {
    /// `sides.{initiator,responder}.isakmp_state` (IKEv1) or `state` (IKEv2).
    state: &'static str,
    established: bool,
    tunnel: &'static str,
    diagnoses: &'static [&'static str],
}

fn expect(sc: &str, with_keys: bool) -> Expect {
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    let established = sa["established"]["left"] == true && sa["established"]["right"] == true;
    let v2 = sa["ike_version"] == 2;
    match (sc, with_keys) {
        // Responder's NO_PROPOSAL_CHOSEN to MM1 is in clear: the same with or without keys.
        ("mm-proposal-mismatch", _) => Expect {
            state: "FAILED",
            established: false,
            tunnel: "DOWN",
            diagnoses: &["phase1_policy_mismatch"],
        },
        // MM5 ×4, never an MM6: both stay in MM_KEY_EXCH (Cisco's state for a PSK mismatch).
        ("mm-psk-mismatch", _) => Expect {
            state: "MM_KEY_EXCH",
            established: false,
            tunnel: "DOWN-NEGOTIATING",
            diagnoses: &["psk_mismatch"],
        },
        ("qm-proposal-mismatch", true) => Expect {
            state: "DELETED",
            established: true,
            tunnel: "DOWN",
            diagnoses: &["phase2_proposal_mismatch"],
        },
        ("qm-ts-mismatch", true) => Expect {
            state: "DELETED",
            established: true,
            tunnel: "DOWN",
            diagnoses: &["proxy_id_mismatch"],
        },
        // Without keys the refusal is an encrypted informational answering QM1; the IKE SA's
        // delete is encrypted too, so phase 1 stays QM_IDLE as far as the wire shows.
        ("qm-proposal-mismatch" | "qm-ts-mismatch", false) => Expect {
            state: "QM_IDLE",
            established: true,
            tunnel: "UP-IDLE",
            diagnoses: &["phase2_refused"],
        },
        // Successful scenarios: terminated at the end (final_state DESTROYING), the deletes
        // readable only with keys.
        _ => {
            assert!(established, "{sc}");
            assert_eq!(sa["final_state"]["left"], "DESTROYING", "{sc}");
            Expect {
                state: match (v2, with_keys) {
                    (false, true) => "DELETED",
                    (false, false) => "QM_IDLE",
                    (true, true) => "DELETE",
                    (true, false) => "READY",
                },
                established: true,
                tunnel: if with_keys { "DOWN" } else { "UP-ACTIVE" },
                diagnoses: &[],
            }
        }
    }
}

/// The truth view (`initiator_view`/`responder_view`) whose initiator address is on the wire of
/// capture.pcap (they differ behind NAT).
fn wire_view<'a>(sc: &str, sa: &'a Value) -> &'a Value {
    let rows = tshark_rows(&lab_capture(sc));
    let first = rows.iter().find(|r| !r["isakmp.ispi"].is_empty()).unwrap();
    let src = if first["ip.src"].is_empty() {
        &first["ipv6.src"]
    } else {
        &first["ip.src"]
    };
    for v in ["initiator_view", "responder_view"] {
        if sa[v]["initiator"]["addr"] == src.as_str() {
            return &sa[v];
        }
    }
    panic!("{sc}: no truth view with initiator {src}");
}

fn endpoint(v: &Value) -> String {
    let addr = s(v, "addr");
    if addr.contains(':') {
        format!("[{addr}]:{}", v["port"])
    } else {
        format!("{addr}:{}", v["port"])
    }
}

fn codes(doc: &Value) -> Vec<String> {
    doc["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(d, "code").to_string())
        .collect()
}

fn check_report(sc: &str, with_keys: bool, problems: &mut Vec<String>) {
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    let keys = lab_keys(sc);
    let run = if with_keys {
        report(&lab_capture(sc), &[&keys])
    } else {
        report(&lab_capture(sc), &[])
    };
    run.ok();
    let doc = run.json();
    let label = format!("{sc} ({})", if with_keys { "keys" } else { "no keys" });
    let e = expect(sc, with_keys);
    let mut push = |ok: bool, msg: String| {
        if !ok {
            problems.push(format!("{label}: {msg}"));
        }
    };

    let ike: Vec<&Value> = doc["ike_sas"].as_array().unwrap().iter().collect();
    push(ike.len() == 1, format!("{} IKE SAs, truth 1", ike.len()));
    let Some(i) = ike.first() else { return };
    push(
        i["initiator_cookie"] == sa["initiator_cookie"],
        format!("cookie {}", i["initiator_cookie"]),
    );
    // (truth has no responder cookie when MM2 was never sent: mm-proposal-mismatch.)
    push(
        sa["responder_cookie"].is_null() || i["responder_cookie"] == sa["responder_cookie"],
        format!(
            "responder cookie {} , truth {}",
            i["responder_cookie"], sa["responder_cookie"]
        ),
    );
    push(
        i["mode"] == sa["exchange_mode"],
        format!("mode {} , truth {}", i["mode"], sa["exchange_mode"]),
    );
    push(
        i["version"] == sa["ike_version"],
        format!("version {}", i["version"]),
    );
    let view = wire_view(sc, sa);
    push(
        i["initiator"] == endpoint(&view["initiator"]).as_str(),
        format!(
            "initiator {} , truth {}",
            i["initiator"],
            endpoint(&view["initiator"])
        ),
    );
    push(
        i["responder"] == endpoint(&view["responder"]).as_str(),
        format!(
            "responder {} , truth {}",
            i["responder"],
            endpoint(&view["responder"])
        ),
    );
    push(
        i["established_frame"].is_u64() == e.established,
        format!(
            "established_frame {} , truth established {}",
            i["established_frame"], e.established
        ),
    );
    if sa["ike_version"] == 1 {
        for side in ["initiator", "responder"] {
            let st = &i["sides"][side]["isakmp_state"];
            push(
                st == e.state,
                format!("{side} state {st}, want {}", e.state),
            );
        }
    }
    push(
        i["state"] == e.state,
        format!("state {} , want {}", i["state"], e.state),
    );
    if e.state == "DELETED" || e.state == "DELETE" {
        push(
            i["outcome"].as_str().is_some_and(|o| o.contains("deleted")),
            format!("outcome {}", i["outcome"]),
        );
    }
    if e.state == "FAILED" {
        push(
            i["outcome"]
                .as_str()
                .is_some_and(|o| o.contains("NO_PROPOSAL_CHOSEN")),
            format!("outcome {}", i["outcome"]),
        );
    }

    // IPsec SAs: with keys the installed child SAs; without, the SPIs on the wire.
    let sas: BTreeMap<String, &Value> = doc["ipsec_sas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (s(x, "spi").to_string(), x))
        .collect();
    let wire = t["capture"]["esp_by_spi"].as_object().unwrap();
    let want: BTreeSet<String> = if with_keys {
        t["child_sas"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["installed"] != false)
            .map(|c| format!("0x{}", s(c, "spi")))
            .collect()
    } else {
        wire.keys().map(|k| format!("0x{k}")).collect()
    };
    let got: BTreeSet<String> = sas.keys().cloned().collect();
    push(got == want, format!("IPsec SPIs {got:?}, truth {want:?}"));
    for c in t["child_sas"].as_array().unwrap() {
        let spi = format!("0x{}", s(c, "spi"));
        let Some(x) = sas.get(&spi) else { continue };
        let packets = c["wire"]["packets"].as_u64().unwrap_or(0);
        push(
            x["packets"].as_u64() == Some(packets),
            format!("{spi}: {} packets, truth {packets}", x["packets"]),
        );
        push(
            x["src"] == c["src"] && x["dst"] == c["dst"],
            format!(
                "{spi}: {} → {}, truth {} → {}",
                x["src"], x["dst"], c["src"], c["dst"]
            ),
        );
        push(
            x["udp_encapsulated"] == c["encapsulation"]["udp"],
            format!("{spi}: udp_encapsulated {}", x["udp_encapsulated"]),
        );
    }
    // Quick modes (IKEv1, with keys): one complete per installed pair.
    if with_keys && sa["ike_version"] == 1 {
        let complete = i["quick_modes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["outcome"] == "complete")
            .count();
        push(
            complete * 2 == want.len(),
            format!("{complete} complete quick modes for {} SPIs", want.len()),
        );
    }

    let tunnels = doc["tunnels"].as_array().unwrap();
    push(tunnels.len() == 1, format!("{} tunnels", tunnels.len()));
    if let Some(tun) = tunnels.first() {
        push(
            tun["status"] == e.tunnel,
            format!("tunnel {} , want {}", tun["status"], e.tunnel),
        );
        let spis: BTreeSet<String> = strings(&tun["ipsec_sas"]).into_iter().collect();
        push(
            spis == got,
            format!("tunnel SPIs {spis:?} vs ipsec_sas {got:?}"),
        );
    }
    let got_codes = codes(&doc);
    // (mm-pfs-rekey-delete without keys: pfs_rekeys_without_keys_are_not_refusals.)
    if sc != "mm-pfs-rekey-delete" || with_keys {
        push(
            got_codes == e.diagnoses,
            format!("diagnoses {got_codes:?}, want {:?}", e.diagnoses),
        );
    }
}

#[test]
fn report_with_keys_matches_truth() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        check_report(&sc, true, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn report_without_keys_shows_what_the_wire_shows() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        check_report(&sc, false, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pfs_rekeys_without_keys_are_not_refusals() {
    let doc = report(&lab_capture("mm-pfs-rekey-delete"), &[]).json();
    assert_eq!(codes(&doc), Vec::<String>::new(), "diagnoses");
    let outcomes: Vec<&str> = doc["ike_sas"][0]["quick_modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| s(q, "outcome"))
        .collect();
    assert_eq!(outcomes, ["complete"; 6], "quick modes");
}

#[test]
fn natt_endpoints_float_to_4500() {
    let sc = "natt-mm-psk";
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    for (cap, view) in [
        (lab_capture(sc), &sa["responder_view"]),
        (
            format!("captures/lab/{sc}/capture-inside.pcap"),
            &sa["initiator_view"],
        ),
    ] {
        let doc = report(&cap, &[&lab_keys(sc)]).json();
        let i = &doc["ike_sas"][0];
        assert_eq!(
            i["initiator"],
            endpoint(&view["initiator"]).as_str(),
            "{cap}"
        );
        assert_eq!(
            i["responder"],
            endpoint(&view["responder"]).as_str(),
            "{cap}"
        );
        assert_eq!(
            i["nat_detected"]["initiator"], true,
            "{cap}: the initiator is behind NAT"
        );
        assert_eq!(i["nat_detected"]["responder"], false, "{cap}");
        assert_eq!(i["nat_t_float_frame"], 7, "{cap}: float to 4500 at MM5");
        assert_eq!(doc["tunnels"][0]["nat_keepalives"], 4, "{cap}");
        for x in doc["ipsec_sas"].as_array().unwrap() {
            assert_eq!(x["udp_encapsulated"], true, "{cap} {}", x["spi"]);
        }
    }
}

#[test]
fn report_as_each_peer_reads_like_show_crypto() {
    let sc = "mm-psk-aes128-sha1-g14";
    let cap = lab_capture(sc);
    let keys = lab_keys(sc);
    for peer in ["192.0.2.1", "192.0.2.2"] {
        let other = if peer == "192.0.2.1" {
            "192.0.2.2"
        } else {
            "192.0.2.1"
        };
        for (with_keys, state) in [(true, "DELETED"), (false, "QM_IDLE")] {
            let mut args = vec!["report", cap.as_str(), "--as", peer];
            if with_keys {
                args.extend(["--keys", keys.as_str()]);
            }
            let run = ikescope(&args);
            run.ok();
            let out = &run.stdout;
            let label = format!("report --as {peer} (keys: {with_keys})");
            assert!(
                out.contains(&format!("{peer}# show crypto isakmp sa")),
                "{label}:\n{out}"
            );
            // The row: dst (responder) src (initiator) state conn-id.
            let row = out
                .lines()
                .find(|l| l.starts_with("192.0.2.2 ") && l.contains(" 192.0.2.1 "))
                .unwrap_or_else(|| panic!("{label}: no `show crypto isakmp sa` row:\n{out}"));
            assert!(row.contains(state), "{label}: row {row:?} lacks {state}");
            assert!(
                out.contains(&format!("{peer}# show crypto ipsec sa")),
                "{label}"
            );
            assert!(out.contains("#pkts encaps: 20"), "{label}:\n{out}");
            assert!(out.contains("#pkts decaps: 20"), "{label}:\n{out}");
            assert!(out.contains(&format!("current_peer {other}")), "{label}");
            assert!(
                out.contains(&format!(
                    "local crypto endpt.: {peer}, remote crypto endpt.: {other}"
                )),
                "{label}"
            );
        }
    }
    // Each peer's inbound SA is the one the other sends on.
    let t = truth(sc);
    for c in t["child_sas"].as_array().unwrap() {
        let receiver = s(c, "dst");
        let out = ikescope(&["report", &cap, "--as", receiver, "--keys", &keys]).stdout;
        let inbound = out
            .split("inbound esp sas:")
            .nth(1)
            .unwrap()
            .split("outbound esp sas:")
            .next()
            .unwrap();
        let spi = format!("0x{}", s(c, "spi").to_uppercase());
        assert!(
            inbound.contains(&spi),
            "report --as {receiver}: inbound lacks {spi}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Events

fn events(sc: &str, with_keys: bool) -> Vec<Value> {
    let cap = lab_capture(sc);
    let k = lab_keys(sc);
    let run = if with_keys {
        cached(&["events", cap.as_str(), "--keys", k.as_str()])
    } else {
        cached(&["events", cap.as_str()])
    };
    run.ok();
    run.json_lines()
}

#[test]
fn events_are_ordered_json_lines_ending_with_diagnoses() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        for with_keys in [true, false] {
            let ev = events(&sc, with_keys);
            let label = format!("{sc} (keys: {with_keys})");
            if ev.is_empty() {
                problems.push(format!("{label}: no events"));
                continue;
            }
            if ev[0]["event"] != "ike_sa_created" {
                problems.push(format!("{label}: first event {}", short(&ev[0])));
            }
            let first_diag = ev
                .iter()
                .position(|e| e["event"] == "diagnosis")
                .unwrap_or(ev.len());
            if ev[first_diag..].iter().any(|e| e["event"] != "diagnosis") {
                problems.push(format!("{label}: events after the diagnoses"));
            }
            let frames: Vec<u64> = ev[..first_diag].iter().map(|e| u(e, "frame")).collect();
            if frames.windows(2).any(|w| w[0] > w[1]) {
                problems.push(format!("{label}: frames out of order {frames:?}"));
            }
            for e in &ev {
                if !e["event"].is_string() {
                    problems.push(format!("{label}: event without a name {}", short(e)));
                }
            }
            let diag: Vec<String> = ev[first_diag..]
                .iter()
                .map(|e| s(e, "code").to_string())
                .collect();
            let rep = if with_keys {
                report(&lab_capture(&sc), &[&lab_keys(&sc)])
            } else {
                report(&lab_capture(&sc), &[])
            };
            let want = codes(&rep.json());
            if diag != want {
                problems.push(format!(
                    "{label}: diagnosis events {diag:?}, report {want:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn events_of_a_main_mode_tunnel() {
    let sc = "mm-psk-aes128-sha1-g14";
    let t = truth(sc);
    let ev = events(sc, true);
    let of = |name: &str| -> Vec<&Value> { ev.iter().filter(|e| e["event"] == name).collect() };
    assert_eq!(of("ike_sa_created").len(), 1);
    let states = |role: &str| -> Vec<String> {
        ev.iter()
            .filter(|e| {
                e["event"] == "state_change" && e["role"] == role && e["message_id"].is_null()
            })
            .map(|e| s(e, "to").to_string())
            .collect()
    };
    assert_eq!(
        states("initiator")[..7],
        [
            "IKE_I_MM1",
            "IKE_I_MM2",
            "IKE_I_MM3",
            "IKE_I_MM4",
            "IKE_I_MM5",
            "IKE_I_MM6",
            "IKE_P1_COMPLETE"
        ],
        "initiator's phase-1 states"
    );
    assert_eq!(
        states("responder")[..6],
        [
            "IKE_R_MM1",
            "IKE_R_MM2",
            "IKE_R_MM3",
            "IKE_R_MM4",
            "IKE_R_MM5",
            "IKE_P1_COMPLETE"
        ],
        "responder's phase-1 states"
    );
    let est = of("ike_sa_established");
    assert_eq!(est.len(), 1);
    assert_eq!(est[0]["frame"], 8, "established by MM6");
    let qm = of("quick_mode_done");
    assert_eq!(qm.len(), 1);
    let qm_spis: BTreeSet<String> = strings(&qm[0]["spis"]).into_iter().collect();
    let truth_spis: BTreeSet<String> = t["child_sas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("0x{}", s(c, "spi")))
        .collect();
    assert_eq!(qm_spis, truth_spis, "quick_mode_done SPIs");
    assert_eq!(qm[0]["message_id"], "0xbdb4972a");
    let first_seen: BTreeMap<String, u64> = of("spi_first_seen")
        .iter()
        .map(|e| (s(e, "spi").to_string(), u(e, "frame")))
        .collect();
    let want: BTreeMap<String, u64> = t["capture"]["esp_by_spi"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (format!("0x{k}"), u(v, "first_frame")))
        .collect();
    assert_eq!(first_seen, want, "spi_first_seen frames");
    let deletes = of("delete");
    let protos: Vec<&str> = deletes.iter().map(|e| s(e, "protocol")).collect();
    assert_eq!(
        protos,
        ["esp", "isakmp"],
        "deletes: the child SA, then the IKE SA"
    );
    let deleted: BTreeSet<String> = strings(&deletes[0]["spis"]).into_iter().collect();
    assert!(
        deleted.is_subset(&truth_spis) && !deleted.is_empty(),
        "deleted SPIs {deleted:?}"
    );
    for d in deletes {
        assert_eq!(d["by"], "192.0.2.1", "the initiator (left) terminates");
    }
}

#[test]
fn failing_scenarios_emit_their_diagnosis_event() {
    for (sc, code) in [
        ("mm-psk-mismatch", "psk_mismatch"),
        ("mm-proposal-mismatch", "phase1_policy_mismatch"),
        ("qm-proposal-mismatch", "phase2_proposal_mismatch"),
        ("qm-ts-mismatch", "proxy_id_mismatch"),
    ] {
        let ev = events(sc, true);
        let d: Vec<&Value> = ev.iter().filter(|e| e["event"] == "diagnosis").collect();
        assert_eq!(d.len(), 1, "{sc}: {d:?}");
        assert_eq!(d[0]["code"], code, "{sc}");
        assert!(
            d[0]["message"].as_str().is_some_and(|m| m.len() > 20),
            "{sc}: message"
        );
        assert!(
            d[0]["frames"].as_array().is_some_and(|f| !f.is_empty()),
            "{sc}: evidence frames"
        );
    }
    // The failures themselves are events too.
    let ev = events("mm-proposal-mismatch", true);
    assert!(
        ev.iter()
            .any(|e| e["event"] == "ike_sa_failed" && e["frame"] == 4)
    );
    for (sc, why) in [
        ("qm-proposal-mismatch", "NO_PROPOSAL_CHOSEN"),
        ("qm-ts-mismatch", "INVALID_ID_INFORMATION"),
    ] {
        let ev = events(sc, true);
        assert!(
            ev.iter().any(|e| e["event"] == "quick_mode_failed"
                && e["reason"].as_str().is_some_and(|r| r.contains(why))),
            "{sc}: no quick_mode_failed with {why}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// External captures without keys

struct External {
    file: &'static str,
    mode: &'static str,
    quick_mode: &'static str,
    /// Debug states the initiator must pass through.
    via: &'static [&'static str],
}

const EXTERNAL: [External; 5] = [
    External {
        file: "tcpdump/isakmp4500.pcap",
        mode: "main",
        quick_mode: "0x8b7e8947",
        via: &["IKE_I_MM1", "IKE_I_MM4", "IKE_P1_COMPLETE"],
    },
    External {
        file: "tcpdump/ISAKMP_sa_setup.pcap",
        mode: "main",
        quick_mode: "0x0f2b7862",
        via: &["IKE_I_MM1", "IKE_I_MM4", "IKE_P1_COMPLETE"],
    },
    External {
        file: "zeek/ipsec.cap",
        mode: "main",
        quick_mode: "0x221faf3c",
        via: &["IKE_I_MM1", "IKE_I_MM4", "IKE_P1_COMPLETE"],
    },
    External {
        file: "zeek/ipsec-ikev1-isakmp-aggressive-mode.pcap",
        mode: "aggressive",
        quick_mode: "0xe22a74c1",
        via: &["IKE_I_AM1", "IKE_I_AM2", "IKE_P1_COMPLETE"],
    },
    External {
        file: "suricata-verify/ikev1-isakmp-main-mode.pcap",
        mode: "main",
        quick_mode: "0x635a2e6a",
        via: &["IKE_I_MM1", "IKE_I_MM4", "IKE_P1_COMPLETE"],
    },
];

#[test]
fn external_captures_without_keys() {
    let mut problems = Vec::new();
    for x in EXTERNAL {
        let cap = format!("captures/external/{}", x.file);
        let run = report(&cap, &[]);
        run.ok();
        let doc = run.json();
        let rows = tshark_rows(&cap);
        let mut push = |ok: bool, msg: String| {
            if !ok {
                problems.push(format!("{}: {msg}", x.file));
            }
        };
        // The negotiated IKE SA (cookie pair of the quick mode).
        let qm_row = rows
            .iter()
            .find(|r| r["isakmp.exchangetype"] == "32")
            .unwrap();
        let Some(i) = doc["ike_sas"].as_array().unwrap().iter().find(|i| {
            i["initiator_cookie"] == qm_row["isakmp.ispi"].as_str()
                && i["responder_cookie"] == qm_row["isakmp.rspi"].as_str()
        }) else {
            push(
                false,
                format!(
                    "no IKE SA {}/{}",
                    qm_row["isakmp.ispi"], qm_row["isakmp.rspi"]
                ),
            );
            continue;
        };
        push(i["mode"] == x.mode, format!("mode {}", i["mode"]));
        for side in ["initiator", "responder"] {
            push(
                i["sides"][side]["isakmp_state"] == "QM_IDLE",
                format!(
                    "{side} state {} (quick mode seen: QM_IDLE)",
                    i["sides"][side]["isakmp_state"]
                ),
            );
        }
        let qms: Vec<&str> = i["quick_modes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| s(q, "message_id"))
            .collect();
        push(qms == [x.quick_mode], format!("quick modes {qms:?}"));
        let to: Vec<&str> = i["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["side"] == "initiator")
            .map(|t| s(t, "to"))
            .collect();
        for v in x.via {
            push(
                to.contains(v),
                format!("initiator never reached {v}: {to:?}"),
            );
        }
        // SPIs on the wire, with their packet counts, per the tshark oracle.
        let mut wire: BTreeMap<String, u64> = BTreeMap::new();
        for r in rows.iter().filter(|r| !r["esp.spi"].is_empty()) {
            *wire.entry(r["esp.spi"].clone()).or_default() += 1;
        }
        let ours: BTreeMap<String, u64> = doc["ipsec_sas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (s(x, "spi").to_string(), u(x, "packets")))
            .collect();
        push(ours == wire, format!("IPsec SAs {ours:?}, wire {wire:?}"));
        let tunnels = doc["tunnels"].as_array().unwrap();
        push(tunnels.len() == 1, format!("{} tunnels", tunnels.len()));
        if let Some(t) = tunnels.first() {
            let spis: BTreeSet<String> = strings(&t["ipsec_sas"]).into_iter().collect();
            push(
                spis == wire.keys().cloned().collect(),
                format!("tunnel SPIs {spis:?}"),
            );
            let want_status = if wire.is_empty() {
                "UP-IDLE"
            } else {
                "UP-ACTIVE"
            };
            push(
                t["status"] == want_status,
                format!("tunnel {} , want {want_status}", t["status"]),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn external_one_ike_sa_per_negotiation() {
    for x in EXTERNAL {
        let cap = format!("captures/external/{}", x.file);
        let doc = report(&cap, &[]).json();
        let cookies: Vec<&str> = doc["ike_sas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| s(i, "initiator_cookie"))
            .collect();
        let distinct: BTreeSet<&&str> = cookies.iter().collect();
        assert_eq!(
            cookies.len(),
            distinct.len(),
            "{}: IKE SAs {cookies:?}",
            x.file
        );
    }
}

#[test]
fn aggressive_mode_passes_through_ag_states() {
    let run = cached(&[
        "events",
        "captures/external/zeek/ipsec-ikev1-isakmp-aggressive-mode.pcap",
    ]);
    run.ok();
    let events = run.json_lines();
    let states: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "state_change" && e["role"] == "initiator")
        .filter_map(|e| e["isakmp_state"].as_str())
        .collect();
    assert_eq!(
        states,
        ["AG_NO_STATE", "AG_INIT_EXCH", "QM_IDLE"],
        "initiator's show crypto isakmp sa states"
    );
}

// ---------------------------------------------------------------------------------------------
// Bounded state

#[test]
fn cookie_flood_is_bounded() {
    // The lab's MM1 cut to its SA payload (no vendor IDs), sent 20,000 times with random
    // initiator cookies.
    let (_, frames) = read_pcap(&repo().join(lab_capture("mm-psk-aes128-sha1-g14")));
    let mm1 = &frames[2].data;
    let l = layers(mm1).unwrap();
    let isakmp = &mm1[l.l4 + 8..];
    assert_eq!(
        (isakmp[16], isakmp[18]),
        (1, 2),
        "frame 3 is MM1 starting with SA"
    );
    let sa_len = usize::from(u16::from_be_bytes([isakmp[30], isakmp[31]]));
    let mut minimal = isakmp[..28 + sa_len].to_vec();
    minimal[28] = 0; // SA is the last payload
    minimal[24..28].copy_from_slice(&(28 + sa_len as u32).to_be_bytes());
    let mut rng = Rng::new(2026);
    let n = 20_000u32;
    let flood: Vec<PcapFrame> = (0..n)
        .map(|i| {
            let mut msg = minimal.clone();
            msg[..8].copy_from_slice(&rng.next().to_be_bytes());
            PcapFrame {
                secs: 1_800_000_000 + i / 1000,
                usecs: (i % 1000) * 1000,
                data: eth_ipv4_udp([192, 0, 2, 1], [192, 0, 2, 2], 500, 500, &msg),
                orig_len: 0,
            }
        })
        .collect();
    let dir = tmp_dir("flood");
    let path = dir.join("flood.pcap");
    write_pcap(&path, LINKTYPE_ETHERNET, &flood);
    let p = path.to_string_lossy().into_owned();
    let run = ikescope(&["report", &p, "--json", "--max-ike-sas", "1000"]);
    run.ok();
    let doc = run.json();
    let kept = doc["ike_sas"].as_array().unwrap().len();
    assert!(kept <= 1000, "{kept} IKE SAs kept with --max-ike-sas 1000");
    assert!(kept >= 1, "nothing kept");
    let tracker = &doc["summary"]["tracker"];
    assert_eq!(
        u(tracker, "ike_sas_created"),
        u64::from(n),
        "IKE SAs created"
    );
    assert!(
        u(tracker, "ike_sas_evicted") >= 19_000,
        "evicted: {tracker}"
    );
    assert_eq!(u(&doc["summary"]["decode"], "isakmp_v1"), u64::from(n));
    let _ = std::fs::remove_dir_all(&dir);
}
