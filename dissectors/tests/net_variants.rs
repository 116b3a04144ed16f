//! The generated captures (captures/generated/, see its README) re-frame two lab captures in
//! every link layer `decode_frame` supports: each must yield exactly the original IP packets.

mod net_common;

use ikescope_dissectors::net::{EtherType, LinkType, Network, decode_frame};
use net_common::{Ip, ip_packets, read_pcap, repo};

const V4: &str = "mm-psk-aes128-sha1-g14";
const V6: &str = "mm-transport-ipv6";

fn original(name: &str) -> (Vec<Ip>, usize, Vec<u64>) {
    let pcap = read_pcap(&repo(&format!("captures/lab/{name}/capture.pcap")));
    let (ips, other) = ip_packets(&pcap);
    (
        ips,
        other,
        pcap.records.iter().map(|r| r.ts_nanos).collect(),
    )
}

/// (suffix, link type, keeps ARP frames, VLAN the packets carry)
const VARIANTS: &[(&str, LinkType, bool, Option<u16>)] = &[
    ("sll", LinkType::LINUX_SLL, true, None),
    ("sll2", LinkType::LINUX_SLL2, true, None),
    ("raw", LinkType::RAW, false, None),
    ("null-le", LinkType::NULL, false, None),
    ("null-be", LinkType::NULL, false, None),
    ("loop", LinkType::LOOP, false, None),
    ("vlan", LinkType::ETHERNET, true, Some(100)),
    ("qinq", LinkType::ETHERNET, true, Some(200)),
];

fn check_variants(name: &str, only: (&str, LinkType)) {
    let (ips, arp, _) = original(name);
    assert!(ips.len() >= 51);
    let mut variants = VARIANTS.to_vec();
    variants.push((only.0, only.1, false, None));
    for (suffix, link, keeps_arp, vlan) in variants {
        let path = repo(&format!("captures/generated/{name}.{suffix}.pcap"));
        let pcap = read_pcap(&path);
        assert_eq!(pcap.link, link, "{suffix}");
        let (got, other) = ip_packets(&pcap);
        assert_eq!(got, ips, "{name}.{suffix}");
        assert_eq!(other, if keeps_arp { arp } else { 0 }, "{name}.{suffix}");
        for r in &pcap.records {
            match decode_frame(pcap.link, &r.data).unwrap() {
                Network::Ip(p) => assert_eq!(p.vlan, vlan, "{suffix}"),
                Network::NotIp { ether_type } => assert_eq!(ether_type, EtherType::ARP),
                Network::NotIpFamily { family } => panic!("{suffix}: family {family}"),
            }
        }
    }
}

#[test]
fn ipv4_capture_in_every_link_layer() {
    check_variants(V4, ("ipv4", LinkType::IPV4));
}

#[test]
fn ipv6_capture_in_every_link_layer() {
    let (ips, arp, _) = original(V6);
    assert_eq!(arp, 0, "IPv6 has no ARP");
    assert!(ips.iter().all(|ip| ip.src.is_ipv6()));
    check_variants(V6, ("ipv6", LinkType::IPV6));
}

/// A raw IPv4 packet under LINKTYPE_IPV6 is an error naming the version, not a misparse.
#[test]
fn raw_ip_of_the_wrong_version_is_an_error() {
    let pcap = read_pcap(&repo(&format!("captures/generated/{V4}.ipv4.pcap")));
    let e = decode_frame(LinkType::IPV6, &pcap.records[0].data).unwrap_err();
    assert_eq!(
        (e.element, e.field, e.offset),
        ("IPv6 header", "version", 0)
    );
    let e = decode_frame(LinkType(105), &pcap.records[0].data).unwrap_err();
    assert!(ikescope_dissectors::net::is_unsupported_link_type(&e));
    assert_eq!(
        LinkType(127).to_string(),
        "link type 127 (IEEE 802.11 radiotap)"
    );
    assert!(!LinkType(127).is_supported() && LinkType::LINUX_SLL2.is_supported());
}

/// Big-endian and nanosecond pcap encodings carry the same frames and timestamps (checked
/// with the test reader here; `ikescope::capture` is checked on them in the root tests).
#[test]
fn pcap_encodings_carry_the_same_frames() {
    let (ips, _, ts) = original(V4);
    for suffix in ["be", "be-nsec", "nsec"] {
        let pcap = read_pcap(&repo(&format!("captures/generated/{V4}.{suffix}.pcap")));
        assert_eq!(ip_packets(&pcap).0, ips, "{suffix}");
        let got: Vec<u64> = pcap.records.iter().map(|r| r.ts_nanos).collect();
        assert_eq!(got, ts, "{suffix}");
    }
}
