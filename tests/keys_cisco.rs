//! Cisco configurations: a whole IOS running-config and an ASA config load, giving only the
//! PSKs, with type 7 decoded, type 6 refused with the fix, and candidates ordered.

mod keys_support;

use std::net::IpAddr;

use ikescope::keys::{Identity, KeyFormat, KeyStore, PskUsage, decode_type7};
use keys_support::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn secrets(c: &[&ikescope::keys::PskEntry]) -> Vec<String> {
    c.iter()
        .map(|p| String::from_utf8(p.secret.expose().to_vec()).unwrap())
        .collect()
}

#[test]
fn ios_running_config_gives_every_psk_and_nothing_else() {
    let st = load(fixture("ios-running-config.txt"));
    assert_eq!(st.files()[0].format, KeyFormat::CiscoConfig);
    let got: Vec<(String, String, usize)> = st
        .psks()
        .iter()
        .map(|p| {
            (
                p.peer.to_string(),
                String::from_utf8(p.secret.expose().to_vec()).unwrap(),
                p.origin.line,
            )
        })
        .collect();
    let want: Vec<(&str, &str, usize)> = vec![
        ("198.51.100.0/24", "Br4nch-Net-Key", 28),
        ("203.0.113.7", "$uperP@ssword", 29), // type 7
        ("fqdn:spoke1.example.net", "Sp0ke-1-Key", 30),
        ("2001:db8:beef::/48", "v6-Keyring-Key", 31),
        ("192.0.2.1", "Gl0bal-Exact-Key", 38),
        ("192.0.2.0/24", "Gl0bal-Net-Key", 39),
        ("192.0.2.99", "cisco", 40), // type 7
        ("0.0.0.0/0", "Any-Peer-Key", 41),
        ("2001:db8::1", "v6-Global-Key", 42),
        ("fqdn:vpn.partner.example", "Host-Key", 43),
        ("198.51.100.2", "Local-Side-Key", 56),
        ("fqdn:site-b.example.com", "Local-Side-Key", 56),
        ("198.51.100.2", "Remote-Side-Key", 57),
        ("fqdn:site-b.example.com", "Remote-Side-Key", 57),
        ("2001:db8:c::/64", "Site-C-Key", 61),
    ];
    let want: Vec<(String, String, usize)> = want
        .into_iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
        .collect();
    assert_eq!(got, want);
    let usage: Vec<PskUsage> = st.psks().iter().skip(10).map(|p| p.usage).collect();
    assert_eq!(
        usage,
        [
            PskUsage::Local,
            PskUsage::Local,
            PskUsage::Remote,
            PskUsage::Remote,
            PskUsage::Both
        ]
    );
    assert!(
        st.warnings()
            .iter()
            .all(|w| w.contains("readable by group")),
        "{:?}",
        st.warnings()
    );
}

#[test]
fn candidates_most_specific_first() {
    let st = load(fixture("ios-running-config.txt"));
    assert_eq!(
        secrets(&st.psk_candidates(&[ip("192.0.2.1")], &[])),
        ["Gl0bal-Exact-Key", "Gl0bal-Net-Key", "Any-Peer-Key"]
    );
    // The local address (192.0.2.254) matches the /24 too; each secret comes once.
    assert_eq!(
        secrets(&st.psk_candidates(&[ip("192.0.2.254"), ip("192.0.2.1")], &[])),
        ["Gl0bal-Exact-Key", "Gl0bal-Net-Key", "Any-Peer-Key"]
    );
    assert_eq!(
        secrets(&st.psk_candidates(&[ip("198.51.100.2")], &[])),
        [
            "Local-Side-Key",
            "Remote-Side-Key",
            "Br4nch-Net-Key",
            "Any-Peer-Key"
        ]
    );
    assert_eq!(
        secrets(&st.psk_candidates(
            &[ip("198.51.100.77")],
            &[Identity::Fqdn("SITE-B.example.com".into())]
        )),
        [
            "Local-Side-Key",
            "Remote-Side-Key",
            "Br4nch-Net-Key",
            "Any-Peer-Key"
        ]
    );
    // IPv4 0.0.0.0 0.0.0.0 is not for IPv6 peers.
    assert_eq!(
        secrets(&st.psk_candidates(&[ip("2001:db8::1")], &[])),
        ["v6-Global-Key"]
    );
    assert_eq!(
        secrets(&st.psk_candidates(&[ip("2001:db8:beef::5")], &[])),
        ["v6-Keyring-Key"]
    );
    assert_eq!(
        secrets(&st.psk_candidates(&[], &[Identity::Fqdn("spoke1.example.net".into())])),
        ["Sp0ke-1-Key"]
    );
    assert!(st.psk_candidates(&[ip("2001:db8:1::9")], &[]).is_empty());
}

