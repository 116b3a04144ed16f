//! IKEv2 (RFC 7296): the header, the payload chain and every payload, as borrowing views.
//!
//! - [`Message::parse`] checks the header and its length field; [`Message::payloads`] walks
//!   the chain lazily, yielding [`RawPayload`]s (type, critical bit, offset, bytes);
//!   [`RawPayload::decode`] turns one into a [`Payload`].
//! - SK (RFC 7296 §3.14) and SKF (RFC 7383) are kept opaque with the offsets decryption needs;
//!   once the crypto module has decrypted one, [`strip_sk_padding`] and [`decrypted_payloads`]
//!   walk the plaintext with the same code.
//! - Registries are open newtypes ([`names`]): unknown values are kept and display as numbers.
//!
//! **Limits against hostile input.** Accessors never panic. Every length is checked against
//! the bytes present before it is used, and every count against the structure it describes
//! (RFC 7296 §3.3 requires this of SA payloads; it is done for all). Chains are capped:
//! [`MAX_PAYLOADS`] payloads, [`sa::MAX_PROPOSALS`] proposals, [`sa::MAX_TRANSFORMS`]
//! transforms, [`sa::MAX_ATTRIBUTES`] attributes, [`ts::MAX_TRAFFIC_SELECTORS`] selectors,
//! [`payload::MAX_CFG_ATTRIBUTES`] configuration attributes; going over is an error of kind
//! [`crate::ErrorKind::TooMany`]. Vectors grow one decoded element at a time (each at least 4
//! bytes of input), never from a count read off the wire. Errors name the element ("SA
//! payload", "proposal", "transform", "traffic selector"…), the field, and its offset from the
//! start of the message.

mod chain;
mod header;
pub mod names;
pub mod payload;
mod reader;
pub mod sa;
pub mod ts;

pub use chain::{
    GENERIC_HEADER_LEN, MAX_PAYLOADS, Payloads, RawPayload, decrypted_payloads, strip_sk_padding,
};
pub use header::{Flags, Header, Message, field};
pub use names::{
    AuthMethod, CertEncoding, CfgAttributeType, CfgType, DhGroup, EapCode, EapType, EncrId, EsnId,
    ExchangeType, IdType, IntegId, NotifyType, PayloadType, PrfId, ProtocolId,
    SignatureHashAlgorithm, TransformAttributeType, TransformType, TsType, ip_protocol_name,
};
pub use payload::{
    AuthPayload, CertPayload, CfgAttribute, CpPayload, DeletePayload, EapPayload,
    EncryptedFragmentPayload, EncryptedPayload, IdPayload, Identity, KePayload, NoncePayload,
    NotifyPayload, Payload, SkParts, UnknownPayload, VendorIdPayload,
};
pub use sa::{AttributeValue, Proposal, SaPayload, Transform, TransformAttribute, TransformId};
pub use ts::{AddressRange, TrafficSelector, TsPayload};
