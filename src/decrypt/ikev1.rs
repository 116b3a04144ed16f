//! IKEv1: the key chain of RFC 2409 §5 and Appendix B, IV chaining, HASH verification, and
//! quick-mode KEYMAT (RFC 2409 §5.5). The formulas are coded in `ikescope_dissectors::crypto::
//! ikev1`, each with its RFC citation; this module decides which inputs apply when.

use std::net::IpAddr;

use ikescope_dissectors::crypto::{EncAlg, EspSaKeys, HashAlg, ikev1 as kdf, modp};
use ikescope_dissectors::isakmp::{
    self, Identity, IpsecPolicy, Payload, PayloadType, Phase1Policy, ProtocolId,
};
use ikescope_dissectors::{Cookie, isakmp::HEADER_LEN};

use super::report::{DerivedEsp, DerivedIke};
use super::{DecryptStatus, Decryptor, HashCheck};
use crate::decode::PacketMeta;
use crate::decode::ike::V1Chain;
use crate::keys::{self, KeyStore, Side};
use crate::table::Keyed;
use crate::track::exchange::exchange_type;
use crate::track::states::{AuthCheck, Role};

/// The result of handing one IKEv1 message to the decryptor.
#[derive(Debug, Clone)]
pub struct IkeV1Outcome {
    /// The decrypted body, padding included (walk it from the header's next payload).
    pub plaintext: Option<Vec<u8>>,
    pub status: DecryptStatus,
    /// The HASH this message carries, where it could be checked.
    pub hash: Option<HashCheck>,
}

/// One candidate set of phase-1 keys.
#[derive(Clone)]
pub(super) struct KeySet {
    /// Where it came from, for messages: "PSK keys.toml:3 + g^xy keys.toml:7".
    pub label: String,
    /// The PSK's origin, when the set was derived from one.
    pub psk: Option<String>,
    pub skeyid: Option<Vec<u8>>,
    pub skeyid_d: Option<Vec<u8>>,
    pub skeyid_a: Option<Vec<u8>>,
    pub skeyid_e: Option<Vec<u8>>,
    /// The cipher key (RFC 2409 Appendix B).
    pub ka: Vec<u8>,
}

/// A PSK verdict: a candidate PSK checked against one side's HASH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskCheck {
    pub psk: String,
    pub side: Role,
    pub what: &'static str,
    pub result: AuthCheck,
    pub frame: u64,
}

/// Per exchange (message ID) state: the IV chain and, for quick mode, what KEYMAT needs.
#[derive(Clone, Default)]
pub(super) struct Exchange {
    pub message_id: u32,
    /// IV for the next message of this exchange (the last ciphertext block of the previous).
    pub next_iv: Option<Vec<u8>>,
    pub first_sender: Option<IpAddr>,
    pub ni_b: Option<Vec<u8>>,
    pub nr_b: Option<Vec<u8>>,
    pub ke: [Option<Vec<u8>>; 2],
    /// (protocol ID, SPI) offered in QM1 and answered in QM2.
    pub spi_i: Option<(ProtocolId, u32)>,
    pub spi_r: Option<(ProtocolId, u32)>,
    pub policy: Option<IpsecPolicy>,
    pub keyed: bool,
}

/// What the decryptor keeps per IKEv1 SA.
pub(super) struct SaCrypto {
    pub icookie: Cookie,
    pub rcookie: Cookie,
    pub initiator: Option<IpAddr>,
    pub responder: Option<IpAddr>,
    pub exchange: u8,
    pub sai_b: Option<Vec<u8>>,
    pub policy: Option<Phase1Policy>,
    pub g_xi: Option<Vec<u8>>,
    pub g_xr: Option<Vec<u8>>,
    pub ni_b: Option<Vec<u8>>,
    pub nr_b: Option<Vec<u8>>,
    pub idii_b: Option<Vec<u8>>,
    pub idir_b: Option<Vec<u8>>,
    pub identities: Vec<keys::Identity>,
    /// Derived (or loaded) key sets; `None` until first needed.
    pub keysets: Option<Vec<KeySet>>,
    pub g_xy_source: Option<String>,
    /// Why no key set could be made: what input would unlock it.
    pub missing: Option<String>,
    /// The key set that worked for messages from the initiator / responder.
    pub confirmed: [Option<usize>; 2],
    pub psk_checks: Vec<PskCheck>,
    pub iv0: Option<Vec<u8>>,
    pub p1_next_iv: Option<Vec<u8>>,
    pub last_p1_block: Option<Vec<u8>>,
    pub exchanges: Vec<Exchange>,
    /// Byte-identical retransmissions decrypt with the IV their first copy used.
    pub retransmit_ivs: Vec<(u64, Vec<u8>)>,
    pub derived_esp: Vec<DerivedEsp>,
    /// Quick modes with PFS whose g(qm)^xy was not supplied.
    pub missing_qm: Vec<u32>,
    pub frames_decrypted: u32,
    pub frames_failed: u32,
}

impl Keyed for SaCrypto {
    type Key = Cookie;
    fn key(&self) -> Cookie {
        self.icookie
    }
}

const MAX_EXCHANGES: usize = 64;
const MAX_RETRANSMIT_IVS: usize = 16;
const MAX_PSK_CHECKS: usize = 64;

