//! Names of the algorithms ikescope can compute with. Shared by the key-file readers (which
//! name them in Wireshark's, xfrm's or strongSwan's words), the negotiation decoders (which map
//! IKE attribute and transform numbers onto them) and the crypto code.

use std::fmt;

/// IKEv1 hash algorithm (RFC 2409 Appendix A "Hash Algorithm"); the IKEv1 prf is its HMAC
/// (RFC 2409 §4: "the HMAC version of the negotiated hash algorithm").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Sha256 => "SHA2-256",
            HashAlg::Sha384 => "SHA2-384",
            HashAlg::Sha512 => "SHA2-512",
        }
    }
}

impl fmt::Display for HashAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An encryption algorithm, for IKE (phase 1, IKEv2 SK) or ESP. The key length is carried
/// beside it, with the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EncAlg {
    /// ESP NULL encryption (RFC 2410).
    Null,
    /// DES-CBC (RFC 2405), 8-byte key incl. parity.
    DesCbc,
    /// 3DES-EDE-CBC (RFC 2451), 24-byte key.
    TripleDesCbc,
    /// AES-CBC (RFC 3602), 16/24/32-byte key.
    AesCbc,
    /// AES-CTR (RFC 3686); the key material ends with a 4-byte nonce.
    AesCtr,
    /// AES-GCM (RFC 4106 for ESP, RFC 5282 for IKEv2) with an ICV of `icv_len` bytes (8, 12 or
    /// 16); the key material ends with a 4-byte salt.
    AesGcm { icv_len: u8 },
}

impl EncAlg {
    /// Cipher block size in bytes (1 for the stream-like modes).
    pub const fn block_size(self) -> usize {
        match self {
            EncAlg::Null => 1,
            EncAlg::DesCbc | EncAlg::TripleDesCbc => 8,
            EncAlg::AesCbc => 16,
            EncAlg::AesCtr | EncAlg::AesGcm { .. } => 1,
        }
    }

    /// Length of the explicit IV carried in each ESP packet / IKEv2 SK payload.
    pub const fn iv_len(self) -> usize {
        match self {
            EncAlg::Null => 0,
            EncAlg::DesCbc | EncAlg::TripleDesCbc => 8,
            EncAlg::AesCbc => 16,
            EncAlg::AesCtr | EncAlg::AesGcm { .. } => 8,
        }
    }

    /// Bytes of salt/nonce at the end of the key material (RFC 3686 §5.1, RFC 4106 §8.1).
    pub const fn salt_len(self) -> usize {
        match self {
            EncAlg::AesCtr | EncAlg::AesGcm { .. } => 4,
            _ => 0,
        }
    }

    /// Whether the algorithm authenticates by itself (combined mode: no separate ICV).
    pub const fn is_aead(self) -> bool {
        matches!(self, EncAlg::AesGcm { .. })
    }

    /// Name in the style of `show crypto ipsec sa` / strongSwan proposals.
    pub fn name(self) -> String {
        match self {
            EncAlg::Null => "NULL".into(),
            EncAlg::DesCbc => "DES-CBC".into(),
            EncAlg::TripleDesCbc => "3DES-CBC".into(),
            EncAlg::AesCbc => "AES-CBC".into(),
            EncAlg::AesCtr => "AES-CTR".into(),
            EncAlg::AesGcm { icv_len } => format!("AES-GCM-{}", u32::from(icv_len) * 8),
        }
    }
}

impl fmt::Display for EncAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An integrity (ICV) algorithm for ESP/AH or IKEv2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegAlg {
    /// No separate integrity (NULL, or a combined-mode cipher).
    None,
    /// HMAC-MD5-96 (RFC 2403).
    HmacMd5_96,
    /// HMAC-SHA1-96 (RFC 2404).
    HmacSha1_96,
    /// HMAC-SHA1-160, untruncated (seen in Wireshark's IKEv2 tables, RFC 4595).
    HmacSha1_160,
    /// HMAC-SHA2-256-128 (RFC 4868).
    HmacSha256_128,
    /// HMAC-SHA2-384-192 (RFC 4868).
    HmacSha384_192,
    /// HMAC-SHA2-512-256 (RFC 4868).
    HmacSha512_256,
    /// AES-XCBC-MAC-96 (RFC 3566).
    AesXcbc96,
}

impl IntegAlg {
    /// Length of the truncated ICV on the wire, in bytes.
    pub const fn icv_len(self) -> usize {
        match self {
            IntegAlg::None => 0,
            IntegAlg::HmacMd5_96 | IntegAlg::HmacSha1_96 | IntegAlg::AesXcbc96 => 12,
            IntegAlg::HmacSha1_160 => 20,
            IntegAlg::HmacSha256_128 => 16,
            IntegAlg::HmacSha384_192 => 24,
            IntegAlg::HmacSha512_256 => 32,
        }
    }

    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            IntegAlg::None => 0,
            IntegAlg::HmacMd5_96 => 16,
            IntegAlg::HmacSha1_96 | IntegAlg::HmacSha1_160 => 20,
            IntegAlg::HmacSha256_128 => 32,
            IntegAlg::HmacSha384_192 => 48,
            IntegAlg::HmacSha512_256 => 64,
            IntegAlg::AesXcbc96 => 16,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            IntegAlg::None => "NONE",
            IntegAlg::HmacMd5_96 => "HMAC-MD5-96",
            IntegAlg::HmacSha1_96 => "HMAC-SHA1-96",
            IntegAlg::HmacSha1_160 => "HMAC-SHA1-160",
            IntegAlg::HmacSha256_128 => "HMAC-SHA2-256-128",
            IntegAlg::HmacSha384_192 => "HMAC-SHA2-384-192",
            IntegAlg::HmacSha512_256 => "HMAC-SHA2-512-256",
            IntegAlg::AesXcbc96 => "AES-XCBC-96",
        }
    }
}

impl fmt::Display for IntegAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
