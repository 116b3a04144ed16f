//! Identification payload (RFC 2408 §3.8 with the IPsec DOI layout of RFC 2407 §4.6.2) and
//! the NAT-OA payload (RFC 3947 §5.2), which reuses its ID types.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::reader::Reader;
use super::text::{DerName, Hex, Printable, is_printable};
use crate::error::{ErrorKind, ParseError};

open_enum! {
    /// Identification type (RFC 2407 §4.6.2.1; ID_LIST RFC 3554).
    pub struct IdType(u8) {
        IPV4_ADDR = 1 => "ID_IPV4_ADDR",
        FQDN = 2 => "ID_FQDN",
        USER_FQDN = 3 => "ID_USER_FQDN",
        IPV4_ADDR_SUBNET = 4 => "ID_IPV4_ADDR_SUBNET",
        IPV6_ADDR = 5 => "ID_IPV6_ADDR",
        IPV6_ADDR_SUBNET = 6 => "ID_IPV6_ADDR_SUBNET",
        IPV4_ADDR_RANGE = 7 => "ID_IPV4_ADDR_RANGE",
        IPV6_ADDR_RANGE = 8 => "ID_IPV6_ADDR_RANGE",
        DER_ASN1_DN = 9 => "ID_DER_ASN1_DN",
        DER_ASN1_GN = 10 => "ID_DER_ASN1_GN",
        KEY_ID = 11 => "ID_KEY_ID",
        LIST = 12 => "ID_LIST",
    }
}
display_by_name!(IdType, "ID");

const ID: &str = "ID payload";

