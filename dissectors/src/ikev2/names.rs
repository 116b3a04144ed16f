//! IKEv2 registries as open newtypes: every value read from the wire is kept, and the ones IANA
//! has named answer `name()` with the name the RFC (or the IANA "IKEv2 Parameters" registry)
//! gives them. Unknown values display as their number.

use std::fmt;

use crate::crypto::algs::{EncAlg, HashAlg, IntegAlg};

/// Declares `pub struct $name(pub $int)` with named constants and a `name()` that returns the
/// registry name of the known values.
macro_rules! open_newtype {
    (
        $(#[$meta:meta])*
        $name:ident($int:ty) {
            $( $(#[$cmeta:meta])* $konst:ident = $val:literal => $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub $int);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: $name = $name($val); )*

            /// The registry name of this value, if it has one.
            pub const fn name(self) -> Option<&'static str> {
                #[allow(unreachable_patterns)]
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}({} {})", stringify!($name), self.0, n),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }
    };
}

/// Display: the name, or the bare number for values with no name.
macro_rules! display_name_or_number {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}", self.0),
                }
            }
        }
    };
}

/// Display: the name, or `<prefix><number>` for values with no name (`ENCR_99`).
macro_rules! display_name_or_prefixed {
    ($name:ident, $prefix:literal) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, concat!($prefix, "{}"), self.0),
                }
            }
        }
    };
}

open_newtype! {
    /// Exchange type (RFC 7296 §3.1; later values from the IANA registry).
    ExchangeType(u8) {
        IKE_SA_INIT = 34 => "IKE_SA_INIT",
        IKE_AUTH = 35 => "IKE_AUTH",
        CREATE_CHILD_SA = 36 => "CREATE_CHILD_SA",
        INFORMATIONAL = 37 => "INFORMATIONAL",
        /// RFC 5723.
        IKE_SESSION_RESUME = 38 => "IKE_SESSION_RESUME",
        /// RFC 9838 (G-IKEv2).
        GSA_AUTH = 39 => "GSA_AUTH",
        GSA_REGISTRATION = 40 => "GSA_REGISTRATION",
        GSA_REKEY = 41 => "GSA_REKEY",
        /// RFC 9242.
        IKE_INTERMEDIATE = 43 => "IKE_INTERMEDIATE",
        /// RFC 9370.
        IKE_FOLLOWUP_KE = 44 => "IKE_FOLLOWUP_KE",
    }
}
display_name_or_number!(ExchangeType);

open_newtype! {
    /// Payload type, as in the "Next Payload" fields (RFC 7296 §3.2). `name()` gives the
    /// notation RFC 7296 uses in its exchange diagrams (`SA`, `KE`, `N`, `SK`…);
    /// [`PayloadType::description`] the long name.
    PayloadType(u8) {
        /// "No Next Payload": the chain ends.
        NONE = 0 => "NONE",
        SA = 33 => "SA",
        KE = 34 => "KE",
        IDI = 35 => "IDi",
        IDR = 36 => "IDr",
        CERT = 37 => "CERT",
        CERTREQ = 38 => "CERTREQ",
        AUTH = 39 => "AUTH",
        NONCE = 40 => "No",
        NOTIFY = 41 => "N",
        DELETE = 42 => "D",
        VENDOR_ID = 43 => "V",
        TSI = 44 => "TSi",
        TSR = 45 => "TSr",
        /// Encrypted and Authenticated (RFC 7296 §3.14).
        SK = 46 => "SK",
        CP = 47 => "CP",
        EAP = 48 => "EAP",
        /// Generic Secure Password Methods (RFC 6467).
        GSPM = 49 => "GSPM",
        /// Group Identification (RFC 9838).
        IDG = 50 => "IDg",
        GSA = 51 => "GSA",
        KD = 52 => "KD",
        /// Encrypted and Authenticated Fragment (RFC 7383).
        SKF = 53 => "SKF",
        /// Puzzle Solution (RFC 8019).
        PS = 54 => "PS",
    }
}
display_name_or_number!(PayloadType);

