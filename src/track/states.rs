//! The state of an IKE SA as each peer would show it, as pure functions.
//!
//! Two vocabularies, both Cisco IOS's:
//! - [`DebugState`]: what `debug crypto isakmp` prints as "Old State = … New State = …"
//!   (IKE_I_MM1 … IKE_P1_COMPLETE, IKE_QM_I_QM1 …).
//! - [`IsakmpSaState`]: the `state` column of `show crypto isakmp sa` (MM_NO_STATE … QM_IDLE).
//!
//! The wire shows messages, not states. Each message seen is an event for both peers: the
//! sender *sent* it, the receiver *received* it. [`phase1_step`] and [`quick_mode_step`] map
//! (role, current state, event) to the states the peer passes through, exactly as in the TAC
//! debugs of `docs/reference` (document 113594: "Old State = IKE_R_MM1 New State = IKE_R_MM2").
//! The whole table is written out in `docs/states.md`; the tests here check every row.
//!
//! A state only ever moves forward: a retransmission (an event whose target is not ahead of the
//! current state) is not a transition. A capture that starts mid-exchange jumps straight to the
//! state the first message seen implies.

use std::fmt;

/// Which end of an IKE SA or of a quick-mode exchange a peer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Initiator,
    Responder,
}

impl Role {
    pub const fn other(self) -> Role {
        match self {
            Role::Initiator => Role::Responder,
            Role::Responder => Role::Initiator,
        }
    }

    /// Cisco's one-letter marker in `debug crypto isakmp`: "(I)" or "(R)".
    pub const fn letter(self) -> char {
        match self {
            Role::Initiator => 'I',
            Role::Responder => 'R',
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Role::Initiator => "initiator",
            Role::Responder => "responder",
        }
    }
}

/// A phase-1 message by its place in its exchange (RFC 2409 §5: main mode has six messages,
/// aggressive mode three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase1Msg {
    Mm1,
    Mm2,
    Mm3,
    Mm4,
    Mm5,
    Mm6,
    Am1,
    Am2,
    Am3,
}

impl Phase1Msg {
    /// Who sends this message.
    pub const fn sender(self) -> Role {
        match self {
            Phase1Msg::Mm1 | Phase1Msg::Mm3 | Phase1Msg::Mm5 | Phase1Msg::Am1 | Phase1Msg::Am3 => {
                Role::Initiator
            }
            Phase1Msg::Mm2 | Phase1Msg::Mm4 | Phase1Msg::Mm6 | Phase1Msg::Am2 => Role::Responder,
        }
    }

    /// Whether this message carries the sender's authentication (HASH_I/HASH_R or SIG).
    pub const fn authenticates_sender(self) -> bool {
        matches!(
            self,
            Phase1Msg::Mm5 | Phase1Msg::Mm6 | Phase1Msg::Am2 | Phase1Msg::Am3
        )
    }

    pub const fn is_aggressive(self) -> bool {
        matches!(self, Phase1Msg::Am1 | Phase1Msg::Am2 | Phase1Msg::Am3)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Phase1Msg::Mm1 => "MM1",
            Phase1Msg::Mm2 => "MM2",
            Phase1Msg::Mm3 => "MM3",
            Phase1Msg::Mm4 => "MM4",
            Phase1Msg::Mm5 => "MM5",
            Phase1Msg::Mm6 => "MM6",
            Phase1Msg::Am1 => "AM1",
            Phase1Msg::Am2 => "AM2",
            Phase1Msg::Am3 => "AM3",
        }
    }
}

impl fmt::Display for Phase1Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A quick-mode message by its place in its exchange (RFC 2409 §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuickModeMsg {
    Qm1,
    Qm2,
    Qm3,
}

impl QuickModeMsg {
    /// Who sends it, relative to the quick mode's own initiator (which need not be the IKE SA's).
    pub const fn sender(self) -> Role {
        match self {
            QuickModeMsg::Qm1 | QuickModeMsg::Qm3 => Role::Initiator,
            QuickModeMsg::Qm2 => Role::Responder,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            QuickModeMsg::Qm1 => "QM1",
            QuickModeMsg::Qm2 => "QM2",
            QuickModeMsg::Qm3 => "QM3",
        }
    }
}

impl fmt::Display for QuickModeMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the authentication a message carries was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthCheck {
    /// The HASH/SIG verified with the keys given.
    Verified,
    /// No keys to check it: the peer is assumed to have accepted it, since nothing refuted it.
    Unchecked,
    /// The HASH did not verify: the receiver would reject it.
    Failed,
}

/// A `debug crypto isakmp` phase-1 state ("Old State = … New State = …").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DebugState {
    IkeReady,
    IkeIMm1,
    IkeIMm2,
    IkeIMm3,
    IkeIMm4,
    IkeIMm5,
    IkeIMm6,
    IkeRMm1,
    IkeRMm2,
    IkeRMm3,
    IkeRMm4,
    IkeRMm5,
    IkeIAm1,
    IkeIAm2,
    IkeRAm1,
    IkeRAm2,
    IkeP1Complete,
    /// The SA is being torn down (a DELETE, or the negotiation was abandoned).
    IkeDestSa,
}

