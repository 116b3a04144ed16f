//! Key schedules for the ciphers, built once per key, behind small object-safe traits so the
//! ESP and IKEv2 code can hold "some CBC cipher" without a generic parameter per algorithm.
//!
//! The modes come from RustCrypto (`cbc`, `ctr`, `aes-gcm`); AES from `aes` (AES-NI/VAES
//! selected at run time through `cpufeatures`); DES/3DES from [`super::des_sp`].

use aes::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockSizeUser, InnerIvInit, KeyInit,
    StreamCipher,
};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::AesGcm;
use aes_gcm::aead::AeadInOut;
use aes_gcm::aead::array::{Array, ArraySize};
use aes_gcm::aead::consts::{U8, U12, U16};
use aes_gcm::aead::inout::InOutBuf;

use super::des_sp::DesSp;
use super::{CryptoError, EncAlg};

/// CBC decryption with a precomputed key schedule.
pub(crate) trait CbcDecrypt: Send + Sync {
    /// Decrypts `ct` (a whole number of blocks) into `out` (the same length), starting from
    /// `iv` (one block).
    fn decrypt(&self, iv: &[u8], ct: &[u8], out: &mut [u8]) -> Result<(), CryptoError>;
}

impl<C> CbcDecrypt for C
where
    C: BlockCipherDecrypt + Send + Sync,
{
    fn decrypt(&self, iv: &[u8], ct: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        let bs = <C as BlockSizeUser>::block_size();
        let iv = Array::try_from(iv).map_err(|_| CryptoError::BadIvLength {
            alg: "CBC",
            got: iv.len(),
            expected: bs,
        })?;
        if !ct.len().is_multiple_of(bs) {
            return Err(CryptoError::NotBlockAligned {
                len: ct.len(),
                block_size: bs,
            });
        }
        let buf = InOutBuf::new(ct, out).map_err(|_| CryptoError::Truncated {
            element: "CBC output buffer",
            needed: ct.len(),
            available: 0,
        })?;
        let (blocks, _tail) = buf.into_chunks::<C::BlockSize>();
        // The mode borrows the key schedule (`&C` is itself a block cipher), so nothing is
        // cloned or rebuilt per message.
        cbc::Decryptor::<&C>::inner_iv_init(self, &iv).decrypt_blocks_inout(blocks);
        Ok(())
    }
}

fn key_err(alg: &'static str, got: usize, expected: &'static str) -> CryptoError {
    CryptoError::BadKeyLength { alg, got, expected }
}

