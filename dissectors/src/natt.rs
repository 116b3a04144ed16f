//! Demultiplexing IKE and IPsec over UDP (RFC 3948 §2, RFC 3947, RFC 7296 §2.23).
//!
//! On UDP port 4500 (on either side: behind a NAT only one side keeps it) three things share
//! the port, told apart by their first bytes (RFC 3948 §2):
//!
//! - four zero bytes, the **non-ESP marker** (§2.2), then an IKE message;
//! - a single 0xFF byte, a **NAT-keepalive** (§2.3);
//! - anything else is **UDP-encapsulated ESP** (§2.1): its SPI, which is never zero, comes
//!   first.
//!
//! On port 500 the payload is an ISAKMP message (IKEv1 or IKEv2) with no marker. Some
//! implementations put a non-ESP marker there anyway (a NAT-T code path reused for the wrong
//! port). A genuine message never starts with four zero bytes *and* fails its own length
//! check, so the marker is stripped on port 500 only when the payload as it stands does not
//! look like an ISAKMP header whose length field matches the datagram, while the payload
//! after four zero bytes does; the result then says `non_esp_marker: true` so the anomaly can
//! be counted. In every other case the payload is passed on untouched and the IKE parser
//! reports what is wrong with it.

use crate::error::{ErrorKind, ParseError};

/// The IKE port (RFC 7296 §2).
pub const IKE_PORT: u16 = 500;
/// The NAT traversal port for IKE and UDP-encapsulated ESP (RFC 3948 §2, RFC 7296 §2.23).
pub const NATT_PORT: u16 = 4500;
/// The non-ESP marker: four zero octets where an ESP SPI would be (RFC 3948 §2.2).
pub const NON_ESP_MARKER: [u8; 4] = [0; 4];
/// The one-octet NAT-keepalive payload (RFC 3948 §2.3).
pub const NAT_KEEPALIVE: u8 = 0xff;

const ELEMENT: &str = "UDP-encapsulated IPsec";
/// Offset of the version octet in the ISAKMP/IKEv2 header.
const VERSION_OFFSET: usize = 17;
const ISAKMP_HEADER_LEN: usize = 28;

/// What a UDP datagram on the IKE/NAT-T ports carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpIpsec<'a> {
    /// An ISAKMP message (IKEv1 or IKEv2; see [`ike_version`]), with the non-ESP marker
    /// removed when there was one.
    Ike {
        non_esp_marker: bool,
        message: &'a [u8],
    },
    /// A NAT-keepalive (RFC 3948 §2.3).
    NatKeepalive,
    /// UDP-encapsulated ESP, starting at the SPI (RFC 3948 §2.1).
    Esp(&'a [u8]),
    /// Neither port is 500 or 4500.
    Other,
}

/// Classifies a UDP payload by its ports and first bytes (see the module documentation).
///
/// Errors: a payload on port 4500 too short to classify, i.e. empty, or 1–3 bytes other than
/// a single 0xFF. Those can be neither ESP (8-byte header) nor marked IKE.
pub fn classify_udp<'a>(
    src_port: u16,
    dst_port: u16,
    payload: &'a [u8],
) -> Result<UdpIpsec<'a>, ParseError> {
    if src_port == NATT_PORT || dst_port == NATT_PORT {
        return classify_4500(payload);
    }
    if src_port == IKE_PORT || dst_port == IKE_PORT {
        if let Some(rest) = payload.strip_prefix(&NON_ESP_MARKER)
            && !looks_like_isakmp(payload)
            && looks_like_isakmp(rest)
        {
            return Ok(UdpIpsec::Ike {
                non_esp_marker: true,
                message: rest,
            });
        }
        return Ok(UdpIpsec::Ike {
            non_esp_marker: false,
            message: payload,
        });
    }
    Ok(UdpIpsec::Other)
}

