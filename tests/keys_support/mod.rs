//! Helpers shared by the keys_* integration tests: repository paths, truth.json, and the
//! truth's xfrm algorithm names mapped independently of the code under test.
#![allow(dead_code)]

use std::path::PathBuf;

use ikescope::keys::KeyStore;
use ikescope_dissectors::crypto::algs::{EncAlg, IntegAlg};
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn lab(scenario: &str) -> PathBuf {
    repo().join("captures/lab").join(scenario)
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/keys").join(name)
}

pub fn truth(scenario: &str) -> Value {
    let text = std::fs::read_to_string(lab(scenario).join("truth.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every lab scenario directory in the repository.
pub fn scenarios() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo().join("captures/lab"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            p.join("truth.json")
                .exists()
                .then(|| p.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    out.sort();
    out
}

pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

pub fn load(path: PathBuf) -> KeyStore {
    KeyStore::load(std::slice::from_ref(&path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// truth.json `encryption` → EncAlg (xfrm names, written out here on purpose).
pub fn truth_enc(enc: &Value) -> EncAlg {
    match s(enc, "alg") {
        "cbc(aes)" => EncAlg::AesCbc,
        "cbc(des3_ede)" => EncAlg::TripleDesCbc,
        "rfc4106(gcm(aes))" => EncAlg::AesGcm {
            icv_len: (enc["icv_bits"].as_u64().unwrap() / 8) as u8,
        },
        other => panic!("truth uses {other}"),
    }
}

/// truth.json `integrity` → IntegAlg.
pub fn truth_integ(integ: &Value) -> IntegAlg {
    if integ.is_null() {
        return IntegAlg::None;
    }
    match (s(integ, "alg"), integ["trunc_bits"].as_u64().unwrap()) {
        ("hmac(sha1)", 96) => IntegAlg::HmacSha1_96,
        ("hmac(md5)", 96) => IntegAlg::HmacMd5_96,
        ("hmac(sha256)", 128) => IntegAlg::HmacSha256_128,
        other => panic!("truth uses {other:?}"),
    }
}
