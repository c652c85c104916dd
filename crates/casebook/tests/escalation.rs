//! SLA clocks, escalation rules, promises and `tick` through the engine and the JSON protocol.

use casebook::{Casebook, MemoryStore, SeededIds, protocol};
use serde_json::{Value, json};

type Book = Casebook<MemoryStore>;

fn book() -> Book {
    Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(7))).unwrap()
}

fn call(book: &mut Book, req: Value) -> Value {
    let out = protocol::execute_line(
        book,
        &req.to_string(),
        "2026-01-01T00:00:00Z".parse().unwrap(),
    );
    serde_json::from_str(&out).unwrap()
}

fn ok(book: &mut Book, req: Value) -> Value {
    let r = call(book, req.clone());
    assert_eq!(r["ok"], true, "{req}\n{r:#}");
    r["result"].clone()
}

const ADMIN: &str = r#"{"role":"admin","id":"root"}"#;
const SYSTEM: &str = r#"{"role":"system"}"#;
const AGENT: &str = r#"{"role":"agent","id":"a1","name":"Sam"}"#;
const CUSTOMER: &str = r#"{"role":"customer","id":"u1"}"#;

fn who(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn setup(book: &mut Book, rules: Value) {
    ok(
        book,
        json!({"op":"configure","as":who(ADMIN),
            "calendars":{"always":{"time_zone":"UTC","hours":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}},
                         "office":{"time_zone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},"holidays":["--12-25"]}},
            "sla_policy":{"rules":[
                {"priority":"urgent","tier":"any","calendar":"always","targets":{"first_reply":"1h","resolution":"8h"}},
                {"priority":"any","tier":"gold","calendar":"always","targets":{"first_reply":"2h","resolution":"16h"}},
                {"priority":"any","tier":"any","calendar":"office","targets":{"first_reply":"4h","next_reply":"8h","resolution":"40h"}}]},
            "rules": rules}),
    );
}

fn report(book: &mut Book, at: &str, tier: Option<&str>) -> String {
    let mut r = json!({"op":"report","as":who(CUSTOMER),"at":at,"description":"Export crashes"});
    if let Some(t) = tier {
        r["diagnostics"] = json!({"tier": t});
    }
    ok(book, r)["case"]["key"].as_str().unwrap().to_string()
}

fn tick(book: &mut Book, at: &str) -> Value {
    ok(book, json!({"op":"tick","as":who(SYSTEM),"at":at}))["tick"].clone()
}

fn get(book: &mut Book, actor: &str, key: &str, at: &str) -> Value {
    ok(book, json!({"op":"get","as":who(actor),"at":at,"case":key}))["case"].clone()
}

fn clock<'a>(case: &'a Value, name: &str) -> &'a Value {
    case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == name)
        .unwrap()
}

#[test]
fn staff_see_clocks_and_customers_see_targets_in_words() {
    let mut b = book();
    setup(&mut b, json!([]));
    // Monday 2026-03-02 10:00 Berlin = 09:00Z.
    let key = report(&mut b, "2026-03-02T09:00:00Z", None);
    let staff = get(&mut b, AGENT, &key, "2026-03-02T11:00:00Z");
    let fr = clock(&staff, "first_reply");
    assert_eq!(fr["state"], "running");
    assert_eq!(fr["elapsed_ms"], 7_200_000);
    assert_eq!(fr["remaining_ms"], 7_200_000);
    assert_eq!(fr["due_at"], "2026-03-02T13:00:00Z");
    assert!(staff.get("service_targets").is_none());
    let mine = get(&mut b, CUSTOMER, &key, "2026-03-02T11:00:00Z");
    assert!(mine.get("clocks").is_none());
    let texts: Vec<&str> = mine["service_targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"We aim to send you a first reply within 4 business hours."),
        "{texts:?}"
    );
    // A reply meets the clock; computing later does not change the verdict.
    ok(
        &mut b,
        json!({"op":"comment","as":who(AGENT),"at":"2026-03-02T12:00:00Z","case":key,"body":"Looking"}),
    );
    let later = get(&mut b, AGENT, &key, "2026-03-09T12:00:00Z");
    assert_eq!(clock(&later, "first_reply")["state"], "met");
    assert_eq!(clock(&later, "first_reply")["completed_cycles"], 1);
}

