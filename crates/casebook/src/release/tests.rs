use serde_json::{Value, json};

use super::testkit::*;

const T0: &str = "2026-11-02T09:00:00Z";

fn setup() -> (Book, [String; 5]) {
    let mut b = book();
    let a = report(
        &mut b,
        &customer("ada"),
        "Export to PDF crashes",
        json!({"tags": ["export"]}),
        T0,
    );
    let bb = report(
        &mut b,
        &customer("bo"),
        "Dark mode resets after restart",
        json!({}),
        T0,
    );
    let c = report(
        &mut b,
        &customer("cy"),
        "Signup rejects plus addresses",
        json!({}),
        T0,
    );
    let d = report(
        &mut b,
        &customer("dee"),
        "PDF export crash on save",
        json!({}),
        T0,
    );
    let e = report(
        &mut b,
        &customer("eve"),
        "Theme goes back to light",
        json!({}),
        T0,
    );
    for (dup, of) in [(&d, &a), (&e, &bb)] {
        ok(
            &mut b,
            json!({"op": "transition", "as": staff(), "case": dup, "to": "solved",
            "outcome": {"kind": "duplicate", "of": of}}),
            T0,
        );
    }
    for k in [&a, &bb] {
        ok(
            &mut b,
            json!({"op": "set_visibility", "as": staff(), "case": k, "visibility": "public"}),
            T0,
        );
    }
    ok(
        &mut b,
        json!({"op": "watch", "as": customer("ada"), "case": bb}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "watch", "as": customer("fay"), "case": a}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "link", "as": staff(), "case": bb, "kind": "defect", "target": "BUG-7"}),
        T0,
    );
    (b, [a, bb, c, d, e])
}

fn clear(b: &mut Book, at: &str) {
    let ids: Vec<Value> = drain(b, at).iter().map(|n| n["id"].clone()).collect();
    ok(b, json!({"op": "ack", "as": system(), "ids": ids}), at);
}

#[test]
fn a_release_tells_each_person_once_and_asks_reporters_to_confirm() {
    let (mut b, [a, bb, c, d, e]) = setup();
    clear(&mut b, "2026-11-03T00:00:00Z");
    let r = ok(
        &mut b,
        json!({"op": "release", "as": staff(), "version": "5.3", "date": "2026-11-10",
        "cases": [a, c], "defects": ["BUG-7"]}),
        "2026-11-10T12:00:00Z",
    );
    let fixed: Vec<&str> = r["release"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        fixed,
        [a.as_str(), c.as_str(), bb.as_str(), d.as_str(), e.as_str()]
    );
    // ada (reporter of A, watcher of B), bo, cy, dee, eve, fay (watcher of A): six people.
    assert_eq!(r["release"]["notified"], 6);
    assert_eq!(r["release"]["confirmations_asked"], 5);
    let notes = drain(&mut b, "2026-11-10T12:01:00Z");
    let mut people: Vec<&str> = notes
        .iter()
        .map(|n| n["recipient"].as_str().unwrap())
        .collect();
    people.sort();
    assert_eq!(people, ["u:ada", "u:bo", "u:cy", "u:dee", "u:eve", "u:fay"]);
    assert!(notes.iter().all(|n| n["kind"] == "fix_released"));
    let ada = notes.iter().find(|n| n["recipient"] == "u:ada").unwrap();
    let cases = ada["data"]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["confirm"], true);
    assert!(
        cases[0]["rating_token"]
            .as_str()
            .unwrap()
            .starts_with("cbr1_")
    );
    assert!(cases[1].get("confirm").is_none(), "ada only watches B");
    // The cases are fixed in 5.3 and solved.
    let got = ok(
        &mut b,
        json!({"op": "get", "as": staff(), "case": c}),
        "2026-11-10T12:02:00Z",
    );
    assert_eq!(got["case"]["status"], "solved");
    assert_eq!(got["case"]["outcome"]["words"], "Fixed in 5.3");
    // The reporter confirms; nobody else may.
    ok(
        &mut b,
        json!({"op": "confirm_fix", "as": customer("ada"), "case": a, "works": true}),
        "2026-11-11T08:00:00Z",
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "confirm_fix", "as": customer("bo"), "case": a, "works": true}),
            "2026-11-11T08:00:00Z"
        ),
        "forbidden"
    );
    // The same version (semver-equal) cannot ship twice; a release needs cases; staff only.
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "release", "as": staff(), "version": "5.3.0", "cases": [a]}),
            "2026-11-12T00:00:00Z"
        ),
        "invalid_release"
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "release", "as": staff(), "version": "5.4", "defects": ["BUG-404"]}),
            "2026-11-12T00:00:00Z"
        ),
        "invalid_release"
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "release", "as": customer("ada"), "version": "5.4", "cases": [a]}),
            "2026-11-12T00:00:00Z"
        ),
        "forbidden"
    );
    // Nothing is sent twice.
    let again = drain(&mut b, "2026-11-10T12:02:00Z");
    assert!(
        again.iter().all(|n| n["kind"] != "fix_released"),
        "{again:#?}"
    );
}

#[test]
fn confirming_before_a_release_is_refused() {
    let (mut b, [a, ..]) = setup();
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "confirm_fix", "as": customer("ada"), "case": a, "works": true}),
            T0
        ),
        "invalid_input"
    );
}

#[test]
fn release_notes_go_through_the_visibility_projection() {
    let (mut b, [a, bb, c, ..]) = setup();
    ok(
        &mut b,
        json!({"op": "release", "as": staff(), "version": "5.3", "cases": [a, bb, c]}),
        "2026-11-10T12:00:00Z",
    );
    let n = ok(
        &mut b,
        json!({"op": "release_notes", "as": {"role": "anonymous"}, "version": "5.3"}),
        "2026-11-10T12:00:00Z",
    )["release_notes"]
        .clone();
    assert_eq!(n["title"], "What's new in 5.3");
    assert_eq!(n["other_fixes"], 1, "cy's private case is only counted");
    let groups: Vec<&str> = n["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["export", "General"]);
    assert_eq!(
        n["groups"][0]["items"][0]["summary"],
        "Export to PDF crashes"
    );
    assert_eq!(
        n["groups"][0]["items"][0]["asked_by"], 2,
        "ada and the duplicate's reporter"
    );
    let md = n["markdown"].as_str().unwrap();
    assert!(md.starts_with("# What's new in 5.3\n"), "{md}");
    assert!(
        md.contains("- Export to PDF crashes (CB-1)")
            && md.contains("And 1 more fix reported privately."),
        "{md}"
    );
    assert!(!md.contains("Signup"), "{md}");
    // Staff see all three.
    let s = ok(
        &mut b,
        json!({"op": "release_notes", "as": staff(), "version": "5.3"}),
        "2026-11-10T12:00:00Z",
    );
    assert_eq!(s["release_notes"]["other_fixes"], 0);
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "release_notes", "as": staff(), "version": "9"}),
            T0
        ),
        "invalid_release"
    );
}
