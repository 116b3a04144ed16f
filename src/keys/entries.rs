//! The typed entries a [`crate::keys::KeyStore`] holds. Each remembers where it was read
//! ([`Origin`]) so messages can say "PSK from router.cfg:41".

use std::fmt;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};

use super::error::Origin;
use super::peer::{AddrMatch, PeerSelector};
use super::secret::Secret;

/// Which way a PSK is used. IKEv1 and most IKEv2 peers use one key both ways; Cisco's IKEv2
/// keyrings may set `pre-shared-key local` (this router signs its AUTH payload with it) and
/// `pre-shared-key remote` (it verifies the peer's AUTH payload) separately (RFC 7296 §2.15
/// allows asymmetric keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PskUsage {
    #[default]
    Both,
    /// Used by the configured router for its own AUTH.
    Local,
    /// Expected from the peer.
    Remote,
}

/// A pre-shared key and the peer it is configured for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskEntry {
    pub peer: PeerSelector,
    pub secret: Secret,
    pub usage: PskUsage,
    pub origin: Origin,
}

/// Which IKE endpoint a DH private value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Initiator,
    Responder,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Initiator => "initiator",
            Side::Responder => "responder",
        })
    }
}

/// Key material of one IKE SA, named by its cookies (IKEv1) or SPIs (IKEv2). Entries about the
/// same IKE SA from several files are merged into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeSecret {
    pub initiator_cookie: Cookie,
    /// `None` when the source did not say (then the entry applies to any responder cookie).
    pub responder_cookie: Option<Cookie>,
    /// The Diffie-Hellman shared secret g^xy (IKEv1) or g^ir (IKEv2).
    pub g_xy: Option<Secret>,
    /// One endpoint's DH private value; g^xy = (peer's KE)^private mod p.
    pub dh_private: Option<(Side, Secret)>,
    /// RFC 2409 §5: SKEYID and its three children.
    pub skeyid: Option<Secret>,
    pub skeyid_d: Option<Secret>,
    pub skeyid_a: Option<Secret>,
    pub skeyid_e: Option<Secret>,
    /// The phase-1 cipher key Ka (RFC 2409 Appendix B), as charon logs "encryption key Ka".
    pub encryption_key: Option<Secret>,
    /// IKEv2 SKEYSEED (RFC 7296 §2.14).
    pub skeyseed: Option<Secret>,
    /// IKEv2 SK_* keys (from charon logs).
    pub ikev2: Option<Ikev2Keys>,
    /// Every place this IKE SA's material was read from.
    pub origins: Vec<Origin>,
}

impl IkeSecret {
    pub fn new(initiator_cookie: Cookie, origin: Origin) -> IkeSecret {
        IkeSecret {
            initiator_cookie,
            responder_cookie: None,
            g_xy: None,
            dh_private: None,
            skeyid: None,
            skeyid_d: None,
            skeyid_a: None,
            skeyid_e: None,
            encryption_key: None,
            skeyseed: None,
            ikev2: None,
            origins: vec![origin],
        }
    }

    /// Whether this entry holds DH material (g^xy or a private value).
    pub fn has_dh(&self) -> bool {
        self.g_xy.is_some() || self.dh_private.is_some()
    }

