//! The calendar model: weekly opening hours, holidays, and combinations of calendars.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::Tz;
use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

use super::CalendarError;

/// Seconds in a day; an interval end of `DAY` is "24:00".
pub(crate) const DAY: u32 = 86_400;

/// One opening interval of a weekday, in local seconds since midnight.
///
/// `end` may be `86400` ("24:00"). When `end <= start` the interval is overnight: it starts on its
/// weekday and ends on the next day at `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OpeningInterval {
    /// Start, seconds after local midnight (0 ..= 86399).
    pub start: u32,
    /// End, seconds after local midnight (0 ..= 86400); at or before `start` means the next day.
    pub end: u32,
}

impl OpeningInterval {
    /// Whether the interval ends on the next day.
    pub fn is_overnight(&self) -> bool {
        self.end <= self.start
    }

    /// Local length in seconds.
    pub fn len_secs(&self) -> u32 {
        if self.is_overnight() {
            DAY - self.start + self.end
        } else {
            self.end - self.start
        }
    }
}

/// A holiday: one date, or the same month and day every year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holiday {
    /// One calendar date.
    Date(NaiveDate),
    /// Every year on this month (1-12) and day (1-31).
    Yearly {
        /// Month, 1-12.
        month: u32,
        /// Day of month, 1-31.
        day: u32,
    },
}

impl Holiday {
    /// Reads `YYYY-MM-DD` (one date) or `--MM-DD` (every year).
    pub fn parse(text: &str) -> Result<Holiday, CalendarError> {
        let bad = || CalendarError::BadHoliday(text.to_string());
        if let Some(rest) = text.strip_prefix("--") {
            let (m, d) = rest.split_once('-').ok_or_else(bad)?;
            if m.len() != 2 || d.len() != 2 {
                return Err(bad());
            }
            let month: u32 = m.parse().map_err(|_| bad())?;
            let day: u32 = d.parse().map_err(|_| bad())?;
            // 2000 is a leap year, so --02-29 is accepted.
            NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(bad)?;
            Ok(Holiday::Yearly { month, day })
        } else {
            super::text::date(text).map(Holiday::Date).ok_or_else(bad)
        }
    }
}

impl std::fmt::Display for Holiday {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Holiday::Date(d) => write!(f, "{d}"),
            Holiday::Yearly { month, day } => write!(f, "--{month:02}-{day:02}"),
        }
    }
}

/// Weekly opening hours and holidays in one time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hours {
    pub(crate) zone: Tz,
    /// Monday first.
    pub(crate) week: [Vec<OpeningInterval>; 7],
    pub(crate) dates: BTreeSet<NaiveDate>,
    pub(crate) yearly: BTreeSet<(u32, u32)>,
    /// Business time of one regular week (union of all intervals).
    pub(crate) week_len: TimeDelta,
}

impl Hours {
    pub(crate) fn is_holiday(&self, date: NaiveDate) -> bool {
        (!self.yearly.is_empty() && self.yearly.contains(&(date.month(), date.day())))
            || (!self.dates.is_empty() && self.dates.contains(&date))
    }

    pub(crate) fn day(&self, wd: Weekday) -> &[OpeningInterval] {
        &self.week[wd.num_days_from_monday() as usize]
    }
}

/// Measure of the union of the weekly intervals, wrapping Sunday night into Monday.
fn week_union_secs(week: &[Vec<OpeningInterval>; 7]) -> i64 {
    let week_secs = 7 * i64::from(DAY);
    let mut spans: Vec<(i64, i64)> = Vec::new();
    for (i, day) in week.iter().enumerate() {
        let base = i as i64 * i64::from(DAY);
        for iv in day {
            let s = base + i64::from(iv.start);
            let e = s + i64::from(iv.len_secs());
            if e > week_secs {
                spans.push((s, week_secs));
                spans.push((0, e - week_secs));
            } else {
                spans.push((s, e));
            }
        }
    }
    spans.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(i64, i64)> = None;
    for (s, e) in spans {
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs;
    }
    total
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Hours(Arc<Hours>),
    AllOf(Vec<Calendar>),
    AnyOf(Vec<Calendar>),
}

/// A business calendar: when a team (or a customer) counts time.
///
/// Either weekly hours with holidays in one IANA time zone, or the intersection / union of other
/// calendars. All arithmetic takes and gives UTC instants; see `docs/sla.md` for the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub(crate) kind: Kind,
}

