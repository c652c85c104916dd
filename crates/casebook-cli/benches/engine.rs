//! Engine-level benchmarks of Casebook: report throughput (in memory and durable on SQLite,
//! single and batched), `list` of a reporter's open cases at 1M cases, reopening a 1M-case file,
//! and resident memory per case. Every figure is printed next to a baseline measured in the same
//! run: a hand-written plain SQLite schema doing the same operations (see `common/plain.rs`), and
//! for single durable reports the machine's own fsync rate.
//!
//! `cargo bench -p casebook-cli --bench engine` runs it at full scale (1M cases, ~3 minutes).
//! Without `--bench` (as under `cargo test --benches`) it runs once at a small scale, as a check.
//! `CASEBOOK_BENCH_PARTS=memory,throughput` runs only the in-memory rows (see `main`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use casebook::query::ListFilter;
use casebook::{Actor, CaseCommand, Casebook, MemoryStore, Outcome, Report, SeededIds};
use casebook_sqlite::{Durability, SqliteOptions, SqliteStore};
use common::fixtures::{at, customer, pairs};
use common::plain::Plain;
use common::summary::{self, Tally, dur, rate};
use common::sys;
use criterion::{BenchmarkGroup, Criterion, Throughput, measurement::WallTime};

#[global_allocator]
static ALLOC: sys::Counting = sys::Counting;

const BATCH: usize = 1_000;
const REPORTS_PER_SEC: f64 = 200_000.0;