impl PayloadType {
    /// The long name from RFC 7296 §3.2.
    pub const fn description(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "No Next Payload",
            33 => "Security Association",
            34 => "Key Exchange",
            35 => "Identification - Initiator",
            36 => "Identification - Responder",
            37 => "Certificate",
            38 => "Certificate Request",
            39 => "Authentication",
            40 => "Nonce",
            41 => "Notify",
            42 => "Delete",
            43 => "Vendor ID",
            44 => "Traffic Selector - Initiator",
            45 => "Traffic Selector - Responder",
            46 => "Encrypted and Authenticated",
            47 => "Configuration",
            48 => "Extensible Authentication",
            49 => "Generic Secure Password Methods",
            50 => "Group Identification",
            51 => "Group Security Association",
            52 => "Key Download",
            53 => "Encrypted and Authenticated Fragment",
            54 => "Puzzle Solution",
            _ => return None,
        })
    }

    /// The element name used in errors about a payload of this type.
    pub(crate) const fn element(self) -> &'static str {
        match self.0 {
            33 => "SA payload",
            34 => "KE payload",
            35 => "IDi payload",
            36 => "IDr payload",
            37 => "CERT payload",
            38 => "CERTREQ payload",
            39 => "AUTH payload",
            40 => "Nonce payload",
            41 => "Notify payload",
            42 => "Delete payload",
            43 => "Vendor ID payload",
            44 => "TSi payload",
            45 => "TSr payload",
            46 => "SK payload",
            47 => "CP payload",
            48 => "EAP payload",
            53 => "SKF payload",
            _ => "IKEv2 payload",
        }
    }

    /// SK and SKF end the chain: their Next Payload field names the first payload *inside* the
    /// encrypted data (RFC 7296 §3.14, RFC 7383 §2.5).
    pub const fn ends_chain(self) -> bool {
        self.0 == 46 || self.0 == 53
    }
}

open_newtype! {
    /// Security protocol ID of a proposal, notify or delete (RFC 7296 §3.3.1).
    ProtocolId(u8) {
        /// No SPI / not applicable (Notify and Delete send 0 when there is no SPI).
        NONE = 0 => "NONE",
        IKE = 1 => "IKE",
        AH = 2 => "AH",
        ESP = 3 => "ESP",
        FC_ESP_HEADER = 4 => "FC_ESP_HEADER",
        FC_CT_AUTHENTICATION = 5 => "FC_CT_AUTHENTICATION",
    }
}
display_name_or_number!(ProtocolId);

open_newtype! {
    /// Transform type (RFC 7296 §3.3.2; ADDKE from RFC 9370).
    TransformType(u8) {
        ENCR = 1 => "ENCR",
        PRF = 2 => "PRF",
        INTEG = 3 => "INTEG",
        /// Diffie-Hellman group ("Key Exchange Method" since RFC 9370).
        DH = 4 => "DH",
        /// Extended Sequence Numbers.
        ESN = 5 => "ESN",
        ADDKE1 = 6 => "ADDKE1",
        ADDKE2 = 7 => "ADDKE2",
        ADDKE3 = 8 => "ADDKE3",
        ADDKE4 = 9 => "ADDKE4",
        ADDKE5 = 10 => "ADDKE5",
        ADDKE6 = 11 => "ADDKE6",
        ADDKE7 = 12 => "ADDKE7",
    }
}
display_name_or_number!(TransformType);

open_newtype! {
    /// Transform type 1, encryption algorithm (RFC 7296 §3.3.2 and the IANA registry).
    EncrId(u16) {
        ENCR_DES_IV64 = 1 => "ENCR_DES_IV64",
        ENCR_DES = 2 => "ENCR_DES",
        ENCR_3DES = 3 => "ENCR_3DES",
        ENCR_RC5 = 4 => "ENCR_RC5",
        ENCR_IDEA = 5 => "ENCR_IDEA",
        ENCR_CAST = 6 => "ENCR_CAST",
        ENCR_BLOWFISH = 7 => "ENCR_BLOWFISH",
        ENCR_3IDEA = 8 => "ENCR_3IDEA",
        ENCR_DES_IV32 = 9 => "ENCR_DES_IV32",
        ENCR_NULL = 11 => "ENCR_NULL",
        ENCR_AES_CBC = 12 => "ENCR_AES_CBC",
        ENCR_AES_CTR = 13 => "ENCR_AES_CTR",
        ENCR_AES_CCM_8 = 14 => "ENCR_AES_CCM_8",
        ENCR_AES_CCM_12 = 15 => "ENCR_AES_CCM_12",
        ENCR_AES_CCM_16 = 16 => "ENCR_AES_CCM_16",
        /// RFC 5282: AES-GCM with an 8-octet ICV.
        ENCR_AES_GCM_8 = 18 => "ENCR_AES_GCM_8",
        ENCR_AES_GCM_12 = 19 => "ENCR_AES_GCM_12",
        ENCR_AES_GCM_16 = 20 => "ENCR_AES_GCM_16",
        ENCR_NULL_AUTH_AES_GMAC = 21 => "ENCR_NULL_AUTH_AES_GMAC",
        ENCR_CAMELLIA_CBC = 23 => "ENCR_CAMELLIA_CBC",
        ENCR_CAMELLIA_CTR = 24 => "ENCR_CAMELLIA_CTR",
        ENCR_CAMELLIA_CCM_8 = 25 => "ENCR_CAMELLIA_CCM_8",
        ENCR_CAMELLIA_CCM_12 = 26 => "ENCR_CAMELLIA_CCM_12",
        ENCR_CAMELLIA_CCM_16 = 27 => "ENCR_CAMELLIA_CCM_16",
        /// RFC 7634.
        ENCR_CHACHA20_POLY1305 = 28 => "ENCR_CHACHA20_POLY1305",
        ENCR_AES_CCM_8_IIV = 29 => "ENCR_AES_CCM_8_IIV",
        ENCR_AES_GCM_16_IIV = 30 => "ENCR_AES_GCM_16_IIV",
        ENCR_CHACHA20_POLY1305_IIV = 31 => "ENCR_CHACHA20_POLY1305_IIV",
        ENCR_KUZNYECHIK_MGM_KTREE = 32 => "ENCR_KUZNYECHIK_MGM_KTREE",
        ENCR_MAGMA_MGM_KTREE = 33 => "ENCR_MAGMA_MGM_KTREE",
        ENCR_KUZNYECHIK_MGM_MAC_KTREE = 34 => "ENCR_KUZNYECHIK_MGM_MAC_KTREE",
        ENCR_MAGMA_MGM_MAC_KTREE = 35 => "ENCR_MAGMA_MGM_MAC_KTREE",
    }
}

