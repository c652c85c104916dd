//! Business-time arithmetic on UTC instants: add, subtract, between, next opening.
//!
//! Time is walked one day of open spans at a time (never minute by minute); over a regular week
//! (no holiday, no clock change) of a calendar with its own weekly hours the walk jumps the whole
//! week at once.

use chrono::{DateTime, TimeDelta, Utc};

use super::model::Kind;
use super::spans::local_date;
use super::{Calendar, CalendarError};

const STEP: TimeDelta = TimeDelta::days(1);
/// Later windows of a long walk are wider: each window also builds the day before and after.
const LONG_STEP: TimeDelta = TimeDelta::days(4);
const WEEK: TimeDelta = TimeDelta::days(7);
/// How long a walk may go without finding any opening.
const HORIZON: TimeDelta = TimeDelta::days(3660);
/// The largest amount `add` and `subtract` accept: a hundred years of business time.
const MAX_AMOUNT: TimeDelta = TimeDelta::days(36_525);

fn no_opening(at: DateTime<Utc>) -> CalendarError {
    CalendarError::NoOpening(at.to_rfc3339())
}

fn checked_add(t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
    t.checked_add_signed(d).ok_or(CalendarError::OutOfRange)
}

fn checked_sub(t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
    t.checked_sub_signed(d).ok_or(CalendarError::OutOfRange)
}

impl Calendar {
    /// Business time of `[from, from + 7 days)` if that week is regular: weekly hours of its own,
    /// no holiday on any local date it touches and no clock change nearby.
    pub(crate) fn regular_week_at(&self, from: DateTime<Utc>) -> Option<TimeDelta> {
        let Kind::Hours(h) = &self.kind else {
            return None;
        };
        let to = from.checked_add_signed(WEEK)?;
        let off = |t: DateTime<Utc>| t.with_timezone(&h.zone).offset().to_owned();
        let o0 = off(from.checked_sub_signed(STEP)?);
        if o0 != off(from + TimeDelta::hours(84)) || o0 != off(to.checked_add_signed(STEP)?) {
            return None;
        }
        let first = local_date(h.zone, from).pred_opt()?;
        let last = local_date(h.zone, to);
        if !h.dates.is_empty() && h.dates.range(first..=last).next().is_some() {
            return None;
        }
        if !h.yearly.is_empty() {
            let mut d = first;
            while d <= last {
                if h.is_holiday(d) {
                    return None;
                }
                d = d.succ_opt()?;
            }
        }
        Some(h.week_len)
    }

    /// Whether the calendar is open at `at` (spans are half-open: open at the opening instant,
    /// closed at the closing instant).
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        match at.checked_add_signed(TimeDelta::nanoseconds(1)) {
            Some(next) => !self.spans_in(at, next).is_empty(),
            None => false,
        }
    }

    /// The first instant at or after `at` when the calendar is open (`at` itself when open).
    pub fn next_open(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        let mut c = at;
        loop {
            let end = checked_add(c, STEP)?;
            if let Some(s) = self.spans_in(c, end).first() {
                return Ok(s.0);
            }
            c = end;
            if c - at > HORIZON {
                return Err(no_opening(at));
            }
        }
    }

    /// The last instant at or before `at` that is open or a closing time: `at` itself when open
    /// or exactly at a closing, else the previous closing.
    pub fn previous_close(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        let mut c = at;
        loop {
            let start = checked_sub(c, STEP)?;
            if let Some(s) = self.spans_in(start, c).last() {
                return Ok(s.1);
            }
            c = start;
            if at - c > HORIZON {
                return Err(no_opening(at));
            }
        }
    }

    /// `at` plus `amount` of business time.
    ///
    /// A positive amount gives the earliest instant by which that much business time has passed
    /// since `at` (so landing exactly on a closing gives the closing time, not the next opening).
    /// A zero amount gives [`Calendar::next_open`]. A negative amount subtracts.
    pub fn add(
        &self,
        at: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if amount < TimeDelta::zero() {
            return self.subtract(at, -amount);
        }
        if amount.is_zero() {
            return self.next_open(at);
        }
        if amount > MAX_AMOUNT {
            return Err(CalendarError::OutOfRange);
        }
        let mut left = amount;
        let mut c = at;
        let mut progress = at;
        loop {
            if let Some(w) = self.regular_week_at(c)
                && w > TimeDelta::zero()
                && left > w
            {
                left -= w;
                c = checked_add(c, WEEK)?;
                progress = c;
                continue;
            }
            let step = if c == at { STEP } else { LONG_STEP };
            let end = checked_add(c, step)?;
            for (s, e) in self.spans_in(c, end) {
                let len = e - s;
                if left <= len {
                    return Ok(s + left);
                }
                left -= len;
                progress = e;
            }
            c = end;
            if c - progress > HORIZON {
                return Err(no_opening(at));
            }
        }
    }

    /// `at` minus `amount` of business time: the latest instant from which `amount` of business
    /// time reaches `at` (landing exactly on an opening gives the opening time). A zero amount
    /// gives [`Calendar::previous_close`]. A negative amount adds.
    pub fn subtract(
        &self,
        at: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if amount < TimeDelta::zero() {
            return self.add(at, -amount);
        }
        if amount.is_zero() {
            return self.previous_close(at);
        }
        if amount > MAX_AMOUNT {
            return Err(CalendarError::OutOfRange);
        }
        let mut left = amount;
        let mut c = at;
        let mut progress = at;
        loop {
            let week_start = checked_sub(c, WEEK)?;
            if let Some(w) = self.regular_week_at(week_start)
                && w > TimeDelta::zero()
                && left > w
            {
                left -= w;
                c = week_start;
                progress = c;
                continue;
            }
            let step = if c == at { STEP } else { LONG_STEP };
            let start = checked_sub(c, step)?;
            for (s, e) in self.spans_in(start, c).into_iter().rev() {
                let len = e - s;
                if left <= len {
                    return Ok(e - left);
                }
                left -= len;
                progress = s;
            }
            c = start;
            if progress - c > HORIZON {
                return Err(no_opening(at));
            }
        }
    }

    /// Business time from `from` to `to`. Antisymmetric: when `to` is before `from` the result is
    /// minus the business time from `to` to `from`, so `between(a, b) + between(b, c) ==
    /// between(a, c)` for any order.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to < from {
            return -self.between(to, from);
        }
        let mut total = TimeDelta::zero();
        let mut c = from;
        while c < to {
            if let Some(week_end) = c.checked_add_signed(WEEK)
                && week_end <= to
                && let Some(w) = self.regular_week_at(c)
            {
                total += w;
                c = week_end;
                continue;
            }
            let end = c.checked_add_signed(LONG_STEP).map_or(to, |e| e.min(to));
            for (s, e) in self.spans_in(c, end) {
                total += e - s;
            }
            c = end;
        }
        total
    }
}
