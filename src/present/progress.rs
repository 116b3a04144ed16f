//! Progress on long offline runs: bytes of the file done and the rate, on stderr, only when
//! stderr is a terminal (nothing when piped or redirected).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::format::bytes;
use crate::capture::Source;

pub struct Progress {
    enabled: bool,
    total: u64,
    start: Instant,
    last: Instant,
    done: u64,
    drawn: bool,
}

const EVERY: Duration = Duration::from_millis(500);

impl Progress {
    pub fn new(source: &Source) -> Progress {
        let total = source.progress().map_or(0, |(_, t)| t);
        let now = Instant::now();
        Progress {
            // Small files finish before a progress line would help.
            enabled: std::io::stderr().is_terminal() && total > 32 << 20,
            total,
            start: now,
            last: now,
            done: 0,
            drawn: false,
        }
    }

    /// Call once per frame (with no frame borrowed); looks at the clock every 64k frames.
    pub fn update(&mut self, source: &Source, n: u64) {
        if !self.enabled || n & 0xffff != 0 {
            return;
        }
        self.done = source.progress().map_or(0, |(d, _)| d);
        let now = Instant::now();
        if now.duration_since(self.last) < EVERY {
            return;
        }
        self.last = now;
        self.drawn = true;
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-3);
        let pct = if self.total > 0 {
            self.done as f64 * 100.0 / self.total as f64
        } else {
            0.0
        };
        eprint!(
            "\rikescope: {pct:5.1}% of {} ({}/s)   ",
            bytes(self.total),
            bytes((self.done as f64 / secs) as u64)
        );
        let _ = std::io::stderr().flush();
    }

    pub fn done(&mut self) {
        if self.drawn {
            eprint!("\r{:70}\r", "");
        }
    }
}
