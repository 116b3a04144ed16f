//! ESP decryption per SA: keys from quick-mode KEYMAT or from the key store, a decryptor with
//! its key schedule built once, and the extended-sequence-number high half inferred as a
//! receiver would (RFC 4303 Appendix A).

use std::net::IpAddr;

use ikescope_dissectors::crypto::{EspDecryptor, EspSaKeys, IcvStatus, IntegAlg};
use ikescope_dissectors::esp::EspPacket;

use super::Decryptor;
use crate::decode::PacketMeta;
use crate::table::Keyed;

pub(super) struct EspEntry {
    pub dst: IpAddr,
    pub spi: u32,
    pub keys: EspSaKeys,
    pub source: String,
    /// Derived from KEYMAT (vs. loaded ready from a file).
    pub derived: bool,
    decryptor: Option<EspDecryptor>,
    /// Why the decryptor could not be built (bad key length for the algorithm, …).
    error: Option<String>,
    /// ESN: the high 32 bits, and the highest low half seen.
    seq_hi: u32,
    last_lo: Option<u32>,
}

impl Keyed for EspEntry {
    type Key = (IpAddr, u32);
    fn key(&self) -> (IpAddr, u32) {
        (self.dst, self.spi)
    }
}

impl EspEntry {
    pub fn new(dst: IpAddr, spi: u32, keys: EspSaKeys, source: String, derived: bool) -> EspEntry {
        let (decryptor, error) = match EspDecryptor::new(&keys) {
            Ok(d) => (Some(d), None),
            Err(e) => (None, Some(e.to_string())),
        };
        EspEntry {
            dst,
            spi,
            keys,
            source,
            derived,
            decryptor,
            error,
            seq_hi: 0,
            last_lo: None,
        }
    }

    /// RFC 4303 Appendix A2.1, simplified to a receiver that sees every packet in order: the
    /// high half steps up when the low half wraps.
    fn seq_hi_for(&mut self, lo: u32) -> u32 {
        if let Some(last) = self.last_lo
            && lo < last
            && last - lo > 0x8000_0000
        {
            self.seq_hi = self.seq_hi.wrapping_add(1);
        }
        if self.last_lo.is_none_or(|l| lo > l || l - lo > 0x8000_0000) {
            self.last_lo = Some(lo);
        }
        self.seq_hi
    }
}

/// An integrity algorithm with this ICV length, to strip an ICV that cannot be checked.
pub(super) fn integ_of_icv_len(len: u8) -> Option<IntegAlg> {
    Some(match len {
        12 => IntegAlg::HmacSha1_96,
        16 => IntegAlg::HmacSha256_128,
        20 => IntegAlg::HmacSha1_160,
        24 => IntegAlg::HmacSha384_192,
        32 => IntegAlg::HmacSha512_256,
        _ => return None,
    })
}

/// An SPI with no keys (so the key store is searched once, not per packet).
pub(super) struct Missing {
    key: (IpAddr, u32),
}

impl Keyed for Missing {
    type Key = (IpAddr, u32);
    fn key(&self) -> (IpAddr, u32) {
        self.key
    }
}

/// What decryption of one ESP packet gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EspStatus {
    NoKeys,
    /// Decrypted: ICV status, next header, pad length and whether the padding was the
    /// RFC 4303 §2.4 default (1, 2, 3, …).
    Decrypted {
        icv: IcvStatus,
        next_header: u8,
        pad_len: u8,
        padding_ok: bool,
    },
    /// Keys exist but the packet could not be processed (too short, misaligned, bad key).
    Failed {
        why: String,
    },
}

/// The outcome with the inner packet, borrowed from the decryptor's buffer.
#[derive(Debug)]
pub struct EspOutcome<'o> {
    pub status: EspStatus,
    /// The inner packet (tunnel mode: an IP packet; transport mode: the upper-layer payload).
    pub inner: &'o [u8],
    /// Which keys were used.
    pub source: Option<&'o str>,
}

