//! strongSwan charon logs at level 4 (`ike = 4`, `chd = 4`, `cfg = 4`), which print key
//! material as hex dumps:
//!
//! ```text
//! 2026-11-22T05:42:32.291 16[IKE] <lab|1> SKEYID_e => 20 bytes @ 0x50007820
//! 2026-11-22T05:42:32.292 16[IKE] <lab|1>    0: AC 8F B9 F7 74 5A 79 46 05 FD 13 EE 6C 70 DD 87  ....tZyF....lp..
//! 2026-11-22T05:42:32.292 16[IKE] <lab|1>   16: F1 14 3B AF                                      ..;.
//! ```
//!
//! Each line carries the worker thread and subsystem (`16[IKE]`) and the IKE SA's unique id
//! (`<lab|1>`); several threads interleave, so a dump is assembled per thread, and key
//! material is filed per unique id. The cookies/SPIs of each unique id come from
//! `checkin IKEv1 SA lab[1] with SPIs 31acfc6c27a16728_i 0ed3229697e4c93b_r`.
//!
//! Read: `shared Diffie Hellman secret`, `SKEYID`, `SKEYID_d/a/e`, `encryption key Ka`,
//! `SKEYSEED`, `Sk_d/ai/ar/ei/er/pi/pr secret`, the PSK (`loaded IKE shared key … for: …` then
//! `key: 6c:61:…`), and per CHILD_SA the `encryption|integrity initiator|responder key` dumps,
//! the proposal, `adding inbound|outbound ESP SA` / `SPI 0x…, src A dst B`, finished by
//! `CHILD_SA net{1} established with SPIs …`.
//!
//! Which key belongs to which SPI: the "initiator" keys protect traffic from the exchange's
//! initiator to its responder (RFC 2409 §5.5 KEYMAT; RFC 7296 §2.17 "first for the initiator
//! to responder direction"). In IKEv1 the `initiator SA seed` holds protocol ‖ SPI of that SA
//! (RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b)), which settles it
//! without knowing roles; otherwise (IKEv2) the role comes from the last `parsed <exchange>
//! request|response` line of the same thread: keys derived on a response mean this peer
//! initiated.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

use super::algs::{Integ, check_enc_key, strongswan_enc, strongswan_integ};
use super::entries::{EspSa, IkeSecret, Ikev2Keys, PskEntry, PskUsage, QuickModeSecret, Side};
use super::error::{KeyFileError, Origin};
use super::peer::{AddrMatch, Identity, PeerSelector};
use super::secret::{Secret, parse_hex, wipe};
use super::store::Parsed;

/// The largest dump read (a MODP-8192 g^xy is 1024 bytes).
const MAX_DUMP: usize = 4096;

/// One parsed log line.
pub(crate) struct LogLine<'a> {
    pub thread: u32,
    pub uid: Option<u32>,
    pub msg: &'a str,
}

/// Finds `NN[GRP] ` (optionally `NN[GRP4] `) after any timestamp/host prefix and returns
/// the thread, the IKE SA unique id (from `<name|N>` or `<N>`) and the message.
pub(crate) fn split_prefix(line: &str) -> Option<LogLine<'_>> {
    let b = line.as_bytes();
    for (i, _) in line.match_indices('[') {
        // Digits before the bracket, preceded by the start or whitespace.
        let digits_start = b
            .get(..i)?
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |p| p + 1);
        if i - digits_start < 2
            || (digits_start > 0 && !b.get(digits_start - 1)?.is_ascii_whitespace())
        {
            continue;
        }
        let group = b.get(i + 1..i + 4)?;
        if !group.iter().all(u8::is_ascii_uppercase) {
            continue;
        }
        let mut j = i + 4;
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if b.get(j) != Some(&b']') || !matches!(b.get(j + 1), Some(b' ') | None) {
            continue;
        }
        let thread: u32 = line.get(digits_start..i)?.parse().ok()?;
        let rest = line.get(j + 1..)?.strip_prefix(' ').unwrap_or("");
        let (uid, msg) = match rest.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((ctx, msg)) => {
                let id = ctx.rsplit('|').next().unwrap_or(ctx);
                (id.parse().ok(), msg.strip_prefix(' ').unwrap_or(msg))
            }
            None => (None, rest),
        };
        return Some(LogLine { thread, uid, msg });
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    GXy,
    Skeyid,
    SkeyidD,
    SkeyidA,
    SkeyidE,
    Ka,
    Skeyseed,
    SkD,
    SkAi,
    SkAr,
    SkEi,
    SkEr,
    SkPi,
    SkPr,
    EncI,
    EncR,
    IntegI,
    IntegR,
    SeedI,
    SeedR,
    /// RFC 3947 §3 / RFC 7296 §2.23 NAT-D input: CKY-I ‖ CKY-R ‖ IP ‖ port. Names the IKE SA
    /// when `checkin … with SPIs` lines are missing (they need `mgr = 2`).
    NatdChunk,
    /// A child SA's own DH secret: g(qm)^xy of a quick mode with PFS (logged by CHD).
    ChildDh,
}

