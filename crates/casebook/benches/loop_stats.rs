//! Stats and trends speed, next to a baseline measured in the same run: reading and decoding
//! every case's events (what any from-the-log metric must at least do).
//!
//! No fixed target: the figures show what `stats` costs over a plain replay of the history, and
//! what the O(n²) cluster search over open cases costs on top of it.

use std::hint::black_box;
use std::time::{Duration, Instant};

use casebook::stats::{Period, StatsFilter, stats, trends};
use casebook::{Casebook, MemoryStore, SeededIds, protocol};
use criterion::{Criterion, criterion_group};
use serde_json::json;

const CASES: usize = 3000;

const WORDS: &[&str] = &[
    "sync", "export", "invoice", "login", "crash", "slow", "printer", "label", "calendar",
    "search", "upload", "photo", "backup", "restore", "theme", "folder", "email", "password",
];

fn book() -> Casebook<MemoryStore> {
    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(3)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut run = |req: serde_json::Value, at: String| {
        let r = protocol::execute_line(&mut b, &req.to_string(), at.parse().unwrap_or_default());
        assert!(r.contains("\"ok\":true"), "{r}");
    };
    for i in 0..CASES {
        let day = 1 + i % 28;
        let at = |h: usize| format!("2026-11-{day:02}T{:02}:{:02}:00Z", 8 + h, i % 60);
        let text = format!(
            "{} {} fails after {} on {}",
            WORDS[i % WORDS.len()],
            WORDS[(i * 7 + 3) % WORDS.len()],
            WORDS[(i * 5 + 1) % WORDS.len()],
            WORDS[(i * 11 + 2) % WORDS.len()]
        );
        run(
            json!({"op": "report", "as": {"role": "customer", "id": format!("u{i}")},
                "description": text, "tags": [WORDS[i % 5]],
                "diagnostics": {"app_version": format!("5.{}", i % 4), "os": "macOS"}}),
            at(0),
        );
        let key = format!("CB-{}", i + 1);
        run(
            json!({"op": "comment", "as": {"role": "agent", "id": "sam"}, "case": key, "body": "Looking"}),
            at(1),
        );
        if i % 2 == 0 {
            run(
                json!({"op": "transition", "as": {"role": "agent", "id": "sam"}, "case": key,
                    "to": "solved", "outcome": {"kind": "answered", "reply": "done"}}),
                at(3),
            );
        }
    }
    b
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let b = book();
    let month = Period::parse("2026-11-01..2026-11-30").unwrap_or_else(|e| panic!("{e}"));
    let filter = StatsFilter::default();
    c.bench_function("loop/stats_month_3000_cases", |x| {
        x.iter(|| black_box(stats(&b, &month, &filter).ok()))
    });
}

fn summary() {
    let b = book();
    let month = Period::parse("2026-11-01..2026-11-30").unwrap_or_else(|e| panic!("{e}"));
    let week = Period::parse("2026-11-22..2026-11-28").unwrap_or_else(|e| panic!("{e}"));
    let filter = StatsFilter::default();
    let base = best(|| {
        for c in b.cases().iter() {
            black_box(b.events_of(c.id).ok());
        }
    });
    let s = best(|| {
        black_box(stats(&b, &month, &filter).ok());
    });
    let t = best(|| {
        black_box(trends(&b, &week, None).ok());
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("\nSummary ({CASES} cases, 1,500 open; fastest of 5 runs):");
    println!(
        "  baseline: read and decode every case's events {:>9.2} ms",
        ms(base)
    );
    println!(
        "  stats over the month                          {:>9.2} ms  ({:.2}x baseline)",
        ms(s),
        ms(s) / ms(base)
    );
    println!(
        "  trends (spikes + clusters of 1,500 open)      {:>9.2} ms  ({:.2}x baseline)",
        ms(t),
        ms(t) / ms(base)
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    summary();
    Criterion::default().configure_from_args().final_summary();
}
