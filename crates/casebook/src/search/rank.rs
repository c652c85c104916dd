//! BM25F ranking: term-at-a-time scoring with a top-k selection and MaxScore-style pruning.

use std::collections::HashMap;
use std::hash::Hash;

use super::SearchError;
use super::index::{Posting, SearchIndex};

/// A tokenised, weighted query. Build it once with [`SearchIndex::query`] and run it as often
/// as needed with [`SearchIndex::search_query`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// `(term, weight)`, terms distinct, weights already saturated.
    terms: Vec<(String, f32)>,
}

impl Query {
    /// The weighted terms of the query.
    pub fn terms(&self) -> &[(String, f32)] {
        &self.terms
    }

    /// True when the query has no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// A query term resolved against the index.
struct QTerm<'a> {
    postings: &'a [Posting],
    /// `query weight * idf * (k1 + 1)`: also the term's maximal contribution.
    upper: f32,
}

const UNSEEN: u8 = 0;
const VISIBLE: u8 = 1;
const HIDDEN: u8 = 2;

impl<K: Clone + Eq + Hash> SearchIndex<K> {
    /// Tokenises `(field, text)` pairs into a query. A term's weight is the sum over the query
    /// fields of `query_weight * tf`, saturated with `k3`.
    pub fn query(&self, fields: &[(&str, &str)]) -> Result<Query, SearchError> {
        let mut weights: HashMap<String, f32> = HashMap::new();
        for (name, text) in fields {
            let field = self.field_index(name)?;
            let qw = self.config.fields[field].query_weight;
            self.tokenizer.tokenize_into(text, &mut |t| {
                if let Some(w) = weights.get_mut(t) {
                    *w += qw;
                } else {
                    weights.insert(t.to_string(), qw);
                }
            });
        }
        let k3 = self.config.k3;
        let mut terms: Vec<(String, f32)> = weights
            .into_iter()
            .filter(|(_, w)| *w > 0.0)
            .map(|(t, w)| (t, w * (k3 + 1.0) / (k3 + w)))
            .collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Query { terms })
    }

    /// The `k` best documents for a query given as `(field, text)` pairs, best first, among the
    /// documents for which `filter(key)` is true. Documents matching no query term are never
    /// returned. Hidden documents neither appear nor take any of the `k` places.
    pub fn search<F: Fn(&K) -> bool>(
        &self,
        fields: &[(&str, &str)],
        k: usize,
        filter: F,
    ) -> Result<Vec<(K, f32)>, SearchError> {
        let query = self.query(fields)?;
        Ok(self.search_query(&query, k, filter))
    }

    /// As [`search`](Self::search), for a prepared query.
    pub fn search_query<F: Fn(&K) -> bool>(
        &self,
        query: &Query,
        k: usize,
        filter: F,
    ) -> Vec<(K, f32)> {
        self.run(query, k, &filter, true)
    }

    /// Scores every matching document without pruning and sorts them all: the reference that
    /// the pruned [`search_query`](Self::search_query) is checked and benchmarked against.
    pub fn search_exhaustive<F: Fn(&K) -> bool>(
        &self,
        query: &Query,
        k: usize,
        filter: F,
    ) -> Vec<(K, f32)> {
        self.run(query, k, &filter, false)
    }

    fn resolve<'a>(&'a self, query: &Query) -> Vec<QTerm<'a>> {
        let n = self.len() as f32;
        let k1 = self.config.k1;
        let mut out: Vec<QTerm<'a>> = query
            .terms
            .iter()
            .filter_map(|(t, w)| {
                let entry = &self.terms[*self.term_ids.get(t)? as usize];
                if entry.df == 0 {
                    return None;
                }
                let df = entry.df as f32;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                Some(QTerm {
                    postings: &entry.postings,
                    upper: w * idf * (k1 + 1.0),
                })
            })
            .collect();
        // Most valuable terms first; ties broken by list length for determinism of work.
        out.sort_by(|a, b| {
            b.upper
                .total_cmp(&a.upper)
                .then(a.postings.len().cmp(&b.postings.len()))
        });
        out
    }

    fn run(
        &self,
        query: &Query,
        k: usize,
        filter: &dyn Fn(&K) -> bool,
        prune: bool,
    ) -> Vec<(K, f32)> {
        if k == 0 || self.is_empty() {
            return Vec::new();
        }
        let qterms = self.resolve(query);
        let nfields = self.config.fields.len();
        let k1 = self.config.k1;
        let avg = self.avg_lens();
        let weights: Vec<f32> = self.config.fields.iter().map(|f| f.weight).collect();
        let b: Vec<f32> = self.config.fields.iter().map(|f| f.b).collect();
        let b_over_avg: Vec<f32> = b.iter().zip(&avg).map(|(b, a)| b / a).collect();
        // Pseudo term frequency of one document's run of postings.
        let tf_tilde = |run: &[Posting]| -> f32 {
            let doc = run[0].doc as usize;
            run.iter()
                .map(|p| {
                    let f = p.field();
                    let len = self.lens[doc * nfields + f] as f32;
                    weights[f] * p.tf() as f32 / (1.0 - b[f] + b_over_avg[f] * len)
                })
                .sum()
        };
        let mut remaining: Vec<f32> = vec![0.0; qterms.len() + 1];
        for i in (0..qterms.len()).rev() {
            remaining[i] = remaining[i + 1] + qterms[i].upper;
        }
        let mut acc = vec![0.0f32; self.docs.len()];
        let mut state = vec![UNSEEN; self.docs.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut threshold = f32::NEG_INFINITY;
        let mut max_acc = 0.0f32;
        for (i, qt) in qterms.iter().enumerate() {
            let scale = qt.upper;
            let contribution = |run: &[Posting]| {
                let t = tf_tilde(run);
                scale * t / (k1 + t)
            };
            let open = !prune || threshold <= remaining[i];
            if open {
                // Any document may still reach the top k: score the whole list.
                for run in qt.postings.chunk_by(|a, b| a.doc == b.doc) {
                    let doc = run[0].doc as usize;
                    if state[doc] == UNSEEN {
                        let visible = self.docs[doc].as_ref().is_some_and(|s| filter(&s.key));
                        state[doc] = if visible { VISIBLE } else { HIDDEN };
                        if visible {
                            touched.push(doc as u32);
                        }
                    }
                    if state[doc] == VISIBLE {
                        acc[doc] += contribution(run);
                        max_acc = max_acc.max(acc[doc]);
                    }
                }
            } else if touched.len() * 8 < qt.postings.len() {
                // Only current candidates can still make it: look them up in the list.
                for &doc in &touched {
                    let start = qt.postings.partition_point(|p| p.doc < doc);
                    let len = qt.postings[start..].partition_point(|p| p.doc == doc);
                    if len > 0 {
                        acc[doc as usize] += contribution(&qt.postings[start..start + len]);
                    }
                }
            } else {
                for run in qt.postings.chunk_by(|a, b| a.doc == b.doc) {
                    let doc = run[0].doc as usize;
                    if state[doc] == VISIBLE {
                        acc[doc] += contribution(run);
                    }
                }
            }
            if prune && max_acc >= remaining[i + 1] && touched.len() >= k {
                // The k-th best partial score is a lower bound of the final k-th score.
                threshold = threshold.max(kth_largest(&touched, &acc, k));
                if threshold >= remaining[i + 1] {
                    let rest = remaining[i + 1];
                    touched.retain(|&d| {
                        let keep = acc[d as usize] + rest >= threshold;
                        if !keep {
                            state[d as usize] = HIDDEN;
                        }
                        keep
                    });
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = touched.iter().map(|&d| (d, acc[d as usize])).collect();
        let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > k {
            ranked.select_nth_unstable_by(k - 1, by_score);
            ranked.truncate(k);
        }
        ranked.sort_unstable_by(by_score);
        ranked
            .into_iter()
            .filter_map(|(d, s)| Some((self.docs[d as usize].as_ref()?.key.clone(), s)))
            .collect()
    }
}

/// The k-th largest accumulated score among `docs` (`docs.len() >= k >= 1`).
fn kth_largest(docs: &[u32], acc: &[f32], k: usize) -> f32 {
    let mut scores: Vec<f32> = docs.iter().map(|&d| acc[d as usize]).collect();
    let (_, kth, _) = scores.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    *kth
}
