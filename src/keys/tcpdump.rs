//! tcpdump's ESP secrets (`tcpdump -E spi@dst algo:secret,…`, or the same one per line in the
//! file given to `-E file`).
//!
//! tcpdump (print-esp.c, `espprint_decode_encalgo`) strips an `-hmac96` suffix from the
//! algorithm and then only skips a 12-byte ICV: it never names or checks the integrity
//! algorithm, and the secret is the cipher key alone. So `3des-cbc-hmac96` is 3DES-CBC plus an
//! unchecked 12-byte ICV (HMAC-MD5-96 or HMAC-SHA1-96 alike), which is what ikescope stores.
//! The rest of the name (after dropping `-cbc`) is an OpenSSL cipher name: `des`, `3des`
//! (tcpdump's alias for des-ede3-cbc), `aes128`…; a secret starting with `0x` is hex, anything
//! else is the literal text.

use std::net::IpAddr;
use std::sync::Arc;

use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

use super::algs::check_enc_key;
use super::entries::EspSa;
use super::error::{KeyFileError, Origin, quote};
use super::peer::AddrMatch;
use super::secret::{Secret, parse_hex};
use super::store::Parsed;

/// Whether a line looks like `0xSPI@address algo:secret`.
pub(crate) fn looks_like_line(l: &str) -> bool {
    let mut toks = l.split_whitespace();
    let (Some(sa), Some(alg)) = (toks.next(), toks.next()) else {
        return false;
    };
    let Some((spi, addr)) = sa.split_once('@') else {
        return false;
    };
    super::wireshark::parse_spi(spi).is_some()
        && addr.parse::<IpAddr>().is_ok()
        && alg.contains(':')
}

/// (cipher, fixed key bits) for the name tcpdump hands to OpenSSL.
fn cipher(name: &str) -> Option<(EncAlg, Option<usize>)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "none" | "null" => (EncAlg::Null, None),
        "des" => (EncAlg::DesCbc, None),
        "3des" | "des-ede3" | "des3" => (EncAlg::TripleDesCbc, None),
        "aes" => (EncAlg::AesCbc, None),
        "aes128" | "aes-128" => (EncAlg::AesCbc, Some(16)),
        "aes192" | "aes-192" => (EncAlg::AesCbc, Some(24)),
        "aes256" | "aes-256" => (EncAlg::AesCbc, Some(32)),
        _ => return None,
    })
}

/// Parses tcpdump ESP secrets, one or more (comma-separated) per line.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        for item in l.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            one(file, line, item, out)?;
        }
    }
    Ok(())
}

fn one(file: &Arc<str>, line: usize, item: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let err = |m: String| KeyFileError::at(file, line, m);
    let mut toks = item.split_whitespace();
    let first = toks.next().unwrap_or("");
    if first.eq_ignore_ascii_case("ikev2") || first.eq_ignore_ascii_case("file") {
        out.warn(
            file,
            line,
            format!("tcpdump `{first}` lines are not read by ikescope; skipped"),
        );
        return Ok(());
    }
    let Some(decode) = toks.next() else {
        out.warn(
            file,
            line,
            "a tcpdump default secret (no SPI@address) is skipped: ikescope needs the SPI",
        );
        return Ok(());
    };
    let Some((spi, addr)) = first.split_once('@') else {
        return Err(err(format!(
            "expected SPI@address such as 0x12345678@192.1.2.45, found {}",
            quote(first)
        )));
    };
    let spi = super::wireshark::parse_spi(spi).ok_or_else(|| {
        err(format!(
            "expected an SPI such as 0x12345678, found {}",
            quote(spi)
        ))
    })?;
    let dst: IpAddr = addr.parse().map_err(|_| {
        err(format!(
            "expected an IP address after @, found {}",
            quote(addr)
        ))
    })?;
    let Some((alg, secret)) = decode.split_once(':') else {
        return Err(err(
            "expected algo:secret such as 3des-cbc-hmac96:0x…".to_string()
        ));
    };
    let (alg_base, icv) = match alg.strip_suffix("-hmac96") {
        Some(b) => (b, Some(12u8)),
        None => (alg, None),
    };
    let alg_base = alg_base.strip_suffix("-cbc").unwrap_or(alg_base);
    let Some((enc, fixed)) = cipher(alg_base) else {
        out.warn(
            file,
            line,
            format!(
                "ESP SA 0x{spi:08x} skipped: ikescope cannot decrypt {}",
                quote(alg)
            ),
        );
        return Ok(());
    };
    let key = if secret.starts_with("0x") || secret.starts_with("0X") {
        parse_hex(secret)
            .map(Secret::new)
            .map_err(|e| err(format!("expected hex digits for the secret, {e}")))?
    } else {
        Secret::from_slice(secret.as_bytes())
    };
    check_enc_key(enc, key.len()).map_err(&err)?;
    if let Some(n) = fixed
        && key.len() != n
    {
        return Err(err(format!(
            "expected a {n}-byte key for {}, found {} bytes",
            quote(alg),
            key.len()
        )));
    }
    out.esp.push(EspSa {
        src: AddrMatch::Any,
        dst: AddrMatch::Addr(dst),
        spi,
        enc,
        enc_key: key,
        integ: IntegAlg::None,
        integ_key: Secret::default(),
        unchecked_icv_len: icv,
        esn: false,
        encap: None,
        origin: Origin::new(file, line),
    });
    Ok(())
}
