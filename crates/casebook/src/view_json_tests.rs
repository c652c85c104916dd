use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value;

use super::*;
use crate::{Casebook, MemoryStore, SeededIds, protocol};

#[path = "../../../tests/support/fixture_files.rs"]
mod fixture_files;

fn view_text(v: &CaseView) -> String {
    let mut out = String::new();
    v.write_json(&mut out).unwrap();
    out
}

fn summary_text(v: &CaseSummary) -> String {
    let mut out = String::new();
    v.write_json(&mut out);
    out
}

/// Every response, case view and summary the shared fixtures answer, written both ways.
#[test]
fn views_and_responses_of_every_fixture_are_written_as_serde_writes_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = fixture_files::fixture_files(&root);
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    let (mut views, mut summaries, mut responses) = (0, 0, 0);
    let mut keys = BTreeSet::new();
    let mut check = |case: &Value, keys: &mut BTreeSet<String>| {
        if let Some(o) = case.as_object() {
            keys.extend(o.keys().cloned());
            if let Some(Value::Array(t)) = o.get("timeline") {
                for e in t {
                    keys.extend(
                        e.as_object()
                            .unwrap()
                            .keys()
                            .map(|k| format!("timeline.{k}")),
                    );
                }
            }
        }
        if case.get("description").is_some() {
            let v: CaseView = serde_json::from_value(case.clone()).unwrap();
            assert_eq!(view_text(&v), serde_json::to_string(&v).unwrap());
            views += 1;
        } else {
            let v: CaseSummary = serde_json::from_value(case.clone()).unwrap();
            assert_eq!(summary_text(&v), serde_json::to_string(&v).unwrap());
            summaries += 1;
        }
    };
    for file in files {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
        for step in fixture["steps"].as_array().unwrap() {
            let line = match (&step["raw"], &step["request"]) {
                (Value::String(raw), _) => raw.clone(),
                (_, req) => req.to_string(),
            };
            let typed = protocol::execute(&mut book, &line, now);
            let text = serde_json::to_string(&typed).unwrap();
            let mut written = String::new();
            write_response(&mut written, &typed).unwrap();
            assert_eq!(written, text, "{line}");
            responses += 1;
            let response: Value = serde_json::from_str(&text).unwrap();
            let result = &response["result"];
            if result["case"].is_object() {
                check(&result["case"], &mut keys);
            }
            if let Value::Array(cases) = &result["cases"] {
                for c in cases {
                    check(c, &mut keys);
                }
            }
        }
        // Every case of the scenario in both list views, as staff see them.
        for view in ["full", "summary"] {
            let line =
                format!(r#"{{"op":"list","as":{{"role":"agent","id":"z"}},"view":"{view}"}}"#);
            let typed = protocol::execute(&mut book, &line, now);
            let text = serde_json::to_string(&typed).unwrap();
            let mut written = String::new();
            write_response(&mut written, &typed).unwrap();
            assert_eq!(written, text, "{line}");
            let response: Value = serde_json::from_str(&text).unwrap();
            for c in response["result"]["cases"].as_array().into_iter().flatten() {
                check(c, &mut keys);
            }
        }
    }
    assert!(
        views > 50 && summaries > 0,
        "{views} views, {summaries} summaries"
    );
    assert!(responses > 100, "{responses} responses");
    for key in [
        "reporter",
        "diagnostics",
        "outcome",
        "duplicate_of",
        "tracking_token",
        "clocks",
        "service_targets",
        "attachments",
        "logged_by",
        "timeline.body",
        "timeline.outcome",
        "timeline.status",
    ] {
        assert!(keys.contains(key), "no fixture view has {key}: {keys:?}");
    }
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    for s in [
        "",
        "plain",
        "a \"quote\"",
        "back\\slash",
        "new\nline\ttab\r",
        "\u{0}\u{1}\u{1f}\u{7f}",
        "unicode: é → 🙂 \u{2028}",
        "</script>",
    ] {
        let mut out = String::new();
        string(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
    }
}

#[test]
fn numbers_are_written_as_serde_json_writes_them() {
    for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
        let mut out = String::new();
        uint(&mut out, n);
        assert_eq!(out, n.to_string());
    }
}

#[test]
fn times_are_written_as_chrono_serde_writes_them() {
    let mut times: Vec<DateTime<Utc>> = vec![
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(-1, 6, 15, 12, 30, 5).unwrap(),
        Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    ];
    let base = Utc.with_ymd_and_hms(2026, 3, 29, 1, 2, 3).unwrap();
    for nanos in [
        1,
        10,
        1_000,
        1_500,
        1_000_000,
        120_000_000,
        999_999_999,
        123_456_789,
    ] {
        times.push(base + chrono::Duration::nanoseconds(nanos));
    }
    // A leap second (nanosecond >= 1e9).
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .unwrap()
        .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
        .unwrap()
        .and_utc();
    times.push(leap);
    // A spread of instants over four centuries, with and without fractions.
    let mut x: i64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..2_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let secs = x.rem_euclid(400 * 366 * 86_400) - 100 * 366 * 86_400;
        let nanos = match x.rem_euclid(4) {
            0 => 0,
            1 => (x >> 8).rem_euclid(1000) as u32 * 1_000_000,
            2 => (x >> 8).rem_euclid(1_000_000) as u32 * 1_000,
            _ => (x >> 8).rem_euclid(1_000_000_000) as u32,
        };
        times.push(DateTime::from_timestamp(secs, nanos).unwrap());
    }
    for t in times {
        let mut out = String::new();
        time(&mut out, &t);
        assert_eq!(out, serde_json::to_string(&t).unwrap(), "{t:?}");
    }
}

#[test]
fn staff_views_with_every_part_match_serde() {
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(7))).unwrap();
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    let lines = [
        r#"{"op":"report","as":{"role":"customer","id":"ada","name":"Ada \"A\" L."},"description":"Export\ncrashes \\ badly","diagnostics":{"app_version":"1.0"}}"#,
        r#"{"op":"comment","as":{"role":"agent","id":"a1","name":"Sam"},"case":"CB-1","body":"note\twith tab","internal":true}"#,
        r#"{"op":"comment","as":{"role":"agent","id":"a1","name":"Sam"},"case":"CB-1","body":"a reply"}"#,
        r#"{"op":"assign","as":{"role":"agent","id":"a1"},"case":"CB-1","assignee":"a1","team":"core"}"#,
        r#"{"op":"tag","as":{"role":"agent","id":"a1"},"case":"CB-1","add":["pdf","export"]}"#,
        r#"{"op":"transition","as":{"role":"agent","id":"a1"},"case":"CB-1","to":"solved","outcome":{"kind":"fixed","version":"5.2"}}"#,
    ];
    for line in lines {
        let r: Value = serde_json::from_str(&protocol::execute_line(&mut book, line, now)).unwrap();
        assert_eq!(r["ok"], true, "{line}: {r}");
    }
    for who in [
        crate::Actor::with_id(crate::Role::Agent, "a1"),
        crate::Actor::with_id(crate::Role::Customer, "ada"),
    ] {
        let v = book.view_case("CB-1", &who).unwrap();
        assert!(v.timeline.as_ref().is_some_and(|t| t.len() >= 3));
        assert_eq!(view_text(&v), serde_json::to_string(&v).unwrap());
        let s: CaseSummary = v.into();
        assert_eq!(summary_text(&s), serde_json::to_string(&s).unwrap());
    }
}
