//! UDP 500/4500 demultiplexing on real NAT-T traffic: the lab's NATed main mode (both sides of
//! the NAT) against truth.json, and tcpdump's isakmp4500.pcap against tshark's dissection.

mod common_v2;

use std::collections::BTreeMap;

use common_v2::{Json, ip_packets};
use ikescope_dissectors::Cookie;
use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::natt::{NATT_PORT, UdpIpsec, classify_udp, ike_version};

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    non_esp_marker: u64,
    keepalive: u64,
    esp_in_udp: u64,
    /// IKE messages by "sport/dport", as truth.json's `isakmp_udp_ports`.
    ike_by_ports: BTreeMap<String, u64>,
    /// IKE messages by major version.
    ike_versions: BTreeMap<u8, u64>,
    initiator_cookies: Vec<Cookie>,
}

fn classify_capture(rel: &str) -> Counts {
    let mut c = Counts::default();
    for p in ip_packets(rel) {
        let Some((sport, dport, payload)) = p.udp() else {
            continue;
        };
        match classify_udp(sport, dport, payload).unwrap() {
            UdpIpsec::Ike {
                non_esp_marker,
                message,
            } => {
                // The marker is there exactly when the datagram is on port 4500.
                assert_eq!(non_esp_marker, sport == NATT_PORT || dport == NATT_PORT);
                c.non_esp_marker += u64::from(non_esp_marker);
                *c.ike_by_ports
                    .entry(format!("{sport}/{dport}"))
                    .or_default() += 1;
                *c.ike_versions
                    .entry(ike_version(message).unwrap())
                    .or_default() += 1;
                // What is left after the marker is a whole ISAKMP message: its length field
                // covers exactly the rest of the datagram.
                let len = u32::from_be_bytes(message[24..28].try_into().unwrap());
                assert_eq!(len as usize, message.len(), "{rel} frame {}", p.frame);
                let cookie = Cookie::from_slice(message).unwrap();
                if !c.initiator_cookies.contains(&cookie) {
                    c.initiator_cookies.push(cookie);
                }
            }
            UdpIpsec::NatKeepalive => c.keepalive += 1,
            UdpIpsec::Esp(bytes) => {
                EspPacket::parse(bytes).unwrap();
                c.esp_in_udp += 1;
            }
            UdpIpsec::Other => {}
        }
    }
    c
}

#[test]
fn lab_natt_both_sides_of_the_nat() {
    let truth = Json::load("lab/natt-mm-psk/truth.json");
    for capture in [truth.get("capture"), truth.get("capture_inside")] {
        let rel = format!("lab/natt-mm-psk/{}", capture.get("file").str());
        let c = classify_capture(&rel);
        assert_eq!(
            c.non_esp_marker,
            capture.get("non_esp_marker_packets").u64(),
            "{rel}"
        );
        assert_eq!(
            c.keepalive,
            capture.get("nat_keepalive_packets").u64(),
            "{rel}"
        );
        assert_eq!(
            c.esp_in_udp,
            capture.get("esp_udp_encapsulated_packets").u64(),
            "{rel}"
        );
        let ports: BTreeMap<String, u64> = capture
            .get("isakmp_udp_ports")
            .obj()
            .iter()
            .map(|(k, v)| (k.clone(), v.u64()))
            .collect();
        assert_eq!(c.ike_by_ports, ports, "{rel}");
        let total: u64 = ports.values().sum();
        assert_eq!(c.ike_versions, BTreeMap::from([(1, total)]));
        let cookies: Vec<String> = c.initiator_cookies.iter().map(|c| c.to_string()).collect();
        let expected: Vec<String> = capture
            .get("isakmp_by_initiator_spi")
            .obj()
            .iter()
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(cookies, expected);
    }
    // The public side: the NAT moved the initiator from 500 to 40205, then 4500 to 40832.
    let outside = classify_capture("lab/natt-mm-psk/capture.pcap");
    assert_eq!(outside.non_esp_marker, 7);
    assert_eq!(outside.keepalive, 4);
    assert_eq!(outside.esp_in_udp, 40);
}

#[test]
fn tcpdump_isakmp4500() {
    // tshark: frames 3–6 main mode on 500; 7–11, 15, 16, 20, 21, 30, 35 ISAKMP on 4500;
    // 18, 23, 28, 34 "NAT-keepalive"; 8 ESP in UDP.
    let c = classify_capture("external/tcpdump/isakmp4500.pcap");
    assert_eq!(c.non_esp_marker, 11);
    assert_eq!(c.keepalive, 4);
    assert_eq!(c.esp_in_udp, 8);
    assert_eq!(
        c.ike_by_ports,
        BTreeMap::from([("500/500".to_string(), 4), ("4500/4500".to_string(), 11)])
    );
    assert_eq!(c.ike_versions, BTreeMap::from([(1, 15)]));
}

#[test]
fn ikev2_lab_capture_has_no_natt() {
    let c = classify_capture("lab/ikev2-psk-aes128/capture.pcap");
    assert_eq!((c.non_esp_marker, c.keepalive, c.esp_in_udp), (0, 0, 0));
    assert_eq!(c.ike_versions, BTreeMap::from([(2, 6)]));
}
