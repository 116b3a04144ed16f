//! Hostile input: the robustness captures (tcpdump/Wireshark/Zeek CVE regressions) and a
//! corpus generated from every real message (truncated at every length, each length field set
//! to 0, 1, 3, 4 and its maximum, bytes flipped by a deterministic PRNG). Nothing may panic,
//! and the documented cases must produce the right error: element, field, offset, kind.

mod isakmp_common;

use ikescope_dissectors::isakmp::{
    self, Header, MAX_PAYLOADS, Message, Payload, PayloadType, payloads,
};
use ikescope_dissectors::{ErrorKind, ParseError};
use isakmp_common::*;

/// Every real IKEv1 message we have in the clear: the cleartext ones on the wire, and the
/// decrypted ones from truth.json rebuilt as cleartext messages (header from the raw message,
/// E flag cleared, length fixed), so quick mode, informational and ID/HASH/N/D payloads are in
/// the corpus too.
fn corpus() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for name in tshark_fixtures() {
        for d in isakmp_datagrams(&fixture_capture(&name)) {
            if let Ok(m) = Message::parse(&d.bytes)
                && m.header.is_ikev1()
                && !m.is_encrypted()
            {
                out.push(m.raw.to_vec());
            }
        }
    }
    for scen in [
        "am-psk-aes256-sha256-g14",
        "mm-esp-aesgcm",
        "mm-many-tunnels",
        "mm-pfs-rekey-delete",
        "mm-psk-3des-md5-g2",
        "mm-psk-aes128-sha1-g14",
        "mm-transport-ipv6",
        "natt-mm-psk",
        "qm-proposal-mismatch",
        "qm-ts-mismatch",
    ] {
        let t = read_json(&format!("lab/{scen}/truth.json"));
        for sa in t.get("ike_sas").arr() {
            for side in ["left", "right"] {
                for m in sa.get("messages").get(side).arr() {
                    let (Some(raw), Some(pt)) = (
                        m.get("raw_isakmp").str(),
                        m.get("plaintext_with_padding").str(),
                    ) else {
                        continue;
                    };
                    if m.get("parse_failed") == &Json::Bool(true) {
                        continue;
                    }
                    out.push(rebuild_cleartext(
                        &hex::decode(raw).unwrap(),
                        &hex::decode(pt).unwrap(),
                    ));
                }
            }
        }
    }
    out
}

/// The raw message's header with the E flag cleared and the length of header + plaintext.
fn rebuild_cleartext(raw: &[u8], plain: &[u8]) -> Vec<u8> {
    let mut v = raw[..28].to_vec();
    v[19] &= !1;
    v.extend_from_slice(plain);
    let len = (v.len() as u32).to_be_bytes();
    v[24..28].copy_from_slice(&len);
    v
}

/// Walks everything; the point is that it returns.
fn exercise(bytes: &[u8]) -> Vec<ParseError> {
    let mut errors = Vec::new();
    match Message::parse(bytes) {
        Ok(m) => {
            let _ = (m.to_owned_string(), m.last_block(16));
            errors.extend(exercise_chain(m.payloads()));
        }
        Err(e) => {
            let _ = e.to_string();
            errors.push(e);
            // What a pipeline does with a cut datagram: header, then the chain as far as it goes.
            if let Ok(h) = Header::parse(bytes) {
                errors.extend(exercise_chain(payloads(h.next_payload, &bytes[28..], 28)));
            }
        }
    }
    errors
}

trait OwnedString {
    fn to_owned_string(&self) -> String;
}
impl OwnedString for Message<'_> {
    fn to_owned_string(&self) -> String {
        format!("{} {:?}", self.header, self.header.flags)
    }
}