/// The AES key schedule for a 16-, 24- or 32-byte key.
pub(crate) enum AesKey {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

impl AesKey {
    pub(crate) fn new(alg: &'static str, key: &[u8]) -> Result<Self, CryptoError> {
        let bad = || key_err(alg, key.len(), "16, 24 or 32");
        Ok(match key.len() {
            16 => AesKey::A128(Aes128::new_from_slice(key).map_err(|_| bad())?),
            24 => AesKey::A192(Aes192::new_from_slice(key).map_err(|_| bad())?),
            32 => AesKey::A256(Aes256::new_from_slice(key).map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }
}

/// A CBC key schedule for `alg` (DES, 3DES or AES), checking the key length.
pub(crate) fn cbc_cipher(alg: EncAlg, key: &[u8]) -> Result<Box<dyn CbcDecrypt>, CryptoError> {
    match alg {
        // DES and 3DES use the table-driven implementation in `des_sp` (see there why).
        EncAlg::DesCbc if key.len() == 8 => Ok(Box::new(DesSp::new(key)?)),
        EncAlg::DesCbc => Err(key_err("DES-CBC", key.len(), "8")),
        EncAlg::TripleDesCbc if key.len() == 24 => Ok(Box::new(DesSp::new(key)?)),
        EncAlg::TripleDesCbc => Err(key_err("3DES-CBC", key.len(), "24")),
        EncAlg::AesCbc => Ok(match AesKey::new("AES-CBC", key)? {
            AesKey::A128(c) => Box::new(c),
            AesKey::A192(c) => Box::new(c),
            AesKey::A256(c) => Box::new(c),
        }),
        _ => Err(CryptoError::Unsupported("not a CBC cipher")),
    }
}

/// AES in counter mode over a 16-byte initial counter block (RFC 3686 §4: nonce ‖ IV ‖
/// 32-bit big-endian block counter starting at 1; the same layout serves GCM's J0+1).
pub(crate) trait CtrKeystream: Send + Sync {
    fn apply(
        &self,
        counter_block: &[u8; 16],
        input: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError>;
}

impl<C> CtrKeystream for C
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + Send + Sync,
{
    fn apply(
        &self,
        counter_block: &[u8; 16],
        input: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let block = Array::from(*counter_block);
        let core = ctr::CtrCore::<&C, ctr::flavors::Ctr32BE>::inner_iv_init(self, &block);
        let mut ctr = ctr::Ctr32BE::from_core(core);
        ctr.try_apply_keystream_b2b(input, out)
            .map_err(|_| CryptoError::Truncated {
                element: "CTR output buffer",
                needed: input.len(),
                available: 0,
            })
    }
}

pub(crate) fn ctr_cipher(key: &[u8]) -> Result<Box<dyn CtrKeystream>, CryptoError> {
    Ok(match AesKey::new("AES-CTR", key)? {
        AesKey::A128(c) => Box::new(c),
        AesKey::A192(c) => Box::new(c),
        AesKey::A256(c) => Box::new(c),
    })
}

/// AES-GCM opening with a 12-byte nonce and a tag of the SA's length.
pub(crate) trait GcmOpen: Send + Sync {
    /// Decrypts `ct` into `out` (same length). Returns whether `tag` verifies. When it does
    /// not, `out` still receives the CTR decryption of `ct` (GCM's keystream does not depend
    /// on the tag), so a diagnostic can show what the bytes would have been.
    fn open(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
        out: &mut [u8],
    ) -> Result<bool, CryptoError>;
}

impl<A, T> GcmOpen for AesGcm<A, U12, T>
where
    A: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + Send + Sync,
    T: aes_gcm::TagSize + ArraySize + Send + Sync,
{
    fn open(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
        out: &mut [u8],
    ) -> Result<bool, CryptoError> {
        let nonce = Array::from(*nonce);
        let tag = Array::<u8, T>::try_from(tag).map_err(|_| CryptoError::Truncated {
            element: "GCM tag",
            needed: T::USIZE,
            available: tag.len(),
        })?;
        let too_short = || CryptoError::Truncated {
            element: "GCM output buffer",
            needed: ct.len(),
            available: 0,
        };
        let buf = InOutBuf::new(ct, out).map_err(|_| too_short())?;
        if self.decrypt_inout_detached(&nonce, aad, buf, &tag).is_ok() {
            return Ok(true);
        }
        // Tag mismatch (or an over-long input, which ESP/IKE cannot produce). GCM encryption
        // and decryption apply the same keystream, so "encrypting" the ciphertext yields the
        // plaintext; the tag it computes is discarded.
        let buf = InOutBuf::new(ct, out).map_err(|_| too_short())?;
        let _ = self.encrypt_inout_detached(&nonce, aad, buf);
        Ok(false)
    }
}

/// An AES-GCM key schedule (`key` without the salt) for a tag of 8, 12 or 16 bytes (RFC 4106
/// §8: ICV lengths 8, 12 and 16; RFC 5282 the same for IKEv2).
pub(crate) fn gcm_cipher(key: &[u8], icv_len: u8) -> Result<Box<dyn GcmOpen>, CryptoError> {
    fn boxed<A>(aes: A, icv_len: u8) -> Result<Box<dyn GcmOpen>, CryptoError>
    where
        A: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + Send + Sync + 'static,
    {
        Ok(match icv_len {
            8 => Box::new(AesGcm::<A, U12, U8>::from(aes)),
            12 => Box::new(AesGcm::<A, U12, U12>::from(aes)),
            16 => Box::new(AesGcm::<A, U12, U16>::from(aes)),
            _ => {
                return Err(CryptoError::Unsupported(
                    "AES-GCM ICV length other than 8, 12, 16",
                ));
            }
        })
    }
    match AesKey::new("AES-GCM", key)? {
        AesKey::A128(c) => boxed(c, icv_len),
        AesKey::A192(c) => boxed(c, icv_len),
        AesKey::A256(c) => boxed(c, icv_len),
    }
}

/// Splits GCM/CTR key material into the AES key and the trailing 4-byte salt/nonce (RFC 4106
/// §8.1, RFC 3686 §5.1, RFC 5282 §7.1).
pub(crate) fn split_salt<'k>(
    alg: &'static str,
    keymat: &'k [u8],
) -> Result<(&'k [u8], [u8; 4]), CryptoError> {
    let bad = || key_err(alg, keymat.len(), "20, 28 or 36 (AES key + 4-byte salt)");
    let split = keymat.len().checked_sub(4).ok_or_else(bad)?;
    let (key, salt) = keymat.split_at_checked(split).ok_or_else(bad)?;
    let salt: [u8; 4] = salt.try_into().map_err(|_| bad())?;
    Ok((key, salt))
}

/// AES in counter mode with a 32-bit big-endian block counter in the last four bytes of
/// `counter_block` (the RFC 3686 and GCM layout): encrypts or decrypts `data`. For tests and
/// for callers outside ESP (IKEv2 AES-CTR, RFC 5930).
pub fn aes_ctr(key: &[u8], counter_block: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; data.len()];
    ctr_cipher(key)?.apply(counter_block, data, &mut out)?;
    Ok(out)
}

/// AES-GCM (NIST SP 800-38D) with a 96-bit nonce: decrypts `ciphertext` and checks `tag`
/// (8, 12 or 16 bytes). Returns the plaintext and whether the tag verified; the plaintext is
/// produced either way (see [`super::esp`]).
pub fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<(Vec<u8>, bool), CryptoError> {
    let tag_len = u8::try_from(tag.len())
        .map_err(|_| CryptoError::Unsupported("AES-GCM ICV length other than 8, 12, 16"))?;
    let mut out = vec![0u8; ciphertext.len()];
    let ok = gcm_cipher(key, tag_len)?.open(nonce, aad, ciphertext, tag, &mut out)?;
    Ok((out, ok))
}
