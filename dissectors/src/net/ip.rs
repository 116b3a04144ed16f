//! IPv4 (RFC 791) and IPv6 (RFC 8200) headers: addresses, the upper-layer protocol, the
//! payload bounded by the header's length, and fragment information.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::err::ipv4::HeaderError as V4HeaderError;
use etherparse::err::ipv4::HeaderSliceError as V4SliceError;
use etherparse::err::ipv6::HeaderSliceError as V6SliceError;
use etherparse::{
    Ipv4HeaderSlice, Ipv6FragmentHeader, Ipv6FragmentHeaderSlice, Ipv6HeaderSlice,
    Ipv6RawExtHeaderSlice,
};

use crate::error::{ErrorKind, ParseError};

/// An IP protocol number / IPv6 Next Header value (IANA "Assigned Internet Protocol
/// Numbers"). Open newtype: unknown values are kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    /// IPv6 Hop-by-Hop Options (RFC 8200 §4.3).
    pub const HOPOPT: IpProtocol = IpProtocol(0);
    /// IPv4 encapsulated in IP: an ESP tunnel-mode payload (RFC 2003, RFC 4303 §2.6).
    pub const IPV4: IpProtocol = IpProtocol(4);
    /// IPv6 encapsulated in IP (RFC 2473).
    pub const IPV6: IpProtocol = IpProtocol(41);
    pub const ICMP: IpProtocol = IpProtocol(1);
    pub const TCP: IpProtocol = IpProtocol(6);
    pub const UDP: IpProtocol = IpProtocol(17);
    /// IPv6 Routing header (RFC 8200 §4.4).
    pub const IPV6_ROUTE: IpProtocol = IpProtocol(43);
    /// IPv6 Fragment header (RFC 8200 §4.5).
    pub const IPV6_FRAG: IpProtocol = IpProtocol(44);
    pub const GRE: IpProtocol = IpProtocol(47);
    /// Encapsulating Security Payload (RFC 4303).
    pub const ESP: IpProtocol = IpProtocol(50);
    /// Authentication Header (RFC 4302).
    pub const AH: IpProtocol = IpProtocol(51);
    pub const ICMPV6: IpProtocol = IpProtocol(58);
    /// IPv6 No Next Header (RFC 8200 §4.7).
    pub const IPV6_NONXT: IpProtocol = IpProtocol(59);
    /// IPv6 Destination Options (RFC 8200 §4.6).
    pub const IPV6_OPTS: IpProtocol = IpProtocol(60);
    /// Mobility header (RFC 6275).
    pub const MOBILITY: IpProtocol = IpProtocol(135);
    /// Host Identity Protocol (RFC 7401).
    pub const HIP: IpProtocol = IpProtocol(139);
    /// Shim6 (RFC 5533).
    pub const SHIM6: IpProtocol = IpProtocol(140);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            IpProtocol::HOPOPT => "IPv6 hop-by-hop options",
            IpProtocol::ICMP => "ICMP",
            IpProtocol::IPV4 => "IPv4",
            IpProtocol::IPV6 => "IPv6",
            IpProtocol::TCP => "TCP",
            IpProtocol::UDP => "UDP",
            IpProtocol::IPV6_ROUTE => "IPv6 routing header",
            IpProtocol::IPV6_FRAG => "IPv6 fragment header",
            IpProtocol::GRE => "GRE",
            IpProtocol::ESP => "ESP",
            IpProtocol::AH => "AH",
            IpProtocol::ICMPV6 => "ICMPv6",
            IpProtocol::IPV6_NONXT => "IPv6 no next header",
            IpProtocol::IPV6_OPTS => "IPv6 destination options",
            IpProtocol::MOBILITY => "IPv6 mobility header",
            IpProtocol::HIP => "HIP",
            IpProtocol::SHIM6 => "Shim6",
            _ => return None,
        })
    }

    /// IPv6 extension headers in the generic format of RFC 6564 §4 (next header, length in
    /// 8-octet units not counting the first), which are skipped to reach the upper layer.
    /// AH and ESP are *not* skipped: they are what ikescope is looking for.
    fn is_skippable_ipv6_extension(self) -> bool {
        matches!(
            self,
            IpProtocol::HOPOPT
                | IpProtocol::IPV6_ROUTE
                | IpProtocol::IPV6_OPTS
                | IpProtocol::MOBILITY
                | IpProtocol::HIP
                | IpProtocol::SHIM6
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum IpVersion {
    V4,
    V6,
}

/// Where a fragment belongs in its datagram (RFC 791 §3.1, RFC 8200 §4.5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FragmentInfo {
    /// IPv4 Identification (16 bits) or IPv6 Fragment header Identification (32 bits).
    pub id: u32,
    /// Offset of this fragment's data in the original payload, in bytes (the header field × 8).
    pub offset: usize,
    /// The More Fragments flag: false on the last fragment.
    pub more_fragments: bool,
}

/// An IPv4 or IPv6 packet that borrows the frame it came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IpPacket<'a> {
    pub version: IpVersion,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The upper-layer protocol: IPv4 Protocol, or for IPv6 the Next Header after the
    /// extension headers that are skipped (hop-by-hop, routing, destination options, mobility,
    /// HIP, shim6). AH (51) and ESP (50) end the walk. For a fragment (other than an atomic
    /// one) it is the Fragment header's Next Header and `payload` is the fragment data.
    pub protocol: IpProtocol,
    /// IPv4 TTL or IPv6 hop limit.
    pub ttl: u8,
    /// The outermost 802.1Q/802.1ad VLAN ID the frame carried, if any.
    pub vlan: Option<u16>,
    /// Present when this packet is a fragment of a larger datagram (IPv4 MF set or offset
    /// non-zero; an IPv6 Fragment header other than an atomic fragment, RFC 6946).
    pub fragment: Option<FragmentInfo>,
    /// Offset of the IP header from the start of the frame.
    pub header_offset: usize,
    /// Offset of `payload` from the start of the frame.
    pub payload_offset: usize,
    /// The payload length the IP header declares (IPv4 Total Length minus the header, IPv6
    /// Payload Length minus the skipped extension headers). Equal to `payload.len()` except
    /// from [`super::decode_frame_lax`] on a frame cut by the snap length.
    pub payload_len: usize,
    /// The bytes after the IP header (and skipped extension headers), bounded by the IPv4 Total
    /// Length / IPv6 Payload Length: Ethernet padding and trailers are not included.
    pub payload: &'a [u8],
}

