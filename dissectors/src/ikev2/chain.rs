//! The payload chain: generic payload headers (RFC 7296 §3.2) linked by Next Payload.

use super::names::PayloadType;
use super::payload::Payload;
use super::reader::Reader;
use crate::error::{ErrorKind, ParseError};

/// At most this many payloads in one chain. Real messages carry a dozen or two (an IKE_AUTH
/// with a certificate chain and many notifies stays well under 50).
pub const MAX_PAYLOADS: usize = 256;

/// Length of the generic payload header (RFC 7296 §3.2).
pub const GENERIC_HEADER_LEN: usize = 4;

/// One payload as found in the chain, before its body is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPayload<'a> {
    /// This payload's type: the Next Payload field of the previous payload (or the header).
    pub payload_type: PayloadType,
    /// This payload's own Next Payload field. For SK and SKF it is the type of the first
    /// payload inside the encrypted data (RFC 7296 §3.14, RFC 7383 §2.5).
    pub next_payload: PayloadType,
    /// The critical bit (RFC 7296 §2.5): if set on a type the receiver does not know, the
    /// receiver must reject the whole message with UNSUPPORTED_CRITICAL_PAYLOAD.
    pub critical: bool,
    /// The 7 reserved bits after the critical bit; sent as zero (RFC 7296 §3.2).
    pub reserved: u8,
    /// Offset of the generic header from the start of the message (or of whatever the chain
    /// was walked from plus its base offset, see [`decrypted_payloads`]).
    pub offset: usize,
    /// The whole payload, generic header included.
    pub raw: &'a [u8],
    /// The payload after its generic header.
    pub body: &'a [u8],
}

impl<'a> RawPayload<'a> {
    /// Offset of [`RawPayload::body`].
    pub fn body_offset(&self) -> usize {
        self.offset.saturating_add(GENERIC_HEADER_LEN)
    }

    /// Decodes the body according to [`RawPayload::payload_type`]. Unknown types come back as
    /// [`Payload::Unknown`] with their bytes; a known type whose body does not hold together
    /// is an error naming the payload, field and offset.
    pub fn decode(&self) -> Result<Payload<'a>, ParseError> {
        Payload::decode(self)
    }
}

/// Iterator over a payload chain. Yields each payload or the first error, then stops.
///
/// The chain ends at Next Payload NONE (0), after an SK or SKF payload (whose Next Payload
/// names the first *encrypted* payload), at an error, or after [`MAX_PAYLOADS`] payloads
/// (an error of kind [`ErrorKind::TooMany`]). Bytes left after the end of the chain are an
/// anomaly, readable from [`Payloads::trailing`] once the iterator is exhausted.
#[derive(Debug, Clone)]
pub struct Payloads<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    next: PayloadType,
    count: usize,
    done: bool,
}

impl<'a> Payloads<'a> {
    /// Walks the chain in `bytes` whose first payload has type `first`; `base_offset` is the
    /// offset of `bytes[0]` that errors and [`RawPayload::offset`] are reported relative to.
    pub fn new(first: PayloadType, bytes: &'a [u8], base_offset: usize) -> Self {
        Payloads {
            bytes,
            pos: 0,
            base: base_offset,
            next: first,
            count: 0,
            done: false,
        }
    }

    /// The bytes not covered by any payload yet: after the iterator has ended without error,
    /// what follows the last payload (normally empty).
    pub fn trailing(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn read_one(&mut self) -> Result<RawPayload<'a>, ParseError> {
        let payload_type = self.next;
        let element = payload_type.element();
        let offset = self.base.saturating_add(self.pos);
        let rest = self.trailing();
        if self.count >= MAX_PAYLOADS {
            return Err(ParseError::new(
                "IKEv2 message",
                "payload",
                offset,
                ErrorKind::TooMany {
                    limit: MAX_PAYLOADS,
                },
            ));
        }
        let mut r = Reader::new(rest, offset, element);
        let next_payload = PayloadType(r.u8("next payload")?);
        let flags = r.u8("critical bit")?;
        let length_at = r.offset();
        let length = usize::from(r.u16("payload length")?);
        if length < GENERIC_HEADER_LEN {
            return Err(r.error(
                "payload length",
                length_at,
                ErrorKind::BadLength {
                    value: length,
                    min: GENERIC_HEADER_LEN,
                    max: rest.len(),
                },
            ));
        }
        let Some(raw) = rest.get(..length) else {
            return Err(r.error(
                "payload length",
                length_at,
                ErrorKind::Truncated {
                    needed: length,
                    available: rest.len(),
                },
            ));
        };
        let body = raw.get(GENERIC_HEADER_LEN..).unwrap_or_default();
        self.pos = self.pos.saturating_add(length);
        self.count += 1;
        self.next = next_payload;
        Ok(RawPayload {
            payload_type,
            next_payload,
            critical: flags & 0x80 != 0,
            reserved: flags & 0x7f,
            offset,
            raw,
            body,
        })
    }
}

