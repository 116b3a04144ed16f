//! The fixed ISAKMP header (RFC 2408 §3.1) and a whole message bounded by its length field.

use std::fmt;

use super::names::{ExchangeType, PayloadType};
use super::payload::PayloadIter;
use super::reader::Reader;
use crate::cookie::Cookie;
use crate::error::{ErrorKind, ParseError};

/// Length of the fixed ISAKMP header: two 8-byte cookies, next payload, version, exchange
/// type, flags, message ID, length (RFC 2408 §3.1).
pub const HEADER_LEN: usize = 28;

mod field {
    pub const RESPONDER_COOKIE: usize = 8;
    pub const NEXT_PAYLOAD: usize = 16;
    pub const VERSION: usize = 17;
    pub const EXCHANGE_TYPE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: usize = 20;
    pub const LENGTH: usize = 24;
}

const ELEMENT: &str = "ISAKMP header";

/// The ISAKMP header flags octet (RFC 2408 §3.1). Only the low three bits are IKEv1's; IKEv2
/// reuses the octet for its I/V/R bits (0x08/0x10/0x20), which are kept but not named here.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    /// E: the payloads after the header are encrypted with the phase-1 key.
    pub const ENCRYPTION: u8 = 0x01;
    /// C: commit, the sender wants a CONNECTED notification before using the SA.
    pub const COMMIT: u8 = 0x02;
    /// A: authentication only; the body is integrity-protected but not encrypted.
    pub const AUTHENTICATION_ONLY: u8 = 0x04;

    pub const fn encryption(self) -> bool {
        self.0 & Self::ENCRYPTION != 0
    }

    pub const fn commit(self) -> bool {
        self.0 & Self::COMMIT != 0
    }

    pub const fn authentication_only(self) -> bool {
        self.0 & Self::AUTHENTICATION_ONLY != 0
    }

    /// Bits that IKEv1 does not define.
    pub const fn unknown_bits(self) -> u8 {
        self.0 & !(Self::ENCRYPTION | Self::COMMIT | Self::AUTHENTICATION_ONLY)
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:#04x} {})", self.0, self)
    }
}

impl fmt::Display for Flags {
    /// `ENCRYPTION|COMMIT`, `none`; undefined bits as `0x10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut put = |f: &mut fmt::Formatter<'_>, s: &dyn fmt::Display| -> fmt::Result {
            if !first {
                f.write_str("|")?;
            }
            first = false;
            write!(f, "{s}")
        };
        if self.encryption() {
            put(f, &"ENCRYPTION")?;
        }
        if self.commit() {
            put(f, &"COMMIT")?;
        }
        if self.authentication_only() {
            put(f, &"AUTHENTICATION_ONLY")?;
        }
        if self.unknown_bits() != 0 {
            put(f, &format_args!("{:#04x}", self.unknown_bits()))?;
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// The decoded fixed header (RFC 2408 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    pub initiator_cookie: Cookie,
    /// All zeros in the first message of an exchange, until the responder answers.
    pub responder_cookie: Cookie,
    /// Type of the first payload.
    pub next_payload: PayloadType,
    /// 1 for ISAKMP/IKEv1, 2 for IKEv2 (a different parser).
    pub major_version: u8,
    pub minor_version: u8,
    pub exchange_type: ExchangeType,
    pub flags: Flags,
    /// 0 in phase 1; a random value per quick mode, informational or transaction exchange.
    pub message_id: u32,
    /// Length of the whole message, header included.
    pub length: u32,
}

