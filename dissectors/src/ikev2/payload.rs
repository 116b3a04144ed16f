//! Decoded IKEv2 payload bodies (RFC 7296 §3.3–3.16, RFC 7383 §2.5). All borrow the message.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::chain::RawPayload;
use super::names::{
    AuthMethod, CertEncoding, CfgAttributeType, CfgType, DhGroup, EapCode, EapType, IdType,
    NotifyType, PayloadType, ProtocolId, SignatureHashAlgorithm,
};
use super::reader::Reader;
use super::sa::SaPayload;
use super::ts::TsPayload;
use crate::error::{ErrorKind, ParseError};

/// At most this many configuration attributes in one CP payload.
pub const MAX_CFG_ATTRIBUTES: usize = 64;

/// A decoded payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload<'a> {
    Sa(SaPayload<'a>),
    Ke(KePayload<'a>),
    IdI(IdPayload<'a>),
    IdR(IdPayload<'a>),
    Cert(CertPayload<'a>),
    CertReq(CertPayload<'a>),
    Auth(AuthPayload<'a>),
    Nonce(NoncePayload<'a>),
    Notify(NotifyPayload<'a>),
    Delete(DeletePayload<'a>),
    VendorId(VendorIdPayload<'a>),
    TsI(TsPayload<'a>),
    TsR(TsPayload<'a>),
    Sk(EncryptedPayload<'a>),
    Cp(CpPayload<'a>),
    Eap(EapPayload<'a>),
    Skf(EncryptedFragmentPayload<'a>),
    /// A type this crate does not decode (GSPM, G-IKEv2, private use…), with its bytes.
    Unknown(UnknownPayload<'a>),
}

impl<'a> Payload<'a> {
    pub(super) fn decode(raw: &RawPayload<'a>) -> Result<Payload<'a>, ParseError> {
        let body = raw.body;
        let base = raw.body_offset();
        let element = raw.payload_type.element();
        Ok(match raw.payload_type {
            PayloadType::SA => Payload::Sa(SaPayload::parse(body, base)?),
            PayloadType::KE => Payload::Ke(KePayload::parse(body, base)?),
            PayloadType::IDI => Payload::IdI(IdPayload::parse(body, base, element)?),
            PayloadType::IDR => Payload::IdR(IdPayload::parse(body, base, element)?),
            PayloadType::CERT => Payload::Cert(CertPayload::parse(body, base, element)?),
            PayloadType::CERTREQ => Payload::CertReq(CertPayload::parse(body, base, element)?),
            PayloadType::AUTH => Payload::Auth(AuthPayload::parse(body, base)?),
            PayloadType::NONCE => Payload::Nonce(NoncePayload { data: body }),
            PayloadType::NOTIFY => Payload::Notify(NotifyPayload::parse(body, base)?),
            PayloadType::DELETE => Payload::Delete(DeletePayload::parse(body, base)?),
            PayloadType::VENDOR_ID => Payload::VendorId(VendorIdPayload { data: body }),
            PayloadType::TSI => Payload::TsI(TsPayload::parse(body, base, element)?),
            PayloadType::TSR => Payload::TsR(TsPayload::parse(body, base, element)?),
            PayloadType::SK => Payload::Sk(EncryptedPayload {
                first_payload: raw.next_payload,
                offset: raw.offset,
                body_offset: base,
                body,
            }),
            PayloadType::CP => Payload::Cp(CpPayload::parse(body, base)?),
            PayloadType::EAP => Payload::Eap(EapPayload::parse(body, base)?),
            PayloadType::SKF => Payload::Skf(EncryptedFragmentPayload::parse(raw)?),
            payload_type => Payload::Unknown(UnknownPayload {
                payload_type,
                critical: raw.critical,
                body,
            }),
        })
    }

    /// The payload's type.
    pub fn payload_type(&self) -> PayloadType {
        match self {
            Payload::Sa(_) => PayloadType::SA,
            Payload::Ke(_) => PayloadType::KE,
            Payload::IdI(_) => PayloadType::IDI,
            Payload::IdR(_) => PayloadType::IDR,
            Payload::Cert(_) => PayloadType::CERT,
            Payload::CertReq(_) => PayloadType::CERTREQ,
            Payload::Auth(_) => PayloadType::AUTH,
            Payload::Nonce(_) => PayloadType::NONCE,
            Payload::Notify(_) => PayloadType::NOTIFY,
            Payload::Delete(_) => PayloadType::DELETE,
            Payload::VendorId(_) => PayloadType::VENDOR_ID,
            Payload::TsI(_) => PayloadType::TSI,
            Payload::TsR(_) => PayloadType::TSR,
            Payload::Sk(_) => PayloadType::SK,
            Payload::Cp(_) => PayloadType::CP,
            Payload::Eap(_) => PayloadType::EAP,
            Payload::Skf(_) => PayloadType::SKF,
            Payload::Unknown(u) => u.payload_type,
        }
    }
}

impl fmt::Display for Payload<'_> {
    /// One line, in RFC 7296 notation: `SA(#1 IKE: ENCR_AES_CBC_128/…)`, `KE(MODP_2048, 256
    /// bytes)`, `IDi(192.0.2.1)`, `N(NAT_DETECTION_SOURCE_IP)`, `TSi(198.51.100.0/24)`,
    /// `SK(first IDi, 224 bytes)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.payload_type();
        match self {
            Payload::Sa(p) => write!(f, "{t}({p})"),
            Payload::Ke(p) => write!(f, "{t}({p})"),
            Payload::IdI(p) | Payload::IdR(p) => write!(f, "{t}({p})"),
            Payload::Cert(p) | Payload::CertReq(p) => write!(f, "{t}({p})"),
            Payload::Auth(p) => write!(f, "{t}({p})"),
            Payload::Nonce(p) => write!(f, "{t}({} bytes)", p.data.len()),
            Payload::Notify(p) => write!(f, "{t}({p})"),
            Payload::Delete(p) => write!(f, "{t}({p})"),
            Payload::VendorId(p) => write!(f, "{t}({p})"),
            Payload::TsI(p) | Payload::TsR(p) => write!(f, "{t}({p})"),
            Payload::Sk(p) => write!(f, "{t}({p})"),
            Payload::Cp(p) => write!(f, "{t}({p})"),
            Payload::Eap(p) => write!(f, "{t}({p})"),
            Payload::Skf(p) => write!(f, "{t}({p})"),
            Payload::Unknown(p) => write!(f, "{p}"),
        }
    }
}

/// Writes bytes as lowercase hex.
fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

/// Writes wire text with anything unprintable escaped, so a hostile identity cannot write
/// control characters to a terminal.
fn write_text(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    write!(f, "{}", bytes.escape_ascii())
}

/// Key Exchange payload (RFC 7296 §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KePayload<'a> {
    pub dh_group: DhGroup,
    /// The sender's public value (g^x for MODP).
    pub data: &'a [u8],
}

impl<'a> KePayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "KE payload");
        let dh_group = DhGroup(r.u16("DH group")?);
        r.take(2, "reserved")?;
        Ok(KePayload {
            dh_group,
            data: r.rest(),
        })
    }

    /// False when the group has a fixed public value length and the data does not match it
    /// (RFC 7296 §3.4: such a payload is INVALID_SYNTAX).
    pub fn length_matches_group(&self) -> bool {
        self.dh_group
            .public_value_len()
            .is_none_or(|n| n == self.data.len())
    }
}

impl fmt::Display for KePayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} bytes", self.dh_group, self.data.len())
    }
}

/// Identification payload IDi or IDr (RFC 7296 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPayload<'a> {
    pub id_type: IdType,
    /// The raw Identification Data.
    pub data: &'a [u8],
    pub identity: Identity<'a>,
}

/// An identity decoded according to its ID type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identity<'a> {
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Fqdn(&'a [u8]),
    /// An email address (ID_RFC822_ADDR).
    Rfc822(&'a [u8]),
    /// DER-encoded X.500 distinguished name, not decoded here.
    DerAsn1Dn(&'a [u8]),
    DerAsn1Gn(&'a [u8]),
    KeyId(&'a [u8]),
    FcName(&'a [u8]),
    /// ID_NULL (RFC 7619): anonymous.
    Null,
    Other(IdType, &'a [u8]),
}

impl fmt::Display for Identity<'_> {
    /// `192.0.2.1`, `2001:db8::1`, `fqdn:left.example.org`, `email:a@b`, `keyid:lab-right`
    /// (or `keyid:0x…` when not printable), `dn:0x…`, `null`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Identity::Ipv4(a) => write!(f, "{a}"),
            Identity::Ipv6(a) => write!(f, "{a}"),
            Identity::Fqdn(s) => {
                f.write_str("fqdn:")?;
                write_text(f, s)
            }
            Identity::Rfc822(s) => {
                f.write_str("email:")?;
                write_text(f, s)
            }
            Identity::KeyId(k) => {
                f.write_str("keyid:")?;
                if !k.is_empty() && k.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
                    write_text(f, k)
                } else {
                    f.write_str("0x")?;
                    write_hex(f, k)
                }
            }
            Identity::DerAsn1Dn(d) => {
                f.write_str("dn:0x")?;
                write_hex(f, d)
            }
            Identity::DerAsn1Gn(d) => {
                f.write_str("gn:0x")?;
                write_hex(f, d)
            }
            Identity::FcName(d) => {
                f.write_str("fc:0x")?;
                write_hex(f, d)
            }
            Identity::Null => f.write_str("null"),
            Identity::Other(t, d) => {
                write!(f, "{t}:0x")?;
                write_hex(f, d)
            }
        }
    }
}

impl<'a> IdPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize, element: &'static str) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, element);
        let id_type = IdType(r.u8("ID type")?);
        r.take(3, "reserved")?;
        let data_at = r.offset();
        let data = r.rest();
        let address_len = |n: usize| -> Result<(), ParseError> {
            if data.len() == n {
                Ok(())
            } else {
                Err(ParseError::new(
                    element,
                    "identification data",
                    data_at,
                    ErrorKind::BadLength {
                        value: data.len(),
                        min: n,
                        max: n,
                    },
                ))
            }
        };
        let identity = match id_type {
            IdType::ID_IPV4_ADDR => {
                address_len(4)?;
                let a: [u8; 4] = data.try_into().unwrap_or_default();
                Identity::Ipv4(Ipv4Addr::from(a))
            }
            IdType::ID_IPV6_ADDR => {
                address_len(16)?;
                let a: [u8; 16] = data.try_into().unwrap_or_default();
                Identity::Ipv6(Ipv6Addr::from(a))
            }
            IdType::ID_FQDN => Identity::Fqdn(data),
            IdType::ID_RFC822_ADDR => Identity::Rfc822(data),
            IdType::ID_DER_ASN1_DN => Identity::DerAsn1Dn(data),
            IdType::ID_DER_ASN1_GN => Identity::DerAsn1Gn(data),
            IdType::ID_KEY_ID => Identity::KeyId(data),
            IdType::ID_FC_NAME => Identity::FcName(data),
            IdType::ID_NULL => Identity::Null,
            other => Identity::Other(other, data),
        };
        Ok(IdPayload {
            id_type,
            data,
            identity,
        })
    }
}

impl fmt::Display for IdPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.identity)
    }
}

/// Certificate (RFC 7296 §3.6) or Certificate Request (§3.7) payload. For a CERTREQ with
/// X.509 encoding, `data` is a concatenation of 20-byte SHA-1 hashes of trusted CA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertPayload<'a> {
    pub encoding: CertEncoding,
    pub data: &'a [u8],
}

impl<'a> CertPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize, element: &'static str) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, element);
        let encoding = CertEncoding(r.u8("certificate encoding")?);
        Ok(CertPayload {
            encoding,
            data: r.rest(),
        })
    }
}

