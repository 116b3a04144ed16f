//! `ikescope tui` on the command line, without a terminal: it refuses and points to the
//! commands that work in a pipe; conflicting options are usage errors.

use std::process::Command;

fn ikescope(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ikescope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn refuses_without_a_terminal() {
    let out = ikescope(&["tui", "captures/lab/mm-psk-mismatch/capture.pcap"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(
        err.contains("ikescope report") && err.contains("ikescope events"),
        "{err}"
    );
    // Nothing was drawn: no escape sequence reached the pipe.
    assert!(!out.stdout.contains(&0x1b), "{:?}", out.stdout);
}

#[test]
fn speed_and_instant_conflict() {
    let out = ikescope(&[
        "tui",
        "captures/lab/mm-psk-mismatch/capture.pcap",
        "--speed",
        "2",
        "--instant",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--instant") && err.contains("--speed"),
        "{err}"
    );
}

#[test]
fn help_lists_the_options() {
    let out = ikescope(&["tui", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--interface",
        "--keys",
        "--speed",
        "--instant",
        "--max-ike-sas",
    ] {
        assert!(help.contains(opt), "{opt} missing:\n{help}");
    }
}