#[test]
fn robustness_captures() {
    // Each file: no panic on the bounded or the unbounded bytes, and the error we expect.
    let mut seen = 0;
    for entry in std::fs::read_dir(capture_path("external/robustness")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        for d in udp_datagrams(&format!("external/robustness/{name}")) {
            exercise(&d.payload);
            exercise(&d.unbounded);
            seen += 1;
        }
    }
    // One UDP datagram in each ISAKMP capture, and the UDP-encapsulated one in esp_truncated.
    assert_eq!(seen, 6);

    let one = |f: &str| udp_datagrams(&format!("external/robustness/{f}")).remove(0);

    // Zeek: a VID payload whose length is 3 (below the generic header).
    let d = one("ipsec-ikev1-payload-bad-length.pcap");
    let m = Message::parse(&d.payload).unwrap();
    let results: Vec<_> = m.payloads().collect();
    assert!(matches!(
        results[0].as_ref().unwrap().decode().unwrap(),
        Payload::Sa(_)
    ));
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("Vendor ID payload", "payload length", 90)
    );
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            value: 3,
            min: 4,
            max: 80
        }
    );
    assert_eq!(results.len(), 2, "stops after the error");

    // tcpdump pointer loop: header length 0; the lax walk finds 2 bytes where a HASH payload
    // should be.
    let d = one("isakmp-pointer-loop.pcap");
    let e = Message::parse(&d.payload).unwrap_err();
    assert_eq!((e.field, e.offset), ("length", 24));
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            value: 0,
            min: 28,
            max: 30
        }
    );
    let h = Header::parse(&d.payload).unwrap();
    let e = payloads(h.next_payload, &d.payload[28..], 28)
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("HASH payload", "generic payload header", 28)
    );
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 4,
            available: 2
        }
    );

    // tcpdump delete segfault: version 11.14, length 0x4321979a. Bounded by IP/UDP the DELETE
    // payload's own length is past the end; read to the end of the frame (as the vulnerable
    // code did) the payload fits and its 65535 SPIs of 255 bytes do not.
    let d = one("isakmp-delete-segfault.pcap");
    let e = Message::parse(&d.unbounded).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 0x4321_979a,
            available: d.unbounded.len()
        }
    );
    let h = Header::parse(&d.unbounded).unwrap();
    assert_eq!((h.major_version, h.next_payload), (11, PayloadType::DELETE));
    let raw = payloads(h.next_payload, &d.unbounded[28..], 28)
        .next()
        .unwrap()
        .unwrap();
    let e = raw.decode().unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("Delete payload", "number of SPIs", 38)
    );
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            value: 65535,
            min: 0,
            max: 2
        }
    );
    let e = payloads(h.next_payload, &d.payload[28..], 28)
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("Delete payload", "payload length", 30)
    );

    // Wireshark/tcpdump out-of-bounds reads: datagrams cut by the snaplen, absurd lengths.
    for f in ["isakmp-various-oobr.pcap", "isakmpv1-attr-oobr.pcap"] {
        let d = one(f);
        let e = Message::parse(&d.payload).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("ISAKMP header", "length", 24),
            "{f}"
        );
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{f}");
        let h = Header::parse(&d.payload).unwrap();
        let results: Vec<_> = payloads(h.next_payload, &d.payload[28..], 28).collect();
        assert!(results.len() <= 2, "{f}");
    }
}

#[test]
fn truncation_at_every_length() {
    let corpus = corpus();
    assert!(corpus.len() > 200, "{}", corpus.len());
    let mut cuts = 0;
    for msg in &corpus {
        let h = Header::parse(msg).unwrap();
        // Where the chain ends in the whole message (rebuilt plaintexts have padding after).
        let mut full = payloads(h.next_payload, &msg[28..], 28);
        full.by_ref().for_each(|r| assert!(r.is_ok()));
        assert!(full.ended_at_none());
        let chain_end = full.tail_offset();
        for cut in 0..msg.len() {
            let prefix = &msg[..cut];
            let e = Message::parse(prefix).unwrap_err();
            if cut < 28 {
                assert_eq!(
                    e.kind,
                    ErrorKind::Truncated {
                        needed: 28,
                        available: cut
                    }
                );
                continue;
            }
            assert_eq!(
                e.kind,
                ErrorKind::Truncated {
                    needed: msg.len(),
                    available: cut
                }
            );
            // The chain of the cut body must fail, where the bytes ran out or before.
            let errs = exercise_chain(payloads(h.next_payload, &prefix[28..], 28));
            let chain_err = payloads(h.next_payload, &prefix[28..], 28).find_map(|r| r.err());
            let decode_err = payloads(h.next_payload, &prefix[28..], 28)
                .filter_map(|r| r.ok())
                .find_map(|r| r.decode().err());
            match (chain_err, decode_err) {
                (Some(e), _) => assert!(e.offset <= cut, "cut {cut}: {e}"),
                (None, Some(e)) => assert!(e.offset <= cut, "cut {cut}: {e}"),
                // No error only when the cut falls in the padding after the last payload.
                (None, None) => assert!(
                    cut >= chain_end && errs.is_empty(),
                    "cut {cut} of {} (chain ends at {chain_end}): no error",
                    msg.len()
                ),
            }
            cuts += 1;
        }
    }
    assert!(cuts > 30_000, "{cuts}");
}

