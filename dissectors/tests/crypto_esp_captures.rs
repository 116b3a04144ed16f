//! ESP decryption of every ESP packet in every capture that has keys: the lab scenarios
//! (xfrm keys from truth.json), tcpdump's sunrise-sunset 3DES capture and Wireshark's
//! esp-bug-12671 capture. Each packet must decrypt with a good ICV to a valid inner packet,
//! and the packet counts per SPI must equal the ground truth.

mod common_crypto;

use std::collections::HashMap;

use common_crypto::{Kind, Value, capture_path, hex, lab_scenarios, read_capture, s, truth};
use ikescope_dissectors::crypto::{EncAlg, EspDecryptor, EspSaKeys, IcvStatus, IntegAlg};

fn keys_from_xfrm(c: &Value) -> EspSaKeys {
    let e = &c["encryption"];
    let enc = match s(e, "alg") {
        "cbc(aes)" => EncAlg::AesCbc,
        "cbc(des3_ede)" => EncAlg::TripleDesCbc,
        "cbc(des)" => EncAlg::DesCbc,
        "rfc4106(gcm(aes))" => EncAlg::AesGcm {
            icv_len: (e["icv_bits"].as_u64().unwrap() / 8) as u8,
        },
        other => panic!("xfrm cipher {other}"),
    };
    let (integ, integ_key) = match c["integrity"].as_object() {
        None => (IntegAlg::None, Vec::new()),
        Some(_) => {
            let i = &c["integrity"];
            let alg = match (s(i, "alg"), i["trunc_bits"].as_u64().unwrap()) {
                ("hmac(md5)", 96) => IntegAlg::HmacMd5_96,
                ("hmac(sha1)", 96) => IntegAlg::HmacSha1_96,
                ("hmac(sha256)", 128) => IntegAlg::HmacSha256_128,
                ("hmac(sha384)", 192) => IntegAlg::HmacSha384_192,
                ("hmac(sha512)", 256) => IntegAlg::HmacSha512_256,
                ("xcbc(aes)", 96) => IntegAlg::AesXcbc96,
                other => panic!("xfrm integrity {other:?}"),
            };
            (alg, hex(s(i, "key")))
        }
    };
    EspSaKeys {
        enc,
        enc_key: hex(s(e, "key")),
        integ,
        integ_key,
        esn: false,
    }
}

/// A valid IPv4 header: version, header length, total length equal to the bytes present, and
/// a correct header checksum. Returns the protocol and the source/destination.
fn ipv4(p: &[u8]) -> (u8, [u8; 4], [u8; 4]) {
    assert_eq!(p[0] >> 4, 4, "IPv4 version");
    let ihl = usize::from(p[0] & 0x0f) * 4;
    assert!(ihl >= 20);
    assert_eq!(
        usize::from(u16::from_be_bytes([p[2], p[3]])),
        p.len(),
        "total length"
    );
    let sum: u32 = p[..ihl]
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    let folded = (sum & 0xffff) + (sum >> 16);
    assert_eq!(
        (folded & 0xffff) + (folded >> 16),
        0xffff,
        "header checksum"
    );
    (
        p[9],
        p[12..16].try_into().unwrap(),
        p[16..20].try_into().unwrap(),
    )
}

#[derive(Default, Debug)]
struct PerSpi {
    packets: u64,
    inner_bytes: u64,
    first_seq: u32,
    last_seq: u32,
}

