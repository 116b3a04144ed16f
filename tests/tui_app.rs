//! The dashboard's behaviour on real captures: filter, sort, freeze-on-selection, Enter from
//! the ladder, help, pause and quit keys. The worker's part (`Feed::snapshot`) and the UI's
//! (`App`) are driven directly, as the threads would.

mod tui_common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ikescope::tui::{App, Body, Effect, Feed, IpsecRow, Snapshot, View};
use tui_common::{code, feed, feed_more, key, press, refresh, render};

const MANY: &str = "captures/lab/mm-many-tunnels/capture.pcap";
const MANY_KEYS: &str = "captures/lab/mm-many-tunnels/keys.toml";

fn ipsec_rows(s: &Snapshot) -> (&[IpsecRow], usize, usize) {
    match &s.body {
        Body::IpsecSas { table, .. } => (&table.rows, table.selected, table.offset),
        other => panic!("not the IPsec view: {other:?}"),
    }
}

fn selected_spi(s: &Snapshot) -> u32 {
    let (rows, selected, offset) = ipsec_rows(s);
    rows[selected - offset].spi_in.unwrap()
}

fn total(s: &Snapshot) -> usize {
    s.body.scroll().0
}

fn type_filter(feed: &mut Feed, app: &mut App, text: &str) -> Snapshot {
    app.on_key(key('/'));
    for c in text.chars() {
        app.on_key(key(c));
    }
    press(feed, app, code(KeyCode::Enter))
}

#[test]
fn filter_by_address_state_and_diagnosis() {
    let mut feed = feed(
        "captures/lab/mm-psk-mismatch/capture.pcap",
        Some("captures/lab/mm-psk-mismatch/keys.toml"),
        None,
    );
    let mut app = App::new(160, 48);
    assert_eq!(total(&refresh(&mut feed, &mut app)), 1);
    for (text, want) in [
        ("psk_mis", 1),
        ("192.0.2.2", 1),
        ("MM_KEY", 1),
        ("198.51.100.", 0),
        ("QM_IDLE", 0),
    ] {
        let s = type_filter(&mut feed, &mut app, text);
        assert_eq!(total(&s), want, "filter {text:?}");
        let screen = render(&app, &s, 160, 48);
        assert!(screen.contains(&format!("filter: {text}")), "{screen}");
        assert!(screen.contains(&format!("{want} peer pairs")), "{screen}");
        // Esc clears the filter.
        assert_eq!(app.on_key(code(KeyCode::Esc)), Effect::Request);
        assert_eq!(total(&refresh(&mut feed, &mut app)), 1);
    }
    // The IKE SA view filters on each side's debug state too.
    press(&mut feed, &mut app, key('2'));
    assert_eq!(total(&type_filter(&mut feed, &mut app, "ike_r_mm5")), 1);
    assert_eq!(total(&type_filter(&mut feed, &mut app, "IKE_R_MM6")), 0);
    // Esc while typing restores the filter in force before.
    app.on_key(key('/'));
    app.on_key(key('x'));
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.filter, "IKE_R_MM6");
}

#[test]
fn sort_by_spi_both_ways() {
    let mut feed = feed(MANY, Some(MANY_KEYS), None);
    let mut app = App::new(160, 48);
    press(&mut feed, &mut app, key('3'));
    let s = press(&mut feed, &mut app, key('s'));
    assert_eq!(app.sort(), (1, false));
    let spis: Vec<u32> = ipsec_rows(&s)
        .0
        .iter()
        .map(|r| r.spi_in.or(r.spi_out).unwrap())
        .collect();
    // 20 quick modes: 20 pairs, the screen holds them all.
    assert_eq!(spis.len(), 20);
    assert!(spis.windows(2).all(|w| w[0] < w[1]), "{spis:x?}");
    let s = press(&mut feed, &mut app, key('r'));
    let rev: Vec<u32> = ipsec_rows(&s)
        .0
        .iter()
        .map(|r| r.spi_in.or(r.spi_out).unwrap())
        .collect();
    let mut want = spis.clone();
    want.reverse();
    assert_eq!(rev, want);
    assert!(render(&app, &s, 160, 48).contains("sorted by spi (reversed)"));
}

