//! Traffic Selector payloads TSi/TSr (RFC 7296 §3.13).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::names::{TsType, ip_protocol_name};
use super::reader::Reader;
use crate::error::{ErrorKind, ParseError};

/// At most this many selectors in one payload (the count field is one octet).
pub const MAX_TRAFFIC_SELECTORS: usize = 255;

/// A TSi or TSr payload body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsPayload<'a> {
    pub selectors: Vec<TrafficSelector<'a>>,
}

/// One traffic selector (RFC 7296 §3.13.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficSelector<'a> {
    /// TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE.
    AddressRange(AddressRange),
    /// Any other type (TS_FC_ADDR_RANGE, TS_SECLABEL of RFC 9478, private use), kept as the
    /// bytes after the type and length fields.
    Other { ts_type: TsType, data: &'a [u8] },
}

/// An IPv4 or IPv6 address range with protocol and port range (RFC 7296 §3.13.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressRange {
    /// IP protocol number; 0 means any.
    pub ip_protocol: u8,
    pub start_port: u16,
    pub end_port: u16,
    pub start: IpAddr,
    pub end: IpAddr,
}

impl AddressRange {
    /// The prefix length if the range is exactly one CIDR prefix (`198.51.100.0/24`).
    pub fn prefix_len(&self) -> Option<u8> {
        let (start, end, bits) = match (self.start, self.end) {
            (IpAddr::V4(s), IpAddr::V4(e)) => {
                (u128::from(u32::from(s)), u128::from(u32::from(e)), 32u32)
            }
            (IpAddr::V6(s), IpAddr::V6(e)) => (u128::from(s), u128::from(e), 128u32),
            _ => return None,
        };
        // A prefix: the differing bits are a run of low-order ones, all zero in start and all
        // one in end.
        let host = start ^ end;
        if host & host.wrapping_add(1) != 0 || start & host != 0 || end != start | host {
            return None;
        }
        u8::try_from(bits - host.count_ones()).ok()
    }

    /// Ports 0–65535: any port.
    pub fn any_port(&self) -> bool {
        self.start_port == 0 && self.end_port == 0xffff
    }

    /// Start 65535, end 0: the OPAQUE port selector (RFC 4301 §4.4.1, RFC 7296 §3.13.1).
    pub fn opaque_ports(&self) -> bool {
        self.start_port == 0xffff && self.end_port == 0
    }
}

impl fmt::Display for AddressRange {
    /// `198.51.100.0/24`, `10.0.0.1-10.0.0.9`, with `[tcp/443]`, `[udp/1000-2000]`,
    /// `[icmp]` or `[6/opaque]` after it unless protocol and ports are "any".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.prefix_len() {
            Some(len) => write!(f, "{}/{len}", self.start)?,
            None => write!(f, "{}-{}", self.start, self.end)?,
        }
        if self.ip_protocol == 0 && self.any_port() {
            return Ok(());
        }
        f.write_str("[")?;
        match ip_protocol_name(self.ip_protocol) {
            Some(name) => f.write_str(name)?,
            None => write!(f, "{}", self.ip_protocol)?,
        }
        if self.opaque_ports() {
            f.write_str("/opaque")?;
        } else if !self.any_port() {
            if self.start_port == self.end_port {
                write!(f, "/{}", self.start_port)?;
            } else {
                write!(f, "/{}-{}", self.start_port, self.end_port)?;
            }
        }
        f.write_str("]")
    }
}

impl fmt::Display for TrafficSelector<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrafficSelector::AddressRange(r) => write!(f, "{r}"),
            TrafficSelector::Other { ts_type, data } => {
                write!(f, "{ts_type}({} bytes)", data.len())
            }
        }
    }
}

impl fmt::Display for TsPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.selectors.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

impl<'a> TsPayload<'a> {
    /// Decodes a TSi/TSr body; `base` is its offset in the message.
    pub fn parse(body: &'a [u8], base: usize, element: &'static str) -> Result<Self, ParseError> {
        let mut r = Reader::new(body, base, element);
        let count_at = r.offset();
        let count = usize::from(r.u8("number of TSs")?);
        r.take(3, "reserved")?;
        let mut selectors = Vec::new();
        for i in 0..count {
            if i >= MAX_TRAFFIC_SELECTORS {
                return Err(r.error(
                    "traffic selector",
                    r.offset(),
                    ErrorKind::TooMany {
                        limit: MAX_TRAFFIC_SELECTORS,
                    },
                ));
            }
            selectors.push(parse_selector(&mut r)?);
        }
        if !r.is_empty() {
            // More bytes than Number of TSs accounts for.
            return Err(r.error(
                "number of TSs",
                count_at,
                ErrorKind::BadValue {
                    value: count as u64,
                },
            ));
        }
        Ok(TsPayload { selectors })
    }
}

