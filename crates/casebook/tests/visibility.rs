//! The visibility policy: tracking tokens, and property tests that no hidden field ever reaches a
//! viewer and nobody acts beyond their grant, over random policies, actors and commands.

use casebook::policy::{Action, Policy};
use casebook::{Actor, Casebook, MemoryStore, SeededIds, protocol};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

fn t0() -> DateTime<Utc> {
    "2026-05-01T08:00:00Z".parse().unwrap()
}

fn send(book: &mut Casebook<MemoryStore>, req: Value) -> Value {
    serde_json::from_str(&protocol::execute_line(book, &req.to_string(), t0())).unwrap()
}

#[test]
fn tracking_tokens_let_the_reporter_follow_and_reply_nothing_more() {
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(3))).unwrap();
    let r = send(
        &mut book,
        json!({"op": "configure", "as": {"role": "admin"}, "tracking_secret": "a-host-secret-of-some-length"}),
    );
    assert_eq!(r["ok"], true, "{r}");
    let r = send(
        &mut book,
        json!({"op": "report", "as": {"role": "anonymous"}, "description": "Checkout is broken", "email": "g@example.com"}),
    );
    let token = r["result"]["case"]["tracking_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.starts_with("cbt1_"));
    send(
        &mut book,
        json!({"op": "report", "as": {"role": "customer", "id": "u1"}, "description": "someone else's case"}),
    );
    let holder = json!({"role": "anonymous", "token": token});
    let r = send(
        &mut book,
        json!({"op": "get", "as": holder, "case": "CB-1"}),
    );
    assert_eq!(r["result"]["case"]["key"], "CB-1", "{r}");
    let r = send(
        &mut book,
        json!({"op": "comment", "as": holder, "case": "CB-1", "body": "It happens on mobile too"}),
    );
    assert_eq!(r["ok"], true, "{r}");
    for forbidden in [
        json!({"op": "transition", "as": holder, "case": "CB-1", "to": "closed", "outcome": {"kind": "withdrawn"}}),
        json!({"op": "add_participant", "as": holder, "case": "CB-1", "participant": {"id": "x"}}),
    ] {
        assert_eq!(send(&mut book, forbidden)["error"]["code"], "forbidden");
    }
    assert_eq!(
        send(
            &mut book,
            json!({"op": "get", "as": holder, "case": "CB-2"})
        )["error"]["code"],
        "not_found"
    );
    // A changed character, a token from another secret: refused.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        send(
            &mut book,
            json!({"op": "get", "as": {"role": "anonymous", "token": forged}, "case": "CB-1"})
        )["error"]["code"],
        "invalid_token"
    );
    // Staff issue a second token, then the reporter's first one is revoked: it stops working.
    let r = send(
        &mut book,
        json!({"op": "issue_token", "as": {"role": "agent", "id": "a1"}, "case": "CB-1"}),
    );
    let second = r["result"]["case"]["tracking_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(second, token);
    let r = send(
        &mut book,
        json!({"op": "revoke_token", "as": {"role": "agent", "id": "a1"}, "case": "CB-1", "token": token}),
    );
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(
        send(
            &mut book,
            json!({"op": "get", "as": holder, "case": "CB-1"})
        )["error"]["code"],
        "invalid_token"
    );
    assert_eq!(
        send(
            &mut book,
            json!({"op": "get", "as": {"role": "anonymous", "token": second}, "case": "CB-1"})
        )["ok"],
        true
    );
    // The secret is never written to the store.
    let mut log = String::new();
    casebook::Store::read_all(book.store(), 0, &mut |e| {
        log.push_str(&e.payload);
        Ok(())
    })
    .unwrap();
    assert!(!log.contains("a-host-secret"));
}

fn policy_from(bits: u8) -> Value {
    let names = ["hide", "first_name", "full"][(bits % 3) as usize];
    json!({
        "org_sharing": {"default": bits & 4 != 0},
        "internal_tags": ["secrettag"],
        "staff_names": names,
        "show_priority": bits & 8 != 0,
        "internal_defect_links": true,
        "grants": {
            "reporter": if bits & 16 != 0 { json!(["comment", "transition", "vote", "watch", "add_participant"]) } else { json!(["comment"]) },
            "participant": ["comment"],
            "org_member": if bits & 32 != 0 { json!(["vote", "comment"]) } else { json!([]) },
            "public": if bits & 64 != 0 { json!(["vote", "watch"]) } else { json!([]) }
        }
    })
}

fn viewers() -> Vec<Value> {
    vec![
        json!({"role": "customer", "id": "c1", "org": "acme", "name": "Cleo Reporter", "email": "secretmail1@example.com"}),
        json!({"role": "customer", "id": "c2", "org": "acme"}),
        json!({"role": "customer", "id": "c3", "org": "globex"}),
        json!({"role": "anonymous"}),
    ]
}

