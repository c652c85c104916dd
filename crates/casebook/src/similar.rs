//! Similar cases and known answers: a BM25F index over cases (subject, description,
//! diagnostics) and knowledge articles (title, body, tags), kept from the log by the derived
//! hook, and the `similar` operation that searches it through the visibility policy.
//! See docs/similar.md.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use foldhash::fast::RandomState;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::{Case, Diagnostics, Visibility};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::knowledge::Article;
use crate::search::{Document, FieldSpec, IndexConfig, SearchIndex};
use crate::store::Store;
use crate::view::CaseView;

/// The default number of matches.
pub const DEFAULT_LIMIT: usize = 10;
/// The most matches one request may ask for.
pub const MAX_LIMIT: usize = 50;

/// A document of the similar index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocKey {
    /// A case.
    Case(CaseId),
    /// A knowledge article.
    Article(Arc<str>),
}

/// The index schema: subject/title weighs most, diagnostics and tags least.
pub fn index_config() -> IndexConfig {
    IndexConfig::new(vec![
        FieldSpec::new("subject", 2.0)
            .with_b(0.5)
            .with_query_weight(2.0),
        FieldSpec::new("description", 1.0).with_b(0.75),
        FieldSpec::new("diagnostics", 0.5).with_b(0.0),
    ])
}

/// The derived index over cases and articles, with what makes visibility checks cheap for
/// customers: the cases people participate in. (Whether a case is shared, organisation or
/// public, is read from the case itself: a set of shared case ids cost ~34 B a case.)
#[derive(Debug, Serialize, Deserialize)]
pub struct SimilarIndex {
    index: Option<SearchIndex<DocKey>>,
    participating: HashMap<String, Vec<CaseId>, RandomState>,
}

impl Default for SimilarIndex {
    fn default() -> Self {
        Self {
            index: SearchIndex::new(index_config()).ok(),
            participating: HashMap::default(),
        }
    }
}

fn diagnostics_text(d: &Diagnostics) -> String {
    let mut s = String::new();
    for (_, v) in d.entries() {
        s.push_str(v);
        s.push('\n');
    }
    s
}

fn unavailable() -> Error {
    Error::Internal("the similar-case index could not be built".into())
}

impl SimilarIndex {
    /// The index in a snapshot's compact encoding (a section of its own).
    #[cfg(feature = "snapshots")]
    pub(crate) fn write_snapshot(&self) -> Vec<u8> {
        use crate::snapshot::SectionWriter;
        let mut w = SectionWriter::default();
        match &self.index {
            None => w.u8(0),
            Some(index) => {
                w.u8(1);
                index.write_snapshot(&mut w, |w: &mut SectionWriter, k: &DocKey| match k {
                    DocKey::Case(id) => {
                        w.u8(0);
                        w.bytes(id.0.as_bytes());
                    }
                    DocKey::Article(a) => {
                        w.u8(1);
                        w.str(a);
                    }
                });
            }
        }
        let mut people: Vec<_> = self.participating.iter().collect();
        people.sort_unstable();
        w.u64(people.len() as u64);
        for (who, cases) in people {
            w.str(who);
            w.u64(cases.len() as u64);
            for c in cases {
                w.bytes(c.0.as_bytes());
            }
            w.end_record();
        }
        w.finish()
    }

    /// Reads what [`SimilarIndex::write_snapshot`] wrote (with the index's schema and caches
    /// rebuilt).
    #[cfg(feature = "snapshots")]
    pub(crate) fn read_snapshot(
        packed: &[u8],
    ) -> std::result::Result<Self, crate::snapshot::SnapshotError> {
        use crate::snapshot::{SectionReader, SnapshotError};
        let bad = |what: &str| SnapshotError::Corrupt(format!("the similar index: {what}"));
        let case_id = |r: &mut SectionReader<'_>| {
            uuid::Uuid::from_slice(r.bytes()?)
                .map(CaseId)
                .map_err(|_| bad("an id is not 16 bytes"))
        };
        let mut r = SectionReader::new(packed);
        let index = match r.u8()? {
            0 => None,
            1 => Some(SearchIndex::read_snapshot(
                &mut r,
                index_config(),
                |r| match r.u8()? {
                    0 => Ok(DocKey::Case(case_id(r)?)),
                    1 => Ok(DocKey::Article(Arc::from(r.str()?))),
                    _ => Err(bad("an unknown document kind")),
                },
            )?),
            _ => return Err(bad("an index flag is neither 0 nor 1")),
        };
        let n = r.count(2)?;
        let mut participating = HashMap::with_capacity_and_hasher(n, RandomState::default());
        for _ in 0..n {
            let who = r.str()?;
            let k = r.count(17)?;
            let mut cases = Vec::with_capacity(k);
            for _ in 0..k {
                cases.push(case_id(&mut r)?);
            }
            participating.insert(who, cases);
        }
        r.finish()?;
        Ok(SimilarIndex {
            index,
            participating,
        })
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.index.as_ref().map_or(0, SearchIndex::len)
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn index_mut(&mut self) -> Result<&mut SearchIndex<DocKey>> {
        self.index.as_mut().ok_or_else(unavailable)
    }

    pub(crate) fn on_case_event(&mut self, new: &Case, event: &Event) -> Result<()> {
        // Only a report sets the text a case is found by; later events leave it as it is.
        if let Change::Reported { .. } = event.change {
            self.index_case(new)?;
        }
        if let Change::ParticipantAdded { participant } = &event.change {
            let list = self.participating.entry(participant.clone()).or_default();
            if !list.contains(&new.id) {
                list.push(new.id);
            }
        }
        Ok(())
    }

