//! The one error type every parser returns.
//!
//! After etherparse's `LenError`: an error explains itself. It names the protocol element being
//! parsed ("SA payload", "transform attribute"), the field whose value could not be honoured
//! ("payload length"), the byte offset of that field from the start of the message, and what was
//! wrong with it. The tracker counts errors by [`ParseError::code`], so codes are stable.

use std::fmt;

/// Where and why a parse stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The protocol element being parsed, in the protocol's words: "ISAKMP header",
    /// "SA payload", "proposal", "transform attribute", "ESP header", "IPv4 header".
    pub element: &'static str,
    /// The field that was wrong, or that the bytes ran out in: "payload length", "next payload".
    pub field: &'static str,
    /// Byte offset of `field` from the start of the enclosing message (the ISAKMP header, the
    /// ESP header, the frame), so a reader can find it in a hex dump.
    pub offset: usize,
    pub kind: ErrorKind,
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes ended before the element did.
    Truncated { needed: usize, available: usize },
    /// A length field holds a value outside what the element allows or the bytes can hold.
    BadLength {
        value: usize,
        min: usize,
        max: usize,
    },
    /// A field holds a value the protocol forbids here (not merely one we have no name for:
    /// unknown-but-legal values are kept, never rejected).
    BadValue { value: u64 },
    /// A chain (payloads, proposals, attributes) went on longer than any real message does;
    /// a guard against loops and resource exhaustion.
    TooMany { limit: usize },
}

impl ParseError {
    pub const fn new(
        element: &'static str,
        field: &'static str,
        offset: usize,
        kind: ErrorKind,
    ) -> Self {
        ParseError {
            element,
            field,
            offset,
            kind,
        }
    }

    pub const fn truncated(
        element: &'static str,
        field: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    ) -> Self {
        Self::new(
            element,
            field,
            offset,
            ErrorKind::Truncated { needed, available },
        )
    }

    /// The error moved `by` bytes further into an enclosing message.
    #[must_use]
    pub const fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }

    /// A stable short code for counting: `truncated`, `bad_length`, `bad_value`, `too_many`.
    pub const fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Truncated { .. } => "truncated",
            ErrorKind::BadLength { .. } => "bad_length",
            ErrorKind::BadValue { .. } => "bad_value",
            ErrorKind::TooMany { .. } => "too_many",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ParseError {
            element,
            field,
            offset,
            ..
        } = self;
        match self.kind {
            ErrorKind::Truncated { needed, available } => write!(
                f,
                "{element}: truncated at {field} (offset {offset}): needs {needed} bytes, {available} present"
            ),
            ErrorKind::BadLength { value, min, max } => write!(
                f,
                "{element}: {field} {value} at offset {offset} is outside {min}..={max}"
            ),
            ErrorKind::BadValue { value } => {
                write!(
                    f,
                    "{element}: {field} at offset {offset} has invalid value {value}"
                )
            }
            ErrorKind::TooMany { limit } => {
                write!(
                    f,
                    "{element}: more than {limit} {field} entries from offset {offset} (loop?)"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_element_field_and_offset() {
        let e = ParseError::new(
            "SA payload",
            "payload length",
            28,
            ErrorKind::BadLength {
                value: 2,
                min: 4,
                max: 100,
            },
        );
        assert_eq!(
            e.to_string(),
            "SA payload: payload length 2 at offset 28 is outside 4..=100"
        );
        assert_eq!(e.code(), "bad_length");
        assert_eq!(e.shifted(10).offset, 38);
    }
}
