//! IKEv2 dissection of real captures, checked against what the endpoints recorded
//! (lab truth.json) and against the published Wireshark test captures and their key table.

mod common_v2;

use std::net::IpAddr;

use common_v2::{Json, ip_packets, unhex};
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use ikescope_dissectors::ikev2::{
    AuthMethod, DhGroup, EncryptedPayload, ExchangeType, IdType, Message, NotifyType, Payload,
    PayloadType, ProtocolId, TransformType, decrypted_payloads, strip_sk_padding,
};
use ikescope_dissectors::natt::{UdpIpsec, classify_udp, ike_version};
use sha1::{Digest, Sha1};

/// One IKEv2 datagram from a capture.
struct IkeDatagram {
    frame: usize,
    src: IpAddr,
    dst: IpAddr,
    sport: u16,
    dport: u16,
    bytes: Vec<u8>,
}

fn ikev2_datagrams(rel: &str) -> Vec<IkeDatagram> {
    ip_packets(rel)
        .into_iter()
        .filter_map(|p| {
            let (sport, dport, payload) = p.udp()?;
            match classify_udp(sport, dport, payload).ok()? {
                UdpIpsec::Ike { message, .. } if ike_version(message) == Some(2) => {
                    Some(IkeDatagram {
                        frame: p.frame,
                        src: p.src,
                        dst: p.dst,
                        sport,
                        dport,
                        bytes: message.to_vec(),
                    })
                }
                _ => None,
            }
        })
        .collect()
}

/// Decodes every top-level payload, failing the test on any error.
fn decode_all<'a>(m: &Message<'a>) -> Vec<Payload<'a>> {
    let mut it = m.payloads();
    let payloads: Vec<Payload<'a>> = it.by_ref().map(|r| r.unwrap().decode().unwrap()).collect();
    assert!(it.trailing().is_empty(), "bytes after the last payload");
    payloads
}

/// charon's abbreviations for the notifies these captures carry.
fn charon_notify(t: NotifyType) -> &'static str {
    match t {
        NotifyType::NAT_DETECTION_SOURCE_IP => "NATD_S_IP",
        NotifyType::NAT_DETECTION_DESTINATION_IP => "NATD_D_IP",
        NotifyType::IKEV2_FRAGMENTATION_SUPPORTED => "FRAG_SUP",
        NotifyType::SIGNATURE_HASH_ALGORITHMS => "HASH_ALG",
        NotifyType::REDIRECT_SUPPORTED => "REDIR_SUP",
        NotifyType::CHILDLESS_IKEV2_SUPPORTED => "CHDLESS_SUP",
        NotifyType::MULTIPLE_AUTH_SUPPORTED => "MULT_AUTH",
        NotifyType::INITIAL_CONTACT => "INIT_CONTACT",
        NotifyType::EAP_ONLY_AUTHENTICATION => "EAP_ONLY",
        NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED => "MSG_ID_SYN_SUP",
        other => panic!("no charon abbreviation for {other}"),
    }
}

/// A payload list the way charon logs it: `["SA", "KE", "No", "N(NATD_S_IP)", …]`.
fn charon_names(payloads: &[Payload<'_>]) -> Vec<String> {
    payloads
        .iter()
        .map(|p| match p {
            Payload::Notify(n) => format!("N({})", charon_notify(n.notify_type)),
            other => other.payload_type().to_string(),
        })
        .collect()
}

fn strings(j: &Json) -> Vec<String> {
    j.arr().iter().map(|s| s.str().to_string()).collect()
}

fn sk_of<'a>(payloads: &[Payload<'a>]) -> EncryptedPayload<'a> {
    match payloads {
        [Payload::Sk(sk)] => *sk,
        other => panic!("expected exactly one SK payload, got {other:?}"),
    }
}

/// NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 §2.23).
fn nat_detection_hash(m: &Message<'_>, ip: IpAddr, port: u16) -> Vec<u8> {
    let mut h = Sha1::new();
    h.update(m.initiator_spi().as_bytes());
    h.update(m.responder_spi().as_bytes());
    match ip {
        IpAddr::V4(a) => h.update(a.octets()),
        IpAddr::V6(a) => h.update(a.octets()),
    }
    h.update(port.to_be_bytes());
    h.finalize().to_vec()
}

/// strongSwan's proposal notation for a transform: `ENCR_AES_CBC_128` → `AES_CBC_128`,
/// `AUTH_HMAC_SHA2_256_128` → `HMAC_SHA2_256_128`.
fn strongswan_name(shown: &str) -> String {
    shown
        .strip_prefix("ENCR_")
        .or_else(|| shown.strip_prefix("AUTH_"))
        .unwrap_or(shown)
        .to_string()
}

