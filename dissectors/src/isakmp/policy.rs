//! Plain summaries of what a transform offers, in the words of `show crypto isakmp policy`
//! and `show crypto ipsec sa`, and the algorithm names the crypto code needs.

use std::fmt;

use super::attributes::{
    AuthAlgorithm, AuthMethod, DhGroup, EncapsulationMode, IkeAttribute, IkeEncryption, IkeHash,
    IpsecAttribute, LifeType,
};
use super::names::ProtocolId;
use super::sa::{Transform, TransformId};
use crate::crypto::algs::{EncAlg, HashAlg, IntegAlg};
use crate::error::ParseError;

/// The phase-1 (ISAKMP SA) policy of one KEY_IKE transform (RFC 2409 Appendix A).
///
/// Missing attributes stay `None`: a transform without a Key Length for AES is reported as
/// such, not defaulted (RFC 3602 §5.3 makes the attribute mandatory for AES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Phase1Policy {
    pub encryption: Option<IkeEncryption>,
    /// Bits, from the Key Length attribute.
    pub key_length: Option<u16>,
    pub hash: Option<IkeHash>,
    pub auth_method: Option<AuthMethod>,
    pub group: Option<DhGroup>,
    /// From a Life Duration following Life Type = seconds.
    pub life_seconds: Option<u64>,
    /// From a Life Duration following Life Type = kilobytes.
    pub life_kilobytes: Option<u64>,
    /// The PRF attribute, if sent (none is defined; the HMAC of the hash is used, RFC 2409 §4).
    pub prf: Option<u16>,
}