fn op(kind: u8, who: &Value, case: u16, n: u8) -> Value {
    let case = format!("CB-{}", case + 1);
    match kind % 13 {
        0 | 1 => {
            json!({"op": "report", "as": who, "description": format!("issue {n}"), "diagnostics": {"secretdiag": "SECRETDIAG"}})
        }
        2 => {
            json!({"op": "comment", "as": who, "case": case, "internal": true, "body": "SECRETNOTE"})
        }
        3 => json!({"op": "comment", "as": who, "case": case, "body": "a public reply"}),
        4 => json!({"op": "tag", "as": who, "case": case, "add": ["secrettag", "public-tag"]}),
        5 => json!({"op": "assign", "as": who, "case": case, "assignee": "Sam SECRETSURNAME"}),
        6 => {
            json!({"op": "link", "as": who, "case": case, "kind": "defect", "target": "SECRETDEFECT-1"})
        }
        7 => {
            json!({"op": "set_visibility", "as": who, "case": case, "visibility": (["private", "organization", "public"][n as usize % 3])})
        }
        8 => json!({"op": "vote", "as": who, "case": case}),
        9 => json!({"op": "watch", "as": who, "case": case}),
        10 => {
            json!({"op": "add_participant", "as": who, "case": case, "participant": {"id": (["c1", "c2", "c3"][n as usize % 3])}})
        }
        11 => json!({"op": "set_priority", "as": who, "case": case, "priority": "urgent"}),
        _ => {
            json!({"op": "transition", "as": who, "case": case, "to": "solved", "outcome": {"kind": "wont_fix", "reason": "public reason"}})
        }
    }
}

fn staff() -> Value {
    json!({"role": "agent", "id": "a1", "name": "Sam SECRETSURNAME"})
}

/// Checks one viewer's view of every read path for hidden fields.
fn check_reads(
    book: &mut Casebook<MemoryStore>,
    policy: &Policy,
    viewer: &Value,
) -> Result<(), TestCaseError> {
    let actor: Actor = serde_json::from_value(viewer.clone()).unwrap();
    let mut texts = Vec::new();
    let list = send(
        book,
        json!({"op": "list", "as": viewer, "filter": {"mine": false}, "limit": 200}),
    );
    texts.push(list.to_string());
    for case in book.cases().iter().map(|c| c.number).collect::<Vec<_>>() {
        let r = send(
            book,
            json!({"op": "get", "as": viewer, "case": format!("CB-{case}")}),
        );
        let c = book.find(&format!("CB-{case}")).unwrap().clone();
        let may = policy.can_view(&c, &actor);
        prop_assert_eq!(r["ok"] == true, may, "get CB-{} by {}: {}", case, viewer, r);
        let own = c.is_reporter(&actor);
        let text = r.to_string();
        if !own {
            prop_assert!(
                !text.contains("SECRETDIAG") && !text.contains("secretmail1"),
                "{}",
                text
            );
        }
        texts.push(text);
    }
    texts.push(send(book, json!({"op": "roadmap", "as": viewer})).to_string());
    for t in texts {
        prop_assert!(
            !t.contains("SECRETNOTE") && !t.contains("secrettag") && !t.contains("SECRETDEFECT"),
            "{}",
            t
        );
        if policy.staff_names != casebook::policy::NameDisplay::Full {
            prop_assert!(!t.contains("SECRETSURNAME"), "{}", t);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/visibility.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_hidden_field_reaches_a_viewer_and_no_one_acts_beyond_the_grant(
        bits in any::<u8>(),
        steps in proptest::collection::vec((any::<u8>(), 0usize..5, 0u16..12, any::<u8>()), 1..120),
    ) {
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(5))).unwrap();
        let pjson = policy_from(bits);
        let r = send(&mut book, json!({"op": "configure", "as": {"role": "admin"}, "policy": pjson}));
        prop_assert_eq!(&r["ok"], &json!(true), "{}", r);
        let policy: Policy = serde_json::from_value(pjson).unwrap();
        let mut people = viewers();
        people.push(staff());
        for (i, (kind, who, case, n)) in steps.iter().enumerate() {
            let who = &people[*who];
            let req = op(*kind, who, *case, *n);
            let actor: Actor = serde_json::from_value(who.clone()).unwrap();
            let before = book.find(&format!("CB-{}", case + 1)).cloned();
            let r: Value = serde_json::from_str(&protocol::execute_line(&mut book, &req.to_string(), t0() + Duration::minutes(i as i64))).unwrap();
            if actor.is_staff() || r["ok"] != true {
                continue;
            }
            // A customer's command succeeded: the policy must grant it.
            let action = match req["op"].as_str().unwrap() {
                "comment" => Some(Action::Comment),
                "vote" => Some(Action::Vote),
                "watch" => Some(Action::Watch),
                "add_participant" => Some(Action::AddParticipant),
                "transition" => Some(Action::Transition),
                "report" => None,
                other => { prop_assert!(false, "a customer succeeded at {}", other); None }
            };
            if let (Some(a), Some(c)) = (action, before) {
                let rel = policy.relation(&c, &actor);
                prop_assert!(policy.allows(rel, a), "{:?} {:?} allowed?", rel, a);
            }
        }
        for v in viewers() {
            check_reads(&mut book, &policy, &v)?;
        }
    }
}

#[test]
fn thousands_of_cases_never_leak_to_customers() {
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(8))).unwrap();
    let pjson = policy_from(0b0110_1101);
    send(
        &mut book,
        json!({"op": "configure", "as": {"role": "admin"}, "policy": pjson}),
    );
    let policy: Policy = serde_json::from_value(pjson).unwrap();
    let people = viewers();
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..6000u32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let who = if i % 3 == 0 {
            staff()
        } else {
            people[(x % 4) as usize].clone()
        };
        let kind = if i % 3 == 1 { 0 } else { (x >> 8) as u8 };
        let req = op(kind, &who, (x >> 16) as u16 % 2000, (x >> 32) as u8);
        protocol::execute_line(&mut book, &req.to_string(), t0());
    }
    assert!(book.cases().len() > 1000, "{} cases", book.cases().len());
    for v in people {
        check_reads(&mut book, &policy, &v).unwrap();
    }
}
