//! Link layers: the tcpdump.org LINKTYPE_* registry values ikescope decodes, and the headers
//! that sit in front of the IP packet.

use std::fmt;

use etherparse::{Ethernet2Slice, SingleVlanHeader, SingleVlanSlice};

use super::ip::{parse_ip, parse_ipv4, parse_ipv6};
use super::{Network, be16, bytes4};
use crate::error::{ErrorKind, ParseError};

pub(super) const UNSUPPORTED_ELEMENT: &str = "link layer";
pub(super) const UNSUPPORTED_FIELD: &str = "link type";

/// A capture file's link-layer header type (the tcpdump.org LINKTYPE_* registry; pcap file
/// header `network`, pcapng IDB `LinkType`). Open: every value is kept, [`LinkType::name`] and
/// [`LinkType::is_supported`] tell what it is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the *capturing host's* byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II (IEEE 802.3 with EtherType), with any 802.1Q/802.1ad tags.
    pub const ETHERNET: LinkType = LinkType(1);
    /// DLT_RAW as some writers stored it in pcap files: 12 on most systems…
    pub const DLT_RAW_12: LinkType = LinkType(12);
    /// …and 14 on OpenBSD.
    pub const DLT_RAW_14: LinkType = LinkType(14);
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Raw IPv4 only.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6 only.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10).
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// Whether [`super::decode_frame`] decodes frames of this link type.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            LinkType::NULL
                | LinkType::ETHERNET
                | LinkType::DLT_RAW_12
                | LinkType::DLT_RAW_14
                | LinkType::RAW
                | LinkType::LOOP
                | LinkType::LINUX_SLL
                | LinkType::IPV4
                | LinkType::IPV6
                | LinkType::LINUX_SLL2
        )
    }

    /// The registry's description of this link type, for messages; `None` for values this table
    /// does not know.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "BSD loopback",
            1 => "Ethernet",
            6 => "IEEE 802.5 Token Ring",
            9 => "PPP",
            10 => "FDDI",
            12 | 14 => "raw IP",
            50 => "PPP in HDLC framing",
            51 => "PPPoE",
            101 => "raw IP",
            104 => "Cisco HDLC",
            105 => "IEEE 802.11",
            107 => "Frame Relay",
            108 => "OpenBSD loopback",
            113 => "Linux cooked v1",
            119 => "IEEE 802.11 Prism",
            127 => "IEEE 802.11 radiotap",
            143 => "DOCSIS",
            163 => "IEEE 802.11 AVS",
            192 => "PPI",
            195 => "IEEE 802.15.4",
            220 => "Linux USB",
            228 => "raw IPv4",
            229 => "raw IPv6",
            239 => "Linux netfilter NFLOG",
            252 => "Wireshark upper PDU",
            276 => "Linux cooked v2",
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    /// `link type 127 (IEEE 802.11 radiotap)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "link type {} ({name})", self.0),
            None => write!(f, "link type {}", self.0),
        }
    }
}

/// An EtherType (IEEE 802 numbers; values below 0x0600 are 802.3 lengths). Open newtype.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct EtherType(pub u16);

