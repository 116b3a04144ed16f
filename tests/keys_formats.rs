//! The external captures' key files (Wireshark tables, tcpdump's -E secret) and the other
//! formats' fixtures, with every value asserted.

mod keys_support;

use std::net::IpAddr;

use ikescope::keys::{AddrMatch, Identity, KeyFormat, KeyStore, PeerSelector};
use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use keys_support::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn external(name: &str) -> std::path::PathBuf {
    repo().join("captures/external").join(name)
}

#[test]
fn wireshark_esp_sa() {
    let st = load(external("wireshark/esp_sa"));
    assert_eq!(st.files()[0].format, KeyFormat::WiresharkEspSa);
    let e = st.esp_sas();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].spi, 0x070883c2);
    assert_eq!(e[0].src, AddrMatch::Addr(ip("192.168.0.1")));
    assert_eq!(e[0].dst, AddrMatch::Addr(ip("192.168.0.100")));
    assert_eq!(e[0].enc, EncAlg::AesCbc);
    assert_eq!(e[0].enc_key.to_hex(), "5de1a4c2c72662c9fda7a7c78cd25623");
    assert_eq!(e[0].integ, IntegAlg::HmacSha1_96);
    assert_eq!(
        e[0].integ_key.to_hex(),
        "51c9213c18232f8f26c70c4dee6e0e6d56e31e8a"
    );
    assert_eq!(e[1].spi, 0xc254fe64);
    assert_eq!(e[1].src, AddrMatch::Addr(ip("192.168.0.100")));
    assert_eq!(e[1].enc_key.to_hex(), "88e1dad7140af03b8d4f3d734d21be4b");
    assert_eq!(
        e[1].integ_key.to_hex(),
        "3e00d517c1220d4b7d2950fcc02edd4b6023d278"
    );
    assert_eq!(
        st.esp_sas_for(0xc254fe64, ip("192.168.0.100"), ip("192.168.0.1"))
            .len(),
        1
    );
}

#[test]
fn wireshark_esp_sa_names() {
    let st = load(fixture("wireshark-esp_sa-variants"));
    let e = st.esp_sas();
    let got: Vec<(u32, EncAlg, IntegAlg, Option<u8>, usize)> = e
        .iter()
        .map(|s| (s.spi, s.enc, s.integ, s.unchecked_icv_len, s.icv_len()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                0x101,
                EncAlg::AesGcm { icv_len: 8 },
                IntegAlg::None,
                None,
                8
            ),
            // Deprecated "AES-GCM [RFC4106]": the ICV length comes from "ANY 128 bit".
            (
                0x102,
                EncAlg::AesGcm { icv_len: 16 },
                IntegAlg::None,
                None,
                16
            ),
            (0x103, EncAlg::AesCbc, IntegAlg::None, Some(12), 12),
            // HMAC-SHA-256-96 is not an IntegAlg: stripped, not checked.
            (0x104, EncAlg::TripleDesCbc, IntegAlg::None, Some(12), 12),
            // 0x105 (CAST5) is skipped with a warning.
            (0x106, EncAlg::AesCtr, IntegAlg::HmacSha512_256, None, 32),
            (0x107, EncAlg::Null, IntegAlg::HmacSha384_192, None, 24),
        ]
    );
    assert_eq!(e[0].src, AddrMatch::Any);
    assert_eq!(
        e[0].dst,
        AddrMatch::Prefix {
            network: ip("10.0.0.0"),
            len: 8
        }
    );
    assert_eq!(e[1].enc_key_bits(), 256);
    assert_eq!(
        e[2].src,
        AddrMatch::Prefix {
            network: ip("192.168.0.0"),
            len: 16
        }
    );
    assert_eq!(e[4].enc_key_bits(), 128);
    // Wireshark reads a key without 0x as ASCII.
    assert_eq!(e[5].integ_key.expose(), b"ascii-auth-key");
    let w: Vec<&String> = st
        .warnings()
        .iter()
        .filter(|w| !w.contains("readable by group"))
        .collect();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w.iter().any(|w| w.contains(":6: ESP SA 0x00000105 skipped: ikescope cannot decrypt CAST5-CBC")));
    assert!(w.iter().any(|w| w.contains(":5: ESP SA 0x00000104: HMAC-SHA-256-96 (draft-ietf-ipsec-ciph-sha-256-00): its 12-byte ICV is stripped but not checked")));
}

