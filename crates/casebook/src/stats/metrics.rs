//! The metrics of `stats`, from each case's events up to the end of the period.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pending::{self, PendingMetric};
use super::{Period, StatsFilter};
use crate::engine::Casebook;
use crate::event::{Change, Event};
use crate::release::LoopResult;
use crate::store::Store;
use crate::workflow::Workflow;

/// Durations, in seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DurationStat {
    /// How many cases have one.
    pub count: usize,
    /// The median (the mean of the two middle values for an even count).
    pub median_secs: Option<i64>,
    /// The mean, rounded down.
    pub mean_secs: Option<i64>,
    /// The 90th percentile (nearest rank).
    pub p90_secs: Option<i64>,
}

impl DurationStat {
    pub(crate) fn of(mut v: Vec<i64>) -> Self {
        v.sort_unstable();
        let n = v.len();
        if n == 0 {
            return Self::default();
        }
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2
        };
        let rank = (n * 9).div_ceil(10).max(1);
        Self {
            count: n,
            median_secs: Some(median),
            mean_secs: Some(v.iter().sum::<i64>() / n as i64),
            p90_secs: Some(v[rank - 1]),
        }
    }
}

/// A rate: how many of how many.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RateStat {
    /// The numerator.
    pub count: usize,
    /// The denominator.
    pub of: usize,
    /// count / of, none when `of` is 0.
    pub rate: Option<f64>,
}

impl RateStat {
    fn new(count: usize, of: usize) -> Self {
        Self {
            count,
            of,
            rate: (of > 0).then(|| count as f64 / of as f64),
        }
    }
}

/// The open cases at the end of the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Backlog {
    /// How many.
    pub size: usize,
    /// Their ages: under 1 day, 1-3, 3-7, 7-30, over 30 days.
    pub ages: Vec<(String, usize)>,
    /// The median age.
    pub median_age_secs: Option<i64>,
}

/// What `stats` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stats {
    /// The period.
    pub period: String,
    /// Cases reported in the period (matching the filter): the cohort.
    pub reported: usize,
    /// Report to first public staff reply.
    pub first_reply: DurationStat,
    /// Report to first solve or close.
    pub first_resolution: DurationStat,
    /// Report to the solve or close that stuck (cases solved or closed at the period end).
    pub full_resolution: DurationStat,
    /// Report to the reporter's confirmation that the shipped fix works.
    pub confirmed_resolution: DurationStat,
    /// Solved with at most one public staff reply and never reopened, of the solved.
    pub first_contact_resolution: RateStat,
    /// Reopened at least once, of the solved.
    pub reopen_rate: RateStat,
    /// Good ratings of all ratings given in the period.
    pub satisfaction: RateStat,
    /// Open cases at the end of the period.
    pub backlog: Backlog,
    /// SLA attainment per target.
    pub sla_attainment: PendingMetric,
    /// Known-answer rate.
    pub known_answer_rate: PendingMetric,
    /// Deflection rate.
    pub deflection_rate: PendingMetric,
}

/// What one case's history says, up to a moment.
#[derive(Debug, Default)]
struct Facts {
    reported: Option<DateTime<Utc>>,
    first_reply: Option<DateTime<Utc>>,
    first_resolved: Option<DateTime<Utc>>,
    resolved_since: Option<DateTime<Utc>>,
    confirmed: Option<DateTime<Utc>>,
    replies_before_resolve: usize,
    reopened: bool,
}

fn facts(wf: &Workflow, events: &[Event], until: DateTime<Utc>) -> Facts {
    let mut f = Facts::default();
    let mut replies = 0;
    let mut open = true;
    for e in events.iter().take_while(|e| e.at < until) {
        match &e.change {
            Change::Reported { .. } => f.reported = Some(e.at),
            Change::Commented {
                internal: false, ..
            } if e.actor.is_staff() => {
                replies += 1;
                f.first_reply.get_or_insert(e.at);
            }
            Change::Transitioned { to, .. } => {
                let now_open = wf.category(to).is_open();
                if open && !now_open {
                    f.resolved_since = Some(e.at);
                    if f.first_resolved.is_none() {
                        f.first_resolved = Some(e.at);
                        f.replies_before_resolve = replies;
                    }
                } else if !open && now_open {
                    f.reopened = true;
                    f.resolved_since = None;
                }
                open = now_open;
            }
            Change::FixConfirmed { works: true, .. } => {
                f.confirmed.get_or_insert(e.at);
            }
            _ => {}
        }
    }
    f
}

fn secs(a: DateTime<Utc>, b: Option<DateTime<Utc>>) -> Option<i64> {
    b.map(|b| (b - a).num_seconds())
}

/// Op `stats`: metrics of the cases matching `filter`, over `period`.
pub fn stats<S: Store>(
    book: &Casebook<S>,
    period: &Period,
    filter: &StatsFilter,
) -> LoopResult<Stats> {
    let (start, end) = (period.start(), period.end());
    let wf = book.workflow();
    let mut cohort: Vec<Vec<Event>> = Vec::new();
    let (mut reply, mut first, mut full, mut confirmed) = (vec![], vec![], vec![], vec![]);
    let (mut solved, mut fcr, mut reopened) = (0, 0, 0);
    let (mut ratings, mut good) = (0, 0);
    let mut ages = Vec::new();
    for case in book.cases().iter() {
        if !filter.matches(case) || case.created_at >= end {
            continue;
        }
        let events = book.events_of(case.id)?;
        for e in events.iter().filter(|e| period.contains(e.at)) {
            if let Change::Rated { good: g, .. } = e.change {
                ratings += 1;
                good += usize::from(g);
            }
        }
        let f = facts(wf, &events, end);
        let Some(at) = f.reported else { continue };
        if f.resolved_since.is_none() {
            ages.push((end - at).num_seconds());
        }
        if at < start {
            continue;
        }
        reply.extend(secs(at, f.first_reply));
        first.extend(secs(at, f.first_resolved));
        full.extend(secs(at, f.resolved_since));
        confirmed.extend(secs(at, f.confirmed));
        if f.first_resolved.is_some() {
            solved += 1;
            fcr += usize::from(f.replies_before_resolve <= 1 && !f.reopened);
            reopened += usize::from(f.reopened);
        }
        cohort.push(events);
    }
    let day = 86_400;
    let bucket = |lo: i64, hi: i64| ages.iter().filter(|&&a| a >= lo && a < hi).count();
    let backlog = Backlog {
        size: ages.len(),
        ages: vec![
            ("<1d".into(), bucket(0, day)),
            ("1-3d".into(), bucket(day, 3 * day)),
            ("3-7d".into(), bucket(3 * day, 7 * day)),
            ("7-30d".into(), bucket(7 * day, 30 * day)),
            (">30d".into(), bucket(30 * day, i64::MAX)),
        ],
        median_age_secs: DurationStat::of(ages.clone()).median_secs,
    };
    let histories: Vec<&[Event]> = cohort.iter().map(Vec::as_slice).collect();
    Ok(Stats {
        period: period.to_string(),
        reported: cohort.len(),
        first_reply: DurationStat::of(reply),
        first_resolution: DurationStat::of(first),
        full_resolution: DurationStat::of(full),
        confirmed_resolution: DurationStat::of(confirmed),
        first_contact_resolution: RateStat::new(fcr, solved),
        reopen_rate: RateStat::new(reopened, solved),
        satisfaction: RateStat::new(good, ratings),
        backlog,
        sla_attainment: pending::sla_attainment(book, &histories, end),
        known_answer_rate: pending::known_answer_rate(&histories),
        deflection_rate: pending::deflection_rate(book, cohort.len(), start, end),
    })
}
