//! IKE and ESP cryptography: the IKEv1 key chain of RFC 2409, IKEv2 SK payload decryption
//! (RFC 7296 §3.14, RFC 5282), and ESP decryption with ICV checks (RFC 4303 and the transform
//! RFCs). Pure functions over byte slices; RustCrypto does the primitives.

pub mod algs;

pub use algs::{EncAlg, HashAlg, IntegAlg};
