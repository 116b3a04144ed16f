//! ESP headers in every lab capture, counted per SPI and compared with truth.json (which holds
//! tshark's per-SPI counts, equal to the sending kernels' xfrm counters), and in the external
//! tcpdump captures.

mod common_v2;

use std::collections::BTreeMap;

use common_v2::{Json, ip_packets};
use ikescope_dissectors::ErrorKind;
use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::natt::{UdpIpsec, classify_udp};

#[derive(Debug, Default, PartialEq, Eq)]
struct SpiStats {
    src: String,
    dst: String,
    packets: u64,
    first_seq: u64,
    last_seq: u64,
    udp_encapsulated: bool,
}

/// ESP found by IP protocol 50 and by UDP 4500 payloads without the non-ESP marker.
fn esp_by_spi(rel: &str) -> BTreeMap<String, SpiStats> {
    let mut out = BTreeMap::<String, SpiStats>::new();
    for p in ip_packets(rel) {
        assert!(
            !p.fragmented,
            "{rel} frame {}: unexpected IP fragment",
            p.frame
        );
        let (bytes, udp) = match (p.ip_protocol, p.udp()) {
            (50, _) => (&p.ip_payload[..], false),
            (17, Some((sport, dport, payload))) => match classify_udp(sport, dport, payload) {
                Ok(UdpIpsec::Esp(b)) => (b, true),
                _ => continue,
            },
            _ => continue,
        };
        let esp =
            EspPacket::parse(bytes).unwrap_or_else(|e| panic!("{rel} frame {}: {e}", p.frame));
        let s = out.entry(format!("{:08x}", esp.spi())).or_default();
        if s.packets == 0 {
            s.first_seq = u64::from(esp.sequence());
            s.src = p.src.to_string();
            s.dst = p.dst.to_string();
            s.udp_encapsulated = udp;
        }
        assert_eq!(
            (s.src.as_str(), s.dst.as_str()),
            (&*p.src.to_string(), &*p.dst.to_string())
        );
        assert_eq!(s.udp_encapsulated, udp);
        s.packets += 1;
        s.last_seq = u64::from(esp.sequence());
        assert!(!esp.payload().is_empty());
    }
    out
}

fn check_against(rel: &str, capture: &Json) {
    let ours = esp_by_spi(rel);
    let theirs: BTreeMap<String, SpiStats> = capture
        .get("esp_by_spi")
        .obj()
        .iter()
        .map(|(spi, v)| {
            (
                spi.clone(),
                SpiStats {
                    src: v.get("src").str().to_string(),
                    dst: v.get("dst").str().to_string(),
                    packets: v.get("packets").u64(),
                    first_seq: v.get("first_seq").u64(),
                    last_seq: v.get("last_seq").u64(),
                    udp_encapsulated: v.get("udp_encapsulated").bool(),
                },
            )
        })
        .collect();
    assert_eq!(ours, theirs, "{rel}");
    let total: u64 = ours.values().map(|s| s.packets).sum();
    assert_eq!(total, capture.get("esp_packets").u64(), "{rel}");
    let in_udp: u64 = ours
        .values()
        .filter(|s| s.udp_encapsulated)
        .map(|s| s.packets)
        .sum();
    assert_eq!(
        in_udp,
        capture.get("esp_udp_encapsulated_packets").u64(),
        "{rel}"
    );
}

#[test]
fn every_lab_capture_matches_truth_per_spi() {
    let lab = common_v2::capture_path("lab");
    let mut scenarios: Vec<String> = std::fs::read_dir(&lab)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.path()
                .join("truth.json")
                .exists()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    scenarios.sort();
    assert_eq!(scenarios.len(), 13);
    let mut spis_checked = 0;
    for s in &scenarios {
        let truth = Json::load(&format!("lab/{s}/truth.json"));
        let capture = truth.get("capture");
        check_against(&format!("lab/{s}/{}", capture.get("file").str()), capture);
        spis_checked += capture.get("esp_by_spi").obj().len();
        if let Some(inside) = truth.opt("capture_inside").filter(|j| **j != Json::Null) {
            check_against(&format!("lab/{s}/{}", inside.get("file").str()), inside);
        }
    }
    // 2 SPIs in each of the 7 scenarios with one child SA, 8 in the rekey one, 40 in the
    // many-tunnels one.
    assert_eq!(spis_checked, 2 * 7 + 8 + 40);
}

#[test]
fn tcpdump_sunrise_sunset_esp() {
    let stats = esp_by_spi("external/tcpdump/02-sunrise-sunset-esp.pcap");
    assert_eq!(stats.len(), 1);
    let s = &stats["12345678"];
    assert_eq!((s.packets, s.first_seq, s.last_seq), (8, 1, 8));
    assert_eq!(
        (s.src.as_str(), s.dst.as_str()),
        ("192.1.2.23", "192.1.2.45")
    );
    // tcpdump: "ESP(spi=0x12345678,seq=0x1), length 116".
    for p in ip_packets("external/tcpdump/02-sunrise-sunset-esp.pcap") {
        let esp = EspPacket::parse(&p.ip_payload).unwrap();
        assert_eq!(esp.as_bytes().len(), 116);
        assert_eq!(esp.payload().len(), 108);
    }
}

#[test]
fn tcpdump_isakmp4500_esp_in_udp() {
    let stats = esp_by_spi("external/tcpdump/isakmp4500.pcap");
    let s = &stats["f4dc0ae5"];
    assert_eq!((s.packets, s.first_seq, s.last_seq), (8, 1, 8));
    assert!(s.udp_encapsulated);
    assert_eq!(stats.len(), 1);
}

#[test]
fn truncated_esp_is_an_error_not_a_panic() {
    let packets = ip_packets("external/robustness/esp_truncated.pcap");
    assert_eq!(packets.len(), 1);
    let (sport, dport, payload) = packets[0].udp().unwrap();
    // 34 bytes captured of a 70-byte IPv4 packet: UDP 4500 → 8472 whose payload stops after
    // the 4-byte SPI (0xc0f7d4c3).
    assert_eq!(
        (sport, dport, payload),
        (4500, 8472, &[0xc0, 0xf7, 0xd4, 0xc3][..])
    );
    let Ok(UdpIpsec::Esp(bytes)) = classify_udp(sport, dport, payload) else {
        panic!("UDP 4500 with a non-zero first word is ESP")
    };
    let e = EspPacket::parse(bytes).unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("ESP header", "sequence number", 0)
    );
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 8,
            available: 4
        }
    );
    assert_eq!(
        e.to_string(),
        "ESP header: truncated at sequence number (offset 0): needs 8 bytes, 4 present"
    );
}
