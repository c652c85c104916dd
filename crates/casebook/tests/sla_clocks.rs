//! SLA clocks over business calendars: replies, pauses, reopening, priority changes, clock
//! changes, holidays; and properties over random signal histories.

use casebook::calendar::{Calendar, CalendarSet, parse_instant};
use casebook::sla::{
    ClockKind, ClockState, ClockStatus, PauseReason, Priority, Signal, SignalKind, SlaPolicy,
    compute_clocks, customer_targets,
};
use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

const OFFICE: &str = r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],
  "tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},
  "holidays":["2015-04-03","2015-04-06","--12-25"]}"#;

const POLICY: &str = r#"{"rules":[
  {"priority":"urgent","tier":"any","calendar":"always",
   "targets":{"first_reply":"1h","next_reply":"2h","periodic_update":"4h","resolution":"8h"}},
  {"priority":"any","tier":"gold","calendar":"office",
   "targets":{"first_reply":"2h","next_reply":"4h","periodic_update":"8h","resolution":"16h"}},
  {"priority":"any","tier":"any","calendar":"office",
   "targets":{"first_reply":"4h","next_reply":"8h","resolution":"40h"}}]}"#;

fn office() -> Calendar {
    Calendar::from_json_str(OFFICE).unwrap_or_else(|e| panic!("{e}"))
}

fn calendars() -> CalendarSet {
    CalendarSet::new()
        .with("office", office())
        .with("always", Calendar::always_open())
}

fn policy() -> SlaPolicy {
    SlaPolicy::from_json_str(POLICY).unwrap_or_else(|e| panic!("{e}"))
}

