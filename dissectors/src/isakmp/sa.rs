//! The SA payload (RFC 2408 §3.4, RFC 2407 §4.6.1) with its proposals (§3.5) and transforms
//! (§3.6), all walked lazily.

use std::fmt;
use std::iter::FusedIterator;

use super::attributes::{AttributeIter, IkeAttribute, IpsecAttribute};
use super::names::{Doi, PayloadType, ProtocolId};
use super::payload::GENERIC_HEADER_LEN;
use super::policy::{IpsecPolicy, Phase1Policy};
use super::reader::{Reader, be_u16, be_u32};
use super::text::Hex;
use super::{MAX_PROPOSALS, MAX_TRANSFORMS};
use crate::error::{ErrorKind, ParseError};

/// The situation bitmap of the IPsec DOI (RFC 2407 §4.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Situation(pub u32);

impl Situation {
    pub const IDENTITY_ONLY: u32 = 0x01;
    pub const SECRECY: u32 = 0x02;
    pub const INTEGRITY: u32 = 0x04;

    pub const fn identity_only(self) -> bool {
        self.0 & Self::IDENTITY_ONLY != 0
    }
}

impl fmt::Debug for Situation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Situation({:#x} {self})", self.0)
    }
}

impl fmt::Display for Situation {
    /// `SIT_IDENTITY_ONLY`, `SIT_SECRECY|SIT_INTEGRITY`, or hex for other bits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Self::IDENTITY_ONLY, "SIT_IDENTITY_ONLY"),
            (Self::SECRECY, "SIT_SECRECY"),
            (Self::INTEGRITY, "SIT_INTEGRITY"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        let other = self.0 & !0x07;
        if other != 0 || first {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{other:#x}")?;
        }
        Ok(())
    }
}

const SA: &str = "SA payload";
const PROPOSAL: &str = "proposal";
const TRANSFORM: &str = "transform";

/// A Security Association payload: the DOI, the situation and the proposals.
///
/// Only the IPsec DOI's 4-byte situation is decoded; the labelled-domain fields RFC 2407
/// §4.6.1 adds for SIT_SECRECY/SIT_INTEGRITY are not (no known implementation sends them), so
/// such a payload's proposals will fail to parse. For the GDOI ([`Doi::GDOI`]) the proposals
/// are not walked at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaPayload<'a> {
    pub doi: Doi,
    pub situation: Situation,
    /// The bytes after the situation: the proposal payloads.
    pub proposals_raw: &'a [u8],
    /// Offset of `proposals_raw` from the start of the message.
    pub proposals_offset: usize,
}

impl<'a> SaPayload<'a> {
    /// `body` is the SA payload after its generic header, `base` its offset in the message.
    pub fn parse(body: &'a [u8], base: usize) -> Result<SaPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, SA);
        let doi = Doi(r.u32("DOI")?);
        let situation = Situation(r.u32("situation")?);
        Ok(SaPayload {
            doi,
            situation,
            proposals_offset: r.offset(),
            proposals_raw: r.rest(),
        })
    }

    /// The proposals, in order. Proposals with the same number are one AND-ed offer (e.g. AH
    /// and ESP together, RFC 2408 §4.2); different numbers are alternatives.
    pub fn proposals(&self) -> ProposalIter<'a> {
        let walk = self.doi != Doi::GDOI;
        ProposalIter {
            rest: if walk { self.proposals_raw } else { &[] },
            offset: self.proposals_offset,
            count: 0,
            done: !walk,
            last: false,
        }
    }
}

impl fmt::Display for SaPayload<'_> {
    /// `IPSEC SIT_IDENTITY_ONLY: #1 ISAKMP 1 transform(s)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.doi, self.situation)?;
        for (i, p) in self.proposals().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            match p {
                Ok(p) => write!(f, "{p}")?,
                Err(e) => write!(f, "<{e}>")?,
            }
        }
        Ok(())
    }
}

/// One generic-header-framed element of a proposal or transform chain.
struct Framed<'a> {
    next: u8,
    offset: usize,
    raw: &'a [u8],
}

