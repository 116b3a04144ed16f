//! `ikescope events`: one JSON object per tracker event, in capture order (docs/json.md).

use std::io::{self, BufWriter, Write};

use super::cli::EventsArgs;
use super::progress::Progress;
use super::{
    AppError, count_reached, live_stats_line, load_keys, next_frame_or_stop, open_input, summary,
    tracker_config,
};
use crate::pipeline::{Pipeline, Tracking};

pub fn run(args: &EventsArgs) -> Result<(), AppError> {
    let keys = load_keys(&args.keys)?;
    let mut source = open_input(&args.input)?;
    let mut pipeline = Pipeline::new(keys, tracker_config(&args.limits, true), Tracking::Full);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut deferred = None;
    let mut progress = Progress::new(&source);
    let (mut frames, mut seen) = (0u64, 0u64);
    loop {
        progress.update(&source, frames);
        frames += 1;
        let Some(frame) = next_frame_or_stop(&mut source, &mut deferred) else {
            break;
        };
        if pipeline.process(&frame).is_some() {
            seen += 1;
        }
        for e in pipeline.tracker.drain_events() {
            serde_json::to_writer(&mut out, &e).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        // Live: events as they happen, not when the buffer fills.
        if args.input.interface.is_some() {
            out.flush()?;
        }
        if count_reached(&args.input, seen) {
            break;
        }
    }
    progress.done();
    pipeline.finish();
    for e in pipeline.tracker.drain_events() {
        serde_json::to_writer(&mut out, &e).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    drop(out);
    let live = live_stats_line(&mut source);
    summary::print(&pipeline, live.as_deref());
    match deferred {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
