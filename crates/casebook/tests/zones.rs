//! The bundled zone database (`casebook::calendar::Tz`, TZif data read by jiff) against chrono-tz
//! built from the same IANA release (2025b): every zone name chrono-tz knows parses, and every
//! zone gives the same UTC offsets and the same local-time readings (gaps, folds) from 1850 to
//! 2099 (chrono-tz lists transitions up to 2100 only).
//!
//! Offsets are compared every 5 days; wherever chrono-tz's offset changes between two samples
//! the exact transition second is found and both sides of it are compared, along with the local
//! wall-clock times around it (the ones calendars convert: in a gap, in a fold, next to them).

use casebook::calendar::Tz;
use chrono::{DateTime, MappedLocalTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};

fn ours(zone: Tz, t: i64) -> i32 {
    at(t).with_timezone(&zone).offset().fix().local_minus_utc()
}

fn theirs(zone: chrono_tz::Tz, t: i64) -> i32 {
    at(t).with_timezone(&zone).offset().fix().local_minus_utc()
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).expect("in range")
}

/// A local reading as UTC instants: none (gap), one, or two (fold, earliest first).
fn read<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> Vec<i64> {
    let mut v: Vec<i64> = match zone.from_local_datetime(&local) {
        MappedLocalTime::None => vec![],
        MappedLocalTime::Single(t) => vec![t.timestamp()],
        MappedLocalTime::Ambiguous(a, b) => vec![a.timestamp(), b.timestamp()],
    };
    v.sort_unstable();
    v
}

#[test]
fn every_zone_matches_chrono_tz_1850_to_2099() {
    let start = "1850-01-01T00:00:00Z"
        .parse::<DateTime<Utc>>()
        .unwrap()
        .timestamp();
    let end = "2099-12-01T00:00:00Z"
        .parse::<DateTime<Utc>>()
        .unwrap()
        .timestamp();
    let step = 5 * 86_400;
    let mut transitions = 0usize;
    for theirs_zone in chrono_tz::TZ_VARIANTS {
        let name = theirs_zone.name();
        let zone: Tz = name
            .parse()
            .unwrap_or_else(|e| panic!("{name} is not in the bundled database: {e}"));
        assert_eq!(zone.name(), name);
        let mut t = start;
        let mut prev = theirs(theirs_zone, t);
        while t < end {
            let next = t + step;
            let off = theirs(theirs_zone, next);
            assert_eq!(ours(zone, next), off, "{name} at {}", at(next));
            if off != prev {
                // The last second before the change, by bisection in chrono-tz.
                let (mut lo, mut hi) = (t, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if theirs(theirs_zone, mid) == prev {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                transitions += 1;
                for probe in [lo - 3600, lo, hi, hi + 3600] {
                    assert_eq!(
                        ours(zone, probe),
                        theirs(theirs_zone, probe),
                        "{name} at {}",
                        at(probe)
                    );
                }
                // Wall-clock readings around the change, every 15 minutes over ±3 hours of local
                // time on either offset.
                for base in [hi + i64::from(prev), hi + i64::from(off)] {
                    for k in -12..=12 {
                        let local = at(base + k * 900).naive_utc();
                        assert_eq!(
                            read(&zone, local),
                            read(&theirs_zone, local),
                            "{name}: local {local}"
                        );
                    }
                }
            }
            prev = off;
            t = next;
        }
    }
    // A sanity check that the sweep found the zones' clock changes at all.
    assert!(transitions > 50_000, "{transitions} transitions");
}

#[test]
fn local_midnights_match_in_zones_with_odd_rules() {
    // Zones whose clock changes fall at midnight or skip a whole day.
    for name in [
        "America/Santiago",
        "America/Havana",
        "Asia/Tehran",
        "Africa/Casablanca",
        "Pacific/Apia",
        "Australia/Lord_Howe",
        "America/Sao_Paulo",
        "Asia/Gaza",
    ] {
        let ours_zone: Tz = name.parse().unwrap();
        let theirs_zone: chrono_tz::Tz = name.parse().unwrap();
        let mut day = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(2040, 1, 1).unwrap();
        while day < last {
            for hour in [0, 1, 23] {
                let local = day.and_hms_opt(hour, 0, 0).unwrap();
                assert_eq!(
                    read(&ours_zone, local),
                    read(&theirs_zone, local),
                    "{name}: {local}"
                );
            }
            day += TimeDelta::days(1);
        }
    }
}
