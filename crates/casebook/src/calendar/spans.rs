//! Open spans in UTC: local opening intervals converted date by date, with explicit handling of
//! clock changes, then merged; intersections and unions of sorted span lists.

use super::Tz;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};

use super::Calendar;
use super::model::{Hours, Kind};

/// A half-open UTC span `[start, end)`.
pub(crate) type Span = (DateTime<Utc>, DateTime<Utc>);

/// How to read a local time that occurs twice (clocks turned back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bias {
    /// The first occurrence.
    Earliest,
    /// The second occurrence.
    Latest,
}

/// Converts a local wall-clock time to UTC.
///
/// Ambiguous (repeated) times follow `bias`. A time inside a gap (clocks turned forward) gives the
/// instant the gap ends: the first instant whose wall clock is at or after `naive`.
pub(crate) fn resolve(zone: Tz, naive: NaiveDateTime, bias: Bias) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, b) => match bias {
            Bias::Earliest => a.min(b).with_timezone(&Utc),
            Bias::Latest => a.max(b).with_timezone(&Utc),
        },
        chrono::LocalResult::None => gap_end(zone, naive),
    }
}

fn offset_secs(zone: Tz, at: NaiveDateTime) -> i64 {
    i64::from(zone.offset_from_utc_datetime(&at).fix().local_minus_utc())
}

fn gap_end(zone: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    let day = TimeDelta::days(1);
    let before = offset_secs(zone, naive.checked_sub_signed(day).unwrap_or(naive));
    let after = offset_secs(zone, naive.checked_add_signed(day).unwrap_or(naive));
    let base = naive.and_utc().timestamp();
    let (mut lo, mut hi) = {
        let a = base - before;
        let b = base - after;
        (a.min(b) - 1, a.max(b) + 1)
    };
    // Smallest t in (lo, hi] whose local wall clock is at or after `naive`.
    let reaches = |t: i64| {
        DateTime::from_timestamp(t, 0)
            .map(|u| u.with_timezone(&zone).naive_local() >= naive)
            .unwrap_or(true)
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The local date of an instant in `zone`.
pub(crate) fn local_date(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The spans of the intervals that start on local `date` (none on a holiday), unmerged.
fn date_spans(hours: &Hours, date: NaiveDate, out: &mut Vec<Span>) {
    if hours.is_holiday(date) {
        return;
    }
    let day = hours.day(date.weekday());
    if day.is_empty() {
        return;
    }
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Dates at the very end of the supported range have no spans (nothing can overflow).
    let shift = |t: NaiveDateTime, secs: i64| t.checked_add_signed(TimeDelta::seconds(secs));
    let (Some(m0), Some(m1), Some(m3)) = (
        shift(midnight, -86_400),
        shift(midnight, 86_400),
        shift(midnight, 3 * 86_400),
    ) else {
        return;
    };
    // Fast path: intervals starting today lie between yesterday and the day after tomorrow in
    // UTC (offsets are within ±26 h); the same offset at samples two days apart across that range
    // means no clock change touches them (zones never change clocks twice within two days).
    let off0 = offset_secs(hours.zone, m0);
    let off1 = offset_secs(hours.zone, m1);
    let off2 = offset_secs(hours.zone, m3);
    let fixed = off0 == off2 && off0 == off1;
    for iv in day {
        let s = shift(midnight, i64::from(iv.start)).unwrap_or(midnight);
        let e = shift(s, i64::from(iv.len_secs())).unwrap_or(s);
        let (su, eu) = if fixed {
            match (shift(s, -off0), shift(e, -off0)) {
                (Some(a), Some(b)) => (a.and_utc(), b.and_utc()),
                _ => continue,
            }
        } else {
            (
                resolve(hours.zone, s, Bias::Earliest),
                resolve(hours.zone, e, Bias::Latest),
            )
        };
        if su < eu {
            out.push((su, eu));
        }
    }
}

/// Sorts and merges overlapping or touching spans in place.
pub(crate) fn merge(spans: &mut Vec<Span>) {
    spans.sort_unstable();
    let mut w = 0;
    for r in 0..spans.len() {
        if w > 0 && spans[r].0 <= spans[w - 1].1 {
            if spans[r].1 > spans[w - 1].1 {
                spans[w - 1].1 = spans[r].1;
            }
        } else {
            spans[w] = spans[r];
            w += 1;
        }
    }
    spans.truncate(w);
}

fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            out.push((s, e));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

impl Calendar {
    /// The open spans within `[from, to)`, sorted, disjoint, merged and clipped.
    pub(crate) fn spans_in(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
        let mut out = Vec::new();
        if from >= to {
            return out;
        }
        match &self.kind {
            Kind::Hours(h) => {
                let first = local_date(h.zone, from)
                    .pred_opt()
                    .unwrap_or(NaiveDate::MIN);
                let last = local_date(h.zone, to);
                let mut d = first;
                while d <= last {
                    date_spans(h, d, &mut out);
                    match d.succ_opt() {
                        Some(n) => d = n,
                        None => break,
                    }
                }
                for s in out.iter_mut() {
                    s.0 = s.0.max(from);
                    s.1 = s.1.min(to);
                }
                out.retain(|s| s.0 < s.1);
                merge(&mut out);
            }
            Kind::AllOf(cs) => {
                let mut it = cs.iter();
                if let Some(c) = it.next() {
                    out = c.spans_in(from, to);
                }
                for c in it {
                    if out.is_empty() {
                        break;
                    }
                    out = intersect(&out, &c.spans_in(from, to));
                }
            }
            Kind::AnyOf(cs) => {
                for c in cs {
                    out.extend(c.spans_in(from, to));
                }
                merge(&mut out);
            }
        }
        out
    }
}
