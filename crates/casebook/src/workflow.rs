//! Workflows as data: states with categories, transitions, who may take them and what they need.

use std::collections::{BTreeSet, HashMap, VecDeque};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::ErrorCode;
use crate::outcome::OutcomeKind;

/// What a state means, whatever the host calls it. Clocks, lists and the roadmap go by category.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Reported, nobody has looked yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting for the customer to answer (SLA clocks pause).
    WaitingOnCustomer,
    /// On hold: planned, or waiting for a third party (SLA clocks pause).
    OnHold,
    /// Solved: an outcome was given; the customer may confirm, close or reopen.
    Solved,
    /// Closed for good.
    Closed,
}

impl Category {
    /// New, open, waiting or on hold: not yet solved or closed.
    pub fn is_open(self) -> bool {
        !matches!(self, Category::Solved | Category::Closed)
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::New => "new",
            Category::Open => "open",
            Category::WaitingOnCustomer => "waiting_on_customer",
            Category::OnHold => "on_hold",
            Category::Solved => "solved",
            Category::Closed => "closed",
        }
    }
}

/// Who may take a transition.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Taker {
    /// The customer who reported the case (self-service).
    Reporter,
    /// Agents.
    Agent,
    /// Engineers.
    Engineer,
    /// Admins.
    Admin,
    /// The host's automations.
    System,
}

/// One state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The state's id, e.g. "waiting_on_customer".
    pub id: String,
    /// What it means.
    pub category: Category,
    /// A label for people; the id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One transition between states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// A name for people and logs, e.g. "reopen".
    pub name: String,
    /// The states it leaves from.
    pub from: Vec<String>,
    /// The state it goes to.
    pub to: String,
    /// Who may take it.
    pub by: Vec<Taker>,
    /// When not empty, the transition needs an outcome of one of these kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeKind>,
}

/// A workflow document, as a host writes it in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDef {
    /// The state a new case starts in.
    pub initial: String,
    /// Where a reporter's public reply moves a case that waits on them (none: it stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_customer_reply: Option<String>,
    /// The states.
    pub states: Vec<State>,
    /// The transitions.
    pub transitions: Vec<Transition>,
}

/// A workflow document is invalid. Each variant says exactly where.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorkflowError {
    /// A reference to a state that is not defined.
    #[error(
        "{place} names state '{state}', which is not defined; define it in \"states\" or fix the name"
    )]
    UnknownState {
        /// Where the reference is.
        place: String,
        /// The unknown state.
        state: String,
    },
    /// A state that no transition leads to from the initial state.
    #[error(
        "state '{state}' cannot be reached from the initial state '{initial}'; add a transition to it or remove it"
    )]
    UnreachableState {
        /// The state.
        state: String,
        /// The initial state.
        initial: String,
    },
    /// No solved or closed state: cases could never end.
    #[error(
        "the workflow has no state of category solved or closed, so no case could ever end; add one"
    )]
    NoTerminalState,
    /// Anything else: duplicates, empty lists.
    #[error("{0}")]
    Invalid(String),
}

impl WorkflowError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            WorkflowError::UnknownState { .. } => ErrorCode::WorkflowUnknownState,
            WorkflowError::UnreachableState { .. } => ErrorCode::WorkflowUnreachableState,
            WorkflowError::NoTerminalState => ErrorCode::WorkflowNoTerminalState,
            WorkflowError::Invalid(_) => ErrorCode::WorkflowInvalid,
        }
    }
}

/// A validated workflow, ready for fast lookups.
#[derive(Clone, Debug, PartialEq)]
pub struct Workflow {
    def: WorkflowDef,
    index: HashMap<String, usize>,
}

