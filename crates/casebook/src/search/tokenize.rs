//! Tokenisation for support text: prose and the code-ish tokens that fill bug reports.
//!
//! Prose words are lowercased, stop words are dropped and the rest are stemmed (Snowball
//! English). Code-ish tokens — exception names (`java.lang.NullPointerException`), issue keys
//! (`HADOOP-1234`), paths (`/etc/hadoop/conf`), `camelCase` / `snake_case` identifiers and
//! version numbers (`3.3.1`) — are kept whole (lowercased, unstemmed) *and* split into their
//! parts, so a query can match either the exact identifier or its words.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};

mod ascii;
pub(crate) use ascii::for_each_ascii_token;

/// Longest whole code-ish token kept; longer runs (hashes, encoded blobs) are only split.
const MAX_WHOLE_LEN: usize = 80;
/// Longest single part kept.
const MAX_PART_LEN: usize = 40;

/// Characters that may occur *inside* a code-ish token besides letters and digits.
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '_' | '-' | '/' | ':' | '$' | '#' | '@' | '\\')
}

/// English stop words (a compact, commonly used list); `is_stop_word` matches exactly these.
#[cfg(test)]
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// True for an English stop word: one `match`, which compiles to a switch on the length and a
/// few comparisons (a binary search over the list cost several `memcmp` calls per word).
fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "about"
            | "above"
            | "after"
            | "again"
            | "against"
            | "all"
            | "am"
            | "an"
            | "and"
            | "any"
            | "are"
            | "as"
            | "at"
            | "be"
            | "because"
            | "been"
            | "before"
            | "being"
            | "below"
            | "between"
            | "both"
            | "but"
            | "by"
            | "can"
            | "could"
            | "did"
            | "do"
            | "does"
            | "doing"
            | "down"
            | "during"
            | "each"
            | "few"
            | "for"
            | "from"
            | "further"
            | "had"
            | "has"
            | "have"
            | "having"
            | "he"
            | "her"
            | "here"
            | "hers"
            | "herself"
            | "him"
            | "himself"
            | "his"
            | "how"
            | "i"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "itself"
            | "just"
            | "me"
            | "more"
            | "most"
            | "my"
            | "myself"
            | "no"
            | "nor"
            | "not"
            | "now"
            | "of"
            | "off"
            | "on"
            | "once"
            | "only"
            | "or"
            | "other"
            | "our"
            | "ours"
            | "ourselves"
            | "out"
            | "over"
            | "own"
            | "same"
            | "she"
            | "should"
            | "so"
            | "some"
            | "such"
            | "than"
            | "that"
            | "the"
            | "their"
            | "theirs"
            | "them"
            | "themselves"
            | "then"
            | "there"
            | "these"
            | "they"
            | "this"
            | "those"
            | "through"
            | "to"
            | "too"
            | "under"
            | "until"
            | "up"
            | "very"
            | "was"
            | "we"
            | "were"
            | "what"
            | "when"
            | "where"
            | "which"
            | "while"
            | "who"
            | "whom"
            | "why"
            | "will"
            | "with"
            | "would"
            | "you"
            | "your"
            | "yours"
            | "yourself"
            | "yourselves"
    )
}

/// Options of a [`Tokenizer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizerConfig {
    /// Apply the English Snowball stemmer to prose words.
    pub stem: bool,
    /// Drop English stop words.
    pub stop_words: bool,
    /// Keep code-ish tokens whole in addition to their parts, and split `camelCase`.
    pub code_tokens: bool,
    /// Extra words to drop (compared after lowercasing, before stemming), e.g. markup keywords.
    pub extra_stop_words: Vec<String>,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            stem: true,
            stop_words: true,
            code_tokens: true,
            extra_stop_words: Vec::new(),
        }
    }
}

impl TokenizerConfig {
    /// Plain word tokenisation: lowercase alphanumeric words, stop words dropped, stemmed, no
    /// code-ish tokens. The baseline that field-aware search is measured against.
    pub fn plain() -> Self {
        Self {
            code_tokens: false,
            ..Self::default()
        }
    }
}

/// Turns text into index terms. Cheap to clone-construct; holds a stemmer.
pub struct Tokenizer {
    config: TokenizerConfig,
    stemmer: Stemmer,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("config", &self.config)
            .finish()
    }
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new(TokenizerConfig::default())
    }
}

impl Tokenizer {
    /// A tokenizer with the given options.
    pub fn new(config: TokenizerConfig) -> Self {
        Self {
            config,
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// The options this tokenizer was built with.
    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    /// All terms of `text`, in order (duplicates kept).
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut |t| out.push(t.to_string()));
        out
    }