impl EtherType {
    pub const IPV4: EtherType = EtherType(0x0800);
    pub const ARP: EtherType = EtherType(0x0806);
    /// IEEE 802.1Q customer VLAN tag.
    pub const VLAN: EtherType = EtherType(0x8100);
    pub const IPV6: EtherType = EtherType(0x86dd);
    pub const SLOW_PROTOCOLS: EtherType = EtherType(0x8809);
    pub const MPLS: EtherType = EtherType(0x8847);
    pub const PPPOE_DISCOVERY: EtherType = EtherType(0x8863);
    pub const PPPOE_SESSION: EtherType = EtherType(0x8864);
    /// IEEE 802.1ad service VLAN tag (QinQ outer tag).
    pub const QINQ: EtherType = EtherType(0x88a8);
    pub const LLDP: EtherType = EtherType(0x88cc);
    pub const MACSEC: EtherType = EtherType(0x88e5);
    /// Pre-standard QinQ outer tags still used by some switches.
    pub const QINQ_9100: EtherType = EtherType(0x9100);
    pub const QINQ_9200: EtherType = EtherType(0x9200);

    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            EtherType::IPV4 => "IPv4",
            EtherType::ARP => "ARP",
            EtherType::VLAN => "802.1Q VLAN",
            EtherType::IPV6 => "IPv6",
            EtherType::SLOW_PROTOCOLS => "slow protocols (LACP)",
            EtherType::MPLS => "MPLS",
            EtherType::PPPOE_DISCOVERY => "PPPoE discovery",
            EtherType::PPPOE_SESSION => "PPPoE session",
            EtherType::QINQ => "802.1ad QinQ",
            EtherType::LLDP => "LLDP",
            EtherType::MACSEC => "MACsec",
            EtherType::QINQ_9100 | EtherType::QINQ_9200 => "QinQ (pre-standard)",
            EtherType(v) if v < 0x0600 => "802.3 length (LLC)",
            _ => return None,
        })
    }

    fn is_vlan_tag(self) -> bool {
        matches!(
            self,
            EtherType::VLAN | EtherType::QINQ | EtherType::QINQ_9100 | EtherType::QINQ_9200
        )
    }
}

/// More tags than any real network stacks (QinQ is two; some carriers use three).
const MAX_VLAN_TAGS: usize = 8;

/// BSD address families that mean IPv4 and IPv6. AF_INET is 2 everywhere; AF_INET6 is 24 on
/// NetBSD/OpenBSD/BSD/OS, 28 on FreeBSD/DragonFly and 30 on macOS (Wireshark's BSD_AF_INET6_*).
const AF_INET: u32 = 2;
const AF_INET6: [u32; 3] = [24, 28, 30];

pub(super) fn decode(link: LinkType, frame: &[u8], lax: bool) -> Result<Network<'_>, ParseError> {
    match link {
        LinkType::ETHERNET => ethernet(frame, lax),
        LinkType::LINUX_SLL => linux_sll(frame, lax),
        LinkType::LINUX_SLL2 => linux_sll2(frame, lax),
        LinkType::RAW | LinkType::DLT_RAW_12 | LinkType::DLT_RAW_14 => {
            parse_ip(frame, 0, None, lax).map(Network::Ip)
        }
        LinkType::IPV4 => parse_ipv4(frame, 0, None, lax).map(Network::Ip),
        LinkType::IPV6 => parse_ipv6(frame, 0, None, lax).map(Network::Ip),
        LinkType::NULL => bsd_loopback(frame, false, lax),
        LinkType::LOOP => bsd_loopback(frame, true, lax),
        LinkType(other) => Err(ParseError::new(
            UNSUPPORTED_ELEMENT,
            UNSUPPORTED_FIELD,
            0,
            ErrorKind::BadValue {
                value: u64::from(other),
            },
        )),
    }
}

fn ethernet(frame: &[u8], lax: bool) -> Result<Network<'_>, ParseError> {
    // An FCS, when a capture kept it, trails the IP packet and is cut off by the IP length.
    let eth = Ethernet2Slice::from_slice_without_fcs(frame).map_err(|e| {
        ParseError::truncated("Ethernet header", "EtherType", 12, e.required_len, e.len)
    })?;
    let header_len = frame.len().saturating_sub(eth.payload_slice().len());
    ether_payload(frame, EtherType(eth.ether_type().0), header_len, lax)
}

