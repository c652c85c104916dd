//! The mapping from CSV columns and values to Casebook fields.

use std::collections::BTreeMap;

use casebook::{Priority, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ImportError;

/// Which column holds which field (by header name). Absent optional columns are skipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The tracker's id of the issue (kept as diagnostics `external_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The status.
    pub status: String,
    /// The priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The resolution (chooses the outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// When the issue was created (the `at` of its report).
    pub created: String,
    /// When it was resolved (the `at` of the transitions to its status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The affected version (diagnostics `app_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Where a status value takes a case: a workflow state, reached from the initial state through
/// the workflow's own transitions that the system may take (the shortest path).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// The workflow state.
    pub state: String,
}

/// A mapping. Outcomes are JSON templates in which `${Column}` is replaced by the row's value of
/// that column and `${Column|fallback}` by the fallback when the cell is empty or absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Columns.
    pub columns: Columns,
    /// Status values → workflow states.
    pub statuses: BTreeMap<String, StatusRule>,
    /// Status values not listed go here (none: such rows fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_status: Option<StatusRule>,
    /// Resolution values → outcome templates, for transitions that take an outcome.
    #[serde(default)]
    pub resolutions: BTreeMap<String, Value>,
    /// The outcome when the resolution is empty or not listed and a transition needs one.
    pub default_outcome: Value,
    /// Priority values → priorities (unlisted values: normal).
    #[serde(default)]
    pub priorities: BTreeMap<String, Priority>,
    /// Date formats (chrono strftime) tried before ISO 8601.
    #[serde(default)]
    pub date_formats: Vec<String>,
}

