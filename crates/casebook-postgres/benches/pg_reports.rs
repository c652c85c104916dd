//! Durable reports per second through the engine on PostgreSQL (single and batched) beside the
//! same on SQLite (durable mode) in the same run, and the delay for one app server (a Casebook on
//! a PgStore) to see another's report via `PgStore::wait_for_change` + `Casebook::sync`.
//!
//! Run: `scripts/with-postgres cargo bench -p casebook-postgres --bench pg_reports`

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use casebook::{Actor, Casebook, Report, Role, SeededIds, Store};
use casebook_postgres::PgStore;
use casebook_sqlite::{SqliteOptions, SqliteStore};
use criterion::{Criterion, Throughput};

const BATCH: usize = 100;

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-05-04T10:00:00Z".parse().expect("time")
}

fn report(i: u64) -> (Report, Actor) {
    let r = Report {
        description: format!("Export to PDF crashes on page {i}\nsteps: open, export"),
        ..Report::default()
    };
    (r, Actor::with_id(Role::Customer, format!("u{}", i % 50)))
}

fn schema_name(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("bench_{tag}_{}_{nanos}", std::process::id())
}

fn pg_book(url: &str, schema: &str, seed: u64) -> Casebook<PgStore> {
    let store = PgStore::connect_with_schema(url, schema).expect("connect");
    Casebook::open(store, Box::new(SeededIds::new(seed))).expect("open")
}

/// Reports `n` cases, one durable append each (single) or `BATCH` per append (batched).
fn run<S: Store>(book: &mut Casebook<S>, n: u64, batched: bool, k: &mut u64) {
    if batched {
        let batch: Vec<(Report, Actor)> = (0..n).map(|i| report(*k + i)).collect();
        for chunk in batch.chunks(BATCH) {
            book.report_batch(chunk, now()).expect("batch");
        }
    } else {
        for i in 0..n {
            let (r, a) = report(*k + i);
            book.report(&r, &a, now()).expect("report");
        }
    }
    *k += n;
}

fn main() {
    let Ok(url) = std::env::var("CASEBOOK_PG_URL") else {
        eprintln!("CASEBOOK_PG_URL is not set: run inside scripts/with-postgres");
        return;
    };
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rates: HashMap<&'static str, (Duration, u64)> = HashMap::new();
    {
        let mut pg = pg_book(&url, &schema_name("rate"), 1);
        let sqlite =
            SqliteStore::open(dir.path().join("b.db"), SqliteOptions::default()).expect("sqlite");
        let mut lite = Casebook::open(sqlite, Box::new(SeededIds::new(2))).expect("open");
        let mut k = 0u64;
        let mut g = c.benchmark_group("durable_reports");
        for batched in [false, true] {
            let n = if batched { BATCH as u64 } else { 1 };
            g.throughput(Throughput::Elements(n));
            let pg_name: &'static str = if batched {
                "postgres/batched"
            } else {
                "postgres/single"
            };
            g.bench_function(pg_name, |b| {
                b.iter_custom(|iters| {
                    let t = Instant::now();
                    for _ in 0..iters {
                        run(&mut pg, n, batched, &mut k);
                    }
                    let took = t.elapsed();
                    let e = rates.entry(pg_name).or_default();
                    e.0 += took;
                    e.1 += iters * n;
                    took
                })
            });
            let lite_name: &'static str = if batched {
                "sqlite/batched"
            } else {
                "sqlite/single"
            };
            g.bench_function(lite_name, |b| {
                b.iter_custom(|iters| {
                    let t = Instant::now();
                    for _ in 0..iters {
                        run(&mut lite, n, batched, &mut k);
                    }
                    let took = t.elapsed();
                    let e = rates.entry(lite_name).or_default();
                    e.0 += took;
                    e.1 += iters * n;
                    took
                })
            });
        }
        g.finish();
    }
    // Follow delay: app server A reports; app server B waits for the change and syncs.
    let schema = schema_name("follow");
    let mut a = pg_book(&url, &schema, 3);
    let (tx, rx) = mpsc::channel::<Instant>();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let b_url = url.clone();
    let b_schema = schema.clone();
    let follower = thread::spawn(move || {
        let mut b = pg_book(&b_url, &b_schema, 4);
        let mut seen = b.cases().len();
        while stop_rx.try_recv().is_err() {
            let head = b.store().head().unwrap_or(0);
            if b.store()
                .wait_for_change(head, Duration::from_millis(200))
                .is_err()
            {
                continue;
            }
            if b.sync().is_err() {
                continue;
            }
            if b.cases().len() > seen {
                seen = b.cases().len();
                let _ = tx.send(Instant::now());
            }
        }
    });
    thread::sleep(Duration::from_millis(300));
    let mut delays = Vec::new();
    for i in 0..200u64 {
        let (r, actor) = report(i);
        a.report(&r, &actor, now()).expect("report");
        let acked = Instant::now();
        if let Ok(seen) = rx.recv_timeout(Duration::from_secs(5)) {
            let d = seen.saturating_duration_since(acked);
            delays.push(d);
        }
        thread::sleep(Duration::from_millis(5));
    }
    let _ = stop_tx.send(());
    let _ = follower.join();
    delays.sort();
    let pct = |p: f64| {
        delays
            .get(((delays.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let rate = |n: &str| {
        rates
            .get(n)
            .map_or(0.0, |(d, k)| *k as f64 / d.as_secs_f64().max(1e-9))
    };
    println!("\n== durable reports per second (same run, same machine)");
    for mode in ["single", "batched"] {
        let (p, l) = (
            rate(&format!("postgres/{mode}")),
            rate(&format!("sqlite/{mode}")),
        );
        println!(
            "{mode:>8}: PostgreSQL {p:>9.0}/s   SQLite {l:>9.0}/s   PostgreSQL/SQLite {:.2}",
            p / l.max(1e-9)
        );
    }
    println!(
        "== follow delay, A's acknowledged report -> B has synced it ({} of 200 seen): p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        delays.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
}