impl DebugState {
    pub const fn name(self) -> &'static str {
        match self {
            DebugState::IkeReady => "IKE_READY",
            DebugState::IkeIMm1 => "IKE_I_MM1",
            DebugState::IkeIMm2 => "IKE_I_MM2",
            DebugState::IkeIMm3 => "IKE_I_MM3",
            DebugState::IkeIMm4 => "IKE_I_MM4",
            DebugState::IkeIMm5 => "IKE_I_MM5",
            DebugState::IkeIMm6 => "IKE_I_MM6",
            DebugState::IkeRMm1 => "IKE_R_MM1",
            DebugState::IkeRMm2 => "IKE_R_MM2",
            DebugState::IkeRMm3 => "IKE_R_MM3",
            DebugState::IkeRMm4 => "IKE_R_MM4",
            DebugState::IkeRMm5 => "IKE_R_MM5",
            DebugState::IkeIAm1 => "IKE_I_AM1",
            DebugState::IkeIAm2 => "IKE_I_AM2",
            DebugState::IkeRAm1 => "IKE_R_AM1",
            DebugState::IkeRAm2 => "IKE_R_AM2",
            DebugState::IkeP1Complete => "IKE_P1_COMPLETE",
            DebugState::IkeDestSa => "IKE_DEST_SA",
        }
    }

    /// How far along phase 1 this state is; transitions only go up this ladder.
    const fn rank(self) -> u8 {
        match self {
            DebugState::IkeReady => 0,
            DebugState::IkeIMm1
            | DebugState::IkeRMm1
            | DebugState::IkeIAm1
            | DebugState::IkeRAm1 => 1,
            DebugState::IkeIMm2
            | DebugState::IkeRMm2
            | DebugState::IkeIAm2
            | DebugState::IkeRAm2 => 2,
            DebugState::IkeIMm3 | DebugState::IkeRMm3 => 3,
            DebugState::IkeIMm4 | DebugState::IkeRMm4 => 4,
            DebugState::IkeIMm5 | DebugState::IkeRMm5 => 5,
            DebugState::IkeIMm6 => 6,
            DebugState::IkeP1Complete => 7,
            DebugState::IkeDestSa => 8,
        }
    }

    /// The `show crypto isakmp sa` state a router in this debug state shows.
    ///
    /// From the TAC debugs: the responder prints "(R) MM_SA_SETUP" when sending MM2, so it is in
    /// MM_SA_SETUP once it has accepted MM1's proposal (IKE_R_MM2); the initiator prints
    /// "(I) MM_SA_SETUP" when sending MM3 (IKE_I_MM2 onwards); both print MM_KEY_EXCH from the
    /// DH exchange (MM4) until authentication; the initiator is MM_KEY_AUTH between accepting
    /// MM6 and completing; QM_IDLE once phase 1 is complete.
    pub const fn isakmp_state(self) -> IsakmpSaState {
        match self {
            DebugState::IkeReady | DebugState::IkeIMm1 | DebugState::IkeRMm1 => {
                IsakmpSaState::MmNoState
            }
            DebugState::IkeIMm2
            | DebugState::IkeIMm3
            | DebugState::IkeRMm2
            | DebugState::IkeRMm3 => IsakmpSaState::MmSaSetup,
            DebugState::IkeIMm4
            | DebugState::IkeIMm5
            | DebugState::IkeRMm4
            | DebugState::IkeRMm5 => IsakmpSaState::MmKeyExch,
            DebugState::IkeIMm6 => IsakmpSaState::MmKeyAuth,
            DebugState::IkeIAm1 | DebugState::IkeRAm1 => IsakmpSaState::AgNoState,
            DebugState::IkeIAm2 | DebugState::IkeRAm2 => IsakmpSaState::AgInitExch,
            DebugState::IkeP1Complete => IsakmpSaState::QmIdle,
            DebugState::IkeDestSa => IsakmpSaState::Deleted,
        }
    }
}