#[test]
fn lab_ikev2_psk_aes128_matches_truth() {
    let truth = Json::load("lab/ikev2-psk-aes128/truth.json");
    let sa = truth.get("ike_sas").at(0);
    let spi_i = sa.get("initiator_cookie").str();
    let spi_r = sa.get("responder_cookie").str();

    let wire = ikev2_datagrams("lab/ikev2-psk-aes128/capture.pcap");
    let frames: Vec<usize> = wire.iter().map(|d| d.frame).collect();
    assert_eq!(frames, [3, 4, 5, 6, 49, 50]);
    assert_eq!(
        wire.len() as u64,
        truth.get("capture").get("isakmp_packets").u64()
    );

    // Every message any peer sent, with what it logged about it.
    let sent: Vec<&Json> = ["left", "right"]
        .iter()
        .flat_map(|side| sa.get("messages").get(side).arr())
        .filter(|m| m.get("direction").str() == "sent")
        .collect();

    let mut by_exchange = std::collections::BTreeMap::<String, u64>::new();
    let mut decrypted_checked = Vec::new();
    for (i, d) in wire.iter().enumerate() {
        let m = Message::parse(&d.bytes).unwrap();
        assert!(m.trailing().is_empty());
        *by_exchange
            .entry(m.exchange_type().0.to_string())
            .or_default() += 1;

        // SPIs: the responder's is zero only in the very first message.
        assert_eq!(m.initiator_spi().to_string(), spi_i);
        if i == 0 {
            assert!(m.responder_spi().is_zero());
        } else {
            assert_eq!(m.responder_spi().to_string(), spi_r);
        }
        // The left peer (192.0.2.1) initiated the IKE SA and every exchange.
        assert_eq!(m.flags().is_initiator(), d.src.to_string() == "192.0.2.1");
        assert_eq!(m.flags().is_response(), i % 2 == 1);

        let logged = sent
            .iter()
            .find(|s| {
                s.get("src").str() == d.src.to_string()
                    && s.get("dst").str() == d.dst.to_string()
                    && s.get("sport").u64() == u64::from(d.sport)
                    && s.get("dport").u64() == u64::from(d.dport)
                    && s.get("bytes").u64() == d.bytes.len() as u64
            })
            .unwrap_or_else(|| panic!("frame {}: no matching sent message in truth", d.frame));
        if let Some(mid) = logged.opt("message_id") {
            assert_eq!(m.message_id(), u32::from_str_radix(mid.str(), 16).unwrap());
            assert_eq!(m.exchange_type().to_string(), logged.get("exchange").str());
            assert_eq!(
                m.flags().is_response(),
                logged.get("type").str() == "response"
            );
        }

        let payloads = decode_all(&m);
        if m.exchange_type() == ExchangeType::IKE_SA_INIT {
            assert_eq!(charon_names(&payloads), strings(logged.get("payloads")));
            check_ike_sa_init(&m, &payloads, d, sa);
        } else {
            let sk = sk_of(&payloads);
            // AES-CBC: 16-byte IV; HMAC-SHA2-256-128: 16-byte ICV.
            let parts = sk.split(16, 16).unwrap();
            assert_eq!(parts.ciphertext.len() % 16, 0);
            assert_eq!(sk.body_offset + sk.body.len(), m.as_bytes().len());
            if let Some(plain) = logged.opt("plaintext") {
                assert_eq!(parts.iv, unhex(logged.get("iv").str()));
                assert_eq!(parts.ciphertext, unhex(logged.get("ciphertext").str()));
                let plaintext = unhex(plain.str());
                let mut decrypted = plaintext.clone();
                decrypted.extend(unhex(logged.get("padding").str()));
                assert_eq!(decrypted.len(), parts.ciphertext.len());
                assert_eq!(strip_sk_padding(&decrypted, 0).unwrap(), plaintext);

                let mut inner_it =
                    decrypted_payloads(sk.first_payload, &plaintext, sk.body_offset + 16);
                let inner: Vec<Payload<'_>> = inner_it
                    .by_ref()
                    .map(|r| r.unwrap().decode().unwrap())
                    .collect();
                assert!(inner_it.trailing().is_empty());
                assert_eq!(charon_names(&inner), strings(logged.get("payloads")));
                check_encrypted_payloads(&m, &inner, sa);
                decrypted_checked.push(d.frame);
            }
        }
    }
    // charon logged the plaintext of everything it sent encrypted except the last response.
    assert_eq!(decrypted_checked, [5, 6, 49]);
    let expected: Vec<(String, u64)> = truth
        .get("capture")
        .get("isakmp_by_exchange_type")
        .obj()
        .iter()
        .map(|(k, v)| (k.clone(), v.u64()))
        .collect();
    assert_eq!(by_exchange.into_iter().collect::<Vec<_>>(), expected);
}