/// Splits one framed element (proposal or transform) off `rest`: checks the length against
/// `min` and the bytes present.
fn frame<'a>(
    rest: &'a [u8],
    offset: usize,
    element: &'static str,
    min: usize,
) -> Result<(Framed<'a>, &'a [u8]), ParseError> {
    let mut r = Reader::new(rest, offset, element);
    let generic = r.take(GENERIC_HEADER_LEN, "generic payload header")?;
    let next = generic.first().copied().unwrap_or_default();
    let length = usize::from(be_u16(generic.get(2..).unwrap_or_default()));
    if length < min || length > rest.len() {
        return Err(ParseError::new(
            element,
            "payload length",
            offset.saturating_add(2),
            ErrorKind::BadLength {
                value: length,
                min,
                max: rest.len(),
            },
        ));
    }
    let (raw, after) = rest.split_at_checked(length).unwrap_or((rest, &[]));
    Ok((Framed { next, offset, raw }, after))
}

/// Iterator over the proposals of an SA payload. Stops at the proposal whose Next Payload is
/// NONE; yields an error (and stops) for a bad length, a Next Payload that is neither PROPOSAL
/// nor NONE, a chain that goes on past the SA payload, or more than [`MAX_PROPOSALS`].
#[derive(Debug, Clone)]
pub struct ProposalIter<'a> {
    rest: &'a [u8],
    offset: usize,
    count: usize,
    done: bool,
    /// The previous proposal said NONE.
    last: bool,
}

impl<'a> ProposalIter<'a> {
    /// Bytes left after the last proposal (should be none).
    pub fn tail(&self) -> &'a [u8] {
        self.rest
    }

    fn fail(&mut self, e: ParseError) -> Option<Result<Proposal<'a>, ParseError>> {
        self.done = true;
        Some(Err(e))
    }
}

impl<'a> Iterator for ProposalIter<'a> {
    type Item = Result<Proposal<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.last {
            self.done = true;
            return None;
        }
        if self.count >= MAX_PROPOSALS {
            return self.fail(ParseError::new(
                PROPOSAL,
                "next payload",
                self.offset,
                ErrorKind::TooMany {
                    limit: MAX_PROPOSALS,
                },
            ));
        }
        let (framed, after) = match frame(self.rest, self.offset, PROPOSAL, 8) {
            Ok(x) => x,
            Err(e) => return self.fail(e),
        };
        match PayloadType(framed.next) {
            PayloadType::NONE => self.last = true,
            PayloadType::PROPOSAL => {}
            _ => {
                return self.fail(ParseError::new(
                    PROPOSAL,
                    "next payload",
                    framed.offset,
                    ErrorKind::BadValue {
                        value: u64::from(framed.next),
                    },
                ));
            }
        }
        let proposal = match Proposal::parse(&framed) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        self.rest = after;
        self.offset = self.offset.saturating_add(framed.raw.len());
        self.count += 1;
        Some(Ok(proposal))
    }
}

impl FusedIterator for ProposalIter<'_> {}

/// A proposal (RFC 2408 §3.5): a protocol and its transforms, offered as alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal<'a> {
    pub number: u8,
    pub protocol_id: ProtocolId,
    /// The sender's SPI for this protocol: empty in phase 1 (the cookies name the SA), the
    /// 4-byte inbound SPI of AH/ESP, the 2-byte CPI of IPCOMP.
    pub spi: &'a [u8],
    /// The "# of Transforms" field (compare with what [`Proposal::transforms`] finds).
    pub transform_count: u8,
    /// Offset of the proposal's generic header from the start of the message.
    pub offset: usize,
    /// The whole proposal payload.
    pub raw: &'a [u8],
    transforms_raw: &'a [u8],
    transforms_offset: usize,
}

