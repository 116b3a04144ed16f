//! ikescope's native key file: TOML with `[[psk]]`, `[[ike]]`, `[[ikev2]]` and `[[esp]]`
//! tables (docs/keys.md has the full reference). Unknown keys are errors, so a typo never
//! silently drops a key.

use std::sync::Arc;

use ikescope_dissectors::Cookie;
use serde::Deserialize;
use toml::Spanned;

use super::algs::{check_enc_key, keyword_enc, keyword_integ};
use super::entries::{EspSa, IkeSecret, Ikev2Keys, PskEntry, PskUsage, QuickModeSecret, Side};
use super::error::{KeyFileError, Origin, quote};
use super::peer::{AddrMatch, PeerSelector};
use super::secret::{Secret, parse_hex, parse_psk_text};
use super::store::Parsed;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT {
    #[serde(default)]
    psk: Vec<Spanned<PskT>>,
    #[serde(default)]
    ike: Vec<Spanned<IkeT>>,
    #[serde(default)]
    ikev2: Vec<Spanned<Ikev2T>>,
    #[serde(default)]
    esp: Vec<Spanned<EspT>>,
    #[serde(default)]
    quick_mode: Vec<Spanned<QuickModeT>>,
}

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PskT {
    peer: Option<S>,
    secret: S,
    usage: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IkeT {
    initiator_cookie: S,
    responder_cookie: Option<S>,
    #[serde(alias = "g_xy")]
    dh_shared_secret: Option<S>,
    dh_private: Option<S>,
    side: Option<S>,
    skeyid: Option<S>,
    skeyid_d: Option<S>,
    skeyid_a: Option<S>,
    skeyid_e: Option<S>,
    encryption_key: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ikev2T {
    spi_i: S,
    spi_r: S,
    encryption: Option<S>,
    sk_ei: S,
    sk_er: S,
    integrity: Option<S>,
    sk_ai: Option<S>,
    sk_ar: Option<S>,
    sk_d: Option<S>,
    sk_pi: Option<S>,
    sk_pr: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EspT {
    spi: Spanned<toml::Value>,
    src: Option<S>,
    dst: Option<S>,
    encryption: S,
    encryption_key: Option<S>,
    integrity: Option<S>,
    integrity_key: Option<S>,
    esn: Option<bool>,
    encap: Option<Spanned<Vec<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuickModeT {
    initiator_cookie: S,
    /// 8 hex digits as ikescope prints it, `0x…`, or a decimal number as charon prints it.
    message_id: Spanned<toml::Value>,
    #[serde(alias = "g_qm_xy")]
    dh_shared_secret: S,
}

struct Ctx<'a> {
    file: &'a Arc<str>,
    text: &'a str,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    }

    fn err<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, KeyFileError> {
        Err(KeyFileError::at(self.file, self.line(offset), message))
    }

    fn origin(&self, offset: usize) -> Origin {
        Origin::new(self.file, self.line(offset))
    }

    fn cookie(&self, v: &S, field: &str) -> Result<Cookie, KeyFileError> {
        v.get_ref().parse::<Cookie>().or_else(|_| {
            self.err(
                v.span().start,
                format!(
                    "expected 16 hex digits for {field}, found {}",
                    quote(v.get_ref())
                ),
            )
        })
    }

    fn hex(&self, v: &S, field: &str) -> Result<Secret, KeyFileError> {
        parse_hex(v.get_ref()).map(Secret::new).or_else(|e| {
            self.err(
                v.span().start,
                format!("expected hex digits for {field}, {e}"),
            )
        })
    }

    fn opt_hex(&self, v: &Option<S>, field: &str) -> Result<Option<Secret>, KeyFileError> {
        v.as_ref().map(|v| self.hex(v, field)).transpose()
    }
}

/// Parses an ikescope TOML key file.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let cx = Ctx { file, text };
    let doc: FileT = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| cx.line(s.start));
        KeyFileError::at(file, line, one_line(e.message()))
    })?;
    for p in &doc.psk {
        out.psks.push(psk(&cx, p)?);
    }
    for i in &doc.ike {
        out.ike.push(ike(&cx, i)?);
    }
    for k in &doc.ikev2 {
        out.ikev2.push(ikev2(&cx, k)?);
    }
    for e in &doc.esp {
        out.esp.push(esp(&cx, e)?);
    }
    for q in &doc.quick_mode {
        out.quick_modes.push(quick_mode(&cx, q)?);
    }
    Ok(())
}

