//! IKEv2 SK payload decryption against Wireshark's IKEv2 decryption captures (3DES +
//! HMAC-SHA1-160, AES-256-CBC + HMAC-SHA2-256-128, AES-256-GCM-16) and the lab's strongSwan
//! IKEv2 scenario (whose SKEYSEED, SK_* and child SA keys are also derived and compared), and
//! SKF (RFC 7383) on messages built here.

mod common_crypto;

use common_crypto::{Kind, Packet, capture_path, find, hex, payloads, read_capture, s, truth};
use ikescope_dissectors::crypto::{
    CryptoError, EncAlg, HashAlg, IntegAlg,
    ikev2::{self, SkPlaintext},
};

const SK: u8 = 46;
const SKF: u8 = 53;
const KE: u8 = 34;
const NONCE: u8 = 40;
const AUTH: u8 = 39;
const IKE_AUTH: u8 = 35;

struct Table {
    spi_i: Vec<u8>,
    sk_ei: Vec<u8>,
    sk_er: Vec<u8>,
    enc: EncAlg,
    sk_ai: Vec<u8>,
    sk_ar: Vec<u8>,
    integ: IntegAlg,
}

fn table() -> Vec<Table> {
    let text =
        std::fs::read_to_string(capture_path("external/wireshark/ikev2_decryption_table")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').map(|x| x.trim_matches('"')).collect();
            let enc = match f[4] {
                "3DES [RFC2451]" => EncAlg::TripleDesCbc,
                "AES-CBC-128 [RFC3602]" | "AES-CBC-256 [RFC3602]" => EncAlg::AesCbc,
                "AES-GCM-256 with 16 octet ICV [RFC5282]" => EncAlg::AesGcm { icv_len: 16 },
                other => panic!("cipher {other}"),
            };
            let integ = match f[7] {
                "HMAC_SHA1_160 [RFC4595]" => IntegAlg::HmacSha1_160,
                "HMAC_SHA2_256_128 [RFC4868]" => IntegAlg::HmacSha256_128,
                "NONE [RFC4306]" => IntegAlg::None,
                other => panic!("integrity {other}"),
            };
            Table {
                spi_i: hex(f[0]),
                sk_ei: hex(f[2]),
                sk_er: hex(f[3]),
                enc,
                sk_ai: hex(f[5]),
                sk_ar: hex(f[6]),
                integ,
            }
        })
        .collect()
}

/// IKEv2 messages (version 2.0) of a capture.
fn ikev2_messages(rel: &str) -> Vec<Packet> {
    read_capture(rel)
        .into_iter()
        .filter(|p| p.kind == Kind::Ike && p.data[17] == 0x20)
        .collect()
}

/// Decrypts the SK payload of `msg` with the keys of its sender (the I flag, RFC 7296 §3.1,
/// says whether the original initiator sent it). None if the message has no SK payload.
#[allow(clippy::too_many_arguments)]
fn open(
    msg: &[u8],
    enc: EncAlg,
    sk_ei: &[u8],
    sk_er: &[u8],
    integ: IntegAlg,
    sk_ai: &[u8],
    sk_ar: &[u8],
) -> Option<SkPlaintext> {
    let from_initiator = msg[19] & 0x08 != 0;
    let (list, _) = payloads(msg[16], &msg[28..]);
    let sk = list.iter().position(|p| p.kind == SK)?;
    let offset = 28 + list[..sk].iter().map(|p| p.whole.len()).sum::<usize>();
    let (ek, ak) = if from_initiator {
        (sk_ei, sk_ai)
    } else {
        (sk_er, sk_ar)
    };
    Some(ikev2::decrypt_sk(enc, ek, integ, ak, msg, offset).unwrap())
}

