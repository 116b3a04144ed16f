//! IKEv2: SK payload decryption and integrity check (RFC 7296 §3.14, RFC 5282) with keys from
//! the store (Wireshark's ikev2_decryption_table, charon logs) or derived from g^ir (RFC 7296
//! §2.13–2.14), and child SA KEYMAT (§2.17) for the ESP SAs negotiated in IKE_AUTH and
//! CREATE_CHILD_SA.

use std::net::IpAddr;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::{EncAlg, EspSaKeys, HashAlg, IntegAlg, ikev2 as kdf};
use ikescope_dissectors::ikev2::{self, EncrId, IntegId, Payload, PayloadType, PrfId, TransformId};

use super::report::{DerivedEsp, DerivedIke};
use super::{DecryptStatus, Decryptor, HashCheck};
use crate::decode::PacketMeta;
use crate::decode::ike::V2Chain;
use crate::table::Keyed;
use crate::track::exchange::exchange_type;
use crate::track::states::AuthCheck;

/// The result of handing one IKEv2 message to the decryptor.
#[derive(Debug, Clone)]
pub struct IkeV2Outcome {
    /// The decrypted SK content (inner payloads, without padding), its first payload type, and
    /// the offset of its first byte in the message (for error offsets).
    pub plaintext: Option<(Vec<u8>, PayloadType, usize)>,
    pub status: DecryptStatus,
    /// The SK payload's ICV (or GCM tag).
    pub integrity: Option<HashCheck>,
}

#[derive(Clone)]
struct SaKeys {
    label: String,
    enc: EncAlg,
    integ: IntegAlg,
    prf: Option<HashAlg>,
    sk_d: Option<Vec<u8>>,
    sk_ei: Vec<u8>,
    sk_er: Vec<u8>,
    sk_ai: Vec<u8>,
    sk_ar: Vec<u8>,
}

/// A chosen IKE or ESP proposal, reduced to what the crypto needs.
#[derive(Clone, Copy)]
struct Suite {
    enc: Option<EncAlg>,
    /// Key bytes, with the salt for CTR/GCM.
    enc_len: usize,
    integ: IntegAlg,
    prf: Option<HashAlg>,
    esn: bool,
}

fn suite(p: &ikev2::Proposal<'_>) -> Suite {
    let mut s = Suite {
        enc: None,
        enc_len: 0,
        integ: IntegAlg::None,
        prf: None,
        esn: false,
    };
    for t in &p.transforms {
        match t.id() {
            TransformId::Encr(e) => {
                s.enc = EncrId::enc_alg(e);
                let bits = t.key_length().map_or(default_key_bits(e), usize::from);
                s.enc_len = bits / 8 + s.enc.map_or(0, EncAlg::salt_len);
            }
            TransformId::Integ(i) => s.integ = IntegId::integ_alg(i).unwrap_or(IntegAlg::None),
            TransformId::Prf(f) => s.prf = PrfId::hash_alg(f),
            TransformId::Esn(e) => s.esn = e.0 == 1,
            _ => {}
        }
    }
    s
}

fn default_key_bits(e: EncrId) -> usize {
    match e.0 {
        2 => 64,
        3 => 192,
        _ => 0,
    }
}

pub(super) struct SaCrypto {
    spi_i: Cookie,
    spi_r: Cookie,
    initiator: Option<IpAddr>,
    responder: Option<IpAddr>,
    /// The chosen IKE proposal as text, for the key report.
    ike_text: Option<String>,
    ni: Option<Vec<u8>>,
    nr: Option<Vec<u8>>,
    ike: Option<Suite>,
    keys: Option<Option<SaKeys>>,
    missing: Option<String>,
    /// Child SA exchanges: message ID → (initiator SPI, responder SPI, suite, nonces).
    children: Vec<Child>,
    derived_esp: Vec<DerivedEsp>,
    frames_decrypted: u32,
    frames_failed: u32,
}

#[derive(Clone, Default)]
struct Child {
    message_id: u32,
    spi_i: Option<u32>,
    spi_r: Option<u32>,
    suite: Option<Suite>,
    ni: Option<Vec<u8>>,
    nr: Option<Vec<u8>>,
    pfs: bool,
    keyed: bool,
}

impl Keyed for SaCrypto {
    type Key = Cookie;
    fn key(&self) -> Cookie {
        self.spi_i
    }
}

const MAX_CHILDREN: usize = 64;

impl SaCrypto {
    fn new(spi_i: Cookie) -> SaCrypto {
        SaCrypto {
            spi_i,
            spi_r: Cookie::ZERO,
            initiator: None,
            responder: None,
            ike_text: None,
            ni: None,
            nr: None,
            ike: None,
            keys: None,
            missing: None,
            children: Vec::new(),
            derived_esp: Vec::new(),
            frames_decrypted: 0,
            frames_failed: 0,
        }
    }

