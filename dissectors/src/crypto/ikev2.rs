//! IKEv2: the Encrypted (SK) and Encrypted Fragment (SKF) payloads (RFC 7296 §3.14, RFC 7383
//! §2.5, RFC 5282 for AES-GCM, RFC 5930 for AES-CTR), and the key schedule (RFC 7296 §2.13,
//! §2.14, §2.17).
//!
//! An SK payload is its 4-byte generic header (8 bytes for SKF: + Fragment Number, Total
//! Fragments), the IV, the encrypted `payloads ‖ padding ‖ pad length`, and the ICV. With a
//! separate integrity algorithm the ICV covers the message from the IKE header through the
//! pad length (§3.14); with AES-GCM the AAD is the IKE header through the end of the SK/SKF
//! generic header (RFC 5282 §5.1, RFC 7383 §2.5) and the nonce is salt(4) ‖ IV(8)
//! (RFC 5282 §4).

use super::ciphers::{cbc_cipher, ctr_cipher, gcm_cipher, split_salt};
use super::integ::IntegKey;
use super::prf::{Digest, prf};
use super::{CryptoError, EncAlg, HashAlg, IntegAlg};

/// A decrypted SK/SKF payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkPlaintext {
    /// The inner payloads, without padding and pad length. When the pad length does not fit
    /// (`padding_ok == false`, typically a wrong key) this is every decrypted byte.
    pub plaintext: Vec<u8>,
    /// Whether the ICV (or GCM tag) verified. The plaintext is returned either way (ikescope
    /// is a diagnostic; see [`super::esp`] for the reasoning); treat it as unauthenticated
    /// when false.
    pub integrity_ok: bool,
    /// The SK generic header's Next Payload: the type of the first inner payload (for SKF,
    /// only meaningful in fragment 1; RFC 7383 §2.5).
    pub first_payload: u8,
    pub pad_len: u8,
    /// Whether the pad length fits in the decrypted bytes.
    pub padding_ok: bool,
}

/// Decrypts and verifies the SK payload (type 46) that starts at `sk_payload_offset` in
/// `message` (the whole IKE message, from the IKE header). `enc_key`/`integ_key` are SK_ei/
/// SK_ai for messages the initiator sent, SK_er/SK_ar for the responder's. For AES-GCM/CTR
/// `enc_key` ends with the 4-byte salt/nonce and `integ` must be [`IntegAlg::None`].
pub fn decrypt_sk(
    enc: EncAlg,
    enc_key: &[u8],
    integ: IntegAlg,
    integ_key: &[u8],
    message: &[u8],
    sk_payload_offset: usize,
) -> Result<SkPlaintext, CryptoError> {
    decrypt_encrypted(
        enc,
        enc_key,
        integ,
        integ_key,
        message,
        sk_payload_offset,
        4,
    )
}

/// Like [`decrypt_sk`] for the Encrypted Fragment payload (SKF, type 53, RFC 7383 §2.5),
/// whose generic header carries Fragment Number and Total Fragments (8 bytes, all of them
/// authenticated). The returned plaintext is this fragment's share of the inner payloads;
/// the caller reassembles.
pub fn decrypt_skf(
    enc: EncAlg,
    enc_key: &[u8],
    integ: IntegAlg,
    integ_key: &[u8],
    message: &[u8],
    skf_payload_offset: usize,
) -> Result<SkPlaintext, CryptoError> {
    decrypt_encrypted(
        enc,
        enc_key,
        integ,
        integ_key,
        message,
        skf_payload_offset,
        8,
    )
}

fn truncated(element: &'static str, needed: usize, available: usize) -> CryptoError {
    CryptoError::Truncated {
        element,
        needed,
        available,
    }
}