impl fmt::Display for CertPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} bytes", self.encoding, self.data.len())
    }
}

/// Authentication payload (RFC 7296 §3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthPayload<'a> {
    pub method: AuthMethod,
    pub data: &'a [u8],
}

impl<'a> AuthPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "AUTH payload");
        let method = AuthMethod(r.u8("auth method")?);
        r.take(3, "reserved")?;
        Ok(AuthPayload {
            method,
            data: r.rest(),
        })
    }
}

impl fmt::Display for AuthPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} bytes", self.method, self.data.len())
    }
}

/// Nonce payload (RFC 7296 §3.9): 16 to 256 octets of randomness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoncePayload<'a> {
    pub data: &'a [u8],
}

impl NoncePayload<'_> {
    /// RFC 7296 §3.9: "The size of the Nonce Data MUST be between 16 and 256 octets".
    pub fn size_ok(&self) -> bool {
        (16..=256).contains(&self.data.len())
    }
}

/// Notify payload (RFC 7296 §3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyPayload<'a> {
    pub protocol_id: ProtocolId,
    pub spi: &'a [u8],
    pub notify_type: NotifyType,
    pub data: &'a [u8],
}

impl<'a> NotifyPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "Notify payload");
        let protocol_id = ProtocolId(r.u8("protocol ID")?);
        let spi_size = usize::from(r.u8("SPI size")?);
        let notify_type = NotifyType(r.u16("notify message type")?);
        let spi = r.take(spi_size, "SPI")?;
        Ok(NotifyPayload {
            protocol_id,
            spi,
            notify_type,
            data: r.rest(),
        })
    }

    /// The 4-byte AH/ESP SPI (REKEY_SA, INVALID_SELECTORS, CHILD_SA_NOT_FOUND).
    pub fn spi_u32(&self) -> Option<u32> {
        self.spi.try_into().ok().map(u32::from_be_bytes)
    }

    /// For INVALID_KE_PAYLOAD, the group the responder wants (RFC 7296 §1.3).
    pub fn invalid_ke_group(&self) -> Option<DhGroup> {
        if self.notify_type != NotifyType::INVALID_KE_PAYLOAD {
            return None;
        }
        let g: [u8; 2] = self.data.try_into().ok()?;
        Some(DhGroup(u16::from_be_bytes(g)))
    }

    /// For SIGNATURE_HASH_ALGORITHMS, the announced hash algorithms (RFC 7427 §4).
    pub fn signature_hash_algorithms(&self) -> impl Iterator<Item = SignatureHashAlgorithm> + 'a {
        let data = if self.notify_type == NotifyType::SIGNATURE_HASH_ALGORITHMS {
            self.data
        } else {
            &[]
        };
        data.chunks_exact(2)
            .filter_map(|c| <[u8; 2]>::try_from(c).ok())
            .map(|c| SignatureHashAlgorithm(u16::from_be_bytes(c)))
    }
}