fn label(text: &str) -> Option<Label> {
    Some(match text.trim() {
        "shared Diffie Hellman secret" => Label::GXy,
        "SKEYID" => Label::Skeyid,
        "SKEYID_d" => Label::SkeyidD,
        "SKEYID_a" => Label::SkeyidA,
        "SKEYID_e" => Label::SkeyidE,
        "encryption key Ka" => Label::Ka,
        "SKEYSEED" => Label::Skeyseed,
        "Sk_d secret" => Label::SkD,
        "Sk_ai secret" => Label::SkAi,
        "Sk_ar secret" => Label::SkAr,
        "Sk_ei secret" => Label::SkEi,
        "Sk_er secret" => Label::SkEr,
        "Sk_pi secret" => Label::SkPi,
        "Sk_pr secret" => Label::SkPr,
        "encryption initiator key" => Label::EncI,
        "encryption responder key" => Label::EncR,
        "integrity initiator key" => Label::IntegI,
        "integrity responder key" => Label::IntegR,
        "initiator SA seed" => Label::SeedI,
        "responder SA seed" => Label::SeedR,
        "natd_chunk" => Label::NatdChunk,
        "DH secret" => Label::ChildDh,
        _ => return None,
    })
}

struct Dump {
    label: Label,
    name: String,
    len: usize,
    bytes: Vec<u8>,
    line: usize,
    uid: Option<u32>,
}

impl Drop for Dump {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

#[derive(Default)]
struct SaState {
    version: Option<u8>,
    cookies: Option<(Cookie, Cookie)>,
    natd_cookies: Option<(Cookie, Cookie)>,
    first_line: usize,
    keys: BTreeMap<u8, (Secret, usize)>,
    ike_proposal: Option<String>,
}

#[derive(Default)]
struct Child {
    line: usize,
    keys: HashMap<u8, Secret>,
    seed_i: Option<Secret>,
    proposal: Option<String>,
    using_enc: Option<String>,
    using_integ: Option<String>,
    /// (spi, src, dst) of the inbound and outbound SA.
    inbound: Option<(u32, Option<(IpAddr, IpAddr)>)>,
    outbound: Option<(u32, Option<(IpAddr, IpAddr)>)>,
    awaiting_spi: Option<bool>, // Some(true) = inbound
    not_esp: bool,
}

#[derive(Default)]
struct Epoch {
    /// The message ID of the last quick mode parsed per (thread, unique id).
    last_qm: HashMap<(u32, u32), u32>,
    /// Quick-mode DH secrets: (unique id, message ID, secret, line).
    qm_dh: Vec<(u32, u32, Secret, usize)>,
    sas: BTreeMap<u32, SaState>,
    children: HashMap<(u32, u32), Child>,
    roles: HashMap<(u32, u32), Side>,
}

struct Reader<'a> {
    file: &'a Arc<str>,
    out: &'a mut Parsed,
    pending: HashMap<u32, Dump>,
    psk_ids: HashMap<u32, (Vec<PeerSelector>, usize)>,
    epoch: Epoch,
}

fn lkey(l: Label) -> u8 {
    l as u8
}

