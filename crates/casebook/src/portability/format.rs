//! The export document: `{"format":"casebook-export","version":1,"scope":...}`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::view::CaseView;

/// The value of `format`.
pub const FORMAT: &str = "casebook-export";
/// The version this Casebook writes and reads.
pub const VERSION: u32 = 1;

/// An export of a casebook or of one person's cases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Export {
    /// Always "casebook-export".
    pub format: String,
    /// The format version (1).
    pub version: u32,
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// What it holds.
    #[serde(flatten)]
    pub body: ExportBody,
}

/// What an export holds, by `scope`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ExportBody {
    /// A whole casebook (admins): the raw event log with its configuration, in log order.
    Casebook {
        /// The key prefix in force.
        key_prefix: String,
        /// The number of events (the head position of the log).
        head: u64,
        /// Every event of every stream (cases, keys, configuration), in global order.
        events: Vec<ExportedEvent>,
    },
    /// What one person may see about their own cases (customers), through the visibility
    /// projection: the same cases and timelines `get` shows them.
    Customer {
        /// Whose cases.
        person: PersonRef,
        /// Their cases with timelines, oldest first.
        cases: Vec<CaseView>,
    },
}

/// One event of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExportedEvent {
    /// Its global position (1-based, gapless).
    pub position: u64,
    /// Its stream: `case/<id>`, `keys` or `casebook`.
    pub stream: String,
    /// Its sequence number in the stream (1-based, gapless).
    pub seq: u64,
    /// The event as Casebook stores it: for case streams `{case, seq, at, actor, change}`,
    /// for `keys` `{case, number}`, for `casebook` `{seq, at, actor, change}`.
    pub event: serde_json::Value,
}

/// A person, by host user id and/or email address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PersonRef {
    /// The host's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// An email address (compared without regard to case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl PersonRef {
    /// True when a user id or email of the person matches.
    pub fn matches(&self, user: Option<&str>, email: Option<&str>) -> bool {
        let by_user = matches!((&self.user, user), (Some(a), Some(b)) if a == b);
        let by_email = matches!((&self.email, email), (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim()));
        by_user || by_email
    }

    /// The person keys (`u:<id>`, `e:<email>`) watcher, voter and participant lists use.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(u) = &self.user {
            keys.push(format!("u:{u}"));
        }
        if let Some(e) = &self.email {
            keys.push(format!("e:{}", e.trim().to_lowercase()));
        }
        keys
    }

    /// True when it names nobody.
    pub fn is_empty(&self) -> bool {
        self.user.as_deref().is_none_or(|u| u.trim().is_empty())
            && self.email.as_deref().is_none_or(|e| e.trim().is_empty())
    }
}
