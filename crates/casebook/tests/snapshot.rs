//! Snapshots: opening from a snapshot and the tail of the log gives exactly the state a full
//! replay gives (cases, lists, views, clocks and deadlines, similar cases, stats, the outbox),
//! whatever random commands came before and after the snapshot; a damaged, foreign or stale
//! snapshot is ignored (full replay), and erasure drops it.

#![cfg(feature = "snapshots")]

use casebook::store::Store;
use casebook::{Casebook, MemoryStore, Opened, SeededIds, protocol};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

#[path = "support/snap_store.rs"]
mod snap_store;
use snap_store::SnapStore;

fn admin() -> Value {
    json!({"role": "admin", "id": "root"})
}

fn actors() -> Vec<Value> {
    vec![
        json!({"role": "customer", "id": "u1", "org": "acme"}),
        json!({"role": "customer", "id": "u2", "org": "acme"}),
        json!({"role": "customer", "id": "u3"}),
        json!({"role": "agent", "id": "a1", "name": "Sam"}),
        json!({"role": "engineer", "id": "e1"}),
    ]
}

/// SLA targets and a time-based escalation rule, so that clocks and deadlines matter.
fn sla_config() -> Value {
    json!({"op": "configure", "as": admin(),
        "calendars": {"always": {"time_zone": "UTC", "hours": {
            "mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
            "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]],
            "sun": [["00:00", "24:00"]]}}},
        "sla_policy": {"rules": [{"priority": "any", "tier": "any", "calendar": "always",
            "targets": {"first_reply": "4h", "resolution": "30h"}}]},
        "rules": [{"name": "late", "trigger": {"kind": "clock_at", "clock": "first_reply", "percent": 50},
            "actions": [{"kind": "add_tag", "tag": "late"}]}]})
}

fn request(kind: u8, actor: &Value, case: u8, n: u8) -> Value {
    let case = format!("CB-{}", case % 6 + 1);
    let states = [
        "new",
        "open",
        "waiting_on_customer",
        "planned",
        "solved",
        "closed",
    ];
    match kind % 16 {
        0..=2 => json!({"op": "report", "as": actor,
            "description": format!("export {} crashes\nwith details {}", ["pdf", "csv", "sync"][n as usize % 3], n),
            "tags": [format!("t{}", n % 3)]}),
        3 => {
            json!({"op": "comment", "as": actor, "case": case, "body": format!("note {n}"), "internal": true})
        }
        4 => json!({"op": "comment", "as": actor, "case": case, "body": format!("reply {n}")}),
        5 => json!({"op": "transition", "as": actor, "case": case, "to": states[n as usize % 6]}),
        6 => json!({"op": "transition", "as": actor, "case": case, "to": "solved",
            "outcome": {"kind": "fixed", "version": format!("5.{n}")}}),
        7 => json!({"op": "assign", "as": actor, "case": case, "assignee": "a1", "team": "core"}),
        8 => json!({"op": "vote", "as": actor, "case": case}),
        9 => json!({"op": "watch", "as": actor, "case": case, "on": n.is_multiple_of(2)}),
        10 => json!({"op": "set_visibility", "as": actor, "case": case,
            "visibility": (["private", "organization", "public"][n as usize % 3])}),
        11 => json!({"op": "tick", "as": {"role": "system"}}),
        12 => json!({"op": "article_upsert", "as": actor,
            "article": {"id": format!("kb-{}", n % 3), "title": format!("export fix {n}"), "body": "restart the export"}}),
        13 => json!({"op": "subscribe", "as": actor, "component": "sync"}),
        14 => {
            json!({"op": "broadcast", "as": actor, "component": "sync", "message": format!("down {n}")})
        }
        _ => json!({"op": "set_priority", "as": actor, "case": case,
            "priority": (["low", "normal", "high", "urgent"][n as usize % 4])}),
    }
}

fn run<S: Store>(book: &mut Casebook<S>, request: &Value, now: DateTime<Utc>) -> String {
    protocol::execute_line(book, &request.to_string(), now)
}

