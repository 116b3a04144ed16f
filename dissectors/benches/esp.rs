//! ESP decrypt+verify throughput on 1400-byte-class packets (1408 bytes of ciphertext, the
//! size `bench/crypto.sh` gives `openssl speed -bytes`), and the per-SA setup costs.
//!
//! `cargo bench -p ikescope-dissectors --bench esp`; `bench/crypto.sh` runs it beside OpenSSL
//! and prints the comparison. Throughput is counted in ciphertext bytes.

use std::hint::black_box;

use aes::cipher::{BlockModeEncrypt, KeyInit, KeyIvInit, array::Array};
use aes_gcm::aead::AeadInOut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hmac::Mac;
use ikescope_dissectors::crypto::{
    EncAlg, EspDecryptor, EspSaKeys, HashAlg, IcvStatus, IntegAlg, ikev1,
};

/// Bytes of ciphertext per packet: payload + RFC 4303 padding + pad length + next header.
const CT_LEN: usize = 1408;

/// The ESP plaintext: an inner "packet" of CT_LEN - 2 - pad bytes, monotonic padding, pad
/// length, next header 4.
fn esp_plaintext(pad: usize) -> Vec<u8> {
    let mut p: Vec<u8> = (0..CT_LEN - 2 - pad).map(|i| i as u8).collect();
    p.extend((1..=pad).map(|i| i as u8));
    p.push(pad as u8);
    p.push(4);
    p
}

fn cbc_packet<C>(key: &[u8], iv: &[u8], mac: impl Mac + Clone) -> Vec<u8>
where
    C: aes::cipher::BlockCipherEncrypt + KeyInit,
{
    let header = [0xc0, 0x01, 0xd0, 0x0d, 0, 0, 0, 1];
    let mut ct = esp_plaintext(6);
    let (blocks, _) = Array::slice_as_chunks_mut(&mut ct);
    cbc::Encryptor::<C>::new_from_slices(key, iv)
        .unwrap()
        .encrypt_blocks(blocks);
    let mut packet = [&header[..], iv, &ct].concat();
    let mut m = mac;
    m.update(&packet);
    let tag = m.finalize().into_bytes();
    packet.extend_from_slice(&tag[..12]);
    packet
}

fn gcm_packet(key: &[u8; 16], salt: [u8; 4]) -> Vec<u8> {
    let header = [0xc0, 0x01, 0xd0, 0x0d, 0, 0, 0, 1];
    let iv = [7u8; 8];
    let nonce: [u8; 12] = [&salt[..], &iv[..]].concat().try_into().unwrap();
    let mut ct = esp_plaintext(6);
    let tag = aes_gcm::Aes128Gcm::new(&(*key).into())
        .encrypt_inout_detached(&nonce.into(), &header, ct.as_mut_slice().into())
        .unwrap();
    [&header[..], &iv, &ct, &tag].concat()
}

fn bench_esp(c: &mut Criterion) {
    let aes_key = [0x11u8; 16];
    let sha1_key = [0x22u8; 20];
    let md5_key = [0x33u8; 16];
    let des3_key: Vec<u8> = (1..=24).collect();
    let salt = [9u8; 4];
    let cases: Vec<(&str, EspSaKeys, Vec<u8>)> = vec![
        (
            "aes128cbc_hmacsha1_96",
            EspSaKeys {
                enc: EncAlg::AesCbc,
                enc_key: aes_key.to_vec(),
                integ: IntegAlg::HmacSha1_96,
                integ_key: sha1_key.to_vec(),
                esn: false,
            },
            cbc_packet::<aes::Aes128>(
                &aes_key,
                &[5; 16],
                <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&sha1_key).unwrap(),
            ),
        ),
        (
            "aes128gcm16",
            EspSaKeys {
                enc: EncAlg::AesGcm { icv_len: 16 },
                enc_key: [&aes_key[..], &salt[..]].concat(),
                integ: IntegAlg::None,
                integ_key: Vec::new(),
                esn: false,
            },
            gcm_packet(&aes_key, salt),
        ),
        (
            "3descbc_hmacmd5_96",
            EspSaKeys {
                enc: EncAlg::TripleDesCbc,
                enc_key: des3_key.clone(),
                integ: IntegAlg::HmacMd5_96,
                integ_key: md5_key.to_vec(),
                esn: false,
            },
            cbc_packet::<des::TdesEde3>(
                &des3_key,
                &[5; 8],
                <hmac::Hmac<md5::Md5> as KeyInit>::new_from_slice(&md5_key).unwrap(),
            ),
        ),
    ];

    let mut group = c.benchmark_group("esp_decrypt");
    group.throughput(Throughput::Bytes(CT_LEN as u64));
    for (name, keys, packet) in &cases {
        let d = EspDecryptor::new(keys).unwrap();
        let mut out = Vec::with_capacity(2048);
        // The packets are valid: the benchmark measures the full verify + decrypt path.
        let p = d.decrypt(packet, None, &mut out).unwrap();
        assert_eq!(p.icv, IcvStatus::Ok, "{name}");
        assert!(p.padding_ok && p.next_header == 4, "{name}");
        group.bench_function(*name, |b| {
            b.iter(|| {
                let p = d.decrypt(black_box(packet), None, &mut out).unwrap();
                black_box(p.payload.len());
            })
        });
    }
    group.finish();

    // Per-SA costs, for interest: building a decryptor (key schedules, HMAC pads) and the
    // whole IKEv1 phase-1 derivation for AES-128/SHA-1/MODP-2048 (SKEYID from the PSK, the
    // three SKEYIDs, Ka, the initial IV).
    let mut group = c.benchmark_group("per_sa");
    for (name, keys, _) in &cases {
        group.bench_function(format!("esp_decryptor_new_{name}"), |b| {
            b.iter(|| EspDecryptor::new(black_box(keys)).unwrap())
        });
    }
    let (ni, nr) = ([1u8; 32], [2u8; 32]);
    let (g_xi, g_xr, g_xy) = ([3u8; 256], [4u8; 256], [5u8; 256]);
    let (cky_i, cky_r) = ([6u8; 8], [7u8; 8]);
    group.bench_function("ikev1_phase1_derivation_sha1_g14", |b| {
        b.iter(|| {
            let skeyid = ikev1::skeyid_psk(HashAlg::Sha1, black_box(b"psk"), &ni, &nr);
            let chain = ikev1::key_chain(HashAlg::Sha1, &skeyid, &g_xy, &cky_i, &cky_r);
            let ka = ikev1::encryption_key(HashAlg::Sha1, &chain.skeyid_e, 16);
            let iv = ikev1::phase1_iv(HashAlg::Sha1, &g_xi, &g_xr, 16);
            black_box((ka, iv));
        })
    });
    group.finish();
}

criterion_group!(benches, bench_esp);
criterion_main!(benches);
