//! The generic payload chain (RFC 2408 §3.2) and the typed payloads it carries.

use std::fmt;
use std::iter::FusedIterator;

use super::MAX_PAYLOADS;
use super::cert::CertPayload;
use super::config::ConfigPayload;
use super::delete::DeletePayload;
use super::fragment::FragmentPayload;
use super::id::{IdPayload, NatOaPayload};
use super::names::PayloadType;
use super::notify::NotifyPayload;
use super::reader::{Reader, be_u16};
use super::sa::SaPayload;
use super::text::Hex;
use super::vendor::VendorIdPayload;
use crate::error::{ErrorKind, ParseError};

/// Length of the generic payload header: next payload, reserved, payload length.
pub(crate) const GENERIC_HEADER_LEN: usize = 4;

/// Walks a payload chain: `first` is the type of the first payload (the header's Next
/// Payload), `body` the bytes after the ISAKMP header (cleartext, or decrypted plaintext
/// including its padding), and `base_offset` the offset of `body[0]` from the start of the
/// message (normally [`HEADER_LEN`](super::HEADER_LEN)), so errors point into the message.
///
/// The iterator yields each payload's generic header and bounds; decode a payload with
/// [`RawPayload::decode`]. It stops at a Next Payload of NONE, leaving whatever follows (the
/// encryption padding of decrypted plaintext, or stray bytes) in [`PayloadIter::tail`]. After
/// an error it yields nothing more.
pub fn payloads(first: PayloadType, body: &[u8], base_offset: usize) -> PayloadIter<'_> {
    PayloadIter::new(first, body, base_offset)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Running,
    /// Reached a Next Payload of NONE.
    Ended,
    /// Stopped at an error (or was created finished).
    Stopped,
}

/// Iterator over a payload chain; see [`payloads`].
#[derive(Debug, Clone)]
pub struct PayloadIter<'a> {
    next_type: PayloadType,
    rest: &'a [u8],
    offset: usize,
    count: usize,
    state: State,
}

impl<'a> PayloadIter<'a> {
    pub(crate) fn new(first: PayloadType, body: &'a [u8], base_offset: usize) -> Self {
        PayloadIter {
            next_type: first,
            rest: body,
            offset: base_offset,
            count: 0,
            state: State::Running,
        }
    }

    /// An iterator that yields nothing and keeps `body` as its tail (an encrypted body).
    pub(crate) fn finished(body: &'a [u8], base_offset: usize) -> Self {
        PayloadIter {
            next_type: PayloadType::NONE,
            rest: body,
            offset: base_offset,
            count: 0,
            state: State::Stopped,
        }
    }

    /// The bytes not consumed by the chain. After the chain ended at NONE this is the padding
    /// of decrypted plaintext (or unexpected extra bytes in a cleartext message); after an
    /// error, the bytes from the failing payload on.
    pub fn tail(&self) -> &'a [u8] {
        self.rest
    }

    /// Offset of [`tail`](Self::tail) from the start of the message.
    pub fn tail_offset(&self) -> usize {
        self.offset
    }

    /// Whether the chain ended normally, at a Next Payload of NONE.
    pub fn ended_at_none(&self) -> bool {
        self.state == State::Ended
    }

    /// How many payloads were yielded so far.
    pub fn count_so_far(&self) -> usize {
        self.count
    }

    fn fail(&mut self, e: ParseError) -> Option<Result<RawPayload<'a>, ParseError>> {
        self.state = State::Stopped;
        Some(Err(e))
    }
}

