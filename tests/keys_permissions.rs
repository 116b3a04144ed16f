//! A key file readable by group/others gets a warning (returned, not printed).
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use ikescope::keys::KeyStore;

fn temp_file(tag: &str, mode: u32) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ikescope-keys-{tag}-{}.toml", std::process::id()));
    std::fs::write(
        &p,
        "[[psk]]\npeer = \"192.0.2.1\"\nsecret = \"perm-test\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

#[test]
fn world_readable_file_warns_with_the_fix() {
    let p = temp_file("0644", 0o644);
    let st = KeyStore::load(std::slice::from_ref(&p)).unwrap();
    let name = p.display().to_string();
    assert_eq!(
        st.warnings(),
        [format!(
            "warning: {name} is readable by group/others (mode 0644); chmod 600 {name}"
        )]
    );
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn private_file_does_not_warn() {
    let p = temp_file("0600", 0o600);
    let st = KeyStore::load(std::slice::from_ref(&p)).unwrap();
    assert!(st.warnings().is_empty(), "{:?}", st.warnings());
    assert_eq!(st.psks().len(), 1);
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn group_only_bits_warn_too() {
    let p = temp_file("0640", 0o640);
    let st = KeyStore::load(std::slice::from_ref(&p)).unwrap();
    assert!(
        st.warnings()[0].contains("(mode 0640); chmod 600"),
        "{:?}",
        st.warnings()
    );
    std::fs::remove_file(&p).unwrap();
}