impl SaCrypto {
    fn new(icookie: Cookie) -> SaCrypto {
        SaCrypto {
            icookie,
            rcookie: Cookie::ZERO,
            initiator: None,
            responder: None,
            exchange: 0,
            sai_b: None,
            policy: None,
            g_xi: None,
            g_xr: None,
            ni_b: None,
            nr_b: None,
            idii_b: None,
            idir_b: None,
            identities: Vec::new(),
            keysets: None,
            g_xy_source: None,
            missing: None,
            confirmed: [None, None],
            psk_checks: Vec::new(),
            iv0: None,
            p1_next_iv: None,
            last_p1_block: None,
            exchanges: Vec::new(),
            retransmit_ivs: Vec::new(),
            derived_esp: Vec::new(),
            missing_qm: Vec::new(),
            frames_decrypted: 0,
            frames_failed: 0,
        }
    }

    fn role_of(&self, addr: IpAddr) -> Role {
        if Some(addr) == self.responder {
            Role::Responder
        } else {
            Role::Initiator
        }
    }

    fn algs(&self) -> Option<(HashAlg, EncAlg, usize)> {
        let p = self.policy.as_ref()?;
        let (enc, key_len) = p.cipher()?;
        Some((p.hash_alg()?, enc, key_len))
    }

    fn exchange_mut(&mut self, message_id: u32) -> &mut Exchange {
        let i = match self
            .exchanges
            .iter()
            .position(|e| e.message_id == message_id)
        {
            Some(i) => i,
            None => {
                if self.exchanges.len() >= MAX_EXCHANGES {
                    self.exchanges.remove(0);
                }
                self.exchanges.push(Exchange {
                    message_id,
                    ..Exchange::default()
                });
                self.exchanges.len() - 1
            }
        };
        let len = self.exchanges.len();
        // `i` is in range by construction; fall back to the last entry defensively.
        let i = i.min(len.saturating_sub(1));
        &mut self.exchanges[i]
    }

    fn record_psk(&mut self, check: PskCheck) {
        if self.psk_checks.len() < MAX_PSK_CHECKS && !self.psk_checks.contains(&check) {
            self.psk_checks.push(check);
        }
    }

    /// Learns what a cleartext phase-1 message carries.
    fn learn_clear(&mut self, role: Role, chain: &V1Chain<'_>, exchange: u8) {
        for p in &chain.payloads {
            let Ok(decoded) = &p.decoded else { continue };
            match decoded {
                Payload::Sa(sa) => {
                    if role == Role::Initiator {
                        // SAi_b: the initiator's SA payload body, without its generic header
                        // (RFC 2409 §5).
                        self.sai_b = Some(p.raw.body.to_vec());
                    } else {
                        let chosen = sa.proposals().flatten().find_map(|prop| {
                            prop.transforms()
                                .flatten()
                                .find_map(|t| t.phase1_policy().ok())
                        });
                        if chosen.is_some() {
                            self.policy = chosen;
                        }
                    }
                }
                Payload::KeyExchange(ke) => match role {
                    Role::Initiator => self.g_xi = Some(ke.to_vec()),
                    Role::Responder => self.g_xr = Some(ke.to_vec()),
                },
                Payload::Nonce(n) => match role {
                    Role::Initiator => self.ni_b = Some(n.to_vec()),
                    Role::Responder => self.nr_b = Some(n.to_vec()),
                },
                Payload::Identification(id) if exchange == exchange_type::AGGRESSIVE => {
                    match role {
                        Role::Initiator => self.idii_b = Some(p.raw.body.to_vec()),
                        Role::Responder => self.idir_b = Some(p.raw.body.to_vec()),
                    }
                    if let Some(k) = key_identity(&id.identity) {
                        self.identities.push(k);
                    }
                }
                _ => {}
            }
        }
        self.compute_iv0();
    }

    /// RFC 2409 Appendix B: the phase-1 IV is hash(g^xi | g^xr), truncated to the block size.
    fn compute_iv0(&mut self) {
        if self.iv0.is_some() {
            return;
        }
        let (Some((alg, enc, _)), Some(gxi), Some(gxr)) = (self.algs(), &self.g_xi, &self.g_xr)
        else {
            return;
        };
        let iv = kdf::phase1_iv(alg, gxi, gxr, enc.block_size());
        self.p1_next_iv = Some(iv.clone());
        self.iv0 = Some(iv);
    }