impl<'a> Iterator for PayloadIter<'a> {
    type Item = Result<RawPayload<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state != State::Running {
            return None;
        }
        if self.next_type == PayloadType::NONE {
            self.state = State::Ended;
            return None;
        }
        if self.count >= MAX_PAYLOADS {
            return self.fail(ParseError::new(
                "payload chain",
                "next payload",
                self.offset,
                ErrorKind::TooMany {
                    limit: MAX_PAYLOADS,
                },
            ));
        }
        let element = self.next_type.element();
        let mut r = Reader::new(self.rest, self.offset, element);
        let generic = match r.take(GENERIC_HEADER_LEN, "generic payload header") {
            Ok(g) => g,
            Err(e) => return self.fail(e),
        };
        let (np, reserved, length) = match generic {
            [np, reserved, l0, l1] => (*np, *reserved, usize::from(be_u16(&[*l0, *l1]))),
            _ => (0, 0, 0),
        };
        // A length below the generic header would not advance (0) or would cut it (1..3):
        // the tcpdump "pointer loop" and over-read CVEs. Past the end is as bad.
        if length < GENERIC_HEADER_LEN || length > self.rest.len() {
            return self.fail(ParseError::new(
                element,
                "payload length",
                self.offset.saturating_add(2),
                ErrorKind::BadLength {
                    value: length,
                    min: GENERIC_HEADER_LEN,
                    max: self.rest.len(),
                },
            ));
        }
        let Some((raw, after)) = self.rest.split_at_checked(length) else {
            return self.fail(r.error(
                "payload length",
                ErrorKind::Truncated {
                    needed: length,
                    available: self.rest.len(),
                },
            ));
        };
        let payload = RawPayload {
            payload_type: self.next_type,
            next_payload: PayloadType(np),
            reserved,
            offset: self.offset,
            raw,
            body: raw.get(GENERIC_HEADER_LEN..).unwrap_or_default(),
        };
        self.rest = after;
        self.offset = self.offset.saturating_add(length);
        self.next_type = PayloadType(np);
        self.count += 1;
        Some(Ok(payload))
    }
}

impl FusedIterator for PayloadIter<'_> {}

/// One payload of a chain, located but not yet decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPayload<'a> {
    /// This payload's type (given by the previous Next Payload field).
    pub payload_type: PayloadType,
    /// The type of the payload after this one.
    pub next_payload: PayloadType,
    /// The reserved octet: must be 0 in IKEv1 (RFC 2408 §3.2); IKEv2 puts its critical bit in
    /// the top bit.
    pub reserved: u8,
    /// Offset of the generic header from the start of the message.
    pub offset: usize,
    /// The whole payload, generic header included.
    pub raw: &'a [u8],
    /// The payload after its 4-byte generic header.
    pub body: &'a [u8],
}

impl<'a> RawPayload<'a> {
    /// The Payload Length field (= `raw.len()`).
    pub fn length(&self) -> usize {
        self.raw.len()
    }

    /// Offset of [`RawPayload::body`] from the start of the message.
    pub fn body_offset(&self) -> usize {
        self.offset.saturating_add(GENERIC_HEADER_LEN)
    }

    /// Decodes the body according to the payload type. Types this module does not know
    /// (GDOI payloads, private use) become [`Payload::Unknown`] with their bytes.
    pub fn decode(&self) -> Result<Payload<'a>, ParseError> {
        let body = self.body;
        let at = self.body_offset();
        Ok(match self.payload_type {
            PayloadType::SA => Payload::Sa(SaPayload::parse(body, at)?),
            PayloadType::KEY_EXCHANGE => Payload::KeyExchange(body),
            PayloadType::IDENTIFICATION => Payload::Identification(IdPayload::parse(body, at)?),
            PayloadType::CERTIFICATE => {
                Payload::Certificate(CertPayload::parse(body, at, "CERT payload")?)
            }
            PayloadType::CERTIFICATE_REQUEST => {
                Payload::CertificateRequest(CertPayload::parse(body, at, "CR payload")?)
            }
            PayloadType::HASH => Payload::Hash(body),
            PayloadType::SIGNATURE => Payload::Signature(body),
            PayloadType::NONCE => Payload::Nonce(body),
            PayloadType::NOTIFICATION => Payload::Notification(NotifyPayload::parse(body, at)?),
            PayloadType::DELETE => Payload::Delete(DeletePayload::parse(body, at)?),
            PayloadType::VENDOR_ID => Payload::VendorId(VendorIdPayload::new(body)),
            PayloadType::ATTRIBUTES => Payload::Attributes(ConfigPayload::parse(body, at)?),
            PayloadType::NAT_D | PayloadType::NAT_D_DRAFT | PayloadType::NAT_D_DRAFT_15 => {
                Payload::NatD(body)
            }
            PayloadType::NAT_OA | PayloadType::NAT_OA_DRAFT | PayloadType::NAT_OA_DRAFT_16 => {
                Payload::NatOa(NatOaPayload::parse(body, at)?)
            }
            PayloadType::CISCO_FRAGMENT => Payload::Fragment(FragmentPayload::parse(body, at)?),
            other => Payload::Unknown {
                payload_type: other,
                body,
            },
        })
    }
}