fn classify_4500(payload: &[u8]) -> Result<UdpIpsec<'_>, ParseError> {
    match payload {
        [NAT_KEEPALIVE] => Ok(UdpIpsec::NatKeepalive),
        [] => Err(ParseError::new(
            ELEMENT,
            "UDP payload",
            0,
            ErrorKind::Truncated {
                needed: 1,
                available: 0,
            },
        )),
        p if p.len() < NON_ESP_MARKER.len() => Err(ParseError::truncated(
            ELEMENT,
            "non-ESP marker",
            0,
            NON_ESP_MARKER.len(),
            p.len(),
        )),
        p => match p.strip_prefix(&NON_ESP_MARKER) {
            Some(message) => Ok(UdpIpsec::Ike {
                non_esp_marker: true,
                message,
            }),
            None => Ok(UdpIpsec::Esp(p)),
        },
    }
}

/// An ISAKMP header whose length field equals the bytes present.
fn looks_like_isakmp(bytes: &[u8]) -> bool {
    bytes
        .get(24..ISAKMP_HEADER_LEN)
        .and_then(|l| <[u8; 4]>::try_from(l).ok())
        .map(u32::from_be_bytes)
        .and_then(|l| usize::try_from(l).ok())
        == Some(bytes.len())
}

/// The major version of an ISAKMP message (offset 17, high nibble): 1 = IKEv1 (RFC 2408
/// §3.1), 2 = IKEv2 (RFC 7296 §3.1); anything else is neither. `None` if the message is too
/// short to hold the version octet.
pub fn ike_version(message: &[u8]) -> Option<u8> {
    message.get(VERSION_OFFSET).map(|v| v >> 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isakmp(version: u8, len: usize) -> Vec<u8> {
        let mut m = vec![0x11; len];
        m[17] = version;
        m[24..28].copy_from_slice(&(len as u32).to_be_bytes());
        m
    }

    #[test]
    fn port_4500() {
        assert_eq!(
            classify_udp(4500, 40832, &[0xff]).unwrap(),
            UdpIpsec::NatKeepalive
        );
        let mut marked = vec![0, 0, 0, 0];
        marked.extend_from_slice(&isakmp(0x10, 28));
        match classify_udp(40832, 4500, &marked).unwrap() {
            UdpIpsec::Ike {
                non_esp_marker: true,
                message,
            } => assert_eq!(ike_version(message), Some(1)),
            other => panic!("{other:?}"),
        }
        let esp = [0xc3, 0x63, 0x0c, 0x6c, 0, 0, 0, 1, 9, 9];
        assert_eq!(classify_udp(4500, 4500, &esp).unwrap(), UdpIpsec::Esp(&esp));
    }

    #[test]
    fn short_4500_payloads_are_errors() {
        let e = classify_udp(4500, 4500, &[]).unwrap_err();
        assert_eq!(
            (e.element, e.field, e.code()),
            (ELEMENT, "UDP payload", "truncated")
        );
        for p in [&[0u8][..], &[0xff, 0xff], &[0, 0, 0]] {
            let e = classify_udp(4500, 1234, p).unwrap_err();
            assert_eq!(
                e.kind,
                ErrorKind::Truncated {
                    needed: 4,
                    available: p.len()
                }
            );
        }
    }

    #[test]
    fn port_500_and_stray_markers() {
        let v2 = isakmp(0x20, 40);
        assert_eq!(
            classify_udp(500, 500, &v2).unwrap(),
            UdpIpsec::Ike {
                non_esp_marker: false,
                message: &v2
            }
        );
        assert_eq!(ike_version(&v2), Some(2));
        // A marker on port 500 by mistake: stripped, and reported.
        let mut marked = vec![0, 0, 0, 0];
        marked.extend_from_slice(&v2);
        assert_eq!(
            classify_udp(40205, 500, &marked).unwrap(),
            UdpIpsec::Ike {
                non_esp_marker: true,
                message: &v2
            }
        );
        // A message whose initiator SPI happens to start with four zero bytes is left alone.
        let mut zero_spi = isakmp(0x20, 40);
        zero_spi[..4].fill(0);
        assert_eq!(
            classify_udp(500, 500, &zero_spi).unwrap(),
            UdpIpsec::Ike {
                non_esp_marker: false,
                message: &zero_spi
            }
        );
        assert_eq!(
            classify_udp(500, 500, &[]).unwrap(),
            UdpIpsec::Ike {
                non_esp_marker: false,
                message: &[]
            }
        );
        assert_eq!(classify_udp(53, 1234, &v2).unwrap(), UdpIpsec::Other);
        assert_eq!(ike_version(&v2[..17]), None);
    }
}