/// toml's messages may span lines; a KeyFileError is one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn psk(cx: &Ctx, t: &Spanned<PskT>) -> Result<PskEntry, KeyFileError> {
    let p = t.get_ref();
    let peer = match &p.peer {
        Some(v) => PeerSelector::parse(v.get_ref())
            .or_else(|m| cx.err(v.span().start, format!("{m} for peer")))?,
        None => PeerSelector::Any,
    };
    let secret = parse_psk_text(p.secret.get_ref())
        .or_else(|e| cx.err(p.secret.span().start, format!("expected {e} for secret")))?;
    let usage = match &p.usage {
        None => PskUsage::Both,
        Some(u) => match u.get_ref().as_str() {
            "both" => PskUsage::Both,
            "local" => PskUsage::Local,
            "remote" => PskUsage::Remote,
            other => {
                return cx.err(
                    u.span().start,
                    format!(
                        "expected usage = \"both\", \"local\" or \"remote\", found {}",
                        quote(other)
                    ),
                );
            }
        },
    };
    Ok(PskEntry {
        peer,
        secret,
        usage,
        origin: cx.origin(t.span().start),
    })
}

fn ike(cx: &Ctx, t: &Spanned<IkeT>) -> Result<IkeSecret, KeyFileError> {
    let i = t.get_ref();
    let mut s = IkeSecret::new(
        cx.cookie(&i.initiator_cookie, "initiator_cookie")?,
        cx.origin(t.span().start),
    );
    s.responder_cookie = i
        .responder_cookie
        .as_ref()
        .map(|v| cx.cookie(v, "responder_cookie"))
        .transpose()?;
    s.g_xy = cx.opt_hex(&i.dh_shared_secret, "dh_shared_secret")?;
    s.dh_private = match (&i.dh_private, &i.side) {
        (Some(d), Some(side)) => {
            let side = match side.get_ref().as_str() {
                "initiator" => Side::Initiator,
                "responder" => Side::Responder,
                other => {
                    return cx.err(
                        side.span().start,
                        format!(
                            "expected side = \"initiator\" or \"responder\", found {}",
                            quote(other)
                        ),
                    );
                }
            };
            Some((side, cx.hex(d, "dh_private")?))
        }
        (Some(d), None) => {
            return cx.err(
                d.span().start,
                "expected side = \"initiator\" or \"responder\" with dh_private (whose private \
                 value is it?)",
            );
        }
        (None, Some(side)) => {
            return cx.err(
                side.span().start,
                "expected dh_private with side (side says whose DH private value it is)",
            );
        }
        (None, None) => None,
    };
    s.skeyid = cx.opt_hex(&i.skeyid, "skeyid")?;
    s.skeyid_d = cx.opt_hex(&i.skeyid_d, "skeyid_d")?;
    s.skeyid_a = cx.opt_hex(&i.skeyid_a, "skeyid_a")?;
    s.skeyid_e = cx.opt_hex(&i.skeyid_e, "skeyid_e")?;
    s.encryption_key = cx.opt_hex(&i.encryption_key, "encryption_key")?;
    let has_any = s.g_xy.is_some()
        || s.dh_private.is_some()
        || s.skeyid.is_some()
        || s.skeyid_d.is_some()
        || s.skeyid_a.is_some()
        || s.skeyid_e.is_some()
        || s.encryption_key.is_some();
    if !has_any {
        return cx.err(
            t.span().start,
            "expected dh_shared_secret, dh_private, skeyid, skeyid_d, skeyid_a, skeyid_e or \
             encryption_key in [[ike]]",
        );
    }
    Ok(s)
}