#[test]
fn wireshark_ikev1_table() {
    let st = load(external("wireshark/ikev1_decryption_table"));
    assert_eq!(st.files()[0].format, KeyFormat::WiresharkIkev1);
    let c: Cookie = "fafaeb49382a763c".parse().unwrap();
    let keys = st.ikev1_encryption_keys(c);
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0].0.to_hex(),
        "735be0cb62f82675c4f7bf8fbab9b56834ba76d6ab4fa240"
    );
    assert_eq!(keys[0].1.line, 1);
    // Quoted fields are accepted too (Wireshark itself wants them unquoted).
    let q = KeyStore::from_str(
        "t",
        "\"fafaeb49382a763c\",\"735be0cb62f82675c4f7bf8fbab9b568\"\n",
    )
    .unwrap();
    assert_eq!(q.ikev1_ready()[0].encryption_key.len(), 16);
    let e = KeyStore::from_str("t", "fafaeb49382a763c,735be0cb62f82675c4\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "t:1: expected an 8, 16, 24 or 32-byte encryption key (DES, AES-128, 3DES or AES-192, AES-256), found 9 bytes"
    );
}

#[test]
fn wireshark_ikev2_table() {
    let st = load(external("wireshark/ikev2_decryption_table"));
    assert_eq!(st.files()[0].format, KeyFormat::WiresharkIkev2);
    let k = st.ikev2_keys();
    assert_eq!(k.len(), 3);
    assert_eq!(k[0].spi_i.to_string(), "19ab98963486359f");
    assert_eq!(k[0].spi_r.to_string(), "78f13157ccd3b3d8");
    assert_eq!(k[0].enc, Some((EncAlg::TripleDesCbc, 192)));
    assert_eq!(k[0].integ, Some(IntegAlg::HmacSha1_160));
    assert_eq!(
        k[0].sk_ei.to_hex(),
        "2e0e194070fc658c2bfbfdbf8b956be4b2eaa33d02a43cca"
    );
    assert_eq!(
        k[0].sk_er.to_hex(),
        "219f3080e631774b8d5836d3a675b099b1e271c9bdcf6e15"
    );
    assert_eq!(
        k[0].sk_ai.as_ref().unwrap().to_hex(),
        "c96f5bad08aebbff60509c7495f11c183818b916"
    );
    assert_eq!(
        k[0].sk_ar.as_ref().unwrap().to_hex(),
        "e742ac415cdfdd709c9de92769a169e0a5224f79"
    );
    assert_eq!(k[1].enc, Some((EncAlg::AesCbc, 256)));
    assert_eq!(k[1].integ, Some(IntegAlg::HmacSha256_128));
    assert_eq!(k[1].sk_ai.as_ref().unwrap().len(), 32);
    assert_eq!(k[2].enc, Some((EncAlg::AesGcm { icv_len: 16 }, 256)));
    assert_eq!(k[2].integ, Some(IntegAlg::None));
    assert_eq!(k[2].sk_ai, None);
    assert_eq!(k[2].sk_ar, None);
    assert_eq!(k[2].sk_ei.len(), 36); // AES-256 key + 4-byte salt
    assert_eq!(
        st.ikev2_keys_for(
            "0158b8fb90b7623d".parse().unwrap(),
            "13514610cea16160".parse().unwrap()
        )
        .len(),
        1
    );
    let e = KeyStore::from_str(
        "t",
        "19ab98963486359f,78f13157ccd3b3d8,2e0e,219f,\"3DES [RFC2451]\",c9,e7,\"HMAC_SHA1_160 [RFC4595]\"\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "t:1: expected a 24-byte key for 3DES-CBC, found 2 bytes in SK_ei"
    );
}

