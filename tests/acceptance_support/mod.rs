//! Helpers shared by the `acceptance_*` suites: run the real `ikescope` binary, read the ground
//! truth (truth.json, the tshark oracle TSVs), and write small legacy pcap files.
//!
//! Everything here is independent of the code under test: the pcap reader/writer, the packet
//! builders and the TSV reader are written out on purpose, so a bug in ikescope's own capture
//! or decode layers cannot hide itself.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Paths

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every lab scenario directory (those with a truth.json), sorted.
pub fn lab_scenarios() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo().join("captures/lab"))
        .expect("captures/lab")
        .filter_map(|e| {
            let p = e.expect("dir entry").path();
            p.join("truth.json")
                .exists()
                .then(|| p.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 13,
        "expected the 13 lab scenarios, found {out:?}"
    );
    out
}

/// `captures/lab/<s>/capture.pcap`, relative to the repository (the binary runs there).
pub fn lab_capture(scenario: &str) -> String {
    format!("captures/lab/{scenario}/capture.pcap")
}

pub fn lab_keys(scenario: &str) -> String {
    format!("captures/lab/{scenario}/keys.toml")
}

pub fn truth(scenario: &str) -> Value {
    let path = repo()
        .join("captures/lab")
        .join(scenario)
        .join("truth.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Every capture in captures/lab and captures/external except robustness/, as repository-relative
/// paths, sorted.
pub fn all_captures() -> Vec<String> {
    let mut out = Vec::new();
    for s in lab_scenarios() {
        for f in ["capture.pcap", "capture-inside.pcap"] {
            let rel = format!("captures/lab/{s}/{f}");
            if repo().join(&rel).exists() {
                out.push(rel);
            }
        }
    }
    for dir in ["tcpdump", "suricata-verify", "zeek", "wireshark"] {
        for e in std::fs::read_dir(repo().join("captures/external").join(dir)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if [".pcap", ".pcapng", ".gz", ".cap"]
                .iter()
                .any(|x| name.ends_with(x))
            {
                out.push(format!("captures/external/{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

pub fn files_in(rel_dir: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo().join(rel_dir))
        .unwrap_or_else(|e| panic!("{rel_dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| format!("{rel_dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    out.sort();
    out
}

/// A fresh directory under Cargo's per-test-target temporary directory.
pub fn tmp_dir(name: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    // No process ID in the name: a rerun reuses (and first empties) the same directories.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "acceptance-{name}-{}",
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a file readable only by its owner (key files: no permission warning).
pub fn write_private(path: &Path, contents: &str) {
    std::fs::write(path, contents).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary

#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    /// `None` when the process died from a signal (a crash).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn cmd(&self) -> String {
        format!("ikescope {}", self.args.join(" "))
    }

    /// Asserts exit code 0 and returns self.
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "`{}` exited with {:?}; stderr:\n{}",
            self.cmd(),
            self.code,
            self.stderr
        );
        self
    }

    /// stdout as JSON lines (dissect --json, events).
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| {
                serde_json::from_str(l).unwrap_or_else(|e| {
                    panic!(
                        "`{}`: stdout line {} is not JSON ({e}): {l}",
                        self.cmd(),
                        i + 1
                    )
                })
            })
            .collect()
    }

    /// stdout as one JSON document (report --json, keys --json).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`{}`: stdout is not one JSON document ({e}):\n{}",
                self.cmd(),
                &self.stdout[..self.stdout.len().min(2000)]
            )
        })
    }

    /// stderr lines that are neither key-file permission warnings nor the closing summary.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !is_summary_line(l) && !l.contains("readable by group/others"))
            .collect()
    }

    /// The anomalies listed in the closing summary: name → (count, first frame).
    pub fn anomalies(&self) -> BTreeMap<String, (u64, u64)> {
        parse_anomalies(&self.stderr)
    }
}

/// Lines of the closing summary (stderr), which every command prints.
pub fn is_summary_line(l: &str) -> bool {
    let Some(rest) = l.strip_prefix("ikescope: ") else {
        return false;
    };
    let first = rest.split_whitespace().next().unwrap_or("");
    rest.starts_with("  ")
        || rest.starts_with("keys:")
        || rest.starts_with("IP fragments:")
        || (first.parse::<u64>().is_ok()
            && (rest.contains(" frames (") || rest.contains(" anomalies:")))
}

/// Parses the summary's anomaly block:
/// `ikescope: N anomalies:` then `ikescope:   <element>: <code> xN (first in frame F): …`.
pub fn parse_anomalies(stderr: &str) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for l in stderr.lines() {
        let Some(rest) = l.strip_prefix("ikescope: ") else {
            continue;
        };
        if rest.ends_with(" anomalies:") || rest.ends_with(" anomaly:") {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        let Some(entry) = rest.strip_prefix("  ") else {
            inside = false;
            continue;
        };
        let entry = entry.trim_start();
        let Some(at) = entry.find(" (first in frame ") else {
            continue;
        };
        let head = &entry[..at];
        let frame: u64 = entry[at + " (first in frame ".len()..]
            .split(')')
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or(0);
        let Some(x) = head.rfind(" x") else { continue };
        let count: u64 = head[x + 2..].parse().unwrap_or(0);
        out.insert(head[..x].to_string(), (count, frame));
    }
    out
}

/// Runs `ikescope ARGS` in the repository directory.
pub fn ikescope<S: AsRef<str>>(args: &[S]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.as_ref().to_string()).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_ikescope"))
        .args(&args)
        .current_dir(repo())
        .output()
        .expect("run ikescope");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        args,
    };
    assert!(
        run.code.is_some(),
        "`{}` was killed by a signal (crash); stderr:\n{}",
        run.cmd(),
        run.stderr
    );
    run
}