/// Berlin local time.
fn t(s: &str) -> DateTime<Utc> {
    parse_instant(s, &office()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn sig(at: &str, kind: SignalKind) -> Signal {
    Signal::new(t(at), kind)
}

fn created(at: &str, priority: Priority, tier: &str) -> Signal {
    sig(
        at,
        SignalKind::CaseCreated {
            priority,
            tier: tier.into(),
            logged_by_agent: false,
        },
    )
}

fn clocks(signals: &[Signal], now: &str) -> Vec<ClockState> {
    compute_clocks(signals, &policy(), &calendars(), t(now)).unwrap_or_else(|e| panic!("{e}"))
}

fn clock(states: &[ClockState], kind: ClockKind) -> ClockState {
    match states.iter().find(|c| c.kind == kind) {
        Some(c) => c.clone(),
        None => panic!("no {kind:?} clock in {states:?}"),
    }
}

fn h(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

#[test]
fn first_reply_met_and_resolution_running() {
    let s = [
        created("2015-03-02T10:00", Priority::Normal, "basic"),
        sig("2015-03-02T12:00", SignalKind::AgentPublicReply),
    ];
    let c = clocks(&s, "2015-03-03T10:00");
    let fr = clock(&c, ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.elapsed, fr.completed_cycles),
        (ClockStatus::Met, h(2), 1)
    );
    let res = clock(&c, ClockKind::Resolution);
    assert_eq!(
        (res.state, res.elapsed, res.remaining),
        (ClockStatus::Running, h(8), h(32))
    );
    // 32 business hours from Tue 10:00 = four days later, Mon 10:00 (15:00 local is Tue).
    assert_eq!(res.due_at, Some(t("2015-03-09T10:00")));
    // The basic rule has no periodic update target; next reply has not started.
    assert!(c.iter().all(|x| x.kind != ClockKind::PeriodicUpdate));
    assert_eq!(
        clock(&c, ClockKind::NextReply).state,
        ClockStatus::NotStarted
    );
}

#[test]
fn first_reply_breached_over_the_weekend() {
    let s = [created("2015-03-06T15:00", Priority::Normal, "basic")];
    let fr = clock(&clocks(&s, "2015-03-09T12:00"), ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.elapsed, fr.remaining),
        (ClockStatus::Breached, h(5), h(-1))
    );
    assert_eq!(fr.breached_at, Some(t("2015-03-09T11:00")));
    assert_eq!(fr.due_at, fr.breached_at);
}

#[test]
fn waiting_on_customer_pauses_every_clock_on_hold_only_some() {
    let waiting = [
        created("2015-03-02T09:00", Priority::Normal, "gold"),
        sig(
            "2015-03-02T10:00",
            SignalKind::Paused {
                reason: PauseReason::WaitingOnCustomer,
            },
        ),
        sig("2015-03-03T10:00", SignalKind::CustomerMessage), // resumes
    ];
    let c = clocks(&waiting, "2015-03-03T11:00");
    let fr = clock(&c, ClockKind::FirstReply);
    assert_eq!((fr.state, fr.elapsed), (ClockStatus::Running, h(2)));
    assert_eq!(clock(&c, ClockKind::Resolution).elapsed, h(2));
    let paused = clock(
        &clocks(&waiting[..2], "2015-03-03T09:30"),
        ClockKind::Resolution,
    );
    assert_eq!(
        (paused.state, paused.elapsed, paused.due_at),
        (ClockStatus::Paused, h(1), None)
    );

    let on_hold = [
        created("2015-03-02T09:00", Priority::Normal, "gold"),
        sig(
            "2015-03-02T09:30",
            SignalKind::Paused {
                reason: PauseReason::OnHold,
            },
        ),
        sig("2015-03-02T13:00", SignalKind::Resumed),
    ];
    let c = clocks(&on_hold, "2015-03-02T14:00");
    let fr = clock(&c, ClockKind::FirstReply);
    assert_eq!((fr.state, fr.elapsed), (ClockStatus::Breached, h(5)));
    assert_eq!(fr.breached_at, Some(t("2015-03-02T11:00")));
    let res = clock(&c, ClockKind::Resolution);
    assert_eq!(res.elapsed, TimeDelta::minutes(90));
}

#[test]
fn reopening_starts_a_new_resolution_cycle() {
    let s = [
        created("2015-03-02T09:00", Priority::Normal, "gold"),
        sig("2015-03-02T10:00", SignalKind::AgentPublicReply),
        sig("2015-03-02T12:00", SignalKind::Solved),
        sig("2015-03-04T09:00", SignalKind::CustomerMessage),
        sig("2015-03-04T09:05", SignalKind::Reopened),
    ];
    let c = clocks(&s, "2015-03-04T15:00");
    let res = clock(&c, ClockKind::Resolution);
    assert_eq!(res.state, ClockStatus::Running);
    assert_eq!(res.started_at, Some(t("2015-03-04T09:05")));
    assert_eq!(res.elapsed, h(6) - TimeDelta::minutes(5));
    assert_eq!((res.completed_cycles, res.breached_cycles), (1, 0));
    // The reopening message waits for a reply since 09:00: 6h > 4h.
    let nr = clock(&c, ClockKind::NextReply);
    assert_eq!(
        (nr.state, nr.started_at),
        (ClockStatus::Breached, Some(t("2015-03-04T09:00")))
    );
    assert_eq!(nr.breached_at, Some(t("2015-03-04T13:00")));
    let before = clock(&clocks(&s, "2015-03-03T12:00"), ClockKind::Resolution);
    assert_eq!((before.state, before.elapsed), (ClockStatus::Met, h(3)));
}

#[test]
fn priority_change_applies_the_new_target_from_the_cycle_start() {
    let s = [
        created("2015-03-02T09:00", Priority::Normal, "basic"),
        sig(
            "2015-03-02T10:30",
            SignalKind::PriorityChanged {
                priority: Priority::Urgent,
            },
        ),
    ];
    // Urgent: 1h on the always-open calendar, measured from creation: breached at 10:00,
    // before the change was made.
    let fr = clock(&clocks(&s, "2015-03-02T11:00"), ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.target, fr.calendar.as_str()),
        (ClockStatus::Breached, h(1), "always")
    );
    assert_eq!(fr.breached_at, Some(t("2015-03-02T10:00")));
    // Lowered again: the basic target applies (2h of 4h used).
    let mut down = s.to_vec();
    down.push(sig(
        "2015-03-02T10:45",
        SignalKind::PriorityChanged {
            priority: Priority::Low,
        },
    ));
    let fr = clock(&clocks(&down, "2015-03-02T11:00"), ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.elapsed, fr.remaining),
        (ClockStatus::Running, h(2), h(2))
    );
    // A cycle finished before the change keeps the verdict of its own time.
    let met = [
        created("2015-03-02T09:00", Priority::Normal, "basic"),
        sig("2015-03-02T11:00", SignalKind::AgentPublicReply),
        sig(
            "2015-03-02T12:00",
            SignalKind::PriorityChanged {
                priority: Priority::Urgent,
            },
        ),
    ];
    let fr = clock(&clocks(&met, "2015-03-02T13:00"), ClockKind::FirstReply);
    assert_eq!((fr.state, fr.target), (ClockStatus::Met, h(4)));
}

