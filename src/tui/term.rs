//! The terminal in raw mode on the alternate screen, restored in every path: on drop (normal
//! exit, `q`, Ctrl-C, an error), and by a panic hook before the panic message is printed, so a
//! panic anywhere leaves a usable shell with the message readable.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Whether the terminal is ours to restore (the hook does nothing otherwise).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
/// Held while drawing, so a panic in another thread does not restore the terminal in the
/// middle of a frame (and a frame is not drawn on the restored screen).
static DRAWING: Mutex<()> = Mutex::new(());

fn drawing_lock() -> MutexGuard<'static, ()> {
    DRAWING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the terminal is still the dashboard's (false once a panic restored it).
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Leaves raw mode and the alternate screen and shows the cursor, once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Wait for a frame being drawn to finish (briefly: the panic may come from the
            // drawing thread itself, which holds the lock).
            let start = Instant::now();
            let _guard = loop {
                match DRAWING.try_lock() {
                    Ok(g) => break Some(g),
                    Err(std::sync::TryLockError::Poisoned(e)) => break Some(e.into_inner()),
                    Err(std::sync::TryLockError::WouldBlock) => {
                        if start.elapsed() > Duration::from_millis(200) {
                            break None;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            };
            restore();
            previous(info);
        }));
    });
}

/// The dashboard's terminal; dropping it restores the user's.
pub struct Screen {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    pub fn enter() -> io::Result<Screen> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        if let Err(e) = execute!(io::stdout(), EnterAlternateScreen) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(terminal) => Ok(Screen { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Screen {
    /// Draws a frame unless a panic has already handed the terminal back; false then.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame<'_>)) -> io::Result<bool> {
        let _guard = drawing_lock();
        if !is_active() {
            return Ok(false);
        }
        self.terminal.draw(render)?;
        Ok(true)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}
