//! Metrics and trends, computed from the event history. Definitions: docs/metrics.md.

mod metrics;
mod pending;
mod trends;

pub use metrics::{Backlog, DurationStat, RateStat, Stats, stats};
pub use pending::PendingMetric;
pub use trends::{Cluster, Spike, Trends, binomial_upper_tail, trends};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::case::{Case, Channel, Priority};
use crate::release::{LoopError, LoopResult};

/// A period of whole days (UTC), both ends included: "2026-11-01..2026-11-30".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

impl Period {
    /// Parses "FROM..TO" (ISO dates) or a single day.
    pub fn parse(s: &str) -> LoopResult<Self> {
        let bad = |why: &str| {
            LoopError::InvalidPeriod(format!(
                "'{}' {why}; write FROM..TO, e.g. 2026-11-01..2026-11-30",
                s.chars().take(60).collect::<String>()
            ))
        };
        let (a, b) = s.trim().split_once("..").unwrap_or((s.trim(), s.trim()));
        let from: NaiveDate = a
            .trim()
            .parse()
            .map_err(|_| bad("has no valid start date"))?;
        let to: NaiveDate = b.trim().parse().map_err(|_| bad("has no valid end date"))?;
        if to < from {
            return Err(bad("ends before it starts"));
        }
        if (to - from).num_days() > 3660 {
            return Err(bad("is longer than ten years"));
        }
        Ok(Self { from, to })
    }

    /// The first instant.
    pub fn start(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.from.and_time(chrono::NaiveTime::MIN))
    }

    /// The instant after the last day.
    pub fn end(&self) -> DateTime<Utc> {
        self.start() + chrono::Duration::days(self.days())
    }

    /// Its length in days.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Whether an instant lies within.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start() && t < self.end()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// Which cases count (by their current attributes); all given parts must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsFilter {
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// A tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

impl StatsFilter {
    /// Whether a case matches.
    pub fn matches(&self, c: &Case) -> bool {
        self.team
            .as_ref()
            .is_none_or(|t| c.team.as_ref() == Some(t))
            && self.tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && self.channel.is_none_or(|ch| c.channel == ch)
            && self.priority.is_none_or(|p| c.priority == p)
    }
}

#[cfg(test)]
mod tests;