#[test]
fn due_instants_across_the_spring_forward_weekend_and_holidays() {
    // Fri 16:00 CET + 4 business hours = Mon 12:00 CEST (10:00Z).
    let fr = clock(
        &clocks(
            &[created("2015-03-27T16:00", Priority::Normal, "basic")],
            "2015-03-27T16:00",
        ),
        ClockKind::FirstReply,
    );
    assert_eq!(
        fr.due_at,
        Some(
            DateTime::parse_from_rfc3339("2015-03-30T10:00:00Z")
                .map(|d| d.to_utc())
                .unwrap_or_default()
        )
    );
    // Thu before Easter 16:00 + 4h: Good Friday and Easter Monday closed: Tue 12:00.
    let fr = clock(
        &clocks(
            &[created("2015-04-02T16:00", Priority::Normal, "basic")],
            "2015-04-02T16:30",
        ),
        ClockKind::FirstReply,
    );
    assert_eq!(fr.due_at, Some(t("2015-04-07T12:00")));
    assert_eq!(fr.elapsed, TimeDelta::minutes(30));
}

#[test]
fn next_reply_counts_from_the_oldest_unanswered_message() {
    let s = [
        created("2015-03-02T09:00", Priority::Normal, "gold"),
        sig("2015-03-02T09:30", SignalKind::AgentPublicReply),
        sig("2015-03-02T10:00", SignalKind::CustomerMessage),
        sig("2015-03-02T11:00", SignalKind::CustomerMessage),
        sig("2015-03-02T12:00", SignalKind::AutoReply),
        sig("2015-03-02T13:00", SignalKind::InternalNote),
        sig("2015-03-02T14:00", SignalKind::AgentPublicReply),
        sig("2015-03-02T15:00", SignalKind::CustomerMessage),
    ];
    let c = clocks(&s, "2015-03-02T14:30");
    let nr = clock(&c, ClockKind::NextReply);
    assert_eq!(
        (nr.state, nr.elapsed, nr.completed_cycles),
        (ClockStatus::Met, h(4), 1)
    );
    let c = clocks(&s, "2015-03-03T10:00");
    let nr = clock(&c, ClockKind::NextReply);
    assert_eq!(
        (nr.state, nr.elapsed, nr.due_at),
        (ClockStatus::Running, h(3), Some(t("2015-03-03T11:00")))
    );
    // Periodic update: 09:30 -> 14:00 (4.5h, one cycle met), running since 14:00.
    let pu = clock(&c, ClockKind::PeriodicUpdate);
    assert_eq!(
        (pu.state, pu.completed_cycles, pu.elapsed),
        (ClockStatus::Running, 1, h(4))
    );
}

#[test]
fn auto_replies_and_notes_do_not_answer_the_customer() {
    let s = [
        created("2015-03-02T09:00", Priority::Normal, "basic"),
        sig("2015-03-02T09:00", SignalKind::AutoReply),
        sig("2015-03-02T10:00", SignalKind::InternalNote),
    ];
    let fr = clock(&clocks(&s, "2015-03-02T14:00"), ClockKind::FirstReply);
    assert_eq!((fr.state, fr.elapsed), (ClockStatus::Breached, h(5)));
}

#[test]
fn cases_logged_by_agents_count_the_reply_given_in_the_call() {
    let s = [
        sig(
            "2015-03-02T10:00",
            SignalKind::CaseCreated {
                priority: Priority::Normal,
                tier: "basic".into(),
                logged_by_agent: true,
            },
        ),
        sig("2015-03-02T10:00", SignalKind::AgentPublicReply),
    ];
    let c = clocks(&s, "2015-03-02T12:00");
    let fr = clock(&c, ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.elapsed),
        (ClockStatus::Met, TimeDelta::zero())
    );
    assert_eq!(
        clock(&c, ClockKind::NextReply).state,
        ClockStatus::NotStarted
    );
    // Solved in the call without a reply: first reply is judged at the solve.
    let solved = [s[0].clone(), sig("2015-03-02T10:20", SignalKind::Solved)];
    let fr = clock(&clocks(&solved, "2015-03-02T12:00"), ClockKind::FirstReply);
    assert_eq!(
        (fr.state, fr.elapsed),
        (ClockStatus::Met, TimeDelta::minutes(20))
    );
}