#[test]
fn wireshark_ikev2_decryption_captures() {
    let cases = [
        (
            "external/wireshark/ikev2-decrypt-3des-sha1_160.pcap",
            "02f7a0d5f1fdc8ea81039818c65bb9bd09af9b8917319b887ff9ba3046c344c7",
        ),
        (
            "external/wireshark/ikev2-decrypt-aes256cbc.pcapng",
            "e1a8d550064201a7ec024a85758d0673c61c5c510ac13bcd225d6327f50da3d3",
        ),
        (
            "external/wireshark/ikev2-decrypt-aes256gcm16.pcap",
            "9ab71f14ab553cad873a1aa70b99df155dee77cdcf3694b3b7527acbb9712ded",
        ),
    ];
    let table = table();
    for (file, auth) in cases {
        let msgs = ikev2_messages(file);
        let t = table
            .iter()
            .find(|t| t.spi_i == msgs[0].data[..8])
            .unwrap_or_else(|| panic!("{file}: no keys"));
        let mut auth_data = Vec::new();
        let mut decrypted = 0;
        for m in &msgs {
            let Some(pt) = open(
                &m.data, t.enc, &t.sk_ei, &t.sk_er, t.integ, &t.sk_ai, &t.sk_ar,
            ) else {
                continue;
            };
            assert!(pt.integrity_ok, "{file} frame {}: ICV / GCM tag", m.frame);
            assert!(pt.padding_ok);
            // The inner payload chain parses to its exact end.
            let (inner, end) = payloads(pt.first_payload, &pt.plaintext);
            assert_eq!(end, pt.plaintext.len(), "{file} frame {}", m.frame);
            if m.data[18] == IKE_AUTH {
                let a = find(&inner, AUTH).expect("AUTH in IKE_AUTH");
                auth_data.push(a.body[4..].to_vec());
            }
            decrypted += 1;

            // A flipped ciphertext bit fails the check, and the bytes still come back.
            let mut bad = m.data.clone();
            let n = bad.len();
            bad[n - 20] ^= 1;
            let pt2 = open(&bad, t.enc, &t.sk_ei, &t.sk_er, t.integ, &t.sk_ai, &t.sk_ar).unwrap();
            assert!(!pt2.integrity_ok);
        }
        assert!(decrypted >= 2, "{file}");
        assert!(
            auth_data.contains(&hex(auth)),
            "{file}: AUTH data {:02x?}",
            auth_data
        );
    }
}

