//! Test-only helpers for the isakmp_* tests (named so as not to collide with other modules'
//! test helpers): a minimal legacy-pcap reader (Ethernet/802.1Q, IPv4, IPv6, UDP, the
//! NAT-T non-ESP marker), a tiny JSON reader for truth.json, and the tshark fixture format.
//! Deliberately small and separate from the crate's own parsers, so the crate is checked
//! against an independent reading of the same bytes.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Path of a file under the repository's `captures/`.
pub fn capture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("captures")
        .join(rel)
}

pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(rel)
}

/// One UDP datagram from a capture.
#[derive(Debug, Clone)]
pub struct Datagram {
    /// 1-based frame number, as tshark counts.
    pub frame: usize,
    pub src_port: u16,
    pub dst_port: u16,
    /// The UDP payload as captured (may be cut by the snaplen), bounded by the IP and UDP
    /// length fields.
    pub payload: Vec<u8>,
    /// Everything after the UDP header to the end of the captured frame, ignoring the length
    /// fields (what a careless dissector would read; hostile captures lie here).
    pub unbounded: Vec<u8>,
}

/// Every UDP datagram in a legacy pcap file with Ethernet link type. IP fragments with a
/// non-zero offset are skipped; first fragments are kept (their UDP payload is partial).
pub fn udp_datagrams(rel: &str) -> Vec<Datagram> {
    let data = std::fs::read(capture_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(data.len() >= 24, "{rel}: no pcap header");
    let magic = u32::from_le_bytes(data[0..4].try_into().unwrap());
    let le = match magic {
        0xa1b2_c3d4 | 0xa1b2_3c4d => true,
        0xd4c3_b2a1 | 0x4d3c_b2a1 => false,
        _ => panic!("{rel}: not a legacy pcap file"),
    };
    let rd32 = |b: &[u8]| {
        let a: [u8; 4] = b.try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    // The top bits may carry an FCS length (pcap-savefile(5)); the link type is the low 16.
    let linktype = rd32(&data[20..24]) & 0xffff;
    assert_eq!(linktype, 1, "{rel}: only Ethernet captures are used here");
    let mut out = Vec::new();
    let mut off = 24;
    let mut frame = 0;
    while off + 16 <= data.len() {
        let incl = rd32(&data[off + 8..off + 12]) as usize;
        off += 16;
        let end = (off + incl).min(data.len());
        let pkt = &data[off..end];
        off = end;
        frame += 1;
        if let Some((sp, dp, payload, unbounded)) = udp_of_ethernet(pkt) {
            out.push(Datagram {
                frame,
                src_port: sp,
                dst_port: dp,
                payload: payload.to_vec(),
                unbounded: unbounded.to_vec(),
            });
        }
    }
    out
}

fn udp_of_ethernet(pkt: &[u8]) -> Option<(u16, u16, &[u8], &[u8])> {
    let mut p = 12;
    let mut ethertype = u16::from_be_bytes(pkt.get(p..p + 2)?.try_into().ok()?);
    p += 2;
    while ethertype == 0x8100 || ethertype == 0x88a8 {
        ethertype = u16::from_be_bytes(pkt.get(p + 2..p + 4)?.try_into().ok()?);
        p += 4;
    }
    let ip = pkt.get(p..)?;
    let (proto, l4, raw_l4) = match ethertype {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let frag = u16::from_be_bytes(ip.get(6..8)?.try_into().ok()?);
            if frag & 0x1fff != 0 {
                return None;
            }
            let total = usize::from(u16::from_be_bytes(ip.get(2..4)?.try_into().ok()?));
            let raw = ip.get(ihl..)?;
            let ip = ip.get(..total.min(ip.len()))?;
            (*ip.get(9)?, ip.get(ihl..).unwrap_or_default(), raw)
        }
        0x86dd => {
            let plen = usize::from(u16::from_be_bytes(ip.get(4..6)?.try_into().ok()?));
            let body = ip.get(40..)?;
            (*ip.get(6)?, body.get(..plen.min(body.len()))?, body)
        }
        _ => return None,
    };
    if proto != 17 {
        return None;
    }
    let sp = u16::from_be_bytes(l4.get(0..2)?.try_into().ok()?);
    let dp = u16::from_be_bytes(l4.get(2..4)?.try_into().ok()?);
    let ulen = usize::from(u16::from_be_bytes(l4.get(4..6)?.try_into().ok()?));
    let body = l4.get(8..).unwrap_or_default();
    let body = body.get(..ulen.saturating_sub(8).min(body.len()))?;
    Some((sp, dp, body, raw_l4.get(8..).unwrap_or_default()))
}

/// An ISAKMP message found in a capture: UDP 500, or UDP 4500 after the 4-byte non-ESP
/// marker (RFC 3948 §2.2). NAT keepalives (one 0xff byte) and ESP-in-UDP are skipped.
#[derive(Debug, Clone)]
pub struct IsakmpDatagram {
    pub frame: usize,
    pub src_port: u16,
    pub dst_port: u16,
    pub bytes: Vec<u8>,
}

pub fn isakmp_datagrams(rel: &str) -> Vec<IsakmpDatagram> {
    udp_datagrams(rel)
        .into_iter()
        .filter_map(|d| {
            let bytes = if d.src_port == 4500 || d.dst_port == 4500 {
                match d.payload.strip_prefix(&[0, 0, 0, 0]) {
                    Some(rest) => rest.to_vec(),
                    None => return None,
                }
            } else if d.src_port == 500 || d.dst_port == 500 {
                d.payload
            } else {
                return None;
            };
            Some(IsakmpDatagram {
                frame: d.frame,
                src_port: d.src_port,
                dst_port: d.dst_port,
                bytes,
            })
        })
        .collect()
}

// ---- JSON (enough for truth.json: objects, arrays, strings, numbers, bools, null) ----------

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(v) => v,
            _ => &[],
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

pub fn read_json(rel: &str) -> Json {
    let text = std::fs::read_to_string(capture_path(rel)).unwrap();
    let mut p = JsonParser {
        b: text.as_bytes(),
        i: 0,
    };
    let v = p.value();
    p.ws();
    assert_eq!(p.i, p.b.len(), "trailing data in {rel}");
    v
}

struct JsonParser<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(
            self.b[self.i], c,
            "JSON: expected {} at {}",
            c as char, self.i
        );
        self.i += 1;
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.b[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    let v = self.value();
                    m.insert(k, v);
                    self.ws();
                    match self.b[self.i] {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Json::Obj(m);
                        }
                        c => panic!("JSON: unexpected {}", c as char),
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.b[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(v);
                }
                loop {
                    v.push(self.value());
                    self.ws();
                    match self.b[self.i] {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Json::Arr(v);
                        }
                        c => panic!("JSON: unexpected {}", c as char),
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
                while self.i < self.b.len() && b"+-0123456789.eE".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                Json::Num(
                    std::str::from_utf8(&self.b[start..self.i])
                        .unwrap()
                        .parse()
                        .unwrap(),
                )
            }
        }
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut s = String::new();
        loop {
            let c = self.b[self.i];
            self.i += 1;
            match c {
                b'"' => return s,
                b'\\' => {
                    let e = self.b[self.i];
                    self.i += 1;
                    match e {
                        b'n' => s.push('\n'),
                        b't' => s.push('\t'),
                        b'r' => s.push('\r'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'u' => {
                            let h = std::str::from_utf8(&self.b[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            s.push(
                                char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap_or('?'),
                            );
                        }
                        other => s.push(other as char),
                    }
                }
                _ => {
                    // Multi-byte UTF-8: copy the whole sequence.
                    let len = match c {
                        0xf0..=0xff => 4,
                        0xe0..=0xef => 3,
                        0xc0..=0xdf => 2,
                        _ => 1,
                    };
                    let start = self.i - 1;
                    self.i = start + len;
                    s.push_str(std::str::from_utf8(&self.b[start..self.i]).unwrap());
                }
            }
        }
    }
}

// ---- tshark fixtures (see fixtures/isakmp_tshark/generate.py) --------------------------------

#[derive(Debug, Clone, Default)]
pub struct TsharkMessage {
    pub frame: usize,
    pub icookie: String,
    pub rcookie: String,
    pub exchange: u8,
    pub flags: u8,
    pub message_id: u32,
    pub length: u32,
    /// (depth, type, offset, length)
    pub payloads: Vec<(u8, u8, usize, usize)>,
    /// (offset, type, value hex)
    pub attributes: Vec<(usize, u16, String)>,
}

pub fn tshark_fixture(name: &str) -> Vec<TsharkMessage> {
    let text = std::fs::read_to_string(fixture_path(&format!("isakmp_tshark/{name}"))).unwrap();
    let mut out: Vec<TsharkMessage> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "M" => out.push(TsharkMessage {
                frame: f[1].parse().unwrap(),
                icookie: f[2].into(),
                rcookie: f[3].into(),
                exchange: f[4].parse().unwrap(),
                flags: f[5].parse().unwrap(),
                message_id: u32::from_str_radix(f[6], 16).unwrap(),
                length: f[7].parse().unwrap(),
                ..Default::default()
            }),
            "P" => out.last_mut().unwrap().payloads.push((
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )),
            "A" => out.last_mut().unwrap().attributes.push((
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f.get(3).copied().unwrap_or("").into(),
            )),
            _ => {}
        }
    }
    out
}

