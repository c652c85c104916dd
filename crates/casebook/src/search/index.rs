//! Index storage: interned terms, postings and per-document field lengths.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};
use std::hash::Hash;

use super::keys::DocKeys;

mod cache;
#[cfg(feature = "snapshots")]
mod snap;
use super::tokenize::for_each_ascii_token;
use super::{Document, IndexConfig, SearchError, Tokenizer};
use cache::TokenCache;

/// Bits of a posting's `field_tf` that hold the term frequency; the field index is above them.
pub(super) const TF_BITS: u32 = 24;
pub(super) const TF_MASK: u32 = (1 << TF_BITS) - 1;
/// Hash maps of the index: a fast, per-process-seeded hasher (indexing hashes every token).
pub(super) type Map<K, V> = HashMap<K, V, RandomState>;
/// Document ids are `u32`; ids of removed documents are reclaimed by compaction.
const MAX_DOCS: u64 = u32::MAX as u64 - 1;

/// One occurrence record: document `doc` has the term `tf` times in field `field_tf >> 24`.
/// A term's postings are sorted by `(doc, field)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u32, u32)", into = "(u32, u32)")]
pub(super) struct Posting {
    pub(super) doc: u32,
    pub(super) field_tf: u32,
}

/// A posting is kept in snapshots as a pair, without field names.
impl From<(u32, u32)> for Posting {
    fn from((doc, field_tf): (u32, u32)) -> Self {
        Posting { doc, field_tf }
    }
}

impl From<Posting> for (u32, u32) {
    fn from(p: Posting) -> Self {
        (p.doc, p.field_tf)
    }
}

impl Posting {
    pub(super) fn field(self) -> usize {
        (self.field_tf >> TF_BITS) as usize
    }
    pub(super) fn tf(self) -> u32 {
        self.field_tf & TF_MASK
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct TermEntry {
    pub(super) postings: Vec<Posting>,
    /// Number of distinct documents with the term (in any field).
    pub(super) df: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct DocSlot<K> {
    pub(super) key: K,
    /// Distinct term ids of the document, for removal: ascending, each the varint of its
    /// difference to the previous one (most take a byte or two instead of four).
    terms: Box<[u8]>,
}

/// Appends ascending term ids as varint deltas.
#[cfg(test)]
fn encode_terms(ids: &[u32]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut prev = 0u32;
    for &id in ids {
        push_delta(&mut out, id - prev);
        prev = id;
    }
    out.into_boxed_slice()
}

/// Appends one delta of a term list as a varint.
fn push_delta(out: &mut Vec<u8>, mut d: u32) {
    while d >= 0x80 {
        out.push((d as u8) | 0x80);
        d >>= 7;
    }
    out.push(d as u8);
}

/// The term ids [`encode_terms`] wrote.
fn decode_terms(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let mut at = 0;
    let mut prev = 0u32;
    std::iter::from_fn(move || {
        let mut d = 0u32;
        let mut shift = 0;
        loop {
            let b = *bytes.get(at)?;
            at += 1;
            d |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        prev += d;
        Some(prev)
    })
}

/// An in-memory BM25F index over documents keyed by `K`. Its serde form (snapshots) leaves out
/// the schema, the tokenizer and the key map: [`SearchIndex::restored`] puts them back.
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Serialize",
    deserialize = "K: Deserialize<'de> + Clone + Eq + Hash"
))]
pub struct SearchIndex<K> {
    #[serde(skip, default = "unconfigured")]
    pub(super) config: IndexConfig,
    #[serde(skip)]
    pub(super) tokenizer: Tokenizer,
    pub(super) term_ids: Map<String, u32>,
    /// Surface word -> id of its stem, so each distinct word is stemmed once.
    stems: Map<String, u32>,
    pub(super) terms: Vec<TermEntry>,
    /// Slot per internal doc id; `None` once removed (until compaction).
    pub(super) docs: Vec<Option<DocSlot<K>>>,
    /// Field lengths, `docs.len() * fields` entries.
    pub(super) lens: Vec<u32>,
    #[serde(skip)]
    keys: DocKeys,
    pub(super) len_sums: Vec<u64>,
    /// Reused buffer of `(term, field)` occurrences while indexing one document.
    #[serde(skip)]
    scratch: Vec<(u32, u32)>,
    /// Reused buffer of the document's encoded term list, copied into its slot at the end.
    #[serde(skip)]
    term_bytes: Vec<u8>,
    /// Raw token -> term ids, for ASCII text (see `cache.rs`).
    #[serde(skip)]
    cache: TokenCache,
}

/// The schema of an index read back before [`SearchIndex::restored`] gives it its own.
fn unconfigured() -> IndexConfig {
    IndexConfig::new(Vec::new())
}

impl<K: Clone + Eq + Hash> SearchIndex<K> {
    /// An empty index with the given schema.
    pub fn new(config: IndexConfig) -> Result<Self, SearchError> {
        validate(&config)?;
        let nfields = config.fields.len();
        Ok(Self {
            tokenizer: Tokenizer::new(config.tokenizer.clone()),
            config,
            term_ids: Map::default(),
            stems: Map::default(),
            terms: Vec::new(),
            docs: Vec::new(),
            lens: Vec::new(),
            keys: DocKeys::default(),
            len_sums: vec![0; nfields],
            scratch: Vec::new(),
            term_bytes: Vec::new(),
            cache: TokenCache::default(),
        })
    }

