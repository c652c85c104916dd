//! Property tests: replaying the log always gives the live state, and customers never see what is
//! internal, whatever commands random actors send.

use casebook::case::{LinkKind, Visibility};
use casebook::protocol;
use casebook::{Actor, Casebook, MemoryStore, Role, SeededIds, fold};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

fn actors() -> Vec<Value> {
    vec![
        json!({"role": "customer", "id": "u1", "org": "acme"}),
        json!({"role": "customer", "id": "u2", "org": "acme"}),
        json!({"role": "customer", "id": "u3"}),
        json!({"role": "anonymous"}),
        json!({"role": "agent", "id": "a1", "name": "Sam"}),
        json!({"role": "engineer", "id": "e1"}),
    ]
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
    match kind % 12 {
        0 | 1 => {
            json!({"op": "report", "as": actor, "description": format!("problem {n}\nwith details"), "tags": [format!("t{}", n % 3)]})
        }
        2 => {
            json!({"op": "comment", "as": actor, "case": case, "body": format!("SECRET-NOTE-{n}"), "internal": true})
        }
        3 => {
            json!({"op": "comment", "as": actor, "case": case, "body": format!("public reply {n}")})
        }
        4 => json!({"op": "transition", "as": actor, "case": case, "to": states[n as usize % 6]}),
        5 => {
            json!({"op": "transition", "as": actor, "case": case, "to": "solved", "outcome": {"kind": "fixed", "version": format!("5.{n}")}})
        }
        6 => {
            json!({"op": "transition", "as": actor, "case": case, "to": "solved", "outcome": {"kind": "duplicate", "of": format!("CB-{}", n % 6 + 1)}})
        }
        7 => {
            json!({"op": "assign", "as": actor, "case": case, "assignee": "Sam SECRET-ASSIGNEE", "team": "core"})
        }
        8 => json!({"op": "vote", "as": actor, "case": case}),
        9 => json!({"op": "watch", "as": actor, "case": case, "on": n.is_multiple_of(2)}),
        10 => {
            json!({"op": "set_visibility", "as": actor, "case": case, "visibility": (["private", "organization", "public"][n as usize % 3])})
        }
        _ => {
            json!({"op": "link", "as": actor, "case": case, "kind": "defect", "target": format!("SECRET-DEFECT-{n}")})
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/replay.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn replay_equals_live_state_and_customers_never_see_internals(
        steps in proptest::collection::vec((any::<u8>(), 0usize..6, any::<u8>(), any::<u8>()), 1..80)
    ) {
        let actors = actors();
        let t0: DateTime<Utc> = "2026-05-01T08:00:00Z".parse().unwrap();
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(9))).unwrap();
        for (i, (kind, who, case, n)) in steps.iter().enumerate() {
            let now = t0 + Duration::minutes(i as i64);
            let line = request(*kind, &actors[*who], *case, *n).to_string();
            let response: Value = serde_json::from_str(&protocol::execute_line(&mut book, &line, now)).unwrap();
            prop_assert!(response["ok"].is_boolean());
            let role = actors[*who]["role"].as_str().unwrap();
            if role == "customer" || role == "anonymous" {
                let text = response.to_string();
                prop_assert!(!text.contains("SECRET"), "a customer saw an internal field: {}", text);
            }
        }
        // Replaying the whole log into a new casebook gives exactly the live state.
        let reopened = Casebook::open(book.store().clone(), Box::new(SeededIds::new(0))).unwrap();
        prop_assert_eq!(reopened.cases().len(), book.cases().len());
        for case in book.cases().iter() {
            prop_assert_eq!(Some(case), reopened.cases().get(case.id));
            // And folding the case's own events gives it too.
            let events = book.events_of(case.id).unwrap();
            let folded = fold::replay(&events).unwrap();
            prop_assert_eq!(Some(case), folded.as_ref());
            // Duplicates are linked both ways.
            for l in case.links().iter().filter(|l| l.kind == LinkKind::DuplicateOf) {
                let orig = book.cases().get(l.case.unwrap()).unwrap();
                prop_assert!(orig.links().iter().any(|b| b.kind == LinkKind::DuplicatedBy && b.case == Some(case.id)));
            }
        }
        // Every customer's list and every case they may get hides internal notes, assignees and defects.
        for who in actors.iter().filter(|a| a["role"] == "customer") {
            let actor: Actor = serde_json::from_value(who.clone()).unwrap();
            let (cases, _) = book.list_cases(&actor, &Default::default(), None, Some(200)).unwrap();
            for c in &cases {
                let full = book.view_case(&c.key, &actor).unwrap();
                let text = serde_json::to_string(&full).unwrap();
                prop_assert!(!text.contains("SECRET"), "{}", text);
            }
            for case in book.cases().iter() {
                let visible = book.view_case(&case.id.to_string(), &actor).is_ok();
                // The default policy: own cases, the organisation's shared ones, public ones.
                let allowed = case.is_reporter(&actor) || case.visibility == Visibility::Public
                    || (case.visibility == Visibility::Organization && actor.org.is_some() && case.org == actor.org);
                prop_assert_eq!(visible, allowed);
            }
        }
        let _ = Role::Customer;
    }
}
