//! Every capture in the repository through `decode_frame` and `parse_udp`. The counts that
//! truth.json records are checked against the same decoding in the root crate's
//! `tests/capture_truth.rs` (it has a JSON parser); here the facts are stated directly.

mod net_common;

use std::collections::BTreeMap;
use std::net::IpAddr;

use ikescope_dissectors::net::{
    EtherType, IpProtocol, IpVersion, Network, decode_frame, decode_frame_lax, parse_udp,
    parse_udp_lax,
};
use net_common::{all_pcaps, read_pcap, repo};

/// Lab, generated and external captures decode without a single error, except the hostile
/// inputs of `robustness/`: those were cut by tcpdump's snap length or lie in the UDP length,
/// which strict decoding names, and lax decoding gets through.
#[test]
fn every_frame_of_every_capture_decodes() {
    let mut frames = 0;
    let mut errors = BTreeMap::new();
    let mut lax_errors = BTreeMap::new();
    for path in all_pcaps() {
        let pcap = read_pcap(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for (i, r) in pcap.records.iter().enumerate() {
            frames += 1;
            let key = format!("{name} #{}", i + 1);
            match decode_frame(pcap.link, &r.data) {
                Ok(Network::Ip(p)) if p.protocol == IpProtocol::UDP && p.fragment.is_none() => {
                    if let Err(e) = parse_udp(p.payload) {
                        errors.insert(key.clone(), e.shifted(p.payload_offset).to_string());
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    errors.insert(key.clone(), e.to_string());
                }
            }
            match decode_frame_lax(pcap.link, &r.data) {
                Ok(Network::Ip(p)) if p.protocol == IpProtocol::UDP && p.fragment.is_none() => {
                    if let Err(e) = parse_udp_lax(p.payload) {
                        lax_errors.insert(key, e.to_string());
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    lax_errors.insert(key, e.to_string());
                }
            }
        }
    }
    assert!(frames > 2500, "{frames}");
    let expected: BTreeMap<String, String> = [
        (
            "esp_truncated.pcap #1",
            "IPv4 header: truncated at total length (offset 16): needs 70 bytes, 32 present",
        ),
        (
            "isakmp-delete-segfault.pcap #1",
            "UDP header: truncated at length (offset 38): needs 456 bytes, 146 present",
        ),
        (
            "isakmp-various-oobr.pcap #1",
            "IPv4 header: truncated at total length (offset 16): needs 296 bytes, 61 present",
        ),
        (
            "isakmp-various-oobr.pcap #2",
            "IPv4 header: truncated at total length (offset 16): needs 296 bytes, 61 present",
        ),
        (
            "isakmpv1-attr-oobr.pcap #1",
            "IPv4 header: truncated at total length (offset 16): needs 63264 bytes, 81 present",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(errors, expected);
    assert_eq!(lax_errors, BTreeMap::new());
}

#[test]
fn lax_decoding_keeps_what_the_snap_length_left() {
    let pcap = read_pcap(&repo(
        "captures/external/robustness/isakmpv1-attr-oobr.pcap",
    ));
    let Network::Ip(p) = decode_frame_lax(pcap.link, &pcap.records[0].data).unwrap() else {
        panic!("not IP");
    };
    assert!(p.is_truncated());
    // This one has 8 bytes of IP options.
    assert_eq!(p.payload_offset, 14 + 28);
    assert_eq!(p.payload_len, 63264 - 28);
    assert_eq!(p.payload.len(), pcap.records[0].data.len() - 14 - 28);
    assert_eq!(
        p.payload_offset + p.payload.len(),
        pcap.records[0].data.len()
    );
}

/// mm-transport-ipv6 is IPv6 end to end: 11 ISAKMP on UDP 500/500, 40 ESP (transport mode,
/// protocol 50 right after the fixed header), 4 ICMPv6 neighbour discovery packets.
#[test]
fn ipv6_lab_capture() {
    let pcap = read_pcap(&repo("captures/lab/mm-transport-ipv6/capture.pcap"));
    assert_eq!(pcap.records.len(), 55);
    let (a, b): (IpAddr, IpAddr) = (
        "2001:db8:1::1".parse().unwrap(),
        "2001:db8:1::2".parse().unwrap(),
    );
    let mut by_protocol = BTreeMap::new();
    for r in &pcap.records {
        let Network::Ip(p) = decode_frame(pcap.link, &r.data).unwrap() else {
            panic!("not IP");
        };
        assert_eq!(p.version, IpVersion::V6);
        assert_eq!((p.header_offset, p.vlan, p.fragment), (14, None, None));
        *by_protocol.entry(p.protocol.name().unwrap()).or_insert(0) += 1;
        if p.protocol != IpProtocol::ICMPV6 {
            assert!(
                (p.src, p.dst) == (a, b) || (p.src, p.dst) == (b, a),
                "{p:?}"
            );
        }
        if p.protocol == IpProtocol::UDP {
            let u = parse_udp(p.payload).unwrap();
            assert_eq!((u.src_port, u.dst_port), (500, 500));
            // The ISAKMP header's length field covers exactly the UDP payload.
            let isakmp_len = u32::from_be_bytes(u.payload[24..28].try_into().unwrap());
            assert_eq!(isakmp_len as usize, u.payload.len());
        }
    }
    assert_eq!(
        by_protocol,
        BTreeMap::from([("ESP", 40), ("ICMPv6", 4), ("UDP", 11)])
    );
}

/// natt-mm-psk: MM1–MM4 from the NAT's port 40205 to 500, then everything on 40832 ↔ 4500;
/// ARP frames come back as `NotIp`, not errors; Ethernet padding is not in the payload.
#[test]
fn natt_ports_and_non_ip_frames() {
    let pcap = read_pcap(&repo("captures/lab/natt-mm-psk/capture.pcap"));
    let mut ports = BTreeMap::new();
    let mut arp = 0;
    for r in &pcap.records {
        match decode_frame(pcap.link, &r.data).unwrap() {
            Network::Ip(p) => {
                assert_eq!(p.protocol, IpProtocol::UDP, "NAT-T carries ESP in UDP");
                assert_eq!(
                    p.payload_offset + p.payload.len(),
                    14 + 20 + p.payload.len()
                );
                let u = parse_udp(p.payload).unwrap();
                *ports.entry((u.src_port, u.dst_port)).or_insert(0) += 1;
            }
            Network::NotIp { ether_type } => {
                assert_eq!(ether_type, EtherType::ARP);
                assert_eq!(ether_type.name(), Some("ARP"));
                arp += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(arp, 4);
    // 500: MM1..MM4. 4500: 7 ISAKMP with the non-ESP marker, 40 ESP-in-UDP, 4 keepalives.
    assert_eq!(
        ports,
        BTreeMap::from([
            ((40205, 500), 2),
            ((500, 40205), 2),
            ((40832, 4500), 5 + 20 + 4),
            ((4500, 40832), 2 + 20),
        ])
    );
}

/// Ethernet pads frames to 60 bytes: a 1-byte NAT keepalive's IP payload stops at the IP total
/// length, not at the padding.
#[test]
fn ethernet_padding_is_not_payload() {
    let pcap = read_pcap(&repo("captures/lab/natt-mm-psk/capture.pcap"));
    let keepalives: Vec<_> = pcap
        .records
        .iter()
        .filter_map(|r| match decode_frame(pcap.link, &r.data).unwrap() {
            Network::Ip(p) => Some((r.data.len(), parse_udp(p.payload).unwrap().payload.to_vec())),
            _ => None,
        })
        .filter(|(_, payload)| payload == &[0xff])
        .collect();
    assert_eq!(keepalives.len(), 4);
    assert!(
        keepalives
            .iter()
            .all(|(frame_len, _)| *frame_len == 60 || *frame_len == 43)
    );
}
