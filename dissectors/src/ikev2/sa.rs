//! The Security Association payload: proposals, transforms and transform attributes
//! (RFC 7296 §3.3).
//!
//! RFC 7296 §3.3: "When parsing an SA, an implementation MUST check that the total Payload
//! Length is consistent with the payload's internal lengths and counts." So every length and
//! count is checked against the bytes and against each other, and any mismatch is an error
//! that names the substructure, the field and its offset.

use std::fmt;

use super::names::{
    DhGroup, EncrId, EsnId, IntegId, PrfId, ProtocolId, TransformAttributeType, TransformType,
};
use super::reader::Reader;
use crate::cookie::Cookie;
use crate::error::{ErrorKind, ParseError};

/// At most this many proposals in one SA payload.
pub const MAX_PROPOSALS: usize = 64;
/// At most this many transforms in one proposal (the count field is one octet).
pub const MAX_TRANSFORMS: usize = 255;
/// At most this many attributes in one transform (RFC 7296 defines exactly one, Key Length).
pub const MAX_ATTRIBUTES: usize = 64;

/// Last Substruc of a proposal: 2 if another proposal follows, 0 for the last.
const MORE_PROPOSALS: u8 = 2;
/// Last Substruc of a transform: 3 if another transform follows, 0 for the last.
const MORE_TRANSFORMS: u8 = 3;

/// Security Association payload (RFC 7296 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaPayload<'a> {
    pub proposals: Vec<Proposal<'a>>,
}

/// One proposal (RFC 7296 §3.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal<'a> {
    /// Offset of the proposal substructure.
    pub offset: usize,
    /// The Proposal Num: 1 for the first, then the same or one more.
    pub number: u8,
    pub protocol_id: ProtocolId,
    /// The sending entity's SPI: empty in an initial IKE_SA_INIT, 8 bytes for an IKE SA
    /// rekey, 4 for AH/ESP (the SPI the sender will receive on).
    pub spi: &'a [u8],
    pub transforms: Vec<Transform<'a>>,
}

impl<'a> Proposal<'a> {
    /// The 4-byte AH/ESP SPI as a number.
    pub fn spi_u32(&self) -> Option<u32> {
        self.spi.try_into().ok().map(u32::from_be_bytes)
    }

    /// The 8-byte IKE SA SPI (when rekeying an IKE SA in CREATE_CHILD_SA).
    pub fn ike_spi(&self) -> Option<Cookie> {
        self.spi.try_into().ok().map(Cookie)
    }

    /// Transforms of one type, in order.
    pub fn transforms_of(
        &self,
        transform_type: TransformType,
    ) -> impl Iterator<Item = &Transform<'a>> {
        self.transforms
            .iter()
            .filter(move |t| t.transform_type == transform_type)
    }

    /// The first transform of a type (a proposal chosen by a responder has exactly one of
    /// each type it negotiates, RFC 7296 §3.3.6).
    pub fn first_of(&self, transform_type: TransformType) -> Option<&Transform<'a>> {
        self.transforms_of(transform_type).next()
    }
}

