//! A precomputed stretch of a calendar for many queries over the same period.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Calendar, CalendarError};

/// The open spans of a calendar over `[from, to)` with running totals, so that business time
/// between two instants in that period is two binary searches over integers. Queries outside
/// the period (or beyond the years 1677..2262, where nanosecond timestamps end) fall back to the
/// calendar.
#[derive(Clone, Debug)]
pub struct Timeline<'a> {
    calendar: &'a Calendar,
    from: i64,
    to: i64,
    /// Span starts and ends, nanoseconds since the epoch.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Business nanoseconds before each span, and up to the end of each span.
    before: Vec<i64>,
    after: Vec<i64>,
}

fn ns(t: DateTime<Utc>) -> Option<i64> {
    t.timestamp_nanos_opt()
}

impl Calendar {
    /// Precomputes the open spans of `[from, to)`.
    pub fn timeline(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Timeline<'_> {
        let mut tl = Timeline {
            calendar: self,
            from: 0,
            to: -1, // empty: everything falls back
            starts: Vec::new(),
            ends: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
        };
        let (Some(f), Some(t)) = (ns(from), ns(to)) else {
            return tl;
        };
        let spans = self.spans_in(from, to);
        let mut acc = 0i64;
        for (s, e) in &spans {
            let (Some(s), Some(e)) = (ns(*s), ns(*e)) else {
                return tl;
            };
            tl.starts.push(s);
            tl.ends.push(e);
            tl.before.push(acc);
            acc += e - s;
            tl.after.push(acc);
        }
        tl.from = f;
        tl.to = t;
        tl
    }
}

impl Timeline<'_> {
    fn inside(&self, t: DateTime<Utc>) -> Option<i64> {
        ns(t).filter(|n| self.from <= *n && *n <= self.to)
    }

    /// Business nanoseconds from the start of the period to `t` (inside it).
    fn upto(&self, t: i64) -> i64 {
        let k = self.starts.partition_point(|s| *s < t);
        if k == 0 {
            return 0;
        }
        self.before[k - 1] + (t.min(self.ends[k - 1]) - self.starts[k - 1])
    }

    /// Same as [`Calendar::between`].
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        match (self.inside(a), self.inside(b)) {
            (Some(x), Some(y)) => TimeDelta::nanoseconds(self.upto(y) - self.upto(x)),
            _ => self.calendar.between(a, b),
        }
    }

    /// Same as [`Calendar::add`].
    pub fn add(
        &self,
        at: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if amount > TimeDelta::zero()
            && let (Some(x), Some(d)) = (self.inside(at), amount.num_nanoseconds())
        {
            let target = self.upto(x).saturating_add(d);
            let j = self.after.partition_point(|a| *a < target);
            if j < self.starts.len() {
                return Ok(DateTime::from_timestamp_nanos(
                    self.starts[j] + (target - self.before[j]),
                ));
            }
        }
        self.calendar.add(at, amount)
    }
}

impl Timeline<'_> {
    /// Business time from the start of the period to each of `instants`, in one pass over the
    /// spans while they ascend: what folding many events over one period needs. An instant out
    /// of order (or outside the period) is looked up on its own.
    pub fn running_totals(&self, instants: &[DateTime<Utc>]) -> Vec<TimeDelta> {
        let mut out = Vec::with_capacity(instants.len());
        let mut k = 0; // spans starting before the last instant walked to
        let mut last = i64::MIN;
        for &t in instants {
            match self.inside(t) {
                Some(n) if n >= last => {
                    while k < self.starts.len() && self.starts[k] < n {
                        k += 1;
                    }
                    last = n;
                    let v = if k == 0 {
                        0
                    } else {
                        self.before[k - 1] + (n.min(self.ends[k - 1]) - self.starts[k - 1])
                    };
                    out.push(TimeDelta::nanoseconds(v));
                }
                _ => out.push(self.since_start(t)),
            }
        }
        out
    }

    fn since_start(&self, t: DateTime<Utc>) -> TimeDelta {
        match self.inside(t) {
            Some(n) => TimeDelta::nanoseconds(self.upto(n)),
            None => self
                .calendar
                .between(DateTime::from_timestamp_nanos(self.from), t),
        }
    }
}