#[test]
fn type6_is_an_error_that_says_what_to_do() {
    let e = KeyStore::load(&[fixture("ios-type6-key.txt")]).unwrap_err();
    assert_eq!(e.line, Some(5));
    let msg = e.to_string();
    assert!(
        msg.ends_with(
            "ios-type6-key.txt:5: expected a plain-text (type 0) or type 7 key, found a type 6 \
             key, which is encrypted with the router's master key (`key config-key \
             password-encrypt`) and cannot be decrypted here; put the plain-text key in a TOML \
             [[psk]] entry (see docs/keys.md)"
        ),
        "{msg}"
    );
    assert!(!msg.contains("FLgBaJHX"));
}

#[test]
fn type7_published_examples() {
    // netutils' documented example, and the one Cisco configs show in countless posts.
    assert_eq!(decode_type7("121A0C041104").unwrap(), b"cisco");
    assert_eq!(decode_type7("0822455D0A16").unwrap(), b"cisco");
    assert!(decode_type7("0822455D0A1").is_err());
}

#[test]
fn malformed_lines_name_line_and_form() {
    let e = KeyStore::from_str("r1.cfg", "!\ncrypto isakmp key Only-A-Key\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "r1.cfg:2: expected `crypto isakmp key KEY address A.B.C.D [MASK]` or `… hostname NAME`"
    );
    let e = KeyStore::from_str(
        "r1.cfg",
        "crypto isakmp key K address 192.0.2.0 255.0.255.0\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "r1.cfg:1: expected a contiguous netmask, found \"255.0.255.0\""
    );
    let e = KeyStore::from_str(
        "r1.cfg",
        "crypto keyring K\n pre-shared-key address 10.0.0.300 key X\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "r1.cfg:2: expected an address such as 192.0.2.1 [255.255.255.0], found \"10.0.0.300\""
    );
}

#[test]
fn asa_tunnel_groups() {
    let st = load(fixture("asa-running-config.txt"));
    assert_eq!(st.files()[0].format, KeyFormat::CiscoConfig);
    let got: Vec<(String, String, PskUsage)> = st
        .psks()
        .iter()
        .map(|p| {
            (
                p.peer.to_string(),
                String::from_utf8(p.secret.expose().to_vec()).unwrap(),
                p.usage,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("203.0.113.50".into(), "Asa-L2L-Key".into(), PskUsage::Both),
            (
                "203.0.113.50".into(),
                "Asa-Remote-Key".into(),
                PskUsage::Remote
            ),
            (
                "203.0.113.50".into(),
                "Asa-Local-Key".into(),
                PskUsage::Local
            ),
            (
                "keyid:SALES".into(),
                "Sales-Group-Key".into(),
                PskUsage::Both
            ),
        ]
    );
    let masked: Vec<&String> = st
        .warnings()
        .iter()
        .filter(|w| w.contains("masked"))
        .collect();
    assert_eq!(masked.len(), 1);
    assert!(
        masked[0].contains("asa-running-config.txt:20: masked key (*****) skipped"),
        "{}",
        masked[0]
    );
}
