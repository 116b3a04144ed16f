//! The lab captures against what the strongSwan peers themselves recorded (truth.json): the
//! phase-1 proposals offered and chosen, the payloads of every message (including the
//! decrypted plaintext charon logged, padding and all), quick-mode SAs against the ESP SAs the
//! kernel installed, DPD sequence numbers, deletes.

mod isakmp_common;

use std::collections::BTreeMap;

use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use ikescope_dissectors::isakmp::{
    self, ExchangeType, IpsecPolicy, LifeType, Message, NotifyType, Payload, PayloadType,
    Phase1Policy, ProtocolId, payloads,
};
use isakmp_common::*;

const IKEV1_SCENARIOS: &[&str] = &[
    "am-psk-aes256-sha256-g14",
    "mm-esp-aesgcm",
    "mm-many-tunnels",
    "mm-pfs-rekey-delete",
    "mm-proposal-mismatch",
    "mm-psk-3des-md5-g2",
    "mm-psk-aes128-sha1-g14",
    "mm-psk-mismatch",
    "mm-transport-ipv6",
    "natt-mm-psk",
    "qm-proposal-mismatch",
    "qm-ts-mismatch",
];

fn truth(scen: &str) -> Json {
    read_json(&format!("lab/{scen}/truth.json"))
}

/// charon's name for a payload in its `payloads` lists.
fn charon_name(p: &Payload<'_>) -> String {
    match p {
        Payload::Notification(n) => {
            let short = match n.notify_type {
                NotifyType::INITIAL_CONTACT => "INITIAL_CONTACT".to_string(),
                NotifyType::R_U_THERE => "DPD".to_string(),
                NotifyType::R_U_THERE_ACK => "DPD_ACK".to_string(),
                NotifyType::PAYLOAD_MALFORMED => "PLD_MAL".to_string(),
                NotifyType::NO_PROPOSAL_CHOSEN => "NO_PROP".to_string(),
                NotifyType::INVALID_ID_INFORMATION => "INVAL_ID".to_string(),
                other => other.to_string(),
            };
            format!("N({short})")
        }
        other => other.payload_type().short_name().unwrap().to_string(),
    }
}

fn json_strs(v: &Json) -> Vec<String> {
    v.arr()
        .iter()
        .map(|s| s.str().unwrap().to_string())
        .collect()
}

/// Compares one decoded phase-1 transform with a truth.json transform object.
fn assert_phase1_eq(t: &isakmp::Transform<'_>, want: &Json, ctx: &str) {
    let p: Phase1Policy = t.phase1_policy().unwrap();
    assert_eq!(
        p.encryption.unwrap().to_string(),
        want.get("encryption").str().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        p.key_length.map(f64::from),
        want.get("key_length").num(),
        "{ctx}: key length (absent for 3DES)"
    );
    assert_eq!(
        p.hash.unwrap().to_string(),
        want.get("hash").str().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        p.group.unwrap().to_string(),
        want.get("dh_group").str().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        Some(f64::from(p.group.unwrap().0)),
        want.get("dh_group_number").num(),
        "{ctx}"
    );
    assert_eq!(
        p.auth_method.unwrap().to_string(),
        want.get("auth_method").str().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        want.get("life_type").str(),
        Some(LifeType::SECONDS.to_string().as_str()),
        "{ctx}"
    );
    assert_eq!(
        p.life_seconds.map(|s| s as f64),
        want.get("life_duration").num(),
        "{ctx}"
    );
    assert_eq!(
        Some(f64::from(t.number)),
        want.get("transform_number").num(),
        "{ctx}"
    );
    assert_eq!(
        Some(f64::from(t.transform_id.id)),
        want.get("transform_id").num(),
        "{ctx}"
    );
    // And what the crypto code will be handed.
    let (enc, len) = p.cipher().unwrap();
    match want.get("encryption").str().unwrap() {
        "AES-CBC" => assert_eq!(
            (enc, len * 8),
            (
                EncAlg::AesCbc,
                want.get("key_length").num().unwrap() as usize
            )
        ),
        "3DES-CBC" => assert_eq!((enc, len), (EncAlg::TripleDesCbc, 24)),
        other => panic!("{other}"),
    }
    assert!(p.hash_alg().is_some());
}

fn sa_transforms<'a>(m: &Message<'a>) -> Vec<isakmp::Transform<'a>> {
    m.payloads()
        .filter_map(|r| match r.unwrap().decode().unwrap() {
            Payload::Sa(sa) => Some(sa),
            _ => None,
        })
        .flat_map(|sa| sa.proposals().map(|p| p.unwrap()).collect::<Vec<_>>())
        .flat_map(|p| p.transforms().map(|t| t.unwrap()).collect::<Vec<_>>())
        .collect()
}

