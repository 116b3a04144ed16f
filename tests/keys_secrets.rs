//! No secret ever shows in `Debug`, the summary, warnings or errors, whatever the format.

mod keys_support;

use std::path::PathBuf;

use ikescope::keys::{KeyStore, Secret};
use keys_support::*;

fn every_key_file() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sc in scenarios() {
        let dir = lab(&sc);
        for name in [
            "charon-left.log",
            "charon-right.log",
            "xfrm-left.txt",
            "xfrm-right.txt",
            "config-left/swanctl.conf",
            "config-right/swanctl.conf",
        ] {
            let p = dir.join(name);
            if p.exists() {
                out.push(p);
            }
        }
    }
    for name in ["esp_sa", "ikev1_decryption_table", "ikev2_decryption_table"] {
        out.push(repo().join("captures/external/wireshark").join(name));
    }
    for e in std::fs::read_dir(repo().join("tests/fixtures/keys")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".py") || name == "ios-type6-key.txt" {
            continue;
        }
        out.push(p);
    }
    out
}

fn all_secrets(st: &KeyStore) -> Vec<&Secret> {
    let mut v: Vec<&Secret> = Vec::new();
    v.extend(st.psks().iter().map(|p| &p.secret));
    for e in st.ike_secrets() {
        v.extend(
            [
                &e.g_xy,
                &e.skeyid,
                &e.skeyid_d,
                &e.skeyid_a,
                &e.skeyid_e,
                &e.encryption_key,
                &e.skeyseed,
            ]
            .into_iter()
            .flatten(),
        );
        if let Some((_, s)) = &e.dh_private {
            v.push(s);
        }
    }
    v.extend(st.ikev1_ready().iter().map(|r| &r.encryption_key));
    let v2 = st
        .ikev2_keys()
        .iter()
        .chain(st.ike_secrets().iter().filter_map(|e| e.ikev2.as_ref()));
    for k in v2 {
        v.push(&k.sk_ei);
        v.push(&k.sk_er);
        v.extend(
            [&k.sk_ai, &k.sk_ar, &k.sk_d, &k.sk_pi, &k.sk_pr]
                .into_iter()
                .flatten(),
        );
    }
    for sa in st.esp_sas() {
        v.push(&sa.enc_key);
        v.push(&sa.integ_key);
    }
    v.retain(|s| !s.is_empty());
    v
}

#[test]
fn debug_summary_and_warnings_never_show_a_secret() {
    let files = every_key_file();
    assert!(files.len() > 60, "{}", files.len());
    let st = KeyStore::load(&files).unwrap();
    let secrets = all_secrets(&st);
    assert!(secrets.len() > 250, "{}", secrets.len());
    let summary = st.summary();
    let shown = format!(
        "{st:?}\n{summary}\n{summary:?}\n{}\n{:?}",
        st.warnings().join("\n"),
        st.files()
    );
    assert!(shown.contains("Secret(<redacted, 16 bytes>)"));
    let mut checked = 0;
    for s in secrets {
        let b = s.expose();
        if b.len() >= 4 {
            let hex = s.to_hex();
            assert!(
                !shown.contains(&hex),
                "hex of a {}-byte secret shown",
                b.len()
            );
            assert!(!shown.contains(&hex.to_uppercase()));
            checked += 1;
        }
        if b.len() >= 6 {
            let list = format!("{:?}", &b[..6]);
            let list = list.trim_start_matches('[').trim_end_matches(']');
            assert!(!shown.contains(list), "bytes of a secret shown: {list}");
        }
        if let Ok(text) = std::str::from_utf8(b)
            && b.len() >= 5
            && text.chars().all(|c| c.is_ascii_graphic() || c == ' ')
        {
            assert!(!shown.contains(text), "PSK text shown ({} bytes)", b.len());
        }
    }
    assert!(checked > 250);
}

#[test]
fn errors_and_warnings_never_quote_the_key() {
    let cases = [
        "[[psk]]\nsecret = \"0xTopSecretHex\"\n",
        "[[ike]]\ninitiator_cookie = \"a1b2c3d4e5f60718\"\nskeyid = \"deadbeefcafe g00d\"\n",
        "crypto isakmp key 7 TopSecret7 address 192.0.2.1\n",
        "src 1.1.1.1 dst 2.2.2.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n\tenc cbc(aes) 0xdeadbeefcafebabe\n",
        "\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"0xdeadbeefcafebabe\",\"NULL\",\"\"\n",
        "01[IKE] <a|1> SKEYID => 20 bytes @ 0x1\n01[IKE] <a|1>    0: DE AD BE EF CA FE ZZ\n",
    ];
    for text in cases {
        // Errors, or for charon logs (damaged dumps are skipped) the warnings.
        let e = match KeyStore::from_str("k", text) {
            Err(e) => e.to_string(),
            Ok(st) => {
                assert!(!st.warnings().is_empty());
                st.warnings().join("\n")
            }
        };
        for needle in ["TopSecret", "deadbeefcafe", "DE AD BE EF"] {
            assert!(!e.contains(needle), "{e}");
        }
    }
}
