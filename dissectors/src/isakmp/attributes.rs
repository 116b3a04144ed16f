//! Data attributes (RFC 2408 §3.3) and their meaning in a phase-1 transform (RFC 2409
//! Appendix A) and in an IPsec DOI transform (RFC 2407 §4.5).
//!
//! An attribute is a type with the AF bit (0x8000): set means "basic", a 2-byte value follows
//! the type (TV); clear means "variable", a 2-byte length and that many bytes follow (TLV).

use std::fmt;
use std::iter::FusedIterator;

use super::MAX_ATTRIBUTES;
use super::reader::{Reader, be_uint};
use super::text::Hex;
use crate::error::{ErrorKind, ParseError};

/// The attribute format bit: basic (type/value) when set.
const AF: u16 = 0x8000;

/// An attribute value: basic (2 bytes, RFC 2408 §3.3 "AF = 1") or variable length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrValue<'a> {
    Basic(u16),
    Variable(&'a [u8]),
}

impl AttrValue<'_> {
    /// The value as an unsigned integer: basic values, and variable ones of up to 8 bytes
    /// (RFC 2409 allows a variable Life Duration). `None` when longer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            AttrValue::Basic(v) => Some(u64::from(v)),
            AttrValue::Variable(b) => be_uint(b),
        }
    }

    /// The value as a u16 if it fits (basic, or a short variable value).
    pub fn as_u16(&self) -> Option<u16> {
        self.as_u64().and_then(|v| u16::try_from(v).ok())
    }

    /// Bytes on the wire after the type (and length).
    pub fn len(&self) -> usize {
        match self {
            AttrValue::Basic(_) => 2,
            AttrValue::Variable(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_basic(&self) -> bool {
        matches!(self, AttrValue::Basic(_))
    }
}

impl fmt::Debug for AttrValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Basic(v) => write!(f, "Basic({v})"),
            AttrValue::Variable(b) => write!(f, "Variable({})", Hex(b)),
        }
    }
}

impl fmt::Display for AttrValue<'_> {
    /// Decimal when it is an integer of up to 8 bytes, else hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.as_u64()) {
            (AttrValue::Variable([]), _) => f.write_str("(empty)"),
            (_, Some(v)) => write!(f, "{v}"),
            (AttrValue::Variable(b), None) => write!(f, "0x{}", Hex(b)),
            (AttrValue::Basic(v), None) => write!(f, "{v}"),
        }
    }
}

/// One attribute, undecoded: its type number (AF bit removed) and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attribute<'a> {
    /// The 15-bit attribute type.
    pub attr_type: u16,
    pub value: AttrValue<'a>,
    /// Offset of the attribute's type field from the start of the message.
    pub offset: usize,
}

impl<'a> Attribute<'a> {
    /// Decodes the attribute as a phase-1 (ISAKMP protocol, KEY_IKE) transform attribute.
    pub fn ike(&self) -> Result<IkeAttribute<'a>, ParseError> {
        IkeAttribute::decode(self)
    }

    /// Decodes the attribute as an IPsec DOI attribute (AH/ESP/IPCOMP transforms and the
    /// RESPONDER-LIFETIME notification).
    pub fn ipsec(&self) -> Result<IpsecAttribute<'a>, ParseError> {
        IpsecAttribute::decode(self)
    }

    fn number(&self, element: &'static str, field: &'static str) -> Result<u64, ParseError> {
        self.value.as_u64().ok_or_else(|| {
            ParseError::new(
                element,
                field,
                self.offset,
                ErrorKind::BadLength {
                    value: self.value.len(),
                    min: 0,
                    max: 8,
                },
            )
        })
    }

    fn short(&self, element: &'static str, field: &'static str) -> Result<u16, ParseError> {
        let v = self.number(element, field)?;
        u16::try_from(v).map_err(|_| {
            ParseError::new(
                element,
                field,
                self.offset,
                ErrorKind::BadValue { value: v },
            )
        })
    }
}

/// Walks a run of attributes. Yields an error and stops when an attribute runs past the end
/// of its container (`"attribute length"`), when fewer than 4 bytes are left for a header, or
/// after [`MAX_ATTRIBUTES`].
#[derive(Debug, Clone)]
pub struct AttributeIter<'a> {
    r: Reader<'a>,
    count: usize,
    done: bool,
}

impl<'a> AttributeIter<'a> {
    /// `element` names the container in errors ("transform attribute", "configuration
    /// attribute", "notification attribute"); `base` is the offset of `bytes[0]`.
    pub(crate) fn new(bytes: &'a [u8], base: usize, element: &'static str) -> Self {
        AttributeIter {
            r: Reader::new(bytes, base, element),
            count: 0,
            done: false,
        }
    }