fn main() {
    let full_scale = std::env::args().any(|a| a == "--bench");
    let big: u64 = if full_scale { 1_000_000 } else { 20_000 };
    if !full_scale {
        summary::set_check_run();
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .configure_from_args();
    let began = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("casebook-engine-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a scratch directory under the target directory");
    println!(
        "casebook-bench: scale {big} cases, scratch files in {}",
        dir.path().display()
    );

    // `CASEBOOK_BENCH_PARTS=file,durable` (a comma list of memory, file, throughput, durable)
    // runs only some parts, for quicker iterations; `file` builds and reopens the 1M-case file.
    let parts = std::env::var("CASEBOOK_BENCH_PARTS").unwrap_or_default();
    let part = |name: &str| parts.is_empty() || parts.split(',').any(|p| p.trim() == name);
    if part("memory") {
        at_scale_in_memory(&mut c, dir.path(), big);
    }
    if part("file") {
        let file = build_durable_file(dir.path(), big);
        reopen(&file, dir.path(), big);
    }
    if part("throughput") {
        throughput_in_memory(&mut c);
    }
    if part("durable") {
        throughput_durable(&mut c, dir.path());
    }

    c.final_summary();
    summary::print();
    println!("\ncasebook-bench: total {}", dur(began.elapsed()));
}

fn new_memory_book() -> Casebook<MemoryStore> {
    Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("an empty casebook")
}

fn open_sqlite(path: &Path) -> Casebook<SqliteStore> {
    let opts = SqliteOptions::default().with_durability(Durability::Full);
    let store = SqliteStore::open(path, opts).expect("a SQLite store in the scratch directory");
    Casebook::open(store, Box::new(SeededIds::new(2))).expect("a casebook on the SQLite store")
}

static FILES: AtomicU64 = AtomicU64::new(0);

/// A fresh file name in the scratch directory.
fn scratch(dir: &Path, what: &str) -> PathBuf {
    dir.join(format!(
        "{what}-{}.db",
        FILES.fetch_add(1, Ordering::Relaxed)
    ))
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Reports arrive over time: each batch one millisecond after the previous one, so UUID v7 ids
/// grow as they do in production (a fixed time would make them random within one millisecond).
fn batch_time(from: u64) -> chrono::DateTime<chrono::Utc> {
    at() + chrono::Duration::milliseconds((from / BATCH as u64) as i64)
}

fn build<S: casebook::Store>(book: &mut Casebook<S>, count: u64) -> Duration {
    build_range(book, 0, count)
}

/// Reports cases `first..end` (their texts and times as [`build`] makes them).
fn build_range<S: casebook::Store>(book: &mut Casebook<S>, first: u64, end: u64) -> Duration {
    let mut spent = Duration::ZERO;
    let mut from = first;
    let count = end;
    while from < count {
        let n = BATCH.min((count - from) as usize);
        let batch = pairs(from, n);
        let now = batch_time(from);
        let start = Instant::now();
        let results = book.report_batch(&batch, now).expect("a batch of reports");
        spent += start.elapsed();
        assert!(
            results.iter().all(Result::is_ok),
            "every generated report is valid"
        );
        from += n as u64;
    }
    spent
}

fn build_plain(plain: &mut Plain, count: u64) -> Duration {
    let mut spent = Duration::ZERO;
    let mut from = 0;
    while from < count {
        let n = BATCH.min((count - from) as usize);
        let batch = pairs(from, n);
        let now = batch_time(from);
        let start = Instant::now();
        plain.insert(&batch, now).expect("plain inserts");
        spent += start.elapsed();
        from += n as u64;
    }
    spent
}

/// Builds `big` cases in memory (measuring resident memory), then benchmarks `list`.
fn at_scale_in_memory(c: &mut Criterion, dir: &Path, big: u64) {
    let (rss0, heap0) = (sys::rss(), sys::live_heap());
    let mut book = new_memory_book();
    let spent = build(&mut book, big);
    // The measured customer (10 cases) withdraws 3 of them, so the open filter has work to do.
    let who = customer(4_242);
    let key = format!("u:{}", who.id.as_deref().unwrap_or_default());
    let slots: Vec<u32> = book.cases().reporter_slots(&key).to_vec();
    let withdraw = CaseCommand::Transition {
        to: "closed".into(),
        outcome: Some(Outcome::Withdrawn { reason: None }),
    };
    let mut closed = Vec::new();
    for &s in slots.iter().take(3) {
        let (id, number) = {
            let case = book.cases().at(s);
            (case.id.to_string(), case.number)
        };
        book.execute(&id, &withdraw, &who, at())
            .expect("the reporter withdraws their own case");
        closed.push(number as i64);
    }
    let (rss1, heap1) = (sys::rss(), sys::live_heap());
    let text: u64 = book
        .cases()
        .iter()
        .map(|c| (c.subject.len() + c.description.len()) as u64)
        .sum();
    println!(
        "casebook-bench: built {big} cases in memory in {} ({}); text {} bytes/case",
        dur(spent),
        rate(big as f64 / spent.as_secs_f64()),
        text / big
    );
    // The event log's share: take the MemoryStore out and drop it.
    drop(std::mem::take(book.store_mut()));
    let heap2 = sys::live_heap();
    memory_rows(big, text, (rss0, rss1), (heap0, heap1, heap2));

    // Plain baseline at the same scale, for the list query (and reopen later).
    let plain_path = dir.join("plain-big.db");
    let mut plain = Plain::open(Some(&plain_path), true).expect("plain database");
    let plain_spent = build_plain(&mut plain, big);
    let engine_rate = big as f64 / spent.as_secs_f64();
    let plain_rate = big as f64 / plain_spent.as_secs_f64();
    summary::record(
        &format!("build {big} cases in memory, report_batch of {BATCH}"),
        rate(engine_rate),
        format!("{} (plain SQLite file, FULL)", rate(plain_rate)),
        engine_rate / plain_rate,
        "≥ 200,000/s",
        Some(engine_rate >= REPORTS_PER_SEC),
    );

    plain.close(&closed).expect("plain close");
    let filter = ListFilter {
        mine: Some(true),
        open: Some(true),
        ..ListFilter::default()
    };
    let expected = slots.len() - closed.len();
    let (page, _) = book.list_cases(&who, &filter, None, None).expect("list");
    assert_eq!(
        page.len(),
        expected,
        "list returns the open cases of the reporter"
    );
    let rows = plain.list_open(&key, 50).expect("plain list");
    assert_eq!(rows.len(), expected, "the baseline finds the same cases");
    assert!(rows.windows(2).all(|w| w[0].number > w[1].number));
    assert!(
        rows.iter().all(|r| r.text[0].is_some()),
        "rows carry their id"
    );

    let mut g = c.benchmark_group(format!("list_{big}"));
    let (mut t_list, mut t_raw, mut t_plain) =
        (Tally::default(), Tally::default(), Tally::default());
    g.bench_function("list_cases mine+open", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let page = book.list_cases(&who, &filter, None, None).expect("list");
                std::hint::black_box(page);
            }
            let el = start.elapsed();
            t_list.add(iters, el);
            el
        })
    });
    g.bench_function("open_cases_of", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let newest: u64 = book
                    .cases()
                    .open_cases_of(&key, book.workflow())
                    .map(|c| c.number)
                    .sum();
                std::hint::black_box(newest);
            }
            let el = start.elapsed();
            t_raw.add(iters, el);
            el
        })
    });
    g.bench_function("plain SQLite, index on reporter", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(plain.list_open(&key, 50).expect("plain list"));
            }
            let el = start.elapsed();
            t_plain.add(iters, el);
            el
        })
    });
    // The visibility policy's cost: a customer's list (their own cases, through the policy and
    // the projection) against the unfiltered first page a staff member gets.
    let staff = Actor::with_id(casebook::Role::Agent, "agent-1");
    let everything = ListFilter::default();
    let customer_default = ListFilter::default();
    let (mut t_customer, mut t_staff) = (Tally::default(), Tally::default());
    g.bench_function("list as customer (policy)", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(
                    book.list_cases(&who, &customer_default, None, None)
                        .expect("list"),
                );
            }
            let el = start.elapsed();
            t_customer.add(iters, el);
            el
        })
    });
    g.bench_function("list unfiltered (staff)", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(
                    book.list_cases(&staff, &everything, None, None)
                        .expect("list"),
                );
            }
            let el = start.elapsed();
            t_staff.add(iters, el);
            el
        })
    });
    g.finish();
    let ratio = t_customer.mean().as_secs_f64() / t_staff.mean().as_secs_f64();
    summary::record(
        &format!("customer list at {big} cases, time"),
        dur(t_customer.mean()),
        format!("{} (unfiltered staff page)", dur(t_staff.mean())),
        ratio,
        "≤ 2× unfiltered",
        Some(ratio <= 2.0),
    );
    let base = t_plain.mean();
    for (what, t) in [
        ("list_cases mine+open (views)", t_list),
        ("open_cases_of (raw index)", t_raw),
    ] {
        summary::record(
            &format!("{what} at {big} cases, time"),
            dur(t.mean()),
            format!("{} (plain SQLite)", dur(base)),
            t.mean().as_secs_f64() / base.as_secs_f64(),
            "< 20 µs",
            Some(t.mean() < Duration::from_micros(20)),
        );
    }
}

