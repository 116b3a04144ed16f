//! Hostile-input checks for the IKEv2 parser on real messages: every truncation, deterministic
//! byte garbling, and a few targeted corruptions whose errors must name the element, the field
//! and the offset.

mod common_v2;

use common_v2::{Json, ip_packets, unhex};
use ikescope_dissectors::ikev2::{
    Header, Message, Payload, PayloadType, Payloads, RawPayload, decrypted_payloads,
    strip_sk_padding,
};
use ikescope_dissectors::natt::{UdpIpsec, classify_udp, ike_version};
use ikescope_dissectors::{ErrorKind, ParseError};

const CAPTURES: &[&str] = &[
    "lab/ikev2-psk-aes128/capture.pcap",
    "external/wireshark/ikev2-decrypt-3des-sha1_160.pcap",
    "external/wireshark/ikev2-decrypt-aes256cbc.pcapng",
    "external/wireshark/ikev2-decrypt-aes256gcm16.pcap",
];

fn messages() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for rel in CAPTURES {
        for p in ip_packets(rel) {
            let Some((sport, dport, payload)) = p.udp() else {
                continue;
            };
            if let Ok(UdpIpsec::Ike { message, .. }) = classify_udp(sport, dport, payload)
                && ike_version(message) == Some(2)
            {
                out.push(message.to_vec());
            }
        }
    }
    assert_eq!(out.len(), 6 + 6 + 4 + 6);
    out
}

/// The lab's decrypted SK contents (first payload type, payloads), from truth.json.
fn plaintexts() -> Vec<(PayloadType, Vec<u8>)> {
    let truth = Json::load("lab/ikev2-psk-aes128/truth.json");
    let sa = truth.get("ike_sas").at(0);
    let mut out = Vec::new();
    for side in ["left", "right"] {
        for m in sa.get("messages").get(side).arr() {
            if let Some(p) = m.opt("plaintext") {
                let bytes = unhex(p.str());
                // The first payload type is not logged; it is the IKE_AUTH/INFORMATIONAL
                // convention of these messages: IDi, IDr or D.
                let first = match m.get("payloads").at(0).str() {
                    "IDi" => PayloadType::IDI,
                    "IDr" => PayloadType::IDR,
                    "D" => PayloadType::DELETE,
                    other => panic!("{other}"),
                };
                out.push((first, bytes));
            }
        }
    }
    assert_eq!(out.len(), 3);
    out
}

/// An error must say where and what: element, field, an offset inside the input.
fn check_error(e: &ParseError, limit: usize) {
    assert!(!e.element.is_empty() && !e.field.is_empty(), "{e:?}");
    assert!(e.offset <= limit, "offset {} beyond {limit}: {e}", e.offset);
    let shown = e.to_string();
    assert!(
        shown.starts_with(e.element) && shown.contains(e.field),
        "{shown}"
    );
}

