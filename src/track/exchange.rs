//! A message's place in its exchange: MM1…MM6, AM1…AM3, QM1…QM3, INFO, TRANSACTION, and the
//! IKEv2 request/response pairs.
//!
//! The wire does not number messages; their place follows from the exchange type, who sent it
//! (the IKE SA's initiator or responder), and what it carries (RFC 2409 §5: MM1/MM2 carry SA,
//! MM3/MM4 KE and nonce, MM5/MM6 the encrypted ID and HASH; quick mode alternates per message
//! ID). [`phase1_position`] and [`QuickModeOrder`] are pure, so the rules are tested alone.

use std::fmt;

use super::states::{Phase1Msg, QuickModeMsg, Role};

/// IKEv1 exchange type numbers (RFC 2408 §3.1, §4) this module reasons about.
pub mod exchange_type {
    pub const BASE: u8 = 1;
    pub const MAIN_MODE: u8 = 2;
    pub const AUTH_ONLY: u8 = 3;
    pub const AGGRESSIVE: u8 = 4;
    pub const INFORMATIONAL: u8 = 5;
    pub const TRANSACTION: u8 = 6;
    pub const QUICK_MODE: u8 = 32;
    pub const NEW_GROUP: u8 = 33;
    pub const IKE_SA_INIT: u8 = 34;
    pub const IKE_AUTH: u8 = 35;
    pub const CREATE_CHILD_SA: u8 = 36;
    pub const INFORMATIONAL_V2: u8 = 37;
}

/// Where a message stands in its exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    Phase1(Phase1Msg),
    Quick(QuickModeMsg),
    /// An informational exchange (RFC 2408 §4.8): notifications, deletes, DPD.
    Informational,
    /// A transaction exchange: mode-config / XAUTH (draft-ietf-ipsec-isakmp-mode-cfg).
    Transaction,
    NewGroup,
    /// IKEv2: the exchange type and whether this is the response (RFC 7296 §3.1 R flag).
    V2 {
        exchange: u8,
        response: bool,
    },
    /// A phase-1 exchange message whose place cannot be told (e.g. encrypted and the roles
    /// unknown), or an exchange type ikescope has no ladder for.
    Unknown(u8),
}

impl Position {
    /// Short label for one-line output.
    pub fn label(self) -> &'static str {
        match self {
            Position::Phase1(m) => m.name(),
            Position::Quick(m) => m.name(),
            Position::Informational => "INFO",
            Position::Transaction => "TRANSACTION",
            Position::NewGroup => "NEW_GROUP",
            Position::V2 { exchange, response } => match (exchange, response) {
                (exchange_type::IKE_SA_INIT, false) => "IKE_SA_INIT req",
                (exchange_type::IKE_SA_INIT, true) => "IKE_SA_INIT resp",
                (exchange_type::IKE_AUTH, false) => "IKE_AUTH req",
                (exchange_type::IKE_AUTH, true) => "IKE_AUTH resp",
                (exchange_type::CREATE_CHILD_SA, false) => "CREATE_CHILD_SA req",
                (exchange_type::CREATE_CHILD_SA, true) => "CREATE_CHILD_SA resp",
                (exchange_type::INFORMATIONAL_V2, false) => "INFORMATIONAL req",
                (exchange_type::INFORMATIONAL_V2, true) => "INFORMATIONAL resp",
                (_, false) => "request",
                (_, true) => "response",
            },
            Position::Unknown(_) => "?",
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a phase-1 message visibly carries, enough to place it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// The body is encrypted (and was not, or could not be, decrypted).
    pub encrypted: bool,
    pub has_sa: bool,
    pub has_ke: bool,
    /// ID, HASH or SIG: the authentication half of main mode.
    pub has_auth: bool,
}

/// The place of a main-mode or aggressive-mode message sent by `sender` (RFC 2409 §5).
/// `None` when the content contradicts the exchange (e.g. an empty clear message).
pub fn phase1_position(exchange: u8, sender: Role, shape: Shape) -> Option<Phase1Msg> {
    use Phase1Msg::*;
    match (exchange, sender) {
        (exchange_type::MAIN_MODE, Role::Initiator) => {
            if shape.has_sa {
                Some(Mm1)
            } else if shape.has_ke {
                Some(Mm3)
            } else if shape.encrypted || shape.has_auth {
                Some(Mm5)
            } else {
                None
            }
        }
        (exchange_type::MAIN_MODE, Role::Responder) => {
            if shape.has_sa {
                Some(Mm2)
            } else if shape.has_ke {
                Some(Mm4)
            } else if shape.encrypted || shape.has_auth {
                Some(Mm6)
            } else {
                None
            }
        }
        // AM1 carries SA, KE, Ni and IDii; AM3 only HASH_I (sometimes encrypted).
        (exchange_type::AGGRESSIVE, Role::Initiator) => {
            if shape.has_sa || shape.has_ke {
                Some(Am1)
            } else if shape.encrypted || shape.has_auth {
                Some(Am3)
            } else {
                None
            }
        }
        (exchange_type::AGGRESSIVE, Role::Responder) => {
            (shape.has_sa || shape.has_ke || shape.has_auth || shape.encrypted).then_some(Am2)
        }
        _ => None,
    }
}

/// Which peer sent a message, from the IKE SA's endpoints: `None` if it came from neither
/// (e.g. a third address reusing the cookies).
pub fn sender_role<A: PartialEq>(src: &A, initiator: &A, responder: &A) -> Option<Role> {
    if src == initiator {
        Some(Role::Initiator)
    } else if src == responder {
        Some(Role::Responder)
    } else {
        None
    }
}

/// Placing quick-mode messages of one message ID (RFC 2409 §5.5): the first sender is the
/// quick mode's initiator; the other peer's first message is QM2; the initiator's first message
/// after QM2 is QM3. Everything else is a retransmission of what that peer sent last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuickModeOrder {
    /// Which IKE SA role started this quick mode.
    pub initiator: Option<Role>,
    last_from_initiator: Option<QuickModeMsg>,
    seen_qm2: bool,
}