impl IpPacket<'_> {
    pub fn is_fragment(&self) -> bool {
        self.fragment.is_some()
    }

    /// Whether the capture holds fewer payload bytes than the header declares (only from
    /// [`super::decode_frame_lax`]).
    pub fn is_truncated(&self) -> bool {
        self.payload.len() < self.payload_len
    }
}

/// More IPv6 extension headers than any legitimate packet carries (a loop guard).
const MAX_IPV6_EXTENSIONS: usize = 16;

/// An IP packet at `offset` in `frame` whose version is given by its first nibble.
pub(super) fn parse_ip(
    frame: &[u8],
    offset: usize,
    vlan: Option<u16>,
    lax: bool,
) -> Result<IpPacket<'_>, ParseError> {
    match frame.get(offset).map(|b| b >> 4) {
        Some(4) => parse_ipv4(frame, offset, vlan, lax),
        Some(6) => parse_ipv6(frame, offset, vlan, lax),
        Some(v) => Err(ParseError::new(
            "IP header",
            "version",
            offset,
            ErrorKind::BadValue {
                value: u64::from(v),
            },
        )),
        None => Err(ParseError::truncated("IP header", "version", offset, 1, 0)),
    }
}

/// IPv4 header (RFC 791 §3.1) at `offset` in `frame`. `lax`: accept a packet cut by the snap
/// length.
pub(super) fn parse_ipv4(
    frame: &[u8],
    offset: usize,
    vlan: Option<u16>,
    lax: bool,
) -> Result<IpPacket<'_>, ParseError> {
    const E: &str = "IPv4 header";
    let bytes = frame.get(offset..).unwrap_or_default();
    let header = Ipv4HeaderSlice::from_slice(bytes).map_err(|e| match e {
        V4SliceError::Len(l) => {
            let field = if l.required_len <= 20 {
                "header"
            } else {
                "options (IHL)"
            };
            ParseError::truncated(E, field, offset, l.required_len, l.len)
        }
        V4SliceError::Content(V4HeaderError::UnexpectedVersion { version_number }) => {
            ParseError::new(
                E,
                "version",
                offset,
                ErrorKind::BadValue {
                    value: u64::from(version_number),
                },
            )
        }
        V4SliceError::Content(V4HeaderError::HeaderLengthSmallerThanHeader { ihl }) => {
            ParseError::new(
                E,
                "IHL",
                offset,
                ErrorKind::BadLength {
                    value: usize::from(ihl) * 4,
                    min: 20,
                    max: 60,
                },
            )
        }
    })?;
    let header_len = header.slice().len();
    let total_len = usize::from(header.total_len());
    if total_len < header_len {
        return Err(ParseError::new(
            E,
            "total length",
            offset + 2,
            ErrorKind::BadLength {
                value: total_len,
                min: header_len,
                max: usize::from(u16::MAX),
            },
        ));
    }
    // Cut by the snap length: the packet is longer than the bytes captured.
    let payload = match bytes.get(header_len..total_len) {
        Some(payload) => payload,
        None if lax => bytes.get(header_len..).unwrap_or_default(),
        None => {
            return Err(ParseError::truncated(
                E,
                "total length",
                offset + 2,
                total_len,
                bytes.len(),
            ));
        }
    };
    let frag_offset = usize::from(header.fragments_offset().value()) * 8;
    let fragment = (header.more_fragments() || frag_offset != 0).then(|| FragmentInfo {
        id: u32::from(header.identification()),
        offset: frag_offset,
        more_fragments: header.more_fragments(),
    });
    Ok(IpPacket {
        version: IpVersion::V4,
        src: IpAddr::V4(Ipv4Addr::from(header.source())),
        dst: IpAddr::V4(Ipv4Addr::from(header.destination())),
        protocol: IpProtocol(header.protocol().0),
        ttl: header.ttl(),
        vlan,
        fragment,
        header_offset: offset,
        payload_offset: offset + header_len,
        payload_len: total_len - header_len,
        payload,
    })
}

