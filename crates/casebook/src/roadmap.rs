//! The public roadmap: the host's to-do list with honest outcomes, from its public cases.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Case, Visibility};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::outcome::Outcome;
use crate::store::Store;
use crate::workflow::Category;

/// One entry of the roadmap. Never carries the reporter or anything internal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoadmapEntry {
    /// The case key.
    pub key: String,
    /// The subject.
    pub subject: String,
    /// The state's label.
    pub status_label: String,
    /// The outcome in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The target release (planned) or the version (fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The target date (planned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<NaiveDate>,
    /// The reason (won't fix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// "Me too" votes, duplicates included.
    pub votes: usize,
    /// Public tags.
    pub tags: Vec<String>,
}

/// The roadmap, grouped by outcome; each group most-voted first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
pub struct Roadmap {
    /// Planned, with a target.
    pub planned: Vec<RoadmapEntry>,
    /// Being worked on.
    pub in_progress: Vec<RoadmapEntry>,
    /// Fixed recently, with the version.
    pub recently_fixed: Vec<RoadmapEntry>,
    /// Won't be fixed, with the reason.
    pub wont_fix: Vec<RoadmapEntry>,
}

impl<S: Store> Casebook<S> {
    /// The public roadmap as `viewer` may see it at `now`.
    pub fn roadmap(&self, viewer: &Actor, now: DateTime<Utc>) -> Result<Roadmap> {
        let p = &self.policy().roadmap;
        if !p.published && !viewer.is_staff() {
            return Err(Error::forbidden(
                "reading the roadmap",
                viewer.role,
                "this casebook does not publish a roadmap",
            ));
        }
        if viewer.role == Role::Anonymous && !p.anonymous {
            return Err(Error::forbidden(
                "reading the roadmap",
                viewer.role,
                "sign in to read the roadmap",
            ));
        }
        let recent = now - Duration::days(i64::from(p.recent_days));
        let mut map = Roadmap::default();
        let public = crate::policy::Relation::Public;
        for case in self
            .cases()
            .iter()
            .filter(|c| c.visibility == Visibility::Public)
        {
            if !p.tags.is_empty() && !case.tags.iter().any(|t| p.tags.contains(t)) {
                continue;
            }
            let category = self.workflow().category(&case.status);
            let entry = |c: &Case| RoadmapEntry {
                key: self.key_of(c),
                subject: c.subject.clone(),
                status_label: self
                    .workflow()
                    .state(&c.status)
                    .and_then(|s| s.label.clone())
                    .unwrap_or_else(|| c.status.clone()),
                outcome: c.outcome().map(Outcome::plain_words),
                version: None,
                target_date: None,
                reason: None,
                votes: c.voters().len() + c.duplicates().count(),
                tags: c
                    .tags
                    .iter()
                    .filter(|t| self.policy().tag_visible(public, t))
                    .cloned()
                    .collect(),
            };
            match (&case.outcome(), category) {
                (
                    Some(Outcome::Planned {
                        target_release,
                        target_date,
                    }),
                    c,
                ) if c.is_open() => map.planned.push(RoadmapEntry {
                    version: target_release.clone(),
                    target_date: *target_date,
                    ..entry(case)
                }),
                (Some(Outcome::Fixed { version }), Category::Solved | Category::Closed)
                    if case.updated_at >= recent =>
                {
                    map.recently_fixed.push(RoadmapEntry {
                        version: Some(version.clone()),
                        ..entry(case)
                    })
                }
                (Some(Outcome::WontFix { reason, .. }), Category::Solved | Category::Closed) => {
                    map.wont_fix.push(RoadmapEntry {
                        reason: Some(reason.clone()),
                        ..entry(case)
                    })
                }
                (
                    _,
                    Category::New | Category::Open | Category::WaitingOnCustomer | Category::OnHold,
                ) => map.in_progress.push(entry(case)),
                _ => {}
            }
        }
        for group in [
            &mut map.planned,
            &mut map.in_progress,
            &mut map.recently_fixed,
            &mut map.wont_fix,
        ] {
            group.sort_by(|a, b| b.votes.cmp(&a.votes).then_with(|| a.key.cmp(&b.key)));
        }
        Ok(map)
    }
}
