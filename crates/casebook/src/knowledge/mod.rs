//! Knowledge: articles (title, body, tags, public or internal), the known answers cases keep
//! being solved with, and deflections (a reporter saw a suggestion and did not submit).
//!
//! Articles live in their own streams (`article/<id>`), deflections in the `deflection` stream;
//! known-answer counts are derived from case events (an `answered` outcome naming an article, a
//! case marked as a duplicate of an original). See docs/knowledge.md.

mod answers;
mod ops;

pub use answers::{AnswerKind, Deflection, DeflectionRate, KnownAnswer, KnownAnswers, Trend};
pub use ops::{ArticleInput, Suggestion};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::{Case, LinkKind};
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::outcome::Outcome;
use crate::store::{StoreError, StoredEvent};

/// The stream prefix of articles: `article/<id>`.
pub const ARTICLE_STREAM_PREFIX: &str = "article/";
/// The stream of deflections.
pub const DEFLECTION_STREAM: &str = "deflection";

/// A knowledge article as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Article {
    /// The id (lowercase letters, digits, `-` and `_`).
    pub id: String,
    /// The title.
    pub title: String,
    /// The body.
    pub body: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Internal articles are for staff only; public ones may be suggested to customers.
    #[serde(default)]
    pub internal: bool,
    /// The version (1 for the first save).
    pub version: u64,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
}

/// One save of an article (the payload of `article/<id>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who saved it.
    pub actor: Actor,
    /// The article's content.
    pub article: ArticleInput,
}

/// What a known answer or a deflection points to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A knowledge article (by id, or the URL an outcome gave).
    Article(String),
    /// An original case.
    Case(CaseId),
}

/// The knowledge projection.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Knowledge {
    articles: BTreeMap<String, Article>,
    /// (when, what) for every case solved by a known answer.
    pub(crate) uses: Vec<(DateTime<Utc>, Target)>,
    /// When cases were reported (for the deflection rate).
    pub(crate) reported: Vec<DateTime<Utc>>,
    /// (when, what) for every deflection.
    pub(crate) deflections: Vec<(DateTime<Utc>, Target)>,
    pub(crate) deflection_version: u64,
}

fn corrupt(e: &StoredEvent, err: impl std::fmt::Display) -> Error {
    Error::Store(StoreError::Corrupt(format!(
        "event {} (stream {}, seq {}): {err}",
        e.position, e.stream, e.seq
    )))
}

impl Knowledge {
    /// Gives the event lists read from a snapshot the room growing leaves them: serde sizes a
    /// long list cautiously and then doubles it, past what a replayed casebook holds (~4 B a
    /// case at a million cases).
    #[cfg(feature = "snapshots")]
    pub(crate) fn restored(&mut self) {
        fn settle<T>(list: &mut Vec<T>) {
            list.shrink_to(list.len().next_power_of_two());
        }
        settle(&mut self.uses);
        settle(&mut self.reported);
        settle(&mut self.deflections);
    }

    /// An article by id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.get(id)
    }

    /// All articles, by id.
    pub fn articles(&self) -> impl Iterator<Item = &Article> {
        self.articles.values()
    }

    pub(crate) fn on_case_event(&mut self, _case: &Case, event: &Event) {
        match &event.change {
            Change::Reported { .. } => self.reported.push(event.at),
            Change::Transitioned {
                outcome:
                    Some(Outcome::Answered {
                        article: Some(a), ..
                    }),
                ..
            } if !a.trim().is_empty() => {
                self.uses
                    .push((event.at, Target::Article(a.trim().to_string())));
            }
            Change::Linked { link } if link.kind == LinkKind::DuplicateOf => {
                if let Some(orig) = link.case {
                    self.uses.push((event.at, Target::Case(orig)));
                }
            }
            _ => {}
        }
    }

    /// Applies an article or deflection event; answers with the article saved, if any.
    pub(crate) fn on_stream_event(&mut self, e: &StoredEvent) -> Result<Option<&Article>> {
        if let Some(id) = e.stream.strip_prefix(ARTICLE_STREAM_PREFIX) {
            if self.articles.get(id).is_some_and(|a| a.version >= e.seq) {
                return Ok(None);
            }
            let ev: ArticleEvent = serde_json::from_str(&e.payload).map_err(|x| corrupt(e, x))?;
            let a = ev.article;
            let article = Article {
                id: id.to_string(),
                title: a.title,
                body: a.body,
                tags: a.tags,
                internal: a.internal,
                version: e.seq,
                updated_at: ev.at,
            };
            self.articles.insert(id.to_string(), article);
            return Ok(self.articles.get(id));
        }
        if e.stream == DEFLECTION_STREAM && e.seq > self.deflection_version {
            let d: Deflection = serde_json::from_str(&e.payload).map_err(|x| corrupt(e, x))?;
            self.deflections.push((d.at, d.target));
            self.deflection_version = e.seq;
        }
        Ok(None)
    }
}

#[cfg(all(test, feature = "snapshots"))]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::Knowledge;
    use crate::snapshot::{pack_serde, unpack_serde};

    #[test]
    fn lists_read_from_a_snapshot_have_the_room_growing_leaves_them() {
        let t0: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
        let mut replayed = Knowledge::default();
        // Past serde's cautious first allocation (1 MiB of instants), as a large casebook is.
        for i in 0..100_000 {
            replayed.reported.push(t0 + Duration::seconds(i));
        }
        let mut read: Knowledge = unpack_serde(&pack_serde(&replayed).unwrap()).unwrap();
        read.restored();
        assert_eq!(read.reported, replayed.reported);
        assert_eq!(read.reported.capacity(), replayed.reported.capacity());
        assert_eq!(read.reported.capacity(), 131_072);
    }
}