/// Follows VLAN tags from `offset`, where a payload of type `ether_type` starts.
fn ether_payload(
    frame: &[u8],
    mut ether_type: EtherType,
    mut offset: usize,
    lax: bool,
) -> Result<Network<'_>, ParseError> {
    let mut vlan = None;
    let mut tags = 0;
    loop {
        match ether_type {
            t if t.is_vlan_tag() => {
                tags += 1;
                if tags > MAX_VLAN_TAGS {
                    return Err(ParseError::new(
                        "802.1Q VLAN tag",
                        "tag",
                        offset,
                        ErrorKind::TooMany {
                            limit: MAX_VLAN_TAGS,
                        },
                    ));
                }
                let rest = frame.get(offset..).unwrap_or_default();
                let tag = SingleVlanSlice::from_slice(rest).map_err(|e| {
                    ParseError::truncated("802.1Q VLAN tag", "tag", offset, e.required_len, e.len)
                })?;
                // The outermost tag is the one a switch's SPAN session names.
                vlan.get_or_insert(tag.vlan_identifier().value());
                ether_type = EtherType(tag.ether_type().0);
                offset += SingleVlanHeader::LEN;
            }
            EtherType::IPV4 => return parse_ipv4(frame, offset, vlan, lax).map(Network::Ip),
            EtherType::IPV6 => return parse_ipv6(frame, offset, vlan, lax).map(Network::Ip),
            other => return Ok(Network::NotIp { ether_type: other }),
        }
    }
}

/// ARPHRD_* values whose cooked-header protocol field is not an EtherType
/// (libpcap's `sll.h`): netlink and 802.11 radiotap.
const ARPHRD_NETLINK: u16 = 824;
const ARPHRD_IEEE80211_RADIOTAP: u16 = 803;

/// The protocol field of a Linux cooked header: an EtherType, except for netlink and radiotap
/// pseudo-devices and the `LINUX_SLL_P_*` values below 0x0600 (802.3, 802.2, CAN…).
fn cooked_payload(
    frame: &[u8],
    arphrd: u16,
    protocol: u16,
    header_len: usize,
    lax: bool,
) -> Result<Network<'_>, ParseError> {
    if arphrd == ARPHRD_NETLINK || arphrd == ARPHRD_IEEE80211_RADIOTAP {
        return Ok(Network::NotIp {
            ether_type: EtherType(protocol),
        });
    }
    ether_payload(frame, EtherType(protocol), header_len, lax)
}

/// Linux cooked capture v1 (LINKTYPE_LINUX_SLL, tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
/// packet type (2), ARPHRD type (2), link-layer address length (2), address (8), protocol (2).
///
/// Hand-written: etherparse's `LinuxSllSlice` refuses ARPHRD types it does not list (tun
/// `ARPHRD_NONE`, VTI/ipip `ARPHRD_TUNNEL`, `ARPHRD_LOOPBACK`), and those interfaces are exactly
/// what `tcpdump -i any` on a VPN gateway captures.
fn linux_sll(frame: &[u8], lax: bool) -> Result<Network<'_>, ParseError> {
    const LEN: usize = 16;
    let (Some(arphrd), Some(protocol)) = (be16(frame, 2), be16(frame, 14)) else {
        return Err(ParseError::truncated(
            "Linux cooked header (SLL)",
            "header",
            0,
            LEN,
            frame.len(),
        ));
    };
    cooked_payload(frame, arphrd, protocol, LEN, lax)
}

/// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol (2), reserved (2), interface index
/// (4), ARPHRD type (2), packet type (1), address length (1), address (8).
fn linux_sll2(frame: &[u8], lax: bool) -> Result<Network<'_>, ParseError> {
    const LEN: usize = 20;
    if frame.len() < LEN {
        return Err(ParseError::truncated(
            "Linux cooked header v2 (SLL2)",
            "header",
            0,
            LEN,
            frame.len(),
        ));
    }
    let (Some(protocol), Some(arphrd)) = (be16(frame, 0), be16(frame, 8)) else {
        return Err(ParseError::truncated(
            "Linux cooked header v2 (SLL2)",
            "header",
            0,
            LEN,
            frame.len(),
        ));
    };
    cooked_payload(frame, arphrd, protocol, LEN, lax)
}

