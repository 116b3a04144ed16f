//! Key-file readers: `KeyStore::from_str` on any text must never panic, whatever format the
//! text is recognised as. Non-UTF-8 input is read lossily (the CLI refuses it, but the readers
//! must still cope with U+FFFD anywhere). Seeds: tests/fixtures/keys/*, captures/external/
//! wireshark/{esp_sa,ikev1_decryption_table,ikev2_decryption_table}, a few lab xfrm-*.txt and
//! swanctl.conf files.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use ikescope::keys::{Identity, KeyStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(store) = KeyStore::from_str("fuzz", &text) {
        // Exercise what the callers do with a store.
        let _ = store.summary().to_string();
        let _ = format!("{store:?}");
        let addr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let _ = store.psk_candidates(&[addr], &[Identity::Fqdn("vpn.example.com".into())]);
        for sa in store.esp_sas() {
            let _ = (sa.icv_len(), sa.enc_key_bits());
            let _ = store.esp_sas_for(sa.spi, addr, addr);
        }
        for e in store.ike_secrets() {
            let _ = store.ike_secrets_for(e.initiator_cookie, e.responder_cookie);
        }
    }
});