impl Decryptor {
    /// Decrypts one ESP packet and checks its ICV, if keys for its SPI are known.
    pub fn esp(&mut self, meta: &PacketMeta, esp: &EspPacket<'_>) -> EspOutcome<'_> {
        let none = EspOutcome {
            status: EspStatus::NoKeys,
            inner: &[],
            source: None,
        };
        if !self.has_keys() {
            return none;
        }
        let key = (meta.dst, esp.spi());
        let id = match self.esp.find(&key) {
            Some(id) => id,
            None => {
                if self.esp_missing.find(&key).is_some() {
                    self.stats.esp_no_keys += 1;
                    return EspOutcome {
                        status: EspStatus::NoKeys,
                        inner: &[],
                        source: None,
                    };
                }
                // Ready keys: the first entry for this SPI and these addresses.
                let found = self
                    .keys
                    .esp_sas_for(esp.spi(), meta.src, meta.dst)
                    .into_iter()
                    .next()
                    .map(|sa| {
                        // An ICV of a known length but an algorithm ikescope cannot compute
                        // (tcpdump's `-hmac96`, Wireshark's "ANY n bit"): stripped unchecked,
                        // which the crypto does for an algorithm of that length and no key.
                        let (integ, integ_key) =
                            match sa.unchecked_icv_len.and_then(integ_of_icv_len) {
                                Some(alg) => (alg, Vec::new()),
                                None => (sa.integ, sa.integ_key.expose().to_vec()),
                            };
                        let keys = EspSaKeys {
                            enc: sa.enc,
                            enc_key: sa.enc_key.expose().to_vec(),
                            integ,
                            integ_key,
                            esn: sa.esn,
                        };
                        (keys, sa.origin.to_string())
                    });
                match found {
                    Some((keys, origin)) => {
                        self.esp
                            .insert(EspEntry::new(meta.dst, esp.spi(), keys, origin, false))
                            .0
                    }
                    None => {
                        self.esp_missing.insert(Missing { key });
                        self.stats.esp_no_keys += 1;
                        return EspOutcome {
                            status: EspStatus::NoKeys,
                            inner: &[],
                            source: None,
                        };
                    }
                }
            }
        };
        let Decryptor {
            esp: table,
            buf,
            stats,
            ..
        } = self;
        let Some(entry) = table.get_mut(id) else {
            return none;
        };
        let seq_hi = entry.keys.esn.then(|| entry.seq_hi_for(esp.sequence()));
        let Some(dec) = &entry.decryptor else {
            stats.esp_failed += 1;
            let why = format!(
                "the keys from {} do not fit: {}",
                entry.source,
                entry.error.clone().unwrap_or_default()
            );
            return EspOutcome {
                status: EspStatus::Failed { why },
                inner: &[],
                source: Some(entry.source.as_str()),
            };
        };
        match dec.decrypt(esp.as_bytes(), seq_hi, buf) {
            Ok(pt) => {
                if pt.icv == IcvStatus::Failed {
                    stats.esp_icv_failed += 1;
                } else {
                    stats.esp_decrypted += 1;
                }
                let status = EspStatus::Decrypted {
                    icv: pt.icv,
                    next_header: pt.next_header,
                    pad_len: pt.pad_len,
                    padding_ok: pt.padding_ok,
                };
                EspOutcome {
                    status,
                    inner: pt.payload,
                    source: Some(entry.source.as_str()),
                }
            }
            Err(e) => {
                stats.esp_failed += 1;
                EspOutcome {
                    status: EspStatus::Failed { why: e.to_string() },
                    inner: &[],
                    source: Some(entry.source.as_str()),
                }
            }
        }
    }

    /// The ESP SAs with keys: (dst, SPI, keys, source, derived).
    pub(super) fn esp_entries(
        &self,
    ) -> impl Iterator<Item = (IpAddr, u32, &EspSaKeys, &str, bool)> {
        self.esp
            .iter()
            .map(|(_, e)| (e.dst, e.spi, &e.keys, e.source.as_str(), e.derived))
    }
}
