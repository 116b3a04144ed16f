//! ISAKMP (RFC 2408) and IKEv1 (RFC 2409, IPsec DOI RFC 2407): the fixed header and every
//! payload, with every number decoded by name.
//!
//! **Promise:** nothing here panics on any input, allocates an amount read from the wire, or
//! loops without bound. Every chain (payloads, proposals, transforms, attributes) is walked by
//! its length fields, each of which is checked against the bytes that are really there, and is
//! capped ([`MAX_PAYLOADS`], [`MAX_PROPOSALS`], [`MAX_TRANSFORMS`], [`MAX_ATTRIBUTES`]).
//! A length of less than the 4-byte generic header is an error, never a zero-byte step (the
//! tcpdump "pointer loop" CVE).
//!
//! Two faces, after smoltcp's `wire`:
//! - lazy borrowing views: [`Message`] → [`PayloadIter`] → [`RawPayload`] → [`Payload`] →
//!   ([`SaPayload`] → [`Proposal`] → [`Transform`] → [`Attribute`]), which decode on demand and
//!   report where the bytes stopped making sense;
//! - plain decoded values: [`Header`], [`Phase1Policy`], [`IpsecPolicy`], [`Identity`],
//!   [`KnownVendor`], …
//!
//! Protocol numbers are open newtypes (`pub struct NotifyType(pub u16)`) with named constants
//! and a `name()`; a value without a name is kept, never rejected.
//!
//! Offsets in every [`ParseError`](crate::ParseError) count from the first byte of the ISAKMP
//! header, so they can be found in a hex dump of the message. For decrypted plaintext, walk
//! it with [`payloads`] and a `base_offset` of [`HEADER_LEN`].
//!
//! ```
//! use ikescope_dissectors::isakmp::{Message, NotifyType, Payload};
//!
//! // An unencrypted INFORMATIONAL carrying N(NO_PROPOSAL_CHOSEN), as a responder sends after
//! // a phase-1 policy mismatch (captures/lab/mm-proposal-mismatch, frame 4).
//! let bytes = [
//!     0x5f, 0x9f, 0xa1, 0xc6, 0xe6, 0xf0, 0x43, 0x82, // initiator cookie
//!     0xf5, 0x92, 0x92, 0x4a, 0xf9, 0x5a, 0xf8, 0x60, // responder cookie
//!     0x0b, 0x10, 0x05, 0x00, // next payload N, version 1.0, INFORMATIONAL, no flags
//!     0xdf, 0x96, 0x9f, 0x3c, // message ID
//!     0x00, 0x00, 0x00, 0x38, // length 56
//!     0x00, 0x00, 0x00, 0x1c, // N: last payload, length 28
//!     0x00, 0x00, 0x00, 0x01, 0x01, 0x10, 0x00, 0x0e, // DOI IPSEC, ISAKMP, SPI size 16, type 14
//!     0x5f, 0x9f, 0xa1, 0xc6, 0xe6, 0xf0, 0x43, 0x82, // SPI: the cookie pair
//!     0xf5, 0x92, 0x92, 0x4a, 0xf9, 0x5a, 0xf8, 0x60,
//! ];
//! let msg = Message::parse(&bytes)?;
//! assert_eq!(msg.header.initiator_cookie.to_string(), "5f9fa1c6e6f04382");
//! for raw in msg.payloads() {
//!     match raw?.decode()? {
//!         Payload::Notification(n) => {
//!             assert_eq!(n.notify_type, NotifyType::NO_PROPOSAL_CHOSEN);
//!             assert_eq!(n.to_string(), "N(NO_PROPOSAL_CHOSEN)");
//!             assert_eq!(n.isakmp_cookies(), Some((msg.header.initiator_cookie, msg.header.responder_cookie)));
//!         }
//!         other => panic!("unexpected {other}"),
//!     }
//! }
//! # Ok::<(), ikescope_dissectors::ParseError>(())
//! ```

#[macro_use]
mod macros;

mod attributes;
mod cert;
mod config;
mod delete;
mod fragment;
mod header;
mod id;
mod names;
mod notify;
mod payload;
mod policy;
mod reader;
mod sa;
mod text;
mod vendor;

pub use crate::cookie::Cookie;
pub use attributes::{
    AttrValue, Attribute, AttributeIter, AuthAlgorithm, AuthMethod, DhGroup, EncapsulationMode,
    GroupType, IkeAttrType, IkeAttribute, IkeEncryption, IkeHash, IpsecAttrType, IpsecAttribute,
    LifeType,
};
pub use cert::{CertEncoding, CertPayload, x509_names};
pub use config::{CfgType, ConfigAttrType, ConfigAttribute, ConfigPayload, ConfigValue};
pub use delete::DeletePayload;
pub use fragment::FragmentPayload;
pub use header::{Flags, HEADER_LEN, Header, Message};
pub use id::{IdPayload, IdType, Identity, IdentityText, NatOaPayload};
pub use names::{Doi, ExchangeType, PayloadType, ProtocolId};
pub use notify::{NotifyData, NotifyPayload, NotifyType};
pub use payload::{Payload, PayloadIter, RawPayload, payloads};
pub use policy::{IpsecPolicy, Phase1Policy};
pub use sa::{Proposal, ProposalIter, SaPayload, Situation, Transform, TransformId, TransformIter};
pub use text::{DerName, Hex, Printable};
pub use vendor::{KnownVendor, VendorCategory, VendorIdPayload, VendorVersion};

/// Most payloads walked in one chain before giving up with
/// [`ErrorKind::TooMany`](crate::ErrorKind::TooMany). A main-mode MM1 with a long vendor-ID
/// list has about 15; 256 leaves room for anything real.
pub const MAX_PAYLOADS: usize = 256;
/// Most proposals walked in one SA payload.
pub const MAX_PROPOSALS: usize = 64;
/// Most transforms walked in one proposal (the count field is one byte).
pub const MAX_TRANSFORMS: usize = 255;
/// Most attributes walked in one transform, notification or configuration payload.
pub const MAX_ATTRIBUTES: usize = 512;
