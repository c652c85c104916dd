//! Importing holidays from an iCalendar (RFC 5545) feed.
//!
//! Each `VEVENT` gives the dates from its `DTSTART` up to (not including) its `DTEND` (one day
//! when there is no `DTEND`). `DTSTART;VALUE=DATE:20150403`, `DTSTART:20150403T000000Z` and
//! `DTSTART;TZID=...:20150403T090000` are read by the date as written. `RRULE:FREQ=YEARLY` makes
//! the dates yearly holidays (`--MM-DD`); with `COUNT` or `UNTIL` the occurrences are expanded to
//! single dates. Other rules are refused with a typed error.

use chrono::{Datelike, NaiveDate};

use super::{CalendarError, Holiday};

struct Event {
    line: usize,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    rule: Option<(usize, String)>,
}

fn malformed(line: usize, message: impl Into<String>) -> CalendarError {
    CalendarError::IcsMalformed {
        line,
        message: message.into(),
    }
}

fn parse_date(line: usize, value: &str) -> Result<NaiveDate, CalendarError> {
    let digits = value.get(..8).unwrap_or("");
    let rest = value.get(8..).unwrap_or("");
    let b = rest.as_bytes();
    let rest_ok = rest.is_empty()
        || (b.len() >= 7
            && b[0] == b'T'
            && b[1..7].iter().all(u8::is_ascii_digit)
            && (b.len() == 7 || &b[7..] == b"Z"));
    if !rest_ok {
        return Err(malformed(line, format!("bad date or date-time {value:?}")));
    }
    super::text::basic_date(digits).ok_or_else(|| malformed(line, format!("bad date {value:?}")))
}

/// Splits `NAME;PARAM=x:VALUE` into the name, its parameters and the value.
fn split_property(line: &str) -> Option<(&str, &str, &str)> {
    let colon = line.find(':')?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let (name, params) = head.split_once(';').unwrap_or((head, ""));
    Some((name, params, value))
}

fn expand(ev: Event, out: &mut Vec<Holiday>) -> Result<(), CalendarError> {
    let start = ev
        .start
        .ok_or_else(|| malformed(ev.line, "VEVENT without DTSTART"))?;
    let end = ev.end.unwrap_or_else(|| start.succ_opt().unwrap_or(start));
    if end <= start && ev.end.is_some() {
        return Err(malformed(ev.line, "DTEND is not after DTSTART"));
    }
    let days: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| *d < end)
        .take(366)
        .collect();
    let Some((rline, rule)) = ev.rule else {
        out.extend(days.into_iter().map(Holiday::Date));
        return Ok(());
    };
    let unsupported = || CalendarError::IcsUnsupportedRule {
        line: rline,
        rule: rule.clone(),
    };
    let mut yearly = false;
    let mut count: Option<u32> = None;
    let mut until: Option<NaiveDate> = None;
    for part in rule.split(';') {
        let (k, v) = part.split_once('=').ok_or_else(unsupported)?;
        match (k.to_ascii_uppercase().as_str(), v) {
            ("FREQ", f) if f.eq_ignore_ascii_case("YEARLY") => yearly = true,
            ("INTERVAL", "1") | ("WKST", _) => {}
            ("BYMONTH", m) if m.parse::<u32>().ok() == Some(start.month()) => {}
            ("BYMONTHDAY", d) if d.parse::<u32>().ok() == Some(start.day()) => {}
            ("COUNT", n) => count = Some(n.parse().map_err(|_| unsupported())?),
            ("UNTIL", u) => until = Some(parse_date(rline, u)?),
            _ => return Err(unsupported()),
        }
    }
    if !yearly {
        return Err(unsupported());
    }
    for d in days {
        if count.is_none() && until.is_none() {
            out.push(Holiday::Yearly {
                month: d.month(),
                day: d.day(),
            });
            continue;
        }
        let limit = count.unwrap_or(1000).min(1000);
        for k in 0..limit {
            let Some(occ) = d.with_year(d.year() + k as i32) else {
                continue; // 29 February in a common year does not occur.
            };
            if until.is_some_and(|u| occ > u) {
                break;
            }
            out.push(Holiday::Date(occ));
        }
    }
    Ok(())
}

/// Reads the holidays of an iCalendar feed.
pub fn parse_ics_holidays(text: &str) -> Result<Vec<Holiday>, CalendarError> {
    // Unfold: a line starting with a space or tab continues the previous one.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(cont) = raw.strip_prefix([' ', '\t']) {
            match lines.last_mut() {
                Some((_, prev)) => prev.push_str(cont),
                None => return Err(malformed(i + 1, "continuation line before any property")),
            }
        } else if !raw.is_empty() {
            lines.push((i + 1, raw.to_string()));
        }
    }
    if !lines
        .first()
        .is_some_and(|(_, l)| l.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(malformed(1, "the feed does not start with BEGIN:VCALENDAR"));
    }
    let mut out = Vec::new();
    let mut event: Option<Event> = None;
    let mut closed = false;
    for (n, line) in &lines[1..] {
        let n = *n;
        let (name, params, value) =
            split_property(line).ok_or_else(|| malformed(n, format!("no ':' in {line:?}")))?;
        let name = name.to_ascii_uppercase();
        match name.as_str() {
            "BEGIN" if value.eq_ignore_ascii_case("VEVENT") => {
                if event.is_some() {
                    return Err(malformed(n, "VEVENT inside VEVENT"));
                }
                event = Some(Event {
                    line: n,
                    start: None,
                    end: None,
                    rule: None,
                });
            }
            "END" if value.eq_ignore_ascii_case("VEVENT") => {
                let ev = event
                    .take()
                    .ok_or_else(|| malformed(n, "END:VEVENT without BEGIN"))?;
                expand(ev, &mut out)?;
            }
            "END" if value.eq_ignore_ascii_case("VCALENDAR") => {
                if event.is_some() {
                    return Err(malformed(n, "VEVENT not closed before END:VCALENDAR"));
                }
                closed = true;
                break;
            }
            "DTSTART" | "DTEND" | "RRULE" => {
                let Some(ev) = event.as_mut() else {
                    continue; // e.g. inside VTIMEZONE
                };
                match name.as_str() {
                    "DTSTART" => ev.start = Some(parse_date(n, value)?),
                    "DTEND" => ev.end = Some(parse_date(n, value)?),
                    _ => ev.rule = Some((n, value.to_string())),
                }
                let _ = params;
            }
            _ => {}
        }
    }
    if !closed {
        return Err(malformed(
            lines.last().map_or(1, |l| l.0),
            "the feed ends without END:VCALENDAR",
        ));
    }
    Ok(out)
}