fn memory_rows(big: u64, text: u64, rss: (Option<u64>, Option<u64>), heap: (i64, i64, i64)) {
    let (h0, h1, h2) = heap;
    let per = |bytes: i64| bytes as f64 / big as f64;
    let text_per = text as f64 / big as f64;
    let heap_total = per(h1 - h0) - text_per;
    let store = per(h1 - h2);
    let table = per(h2 - h0) - text_per;
    if let (Some(r0), Some(r1)) = rss {
        let rss_per = per(r1 as i64 - r0 as i64) - text_per;
        summary::record(
            &format!("resident memory per case beyond text, {big} cases in memory (VmRSS)"),
            format!("{rss_per:.0} B"),
            format!("{heap_total:.0} B live heap"),
            rss_per / heap_total,
            "≤ 1024 B",
            Some(rss_per <= 1024.0),
        );
    }
    summary::record(
        "  of which: in-memory event log (MemoryStore), live heap",
        format!("{store:.0} B"),
        "-".into(),
        f64::NAN,
        "-",
        None,
    );
    summary::record(
        "  of which: case table and indexes beyond text, live heap",
        format!("{table:.0} B"),
        format!(
            "size_of::<Case>() = {} B",
            std::mem::size_of::<casebook::Case>()
        ),
        f64::NAN,
        "≤ 1024 B",
        Some(table <= 1024.0),
    );
}

/// Writes a `big`-case file with report_batch (Full durability), returning its path.
fn build_durable_file(dir: &Path, big: u64) -> PathBuf {
    let path = dir.join("engine-big.db");
    let mut book = open_sqlite(&path);
    let spent = build(&mut book, big);
    let r = big as f64 / spent.as_secs_f64();
    println!(
        "casebook-bench: wrote {big} cases to {} in {}",
        path.display(),
        dur(spent)
    );
    summary::record(
        &format!("build a {big}-case SQLite file (Full), report_batch of {BATCH}"),
        rate(r),
        "see the in-memory build row".into(),
        f64::NAN,
        "≥ 200,000/s",
        Some(r >= REPORTS_PER_SEC),
    );
    path
}

