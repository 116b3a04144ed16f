//! No panics on any input: random lengths and bytes into every decrypt and derive function,
//! with valid and invalid keys. A deterministic generator keeps failures reproducible (the
//! seed is in the assertion message); the `esp_decrypt` fuzz target explores further.

mod common_crypto;

use common_crypto::Rng;
use ikescope_dissectors::crypto::{
    EncAlg, EspDecryptor, EspSaKeys, HashAlg, IntegAlg, aes_ctr, aes_gcm_open, ikev1, ikev2, modp,
    prf,
};

const ENCS: [EncAlg; 8] = [
    EncAlg::Null,
    EncAlg::DesCbc,
    EncAlg::TripleDesCbc,
    EncAlg::AesCbc,
    EncAlg::AesCtr,
    EncAlg::AesGcm { icv_len: 8 },
    EncAlg::AesGcm { icv_len: 12 },
    EncAlg::AesGcm { icv_len: 16 },
];
const INTEGS: [IntegAlg; 8] = [
    IntegAlg::None,
    IntegAlg::HmacMd5_96,
    IntegAlg::HmacSha1_96,
    IntegAlg::HmacSha1_160,
    IntegAlg::HmacSha256_128,
    IntegAlg::HmacSha384_192,
    IntegAlg::HmacSha512_256,
    IntegAlg::AesXcbc96,
];
const HASHES: [HashAlg; 5] = [
    HashAlg::Md5,
    HashAlg::Sha1,
    HashAlg::Sha256,
    HashAlg::Sha384,
    HashAlg::Sha512,
];

fn good_enc_key_len(enc: EncAlg, rng: &mut Rng) -> usize {
    let aes = [16, 24, 32][rng.below(3)];
    match enc {
        EncAlg::Null => 0,
        EncAlg::DesCbc => 8,
        EncAlg::TripleDesCbc => 24,
        EncAlg::AesCbc => aes,
        EncAlg::AesCtr | EncAlg::AesGcm { .. } => aes + 4,
    }
}

#[test]
fn esp_decrypt_never_panics() {
    let mut rng = Rng(0x5eed_0001);
    let mut out = Vec::new();
    let mut built = 0;
    for round in 0..400 {
        let enc = ENCS[rng.below(ENCS.len())];
        let integ = INTEGS[rng.below(INTEGS.len())];
        // Mostly valid key lengths, sometimes anything.
        let (ek, ik) = if rng.below(4) == 0 {
            (rng.below(40), rng.below(70))
        } else {
            (good_enc_key_len(enc, &mut rng), integ.key_len())
        };
        let keys = EspSaKeys {
            enc,
            enc_key: rng.bytes(ek),
            integ,
            integ_key: if rng.below(8) == 0 {
                Vec::new()
            } else {
                rng.bytes(ik)
            },
            esn: rng.below(2) == 0,
        };
        let Ok(d) = EspDecryptor::new(&keys) else {
            continue;
        };
        built += 1;
        for _ in 0..20 {
            let len = rng.below(200);
            let packet = rng.bytes(len);
            let seq_hi = (rng.below(2) == 0).then(|| rng.next_u64() as u32);
            if let Ok(p) = d.decrypt(&packet, seq_hi, &mut out) {
                // Whatever came back is consistent with the packet.
                assert!(p.payload.len() + 2 <= p.decrypted.len(), "round {round}");
                assert!(p.decrypted.len() <= packet.len());
            }
        }
    }
    assert!(built > 150, "{built} decryptors built");
}

#[test]
fn ikev1_and_primitives_never_panic() {
    let mut rng = Rng(0x5eed_0002);
    for _ in 0..500 {
        let enc = ENCS[rng.below(ENCS.len())];
        let (kl, il, cl) = (rng.below(40), rng.below(20), rng.below(100));
        let _ = ikev1::cbc_decrypt(enc, &rng.bytes(kl), &rng.bytes(il), &rng.bytes(cl));
        let h = HASHES[rng.below(HASHES.len())];
        let (a, b) = (rng.any(100), rng.any(100));
        let _ = ikev1::encryption_key(h, &a, rng.below(5000));
        let km = ikev1::keymat(h, &a, Some(&b), 3, &[1, 2, 3, 4], &a, &b, rng.below(5000));
        assert!(km.len() <= ikev1::MAX_DERIVED_LEN);
        let _ = ikev1::phase1_iv(h, &a, &b, rng.below(100));
        let _ = ikev1::phase2_iv(h, &a, rng.next_u64() as u32, rng.below(100));
        let _ = ikev1::last_block(&a, rng.below(200));
        let _ = prf(h, &a, &[&b]);
        let _ = ikev2::prf_plus(h, &a, &b, rng.below(3000));
        let ctr: [u8; 16] = rng.bytes(16).try_into().unwrap();
        let _ = aes_ctr(&rng.any(40), &ctr, &b);
        let nonce: [u8; 12] = rng.bytes(12).try_into().unwrap();
        let _ = aes_gcm_open(&rng.any(40), &nonce, &a, &b, &rng.any(20));
    }
}

#[test]
fn ikev2_sk_never_panics() {
    let mut rng = Rng(0x5eed_0003);
    for _ in 0..3000 {
        let enc = ENCS[rng.below(ENCS.len())];
        let integ = INTEGS[rng.below(INTEGS.len())];
        let ek = if rng.below(4) == 0 {
            rng.below(40)
        } else {
            good_enc_key_len(enc, &mut rng)
        };
        let enc_key = rng.bytes(ek);
        let integ_key = rng.bytes(integ.key_len());
        let mut msg = rng.any(300);
        let offset = if rng.below(10) == 0 {
            rng.below(1000)
        } else {
            28.min(msg.len())
        };
        // Often make the SK length field plausible so the decryption paths run.
        if rng.below(2) == 0 && offset + 4 <= msg.len() {
            let len = (msg.len() - offset) as u16;
            msg[offset + 2..offset + 4].copy_from_slice(&len.to_be_bytes());
        }
        let _ = ikev2::decrypt_sk(enc, &enc_key, integ, &integ_key, &msg, offset);
        let _ = ikev2::decrypt_skf(enc, &enc_key, integ, &integ_key, &msg, offset);
    }
}

#[test]
fn modp_never_panics() {
    let mut rng = Rng(0x5eed_0004);
    // Debug-build modexp is slow: few rounds, short private values (the length checks are
    // what matters here).
    for _ in 0..40 {
        let group = [0u16, 1, 2, 3, 5, 14, 19, 65535][rng.below(8)];
        let private = rng.any(40);
        let peer = rng.any(300);
        let _ = modp::public_value(group.min(2), &private);
        let _ = modp::shared_secret(group.min(5), &private, &peer);
        let _ = modp::prime_len(group);
    }
}