impl<'a> Proposal<'a> {
    fn parse(framed: &Framed<'a>) -> Result<Proposal<'a>, ParseError> {
        let body = framed.raw.get(GENERIC_HEADER_LEN..).unwrap_or_default();
        let mut r = Reader::new(
            body,
            framed.offset.saturating_add(GENERIC_HEADER_LEN),
            PROPOSAL,
        );
        let number = r.u8("proposal number")?;
        let protocol_id = ProtocolId(r.u8("protocol ID")?);
        let spi_size_at = r.offset();
        let spi_size = usize::from(r.u8("SPI size")?);
        let transform_count = r.u8("number of transforms")?;
        if spi_size > r.remaining() {
            return Err(ParseError::new(
                PROPOSAL,
                "SPI size",
                spi_size_at,
                ErrorKind::BadLength {
                    value: spi_size,
                    min: 0,
                    max: r.remaining(),
                },
            ));
        }
        let spi = r.take(spi_size, "SPI")?;
        Ok(Proposal {
            number,
            protocol_id,
            spi,
            transform_count,
            offset: framed.offset,
            raw: framed.raw,
            transforms_offset: r.offset(),
            transforms_raw: r.rest(),
        })
    }

    /// The SPI as a number when it is the usual 4 bytes (AH/ESP).
    pub fn spi_u32(&self) -> Option<u32> {
        (self.spi.len() == 4).then(|| be_u32(self.spi))
    }

    /// The transforms, in order of preference.
    pub fn transforms(&self) -> TransformIter<'a> {
        TransformIter {
            protocol: self.protocol_id,
            rest: self.transforms_raw,
            offset: self.transforms_offset,
            count: 0,
            done: false,
            last: false,
        }
    }
}

impl fmt::Display for Proposal<'_> {
    /// `#1 ESP spi=c5039682 1 transform(s)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.number, self.protocol_id)?;
        if !self.spi.is_empty() {
            write!(f, " spi={}", Hex(self.spi))?;
        }
        write!(f, " {} transform(s)", self.transform_count)
    }
}

/// Iterator over the transforms of a proposal, with the same stopping rules as
/// [`ProposalIter`] (Next Payload TRANSFORM or NONE; cap [`MAX_TRANSFORMS`]).
#[derive(Debug, Clone)]
pub struct TransformIter<'a> {
    protocol: ProtocolId,
    rest: &'a [u8],
    offset: usize,
    count: usize,
    done: bool,
    last: bool,
}

impl<'a> TransformIter<'a> {
    /// Bytes left after the last transform (should be none).
    pub fn tail(&self) -> &'a [u8] {
        self.rest
    }

    fn fail(&mut self, e: ParseError) -> Option<Result<Transform<'a>, ParseError>> {
        self.done = true;
        Some(Err(e))
    }
}

impl<'a> Iterator for TransformIter<'a> {
    type Item = Result<Transform<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.last {
            self.done = true;
            return None;
        }
        if self.count >= MAX_TRANSFORMS {
            return self.fail(ParseError::new(
                TRANSFORM,
                "next payload",
                self.offset,
                ErrorKind::TooMany {
                    limit: MAX_TRANSFORMS,
                },
            ));
        }
        let (framed, after) = match frame(self.rest, self.offset, TRANSFORM, 8) {
            Ok(x) => x,
            Err(e) => return self.fail(e),
        };
        match PayloadType(framed.next) {
            PayloadType::NONE => self.last = true,
            PayloadType::TRANSFORM => {}
            _ => {
                return self.fail(ParseError::new(
                    TRANSFORM,
                    "next payload",
                    framed.offset,
                    ErrorKind::BadValue {
                        value: u64::from(framed.next),
                    },
                ));
            }
        }
        let body = framed.raw.get(GENERIC_HEADER_LEN..).unwrap_or_default();
        let mut r = Reader::new(
            body,
            framed.offset.saturating_add(GENERIC_HEADER_LEN),
            TRANSFORM,
        );
        let fields = (|| -> Result<(u8, u8, u16), ParseError> {
            Ok((
                r.u8("transform number")?,
                r.u8("transform ID")?,
                r.u16("reserved")?,
            ))
        })();
        let (number, id, reserved) = match fields {
            Ok(x) => x,
            Err(e) => return self.fail(e),
        };
        let transform = Transform {
            number,
            transform_id: TransformId {
                protocol: self.protocol,
                id,
            },
            reserved,
            offset: framed.offset,
            raw: framed.raw,
            attributes_offset: r.offset(),
            attributes_raw: r.rest(),
        };
        self.rest = after;
        self.offset = self.offset.saturating_add(framed.raw.len());
        self.count += 1;
        Some(Ok(transform))
    }
}

