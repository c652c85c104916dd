//! Similar-case search speed on 100k synthetic documents made from real bug-report text
//! (GitBugs Hadoop, Patil, arXiv 2504.09651, CC BY 4.0; see tests/data/gitbugs-hadoop/NOTICE).
//!
//! Targets: top-10 query over 100k documents < 5 ms (pruned search, next to the exhaustive scan
//! measured in the same run); upsert of a new document < 50 µs (next to tokenising the same
//! document alone).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use casebook::search::{Document, FieldSpec, IndexConfig, Query, SearchIndex, Tokenizer};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const DOCS: usize = 100_000;

/// Time this thread has spent on a CPU, when the OS reports it (Linux). On a loaded machine
/// wall-clock times include waiting for a core; on-CPU time does not.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Runs `f` and returns (wall ms, on-CPU ms if known).
fn measure(f: &mut dyn FnMut()) -> (f64, Option<f64>) {
    let cpu = cpu_ns();
    let start = Instant::now();
    f();
    let wall = start.elapsed().as_secs_f64() * 1e3;
    let cpu = cpu.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e6);
    (wall, cpu)
}

fn fmt_cpu(cpu: Option<f64>) -> String {
    cpu.map_or_else(|| "n/a".to_string(), |c| format!("{c:.3}"))
}

struct Source {
    summaries: Vec<String>,
    descriptions: Vec<String>,
}

fn load() -> Source {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/gitbugs-hadoop/hadoop_bugs.csv");
    let mut rdr = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("bench data {} unreadable: {e}", path.display()));
    let headers = rdr.headers().expect("bench data has a header").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect("column present");
    let (s, d) = (col("Summary"), col("Description"));
    let mut src = Source {
        summaries: Vec::new(),
        descriptions: Vec::new(),
    };
    for rec in rdr.records() {
        let rec = rec.expect("bench data is valid CSV");
        src.summaries.push(rec[s].to_string());
        src.descriptions.push(clip(&rec[d], 1200).to_string());
    }
    src
}

