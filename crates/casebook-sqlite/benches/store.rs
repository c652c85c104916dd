//! Casebook's SQLite store against the machine's raw fsync rate and against a hand-written
//! plain SQLite log (one table, plain INSERTs, no conflict check), measured in the same run.
//!
//! `cargo bench -p casebook-sqlite --bench store` prints criterion's figures, then a summary
//! measured in interleaved rounds (Casebook, baseline, Casebook, ...) so that load from other
//! processes hits both alike. `CASEBOOK_BENCH_EVENTS` sets the size of the read test (1,000,000).
//!
//! `CASEBOOK_BENCH_PARTS=reports` runs only the append of report batches (the core's own
//! commits of 1,000 reports: the key claim and one new case stream per report) against the
//! same rows in the plain log, in interleaved rounds; `CASEBOOK_BENCH_ROUNDS` sets their number.

use std::collections::HashMap;
use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, Instant};

use casebook::store::{Commit, Store, StoredEvent};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use criterion::{Criterion, SamplingMode, Throughput};
use rusqlite::{Connection, params};

mod support {
    pub mod reports;
}
use support::reports::{REPORTS, Reports};

/// Commits per batched append, and events per commit.
const BATCH_COMMITS: usize = 1000;
const EVENTS_PER_COMMIT: usize = 5;
const BATCH_EVENTS: usize = BATCH_COMMITS * EVENTS_PER_COMMIT;
const STREAMS: usize = 1000;

fn payload(n: usize) -> String {
    format!(
        r#"{{"type":"comment_added","n":{n},"author":"agent/17","body":"Thanks, we are looking into it and will reply shortly."}}"#
    )
}

/// Which streams a batch goes to.
#[derive(Clone, Copy)]
enum Shape {
    /// Every commit opens a new stream (an import of cases).
    NewStreams,
    /// The commits go to the same [`STREAMS`] existing streams, round after round.
    ExistingStreams,
}

/// A Casebook store plus the versions of its streams, so appends never conflict.
struct Cb {
    store: SqliteStore,
    versions: HashMap<String, u64>,
    n: usize,
}

impl Cb {
    fn open(path: &Path) -> Cb {
        let store = SqliteStore::open(path, SqliteOptions::default()).expect("open store");
        Cb {
            store,
            versions: HashMap::new(),
            n: 0,
        }
    }
    fn batch(&self, commits: usize, per_commit: usize, shape: Shape) -> Vec<Commit> {
        (0..commits)
            .map(|j| {
                let stream = match shape {
                    Shape::NewStreams => format!("case/{:08}", self.n + j),
                    Shape::ExistingStreams => format!("case/{:08}", (self.n + j) % STREAMS),
                };
                Commit {
                    expected_version: self.versions.get(&stream).copied().unwrap_or(0),
                    stream,
                    payloads: (0..per_commit).map(|i| payload(self.n + i)).collect(),
                }
            })
            .collect()
    }
    /// Appends a prepared batch; returns the time `append` took.
    fn append(&mut self, batch: Vec<Commit>) -> Duration {
        let t = Instant::now();
        self.store.append(&batch).expect("append");
        let took = t.elapsed();
        self.n += batch.len();
        for c in batch {
            *self.versions.entry(c.stream).or_default() += c.payloads.len() as u64;
        }
        took
    }
}

/// The baseline: one plain table, plain INSERTs, same WAL and synchronous=FULL settings.
struct Plain {
    conn: Connection,
}

impl Plain {
    fn open(path: &Path) -> Plain {
        let conn = Connection::open(path).expect("open plain");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE log (position INTEGER PRIMARY KEY, stream TEXT NOT NULL,
                               seq INTEGER NOT NULL, payload TEXT NOT NULL);",
        )
        .expect("plain schema");
        Plain { conn }
    }
    /// Inserts the same rows a Casebook append would, in one transaction; returns the time.
    fn append(&mut self, batch: &[Commit]) -> Duration {
        let t = Instant::now();
        let tx = self.conn.transaction().expect("begin");
        {
            let mut ins = tx
                .prepare_cached("INSERT INTO log (stream, seq, payload) VALUES (?1, ?2, ?3)")
                .expect("prepare");
            for c in batch {
                for (i, p) in c.payloads.iter().enumerate() {
                    let seq = (c.expected_version + i as u64 + 1) as i64;
                    ins.execute(params![c.stream, seq, p]).expect("insert");
                }
            }
        }
        tx.commit().expect("commit");
        t.elapsed()
    }
    fn read_all(&self, visit: &mut dyn FnMut(StoredEvent)) {
        let mut st = self
            .conn
            .prepare_cached("SELECT position, stream, seq, payload FROM log ORDER BY position")
            .expect("prepare");
        let mut rows = st.query([]).expect("query");
        while let Some(r) = rows.next().expect("row") {
            visit(StoredEvent {
                position: r.get::<_, i64>(0).expect("position") as u64,
                stream: r.get(1).expect("stream"),
                seq: r.get::<_, i64>(2).expect("seq") as u64,
                payload: r.get(3).expect("payload"),
            });
        }
    }
}

