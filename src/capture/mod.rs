//! Capture input: frames from a pcap/pcapng file (gzip-compressed too) or, with the `live`
//! feature, from a network interface through libpcap.
//!
//! Both sources are lending iterators: [`Source::next_frame`] returns a [`Frame`] that borrows
//! the source's buffer until the next call, so a multi-gigabyte file streams through a buffer of
//! at most [`MAX_BUFFER`] bytes. The layer above decodes frames with
//! `ikescope_dissectors::net::decode_frame(frame.link, frame.data)`.
//!
//! Errors are one line each: what went wrong, where (file, frame number, byte offset), and the
//! fix. When reading stops on a damaged record, the frames before it have been delivered.

mod error;
mod file;
#[cfg(feature = "live")]
mod live;

pub use error::CaptureError;
pub use file::{FileSource, INITIAL_BUFFER, MAX_BUFFER, MAX_RECORD_LEN};
pub use ikescope_dissectors::net::LinkType;
#[cfg(feature = "live")]
pub use live::{LiveOptions, LiveSource, LiveStats, StopHandle, default_filter};

use std::fmt;
use std::time::Duration;

/// A capture timestamp: seconds since the Unix epoch and nanoseconds (pcap microsecond and
/// nanosecond files, pcapng `if_tsresol`/`if_tsoffset` and live captures all land here).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Timestamp {
    pub secs: i64,
    /// Always below 1,000,000,000.
    pub nanos: u32,
}

impl Timestamp {
    pub const fn new(secs: i64, nanos: u32) -> Self {
        Timestamp { secs, nanos }
    }

    /// Seconds and a fraction in `units_per_sec` (1e6 for microseconds), normalised.
    pub fn from_fraction(secs: i64, fraction: u64, units_per_sec: u64) -> Self {
        let units = units_per_sec.max(1);
        let carry = i64::try_from(fraction / units).unwrap_or(i64::MAX);
        let nanos = u128::from(fraction % units) * 1_000_000_000 / u128::from(units);
        Timestamp {
            secs: secs.saturating_add(carry),
            nanos: u32::try_from(nanos).unwrap_or(0),
        }
    }

    /// RFC 3339 UTC with nanoseconds: `2026-11-22T05:42:32.055450000Z`.
    pub fn rfc3339(self) -> String {
        let days = self.secs.div_euclid(86_400);
        let secs_of_day = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60,
            self.nanos
        )
    }

    /// Time since the epoch (zero for timestamps before it), for the fragment reassembler and
    /// other timers that run on capture time.
    pub fn as_duration(self) -> Duration {
        match u64::try_from(self.secs) {
            Ok(secs) => Duration::new(secs, self.nanos),
            Err(_) => Duration::ZERO,
        }
    }
}

impl fmt::Display for Timestamp {
    /// `1795326152.055428000`, as `tshark -T fields -e frame.time_epoch` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

/// One captured frame, borrowed from its source until the next `next_frame` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// 1-based, as Wireshark numbers frames (pcapng custom and systemd-journal blocks, which
    /// Wireshark lists as frames, take a number too without being delivered).
    pub number: u64,
    pub ts: Timestamp,
    pub link: LinkType,
    /// The captured bytes (possibly fewer than `orig_len`: the snap length).
    pub data: &'a [u8],
    /// The frame's length on the wire.
    pub orig_len: u32,
    /// pcapng interface index (0 for pcap files and live captures).
    pub interface: u32,
}

impl Frame<'_> {
    /// Whether the snap length cut this frame.
    pub fn is_truncated(&self) -> bool {
        u32::try_from(self.data.len()).is_ok_and(|len| len < self.orig_len)
    }
}

/// Either source, so callers don't care which they read.
pub enum Source {
    File(FileSource),
    #[cfg(feature = "live")]
    Live(LiveSource),
}

impl Source {
    /// The next frame, or `None` at the end of the file / when a live capture was stopped.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        match self {
            Source::File(f) => f.next_frame(),
            #[cfg(feature = "live")]
            Source::Live(l) => l.next_frame(),
        }
    }

    /// `(bytes read, total bytes)` of a file (compressed bytes for gzip), for a progress bar;
    /// `None` for a live capture.
    pub fn progress(&self) -> Option<(u64, u64)> {
        match self {
            Source::File(f) => Some((f.bytes_read(), f.total_bytes())),
            #[cfg(feature = "live")]
            Source::Live(_) => None,
        }
    }

    /// Where the frames come from: the file path or the interface name.
    pub fn name(&self) -> String {
        match self {
            Source::File(f) => f.path().display().to_string(),
            #[cfg(feature = "live")]
            Source::Live(l) => l.interface().to_string(),
        }
    }
}

impl From<FileSource> for Source {
    fn from(f: FileSource) -> Self {
        Source::File(f)
    }
}

#[cfg(feature = "live")]
impl From<LiveSource> for Source {
    fn from(l: LiveSource) -> Self {
        Source::Live(l)
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_normalise_and_print_like_tshark() {
        let t = Timestamp::from_fraction(10, 1_500_000, 1_000_000);
        assert_eq!(t, Timestamp::new(11, 500_000_000));
        assert_eq!(t.to_string(), "11.500000000");
        // 2^-20 s units.
        let t = Timestamp::from_fraction(0, 1 << 19, 1 << 20);
        assert_eq!(t.nanos, 500_000_000);
        assert_eq!(Timestamp::new(-5, 0).as_duration(), Duration::ZERO);
    }
}
