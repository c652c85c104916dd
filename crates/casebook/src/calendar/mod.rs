//! Business calendars: weekly opening hours (split shifts, overnight shifts) with holidays in an
//! IANA time zone, their intersections and unions, and business-time arithmetic on UTC instants
//! that is correct across clock changes.
//!
//! See `docs/sla.md` for the JSON format, the duration and instant syntax and the rules.

mod arith;
mod days;
mod error;
mod ics;
mod json;
mod model;
mod parse;
mod spans;
mod text;
mod timeline;
mod zone;

use std::collections::BTreeMap;

pub use error::CalendarError;
pub use ics::parse_ics_holidays;
pub use model::{Calendar, Holiday, OpeningInterval};
pub use parse::{Amount, parse_amount, parse_duration, parse_instant};
pub use timeline::Timeline;
pub use zone::{Tz, TzOffset, UnknownZone, ZoneDataError};

/// Named calendars, as SLA policies refer to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CalendarSet {
    calendars: BTreeMap<String, Calendar>,
}

impl CalendarSet {
    /// An empty set.
    pub fn new() -> CalendarSet {
        CalendarSet::default()
    }

    /// Adds or replaces a calendar; returns the set for chaining.
    pub fn with(mut self, name: impl Into<String>, calendar: Calendar) -> CalendarSet {
        self.calendars.insert(name.into(), calendar);
        self
    }

    /// Adds or replaces a calendar.
    pub fn insert(&mut self, name: impl Into<String>, calendar: Calendar) {
        self.calendars.insert(name.into(), calendar);
    }

    /// The calendar of that name.
    pub fn get(&self, name: &str) -> Option<&Calendar> {
        self.calendars.get(name)
    }

    /// The names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.calendars.keys().map(String::as_str)
    }

    /// Reads `{"name": calendar, ...}`; a bad calendar gives its own precise error.
    pub fn from_json_str(text: &str) -> Result<CalendarSet, CalendarError> {
        let raw: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| CalendarError::InvalidJson(e.to_string()))?;
        let mut set = CalendarSet::new();
        for (name, value) in raw {
            set.insert(name, Calendar::from_json_value(value)?);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