impl fmt::Display for NotifyPayload<'_> {
    /// `NO_PROPOSAL_CHOSEN`, `REKEY_SA ESP spi c1c8f163`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.notify_type)?;
        if !self.spi.is_empty() {
            write!(f, " {} spi ", self.protocol_id)?;
            write_hex(f, self.spi)?;
        }
        Ok(())
    }
}

/// Delete payload (RFC 7296 §3.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletePayload<'a> {
    pub protocol_id: ProtocolId,
    pub spi_size: u8,
    pub num_spis: u16,
    /// The SPIs, `num_spis × spi_size` bytes.
    pub spi_bytes: &'a [u8],
}

impl<'a> DeletePayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "Delete payload");
        let protocol_id = ProtocolId(r.u8("protocol ID")?);
        let spi_size = r.u8("SPI size")?;
        let num_at = r.offset();
        let num_spis = r.u16("num of SPIs")?;
        let needed = usize::from(num_spis) * usize::from(spi_size);
        let present = r.remaining().len();
        if needed != present {
            // More SPIs claimed than bytes, or bytes left over: the count and the payload
            // length disagree (RFC 7296 §3.11).
            let kind = if needed > present {
                ErrorKind::Truncated {
                    needed,
                    available: present,
                }
            } else {
                ErrorKind::BadLength {
                    value: present,
                    min: needed,
                    max: needed,
                }
            };
            return Err(r.error("num of SPIs", num_at, kind));
        }
        Ok(DeletePayload {
            protocol_id,
            spi_size,
            num_spis,
            spi_bytes: r.rest(),
        })
    }

    /// Each SPI (none when the SPI size is 0, as for the IKE SA itself).
    pub fn spis(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let size = usize::from(self.spi_size).max(1);
        let bytes = if self.spi_size == 0 {
            &[][..]
        } else {
            self.spi_bytes
        };
        bytes.chunks_exact(size)
    }

    /// Each 4-byte AH/ESP SPI as a number.
    pub fn spis_u32(&self) -> impl Iterator<Item = u32> + 'a {
        self.spis()
            .filter_map(|s| s.try_into().ok().map(u32::from_be_bytes))
    }
}