#[test]
fn lab_ikev2_keys_and_sk_decryption() {
    let t = truth("ikev2-psk-aes128");
    let ike = &t["ike_sas"][0];
    let keys = &ike["keys"]["initiator"];
    let k = |name: &str| hex(s(keys, name));
    let msgs = ikev2_messages("lab/ikev2-psk-aes128/capture.pcap");

    // IKE_SA_INIT in clear: nonces and SPIs. SKEYSEED and the seven SK_* (RFC 7296 §2.14).
    let init: Vec<&Packet> = msgs.iter().filter(|m| m.data[18] == 34).collect();
    let body = |m: &Packet, kind: u8| {
        let (list, _) = payloads(m.data[16], &m.data[28..]);
        find(&list, kind).unwrap().body.to_vec()
    };
    let ni = body(init[0], NONCE);
    let nr = body(init[1], NONCE);
    assert_eq!(
        body(init[0], KE).len(),
        4 + 256,
        "MODP-2048 KE: group, reserved, value"
    );
    let spi_i: [u8; 8] = init[0].data[..8].try_into().unwrap();
    let spi_r: [u8; 8] = init[1].data[8..16].try_into().unwrap();
    let skeyseed = ikev2::skeyseed(HashAlg::Sha256, &ni, &nr, &k("g_ir"));
    assert_eq!(skeyseed.to_vec(), k("skeyseed"));
    let sa =
        ikev2::ike_sa_keys(HashAlg::Sha256, &skeyseed, &ni, &nr, &spi_i, &spi_r, 32, 16).unwrap();
    assert_eq!(sa.sk_d, k("sk_d"));
    assert_eq!(sa.sk_ai, k("sk_ai"));
    assert_eq!(sa.sk_ar, k("sk_ar"));
    assert_eq!(sa.sk_ei, k("sk_ei"));
    assert_eq!(sa.sk_er, k("sk_er"));
    assert_eq!(sa.sk_pi, k("sk_pi"));
    assert_eq!(sa.sk_pr, k("sk_pr"));

    // The first child SA (RFC 7296 §2.17): KEYMAT = prf+(SK_d, Ni | Nr); initiator-to-
    // responder keys first (the SA whose receiver is the responder), encryption before
    // integrity.
    let km = ikev2::child_keymat(HashAlg::Sha256, &sa.sk_d, None, &ni, &nr, 2 * (16 + 20)).unwrap();
    let initiator_ip = init[0].src.to_string();
    for c in t["child_sas"].as_array().unwrap() {
        let key = [
            hex(s(&c["encryption"], "key")),
            hex(s(&c["integrity"], "key")),
        ]
        .concat();
        let i_to_r = s(c, "src") == initiator_ip;
        let want = if i_to_r { &km[..36] } else { &km[36..] };
        assert_eq!(key, want, "child SA {}", s(c, "spi"));
    }

    // Every SK payload decrypts and verifies; charon's sent plaintexts match.
    let sent: Vec<(Vec<u8>, Vec<u8>)> = ["left", "right"]
        .iter()
        .flat_map(|h| ike["messages"][h].as_array().unwrap())
        .filter(|m| m["direction"] == "sent" && m.get("plaintext").is_some())
        .map(|m| (hex(s(m, "ciphertext")), hex(s(m, "plaintext"))))
        .collect();
    assert!(sent.len() >= 3);
    let mut matched = 0;
    for m in &msgs {
        let Some(pt) = open(
            &m.data,
            EncAlg::AesCbc,
            &sa.sk_ei,
            &sa.sk_er,
            IntegAlg::HmacSha256_128,
            &sa.sk_ai,
            &sa.sk_ar,
        ) else {
            continue;
        };
        assert!(pt.integrity_ok, "frame {}", m.frame);
        assert!(pt.padding_ok);
        if let Some((_, plain)) = sent
            .iter()
            .find(|(ct, _)| m.data.windows(ct.len()).any(|w| w == &ct[..]))
        {
            assert_eq!(&pt.plaintext, plain, "frame {}", m.frame);
            matched += 1;
        }
        // With the other direction's keys nothing verifies.
        let swapped = open(
            &m.data,
            EncAlg::AesCbc,
            &sa.sk_er,
            &sa.sk_ei,
            IntegAlg::HmacSha256_128,
            &sa.sk_ar,
            &sa.sk_ai,
        )
        .unwrap();
        assert!(!swapped.integrity_ok);
    }
    assert_eq!(matched, sent.len());
}

// ------------------------------------------------------------------------------------------
// SKF (RFC 7383 §2.5): the fragment header is authenticated. Messages are built here with
// the RustCrypto primitives directly (the module under test only decrypts).
// ------------------------------------------------------------------------------------------

fn skf_message(
    frag: u16,
    total: u16,
    inner_first: u8,
    iv: &[u8],
    ct: &[u8],
    icv_len: usize,
) -> Vec<u8> {
    let skf_len = 8 + iv.len() + ct.len() + icv_len;
    let total_len = 28 + skf_len;
    let mut m = Vec::new();
    m.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    m.extend_from_slice(&[SKF, 0x20, 37, 0x08, 0, 0, 0, 2]);
    m.extend_from_slice(&(total_len as u32).to_be_bytes());
    m.extend_from_slice(&[inner_first, 0]);
    m.extend_from_slice(&(skf_len as u16).to_be_bytes());
    m.extend_from_slice(&frag.to_be_bytes());
    m.extend_from_slice(&total.to_be_bytes());
    m.extend_from_slice(iv);
    m.extend_from_slice(ct);
    m
}

