//! The lab captures' own key files (swanctl.conf, `ip -s xfrm state`, charon logs) give back
//! exactly what truth.json recorded.

mod keys_support;

use std::collections::BTreeMap;
use std::net::IpAddr;

use ikescope::keys::{AddrMatch, EspSa, Identity, KeyFormat, KeyStore};
use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use keys_support::*;
use serde_json::Value;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn every_swanctl_conf_gives_the_truth_psk_for_its_peer() {
    let mut checked = 0;
    for sc in scenarios() {
        let t = truth(&sc);
        for host in ["left", "right"] {
            let path = lab(&sc).join(format!("config-{host}/swanctl.conf"));
            let store = load(path.clone());
            assert_eq!(store.files()[0].format, KeyFormat::Swanctl);
            let h = &t["hosts"][host];
            let want = unhex(s(&h["psk_loaded"][0], "secret_hex"));
            // The peer as ikescope sees it on the wire: both outer addresses, and for the
            // aggressive-mode scenario the IDs from AM1/AM2.
            // (natt-mm-psk's responder has remote_addrs = %any: only its own address counts.)
            let addrs: Vec<IpAddr> = [s(h, "local_addrs"), s(h, "remote_addrs")]
                .iter()
                .filter_map(|a| a.parse().ok())
                .collect();
            let ids = [
                Identity::Fqdn("left.example.org".into()),
                Identity::KeyId(b"lab-right".to_vec()),
            ];
            let by_addr = store.psk_candidates(&addrs, &[]);
            let by_id = store.psk_candidates(&[], &ids);
            let cands = if sc.starts_with("am-") {
                by_id
            } else {
                by_addr
            };
            assert_eq!(cands.len(), 1, "{sc} {host}");
            assert_eq!(cands[0].secret.expose(), want.as_slice(), "{sc} {host}");
            assert_eq!(s(&h["psk_loaded"][0], "secret").as_bytes(), want.as_slice());
            // The identities themselves, as the PSK's selectors.
            let got: Vec<String> = store.psks().iter().map(|p| p.peer.to_string()).collect();
            let want_ids: Vec<String> = h["psk_loaded"][0]["identities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            if sc.starts_with("am-") {
                assert!(
                    got.contains(&"fqdn:left.example.org".to_string()),
                    "{got:?}"
                );
                assert!(got.contains(&"keyid:lab-right".to_string()), "{got:?}");
            } else {
                assert_eq!(got, want_ids, "{sc} {host}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 26);
}

fn check_esp(sa: &EspSa, c: &Value, host: &str, ctx: &str) {
    let view = &c["outer_addresses_per_host"][host];
    assert_eq!(sa.src, AddrMatch::Addr(ip(s(view, "src"))), "{ctx}");
    assert_eq!(sa.dst, AddrMatch::Addr(ip(s(view, "dst"))), "{ctx}");
    assert_eq!(sa.enc, truth_enc(&c["encryption"]), "{ctx}");
    assert_eq!(sa.enc_key.to_hex(), s(&c["encryption"], "key"), "{ctx}");
    assert_eq!(
        (sa.enc_key.len() * 8) as u64,
        c["encryption"]["key_bits"].as_u64().unwrap(),
        "{ctx}"
    );
    assert_eq!(sa.integ, truth_integ(&c["integrity"]), "{ctx}");
    let ikey = c["integrity"]["key"].as_str().unwrap_or("");
    assert_eq!(sa.integ_key.to_hex(), ikey, "{ctx}");
    assert_eq!(sa.unchecked_icv_len, None, "{ctx}");
    assert!(!sa.esn, "{ctx}");
}

#[test]
fn every_xfrm_snapshot_gives_exactly_the_truth_esp_sas() {
    let mut files = 0;
    for sc in scenarios() {
        let t = truth(&sc);
        for host in ["left", "right"] {
            let path = lab(&sc).join(format!("xfrm-{host}.txt"));
            if !path.exists() {
                continue;
            }
            let store = load(path);
            assert_eq!(store.files()[0].format, KeyFormat::XfrmState);
            let want: BTreeMap<u32, &Value> = t["child_sas"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["in_snapshot"].as_bool().unwrap())
                .map(|c| (u32::from_str_radix(s(c, "spi"), 16).unwrap(), c))
                .collect();
            let got: BTreeMap<u32, &EspSa> =
                store.esp_sas().iter().map(|sa| (sa.spi, sa)).collect();
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>(),
                "{sc} {host}"
            );
            for (spi, c) in &want {
                let sa = got[spi];
                let ctx = format!("{sc} {host} {spi:08x}");
                check_esp(sa, c, host, &ctx);
                let encap = &c["outer_addresses_per_host"][host]["encap"];
                let want_encap = (!encap.is_null()).then(|| {
                    (
                        encap["sport"].as_u64().unwrap() as u16,
                        encap["dport"].as_u64().unwrap() as u16,
                    )
                });
                assert_eq!(sa.encap, want_encap, "{ctx}");
            }
            files += 1;
        }
    }
    assert_eq!(files, 18);
}

#[test]
fn natt_encapsulation_ports_per_side() {
    let right = load(lab("natt-mm-psk").join("xfrm-right.txt"));
    let left = load(lab("natt-mm-psk").join("xfrm-left.txt"));
    let port = |st: &KeyStore, spi: u32| st.esp_sas().iter().find(|s| s.spi == spi).unwrap().encap;
    assert_eq!(port(&right, 0xc989a390), Some((4500, 40832)));
    assert_eq!(port(&right, 0xc3630c6c), Some((40832, 4500)));
    assert_eq!(port(&left, 0xc989a390), Some((4500, 4500)));
    assert_eq!(port(&left, 0xc3630c6c), Some((4500, 4500)));
}

#[test]
fn gcm_key_includes_the_salt() {
    let st = load(lab("mm-esp-aesgcm").join("xfrm-left.txt"));
    let sa = st.esp_sas().iter().find(|s| s.spi == 0xc46256ee).unwrap();
    assert_eq!(sa.enc, EncAlg::AesGcm { icv_len: 16 });
    assert_eq!(
        sa.enc_key.to_hex(),
        "464f250cae0e9441b89db68370424df86a28d4c8"
    );
    assert_eq!(sa.enc_key_bits(), 128);
    assert_eq!(sa.icv_len(), 16);
    assert_eq!(sa.integ, IntegAlg::None);
}

/// Checks one charon log against truth: the IKE SA keys of this host's role, the PSK it
/// loaded, and every installed child SA's keys on the right SPI.
fn check_charon_log(store: &KeyStore, t: &Value, sc: &str, host: &str, expect_children: bool) {
    let sa_t = &t["ike_sas"][0];
    let role = if s(sa_t, "initiator_host") == host {
        "initiator"
    } else {
        "responder"
    };
    let keys = &sa_t["keys"][role];
    let icookie: Cookie = s(sa_t, "initiator_cookie").parse().unwrap();
    let rcookie: Cookie = s(sa_t, "responder_cookie").parse().unwrap();
    let ike = store.ike_secrets_for(icookie, Some(rcookie));
    assert_eq!(ike.len(), 1, "{sc} {host}");
    let e = ike[0];
    assert_eq!(e.responder_cookie, Some(rcookie));
    let hexof = |v: &Option<ikescope::keys::Secret>| v.as_ref().map(|s| s.to_hex());
    if sa_t["ike_version"].as_u64() == Some(1) {
        assert_eq!(
            hexof(&e.g_xy).as_deref(),
            keys["g_xy"].as_str(),
            "{sc} {host}"
        );
        assert_eq!(hexof(&e.skeyid).as_deref(), keys["skeyid"].as_str());
        assert_eq!(hexof(&e.skeyid_d).as_deref(), keys["skeyid_d"].as_str());
        assert_eq!(hexof(&e.skeyid_a).as_deref(), keys["skeyid_a"].as_str());
        assert_eq!(hexof(&e.skeyid_e).as_deref(), keys["skeyid_e"].as_str());
        assert_eq!(
            hexof(&e.encryption_key).as_deref(),
            keys["encryption_key"].as_str()
        );
        assert!(e.ikev2.is_none());
        let ready = store.ikev1_encryption_keys(icookie);
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].0.to_hex(), s(keys, "encryption_key"));
    } else {
        assert_eq!(
            hexof(&e.g_xy).as_deref(),
            keys["g_ir"].as_str(),
            "{sc} {host}"
        );
        assert_eq!(hexof(&e.skeyseed).as_deref(), keys["skeyseed"].as_str());
        let k = e.ikev2.as_ref().unwrap();
        assert_eq!((k.spi_i, k.spi_r), (icookie, rcookie));
        assert_eq!(k.sk_ei.to_hex(), s(keys, "sk_ei"));
        assert_eq!(k.sk_er.to_hex(), s(keys, "sk_er"));
        assert_eq!(hexof(&k.sk_ai).as_deref(), keys["sk_ai"].as_str());
        assert_eq!(hexof(&k.sk_ar).as_deref(), keys["sk_ar"].as_str());
        assert_eq!(hexof(&k.sk_d).as_deref(), keys["sk_d"].as_str());
        assert_eq!(hexof(&k.sk_pi).as_deref(), keys["sk_pi"].as_str());
        assert_eq!(hexof(&k.sk_pr).as_deref(), keys["sk_pr"].as_str());
        // selected_strongswan: AES_CBC_128/HMAC_SHA2_256_128/…
        assert_eq!(k.enc, Some((EncAlg::AesCbc, 128)));
        assert_eq!(k.integ, Some(IntegAlg::HmacSha256_128));
        assert_eq!(store.ikev2_keys_for(icookie, rcookie).len(), 1);
    }
    // The PSK charon loaded, for both identities.
    let psk = &t["hosts"][host]["psk_loaded"][0];
    let want_psk = unhex(s(psk, "secret_hex"));
    for id in psk["identities"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        let cands = match id.parse::<IpAddr>() {
            Ok(a) => store.psk_candidates(&[a], &[]),
            Err(_) => store.psk_candidates(
                &[],
                &[
                    Identity::Fqdn(id.into()),
                    Identity::KeyId(id.as_bytes().to_vec()),
                ],
            ),
        };
        assert_eq!(cands.len(), 1, "{sc} {host} {id}");
        assert_eq!(cands[0].secret.expose(), want_psk.as_slice());
    }
    // Child SAs: every installed one, keys on the right SPI and direction.
    let children: Vec<&Value> = t["child_sas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["installed"].as_bool().unwrap())
        .collect();
    if !expect_children {
        assert!(store.esp_sas().is_empty());
        return;
    }
    assert_eq!(store.esp_sas().len(), children.len(), "{sc} {host}");
    for c in children {
        let spi = u32::from_str_radix(s(c, "spi"), 16).unwrap();
        let got: Vec<&EspSa> = store.esp_sas().iter().filter(|sa| sa.spi == spi).collect();
        assert_eq!(got.len(), 1, "{sc} {host} {spi:08x}");
        check_esp(got[0], c, host, &format!("{sc} {host} {spi:08x}"));
        assert_eq!(got[0].encap, None);
    }
}

#[test]
fn charon_logs_in_the_repository_give_the_truth_keys() {
    for sc in [
        "mm-psk-aes128-sha1-g14",
        "mm-psk-3des-md5-g2",
        "ikev2-psk-aes128",
    ] {
        let t = truth(sc);
        for host in ["left", "right"] {
            let store = load(lab(sc).join(format!("charon-{host}.log")));
            assert_eq!(store.files()[0].format, KeyFormat::CharonLog);
            check_charon_log(&store, &t, sc, host, true);
        }
    }
}

#[test]
fn trimmed_charon_logs_rekeys_gcm_aggressive() {
    for (sc, children) in [
        ("mm-pfs-rekey-delete", true),
        ("mm-esp-aesgcm", true),
        ("am-psk-aes256-sha256-g14", true),
    ] {
        let t = truth(sc);
        for host in ["left", "right"] {
            let store = load(fixture(&format!("{sc}.charon-{host}.log")));
            check_charon_log(&store, &t, sc, host, children);
        }
    }
}

#[test]
fn psk_mismatch_logs_keep_both_derivations() {
    let sc = "mm-psk-mismatch";
    let t = truth(sc);
    let sa_t = &t["ike_sas"][0];
    let store = KeyStore::load(&[
        fixture(&format!("{sc}.charon-left.log")),
        fixture(&format!("{sc}.charon-right.log")),
    ])
    .unwrap();
    let icookie: Cookie = s(sa_t, "initiator_cookie").parse().unwrap();
    let entries = store.ike_secrets_for(icookie, None);
    assert_eq!(entries.len(), 2);
    let ka: Vec<String> = entries
        .iter()
        .map(|e| e.encryption_key.as_ref().unwrap().to_hex())
        .collect();
    assert_eq!(ka[0], s(&sa_t["keys"]["initiator"], "encryption_key"));
    assert_eq!(ka[1], s(&sa_t["keys"]["responder"], "encryption_key"));
    // Same g^xy on both sides: only the PSK differs.
    assert_eq!(entries[0].g_xy, entries[1].g_xy);
    let w: Vec<&String> = store
        .warnings()
        .iter()
        .filter(|w| w.contains("PSK mismatch"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", store.warnings());
    assert!(
        w[0].contains("skeyid, skeyid_d, skeyid_a, skeyid_e, encryption_key differ"),
        "{}",
        w[0]
    );
    // Two different PSKs for the same addresses: both are candidates.
    let cands = store.psk_candidates(&[ip("192.0.2.1"), ip("192.0.2.2")], &[]);
    assert_eq!(cands.len(), 2);
    assert_eq!(cands[0].secret.expose(), b"lab-psk-LEFT-aaaa");
    assert_eq!(cands[1].secret.expose(), b"lab-psk-RIGHT-bbbb");
}

#[test]
fn both_sides_logs_and_xfrm_merge_into_one_entry_each() {
    let sc = "mm-psk-aes128-sha1-g14";
    let dir = lab(sc);
    let store = KeyStore::load(&[
        dir.join("charon-left.log"),
        dir.join("charon-right.log"),
        dir.join("xfrm-left.txt"),
        dir.join("xfrm-right.txt"),
        dir.join("config-left/swanctl.conf"),
    ])
    .unwrap();
    assert_eq!(store.ike_secrets().len(), 1);
    assert_eq!(store.ike_secrets()[0].origins.len(), 2);
    assert_eq!(store.esp_sas().len(), 2);
    let summary = store.summary();
    assert_eq!(
        summary.to_string(),
        "2 PSKs, 1 DH secret, 1 IKE SA key set, 2 ESP SAs from 5 files"
    );
    let sas = store.esp_sas_for(0xc5039682, ip("192.0.2.2"), ip("192.0.2.1"));
    assert_eq!(sas.len(), 1);
    assert_eq!(sas[0].enc_key.to_hex(), "b3f92291f974400dd7c54ee48623b85d");
    assert!(
        store
            .esp_sas_for(0xc5039682, ip("192.0.2.1"), ip("192.0.2.2"))
            .is_empty()
    );
}

#[test]
fn without_checkin_lines_the_natd_chunk_names_the_sa() {
    // `checkin … with SPIs` is logged at mgr level 2; many logs have only `ike = 4`.
    for sc in [
        "mm-psk-aes128-sha1-g14",
        "mm-psk-3des-md5-g2",
        "ikev2-psk-aes128",
    ] {
        let t = truth(sc);
        for host in ["left", "right"] {
            let text = std::fs::read_to_string(lab(sc).join(format!("charon-{host}.log"))).unwrap();
            let text: String = text
                .lines()
                .filter(|l| !l.contains("[MGR]"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(!text.contains("checkin"), "{sc}");
            let store = KeyStore::from_str("trimmed.log", &text).unwrap();
            check_charon_log(&store, &t, sc, host, true);
        }
    }
}