display_name_or_prefixed!(EncrId, "ENCR_");

impl EncrId {
    /// The cipher ikescope can run for this transform, if any (the key length comes from the
    /// Key Length attribute).
    pub const fn enc_alg(self) -> Option<EncAlg> {
        Some(match self.0 {
            2 => EncAlg::DesCbc,
            3 => EncAlg::TripleDesCbc,
            11 => EncAlg::Null,
            12 => EncAlg::AesCbc,
            13 => EncAlg::AesCtr,
            18 => EncAlg::AesGcm { icv_len: 8 },
            19 => EncAlg::AesGcm { icv_len: 12 },
            20 => EncAlg::AesGcm { icv_len: 16 },
            _ => return None,
        })
    }

    /// Combined-mode (AEAD) ciphers need no INTEG transform (RFC 5282 §8).
    pub const fn is_aead(self) -> bool {
        matches!(self.0, 14..=16 | 18..=21 | 25..=35)
    }
}

open_newtype! {
    /// Transform type 2, pseudorandom function (RFC 7296 §3.3.2).
    PrfId(u16) {
        PRF_HMAC_MD5 = 1 => "PRF_HMAC_MD5",
        PRF_HMAC_SHA1 = 2 => "PRF_HMAC_SHA1",
        PRF_HMAC_TIGER = 3 => "PRF_HMAC_TIGER",
        PRF_AES128_XCBC = 4 => "PRF_AES128_XCBC",
        /// RFC 4868.
        PRF_HMAC_SHA2_256 = 5 => "PRF_HMAC_SHA2_256",
        PRF_HMAC_SHA2_384 = 6 => "PRF_HMAC_SHA2_384",
        PRF_HMAC_SHA2_512 = 7 => "PRF_HMAC_SHA2_512",
        PRF_AES128_CMAC = 8 => "PRF_AES128_CMAC",
        PRF_HMAC_STREEBOG_512 = 9 => "PRF_HMAC_STREEBOG_512",
    }
}

display_name_or_prefixed!(PrfId, "PRF_");

impl PrfId {
    /// The hash whose HMAC this prf is, for the HMAC prfs ikescope can compute.
    pub const fn hash_alg(self) -> Option<HashAlg> {
        Some(match self.0 {
            1 => HashAlg::Md5,
            2 => HashAlg::Sha1,
            5 => HashAlg::Sha256,
            6 => HashAlg::Sha384,
            7 => HashAlg::Sha512,
            _ => return None,
        })
    }
}

open_newtype! {
    /// Transform type 3, integrity algorithm (RFC 7296 §3.3.2).
    IntegId(u16) {
        NONE = 0 => "NONE",
        AUTH_HMAC_MD5_96 = 1 => "AUTH_HMAC_MD5_96",
        AUTH_HMAC_SHA1_96 = 2 => "AUTH_HMAC_SHA1_96",
        AUTH_DES_MAC = 3 => "AUTH_DES_MAC",
        AUTH_KPDK_MD5 = 4 => "AUTH_KPDK_MD5",
        AUTH_AES_XCBC_96 = 5 => "AUTH_AES_XCBC_96",
        AUTH_HMAC_MD5_128 = 6 => "AUTH_HMAC_MD5_128",
        AUTH_HMAC_SHA1_160 = 7 => "AUTH_HMAC_SHA1_160",
        AUTH_AES_CMAC_96 = 8 => "AUTH_AES_CMAC_96",
        AUTH_AES_128_GMAC = 9 => "AUTH_AES_128_GMAC",
        AUTH_AES_192_GMAC = 10 => "AUTH_AES_192_GMAC",
        AUTH_AES_256_GMAC = 11 => "AUTH_AES_256_GMAC",
        /// RFC 4868.
        AUTH_HMAC_SHA2_256_128 = 12 => "AUTH_HMAC_SHA2_256_128",
        AUTH_HMAC_SHA2_384_192 = 13 => "AUTH_HMAC_SHA2_384_192",
        AUTH_HMAC_SHA2_512_256 = 14 => "AUTH_HMAC_SHA2_512_256",
    }
}

