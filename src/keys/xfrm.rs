//! Linux `ip xfrm state` (or `ip -s xfrm state`, or states printed by `ip xfrm monitor`):
//! the kernel's own ESP SAs with their keys.
//!
//! ```text
//! src 192.0.2.1 dst 192.0.2.2
//!     proto esp spi 0xc395a17e(3281363326) reqid 1(0x00000001) mode tunnel
//!     replay-window 0 seq 0x00000000 flag af-unspec (0x00100000)
//!     auth-trunc hmac(sha1) 0x9e1b…5c63 (160 bits) 96
//!     enc cbc(aes) 0x7b26…44c8 (128 bits)
//!     encap type espinudp sport 4500 dport 40832 addr 0.0.0.0
//! ```
//!
//! Algorithm names are the kernel crypto API's (net/xfrm/xfrm_algo.c); see [`super::algs`].

use std::net::IpAddr;
use std::sync::Arc;

use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

use super::algs::{Integ, check_enc_key, xfrm_aead, xfrm_auth, xfrm_enc};
use super::entries::EspSa;
use super::error::{KeyFileError, Origin, quote};
use super::peer::AddrMatch;
use super::secret::{Secret, parse_hex};
use super::store::Parsed;

#[derive(Default)]
struct State {
    line: usize,
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    proto: Option<String>,
    spi: Option<u32>,
    enc: Option<(EncAlg, Secret, usize)>,
    auth: Option<(Integ, Secret)>,
    esn: bool,
    encap: Option<(u16, u16)>,
}

/// Parses `ip xfrm state` output.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let mut cur: Option<State> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        let toks: Vec<&str> = raw.split_whitespace().collect();
        if !indented {
            // `src A dst B`, possibly after an `ip xfrm monitor` word such as `Deleted`.
            let start = toks.iter().position(|t| *t == "src");
            if let Some(st) = cur.take() {
                finish(file, st, out)?;
            }
            if let Some(start) = start {
                cur = Some(header(file, line, toks.get(start..).unwrap_or(&[]))?);
            }
            continue;
        }
        let Some(st) = cur.as_mut() else { continue };
        let err = |m: String| KeyFileError::at(file, line, m);
        match toks.first().copied() {
            Some("proto") => {
                st.proto = toks.get(1).map(|s| s.to_string());
                if let Some(pos) = toks.iter().position(|t| *t == "spi") {
                    let spi = toks.get(pos + 1).copied().unwrap_or("");
                    let hexpart = spi.split('(').next().unwrap_or("");
                    st.spi =
                        Some(super::wireshark::parse_spi(hexpart).ok_or_else(|| {
                            err(format!("expected spi 0x…, found {}", quote(spi)))
                        })?);
                }
            }
            Some("enc") => {
                let (name, key, _) = alg_line(file, line, &toks)?;
                let alg = match xfrm_enc(&name) {
                    Ok(a) => a,
                    Err("") => {
                        return Err(err(format!(
                            "expected an encryption algorithm such as cbc(aes), cbc(des3_ede), \
                             rfc3686(ctr(aes)), found {}",
                            quote(&name)
                        )));
                    }
                    Err(n) => {
                        out.warn(
                            file,
                            line,
                            format!("ikescope cannot decrypt {n}; this SA is skipped"),
                        );
                        st.proto = Some("unsupported".into());
                        continue;
                    }
                };
                st.enc = Some((alg, key, line));
            }
            Some("aead") => {
                let (name, key, bits) = alg_line(file, line, &toks)?;
                let Some(bits) = bits else {
                    return Err(err(format!(
                        "expected the ICV length in bits after the key of {name}"
                    )));
                };
                match xfrm_aead(&name, bits) {
                    Ok(alg) => st.enc = Some((alg, key, line)),
                    Err(m) if m.contains("not supported") => {
                        out.warn(file, line, format!("{m}; this SA is skipped"));
                        st.proto = Some("unsupported".into());
                    }
                    Err(m) => return Err(err(m)),
                }
            }
            Some(kind @ ("auth" | "auth-trunc")) => {
                let (name, key, bits) = alg_line(file, line, &toks)?;
                let trunc = if kind == "auth-trunc" {
                    Some(bits.ok_or_else(|| {
                        err(format!(
                            "expected the truncation length in bits after the key of {name}"
                        ))
                    })?)
                } else {
                    None
                };
                st.auth = Some((xfrm_auth(&name, trunc).map_err(err)?, key));
            }
            Some("encap") => {
                let port = |w: &str| {
                    toks.iter()
                        .position(|t| *t == w)
                        .and_then(|p| toks.get(p + 1))
                        .and_then(|v| v.parse::<u16>().ok())
                };
                match (port("sport"), port("dport")) {
                    (Some(s), Some(d)) => st.encap = Some((s, d)),
                    _ => {
                        return Err(err(
                            "expected `encap type espinudp sport N dport N`".to_string()
                        ));
                    }
                }
            }
            Some("replay-window") | Some("flag")
                if toks
                    .iter()
                    .skip_while(|t| **t != "flag")
                    .any(|t| *t == "esn") =>
            {
                st.esn = true;
            }
            Some("anti-replay") if toks.get(1) == Some(&"esn") => {
                st.esn = true;
            }
            _ => {}
        }
    }
    if let Some(st) = cur {
        finish(file, st, out)?;
    }
    Ok(())
}

