//! Every view of the dashboard, rendered on ratatui's TestBackend at 80x24 and 160x48 from
//! three lab captures: a tunnel that is up, a PSK mismatch, and a one-way tunnel. Each screen
//! is compared with a committed text snapshot (`IKESCOPE_UPDATE_SNAPSHOTS=1` rewrites them)
//! and checked for the states and diagnoses it must show.

mod tui_common;

use crossterm::event::KeyCode;
use ikescope::tui::{App, Feed, View};
use tui_common::{check_snapshot, code, feed, key, press, refresh, render};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// Renders the six views in the order an engineer would visit them: tunnels, the IKE SAs
/// (selecting the first: the Ladder and Packets follow it), IPsec SAs, back to the IKE SA and
/// its ladder, the diagnoses, and the packets (from the first diagnosis with Enter, if any).
fn screens(feed: &mut Feed, w: u16, h: u16) -> Vec<(View, String)> {
    let mut app = App::new(w, h);
    let mut out = Vec::new();
    let s = refresh(feed, &mut app);
    out.push((View::Tunnels, render(&app, &s, w, h)));
    let s = press(feed, &mut app, key('2'));
    out.push((View::IkeSas, render(&app, &s, w, h)));
    let s = press(feed, &mut app, key('3'));
    out.push((View::IpsecSas, render(&app, &s, w, h)));
    press(feed, &mut app, key('2'));
    let s = press(feed, &mut app, key('4'));
    out.push((View::Ladder, render(&app, &s, w, h)));
    let s = press(feed, &mut app, key('5'));
    let has_diagnosis = s.counts.errors + s.counts.warnings > 0;
    out.push((View::Diagnoses, render(&app, &s, w, h)));
    let s = if has_diagnosis {
        press(feed, &mut app, code(KeyCode::Enter))
    } else {
        press(feed, &mut app, key('6'))
    };
    assert_eq!(app.view, View::Packets);
    out.push((View::Packets, render(&app, &s, w, h)));
    out
}

fn slug(v: View) -> &'static str {
    match v {
        View::Tunnels => "tunnels",
        View::IkeSas => "ike-sas",
        View::IpsecSas => "ipsec-sas",
        View::Ladder => "ladder",
        View::Diagnoses => "diagnoses",
        View::Packets => "packets",
    }
}

fn all_views(name: &str, mut feed: Feed) -> Vec<(View, u16, String)> {
    let mut out = Vec::new();
    for (w, h) in SIZES {
        for (view, text) in screens(&mut feed, w, h) {
            assert_eq!(text.lines().count(), usize::from(h));
            assert!(text.lines().all(|l| l.chars().count() <= usize::from(w)));
            check_snapshot(&format!("{name}-{}-{w}x{h}", slug(view)), &text);
            out.push((view, w, text));
        }
    }
    out
}

fn screen(all: &[(View, u16, String)], view: View, width: u16) -> &str {
    all.iter()
        .find(|(v, w, _)| *v == view && *w == width)
        .map(|(_, _, t)| t.as_str())
        .unwrap()
}

#[test]
fn tunnel_up() {
    // Up to frame 53: phase 1 and quick mode done, the 40 pings exchanged, before the DELETEs.
    let feed = feed(
        "captures/lab/mm-psk-aes128-sha1-g14/capture.pcap",
        Some("captures/lab/mm-psk-aes128-sha1-g14/keys.toml"),
        Some(53),
    );
    let all = all_views("up", feed);
    for w in [80, 160] {
        let t = screen(&all, View::Tunnels, w);
        assert!(t.contains("✔ UP-ACTIVE"), "{t}");
        assert!(
            t.contains("192.0.2.1 <-> 192.0.2.2") && t.contains("QM_IDLE"),
            "{t}"
        );
        let ike = screen(&all, View::IkeSas, w);
        assert!(ike.contains("✔ QM_IDLE"), "{ike}");
        let ipsec = screen(&all, View::IpsecSas, w);
        // The SPIs of truth.json, inbound and outbound from the initiator's side; 20 each way.
        assert!(ipsec.contains("0xc5039682 0xc395a17e"), "{ipsec}");
        assert!(ipsec.contains("     20      20"), "{ipsec}");
        let ladder = screen(&all, View::Ladder, w);
        for s in [
            "MM1",
            "MM6",
            "QM1",
            "QM3",
            "IKE_I_MM1",
            "IKE_R_MM1",
            "IKE_P1_COMPLETE",
        ] {
            assert!(ladder.contains(s), "{s} missing:\n{ladder}");
        }
        assert!(ladder.contains("✔ established in frame 8"), "{ladder}");
        assert!(screen(&all, View::Diagnoses, w).contains("No problems found."));
        let p = screen(&all, View::Packets, w);
        assert!(p.contains("ISAKMP Main Mode MM1"), "{p}");
    }
    let t = screen(&all, View::Tunnels, 160);
    assert!(t.contains("decrypted 1/1 IKE SAs"), "{t}");
    assert!(t.contains("keys: 1 PSK, 1 DH secret from 1 file"), "{t}");
    // Both directions carry traffic: the sparkline widget draws bars for each.
    let ipsec = screen(&all, View::IpsecSas, 160);
    assert!(ipsec.contains("✔ active"), "{ipsec}");
    let p = screen(&all, View::Packets, 160);
    assert!(p.contains("Security Association: DOI IPSEC"), "{p}");
}

