//! Durable append throughput and follow delay of the PostgreSQL store, each beside a baseline
//! measured in the same run on the same server: a plain INSERT into a one-column table.
//!
//! Run: `scripts/with-postgres cargo bench -p casebook-postgres --bench pg`

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use casebook::store::{Commit, Store};
use casebook_postgres::PgStore;
use criterion::{Criterion, Throughput};

/// Totals kept by the benchmarks themselves, for the ratio summary at the end.
#[derive(Default)]
struct Tally(HashMap<&'static str, (Duration, u64)>);

impl Tally {
    fn add(&mut self, name: &'static str, took: Duration, units: u64) {
        let e = self.0.entry(name).or_default();
        e.0 += took;
        e.1 += units;
    }
    fn per_sec(&self, name: &str) -> f64 {
        self.0
            .get(name)
            .map_or(0.0, |(d, n)| *n as f64 / d.as_secs_f64().max(1e-9))
    }
    fn mean(&self, name: &str) -> Duration {
        self.0
            .get(name)
            .map_or(Duration::ZERO, |(d, n)| d.div_f64((*n).max(1) as f64))
    }
}

struct Writer {
    store: PgStore,
    versions: HashMap<String, u64>,
    k: u64,
}

impl Writer {
    /// Appends `commits` commits of `events` events each, on rotating streams.
    fn append(&mut self, commits: u64, events: u64) -> u64 {
        let batch: Vec<Commit> = (0..commits)
            .map(|i| {
                let stream = format!("case/{}-{}", self.k / 1_000_000_000, (self.k + i) % 100);
                let expected = self.versions.get(&stream).copied().unwrap_or(0);
                let payloads = (0..events)
                    .map(|e| format!(r#"{{"type":"note","k":{},"e":{e}}}"#, self.k))
                    .collect();
                Commit {
                    stream,
                    expected_version: expected,
                    payloads,
                }
            })
            .collect();
        let head = self.store.append(&batch).expect("append");
        for c in &batch {
            self.versions
                .insert(c.stream.clone(), c.expected_version + events);
        }
        self.k += commits;
        head
    }
}

/// Appends `per_thread` single-event commits from each of `writers.len()` threads at once and
/// returns the wall time.
fn concurrent(writers: &mut [Writer], per_thread: u64) -> Duration {
    let start = Instant::now();
    thread::scope(|s| {
        for w in writers.iter_mut() {
            s.spawn(move || {
                for _ in 0..per_thread {
                    black_box(w.append(1, 1));
                }
            });
        }
    });
    start.elapsed()
}

/// A writer of its own on `schema`, on streams no other writer uses.
fn writer(url: &str, schema: &str, tag: u64) -> Writer {
    Writer {
        store: PgStore::connect_with_schema(url, schema).expect("connect"),
        versions: HashMap::new(),
        k: tag * 1_000_000_000,
    }
}

fn main() {
    let Ok(url) = std::env::var("CASEBOOK_PG_URL") else {
        panic!(
            "CASEBOOK_PG_URL is not set: run `scripts/with-postgres cargo bench -p casebook-postgres --bench pg`"
        );
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!("bench_{}_{nanos}", std::process::id());
    let store = PgStore::connect_with_schema(&url, &schema).expect("connect");
    let mut w = Writer {
        store,
        versions: HashMap::new(),
        k: 0,
    };
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    raw.batch_execute(&format!("CREATE TABLE {schema}.plain (v text NOT NULL)"))
        .expect("baseline table");
    let insert_one = raw
        .prepare(&format!("INSERT INTO {schema}.plain (v) VALUES ($1)"))
        .expect("prepare");
    let insert_many = raw
        .prepare(&format!(
            "INSERT INTO {schema}.plain (v) SELECT * FROM unnest($1::text[])"
        ))
        .expect("prepare");

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut t = Tally::default();

    let mut g = c.benchmark_group("durable_single");
    g.throughput(Throughput::Elements(1));
    g.bench_function("plain_insert_baseline", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for i in 0..iters {
                let v = format!(r#"{{"type":"note","k":{i}}}"#);
                black_box(raw.execute(&insert_one, &[&v]).expect("insert"));
            }
            let took = start.elapsed();
            t.add("plain_single", took, iters);
            took
        })
    });
    g.bench_function("casebook_append_1_event", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(w.append(1, 1));
            }
            let took = start.elapsed();
            t.add("casebook_single", took, iters);
            took
        })
    });
    g.finish();

    let mut g = c.benchmark_group("durable_batch_100_events");
    g.throughput(Throughput::Elements(100));
    g.bench_function("plain_insert_100_rows_one_tx_baseline", |b| {
        b.iter_custom(|iters| {
            let rows: Vec<String> = (0..100).map(|i| format!(r#"{{"e":{i}}}"#)).collect();
            let start = Instant::now();
            for _ in 0..iters {
                black_box(raw.execute(&insert_many, &[&rows]).expect("insert"));
            }
            let took = start.elapsed();
            t.add("plain_batch", took, iters * 100);
            took
        })
    });
    g.bench_function("casebook_append_10_commits_of_10", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(w.append(10, 10));
            }
            let took = start.elapsed();
            t.add("casebook_batch", took, iters * 100);
            took
        })
    });
    g.finish();

    // Four app servers appending at once: all on one schema (appends queue on its head row)
    // against one schema each (a casebook per tenant: they commit in parallel).
    const WRITERS: u64 = 4;
    let mut shared: Vec<Writer> = (0..WRITERS).map(|i| writer(&url, &schema, i + 1)).collect();
    let mut split: Vec<Writer> = (0..WRITERS)
        .map(|i| writer(&url, &format!("{schema}_p{i}"), i + 1))
        .collect();
    let mut g = c.benchmark_group("concurrent_4_writers");
    g.throughput(Throughput::Elements(WRITERS));
    g.bench_function("one_schema", |b| {
        b.iter_custom(|iters| {
            let took = concurrent(&mut shared, iters);
            t.add("one_schema", took, iters * WRITERS);
            took
        })
    });
    g.bench_function("schema_per_writer", |b| {
        b.iter_custom(|iters| {
            let took = concurrent(&mut split, iters);
            t.add("schema_each", took, iters * WRITERS);
            took
        })
    });
    g.finish();
    drop((shared, split));

    // Follow delay: from the writer's acknowledgement to a second connection's wake-up.
    let (tx, rx) = mpsc::channel::<Instant>();
    let (go_tx, go_rx) = mpsc::channel::<u64>();
    let follower = {
        let (url, schema) = (url.clone(), schema.clone());
        thread::spawn(move || {
            let mut reader = PgStore::connect_with_schema(&url, &schema).expect("connect");
            reader.set_poll_interval(Duration::from_secs(60));
            while let Ok(after) = go_rx.recv() {
                let head = reader
                    .wait_for_change(after, Duration::from_secs(10))
                    .expect("wait");
                assert!(head > after, "follower timed out");
                if tx.send(Instant::now()).is_err() {
                    return;
                }
            }
        })
    };
    let mut g = c.benchmark_group("follow");
    g.bench_function("delay_from_ack_to_follower_wake", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let head = w.store.head().expect("head");
                go_tx.send(head).expect("follower");
                // Let the follower start waiting before the append.
                thread::sleep(Duration::from_millis(2));
                w.append(1, 1);
                let acked = Instant::now();
                let woke = rx.recv().expect("follower woke");
                total += woke.saturating_duration_since(acked);
            }
            t.add("follow", total, iters);
            total
        })
    });
    g.finish();
    drop(go_tx);
    follower.join().expect("follower");
    c.final_summary();

    let (ps, cs) = (t.per_sec("plain_single"), t.per_sec("casebook_single"));
    let (pb, cb) = (t.per_sec("plain_batch"), t.per_sec("casebook_batch"));
    println!("\n== casebook-postgres figures (fsync on, Unix socket, same server) ==");
    println!(
        "durable single appends: casebook {cs:.0}/s   plain INSERT baseline {ps:.0}/s   ratio {:.2}",
        cs / ps.max(1e-9)
    );
    println!(
        "durable batched events: casebook {cb:.0} events/s (10 commits x 10 events per append)   plain 100-row INSERT baseline {pb:.0} rows/s   ratio {:.2}",
        cb / pb.max(1e-9)
    );
    let (one, each) = (t.per_sec("one_schema"), t.per_sec("schema_each"));
    println!(
        "4 concurrent writers: one schema {one:.0} appends/s   a schema each {each:.0} appends/s   ratio {:.2}",
        each / one.max(1e-9)
    );
    println!(
        "follow delay (ack -> other connection wakes via NOTIFY): mean {:?}",
        t.mean("follow")
    );
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    for i in 0..WRITERS {
        raw.batch_execute(&format!("DROP SCHEMA {schema}_p{i} CASCADE"))
            .expect("drop a bench schema");
    }
    raw.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop the bench schema");
}