display_name_or_prefixed!(IntegId, "INTEG_");

impl IntegId {
    /// The integrity algorithm ikescope can compute for this transform, if any.
    pub const fn integ_alg(self) -> Option<IntegAlg> {
        Some(match self.0 {
            0 => IntegAlg::None,
            1 => IntegAlg::HmacMd5_96,
            2 => IntegAlg::HmacSha1_96,
            5 => IntegAlg::AesXcbc96,
            7 => IntegAlg::HmacSha1_160,
            12 => IntegAlg::HmacSha256_128,
            13 => IntegAlg::HmacSha384_192,
            14 => IntegAlg::HmacSha512_256,
            _ => return None,
        })
    }
}

open_newtype! {
    /// Transform type 4, Diffie-Hellman group / key exchange method (RFC 7296 §3.3.2, the
    /// IANA registry; names as strongSwan writes them in proposals, e.g. `MODP_2048`).
    DhGroup(u16) {
        NONE = 0 => "NONE",
        MODP_768 = 1 => "MODP_768",
        MODP_1024 = 2 => "MODP_1024",
        MODP_1536 = 5 => "MODP_1536",
        MODP_2048 = 14 => "MODP_2048",
        MODP_3072 = 15 => "MODP_3072",
        MODP_4096 = 16 => "MODP_4096",
        MODP_6144 = 17 => "MODP_6144",
        MODP_8192 = 18 => "MODP_8192",
        /// RFC 5903.
        ECP_256 = 19 => "ECP_256",
        ECP_384 = 20 => "ECP_384",
        ECP_521 = 21 => "ECP_521",
        /// RFC 5114.
        MODP_1024_160 = 22 => "MODP_1024_160",
        MODP_2048_224 = 23 => "MODP_2048_224",
        MODP_2048_256 = 24 => "MODP_2048_256",
        ECP_192 = 25 => "ECP_192",
        ECP_224 = 26 => "ECP_224",
        /// RFC 6954.
        ECP_224_BP = 27 => "ECP_224_BP",
        ECP_256_BP = 28 => "ECP_256_BP",
        ECP_384_BP = 29 => "ECP_384_BP",
        ECP_512_BP = 30 => "ECP_512_BP",
        /// RFC 8031.
        CURVE_25519 = 31 => "CURVE_25519",
        CURVE_448 = 32 => "CURVE_448",
        GOST3410_2012_256 = 33 => "GOST3410_2012_256",
        GOST3410_2012_512 = 34 => "GOST3410_2012_512",
        /// RFC 9370 / draft-ietf-ipsecme-ikev2-mlkem.
        ML_KEM_512 = 35 => "ML_KEM_512",
        ML_KEM_768 = 36 => "ML_KEM_768",
        ML_KEM_1024 = 37 => "ML_KEM_1024",
    }
}

display_name_or_prefixed!(DhGroup, "DH_");

impl DhGroup {
    /// Length in bytes of a public value of this group as carried in the KE payload
    /// (RFC 7296 §3.4 for MODP: the prime's length; RFC 5903 §7 for ECP: x ‖ y; RFC 8031 §3),
    /// for the groups where it is fixed and the same in both directions.
    pub const fn public_value_len(self) -> Option<usize> {
        Some(match self.0 {
            1 => 96,
            2 | 22 => 128,
            5 => 192,
            14 | 23 | 24 => 256,
            15 => 384,
            16 => 512,
            17 => 768,
            18 => 1024,
            19 | 28 => 64,
            20 | 29 => 96,
            21 => 132,
            25 => 48,
            26 | 27 => 56,
            30 => 128,
            31 => 32,
            32 => 56,
            _ => return None,
        })
    }
}

open_newtype! {
    /// Transform type 5, Extended Sequence Numbers (RFC 7296 §3.3.2); names as strongSwan
    /// writes them in proposals.
    EsnId(u16) {
        NO_EXT_SEQ = 0 => "NO_EXT_SEQ",
        EXT_SEQ = 1 => "EXT_SEQ",
    }
}
display_name_or_prefixed!(EsnId, "ESN_");

open_newtype! {
    /// Transform attribute type (RFC 7296 §3.3.5).
    TransformAttributeType(u16) {
        KEY_LENGTH = 14 => "Key Length",
    }
}
display_name_or_number!(TransformAttributeType);