impl FusedIterator for TransformIter<'_> {}

/// A transform (RFC 2408 §3.6): one algorithm suite, with its SA attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transform<'a> {
    pub number: u8,
    /// The transform ID, whose meaning depends on the proposal's protocol.
    pub transform_id: TransformId,
    /// The 2 reserved octets (must be 0).
    pub reserved: u16,
    /// Offset of the transform's generic header from the start of the message.
    pub offset: usize,
    /// The whole transform payload.
    pub raw: &'a [u8],
    attributes_raw: &'a [u8],
    attributes_offset: usize,
}

impl<'a> Transform<'a> {
    /// The SA attributes, undecoded.
    pub fn attributes(&self) -> AttributeIter<'a> {
        AttributeIter::new(
            self.attributes_raw,
            self.attributes_offset,
            "transform attribute",
        )
    }

    /// The attributes decoded as phase-1 attributes (RFC 2409 Appendix A).
    pub fn ike_attributes(
        &self,
    ) -> impl Iterator<Item = Result<IkeAttribute<'a>, ParseError>> + use<'a> {
        self.attributes().map(|a| a.and_then(|a| a.ike()))
    }

    /// The attributes decoded as IPsec DOI attributes (RFC 2407 §4.5).
    pub fn ipsec_attributes(
        &self,
    ) -> impl Iterator<Item = Result<IpsecAttribute<'a>, ParseError>> + use<'a> {
        self.attributes().map(|a| a.and_then(|a| a.ipsec()))
    }

    /// The phase-1 policy this transform offers (meaningful for ISAKMP/KEY_IKE).
    pub fn phase1_policy(&self) -> Result<Phase1Policy, ParseError> {
        Phase1Policy::from_transform(self)
    }

    /// The IPsec SA policy this transform offers (meaningful for AH/ESP/IPCOMP).
    pub fn ipsec_policy(&self) -> Result<IpsecPolicy, ParseError> {
        IpsecPolicy::from_transform(self)
    }
}

impl fmt::Display for Transform<'_> {
    /// `#1 KEY_IKE` followed by the decoded attributes, or the IPsec policy.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.number, self.transform_id)?;
        let policy = if self.transform_id.protocol == ProtocolId::ISAKMP {
            self.phase1_policy().map(|p| p.to_string())
        } else {
            self.ipsec_policy().map(|p| p.to_string())
        };
        match policy {
            Ok(p) => write!(f, " {p}"),
            Err(e) => write!(f, " <{e}>"),
        }
    }
}

/// A transform ID together with the protocol that gives it its meaning (RFC 2407 §4.4.2–4.4.5,
/// IANA "IPsec ... Transform Identifiers").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransformId {
    pub protocol: ProtocolId,
    pub id: u8,
}