#[test]
fn a_breach_rule_fires_once_per_episode_through_tick() {
    let mut b = book();
    setup(
        &mut b,
        json!([{"name":"urgent-breach","trigger":{"kind":"clock_breached","clock":"first_reply"},
                "when":{"tier":["gold"]},
                "actions":[{"kind":"raise_priority","to":"urgent"},{"kind":"assign","team":"tier2"},
                           {"kind":"add_tag","tag":"escalated"},{"kind":"notify","to":"lead@example.com","message":"breach"},
                           {"kind":"set_flag","flag":"at_risk"},{"kind":"escalate_to_engineering","defect":"BUG-7"}]}]),
    );
    let key = report(&mut b, "2026-03-02T09:00:00Z", Some("gold"));
    let _plain = report(&mut b, "2026-03-02T09:00:00Z", None);
    let id = b.find(&key).unwrap().id;
    assert_eq!(
        b.deadline_of(id),
        Some("2026-03-02T11:00:00Z".parse().unwrap())
    );
    assert_eq!(
        b.next_wakeup(),
        Some("2026-03-02T11:00:00Z".parse().unwrap())
    );
    // Not due yet: nothing happens.
    let t = tick(&mut b, "2026-03-02T10:59:59Z");
    assert_eq!(t["applied"], json!([]));
    let t = tick(&mut b, "2026-03-02T11:00:00Z");
    let kinds: Vec<&str> = t["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "rule_fired",
            "priority_changed",
            "assigned",
            "tagged",
            "notification_requested",
            "flag_set",
            "linked"
        ]
    );
    assert!(
        t["applied"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["rule"] == "urgent-breach")
    );
    // Again later: the same episode does not fire twice.
    assert_eq!(tick(&mut b, "2026-03-02T12:00:00Z")["applied"], json!([]));
    let case = get(&mut b, AGENT, &key, "2026-03-02T12:00:00Z");
    assert_eq!(case["priority"], "urgent");
    assert_eq!(case["team"], "tier2");
    assert_eq!(case["flags"], json!(["at_risk"]));
    let tl = case["timeline"].as_array().unwrap();
    assert!(
        tl.iter()
            .any(|e| e["text"] == "Escalation rule urgent-breach fired (first_reply breached)")
    );
    // Customers do not see the rule machinery.
    let mine = get(&mut b, CUSTOMER, &key, "2026-03-02T12:00:00Z");
    assert!(
        mine["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] != "rule_fired")
    );
}