/// The capture file a fixture describes, from its name.
pub fn fixture_capture(name: &str) -> String {
    let stem = name.trim_end_matches(".txt").replace("__", "/");
    let p = capture_path(&format!("{stem}.pcap"));
    if p.exists() {
        format!("{stem}.pcap")
    } else {
        format!("{stem}.cap")
    }
}

/// All fixture file names.
pub fn tshark_fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixture_path("isakmp_tshark"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    v.sort();
    v
}

// ---- walking everything ---------------------------------------------------------------------

use ikescope_dissectors::ParseError;
use ikescope_dissectors::isakmp::{self, Payload, PayloadIter};

/// Decodes every payload of a chain, walks every proposal, transform and attribute (as IKE
/// and as IPsec attributes), every notification/config attribute, and renders every Display.
/// Returns the errors met (the first error of each chain; iterators stop after one).
pub fn exercise_chain(iter: PayloadIter<'_>) -> Vec<ParseError> {
    let mut errors = Vec::new();
    let mut rendered = String::new();
    use std::fmt::Write;
    for raw in iter {
        let raw = match raw {
            Ok(r) => r,
            Err(e) => {
                let _ = write!(rendered, "{e}");
                errors.push(e);
                break;
            }
        };
        let payload = match raw.decode() {
            Ok(p) => p,
            Err(e) => {
                let _ = write!(rendered, "{e}");
                errors.push(e);
                continue;
            }
        };
        let _ = write!(rendered, "{payload} {:?}", payload.payload_type());
        match payload {
            Payload::Sa(sa) => {
                for p in sa.proposals() {
                    let p = match p {
                        Ok(p) => p,
                        Err(e) => {
                            errors.push(e);
                            break;
                        }
                    };
                    let _ = write!(rendered, "{p} {:?}", p.spi_u32());
                    for t in p.transforms() {
                        let t = match t {
                            Ok(t) => t,
                            Err(e) => {
                                errors.push(e);
                                break;
                            }
                        };
                        let _ = write!(rendered, "{t}");
                        for a in t.attributes() {
                            match a {
                                Ok(a) => {
                                    let _ = write!(rendered, "{} {:?}", a.value, a);
                                    match a.ike() {
                                        Ok(i) => {
                                            let _ = write!(rendered, "{i}");
                                        }
                                        Err(e) => errors.push(e),
                                    }
                                    if let Ok(i) = a.ipsec() {
                                        let _ = write!(rendered, "{i}");
                                    }
                                }
                                Err(e) => {
                                    errors.push(e);
                                    break;
                                }
                            }
                        }
                        if let Ok(p) = t.phase1_policy() {
                            let _ = write!(rendered, "{p} {:?} {:?}", p.cipher(), p.hash_alg());
                        }
                        if let Ok(p) = t.ipsec_policy() {
                            let _ = write!(rendered, "{p} {:?} {:?}", p.esp_algs(), p.ah_integ());
                        }
                    }
                }
            }
            Payload::Identification(id) => {
                let _ = write!(
                    rendered,
                    "{} {} {}",
                    id.identity.text(),
                    id.cisco_proxy(),
                    id.id_type
                );
            }
            Payload::Notification(n) => {
                let _ = write!(
                    rendered,
                    "{:?} {:?} {:?}",
                    n.decoded_data(),
                    n.isakmp_cookies(),
                    n.dpd_sequence()
                );
                if let isakmp::NotifyData::ResponderLifetime(attrs) = n.decoded_data() {
                    for a in attrs {
                        match a.and_then(|a| a.ipsec()) {
                            Ok(a) => {
                                let _ = write!(rendered, "{a}");
                            }
                            Err(e) => {
                                errors.push(e);
                                break;
                            }
                        }
                    }
                }
            }
            Payload::Delete(d) => {
                let _ = write!(
                    rendered,
                    "{} {} {}",
                    d.spis().count(),
                    d.ipsec_spis().count(),
                    d.isakmp_cookies().count()
                );
            }
            Payload::VendorId(v) => {
                let _ = write!(
                    rendered,
                    "{:?}",
                    v.recognize_with_cookies(isakmp::Cookie::ZERO, isakmp::Cookie::ZERO)
                );
            }
            Payload::Attributes(c) => {
                for a in c.attributes() {
                    match a {
                        Ok(a) => {
                            let _ = write!(rendered, "{a} {}", a.decoded());
                        }
                        Err(e) => {
                            errors.push(e);
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    std::hint::black_box(rendered);
    errors
}