    /// Whether `other` names the same IKE SA (same initiator cookie, responder cookies equal or
    /// one unknown).
    pub fn same_sa(&self, other: &IkeSecret) -> bool {
        self.initiator_cookie == other.initiator_cookie
            && match (self.responder_cookie, other.responder_cookie) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// Whether this entry applies to an IKE SA seen with these cookies.
    pub fn applies_to(&self, initiator_cookie: Cookie, responder_cookie: Option<Cookie>) -> bool {
        self.initiator_cookie == initiator_cookie
            && match (self.responder_cookie, responder_cookie) {
                (Some(a), Some(b)) => a == b || b.is_zero(),
                _ => true,
            }
    }

    /// Names of the fields both entries set to different values.
    pub(crate) fn conflicts(&self, other: &IkeSecret) -> Vec<&'static str> {
        fn differ(a: &Option<Secret>, b: &Option<Secret>) -> bool {
            matches!((a, b), (Some(x), Some(y)) if x != y)
        }
        let mut out = Vec::new();
        let pairs: [(&'static str, &Option<Secret>, &Option<Secret>); 7] = [
            ("g_xy", &self.g_xy, &other.g_xy),
            ("skeyid", &self.skeyid, &other.skeyid),
            ("skeyid_d", &self.skeyid_d, &other.skeyid_d),
            ("skeyid_a", &self.skeyid_a, &other.skeyid_a),
            ("skeyid_e", &self.skeyid_e, &other.skeyid_e),
            (
                "encryption_key",
                &self.encryption_key,
                &other.encryption_key,
            ),
            ("skeyseed", &self.skeyseed, &other.skeyseed),
        ];
        for (name, a, b) in pairs {
            if differ(a, b) {
                out.push(name);
            }
        }
        if let (Some(a), Some(b)) = (&self.dh_private, &other.dh_private)
            && a != b
        {
            out.push("dh_private");
        }
        if let (Some(a), Some(b)) = (&self.ikev2, &other.ikev2)
            && (a.sk_ei != b.sk_ei
                || a.sk_er != b.sk_er
                || a.sk_ai != b.sk_ai
                || a.sk_ar != b.sk_ar)
        {
            out.push("ikev2 SK_*");
        }
        out
    }

    /// Fills the fields `other` has and this entry lacks (call only when `conflicts` is empty).
    pub(crate) fn absorb(&mut self, other: IkeSecret) {
        fn fill(a: &mut Option<Secret>, b: Option<Secret>) {
            if a.is_none() {
                *a = b;
            }
        }
        if self.responder_cookie.is_none() {
            self.responder_cookie = other.responder_cookie;
        }
        fill(&mut self.g_xy, other.g_xy);
        if self.dh_private.is_none() {
            self.dh_private = other.dh_private;
        }
        fill(&mut self.skeyid, other.skeyid);
        fill(&mut self.skeyid_d, other.skeyid_d);
        fill(&mut self.skeyid_a, other.skeyid_a);
        fill(&mut self.skeyid_e, other.skeyid_e);
        fill(&mut self.encryption_key, other.encryption_key);
        fill(&mut self.skeyseed, other.skeyseed);
        match (&mut self.ikev2, other.ikev2) {
            (None, b) => self.ikev2 = b,
            (Some(a), Some(b)) => a.absorb(b),
            (Some(_), None) => {}
        }
        for o in other.origins {
            if !self.origins.contains(&o) {
                self.origins.push(o);
            }
        }
    }
}

/// A row of Wireshark's `ikev1_decryption_table`: the phase-1 encryption key of the IKE SA
/// started with this initiator cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ikev1Ready {
    pub initiator_cookie: Cookie,
    pub encryption_key: Secret,
    pub origin: Origin,
}

/// The SK_* keys of an IKEv2 SA (RFC 7296 §2.14), as Wireshark's `ikev2_decryption_table`
/// holds them, or as charon logs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ikev2Keys {
    pub spi_i: Cookie,
    pub spi_r: Cookie,
    /// Encryption keys; for AES-GCM/CTR they include the 4-byte salt (RFC 5282 §7.1).
    pub sk_ei: Secret,
    pub sk_er: Secret,
    /// Cipher and its key length in bits (without salt), when known.
    pub enc: Option<(EncAlg, u16)>,
    /// Integrity keys; `None` for combined-mode ciphers (AES-GCM).
    pub sk_ai: Option<Secret>,
    pub sk_ar: Option<Secret>,
    /// Integrity algorithm when known (`IntegAlg::None` for AES-GCM).
    pub integ: Option<IntegAlg>,
    /// Length in bytes of an integrity checksum present on the wire but not verifiable with
    /// ikescope's algorithms (Wireshark's "ANY n-bits [No Checking]", HMAC_SHA2_256_96,
    /// HMAC_MD5_128): strip it, do not check it.
    pub unchecked_icv_len: Option<u8>,
    /// SK_d, SK_pi, SK_pr (charon logs them; Wireshark's table does not).
    pub sk_d: Option<Secret>,
    pub sk_pi: Option<Secret>,
    pub sk_pr: Option<Secret>,
    pub origin: Origin,
}