#[test]
fn psk_mismatch() {
    let feed = feed(
        "captures/lab/mm-psk-mismatch/capture.pcap",
        Some("captures/lab/mm-psk-mismatch/keys.toml"),
        None,
    );
    let all = all_views("psk-mismatch", feed);
    for w in [80, 160] {
        let t = screen(&all, View::Tunnels, w);
        assert!(t.contains("… DOWN-NEGOTIATING"), "{t}");
        assert!(
            t.contains("MM_KEY_EXCH") && t.contains("!! psk_mismatch"),
            "{t}"
        );
        assert!(t.contains("5 Diagnoses(!!1)"), "{t}");
        let ike = screen(&all, View::IkeSas, w);
        assert!(
            ike.contains("… MM_KEY_EXCH") && ike.contains("!! psk_mismatch"),
            "{ike}"
        );
        let ladder = screen(&all, View::Ladder, w);
        // Both sides stop at MM5; the responder's answers do not decrypt; MM5 is resent.
        assert!(
            ladder.contains("IKE_I_MM5") && ladder.contains("IKE_R_MM5"),
            "{ladder}"
        );
        assert!(ladder.contains("✖undecry"), "{ladder}");
        assert!(ladder.contains("MM5 ↻"), "{ladder}");
        assert!(ladder.contains("… negotiating"), "{ladder}");
        let d = screen(&all, View::Diagnoses, w);
        assert!(
            d.contains("!! psk_mismatch") && d.contains("frames 7, 15"),
            "{d}"
        );
        assert!(d.contains("never sent"), "{d}");
        // Enter on the diagnosis lands on its first evidence frame, MM5, tree below.
        let p = screen(&all, View::Packets, w);
        assert!(p.contains("▶     7"), "{p}");
        assert!(p.contains("frame 7 decoded"), "{p}");
        assert!(p.contains("HASH_I verified"), "{p}");
    }
    let ike = screen(&all, View::IkeSas, 160);
    assert!(ike.contains("MM_KEY_EXCH (IKE_I_MM5)") && ike.contains("MM_KEY_EXCH (IKE_R_MM5)"));
}

#[test]
fn one_way_tunnel() {
    let feed = feed(
        "captures/generated/mm-psk-aes128-sha1-g14.one-way.pcap",
        Some("captures/lab/mm-psk-aes128-sha1-g14/keys.toml"),
        None,
    );
    let all = all_views("one-way", feed);
    for w in [80, 160] {
        let t = screen(&all, View::Tunnels, w);
        assert!(t.contains("!! one_way_esp"), "{t}");
        let ipsec = screen(&all, View::IpsecSas, w);
        // 20 ESP packets out, none back.
        assert!(ipsec.contains("     20       0"), "{ipsec}");
        let d = screen(&all, View::Diagnoses, w);
        assert!(
            d.contains("one_way_esp") && d.contains("none came back"),
            "{d}"
        );
        let p = screen(&all, View::Packets, w);
        assert!(p.contains("ESP spi=0xc395a17e"), "{p}");
    }
    let t = screen(&all, View::Tunnels, 160);
    assert!(t.contains("(no traffic)"), "{t}");
    let ipsec = screen(&all, View::IpsecSas, 160);
    assert!(
        ipsec.contains("→ one-way") || ipsec.contains("− deleted"),
        "{ipsec}"
    );
}
