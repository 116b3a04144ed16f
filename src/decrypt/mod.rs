//! Decryption: from key material and what the wire showed, derive the IKEv1 key chain, decrypt
//! phase-1, quick-mode, informational and transaction messages, verify their HASHes, derive
//! quick-mode KEYMAT, and decrypt ESP and IKEv2 SK payloads.
//!
//! A [`Decryptor`] sees every IPsec packet in capture order (it must: IVs chain from message to
//! message, RFC 2409 Appendix B) and keeps, per IKE SA, what key derivation needs: the
//! initiator's SA payload, both KE values and nonces, the chosen policy. Key material comes from
//! the [`KeyStore`]; where several candidates fit (PSKs for a peer), each is tried and the one
//! whose decryption parses and whose HASH verifies is kept — per sender, so two peers holding
//! different PSKs are each matched (or refuted) on their own.
//!
//! Nothing here prints; secrets leave only through [`Decryptor::key_report`], which the
//! presentation shows only with `--show-keys`.

mod esp;
mod ikev1;
mod ikev2;
mod report;

use std::net::IpAddr;

use ikescope_dissectors::crypto::{EspSaKeys, IcvStatus};

pub use esp::{EspOutcome, EspStatus};
pub use ikev1::{IkeV1Outcome, PskCheck};
pub use ikev2::IkeV2Outcome;
pub use report::{DerivedEsp, DerivedIke, KeyReport, KeyStatus};

use crate::keys::KeyStore;
use crate::table::Table;
use crate::track::states::AuthCheck;

/// What happened to an encrypted IKE message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptStatus {
    /// Not encrypted on the wire.
    Clear,
    /// Decrypted with the named key material.
    Decrypted { with: String },
    /// No key material for it; `needs` says what would unlock it.
    NoKeys { needs: String },
    /// Keys were there but nothing decrypted it to a valid message.
    Failed { why: String },
}

impl DecryptStatus {
    pub fn is_decrypted(&self) -> bool {
        matches!(self, DecryptStatus::Decrypted { .. })
    }
}

/// A HASH (or AUTH) that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashCheck {
    /// "HASH_I", "HASH_R", "HASH(1)", "HASH(2)", "HASH(3)", "AUTH".
    pub what: &'static str,
    pub result: AuthCheck,
}

/// Counters for the closing summary.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DecryptStats {
    pub ike_decrypted: u64,
    pub ike_undecrypted: u64,
    pub ike_failed: u64,
    pub hashes_verified: u64,
    pub hashes_failed: u64,
    pub esp_decrypted: u64,
    pub esp_icv_failed: u64,
    pub esp_failed: u64,
    pub esp_no_keys: u64,
    pub esp_sas_keyed: u64,
}

/// The decryption state of a capture.
pub struct Decryptor {
    keys: KeyStore,
    v1: Table<ikev1::SaCrypto>,
    v2: Table<ikev2::SaCrypto>,
    esp: Table<esp::EspEntry>,
    /// (dst, SPI) pairs known to have no keys, so the store is not searched per packet.
    esp_missing: Table<esp::Missing>,
    buf: Vec<u8>,
    stats: DecryptStats,
}

/// Caps: crypto state is only kept while there are keys to use, but a flood must not grow it.
const MAX_IKE_STATES: usize = 100_000;
const MAX_ESP_STATES: usize = 200_000;

impl Decryptor {
    pub fn new(keys: KeyStore) -> Decryptor {
        Decryptor {
            keys,
            v1: Table::new(MAX_IKE_STATES),
            v2: Table::new(MAX_IKE_STATES),
            esp: Table::new(MAX_ESP_STATES),
            esp_missing: Table::new(MAX_ESP_STATES),
            buf: Vec::with_capacity(2048),
            stats: DecryptStats::default(),
        }
    }

    /// Whether any key material was loaded (without, every call is a cheap no-op).
    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    pub fn stats(&self) -> &DecryptStats {
        &self.stats
    }

    /// Registers the keys of an ESP SA (derived from KEYMAT) for `dst`/`spi`.
    fn register_esp(&mut self, dst: IpAddr, spi: u32, keys: EspSaKeys, source: String) {
        self.stats.esp_sas_keyed += 1;
        if let Some(id) = self.esp_missing.find(&(dst, spi)) {
            self.esp_missing.remove(id);
        }
        let entry = esp::EspEntry::new(dst, spi, keys, source, true);
        if let Some(id) = self.esp.find(&(dst, spi)) {
            self.esp.remove(id);
        }
        self.esp.insert(entry);
    }
}

/// ICV status for output: `ok`, `failed`, `unchecked`.
pub fn icv_name(s: IcvStatus) -> &'static str {
    match s {
        IcvStatus::Ok => "ok",
        IcvStatus::Failed => "failed",
        IcvStatus::Unchecked => "unchecked",
    }
}
