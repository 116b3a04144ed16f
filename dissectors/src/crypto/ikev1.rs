//! The IKEv1 key chain and authentication hashes (RFC 2409 §5, Appendix B), quick-mode KEYMAT
//! (§5.5), and CBC decryption of encrypted ISAKMP message bodies.
//!
//! Every formula is quoted next to the code that computes it. `prf` is the HMAC of the
//! negotiated hash, `hash` the hash itself ([`super::prf`](mod@super::prf)); `|` is concatenation.
//!
//! # What the `_b` inputs are
//!
//! RFC 2409 §3.2: "The `_b` suffix denotes the body of a payload", i.e. the payload *without*
//! its 4-byte generic header (next payload, reserved, payload length):
//!
//! - `ni_b`, `nr_b`: the bodies of the initiator's and responder's Nonce payloads (the nonce
//!   bytes themselves).
//! - `sai_b`: the body of the initiator's SA payload from MM1/AM1, i.e. starting at the DOI
//!   field and including all proposals and transforms (the responder's HASH_R also uses the
//!   *initiator's* SA).
//! - `idii_b` / `idir_b`: the body of the initiator's / responder's ID payload: ID type,
//!   protocol ID, port, identification data.
//! - `g_xi`, `g_xr`: the bodies of the initiator's / responder's KE payloads (the DH public
//!   values, as sent, with their leading zeros).
//! - `cky_i`, `cky_r`: the 8-byte initiator and responder cookies from the ISAKMP header.
//!
//! The quick-mode and informational HASHes instead cover whole payloads: `rest_after_hash` is
//! every payload after the HASH payload, generic headers included, up to the end of the last
//! payload — *not* including the CBC padding that ends the decrypted body (the ISAKMP header
//! length counts the padding; walk the payload chain to find where the payloads end).

use super::ciphers::cbc_cipher;
use super::prf::{Digest, hash, prf};
use super::{CryptoError, EncAlg, HashAlg};

/// Upper bound on derived key material, far above any real cipher + integrity key (the
/// longest, AES-256-GCM salt + nothing or AES-256 + HMAC-SHA-512, is 96 bytes). Longer
/// requests are cut to this length rather than allocating an arbitrary amount.
pub const MAX_DERIVED_LEN: usize = 1024;

/// RFC 2409 §5, pre-shared keys: `SKEYID = prf(pre-shared-key, Ni_b | Nr_b)`.
pub fn skeyid_psk(alg: HashAlg, psk: &[u8], ni_b: &[u8], nr_b: &[u8]) -> Digest {
    prf(alg, psk, &[ni_b, nr_b])
}

/// RFC 2409 §5, signatures: `SKEYID = prf(Ni_b | Nr_b, g^xy)`.
pub fn skeyid_sig(alg: HashAlg, ni_b: &[u8], nr_b: &[u8], g_xy: &[u8]) -> Digest {
    let key = [ni_b, nr_b].concat();
    prf(alg, &key, &[g_xy])
}

/// RFC 2409 §5, public key encryption (both the original and the revised mode):
/// `SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)`.
pub fn skeyid_pke(
    alg: HashAlg,
    ni_b: &[u8],
    nr_b: &[u8],
    cky_i: &[u8; 8],
    cky_r: &[u8; 8],
) -> Digest {
    let key = hash(alg, &[ni_b, nr_b]);
    prf(alg, &key, &[cky_i, cky_r])
}

/// The four phase-1 secrets of RFC 2409 §5.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KeyChain {
    pub skeyid: Digest,
    /// Keying material for non-ISAKMP SAs (quick-mode KEYMAT).
    pub skeyid_d: Digest,
    /// The key of the ISAKMP message HASHes (quick mode, informational).
    pub skeyid_a: Digest,
    /// Keying material for the phase-1 cipher; see [`encryption_key`].
    pub skeyid_e: Digest,
}

/// RFC 2409 §5:
///
/// ```text
/// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
/// SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
/// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
/// ```
///
/// `0`, `1`, `2` are single octets; `g_xy` is the shared secret as a big-endian integer
/// padded to the prime's length (as [`super::modp::shared_secret`] returns it).
pub fn key_chain(
    alg: HashAlg,
    skeyid: &[u8],
    g_xy: &[u8],
    cky_i: &[u8; 8],
    cky_r: &[u8; 8],
) -> KeyChain {
    // SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
    let skeyid_d = prf(alg, skeyid, &[g_xy, cky_i, cky_r, &[0]]);
    // SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
    let skeyid_a = prf(alg, skeyid, &[&skeyid_d, g_xy, cky_i, cky_r, &[1]]);
    // SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
    let skeyid_e = prf(alg, skeyid, &[&skeyid_a, g_xy, cky_i, cky_r, &[2]]);
    KeyChain {
        skeyid: Digest::from_slice(skeyid),
        skeyid_d,
        skeyid_a,
        skeyid_e,
    }
}

