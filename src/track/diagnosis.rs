//! What went wrong, in the engineer's words, with the evidence.
//!
//! Each [`DiagnosisCode`] is one row of the product's failure table (PRODUCT.md §5) and of the
//! "Common IPsec Issues" of Cisco's troubleshooting guide (`docs/reference/001_*`): a stable
//! code for pipelines, a sentence, the log line a Cisco router would have printed, and the fix
//! to check. A [`Diagnosis`] is one finding: the code, the frames that prove it, and a message
//! that names the peers and, where both offers were seen, the attributes that differ.

use std::fmt;

use serde::Serialize;

/// A stable diagnosis code. The string form (`code()`) is part of the JSON schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisCode {
    PeerUnreachable,
    Phase1PolicyMismatch,
    PskMismatch,
    Phase2ProposalMismatch,
    ProxyIdMismatch,
    /// Quick mode refused by an encrypted informational nobody could read (no keys).
    Phase2Refused,
    InvalidSpi,
    OneWayEsp,
    NatWithoutNatt,
    IkeFragmentLoss,
    Flapping,
    LifetimeMismatch,
}

/// How bad it is: a tunnel that cannot come up, or one that works with a caveat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Works, but something differs that will bite later (lifetimes, PFS).
    Warning,
    /// Traffic is lost or the tunnel is down.
    Error,
}

