//! UDP (RFC 768): ports and the payload, bounded by the UDP length.

use super::be16;
use crate::error::{ErrorKind, ParseError};

/// A UDP datagram that borrows the IP payload it came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UdpDatagram<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    /// The UDP Length field: header plus data, checked against the bytes present.
    pub length: u16,
    /// The checksum as sent (0 = none, allowed over IPv4). Not verified: a passive observer
    /// has no use for dropping what the peer accepted.
    pub checksum: u16,
    /// The data after the 8-byte header, `length - 8` bytes; bytes after it in the IP payload
    /// are not included.
    pub payload: &'a [u8],
}

impl UdpDatagram<'_> {
    pub const HEADER_LEN: usize = 8;
}

/// Parses the UDP header at the start of `ip_payload` (a whole, reassembled IP payload). Error
/// offsets count from the UDP header: shift them by [`super::IpPacket::payload_offset`].
pub fn parse_udp(ip_payload: &[u8]) -> Result<UdpDatagram<'_>, ParseError> {
    udp(ip_payload, false)
}

/// [`parse_udp`] for a payload cut by the snap length (or whose UDP length lies): the payload is
/// the bytes present up to the UDP length; compare it with `length - 8`.
pub fn parse_udp_lax(ip_payload: &[u8]) -> Result<UdpDatagram<'_>, ParseError> {
    udp(ip_payload, true)
}

fn udp(ip_payload: &[u8], lax: bool) -> Result<UdpDatagram<'_>, ParseError> {
    const E: &str = "UDP header";
    let (Some(src_port), Some(dst_port), Some(length), Some(checksum)) = (
        be16(ip_payload, 0),
        be16(ip_payload, 2),
        be16(ip_payload, 4),
        be16(ip_payload, 6),
    ) else {
        return Err(ParseError::truncated(
            E,
            "header",
            0,
            UdpDatagram::HEADER_LEN,
            ip_payload.len(),
        ));
    };
    let len = usize::from(length);
    if len < UdpDatagram::HEADER_LEN {
        return Err(ParseError::new(
            E,
            "length",
            4,
            ErrorKind::BadLength {
                value: len,
                min: UdpDatagram::HEADER_LEN,
                max: ip_payload.len(),
            },
        ));
    }
    let payload = match ip_payload.get(UdpDatagram::HEADER_LEN..len) {
        Some(payload) => payload,
        None if lax => ip_payload
            .get(UdpDatagram::HEADER_LEN..)
            .unwrap_or_default(),
        None => return Err(ParseError::truncated(E, "length", 4, len, ip_payload.len())),
    };
    Ok(UdpDatagram {
        src_port,
        dst_port,
        length,
        checksum,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_payload_by_length_and_rejects_short_or_long_lengths() {
        let mut d = vec![
            0x01, 0xf4, 0x11, 0x94, 0x00, 0x0a, 0x00, 0x00, 0xaa, 0xbb, 0xcc,
        ];
        let u = parse_udp(&d).unwrap();
        assert_eq!((u.src_port, u.dst_port, u.length), (500, 4500, 10));
        assert_eq!(u.payload, &[0xaa, 0xbb]);
        d[5] = 7;
        assert_eq!(parse_udp(&d).unwrap_err().code(), "bad_length");
        d[5] = 12;
        let e = parse_udp(&d).unwrap_err();
        assert_eq!((e.field, e.offset, e.code()), ("length", 4, "truncated"));
        assert_eq!(parse_udp_lax(&d).unwrap().payload, &[0xaa, 0xbb, 0xcc]);
        assert_eq!(parse_udp(&d[..7]).unwrap_err().field, "header");
    }
}
