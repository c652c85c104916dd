//! The JSON form of a calendar.
//!
//! ```json
//! {"time_zone":"Europe/Berlin",
//!  "hours":{"mon":[["08:00","13:00"],["14:00","18:00"]],"sat":[["19:00","05:00"]],"sun":[]},
//!  "holidays":["2015-04-03","--12-25"]}
//! ```
//! or a combination: `{"all_of":[cal, cal]}` (intersection), `{"any_of":[cal, cal]}` (union).

use std::collections::BTreeMap;

use super::Tz;
use serde::{Deserialize, Serialize};

use super::model::{DAY, Hours, Kind, OpeningInterval};
use super::{Calendar, CalendarError, Holiday};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hours: Option<BTreeMap<String, Vec<[String; 2]>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    holidays: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all_of: Option<Vec<Raw>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<Raw>>,
}

/// Formats seconds after midnight as `HH:MM` (or `HH:MM:SS`); 86400 is `24:00`.
pub(crate) fn format_time(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Reads `HH:MM` or `HH:MM:SS` (00:00 ..= 24:00) as seconds after midnight.
pub(crate) fn parse_time(day: &str, text: &str) -> Result<u32, CalendarError> {
    let bad = || CalendarError::BadTime {
        day: day.to_string(),
        value: text.to_string(),
    };
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
        return Err(bad());
    }
    let num = |p: &str| -> Result<u32, CalendarError> {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let s = if parts.len() == 3 { num(parts[2])? } else { 0 };
    if m > 59 || s > 59 || h > 24 || (h == 24 && (m, s) != (0, 0)) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + s)
}

fn from_raw(raw: Raw) -> Result<Calendar, CalendarError> {
    let combos = [raw.all_of.is_some(), raw.any_of.is_some()];
    let own = raw.time_zone.is_some() || raw.hours.is_some() || raw.holidays.is_some();
    if combos.iter().filter(|b| **b).count() + usize::from(own) > 1 {
        return Err(CalendarError::InvalidJson(
            "use either time_zone/hours/holidays, or all_of, or any_of".into(),
        ));
    }
    if let Some(list) = raw.all_of {
        let cs = list.into_iter().map(from_raw).collect::<Result<_, _>>()?;
        return Calendar::intersection(cs);
    }
    if let Some(list) = raw.any_of {
        let cs = list.into_iter().map(from_raw).collect::<Result<_, _>>()?;
        return Calendar::union(cs);
    }
    let zone_name = raw
        .time_zone
        .ok_or_else(|| CalendarError::InvalidJson("missing field `time_zone`".into()))?;
    let zone: Tz = zone_name
        .parse()
        .map_err(|_| CalendarError::UnknownTimeZone(zone_name.clone()))?;
    let hours = raw
        .hours
        .ok_or_else(|| CalendarError::InvalidJson("missing field `hours`".into()))?;
    let mut week: [Vec<OpeningInterval>; 7] = Default::default();
    for (key, intervals) in hours {
        let idx = DAYS
            .iter()
            .position(|d| *d == key)
            .ok_or_else(|| CalendarError::UnknownWeekday(key.clone()))?;
        for [s, e] in intervals {
            let start = parse_time(&key, &s)?;
            let end = parse_time(&key, &e)?;
            if start == DAY || start == end {
                return Err(CalendarError::EmptyInterval {
                    day: key,
                    start: s,
                    end: e,
                });
            }
            week[idx].push(OpeningInterval { start, end });
        }
    }
    let holidays = raw
        .holidays
        .unwrap_or_default()
        .iter()
        .map(|h| Holiday::parse(h))
        .collect::<Result<Vec<_>, _>>()?;
    Calendar::new(zone, week, holidays)
}

fn hours_raw(h: &Hours) -> Raw {
    let mut hours = BTreeMap::new();
    for (i, day) in h.week.iter().enumerate() {
        hours.insert(
            DAYS[i].to_string(),
            day.iter()
                .map(|iv| [format_time(iv.start), format_time(iv.end)])
                .collect(),
        );
    }
    let mut holidays: Vec<String> = h
        .dates
        .iter()
        .map(|d| Holiday::Date(*d).to_string())
        .collect();
    holidays.extend(h.yearly.iter().map(|(month, day)| {
        Holiday::Yearly {
            month: *month,
            day: *day,
        }
        .to_string()
    }));
    Raw {
        time_zone: Some(h.zone.name().to_string()),
        hours: Some(hours),
        holidays: Some(holidays),
        ..Raw::default()
    }
}

fn to_raw(c: &Calendar) -> Raw {
    match &c.kind {
        Kind::Hours(h) => hours_raw(h),
        Kind::AllOf(cs) => Raw {
            all_of: Some(cs.iter().map(to_raw).collect()),
            ..Raw::default()
        },
        Kind::AnyOf(cs) => Raw {
            any_of: Some(cs.iter().map(to_raw).collect()),
            ..Raw::default()
        },
    }
}

impl Calendar {
    /// Reads and validates a calendar from its JSON form.
    pub fn from_json_str(text: &str) -> Result<Calendar, CalendarError> {
        let raw: Raw =
            serde_json::from_str(text).map_err(|e| CalendarError::InvalidJson(e.to_string()))?;
        from_raw(raw)
    }

    /// Reads and validates a calendar from a parsed JSON value.
    ///
    /// Read from the value written back as text, through the same reader as
    /// [`Calendar::from_json_str`] (one reader in a build), with messages that name no line and
    /// column of that text.
    pub fn from_json_value(value: serde_json::Value) -> Result<Calendar, CalendarError> {
        let raw: Raw = serde_json::to_string(&value)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(|e| CalendarError::InvalidJson(crate::protocol::error_message(&e)))?;
        from_raw(raw)
    }

    /// The JSON form (round-trips through [`Calendar::from_json_str`]).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(&to_raw(self)).unwrap_or_default()
    }
}

impl Serialize for Calendar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        to_raw(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Raw::deserialize(deserializer)?;
        from_raw(raw).map_err(serde::de::Error::custom)
    }
}