#[test]
fn tcpdump_secret_of_the_sunrise_sunset_capture() {
    let st = load(fixture("tcpdump-esp-secrets.txt"));
    assert_eq!(st.files()[0].format, KeyFormat::TcpdumpEsp);
    let sa = &st.esp_sas()[0];
    assert_eq!(sa.spi, 0x12345678);
    assert_eq!(sa.src, AddrMatch::Any);
    assert_eq!(sa.dst, AddrMatch::Addr(ip("192.1.2.45")));
    assert_eq!(sa.enc, EncAlg::TripleDesCbc);
    assert_eq!(
        sa.enc_key.to_hex(),
        "4043434545464649494a4a4c4c4f4f515152525454575758"
    );
    // tcpdump's -hmac96: a 12-byte ICV it skips without checking.
    assert_eq!(sa.integ, IntegAlg::None);
    assert_eq!(sa.unchecked_icv_len, Some(12));
    assert_eq!(sa.icv_len(), 12);
    // The same on a command line, comma-separated.
    let st = KeyStore::from_str(
        "-E",
        "0x1@10.0.0.1 aes128-cbc:0x000102030405060708090a0b0c0d0e0f,0x2@10.0.0.2 des-cbc:abcdefgh",
    )
    .unwrap();
    assert_eq!(st.esp_sas().len(), 2);
    assert_eq!(st.esp_sas()[1].enc_key.expose(), b"abcdefgh");
    assert_eq!(st.esp_sas()[1].unchecked_icv_len, None);
}

#[test]
fn ipsec_secrets_fixture() {
    let st = load(fixture("ipsec.secrets"));
    assert_eq!(st.files()[0].format, KeyFormat::IpsecSecrets);
    let got: Vec<(String, Vec<u8>)> = st
        .psks()
        .iter()
        .map(|p| (p.peer.to_string(), p.secret.expose().to_vec()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("192.0.2.1".to_string(), b"lab-psk-Oq9Lw2xZ".to_vec()),
            ("192.0.2.2".to_string(), b"lab-psk-Oq9Lw2xZ".to_vec()),
            (
                "fqdn:left.example.org".to_string(),
                b"lab-psk-Oq9Lw2xZ".to_vec()
            ),
            ("keyid:lab-right".to_string(), b"lab-psk-Oq9Lw2xZ".to_vec()),
            (
                "user_fqdn:carol@strongswan.org".to_string(),
                b"Carol-Key-42".to_vec()
            ),
            ("%any".to_string(), b"Fallback Key With Spaces".to_vec()),
        ]
    );
    assert_eq!(st.psks()[4].origin.line, 11);
    let c = st.psk_candidates(&[], &[Identity::KeyId(b"lab-right".to_vec())]);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].secret.expose(), b"lab-psk-Oq9Lw2xZ");
    assert_eq!(c[1].peer, PeerSelector::Any);
    assert!(
        st.warnings()
            .iter()
            .any(|w| w.contains(":19: `include` is not followed"))
    );
}

#[test]
fn unrecognised_files_say_what_they_look_like() {
    let e = KeyStore::load(&[repo().join("captures/lab/mm-psk-aes128-sha1-g14/capture.pcap")])
        .unwrap_err();
    assert_eq!(e.line, None);
    assert!(
        e.to_string().ends_with(
            "capture.pcap: this is a pcap capture, not a key file (give captures as the input file)"
        ),
        "{e}"
    );
    let e = KeyStore::from_str("notes.txt", "hunter2\nfoo bar\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "notes.txt: not a key file I recognise: 2 lines of text in no format I know (the first has 1 word, 7 characters); accepted formats: ikescope TOML, Cisco IOS config (crypto isakmp key, keyrings), strongSwan ipsec.secrets or swanctl.conf, Wireshark esp_sa / ikev1_decryption_table / ikev2_decryption_table, ip xfrm state output, tcpdump -E secrets, or a charon log at level 4"
    );
    let e = KeyStore::from_str("k.pem", "-----BEGIN PRIVATE KEY-----\nMII\n").unwrap_err();
    assert!(e.to_string().contains("PEM key or certificate"), "{e}");
    let e = KeyStore::load(&[repo().join("no/such/file")]).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("file: no such file: check the path given to --keys"),
        "{e}"
    );
}

#[test]
fn a_charon_log_below_level_4_is_recognised_but_empty() {
    let st = KeyStore::from_str(
        "charon.log",
        "Nov 22 05:42:32 moon charon: 05[IKE] <lab|1> IKE_SA lab[1] established between 192.0.2.1[192.0.2.1]...192.0.2.2[192.0.2.2]\n",
    )
    .unwrap();
    assert!(st.is_empty());
    assert_eq!(st.files()[0].format, KeyFormat::CharonLog);
    assert!(
        st.warnings()[0].contains("charon logs keys only at level 4"),
        "{:?}",
        st.warnings()
    );
}

