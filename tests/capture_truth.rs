//! Every lab capture through `FileSource` and `dissectors::net`: the counts, ports, addresses
//! and frame numbers truth.json records (from tshark) must come out exactly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ikescope::capture::FileSource;
use ikescope_dissectors::net::{IpProtocol, Network, decode_frame, decode_frame_lax, parse_udp};
use serde_json::Value;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[derive(Default, Debug)]
struct Counts {
    frames: u64,
    isakmp: u64,
    esp: u64,
    esp_in_udp: u64,
    non_esp_marker: u64,
    keepalives: u64,
    isakmp_ports: BTreeMap<String, u64>,
    /// spi → (src, dst, packets, first frame, last frame)
    esp_by_spi: BTreeMap<String, (String, String, u64, u64, u64)>,
}

fn count(path: &Path) -> Counts {
    let mut c = Counts::default();
    let mut source = FileSource::open(path).unwrap();
    while let Some(frame) = source.next_frame().unwrap() {
        c.frames += 1;
        assert_eq!(frame.number, c.frames);
        let Network::Ip(ip) = decode_frame(frame.link, frame.data).unwrap() else {
            continue;
        };
        let spi = match ip.protocol {
            IpProtocol::ESP => {
                c.esp += 1;
                Some(&ip.payload[..4])
            }
            IpProtocol::UDP => {
                let u = parse_udp(ip.payload).unwrap();
                let ports = format!("{}/{}", u.src_port, u.dst_port);
                if u.src_port == 500 || u.dst_port == 500 {
                    c.isakmp += 1;
                    *c.isakmp_ports.entry(ports).or_default() += 1;
                    None
                } else if u.payload == [0xff] {
                    c.keepalives += 1;
                    None
                } else if u.payload[..4] == [0, 0, 0, 0] {
                    // RFC 3948 §2.2: the non-ESP marker precedes IKE on port 4500.
                    c.isakmp += 1;
                    c.non_esp_marker += 1;
                    *c.isakmp_ports.entry(ports).or_default() += 1;
                    None
                } else {
                    c.esp += 1;
                    c.esp_in_udp += 1;
                    Some(&u.payload[..4])
                }
            }
            _ => None,
        };
        if let Some(spi) = spi {
            let e = c.esp_by_spi.entry(hex::encode(spi)).or_insert((
                ip.src.to_string(),
                ip.dst.to_string(),
                0,
                frame.number,
                0,
            ));
            e.2 += 1;
            e.4 = frame.number;
            assert_eq!(
                (e.0.as_str(), e.1.as_str()),
                (&*ip.src.to_string(), &*ip.dst.to_string())
            );
        }
    }
    c
}

fn check(path: &Path, truth: &Value) {
    let c = count(path);
    let name = path.display();
    let n = |k: &str| truth[k].as_u64().unwrap();
    assert_eq!(c.frames, n("frames_total"), "{name}");
    assert_eq!(c.isakmp, n("isakmp_packets"), "{name}");
    assert_eq!(c.esp, n("esp_packets"), "{name}");
    assert_eq!(c.esp_in_udp, n("esp_udp_encapsulated_packets"), "{name}");
    assert_eq!(c.non_esp_marker, n("non_esp_marker_packets"), "{name}");
    assert_eq!(c.keepalives, n("nat_keepalive_packets"), "{name}");
    let ports: BTreeMap<String, u64> = truth["isakmp_udp_ports"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(c.isakmp_ports, ports, "{name}");
    let spis: BTreeMap<String, (String, String, u64, u64, u64)> = truth["esp_by_spi"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                (
                    v["src"].as_str().unwrap().to_string(),
                    v["dst"].as_str().unwrap().to_string(),
                    v["packets"].as_u64().unwrap(),
                    v["first_frame"].as_u64().unwrap(),
                    v["last_frame"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(c.esp_by_spi, spis, "{name}");
}

#[test]
fn lab_captures_match_their_truth() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo("captures/lab")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let truth: Value =
            serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
        check(&dir.join("capture.pcap"), &truth["capture"]);
        checked += 1;
        if dir.join("capture-inside.pcap").exists() {
            check(&dir.join("capture-inside.pcap"), &truth["capture_inside"]);
            checked += 1;
        }
    }
    assert_eq!(checked, 14);
}

/// mm-transport-ipv6 is IPv6; natt-mm-psk floats from 500 to 4500 (asserted through the
/// truth above); here the protocols by version, as a second look.
#[test]
fn ipv6_capture_is_ipv6() {
    let mut source = FileSource::open(repo("captures/lab/mm-transport-ipv6/capture.pcap")).unwrap();
    let mut v6 = 0;
    while let Some(frame) = source.next_frame().unwrap() {
        if let Network::Ip(ip) = decode_frame(frame.link, frame.data).unwrap() {
            assert!(ip.src.is_ipv6() && ip.dst.is_ipv6());
            v6 += 1;
        }
    }
    assert_eq!(v6, 55);
}

/// Every external capture (pcap, pcapng, pcapng.gz) is read to its end and every frame
/// decodes (lax for the snap-length-cut hostile inputs of robustness/).
#[test]
fn external_captures_read_to_the_end() {
    let mut files = Vec::new();
    for sub in [
        "wireshark",
        "tcpdump",
        "zeek",
        "suricata-verify",
        "robustness",
    ] {
        for entry in std::fs::read_dir(repo(&format!("captures/external/{sub}"))).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".pcap") || name.ends_with(".cap") || name.contains(".pcapng") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut summary = BTreeMap::new();
    for path in &files {
        let mut source = FileSource::open(path).unwrap();
        let (mut frames, mut ip) = (0, 0);
        while let Some(frame) = source.next_frame().unwrap() {
            frames += 1;
            if let Network::Ip(_) = decode_frame_lax(frame.link, frame.data).unwrap() {
                ip += 1;
            }
        }
        assert_eq!(
            source.bytes_read(),
            source.total_bytes(),
            "{}",
            path.display()
        );
        summary.insert(
            path.file_name().unwrap().to_string_lossy().to_string(),
            (frames, ip),
        );
    }
    assert_eq!(files.len(), 17);
    assert_eq!(summary["esp-bug-12671.pcapng.gz"], (6, 6));
    assert_eq!(summary["ikev2-decrypt-aes256cbc.pcapng"], (4, 4));
    assert_eq!(summary["isakmp4500.pcap"], (35, 27), "8 ARP");
    assert_eq!(summary["ipsec.cap"].0, 27);
}