impl fmt::Display for Proposal<'_> {
    /// `#1 IKE: ENCR_AES_CBC_128/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`, in wire
    /// order, with ` spi c1c8f163` when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}:", self.number, self.protocol_id)?;
        for (i, t) in self.transforms.iter().enumerate() {
            f.write_str(if i == 0 { " " } else { "/" })?;
            write!(f, "{t}")?;
        }
        if !self.spi.is_empty() {
            f.write_str(" spi ")?;
            for b in self.spi {
                write!(f, "{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// A transform ID interpreted according to its transform type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransformId {
    Encr(EncrId),
    Prf(PrfId),
    Integ(IntegId),
    /// DH group for type 4 and the additional key exchanges ADDKE1–7 (RFC 9370), which share
    /// the registry.
    Dh(DhGroup),
    Esn(EsnId),
    Other(TransformType, u16),
}

impl TransformId {
    pub fn new(transform_type: TransformType, id: u16) -> Self {
        match transform_type.0 {
            1 => TransformId::Encr(EncrId(id)),
            2 => TransformId::Prf(PrfId(id)),
            3 => TransformId::Integ(IntegId(id)),
            4 | 6..=12 => TransformId::Dh(DhGroup(id)),
            5 => TransformId::Esn(EsnId(id)),
            _ => TransformId::Other(transform_type, id),
        }
    }

    /// The IANA name of this ID within its type's registry.
    pub fn name(self) -> Option<&'static str> {
        match self {
            TransformId::Encr(x) => x.name(),
            TransformId::Prf(x) => x.name(),
            TransformId::Integ(x) => x.name(),
            TransformId::Dh(x) => x.name(),
            TransformId::Esn(x) => x.name(),
            TransformId::Other(..) => None,
        }
    }
}

impl fmt::Display for TransformId {
    /// The name, or `<TYPE>_<number>` when the ID has none (`ENCR_99`, `T200_3`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TransformId::Encr(x) => write!(f, "{x}"),
            TransformId::Prf(x) => write!(f, "{x}"),
            TransformId::Integ(x) => write!(f, "{x}"),
            TransformId::Dh(x) => write!(f, "{x}"),
            TransformId::Esn(x) => write!(f, "{x}"),
            TransformId::Other(t, id) => write!(f, "T{}_{}", t.0, id),
        }
    }
}

/// One transform (RFC 7296 §3.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transform<'a> {
    /// Offset of the transform substructure.
    pub offset: usize,
    pub transform_type: TransformType,
    /// The raw Transform ID; [`Transform::id`] interprets it.
    pub transform_id: u16,
    pub attributes: Vec<TransformAttribute<'a>>,
}

impl Transform<'_> {
    pub fn id(&self) -> TransformId {
        TransformId::new(self.transform_type, self.transform_id)
    }

    /// The Key Length attribute in bits (RFC 7296 §3.3.5), if present.
    pub fn key_length(&self) -> Option<u16> {
        self.attributes.iter().find_map(|a| match a.value {
            AttributeValue::Tv(v) if a.attribute_type == TransformAttributeType::KEY_LENGTH => {
                Some(v)
            }
            _ => None,
        })
    }
}

impl fmt::Display for Transform<'_> {
    /// `ENCR_AES_CBC_128` (the ID, then `_<key length>` when there is one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id())?;
        if let Some(bits) = self.key_length() {
            write!(f, "_{bits}")?;
        }
        Ok(())
    }
}

/// A transform attribute value: TV (AF = 1, two octets in the header) or TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeValue<'a> {
    Tv(u16),
    Tlv(&'a [u8]),
}

/// One transform attribute (RFC 7296 §3.3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransformAttribute<'a> {
    pub offset: usize,
    pub attribute_type: TransformAttributeType,
    pub value: AttributeValue<'a>,
}

impl<'a> SaPayload<'a> {
    /// Decodes an SA payload body; `base` is the body's offset in the message.
    pub fn parse(body: &'a [u8], base: usize) -> Result<Self, ParseError> {
        let mut proposals = Vec::new();
        let mut r = Reader::new(body, base, "SA payload");
        while !r.is_empty() {
            if proposals.len() >= MAX_PROPOSALS {
                return Err(r.error(
                    "proposal",
                    r.offset(),
                    ErrorKind::TooMany {
                        limit: MAX_PROPOSALS,
                    },
                ));
            }
            let (proposal, last) = parse_proposal(&mut r)?;
            proposals.push(proposal);
            if last && !r.is_empty() {
                // The last proposal says it is the last, yet bytes follow.
                return Err(r.error(
                    "payload length",
                    base.saturating_sub(2),
                    ErrorKind::BadLength {
                        value: body.len().saturating_add(4),
                        min: 4,
                        max: r.offset().saturating_sub(base).saturating_add(4),
                    },
                ));
            }
            if !last && r.is_empty() {
                return Err(ParseError::truncated(
                    "proposal",
                    "last substruc",
                    r.offset(),
                    8,
                    0,
                ));
            }
        }
        Ok(SaPayload { proposals })
    }
}