/// What a host can observe of a casebook, as protocol answers: every list, every case as staff
/// and as each customer, similar cases, stats, known answers, the outbox, and what a tick
/// a month later does (which reads every clock and deadline).
fn observe<S: Store>(book: &mut Casebook<S>, now: DateTime<Utc>) -> Vec<String> {
    let mut out = Vec::new();
    let cases: Vec<String> = book.cases().iter().map(|c| book.key_of(c)).collect();
    for who in actors() {
        out.push(run(
            book,
            &json!({"op": "list", "as": who, "limit": 200}),
            now,
        ));
        out.push(run(
            book,
            &json!({"op": "similar", "as": who,
            "draft": {"description": "the pdf export crashes"}}),
            now,
        ));
        for key in &cases {
            out.push(run(
                book,
                &json!({"op": "get", "as": who, "case": key}),
                now,
            ));
        }
    }
    let agent = json!({"role": "agent", "id": "a1", "name": "Sam"});
    out.push(run(
        book,
        &json!({"op": "stats", "as": agent, "period": "2026-05-01..2026-06-30"}),
        now,
    ));
    out.push(run(book, &json!({"op": "known_answers", "as": agent}), now));
    out.push(run(
        book,
        &json!({"op": "notifications", "as": {"role": "system"}, "limit": 500}),
        now,
    ));
    out.push(run(
        book,
        &json!({"op": "tick", "as": {"role": "system"}}),
        now + Duration::days(30),
    ));
    out.extend(
        book.cases()
            .iter()
            .map(|c| serde_json::to_string(c).unwrap()),
    );
    out
}

fn open<S: Store>(store: S) -> Casebook<S> {
    Casebook::open(store, Box::new(SeededIds::new(0))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/snapshot.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn snapshot_and_tail_equal_the_full_replay(
        sla in any::<bool>(),
        steps in proptest::collection::vec((any::<u8>(), 0usize..5, any::<u8>(), any::<u8>()), 1..60),
        snap_at in proptest::collection::vec(any::<prop::sample::Index>(), 1..3),
    ) {
        let actors = actors();
        let t0: DateTime<Utc> = "2026-05-01T08:00:00Z".parse().unwrap();
        let mut live = open(SnapStore::default());
        if sla {
            run(&mut live, &sla_config(), t0);
        }
        let points: Vec<usize> = snap_at.iter().map(|i| i.index(steps.len() + 1)).collect();
        let mut saved = None;
        for (i, (kind, who, case, n)) in steps.iter().enumerate() {
            if points.contains(&i) {
                saved = Some(live.save_snapshot().unwrap());
            }
            let now = t0 + Duration::minutes(37 * i as i64);
            run(&mut live, &request(*kind, &actors[*who], *case, *n), now);
        }
        if points.contains(&steps.len()) {
            saved = Some(live.save_snapshot().unwrap());
        }
        let saved = saved.unwrap();
        let end = t0 + Duration::minutes(37 * steps.len() as i64 + 60);

        let mut from_snapshot = open(live.store().clone());
        let head = live.store().head().unwrap();
        prop_assert_eq!(from_snapshot.opened(), &Opened::FromSnapshot { position: saved, tail: head - saved });
        let mut without = live.store().clone();
        without.clear_snapshots().unwrap();
        let mut replayed = open(without);
        prop_assert_eq!(replayed.opened(), &Opened::Replayed);

        let expected = observe(&mut replayed, end);
        let got = observe(&mut from_snapshot, end);
        prop_assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            prop_assert_eq!(g, e);
        }
        prop_assert_eq!(observe(&mut live, end), expected);
    }
}

/// A casebook with a few cases, a configuration and an article, and its snapshot saved.
fn sample() -> Casebook<SnapStore> {
    let t0: DateTime<Utc> = "2026-05-01T08:00:00Z".parse().unwrap();
    let mut book = open(SnapStore::default());
    run(&mut book, &sla_config(), t0);
    for (i, who) in actors().iter().enumerate() {
        let r = run(
            &mut book,
            &request(0, who, 0, i as u8),
            t0 + Duration::minutes(i as i64),
        );
        assert!(r.contains("\"ok\":true"), "{r}");
    }
    run(&mut book, &request(12, &actors()[3], 0, 1), t0);
    book.save_snapshot().unwrap();
    book
}

fn reopened_with(
    snapshot: Option<(u64, Vec<u8>)>,
    book: &Casebook<SnapStore>,
) -> Casebook<SnapStore> {
    let mut store = book.store().clone();
    store.snapshot = snapshot;
    open(store)
}

fn ignored_code(book: &Casebook<SnapStore>) -> &'static str {
    match book.opened() {
        Opened::ReplayedIgnoring(e) => e.code(),
        other => panic!("expected a full replay ignoring the snapshot, got {other:?}"),
    }
}

