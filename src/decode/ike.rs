//! Walking an IKE message's payload chain once, keeping both the raw payloads (the bytes the
//! IKEv1 hashes are computed over) and their decoded views (what the tracker and the
//! presentation read). Cleartext bodies and decrypted plaintexts are walked the same way.

use ikescope_dissectors::{ParseError, ikev2, isakmp};

/// One IKEv1 payload: its raw bytes and, if they decode, its typed view.
#[derive(Debug, Clone)]
pub struct V1Payload<'p> {
    pub raw: isakmp::RawPayload<'p>,
    pub decoded: Result<isakmp::Payload<'p>, ParseError>,
}

/// An IKEv1 payload chain.
#[derive(Debug, Clone, Default)]
pub struct V1Chain<'p> {
    pub payloads: Vec<V1Payload<'p>>,
    /// Where the chain itself broke (a bad length): the payloads before it are kept.
    pub error: Option<ParseError>,
    /// Bytes after the last payload (the padding of a decrypted message).
    pub tail_len: usize,
}

impl<'p> V1Chain<'p> {
    /// Walks the chain starting with payload type `first` over `bytes`, whose first byte is at
    /// `base` from the start of the ISAKMP header (for error offsets).
    pub fn walk(first: isakmp::PayloadType, bytes: &'p [u8], base: usize) -> V1Chain<'p> {
        let mut chain = V1Chain::default();
        let mut iter = isakmp::payloads(first, bytes, base);
        for item in iter.by_ref() {
            match item {
                Ok(raw) => {
                    let decoded = raw.decode();
                    chain.payloads.push(V1Payload { raw, decoded });
                }
                Err(e) => {
                    chain.error = Some(e);
                    break;
                }
            }
        }
        chain.tail_len = iter.tail().len();
        chain
    }

    /// The chain of a cleartext message (empty for an encrypted one).
    pub fn of_message(msg: &isakmp::Message<'p>) -> V1Chain<'p> {
        if msg.is_encrypted() {
            return V1Chain::default();
        }
        V1Chain::walk(msg.header.next_payload, msg.body, isakmp::HEADER_LEN)
    }

    /// The decoded payloads, skipping those that failed to decode.
    pub fn decoded(&self) -> impl Iterator<Item = &isakmp::Payload<'p>> {
        self.payloads.iter().filter_map(|p| p.decoded.as_ref().ok())
    }

    /// The first error: of the chain, or of a payload's contents.
    pub fn first_error(&self) -> Option<&ParseError> {
        self.payloads
            .iter()
            .find_map(|p| p.decoded.as_ref().err())
            .or(self.error.as_ref())
    }

    /// Every error, the chain's last.
    pub fn errors(&self) -> impl Iterator<Item = &ParseError> {
        self.payloads
            .iter()
            .filter_map(|p| p.decoded.as_ref().err())
            .chain(self.error.iter())
    }

    pub fn has(&self, t: isakmp::PayloadType) -> bool {
        self.payloads.iter().any(|p| p.raw.payload_type == t)
    }
}

/// One IKEv2 payload.
#[derive(Debug, Clone)]
pub struct V2Payload<'p> {
    pub raw: ikev2::RawPayload<'p>,
    pub decoded: Result<ikev2::Payload<'p>, ParseError>,
}

/// An IKEv2 payload chain.
#[derive(Debug, Clone, Default)]
pub struct V2Chain<'p> {
    pub payloads: Vec<V2Payload<'p>>,
    pub error: Option<ParseError>,
}

impl<'p> V2Chain<'p> {
    fn collect(iter: ikev2::Payloads<'p>) -> V2Chain<'p> {
        let mut chain = V2Chain::default();
        for item in iter {
            match item {
                Ok(raw) => {
                    let decoded = raw.decode();
                    chain.payloads.push(V2Payload { raw, decoded });
                }
                Err(e) => {
                    chain.error = Some(e);
                    break;
                }
            }
        }
        chain
    }

    pub fn of_message(msg: &ikev2::Message<'p>) -> V2Chain<'p> {
        V2Chain::collect(msg.payloads())
    }

    /// The chain inside a decrypted SK payload.
    pub fn walk(first: ikev2::PayloadType, plaintext: &'p [u8], base: usize) -> V2Chain<'p> {
        V2Chain::collect(ikev2::decrypted_payloads(first, plaintext, base))
    }

    pub fn decoded(&self) -> impl Iterator<Item = &ikev2::Payload<'p>> {
        self.payloads.iter().filter_map(|p| p.decoded.as_ref().ok())
    }

    pub fn errors(&self) -> impl Iterator<Item = &ParseError> {
        self.payloads
            .iter()
            .filter_map(|p| p.decoded.as_ref().err())
            .chain(self.error.iter())
    }
}