/// Decrypts every ESP packet of `capture` with the lab SAs; returns per-SPI results.
fn decrypt_lab_capture(scenario: &str, capture: &str, t: &Value) -> HashMap<String, PerSpi> {
    let decryptors: HashMap<u32, (EspDecryptor, String)> = t["child_sas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["installed"] != false && !c["encryption"].is_null())
        .map(|c| {
            let spi = u32::from_str_radix(s(c, "spi"), 16).unwrap();
            let d = EspDecryptor::new(&keys_from_xfrm(c)).unwrap();
            (spi, (d, s(c, "mode").to_string()))
        })
        .collect();
    let mut per_spi: HashMap<String, PerSpi> = HashMap::new();
    let mut out = Vec::with_capacity(2048);
    for p in read_capture(&format!("lab/{scenario}/{capture}")) {
        let Kind::Esp { .. } = p.kind else { continue };
        let spi = u32::from_be_bytes(p.data[..4].try_into().unwrap());
        let (d, mode) = decryptors
            .get(&spi)
            .unwrap_or_else(|| panic!("{scenario}: ESP SPI {spi:08x} without keys"));
        let what = format!("{scenario}/{capture} frame {}", p.frame);
        let pt = d.decrypt(&p.data, None, &mut out).unwrap();
        assert_eq!(pt.icv, IcvStatus::Ok, "{what}");
        assert!(pt.padding_ok, "{what}: RFC 4303 padding");
        assert_eq!(pt.spi, spi);
        match (mode.as_str(), pt.next_header) {
            ("tunnel", 4) => {
                let (proto, _, _) = ipv4(pt.payload);
                assert_eq!(proto, 1, "{what}: pings inside");
            }
            ("transport", 58) => {
                // ICMPv6 echo request/reply.
                assert!(matches!(pt.payload[0], 128 | 129), "{what}: ICMPv6 type");
            }
            (m, nh) => panic!("{what}: next header {nh} in {m} mode"),
        }
        let e = per_spi.entry(format!("{spi:08x}")).or_default();
        if e.packets == 0 {
            e.first_seq = pt.sequence;
        }
        e.packets += 1;
        e.inner_bytes += pt.payload.len() as u64;
        e.last_seq = pt.sequence;
    }
    per_spi
}

#[test]
fn lab_every_esp_packet_decrypts_with_a_good_icv() {
    let mut total = 0;
    let mut scenarios_with_esp = 0;
    for scenario in lab_scenarios() {
        let t = truth(&scenario);
        let mut captures = vec![("capture.pcap", &t["capture"])];
        if !t["capture_inside"].is_null() {
            captures.push(("capture-inside.pcap", &t["capture_inside"]));
        }
        for (file, facts) in captures {
            let per_spi = decrypt_lab_capture(&scenario, file, &t);
            let want = facts["esp_by_spi"].as_object().unwrap();
            assert_eq!(
                per_spi.len(),
                want.len(),
                "{scenario}/{file}: SPIs {:?}",
                per_spi.keys()
            );
            for (spi, w) in want {
                let got = &per_spi[spi];
                assert_eq!(
                    got.packets,
                    w["packets"].as_u64().unwrap(),
                    "{scenario} {spi}"
                );
                assert_eq!(u64::from(got.first_seq), w["first_seq"].as_u64().unwrap());
                assert_eq!(u64::from(got.last_seq), w["last_seq"].as_u64().unwrap());
                total += got.packets;
            }
            // The kernel's byte counters count inner bytes: the sum of the decrypted
            // payloads per SPI equals the sender's xfrm byte counter.
            if file == "capture.pcap" {
                for c in t["child_sas"].as_array().unwrap() {
                    let Some(got) = per_spi.get(s(c, "spi")) else {
                        continue;
                    };
                    let sender = &c["counters"]["sender"];
                    let counted = ["at_delete", "at_snapshot"]
                        .iter()
                        .filter_map(|k| sender[*k]["bytes"].as_u64())
                        .collect::<Vec<_>>();
                    assert!(
                        counted.contains(&got.inner_bytes),
                        "{scenario} {}: inner bytes {} vs xfrm {counted:?}",
                        s(c, "spi"),
                        got.inner_bytes
                    );
                }
            }
            if !want.is_empty() {
                scenarios_with_esp += 1;
            }
        }
    }
    // 9 captures with ESP (natt-mm-psk counted twice: public and inside captures).
    assert_eq!(scenarios_with_esp, 10);
    assert!(total >= 400, "{total} ESP packets decrypted");
}

#[test]
fn lab_wrong_integrity_key_fails_the_icv_but_still_decrypts() {
    let t = truth("mm-psk-aes128-sha1-g14");
    let c = &t["child_sas"][0];
    let mut keys = keys_from_xfrm(c);
    keys.integ_key[0] ^= 1;
    let d = EspDecryptor::new(&keys).unwrap();
    let spi = u32::from_str_radix(s(c, "spi"), 16).unwrap();
    let mut out = Vec::new();
    let mut n = 0;
    for p in read_capture("lab/mm-psk-aes128-sha1-g14/capture.pcap") {
        if p.kind
            == (Kind::Esp {
                udp_encapsulated: false,
            })
            && u32::from_be_bytes(p.data[..4].try_into().unwrap()) == spi
        {
            let pt = d.decrypt(&p.data, None, &mut out).unwrap();
            assert_eq!(pt.icv, IcvStatus::Failed);
            assert_eq!(pt.next_header, 4);
            ipv4(pt.payload);
            n += 1;
        }
    }
    assert_eq!(n, 20);
}

#[test]
fn tcpdump_sunrise_sunset_3des() {
    // tcpdump's "-E 0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043…58": "-hmac96" only tells
    // tcpdump to strip a 12-byte ICV; it names no hash and gives no key, and tcpdump never
    // verifies it. So the ICV is skipped (unknown key), not checked.
    let d = EspDecryptor::new(&EspSaKeys {
        enc: EncAlg::TripleDesCbc,
        enc_key: hex("4043434545464649494a4a4c4c4f4f515152525454575758"),
        integ: IntegAlg::HmacMd5_96,
        integ_key: Vec::new(),
        esn: false,
    })
    .unwrap();
    let mut out = Vec::new();
    let mut n = 0;
    for p in read_capture("external/tcpdump/02-sunrise-sunset-esp.pcap") {
        assert!(matches!(p.kind, Kind::Esp { .. }));
        let pt = d.decrypt(&p.data, None, &mut out).unwrap();
        assert_eq!(pt.spi, 0x1234_5678);
        assert_eq!(pt.icv, IcvStatus::Unchecked);
        assert!(pt.padding_ok, "frame {}", p.frame);
        assert_eq!(pt.next_header, 4);
        let (proto, src, dst) = ipv4(pt.payload);
        assert_eq!((proto, src, dst), (1, [192, 0, 2, 1], [192, 0, 1, 1]));
        assert_eq!(pt.payload[20], 8, "ICMP echo request");
        n += 1;
    }
    assert_eq!(n, 8);
}

#[test]
fn wireshark_esp_bug_12671() {
    // captures/external/wireshark/esp_sa: "IPv4","src","dst","0xSPI","AES-CBC [RFC3602]",
    // "0xKEY","HMAC-SHA-1-96 [RFC2404]","0xKEY".
    let table = std::fs::read_to_string(capture_path("external/wireshark/esp_sa")).unwrap();
    let decryptors: HashMap<u32, EspDecryptor> = table
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(|x| x.trim_matches('"')).collect();
            assert_eq!(f[4], "AES-CBC [RFC3602]");
            assert_eq!(f[6], "HMAC-SHA-1-96 [RFC2404]");
            let spi = u32::from_str_radix(&f[3][2..], 16).unwrap();
            let d = EspDecryptor::new(&EspSaKeys {
                enc: EncAlg::AesCbc,
                enc_key: hex(&f[5][2..]),
                integ: IntegAlg::HmacSha1_96,
                integ_key: hex(&f[7][2..]),
                esn: false,
            })
            .unwrap();
            (spi, d)
        })
        .collect();
    assert_eq!(decryptors.len(), 2);
    let needle = hex("08090a0b0c0d0e0f1011121314151617");
    let mut out = Vec::new();
    let mut n = 0;
    for p in read_capture("external/wireshark/esp-bug-12671.pcapng.gz") {
        let Kind::Esp { .. } = p.kind else { continue };
        let spi = u32::from_be_bytes(p.data[..4].try_into().unwrap());
        let pt = decryptors[&spi].decrypt(&p.data, None, &mut out).unwrap();
        assert_eq!(pt.icv, IcvStatus::Ok, "frame {}", p.frame);
        assert!(
            pt.payload.windows(needle.len()).any(|w| w == needle),
            "frame {}: payload lacks the ping pattern",
            p.frame
        );
        n += 1;
    }
    assert_eq!(n, 6);
}
