//! Algorithm names as each key-file format spells them, mapped onto the shared
//! [`EncAlg`]/[`IntegAlg`]. The name tables are facts taken from the sources cited at each
//! function; nothing is guessed from a substring.

use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

/// An integrity algorithm as a key file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Integ {
    Alg(IntegAlg),
    /// An ICV of this many bytes that ikescope cannot verify; `what` says why, for the warning.
    Unchecked {
        icv_len: u8,
        what: &'static str,
    },
}

impl Integ {
    /// (algorithm, unchecked ICV length) as stored in an entry.
    pub(crate) fn split(self) -> (IntegAlg, Option<u8>) {
        match self {
            Integ::Alg(a) => (a, None),
            Integ::Unchecked { icv_len, .. } => (IntegAlg::None, Some(icv_len)),
        }
    }
}

/// Checks the cipher key length (salt/nonce included for CTR and GCM) and returns the key size
/// in bits without the salt.
pub(crate) fn check_enc_key(enc: EncAlg, key_len: usize) -> Result<u16, String> {
    let ok: &[usize] = match enc {
        EncAlg::Null => &[0],
        EncAlg::DesCbc => &[8],
        EncAlg::TripleDesCbc => &[24],
        EncAlg::AesCbc => &[16, 24, 32],
        EncAlg::AesCtr | EncAlg::AesGcm { .. } => &[20, 28, 36],
    };
    if ok.contains(&key_len) {
        return Ok(((key_len - enc.salt_len()) * 8) as u16);
    }
    let list = ok
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(" or ");
    let salt = if enc.salt_len() > 0 {
        " (key + 4-byte salt)"
    } else {
        ""
    };
    Err(format!(
        "expected a {list}-byte key for {}{salt}, found {key_len} bytes",
        enc.name()
    ))
}

/// Wireshark's ESP SA table, encryption column (`esp_encryption_type_vals` in
/// epan/dissectors/packet-ipsec.c). `Ok(None)` is the deprecated "AES-GCM [RFC4106]" whose ICV
/// length comes from the authentication column; `Err` names an algorithm ikescope lacks.
pub(crate) fn wireshark_esp_enc(name: &str) -> Result<Option<EncAlg>, &'static str> {
    Ok(Some(match name {
        "NULL" => EncAlg::Null,
        "TripleDES-CBC [RFC2451]" | "TripleDes-CBC [RFC2451]" => EncAlg::TripleDesCbc,
        "AES-CBC [RFC3602]" => EncAlg::AesCbc,
        "AES-CTR [RFC3686]" => EncAlg::AesCtr,
        "DES-CBC [RFC2405]" => EncAlg::DesCbc,
        "AES-GCM with 8 octet ICV [RFC4106]" => EncAlg::AesGcm { icv_len: 8 },
        "AES-GCM with 12 octet ICV [RFC4106]" => EncAlg::AesGcm { icv_len: 12 },
        "AES-GCM with 16 octet ICV [RFC4106]" => EncAlg::AesGcm { icv_len: 16 },
        "AES-GCM [RFC4106]" => return Ok(None),
        "CAST5-CBC [RFC2144]" => return Err("CAST5-CBC"),
        "BLOWFISH-CBC [RFC2451]" => return Err("BLOWFISH-CBC"),
        "TWOFISH-CBC" => return Err("TWOFISH-CBC"),
        "AES-GCM with IIV and 16 octet ICV [RFC4106 & RFC8750]" => {
            return Err("AES-GCM with implicit IV (RFC 8750)");
        }
        "ChaCha20 with Poly1305 [RFC7634]" => return Err("ChaCha20-Poly1305"),
        "ChaCha20 with Poly1305 and IIV [RFC7634 & RFC8750]" => {
            return Err("ChaCha20-Poly1305 with implicit IV");
        }
        _ => return Err(""),
    }))
}

