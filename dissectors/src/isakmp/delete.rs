//! Delete payload (RFC 2408 §3.15).

use std::fmt;

use super::names::{Doi, ProtocolId};
use super::reader::{Reader, be_u32};
use super::text::Hex;
use crate::cookie::Cookie;
use crate::error::{ErrorKind, ParseError};

const DELETE: &str = "Delete payload";

/// A Delete payload: the sender's SPIs that are gone. For ESP/AH these are the sender's
/// *inbound* SPIs; for the ISAKMP SA, the 16-byte cookie pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletePayload<'a> {
    pub doi: Doi,
    pub protocol_id: ProtocolId,
    pub spi_size: u8,
    /// The "# of SPIs" field.
    pub spi_count: u16,
    /// Exactly `spi_size × spi_count` bytes of SPIs.
    pub spis_raw: &'a [u8],
    /// Bytes after the SPIs (should be none).
    pub trailing: &'a [u8],
}

impl<'a> DeletePayload<'a> {
    /// Errors: a header shorter than 8 bytes (Truncated); `spi_count × spi_size` beyond the
    /// payload — the tcpdump isakmp-delete CVE — is `BadLength { value: spi_count, max: SPIs
    /// that fit }` on field "number of SPIs".
    pub fn parse(body: &'a [u8], base: usize) -> Result<DeletePayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, DELETE);
        let doi = Doi(r.u32("DOI")?);
        let protocol_id = ProtocolId(r.u8("protocol ID")?);
        let spi_size = r.u8("SPI size")?;
        let count_at = r.offset();
        let spi_count = r.u16("number of SPIs")?;
        let room = r.remaining();
        let needed = usize::from(spi_size).saturating_mul(usize::from(spi_count));
        if needed > room {
            return Err(ParseError::new(
                DELETE,
                "number of SPIs",
                count_at,
                ErrorKind::BadLength {
                    value: usize::from(spi_count),
                    min: 0,
                    max: room
                        .checked_div(usize::from(spi_size))
                        .unwrap_or(usize::MAX),
                },
            ));
        }
        let spis_raw = r.take(needed, "SPIs")?;
        Ok(DeletePayload {
            doi,
            protocol_id,
            spi_size,
            spi_count,
            spis_raw,
            trailing: r.rest(),
        })
    }

    /// The SPIs, each `spi_size` bytes. (With an SPI size of 0 there is nothing to list.)
    pub fn spis(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let size = usize::from(self.spi_size).max(1);
        let n = if self.spi_size == 0 {
            0
        } else {
            usize::from(self.spi_count)
        };
        self.spis_raw.chunks_exact(size).take(n)
    }

    /// The 4-byte SPIs of an AH/ESP delete as numbers.
    pub fn ipsec_spis(&self) -> impl Iterator<Item = u32> + use<'a> {
        let four = self.spi_size == 4;
        self.spis().filter(move |_| four).map(be_u32)
    }

    /// The cookie pairs of an ISAKMP SA delete (16-byte SPIs).
    pub fn isakmp_cookies(&self) -> impl Iterator<Item = (Cookie, Cookie)> + use<'a> {
        let sixteen = self.spi_size == 16;
        self.spis().filter(move |_| sixteen).filter_map(|s| {
            let (i, r) = s.split_at_checked(8)?;
            Some((Cookie::from_slice(i)?, Cookie::from_slice(r)?))
        })
    }
}

impl fmt::Display for DeletePayload<'_> {
    /// `D(ESP c5039682)`, `D(ISAKMP 31acfc6c27a16728/0ed3229697e4c93b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "D({}", self.protocol_id)?;
        for s in self.spis().take(16) {
            match s.split_at_checked(8) {
                Some((i, r)) if s.len() == 16 => write!(f, " {}/{}", Hex(i), Hex(r))?,
                _ => write!(f, " {}", Hex(s))?,
            }
        }
        if self.spi_count > 16 {
            write!(f, " …({} SPIs)", self.spi_count)?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_from_the_lab() {
        // ESP delete (truth.json plaintext, mm-psk-aes128-sha1-g14): the sender's inbound SPI.
        let b = hex::decode("0000000103040001c5039682").unwrap();
        let d = DeletePayload::parse(&b, 56).unwrap();
        assert_eq!(d.protocol_id, ProtocolId::IPSEC_ESP);
        assert_eq!(d.ipsec_spis().collect::<Vec<_>>(), [0xc503_9682]);
        assert_eq!(d.to_string(), "D(ESP c5039682)");
        // ISAKMP SA delete: the cookie pair.
        let b = hex::decode("000000010110000131acfc6c27a167280ed3229697e4c93b").unwrap();
        let d = DeletePayload::parse(&b, 56).unwrap();
        let (i, r) = d.isakmp_cookies().next().unwrap();
        assert_eq!(i.to_string(), "31acfc6c27a16728");
        assert_eq!(r.to_string(), "0ed3229697e4c93b");
        assert_eq!(d.to_string(), "D(ISAKMP 31acfc6c27a16728/0ed3229697e4c93b)");
        assert!(d.trailing.is_empty());
    }

    #[test]
    fn count_times_size_past_the_end() {
        // 65535 ESP SPIs claimed, one present.
        let b = hex::decode("000000010304ffffc5039682").unwrap();
        let e = DeletePayload::parse(&b, 32).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("Delete payload", "number of SPIs", 38)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 65535,
                min: 0,
                max: 1
            }
        );
        // SPI size 0 with any count: nothing to read, no loop.
        let b = hex::decode("000000010300ffff").unwrap();
        let d = DeletePayload::parse(&b, 0).unwrap();
        assert_eq!(d.spis().count(), 0);
    }
}