impl fmt::Display for DeletePayload<'_> {
    /// `IKE`, `ESP c1c8f163 caff6760`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.protocol_id)?;
        for spi in self.spis() {
            f.write_str(" ")?;
            write_hex(f, spi)?;
        }
        Ok(())
    }
}

/// Vendor ID payload (RFC 7296 §3.12): an opaque identifier, recognised elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorIdPayload<'a> {
    pub data: &'a [u8],
}

impl fmt::Display for VendorIdPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, self.data)
    }
}

/// Encrypted and Authenticated payload SK (RFC 7296 §3.14). Its body is
/// IV ‖ encrypted (payloads ‖ padding ‖ pad length) ‖ ICV; where one ends and the next begins
/// depends on the negotiated algorithms, so it is kept whole with the offsets decryption needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedPayload<'a> {
    /// Type of the first payload inside (the SK payload's Next Payload field).
    pub first_payload: PayloadType,
    /// Offset of the SK generic header in the message. For combined-mode ciphers the
    /// associated data is the message from offset 0 up to the IV, i.e. up to
    /// `body_offset` (RFC 5282 §5.1).
    pub offset: usize,
    /// Offset of the body (the IV) in the message. The ICV covers the message from offset 0
    /// to the end of the encrypted data (RFC 7296 §3.14).
    pub body_offset: usize,
    pub body: &'a [u8],
}

