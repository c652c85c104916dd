//! Deterministic reports: ~100k distinct customers, realistic text and diagnostics.

use casebook::{Actor, Diagnostics, Report, Role};
use chrono::{DateTime, Utc};

/// How many distinct reporters the generated reports come from.
pub const REPORTERS: u64 = 100_000;

/// The fixed time of every benchmark command.
pub fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .expect("a fixed, valid RFC 3339 time")
}

/// The customer who files report `n`.
pub fn customer(n: u64) -> Actor {
    Actor::with_id(Role::Customer, format!("u{}", n % REPORTERS)).in_org(format!("org{}", n % 997))
}

/// Report number `n`: a two-line description (~180 bytes) and three diagnostics.
pub fn report(n: u64) -> Report {
    Report {
        description: format!(
            "Export to PDF fails on report {n}\nOpen any report with more than {} pages and \
             choose File > Export > PDF: the progress bar stops at 90% and the app closes.",
            n % 97 + 3
        ),
        diagnostics: Some(Diagnostics {
            app_version: Some(format!("4.{}.{}", n % 5, n % 11)),
            os: Some("Windows 11".into()),
            locale: Some("de-DE".into()),
            ..Diagnostics::default()
        }),
        ..Report::default()
    }
}

/// Reports `from .. from + count` with their reporters.
pub fn pairs(from: u64, count: usize) -> Vec<(Report, Actor)> {
    (from..from + count as u64)
        .map(|n| (report(n), customer(n)))
        .collect()
}