/// Wireshark's ESP SA table, authentication column (`esp_authentication_type_vals`,
/// packet-ipsec.c). `None` for a name Wireshark does not have.
pub(crate) fn wireshark_esp_auth(name: &str) -> Option<Integ> {
    Some(match name {
        "NULL" => Integ::Alg(IntegAlg::None),
        "HMAC-SHA-1-96 [RFC2404]" => Integ::Alg(IntegAlg::HmacSha1_96),
        "HMAC-MD5-96 [RFC2403]" => Integ::Alg(IntegAlg::HmacMd5_96),
        "HMAC-SHA-256-128 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha256_128),
        "HMAC-SHA-384-192 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha384_192),
        "HMAC-SHA-512-256 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha512_256),
        // The pre-RFC 4868 truncation (Linux "hmac(sha256)" without auth-trunc still uses it).
        "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]" => Integ::Unchecked {
            icv_len: 12,
            what: "HMAC-SHA-256-96 (draft-ietf-ipsec-ciph-sha-256-00)",
        },
        "MAC-RIPEMD-160-96 [RFC2857]" => Integ::Unchecked {
            icv_len: 12,
            what: "HMAC-RIPEMD-160-96",
        },
        "ANY 64 bit authentication [no checking]" => any_bits(8),
        "ANY 96 bit authentication [no checking]" => any_bits(12),
        "ANY 128 bit authentication [no checking]" => any_bits(16),
        "ANY 192 bit authentication [no checking]" => any_bits(24),
        "ANY 256 bit authentication [no checking]" => any_bits(32),
        _ => return None,
    })
}

fn any_bits(icv_len: u8) -> Integ {
    Integ::Unchecked {
        icv_len,
        what: "authentication is \"no checking\"",
    }
}

/// Wireshark's `ikev2_decryption_table`, encryption column (`vs_ikev2_encr_algs`,
/// epan/dissectors/packet-isakmp.c): (algorithm, key bits).
pub(crate) fn wireshark_ikev2_enc(name: &str) -> Result<(EncAlg, u16), &'static str> {
    let gcm = |icv_len| EncAlg::AesGcm { icv_len };
    Ok(match name {
        "3DES [RFC2451]" => (EncAlg::TripleDesCbc, 192),
        "AES-CBC-128 [RFC3602]" => (EncAlg::AesCbc, 128),
        "AES-CBC-192 [RFC3602]" => (EncAlg::AesCbc, 192),
        "AES-CBC-256 [RFC3602]" => (EncAlg::AesCbc, 256),
        "NULL [RFC2410]" => (EncAlg::Null, 0),
        "AES-CTR-128 [RFC5930]" => (EncAlg::AesCtr, 128),
        "AES-CTR-192 [RFC5930]" => (EncAlg::AesCtr, 192),
        "AES-CTR-256 [RFC5930]" => (EncAlg::AesCtr, 256),
        "AES-GCM-128 with 16 octet ICV [RFC5282]" => (gcm(16), 128),
        "AES-GCM-192 with 16 octet ICV [RFC5282]" => (gcm(16), 192),
        "AES-GCM-256 with 16 octet ICV [RFC5282]" => (gcm(16), 256),
        "AES-GCM-128 with 8 octet ICV [RFC5282]" => (gcm(8), 128),
        "AES-GCM-192 with 8 octet ICV [RFC5282]" => (gcm(8), 192),
        "AES-GCM-256 with 8 octet ICV [RFC5282]" => (gcm(8), 256),
        "AES-GCM-128 with 12 octet ICV [RFC5282]" => (gcm(12), 128),
        "AES-GCM-192 with 12 octet ICV [RFC5282]" => (gcm(12), 192),
        "AES-GCM-256 with 12 octet ICV [RFC5282]" => (gcm(12), 256),
        n if n.starts_with("AES-CCM-") => return Err("AES-CCM"),
        _ => return Err(""),
    })
}