/// IPv6 header (RFC 8200 §3) at `offset` in `frame`, then its extension headers (§4).
/// `lax`: accept a packet cut by the snap length.
pub(super) fn parse_ipv6(
    frame: &[u8],
    offset: usize,
    vlan: Option<u16>,
    lax: bool,
) -> Result<IpPacket<'_>, ParseError> {
    const E: &str = "IPv6 header";
    const LEN: usize = 40;
    let bytes = frame.get(offset..).unwrap_or_default();
    let header = Ipv6HeaderSlice::from_slice(bytes).map_err(|e| match e {
        V6SliceError::Len(l) => ParseError::truncated(E, "header", offset, l.required_len, l.len),
        V6SliceError::Content(c) => {
            let etherparse::err::ipv6::HeaderError::UnexpectedVersion { version_number } = c;
            ParseError::new(
                E,
                "version",
                offset,
                ErrorKind::BadValue {
                    value: u64::from(version_number),
                },
            )
        }
    })?;
    // Jumbograms (payload length 0 + a hop-by-hop Jumbo option, RFC 2675) cannot cross
    // Ethernet; a zero length here means an empty payload.
    let payload_len = usize::from(header.payload_length());
    let after_header = match bytes.get(LEN..LEN + payload_len) {
        Some(after_header) => after_header,
        None if lax => bytes.get(LEN..).unwrap_or_default(),
        None => {
            return Err(ParseError::truncated(
                E,
                "payload length",
                offset + 4,
                LEN + payload_len,
                bytes.len(),
            ));
        }
    };
    let walk = walk_ipv6_extensions(
        IpProtocol(header.next_header().0),
        after_header,
        offset + LEN,
        true,
    )?;
    Ok(IpPacket {
        version: IpVersion::V6,
        src: IpAddr::V6(Ipv6Addr::from(header.source())),
        dst: IpAddr::V6(Ipv6Addr::from(header.destination())),
        protocol: walk.protocol,
        ttl: header.hop_limit(),
        vlan,
        fragment: walk.fragment,
        header_offset: offset,
        payload_offset: offset + LEN + walk.payload_start,
        payload_len: payload_len.saturating_sub(walk.payload_start),
        payload: after_header.get(walk.payload_start..).unwrap_or_default(),
    })
}