impl Ikev2Keys {
    fn absorb(&mut self, other: Ikev2Keys) {
        fn fill(a: &mut Option<Secret>, b: Option<Secret>) {
            if a.is_none() {
                *a = b;
            }
        }
        if self.enc.is_none() {
            self.enc = other.enc;
        }
        if self.integ.is_none() {
            self.integ = other.integ;
        }
        fill(&mut self.sk_ai, other.sk_ai);
        fill(&mut self.sk_ar, other.sk_ar);
        fill(&mut self.sk_d, other.sk_d);
        fill(&mut self.sk_pi, other.sk_pi);
        fill(&mut self.sk_pr, other.sk_pr);
    }
}

/// One ESP SA (one direction, one SPI) with ready keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspSa {
    /// Outer source address (the sender's), or a wildcard.
    pub src: AddrMatch,
    /// Outer destination address (the receiver's, who chose the SPI), or a wildcard.
    pub dst: AddrMatch,
    pub spi: u32,
    pub enc: EncAlg,
    /// Cipher key; for AES-CTR and AES-GCM it ends with the 4-byte nonce/salt (RFC 3686 §5.1,
    /// RFC 4106 §8.1).
    pub enc_key: Secret,
    /// `IntegAlg::None` for NULL integrity and for AES-GCM.
    pub integ: IntegAlg,
    pub integ_key: Secret,
    /// Length in bytes of an ICV present on the wire that ikescope cannot verify (Wireshark's
    /// "ANY n bit authentication [no checking]", tcpdump's `-hmac96`, HMAC-SHA-256-96 …):
    /// strip it, do not check it. `integ` is `IntegAlg::None` then.
    pub unchecked_icv_len: Option<u8>,
    /// Extended (64-bit) sequence numbers (RFC 4303 §2.2.1).
    pub esn: bool,
    /// UDP encapsulation (RFC 3948) as (source port, destination port).
    pub encap: Option<(u16, u16)>,
    pub origin: Origin,
}

impl EspSa {
    /// Length of the ICV to strip from each packet.
    pub fn icv_len(&self) -> usize {
        match self.enc {
            EncAlg::AesGcm { icv_len } => usize::from(icv_len),
            _ => self
                .unchecked_icv_len
                .map_or(self.integ.icv_len(), usize::from),
        }
    }

    /// Cipher key length in bits, without the salt/nonce.
    pub fn enc_key_bits(&self) -> usize {
        self.enc_key.len().saturating_sub(self.enc.salt_len()) * 8
    }

    /// Whether both describe the same SA with the same keys (addresses included).
    pub(crate) fn same_keys(&self, other: &EspSa) -> bool {
        self.spi == other.spi
            && self.src == other.src
            && self.dst == other.dst
            && self.enc == other.enc
            && self.enc_key == other.enc_key
            && self.integ == other.integ
            && self.integ_key == other.integ_key
            && self.unchecked_icv_len == other.unchecked_icv_len
    }
}

/// The DH shared secret g(qm)^xy of one quick mode with PFS (RFC 2409 §5.5: KE payloads in
/// quick mode). Only the peers know it; KEYMAT with PFS needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickModeSecret {
    pub initiator_cookie: Cookie,
    pub message_id: u32,
    pub g_qm_xy: Secret,
    pub origin: Origin,
}
