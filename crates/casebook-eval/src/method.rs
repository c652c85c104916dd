//! The rankers under evaluation, both built on `casebook::search`.

use casebook::search::{Document, FieldSpec, IndexConfig, SearchIndex, TokenizerConfig};

use crate::EvalError;

use crate::BugReport;

/// Which ranker to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// One field holding summary + description, plain word tokens, BM25 (`k1 = 1.2`,
    /// `b = 0.75`): the baseline.
    PlainBm25,
    /// Casebook's similar-case configuration.
    Casebook(CasebookParams),
}

/// Parameters of [`Method::Casebook`]: BM25F over summary, description and affected versions
/// with code-aware tokens, then a mild preference for recent candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct CasebookParams {
    /// Field boost of the summary.
    pub summary_weight: f32,
    /// Field boost of the description.
    pub description_weight: f32,
    /// Field boost of the affected versions.
    pub versions_weight: f32,
    /// Length normalisation of the summary.
    pub summary_b: f32,
    /// Length normalisation of the description.
    pub description_b: f32,
    /// Weight of the query's summary terms.
    pub summary_query_weight: f32,
    /// Weight of the query's description terms.
    pub description_query_weight: f32,
    /// BM25 term-frequency saturation.
    pub k1: f32,
    /// Strength of the recency prior: `score * (1 + recency * exp(-age_days / recency_days))`.
    pub recency: f32,
    /// Time scale of the recency prior, in days.
    pub recency_days: f32,
}

impl Default for CasebookParams {
    fn default() -> Self {
        Self {
            summary_weight: 2.0,
            description_weight: 1.0,
            versions_weight: 0.5,
            summary_b: 0.5,
            description_b: 0.75,
            summary_query_weight: 2.0,
            description_query_weight: 1.0,
            k1: 1.2,
            recency: 1.0,
            recency_days: 30.0,
        }
    }
}

/// Markup keywords of tracker text that carry no meaning.
const MARKUP: &[&str] = &["code", "noformat", "quot", "nbsp", "panel", "color"];

pub(crate) struct Ranker {
    index: SearchIndex<u64>,
    method: Method,
}

impl Ranker {
    pub(crate) fn new(method: &Method) -> Result<Self, EvalError> {
        let config = match method {
            Method::PlainBm25 => {
                let mut c = IndexConfig::new(vec![FieldSpec::new("text", 1.0)]);
                c.tokenizer = TokenizerConfig::plain();
                c.k3 = 1e6;
                c
            }
            Method::Casebook(p) => {
                let mut c = IndexConfig::new(vec![
                    FieldSpec::new("summary", p.summary_weight)
                        .with_b(p.summary_b)
                        .with_query_weight(p.summary_query_weight),
                    FieldSpec::new("description", p.description_weight)
                        .with_b(p.description_b)
                        .with_query_weight(p.description_query_weight),
                    FieldSpec::new("versions", p.versions_weight).with_b(0.0),
                ]);
                c.k1 = p.k1;
                c.tokenizer.extra_stop_words = MARKUP.iter().map(|s| s.to_string()).collect();
                c
            }
        };
        Ok(Self {
            index: SearchIndex::new(config)?,
            method: method.clone(),
        })
    }

    fn fields(&self, bug: &BugReport) -> Vec<(&'static str, String)> {
        match &self.method {
            Method::Casebook(_) if self.index.config().fields.len() == 3 => vec![
                ("summary", bug.summary.clone()),
                ("description", bug.description.clone()),
                ("versions", bug.affects_versions.join(" ")),
            ],
            _ => vec![("text", format!("{}\n{}", bug.summary, bug.description))],
        }
    }

    pub(crate) fn add(&mut self, bugs: &[BugReport], i: usize) -> Result<(), EvalError> {
        let mut doc = Document::new(i as u64);
        for (name, text) in self.fields(&bugs[i]) {
            doc = doc.field(name, text);
        }
        Ok(self.index.upsert(&doc)?)
    }

    /// Candidate indices, best first, among those `visible` accepts.
    pub(crate) fn rank(
        &self,
        bugs: &[BugReport],
        q: usize,
        visible: &dyn Fn(usize) -> bool,
    ) -> Result<Vec<usize>, EvalError> {
        let fields = self.fields(&bugs[q]);
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let query = self.index.query(&borrowed)?;
        let mut hits = self
            .index
            .search_query(&query, self.index.len().max(1), |&c| visible(c as usize));
        if let Method::Casebook(p) = &self.method
            && p.recency > 0.0
        {
            let created = bugs[q].created;
            for (c, score) in &mut hits {
                let age = (created - bugs[*c as usize].created).num_minutes() as f32 / 1440.0;
                *score *= 1.0 + p.recency * (-age.max(0.0) / p.recency_days).exp();
            }
            hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        Ok(hits.into_iter().map(|(c, _)| c as usize).collect())
    }
}
