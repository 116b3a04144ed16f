//! Wireshark's decryption tables, as found in a profile directory (`esp_sa`,
//! `ikev1_decryption_table`, `ikev2_decryption_table`) or passed with `-o uat:…`.
//!
//! A UAT file is one record per line, comma-separated; string fields are quoted (`"…"`, with
//! `\xNN` escapes), and Wireshark writes the IKE tables' hex fields unquoted. Lines starting
//! with `#` are comments. Algorithm names are Wireshark's own strings (packet-ipsec.c,
//! packet-isakmp.c); see [`super::algs`].

use std::sync::Arc;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

use super::algs::{
    Integ, check_enc_key, wireshark_esp_auth, wireshark_esp_enc, wireshark_ikev2_enc,
    wireshark_ikev2_integ,
};
use super::entries::{EspSa, Ikev1Ready, Ikev2Keys};
use super::error::{KeyFileError, Origin, quote};
use super::peer::AddrMatch;
use super::secret::{Secret, parse_hex};
use super::store::Parsed;

/// Splits one UAT record into its fields, unquoting and unescaping them.
pub(crate) fn split_uat(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.trim().chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\\' if in_quotes => match chars.next() {
                Some('x') => {
                    let hi = chars.next().and_then(|c| c.to_digit(16));
                    let lo = chars.next().and_then(|c| c.to_digit(16));
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        cur.push(char::from((hi * 16 + lo) as u8));
                    }
                }
                Some(other) => cur.push(other),
                None => {}
            },
            ',' if !in_quotes => fields.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    fields.push(cur);
    for f in &mut fields {
        let t = f.trim();
        if t.len() != f.len() {
            *f = t.to_string();
        }
    }
    fields
}

fn records(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// A Wireshark ESP key: `0x…` is hex, anything else is the ASCII text (Wireshark's rule).
fn esp_key(file: &str, line: usize, field: &str, text: &str) -> Result<Secret, KeyFileError> {
    if text.starts_with("0x") || text.starts_with("0X") {
        parse_hex(text).map(Secret::new).map_err(|e| {
            KeyFileError::at(file, line, format!("expected hex digits for {field}, {e}"))
        })
    } else {
        Ok(Secret::from_slice(text.as_bytes()))
    }
}

/// Wireshark's `esp_sa`:
/// `"IPv4","src","dst","0xSPI","<encryption>","0xKEY","<authentication>","0xKEY"`.
pub(crate) fn parse_esp_sa(
    file: &Arc<str>,
    text: &str,
    out: &mut Parsed,
) -> Result<(), KeyFileError> {
    for (line, rec) in records(text) {
        let f = split_uat(rec);
        let err = |m: String| KeyFileError::at(file, line, m);
        let [
            proto,
            src,
            dst,
            spi,
            enc_name,
            enc_key,
            auth_name,
            auth_key,
            ..,
        ] = f.as_slice()
        else {
            return Err(err(format!(
                "expected 8 fields (\"IPv4\",\"src\",\"dst\",\"0xSPI\",\"encryption\",\"0xKEY\",\
                 \"authentication\",\"0xKEY\"), found {}",
                f.len()
            )));
        };
        if !matches!(proto.as_str(), "IPv4" | "IPv6" | "Any" | "*") {
            return Err(err(format!(
                "expected \"IPv4\" or \"IPv6\" in the first field, found {}",
                quote(proto)
            )));
        }
        let addr = |v: &str, which: &str| {
            AddrMatch::parse(v).ok_or_else(|| {
                err(format!(
                    "expected an address, CIDR or \"*\" for the {which} address, found {}",
                    quote(v)
                ))
            })
        };
        let (src, dst) = (addr(src, "source")?, addr(dst, "destination")?);
        if spi == "*" {
            out.warn(
                file,
                line,
                "ESP SA with SPI \"*\" skipped: ikescope needs the SPI of each SA",
            );
            continue;
        }
        let spi = parse_spi(spi).ok_or_else(|| {
            err(format!(
                "expected an SPI such as \"0xc5039682\", found {}",
                quote(spi)
            ))
        })?;
        let enc = match wireshark_esp_enc(enc_name) {
            Ok(e) => e,
            Err("") => {
                return Err(err(format!(
                    "expected a Wireshark ESP encryption name such as \"AES-CBC [RFC3602]\" or \
                     \"AES-GCM with 16 octet ICV [RFC4106]\", found {}",
                    quote(enc_name)
                )));
            }
            Err(name) => {
                out.warn(
                    file,
                    line,
                    format!("ESP SA 0x{spi:08x} skipped: ikescope cannot decrypt {name}"),
                );
                continue;
            }
        };
        let Some(auth) = wireshark_esp_auth(auth_name) else {
            return Err(err(format!(
                "expected a Wireshark ESP authentication name such as \"HMAC-SHA-1-96 \
                 [RFC2404]\" or \"NULL\", found {}",
                quote(auth_name)
            )));
        };
        let (enc, auth) = match (enc, auth) {
            // Deprecated "AES-GCM [RFC4106]": the ICV length was given as "ANY n bit".
            (None, Integ::Unchecked { icv_len, .. }) => {
                (EncAlg::AesGcm { icv_len }, Integ::Alg(IntegAlg::None))
            }
            (None, _) => (EncAlg::AesGcm { icv_len: 16 }, Integ::Alg(IntegAlg::None)),
            (Some(e @ EncAlg::AesGcm { .. }), Integ::Alg(IntegAlg::None)) => {
                (e, Integ::Alg(IntegAlg::None))
            }
            (Some(EncAlg::AesGcm { .. }), _) => {
                return Err(err(format!(
                    "expected \"NULL\" authentication with AES-GCM, found {}",
                    quote(auth_name)
                )));
            }
            (Some(e), a) => (e, a),
        };
        let enc_key = esp_key(file, line, "the encryption key", enc_key)?;
        check_enc_key(enc, enc_key.len()).map_err(|m| err(format!("{m} in the encryption key")))?;
        let integ_key = esp_key(file, line, "the authentication key", auth_key)?;
        if let Integ::Unchecked { icv_len, what } = auth {
            out.warn(
                file,
                line,
                format!(
                    "ESP SA 0x{spi:08x}: {what}: its {icv_len}-byte ICV is stripped but not checked"
                ),
            );
        }
        let (integ, unchecked_icv_len) = auth.split();
        if integ != IntegAlg::None && integ_key.is_empty() {
            return Err(err(format!(
                "expected an authentication key for {}",
                quote(auth_name)
            )));
        }
        out.esp.push(EspSa {
            src,
            dst,
            spi,
            enc,
            enc_key,
            integ,
            integ_key,
            unchecked_icv_len,
            esn: false,
            encap: None,
            origin: Origin::new(file, line),
        });
    }
    Ok(())
}

pub(crate) fn parse_spi(text: &str) -> Option<u32> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) if !h.is_empty() && h.len() <= 8 => u32::from_str_radix(h, 16).ok(),
        Some(_) => None,
        None => t.parse().ok(),
    }
}

