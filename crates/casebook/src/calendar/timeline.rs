//! A precomputed stretch of a calendar for many queries over the same period.

use chrono::{DateTime, TimeDelta, Utc};

use super::spans::Span;
use super::{Calendar, CalendarError};

/// The open spans of a calendar over `[from, to)` with running totals, so that business time
/// between two instants in that period is two binary searches. Queries outside the period fall
/// back to the calendar.
#[derive(Clone, Debug)]
pub struct Timeline<'a> {
    calendar: &'a Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    spans: Vec<Span>,
    /// Business time before each span.
    before: Vec<TimeDelta>,
    /// Business time up to the end of each span.
    after: Vec<TimeDelta>,
}

impl Calendar {
    /// Precomputes the open spans of `[from, to)`.
    pub fn timeline(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Timeline<'_> {
        let spans = self.spans_in(from, to);
        let mut before = Vec::with_capacity(spans.len());
        let mut after = Vec::with_capacity(spans.len());
        let mut acc = TimeDelta::zero();
        for (s, e) in &spans {
            before.push(acc);
            acc += *e - *s;
            after.push(acc);
        }
        Timeline {
            calendar: self,
            from,
            to,
            spans,
            before,
            after,
        }
    }
}

impl Timeline<'_> {
    fn covers(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t <= self.to
    }

    /// Business time from the start of the period to `t` (which must be inside it).
    fn upto(&self, t: DateTime<Utc>) -> TimeDelta {
        let k = self.spans.partition_point(|s| s.0 < t);
        if k == 0 {
            return TimeDelta::zero();
        }
        let (s, e) = self.spans[k - 1];
        self.before[k - 1] + (t.min(e) - s)
    }

    /// Same as [`Calendar::between`].
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        if self.covers(a) && self.covers(b) {
            self.upto(b) - self.upto(a)
        } else {
            self.calendar.between(a, b)
        }
    }

    /// Same as [`Calendar::add`].
    pub fn add(
        &self,
        at: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if amount > TimeDelta::zero() && self.covers(at) {
            let target = self.upto(at) + amount;
            let j = self.after.partition_point(|a| *a < target);
            if j < self.spans.len() {
                return Ok(self.spans[j].0 + (target - self.before[j]));
            }
        }
        self.calendar.add(at, amount)
    }
}
