//! One frame through every layer: decode, decrypt, track. Each command (dissect, report,
//! events, keys, the TUI) drives a [`Pipeline`] over its frames and reads what it needs from
//! the [`Processed`] packet or from the tracker's tables; none of them parses.

use ikescope_dissectors::ah::AhPacket;
use ikescope_dissectors::crypto::IcvStatus;
use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::{ParseError, ikev2, isakmp};

use crate::capture::Frame;
use crate::decode::ike::{V1Chain, V2Chain};
use crate::decode::{Anomalies, Decoded, Decoder, Packet, PacketMeta};
use crate::decrypt::{DecryptStatus, Decryptor, EspOutcome, EspStatus, IkeV1Outcome, IkeV2Outcome};
use crate::keys::KeyStore;
use crate::track::{EspCheck, IkeNote, IkeV1Input, IkeV2Input, Tracker, TrackerConfig};

/// What one IPsec packet turned into.
pub enum Processed<'a> {
    /// `chain` is the cleartext payload chain (empty for an encrypted message: a decrypted
    /// one is walked from `outcome.plaintext` by whoever needs it).
    IkeV1 {
        msg: isakmp::Message<'a>,
        chain: V1Chain<'a>,
        outcome: IkeV1Outcome,
        note: IkeNote,
    },
    IkeV2 {
        msg: ikev2::Message<'a>,
        outcome: IkeV2Outcome,
        note: IkeNote,
    },
    Esp {
        esp: EspPacket<'a>,
        outcome: EspOutcome<'a>,
    },
    Ah {
        ah: AhPacket<'a>,
    },
    NatKeepalive,
    Malformed {
        protocol: &'static str,
        error: ParseError,
        /// What was captured of it.
        bytes: &'a [u8],
    },
}

/// How much tracking to do per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracking {
    /// Everything (report, events, TUI).
    Full,
    /// Only IKE messages, for their place in the exchange (dissect: ESP lines need no state).
    IkeOnly,
}

pub struct Pipeline {
    pub decoder: Decoder,
    /// Anomalies found above the decoder (payload chains, decrypted plaintexts), kept apart
    /// because a decoded packet borrows the decoder; [`Pipeline::anomalies`] merges both.
    payload_anomalies: Anomalies,
    pub decryptor: Decryptor,
    pub tracker: Tracker,
    tracking: Tracking,
}

impl Pipeline {
    pub fn new(keys: KeyStore, config: TrackerConfig, tracking: Tracking) -> Pipeline {
        Pipeline {
            decoder: Decoder::new(),
            payload_anomalies: Anomalies::default(),
            decryptor: Decryptor::new(keys),
            tracker: Tracker::new(config),
            tracking,
        }
    }

