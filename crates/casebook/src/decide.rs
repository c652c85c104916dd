//! `decide`: a command, its actor and the current state in; the events it causes out.
//! Nothing here changes state; [`crate::fold`] applies the events.

use chrono::{DateTime, Utc};

use crate::actor::{Actor, Role};
use crate::case::{
    Case, Channel, Commitment, Diagnostics, Link, LinkKind, PromiseState, Reporter, derive_subject,
};
use crate::command::{CaseCommand, Report};
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::ids::{CaseId, CommentId, IdSource};
use crate::limits::Limits;
use crate::outcome::Outcome;
use crate::policy::{Action, Policy, Relation};
use crate::workflow::{Taker, Workflow};

/// What `decide` may consult besides the case itself.
pub struct Context<'a> {
    /// The workflow.
    pub workflow: &'a Workflow,
    /// The input limits.
    pub limits: &'a Limits,
    /// The key prefix, e.g. "CB".
    pub key_prefix: &'a str,
    /// Finds another case by id or key (for duplicates and links).
    pub lookup: &'a dyn Fn(&str) -> Option<&'a Case>,
    /// The visibility policy.
    pub policy: &'a Policy,
    /// Whether tracking tokens can be issued (the host set a secret).
    pub tokens: bool,
}

/// The key people use for a person in watcher and voter lists.
pub fn person_key(actor: &Actor) -> Option<String> {
    Reporter::from_actor(actor).index_key()
}

pub(crate) fn check_len(field: &str, value: &str, limit: usize) -> Result<()> {
    if value.len() > limit {
        return Err(Error::TooLarge {
            field: field.into(),
            limit,
            actual: value.len(),
            unit: "bytes",
        });
    }
    Ok(())
}

fn opt_len(field: &str, value: Option<&str>, limit: usize) -> Result<()> {
    value.map_or(Ok(()), |v| check_len(field, v, limit))
}

fn clean_tags(tags: &[String], limits: &Limits) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let t = t.trim();
        if t.is_empty() {
            return Err(Error::invalid("tags", "a tag must not be empty"));
        }
        check_len("tags", t, limits.short_bytes)?;
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    if out.len() > limits.tags_per_case {
        return Err(Error::TooLarge {
            field: "tags".into(),
            limit: limits.tags_per_case,
            actual: out.len(),
            unit: "entries",
        });
    }
    Ok(out)
}

fn check_diagnostics(d: &Diagnostics, limits: &Limits) -> Result<()> {
    let (mut n, mut bytes) = (0, 0);
    for (k, v) in d.entries() {
        n += 1;
        bytes += k.len() + v.len();
        if k.trim().is_empty() {
            return Err(Error::invalid(
                "diagnostics",
                "a diagnostics key must not be empty",
            ));
        }
    }
    if n > limits.diagnostics_entries {
        return Err(Error::TooLarge {
            field: "diagnostics".into(),
            limit: limits.diagnostics_entries,
            actual: n,
            unit: "entries",
        });
    }
    if bytes > limits.diagnostics_bytes {
        return Err(Error::TooLarge {
            field: "diagnostics".into(),
            limit: limits.diagnostics_bytes,
            actual: bytes,
            unit: "bytes",
        });
    }
    Ok(())
}

