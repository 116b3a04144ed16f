//! The worker thread: owns the [`Feed`] (pipeline + packet log), takes frames from a reader
//! thread that owns the capture source, replays them at the capture's pace (÷ speed; no
//! waiting with `--instant`; as they come when live), and answers the UI's view requests with
//! snapshots on a tick. Drawing never waits for it, and it never draws.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::feed::{Feed, RunInfo};
use super::snapshot::{RunState, Snapshot, ViewRequest};
use crate::capture::{Frame, LinkType, Source, Timestamp};

/// A snapshot at least this often while data changes.
pub const TICK: Duration = Duration::from_millis(100);
/// Longest wait before looking at the UI's messages again.
const POLL: Duration = Duration::from_millis(10);
/// Frames between looks at the clock and the UI in `--instant` mode.
const BATCH: u32 = 256;
/// Frames buffered between the reader and the worker.
const QUEUE: usize = 4096;

/// How frames are paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// A capture file at its own pace times `speed`.
    Replay { speed: f64 },
    /// A capture file as fast as possible.
    Instant,
    /// A live interface: as frames arrive.
    Live,
}

/// From the UI to the worker.
#[derive(Debug, Clone)]
pub enum Control {
    Request(ViewRequest),
    Pause(bool),
    Quit,
}

/// A frame copied out of the source's buffer, to cross threads.
struct OwnedFrame {
    number: u64,
    ts: Timestamp,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
    interface: u32,
}

enum Read {
    Frame(OwnedFrame),
    End,
    Error(String),
    Drops(u64),
}

/// The running worker: send it [`Control`]s, receive [`Snapshot`]s.
pub struct Worker {
    pub control: Sender<Control>,
    pub snapshots: Receiver<Snapshot>,
    pub handle: JoinHandle<()>,
    stop: Option<Box<dyn Fn() + Send>>,
}

impl Worker {
    /// Stops the worker (and a live reader) and waits for the worker to end. A file reader
    /// ends on its own when the worker's queue goes away.
    pub fn stop(self) {
        let _ = self.control.send(Control::Quit);
        if let Some(stop) = &self.stop {
            stop();
        }
        let _ = self.handle.join();
    }
}

/// Starts the reader and the worker. `count`: stop after this many IPsec packets.
pub fn spawn(
    mut source: Source,
    feed: Feed,
    pace: Pace,
    request: ViewRequest,
    count: Option<u64>,
) -> std::io::Result<Worker> {
    let name = source.name();
    let stop = stop_handle(&source);
    let (frames_tx, frames_rx) = mpsc::sync_channel(QUEUE);
    thread::Builder::new()
        .name("ikescope-reader".into())
        .spawn(move || read_frames(&mut source, &frames_tx))?;
    let (control_tx, control_rx) = mpsc::channel();
    let (snap_tx, snap_rx) = mpsc::channel();
    let handle = thread::Builder::new()
        .name("ikescope-worker".into())
        .spawn(move || {
            let mut w = Run {
                feed,
                pace,
                request,
                frames: frames_rx,
                control: control_rx,
                snapshots: snap_tx,
                source: name,
                paused: false,
                ended: None,
                drops: None,
                clock: None,
                paused_at: None,
                rate: RateMeter::new(),
                count,
                test_panic: std::env::var_os("IKESCOPE_TUI_TEST_PANIC").is_some(),
            };
            w.run();
        })?;
    Ok(Worker {
        control: control_tx,
        snapshots: snap_rx,
        handle,
        stop,
    })
}

#[cfg(feature = "live")]
fn stop_handle(source: &Source) -> Option<Box<dyn Fn() + Send>> {
    match source {
        Source::Live(l) => {
            let h = l.stop_handle();
            Some(Box::new(move || h.stop()))
        }
        Source::File(_) => None,
    }
}

#[cfg(not(feature = "live"))]
fn stop_handle(_source: &Source) -> Option<Box<dyn Fn() + Send>> {
    None
}

/// The reader thread: frames into the queue until the end, an error, or the worker leaves.
fn read_frames(source: &mut Source, out: &SyncSender<Read>) {
    let mut last_stats = Instant::now();
    loop {
        let msg = match source.next_frame() {
            Ok(Some(f)) => Read::Frame(OwnedFrame {
                number: f.number,
                ts: f.ts,
                link: f.link,
                data: f.data.to_vec(),
                orig_len: f.orig_len,
                interface: f.interface,
            }),
            Ok(None) => {
                let _ = out.send(Read::End);
                return;
            }
            Err(e) => {
                let _ = out.send(Read::Error(e.to_string()));
                return;
            }
        };
        if out.send(msg).is_err() {
            return;
        }
        if last_stats.elapsed() >= Duration::from_secs(1) {
            last_stats = Instant::now();
            if let Some(d) = drops(source)
                && out.send(Read::Drops(d)).is_err()
            {
                return;
            }
        }
    }
}