fn quick_mode(cx: &Ctx, t: &Spanned<QuickModeT>) -> Result<QuickModeSecret, KeyFileError> {
    let q = t.get_ref();
    let mid = match q.message_id.get_ref() {
        toml::Value::Integer(n) => u32::try_from(*n).ok(),
        toml::Value::String(s) => {
            let s = s.trim();
            match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None if s.len() == 8 => u32::from_str_radix(s, 16).ok(),
                None => s.parse::<u32>().ok(),
            }
        }
        _ => None,
    };
    let Some(message_id) = mid else {
        return cx.err(
            q.message_id.span().start,
            "expected message_id as 8 hex digits (\"bdb4972a\"), 0x-hex, or a decimal number",
        );
    };
    Ok(QuickModeSecret {
        initiator_cookie: cx.cookie(&q.initiator_cookie, "initiator_cookie")?,
        message_id,
        g_qm_xy: cx.hex(&q.dh_shared_secret, "dh_shared_secret")?,
        origin: cx.origin(t.span().start),
    })
}

fn enc_name(cx: &Ctx, v: &S) -> Result<(EncAlg, Option<u16>), KeyFileError> {
    keyword_enc(v.get_ref()).map_or_else(
        || {
            cx.err(
                v.span().start,
                format!(
                    "expected an encryption name such as \"aes128\", \"aes256gcm16\", \"3des\", \
                     \"des\", \"aes128ctr\" or \"null\", found {}",
                    quote(v.get_ref())
                ),
            )
        },
        Ok,
    )
}

fn integ_name(cx: &Ctx, v: &S) -> Result<IntegAlg, KeyFileError> {
    keyword_integ(v.get_ref()).map_or_else(
        || {
            cx.err(
                v.span().start,
                format!(
                    "expected an integrity name such as \"sha1\", \"sha256\", \"sha384\", \
                     \"sha512\", \"md5\", \"sha1_160\", \"aesxcbc\" or \"none\", found {}",
                    quote(v.get_ref())
                ),
            )
        },
        Ok,
    )
}

/// Checks a key against its algorithm and the bits the name fixed (`aes256` needs 32 bytes).
fn check_key(
    cx: &Ctx,
    at: &S,
    field: &str,
    enc: EncAlg,
    named_bits: Option<u16>,
    key: &Secret,
) -> Result<u16, KeyFileError> {
    let bits = check_enc_key(enc, key.len())
        .or_else(|m| cx.err(at.span().start, format!("{m} in {field}")))?;
    if let Some(named) = named_bits
        && named != bits
    {
        return cx.err(
            at.span().start,
            format!(
                "expected a {named}-bit key for {field}, found {bits} bits ({} bytes)",
                key.len()
            ),
        );
    }
    Ok(bits)
}

fn ikev2(cx: &Ctx, t: &Spanned<Ikev2T>) -> Result<Ikev2Keys, KeyFileError> {
    let k = t.get_ref();
    let sk_ei = cx.hex(&k.sk_ei, "sk_ei")?;
    let sk_er = cx.hex(&k.sk_er, "sk_er")?;
    let enc = match &k.encryption {
        Some(v) => {
            let (alg, named) = enc_name(cx, v)?;
            let bits = check_key(cx, &k.sk_ei, "sk_ei", alg, named, &sk_ei)?;
            check_key(cx, &k.sk_er, "sk_er", alg, named, &sk_er)?;
            Some((alg, bits))
        }
        None => None,
    };
    let integ = k
        .integrity
        .as_ref()
        .map(|v| integ_name(cx, v))
        .transpose()?;
    let sk_ai = cx.opt_hex(&k.sk_ai, "sk_ai")?;
    let sk_ar = cx.opt_hex(&k.sk_ar, "sk_ar")?;
    if let Some(i) = integ {
        for (v, key, field) in [(&k.sk_ai, &sk_ai, "sk_ai"), (&k.sk_ar, &sk_ar, "sk_ar")] {
            match (v, key) {
                (Some(v), Some(key)) if key.len() != i.key_len() => {
                    return cx.err(
                        v.span().start,
                        format!(
                            "expected a {}-byte {field} for {}, found {} bytes",
                            i.key_len(),
                            i.name(),
                            key.len()
                        ),
                    );
                }
                (None, _) if i != IntegAlg::None => {
                    return cx.err(
                        t.span().start,
                        format!("expected {field} for integrity = {:?}", i.name()),
                    );
                }
                _ => {}
            }
        }
    }
    Ok(Ikev2Keys {
        spi_i: cx.cookie(&k.spi_i, "spi_i")?,
        spi_r: cx.cookie(&k.spi_r, "spi_r")?,
        sk_ei,
        sk_er,
        enc,
        sk_ai,
        sk_ar,
        integ,
        unchecked_icv_len: None,
        sk_d: cx.opt_hex(&k.sk_d, "sk_d")?,
        sk_pi: cx.opt_hex(&k.sk_pi, "sk_pi")?,
        sk_pr: cx.opt_hex(&k.sk_pr, "sk_pr")?,
        origin: cx.origin(t.span().start),
    })
}