/// Wireshark's `ikev2_decryption_table`, integrity column (`vs_ikev2_auth_algs`,
/// packet-isakmp.c).
pub(crate) fn wireshark_ikev2_integ(name: &str) -> Option<Integ> {
    Some(match name {
        "HMAC_MD5_96 [RFC2403]" => Integ::Alg(IntegAlg::HmacMd5_96),
        "HMAC_SHA1_96 [RFC2404]" => Integ::Alg(IntegAlg::HmacSha1_96),
        "HMAC_SHA1_160 [RFC4595]" => Integ::Alg(IntegAlg::HmacSha1_160),
        "HMAC_SHA2_256_128 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha256_128),
        "HMAC_SHA2_384_192 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha384_192),
        "HMAC_SHA2_512_256 [RFC4868]" => Integ::Alg(IntegAlg::HmacSha512_256),
        "NONE [RFC4306]" => Integ::Alg(IntegAlg::None),
        "HMAC_MD5_128 [RFC4595]" => Integ::Unchecked {
            icv_len: 16,
            what: "HMAC_MD5_128",
        },
        "HMAC_SHA2_256_96 [draft-ietf-ipsec-ciph-sha-256-00]" => Integ::Unchecked {
            icv_len: 12,
            what: "HMAC_SHA2_256_96 (draft-ietf-ipsec-ciph-sha-256-00)",
        },
        "ANY 64-bits of Authentication [No Checking]" => any_bits(8),
        "ANY 96-bits of Authentication [No Checking]" => any_bits(12),
        "ANY 128-bits of Authentication [No Checking]" => any_bits(16),
        "ANY 160-bits of Authentication [No Checking]" => any_bits(20),
        "ANY 192-bits of Authentication [No Checking]" => any_bits(24),
        "ANY 256-bits of Authentication [No Checking]" => any_bits(32),
        _ => return None,
    })
}

/// Linux crypto API names in `ip xfrm state` `enc` lines (net/xfrm/xfrm_algo.c `ealg_list`).
pub(crate) fn xfrm_enc(name: &str) -> Result<EncAlg, &'static str> {
    Ok(match name {
        "cbc(aes)" => EncAlg::AesCbc,
        "cbc(des3_ede)" => EncAlg::TripleDesCbc,
        "cbc(des)" => EncAlg::DesCbc,
        "rfc3686(ctr(aes))" => EncAlg::AesCtr,
        "ecb(cipher_null)" | "cipher_null" => EncAlg::Null,
        "cbc(cast5)" => return Err("CAST5-CBC"),
        "cbc(blowfish)" => return Err("BLOWFISH-CBC"),
        "cbc(serpent)" => return Err("SERPENT-CBC"),
        "cbc(twofish)" => return Err("TWOFISH-CBC"),
        "cbc(camellia)" => return Err("CAMELLIA-CBC"),
        "cbc(sm4)" => return Err("SM4-CBC"),
        _ => return Err(""),
    })
}

/// `aead` lines (xfrm_algo.c `aead_list`) with the ICV length in bits.
pub(crate) fn xfrm_aead(name: &str, icv_bits: u32) -> Result<EncAlg, String> {
    match name {
        "rfc4106(gcm(aes))" => match icv_bits {
            64 | 96 | 128 => Ok(EncAlg::AesGcm {
                icv_len: (icv_bits / 8) as u8,
            }),
            _ => Err(format!(
                "expected an ICV length of 64, 96 or 128 bits for rfc4106(gcm(aes)), found {icv_bits}"
            )),
        },
        "rfc4309(ccm(aes))" => Err("AES-CCM is not supported by ikescope".into()),
        "rfc4543(gcm(aes))" => Err("AES-GMAC (RFC 4543) is not supported by ikescope".into()),
        "rfc7539esp(chacha20,poly1305)" => {
            Err("ChaCha20-Poly1305 is not supported by ikescope".into())
        }
        _ => Err(format!("unknown AEAD algorithm {name:?}")),
    }
}