    /// Makes the candidate key sets from the store (once the inputs are all seen).
    fn derive(&mut self, keys: &KeyStore) {
        if self.keysets.is_some() {
            return;
        }
        let Some((alg, enc, key_len)) = self.algs() else {
            self.missing = Some("the chosen phase-1 proposal (MM2/AM2) was not seen, or names a cipher ikescope cannot use".into());
            return;
        };
        if matches!(enc, EncAlg::AesGcm { .. } | EncAlg::AesCtr | EncAlg::Null) {
            self.missing = Some(format!("phase-1 cipher {enc} is not used by IKEv1"));
            self.keysets = Some(Vec::new());
            return;
        }
        let mut sets = Vec::new();
        let ic = *self.icookie.as_bytes();
        let rc = *self.rcookie.as_bytes();
        let secrets = keys.ike_secrets_for(self.icookie, Some(self.rcookie));
        // Ready SKEYIDs (strongSwan logs): use them as they are.
        for s in &secrets {
            if let Some(e) = &s.skeyid_e {
                let ka = s.encryption_key.as_ref().map_or_else(
                    || kdf::encryption_key(alg, e.expose(), key_len),
                    |k| k.expose().to_vec(),
                );
                sets.push(KeySet {
                    label: format!("SKEYID_e from {}", origins(&s.origins)),
                    psk: None,
                    skeyid: s.skeyid.as_ref().map(|k| k.expose().to_vec()),
                    skeyid_d: s.skeyid_d.as_ref().map(|k| k.expose().to_vec()),
                    skeyid_a: s.skeyid_a.as_ref().map(|k| k.expose().to_vec()),
                    skeyid_e: Some(e.expose().to_vec()),
                    ka,
                });
            }
        }
        // g^xy: given, or from a DH private value and the peer's KE (RFC 2409 §5).
        let mut g_xy: Option<(Vec<u8>, String)> = None;
        let mut dh_error: Option<String> = None;
        for s in &secrets {
            if let Some(g) = &s.g_xy {
                g_xy = Some((
                    g.expose().to_vec(),
                    format!("g^xy from {}", origins(&s.origins)),
                ));
                break;
            }
            if let Some((side, private)) = &s.dh_private {
                let group = self
                    .policy
                    .as_ref()
                    .and_then(|p| p.group)
                    .map_or(0, |g| g.0);
                let peer = match side {
                    Side::Initiator => self.g_xr.as_ref(),
                    Side::Responder => self.g_xi.as_ref(),
                };
                match peer.map(|pk| modp::shared_secret(group, private.expose(), pk)) {
                    Some(Ok(g)) => {
                        g_xy = Some((
                            g,
                            format!(
                                "g^xy computed from the {side}'s DH private value ({})",
                                origins(&s.origins)
                            ),
                        ));
                        break;
                    }
                    Some(Err(e)) => {
                        dh_error = Some(format!("the DH private value could not be used: {e}"))
                    }
                    None => dh_error = Some("the peer's KE payload was not seen".into()),
                }
            }
        }
        if let (Some((gxy, gsrc)), Some(ni), Some(nr)) = (&g_xy, &self.ni_b, &self.nr_b) {
            self.g_xy_source = Some(gsrc.clone());
            let psk_auth = self
                .policy
                .as_ref()
                .is_some_and(|p| p.auth_method.is_some_and(|a| a.uses_psk()));
            let mut skeyids: Vec<(Vec<u8>, String, Option<String>)> = Vec::new();
            if psk_auth {
                let addrs: Vec<IpAddr> = self
                    .initiator
                    .iter()
                    .chain(self.responder.iter())
                    .copied()
                    .collect();
                let mut cands = keys.psk_candidates(&addrs, &self.identities);
                if cands.is_empty() {
                    cands = keys.psks().iter().collect();
                }
                for psk in cands {
                    // RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
                    let skeyid = kdf::skeyid_psk(alg, psk.secret.expose(), ni, nr);
                    let origin = psk.origin.to_string();
                    skeyids.push((
                        skeyid.to_vec(),
                        format!("PSK {origin} + {gsrc}"),
                        Some(origin),
                    ));
                }
            } else {
                // RFC 2409 §5: for signatures, SKEYID = prf(Ni_b | Nr_b, g^xy).
                let skeyid = kdf::skeyid_sig(alg, ni, nr, gxy);
                skeyids.push((
                    skeyid.to_vec(),
                    format!("{gsrc} (signature authentication)"),
                    None,
                ));
            }
            for (skeyid, label, psk) in skeyids {
                let chain = kdf::key_chain(alg, &skeyid, gxy, &ic, &rc);
                // RFC 2409 Appendix B: Ka from SKEYID_e, expanded when shorter than the key.
                let ka = kdf::encryption_key(alg, &chain.skeyid_e, key_len);
                sets.push(KeySet {
                    label,
                    psk,
                    skeyid: Some(skeyid),
                    skeyid_d: Some(chain.skeyid_d.to_vec()),
                    skeyid_a: Some(chain.skeyid_a.to_vec()),
                    skeyid_e: Some(chain.skeyid_e.to_vec()),
                    ka,
                });
            }
        }
        // A ready phase-1 key (Wireshark's ikev1_decryption_table): decrypts, cannot verify.
        for (ka, origin) in keys.ikev1_encryption_keys(self.icookie) {
            if !sets.iter().any(|s| s.ka == ka.expose()) {
                sets.push(KeySet {
                    label: format!("phase-1 key from {origin}"),
                    psk: None,
                    skeyid: None,
                    skeyid_d: None,
                    skeyid_a: None,
                    skeyid_e: None,
                    ka: ka.expose().to_vec(),
                });
            }
        }
        if sets.is_empty() {
            let psk_auth = self
                .policy
                .as_ref()
                .is_some_and(|p| p.auth_method.is_some_and(|a| a.uses_psk()));
            let have_psk = !keys.psks().is_empty();
            self.missing = Some(if let Some(e) = dh_error {
                e
            } else if g_xy.is_none()
                && psk_auth
                && have_psk
                && self.exchange == exchange_type::AGGRESSIVE
            {
                format!(
                    "aggressive mode: the PSK checks HASH_R in clear, but decrypting AM3 and later needs g^xy or a DH private value: add [[ike]] initiator_cookie = \"{}\" with dh_shared_secret (or dh_private and side)",
                    self.icookie
                )
            } else if g_xy.is_none() && psk_auth && have_psk {
                format!(
                    "main mode after MM4 needs g^xy or a DH private value: add [[ike]] initiator_cookie = \"{}\" with dh_shared_secret (or dh_private and side), or the phase-1 key (Wireshark ikev1_decryption_table)",
                    self.icookie
                )
            } else if g_xy.is_none() {
                format!(
                    "needs g^xy (or a DH private value){} for IKE SA {}, or its phase-1 key",
                    if psk_auth { " and the PSK" } else { "" },
                    self.icookie
                )
            } else if self.ni_b.is_none() || self.nr_b.is_none() {
                "the nonces (MM3/MM4) were not in the capture".into()
            } else {
                format!(
                    "needs the PSK for {}",
                    self.responder.map(|a| a.to_string()).unwrap_or_default()
                )
            });
        } else {
            self.missing = None;
        }
        self.keysets = Some(sets);
    }
}

