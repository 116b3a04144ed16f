//! Registries used by the header and the generic payload chain: payload types, exchange types,
//! protocol IDs, DOIs.

use std::fmt;

open_enum! {
    /// Next Payload / payload type (RFC 2408 §3.1 and §3.4; IANA "ISAKMP Next Payload Types").
    /// The IKEv2 values (33–53) are named so a mixed-up message reads sensibly, but the IKEv1
    /// parser does not decode them.
    pub struct PayloadType(u8) {
        /// End of the chain.
        NONE = 0 => "NONE",
        /// Security Association (RFC 2408 §3.4).
        SA = 1 => "Security Association",
        /// Proposal (RFC 2408 §3.5), only inside an SA payload.
        PROPOSAL = 2 => "Proposal",
        /// Transform (RFC 2408 §3.6), only inside a proposal.
        TRANSFORM = 3 => "Transform",
        /// Key Exchange (RFC 2408 §3.7).
        KEY_EXCHANGE = 4 => "Key Exchange",
        /// Identification (RFC 2408 §3.8, RFC 2407 §4.6.2).
        IDENTIFICATION = 5 => "Identification",
        /// Certificate (RFC 2408 §3.9).
        CERTIFICATE = 6 => "Certificate",
        /// Certificate Request (RFC 2408 §3.10).
        CERTIFICATE_REQUEST = 7 => "Certificate Request",
        /// Hash (RFC 2408 §3.11).
        HASH = 8 => "Hash",
        /// Signature (RFC 2408 §3.12).
        SIGNATURE = 9 => "Signature",
        /// Nonce (RFC 2408 §3.13).
        NONCE = 10 => "Nonce",
        /// Notification (RFC 2408 §3.14).
        NOTIFICATION = 11 => "Notification",
        /// Delete (RFC 2408 §3.15).
        DELETE = 12 => "Delete",
        /// Vendor ID (RFC 2408 §3.16).
        VENDOR_ID = 13 => "Vendor ID",
        /// Attributes: mode-config / XAUTH (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.2).
        ATTRIBUTES = 14 => "Attributes",
        /// NAT-D as numbered by draft-ietf-ipsec-nat-t-ike-04 to -08 (Cisco IOS and others that
        /// negotiate those drafts still send it). IANA later gave 15 to GDOI's SA KEK, but GDOI
        /// runs on UDP 848, never on the IKE ports this module is fed from.
        NAT_D_DRAFT_15 = 15 => "NAT-D (draft-ietf-ipsec-nat-t-ike-04..08)",
        /// NAT-OA as numbered by draft-ietf-ipsec-nat-t-ike-05 to -08 (GDOI's SA TEK on UDP 848).
        NAT_OA_DRAFT_16 = 16 => "NAT-OA (draft-ietf-ipsec-nat-t-ike-05..08)",
        /// Key Download (GDOI).
        KEY_DOWNLOAD = 17 => "Key Download",
        /// Sequence Number (GDOI).
        SEQUENCE_NUMBER = 18 => "Sequence Number",
        /// Proof of Possession (GDOI, deprecated).
        PROOF_OF_POSSESSION = 19 => "Proof of Possession",
        /// NAT Discovery (RFC 3947 §3.2).
        NAT_D = 20 => "NAT-D",
        /// NAT Original Address (RFC 3947 §5.2).
        NAT_OA = 21 => "NAT-OA",
        /// Group Associated Policy (GDOI).
        GAP = 22 => "Group Associated Policy",
        /// IKEv2 SA.
        V2_SA = 33 => "IKEv2 Security Association",
        /// IKEv2 KE.
        V2_KE = 34 => "IKEv2 Key Exchange",
        /// IKEv2 IDi.
        V2_IDI = 35 => "IKEv2 Identification - Initiator",
        /// IKEv2 IDr.
        V2_IDR = 36 => "IKEv2 Identification - Responder",
        /// IKEv2 CERT.
        V2_CERT = 37 => "IKEv2 Certificate",
        /// IKEv2 CERTREQ.
        V2_CERTREQ = 38 => "IKEv2 Certificate Request",
        /// IKEv2 AUTH.
        V2_AUTH = 39 => "IKEv2 Authentication",
        /// IKEv2 Nonce.
        V2_NONCE = 40 => "IKEv2 Nonce",
        /// IKEv2 Notify.
        V2_NOTIFY = 41 => "IKEv2 Notify",
        /// IKEv2 Delete.
        V2_DELETE = 42 => "IKEv2 Delete",
        /// IKEv2 Vendor ID.
        V2_VENDOR_ID = 43 => "IKEv2 Vendor ID",
        /// IKEv2 TSi.
        V2_TSI = 44 => "IKEv2 Traffic Selector - Initiator",
        /// IKEv2 TSr.
        V2_TSR = 45 => "IKEv2 Traffic Selector - Responder",
        /// IKEv2 SK.
        V2_SK = 46 => "IKEv2 Encrypted and Authenticated",
        /// IKEv2 CP.
        V2_CP = 47 => "IKEv2 Configuration",
        /// IKEv2 EAP.
        V2_EAP = 48 => "IKEv2 Extensible Authentication",
        /// IKEv2 SKF (RFC 7383).
        V2_SKF = 53 => "IKEv2 Encrypted and Authenticated Fragment",
        /// NAT-D as numbered by draft-ietf-ipsec-nat-t-ike-01 to -03 (private use range).
        NAT_D_DRAFT = 130 => "NAT-D (draft-ietf-ipsec-nat-t-ike-01..03)",
        /// NAT-OA as numbered by draft-ietf-ipsec-nat-t-ike-01 to -03.
        NAT_OA_DRAFT = 131 => "NAT-OA (draft-ietf-ipsec-nat-t-ike-01..03)",
        /// Cisco (and racoon, strongSwan, Windows) IKEv1 fragmentation.
        CISCO_FRAGMENT = 132 => "Cisco Fragment",
    }
}