impl<'a> EncryptedPayload<'a> {
    /// Splits the body into IV, ciphertext and ICV given the algorithm's IV and ICV lengths.
    pub fn split(&self, iv_len: usize, icv_len: usize) -> Result<SkParts<'a>, ParseError> {
        split_sk(self.body, self.body_offset, iv_len, icv_len, "SK payload")
    }
}

/// The three parts of an SK or SKF body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkParts<'a> {
    pub iv: &'a [u8],
    /// Encrypted payloads ‖ padding ‖ pad length.
    pub ciphertext: &'a [u8],
    pub icv: &'a [u8],
}

fn split_sk<'a>(
    body: &'a [u8],
    base: usize,
    iv_len: usize,
    icv_len: usize,
    element: &'static str,
) -> Result<SkParts<'a>, ParseError> {
    let mut r = Reader::new(body, base, element);
    let iv = r.take(iv_len, "initialization vector")?;
    let Some(ct_len) = r.remaining().len().checked_sub(icv_len) else {
        return Err(ParseError::truncated(
            element,
            "integrity checksum data",
            r.offset(),
            icv_len,
            r.remaining().len(),
        ));
    };
    let ciphertext = r.take(ct_len, "encrypted payloads")?;
    let icv = r.rest();
    Ok(SkParts {
        iv,
        ciphertext,
        icv,
    })
}

impl fmt::Display for EncryptedPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "first {}, {} bytes", self.first_payload, self.body.len())
    }
}

/// Encrypted and Authenticated Fragment payload SKF (RFC 7383 §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedFragmentPayload<'a> {
    /// In fragment 1, the type of the first payload of the reassembled plaintext; 0 in the
    /// others.
    pub first_payload: PayloadType,
    /// 1-based; at most `total_fragments`.
    pub fragment_number: u16,
    pub total_fragments: u16,
    /// Offset of the SKF generic header; the associated data / ICV coverage starts at the
    /// message start as for SK, and includes the fragment number fields.
    pub offset: usize,
    /// Offset of the IV.
    pub body_offset: usize,
    /// IV ‖ encrypted fragment ‖ ICV.
    pub body: &'a [u8],
}