    fn fail(&mut self, e: ParseError) -> Option<Result<Attribute<'a>, ParseError>> {
        self.done = true;
        Some(Err(e))
    }
}

impl<'a> Iterator for AttributeIter<'a> {
    type Item = Result<Attribute<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.r.remaining() == 0 {
            self.done = true;
            return None;
        }
        if self.count >= MAX_ATTRIBUTES {
            let e = self.r.error(
                "attribute type",
                ErrorKind::TooMany {
                    limit: MAX_ATTRIBUTES,
                },
            );
            return self.fail(e);
        }
        let offset = self.r.offset();
        let raw_type = match self.r.u16("attribute type") {
            Ok(t) => t,
            Err(e) => return self.fail(e),
        };
        let attr_type = raw_type & !AF;
        let value = if raw_type & AF != 0 {
            match self.r.u16("attribute value") {
                Ok(v) => AttrValue::Basic(v),
                Err(e) => return self.fail(e),
            }
        } else {
            let len_at = self.r.offset();
            let len = match self.r.u16("attribute length") {
                Ok(l) => usize::from(l),
                Err(e) => return self.fail(e),
            };
            if len > self.r.remaining() {
                let e = ParseError::new(
                    self.r.element(),
                    "attribute length",
                    len_at,
                    ErrorKind::BadLength {
                        value: len,
                        min: 0,
                        max: self.r.remaining(),
                    },
                );
                return self.fail(e);
            }
            match self.r.take(len, "attribute value") {
                Ok(b) => AttrValue::Variable(b),
                Err(e) => return self.fail(e),
            }
        };
        self.count += 1;
        Some(Ok(Attribute {
            attr_type,
            value,
            offset,
        }))
    }
}

impl FusedIterator for AttributeIter<'_> {}

// ---------------------------------------------------------------------------------------------
// Phase 1: RFC 2409 Appendix A

open_enum! {
    /// Phase-1 attribute classes (RFC 2409 Appendix A, IANA "IPSEC Attributes": "Attribute
    /// Classes").
    pub struct IkeAttrType(u16) {
        ENCRYPTION_ALGORITHM = 1 => "Encryption Algorithm",
        HASH_ALGORITHM = 2 => "Hash Algorithm",
        AUTHENTICATION_METHOD = 3 => "Authentication Method",
        GROUP_DESCRIPTION = 4 => "Group Description",
        GROUP_TYPE = 5 => "Group Type",
        GROUP_PRIME = 6 => "Group Prime/Irreducible Polynomial",
        GROUP_GENERATOR_ONE = 7 => "Group Generator One",
        GROUP_GENERATOR_TWO = 8 => "Group Generator Two",
        GROUP_CURVE_A = 9 => "Group Curve A",
        GROUP_CURVE_B = 10 => "Group Curve B",
        LIFE_TYPE = 11 => "Life Type",
        LIFE_DURATION = 12 => "Life Duration",
        PRF = 13 => "PRF",
        KEY_LENGTH = 14 => "Key Length",
        FIELD_SIZE = 15 => "Field Size",
        GROUP_ORDER = 16 => "Group Order",
        BLOCK_SIZE = 17 => "Block Size",
    }
}
display_by_name!(IkeAttrType, "ATTRIBUTE");

open_enum! {
    /// Phase-1 encryption algorithm (RFC 2409 Appendix A; AES RFC 3602, Camellia RFC 4312).
    /// Names as strongSwan and ikescope's truth files print them.
    pub struct IkeEncryption(u16) {
        DES_CBC = 1 => "DES-CBC",
        IDEA_CBC = 2 => "IDEA-CBC",
        BLOWFISH_CBC = 3 => "Blowfish-CBC",
        RC5_R16_B64_CBC = 4 => "RC5-R16-B64-CBC",
        TRIPLE_DES_CBC = 5 => "3DES-CBC",
        CAST_CBC = 6 => "CAST-CBC",
        AES_CBC = 7 => "AES-CBC",
        CAMELLIA_CBC = 8 => "Camellia-CBC",
    }
}
display_by_name!(IkeEncryption, "ENCR");

impl IkeEncryption {
    /// Cisco `crypto isakmp policy` word: `des`, `3des`, `aes`.
    pub const fn cisco_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "des",
            5 => "3des",
            7 => "aes",
            _ => return None,
        })
    }
}