/// The phase-1 cipher key Ka, RFC 2409 Appendix B: when SKEYID_e is at least `key_len` bytes,
/// Ka is its first `key_len` bytes; otherwise
///
/// ```text
/// Ka = K1 | K2 | K3 ...   with   K1 = prf(SKEYID_e, 0),   K2 = prf(SKEYID_e, K1),
///                                K3 = prf(SKEYID_e, K2) ...
/// ```
///
/// truncated to `key_len` (`0` is a single zero octet). strongSwan does exactly this: 3DES
/// with MD5 needs 24 bytes from 2 × 16, and that Ka does *not* start with SKEYID_e.
/// `key_len` is capped at [`MAX_DERIVED_LEN`].
pub fn encryption_key(alg: HashAlg, skeyid_e: &[u8], key_len: usize) -> Vec<u8> {
    let key_len = key_len.min(MAX_DERIVED_LEN);
    if let Some(ka) = skeyid_e.get(..key_len) {
        return ka.to_vec();
    }
    let mut ka = Vec::with_capacity(key_len + 64);
    // K1 = prf(SKEYID_e, 0)
    let mut k = prf(alg, skeyid_e, &[&[0]]);
    while ka.len() < key_len {
        ka.extend_from_slice(&k);
        // Kn = prf(SKEYID_e, Kn-1)
        k = prf(alg, skeyid_e, &[&k]);
    }
    ka.truncate(key_len);
    ka
}

/// The IV of the first encrypted phase-1 message, RFC 2409 Appendix B:
/// `IV = hash(g^xi | g^xr)`, truncated to the cipher's block size. `g_xi`/`g_xr` are the KE
/// payload bodies of the initiator and responder.
pub fn phase1_iv(alg: HashAlg, g_xi: &[u8], g_xr: &[u8], block_size: usize) -> Vec<u8> {
    let h = hash(alg, &[g_xi, g_xr]);
    h.get(..block_size).unwrap_or(&h).to_vec()
}

/// The IV of the first message of a quick mode or informational exchange, RFC 2409 Appendix
/// B: `IV = hash(last phase-1 CBC output block | M-ID)`, truncated to the block size, where
/// the block is the last ciphertext block of the last phase-1 message (MM6 / AM3) and M-ID
/// is the exchange's message ID in network byte order. Later messages of the same exchange
/// chain with the last ciphertext block of the previous one ([`last_block`]).
pub fn phase2_iv(
    alg: HashAlg,
    last_phase1_cbc_block: &[u8],
    message_id: u32,
    block_size: usize,
) -> Vec<u8> {
    let h = hash(alg, &[last_phase1_cbc_block, &message_id.to_be_bytes()]);
    h.get(..block_size).unwrap_or(&h).to_vec()
}

/// The last `block_size` bytes of a ciphertext: the IV of the next message in the same
/// exchange (RFC 2409 Appendix B, CBC chaining across messages). `None` when shorter.
pub fn last_block(ciphertext: &[u8], block_size: usize) -> Option<&[u8]> {
    let start = ciphertext.len().checked_sub(block_size)?;
    ciphertext.get(start..)
}

/// RFC 2409 §5: `HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)`.
#[allow(clippy::too_many_arguments)]
pub fn hash_i(
    alg: HashAlg,
    skeyid: &[u8],
    g_xi: &[u8],
    g_xr: &[u8],
    cky_i: &[u8; 8],
    cky_r: &[u8; 8],
    sai_b: &[u8],
    idii_b: &[u8],
) -> Digest {
    prf(alg, skeyid, &[g_xi, g_xr, cky_i, cky_r, sai_b, idii_b])
}

/// RFC 2409 §5: `HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)`.
/// `sai_b` is the *initiator's* SA payload body here too.
#[allow(clippy::too_many_arguments)]
pub fn hash_r(
    alg: HashAlg,
    skeyid: &[u8],
    g_xr: &[u8],
    g_xi: &[u8],
    cky_r: &[u8; 8],
    cky_i: &[u8; 8],
    sai_b: &[u8],
    idir_b: &[u8],
) -> Digest {
    prf(alg, skeyid, &[g_xr, g_xi, cky_r, cky_i, sai_b, idir_b])
}

/// RFC 2409 §5.5: `HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])`.
/// `rest_after_hash`: the whole payloads after HASH(1) (see the module docs).
pub fn quick_mode_hash1(
    alg: HashAlg,
    skeyid_a: &[u8],
    message_id: u32,
    rest_after_hash: &[u8],
) -> Digest {
    prf(alg, skeyid_a, &[&message_id.to_be_bytes(), rest_after_hash])
}

/// RFC 2409 §5.5: `HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])`.
/// `ni_b` is the initiator's nonce body (from QM1); `rest_after_hash` the payloads after
/// HASH(2) in QM2.
pub fn quick_mode_hash2(
    alg: HashAlg,
    skeyid_a: &[u8],
    message_id: u32,
    ni_b: &[u8],
    rest_after_hash: &[u8],
) -> Digest {
    prf(
        alg,
        skeyid_a,
        &[&message_id.to_be_bytes(), ni_b, rest_after_hash],
    )
}

/// RFC 2409 §5.5: `HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)`, `0` a single octet.
pub fn quick_mode_hash3(
    alg: HashAlg,
    skeyid_a: &[u8],
    message_id: u32,
    ni_b: &[u8],
    nr_b: &[u8],
) -> Digest {
    prf(
        alg,
        skeyid_a,
        &[&[0], &message_id.to_be_bytes(), ni_b, nr_b],
    )
}