#[test]
fn skf_cbc_hmac_and_gcm() {
    use aes::cipher::{BlockModeEncrypt, KeyIvInit};
    use hmac::{KeyInit, Mac};

    // Inner: a Notify payload (8 bytes) + 7 pad + pad length 7 = 16 bytes.
    let inner = hex("0000000800004000");
    let mut plain = inner.clone();
    plain.extend_from_slice(&[0xaa; 7]);
    plain.push(7);
    let key = [0x11u8; 16];
    let iv = [0x22u8; 16];
    let akey = [0x33u8; 32];
    let mut ct = plain.clone();
    cbc::Encryptor::<aes::Aes128>::new(&key.into(), &iv.into())
        .encrypt_blocks(aes::cipher::array::Array::slice_as_chunks_mut(&mut ct).0);
    let mut m = skf_message(2, 3, 0, &iv, &ct, 16);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&akey).unwrap();
    mac.update(&m);
    m.extend_from_slice(&mac.finalize().into_bytes()[..16]);
    let pt = ikev2::decrypt_skf(
        EncAlg::AesCbc,
        &key,
        IntegAlg::HmacSha256_128,
        &akey,
        &m,
        28,
    )
    .unwrap();
    assert!(pt.integrity_ok);
    assert!(pt.padding_ok);
    assert_eq!(pt.pad_len, 7);
    assert_eq!(pt.plaintext, inner);
    // Fragment number changed in transit: the ICV covers it.
    let mut bad = m.clone();
    bad[33] = 1;
    let pt = ikev2::decrypt_skf(
        EncAlg::AesCbc,
        &key,
        IntegAlg::HmacSha256_128,
        &akey,
        &bad,
        28,
    )
    .unwrap();
    assert!(!pt.integrity_ok);
    // Read as an SK payload instead, the 4 fragment bytes would be taken as IV: garbage.
    let as_sk = ikev2::decrypt_sk(
        EncAlg::AesCbc,
        &key,
        IntegAlg::HmacSha256_128,
        &akey,
        &m,
        28,
    );
    assert!(matches!(as_sk, Err(CryptoError::NotBlockAligned { .. })));

    // AES-GCM-16 SKF: AAD = IKE header ‖ SKF header (8 bytes), nonce = salt ‖ IV.
    use aes_gcm::aead::AeadInOut;
    let salt = [0x44u8; 4];
    let gcm_iv = [0x55u8; 8];
    let mut gct = plain.clone();
    let mut m = skf_message(1, 1, 41, &gcm_iv, &gct, 16);
    let aad = m[..36].to_vec();
    let cipher = aes_gcm::Aes128Gcm::new(&key.into());
    let nonce: [u8; 12] = [&salt[..], &gcm_iv[..]].concat().try_into().unwrap();
    let tag = cipher
        .encrypt_inout_detached(&nonce.into(), &aad, gct.as_mut_slice().into())
        .unwrap();
    let n = m.len();
    m[n - gct.len()..].copy_from_slice(&gct);
    m.extend_from_slice(&tag);
    let keymat = [&key[..], &salt[..]].concat();
    let gcm = EncAlg::AesGcm { icv_len: 16 };
    let pt = ikev2::decrypt_skf(gcm, &keymat, IntegAlg::None, &[], &m, 28).unwrap();
    assert!(pt.integrity_ok);
    assert_eq!(pt.first_payload, 41);
    assert_eq!(pt.plaintext, inner);
    let mut bad = m.clone();
    bad[35] = 2; // total fragments
    let pt = ikev2::decrypt_skf(gcm, &keymat, IntegAlg::None, &[], &bad, 28).unwrap();
    assert!(!pt.integrity_ok);
    assert_eq!(pt.plaintext, inner, "decrypted anyway");
    // GCM with a separate integrity algorithm is refused (RFC 5282 §8).
    assert!(matches!(
        ikev2::decrypt_skf(gcm, &keymat, IntegAlg::HmacSha256_128, &akey, &m, 28),
        Err(CryptoError::Unsupported(_))
    ));
}
