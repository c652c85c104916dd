//! Lean case summaries for lists: `list` with `"view": "summary"`.
//!
//! A list view of full cases carries descriptions, diagnostics, links, commitments and more,
//! which a "my cases" screen does not show; writing them is most of the cost of a list answer.
//! A summary keeps what a list row needs. It is taken from the full view, so it shows exactly
//! what the viewer may see and nothing more.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::case::Priority;
use crate::outcome::OutcomeKind;
use crate::view::CaseView;
use crate::workflow::Category;

/// How `list` writes each case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListView {
    /// Full case views (the default), as `get` answers without the timeline.
    #[default]
    Full,
    /// Case summaries: id, key, subject, status, category, priority, outcome, times, version.
    Summary,
}

/// A case in a list, as one viewer may see it (see [`ListView::Summary`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseSummary {
    /// The case id.
    pub id: String,
    /// The human key, e.g. "CB-42".
    pub key: String,
    /// The subject.
    pub subject: String,
    /// The workflow state id.
    pub status: String,
    /// The state's label.
    pub status_label: String,
    /// The state's category.
    pub category: Category,
    /// The priority, when the viewer may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The outcome, when the case has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<SummaryOutcome>,
    /// When the case was reported.
    pub created_at: DateTime<Utc>,
    /// When the case last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version (the last event's sequence number).
    pub version: u64,
}

/// A case's outcome in a summary: its kind and plain words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryOutcome {
    /// The kind.
    pub kind: OutcomeKind,
    /// The outcome in plain words ("Planned for 5.3").
    pub words: String,
}

impl From<CaseView> for CaseSummary {
    fn from(v: CaseView) -> Self {
        Self {
            id: v.id,
            key: v.key,
            subject: v.subject,
            status: v.status,
            status_label: v.status_label,
            category: v.category,
            priority: v.priority,
            outcome: v.outcome.map(|o| SummaryOutcome {
                kind: o.kind,
                words: o.words,
            }),
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::{Casebook, MemoryStore, SeededIds, protocol};

    fn run(book: &mut Casebook<MemoryStore>, line: &str) -> Value {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        serde_json::from_str(&protocol::execute_line(book, line, now)).unwrap()
    }

    #[test]
    fn summary_lists_the_same_cases_with_fewer_fields() {
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
        for d in ["Export crashes", "Login loop"] {
            let line = format!(
                r#"{{"op":"report","as":{{"role":"customer","id":"ada"}},"description":"{d}","diagnostics":{{"app_version":"1.0"}}}}"#
            );
            assert_eq!(run(&mut book, &line)["ok"], true);
        }
        let full = run(
            &mut book,
            r#"{"op":"list","as":{"role":"customer","id":"ada"}}"#,
        );
        let lean = run(
            &mut book,
            r#"{"op":"list","as":{"role":"customer","id":"ada"},"view":"summary"}"#,
        );
        let explicit = run(
            &mut book,
            r#"{"op":"list","as":{"role":"customer","id":"ada"},"view":"full"}"#,
        );
        assert_eq!(explicit, full, "\"full\" is the default");
        let (full, lean) = (
            full["result"]["cases"].as_array().unwrap(),
            lean["result"]["cases"].as_array().unwrap(),
        );
        assert_eq!(full.len(), 2);
        assert_eq!(lean.len(), 2);
        for (f, l) in full.iter().zip(lean) {
            for key in ["id", "key", "subject", "status", "status_label", "category"] {
                assert_eq!(f[key], l[key], "{key}");
            }
            assert_eq!(f["version"], l["version"]);
            assert!(l.get("description").is_none() && l.get("diagnostics").is_none());
        }
        let bad = run(
            &mut book,
            r#"{"op":"list","as":{"role":"customer","id":"ada"},"view":"tiny"}"#,
        );
        assert_eq!(bad["error"]["code"], "invalid_request");
    }
}