    /// Indexes (or re-indexes) a case: what the hook does for every report. The texts are
    /// borrowed from the case (each diagnostic value is its own text of the third field).
    pub fn index_case(&mut self, case: &Case) -> Result<()> {
        let mut texts: Vec<(usize, &str)> = Vec::with_capacity(8);
        texts.push((0, case.subject.as_str()));
        texts.push((1, case.description.as_str()));
        texts.extend(case.diagnostics.entries().map(|(_, v)| (2, v)));
        self.index_mut()?
            .upsert_texts(&DocKey::Case(case.id), &texts)
            .map_err(|e| Error::Internal(e.to_string()))
    }

    pub(crate) fn upsert_article(&mut self, a: &Article) -> Result<()> {
        let doc = Document::new(DocKey::Article(Arc::from(a.id.as_str())))
            .field("subject", a.title.as_str())
            .field("description", a.body.as_str())
            .field("diagnostics", a.tags.join("\n"));
        self.index_mut()?
            .upsert(&doc)
            .map_err(|e| Error::Internal(e.to_string()))
    }
}

/// A draft report, before it is submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// What the reporter wrote so far.
    pub description: String,
    /// The subject, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Diagnostics the host collected (app version, os, error signatures, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
}

/// One match: a case (as the viewer may see it) or an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimilarMatch {
    /// The BM25F score (higher is more similar; comparable within one answer only).
    pub score: f32,
    /// A similar case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Box<CaseView>>,
    /// A knowledge article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
}

impl<S: Store> Casebook<S> {
    /// The best matches among cases and articles the viewer may see, for a draft or for an
    /// existing case (never the case itself). Hidden documents never take a place.
    pub fn similar(
        &self,
        draft: Option<&Draft>,
        case: Option<&str>,
        limit: Option<usize>,
        viewer: &Actor,
    ) -> Result<Vec<SimilarMatch>> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("ask for 1 to {MAX_LIMIT} matches"),
            ));
        }
        let l = self.limits();
        let (subject, description, diagnostics, own) = match (draft, case) {
            (Some(d), None) => {
                crate::decide::check_len("draft.description", &d.description, l.description_bytes)?;
                if let Some(s) = &d.subject {
                    crate::decide::check_len("draft.subject", s, l.subject_bytes)?;
                }
                let diag = d
                    .diagnostics
                    .as_ref()
                    .map(diagnostics_text)
                    .unwrap_or_default();
                crate::decide::check_len("draft.diagnostics", &diag, l.diagnostics_bytes)?;
                (
                    d.subject.clone().unwrap_or_default(),
                    d.description.clone(),
                    diag,
                    None,
                )
            }
            (None, Some(r)) => {
                let c = self.find_visible(r, viewer)?;
                (
                    c.subject.clone(),
                    c.description.clone(),
                    diagnostics_text(&c.diagnostics),
                    Some(c.id),
                )
            }
            _ => {
                return Err(Error::invalid(
                    "draft",
                    "give either a \"draft\" ({\"description\":...}) or a \"case\" (CB-4), not both",
                ));
            }
        };
        let sim = &self.derived().similar;
        let index = sim.index.as_ref().ok_or_else(unavailable)?;
        let knowledge = &self.derived().knowledge;
        let staff = viewer.is_staff();
        // Staff see every case. Anyone else may only see cases they reported, take part in, or
        // that are shared (organisation or public): a cheap superset, checked exactly by the
        // policy, so the filter costs next to nothing on the many cases hidden from a customer.
        let mine: HashSet<CaseId, RandomState> = if staff {
            HashSet::default()
        } else {
            let t = self.cases();
            let mut keys = Vec::new();
            if let Some(id) = &viewer.id {
                keys.push(format!("u:{id}"));
            }
            if let Some(e) = &viewer.email {
                keys.push(format!("e:{}", e.to_lowercase()));
            }
            let mut set: HashSet<CaseId, RandomState> = keys
                .iter()
                .flat_map(|k| t.reporter_slots(k).iter().map(|&s| t.at(s).id))
                .collect();
            if let Some(k) = crate::decide::person_key(viewer) {
                set.extend(sim.participating.get(&k).into_iter().flatten().copied());
            }
            set.extend(viewer.token_case());
            set
        };
        let visible = |k: &DocKey| match k {
            DocKey::Case(id) => {
                Some(*id) != own
                    && (staff
                        || self.cases().get(*id).is_some_and(|c| {
                            (mine.contains(id) || c.visibility != Visibility::Private)
                                && self.policy().can_view(c, viewer)
                        }))
            }
            DocKey::Article(a) => knowledge.article(a).is_some_and(|a| staff || !a.internal),
        };
        let hits = index
            .search(
                &[
                    ("subject", subject.as_str()),
                    ("description", description.as_str()),
                    ("diagnostics", diagnostics.as_str()),
                ],
                limit,
                visible,
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
        hits.into_iter()
            .map(|(key, score)| {
                Ok(match key {
                    DocKey::Case(id) => {
                        let c = self.cases().get(id).ok_or_else(|| Error::NotFound {
                            reference: id.to_string(),
                        })?;
                        SimilarMatch {
                            score,
                            case: Some(Box::new(self.view_brief(c, viewer)?)),
                            article: None,
                        }
                    }
                    DocKey::Article(a) => SimilarMatch {
                        score,
                        case: None,
                        article: Some(self.article_get(&a, viewer)?),
                    },
                })
            })
            .collect()
    }
}