/// Reopens the file once (time, and the memory the reopened casebook holds).
fn reopen(file: &Path, dir: &Path, big: u64) {
    let plain_file = dir.join("plain-big.db");
    if !plain_file.exists() {
        let mut plain = Plain::open(Some(&plain_file), true).expect("plain database");
        build_plain(&mut plain, big);
    }
    let (rss0, heap0) = (sys::rss(), sys::live_heap());
    let start = Instant::now();
    let mut book = open_sqlite(file);
    let spent = start.elapsed();
    let (rss1, heap1) = (sys::rss(), sys::live_heap());
    assert_eq!(book.cases().len() as u64, big, "every case is back");
    assert_eq!(book.opened(), &casebook::Opened::Replayed);
    let text: u64 = book
        .cases()
        .iter()
        .map(|c| (c.subject.len() + c.description.len()) as u64)
        .sum();

    // A snapshot, then a tail of 1% more cases (2 events each) that the next open replays.
    let start = Instant::now();
    let at = book.save_snapshot().expect("a snapshot");
    let save = start.elapsed();
    let size = casebook::Store::load_snapshot(book.store())
        .expect("the snapshot back")
        .map_or(0, |(_, data)| data.len());
    let tail = big / 100;
    build_range(&mut book, big, big + tail);
    drop(book);
    let (rss2, heap2) = (sys::rss(), sys::live_heap());
    let start = Instant::now();
    let book = open_sqlite(file);
    let from_snapshot = start.elapsed();
    let (rss3, heap3) = (sys::rss(), sys::live_heap());
    assert_eq!(book.cases().len() as u64, big + tail, "every case is back");
    match book.opened() {
        casebook::Opened::FromSnapshot { position, .. } => assert_eq!(*position, at),
        other => panic!("the reopen did not use the snapshot: {other:?}"),
    }
    drop(book);

    let plain = Plain::open(Some(&plain_file), true).expect("plain database");
    let start = Instant::now();
    let rows = plain.load_all().expect("plain select");
    let base = start.elapsed();
    assert_eq!(rows.len() as u64, big);
    assert!(rows.iter().all(|r| r.number > 0 && r.text[5].is_some()));
    drop(rows);
    summary::record(
        &format!("reopen a {big}-case SQLite file by full replay, time"),
        dur(spent),
        format!("{} (plain SELECT * into a Vec)", dur(base)),
        spent.as_secs_f64() / base.as_secs_f64(),
        "-",
        None,
    );
    summary::record(
        &format!("reopen it from a snapshot + a {tail}-case tail, time"),
        dur(from_snapshot),
        format!("{} (plain SELECT * into a Vec)", dur(base)),
        from_snapshot.as_secs_f64() / base.as_secs_f64(),
        "< 5 s",
        Some(from_snapshot < Duration::from_secs(5)),
    );
    summary::record(
        "  save the snapshot, time (size)",
        format!("{} ({:.0} MB)", dur(save), size as f64 / 1e6),
        format!("{} (full replay)", dur(spent)),
        save.as_secs_f64() / spent.as_secs_f64(),
        "-",
        None,
    );
    let per = |b: i64| b as f64 / big as f64 - text as f64 / big as f64;
    let rss_per = match (rss0, rss1) {
        (Some(a), Some(b)) => format!("{:.0} B VmRSS", per(b as i64 - a as i64)),
        _ => "VmRSS unavailable".into(),
    };
    let rss_snap = match (rss2, rss3) {
        (Some(a), Some(b)) => format!("{:.0} B VmRSS", per(b as i64 - a as i64)),
        _ => "VmRSS unavailable".into(),
    };
    summary::record(
        "  memory per case beyond text, reopened from the snapshot",
        format!("{:.0} B live heap", per(heap3 - heap2)),
        rss_snap,
        f64::NAN,
        "≤ 1024 B",
        Some(per(heap3 - heap2) <= 1024.0),
    );
    summary::record(
        "  memory per case beyond text of the reopened casebook (table only)",
        format!("{:.0} B live heap", per(heap1 - heap0)),
        rss_per,
        f64::NAN,
        "≤ 1024 B",
        Some(per(heap1 - heap0) <= 1024.0),
    );
}

fn rate_row(what: &str, engine: Tally, base: Tally, base_name: &str, target: &str, goal: f64) {
    summary::record(
        what,
        rate(engine.per_sec()),
        format!("{} ({base_name})", rate(base.per_sec())),
        engine.per_sec() / base.per_sec(),
        target,
        Some(engine.per_sec() >= goal),
    );
}