impl<'a> Iterator for Payloads<'a> {
    type Item = Result<RawPayload<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.next == PayloadType::NONE {
            self.done = true;
            return None;
        }
        let item = self.read_one();
        match &item {
            Ok(p) if p.payload_type.ends_chain() => self.done = true,
            Ok(_) => {}
            Err(_) => self.done = true,
        }
        Some(item)
    }
}

impl std::iter::FusedIterator for Payloads<'_> {}

/// Walks the payloads inside a decrypted SK (or reassembled SKF) payload with the same code as
/// the clear ones. `first` is the SK payload's Next Payload ([`RawPayload::next_payload`]);
/// `plaintext` is the decrypted data with padding and Pad Length already removed (see
/// [`strip_sk_padding`]); `base_offset` is added to every offset reported, e.g. the SK body's
/// offset in the message so that errors point near the ciphertext they came from.
pub fn decrypted_payloads<'a>(
    first: PayloadType,
    plaintext: &'a [u8],
    base_offset: usize,
) -> Payloads<'a> {
    Payloads::new(first, plaintext, base_offset)
}

/// Splits decrypted SK data into its inner payloads by removing Padding and Pad Length
/// (RFC 7296 §3.14: the last octet is the Pad Length, preceded by that many padding octets).
/// `base_offset` is where the decrypted data's first byte is reported to be.
pub fn strip_sk_padding(decrypted: &[u8], base_offset: usize) -> Result<&[u8], ParseError> {
    let Some((&pad_len, before)) = decrypted.split_last() else {
        return Err(ParseError::truncated(
            "SK payload",
            "pad length",
            base_offset,
            1,
            0,
        ));
    };
    let keep = before.len().checked_sub(usize::from(pad_len));
    match keep.and_then(|k| before.get(..k)) {
        Some(payloads) => Ok(payloads),
        None => Err(ParseError::new(
            "SK payload",
            "pad length",
            base_offset.saturating_add(before.len()),
            ErrorKind::BadLength {
                value: usize::from(pad_len),
                min: 0,
                max: before.len(),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_and_stops() {
        // N (41) -> V (43) -> NONE, then a stray byte.
        let bytes = [43, 0, 0, 5, 0xaa, 0, 0x80, 0, 4, 0xff];
        let mut it = Payloads::new(PayloadType::NOTIFY, &bytes, 28);
        let n = it.next().unwrap().unwrap();
        assert_eq!(n.payload_type, PayloadType::NOTIFY);
        assert_eq!((n.offset, n.body, n.raw.len()), (28, &[0xaa][..], 5));
        let v = it.next().unwrap().unwrap();
        assert_eq!(v.payload_type, PayloadType::VENDOR_ID);
        assert!(v.critical);
        assert_eq!((v.offset, v.body_offset()), (33, 37));
        assert!(it.next().is_none());
        assert_eq!(it.trailing(), &[0xff]);
    }

    #[test]
    fn bad_lengths_are_errors_with_offsets() {
        let short = [0, 0, 0, 3];
        let e = Payloads::new(PayloadType::NONCE, &short, 28)
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset, e.code()),
            ("Nonce payload", "payload length", 30, "bad_length")
        );
        let long = [0, 0, 0, 9, 1];
        let e = Payloads::new(PayloadType::NONCE, &long, 28)
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 9,
                available: 5
            }
        );
        let cut = [0, 0];
        let e = Payloads::new(PayloadType::SA, &cut, 28)
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("SA payload", "payload length", 30)
        );
    }

    #[test]
    fn sk_ends_the_chain() {
        // SK whose next payload is IDi (35), followed by what would be garbage.
        let bytes = [35, 0, 0, 6, 1, 2, 9, 9, 9];
        let mut it = Payloads::new(PayloadType::SK, &bytes, 0);
        let sk = it.next().unwrap().unwrap();
        assert_eq!(sk.next_payload, PayloadType::IDI);
        assert!(it.next().is_none());
        assert_eq!(it.trailing(), &[9, 9, 9]);
    }

    #[test]
    fn chain_is_capped() {
        // A chain of empty Vendor ID payloads that never ends.
        let bytes: Vec<u8> = [43u8, 0, 0, 4].repeat(MAX_PAYLOADS + 10);
        let results: Vec<_> = Payloads::new(PayloadType::VENDOR_ID, &bytes, 0).collect();
        assert_eq!(results.len(), MAX_PAYLOADS + 1);
        let e = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::TooMany {
                limit: MAX_PAYLOADS
            }
        );
        assert_eq!(e.offset, MAX_PAYLOADS * 4);
    }

    #[test]
    fn padding_is_stripped() {
        assert_eq!(strip_sk_padding(&[1, 2, 9, 9, 2], 0).unwrap(), &[1, 2]);
        assert_eq!(strip_sk_padding(&[1, 0], 0).unwrap(), &[1]);
        let e = strip_sk_padding(&[1, 5], 10).unwrap_err();
        assert_eq!(
            (e.field, e.offset, e.code()),
            ("pad length", 11, "bad_length")
        );
        assert!(strip_sk_padding(&[], 0).is_err());
    }
}