open_enum! {
    /// Phase-1 hash algorithm (RFC 2409 Appendix A; SHA-2 from RFC 4868 §2.3 / IANA).
    pub struct IkeHash(u16) {
        MD5 = 1 => "MD5",
        SHA1 = 2 => "SHA1",
        TIGER = 3 => "Tiger",
        SHA2_256 = 4 => "SHA2-256",
        SHA2_384 = 5 => "SHA2-384",
        SHA2_512 = 6 => "SHA2-512",
    }
}
display_by_name!(IkeHash, "HASH");

open_enum! {
    /// Phase-1 authentication method (RFC 2409 Appendix A; ECDSA RFC 4754; hybrid
    /// draft-ietf-ipsec-isakmp-hybrid-auth-05; XAUTH draft-beaulieu-ike-xauth-02 §7.2).
    pub struct AuthMethod(u16) {
        PRE_SHARED_KEY = 1 => "PSK",
        DSS_SIGNATURES = 2 => "DSS-SIG",
        RSA_SIGNATURES = 3 => "RSA-SIG",
        RSA_ENCRYPTION = 4 => "RSA-ENC",
        RSA_REVISED_ENCRYPTION = 5 => "RSA-ENC-REV",
        ECDSA_SHA256_P256 = 9 => "ECDSA-256",
        ECDSA_SHA384_P384 = 10 => "ECDSA-384",
        ECDSA_SHA512_P521 = 11 => "ECDSA-521",
        HYBRID_INIT_RSA = 64221 => "HybridInitRSA",
        HYBRID_RESP_RSA = 64222 => "HybridRespRSA",
        HYBRID_INIT_DSS = 64223 => "HybridInitDSS",
        HYBRID_RESP_DSS = 64224 => "HybridRespDSS",
        XAUTH_INIT_PRE_SHARED = 65001 => "XAUTHInitPreShared",
        XAUTH_RESP_PRE_SHARED = 65002 => "XAUTHRespPreShared",
        XAUTH_INIT_DSS = 65003 => "XAUTHInitDSS",
        XAUTH_RESP_DSS = 65004 => "XAUTHRespDSS",
        XAUTH_INIT_RSA = 65005 => "XAUTHInitRSA",
        XAUTH_RESP_RSA = 65006 => "XAUTHRespRSA",
        XAUTH_INIT_RSA_ENCRYPTION = 65007 => "XAUTHInitRSAEncryption",
        XAUTH_RESP_RSA_ENCRYPTION = 65008 => "XAUTHRespRSAEncryption",
        XAUTH_INIT_RSA_REVISED_ENCRYPTION = 65009 => "XAUTHInitRSARevisedEncryption",
        XAUTH_RESP_RSA_REVISED_ENCRYPTION = 65010 => "XAUTHRespRSARevisedEncryption",
    }
}
display_by_name!(AuthMethod, "AUTH");

impl AuthMethod {
    /// Whether SKEYID is computed from a pre-shared key (RFC 2409 §5: `prf(pre-shared-key,
    /// Ni_b | Nr_b)`), which includes XAUTH over PSK.
    pub const fn uses_psk(self) -> bool {
        matches!(self.0, 1 | 65001 | 65002)
    }

    /// Cisco `authentication` word: `pre-share`, `rsa-sig`, `rsa-encr`.
    pub const fn cisco_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 | 65001 | 65002 => "pre-share",
            3 | 65005 | 65006 => "rsa-sig",
            4 | 5 => "rsa-encr",
            9..=11 => "ecdsa-sig",
            _ => return None,
        })
    }
}

open_enum! {
    /// Diffie-Hellman group (RFC 2409 §6 and Appendix A "Group Description", RFC 3526, RFC
    /// 5903, RFC 5114, RFC 6954, RFC 8031; the same numbers serve the IPsec DOI's PFS Group
    /// Description, RFC 2407 §4.5). strongSwan's names.
    pub struct DhGroup(u16) {
        MODP_768 = 1 => "MODP_768",
        MODP_1024 = 2 => "MODP_1024",
        EC2N_155 = 3 => "EC2N_155",
        EC2N_185 = 4 => "EC2N_185",
        MODP_1536 = 5 => "MODP_1536",
        EC2N_163_A = 6 => "EC2N_163",
        EC2N_163_B = 7 => "EC2N_163",
        EC2N_283_A = 8 => "EC2N_283",
        EC2N_283_B = 9 => "EC2N_283",
        EC2N_409_A = 10 => "EC2N_409",
        EC2N_409_B = 11 => "EC2N_409",
        EC2N_571_A = 12 => "EC2N_571",
        EC2N_571_B = 13 => "EC2N_571",
        MODP_2048 = 14 => "MODP_2048",
        MODP_3072 = 15 => "MODP_3072",
        MODP_4096 = 16 => "MODP_4096",
        MODP_6144 = 17 => "MODP_6144",
        MODP_8192 = 18 => "MODP_8192",
        ECP_256 = 19 => "ECP_256",
        ECP_384 = 20 => "ECP_384",
        ECP_521 = 21 => "ECP_521",
        MODP_1024_160 = 22 => "MODP_1024_160",
        MODP_2048_224 = 23 => "MODP_2048_224",
        MODP_2048_256 = 24 => "MODP_2048_256",
        ECP_192 = 25 => "ECP_192",
        ECP_224 = 26 => "ECP_224",
        ECP_224_BP = 27 => "ECP_224_BP",
        ECP_256_BP = 28 => "ECP_256_BP",
        ECP_384_BP = 29 => "ECP_384_BP",
        ECP_512_BP = 30 => "ECP_512_BP",
        CURVE_25519 = 31 => "CURVE_25519",
        CURVE_448 = 32 => "CURVE_448",
    }
}
display_by_name!(DhGroup, "GROUP");

