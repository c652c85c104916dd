//! Business days: local dates on which the calendar opens at all.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

use super::spans::{Bias, Span, local_date, resolve};
use super::{Calendar, CalendarError};

/// How many days a business-day walk may pass without finding a business day.
const HORIZON_DAYS: u32 = 3660;

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).unwrap_or_default()
}

impl Calendar {
    fn day_spans(&self, date: NaiveDate) -> Vec<Span> {
        let zone = self.time_zone();
        let Some(next) = date.succ_opt() else {
            return Vec::new();
        };
        let from = resolve(zone, midnight(date), Bias::Earliest);
        let to = resolve(zone, midnight(next), Bias::Earliest);
        self.spans_in(from, to)
    }

    /// Whether the calendar is open at some time during local `date` (in [`Calendar::time_zone`]).
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.day_spans(date).is_empty()
    }

    fn step_days(
        &self,
        from: NaiveDate,
        n: u32,
        forward: bool,
    ) -> Result<NaiveDate, CalendarError> {
        let mut d = from;
        let mut found = 0;
        let mut idle = 0;
        while found < n {
            d = if forward { d.succ_opt() } else { d.pred_opt() }
                .ok_or(CalendarError::OutOfRange)?;
            if self.is_business_day(d) {
                found += 1;
                idle = 0;
            } else {
                idle += 1;
                if idle > HORIZON_DAYS {
                    return Err(CalendarError::NoOpening(from.to_string()));
                }
            }
        }
        Ok(d)
    }

    /// `at` plus `n` business days.
    ///
    /// `at` first moves to [`Calendar::next_open`]; the result is the same local time of day on
    /// the n-th business day after that date. When that time is not open on that day, it moves
    /// to the day's next opening, or to its last closing when none follows.
    pub fn add_business_days(
        &self,
        at: DateTime<Utc>,
        n: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.next_open(at)?;
        if n == 0 {
            return Ok(start);
        }
        let zone = self.time_zone();
        let date = local_date(zone, start);
        let tod = start.with_timezone(&zone).naive_local() - midnight(date);
        let target_date = self.step_days(date, n, true)?;
        let target = resolve(zone, midnight(target_date) + tod, Bias::Earliest);
        let spans = self.day_spans(target_date);
        Ok(match spans.iter().find(|s| s.1 > target) {
            Some(s) => s.0.max(target),
            None => spans.last().map_or(target, |s| s.1),
        })
    }

    /// `at` minus `n` business days.
    ///
    /// `at` first moves to [`Calendar::previous_close`]; the result is the same local time of day
    /// on the n-th business day before that date (a closing at midnight counts as 24:00 of the
    /// day before). When that time is not open on that day, it moves to the day's previous
    /// closing, or to its first opening when none precedes.
    pub fn subtract_business_days(
        &self,
        at: DateTime<Utc>,
        n: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let end = self.previous_close(at)?;
        if n == 0 {
            return Ok(end);
        }
        let zone = self.time_zone();
        let before = end - TimeDelta::nanoseconds(1);
        let date = local_date(zone, before);
        let tod = end.with_timezone(&zone).naive_local() - midnight(date);
        let target_date = self.step_days(date, n, false)?;
        let target = resolve(zone, midnight(target_date) + tod, Bias::Latest);
        let spans = self.day_spans(target_date);
        Ok(match spans.iter().rev().find(|s| s.0 < target) {
            Some(s) => s.1.min(target),
            None => spans.first().map_or(target, |s| s.0),
        })
    }

    /// Number of business days in `[from, to)`; minus the count of `[to, from)` when `to` is
    /// before `from`. For an inclusive count pass the day after `to`.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.business_days_between(to, from);
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            if self.is_business_day(d) {
                n += 1;
            }
            match d.succ_opt() {
                Some(x) => d = x,
                None => break,
            }
        }
        n
    }
}
