//! The cost of the C boundary: `casebook_execute` for a `get` against the same request through
//! `protocol::execute_line` in Rust, and the typed report path against the Rust report request.
//! Criterion prints each figure; a closing summary prints the overhead per call (target: under
//! 2 µs for `get`), measured in the same run.

use std::ffi::c_char;
use std::hint::black_box;
use std::time::{Duration, Instant};

use casebook::{
    casebook_actor, casebook_execute, casebook_get, casebook_open_with, casebook_options,
    casebook_report, casebook_report_input, casebook_role, casebook_status, casebook_str,
    casebook_string_free,
};
use casebook_core::{Casebook, MemoryStore, SeededIds, Store, protocol};
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group};

const GET: &str = r#"{"op":"get","as":{"role":"customer","id":"u1"},"case":"CB-1"}"#;
const REPORT: &str = r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"Export to PDF crashes","diagnostics":{"app_version":"5.2.1","os":"Linux"}}"#;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_767_225_600_000).unwrap_or_default()
}

fn c_book() -> *mut casebook::casebook {
    let opts = casebook_options {
        id_seed: 1,
        fixed_time_ms: 1_767_225_600_000,
    };
    let mut book = std::ptr::null_mut();
    // SAFETY: valid pointers.
    let s = unsafe { casebook_open_with(c":memory:".as_ptr(), 8, &opts, &mut book) };
    assert_eq!(s, casebook_status::CASEBOOK_OK);
    c_execute(book, REPORT);
    book
}

fn rust_book() -> Casebook<Box<dyn Store>> {
    let store: Box<dyn Store> = Box::new(MemoryStore::new());
    let mut book = Casebook::open(store, Box::new(SeededIds::new(1))).unwrap();
    protocol::execute_line(&mut book, REPORT, now());
    book
}

fn c_execute(book: *mut casebook::casebook, line: &str) -> usize {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live handle and valid pointers; the response is freed right away.
    unsafe {
        let s = casebook_execute(book, line.as_ptr().cast(), line.len(), &mut out);
        assert_eq!(s, casebook_status::CASEBOOK_OK);
        let n = std::ffi::CStr::from_ptr(out).to_bytes().len();
        casebook_string_free(out);
        n
    }
}

fn s(text: &'static str) -> casebook_str {
    casebook_str {
        ptr: text.as_ptr().cast(),
        len: text.len(),
    }
}

fn none() -> casebook_str {
    casebook_str {
        ptr: std::ptr::null(),
        len: 0,
    }
}

fn actor() -> casebook_actor {
    casebook_actor {
        role: casebook_role::CASEBOOK_ROLE_CUSTOMER as u32,
        id: s("u1"),
        org: none(),
        email: none(),
        name: none(),
        token: none(),
    }
}

fn c_get_typed(book: *mut casebook::casebook) -> usize {
    let a = actor();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: as above.
    unsafe {
        let st = casebook_get(book, &a, c"CB-1".as_ptr(), 4, &mut out);
        assert_eq!(st, casebook_status::CASEBOOK_OK);
        casebook_string_free(out);
    }
    1
}

fn c_report_typed(book: *mut casebook::casebook) -> usize {
    let a = actor();
    let diags = [
        casebook::casebook_diagnostic {
            key: s("app_version"),
            value: s("5.2.1"),
        },
        casebook::casebook_diagnostic {
            key: s("os"),
            value: s("Linux"),
        },
    ];
    let input = casebook_report_input {
        description: s("Export to PDF crashes"),
        subject: none(),
        email: none(),
        name: none(),
        diagnostics: diags.as_ptr(),
        diagnostics_len: diags.len(),
        tags: std::ptr::null(),
        tags_len: 0,
    };
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: as above.
    unsafe {
        let st = casebook_report(book, &a, &input, &mut out);
        assert_eq!(st, casebook_status::CASEBOOK_OK);
        casebook_string_free(out);
    }
    1
}

fn benches(c: &mut Criterion) {
    let mut rust = rust_book();
    let cb = c_book();
    let mut g = c.benchmark_group("get");
    g.bench_function("rust protocol::execute_line (baseline)", |b| {
        b.iter(|| protocol::execute_line(&mut rust, black_box(GET), now()).len())
    });
    g.bench_function("c casebook_execute", |b| {
        b.iter(|| c_execute(cb, black_box(GET)))
    });
    g.bench_function("c casebook_get (typed)", |b| b.iter(|| c_get_typed(cb)));
    g.finish();

    let mut g = c.benchmark_group("report");
    let mut rust = rust_book();
    let cb = c_book();
    g.bench_function("rust protocol::execute_line (baseline)", |b| {
        b.iter(|| protocol::execute_line(&mut rust, black_box(REPORT), now()).len())
    });
    g.bench_function("c casebook_execute", |b| {
        b.iter(|| c_execute(cb, black_box(REPORT)))
    });
    g.bench_function("c casebook_report (typed)", |b| {
        b.iter(|| c_report_typed(cb))
    });
    g.finish();
}

/// Mean time per call of `f` over `n` calls.
fn per_call(mut f: impl FnMut() -> usize, n: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed() / n
}

fn summary() {
    let mut rust = rust_book();
    let cb = c_book();
    let (rounds, n) = (40, 1_000);
    let (mut r, mut c, mut t) = (Duration::MAX, Duration::MAX, Duration::MAX);
    // Interleave short batches and keep each one's best: the cores here are shared and noisy.
    for _ in 0..rounds {
        r = r.min(per_call(
            || protocol::execute_line(&mut rust, GET, now()).len(),
            n,
        ));
        c = c.min(per_call(|| c_execute(cb, GET), n));
        t = t.min(per_call(|| c_get_typed(cb), n));
    }
    let over = |x: Duration| x.as_nanos() as i128 - r.as_nanos() as i128;
    println!("\nget, per call (best of {rounds} interleaved batches of {n}):");
    println!(
        "  Rust protocol::execute_line  {:>8.2} µs (baseline)",
        r.as_secs_f64() * 1e6
    );
    println!(
        "  C casebook_execute           {:>8.2} µs, overhead {:+} ns ({:.2}x; target < 2000 ns)",
        c.as_secs_f64() * 1e6,
        over(c),
        c.as_secs_f64() / r.as_secs_f64()
    );
    println!(
        "  C casebook_get (typed)       {:>8.2} µs, {:+} ns vs baseline",
        t.as_secs_f64() * 1e6,
        over(t)
    );

    let mut rust = rust_book();
    let cb = c_book();
    let typed = c_book();
    let (rounds, n) = (20, 250);
    let (mut r, mut c, mut t) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        r = r.min(per_call(
            || protocol::execute_line(&mut rust, REPORT, now()).len(),
            n,
        ));
        c = c.min(per_call(|| c_execute(cb, REPORT), n));
        t = t.min(per_call(|| c_report_typed(typed), n));
    }
    println!("report, per call (best of {rounds} interleaved batches of {n}):");
    println!(
        "  Rust protocol::execute_line  {:>8.2} µs (baseline)",
        r.as_secs_f64() * 1e6
    );
    println!(
        "  C casebook_execute           {:>8.2} µs, {:+} ns",
        c.as_secs_f64() * 1e6,
        over_of(c, r)
    );
    println!(
        "  C casebook_report (typed)    {:>8.2} µs, {:+} ns",
        t.as_secs_f64() * 1e6,
        over_of(t, r)
    );
}

fn over_of(x: Duration, base: Duration) -> i128 {
    x.as_nanos() as i128 - base.as_nanos() as i128
}

criterion_group!(group, benches);

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