fn fsync_once(probe: &File) -> Duration {
    let t = Instant::now();
    probe.write_all_at(&[7u8; 512], 0).expect("write");
    probe.sync_data().expect("fdatasync");
    t.elapsed()
}

fn read_cb(cb: &Cb, total: u64) -> Duration {
    let t = Instant::now();
    let mut n = 0u64;
    cb.store
        .read_all(0, &mut |e| {
            n += 1;
            black_box(e);
            Ok(())
        })
        .expect("read_all");
    assert_eq!(n, total);
    t.elapsed()
}

fn read_plain(plain: &Plain, total: u64) -> Duration {
    let t = Instant::now();
    let mut n = 0u64;
    plain.read_all(&mut |e| {
        n += 1;
        black_box(e);
    });
    assert_eq!(n, total);
    t.elapsed()
}

struct Fixture {
    probe: File,
    single: (Cb, Plain),
    new: (Cb, Plain),
    existing: (Cb, Plain),
    read: (Cb, Plain),
    total: u64,
}

impl Fixture {
    fn new(dir: &Path, events: usize) -> Fixture {
        let pair = |name: &str| {
            (
                Cb::open(&dir.join(format!("{name}.db"))),
                Plain::open(&dir.join(format!("{name}-plain.db"))),
            )
        };
        let mut read = pair("read");
        let batches = events.div_ceil(BATCH_EVENTS);
        for _ in 0..batches {
            let b = read
                .0
                .batch(BATCH_COMMITS, EVENTS_PER_COMMIT, Shape::NewStreams);
            read.1.append(&b);
            read.0.append(b);
        }
        Fixture {
            probe: File::create(dir.join("fsync-probe")).expect("probe file"),
            single: pair("single"),
            new: pair("new"),
            existing: pair("existing"),
            read,
            total: (batches * BATCH_EVENTS) as u64,
        }
    }
}

fn criterion_benches(c: &mut Criterion, f: &mut Fixture) {
    let mut g = c.benchmark_group("durable_append");
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("raw write+fdatasync", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| fsync_once(&f.probe)).sum())
    });
    let (cb, plain) = &mut f.single;
    g.bench_function("casebook: 1 commit per append", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| cb.append(cb.batch(1, 1, Shape::ExistingStreams)))
                .sum()
        })
    });
    g.bench_function("baseline: 1 insert per transaction", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| plain.append(&cb.batch(1, 1, Shape::ExistingStreams)))
                .sum()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("batched_append");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(BATCH_EVENTS as u64));
    for (label, shape, pair) in [
        ("new streams", Shape::NewStreams, &mut f.new),
        ("existing streams", Shape::ExistingStreams, &mut f.existing),
    ] {
        let (cb, plain) = pair;
        g.bench_function(format!("casebook: 1000 commits x 5 events, {label}"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| cb.append(cb.batch(BATCH_COMMITS, EVENTS_PER_COMMIT, shape)))
                    .sum()
            })
        });
        g.bench_function(format!("baseline: 5000 inserts, {label}"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| plain.append(&cb.batch(BATCH_COMMITS, EVENTS_PER_COMMIT, shape)))
                    .sum()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("read_all");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(f.total));
    let (cb, plain) = &f.read;
    let total = f.total;
    g.bench_function(format!("casebook: {total} events"), |b| {
        b.iter_custom(|iters| (0..iters).map(|_| read_cb(cb, total)).sum())
    });
    g.bench_function(format!("baseline: {total} rows"), |b| {
        b.iter_custom(|iters| (0..iters).map(|_| read_plain(plain, total)).sum())
    });
    g.finish();
}

