//! Dates as issue trackers write them: `30/Sep/21 17:20` or ISO 8601 / RFC 3339.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Parses a date in one of `formats` (chrono `strftime` patterns, read as UTC), or in ISO 8601
/// (`2021-09-30T17:20:00Z`, `2021-09-30T17:20:00+02:00`, `2021-09-30 17:20`, `2021-09-30`).
pub fn parse_date(text: &str, formats: &[String]) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for f in formats {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some(d.with_timezone(&Utc));
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jira() -> Vec<String> {
        vec!["%d/%b/%y %H:%M".to_string()]
    }

    #[test]
    fn jira_and_iso_dates() {
        let want: DateTime<Utc> = "2021-09-30T17:20:00Z".parse().expect("date");
        assert_eq!(parse_date("30/Sep/21 17:20", &jira()), Some(want));
        assert_eq!(parse_date("2021-09-30T17:20:00Z", &jira()), Some(want));
        assert_eq!(parse_date("2021-09-30T19:20:00+02:00", &[]), Some(want));
        assert_eq!(parse_date("2021-09-30 17:20", &[]), Some(want));
        assert_eq!(
            parse_date("2021-09-30", &[]),
            "2021-09-30T00:00:00Z".parse().ok()
        );
        for bad in [
            "",
            "yesterday",
            "31/Feb/21 10:00",
            "30/Sep/21 25:00",
            &"9".repeat(500),
        ] {
            assert_eq!(parse_date(bad, &jira()), None, "{bad}");
        }
    }
}
