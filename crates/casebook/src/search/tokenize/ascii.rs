//! The tokenizer's fast path for ASCII text (nearly every report): one pass over the bytes finds
//! each token and classifies it (joiners, digits, case), so a plain word or number is lowercased
//! and filtered without decoding characters again. Tokens that need splitting (joiners,
//! `camelCase`) go through the general code path; the terms are exactly the general path's.

use super::{MAX_PART_LEN, Tokenizer, is_stop_word};

/// Classes of a byte for [`for_each_ascii_token`]: outside a token, a letter or digit, or a
/// joiner (code punctuation that belongs to a token only between letters and digits). A table
/// keeps the scan to one load and test per byte.
const OUTSIDE: u8 = 0;
const ALNUM: u8 = 1;
const JOINER: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [OUTSIDE; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = ALNUM;
        } else if is_joiner_byte(c) {
            t[b] = JOINER;
        }
        b += 1;
    }
    t
};

const fn is_joiner_byte(b: u8) -> bool {
    matches!(
        b,
        b'.' | b'_' | b'-' | b'/' | b':' | b'$' | b'#' | b'@' | b'\\'
    )
}

/// Calls `f` with each raw token of ASCII `text`: a maximal run of letters, digits and joiners,
/// without the joiners at either end (the unit [`Tokenizer::ascii_token_terms`] turns into
/// terms). The same text always gives the same raw tokens, which lets an index cache the terms
/// of each.
pub(crate) fn for_each_ascii_token<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        while i < n && CLASS[bytes[i] as usize] == OUTSIDE {
            i += 1;
        }
        let mut start = i;
        while i < n && CLASS[bytes[i] as usize] != OUTSIDE {
            i += 1;
        }
        // Joiners at either end are not part of the token.
        let mut end = i;
        while start < end && CLASS[bytes[start] as usize] == JOINER {
            start += 1;
        }
        while end > start && CLASS[bytes[end - 1] as usize] == JOINER {
            end -= 1;
        }
        if start < end
            && let Some(raw) = text.get(start..end)
        {
            f(raw);
        }
    }
}

impl Tokenizer {
    /// [`Tokenizer::tokenize_raw`] with code tokens, for ASCII `text`.
    pub(super) fn ascii_code_tokens(&self, text: &str, emit: &mut dyn FnMut(&str, bool)) {
        for_each_ascii_token(text, |raw| self.ascii_token_terms(raw, emit));
    }

    /// The terms of one raw token of ASCII text (see [`for_each_ascii_token`]), as
    /// [`Tokenizer::tokenize_raw`] emits them.
    pub(crate) fn ascii_token_terms(&self, raw: &str, emit: &mut dyn FnMut(&str, bool)) {
        let (mut joiner, mut digit, mut upper, mut camel, mut prev_lower) =
            (false, false, false, false, false);
        for &b in raw.as_bytes() {
            joiner |= CLASS[b as usize] == JOINER;
            digit |= b.is_ascii_digit();
            let up = b.is_ascii_uppercase();
            upper |= up;
            camel |= prev_lower && up;
            prev_lower = b.is_ascii_lowercase();
        }
        if joiner || camel {
            self.code_token(raw, emit);
            return;
        }
        let len = raw.len();
        if len > MAX_PART_LEN {
            return;
        }
        let mut buf = [0u8; MAX_PART_LEN];
        let lower = if upper {
            let out = &mut buf[..len];
            out.copy_from_slice(raw.as_bytes());
            out.make_ascii_lowercase();
            match std::str::from_utf8(out) {
                Ok(s) => s,
                Err(_) => return,
            }
        } else {
            raw
        };
        if digit {
            // A number or a mixed token: kept when it has two or more characters.
            if len >= 2 {
                emit(lower, false);
            }
            return;
        }
        // A prose word: letters only.
        if len < 2 {
            return;
        }
        if self.config.stop_words && is_stop_word(lower) {
            return;
        }
        if self.config.extra_stop_words.iter().any(|w| w == lower) {
            return;
        }
        emit(lower, self.config.stem);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Tokenizer, TokenizerConfig};
    use proptest::prelude::*;

    /// Terms, each with whether it still needs stemming.
    type Terms = Vec<(String, bool)>;

    /// The terms of both paths.
    fn both(t: &Tokenizer, text: &str) -> (Terms, Terms) {
        let (mut fast, mut general) = (Vec::new(), Vec::new());
        t.ascii_code_tokens(text, &mut |w, s| fast.push((w.to_string(), s)));
        t.general_tokens(text, &mut |w, s| general.push((w.to_string(), s)));
        (fast, general)
    }

    fn tokenizers() -> Vec<Tokenizer> {
        vec![
            Tokenizer::default(),
            Tokenizer::new(TokenizerConfig {
                stem: false,
                stop_words: false,
                extra_stop_words: vec!["pdf".into(), "fails".into()],
                ..TokenizerConfig::default()
            }),
        ]
    }

    #[test]
    fn agrees_with_the_general_path_on_support_text() {
        let texts = [
            "Export to PDF fails on report 42\nOpen any report with more than 12 pages and \
             choose File > Export > PDF: the progress bar stops at 90% and the app closes.",
            "java.lang.NullPointerException at org.apache.Foo.bar(Foo.java:12)",
            "See HADOOP-1234, config in /etc/hadoop/conf on 3.3.1. -x- ..a.. _b_ a",
            "dfs_block_size getBlockLocations HTTPServer2 iPhone X 4.2.7 de-DE Windows 11",
            "A I x9 99 9 ab AB aB Ab abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab",
            "THE The the And AND fails FAILS Pdf",
            "",
            "   \t\n  ",
            "$$ @@ ## :: \\\\ a\\b c:d e@f g#h",
        ];
        for t in tokenizers() {
            for text in texts {
                let (fast, general) = both(&t, text);
                assert_eq!(fast, general, "{text:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_general_path(text in "[a-zA-Z0-9 .:_/$#@\\\\,;!?()'\"\n-]{0,120}") {
            for t in tokenizers() {
                let (fast, general) = both(&t, &text);
                prop_assert_eq!(fast, general);
            }
        }
    }
}
