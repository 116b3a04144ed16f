//! A bounds-checked cursor over one protocol element. Every read either returns the bytes or a
//! [`ParseError`] naming the element, the field and its offset in the enclosing message, so the
//! parsers above it never index and never lose track of where they are.

use crate::error::{ErrorKind, ParseError};

#[derive(Debug, Clone)]
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Offset of `bytes[0]` from the start of the enclosing message.
    base: usize,
    element: &'static str,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8], base: usize, element: &'static str) -> Self {
        Reader {
            bytes,
            pos: 0,
            base,
            element,
        }
    }

    /// Offset of the next unread byte from the start of the enclosing message.
    pub(super) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    pub(super) fn remaining(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.remaining().is_empty()
    }

    pub(super) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], ParseError> {
        let rest = self.remaining();
        match rest.get(..n) {
            Some(s) => {
                self.pos = self.pos.saturating_add(n);
                Ok(s)
            }
            None => Err(ParseError::truncated(
                self.element,
                field,
                self.offset(),
                n,
                rest.len(),
            )),
        }
    }

    pub(super) fn array<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<[u8; N], ParseError> {
        let at = self.offset();
        let s = self.take(N, field)?;
        // `take` returned exactly N bytes, so this cannot fail; map it to an error anyway.
        s.try_into()
            .map_err(|_| ParseError::truncated(self.element, field, at, N, s.len()))
    }

    pub(super) fn u8(&mut self, field: &'static str) -> Result<u8, ParseError> {
        self.array::<1>(field).map(|[b]| b)
    }

    pub(super) fn u16(&mut self, field: &'static str) -> Result<u16, ParseError> {
        self.array(field).map(u16::from_be_bytes)
    }

    pub(super) fn u32(&mut self, field: &'static str) -> Result<u32, ParseError> {
        self.array(field).map(u32::from_be_bytes)
    }

    /// Everything not read yet.
    pub(super) fn rest(&mut self) -> &'a [u8] {
        let r = self.remaining();
        self.pos = self.bytes.len();
        r
    }

    /// An error about `field` at `offset` (absolute) in this element.
    pub(super) fn error(&self, field: &'static str, offset: usize, kind: ErrorKind) -> ParseError {
        ParseError::new(self.element, field, offset, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_reports_offsets() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5], 100, "thing");
        assert_eq!(r.u8("a").unwrap(), 1);
        assert_eq!(r.u16("b").unwrap(), 0x0203);
        assert_eq!(r.offset(), 103);
        let e = r.u32("c").unwrap_err();
        assert_eq!(e.element, "thing");
        assert_eq!(e.field, "c");
        assert_eq!(e.offset, 103);
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 4,
                available: 2
            }
        );
        assert_eq!(r.rest(), &[4, 5]);
        assert!(r.is_empty());
    }
}
