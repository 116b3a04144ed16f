//! ikescope: watch IPsec VPNs from the outside.
//!
//! The data flows one way, and each module knows only the one below it:
//!
//! ```text
//! capture  ->  decode  ->  decrypt  ->  track  ->  present
//! (frames)     (IPsec      (keys, IVs,  (SA tables,  (lines, JSON,
//!               packets)    plaintext)   states,      reports, TUI)
//!                                        diagnoses)
//! ```
//!
//! - [`capture`]: pcap/pcapng files (gzip too), streamed; live interfaces (feature `live`).
//! - [`decode`]: frame -> link -> IP (reassembled) -> UDP -> ISAKMP/IKEv2/ESP/AH, with every
//!   anomaly counted by name. Uses the pure parsers of `ikescope-dissectors`.
//! - [`keys`]: key material from files: PSKs, DH secrets, ready keys.
//! - [`present`]: what the user reads.
//! - [`tui`]: the dashboard (`ikescope tui`): a worker feeds the tracker, the UI draws snapshots.

pub mod capture;
pub mod decode;
pub mod decrypt;
pub mod keys;
pub mod pipeline;
pub mod present;
pub mod table;
pub mod track;
pub mod tui;