#[cfg(feature = "live")]
fn drops(source: &mut Source) -> Option<u64> {
    match source {
        Source::Live(l) => l
            .stats()
            .ok()
            .map(|s| u64::from(s.dropped_by_kernel) + u64::from(s.dropped_by_interface)),
        Source::File(_) => None,
    }
}

#[cfg(not(feature = "live"))]
fn drops(_source: &mut Source) -> Option<u64> {
    None
}

/// IPsec packets per second of wall-clock time, over the last second or so.
struct RateMeter {
    at: Instant,
    packets: u64,
    rate: f64,
}

impl RateMeter {
    fn new() -> RateMeter {
        RateMeter {
            at: Instant::now(),
            packets: 0,
            rate: 0.0,
        }
    }

    fn update(&mut self, packets: u64) -> f64 {
        let dt = self.at.elapsed();
        if dt >= Duration::from_secs(1) {
            self.rate = packets.saturating_sub(self.packets) as f64 / dt.as_secs_f64();
            self.packets = packets;
            self.at = Instant::now();
        }
        self.rate
    }
}

struct Run {
    feed: Feed,
    pace: Pace,
    request: ViewRequest,
    frames: Receiver<Read>,
    control: Receiver<Control>,
    snapshots: Sender<Snapshot>,
    source: String,
    paused: bool,
    /// Why reading ended: `None` while reading; `Some(None)` at the end, `Some(Some(e))` on
    /// an error.
    ended: Option<Option<String>>,
    drops: Option<u64>,
    /// Replay clock: the wall time and capture time of the first frame.
    clock: Option<(Instant, Timestamp)>,
    paused_at: Option<Instant>,
    rate: RateMeter,
    count: Option<u64>,
    /// Set by the end-to-end test of the panic path (`IKESCOPE_TUI_TEST_PANIC`).
    test_panic: bool,
}

