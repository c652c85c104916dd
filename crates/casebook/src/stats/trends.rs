//! Trends: spikes of new cases by tag, app version, OS and error signature against their own
//! baseline (a one-sided exact binomial test with a Bonferroni correction), and clusters of
//! similar open cases that nobody has linked yet (token overlap).

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Period;
use crate::case::{Case, LinkKind};
use crate::engine::Casebook;
use crate::release::{LoopError, LoopResult};
use crate::store::Store;

/// The family-wise significance level of spike detection.
pub const ALPHA: f64 = 0.01;
/// A spike needs at least this many new cases in the period.
pub const MIN_COUNT: u64 = 3;
/// Open cases compared for clusters at most (the newest).
pub const MAX_CLUSTER_CASES: usize = 2000;
/// Token-set similarity (Jaccard) from which two open cases are alike.
pub const SIMILARITY: f64 = 0.4;

/// A value whose new cases rose beyond chance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Spike {
    /// tag, app_version, os or error.
    pub dimension: String,
    /// The value.
    pub value: String,
    /// New cases in the period.
    pub count: u64,
    /// New cases in the baseline window.
    pub baseline_count: u64,
    /// The count the baseline predicts for the period.
    pub expected: f64,
    /// The one-sided binomial p-value (before the correction).
    pub p_value: f64,
}

/// Similar open cases not linked to each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cluster {
    /// The case keys.
    pub cases: Vec<String>,
    /// Words they share.
    pub terms: Vec<String>,
}

/// What `trends` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Trends {
    /// The period.
    pub period: String,
    /// The baseline window: the `baseline_periods` periods of the same length just before.
    pub baseline: String,
    /// How many values were tested (the Bonferroni factor).
    pub tested: usize,
    /// The per-test threshold: ALPHA / tested.
    pub threshold: f64,
    /// The spikes, most significant first.
    pub spikes: Vec<Spike>,
    /// Clusters of similar unlinked open cases, largest first.
    pub clusters: Vec<Cluster>,
}

fn ln_choose(n: u64, k: u64) -> f64 {
    (1..=k)
        .map(|i| ((n - k + i) as f64).ln() - (i as f64).ln())
        .sum()
}

/// P(X ≥ k) for X ~ Binomial(n, p), summed in log space.
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    (k..=n)
        .map(|i| (ln_choose(n, i) + i as f64 * lp + (n - i) as f64 * lq).exp())
        .sum::<f64>()
        .min(1.0)
}

fn dimensions(c: &Case) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = c.tags.iter().map(|t| ("tag", t.clone())).collect();
    let d = &c.diagnostics;
    out.extend(d.app_version.clone().map(|v| ("app_version", v)));
    out.extend(d.os.clone().map(|v| ("os", v)));
    out.extend(
        d.extra
            .get("error")
            .or_else(|| d.extra.get("error_signature"))
            .cloned()
            .map(|v| ("error", v)),
    );
    out
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "from", "after", "when", "not", "are", "was",
    "but", "have", "has", "app", "our", "your", "you", "can", "its", "it's", "into", "every",
    "again", "each", "does", "doesn't", "any", "all", "some", "since", "then", "than", "there",
];

fn words(c: &Case) -> BTreeSet<String> {
    format!("{} {}", c.subject, c.description)
        .split(|ch: char| !ch.is_alphanumeric() && ch != '\'')
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .collect()
}

fn linked(a: &Case, b: &Case) -> bool {
    let l = |x: &Case, y: &Case| {
        x.links()
            .iter()
            .any(|l| l.case == Some(y.id) && l.kind != LinkKind::Defect)
    };
    l(a, b)
        || l(b, a)
        || a.links().iter().any(|la| {
            la.kind == LinkKind::Defect
                && b.links()
                    .iter()
                    .any(|lb| lb.kind == LinkKind::Defect && lb.target == la.target)
        })
}

/// The size of the intersection of two sorted lists.
fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut i = i;
    while parent[i] != r {
        let next = parent[i];
        parent[i] = r;
        i = next;
    }
    r
}