/// Decides the events of a new report. `id` and `number` are the new case's id and key number.
pub fn decide_report(
    ctx: &Context<'_>,
    report: &Report,
    actor: &Actor,
    now: DateTime<Utc>,
    id: CaseId,
    number: u64,
) -> Result<Vec<Event>> {
    let l = ctx.limits;
    check_len("description", &report.description, l.description_bytes)?;
    if report.description.trim().is_empty() {
        return Err(Error::invalid(
            "description",
            "describe the problem in a few words; that is all a report needs",
        ));
    }
    opt_len("subject", report.subject.as_deref(), l.subject_bytes)?;
    opt_len("email", report.email.as_deref(), l.short_bytes)?;
    opt_len("name", report.name.as_deref(), l.short_bytes)?;
    let tags = clean_tags(&report.tags, l)?;
    let diagnostics = report.diagnostics.clone().unwrap_or_default();
    check_diagnostics(&diagnostics, l)?;
    crate::intake::check_attachments(&report.attachments, l)?;
    if report
        .priority
        .is_some_and(|p| p != crate::case::Priority::Normal)
        && !actor.is_staff()
    {
        return Err(Error::forbidden(
            "setting a priority",
            actor.role,
            "staff set priorities; describe the impact instead",
        ));
    }
    let (reporter, org, logged_by) = match &report.on_behalf_of {
        Some(who) => {
            if !actor.is_staff() {
                return Err(Error::forbidden(
                    "reporting on someone's behalf",
                    actor.role,
                    "only staff log cases for customers",
                ));
            }
            for (f, v) in [
                ("on_behalf_of.id", &who.id),
                ("on_behalf_of.email", &who.email),
                ("on_behalf_of.name", &who.name),
                ("on_behalf_of.org", &who.org),
            ] {
                opt_len(f, v.as_deref(), l.short_bytes)?;
            }
            let reporter = Reporter::new(who.id.clone(), who.email.clone(), who.name.clone());
            (reporter, who.org.clone(), Some(actor.label()))
        }
        None => {
            let mut reporter = Reporter::from_actor(actor);
            if actor.role == Role::Anonymous {
                reporter = Reporter::new(None, report.email.clone(), report.name.clone());
            } else {
                if reporter.email().is_none() {
                    reporter.set_email(report.email.clone());
                }
                if reporter.name().is_none() {
                    reporter.set_name(report.name.clone());
                }
            }
            (reporter, actor.org.clone(), None)
        }
    };
    let channel = report.channel.unwrap_or(match (&logged_by, actor.role) {
        (Some(_), _) => Channel::AgentOnBehalf,
        (None, Role::Customer | Role::Anonymous) => Channel::Widget,
        (None, _) => Channel::Api,
    });
    let subject = report
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let change = Change::Reported {
        number,
        reporter,
        org,
        channel,
        logged_by,
        subject: subject.map_or_else(|| derive_subject(&report.description, 80), str::to_string),
        subject_derived: subject.is_none(),
        description: report.description.clone(),
        diagnostics,
        tags,
        priority: report.priority.unwrap_or_default(),
        status: ctx.workflow.initial().id.clone(),
        visibility: report.visibility.unwrap_or_default(),
        attachments: report.attachments.clone(),
    };
    if report
        .visibility
        .is_some_and(|v| v != crate::case::Visibility::Private)
        && !actor.is_staff()
    {
        return Err(Error::forbidden(
            "choosing a visibility",
            actor.role,
            "a report starts private; staff may share it",
        ));
    }
    let anonymous = matches!(&change, Change::Reported { reporter, .. } if reporter.is_anonymous() || reporter.user.is_none());
    let mut events = vec![Event {
        case: id,
        seq: 1,
        at: now,
        actor: actor.clone(),
        change,
    }];
    // A reporter without an account gets a tracking token to follow the case.
    if anonymous && ctx.tokens {
        let nonce = id.as_uuid().simple().to_string()[16..].to_string();
        events.push(Event {
            case: id,
            seq: 2,
            at: now,
            actor: actor.clone(),
            change: Change::TokenIssued { nonce },
        });
    }
    Ok(events)
}

fn taker(actor: &Actor, case: &Case) -> Vec<Taker> {
    let mut t = Vec::new();
    if case.is_reporter(actor) {
        t.push(Taker::Reporter);
    }
    t.push(match actor.role {
        Role::Agent => Taker::Agent,
        Role::Engineer => Taker::Engineer,
        Role::Admin => Taker::Admin,
        Role::System => Taker::System,
        Role::Customer | Role::Anonymous => return t,
    });
    t
}

struct Out<'c> {
    events: Vec<Event>,
    case: &'c Case,
    actor: &'c Actor,
    now: DateTime<Utc>,
}

impl Out<'_> {
    fn push(&mut self, change: Change) {
        let seq = self.case.version
            + 1
            + self
                .events
                .iter()
                .filter(|e| e.case == self.case.id)
                .count() as u64;
        self.events.push(Event {
            case: self.case.id,
            seq,
            at: self.now,
            actor: self.actor.clone(),
            change,
        });
    }
    fn push_other(&mut self, other: &Case, change: Change) {
        let seq =
            other.version + 1 + self.events.iter().filter(|e| e.case == other.id).count() as u64;
        self.events.push(Event {
            case: other.id,
            seq,
            at: self.now,
            actor: self.actor.clone(),
            change,
        });
    }
}

