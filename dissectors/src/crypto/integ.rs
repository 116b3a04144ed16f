//! Integrity (ICV) algorithms with their key state precomputed once per SA: for HMAC the inner
//! and outer hash states after absorbing K XOR ipad / K XOR opad (RFC 2104 §4 notes this
//! optimisation), cloned per packet; for AES-XCBC the three derived keys of RFC 3566.

use hmac::{Hmac, KeyInit, Mac};

use super::xcbc::Xcbc;
use super::{CryptoError, IntegAlg, ct_eq};

/// A keyed integrity algorithm, ready to verify many messages.
pub(crate) enum IntegKey {
    /// No separate ICV (NULL authentication, or a combined-mode cipher).
    None,
    Md5(Hmac<md5::Md5>),
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha384(Hmac<sha2::Sha384>),
    Sha512(Hmac<sha2::Sha512>),
    Xcbc(Box<Xcbc>),
}

fn hmac<M: Mac + KeyInit>(alg: IntegAlg, key: &[u8]) -> Result<M, CryptoError> {
    // RFC 2403/2404/4868 fix the key length at the hash's output length (RFC 4868 §2.1.1:
    // "the key length is equal to the output length"); a different length means the caller
    // picked the wrong algorithm or sliced the key wrongly, so it is refused rather than
    // silently HMAC'd.
    let expected = match alg {
        IntegAlg::HmacMd5_96 => "16",
        IntegAlg::HmacSha1_96 | IntegAlg::HmacSha1_160 => "20",
        IntegAlg::HmacSha256_128 => "32",
        IntegAlg::HmacSha384_192 => "48",
        _ => "64",
    };
    if key.len() != alg.key_len() {
        return Err(CryptoError::BadKeyLength {
            alg: alg.name(),
            got: key.len(),
            expected,
        });
    }
    <M as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::BadKeyLength {
        alg: alg.name(),
        got: key.len(),
        expected,
    })
}

fn verify_parts<M: Mac + Clone>(mac: &M, parts: &[&[u8]], icv: &[u8]) -> bool {
    let mut m = mac.clone();
    for p in parts {
        m.update(p);
    }
    // Constant time over the leftmost icv.len() bytes (RFC 2404 §2: truncation keeps the
    // leftmost bits). An empty ICV never verifies.
    m.verify_truncated_left(icv).is_ok()
}

fn full_parts<M: Mac + Clone>(mac: &M, parts: &[&[u8]]) -> super::Digest {
    let mut m = mac.clone();
    for p in parts {
        m.update(p);
    }
    super::Digest::from_slice(&m.finalize().into_bytes())
}

impl IntegKey {
    pub(crate) fn new(alg: IntegAlg, key: &[u8]) -> Result<Self, CryptoError> {
        Ok(match alg {
            IntegAlg::None => IntegKey::None,
            IntegAlg::HmacMd5_96 => IntegKey::Md5(hmac(alg, key)?),
            IntegAlg::HmacSha1_96 | IntegAlg::HmacSha1_160 => IntegKey::Sha1(hmac(alg, key)?),
            IntegAlg::HmacSha256_128 => IntegKey::Sha256(hmac(alg, key)?),
            IntegAlg::HmacSha384_192 => IntegKey::Sha384(hmac(alg, key)?),
            IntegAlg::HmacSha512_256 => IntegKey::Sha512(hmac(alg, key)?),
            IntegAlg::AesXcbc96 => IntegKey::Xcbc(Box::new(Xcbc::new(key)?)),
        })
    }

    pub(crate) fn is_none(&self) -> bool {
        matches!(self, IntegKey::None)
    }

    /// The untruncated MAC over the concatenation of `parts` (empty for `None`).
    pub(crate) fn compute(&self, parts: &[&[u8]]) -> super::Digest {
        match self {
            IntegKey::None => super::Digest::from_slice(&[]),
            IntegKey::Md5(m) => full_parts(m, parts),
            IntegKey::Sha1(m) => full_parts(m, parts),
            IntegKey::Sha256(m) => full_parts(m, parts),
            IntegKey::Sha384(m) => full_parts(m, parts),
            IntegKey::Sha512(m) => full_parts(m, parts),
            IntegKey::Xcbc(x) => super::Digest::from_slice(&x.mac(parts)),
        }
    }

    /// Whether `icv` equals the leftmost `icv.len()` bytes of the MAC over `parts`, compared
    /// in constant time. Always false for `None` and for an empty `icv`.
    pub(crate) fn verify(&self, parts: &[&[u8]], icv: &[u8]) -> bool {
        match self {
            IntegKey::None => false,
            IntegKey::Md5(m) => verify_parts(m, parts, icv),
            IntegKey::Sha1(m) => verify_parts(m, parts, icv),
            IntegKey::Sha256(m) => verify_parts(m, parts, icv),
            IntegKey::Sha384(m) => verify_parts(m, parts, icv),
            IntegKey::Sha512(m) => verify_parts(m, parts, icv),
            IntegKey::Xcbc(x) => {
                let full = x.mac(parts);
                !icv.is_empty() && full.get(..icv.len()).is_some_and(|f| ct_eq(f, icv))
            }
        }
    }
}

/// An ICV of `alg` over `data`, truncated to the algorithm's ICV length (RFC 2404 §2, RFC
/// 4868 §2.1.1, RFC 3566 §3). For tests and for callers that want the value itself, e.g. to
/// show the expected ICV next to the received one.
pub fn icv(alg: IntegAlg, key: &[u8], data: &[&[u8]]) -> Result<super::Digest, CryptoError> {
    let full = IntegKey::new(alg, key)?.compute(data);
    Ok(super::Digest::from_slice(
        full.get(..alg.icv_len()).unwrap_or(&[]),
    ))
}
