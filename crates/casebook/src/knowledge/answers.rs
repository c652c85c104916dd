//! `known_answers`: the articles and originals that keep being needed, with trend and the
//! deflection rate.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Target;
use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::store::Store;

/// A deflection: the payload of the `deflection` stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deflection {
    /// When the reporter left without submitting.
    pub at: DateTime<Utc>,
    /// What they were shown.
    pub target: Target,
}

/// What a known answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A knowledge article.
    Article,
    /// An original case others were duplicates of.
    Case,
}

/// This period against the previous one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Needed only in this period.
    New,
    /// Needed more often than in the previous period.
    Rising,
    /// As often.
    Steady,
    /// Less often.
    Falling,
}

/// One known answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KnownAnswer {
    /// Article or case.
    pub kind: AnswerKind,
    /// The article id, or the case key.
    pub id: String,
    /// The article's title or the case's subject (empty for an article the casebook lacks).
    pub title: String,
    /// Cases solved with it, ever.
    pub total: usize,
    /// Cases solved with it in this period.
    pub this_period: usize,
    /// Cases solved with it in the previous period.
    pub previous_period: usize,
    /// The trend.
    pub trend: Trend,
    /// Reporters who saw it suggested and did not submit, in this period.
    pub deflected: usize,
}

/// Deflections against reports in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeflectionRate {
    /// Reporters who saw a suggestion and did not submit.
    pub deflected: usize,
    /// Cases reported.
    pub reported: usize,
    /// deflected / (deflected + reported); 0 when both are 0.
    pub rate: f64,
}

/// The answer to `known_answers`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KnownAnswers {
    /// The period's length in days.
    pub period_days: u32,
    /// The period's start (the previous period is as long, just before).
    pub since: DateTime<Utc>,
    /// Known answers, most needed in this period first.
    pub answers: Vec<KnownAnswer>,
    /// The deflection rate in this period.
    pub deflection: DeflectionRate,
}

#[derive(Default)]
struct Tally {
    total: usize,
    this: usize,
    previous: usize,
    deflected: usize,
}

impl<S: Store> Casebook<S> {
    /// The known answers (staff only): counts of cases solved by pointing to an article or an
    /// original, this period (`period_days` up to `now`) against the previous one.
    pub fn known_answers(
        &self,
        period_days: u32,
        limit: usize,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<KnownAnswers> {
        if !actor.is_staff() {
            return Err(Error::forbidden(
                "reading known answers",
                actor.role,
                "known answers are a staff report",
            ));
        }
        if !(1..=3650).contains(&period_days) {
            return Err(Error::invalid(
                "period_days",
                "give a period of 1 to 3650 days",
            ));
        }
        let k = &self.derived().knowledge;
        let since = now - Duration::days(i64::from(period_days));
        let before = since - Duration::days(i64::from(period_days));
        let this = |at: &DateTime<Utc>| *at >= since && *at <= now;
        let mut tally: BTreeMap<&Target, Tally> = BTreeMap::new();
        for (at, t) in &k.uses {
            if *at > now {
                continue;
            }
            let e = tally.entry(t).or_default();
            e.total += 1;
            if this(at) {
                e.this += 1;
            } else if *at >= before {
                e.previous += 1;
            }
        }
        let mut deflected = 0;
        for (at, t) in &k.deflections {
            if this(at) {
                deflected += 1;
                tally.entry(t).or_default().deflected += 1;
            }
        }
        let reported = k.reported.iter().filter(|at| this(at)).count();
        let mut answers: Vec<KnownAnswer> = tally
            .into_iter()
            .map(|(t, n)| {
                let (kind, id, title) = match t {
                    Target::Article(a) => (
                        AnswerKind::Article,
                        a.clone(),
                        k.article(a).map(|x| x.title.clone()).unwrap_or_default(),
                    ),
                    Target::Case(c) => match self.cases().get(*c) {
                        Some(case) => (AnswerKind::Case, self.key_of(case), case.subject.clone()),
                        None => (AnswerKind::Case, c.to_string(), String::new()),
                    },
                };
                let trend = match (n.this, n.previous) {
                    (t, 0) if t > 0 => Trend::New,
                    (t, p) if t > p => Trend::Rising,
                    (t, p) if t == p => Trend::Steady,
                    _ => Trend::Falling,
                };
                KnownAnswer {
                    kind,
                    id,
                    title,
                    total: n.total,
                    this_period: n.this,
                    previous_period: n.previous,
                    trend,
                    deflected: n.deflected,
                }
            })
            .collect();
        answers.sort_by(|a, b| {
            (b.this_period + b.deflected, b.total)
                .cmp(&(a.this_period + a.deflected, a.total))
                .then_with(|| a.id.cmp(&b.id))
        });
        answers.truncate(limit.clamp(1, 200));
        let rate = if deflected + reported == 0 {
            0.0
        } else {
            deflected as f64 / (deflected + reported) as f64
        };
        Ok(KnownAnswers {
            period_days,
            since,
            answers,
            deflection: DeflectionRate {
                deflected,
                reported,
                rate,
            },
        })
    }
}
