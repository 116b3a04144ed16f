//! Counted, named anomalies: every malformed, truncated or inconsistent packet leaves a mark
//! here instead of a panic or silence.
//!
//! An anomaly is named by the protocol element and what was wrong ("SA payload: bad_length"),
//! from the dissectors' [`ParseError`]. Names are static strings, so the table is bounded by the
//! number of distinct (element, code) pairs the code can produce, however hostile the input.

use std::collections::BTreeMap;

use ikescope_dissectors::ParseError;
use serde::Serialize;

/// One kind of anomaly: how often, first where, and the first full message as an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnomalyEntry {
    /// "SA payload: bad_length".
    pub name: String,
    pub count: u64,
    pub first_frame: u64,
    /// The first occurrence's full explanation (element, field, offset, values).
    pub example: String,
}

#[derive(Debug, Clone, Default)]
pub struct Anomalies {
    by_name: BTreeMap<(&'static str, &'static str), AnomalyEntry>,
}

impl Anomalies {
    /// Counts a parse error found in `frame`.
    pub fn record(&mut self, error: &ParseError, frame: u64) {
        self.bump(error.element, error.code(), frame, || error.to_string());
    }

    /// Counts an anomaly that is not a parse error (a dropped fragment, an incomplete
    /// datagram, a decryption failure), with a detail for the first occurrence.
    pub fn record_named(
        &mut self,
        element: &'static str,
        code: &'static str,
        detail: &str,
        frame: u64,
    ) {
        self.bump(element, code, frame, || format!("{element}: {detail}"));
    }

    fn bump(
        &mut self,
        element: &'static str,
        code: &'static str,
        frame: u64,
        example: impl FnOnce() -> String,
    ) {
        self.by_name
            .entry((element, code))
            .and_modify(|e| e.count += 1)
            .or_insert_with(|| AnomalyEntry {
                name: format!("{element}: {code}"),
                count: 1,
                first_frame: frame,
                example: example(),
            });
    }

    /// Adds another table's counts (first frames and examples: the earlier occurrence wins).
    pub fn merge(&mut self, other: &Anomalies) {
        for (key, e) in &other.by_name {
            match self.by_name.get_mut(key) {
                Some(mine) => {
                    mine.count += e.count;
                    if e.first_frame < mine.first_frame {
                        mine.first_frame = e.first_frame;
                        mine.example.clone_from(&e.example);
                    }
                }
                None => {
                    self.by_name.insert(*key, e.clone());
                }
            }
        }
    }

    pub fn total(&self) -> u64 {
        self.by_name.values().map(|e| e.count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Entries ordered by name.
    pub fn entries(&self) -> impl Iterator<Item = &AnomalyEntry> {
        self.by_name.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ikescope_dissectors::ErrorKind;

    #[test]
    fn counts_by_element_and_code_and_keeps_the_first_example() {
        let mut a = Anomalies::default();
        let e1 = ParseError::new(
            "SA payload",
            "payload length",
            40,
            ErrorKind::BadLength {
                value: 2,
                min: 4,
                max: 90,
            },
        );
        let e2 = ParseError::new(
            "SA payload",
            "payload length",
            80,
            ErrorKind::BadLength {
                value: 1,
                min: 4,
                max: 9,
            },
        );
        a.record(&e1, 7);
        a.record(&e2, 9);
        a.record_named("IP datagram", "incomplete", "2 fragments", 3);
        let entries: Vec<_> = a.entries().collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].name, "SA payload: bad_length");
        assert_eq!(entries[1].count, 2);
        assert_eq!(entries[1].first_frame, 7);
        assert!(entries[1].example.contains("offset 40"));
        assert_eq!(a.total(), 3);
    }
}
