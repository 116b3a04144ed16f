//! Issue 3 acceptance (keys and decryption): derived keys equal the peers' own, every ESP packet
//! and encrypted IKE message of the lab decrypts and verifies, PSK verdicts prove mismatches,
//! the external captures decrypt as their projects assert, and secrets stay hidden.

mod acceptance_support;

use std::collections::{BTreeMap, BTreeSet};

use acceptance_support::*;
use serde_json::Value;

/// Lab scenarios whose IKE version is `v` and whose phase 1 was established.
fn established(v: u64) -> Vec<String> {
    lab_scenarios()
        .into_iter()
        .filter(|sc| {
            let t = truth(sc);
            t["ike_sas"][0]["ike_version"] == v && t["ike_sas"][0]["outcome"] == "established"
        })
        .collect()
}

/// The installed child SAs of a scenario (xfrm states that completed).
fn installed_children(t: &Value) -> Vec<&Value> {
    t["child_sas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["installed"] != false)
        .collect()
}

/// The sender's xfrm counters at delete, else at the snapshot: (packets, inner bytes).
fn sender_counters(child: &Value) -> (u64, u64) {
    let sender = &child["counters"]["sender"];
    let c = if sender["at_delete"].is_object() {
        &sender["at_delete"]
    } else {
        &sender["at_snapshot"]
    };
    (u(c, "packets"), u(c, "bytes"))
}

fn ike_sa<'a>(doc: &'a Value, cookie: &str) -> &'a Value {
    doc["ike_sas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["initiator_cookie"] == cookie)
        .unwrap_or_else(|| panic!("no ike_sas entry for {cookie} in {}", short(doc)))
}

fn check_phase1(label: &str, entry: &Value, want: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (ours, theirs) in [
        ("skeyid", "skeyid"),
        ("skeyid_d", "skeyid_d"),
        ("skeyid_a", "skeyid_a"),
        ("skeyid_e", "skeyid_e"),
        ("encryption_key", "encryption_key"),
        ("iv", "initial_iv"),
    ] {
        if entry[ours] != want[theirs] {
            problems.push(format!(
                "{label}: {ours} {} , truth {}",
                entry[ours], want[theirs]
            ));
        }
    }
    problems
}