    /// After deserializing: takes the schema (which must have as many fields as the index
    /// was built with) and rebuilds the tokenizer and the key map from the documents.
    pub fn restored(&mut self, config: IndexConfig) -> Result<(), SearchError> {
        validate(&config)?;
        let nfields = config.fields.len();
        if self.len_sums.len() != nfields || self.lens.len() != self.docs.len() * nfields {
            return Err(SearchError::InvalidConfig {
                reason: format!(
                    "the stored index has {} fields, the schema {nfields}",
                    self.len_sums.len()
                ),
            });
        }
        self.tokenizer = Tokenizer::new(config.tokenizer.clone());
        self.cache.clear();
        self.config = config;
        self.keys.rebuild(&self.docs);
        Ok(())
    }

    /// The configuration the index was built with.
    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.keys.len() == 0
    }

    /// True when a document with this key is indexed.
    pub fn contains(&self, key: &K) -> bool {
        self.keys.get(&self.docs, key).is_some()
    }

    /// Number of distinct terms ever interned (terms are not forgotten on removal).
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    /// Index of a field by name.
    pub(super) fn field_index(&self, name: &str) -> Result<usize, SearchError> {
        self.config
            .fields
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| SearchError::UnknownField {
                name: name.to_string(),
                known: self.field_names(),
            })
    }

    /// Adds a document, replacing any document with the same key.
    pub fn upsert(&mut self, doc: &Document<K>) -> Result<(), SearchError> {
        // Validate every field before changing anything.
        let mut texts = Vec::with_capacity(doc.fields.len());
        for (name, text) in &doc.fields {
            texts.push((self.field_index(name)?, text.as_str()));
        }
        self.upsert_texts(&doc.key, &texts)
    }

    /// As [`upsert`](Self::upsert), with borrowed texts given by field index (`(field, text)`,
    /// a field may repeat: its texts are concatenated). The indexing hot path: no copies of the
    /// text and no allocations beyond the index's own growth.
    pub fn upsert_texts(&mut self, key: &K, texts: &[(usize, &str)]) -> Result<(), SearchError> {
        let nfields = self.config.fields.len();
        if let Some(&(field, _)) = texts.iter().find(|(f, _)| *f >= nfields) {
            return Err(SearchError::UnknownField {
                name: format!("#{field}"),
                known: self.field_names(),
            });
        }
        self.remove(key);
        if self.docs.len() as u64 >= MAX_DOCS {
            self.compact();
            if self.docs.len() as u64 >= MAX_DOCS {
                return Err(SearchError::Full { max: MAX_DOCS });
            }
        }
        let doc_id = self.docs.len() as u32;
        // (term id, field) of every token, sorted and counted so postings are appended in order.
        let mut occurrences = std::mem::take(&mut self.scratch);
        occurrences.clear();
        let base = self.lens.len();
        self.lens.resize(base + nfields, 0);
        for &(field, text) in texts {
            let Self {
                tokenizer,
                term_ids,
                terms,
                stems,
                cache,
                ..
            } = self;
            let tokenizer: &Tokenizer = tokenizer;
            let field32 = field as u32;
            let before = occurrences.len();
            let mut term_id = |term: &str, stem: bool| -> u32 {
                if !stem {
                    return intern(term_ids, terms, term);
                }
                if let Some(&id) = stems.get(term) {
                    return id;
                }
                // Stemming is the costliest step of indexing: do it once per surface word.
                let id = intern(term_ids, terms, &tokenizer.stem(term));
                stems.insert(term.to_string(), id);
                id
            };
            if tokenizer.ascii_fast_path(text) {
                // Most words repeat: their term ids come from the cache.
                for_each_ascii_token(text, |raw| {
                    if let Some(ids) = cache.get(raw) {
                        occurrences.extend(ids.iter().map(|&id| (id, field32)));
                        return;
                    }
                    let first = occurrences.len();
                    tokenizer.ascii_token_terms(raw, &mut |term, stem| {
                        occurrences.push((term_id(term, stem), field32));
                    });
                    cache.insert(raw, occurrences[first..].iter().map(|&(id, _)| id));
                });
            } else {
                tokenizer.tokenize_raw(text, &mut |term, stem| {
                    occurrences.push((term_id(term, stem), field32));
                });
            }
            let added = u32::try_from(occurrences.len() - before).unwrap_or(u32::MAX);
            let len = &mut self.lens[base + field];
            *len = len.saturating_add(added);
        }
        occurrences.sort_unstable();
        let mut term_bytes = std::mem::take(&mut self.term_bytes);
        term_bytes.clear();
        let mut last: Option<u32> = None;
        for run in occurrences.chunk_by(|a, b| a == b) {
            let (term, field) = run[0];
            let tf = run.len() as u32;
            let entry = &mut self.terms[term as usize];
            if last != Some(term) {
                push_delta(&mut term_bytes, term - last.unwrap_or(0));
                last = Some(term);
                entry.df += 1;
            }
            grow_postings(&mut entry.postings);
            entry.postings.push(Posting {
                doc: doc_id,
                field_tf: (field << TF_BITS) | tf.min(TF_MASK),
            });
        }
        self.scratch = occurrences;
        for (sum, &l) in self.len_sums.iter_mut().zip(&self.lens[base..]) {
            *sum += u64::from(l);
        }
        self.docs.push(Some(DocSlot {
            key: key.clone(),
            terms: Box::from(term_bytes.as_slice()),
        }));
        self.term_bytes = term_bytes;
        self.keys.insert(&self.docs, doc_id);
        Ok(())
    }

    fn field_names(&self) -> String {
        self.config
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Removes the document with this key; returns whether it was indexed.
    pub fn remove(&mut self, key: &K) -> bool {
        let Some(doc_id) = self.keys.remove(&self.docs, key) else {
            return false;
        };
        let Some(slot) = self.docs[doc_id as usize].take() else {
            return false;
        };
        for term in decode_terms(&slot.terms) {
            let entry = &mut self.terms[term as usize];
            let start = entry.postings.partition_point(|p| p.doc < doc_id);
            let end = start + entry.postings[start..].partition_point(|p| p.doc == doc_id);
            entry.postings.drain(start..end);
            entry.df = entry.df.saturating_sub(1);
        }
        let nfields = self.config.fields.len();
        let base = doc_id as usize * nfields;
        for f in 0..nfields {
            self.len_sums[f] -= u64::from(self.lens[base + f]);
            self.lens[base + f] = 0;
        }
        let dead = self.docs.len() - self.keys.len();
        if dead > 1024 && dead > self.keys.len() {
            self.compact();
        }
        true
    }

    /// Renumbers documents densely, dropping the slots of removed documents.
    fn compact(&mut self) {
        let nfields = self.config.fields.len();
        let mut remap = vec![u32::MAX; self.docs.len()];
        let mut docs = Vec::with_capacity(self.keys.len());
        let mut lens = Vec::with_capacity(self.keys.len() * nfields);
        for (old, slot) in std::mem::take(&mut self.docs).into_iter().enumerate() {
            if let Some(slot) = slot {
                remap[old] = docs.len() as u32;
                lens.extend_from_slice(&self.lens[old * nfields..(old + 1) * nfields]);
                docs.push(Some(slot));
            }
        }
        // Renumbering is monotonic, so postings stay sorted.
        for entry in &mut self.terms {
            for p in &mut entry.postings {
                p.doc = remap[p.doc as usize];
            }
        }
        self.docs = docs;
        self.lens = lens;
        self.keys.rebuild(&self.docs);
    }

    /// Average length of each field over the live documents (at least a tiny positive value).
    pub(super) fn avg_lens(&self) -> Vec<f32> {
        let n = self.keys.len().max(1) as f64;
        self.len_sums
            .iter()
            .map(|&s| ((s as f64 / n) as f32).max(1e-3))
            .collect()
    }
}