fn cookie(file: &str, line: usize, field: &str, text: &str) -> Result<Cookie, KeyFileError> {
    text.parse::<Cookie>().map_err(|_| {
        KeyFileError::at(
            file,
            line,
            format!("expected 16 hex digits for {field}, found {}", quote(text)),
        )
    })
}

fn key_hex(file: &str, line: usize, field: &str, text: &str) -> Result<Secret, KeyFileError> {
    parse_hex(text)
        .map(Secret::new)
        .map_err(|e| KeyFileError::at(file, line, format!("expected hex digits for {field}, {e}")))
}

/// Wireshark's `ikev1_decryption_table`: `<initiator cookie>,<phase-1 key>` (Wireshark writes
/// them unquoted; quoted fields are accepted too).
pub(crate) fn parse_ikev1(
    file: &Arc<str>,
    text: &str,
    out: &mut Parsed,
) -> Result<(), KeyFileError> {
    for (line, rec) in records(text) {
        let f = split_uat(rec);
        let [icookie, key] = f.as_slice() else {
            return Err(KeyFileError::at(
                file,
                line,
                format!(
                    "expected 2 fields (initiator cookie,encryption key), found {}",
                    f.len()
                ),
            ));
        };
        let initiator_cookie = cookie(file, line, "the initiator cookie", icookie)?;
        let encryption_key = key_hex(file, line, "the encryption key", key)?;
        if !matches!(encryption_key.len(), 8 | 16 | 24 | 32) {
            return Err(KeyFileError::at(
                file,
                line,
                format!(
                    "expected an 8, 16, 24 or 32-byte encryption key (DES, AES-128, 3DES or \
                     AES-192, AES-256), found {} bytes",
                    encryption_key.len()
                ),
            ));
        }
        out.ikev1_ready.push(Ikev1Ready {
            initiator_cookie,
            encryption_key,
            origin: Origin::new(file, line),
        });
    }
    Ok(())
}