impl Phase1Policy {
    /// Collects the attributes of `t`. A Life Duration counts for the Life Type before it;
    /// one with no Life Type before it is ignored. A later attribute of the same kind
    /// replaces an earlier one.
    pub fn from_transform(t: &Transform<'_>) -> Result<Phase1Policy, ParseError> {
        let mut p = Phase1Policy::default();
        let mut life_type = None;
        for a in t.ike_attributes() {
            match a? {
                IkeAttribute::EncryptionAlgorithm(v) => p.encryption = Some(v),
                IkeAttribute::KeyLength(v) => p.key_length = Some(v),
                IkeAttribute::HashAlgorithm(v) => p.hash = Some(v),
                IkeAttribute::AuthenticationMethod(v) => p.auth_method = Some(v),
                IkeAttribute::GroupDescription(v) => p.group = Some(v),
                IkeAttribute::Prf(v) => p.prf = Some(v),
                IkeAttribute::LifeType(v) => life_type = Some(v),
                IkeAttribute::LifeDuration(d) => match life_type {
                    Some(LifeType::SECONDS) => p.life_seconds = Some(d),
                    Some(LifeType::KILOBYTES) => p.life_kilobytes = Some(d),
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(p)
    }

    /// The hash whose HMAC is the IKE prf (RFC 2409 §4), as the crypto code names it. `None`
    /// for Tiger or an unknown value.
    pub fn hash_alg(&self) -> Option<HashAlg> {
        Some(match self.hash? {
            IkeHash::MD5 => HashAlg::Md5,
            IkeHash::SHA1 => HashAlg::Sha1,
            IkeHash::SHA2_256 => HashAlg::Sha256,
            IkeHash::SHA2_384 => HashAlg::Sha384,
            IkeHash::SHA2_512 => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// The phase-1 cipher and its key length in bytes: DES 8, 3DES 24, AES the Key Length
    /// attribute (128/192/256 bits). `None` for AES without a valid Key Length, and for ciphers
    /// the crypto code does not implement (IDEA, Blowfish, RC5, CAST, Camellia).
    pub fn cipher(&self) -> Option<(EncAlg, usize)> {
        match self.encryption? {
            IkeEncryption::DES_CBC => Some((EncAlg::DesCbc, 8)),
            IkeEncryption::TRIPLE_DES_CBC => Some((EncAlg::TripleDesCbc, 24)),
            IkeEncryption::AES_CBC => match self.key_length? {
                bits @ (128 | 192 | 256) => Some((EncAlg::AesCbc, usize::from(bits / 8))),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Phase1Policy {
    /// strongSwan-like: `AES-CBC-128/SHA1/PSK/MODP_2048/86400s` (`?` for a missing part;
    /// kilobytes appended as `/4608000KB`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.encryption {
            Some(e) => write!(f, "{e}")?,
            None => f.write_str("?")?,
        }
        if let Some(k) = self.key_length {
            write!(f, "-{k}")?;
        }
        f.write_str("/")?;
        opt(f, self.hash)?;
        f.write_str("/")?;
        opt(f, self.auth_method)?;
        f.write_str("/")?;
        opt(f, self.group)?;
        if let Some(s) = self.life_seconds {
            write!(f, "/{s}s")?;
        }
        if let Some(kb) = self.life_kilobytes {
            write!(f, "/{kb}KB")?;
        }
        Ok(())
    }
}

fn opt<T: fmt::Display>(f: &mut fmt::Formatter<'_>, v: Option<T>) -> fmt::Result {
    match v {
        Some(v) => write!(f, "{v}"),
        None => f.write_str("?"),
    }
}

/// The policy of one AH/ESP/IPCOMP transform in quick mode (RFC 2407 §4.4 and §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpsecPolicy {
    pub protocol: ProtocolId,
    pub transform_id: TransformId,
    /// Bits, from the Key Length attribute.
    pub key_length: Option<u16>,
    pub auth_algorithm: Option<AuthAlgorithm>,
    pub encapsulation_mode: Option<EncapsulationMode>,
    /// The PFS group (Group Description); `None` means no PFS.
    pub group: Option<DhGroup>,
    pub life_seconds: Option<u64>,
    pub life_kilobytes: Option<u64>,
    /// Extended (64-bit) Sequence Numbers requested (RFC 4304).
    pub esn: bool,
}

impl IpsecPolicy {
    /// Collects the IPsec DOI attributes of `t`; life durations as for
    /// [`Phase1Policy::from_transform`].
    pub fn from_transform(t: &Transform<'_>) -> Result<IpsecPolicy, ParseError> {
        let mut p = IpsecPolicy {
            protocol: t.transform_id.protocol,
            transform_id: t.transform_id,
            key_length: None,
            auth_algorithm: None,
            encapsulation_mode: None,
            group: None,
            life_seconds: None,
            life_kilobytes: None,
            esn: false,
        };
        let mut life_type = None;
        for a in t.ipsec_attributes() {
            match a? {
                IpsecAttribute::KeyLength(v) => p.key_length = Some(v),
                IpsecAttribute::AuthenticationAlgorithm(v) => p.auth_algorithm = Some(v),
                IpsecAttribute::EncapsulationMode(v) => p.encapsulation_mode = Some(v),
                IpsecAttribute::GroupDescription(v) => p.group = Some(v),
                IpsecAttribute::ExtendedSequenceNumber(v) => p.esn = v == 1,
                IpsecAttribute::SaLifeType(v) => life_type = Some(v),
                IpsecAttribute::SaLifeDuration(d) => match life_type {
                    Some(LifeType::SECONDS) => p.life_seconds = Some(d),
                    Some(LifeType::KILOBYTES) => p.life_kilobytes = Some(d),
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(p)
    }

    /// ESP's cipher, the length of its KEYMAT in bytes, and its integrity algorithm.
    ///
    /// The byte count is what RFC 2409 §5.5 KEYMAT must supply for the cipher:
    /// - ESP_NULL 0, ESP_DES 8, ESP_3DES 24, ESP_AES (CBC, RFC 3602) key length / 8;
    /// - ESP_AES-CTR (RFC 3686 §5.1): key length / 8 **+ 4** bytes of nonce;
    /// - ESP_AES-GCM_8/12/16 (RFC 4106 §8.1): key length / 8 **+ 4** bytes of salt.
    ///
    /// The integrity key follows the cipher key in KEYMAT (RFC 2409 §5.5; its length is
    /// [`IntegAlg::key_len`]). GCM has no separate integrity ([`IntegAlg::None`]); so has a
    /// transform without an Authentication Algorithm. HMAC-SHA2-256 is taken as the RFC 4868
    /// 128-bit truncation (not the pre-standard 96-bit one some old Linux peers used).
    ///
    /// `None` when this is not ESP, when AES/AES-CTR/AES-GCM has no valid Key Length (mandatory
    /// per RFC 3602 §5.3, RFC 3686 §5.2, RFC 4106 §8.4), or for algorithms the crypto code does
    /// not implement (CCM, Blowfish, CAST, Camellia, DES-MAC, KPDK, GMAC …).
    pub fn esp_algs(&self) -> Option<(EncAlg, usize, IntegAlg)> {
        if self.protocol != ProtocolId::IPSEC_ESP {
            return None;
        }
        let aes_bytes = || match self.key_length {
            Some(bits @ (128 | 192 | 256)) => Some(usize::from(bits / 8)),
            _ => None,
        };
        let (enc, key_bytes) = match self.transform_id {
            TransformId::ESP_NULL => (EncAlg::Null, 0),
            TransformId::ESP_DES => (EncAlg::DesCbc, 8),
            TransformId::ESP_3DES => (EncAlg::TripleDesCbc, 24),
            TransformId::ESP_AES => (EncAlg::AesCbc, aes_bytes()?),
            TransformId::ESP_AES_CTR => (EncAlg::AesCtr, aes_bytes()?.checked_add(4)?),
            TransformId::ESP_AES_GCM_8 => {
                (EncAlg::AesGcm { icv_len: 8 }, aes_bytes()?.checked_add(4)?)
            }
            TransformId::ESP_AES_GCM_12 => {
                (EncAlg::AesGcm { icv_len: 12 }, aes_bytes()?.checked_add(4)?)
            }
            TransformId::ESP_AES_GCM_16 => {
                (EncAlg::AesGcm { icv_len: 16 }, aes_bytes()?.checked_add(4)?)
            }
            _ => return None,
        };
        let integ = match self.auth_algorithm {
            None => IntegAlg::None,
            Some(a) => integ_from_auth(a)?,
        };
        Some((enc, key_bytes, integ))
    }

    /// AH's integrity algorithm: from the Authentication Algorithm attribute (mandatory for AH,
    /// RFC 2407 §4.5), else from the transform ID. `None` when this is not AH or the algorithm
    /// is not implemented.
    pub fn ah_integ(&self) -> Option<IntegAlg> {
        if self.protocol != ProtocolId::IPSEC_AH {
            return None;
        }
        if let Some(a) = self.auth_algorithm {
            return integ_from_auth(a);
        }
        Some(match self.transform_id {
            TransformId::AH_MD5 => IntegAlg::HmacMd5_96,
            TransformId::AH_SHA => IntegAlg::HmacSha1_96,
            TransformId::AH_SHA2_256 => IntegAlg::HmacSha256_128,
            TransformId::AH_SHA2_384 => IntegAlg::HmacSha384_192,
            TransformId::AH_SHA2_512 => IntegAlg::HmacSha512_256,
            TransformId::AH_AES_XCBC_MAC => IntegAlg::AesXcbc96,
            _ => return None,
        })
    }

    /// Cisco's transform-set words for the cipher part: `esp-aes 128`, `esp-3des`,
    /// `esp-gcm 256`, `ah-sha-hmac`, …
    fn cisco_transform(&self) -> String {
        let bits = self.key_length.map(|k| format!(" {k}")).unwrap_or_default();
        match self.transform_id {
            TransformId::ESP_NULL => "esp-null".into(),
            TransformId::ESP_DES => "esp-des".into(),
            TransformId::ESP_3DES => "esp-3des".into(),
            TransformId::ESP_AES => format!("esp-aes{bits}"),
            TransformId::ESP_AES_CTR => format!("esp-aes-ctr{bits}"),
            TransformId::ESP_AES_GCM_8
            | TransformId::ESP_AES_GCM_12
            | TransformId::ESP_AES_GCM_16 => {
                format!("esp-gcm{bits}")
            }
            TransformId::ESP_NULL_AUTH_AES_GMAC => format!("esp-gmac{bits}"),
            TransformId::ESP_SEED_CBC => "esp-seal".into(),
            TransformId::AH_MD5 => "ah-md5-hmac".into(),
            TransformId::AH_SHA => "ah-sha-hmac".into(),
            TransformId::AH_SHA2_256 => "ah-sha256-hmac".into(),
            TransformId::AH_SHA2_384 => "ah-sha384-hmac".into(),
            TransformId::AH_SHA2_512 => "ah-sha512-hmac".into(),
            TransformId::IPCOMP_LZS => "comp-lzs".into(),
            other => format!("{other}{bits}"),
        }
    }
}

fn integ_from_auth(a: AuthAlgorithm) -> Option<IntegAlg> {
    Some(match a {
        AuthAlgorithm::HMAC_MD5 => IntegAlg::HmacMd5_96,
        AuthAlgorithm::HMAC_SHA => IntegAlg::HmacSha1_96,
        AuthAlgorithm::HMAC_SHA2_256 => IntegAlg::HmacSha256_128,
        AuthAlgorithm::HMAC_SHA2_384 => IntegAlg::HmacSha384_192,
        AuthAlgorithm::HMAC_SHA2_512 => IntegAlg::HmacSha512_256,
        AuthAlgorithm::AES_XCBC_MAC => IntegAlg::AesXcbc96,
        _ => return None,
    })
}

impl fmt::Display for IpsecPolicy {
    /// Cisco transform-set style: `esp-aes 128 esp-sha-hmac tunnel`,
    /// `esp-3des esp-md5-hmac transport`, `esp-gcm 128 tunnel`. AH transforms show only their
    /// `ah-…-hmac` word. PFS, lifetimes and ESN are fields, not part of this line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cisco_transform())?;
        if self.protocol == ProtocolId::IPSEC_ESP
            && let Some(a) = self.auth_algorithm
        {
            let word = match a {
                AuthAlgorithm::HMAC_MD5 => "esp-md5-hmac".to_string(),
                AuthAlgorithm::HMAC_SHA => "esp-sha-hmac".to_string(),
                AuthAlgorithm::HMAC_SHA2_256 => "esp-sha256-hmac".to_string(),
                AuthAlgorithm::HMAC_SHA2_384 => "esp-sha384-hmac".to_string(),
                AuthAlgorithm::HMAC_SHA2_512 => "esp-sha512-hmac".to_string(),
                AuthAlgorithm::AES_XCBC_MAC => "esp-aes-xcbc-mac".to_string(),
                other => format!("esp-{other}"),
            };
            write!(f, " {word}")?;
        }
        if let Some(m) = self.encapsulation_mode {
            if m.is_tunnel() {
                f.write_str(" tunnel")?;
            } else if m.is_transport() {
                f.write_str(" transport")?;
            } else {
                write!(f, " {m}")?;
            }
            if m.is_udp_encapsulated() {
                f.write_str(" (udp-encaps)")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isakmp::sa::SaPayload;

    fn first_transform(sa_hex: &str, f: impl FnOnce(&Transform<'_>)) {
        let b = hex::decode(sa_hex).unwrap();
        let sa = SaPayload::parse(&b, 0).unwrap();
        let p = sa.proposals().next().unwrap().unwrap();
        let t = p.transforms().next().unwrap().unwrap();
        f(&t);
    }

    /// The SA payload body of QM1 from captures/lab/mm-psk-aes128-sha1-g14 truth.json
    /// (decrypted plaintext sent by left): ESP spi c5039682, ESP_AES 128, HMAC-SHA, tunnel,
    /// 3960 s (strongSwan's rekey time + 10 %).
    const QM1_SA: &str = "00000001000000010000002801030401c50396820000001c010c0000\
                          8006008080050002800400018001000180020f78";

    #[test]
    fn phase1_cipher_lengths() {
        let mut p = Phase1Policy {
            encryption: Some(IkeEncryption::AES_CBC),
            ..Default::default()
        };
        assert_eq!(p.cipher(), None, "AES without key length is not defaulted");
        p.key_length = Some(256);
        assert_eq!(p.cipher(), Some((EncAlg::AesCbc, 32)));
        p.key_length = Some(100);
        assert_eq!(p.cipher(), None);
        p.encryption = Some(IkeEncryption::TRIPLE_DES_CBC);
        p.key_length = None;
        assert_eq!(p.cipher(), Some((EncAlg::TripleDesCbc, 24)));
        p.encryption = Some(IkeEncryption::DES_CBC);
        assert_eq!(p.cipher(), Some((EncAlg::DesCbc, 8)));
        p.hash = Some(IkeHash::SHA2_256);
        assert_eq!(p.hash_alg(), Some(HashAlg::Sha256));
        p.hash = Some(IkeHash::TIGER);
        assert_eq!(p.hash_alg(), None);
        assert_eq!(Phase1Policy::default().to_string(), "?/?/?/?");
    }

    #[test]
    fn esp_policy_from_the_lab_quick_mode() {
        first_transform(QM1_SA, |t| {
            let p = t.ipsec_policy().unwrap();
            assert_eq!(p.protocol, ProtocolId::IPSEC_ESP);
            assert_eq!(p.transform_id, TransformId::ESP_AES);
            assert_eq!(p.key_length, Some(128));
            assert_eq!(p.auth_algorithm, Some(AuthAlgorithm::HMAC_SHA));
            assert_eq!(p.encapsulation_mode, Some(EncapsulationMode::TUNNEL));
            assert_eq!(p.life_seconds, Some(3960));
            assert_eq!(p.group, None);
            assert_eq!(p.to_string(), "esp-aes 128 esp-sha-hmac tunnel");
            assert_eq!(
                p.esp_algs(),
                Some((EncAlg::AesCbc, 16, IntegAlg::HmacSha1_96))
            );
            assert_eq!(p.ah_integ(), None);
        });
    }

    #[test]
    fn keymat_lengths_include_salt_for_ctr_and_gcm() {
        let mut p = IpsecPolicy {
            protocol: ProtocolId::IPSEC_ESP,
            transform_id: TransformId::ESP_AES_GCM_16,
            key_length: Some(128),
            auth_algorithm: None,
            encapsulation_mode: Some(EncapsulationMode::UDP_TUNNEL),
            group: Some(DhGroup::MODP_2048),
            life_seconds: None,
            life_kilobytes: None,
            esn: false,
        };
        assert_eq!(
            p.esp_algs(),
            Some((EncAlg::AesGcm { icv_len: 16 }, 20, IntegAlg::None))
        );
        assert_eq!(p.to_string(), "esp-gcm 128 tunnel (udp-encaps)");
        p.transform_id = TransformId::ESP_AES_CTR;
        p.key_length = Some(256);
        p.auth_algorithm = Some(AuthAlgorithm::HMAC_SHA2_256);
        assert_eq!(
            p.esp_algs(),
            Some((EncAlg::AesCtr, 36, IntegAlg::HmacSha256_128))
        );
        p.key_length = None;
        assert_eq!(p.esp_algs(), None);
        p.transform_id = TransformId::ESP_3DES;
        p.auth_algorithm = Some(AuthAlgorithm::HMAC_MD5);
        p.encapsulation_mode = Some(EncapsulationMode::TRANSPORT);
        assert_eq!(
            p.esp_algs(),
            Some((EncAlg::TripleDesCbc, 24, IntegAlg::HmacMd5_96))
        );
        assert_eq!(p.to_string(), "esp-3des esp-md5-hmac transport");
        p.transform_id = TransformId::ESP_AES_CCM_16;
        assert_eq!(p.esp_algs(), None);
        let ah = IpsecPolicy {
            protocol: ProtocolId::IPSEC_AH,
            transform_id: TransformId::AH_SHA2_256,
            auth_algorithm: None,
            ..p
        };
        assert_eq!(ah.ah_integ(), Some(IntegAlg::HmacSha256_128));
        assert_eq!(ah.esp_algs(), None);
        assert_eq!(ah.to_string(), "ah-sha256-hmac transport");
    }
}
