//! ikescope's TOML key file: every field, and errors with the exact line and message.

mod keys_support;

use std::net::IpAddr;

use ikescope::keys::{AddrMatch, KeyFormat, KeyStore, PeerSelector, PskUsage, Side};
use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use keys_support::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn err(text: &str) -> String {
    KeyStore::from_str("keys.toml", text)
        .unwrap_err()
        .to_string()
}

#[test]
fn the_issue_example_loads() {
    let text = r#"
[[psk]]
peer = "192.0.2.1"            # address, CIDR, or identity such as "fqdn:vpn.example.com"
secret = "cisco123"

[[ike]]
initiator_cookie = "a1b2c3d4e5f60718"
responder_cookie = "0102030405060708"   # optional
dh_shared_secret = "00112233445566778899aabbccddeeff"
"#;
    let st = KeyStore::from_str("keys.toml", text).unwrap();
    assert_eq!(st.files()[0].format, KeyFormat::Toml);
    assert_eq!(st.psks().len(), 1);
    assert_eq!(st.psks()[0].peer, PeerSelector::Address(ip("192.0.2.1")));
    assert_eq!(st.psks()[0].secret.expose(), b"cisco123");
    assert_eq!(st.psks()[0].origin.to_string(), "keys.toml:2");
    let ike = &st.ike_secrets()[0];
    assert_eq!(
        ike.initiator_cookie,
        "a1b2c3d4e5f60718".parse::<Cookie>().unwrap()
    );
    assert_eq!(
        ike.responder_cookie,
        Some("0102030405060708".parse().unwrap())
    );
    assert_eq!(
        ike.g_xy.as_ref().unwrap().to_hex(),
        "00112233445566778899aabbccddeeff"
    );
    assert_eq!(ike.origins[0].line, 6);
    assert_eq!(st.summary().to_string(), "1 PSK, 1 DH secret from 1 file");
}

#[test]
fn every_field_of_the_reference_file() {
    let st = load(fixture("every-field.toml"));
    // [[psk]]
    let p = st.psks();
    assert_eq!(p.len(), 7);
    assert_eq!(p[0].peer.to_string(), "192.0.2.1");
    assert_eq!(p[0].secret.expose(), b"lab-psk-Oq9Lw2xZ");
    assert_eq!(p[1].peer.to_string(), "198.51.100.0/24");
    assert_eq!(p[1].secret.expose(), b"lab-psk-Oq9Lw2xZ"); // written as 0x…
    assert_eq!(p[2].peer.to_string(), "fqdn:vpn.example.com");
    assert_eq!(p[2].secret.expose(), b"b64-secret"); // written as 0s…
    assert_eq!(p[3].peer.to_string(), "user_fqdn:alice@example.com");
    assert_eq!(p[3].usage, PskUsage::Remote);
    assert_eq!(p[4].peer.to_string(), "keyid:lab-right");
    assert_eq!(p[4].usage, PskUsage::Local);
    assert_eq!(p[5].peer.to_string(), "2001:db8::/32");
    assert_eq!(p[6].peer, PeerSelector::Any);
    // [[ike]]: the mm-psk-aes128-sha1-g14 SA, every field.
    let t = truth("mm-psk-aes128-sha1-g14");
    let k = &t["ike_sas"][0]["keys"]["initiator"];
    let ike = &st.ike_secrets()[0];
    assert_eq!(ike.initiator_cookie.to_string(), "31acfc6c27a16728");
    assert_eq!(
        ike.responder_cookie.unwrap().to_string(),
        "0ed3229697e4c93b"
    );
    assert_eq!(ike.g_xy.as_ref().unwrap().to_hex(), s(k, "g_xy"));
    assert_eq!(ike.skeyid.as_ref().unwrap().to_hex(), s(k, "skeyid"));
    assert_eq!(ike.skeyid_d.as_ref().unwrap().to_hex(), s(k, "skeyid_d"));
    assert_eq!(ike.skeyid_a.as_ref().unwrap().to_hex(), s(k, "skeyid_a"));
    assert_eq!(ike.skeyid_e.as_ref().unwrap().to_hex(), s(k, "skeyid_e"));
    assert_eq!(
        ike.encryption_key.as_ref().unwrap().to_hex(),
        s(k, "encryption_key")
    );
    let ike2 = &st.ike_secrets()[1];
    assert_eq!(ike2.responder_cookie, None);
    let (side, private) = ike2.dh_private.as_ref().unwrap();
    assert_eq!(*side, Side::Responder);
    assert_eq!(
        private.expose(),
        &[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]
    );
    // [[ikev2]]: the ikev2-psk-aes128 SA.
    let t2 = truth("ikev2-psk-aes128");
    let k2 = &t2["ike_sas"][0]["keys"]["initiator"];
    let v2 = &st.ikev2_keys()[0];
    assert_eq!(v2.spi_i.to_string(), "e96a2babbb1a0fa4");
    assert_eq!(v2.spi_r.to_string(), "82118cd703c2d827");
    assert_eq!(v2.enc, Some((EncAlg::AesCbc, 128)));
    assert_eq!(v2.integ, Some(IntegAlg::HmacSha256_128));
    for (got, want) in [
        (Some(&v2.sk_ei), "sk_ei"),
        (Some(&v2.sk_er), "sk_er"),
        (v2.sk_ai.as_ref(), "sk_ai"),
        (v2.sk_ar.as_ref(), "sk_ar"),
        (v2.sk_d.as_ref(), "sk_d"),
        (v2.sk_pi.as_ref(), "sk_pi"),
        (v2.sk_pr.as_ref(), "sk_pr"),
    ] {
        assert_eq!(got.unwrap().to_hex(), s(k2, want), "{want}");
    }
    // [[esp]]
    let e = st.esp_sas();
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].spi, 0xc5039682);
    assert_eq!(e[0].src, AddrMatch::Addr(ip("192.0.2.2")));
    assert_eq!(e[0].dst, AddrMatch::Addr(ip("192.0.2.1")));
    assert_eq!(e[0].enc, EncAlg::AesCbc);
    assert_eq!(e[0].enc_key.to_hex(), "b3f92291f974400dd7c54ee48623b85d");
    assert_eq!(e[0].integ, IntegAlg::HmacSha1_96);
    assert_eq!(
        e[0].integ_key.to_hex(),
        "0aed6a9a0137f4244383d9071ed00e11ac6912d7"
    );
    assert!(!e[0].esn);
    assert_eq!(e[0].encap, None);
    assert_eq!(e[1].spi, 0xc46256ee);
    assert_eq!(e[1].enc, EncAlg::AesGcm { icv_len: 16 });
    assert_eq!(e[1].enc_key_bits(), 128);
    assert_eq!(e[1].integ, IntegAlg::None);
    assert_eq!(e[1].src, AddrMatch::Any);
    assert_eq!(e[2].spi, 256);
    assert!(e[2].esn);
    assert_eq!(e[2].encap, Some((4500, 40832)));
    assert_eq!(e[2].enc, EncAlg::Null);
    assert_eq!(
        e[2].dst,
        AddrMatch::Prefix {
            network: ip("10.0.0.0"),
            len: 8
        }
    );
}

