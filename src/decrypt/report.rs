//! What the decryptor derived, from what, and what it could not: the data behind
//! `ikescope keys`. Holds secrets: the presentation prints them only with `--show-keys`.

use std::net::IpAddr;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::{EncAlg, IntegAlg};

use super::Decryptor;
use super::ikev1::PskCheck;
use crate::track::states::{AuthCheck, Role};

/// One IKE SA's keys.
#[derive(Debug, Clone)]
pub struct DerivedIke {
    pub version: u8,
    pub initiator_cookie: Cookie,
    pub responder_cookie: Cookie,
    pub initiator: Option<IpAddr>,
    pub responder: Option<IpAddr>,
    pub policy: Option<String>,
    /// The key material that decrypted its messages.
    pub key_source: Option<String>,
    pub g_xy_source: Option<String>,
    pub skeyid: Option<Vec<u8>>,
    pub skeyid_d: Option<Vec<u8>>,
    pub skeyid_a: Option<Vec<u8>>,
    pub skeyid_e: Option<Vec<u8>>,
    /// The phase-1 cipher key Ka.
    pub encryption_key: Option<Vec<u8>>,
    /// The phase-1 IV, hash(g^xi | g^xr).
    pub iv: Option<Vec<u8>>,
    /// What input would unlock it, when nothing did.
    pub missing: Option<String>,
    pub psk_checks: Vec<PskCheck>,
    pub frames_decrypted: u32,
    pub frames_failed: u32,
    /// Whether each side's messages decrypted (and verified) with a key set.
    pub sides_confirmed: [bool; 2],
    /// IKEv2: SK_ei, SK_er, SK_ai, SK_ar.
    pub ikev2: Option<[Vec<u8>; 4]>,
}

/// One ESP SA's keys.
#[derive(Debug, Clone)]
pub struct DerivedEsp {
    pub spi: u32,
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    pub enc: EncAlg,
    pub integ: IntegAlg,
    pub encryption_key: Vec<u8>,
    pub integrity_key: Vec<u8>,
    /// "KEYMAT of quick mode bdb4972a (frame 10)" or the key file line.
    pub source: String,
}

/// What a PSK was found to be, per side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    /// The PSK verified this side's HASH: it is the key this side holds.
    Matches {
        psk: String,
        side: Role,
        what: &'static str,
        frame: u64,
    },
    /// The PSK did not verify (or decrypt) this side's messages: this side holds another key.
    Refuted {
        psk: String,
        side: Role,
        what: &'static str,
        frame: u64,
    },
}

/// Everything the decryptor derived.
#[derive(Debug, Clone, Default)]
pub struct KeyReport {
    pub ike_sas: Vec<DerivedIke>,
    pub esp_sas: Vec<DerivedEsp>,
}

impl DerivedIke {
    /// The PSK verdicts, one per (PSK, side): verified wins over failed.
    pub fn psk_verdicts(&self) -> Vec<KeyStatus> {
        let mut out: Vec<KeyStatus> = Vec::new();
        for side in [Role::Initiator, Role::Responder] {
            let mut psks: Vec<&str> = self
                .psk_checks
                .iter()
                .filter(|c| c.side == side)
                .map(|c| c.psk.as_str())
                .collect();
            psks.dedup();
            for psk in psks {
                let checks: Vec<&PskCheck> = self
                    .psk_checks
                    .iter()
                    .filter(|c| c.side == side && c.psk == psk)
                    .collect();
                if let Some(ok) = checks.iter().find(|c| c.result == AuthCheck::Verified) {
                    out.push(KeyStatus::Matches {
                        psk: psk.to_string(),
                        side,
                        what: ok.what,
                        frame: ok.frame,
                    });
                } else if let Some(bad) = checks.iter().find(|c| c.result == AuthCheck::Failed) {
                    out.push(KeyStatus::Refuted {
                        psk: psk.to_string(),
                        side,
                        what: bad.what,
                        frame: bad.frame,
                    });
                }
            }
        }
        out
    }
}

impl Decryptor {
    /// What was derived for every SA seen.
    pub fn key_report(&self) -> KeyReport {
        let mut ike_sas = self.v1_reports();
        ike_sas.extend(self.v2_reports());
        ike_sas.sort_by_key(|s| (s.initiator_cookie, s.responder_cookie));
        let mut esp_sas: Vec<DerivedEsp> = self
            .esp_entries()
            .map(|(dst, spi, keys, source, _)| DerivedEsp {
                spi,
                src: None,
                dst: Some(dst),
                enc: keys.enc,
                integ: keys.integ,
                encryption_key: keys.enc_key.clone(),
                integrity_key: keys.integ_key.clone(),
                source: source.to_string(),
            })
            .collect();
        // Sources (src address) are known for derived SAs: fill them in from the IKE SAs.
        let derived: Vec<DerivedEsp> = self
            .v1
            .iter()
            .flat_map(|(_, s)| s.derived_esp.clone())
            .chain(self.v2.iter().flat_map(|(_, s)| s.derived_esp_list()))
            .collect();
        for e in &mut esp_sas {
            if let Some(d) = derived.iter().find(|d| d.spi == e.spi && d.dst == e.dst) {
                e.src = d.src;
            }
        }
        esp_sas.sort_by_key(|e| (e.dst, e.spi));
        KeyReport { ike_sas, esp_sas }
    }
}