/// Reads one proposal from `outer`, returning it and whether it claims to be the last.
fn parse_proposal<'a>(outer: &mut Reader<'a>) -> Result<(Proposal<'a>, bool), ParseError> {
    let offset = outer.offset();
    let mut h = Reader::new(outer.remaining(), offset, "proposal");
    let last_substruc = h.u8("last substruc")?;
    if last_substruc != 0 && last_substruc != MORE_PROPOSALS {
        return Err(h.error(
            "last substruc",
            offset,
            ErrorKind::BadValue {
                value: u64::from(last_substruc),
            },
        ));
    }
    h.u8("reserved")?;
    let length_at = h.offset();
    let length = usize::from(h.u16("proposal length")?);
    let number = h.u8("proposal num")?;
    let protocol_id = ProtocolId(h.u8("protocol ID")?);
    let spi_size = usize::from(h.u8("SPI size")?);
    let num_transforms = usize::from(h.u8("num transforms")?);
    let min = 8usize.saturating_add(spi_size);
    let available = outer.remaining().len();
    if length < min {
        return Err(h.error(
            "proposal length",
            length_at,
            ErrorKind::BadLength {
                value: length,
                min,
                max: available,
            },
        ));
    }
    let bytes = outer.take(length, "proposal length").map_err(|_| {
        h.error(
            "proposal length",
            length_at,
            ErrorKind::Truncated {
                needed: length,
                available,
            },
        )
    })?;
    let mut r = Reader::new(bytes, offset, "proposal");
    r.take(8, "header")?;
    let spi = r.take(spi_size, "SPI")?;
    let mut transforms = Vec::new();
    for i in 0..num_transforms {
        if i >= MAX_TRANSFORMS {
            return Err(r.error(
                "transform",
                r.offset(),
                ErrorKind::TooMany {
                    limit: MAX_TRANSFORMS,
                },
            ));
        }
        let (t, last) = parse_transform(&mut r)?;
        transforms.push(t);
        let is_final = i + 1 == num_transforms;
        if last != is_final {
            // Last Substruc disagrees with Num Transforms (RFC 7296 §3.3.2).
            return Err(r.error(
                "num transforms",
                offset.saturating_add(7),
                ErrorKind::BadValue {
                    value: num_transforms as u64,
                },
            ));
        }
    }
    if !r.is_empty() {
        return Err(r.error(
            "proposal length",
            length_at,
            ErrorKind::BadLength {
                value: length,
                min: r.offset().saturating_sub(offset),
                max: r.offset().saturating_sub(offset),
            },
        ));
    }
    Ok((
        Proposal {
            offset,
            number,
            protocol_id,
            spi,
            transforms,
        },
        last_substruc == 0,
    ))
}