impl Workflow {
    /// Validates a document and builds the workflow.
    pub fn new(def: WorkflowDef) -> Result<Self, WorkflowError> {
        let mut index = HashMap::new();
        for (i, s) in def.states.iter().enumerate() {
            if s.id.trim().is_empty() {
                return Err(WorkflowError::Invalid(format!(
                    "state #{} has an empty id",
                    i + 1
                )));
            }
            if index.insert(s.id.clone(), i).is_some() {
                return Err(WorkflowError::Invalid(format!(
                    "state '{}' is defined twice",
                    s.id
                )));
            }
        }
        if def.states.is_empty() {
            return Err(WorkflowError::Invalid("the workflow has no states".into()));
        }
        let known = |place: String, state: &str| {
            if index.contains_key(state) {
                Ok(())
            } else {
                Err(WorkflowError::UnknownState {
                    place,
                    state: state.to_string(),
                })
            }
        };
        known("\"initial\"".into(), &def.initial)?;
        if let Some(s) = &def.on_customer_reply {
            known("\"on_customer_reply\"".into(), s)?;
        }
        let mut pairs = BTreeSet::new();
        for t in &def.transitions {
            let place = format!("transition '{}'", t.name);
            if t.from.is_empty() {
                return Err(WorkflowError::Invalid(format!(
                    "{place} has an empty \"from\" list"
                )));
            }
            if t.by.is_empty() {
                return Err(WorkflowError::Invalid(format!(
                    "{place} has an empty \"by\" list: nobody could take it"
                )));
            }
            known(format!("{place} \"to\""), &t.to)?;
            for f in &t.from {
                known(format!("{place} \"from\""), f)?;
                if !pairs.insert((f.clone(), t.to.clone())) {
                    return Err(WorkflowError::Invalid(format!(
                        "two transitions lead from '{f}' to '{}'; keep one (its \"by\" may list several takers)",
                        t.to
                    )));
                }
            }
        }
        if !def.states.iter().any(|s| !s.category.is_open()) {
            return Err(WorkflowError::NoTerminalState);
        }
        // Reachability from the initial state.
        let mut seen = vec![false; def.states.len()];
        let mut queue = VecDeque::from([index[&def.initial]]);
        seen[index[&def.initial]] = true;
        while let Some(i) = queue.pop_front() {
            let id = &def.states[i].id;
            for t in def.transitions.iter().filter(|t| t.from.contains(id)) {
                let j = index[&t.to];
                if !seen[j] {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(WorkflowError::UnreachableState {
                state: def.states[i].id.clone(),
                initial: def.initial.clone(),
            });
        }
        Ok(Self { def, index })
    }

    /// Parses and validates a JSON workflow document.
    pub fn from_json(json: &str) -> Result<Self, WorkflowError> {
        let def: WorkflowDef = serde_json::from_str(json).map_err(|e| {
            WorkflowError::Invalid(format!("the workflow document is not valid: {e}"))
        })?;
        Self::new(def)
    }

    /// The default workflow that ships with Casebook.
    pub fn default_workflow() -> Self {
        Self::new(default_def()).expect("the default workflow is valid")
    }

    /// The document.
    pub fn def(&self) -> &WorkflowDef {
        &self.def
    }

    /// The initial state.
    pub fn initial(&self) -> &State {
        &self.def.states[self.index[&self.def.initial]]
    }

    /// A state by id.
    pub fn state(&self, id: &str) -> Option<&State> {
        self.index.get(id).map(|&i| &self.def.states[i])
    }

    /// The category of a state (Open for an unknown one, which replay of old events may meet).
    pub fn category(&self, id: &str) -> Category {
        self.state(id).map_or(Category::Open, |s| s.category)
    }

    /// The transition from `from` to `to`, if the workflow has one.
    pub fn transition(&self, from: &str, to: &str) -> Option<&Transition> {
        self.def
            .transitions
            .iter()
            .find(|t| t.to == to && t.from.iter().any(|f| f == from))
    }

    /// The transitions out of a state.
    pub fn transitions_from<'a>(
        &'a self,
        from: &'a str,
    ) -> impl Iterator<Item = &'a Transition> + 'a {
        self.def
            .transitions
            .iter()
            .filter(move |t| t.from.iter().any(|f| f == from))
    }

    /// Where a reporter's reply moves a case waiting on them.
    pub fn on_customer_reply(&self) -> Option<&str> {
        self.def.on_customer_reply.as_deref()
    }
}

impl Default for Workflow {
    fn default() -> Self {
        Self::default_workflow()
    }
}

fn default_def() -> WorkflowDef {
    use Taker::*;
    let s = |id: &str, category, label: &str| State {
        id: id.into(),
        category,
        label: Some(label.into()),
    };
    let t =
        |name: &str, from: &[&str], to: &str, by: &[Taker], outcomes: &[OutcomeKind]| Transition {
            name: name.into(),
            from: from.iter().map(|f| f.to_string()).collect(),
            to: to.into(),
            by: by.to_vec(),
            outcomes: outcomes.to_vec(),
        };
    let staff = [Agent, Engineer, Admin, System];
    let active = ["new", "open", "waiting_on_customer", "planned"];
    use OutcomeKind::*;
    WorkflowDef {
        initial: "new".into(),
        on_customer_reply: Some("open".into()),
        states: vec![
            s("new", Category::New, "New"),
            s("open", Category::Open, "In progress"),
            s(
                "waiting_on_customer",
                Category::WaitingOnCustomer,
                "Waiting for your reply",
            ),
            s("planned", Category::OnHold, "Planned"),
            s("solved", Category::Solved, "Solved"),
            s("closed", Category::Closed, "Closed"),
        ],
        transitions: vec![
            t("start", &["new", "planned"], "open", &staff, &[]),
            t(
                "ask_customer",
                &["new", "open"],
                "waiting_on_customer",
                &staff,
                &[],
            ),
            t(
                "add_details",
                &["waiting_on_customer"],
                "open",
                &[Reporter, Agent, Engineer, Admin, System],
                &[],
            ),
            t(
                "plan",
                &["new", "open", "waiting_on_customer"],
                "planned",
                &staff,
                &[Planned],
            ),
            t(
                "solve",
                &active,
                "solved",
                &staff,
                &[
                    Fixed,
                    Workaround,
                    WontFix,
                    Duplicate,
                    CannotReproduce,
                    Answered,
                ],
            ),
            t(
                "reopen",
                &["solved", "closed"],
                "open",
                &[Reporter, Agent, Engineer, Admin],
                &[],
            ),
            t(
                "close",
                &["solved"],
                "closed",
                &[Reporter, Agent, Engineer, Admin, System],
                &[],
            ),
            t("withdraw", &active, "closed", &[Reporter], &[Withdrawn]),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_workflow_is_valid_and_has_self_service() {
        let w = Workflow::default();
        assert_eq!(w.initial().id, "new");
        assert!(
            w.transition("solved", "open")
                .unwrap()
                .by
                .contains(&Taker::Reporter)
        );
        assert!(
            w.transition("solved", "closed")
                .unwrap()
                .by
                .contains(&Taker::Reporter)
        );
        assert!(
            w.transition("open", "closed")
                .unwrap()
                .by
                .contains(&Taker::Reporter)
        );
        assert!(
            !w.transition("new", "solved")
                .unwrap()
                .by
                .contains(&Taker::Reporter)
        );
        assert_eq!(w.category("planned"), Category::OnHold);
    }

    fn def_json(extra_state: &str, transitions: &str) -> String {
        format!(
            r#"{{"initial":"new","states":[{{"id":"new","category":"new"}},{{"id":"done","category":"closed"}}{extra_state}],
               "transitions":[{transitions}]}}"#
        )
    }

    #[test]
    fn precise_validation_errors() {
        let ok = r#"{"name":"finish","from":["new"],"to":"done","by":["agent"]}"#;
        assert!(Workflow::from_json(&def_json("", ok)).is_ok());

        let unknown = r#"{"name":"finish","from":["new"],"to":"gone","by":["agent"]}"#;
        let e = Workflow::from_json(&def_json("", unknown)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WorkflowUnknownState);
        assert!(e.to_string().contains("'gone'") && e.to_string().contains("finish"));

        let e =
            Workflow::from_json(&def_json(r#",{"id":"limbo","category":"open"}"#, ok)).unwrap_err();
        assert_eq!(
            e,
            WorkflowError::UnreachableState {
                state: "limbo".into(),
                initial: "new".into()
            }
        );

        let no_end = r#"{"initial":"a","states":[{"id":"a","category":"new"}],"transitions":[]}"#;
        assert_eq!(
            Workflow::from_json(no_end).unwrap_err(),
            WorkflowError::NoTerminalState
        );

        let nobody = r#"{"name":"finish","from":["new"],"to":"done","by":[]}"#;
        assert_eq!(
            Workflow::from_json(&def_json("", nobody))
                .unwrap_err()
                .code(),
            ErrorCode::WorkflowInvalid
        );
        let e = Workflow::from_json("{not json").unwrap_err();
        assert_eq!(e.code(), ErrorCode::WorkflowInvalid);
        let e = Workflow::from_json(
            r#"{"initial":"x","states":[{"id":"x","category":"sideways"}],"transitions":[]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("sideways"), "{e}");
    }
}
