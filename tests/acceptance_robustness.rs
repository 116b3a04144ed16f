//! Issue 2 acceptance (robustness): hostile and generated inputs never crash `dissect` or
//! `report`, everything decodable is decoded, and the closing summary names each anomaly.

mod acceptance_support;

use std::collections::{BTreeMap, BTreeSet};

use acceptance_support::*;
use serde_json::Value;

fn robustness(name: &str) -> String {
    format!("captures/external/robustness/{name}")
}

/// Every command a user might point at a hostile file: exit 0 or 1, never a signal (checked in
/// `ikescope()`), and machine-readable output stays parseable.
#[test]
fn hostile_and_generated_files_never_crash() {
    let mut files = files_in("captures/external/robustness");
    files.extend(
        files_in("captures/generated")
            .into_iter()
            .filter(|f| f.ends_with(".pcap") || f.ends_with(".pcapng")),
    );
    assert!(
        files.len() >= 6 + 31,
        "hostile + generated files: {files:?}"
    );
    for f in &files {
        for args in [
            vec!["dissect", f],
            vec!["dissect", f, "--json"],
            vec!["report", f, "--json"],
            vec!["events", f],
        ] {
            let run = cached(&args);
            assert!(
                matches!(run.code, Some(0 | 1)),
                "`{}` exit {:?}; stderr:\n{}",
                run.cmd(),
                run.code,
                run.stderr
            );
            if run.code == Some(0) {
                if args.contains(&"--json") && args[0] == "dissect" || args[0] == "events" {
                    run.json_lines();
                } else if args.contains(&"--json") {
                    run.json();
                }
            }
        }
    }
}