fn header(file: &str, line: usize, toks: &[&str]) -> Result<State, KeyFileError> {
    let addr = |word: &str| -> Result<IpAddr, KeyFileError> {
        let v = toks
            .iter()
            .position(|t| *t == word)
            .and_then(|p| toks.get(p + 1))
            .copied()
            .unwrap_or("");
        v.parse().map_err(|_| {
            KeyFileError::at(
                file,
                line,
                format!("expected an IP address after {word}, found {}", quote(v)),
            )
        })
    };
    Ok(State {
        line,
        src: Some(addr("src")?),
        dst: Some(addr("dst")?),
        ..State::default()
    })
}

/// `<kind> <name> 0x<key> [(<n> bits)] [<bits>]` → (name, key, trailing bits).
fn alg_line(
    file: &str,
    line: usize,
    toks: &[&str],
) -> Result<(String, Secret, Option<u32>), KeyFileError> {
    let name = toks
        .get(1)
        .map(|n| n.trim_matches(['\'', '"']).to_string())
        .unwrap_or_default();
    let key_text = toks.get(2).copied().unwrap_or("");
    if !key_text.starts_with("0x") {
        return Err(KeyFileError::at(
            file,
            line,
            format!(
                "expected the key of {name} in hex (0x…), found {} (run `ip xfrm state` as root, \
                 without `nokeys`)",
                if key_text.is_empty() {
                    "nothing"
                } else {
                    "something else"
                }
            ),
        ));
    }
    let key = parse_hex(key_text).map(Secret::new).map_err(|e| {
        KeyFileError::at(
            file,
            line,
            format!("expected hex digits for the key of {name}, {e}"),
        )
    })?;
    // The last token, unless it closes the "(160 bits)" annotation, is the ICV/trunc length.
    let bits = toks
        .get(3..)
        .and_then(|rest| rest.last())
        .filter(|t| !t.ends_with(')'))
        .map(|t| {
            t.parse::<u32>().map_err(|_| {
                KeyFileError::at(
                    file,
                    line,
                    format!("expected a length in bits, found {}", quote(t)),
                )
            })
        })
        .transpose()?;
    Ok((name, key, bits))
}

fn finish(file: &Arc<str>, st: State, out: &mut Parsed) -> Result<(), KeyFileError> {
    let err = |line: usize, m: String| KeyFileError::at(file, line, m);
    let proto = st.proto.as_deref();
    match proto {
        Some("esp") => {}
        Some("ah") => {
            out.warn(
                file,
                st.line,
                format!(
                    "AH SA 0x{:08x} skipped: ikescope decrypts ESP only",
                    st.spi.unwrap_or(0)
                ),
            );
            return Ok(());
        }
        // IPComp, route2, hao, or an SA already warned about.
        Some(_) => return Ok(()),
        None => {
            return Err(err(
                st.line,
                "expected a `proto esp spi 0x…` line after `src … dst …`".into(),
            ));
        }
    }
    let Some(spi) = st.spi else {
        return Err(err(st.line, "expected `spi 0x…` in the proto line".into()));
    };
    let (src, dst) = match (st.src, st.dst) {
        (Some(s), Some(d)) => (s, d),
        _ => return Err(err(st.line, "expected src and dst addresses".into())),
    };
    let (enc, enc_key, enc_line) = match st.enc {
        Some(e) => e,
        None => (EncAlg::Null, Secret::default(), st.line),
    };
    check_enc_key(enc, enc_key.len()).map_err(|m| err(enc_line, m))?;
    let (integ, integ_key) = match st.auth {
        Some((i, k)) => (i, k),
        None => (Integ::Alg(IntegAlg::None), Secret::default()),
    };
    if let Integ::Unchecked { icv_len, what } = integ {
        out.warn(
            file,
            st.line,
            format!(
                "ESP SA 0x{spi:08x}: {what}: its {icv_len}-byte ICV is stripped but not checked"
            ),
        );
    }
    let (integ, unchecked_icv_len) = integ.split();
    out.esp.push(EspSa {
        src: AddrMatch::Addr(src),
        dst: AddrMatch::Addr(dst),
        spi,
        enc,
        enc_key,
        integ,
        integ_key,
        unchecked_icv_len,
        esn: st.esn,
        encap: st.encap,
        origin: Origin::new(file, st.line),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ip_xfrm_state_and_esn() {
        let text = "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x00001000 reqid 1 mode tunnel\n\
                    \treplay-window 0 flag af-unspec esn\n\
                    \tauth-trunc hmac(sha256) 0x0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10 128\n\
                    \tenc cbc(aes) 0x0102030405060708090a0b0c0d0e0f10\n\
                    src 10.0.0.2 dst 10.0.0.1\n\tproto ah spi 0x2000 reqid 1 mode tunnel\n\
                    \tauth-trunc hmac(sha1) 0x0102030405060708090a0b0c0d0e0f1011121314 96\n";
        let file: Arc<str> = Arc::from("x");
        let mut out = Parsed::default();
        parse(&file, text, &mut out).unwrap();
        assert_eq!(out.esp.len(), 1);
        let sa = &out.esp[0];
        assert_eq!(sa.spi, 0x1000);
        assert!(sa.esn);
        assert_eq!(sa.integ, IntegAlg::HmacSha256_128);
        assert_eq!(sa.enc, EncAlg::AesCbc);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    }

    #[test]
    fn nokeys_output_is_an_error_with_the_fix() {
        let text = "src 10.0.0.1 dst 10.0.0.2\n\tproto esp spi 0x1000 reqid 1 mode tunnel\n\tenc cbc(aes)\n";
        let file: Arc<str> = Arc::from("x");
        let e = parse(&file, text, &mut Parsed::default()).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("nokeys"), "{e}");
    }
}