impl Run {
    fn run(&mut self) {
        let mut pending: Option<OwnedFrame> = None;
        let mut dirty = true;
        let mut asked = true;
        let mut last_snapshot = Instant::now();
        // The tick stretches when snapshots get expensive (100,000 SAs): a snapshot takes at
        // most a fifth of the worker's time, so packets keep flowing; keys are answered at once.
        let mut tick = TICK;
        loop {
            // The UI's messages first: quit, pause, a new view.
            loop {
                match self.control.try_recv() {
                    Ok(Control::Quit) | Err(TryRecvError::Disconnected) => return,
                    Ok(Control::Pause(p)) => {
                        self.set_paused(p);
                        asked = true;
                    }
                    Ok(Control::Request(r)) => {
                        self.request = r;
                        asked = true;
                    }
                    Err(TryRecvError::Empty) => break,
                }
            }
            let now = Instant::now();
            // A paused live capture keeps reading (pausing must not drop packets) but the
            // screen holds still: only keys bring a new snapshot.
            let holding = self.paused && self.pace == Pace::Live;
            let due = !holding
                && now.duration_since(last_snapshot) >= tick
                && (dirty || now.duration_since(last_snapshot) >= Duration::from_secs(1));
            // Diagnoses on the tick only, never in answer to a key (they can take long).
            let diagnosed = !asked && due && self.feed.refresh_diagnoses();
            if asked || due || diagnosed {
                let started = Instant::now();
                if !self.send_snapshot() {
                    return;
                }
                let cost = started.elapsed();
                if self.test_panic && self.feed.packets() > 0 {
                    // The end-to-end test of the panic path: the hook must restore the
                    // terminal before this message is printed.
                    panic!("IKESCOPE_TUI_TEST_PANIC is set: the worker panics, as asked");
                }
                asked = false;
                dirty = false;
                last_snapshot = now;
                tick = TICK.max(cost * 5);
            }
            if (self.paused && !holding) || self.ended.is_some() {
                match self.control.recv_timeout(TICK) {
                    Ok(Control::Quit) | Err(RecvTimeoutError::Disconnected) => return,
                    Ok(Control::Pause(p)) => {
                        self.set_paused(p);
                        asked = true;
                    }
                    Ok(Control::Request(r)) => {
                        self.request = r;
                        asked = true;
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                }
                continue;
            }
            // Read and process until it is time to look at the UI again.
            let deadline = last_snapshot + tick;
            let mut n = 0u32;
            loop {
                let frame = match pending.take() {
                    Some(f) => f,
                    None => {
                        let wait = match self.pace {
                            Pace::Instant => Duration::ZERO,
                            _ => POLL.min(deadline.saturating_duration_since(Instant::now())),
                        };
                        match self.next_read(wait) {
                            Some(f) => f,
                            None => break,
                        }
                    }
                };
                if let Some(wait) = self.wait_for(&frame) {
                    pending = Some(frame);
                    thread::sleep(wait.min(POLL));
                    break;
                }
                let data = frame.data;
                let f = Frame {
                    number: frame.number,
                    ts: frame.ts,
                    link: frame.link,
                    data: &data,
                    orig_len: frame.orig_len,
                    interface: frame.interface,
                };
                self.feed.ingest(&f);
                dirty = true;
                if self.count.is_some_and(|c| self.feed.packets() >= c) {
                    self.feed.finish();
                    self.ended = Some(None);
                    asked = true;
                    break;
                }
                n += 1;
                if n.is_multiple_of(BATCH)
                    && (Instant::now() >= deadline || self.pace != Pace::Instant)
                {
                    break;
                }
                if self.pace != Pace::Instant && Instant::now() >= deadline {
                    break;
                }
            }
            if self.ended.is_some() {
                asked = true;
            }
        }
    }

    /// The next frame within `wait`; handles the end, errors and drop counts on the way.
    fn next_read(&mut self, wait: Duration) -> Option<OwnedFrame> {
        loop {
            let r = if wait.is_zero() {
                match self.frames.try_recv() {
                    Ok(r) => r,
                    Err(TryRecvError::Empty) => return None,
                    Err(TryRecvError::Disconnected) => Read::End,
                }
            } else {
                match self.frames.recv_timeout(wait) {
                    Ok(r) => r,
                    Err(RecvTimeoutError::Timeout) => return None,
                    Err(RecvTimeoutError::Disconnected) => Read::End,
                }
            };
            match r {
                Read::Frame(f) => return Some(f),
                Read::Drops(d) => self.drops = Some(d),
                Read::End => {
                    self.feed.finish();
                    self.ended = Some(None);
                    return None;
                }
                Read::Error(e) => {
                    self.feed.finish();
                    self.ended = Some(Some(e));
                    return None;
                }
            }
        }
    }

    /// How long until a replayed frame is due (`None`: now).
    fn wait_for(&mut self, frame: &OwnedFrame) -> Option<Duration> {
        let Pace::Replay { speed } = self.pace else {
            return None;
        };
        let (wall0, ts0) = *self.clock.get_or_insert((Instant::now(), frame.ts));
        let secs = (frame.ts.secs - ts0.secs) as f64
            + (f64::from(frame.ts.nanos) - f64::from(ts0.nanos)) / 1e9;
        if secs <= 0.0 {
            return None;
        }
        let due = wall0 + Duration::from_secs_f64(secs / speed);
        let now = Instant::now();
        (due > now).then(|| due - now)
    }

    fn set_paused(&mut self, p: bool) {
        if p == self.paused {
            return;
        }
        self.paused = p;
        if p {
            self.paused_at = Some(Instant::now());
        } else if let Some(at) = self.paused_at.take()
            && let Some((wall0, _)) = &mut self.clock
        {
            // The replay resumes where it stopped, not where the wall clock got to.
            *wall0 += at.elapsed();
        }
    }

    fn state(&self) -> RunState {
        match &self.ended {
            Some(Some(e)) => RunState::Failed(e.clone()),
            Some(None) => RunState::Finished,
            None if self.paused => RunState::Paused,
            None => match self.pace {
                Pace::Replay { speed } => RunState::Replaying { speed },
                Pace::Instant => RunState::Loading,
                Pace::Live => RunState::Live,
            },
        }
    }

    /// Builds and sends a snapshot; false when the UI is gone.
    fn send_snapshot(&mut self) -> bool {
        let info = RunInfo {
            state: self.state(),
            source: self.source.clone(),
            drops: match self.pace {
                Pace::Live => Some(self.drops.unwrap_or(0)),
                _ => None,
            },
            rate: self.rate.update(self.feed.packets()),
        };
        let snap = self.feed.snapshot(&self.request, &info);
        // What the worker resolved (clamped selection, a frozen row followed, a frame found)
        // is what the next tick starts from; a frame to go to is gone to once.
        let (_, selected, offset) = snap.body.scroll();
        self.request.selected = selected;
        self.request.offset = offset;
        self.request.goto_frame = None;
        self.snapshots.send(snap).is_ok()
    }
}