/// Wireshark's `ikev2_decryption_table`:
/// `SPIi,SPIr,SK_ei,SK_er,"<encryption>",SK_ai,SK_ar,"<integrity>"`.
pub(crate) fn parse_ikev2(
    file: &Arc<str>,
    text: &str,
    out: &mut Parsed,
) -> Result<(), KeyFileError> {
    for (line, rec) in records(text) {
        let f = split_uat(rec);
        let err = |m: String| KeyFileError::at(file, line, m);
        let [
            spi_i,
            spi_r,
            sk_ei,
            sk_er,
            enc_name,
            sk_ai,
            sk_ar,
            integ_name,
        ] = f.as_slice()
        else {
            return Err(err(format!(
                "expected 8 fields (SPIi,SPIr,SK_ei,SK_er,\"encryption\",SK_ai,SK_ar,\
                 \"integrity\"), found {}",
                f.len()
            )));
        };
        let spi_i = cookie(file, line, "SPIi", spi_i)?;
        let spi_r = cookie(file, line, "SPIr", spi_r)?;
        let (enc, bits) = match wireshark_ikev2_enc(enc_name) {
            Ok(e) => e,
            Err("") => {
                return Err(err(format!(
                    "expected a Wireshark IKEv2 encryption name such as \"AES-CBC-128 \
                     [RFC3602]\", found {}",
                    quote(enc_name)
                )));
            }
            Err(name) => {
                out.warn(
                    file,
                    line,
                    format!("IKEv2 SA {spi_i}/{spi_r} skipped: ikescope cannot decrypt {name}"),
                );
                continue;
            }
        };
        let Some(integ) = wireshark_ikev2_integ(integ_name) else {
            return Err(err(format!(
                "expected a Wireshark IKEv2 integrity name such as \"HMAC_SHA2_256_128 \
                 [RFC4868]\" or \"NONE [RFC4306]\", found {}",
                quote(integ_name)
            )));
        };
        let sk_ei = key_hex(file, line, "SK_ei", sk_ei)?;
        let sk_er = key_hex(file, line, "SK_er", sk_er)?;
        for (name, key) in [("SK_ei", &sk_ei), ("SK_er", &sk_er)] {
            let got = check_enc_key(enc, key.len()).map_err(|m| err(format!("{m} in {name}")))?;
            if got != bits {
                return Err(err(format!(
                    "expected a {}-byte {name} for {}, found {} bytes",
                    usize::from(bits) / 8 + enc.salt_len(),
                    quote(enc_name),
                    key.len()
                )));
            }
        }
        let opt_key = |field: &str, text: &str| {
            if text.is_empty() {
                Ok(None)
            } else {
                key_hex(file, line, field, text).map(Some)
            }
        };
        let sk_ai = opt_key("SK_ai", sk_ai)?;
        let sk_ar = opt_key("SK_ar", sk_ar)?;
        if let Integ::Alg(a) = integ {
            for (name, key) in [("SK_ai", &sk_ai), ("SK_ar", &sk_ar)] {
                let len = key.as_ref().map_or(0, Secret::len);
                if len != a.key_len() {
                    return Err(err(format!(
                        "expected a {}-byte {name} for {}, found {len} bytes",
                        a.key_len(),
                        quote(integ_name)
                    )));
                }
            }
        }
        if let Integ::Unchecked { icv_len, what } = integ {
            out.warn(
                file,
                line,
                format!(
                    "IKEv2 SA {spi_i}/{spi_r}: {what}: its {icv_len}-byte checksum is stripped \
                     but not checked"
                ),
            );
        }
        let (integ, unchecked_icv_len) = integ.split();
        out.ikev2.push(Ikev2Keys {
            spi_i,
            spi_r,
            sk_ei,
            sk_er,
            enc: Some((enc, bits)),
            sk_ai,
            sk_ar,
            integ: Some(integ),
            unchecked_icv_len,
            sk_d: None,
            sk_pi: None,
            sk_pr: None,
            origin: Origin::new(file, line),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_uat_records() {
        assert_eq!(
            split_uat(r#""IPv4","a","0x1","x\x2cy",bare, "sp" "#),
            vec!["IPv4", "a", "0x1", "x,y", "bare", "sp"]
        );
        assert_eq!(split_uat("a,,b"), vec!["a", "", "b"]);
    }

    #[test]
    fn spi_forms() {
        assert_eq!(parse_spi("0xc5039682"), Some(0xc503_9682));
        assert_eq!(parse_spi("256"), Some(256));
        assert_eq!(parse_spi("0x123456789"), None);
        assert_eq!(parse_spi("0x"), None);
    }
}