pub(super) struct ExtensionWalk {
    pub protocol: IpProtocol,
    /// Where the upper-layer payload (or the fragment data) starts in the walked bytes.
    pub payload_start: usize,
    pub fragment: Option<FragmentInfo>,
}

/// Skips IPv6 extension headers in `data` (which starts with a header of type `next`), up to
/// the upper-layer header, AH, ESP, or the data after a Fragment header of a real fragment.
/// `base` is the offset of `data` in the frame, for errors. `at_start`: whether `data` follows
/// the fixed header directly (only there may Hop-by-Hop appear, RFC 8200 §4.1).
pub(super) fn walk_ipv6_extensions(
    mut next: IpProtocol,
    data: &[u8],
    base: usize,
    at_start: bool,
) -> Result<ExtensionWalk, ParseError> {
    let mut pos = 0usize;
    for count in 0..MAX_IPV6_EXTENSIONS {
        let rest = data.get(pos..).unwrap_or_default();
        if next == IpProtocol::HOPOPT && !(at_start && count == 0) {
            return Err(ParseError::new(
                "IPv6 extension header",
                "next header",
                base + pos,
                ErrorKind::BadValue { value: 0 },
            ));
        }
        if next.is_skippable_ipv6_extension() {
            let ext = Ipv6RawExtHeaderSlice::from_slice(rest).map_err(|e| {
                ParseError::truncated(
                    "IPv6 extension header",
                    "header extension length",
                    base + pos,
                    e.required_len,
                    e.len,
                )
            })?;
            pos += ext.slice().len();
            next = IpProtocol(ext.next_header().0);
        } else if next == IpProtocol::IPV6_FRAG {
            let frag = Ipv6FragmentHeaderSlice::from_slice(rest).map_err(|e| {
                ParseError::truncated(
                    "IPv6 fragment header",
                    "header",
                    base + pos,
                    e.required_len,
                    e.len,
                )
            })?;
            pos += Ipv6FragmentHeader::LEN;
            next = IpProtocol(frag.next_header().0);
            let offset = usize::from(frag.fragment_offset().value()) * 8;
            let more_fragments = frag.more_fragments();
            // An atomic fragment (offset 0, M clear) is a whole packet (RFC 6946 §4): go on.
            if offset != 0 || more_fragments {
                return Ok(ExtensionWalk {
                    protocol: next,
                    payload_start: pos,
                    fragment: Some(FragmentInfo {
                        id: frag.identification(),
                        offset,
                        more_fragments,
                    }),
                });
            }
        } else {
            return Ok(ExtensionWalk {
                protocol: next,
                payload_start: pos,
                fragment: None,
            });
        }
    }
    Err(ParseError::new(
        "IPv6 extension header",
        "next header",
        base + pos,
        ErrorKind::TooMany {
            limit: MAX_IPV6_EXTENSIONS,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPv6 header (payload length and next header given) followed by `rest`.
    fn ipv6(next: u8, rest: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0];
        p.extend_from_slice(&(rest.len() as u16).to_be_bytes());
        p.extend_from_slice(&[next, 64]);
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        p.extend_from_slice(rest);
        p
    }

    #[test]
    fn ipv6_walks_options_and_atomic_fragments_but_stops_at_ah() {
        // Hop-by-hop (8 bytes) → atomic fragment → destination options (16 bytes) → AH.
        let mut rest = vec![44, 0, 1, 4, 0, 0, 0, 0];
        rest.extend_from_slice(&[60, 0, 0, 0, 0, 0, 0, 0x2a]);
        rest.extend_from_slice(&[51, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        rest.extend_from_slice(&[50, 4, 0, 0, 0xc0, 0xff, 0xee, 0x01]);
        let bytes = ipv6(0, &rest);
        let p = parse_ipv6(&bytes, 0, None, false).unwrap();
        assert_eq!(p.protocol, IpProtocol::AH);
        assert_eq!((p.fragment, p.payload_offset), (None, 40 + 32));
        assert_eq!(&p.payload[4..8], &[0xc0, 0xff, 0xee, 0x01]);
    }

    #[test]
    fn ipv6_fragment_stops_the_walk() {
        // Fragment offset 8 (field 1), M set, id 0x01020304; data not parsed as headers.
        let rest = [17, 0, 0, 9, 1, 2, 3, 4, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0];
        let bytes = ipv6(44, &rest);
        let p = parse_ipv6(&bytes, 0, None, false).unwrap();
        assert_eq!(p.protocol, IpProtocol::UDP);
        assert_eq!(
            p.fragment,
            Some(FragmentInfo {
                id: 0x0102_0304,
                offset: 8,
                more_fragments: true
            })
        );
        assert_eq!(p.payload, &rest[8..]);
    }

    #[test]
    fn ipv6_errors_name_the_header_and_offset() {
        // Hop-by-hop in second place.
        let bytes = [vec![0; 14], ipv6(60, &[0, 0, 0, 0, 0, 0, 0, 0, 17])].concat();
        let e2 = parse_ipv6(&bytes, 14, None, false).unwrap_err();
        assert_eq!(
            (e2.element, e2.field, e2.offset),
            ("IPv6 extension header", "next header", 14 + 48)
        );
        // Destination options claiming 16 bytes with 8 present.
        let e = parse_ipv6(&ipv6(60, &[17, 1, 0, 0, 0, 0, 0, 0]), 0, None, false).unwrap_err();
        assert_eq!(
            (e.element, e.offset, e.code()),
            ("IPv6 extension header", 40, "truncated")
        );
        // A loop of destination options.
        let many: Vec<u8> = (0..20).flat_map(|_| [60u8, 0, 0, 0, 0, 0, 0, 0]).collect();
        let e = parse_ipv6(&ipv6(60, &many), 0, None, false).unwrap_err();
        assert_eq!(e.code(), "too_many");
        // Payload length beyond the capture.
        let mut p = ipv6(17, &[0; 8]);
        p.truncate(44);
        let e = parse_ipv6(&p, 0, None, false).unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.code()),
            ("payload length", 4, "truncated")
        );
    }

    #[test]
    fn ipv4_checks_ihl_and_total_length() {
        let mut p = vec![
            0x45, 0, 0, 28, 0, 1, 0x20, 0x00, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
        ];
        p.extend_from_slice(&[0; 8]);
        p.extend_from_slice(&[0xee; 6]); // Ethernet padding
        let ip = parse_ipv4(&p, 0, None, false).unwrap();
        assert_eq!(ip.payload.len(), 8);
        assert_eq!(
            ip.fragment,
            Some(FragmentInfo {
                id: 1,
                offset: 0,
                more_fragments: true
            })
        );
        p[3] = 19;
        let e = parse_ipv4(&p, 0, None, false).unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.code()),
            ("total length", 2, "bad_length")
        );
        p[3] = 28;
        p[0] = 0x44;
        assert_eq!(parse_ipv4(&p, 0, None, false).unwrap_err().field, "IHL");
        p[0] = 0x4f; // 60-byte header, 34 bytes present
        assert_eq!(
            parse_ipv4(&p, 0, None, false).unwrap_err().field,
            "options (IHL)"
        );
        p[0] = 0x55;
        assert_eq!(parse_ipv4(&p, 0, None, false).unwrap_err().field, "version");
    }
}
