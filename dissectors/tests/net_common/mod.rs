//! Test support for the `net_*` tests: a minimal pcap reader (the dissectors crate has no
//! capture-file dependency; `ikescope::capture` is the real reader) and repository paths.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ikescope_dissectors::net::{IpPacket, LinkType, Network, decode_frame};

pub struct Record {
    pub ts_nanos: u64,
    pub data: Vec<u8>,
}

pub struct Pcap {
    pub link: LinkType,
    pub records: Vec<Record>,
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

/// Reads a classic pcap file: either byte order, microsecond or nanosecond magic.
pub fn read_pcap(path: &Path) -> Pcap {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let magic = u32::from_le_bytes(bytes[..4].try_into().unwrap());
    let (be, nanos) = match magic {
        0xa1b2c3d4 => (false, false),
        0xa1b23c4d => (false, true),
        0xd4c3b2a1 => (true, false),
        0x4d3cb2a1 => (true, true),
        m => panic!("{}: not a pcap (magic {m:08x})", path.display()),
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
        if be {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    let link = LinkType(u32_at(20) & 0xffff);
    let mut records = Vec::new();
    let mut pos = 24;
    while pos + 16 <= bytes.len() {
        let (sec, frac, incl) = (u32_at(pos), u32_at(pos + 4), u32_at(pos + 8) as usize);
        let ns = if nanos {
            u64::from(frac)
        } else {
            u64::from(frac) * 1000
        };
        let data = bytes[pos + 16..pos + 16 + incl].to_vec();
        records.push(Record {
            ts_nanos: u64::from(sec) * 1_000_000_000 + ns,
            data,
        });
        pos += 16 + incl;
    }
    assert_eq!(pos, bytes.len(), "{}: trailing bytes", path.display());
    Pcap { link, records }
}

/// Every `.pcap`/`.cap` file under `captures/`, sorted.
pub fn all_pcaps() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("pcap" | "cap")) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo("captures"), &mut out);
    out.sort();
    out
}

/// The parts of an IP packet that must survive any re-framing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ip {
    pub src: std::net::IpAddr,
    pub dst: std::net::IpAddr,
    pub protocol: u8,
    pub ttl: u8,
    pub payload: Vec<u8>,
}

impl From<&IpPacket<'_>> for Ip {
    fn from(p: &IpPacket<'_>) -> Self {
        Ip {
            src: p.src,
            dst: p.dst,
            protocol: p.protocol.0,
            ttl: p.ttl,
            payload: p.payload.to_vec(),
        }
    }
}

/// Decodes every frame, panicking on an error; returns the IP packets and the number of
/// non-IP frames.
pub fn ip_packets(pcap: &Pcap) -> (Vec<Ip>, usize) {
    let mut ips = Vec::new();
    let mut other = 0;
    for (i, r) in pcap.records.iter().enumerate() {
        match decode_frame(pcap.link, &r.data) {
            Ok(Network::Ip(p)) => ips.push(Ip::from(&p)),
            Ok(_) => other += 1,
            Err(e) => panic!("frame {}: {e}", i + 1),
        }
    }
    (ips, other)
}