#[test]
fn bad_cookie() {
    assert_eq!(
        err(
            "\n\n[[ike]]\n# the initiator's\n\n\ninitiator_cookie = \"a1b2\"\ndh_shared_secret = \"00\"\n"
        ),
        "keys.toml:7: expected 16 hex digits for initiator_cookie, found \"a1b2\""
    );
    assert_eq!(
        err(
            "[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\nresponder_cookie = \"01020304050607zz\"\nskeyid = \"00\"\n"
        ),
        "keys.toml:3: expected 16 hex digits for responder_cookie, found \"01020304050607zz\""
    );
}

#[test]
fn bad_hex_never_quotes_the_key() {
    let e =
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\nskeyid = \"26b921f460e99g5f\"\n");
    assert_eq!(
        e,
        "keys.toml:3: expected hex digits for skeyid, found 'g' at character 14"
    );
    assert!(!e.contains("26b921f4"));
    assert_eq!(
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\ndh_shared_secret = \"abc\"\n"),
        "keys.toml:3: expected hex digits for dh_shared_secret, found an odd number of hex digits (3)"
    );
    assert_eq!(
        err("[[psk]]\nsecret = \"0xnothex\"\n"),
        "keys.toml:2: expected hex digits after 0x (write a secret that really starts with 0x in hex), found 'n' at character 1 for secret"
    );
}

#[test]
fn unknown_key_names_the_accepted_ones() {
    assert_eq!(
        err("[[psk]]\npeer = \"192.0.2.1\"\nsecrett = \"x\"\n"),
        "keys.toml:3: unknown field `secrett`, expected one of `peer`, `secret`, `usage`"
    );
    assert_eq!(
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\ng_xz = \"00\"\n"),
        "keys.toml:3: unknown field `g_xz`, expected one of `initiator_cookie`, `responder_cookie`, `dh_shared_secret`, `g_xy`, `dh_private`, `side`, `skeyid`, `skeyid_d`, `skeyid_a`, `skeyid_e`, `encryption_key`"
    );
    assert_eq!(
        err("[[pks]]\nsecret = \"x\"\n"),
        "keys.toml:1: unknown field `pks`, expected one of `psk`, `ike`, `ikev2`, `esp`, `quick_mode`"
    );
}

