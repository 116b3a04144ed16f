//! Test-only helpers for the crypto tests: a minimal pcap/pcapng reader (Ethernet, 802.1Q,
//! IPv4, IPv6, UDP 500/4500 with the non-ESP marker, IP protocol 50), a walker over ISAKMP /
//! IKEv2 generic payload headers, and truth.json access. Deliberately small and independent
//! of the crate's own parsers (which other helpers are writing): these tests check the
//! cryptography, not the dissectors.
#![allow(dead_code)]

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

pub use serde_json::Value;

/// Path of a file under the repository's `captures/` directory.
pub fn capture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("captures")
        .join(rel)
}

pub fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

pub fn truth(scenario: &str) -> Value {
    let p = capture_path(&format!("lab/{scenario}/truth.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

/// Every lab scenario directory name.
pub fn lab_scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(capture_path("lab"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            e.file_type()
                .ok()?
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    v.sort();
    v
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// What a frame carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An ESP packet from the SPI on (IP protocol 50, or UDP 4500 without the marker).
    Esp { udp_encapsulated: bool },
    /// An ISAKMP/IKE message from its header on (UDP 500, or UDP 4500 after the marker).
    Ike,
    /// A NAT-T keepalive or anything else.
    Other,
}

#[derive(Debug, Clone)]
pub struct Packet {
    /// 1-based frame number, as Wireshark counts.
    pub frame: usize,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub kind: Kind,
    /// The ESP packet or IKE message bytes.
    pub data: Vec<u8>,
}

/// Reads a pcap, pcapng, or gzip-compressed one, and returns its IPsec packets.
pub fn read_capture(rel: &str) -> Vec<Packet> {
    let p = capture_path(rel);
    let mut raw = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        raw = out;
    }
    let frames = if raw.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        pcapng_frames(&raw)
    } else {
        pcap_frames(&raw)
    };
    frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| decode_ethernet(i + 1, f))
        .collect()
}

fn pcap_frames(raw: &[u8]) -> Vec<Vec<u8>> {
    let magic = u32::from_le_bytes(raw[0..4].try_into().unwrap());
    let le = match magic {
        0xa1b2c3d4 | 0xa1b23c4d => true,
        0xd4c3b2a1 | 0x4d3cb2a1 => false,
        m => panic!("not a pcap file (magic {m:08x})"),
    };
    let u32_at = |b: &[u8], at: usize| {
        let a: [u8; 4] = b[at..at + 4].try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    assert_eq!(u32_at(raw, 20), 1, "link type must be Ethernet");
    let mut at = 24;
    let mut frames = Vec::new();
    while at + 16 <= raw.len() {
        let caplen = u32_at(raw, at + 8) as usize;
        at += 16;
        frames.push(raw[at..at + caplen].to_vec());
        at += caplen;
    }
    frames
}

fn pcapng_frames(raw: &[u8]) -> Vec<Vec<u8>> {
    // Section header: byte-order magic at offset 8.
    let le = raw[8..12] == [0x4d, 0x3c, 0x2b, 0x1a];
    let u32_at = |at: usize| {
        let a: [u8; 4] = raw[at..at + 4].try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let mut at = 0;
    let mut frames = Vec::new();
    while at + 12 <= raw.len() {
        let block_type = u32_at(at);
        let block_len = u32_at(at + 4) as usize;
        match block_type {
            // Interface description: link type must be Ethernet.
            1 => {
                let lt = if le {
                    u16::from_le_bytes([raw[at + 8], raw[at + 9]])
                } else {
                    u16::from_be_bytes([raw[at + 8], raw[at + 9]])
                };
                assert_eq!(lt, 1, "link type must be Ethernet");
            }
            // Enhanced packet block: interface, ts hi, ts lo, caplen, origlen, data.
            6 => {
                let caplen = u32_at(at + 20) as usize;
                frames.push(raw[at + 28..at + 28 + caplen].to_vec());
            }
            // Simple packet block.
            3 => {
                let len = u32_at(at + 8) as usize;
                let caplen = len.min(block_len - 16);
                frames.push(raw[at + 12..at + 12 + caplen].to_vec());
            }
            _ => {}
        }
        assert!(block_len >= 12, "pcapng block length {block_len}");
        at += block_len;
    }
    frames
}

fn decode_ethernet(frame: usize, f: &[u8]) -> Option<Packet> {
    let mut ethertype = u16::from_be_bytes([*f.get(12)?, *f.get(13)?]);
    let mut at = 14;
    while ethertype == 0x8100 || ethertype == 0x88a8 {
        ethertype = u16::from_be_bytes([*f.get(at + 2)?, *f.get(at + 3)?]);
        at += 4;
    }
    let ip = f.get(at..)?;
    let (src, dst, proto, payload): (IpAddr, IpAddr, u8, &[u8]) = match ethertype {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
            let frag = u16::from_be_bytes([ip[6], ip[7]]);
            if frag & 0x3fff != 0 {
                return None; // fragments: not needed by these tests
            }
            let src: [u8; 4] = ip[12..16].try_into().ok()?;
            let dst: [u8; 4] = ip[16..20].try_into().ok()?;
            (
                src.into(),
                dst.into(),
                ip[9],
                ip.get(ihl..total.min(ip.len()))?,
            )
        }
        0x86dd => {
            let plen = usize::from(u16::from_be_bytes([ip[4], ip[5]]));
            let src: [u8; 16] = ip[8..24].try_into().ok()?;
            let dst: [u8; 16] = ip[24..40].try_into().ok()?;
            let mut next = ip[6];
            let mut rest = ip.get(40..(40 + plen).min(ip.len()))?;
            // Hop-by-hop, routing, destination options: skip.
            while matches!(next, 0 | 43 | 60) {
                next = rest[0];
                let len = (usize::from(rest[1]) + 1) * 8;
                rest = rest.get(len..)?;
            }
            (src.into(), dst.into(), next, rest)
        }
        _ => return None,
    };
    let (kind, data) = match proto {
        50 => (
            Kind::Esp {
                udp_encapsulated: false,
            },
            payload,
        ),
        17 => {
            let sport = u16::from_be_bytes([payload[0], payload[1]]);
            let dport = u16::from_be_bytes([payload[2], payload[3]]);
            let udp = payload.get(8..)?;
            if sport == 4500 || dport == 4500 {
                if udp == [0xff] {
                    (Kind::Other, udp)
                } else if udp.len() >= 4 && udp[..4] == [0, 0, 0, 0] {
                    (Kind::Ike, &udp[4..])
                } else {
                    (
                        Kind::Esp {
                            udp_encapsulated: true,
                        },
                        udp,
                    )
                }
            } else if sport == 500 || dport == 500 {
                (Kind::Ike, udp)
            } else {
                (Kind::Other, udp)
            }
        }
        _ => (Kind::Other, payload),
    };
    Some(Packet {
        frame,
        src,
        dst,
        kind,
        data: data.to_vec(),
    })
}

/// One payload of an ISAKMP or IKEv2 message: its type (from the previous payload's Next
/// Payload field), the whole payload (generic header included) and its body.
#[derive(Debug, Clone)]
pub struct Payload<'a> {
    pub kind: u8,
    pub whole: &'a [u8],
    pub body: &'a [u8],
}

/// Walks a chain of generic payload headers starting with `first` at `bytes[0]`; stops at
/// next payload 0. Returns the payloads and the offset where the chain ended (anything after
/// it is padding).
pub fn payloads(first: u8, bytes: &[u8]) -> (Vec<Payload<'_>>, usize) {
    let mut out = Vec::new();
    let mut kind = first;
    let mut at = 0;
    while kind != 0 {
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        assert!(
            len >= 4 && at + len <= bytes.len(),
            "payload length {len} at {at}"
        );
        out.push(Payload {
            kind,
            whole: &bytes[at..at + len],
            body: &bytes[at + 4..at + len],
        });
        kind = bytes[at];
        at += len;
        // SK/SKF are always last: the rest is encrypted.
        if matches!(out.last().map(|p| p.kind), Some(46 | 53)) {
            break;
        }
    }
    (out, at)
}

/// ISAKMP header fields.
#[derive(Debug, Clone, Copy)]
pub struct IsakmpHeader {
    pub cky_i: [u8; 8],
    pub cky_r: [u8; 8],
    pub next_payload: u8,
    pub version: u8,
    pub exchange: u8,
    pub flags: u8,
    pub message_id: u32,
    pub length: usize,
}

pub fn isakmp_header(msg: &[u8]) -> IsakmpHeader {
    IsakmpHeader {
        cky_i: msg[0..8].try_into().unwrap(),
        cky_r: msg[8..16].try_into().unwrap(),
        next_payload: msg[16],
        version: msg[17],
        exchange: msg[18],
        flags: msg[19],
        message_id: u32::from_be_bytes(msg[20..24].try_into().unwrap()),
        length: u32::from_be_bytes(msg[24..28].try_into().unwrap()) as usize,
    }
}

/// The first payload of `kind` in a list.
pub fn find<'a, 'b>(list: &'b [Payload<'a>], kind: u8) -> Option<&'b Payload<'a>> {
    list.iter().find(|p| p.kind == kind)
}

/// Xorshift64*: a small deterministic generator for the garbage tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Random bytes of a random length below `max`.
    pub fn any(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}