/// Decides the events of a command on an existing case.
pub fn decide(
    ctx: &Context<'_>,
    case: &Case,
    cmd: &CaseCommand,
    actor: &Actor,
    now: DateTime<Utc>,
    ids: &mut dyn IdSource,
) -> Result<Vec<Event>> {
    let relation = ctx.policy.relation(case, actor);
    if relation == Relation::Stranger {
        return Err(Error::NotFound {
            reference: format!("{}-{}", ctx.key_prefix, case.number),
        });
    }
    let l = ctx.limits;
    let staff = actor.is_staff();
    let reporter = relation == Relation::Reporter;
    // A tracking token lets its holder see the case and reply, nothing more.
    if actor.token_case() == Some(case.id)
        && !matches!(
            cmd,
            CaseCommand::Comment {
                internal: false,
                ..
            } | CaseCommand::RevokeToken(_)
        )
    {
        return Err(Error::forbidden(
            "this action with a tracking token",
            actor.role,
            "a tracking token lets you follow your case and reply; sign in for more",
        ));
    }
    let require = |action: Action| -> Result<()> {
        if ctx.policy.allows(relation, action) {
            Ok(())
        } else {
            let who = match relation {
                Relation::Staff(_) => "the policy does not grant it to this staff role",
                Relation::Reporter => "the policy does not grant it to reporters",
                Relation::Participant => "the policy does not grant it to participants",
                Relation::OrgMember => "the policy does not grant it to organisation members",
                _ => "the policy does not grant it to viewers of public cases",
            };
            Err(Error::forbidden(action.as_str(), actor.role, who))
        }
    };
    let mut out = Out {
        events: Vec::new(),
        case,
        actor,
        now,
    };
    match cmd {
        CaseCommand::Comment { body, internal } => {
            check_len("body", body, l.comment_bytes)?;
            if body.trim().is_empty() {
                return Err(Error::invalid("body", "a comment needs some text"));
            }
            if *internal && !staff {
                return Err(Error::forbidden(
                    "an internal note",
                    actor.role,
                    "internal notes are for staff; leave out \"internal\" to reply",
                ));
            }
            require(if *internal {
                Action::InternalNote
            } else {
                Action::Comment
            })?;
            out.push(Change::Commented {
                id: CommentId(ids.next_id(now)),
                body: body.clone(),
                internal: *internal,
                original: None,
            });
            let waiting =
                ctx.workflow.category(&case.status) == crate::workflow::Category::WaitingOnCustomer;
            if reporter
                && !staff
                && !internal
                && waiting
                && let Some(to) = ctx.workflow.on_customer_reply()
            {
                out.push(Change::Transitioned {
                    from: case.status.clone(),
                    to: to.to_string(),
                    name: "customer_replied".into(),
                    outcome: None,
                });
            }
        }
        CaseCommand::Transition { to, outcome } => {
            if ctx.workflow.state(to).is_none() {
                let known: Vec<&str> = ctx
                    .workflow
                    .def()
                    .states
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect();
                return Err(Error::invalid(
                    "to",
                    format!(
                        "there is no state '{to}'; the states are {}",
                        known.join(", ")
                    ),
                ));
            }
            let Some(t) = ctx.workflow.transition(&case.status, to) else {
                let next: Vec<&str> = ctx
                    .workflow
                    .transitions_from(&case.status)
                    .map(|t| t.to.as_str())
                    .collect();
                let hint = if next.is_empty() {
                    String::new()
                } else {
                    format!("; from here it can go to {}", next.join(", "))
                };
                return Err(Error::TransitionNotAllowed {
                    from: case.status.clone(),
                    to: to.clone(),
                    hint,
                });
            };
            require(Action::Transition)?;
            let takers = taker(actor, case);
            if !t.by.iter().any(|b| takers.contains(b)) {
                let by: Vec<&str> =
                    t.by.iter()
                        .map(|b| match b {
                            Taker::Reporter => "the reporter",
                            Taker::Agent => "agents",
                            Taker::Engineer => "engineers",
                            Taker::Admin => "admins",
                            Taker::System => "the system",
                        })
                        .collect();
                return Err(Error::forbidden(
                    format!("the transition '{}'", t.name),
                    actor.role,
                    format!("it may be taken by {}", by.join(", ")),
                ));
            }
            let mut outcome = outcome.clone();
            match &outcome {
                None if !t.outcomes.is_empty() => {
                    let kinds: Vec<&str> = t.outcomes.iter().map(|k| k.as_str()).collect();
                    return Err(Error::OutcomeRequired {
                        to: to.clone(),
                        kinds: kinds.join(", "),
                    });
                }
                Some(o) if !t.outcomes.is_empty() && !t.outcomes.contains(&o.kind()) => {
                    let kinds: Vec<&str> = t.outcomes.iter().map(|k| k.as_str()).collect();
                    return Err(Error::OutcomeRequired {
                        to: to.clone(),
                        kinds: kinds.join(", "),
                    });
                }
                _ => {}
            }
            if let Some(o) = &outcome {
                o.validate(l)?;
            }
            let mut original = None;
            if let Some(Outcome::Duplicate { of }) = &outcome {
                let orig = (ctx.lookup)(of)
                    .filter(|c| ctx.policy.can_view(c, actor))
                    .ok_or_else(|| Error::NotFound {
                        reference: of.clone(),
                    })?;
                if orig.id == case.id {
                    return Err(Error::invalid(
                        "outcome.of",
                        "a case cannot be a duplicate of itself",
                    ));
                }
                let key = format!("{}-{}", ctx.key_prefix, orig.number);
                outcome = Some(Outcome::Duplicate { of: key });
                original = Some(orig);
            }
            let planned = match &outcome {
                Some(Outcome::Planned {
                    target_release,
                    target_date,
                }) => Some((target_release.clone(), *target_date)),
                _ => None,
            };
            out.push(Change::Transitioned {
                from: case.status.clone(),
                to: to.clone(),
                name: t.name.clone(),
                outcome: outcome.clone(),
            });
            if let Some(orig) = original {
                let key = format!("{}-{}", ctx.key_prefix, orig.number);
                out.push(Change::Linked {
                    link: Link {
                        kind: LinkKind::DuplicateOf,
                        target: key,
                        case: Some(orig.id),
                    },
                });
                let this_key = format!("{}-{}", ctx.key_prefix, case.number);
                out.push_other(
                    orig,
                    Change::Linked {
                        link: Link {
                            kind: LinkKind::DuplicatedBy,
                            target: this_key,
                            case: Some(case.id),
                        },
                    },
                );
                if let Some(k) = case.reporter.index_key()
                    && !orig.watchers().contains(&k)
                    && orig.reporter.index_key().as_deref() != Some(k.as_str())
                {
                    out.push_other(
                        orig,
                        Change::Watched {
                            watcher: k,
                            on: true,
                        },
                    );
                }
            }
            if let Some((target_release, due)) = planned {
                let text = outcome
                    .as_ref()
                    .map(Outcome::plain_words)
                    .unwrap_or_default();
                out.push(Change::Promised {
                    commitment: Commitment {
                        number: case.commitments().len() as u32 + 1,
                        text,
                        target_release,
                        due,
                        made_at: now,
                        state: PromiseState::Open,
                    },
                });
            }
        }
        CaseCommand::Assign { assignee, team } => {
            require(Action::Assign)?;
            opt_len("assignee", assignee.as_deref(), l.short_bytes)?;
            opt_len("team", team.as_deref(), l.short_bytes)?;
            if assignee.is_none() && team.is_none() {
                return Err(Error::invalid(
                    "assignee",
                    "give an assignee and/or a team (\"\" clears one)",
                ));
            }
            let norm = |new: &Option<String>, old: &Option<String>| match new {
                None => old.clone(),
                Some(s) if s.trim().is_empty() => None,
                Some(s) => Some(s.trim().to_string()),
            };
            out.push(Change::Assigned {
                assignee: norm(assignee, &case.assignee),
                team: norm(team, &case.team),
            });
        }
        CaseCommand::SetPriority(p) => {
            require(Action::SetPriority)?;
            if *p != case.priority {
                out.push(Change::PriorityChanged {
                    from: case.priority,
                    to: *p,
                });
            }
        }
        CaseCommand::Tag { add, remove } => {
            require(Action::Tag)?;
            let add = clean_tags(add, l)?;
            let remove = clean_tags(remove, l)?;
            let added: Vec<String> = add.into_iter().filter(|t| !case.tags.contains(t)).collect();
            let removed: Vec<String> = remove
                .into_iter()
                .filter(|t| case.tags.contains(t))
                .collect();
            let total = case.tags.len() + added.len() - removed.len();
            if total > l.tags_per_case {
                return Err(Error::TooLarge {
                    field: "tags".into(),
                    limit: l.tags_per_case,
                    actual: total,
                    unit: "entries",
                });
            }
            if !added.is_empty() || !removed.is_empty() {
                out.push(Change::Tagged { added, removed });
            }
        }
        CaseCommand::Link { kind, target } => {
            require(Action::Link)?;
            check_len("target", target, l.long_bytes)?;
            match kind {
                LinkKind::Defect => {
                    if target.trim().is_empty() {
                        return Err(Error::invalid(
                            "target",
                            "name the defect: a URL or an id such as BUG-123",
                        ));
                    }
                    out.push(Change::Linked {
                        link: Link {
                            kind: *kind,
                            target: target.trim().to_string(),
                            case: None,
                        },
                    });
                }
                LinkKind::Related => {
                    let other = (ctx.lookup)(target).ok_or_else(|| Error::NotFound {
                        reference: target.clone(),
                    })?;
                    let key = format!("{}-{}", ctx.key_prefix, other.number);
                    out.push(Change::Linked {
                        link: Link {
                            kind: *kind,
                            target: key,
                            case: Some(other.id),
                        },
                    });
                }
                LinkKind::DuplicateOf | LinkKind::DuplicatedBy => {
                    return Err(Error::invalid(
                        "kind",
                        "mark duplicates with a transition whose outcome is {\"kind\":\"duplicate\",\"of\":...}",
                    ));
                }
            }
        }
        CaseCommand::Vote => {
            require(Action::Vote)?;
            let who = person_key(actor)
                .ok_or_else(|| Error::forbidden("voting", actor.role, "sign in to vote"))?;
            if !case.voters().contains(&who) {
                out.push(Change::Voted { voter: who });
            }
        }
        CaseCommand::Watch(on) => {
            require(Action::Watch)?;
            let who = person_key(actor).ok_or_else(|| {
                Error::forbidden("watching", actor.role, "sign in to watch a case")
            })?;
            if case.watchers().contains(&who) != *on {
                out.push(Change::Watched {
                    watcher: who,
                    on: *on,
                });
            }
        }
        CaseCommand::Promise {
            text,
            target_release,
            due,
        } => {
            require(Action::Promise)?;
            check_len("text", text, l.long_bytes)?;
            opt_len("target_release", target_release.as_deref(), l.short_bytes)?;
            if text.trim().is_empty() {
                return Err(Error::invalid(
                    "text",
                    "say what is promised, in words the customer reads",
                ));
            }
            if target_release.is_none() && due.is_none() {
                return Err(Error::invalid(
                    "due",
                    "a promise needs a due date or a target release, so it can be kept or missed",
                ));
            }
            out.push(Change::Promised {
                commitment: Commitment {
                    number: case.commitments().len() as u32 + 1,
                    text: text.clone(),
                    target_release: target_release.clone(),
                    due: *due,
                    made_at: now,
                    state: PromiseState::Open,
                },
            });
        }
        CaseCommand::SetVisibility {
            visibility,
            show_reporter,
        } => {
            if visibility.is_some() {
                require(Action::SetVisibility)?;
            }
            if show_reporter.is_some() && !reporter && !staff {
                return Err(Error::forbidden(
                    "showing the reporter's name",
                    actor.role,
                    "only the reporter chooses that",
                ));
            }
            let new_vis = visibility.unwrap_or(case.visibility);
            let show = show_reporter.filter(|s| *s != case.show_reporter);
            if new_vis != case.visibility || show.is_some() {
                out.push(Change::VisibilityChanged {
                    visibility: new_vis,
                    show_reporter: show,
                });
            }
        }
        CaseCommand::AddParticipant { id, email } => {
            require(Action::AddParticipant)?;
            opt_len("participant.id", id.as_deref(), l.short_bytes)?;
            opt_len("participant.email", email.as_deref(), l.short_bytes)?;
            let who = Reporter::new(id.clone(), email.clone(), None);
            let key = who.index_key().ok_or_else(|| {
                Error::invalid("participant", "name the participant by id or email")
            })?;
            if !case.participants().contains(&key)
                && case.reporter.index_key().as_ref() != Some(&key)
            {
                out.push(Change::ParticipantAdded { participant: key });
            }
        }
        CaseCommand::IssueToken => {
            require(Action::ManageTokens)?;
            let nonce = ids.next_id(now).simple().to_string()[16..].to_string();
            out.push(Change::TokenIssued { nonce });
        }
        CaseCommand::RevokeToken(nonce) => {
            if !reporter {
                require(Action::ManageTokens)?;
            }
            if !case
                .tokens()
                .iter()
                .any(|(n, revoked)| n == nonce && !revoked)
            {
                return Err(Error::InvalidToken(
                    "it is not an active token of this case".into(),
                ));
            }
            out.push(Change::TokenRevoked {
                nonce: nonce.clone(),
            });
        }
    }
    Ok(out.events)
}