#[test]
fn promises_break_and_keep_honestly() {
    let mut b = book();
    setup(
        &mut b,
        json!([{"name":"broken-promise","trigger":{"kind":"promise_broken"},"actions":[{"kind":"add_tag","tag":"promise-broken"}]}]),
    );
    let key = report(&mut b, "2026-03-02T09:00:00Z", None);
    ok(
        &mut b,
        json!({"op":"promise","as":who(AGENT),"at":"2026-03-02T10:00:00Z","case":key,"text":"We'll get back to you by Friday","due":"2026-03-06"}),
    );
    assert_eq!(
        b.next_wakeup(),
        Some("2026-03-07T00:00:00Z".parse().unwrap())
    );
    assert_eq!(tick(&mut b, "2026-03-06T23:59:00Z")["applied"], json!([]));
    let t = tick(&mut b, "2026-03-07T00:00:00Z");
    let kinds: Vec<&str> = t["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["promise_broken", "rule_fired", "tagged"]);
    let mine = get(&mut b, CUSTOMER, &key, "2026-03-07T01:00:00Z");
    assert_eq!(mine["commitments"][0]["state"], "broken");
    let texts: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Promise: We'll get back")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Promise not kept: We'll get back")),
        "{texts:?}"
    );
    assert_eq!(tick(&mut b, "2026-03-08T00:00:00Z")["applied"], json!([]));

    // A planned release, then a fix in that release: kept.
    let key2 = report(&mut b, "2026-03-02T09:00:00Z", None);
    ok(
        &mut b,
        json!({"op":"transition","as":who(AGENT),"at":"2026-03-02T10:00:00Z","case":key2,"to":"planned","outcome":{"kind":"planned","target_release":"5.3"}}),
    );
    ok(
        &mut b,
        json!({"op":"transition","as":who(AGENT),"at":"2026-03-03T10:00:00Z","case":key2,"to":"solved","outcome":{"kind":"fixed","version":"5.3"}}),
    );
    let mine = get(&mut b, CUSTOMER, &key2, "2026-03-03T11:00:00Z");
    assert_eq!(mine["commitments"][0]["state"], "kept");
    let last = mine["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "promise_kept");
    assert!(
        last["text"].as_str().unwrap().contains("shipped in 5.3"),
        "{last}"
    );
}

#[test]
fn event_rules_fire_once_per_episode_of_their_conditions() {
    let mut b = book();
    setup(
        &mut b,
        json!([{"name":"popular","trigger":{"kind":"event","event":"voted"},"when":{"votes_at_least":2},
                "actions":[{"kind":"add_tag","tag":"popular"},{"kind":"notify","to":"pm","message":"popular"}]}]),
    );
    let key = report(&mut b, "2026-03-02T09:00:00Z", None);
    ok(
        &mut b,
        json!({"op":"set_visibility","as":who(AGENT),"case":key,"visibility":"public"}),
    );
    let vote = |b: &mut Book, u: &str| {
        ok(
            b,
            json!({"op":"vote","as":{"role":"customer","id":u},"case":key}),
        );
    };
    vote(&mut b, "v1");
    let fired = |b: &Book| {
        let id = b.find(&key).unwrap().id;
        b.cases().get(id).unwrap().escalations().len()
    };
    assert_eq!(fired(&b), 0);
    vote(&mut b, "v2");
    assert_eq!(fired(&b), 1);
    vote(&mut b, "v3");
    assert_eq!(fired(&b), 1, "still the same episode");
}

#[test]
fn configure_refuses_bad_sla_documents_with_precise_codes() {
    let mut b = book();
    let cases = [
        (
            json!({"calendars":{"x":{"time_zone":"Mars/Olympus","hours":{}}}}),
            "calendar_invalid",
            "unknown_time_zone",
        ),
        (
            json!({"sla_policy":{"rules":[]}}),
            "sla_policy_invalid",
            "empty_policy",
        ),
        (
            json!({"sla_policy":{"rules":[{"priority":"any","tier":"any","calendar":"nowhere","targets":{"first_reply":"1h"}}]}}),
            "sla_policy_invalid",
            "unknown_calendar",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"clock_at","clock":"first_reply","percent":0},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "bad_percent",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"sometimes"},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "unknown_trigger",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"event","event":"exploded"},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "unknown_event",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"promise_broken"},"actions":[]}]}),
            "rule_invalid",
            "no_actions",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"promise_broken"},"when":{"priority":["huge"]},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "bad_condition",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"no_agent_reply","after":"soon"},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "bad_duration",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"promise_broken"},"actions":[{"kind":"launch"}]}]}),
            "rule_invalid",
            "bad_action",
        ),
        (
            json!({"rules":[{"name":"r","trigger":{"kind":"promise_broken"},"actions":[{"kind":"add_tag","tag":"x"}]},{"name":"r","trigger":{"kind":"promise_broken"},"actions":[{"kind":"add_tag","tag":"x"}]}]}),
            "rule_invalid",
            "duplicate_name",
        ),
    ];
    for (change, code, detail) in cases {
        let mut req = change.clone();
        req["op"] = json!("configure");
        req["as"] = who(ADMIN);
        let r = call(&mut b, req);
        assert_eq!(r["ok"], false, "{change}");
        assert_eq!(r["error"]["code"], code, "{change}: {r}");
        assert!(
            r["error"]["message"].as_str().unwrap().contains(detail) || code == "rule_invalid",
            "{r}"
        );
    }
    let r = call(&mut b, json!({"op":"tick","as":who(CUSTOMER)}));
    assert_eq!(r["error"]["code"], "forbidden");
}

#[test]
fn configuration_and_deadlines_survive_reopening() {
    let mut b = book();
    setup(
        &mut b,
        json!([{"name":"late","trigger":{"kind":"clock_at","clock":"resolution","percent":50},"actions":[{"kind":"add_tag","tag":"half"}]}]),
    );
    let key = report(&mut b, "2026-03-02T09:00:00Z", Some("gold"));
    let before = b.next_wakeup();
    assert_eq!(before, Some("2026-03-02T17:00:00Z".parse().unwrap()));
    let store = std::mem::replace(b.store_mut(), MemoryStore::new());
    let mut again = Casebook::open(store, Box::new(SeededIds::new(8))).unwrap();
    assert_eq!(again.next_wakeup(), before);
    let t = tick(&mut again, "2026-03-02T17:00:00Z");
    assert_eq!(t["applied"][0]["case"], key.as_str());
    assert_eq!(t["next_wakeup"], Value::Null);
}
