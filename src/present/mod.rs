//! What the user reads: the command line, terse lines, trees, JSON.

/// Entry point of the `ikescope` binary; returns the process exit code.
pub fn cli_main() -> i32 {
    0
}