    /// Calls `emit` for each term of `text`, in order.
    pub fn tokenize_into(&self, text: &str, emit: &mut dyn FnMut(&str)) {
        self.tokenize_raw(text, &mut |t, stem| {
            if stem {
                emit(&self.stem(t));
            } else {
                emit(t);
            }
        });
    }

    /// Stems a lowercase English word.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.stemmer.stem(word)
    }

    /// Like [`tokenize_into`](Self::tokenize_into) but leaves stemming to the caller: `emit`
    /// receives each term and whether it still has to go through [`stem`](Self::stem). Lets
    /// an index cache stems per surface word.
    pub fn tokenize_raw(&self, text: &str, emit: &mut dyn FnMut(&str, bool)) {
        if self.ascii_fast_path(text) {
            self.ascii_code_tokens(text, emit);
        } else {
            self.general_tokens(text, emit);
        }
    }

    /// True when [`tokenize_raw`](Self::tokenize_raw) takes `text` through the ASCII fast path:
    /// then its terms are those of each raw token of [`for_each_ascii_token`] in turn, through
    /// [`ascii_token_terms`](Self::ascii_token_terms).
    pub(crate) fn ascii_fast_path(&self, text: &str) -> bool {
        self.config.code_tokens && text.is_ascii()
    }

    /// [`tokenize_raw`](Self::tokenize_raw) for any text (the ASCII fast path gives the same
    /// terms).
    fn general_tokens(&self, text: &str, emit: &mut dyn FnMut(&str, bool)) {
        if self.config.code_tokens {
            for raw in text.split(|c: char| !(c.is_alphanumeric() || is_joiner(c))) {
                let raw = raw.trim_matches(|c: char| !c.is_alphanumeric());
                if !raw.is_empty() {
                    self.code_token(raw, emit);
                }
            }
        } else {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                if !word.is_empty() {
                    self.word(word, emit);
                }
            }
        }
    }

    /// A run of letters/digits joined by code punctuation.
    fn code_token(&self, raw: &str, emit: &mut dyn FnMut(&str, bool)) {
        // One pass to classify the token.
        let (mut has_joiner, mut has_digit, mut camel, mut prev_lower) =
            (false, false, false, false);
        for c in raw.chars() {
            has_joiner |= is_joiner(c);
            has_digit |= c.is_ascii_digit();
            camel |= prev_lower && c.is_uppercase();
            prev_lower = c.is_lowercase();
        }
        if !has_joiner && !camel {
            // A plain word or number.
            if has_digit {
                self.number_or_mixed(raw, emit);
            } else {
                self.word(raw, emit);
            }
            return;
        }
        if has_joiner && raw.len() <= MAX_WHOLE_LEN {
            let mut buf = [0u8; MAX_WHOLE_LEN];
            emit(&lower_in(raw, &mut buf), false);
        }
        for part in raw.split(is_joiner).filter(|p| !p.is_empty()) {
            if part.chars().any(|c| c.is_ascii_digit()) {
                self.number_or_mixed(part, emit);
                continue;
            }
            if has_camel_case(part) {
                // The identifier itself, then its words.
                if part.len() <= MAX_PART_LEN {
                    let mut buf = [0u8; MAX_PART_LEN];
                    emit(&lower_in(part, &mut buf), false);
                }
                for sub in split_camel(part) {
                    self.word(sub, emit);
                }
            } else {
                self.word(part, emit);
            }
        }
    }

    /// A token with digits: kept lowercased when it carries information (two or more chars).
    fn number_or_mixed(&self, raw: &str, emit: &mut dyn FnMut(&str, bool)) {
        if raw.len() <= MAX_PART_LEN && raw.chars().nth(1).is_some() {
            let mut buf = [0u8; MAX_PART_LEN];
            emit(&lower_in(raw, &mut buf), false);
        }
    }

    /// A prose word: lowercased, stop-word filtered, stemmed.
    fn word(&self, word: &str, emit: &mut dyn FnMut(&str, bool)) {
        if word.len() > MAX_PART_LEN {
            return;
        }
        let mut buf = [0u8; MAX_PART_LEN];
        let lower = lower_in(word, &mut buf);
        if lower.len() < 2 && lower.is_ascii() {
            return;
        }
        if self.config.stop_words && is_stop_word(&lower) {
            return;
        }
        if self.config.extra_stop_words.iter().any(|w| *w == *lower) {
            return;
        }
        let stem = self.config.stem && lower.bytes().all(|c| c.is_ascii_alphabetic());
        emit(&lower, stem);
    }
}