fn parse_selector<'a>(outer: &mut Reader<'a>) -> Result<TrafficSelector<'a>, ParseError> {
    let offset = outer.offset();
    let mut h = Reader::new(outer.remaining(), offset, "traffic selector");
    let ts_type = TsType(h.u8("TS type")?);
    h.u8("IP protocol ID")?;
    let length_at = h.offset();
    let length = usize::from(h.u16("selector length")?);
    let available = outer.remaining().len();
    let expected = match ts_type {
        TsType::TS_IPV4_ADDR_RANGE => Some(16),
        TsType::TS_IPV6_ADDR_RANGE => Some(40),
        _ => None,
    };
    let bad = match expected {
        Some(n) if length != n => Some((n, n)),
        None if length < 4 => Some((4, available)),
        _ => None,
    };
    if let Some((min, max)) = bad {
        return Err(h.error(
            "selector length",
            length_at,
            ErrorKind::BadLength {
                value: length,
                min,
                max,
            },
        ));
    }
    let bytes = outer.take(length, "selector length").map_err(|_| {
        h.error(
            "selector length",
            length_at,
            ErrorKind::Truncated {
                needed: length,
                available,
            },
        )
    })?;
    let mut r = Reader::new(bytes, offset, "traffic selector");
    r.take(4, "header")?;
    if expected.is_none() {
        return Ok(TrafficSelector::Other {
            ts_type,
            data: r.rest(),
        });
    }
    // The protocol byte sits between type and length.
    let ip_protocol = bytes.get(1).copied().unwrap_or_default();
    let start_port = r.u16("start port")?;
    let end_port = r.u16("end port")?;
    let (start, end) = if ts_type == TsType::TS_IPV4_ADDR_RANGE {
        (
            IpAddr::V4(Ipv4Addr::from(r.array::<4>("starting address")?)),
            IpAddr::V4(Ipv4Addr::from(r.array::<4>("ending address")?)),
        )
    } else {
        (
            IpAddr::V6(Ipv6Addr::from(r.array::<16>("starting address")?)),
            IpAddr::V6(Ipv6Addr::from(r.array::<16>("ending address")?)),
        )
    };
    Ok(TrafficSelector::AddressRange(AddressRange {
        ip_protocol,
        start_port,
        end_port,
        start,
        end,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(proto: u8, ports: (u16, u16), a: [u8; 4], b: [u8; 4]) -> Vec<u8> {
        let mut v = vec![7, proto, 0, 16];
        v.extend_from_slice(&ports.0.to_be_bytes());
        v.extend_from_slice(&ports.1.to_be_bytes());
        v.extend_from_slice(&a);
        v.extend_from_slice(&b);
        v
    }

    fn payload(selectors: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![selectors.len() as u8, 0, 0, 0];
        for s in selectors {
            v.extend_from_slice(s);
        }
        v
    }

    #[test]
    fn displays_prefixes_ranges_and_ports() {
        let body = payload(&[
            v4(0, (0, 0xffff), [198, 51, 100, 0], [198, 51, 100, 255]),
            v4(6, (443, 443), [10, 0, 0, 1], [10, 0, 0, 9]),
            v4(17, (1000, 2000), [0, 0, 0, 0], [255, 255, 255, 255]),
            v4(1, (0, 0xffff), [192, 0, 2, 1], [192, 0, 2, 1]),
            v4(50, (0xffff, 0), [192, 0, 2, 0], [192, 0, 2, 127]),
        ]);
        let ts = TsPayload::parse(&body, 0, "TSi payload").unwrap();
        let shown: Vec<String> = ts.selectors.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            shown,
            [
                "198.51.100.0/24",
                "10.0.0.1-10.0.0.9[tcp/443]",
                "0.0.0.0/0[udp/1000-2000]",
                "192.0.2.1/32[icmp]",
                "192.0.2.0/25[esp/opaque]",
            ]
        );
    }

    #[test]
    fn ipv6_range() {
        let mut s = vec![8, 0, 0, 40, 0, 0, 0xff, 0xff];
        let start: Ipv6Addr = "2001:db8::".parse().unwrap();
        let end: Ipv6Addr = "2001:db8::ffff:ffff:ffff:ffff".parse().unwrap();
        s.extend_from_slice(&start.octets());
        s.extend_from_slice(&end.octets());
        let body = payload(&[s]);
        let ts = TsPayload::parse(&body, 0, "TSr payload").unwrap();
        assert_eq!(ts.to_string(), "2001:db8::/64");
        let r = AddressRange {
            ip_protocol: 0,
            start_port: 0,
            end_port: 0xffff,
            start: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            end: IpAddr::V6(Ipv6Addr::from(u128::MAX)),
        };
        assert_eq!(r.prefix_len(), Some(0));
    }

    #[test]
    fn counts_and_lengths_are_checked() {
        let one = v4(0, (0, 0xffff), [1, 1, 1, 1], [1, 1, 1, 1]);
        let mut body = payload(std::slice::from_ref(&one));
        body[0] = 2;
        let e = TsPayload::parse(&body, 100, "TSi payload").unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset, e.code()),
            ("traffic selector", "TS type", 120, "truncated")
        );
        body[0] = 0;
        let e = TsPayload::parse(&body, 100, "TSi payload").unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("TSi payload", "number of TSs", 100)
        );
        let mut bad = payload(&[one]);
        bad[7] = 17;
        let e = TsPayload::parse(&bad, 100, "TSi payload").unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.code()),
            ("selector length", 106, "bad_length")
        );
    }
}