impl PayloadType {
    /// strongSwan's abbreviation, as charon logs message contents (`[ SA V V V ]`,
    /// `[ KE No NAT-D NAT-D ]`): the words an engineer sees in a charon log.
    pub const fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NONE",
            1 => "SA",
            2 => "PROP",
            3 => "TRANS",
            4 => "KE",
            5 => "ID",
            6 => "CERT",
            7 => "CERTREQ",
            8 => "HASH",
            9 => "SIG",
            10 => "No",
            11 => "N",
            12 => "D",
            13 => "V",
            14 => "CP",
            15 | 20 | 130 => "NAT-D",
            16 | 21 | 131 => "NAT-OA",
            132 => "FRAG",
            _ => return None,
        })
    }

    /// The name of this payload as a protocol element in error messages ("SA payload").
    pub const fn element(self) -> &'static str {
        match self.0 {
            0 => "NONE payload",
            1 => "SA payload",
            2 => "proposal",
            3 => "transform",
            4 => "KE payload",
            5 => "ID payload",
            6 => "CERT payload",
            7 => "CR payload",
            8 => "HASH payload",
            9 => "SIG payload",
            10 => "Nonce payload",
            11 => "Notification payload",
            12 => "Delete payload",
            13 => "Vendor ID payload",
            14 => "Attributes payload",
            15 | 20 | 130 => "NAT-D payload",
            16 | 21 | 131 => "NAT-OA payload",
            132 => "Fragment payload",
            _ => "unknown payload",
        }
    }
}

impl fmt::Display for PayloadType {
    /// The short (charon) name, else `UNKNOWN(<n>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.short_name() {
            Some(n) => f.write_str(n),
            None => write!(f, "UNKNOWN({})", self.0),
        }
    }
}

open_enum! {
    /// Exchange type (RFC 2408 §3.1 and §4, RFC 2409 §5; mode-config uses TRANSACTION).
    /// 34–38 are IKEv2's (RFC 7296 §3.1), named but not parsed by this module.
    pub struct ExchangeType(u8) {
        /// None.
        NONE = 0 => "NONE",
        /// Base exchange (RFC 2408 §4.4).
        BASE = 1 => "BASE",
        /// Identity Protection = IKE Main Mode (RFC 2408 §4.5, RFC 2409 §5).
        IDENTITY_PROTECTION = 2 => "IDENTITY_PROTECTION",
        /// Authentication Only (RFC 2408 §4.6).
        AUTHENTICATION_ONLY = 3 => "AUTHENTICATION_ONLY",
        /// Aggressive (RFC 2408 §4.7, RFC 2409 §5).
        AGGRESSIVE = 4 => "AGGRESSIVE",
        /// Informational (RFC 2408 §4.8).
        INFORMATIONAL = 5 => "INFORMATIONAL",
        /// Transaction: mode-config and XAUTH (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.1).
        TRANSACTION = 6 => "TRANSACTION",
        /// Quick Mode (RFC 2409 §5.5).
        QUICK_MODE = 32 => "QUICK_MODE",
        /// New Group Mode (RFC 2409 §5.6).
        NEW_GROUP_MODE = 33 => "NEW_GROUP_MODE",
        /// IKEv2 IKE_SA_INIT.
        IKE_SA_INIT = 34 => "IKE_SA_INIT",
        /// IKEv2 IKE_AUTH.
        IKE_AUTH = 35 => "IKE_AUTH",
        /// IKEv2 CREATE_CHILD_SA.
        CREATE_CHILD_SA = 36 => "CREATE_CHILD_SA",
        /// IKEv2 INFORMATIONAL.
        INFORMATIONAL_V2 = 37 => "INFORMATIONAL_V2",
        /// IKEv2 IKE_SESSION_RESUME (RFC 5723).
        IKE_SESSION_RESUME = 38 => "IKE_SESSION_RESUME",
    }
}