/// `auth`/`auth-trunc` lines (xfrm_algo.c `aalg_list`). `trunc_bits` is the `auth-trunc`
/// length, or `None` for a plain `auth` line, where the kernel uses each algorithm's default
/// ICV length (96 bits for hmac(sha256): the pre-RFC 4868 truncation).
pub(crate) fn xfrm_auth(name: &str, trunc_bits: Option<u32>) -> Result<Integ, String> {
    let (alg, default_bits) = match name {
        "digest_null" => return Ok(Integ::Alg(IntegAlg::None)),
        "hmac(md5)" => (Some(IntegAlg::HmacMd5_96), 96),
        "hmac(sha1)" => (Some(IntegAlg::HmacSha1_96), 96),
        "hmac(sha256)" => (Some(IntegAlg::HmacSha256_128), 96),
        "hmac(sha384)" => (Some(IntegAlg::HmacSha384_192), 192),
        "hmac(sha512)" => (Some(IntegAlg::HmacSha512_256), 256),
        "xcbc(aes)" => (Some(IntegAlg::AesXcbc96), 96),
        "hmac(rmd160)" => (None, 96),
        "cmac(aes)" => (None, 96),
        _ => return Err(format!("unknown authentication algorithm {name:?}")),
    };
    let bits = trunc_bits.unwrap_or(default_bits);
    if bits == 0 || !bits.is_multiple_of(8) || bits > 512 {
        return Err(format!(
            "expected a truncation length in whole bytes, found {bits} bits"
        ));
    }
    let icv_len = (bits / 8) as u8;
    match alg {
        Some(a) if a.icv_len() == usize::from(icv_len) => Ok(Integ::Alg(a)),
        // hmac(sha1) truncated to 160 bits: the untruncated form.
        Some(IntegAlg::HmacSha1_96) if icv_len == 20 => Ok(Integ::Alg(IntegAlg::HmacSha1_160)),
        _ => Ok(Integ::Unchecked {
            icv_len,
            what: match name {
                "hmac(sha256)" if icv_len == 12 => "hmac(sha256) truncated to 96 bits",
                "hmac(rmd160)" => "hmac(rmd160)",
                "cmac(aes)" => "cmac(aes)",
                _ => "a non-standard truncation",
            },
        }),
    }
}

/// strongSwan's transform names as charon logs them (`selected proposal: ESP:AES_CBC_128/…`,
/// `using AES_GCM_16 for encryption`): (algorithm, key bits when the name carries them).
pub(crate) fn strongswan_enc(name: &str) -> Option<(EncAlg, Option<u16>)> {
    let (base, bits) = match name.rsplit_once('_') {
        Some((b, n)) if n.len() == 3 && n.parse::<u16>().is_ok() => (b, n.parse::<u16>().ok()),
        _ => (name, None),
    };
    let alg = match base {
        "AES_CBC" => EncAlg::AesCbc,
        "3DES_CBC" => EncAlg::TripleDesCbc,
        "DES_CBC" => EncAlg::DesCbc,
        "AES_CTR" => EncAlg::AesCtr,
        "NULL" => EncAlg::Null,
        "AES_GCM_8" => EncAlg::AesGcm { icv_len: 8 },
        "AES_GCM_12" => EncAlg::AesGcm { icv_len: 12 },
        "AES_GCM_16" => EncAlg::AesGcm { icv_len: 16 },
        _ => return None,
    };
    Some((alg, bits))
}

/// strongSwan integrity transform names (`HMAC_SHA2_256_128`, …).
pub(crate) fn strongswan_integ(name: &str) -> Option<Integ> {
    Some(match name {
        "HMAC_MD5_96" => Integ::Alg(IntegAlg::HmacMd5_96),
        "HMAC_SHA1_96" => Integ::Alg(IntegAlg::HmacSha1_96),
        "HMAC_SHA1_160" => Integ::Alg(IntegAlg::HmacSha1_160),
        "HMAC_SHA2_256_128" => Integ::Alg(IntegAlg::HmacSha256_128),
        "HMAC_SHA2_384_192" => Integ::Alg(IntegAlg::HmacSha384_192),
        "HMAC_SHA2_512_256" => Integ::Alg(IntegAlg::HmacSha512_256),
        "AES_XCBC_96" => Integ::Alg(IntegAlg::AesXcbc96),
        "HMAC_SHA2_256_96" => Integ::Unchecked {
            icv_len: 12,
            what: "HMAC_SHA2_256_96",
        },
        "HMAC_MD5_128" => Integ::Unchecked {
            icv_len: 16,
            what: "HMAC_MD5_128",
        },
        _ => return None,
    })
}

