//! IKE and ESP cryptography: the IKEv1 key chain of RFC 2409, IKEv2 SK payload decryption
//! (RFC 7296 §3.14, RFC 5282), and ESP decryption with ICV checks (RFC 4303 and the transform
//! RFCs). Pure functions over byte slices; RustCrypto does the primitives.
//!
//! - [`prf`](mod@prf): the IKEv1 prf (HMAC of the negotiated hash) and the plain hash, into a fixed-size
//!   [`Digest`] that never touches the heap.
//! - [`ikev1`]: SKEYID for every authentication method, SKEYID_d/a/e, the phase-1 cipher key
//!   (Appendix B expansion), the phase-1 and phase-2 IVs, HASH_I/HASH_R, the quick-mode and
//!   informational HASHes, KEYMAT, and CBC decryption of encrypted ISAKMP bodies.
//! - [`modp`]: the MODP Diffie-Hellman groups 1, 2, 5, 14–18 (g^xy from a private value).
//! - [`esp`]: [`EspDecryptor`], built once per SA, decrypting and verifying packets without
//!   allocating.
//! - [`ikev2`]: SK/SKF payload decryption and integrity check, and the SKEYSEED/prf+ chain.
//!
//! **Promise:** like the rest of the crate, nothing here panics on any input. Wrong key lengths,
//! truncated inputs and misaligned ciphertexts come back as [`CryptoError`] / [`EspError`].
//!
//! All inputs are byte slices, not the parsers' types, so this module stands alone: the caller
//! slices payload bodies out of its parsed messages (see [`ikev1`] for what "`_b`" means).

pub mod algs;
pub mod esp;
pub mod ikev1;
pub mod ikev2;
pub mod modp;
pub mod prf;

mod ciphers;
mod des_sp;
mod integ;
mod xcbc;

pub use algs::{EncAlg, HashAlg, IntegAlg};
pub use ciphers::{aes_ctr, aes_gcm_open};
pub use esp::{EspDecryptor, EspError, EspPlaintext, EspSaKeys, IcvStatus};
pub use ikev2::SkPlaintext;
pub use integ::icv;
pub use prf::{Digest, hash, prf};

use std::fmt;

/// Why a cryptographic operation could not be carried out. (A wrong ICV or HASH is not an
/// error: it is a result, reported beside the plaintext.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// A key does not have a length the algorithm accepts.
    BadKeyLength {
        alg: &'static str,
        got: usize,
        /// Accepted lengths, in words ("16, 24 or 32").
        expected: &'static str,
    },
    /// An IV does not have the algorithm's IV length.
    BadIvLength {
        alg: &'static str,
        got: usize,
        expected: usize,
    },
    /// A CBC ciphertext is not a whole number of blocks (RFC 2409 Appendix B, RFC 4303 §2.4,
    /// RFC 7296 §3.14 all require block-aligned ciphertext).
    NotBlockAligned { len: usize, block_size: usize },
    /// The input is shorter than the structure it must hold.
    Truncated {
        /// The element that did not fit, e.g. "SK payload IV".
        element: &'static str,
        needed: usize,
        available: usize,
    },
    /// The algorithm (or combination) is not usable in this place, e.g. AES-GCM for IKEv1
    /// phase 1, or a separate integrity algorithm with a combined-mode cipher.
    Unsupported(&'static str),
    /// Not one of the MODP groups this module knows (1, 2, 5, 14–18).
    UnknownGroup(u16),
    /// A Diffie-Hellman value outside 2..=p-2 (RFC 2631 §2.1.5 style check: 0, 1 and p-1 give
    /// a predictable shared secret), or a private value of zero length.
    BadDhValue(&'static str),
    /// A requested output length beyond what the construction can produce (prf+ is limited to
    /// 255 blocks, RFC 7296 §2.13).
    OutputTooLong { requested: usize, max: usize },
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::BadKeyLength { alg, got, expected } => {
                write!(f, "{alg}: key of {got} bytes, expected {expected}")
            }
            CryptoError::BadIvLength { alg, got, expected } => {
                write!(f, "{alg}: IV of {got} bytes, expected {expected}")
            }
            CryptoError::NotBlockAligned { len, block_size } => write!(
                f,
                "ciphertext of {len} bytes is not a multiple of the {block_size}-byte block"
            ),
            CryptoError::Truncated {
                element,
                needed,
                available,
            } => write!(
                f,
                "{element}: truncated, needs {needed} bytes, {available} present"
            ),
            CryptoError::Unsupported(what) => write!(f, "unsupported: {what}"),
            CryptoError::UnknownGroup(g) => write!(f, "unknown MODP group {g}"),
            CryptoError::BadDhValue(what) => write!(f, "invalid Diffie-Hellman value: {what}"),
            CryptoError::OutputTooLong { requested, max } => {
                write!(f, "{requested} bytes requested, at most {max} possible")
            }
        }
    }
}

impl std::error::Error for CryptoError {}

/// Constant-time equality of two byte strings (false when the lengths differ). Used for every
/// ICV and tag comparison so that timing never depends on where the bytes differ.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use ctutils::CtEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
