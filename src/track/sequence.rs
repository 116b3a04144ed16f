//! ESP/AH sequence-number accounting for one SA, as a receiver's anti-replay window sees it
//! (RFC 4303 §3.4.3, RFC 4302 §3.4.3): sequence gaps (packets missing so far), out-of-order
//! arrivals, and replays (a sequence number seen twice, or older than the window).
//!
//! A capture point between the peers sees what the receiver will see, so these are the
//! counters behind `show crypto ipsec sa`'s "#pkts replay failed" and of lost packets.

use serde::Serialize;

/// Width of the window: RFC 4303 §3.4.3 recommends at least 64 (Linux and IOS use 64).
const WINDOW: u64 = 64;

/// Sequence statistics of one SA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SequenceStats {
    /// Highest sequence number seen (the right edge of the window); 0 before the first packet.
    pub highest: u64,
    /// The first sequence number seen (1 unless the capture began mid-SA).
    pub first: u64,
    /// Packets not (yet) seen below the highest sequence number: a gap that an out-of-order
    /// packet later fills is taken back.
    pub missing: u64,
    /// Packets that arrived after a higher sequence number.
    pub out_of_order: u64,
    /// Packets whose sequence number was already seen, or that fell behind the window.
    pub replays: u64,
    /// Bit i set: sequence number `highest - i` was seen.
    #[serde(skip)]
    bitmap: u64,
}

/// What one packet's sequence number meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceVerdict {
    /// The next one, or ahead with `skipped` numbers missing.
    InOrder { skipped: u64 },
    /// Inside the window, not seen before: fills an earlier gap.
    OutOfOrder,
    /// Seen before, or too old for the window.
    Replay,
}

impl SequenceStats {
    /// Accounts for a packet with sequence number `seq` (64-bit when extended sequence numbers
    /// are in use and the high half is known; otherwise the 32-bit wire value).
    pub fn observe(&mut self, seq: u64) -> SequenceVerdict {
        if self.highest == 0 && self.bitmap == 0 {
            self.first = seq;
            self.highest = seq;
            self.bitmap = 1;
            return SequenceVerdict::InOrder { skipped: 0 };
        }
        if seq > self.highest {
            let ahead = seq - self.highest;
            let skipped = ahead - 1;
            self.missing += skipped;
            self.bitmap = if ahead >= WINDOW {
                0
            } else {
                self.bitmap << ahead
            };
            self.bitmap |= 1;
            self.highest = seq;
            return SequenceVerdict::InOrder { skipped };
        }
        let behind = self.highest - seq;
        if behind >= WINDOW {
            self.replays += 1;
            return SequenceVerdict::Replay;
        }
        let bit = 1u64 << behind;
        if self.bitmap & bit != 0 {
            self.replays += 1;
            SequenceVerdict::Replay
        } else {
            self.bitmap |= bit;
            self.out_of_order += 1;
            self.missing = self.missing.saturating_sub(1);
            SequenceVerdict::OutOfOrder
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_stream_has_no_anomalies() {
        let mut s = SequenceStats::default();
        for q in 1..=20 {
            assert_eq!(s.observe(q), SequenceVerdict::InOrder { skipped: 0 });
        }
        assert_eq!(
            (s.first, s.highest, s.missing, s.out_of_order, s.replays),
            (1, 20, 0, 0, 0)
        );
    }

    #[test]
    fn gap_then_late_arrival_then_replay() {
        let mut s = SequenceStats::default();
        s.observe(1);
        assert_eq!(s.observe(4), SequenceVerdict::InOrder { skipped: 2 });
        assert_eq!(s.missing, 2);
        assert_eq!(s.observe(3), SequenceVerdict::OutOfOrder);
        assert_eq!((s.missing, s.out_of_order), (1, 1));
        assert_eq!(s.observe(3), SequenceVerdict::Replay);
        assert_eq!(s.observe(4), SequenceVerdict::Replay);
        assert_eq!(s.replays, 2);
        assert_eq!(s.missing, 1, "2 never came");
    }

    #[test]
    fn far_behind_the_window_is_a_replay_and_a_big_jump_clears_the_window() {
        let mut s = SequenceStats::default();
        s.observe(1);
        s.observe(1000);
        assert_eq!(s.missing, 998);
        assert_eq!(s.observe(1), SequenceVerdict::Replay);
        assert_eq!(s.observe(999), SequenceVerdict::OutOfOrder);
        assert_eq!(s.observe(1000 - 63), SequenceVerdict::OutOfOrder);
        assert_eq!(s.observe(1000 - 64), SequenceVerdict::Replay);
    }

    #[test]
    fn capture_starting_mid_sa() {
        let mut s = SequenceStats::default();
        s.observe(5000);
        s.observe(5001);
        assert_eq!((s.first, s.highest, s.missing), (5000, 5001, 0));
    }
}
