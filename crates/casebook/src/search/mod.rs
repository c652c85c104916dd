//! Similar-case and known-answer search: an in-memory, incrementally updated text index.
//!
//! Documents carry an opaque key (`K`, e.g. a `u64`) and named fields (a case's subject,
//! description, diagnostics; an article's title, body, tags). Ranking is BM25F: each field has
//! its own boost and length normalisation, term frequencies are combined across fields before a
//! single saturation (`k1`). Queries are evaluated term-at-a-time with a top-k heap and
//! MaxScore-style pruning, and a caller-supplied filter applies visibility *during* retrieval,
//! so a hidden document never appears and never takes one of the `k` slots.
//!
//! The index is pure data: no I/O, no clock. Hosts rebuild it from their events at start-up
//! (`upsert` every live document) and keep it current with `upsert` / `remove`.
//!
//! ```
//! use casebook::search::{Document, FieldSpec, IndexConfig, SearchIndex};
//!
//! let config = IndexConfig::new(vec![FieldSpec::new("subject", 3.0), FieldSpec::new("body", 1.0)]);
//! let mut index: SearchIndex<u64> = SearchIndex::new(config)?;
//! index.upsert(&Document::new(1).field("subject", "NameNode crashes with NullPointerException"))?;
//! index.upsert(&Document::new(2).field("subject", "Slow DataNode heartbeat").field("body", "timeouts"))?;
//! let hits = index.search(&[("subject", "namenode NPE crash")], 10, |_key| true)?;
//! assert_eq!(hits[0].0, 1);
//! # Ok::<(), casebook::search::SearchError>(())
//! ```

mod index;
mod keys;
mod rank;
pub mod tokenize;

pub use index::SearchIndex;
pub use rank::Query;
pub use tokenize::{Tokenizer, TokenizerConfig};

/// A field of the index schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// Name used in documents and queries.
    pub name: String,
    /// Boost of a term occurrence in this field (BM25F field weight), `>= 0`.
    pub weight: f32,
    /// Length normalisation of this field, in `[0, 1]` (0: none, 1: full).
    pub b: f32,
    /// Weight of query terms taken from this field of a query, `>= 0`.
    pub query_weight: f32,
}

impl FieldSpec {
    /// A field with the given boost, `b = 0.75` and query weight 1.
    pub fn new(name: impl Into<String>, weight: f32) -> Self {
        Self {
            name: name.into(),
            weight,
            b: 0.75,
            query_weight: 1.0,
        }
    }

    /// Sets the length normalisation.
    pub fn with_b(mut self, b: f32) -> Self {
        self.b = b;
        self
    }

    /// Sets the weight of query terms that come from this field.
    pub fn with_query_weight(mut self, query_weight: f32) -> Self {
        self.query_weight = query_weight;
        self
    }
}

/// Schema and ranking parameters of a [`SearchIndex`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndexConfig {
    /// The fields (at most 255, names unique).
    pub fields: Vec<FieldSpec>,
    /// Term-frequency saturation, `> 0` (1.2 is the usual choice).
    pub k1: f32,
    /// Query-term-frequency saturation, `> 0`; large values make it linear.
    pub k3: f32,
    /// How text is turned into terms (documents and queries alike).
    pub tokenizer: TokenizerConfig,
}

impl IndexConfig {
    /// The given fields with `k1 = 1.2`, `k3 = 8` and the default tokenizer.
    pub fn new(fields: Vec<FieldSpec>) -> Self {
        Self {
            fields,
            k1: 1.2,
            k3: 8.0,
            tokenizer: TokenizerConfig::default(),
        }
    }
}

/// A document to index: a key and the text of some of the schema's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<K> {
    /// The caller's key (case id, article id, ...).
    pub key: K,
    /// `(field name, text)`; a field may appear several times (texts are concatenated).
    pub fields: Vec<(String, String)>,
}

impl<K> Document<K> {
    /// A document with no text yet.
    pub fn new(key: K) -> Self {
        Self {
            key,
            fields: Vec::new(),
        }
    }

    /// Adds text to a field.
    pub fn field(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.fields.push((name.into(), text.into()));
        self
    }
}

/// Errors of the search index.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// A document or query names a field the schema does not have.
    #[error("unknown search field `{name}`; the index has fields: {known}")]
    UnknownField {
        /// The name used.
        name: String,
        /// The schema's field names, comma-separated.
        known: String,
    },
    /// The index configuration is unusable.
    #[error("invalid search index configuration: {reason}")]
    InvalidConfig {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The index holds more documents than it can address.
    #[error("the search index is full ({max} documents); remove documents before adding more")]
    Full {
        /// Maximum number of documents.
        max: u64,
    },
}

impl SearchError {
    /// Stable snake_case code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownField { .. } => "unknown_search_field",
            Self::InvalidConfig { .. } => "invalid_search_config",
            Self::Full { .. } => "search_index_full",
        }
    }
}

#[cfg(test)]
mod tests;
