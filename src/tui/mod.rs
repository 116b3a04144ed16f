//! `ikescope tui`: the dashboard an engineer keeps open while a tunnel is brought up.
//!
//! State apart from drawing (bandwhich, gitui): a reader thread owns the capture
//! [`Source`](crate::capture::Source); a worker thread owns the [`Feed`] — the pipeline
//! (decode → decrypt → track) and a bounded packet log beside the tracker — and, on a tick or
//! when asked, builds a [`Snapshot`]: plain data for the one view on screen, filtered, sorted
//! and cut to the rows that fit. The UI thread keeps the [`App`] state (view, selection, sort,
//! filter, pause, freeze, help), reads keys, and [`draw`]s snapshots; drawing is a pure
//! function, so every view is tested on ratatui's `TestBackend`.
//!
//! Views: Tunnels (`show crypto session`), IKE SAs (`show crypto isakmp sa`), IPsec SAs
//! (`show crypto ipsec sa`), Ladder (the message sequence of one IKE SA with the state each
//! side moved to), Diagnoses, Packets (the `dissect` lines and decoded trees of one SA).

mod app;
mod draw;
mod feed;
mod log;
mod snapshot;
mod term;
mod theme;
mod worker;

pub use app::{App, Effect, KEYS};
pub use draw::{draw, list_height};
pub use feed::{Feed, RunInfo};
pub use log::{MAX_ESP_TREES, MAX_IKE_LOGS, MAX_IKE_TREES, MAX_MESSAGES, MAX_SPI_LOGS, SPI_LINES};
pub use snapshot::*;
pub use theme::Theme;

use std::io::{self, IsTerminal};
use std::time::Duration;

use crossterm::event::{self, Event};

use crate::present::cli::TuiArgs;
use crate::present::{AppError, load_keys, open_input, tracker_config};
use worker::{Control, Pace};

/// How long the UI waits for a key before looking for a new snapshot.
const INPUT_POLL: Duration = Duration::from_millis(20);

/// Runs the dashboard until `q` or Ctrl-C.
pub fn run(args: &TuiArgs) -> Result<(), AppError> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(AppError::Input(
            "the dashboard needs a terminal (stdout is not a TTY): for text use `ikescope report FILE`, for JSON lines `ikescope events FILE`".into(),
        ));
    }
    let pace = match (&args.input.interface, args.instant, args.speed) {
        (Some(_), _, _) => Pace::Live,
        (None, true, _) => Pace::Instant,
        (None, false, Some(s)) if !(s.is_finite() && s > 0.0) => {
            return Err(AppError::Input(format!(
                "--speed takes a positive number (2 = twice as fast), not {s}"
            )));
        }
        (None, false, s) => Pace::Replay {
            speed: s.unwrap_or(1.0),
        },
    };
    let keys = load_keys(&args.keys)?;
    let source = open_input(&args.input)?;
    let feed = Feed::new(keys, tracker_config(&args.limits, false));
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = App::new(w, h);
    let worker = worker::spawn(source, feed, pace, app.next_request(), args.input.count)?;
    let result = ui(&mut app, &worker, Theme::from_env());
    worker.stop();
    result
}

fn ui(app: &mut App, worker: &worker::Worker, theme: Theme) -> Result<(), AppError> {
    let mut screen = term::Screen::enter()?;
    let mut latest: Option<Snapshot> = None;
    let mut dirty = true;
    loop {
        loop {
            match worker.snapshots.try_recv() {
                Ok(s) => {
                    app.adopt(&s);
                    latest = Some(s);
                    dirty = true;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return Err(worker_gone()),
            }
        }
        if dirty {
            if !screen.draw(|f| draw(f, app, latest.as_ref(), theme))? {
                return Err(worker_gone());
            }
            dirty = false;
        }
        if !event::poll(INPUT_POLL)? {
            continue;
        }
        let effect = match event::read()? {
            Event::Key(k) => app.on_key(k),
            Event::Resize(w, h) => {
                app.resize(w, h);
                Effect::Request
            }
            _ => Effect::None,
        };
        match effect {
            Effect::None => {}
            Effect::Redraw => dirty = true,
            Effect::Request => {
                let _ = worker.control.send(Control::Request(app.next_request()));
                dirty = true;
            }
            Effect::Pause(p) => {
                let _ = worker.control.send(Control::Pause(p));
                dirty = true;
            }
            Effect::Quit => return Ok(()),
        }
    }
}

fn worker_gone() -> AppError {
    AppError::Input("internal error: the dashboard's worker stopped (see the message above)".into())
}
