//! Running tallies of timed iterations, and the figure/baseline table printed at the end.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Iterations and the time they took, summed over every timed call of one benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Iterations.
    pub iters: u64,
    /// Time.
    pub elapsed: Duration,
}

impl Tally {
    /// Adds one timed call.
    pub fn add(&mut self, iters: u64, elapsed: Duration) {
        self.iters += iters;
        self.elapsed += elapsed;
    }

    /// Iterations per second.
    pub fn per_sec(&self) -> f64 {
        self.iters as f64 / self.elapsed.as_secs_f64().max(1e-12)
    }

    /// Mean time per iteration.
    pub fn mean(&self) -> Duration {
        self.elapsed.div_f64(self.iters.max(1) as f64)
    }
}

struct Row {
    what: String,
    figure: String,
    baseline: String,
    ratio: String,
    target: String,
    verdict: &'static str,
}

static ROWS: Mutex<Vec<Row>> = Mutex::new(Vec::new());
static CHECK_RUN: AtomicBool = AtomicBool::new(false);

/// Marks this run as a small-scale check: figures are printed, targets are not judged.
pub fn set_check_run() {
    CHECK_RUN.store(true, Ordering::Relaxed);
}

/// Records one line of the summary. `ratio` is figure/baseline (>1 means the engine is better
/// for rates, worse for times; the caller says which in `what`).
pub fn record(
    what: &str,
    figure: String,
    baseline: String,
    ratio: f64,
    target: &str,
    met: Option<bool>,
) {
    // A small-scale check run, or nothing timed: report figures without judging them.
    let measured = !figure.starts_with("0/s") && !figure.starts_with("0.00 ");
    let met = if measured && !CHECK_RUN.load(Ordering::Relaxed) {
        met
    } else {
        None
    };
    let row = Row {
        what: what.into(),
        figure,
        baseline,
        ratio: if ratio.is_finite() {
            format!("{ratio:.2}")
        } else {
            "-".into()
        },
        target: target.into(),
        verdict: match met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "-",
        },
    };
    println!(
        "casebook-bench: {} | {} | baseline {} | ratio {} | target {} | {}",
        row.what, row.figure, row.baseline, row.ratio, row.target, row.verdict
    );
    if let Ok(mut rows) = ROWS.lock() {
        rows.push(row);
    }
}

/// Prints the whole table as Markdown.
pub fn print() {
    let Ok(rows) = ROWS.lock() else { return };
    println!("\n| measure | Casebook | baseline | ratio | target | verdict |");
    println!("|---|---|---|---|---|---|");
    for r in rows.iter() {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.what, r.figure, r.baseline, r.ratio, r.target, r.verdict
        );
    }
}

/// A rate with thousands separators, e.g. "212,345/s".
pub fn rate(per_sec: f64) -> String {
    let n = per_sec.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out}/s")
}

/// A duration in the most readable unit.
pub fn dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.2} µs", s * 1e6)
    }
}