/// The encryption names ikescope's TOML accepts: strongSwan proposal keywords (`aes128`,
/// `aes256gcm16`, `3des`, …) and ikescope's own names (`AES-CBC`, `AES-GCM-128`, …),
/// case-insensitive. Returns (algorithm, key bits if the name fixes them).
pub(crate) fn keyword_enc(name: &str) -> Option<(EncAlg, Option<u16>)> {
    let n = name.trim().to_ascii_lowercase().replace(['_', '-'], "");
    let gcm = |icv| EncAlg::AesGcm { icv_len: icv };
    let simple = match n.as_str() {
        "null" => Some((EncAlg::Null, None)),
        "des" | "descbc" => Some((EncAlg::DesCbc, Some(64))),
        "3des" | "3descbc" | "tripledes" | "tripledescbc" | "des3ede" => {
            Some((EncAlg::TripleDesCbc, Some(192)))
        }
        "aes" | "aescbc" => Some((EncAlg::AesCbc, None)),
        "aesctr" => Some((EncAlg::AesCtr, None)),
        "aesgcm" | "aesgcm16" | "aesgcm128" => Some((gcm(16), None)),
        "aesgcm8" | "aesgcm64" => Some((gcm(8), None)),
        "aesgcm12" | "aesgcm96" => Some((gcm(12), None)),
        _ => None,
    };
    if simple.is_some() {
        return simple;
    }
    // aes128, aes256ctr, aes128gcm16, aes256gcm128 …
    let rest = n.strip_prefix("aes")?;
    let (bits, mode) = rest.split_at_checked(3)?;
    let bits: u16 = bits.parse().ok().filter(|b| matches!(b, 128 | 192 | 256))?;
    let alg = match mode {
        "" | "cbc" => EncAlg::AesCbc,
        "ctr" => EncAlg::AesCtr,
        "gcm" | "gcm16" | "gcm128" => gcm(16),
        "gcm8" | "gcm64" => gcm(8),
        "gcm12" | "gcm96" => gcm(12),
        _ => return None,
    };
    Some((alg, Some(bits)))
}

/// The integrity names ikescope's TOML accepts: strongSwan keywords (`sha1`, `sha256`, `md5`,
/// `aesxcbc`, `sha1_160`, `none`) and ikescope's names (`HMAC-SHA1-96`, …).
pub(crate) fn keyword_integ(name: &str) -> Option<IntegAlg> {
    let n = name.trim().to_ascii_lowercase().replace(['_', '-'], "");
    Some(match n.as_str() {
        "none" | "null" => IntegAlg::None,
        "md5" | "hmacmd5" | "hmacmd596" => IntegAlg::HmacMd5_96,
        "sha1" | "sha" | "hmacsha1" | "hmacsha196" => IntegAlg::HmacSha1_96,
        "sha1160" | "hmacsha1160" => IntegAlg::HmacSha1_160,
        "sha256" | "sha2256" | "hmacsha256128" | "hmacsha2256128" => IntegAlg::HmacSha256_128,
        "sha384" | "sha2384" | "hmacsha384192" | "hmacsha2384192" => IntegAlg::HmacSha384_192,
        "sha512" | "sha2512" | "hmacsha512256" | "hmacsha2512256" => IntegAlg::HmacSha512_256,
        "aesxcbc" | "aesxcbc96" | "xcbc" => IntegAlg::AesXcbc96,
        _ => return None,
    })
}

/// Wireshark's `esp_sa` name for a cipher (the reverse of [`wireshark_esp_enc`]), for
/// `ikescope keys --wireshark`.
pub fn wireshark_esp_enc_name(enc: EncAlg) -> Option<&'static str> {
    Some(match enc {
        EncAlg::Null => "NULL",
        EncAlg::TripleDesCbc => "TripleDES-CBC [RFC2451]",
        EncAlg::AesCbc => "AES-CBC [RFC3602]",
        EncAlg::AesCtr => "AES-CTR [RFC3686]",
        EncAlg::DesCbc => "DES-CBC [RFC2405]",
        EncAlg::AesGcm { icv_len: 8 } => "AES-GCM with 8 octet ICV [RFC4106]",
        EncAlg::AesGcm { icv_len: 12 } => "AES-GCM with 12 octet ICV [RFC4106]",
        EncAlg::AesGcm { icv_len: 16 } => "AES-GCM with 16 octet ICV [RFC4106]",
        EncAlg::AesGcm { .. } => return None,
    })
}

