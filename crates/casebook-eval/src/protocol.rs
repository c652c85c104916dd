//! The recall-rate protocol: union-find groups, time-ordered queries, RR@k and MRR.

use std::collections::HashMap;

use chrono::Duration;
use serde::Serialize;

use crate::method::{Method, Ranker};
use crate::{BugReport, EvalError};

/// How to run an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The ranker.
    pub method: Method,
    /// Candidates are created at most this many days before the query.
    pub window_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            method: Method::Casebook(Default::default()),
            window_days: 365,
        }
    }
}

impl Config {
    /// The plain BM25 baseline with the standard 365-day window.
    pub fn plain_bm25() -> Self {
        Self {
            method: Method::PlainBm25,
            window_days: 365,
        }
    }
}

/// Recall rates and mean reciprocal rank over the queries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Number of queries (group members other than the earliest).
    pub queries: usize,
    /// Share of queries with a group member at rank 1.
    #[serde(rename = "rr@1")]
    pub rr_at_1: f64,
    /// Share of queries with a group member in the top 5.
    #[serde(rename = "rr@5")]
    pub rr_at_5: f64,
    /// Share of queries with a group member in the top 10.
    #[serde(rename = "rr@10")]
    pub rr_at_10: f64,
    /// Mean over queries of 1 / rank of the first group member (0 when none is ranked).
    pub mrr: f64,
}

/// The baseline and Casebook's ranker, measured in the same run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// Plain BM25 over summary + description.
    pub plain_bm25: Evaluation,
    /// The configured method.
    pub casebook: Evaluation,
}

/// Runs `cfg.method` and the plain BM25 baseline on the same data.
pub fn compare(
    bugs: &[BugReport],
    pairs: &[(String, String)],
    cfg: &Config,
) -> Result<Comparison, EvalError> {
    let base = Config {
        method: Method::PlainBm25,
        ..cfg.clone()
    };
    Ok(Comparison {
        plain_bm25: evaluate(bugs, pairs, &base)?,
        casebook: evaluate(bugs, pairs, cfg)?,
    })
}

/// Runs the protocol. Pair ids absent from `bugs` are ignored; a repeated bug id keeps its first
/// row. Reports are indexed in creation order, each query being ranked against the reports
/// indexed before it, so collection statistics never include the future.
pub fn evaluate(
    bugs: &[BugReport],
    pairs: &[(String, String)],
    cfg: &Config,
) -> Result<Evaluation, EvalError> {
    let mut pos: HashMap<&str, usize> = HashMap::new();
    for (i, b) in bugs.iter().enumerate() {
        pos.entry(b.id.as_str()).or_insert(i);
    }
    let mut uf = UnionFind::new(bugs.len());
    let mut linked = vec![false; bugs.len()];
    for (a, b) in pairs {
        if let (Some(&x), Some(&y)) = (pos.get(a.as_str()), pos.get(b.as_str()))
            && x != y
        {
            uf.union(x, y);
            linked[x] = true;
            linked[y] = true;
        }
    }
    // Earliest member of each group (by creation time, then row order).
    let mut earliest: HashMap<usize, usize> = HashMap::new();
    for i in (0..bugs.len()).filter(|&i| linked[i]) {
        let root = uf.find(i);
        let e = earliest.entry(root).or_insert(i);
        if (bugs[i].created, i) < (bugs[*e].created, *e) {
            *e = i;
        }
    }
    let group: Vec<Option<usize>> = (0..bugs.len())
        .map(|i| linked[i].then(|| uf.find(i)))
        .collect();
    let is_query = |i: usize| group[i].is_some_and(|g| earliest.get(&g) != Some(&i));

    let mut order: Vec<usize> = (0..bugs.len()).collect();
    order.sort_by_key(|&i| (bugs[i].created, i));
    let mut ranker = Ranker::new(&cfg.method)?;
    let window = Duration::days(cfg.window_days);
    let mut ranks: Vec<Option<usize>> = Vec::new();
    for &q in &order {
        if is_query(q) {
            let created = bugs[q].created;
            let visible =
                |c: usize| bugs[c].created < created && bugs[c].created >= created - window;
            let ranked = ranker.rank(bugs, q, &visible)?;
            ranks.push(
                ranked
                    .iter()
                    .position(|&c| group[c] == group[q])
                    .map(|r| r + 1),
            );
        }
        ranker.add(bugs, q)?;
    }
    Ok(summarise(&ranks))
}

