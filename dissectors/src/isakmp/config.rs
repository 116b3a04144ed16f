//! The Attributes payload (type 14) of mode-config (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.2)
//! and XAUTH (draft-beaulieu-ike-xauth-02 §6), with Cisco Unity's extensions (28672+).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::attributes::{AttrValue, AttributeIter};
use super::reader::{Reader, be_u16, be_uint};
use super::text::{Hex, Printable, is_printable};
use crate::error::ParseError;

open_enum! {
    /// The message type of an Attributes payload (mode-cfg-05 §3.2).
    pub struct CfgType(u8) {
        REQUEST = 1 => "CFG_REQUEST",
        REPLY = 2 => "CFG_REPLY",
        SET = 3 => "CFG_SET",
        ACK = 4 => "CFG_ACK",
    }
}
display_by_name!(CfgType, "CFG");

open_enum! {
    /// Configuration attribute types: mode-cfg-05 §3.3 (1–15), Check Point (16387+), XAUTH
    /// (draft-beaulieu-ike-xauth-02 §6.1, 16520–16529), Cisco Unity (28672–28682).
    pub struct ConfigAttrType(u16) {
        INTERNAL_IP4_ADDRESS = 1 => "INTERNAL_IP4_ADDRESS",
        INTERNAL_IP4_NETMASK = 2 => "INTERNAL_IP4_NETMASK",
        INTERNAL_IP4_DNS = 3 => "INTERNAL_IP4_DNS",
        INTERNAL_IP4_NBNS = 4 => "INTERNAL_IP4_NBNS",
        INTERNAL_ADDRESS_EXPIRY = 5 => "INTERNAL_ADDRESS_EXPIRY",
        INTERNAL_IP4_DHCP = 6 => "INTERNAL_IP4_DHCP",
        APPLICATION_VERSION = 7 => "APPLICATION_VERSION",
        INTERNAL_IP6_ADDRESS = 8 => "INTERNAL_IP6_ADDRESS",
        INTERNAL_IP6_NETMASK = 9 => "INTERNAL_IP6_NETMASK",
        INTERNAL_IP6_DNS = 10 => "INTERNAL_IP6_DNS",
        INTERNAL_IP6_NBNS = 11 => "INTERNAL_IP6_NBNS",
        INTERNAL_IP6_DHCP = 12 => "INTERNAL_IP6_DHCP",
        INTERNAL_IP4_SUBNET = 13 => "INTERNAL_IP4_SUBNET",
        SUPPORTED_ATTRIBUTES = 14 => "SUPPORTED_ATTRIBUTES",
        INTERNAL_IP6_SUBNET = 15 => "INTERNAL_IP6_SUBNET",
        CHKPT_DEF_DOMAIN = 16387 => "CHKPT_DEF_DOMAIN",
        CHKPT_MAC_ADDRESS = 16388 => "CHKPT_MAC_ADDRESS",
        CHKPT_MARCIPAN_REASON_CODE = 16389 => "CHKPT_MARCIPAN_REASON_CODE",
        XAUTH_TYPE = 16520 => "XAUTH_TYPE",
        XAUTH_USER_NAME = 16521 => "XAUTH_USER_NAME",
        XAUTH_USER_PASSWORD = 16522 => "XAUTH_USER_PASSWORD",
        XAUTH_PASSCODE = 16523 => "XAUTH_PASSCODE",
        XAUTH_MESSAGE = 16524 => "XAUTH_MESSAGE",
        XAUTH_CHALLENGE = 16525 => "XAUTH_CHALLENGE",
        XAUTH_DOMAIN = 16526 => "XAUTH_DOMAIN",
        XAUTH_STATUS = 16527 => "XAUTH_STATUS",
        XAUTH_NEXT_PIN = 16528 => "XAUTH_NEXT_PIN",
        XAUTH_ANSWER = 16529 => "XAUTH_ANSWER",
        UNITY_BANNER = 28672 => "UNITY_BANNER",
        UNITY_SAVE_PASSWD = 28673 => "UNITY_SAVE_PASSWD",
        UNITY_DEF_DOMAIN = 28674 => "UNITY_DEF_DOMAIN",
        UNITY_SPLIT_DOMAIN = 28675 => "UNITY_SPLIT_DOMAIN",
        UNITY_SPLIT_INCLUDE = 28676 => "UNITY_SPLIT_INCLUDE",
        UNITY_NATT_PORT = 28677 => "UNITY_NATT_PORT",
        UNITY_SPLIT_EXCLUDE = 28678 => "UNITY_SPLIT_EXCLUDE",
        UNITY_PFS = 28679 => "UNITY_PFS",
        UNITY_FW_TYPE = 28680 => "UNITY_FW_TYPE",
        UNITY_BACKUP_SERVERS = 28681 => "UNITY_BACKUP_SERVERS",
        UNITY_DDNS_HOSTNAME = 28682 => "UNITY_DDNS_HOSTNAME",
    }
}
display_by_name!(ConfigAttrType, "CFG_ATTRIBUTE");