fn origins(o: &[keys::Origin]) -> String {
    o.first()
        .map(ToString::to_string)
        .unwrap_or_else(|| "keys".into())
}

/// A phase-1 identity in the key store's terms (for PSKs bound to identities).
fn key_identity(id: &Identity<'_>) -> Option<keys::Identity> {
    match id {
        Identity::Fqdn(b) => Some(keys::Identity::Fqdn(
            String::from_utf8_lossy(b).into_owned(),
        )),
        Identity::UserFqdn(b) => Some(keys::Identity::UserFqdn(
            String::from_utf8_lossy(b).into_owned(),
        )),
        Identity::KeyId(b) => Some(keys::Identity::KeyId(b.to_vec())),
        _ => None,
    }
}

/// A decrypted chain is believable: it parses to the end, every payload decodes, it ended at
/// NONE, and what follows is no more than padding.
fn plausible(chain: &V1Chain<'_>) -> bool {
    !chain.payloads.is_empty() && chain.first_error().is_none() && chain.tail_len < 256
}

/// The bytes after the HASH payload up to the end of the last payload (what HASH(1)/(2) and
/// the informational HASH cover, RFC 2409 §5.5 and §5.7), and the HASH value.
fn after_hash<'p>(chain: &V1Chain<'p>, plaintext: &'p [u8]) -> Option<(&'p [u8], &'p [u8])> {
    let first = chain.payloads.first()?;
    if first.raw.payload_type != PayloadType::HASH {
        return None;
    }
    let start = first.raw.offset.checked_sub(HEADER_LEN)? + first.raw.raw.len();
    let last = chain.payloads.last()?;
    let end = last.raw.offset.checked_sub(HEADER_LEN)? + last.raw.raw.len();
    Some((plaintext.get(start..end)?, first.raw.body))
}

fn compare(computed: &[u8], received: &[u8]) -> AuthCheck {
    if !computed.is_empty() && computed.len() == received.len() && computed == received {
        AuthCheck::Verified
    } else {
        AuthCheck::Failed
    }
}

impl Decryptor {
    /// Handles one IKEv1 message: learns from it, decrypts it if it is encrypted and keys
    /// allow, and checks its HASH.
    pub fn ikev1(
        &mut self,
        meta: &PacketMeta,
        msg: &isakmp::Message<'_>,
        fingerprint: u64,
    ) -> IkeV1Outcome {
        let encrypted = msg.is_encrypted();
        if !self.has_keys() {
            if encrypted {
                self.stats.ike_undecrypted += 1;
            }
            let status = if encrypted {
                DecryptStatus::NoKeys {
                    needs: "no keys loaded (--keys)".into(),
                }
            } else {
                DecryptStatus::Clear
            };
            return IkeV1Outcome {
                plaintext: None,
                status,
                hash: None,
            };
        }
        let h = &msg.header;
        let xt = h.exchange_type.0;
        let id = match self.v1.find(&h.initiator_cookie) {
            Some(id) => id,
            None => self.v1.insert(SaCrypto::new(h.initiator_cookie)).0,
        };
        let Decryptor {
            keys, v1, stats, ..
        } = self;
        let Some(sa) = v1.get_mut(id) else {
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::Clear,
                hash: None,
            };
        };
        if !h.responder_cookie.is_zero() {
            sa.rcookie = h.responder_cookie;
        }
        // Roles: MM1/AM1 (zero responder cookie) comes from the initiator; MM2/AM2 (an SA in a
        // phase-1 exchange with a responder cookie) from the responder.
        if sa.initiator.is_none() {
            let clear_chain = V1Chain::of_message(msg);
            let from_responder = !h.responder_cookie.is_zero()
                && matches!(xt, exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE)
                && clear_chain.has(PayloadType::SA);
            if from_responder {
                sa.initiator = Some(meta.dst);
                sa.responder = Some(meta.src);
            } else {
                sa.initiator = Some(meta.src);
                sa.responder = Some(meta.dst);
            }
        }
        if matches!(xt, exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE) {
            sa.exchange = xt;
        }
        let role = sa.role_of(meta.src);