/// Times `iters` single reports (one command each) on a fresh casebook.
fn singles<S: casebook::Store>(
    book: &mut Casebook<S>,
    fixed: &[(Report, Actor)],
    iters: u64,
) -> Duration {
    let now = at();
    let start = Instant::now();
    for i in 0..iters as usize {
        let (r, a) = &fixed[i % fixed.len()];
        book.report(r, a, now).expect("a report");
    }
    start.elapsed()
}

fn batches<S: casebook::Store>(
    book: &mut Casebook<S>,
    fixed: &[(Report, Actor)],
    iters: u64,
) -> Duration {
    let now = at();
    let start = Instant::now();
    for _ in 0..iters {
        book.report_batch(fixed, now).expect("a batch");
    }
    start.elapsed()
}

/// As [`batches`], each batch one millisecond after the previous one (see [`batch_time`]), so the
/// new case streams' names grow as in production instead of landing anywhere in the store's
/// index of names.
fn batches_over_time<S: casebook::Store>(
    book: &mut Casebook<S>,
    fixed: &[(Report, Actor)],
    iters: u64,
) -> Duration {
    let start = Instant::now();
    for i in 0..iters {
        book.report_batch(fixed, batch_time(i * BATCH as u64))
            .expect("a batch");
    }
    start.elapsed()
}

/// The plain baseline of [`batches_over_time`].
fn plain_batches_over_time(plain: &mut Plain, fixed: &[(Report, Actor)], iters: u64) -> Duration {
    let start = Instant::now();
    for i in 0..iters {
        plain
            .insert(fixed, batch_time(i * BATCH as u64))
            .expect("plain batch");
    }
    start.elapsed()
}

fn plain_singles(plain: &mut Plain, fixed: &[(Report, Actor)], iters: u64) -> Duration {
    let now = at();
    let start = Instant::now();
    for i in 0..iters as usize {
        plain
            .insert(std::slice::from_ref(&fixed[i % fixed.len()]), now)
            .expect("plain insert");
    }
    start.elapsed()
}

fn plain_batches(plain: &mut Plain, fixed: &[(Report, Actor)], iters: u64) -> Duration {
    let now = at();
    let start = Instant::now();
    for _ in 0..iters {
        plain.insert(fixed, now).expect("plain batch");
    }
    start.elapsed()
}

fn group<'a>(c: &'a mut Criterion, name: &str, elements: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(elements));
    g
}

fn throughput_in_memory(c: &mut Criterion) {
    let fixed = pairs(0, BATCH);
    let mut t = [Tally::default(); 4];
    let [t_single, t_batch, t_psingle, t_pbatch] = &mut t;
    let mut g = group(c, "report_in_memory_single", 1);
    g.bench_function("casebook MemoryStore", |b| {
        b.iter_custom(|iters| {
            let mut book = new_memory_book();
            let el = singles(&mut book, &fixed, iters);
            t_single.add(iters, el);
            el
        })
    });
    g.bench_function("plain SQLite in memory", |b| {
        b.iter_custom(|iters| {
            let mut plain = Plain::open(None, true).expect("plain memory database");
            let el = plain_singles(&mut plain, &fixed, iters);
            t_psingle.add(iters, el);
            el
        })
    });
    g.finish();
    let mut g = group(c, "report_in_memory_batch_1000", BATCH as u64);
    g.bench_function("casebook MemoryStore", |b| {
        b.iter_custom(|iters| {
            let mut book = new_memory_book();
            let el = batches(&mut book, &fixed, iters);
            t_batch.add(iters * BATCH as u64, el);
            el
        })
    });
    g.bench_function("plain SQLite in memory", |b| {
        b.iter_custom(|iters| {
            let mut plain = Plain::open(None, true).expect("plain memory database");
            let el = plain_batches(&mut plain, &fixed, iters);
            t_pbatch.add(iters * BATCH as u64, el);
            el
        })
    });
    g.finish();
    let [t_single, t_batch, t_psingle, t_pbatch] = t;
    let base = "plain SQLite in memory";
    rate_row(
        "report in memory, single",
        t_single,
        t_psingle,
        base,
        "≥ 200,000/s",
        REPORTS_PER_SEC,
    );
    rate_row(
        "report in memory, batches of 1000",
        t_batch,
        t_pbatch,
        base,
        "≥ 200,000/s",
        REPORTS_PER_SEC,
    );
}

