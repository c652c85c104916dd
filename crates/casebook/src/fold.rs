//! `apply`: folds one event into a case's state. Replaying the same events always gives the same
//! state; applying never fails for events `decide` produced, and reports a typed error for a log
//! that does not fit (a gap in the sequence, an event before the report).

use crate::case::{Case, CaseExtras, Extras, LinkKind, PromiseState};
use crate::error::{Error, Result};
use crate::event::{Change, Event};

/// Applies `event` to `case` (`None` before the case exists) and returns the new state.
pub fn apply(case: Option<Case>, event: &Event) -> Result<Case> {
    let mut case = match (case, &event.change) {
        (
            None,
            Change::Reported {
                number,
                reporter,
                org,
                channel,
                logged_by,
                subject,
                description,
                diagnostics,
                tags,
                priority,
                status,
                visibility,
                attachments,
                ..
            },
        ) => {
            if event.seq != 1 {
                return Err(Error::Internal(format!(
                    "case {} starts at sequence {}, not 1",
                    event.case, event.seq
                )));
            }
            return Ok(Case {
                id: event.case,
                number: *number,
                reporter: reporter.clone(),
                org: org.clone(),
                channel: *channel,
                subject: subject.clone(),
                description: description.clone(),
                diagnostics: diagnostics.clone(),
                tags: tags.clone(),
                priority: *priority,
                status: status.clone(),
                assignee: None,
                team: None,
                visibility: *visibility,
                show_reporter: false,
                comments: 0,
                public_replies: 0,
                reopened: 0,
                created_at: event.at,
                updated_at: event.at,
                version: 1,
                extras: Extras::new(CaseExtras {
                    logged_by: logged_by.clone(),
                    attachments: attachments.clone(),
                    ..CaseExtras::default()
                }),
            });
        }
        (None, _) => {
            return Err(Error::Internal(format!(
                "event {} of case {} comes before its report",
                event.seq, event.case
            )));
        }
        (Some(_), Change::Reported { .. }) => {
            return Err(Error::Internal(format!(
                "case {} is reported twice",
                event.case
            )));
        }
        (Some(c), _) => c,
    };
    if event.seq != case.version + 1 {
        return Err(Error::Internal(format!(
            "case {} is at version {}, event has sequence {}",
            event.case, case.version, event.seq
        )));
    }
    case.version = event.seq;
    case.updated_at = event.at;
    match &event.change {
        Change::Reported { .. } => unreachable!("handled above"),
        Change::Commented { internal, .. } => {
            case.comments += 1;
            if !internal && event.actor.is_staff() {
                case.public_replies += 1;
            }
        }
        Change::Transitioned {
            to, outcome, name, ..
        } => {
            if name == "reopen" {
                case.reopened += 1;
                if case.outcome().is_some() {
                    case.extras_mut().outcome = None;
                }
            }
            if outcome.is_some() {
                case.extras_mut().outcome = outcome.clone();
            }
            case.status = to.clone();
        }
        Change::Assigned { assignee, team } => {
            case.assignee = assignee.clone();
            case.team = team.clone();
        }
        Change::PriorityChanged { to, .. } => case.priority = *to,
        Change::Tagged { added, removed } => {
            case.tags.retain(|t| !removed.contains(t));
            case.tags.extend(added.iter().cloned());
        }
        Change::Linked { link } => {
            let links = &mut case.extras_mut().links;
            if !links.contains(link) {
                links.push(link.clone());
            }
            if link.kind == LinkKind::DuplicateOf {
                links.retain(|l| l.kind != LinkKind::DuplicateOf || l == link);
            }
        }
        Change::Voted { voter } => {
            if !case.voters().contains(voter) {
                case.extras_mut().voters.push(voter.clone());
            }
        }
        Change::Watched { watcher, on } => {
            if *on || case.watchers().contains(watcher) {
                let watchers = &mut case.extras_mut().watchers;
                watchers.retain(|w| w != watcher);
                if *on {
                    watchers.push(watcher.clone());
                }
            }
        }
        Change::Promised { commitment } => {
            let commitments = &mut case.extras_mut().commitments;
            for c in commitments
                .iter_mut()
                .filter(|c| c.state == PromiseState::Open)
            {
                c.state = PromiseState::Superseded;
            }
            commitments.push(commitment.clone());
        }
        Change::VisibilityChanged {
            visibility,
            show_reporter,
        } => {
            case.visibility = *visibility;
            if let Some(s) = show_reporter {
                case.show_reporter = *s;
            }
        }
        Change::ParticipantAdded { participant } => {
            if !case.participants().contains(participant) {
                case.extras_mut().participants.push(participant.clone());
            }
        }
        Change::TokenIssued { nonce } => case.extras_mut().tokens.push((nonce.clone(), false)),
        Change::TokenRevoked { nonce } => {
            if case.tokens().iter().any(|t| t.0 == *nonce) {
                for t in case
                    .extras_mut()
                    .tokens
                    .iter_mut()
                    .filter(|t| t.0 == *nonce)
                {
                    t.1 = true;
                }
            }
        }
        Change::RuleFired { rule, episode, .. } => {
            case.extras_mut()
                .escalations
                .push((rule.clone(), episode.clone()));
        }
        Change::NotificationRequested { .. } => {}
        Change::FlagSet { flag, .. } => {
            if !case.flags().contains(flag) {
                case.extras_mut().flags.push(flag.clone());
            }
        }
        Change::PromiseBroken { number } => set_promise(&mut case, *number, PromiseState::Broken),
        Change::PromiseKept { number, .. } => set_promise(&mut case, *number, PromiseState::Kept),
        Change::FixShipped { version, .. } => {
            case.extras_mut().outcome = Some(crate::outcome::Outcome::Fixed {
                version: version.clone(),
            });
        }
        Change::FixConfirmed { .. } | Change::Rated { .. } => {}
        Change::ReporterMerged { user, name } => {
            case.reporter.user = Some(user.clone());
            if name.is_some() {
                case.reporter.name = name.clone();
            }
        }
    }
    Ok(case)
}

fn set_promise(case: &mut Case, number: u32, state: PromiseState) {
    if case.commitments().iter().any(|c| c.number == number) {
        let commitments = &mut case.extras_mut().commitments;
        for c in commitments.iter_mut().filter(|c| c.number == number) {
            c.state = state;
        }
    }
}

/// Folds a whole history into a case.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<Option<Case>> {
    let mut case = None;
    for e in events {
        case = Some(apply(case, e)?);
    }
    Ok(case)
}