/// Offsets of every generic header: (offset, element, minimum length).
fn generic_headers(msg: &[u8]) -> Vec<(usize, &'static str, usize)> {
    let m = Message::parse(msg).unwrap();
    let mut out = Vec::new();
    for r in m.payloads() {
        let r = r.unwrap();
        out.push((r.offset, r.payload_type.element(), 4));
        if let Ok(Payload::Sa(sa)) = r.decode() {
            for p in sa.proposals().flatten() {
                out.push((p.offset, "proposal", 8));
                for t in p.transforms().flatten() {
                    out.push((t.offset, "transform", 8));
                }
            }
        }
    }
    out
}

/// The first error anywhere in the message, walking SA contents too.
fn first_error(msg: &[u8]) -> Option<ParseError> {
    let m = match Message::parse(msg) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    for r in m.payloads() {
        let r = match r {
            Ok(r) => r,
            Err(e) => return Some(e),
        };
        match r.decode() {
            Err(e) => return Some(e),
            Ok(Payload::Sa(sa)) => {
                for p in sa.proposals() {
                    let p = match p {
                        Ok(p) => p,
                        Err(e) => return Some(e),
                    };
                    for t in p.transforms() {
                        let t = match t {
                            Ok(t) => t,
                            Err(e) => return Some(e),
                        };
                        if let Some(e) = t.attributes().find_map(|a| a.err()) {
                            return Some(e);
                        }
                    }
                }
            }
            Ok(_) => {}
        }
    }
    None
}

#[test]
fn every_length_field_set_to_hostile_values() {
    let mut mutated = 0;
    for msg in corpus() {
        // The header's length.
        for (v, kind) in [
            (
                0u32,
                ErrorKind::BadLength {
                    value: 0,
                    min: 28,
                    max: msg.len(),
                },
            ),
            (
                27,
                ErrorKind::BadLength {
                    value: 27,
                    min: 28,
                    max: msg.len(),
                },
            ),
            (
                u32::MAX,
                ErrorKind::Truncated {
                    needed: u32::MAX as usize,
                    available: msg.len(),
                },
            ),
        ] {
            let mut m = msg.clone();
            m[24..28].copy_from_slice(&v.to_be_bytes());
            let e = Message::parse(&m).unwrap_err();
            assert_eq!((e.field, e.offset, e.kind), ("length", 24, kind));
        }
        // Each payload, proposal and transform length.
        for (off, element, min) in generic_headers(&msg) {
            for v in [0u16, 1, 3, 4, 7, u16::MAX] {
                let mut m = msg.clone();
                m[off + 2..off + 4].copy_from_slice(&v.to_be_bytes());
                exercise(&m);
                mutated += 1;
                if usize::from(v) >= min && v != u16::MAX {
                    continue; // plausible: the chain goes on misaligned
                }
                let e =
                    first_error(&m).unwrap_or_else(|| panic!("{element} at {off} = {v}: no error"));
                assert_eq!(
                    (e.element, e.field, e.offset),
                    (element, "payload length", off + 2),
                    "{v}"
                );
                assert!(
                    matches!(e.kind, ErrorKind::BadLength { value, min: m2, .. } if value == usize::from(v) && m2 == min)
                );
            }
        }
    }
    assert!(mutated > 5_000, "{mutated}");
}

#[test]
fn variable_attribute_length_past_the_transform() {
    let mut checked = 0;
    for msg in corpus() {
        let m = Message::parse(&msg).unwrap();
        let mut targets = Vec::new();
        for r in m.payloads().flatten() {
            if let Ok(Payload::Sa(sa)) = r.decode() {
                for p in sa.proposals().flatten() {
                    for t in p.transforms().flatten() {
                        for a in t.attributes().flatten() {
                            if let isakmp::AttrValue::Variable(_) = a.value {
                                targets.push(a.offset);
                            }
                        }
                    }
                }
            }
        }
        for off in targets {
            let mut m = msg.clone();
            m[off + 2..off + 4].copy_from_slice(&0x4000u16.to_be_bytes());
            let e = first_error(&m).unwrap();
            assert_eq!(
                (e.element, e.field, e.offset),
                ("transform attribute", "attribute length", off + 2)
            );
            assert!(matches!(e.kind, ErrorKind::BadLength { value: 0x4000, .. }));
            checked += 1;
        }
    }
    // Life Duration is variable in the Cisco and OpenSwan captures.
    assert!(checked >= 5, "{checked}");
}