/// The identity carried by an ID payload, decoded by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identity<'a> {
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// Address and mask as sent; see [`Identity::prefix_len`].
    Ipv4Subnet {
        addr: Ipv4Addr,
        mask: Ipv4Addr,
    },
    Ipv6Subnet {
        addr: Ipv6Addr,
        mask: Ipv6Addr,
    },
    Ipv4Range {
        start: Ipv4Addr,
        end: Ipv4Addr,
    },
    Ipv6Range {
        start: Ipv6Addr,
        end: Ipv6Addr,
    },
    /// A host name, as bytes (no encoding is promised by the RFC).
    Fqdn(&'a [u8]),
    /// `user@domain`, as bytes.
    UserFqdn(&'a [u8]),
    /// DER-encoded X.500 Name.
    DerAsn1Dn(&'a [u8]),
    /// DER-encoded GeneralName.
    DerAsn1Gn(&'a [u8]),
    /// Opaque bytes (often text, e.g. a Cisco group name).
    KeyId(&'a [u8]),
    /// ID_LIST (RFC 3554): a list of nested IDs, kept raw.
    List(&'a [u8]),
    /// A type this module does not know.
    Other {
        id_type: IdType,
        data: &'a [u8],
    },
}

impl<'a> Identity<'a> {
    /// Decodes `data` as an identity of type `id_type`. Address types must have exactly
    /// their size (4, 8, 16 or 32 bytes): anything else is `BadLength` on field
    /// "identification data" at `offset`.
    pub fn parse(
        id_type: IdType,
        data: &'a [u8],
        offset: usize,
    ) -> Result<Identity<'a>, ParseError> {
        let need = match id_type {
            IdType::IPV4_ADDR => 4,
            IdType::IPV4_ADDR_SUBNET | IdType::IPV4_ADDR_RANGE => 8,
            IdType::IPV6_ADDR => 16,
            IdType::IPV6_ADDR_SUBNET | IdType::IPV6_ADDR_RANGE => 32,
            _ => 0,
        };
        if need != 0 && data.len() != need {
            return Err(ParseError::new(
                ID,
                "identification data",
                offset,
                ErrorKind::BadLength {
                    value: data.len(),
                    min: need,
                    max: need,
                },
            ));
        }
        let v4 = |i: usize| -> Ipv4Addr {
            let mut a = [0u8; 4];
            if let Some(s) = data.get(i..i + 4) {
                a.copy_from_slice(s);
            }
            Ipv4Addr::from(a)
        };
        let v6 = |i: usize| -> Ipv6Addr {
            let mut a = [0u8; 16];
            if let Some(s) = data.get(i..i + 16) {
                a.copy_from_slice(s);
            }
            Ipv6Addr::from(a)
        };
        Ok(match id_type {
            IdType::IPV4_ADDR => Identity::Ipv4(v4(0)),
            IdType::IPV4_ADDR_SUBNET => Identity::Ipv4Subnet {
                addr: v4(0),
                mask: v4(4),
            },
            IdType::IPV4_ADDR_RANGE => Identity::Ipv4Range {
                start: v4(0),
                end: v4(4),
            },
            IdType::IPV6_ADDR => Identity::Ipv6(v6(0)),
            IdType::IPV6_ADDR_SUBNET => Identity::Ipv6Subnet {
                addr: v6(0),
                mask: v6(16),
            },
            IdType::IPV6_ADDR_RANGE => Identity::Ipv6Range {
                start: v6(0),
                end: v6(16),
            },
            IdType::FQDN => Identity::Fqdn(data),
            IdType::USER_FQDN => Identity::UserFqdn(data),
            IdType::DER_ASN1_DN => Identity::DerAsn1Dn(data),
            IdType::DER_ASN1_GN => Identity::DerAsn1Gn(data),
            IdType::KEY_ID => Identity::KeyId(data),
            IdType::LIST => Identity::List(data),
            other => Identity::Other {
                id_type: other,
                data,
            },
        })
    }

    /// The prefix length of a subnet whose mask is contiguous ones; `None` otherwise (and
    /// for non-subnets).
    pub fn prefix_len(&self) -> Option<u8> {
        match self {
            Identity::Ipv4Subnet { mask, .. } => contiguous(u128::from(mask.to_bits()) << 96),
            Identity::Ipv6Subnet { mask, .. } => contiguous(mask.to_bits()),
            _ => None,
        }
    }

    /// The address of a single-host identity.
    pub fn addr(&self) -> Option<IpAddr> {
        match *self {
            Identity::Ipv4(a) => Some(IpAddr::V4(a)),
            Identity::Ipv6(a) => Some(IpAddr::V6(a)),
            _ => None,
        }
    }

    /// The identity without a type prefix, as strongSwan prints it: `192.0.2.1`,
    /// `198.51.100.0/24`, `left.example.org`, `lab-right` (a printable KEY_ID), `#0a0b…`
    /// (a binary KEY_ID), `C=CH, O=strongSwan, CN=moon` (a DN).
    pub fn text(&self) -> IdentityText<'_, 'a> {
        IdentityText(self)
    }
}

/// `Some(n)` when `bits` is n leading ones followed by zeros.
fn contiguous(bits: u128) -> Option<u8> {
    let ones = bits.leading_ones();
    let rest = bits.checked_shl(ones).unwrap_or(0);
    (rest == 0).then(|| u8::try_from(ones).unwrap_or(128))
}

/// See [`Identity::text`].
#[derive(Clone, Copy)]
pub struct IdentityText<'i, 'a>(&'i Identity<'a>);

impl fmt::Display for IdentityText<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.0;
        match id {
            Identity::Ipv4(a) => write!(f, "{a}"),
            Identity::Ipv6(a) => write!(f, "{a}"),
            Identity::Ipv4Subnet { addr, mask } => match id.prefix_len() {
                Some(p) => write!(f, "{addr}/{p}"),
                None => write!(f, "{addr}/{mask}"),
            },
            Identity::Ipv6Subnet { addr, mask } => match id.prefix_len() {
                Some(p) => write!(f, "{addr}/{p}"),
                None => write!(f, "{addr}/{mask}"),
            },
            Identity::Ipv4Range { start, end } => write!(f, "{start}-{end}"),
            Identity::Ipv6Range { start, end } => write!(f, "{start}-{end}"),
            Identity::Fqdn(b) | Identity::UserFqdn(b) => write!(f, "{}", Printable(b)),
            Identity::KeyId(b) | Identity::List(b) | Identity::DerAsn1Gn(b) => {
                if is_printable(b) {
                    write!(f, "{}", Printable(b))
                } else {
                    write!(f, "#{}", Hex(b))
                }
            }
            Identity::DerAsn1Dn(b) => write!(f, "{}", DerName(b)),
            Identity::Other { data, .. } => write!(f, "#{}", Hex(data)),
        }
    }
}

impl fmt::Display for Identity<'_> {
    /// Addresses and subnets bare (`192.0.2.1`, `198.51.100.0/24`,
    /// `198.51.100.0/255.0.255.0` for a non-contiguous mask, `192.0.2.1-192.0.2.9`); names
    /// with their kind: `fqdn:left.example.org`, `user-fqdn:alice@example.org`,
    /// `keyid:lab-right`, `dn:C=CH, CN=moon`, `gn:…`, `list:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self {
            Identity::Fqdn(_) => "fqdn:",
            Identity::UserFqdn(_) => "user-fqdn:",
            Identity::KeyId(_) => "keyid:",
            Identity::DerAsn1Dn(_) => "dn:",
            Identity::DerAsn1Gn(_) => "gn:",
            Identity::List(_) => "list:",
            Identity::Other { id_type, .. } => return write!(f, "{id_type}:{}", self.text()),
            _ => "",
        };
        write!(f, "{prefix}{}", self.text())
    }
}

