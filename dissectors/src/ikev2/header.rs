//! The IKEv2 header (RFC 7296 §3.1) and the message view built on it.

use std::fmt;

use super::chain::Payloads;
use super::names::{ExchangeType, PayloadType};
use super::reader::Reader;
use crate::cookie::Cookie;
use crate::error::{ErrorKind, ParseError};

const ELEMENT: &str = "IKEv2 header";

/// Byte offsets of the header fields (RFC 7296 §3.1, Figure 4).
pub mod field {
    use std::ops::Range;
    pub const INITIATOR_SPI: Range<usize> = 0..8;
    pub const RESPONDER_SPI: Range<usize> = 8..16;
    pub const NEXT_PAYLOAD: usize = 16;
    pub const VERSION: usize = 17;
    pub const EXCHANGE_TYPE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: Range<usize> = 20..24;
    pub const LENGTH: Range<usize> = 24..28;
}

/// The header flags octet (RFC 7296 §3.1). Bits other than I, V and R are reserved: sent as
/// zero, ignored on receipt; [`Flags::reserved_bits`] shows any that are set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    /// Set in messages sent by the original initiator of the IKE SA.
    pub const INITIATOR: u8 = 0x08;
    /// The sender can speak a higher major version.
    pub const VERSION: u8 = 0x10;
    /// The message is a response to the message with the same message ID.
    pub const RESPONSE: u8 = 0x20;

    pub const fn is_initiator(self) -> bool {
        self.0 & Self::INITIATOR != 0
    }

    pub const fn higher_version(self) -> bool {
        self.0 & Self::VERSION != 0
    }

    pub const fn is_response(self) -> bool {
        self.0 & Self::RESPONSE != 0
    }

    pub const fn reserved_bits(self) -> u8 {
        self.0 & !(Self::INITIATOR | Self::VERSION | Self::RESPONSE)
    }
}

impl fmt::Display for Flags {
    /// As Wireshark summarises them: "Initiator, Request", "Responder, Response".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_initiator() {
            "Initiator"
        } else {
            "Responder"
        })?;
        f.write_str(if self.is_response() {
            ", Response"
        } else {
            ", Request"
        })?;
        if self.higher_version() {
            f.write_str(", Higher version")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:#04x} {self})", self.0)
    }
}

/// The decoded 28-byte IKEv2 header (RFC 7296 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// "IKE SA Initiator's SPI": chosen by the initiator, never zero.
    pub initiator_spi: Cookie,
    /// "IKE SA Responder's SPI": zero in the first message of IKE_SA_INIT.
    pub responder_spi: Cookie,
    pub next_payload: PayloadType,
    pub major_version: u8,
    /// Ignored by receivers (RFC 7296 §3.1), kept for display.
    pub minor_version: u8,
    pub exchange_type: ExchangeType,
    pub flags: Flags,
    pub message_id: u32,
    /// Length of the whole message, header and payloads, in octets.
    pub length: u32,
}

impl Header {
    pub const LEN: usize = 28;

    /// Decodes the header at the start of `bytes` without looking at the rest of the message
    /// (so a header can be shown even when the message is cut short). Fails if fewer than 28
    /// bytes are present or the major version is not 2: IKEv1 messages share the ISAKMP
    /// header layout, and [`crate::natt::ike_version`] tells them apart before parsing.
    pub fn parse(bytes: &[u8]) -> Result<Header, ParseError> {
        let mut r = Reader::new(bytes, 0, ELEMENT);
        if bytes.len() < Self::LEN {
            return Err(ParseError::truncated(
                ELEMENT,
                "header",
                0,
                Self::LEN,
                bytes.len(),
            ));
        }
        let initiator_spi = Cookie(r.array("initiator SPI")?);
        let responder_spi = Cookie(r.array("responder SPI")?);
        let next_payload = PayloadType(r.u8("next payload")?);
        let version = r.u8("version")?;
        let exchange_type = ExchangeType(r.u8("exchange type")?);
        let flags = Flags(r.u8("flags")?);
        let message_id = r.u32("message ID")?;
        let length = r.u32("length")?;
        let major_version = version >> 4;
        if major_version != 2 {
            return Err(ParseError::new(
                ELEMENT,
                "major version",
                field::VERSION,
                ErrorKind::BadValue {
                    value: u64::from(major_version),
                },
            ));
        }
        Ok(Header {
            initiator_spi,
            responder_spi,
            next_payload,
            major_version,
            minor_version: version & 0x0f,
            exchange_type,
            flags,
            message_id,
            length,
        })
    }
}

impl fmt::Display for Header {
    /// `IKE_SA_INIT MID=0 Initiator, Request e96a2babbb1a0fa4/0000000000000000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} MID={} {} {}/{}",
            self.exchange_type, self.message_id, self.flags, self.initiator_spi, self.responder_spi
        )
    }
}