impl DiagnosisCode {
    pub const ALL: [DiagnosisCode; 12] = [
        DiagnosisCode::PeerUnreachable,
        DiagnosisCode::Phase1PolicyMismatch,
        DiagnosisCode::PskMismatch,
        DiagnosisCode::Phase2ProposalMismatch,
        DiagnosisCode::ProxyIdMismatch,
        DiagnosisCode::Phase2Refused,
        DiagnosisCode::InvalidSpi,
        DiagnosisCode::OneWayEsp,
        DiagnosisCode::NatWithoutNatt,
        DiagnosisCode::IkeFragmentLoss,
        DiagnosisCode::Flapping,
        DiagnosisCode::LifetimeMismatch,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            DiagnosisCode::PeerUnreachable => "peer_unreachable",
            DiagnosisCode::Phase1PolicyMismatch => "phase1_policy_mismatch",
            DiagnosisCode::PskMismatch => "psk_mismatch",
            DiagnosisCode::Phase2ProposalMismatch => "phase2_proposal_mismatch",
            DiagnosisCode::ProxyIdMismatch => "proxy_id_mismatch",
            DiagnosisCode::Phase2Refused => "phase2_refused",
            DiagnosisCode::InvalidSpi => "invalid_spi",
            DiagnosisCode::OneWayEsp => "one_way_esp",
            DiagnosisCode::NatWithoutNatt => "nat_without_natt",
            DiagnosisCode::IkeFragmentLoss => "ike_fragment_loss",
            DiagnosisCode::Flapping => "flapping",
            DiagnosisCode::LifetimeMismatch => "lifetime_mismatch",
        }
    }

    pub const fn severity(self) -> Severity {
        match self {
            DiagnosisCode::LifetimeMismatch => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A short title for lists and the TUI.
    pub const fn title(self) -> &'static str {
        match self {
            DiagnosisCode::PeerUnreachable => "peer unreachable",
            DiagnosisCode::Phase1PolicyMismatch => "phase-1 policy mismatch",
            DiagnosisCode::PskMismatch => "pre-shared key mismatch",
            DiagnosisCode::Phase2ProposalMismatch => "transform-set mismatch",
            DiagnosisCode::ProxyIdMismatch => "proxy-ID (crypto ACL) mismatch",
            DiagnosisCode::Phase2Refused => "quick mode refused",
            DiagnosisCode::InvalidSpi => "invalid SPI: SAs out of sync",
            DiagnosisCode::OneWayEsp => "one-way ESP",
            DiagnosisCode::NatWithoutNatt => "NAT without NAT-T",
            DiagnosisCode::IkeFragmentLoss => "IKE fragments lost",
            DiagnosisCode::Flapping => "flapping tunnel",
            DiagnosisCode::LifetimeMismatch => "lifetime/PFS mismatch",
        }
    }

    /// The log line a Cisco IOS router in this situation prints (with `debug crypto isakmp` /
    /// `debug crypto ipsec` where the message is a debug), from the reference documents.
    /// `{peer}`, `{spi}`, `{state}` are filled in by [`Diagnosis`].
    pub const fn cisco_log_template(self) -> &'static str {
        match self {
            DiagnosisCode::PeerUnreachable => {
                "ISAKMP:(0): retransmitting phase 1 {state}... / ISAKMP:(0):deleting SA reason \"Death by retransmission P1\" state (I) {state} (peer {peer})"
            }
            DiagnosisCode::Phase1PolicyMismatch => {
                "ISAKMP:(0):atts are not acceptable. Next payload is 0 / ISAKMP:(0):phase 1 SA policy not acceptable! / %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main Mode failed with peer at {peer}"
            }
            DiagnosisCode::PskMismatch => {
                "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {peer} failed its sanity check or is malformed / ISAKMP:(0): retransmitting phase 1 MM_KEY_EXCH..."
            }
            DiagnosisCode::Phase2ProposalMismatch => {
                "IPSEC(validate_proposal): transform proposal not supported for identity / ISAKMP:(0):atts not acceptable. Next payload is 0 / ISAKMP:(0):phase 2 SA policy not acceptable! (peer {peer})"
            }
            DiagnosisCode::ProxyIdMismatch => {
                "IPSEC(validate_transform_proposal): proxy identities not supported / ISAKMP:(0):IPsec policy invalidated proposal with error 32 / ISAKMP:(0):phase 2 SA policy not acceptable! (peer {peer})"
            }
            DiagnosisCode::Phase2Refused => {
                "ISAKMP:(0):phase 2 SA policy not acceptable! (peer {peer}; the reason is in an encrypted notification)"
            }
            DiagnosisCode::InvalidSpi => {
                "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr={peer}, prot=50, spi={spi}"
            }
            DiagnosisCode::OneWayEsp => {
                "(no log) show crypto ipsec sa: #pkts encaps increasing, #pkts decaps: 0 (peer {peer})"
            }
            DiagnosisCode::NatWithoutNatt => {
                "ISAKMP:(0):NAT found, the node inside NAT / ISAKMP:(0):NAT-T not in use: ESP sent as IP protocol 50 (peer {peer})"
            }
            DiagnosisCode::IkeFragmentLoss => {
                "ISAKMP:(0): retransmitting phase 1 {state}... (large IKE message lost in IP fragmentation; peer {peer})"
            }
            DiagnosisCode::Flapping => {
                "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer {peer}:500 / %CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer {peer}:500 (repeated)"
            }
            DiagnosisCode::LifetimeMismatch => {
                "ISAKMP:(0):processing RESPONDER_LIFETIME notify / ISAKMP:(0):Acceptable atts:actual life: … (peer {peer})"
            }
        }
    }

    /// What to check, in configuration terms.
    pub const fn fix(self) -> &'static str {
        match self {
            DiagnosisCode::PeerUnreachable => {
                "Check that the peer is reachable on UDP 500 (and 4500), that no ACL or firewall in the path drops IKE, and that the peer has a crypto map / tunnel protection for this address with `crypto isakmp enable` on that interface."
            }
            DiagnosisCode::Phase1PolicyMismatch => {
                "Make one `crypto isakmp policy` on the responder match the initiator's offer exactly: encryption (and key length), hash, authentication, DH group."
            }
            DiagnosisCode::PskMismatch => {
                "Re-enter the same pre-shared key on both peers (`crypto isakmp key KEY address PEER` or the keyring entry): check the peer address it is bound to, typos and trailing spaces."
            }
            DiagnosisCode::Phase2ProposalMismatch => {
                "Make the `crypto ipsec transform-set` (encryption, integrity, mode) and `set pfs` group match on both peers."
            }
            DiagnosisCode::ProxyIdMismatch => {
                "Make the crypto ACLs mirror images of each other: every `permit ip A B` on one peer needs `permit ip B A` on the other, with the same masks."
            }
            DiagnosisCode::Phase2Refused => {
                "Decrypt the refusal to see which: load the PSK and DH secret (or the phase-1 key) with --keys. Then compare transform sets (`crypto ipsec transform-set`, `set pfs`) and crypto ACLs on both peers."
            }
            DiagnosisCode::InvalidSpi => {
                "One peer dropped its SAs while the other still uses them: `clear crypto sa peer PEER` on the stale side, and enable `crypto isakmp invalid-spi-recovery` and DPD (`crypto isakmp keepalive`) so they resynchronise by themselves."
            }
            DiagnosisCode::OneWayEsp => {
                "ESP leaves one peer but nothing comes back: check the far side's routing toward the protected subnet, ACLs or firewalls dropping ESP (IP protocol 50) or UDP 4500, and NAT on the return path."
            }
            DiagnosisCode::NatWithoutNatt => {
                "A NAT sits between the peers but ESP is sent as IP protocol 50, which most NATs cannot translate: enable NAT-T on both peers (`crypto ipsec nat-transparency udp-encapsulation`) and allow UDP 4500."
            }
            DiagnosisCode::IkeFragmentLoss => {
                "Large IKE messages (certificates) are fragmented and pieces are lost: allow IP fragments through firewalls, lower the path MTU, or enable IKE fragmentation (`crypto isakmp fragmentation`)."
            }
            DiagnosisCode::Flapping => {
                "The tunnel keeps being torn down and renegotiated: look at why — DPD timeouts (`crypto isakmp keepalive`), an unstable underlay, lifetimes, or two peers both initiating — in `show crypto isakmp sa` and the logs of both ends."
            }
            DiagnosisCode::LifetimeMismatch => {
                "Align `lifetime` under `crypto isakmp policy`, `crypto ipsec security-association lifetime` and `set pfs` on both peers; mismatches work with some vendors and break rekeys with others."
            }
        }
    }
}