    pub(super) fn derived_esp_list(&self) -> Vec<DerivedEsp> {
        self.derived_esp.clone()
    }

    fn child(&mut self, message_id: u32) -> &mut Child {
        if let Some(i) = self
            .children
            .iter()
            .position(|c| c.message_id == message_id)
        {
            let len = self.children.len();
            return &mut self.children[i.min(len - 1)];
        }
        if self.children.len() >= MAX_CHILDREN {
            self.children.remove(0);
        }
        self.children.push(Child {
            message_id,
            ..Child::default()
        });
        let last = self.children.len() - 1;
        &mut self.children[last]
    }

    fn derive(&mut self, keys: &crate::keys::KeyStore) {
        if self.keys.is_some() {
            return;
        }
        let mut found: Option<SaKeys> = None;
        for k in keys.ikev2_keys_for(self.spi_i, self.spi_r) {
            let enc = k.enc.map(|(a, _)| a).or(self.ike.and_then(|s| s.enc));
            // An integrity algorithm the table names but ikescope cannot compute: strip its ICV
            // unchecked (empty key), as for ESP.
            let unchecked = k.integ.is_none() && k.unchecked_icv_len.is_some();
            let integ = k
                .integ
                .or(k.unchecked_icv_len.and_then(super::esp::integ_of_icv_len))
                .or(self.ike.map(|s| s.integ));
            if let (Some(enc), Some(integ)) = (enc, integ) {
                found = Some(SaKeys {
                    label: format!("SK_e/SK_a from {}", k.origin),
                    enc,
                    integ,
                    prf: self.ike.and_then(|s| s.prf),
                    sk_d: k.sk_d.as_ref().map(|s| s.expose().to_vec()),
                    sk_ei: k.sk_ei.expose().to_vec(),
                    sk_er: k.sk_er.expose().to_vec(),
                    sk_ai: k
                        .sk_ai
                        .as_ref()
                        .filter(|_| !unchecked)
                        .map(|s| s.expose().to_vec())
                        .unwrap_or_default(),
                    sk_ar: k
                        .sk_ar
                        .as_ref()
                        .filter(|_| !unchecked)
                        .map(|s| s.expose().to_vec())
                        .unwrap_or_default(),
                });
                break;
            }
        }
        if found.is_none() {
            // RFC 7296 §2.14: SKEYSEED = prf(Ni | Nr, g^ir); {SK_d | SK_ai | SK_ar | SK_ei |
            // SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
            let g_ir = keys
                .ike_secrets_for(self.spi_i, Some(self.spi_r))
                .into_iter()
                .find_map(|s| {
                    s.g_xy.as_ref().map(|g| {
                        (
                            g.expose().to_vec(),
                            s.origins
                                .first()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                        )
                    })
                });
            match (g_ir, &self.ni, &self.nr, self.ike) {
                (Some((g, origin)), Some(ni), Some(nr), Some(s)) => {
                    if let (Some(prf), Some(enc)) = (s.prf, s.enc) {
                        let seed = kdf::skeyseed(prf, ni, nr, &g);
                        if let Ok(k) = kdf::ike_sa_keys(
                            prf,
                            &seed,
                            ni,
                            nr,
                            self.spi_i.as_bytes(),
                            self.spi_r.as_bytes(),
                            s.integ.key_len(),
                            s.enc_len,
                        ) {
                            found = Some(SaKeys {
                                label: format!("SK_* derived from g^ir ({origin})"),
                                enc,
                                integ: s.integ,
                                prf: Some(prf),
                                sk_d: Some(k.sk_d),
                                sk_ei: k.sk_ei,
                                sk_er: k.sk_er,
                                sk_ai: k.sk_ai,
                                sk_ar: k.sk_ar,
                            });
                        }
                    }
                }
                (None, ..) => {
                    self.missing = Some(format!(
                        "needs SK_ei/SK_er (Wireshark ikev2_decryption_table, a charon log) or g^ir for IKE SA {}/{}",
                        self.spi_i, self.spi_r
                    ));
                }
                _ => {
                    self.missing = Some(
                        "the IKE_SA_INIT exchange (nonces, proposal) was not in the capture".into(),
                    )
                }
            }
        }
        self.keys = Some(found);
    }
}