impl<'a> EncryptedFragmentPayload<'a> {
    pub fn parse(raw: &RawPayload<'a>) -> Result<Self, ParseError> {
        let mut r = Reader::new(raw.body, raw.body_offset(), "SKF payload");
        let number_at = r.offset();
        let fragment_number = r.u16("fragment number")?;
        let total_fragments = r.u16("total fragments")?;
        // RFC 7383 §2.5: numbering starts at 1 and Total Fragments is at least the number.
        if fragment_number == 0 || fragment_number > total_fragments {
            return Err(r.error(
                "fragment number",
                number_at,
                ErrorKind::BadValue {
                    value: u64::from(fragment_number),
                },
            ));
        }
        let body_offset = r.offset();
        Ok(EncryptedFragmentPayload {
            first_payload: raw.next_payload,
            fragment_number,
            total_fragments,
            offset: raw.offset,
            body_offset,
            body: r.rest(),
        })
    }

    /// Splits the body into IV, ciphertext and ICV given the algorithm's IV and ICV lengths.
    pub fn split(&self, iv_len: usize, icv_len: usize) -> Result<SkParts<'a>, ParseError> {
        split_sk(self.body, self.body_offset, iv_len, icv_len, "SKF payload")
    }
}

impl fmt::Display for EncryptedFragmentPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}, {} bytes",
            self.fragment_number,
            self.total_fragments,
            self.body.len()
        )?;
        if self.first_payload != PayloadType::NONE {
            write!(f, ", first {}", self.first_payload)?;
        }
        Ok(())
    }
}

/// Configuration payload (RFC 7296 §3.15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpPayload<'a> {
    pub cfg_type: CfgType,
    pub attributes: Vec<CfgAttribute<'a>>,
}

/// One configuration attribute (RFC 7296 §3.15.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfgAttribute<'a> {
    pub offset: usize,
    pub attribute_type: CfgAttributeType,
    /// Empty in a CFG_REQUEST that only asks for the attribute.
    pub value: &'a [u8],
}

impl<'a> CpPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "CP payload");
        let cfg_type = CfgType(r.u8("CFG type")?);
        r.take(3, "reserved")?;
        let mut attributes = Vec::new();
        while !r.is_empty() {
            if attributes.len() >= MAX_CFG_ATTRIBUTES {
                return Err(r.error(
                    "attribute",
                    r.offset(),
                    ErrorKind::TooMany {
                        limit: MAX_CFG_ATTRIBUTES,
                    },
                ));
            }
            let offset = r.offset();
            // The top bit is reserved (RFC 7296 §3.15.1).
            let attribute_type = CfgAttributeType(r.u16("attribute type")? & 0x7fff);
            let len = usize::from(r.u16("attribute length")?);
            let value = r.take(len, "attribute value")?;
            attributes.push(CfgAttribute {
                offset,
                attribute_type,
                value,
            });
        }
        Ok(CpPayload {
            cfg_type,
            attributes,
        })
    }
}