/// BSD null (LINKTYPE_NULL: address family in the writer's byte order, which the file does not
/// record, so both are tried: a family is a small number) and OpenBSD loop (LINKTYPE_LOOP:
/// network byte order).
fn bsd_loopback(frame: &[u8], network_order: bool, lax: bool) -> Result<Network<'_>, ParseError> {
    let Some(af) = bytes4(frame, 0) else {
        return Err(ParseError::truncated(
            "BSD loopback header",
            "address family",
            0,
            4,
            frame.len(),
        ));
    };
    let family = if network_order {
        u32::from_be_bytes(af)
    } else {
        let le = u32::from_le_bytes(af);
        if le > 0xffff {
            u32::from_be_bytes(af)
        } else {
            le
        }
    };
    if family == AF_INET {
        parse_ipv4(frame, 4, None, lax).map(Network::Ip)
    } else if AF_INET6.contains(&family) {
        parse_ipv6(frame, 4, None, lax).map(Network::Ip)
    } else {
        Ok(Network::NotIpFamily { family })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPV4_UDP: [u8; 28] = [
        0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, 1, 0xf4, 1, 0xf4,
        0, 8, 0, 0,
    ];

    #[test]
    fn ethernet_non_ip_and_too_many_tags() {
        let mut llc = vec![0xff; 12];
        llc.extend_from_slice(&[0x00, 0x26, 0x42, 0x42, 0x03]);
        assert_eq!(
            decode(LinkType::ETHERNET, &llc, false).unwrap(),
            Network::NotIp {
                ether_type: EtherType(0x26)
            }
        );
        assert_eq!(EtherType(0x26).name(), Some("802.3 length (LLC)"));
        let mut tags = vec![0; 12];
        for _ in 0..9 {
            tags.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
        }
        tags.extend_from_slice(&[0x08, 0x00]);
        let e = decode(LinkType::ETHERNET, &tags, false).unwrap_err();
        assert_eq!((e.element, e.code()), ("802.1Q VLAN tag", "too_many"));
        let e = decode(LinkType::ETHERNET, &tags[..13], false).unwrap_err();
        assert_eq!((e.element, e.offset), ("Ethernet header", 12));
    }

    #[test]
    fn cooked_headers_from_tun_and_netlink() {
        // SLL from a tun device: ARPHRD_NONE (0xfffe), protocol IPv4. etherparse refuses it.
        let mut sll = vec![0, 4, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
        sll.extend_from_slice(&IPV4_UDP);
        let Network::Ip(p) = decode(LinkType::LINUX_SLL, &sll, false).unwrap() else {
            panic!()
        };
        assert_eq!((p.header_offset, p.payload.len()), (16, 8));
        // Netlink: the protocol is not an EtherType.
        sll[2..4].copy_from_slice(&824u16.to_be_bytes());
        assert!(matches!(
            decode(LinkType::LINUX_SLL, &sll, false).unwrap(),
            Network::NotIp { .. }
        ));
        let e = decode(LinkType::LINUX_SLL2, &sll[..19], false).unwrap_err();
        assert_eq!(
            (e.element, e.code()),
            ("Linux cooked header v2 (SLL2)", "truncated")
        );
    }

    #[test]
    fn bsd_null_families() {
        let mut f = 7u32.to_le_bytes().to_vec();
        f.extend_from_slice(&IPV4_UDP);
        assert_eq!(
            decode(LinkType::NULL, &f, false).unwrap(),
            Network::NotIpFamily { family: 7 }
        );
        f[..4].copy_from_slice(&2u32.to_be_bytes());
        assert!(matches!(
            decode(LinkType::NULL, &f, false).unwrap(),
            Network::Ip(_)
        ));
        assert_eq!(
            decode(LinkType::NULL, &f[..3], false).unwrap_err().field,
            "address family"
        );
    }
}