/// A whole IKEv2 message: the header and the bytes its length field covers, borrowed.
///
/// After smoltcp's `wire` views: [`Message::parse`] checks the lengths once, then every
/// accessor is infallible. Payloads are walked lazily by [`Message::payloads`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    header: Header,
    /// Exactly `header.length` bytes.
    bytes: &'a [u8],
    /// Bytes after `header.length` in the datagram (normally none).
    trailing: &'a [u8],
}

impl<'a> Message<'a> {
    /// Parses the header and checks its length field against the bytes present: at least 28,
    /// and no more than `bytes` holds. Bytes beyond the length are kept aside as
    /// [`Message::trailing`] (an anomaly, but the message itself is intact).
    pub fn parse(bytes: &'a [u8]) -> Result<Message<'a>, ParseError> {
        let header = Header::parse(bytes)?;
        let length = usize::try_from(header.length).unwrap_or(usize::MAX);
        if length < Header::LEN {
            return Err(ParseError::new(
                ELEMENT,
                "length",
                field::LENGTH.start,
                ErrorKind::BadLength {
                    value: length,
                    min: Header::LEN,
                    max: bytes.len(),
                },
            ));
        }
        let Some((message, trailing)) = bytes.split_at_checked(length) else {
            return Err(ParseError::truncated(
                ELEMENT,
                "length",
                field::LENGTH.start,
                length,
                bytes.len(),
            ));
        };
        Ok(Message {
            header,
            bytes: message,
            trailing,
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn initiator_spi(&self) -> Cookie {
        self.header.initiator_spi
    }

    pub fn responder_spi(&self) -> Cookie {
        self.header.responder_spi
    }

    pub fn next_payload(&self) -> PayloadType {
        self.header.next_payload
    }

    pub fn exchange_type(&self) -> ExchangeType {
        self.header.exchange_type
    }

    pub fn flags(&self) -> Flags {
        self.header.flags
    }

    pub fn message_id(&self) -> u32 {
        self.header.message_id
    }

    pub fn length(&self) -> u32 {
        self.header.length
    }

    /// The whole message, header included, as covered by the length field. The SK payload's
    /// ICV is computed over this from offset 0 up to the ICV (RFC 7296 §3.14).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Everything after the header, up to the length field's end.
    pub fn body(&self) -> &'a [u8] {
        self.bytes.get(Header::LEN..).unwrap_or_default()
    }

    /// Bytes of the datagram beyond the header's length field.
    pub fn trailing(&self) -> &'a [u8] {
        self.trailing
    }

    /// The payload chain, starting with the header's Next Payload. Offsets are from the start
    /// of the message.
    pub fn payloads(&self) -> Payloads<'a> {
        Payloads::new(self.header.next_payload, self.body(), Header::LEN)
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(len: u32) -> Vec<u8> {
        let mut v = vec![
            1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 34, 0x08,
        ];
        v.extend_from_slice(&0u32.to_be_bytes());
        v.extend_from_slice(&len.to_be_bytes());
        v
    }

    #[test]
    fn parses_a_bare_header() {
        let bytes = header(28);
        let m = Message::parse(&bytes).unwrap();
        assert_eq!(m.initiator_spi().to_string(), "0102030405060708");
        assert!(m.responder_spi().is_zero());
        assert_eq!(m.exchange_type(), ExchangeType::IKE_SA_INIT);
        assert!(m.flags().is_initiator() && !m.flags().is_response());
        assert_eq!(m.payloads().count(), 0);
        assert_eq!(
            m.to_string(),
            "IKE_SA_INIT MID=0 Initiator, Request 0102030405060708/0000000000000000"
        );
    }

    #[test]
    fn length_is_checked() {
        let e = Message::parse(&header(27)).unwrap_err();
        assert_eq!((e.field, e.offset, e.code()), ("length", 24, "bad_length"));
        let e = Message::parse(&header(29)).unwrap_err();
        assert_eq!((e.field, e.offset, e.code()), ("length", 24, "truncated"));
        let mut long = header(28);
        long.push(0xee);
        assert_eq!(Message::parse(&long).unwrap().trailing(), &[0xee]);
        let e = Message::parse(&header(28)[..27]).unwrap_err();
        assert_eq!((e.field, e.offset), ("header", 0));
    }

    #[test]
    fn rejects_ikev1() {
        let mut v1 = header(28);
        v1[17] = 0x10;
        let e = Message::parse(&v1).unwrap_err();
        assert_eq!(e.field, "major version");
        assert_eq!(e.kind, ErrorKind::BadValue { value: 1 });
    }
}