/// An ID payload (RFC 2407 §4.6.2): in phase 1 the peer's identity, in quick mode a proxy
/// identity (the traffic selector: addresses, protocol and port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdPayload<'a> {
    pub id_type: IdType,
    /// IP protocol (0 = any; phase-1 IDs often carry 17).
    pub protocol_id: u8,
    /// Port (0 = any; phase-1 IDs often carry 500).
    pub port: u16,
    /// The identification data, raw.
    pub data: &'a [u8],
    pub identity: Identity<'a>,
}

impl<'a> IdPayload<'a> {
    /// `body` is the payload after its generic header, `base` its offset in the message.
    pub fn parse(body: &'a [u8], base: usize) -> Result<IdPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, ID);
        let id_type = IdType(r.u8("ID type")?);
        let protocol_id = r.u8("protocol ID")?;
        let port = r.u16("port")?;
        let data_at = r.offset();
        let data = r.rest();
        Ok(IdPayload {
            id_type,
            protocol_id,
            port,
            data,
            identity: Identity::parse(id_type, data, data_at)?,
        })
    }

    /// Cisco's proxy-identity notation as in `debug crypto ipsec`:
    /// `(198.51.100.0/255.255.255.0/0/0)` — address/mask/protocol/port; a host has mask
    /// 255.255.255.255, a range is written start-end.
    pub fn cisco_proxy(&self) -> String {
        let (p, port) = (self.protocol_id, self.port);
        match self.identity {
            Identity::Ipv4(a) => format!("({a}/255.255.255.255/{p}/{port})"),
            Identity::Ipv4Subnet { addr, mask } => format!("({addr}/{mask}/{p}/{port})"),
            Identity::Ipv6(a) => format!("({a}/128/{p}/{port})"),
            ref other => format!("({}/{p}/{port})", other.text()),
        }
    }
}

impl fmt::Display for IdPayload<'_> {
    /// The identity, then `[proto/port]` when either is set (strongSwan's traffic-selector
    /// style): `198.51.100.0/24`, `192.0.2.1[udp/500]`, `10.0.0.0/8[tcp/443]`,
    /// `192.0.2.9[47/0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.identity)?;
        if self.protocol_id != 0 || self.port != 0 {
            let proto = match self.protocol_id {
                1 => "icmp".to_string(),
                6 => "tcp".to_string(),
                17 => "udp".to_string(),
                58 => "ipv6-icmp".to_string(),
                n => n.to_string(),
            };
            write!(f, "[{proto}/{}]", self.port)?;
        }
        Ok(())
    }
}

/// NAT original address (RFC 3947 §5.2; also type 131 of the drafts): the address the sender
/// had before NAT, for transport-mode checksum fix-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NatOaPayload<'a> {
    /// ID_IPV4_ADDR or ID_IPV6_ADDR.
    pub id_type: IdType,
    /// The address (`None` for another ID type).
    pub address: Option<IpAddr>,
    /// The bytes after the ID type and reserved octets.
    pub data: &'a [u8],
}

impl<'a> NatOaPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<NatOaPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, "NAT-OA payload");
        let id_type = IdType(r.u8("ID type")?);
        r.take(3, "reserved")?;
        let data_at = r.offset();
        let data = r.rest();
        let address = match id_type {
            IdType::IPV4_ADDR | IdType::IPV6_ADDR => {
                match Identity::parse(id_type, data, data_at) {
                    Ok(id) => id.addr(),
                    Err(mut e) => {
                        e.element = "NAT-OA payload";
                        return Err(e);
                    }
                }
            }
            _ => None,
        };
        Ok(NatOaPayload {
            id_type,
            address,
            data,
        })
    }
}