impl Decryptor {
    /// Handles one IKEv2 message: learns from IKE_SA_INIT, decrypts SK (or SKF) payloads.
    pub fn ikev2(&mut self, meta: &PacketMeta, msg: &ikev2::Message<'_>) -> IkeV2Outcome {
        let clear = V2Chain::of_message(msg);
        let sk = clear.decoded().find_map(|p| match p {
            Payload::Sk(e) => Some((e.offset, e.first_payload, e.body_offset, false)),
            Payload::Skf(e) => Some((e.offset, e.first_payload, e.body_offset, true)),
            _ => None,
        });
        if !self.has_keys() {
            let status = if sk.is_some() {
                DecryptStatus::NoKeys {
                    needs: "no keys loaded (--keys)".into(),
                }
            } else {
                DecryptStatus::Clear
            };
            return IkeV2Outcome {
                plaintext: None,
                status,
                integrity: None,
            };
        }
        let h = msg.header();
        let id = match self.v2.find(&h.initiator_spi) {
            Some(id) => id,
            None => self.v2.insert(SaCrypto::new(h.initiator_spi)).0,
        };
        let Decryptor {
            keys, v2, stats, ..
        } = self;
        let Some(sa) = v2.get_mut(id) else {
            return IkeV2Outcome {
                plaintext: None,
                status: DecryptStatus::Clear,
                integrity: None,
            };
        };
        if !h.responder_spi.is_zero() {
            sa.spi_r = h.responder_spi;
        }
        let from_initiator = h.flags.is_initiator();
        if from_initiator && sa.initiator.is_none() {
            sa.initiator = Some(meta.src);
            sa.responder = Some(meta.dst);
        }
        let response = h.flags.is_response();
        let xt = h.exchange_type.0;
        if xt == exchange_type::IKE_SA_INIT {
            for p in clear.decoded() {
                match p {
                    Payload::Nonce(n) if response => sa.nr = Some(n.data.to_vec()),
                    Payload::Nonce(n) => sa.ni = Some(n.data.to_vec()),
                    Payload::Sa(s) if response => {
                        sa.ike = s.proposals.first().map(suite);
                        sa.ike_text = s.proposals.first().map(ToString::to_string);
                    }
                    _ => {}
                }
            }
        }
        let Some((offset, first, body_offset, fragment)) = sk else {
            return IkeV2Outcome {
                plaintext: None,
                status: DecryptStatus::Clear,
                integrity: None,
            };
        };
        sa.derive(keys);
        let Some(Some(k)) = sa.keys.clone() else {
            stats.ike_undecrypted += 1;
            let needs = sa
                .missing
                .clone()
                .unwrap_or_else(|| "no matching IKEv2 keys".into());
            return IkeV2Outcome {
                plaintext: None,
                status: DecryptStatus::NoKeys { needs },
                integrity: None,
            };
        };
        let (ek, ak) = if from_initiator {
            (&k.sk_ei, &k.sk_ai)
        } else {
            (&k.sk_er, &k.sk_ar)
        };
        let result = if fragment {
            kdf::decrypt_skf(k.enc, ek, k.integ, ak, msg.as_bytes(), offset)
        } else {
            kdf::decrypt_sk(k.enc, ek, k.integ, ak, msg.as_bytes(), offset)
        };
        let pt = match result {
            Ok(pt) => pt,
            Err(e) => {
                stats.ike_failed += 1;
                sa.frames_failed += 1;
                return IkeV2Outcome {
                    plaintext: None,
                    status: DecryptStatus::Failed { why: e.to_string() },
                    integrity: None,
                };
            }
        };
        let integrity = HashCheck {
            what: if k.enc.is_aead() { "GCM tag" } else { "ICV" },
            result: if pt.integrity_ok {
                AuthCheck::Verified
            } else {
                AuthCheck::Failed
            },
        };
        if pt.integrity_ok {
            stats.hashes_verified += 1;
        } else {
            stats.hashes_failed += 1;
        }
        if !pt.padding_ok && !pt.integrity_ok {
            stats.ike_failed += 1;
            sa.frames_failed += 1;
            let why = format!("does not decrypt with {} (integrity check failed)", k.label);
            return IkeV2Outcome {
                plaintext: None,
                status: DecryptStatus::Failed { why },
                integrity: Some(integrity),
            };
        }
        stats.ike_decrypted += 1;
        sa.frames_decrypted += 1;
        let first = if fragment {
            first
        } else {
            PayloadType(pt.first_payload)
        };
        let base = body_offset + k.enc.iv_len();
        // Child SAs (RFC 7296 §1.3, §2.17): learn SPIs, the chosen suite and nonces.
        let mut new_esp = Vec::new();
        if matches!(xt, exchange_type::IKE_AUTH | exchange_type::CREATE_CHILD_SA) && pt.integrity_ok
        {
            let inner = V2Chain::walk(first, &pt.plaintext, base);
            let (ni, nr) = (sa.ni.clone(), sa.nr.clone());
            let child = sa.child(h.message_id);
            for p in inner.decoded() {
                match p {
                    Payload::Sa(s) => {
                        if let Some(prop) = s.proposals.first() {
                            if response {
                                child.spi_r = prop.spi_u32();
                                child.suite = Some(suite(prop));
                            } else {
                                child.spi_i = prop.spi_u32();
                            }
                        }
                    }
                    Payload::Nonce(n) if xt == exchange_type::CREATE_CHILD_SA => {
                        if response {
                            child.nr = Some(n.data.to_vec());
                        } else {
                            child.ni = Some(n.data.to_vec());
                        }
                    }
                    Payload::Ke(_) => child.pfs = true,
                    _ => {}
                }
            }
            if xt == exchange_type::IKE_AUTH {
                child.ni = ni;
                child.nr = nr;
            }
            if response {
                let initiator = sa.initiator;
                new_esp = child_keymat(sa, &k, h.message_id, initiator, meta, from_initiator);
            }
        }
        for (dst, spi, keys, source) in new_esp {
            self.register_esp(dst, spi, keys, source);
        }
        IkeV2Outcome {
            plaintext: Some((pt.plaintext, first, base)),
            status: DecryptStatus::Decrypted { with: k.label },
            integrity: Some(integrity),
        }
    }

