//! The projection every read goes through: what a viewer may see of a case and its timeline.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Case, Channel, Commitment, Diagnostics, Link, LinkKind, Priority, Visibility};
use crate::event::{Change, Event};
use crate::outcome::{Outcome, OutcomeKind};
use crate::workflow::{Category, Workflow};

/// An outcome as shown: its kind, the plain words, and the details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutcomeView {
    /// The kind.
    pub kind: OutcomeKind,
    /// The outcome in plain words ("Planned for 5.3").
    pub words: String,
    /// The details.
    pub detail: Outcome,
}

impl From<&Outcome> for OutcomeView {
    fn from(o: &Outcome) -> Self {
        Self {
            kind: o.kind(),
            words: o.plain_words(),
            detail: o.clone(),
        }
    }
}

/// Who did something, as a viewer may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActorView {
    /// The role.
    pub role: Role,
    /// A name or id; hidden from customers for staff who did not sign a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The reporter as a viewer may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReporterView {
    /// The host user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reported without any identity.
    pub anonymous: bool,
}

/// One entry of a timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimelineEntry {
    /// The event's sequence number in the case.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: ActorView,
    /// What kind of change: reported, commented, transitioned, assigned, ...
    pub kind: String,
    /// What happened, in plain words.
    pub text: String,
    /// A comment's body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// True for internal notes (only staff see them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// The new state, for transitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The outcome given, for transitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeView>,
}

/// A case as one viewer may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseView {
    /// The permanent id.
    pub id: String,
    /// The human key, e.g. "CB-42".
    pub key: String,
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The workflow state.
    pub status: String,
    /// The state's label for people.
    pub status_label: String,
    /// The state's category.
    pub category: Category,
    /// The priority.
    pub priority: Priority,
    /// The channel it came in by.
    pub channel: Channel,
    /// The reporter (staff and the reporter themselves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<ReporterView>,
    /// The reporter's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Who logged it on the reporter's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logged_by: Option<String>,
    /// The assignee (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Diagnostics (the reporter and staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
    /// Links the viewer may see.
    pub links: Vec<Link>,
    /// "Me too" votes, including the reporters of duplicates.
    pub votes: usize,
    /// How many cases were marked as duplicates of this one.
    pub duplicates: usize,
    /// Whether the viewer watches it.
    pub watching: bool,
    /// The outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeView>,
    /// Promises made to the customer, with their history.
    pub commitments: Vec<Commitment>,
    /// Who may see it.
    pub visibility: Visibility,
    /// When it was reported.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version (the last event's sequence number).
    pub version: u64,
    /// The timeline, in `get` and `report` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
}

/// Does the viewer see staff-only detail?
fn sees_internal(viewer: &Actor) -> bool {
    viewer.is_staff()
}

/// Projects a case for a viewer. The caller has checked that the viewer may see the case.
pub fn view(
    case: &Case,
    viewer: &Actor,
    workflow: &Workflow,
    key_prefix: &str,
    events: Option<&[Event]>,
) -> CaseView {
    let staff = sees_internal(viewer);
    let own = case.is_reporter(viewer);
    let state = workflow.state(&case.status);
    let me = crate::decide::person_key(viewer);
    let reporter = (staff || own).then(|| ReporterView {
        user: case.reporter.user.clone(),
        email: case.reporter.email.clone(),
        name: case.reporter.name.clone(),
        anonymous: case.reporter.is_anonymous(),
    });
    let duplicates = case.duplicates().count();
    CaseView {
        id: case.id.to_string(),
        key: format!("{key_prefix}-{}", case.number),
        subject: case.subject.clone(),
        description: case.description.clone(),
        status: case.status.clone(),
        status_label: state
            .and_then(|s| s.label.clone())
            .unwrap_or_else(|| case.status.clone()),
        category: workflow.category(&case.status),
        priority: case.priority,
        channel: case.channel,
        reporter,
        org: (staff || own).then(|| case.org.clone()).flatten(),
        logged_by: staff.then(|| case.logged_by.clone()).flatten(),
        assignee: staff.then(|| case.assignee.clone()).flatten(),
        team: case.team.clone(),
        tags: case.tags.clone(),
        diagnostics: ((staff || own) && !case.diagnostics.is_empty())
            .then(|| case.diagnostics.clone()),
        links: case
            .links
            .iter()
            .filter(|l| staff || l.kind != LinkKind::Defect)
            .cloned()
            .collect(),
        votes: case.voters.len() + duplicates,
        duplicates,
        watching: me.is_some_and(|k| case.watchers.contains(&k)),
        outcome: case.outcome.as_ref().map(OutcomeView::from),
        commitments: case.commitments.clone(),
        visibility: case.visibility,
        created_at: case.created_at,
        updated_at: case.updated_at,
        version: case.version,
        timeline: events.map(|evs| timeline(evs, workflow, staff)),
    }
}

