//! Notification payload (RFC 2408 §3.14) and its message types.

use std::fmt;
use std::net::Ipv4Addr;

use super::attributes::AttributeIter;
use super::names::{Doi, ProtocolId};
use super::reader::{Reader, be_u32};
use super::text::Hex;
use crate::cookie::Cookie;
use crate::error::{ErrorKind, ParseError};

open_enum! {
    /// Notify message type. Errors 1–30 are RFC 2408 §3.14.1 (names with `_` for the RFC's
    /// `-`, as strongSwan and Cisco's debug print them); CONNECTED is §3.14.1's status type;
    /// 24576–24578 are the IPsec DOI's (RFC 2407 §4.6.3); R_U_THERE/R_U_THERE_ACK are RFC 3706
    /// §5.1; the rest are vendor values (Cisco, Juniper) as libreswan, strongSwan and
    /// Wireshark name them.
    pub struct NotifyType(u16) {
        INVALID_PAYLOAD_TYPE = 1 => "INVALID_PAYLOAD_TYPE",
        DOI_NOT_SUPPORTED = 2 => "DOI_NOT_SUPPORTED",
        SITUATION_NOT_SUPPORTED = 3 => "SITUATION_NOT_SUPPORTED",
        INVALID_COOKIE = 4 => "INVALID_COOKIE",
        INVALID_MAJOR_VERSION = 5 => "INVALID_MAJOR_VERSION",
        INVALID_MINOR_VERSION = 6 => "INVALID_MINOR_VERSION",
        INVALID_EXCHANGE_TYPE = 7 => "INVALID_EXCHANGE_TYPE",
        INVALID_FLAGS = 8 => "INVALID_FLAGS",
        INVALID_MESSAGE_ID = 9 => "INVALID_MESSAGE_ID",
        INVALID_PROTOCOL_ID = 10 => "INVALID_PROTOCOL_ID",
        INVALID_SPI = 11 => "INVALID_SPI",
        INVALID_TRANSFORM_ID = 12 => "INVALID_TRANSFORM_ID",
        ATTRIBUTES_NOT_SUPPORTED = 13 => "ATTRIBUTES_NOT_SUPPORTED",
        NO_PROPOSAL_CHOSEN = 14 => "NO_PROPOSAL_CHOSEN",
        BAD_PROPOSAL_SYNTAX = 15 => "BAD_PROPOSAL_SYNTAX",
        PAYLOAD_MALFORMED = 16 => "PAYLOAD_MALFORMED",
        INVALID_KEY_INFORMATION = 17 => "INVALID_KEY_INFORMATION",
        INVALID_ID_INFORMATION = 18 => "INVALID_ID_INFORMATION",
        INVALID_CERT_ENCODING = 19 => "INVALID_CERT_ENCODING",
        INVALID_CERTIFICATE = 20 => "INVALID_CERTIFICATE",
        CERT_TYPE_UNSUPPORTED = 21 => "CERT_TYPE_UNSUPPORTED",
        INVALID_CERT_AUTHORITY = 22 => "INVALID_CERT_AUTHORITY",
        INVALID_HASH_INFORMATION = 23 => "INVALID_HASH_INFORMATION",
        AUTHENTICATION_FAILED = 24 => "AUTHENTICATION_FAILED",
        INVALID_SIGNATURE = 25 => "INVALID_SIGNATURE",
        ADDRESS_NOTIFICATION = 26 => "ADDRESS_NOTIFICATION",
        NOTIFY_SA_LIFETIME = 27 => "NOTIFY_SA_LIFETIME",
        CERTIFICATE_UNAVAILABLE = 28 => "CERTIFICATE_UNAVAILABLE",
        UNSUPPORTED_EXCHANGE_TYPE = 29 => "UNSUPPORTED_EXCHANGE_TYPE",
        UNEQUAL_PAYLOAD_LENGTHS = 30 => "UNEQUAL_PAYLOAD_LENGTHS",
        /// RFC 2408 §3.14.1: answers a COMMIT.
        CONNECTED = 16384 => "CONNECTED",
        /// RFC 2407 §4.6.3.1: the responder's lifetime for the SA; data = IPsec attributes.
        RESPONDER_LIFETIME = 24576 => "RESPONDER_LIFETIME",
        /// RFC 2407 §4.6.3.2: data = 4 bytes, 0 replay detection disabled, 1 enabled.
        REPLAY_STATUS = 24577 => "REPLAY_STATUS",
        /// RFC 2407 §4.6.3.3: "forget old SAs with me"; SPI = the 16-byte cookie pair.
        INITIAL_CONTACT = 24578 => "INITIAL_CONTACT",
        /// Cisco chatter (libreswan's names).
        CISCO_HELLO = 30000 => "CISCO_HELLO",
        CISCO_WWTEBR = 30001 => "CISCO_WWTEBR",
        CISCO_SHUT_UP = 30002 => "CISCO_SHUT_UP",
        /// Cisco IOS keepalives, pre-DPD (libreswan's names).
        IOS_KEEP_ALIVE_REQ = 32768 => "IOS_KEEP_ALIVE_REQ",
        IOS_KEEP_ALIVE_ACK = 32769 => "IOS_KEEP_ALIVE_ACK",
        /// RFC 3706 §5.1: DPD request; data = 4-byte sequence number.
        R_U_THERE = 36136 => "R_U_THERE",
        /// RFC 3706 §5.1: DPD reply, echoing the sequence number.
        R_U_THERE_ACK = 36137 => "R_U_THERE_ACK",
        /// Juniper/NetScreen next-hop tunnel binding: the peer's tunnel-interface address.
        NETSCREEN_NHTB_INFORM = 40001 => "NETSCREEN_NHTB_INFORM",
        /// Cisco VPN 3000/ASA cluster load balancing: go to the IPv4 address in the last 4
        /// bytes of the data.
        UNITY_LOAD_BALANCE = 40501 => "UNITY_LOAD_BALANCE",
        /// Cisco, meaning undocumented.
        UNITY_UNKNOWN_40502 = 40502 => "UNITY_UNKNOWN_40502",
        /// Cisco: hash of the group pre-shared key (Wireshark: UNITY-GROUP-HASH).
        UNITY_GROUP_HASH = 40503 => "UNITY_GROUP_HASH",
    }
}
display_by_name!(NotifyType, "NOTIFY");