#[test]
fn ikev1_phase1_keys_equal_truth() {
    let mut problems = Vec::new();
    let scenarios = established(1);
    assert!(scenarios.len() >= 10, "{scenarios:?}");
    for sc in &scenarios {
        let t = truth(sc);
        let sa = &t["ike_sas"][0];
        let run = keys_json(&lab_capture(sc), &[&lab_keys(sc)], true);
        run.ok();
        let doc = run.json();
        let entry = ike_sa(&doc, s(sa, "initiator_cookie"));
        assert_eq!(entry["version"], 1, "{sc}");
        problems.extend(check_phase1(sc, entry, &sa["keys"]["initiator"]));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The PSK-mismatch peers derived different keys: the left's PSK gives the initiator's chain,
/// the right's PSK the responder's.
#[test]
fn psk_mismatch_each_side_keys_from_its_own_psk() {
    let sc = "mm-psk-mismatch";
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    assert_eq!(sa["keys_equal_both_sides"], false);
    let cookie = s(sa, "initiator_cookie");
    let left = keys_json(&lab_capture(sc), &[&lab_keys(sc)], true).json();
    let problems = check_phase1("left PSK", ike_sa(&left, cookie), &sa["keys"]["initiator"]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let right_keys = right_psk_keys_file();
    let right = ikescope(&[
        "keys",
        &lab_capture(sc),
        "--keys",
        &right_keys,
        "--json",
        "--show-keys",
    ]);
    right.ok();
    let problems = check_phase1(
        "right PSK",
        ike_sa(&right.json(), cookie),
        &sa["keys"]["responder"],
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// mm-psk-mismatch's keys.toml with the right's PSK instead of the left's.
fn right_psk_keys_file() -> String {
    let sc = "mm-psk-mismatch";
    let t = truth(sc);
    let psk = &t["ike_sas"][0]["psk"];
    let left = s(&psk["initiator"], "secret");
    let right = s(&psk["responder"], "secret");
    assert_ne!(left, right);
    let text = std::fs::read_to_string(repo().join(lab_keys(sc))).unwrap();
    assert!(text.contains(left), "keys.toml holds the left PSK");
    let dir = tmp_dir("right-psk");
    let path = dir.join("right.toml");
    write_private(&path, &text.replace(left, right));
    path.to_string_lossy().into_owned()
}

#[test]
fn ikev2_keys_equal_truth() {
    let sc = "ikev2-psk-aes128";
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    let want = &sa["keys"]["initiator"];
    let doc = keys_json(&lab_capture(sc), &[&lab_keys(sc)], true).json();
    let entry = ike_sa(&doc, s(sa, "initiator_cookie"));
    assert_eq!(entry["version"], 2);
    for k in ["sk_ei", "sk_er", "sk_ai", "sk_ar"] {
        assert_eq!(entry[k], want[k], "{sc}: {k}");
    }
    assert_eq!(entry["skeyid_d"], want["sk_d"], "{sc}: SK_d");
}

#[test]
fn esp_keys_equal_truth_for_every_installed_child_sa() {
    let mut problems = Vec::new();
    let mut covered = 0;
    for sc in lab_scenarios() {
        let t = truth(&sc);
        let children = installed_children(&t);
        let doc = keys_json(&lab_capture(&sc), &[&lab_keys(&sc)], true).json();
        let ours: BTreeMap<String, &Value> = doc["ipsec_sas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(e, "spi").to_string(), e))
            .collect();
        if ours.len() != children.len() {
            problems.push(format!(
                "{sc}: {} ipsec_sas with keys, truth installed {} child SAs",
                ours.len(),
                children.len()
            ));
        }
        for c in children {
            let spi = format!("0x{}", s(c, "spi"));
            let Some(e) = ours.get(&spi) else {
                problems.push(format!("{sc}: no keys for child SA {spi}"));
                continue;
            };
            covered += 1;
            let enc = &c["encryption"]["key"];
            let integ = if c["integrity"].is_null() {
                Value::String(String::new())
            } else {
                c["integrity"]["key"].clone()
            };
            if e["encryption_key"] != *enc {
                problems.push(format!(
                    "{sc} {spi}: encryption key {} , truth {enc}",
                    e["encryption_key"]
                ));
            }
            if e["integrity_key"] != integ {
                problems.push(format!(
                    "{sc} {spi}: integrity key {} , truth {integ}",
                    e["integrity_key"]
                ));
            }
            if c["integrity"].is_null() && e["integrity"] != "NONE" {
                problems.push(format!(
                    "{sc} {spi}: AEAD SA shows integrity {}",
                    e["integrity"]
                ));
            }
            if e["src"] != c["src"] || e["dst"] != c["dst"] {
                problems.push(format!(
                    "{sc} {spi}: {} → {}, truth {} → {}",
                    e["src"], e["dst"], c["src"], c["dst"]
                ));
            }
        }
    }
    assert!(covered >= 66, "only {covered} child SAs covered");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_lab_esp_packet_decrypts_and_counts_match_xfrm() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        let t = truth(&sc);
        let keys = lab_keys(&sc);
        let mut captures = vec![lab_capture(&sc)];
        if !t["capture_inside"].is_null() {
            captures.push(format!("captures/lab/{sc}/capture-inside.pcap"));
        }
        for cap in &captures {
            let run = dissect(cap, &[&keys], false);
            run.ok();
            let mut per_spi: BTreeMap<String, u64> = BTreeMap::new();
            for o in run.json_lines().iter().filter(|o| o["protocol"] == "esp") {
                let ok = o["decrypted"] == true
                    && o["icv"] == "ok"
                    && o["inner"]["summary"]
                        .as_str()
                        .is_some_and(|x| !x.is_empty());
                if !ok {
                    problems.push(format!("{cap} frame {}: {}", o["frame"], short(o)));
                }
                *per_spi.entry(s(o, "spi").to_string()).or_default() += 1;
            }
            for c in installed_children(&t) {
                let spi = format!("0x{}", s(c, "spi"));
                let (packets, _) = sender_counters(c);
                let wire = c["wire"]["packets"].as_u64().unwrap_or(0);
                let got = per_spi.get(&spi).copied().unwrap_or(0);
                if got != packets || got != wire {
                    problems.push(format!(
                        "{cap} {spi}: {got} decrypted, xfrm sender {packets}, wire {wire}"
                    ));
                }
            }
        }
        // report: decrypted packets and inner bytes per SA equal the sender's xfrm counters.
        let doc = report(&lab_capture(&sc), &[&keys]).json();
        let sas: BTreeMap<String, &Value> = doc["ipsec_sas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (s(e, "spi").to_string(), e))
            .collect();
        for c in installed_children(&t) {
            let spi = format!("0x{}", s(c, "spi"));
            let (packets, bytes) = sender_counters(c);
            match sas.get(&spi) {
                None => problems.push(format!("{sc}: report has no IPsec SA {spi}")),
                Some(e) => {
                    if e["decrypted"].as_u64() != Some(packets)
                        || e["inner_bytes"].as_u64() != Some(bytes)
                    {
                        problems.push(format!(
                            "{sc} {spi}: report decrypted {} inner_bytes {}, xfrm {packets} packets {bytes} bytes",
                            e["decrypted"], e["inner_bytes"]
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn encrypted_ikev1_messages_decrypt_and_hashes_verify() {
    let mut problems = Vec::new();
    for sc in established(1) {
        let run = dissect(&lab_capture(&sc), &[&lab_keys(&sc)], false);
        run.ok();
        let objs = run.json_lines();
        let mut encrypted = 0;
        for o in of_protocol(&objs, "isakmp") {
            let carries_hash = o["position"] != "MM1"
                && o["position"] != "MM2"
                && o["position"] != "MM3"
                && o["position"] != "MM4"
                && o["position"] != "AM1";
            if o["encrypted"] == true {
                encrypted += 1;
                if o["decrypted"] != true {
                    problems.push(format!(
                        "{sc} frame {}: not decrypted: {}",
                        o["frame"],
                        short(o)
                    ));
                }
            }
            if carries_hash && o["hash_verified"] != true {
                problems.push(format!(
                    "{sc} frame {} ({}): hash {} verified {}",
                    o["frame"], o["position"], o["hash"], o["hash_verified"]
                ));
            }
        }
        if encrypted == 0 {
            problems.push(format!("{sc}: no encrypted message"));
        }
        // Decrypted payload lists equal charon's, message by message.
        problems.extend(compare_with_sent(&sc, &objs, &|o| {
            o["encrypted"] == false || o["decrypted"] == true
        }));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ikev2_lab_messages_decrypt_and_verify() {
    let sc = "ikev2-psk-aes128";
    let run = dissect(&lab_capture(sc), &[&lab_keys(sc)], false);
    let objs = run.json_lines();
    let mut problems = Vec::new();
    for o in of_protocol(&objs, "isakmp") {
        if o["encrypted"] == true && (o["decrypted"] != true || o["integrity_verified"] != true) {
            problems.push(format!("{sc} frame {}: {}", o["frame"], short(o)));
        }
    }
    problems.extend(compare_with_sent(sc, &objs, &|o| {
        o["encrypted"] == false || o["decrypted"] == true
    }));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn psk_verdicts(entry: &Value) -> BTreeMap<String, String> {
    entry["psk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (s(p, "side").to_string(), s(p, "verdict").to_string()))
        .collect()
}

#[test]
fn psk_mismatch_verdicts_and_diagnosis() {
    let sc = "mm-psk-mismatch";
    let t = truth(sc);
    let cookie = s(&t["ike_sas"][0], "initiator_cookie");
    // keys.toml holds the left's (initiator's) PSK.
    let doc = keys_json(&lab_capture(sc), &[&lab_keys(sc)], false).json();
    let entry = ike_sa(&doc, cookie);
    let v = psk_verdicts(entry);
    assert_eq!(
        v.get("initiator").map(String::as_str),
        Some("matches"),
        "{sc}: {}",
        entry["psk"]
    );
    assert_eq!(
        v.get("responder").map(String::as_str),
        Some("refuted"),
        "{sc}: {}",
        entry["psk"]
    );
    let hash_i = entry["psk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["side"] == "initiator")
        .unwrap();
    assert_eq!(
        hash_i["check"], "HASH_I",
        "{sc}: the initiator's PSK is proved by HASH_I"
    );
    let codes: Vec<String> = report(&lab_capture(sc), &[&lab_keys(sc)]).json()["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(d, "code").to_string())
        .collect();
    assert_eq!(codes, ["psk_mismatch"], "{sc} diagnoses");

    // With the right's (responder's) PSK the verdicts swap, and the responder's PAYLOAD_MALFORMED
    // informationals decrypt and verify.
    let right = right_psk_keys_file();
    let run = ikescope(&["keys", &lab_capture(sc), "--keys", &right, "--json"]);
    run.ok();
    let doc = run.json();
    let v = psk_verdicts(ike_sa(&doc, cookie));
    assert_eq!(
        v.get("initiator").map(String::as_str),
        Some("refuted"),
        "right PSK: {v:?}"
    );
    assert_eq!(
        v.get("responder").map(String::as_str),
        Some("matches"),
        "right PSK: {v:?}"
    );
    let run = ikescope(&["dissect", &lab_capture(sc), "--keys", &right, "--json"]);
    let objs = run.json_lines();
    let infos: Vec<&Value> = of_protocol(&objs, "isakmp")
        .into_iter()
        .filter(|o| o["position"] == "INFO")
        .collect();
    assert_eq!(infos.len(), 4);
    for o in infos {
        assert_eq!(o["decrypted"], true, "frame {}", o["frame"]);
        assert_eq!(
            strings(&o["payloads"]),
            ["HASH", "N(PAYLOAD_MALFORMED)"],
            "frame {}",
            o["frame"]
        );
        assert_eq!(o["hash_verified"], true, "frame {}", o["frame"]);
    }
    let codes: Vec<String> = ikescope(&["report", &lab_capture(sc), "--keys", &right, "--json"])
        .json()["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(d, "code").to_string())
        .collect();
    assert_eq!(
        codes,
        ["psk_mismatch"],
        "{sc} diagnoses with the right's PSK"
    );
}

fn psk_only_file(name: &str, secret: &str) -> String {
    let dir = tmp_dir(name);
    let path = dir.join("psk.toml");
    write_private(&path, &format!("[[psk]]\nsecret = \"{secret}\"\n"));
    path.to_string_lossy().into_owned()
}

#[test]
fn aggressive_mode_hash_r_verifies_with_the_psk_alone() {
    let sc = "am-psk-aes256-sha256-g14";
    let t = truth(sc);
    let secret = s(&t["ike_sas"][0]["psk"]["responder"], "secret");
    let cookie = s(&t["ike_sas"][0], "initiator_cookie");
    for (label, psk, verified, verdict) in [
        ("the right PSK", secret.to_string(), true, "matches"),
        ("a wrong PSK", format!("{secret}-wrong"), false, "refuted"),
    ] {
        let file = psk_only_file("am-psk", &psk);
        let run = ikescope(&["dissect", &lab_capture(sc), "--keys", &file, "--json"]);
        run.ok();
        let objs = run.json_lines();
        let am2 = of_protocol(&objs, "isakmp")
            .into_iter()
            .find(|o| o["position"] == "AM2")
            .expect("AM2");
        assert_eq!(am2["hash"], "HASH_R", "{label}: {}", short(am2));
        assert_eq!(am2["hash_verified"], verified, "{label}: {}", short(am2));
        let run = ikescope(&["keys", &lab_capture(sc), "--keys", &file, "--json"]);
        let doc = run.json();
        let entry = ike_sa(&doc, cookie);
        let v = psk_verdicts(entry);
        assert_eq!(
            v.get("responder").map(String::as_str),
            Some(verdict),
            "{label}: {}",
            entry["psk"]
        );
        assert!(!run.stdout.contains(&psk), "{label}: the PSK is printed");
    }
}

#[test]
fn aggressive_mode_missing_hint_names_aggressive_mode() {
    let sc = "am-psk-aes256-sha256-g14";
    let t = truth(sc);
    let file = psk_only_file("am-hint", s(&t["ike_sas"][0]["psk"]["responder"], "secret"));
    let doc = ikescope(&["keys", &lab_capture(sc), "--keys", &file, "--json"]).json();
    let entry = ike_sa(&doc, s(&t["ike_sas"][0], "initiator_cookie"));
    let missing = s(entry, "missing");
    assert!(!missing.contains("main mode"), "{missing}");
    assert!(
        missing.to_lowercase().contains("aggressive") || missing.contains("AM3"),
        "{missing}"
    );
}

// ---------------------------------------------------------------------------------------------
// External captures with keys

const W: &str = "captures/external/wireshark";

#[test]
fn wireshark_ikev1_certs_decrypts_main_and_quick_mode() {
    let cap = format!("{W}/ikev1-certs.pcap");
    let table = format!("{W}/ikev1_decryption_table");
    let run = dissect(&cap, &[&table], false);
    run.ok();
    let objs = run.json_lines();
    for (f, pos, want) in [
        (5, "MM5", &["ID", "CERT", "SIG"][..]),
        (6, "MM6", &["ID", "CERT", "SIG"][..]),
    ] {
        let o = frame(&objs, f);
        assert_eq!(o["position"], pos, "frame {f}");
        assert_eq!(o["decrypted"], true, "frame {f}: {}", short(o));
        let p = strings(&o["payloads"]);
        for w in want {
            assert!(
                p.contains(&w.to_string()),
                "frame {f}: {w} missing from {p:?}"
            );
        }
        assert!(
            o["details"].to_string().contains("Certificate: X.509"),
            "frame {f}: the certificate payload is decoded"
        );
    }
    for f in 7..=10 {
        let o = frame(&objs, f);
        assert_eq!(o["exchange"], "quick", "frame {f}");
        assert_eq!(o["decrypted"], true, "frame {f}: {}", short(o));
        assert!(
            strings(&o["payloads"]).first().is_some_and(|p| p == "HASH"),
            "frame {f}"
        );
    }
    // Frame 8 is a byte-identical retransmission of frame 7: it decrypts the same way.
    let (f7, f8) = (frame(&objs, 7), frame(&objs, 8));
    assert_eq!(f8["retransmission"], true);
    assert_eq!(f7["payloads"], f8["payloads"]);
    assert_eq!(
        f7["details"], f8["details"],
        "frame 8 decrypts exactly like frame 7"
    );
    assert_eq!(f7["position"], f8["position"]);
}

#[test]
fn wireshark_ikev1_certs_certificate_names_openswan() {
    let cap = format!("{W}/ikev1-certs.pcap");
    let table = format!("{W}/ikev1_decryption_table");
    let objs = dissect(&cap, &[&table], true).json_lines();
    // MM5 carries the initiator's (OpenSwan's) certificate, MM6 the responder's (an SRX), both
    // issued by the same CA — as tshark decodes them.
    for (f, subject) in [(5, "CN=OpenSwan"), (6, "CN=srx210-3")] {
        let details = frame(&objs, f)["details"].to_string();
        assert!(
            details.contains(subject),
            "frame {f}: certificate subject {subject} not shown"
        );
        assert!(
            details.contains("CN=SchendlZertifikate"),
            "frame {f}: issuer not shown"
        );
    }
}

#[test]
fn wireshark_esp_bug_12671_decrypts_with_good_icv() {
    let cap = format!("{W}/esp-bug-12671.pcapng.gz");
    let run = dissect(&cap, &[&format!("{W}/esp_sa")], true);
    run.ok();
    let objs = run.json_lines();
    let esp = of_protocol(&objs, "esp");
    assert_eq!(esp.len(), 6);
    let spis: BTreeSet<&str> = esp.iter().map(|o| s(o, "spi")).collect();
    assert_eq!(spis.len(), 2, "two SAs: {spis:?}");
    for o in esp {
        assert_eq!(o["decrypted"], true, "frame {}", o["frame"]);
        assert_eq!(o["icv"], "ok", "frame {}", o["frame"]);
        let bytes = s(&o["inner"], "bytes");
        assert!(
            bytes.contains("08090a0b0c0d0e0f1011121314151617"),
            "frame {}: inner bytes {bytes}",
            o["frame"]
        );
    }
}

/// AUTH payload data per IKE_AUTH frame, as tshark 4.0 decrypts them with the same table
/// (captures/external/README.md gives one of each pair).
const IKEV2_AUTH: [(&str, [(u64, &str); 2]); 3] = [
    (
        "ikev2-decrypt-3des-sha1_160.pcap",
        [
            (
                3,
                "02f7a0d5f1fdc8ea81039818c65bb9bd09af9b8917319b887ff9ba3046c344c7",
            ),
            (
                4,
                "f6bbc7b60d1502191f1c6bed6fd8dcda8c4c0f879ff5ae544b66086392959641",
            ),
        ],
    ),
    (
        "ikev2-decrypt-aes256cbc.pcapng",
        [
            (
                3,
                "e1a8d550064201a7ec024a85758d0673c61c5c510ac13bcd225d6327f50da3d3",
            ),
            (
                4,
                "ebbc48efe986d5058f0d52a71f34986d1ab78f63c0fdde69164cd57638b1b048",
            ),
        ],
    ),
    (
        "ikev2-decrypt-aes256gcm16.pcap",
        [
            (
                3,
                "bc404a4c66a36c59a0b3fd700bbc5597176ad2c5e5df5bba82c4a6b6b4ef8b31",
            ),
            (
                4,
                "9ab71f14ab553cad873a1aa70b99df155dee77cdcf3694b3b7527acbb9712ded",
            ),
        ],
    ),
];

#[test]
fn wireshark_ikev2_ike_auth_decrypts_and_verifies() {
    let table = format!("{W}/ikev2_decryption_table");
    for (file, frames) in IKEV2_AUTH {
        let cap = format!("{W}/{file}");
        let run = dissect(&cap, &[&table], false);
        run.ok();
        let objs = run.json_lines();
        for (f, _) in frames {
            let o = frame(&objs, f);
            assert_eq!(o["exchange"], "ike_auth", "{file} frame {f}");
            assert_eq!(o["decrypted"], true, "{file} frame {f}: {}", short(o));
            assert_eq!(o["integrity_verified"], true, "{file} frame {f}");
            let inner = strings(&o["decrypted_payloads"]);
            assert!(
                inner.contains(&"AUTH".to_string()),
                "{file} frame {f}: {inner:?}"
            );
        }
        // Every encrypted message of these captures decrypts and verifies.
        for o in of_protocol(&objs, "isakmp") {
            if o["encrypted"] == true {
                assert_eq!(o["integrity_verified"], true, "{file} frame {}", o["frame"]);
            }
        }
    }
}

#[test]
fn wireshark_ikev2_auth_data_equals_the_published_values() {
    let table = format!("{W}/ikev2_decryption_table");
    for (file, frames) in IKEV2_AUTH {
        let objs = dissect(&format!("{W}/{file}"), &[&table], true).json_lines();
        for (f, data) in frames {
            let details = frame(&objs, f)["details"].to_string().to_lowercase();
            assert!(
                details.contains(data),
                "{file} frame {f}: AUTH data {data} not shown"
            );
        }
    }
}

#[test]
fn tcpdump_sunrise_sunset_esp_decrypts_with_tcpdump_key_syntax() {
    let dir = tmp_dir("tcpdump-key");
    let path = dir.join("esp-secrets");
    write_private(
        &path,
        "0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043434545464649494a4a4c4c4f4f515152525454575758\n",
    );
    let k = path.to_string_lossy().into_owned();
    let run = ikescope(&[
        "dissect",
        "captures/external/tcpdump/02-sunrise-sunset-esp.pcap",
        "--keys",
        &k,
        "--json",
    ]);
    run.ok();
    let objs = run.json_lines();
    let esp = of_protocol(&objs, "esp");
    assert_eq!(esp.len(), 8);
    for o in esp {
        assert_eq!(o["decrypted"], true, "frame {}: {}", o["frame"], short(o));
        let summary = s(&o["inner"], "summary");
        assert!(
            summary.contains("192.0.2.1 → 192.0.1.1") && summary.contains("echo request"),
            "frame {}: {summary}",
            o["frame"]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Every secret of a lab scenario: PSKs (text and hex), g^xy, the SKEYID chain, IKEv2 SK_*,
/// and every ESP key.
fn lab_secrets(t: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for sa in t["ike_sas"].as_array().unwrap() {
        for side in ["initiator", "responder"] {
            let p = &sa["psk"][side];
            out.push(s(p, "secret").to_string());
            out.push(s(p, "secret_hex").to_string());
            for (k, v) in sa["keys"][side].as_object().unwrap() {
                if k != "initial_iv"
                    && let Some(h) = v.as_str()
                {
                    out.push(h.to_string());
                }
            }
        }
    }
    for c in t["child_sas"].as_array().unwrap() {
        for part in ["encryption", "integrity"] {
            if let Some(k) = c[part]["key"].as_str() {
                out.push(k.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out.retain(|x| x.len() >= 8);
    out
}

#[test]
fn secrets_never_appear_without_show_keys() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        let t = truth(&sc);
        let secrets = lab_secrets(&t);
        assert!(secrets.len() >= 2, "{sc}: {secrets:?}");
        let cap = lab_capture(&sc);
        let k = lab_keys(&sc);
        for args in [
            vec!["dissect", &cap, "--keys", &k],
            vec!["dissect", &cap, "--keys", &k, "-v"],
            vec!["dissect", &cap, "--keys", &k, "--json", "-v"],
            vec!["keys", &cap, "--keys", &k],
            vec!["keys", &cap, "--keys", &k, "--json"],
            vec!["report", &cap, "--keys", &k],
            vec!["report", &cap, "--keys", &k, "--json"],
            vec!["events", &cap, "--keys", &k],
        ] {
            let run = ikescope(&args);
            run.ok();
            let all = format!("{}\n{}", run.stdout, run.stderr).to_lowercase();
            for secret in &secrets {
                if all.contains(&secret.to_lowercase()) {
                    problems.push(format!(
                        "{sc}: `{}` prints secret {}…",
                        run.cmd(),
                        &secret[..8]
                    ));
                }
            }
        }
        // With --show-keys, `keys` prints the derived keys.
        let shown = ikescope(&["keys", &cap, "--keys", &k, "--show-keys"]);
        shown.ok();
        let sa = &t["ike_sas"][0];
        if sa["ike_version"] == 1 && sa["outcome"] == "established" {
            for key in [
                "skeyid",
                "skeyid_d",
                "skeyid_a",
                "skeyid_e",
                "encryption_key",
            ] {
                if !shown.stdout.contains(s(&sa["keys"]["initiator"], key)) {
                    problems.push(format!("{sc}: keys --show-keys does not print {key}"));
                }
            }
        }
        for c in installed_children(&t) {
            if !shown.stdout.contains(s(&c["encryption"], "key")) {
                problems.push(format!(
                    "{sc}: keys --show-keys does not print the key of {}",
                    c["spi"]
                ));
            }
        }
    }
    // Ready keys from Wireshark tables stay hidden too.
    for (cap, table, secret) in [
        (
            "ikev1-certs.pcap",
            "ikev1_decryption_table",
            "735be0cb62f82675c4f7bf8fbab9b56834ba76d6ab4fa240",
        ),
        (
            "esp-bug-12671.pcapng.gz",
            "esp_sa",
            "5de1a4c2c72662c9fda7a7c78cd25623",
        ),
        (
            "ikev2-decrypt-aes256cbc.pcapng",
            "ikev2_decryption_table",
            "9096ddd2933620e8f48122c53a3f562cb0222c1cf97ce41fcc874ea2582a89ac",
        ),
    ] {
        for cmd in ["dissect", "keys", "report"] {
            let run = ikescope(&[
                cmd,
                &format!("{W}/{cap}"),
                "--keys",
                &format!("{W}/{table}"),
                "--json",
            ]);
            if format!("{}{}", run.stdout, run.stderr)
                .to_lowercase()
                .contains(secret)
            {
                problems.push(format!("`{}` prints a key from {table}", run.cmd()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Wireshark export round trip

/// What decryption must reproduce: per frame, decrypted payloads and the ESP inner packet.
fn decryption_view(objs: &[Value]) -> BTreeMap<u64, String> {
    objs.iter()
        .map(|o| {
            (
                u(o, "frame"),
                format!(
                    "{} dec={} payloads={} dp={} icv={} inner={}",
                    o["protocol"],
                    o["decrypted"],
                    o["payloads"],
                    o["decrypted_payloads"],
                    o["icv"],
                    o["inner"]["summary"]
                ),
            )
        })
        .collect()
}

#[test]
fn wireshark_tables_round_trip() {
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut unloadable = Vec::new();
    for sc in lab_scenarios() {
        let t = truth(&sc);
        let cap = lab_capture(&sc);
        let dir = tmp_dir(&format!("ws-{sc}"));
        let d = dir.to_string_lossy().into_owned();
        let run = ikescope(&[
            "keys",
            &cap,
            "--keys",
            &lab_keys(&sc),
            "--wireshark",
            &d,
            "--show-keys",
        ]);
        run.ok();
        // Empty tables are left out here (see wireshark_tables_written_always_load_back).
        let mut files = Vec::new();
        for f in ["ikev1_decryption_table", "esp_sa"] {
            let p = dir.join(f);
            if std::fs::metadata(&p).is_ok_and(|m| m.len() > 0) {
                files.push(p.to_string_lossy().into_owned());
            }
        }
        let v1_established =
            t["ike_sas"][0]["ike_version"] == 1 && t["ike_sas"][0]["outcome"] == "established";
        if v1_established && !dir.join("ikev1_decryption_table").exists() {
            problems.push(format!("{sc}: no ikev1_decryption_table written"));
            continue;
        }
        if !installed_children(&t).is_empty() && !dir.join("esp_sa").exists() {
            problems.push(format!("{sc}: no esp_sa written"));
            continue;
        }
        if files.is_empty() {
            continue;
        }
        let table_text = std::fs::read_to_string(dir.join("esp_sa")).unwrap_or_default();
        for c in installed_children(&t) {
            let spi = format!("0x{}", s(c, "spi"));
            if !table_text.contains(&spi) {
                problems.push(format!("{sc}: esp_sa lacks {spi}"));
            }
        }
        let original = dissect(&cap, &[&lab_keys(&sc)], false).json_lines();
        let refs: Vec<&str> = files.iter().map(String::as_str).collect();
        let again = ikescope(&{
            let mut a = vec!["dissect", cap.as_str(), "--json"];
            for f in &refs {
                a.push("--keys");
                a.push(f);
            }
            a
        });
        if again.code != Some(0) {
            // Exports that do not load back are wireshark_tables_written_always_load_back's.
            unloadable.push(sc.clone());
            continue;
        }
        compared += 1;
        let want = decryption_view(&original);
        let got = decryption_view(&again.json_lines());
        // IKEv2 SAs are not exported (only IKEv1 and ESP tables): compare ESP there.
        let relevant = |v: &BTreeMap<u64, String>| -> BTreeMap<u64, String> {
            v.iter()
                .filter(|(_, x)| t["ike_sas"][0]["ike_version"] == 1 || x.starts_with("\"esp\""))
                .map(|(k, x)| (*k, x.clone()))
                .collect()
        };
        let (want, got) = (relevant(&want), relevant(&got));
        for (f, w) in &want {
            if got.get(f) != Some(w) {
                problems.push(format!(
                    "{sc} frame {f}: with the exported tables\n  got  {:?}\n  want {w}",
                    got.get(f)
                ));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        compared >= 10,
        "only {compared} scenarios round-tripped; unloadable: {unloadable:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn wireshark_tables_written_always_load_back() {
    let mut problems = Vec::new();
    for sc in lab_scenarios() {
        let cap = lab_capture(&sc);
        let dir = tmp_dir(&format!("ws-all-{sc}"));
        let d = dir.to_string_lossy().into_owned();
        ikescope(&[
            "keys",
            &cap,
            "--keys",
            &lab_keys(&sc),
            "--wireshark",
            &d,
            "--show-keys",
        ])
        .ok();
        let mut args = vec!["report".to_string(), cap.clone(), "--json".to_string()];
        for f in ["ikev1_decryption_table", "esp_sa"] {
            if dir.join(f).exists() {
                args.push("--keys".into());
                args.push(dir.join(f).to_string_lossy().into_owned());
            }
        }
        let run = ikescope(&args);
        if run.code != Some(0) {
            problems.push(format!("{sc}: {}", run.error_lines().join(" / ")));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn wireshark_export_is_written_as_documented_without_printing_keys() {
    // `--wireshark DIR` asks for key files: the help says they are written without
    // --show-keys, owner-readable only, and that nothing secret is printed.
    let sc = "mm-psk-aes128-sha1-g14";
    let dir = tmp_dir("ws-no-show");
    let d = dir.to_string_lossy().into_owned();
    let help = ikescope(&["keys", "--help"]).stdout;
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("without --show-keys"),
        "help text changed:\n{help}"
    );
    let run = ikescope(&[
        "keys",
        &lab_capture(sc),
        "--keys",
        &lab_keys(sc),
        "--wireshark",
        &d,
    ]);
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["esp_sa", "ikev1_decryption_table"],
        "`{}`",
        run.cmd()
    );
    #[cfg(unix)]
    for name in &written {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name} must be readable by its owner only");
    }
    let t = truth(sc);
    let ka = t["ike_sas"][0]["keys"]["initiator"]["encryption_key"]
        .as_str()
        .unwrap();
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(ka),
            "the phase-1 key was printed by `{}`",
            run.cmd()
        );
    }
}