macro_rules! transform_ids {
    ($( $(#[$m:meta])* $konst:ident = ($proto:ident, $id:literal) ),* $(,)?) => {
        impl TransformId {
            $( $(#[$m])* pub const $konst: TransformId =
                TransformId { protocol: ProtocolId::$proto, id: $id }; )*
        }
    };
}

transform_ids! {
    /// The only ISAKMP transform (RFC 2407 §4.4.1).
    KEY_IKE = (ISAKMP, 1),
    AH_MD5 = (IPSEC_AH, 2),
    AH_SHA = (IPSEC_AH, 3),
    AH_DES = (IPSEC_AH, 4),
    AH_SHA2_256 = (IPSEC_AH, 5),
    AH_SHA2_384 = (IPSEC_AH, 6),
    AH_SHA2_512 = (IPSEC_AH, 7),
    AH_RIPEMD = (IPSEC_AH, 8),
    AH_AES_XCBC_MAC = (IPSEC_AH, 9),
    AH_RSA = (IPSEC_AH, 10),
    AH_AES_128_GMAC = (IPSEC_AH, 11),
    AH_AES_192_GMAC = (IPSEC_AH, 12),
    AH_AES_256_GMAC = (IPSEC_AH, 13),
    ESP_DES_IV64 = (IPSEC_ESP, 1),
    ESP_DES = (IPSEC_ESP, 2),
    ESP_3DES = (IPSEC_ESP, 3),
    ESP_RC5 = (IPSEC_ESP, 4),
    ESP_IDEA = (IPSEC_ESP, 5),
    ESP_CAST = (IPSEC_ESP, 6),
    ESP_BLOWFISH = (IPSEC_ESP, 7),
    ESP_3IDEA = (IPSEC_ESP, 8),
    ESP_DES_IV32 = (IPSEC_ESP, 9),
    ESP_RC4 = (IPSEC_ESP, 10),
    /// RFC 2410.
    ESP_NULL = (IPSEC_ESP, 11),
    /// AES-CBC, RFC 3602.
    ESP_AES = (IPSEC_ESP, 12),
    /// RFC 3686.
    ESP_AES_CTR = (IPSEC_ESP, 13),
    /// RFC 4309.
    ESP_AES_CCM_8 = (IPSEC_ESP, 14),
    ESP_AES_CCM_12 = (IPSEC_ESP, 15),
    ESP_AES_CCM_16 = (IPSEC_ESP, 16),
    /// RFC 4106.
    ESP_AES_GCM_8 = (IPSEC_ESP, 18),
    ESP_AES_GCM_12 = (IPSEC_ESP, 19),
    ESP_AES_GCM_16 = (IPSEC_ESP, 20),
    /// RFC 4196.
    ESP_SEED_CBC = (IPSEC_ESP, 21),
    /// RFC 4312.
    ESP_CAMELLIA = (IPSEC_ESP, 22),
    /// RFC 4543 §9: 23 in IKEv1 (21 is IKEv2's ENCR_NULL_AUTH_AES_GMAC).
    ESP_NULL_AUTH_AES_GMAC = (IPSEC_ESP, 23),
    IPCOMP_OUI = (IPCOMP, 1),
    IPCOMP_DEFLATE = (IPCOMP, 2),
    IPCOMP_LZS = (IPCOMP, 3),
    IPCOMP_LZJH = (IPCOMP, 4),
}

impl TransformId {
    /// The IANA name for this protocol's transform ID.
    pub const fn name(self) -> Option<&'static str> {
        Some(match (self.protocol.0, self.id) {
            (1, 1) => "KEY_IKE",
            (2, 2) => "AH_MD5",
            (2, 3) => "AH_SHA",
            (2, 4) => "AH_DES",
            (2, 5) => "AH_SHA2-256",
            (2, 6) => "AH_SHA2-384",
            (2, 7) => "AH_SHA2-512",
            (2, 8) => "AH_RIPEMD",
            (2, 9) => "AH_AES-XCBC-MAC",
            (2, 10) => "AH_RSA",
            (2, 11) => "AH_AES-128-GMAC",
            (2, 12) => "AH_AES-192-GMAC",
            (2, 13) => "AH_AES-256-GMAC",
            (3, 1) => "ESP_DES_IV64",
            (3, 2) => "ESP_DES",
            (3, 3) => "ESP_3DES",
            (3, 4) => "ESP_RC5",
            (3, 5) => "ESP_IDEA",
            (3, 6) => "ESP_CAST",
            (3, 7) => "ESP_BLOWFISH",
            (3, 8) => "ESP_3IDEA",
            (3, 9) => "ESP_DES_IV32",
            (3, 10) => "ESP_RC4",
            (3, 11) => "ESP_NULL",
            (3, 12) => "ESP_AES",
            (3, 13) => "ESP_AES-CTR",
            (3, 14) => "ESP_AES-CCM_8",
            (3, 15) => "ESP_AES-CCM_12",
            (3, 16) => "ESP_AES-CCM_16",
            (3, 18) => "ESP_AES-GCM_8",
            (3, 19) => "ESP_AES-GCM_12",
            (3, 20) => "ESP_AES-GCM_16",
            (3, 21) => "ESP_SEED_CBC",
            (3, 22) => "ESP_CAMELLIA",
            (3, 23) => "ESP_NULL_AUTH_AES-GMAC",
            (4, 1) => "IPCOMP_OUI",
            (4, 2) => "IPCOMP_DEFLATE",
            (4, 3) => "IPCOMP_LZS",
            (4, 4) => "IPCOMP_LZJH",
            _ => return None,
        })
    }
}

impl fmt::Debug for TransformId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TransformId({} {} = {})", self.protocol, self, self.id)
    }
}