impl NotifyType {
    /// Error types are 1–16383 (RFC 2408 §3.14.1); the rest are status types.
    pub const fn is_error(self) -> bool {
        self.0 >= 1 && self.0 < 16384
    }
}

const NOTIFICATION: &str = "Notification payload";

/// A Notification payload (RFC 2408 §3.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyPayload<'a> {
    pub doi: Doi,
    pub protocol_id: ProtocolId,
    pub notify_type: NotifyType,
    /// The SPI the notification is about: 16 bytes (the cookie pair) for the ISAKMP SA,
    /// 4 for AH/ESP, or none.
    pub spi: &'a [u8],
    /// The notification data.
    pub data: &'a [u8],
    /// Offset of `data` from the start of the message.
    pub data_offset: usize,
}

impl<'a> NotifyPayload<'a> {
    /// Errors: a header shorter than 8 bytes (Truncated), an SPI Size beyond the payload
    /// (`BadLength` on field "SPI size", offset of that field).
    pub fn parse(body: &'a [u8], base: usize) -> Result<NotifyPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, NOTIFICATION);
        let doi = Doi(r.u32("DOI")?);
        let protocol_id = ProtocolId(r.u8("protocol ID")?);
        let spi_size_at = r.offset();
        let spi_size = usize::from(r.u8("SPI size")?);
        let notify_type = NotifyType(r.u16("notify message type")?);
        if spi_size > r.remaining() {
            return Err(ParseError::new(
                NOTIFICATION,
                "SPI size",
                spi_size_at,
                ErrorKind::BadLength {
                    value: spi_size,
                    min: 0,
                    max: r.remaining(),
                },
            ));
        }
        let spi = r.take(spi_size, "SPI")?;
        Ok(NotifyPayload {
            doi,
            protocol_id,
            notify_type,
            spi,
            data_offset: r.offset(),
            data: r.rest(),
        })
    }

    /// The cookie pair when the SPI is the 16-byte ISAKMP SPI.
    pub fn isakmp_cookies(&self) -> Option<(Cookie, Cookie)> {
        if self.spi.len() != 16 {
            return None;
        }
        let (i, r) = self.spi.split_at_checked(8)?;
        Some((Cookie::from_slice(i)?, Cookie::from_slice(r)?))
    }

    /// The SPI as a number when it is 4 bytes (AH/ESP).
    pub fn spi_u32(&self) -> Option<u32> {
        (self.spi.len() == 4).then(|| be_u32(self.spi))
    }

    /// The DPD sequence number of R_U_THERE / R_U_THERE_ACK (RFC 3706 §5.1).
    pub fn dpd_sequence(&self) -> Option<u32> {
        match self.decoded_data() {
            NotifyData::DpdSequence(n) => Some(n),
            _ => None,
        }
    }

    /// The data decoded according to the notify type.
    pub fn decoded_data(&self) -> NotifyData<'a> {
        let d = self.data;
        match self.notify_type {
            NotifyType::RESPONDER_LIFETIME => NotifyData::ResponderLifetime(AttributeIter::new(
                d,
                self.data_offset,
                "notification attribute",
            )),
            NotifyType::REPLAY_STATUS if d.len() == 4 => NotifyData::ReplayStatus(be_u32(d) != 0),
            NotifyType::R_U_THERE | NotifyType::R_U_THERE_ACK if d.len() == 4 => {
                NotifyData::DpdSequence(be_u32(d))
            }
            NotifyType::UNITY_LOAD_BALANCE if d.len() >= 4 => {
                let tail = d.get(d.len() - 4..).unwrap_or_default();
                NotifyData::LoadBalance(Ipv4Addr::from(be_u32(tail)))
            }
            _ if d.is_empty() => NotifyData::None,
            _ => NotifyData::Raw(d),
        }
    }
}

