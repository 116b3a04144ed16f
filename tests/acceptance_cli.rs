//! Issue 2 acceptance (CLI errors): every failure is one line on stderr that names the input and
//! the fix; exit codes 0 ok, 1 bad input, 2 usage.

mod acceptance_support;

use acceptance_support::*;

const GOOD: &str = "captures/lab/mm-psk-aes128-sha1-g14/capture.pcap";

/// Exit 1, nothing on stdout, exactly one error line starting `ikescope: ` that contains every
/// `needle`.
fn one_line_error(run: &Run, needles: &[&str]) -> String {
    assert_eq!(
        run.code,
        Some(1),
        "`{}`: exit code; stderr:\n{}",
        run.cmd(),
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "`{}`: stdout not empty:\n{}",
        run.cmd(),
        run.stdout
    );
    let lines = run.error_lines();
    assert_eq!(
        lines.len(),
        1,
        "`{}`: want one error line, stderr:\n{}",
        run.cmd(),
        run.stderr
    );
    let line = lines[0];
    assert!(line.starts_with("ikescope: "), "`{}`: {line}", run.cmd());
    for n in needles {
        assert!(
            line.contains(n),
            "`{}`: error line lacks {n:?}: {line}",
            run.cmd()
        );
    }
    line.to_string()
}

#[test]
fn missing_capture_file() {
    let k = lab_keys("mm-psk-aes128-sha1-g14");
    for cmd in ["dissect", "keys", "report", "events"] {
        let run = ikescope(&[cmd, "no/such/capture.pcap", "--keys", &k]);
        let line = one_line_error(&run, &["no/such/capture.pcap"]);
        assert!(
            line.contains("no such file") && line.contains("check the path"),
            "{line}"
        );
    }
}

#[test]
fn a_directory_is_not_a_capture() {
    let run = ikescope(&["dissect", "captures/lab"]);
    let line = one_line_error(&run, &["captures/lab", "directory"]);
    assert!(!line.contains("os error"), "raw OS error text: {line}");
}

#[test]
fn directory_and_missing_keys_errors_name_the_fix() {
    let run = ikescope(&["dissect", "captures/lab"]);
    let line = one_line_error(&run, &["captures/lab"]);
    assert!(
        line.contains("pcap") || line.contains("file"),
        "the fix (give a capture file) is not named: {line}"
    );
    let run = ikescope(&["dissect", GOOD, "--keys", "no/such/keys.toml"]);
    let line = one_line_error(&run, &["no/such/keys.toml"]);
    assert!(!line.contains("os error"), "raw OS error text: {line}");
    assert!(line.contains("check the path"), "no fix named: {line}");
}

#[test]
fn text_file_empty_file_and_garbage() {
    let dir = tmp_dir("cli");
    let text = dir.join("notes.txt");
    std::fs::write(
        &text,
        "Frame 1: 200 bytes on wire\nInternet Protocol Version 4\n",
    )
    .unwrap();
    let t = text.to_string_lossy().into_owned();
    let line = one_line_error(&ikescope(&["dissect", &t]), &[&t, "not a pcap or pcapng"]);
    assert!(
        line.contains("save") || line.contains("editcap"),
        "no fix named: {line}"
    );

    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    let e = empty.to_string_lossy().into_owned();
    one_line_error(&ikescope(&["report", &e, "--json"]), &[&e, "empty"]);

    let garbage = dir.join("random.pcap");
    let mut rng = Rng::new(99);
    let bytes: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    std::fs::write(&garbage, bytes).unwrap();
    let g = garbage.to_string_lossy().into_owned();
    one_line_error(&ikescope(&["dissect", &g, "--json"]), &[&g]);

    // A pcap header alone is a valid, empty capture.
    let header_only = dir.join("header-only.pcap");
    write_pcap(&header_only, LINKTYPE_ETHERNET, &[]);
    let h = header_only.to_string_lossy().into_owned();
    let run = ikescope(&["report", &h, "--json"]);
    run.ok();
    assert_eq!(run.json()["ike_sas"].as_array().map(Vec::len), Some(0));
}

