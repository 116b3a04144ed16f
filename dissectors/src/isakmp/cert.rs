//! Certificate (RFC 2408 §3.9) and Certificate Request (§3.10) payloads: an encoding octet and
//! data (the certificate, or for CR the name of an acceptable CA).

use std::fmt;

use super::reader::Reader;
use crate::error::ParseError;

open_enum! {
    /// Certificate encoding (RFC 2408 §3.9).
    pub struct CertEncoding(u8) {
        NONE = 0 => "NONE",
        PKCS7_WRAPPED_X509 = 1 => "PKCS #7 wrapped X.509 certificate",
        PGP = 2 => "PGP Certificate",
        DNS_SIGNED_KEY = 3 => "DNS Signed Key",
        X509_SIGNATURE = 4 => "X.509 Certificate - Signature",
        X509_KEY_EXCHANGE = 5 => "X.509 Certificate - Key Exchange",
        KERBEROS_TOKENS = 6 => "Kerberos Tokens",
        CRL = 7 => "Certificate Revocation List (CRL)",
        ARL = 8 => "Authority Revocation List (ARL)",
        SPKI = 9 => "SPKI Certificate",
        X509_ATTRIBUTE = 10 => "X.509 Certificate - Attribute",
    }
}
display_by_name!(CertEncoding, "CERT-ENCODING");

/// A CERT or CR payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertPayload<'a> {
    pub encoding: CertEncoding,
    /// The certificate (DER for X.509), or for a CR the CA's DER Name (may be empty: "any").
    pub data: &'a [u8],
}

impl<'a> CertPayload<'a> {
    /// `element` is "CERT payload" or "CR payload".
    pub fn parse(
        body: &'a [u8],
        base: usize,
        element: &'static str,
    ) -> Result<CertPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, element);
        let encoding = CertEncoding(r.u8("certificate encoding")?);
        Ok(CertPayload {
            encoding,
            data: r.rest(),
        })
    }
}

impl fmt::Display for CertPayload<'_> {
    /// `X.509 Certificate - Signature, 1021 bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} bytes", self.encoding, self.data.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_and_cr() {
        let c = CertPayload::parse(&[4, 0x30, 0x82], 10, "CERT payload").unwrap();
        assert_eq!(c.encoding, CertEncoding::X509_SIGNATURE);
        assert_eq!(c.to_string(), "X.509 Certificate - Signature, 2 bytes");
        let e = CertPayload::parse(&[], 10, "CR payload").unwrap_err();
        assert_eq!(
            (e.element, e.field, e.offset),
            ("CR payload", "certificate encoding", 10)
        );
        assert_eq!(CertEncoding(200).to_string(), "CERT-ENCODING(200)");
    }
}
