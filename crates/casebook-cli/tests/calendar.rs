//! `casebook calendar` through the binary: add, subtract, between and next-open on a calendar
//! JSON file, and precise errors.

use std::process::Command;

fn calendar(args: &[&str], json: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cal.json");
    std::fs::write(&file, json).unwrap();
    let mut full = vec!["calendar", args[0], "--calendar", file.to_str().unwrap()];
    full.extend_from_slice(&args[1..]);
    let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(&full)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const BERLIN: &str = r#"{"time_zone":"Europe/Berlin",
  "hours":{"mon":[["08:00","13:00"],["14:00","18:00"]],"tue":[["08:00","13:00"],["14:00","18:00"]],
           "wed":[["08:00","13:00"],["14:00","18:00"]],"thu":[["08:00","13:00"],["14:00","18:00"]],
           "fri":[["08:00","13:00"],["14:00","18:00"]],"sat":[],"sun":[]},
  "holidays":["2015-04-03"]}"#;

fn ok(args: &[&str], json: &str) -> String {
    let (success, out, err) = calendar(args, json);
    assert!(success, "{args:?}: {err}");
    out
}

#[test]
fn add_skips_the_holiday_and_the_weekend() {
    // Thursday 17:00 local: one hour left that day, Good Friday closed, Monday 08:00 + 30 min.
    let out = ok(
        &["add", "--at", "2015-04-02T17:00", "--duration", "1h30m"],
        BERLIN,
    );
    assert_eq!(out, "2015-04-06T06:30:00Z");
    let out = ok(
        &[
            "add",
            "--at",
            "2015-04-02T17:00:00+02:00",
            "--duration",
            "2bd",
        ],
        BERLIN,
    );
    assert_eq!(out, "2015-04-07T15:00:00Z");
}

#[test]
fn subtract_mirrors_add() {
    let out = ok(
        &[
            "subtract",
            "--at",
            "2015-04-06T08:30:00+02:00",
            "--duration",
            "1h30m",
        ],
        BERLIN,
    );
    assert_eq!(out, "2015-04-02T15:00:00Z");
}

#[test]
fn between_counts_business_seconds_around_lunch() {
    let out = ok(
        &[
            "between",
            "--from",
            "2015-04-02T12:00",
            "--to",
            "2015-04-02T15:00",
        ],
        BERLIN,
    );
    assert_eq!(out, "7200");
    let out = ok(
        &[
            "between",
            "--from",
            "2015-04-02T15:00",
            "--to",
            "2015-04-02T12:00",
        ],
        BERLIN,
    );
    assert_eq!(out, "-7200");
}

#[test]
fn next_open_across_a_dst_weekend() {
    // Friday evening in winter time; Monday opens in summer time (+02:00).
    let out = ok(&["next-open", "--at", "2015-03-27T18:30"], BERLIN);
    assert_eq!(out, "2015-03-30T06:00:00Z");
    let out = ok(&["next-open", "--at", "2015-04-03T10:00:00Z"], BERLIN);
    assert_eq!(out, "2015-04-06T06:00:00Z");
}

#[test]
fn overnight_shifts_and_24_00() {
    let night = r#"{"time_zone":"America/New_York","hours":{"fri":[["19:00","05:00"]],"sat":[["00:00","24:00"]]}}"#;
    let out = ok(
        &[
            "between",
            "--from",
            "2026-03-06T00:00",
            "--to",
            "2026-03-09T00:00",
        ],
        night,
    );
    // Friday 19:00 to Saturday 05:00 (10 h) merged into Saturday's 24 h: Friday 19:00 to
    // Sunday 00:00 is 29 hours.
    assert_eq!(out, "104400");
}

#[test]
fn bad_input_gives_an_error_naming_the_problem() {
    let (success, _, err) = calendar(
        &["next-open", "--at", "2015-04-03"],
        r#"{"time_zone":"Mars/Base","hours":{}}"#,
    );
    assert!(!success);
    assert!(err.contains("unknown_time_zone"), "{err}");
    let (success, _, err) = calendar(&["add", "--at", "2015-04-03", "--duration", "soon"], BERLIN);
    assert!(!success);
    assert!(err.contains("--duration soon"), "{err}");
    let (success, _, err) = calendar(&["add", "--at", "yesterday", "--duration", "1h"], BERLIN);
    assert!(!success);
    assert!(err.contains("--at yesterday"), "{err}");
}