/// Reads one transform, returning it and whether it claims to be the last.
fn parse_transform<'a>(outer: &mut Reader<'a>) -> Result<(Transform<'a>, bool), ParseError> {
    let offset = outer.offset();
    let mut h = Reader::new(outer.remaining(), offset, "transform");
    let last_substruc = h.u8("last substruc")?;
    if last_substruc != 0 && last_substruc != MORE_TRANSFORMS {
        return Err(h.error(
            "last substruc",
            offset,
            ErrorKind::BadValue {
                value: u64::from(last_substruc),
            },
        ));
    }
    h.u8("reserved")?;
    let length_at = h.offset();
    let length = usize::from(h.u16("transform length")?);
    let transform_type = TransformType(h.u8("transform type")?);
    h.u8("reserved")?;
    let transform_id = h.u16("transform ID")?;
    let available = outer.remaining().len();
    if length < 8 {
        return Err(h.error(
            "transform length",
            length_at,
            ErrorKind::BadLength {
                value: length,
                min: 8,
                max: available,
            },
        ));
    }
    let bytes = outer.take(length, "transform length").map_err(|_| {
        h.error(
            "transform length",
            length_at,
            ErrorKind::Truncated {
                needed: length,
                available,
            },
        )
    })?;
    let mut r = Reader::new(bytes, offset, "transform attribute");
    r.take(8, "header")?;
    let mut attributes = Vec::new();
    while !r.is_empty() {
        if attributes.len() >= MAX_ATTRIBUTES {
            return Err(r.error(
                "attribute",
                r.offset(),
                ErrorKind::TooMany {
                    limit: MAX_ATTRIBUTES,
                },
            ));
        }
        let at = r.offset();
        let af_type = r.u16("attribute type")?;
        let attribute_type = TransformAttributeType(af_type & 0x7fff);
        let value = if af_type & 0x8000 != 0 {
            AttributeValue::Tv(r.u16("attribute value")?)
        } else {
            let len = usize::from(r.u16("attribute length")?);
            AttributeValue::Tlv(r.take(len, "attribute length")?)
        };
        attributes.push(TransformAttribute {
            offset: at,
            attribute_type,
            value,
        });
    }
    Ok((
        Transform {
            offset,
            transform_type,
            transform_id,
            attributes,
        },
        last_substruc == 0,
    ))
}

impl fmt::Display for SaPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.proposals.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SA payload body of the lab IKE_SA_INIT request (ikev2-psk-aes128, frame 3).
    const LAB_SA_BODY: &str =
        "0000002c010100040300000c0100000c800e0080030000080300000c030000080200000500000008040000 0e";

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn decodes_a_real_proposal() {
        let body = hex(LAB_SA_BODY);
        let sa = SaPayload::parse(&body, 32).unwrap();
        assert_eq!(sa.proposals.len(), 1);
        let p = &sa.proposals[0];
        assert_eq!(
            (p.number, p.protocol_id, p.spi.len()),
            (1, ProtocolId::IKE, 0)
        );
        assert_eq!(p.transforms.len(), 4);
        let encr = p.first_of(TransformType::ENCR).unwrap();
        assert_eq!(encr.id(), TransformId::Encr(EncrId::ENCR_AES_CBC));
        assert_eq!(encr.key_length(), Some(128));
        assert_eq!(encr.offset, 40);
        assert_eq!(
            p.to_string(),
            "#1 IKE: ENCR_AES_CBC_128/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
        );
    }

    #[test]
    fn inconsistent_counts_are_errors() {
        // Num Transforms says 5, but the last transform says it is the last.
        let mut body = hex(LAB_SA_BODY);
        body[7] = 5;
        let e = SaPayload::parse(&body, 32).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("proposal", "num transforms", 39)
        );
        // Num Transforms says 3: the fourth transform is left over.
        body[7] = 3;
        let e = SaPayload::parse(&body, 32).unwrap_err();
        assert_eq!(e.field, "num transforms");
        // A transform length running past its proposal.
        let mut body = hex(LAB_SA_BODY);
        body[11] = 0x40;
        let e = SaPayload::parse(&body, 32).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset, e.code()),
            ("transform", "transform length", 42, "truncated")
        );
        // Last substruc 2 with nothing after it.
        let mut body = hex(LAB_SA_BODY);
        body[0] = 2;
        let e = SaPayload::parse(&body, 32).unwrap_err();
        assert_eq!((e.element, e.field), ("proposal", "last substruc"));
        // Last substruc 7 is not a value proposals use.
        body[0] = 7;
        let e = SaPayload::parse(&body, 32).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadValue { value: 7 });
    }

    #[test]
    fn too_many_proposals() {
        // 65 empty proposals (length 8, no transforms), all but the last saying "more".
        let mut body = Vec::new();
        for i in 0..65u8 {
            let last = if i == 64 { 0 } else { 2 };
            body.extend_from_slice(&[last, 0, 0, 8, i + 1, 1, 0, 0]);
        }
        let e = SaPayload::parse(&body, 0).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::TooMany {
                limit: MAX_PROPOSALS
            }
        );
        assert_eq!(e.offset, 64 * 8);
    }
}
