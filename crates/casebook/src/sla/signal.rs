//! What happened to a case, as far as SLA clocks care.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Priority;

/// Why a case is paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// Waiting on the customer: every clock pauses; a customer message resumes.
    WaitingOnCustomer,
    /// On hold (e.g. waiting on a third party): periodic update and resolution pause; reply
    /// clocks keep running.
    OnHold,
}

/// One signal: an instant and what happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub kind: SignalKind,
}

impl Signal {
    /// A signal at `at`.
    pub fn new(at: DateTime<Utc>, kind: SignalKind) -> Signal {
        Signal { at, kind }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignalKind {
    /// The case was created. `logged_by_agent`: an agent logged it on the customer's behalf
    /// (e.g. during a phone call), so its description is not an unanswered customer message.
    CaseCreated {
        /// Initial priority.
        priority: Priority,
        /// Customer tier.
        tier: String,
        /// Logged by an agent on the customer's behalf.
        logged_by_agent: bool,
    },
    /// A message from the customer.
    CustomerMessage,
    /// A public reply by an agent (counts as a reply).
    AgentPublicReply,
    /// An automatic reply (does not count as a reply).
    AutoReply,
    /// An internal note (does not count as a reply).
    InternalNote,
    /// The case entered a paused status.
    Paused {
        /// Which one.
        reason: PauseReason,
    },
    /// The case left its paused status.
    Resumed,
    /// The case was solved.
    Solved,
    /// The case was reopened: a new resolution cycle.
    Reopened,
    /// The priority changed.
    PriorityChanged {
        /// The new priority.
        priority: Priority,
    },
    /// The customer's tier changed.
    TierChanged {
        /// The new tier.
        tier: String,
    },
    /// The policy changed. The policy given to `compute_clocks` applies to the whole history, so
    /// this only marks the moment.
    PolicyChanged,
}

/// A signal as the clock fold reads it: small and `Copy`, the tier borrowed rather than cloned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// See [`SignalKind::CaseCreated`].
    CaseCreated {
        priority: Priority,
        tier: &'a str,
        logged_by_agent: bool,
    },
    CustomerMessage,
    AgentPublicReply,
    AutoReply,
    InternalNote,
    Paused {
        reason: PauseReason,
    },
    Resumed,
    Solved,
    Reopened,
    PriorityChanged {
        priority: Priority,
    },
    TierChanged {
        tier: &'a str,
    },
    PolicyChanged,
}

impl SignalKind {
    /// The step of this signal.
    pub(crate) fn step(&self) -> Step<'_> {
        match self {
            SignalKind::CaseCreated {
                priority,
                tier,
                logged_by_agent,
            } => Step::CaseCreated {
                priority: *priority,
                tier,
                logged_by_agent: *logged_by_agent,
            },
            SignalKind::CustomerMessage => Step::CustomerMessage,
            SignalKind::AgentPublicReply => Step::AgentPublicReply,
            SignalKind::AutoReply => Step::AutoReply,
            SignalKind::InternalNote => Step::InternalNote,
            SignalKind::Paused { reason } => Step::Paused { reason: *reason },
            SignalKind::Resumed => Step::Resumed,
            SignalKind::Solved => Step::Solved,
            SignalKind::Reopened => Step::Reopened,
            SignalKind::PriorityChanged { priority } => Step::PriorityChanged {
                priority: *priority,
            },
            SignalKind::TierChanged { tier } => Step::TierChanged { tier },
            SignalKind::PolicyChanged => Step::PolicyChanged,
        }
    }
}

impl Step<'_> {
    /// The owned signal kind of this step.
    pub(crate) fn to_kind(self) -> SignalKind {
        match self {
            Step::CaseCreated {
                priority,
                tier,
                logged_by_agent,
            } => SignalKind::CaseCreated {
                priority,
                tier: tier.to_string(),
                logged_by_agent,
            },
            Step::CustomerMessage => SignalKind::CustomerMessage,
            Step::AgentPublicReply => SignalKind::AgentPublicReply,
            Step::AutoReply => SignalKind::AutoReply,
            Step::InternalNote => SignalKind::InternalNote,
            Step::Paused { reason } => SignalKind::Paused { reason },
            Step::Resumed => SignalKind::Resumed,
            Step::Solved => SignalKind::Solved,
            Step::Reopened => SignalKind::Reopened,
            Step::PriorityChanged { priority } => SignalKind::PriorityChanged { priority },
            Step::TierChanged { tier } => SignalKind::TierChanged {
                tier: tier.to_string(),
            },
            Step::PolicyChanged => SignalKind::PolicyChanged,
        }
    }
}
