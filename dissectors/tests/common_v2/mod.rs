//! Test-only helpers for the IKEv2/ESP/NAT-T integration tests: a minimal pcap + pcapng
//! reader (Ethernet only, which is all these captures use), IP/UDP extraction through
//! etherparse's lax slicer (so truncated frames still yield what they hold), and a minimal
//! JSON reader for truth.json (the dissectors crate has no JSON dev-dependency).
#![allow(dead_code)]

use std::net::IpAddr;
use std::path::PathBuf;

use etherparse::{LaxNetSlice, LaxSlicedPacket};

/// `captures/<rel>` in the repository.
pub fn capture_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("captures")
        .join(rel)
}

pub fn read_capture(rel: &str) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(capture_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if bytes.get(..4) == Some(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        read_pcapng(&bytes)
    } else {
        read_pcap(&bytes)
    }
}

fn u32_at(b: &[u8], at: usize, le: bool) -> u32 {
    let a: [u8; 4] = b[at..at + 4].try_into().unwrap();
    if le {
        u32::from_le_bytes(a)
    } else {
        u32::from_be_bytes(a)
    }
}

fn read_pcap(b: &[u8]) -> Vec<Vec<u8>> {
    let magic = u32::from_le_bytes(b[..4].try_into().unwrap());
    let le = match magic {
        0xa1b2c3d4 | 0xa1b23c4d => true,
        0xd4c3b2a1 | 0x4d3cb2a1 => false,
        m => panic!("not a pcap file: magic {m:#x}"),
    };
    // The low 16 bits are the link type; the upper bits may carry FCS information.
    assert_eq!(
        u32_at(b, 20, le) & 0xffff,
        1,
        "only Ethernet captures are expected"
    );
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= b.len() {
        let incl = u32_at(b, at + 8, le) as usize;
        frames.push(b[at + 16..at + 16 + incl].to_vec());
        at += 16 + incl;
    }
    frames
}

fn read_pcapng(b: &[u8]) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut le = true;
    let mut at = 0;
    while at + 12 <= b.len() {
        let block_type = u32_at(b, at, le);
        if block_type == 0x0a0d0d0a {
            le = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) == 0x1a2b3c4d;
        }
        let len = u32_at(b, at + 4, le) as usize;
        let body = &b[at + 8..at + len - 4];
        match block_type {
            1 => assert_eq!(u16::from(body[0]) | (u16::from(body[1]) << 8), 1),
            6 => {
                let cap = u32_at(body, 12, le) as usize;
                frames.push(body[20..20 + cap].to_vec());
            }
            3 => {
                let orig = u32_at(body, 0, le) as usize;
                frames.push(body[4..4 + orig.min(body.len() - 4)].to_vec());
            }
            _ => {}
        }
        at += len;
    }
    frames
}

/// An IP packet from a frame.
#[derive(Debug, Clone)]
pub struct Packet {
    /// 1-based frame number, as tshark counts.
    pub frame: usize,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub ip_protocol: u8,
    pub fragmented: bool,
    /// IPv4 fragment offset in 8-byte units (0 for the first fragment and for IPv6 here).
    pub fragment_offset: u16,
    pub ip_payload: Vec<u8>,
}

impl Packet {
    /// Ports and payload of a UDP datagram (payload cut to the UDP length or to what was
    /// captured, whichever is shorter). A first fragment counts: it holds the UDP header.
    pub fn udp(&self) -> Option<(u16, u16, &[u8])> {
        if self.ip_protocol != 17 || self.fragment_offset != 0 || self.ip_payload.len() < 8 {
            return None;
        }
        let p = &self.ip_payload;
        let sport = u16::from_be_bytes([p[0], p[1]]);
        let dport = u16::from_be_bytes([p[2], p[3]]);
        let ulen = usize::from(u16::from_be_bytes([p[4], p[5]]));
        let end = ulen.clamp(8, p.len());
        Some((sport, dport, &p[8..end]))
    }
}