fn check_ike_sa_init(m: &Message<'_>, payloads: &[Payload<'_>], d: &IkeDatagram, sa: &Json) {
    let Payload::Sa(offer) = &payloads[0] else {
        panic!("IKE_SA_INIT starts with SA")
    };
    assert_eq!(offer.proposals.len(), 1);
    let p = &offer.proposals[0];
    assert_eq!((p.number, p.protocol_id), (1, ProtocolId::IKE));
    assert!(p.spi.is_empty());
    let encr = p.first_of(TransformType::ENCR).unwrap();
    assert_eq!(encr.id().to_string(), "ENCR_AES_CBC");
    assert_eq!(encr.key_length(), Some(128));
    assert_eq!(
        p.first_of(TransformType::PRF).unwrap().id().to_string(),
        "PRF_HMAC_SHA2_256"
    );
    assert_eq!(
        p.first_of(TransformType::INTEG).unwrap().id().to_string(),
        "AUTH_HMAC_SHA2_256_128"
    );
    assert_eq!(
        p.first_of(TransformType::DH).unwrap().id().to_string(),
        "MODP_2048"
    );
    // The same algorithms as strongSwan's selected proposal, in its notation.
    let mut ours: Vec<String> = p
        .transforms
        .iter()
        .map(|t| strongswan_name(&t.to_string()))
        .collect();
    let mut theirs: Vec<String> = sa
        .get("proposal")
        .get("selected_strongswan")
        .str()
        .split('/')
        .map(String::from)
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);

    let Payload::Ke(ke) = &payloads[1] else {
        panic!("then KE")
    };
    assert_eq!(ke.dh_group, DhGroup::MODP_2048);
    assert_eq!(ke.dh_group.0, 14);
    assert_eq!(ke.data.len(), 256);
    assert!(ke.length_matches_group());
    let Payload::Nonce(nonce) = &payloads[2] else {
        panic!("then Nonce")
    };
    assert!(nonce.size_ok());

    // NAT-D: no NAT between the lab peers, so both hashes match the addresses on the wire.
    let nat_d: Vec<_> = payloads
        .iter()
        .filter_map(|p| match p {
            Payload::Notify(n) if n.notify_type.0 == 16388 || n.notify_type.0 == 16389 => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(nat_d.len(), 2);
    assert_eq!(nat_d[0].notify_type, NotifyType::NAT_DETECTION_SOURCE_IP);
    assert_eq!(nat_d[0].data, nat_detection_hash(m, d.src, d.sport));
    assert_eq!(
        nat_d[1].notify_type,
        NotifyType::NAT_DETECTION_DESTINATION_IP
    );
    assert_eq!(nat_d[1].data, nat_detection_hash(m, d.dst, d.dport));

    let hash_algs = payloads.iter().find_map(|p| match p {
        Payload::Notify(n) if n.notify_type == NotifyType::SIGNATURE_HASH_ALGORITHMS => Some(
            n.signature_hash_algorithms()
                .map(|a| a.to_string())
                .collect::<Vec<_>>(),
        ),
        _ => None,
    });
    assert!(hash_algs.unwrap().contains(&"SHA2_256".to_string()));
    assert!(matches!(payloads.last(), Some(Payload::VendorId(v)) if !v.data.is_empty()));
}

/// The inner payloads of the lab's IKE_AUTH and INFORMATIONAL messages, against the child SA
/// each peer logged.
fn check_encrypted_payloads(m: &Message<'_>, inner: &[Payload<'_>], sa: &Json) {
    if m.exchange_type() == ExchangeType::INFORMATIONAL {
        let [Payload::Delete(d)] = inner else {
            panic!("INFORMATIONAL carries D: {inner:?}")
        };
        assert_eq!((d.protocol_id, d.spis().count()), (ProtocolId::IKE, 0));
        return;
    }
    assert_eq!(m.exchange_type(), ExchangeType::IKE_AUTH);
    let (side, id_self, id_peer) = if m.flags().is_response() {
        ("right", "192.0.2.2", None)
    } else {
        ("left", "192.0.2.1", Some("192.0.2.2"))
    };
    let child = sa.get("children_log").get(side).at(0);
    let ids = sa.get("ids").get(side);
    assert_eq!(ids.get("local_id").str(), id_self);
    for p in inner {
        match p {
            Payload::IdI(id) => {
                assert_eq!(id.id_type, IdType::ID_IPV4_ADDR);
                assert_eq!(id.to_string(), id_self);
            }
            Payload::IdR(id) => {
                // The initiator's IDr is whom it wants to talk to; the responder's, itself.
                assert_eq!(id.to_string(), id_peer.unwrap_or(id_self));
            }
            Payload::Auth(auth) => {
                assert_eq!(auth.method, AuthMethod::SHARED_KEY_MIC);
                // prf(prf(PSK, "Key Pad for IKEv2"), …) with PRF_HMAC_SHA2_256: 32 bytes.
                assert_eq!(auth.data.len(), 32);
            }
            Payload::Sa(child_sa) => {
                let p = &child_sa.proposals[0];
                assert_eq!(p.protocol_id, ProtocolId::ESP);
                assert_eq!(
                    format!("{:08x}", p.spi_u32().unwrap()),
                    child.get("spi_in").str()
                );
                let shown: Vec<String> = p.transforms.iter().map(|t| t.to_string()).collect();
                assert_eq!(
                    shown,
                    ["ENCR_AES_CBC_128", "AUTH_HMAC_SHA1_96", "NO_EXT_SEQ"]
                );
                assert_eq!(
                    format!(
                        "ESP:{}",
                        shown
                            .iter()
                            .map(|s| strongswan_name(s))
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
                    child.get("proposal").str()
                );
            }
            Payload::TsI(ts) | Payload::TsR(ts) => {
                // TSi is the initiator's (left's) side, TSr the responder's.
                let initiator_side = matches!(p, Payload::TsI(_));
                let key = if initiator_side == (side == "left") {
                    "ts_local"
                } else {
                    "ts_remote"
                };
                let shown: Vec<String> = ts.selectors.iter().map(|s| s.to_string()).collect();
                assert_eq!(shown, strings(child.get(key)));
            }
            Payload::Notify(n) => assert!(!n.notify_type.is_error()),
            other => panic!("unexpected {other}"),
        }
    }
}

/// Expected header fields of one external capture, from tshark 4.0 (`-T fields -e
/// isakmp.exchangetype -e isakmp.messageid -e isakmp.flags -e isakmp.length`).
struct External {
    file: &'static str,
    /// Row of `wireshark/ikev2_decryption_table` holding this capture's SPIs and algorithms.
    table_row: usize,
    headers: &'static [(u8, u32, u8, usize)],
    /// Notifies of IKE_SA_INIT request and response.
    init_notifies: [&'static [u16]; 2],
    chosen: &'static str,
    dh_group: u16,
    enc: EncAlg,
    integ: IntegAlg,
}

const EXTERNAL: &[External] = &[
    External {
        file: "external/wireshark/ikev2-decrypt-3des-sha1_160.pcap",
        table_row: 0,
        headers: &[
            (34, 0, 0x08, 428),
            (34, 0, 0x20, 436),
            (35, 1, 0x08, 252),
            (35, 1, 0x20, 228),
            (37, 2, 0x08, 76),
            (37, 2, 0x20, 68),
        ],
        init_notifies: [&[16388, 16389], &[16388, 16389, 16404]],
        chosen: "#1 IKE: ENCR_3DES/AUTH_HMAC_SHA1_160/PRF_HMAC_SHA2_256/MODP_2048",
        dh_group: 14,
        enc: EncAlg::TripleDesCbc,
        integ: IntegAlg::HmacSha1_160,
    },
    External {
        file: "external/wireshark/ikev2-decrypt-aes256cbc.pcapng",
        table_row: 1,
        headers: &[
            (34, 0, 0x08, 256),
            (34, 0, 0x20, 248),
            (35, 1, 0x08, 256),
            (35, 1, 0x20, 224),
        ],
        init_notifies: [&[16388, 16389, 16431], &[16388, 16389, 16404]],
        chosen: "#1 IKE: ENCR_AES_CBC_256/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256",
        dh_group: 19,
        enc: EncAlg::AesCbc,
        integ: IntegAlg::HmacSha256_128,
    },
    External {
        file: "external/wireshark/ikev2-decrypt-aes256gcm16.pcap",
        table_row: 2,
        headers: &[
            (34, 0, 0x08, 248),
            (34, 0, 0x20, 240),
            (35, 1, 0x08, 245),
            (35, 1, 0x20, 221),
            // An INFORMATIONAL started by the responder: its own message ID 0, I flag clear
            // on its request, set on the original initiator's response.
            (37, 0, 0x00, 65),
            (37, 0, 0x28, 57),
        ],
        init_notifies: [&[16388, 16389, 16431], &[16388, 16389, 16404]],
        chosen: "#1 IKE: ENCR_AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256",
        dh_group: 19,
        enc: EncAlg::AesGcm { icv_len: 16 },
        integ: IntegAlg::None,
    },
];

#[test]
fn wireshark_ikev2_captures() {
    let table = std::fs::read_to_string(common_v2::capture_path(
        "external/wireshark/ikev2_decryption_table",
    ))
    .unwrap();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    for ext in EXTERNAL {
        let row = &rows[ext.table_row];
        let wire = ikev2_datagrams(ext.file);
        assert_eq!(wire.len(), ext.headers.len(), "{}", ext.file);
        for (i, (d, &(xchg, mid, flags, len))) in wire.iter().zip(ext.headers).enumerate() {
            let m = Message::parse(&d.bytes).unwrap();
            assert_eq!(
                (
                    m.exchange_type().0,
                    m.message_id(),
                    m.flags().0,
                    m.as_bytes().len()
                ),
                (xchg, mid, flags, len),
                "{} message {i}",
                ext.file
            );
            assert_eq!(m.initiator_spi().to_string(), row[0]);
            if i == 0 {
                assert!(m.responder_spi().is_zero());
            } else {
                assert_eq!(m.responder_spi().to_string(), row[1]);
            }
            let payloads = decode_all(&m);
            if m.exchange_type() == ExchangeType::IKE_SA_INIT {
                let types: Vec<PayloadType> = payloads.iter().map(|p| p.payload_type()).collect();
                assert_eq!(
                    &types[..3],
                    [PayloadType::SA, PayloadType::KE, PayloadType::NONCE]
                );
                let notifies: Vec<u16> = payloads
                    .iter()
                    .filter_map(|p| match p {
                        Payload::Notify(n) => Some(n.notify_type.0),
                        _ => None,
                    })
                    .collect();
                assert_eq!(notifies, ext.init_notifies[i]);
                let Payload::Ke(ke) = &payloads[1] else {
                    panic!()
                };
                assert_eq!(ke.dh_group.0, ext.dh_group);
                assert!(ke.length_matches_group());
                if m.flags().is_response() {
                    let Payload::Sa(sa) = &payloads[0] else {
                        panic!()
                    };
                    assert_eq!(sa.proposals.len(), 1);
                    let p = &sa.proposals[0];
                    assert_eq!(p.to_string(), ext.chosen);
                    // The chosen algorithms are the ones the key table names.
                    let encr = p.first_of(TransformType::ENCR).unwrap();
                    let ikescope_dissectors::ikev2::TransformId::Encr(e) = encr.id() else {
                        panic!()
                    };
                    assert_eq!(e.enc_alg(), Some(ext.enc));
                    let integ = match p.first_of(TransformType::INTEG) {
                        Some(t) => match t.id() {
                            ikescope_dissectors::ikev2::TransformId::Integ(i) => {
                                i.integ_alg().unwrap()
                            }
                            _ => panic!(),
                        },
                        None => IntegAlg::None,
                    };
                    assert_eq!(integ, ext.integ);
                    assert!(row[4].contains(if ext.enc == EncAlg::TripleDesCbc {
                        "3DES"
                    } else {
                        "AES"
                    }));
                    if let Some(bits) = encr.key_length() {
                        assert!(row[4].contains(&bits.to_string()));
                    }
                }
            } else {
                // Everything after IKE_SA_INIT is one SK payload of a plausible size.
                let sk = sk_of(&payloads);
                let icv = if ext.enc.is_aead() {
                    16
                } else {
                    ext.integ.icv_len()
                };
                let parts = sk.split(ext.enc.iv_len(), icv).unwrap();
                assert_eq!(parts.iv.len(), ext.enc.iv_len());
                assert!(!parts.ciphertext.is_empty());
                assert_eq!(parts.ciphertext.len() % ext.enc.block_size(), 0);
                assert_eq!(sk.body_offset + sk.body.len(), m.as_bytes().len());
                if m.exchange_type() == ExchangeType::IKE_AUTH {
                    let first = if m.flags().is_response() {
                        PayloadType::IDR
                    } else {
                        PayloadType::IDI
                    };
                    assert_eq!(sk.first_payload, first);
                }
            }
        }
    }
}