impl fmt::Display for NatOaPayload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.address {
            Some(a) => write!(f, "{a}"),
            None => write!(f, "{}:#{}", self.id_type, Hex(self.data)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_mode_proxy_ids_from_the_lab() {
        // From QM1 plaintext (captures/lab/mm-psk-aes128-sha1-g14 truth.json): the two ID
        // payload bodies, 198.51.100.0/24 and 203.0.113.0/24, protocol 0, port 0.
        let a = hex::decode("04000000c6336400ffffff00").unwrap();
        let id = IdPayload::parse(&a, 160).unwrap();
        assert_eq!(id.id_type, IdType::IPV4_ADDR_SUBNET);
        assert_eq!(id.identity.prefix_len(), Some(24));
        assert_eq!(id.to_string(), "198.51.100.0/24");
        assert_eq!(id.cisco_proxy(), "(198.51.100.0/255.255.255.0/0/0)");
        let b = hex::decode("04000000cb007100ffffff00").unwrap();
        assert_eq!(
            IdPayload::parse(&b, 0).unwrap().to_string(),
            "203.0.113.0/24"
        );
    }

    #[test]
    fn phase1_ids() {
        // MM5 ID from the same truth.json: ID_IPV4_ADDR 192.0.2.1, proto 0, port 0.
        let b = hex::decode("01000000c0000201").unwrap();
        let id = IdPayload::parse(&b, 32).unwrap();
        assert_eq!(id.identity, Identity::Ipv4(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(id.to_string(), "192.0.2.1");
        // Cisco-style phase-1 ID with UDP/500.
        let b = hex::decode("011101f4c0000201").unwrap();
        assert_eq!(
            IdPayload::parse(&b, 0).unwrap().to_string(),
            "192.0.2.1[udp/500]"
        );
        // KEY_ID "lab-right" (captures/lab/am-psk-aes256-sha256-g14).
        let b = hex::decode("0b0000006c61622d7269676874").unwrap();
        let id = IdPayload::parse(&b, 0).unwrap();
        assert_eq!(id.identity.text().to_string(), "lab-right");
        assert_eq!(id.to_string(), "keyid:lab-right");
        let b = hex::decode("0b0000000001ff").unwrap();
        assert_eq!(
            IdPayload::parse(&b, 0).unwrap().to_string(),
            "keyid:#0001ff"
        );
        let b = [2u8, 0, 0, 0, b'l', b'e', b'f', b't'];
        assert_eq!(IdPayload::parse(&b, 0).unwrap().to_string(), "fqdn:left");
    }

    #[test]
    fn subnets_ranges_and_bad_lengths() {
        let id = Identity::Ipv4Subnet {
            addr: Ipv4Addr::new(198, 51, 0, 0),
            mask: Ipv4Addr::new(255, 0, 255, 0),
        };
        assert_eq!(id.prefix_len(), None);
        assert_eq!(id.to_string(), "198.51.0.0/255.0.255.0");
        let b = hex::decode("070000000a0000010a000009").unwrap();
        assert_eq!(
            IdPayload::parse(&b, 0).unwrap().to_string(),
            "10.0.0.1-10.0.0.9"
        );
        let mut v6 = vec![6u8, 0, 0, 0];
        v6.extend_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0).octets());
        v6.extend_from_slice(&Ipv6Addr::new(0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0).octets());
        assert_eq!(
            IdPayload::parse(&v6, 0).unwrap().to_string(),
            "2001:db8:1::/64"
        );
        // IPv4 address with 3 bytes.
        let e = IdPayload::parse(&[1, 0, 0, 0, 1, 2, 3], 40).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("ID payload", "identification data", 44)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 3,
                min: 4,
                max: 4
            }
        );
        assert_eq!(contiguous(0), Some(0));
        assert_eq!(contiguous(u128::MAX), Some(128));
    }

    #[test]
    fn nat_oa() {
        let b = [1u8, 0, 0, 0, 192, 0, 2, 130];
        let oa = NatOaPayload::parse(&b, 0).unwrap();
        assert_eq!(oa.address, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 130))));
        let e = NatOaPayload::parse(&[1, 0, 0, 0, 1], 8).unwrap_err();
        assert_eq!((e.element, e.offset), ("NAT-OA payload", 12));
    }
}