/// Notification data decoded by type.
#[derive(Debug, Clone)]
pub enum NotifyData<'a> {
    /// No data.
    None,
    /// RESPONDER-LIFETIME: IPsec DOI attributes (SA Life Type / SA Life Duration pairs); decode
    /// each with [`Attribute::ipsec`](super::Attribute::ipsec).
    ResponderLifetime(AttributeIter<'a>),
    /// REPLAY-STATUS: whether the sender does replay detection.
    ReplayStatus(bool),
    /// R-U-THERE / R-U-THERE-ACK sequence number.
    DpdSequence(u32),
    /// Cisco load balancing: the gateway to go to.
    LoadBalance(Ipv4Addr),
    /// Anything else, raw.
    Raw(&'a [u8]),
}

impl fmt::Display for NotifyPayload<'_> {
    /// charon-style: `N(INITIAL_CONTACT)`, `N(R_U_THERE seq=0x5a1e0001)`,
    /// `N(NO_PROPOSAL_CHOSEN)`, `N(RESPONDER_LIFETIME SA Life Type: seconds, SA Life
    /// Duration: 3600)`, `N(NOTIFY(40500) 0a0b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "N({}", self.notify_type)?;
        match self.decoded_data() {
            NotifyData::None => {}
            NotifyData::ResponderLifetime(attrs) => {
                for (i, a) in attrs.enumerate() {
                    f.write_str(if i == 0 { " " } else { ", " })?;
                    match a.and_then(|a| a.ipsec()) {
                        Ok(a) => write!(f, "{a}")?,
                        Err(e) => write!(f, "<{e}>")?,
                    }
                }
            }
            NotifyData::ReplayStatus(on) => {
                write!(f, " {}", if on { "enabled" } else { "disabled" })?
            }
            NotifyData::DpdSequence(n) => write!(f, " seq={n:#010x}")?,
            NotifyData::LoadBalance(a) => write!(f, " {a}")?,
            NotifyData::Raw(d) => write!(f, " {}", Hex(d))?,
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_contact_from_the_lab_mm5() {
        // N(INITIAL_CONTACT) body from MM5 plaintext (captures/lab/mm-psk-aes128-sha1-g14).
        let b = hex::decode("000000010110600231acfc6c27a167280ed3229697e4c93b").unwrap();
        let n = NotifyPayload::parse(&b, 68).unwrap();
        assert_eq!(n.doi, Doi::IPSEC);
        assert_eq!(n.protocol_id, ProtocolId::ISAKMP);
        assert_eq!(n.notify_type, NotifyType::INITIAL_CONTACT);
        let (i, r) = n.isakmp_cookies().unwrap();
        assert_eq!(
            (i.to_string().as_str(), r.to_string().as_str()),
            ("31acfc6c27a16728", "0ed3229697e4c93b")
        );
        assert!(n.data.is_empty());
        assert_eq!(n.to_string(), "N(INITIAL_CONTACT)");
        assert!(!n.notify_type.is_error());
    }

    #[test]
    fn dpd_and_lifetime_data() {
        let b = hex::decode("0000000101108d2800112233445566778899aabbccddeeff0000002a").unwrap();
        let n = NotifyPayload::parse(&b, 0).unwrap();
        assert_eq!(n.notify_type, NotifyType::R_U_THERE);
        assert_eq!(n.dpd_sequence(), Some(42));
        assert_eq!(n.to_string(), "N(R_U_THERE seq=0x0000002a)");
        // RESPONDER_LIFETIME for ESP spi 01020304: life type seconds, duration 3600.
        let b = hex::decode("000000010304600001020304800100018002 0e10".replace(' ', "")).unwrap();
        let n = NotifyPayload::parse(&b, 0).unwrap();
        assert_eq!(n.spi_u32(), Some(0x01020304));
        assert_eq!(
            n.to_string(),
            "N(RESPONDER_LIFETIME SA Life Type: seconds, SA Life Duration: 3600)"
        );
        assert_eq!(NotifyType(40500).to_string(), "NOTIFY(40500)");
        assert!(NotifyType::NO_PROPOSAL_CHOSEN.is_error());
    }

    #[test]
    fn spi_size_past_the_end() {
        // SPI size 16, 4 bytes present.
        let b = hex::decode("000000010110600201020304").unwrap();
        let e = NotifyPayload::parse(&b, 32).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("Notification payload", "SPI size", 37)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 16,
                min: 0,
                max: 4
            }
        );
        let e = NotifyPayload::parse(&b[..6], 32).unwrap_err();
        assert_eq!(e.field, "notify message type");
    }
}
