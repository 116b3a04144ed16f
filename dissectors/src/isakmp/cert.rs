//! Certificate (RFC 2408 §3.9) and Certificate Request (§3.10) payloads: an encoding octet and
//! data (the certificate, or for CR the name of an acceptable CA).

use std::fmt;

use super::reader::Reader;
use super::text::{DerName, der_tlv};
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

/// The issuer and subject Names of a DER X.509 certificate (RFC 5280 §4.1: Certificate →
/// tbsCertificate → [0] version, serialNumber, signature, issuer, validity, subject), for
/// showing whose certificate a peer sent. `None` if the bytes are not shaped like one.
pub fn x509_names(der: &[u8]) -> Option<(DerName<'_>, DerName<'_>)> {
    const SEQUENCE: u8 = 0x30;
    const VERSION: u8 = 0xa0;
    let (tag, cert, _) = der_tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = der_tlv(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    // Each field as its whole TLV (the Name renderer wants the SEQUENCE itself).
    let mut rest = tbs;
    let mut next = || -> Option<(u8, &[u8])> {
        let (tag, _, after) = der_tlv(rest)?;
        let whole = rest.get(..rest.len() - after.len())?;
        rest = after;
        Some((tag, whole))
    };
    let (mut tag, mut field) = next()?;
    if tag == VERSION {
        (tag, field) = next()?;
    }
    let _serial = (tag, field);
    let (_signature, _) = next()?;
    let (issuer_tag, issuer) = next()?;
    let (_validity, _) = next()?;
    let (subject_tag, subject) = next()?;
    (issuer_tag == SEQUENCE && subject_tag == SEQUENCE)
        .then_some((DerName(issuer), DerName(subject)))
}

impl<'a> CertPayload<'a> {
    /// Issuer and subject, for an X.509 certificate.
    pub fn x509_names(&self) -> Option<(DerName<'a>, DerName<'a>)> {
        matches!(
            self.encoding,
            CertEncoding::X509_SIGNATURE | CertEncoding::X509_KEY_EXCHANGE
        )
        .then(|| x509_names(self.data))
        .flatten()
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