#[test]
fn periodic_update_resets_on_each_public_reply() {
    let s = [
        created("2015-03-02T09:00", Priority::Normal, "gold"),
        sig("2015-03-02T10:00", SignalKind::AgentPublicReply),
        sig("2015-03-03T10:00", SignalKind::AgentPublicReply),
    ];
    let pu = clock(&clocks(&s, "2015-03-04T12:00"), ClockKind::PeriodicUpdate);
    assert_eq!(
        (
            pu.state,
            pu.elapsed,
            pu.completed_cycles,
            pu.breached_cycles
        ),
        (ClockStatus::Breached, h(10), 1, 0)
    );
    assert_eq!(pu.breached_at, Some(t("2015-03-04T10:00")));
}

#[test]
fn customer_targets_in_plain_words() {
    let texts: Vec<String> = customer_targets(&policy(), Priority::High, "basic")
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert_eq!(
        texts,
        vec![
            "We aim to send you a first reply within 4 business hours.",
            "We aim to answer each of your messages within 8 business hours.",
            "We aim to resolve your request within 40 business hours.",
        ]
    );
    let urgent = customer_targets(&policy(), Priority::Urgent, "gold");
    assert_eq!(urgent.len(), 4);
    assert_eq!(urgent[0].calendar, "always");
}