impl Header {
    /// Decodes the 28-byte header. It checks nothing but that 28 bytes are there: the version
    /// is kept as sent (dispatch on [`Header::major_version`]), the length is checked by
    /// [`Message::parse`].
    pub fn parse(bytes: &[u8]) -> Result<Header, ParseError> {
        if bytes.len() < HEADER_LEN {
            // Name the first field the bytes do not cover.
            let (name, at) = [
                ("initiator cookie", 0),
                ("responder cookie", field::RESPONDER_COOKIE),
                ("next payload", field::NEXT_PAYLOAD),
                ("version", field::VERSION),
                ("exchange type", field::EXCHANGE_TYPE),
                ("flags", field::FLAGS),
                ("message ID", field::MESSAGE_ID),
                ("length", field::LENGTH),
            ]
            .into_iter()
            .rev()
            .find(|&(_, at)| at <= bytes.len())
            .unwrap_or(("initiator cookie", 0));
            return Err(ParseError::truncated(
                ELEMENT,
                name,
                at,
                HEADER_LEN,
                bytes.len(),
            ));
        }
        let mut r = Reader::new(bytes, 0, ELEMENT);
        let initiator_cookie =
            Cookie::from_slice(r.take(8, "initiator cookie")?).unwrap_or_default();
        let responder_cookie =
            Cookie::from_slice(r.take(8, "responder cookie")?).unwrap_or_default();
        let next_payload = PayloadType(r.u8("next payload")?);
        let version = r.u8("version")?;
        let exchange_type = ExchangeType(r.u8("exchange type")?);
        let flags = Flags(r.u8("flags")?);
        let message_id = r.u32("message ID")?;
        let length = r.u32("length")?;
        Ok(Header {
            initiator_cookie,
            responder_cookie,
            next_payload,
            major_version: version >> 4,
            minor_version: version & 0x0f,
            exchange_type,
            flags,
            message_id,
            length,
        })
    }

    /// ISAKMP version 1.x, i.e. IKEv1 (RFC 2408 §3.1: major 1).
    pub const fn is_ikev1(&self) -> bool {
        self.major_version == 1
    }

    /// IKEv2 (RFC 7296 §3.1: major 2); parse with the `ikev2` module instead.
    pub const fn is_ikev2(&self) -> bool {
        self.major_version == 2
    }

    /// Whether the payloads are encrypted (the E flag).
    pub const fn is_encrypted(&self) -> bool {
        self.flags.encryption()
    }
}

impl fmt::Display for Header {
    /// One line: `31acfc6c27a16728/0ed3229697e4c93b Identity Protection (Main Mode) mid=00000000
    /// flags=none len=180`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} {} mid={:08x} flags={} len={}",
            self.initiator_cookie,
            self.responder_cookie,
            self.exchange_type,
            self.message_id,
            self.flags,
            self.length
        )
    }
}

/// One ISAKMP message: the header and the body its length field covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub header: Header,
    /// Header and body: exactly `header.length` bytes.
    pub raw: &'a [u8],
    /// The bytes after the header: the payload chain, or ciphertext when
    /// [`Message::is_encrypted`].
    pub body: &'a [u8],
    /// Bytes in the datagram after `header.length` (normally none; an anomaly when present).
    pub trailing: &'a [u8],
}

impl<'a> Message<'a> {
    /// Parses the header and bounds the message by its length field.
    ///
    /// Errors, all on the element "ISAKMP header":
    /// - fewer than 28 bytes: [`ErrorKind::Truncated`] at the first missing field;
    /// - length field below 28: [`ErrorKind::BadLength`] `{ min: 28, max: bytes present }`;
    /// - length field beyond the datagram (a short datagram, or a capture cut by the
    ///   snaplen): [`ErrorKind::Truncated`] `{ needed: length, available }` on field
    ///   "length", offset 24.
    ///
    /// Bytes beyond the length field are not an error: they are kept in
    /// [`Message::trailing`] for the caller to count.
    ///
    /// The major version is not checked; IKEv2 messages parse here too (their header layout
    /// is the same) but their payloads must go to the IKEv2 parser.
    pub fn parse(bytes: &'a [u8]) -> Result<Message<'a>, ParseError> {
        let header = Header::parse(bytes)?;
        let length = usize::try_from(header.length).unwrap_or(usize::MAX);
        if length < HEADER_LEN {
            return Err(ParseError::new(
                ELEMENT,
                "length",
                field::LENGTH,
                ErrorKind::BadLength {
                    value: length,
                    min: HEADER_LEN,
                    max: bytes.len(),
                },
            ));
        }
        let Some((raw, trailing)) = bytes.split_at_checked(length) else {
            return Err(ParseError::truncated(
                ELEMENT,
                "length",
                field::LENGTH,
                length,
                bytes.len(),
            ));
        };
        let body = raw.get(HEADER_LEN..).unwrap_or_default();
        Ok(Message {
            header,
            raw,
            body,
            trailing,
        })
    }

    /// The E flag: the body is ciphertext, to be decrypted by the crypto module and then walked
    /// with [`payloads`](super::payloads)`(header.next_payload, plaintext, HEADER_LEN)`.
    pub const fn is_encrypted(&self) -> bool {
        self.header.flags.encryption()
    }

    /// The payload chain of a cleartext message, starting at `header.next_payload`.
    ///
    /// For an encrypted message this iterator is empty (the body is ciphertext) and its
    /// [`PayloadIter::tail`] is the whole body.
    pub fn payloads(&self) -> PayloadIter<'a> {
        if self.is_encrypted() {
            PayloadIter::finished(self.body, HEADER_LEN)
        } else {
            PayloadIter::new(self.header.next_payload, self.body, HEADER_LEN)
        }
    }