/// An Attributes payload: the message type, an identifier pairing request and reply, and
/// the attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigPayload<'a> {
    pub cfg_type: CfgType,
    pub identifier: u16,
    /// The attribute bytes.
    pub attributes_raw: &'a [u8],
    /// Offset of `attributes_raw` from the start of the message.
    pub attributes_offset: usize,
}

impl<'a> ConfigPayload<'a> {
    pub fn parse(body: &'a [u8], base: usize) -> Result<ConfigPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, "Attributes payload");
        let cfg_type = CfgType(r.u8("type")?);
        r.u8("reserved")?;
        let identifier = r.u16("identifier")?;
        Ok(ConfigPayload {
            cfg_type,
            identifier,
            attributes_offset: r.offset(),
            attributes_raw: r.rest(),
        })
    }

    /// The configuration attributes, with names and decoded values.
    pub fn attributes(
        &self,
    ) -> impl Iterator<Item = Result<ConfigAttribute<'a>, ParseError>> + use<'a> {
        AttributeIter::new(
            self.attributes_raw,
            self.attributes_offset,
            "configuration attribute",
        )
        .map(|a| {
            a.map(|a| ConfigAttribute {
                attr_type: ConfigAttrType(a.attr_type),
                value: a.value,
                offset: a.offset,
            })
        })
    }
}

impl fmt::Display for ConfigPayload<'_> {
    /// `CFG_REPLY id=1: INTERNAL_IP4_ADDRESS=10.1.0.2, UNITY_BANNER="hello"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} id={}", self.cfg_type, self.identifier)?;
        for (i, a) in self.attributes().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            match a {
                Ok(a) => write!(f, "{a}")?,
                Err(e) => write!(f, "<{e}>")?,
            }
        }
        Ok(())
    }
}

/// One configuration attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigAttribute<'a> {
    pub attr_type: ConfigAttrType,
    pub value: AttrValue<'a>,
    /// Offset of the attribute from the start of the message.
    pub offset: usize,
}