fn clip(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Deterministic generator (64-bit LCG) so every run indexes the same corpus.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// A synthetic report: words of a real summary mixed with another's, and a description made of
/// two real descriptions' halves, so the corpus keeps real vocabulary and term statistics.
fn synth(src: &Source, rng: &mut Lcg, key: u64) -> Document<u64> {
    let n = src.summaries.len();
    let a = &src.summaries[rng.next(n)];
    let b = &src.summaries[rng.next(n)];
    let words: Vec<&str> = b.split_whitespace().collect();
    let mut subject = a.clone();
    if !words.is_empty() {
        subject.push(' ');
        subject.push_str(words[rng.next(words.len())]);
    }
    let d1 = &src.descriptions[rng.next(n)];
    let d2 = &src.descriptions[rng.next(n)];
    let body = format!(
        "{} {}",
        clip(d1, d1.len() / 2 + 1),
        clip(d2, d2.len() / 2 + 1)
    );
    Document::new(key)
        .field("subject", subject)
        .field("description", body)
}

fn build(src: &Source) -> SearchIndex<u64> {
    let config = IndexConfig::new(vec![
        FieldSpec::new("subject", 2.0)
            .with_b(0.5)
            .with_query_weight(2.0),
        FieldSpec::new("description", 1.0),
    ]);
    let mut index = SearchIndex::new(config).expect("valid config");
    let mut rng = Lcg(42);
    let start = Instant::now();
    for key in 0..DOCS as u64 {
        index
            .upsert(&synth(src, &mut rng, key))
            .expect("schema fields");
    }
    eprintln!(
        "indexed {DOCS} docs ({} terms) in {:.2?}",
        index.term_count(),
        start.elapsed()
    );
    index
}

fn queries(src: &Source, index: &SearchIndex<u64>) -> Vec<Query> {
    (0..50)
        .map(|i| {
            let j = (i * 37) % src.summaries.len();
            let desc = clip(&src.descriptions[j], 400);
            index
                .query(&[("subject", &src.summaries[j]), ("description", desc)])
                .expect("schema fields")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let src = load();
    let mut index = build(&src);
    let qs = queries(&src, &index);
    // Visibility as a host would apply it: three quarters of the documents are visible.
    let visible = |k: &u64| !k.is_multiple_of(4);

    let mut g = c.benchmark_group("search_top10_100k");
    g.sample_size(20);
    let mut i = 0;
    g.bench_function("pruned", |b| {
        b.iter(|| {
            i = (i + 1) % qs.len();
            black_box(index.search_query(&qs[i], 10, visible))
        })
    });
    let mut i = 0;
    g.bench_function("exhaustive_baseline", |b| {
        b.iter(|| {
            i = (i + 1) % qs.len();
            black_box(index.search_exhaustive(&qs[i], 10, visible))
        })
    });
    g.finish();

    // Same figures as plain averages over all queries, printed side by side (wall and on-CPU).
    let per_query = |f: &dyn Fn(&Query) -> usize| {
        let (wall, cpu) = measure(&mut || {
            let mut n = 0;
            for _ in 0..4 {
                for q in &qs {
                    n += f(q);
                }
            }
            black_box(n);
        });
        let div = 4.0 * qs.len() as f64;
        (wall / div, cpu.map(|c| c / div))
    };
    let (pruned, pruned_cpu) = per_query(&|q| index.search_query(q, 10, visible).len());
    let (full, full_cpu) = per_query(&|q| index.search_exhaustive(q, 10, visible).len());
    let mut agree = 0;
    for q in &qs {
        let a: Vec<u64> = index
            .search_query(q, 10, visible)
            .iter()
            .map(|h| h.0)
            .collect();
        let b: Vec<u64> = index
            .search_exhaustive(q, 10, visible)
            .iter()
            .map(|h| h.0)
            .collect();
        agree += usize::from(a == b);
    }
    eprintln!(
        "top-10 over {DOCS} docs: pruned {pruned:.3} ms/query (on-CPU {}), exhaustive \
         {full:.3} ms/query (on-CPU {}), x{:.1}; identical top-10 on {agree}/{} queries; \
         target < 5 ms",
        fmt_cpu(pruned_cpu),
        fmt_cpu(full_cpu),
        full / pruned,
        qs.len()
    );

    let tokenizer = Tokenizer::default();
    let mut rng = Lcg(7);
    let fresh: Vec<Document<u64>> = (0..2000)
        .map(|k| synth(&src, &mut rng, DOCS as u64 + k))
        .collect();
    let tokenize = |doc: &Document<u64>| {
        let mut n = 0;
        for (_, text) in &doc.fields {
            tokenizer.tokenize_into(text, &mut |t| n += t.len());
        }
        n
    };

    // Plain averages first, on an index of exactly 100k documents: upsert of each fresh
    // document, next to tokenising the same documents alone.
    let per_doc = fresh.len() as f64 / 1e3;
    let (tok, tok_cpu) = measure(&mut || {
        let mut n = 0;
        for doc in &fresh {
            n += tokenize(doc);
        }
        black_box(n);
    });
    let (up, up_cpu) = measure(&mut || {
        for doc in &fresh {
            index.upsert(doc).expect("schema fields");
        }
    });
    eprintln!(
        "upsert of a new doc into {DOCS} docs: {:.1} µs/doc (on-CPU {} µs), tokenising alone \
         {:.1} µs/doc (on-CPU {} µs), x{:.2}; target < 50 µs",
        up / per_doc,
        fmt_cpu(up_cpu.map(|c| c / per_doc)),
        tok / per_doc,
        fmt_cpu(tok_cpu.map(|c| c / per_doc)),
        up / tok
    );
    for doc in &fresh {
        index.remove(&doc.key);
    }

    let mut g = c.benchmark_group("upsert_new_doc_100k");
    let mut next = 0usize;
    g.bench_function("upsert", |b| {
        b.iter_batched(
            || {
                let mut doc = fresh[next % fresh.len()].clone();
                doc.key = (DOCS + 10_000 + next) as u64;
                next += 1;
                doc
            },
            |doc| index.upsert(&doc).expect("schema fields"),
            BatchSize::SmallInput,
        )
    });
    let mut next = 0usize;
    g.bench_function("tokenize_only_baseline", |b| {
        b.iter(|| {
            next += 1;
            black_box(tokenize(&fresh[next % fresh.len()]))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
