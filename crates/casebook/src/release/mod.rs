//! Releases: a version, a date and the cases it fixes. Op `release` ships the fixes (events on
//! each case), tells every reporter, watcher and duplicate reporter once, and asks the reporters to
//! confirm; op `release_notes` writes "What's new in X" through the visibility projection.

mod dispatch;
mod error;
mod notes;
mod version;

pub use dispatch::dispatch;
pub(crate) use error::internal;
pub use error::{LoopError, LoopResult};
pub use notes::{ReleaseNotes, ReleaseNotesGroup, ReleaseNotesItem};
pub use version::VersionScheme;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::{Case, LinkKind};
use crate::engine::Casebook;
use crate::error::Error;
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::outcome::{Outcome, OutcomeKind};
use crate::store::{Store, StoredEvent};
use crate::workflow::Category;

/// The stream of releases.
pub const RELEASES_STREAM: &str = "releases";

/// Who hears about a release, and about which cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseNotice {
    /// The person key ("u:ada", "e:bo@example.com").
    pub person: String,
    /// The cases that concern them.
    pub cases: Vec<CaseId>,
    /// The cases they reported: they are asked to confirm the fix on these.
    pub confirm: Vec<CaseId>,
}

/// A release as recorded in the `releases` stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseRecord {
    /// The version, e.g. "5.3".
    pub version: String,
    /// The release date.
    pub date: NaiveDate,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The cases it fixes (given, or linked to the given defects).
    pub cases: Vec<CaseId>,
    /// Their duplicates, fixed with them.
    pub duplicates: Vec<CaseId>,
    /// The defects named.
    #[serde(default)]
    pub defects: Vec<String>,
    /// Everyone told, once each.
    pub notices: Vec<ReleaseNotice>,
}

/// The releases, folded from their stream.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Releases {
    pub(crate) list: Vec<ReleaseRecord>,
}

impl Releases {
    pub(crate) fn on_stream_event(&mut self, e: &StoredEvent) -> crate::error::Result<()> {
        if e.stream == RELEASES_STREAM {
            let r: ReleaseRecord = serde_json::from_str(&e.payload).map_err(|err| {
                Error::Store(crate::store::StoreError::Corrupt(format!(
                    "release {}: {err}",
                    e.seq
                )))
            })?;
            self.list.push(r);
        }
        Ok(())
    }

    /// A release by version (semver-equal versions are the same release).
    pub(crate) fn get(&self, version: &str) -> Option<&ReleaseRecord> {
        let s = VersionScheme::default();
        self.list
            .iter()
            .find(|r| s.compare(&r.version, version).is_eq())
    }
}

/// What `release` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseSummary {
    /// The version.
    pub version: String,
    /// The date.
    pub date: NaiveDate,
    /// The keys of the cases fixed (with their duplicates).
    pub fixed: Vec<String>,
    /// How many people were told.
    pub notified: usize,
    /// How many reporters were asked to confirm.
    pub confirmations_asked: usize,
}

fn push_unique(v: &mut Vec<CaseId>, id: CaseId) {
    if !v.contains(&id) {
        v.push(id);
    }
}

/// The events that ship the fix on one case: a solve transition when the workflow has one from
/// the case's state, and `fix_shipped`.
fn ship_events<S: Store>(
    book: &Casebook<S>,
    case: &Case,
    version: &str,
    date: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let wf = book.workflow();
    let mut seq = case.version;
    let mut out = Vec::new();
    let mut push = |change| {
        seq += 1;
        out.push(Event {
            case: case.id,
            seq,
            at: now,
            actor: actor.clone(),
            change,
        });
    };
    if wf.category(&case.status).is_open()
        && let Some(t) = wf.transitions_from(&case.status).find(|t| {
            wf.category(&t.to) == Category::Solved
                && (t.outcomes.is_empty() || t.outcomes.contains(&OutcomeKind::Fixed))
        })
    {
        push(Change::Transitioned {
            from: case.status.clone(),
            to: t.to.clone(),
            name: "release".into(),
            outcome: Some(Outcome::Fixed {
                version: version.to_string(),
            }),
        });
    }
    push(Change::FixShipped {
        version: version.to_string(),
        date,
    });
    out
}