/// Every IPv4/IPv6 packet in a capture.
pub fn ip_packets(rel: &str) -> Vec<Packet> {
    read_capture(rel)
        .iter()
        .enumerate()
        .filter_map(|(i, frame)| {
            let sliced = LaxSlicedPacket::from_ethernet(frame).ok()?;
            let (src, dst, fragment_offset) = match sliced.net.as_ref()? {
                LaxNetSlice::Ipv4(s) => (
                    IpAddr::V4(s.header().source_addr()),
                    IpAddr::V4(s.header().destination_addr()),
                    s.header().fragments_offset().value(),
                ),
                LaxNetSlice::Ipv6(s) => (
                    IpAddr::V6(s.header().source_addr()),
                    IpAddr::V6(s.header().destination_addr()),
                    0,
                ),
                LaxNetSlice::Arp(_) => return None,
            };
            let payload = sliced.net.as_ref()?.ip_payload_ref()?;
            Some(Packet {
                frame: i + 1,
                src,
                dst,
                ip_protocol: payload.ip_number.0,
                fragmented: payload.fragmented,
                fragment_offset,
                ip_payload: payload.payload.to_vec(),
            })
        })
        .collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// A minimal JSON reader: enough for truth.json (objects, arrays, strings, numbers, literals).

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn parse(text: &str) -> Json {
        let mut p = JsonParser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.i, p.s.len(), "trailing JSON");
        v
    }

    pub fn load(rel: &str) -> Json {
        let text = std::fs::read_to_string(capture_path(rel)).unwrap();
        Json::parse(&text)
    }

    /// Member of an object; panics (naming the key) when absent.
    pub fn get(&self, key: &str) -> &Json {
        self.opt(key)
            .unwrap_or_else(|| panic!("no key {key:?} in JSON object"))
    }

    pub fn opt(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn at(&self, i: usize) -> &Json {
        match self {
            Json::Arr(a) => &a[i],
            other => panic!("not an array: {other:?}"),
        }
    }

    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }

    pub fn obj(&self) -> &[(String, Json)] {
        match self {
            Json::Obj(m) => m,
            other => panic!("not an object: {other:?}"),
        }
    }

    pub fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }

    pub fn u64(&self) -> u64 {
        match self {
            Json::Num(n) if *n >= 0.0 && n.fract() == 0.0 => *n as u64,
            other => panic!("not an unsigned integer: {other:?}"),
        }
    }

    pub fn bool(&self) -> bool {
        match self {
            Json::Bool(b) => *b,
            other => panic!("not a bool: {other:?}"),
        }
    }
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(
            self.s[self.i], c,
            "JSON: expected {:?} at {}",
            c as char, self.i
        );
        self.i += 1;
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    m.push((k, self.value()));
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(a);
                }
                loop {
                    a.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(a);
                    }
                }
            }
            b'"' => Json::Str(self.string()),
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-.eE0123456789".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(
                    text.parse()
                        .unwrap_or_else(|_| panic!("JSON number {text:?}")),
                )
            }
        }
    }

    fn hex4(&mut self) -> u32 {
        let h = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
        self.i += 4;
        u32::from_str_radix(h, 16).unwrap()
    }

    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut bytes = Vec::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'u' => {
                            let mut cp = self.hex4();
                            if (0xd800..0xdc00).contains(&cp)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4();
                                cp = 0x10000
                                    + ((cp - 0xd800) << 10)
                                    + (lo.wrapping_sub(0xdc00) & 0x3ff);
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            bytes.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        b'n' => bytes.push(b'\n'),
                        b't' => bytes.push(b'\t'),
                        b'r' => bytes.push(b'\r'),
                        b'b' => bytes.push(8),
                        b'f' => bytes.push(12),
                        other => bytes.push(other),
                    }
                }
                other => bytes.push(other),
            }
        }
        String::from_utf8(bytes).unwrap()
    }
}

#[test]
fn json_reader_reads_what_truth_files_hold() {
    let v = Json::parse(
        r#"{"a": [1, 2.5, -3e2], "b": {"c": "x\"y\u00e9\n"}, "d": true, "e": null, "f": []}"#,
    );
    assert_eq!(v.get("a").at(0).u64(), 1);
    assert_eq!(v.get("a").at(2), &Json::Num(-300.0));
    assert_eq!(v.get("b").get("c").str(), "x\"yé\n");
    assert!(v.get("d").bool());
    assert_eq!(v.get("e"), &Json::Null);
    assert!(v.get("f").arr().is_empty());
}