/// Parses a charon log.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let mut r = Reader {
        file,
        out,
        pending: HashMap::new(),
        psk_ids: HashMap::new(),
        epoch: Epoch::default(),
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let Some(l) = split_prefix(raw) else { continue };
        r.line(line, &l)?;
    }
    let mut left: Vec<Dump> = r.pending.drain().map(|(_, d)| d).collect();
    left.sort_by_key(|d| d.line);
    for d in left {
        r.skip_dump(d, "the log ends early");
    }
    r.flush_epoch();
    Ok(())
}

/// Adds one row (`off`, then up to 16 hex bytes) to a dump.
fn append_row(d: &mut Dump, off: usize, rest: &str) -> Result<(), String> {
    if off != d.bytes.len() {
        return Err(format!("offset {off} where {} was expected", d.bytes.len()));
    }
    let want = (d.len - d.bytes.len()).min(16);
    let mut toks = rest.split(' ');
    for _ in 0..want {
        let tok = toks.next().unwrap_or("");
        let byte = (tok.len() == 2)
            .then(|| u8::from_str_radix(tok, 16).ok())
            .flatten()
            .ok_or("a row that is not hex byte pairs")?;
        d.bytes.push(byte);
    }
    Ok(())
}

/// `   16: F1 14 3B AF    ..;.` → (offset, the rest after `: `).
fn dump_row(msg: &str) -> Option<(usize, &str)> {
    let t = msg.trim_start();
    let (off, rest) = t.split_once(": ")?;
    Some((off.parse().ok()?, rest))
}