/// Interleaved rounds: each round runs every operation once, so load hits all alike.
fn summary(f: &mut Fixture, quick: bool) {
    let (singles, batches, reads) = if quick { (3, 1, 1) } else { (300, 12, 3) };
    let mut t = [Duration::ZERO; 3];
    for _ in 0..singles {
        t[0] += fsync_once(&f.probe);
        let b = f.single.0.batch(1, 1, Shape::ExistingStreams);
        t[2] += f.single.1.append(&b);
        t[1] += f.single.0.append(b);
    }
    let rate = |d: Duration, n: u64| n as f64 / d.as_secs_f64();
    let (fs, cb1, pl1) = (
        rate(t[0], singles),
        rate(t[1], singles),
        rate(t[2], singles),
    );
    let mut bt = [Duration::ZERO; 4];
    for _ in 0..batches {
        let b = f
            .new
            .0
            .batch(BATCH_COMMITS, EVENTS_PER_COMMIT, Shape::NewStreams);
        bt[1] += f.new.1.append(&b);
        bt[0] += f.new.0.append(b);
        let b = f
            .existing
            .0
            .batch(BATCH_COMMITS, EVENTS_PER_COMMIT, Shape::ExistingStreams);
        bt[3] += f.existing.1.append(&b);
        bt[2] += f.existing.0.append(b);
    }
    let ev = batches * BATCH_EVENTS as u64;
    let bt = bt.map(|d| rate(d, ev));
    let mut rt = [Duration::ZERO; 2];
    for _ in 0..reads {
        rt[0] += read_cb(&f.read.0, f.total);
        rt[1] += read_plain(&f.read.1, f.total);
    }
    let rt = rt.map(|d| d.as_secs_f64() / reads as f64);
    println!("\n== Casebook SQLite store vs plain SQLite baseline (interleaved, same run) ==");
    println!("raw write+fdatasync of 512 bytes:  {fs:>9.0} /s");
    println!(
        "single durable append:   casebook {cb1:>9.0} /s = {:>3.0}% of raw fsync (target >= 70%) | baseline {pl1:>9.0} /s = {:>3.0}%",
        100.0 * cb1 / fs,
        100.0 * pl1 / fs
    );
    println!(
        "batched, new streams:    casebook {:>9.0} events/s (target >= 200000) | baseline {:>9.0} events/s | ratio {:.2}",
        bt[0],
        bt[1],
        bt[0] / bt[1]
    );
    println!(
        "batched, {STREAMS} streams:  casebook {:>9.0} events/s | baseline {:>9.0} events/s | ratio {:.2}",
        bt[2],
        bt[3],
        bt[2] / bt[3]
    );
    println!(
        "read_all {} events: casebook {:.2} s ({:.0} events/s) | baseline {:.2} s ({:.0} events/s) | ratio {:.2}",
        f.total,
        rt[0],
        f.total as f64 / rt[0],
        rt[1],
        f.total as f64 / rt[1],
        rt[1] / rt[0]
    );
}

/// Batches of 1,000 reports into a fresh Casebook store and a fresh plain log, interleaved
/// (a few untimed batches first, so both files start past their first pages).
fn reports_summary(dir: &Path, quick: bool) {
    for advance in [true, false] {
        reports_rounds(dir, quick, advance);
    }
}

fn reports_rounds(dir: &Path, quick: bool, advance: bool) {
    let rounds: usize = if quick {
        2
    } else {
        std::env::var("CASEBOOK_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(40)
    };
    let warm = if quick { 1 } else { 5 };
    let name = if advance { "reports" } else { "reports-1ms" };
    let mut cb = Cb::open(&dir.join(format!("{name}.db")));
    let mut plain = Plain::open(&dir.join(format!("{name}-plain.db")));
    let mut made = Reports::new(3, advance);
    let batches: Vec<Vec<Commit>> = (0..warm + rounds).map(|_| made.next_batch()).collect();
    let bytes: usize = batches[0]
        .iter()
        .flat_map(|c| c.payloads.iter().map(|p| p.len()))
        .sum();
    let (mut tc, mut tp) = (Duration::ZERO, Duration::ZERO);
    for (i, b) in batches.into_iter().enumerate() {
        let (p, c) = if i % 2 == 0 {
            let p = plain.append(&b);
            (p, cb.append(b))
        } else {
            let c = cb.append(b.clone());
            (plain.append(&b), c)
        };
        if i >= warm {
            tc += c;
            tp += p;
        }
    }
    let n = (rounds * REPORTS) as f64;
    let (rc, rp) = (n / tc.as_secs_f64(), n / tp.as_secs_f64());
    let when = if advance {
        "a batch a millisecond"
    } else {
        "every batch in the same millisecond"
    };
    println!(
        "\n== report batches ({when}): {rounds} rounds of {REPORTS} reports (+1 key claim), \
         {bytes} payload bytes a batch =="
    );
    println!(
        "append of 1000 reports: casebook {rc:>9.0} reports/s | baseline (plain log, same rows) \
         {rp:>9.0} rows/s | ratio {:.2} | load {}",
        rc / rp,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    if std::env::var("CASEBOOK_BENCH_PARTS").is_ok_and(|p| p.split(',').any(|p| p == "reports")) {
        let dir = tempfile::tempdir().expect("temp dir");
        reports_summary(dir.path(), quick);
        return;
    }
    let events = if quick {
        10_000
    } else {
        std::env::var("CASEBOOK_BENCH_EVENTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut f = Fixture::new(dir.path(), events);
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    criterion_benches(&mut c, &mut f);
    c.final_summary();
    summary(&mut f, quick);
    reports_summary(dir.path(), quick);
}
