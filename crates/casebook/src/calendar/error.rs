//! The errors of calendars, durations, instants and iCalendar import.

use thiserror::Error;

/// Why a calendar could not be built, read or used, or why a duration or instant was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalendarError {
    /// The JSON text is not valid JSON or has the wrong shape.
    #[error("calendar JSON is invalid: {0}")]
    InvalidJson(String),
    /// The time zone is not an IANA zone name.
    #[cfg_attr(
        feature = "tzdb",
        error("unknown time zone {0:?}: use an IANA name such as \"Europe/Berlin\"")
    )]
    #[cfg_attr(
        not(feature = "tzdb"),
        error(
            "unknown time zone {0:?}: use an IANA name such as \"Europe/Berlin\", registered by the host first (this build has no zone database)"
        )
    )]
    UnknownTimeZone(String),
    /// A key of `hours` is not a weekday.
    #[error("unknown weekday {0:?}: use mon, tue, wed, thu, fri, sat or sun")]
    UnknownWeekday(String),
    /// A time of day is not `HH:MM` or `HH:MM:SS` between 00:00 and 24:00.
    #[error("bad time of day {value:?} on {day}: write HH:MM (00:00 to 24:00)")]
    BadTime {
        /// The weekday the interval belongs to.
        day: String,
        /// The text that was refused.
        value: String,
    },
    /// An interval starts and ends at the same time, or starts at 24:00.
    #[error(
        "interval {start}-{end} on {day} is empty: use [\"00:00\",\"24:00\"] for a whole day, or an end before the start for an overnight shift"
    )]
    EmptyInterval {
        /// The weekday.
        day: String,
        /// Start as written.
        start: String,
        /// End as written.
        end: String,
    },
    /// No weekday has any opening hours.
    #[error("the week has no opening hours: give at least one interval on one day")]
    EmptyWeek,
    /// A holiday is neither `YYYY-MM-DD` nor `--MM-DD`.
    #[error("bad holiday {0:?}: write YYYY-MM-DD for one date or --MM-DD for every year")]
    BadHoliday(String),
    /// The yearly holidays close every day of the year.
    #[error("the yearly holidays cover every day of the year, so the calendar never opens")]
    AlwaysClosed,
    /// A combined calendar needs at least one member.
    #[error("{0} needs at least one calendar")]
    EmptyCombination(&'static str),
    /// No opening was found within the search horizon (about ten years).
    #[error("the calendar has no opening hours within ten years of {0}")]
    NoOpening(String),
    /// The result is outside the supported range of dates, or the amount exceeds a hundred
    /// years of business time.
    #[error(
        "out of range: the result is outside the supported dates, or the amount exceeds a hundred years"
    )]
    OutOfRange,
    /// A duration could not be read.
    #[error(
        "bad duration {0:?}: write numbers with units d, h, m (or min), s, ms, e.g. 1h30m or 90s"
    )]
    BadDuration(String),
    /// An instant could not be read.
    #[error(
        "bad instant {0:?}: write RFC 3339 (2015-04-03T10:00:00Z) or local time (2015-04-03T10:00[:00])"
    )]
    BadInstant(String),
    /// An iCalendar feed is malformed.
    #[error("iCalendar line {line}: {message}")]
    IcsMalformed {
        /// 1-based line number (after unfolding).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An iCalendar event uses a recurrence rule Casebook cannot import.
    #[error("iCalendar line {line}: unsupported recurrence {rule:?}: only FREQ=YEARLY is imported")]
    IcsUnsupportedRule {
        /// 1-based line number.
        line: usize,
        /// The rule as written.
        rule: String,
    },
}

impl CalendarError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::InvalidJson(_) => "invalid_json",
            CalendarError::UnknownTimeZone(_) => "unknown_time_zone",
            CalendarError::UnknownWeekday(_) => "unknown_weekday",
            CalendarError::BadTime { .. } => "bad_time",
            CalendarError::EmptyInterval { .. } => "empty_interval",
            CalendarError::EmptyWeek => "empty_week",
            CalendarError::BadHoliday(_) => "bad_holiday",
            CalendarError::AlwaysClosed => "always_closed",
            CalendarError::EmptyCombination(_) => "empty_combination",
            CalendarError::NoOpening(_) => "no_opening",
            CalendarError::OutOfRange => "out_of_range",
            CalendarError::BadDuration(_) => "bad_duration",
            CalendarError::BadInstant(_) => "bad_instant",
            CalendarError::IcsMalformed { .. } => "ics_malformed",
            CalendarError::IcsUnsupportedRule { .. } => "ics_unsupported_rule",
        }
    }
}