impl fmt::Display for DebugState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `state` column of `show crypto isakmp sa` (Cisco IOS; table 12-3 of the reference
/// cookbook), plus the two ends a capture can show: deleted and failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IsakmpSaState {
    /// Main mode started, no parameters negotiated yet.
    MmNoState,
    /// Parameters agreed (MM1/MM2), no key material exchanged yet.
    MmSaSetup,
    /// DH exchanged (MM3/MM4), not authenticated yet. Stuck here: PSK or auth mismatch.
    MmKeyExch,
    /// Authenticated in main mode; about to become QM_IDLE.
    MmKeyAuth,
    AgNoState,
    AgInitExch,
    AgAuth,
    /// Phase 1 complete: authenticated and ready for quick mode.
    QmIdle,
    /// Deleted by a DELETE notification (or superseded and expired).
    Deleted,
    /// Negotiation abandoned: refused (NO_PROPOSAL_CHOSEN, …) or given up after retransmissions.
    Failed,
}

impl IsakmpSaState {
    pub const fn name(self) -> &'static str {
        match self {
            IsakmpSaState::MmNoState => "MM_NO_STATE",
            IsakmpSaState::MmSaSetup => "MM_SA_SETUP",
            IsakmpSaState::MmKeyExch => "MM_KEY_EXCH",
            IsakmpSaState::MmKeyAuth => "MM_KEY_AUTH",
            IsakmpSaState::AgNoState => "AG_NO_STATE",
            IsakmpSaState::AgInitExch => "AG_INIT_EXCH",
            IsakmpSaState::AgAuth => "AG_AUTH",
            IsakmpSaState::QmIdle => "QM_IDLE",
            IsakmpSaState::Deleted => "DELETED",
            IsakmpSaState::Failed => "FAILED",
        }
    }

    /// Whether phase 1 is up (the state a healthy tunnel sits in).
    pub const fn is_established(self) -> bool {
        matches!(
            self,
            IsakmpSaState::QmIdle | IsakmpSaState::MmKeyAuth | IsakmpSaState::AgAuth
        )
    }
}

impl fmt::Display for IsakmpSaState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A phase-1 event for one peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase1Event {
    Sent(Phase1Msg, AuthCheck),
    Received(Phase1Msg, AuthCheck),
    /// The SA was deleted (DELETE notification with its cookie pair) or abandoned.
    Deleted,
}

/// The states a peer passes through on an event, in order (at most two: the initiator
/// receiving MM6 goes IKE_I_MM5 → IKE_I_MM6 → IKE_P1_COMPLETE in one input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Steps {
    states: [Option<DebugState>; 2],
}

impl Steps {
    const NONE: Steps = Steps {
        states: [None, None],
    };

    const fn one(s: DebugState) -> Steps {
        Steps {
            states: [Some(s), None],
        }
    }

    const fn two(a: DebugState, b: DebugState) -> Steps {
        Steps {
            states: [Some(a), Some(b)],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.states[0].is_none()
    }

    pub fn iter(&self) -> impl Iterator<Item = DebugState> + '_ {
        self.states.iter().flatten().copied()
    }

    pub fn last(&self) -> Option<DebugState> {
        self.iter().last()
    }
}