/// The id of `term`, interned when new.
fn intern(term_ids: &mut Map<String, u32>, terms: &mut Vec<TermEntry>, term: &str) -> u32 {
    match term_ids.get(term) {
        Some(&id) => id,
        None => {
            let id = terms.len() as u32;
            term_ids.insert(term.to_string(), id);
            terms.push(TermEntry::default());
            id
        }
    }
}

/// Up to this many postings, a term's list grows by exactly one: most terms (numbers, names,
/// typos) occur in a document or two, and a doubling vector would keep room for four postings
/// after the first. Longer lists grow by doubling, so indexing stays linear.
const EXACT_POSTINGS: usize = 8;

/// The capacity [`grow_postings`] leaves a list of `len` postings with, so a list restored from a
/// snapshot has the room a replayed one has (one sized exactly would double on its next posting).
#[cfg(feature = "snapshots")]
pub(super) fn postings_capacity(len: usize) -> usize {
    if len < EXACT_POSTINGS {
        len
    } else {
        len.next_power_of_two()
    }
}

/// Makes room for one more posting.
fn grow_postings(postings: &mut Vec<Posting>) {
    let n = postings.len();
    if n == postings.capacity() {
        if n < EXACT_POSTINGS {
            postings.reserve_exact(1);
        } else {
            postings.reserve(n);
        }
    }
}

