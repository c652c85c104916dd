//! The index in a snapshot's compact encoding (see `crate::snapshot`): its maps, term lists and
//! documents written field by field, postings as varint deltas, read back with every map sized
//! from its count. The schema, tokenizer and key map are not written: reading rebuilds them.

use std::hash::Hash;

use foldhash::fast::RandomState;

use super::{
    DocSlot, Map, Posting, SearchIndex, TF_BITS, TF_MASK, TermEntry, postings_capacity,
    unconfigured,
};
use crate::search::IndexConfig;
use crate::snapshot::{SectionReader, SectionWriter, SnapshotError};

fn bad(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(format!("the search index: {what}"))
}

/// Appends `v` as LEB128 (postings are written as one run of bytes per term, and read back in a
/// tight loop rather than value by value through the section reader).
fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a [`put_varint`] from the front of `bytes`.
#[inline]
fn varint(bytes: &mut &[u8]) -> Result<u32, SnapshotError> {
    let mut v = 0u32;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        v |= u32::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            *bytes = &bytes[i + 1..];
            return Ok(v);
        }
    }
    Err(bad("a posting is cut short or too large"))
}

fn write_map(w: &mut SectionWriter, map: &Map<String, u32>) {
    w.u64(map.len() as u64);
    for (k, v) in map {
        w.str(k);
        w.u64(u64::from(*v));
        w.end_record();
    }
}

fn read_map(r: &mut SectionReader<'_>) -> Result<Map<String, u32>, SnapshotError> {
    let n = r.count(2)?;
    let mut map = Map::with_capacity_and_hasher(n, RandomState::default());
    for _ in 0..n {
        let k = r.str()?;
        map.insert(k, r.u32()?);
    }
    Ok(map)
}

impl<K: Clone + Eq + Hash> SearchIndex<K> {
    /// Writes the index, each document key with `key`.
    pub(crate) fn write_snapshot(
        &self,
        w: &mut SectionWriter,
        key: impl Fn(&mut SectionWriter, &K),
    ) {
        write_map(w, &self.term_ids);
        write_map(w, &self.stems);
        w.u64(self.docs.len() as u64);
        for d in &self.docs {
            match d {
                None => w.u8(0),
                Some(d) => {
                    w.u8(1);
                    key(w, &d.key);
                    w.bytes(&d.terms);
                }
            }
            w.end_record();
        }
        w.u64(self.terms.len() as u64);
        let mut buf = Vec::new();
        for t in &self.terms {
            w.u64(u64::from(t.df));
            w.u64(t.postings.len() as u64);
            buf.clear();
            let mut prev = 0u32;
            for p in &t.postings {
                put_varint(&mut buf, p.doc.wrapping_sub(prev));
                prev = p.doc;
                put_varint(&mut buf, p.field_tf >> TF_BITS);
                put_varint(&mut buf, p.field_tf & TF_MASK);
            }
            w.bytes(&buf);
            w.end_record();
        }
        w.u64(self.lens.len() as u64);
        for (i, l) in self.lens.iter().enumerate() {
            w.u64(u64::from(*l));
            if i % 4096 == 4095 {
                w.end_record();
            }
        }
        w.end_record();
        w.u64(self.len_sums.len() as u64);
        for s in &self.len_sums {
            w.u64(*s);
        }
        w.end_record();
    }

    /// Reads an index [`SearchIndex::write_snapshot`] wrote, with the schema `config`.
    pub(crate) fn read_snapshot(
        r: &mut SectionReader<'_>,
        config: IndexConfig,
        key: impl Fn(&mut SectionReader<'_>) -> Result<K, SnapshotError>,
    ) -> Result<Self, SnapshotError> {
        let nfields = config.fields.len() as u32;
        let term_ids = read_map(r)?;
        let stems = read_map(r)?;
        let n = r.count(1)?;
        let mut docs = Vec::with_capacity(n.next_power_of_two());
        for _ in 0..n {
            docs.push(match r.u8()? {
                0 => None,
                1 => Some(DocSlot {
                    key: key(r)?,
                    terms: r.bytes()?.into(),
                }),
                _ => return Err(bad("a document flag is neither 0 nor 1")),
            });
        }
        let n = r.count(2)?;
        // Sized as growing leaves them: new terms and postings of the tail do not double a list
        // sized exactly.
        let mut terms = Vec::with_capacity(n.next_power_of_two());
        for _ in 0..n {
            let df = r.u32()?;
            let count = r.count(3)?;
            let mut postings = Vec::with_capacity(postings_capacity(count));
            let mut bytes = r.bytes()?;
            let mut doc = 0u32;
            for _ in 0..count {
                let (delta, field, tf) = (
                    varint(&mut bytes)?,
                    varint(&mut bytes)?,
                    varint(&mut bytes)?,
                );
                doc = doc
                    .checked_add(delta)
                    .filter(|&d| (d as usize) < docs.len())
                    .ok_or_else(|| bad("a posting names no document"))?;
                if field >= nfields || tf > TF_MASK {
                    return Err(bad("a posting is out of range"));
                }
                postings.push(Posting {
                    doc,
                    field_tf: (field << TF_BITS) | tf,
                });
            }
            if !bytes.is_empty() {
                return Err(bad("a term's postings have bytes left over"));
            }
            terms.push(TermEntry { postings, df });
        }
        let n = r.count(1)?;
        let mut lens = Vec::with_capacity(n.next_power_of_two());
        for _ in 0..n {
            lens.push(r.u32()?);
        }
        let n = r.count(1)?;
        let mut len_sums = Vec::with_capacity(n);
        for _ in 0..n {
            len_sums.push(r.u64()?);
        }
        let mut index = SearchIndex {
            config: unconfigured(),
            tokenizer: Default::default(),
            term_ids,
            stems,
            terms,
            docs,
            lens,
            keys: Default::default(),
            len_sums,
            scratch: Vec::new(),
            term_bytes: Vec::new(),
            cache: Default::default(),
        };
        index.restored(config).map_err(|e| bad(&e.to_string()))?;
        Ok(index)
    }
}
