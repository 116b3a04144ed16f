//! ESP decryption and ICV verification (RFC 4303), for every transform ikescope knows:
//!
//! | cipher | RFC | IV | notes |
//! |---|---|---|---|
//! | NULL | 2410 | 0 | payload in clear, ICV still checked |
//! | DES-CBC, 3DES-CBC | 2405, 2451 | 8 | |
//! | AES-CBC 128/192/256 | 3602 | 16 | |
//! | AES-CTR | 3686 | 8 | counter block = nonce(4) ‖ IV(8) ‖ 32-bit counter from 1 |
//! | AES-GCM ICV 8/12/16 | 4106 | 8 | nonce = salt(4) ‖ IV(8); AAD = SPI ‖ seq (‖ ESN) |
//!
//! | integrity | RFC | ICV |
//! |---|---|---|
//! | HMAC-MD5-96, HMAC-SHA1-96 | 2403, 2404 | 12 |
//! | HMAC-SHA2-256-128 / -384-192 / -512-256 | 4868 | 16 / 24 / 32 |
//! | AES-XCBC-MAC-96 | 3566 | 12 |
//!
//! An [`EspDecryptor`] is built once per SA: key schedules, HMAC inner/outer states and GCM's
//! hash key are computed there, so a packet costs one MAC pass, one cipher pass and no
//! allocation (the plaintext goes into a caller-owned, reused buffer).
//!
//! **ICV first, then decrypt anyway.** RFC 4303 §3.4.4 has a receiver verify the ICV before
//! decrypting and drop the packet on failure. ikescope is a diagnostic, not a receiver: it
//! verifies first, reports the result as [`IcvStatus`], and decrypts regardless, because the
//! bytes of a packet that failed its ICV still tell an engineer something (a wrong integrity
//! key with the right cipher key decrypts to a valid inner packet; garbage means the cipher
//! key is wrong too). Callers must not treat the plaintext of a [`IcvStatus::Failed`] packet
//! as authentic.

use std::fmt;

use super::ciphers::{
    CbcDecrypt, CtrKeystream, GcmOpen, cbc_cipher, ctr_cipher, gcm_cipher, split_salt,
};
use super::integ::IntegKey;
use super::{CryptoError, EncAlg, IntegAlg};
use crate::error::{ErrorKind, ParseError};

/// The keys of one ESP SA (one direction, one SPI), as negotiated (quick-mode KEYMAT,
/// IKEv2 KEYMAT) or read from `ip xfrm state` / Wireshark's `esp_sa` table.
#[derive(Clone, PartialEq, Eq)]
pub struct EspSaKeys {
    pub enc: EncAlg,
    /// The cipher key; for AES-CTR and AES-GCM it ends with the 4-byte nonce/salt (RFC 3686
    /// §5.1, RFC 4106 §8.1), exactly as xfrm and KEYMAT lay it out.
    pub enc_key: Vec<u8>,
    /// [`IntegAlg::None`] for combined-mode ciphers (GCM) and NULL authentication.
    pub integ: IntegAlg,
    /// The integrity key. Empty with an integrity algorithm means "key unknown": the ICV of
    /// that algorithm's length is skipped and reported [`IcvStatus::Unchecked`] (tcpdump's
    /// `-E …-hmac96:KEY` and Wireshark's "ANY 96 bit authentication [no checking]" work the
    /// same way: they know the ICV length, not the key).
    pub integ_key: Vec<u8>,
    /// Extended (64-bit) sequence numbers negotiated (RFC 4303 §2.2.1).
    pub esn: bool,
}

/// Keys are secrets: the debug form names the algorithms and key lengths only.
impl fmt::Debug for EspSaKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EspSaKeys")
            .field("enc", &self.enc)
            .field("enc_key_len", &self.enc_key.len())
            .field("integ", &self.integ)
            .field("integ_key_len", &self.integ_key.len())
            .field("esn", &self.esn)
            .finish()
    }
}

/// The outcome of the integrity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IcvStatus {
    /// The ICV (or GCM tag) matches: the packet is authentic for these keys.
    Ok,
    /// The ICV does not match: wrong integrity key, wrong SA, corruption, or tampering.
    Failed,
    /// Not checked: the SA has no integrity protection (NULL authentication without a
    /// combined cipher), or the integrity key is unknown.
    Unchecked,
}

