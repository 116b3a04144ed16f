//! The IKEv1 pseudo-random function and hash (RFC 2409 §4): "the HMAC version of the negotiated
//! hash algorithm" is the prf, the plain negotiated hash is `hash`. IKEv2's PRF_HMAC_* (RFC 7296
//! §3.3.2) are the same functions.
//!
//! Both take the data as a list of slices, so the RFC's concatenations (`Ni_b | Nr_b`) are
//! written as `&[ni_b, nr_b]` without building a buffer.

use std::fmt;

use hmac::digest::Digest as HashDigest;
use hmac::{Hmac, KeyInit, Mac};

use super::HashAlg;

/// The output of a hash or prf: up to 64 bytes (SHA-512) kept inline, no heap. Derefs to the
/// bytes actually produced (`len` of them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    bytes: [u8; 64],
    len: usize,
}

impl Digest {
    /// A digest holding `bytes` (truncated to 64 bytes).
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut d = Digest {
            bytes: [0; 64],
            len: bytes.len().min(64),
        };
        if let (Some(dst), Some(src)) = (d.bytes.get_mut(..d.len), bytes.get(..d.len)) {
            dst.copy_from_slice(src);
        }
        d
    }

    /// The produced bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes as a vector (for key material that outlives the digest).
    pub fn to_vec(&self) -> Vec<u8> {
        self.as_slice().to_vec()
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::ops::Deref for Digest {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

/// Hex, so that test failures and `--show-keys` paths print something readable. Digests are
/// key material: callers that must not print secrets must not print this.
impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest(")?;
        for b in self.as_slice() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

fn hmac_parts<M: Mac + KeyInit>(key: &[u8], data: &[&[u8]]) -> Digest {
    // HMAC accepts keys of every length (RFC 2104 §2: longer keys are hashed first), so
    // `new_from_slice` cannot fail; the fallback is unreachable but keeps the crate panic-free.
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return Digest::from_slice(&[]);
    };
    for part in data {
        mac.update(part);
    }
    Digest::from_slice(&mac.finalize().into_bytes())
}

fn hash_parts<D: HashDigest>(data: &[&[u8]]) -> Digest {
    let mut h = D::new();
    for part in data {
        h.update(part);
    }
    Digest::from_slice(&h.finalize())
}

/// `prf(key, data)` of RFC 2409 §4: HMAC (RFC 2104) with the negotiated hash, over the
/// concatenation of `data`.
pub fn prf(alg: HashAlg, key: &[u8], data: &[&[u8]]) -> Digest {
    match alg {
        HashAlg::Md5 => hmac_parts::<Hmac<md5::Md5>>(key, data),
        HashAlg::Sha1 => hmac_parts::<Hmac<sha1::Sha1>>(key, data),
        HashAlg::Sha256 => hmac_parts::<Hmac<sha2::Sha256>>(key, data),
        HashAlg::Sha384 => hmac_parts::<Hmac<sha2::Sha384>>(key, data),
        HashAlg::Sha512 => hmac_parts::<Hmac<sha2::Sha512>>(key, data),
    }
}

/// `hash(data)` of RFC 2409: the negotiated hash itself, over the concatenation of `data`.
pub fn hash(alg: HashAlg, data: &[&[u8]]) -> Digest {
    match alg {
        HashAlg::Md5 => hash_parts::<md5::Md5>(data),
        HashAlg::Sha1 => hash_parts::<sha1::Sha1>(data),
        HashAlg::Sha256 => hash_parts::<sha2::Sha256>(data),
        HashAlg::Sha384 => hash_parts::<sha2::Sha384>(data),
        HashAlg::Sha512 => hash_parts::<sha2::Sha512>(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_concatenated() {
        let whole = prf(HashAlg::Sha256, b"k", &[b"abcdef"]);
        let split = prf(HashAlg::Sha256, b"k", &[b"ab", b"", b"cdef"]);
        assert_eq!(whole, split);
        assert_eq!(whole.len(), 32);
        assert_eq!(
            hash(HashAlg::Md5, &[b"a", b"bc"]).to_vec(),
            hash(HashAlg::Md5, &[b"abc"]).to_vec()
        );
    }

    #[test]
    fn digest_from_long_slice_truncates() {
        let d = Digest::from_slice(&[7u8; 80]);
        assert_eq!(d.len(), 64);
    }
}