open_newtype! {
    /// Identification type of IDi/IDr (RFC 7296 §3.5; ID_NULL from RFC 7619).
    IdType(u8) {
        ID_IPV4_ADDR = 1 => "ID_IPV4_ADDR",
        ID_FQDN = 2 => "ID_FQDN",
        ID_RFC822_ADDR = 3 => "ID_RFC822_ADDR",
        ID_IPV6_ADDR = 5 => "ID_IPV6_ADDR",
        ID_DER_ASN1_DN = 9 => "ID_DER_ASN1_DN",
        ID_DER_ASN1_GN = 10 => "ID_DER_ASN1_GN",
        ID_KEY_ID = 11 => "ID_KEY_ID",
        ID_FC_NAME = 12 => "ID_FC_NAME",
        ID_NULL = 13 => "ID_NULL",
    }
}
display_name_or_number!(IdType);

open_newtype! {
    /// Certificate encoding of CERT and CERTREQ (RFC 7296 §3.6; 14 from RFC 4806, 15 from
    /// RFC 7670).
    CertEncoding(u8) {
        PKCS7_X509 = 1 => "PKCS #7 wrapped X.509 certificate",
        PGP = 2 => "PGP Certificate",
        DNS_SIGNED_KEY = 3 => "DNS Signed Key",
        X509_SIGNATURE = 4 => "X.509 Certificate - Signature",
        KERBEROS = 6 => "Kerberos Token",
        CRL = 7 => "Certificate Revocation List (CRL)",
        ARL = 8 => "Authority Revocation List (ARL)",
        SPKI = 9 => "SPKI Certificate",
        X509_ATTRIBUTE = 10 => "X.509 Certificate - Attribute",
        RAW_RSA_KEY = 11 => "Raw RSA Key",
        HASH_URL_X509_CERT = 12 => "Hash and URL of X.509 certificate",
        HASH_URL_X509_BUNDLE = 13 => "Hash and URL of X.509 bundle",
        OCSP_CONTENT = 14 => "OCSP Content",
        RAW_PUBLIC_KEY = 15 => "Raw Public Key",
    }
}
display_name_or_number!(CertEncoding);

open_newtype! {
    /// Authentication method of the AUTH payload (RFC 7296 §3.8; 9–11 RFC 4754, 12 RFC 6467,
    /// 13 RFC 7619, 14 RFC 7427).
    AuthMethod(u8) {
        RSA_DIGITAL_SIGNATURE = 1 => "RSA_DIGITAL_SIGNATURE",
        SHARED_KEY_MIC = 2 => "SHARED_KEY_MIC",
        DSS_DIGITAL_SIGNATURE = 3 => "DSS_DIGITAL_SIGNATURE",
        ECDSA_SHA256_P256 = 9 => "ECDSA_SHA256_P256",
        ECDSA_SHA384_P384 = 10 => "ECDSA_SHA384_P384",
        ECDSA_SHA512_P521 = 11 => "ECDSA_SHA512_P521",
        GSPAM = 12 => "GSPAM",
        NULL_AUTH = 13 => "NULL_AUTH",
        DIGITAL_SIGNATURE = 14 => "DIGITAL_SIGNATURE",
    }
}
display_name_or_number!(AuthMethod);

