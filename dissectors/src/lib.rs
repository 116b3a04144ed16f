//! Pure, zero-copy parsers for the protocols an IPsec VPN puts on the wire, and the
//! IKEv1/IKEv2/ESP key derivation and decryption that unlock what they carry.
//!
//! Nothing here does I/O, prints, or keeps state across packets except the IP fragment
//! reassembler, whose buffers are bounded. Every parser takes a byte slice and returns either a
//! typed view that borrows it or a [`ParseError`] that names the protocol element, the field and
//! the byte offset where the bytes stopped making sense.
//!
//! **Promise:** no function in this crate panics on any input, and no allocation is sized by a
//! length field read from the wire without first checking it against the bytes actually present.
//!
//! Layout, one module per protocol (after smoltcp's `wire`):
//! - [`net`]: link layers, IPv4/IPv6, UDP, and IP fragment reassembly.
//! - [`isakmp`]: the ISAKMP header and every IKEv1 payload (RFC 2408, 2409, 3947, …).
//! - [`ikev2`]: IKEv2 header and payloads (RFC 7296).
//! - [`esp`], [`ah`]: ESP and AH headers (RFC 4303, 4302).
//! - [`natt`]: UDP 4500 demultiplexing (RFC 3948).
//! - [`crypto`]: prf/hash, ciphers, the IKEv1 key chain (RFC 2409), ESP and IKEv2 SK decryption.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod ah;
pub mod cookie;
pub mod crypto;
pub mod error;
pub mod esp;
pub mod ikev2;
pub mod isakmp;
pub mod natt;
pub mod net;

pub use cookie::Cookie;
pub use error::{ErrorKind, ParseError};