impl DhGroup {
    /// Size in bits of the prime of a MODP group (what a KE payload of g^x must be padded to).
    pub const fn modp_bits(self) -> Option<u16> {
        Some(match self.0 {
            1 => 768,
            2 | 22 => 1024,
            5 => 1536,
            14 | 23 | 24 => 2048,
            15 => 3072,
            16 => 4096,
            17 => 6144,
            18 => 8192,
            _ => return None,
        })
    }

    /// Cisco's word: `group14`.
    pub fn cisco_name(self) -> String {
        format!("group{}", self.0)
    }
}

open_enum! {
    /// Group type for a private group (RFC 2409 Appendix A).
    pub struct GroupType(u16) {
        MODP = 1 => "MODP",
        ECP = 2 => "ECP",
        EC2N = 3 => "EC2N",
    }
}
display_by_name!(GroupType, "GROUP-TYPE");

open_enum! {
    /// Life Type (RFC 2409 Appendix A; the IPsec DOI's SA Life Type, RFC 2407 §4.5, uses the
    /// same values). Names as in ikescope's truth files.
    pub struct LifeType(u16) {
        SECONDS = 1 => "seconds",
        KILOBYTES = 2 => "kilobytes",
    }
}
display_by_name!(LifeType, "LIFE-TYPE");

