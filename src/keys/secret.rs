//! [`Secret`]: key bytes that never print themselves, and the text encodings key files use for
//! them (hex with optional separators, strongSwan's `0x`/`0s` prefixes, base64).

use std::fmt;

/// Key material: a PSK, g^xy, SKEYID, an ESP key…
///
/// `Debug` prints only the length (`Secret(<redacted, 16 bytes>)`) and there is no `Display`:
/// the bytes leave this type only through [`Secret::expose`] or [`Secret::to_hex`], which only
/// `--show-keys` code paths call.
///
/// The bytes are overwritten with zeros when the `Secret` is dropped. This is best effort: the
/// text the secret was parsed from, copies made while parsing, and copies made by callers are
/// not covered, and the operating system may have swapped the page out. It shortens the
/// lifetime of key bytes in memory; it does not make the process safe against a memory dump.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Secret {
        Secret(bytes.to_vec())
    }

    /// The key bytes. Call only where the bytes are needed for computation or where the user
    /// asked to see keys (`--show-keys`).
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Lowercase hex, no separators; for `--show-keys` output and exported decryption tables.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} bytes>)", self.0.len())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites `bytes` with zeros. `black_box` keeps the compiler from removing the writes as
/// dead stores (a hint, not a guarantee, which is why this is documented as best effort).
pub(crate) fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        *b = 0;
    }
    std::hint::black_box(bytes);
}

/// Why a hex string did not parse; the message never quotes the text (it may be a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HexError {
    Empty,
    /// A character that is not a hex digit or an allowed separator, at this character index.
    BadChar {
        ch: char,
        index: usize,
    },
    OddDigits(usize),
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::Empty => f.write_str("found nothing"),
            HexError::BadChar { ch, index } => {
                write!(f, "found {ch:?} at character {}", index + 1)
            }
            HexError::OddDigits(n) => write!(f, "found an odd number of hex digits ({n})"),
        }
    }
}

/// Parses hex key text: an optional `0x`, then hex digits, optionally separated by `:`, spaces
/// or tabs (strongSwan prints `6c:61:62`, people paste with spaces).
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let t = text.trim();
    let (t, skipped) = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(rest) => (rest, 2),
        None => (t, 0),
    };
    let mut digits = Vec::with_capacity(t.len());
    for (i, ch) in t.chars().enumerate() {
        match ch.to_digit(16) {
            Some(d) => digits.push(d as u8),
            None if matches!(ch, ':' | ' ' | '\t') => {}
            None => {
                return Err(HexError::BadChar {
                    ch,
                    index: i + skipped,
                });
            }
        }
    }
    if digits.is_empty() {
        return Err(HexError::Empty);
    }
    if digits.len() % 2 != 0 {
        return Err(HexError::OddDigits(digits.len()));
    }
    let bytes = digits.chunks_exact(2).map(|p| match p {
        [hi, lo] => (hi << 4) | lo,
        _ => 0,
    });
    let out = bytes.collect();
    wipe(&mut digits);
    Ok(out)
}

/// Decodes standard base64 (RFC 4648 §4), padding optional, whitespace ignored. strongSwan
/// writes binary secrets as `0s<base64>`; ten lines do not justify a dependency.
pub(crate) fn parse_base64(text: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut padding = false;
    for c in text.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding = true;
            continue;
        }
        if padding {
            return None; // data after padding
        }
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding of the last sextet (at most 4 bits).
    if bits >= 6 || acc != 0 || out.is_empty() {
        return None;
    }
    Some(out)
}

/// Why a PSK text did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretTextError {
    Hex(HexError),
    Base64,
    Empty,
}

impl fmt::Display for SecretTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretTextError::Hex(e) => write!(
                f,
                "hex digits after 0x (write a secret that really starts with 0x in hex), {e}"
            ),
            SecretTextError::Base64 => f.write_str("base64 after 0s, found invalid base64"),
            SecretTextError::Empty => f.write_str("a non-empty secret"),
        }
    }
}

/// A PSK as strongSwan writes it (and as ikescope's TOML takes it): `0x…` is hex, `0s…` is
/// base64, anything else is the literal text (UTF-8 bytes).
pub(crate) fn parse_psk_text(text: &str) -> Result<Secret, SecretTextError> {
    if text.is_empty() {
        return Err(SecretTextError::Empty);
    }
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return parse_hex(hex)
            .map(Secret::new)
            .map_err(SecretTextError::Hex);
    }
    if let Some(b64) = text.strip_prefix("0s") {
        return parse_base64(b64)
            .map(Secret::new)
            .ok_or(SecretTextError::Base64);
    }
    Ok(Secret::from_slice(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let s = Secret::from_slice(b"cisco123");
        assert_eq!(format!("{s:?}"), "Secret(<redacted, 8 bytes>)");
        assert_eq!(s.expose(), b"cisco123");
        assert_eq!(s.to_hex(), "636973636f313233");
    }

    #[test]
    fn hex_forms() {
        assert_eq!(parse_hex("0xA1b2").unwrap(), vec![0xa1, 0xb2]);
        assert_eq!(parse_hex("6c:61:62").unwrap(), b"lab".to_vec());
        assert_eq!(parse_hex("6c 61\t62").unwrap(), b"lab".to_vec());
        assert_eq!(
            parse_hex("0xzz"),
            Err(HexError::BadChar { ch: 'z', index: 2 })
        );
        assert_eq!(parse_hex("abc"), Err(HexError::OddDigits(3)));
        assert_eq!(parse_hex("0x"), Err(HexError::Empty));
    }

    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        assert_eq!(parse_base64("Zg==").unwrap(), b"f");
        assert_eq!(parse_base64("Zm8=").unwrap(), b"fo");
        assert_eq!(parse_base64("Zm9v").unwrap(), b"foo");
        assert_eq!(parse_base64("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(parse_base64("Zm9vYmE=").unwrap(), b"fooba");
        assert_eq!(parse_base64("Zm9vYmFy").unwrap(), b"foobar");
        assert_eq!(parse_base64("Zm9vYmFy\n").unwrap(), b"foobar");
        assert!(parse_base64("Zm9v!").is_none());
        assert!(parse_base64("Zh==").is_none()); // non-zero padding bits
        assert!(parse_base64("").is_none());
    }

    #[test]
    fn psk_text() {
        assert_eq!(parse_psk_text("cisco123").unwrap().expose(), b"cisco123");
        assert_eq!(
            parse_psk_text("0x6c61622d").unwrap().expose(),
            b"lab-".as_slice()
        );
        assert_eq!(parse_psk_text("0sbGFiLQ==").unwrap().expose(), b"lab-");
        assert!(parse_psk_text("0xnothex").is_err());
        assert!(parse_psk_text("").is_err());
    }
}