impl fmt::Display for CfgAttribute<'_> {
    /// `INTERNAL_IP4_ADDRESS=10.3.0.1`, `INTERNAL_IP6_ADDRESS=2001:db8::1/64`,
    /// `APPLICATION_VERSION=strongSwan`, or just the type when the value is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attribute_type)?;
        if self.value.is_empty() {
            return Ok(());
        }
        f.write_str("=")?;
        let v4: Option<[u8; 4]> = self.value.try_into().ok();
        let v6: Option<[u8; 16]> = self.value.get(..16).and_then(|a| a.try_into().ok());
        match (self.attribute_type.0, v4, v6) {
            (1..=4 | 6 | 20, Some(a), _) => write!(f, "{}", Ipv4Addr::from(a)),
            (13, _, _) if self.value.len() == 8 => {
                let a = self
                    .value
                    .get(..4)
                    .and_then(|a| <[u8; 4]>::try_from(a).ok());
                let m = self
                    .value
                    .get(4..)
                    .and_then(|a| <[u8; 4]>::try_from(a).ok());
                match (a, m) {
                    (Some(a), Some(m)) => {
                        write!(f, "{}/{}", Ipv4Addr::from(a), Ipv4Addr::from(m))
                    }
                    _ => write_hex(f, self.value),
                }
            }
            (8 | 15 | 18, _, Some(a)) if self.value.len() == 17 => {
                let prefix = self.value.get(16).copied().unwrap_or_default();
                write!(f, "{}/{prefix}", Ipv6Addr::from(a))
            }
            (10 | 12 | 21, _, Some(a)) if self.value.len() == 16 => {
                write!(f, "{}", Ipv6Addr::from(a))
            }
            (7 | 25, _, _) => write_text(f, self.value),
            _ => {
                f.write_str("0x")?;
                write_hex(f, self.value)
            }
        }
    }
}

impl fmt::Display for CpPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cfg_type)?;
        for (i, a) in self.attributes.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

/// EAP payload (RFC 7296 §3.16): one EAP message (RFC 3748 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EapPayload<'a> {
    pub code: EapCode,
    pub identifier: u8,
    /// The EAP Length field: the EAP message's length, header included.
    pub length: u16,
    /// The method type, present in Requests and Responses.
    pub eap_type: Option<EapType>,
    /// The whole EAP message (`length` bytes).
    pub message: &'a [u8],
}

impl<'a> EapPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, "EAP payload");
        let code = EapCode(r.u8("EAP code")?);
        let identifier = r.u8("EAP identifier")?;
        let length_at = r.offset();
        let length = r.u16("EAP length")?;
        let len = usize::from(length);
        if len < 4 {
            return Err(r.error(
                "EAP length",
                length_at,
                ErrorKind::BadLength {
                    value: len,
                    min: 4,
                    max: body.len(),
                },
            ));
        }
        let Some(message) = body.get(..len) else {
            return Err(r.error(
                "EAP length",
                length_at,
                ErrorKind::Truncated {
                    needed: len,
                    available: body.len(),
                },
            ));
        };
        let eap_type = match code {
            EapCode::REQUEST | EapCode::RESPONSE => message.get(4).copied().map(EapType),
            _ => None,
        };
        Ok(EapPayload {
            code,
            identifier,
            length,
            eap_type,
            message,
        })
    }
}

impl fmt::Display for EapPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(t) = self.eap_type {
            write!(f, "/{t}")?;
        }
        write!(f, " id {}", self.identifier)
    }
}

/// A payload of a type not decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownPayload<'a> {
    pub payload_type: PayloadType,
    pub critical: bool,
    pub body: &'a [u8],
}