/// A decoded IKEv1 payload. Everything borrows from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// Security Association (RFC 2408 §3.4) with its proposals.
    Sa(SaPayload<'a>),
    /// Key Exchange data: the sender's DH public value g^x (RFC 2408 §3.7).
    KeyExchange(&'a [u8]),
    /// Identification (RFC 2407 §4.6.2): phase-1 identity or quick-mode proxy ID.
    Identification(IdPayload<'a>),
    /// Certificate (RFC 2408 §3.9).
    Certificate(CertPayload<'a>),
    /// Certificate Request (RFC 2408 §3.10): the encoding and a CA name.
    CertificateRequest(CertPayload<'a>),
    /// Hash data: HASH_I/HASH_R or a quick-mode HASH(n) (RFC 2409 §5).
    Hash(&'a [u8]),
    /// Signature data (RFC 2408 §3.12).
    Signature(&'a [u8]),
    /// Nonce data (RFC 2408 §3.13).
    Nonce(&'a [u8]),
    /// Notification (RFC 2408 §3.14).
    Notification(NotifyPayload<'a>),
    /// Delete (RFC 2408 §3.15).
    Delete(DeletePayload<'a>),
    /// Vendor ID (RFC 2408 §3.16).
    VendorId(VendorIdPayload<'a>),
    /// Mode-config / XAUTH attributes (payload type 14).
    Attributes(ConfigPayload<'a>),
    /// NAT discovery hash (RFC 3947 §3.2; type 20, or 15 / 130 in the drafts).
    NatD(&'a [u8]),
    /// NAT original address (RFC 3947 §5.2; type 21, or 16 / 131 in the drafts).
    NatOa(NatOaPayload<'a>),
    /// A Cisco-style IKEv1 fragment (type 132).
    Fragment(FragmentPayload<'a>),
    /// Any other type, kept with its body.
    Unknown {
        payload_type: PayloadType,
        body: &'a [u8],
    },
}

impl Payload<'_> {
    /// The payload's type (for NAT-D/NAT-OA the RFC 3947 number, even if the draft number was
    /// on the wire; the [`RawPayload`] keeps the original).
    pub fn payload_type(&self) -> PayloadType {
        match self {
            Payload::Sa(_) => PayloadType::SA,
            Payload::KeyExchange(_) => PayloadType::KEY_EXCHANGE,
            Payload::Identification(_) => PayloadType::IDENTIFICATION,
            Payload::Certificate(_) => PayloadType::CERTIFICATE,
            Payload::CertificateRequest(_) => PayloadType::CERTIFICATE_REQUEST,
            Payload::Hash(_) => PayloadType::HASH,
            Payload::Signature(_) => PayloadType::SIGNATURE,
            Payload::Nonce(_) => PayloadType::NONCE,
            Payload::Notification(_) => PayloadType::NOTIFICATION,
            Payload::Delete(_) => PayloadType::DELETE,
            Payload::VendorId(_) => PayloadType::VENDOR_ID,
            Payload::Attributes(_) => PayloadType::ATTRIBUTES,
            Payload::NatD(_) => PayloadType::NAT_D,
            Payload::NatOa(_) => PayloadType::NAT_OA,
            Payload::Fragment(_) => PayloadType::CISCO_FRAGMENT,
            Payload::Unknown { payload_type, .. } => *payload_type,
        }
    }
}

impl fmt::Display for Payload<'_> {
    /// A one-line summary in charon's abbreviations: `SA IPSEC 1 proposal(s)`, `KE 256 bytes`,
    /// `ID 192.0.2.1`, `N(INITIAL_CONTACT)`, `V strongSwan`, `NAT-D 20 bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Sa(sa) => write!(f, "SA {sa}"),
            Payload::KeyExchange(b) => write!(f, "KE {} bytes", b.len()),
            Payload::Identification(id) => write!(f, "ID {id}"),
            Payload::Certificate(c) => write!(f, "CERT {c}"),
            Payload::CertificateRequest(c) => write!(f, "CERTREQ {c}"),
            Payload::Hash(b) => write!(f, "HASH {} bytes", b.len()),
            Payload::Signature(b) => write!(f, "SIG {} bytes", b.len()),
            Payload::Nonce(b) => write!(f, "No {} bytes", b.len()),
            Payload::Notification(n) => write!(f, "{n}"),
            Payload::Delete(d) => write!(f, "{d}"),
            Payload::VendorId(v) => write!(f, "V {v}"),
            Payload::Attributes(c) => write!(f, "CP {c}"),
            Payload::NatD(b) => write!(f, "NAT-D {}", Hex(b)),
            Payload::NatOa(o) => write!(f, "NAT-OA {o}"),
            Payload::Fragment(fr) => write!(f, "FRAG {fr}"),
            Payload::Unknown { payload_type, body } => {
                write!(f, "{payload_type} {} bytes", body.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decrypted MM6 plaintext from captures/lab/mm-psk-aes128-sha1-g14 truth.json
    /// (`plaintext_with_padding`, right → left): ID(IPV4 192.0.2.2) HASH, then 3 zero bytes of
    /// CBC padding.
    const MM6_PLAIN: &str =
        "0800000c01000000c000020200000018466a3a113359e361142fc39b5a0dfa88b93e030300000000";

    #[test]
    fn walks_decrypted_plaintext_and_keeps_padding() {
        let plain = hex::decode(MM6_PLAIN).unwrap();
        let mut it = payloads(PayloadType::IDENTIFICATION, &plain, 28);
        let id = it.next().unwrap().unwrap();
        assert_eq!(id.payload_type, PayloadType::IDENTIFICATION);
        assert_eq!(id.next_payload, PayloadType::HASH);
        assert_eq!((id.offset, id.length()), (28, 12));
        let hash = it.next().unwrap().unwrap();
        assert_eq!(hash.offset, 40);
        assert_eq!(hash.body.len(), 20);
        assert!(it.next().is_none());
        assert!(it.ended_at_none());
        assert_eq!(it.tail(), &[0, 0, 0, 0]);
        assert_eq!(it.tail_offset(), 64);
        match id.decode().unwrap() {
            Payload::Identification(p) => assert_eq!(p.to_string(), "192.0.2.2"),
            other => panic!("{other:?}"),
        }
        assert_eq!(hash.decode().unwrap().to_string(), "HASH 20 bytes");
    }

    #[test]
    fn zero_length_payload_is_an_error_not_a_loop() {
        // HASH payload claiming length 0, then more bytes.
        let body = [0x08, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef];
        let mut it = payloads(PayloadType::HASH, &body, 28);
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("HASH payload", "payload length", 30)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 0,
                min: 4,
                max: 8
            }
        );
        assert!(it.next().is_none(), "fused after an error");
        assert!(!it.ended_at_none());
    }

    #[test]
    fn length_past_the_end_and_missing_header() {
        let body = [0x00, 0x00, 0x00, 0x40, 1, 2, 3];
        let e = payloads(PayloadType::NONCE, &body, 28)
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("Nonce payload", "payload length", 30)
        );
        assert_eq!(
            e.kind,
            ErrorKind::BadLength {
                value: 64,
                min: 4,
                max: 7
            }
        );
        // Next payload says VID but the body is over.
        let body = [0x0d, 0x00, 0x00, 0x04];
        let mut it = payloads(PayloadType::HASH, &body, 28);
        assert!(it.next().unwrap().is_ok());
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("Vendor ID payload", "generic payload header", 32)
        );
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 4,
                available: 0
            }
        );
    }

    #[test]
    fn chain_is_capped() {
        // 300 minimal VID payloads each pointing at another VID.
        let body: Vec<u8> = std::iter::repeat_n([0x0d, 0, 0, 4], 300)
            .flatten()
            .collect();
        let results: Vec<_> = payloads(PayloadType::VENDOR_ID, &body, 28).collect();
        assert_eq!(results.len(), MAX_PAYLOADS + 1);
        let e = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::TooMany {
                limit: MAX_PAYLOADS
            }
        );
        assert_eq!(e.offset, 28 + 4 * MAX_PAYLOADS);
    }

    #[test]
    fn unknown_types_are_kept_and_skipped() {
        // type 99 (unknown), then NONCE.
        let body = [0x0a, 0, 0, 6, 0xaa, 0xbb, 0x00, 0, 0, 5, 0x42];
        let v: Vec<_> = payloads(PayloadType(99), &body, 28)
            .map(|p| p.unwrap().decode().unwrap())
            .collect();
        assert_eq!(
            v[0],
            Payload::Unknown {
                payload_type: PayloadType(99),
                body: &[0xaa, 0xbb]
            }
        );
        assert_eq!(v[1], Payload::Nonce(&[0x42]));
        assert_eq!(v[0].to_string(), "UNKNOWN(99) 2 bytes");
    }
}