/// Where an event would take a peer of `role`, ignoring where it is now: the row of the
/// transition table (`docs/states.md`).
pub fn phase1_targets(role: Role, event: Phase1Event) -> Steps {
    use DebugState::*;
    use Phase1Msg::*;
    match (role, event) {
        (_, Phase1Event::Deleted) => Steps::one(IkeDestSa),
        // A message sent by the other side, or received from ourselves, says nothing about us.
        (r, Phase1Event::Sent(m, _)) if m.sender() != r => Steps::NONE,
        (r, Phase1Event::Received(m, _)) if m.sender() == r => Steps::NONE,

        (Role::Initiator, Phase1Event::Sent(Mm1, _)) => Steps::one(IkeIMm1),
        (Role::Initiator, Phase1Event::Received(Mm2, _)) => Steps::one(IkeIMm2),
        (Role::Initiator, Phase1Event::Sent(Mm3, _)) => Steps::one(IkeIMm3),
        (Role::Initiator, Phase1Event::Received(Mm4, _)) => Steps::one(IkeIMm4),
        (Role::Initiator, Phase1Event::Sent(Mm5, _)) => Steps::one(IkeIMm5),
        // HASH_R checked on MM6: if it fails the initiator never completes (RFC 2409 §5).
        (Role::Initiator, Phase1Event::Received(Mm6, AuthCheck::Failed)) => Steps::one(IkeIMm6),
        (Role::Initiator, Phase1Event::Received(Mm6, _)) => Steps::two(IkeIMm6, IkeP1Complete),

        (Role::Responder, Phase1Event::Received(Mm1, _)) => Steps::one(IkeRMm1),
        (Role::Responder, Phase1Event::Sent(Mm2, _)) => Steps::one(IkeRMm2),
        (Role::Responder, Phase1Event::Received(Mm3, _)) => Steps::one(IkeRMm3),
        (Role::Responder, Phase1Event::Sent(Mm4, _)) => Steps::one(IkeRMm4),
        (Role::Responder, Phase1Event::Received(Mm5, _)) => Steps::one(IkeRMm5),
        // The responder only sends MM6 after HASH_I verified (its own check, not ours).
        (Role::Responder, Phase1Event::Sent(Mm6, _)) => Steps::one(IkeP1Complete),

        (Role::Initiator, Phase1Event::Sent(Am1, _)) => Steps::one(IkeIAm1),
        // AM2 carries HASH_R: a failed check stops the initiator before AM3.
        (Role::Initiator, Phase1Event::Received(Am2, _)) => Steps::one(IkeIAm2),
        (Role::Initiator, Phase1Event::Sent(Am3, _)) => Steps::one(IkeP1Complete),
        (Role::Responder, Phase1Event::Received(Am1, _)) => Steps::one(IkeRAm1),
        (Role::Responder, Phase1Event::Sent(Am2, _)) => Steps::one(IkeRAm2),
        (Role::Responder, Phase1Event::Received(Am3, AuthCheck::Failed)) => Steps::NONE,
        (Role::Responder, Phase1Event::Received(Am3, _)) => Steps::one(IkeP1Complete),

        // Remaining combinations are impossible by the sender checks above.
        _ => Steps::NONE,
    }
}

/// The transitions a peer of `role` in state `current` makes on `event`: the targets of
/// [`phase1_targets`] that lie ahead of `current`. Empty for a retransmission or a message that
/// belongs to an earlier step.
pub fn phase1_step(role: Role, current: DebugState, event: Phase1Event) -> Steps {
    let targets = phase1_targets(role, event);
    let mut out = Steps::NONE;
    let mut i = 0;
    for s in targets.iter() {
        // A deleted SA stays deleted; everything else only moves up the ladder.
        if current != DebugState::IkeDestSa
            && s.rank() > current.rank()
            && let Some(slot) = out.states.get_mut(i)
        {
            *slot = Some(s);
            i += 1;
        }
    }
    out
}

/// A `debug crypto isakmp` quick-mode state, per quick-mode exchange (Cisco's "node", by
/// message ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuickModeState {
    IkeQmReady,
    IkeQmIQm1,
    /// The responder has QM1 and is allocating its inbound SPI.
    IkeQmSpiStarve,
    IkeQmRQm2,
    IkeQmPhase2Complete,
    /// Refused by a notification (NO_PROPOSAL_CHOSEN, INVALID_ID_INFORMATION, …) or abandoned.
    IkeQmFailed,
}

impl QuickModeState {
    pub const fn name(self) -> &'static str {
        match self {
            QuickModeState::IkeQmReady => "IKE_QM_READY",
            QuickModeState::IkeQmIQm1 => "IKE_QM_I_QM1",
            QuickModeState::IkeQmSpiStarve => "IKE_QM_SPI_STARVE",
            QuickModeState::IkeQmRQm2 => "IKE_QM_R_QM2",
            QuickModeState::IkeQmPhase2Complete => "IKE_QM_PHASE2_COMPLETE",
            QuickModeState::IkeQmFailed => "IKE_QM_FAILED",
        }
    }

    const fn rank(self) -> u8 {
        match self {
            QuickModeState::IkeQmReady => 0,
            QuickModeState::IkeQmIQm1 | QuickModeState::IkeQmSpiStarve => 1,
            QuickModeState::IkeQmRQm2 => 2,
            QuickModeState::IkeQmPhase2Complete => 3,
            QuickModeState::IkeQmFailed => 4,
        }
    }

    pub const fn is_final(self) -> bool {
        matches!(
            self,
            QuickModeState::IkeQmPhase2Complete | QuickModeState::IkeQmFailed
        )
    }
}

