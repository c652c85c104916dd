//! SLA and calendar speed, each next to a 24/7-calendar baseline measured in the same run.
//!
//! Targets: recomputing every clock of a case with 1,000 signals under 100 µs; adding 400 business
//! hours must not cost 100 times adding 4 (the walk jumps whole weeks).

use std::hint::black_box;
use std::time::{Duration, Instant};

use casebook::calendar::{Calendar, CalendarSet, parse_instant};
use casebook::sla::{PauseReason, Priority, Signal, SignalKind, SlaPolicy, compute_clocks};
use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group};

const OFFICE: &str = r#"{"time_zone":"Europe/Berlin","hours":{"mon":[["08:00","12:30"],["13:30","18:00"]],
  "tue":[["08:00","18:00"]],"wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"fri":[["08:00","16:00"]]},
  "holidays":["2015-04-03","2015-04-06","2015-05-01","--12-25","--12-26","--01-01"]}"#;

const POLICY: &str = r#"{"rules":[{"priority":"any","tier":"any","calendar":"cal",
  "targets":{"first_reply":"4h","next_reply":"8h","periodic_update":"16h","resolution":"400h"}}]}"#;

fn office() -> Calendar {
    Calendar::from_json_str(OFFICE).unwrap_or_else(|e| panic!("{e}"))
}

fn start(cal: &Calendar) -> DateTime<Utc> {
    parse_instant("2015-03-02T10:17:00", cal).unwrap_or_else(|e| panic!("{e}"))
}

/// A case with 1,000 signals over about two months.
fn signals(from: DateTime<Utc>) -> Vec<Signal> {
    let mut out = vec![Signal::new(
        from,
        SignalKind::CaseCreated {
            priority: Priority::Normal,
            tier: "basic".into(),
            logged_by_agent: false,
        },
    )];
    let pattern = [
        SignalKind::AgentPublicReply,
        SignalKind::CustomerMessage,
        SignalKind::InternalNote,
        SignalKind::CustomerMessage,
        SignalKind::AgentPublicReply,
        SignalKind::Paused {
            reason: PauseReason::WaitingOnCustomer,
        },
        SignalKind::CustomerMessage,
        SignalKind::AutoReply,
        SignalKind::AgentPublicReply,
        SignalKind::Solved,
        SignalKind::Reopened,
        SignalKind::PriorityChanged {
            priority: Priority::High,
        },
    ];
    let mut at = from;
    for i in 0..999 {
        at += TimeDelta::minutes(37 + (i * 53 % 140) as i64);
        out.push(Signal::new(at, pattern[i % pattern.len()].clone()));
    }
    out
}

struct Setup {
    name: &'static str,
    cal: Calendar,
    set: CalendarSet,
}

fn setups() -> Vec<Setup> {
    [
        ("office", office()),
        ("always (baseline)", Calendar::always_open()),
    ]
    .into_iter()
    .map(|(name, cal)| Setup {
        name,
        set: CalendarSet::new().with("cal", cal.clone()),
        cal,
    })
    .collect()
}

fn bench(c: &mut Criterion) {
    let policy = SlaPolicy::from_json_str(POLICY).unwrap_or_else(|e| panic!("{e}"));
    for s in setups() {
        let from = start(&s.cal);
        let sig = signals(from);
        let now = sig[sig.len() - 1].at + TimeDelta::hours(1);
        c.bench_function(&format!("sla/recompute_1000_signals/{}", s.name), |b| {
            b.iter(|| compute_clocks(black_box(&sig), &policy, &s.set, now))
        });
        for hours in [4, 400] {
            c.bench_function(&format!("calendar/add_{hours}h/{}", s.name), |b| {
                b.iter(|| s.cal.add(black_box(from), TimeDelta::hours(hours)))
            });
        }
    }
}

/// Per-run time of the fastest of 40 batches of 50 runs: on shared, noisy cores the fastest
/// batch is the one least disturbed by other work.
fn mean(mut f: impl FnMut()) -> Duration {
    for _ in 0..50 {
        f();
    }
    let mut best = Duration::MAX;
    for _ in 0..40 {
        let t = Instant::now();
        for _ in 0..50 {
            f();
        }
        best = best.min(t.elapsed() / 50);
    }
    best
}

/// Prints each figure next to its baseline (plain timing loop, same run).
fn summary() {
    let policy = SlaPolicy::from_json_str(POLICY).unwrap_or_else(|e| panic!("{e}"));
    let mut rows: Vec<(String, Duration)> = Vec::new();
    for s in setups() {
        let from = start(&s.cal);
        let sig = signals(from);
        let now = sig[sig.len() - 1].at + TimeDelta::hours(1);
        rows.push((
            format!("recompute 1000 signals, {}", s.name),
            mean(|| {
                black_box(compute_clocks(black_box(&sig), &policy, &s.set, now).ok());
            }),
        ));
        for hours in [4, 400] {
            rows.push((
                format!("add {hours}h, {}", s.name),
                mean(|| {
                    black_box(s.cal.add(black_box(from), TimeDelta::hours(hours)).ok());
                }),
            ));
        }
    }
    println!("\nSummary (fastest batch of 50 runs; office vs 24/7 baseline):");
    for (name, d) in &rows {
        println!("  {name:<45} {:>10.2} µs", d.as_secs_f64() * 1e6);
    }
    let ratio = |a: usize, b: usize| rows[a].1.as_secs_f64() / rows[b].1.as_secs_f64();
    println!(
        "  recompute office / baseline: {:.2}x (target: < 100 µs absolute)",
        ratio(0, 3)
    );
    println!("  add 400h / add 4h, office: {:.2}x", ratio(2, 1));
    println!("  add 4h office / baseline: {:.2}x", ratio(1, 4));
}

criterion_group!(benches, bench);

fn main() {
    benches();
    summary();
    Criterion::default().configure_from_args().final_summary();
}
