//! A bounds-checked big-endian cursor. Every read either returns the bytes or a
//! [`ParseError`] naming the element, the field and its offset from the message start.

use crate::error::{ErrorKind, ParseError};

#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` from the start of the ISAKMP message.
    base: usize,
    element: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], base: usize, element: &'static str) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            element,
        }
    }

    /// The element this reader reports errors for.
    pub(crate) fn element(&self) -> &'static str {
        self.element
    }

    /// Offset of the next byte from the start of the message.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// What has not been read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], ParseError> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(bytes) => {
                self.pos = self.pos.saturating_add(n);
                Ok(bytes)
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

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, ParseError> {
        let b = self.take(1, field)?;
        Ok(b.first().copied().unwrap_or_default())
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, ParseError> {
        let b = self.take(2, field)?;
        Ok(be_u16(b))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, ParseError> {
        let b = self.take(4, field)?;
        Ok(be_u32(b))
    }

    /// An error about `field` at the current offset.
    pub(crate) fn error(&self, field: &'static str, kind: ErrorKind) -> ParseError {
        ParseError::new(self.element, field, self.offset(), kind)
    }
}

/// Big-endian u16 from the first two bytes (zero-extended if fewer).
pub(crate) fn be_u16(b: &[u8]) -> u16 {
    let mut a = [0u8; 2];
    for (d, s) in a.iter_mut().zip(b) {
        *d = *s;
    }
    u16::from_be_bytes(a)
}

/// Big-endian u32 from the first four bytes (zero-extended if fewer).
pub(crate) fn be_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    for (d, s) in a.iter_mut().zip(b) {
        *d = *s;
    }
    u32::from_be_bytes(a)
}

/// A big-endian unsigned integer of up to 8 bytes; `None` if longer.
pub(crate) fn be_uint(b: &[u8]) -> Option<u64> {
    if b.len() > 8 {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_reports_where_bytes_ran_out() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5], 28, "test element");
        assert_eq!(r.u8("a").unwrap(), 1);
        assert_eq!(r.u16("b").unwrap(), 0x0203);
        assert_eq!(r.offset(), 31);
        let e = r.u32("c").unwrap_err();
        assert_eq!(e.element, "test element");
        assert_eq!(e.field, "c");
        assert_eq!(e.offset, 31);
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 4,
                available: 2
            }
        );
        assert_eq!(r.rest(), &[4, 5]);
    }

    #[test]
    fn integers() {
        assert_eq!(be_uint(&[0x01, 0x51, 0x80]), Some(86400));
        assert_eq!(be_uint(&[]), Some(0));
        assert_eq!(be_uint(&[0xff; 8]), Some(u64::MAX));
        assert_eq!(be_uint(&[0; 9]), None);
        assert_eq!(be_u16(&[0x12]), 0x1200);
    }
}
