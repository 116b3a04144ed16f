//! Helpers shared by the TUI tests: feed a lab capture to a `Feed`, render a view on
//! ratatui's `TestBackend`, and compare with a committed text snapshot.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ikescope::capture::FileSource;
use ikescope::keys::KeyStore;
use ikescope::track::TrackerConfig;
use ikescope::tui::{App, Feed, RunInfo, RunState, Snapshot, Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A capture fed through a `Feed`, frames numbered up to `last_frame` (all if `None`), with
/// the keys loaded under the name "keys.toml" so trees do not show a machine's paths.
pub fn feed(capture: &str, keys: Option<&str>, last_frame: Option<u64>) -> Feed {
    let store = match keys {
        Some(k) => {
            let text = std::fs::read_to_string(root().join(k)).unwrap();
            KeyStore::from_str("keys.toml", &text).unwrap()
        }
        None => KeyStore::new(),
    };
    let mut feed = Feed::new(store, TrackerConfig::default());
    feed_more(&mut feed, capture, None, last_frame);
    if last_frame.is_none() {
        feed.finish();
    }
    feed
}

/// Feeds the frames numbered in `(after, upto]` of a capture.
pub fn feed_more(feed: &mut Feed, capture: &str, after: Option<u64>, upto: Option<u64>) {
    let mut src = FileSource::open(root().join(capture)).unwrap();
    while let Some(f) = src.next_frame().unwrap() {
        if after.is_some_and(|a| f.number <= a) {
            continue;
        }
        if upto.is_some_and(|l| f.number > l) {
            break;
        }
        feed.ingest(&f);
    }
}

pub fn run_info() -> RunInfo {
    RunInfo {
        state: RunState::Finished,
        source: "capture.pcap".into(),
        drops: None,
        rate: 0.0,
    }
}

pub fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

pub fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// Asks the feed for the app's current view and lets the app adopt the answer.
pub fn refresh(feed: &mut Feed, app: &mut App) -> Snapshot {
    let req = app.next_request();
    let snap = feed.snapshot(&req, &run_info());
    app.adopt(&snap);
    snap
}

/// Presses a key and refreshes.
pub fn press(feed: &mut Feed, app: &mut App, k: KeyEvent) -> Snapshot {
    app.on_key(k);
    refresh(feed, app)
}

pub fn render(app: &App, snap: &Snapshot, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| draw(f, app, Some(snap), Theme::mono()))
        .unwrap();
    buffer_text(term.backend().buffer())
}

pub fn buffer_text(b: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Compares with `tests/snapshots/tui/NAME.txt`; `IKESCOPE_UPDATE_SNAPSHOTS=1` writes it.
pub fn check_snapshot(name: &str, text: &str) {
    let path = root()
        .join("tests/snapshots/tui")
        .join(format!("{name}.txt"));
    if std::env::var_os("IKESCOPE_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with IKESCOPE_UPDATE_SNAPSHOTS=1, review it and commit it",
            rel(&path)
        )
    });
    if want != text {
        let mut diff = String::new();
        for (i, (w, g)) in want.lines().zip(text.lines()).enumerate() {
            if w != g {
                diff.push_str(&format!("line {}:\n  want: {w}\n  got:  {g}\n", i + 1));
            }
        }
        panic!(
            "{} differs (IKESCOPE_UPDATE_SNAPSHOTS=1 rewrites it):\n{diff}\n--- got:\n{text}",
            rel(&path)
        );
    }
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}
