//! Rendering wire bytes as text without losing anything: hex, escaped printable strings, and
//! X.500 distinguished names.

use std::fmt;

/// Lowercase hex, no separators.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// Bytes that are meant to be text (names, FQDNs, banners), rendered losslessly: printable
/// ASCII as itself, backslash as `\\`, anything else as `\xNN`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Printable<'a>(pub &'a [u8]);

impl Printable<'_> {
    /// Whether every byte is printable ASCII (so the rendering is the bytes themselves).
    pub fn is_printable(&self) -> bool {
        is_printable(self.0)
    }
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            match b {
                b'\\' => f.write_str("\\\\")?,
                0x20..=0x7e => write!(f, "{}", char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Non-empty and all printable ASCII.
pub(crate) fn is_printable(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(|c| (0x20..=0x7e).contains(c))
}

/// A DER-encoded X.500 Name (RFC 5280 §4.1.2.4) rendered the way strongSwan prints
/// identities: `C=CH, O=strongSwan, CN=moon.strongswan.org`. Falls back to `#<hex>` when the
/// bytes are not a Name this renderer understands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DerName<'a>(pub &'a [u8]);

impl fmt::Display for DerName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match render_dn(self.0) {
            Some(parts) if !parts.is_empty() => {
                for (i, (key, value)) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match key {
                        Key::Name(n) => f.write_str(n)?,
                        Key::Oid(oid) => write_oid(f, oid)?,
                    }
                    write!(f, "={}", Printable(value))?;
                }
                Ok(())
            }
            _ => write!(f, "#{}", Hex(self.0)),
        }
    }
}

impl fmt::Debug for DerName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerName({self})")
    }
}

enum Key<'a> {
    Name(&'static str),
    Oid(&'a [u8]),
}

/// Most RDNs rendered; a real DN has fewer than ten.
const MAX_RDNS: usize = 32;

/// One DER TLV: (tag, value, rest). Only definite lengths up to 4 length octets.
pub(crate) fn der_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = if l0 < 0x80 {
        (usize::from(l0), rest)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (lb, rest) = rest.split_at_checked(n)?;
        let len = lb
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (len, rest)
    };
    let (value, rest) = rest.split_at_checked(len)?;
    Some((tag, value, rest))
}

fn render_dn(b: &[u8]) -> Option<Vec<(Key<'_>, &[u8])>> {
    const SEQUENCE: u8 = 0x30;
    const SET: u8 = 0x31;
    const OID: u8 = 0x06;
    let (tag, mut rdns, rest) = der_tlv(b)?;
    if tag != SEQUENCE || !rest.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    while !rdns.is_empty() {
        if out.len() >= MAX_RDNS {
            return None;
        }
        let (tag, mut set, next) = der_tlv(rdns)?;
        if tag != SET {
            return None;
        }
        rdns = next;
        while !set.is_empty() {
            if out.len() >= MAX_RDNS {
                return None;
            }
            let (tag, atv, next) = der_tlv(set)?;
            if tag != SEQUENCE {
                return None;
            }
            set = next;
            let (tag, oid, after) = der_tlv(atv)?;
            if tag != OID {
                return None;
            }
            let (_string_tag, value, after) = der_tlv(after)?;
            if !after.is_empty() {
                return None;
            }
            out.push((oid_name(oid).map_or(Key::Oid(oid), Key::Name), value));
        }
    }
    Some(out)
}

/// Short names of the attribute types strongSwan and OpenSSL print.
fn oid_name(oid: &[u8]) -> Option<&'static str> {
    Some(match oid {
        [0x55, 0x04, 0x03] => "CN",
        [0x55, 0x04, 0x04] => "SN",
        [0x55, 0x04, 0x05] => "serialNumber",
        [0x55, 0x04, 0x06] => "C",
        [0x55, 0x04, 0x07] => "L",
        [0x55, 0x04, 0x08] => "ST",
        [0x55, 0x04, 0x09] => "street",
        [0x55, 0x04, 0x0a] => "O",
        [0x55, 0x04, 0x0b] => "OU",
        [0x55, 0x04, 0x0c] => "T",
        [0x55, 0x04, 0x2a] => "G",
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "E",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01] => "UID",
        _ => return None,
    })
}

/// Dotted decimal of a DER OID body.
fn write_oid(f: &mut fmt::Formatter<'_>, oid: &[u8]) -> fmt::Result {
    let mut first = true;
    let mut acc: u64 = 0;
    for &b in oid {
        acc = acc.checked_shl(7).unwrap_or(0) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let (a, rest) = if acc < 80 {
                    (acc / 40, acc % 40)
                } else {
                    (2, acc - 80)
                };
                write!(f, "{a}.{rest}")?;
                first = false;
            } else {
                write!(f, ".{acc}")?;
            }
            acc = 0;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_is_lossless() {
        assert_eq!(Printable(b"lab-right").to_string(), "lab-right");
        assert_eq!(Printable(b"a\\b\x00\xff").to_string(), "a\\\\b\\x00\\xff");
        assert!(Printable(b"left.example.org").is_printable());
        assert!(!Printable(b"\x01").is_printable());
        assert_eq!(Hex(&[0xc5, 0x03, 0x96, 0x82]).to_string(), "c5039682");
    }

    #[test]
    fn renders_a_der_dn() {
        // SEQUENCE { SET { SEQ { OID C, PrintableString "CH" } },
        //            SET { SEQ { OID O, UTF8String "strongSwan" } },
        //            SET { SEQ { OID 1.2.3, IA5String "x" } } }
        let dn = hex::decode(concat!(
            "302d",
            "310b3009060355040613024348",
            "3113301106035504030c0a7374726f6e675377616e",
            "3109300706022a030c0178"
        ))
        .unwrap();
        assert_eq!(DerName(&dn).to_string(), "C=CH, CN=strongSwan, 1.2.3=x");
        // Not a Name: hex fallback, no panic.
        assert_eq!(DerName(&[0x30, 0x05, 0x01]).to_string(), "#300501");
        assert_eq!(DerName(&[]).to_string(), "#");
    }
}