impl Calendar {
    /// Builds a calendar from weekly hours (Monday first) and holidays.
    pub fn new(
        zone: Tz,
        week: [Vec<OpeningInterval>; 7],
        holidays: impl IntoIterator<Item = Holiday>,
    ) -> Result<Calendar, CalendarError> {
        let mut week = week;
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        for (i, day) in week.iter_mut().enumerate() {
            for iv in day.iter() {
                if iv.start >= DAY || iv.end > DAY || iv.start == iv.end {
                    return Err(CalendarError::EmptyInterval {
                        day: names[i].to_string(),
                        start: super::json::format_time(iv.start),
                        end: super::json::format_time(iv.end),
                    });
                }
            }
            day.sort_unstable();
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::EmptyWeek);
        }
        let week_len = TimeDelta::seconds(week_union_secs(&week));
        let mut hours = Hours {
            zone,
            week,
            dates: BTreeSet::new(),
            yearly: BTreeSet::new(),
            week_len,
        };
        add_holidays(&mut hours, holidays)?;
        Ok(Calendar {
            kind: Kind::Hours(Arc::new(hours)),
        })
    }

    /// Open every day, all day, in UTC (the "24/7" calendar).
    pub fn always_open() -> Calendar {
        let all = || vec![OpeningInterval { start: 0, end: DAY }];
        let week = [all(), all(), all(), all(), all(), all(), all()];
        let week_len = TimeDelta::seconds(week_union_secs(&week));
        Calendar {
            kind: Kind::Hours(Arc::new(Hours {
                zone: Tz::UTC,
                week,
                dates: BTreeSet::new(),
                yearly: BTreeSet::new(),
                week_len,
            })),
        }
    }

    /// Open only when every one of `calendars` is open (e.g. customer's hours ∩ team's hours).
    /// Local dates (for business days) are those of the first calendar.
    pub fn intersection(calendars: Vec<Calendar>) -> Result<Calendar, CalendarError> {
        if calendars.is_empty() {
            return Err(CalendarError::EmptyCombination("an intersection"));
        }
        Ok(Calendar {
            kind: Kind::AllOf(calendars),
        })
    }

    /// Open when any one of `calendars` is open. Local dates are those of the first calendar.
    pub fn union(calendars: Vec<Calendar>) -> Result<Calendar, CalendarError> {
        if calendars.is_empty() {
            return Err(CalendarError::EmptyCombination("a union"));
        }
        Ok(Calendar {
            kind: Kind::AnyOf(calendars),
        })
    }

    /// This calendar ∩ `other`.
    pub fn and(&self, other: &Calendar) -> Calendar {
        Calendar {
            kind: Kind::AllOf(vec![self.clone(), other.clone()]),
        }
    }

    /// This calendar ∪ `other`.
    pub fn or(&self, other: &Calendar) -> Calendar {
        Calendar {
            kind: Kind::AnyOf(vec![self.clone(), other.clone()]),
        }
    }

    /// The same calendar with more holidays (added to every member of a combination).
    pub fn with_holidays(
        &self,
        holidays: impl IntoIterator<Item = Holiday>,
    ) -> Result<Calendar, CalendarError> {
        let holidays: Vec<Holiday> = holidays.into_iter().collect();
        let kind = match &self.kind {
            Kind::Hours(h) => {
                let mut h = Hours::clone(h);
                add_holidays(&mut h, holidays)?;
                Kind::Hours(Arc::new(h))
            }
            Kind::AllOf(cs) => Kind::AllOf(with_each(cs, &holidays)?),
            Kind::AnyOf(cs) => Kind::AnyOf(with_each(cs, &holidays)?),
        };
        Ok(Calendar { kind })
    }

    /// The time zone whose local dates and times this calendar uses (for a combination: its
    /// first member's).
    pub fn time_zone(&self) -> Tz {
        match &self.kind {
            Kind::Hours(h) => h.zone,
            Kind::AllOf(cs) | Kind::AnyOf(cs) => cs.first().map_or(Tz::UTC, Calendar::time_zone),
        }
    }

    /// Business time of one regular week (no holiday, no clock change), if this calendar has
    /// weekly hours of its own.
    pub fn regular_week(&self) -> Option<TimeDelta> {
        match &self.kind {
            Kind::Hours(h) => Some(h.week_len),
            _ => None,
        }
    }
}

fn with_each(cs: &[Calendar], holidays: &[Holiday]) -> Result<Vec<Calendar>, CalendarError> {
    cs.iter()
        .map(|c| c.with_holidays(holidays.iter().copied()))
        .collect()
}

fn add_holidays(
    hours: &mut Hours,
    holidays: impl IntoIterator<Item = Holiday>,
) -> Result<(), CalendarError> {
    for h in holidays {
        match h {
            Holiday::Date(d) => {
                hours.dates.insert(d);
            }
            Holiday::Yearly { month, day } => {
                if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                    return Err(CalendarError::BadHoliday(h.to_string()));
                }
                hours.yearly.insert((month, day));
            }
        }
    }
    if hours.yearly.len() >= 366 {
        return Err(CalendarError::AlwaysClosed);
    }
    Ok(())
}