impl fmt::Display for TransformId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}_TRANSFORM({})", self.protocol, self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isakmp::{DhGroup, IkeEncryption};

    /// The SA payload body of MM1 in captures/lab/mm-psk-aes128-sha1-g14 (frame 3, offset 32).
    const MM1_SA: &str = "00000001000000010000002c01010001000000240101000080010007800e00808002\
                          00028004000e80030001800b0001800c3de0";

    #[test]
    fn decodes_the_lab_phase1_sa() {
        let b = hex::decode(MM1_SA).unwrap();
        let sa = SaPayload::parse(&b, 32).unwrap();
        assert_eq!(sa.doi, Doi::IPSEC);
        assert!(sa.situation.identity_only());
        let props: Vec<_> = sa.proposals().map(|p| p.unwrap()).collect();
        assert_eq!(props.len(), 1);
        let p = props[0];
        assert_eq!(
            (p.number, p.protocol_id, p.spi, p.transform_count),
            (1, ProtocolId::ISAKMP, &[][..], 1)
        );
        assert_eq!(p.offset, 40);
        let ts: Vec<_> = p.transforms().map(|t| t.unwrap()).collect();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].transform_id, TransformId::KEY_IKE);
        assert_eq!(ts[0].offset, 48);
        let pol = ts[0].phase1_policy().unwrap();
        assert_eq!(pol.encryption, Some(IkeEncryption::AES_CBC));
        assert_eq!(pol.group, Some(DhGroup::MODP_2048));
        assert_eq!(
            sa.to_string(),
            "IPSEC SIT_IDENTITY_ONLY: #1 ISAKMP 1 transform(s)"
        );
        assert_eq!(
            ts[0].to_string(),
            "#1 KEY_IKE AES-CBC-128/SHA1/PSK/MODP_2048/15840s"
        );
    }

    #[test]
    fn proposal_spi_size_past_the_end() {
        // proposal: NONE, len 8, #1, ESP, SPI size 4, 1 transform, then no SPI bytes.
        let b = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8, 1, 3, 4, 1];
        let sa = SaPayload::parse(&b, 32).unwrap();
        let e = sa.proposals().next().unwrap().unwrap_err();
        assert_eq!((e.element, e.field, e.offset), ("proposal", "SPI size", 46));
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 4,
                min: 0,
                max: 0
            }
        );
    }

    #[test]
    fn bad_next_payload_in_a_proposal_chain() {
        // proposal saying next = 13 (VID).
        let b = [0, 0, 0, 1, 0, 0, 0, 1, 13, 0, 0, 8, 1, 1, 0, 0];
        let sa = SaPayload::parse(&b, 32).unwrap();
        let e = sa.proposals().next().unwrap().unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.kind.clone()),
            ("next payload", 40, ErrorKind::BadValue { value: 13 })
        );
        // A transform of length 3.
        let b = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 12, 1, 1, 0, 1, 0, 0, 0, 3];
        let sa = SaPayload::parse(&b, 32).unwrap();
        let p = sa.proposals().next().unwrap().unwrap();
        let e = p.transforms().next().unwrap().unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("transform", "payload length", 50)
        );
    }

    #[test]
    fn transform_names_depend_on_the_protocol() {
        assert_eq!(
            TransformId {
                protocol: ProtocolId::IPSEC_ESP,
                id: 12
            }
            .to_string(),
            "ESP_AES"
        );
        assert_eq!(
            TransformId {
                protocol: ProtocolId::IPSEC_AH,
                id: 3
            }
            .to_string(),
            "AH_SHA"
        );
        assert_eq!(
            TransformId {
                protocol: ProtocolId::IPSEC_ESP,
                id: 3
            }
            .to_string(),
            "ESP_3DES"
        );
        assert_eq!(
            TransformId {
                protocol: ProtocolId::IPSEC_ESP,
                id: 200
            }
            .to_string(),
            "ESP_TRANSFORM(200)"
        );
        assert_eq!(TransformId::ESP_NULL_AUTH_AES_GMAC.id, 23);
    }
}