/// True for the full-scale run (`--bench`), false for the quick check.
fn summary_full_scale() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Operations of one kind per round of [`singles_interleaved`].
const ROUND: u64 = 25;

/// Single durable reports, the plain baseline and the fsync probe, interleaved in rounds of
/// [`ROUND`] operations each, so that the load of the shared machine (its fsync rate swings
/// several-fold within seconds) falls on all three alike. Both files stay open, as a host keeps
/// its casebook open; 400 untimed reports first grow each write-ahead log to its working size
/// (after a checkpoint the log is rewritten in place). Returns (probe, casebook, plain).
fn singles_interleaved(
    dir: &Path,
    fixed: &[(Report, Actor)],
    full_scale: bool,
) -> (Tally, Tally, Tally) {
    let book_path = scratch(dir, "engine");
    let mut book = open_sqlite(&book_path);
    let plain_path = scratch(dir, "plain");
    let mut plain = Plain::open(Some(&plain_path), true).expect("plain database");
    let warm = if full_scale { 400 } else { 20 };
    singles(&mut book, fixed, warm);
    plain_singles(&mut plain, fixed, warm);
    let budget = Duration::from_secs(if full_scale { 12 } else { 0 });
    let (mut probe, mut engine, mut base) = (Tally::default(), Tally::default(), Tally::default());
    let began = Instant::now();
    loop {
        probe.add(ROUND, sys::fsync_loop(dir, ROUND).expect("fsync probe"));
        engine.add(ROUND, singles(&mut book, fixed, ROUND));
        base.add(ROUND, plain_singles(&mut plain, fixed, ROUND));
        if began.elapsed() >= budget {
            break;
        }
    }
    println!(
        "casebook-bench: single durable reports, {} rounds of {ROUND}: probe {}, casebook {}, \
         plain {}",
        probe.iters / ROUND,
        rate(probe.per_sec()),
        rate(engine.per_sec()),
        rate(base.per_sec())
    );
    drop(book);
    drop(plain);
    remove_db(&book_path);
    remove_db(&plain_path);
    (probe, engine, base)
}

fn throughput_durable(c: &mut Criterion, dir: &Path) {
    let fixed = pairs(0, BATCH);
    let mut t = [Tally::default(); 5];
    let [t_batch, t_pbatch, t_fsync, t_single, t_psingle] = &mut t;
    let mut g = group(c, "report_durable_full_batch_1000", BATCH as u64);
    g.bench_function("casebook SqliteStore", |b| {
        b.iter_custom(|iters| {
            let path = scratch(dir, "engine");
            let mut book = open_sqlite(&path);
            let el = batches_over_time(&mut book, &fixed, iters);
            drop(book);
            remove_db(&path);
            t_batch.add(iters * BATCH as u64, el);
            el
        })
    });
    g.bench_function("plain SQLite", |b| {
        b.iter_custom(|iters| {
            let path = scratch(dir, "plain");
            let mut plain = Plain::open(Some(&path), true).expect("plain database");
            let el = plain_batches_over_time(&mut plain, &fixed, iters);
            drop(plain);
            remove_db(&path);
            t_pbatch.add(iters * BATCH as u64, el);
            el
        })
    });
    g.finish();
    let full_scale = summary_full_scale();
    let (f, e, p) = singles_interleaved(dir, &fixed, full_scale);
    (*t_fsync, *t_single, *t_psingle) = (f, e, p);
    let [t_batch, t_pbatch, t_fsync, t_single, t_psingle] = t;
    rate_row(
        "report durable (Full), batches of 1000",
        t_batch,
        t_pbatch,
        "plain SQLite, FULL",
        "≥ 200,000/s",
        REPORTS_PER_SEC,
    );
    let goal = 0.7 * t_fsync.per_sec();
    summary::record(
        "report durable (Full), single (one fsync'd commit each)",
        rate(t_single.per_sec()),
        format!("{} (write+fdatasync)", rate(t_fsync.per_sec())),
        t_single.per_sec() / t_fsync.per_sec(),
        "≥ 0.70 × fsync rate",
        Some(t_single.per_sec() >= goal),
    );
    rate_row(
        "  plain SQLite FULL, single, for comparison",
        t_psingle,
        t_fsync,
        "write+fdatasync",
        "-",
        0.0,
    );
}