impl Reader<'_> {
    fn skip_dump(&mut self, d: Dump, why: &str) {
        self.out.warn(
            self.file,
            d.line,
            format!(
                "`{} => {} bytes` skipped: {why} ({} of {} bytes read)",
                d.name,
                d.len,
                d.bytes.len(),
                d.len
            ),
        );
    }

    fn line(&mut self, line: usize, l: &LogLine) -> Result<(), KeyFileError> {
        // A row of a dump this thread is assembling? A damaged dump (a log cut or rate-limited
        // by syslog) is skipped with a warning: the rest of the log is still good.
        if let Some(mut d) = self.pending.remove(&l.thread) {
            match dump_row(l.msg) {
                Some((off, rest)) => {
                    match append_row(&mut d, off, rest) {
                        Ok(()) if d.bytes.len() == d.len => self.store(l.thread, d),
                        Ok(()) => {
                            self.pending.insert(l.thread, d);
                        }
                        Err(why) => self.skip_dump(d, &why),
                    }
                    return Ok(());
                }
                None => self.skip_dump(d, "the dump ends early"),
            }
        }
        let msg = l.msg;
        if let Some((name, rest)) = msg.split_once(" => ") {
            if let Some(lab) = label(name) {
                let len = rest
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n <= MAX_DUMP);
                let Some(len) = len else {
                    self.out.warn(
                        self.file,
                        line,
                        format!(
                            "`{}` skipped: expected `=> N bytes` with N ≤ {MAX_DUMP}",
                            name.trim()
                        ),
                    );
                    return Ok(());
                };
                let d = Dump {
                    label: lab,
                    name: name.trim().to_string(),
                    len,
                    bytes: Vec::with_capacity(len),
                    line,
                    uid: l.uid,
                };
                if len == 0 {
                    self.store(l.thread, d);
                } else {
                    self.pending.insert(l.thread, d);
                }
            }
            return Ok(());
        }
        if msg.contains("Starting IKE charon daemon") {
            self.flush_epoch();
            return Ok(());
        }
        if let Some(rest) = msg.strip_prefix("loaded IKE shared key with id ") {
            let ids = rest.split_once("for:").map_or("", |(_, ids)| ids);
            let mut sels = Vec::new();
            for id in ids.split('\'').skip(1).step_by(2) {
                sels.extend(printed_identity(id));
            }
            if sels.is_empty() {
                sels.push(PeerSelector::Any);
            }
            self.psk_ids.insert(l.thread, (sels, line));
            return Ok(());
        }
        if let Some(hex) = msg.strip_prefix("key: ") {
            if let Some((sels, _)) = self.psk_ids.remove(&l.thread) {
                let secret = match parse_hex(hex) {
                    Ok(b) => Secret::new(b),
                    Err(e) => {
                        self.out.warn(
                            self.file,
                            line,
                            format!("PSK skipped: expected hex after `key:`, {e}"),
                        );
                        return Ok(());
                    }
                };
                for peer in sels {
                    self.out.psks.push(PskEntry {
                        peer,
                        secret: secret.clone(),
                        usage: PskUsage::Both,
                        origin: Origin::new(self.file, line),
                    });
                }
            }
            return Ok(());
        }
        if let Some(rest) = msg
            .strip_prefix("checkin IKEv1 SA ")
            .map(|r| (1u8, r))
            .or_else(|| msg.strip_prefix("checkin IKEv2 SA ").map(|r| (2u8, r)))
        {
            self.checkin(line, rest.0, rest.1);
            return Ok(());
        }
        let Some(uid) = l.uid else { return Ok(()) };
        let key = (l.thread, uid);
        if let Some(rest) = msg.strip_prefix("parsed ") {
            // `parsed QUICK_MODE request 3182729002 [ HASH ]`
            let mut w = rest.split_whitespace();
            if let (Some(exchange), Some(kind)) = (w.next(), w.next()) {
                if exchange == "QUICK_MODE"
                    && let Some(mid) = w.next().and_then(|m| m.parse::<u32>().ok())
                {
                    self.epoch.last_qm.insert(key, mid);
                }
                match kind {
                    "request" => {
                        self.epoch.roles.insert(key, Side::Responder);
                    }
                    "response" => {
                        self.epoch.roles.insert(key, Side::Initiator);
                    }
                    _ => {}
                }
            }
            return Ok(());
        }
        if let Some(p) = msg.strip_prefix("selected proposal: ") {
            if let Some(ike) = p.strip_prefix("IKE:") {
                let sa = self.sa(uid, line);
                sa.ike_proposal = Some(ike.trim().to_string());
            } else if let Some(esp) = p.strip_prefix("ESP:") {
                self.child(key, line).proposal = Some(esp.trim().to_string());
            } else if p.starts_with("AH:") {
                self.child(key, line).not_esp = true;
            }
            return Ok(());
        }
        let t = msg.trim_start();
        if let Some(alg) = t
            .strip_prefix("using ")
            .and_then(|r| r.strip_suffix(" for encryption"))
        {
            self.child(key, line).using_enc = Some(alg.to_string());
            return Ok(());
        }
        if let Some(alg) = t
            .strip_prefix("using ")
            .and_then(|r| r.strip_suffix(" for integrity"))
        {
            self.child(key, line).using_integ = Some(alg.to_string());
            return Ok(());
        }
        if t == "adding inbound ESP SA" || t == "adding outbound ESP SA" {
            self.child(key, line).awaiting_spi = Some(t.contains("inbound"));
            return Ok(());
        }
        if let Some(rest) = t.strip_prefix("SPI 0x") {
            // `SPI 0xc5039682, src 192.0.2.2 dst 192.0.2.1`
            if let Some(c) = self.epoch.children.get_mut(&key)
                && let Some(inbound) = c.awaiting_spi.take()
            {
                let (spi, addrs) = rest.split_once(',').unwrap_or((rest, ""));
                let spi = u32::from_str_radix(spi.trim(), 16).ok();
                let w: Vec<&str> = addrs.split_whitespace().collect();
                let addrs = match w.as_slice() {
                    ["src", s, "dst", d, ..] => s.parse().ok().zip(d.parse().ok()),
                    _ => None,
                };
                if let Some(spi) = spi {
                    let v = Some((spi, addrs));
                    if inbound {
                        c.inbound = v;
                    } else {
                        c.outbound = v;
                    }
                }
            }
            return Ok(());
        }
        if t.starts_with("CHILD_SA ") && t.contains(" established with SPIs ") {
            let spis = t.split_once(" with SPIs ").map_or("", |(_, s)| s);
            let mut w = spis.split_whitespace();
            let parse = |s: Option<&str>, suffix: &str| {
                s.and_then(|s| s.strip_suffix(suffix))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
            };
            let spi_in = parse(w.next(), "_i");
            let spi_out = parse(w.next(), "_o");
            if let Some(c) = self.epoch.children.remove(&key) {
                let role = self.epoch.roles.get(&key).copied();
                self.finish_child(c, role, spi_in, spi_out);
            }
        }
        Ok(())
    }

    fn sa(&mut self, uid: u32, line: usize) -> &mut SaState {
        self.epoch.sas.entry(uid).or_insert_with(|| SaState {
            first_line: line,
            ..SaState::default()
        })
    }

    fn child(&mut self, key: (u32, u32), line: usize) -> &mut Child {
        self.epoch.children.entry(key).or_insert_with(|| Child {
            line,
            ..Child::default()
        })
    }

    /// `lab[1] with SPIs 31acfc6c27a16728_i 0ed3229697e4c93b_r`
    fn checkin(&mut self, line: usize, version: u8, rest: &str) {
        let Some((name, spis)) = rest.split_once(" with SPIs ") else {
            return;
        };
        let uid = name
            .rsplit_once('[')
            .and_then(|(_, n)| n.strip_suffix(']'))
            .and_then(|n| n.parse::<u32>().ok());
        let mut w = spis.split_whitespace();
        let ck = |s: Option<&str>, suffix: &str| {
            s.and_then(|s| s.strip_suffix(suffix))
                .and_then(|h| h.parse::<Cookie>().ok())
        };
        let (Some(uid), Some(i), Some(r)) = (uid, ck(w.next(), "_i"), ck(w.next(), "_r")) else {
            return;
        };
        let sa = self.sa(uid, line);
        sa.version = Some(version);
        // Keep the most complete pair: the responder cookie appears after MM2.
        if sa
            .cookies
            .is_none_or(|(_, old_r)| old_r.is_zero() || !r.is_zero())
        {
            sa.cookies = Some((i, r));
        }
    }

    fn store(&mut self, thread: u32, mut d: Dump) {
        let (label, line, uid) = (d.label, d.line, d.uid);
        let bytes = std::mem::take(&mut d.bytes);
        let Some(uid) = uid else {
            self.out.warn(
                self.file,
                line,
                "key dump without an IKE SA context (<name|id>) skipped",
            );
            return;
        };
        let k = lkey(label);
        match label {
            Label::NatdChunk => {
                let pair =
                    Cookie::from_slice(&bytes).zip(bytes.get(8..).and_then(Cookie::from_slice));
                if let Some(pair) = pair {
                    keep_best(&mut self.sa(uid, line).natd_cookies, pair);
                }
            }
            Label::SeedI => self.child((thread, uid), line).seed_i = Some(Secret::new(bytes)),
            Label::ChildDh => {
                // The quick mode this thread last parsed on this IKE SA is the one keyed.
                match self.epoch.last_qm.get(&(thread, uid)).copied() {
                    Some(mid) => self.epoch.qm_dh.push((uid, mid, Secret::new(bytes), line)),
                    None => {
                        let mut b = bytes;
                        wipe(&mut b);
                    }
                }
            }
            Label::SeedR => {
                let mut b = bytes;
                wipe(&mut b);
            }
            Label::EncI | Label::EncR | Label::IntegI | Label::IntegR => {
                let c = self.child((thread, uid), line);
                if c.keys.contains_key(&k) {
                    // A new derivation on this thread before the previous one was installed
                    // (a failed install): start over, keeping the proposal.
                    *c = Child {
                        line,
                        proposal: c.proposal.take(),
                        using_enc: c.using_enc.take(),
                        using_integ: c.using_integ.take(),
                        seed_i: c.seed_i.take(),
                        ..Child::default()
                    };
                }
                if c.keys.is_empty() {
                    c.line = line;
                }
                c.keys.insert(k, Secret::new(bytes));
            }
            _ => {
                let secret = Secret::new(bytes);
                let sa = self.sa(uid, line);
                match sa.keys.get(&k) {
                    None => {
                        sa.keys.insert(k, (secret, line));
                    }
                    Some((old, _)) if *old == secret => {}
                    Some((_, first)) => {
                        let first = *first;
                        self.out.warn(
                            self.file,
                            line,
                            format!(
                                "a second, different {label:?} for IKE SA #{uid} (first at line \
                                 {first}) is ignored"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn finish_child(
        &mut self,
        c: Child,
        role: Option<Side>,
        spi_in: Option<u32>,
        spi_out: Option<u32>,
    ) {
        if c.not_esp || c.keys.is_empty() {
            return;
        }
        let line = c.line;
        let inbound = c.inbound.or(spi_in.map(|s| (s, None)));
        let outbound = c.outbound.or(spi_out.map(|s| (s, None)));
        let (Some(inbound), Some(outbound)) = (inbound, outbound) else {
            self.out
                .warn(self.file, line, "child SA keys without their SPIs skipped");
            return;
        };
        // Which SA carries initiator-to-responder traffic?
        let in_seed = |spi: u32| {
            c.seed_i.as_ref().is_some_and(|seed| {
                let mut pat = vec![3u8]; // protocol ESP (RFC 2407 §4.4.1)
                pat.extend_from_slice(&spi.to_be_bytes());
                seed.expose().windows(5).any(|w| w == pat.as_slice())
            })
        };
        let initiator_spi = if in_seed(outbound.0) && !in_seed(inbound.0) {
            outbound.0
        } else if in_seed(inbound.0) && !in_seed(outbound.0) {
            inbound.0
        } else {
            match role {
                Some(Side::Initiator) => outbound.0,
                Some(Side::Responder) => inbound.0,
                None => {
                    self.out.warn(
                        self.file,
                        line,
                        format!(
                            "child SA keys for SPIs {:08x}/{:08x} skipped: the log does not show \
                             which peer initiated the exchange",
                            inbound.0, outbound.0
                        ),
                    );
                    return;
                }
            }
        };
        // The algorithms: the selected proposal, else the `using … for …` lines.
        let mut enc: Option<(EncAlg, Option<u16>)> = None;
        let mut integ: Option<Integ> = None;
        let mut esn = false;
        let mut unknown: Vec<String> = Vec::new();
        if let Some(p) = &c.proposal {
            for part in p.split('/') {
                if part == "EXT_SEQ" {
                    esn = true;
                } else if part == "NO_EXT_SEQ" {
                } else if let Some(e) = strongswan_enc(part) {
                    enc = Some(e);
                } else if let Some(i) = strongswan_integ(part) {
                    integ = Some(i);
                } else if !part.starts_with("MODP_")
                    && !part.starts_with("ECP_")
                    && !part.starts_with("CURVE_")
                {
                    unknown.push(part.to_string());
                }
            }
        }
        if enc.is_none() {
            enc = c.using_enc.as_deref().and_then(strongswan_enc);
        }
        if integ.is_none() {
            integ = c.using_integ.as_deref().and_then(strongswan_integ);
        }
        let Some((enc, named_bits)) = enc else {
            self.out.warn(
                self.file,
                line,
                format!(
                    "child SA {:08x}/{:08x} skipped: unknown or unsupported encryption ({})",
                    inbound.0,
                    outbound.0,
                    c.proposal
                        .as_deref()
                        .or(c.using_enc.as_deref())
                        .unwrap_or("not logged")
                ),
            );
            return;
        };
        let integ = if enc.is_aead() {
            Integ::Alg(IntegAlg::None)
        } else {
            match integ {
                Some(i) => i,
                None if !unknown.is_empty() => {
                    self.out.warn(
                        self.file,
                        line,
                        format!(
                            "child SA {:08x}/{:08x} skipped: ikescope lacks {}",
                            inbound.0,
                            outbound.0,
                            unknown.join(", ")
                        ),
                    );
                    return;
                }
                None => Integ::Alg(IntegAlg::None),
            }
        };
        let (integ_alg, unchecked) = integ.split();
        let get = |l: Label| c.keys.get(&lkey(l)).cloned();
        for (spi, addrs) in [inbound, outbound] {
            let (ek, ik) = if spi == initiator_spi {
                (get(Label::EncI), get(Label::IntegI))
            } else {
                (get(Label::EncR), get(Label::IntegR))
            };
            let Some(enc_key) = ek.or_else(|| (enc == EncAlg::Null).then(Secret::default)) else {
                self.out.warn(
                    self.file,
                    line,
                    format!("ESP SA {spi:08x} skipped: no encryption key logged"),
                );
                continue;
            };
            match check_enc_key(enc, enc_key.len()) {
                Ok(bits) if named_bits.is_none_or(|n| n == bits) => {}
                Ok(bits) => {
                    self.out.warn(self.file, line, format!(
                        "ESP SA {spi:08x} skipped: the proposal says {} bits, the key has {bits}",
                        named_bits.unwrap_or(0)
                    ));
                    continue;
                }
                Err(m) => {
                    self.out
                        .warn(self.file, line, format!("ESP SA {spi:08x} skipped: {m}"));
                    continue;
                }
            }
            let (src, dst) = match addrs {
                Some((s, d)) => (AddrMatch::Addr(s), AddrMatch::Addr(d)),
                None => (AddrMatch::Any, AddrMatch::Any),
            };
            self.out.esp.push(EspSa {
                src,
                dst,
                spi,
                enc,
                enc_key,
                integ: integ_alg,
                integ_key: ik.unwrap_or_default(),
                unchecked_icv_len: unchecked,
                esn,
                encap: None,
                origin: Origin::new(self.file, line),
            });
        }
        if let Integ::Unchecked { icv_len, what } = integ {
            self.out.warn(
                self.file,
                line,
                format!("ESP SAs {:08x}/{:08x}: {what}: the {icv_len}-byte ICV is stripped but not checked", inbound.0, outbound.0),
            );
        }
    }

    /// Files the IKE SAs of this charon run (a restart reuses unique ids).
    fn flush_epoch(&mut self) {
        let epoch = std::mem::take(&mut self.epoch);
        for (uid, mid, secret, line) in epoch.qm_dh {
            let cookies = epoch
                .sas
                .get(&uid)
                .and_then(|sa| sa.cookies.or(sa.natd_cookies));
            match cookies {
                Some((icookie, _)) => self.out.quick_modes.push(QuickModeSecret {
                    initiator_cookie: icookie,
                    message_id: mid,
                    g_qm_xy: secret,
                    origin: Origin::new(self.file, line),
                }),
                None => self.out.warn(self.file, line, format!("quick-mode DH secret of IKE SA #{uid} skipped: the log never shows its SPIs")),
            }
        }
        for (uid, mut sa) in epoch.sas {
            if sa.keys.is_empty() {
                continue;
            }
            let Some((icookie, rcookie)) = sa.cookies.or(sa.natd_cookies) else {
                self.out.warn(
                    self.file,
                    sa.first_line,
                    format!("keys of IKE SA #{uid} skipped: the log never shows its SPIs (`checkin … with \
                         SPIs` lines need `mgr = 2`; `natd_chunk` dumps need `ike = 4`)"),
                );
                continue;
            };
            let first = sa
                .keys
                .values()
                .map(|(_, l)| *l)
                .min()
                .unwrap_or(sa.first_line);
            let mut e = IkeSecret::new(icookie, Origin::new(self.file, first));
            e.responder_cookie = (!rcookie.is_zero()).then_some(rcookie);
            let mut take = |l: Label| sa.keys.remove(&lkey(l)).map(|(s, _)| s);
            e.g_xy = take(Label::GXy);
            e.skeyid = take(Label::Skeyid);
            e.skeyid_d = take(Label::SkeyidD);
            e.skeyid_a = take(Label::SkeyidA);
            e.skeyid_e = take(Label::SkeyidE);
            e.encryption_key = take(Label::Ka);
            e.skeyseed = take(Label::Skeyseed);
            let sk_d = take(Label::SkD);
            let sk_ai = take(Label::SkAi);
            let sk_ar = take(Label::SkAr);
            let sk_ei = take(Label::SkEi);
            let sk_er = take(Label::SkEr);
            let sk_pi = take(Label::SkPi);
            let sk_pr = take(Label::SkPr);
            if let (Some(sk_ei), Some(sk_er)) = (sk_ei, sk_er) {
                let (mut enc, mut integ) = (None, None);
                if let Some(p) = &sa.ike_proposal {
                    for part in p.split('/') {
                        if let Some((alg, bits)) = strongswan_enc(part) {
                            let bits = bits.or_else(|| check_enc_key(alg, sk_ei.len()).ok());
                            enc = bits.map(|b| (alg, b));
                        } else if let Some(i) = strongswan_integ(part) {
                            integ = Some(i);
                        }
                    }
                    if enc.is_some_and(|(a, _)| a.is_aead()) {
                        integ = Some(Integ::Alg(IntegAlg::None));
                    }
                }
                let (integ, unchecked_icv_len) = match integ {
                    Some(i) => {
                        let (a, u) = i.split();
                        (Some(a), u)
                    }
                    None => (None, None),
                };
                e.ikev2 = Some(Ikev2Keys {
                    spi_i: icookie,
                    spi_r: rcookie,
                    sk_ei,
                    sk_er,
                    enc,
                    sk_ai,
                    sk_ar,
                    integ,
                    unchecked_icv_len,
                    sk_d,
                    sk_pi,
                    sk_pr,
                    origin: Origin::new(self.file, first),
                });
            }
            let _ = sa.version;
            self.out.ike.push(e);
        }
    }
}

/// Keeps the most complete cookie pair: the responder cookie is zero until MM2/IKE_SA_INIT
/// response, then stays.
fn keep_best(slot: &mut Option<(Cookie, Cookie)>, new: (Cookie, Cookie)) {
    if slot.is_none_or(|(_, old_r)| old_r.is_zero() || !new.1.is_zero()) {
        *slot = Some(new);
    }
}

/// An identity as charon prints it in `loaded IKE shared key … for: '…'`. charon prints a
/// key ID as its raw text, so a plain word may be an FQDN or a key ID: both are kept.
fn printed_identity(id: &str) -> Vec<PeerSelector> {
    let id = id.trim();
    if id.is_empty() || id == "%any" {
        return vec![PeerSelector::Any];
    }
    match PeerSelector::parse(id) {
        Ok(PeerSelector::Identity(Identity::Fqdn(f))) => vec![
            PeerSelector::Identity(Identity::KeyId(f.as_bytes().to_vec())),
            PeerSelector::Identity(Identity::Fqdn(f)),
        ],
        Ok(sel) => vec![sel],
        Err(_) => vec![PeerSelector::Identity(Identity::KeyId(
            id.as_bytes().to_vec(),
        ))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let l = split_prefix("2026-11-22T05:42:32.291 16[IKE] <lab|1>    0: A6 1E").unwrap();
        assert_eq!((l.thread, l.uid, l.msg), (16, Some(1), "   0: A6 1E"));
        let l = split_prefix("Nov 22 05:42:32 moon charon: 05[CHD4] <7> x").unwrap();
        assert_eq!((l.thread, l.uid, l.msg), (5, Some(7), "x"));
        let l = split_prefix("09[MGR] checkout IKEv1 SA").unwrap();
        assert_eq!((l.thread, l.uid, l.msg), (9, None, "checkout IKEv1 SA"));
        assert!(split_prefix("192.0.2.1[192.0.2.1] x").is_none());
        assert!(split_prefix("crypto isakmp key x address 1.2.3.4").is_none());
    }

    #[test]
    fn truncated_dump_is_skipped_with_a_warning() {
        let text = "01[IKE] <a|1> SKEYID => 20 bytes @ 0x1\n01[IKE] <a|1>    0: 26 B9 21 F4 60 E9 90 5F 61 EA 49 AB C4 1C D7 D3  x\n01[IKE] <a|1> next\n";
        let file: Arc<str> = Arc::from("c.log");
        let mut out = Parsed::default();
        parse(&file, text, &mut out).unwrap();
        assert_eq!(
            out.warnings,
            [
                "warning: c.log:1: `SKEYID => 20 bytes` skipped: the dump ends early (16 of 20 \
              bytes read)"
            ]
        );
        assert!(out.ike.is_empty());
        // A row that is not hex, and a log that ends inside a dump.
        let text = "01[IKE] <a|1> SKEYID_e => 4 bytes @ 0x1\n01[IKE] <a|1>    0: 26 ZZ 21 F4\n\
                    02[IKE] <a|1> SKEYID => 20 bytes @ 0x1\n";
        let mut out = Parsed::default();
        parse(&file, text, &mut out).unwrap();
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert!(out.warnings[0].contains("a row that is not hex byte pairs"));
        assert!(out.warnings[1].contains("the log ends early"));
    }
}
