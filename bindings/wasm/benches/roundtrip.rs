//! Native baseline for the WebAssembly benchmark (benches/bench.mjs): the same report + myCases
//! round trip, on a casebook holding 100 cases, through the core directly and through `Book`
//! (what the JS class calls), and through `Book` plus writing each result as JSON text (all the
//! Rust-side work of a JS call, as serde writes it and as the module writes it since
//! casebook::view_json). bench.mjs divides its per-call times by these.

use casebook::protocol::{self, Op, OpResult, Request};
use casebook::query::ListFilter;
use casebook::summary::ListView;
use casebook::view_json;
use casebook::{Actor, Casebook, MemoryStore, Report, Role, SeededIds};
use casebook_wasm::Book;
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn requests() -> (Request, Request) {
    let me = Actor::with_id(Role::Customer, "u1");
    let report = Request {
        actor: me.clone(),
        at: None,
        id: None,
        op: Op::Report(Report {
            description: "Export to PDF crashes on large reports".into(),
            ..Report::default()
        }),
    };
    let list = Request {
        actor: me,
        at: None,
        id: None,
        op: Op::List {
            filter: ListFilter {
                mine: Some(true),
                ..ListFilter::default()
            },
            cursor: None,
            limit: Some(10),
            view: None,
        },
    };
    (report, list)
}

/// Times `iters` rounds of `round` on a `Book` that holds 100 cases first, as bench.mjs does per
/// batch.
fn book_rounds(
    report: &Request,
    now: DateTime<Utc>,
    iters: u64,
    mut round: impl FnMut(&mut Book),
) -> Duration {
    let mut book = Book::new(1).expect("book");
    for _ in 0..100 {
        book.handle(report, now).expect("report");
    }
    let t0 = Instant::now();
    for _ in 0..iters {
        round(&mut book);
    }
    t0.elapsed()
}

fn bench(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("time");
    let (report, list) = requests();
    let mut summaries = list.clone();
    if let Op::List { view, .. } = &mut summaries.op {
        *view = Some(ListView::Summary);
    }
    let mut g = c.benchmark_group("wasm_roundtrip");

    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    // Each sample starts from a casebook with 100 cases, as bench.mjs does per batch.
    g.bench_function("core_report_my_cases", |b| {
        b.iter_custom(|iters| {
            let mut core =
                Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
            for _ in 0..100 {
                protocol::handle(&mut core, &report, now).expect("report");
            }
            let t0 = Instant::now();
            for _ in 0..iters {
                protocol::handle(&mut core, &report, now).expect("report");
                black_box(protocol::handle(&mut core, &list, now).expect("list"));
            }
            t0.elapsed()
        })
    });
    g.bench_function("book_report_my_cases", |b| {
        b.iter_custom(|iters| {
            book_rounds(&report, now, iters, |book| {
                book.handle(&report, now).expect("report");
                black_box(book.handle(&list, now).expect("list"));
            })
        })
    });
    // What the module does in Rust per call: also write each result as JSON text.
    g.bench_function("book_report_my_cases_json", |b| {
        b.iter_custom(|iters| {
            book_rounds(&report, now, iters, |book| {
                let r = book.handle(&report, now).expect("report");
                black_box(serde_json::to_string(&r).expect("json"));
                let l = book.handle(&list, now).expect("list");
                black_box(serde_json::to_string(&l).expect("json"));
            })
        })
    });
    // The same with the list as lean summaries (`myCaseSummaries`, "view": "summary").
    g.bench_function("book_report_my_case_summaries_json", |b| {
        b.iter_custom(|iters| {
            book_rounds(&report, now, iters, |book| {
                let r = book.handle(&report, now).expect("report");
                black_box(serde_json::to_string(&r).expect("json"));
                let l = book.handle(&summaries, now).expect("list");
                black_box(serde_json::to_string(&l).expect("json"));
            })
        })
    });
    // What the module writes per call since the one-pass writer: `report` and `myCases` answer
    // with casebook::view_json (byte for byte the text serde writes).
    g.bench_function("book_report_my_cases_view_json", |b| {
        b.iter_custom(|iters| {
            book_rounds(&report, now, iters, |book| {
                if let OpResult::Case { case } = book.handle(&report, now).expect("report") {
                    let mut text = String::new();
                    case.write_json(&mut text).expect("json");
                    black_box(text);
                }
                if let OpResult::Cases { cases, next } = book.handle(&list, now).expect("list") {
                    let mut text = String::new();
                    view_json::case_page(&mut text, &cases, next.as_deref()).expect("json");
                    black_box(text);
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