        if !encrypted {
            let chain = V1Chain::of_message(msg);
            if matches!(xt, exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE) {
                sa.learn_clear(role, &chain, xt);
            }
            let hash = if xt == exchange_type::AGGRESSIVE && chain.has(PayloadType::HASH) {
                aggressive_hash(sa, keys, role, &chain, meta.frame)
            } else {
                None
            };
            if let Some(hc) = &hash {
                count_hash(stats, hc.result);
            }
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::Clear,
                hash,
            };
        }

        sa.derive(keys);
        let sets = sa.keysets.clone().unwrap_or_default();
        let Some((alg, enc, _)) = sa.algs() else {
            stats.ike_undecrypted += 1;
            let needs = sa
                .missing
                .clone()
                .unwrap_or_else(|| "the phase-1 proposal was not seen".into());
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::NoKeys { needs },
                hash: None,
            };
        };
        if sets.is_empty() {
            stats.ike_undecrypted += 1;
            let needs = sa
                .missing
                .clone()
                .unwrap_or_else(|| "no matching key material".into());
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::NoKeys { needs },
                hash: None,
            };
        }
        let bs = enc.block_size();
        let ct = msg.body;
        if ct.is_empty() || !ct.len().is_multiple_of(bs) {
            stats.ike_failed += 1;
            sa.frames_failed += 1;
            let why = format!(
                "the encrypted body ({} bytes) is not a multiple of the {bs}-byte cipher block",
                ct.len()
            );
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::Failed { why },
                hash: None,
            };
        }
        let phase1 = matches!(xt, exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE);
        let mid = h.message_id;

        // IV candidates (RFC 2409 Appendix B).
        let mut ivs: Vec<Vec<u8>> = Vec::new();
        if let Some((_, iv)) = sa.retransmit_ivs.iter().find(|(f, _)| *f == fingerprint) {
            ivs.push(iv.clone());
        }
        if phase1 {
            ivs.extend(sa.p1_next_iv.iter().cloned());
            ivs.extend(sa.iv0.iter().cloned());
        } else if let Some(iv) = sa
            .exchanges
            .iter()
            .find(|e| e.message_id == mid)
            .and_then(|e| e.next_iv.clone())
        {
            ivs.push(iv);
        } else {
            // The first message of an exchange: hash(last phase-1 CBC block | M-ID). Which
            // block counts as "last" depends on what the sender itself processed: a peer that
            // could not decrypt MM5 still holds the phase-1 IV (seen with strongSwan), so try
            // both.
            for base in sa.last_p1_block.iter().chain(sa.iv0.iter()) {
                ivs.push(kdf::phase2_iv(alg, base, mid, bs));
            }
        }
        ivs.dedup();
        if ivs.is_empty() {
            stats.ike_undecrypted += 1;
            let needs =
                "the phase-1 IV needs both KE payloads (MM3/MM4), which the capture does not hold"
                    .to_string();
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::NoKeys { needs },
                hash: None,
            };
        }

        // Key sets: the one confirmed for this sender first.
        let mut order: Vec<usize> = (0..sets.len()).collect();
        if let Some(c) = sa.confirmed[role as usize] {
            order.retain(|&i| i != c);
            order.insert(0, c);
        }
        let mut chosen: Option<Attempt> = None;
        let mut fallback: Option<Attempt> = None;
        'outer: for &ki in &order {
            let Some(ks) = sets.get(ki) else { continue };
            for iv in &ivs {
                let Ok(pt) = kdf::cbc_decrypt(enc, &ks.ka, iv, ct) else {
                    continue;
                };
                let chain = V1Chain::walk(h.next_payload, &pt, HEADER_LEN);
                if !plausible(&chain) {
                    continue;
                }
                let hash = verify_hash(sa, ks, alg, role, xt, mid, &chain, &pt);
                let failed = matches!(
                    hash,
                    Some(HashCheck {
                        result: AuthCheck::Failed,
                        ..
                    })
                );
                if failed {
                    if fallback.is_none() {
                        fallback = Some((ki, iv.clone(), pt.clone(), hash));
                    }
                    continue;
                }
                chosen = Some((ki, iv.clone(), pt, hash));
                break 'outer;
            }
        }
        let chosen = chosen.or(fallback);

        // CBC chaining uses the ciphertext, whatever became of the decryption.
        let last = kdf::last_block(ct, bs).map(<[u8]>::to_vec);
        if phase1 {
            sa.p1_next_iv = last.clone();
            sa.last_p1_block = last;
        } else {
            let ex = sa.exchange_mut(mid);
            ex.next_iv = last;
            ex.first_sender.get_or_insert(meta.src);
        }

        let Some((ki, iv, pt, hash)) = chosen else {
            stats.ike_failed += 1;
            sa.frames_failed += 1;
            let tried: Vec<&str> = sets.iter().map(|s| s.label.as_str()).collect();
            let why = format!(
                "does not decrypt to a valid message with {}",
                tried.join("; ")
            );
            for ks in &sets {
                if let Some(psk) = &ks.psk {
                    sa.record_psk(PskCheck {
                        psk: psk.clone(),
                        side: role,
                        what: "decryption",
                        result: AuthCheck::Failed,
                        frame: meta.frame,
                    });
                }
            }
            return IkeV1Outcome {
                plaintext: None,
                status: DecryptStatus::Failed { why },
                hash: None,
            };
        };
        if sa.retransmit_ivs.len() >= MAX_RETRANSMIT_IVS {
            sa.retransmit_ivs.remove(0);
        }
        if !sa.retransmit_ivs.iter().any(|(f, _)| *f == fingerprint) {
            sa.retransmit_ivs.push((fingerprint, iv));
        }
        let ks = sets.get(ki).cloned();
        if hash.as_ref().is_none_or(|h| h.result != AuthCheck::Failed) {
            sa.confirmed[role as usize] = Some(ki);
        }
        if let (Some(ks), Some(hc)) = (&ks, &hash)
            && let Some(psk) = &ks.psk
        {
            sa.record_psk(PskCheck {
                psk: psk.clone(),
                side: role,
                what: hc.what,
                result: hc.result,
                frame: meta.frame,
            });
        }
        if let Some(hc) = &hash {
            count_hash(stats, hc.result);
        }
        stats.ike_decrypted += 1;
        sa.frames_decrypted += 1;
        let label = ks.as_ref().map(|k| k.label.clone()).unwrap_or_default();

        // Quick mode: learn nonces, SPIs, policy; derive KEYMAT once both sides are in.
        let mut new_esp: Vec<(IpAddr, u32, EspSaKeys, String)> = Vec::new();
        if xt == exchange_type::QUICK_MODE {
            let chain = V1Chain::walk(h.next_payload, &pt, HEADER_LEN);
            let initiator_addr = sa
                .exchanges
                .iter()
                .find(|e| e.message_id == mid)
                .and_then(|e| e.first_sender);
            let qm_role = if Some(meta.src) == initiator_addr {
                Role::Initiator
            } else {
                Role::Responder
            };
            learn_quick_mode(sa.exchange_mut(mid), qm_role, &chain);
            if let Some(ks) = &ks {
                new_esp = quick_mode_keymat(sa, keys, ks, alg, mid, meta);
            }
        }
        if phase1 {
            // IDii_b / IDir_b for HASH verification of later messages (and the report).
            let chain = V1Chain::walk(h.next_payload, &pt, HEADER_LEN);
            for p in &chain.payloads {
                if p.raw.payload_type == PayloadType::IDENTIFICATION {
                    match role {
                        Role::Initiator => sa.idii_b = Some(p.raw.body.to_vec()),
                        Role::Responder => sa.idir_b = Some(p.raw.body.to_vec()),
                    }
                }
            }
        }
        for (dst, spi, k, source) in new_esp {
            self.register_esp(dst, spi, k, source);
        }
        IkeV1Outcome {
            plaintext: Some(pt),
            status: DecryptStatus::Decrypted { with: label },
            hash,
        }
    }

    /// What was derived for each IKEv1 SA, for `ikescope keys`.
    pub(super) fn v1_reports(&self) -> Vec<DerivedIke> {
        self.v1
            .iter()
            .map(|(_, sa)| {
                let used = sa.confirmed.iter().flatten().next().copied();
                let ks = used.and_then(|i| sa.keysets.as_ref().and_then(|s| s.get(i)));
                DerivedIke {
                    version: 1,
                    initiator_cookie: sa.icookie,
                    responder_cookie: sa.rcookie,
                    initiator: sa.initiator,
                    responder: sa.responder,
                    policy: sa.policy.as_ref().map(ToString::to_string),
                    key_source: ks.map(|k| k.label.clone()),
                    g_xy_source: sa.g_xy_source.clone(),
                    skeyid: ks.and_then(|k| k.skeyid.clone()),
                    skeyid_d: ks.and_then(|k| k.skeyid_d.clone()),
                    skeyid_a: ks.and_then(|k| k.skeyid_a.clone()),
                    skeyid_e: ks.and_then(|k| k.skeyid_e.clone()),
                    encryption_key: ks.map(|k| k.ka.clone()),
                    iv: sa.iv0.clone(),
                    missing: if ks.is_some() {
                        None
                    } else {
                        sa.missing.clone()
                    },
                    psk_checks: sa.psk_checks.clone(),
                    frames_decrypted: sa.frames_decrypted,
                    frames_failed: sa.frames_failed,
                    sides_confirmed: [sa.confirmed[0].is_some(), sa.confirmed[1].is_some()],
                    ikev2: None,
                }
            })
            .collect()
    }
}

