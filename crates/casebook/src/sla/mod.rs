//! SLA clocks: a pure function of a case's signals, a policy, calendars and the current instant.
//!
//! The engine maps case events to [`Signal`]s; [`compute_clocks`] folds them into one
//! [`ClockState`] per measured clock. Nothing here reads a clock or stores anything. See
//! `docs/sla.md` for what counts as a reply, pauses, reopening and priority changes.

mod clocks;
mod policy;
mod signal;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use clocks::compute_clocks;
pub(crate) use clocks::{clocks_for_rules, compute_steps};
pub use policy::{
    CustomerTarget, Priority, SlaPolicy, SlaRule, Targets, customer_targets, describe_business_time,
};
pub(crate) use signal::Step;
pub use signal::{PauseReason, Signal, SignalKind};

/// Why a policy was refused or clocks could not be computed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlaError {
    /// The JSON text is not valid JSON or has the wrong shape.
    #[error("SLA policy JSON is invalid: {0}")]
    InvalidJson(String),
    /// The policy has no rules.
    #[error(
        "the SLA policy has no rules: add at least one (priority \"any\", tier \"any\" matches every case)"
    )]
    EmptyPolicy,
    /// A priority is not one of the four.
    #[error("unknown priority {0:?}: use low, normal, high, urgent (or any in a rule)")]
    UnknownPriority(String),
    /// A rule's tier or calendar is empty.
    #[error("rule {rule}: {field} is empty: name it, or write \"any\" for the tier")]
    EmptyName {
        /// 1-based rule number.
        rule: usize,
        /// `tier` or `calendar`.
        field: &'static str,
    },
    /// A target is not a positive duration.
    #[error("rule {rule}: target {clock}: {message}")]
    BadTarget {
        /// 1-based rule number.
        rule: usize,
        /// The clock.
        clock: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A rule names a calendar that is not in the calendar set.
    #[error("rule {rule} uses calendar {name:?}, which is not defined")]
    UnknownCalendar {
        /// 1-based rule number.
        rule: usize,
        /// The name.
        name: String,
    },
}

impl SlaError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            SlaError::InvalidJson(_) => "invalid_json",
            SlaError::EmptyPolicy => "empty_policy",
            SlaError::UnknownPriority(_) => "unknown_priority",
            SlaError::EmptyName { .. } => "empty_name",
            SlaError::BadTarget { .. } => "bad_target",
            SlaError::UnknownCalendar { .. } => "unknown_calendar",
        }
    }
}

/// The four clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Creation to first public agent reply.
    FirstReply,
    /// Oldest unanswered customer message to the next public agent reply.
    NextReply,
    /// Public agent reply to the next one, while the case is open.
    PeriodicUpdate,
    /// Creation or reopening to solving.
    Resolution,
}

impl ClockKind {
    /// All clocks, in report order.
    pub const ALL: [ClockKind; 4] = [
        ClockKind::FirstReply,
        ClockKind::NextReply,
        ClockKind::PeriodicUpdate,
        ClockKind::Resolution,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::FirstReply => "first_reply",
            ClockKind::NextReply => "next_reply",
            ClockKind::PeriodicUpdate => "periodic_update",
            ClockKind::Resolution => "resolution",
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// No cycle has started yet (e.g. next reply before any follow-up message).
    NotStarted,
    /// A cycle is counting and within target.
    Running,
    /// A cycle is open, paused and within target.
    Paused,
    /// No cycle is open; the last one finished within target.
    Met,
    /// The current cycle (open or finished) went past its target.
    Breached,
}

fn ms<S: serde::Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_milliseconds())
}

/// One clock of a case at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockState {
    /// Which clock.
    pub kind: ClockKind,
    /// Where it stands.
    pub state: ClockStatus,
    /// The target the current (or last) cycle is judged by.
    #[serde(rename = "target_ms", serialize_with = "ms")]
    pub target: TimeDelta,
    /// The calendar it is measured on.
    pub calendar: String,
    /// Whether a cycle is open (running or paused).
    pub cycle_open: bool,
    /// Start of the current (or last) cycle.
    pub started_at: Option<DateTime<Utc>>,
    /// Business time counted in the current (or last) cycle, pauses excluded.
    #[serde(rename = "elapsed_ms", serialize_with = "ms")]
    pub elapsed: TimeDelta,
    /// `target - elapsed`; negative once breached.
    #[serde(rename = "remaining_ms", serialize_with = "ms")]
    pub remaining: TimeDelta,
    /// For an open cycle: when it reaches its target if it keeps running (`None` while paused
    /// within target; the breach instant once breached).
    pub due_at: Option<DateTime<Utc>>,
    /// When the current (or last) cycle went past its target.
    pub breached_at: Option<DateTime<Utc>>,
    /// Finished cycles of this clock.
    pub completed_cycles: u32,
    /// Finished cycles that went past their target.
    pub breached_cycles: u32,
}