impl QuickModeOrder {
    /// Places the next message of this exchange sent by `sender`; the bool is true when it
    /// repeats the sender's previous message (a retransmission).
    ///
    /// `carries_sa`: `Some(true)` if the (decrypted) message has an SA payload (QM1 and QM2 do,
    /// QM3 does not), `None` if it could not be read.
    pub fn place(&mut self, sender: Role, carries_sa: Option<bool>) -> (QuickModeMsg, bool) {
        let initiator = *self.initiator.get_or_insert(sender);
        if sender == initiator {
            // Decrypted content decides between a QM1 retransmission and QM3.
            let next = match (self.seen_qm2, carries_sa) {
                (_, Some(true)) => QuickModeMsg::Qm1,
                (_, Some(false)) => QuickModeMsg::Qm3,
                (true, None) => QuickModeMsg::Qm3,
                (false, None) => QuickModeMsg::Qm1,
            };
            let repeat = self.last_from_initiator == Some(next);
            self.last_from_initiator = Some(next);
            (next, repeat)
        } else {
            let repeat = self.seen_qm2;
            self.seen_qm2 = true;
            (QuickModeMsg::Qm2, repeat)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Phase1Msg::*;

    fn shape(sa: bool, ke: bool, auth: bool, enc: bool) -> Shape {
        Shape {
            encrypted: enc,
            has_sa: sa,
            has_ke: ke,
            has_auth: auth,
        }
    }

    #[test]
    fn main_mode_by_content_and_sender() {
        use Role::*;
        let mm = exchange_type::MAIN_MODE;
        assert_eq!(
            phase1_position(mm, Initiator, shape(true, false, false, false)),
            Some(Mm1)
        );
        assert_eq!(
            phase1_position(mm, Responder, shape(true, false, false, false)),
            Some(Mm2)
        );
        assert_eq!(
            phase1_position(mm, Initiator, shape(false, true, false, false)),
            Some(Mm3)
        );
        assert_eq!(
            phase1_position(mm, Responder, shape(false, true, false, false)),
            Some(Mm4)
        );
        assert_eq!(
            phase1_position(mm, Initiator, shape(false, false, false, true)),
            Some(Mm5)
        );
        assert_eq!(
            phase1_position(mm, Responder, shape(false, false, true, false)),
            Some(Mm6)
        );
        assert_eq!(phase1_position(mm, Responder, Shape::default()), None);
    }

    #[test]
    fn aggressive_mode() {
        use Role::*;
        let am = exchange_type::AGGRESSIVE;
        assert_eq!(
            phase1_position(am, Initiator, shape(true, true, true, false)),
            Some(Am1)
        );
        assert_eq!(
            phase1_position(am, Responder, shape(true, true, true, false)),
            Some(Am2)
        );
        assert_eq!(
            phase1_position(am, Initiator, shape(false, false, true, false)),
            Some(Am3)
        );
        assert_eq!(
            phase1_position(am, Initiator, shape(false, false, false, true)),
            Some(Am3)
        );
    }

    #[test]
    fn quick_mode_order_without_decryption() {
        use QuickModeMsg::*;
        let mut q = QuickModeOrder::default();
        assert_eq!(q.place(Role::Initiator, None), (Qm1, false));
        assert_eq!(
            q.place(Role::Initiator, None),
            (Qm1, true),
            "QM1 retransmitted"
        );
        assert_eq!(q.place(Role::Responder, None), (Qm2, false));
        assert_eq!(q.place(Role::Initiator, None), (Qm3, false));
        assert_eq!(
            q.place(Role::Responder, None),
            (Qm2, true),
            "QM2 retransmitted"
        );
        assert_eq!(q.initiator, Some(Role::Initiator));
    }

    #[test]
    fn quick_mode_started_by_the_ike_responder() {
        use QuickModeMsg::*;
        let mut q = QuickModeOrder::default();
        assert_eq!(q.place(Role::Responder, Some(true)), (Qm1, false));
        assert_eq!(q.place(Role::Initiator, Some(true)), (Qm2, false));
        assert_eq!(q.place(Role::Responder, Some(false)), (Qm3, false));
        assert_eq!(q.initiator, Some(Role::Responder));
    }

    #[test]
    fn labels() {
        assert_eq!(Position::Phase1(Mm5).to_string(), "MM5");
        assert_eq!(Position::Quick(QuickModeMsg::Qm3).to_string(), "QM3");
        assert_eq!(Position::Informational.to_string(), "INFO");
        assert_eq!(
            Position::V2 {
                exchange: 34,
                response: true
            }
            .to_string(),
            "IKE_SA_INIT resp"
        );
        assert_eq!(sender_role(&1, &1, &2), Some(Role::Initiator));
        assert_eq!(sender_role(&3, &1, &2), None);
    }
}
