//! Reading durations, amounts and instants from text.

use chrono::{DateTime, TimeDelta, Utc};

use super::spans::{Bias, resolve};
use super::{Calendar, CalendarError};

/// Reads a duration such as `1h30m`, `90s`, `45min`, `1d 2h`, `250ms`.
///
/// Units: `d` (24 hours), `h`, `m` or `min`, `s`, `ms`; whole numbers; parts may be separated by
/// spaces. Applied to a calendar, `d` is 24 hours of *business* time, not a business day: use
/// [`parse_amount`] with `bd` for business days.
pub fn parse_duration(text: &str) -> Result<TimeDelta, CalendarError> {
    let bad = || CalendarError::BadDuration(text.to_string());
    let s = text.trim();
    if s.is_empty() {
        return Err(bad());
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total = TimeDelta::zero();
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(bad());
        }
        let n: i64 = s[start..i].parse().map_err(|_| bad())?;
        let ustart = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit_ms: i64 = match &s[ustart..i] {
            "d" => 86_400_000,
            "h" => 3_600_000,
            "m" | "min" => 60_000,
            "s" => 1_000,
            "ms" => 1,
            _ => return Err(bad()),
        };
        let part = n
            .checked_mul(unit_ms)
            .and_then(TimeDelta::try_milliseconds)
            .ok_or_else(bad)?;
        total = total.checked_add(&part).ok_or_else(bad)?;
    }
    Ok(total)
}

/// An amount of business time: a duration, or whole business days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// Business time.
    Duration(TimeDelta),
    /// Business days (see [`Calendar::add_business_days`]).
    BusinessDays(u32),
}

/// Reads an [`Amount`]: a [`parse_duration`] duration, or business days written `3bd`,
/// `3 business days` or `3 working days`.
pub fn parse_amount(text: &str) -> Result<Amount, CalendarError> {
    let s = text.trim();
    let lower = s.to_ascii_lowercase();
    for suffix in [
        "bd",
        " business days",
        " business day",
        " working days",
        " working day",
    ] {
        if let Some(num) = lower.strip_suffix(suffix) {
            let n: u32 = num
                .trim()
                .parse()
                .map_err(|_| CalendarError::BadDuration(text.to_string()))?;
            return Ok(Amount::BusinessDays(n));
        }
    }
    parse_duration(s).map(Amount::Duration)
}

impl Calendar {
    /// `at` plus an [`Amount`].
    pub fn add_amount(
        &self,
        at: DateTime<Utc>,
        amount: Amount,
    ) -> Result<DateTime<Utc>, CalendarError> {
        match amount {
            Amount::Duration(d) => self.add(at, d),
            Amount::BusinessDays(n) => self.add_business_days(at, n),
        }
    }

    /// `at` minus an [`Amount`].
    pub fn subtract_amount(
        &self,
        at: DateTime<Utc>,
        amount: Amount,
    ) -> Result<DateTime<Utc>, CalendarError> {
        match amount {
            Amount::Duration(d) => self.subtract(at, d),
            Amount::BusinessDays(n) => self.subtract_business_days(at, n),
        }
    }
}

/// Reads an instant.
///
/// RFC 3339 with an offset (`2015-04-03T10:00:00+02:00`, `...Z`) is exact. A local time without
/// offset (`2015-04-03T10:00`, `2015-04-03T10:00:00.5`, `2015-04-03 10:00`, or a date alone for
/// its midnight) is read in the calendar's time zone: a time repeated when clocks go back means
/// its first occurrence; a time skipped when clocks go forward means the instant the gap ends.
pub fn parse_instant(text: &str, calendar: &Calendar) -> Result<DateTime<Utc>, CalendarError> {
    let s = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = super::text::date_time(s)
        .or_else(|| super::text::date(s).and_then(|d| d.and_hms_opt(0, 0, 0)))
        .ok_or_else(|| CalendarError::BadInstant(text.to_string()))?;
    Ok(resolve(calendar.time_zone(), naive, Bias::Earliest))
}
