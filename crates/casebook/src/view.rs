//! The projection every read goes through: what a viewer may see of a case and its timeline.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Case, Channel, Commitment, Diagnostics, Link, LinkKind, Priority, Visibility};
use crate::event::{Change, Event};
use crate::outcome::{Outcome, OutcomeKind};
use crate::policy::{Policy, Relation};
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

/// The original of a duplicate, as the duplicate's reporter sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicateOfView {
    /// The original's key.
    pub key: String,
    /// The original's state label.
    pub status_label: String,
    /// The original's category.
    pub category: Category,
    /// The original's outcome, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
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
    /// The priority (hidden from customers when the policy says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
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
    /// The original this case duplicates, as far as the viewer may know it: its key, state and
    /// outcome (never its reporter or text, unless the viewer may see the original itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<DuplicateOfView>,
    /// A tracking token for the reporter (only in the answer to an anonymous report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_token: Option<String>,
    /// The timeline, in `get` and `report` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
    /// SLA clocks (staff, in `get`), recomputed from the history at the request's instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clocks: Option<Vec<crate::clocks::ClockView>>,
    /// The service targets that apply, in plain words (customers, in `get`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_targets: Option<Vec<crate::clocks::ServiceTarget>>,
    /// Flags set by escalation rules (staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    /// Attachments' metadata (the reporter and staff only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::intake::Attachment>,
}

/// Projects a case for a viewer. The caller has checked that the viewer may see the case
/// (`policy.can_view`); a stranger gets only what the public may see.
pub fn view(
    case: &Case,
    viewer: &Actor,
    workflow: &Workflow,
    key_prefix: &str,
    policy: &Policy,
    events: Option<&[Event]>,
) -> CaseView {
    let rel = policy.relation(case, viewer);
    let staff = rel.is_staff();
    let own = rel == Relation::Reporter;
    let state = workflow.state(&case.status);
    // Reporter identity: staff and the reporter see it; colleagues and participants see the name
    // when the case is shared with them; the public only when the reporter opted in.
    let reporter = match rel {
        Relation::Staff(_) | Relation::Reporter => Some(ReporterView {
            user: case.reporter.user.clone(),
            email: case.reporter.email().map(str::to_owned),
            name: case.reporter.name().map(str::to_owned),
            anonymous: case.reporter.is_anonymous(),
        }),
        Relation::OrgMember | Relation::Participant | Relation::Public if case.show_reporter => {
            Some(ReporterView {
                user: None,
                email: None,
                name: case.reporter.name().map(str::to_owned),
                anonymous: case.reporter.is_anonymous(),
            })
        }
        _ => None,
    };
    let duplicates = case.duplicates().count();
    CaseView {
        // The same text as `to_string()` and `format!("{key_prefix}-{n}")`, without `fmt`.
        id: case
            .id
            .0
            .hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer())
            .to_owned(),
        key: {
            let mut key = String::with_capacity(key_prefix.len() + 8);
            key.push_str(key_prefix);
            key.push('-');
            crate::view_json::uint(&mut key, case.number);
            key
        },
        subject: case.subject.clone(),
        description: case.description.clone(),
        status: case.status.clone(),
        status_label: state
            .and_then(|s| s.label.clone())
            .unwrap_or_else(|| case.status.clone()),
        category: workflow.category(&case.status),
        priority: (staff || policy.show_priority).then_some(case.priority),
        channel: case.channel,
        reporter,
        org: (staff || own).then(|| case.org.clone()).flatten(),
        logged_by: staff.then(|| case.logged_by().map(str::to_owned)).flatten(),
        assignee: if staff {
            case.assignee.clone()
        } else {
            case.assignee.as_deref().and_then(|a| policy.staff_name(a))
        },
        team: case.team.clone(),
        tags: case
            .tags
            .iter()
            .filter(|t| policy.tag_visible(rel, t))
            .cloned()
            .collect(),
        diagnostics: ((staff || own) && !case.diagnostics.is_empty())
            .then(|| case.diagnostics.clone()),
        links: case
            .links()
            .iter()
            .filter(|l| staff || !(l.kind == LinkKind::Defect && policy.internal_defect_links))
            .cloned()
            .collect(),
        votes: case.voters().len() + duplicates,
        duplicates,
        // The viewer's key is built only when someone watches (most cases in a list).
        watching: !case.watchers().is_empty()
            && crate::decide::person_key(viewer).is_some_and(|k| case.watchers().contains(&k)),
        outcome: case.outcome().map(OutcomeView::from),
        commitments: case.commitments().to_vec(),
        visibility: case.visibility,
        created_at: case.created_at,
        updated_at: case.updated_at,
        version: case.version,
        duplicate_of: None,
        tracking_token: None,
        timeline: events.map(|evs| timeline(evs, case, workflow, policy, rel)),
        clocks: None,
        service_targets: None,
        flags: (staff && !case.flags().is_empty()).then(|| case.flags().to_vec()),
        attachments: if staff || own {
            case.attachments().to_vec()
        } else {
            Vec::new()
        },
    }
}