impl<'a> ConfigAttribute<'a> {
    /// The value decoded by attribute type. Values of an unexpected length fall back to
    /// [`ConfigValue::Bytes`] rather than failing: these are informational.
    pub fn decoded(&self) -> ConfigValue<'a> {
        let bytes = match self.value {
            AttrValue::Basic(v) => {
                return match self.attr_type {
                    ConfigAttrType::XAUTH_TYPE => ConfigValue::XauthType(v),
                    ConfigAttrType::XAUTH_STATUS => ConfigValue::XauthStatus(v == 1),
                    _ => ConfigValue::Number(u64::from(v)),
                };
            }
            AttrValue::Variable(b) => b,
        };
        if bytes.is_empty() {
            // Requests carry empty values: "please assign me one".
            return ConfigValue::Empty;
        }
        let v4 = |b: &[u8]| -> Option<Ipv4Addr> { <[u8; 4]>::try_from(b).ok().map(Ipv4Addr::from) };
        let v6 =
            |b: &[u8]| -> Option<Ipv6Addr> { <[u8; 16]>::try_from(b).ok().map(Ipv6Addr::from) };
        use ConfigAttrType as T;
        let decoded = match self.attr_type {
            T::INTERNAL_IP4_ADDRESS
            | T::INTERNAL_IP4_NETMASK
            | T::INTERNAL_IP4_DNS
            | T::INTERNAL_IP4_NBNS
            | T::INTERNAL_IP4_DHCP => v4(bytes).map(ConfigValue::Ipv4),
            T::INTERNAL_IP4_SUBNET => match bytes.split_at_checked(4) {
                Some((a, m)) => v4(a).zip(v4(m)).map(|(a, m)| ConfigValue::Ipv4Subnet(a, m)),
                None => None,
            },
            T::INTERNAL_IP6_ADDRESS | T::INTERNAL_IP6_SUBNET if bytes.len() == 17 => {
                let (a, p) = bytes.split_at_checked(16).unwrap_or_default();
                v6(a).map(|a| ConfigValue::Ipv6Prefix(a, p.first().copied().unwrap_or(128)))
            }
            T::INTERNAL_IP6_ADDRESS
            | T::INTERNAL_IP6_NETMASK
            | T::INTERNAL_IP6_DNS
            | T::INTERNAL_IP6_NBNS
            | T::INTERNAL_IP6_DHCP => v6(bytes).map(ConfigValue::Ipv6),
            T::INTERNAL_ADDRESS_EXPIRY
            | T::UNITY_SAVE_PASSWD
            | T::UNITY_NATT_PORT
            | T::UNITY_PFS
            | T::UNITY_FW_TYPE => be_uint(bytes).map(ConfigValue::Number),
            T::XAUTH_TYPE => be_uint(bytes)
                .and_then(|v| u16::try_from(v).ok())
                .map(ConfigValue::XauthType),
            T::XAUTH_STATUS => be_uint(bytes).map(|v| ConfigValue::XauthStatus(v == 1)),
            T::XAUTH_USER_PASSWORD | T::XAUTH_PASSCODE | T::XAUTH_NEXT_PIN | T::XAUTH_ANSWER => {
                Some(ConfigValue::Secret(bytes))
            }
            T::APPLICATION_VERSION
            | T::XAUTH_USER_NAME
            | T::XAUTH_MESSAGE
            | T::XAUTH_CHALLENGE
            | T::XAUTH_DOMAIN
            | T::UNITY_BANNER
            | T::UNITY_DEF_DOMAIN
            | T::UNITY_SPLIT_DOMAIN
            | T::UNITY_BACKUP_SERVERS
            | T::UNITY_DDNS_HOSTNAME
            | T::CHKPT_DEF_DOMAIN => Some(ConfigValue::Text(bytes)),
            T::SUPPORTED_ATTRIBUTES if bytes.len() % 2 == 0 => {
                Some(ConfigValue::AttributeList(bytes))
            }
            // Unity split networks: 14-byte entries of address, mask, and 6 more bytes.
            T::UNITY_SPLIT_INCLUDE | T::UNITY_SPLIT_EXCLUDE if bytes.len() % 14 == 0 => {
                Some(ConfigValue::SplitNetworks(bytes))
            }
            _ if is_printable(bytes) => Some(ConfigValue::Text(bytes)),
            _ => None,
        };
        decoded.unwrap_or(ConfigValue::Bytes(bytes))
    }
}

impl fmt::Display for ConfigAttribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.attr_type, self.decoded())
    }
}