impl fmt::Display for QuickModeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A quick-mode event for one peer, `role` being its role in this quick mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickModeEvent {
    Sent(QuickModeMsg),
    Received(QuickModeMsg),
    /// Refused by the peer's notification, or deleted before completing.
    Refused,
}

/// Where a quick-mode event takes a peer of `role`, ignoring its current state.
pub fn quick_mode_target(role: Role, event: QuickModeEvent) -> Option<QuickModeState> {
    use QuickModeMsg::*;
    use QuickModeState::*;
    match (role, event) {
        (_, QuickModeEvent::Refused) => Some(IkeQmFailed),
        (r, QuickModeEvent::Sent(m)) if m.sender() != r => None,
        (r, QuickModeEvent::Received(m)) if m.sender() == r => None,
        (Role::Initiator, QuickModeEvent::Sent(Qm1)) => Some(IkeQmIQm1),
        // The TAC debug: "Old State = IKE_QM_I_QM1 New State = IKE_QM_PHASE2_COMPLETE" on
        // processing QM2; QM3 is sent as part of that step.
        (Role::Initiator, QuickModeEvent::Received(Qm2)) => Some(IkeQmPhase2Complete),
        (Role::Initiator, QuickModeEvent::Sent(Qm3)) => Some(IkeQmPhase2Complete),
        (Role::Responder, QuickModeEvent::Received(Qm1)) => Some(IkeQmSpiStarve),
        (Role::Responder, QuickModeEvent::Sent(Qm2)) => Some(IkeQmRQm2),
        (Role::Responder, QuickModeEvent::Received(Qm3)) => Some(IkeQmPhase2Complete),
        _ => None,
    }
}

/// The quick-mode transition of a peer in `current` on `event`, if it moves forward.
/// A completed or failed exchange does not move again.
pub fn quick_mode_step(
    role: Role,
    current: QuickModeState,
    event: QuickModeEvent,
) -> Option<QuickModeState> {
    let target = quick_mode_target(role, event)?;
    (!current.is_final() && target.rank() > current.rank()).then_some(target)
}

/// The `show crypto session` status of a tunnel (Cisco IOS "Session status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionStatus {
    /// IKE SA and IPsec SAs are up.
    UpActive,
    /// IKE SA is up, but no IPsec SA is.
    UpIdle,
    /// IPsec SAs are up (traffic flows) but no IKE SA is: SAs out of sync, or the IKE SA was
    /// negotiated before the capture started and never seen.
    UpNoIke,
    /// IKE is negotiating.
    DownNegotiating,
    /// No SA at all.
    Down,
}

impl SessionStatus {
    pub const fn name(self) -> &'static str {
        match self {
            SessionStatus::UpActive => "UP-ACTIVE",
            SessionStatus::UpIdle => "UP-IDLE",
            SessionStatus::UpNoIke => "UP-NO-IKE",
            SessionStatus::DownNegotiating => "DOWN-NEGOTIATING",
            SessionStatus::Down => "DOWN",
        }
    }

    /// The status from what is up: an established IKE SA, one still negotiating, and how many
    /// IPsec SAs are alive.
    pub const fn from_parts(
        ike_established: bool,
        ike_negotiating: bool,
        ipsec_sas_up: usize,
    ) -> SessionStatus {
        match (ike_established, ipsec_sas_up > 0) {
            (true, true) => SessionStatus::UpActive,
            (true, false) => SessionStatus::UpIdle,
            (false, true) => SessionStatus::UpNoIke,
            (false, false) if ike_negotiating => SessionStatus::DownNegotiating,
            (false, false) => SessionStatus::Down,
        }
    }
}