    pub(super) fn v2_reports(&self) -> Vec<DerivedIke> {
        self.v2
            .iter()
            .map(|(_, sa)| {
                let k = sa.keys.clone().flatten();
                DerivedIke {
                    version: 2,
                    initiator_cookie: sa.spi_i,
                    responder_cookie: sa.spi_r,
                    initiator: sa.initiator,
                    responder: sa.responder,
                    policy: sa.ike_text.clone(),
                    key_source: k.as_ref().map(|k| k.label.clone()),
                    g_xy_source: None,
                    skeyid: None,
                    skeyid_d: k.as_ref().and_then(|k| k.sk_d.clone()),
                    skeyid_a: None,
                    skeyid_e: None,
                    encryption_key: None,
                    iv: None,
                    missing: if k.is_some() {
                        None
                    } else {
                        sa.missing.clone()
                    },
                    psk_checks: Vec::new(),
                    frames_decrypted: sa.frames_decrypted,
                    frames_failed: sa.frames_failed,
                    sides_confirmed: [sa.frames_decrypted > 0, sa.frames_decrypted > 0],
                    ikev2: k.map(|k| [k.sk_ei, k.sk_er, k.sk_ai, k.sk_ar]),
                }
            })
            .collect()
    }
}

/// RFC 7296 §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); the initiator-to-responder
/// SA's keys come first (encryption, then integrity), then the responder-to-initiator SA's.
fn child_keymat(
    sa: &mut SaCrypto,
    k: &SaKeys,
    mid: u32,
    initiator: Option<IpAddr>,
    meta: &PacketMeta,
    from_initiator: bool,
) -> Vec<(IpAddr, u32, EspSaKeys, String)> {
    let Some(initiator) = initiator else {
        return Vec::new();
    };
    let responder = if from_initiator { meta.dst } else { meta.src };
    let (Some(sk_d), Some(prf)) = (k.sk_d.clone(), k.prf) else {
        return Vec::new();
    };
    let child = sa.child(mid);
    if child.keyed || child.pfs {
        return Vec::new();
    }
    let (Some(spi_i), Some(spi_r), Some(s), Some(ni), Some(nr)) = (
        child.spi_i,
        child.spi_r,
        child.suite,
        child.ni.clone(),
        child.nr.clone(),
    ) else {
        return Vec::new();
    };
    let Some(enc) = s.enc else { return Vec::new() };
    child.keyed = true;
    let one = s.enc_len + s.integ.key_len();
    let Ok(km) = kdf::child_keymat(prf, &sk_d, None, &ni, &nr, 2 * one) else {
        return Vec::new();
    };
    let (i_to_r, r_to_i) = km.split_at(one.min(km.len()));
    let mut out = Vec::new();
    // The initiator-to-responder SA uses the SPI the responder chose, and vice versa.
    for (bytes, spi, dst, src) in [
        (i_to_r, spi_r, responder, initiator),
        (r_to_i, spi_i, initiator, responder),
    ] {
        let (ek, ik) = bytes.split_at(s.enc_len.min(bytes.len()));
        let keys = EspSaKeys {
            enc,
            enc_key: ek.to_vec(),
            integ: s.integ,
            integ_key: ik.to_vec(),
            esn: s.esn,
        };
        let source = format!("IKEv2 KEYMAT of exchange {mid} (frame {})", meta.frame);
        sa.derived_esp.push(DerivedEsp {
            spi,
            dst: Some(dst),
            src: Some(src),
            enc,
            integ: s.integ,
            encryption_key: keys.enc_key.clone(),
            integrity_key: keys.integ_key.clone(),
            source: source.clone(),
        });
        out.push((dst, spi, keys, source));
    }
    out
}