/// A decrypted ESP packet. The slices borrow the caller's output buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EspPlaintext<'o> {
    pub spi: u32,
    /// The low 32 bits of the sequence number, as on the wire.
    pub sequence: u32,
    pub icv: IcvStatus,
    /// Next Header (RFC 4303 §2.6): 4 = IPv4, 41 = IPv6 in tunnel mode; the transport
    /// protocol (1, 6, 17, 58, …) in transport mode; 59 = dummy packet (RFC 4303 §2.6).
    pub next_header: u8,
    pub pad_len: u8,
    /// Whether the padding is the default 1, 2, 3, … sequence of RFC 4303 §2.4 and fits in
    /// the decrypted bytes. False for a wrong key (the trailer is then noise) and for senders
    /// that pad otherwise.
    pub padding_ok: bool,
    /// The protected data: the inner packet (tunnel mode) or transport payload. Empty when
    /// `pad_len` does not fit.
    pub payload: &'o [u8],
    /// Everything decrypted: payload ‖ padding ‖ pad length ‖ next header.
    pub decrypted: &'o [u8],
}

/// Why a packet could not be processed at all (as opposed to an ICV mismatch, which is a
/// result). Offsets count from the SPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EspError {
    /// The packet is shorter than SPI + sequence + IV + the cipher's minimum + ICV.
    Truncated {
        /// "SPI and sequence number", "IV", "ICV" or "trailer" (pad length + next header,
        /// or one cipher block).
        field: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// A CBC ciphertext that is not a whole number of blocks (RFC 4303 §2.4).
    NotBlockAligned {
        offset: usize,
        len: usize,
        block_size: usize,
    },
}

impl fmt::Display for EspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ParseError::from(self.clone()).fmt(f)
    }
}

impl std::error::Error for EspError {}

/// In the crate's common error form, element "ESP packet", so the tracker counts ESP failures
/// like any parse failure.
impl From<EspError> for ParseError {
    fn from(e: EspError) -> Self {
        match e {
            EspError::Truncated {
                field,
                offset,
                needed,
                available,
            } => ParseError::truncated("ESP packet", field, offset, needed, available),
            EspError::NotBlockAligned { offset, len, .. } => ParseError::new(
                "ESP packet",
                "ciphertext length (not a multiple of the cipher block)",
                offset,
                ErrorKind::BadValue {
                    value: u64::try_from(len).unwrap_or(u64::MAX),
                },
            ),
        }
    }
}

enum Cipher {
    Null,
    Cbc(Box<dyn CbcDecrypt>),
    Ctr {
        aes: Box<dyn CtrKeystream>,
        nonce: [u8; 4],
    },
    Gcm {
        aead: Box<dyn GcmOpen>,
        salt: [u8; 4],
    },
}

/// Decrypts and verifies the packets of one ESP SA. Build once per SA with
/// [`EspDecryptor::new`]; [`EspDecryptor::decrypt`] then works without allocating (beyond
/// growing the output buffer the first time).
pub struct EspDecryptor {
    enc: EncAlg,
    integ: IntegAlg,
    esn: bool,
    cipher: Cipher,
    mac: IntegKey,
}

impl fmt::Debug for EspDecryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EspDecryptor")
            .field("enc", &self.enc)
            .field("integ", &self.integ)
            .field("esn", &self.esn)
            .finish_non_exhaustive()
    }
}

const HEADER_LEN: usize = 8;

