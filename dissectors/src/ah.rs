//! AH header (RFC 4302 §2), as a zero-copy view.
//!
//! The header's Payload Length is "the length of AH in 32-bit words (4-byte units), minus 2"
//! (RFC 4302 §2.2), so the header is `(payload_len + 2) × 4` bytes: at least 12 (no ICV, the
//! NULL-integrity case) and never more than the bytes present. Because that is always a
//! multiple of 4, the IPv4 alignment rule (RFC 4302 §2.6: a multiple of 32 bits) holds by
//! construction; IPv6 requires a multiple of 64 bits, which a sender can get wrong, so
//! [`AhPacket::is_ipv6_aligned`] flags it rather than rejecting the packet.
//!
//! SPI 0 is rejected as in [`crate::esp`] (RFC 4302 §2.4: "MUST NOT be sent on the wire").

use std::fmt;

use crate::error::{ErrorKind, ParseError};

const ELEMENT: &str = "AH header";

/// Byte offsets of the AH header fields (RFC 4302 §2, Figure 1).
pub mod field {
    use std::ops::Range;
    pub const NEXT_HEADER: usize = 0;
    pub const PAYLOAD_LEN: usize = 1;
    pub const RESERVED: Range<usize> = 2..4;
    pub const SPI: Range<usize> = 4..8;
    pub const SEQUENCE: Range<usize> = 8..12;
    pub const ICV: usize = 12;
}

/// An AH packet: the header (with its ICV) and the protected payload after it, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AhPacket<'a> {
    next_header: u8,
    payload_len: u8,
    reserved: u16,
    spi: u32,
    sequence: u32,
    header: &'a [u8],
    payload: &'a [u8],
}

impl<'a> AhPacket<'a> {
    /// The fixed part: next header, payload length, reserved, SPI, sequence number.
    pub const MIN_HEADER_LEN: usize = 12;

    /// Reads the header at the start of `bytes` (the IP payload for protocol 51).
    pub fn parse(bytes: &'a [u8]) -> Result<AhPacket<'a>, ParseError> {
        let fixed: [u8; 12] = bytes
            .get(..Self::MIN_HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| {
                ParseError::truncated(ELEMENT, "header", 0, Self::MIN_HEADER_LEN, bytes.len())
            })?;
        let [
            next_header,
            payload_len,
            r0,
            r1,
            s0,
            s1,
            s2,
            s3,
            q0,
            q1,
            q2,
            q3,
        ] = fixed;
        let spi = u32::from_be_bytes([s0, s1, s2, s3]);
        let header_len = (usize::from(payload_len) + 2) * 4;
        if header_len < Self::MIN_HEADER_LEN {
            return Err(ParseError::new(
                ELEMENT,
                "payload length",
                field::PAYLOAD_LEN,
                ErrorKind::BadLength {
                    value: usize::from(payload_len),
                    min: 1,
                    max: (bytes.len() / 4).saturating_sub(2),
                },
            ));
        }
        let Some((header, payload)) = bytes.split_at_checked(header_len) else {
            return Err(ParseError::truncated(
                ELEMENT,
                "payload length",
                field::PAYLOAD_LEN,
                header_len,
                bytes.len(),
            ));
        };
        if spi == 0 {
            return Err(ParseError::new(
                ELEMENT,
                "SPI",
                field::SPI.start,
                ErrorKind::BadValue { value: 0 },
            ));
        }
        Ok(AhPacket {
            next_header,
            payload_len,
            reserved: u16::from_be_bytes([r0, r1]),
            spi,
            sequence: u32::from_be_bytes([q0, q1, q2, q3]),
            header,
            payload,
        })
    }

    /// IP protocol number of what follows the AH header (4 = IPv4 in tunnel mode, 6 = TCP…).
    pub fn next_header(&self) -> u8 {
        self.next_header
    }

    /// The raw Payload Length field.
    pub fn payload_len(&self) -> u8 {
        self.payload_len
    }

    /// The AH header length in bytes, ICV included: `(payload_len + 2) × 4`.
    pub fn header_len(&self) -> usize {
        self.header.len()
    }

    /// "MUST be set to zero" (RFC 4302 §2.3); a non-zero value is an anomaly.
    pub fn reserved(&self) -> u16 {
        self.reserved
    }

    pub fn spi(&self) -> u32 {
        self.spi
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// The Integrity Check Value (its length depends on the SA's algorithm, and may include
    /// padding for alignment).
    pub fn icv(&self) -> &'a [u8] {
        self.header.get(field::ICV..).unwrap_or_default()
    }

    /// Over IPv6 the AH header must be a multiple of 8 bytes (RFC 4302 §2.6).
    pub fn is_ipv6_aligned(&self) -> bool {
        self.header.len().is_multiple_of(8)
    }

    /// The header, ICV included.
    pub fn header(&self) -> &'a [u8] {
        self.header
    }

    /// The protected payload after the header, of IP protocol [`AhPacket::next_header`].
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
}

impl fmt::Display for AhPacket<'_> {
    /// `AH spi 0x00001000 seq 3, next 4, icv 12 bytes`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AH spi {:#010x} seq {}, next {}, icv {} bytes",
            self.spi,
            self.sequence,
            self.next_header,
            self.icv().len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AH with HMAC-SHA1-96 (12-byte ICV: header 24 bytes, payload length field 4) over IPv4.
    fn packet(payload_len: u8, total: usize) -> Vec<u8> {
        let mut v = vec![4, payload_len, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 3];
        v.resize(total, 0xab);
        v
    }

    #[test]
    fn parses_header_icv_and_payload() {
        let bytes = packet(4, 30);
        let ah = AhPacket::parse(&bytes).unwrap();
        assert_eq!((ah.next_header(), ah.spi(), ah.sequence()), (4, 0x1000, 3));
        assert_eq!(ah.header_len(), 24);
        assert_eq!(ah.icv().len(), 12);
        assert_eq!(ah.payload().len(), 6);
        assert!(ah.is_ipv6_aligned());
        assert_eq!(
            ah.to_string(),
            "AH spi 0x00001000 seq 3, next 4, icv 12 bytes"
        );
        // HMAC-SHA-256-128 over IPv4: 16-byte ICV, header 28, not 8-byte aligned.
        let bytes = packet(5, 28);
        let ah = AhPacket::parse(&bytes).unwrap();
        assert!(!ah.is_ipv6_aligned());
        assert!(ah.payload().is_empty());
    }

    #[test]
    fn lengths_are_checked() {
        let e = AhPacket::parse(&packet(0, 20)).unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.code()),
            ("payload length", 1, "bad_length")
        );
        let e = AhPacket::parse(&packet(4, 20)).unwrap_err();
        assert_eq!(
            (e.field, e.kind),
            (
                "payload length",
                ErrorKind::Truncated {
                    needed: 24,
                    available: 20
                }
            )
        );
        let e = AhPacket::parse(&packet(4, 11)).unwrap_err();
        assert_eq!((e.element, e.field), ("AH header", "header"));
        let mut zero = packet(1, 12);
        zero[6] = 0;
        assert_eq!(AhPacket::parse(&zero).unwrap_err().field, "SPI");
        // 255 words: 1028 bytes claimed.
        let e = AhPacket::parse(&packet(255, 40)).unwrap_err();
        assert_eq!(e.code(), "truncated");
    }
}
