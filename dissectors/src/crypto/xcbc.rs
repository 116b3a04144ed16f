//! AES-XCBC-MAC (RFC 3566), the MAC behind AES-XCBC-MAC-96 for ESP. XCBC is not CMAC
//! (RFC 4493): it derives three independent keys by encrypting constants, where CMAC derives
//! its subkeys by doubling in GF(2^128). No maintained RustCrypto crate provides it, and it is
//! a dozen lines over the AES block cipher.

use aes::Aes128;
use aes::cipher::{Array, BlockCipherEncrypt, KeyInit};

use super::CryptoError;

/// The three derived keys of RFC 3566 §4 (step 1).
pub(crate) struct Xcbc {
    /// K1 = E(K, 0x01010101…), as a key schedule: the CBC-MAC key.
    k1: Aes128,
    /// K2 = E(K, 0x02020202…), XORed into a complete final block.
    k2: [u8; 16],
    /// K3 = E(K, 0x03030303…), XORed into a padded final block.
    k3: [u8; 16],
}

impl Xcbc {
    /// RFC 3566 §4 step 1, from the 128-bit key K (§2.1: "a 128-bit key").
    pub(crate) fn new(key: &[u8]) -> Result<Self, CryptoError> {
        let k = Aes128::new_from_slice(key).map_err(|_| CryptoError::BadKeyLength {
            alg: "AES-XCBC-MAC",
            got: key.len(),
            expected: "16",
        })?;
        let derive = |c: u8| {
            let mut b = Array::from([c; 16]);
            k.encrypt_block(&mut b);
            <[u8; 16]>::from(b)
        };
        let k1 = derive(0x01);
        let k2 = derive(0x02);
        let k3 = derive(0x03);
        let k1 = Aes128::new(&Array::from(k1));
        Ok(Xcbc { k1, k2, k3 })
    }

    /// The full 128-bit MAC over the concatenation of `parts` (RFC 3566 §4 steps 2–5).
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 16] {
        // E[0] = 0; every block but the last: E[i] = E(K1, M[i] XOR E[i-1]) (step 3). A full
        // buffered block is only processed once more data proves it is not the last one.
        let mut e = Array::from([0u8; 16]);
        let mut buf = [0u8; 16];
        let mut buf_len = 0usize;
        for part in parts {
            let mut data: &[u8] = part;
            while !data.is_empty() {
                if buf_len == 16 {
                    for (x, m) in e.iter_mut().zip(buf.iter()) {
                        *x ^= *m;
                    }
                    self.k1.encrypt_block(&mut e);
                    buf_len = 0;
                }
                let take = (16 - buf_len).min(data.len());
                let (head, rest) = data.split_at(take);
                if let Some(dst) = buf.get_mut(buf_len..buf_len + take) {
                    dst.copy_from_slice(head);
                }
                buf_len += take;
                data = rest;
            }
        }
        // Step 4: a complete last block is XORed with K2; an incomplete (or empty) one is
        // padded with a single 1 bit and zeros and XORed with K3. Then E(K1, ·).
        let mask = if buf_len == 16 {
            &self.k2
        } else {
            if let Some(b) = buf.get_mut(buf_len) {
                *b = 0x80;
            }
            if let Some(rest) = buf.get_mut(buf_len + 1..) {
                rest.fill(0);
            }
            &self.k3
        };
        for ((x, m), k) in e.iter_mut().zip(buf.iter()).zip(mask.iter()) {
            *x ^= *m ^ *k;
        }
        self.k1.encrypt_block(&mut e);
        e.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// RFC 3566 §4.6, all seven test cases (key 000102…0f).
    #[test]
    fn rfc3566_test_vectors() {
        let x = Xcbc::new(&h("000102030405060708090a0b0c0d0e0f")).unwrap();
        let msg: Vec<u8> = (0u8..=0x21).collect();
        let cases: [(usize, &str); 6] = [
            (0, "75f0251d528ac01c4573dfd584d79f29"),
            (3, "5b376580ae2f19afe7219ceef172756f"),
            (16, "d2a246fa349b68a79998a4394ff7a263"),
            (20, "47f51b4564966215b8985c63055ed308"),
            (32, "f54f0ec8d2b9f3d36807734bd5283fd4"),
            (34, "becbb3bccdb518a30677d5481fb6b4d8"),
        ];
        for (len, want) in cases {
            assert_eq!(x.mac(&[&msg[..len]]).to_vec(), h(want), "len {len}");
            // The same bytes split across parts at every position give the same MAC.
            for cut in 0..=len {
                assert_eq!(
                    x.mac(&[&msg[..cut], &msg[cut..len]]).to_vec(),
                    h(want),
                    "len {len} cut {cut}"
                );
            }
        }
        // Test case #7: 1000 zero bytes.
        assert_eq!(
            x.mac(&[&[0u8; 1000]]).to_vec(),
            h("f0dafee895db30253761103b5d84528f")
        );
    }

    #[test]
    fn wrong_key_length_is_an_error() {
        assert!(matches!(
            Xcbc::new(&[0; 15]),
            Err(CryptoError::BadKeyLength { got: 15, .. })
        ));
    }
}