/// Wireshark's `esp_sa` name for an integrity algorithm (the reverse of
/// [`wireshark_esp_auth`]).
pub fn wireshark_esp_auth_name(integ: IntegAlg) -> &'static str {
    match integ {
        IntegAlg::None => "NULL",
        IntegAlg::HmacSha1_96 => "HMAC-SHA-1-96 [RFC2404]",
        IntegAlg::HmacMd5_96 => "HMAC-MD5-96 [RFC2403]",
        IntegAlg::HmacSha256_128 => "HMAC-SHA-256-128 [RFC4868]",
        IntegAlg::HmacSha384_192 => "HMAC-SHA-384-192 [RFC4868]",
        IntegAlg::HmacSha512_256 => "HMAC-SHA-512-256 [RFC4868]",
        // Wireshark has no AES-XCBC or untruncated SHA1 ESP entry: skip the check there.
        IntegAlg::AesXcbc96 => "ANY 96 bit authentication [no checking]",
        IntegAlg::HmacSha1_160 => "ANY 160 bit authentication [no checking]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lengths() {
        assert_eq!(check_enc_key(EncAlg::AesCbc, 16), Ok(128));
        assert_eq!(check_enc_key(EncAlg::AesGcm { icv_len: 16 }, 20), Ok(128));
        assert_eq!(check_enc_key(EncAlg::TripleDesCbc, 24), Ok(192));
        assert_eq!(
            check_enc_key(EncAlg::AesGcm { icv_len: 16 }, 32).unwrap_err(),
            "expected a 20 or 28 or 36-byte key for AES-GCM-128 (key + 4-byte salt), found 32 bytes"
        );
    }

    #[test]
    fn keywords() {
        assert_eq!(keyword_enc("aes128"), Some((EncAlg::AesCbc, Some(128))));
        assert_eq!(
            keyword_enc("aes256gcm16"),
            Some((EncAlg::AesGcm { icv_len: 16 }, Some(256)))
        );
        assert_eq!(keyword_enc("AES-CTR"), Some((EncAlg::AesCtr, None)));
        assert_eq!(keyword_enc("3des"), Some((EncAlg::TripleDesCbc, Some(192))));
        assert_eq!(keyword_enc("aes100"), None);
        assert_eq!(keyword_integ("sha256"), Some(IntegAlg::HmacSha256_128));
        assert_eq!(keyword_integ("HMAC-SHA1-96"), Some(IntegAlg::HmacSha1_96));
        assert_eq!(keyword_integ("sha1_160"), Some(IntegAlg::HmacSha1_160));
    }

    #[test]
    fn strongswan_names() {
        assert_eq!(
            strongswan_enc("AES_CBC_128"),
            Some((EncAlg::AesCbc, Some(128)))
        );
        assert_eq!(
            strongswan_enc("AES_GCM_16"),
            Some((EncAlg::AesGcm { icv_len: 16 }, None))
        );
        assert_eq!(
            strongswan_enc("AES_GCM_16_256"),
            Some((EncAlg::AesGcm { icv_len: 16 }, Some(256)))
        );
        assert_eq!(
            strongswan_enc("3DES_CBC"),
            Some((EncAlg::TripleDesCbc, None))
        );
        assert_eq!(
            strongswan_integ("HMAC_SHA2_256_128"),
            Some(Integ::Alg(IntegAlg::HmacSha256_128))
        );
    }

    #[test]
    fn xfrm_names() {
        assert_eq!(
            xfrm_auth("hmac(sha1)", Some(96)),
            Ok(Integ::Alg(IntegAlg::HmacSha1_96))
        );
        assert_eq!(
            xfrm_auth("hmac(sha256)", Some(128)),
            Ok(Integ::Alg(IntegAlg::HmacSha256_128))
        );
        assert!(matches!(
            xfrm_auth("hmac(sha256)", None),
            Ok(Integ::Unchecked { icv_len: 12, .. })
        ));
        assert_eq!(
            xfrm_aead("rfc4106(gcm(aes))", 128),
            Ok(EncAlg::AesGcm { icv_len: 16 })
        );
    }
}