/// A message of the corpus containing a payload of `ty`, and that payload's body offset.
fn find_payload(
    corpus: &[Vec<u8>],
    ty: PayloadType,
    pred: impl Fn(&Payload<'_>) -> bool,
) -> (Vec<u8>, usize) {
    for msg in corpus {
        let m = Message::parse(msg).unwrap();
        for r in m.payloads().flatten() {
            if r.payload_type == ty && r.decode().is_ok_and(|p| pred(&p)) {
                return (msg.clone(), r.body_offset());
            }
        }
    }
    panic!("no {ty} payload in the corpus");
}

#[test]
fn documented_error_cases() {
    let corpus = corpus();

    // DELETE: # of SPIs × SPI size past the end (an ESP delete from the lab, count 0xffff).
    let (mut m, body) = find_payload(
        &corpus,
        PayloadType::DELETE,
        |p| matches!(p, Payload::Delete(d) if d.spi_size == 4),
    );
    m[body + 6..body + 8].copy_from_slice(&[0xff, 0xff]);
    let e = first_error(&m).unwrap();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("Delete payload", "number of SPIs", body + 6)
    );
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            value: 65535,
            min: 0,
            max: 1
        }
    );

    // Notification: SPI size past the end (N(INITIAL_CONTACT) from a lab MM5, SPI size 200).
    let (mut m, body) = find_payload(
        &corpus,
        PayloadType::NOTIFICATION,
        |p| matches!(p, Payload::Notification(n) if n.notify_type == isakmp::NotifyType::INITIAL_CONTACT),
    );
    m[body + 5] = 200;
    let e = first_error(&m).unwrap();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("Notification payload", "SPI size", body + 5)
    );
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            value: 200,
            min: 0,
            max: 16
        }
    );

    // Proposal SPI size past the end (a quick-mode ESP proposal, SPI size 255).
    let (mut m, body) = find_payload(
        &corpus,
        PayloadType::SA,
        |p| matches!(p, Payload::Sa(sa) if sa.proposals().flatten().any(|p| p.spi.len() == 4)),
    );
    let prop = body + 8;
    m[prop + 6] = 255;
    let e = first_error(&m).unwrap();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("proposal", "SPI size", prop + 6)
    );

    // Zero payload length, and a length past the end, on the first VID of the lab MM1.
    let (m0, body) = find_payload(&corpus, PayloadType::VENDOR_ID, |_| true);
    for (v, kind_value) in [(0u16, 0usize), (0x7fff, 0x7fff)] {
        let mut m = m0.clone();
        m[body - 2..body].copy_from_slice(&v.to_be_bytes());
        let e = first_error(&m).unwrap();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("Vendor ID payload", "payload length", body - 2)
        );
        assert!(
            matches!(e.kind, ErrorKind::BadLength { value, min: 4, .. } if value == kind_value)
        );
    }

    // A chain of minimal payloads that never ends is capped.
    let mut m = m0[..28].to_vec();
    m[16] = 13;
    m[19] = 0;
    for _ in 0..1000 {
        m.extend_from_slice(&[13, 0, 0, 4]);
    }
    let len = (m.len() as u32).to_be_bytes();
    m[24..28].copy_from_slice(&len);
    let e = first_error(&m).unwrap();
    assert_eq!(
        e.kind,
        ErrorKind::TooMany {
            limit: MAX_PAYLOADS
        }
    );
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbled_bytes_never_panic() {
    let mut rng = Rng(0x1ce5_c0fe_d00d_f00d);
    let mut runs = 0;
    let mut errors = 0;
    for msg in corpus() {
        for _ in 0..64 {
            let mut m = msg.clone();
            for _ in 0..=rng.below(4) {
                let i = rng.below(m.len());
                m[i] = match rng.below(4) {
                    0 => 0,
                    1 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            // Sometimes also keep the header length consistent so the body gets parsed.
            if rng.below(2) == 0 {
                let len = (m.len() as u32).to_be_bytes();
                m[24..28].copy_from_slice(&len);
                m[19] &= !1;
            }
            errors += exercise(&m).len();
            runs += 1;
        }
    }
    assert!(runs > 15_000, "{runs}");
    assert!(errors > 1_000, "garbling should break things: {errors}");
}