open_newtype! {
    /// Notify message type (RFC 7296 §3.10.1 and the IANA registry). Types below 16384 are
    /// errors, the rest status.
    NotifyType(u16) {
        UNSUPPORTED_CRITICAL_PAYLOAD = 1 => "UNSUPPORTED_CRITICAL_PAYLOAD",
        INVALID_IKE_SPI = 4 => "INVALID_IKE_SPI",
        INVALID_MAJOR_VERSION = 5 => "INVALID_MAJOR_VERSION",
        INVALID_SYNTAX = 7 => "INVALID_SYNTAX",
        INVALID_MESSAGE_ID = 9 => "INVALID_MESSAGE_ID",
        INVALID_SPI = 11 => "INVALID_SPI",
        NO_PROPOSAL_CHOSEN = 14 => "NO_PROPOSAL_CHOSEN",
        INVALID_KE_PAYLOAD = 17 => "INVALID_KE_PAYLOAD",
        AUTHENTICATION_FAILED = 24 => "AUTHENTICATION_FAILED",
        SINGLE_PAIR_REQUIRED = 34 => "SINGLE_PAIR_REQUIRED",
        NO_ADDITIONAL_SAS = 35 => "NO_ADDITIONAL_SAS",
        INTERNAL_ADDRESS_FAILURE = 36 => "INTERNAL_ADDRESS_FAILURE",
        FAILED_CP_REQUIRED = 37 => "FAILED_CP_REQUIRED",
        TS_UNACCEPTABLE = 38 => "TS_UNACCEPTABLE",
        INVALID_SELECTORS = 39 => "INVALID_SELECTORS",
        UNACCEPTABLE_ADDRESSES = 40 => "UNACCEPTABLE_ADDRESSES",
        UNEXPECTED_NAT_DETECTED = 41 => "UNEXPECTED_NAT_DETECTED",
        USE_ASSIGNED_HOA = 42 => "USE_ASSIGNED_HoA",
        TEMPORARY_FAILURE = 43 => "TEMPORARY_FAILURE",
        CHILD_SA_NOT_FOUND = 44 => "CHILD_SA_NOT_FOUND",
        INVALID_GROUP_ID = 45 => "INVALID_GROUP_ID",
        AUTHORIZATION_FAILED = 46 => "AUTHORIZATION_FAILED",
        /// RFC 9370.
        STATE_NOT_FOUND = 47 => "STATE_NOT_FOUND",
        INITIAL_CONTACT = 16384 => "INITIAL_CONTACT",
        SET_WINDOW_SIZE = 16385 => "SET_WINDOW_SIZE",
        ADDITIONAL_TS_POSSIBLE = 16386 => "ADDITIONAL_TS_POSSIBLE",
        IPCOMP_SUPPORTED = 16387 => "IPCOMP_SUPPORTED",
        /// RFC 7296 §2.23: SHA-1(SPIi | SPIr | source IP | source port).
        NAT_DETECTION_SOURCE_IP = 16388 => "NAT_DETECTION_SOURCE_IP",
        NAT_DETECTION_DESTINATION_IP = 16389 => "NAT_DETECTION_DESTINATION_IP",
        COOKIE = 16390 => "COOKIE",
        USE_TRANSPORT_MODE = 16391 => "USE_TRANSPORT_MODE",
        HTTP_CERT_LOOKUP_SUPPORTED = 16392 => "HTTP_CERT_LOOKUP_SUPPORTED",
        REKEY_SA = 16393 => "REKEY_SA",
        ESP_TFC_PADDING_NOT_SUPPORTED = 16394 => "ESP_TFC_PADDING_NOT_SUPPORTED",
        NON_FIRST_FRAGMENTS_ALSO = 16395 => "NON_FIRST_FRAGMENTS_ALSO",
        MOBIKE_SUPPORTED = 16396 => "MOBIKE_SUPPORTED",
        ADDITIONAL_IP4_ADDRESS = 16397 => "ADDITIONAL_IP4_ADDRESS",
        ADDITIONAL_IP6_ADDRESS = 16398 => "ADDITIONAL_IP6_ADDRESS",
        NO_ADDITIONAL_ADDRESSES = 16399 => "NO_ADDITIONAL_ADDRESSES",
        UPDATE_SA_ADDRESSES = 16400 => "UPDATE_SA_ADDRESSES",
        COOKIE2 = 16401 => "COOKIE2",
        NO_NATS_ALLOWED = 16402 => "NO_NATS_ALLOWED",
        AUTH_LIFETIME = 16403 => "AUTH_LIFETIME",
        MULTIPLE_AUTH_SUPPORTED = 16404 => "MULTIPLE_AUTH_SUPPORTED",
        ANOTHER_AUTH_FOLLOWS = 16405 => "ANOTHER_AUTH_FOLLOWS",
        REDIRECT_SUPPORTED = 16406 => "REDIRECT_SUPPORTED",
        REDIRECT = 16407 => "REDIRECT",
        REDIRECTED_FROM = 16408 => "REDIRECTED_FROM",
        TICKET_LT_OPAQUE = 16409 => "TICKET_LT_OPAQUE",
        TICKET_REQUEST = 16410 => "TICKET_REQUEST",
        TICKET_ACK = 16411 => "TICKET_ACK",
        TICKET_NACK = 16412 => "TICKET_NACK",
        TICKET_OPAQUE = 16413 => "TICKET_OPAQUE",
        LINK_ID = 16414 => "LINK_ID",
        USE_WESP_MODE = 16415 => "USE_WESP_MODE",
        ROHC_SUPPORTED = 16416 => "ROHC_SUPPORTED",
        EAP_ONLY_AUTHENTICATION = 16417 => "EAP_ONLY_AUTHENTICATION",
        CHILDLESS_IKEV2_SUPPORTED = 16418 => "CHILDLESS_IKEV2_SUPPORTED",
        QUICK_CRASH_DETECTION = 16419 => "QUICK_CRASH_DETECTION",
        IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420 => "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
        IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421 => "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
        IKEV2_MESSAGE_ID_SYNC = 16422 => "IKEV2_MESSAGE_ID_SYNC",
        IPSEC_REPLAY_COUNTER_SYNC = 16423 => "IPSEC_REPLAY_COUNTER_SYNC",
        SECURE_PASSWORD_METHODS = 16424 => "SECURE_PASSWORD_METHODS",
        PSK_PERSIST = 16425 => "PSK_PERSIST",
        PSK_CONFIRM = 16426 => "PSK_CONFIRM",
        ERX_SUPPORTED = 16427 => "ERX_SUPPORTED",
        IFOM_CAPABILITY = 16428 => "IFOM_CAPABILITY",
        SENDER_REQUEST_ID = 16429 => "SENDER_REQUEST_ID",
        /// RFC 7383.
        IKEV2_FRAGMENTATION_SUPPORTED = 16430 => "IKEV2_FRAGMENTATION_SUPPORTED",
        /// RFC 7427.
        SIGNATURE_HASH_ALGORITHMS = 16431 => "SIGNATURE_HASH_ALGORITHMS",
        CLONE_IKE_SA_SUPPORTED = 16432 => "CLONE_IKE_SA_SUPPORTED",
        CLONE_IKE_SA = 16433 => "CLONE_IKE_SA",
        PUZZLE = 16434 => "PUZZLE",
        USE_PPK = 16435 => "USE_PPK",
        PPK_IDENTITY = 16436 => "PPK_IDENTITY",
        NO_PPK_AUTH = 16437 => "NO_PPK_AUTH",
        INTERMEDIATE_EXCHANGE_SUPPORTED = 16438 => "INTERMEDIATE_EXCHANGE_SUPPORTED",
        IP4_ALLOWED = 16439 => "IP4_ALLOWED",
        IP6_ALLOWED = 16440 => "IP6_ALLOWED",
        ADDITIONAL_KEY_EXCHANGE = 16441 => "ADDITIONAL_KEY_EXCHANGE",
        USE_AGGFRAG = 16442 => "USE_AGGFRAG",
        SUPPORTED_AUTH_METHODS = 16443 => "SUPPORTED_AUTH_METHODS",
        SA_RESOURCE_INFO = 16444 => "SA_RESOURCE_INFO",
    }
}
display_name_or_number!(NotifyType);

