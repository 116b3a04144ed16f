//! ESP header (RFC 4303 §2), as a zero-copy view.
//!
//! Without keys only the SPI and the sequence number can be read; the rest of the packet
//! (IV ‖ ciphertext ‖ padding ‖ pad length ‖ next header ‖ ICV) is opaque, and how it splits
//! depends on the SA's algorithms, which the crypto module knows.
//!
//! **SPI 0.** RFC 4303 §2.1: "The SPI value of zero (0) is reserved for local,
//! implementation-specific use and MUST NOT be sent on the wire." [`EspPacket::parse`] rejects
//! it with an error (`ESP header: SPI … invalid value 0`, code `bad_value`) rather than a flag,
//! so that the anomaly is counted wherever ESP is parsed and no SA table is ever keyed by it.
//! (On UDP 4500 four zero bytes are the non-ESP marker, RFC 3948 §2.2, so an SPI of 0 there
//! never reaches this parser.) SPIs 1–255 are reserved by IANA for future use but not
//! forbidden; [`EspPacket::spi_is_iana_reserved`] tells.

use std::fmt;

use crate::error::{ErrorKind, ParseError};

const ELEMENT: &str = "ESP header";

/// Byte offsets of the ESP header fields (RFC 4303 §2, Figure 1).
pub mod field {
    use std::ops::Range;
    pub const SPI: Range<usize> = 0..4;
    pub const SEQUENCE: Range<usize> = 4..8;
    pub const PAYLOAD: usize = 8;
}

/// An ESP packet: the 8-byte header and the opaque rest, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EspPacket<'a> {
    spi: u32,
    sequence: u32,
    bytes: &'a [u8],
}

impl<'a> EspPacket<'a> {
    pub const HEADER_LEN: usize = 8;

    /// Reads the header. `bytes` starts at the SPI (the IP payload for protocol 50, the UDP
    /// payload for UDP-encapsulated ESP). Fails on fewer than 8 bytes and on SPI 0.
    pub fn parse(bytes: &'a [u8]) -> Result<EspPacket<'a>, ParseError> {
        let header: [u8; 8] = bytes
            .get(..Self::HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| {
                let field = if bytes.len() < 4 {
                    "SPI"
                } else {
                    "sequence number"
                };
                ParseError::truncated(ELEMENT, field, 0, Self::HEADER_LEN, bytes.len())
            })?;
        let [a, b, c, d, e, f, g, h] = header;
        let spi = u32::from_be_bytes([a, b, c, d]);
        let sequence = u32::from_be_bytes([e, f, g, h]);
        if spi == 0 {
            return Err(ParseError::new(
                ELEMENT,
                "SPI",
                field::SPI.start,
                ErrorKind::BadValue { value: 0 },
            ));
        }
        Ok(EspPacket {
            spi,
            sequence,
            bytes,
        })
    }

    pub fn spi(&self) -> u32 {
        self.spi
    }

    /// The low 32 bits of the sequence number (the high 32 bits of an extended sequence
    /// number are never sent, RFC 4303 §2.2.1).
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// SPIs 1–255 are reserved by IANA for future use (RFC 4303 §2.1).
    pub fn spi_is_iana_reserved(&self) -> bool {
        self.spi <= 255
    }

    /// Everything after the header: IV ‖ ciphertext ‖ ICV, opaque without keys. May be empty
    /// in a malformed packet; decryption reports that.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(Self::HEADER_LEN..).unwrap_or_default()
    }

    /// The whole packet, header included (the ICV covers it from the SPI on, RFC 4303 §2.8).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Display for EspPacket<'_> {
    /// `ESP spi 0xc1c8f163 seq 1, 120 bytes` (the SPI in hex as tcpdump and Wireshark show
    /// it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ESP spi {:#010x} seq {}, {} bytes",
            self.spi,
            self.sequence,
            self.payload().len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header() {
        let bytes = [0xc1, 0xc8, 0xf1, 0x63, 0, 0, 0, 20, 0xaa, 0xbb];
        let esp = EspPacket::parse(&bytes).unwrap();
        assert_eq!(esp.spi(), 0xc1c8f163);
        assert_eq!(esp.sequence(), 20);
        assert_eq!(esp.payload(), &[0xaa, 0xbb]);
        assert!(!esp.spi_is_iana_reserved());
        assert_eq!(esp.to_string(), "ESP spi 0xc1c8f163 seq 20, 2 bytes");
        assert!(EspPacket::parse(&bytes[..8]).unwrap().payload().is_empty());
    }

    #[test]
    fn short_and_zero_spi_are_errors() {
        let e = EspPacket::parse(&[1, 2, 3, 4, 5, 6]).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset, e.kind),
            (
                "ESP header",
                "sequence number",
                0,
                ErrorKind::Truncated {
                    needed: 8,
                    available: 6
                }
            )
        );
        assert_eq!(EspPacket::parse(&[]).unwrap_err().field, "SPI");
        let e = EspPacket::parse(&[0, 0, 0, 0, 0, 0, 0, 1]).unwrap_err();
        assert_eq!((e.field, e.code()), ("SPI", "bad_value"));
        assert!(
            EspPacket::parse(&[0, 0, 0, 7, 0, 0, 0, 1])
                .unwrap()
                .spi_is_iana_reserved()
        );
    }
}
