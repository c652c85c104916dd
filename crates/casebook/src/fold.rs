//! `apply`: folds one event into a case's state. Replaying the same events always gives the same
//! state; applying never fails for events `decide` produced, and reports a typed error for a log
//! that does not fit (a gap in the sequence, an event before the report).

use crate::case::{Case, CaseExtras, Extras, LinkKind, PromiseState};
use crate::error::{Error, Result};
use crate::event::{Change, Event};

/// Applies `event` to `case` (`None` before the case exists) and returns the new state.
pub fn apply(case: Option<Case>, event: &Event) -> Result<Case> {
    match case {
        None => start(event),
        Some(mut case) => {
            apply_to(&mut case, event)?;
            Ok(case)
        }
    }
}

/// True when folding `change` may change a field the case table indexes (state, assignee,
/// team, tags, reporter). Other events can be folded into the table's case in place without
/// touching its indexes (see `CaseTable::modify`).
pub fn touches_indexes(change: &Change) -> bool {
    matches!(
        change,
        Change::Transitioned { .. }
            | Change::Assigned { .. }
            | Change::Tagged { .. }
            | Change::ReporterMerged { .. }
    )
}

/// The state of a new case from its first event, which must be its report.
pub fn start(event: &Event) -> Result<Case> {
    match &event.change {
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
        } => {
            if event.seq != 1 {
                return Err(Error::Internal(format!(
                    "case {} starts at sequence {}, not 1",
                    event.case, event.seq
                )));
            }
            Ok(Case {
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
            })
        }
        _ => Err(Error::Internal(format!(
            "event {} of case {} comes before its report",
            event.seq, event.case
        ))),
    }
}

/// As [`start`], moving the report's subject, description, reporter and organisation out of
/// `event` into the case instead of copying them: the event keeps every other field (what the
/// derived projections read from it: status, priority, diagnostics, tags, ...).
pub fn start_taking(event: &mut Event) -> Result<Case> {
    let taken = match &mut event.change {
        Change::Reported {
            subject,
            description,
            reporter,
            org,
            ..
        } if event.seq == 1 => Some((
            std::mem::take(subject),
            std::mem::take(description),
            std::mem::take(reporter),
            org.take(),
        )),
        _ => None,
    };
    let mut case = start(event)?;
    if let Some((subject, description, reporter, org)) = taken {
        case.subject = subject;
        case.description = description;
        case.reporter = reporter;
        case.org = org;
    }
    Ok(case)
}

/// Folds `event` into an existing case, in place. On an error the case is left as it was (the
/// checks come before any change).
pub fn apply_to(case: &mut Case, event: &Event) -> Result<()> {
    if let Change::Reported { .. } = event.change {
        return Err(Error::Internal(format!(
            "case {} is reported twice",
            event.case
        )));
    }
    if event.seq != case.version + 1 {
        return Err(Error::Internal(format!(
            "case {} is at version {}, event has sequence {}",
            event.case, case.version, event.seq
        )));
    }
    case.version = event.seq;
    case.updated_at = event.at;
    match &event.change {
        // Rejected above.
        Change::Reported { .. } => {}
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
        Change::PromiseBroken { number } => set_promise(case, *number, PromiseState::Broken),
        Change::PromiseKept { number, .. } => set_promise(case, *number, PromiseState::Kept),
        Change::FixShipped { version, .. } => {
            case.extras_mut().outcome = Some(crate::outcome::Outcome::Fixed {
                version: version.clone(),
            });
        }
        Change::FixConfirmed { .. } | Change::Rated { .. } => {}
        Change::ReporterMerged { user, name } => {
            case.reporter.user = Some(user.clone());
            if name.is_some() {
                case.reporter.set_name(name.clone());
            }
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::case::{Channel, Diagnostics, Priority, Reporter, Visibility};
    use crate::ids::CaseId;

    fn event(seq: u64, change: Change) -> Event {
        Event {
            case: CaseId(uuid::Uuid::from_u128(7)),
            seq,
            at: chrono::DateTime::UNIX_EPOCH,
            actor: Actor::system(),
            change,
        }
    }

    fn report() -> Change {
        Change::Reported {
            number: 1,
            reporter: Reporter::default(),
            org: None,
            channel: Channel::Api,
            logged_by: None,
            subject: "s".into(),
            subject_derived: false,
            description: "d".into(),
            diagnostics: Diagnostics::default(),
            tags: vec!["a".into()],
            priority: Priority::Normal,
            status: "new".into(),
            visibility: Visibility::Private,
            attachments: Vec::new(),
        }
    }

    fn flag(name: &str) -> Change {
        Change::FlagSet {
            rule: "r".into(),
            flag: name.into(),
        }
    }

    #[test]
    fn in_place_fold_equals_the_owned_fold_and_refuses_without_changing() {
        let mut case = start(&event(1, report())).unwrap();
        let owned = apply(Some(case.clone()), &event(2, flag("x"))).unwrap();
        apply_to(&mut case, &event(2, flag("x"))).unwrap();
        assert_eq!(case, owned);
        assert_eq!((case.version, case.flags()), (2, &["x".to_string()][..]));
        for bad in [event(4, flag("y")), event(3, report())] {
            let err = apply_to(&mut case, &bad).unwrap_err();
            assert_eq!(err.code().as_str(), "internal");
            assert_eq!(case, owned, "a refused event changes nothing");
        }
        assert_eq!(
            start(&event(1, flag("x"))).unwrap_err().code().as_str(),
            "internal"
        );
        assert_eq!(
            start(&event(2, report())).unwrap_err().code().as_str(),
            "internal"
        );
    }

    #[test]
    fn only_the_listed_kinds_touch_indexed_fields() {
        let tagged = Change::Tagged {
            added: vec!["b".into()],
            removed: Vec::new(),
        };
        assert!(touches_indexes(&tagged));
        assert!(!touches_indexes(&flag("x")));
        let mut case = start(&event(1, report())).unwrap();
        let before = (
            case.status.clone(),
            case.tags.clone(),
            case.reporter.clone(),
        );
        apply_to(&mut case, &event(2, flag("x"))).unwrap();
        assert_eq!(
            before,
            (
                case.status.clone(),
                case.tags.clone(),
                case.reporter.clone()
            )
        );
        apply_to(&mut case, &event(3, tagged)).unwrap();
        assert_eq!(case.tags, ["a", "b"]);
    }
}