#[allow(clippy::too_many_arguments)]
fn decrypt_encrypted(
    enc: EncAlg,
    enc_key: &[u8],
    integ: IntegAlg,
    integ_key: &[u8],
    message: &[u8],
    offset: usize,
    header_len: usize,
) -> Result<SkPlaintext, CryptoError> {
    let element = if header_len == 4 {
        "SK payload"
    } else {
        "SKF payload"
    };
    let generic = message
        .get(offset..)
        .and_then(|m| m.get(..header_len))
        .ok_or_else(|| truncated(element, offset.saturating_add(header_len), message.len()))?;
    let first_payload = generic.first().copied().unwrap_or(0);
    let length = usize::from(u16::from_be_bytes([
        generic.get(2).copied().unwrap_or(0),
        generic.get(3).copied().unwrap_or(0),
    ]));
    let end = offset.saturating_add(length);
    let payload = message
        .get(offset..end)
        .ok_or_else(|| truncated(element, end, message.len()))?;

    let icv_len = match enc {
        EncAlg::AesGcm { icv_len } => usize::from(icv_len),
        _ => integ.icv_len(),
    };
    let iv_len = enc.iv_len();
    let body = payload.get(header_len..).unwrap_or(&[]);
    let (iv, rest) = body
        .split_at_checked(iv_len)
        .ok_or_else(|| truncated("SK payload IV", iv_len, body.len()))?;
    let ct_len = rest
        .len()
        .checked_sub(icv_len)
        .ok_or_else(|| truncated("SK payload ICV", icv_len, rest.len()))?;
    let (ciphertext, icv) = rest
        .split_at_checked(ct_len)
        .ok_or_else(|| truncated("SK payload ICV", icv_len, rest.len()))?;
    if ciphertext.is_empty() {
        return Err(truncated("SK payload pad length", 1, 0));
    }

    let mut out = vec![0u8; ciphertext.len()];
    let integrity_ok = match enc {
        EncAlg::AesGcm { icv_len: tag_len } => {
            if integ != IntegAlg::None {
                return Err(CryptoError::Unsupported(
                    "a separate integrity algorithm with AES-GCM (RFC 5282 §8)",
                ));
            }
            let (key, salt) = split_salt("AES-GCM", enc_key)?;
            let aead = gcm_cipher(key, tag_len)?;
            // RFC 5282 §4: nonce = salt ‖ IV; §5.1: AAD = IKE header ‖ SK(F) generic header.
            let nonce = array::<12>(&[&salt, iv]);
            let aad = message
                .get(..offset.saturating_add(header_len))
                .unwrap_or(&[]);
            aead.open(&nonce, aad, ciphertext, icv, &mut out)?
        }
        _ => {
            if integ == IntegAlg::None {
                return Err(CryptoError::Unsupported(
                    "IKEv2 SK payload without an integrity algorithm",
                ));
            }
            let mac = IntegKey::new(integ, integ_key)?;
            // RFC 7296 §3.14: the checksum covers the IKE header through the pad length.
            let covered = message.get(..end - icv_len).unwrap_or(&[]);
            let ok = mac.verify(&[covered], icv);
            match enc {
                EncAlg::Null => out.copy_from_slice(ciphertext),
                EncAlg::DesCbc | EncAlg::TripleDesCbc | EncAlg::AesCbc => {
                    cbc_cipher(enc, enc_key)?.decrypt(iv, ciphertext, &mut out)?
                }
                EncAlg::AesCtr => {
                    // RFC 5930 §2 / RFC 3686 §4: nonce ‖ IV ‖ counter from 1.
                    let (key, nonce) = split_salt("AES-CTR", enc_key)?;
                    let block = array::<16>(&[&nonce, iv, &[0, 0, 0, 1]]);
                    ctr_cipher(key)?.apply(&block, ciphertext, &mut out)?
                }
                EncAlg::AesGcm { .. } => {}
            }
            ok
        }
    };

    // RFC 7296 §3.14: the last decrypted byte is the pad length; the padding precedes it.
    let pad_len = out.last().copied().unwrap_or(0);
    let keep = out
        .len()
        .checked_sub(1)
        .and_then(|n| n.checked_sub(usize::from(pad_len)));
    let padding_ok = keep.is_some();
    if let Some(keep) = keep {
        out.truncate(keep);
    }
    Ok(SkPlaintext {
        plaintext: out,
        integrity_ok,
        first_payload,
        pad_len,
        padding_ok,
    })
}

fn array<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut a = [0u8; N];
    for (dst, src) in a.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
        *dst = *src;
    }
    a
}

/// RFC 7296 §2.14: `SKEYSEED = prf(Ni | Nr, g^ir)`, for the HMAC PRFs (whose key is the
/// nonces concatenated, whatever their length). `ni`/`nr` are the Nonce payload bodies.
pub fn skeyseed(alg: HashAlg, ni: &[u8], nr: &[u8], g_ir: &[u8]) -> Digest {
    let key = [ni, nr].concat();
    prf(alg, &key, &[g_ir])
}