/// A decryption that worked: key set index, IV, plaintext, and its HASH check.
type Attempt = (usize, Vec<u8>, Vec<u8>, Option<HashCheck>);

fn count_hash(stats: &mut super::DecryptStats, r: AuthCheck) {
    match r {
        AuthCheck::Verified => stats.hashes_verified += 1,
        AuthCheck::Failed => stats.hashes_failed += 1,
        AuthCheck::Unchecked => {}
    }
}

/// Aggressive mode: HASH_R (AM2) and, when in clear, HASH_I (AM3) are checkable with the PSK
/// alone, SKEYID being prf(PSK, Ni_b | Nr_b) (RFC 2409 §5): no DH material needed.
fn aggressive_hash(
    sa: &mut SaCrypto,
    keys: &KeyStore,
    role: Role,
    chain: &V1Chain<'_>,
    frame: u64,
) -> Option<HashCheck> {
    let received = chain.decoded().find_map(|p| {
        if let Payload::Hash(h) = p {
            Some(*h)
        } else {
            None
        }
    })?;
    let alg = sa.policy.as_ref()?.hash_alg()?;
    if !sa
        .policy
        .as_ref()?
        .auth_method
        .is_some_and(|a| a.uses_psk())
    {
        return None;
    }
    let (ni, nr, gxi, gxr, sai) = (
        sa.ni_b.clone()?,
        sa.nr_b.clone()?,
        sa.g_xi.clone()?,
        sa.g_xr.clone()?,
        sa.sai_b.clone()?,
    );
    let (ic, rc) = (*sa.icookie.as_bytes(), *sa.rcookie.as_bytes());
    let addrs: Vec<IpAddr> = sa
        .initiator
        .iter()
        .chain(sa.responder.iter())
        .copied()
        .collect();
    let mut cands = keys.psk_candidates(&addrs, &sa.identities);
    if cands.is_empty() {
        cands = keys.psks().iter().collect();
    }
    if cands.is_empty() {
        return Some(HashCheck {
            what: if role == Role::Responder {
                "HASH_R"
            } else {
                "HASH_I"
            },
            result: AuthCheck::Unchecked,
        });
    }
    let mut any = false;
    let what = if role == Role::Responder {
        "HASH_R"
    } else {
        "HASH_I"
    };
    for psk in cands {
        let skeyid = kdf::skeyid_psk(alg, psk.secret.expose(), &ni, &nr);
        let computed = match role {
            Role::Responder => kdf::hash_r(
                alg,
                &skeyid,
                &gxr,
                &gxi,
                &rc,
                &ic,
                &sai,
                sa.idir_b.as_deref()?,
            ),
            Role::Initiator => kdf::hash_i(
                alg,
                &skeyid,
                &gxi,
                &gxr,
                &ic,
                &rc,
                &sai,
                sa.idii_b.as_deref()?,
            ),
        };
        let result = compare(&computed, received);
        any |= result == AuthCheck::Verified;
        sa.record_psk(PskCheck {
            psk: psk.origin.to_string(),
            side: role,
            what,
            result,
            frame,
        });
    }
    Some(HashCheck {
        what,
        result: if any {
            AuthCheck::Verified
        } else {
            AuthCheck::Failed
        },
    })
}