impl fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One attribute that differs between two offers (or between an offer and what was chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeDiff {
    /// The attribute, in Cisco's words: "encryption", "hash", "authentication", "group",
    /// "lifetime", "transform", "pfs group", "local proxy", "remote proxy".
    pub attribute: String,
    /// What the initiator offered (or one side had).
    pub initiator: String,
    /// What the responder offered, configured, or accepted.
    pub responder: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    pub severity: Severity,
    /// The frames that show it, in capture order.
    pub frames: Vec<u64>,
    /// The sentence in the engineer's words, with the specifics (peers, SPIs, attributes).
    pub message: String,
    /// What a Cisco router would have logged.
    pub cisco_log: String,
    /// What to check.
    pub fix: &'static str,
    /// Where both offers were visible: the attributes that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<AttributeDiff>,
    /// The IKE SA it concerns, as "initiator_cookie/responder_cookie".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ike_sa: Option<String>,
    /// The tunnel it concerns, as "peerA <-> peerB".
    pub tunnel: String,
}

/// Values to fill the Cisco log template with.
#[derive(Debug, Default, Clone)]
pub struct LogContext<'a> {
    pub peer: &'a str,
    pub spi: &'a str,
    pub state: &'a str,
}

impl Diagnosis {
    pub fn new(
        code: DiagnosisCode,
        tunnel: String,
        frames: Vec<u64>,
        message: String,
        ctx: &LogContext<'_>,
    ) -> Diagnosis {
        let cisco_log = code
            .cisco_log_template()
            .replace("{peer}", ctx.peer)
            .replace("{spi}", ctx.spi)
            .replace(
                "{state}",
                if ctx.state.is_empty() {
                    "MM_NO_STATE"
                } else {
                    ctx.state
                },
            );
        Diagnosis {
            code,
            severity: code.severity(),
            frames,
            message,
            cisco_log,
            fix: code.fix(),
            differences: Vec::new(),
            ike_sa: None,
            tunnel,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_stable_names_of_the_issue() {
        let codes: Vec<_> = DiagnosisCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(
            codes,
            [
                "peer_unreachable",
                "phase1_policy_mismatch",
                "psk_mismatch",
                "phase2_proposal_mismatch",
                "proxy_id_mismatch",
                "phase2_refused",
                "invalid_spi",
                "one_way_esp",
                "nat_without_natt",
                "ike_fragment_loss",
                "flapping",
                "lifetime_mismatch"
            ]
        );
        // serde and code() agree, so JSON and text say the same thing.
        for c in DiagnosisCode::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.code())
            );
            assert!(!c.fix().is_empty() && !c.title().is_empty());
        }
    }

    #[test]
    fn log_template_is_filled() {
        let d = Diagnosis::new(
            DiagnosisCode::InvalidSpi,
            "192.0.2.1 <-> 192.0.2.2".into(),
            vec![12],
            "ESP on SPI 0xdeadbeef that nobody negotiated".into(),
            &LogContext {
                peer: "192.0.2.2",
                spi: "0xdeadbeef",
                state: "",
            },
        );
        assert_eq!(
            d.cisco_log,
            "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=192.0.2.2, prot=50, spi=0xdeadbeef"
        );
        assert!(!d.cisco_log.contains('{'));
    }
}