/// Lowercases without allocating when the text is ASCII: borrowed when it is already
/// lowercase, else lowercased into `buf` when it fits (terms are short: every caller passes a
/// buffer as long as the longest term it keeps). Other text goes through `to_lowercase`.
fn lower_in<'a>(s: &'a str, buf: &'a mut [u8]) -> Cow<'a, str> {
    if !s.is_ascii() {
        return Cow::Owned(s.to_lowercase());
    }
    if !s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(s);
    }
    match buf.get_mut(..s.len()) {
        Some(out) => {
            out.copy_from_slice(s.as_bytes());
            out.make_ascii_lowercase();
            // ASCII stays ASCII, so this is valid UTF-8.
            std::str::from_utf8(out).map_or_else(|_| Cow::Owned(s.to_lowercase()), Cow::Borrowed)
        }
        None => Cow::Owned(s.to_ascii_lowercase()),
    }
}

/// True when a lowercase letter is followed by an uppercase one (`fooBar`, `NullPointer`).
fn has_camel_case(s: &str) -> bool {
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_uppercase() && prev_lower {
            return true;
        }
        prev_lower = c.is_lowercase();
    }
    false
}

/// Splits `NullPointerException` into `Null`, `Pointer`, `Exception`; `HTTPServer2` keeps
/// acronym runs together (`HTTP`, `Server2`).
fn split_camel(s: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (pos, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary =
            c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
        if boundary {
            parts.push(&s[start..pos]);
            start = pos;
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        Tokenizer::default().tokenize(text)
    }

    #[test]
    fn stop_word_match_agrees_with_the_list() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for w in ["namenode", "crash", "th", "abov", "yourselve", "", "x"] {
            assert!(!is_stop_word(w), "{w}");
        }
    }

    #[test]
    fn prose_is_lowercased_stemmed_and_stop_words_dropped() {
        assert_eq!(
            toks("The NameNode is Crashing when the disks are failing."),
            vec!["namenode", "name", "node", "crash", "disk", "fail"]
        );
    }

    #[test]
    fn exception_names_are_kept_whole_and_split() {
        let t = toks("java.lang.NullPointerException at Foo");
        assert_eq!(t[0], "java.lang.nullpointerexception");
        for want in [
            "java",
            "lang",
            "nullpointerexception",
            "null",
            "pointer",
            "except",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        assert!(t.contains(&"foo".to_string()));
    }

    #[test]
    fn issue_keys_paths_and_versions() {
        let t = toks("See HADOOP-1234, config in /etc/hadoop/conf on 3.3.1.");
        for want in [
            "hadoop-1234",
            "hadoop",
            "1234",
            "etc/hadoop/conf",
            "etc",
            "conf",
            "3.3.1",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        // Single-digit version parts are noise and dropped.
        assert!(!t.contains(&"3".to_string()));
    }

    #[test]
    fn snake_and_camel_case_identifiers() {
        let t = toks("dfs_block_size getBlockLocations HTTPServer2");
        for want in [
            "dfs_block_size",
            "dfs",
            "block",
            "size",
            "getblocklocations",
            "get",
            "locat",
            "httpserver2",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
    }

    #[test]
    fn query_and_document_tokenise_identically() {
        let a = toks("Error: /etc/hadoop/conf missing");
        let b = toks("/etc/hadoop/conf");
        assert!(b.iter().all(|t| a.contains(t)));
    }

    #[test]
    fn plain_mode_splits_everything() {
        let t = Tokenizer::new(TokenizerConfig::plain()).tokenize("java.lang.NullPointerException");
        assert_eq!(t, vec!["java", "lang", "nullpointerexcept"]);
    }

    #[test]
    fn lowercasing_into_a_buffer_matches_to_lowercase() {
        let mut buf = [0u8; 8];
        for s in [
            "",
            "abc",
            "ABC",
            "MiXeD1.2",
            "LONGER THAN EIGHT",
            "Größe",
            "ẞ",
            "x/Ü",
        ] {
            assert_eq!(lower_in(s, &mut buf), s.to_lowercase(), "{s}");
        }
        assert!(matches!(
            lower_in("plain", &mut buf),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn non_ascii_text_does_not_panic() {
        let t = toks("Ünïcödé größe ﬁle — 日本語 ß.ẞ x/ü");
        assert!(!t.is_empty());
        let t = toks("a.b.c/-/-/.. ::: $$ a_");
        assert!(t.iter().all(|s| !s.is_empty()));
    }
}
