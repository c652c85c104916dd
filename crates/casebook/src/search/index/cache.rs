//! The index's cache from a raw token (as [`for_each_ascii_token`] cuts it from ASCII text) to
//! the ids of its terms: support text repeats most of its words, and a hit skips classifying,
//! lowercasing, the stop words and the stem map. Bounded: when full it is emptied and fills
//! again with the words in use (its memory does not grow with the number of documents).
//!
//! A raw token's term ids never change while the index lives: its terms depend only on the
//! tokenizer, and a term keeps its id (terms are never forgotten, compaction renumbers
//! documents only). [`SearchIndex::restored`](super::SearchIndex::restored), which replaces the
//! tokenizer, empties the cache.
//!
//! [`for_each_ascii_token`]: crate::search::tokenize::for_each_ascii_token

use super::Map;

/// Raw tokens kept at most (a few thousand distinct words cover most support text).
const MAX_TOKENS: usize = 4096;
/// Term ids kept at most, over all tokens.
const MAX_IDS: usize = 4 * MAX_TOKENS;
/// Longest raw token kept (longer ones are rare: hashes, paths, blobs).
const MAX_TOKEN_LEN: usize = 64;

/// Raw token -> its term ids, in the order the tokenizer emits them (duplicates kept).
#[derive(Default)]
pub(super) struct TokenCache {
    /// The token's entry in `spans`. Keyed and valued like the index's term map, so the
    /// WebAssembly build shares that map's code instead of carrying a second copy.
    tokens: Map<String, u32>,
    /// Each token's range in `ids`: start and length.
    spans: Vec<(u32, u32)>,
    ids: Vec<u32>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("tokens", &self.tokens.len())
            .field("ids", &self.ids.len())
            .finish()
    }
}

impl TokenCache {
    /// The term ids of `raw`, when cached.
    pub(super) fn get(&self, raw: &str) -> Option<&[u32]> {
        let &span = self.tokens.get(raw)?;
        let &(start, len) = self.spans.get(span as usize)?;
        self.ids.get(start as usize..start as usize + len as usize)
    }

    /// Remembers the term ids of `raw` (emptying the cache first when it is full).
    pub(super) fn insert(&mut self, raw: &str, ids: impl ExactSizeIterator<Item = u32>) {
        let n = ids.len();
        if raw.len() > MAX_TOKEN_LEN || n > MAX_IDS {
            return;
        }
        if self.tokens.len() >= MAX_TOKENS || self.ids.len() + n > MAX_IDS {
            self.clear();
        }
        let start = self.ids.len() as u32;
        self.ids.extend(ids);
        self.tokens.insert(raw.to_string(), self.spans.len() as u32);
        self.spans.push((start, n as u32));
    }

    /// Forgets every token.
    pub(super) fn clear(&mut self) {
        self.tokens.clear();
        self.spans.clear();
        self.ids.clear();
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.tokens.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ids_per_token_and_empties_when_full() {
        let mut c = TokenCache::default();
        assert_eq!(c.get("Export"), None);
        c.insert("Export", [3].into_iter());
        c.insert("the", [].into_iter());
        c.insert("a.b", [7, 1, 7].into_iter());
        assert_eq!(c.get("Export"), Some(&[3][..]));
        assert_eq!(c.get("export"), None, "keys are the raw bytes, case kept");
        assert_eq!(c.get("the"), Some(&[][..]));
        assert_eq!(c.get("a.b"), Some(&[7, 1, 7][..]));
        c.insert(&"x".repeat(MAX_TOKEN_LEN + 1), [1].into_iter());
        assert_eq!(c.get(&"x".repeat(MAX_TOKEN_LEN + 1)), None);
        for i in 0..MAX_TOKENS {
            c.insert(&format!("w{i}"), [i as u32].into_iter());
        }
        assert!(c.len() <= MAX_TOKENS);
        assert_eq!(c.get("Export"), None, "emptied once full");
        let last = format!("w{}", MAX_TOKENS - 1);
        assert_eq!(c.get(&last), Some(&[(MAX_TOKENS - 1) as u32][..]));
    }
}
