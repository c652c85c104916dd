//! Casebook-wide configuration, itself kept as events so that reopening a casebook restores it.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::limits::Limits;
use crate::workflow::WorkflowDef;

/// What a `configure` request may set. Absent parts stay as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
pub struct ConfigChange {
    /// A workflow document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowDef>,
    /// The prefix of case keys, e.g. "CB" for CB-42 (letters and digits, 1 to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix: Option<String>,
    /// Input limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// The visibility policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::policy::Policy>,
    /// The secret for tracking tokens (at least 16 bytes). Held in memory only: it is never
    /// written to the store, so hosts pass it again when they open the casebook.
    #[serde(default, skip_serializing)]
    pub tracking_secret: Option<String>,
    /// Business calendars by name (added or replaced), in the calendar JSON format of docs/sla.md.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendars: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    /// The SLA policy (docs/sla.md), replacing the previous one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_policy: Option<serde_json::Value>,
    /// Escalation rules (docs/sla.md), replacing the previous ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<serde_json::Value>,
    /// Email intake rules: what to do with mail from unknown senders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_intake: Option<crate::intake::EmailIntakeConfig>,
}

/// A configuration event (the payload of the `casebook` stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigEvent {
    /// Its sequence number in the configuration stream.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: Actor,
    /// What changed.
    pub change: ConfigChange,
}