impl serde::Serialize for SessionStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthCheck::*;
    use DebugState::*;
    use Phase1Event::{Received, Sent};
    use Phase1Msg::*;

    /// Drives both peers through a message sequence; returns each side's debug-state history.
    fn run(msgs: &[(Phase1Msg, AuthCheck)]) -> (Vec<DebugState>, Vec<DebugState>) {
        let mut hist = [vec![IkeReady], vec![IkeReady]];
        for &(m, auth) in msgs {
            for (i, role) in [Role::Initiator, Role::Responder].into_iter().enumerate() {
                let ev = if m.sender() == role {
                    Sent(m, auth)
                } else {
                    Received(m, auth)
                };
                let cur = *hist[i].last().unwrap();
                hist[i].extend(phase1_step(role, cur, ev).iter());
            }
        }
        let [i, r] = hist;
        (i, r)
    }

    #[test]
    fn main_mode_follows_the_tac_debugs_on_both_sides() {
        let all = [Mm1, Mm2, Mm3, Mm4, Mm5, Mm6].map(|m| (m, Unchecked));
        let (i, r) = run(&all);
        // Document 113594, initiator side: IKE_READY → IKE_I_MM1 … IKE_I_MM6 → IKE_P1_COMPLETE.
        assert_eq!(
            i,
            [
                IkeReady,
                IkeIMm1,
                IkeIMm2,
                IkeIMm3,
                IkeIMm4,
                IkeIMm5,
                IkeIMm6,
                IkeP1Complete
            ]
        );
        // Responder side: IKE_READY → IKE_R_MM1 … IKE_R_MM5 → IKE_P1_COMPLETE.
        assert_eq!(
            r,
            [
                IkeReady,
                IkeRMm1,
                IkeRMm2,
                IkeRMm3,
                IkeRMm4,
                IkeRMm5,
                IkeP1Complete
            ]
        );
        let shown: Vec<_> = i.iter().map(|s| s.isakmp_state().name()).collect();
        assert_eq!(
            shown,
            [
                "MM_NO_STATE",
                "MM_NO_STATE",
                "MM_SA_SETUP",
                "MM_SA_SETUP",
                "MM_KEY_EXCH",
                "MM_KEY_EXCH",
                "MM_KEY_AUTH",
                "QM_IDLE"
            ]
        );
        let shown: Vec<_> = r.iter().map(|s| s.isakmp_state().name()).collect();
        assert_eq!(
            shown,
            [
                "MM_NO_STATE",
                "MM_NO_STATE",
                "MM_SA_SETUP",
                "MM_SA_SETUP",
                "MM_KEY_EXCH",
                "MM_KEY_EXCH",
                "QM_IDLE"
            ]
        );
    }

    #[test]
    fn psk_mismatch_leaves_both_sides_in_mm_key_exch() {
        // MM1–MM4, then MM5 four times (retransmissions) and no MM6.
        let mut msgs: Vec<_> = [Mm1, Mm2, Mm3, Mm4].map(|m| (m, Unchecked)).to_vec();
        msgs.extend([(Mm5, Failed); 4]);
        let (i, r) = run(&msgs);
        assert_eq!(i.last().unwrap().isakmp_state(), IsakmpSaState::MmKeyExch);
        assert_eq!(r.last().unwrap().isakmp_state(), IsakmpSaState::MmKeyExch);
        // The three retransmissions are not transitions.
        assert_eq!(i.len(), 6);
        assert_eq!(r.len(), 6);
    }

    #[test]
    fn failed_hash_r_stops_the_initiator_in_mm_key_auth() {
        let mut msgs: Vec<_> = [Mm1, Mm2, Mm3, Mm4, Mm5].map(|m| (m, Unchecked)).to_vec();
        msgs.push((Mm6, Failed));
        let (i, _) = run(&msgs);
        assert_eq!(*i.last().unwrap(), IkeIMm6);
    }

    #[test]
    fn aggressive_mode() {
        let (i, r) = run(&[(Am1, Unchecked), (Am2, Verified), (Am3, Unchecked)]);
        assert_eq!(i, [IkeReady, IkeIAm1, IkeIAm2, IkeP1Complete]);
        assert_eq!(r, [IkeReady, IkeRAm1, IkeRAm2, IkeP1Complete]);
        assert_eq!(IkeIAm1.isakmp_state().name(), "AG_NO_STATE");
        assert_eq!(IkeRAm2.isakmp_state().name(), "AG_INIT_EXCH");
        // Unanswered AM1: the initiator sits in AG_NO_STATE.
        let (i, _) = run(&[(Am1, Unchecked), (Am1, Unchecked)]);
        assert_eq!(i, [IkeReady, IkeIAm1]);
    }

    #[test]
    fn capture_starting_mid_exchange_jumps_forward_and_never_back() {
        let (i, r) = run(&[(Mm3, Unchecked), (Mm4, Unchecked), (Mm1, Unchecked)]);
        assert_eq!(i, [IkeReady, IkeIMm3, IkeIMm4]);
        assert_eq!(r, [IkeReady, IkeRMm3, IkeRMm4]);
    }

    #[test]
    fn deleted_is_final() {
        assert_eq!(
            phase1_step(Role::Initiator, IkeP1Complete, Phase1Event::Deleted).last(),
            Some(IkeDestSa)
        );
        assert!(phase1_step(Role::Initiator, IkeDestSa, Sent(Mm1, Unchecked)).is_empty());
        assert!(phase1_step(Role::Initiator, IkeDestSa, Phase1Event::Deleted).is_empty());
        assert_eq!(IkeDestSa.isakmp_state(), IsakmpSaState::Deleted);
    }

    #[test]
    fn every_row_of_the_table_is_consistent() {
        // Every (role, message, direction) either names a state of that role's own family, or
        // nothing when the role cannot take part in that event.
        for role in [Role::Initiator, Role::Responder] {
            for m in [Mm1, Mm2, Mm3, Mm4, Mm5, Mm6, Am1, Am2, Am3] {
                for auth in [Verified, Unchecked, Failed] {
                    let sent = phase1_targets(role, Sent(m, auth));
                    let recv = phase1_targets(role, Received(m, auth));
                    if m.sender() == role {
                        assert!(recv.is_empty(), "{role:?} cannot receive its own {m}");
                    } else {
                        assert!(sent.is_empty(), "{role:?} cannot send the peer's {m}");
                    }
                    for s in sent.iter().chain(recv.iter()) {
                        let name = s.name();
                        let own = match role {
                            Role::Initiator => "IKE_I_",
                            Role::Responder => "IKE_R_",
                        };
                        assert!(
                            name.starts_with(own) || s == IkeP1Complete,
                            "{role:?} {m} -> {name}"
                        );
                        let family_ok = if m.is_aggressive() {
                            !name.contains("_MM")
                        } else {
                            !name.contains("_AM")
                        };
                        assert!(family_ok, "{m} -> {name}");
                    }
                }
            }
        }
    }

    #[test]
    fn quick_mode_on_both_sides() {
        use QuickModeEvent as E;
        use QuickModeMsg::*;
        use QuickModeState::*;
        let seq = [Qm1, Qm2, Qm3];
        let mut i = vec![IkeQmReady];
        let mut r = vec![IkeQmReady];
        for m in seq {
            for (hist, role) in [(&mut i, Role::Initiator), (&mut r, Role::Responder)] {
                let ev = if m.sender() == role {
                    E::Sent(m)
                } else {
                    E::Received(m)
                };
                if let Some(s) = quick_mode_step(role, *hist.last().unwrap(), ev) {
                    hist.push(s);
                }
            }
        }
        assert_eq!(i, [IkeQmReady, IkeQmIQm1, IkeQmPhase2Complete]);
        assert_eq!(
            r,
            [IkeQmReady, IkeQmSpiStarve, IkeQmRQm2, IkeQmPhase2Complete]
        );
        // Refused after QM1; a later retransmitted QM1 changes nothing.
        assert_eq!(
            quick_mode_step(Role::Initiator, IkeQmIQm1, E::Refused),
            Some(IkeQmFailed)
        );
        assert_eq!(
            quick_mode_step(Role::Initiator, IkeQmFailed, E::Sent(Qm1)),
            None
        );
        assert_eq!(
            quick_mode_step(Role::Responder, IkeQmPhase2Complete, E::Refused),
            None
        );
    }

    #[test]
    fn session_status() {
        assert_eq!(
            SessionStatus::from_parts(true, false, 2).name(),
            "UP-ACTIVE"
        );
        assert_eq!(SessionStatus::from_parts(true, false, 0).name(), "UP-IDLE");
        assert_eq!(
            SessionStatus::from_parts(false, false, 2).name(),
            "UP-NO-IKE"
        );
        assert_eq!(
            SessionStatus::from_parts(false, true, 0).name(),
            "DOWN-NEGOTIATING"
        );
        assert_eq!(SessionStatus::from_parts(false, false, 0).name(), "DOWN");
    }
}