/// Verifies the HASH of a decrypted message with key set `ks` (RFC 2409 §5, §5.5, §5.7).
#[allow(clippy::too_many_arguments)]
fn verify_hash(
    sa: &SaCrypto,
    ks: &KeySet,
    alg: HashAlg,
    role: Role,
    xt: u8,
    mid: u32,
    chain: &V1Chain<'_>,
    pt: &[u8],
) -> Option<HashCheck> {
    let (ic, rc) = (*sa.icookie.as_bytes(), *sa.rcookie.as_bytes());
    match xt {
        exchange_type::MAIN_MODE | exchange_type::AGGRESSIVE => {
            let received = chain.decoded().find_map(|p| {
                if let Payload::Hash(h) = p {
                    Some(*h)
                } else {
                    None
                }
            })?;
            let id_b = chain
                .payloads
                .iter()
                .find(|p| p.raw.payload_type == PayloadType::IDENTIFICATION)
                .map(|p| p.raw.body);
            let what = if role == Role::Initiator {
                "HASH_I"
            } else {
                "HASH_R"
            };
            let (Some(skeyid), Some(gxi), Some(gxr), Some(sai)) =
                (&ks.skeyid, &sa.g_xi, &sa.g_xr, &sa.sai_b)
            else {
                return Some(HashCheck {
                    what,
                    result: AuthCheck::Unchecked,
                });
            };
            let id_b = match (id_b, role) {
                (Some(b), _) => b,
                (None, Role::Initiator) => sa.idii_b.as_deref()?,
                (None, Role::Responder) => sa.idir_b.as_deref()?,
            };
            let computed = match role {
                // HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
                Role::Initiator => kdf::hash_i(alg, skeyid, gxi, gxr, &ic, &rc, sai, id_b),
                // HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
                Role::Responder => kdf::hash_r(alg, skeyid, gxr, gxi, &rc, &ic, sai, id_b),
            };
            Some(HashCheck {
                what,
                result: compare(&computed, received),
            })
        }
        exchange_type::QUICK_MODE => {
            let (rest, received) = after_hash(chain, pt)?;
            let Some(a) = &ks.skeyid_a else {
                return Some(HashCheck {
                    what: "HASH",
                    result: AuthCheck::Unchecked,
                });
            };
            let ex = sa.exchanges.iter().find(|e| e.message_id == mid);
            let has_sa = chain.has(PayloadType::SA);
            let first = ex.and_then(|e| e.first_sender);
            let from_first = first.is_none_or(|f| Some(f) == sa_addr(sa, role));
            if from_first && has_sa {
                // HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
                Some(HashCheck {
                    what: "HASH(1)",
                    result: compare(&kdf::quick_mode_hash1(alg, a, mid, rest), received),
                })
            } else if !from_first {
                // HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
                let ni = ex.and_then(|e| e.ni_b.as_deref())?;
                Some(HashCheck {
                    what: "HASH(2)",
                    result: compare(&kdf::quick_mode_hash2(alg, a, mid, ni, rest), received),
                })
            } else {
                // HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
                let ni = ex.and_then(|e| e.ni_b.as_deref())?;
                let nr = ex.and_then(|e| e.nr_b.as_deref())?;
                Some(HashCheck {
                    what: "HASH(3)",
                    result: compare(&kdf::quick_mode_hash3(alg, a, mid, ni, nr), received),
                })
            }
        }
        exchange_type::INFORMATIONAL | exchange_type::TRANSACTION => {
            // HASH(1) = prf(SKEYID_a, M-ID | N/D) (§5.7); mode-config uses the same form.
            let (rest, received) = after_hash(chain, pt)?;
            let Some(a) = &ks.skeyid_a else {
                return Some(HashCheck {
                    what: "HASH(1)",
                    result: AuthCheck::Unchecked,
                });
            };
            Some(HashCheck {
                what: "HASH(1)",
                result: compare(&kdf::informational_hash(alg, a, mid, rest), received),
            })
        }
        _ => None,
    }
}