/// Like [`ikescope`], but each distinct command line runs once per test binary.
pub fn cached<S: AsRef<str>>(args: &[S]) -> Arc<Run> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<String>, Arc<Run>>>> = OnceLock::new();
    let key: Vec<String> = args.iter().map(|s| s.as_ref().to_string()).collect();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().unwrap().get(&key) {
        return r.clone();
    }
    let run = Arc::new(ikescope(&key));
    cache.lock().unwrap().insert(key, run.clone());
    run
}

/// `dissect --json` objects of one capture, with optional key files.
pub fn dissect(capture: &str, keys: &[&str], verbose: bool) -> Arc<Run> {
    let mut args = vec!["dissect".to_string(), capture.to_string(), "--json".into()];
    for k in keys {
        args.push("--keys".into());
        args.push(k.to_string());
    }
    if verbose {
        args.push("-v".into());
    }
    cached(&args)
}

pub fn report(capture: &str, keys: &[&str]) -> Arc<Run> {
    let mut args = vec!["report".to_string(), capture.to_string(), "--json".into()];
    for k in keys {
        args.push("--keys".into());
        args.push(k.to_string());
    }
    cached(&args)
}

pub fn keys_json(capture: &str, keys: &[&str], show: bool) -> Arc<Run> {
    let mut args = vec!["keys".to_string(), capture.to_string(), "--json".into()];
    for k in keys {
        args.push("--keys".into());
        args.push(k.to_string());
    }
    if show {
        args.push("--show-keys".into());
    }
    cached(&args)
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

/// The string at `key`, or a panic naming the object.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {}", short(v)))
}

pub fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`{key}` is not a number in {}", short(v)))
}

pub fn short(v: &Value) -> String {
    let t = v.to_string();
    if t.len() > 600 {
        format!("{}…", &t[..600])
    } else {
        t
    }
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {}", short(v)))
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

/// dissect objects of a given protocol.
pub fn of_protocol<'a>(objs: &'a [Value], proto: &str) -> Vec<&'a Value> {
    objs.iter().filter(|o| o["protocol"] == proto).collect()
}

