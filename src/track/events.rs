//! Tracker events: one per thing that happened, in capture order, for `ikescope events` (JSON
//! lines) and the TUI's log. The schema is documented in docs/json.md.

use serde::Serialize;

use super::diagnosis::Diagnosis;
use crate::capture::Timestamp;

/// Event times in JSON: RFC 3339 UTC, as `dissect --json` and `report --json` write them.
fn rfc3339<S: serde::Serializer>(ts: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ts.rfc3339())
}

/// One event. Serialised with an `event` tag: `{"event":"state_change", …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A new IKE SA was seen (its first message).
    IkeSaCreated {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        version: u8,
        mode: &'static str,
        initiator: String,
        responder: String,
    },
    /// One peer's state changed.
    StateChange {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        /// The peer whose state changed, and its role.
        peer: String,
        role: &'static str,
        from: &'static str,
        to: &'static str,
        /// Its `show crypto isakmp sa` state after the change (phase 1 only).
        #[serde(skip_serializing_if = "Option::is_none")]
        isakmp_state: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    /// Phase 1 (or IKEv2 IKE_AUTH) completed.
    IkeSaEstablished {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        policy: String,
    },
    /// A phase-1 negotiation failed or was abandoned.
    IkeSaFailed {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        reason: String,
    },
    /// A quick mode (or IKEv2 child SA exchange) completed.
    QuickModeDone {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        message_id: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        spis: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        transform: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        local_ident: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        remote_ident: Option<String>,
        pfs: bool,
    },
    /// A quick mode was refused.
    QuickModeFailed {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        conn_id: u32,
        message_id: String,
        reason: String,
    },
    /// The first packet on an SPI.
    SpiFirstSeen {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        spi: String,
        protocol: &'static str,
        src: String,
        dst: String,
        /// Negotiated in a quick mode in the capture, or only seen on the wire.
        negotiated: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        ike_sa: Option<String>,
    },
    /// A DELETE: of an IKE SA, or of IPsec SAs by SPI.
    Delete {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        by: String,
        protocol: &'static str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        spis: Vec<String>,
    },
    /// The IKE SA moved to UDP 4500 (NAT-T).
    NatTFloat {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
    },
    /// DPD: R-U-THERE or its ACK (RFC 3706).
    Dpd {
        frame: u64,
        #[serde(serialize_with = "rfc3339")]
        time: Timestamp,
        ike_sa: String,
        from: String,
        kind: &'static str,
        sequence: Option<u32>,
    },
    /// A diagnosis (see docs/json.md for the codes).
    Diagnosis(Diagnosis),
}

impl Event {
    /// The frame the event belongs to (for ordering).
    pub fn frame(&self) -> u64 {
        match self {
            Event::IkeSaCreated { frame, .. }
            | Event::StateChange { frame, .. }
            | Event::IkeSaEstablished { frame, .. }
            | Event::IkeSaFailed { frame, .. }
            | Event::QuickModeDone { frame, .. }
            | Event::QuickModeFailed { frame, .. }
            | Event::SpiFirstSeen { frame, .. }
            | Event::Delete { frame, .. }
            | Event::NatTFloat { frame, .. }
            | Event::Dpd { frame, .. } => *frame,
            Event::Diagnosis(d) => d.frames.last().copied().unwrap_or(0),
        }
    }
}