fn actor_view(actor: &Actor, case: &Case, policy: &Policy, rel: Relation) -> ActorView {
    let name = if rel.is_staff() {
        Some(actor.label())
    } else if actor.is_staff() {
        actor.name.as_deref().and_then(|n| policy.staff_name(n))
    } else if case.is_reporter(actor) {
        // The reporter's own name: to themselves, or to others when they opted in.
        (rel == Relation::Reporter || case.show_reporter)
            .then(|| actor.name.clone())
            .flatten()
    } else {
        None
    };
    ActorView {
        role: actor.role,
        name,
    }
}

fn promise_text(case: &Case, number: u32) -> String {
    case.commitments()
        .iter()
        .find(|c| c.number == number)
        .map_or_else(|| format!("promise {number}"), |c| c.text.clone())
}

fn timeline(
    events: &[Event],
    case: &Case,
    workflow: &Workflow,
    policy: &Policy,
    rel: Relation,
) -> Vec<TimelineEntry> {
    let staff = rel.is_staff();
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
                actor: actor_view(&e.actor, case, policy, rel),
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
                    if !staff && !policy.show_priority {
                        return None;
                    }
                    format!("Priority {} → {}", from.as_str(), to.as_str())
                }
                Change::Tagged { added, removed } => {
                    let vis = |ts: &[String]| {
                        ts.iter()
                            .filter(|t| policy.tag_visible(rel, t))
                            .cloned()
                            .collect::<Vec<_>>()
                    };
                    let (a, r) = (vis(added), vis(removed));
                    if !staff || (a.is_empty() && r.is_empty()) {
                        return None;
                    }
                    format!("Tags +[{}] -[{}]", a.join(", "), r.join(", "))
                }
                Change::Linked { link } => match link.kind {
                    LinkKind::DuplicateOf => format!("Marked as duplicate of {}", link.target),
                    LinkKind::DuplicatedBy => {
                        format!("{} was marked as a duplicate of this case", link.target)
                    }
                    LinkKind::Related => format!("Related to {}", link.target),
                    LinkKind::Defect if staff || !policy.internal_defect_links => {
                        format!("Linked to defect {}", link.target)
                    }
                    LinkKind::Defect => return None,
                },
                Change::Voted { .. }
                | Change::Watched { .. }
                | Change::ParticipantAdded { .. }
                | Change::TokenIssued { .. }
                | Change::TokenRevoked { .. }
                    if !staff =>
                {
                    return None;
                }
                Change::Voted { voter } => format!("Voted \"me too\" ({voter})"),
                Change::Watched { watcher, on } => format!(
                    "{} {watcher}",
                    if *on {
                        "Watching:"
                    } else {
                        "Stopped watching:"
                    }
                ),
                Change::ParticipantAdded { participant } => {
                    format!("Participant added: {participant}")
                }
                Change::FixShipped { version, date } => {
                    format!("Fix shipped in {version} ({date})")
                }
                Change::FixConfirmed { works: true, .. } => {
                    "The reporter confirmed the fix works".into()
                }
                Change::FixConfirmed { works: false, .. } => {
                    "The reporter says the fix does not work".into()
                }
                Change::Rated { good, .. } => {
                    format!("Rated {}", if *good { "good" } else { "bad" })
                }
                Change::TokenIssued { .. } => "Tracking token issued".into(),
                Change::TokenRevoked { .. } => "Tracking token revoked".into(),
                Change::ReporterMerged { .. } => "The reporter signed in to their account".into(),
                Change::Promised { commitment } => format!("Promise: {}", commitment.text),
                Change::RuleFired { .. }
                | Change::NotificationRequested { .. }
                | Change::FlagSet { .. }
                    if !staff =>
                {
                    return None;
                }
                Change::RuleFired { rule, trigger, .. } => {
                    format!("Escalation rule {rule} fired ({trigger})")
                }
                Change::NotificationRequested { rule, to, .. } => {
                    format!("Rule {rule}: notify {to}")
                }
                Change::FlagSet { rule, flag } => format!("Rule {rule}: flag {flag}"),
                Change::PromiseBroken { number } => {
                    let text = promise_text(case, *number);
                    format!("Promise not kept: {text} (we missed the date we gave you)")
                }
                Change::PromiseKept { number, release } => {
                    let text = promise_text(case, *number);
                    match release {
                        Some(r) => format!("Promise kept: {text} (shipped in {r})"),
                        None => format!("Promise kept: {text}"),
                    }
                }
                Change::VisibilityChanged {
                    visibility,
                    show_reporter,
                } => {
                    let v = match visibility {
                        crate::case::Visibility::Private => {
                            "Visible to the reporter and support only"
                        }
                        crate::case::Visibility::Organization => {
                            "Shared with the reporter's organisation"
                        }
                        crate::case::Visibility::Public => "Public: listed on the roadmap",
                    };
                    match show_reporter {
                        Some(true) => format!("{v}; the reporter's name is shown"),
                        Some(false) => format!("{v}; the reporter's name is hidden"),
                        None => v.to_string(),
                    }
                }
            };
            Some(entry)
        })
        .collect()
}
