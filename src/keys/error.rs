//! Where an entry came from ([`Origin`]) and what went wrong reading a key file
//! ([`KeyFileError`]).

use std::fmt;
use std::sync::Arc;

/// The file and line an entry was read from, for messages such as "PSK from keys.toml:7".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file name as the user gave it (or the name passed to `KeyStore::from_str`).
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: usize,
}

impl Origin {
    pub fn new(file: &Arc<str>, line: usize) -> Origin {
        Origin {
            file: Arc::clone(file),
            line,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A key file that could not be read. Displayed as one line, `file:line: message`, where the
/// message says what was expected and what was found (never the secret itself):
///
/// ```text
/// keys.toml:7: expected 16 hex digits for initiator_cookie, found "a1b2"
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFileError {
    /// The file name as the user gave it.
    pub path: String,
    /// 1-based line, when the problem is on one line (not for unreadable or unrecognised files).
    pub line: Option<usize>,
    /// What was expected and what was found, or what to do about it.
    pub message: String,
}

impl KeyFileError {
    pub(crate) fn at(file: &str, line: usize, message: impl Into<String>) -> KeyFileError {
        KeyFileError {
            path: file.to_string(),
            line: Some(line),
            message: message.into(),
        }
    }

    pub(crate) fn file(file: &str, message: impl Into<String>) -> KeyFileError {
        KeyFileError {
            path: file.to_string(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for KeyFileError {}

/// Quotes a non-secret token for an error message, shortened so one bad line cannot flood the
/// terminal.
pub(crate) fn quote(token: &str) -> String {
    const MAX: usize = 40;
    if token.chars().count() <= MAX {
        format!("{token:?}")
    } else {
        let short: String = token.chars().take(MAX).collect();
        format!("{short:?}…")
    }
}
