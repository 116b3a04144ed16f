//! What the user reads: the command line, terse lines, trees, JSON, reports, and the TUI.
//!
//! `main` builds the I/O (capture source, key store, output) here and hands it to the
//! commands; errors end at this edge as one line naming the fix, with exit code 1 (bad input)
//! or 2 (usage, from clap).

pub mod cli;
pub(crate) mod dissect;
mod events;
pub mod format;
mod keys;
mod progress;
pub mod report;
mod summary;
pub mod tree;

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Parser;

use crate::capture::{CaptureError, FileSource, Source};
use crate::keys::{KeyFileError, KeyStore};
use crate::track::TrackerConfig;
use cli::{Cli, Command, Input, KeyArgs, Limits};

/// Exit codes a script can use.
pub mod exit {
    pub const OK: i32 = 0;
    pub const BAD_INPUT: i32 = 1;
    pub const USAGE: i32 = 2;
}

/// An error that ends the run: one line, with the fix.
#[derive(Debug)]
pub enum AppError {
    Capture(CaptureError),
    Keys(KeyFileError),
    /// Anything else about the user's input, already worded with its fix.
    Input(String),
    Io(io::Error),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Capture(e) => write!(f, "{e}"),
            AppError::Keys(e) => write!(f, "{e}"),
            AppError::Input(s) => f.write_str(s),
            AppError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<CaptureError> for AppError {
    fn from(e: CaptureError) -> Self {
        AppError::Capture(e)
    }
}

impl From<KeyFileError> for AppError {
    fn from(e: KeyFileError) -> Self {
        AppError::Keys(e)
    }
}

impl From<io::Error> for AppError {
    fn from(e: io::Error) -> Self {
        AppError::Io(e)
    }
}

/// Entry point of the `ikescope` binary; returns the process exit code.
pub fn cli_main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Dissect(a) => dissect::run(&a),
        Command::Keys(a) => keys::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Events(a) => events::run(&a),
        Command::Tui(a) => crate::tui::run(&a),
    };
    match result {
        Ok(()) => exit::OK,
        // A closed pipe (`ikescope dissect big.pcap | head`) is the reader's choice, not an error.
        Err(AppError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            let _ = io::stdout().flush();
            eprintln!("ikescope: {e}");
            exit::BAD_INPUT
        }
    }
}

/// Opens the capture file or the live interface.
pub fn open_input(input: &Input) -> Result<Source, AppError> {
    if let Some(iface) = &input.interface {
        return open_live(iface, input);
    }
    let Some(path) = &input.file else {
        return Err(AppError::Input(
            "no capture given: pass a pcap/pcapng FILE or --interface IFACE".into(),
        ));
    };
    Ok(FileSource::open(path)?.into())
}

#[cfg(feature = "live")]
fn open_live(iface: &str, input: &Input) -> Result<Source, AppError> {
    use crate::capture::{LiveOptions, LiveSource};
    let options = LiveOptions {
        filter: input.filter.clone(),
        ..LiveOptions::default()
    };
    let mut live = LiveSource::open(iface, &options)?;
    if let Some(secs) = input.duration {
        live.stop_at(std::time::Instant::now() + std::time::Duration::from_secs_f64(secs.max(0.0)));
    }
    let stop = live.stop_handle();
    // Ctrl-C ends the capture cleanly, so the statistics are still reported.
    let _ = ctrlc::set_handler(move || stop.stop());
    Ok(live.into())
}

#[cfg(not(feature = "live"))]
fn open_live(_iface: &str, _input: &Input) -> Result<Source, AppError> {
    Err(AppError::Input(
        "live capture is not built in: install libpcap-dev and build with `cargo build --release --features live`".into(),
    ))
}

/// Loads the key files; warnings (key file readable by others, …) go to stderr.
pub fn load_keys(args: &KeyArgs) -> Result<KeyStore, AppError> {
    let paths: Vec<PathBuf> = args.keys.clone();
    let store = KeyStore::load(&paths)?;
    for w in store.warnings() {
        eprintln!("ikescope: {w}");
    }
    Ok(store)
}

pub fn tracker_config(limits: &Limits, events: bool) -> TrackerConfig {
    TrackerConfig {
        max_ike_sas: limits.max_ike_sas.max(1),
        max_ipsec_sas: limits.max_ipsec_sas.max(1),
        negotiation_timeout_secs: limits.negotiation_timeout.max(1),
        events,
        ..TrackerConfig::default()
    }
}

/// Live statistics at the end of a live capture (received, dropped by kernel/interface).
pub fn live_stats_line(source: &mut Source) -> Option<String> {
    match source {
        Source::File(_) => None,
        #[cfg(feature = "live")]
        Source::Live(l) => {
            let s = match l.stats() {
                Ok(s) => s,
                Err(e) => return Some(format!("capture statistics unavailable: {e}")),
            };
            Some(format!(
                "capture on {}: {} packets received, {} dropped by the kernel, {} dropped by the interface",
                l.interface(),
                s.received,
                s.dropped_by_kernel,
                s.dropped_by_interface
            ))
        }
    }
}

/// Whether to stop: `--count` IPsec packets reached.
pub fn count_reached(input: &Input, seen: u64) -> bool {
    input.count.is_some_and(|n| seen >= n)
}

/// Reads a frame; a capture error after frames were read is reported after the output
/// (what was read is still shown), and ends the loop.
pub fn next_frame_or_stop<'s>(
    source: &'s mut Source,
    deferred: &mut Option<AppError>,
) -> Option<crate::capture::Frame<'s>> {
    match source.next_frame() {
        Ok(f) => f,
        Err(e) => {
            *deferred = Some(AppError::Capture(e));
            None
        }
    }
}