fn actor_view(actor: &Actor, staff_viewer: bool) -> ActorView {
    let name = if staff_viewer || actor.name.is_some() || !actor.is_staff() {
        Some(actor.label())
    } else {
        None
    };
    ActorView {
        role: actor.role,
        name,
    }
}

fn timeline(events: &[Event], workflow: &Workflow, staff: bool) -> Vec<TimelineEntry> {
    let label = |s: &str| {
        workflow
            .state(s)
            .and_then(|s| s.label.clone())
            .unwrap_or_else(|| s.to_string())
    };
    events
        .iter()
        .filter_map(|e| {
            let mut entry = TimelineEntry {
                seq: e.seq,
                at: e.at,
                actor: actor_view(&e.actor, staff),
                kind: e.change.kind().to_string(),
                text: String::new(),
                body: None,
                internal: false,
                status: None,
                outcome: None,
            };
            entry.text = match &e.change {
                Change::Reported {
                    channel, logged_by, ..
                } => match logged_by {
                    Some(agent) if staff => {
                        format!("Reported via {} (logged by {agent})", channel.as_str())
                    }
                    _ => format!("Reported via {}", channel.as_str()),
                },
                Change::Commented { body, internal, .. } => {
                    if *internal && !staff {
                        return None;
                    }
                    entry.body = Some(body.clone());
                    entry.internal = *internal;
                    if *internal {
                        "Internal note".into()
                    } else {
                        "Reply".into()
                    }
                }
                Change::Transitioned { to, outcome, .. } => {
                    entry.status = Some(to.clone());
                    entry.outcome = outcome.as_ref().map(OutcomeView::from);
                    match outcome {
                        Some(o) => format!("{}: {}", label(to), o.plain_words()),
                        None => format!("Status: {}", label(to)),
                    }
                }
                Change::Assigned { assignee, team } => {
                    if !staff {
                        return None;
                    }
                    format!(
                        "Assigned to {} / team {}",
                        assignee.as_deref().unwrap_or("nobody"),
                        team.as_deref().unwrap_or("none")
                    )
                }
                Change::PriorityChanged { from, to } => {
                    if !staff {
                        return None;
                    }
                    format!("Priority {} → {}", from.as_str(), to.as_str())
                }
                Change::Tagged { added, removed } => {
                    if !staff {
                        return None;
                    }
                    format!("Tags +[{}] -[{}]", added.join(", "), removed.join(", "))
                }
                Change::Linked { link } => match link.kind {
                    LinkKind::DuplicateOf => format!("Marked as duplicate of {}", link.target),
                    LinkKind::DuplicatedBy => {
                        format!("{} was marked as a duplicate of this case", link.target)
                    }
                    LinkKind::Related => format!("Related to {}", link.target),
                    LinkKind::Defect if staff => format!("Linked to defect {}", link.target),
                    LinkKind::Defect => return None,
                },
                Change::Voted { .. } => {
                    if !staff {
                        return None;
                    }
                    "Voted \"me too\"".into()
                }
                Change::Watched { on, .. } => {
                    if !staff {
                        return None;
                    }
                    if *on {
                        "Started watching".into()
                    } else {
                        "Stopped watching".into()
                    }
                }
                Change::Promised { commitment } => format!("Promise: {}", commitment.text),
                Change::VisibilityChanged { visibility } => {
                    format!("Visibility: {visibility:?}").to_lowercase()
                }
            };
            Some(entry)
        })
        .collect()
}