/// Op `release` (staff): ships `version` with the given cases and those linked to `defects`.
pub fn release<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    version: &str,
    date: Option<NaiveDate>,
    cases: &[String],
    defects: &[String],
    now: DateTime<Utc>,
) -> LoopResult<ReleaseSummary> {
    if !actor.is_staff() {
        return Err(Error::forbidden("releasing", actor.role, "only staff ship releases").into());
    }
    let version = version.trim();
    if version.is_empty() || version.len() > book.limits().short_bytes {
        return Err(LoopError::InvalidRelease(
            "give a version of 1 to 200 characters, e.g. \"5.3\"".into(),
        ));
    }
    if let Some(r) = book.derived().releases.get(version) {
        return Err(LoopError::InvalidRelease(format!(
            "{} was already released on {}; ship the fix in a new version",
            r.version, r.date
        )));
    }
    let date = date.unwrap_or(now.date_naive());
    let mut primary: Vec<CaseId> = Vec::new();
    for r in cases {
        let c = book.find(r).ok_or_else(|| Error::NotFound {
            reference: r.chars().take(100).collect(),
        })?;
        push_unique(&mut primary, c.id);
    }
    let wanted: Vec<&str> = defects.iter().map(|d| d.trim()).collect();
    if !wanted.is_empty() {
        for c in book.cases().iter() {
            if c.links()
                .iter()
                .any(|l| l.kind == LinkKind::Defect && wanted.contains(&l.target.as_str()))
            {
                push_unique(&mut primary, c.id);
            }
        }
    }
    if primary.is_empty() {
        return Err(LoopError::InvalidRelease(
            "it fixes no case: give \"cases\" or \"defects\" that cases link to".into(),
        ));
    }
    let mut duplicates = Vec::new();
    for id in &primary {
        if let Some(c) = book.cases().get(*id) {
            for d in c.duplicates().filter_map(|l| l.case) {
                if !primary.contains(&d) {
                    push_unique(&mut duplicates, d);
                }
            }
        }
    }
    let mut events = Vec::new();
    let mut people: BTreeMap<String, ReleaseNotice> = BTreeMap::new();
    for id in primary.iter().chain(&duplicates) {
        let Some(c) = book.cases().get(*id) else {
            continue;
        };
        events.extend(ship_events(book, c, version, date, actor, now));
        let mut add = |person: &str, reporter: bool| {
            let n = people
                .entry(person.to_string())
                .or_insert_with(|| ReleaseNotice {
                    person: person.to_string(),
                    cases: Vec::new(),
                    confirm: Vec::new(),
                });
            push_unique(&mut n.cases, c.id);
            if reporter {
                push_unique(&mut n.confirm, c.id);
            }
        };
        if let Some(k) = c.reporter.index_key() {
            add(&k, true);
        }
        for w in c.watchers() {
            add(w, false);
        }
    }
    let notices: Vec<ReleaseNotice> = people.into_values().collect();
    let record = ReleaseRecord {
        version: version.to_string(),
        date,
        at: now,
        cases: primary.clone(),
        duplicates: duplicates.clone(),
        defects: wanted.iter().map(|s| s.to_string()).collect(),
        notices,
    };
    let payload = serde_json::to_string(&record).map_err(internal)?;
    // The fixes and the release are one atomic append: never one without the other.
    book.commit_case_events_and_stream(&events, RELEASES_STREAM, vec![payload])?;
    let fixed = primary
        .iter()
        .chain(&duplicates)
        .filter_map(|id| book.cases().get(*id))
        .map(|c| book.key_of(c))
        .collect();
    Ok(ReleaseSummary {
        version: record.version,
        date,
        fixed,
        notified: record.notices.len(),
        confirmations_asked: record.notices.iter().map(|n| n.confirm.len()).sum(),
    })
}

/// Op `confirm_fix` (the reporter): says whether the shipped fix works for them.
pub fn confirm_fix<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    reference: &str,
    works: bool,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> LoopResult<CaseId> {
    let case = book.find_visible(reference, actor)?;
    if !case.is_reporter(actor) {
        return Err(Error::forbidden(
            "confirming a fix",
            actor.role,
            "only the case's reporter confirms that the fix works for them",
        )
        .into());
    }
    let events = book.events_of(case.id)?;
    if !events
        .iter()
        .any(|e| matches!(e.change, Change::FixShipped { .. }))
    {
        return Err(Error::invalid(
            "case",
            "no fix for this case has shipped yet; confirm after the release",
        )
        .into());
    }
    if let Some(c) = comment {
        crate::decide::check_len("comment", c, book.limits().comment_bytes)?;
    }
    let event = Event {
        case: case.id,
        seq: case.version + 1,
        at: now,
        actor: actor.clone(),
        change: Change::FixConfirmed {
            works,
            comment: comment.map(str::to_string),
        },
    };
    let id = case.id;
    book.commit_case_events(&[event])?;
    Ok(id)
}

/// Op `release_notes`.
pub fn release_notes<S: Store>(
    book: &Casebook<S>,
    viewer: &Actor,
    version: &str,
) -> LoopResult<ReleaseNotes> {
    let r = book.derived().releases.get(version).ok_or_else(|| {
        LoopError::InvalidRelease(format!("there is no release '{}'", version.trim()))
    })?;
    notes::build(book, viewer, r)
}

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
