//! SLA benchmarks: `tick` with 1M open cases of which 100 are due (target < 1 ms), next to a naive
//! scan over every open case in the same run; and recomputing all clocks of a case with 1,000
//! events (target < 100 µs), next to the same history on a 24/7 calendar.
//!
//! `cargo bench -p casebook-cli --bench tick` runs it at full scale (1M cases). Without `--bench`
//! (as under `cargo test --benches`) it runs once at 20k cases, as a check, and judges nothing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use casebook::actor::{Actor, Role};
use casebook::clocks::clocks_of;
use casebook::config::ConfigChange;
use casebook::event::{Change, Event};
use casebook::{CaseId, Casebook, MemoryStore, Priority, Report, SeededIds, Workflow};
use chrono::{DateTime, TimeDelta, Utc};
use criterion::Criterion;
use serde_json::json;

const PER_WINDOW: usize = 100;

/// Time this thread has spent on a CPU (Linux), in ns; wall-clock on a loaded machine includes
/// waiting for a core.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// On-CPU time between two readings, in seconds (0 where the OS does not say).
fn cpu_since(start: Option<u64>) -> f64 {
    start
        .zip(cpu_ns())
        .map_or(0.0, |(a, b)| b.saturating_sub(a) as f64 / 1e9)
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T07:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn config(calendar: &str) -> ConfigChange {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let always: serde_json::Map<_, _> = days
        .iter()
        .map(|d| (d.to_string(), json!([["00:00", "24:00"]])))
        .collect();
    let office: serde_json::Map<_, _> = days[..5]
        .iter()
        .map(|d| {
            (
                d.to_string(),
                json!([["09:00", "13:00"], ["14:00", "18:00"]]),
            )
        })
        .collect();
    serde_json::from_value(json!({
        "calendars": {
            "always": {"time_zone": "UTC", "hours": always},
            "office": {"time_zone": "Europe/Berlin", "hours": office, "holidays": ["--12-25", "2026-04-03"]}},
        "sla_policy": {"rules": [
            {"priority": "urgent", "tier": "any", "calendar": calendar,
             "targets": {"first_reply": "1h", "next_reply": "2h", "periodic_update": "4h", "resolution": "8h"}},
            {"priority": "any", "tier": "any", "calendar": calendar,
             "targets": {"first_reply": "1h", "next_reply": "4h", "periodic_update": "8h", "resolution": "40h"}}]},
        "rules": [{"name": "late", "trigger": {"kind": "clock_breached", "clock": "first_reply"},
                   "actions": [{"kind": "add_tag", "tag": "late"}]}]
    }))
    .unwrap_or_default()
}

/// `cases` open cases, reported in batches of 100 one second apart: each second of deadlines
/// holds exactly 100 due cases.
fn big_book(cases: usize) -> Casebook<MemoryStore> {
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1)))
        .unwrap_or_else(|e| panic!("open: {e}"));
    book.configure(config("always"), &Actor::system(), t0())
        .unwrap_or_else(|e| panic!("configure: {e}"));
    let customer = Actor::with_id(Role::Customer, "u1");
    let report = Report {
        description: "Export crashes".into(),
        ..Report::default()
    };
    let batch: Vec<_> = (0..PER_WINDOW)
        .map(|_| (report.clone(), customer.clone()))
        .collect();
    for w in 0..cases / PER_WINDOW {
        let now = t0() + TimeDelta::seconds(w as i64);
        book.report_batch(&batch, now)
            .unwrap_or_else(|e| panic!("report: {e}"));
    }
    book
}

/// A case history of `n` events: customer messages and replies, waits, priority changes.
fn history(n: usize) -> Vec<Event> {
    let id = CaseId::parse("00000000-0000-7000-8000-000000000002")
        .unwrap_or_else(|| panic!("a fixed case id"));
    let customer = Actor::with_id(Role::Customer, "u1");
    let agent = Actor::with_id(Role::Agent, "a1");
    let mut events = Vec::with_capacity(n);
    let mut at = t0();
    let mut status = "new".to_string();
    for seq in 1..=n as u64 {
        at += TimeDelta::minutes(37);
        let (actor, change) = if seq == 1 {
            (
                customer.clone(),
                serde_json::from_value(
                    json!({"reported": {"number": 1, "reporter": {"user": "u1"},
                    "channel": "widget", "subject": "s", "description": "d", "priority": "normal",
                    "status": "new"}}),
                )
                .unwrap_or_else(|e| panic!("{e}")),
            )
        } else {
            match seq % 7 {
                0 => {
                    let to = if status == "waiting_on_customer" {
                        "open"
                    } else {
                        "waiting_on_customer"
                    };
                    let from = std::mem::replace(&mut status, to.to_string());
                    (
                        agent.clone(),
                        Change::Transitioned {
                            from,
                            to: to.into(),
                            name: "x".into(),
                            outcome: None,
                        },
                    )
                }
                3 => (
                    agent.clone(),
                    Change::PriorityChanged {
                        from: Priority::Normal,
                        to: if seq % 2 == 0 {
                            Priority::Urgent
                        } else {
                            Priority::Normal
                        },
                    },
                ),
                1 | 4 => (customer.clone(), comment(false)),
                5 => (agent.clone(), comment(true)),
                _ => (agent.clone(), comment(false)),
            }
        };
        events.push(Event {
            case: id,
            seq,
            at,
            actor,
            change,
        });
    }
    events
}