impl NotifyType {
    /// Error types are 0–16383 (RFC 7296 §3.10.1): in a response they mean the request failed.
    pub const fn is_error(self) -> bool {
        self.0 < 16384
    }
}

open_newtype! {
    /// Traffic selector type (RFC 7296 §3.13.1; TS_SECLABEL from RFC 9478).
    TsType(u8) {
        TS_IPV4_ADDR_RANGE = 7 => "TS_IPV4_ADDR_RANGE",
        TS_IPV6_ADDR_RANGE = 8 => "TS_IPV6_ADDR_RANGE",
        TS_FC_ADDR_RANGE = 9 => "TS_FC_ADDR_RANGE",
        TS_SECLABEL = 10 => "TS_SECLABEL",
    }
}
display_name_or_number!(TsType);

open_newtype! {
    /// Configuration payload type (RFC 7296 §3.15).
    CfgType(u8) {
        CFG_REQUEST = 1 => "CFG_REQUEST",
        CFG_REPLY = 2 => "CFG_REPLY",
        CFG_SET = 3 => "CFG_SET",
        CFG_ACK = 4 => "CFG_ACK",
    }
}
display_name_or_number!(CfgType);

open_newtype! {
    /// Configuration attribute type (RFC 7296 §3.15.1 and the IANA registry).
    CfgAttributeType(u16) {
        INTERNAL_IP4_ADDRESS = 1 => "INTERNAL_IP4_ADDRESS",
        INTERNAL_IP4_NETMASK = 2 => "INTERNAL_IP4_NETMASK",
        INTERNAL_IP4_DNS = 3 => "INTERNAL_IP4_DNS",
        INTERNAL_IP4_NBNS = 4 => "INTERNAL_IP4_NBNS",
        INTERNAL_IP4_DHCP = 6 => "INTERNAL_IP4_DHCP",
        APPLICATION_VERSION = 7 => "APPLICATION_VERSION",
        INTERNAL_IP6_ADDRESS = 8 => "INTERNAL_IP6_ADDRESS",
        INTERNAL_IP6_DNS = 10 => "INTERNAL_IP6_DNS",
        INTERNAL_IP6_DHCP = 12 => "INTERNAL_IP6_DHCP",
        INTERNAL_IP4_SUBNET = 13 => "INTERNAL_IP4_SUBNET",
        SUPPORTED_ATTRIBUTES = 14 => "SUPPORTED_ATTRIBUTES",
        INTERNAL_IP6_SUBNET = 15 => "INTERNAL_IP6_SUBNET",
        MIP6_HOME_PREFIX = 16 => "MIP6_HOME_PREFIX",
        INTERNAL_IP6_LINK = 17 => "INTERNAL_IP6_LINK",
        INTERNAL_IP6_PREFIX = 18 => "INTERNAL_IP6_PREFIX",
        HOME_AGENT_ADDRESS = 19 => "HOME_AGENT_ADDRESS",
        P_CSCF_IP4_ADDRESS = 20 => "P_CSCF_IP4_ADDRESS",
        P_CSCF_IP6_ADDRESS = 21 => "P_CSCF_IP6_ADDRESS",
        FTT_KAT = 22 => "FTT_KAT",
        EXTERNAL_SOURCE_IP4_NAT_INFO = 23 => "EXTERNAL_SOURCE_IP4_NAT_INFO",
        TIMEOUT_PERIOD_FOR_LIVENESS_CHECK = 24 => "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK",
        INTERNAL_DNS_DOMAIN = 25 => "INTERNAL_DNS_DOMAIN",
        INTERNAL_DNSSEC_TA = 26 => "INTERNAL_DNSSEC_TA",
    }
}
display_name_or_number!(CfgAttributeType);