/// Op `trends`: spikes in `period` against the `baseline_periods` periods before it (default 4),
/// and clusters among the open cases.
pub fn trends<S: Store>(
    book: &Casebook<S>,
    period: &Period,
    baseline_periods: Option<u32>,
) -> LoopResult<Trends> {
    let k = i64::from(baseline_periods.unwrap_or(4));
    if !(1..=52).contains(&k) {
        return Err(LoopError::InvalidPeriod(
            "baseline_periods must be 1 to 52".into(),
        ));
    }
    let base_start = period.start() - chrono::Duration::days(period.days() * k);
    let (start, end) = (period.start(), period.end());
    let mut counts: BTreeMap<(&'static str, String), (u64, u64)> = BTreeMap::new();
    for c in book.cases().iter() {
        let t = c.created_at;
        if t < base_start || t >= end {
            continue;
        }
        for key in dimensions(c) {
            let e = counts.entry(key).or_default();
            if t >= start {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let p0 = 1.0 / (k as f64 + 1.0);
    let tested = counts.values().filter(|(w, _)| *w > 0).count();
    let threshold = ALPHA / tested.max(1) as f64;
    let mut spikes: Vec<Spike> = counts
        .into_iter()
        .filter(|(_, (w, _))| *w >= MIN_COUNT)
        .filter_map(|((dim, value), (w, b))| {
            let p = binomial_upper_tail(w, w + b, p0);
            (p < threshold).then(|| Spike {
                dimension: dim.to_string(),
                value,
                count: w,
                baseline_count: b,
                expected: b as f64 / k as f64,
                p_value: p,
            })
        })
        .collect();
    spikes.sort_by(|a, b| a.p_value.total_cmp(&b.p_value));
    let wf = book.workflow();
    let mut open: Vec<&Case> = book
        .cases()
        .iter()
        .rev()
        .filter(|c| wf.category(&c.status).is_open())
        .take(MAX_CLUSTER_CASES)
        .collect();
    open.reverse();
    let toks: Vec<BTreeSet<String>> = open.iter().map(|c| words(c)).collect();
    // Words as sorted numbers: the pairwise overlap is a merge of two short integer lists.
    let mut dict: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let ids: Vec<Vec<u32>> = toks
        .iter()
        .map(|t| {
            let mut v: Vec<u32> = t
                .iter()
                .map(|w| {
                    let n = dict.len() as u32;
                    *dict.entry(w.as_str()).or_insert(n)
                })
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    let mut parent: Vec<usize> = (0..open.len()).collect();
    for i in 0..open.len() {
        for j in i + 1..open.len() {
            let (a, b) = (&ids[i], &ids[j]);
            // Jaccard ≥ s needs the smaller set to be at least s times the larger.
            let (lo, hi) = (a.len().min(b.len()), a.len().max(b.len()));
            if (lo as f64) < SIMILARITY * hi as f64 {
                continue;
            }
            let inter = overlap(a, b);
            let union = a.len() + b.len() - inter;
            if union > 0 && inter as f64 / union as f64 >= SIMILARITY && !linked(open[i], open[j]) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..open.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|g| {
            let mut common: BTreeMap<&String, usize> = BTreeMap::new();
            for &i in &g {
                for w in &toks[i] {
                    *common.entry(w).or_default() += 1;
                }
            }
            let mut terms: Vec<(&String, usize)> =
                common.into_iter().filter(|(_, n)| *n >= 2).collect();
            terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            Cluster {
                cases: g.iter().map(|&i| book.key_of(open[i])).collect(),
                terms: terms.into_iter().take(6).map(|(w, _)| w.clone()).collect(),
            }
        })
        .collect();
    clusters.sort_by_key(|c| std::cmp::Reverse(c.cases.len()));
    Ok(Trends {
        period: period.to_string(),
        baseline: format!(
            "{}..{}",
            base_start.date_naive(),
            (start - chrono::Duration::days(1)).date_naive()
        ),
        tested,
        threshold,
        spikes,
        clusters,
    })
}
