//! Frame time of the dashboard with many SAs: loads a capture (by default the 100,000
//! synthetic IKE SAs + 200,000 SPIs of `bench/make-big-capture --synthetic-sas 100000`), then
//! for every view times what one key press costs: the worker's snapshot (filter, sort, window,
//! rows) and the UI's `draw` on a 160x48 `TestBackend`. Prints p50/p99/max in milliseconds as a
//! Markdown table.
//!
//!     bench/tui.sh                       # makes the capture if missing, then runs this
//!     cargo bench -p ikescope --bench tui -- bench/out/many-sas-100000.pcap [ITERATIONS]

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ikescope::capture::FileSource;
use ikescope::keys::KeyStore;
use ikescope::track::TrackerConfig;
use ikescope::tui::{App, Feed, RunInfo, RunState, Snapshot, Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const W: u16 = 160;
const H: u16 = 48;

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn info() -> RunInfo {
    RunInfo {
        state: RunState::Live,
        source: "bench".into(),
        drops: Some(0),
        rate: 0.0,
    }
}

fn rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn pct(v: &[Duration], p: usize) -> f64 {
    let mut v = v.to_vec();
    v.sort_unstable();
    let i = (v.len() * p / 100).min(v.len().saturating_sub(1));
    v.get(i).copied().map_or(0.0, ms)
}

/// More packets for the "data changed" case: a second pass over the capture's frames.
struct Extra {
    src: FileSource,
}

impl Extra {
    fn one(&mut self, feed: &mut Feed) {
        while let Some(f) = self.src.next_frame().unwrap() {
            if feed.ingest(&f) {
                return;
            }
        }
    }
}

/// One case: `setup` puts the app in the view; then each iteration is a key press that moves
/// the selection (down, page down, end, home), a snapshot for it, and a draw. "move": the data
/// did not change since the last snapshot (the sorted order is reused); "rebuild": a packet
/// arrived first, so the worker filters and sorts every SA again, as on each tick of a live run.
fn case(
    feed: &mut Feed,
    extra: &mut Extra,
    name: &str,
    iterations: usize,
    setup: &dyn Fn(&mut App),
    term: &mut Terminal<TestBackend>,
) {
    let mut app = App::new(W, H);
    // Select the newest IKE SA (its messages are in the bounded log) for Ladder and Packets.
    app.on_key(key('2'));
    app.on_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    let s = feed.snapshot(&app.next_request(), &info());
    app.adopt(&s);
    let s = feed.snapshot(&app.next_request(), &info());
    app.adopt(&s);
    setup(&mut app);
    let s = feed.snapshot(&app.next_request(), &info());
    app.adopt(&s);
    let mut snap_move = Vec::new();
    let mut snap_rebuild = Vec::new();
    let mut draws = Vec::new();
    let mut total_move = Vec::new();
    let mut total_rebuild = Vec::new();
    let mut rows = 0;
    for i in 0..iterations * 2 {
        let rebuild = i % 2 == 1;
        if rebuild {
            extra.one(feed);
        }
        let start = Instant::now();
        match i / 2 % 4 {
            0 => app.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
            1 => app.on_key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)),
            2 => app.on_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)),
            _ => app.on_key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
        };
        let req = app.next_request();
        let snap: Snapshot = feed.snapshot(&req, &info());
        app.adopt(&snap);
        let built = Instant::now();
        term.draw(|f| draw(f, &app, Some(&snap), Theme::from_env()))
            .unwrap();
        let done = Instant::now();
        rows = snap.body.scroll().0;
        draws.push(done - built);
        if rebuild {
            snap_rebuild.push(built - start);
            total_rebuild.push(done - start);
        } else {
            snap_move.push(built - start);
            total_move.push(done - start);
        }
    }
    println!(
        "| {name} | {rows} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} |",
        pct(&draws, 50),
        pct(&draws, 99),
        pct(&snap_move, 50),
        pct(&snap_move, 99),
        pct(&total_move, 50),
        pct(&total_move, 99),
        pct(&snap_rebuild, 50),
        pct(&snap_rebuild, 99),
        pct(&total_rebuild, 50),
        pct(&total_rebuild, 99),
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "bench/out/many-sas-100000.pcap".into());
    let iterations: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    let Ok(mut src) = FileSource::open(&path) else {
        eprintln!(
            "no capture at {path}: make it with `bench/make-big-capture --synthetic-sas 100000` (or run bench/tui.sh)"
        );
        return;
    };
    let mut feed = Feed::new(KeyStore::new(), TrackerConfig::default());
    let start = Instant::now();
    let mut frames = 0u64;
    while let Some(f) = src.next_frame().unwrap() {
        feed.ingest(&f);
        frames += 1;
    }
    let load = start.elapsed();
    let (ike, ipsec, tunnels) = feed.tracker().counts();
    println!(
        "loaded {path}: {frames} frames in {:.1} s ({:.0} frames/s): {ike} IKE SAs, {ipsec} IPsec SAs, {tunnels} tunnels; RSS {:.0} MiB",
        load.as_secs_f64(),
        frames as f64 / load.as_secs_f64(),
        rss_mib().unwrap_or(0.0)
    );
    let t = Instant::now();
    let d = feed.tracker().diagnoses();
    println!(
        "Tracker::diagnoses() over all SAs: {:.0} ms ({} findings; the worker recomputes them at most once a second, outside the frame path)",
        ms(t.elapsed()),
        d.len()
    );
    // The first snapshot computes the diagnoses cache; frame times below are without it.
    let mut app = App::new(W, H);
    let _ = feed.snapshot(&app.next_request(), &info());
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    println!();
    println!(
        "{iterations} key presses per case and kind, {W}x{H}, p50 / p99 in ms; snapshot = the worker's part (filter, sort, window, rows), draw = the UI thread's"
    );
    println!();
    println!(
        "| view | rows | draw (UI thread) | move: snapshot | move: key → frame | rebuild: snapshot | rebuild: key → frame |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    type Setup = Box<dyn Fn(&mut App)>;
    let view = |c: char| -> Setup {
        Box::new(move |a: &mut App| {
            a.on_key(key(c));
        })
    };
    let keys = |ks: &'static str| -> Setup {
        Box::new(move |a: &mut App| {
            for c in ks.chars() {
                a.on_key(if c == '\n' {
                    KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
                } else {
                    key(c)
                });
            }
        })
    };
    let cases: Vec<(&str, Setup)> = vec![
        ("Tunnels (by peers)", view('1')),
        ("Tunnels by status", keys("1s")),
        ("Tunnels by rate", keys("1sss")),
        ("IKE SAs (by conn-id)", view('2')),
        ("IKE SAs by state", keys("2s")),
        ("IKE SAs, filter \"10.1\"", keys("2/10.1\n")),
        ("IPsec SAs (by peers)", view('3')),
        ("IPsec SAs by packets", keys("3ss")),
        ("Ladder", view('4')),
        ("Diagnoses", view('5')),
        ("Packets", view('6')),
        ("Tunnels, frozen", keys("1f")),
    ];
    let mut extra = Extra {
        src: FileSource::open(&path).unwrap(),
    };
    // IKESCOPE_BENCH_CASES=IPsec runs only the cases whose name contains it (for profiling).
    let only = std::env::var("IKESCOPE_BENCH_CASES").unwrap_or_default();
    for (name, setup) in cases.iter().filter(|(n, _)| n.contains(only.as_str())) {
        case(
            &mut feed,
            &mut extra,
            name,
            iterations,
            setup.as_ref(),
            &mut term,
        );
    }
}