#[test]
fn all_formats_combine() {
    let st = KeyStore::load(&[
        fixture("every-field.toml"),
        fixture("ios-running-config.txt"),
        fixture("ipsec.secrets"),
        external("wireshark/esp_sa"),
        external("wireshark/ikev1_decryption_table"),
        external("wireshark/ikev2_decryption_table"),
        fixture("tcpdump-esp-secrets.txt"),
        lab("ikev2-psk-aes128").join("charon-left.log"),
        lab("ikev2-psk-aes128").join("xfrm-left.txt"),
        lab("ikev2-psk-aes128").join("config-left/swanctl.conf"),
    ])
    .unwrap();
    assert_eq!(st.files().len(), 10);
    // The TOML [[ikev2]] entry and the charon log describe the same IKEv2 SA.
    let k = st.ikev2_keys_for(
        "e96a2babbb1a0fa4".parse().unwrap(),
        "82118cd703c2d827".parse().unwrap(),
    );
    assert_eq!(k.len(), 2);
    assert_eq!(k[0].sk_ei, k[1].sk_ei);
    let sum = st.summary();
    assert_eq!(sum.files, 10);
    assert_eq!(sum.esp_sas, st.esp_sas().len());
    assert_eq!(
        sum.to_string(),
        format!(
            "{} PSKs, 3 DH secrets, {} IKE SA key sets, {} ESP SAs from 10 files",
            st.psks().len(),
            sum.ike_keys,
            st.esp_sas().len()
        )
    );
}

#[test]
fn summary_lists_entries_without_keys() {
    let st = KeyStore::load(&[
        fixture("every-field.toml"),
        external("wireshark/ikev2_decryption_table"),
        fixture("tcpdump-esp-secrets.txt"),
    ])
    .unwrap();
    let items: Vec<String> = st
        .summary()
        .items
        .iter()
        .map(|i| format!("{}: {}: {}", i.origin.line, i.kind, i.description))
        .collect();
    let want = [
        "4: PSK: peer 192.0.2.1 (16 bytes)",
        "8: PSK: peer 198.51.100.0/24 (16 bytes)",
        "12: PSK: peer fqdn:vpn.example.com (10 bytes)",
        "16: PSK: peer user_fqdn:alice@example.com (15 bytes, remote)",
        "21: PSK: peer keyid:lab-right (14 bytes, local)",
        "26: PSK: peer 2001:db8::/32 (10 bytes)",
        "30: PSK: peer %any (12 bytes)",
        "33: IKE SA: 31acfc6c27a16728/0ed3229697e4c93b: g^xy, SKEYID, SKEYID_d, SKEYID_a, SKEYID_e, Ka",
        "49: IKE SA: 1f8699a3d0a7f0ad/*: responder DH private value",
        "54: IKEv2 SA: e96a2babbb1a0fa4/82118cd703c2d827: AES-CBC 128-bit, HMAC-SHA2-256-128",
        "1: IKEv2 SA: 19ab98963486359f/78f13157ccd3b3d8: 3DES-CBC 192-bit, HMAC-SHA1-160",
        "2: IKEv2 SA: 191ccd371a7a1f7b/bc123d15e4af593f: AES-CBC 256-bit, HMAC-SHA2-256-128",
        "3: IKEv2 SA: 0158b8fb90b7623d/13514610cea16160: AES-GCM 256-bit, 16-byte ICV, NONE",
        "67: ESP SA: 0xc5039682 192.0.2.2 -> 192.0.2.1: AES-CBC 128-bit, HMAC-SHA1-96",
        "76: ESP SA: 0xc46256ee * -> 192.0.2.2: AES-GCM 128-bit, 16-byte ICV, NONE",
        "82: ESP SA: 0x00000100 * -> 10.0.0.0/8: NULL, NONE, ESN, UDP 4500->40832",
        "2: ESP SA: 0x12345678 * -> 192.1.2.45: 3DES-CBC 192-bit, 12-byte ICV unchecked",
    ];
    assert_eq!(items, want);
}