fn summarise(ranks: &[Option<usize>]) -> Evaluation {
    let n = ranks.len();
    let share = |k: usize| {
        if n == 0 {
            0.0
        } else {
            ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count() as f64 / n as f64
        }
    };
    let mrr = if n == 0 {
        0.0
    } else {
        ranks
            .iter()
            .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
            .sum::<f64>()
            / n as f64
    };
    Evaluation {
        queries: n,
        rr_at_1: share(1),
        rr_at_5: share(5),
        rr_at_10: share(10),
        mrr,
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_date;

    fn bug(id: &str, created: &str, summary: &str) -> BugReport {
        BugReport {
            id: id.into(),
            summary: summary.into(),
            status: "Open".into(),
            priority: "Major".into(),
            resolution: String::new(),
            created: parse_date(created).unwrap(),
            resolved: None,
            affects_versions: vec![],
            description: String::new(),
        }
    }

    fn p(a: &str, b: &str) -> (String, String) {
        (a.into(), b.into())
    }

    #[test]
    fn groups_queries_window_and_ranks() {
        let bugs = vec![
            bug("1", "01/Jan/20 10:00", "namenode crash on startup"),
            bug("2", "01/Feb/20 10:00", "namenode crash at startup again"),
            bug("3", "01/Mar/20 10:00", "namenode crash startup third time"),
            bug("4", "01/Apr/20 10:00", "unrelated yarn queue"),
            bug("5", "01/Jun/22 10:00", "unrelated yarn queue problem"),
            bug("6", "02/Jun/22 10:00", "datanode disk"),
        ];
        // Group {1,2,3} via a chain and a list; group {4,5}: 5 is out of 4's window.
        let pairs = vec![p("2", "1"), p("3", "2"), p("5", "4"), p("99", "6")];
        for cfg in [Config::default(), Config::plain_bm25()] {
            let e = evaluate(&bugs, &pairs, &cfg).unwrap();
            assert_eq!(e.queries, 3);
            // Queries 2 and 3 find their group at rank 1; 5 has no candidate in its window.
            assert!((e.rr_at_1 - 2.0 / 3.0).abs() < 1e-9, "{e:?}");
            assert!((e.mrr - 2.0 / 3.0).abs() < 1e-9);
            let json = serde_json::to_value(e).unwrap();
            for key in ["queries", "rr@1", "rr@5", "rr@10", "mrr"] {
                assert!(json.get(key).is_some(), "{key} missing in {json}");
            }
        }
    }

    #[test]
    fn invalid_parameters_are_a_typed_error() {
        let bugs = vec![bug("1", "01/Jan/20 10:00", "x y")];
        let cfg = Config {
            method: Method::Casebook(crate::CasebookParams {
                summary_b: 3.0,
                ..Default::default()
            }),
            window_days: 365,
        };
        let err = evaluate(&bugs, &[], &cfg).unwrap_err();
        assert_eq!(err.code(), "invalid_parameters");
        assert!(err.to_string().contains("b must be within"), "{err}");
    }

    #[test]
    fn no_pairs_means_no_queries() {
        let bugs = vec![bug("1", "01/Jan/20 10:00", "x y")];
        let e = evaluate(&bugs, &[], &Config::default()).unwrap();
        assert_eq!(e.queries, 0);
        assert_eq!(e.mrr, 0.0);
    }
}
