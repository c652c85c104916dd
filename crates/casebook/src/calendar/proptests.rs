//! Properties of the arithmetic over calendars with clock changes, holidays, overnight shifts and
//! combinations.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::*;

fn calendars() -> Vec<Calendar> {
    let json = [
        r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["08:00","13:00"],["14:00","18:00"]],
            "tue":[["08:00","18:00"]],"wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],
            "fri":[["08:00","16:00"]],"sun":[["01:00","04:00"]]},"holidays":["2015-04-03","--12-25","2016-05-16"]}"#,
        r#"{"time_zone":"America/New_York","hours":{"fri":[["19:00","05:00"]],"sat":[["22:00","06:00"]],
            "mon":[["00:00","24:00"]],"tue":[["00:00","02:00"]]}}"#,
        r#"{"time_zone":"Australia/Lord_Howe","hours":{"sun":[["00:00","24:00"]],"wed":[["01:30","03:00"]]}}"#,
        r#"{"all_of":[{"time_zone":"Europe/Berlin","hours":{"mon":[["08:00","18:00"]],"tue":[["08:00","18:00"]],
            "wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"fri":[["08:00","18:00"]]}},
            {"time_zone":"America/New_York","hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],
            "wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}}]}"#,
        r#"{"any_of":[{"time_zone":"Asia/Tokyo","hours":{"sat":[["09:00","12:00"]]}},
            {"time_zone":"Europe/London","hours":{"mon":[["09:00","17:00"]]},"holidays":["--01-01"]}]}"#,
    ];
    json.iter()
        .filter_map(|j| Calendar::from_json_str(j).ok())
        .collect()
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2015-01-01 .. 2017-01-01, millisecond precision.
    (1_420_070_400_000i64..1_483_228_800_000i64)
        .prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

fn amount() -> impl Strategy<Value = TimeDelta> {
    (1i64..600 * 3_600_000).prop_map(TimeDelta::milliseconds)
}

fn pick() -> impl Strategy<Value = usize> {
    0usize..5
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn add_then_between_gives_the_amount(i in pick(), at in instant(), d in amount()) {
        let c = &calendars()[i];
        let end = c.add(at, d);
        prop_assert!(end.is_ok());
        let end = end.unwrap_or(at);
        prop_assert_eq!(c.between(at, end), d);
        prop_assert!(c.between(at, end - TimeDelta::milliseconds(1)) < d);
        prop_assert_eq!(c.timeline(at - TimeDelta::days(1), end + TimeDelta::days(1)).add(at, d), Ok(end));
    }

    #[test]
    fn subtract_then_between_gives_the_amount(i in pick(), at in instant(), d in amount()) {
        let c = &calendars()[i];
        let start = c.subtract(at, d).unwrap_or(at);
        prop_assert_eq!(c.between(start, at), d);
    }

    #[test]
    fn adding_zero_at_an_open_instant_stays(i in pick(), at in instant()) {
        let c = &calendars()[i];
        let open = c.next_open(at).unwrap_or(at);
        prop_assert!(c.is_open(open));
        prop_assert_eq!(c.between(at, open), TimeDelta::zero());
        prop_assert_eq!(c.add(open, TimeDelta::zero()), Ok(open));
        prop_assert_eq!(c.add(at, TimeDelta::zero()), Ok(open));
    }

    #[test]
    fn between_is_additive_and_matches_day_by_day_sums(
        i in pick(), a in instant(), b in instant(), m in instant()
    ) {
        let c = &calendars()[i];
        prop_assert_eq!(c.between(a, m) + c.between(m, b), c.between(a, b));
        let (lo, hi) = (a.min(b), a.max(b));
        let mut sum = TimeDelta::zero();
        let mut t = lo;
        while t < hi {
            let next = (t + TimeDelta::days(1)).min(hi);
            sum += c.between(t, next);
            t = next;
        }
        prop_assert_eq!(sum, c.between(lo, hi));
        prop_assert_eq!(c.timeline(lo, hi).between(lo, hi), sum);
    }

    #[test]
    fn add_is_monotone(i in pick(), a in instant(), b in instant(), d1 in amount(), d2 in amount()) {
        let c = &calendars()[i];
        let (a, b) = (a.min(b), a.max(b));
        let (d1, d2) = (d1.min(d2), d1.max(d2));
        prop_assert!(c.add(a, d1).unwrap_or(a) <= c.add(a, d2).unwrap_or(a));
        prop_assert!(c.add(a, d1).unwrap_or(a) <= c.add(b, d1).unwrap_or(b));
    }

    #[test]
    fn running_totals_match_between(i in pick(), mut ts in prop::collection::vec(instant(), 1..20)) {
        let c = &calendars()[i];
        ts.sort();
        let (from, to) = (ts[0] - TimeDelta::hours(5), ts[ts.len() - 1]);
        let totals = c.timeline(from, to).running_totals(&ts);
        for (t, total) in ts.iter().zip(totals) {
            prop_assert_eq!(total, c.between(from, *t));
        }
    }
}