    /// Runs one frame through every layer. `None`: not an IPsec packet (counted by the
    /// decoder).
    pub fn process<'a>(&'a mut self, frame: &Frame<'a>) -> Option<(PacketMeta, Processed<'a>)> {
        if self.decoder.has_incomplete() {
            self.hand_over_incomplete();
        }
        let Pipeline {
            decoder,
            payload_anomalies: anomalies,
            decryptor,
            tracker,
            tracking,
        } = self;
        let Decoded::Ipsec(meta, packet) = decoder.decode(frame) else {
            return None;
        };
        let processed = match packet {
            Packet::IkeV1(msg) => {
                // Only decryption needs it (byte-identical retransmissions reuse their IV).
                let fingerprint = if decryptor.has_keys() {
                    fingerprint(msg.raw)
                } else {
                    0
                };
                let outcome = decryptor.ikev1(&meta, &msg, fingerprint);
                let clear = V1Chain::of_message(&msg);
                let decrypted = outcome
                    .plaintext
                    .as_ref()
                    .map(|pt| V1Chain::walk(msg.header.next_payload, pt, isakmp::HEADER_LEN));
                let note = tracker.ike_v1(&IkeV1Input {
                    meta: &meta,
                    header: &msg.header,
                    chain: decrypted.as_ref().unwrap_or(&clear),
                    encrypted: msg.is_encrypted(),
                    decrypted: outcome.status.is_decrypted(),
                    auth: outcome.hash.as_ref().map(|h| h.result),
                });
                // Payload-level errors (a bad length inside the chain, an attribute past its
                // transform) are anomalies like header errors: counted and named.
                for e in clear
                    .errors()
                    .chain(decrypted.iter().flat_map(V1Chain::errors))
                {
                    anomalies.record(e, meta.frame);
                }
                drop(decrypted);
                Processed::IkeV1 {
                    msg,
                    chain: clear,
                    outcome,
                    note,
                }
            }
            Packet::IkeV2(msg) => {
                let outcome = decryptor.ikev2(&meta, &msg);
                let chain = V2Chain::of_message(&msg);
                let inner = outcome
                    .plaintext
                    .as_ref()
                    .map(|(pt, first, base)| V2Chain::walk(*first, pt, *base));
                for e in chain.errors().chain(inner.iter().flat_map(V2Chain::errors)) {
                    anomalies.record(e, meta.frame);
                }
                let note = tracker.ike_v2(&IkeV2Input {
                    meta: &meta,
                    header: msg.header(),
                    chain: &chain,
                    inner: inner.as_ref(),
                    auth: outcome.integrity.as_ref().map(|h| h.result),
                });
                Processed::IkeV2 { msg, outcome, note }
            }
            Packet::Esp(esp) => {
                let outcome = decryptor.esp(&meta, &esp);
                if *tracking == Tracking::Full {
                    tracker.esp(&meta, 50, esp.spi(), esp.sequence(), esp_check(&outcome));
                }
                Processed::Esp { esp, outcome }
            }
            Packet::Ah(ah) => {
                if *tracking == Tracking::Full {
                    tracker.esp(&meta, 51, ah.spi(), ah.sequence(), EspCheck::NoKeys);
                }
                Processed::Ah { ah }
            }
            Packet::NatKeepalive => {
                if *tracking == Tracking::Full {
                    tracker.nat_keepalive(&meta);
                }
                Processed::NatKeepalive
            }
            Packet::Malformed {
                protocol,
                error,
                bytes,
            } => Processed::Malformed {
                protocol,
                error,
                bytes,
            },
        };
        Some((meta, processed))
    }

    /// Every anomaly: the decoder's (link, IP, headers) and those found in payload chains.
    pub fn anomalies(&self) -> Anomalies {
        let mut all = self.decoder.anomalies().clone();
        all.merge(&self.payload_anomalies);
        all
    }

    /// Ends the run: incomplete fragment datagrams are counted and handed to the tracker, and
    /// the tracker concludes.
    pub fn finish(&mut self) {
        self.decoder.finish();
        self.hand_over_incomplete();
        self.tracker.finish();
    }

    /// Fragmented datagrams that never completed tell the tracker of lost IKE fragments.
    fn hand_over_incomplete(&mut self) {
        for (src, dst, frame) in self.decoder.take_incomplete() {
            self.tracker.incomplete_datagram(src, dst, frame);
        }
    }
}

/// The tracker's view of an ESP decryption.
pub fn esp_check(o: &EspOutcome<'_>) -> EspCheck {
    match &o.status {
        EspStatus::NoKeys => EspCheck::NoKeys,
        EspStatus::Decrypted {
            icv: IcvStatus::Failed,
            ..
        } => EspCheck::IcvFailed,
        EspStatus::Decrypted {
            padding_ok: false,
            icv: IcvStatus::Unchecked,
            ..
        } => EspCheck::DecryptFailed,
        EspStatus::Decrypted { .. } => EspCheck::Ok {
            inner_len: o.inner.len(),
        },
        EspStatus::Failed { .. } => EspCheck::DecryptFailed,
    }
}

/// A hash of a message's bytes, to recognise byte-identical retransmissions (FNV-1a: cheap, and
/// a collision only costs trying one IV candidate too many).
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether an IKE message's status says it was read (clear or decrypted).
pub fn readable(status: &DecryptStatus) -> bool {
    matches!(
        status,
        DecryptStatus::Clear | DecryptStatus::Decrypted { .. }
    )
}