/// A decoded phase-1 transform attribute (RFC 2409 Appendix A).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IkeAttribute<'a> {
    EncryptionAlgorithm(IkeEncryption),
    HashAlgorithm(IkeHash),
    AuthenticationMethod(AuthMethod),
    GroupDescription(DhGroup),
    GroupType(GroupType),
    GroupPrime(AttrValue<'a>),
    GroupGeneratorOne(AttrValue<'a>),
    GroupGeneratorTwo(AttrValue<'a>),
    GroupCurveA(AttrValue<'a>),
    GroupCurveB(AttrValue<'a>),
    LifeType(LifeType),
    /// Seconds or kilobytes, per the preceding Life Type; basic or variable (up to 8 bytes).
    LifeDuration(u64),
    /// "There are currently no pseudo-random functions defined" (RFC 2409 Appendix A).
    Prf(u16),
    /// In bits.
    KeyLength(u16),
    FieldSize(u16),
    GroupOrder(AttrValue<'a>),
    BlockSize(u16),
    Other {
        attr_type: IkeAttrType,
        value: AttrValue<'a>,
    },
}

const TRANSFORM_ATTRIBUTE: &str = "transform attribute";

impl<'a> IkeAttribute<'a> {
    /// Errors: an integer-valued attribute longer than 8 bytes (`BadLength`), or one whose
    /// value does not fit the 16-bit field it names (`BadValue`).
    pub fn decode(a: &Attribute<'a>) -> Result<IkeAttribute<'a>, ParseError> {
        let t = IkeAttrType(a.attr_type);
        let field = t.name().unwrap_or("attribute value");
        let e = TRANSFORM_ATTRIBUTE;
        Ok(match t {
            IkeAttrType::ENCRYPTION_ALGORITHM => {
                IkeAttribute::EncryptionAlgorithm(IkeEncryption(a.short(e, field)?))
            }
            IkeAttrType::HASH_ALGORITHM => IkeAttribute::HashAlgorithm(IkeHash(a.short(e, field)?)),
            IkeAttrType::AUTHENTICATION_METHOD => {
                IkeAttribute::AuthenticationMethod(AuthMethod(a.short(e, field)?))
            }
            IkeAttrType::GROUP_DESCRIPTION => {
                IkeAttribute::GroupDescription(DhGroup(a.short(e, field)?))
            }
            IkeAttrType::GROUP_TYPE => IkeAttribute::GroupType(GroupType(a.short(e, field)?)),
            IkeAttrType::GROUP_PRIME => IkeAttribute::GroupPrime(a.value),
            IkeAttrType::GROUP_GENERATOR_ONE => IkeAttribute::GroupGeneratorOne(a.value),
            IkeAttrType::GROUP_GENERATOR_TWO => IkeAttribute::GroupGeneratorTwo(a.value),
            IkeAttrType::GROUP_CURVE_A => IkeAttribute::GroupCurveA(a.value),
            IkeAttrType::GROUP_CURVE_B => IkeAttribute::GroupCurveB(a.value),
            IkeAttrType::LIFE_TYPE => IkeAttribute::LifeType(LifeType(a.short(e, field)?)),
            IkeAttrType::LIFE_DURATION => IkeAttribute::LifeDuration(a.number(e, field)?),
            IkeAttrType::PRF => IkeAttribute::Prf(a.short(e, field)?),
            IkeAttrType::KEY_LENGTH => IkeAttribute::KeyLength(a.short(e, field)?),
            IkeAttrType::FIELD_SIZE => IkeAttribute::FieldSize(a.short(e, field)?),
            IkeAttrType::GROUP_ORDER => IkeAttribute::GroupOrder(a.value),
            IkeAttrType::BLOCK_SIZE => IkeAttribute::BlockSize(a.short(e, field)?),
            other => IkeAttribute::Other {
                attr_type: other,
                value: a.value,
            },
        })
    }
}

impl fmt::Display for IkeAttribute<'_> {
    /// `Encryption Algorithm: AES-CBC`, `Key Length: 128`, `Life Duration: 86400`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IkeAttribute as A;
        match self {
            A::EncryptionAlgorithm(v) => write!(f, "Encryption Algorithm: {v}"),
            A::HashAlgorithm(v) => write!(f, "Hash Algorithm: {v}"),
            A::AuthenticationMethod(v) => write!(f, "Authentication Method: {v}"),
            A::GroupDescription(v) => write!(f, "Group Description: {v}"),
            A::GroupType(v) => write!(f, "Group Type: {v}"),
            A::GroupPrime(v) => write!(f, "Group Prime: {v}"),
            A::GroupGeneratorOne(v) => write!(f, "Group Generator One: {v}"),
            A::GroupGeneratorTwo(v) => write!(f, "Group Generator Two: {v}"),
            A::GroupCurveA(v) => write!(f, "Group Curve A: {v}"),
            A::GroupCurveB(v) => write!(f, "Group Curve B: {v}"),
            A::LifeType(v) => write!(f, "Life Type: {v}"),
            A::LifeDuration(v) => write!(f, "Life Duration: {v}"),
            A::Prf(v) => write!(f, "PRF: {v}"),
            A::KeyLength(v) => write!(f, "Key Length: {v}"),
            A::FieldSize(v) => write!(f, "Field Size: {v}"),
            A::GroupOrder(v) => write!(f, "Group Order: {v}"),
            A::BlockSize(v) => write!(f, "Block Size: {v}"),
            A::Other { attr_type, value } => write!(f, "{attr_type}: {value}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IPsec DOI: RFC 2407 §4.5

open_enum! {
    /// IPsec DOI SA attribute types (RFC 2407 §4.5; ECN RFC 3168; ESN RFC 4304; RFC 4359;
    /// GDOI RFC 6407).
    pub struct IpsecAttrType(u16) {
        SA_LIFE_TYPE = 1 => "SA Life Type",
        SA_LIFE_DURATION = 2 => "SA Life Duration",
        GROUP_DESCRIPTION = 3 => "Group Description",
        ENCAPSULATION_MODE = 4 => "Encapsulation Mode",
        AUTHENTICATION_ALGORITHM = 5 => "Authentication Algorithm",
        KEY_LENGTH = 6 => "Key Length",
        KEY_ROUNDS = 7 => "Key Rounds",
        COMPRESS_DICTIONARY_SIZE = 8 => "Compress Dictionary Size",
        COMPRESS_PRIVATE_ALGORITHM = 9 => "Compress Private Algorithm",
        ECN_TUNNEL = 10 => "ECN Tunnel",
        EXTENDED_SEQUENCE_NUMBER = 11 => "Extended (64-bit) Sequence Number",
        AUTHENTICATION_KEY_LENGTH = 12 => "Authentication Key Length",
        SIGNATURE_ENCODING_ALGORITHM = 13 => "Signature Encoding Algorithm",
        ADDRESS_PRESERVATION = 14 => "Address Preservation",
        SA_DIRECTION = 15 => "SA Direction",
    }
}
display_by_name!(IpsecAttrType, "ATTRIBUTE");

open_enum! {
    /// Encapsulation Mode (RFC 2407 §4.5; UDP-encapsulated RFC 3947 §5.1, and the values the
    /// NAT-T drafts used, still sent by older peers).
    pub struct EncapsulationMode(u16) {
        TUNNEL = 1 => "Tunnel",
        TRANSPORT = 2 => "Transport",
        UDP_TUNNEL = 3 => "UDP-Encapsulated-Tunnel",
        UDP_TRANSPORT = 4 => "UDP-Encapsulated-Transport",
        CHECKPOINT_UDP = 61440 => "Check Point UDP Encapsulation",
        UDP_TUNNEL_DRAFT = 61443 => "UDP-Encapsulated-Tunnel (draft)",
        UDP_TRANSPORT_DRAFT = 61444 => "UDP-Encapsulated-Transport (draft)",
    }
}
display_by_name!(EncapsulationMode, "ENCAP");

impl EncapsulationMode {
    /// Tunnel mode, plain or UDP-encapsulated.
    pub const fn is_tunnel(self) -> bool {
        matches!(self.0, 1 | 3 | 61443)
    }

    /// Transport mode, plain or UDP-encapsulated.
    pub const fn is_transport(self) -> bool {
        matches!(self.0, 2 | 4 | 61444)
    }

    /// ESP in UDP (RFC 3948), RFC or draft numbering.
    pub const fn is_udp_encapsulated(self) -> bool {
        matches!(self.0, 3 | 4 | 61440 | 61443 | 61444)
    }
}

open_enum! {
    /// IPsec DOI Authentication Algorithm attribute (RFC 2407 §4.5; SHA-2 RFC 4868 §2.4,
    /// XCBC RFC 3566, GMAC RFC 4543).
    pub struct AuthAlgorithm(u16) {
        HMAC_MD5 = 1 => "HMAC-MD5",
        HMAC_SHA = 2 => "HMAC-SHA",
        DES_MAC = 3 => "DES-MAC",
        KPDK = 4 => "KPDK",
        HMAC_SHA2_256 = 5 => "HMAC-SHA2-256",
        HMAC_SHA2_384 = 6 => "HMAC-SHA2-384",
        HMAC_SHA2_512 = 7 => "HMAC-SHA2-512",
        HMAC_RIPEMD = 8 => "HMAC-RIPEMD",
        AES_XCBC_MAC = 9 => "AES-XCBC-MAC",
        SIG_RSA = 10 => "SIG-RSA",
        AES_128_GMAC = 11 => "AES-128-GMAC",
        AES_192_GMAC = 12 => "AES-192-GMAC",
        AES_256_GMAC = 13 => "AES-256-GMAC",
    }
}
display_by_name!(AuthAlgorithm, "AUTH-ALG");

/// A decoded IPsec DOI attribute (RFC 2407 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpsecAttribute<'a> {
    SaLifeType(LifeType),
    /// Seconds or kilobytes per the preceding SA Life Type; basic or variable (≤ 8 bytes).
    SaLifeDuration(u64),
    /// The PFS group: its presence in quick mode means a KE payload follows (RFC 2409 §5.5).
    GroupDescription(DhGroup),
    EncapsulationMode(EncapsulationMode),
    AuthenticationAlgorithm(AuthAlgorithm),
    /// In bits.
    KeyLength(u16),
    KeyRounds(u16),
    CompressDictionarySize(u16),
    CompressPrivateAlgorithm(AttrValue<'a>),
    /// 1 allowed, 2 forbidden (RFC 3168 §9.2.1).
    EcnTunnel(u16),
    /// 1 = 64-bit sequence numbers (RFC 4304 §3).
    ExtendedSequenceNumber(u16),
    AuthenticationKeyLength(u16),
    SignatureEncodingAlgorithm(u16),
    AddressPreservation(u16),
    SaDirection(u16),
    Other {
        attr_type: IpsecAttrType,
        value: AttrValue<'a>,
    },
}

impl<'a> IpsecAttribute<'a> {
    /// Errors as for [`IkeAttribute::decode`].
    pub fn decode(a: &Attribute<'a>) -> Result<IpsecAttribute<'a>, ParseError> {
        let t = IpsecAttrType(a.attr_type);
        let field = t.name().unwrap_or("attribute value");
        let e = TRANSFORM_ATTRIBUTE;
        use IpsecAttribute as A;
        Ok(match t {
            IpsecAttrType::SA_LIFE_TYPE => A::SaLifeType(LifeType(a.short(e, field)?)),
            IpsecAttrType::SA_LIFE_DURATION => A::SaLifeDuration(a.number(e, field)?),
            IpsecAttrType::GROUP_DESCRIPTION => A::GroupDescription(DhGroup(a.short(e, field)?)),
            IpsecAttrType::ENCAPSULATION_MODE => {
                A::EncapsulationMode(EncapsulationMode(a.short(e, field)?))
            }
            IpsecAttrType::AUTHENTICATION_ALGORITHM => {
                A::AuthenticationAlgorithm(AuthAlgorithm(a.short(e, field)?))
            }
            IpsecAttrType::KEY_LENGTH => A::KeyLength(a.short(e, field)?),
            IpsecAttrType::KEY_ROUNDS => A::KeyRounds(a.short(e, field)?),
            IpsecAttrType::COMPRESS_DICTIONARY_SIZE => {
                A::CompressDictionarySize(a.short(e, field)?)
            }
            IpsecAttrType::COMPRESS_PRIVATE_ALGORITHM => A::CompressPrivateAlgorithm(a.value),
            IpsecAttrType::ECN_TUNNEL => A::EcnTunnel(a.short(e, field)?),
            IpsecAttrType::EXTENDED_SEQUENCE_NUMBER => {
                A::ExtendedSequenceNumber(a.short(e, field)?)
            }
            IpsecAttrType::AUTHENTICATION_KEY_LENGTH => {
                A::AuthenticationKeyLength(a.short(e, field)?)
            }
            IpsecAttrType::SIGNATURE_ENCODING_ALGORITHM => {
                A::SignatureEncodingAlgorithm(a.short(e, field)?)
            }
            IpsecAttrType::ADDRESS_PRESERVATION => A::AddressPreservation(a.short(e, field)?),
            IpsecAttrType::SA_DIRECTION => A::SaDirection(a.short(e, field)?),
            other => A::Other {
                attr_type: other,
                value: a.value,
            },
        })
    }
}

impl fmt::Display for IpsecAttribute<'_> {
    /// `SA Life Type: seconds`, `Encapsulation Mode: Tunnel`, `Key Length: 128`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IpsecAttribute as A;
        match self {
            A::SaLifeType(v) => write!(f, "SA Life Type: {v}"),
            A::SaLifeDuration(v) => write!(f, "SA Life Duration: {v}"),
            A::GroupDescription(v) => write!(f, "Group Description: {v}"),
            A::EncapsulationMode(v) => write!(f, "Encapsulation Mode: {v}"),
            A::AuthenticationAlgorithm(v) => write!(f, "Authentication Algorithm: {v}"),
            A::KeyLength(v) => write!(f, "Key Length: {v}"),
            A::KeyRounds(v) => write!(f, "Key Rounds: {v}"),
            A::CompressDictionarySize(v) => write!(f, "Compress Dictionary Size: {v}"),
            A::CompressPrivateAlgorithm(v) => write!(f, "Compress Private Algorithm: {v}"),
            A::EcnTunnel(v) => write!(
                f,
                "ECN Tunnel: {}",
                match v {
                    1 => "Allowed".to_string(),
                    2 => "Forbidden".to_string(),
                    n => n.to_string(),
                }
            ),
            A::ExtendedSequenceNumber(v) => write!(
                f,
                "Extended (64-bit) Sequence Number: {}",
                if *v == 1 {
                    "64-bit".to_string()
                } else {
                    v.to_string()
                }
            ),
            A::AuthenticationKeyLength(v) => write!(f, "Authentication Key Length: {v}"),
            A::SignatureEncodingAlgorithm(v) => write!(f, "Signature Encoding Algorithm: {v}"),
            A::AddressPreservation(v) => write!(f, "Address Preservation: {v}"),
            A::SaDirection(v) => write!(f, "SA Direction: {v}"),
            A::Other { attr_type, value } => write!(f, "{attr_type}: {value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attributes of the phase-1 transform in captures/lab/mm-psk-aes128-sha1-g14 MM1
    /// (frame 3, offset 56), all basic, then a variable Life Duration of 86400 (4 bytes) as
    /// Cisco IOS sends it.
    const MM1_ATTRS: &str = "80010007800e00808002000280040\
                             00e80030001800b0001800c3de0000c000400015180";

    #[test]
    fn decodes_phase1_attributes() {
        let b = hex::decode(MM1_ATTRS.replace(' ', "")).unwrap();
        let attrs: Vec<_> = AttributeIter::new(&b, 56, TRANSFORM_ATTRIBUTE)
            .map(|a| a.unwrap())
            .collect();
        assert_eq!(attrs.len(), 8);
        assert_eq!((attrs[0].offset, attrs[7].offset), (56, 84));
        let decoded: Vec<String> = attrs.iter().map(|a| a.ike().unwrap().to_string()).collect();
        assert_eq!(
            decoded,
            [
                "Encryption Algorithm: AES-CBC",
                "Key Length: 128",
                "Hash Algorithm: SHA1",
                "Group Description: MODP_2048",
                "Authentication Method: PSK",
                "Life Type: seconds",
                "Life Duration: 15840",
                "Life Duration: 86400",
            ]
        );
        assert_eq!(attrs[6].value, AttrValue::Basic(15840));
        assert_eq!(attrs[7].value, AttrValue::Variable(&[0, 1, 0x51, 0x80]));
    }

    #[test]
    fn variable_length_past_the_end_is_named() {
        // Life Duration claiming 8 bytes with 2 present.
        let b = [0x00, 0x0c, 0x00, 0x08, 0x01, 0x02];
        let mut it = AttributeIter::new(&b, 100, TRANSFORM_ATTRIBUTE);
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            (TRANSFORM_ATTRIBUTE, "attribute length", 102)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 8,
                min: 0,
                max: 2
            }
        );
        assert!(it.next().is_none());
        // Half an attribute header.
        let e = AttributeIter::new(&[0x80], 7, TRANSFORM_ATTRIBUTE)
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!((e.field, e.offset), ("attribute type", 7));
    }

    #[test]
    fn long_life_duration_is_an_error_not_a_panic() {
        let nine = [1u8; 9];
        let a = Attribute {
            attr_type: 12,
            value: AttrValue::Variable(&nine),
            offset: 40,
        };
        let e = a.ike().unwrap_err();
        assert_eq!((e.field, e.offset), ("Life Duration", 40));
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 9,
                min: 0,
                max: 8
            }
        );
        let eight = [0, 0, 0, 1, 0, 0, 0, 0];
        let a = Attribute {
            attr_type: 2,
            value: AttrValue::Variable(&eight),
            offset: 0,
        };
        assert_eq!(a.ipsec().unwrap(), IpsecAttribute::SaLifeDuration(1 << 32));
        // An enumeration that does not fit 16 bits.
        let a = Attribute {
            attr_type: 1,
            value: AttrValue::Variable(&[1, 0, 0]),
            offset: 0,
        };
        assert_eq!(
            a.ike().unwrap_err().kind,
            ErrorKind::BadValue { value: 0x10000 }
        );
    }

    #[test]
    fn attribute_count_is_capped() {
        let b: Vec<u8> = std::iter::repeat_n([0x80, 0x01, 0x00, 0x01], 600)
            .flatten()
            .collect();
        let v: Vec<_> = AttributeIter::new(&b, 0, TRANSFORM_ATTRIBUTE).collect();
        assert_eq!(v.len(), MAX_ATTRIBUTES + 1);
        assert_eq!(
            v.last().unwrap().as_ref().unwrap_err().kind,
            ErrorKind::TooMany {
                limit: MAX_ATTRIBUTES
            }
        );
    }

    #[test]
    fn names() {
        assert_eq!(DhGroup(14).to_string(), "MODP_2048");
        assert_eq!(DhGroup(14).cisco_name(), "group14");
        assert_eq!(DhGroup(99).to_string(), "GROUP(99)");
        assert_eq!(DhGroup::MODP_1536.modp_bits(), Some(1536));
        assert_eq!(AuthMethod(65001).to_string(), "XAUTHInitPreShared");
        assert!(AuthMethod(65001).uses_psk());
        assert_eq!(
            EncapsulationMode(61443).to_string(),
            "UDP-Encapsulated-Tunnel (draft)"
        );
        assert!(EncapsulationMode(61443).is_udp_encapsulated());
        assert!(EncapsulationMode::UDP_TUNNEL.is_tunnel());
        assert_eq!(AuthAlgorithm(9).to_string(), "AES-XCBC-MAC");
        assert_eq!(IkeEncryption(8).to_string(), "Camellia-CBC");
        assert_eq!(IkeHash(4).to_string(), "SHA2-256");
        assert_eq!(
            AttrValue::Variable(&[0xff; 9]).to_string(),
            "0xffffffffffffffffff"
        );
        assert_eq!(AttrValue::Basic(28800).to_string(), "28800");
    }
}