fn comment(internal: bool) -> Change {
    serde_json::from_value(
        json!({"commented": {"id": "00000000-0000-7000-8000-000000000001",
        "body": "text", "internal": internal}}),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let cases = if full { 1_000_000 } else { 20_000 };
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .configure_from_args();
    let built = Instant::now();
    let mut book = big_book(cases);
    println!(
        "casebook-bench tick: {cases} open cases built in {:.1?}",
        built.elapsed()
    );
    let system = Actor::system();
    let windows = cases / PER_WINDOW;
    let mut window = 0usize;
    let (mut tick_time, mut ticks, mut applied) = (Duration::ZERO, 0u64, 0usize);
    let mut tick_cpu = 0.0;
    c.bench_function("tick: 100 due of all open cases", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                // Each window's 100 cases come due one hour after their report.
                let now =
                    t0() + TimeDelta::hours(1) + TimeDelta::seconds(window.min(windows) as i64);
                window += 1;
                let cpu = cpu_ns();
                let start = Instant::now();
                let report = book
                    .tick(now, &system)
                    .unwrap_or_else(|e| panic!("tick: {e}"));
                let took = start.elapsed();
                spent += took;
                if window <= windows {
                    tick_cpu += cpu_since(cpu);
                    tick_time += took;
                    ticks += 1;
                    applied += report.applied.len();
                }
            }
            spent
        })
    });
    let now = t0() + TimeDelta::hours(1) + TimeDelta::seconds(windows as i64);
    let workflow = book.workflow().clone();
    let (mut scan_time, mut scans) = (Duration::ZERO, 0u64);
    c.bench_function("naive scan over all open cases", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let due = book
                    .cases()
                    .iter()
                    .filter(|c| workflow.category(&c.status).is_open())
                    .filter(|c| book.deadline_of(c.id).is_some_and(|d| d <= now))
                    .count();
                black_box(due);
            }
            let took = start.elapsed();
            scan_time += took;
            scans += iters;
            took
        })
    });
    let events = history(1_000);
    let wf = Workflow::default_workflow();
    let office = book_setup("office");
    let always = book_setup("always");
    let mut clock_times = [Duration::ZERO; 2];
    let mut clock_cpu = [0.0f64; 2];
    let mut clock_iters = [0u64; 2];
    for (i, (name, setup)) in [("office calendar", &office), ("24/7 calendar", &always)]
        .into_iter()
        .enumerate()
    {
        c.bench_function(&format!("all clocks of a 1,000-event case ({name})"), |b| {
            b.iter_custom(|iters| {
                let cpu = cpu_ns();
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(clocks_of(&events, &wf, setup, t0() + TimeDelta::days(40)));
                }
                let took = start.elapsed();
                clock_cpu[i] += cpu_since(cpu);
                clock_times[i] += took;
                clock_iters[i] += iters;
                took
            })
        });
    }
    let per = |t: Duration, n: u64| t.as_secs_f64() / n.max(1) as f64;
    let tick_mean = per(tick_time, ticks);
    let scan_mean = per(scan_time, scans);
    let (office_mean, always_mean) = (
        per(clock_times[0], clock_iters[0]),
        per(clock_times[1], clock_iters[1]),
    );
    println!(
        "\n== SLA summary ({cases} open cases{}) ==",
        if full {
            ""
        } else {
            ", check run: targets not judged"
        }
    );
    let cpu_per = |t: f64, n: u64| t / n.max(1) as f64 * 1e6;
    println!(
        "tick, 100 due:            {:>10.1} µs  ({:.1} µs on-CPU; events applied per tick: {:.0}; naive scan {:.1} µs; scan/tick {:.0}x)  target < 1 ms: {}",
        tick_mean * 1e6,
        cpu_per(tick_cpu, ticks),
        applied as f64 / ticks.max(1) as f64,
        scan_mean * 1e6,
        scan_mean / tick_mean.max(1e-12),
        verdict(full, tick_mean < 1e-3)
    );
    println!(
        "clocks, 1,000 events:     {:>10.1} µs  ({:.1} µs on-CPU; 24/7 calendar {:.1} µs, {:.1} µs on-CPU; ratio {:.2})  target < 100 µs: {}",
        office_mean * 1e6,
        cpu_per(clock_cpu[0], clock_iters[0]),
        always_mean * 1e6,
        cpu_per(clock_cpu[1], clock_iters[1]),
        office_mean / always_mean.max(1e-12),
        verdict(full, office_mean < 100e-6)
    );
}

fn verdict(full: bool, met: bool) -> &'static str {
    match (full, met) {
        (false, _) => "not judged",
        (true, true) => "met",
        (true, false) => "MISSED",
    }
}

fn book_setup(calendar: &str) -> casebook::clocks::SlaSetup {
    casebook::clocks::SlaSetup::default()
        .with_change(&config(calendar), &Workflow::default_workflow())
        .unwrap_or_else(|e| panic!("setup: {e}"))
}