#[test]
fn missing_secret() {
    assert_eq!(
        err("[[psk]]\npeer = \"192.0.2.1\"\n\n[[psk]]\npeer = \"192.0.2.2\"\n"),
        "keys.toml:1: missing field `secret`"
    );
}

#[test]
fn side_and_dh_private_go_together() {
    assert_eq!(
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\nside = \"initiator\"\n"),
        "keys.toml:3: expected dh_private with side (side says whose DH private value it is)"
    );
    assert_eq!(
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\ndh_private = \"0102\"\n"),
        "keys.toml:3: expected side = \"initiator\" or \"responder\" with dh_private (whose private value is it?)"
    );
    assert_eq!(
        err(
            "[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\ndh_private = \"0102\"\nside = \"left\"\n"
        ),
        "keys.toml:4: expected side = \"initiator\" or \"responder\", found \"left\""
    );
}

#[test]
fn other_errors() {
    assert_eq!(
        err("[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\n"),
        "keys.toml:1: expected dh_shared_secret, dh_private, skeyid, skeyid_d, skeyid_a, skeyid_e or encryption_key in [[ike]]"
    );
    assert_eq!(
        err("[[psk]]\npeer = \"192.0.2.0/33\"\nsecret = \"x\"\n"),
        "keys.toml:2: expected an IP address or CIDR, found \"192.0.2.0/33\" for peer"
    );
    assert_eq!(
        err(
            "[[esp]]\nspi = \"0xc5039682\"\nencryption = \"aes256\"\nencryption_key = \"b3f92291f974400dd7c54ee48623b85d\"\n"
        ),
        "keys.toml:4: expected a 256-bit key for encryption_key, found 128 bits (16 bytes)"
    );
    assert_eq!(
        err(
            "[[esp]]\nspi = \"0xc5039682\"\nencryption = \"aes128gcm16\"\nencryption_key = \"b3f92291f974400dd7c54ee48623b85d\"\n"
        ),
        "keys.toml:4: expected a 20 or 28 or 36-byte key for AES-GCM-128 (key + 4-byte salt), found 16 bytes in encryption_key"
    );
    assert_eq!(
        err("[[esp]]\nspi = \"nope\"\nencryption = \"null\"\n"),
        "keys.toml:2: expected spi = \"0x…\" (8 hex digits) or a 32-bit integer"
    );
    assert_eq!(
        err("[[esp]]\nspi = 1\nencryption = \"rot13\"\n"),
        "keys.toml:3: expected an encryption name such as \"aes128\", \"aes256gcm16\", \"3des\", \"des\", \"aes128ctr\" or \"null\", found \"rot13\""
    );
    assert_eq!(
        err("[[psk]]\nsecret = \"x\"\n[[psk]\n"),
        "keys.toml:3: unclosed array table, expected `]`"
    );
}

#[test]
fn quick_mode_dh_secrets_from_toml_and_charon_logs_agree() {
    // PFS: KEYMAT needs each quick mode's g(qm)^xy (RFC 2409 §5.5). The lab key file carries
    // them as [[quick_mode]] tables; the charon log prints them as CHD "DH secret" dumps after
    // the quick mode it parsed. Both readers must give the same six secrets.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let toml = KeyStore::load(&[root.join("captures/lab/mm-pfs-rekey-delete/keys.toml")]).unwrap();
    let log =
        KeyStore::load(&[root.join("captures/lab/mm-pfs-rekey-delete/charon-left.trimmed.log")])
            .unwrap();
    assert_eq!(toml.quick_mode_secrets().len(), 6);
    assert_eq!(log.quick_mode_secrets().len(), 6);
    for q in toml.quick_mode_secrets() {
        let from_log = log
            .quick_mode_secret(q.initiator_cookie, q.message_id)
            .expect("same quick mode in the log");
        assert_eq!(
            from_log.g_qm_xy, q.g_qm_xy,
            "quick mode {:08x}",
            q.message_id
        );
        assert_eq!(q.g_qm_xy.len(), 256, "MODP_2048");
    }
    // A message ID as charon prints it (decimal) works too.
    let st = KeyStore::from_str(
        "keys.toml",
        "[[quick_mode]]\ninitiator_cookie = \"cc2c88aa29631fb5\"\nmessage_id = 677154131\ndh_shared_secret = \"0102\"\n",
    )
    .unwrap();
    assert!(
        st.quick_mode_secret("cc2c88aa29631fb5".parse().unwrap(), 0x285c8d53)
            .is_some()
    );
    assert_eq!(
        KeyStore::from_str("keys.toml", "[[quick_mode]]\ninitiator_cookie = \"cc2c88aa29631fb5\"\nmessage_id = \"x\"\ndh_shared_secret = \"01\"\n")
            .unwrap_err()
            .to_string(),
        "keys.toml:3: expected message_id as 8 hex digits (\"bdb4972a\"), 0x-hex, or a decimal number"
    );
}