impl Mapping {
    /// The mapping for Jira issue exports (the GitBugs files among them).
    pub fn jira() -> Self {
        let s = |state: &str| StatusRule {
            state: state.into(),
        };
        let statuses = [
            ("Open", "new"),
            ("To Do", "new"),
            ("Reopened", "open"),
            ("In Progress", "open"),
            ("Patch Available", "open"),
            ("Resolved", "solved"),
            ("Done", "solved"),
            ("Closed", "closed"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), s(v)))
        .collect();
        let wont = |reason: &str| serde_json::json!({"kind": "wont_fix", "reason": reason});
        let answered = |reply: &str| serde_json::json!({"kind": "answered", "reply": reply});
        let resolutions = [
            (
                "Fixed",
                serde_json::json!({"kind": "fixed", "version": "${Fix Version/s|unspecified}"}),
            ),
            (
                "Implemented",
                serde_json::json!({"kind": "fixed", "version": "${Fix Version/s|unspecified}"}),
            ),
            (
                "Done",
                serde_json::json!({"kind": "fixed", "version": "${Fix Version/s|unspecified}"}),
            ),
            (
                "Duplicate",
                // A duplicate outcome names a case of this casebook, which a row cannot: in words.
                wont("Duplicate of another issue"),
            ),
            ("Won't Fix", wont("Won't fix")),
            ("Won't Do", wont("Won't do")),
            ("Later", wont("Later")),
            ("Abandoned", wont("Abandoned")),
            ("Invalid", wont("Invalid")),
            ("Not A Bug", answered("Not a bug")),
            ("Not A Problem", answered("Not a problem")),
            ("Information Provided", answered("Information provided")),
            (
                "Cannot Reproduce",
                serde_json::json!({"kind": "cannot_reproduce", "needed": "steps to reproduce"}),
            ),
            (
                "Works for Me",
                serde_json::json!({"kind": "cannot_reproduce", "needed": "steps to reproduce"}),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let priorities = [
            ("Blocker", Priority::Urgent),
            ("Critical", Priority::High),
            ("High", Priority::High),
            ("Major", Priority::Normal),
            ("Medium", Priority::Normal),
            ("Minor", Priority::Low),
            ("Low", Priority::Low),
            ("Trivial", Priority::Low),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Self {
            columns: Columns {
                subject: "Summary".into(),
                description: "Description".into(),
                external_id: Some("Issue id".into()),
                status: "Status".into(),
                priority: Some("Priority".into()),
                resolution: Some("Resolution".into()),
                created: "Created".into(),
                resolved: Some("Resolved".into()),
                version: Some("Affects Version/s".into()),
            },
            statuses,
            default_status: None,
            resolutions,
            default_outcome: serde_json::json!({"kind": "answered", "reply": "${Resolution|Resolved}"}),
            priorities,
            date_formats: vec!["%d/%b/%y %H:%M".into(), "%d/%b/%Y %H:%M".into()],
        }
    }

    /// Reads a mapping from JSON.
    pub fn from_json(text: &str) -> Result<Self, ImportError> {
        serde_json::from_str(text).map_err(|e| ImportError::Mapping(e.to_string()))
    }

    /// Checks that every state it names exists in `workflow` and is reachable.
    pub fn validate(&self, workflow: &Workflow) -> Result<(), ImportError> {
        for rule in self.statuses.values().chain(self.default_status.iter()) {
            if workflow.state(&rule.state).is_none() {
                return Err(ImportError::Mapping(format!(
                    "state '{}' is not in the casebook's workflow",
                    rule.state
                )));
            }
            if path(workflow, &rule.state).is_none() {
                return Err(ImportError::Mapping(format!(
                    "state '{}' cannot be reached from '{}' through the workflow",
                    rule.state,
                    workflow.initial().id
                )));
            }
        }
        Ok(())
    }
}

/// The shortest chain of transitions (target states) from the initial state to `to`.
pub(crate) fn path(workflow: &Workflow, to: &str) -> Option<Vec<String>> {
    let start = workflow.initial().id.clone();
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(s) = queue.pop_front() {
        if s == to {
            let mut chain = vec![s.clone()];
            let mut at = s;
            while let Some(p) = prev.get(&at) {
                chain.push(p.clone());
                at = p.clone();
            }
            chain.pop();
            chain.reverse();
            return Some(chain);
        }
        for t in workflow.transitions_from(&s) {
            let by_importer = t.by.contains(&casebook::workflow::Taker::System);
            if by_importer && t.to != start && !prev.contains_key(&t.to) {
                prev.insert(t.to.clone(), s.clone());
                queue.push_back(t.to.clone());
            }
        }
    }
    None
}

/// Fills `${Column}` and `${Column|fallback}` in every string of a template.
pub(crate) fn fill(template: &Value, cell: &dyn Fn(&str) -> Option<String>) -> Value {
    match template {
        Value::String(s) => Value::String(fill_str(s, cell)),
        Value::Array(a) => Value::Array(a.iter().map(|v| fill(v, cell)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), fill(v, cell))).collect())
        }
        other => other.clone(),
    }
}

fn fill_str(s: &str, cell: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let (name, fallback) = after[..j].split_once('|').unwrap_or((&after[..j], ""));
        let value = cell(name).filter(|v| !v.trim().is_empty());
        out.push_str(value.as_deref().unwrap_or(fallback));
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_from_cells_with_fallbacks() {
        let cell = |c: &str| (c == "Fix").then(|| "5.3".to_string());
        let t = serde_json::json!({"kind": "fixed", "version": "v${Fix|?} (${Nope|none}) ${Fix"});
        assert_eq!(fill(&t, &cell)["version"], "v5.3 (none) ${Fix");
    }

    #[test]
    fn paths_follow_the_workflow() {
        let wf = Workflow::default_workflow();
        assert_eq!(path(&wf, "new"), Some(vec![]));
        assert_eq!(path(&wf, "solved"), Some(vec!["solved".to_string()]));
        assert_eq!(
            path(&wf, "closed"),
            Some(vec!["solved".to_string(), "closed".to_string()]),
            "withdraw is the reporter's; the system solves, then closes"
        );
        assert_eq!(path(&wf, "nowhere"), None);
        assert!(Mapping::jira().validate(&wf).is_ok());
        let mut bad = Mapping::jira();
        bad.statuses.insert(
            "X".into(),
            StatusRule {
                state: "limbo".into(),
            },
        );
        assert_eq!(
            bad.validate(&wf).map_err(|e| e.code()),
            Err("invalid_mapping")
        );
    }
}
