//! Fuzz target: ESP decryption with keys and algorithms chosen by the input.
//!
//! Input layout: byte 0 picks the cipher, byte 1 the integrity algorithm, byte 2 the flags
//! (bit 0: ESN SA, bit 1: pass seq_hi, bit 2: unknown integrity key, bit 3: use the key
//! lengths from bytes 3/4 instead of the algorithms' own), bytes 3..5 key lengths, then the
//! keys, then the ESP packet. Whatever the bytes, `EspDecryptor::new` and `decrypt` must
//! return, never panic, and a returned plaintext must fit in the packet.
#![no_main]

use ikescope_dissectors::crypto::{EncAlg, EspDecryptor, EspSaKeys, IntegAlg};
use libfuzzer_sys::fuzz_target;

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (a, b) = data.split_at(n);
    *data = b;
    a
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let head = take(&mut data, 5);
    let [c, i, flags, kl, il] = <[u8; 5]>::try_from(head).unwrap_or([0; 5]);
    let enc = match c % 8 {
        0 => EncAlg::Null,
        1 => EncAlg::DesCbc,
        2 => EncAlg::TripleDesCbc,
        3 => EncAlg::AesCbc,
        4 => EncAlg::AesCtr,
        5 => EncAlg::AesGcm { icv_len: 8 },
        6 => EncAlg::AesGcm { icv_len: 12 },
        _ => EncAlg::AesGcm { icv_len: 16 },
    };
    let integ = match i % 8 {
        0 => IntegAlg::None,
        1 => IntegAlg::HmacMd5_96,
        2 => IntegAlg::HmacSha1_96,
        3 => IntegAlg::HmacSha1_160,
        4 => IntegAlg::HmacSha256_128,
        5 => IntegAlg::HmacSha384_192,
        6 => IntegAlg::HmacSha512_256,
        _ => IntegAlg::AesXcbc96,
    };
    let (ek, ik) = if flags & 8 != 0 {
        (usize::from(kl % 64), usize::from(il % 80))
    } else {
        let aes = [16, 24, 32][usize::from(kl % 3)];
        let ek = match enc {
            EncAlg::Null => 0,
            EncAlg::DesCbc => 8,
            EncAlg::TripleDesCbc => 24,
            EncAlg::AesCbc => aes,
            EncAlg::AesCtr | EncAlg::AesGcm { .. } => aes + 4,
        };
        (ek, integ.key_len())
    };
    let enc_key = take(&mut data, ek).to_vec();
    let integ_key = if flags & 4 != 0 {
        Vec::new()
    } else {
        take(&mut data, ik).to_vec()
    };
    let seq_hi_bytes = take(&mut data, 4);
    let seq_hi = (flags & 2 != 0).then(|| {
        u32::from_be_bytes(<[u8; 4]>::try_from(seq_hi_bytes).unwrap_or([0; 4]))
    });
    let keys = EspSaKeys {
        enc,
        enc_key,
        integ,
        integ_key,
        esn: flags & 1 != 0,
    };
    let Ok(d) = EspDecryptor::new(&keys) else {
        return;
    };
    let mut out = Vec::new();
    if let Ok(p) = d.decrypt(data, seq_hi, &mut out) {
        assert!(p.decrypted.len() <= data.len());
        assert!(p.payload.len() + 2 <= p.decrypted.len());
    }
});