    /// The last IV-sized block of ciphertext, which seeds the next CBC IV of this exchange
    /// (RFC 2409 Appendix B). `None` when the body is shorter than `block`.
    pub fn last_block(&self, block: usize) -> Option<&'a [u8]> {
        let start = self.body.len().checked_sub(block)?;
        self.body.get(start..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MM2 header from captures/lab/mm-psk-aes128-sha1-g14 (frame 4): 180 bytes, SA first.
    const MM2_HEADER: [u8; 28] = [
        0x31, 0xac, 0xfc, 0x6c, 0x27, 0xa1, 0x67, 0x28, // initiator cookie
        0x0e, 0xd3, 0x22, 0x96, 0x97, 0xe4, 0xc9, 0x3b, // responder cookie
        0x01, 0x10, 0x02, 0x00, // SA, 1.0, main mode, no flags
        0x00, 0x00, 0x00, 0x00, // message ID
        0x00, 0x00, 0x00, 0xb4, // length 180
    ];

    #[test]
    fn decodes_the_lab_mm2_header() {
        let h = Header::parse(&MM2_HEADER).unwrap();
        assert_eq!(h.initiator_cookie.to_string(), "31acfc6c27a16728");
        assert_eq!(h.responder_cookie.to_string(), "0ed3229697e4c93b");
        assert_eq!(h.next_payload, PayloadType::SA);
        assert_eq!((h.major_version, h.minor_version), (1, 0));
        assert!(h.is_ikev1());
        assert_eq!(h.exchange_type, ExchangeType::IDENTITY_PROTECTION);
        assert_eq!(h.flags, Flags(0));
        assert_eq!(h.message_id, 0);
        assert_eq!(h.length, 180);
        assert_eq!(
            h.to_string(),
            "31acfc6c27a16728/0ed3229697e4c93b Identity Protection (Main Mode) mid=00000000 flags=none len=180"
        );
    }

    #[test]
    fn short_header_names_the_missing_field() {
        let e = Header::parse(&MM2_HEADER[..21]).unwrap_err();
        assert_eq!((e.field, e.offset), ("message ID", 20));
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 28,
                available: 21
            }
        );
        let e = Header::parse(&[]).unwrap_err();
        assert_eq!((e.field, e.offset), ("initiator cookie", 0));
    }

    #[test]
    fn length_field_is_checked_against_the_datagram() {
        // Claims 180 bytes, only the header present: a short datagram.
        let e = Message::parse(&MM2_HEADER).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("ISAKMP header", "length", 24)
        );
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 180,
                available: 28
            }
        );
        // Length 0 (the tcpdump isakmp-pointer-loop capture): below the header.
        let mut h = MM2_HEADER;
        h[24..28].copy_from_slice(&0u32.to_be_bytes());
        let e = Message::parse(&h).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 0,
                min: 28,
                max: 28
            }
        );
        // Length 28 plus 3 trailing bytes: accepted, trailing kept.
        let mut buf = MM2_HEADER.to_vec();
        buf[24..28].copy_from_slice(&28u32.to_be_bytes());
        buf.extend_from_slice(&[1, 2, 3]);
        let m = Message::parse(&buf).unwrap();
        assert!(m.body.is_empty());
        assert_eq!(m.trailing, &[1, 2, 3]);
        assert_eq!(m.raw.len(), 28);
    }

    #[test]
    fn flags_render() {
        assert_eq!(Flags(0).to_string(), "none");
        assert_eq!(Flags(1).to_string(), "ENCRYPTION");
        assert_eq!(Flags(0x13).to_string(), "ENCRYPTION|COMMIT|0x10");
        assert!(Flags(4).authentication_only());
    }
}
