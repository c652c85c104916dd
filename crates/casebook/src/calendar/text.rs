//! Local dates and times as calendars write them (`2026-12-24`, `20261224`,
//! `2026-12-24T09:30`, `2026-12-24 09:30:00.5`), read by hand.
//!
//! chrono's `parse_from_str` would read the same texts, but its format-string machinery is a
//! sizeable part of the WebAssembly module for these few fixed shapes.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Takes `min..=max` ASCII digits from the front of `s`; the number and the rest.
fn number(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    let value = s[..n]
        .bytes()
        .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
    Some((value, &s[n..]))
}

/// `s` without the leading byte `b`.
fn after(s: &str, b: u8) -> Option<&str> {
    s.strip_prefix(char::from(b))
}

/// `YYYY-MM-DD` (month and day may have one digit) at the front of `s`; the date and the rest.
fn date_prefix(s: &str) -> Option<(NaiveDate, &str)> {
    let (year, s) = number(s, 4, 4)?;
    let (month, s) = number(after(s, b'-')?, 1, 2)?;
    let (day, s) = number(after(s, b'-')?, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, s))
}

/// A date `YYYY-MM-DD`.
pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    match date_prefix(s)? {
        (d, "") => Some(d),
        _ => None,
    }
}

/// A date `YYYYMMDD`, as iCalendar writes it.
pub(crate) fn basic_date(s: &str) -> Option<NaiveDate> {
    let (year, rest) = number(s, 4, 4)?;
    let (month, rest) = number(rest, 2, 2)?;
    let (day, rest) = number(rest, 2, 2)?;
    if !rest.is_empty() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A local date and time: `YYYY-MM-DD`, then `T` or a space, then `HH:MM`, optionally followed
/// by `:SS` and a fraction of a second (`.5`, `.250`, up to nanoseconds; further digits are
/// dropped).
pub(crate) fn date_time(s: &str) -> Option<NaiveDateTime> {
    let (date, s) = date_prefix(s)?;
    let s = after(s, b'T').or_else(|| after(s, b' '))?;
    let (hour, s) = number(s, 1, 2)?;
    let (minute, s) = number(after(s, b':')?, 1, 2)?;
    let (second, nano, s) = match after(s, b':') {
        None => (0, 0, s),
        Some(s) => {
            let (second, s) = number(s, 1, 2)?;
            match after(s, b'.') {
                None => (second, 0, s),
                Some(s) => {
                    let n = s.bytes().take_while(u8::is_ascii_digit).count();
                    if n == 0 {
                        return None;
                    }
                    let nine = s[..n.min(9)]
                        .bytes()
                        .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
                    let nano = nine * 10u32.pow(9 - n.min(9) as u32);
                    (second, nano, &s[n..])
                }
            }
        }
    };
    if !s.is_empty() {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_chrono_format_strings_read() {
        for text in ["2026-12-24", "2026-1-5", "2024-02-29", "0001-01-01"] {
            assert_eq!(
                date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
        for text in ["20261224", "20240229"] {
            assert_eq!(
                basic_date(text),
                NaiveDate::parse_from_str(text, "%Y%m%d").ok(),
                "{text}"
            );
        }
        for (text, format) in [
            ("2026-12-24T09:30", "%Y-%m-%dT%H:%M"),
            ("2026-12-24 09:30", "%Y-%m-%d %H:%M"),
            ("2026-12-24T09:30:15", "%Y-%m-%dT%H:%M:%S%.f"),
            ("2026-12-24T09:30:15.5", "%Y-%m-%dT%H:%M:%S%.f"),
            ("2026-12-24 23:59:59.123456789", "%Y-%m-%d %H:%M:%S%.f"),
            ("2026-12-24T9:05", "%Y-%m-%dT%H:%M"),
        ] {
            let ours = date_time(text);
            assert!(ours.is_some(), "{text}");
            assert_eq!(
                ours,
                NaiveDateTime::parse_from_str(text, format).ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_date_or_time() {
        for text in [
            "",
            "2026",
            "2026-12",
            "2026-13-01",
            "2026-02-30",
            "2025-02-29",
            "26-12-24",
            "2026-12-24x",
            "2026/12/24",
            "2026-12-024",
            "２０２６-12-24",
        ] {
            assert_eq!(date(text), None, "{text}");
        }
        for text in ["2026122", "202612245", "2026-1224", "20261324", "2026122x"] {
            assert_eq!(basic_date(text), None, "{text}");
        }
        for text in [
            "2026-12-24",
            "2026-12-24T",
            "2026-12-24T09",
            "2026-12-24T24:00",
            "2026-12-24T09:60",
            "2026-12-24T09:30:61",
            "2026-12-24T09:30:15.",
            "2026-12-24X09:30",
            "2026-12-24T09:30Z",
            "2026-12-24T09:30:15.5 ",
        ] {
            assert_eq!(date_time(text), None, "{text}");
        }
    }

    #[test]
    fn long_fractions_are_cut_at_nanoseconds() {
        let t = date_time("2026-12-24T09:30:15.1234567891").expect("a time");
        assert_eq!(t.and_utc().timestamp_subsec_nanos(), 123_456_789);
    }
}
