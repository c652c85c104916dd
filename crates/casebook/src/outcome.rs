//! Honest outcomes: how a case ended, or what will happen to it, in words a customer understands.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::Limits;

/// The kind of an outcome, for workflow rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Fixed in a version.
    Fixed,
    /// Planned for a release or date.
    Planned,
    /// A workaround exists.
    Workaround,
    /// Will not be fixed, with a reason.
    WontFix,
    /// The same as another case.
    Duplicate,
    /// Could not be reproduced; what is needed to go on.
    CannotReproduce,
    /// Answered by an article or a reply.
    Answered,
    /// The reporter withdrew the case.
    Withdrawn,
}

impl OutcomeKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Fixed => "fixed",
            OutcomeKind::Planned => "planned",
            OutcomeKind::Workaround => "workaround",
            OutcomeKind::WontFix => "wont_fix",
            OutcomeKind::Duplicate => "duplicate",
            OutcomeKind::CannotReproduce => "cannot_reproduce",
            OutcomeKind::Answered => "answered",
            OutcomeKind::Withdrawn => "withdrawn",
        }
    }
}

/// An outcome, with what makes it honest: the version, the reason, the workaround, the original.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// Fixed in `version`.
    Fixed {
        /// The version that contains the fix, e.g. "5.2".
        version: String,
    },
    /// Planned for a release and/or a date.
    Planned {
        /// The target release, e.g. "5.3".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_release: Option<String>,
        /// The target date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_date: Option<NaiveDate>,
    },
    /// A workaround.
    Workaround {
        /// How to work around the problem.
        text: String,
    },
    /// Will not be fixed.
    WontFix {
        /// Why not.
        reason: String,
        /// A workaround, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workaround: Option<String>,
    },
    /// A duplicate of another case (id or key as given; the engine stores the key).
    Duplicate {
        /// The original case, by id or key.
        of: String,
    },
    /// Could not be reproduced.
    CannotReproduce {
        /// What is needed to go on.
        needed: String,
    },
    /// Answered by a knowledge article and/or a reply.
    Answered {
        /// The knowledge article's id or URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        article: Option<String>,
        /// The answer in short.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply: Option<String>,
    },
    /// The reporter withdrew the case.
    Withdrawn {
        /// Why, if they said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl Outcome {
    /// The kind.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Fixed { .. } => OutcomeKind::Fixed,
            Outcome::Planned { .. } => OutcomeKind::Planned,
            Outcome::Workaround { .. } => OutcomeKind::Workaround,
            Outcome::WontFix { .. } => OutcomeKind::WontFix,
            Outcome::Duplicate { .. } => OutcomeKind::Duplicate,
            Outcome::CannotReproduce { .. } => OutcomeKind::CannotReproduce,
            Outcome::Answered { .. } => OutcomeKind::Answered,
            Outcome::Withdrawn { .. } => OutcomeKind::Withdrawn,
        }
    }

    /// Checks that the outcome says what it must, within the limits.
    pub fn validate(&self, limits: &Limits) -> Result<()> {
        fn required(field: &str, v: &str, max: usize) -> Result<()> {
            if v.trim().is_empty() {
                return Err(Error::invalid(
                    format!("outcome.{field}"),
                    "must not be empty: an honest outcome says it in words",
                ));
            }
            optional(field, Some(v), max)
        }
        fn optional(field: &str, v: Option<&str>, max: usize) -> Result<()> {
            match v {
                Some(v) if v.len() > max => Err(Error::TooLarge {
                    field: format!("outcome.{field}"),
                    limit: max,
                    actual: v.len(),
                    unit: "bytes",
                }),
                _ => Ok(()),
            }
        }
        let (short, long) = (limits.short_bytes, limits.long_bytes);
        match self {
            Outcome::Fixed { version } => required("version", version, short),
            Outcome::Planned {
                target_release,
                target_date,
            } => {
                if target_release
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty())
                    && target_date.is_none()
                {
                    return Err(Error::invalid(
                        "outcome.target_release",
                        "a planned outcome needs a target_release or a target_date",
                    ));
                }
                optional("target_release", target_release.as_deref(), short)
            }
            Outcome::Workaround { text } => required("text", text, long),
            Outcome::WontFix { reason, workaround } => {
                required("reason", reason, long)?;
                optional("workaround", workaround.as_deref(), long)
            }
            Outcome::Duplicate { of } => required("of", of, short),
            Outcome::CannotReproduce { needed } => required("needed", needed, long),
            Outcome::Answered { article, reply } => {
                if article.is_none() && reply.is_none() {
                    return Err(Error::invalid(
                        "outcome.article",
                        "an answered outcome names the article or gives the reply",
                    ));
                }
                optional("article", article.as_deref(), short)?;
                optional("reply", reply.as_deref(), long)
            }
            Outcome::Withdrawn { reason } => optional("reason", reason.as_deref(), long),
        }
    }

    /// The outcome in plain words, as a customer reads it.
    pub fn plain_words(&self) -> String {
        match self {
            Outcome::Fixed { version } => format!("Fixed in {version}"),
            Outcome::Planned {
                target_release,
                target_date,
            } => match (target_release, target_date) {
                (Some(r), Some(d)) => format!("Planned for {r} (by {d})"),
                (Some(r), None) => format!("Planned for {r}"),
                (None, Some(d)) => format!("Planned for {d}"),
                (None, None) => "Planned".to_string(),
            },
            Outcome::Workaround { text } => format!("Workaround: {text}"),
            Outcome::WontFix {
                reason,
                workaround: None,
            } => format!("Won't fix: {reason}"),
            Outcome::WontFix {
                reason,
                workaround: Some(w),
            } => {
                format!("Won't fix: {reason}. Workaround: {w}")
            }
            Outcome::Duplicate { of } => format!("Duplicate of {of}"),
            Outcome::CannotReproduce { needed } => {
                format!("Cannot reproduce yet; needed: {needed}")
            }
            Outcome::Answered {
                article: Some(a), ..
            } => format!("Answered: see {a}"),
            Outcome::Answered {
                article: None,
                reply,
            } => {
                format!("Answered: {}", reply.as_deref().unwrap_or_default())
            }
            Outcome::Withdrawn { reason: Some(r) } => format!("Withdrawn by the reporter: {r}"),
            Outcome::Withdrawn { reason: None } => "Withdrawn by the reporter".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_honest() {
        let o: Outcome =
            serde_json::from_str(r#"{"kind":"planned","target_release":"5.3"}"#).unwrap();
        assert_eq!(o.plain_words(), "Planned for 5.3");
        let o: Outcome = serde_json::from_str(
            r#"{"kind":"wont_fix","reason":"legacy API","workaround":"use v2"}"#,
        )
        .unwrap();
        assert_eq!(o.plain_words(), "Won't fix: legacy API. Workaround: use v2");
        assert_eq!(
            Outcome::Fixed {
                version: "5.2".into()
            }
            .plain_words(),
            "Fixed in 5.2"
        );
    }

    #[test]
    fn validation_requires_the_honest_part() {
        let l = Limits::default();
        assert!(
            Outcome::WontFix {
                reason: " ".into(),
                workaround: None
            }
            .validate(&l)
            .is_err()
        );
        assert!(
            Outcome::Planned {
                target_release: None,
                target_date: None
            }
            .validate(&l)
            .is_err()
        );
        assert!(
            Outcome::Answered {
                article: None,
                reply: None
            }
            .validate(&l)
            .is_err()
        );
        let big = "x".repeat(l.long_bytes + 1);
        let e = Outcome::Workaround { text: big }.validate(&l).unwrap_err();
        assert_eq!(e.code().as_str(), "too_large");
        assert!(serde_json::from_str::<Outcome>(r#"{"kind":"wont_fix"}"#).is_err());
    }
}