/// A configuration attribute value, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigValue<'a> {
    /// Zero-length value (a request for the attribute).
    Empty,
    Ipv4(Ipv4Addr),
    /// Address and netmask.
    Ipv4Subnet(Ipv4Addr, Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// Address and prefix length (17-byte form).
    Ipv6Prefix(Ipv6Addr, u8),
    Number(u64),
    /// Text such as a user name, banner or domain, as bytes (render with [`Printable`]).
    Text(&'a [u8]),
    /// A password, passcode or PIN (XAUTH). Its `Display` never shows it.
    Secret(&'a [u8]),
    /// XAUTH_TYPE: 0 generic, 1 RADIUS-CHAP, 2 OTP, 3 S/KEY.
    XauthType(u16),
    /// XAUTH_STATUS: OK (1) or FAIL (0).
    XauthStatus(bool),
    /// SUPPORTED_ATTRIBUTES: a list of 2-byte attribute types.
    AttributeList(&'a [u8]),
    /// UNITY_SPLIT_INCLUDE/EXCLUDE: 14-byte entries (address, mask, protocol and ports).
    SplitNetworks(&'a [u8]),
    /// Anything else.
    Bytes(&'a [u8]),
}

impl fmt::Display for ConfigValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigValue::Empty => f.write_str("(empty)"),
            ConfigValue::Ipv4(a) => write!(f, "{a}"),
            ConfigValue::Ipv4Subnet(a, m) => write!(f, "{a}/{m}"),
            ConfigValue::Ipv6(a) => write!(f, "{a}"),
            ConfigValue::Ipv6Prefix(a, p) => write!(f, "{a}/{p}"),
            ConfigValue::Number(n) => write!(f, "{n}"),
            ConfigValue::Text(t) => write!(f, "\"{}\"", Printable(t)),
            ConfigValue::Secret(s) => write!(f, "<redacted, {} bytes>", s.len()),
            ConfigValue::XauthType(t) => f.write_str(match t {
                0 => "Generic",
                1 => "RADIUS-CHAP",
                2 => "OTP",
                3 => "S/KEY",
                _ => return write!(f, "{t}"),
            }),
            ConfigValue::XauthStatus(ok) => f.write_str(if *ok { "OK" } else { "FAIL" }),
            ConfigValue::AttributeList(b) => {
                for (i, t) in b.chunks_exact(2).enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", ConfigAttrType(be_u16(t)))?;
                }
                Ok(())
            }
            ConfigValue::SplitNetworks(b) => {
                for (i, e) in b.chunks_exact(14).enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    let a = e.get(..4).and_then(|x| <[u8; 4]>::try_from(x).ok());
                    let m = e.get(4..8).and_then(|x| <[u8; 4]>::try_from(x).ok());
                    if let (Some(a), Some(m)) = (a, m) {
                        write!(f, "{}/{}", Ipv4Addr::from(a), Ipv4Addr::from(m))?;
                    }
                }
                Ok(())
            }
            ConfigValue::Bytes(b) => write!(f, "0x{}", Hex(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_config_reply_and_xauth() {
        // CFG_REPLY id 7: INTERNAL_IP4_ADDRESS 10.1.0.2, INTERNAL_IP4_DNS 8.8.8.8,
        // XAUTH_TYPE basic 0, XAUTH_USER_NAME "bob", XAUTH_USER_PASSWORD "pw", XAUTH_STATUS 1,
        // UNITY_BANNER "hi".
        let b = hex::decode(concat!(
            "02000007",
            "000100040a010002",
            "0003000408080808",
            "c0880000",
            "40890003626f62",
            "408a00027077",
            "c08f0001",
            "700000026869"
        ))
        .unwrap();
        let c = ConfigPayload::parse(&b, 32).unwrap();
        assert_eq!((c.cfg_type, c.identifier), (CfgType::REPLY, 7));
        let attrs: Vec<_> = c.attributes().map(|a| a.unwrap()).collect();
        assert_eq!(
            attrs[0].decoded(),
            ConfigValue::Ipv4(Ipv4Addr::new(10, 1, 0, 2))
        );
        assert_eq!(attrs[0].offset, 36);
        assert_eq!(attrs[2].attr_type, ConfigAttrType::XAUTH_TYPE);
        assert_eq!(
            c.to_string(),
            "CFG_REPLY id=7: INTERNAL_IP4_ADDRESS=10.1.0.2, INTERNAL_IP4_DNS=8.8.8.8, \
             XAUTH_TYPE=Generic, XAUTH_USER_NAME=\"bob\", \
             XAUTH_USER_PASSWORD=<redacted, 2 bytes>, XAUTH_STATUS=OK, UNITY_BANNER=\"hi\""
        );
    }

    #[test]
    fn request_values_are_empty_and_odd_lengths_fall_back() {
        let a = ConfigAttribute {
            attr_type: ConfigAttrType::INTERNAL_IP4_ADDRESS,
            value: AttrValue::Variable(&[]),
            offset: 0,
        };
        assert_eq!(a.decoded(), ConfigValue::Empty);
        let a = ConfigAttribute {
            attr_type: ConfigAttrType::INTERNAL_IP4_ADDRESS,
            value: AttrValue::Variable(&[1, 2, 3]),
            offset: 0,
        };
        assert_eq!(a.decoded(), ConfigValue::Bytes(&[1, 2, 3]));
        assert_eq!(a.to_string(), "INTERNAL_IP4_ADDRESS=0x010203");
    }
}