#[test]
fn phase1_proposals_offered_and_selected() {
    let mut checked = 0;
    for scen in IKEV1_SCENARIOS {
        let t = truth(scen);
        let sa = &t.get("ike_sas").arr()[0];
        let prop = sa.get("proposal");
        let cap = format!("lab/{scen}/capture.pcap");
        let msgs = isakmp_datagrams(&cap);
        let parsed: Vec<Message<'_>> = msgs
            .iter()
            .map(|d| Message::parse(&d.bytes).unwrap())
            .collect();
        let phase1 = |m: &Message<'_>| {
            matches!(
                m.header.exchange_type,
                ExchangeType::IDENTITY_PROTECTION | ExchangeType::AGGRESSIVE
            )
        };
        // MM1/AM1: the first phase-1 message, responder cookie still zero.
        let first = parsed
            .iter()
            .find(|m| phase1(m) && m.header.responder_cookie.is_zero())
            .unwrap();
        assert_eq!(
            first.header.initiator_cookie.to_string(),
            sa.get("initiator_cookie").str().unwrap(),
            "{scen}"
        );
        let offered = sa_transforms(first);
        let want = prop.get("phase1_transforms_offered");
        if !want.is_null() {
            assert_eq!(offered.len(), want.arr().len(), "{scen}");
            for (t, w) in offered.iter().zip(want.arr()) {
                assert_phase1_eq(t, w, &format!("{scen} offered"));
                checked += 1;
            }
        }
        // MM2/AM2: the responder's choice.
        let want = prop.get("phase1_transform_selected");
        if !want.is_null() {
            let second = parsed
                .iter()
                .find(|m| phase1(m) && !m.header.responder_cookie.is_zero() && !m.is_encrypted())
                .unwrap();
            assert_eq!(
                second.header.responder_cookie.to_string(),
                sa.get("responder_cookie").str().unwrap(),
                "{scen}"
            );
            let chosen = sa_transforms(second);
            assert_eq!(chosen.len(), 1, "{scen}");
            assert_phase1_eq(&chosen[0], want, &format!("{scen} selected"));
            checked += 1;
        }
    }
    assert_eq!(
        checked, 22,
        "11 scenarios offer and choose (mm-proposal-mismatch: neither)"
    );
}

/// Every message charon received: its header against the raw bytes, its payloads (decrypted
/// plaintext when charon logged one, the capture's cleartext otherwise) against charon's list.
#[test]
fn every_received_message_has_charons_payloads() {
    let mut plaintexts = 0;
    let mut cleartexts = 0;
    for scen in IKEV1_SCENARIOS {
        let t = truth(scen);
        let cap = format!("lab/{scen}/capture.pcap");
        let wire = isakmp_datagrams(&cap);
        for sa in t.get("ike_sas").arr() {
            for side in ["left", "right"] {
                for m in sa.get("messages").get(side).arr() {
                    if m.get("direction").str() != Some("received") {
                        continue;
                    }
                    let want = json_strs(m.get("payloads"));
                    let h = m.get("header");
                    let ctx = format!(
                        "{scen} {side} {} mid {}",
                        m.get("exchange").str().unwrap(),
                        m.get("message_id").str().unwrap()
                    );
                    let first = PayloadType(h.get("next_payload").num().unwrap() as u8);
                    if let Some(pt) = m.get("plaintext_with_padding").str() {
                        // The raw message charon received parses to the logged header.
                        let raw = hex::decode(m.get("raw_isakmp").str().unwrap()).unwrap();
                        let msg = Message::parse(&raw).unwrap();
                        assert!(msg.is_encrypted(), "{ctx}");
                        assert_eq!(msg.header.next_payload, first, "{ctx}");
                        assert_eq!(
                            format!("{:08x}", msg.header.message_id),
                            m.get("message_id").str().unwrap(),
                            "{ctx}"
                        );
                        assert_eq!(
                            msg.body,
                            hex::decode(m.get("ciphertext").str().unwrap()).unwrap(),
                            "{ctx}"
                        );
                        if m.get("parse_failed").str().is_some()
                            || m.get("parse_failed") == &Json::Bool(true)
                        {
                            // Wrong key (PSK mismatch): garbage must not panic and must fail.
                            let pt = hex::decode(pt).unwrap();
                            let errors = exercise_chain(payloads(first, &pt, 28));
                            let _ = errors;
                            continue;
                        }
                        let pt = hex::decode(pt).unwrap();
                        let mut it = payloads(first, &pt, 28);
                        let got: Vec<String> = it
                            .by_ref()
                            .map(|r| charon_name(&r.unwrap().decode().unwrap()))
                            .collect();
                        assert_eq!(got, want, "{ctx}");
                        assert!(it.ended_at_none(), "{ctx}");
                        // strongSwan pads with 1..=block-size zero bytes (lab README).
                        let pad = it.tail();
                        assert!(
                            (1..=16).contains(&pad.len()),
                            "{ctx}: padding {}",
                            pad.len()
                        );
                        assert!(pad.iter().all(|&b| b == 0), "{ctx}");
                        assert_eq!(it.tail_offset() + pad.len(), 28 + pt.len());
                        assert!(exercise_chain(payloads(first, &pt, 28)).is_empty(), "{ctx}");
                        plaintexts += 1;
                    } else {
                        assert_eq!(h.get("encrypted"), &Json::Bool(false), "{ctx}");
                        // Find it on the wire by its header.
                        let msg = wire
                            .iter()
                            .map(|d| Message::parse(&d.bytes).unwrap())
                            .find(|w| {
                                w.header.initiator_cookie.to_string()
                                    == h.get("initiator_spi").str().unwrap()
                                    && w.header.responder_cookie.to_string()
                                        == h.get("responder_spi").str().unwrap()
                                    && f64::from(w.header.length) == h.get("length").num().unwrap()
                                    && w.header.next_payload == first
                                    && f64::from(w.header.exchange_type.0)
                                        == h.get("exchange_type").num().unwrap()
                            })
                            .unwrap_or_else(|| panic!("{ctx}: not on the wire"));
                        let got: Vec<String> = msg
                            .payloads()
                            .map(|r| charon_name(&r.unwrap().decode().unwrap()))
                            .collect();
                        assert_eq!(got, want, "{ctx}");
                        cleartexts += 1;
                    }
                }
            }
        }
    }
    assert!(plaintexts > 150, "{plaintexts}");
    assert!(cleartexts > 40, "{cleartexts}");
}