impl fmt::Display for UnknownPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "payload {}(", self.payload_type)?;
        if self.critical {
            f.write_str("critical, ")?;
        }
        write!(f, "{} bytes)", self.body.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        let id = IdPayload::parse(&[1, 0, 0, 0, 192, 0, 2, 1], 32, "IDi payload").unwrap();
        assert_eq!(id.to_string(), "192.0.2.1");
        let e = IdPayload::parse(&[1, 0, 0, 0, 192, 0, 2], 32, "IDi payload").unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("IDi payload", "identification data", 36)
        );
        let mut fqdn = vec![2, 0, 0, 0];
        fqdn.extend_from_slice(b"left.example.org");
        let id = IdPayload::parse(&fqdn, 0, "IDi payload").unwrap();
        assert_eq!(id.to_string(), "fqdn:left.example.org");
        let id = IdPayload::parse(b"\x0b\0\0\0lab-right", 0, "IDr payload").unwrap();
        assert_eq!(id.to_string(), "keyid:lab-right");
        let id = IdPayload::parse(b"\x0b\0\0\0\x01\xff", 0, "IDr payload").unwrap();
        assert_eq!(id.to_string(), "keyid:0x01ff");
        let id = IdPayload::parse(b"\x02\0\0\0a\x1b[2J", 0, "IDr payload").unwrap();
        assert_eq!(id.to_string(), "fqdn:a\\x1b[2J");
    }

    #[test]
    fn delete_counts_are_checked() {
        let d = DeletePayload::parse(&[3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8], 40).unwrap();
        assert_eq!(d.spis_u32().collect::<Vec<_>>(), [0x01020304, 0x05060708]);
        assert_eq!(d.to_string(), "ESP 01020304 05060708");
        let ike = DeletePayload::parse(&[1, 0, 0, 0], 40).unwrap();
        assert_eq!(ike.spis().count(), 0);
        assert_eq!(ike.to_string(), "IKE");
        let e = DeletePayload::parse(&[3, 4, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8], 40).unwrap_err();
        assert_eq!((e.field, e.offset), ("num of SPIs", 42));
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 12,
                available: 8
            }
        );
        let e = DeletePayload::parse(&[3, 4, 0, 1, 1, 2, 3, 4, 5], 40).unwrap_err();
        assert_eq!(e.code(), "bad_length");
        // A huge count with size 0 claims no bytes: fine, and iterating it yields nothing.
        let odd = DeletePayload::parse(&[1, 0, 0xff, 0xff], 0).unwrap();
        assert_eq!(odd.spis().count(), 0);
    }

    #[test]
    fn notify_details() {
        let n = NotifyPayload::parse(&[0, 0, 0, 17, 0, 14], 0).unwrap();
        assert_eq!(n.invalid_ke_group(), Some(DhGroup::MODP_2048));
        let n = NotifyPayload::parse(&[3, 4, 0x40, 0x09, 0xc1, 0xc8, 0xf1, 0x63], 0).unwrap();
        assert_eq!(n.to_string(), "REKEY_SA ESP spi c1c8f163");
        assert_eq!(n.spi_u32(), Some(0xc1c8f163));
        let n = NotifyPayload::parse(&[0, 0, 0x40, 0x2f, 0, 2, 0, 3, 0, 4], 0).unwrap();
        let algs: Vec<String> = n
            .signature_hash_algorithms()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(algs, ["SHA2_256", "SHA2_384", "SHA2_512"]);
        let e = NotifyPayload::parse(&[3, 4, 0x40, 0x09, 1], 50).unwrap_err();
        assert_eq!((e.field, e.offset), ("SPI", 54));
    }

    #[test]
    fn cp_and_eap() {
        let body = [
            1, 0, 0, 0, 0, 1, 0, 4, 10, 3, 0, 1, 0, 7, 0, 3, b'a', b'b', b'c', 0, 3, 0, 0,
        ];
        let cp = CpPayload::parse(&body, 0).unwrap();
        assert_eq!(
            cp.to_string(),
            "CFG_REQUEST: INTERNAL_IP4_ADDRESS=10.3.0.1, APPLICATION_VERSION=abc, INTERNAL_IP4_DNS"
        );
        let e = CpPayload::parse(&[1, 0, 0, 0, 0, 1, 0, 9, 1], 10).unwrap_err();
        assert_eq!((e.field, e.offset), ("attribute value", 18));
        let eap = EapPayload::parse(&[1, 7, 0, 6, 1, b'x'], 0).unwrap();
        assert_eq!(eap.to_string(), "Request/Identity id 7");
        let e = EapPayload::parse(&[1, 7, 0, 9, 1], 0).unwrap_err();
        assert_eq!(e.code(), "truncated");
    }

    #[test]
    fn sk_split() {
        let sk = EncryptedPayload {
            first_payload: PayloadType::IDI,
            offset: 28,
            body_offset: 32,
            body: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        };
        let parts = sk.split(4, 2).unwrap();
        assert_eq!(
            (parts.iv, parts.ciphertext, parts.icv),
            (&[1, 2, 3, 4][..], &[5, 6, 7, 8][..], &[9, 10][..])
        );
        let e = sk.split(8, 4).unwrap_err();
        assert_eq!((e.field, e.offset), ("integrity checksum data", 40));
        let e = sk.split(12, 0).unwrap_err();
        assert_eq!(e.field, "initialization vector");
    }
}
