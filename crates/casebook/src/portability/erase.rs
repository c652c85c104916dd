//! `erase`: removes a person's personal data from every event, in place, through
//! [`Store::rewrite`]. Case statistics stay (states, priorities, dates, counts, channels, tags);
//! other people's data stays; the log keeps its streams, sequences and positions, so it replays.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Diagnostics, Reporter};
use crate::config::ConfigEvent;
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::event::{CONFIG_STREAM, Change, Event};
use crate::ids::CaseId;
use crate::store::{Store, StoreError};

use super::format::PersonRef;

/// What replaces erased texts.
pub const ERASED: &str = "[erased]";

/// What an erasure did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EraseSummary {
    /// Events whose payload was rewritten.
    pub events: u64,
    /// Cases with at least one rewritten event.
    pub cases: u64,
    /// The pseudonym that now stands for the person in vote, watch, participant and assignee
    /// lists (so counts stay right without naming anyone).
    pub pseudonym: String,
}

/// Everything that identifies the person: the ids and emails given, plus those of the cases
/// they reported (an anonymous report later merged into their account carries both).
struct Identity {
    users: BTreeSet<String>,
    emails: BTreeSet<String>,
    own_cases: BTreeSet<CaseId>,
}

impl Identity {
    fn is(&self, user: Option<&str>, email: Option<&str>) -> bool {
        user.is_some_and(|u| self.users.contains(u))
            || email.is_some_and(|e| self.emails.contains(&e.trim().to_lowercase()))
    }

    fn actor(&self, a: &Actor, case: Option<CaseId>) -> bool {
        self.is(a.id.as_deref(), a.email.as_deref())
            || (a.role == Role::Anonymous
                && a.token.is_some()
                && case.is_some_and(|c| self.own_cases.contains(&c)))
    }

    fn key(&self, key: &str) -> bool {
        match key.split_once(':') {
            Some(("u", u)) => self.users.contains(u),
            Some(("e", e)) => self.emails.contains(&e.to_lowercase()),
            _ => self.users.contains(key),
        }
    }
}

fn scrub_actor(a: &mut Actor) {
    *a = Actor::new(a.role);
}

/// Rewrites one case event; true when something changed.
fn scrub_event(e: &mut Event, who: &Identity, pseudonym: &str) -> bool {
    let before = e.clone();
    let by_them = who.actor(&e.actor, Some(e.case));
    if by_them {
        scrub_actor(&mut e.actor);
    }
    let own_case = who.own_cases.contains(&e.case);
    let pseudo = |s: &mut String| {
        if who.key(s) {
            *s = pseudonym.to_string();
        }
    };
    match &mut e.change {
        Change::Reported {
            reporter,
            org,
            logged_by,
            subject,
            description,
            diagnostics,
            ..
        } => {
            if own_case || who.is(reporter.user.as_deref(), reporter.email()) {
                *reporter = Reporter::default();
                *org = None;
                *subject = ERASED.into();
                *description = ERASED.into();
                *diagnostics = Diagnostics::default();
            }
            if let Some(l) = logged_by
                && who.users.contains(l.as_str())
            {
                *l = pseudonym.to_string();
            }
        }
        Change::Commented { body, .. } if by_them => *body = ERASED.into(),
        Change::Assigned {
            assignee: Some(a), ..
        } if who.users.contains(a.as_str()) => *a = pseudonym.to_string(),
        Change::Voted { voter } => pseudo(voter),
        Change::Watched { watcher, .. } => pseudo(watcher),
        Change::ParticipantAdded { participant } => pseudo(participant),
        Change::ReporterMerged { user, name } if own_case || who.users.contains(user.as_str()) => {
            *user = pseudonym.to_string();
            *name = None;
        }
        _ => {}
    }
    *e != before
}

fn store_corrupt(stream: &str, seq: u64, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("event {seq} of stream {stream}: {err}"))
}

/// Erases `person`'s personal data from the whole log (admins and the system only), then
/// replays the log so the casebook's state is exactly what reopening it gives.
pub fn erase<S: Store>(
    book: &mut Casebook<S>,
    person: &PersonRef,
    actor: &Actor,
) -> Result<EraseSummary> {
    super::admin_only(actor, "erasing personal data")?;
    if person.is_empty() {
        return Err(Error::invalid(
            "person",
            "name the person to erase by \"user\" and/or \"email\"",
        ));
    }
    let mut who = Identity {
        users: person.user.iter().map(|u| u.trim().to_string()).collect(),
        emails: person
            .email
            .iter()
            .map(|e| e.trim().to_lowercase())
            .collect(),
        own_cases: BTreeSet::new(),
    };
    for case in book.cases().iter() {
        let r = &case.reporter;
        if who.is(r.user.as_deref(), r.email()) {
            who.own_cases.insert(case.id);
            who.users.extend(r.user.clone());
            who.emails.extend(r.email().map(|e| e.to_lowercase()));
        }
    }
    // One streaming pass; only the rewritten payloads (the person's own events) are held. The
    // pseudonym is the position of the person's first appearance, a number that says nothing
    // about them: events arrive in position order, so it is fixed by the first event that
    // changes, before any rewritten text is produced.
    let mut first: Option<u64> = None;
    let mut rewrites: Vec<(String, u64, String)> = Vec::new();
    book.store().read_all(0, &mut |s| {
        let pseudonym = format!("erased-{}", first.unwrap_or(s.position));
        let new = if s.stream.starts_with("case/") {
            let mut e: Event = serde_json::from_str(&s.payload)
                .map_err(|err| store_corrupt(&s.stream, s.seq, err))?;
            scrub_event(&mut e, &who, &pseudonym).then(|| serde_json::to_string(&e))
        } else if s.stream == CONFIG_STREAM {
            let mut c: ConfigEvent = serde_json::from_str(&s.payload)
                .map_err(|err| store_corrupt(&s.stream, s.seq, err))?;
            let mine = who.actor(&c.actor, None);
            if mine {
                scrub_actor(&mut c.actor);
            }
            mine.then(|| serde_json::to_string(&c))
        } else {
            None
        };
        if let Some(text) = new {
            first.get_or_insert(s.position);
            let text = text.map_err(|err| StoreError::Corrupt(err.to_string()))?;
            rewrites.push((s.stream, s.seq, text));
        }
        Ok(())
    })?;
    let pseudonym = format!("erased-{}", first.unwrap_or(0));
    let mut cases = BTreeSet::new();
    for (stream, seq, text) in &rewrites {
        book.store_mut().rewrite(stream, *seq, text)?;
        cases.insert(stream.clone());
    }
    cases.remove(CONFIG_STREAM);
    book.rebuild()?;
    Ok(EraseSummary {
        events: rewrites.len() as u64,
        cases: cases.len() as u64,
        pseudonym,
    })
}