impl ExchangeType {
    /// Short Cisco-style name: "Main Mode", "Aggressive Mode", "Quick Mode", …
    pub const fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "None",
            1 => "Base",
            2 => "Main Mode",
            3 => "Auth Only",
            4 => "Aggressive Mode",
            5 => "Informational",
            6 => "Transaction",
            32 => "Quick Mode",
            33 => "New Group Mode",
            34 => "IKE_SA_INIT",
            35 => "IKE_AUTH",
            36 => "CREATE_CHILD_SA",
            37 => "INFORMATIONAL",
            38 => "IKE_SESSION_RESUME",
            _ => return None,
        })
    }

    /// Whether this is one of IKEv2's exchange types (RFC 7296 §3.1).
    pub const fn is_ikev2(self) -> bool {
        matches!(self.0, 34..=38)
    }
}

impl fmt::Display for ExchangeType {
    /// Wireshark's words: "Identity Protection (Main Mode)", "Quick Mode", …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self.0 {
            0 => "NONE",
            1 => "Base",
            2 => "Identity Protection (Main Mode)",
            3 => "Authentication Only",
            4 => "Aggressive",
            5 => "Informational",
            6 => "Transaction (Config Mode)",
            32 => "Quick Mode",
            33 => "New Group Mode",
            _ => match self.name() {
                Some(n) => n,
                None => return write!(f, "Unknown ({})", self.0),
            },
        };
        f.write_str(s)
    }
}

open_enum! {
    /// Protocol ID in proposals, notifications and deletes (RFC 2407 §4.4.1, IANA "IPSEC
    /// Security Protocol Identifiers").
    pub struct ProtocolId(u8) {
        /// Reserved.
        RESERVED = 0 => "RESERVED",
        /// ISAKMP itself: phase-1 SA proposals, IKE SA notifications and deletes.
        ISAKMP = 1 => "ISAKMP",
        /// AH (RFC 4302).
        IPSEC_AH = 2 => "IPSEC_AH",
        /// ESP (RFC 4303).
        IPSEC_ESP = 3 => "IPSEC_ESP",
        /// IP compression (RFC 3173).
        IPCOMP = 4 => "IPCOMP",
        /// GigaBeam Radio (RFC 4705).
        GIGABEAM_RADIO = 5 => "GIGABEAM_RADIO",
    }
}

impl ProtocolId {
    /// "ISAKMP", "AH", "ESP", "IPCOMP".
    pub const fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "ISAKMP",
            2 => "AH",
            3 => "ESP",
            4 => "IPCOMP",
            _ => return None,
        })
    }
}

impl fmt::Display for ProtocolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.short_name().or(self.name()) {
            Some(n) => f.write_str(n),
            None => write!(f, "PROTO({})", self.0),
        }
    }
}

open_enum! {
    /// Domain of Interpretation (RFC 2408 §3.4, RFC 2407 §4.2, RFC 6407).
    pub struct Doi(u32) {
        /// The generic ISAKMP DOI (RFC 2408 §2.1).
        ISAKMP = 0 => "ISAKMP",
        /// The Internet IP Security DOI (RFC 2407), used by every IKEv1 SA.
        IPSEC = 1 => "IPSEC",
        /// Group DOI (RFC 6407).
        GDOI = 2 => "GDOI",
    }
}

display_by_name!(Doi, "DOI");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_unknown_values() {
        assert_eq!(PayloadType::NONCE.short_name(), Some("No"));
        assert_eq!(PayloadType(20).to_string(), "NAT-D");
        assert_eq!(PayloadType(130).to_string(), "NAT-D");
        assert_eq!(PayloadType(15).to_string(), "NAT-D");
        assert_eq!(
            PayloadType::NAT_OA_DRAFT_16.name(),
            Some("NAT-OA (draft-ietf-ipsec-nat-t-ike-05..08)")
        );
        assert_eq!(PayloadType(99).to_string(), "UNKNOWN(99)");
        assert_eq!(PayloadType(99).name(), None);
        assert_eq!(
            format!("{:?}", PayloadType::VENDOR_ID),
            "PayloadType(Vendor ID = 13)"
        );
        assert_eq!(
            ExchangeType::IDENTITY_PROTECTION.to_string(),
            "Identity Protection (Main Mode)"
        );
        assert_eq!(ExchangeType::QUICK_MODE.short_name(), Some("Quick Mode"));
        assert_eq!(ExchangeType(77).to_string(), "Unknown (77)");
        assert!(ExchangeType::IKE_SA_INIT.is_ikev2());
        assert_eq!(ProtocolId::IPSEC_ESP.to_string(), "ESP");
        assert_eq!(ProtocolId(9).to_string(), "PROTO(9)");
        assert_eq!(Doi::IPSEC.to_string(), "IPSEC");
        assert_eq!(Doi(7).to_string(), "DOI(7)");
    }
}