open_newtype! {
    /// Hash algorithm announced in SIGNATURE_HASH_ALGORITHMS (RFC 7427 §3).
    SignatureHashAlgorithm(u16) {
        SHA1 = 1 => "SHA1",
        SHA2_256 = 2 => "SHA2_256",
        SHA2_384 = 3 => "SHA2_384",
        SHA2_512 = 4 => "SHA2_512",
        IDENTITY = 5 => "IDENTITY",
        STREEBOG_256 = 6 => "STREEBOG_256",
        STREEBOG_512 = 7 => "STREEBOG_512",
    }
}
display_name_or_number!(SignatureHashAlgorithm);

open_newtype! {
    /// EAP code (RFC 3748 §4).
    EapCode(u8) {
        REQUEST = 1 => "Request",
        RESPONSE = 2 => "Response",
        SUCCESS = 3 => "Success",
        FAILURE = 4 => "Failure",
    }
}
display_name_or_number!(EapCode);

open_newtype! {
    /// EAP method type (RFC 3748 §5 and the IANA registry; the common ones).
    EapType(u8) {
        IDENTITY = 1 => "Identity",
        NOTIFICATION = 2 => "Notification",
        NAK = 3 => "Nak",
        MD5_CHALLENGE = 4 => "MD5-Challenge",
        OTP = 5 => "OTP",
        GTC = 6 => "GTC",
        TLS = 13 => "EAP-TLS",
        SIM = 18 => "EAP-SIM",
        TTLS = 21 => "EAP-TTLS",
        AKA = 23 => "EAP-AKA",
        PEAP = 25 => "PEAP",
        MSCHAPV2 = 26 => "EAP-MSCHAPv2",
        FAST = 43 => "EAP-FAST",
        AKA_PRIME = 50 => "EAP-AKA'",
        EXPANDED = 254 => "Expanded",
    }
}
display_name_or_number!(EapType);

/// Name of an IP protocol number as used in traffic selectors and AH's next header (the
/// common ones; IANA "Assigned Internet Protocol Numbers").
pub const fn ip_protocol_name(protocol: u8) -> Option<&'static str> {
    Some(match protocol {
        1 => "icmp",
        2 => "igmp",
        4 => "ipip",
        6 => "tcp",
        17 => "udp",
        41 => "ipv6",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "ipv6-icmp",
        59 => "ipv6-nonxt",
        89 => "ospf",
        103 => "pim",
        112 => "vrrp",
        132 => "sctp",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_unknowns() {
        assert_eq!(ExchangeType(34).to_string(), "IKE_SA_INIT");
        assert_eq!(ExchangeType(200).to_string(), "200");
        assert_eq!(ExchangeType(200).name(), None);
        assert_eq!(NotifyType(16388).name(), Some("NAT_DETECTION_SOURCE_IP"));
        assert!(NotifyType::NO_PROPOSAL_CHOSEN.is_error());
        assert!(!NotifyType::COOKIE.is_error());
        assert_eq!(DhGroup::MODP_2048.name(), Some("MODP_2048"));
        assert_eq!(DhGroup(31).name(), Some("CURVE_25519"));
        assert_eq!(DhGroup::MODP_2048.public_value_len(), Some(256));
        assert_eq!(EncrId(20).enc_alg(), Some(EncAlg::AesGcm { icv_len: 16 }));
        assert!(EncrId::ENCR_AES_GCM_16.is_aead());
        assert!(!EncrId::ENCR_AES_CBC.is_aead());
        assert_eq!(IntegId(12).integ_alg(), Some(IntegAlg::HmacSha256_128));
        assert_eq!(PrfId(5).hash_alg(), Some(HashAlg::Sha256));
        assert_eq!(PayloadType(41).to_string(), "N");
        assert_eq!(PayloadType(41).description(), Some("Notify"));
        assert!(PayloadType::SK.ends_chain() && PayloadType::SKF.ends_chain());
        assert_eq!(
            format!("{:?}", NotifyType(16390)),
            "NotifyType(16390 COOKIE)"
        );
    }
}