/// RFC 2409 §5.7: `HASH(1) = prf(SKEYID_a, M-ID | N/D)`, over the Notify or Delete payload(s)
/// that follow the HASH payload (whole payloads, see the module docs).
pub fn informational_hash(
    alg: HashAlg,
    skeyid_a: &[u8],
    message_id: u32,
    rest_after_hash: &[u8],
) -> Digest {
    prf(alg, skeyid_a, &[&message_id.to_be_bytes(), rest_after_hash])
}

/// Quick-mode keying material, RFC 2409 §5.5:
///
/// ```text
/// KEYMAT = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
/// expanded as KEYMAT = K1 | K2 | K3 | ...  with  K1 = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
///                                          Kn = prf(SKEYID_d, Kn-1 | [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
/// ```
///
/// `g_qm_xy` is the quick-mode DH shared secret when PFS is used; `protocol` the protocol ID
/// (3 = ESP, 2 = AH); `spi` the SPI *of the SA being keyed*, i.e. the one its receiver chose
/// (each direction has its own KEYMAT); `ni_b`/`nr_b` the quick-mode nonces. The cipher key
/// comes first, then the integrity key (for AES-GCM/CTR: key, then the 4-byte salt). `len` is
/// capped at [`MAX_DERIVED_LEN`].
#[allow(clippy::too_many_arguments)]
pub fn keymat(
    alg: HashAlg,
    skeyid_d: &[u8],
    g_qm_xy: Option<&[u8]>,
    protocol: u8,
    spi: &[u8; 4],
    ni_b: &[u8],
    nr_b: &[u8],
    len: usize,
) -> Vec<u8> {
    let len = len.min(MAX_DERIVED_LEN);
    let g = g_qm_xy.unwrap_or(&[]);
    let mut out = Vec::with_capacity(len + 64);
    // K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
    let mut k = prf(alg, skeyid_d, &[g, &[protocol], spi, ni_b, nr_b]);
    while out.len() < len {
        out.extend_from_slice(&k);
        // Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
        k = prf(alg, skeyid_d, &[&k, g, &[protocol], spi, ni_b, nr_b]);
    }
    out.truncate(len);
    out
}

/// Decrypts an encrypted ISAKMP body (everything after the 28-byte header) with DES, 3DES or
/// AES in CBC mode (RFC 2409 Appendix B). `iv` must be one block; the ciphertext must be a
/// whole number of blocks. The result still carries the sender's padding (RFC 2408 §3.1: the
/// header length counts it; strongSwan pads with 1..bs zero bytes). The IV of the next
/// message of the exchange is [`last_block`] of `ciphertext`.
pub fn cbc_decrypt(
    alg: EncAlg,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let cipher = cbc_cipher(alg, key)?;
    let mut out = vec![0u8; ciphertext.len()];
    cipher.decrypt(iv, ciphertext, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_key_prefers_skeyid_e_then_expands() {
        let e = [7u8; 20];
        assert_eq!(encryption_key(HashAlg::Sha1, &e, 16), e[..16].to_vec());
        let long = encryption_key(HashAlg::Sha1, &e, 32);
        assert_eq!(long.len(), 32);
        let k1 = prf(HashAlg::Sha1, &e, &[&[0]]);
        let k2 = prf(HashAlg::Sha1, &e, &[&k1]);
        assert_eq!(&long[..20], &k1[..]);
        assert_eq!(&long[20..], &k2[..12]);
        assert_eq!(
            encryption_key(HashAlg::Md5, &e, usize::MAX).len(),
            MAX_DERIVED_LEN
        );
    }

    #[test]
    fn cbc_decrypt_rejects_bad_inputs() {
        assert!(matches!(
            cbc_decrypt(EncAlg::AesCbc, &[0; 15], &[0; 16], &[0; 16]),
            Err(CryptoError::BadKeyLength { got: 15, .. })
        ));
        assert!(matches!(
            cbc_decrypt(EncAlg::AesCbc, &[0; 16], &[0; 8], &[0; 16]),
            Err(CryptoError::BadIvLength { got: 8, .. })
        ));
        assert!(matches!(
            cbc_decrypt(EncAlg::TripleDesCbc, &[0; 24], &[0; 8], &[0; 12]),
            Err(CryptoError::NotBlockAligned { len: 12, .. })
        ));
        assert!(matches!(
            cbc_decrypt(EncAlg::AesGcm { icv_len: 16 }, &[0; 16], &[0; 16], &[]),
            Err(CryptoError::Unsupported(_))
        ));
        assert_eq!(
            cbc_decrypt(EncAlg::AesCbc, &[0; 16], &[0; 16], &[]).unwrap(),
            Vec::<u8>::new()
        );
    }

    #[test]
    fn last_block_of_short_input_is_none() {
        assert_eq!(last_block(&[1, 2, 3], 8), None);
        assert_eq!(last_block(&[1, 2, 3], 2), Some(&[2u8, 3][..]));
    }
}