#[test]
fn policy_errors_are_typed() {
    let code = |j: &str| {
        SlaPolicy::from_json_str(j)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    let rule = |p: &str, t: &str| {
        format!(
            r#"{{"rules":[{{"priority":"{p}","tier":"any","calendar":"office","targets":{{"first_reply":"{t}"}}}}]}}"#
        )
    };
    assert_eq!(code(&rule("critical", "1h")), Err("unknown_priority"));
    assert_eq!(code(&rule("high", "soon")), Err("bad_target"));
    assert_eq!(code(&rule("high", "0s")), Err("bad_target"));
    assert_eq!(code(r#"{"rules":[]}"#), Err("empty_policy"));
    assert_eq!(
        code(r#"{"rules":[{"priority":"any","tier":"","calendar":"x","targets":{}}]}"#),
        Err("empty_name")
    );
    assert_eq!(
        code(
            r#"{"rules":[{"priority":"any","tier":"any","calendar":"x","targets":{"first":"1h"}}]}"#
        ),
        Err("invalid_json")
    );
    let p = policy();
    assert_eq!(SlaPolicy::from_json_str(&p.to_json_string()), Ok(p.clone()));
    let missing = compute_clocks(&[], &p, &CalendarSet::new(), t("2015-03-02T09:00"));
    assert_eq!(missing.map_err(|e| e.code()), Err("unknown_calendar"));
}

fn history() -> impl Strategy<Value = Vec<Signal>> {
    let kind = prop_oneof![
        3 => Just(SignalKind::CustomerMessage),
        3 => Just(SignalKind::AgentPublicReply),
        1 => Just(SignalKind::AutoReply),
        1 => Just(SignalKind::InternalNote),
        1 => Just(SignalKind::Paused { reason: PauseReason::WaitingOnCustomer }),
        1 => Just(SignalKind::Paused { reason: PauseReason::OnHold }),
        2 => Just(SignalKind::Resumed),
        1 => Just(SignalKind::Solved),
        1 => Just(SignalKind::Reopened),
        1 => Just(SignalKind::PriorityChanged { priority: Priority::Urgent }),
        1 => Just(SignalKind::PriorityChanged { priority: Priority::Low }),
        1 => Just(SignalKind::TierChanged { tier: "gold".into() }),
    ];
    (
        0i64..7 * 24 * 60,
        prop::collection::vec((0i64..48 * 60, kind), 0..40),
    )
        .prop_map(|(start, steps)| {
            let base = t("2015-03-02T00:00") + TimeDelta::minutes(start);
            let mut at = base;
            let mut out = vec![Signal::new(
                base,
                SignalKind::CaseCreated {
                    priority: Priority::Normal,
                    tier: "basic".into(),
                    logged_by_agent: false,
                },
            )];
            for (gap, kind) in steps {
                at += TimeDelta::minutes(gap);
                out.push(Signal::new(at, kind));
            }
            out
        })
}

fn elapsed(signals: &[Signal], kind: ClockKind, now: DateTime<Utc>) -> Option<TimeDelta> {
    let c = compute_clocks(signals, &policy(), &calendars(), now).ok()?;
    c.into_iter().find(|x| x.kind == kind).map(|x| x.elapsed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_prefix_of_the_history_gives_the_same_clocks(s in history(), cut in 0usize..40) {
        let cut = cut.min(s.len() - 1);
        let now = s[cut].at;
        let prefix: Vec<Signal> = s.iter().filter(|x| x.at <= now).cloned().collect();
        let all = compute_clocks(&s, &policy(), &calendars(), now);
        prop_assert_eq!(all, compute_clocks(&prefix, &policy(), &calendars(), now));
    }

    #[test]
    fn elapsed_never_decreases_with_now(s in history(), a in 0i64..20_000, b in 0i64..20_000) {
        // First reply has one cycle; resolution one cycle when the case is never reopened.
        let s: Vec<Signal> = s.into_iter().filter(|x| x.kind != SignalKind::Reopened && !matches!(x.kind, SignalKind::PriorityChanged { .. } | SignalKind::TierChanged { .. })).collect();
        let start = s[0].at;
        let (a, b) = (a.min(b), a.max(b));
        for kind in [ClockKind::FirstReply, ClockKind::Resolution] {
            let ea = elapsed(&s, kind, start + TimeDelta::minutes(a));
            let eb = elapsed(&s, kind, start + TimeDelta::minutes(b));
            prop_assert!(ea <= eb, "{:?}: {:?} > {:?}", kind, ea, eb);
        }
    }

    #[test]
    fn pausing_never_adds_business_time(
        s in history(), p in 0i64..5_000, len in 1i64..5_000, now in 0i64..20_000, waiting in any::<bool>()
    ) {
        let s: Vec<Signal> = s.into_iter().filter(|x| !matches!(x.kind, SignalKind::Paused { .. } | SignalKind::Resumed)).collect();
        let start = s[0].at;
        let reason = if waiting { PauseReason::WaitingOnCustomer } else { PauseReason::OnHold };
        let mut paused = s.clone();
        paused.push(Signal::new(start + TimeDelta::minutes(p), SignalKind::Paused { reason }));
        paused.push(Signal::new(start + TimeDelta::minutes(p + len), SignalKind::Resumed));
        let now = start + TimeDelta::minutes(now);
        for kind in ClockKind::ALL {
            let with = elapsed(&paused, kind, now);
            let without = elapsed(&s, kind, now);
            if let (Some(w), Some(o)) = (with, without) {
                prop_assert!(w <= o, "{:?}: paused {} > {}", kind, w, o);
            }
        }
    }
}

#[test]
fn signals_and_clock_states_have_a_json_form() {
    let s = created("2015-03-02T10:00", Priority::High, "gold");
    let json = serde_json::to_string(&s).unwrap_or_default();
    assert_eq!(
        json,
        r#"{"at":"2015-03-02T09:00:00Z","type":"case_created","priority":"high","tier":"gold","logged_by_agent":false}"#
    );
    assert_eq!(serde_json::from_str::<Signal>(&json).ok(), Some(s.clone()));
    let paused = r#"{"at":"2015-03-02T09:00:00Z","type":"paused","reason":"on_hold"}"#;
    assert_eq!(
        serde_json::from_str::<Signal>(paused).ok().map(|p| p.kind),
        Some(SignalKind::Paused {
            reason: PauseReason::OnHold
        })
    );
    let state = clock(&clocks(&[s], "2015-03-02T11:00"), ClockKind::FirstReply);
    let v: serde_json::Value = serde_json::to_value(&state).unwrap_or_default();
    // High priority, gold tier: the gold rule (2h on the office calendar); one hour used.
    assert_eq!(v["state"], "running");
    assert_eq!(v["elapsed_ms"], 3_600_000);
    assert_eq!(v["target_ms"], 7_200_000);
    assert_eq!(v["due_at"], "2015-03-02T11:00:00Z");
}