/// Half the capture, newest pairs first, the third row selected; then the rest of the capture
/// arrives and inserts pairs above it.
fn selection_after_more_data(freeze: bool) -> (u32, u32, usize) {
    let mut feed = feed(MANY, Some(MANY_KEYS), Some(30));
    let mut app = App::new(160, 48);
    press(&mut feed, &mut app, key('3'));
    press(&mut feed, &mut app, key('r'));
    press(&mut feed, &mut app, key('j'));
    let s = press(&mut feed, &mut app, key('j'));
    assert_eq!(app.selected(), 2);
    let before = selected_spi(&s);
    if freeze {
        press(&mut feed, &mut app, key('f'));
        assert!(render(&app, &s, 160, 48).contains("FROZEN") || app.frozen);
    }
    let n = total(&s);
    feed_more(&mut feed, MANY, Some(30), None);
    feed.finish();
    let s = refresh(&mut feed, &mut app);
    assert!(total(&s) > n, "more pairs after the rest of the capture");
    (before, selected_spi(&s), app.selected())
}

#[test]
fn freeze_keeps_the_selected_row() {
    let (before, after, index) = selection_after_more_data(true);
    assert_eq!(before, after, "the frozen row stays selected");
    assert!(index > 2, "and moved down as newer pairs came above it");
    // Without freeze the selection stays on the third line, now another pair.
    let (before, after, index) = selection_after_more_data(false);
    assert_eq!(index, 2);
    assert_ne!(before, after);
}

#[test]
fn ladder_enter_opens_the_packet() {
    let mut feed = feed(
        "captures/lab/mm-psk-aes128-sha1-g14/capture.pcap",
        Some("captures/lab/mm-psk-aes128-sha1-g14/keys.toml"),
        None,
    );
    let mut app = App::new(80, 24);
    refresh(&mut feed, &mut app);
    // Enter on a tunnel opens its ladder.
    let s = press(&mut feed, &mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Ladder);
    let Body::Ladder(l) = &s.body else {
        panic!("{:?}", s.body)
    };
    assert_eq!(l.rows.total, 11, "MM1-MM6, QM1-QM3, two DELETEs");
    for _ in 0..4 {
        press(&mut feed, &mut app, key('j'));
    }
    let s = press(&mut feed, &mut app, code(KeyCode::Enter));
    assert_eq!(app.view, View::Packets);
    let Body::Packets(p) = &s.body else {
        panic!("{:?}", s.body)
    };
    assert_eq!(p.list.target.frame, Some(7), "the fifth message, MM5");
    assert!(p.tree.iter().any(|t| t.label.contains("HASH_I verified")));
    // The tree scrolls; scrolling does not need the worker.
    assert_eq!(app.on_key(key(']')), Effect::Redraw);
    assert!(app.tree_scroll > 0);
}

#[test]
fn help_pause_and_quit_keys() {
    let mut feed = feed(
        "captures/lab/mm-psk-mismatch/capture.pcap",
        Some("captures/lab/mm-psk-mismatch/keys.toml"),
        None,
    );
    let mut app = App::new(80, 24);
    let s = refresh(&mut feed, &mut app);
    assert_eq!(app.on_key(key('?')), Effect::Redraw);
    let screen = render(&app, &s, 80, 24);
    for k in ["Ctrl-C", "freeze", "filter", "↻ retransmitted", "!! error"] {
        assert!(screen.contains(k), "{k} missing from help:\n{screen}");
    }
    // Any key closes the help; q still quits.
    assert_eq!(app.on_key(key('x')), Effect::Redraw);
    assert!(!app.help);
    assert_eq!(app.on_key(key(' ')), Effect::Pause(true));
    assert_eq!(app.on_key(key(' ')), Effect::Pause(false));
    assert_eq!(app.on_key(key('q')), Effect::Quit);
    assert_eq!(
        app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Effect::Quit
    );
    // Ctrl-C quits even while a filter is being typed.
    app.on_key(key('/'));
    assert_eq!(
        app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Effect::Quit
    );
}

#[test]
fn resizing_keeps_every_view_drawable() {
    let mut feed = feed(
        "captures/lab/mm-psk-mismatch/capture.pcap",
        Some("captures/lab/mm-psk-mismatch/keys.toml"),
        None,
    );
    let mut app = App::new(160, 48);
    refresh(&mut feed, &mut app);
    for (w, h) in [(80, 24), (100, 30), (200, 60), (80, 24)] {
        app.resize(w, h);
        for k in ['1', '2', '3', '4', '5', '6'] {
            let s = press(&mut feed, &mut app, key(k));
            let screen = render(&app, &s, w, h);
            assert_eq!(screen.lines().count(), usize::from(h));
            // The tab bar and the status line are always there.
            assert!(screen.lines().next().unwrap().contains("Tunnels"));
            assert!(
                screen
                    .lines()
                    .nth(usize::from(h) - 2)
                    .unwrap()
                    .contains("pkts")
            );
        }
    }
}