/// Decrypted quick-mode messages from one scenario: (plaintext, first payload).
fn received_plaintexts(t: &Json) -> Vec<(Vec<u8>, PayloadType, String)> {
    let mut out = Vec::new();
    for sa in t.get("ike_sas").arr() {
        for side in ["left", "right"] {
            for m in sa.get("messages").get(side).arr() {
                if let Some(pt) = m.get("plaintext_with_padding").str() {
                    if m.get("parse_failed") == &Json::Bool(true) {
                        continue;
                    }
                    let first =
                        PayloadType(m.get("header").get("next_payload").num().unwrap() as u8);
                    out.push((
                        hex::decode(pt).unwrap(),
                        first,
                        m.get("exchange").str().unwrap().to_string(),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn quick_mode_sas_match_the_installed_esp_sas() {
    let mut checked = 0;
    for scen in IKEV1_SCENARIOS {
        let t = truth(scen);
        // Every ESP proposal in a decrypted quick-mode message, by SPI.
        let mut by_spi: BTreeMap<u32, IpsecPolicy> = BTreeMap::new();
        for (pt, first, exch) in received_plaintexts(&t) {
            if exch != "QUICK_MODE" {
                continue;
            }
            for r in payloads(first, &pt, 28) {
                if let Payload::Sa(sa) = r.unwrap().decode().unwrap() {
                    for p in sa.proposals() {
                        let p = p.unwrap();
                        assert_eq!(p.protocol_id, ProtocolId::IPSEC_ESP, "{scen}");
                        let spi = p.spi_u32().unwrap();
                        let t = p.transforms().next().unwrap().unwrap();
                        by_spi.insert(spi, t.ipsec_policy().unwrap());
                    }
                }
            }
        }
        for c in t.get("child_sas").arr() {
            if c.get("installed") == &Json::Bool(false) {
                continue;
            }
            let spi = u32::from_str_radix(c.get("spi").str().unwrap(), 16).unwrap();
            let ctx = format!("{scen} spi {spi:08x}");
            let pol = by_spi
                .get(&spi)
                .unwrap_or_else(|| panic!("{ctx}: not proposed"));
            let (enc, key_bytes, integ) = pol.esp_algs().unwrap_or_else(|| panic!("{ctx}: {pol}"));
            let e = c.get("encryption");
            assert_eq!(
                key_bytes * 8,
                e.get("key_bits").num().unwrap() as usize,
                "{ctx}: KEYMAT incl. salt"
            );
            match e.get("alg").str().unwrap() {
                "cbc(aes)" => assert_eq!(enc, EncAlg::AesCbc, "{ctx}"),
                "cbc(des3_ede)" => assert_eq!(enc, EncAlg::TripleDesCbc, "{ctx}"),
                "rfc4106(gcm(aes))" => assert_eq!(
                    enc,
                    EncAlg::AesGcm {
                        icv_len: (e.get("icv_bits").num().unwrap() / 8.0) as u8
                    },
                    "{ctx}"
                ),
                other => panic!("{ctx}: {other}"),
            }
            let i = c.get("integrity");
            if i.is_null() {
                assert_eq!(integ, IntegAlg::None, "{ctx}");
            } else {
                assert_eq!(
                    integ.key_len() * 8,
                    i.get("key_bits").num().unwrap() as usize,
                    "{ctx}"
                );
                assert_eq!(
                    integ.icv_len() * 8,
                    i.get("trunc_bits").num().unwrap() as usize,
                    "{ctx}"
                );
            }
            let mode = pol.encapsulation_mode.unwrap();
            assert_eq!(
                mode.is_tunnel(),
                c.get("mode").str() == Some("tunnel"),
                "{ctx}"
            );
            assert_eq!(
                mode.is_udp_encapsulated(),
                c.get("encapsulation").get("udp") == &Json::Bool(true),
                "{ctx}"
            );
            let pfs = c
                .get("proposal_strongswan")
                .str()
                .unwrap_or("")
                .contains("MODP");
            assert_eq!(pol.group.is_some(), pfs, "{ctx}");
            checked += 1;
        }
    }
    // The lab README counts 66 installed SAs; 2 of them are the IKEv2 scenario's.
    assert_eq!(checked, 64, "every installed IKEv1 ESP SA of the lab");
}

#[test]
fn dpd_sequences_and_deletes() {
    let t = truth("mm-pfs-rekey-delete");
    let sa = &t.get("ike_sas").arr()[0];
    let mut requests = Vec::new();
    let mut acks = Vec::new();
    let mut deleted_esp = Vec::new();
    let mut deleted_ike = Vec::new();
    for (pt, first, _) in received_plaintexts(&t) {
        for r in payloads(first, &pt, 28) {
            match r.unwrap().decode().unwrap() {
                Payload::Notification(n) if n.notify_type == NotifyType::R_U_THERE => {
                    requests.push(n.dpd_sequence().unwrap())
                }
                Payload::Notification(n) if n.notify_type == NotifyType::R_U_THERE_ACK => {
                    acks.push(n.dpd_sequence().unwrap())
                }
                Payload::Delete(d) if d.protocol_id == ProtocolId::IPSEC_ESP => {
                    deleted_esp.extend(d.ipsec_spis())
                }
                Payload::Delete(d) => deleted_ike.extend(d.isakmp_cookies()),
                _ => {}
            }
        }
    }
    // README: 4 R_U_THERE/ACK pairs; each ACK echoes a request's sequence number.
    assert_eq!(requests.len(), 4);
    assert_eq!(acks.len(), 4);
    for a in &acks {
        assert!(requests.contains(a), "ack {a:#x} answers no request");
    }
    // Rekeys deleted old SAs; every deleted SPI is an SA the kernel had.
    let spis: Vec<u32> = t
        .get("child_sas")
        .arr()
        .iter()
        .map(|c| u32::from_str_radix(c.get("spi").str().unwrap(), 16).unwrap())
        .collect();
    assert!(deleted_esp.len() >= 6, "{deleted_esp:x?}");
    for s in &deleted_esp {
        assert!(spis.contains(s), "{s:08x}");
    }
    // The IKE SA delete names this IKE SA's cookies.
    assert_eq!(deleted_ike.len(), 1);
    assert_eq!(
        deleted_ike[0].0.to_string(),
        sa.get("initiator_cookie").str().unwrap()
    );
    assert_eq!(
        deleted_ike[0].1.to_string(),
        sa.get("responder_cookie").str().unwrap()
    );
}

#[test]
fn quick_mode_proxy_ids() {
    // qm-ts-mismatch: left asks 198.51.100.0/24 === 203.0.113.128/25 (README); the QM1 IDs.
    let t = truth("qm-ts-mismatch");
    let qm1 = received_plaintexts(&t)
        .into_iter()
        .find(|(_, _, e)| e == "QUICK_MODE")
        .unwrap();
    let ids: Vec<String> = payloads(qm1.1, &qm1.0, 28)
        .filter_map(|r| match r.unwrap().decode().unwrap() {
            Payload::Identification(id) => Some(format!("{id} {}", id.cisco_proxy())),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        [
            "198.51.100.0/24 (198.51.100.0/255.255.255.0/0/0)",
            "203.0.113.128/25 (203.0.113.128/255.255.255.128/0/0)"
        ]
    );
    // mm-transport-ipv6: quick mode in transport mode between IPv6 hosts.
    let t = truth("mm-transport-ipv6");
    let qm1 = received_plaintexts(&t)
        .into_iter()
        .find(|(_, _, e)| e == "QUICK_MODE")
        .unwrap();
    let ids: Vec<String> = payloads(qm1.1, &qm1.0, 28)
        .filter_map(|r| match r.unwrap().decode().unwrap() {
            Payload::Identification(id) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|i| i.starts_with("2001:db8:1::")), "{ids:?}");
}
