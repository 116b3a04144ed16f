//! The IKEv1 fragment payload (type 132) that Cisco introduced and racoon, strongSwan and
//! Windows implement: a large message (typically MM5/MM6 with certificates) is cut into
//! ISAKMP messages each carrying one fragment payload.

use std::fmt;

use super::reader::Reader;
use crate::error::ParseError;

/// A fragment payload: generic header, fragment ID (2), fragment number (1, from 1),
/// flags (1, bit 0 = last fragment), data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentPayload<'a> {
    /// Same for all fragments of one message.
    pub fragment_id: u16,
    /// Position of this fragment, starting at 1.
    pub fragment_number: u8,
    pub flags: u8,
    /// This fragment's piece of the original message.
    pub data: &'a [u8],
}

impl<'a> FragmentPayload<'a> {
    /// The LAST_FRAGMENT flag.
    pub const LAST_FRAGMENT: u8 = 0x01;

    pub fn parse(body: &'a [u8], base: usize) -> Result<FragmentPayload<'a>, ParseError> {
        let mut r = Reader::new(body, base, "Fragment payload");
        Ok(FragmentPayload {
            fragment_id: r.u16("fragment ID")?,
            fragment_number: r.u8("fragment number")?,
            flags: r.u8("flags")?,
            data: r.rest(),
        })
    }

    pub fn is_last(&self) -> bool {
        self.flags & Self::LAST_FRAGMENT != 0
    }
}

impl fmt::Display for FragmentPayload<'_> {
    /// `id=1 #2 last, 548 bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "id={} #{}", self.fragment_id, self.fragment_number)?;
        if self.is_last() {
            f.write_str(" last")?;
        }
        write!(f, ", {} bytes", self.data.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_fields() {
        let f = FragmentPayload::parse(&[0, 1, 2, 1, 0xaa, 0xbb], 32).unwrap();
        assert_eq!(
            (f.fragment_id, f.fragment_number, f.is_last()),
            (1, 2, true)
        );
        assert_eq!(f.data, &[0xaa, 0xbb]);
        assert_eq!(f.to_string(), "id=1 #2 last, 2 bytes");
        let e = FragmentPayload::parse(&[0, 1, 2], 32).unwrap_err();
        assert_eq!((e.field, e.offset), ("flags", 35));
    }
}
