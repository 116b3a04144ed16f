//! The real binary in a real pseudo-terminal: tmux runs `ikescope tui` on a lab capture, the
//! test presses keys with `tmux send-keys` and reads the screen with `tmux capture-pane`. It
//! checks the states and diagnoses on screen in several views, and that `q`, Ctrl-C and a
//! panic all hand the terminal back (alternate screen left, process gone).
//!
//! Needs tmux (Debian `tmux`); without it the tests print why and pass, unless
//! IKESCOPE_REQUIRE_TMUX is set (CI sets it).

use std::path::Path;
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The longest wait for a screen to show something (a bound, not a timing assertion).
const WAIT: Duration = Duration::from_secs(30);

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, size: (u16, u16), command: &str, env: &[(&str, &str)]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // CI installs tmux and sets IKESCOPE_REQUIRE_TMUX, so there a skip is a failure.
            assert!(
                std::env::var_os("IKESCOPE_REQUIRE_TMUX").is_none(),
                "tmux is not installed (Debian: apt-get install tmux)"
            );
            eprintln!("skipping: tmux is not installed (Debian: apt-get install tmux)");
            return None;
        }
        let t = Tmux {
            socket: format!("ikescope-{name}-{}", std::process::id()),
        };
        let root = env!("CARGO_MANIFEST_DIR");
        let mut args: Vec<String> = vec![
            "new-session".into(),
            "-d".into(),
            "-s".into(),
            "t".into(),
            "-x".into(),
            size.0.to_string(),
            "-y".into(),
            size.1.to_string(),
            "-c".into(),
            root.into(),
        ];
        for (k, v) in env {
            args.push("-e".into());
            args.push(format!("{k}={v}"));
        }
        // Keep the pane after the program exits, to look at what it left on the screen.
        args.push(format!("{command}; sleep 60"));
        let out = t.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "tmux: {out:?}");
        Some(t)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Whether the pane shows the alternate screen (the dashboard is on).
    fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Waits until the screen satisfies `ok`; panics with the last screen after `WAIT`.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > WAIT {
                panic!("waited {WAIT:?} for {what}; the screen shows:\n{s}");
            }
            sleep(Duration::from_millis(100));
        }
    }

    fn wait_text(&self, texts: &[&str]) -> String {
        self.wait_for(&format!("{texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// Waits for the dashboard to leave the alternate screen (it exited and restored it).
    fn wait_restored(&self) {
        let start = Instant::now();
        while self.alternate_on() {
            if start.elapsed() > WAIT {
                panic!("the terminal was not restored:\n{}", self.screen());
            }
            sleep(Duration::from_millis(100));
        }
    }

    /// The program in the pane's foreground ("sleep" once ikescope has exited).
    fn current_command(&self) -> String {
        let out = self.run(&[
            "display-message",
            "-p",
            "-t",
            "t",
            "#{pane_current_command}",
        ]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ikescope")
}

fn cmd(args: &str) -> String {
    assert!(Path::new(bin()).exists());
    format!("{} tui {args}", bin())
}

#[test]
fn replay_switch_views_and_quit() {
    let Some(t) = Tmux::start(
        "replay",
        (160, 48),
        &cmd(
            "captures/lab/mm-psk-mismatch/capture.pcap --keys captures/lab/mm-psk-mismatch/keys.toml --speed 50",
        ),
        &[],
    ) else {
        return;
    };
    // The replay runs to the end (about 9 s of capture at ×50).
    let s = t.wait_text(&["end of capture", "psk_mismatch"]);
    assert!(t.alternate_on());
    assert!(s.contains("… DOWN-NEGOTIATING"), "{s}");
    assert!(
        s.contains("192.0.2.1 <-> 192.0.2.2") && s.contains("MM_KEY_EXCH"),
        "{s}"
    );
    assert!(
        s.contains("12 pkts") && s.contains("decrypted 1/1 IKE SAs"),
        "{s}"
    );
    t.keys(&["2"]);
    t.wait_text(&[
        "show crypto isakmp sa",
        "MM_KEY_EXCH (IKE_I_MM5)",
        "MM_KEY_EXCH (IKE_R_MM5)",
    ]);
    t.keys(&["4"]);
    let s = t.wait_text(&["Ladder conn-id 1", "IKE_R_MM5", "✖undecryptable"]);
    assert!(s.contains("MM5 ↻"), "{s}");
    t.keys(&["5"]);
    t.wait_text(&["!! psk_mismatch", "frames 7, 15", "router would log"]);
    t.keys(&["Enter"]);
    t.wait_text(&["frame 7 decoded", "HASH_I verified"]);
    t.keys(&["?"]);
    t.wait_text(&["any key closes", "freeze"]);
    t.keys(&["x"]);
    t.wait_for("help closed", |s| !s.contains("any key closes"));
    // Filter: nothing matches 203.0.113, the tunnel is back after Esc.
    t.keys(&["1", "/", "203.0.113", "Enter"]);
    t.wait_text(&["0 peer pairs", "filter: 203.0.113"]);
    t.keys(&["Escape"]);
    t.wait_text(&["1 peer pairs"]);
    t.keys(&["q"]);
    t.wait_restored();
    t.wait_for("ikescope to exit", |_| t.current_command() == "sleep");
}

#[test]
fn ctrl_c_restores_the_terminal_at_80x24() {
    let Some(t) = Tmux::start(
        "ctrlc",
        (80, 24),
        &cmd(
            "captures/generated/mm-psk-aes128-sha1-g14.one-way.pcap --keys captures/lab/mm-psk-aes128-sha1-g14/keys.toml --instant",
        ),
        &[],
    ) else {
        return;
    };
    let s = t.wait_text(&["■ end", "one_way_esp"]);
    assert!(
        s.contains("192.0.2.2 → 192.0.2.1               (no traffic)"),
        "{s}"
    );
    t.keys(&["3"]);
    t.wait_text(&["SPI in", "0xc5039682 0xc395a17e      20       0"]);
    t.keys(&["C-c"]);
    t.wait_restored();
    t.wait_for("ikescope to exit", |_| t.current_command() == "sleep");
}

#[test]
fn a_panic_restores_the_terminal_first() {
    let Some(t) = Tmux::start(
        "panic",
        (100, 30),
        &cmd("captures/lab/mm-psk-mismatch/capture.pcap --speed 100"),
        &[("IKESCOPE_TUI_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    ) else {
        return;
    };
    t.wait_text(&["IKESCOPE_TUI_TEST_PANIC is set"]);
    t.wait_restored();
    // The panic message is readable on the restored screen, and the program ended with the
    // one-line error of the edge.
    let s = t.wait_text(&["IKESCOPE_TUI_TEST_PANIC is set", "ikescope: internal error"]);
    assert!(!s.contains("1 Tunnels"), "the dashboard is gone:\n{s}");
}