/// Walks a chain, decoding and displaying everything; returns the errors met.
fn walk(chain: Payloads<'_>, errors: &mut Vec<ParseError>) {
    for r in chain {
        let raw = match r {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match raw.decode() {
            Ok(p) => {
                assert!(!p.to_string().is_empty());
                let _ = format!("{p:?}");
                match &p {
                    Payload::Sk(sk) => {
                        for (iv, icv) in [(0, 0), (8, 12), (16, 16), (8, 20), (300, 0)] {
                            if let Err(e) = sk.split(iv, icv) {
                                check_error(&e, sk.body_offset + sk.body.len());
                            }
                        }
                    }
                    Payload::Skf(skf) => {
                        let _ = skf.split(16, 16);
                    }
                    _ => {}
                }
            }
            Err(e) => errors.push(e),
        }
    }
}

/// Parses, walks, decodes and displays a message; returns every error met.
fn exercise(bytes: &[u8]) -> Vec<ParseError> {
    let mut errors = Vec::new();
    if let Ok(h) = Header::parse(bytes) {
        assert!(!h.to_string().is_empty());
    }
    match Message::parse(bytes) {
        Ok(m) => {
            assert!(!m.to_string().is_empty());
            walk(m.payloads(), &mut errors);
        }
        Err(e) => errors.push(e),
    }
    for e in &errors {
        check_error(e, bytes.len());
    }
    errors
}

fn exercise_plain(first: PayloadType, plain: &[u8]) -> Vec<ParseError> {
    let mut errors = Vec::new();
    walk(decrypted_payloads(first, plain, 0), &mut errors);
    if let Err(e) = strip_sk_padding(plain, 0) {
        errors.push(e);
    }
    for e in &errors {
        check_error(e, plain.len());
    }
    errors
}

fn with_length(bytes: &[u8], n: usize) -> Vec<u8> {
    let mut v = bytes[..n].to_vec();
    v[24..28].copy_from_slice(&(n as u32).to_be_bytes());
    v
}

#[test]
fn real_messages_parse_cleanly() {
    for m in messages() {
        assert_eq!(exercise(&m), []);
    }
    for (first, p) in plaintexts() {
        let mut errors = Vec::new();
        walk(decrypted_payloads(first, &p, 0), &mut errors);
        assert_eq!(errors, []);
    }
}

#[test]
fn every_truncation_is_a_named_error() {
    for m in messages() {
        for n in 0..m.len() {
            // As captured short: the header's length field no longer fits.
            let errors = exercise(&m[..n]);
            assert_eq!(errors.len(), 1);
            let e = &errors[0];
            assert_eq!(e.element, "IKEv2 header");
            assert_eq!(e.code(), "truncated");
            // With the length field made to agree, the cut lands inside the payload chain.
            if n >= Header::LEN {
                let errors = exercise(&with_length(&m, n));
                assert!(!errors.is_empty(), "cut at {n} went unnoticed");
                for e in &errors {
                    assert_eq!(e.code(), "truncated", "{e}");
                    assert!(e.element.ends_with("payload"), "{e}");
                }
            }
        }
    }
    for (first, p) in plaintexts() {
        for n in 0..p.len() {
            let errors = exercise_plain(first, &p[..n]);
            assert!(
                errors.iter().any(|e| e.code() == "truncated"),
                "plaintext cut at {n} went unnoticed"
            );
        }
    }
}

#[test]
fn every_payload_body_truncation_is_safe() {
    for m in messages() {
        let msg = Message::parse(&m).unwrap();
        for raw in msg.payloads() {
            let raw = raw.unwrap();
            for k in 0..raw.body.len() {
                let cut = RawPayload {
                    body: &raw.body[..k],
                    raw: &raw.raw[..k + 4],
                    ..raw
                };
                match cut.decode() {
                    Ok(p) => assert!(!p.to_string().is_empty()),
                    Err(e) => {
                        check_error(&e, raw.body_offset() + k);
                        assert!(e.offset >= raw.body_offset(), "{e}");
                    }
                }
            }
        }
    }
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn garbled_messages_never_panic() {
    let mut rng = Rng(0x1bad_5eed_cafe_f00d);
    let (mut ok, mut failed) = (0u32, 0u32);
    let mut codes = std::collections::BTreeSet::new();
    for m in messages() {
        for i in 0..3000 {
            let mut g = m.clone();
            // Mostly leave the header alone so the corruption reaches the payloads.
            let from = if i % 8 == 0 { 0 } else { Header::LEN };
            for _ in 0..=rng.next() % 4 {
                let at = from + (rng.next() as usize) % (g.len() - from);
                g[at] = rng.next() as u8;
            }
            let errors = exercise(&g);
            if errors.is_empty() {
                ok += 1;
            } else {
                failed += 1;
            }
            codes.extend(errors.iter().map(|e| e.code()));
        }
    }
    for (first, p) in plaintexts() {
        for _ in 0..3000 {
            let mut g = p.clone();
            for _ in 0..=rng.next() % 3 {
                let at = (rng.next() as usize) % g.len();
                g[at] = rng.next() as u8;
            }
            exercise_plain(first, &g);
        }
    }
    // Corrupting key exchange data, nonces and ciphertext changes nothing structural; lengths,
    // counts and types do. Both must happen, and every kind of error must show up.
    assert!(ok > 1000 && failed > 1000, "ok {ok}, failed {failed}");
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        ["bad_length", "bad_value", "truncated"]
    );
}

#[test]
fn targeted_corruptions_name_element_field_and_offset() {
    let msgs = messages();
    // The lab's IKE_SA_INIT request: SA at 28 (48 bytes), KE at 76 (264 bytes), Nonce at 340.
    let init = &msgs[0];
    let m = Message::parse(init).unwrap();
    let offsets: Vec<(PayloadType, usize)> = m
        .payloads()
        .map(|p| p.unwrap())
        .map(|p| (p.payload_type, p.offset))
        .take(3)
        .collect();
    assert_eq!(
        offsets,
        [
            (PayloadType::SA, 28),
            (PayloadType::KE, 76),
            (PayloadType::NONCE, 340)
        ]
    );

    // Cut inside KE.
    let errors = exercise(&with_length(init, 86));
    assert_eq!(
        errors,
        [ParseError::new(
            "KE payload",
            "payload length",
            78,
            ErrorKind::Truncated {
                needed: 264,
                available: 10
            }
        )]
    );

    // Num Transforms says 5 where the proposal holds 4.
    let mut g = init.clone();
    g[39] = 5;
    let errors = exercise(&g);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].element, errors[0].field, errors[0].offset),
        ("proposal", "num transforms", 39)
    );

    // KE payload length 3: below the generic header.
    let mut g = init.clone();
    g[78..80].copy_from_slice(&3u16.to_be_bytes());
    let errors = exercise(&g);
    assert_eq!(
        (
            errors[0].element,
            errors[0].field,
            errors[0].offset,
            errors[0].code()
        ),
        ("KE payload", "payload length", 78, "bad_length")
    );

    // A notify claiming a 200-byte SPI.
    let notify = m
        .payloads()
        .map(|p| p.unwrap())
        .find(|p| p.payload_type == PayloadType::NOTIFY)
        .unwrap();
    let mut g = init.clone();
    g[notify.body_offset() + 1] = 200;
    let errors = exercise(&g);
    assert_eq!(
        (errors[0].element, errors[0].field, errors[0].offset),
        ("Notify payload", "SPI", notify.body_offset() + 4)
    );

    // Header length below 28.
    let mut g = init.clone();
    g[24..28].copy_from_slice(&20u32.to_be_bytes());
    let errors = exercise(&g);
    assert_eq!(
        errors,
        [ParseError::new(
            "IKEv2 header",
            "length",
            24,
            ErrorKind::BadLength {
                value: 20,
                min: 28,
                max: init.len()
            }
        )]
    );
}