/// RFC 7296 §2.13: `prf+ (K,S) = T1 | T2 | T3 | ...` with `T1 = prf (K, S | 0x01)`,
/// `T2 = prf (K, T1 | S | 0x02)`, … `Tn = prf (K, Tn-1 | S | n)`, truncated to `len`. The
/// counter is one octet, so at most 255 blocks can be produced.
pub fn prf_plus(alg: HashAlg, key: &[u8], seed: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    let max = 255 * alg.output_len();
    if len > max {
        return Err(CryptoError::OutputTooLong {
            requested: len,
            max,
        });
    }
    let mut out = Vec::with_capacity(len + alg.output_len());
    let mut t = Digest::from_slice(&[]);
    let mut n: u8 = 1;
    while out.len() < len {
        // Tn = prf(K, Tn-1 | S | n), T0 empty
        t = prf(alg, key, &[&t, seed, &[n]]);
        out.extend_from_slice(&t);
        n = n.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
}

/// The seven IKE SA secrets of RFC 7296 §2.14.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IkeSaKeys {
    pub sk_d: Vec<u8>,
    pub sk_ai: Vec<u8>,
    pub sk_ar: Vec<u8>,
    pub sk_ei: Vec<u8>,
    pub sk_er: Vec<u8>,
    pub sk_pi: Vec<u8>,
    pub sk_pr: Vec<u8>,
}

/// RFC 7296 §2.14:
/// `{SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)`.
/// SK_d, SK_pi and SK_pr are as long as the PRF's key (its output, for the HMAC PRFs);
/// `integ_key_len` is 0 for AEAD ciphers; `enc_key_len` includes the salt for GCM/CTR.
#[allow(clippy::too_many_arguments)]
pub fn ike_sa_keys(
    alg: HashAlg,
    skeyseed: &[u8],
    ni: &[u8],
    nr: &[u8],
    spi_i: &[u8; 8],
    spi_r: &[u8; 8],
    integ_key_len: usize,
    enc_key_len: usize,
) -> Result<IkeSaKeys, CryptoError> {
    let prf_len = alg.output_len();
    let seed = [ni, nr, spi_i, spi_r].concat();
    let total = 3 * prf_len + 2 * integ_key_len + 2 * enc_key_len;
    let km = prf_plus(alg, skeyseed, &seed, total)?;
    let mut rest: &[u8] = &km;
    let mut take = |n: usize| {
        let (a, b) = rest.split_at_checked(n).unwrap_or((rest, &[]));
        rest = b;
        a.to_vec()
    };
    Ok(IkeSaKeys {
        sk_d: take(prf_len),
        sk_ai: take(integ_key_len),
        sk_ar: take(integ_key_len),
        sk_ei: take(enc_key_len),
        sk_er: take(enc_key_len),
        sk_pi: take(prf_len),
        sk_pr: take(prf_len),
    })
}

/// Child SA keying material, RFC 7296 §2.17: `KEYMAT = prf+(SK_d, Ni | Nr)`, or with a new
/// DH exchange `KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)`. Keys are taken in the order
/// initiator-to-responder encryption, integrity, then responder-to-initiator encryption,
/// integrity.
pub fn child_keymat(
    alg: HashAlg,
    sk_d: &[u8],
    g_ir_new: Option<&[u8]>,
    ni: &[u8],
    nr: &[u8],
    len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let seed = [g_ir_new.unwrap_or(&[]), ni, nr].concat();
    prf_plus(alg, sk_d, &seed, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_plus_blocks_chain() {
        let k = b"key";
        let s = b"seed";
        let out = prf_plus(HashAlg::Sha1, k, s, 50).unwrap();
        let t1 = prf(HashAlg::Sha1, k, &[s, &[1]]);
        let t2 = prf(HashAlg::Sha1, k, &[&t1, s, &[2]]);
        let t3 = prf(HashAlg::Sha1, k, &[&t2, s, &[3]]);
        assert_eq!(&out[..20], &t1[..]);
        assert_eq!(&out[20..40], &t2[..]);
        assert_eq!(&out[40..], &t3[..10]);
        assert!(prf_plus(HashAlg::Md5, k, s, 255 * 16).is_ok());
        assert!(matches!(
            prf_plus(HashAlg::Md5, k, s, 255 * 16 + 1),
            Err(CryptoError::OutputTooLong { .. })
        ));
    }

    #[test]
    fn sk_length_beyond_message_is_an_error() {
        let mut msg = vec![0u8; 40];
        msg[28] = 41; // next payload
        msg[30] = 0x01; // length 256 > the 12 bytes left
        let r = decrypt_sk(
            EncAlg::AesCbc,
            &[0; 16],
            IntegAlg::HmacSha256_128,
            &[0; 32],
            &msg,
            28,
        );
        assert!(matches!(r, Err(CryptoError::Truncated { .. })));
        assert!(matches!(
            decrypt_sk(
                EncAlg::AesCbc,
                &[0; 16],
                IntegAlg::HmacSha256_128,
                &[0; 32],
                &msg,
                usize::MAX
            ),
            Err(CryptoError::Truncated { .. })
        ));
    }
}
