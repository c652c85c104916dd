//! Example-based tests: clock changes, holidays, overnight shifts, combinations, formats.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;

fn cal(json: &str) -> Calendar {
    match Calendar::from_json_str(json) {
        Ok(c) => c,
        Err(e) => panic!("{json}: {e}"),
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("{s}: {e}"),
    }
}

fn local(s: &str, c: &Calendar) -> DateTime<Utc> {
    match parse_instant(s, c) {
        Ok(t) => t,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn h(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

fn zone_all_day(zone: &str, day: &str) -> Calendar {
    cal(&format!(
        r#"{{"time_zone":"{zone}","hours":{{"{day}":[["00:00","24:00"]]}}}}"#
    ))
}

#[test]
fn berlin_sundays_have_23_and_25_hours_across_clock_changes() {
    let c = zone_all_day("Europe/Berlin", "sun");
    let spring = c.between(local("2015-03-28", &c), local("2015-03-30", &c));
    let autumn = c.between(local("2015-10-24", &c), local("2015-10-26", &c));
    assert_eq!(spring, h(23));
    assert_eq!(autumn, h(25));
    assert_eq!(
        c.between(local("2015-06-20", &c), local("2015-06-22", &c)),
        h(24)
    );
}

#[test]
fn berlin_intervals_touching_the_gap_and_the_overlap() {
    let c = cal(r#"{"time_zone":"Europe/Berlin","hours":{"sun":[["01:00","04:00"]]}}"#);
    // 01:00 CET = 00:00Z .. 04:00 CEST = 02:00Z: the skipped hour is not counted.
    assert_eq!(
        c.between(utc("2015-03-28T00:00:00Z"), utc("2015-03-30T00:00:00Z")),
        h(2)
    );
    // 01:00 CEST = 23:00Z .. 04:00 CET = 03:00Z: the repeated hour counts twice.
    assert_eq!(
        c.between(utc("2015-10-24T00:00:00Z"), utc("2015-10-26T00:00:00Z")),
        h(4)
    );
    // An opening inside the gap opens when the gap ends (03:00 CEST = 01:00Z).
    let g = cal(r#"{"time_zone":"Europe/Berlin","hours":{"sun":[["02:30","05:00"]]}}"#);
    assert_eq!(
        g.next_open(utc("2015-03-29T00:00:00Z")),
        Ok(utc("2015-03-29T01:00:00Z"))
    );
    assert_eq!(
        g.between(utc("2015-03-29T00:00:00Z"), utc("2015-03-30T00:00:00Z")),
        h(2)
    );
}

#[test]
fn berlin_office_week_over_the_spring_forward_weekend() {
    let c = cal(
        r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],
        "tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}}"#,
    );
    // Friday 16:00 CET (15:00Z) + 2h = Monday 10:00 CEST (08:00Z).
    assert_eq!(
        c.add(utc("2015-03-27T15:00:00Z"), h(2)),
        Ok(utc("2015-03-30T08:00:00Z"))
    );
    assert_eq!(
        c.subtract(utc("2015-03-30T08:00:00Z"), h(2)),
        Ok(utc("2015-03-27T15:00:00Z"))
    );
    // Autumn: Friday 16:00 CEST (14:00Z) + 2h = Monday 10:00 CET (09:00Z).
    assert_eq!(
        c.add(utc("2015-10-23T14:00:00Z"), h(2)),
        Ok(utc("2015-10-26T09:00:00Z"))
    );
    // 400 hours = 10 weeks exactly; crosses the autumn change (weeks jumped where regular).
    assert_eq!(
        c.add(utc("2015-10-05T07:00:00Z"), h(400)),
        Ok(utc("2015-12-11T16:00:00Z"))
    );
}

#[test]
fn new_york_overnight_shift_across_clock_changes() {
    let c = cal(r#"{"time_zone":"America/New_York","hours":{"sat":[["22:00","06:00"]]}}"#);
    // Sat 22:00 EST (03:00Z) to Sun 06:00 EDT (10:00Z): 7 hours.
    assert_eq!(
        c.between(utc("2015-03-07T00:00:00Z"), utc("2015-03-09T00:00:00Z")),
        h(7)
    );
    assert!(c.is_open(utc("2015-03-08T09:59:59Z")));
    assert!(!c.is_open(utc("2015-03-08T10:00:00Z")));
    // Sat 22:00 EDT (02:00Z) to Sun 06:00 EST (11:00Z): 9 hours.
    assert_eq!(
        c.between(utc("2015-10-31T00:00:00Z"), utc("2015-11-02T00:00:00Z")),
        h(9)
    );
    assert_eq!(
        c.add(utc("2015-10-31T00:00:00Z"), h(9)),
        Ok(utc("2015-11-01T11:00:00Z"))
    );
    assert_eq!(
        c.next_open(utc("2015-11-01T11:00:00Z")),
        Ok(utc("2015-11-08T03:00:00Z"))
    );
}

#[test]
fn lord_howe_half_hour_clock_changes() {
    let c = zone_all_day("Australia/Lord_Howe", "sun");
    assert_eq!(
        c.between(local("2015-04-04", &c), local("2015-04-06", &c)),
        TimeDelta::minutes(24 * 60 + 30)
    );
    assert_eq!(
        c.between(local("2015-10-03", &c), local("2015-10-05", &c)),
        TimeDelta::minutes(23 * 60 + 30)
    );
    // A local time in the 30-minute gap is read as the end of the gap (02:30 +11 = 15:30Z).
    assert_eq!(local("2015-10-04T02:10", &c), utc("2015-10-03T15:30:00Z"));
    // A repeated local time is its first occurrence (01:45 +11 = 14:45Z).
    assert_eq!(local("2015-04-05T01:45", &c), utc("2015-04-04T14:45:00Z"));
}

const STD_UTC: &str = r#"{"time_zone":"UTC","hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],
    "wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},
    "holidays":["2015-04-03","--12-25","--01-01"]}"#;

#[test]
fn dated_and_yearly_holidays_close_the_day() {
    let c = cal(STD_UTC);
    // Good Friday 2015-04-03 is closed: Thu 16:00 + 2h = Mon 10:00.
    assert_eq!(
        c.add(utc("2015-04-02T16:00:00Z"), h(2)),
        Ok(utc("2015-04-06T10:00:00Z"))
    );
    // Christmas every year: Thu 2015-12-24 16:00 + 2h = Mon 28th 10:00; 2020-12-25 is a Friday.
    assert_eq!(
        c.add(utc("2015-12-24T16:00:00Z"), h(2)),
        Ok(utc("2015-12-28T10:00:00Z"))
    );
    assert_eq!(
        c.add(utc("2020-12-24T16:00:00Z"), h(2)),
        Ok(utc("2020-12-28T10:00:00Z"))
    );
    assert!(!c.is_business_day(chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default()));
    // The week with a holiday is not jumped over as a regular week.
    assert_eq!(
        c.between(utc("2015-03-30T00:00:00Z"), utc("2015-04-06T00:00:00Z")),
        h(32)
    );
}

#[test]
fn ics_holidays_match_json_holidays() {
    let feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Good\r\n  Friday\r\n\
        DTSTART;VALUE=DATE:20150403\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20141225\r\n\
        DTEND;VALUE=DATE:20141226\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n\
        DTSTART:20150101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let holidays = parse_ics_holidays(feed);
    assert_eq!(
        holidays,
        Ok(vec![
            Holiday::Date(chrono::NaiveDate::from_ymd_opt(2015, 4, 3).unwrap_or_default()),
            Holiday::Yearly { month: 12, day: 25 },
            Holiday::Yearly { month: 1, day: 1 },
        ])
    );
    let plain = cal(&STD_UTC.replace(r#""2015-04-03","--12-25","--01-01""#, ""));
    let imported = plain.with_holidays(holidays.unwrap_or_default());
    assert_eq!(imported, Ok(cal(STD_UTC)));
    let counted = parse_ics_holidays(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20150704\nRRULE:FREQ=YEARLY;COUNT=2\nEND:VEVENT\nEND:VCALENDAR\n",
    );
    assert_eq!(counted.map(|v| v.len()), Ok(2));
}

#[test]
fn malformed_ics_gets_typed_errors() {
    let code = |feed: &str| parse_ics_holidays(feed).map_err(|e| e.code());
    assert_eq!(code("BEGIN:VEVENT\nEND:VEVENT\n"), Err("ics_malformed"));
    assert_eq!(
        code(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2015-04-03\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
        Err("ics_malformed")
    );
    assert_eq!(
        code("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n"),
        Err("ics_malformed")
    );
    assert_eq!(
        code("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20150403\n"),
        Err("ics_malformed")
    );
    assert_eq!(
        code(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20150403\nRRULE:FREQ=WEEKLY\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
        Err("ics_unsupported_rule")
    );
    assert_eq!(
        code(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20151126\nRRULE:FREQ=YEARLY;BYDAY=4TH\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
        Err("ics_unsupported_rule")
    );
}

#[test]
fn overnight_shifts_and_overlaps() {
    let c = cal(
        r#"{"time_zone":"UTC","hours":{"mon":[["19:00","05:00"]],"tue":[["00:00","08:00"]],
        "fri":[["19:00","05:00"]]}}"#,
    );
    assert!(c.is_open(utc("2015-03-03T02:00:00Z"))); // Monday's shift, Tuesday morning
    assert!(c.is_open(utc("2015-03-07T04:59:59Z"))); // Friday's shift, Saturday morning
    assert!(!c.is_open(utc("2015-03-02T03:00:00Z"))); // Sunday has no shift
    // Monday 19:00 to Tuesday 08:00 is one opening of 13 hours (the overlap counts once).
    assert_eq!(
        c.between(utc("2015-03-02T12:00:00Z"), utc("2015-03-03T12:00:00Z")),
        h(13)
    );
    assert_eq!(
        c.add(utc("2015-03-02T19:00:00Z"), h(13)),
        Ok(utc("2015-03-03T08:00:00Z"))
    );
    assert_eq!(
        c.add(utc("2015-03-02T19:00:00Z"), h(14)),
        Ok(utc("2015-03-06T20:00:00Z"))
    );
    assert_eq!(c.regular_week(), Some(h(23)));
    assert_eq!(
        c.between(utc("2015-03-02T00:00:00Z"), utc("2015-03-16T00:00:00Z")),
        h(46)
    );
}

#[test]
fn intersection_and_union_of_customer_and_team_hours() {
    let customer = cal(
        r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["08:00","18:00"]],"tue":[["08:00","18:00"]],
        "wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"fri":[["08:00","18:00"]]}}"#,
    );
    let team = cal(
        r#"{"time_zone":"America/New_York","hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],
        "wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}}"#,
    );
    let both = customer.and(&team);
    let either = customer.or(&team);
    let (mon, sat) = (utc("2015-01-05T00:00:00Z"), utc("2015-01-10T00:00:00Z"));
    assert_eq!(both.between(mon, sat), h(15)); // 14-17Z each day
    assert_eq!(either.between(mon, sat), h(75)); // 07-22Z each day
    // New York is already on summer time, Berlin not yet: 13-17Z.
    assert_eq!(
        both.between(utc("2015-03-16T00:00:00Z"), utc("2015-03-21T00:00:00Z")),
        h(20)
    );
    assert_eq!(both.next_open(mon), Ok(utc("2015-01-05T14:00:00Z")));
    assert_eq!(
        both.add(utc("2015-01-05T16:00:00Z"), h(2)),
        Ok(utc("2015-01-06T15:00:00Z"))
    );
    assert_eq!(both.time_zone().name(), "Europe/Berlin");
    // A combination round-trips through JSON.
    assert_eq!(
        Calendar::from_json_str(&both.to_json_string()),
        Ok(both.clone())
    );
    // Never open together: a typed error, not an endless walk.
    let mon_only = cal(r#"{"time_zone":"UTC","hours":{"mon":[["09:00","17:00"]]}}"#);
    let tue_only = cal(r#"{"time_zone":"UTC","hours":{"tue":[["09:00","17:00"]]}}"#);
    let never = mon_only.and(&tue_only);
    assert_eq!(
        never.add(mon, h(1)).map_err(|e| e.code()),
        Err("no_opening")
    );
}

#[test]
fn json_errors_are_precise() {
    let code = |j: &str| Calendar::from_json_str(j).map(|_| ()).map_err(|e| e.code());
    let with = |hours: &str| format!(r#"{{"time_zone":"UTC","hours":{{{hours}}}}}"#);
    assert_eq!(
        code(&with(r#""monday":[["09:00","17:00"]]"#)),
        Err("unknown_weekday")
    );
    assert_eq!(code(&with(r#""mon":[["09:00","25:00"]]"#)), Err("bad_time"));
    assert_eq!(code(&with(r#""mon":[["9:00","17:00"]]"#)), Err("bad_time"));
    assert_eq!(code(&with(r#""mon":[["24:01","17:00"]]"#)), Err("bad_time"));
    assert_eq!(
        code(&with(r#""mon":[["09:00","09:00"]]"#)),
        Err("empty_interval")
    );
    assert_eq!(
        code(&with(r#""mon":[["24:00","09:00"]]"#)),
        Err("empty_interval")
    );
    assert_eq!(code(&with(r#""mon":[],"sun":[]"#)), Err("empty_week"));
    assert_eq!(
        code(r#"{"time_zone":"Mars/Olympus","hours":{"mon":[["09:00","17:00"]]}}"#),
        Err("unknown_time_zone")
    );
    assert_eq!(
        code(r#"{"time_zone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":["12-25"]}"#),
        Err("bad_holiday")
    );
    assert_eq!(
        code(r#"{"time_zone":"UTC","hours":{"mon":[["09:00","17:00"]]},"holidays":["--02-30"]}"#),
        Err("bad_holiday")
    );
    assert_eq!(
        code(r#"{"time_zone":"UTC","hours":{},"colour":"red"}"#),
        Err("invalid_json")
    );
    assert_eq!(code(r#"{"all_of":[]}"#), Err("empty_combination"));
    assert_eq!(code("not json"), Err("invalid_json"));
    let ok = cal(STD_UTC);
    assert_eq!(Calendar::from_json_str(&ok.to_json_string()), Ok(ok));
}

#[test]
fn durations_amounts_and_instants() {
    assert_eq!(parse_duration("1h30m"), Ok(TimeDelta::minutes(90)));
    assert_eq!(parse_duration("90s"), Ok(TimeDelta::seconds(90)));
    assert_eq!(parse_duration("45min"), Ok(TimeDelta::minutes(45)));
    assert_eq!(parse_duration("2d"), Ok(h(48)));
    assert_eq!(
        parse_duration("1h 30m 250ms"),
        Ok(TimeDelta::milliseconds(5_400_250))
    );
    for bad in ["", "h", "10", "1x", "-1h", "1.5h", "h1"] {
        assert_eq!(
            parse_duration(bad).map_err(|e| e.code()),
            Err("bad_duration"),
            "{bad}"
        );
    }
    assert_eq!(parse_amount("3bd"), Ok(Amount::BusinessDays(3)));
    assert_eq!(parse_amount("2 business days"), Ok(Amount::BusinessDays(2)));
    assert_eq!(parse_amount("4h"), Ok(Amount::Duration(h(4))));
    let berlin = cal(r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]]}}"#);
    assert_eq!(
        local("2015-04-03T10:00:00+02:00", &berlin),
        utc("2015-04-03T08:00:00Z")
    );
    assert_eq!(
        local("2015-04-03T10:00:00", &berlin),
        utc("2015-04-03T08:00:00Z")
    );
    assert_eq!(
        local("2015-01-03 10:00", &berlin),
        utc("2015-01-03T09:00:00Z")
    );
    assert_eq!(
        local("2015-03-29T02:30", &berlin),
        utc("2015-03-29T01:00:00Z")
    );
    assert_eq!(
        local("2015-10-25T02:30", &berlin),
        utc("2015-10-25T00:30:00Z")
    );
    assert_eq!(
        parse_instant("next tuesday", &berlin).map_err(|e| e.code()),
        Err("bad_instant")
    );
}

#[test]
fn calendar_sets_read_named_calendars() {
    let set = CalendarSet::from_json_str(&format!(
        r#"{{"office":{STD_UTC},"any":{{"any_of":[{STD_UTC}]}}}}"#
    ));
    let set = set.unwrap_or_default();
    assert_eq!(set.names().collect::<Vec<_>>(), vec!["any", "office"]);
    assert!(set.get("office").is_some());
    assert_eq!(
        CalendarSet::from_json_str(r#"{"x":{"time_zone":"UTC"}}"#).map_err(|e| e.code()),
        Err("invalid_json")
    );
    let bad_zone = r#"{"x":{"time_zone":"Nowhere","hours":{"mon":[["09:00","10:00"]]}}}"#;
    assert_eq!(
        CalendarSet::from_json_str(bad_zone).map_err(|e| e.code()),
        Err("unknown_time_zone")
    );
}

#[test]
fn extreme_instants_give_errors_not_panics() {
    let c = cal(STD_UTC);
    let max = DateTime::<Utc>::MAX_UTC;
    let min = DateTime::<Utc>::MIN_UTC;
    assert!(!c.is_open(max));
    assert_eq!(c.add(max, h(1)).map_err(|e| e.code()), Err("out_of_range"));
    assert_eq!(
        c.subtract(min, h(1)).map_err(|e| e.code()),
        Err("out_of_range")
    );
    assert_eq!(
        c.add(utc("2015-03-02T09:00:00Z"), TimeDelta::MAX)
            .map_err(|e| e.code()),
        Err("out_of_range")
    );
    assert_eq!(c.between(max - TimeDelta::days(3), max), TimeDelta::zero());
}
