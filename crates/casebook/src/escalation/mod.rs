//! Escalation rules as data: a trigger (an event kind, or time: a clock at N% of its target, a
//! clock breached, no agent reply for a while, a promise date passed), conditions on case fields
//! and actions. Each rule fires at most once per episode; see `docs/sla.md` for the format.

mod fire;
mod parse;

use chrono::TimeDelta;
use thiserror::Error;

use crate::case::{Channel, Priority};
use crate::sla::ClockKind;

pub use fire::{
    Candidate, actions_for, conditions_hold, event_episode, fired, promise_deadline,
    time_candidates,
};
pub use parse::parse_rules;

/// Why a rule set was refused. Rules are numbered from 1 in the order given.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleError {
    /// `rules` is not a list of objects of the documented shape.
    #[error("rule {rule}: {message}")]
    InvalidJson {
        /// 1-based rule number (0: the list itself).
        rule: usize,
        /// What serde found.
        message: String,
    },
    /// A rule has no name.
    #[error("rule {rule}: \"name\" is empty: give every rule a name, it is shown in timelines")]
    EmptyName {
        /// 1-based rule number.
        rule: usize,
    },
    /// Two rules share a name.
    #[error("rule {rule}: the name {name:?} is already used by another rule: names must be unique")]
    DuplicateName {
        /// 1-based rule number.
        rule: usize,
        /// The name.
        name: String,
    },
    /// The trigger is not one of the known kinds.
    #[error(
        "rule {rule}: unknown trigger {kind:?}: use event, clock_at, clock_breached, no_agent_reply or promise_broken"
    )]
    UnknownTrigger {
        /// 1-based rule number.
        rule: usize,
        /// The kind given.
        kind: String,
    },
    /// An event trigger names an event kind that does not exist.
    #[error("rule {rule}: unknown event kind {event:?}: use one of {known}")]
    UnknownEvent {
        /// 1-based rule number.
        rule: usize,
        /// The kind given.
        event: String,
        /// The known kinds.
        known: String,
    },
    /// A clock name is not one of the four.
    #[error(
        "rule {rule}: unknown clock {clock:?}: use first_reply, next_reply, periodic_update or resolution"
    )]
    UnknownClock {
        /// 1-based rule number.
        rule: usize,
        /// The clock given.
        clock: String,
    },
    /// A percentage is out of range.
    #[error("rule {rule}: percent {percent} must be between 1 and 1000")]
    BadPercent {
        /// 1-based rule number.
        rule: usize,
        /// The value.
        percent: u32,
    },
    /// A duration is not a positive duration.
    #[error("rule {rule}: {field} {text:?}: {message}")]
    BadDuration {
        /// 1-based rule number.
        rule: usize,
        /// The field.
        field: &'static str,
        /// The text given.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// A condition value is unknown (a priority or channel).
    #[error("rule {rule}: condition {field}: unknown value {value:?}: use one of {known}")]
    BadCondition {
        /// 1-based rule number.
        rule: usize,
        /// The condition.
        field: &'static str,
        /// The value.
        value: String,
        /// The known values.
        known: &'static str,
    },
    /// A rule has no actions.
    #[error("rule {rule}: \"actions\" is empty: a rule must do something")]
    NoActions {
        /// 1-based rule number.
        rule: usize,
    },
    /// An action is not valid.
    #[error("rule {rule}, action {action}: {message}")]
    BadAction {
        /// 1-based rule number.
        rule: usize,
        /// 1-based action number.
        action: usize,
        /// What is wrong.
        message: String,
    },
}

impl RuleError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::InvalidJson { .. } => "invalid_json",
            RuleError::EmptyName { .. } => "empty_name",
            RuleError::DuplicateName { .. } => "duplicate_name",
            RuleError::UnknownTrigger { .. } => "unknown_trigger",
            RuleError::UnknownEvent { .. } => "unknown_event",
            RuleError::UnknownClock { .. } => "unknown_clock",
            RuleError::BadPercent { .. } => "bad_percent",
            RuleError::BadDuration { .. } => "bad_duration",
            RuleError::BadCondition { .. } => "bad_condition",
            RuleError::NoActions { .. } => "no_actions",
            RuleError::BadAction { .. } => "bad_action",
        }
    }
}

/// What makes a rule fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// An event of this kind (`Change::kind`, e.g. "voted", "commented") was applied.
    Event(String),
    /// A clock's open cycle reached `percent` of its target.
    ClockAt {
        /// The clock.
        clock: ClockKind,
        /// 1 to 1000.
        percent: u32,
    },
    /// A clock's open cycle reached its target.
    ClockBreached {
        /// The clock.
        clock: ClockKind,
    },
    /// No public agent reply (since creation or the last one) for this long, while unsolved.
    NoAgentReply {
        /// Wall-clock time.
        after: TimeDelta,
    },
    /// A promise's due date passed unkept.
    PromiseBroken,
}

impl Trigger {
    /// A short description for timelines.
    pub fn describe(&self) -> String {
        match self {
            Trigger::Event(k) => format!("event {k}"),
            Trigger::ClockAt { clock, percent } => format!("{} at {percent}%", clock.as_str()),
            Trigger::ClockBreached { clock } => format!("{} breached", clock.as_str()),
            Trigger::NoAgentReply { after } => {
                format!("no agent reply for {}m", after.num_minutes())
            }
            Trigger::PromiseBroken => "promise broken".into(),
        }
    }
}

/// Conditions on case fields; all given ones must hold (an empty list means any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conditions {
    /// One of these priorities.
    pub priority: Vec<Priority>,
    /// One of these customer tiers.
    pub tier: Vec<String>,
    /// All of these tags.
    pub tags: Vec<String>,
    /// One of these channels.
    pub channel: Vec<Channel>,
    /// At least this many votes (voters plus duplicates' reporters).
    pub votes_at_least: Option<usize>,
    /// At least this many duplicates.
    pub duplicates_at_least: Option<usize>,
}

/// What a rule does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Raise the priority to `to` (never lowers it); one level up when `None`.
    RaisePriority(Option<Priority>),
    /// Assign to a person and/or a team.
    Assign {
        /// The assignee.
        assignee: Option<String>,
        /// The team.
        team: Option<String>,
    },
    /// Escalate to engineering: link a defect.
    EscalateToEngineering {
        /// The defect reference (URL or id).
        defect: String,
    },
    /// Add a tag.
    AddTag(String),
    /// Ask the host to notify someone.
    Notify {
        /// Who (a person key, address or channel the host understands).
        to: String,
        /// The message.
        message: String,
    },
    /// Set a flag on the case.
    SetFlag(String),
}

/// One escalation rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Its unique name.
    pub name: String,
    /// What makes it fire.
    pub trigger: Trigger,
    /// When it applies.
    pub when: Conditions,
    /// What it does.
    pub actions: Vec<Action>,
}
