//! Key material from files (`--keys FILE`, repeatable): PSKs, Diffie-Hellman secrets and ready
//! session keys, in any of the formats a VPN engineer already has, recognised by content.
//!
//! | format | what it gives | module |
//! |---|---|---|
//! | ikescope TOML | PSKs, g^xy / DH private values, SKEYID*, Ka, IKEv2 SK_*, ESP SAs | `toml_file` |
//! | Cisco IOS config | PSKs (`crypto isakmp key`, keyrings, IKEv2 keyrings, type 7) | `cisco` |
//! | strongSwan `ipsec.secrets` | PSKs | `ipsec_secrets` |
//! | strongSwan `swanctl.conf` | PSKs (`secrets { ike-… }`) | `swanctl` |
//! | Wireshark `esp_sa`, `ikev1_decryption_table`, `ikev2_decryption_table` | ready keys | `wireshark` |
//! | `ip xfrm state` | ESP SAs | `xfrm` |
//! | tcpdump `-E` secrets | ESP SAs | `tcpdump` |
//! | charon log, level 4 | PSKs, g^xy, SKEYID*, Ka, IKEv2 SK_*, ESP SAs | `charon_log` |
//!
//! This module only reads and stores; deriving keys is the decryption layer's job. Secrets are
//! [`Secret`]s: they never print themselves. Readers never panic on any input (fuzz target
//! `keyfile`); a malformed line is a [`KeyFileError`] naming the file, the line and what was
//! expected. docs/keys.md is the user's guide.
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
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod algs;
mod charon_log;
mod cisco;
mod detect;
mod entries;
mod error;
mod ipsec_secrets;
mod peer;
mod secret;
mod store;
mod swanctl;
mod tcpdump;
mod toml_file;
mod wireshark;
mod xfrm;

pub use algs::{wireshark_esp_auth_name, wireshark_esp_enc_name};
pub use cisco::decode_type7;
pub use detect::KeyFormat;
pub use entries::{
    EspSa, IkeSecret, Ikev1Ready, Ikev2Keys, PskEntry, PskUsage, QuickModeSecret, Side,
};
pub use error::{KeyFileError, Origin};
pub use peer::{AddrMatch, Identity, PeerSelector};
pub use secret::Secret;
pub use store::{KeyStore, LoadedFile, Summary, SummaryItem};