impl EspDecryptor {
    /// Checks the key lengths and precomputes key schedules and MAC states. A combined-mode
    /// cipher (GCM) with a separate integrity algorithm is refused (RFC 4303 §3.2.3: a
    /// combined mode algorithm provides both), as are CBC/CTR/NULL key lengths the transform
    /// RFCs do not allow.
    pub fn new(keys: &EspSaKeys) -> Result<Self, CryptoError> {
        let cipher = match keys.enc {
            EncAlg::Null => {
                if !keys.enc_key.is_empty() {
                    return Err(CryptoError::BadKeyLength {
                        alg: "NULL",
                        got: keys.enc_key.len(),
                        expected: "0",
                    });
                }
                Cipher::Null
            }
            EncAlg::DesCbc | EncAlg::TripleDesCbc | EncAlg::AesCbc => {
                Cipher::Cbc(cbc_cipher(keys.enc, &keys.enc_key)?)
            }
            EncAlg::AesCtr => {
                let (key, nonce) = split_salt("AES-CTR", &keys.enc_key)?;
                Cipher::Ctr {
                    aes: ctr_cipher(key)?,
                    nonce,
                }
            }
            EncAlg::AesGcm { icv_len } => {
                if keys.integ != IntegAlg::None {
                    return Err(CryptoError::Unsupported(
                        "a separate integrity algorithm with AES-GCM",
                    ));
                }
                let (key, salt) = split_salt("AES-GCM", &keys.enc_key)?;
                Cipher::Gcm {
                    aead: gcm_cipher(key, icv_len)?,
                    salt,
                }
            }
        };
        Ok(EspDecryptor {
            enc: keys.enc,
            integ: keys.integ,
            esn: keys.esn,
            cipher,
            mac: if keys.integ_key.is_empty() {
                IntegKey::None
            } else {
                IntegKey::new(keys.integ, &keys.integ_key)?
            },
        })
    }

    /// Bytes of ICV at the end of each packet of this SA.
    pub fn icv_len(&self) -> usize {
        match self.enc {
            EncAlg::AesGcm { icv_len } => usize::from(icv_len),
            _ => self.integ.icv_len(),
        }
    }