#[test]
fn a_good_snapshot_is_used() {
    let book = sample();
    let again = reopened_with(book.store().snapshot.clone(), &book);
    let head = book.store().head().unwrap();
    assert_eq!(
        again.opened(),
        &Opened::FromSnapshot {
            position: head,
            tail: 0
        }
    );
    assert_eq!(
        again.cases().iter().collect::<Vec<_>>(),
        book.cases().iter().collect::<Vec<_>>()
    );
}

#[test]
fn damaged_foreign_or_stale_snapshots_fall_back_to_the_full_replay() {
    let book = sample();
    let (position, data) = book.store().snapshot.clone().unwrap();
    let expect: Vec<_> = book.cases().iter().cloned().collect();
    let check = |snapshot: Option<(u64, Vec<u8>)>, code: &str| {
        let again = reopened_with(snapshot, &book);
        assert_eq!(ignored_code(&again), code);
        assert_eq!(again.cases().iter().cloned().collect::<Vec<_>>(), expect);
    };
    // Flipped bytes anywhere in the body, cut short, empty, garbage.
    for at in [data.len() / 3, data.len() / 2, data.len() - 1] {
        let mut bad = data.clone();
        bad[at] ^= 0x5a;
        check(Some((position, bad)), "snapshot_corrupt");
    }
    check(
        Some((position, data[..data.len() / 2].to_vec())),
        "snapshot_corrupt",
    );
    check(Some((position, Vec::new())), "snapshot_corrupt");
    check(
        Some((position, b"not a snapshot at all".to_vec())),
        "snapshot_corrupt",
    );
    // Another format, another crate version.
    let mut other = data.clone();
    other[8] = other[8].wrapping_add(1);
    check(Some((position, other)), "snapshot_format");
    // The previous format (field names, before the compact sections): ignored, not misread.
    let mut older = data.clone();
    older[8..12].copy_from_slice(&(casebook::snapshot::FORMAT - 1).to_le_bytes());
    check(Some((position, older)), "snapshot_format");
    let mut version = data.clone();
    version[16] = b'~';
    check(Some((position, version)), "snapshot_version");
    // Kept at another position than it says, or ahead of the log.
    check(Some((position - 1, data.clone())), "snapshot_corrupt");
    check(Some((position + 5, data.clone())), "snapshot_ahead");
}

#[test]
fn a_snapshot_ahead_of_the_log_is_dropped_so_it_never_looks_valid_later() {
    let book = sample();
    let (position, data) = book.store().snapshot.clone().unwrap();
    let again = reopened_with(Some((position + 1, data)), &book);
    assert_eq!(ignored_code(&again), "snapshot_ahead");
    assert_eq!(again.store().snapshot, None);
}

#[test]
fn a_snapshot_of_another_log_is_ignored() {
    let book = sample();
    let snapshot = book.store().snapshot.clone();
    // The same number of events, but not the same log.
    let t0: DateTime<Utc> = "2026-05-01T08:00:00Z".parse().unwrap();
    let mut other = open(SnapStore::default());
    run(&mut other, &sla_config(), t0);
    for (i, who) in actors().iter().enumerate() {
        run(
            &mut other,
            &request(0, who, 0, 100 + i as u8),
            t0 + Duration::minutes(i as i64),
        );
    }
    run(&mut other, &request(12, &actors()[3], 0, 2), t0);
    assert_eq!(other.store().head().unwrap(), book.store().head().unwrap());
    let again = reopened_with(snapshot, &other);
    assert_eq!(ignored_code(&again), "snapshot_mismatch");
    assert_eq!(
        again.cases().iter().collect::<Vec<_>>(),
        other.cases().iter().collect::<Vec<_>>()
    );
}

#[cfg(feature = "portability")]
#[test]
fn erasure_drops_the_snapshot() {
    let mut book = sample();
    assert!(book.store().snapshot.is_some());
    let r = run(
        &mut book,
        &json!({"op": "erase", "as": admin(), "person": {"user": "u3"}}),
        "2026-05-02T08:00:00Z".parse().unwrap(),
    );
    assert!(r.contains("\"ok\":true"), "{r}");
    assert_eq!(book.store().snapshot, None);
    let again = open(book.store().clone());
    assert_eq!(again.opened(), &Opened::Replayed);
}

#[test]
fn a_store_without_snapshots_says_so() {
    let mut book = open(MemoryStore::new());
    let err = book.save_snapshot().unwrap_err();
    assert_eq!(err.code().as_str(), "unsupported");
}