fn validate(config: &IndexConfig) -> Result<(), SearchError> {
    let bad = |reason: String| Err(SearchError::InvalidConfig { reason });
    if config.fields.is_empty() {
        return bad("the index needs at least one field".into());
    }
    if config.fields.len() > 255 {
        return bad(format!(
            "{} fields given; at most 255 are supported",
            config.fields.len()
        ));
    }
    for (i, f) in config.fields.iter().enumerate() {
        if config.fields[..i].iter().any(|g| g.name == f.name) {
            return bad(format!("field `{}` is declared twice", f.name));
        }
        if !(f.weight.is_finite() && f.weight >= 0.0) {
            return bad(format!(
                "field `{}` weight must be a finite number >= 0",
                f.name
            ));
        }
        if !(f.query_weight.is_finite() && f.query_weight >= 0.0) {
            return bad(format!(
                "field `{}` query weight must be a finite number >= 0",
                f.name
            ));
        }
        if !(0.0..=1.0).contains(&f.b) {
            return bad(format!("field `{}` b must be within [0, 1]", f.name));
        }
    }
    if !(config.k1.is_finite() && config.k1 > 0.0) {
        return bad("k1 must be a finite number > 0 (1.2 is usual)".into());
    }
    if !(config.k3.is_finite() && config.k3 > 0.0) {
        return bad("k3 must be a finite number > 0".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_lists_round_trip() {
        let lists: [&[u32]; 5] = [
            &[],
            &[0],
            &[0, 1, 127, 128, 129, 16_383, 16_384, 2_000_000],
            &[5, u32::MAX - 1, u32::MAX],
            &[u32::MAX],
        ];
        for ids in lists {
            let encoded = encode_terms(ids);
            assert_eq!(decode_terms(&encoded).collect::<Vec<_>>(), ids);
        }
        assert_eq!(encode_terms(&[1, 2, 3]).len(), 3);
    }

    /// Each term with its postings and document frequency, in term order.
    type TermPostings = Vec<(String, Vec<(u32, u32)>, u32)>;

    fn postings(index: &SearchIndex<u64>) -> TermPostings {
        let mut out: Vec<_> = index
            .term_ids
            .iter()
            .map(|(term, &id)| {
                let entry = &index.terms[id as usize];
                let list = entry.postings.iter().map(|&p| p.into()).collect();
                (term.clone(), list, entry.df)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn cached_token_terms_index_like_fresh_ones() {
        let config = IndexConfig::new(vec![
            super::super::FieldSpec::new("subject", 3.0),
            super::super::FieldSpec::new("body", 1.0),
        ]);
        let texts = [
            (
                "Export fails",
                "The export fails with ERR_EXPORT_42 on v5.2.1 exporting reports",
            ),
            (
                "export FAILS again",
                "exports failing: see C:\\logs\\app.log and getUserName()",
            ),
            (
                "Crash on start",
                "the app crashes; the crash log says NullPointer at Foo.bar",
            ),
            (
                "Réglages perdus",
                "les réglages sont perdus après la mise à jour (export)",
            ),
            (
                "crash",
                "Crash crash CRASHES, started after 5.2 -- the the a an",
            ),
        ];
        let mut cached = SearchIndex::new(config.clone()).unwrap();
        let mut fresh = SearchIndex::new(config).unwrap();
        for round in 0..3u64 {
            for (i, (subject, body)) in texts.iter().enumerate() {
                let key = round * 10 + i as u64;
                cached
                    .upsert_texts(&key, &[(0, subject), (1, body)])
                    .unwrap();
                fresh.cache.clear();
                fresh
                    .upsert_texts(&key, &[(0, subject), (1, body)])
                    .unwrap();
            }
        }
        assert!(cached.cache.len() > 0, "the cache was used");
        assert_eq!(postings(&cached), postings(&fresh));
        assert_eq!(cached.lens, fresh.lens);
        assert_eq!(cached.len_sums, fresh.len_sums);
    }
}