    /// Decrypts one packet. `esp` is the ESP packet from the SPI onwards: SPI, sequence
    /// number, IV, ciphertext (payload, padding, pad length, next header), ICV. With ESN,
    /// `seq_hi` is the high 32 bits of the sequence number, which the receiver infers (RFC
    /// 4303 Appendix A); it enters the ICV (RFC 4303 §2.2.1) and the GCM AAD (RFC 4106 §5).
    /// `None` on an ESN SA means 0; on a non-ESN SA `seq_hi` is ignored.
    ///
    /// `out` is cleared and receives the decrypted bytes; the result borrows it.
    pub fn decrypt<'o>(
        &self,
        esp: &[u8],
        seq_hi: Option<u32>,
        out: &'o mut Vec<u8>,
    ) -> Result<EspPlaintext<'o>, EspError> {
        let seq_hi = if self.esn {
            Some(seq_hi.unwrap_or(0))
        } else {
            None
        };
        let iv_len = self.enc.iv_len();
        let icv_len = self.icv_len();
        let (header, rest) = esp
            .split_at_checked(HEADER_LEN)
            .ok_or(EspError::Truncated {
                field: "SPI and sequence number",
                offset: 0,
                needed: HEADER_LEN,
                available: esp.len(),
            })?;
        let (iv, rest) = rest.split_at_checked(iv_len).ok_or(EspError::Truncated {
            field: "IV",
            offset: HEADER_LEN,
            needed: iv_len,
            available: rest.len(),
        })?;
        let ct_len = rest.len().checked_sub(icv_len).ok_or(EspError::Truncated {
            field: "ICV",
            offset: HEADER_LEN + iv_len,
            needed: icv_len,
            available: rest.len(),
        })?;
        let (ciphertext, icv) = rest.split_at_checked(ct_len).ok_or(EspError::Truncated {
            field: "ICV",
            offset: HEADER_LEN + iv_len,
            needed: icv_len,
            available: rest.len(),
        })?;
        let ct_offset = HEADER_LEN + iv_len;
        // The trailer (pad length, next header) is always there; CBC needs at least a block.
        let min_ct = self.enc.block_size().max(2);
        if ciphertext.len() < min_ct {
            return Err(EspError::Truncated {
                field: "trailer",
                offset: ct_offset,
                needed: min_ct,
                available: ciphertext.len(),
            });
        }
        let bs = self.enc.block_size();
        if !ciphertext.len().is_multiple_of(bs) {
            return Err(EspError::NotBlockAligned {
                offset: ct_offset,
                len: ciphertext.len(),
                block_size: bs,
            });
        }
        let spi_bytes = header.get(..4).unwrap_or(&[]);
        let seq_bytes = header.get(4..8).unwrap_or(&[]);
        let spi = u32::from_be_bytes(array::<4>(&[spi_bytes]));
        let sequence = u32::from_be_bytes(array::<4>(&[seq_bytes]));
        let seq_hi_bytes = seq_hi.map(u32::to_be_bytes);
        let seq_hi_part: &[u8] = match &seq_hi_bytes {
            Some(b) => b,
            None => &[],
        };

        out.clear();
        out.resize(ciphertext.len(), 0);
        // Lengths were checked above, so the primitives cannot refuse them; should one ever
        // do, report it against the ciphertext rather than panic.
        let internal = |e: CryptoError| match e {
            CryptoError::NotBlockAligned { len, block_size } => EspError::NotBlockAligned {
                offset: ct_offset,
                len,
                block_size,
            },
            _ => EspError::Truncated {
                field: "ciphertext",
                offset: ct_offset,
                needed: ciphertext.len(),
                available: 0,
            },
        };

        let icv_status = match &self.cipher {
            Cipher::Gcm { aead, salt } => {
                // RFC 4106 §4: nonce = salt ‖ explicit IV. §5: AAD = SPI ‖ seq (32-bit) or
                // SPI ‖ ESN high ‖ ESN low (64-bit).
                let nonce = array::<12>(&[salt, iv]);
                let aad = array::<12>(&[spi_bytes, seq_hi_part, seq_bytes]);
                let aad = aad.get(..8 + seq_hi_part.len()).unwrap_or(&[]);
                let ok = aead
                    .open(&nonce, aad, ciphertext, icv, out)
                    .map_err(internal)?;
                if ok { IcvStatus::Ok } else { IcvStatus::Failed }
            }
            cipher => {
                // RFC 4303 §3.4.4: the ICV covers SPI, sequence number, IV and ciphertext,
                // plus the implicit ESN high bits after the trailer (§2.2.1).
                let status = if self.mac.is_none() {
                    IcvStatus::Unchecked
                } else {
                    let covered = esp.get(..esp.len() - icv_len).unwrap_or(&[]);
                    if self.mac.verify(&[covered, seq_hi_part], icv) {
                        IcvStatus::Ok
                    } else {
                        IcvStatus::Failed
                    }
                };
                match cipher {
                    Cipher::Null => out.copy_from_slice(ciphertext),
                    Cipher::Cbc(c) => c.decrypt(iv, ciphertext, out).map_err(internal)?,
                    Cipher::Ctr { aes, nonce } => {
                        // RFC 3686 §4: nonce ‖ IV ‖ block counter, the counter starting at 1.
                        let block = array::<16>(&[nonce, iv, &[0, 0, 0, 1]]);
                        aes.apply(&block, ciphertext, out).map_err(internal)?;
                    }
                    Cipher::Gcm { .. } => {}
                }
                status
            }
        };

        let decrypted: &'o [u8] = out;
        let n = decrypted.len();
        let pad_len = decrypted.get(n.wrapping_sub(2)).copied().unwrap_or(0);
        let next_header = decrypted.get(n.wrapping_sub(1)).copied().unwrap_or(0);
        let (payload, padding_ok) = match n
            .checked_sub(2)
            .and_then(|m| m.checked_sub(usize::from(pad_len)))
        {
            Some(payload_len) => {
                let padding = decrypted.get(payload_len..n - 2).unwrap_or(&[]);
                // RFC 4303 §2.4: default padding is 1, 2, 3, …
                let monotonic = padding.iter().zip(1u8..).all(|(&b, want)| b == want);
                (decrypted.get(..payload_len).unwrap_or(&[]), monotonic)
            }
            None => (&[][..], false),
        };
        Ok(EspPlaintext {
            spi,
            sequence,
            icv: icv_status,
            next_header,
            pad_len,
            padding_ok,
            payload,
            decrypted,
        })
    }
}

/// The concatenation of `parts` in a fixed-size array (zero-filled if shorter, cut if longer):
/// nonces, counter blocks and AADs without indexing.
fn array<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut a = [0u8; N];
    for (dst, src) in a.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
        *dst = *src;
    }
    a
}
