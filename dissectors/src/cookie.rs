//! The 8-byte cookie (IKEv1, RFC 2408 §3.1) or IKE SA SPI (IKEv2, RFC 7296 §3.1) that, as a
//! pair, names an IKE SA.

use std::fmt;
use std::str::FromStr;

/// An initiator or responder cookie. Displayed as 16 lowercase hex digits, as Wireshark,
/// strongSwan and Cisco's `debug crypto isakmp` print it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Cookie(pub [u8; 8]);

impl Cookie {
    pub const ZERO: Cookie = Cookie([0; 8]);

    /// The responder cookie is all zeros until the responder has answered (RFC 2408 §3.1).
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 8]
    }

    /// Reads a cookie from the first 8 bytes of `bytes`, if there are 8.
    pub fn from_slice(bytes: &[u8]) -> Option<Cookie> {
        bytes.get(..8)?.try_into().ok().map(Cookie)
    }

    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    /// As a big-endian integer (handy as a hash-map key or for sorting).
    pub fn as_u64(&self) -> u64 {
        u64::from_be_bytes(self.0)
    }
}

impl fmt::Display for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.as_u64())
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cookie({self})")
    }
}

/// Error parsing a cookie from text: it must be exactly 16 hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieParseError;

impl fmt::Display for CookieParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a cookie is 16 hex digits, e.g. a1b2c3d4e5f60718")
    }
}

impl std::error::Error for CookieParseError {}

impl FromStr for Cookie {
    type Err = CookieParseError;

    /// Accepts 16 hex digits, with an optional `0x` prefix.
    fn from_str(s: &str) -> Result<Cookie, CookieParseError> {
        let s = s.trim();
        let s = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CookieParseError);
        }
        u64::from_str_radix(s, 16)
            .map(|v| Cookie(v.to_be_bytes()))
            .map_err(|_| CookieParseError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let c: Cookie = "31acfc6c27a16728".parse().unwrap();
        assert_eq!(c.0, [0x31, 0xac, 0xfc, 0x6c, 0x27, 0xa1, 0x67, 0x28]);
        assert_eq!(c.to_string(), "31acfc6c27a16728");
        assert_eq!(
            "0x0000000000000000".parse::<Cookie>().unwrap(),
            Cookie::ZERO
        );
        assert!("31acfc6c27a1672".parse::<Cookie>().is_err());
        assert!("31acfc6c27a1672g".parse::<Cookie>().is_err());
        assert_eq!(Cookie::from_slice(&[1, 2, 3]), None);
    }
}