fn sa_addr(sa: &SaCrypto, role: Role) -> Option<IpAddr> {
    match role {
        Role::Initiator => sa.initiator,
        Role::Responder => sa.responder,
    }
}

/// QM1 carries Ni, the initiator's SPI(s) and offers; QM2 Nr, the responder's SPI and choice.
fn learn_quick_mode(ex: &mut Exchange, qm_role: Role, chain: &V1Chain<'_>) {
    for p in chain.decoded() {
        match p {
            Payload::Nonce(n) => match qm_role {
                Role::Initiator => ex.ni_b = Some(n.to_vec()),
                Role::Responder => ex.nr_b = Some(n.to_vec()),
            },
            Payload::KeyExchange(ke) => ex.ke[qm_role as usize] = Some(ke.to_vec()),
            Payload::Sa(sa) => {
                let Some(prop) = sa.proposals().flatten().next() else {
                    continue;
                };
                let spi = prop.spi_u32().map(|s| (prop.protocol_id, s));
                match qm_role {
                    Role::Initiator => ex.spi_i = spi,
                    Role::Responder => {
                        ex.spi_r = spi;
                        ex.policy = prop
                            .transforms()
                            .flatten()
                            .find_map(|t| t.ipsec_policy().ok());
                    }
                }
            }
            _ => {}
        }
    }
}

/// RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded,
/// once per SPI: the SPI each side chose for its inbound SA keys that direction.
fn quick_mode_keymat(
    sa: &mut SaCrypto,
    keys: &KeyStore,
    ks: &KeySet,
    alg: HashAlg,
    mid: u32,
    meta: &PacketMeta,
) -> Vec<(IpAddr, u32, EspSaKeys, String)> {
    let (initiator, responder, icookie) = (sa.initiator, sa.responder, sa.icookie);
    let Some(d) = ks.skeyid_d.clone() else {
        return Vec::new();
    };
    let ex = sa.exchange_mut(mid);
    if ex.keyed {
        return Vec::new();
    }
    let (Some(ni), Some(nr), Some((proto, spi_i)), Some((_, spi_r)), Some(policy), Some(first)) = (
        ex.ni_b.clone(),
        ex.nr_b.clone(),
        ex.spi_i,
        ex.spi_r,
        ex.policy,
        ex.first_sender,
    ) else {
        return Vec::new();
    };
    if proto != ProtocolId::IPSEC_ESP {
        return Vec::new();
    }
    let Some((enc, enc_len, integ)) = policy.esp_algs() else {
        return Vec::new();
    };
    let pfs = ex.ke[0].is_some() && ex.ke[1].is_some();
    // With PFS, KEYMAT also covers g(qm)^xy (RFC 2409 §5.5): it must come from the key store
    // (TOML [[quick_mode]] or a charon log), as nobody but the peers knows it.
    let g_qm = if pfs {
        match keys.quick_mode_secret(icookie, mid) {
            Some(q) => Some(q.g_qm_xy.expose().to_vec()),
            None => {
                ex.keyed = true;
                if sa.missing_qm.len() < MAX_EXCHANGES {
                    sa.missing_qm.push(mid);
                }
                return Vec::new();
            }
        }
    } else {
        None
    };
    ex.keyed = true;
    let other = if Some(first) == initiator {
        responder
    } else {
        initiator
    };
    let Some(other) = other else {
        return Vec::new();
    };
    let len = enc_len + integ.key_len();
    let mut out = Vec::new();
    // The QM initiator's SPI (QM1) is its inbound SA: ESP to `first`. The responder's SPI
    // (QM2) is for ESP to `other`.
    for (spi, dst) in [(spi_i, first), (spi_r, other)] {
        let km = kdf::keymat(
            alg,
            &d,
            g_qm.as_deref(),
            3,
            &spi.to_be_bytes(),
            &ni,
            &nr,
            len,
        );
        let (ek, ik) = km.split_at(enc_len.min(km.len()));
        let keys = EspSaKeys {
            enc,
            enc_key: ek.to_vec(),
            integ,
            integ_key: ik.to_vec(),
            esn: policy.esn,
        };
        let source = format!("KEYMAT of quick mode {mid:08x} (frame {})", meta.frame);
        sa.derived_esp.push(DerivedEsp {
            spi,
            dst: Some(dst),
            src: Some(if dst == first { other } else { first }),
            enc,
            integ,
            encryption_key: keys.enc_key.clone(),
            integrity_key: keys.integ_key.clone(),
            source: source.clone(),
        });
        out.push((dst, spi, keys, source));
    }
    out
}