#[test]
fn pointer_loop_zero_length_is_named() {
    let f = robustness("isakmp-pointer-loop.pcap");
    let run = dissect(&f, &[], false);
    run.ok();
    let an = run.anomalies();
    assert_eq!(
        an.get("ISAKMP header: bad_length"),
        Some(&(1, 1)),
        "{f}: summary anomalies {an:?}"
    );
    let objs = run.json_lines();
    let o = frame(&objs, 1);
    assert_eq!(o["protocol"], "isakmp", "{f} frame 1: {}", short(o));
    assert_eq!(o["anomaly"], "ISAKMP header: bad_length", "{f} frame 1");
    assert!(
        s(o, "error").contains("length 0"),
        "{f} frame 1: the error names the zero length: {}",
        o["error"]
    );
    let rep = report(&f, &[]);
    rep.ok();
    let names: Vec<String> = rep.json()["summary"]["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(a, "name").to_string())
        .collect();
    assert_eq!(names, ["ISAKMP header: bad_length"], "{f}: report summary");
}

#[test]
fn delete_segfault_bogus_length_is_named() {
    // tcpdump's isakmp-delete-segfault: a Delete payload claiming 65535 SPIs of 255 bytes, behind
    // an ISAKMP header whose length (0x4321979a) exceeds the datagram. tshark stops at the header
    // too ("Malformed Packet"); the header's length is the anomaly to name.
    let f = robustness("isakmp-delete-segfault.pcap");
    let run = dissect(&f, &[], false);
    run.ok();
    let an = run.anomalies();
    assert_eq!(
        an.get("ISAKMP header: truncated"),
        Some(&(1, 1)),
        "{f}: {an:?}"
    );
    let objs = run.json_lines();
    let o = frame(&objs, 1);
    assert_eq!(o["protocol"], "isakmp");
    assert!(
        s(o, "error").contains("length") && s(o, "error").contains("1126274970"),
        "{f}: the error names the length field and its value: {}",
        o["error"]
    );
}

#[test]
fn delete_segfault_udp_length_is_named() {
    let f = robustness("isakmp-delete-segfault.pcap");
    let run = dissect(&f, &[], false);
    let an = run.anomalies();
    assert!(
        an.keys().any(|k| k.starts_with("UDP")),
        "{f}: no UDP anomaly in {an:?}"
    );
}

#[test]
fn payload_bad_length_is_reported_on_the_packet() {
    // Zeek's ipsec-ikev1-payload-bad-length: a Vendor ID payload with length 3 (< 4).
    let f = robustness("ipsec-ikev1-payload-bad-length.pcap");
    let run = dissect(&f, &[], false);
    run.ok();
    let objs = run.json_lines();
    let o = frame(&objs, 1);
    assert_eq!(o["protocol"], "isakmp");
    assert_eq!(o["position"], "MM1");
    assert_eq!(o["initiator_cookie"], "e47a591fd057587f");
    // What decodes before the bad payload is still shown.
    assert_eq!(strings(&o["payloads"])[0], "SA", "{f}: {}", short(o));
    let e = s(o, "error");
    assert!(
        e.contains("Vendor ID payload") && e.contains("length 3"),
        "{f}: error names the payload and its length: {e}"
    );
}

#[test]
fn payload_bad_length_is_in_the_summary() {
    let f = robustness("ipsec-ikev1-payload-bad-length.pcap");
    let run = dissect(&f, &[], false);
    let an = run.anomalies();
    assert_eq!(
        an.get("Vendor ID payload: bad_length"),
        Some(&(1, 1)),
        "{f}: {an:?}"
    );
    let rep = report(&f, &[]);
    let names: Vec<String> = rep.json()["summary"]["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(a, "name").to_string())
        .collect();
    assert!(
        names.contains(&"Vendor ID payload: bad_length".to_string()),
        "{f}: report summary anomalies {names:?}"
    );
}

#[test]
fn snaplen_cut_fragments_are_named() {
    // Three tcpdump regression files hold one IPv4 first fragment (MF set, offset 0) cut by the
    // snap length: the cut and the unusable fragment are both anomalies.
    for (name, extra) in [
        ("esp_truncated.pcap", None),
        ("isakmpv1-attr-oobr.pcap", None),
        // Its second frame is a later fragment, also cut: named, not reassembled.
        ("isakmp-various-oobr.pcap", Some("IP fragment: truncated")),
    ] {
        let f = robustness(name);
        let run = dissect(&f, &[], false);
        run.ok();
        let an = run.anomalies();
        assert_eq!(
            an.get("IP packet: truncated").map(|a| a.1),
            Some(1),
            "{f}: {an:?}"
        );
        assert!(
            an.keys().any(|k| k.starts_with("IP fragment")),
            "{f}: {an:?}"
        );
        if let Some(x) = extra {
            assert!(an.contains_key(x), "{f}: {x} missing from {an:?}");
        }
    }
}

#[test]
fn snaplen_cut_first_fragments_show_what_they_carry() {
    let run = dissect(&robustness("esp_truncated.pcap"), &[], false);
    let objs = run.json_lines();
    let o = objs
        .iter()
        .find(|o| o["frame"] == 1)
        .expect("esp_truncated.pcap: no object for frame 1");
    assert_eq!(o["protocol"], "esp", "{}", short(o));
    assert!(
        o.to_string().contains("c0f7d4c3"),
        "esp_truncated: SPI 0xc0f7d4c3 not shown: {}",
        short(o)
    );
    assert!(
        run.anomalies().keys().any(|k| k.starts_with("ESP")),
        "esp_truncated: no ESP anomaly: {:?}",
        run.anomalies()
    );
    for (name, icookie) in [
        ("isakmpv1-attr-oobr.pcap", "00ff7f05ffff0577"),
        ("isakmp-various-oobr.pcap", "ffff7f0036000017"),
    ] {
        let f = robustness(name);
        let run = dissect(&f, &[], false);
        let objs = run.json_lines();
        let o = objs
            .iter()
            .find(|o| o["frame"] == 1)
            .unwrap_or_else(|| panic!("{f}: no object for frame 1"));
        assert_eq!(o["protocol"], "isakmp", "{f}: {}", short(o));
        assert!(
            o.to_string().contains(icookie) || o["anomaly"].is_string(),
            "{f}: {}",
            short(o)
        );
        assert!(
            run.anomalies().keys().any(|k| k.starts_with("ISAKMP")),
            "{f}: no ISAKMP anomaly in {:?}",
            run.anomalies()
        );
    }
}

/// What must not change when only the framing changes: everything but frame numbers and times.
fn signature(o: &Value, with_crypto: bool) -> String {
    let mut keys = vec![
        "protocol",
        "src",
        "dst",
        "src_port",
        "dst_port",
        "initiator_cookie",
        "responder_cookie",
        "message_id",
        "exchange",
        "length",
        "spi",
        "sequence",
    ];
    if with_crypto {
        keys.extend(["position", "decrypted", "hash_verified", "icv"]);
    }
    let mut out = String::new();
    for k in keys {
        out.push_str(&format!("{k}={} ", o[k]));
    }
    // Without the keys' whole chain an encrypted message has no payload list to compare.
    if with_crypto || o["encrypted"] != true {
        out.push_str(&format!("payloads={} ", o["payloads"]));
    }
    if with_crypto {
        out.push_str(&format!("inner={}", o["inner"]["summary"]));
    }
    out
}

#[test]
fn generated_captures_decode_like_their_originals() {
    let mut problems = Vec::new();
    for f in files_in("captures/generated") {
        if !(f.ends_with(".pcap") || f.ends_with(".pcapng")) {
            continue;
        }
        let sc = if f.contains("mm-transport-ipv6") {
            "mm-transport-ipv6"
        } else {
            "mm-psk-aes128-sha1-g14"
        };
        let keys = lab_keys(sc);
        let original = dissect(&lab_capture(sc), &[&keys], false).json_lines();
        let run = dissect(&f, &[&keys], false);
        run.ok();
        let objs = run.json_lines();
        let an = run.anomalies();
        // MM1 (datagram 0) and MM3 (datagram 2) are lost in frag-missing; MM1 in frag-overlap.
        let lost: &[&str] = if f.contains("frag-missing") {
            &["MM1", "MM3"]
        } else if f.contains("frag-overlap") {
            &["MM1"]
        } else {
            &[]
        };
        let crypto = lost.is_empty();
        // The one-way capture is the original without the ESP from 192.0.2.2 (one-way.py).
        let one_way = f.contains(".one-way.");
        let want: Vec<String> = original
            .iter()
            .filter(|o| !lost.contains(&o["position"].as_str().unwrap_or("")))
            .filter(|o| !(one_way && o["protocol"] == "esp" && o["src"] == "192.0.2.2"))
            .map(|o| signature(o, crypto))
            .collect();
        let got: Vec<String> = objs.iter().map(|o| signature(o, crypto)).collect();
        if got != want {
            let first = got
                .iter()
                .zip(&want)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(want.len()));
            problems.push(format!(
                "{f}: {} objects (want {}); first difference at #{first}:\n  got  {:?}\n  want {:?}",
                got.len(),
                want.len(),
                got.get(first),
                want.get(first)
            ));
        }
        if f.contains("frag-missing") {
            if an.get("IP datagram: incomplete").map(|a| a.0) != Some(2) {
                problems.push(format!("{f}: expected 2 incomplete datagrams: {an:?}"));
            }
        } else if f.contains("frag-overlap") {
            if !an.contains_key("IP fragment: overlap") {
                problems.push(format!("{f}: overlap not named: {an:?}"));
            }
        } else if !an.is_empty() {
            problems.push(format!("{f}: clean file but anomalies {an:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The generated corpus: every ISAKMP/ESP frame of the lab captures, truncated and garbled.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Damage {
    /// The IP/UDP lengths are consistent, the ISAKMP/ESP bytes stop early (header incomplete or
    /// shorter than the ISAKMP header's length field).
    Truncated,
    /// The capture's snap length cut the frame (orig_len > caplen).
    SnapCut,
    /// Bytes of the ISAKMP/ESP message changed.
    Garbled,
    /// The original frame, unchanged (so keys get derived and damaged ESP can be checked).
    Intact,
}

struct Corpus {
    frames: Vec<PcapFrame>,
    damage: Vec<(Damage, &'static str)>,
}

/// Every ISAKMP/ESP frame (per the tshark oracle) of a capture intact, then damaged copies of
/// each.
fn corpus(capture: &str, seed: u64) -> Corpus {
    let (linktype, frames) = read_pcap(&repo().join(capture));
    assert_eq!(linktype, LINKTYPE_ETHERNET, "{capture}");
    let mut rng = Rng::new(seed);
    let mut out = Corpus {
        frames: Vec::new(),
        damage: Vec::new(),
    };
    let rows = tshark_rows(capture);
    for row in &rows {
        let n: usize = row["frame.number"].parse().unwrap();
        out.frames.push(frames[n - 1].clone());
        out.damage.push((Damage::Intact, "intact"));
    }
    for row in &rows {
        let n: usize = row["frame.number"].parse().unwrap();
        let orig = &frames[n - 1];
        let l = layers(&orig.data).unwrap_or_else(|| panic!("{capture} frame {n}: not IP"));
        let is_isakmp = !row["isakmp.ispi"].is_empty();
        // Start of the ISAKMP/ESP message: after UDP, and after the non-ESP marker on 4500.
        let mut msg = l.l4 + if l.protocol == 17 { 8 } else { 0 };
        if is_isakmp && l.protocol == 17 && orig.data[msg..msg + 4] == [0, 0, 0, 0] {
            msg += 4;
        }
        let len = orig.data.len() - msg;
        let mut push = |data: Vec<u8>, orig_len: u32, d: Damage, what: &'static str| {
            out.frames.push(PcapFrame {
                secs: orig.secs,
                usecs: orig.usecs,
                orig_len,
                data,
            });
            out.damage.push((d, what));
        };
        // Consistent truncations: inside the fixed header, at its end, and inside the body.
        let cuts: Vec<usize> = if is_isakmp {
            vec![1, 7, 16, 27, 28, 29, 40, len / 2, len - 1]
        } else {
            vec![1, 4, 7, 8, 20, len - 1]
        };
        for k in cuts.into_iter().filter(|&k| k > 0 && k < len) {
            let mut d = orig.data[..msg + k].to_vec();
            fix_lengths(&mut d, l);
            push(
                d,
                0,
                Damage::Truncated,
                if is_isakmp { "isakmp" } else { "esp" },
            );
        }
        // Snap-length cuts: the headers say more than was captured.
        for k in [8usize, len / 2] {
            if k < len {
                push(
                    orig.data[..msg + k].to_vec(),
                    orig.orig_len,
                    Damage::SnapCut,
                    "snapcut",
                );
            }
        }
        // Garbled bytes at deterministic random places; and for ISAKMP the length fields.
        for _ in 0..if is_isakmp { 6 } else { 2 } {
            let mut d = orig.data.clone();
            for _ in 0..1 + rng.below(8) {
                let at = msg + rng.below(len);
                d[at] ^= 1 + rng.below(255) as u8;
            }
            push(
                d,
                0,
                Damage::Garbled,
                if is_isakmp { "isakmp" } else { "esp" },
            );
        }
        if is_isakmp {
            for (at, bytes) in [
                (24usize, vec![0xff, 0xff, 0xff, 0xff]),
                (24, vec![0, 0, 0, 0]),
                (30, vec![0, 0]),
                (30, vec![0, 1]),
                (30, vec![0xff, 0xff]),
            ] {
                if msg + at + bytes.len() <= orig.data.len() {
                    let mut d = orig.data.clone();
                    d[msg + at..msg + at + bytes.len()].copy_from_slice(&bytes);
                    push(d, 0, Damage::Garbled, "isakmp-length");
                }
            }
        }
    }
    out
}

#[test]
fn generated_corpus_of_damaged_lab_frames_is_survived_and_counted() {
    let dir = tmp_dir("corpus");
    let mut problems = Vec::new();
    let mut total = 0;
    for (i, sc) in lab_scenarios().iter().enumerate() {
        let capture = lab_capture(sc);
        let c = corpus(&capture, 0x1ce5_c0de + i as u64);
        let path = dir.join(format!("{sc}.damaged.pcap"));
        write_pcap(&path, LINKTYPE_ETHERNET, &c.frames);
        let p = path.to_string_lossy().into_owned();
        let keys = lab_keys(sc);
        total += c.frames.len();

        let run = ikescope(&["dissect", &p, "--json", "--keys", &keys]);
        run.ok();
        let objs = run.json_lines();
        let rep = ikescope(&["report", &p, "--json", "--keys", &keys]);
        rep.ok();
        let doc = rep.json();
        let summary = &doc["summary"];

        // Every damaged frame is accounted for: exactly one object each.
        let seen: BTreeMap<u64, usize> = objs.iter().fold(BTreeMap::new(), |mut m, o| {
            *m.entry(u(o, "frame")).or_default() += 1;
            m
        });
        let missing: Vec<usize> = (1..=c.frames.len())
            .filter(|n| !seen.contains_key(&(*n as u64)))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{sc}: {} damaged frames produced no dissect object, e.g. frames {:?} ({:?})",
                missing.len(),
                &missing[..missing.len().min(5)],
                missing
                    .iter()
                    .take(5)
                    .map(|n| c.damage[n - 1])
                    .collect::<Vec<_>>()
            ));
        }
        if u(&summary["decode"], "frames") != c.frames.len() as u64 {
            problems.push(format!(
                "{sc}: report counted {} frames of {}",
                summary["decode"]["frames"],
                c.frames.len()
            ));
        }

        // Header-level damage: the object names the anomaly and the summary counts it.
        let summary_counts: BTreeMap<String, u64> = summary["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (s(a, "name").to_string(), u(a, "count")))
            .collect();
        let mut per_name: BTreeMap<String, u64> = BTreeMap::new();
        for o in &objs {
            if let Some(a) = o["anomaly"].as_str() {
                *per_name.entry(a.to_string()).or_default() += 1;
            }
        }
        for (name, n) in &per_name {
            let counted = summary_counts.get(name).copied().unwrap_or(0);
            if counted < *n {
                problems.push(format!(
                    "{sc}: {n} packets carry anomaly {name:?}, the summary counts {counted}"
                ));
            }
        }
        // A truncated ISAKMP message is never shown as whole.
        let by_frame: BTreeMap<u64, &Value> = objs.iter().map(|o| (u(o, "frame"), o)).collect();
        for (idx, (d, what)) in c.damage.iter().enumerate() {
            let f = idx as u64 + 1;
            let Some(o) = by_frame.get(&f) else {
                continue;
            };
            if *d == Damage::Truncated
                && *what == "isakmp"
                && o["protocol"] == "isakmp"
                && o["anomaly"].is_null()
                && o["error"].is_null()
                && o["decryption"]["status"] != "failed"
            {
                problems.push(format!(
                    "{sc} damaged frame {f}: truncated ISAKMP reported without error: {}",
                    short(o)
                ));
            }
        }
        // Damaged ESP with keys never passes as good, and each failure is counted.
        let damaged_esp: Vec<&Value> = objs
            .iter()
            .filter(|o| o["protocol"] == "esp" && o["anomaly"].is_null())
            .filter(|o| c.damage[u(o, "frame") as usize - 1].0 != Damage::Intact)
            .collect();
        let passed: Vec<String> = damaged_esp
            .iter()
            .filter(|o| o["icv"] == "ok")
            .map(|o| format!("{} {:?}", o["frame"], c.damage[u(o, "frame") as usize - 1]))
            .collect();
        if !passed.is_empty() {
            problems.push(format!("{sc}: damaged ESP with a good ICV: {passed:?}"));
        }
        let intact_ok = objs
            .iter()
            .filter(|o| o["protocol"] == "esp" && o["icv"] == "ok")
            .filter(|o| c.damage[u(o, "frame") as usize - 1].0 == Damage::Intact)
            .count();
        let truth_esp = u(&truth(sc)["capture"], "esp_packets") as usize;
        if intact_ok != truth_esp {
            problems.push(format!(
                "{sc}: {intact_ok} of the {truth_esp} intact ESP packets verify amid the damaged copies"
            ));
        }
        let dec = &summary["decryption"];
        let failures = u(dec, "esp_icv_failed") + u(dec, "esp_failed") + u(dec, "esp_no_keys");
        if failures < damaged_esp.len() as u64 {
            problems.push(format!(
                "{sc}: {} damaged ESP packets, summary.decryption counts {failures} failures",
                damaged_esp.len()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(total > 5000, "corpus too small: {total}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn generated_corpus_every_error_is_counted_in_the_summary() {
    let dir = tmp_dir("corpus-errors");
    let mut problems = Vec::new();
    for sc in [
        "mm-psk-aes128-sha1-g14",
        "ikev2-psk-aes128",
        "am-psk-aes256-sha256-g14",
    ] {
        let c = corpus(&lab_capture(sc), 7);
        let path = dir.join(format!("{sc}.pcap"));
        write_pcap(&path, LINKTYPE_ETHERNET, &c.frames);
        let p = path.to_string_lossy().into_owned();
        let objs = ikescope(&["dissect", &p, "--json"]).json_lines();
        let doc = ikescope(&["report", &p, "--json"]).json();
        let with_error: BTreeSet<u64> = objs
            .iter()
            .filter(|o| o["error"].is_string())
            .map(|o| u(o, "frame"))
            .collect();
        let counted: u64 = doc["summary"]["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| !s(a, "name").starts_with("IP "))
            .map(|a| u(a, "count"))
            .sum();
        let _ = std::fs::remove_file(&path);
        if counted < with_error.len() as u64 {
            problems.push(format!(
                "{sc}: {} packets carry an error, the summary counts {counted} non-IP anomalies",
                with_error.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
