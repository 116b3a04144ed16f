//! Link layers, IPv4/IPv6, UDP, and bounded IP fragment reassembly: everything between a
//! captured frame and the bytes an IPsec dissector wants.
//!
//! - [`decode_frame`]: a frame of a given [`LinkType`] → [`Network::Ip`] ([`IpPacket`], which
//!   borrows the frame) or [`Network::NotIp`] (ARP, LLDP, CDP… counted by the caller, never an
//!   error). Link layers: Ethernet II with any number (≤ 8) of 802.1Q/802.1ad tags, Linux cooked
//!   v1 and v2, raw IP, BSD null/loop.
//! - [`parse_udp`]: the UDP header (RFC 768), payload bounded by the UDP length.
//! - [`Reassembler`]: IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5) with hard bounds on
//!   datagrams in flight, bytes buffered and time, after RFC 815's idea that only the holes
//!   matter. IKE messages carrying certificates arrive as fragmented UDP: the UDP header is only
//!   in the first fragment, so UDP is parsed after reassembly.
//!
//! etherparse does the fixed headers (Ethernet II, VLAN tags, the IPv4 and IPv6 headers, IPv6
//! extension and fragment headers). What it lacks or refuses is written here: Linux cooked
//! headers (etherparse rejects SLL frames from tun, VTI and loopback interfaces, which
//! `tcpdump -i any` captures), SLL2, BSD null/loop, and an IPv6 extension-header walk that stops
//! at AH and ESP (an IPsec dissector wants those, not the header after them) and at a
//! non-first fragment.
//!
//! **Promise:** nothing here panics on any input or allocates an amount read from the wire.
//! Error offsets count from the start of the frame given to [`decode_frame`] (from the UDP header
//! for [`parse_udp`]).

mod ip;
mod link;
mod reassembly;
mod udp;

pub use ip::{FragmentInfo, IpPacket, IpProtocol, IpVersion};
pub use link::{EtherType, LinkType};
pub use reassembly::{
    DropReason, FragmentOutcome, IncompleteDatagram, IncompleteReason, Reassembled, Reassembler,
    ReassemblyConfig, ReassemblyStats,
};
pub use udp::{UdpDatagram, parse_udp, parse_udp_lax};

use crate::error::{ErrorKind, ParseError};

/// What a frame carried at the network layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network<'a> {
    /// An IPv4 or IPv6 packet (possibly a fragment: see [`IpPacket::fragment`]).
    Ip(IpPacket<'a>),
    /// A frame of another protocol, by EtherType (ARP, LLDP, MPLS…). Values below 0x0600 are an
    /// 802.3 length (LLC frames such as STP or CDP) or, in Linux cooked headers, one of Linux's
    /// pseudo-protocols (`LINUX_SLL_P_*`).
    NotIp { ether_type: EtherType },
    /// A BSD null/loop frame whose address family is neither IPv4 nor IPv6.
    NotIpFamily { family: u32 },
}

/// Decodes the link layer and the IP header of one captured frame.
///
/// Errors name the element ("IPv4 header"), the field ("total length") and its offset from the
/// start of `frame`. A frame whose capture was cut by the snap length (fewer bytes than the IP
/// total length says) is an [`ErrorKind::Truncated`] error on the length field. A link type this
/// function does not decode gives `ParseError { element: "link layer", field: "link type",
/// offset: 0, kind: BadValue { value: link type } }` ([`is_unsupported_link_type`] recognises
/// it); callers can ask [`LinkType::is_supported`] first.
pub fn decode_frame(link: LinkType, frame: &[u8]) -> Result<Network<'_>, ParseError> {
    link::decode(link, frame, false)
}

/// [`decode_frame`] that accepts a frame cut by the snap length: the packet's `payload` is what
/// was captured, [`IpPacket::payload_len`] what the header declares, and
/// [`IpPacket::is_truncated`] tells them apart. For dissecting what a short snap length or a
/// hostile test capture left (`tcpdump -s 96`); everything else is checked as strictly.
pub fn decode_frame_lax(link: LinkType, frame: &[u8]) -> Result<Network<'_>, ParseError> {
    link::decode(link, frame, true)
}

/// Whether `error` is the one [`decode_frame`] returns for a link type it does not decode.
pub fn is_unsupported_link_type(error: &ParseError) -> bool {
    error.element == link::UNSUPPORTED_ELEMENT
        && error.field == link::UNSUPPORTED_FIELD
        && matches!(error.kind, ErrorKind::BadValue { .. })
}

/// Two-byte big-endian field at `at`, if present.
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

/// Four-byte field at `at`, if present.
fn bytes4(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}
