//! Article and deflection operations on a casebook.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ARTICLE_STREAM_PREFIX, Article, ArticleEvent, DEFLECTION_STREAM, Deflection, Target};
use crate::actor::Actor;
use crate::decide::check_len;
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::store::Store;

/// An article to save (`article_upsert`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// The id: 1 to 64 lowercase letters, digits, `-` or `_` (e.g. `kb-export-pdf`).
    pub id: String,
    /// The title.
    pub title: String,
    /// The body.
    pub body: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Internal (staff only) rather than public.
    #[serde(default)]
    pub internal: bool,
}

/// What a reporter was shown (`deflected`): an article id or a case key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// An article id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// A case id or key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

impl<S: Store> Casebook<S> {
    /// Creates or replaces an article (staff only); answers with it as saved.
    pub fn article_upsert(
        &mut self,
        input: &ArticleInput,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Article> {
        if !actor.is_staff() {
            return Err(Error::forbidden(
                "writing a knowledge article",
                actor.role,
                "articles are written by staff",
            ));
        }
        if !valid_id(&input.id) {
            return Err(Error::invalid(
                "article.id",
                "use 1 to 64 lowercase letters, digits, '-' or '_', e.g. \"kb-export-pdf\"",
            ));
        }
        let l = self.limits();
        if input.title.trim().is_empty() {
            return Err(Error::invalid("article.title", "an article needs a title"));
        }
        check_len("article.title", &input.title, l.subject_bytes)?;
        check_len("article.body", &input.body, l.description_bytes)?;
        if input.tags.len() > l.tags_per_case {
            return Err(Error::TooLarge {
                field: "article.tags".into(),
                limit: l.tags_per_case,
                actual: input.tags.len(),
                unit: "entries",
            });
        }
        for t in &input.tags {
            if t.trim().is_empty() {
                return Err(Error::invalid("article.tags", "a tag must not be empty"));
            }
            check_len("article.tags", t, l.short_bytes)?;
        }
        let version = self
            .derived()
            .knowledge
            .article(&input.id)
            .map_or(0, |a| a.version);
        let payload = serde_json::to_string(&ArticleEvent {
            at: now,
            actor: actor.clone(),
            article: input.clone(),
        })
        .map_err(|e| Error::Internal(e.to_string()))?;
        self.append_stream_at(
            format!("{ARTICLE_STREAM_PREFIX}{}", input.id),
            version,
            vec![payload],
        )?;
        self.article_get(&input.id, actor)
    }

    /// An article the viewer may see: public ones for everyone, internal ones for staff.
    pub fn article_get(&self, id: &str, viewer: &Actor) -> Result<Article> {
        self.derived()
            .knowledge
            .article(id)
            .filter(|a| !a.internal || viewer.is_staff())
            .cloned()
            .ok_or_else(|| Error::ArticleNotFound {
                id: id.chars().take(100).collect(),
            })
    }

    /// Records that a reporter saw a suggestion and did not submit (sent by the host).
    pub fn deflected(
        &mut self,
        suggestion: &Suggestion,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let target = match (&suggestion.article, &suggestion.case) {
            (Some(a), None) => Target::Article(self.article_get(a, actor)?.id),
            (None, Some(c)) => Target::Case(self.find_visible(c, actor)?.id),
            _ => {
                return Err(Error::invalid(
                    "suggestion",
                    "name exactly one suggestion: {\"article\":\"kb-1\"} or {\"case\":\"CB-4\"}",
                ));
            }
        };
        let version = self.derived().knowledge.deflection_version;
        let payload = serde_json::to_string(&Deflection { at: now, target })
            .map_err(|e| Error::Internal(e.to_string()))?;
        self.append_stream_at(DEFLECTION_STREAM.into(), version, vec![payload])
    }
}