/// The dissect object of a frame.
pub fn frame(objs: &[Value], n: u64) -> &Value {
    objs.iter()
        .find(|o| o["frame"].as_u64() == Some(n))
        .unwrap_or_else(|| panic!("no dissect object for frame {n}"))
}

/// A JSON value as text (numbers without quotes), to compare with a TSV cell.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Hex string lowercase, no separators.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The tshark oracle (tests/fixtures/tshark/*.tsv)

pub type Row = HashMap<String, String>;

/// The tshark rows of a capture given by its repository-relative path.
pub fn tshark_rows(capture: &str) -> Vec<Row> {
    let name = capture
        .strip_prefix("captures/")
        .unwrap_or(capture)
        .replace('/', "_");
    let path = repo()
        .join("tests/fixtures/tshark")
        .join(format!("{name}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("TSV header").split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut row = Row::new();
            for (i, v) in l.split('\t').enumerate() {
                if let Some(h) = header.get(i) {
                    row.insert((*h).to_string(), v.to_string());
                }
            }
            row
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Legacy pcap (microsecond, little-endian) reading and writing

#[derive(Debug, Clone)]
pub struct PcapFrame {
    pub secs: u32,
    pub usecs: u32,
    pub data: Vec<u8>,
    /// Original length on the wire (≥ data.len(); greater when cut by the snap length).
    pub orig_len: u32,
}

/// Reads a little-endian microsecond pcap (the lab captures): (link type, frames).
pub fn read_pcap(path: &Path) -> (u32, Vec<PcapFrame>) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert_eq!(
        &b[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "{path:?}: not a LE µs pcap"
    );
    let le32 = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    let linktype = le32(20);
    let mut frames = Vec::new();
    let mut off = 24;
    while off + 16 <= b.len() {
        let incl = le32(off + 8) as usize;
        frames.push(PcapFrame {
            secs: le32(off),
            usecs: le32(off + 4),
            orig_len: le32(off + 12),
            data: b[off + 16..off + 16 + incl].to_vec(),
        });
        off += 16 + incl;
    }
    (linktype, frames)
}

/// Byte offset of each frame record header in a legacy pcap (to cut a file mid-frame).
pub fn pcap_record_offsets(path: &Path) -> Vec<usize> {
    let b = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut off = 24;
    while off + 16 <= b.len() {
        out.push(off);
        let incl = u32::from_le_bytes(b[off + 8..off + 12].try_into().unwrap()) as usize;
        off += 16 + incl;
    }
    out
}

/// Writes a little-endian microsecond pcap.
pub fn write_pcap(path: &Path, linktype: u32, frames: &[PcapFrame]) {
    let mut out = Vec::with_capacity(24 + frames.iter().map(|f| f.data.len() + 16).sum::<usize>());
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&linktype.to_le_bytes());
    for f in frames {
        out.extend_from_slice(&f.secs.to_le_bytes());
        out.extend_from_slice(&f.usecs.to_le_bytes());
        out.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&f.orig_len.max(f.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&f.data);
    }
    std::fs::write(path, out).unwrap();
}

pub const LINKTYPE_ETHERNET: u32 = 1;

/// Where the layers of an Ethernet frame carrying IPv4/IPv6 start.
#[derive(Debug, Clone, Copy)]
pub struct Layers {
    pub ip: usize,
    pub ipv6: bool,
    /// Start of the IP payload (UDP header or ESP).
    pub l4: usize,
    pub protocol: u8,
}

/// Finds the IP header of an Ethernet frame (with optional 802.1Q tags). No extension headers.
pub fn layers(frame: &[u8]) -> Option<Layers> {
    let mut off = 12;
    let mut ethertype = u16::from_be_bytes([*frame.get(off)?, *frame.get(off + 1)?]);
    while ethertype == 0x8100 || ethertype == 0x88a8 {
        off += 4;
        ethertype = u16::from_be_bytes([*frame.get(off)?, *frame.get(off + 1)?]);
    }
    let ip = off + 2;
    match ethertype {
        0x0800 => {
            let ihl = usize::from(frame.get(ip)? & 0x0f) * 4;
            Some(Layers {
                ip,
                ipv6: false,
                l4: ip + ihl,
                protocol: *frame.get(ip + 9)?,
            })
        }
        0x86dd => Some(Layers {
            ip,
            ipv6: true,
            l4: ip + 40,
            protocol: *frame.get(ip + 6)?,
        }),
        _ => None,
    }
}

/// Sets the IP (and UDP) length fields after the frame was shortened or lengthened, and
/// recomputes the IPv4 header checksum; UDP checksums are zeroed (IPv4) or left (IPv6: ikescope
/// does not verify them).
pub fn fix_lengths(frame: &mut [u8], l: Layers) {
    let payload_len = frame.len() - l.l4;
    if l.ipv6 {
        frame[l.ip + 4..l.ip + 6].copy_from_slice(&(payload_len as u16).to_be_bytes());
    } else {
        let total = frame.len() - l.ip;
        frame[l.ip + 2..l.ip + 4].copy_from_slice(&(total as u16).to_be_bytes());
        frame[l.ip + 10..l.ip + 12].copy_from_slice(&[0, 0]);
        let ihl = l.l4 - l.ip;
        let mut sum = 0u32;
        for i in (0..ihl).step_by(2) {
            sum += u32::from(u16::from_be_bytes([frame[l.ip + i], frame[l.ip + i + 1]]));
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        frame[l.ip + 10..l.ip + 12].copy_from_slice(&(!(sum as u16)).to_be_bytes());
    }
    if l.protocol == 17 && frame.len() >= l.l4 + 8 {
        frame[l.l4 + 4..l.l4 + 6].copy_from_slice(&(payload_len as u16).to_be_bytes());
        if !l.ipv6 {
            frame[l.l4 + 6..l.l4 + 8].copy_from_slice(&[0, 0]);
        }
    }
}

/// An Ethernet/IPv4/UDP frame.
pub fn eth_ipv4_udp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(42 + payload.len());
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
    f.extend_from_slice(&[0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 0]);
    f.extend_from_slice(payload);
    let l = layers(&f).unwrap();
    fix_lengths(&mut f, l);
    f
}

/// A small deterministic PRNG (xorshift64*), so generated inputs are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

// ---------------------------------------------------------------------------------------------
// Names: charon's abbreviations and exchange names → ikescope's

/// Maps a payload name as charon logs it to ikescope's (`N(NO_PROP)` → `N(NO_PROPOSAL_CHOSEN)`).
pub fn charon_payload(name: &str) -> String {
    let n = match name {
        "N(NO_PROP)" => "N(NO_PROPOSAL_CHOSEN)",
        "N(INVAL_ID)" => "N(INVALID_ID_INFORMATION)",
        "N(PLD_MAL)" => "N(PAYLOAD_MALFORMED)",
        "N(DPD)" => "N(R_U_THERE)",
        "N(DPD_ACK)" => "N(R_U_THERE_ACK)",
        "N(INIT_CONTACT)" => "N(INITIAL_CONTACT)",
        "N(NATD_S_IP)" => "N(NAT_DETECTION_SOURCE_IP)",
        "N(NATD_D_IP)" => "N(NAT_DETECTION_DESTINATION_IP)",
        "N(FRAG_SUP)" => "N(IKEV2_FRAGMENTATION_SUPPORTED)",
        "N(HASH_ALG)" => "N(SIGNATURE_HASH_ALGORITHMS)",
        "N(REDIR_SUP)" => "N(REDIRECT_SUPPORTED)",
        "N(CHDLESS_SUP)" => "N(CHILDLESS_IKEV2_SUPPORTED)",
        "N(MULT_AUTH)" => "N(MULTIPLE_AUTH_SUPPORTED)",
        "N(EAP_ONLY)" => "N(EAP_ONLY_AUTHENTICATION)",
        "N(MSG_ID_SYN_SUP)" => "N(IKEV2_MESSAGE_ID_SYNC_SUPPORTED)",
        other => other,
    };
    n.to_string()
}

/// charon's exchange name → ikescope's JSON `exchange`.
pub fn charon_exchange(name: &str) -> &'static str {
    match name {
        "ID_PROT" => "main",
        "AGGRESSIVE" => "aggressive",
        "QUICK_MODE" => "quick",
        "INFORMATIONAL_V1" => "informational",
        "TRANSACTION" => "transaction",
        "IKE_SA_INIT" => "ike_sa_init",
        "IKE_AUTH" => "ike_auth",
        "CREATE_CHILD_SA" => "create_child_sa",
        "INFORMATIONAL" => "informational",
        other => panic!("unknown charon exchange {other}"),
    }
}

/// One IKE datagram a peer sent, as truth.json records it, with the position it must have.
#[derive(Debug, Clone)]
pub struct Sent {
    pub host: String,
    pub index: usize,
    /// ikescope's exchange name, when charon logged it.
    pub exchange: Option<&'static str>,
    pub message_id: Option<String>,
    /// ikescope-style payload names, when charon logged them.
    pub payloads: Option<Vec<String>>,
    pub retransmit: bool,
    pub position: Option<String>,
}

/// The datagrams each side of the (single) IKE SA sent, in the order it sent them, with the
/// position each must get (MM1..MM6, AM1..AM3, QM1..QM3, INFO; IKEv2 `EXCHANGE req|resp`).
/// Retransmissions inherit exchange, message ID, payloads and position from their original.
pub fn sent_messages(truth: &Value) -> BTreeMap<String, Vec<Sent>> {
    let sa = &truth["ike_sas"][0];
    let initiator_host = s(sa, "initiator_host").to_string();
    let mut out = BTreeMap::new();
    // QM initiator per message ID: the host whose sent list has it first (by time).
    let mut qm_first: HashMap<String, (String, String)> = HashMap::new();
    for host in ["left", "right"] {
        for m in sa["messages"][host].as_array().unwrap() {
            if m["direction"] == "sent" && m["exchange"] == "QUICK_MODE" {
                let mid = s(m, "message_id").to_string();
                let time = s(m, "time").to_string();
                let e = qm_first
                    .entry(mid)
                    .or_insert_with(|| (time.clone(), host.to_string()));
                if time < e.0 {
                    *e = (time, host.to_string());
                }
            }
        }
    }
    for host in ["left", "right"] {
        let is_initiator = host == initiator_host;
        let mut list: Vec<Sent> = Vec::new();
        let mut counters: HashMap<String, usize> = HashMap::new();
        for m in sa["messages"][host].as_array().unwrap() {
            if m["direction"] != "sent" {
                continue;
            }
            let retransmit = m.get("retransmit").is_some_and(|r| !r.is_null());
            if retransmit {
                let mid = m["message_id"].as_str().map(str::to_string);
                let orig = list
                    .iter()
                    .rev()
                    .find(|x| !x.retransmit && x.message_id == mid)
                    .cloned()
                    .unwrap_or_else(|| panic!("{host}: retransmission without original: {m}"));
                list.push(Sent {
                    index: list.len(),
                    retransmit: true,
                    ..orig
                });
                continue;
            }
            let exchange = m["exchange"].as_str();
            let mid = m["message_id"].as_str().map(str::to_string);
            let position = exchange.map(|x| {
                let n = counters
                    .entry(format!("{x}/{}", mid.clone().unwrap_or_default()))
                    .or_insert(0);
                *n += 1;
                let k = *n;
                match x {
                    "ID_PROT" => format!("MM{}", if is_initiator { 2 * k - 1 } else { 2 * k }),
                    "AGGRESSIVE" => format!("AM{}", if is_initiator { 2 * k - 1 } else { 2 * k }),
                    "QUICK_MODE" => {
                        let first = qm_first[mid.as_deref().unwrap()].1 == host;
                        format!("QM{}", if first { 2 * k - 1 } else { 2 * k })
                    }
                    "INFORMATIONAL_V1" => "INFO".to_string(),
                    v2 => format!(
                        "{v2} {}",
                        if m["type"] == "response" {
                            "resp"
                        } else {
                            "req"
                        }
                    ),
                }
            });
            list.push(Sent {
                host: host.to_string(),
                index: list.len(),
                exchange: exchange.map(charon_exchange),
                message_id: mid,
                payloads: m["payloads"].as_array().map(|p| {
                    p.iter()
                        .map(|x| charon_payload(x.as_str().unwrap()))
                        .collect()
                }),
                retransmit: false,
                position,
            });
        }
        out.insert(host.to_string(), list);
    }
    out
}

/// Compares the ISAKMP objects of one lab capture with the datagrams each peer logged as sent.
/// Compares the payload list of the messages `compare_payloads` accepts (IKEv2: the decrypted
/// list when there is one).
pub fn compare_with_sent(
    sc: &str,
    objs: &[Value],
    compare_payloads: &dyn Fn(&Value) -> bool,
) -> Vec<String> {
    let t = truth(sc);
    let sa = &t["ike_sas"][0];
    let cookie = s(sa, "initiator_cookie");
    let sent = sent_messages(&t);
    let isakmp: Vec<&Value> = of_protocol(objs, "isakmp")
        .into_iter()
        .filter(|o| o["initiator_cookie"] == cookie)
        .collect();
    let initiator_addr = s(isakmp[0], "src").to_string();
    let initiator_host = s(sa, "initiator_host");
    let mut problems = Vec::new();
    for host in ["left", "right"] {
        let expected = &sent[host];
        let from_initiator = host == initiator_host;
        let ours: Vec<&&Value> = isakmp
            .iter()
            .filter(|o| (o["src"] == initiator_addr.as_str()) == from_initiator)
            .collect();
        if ours.len() != expected.len() {
            problems.push(format!(
                "{sc}: {host} sent {} IKE datagrams (truth), ikescope shows {} from it",
                expected.len(),
                ours.len()
            ));
        }
        for (e, o) in expected.iter().zip(&ours) {
            let f = o["frame"].clone();
            let label = format!("{sc} frame {f} ({host}'s datagram #{})", e.index + 1);
            if let Some(x) = e.exchange
                && o["exchange"] != x
            {
                problems.push(format!("{label}: exchange {} , truth {x}", o["exchange"]));
            }
            if let Some(mid) = &e.message_id
                && o["message_id"] != format!("0x{mid}").as_str()
            {
                problems.push(format!(
                    "{label}: message ID {}, truth {mid}",
                    o["message_id"]
                ));
            }
            if let Some(p) = &e.position
                && o["position"] != p.as_str()
            {
                problems.push(format!("{label}: position {}, truth {p}", o["position"]));
            }
            if o["retransmission"] != e.retransmit {
                problems.push(format!(
                    "{label}: retransmission {}, truth {}",
                    o["retransmission"], e.retransmit
                ));
            }
            if let Some(want) = &e.payloads
                && compare_payloads(o)
            {
                let key = if o["decrypted_payloads"].is_array() {
                    "decrypted_payloads"
                } else {
                    "payloads"
                };
                let got = strings(&o[key]);
                if &got != want {
                    problems.push(format!("{label}: payloads {got:?}, truth {want:?}"));
                }
            }
        }
    }
    problems
}