#[test]
fn truncated_capture_prints_frames_before_the_cut_then_one_error() {
    let src = repo().join(GOOD);
    let offsets = pcap_record_offsets(&src);
    // Cut inside frame 15's data (record header complete, data incomplete).
    let cut = offsets[14] + 16 + 20;
    let dir = tmp_dir("cli-trunc");
    let path = dir.join("cut.pcap");
    std::fs::write(&path, &std::fs::read(&src).unwrap()[..cut]).unwrap();
    let p = path.to_string_lossy().into_owned();
    for args in [
        vec!["dissect", p.as_str(), "--json"],
        vec!["report", p.as_str(), "--json"],
    ] {
        let run = ikescope(&args);
        assert_eq!(
            run.code,
            Some(1),
            "`{}`; stderr:\n{}",
            run.cmd(),
            run.stderr
        );
        let errors = run.error_lines();
        assert_eq!(errors.len(), 1, "`{}`: stderr:\n{}", run.cmd(), run.stderr);
        assert!(
            errors[0].contains(&p) && errors[0].contains("frame 15"),
            "`{}`: error names the file and the cut frame: {}",
            run.cmd(),
            errors[0]
        );
        assert_eq!(
            run.stderr.lines().last(),
            Some(errors[0]),
            "`{}`: the error is the last line",
            run.cmd()
        );
        if args[0] == "dissect" {
            // Frames 1..=14: 2 ARP, MM1..MM6, QM1..QM3, 3 ESP → 12 objects, all before the cut.
            let objs = run.json_lines();
            let frames: Vec<u64> = objs.iter().map(|o| u(o, "frame")).collect();
            assert_eq!(
                frames,
                (3..=14).collect::<Vec<u64>>(),
                "frames printed before the cut"
            );
        } else {
            // The report still covers what was read.
            let doc = run.json();
            assert_eq!(u(&doc["summary"]["decode"], "frames"), 14, "frames counted");
            assert_eq!(doc["ike_sas"].as_array().unwrap().len(), 1);
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["frobnicate", GOOD],
        vec!["dissect", "--bogus-flag", GOOD],
        vec!["report", GOOD, "--max-ike-sas", "lots"],
        vec!["dissect"],
    ] {
        let run = ikescope(&args);
        assert_eq!(
            run.code,
            Some(2),
            "`{}`; stderr:\n{}",
            run.cmd(),
            run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "`{}`: stdout {}",
            run.cmd(),
            run.stdout
        );
        let first = run.stderr.lines().next().unwrap_or("");
        assert!(first.starts_with("error: "), "`{}`: {first}", run.cmd());
        assert!(
            run.stderr.contains("--help"),
            "`{}`: no pointer to --help",
            run.cmd()
        );
    }
    // The offending word is named.
    assert!(
        ikescope(&["frobnicate", GOOD])
            .stderr
            .contains("frobnicate")
    );
    assert!(
        ikescope(&["dissect", "--bogus-flag", GOOD])
            .stderr
            .contains("--bogus-flag")
    );
    // --help and --version are not errors.
    assert_eq!(ikescope(&["--help"]).code, Some(0));
    assert_eq!(ikescope(&["--version"]).code, Some(0));
}

#[test]
fn keys_file_missing_or_malformed() {
    let run = ikescope(&["dissect", GOOD, "--keys", "no/such/keys.toml"]);
    one_line_error(&run, &["no/such/keys.toml"]);

    let dir = tmp_dir("cli-keys");
    let bad = dir.join("bad.toml");
    write_private(&bad, "# keys\n[[psk]]\nsecret = \"unterminated\n");
    let b = bad.to_string_lossy().into_owned();
    for cmd in ["dissect", "keys", "report", "events"] {
        let run = ikescope(&[cmd, GOOD, "--keys", &b]);
        let line = one_line_error(&run, &[&format!("{b}:3")]);
        assert!(
            !line.contains("unterminated\""),
            "the secret's text is echoed: {line}"
        );
    }
    // A well-formed file with an unknown table is named too, with its line.
    let odd = dir.join("odd.toml");
    write_private(
        &odd,
        "[[psk]]\nsecret = \"x\"\n\n[[ike]]\ninitiator_cookie = \"nothex\"\n",
    );
    let o = odd.to_string_lossy().into_owned();
    let line = one_line_error(&ikescope(&["report", GOOD, "--keys", &o]), &[&o]);
    assert!(
        line.contains(&format!("{o}:5")) || line.contains(&format!("{o}:4")),
        "{line}"
    );
}

#[test]
fn as_peer_must_be_in_the_capture() {
    let run = ikescope(&["report", GOOD, "--as", "10.9.9.9"]);
    one_line_error(&run, &["10.9.9.9", "192.0.2.1", "192.0.2.2"]);
    let run = ikescope(&["report", GOOD, "--as", "left-router"]);
    one_line_error(&run, &["left-router"]);
    // Both peers are accepted.
    ikescope(&["report", GOOD, "--as", "192.0.2.1"]).ok();
    ikescope(&["report", GOOD, "--as", "192.0.2.2"]).ok();
}

#[test]
fn interface_without_the_live_feature() {
    for cmd in ["dissect", "report", "events"] {
        let run = ikescope(&[cmd, "--interface", "eth0"]);
        let line = one_line_error(&run, &["live"]);
        assert!(line.contains("--features live"), "the fix is named: {line}");
    }
}