fn addr(cx: &Ctx, v: &Option<S>, field: &str) -> Result<AddrMatch, KeyFileError> {
    match v {
        None => Ok(AddrMatch::Any),
        Some(v) => AddrMatch::parse(v.get_ref()).map_or_else(
            || {
                cx.err(
                    v.span().start,
                    format!(
                        "expected an address, CIDR or \"*\" for {field}, found {}",
                        quote(v.get_ref())
                    ),
                )
            },
            Ok,
        ),
    }
}

fn esp(cx: &Ctx, t: &Spanned<EspT>) -> Result<EspSa, KeyFileError> {
    let e = t.get_ref();
    let spi_at = e.spi.span().start;
    let spi = match e.spi.get_ref() {
        toml::Value::Integer(n) => u32::try_from(*n).ok(),
        toml::Value::String(s) => {
            let s = s.trim();
            match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => s.parse::<u32>().ok(),
            }
        }
        _ => None,
    };
    let Some(spi) = spi else {
        return cx.err(
            spi_at,
            "expected spi = \"0x…\" (8 hex digits) or a 32-bit integer",
        );
    };
    let (enc, named) = enc_name(cx, &e.encryption)?;
    let enc_key = match &e.encryption_key {
        Some(v) => cx.hex(v, "encryption_key")?,
        None if enc == EncAlg::Null => Secret::default(),
        None => return cx.err(t.span().start, "expected encryption_key in [[esp]]"),
    };
    if let Some(v) = &e.encryption_key {
        check_key(cx, v, "encryption_key", enc, named, &enc_key)?;
    }
    let integ = match &e.integrity {
        Some(v) => integ_name(cx, v)?,
        None => IntegAlg::None,
    };
    if enc.is_aead() && integ != IntegAlg::None {
        return cx.err(
            e.integrity
                .as_ref()
                .map_or(t.span().start, |v| v.span().start),
            format!(
                "expected no integrity with {} (it authenticates by itself)",
                enc.name()
            ),
        );
    }
    let integ_key = match &e.integrity_key {
        Some(v) => cx.hex(v, "integrity_key")?,
        None if integ == IntegAlg::None => Secret::default(),
        None => return cx.err(t.span().start, "expected integrity_key in [[esp]]"),
    };
    let encap = match &e.encap {
        None => None,
        Some(v) => match v.get_ref().as_slice() {
            [s, d] => match (u16::try_from(*s), u16::try_from(*d)) {
                (Ok(s), Ok(d)) => Some((s, d)),
                _ => return cx.err(v.span().start, "expected ports 0..65535 in encap"),
            },
            _ => {
                return cx.err(
                    v.span().start,
                    "expected encap = [source port, destination port], e.g. [4500, 4500]",
                );
            }
        },
    };
    Ok(EspSa {
        src: addr(cx, &e.src, "src")?,
        dst: addr(cx, &e.dst, "dst")?,
        spi,
        enc,
        enc_key,
        integ,
        integ_key,
        unchecked_icv_len: None,
        esn: e.esn.unwrap_or(false),
        encap,
        origin: cx.origin(t.span().start),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Parsed, KeyFileError> {
        let file: Arc<str> = Arc::from("keys.toml");
        let mut out = Parsed::default();
        parse(&file, text, &mut out).map(|()| out)
    }

    #[test]
    fn table_span_is_the_header_line() {
        let p = run("# c\n\n[[psk]]\npeer = \"192.0.2.1\"\nsecret = \"x\"\n").unwrap();
        assert_eq!(p.psks[0].origin.line, 3);
    }
}
