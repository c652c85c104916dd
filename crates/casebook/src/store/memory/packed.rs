//! How [`MemoryStore`](super::MemoryStore) keeps a payload: a small LZ77 code against a fixed
//! dictionary of the JSON that events are made of (keys, enum names, the shape of a report) and
//! against the payload itself. An in-memory casebook holds its whole log, and most of an event's
//! bytes are its structure, repeated in every event: a report's keys, its status and channel
//! names, the reporter's id again in the actor, a derived subject again as the description's
//! first line. Free text that occurs once stays as it is (literal bytes).
//!
//! A packed payload is a sequence of tokens, each a varint `head` whose two low bits say what
//! follows and whose other bits are a length:
//! - `0`: `len` literal bytes;
//! - `1`: a varint offset: copy `len` bytes of the dictionary from there;
//! - `2`: a varint distance: copy `len` bytes from that far back in the output (may overlap).
//!
//! Packing never fails; unpacking checks every length and offset, so a damaged buffer is an
//! error, never a panic.

use std::sync::LazyLock;

/// The shapes that events' JSON repeats. Only a compression hint: any payload packs and unpacks
/// to itself, whether or not it looks like this.
const DICTIONARY: &str = concat!(
    r#""change":{"commented":{"id":"","body":"","internal":false,"original":""}}}"#,
    r#""change":{"transitioned":{"from":"new","to":"open","name":"","outcome":{"kind":"fixed","version":""}}}}"#,
    r#""change":{"assigned":{"assignee":"","team":""}}},"change":{"tagged":{"added":[""],"removed":[]}}}"#,
    r#""change":{"priority_changed":{"from":"normal","to":"high"}}},"change":{"voted":{"voter":""}}}"#,
    r#""change":{"linked":{"link":{"kind":"duplicate_of","target":"","case":""}}}}"#,
    r#""change":{"watched":{"watcher":"","on":true}}},"change":{"participant_added":{"participant":""}}}"#,
    r#""change":{"promised":{"commitment":{"number":1,"text":"","target_release":"","due":"","made_at":"","state":"open"}}}}"#,
    r#""change":{"rule_fired":{"rule":"","trigger":"","episode":""}}},"change":{"flag_set":{"rule":"","flag":""}}}"#,
    r#""change":{"notification_requested":{"rule":"","to":"","message":""}}}"#,
    r#""change":{"visibility_changed":{"visibility":"organization","show_reporter":false}}}"#,
    r#""change":{"token_issued":{"nonce":""}}},"change":{"token_revoked":{"nonce":""}}}"#,
    r#""change":{"promise_broken":{"number":1}}},"change":{"promise_kept":{"number":1,"release":""}}}"#,
    r#""change":{"fix_shipped":{"version":"","date":""}}},"change":{"fix_confirmed":{"works":true,"comment":""}}}"#,
    r#""change":{"rated":{"solve":1,"good":true,"comment":""}}},"change":{"reporter_merged":{"user":"","name":""}}}"#,
    r#""waiting_on_customer","resolved","closed","in_progress","urgent","low","public","#,
    r#""email","phone","chat","agent_on_behalf","api","agent","admin","system","email":"","name":"","#,
    r#""tags":[""],"attachments":[{"name":"","type":"image/png","size":1,"reference":""}],"device":"","#,
    r#""logged_by":"","reporter":{"user":"","email":"","name":""},"en-US","macOS","Linux","Windows 10","#,
    r#"{"case":"","seq":1,"at":"2026-01-01T00:00:00.000Z","actor":{"role":"customer","id":"","org":""},"#,
    r#""change":{"reported":{"number":1,"reporter":{"user":""},"org":"","channel":"widget","#,
    r#""subject":"","subject_derived":true,"description":"","#,
    r#""diagnostics":{"app_version":"","os":"Windows 11","locale":"de-DE"},"#,
    r#""priority":"normal","status":"new","visibility":"private"}}}"#,
);

/// Bits of the dictionary's hash-table index (4-byte sequences hash into `1 << bits` slots).
const HASH_BITS: u32 = 12;
/// Bits of the per-payload table's index (payloads are short).
const OWN_BITS: u32 = 10;
/// The shortest copy worth a token (a shorter one costs about as much as the literal bytes).
const MIN_MATCH: usize = 4;
const EMPTY: u32 = u32::MAX;

const LITERAL: u64 = 0;
const FROM_DICTIONARY: u64 = 1;
const FROM_OUTPUT: u64 = 2;

/// The dictionary's hash table: the last position of each hashed 4-byte sequence.
static DICTIONARY_TABLE: LazyLock<Vec<u32>> = LazyLock::new(|| {
    let dict = DICTIONARY.as_bytes();
    let mut table = vec![EMPTY; 1 << HASH_BITS];
    for i in 0..dict.len().saturating_sub(MIN_MATCH - 1) {
        table[hash(&dict[i..], HASH_BITS)] = i as u32;
    }
    table
});

fn hash(bytes: &[u8], bits: u32) -> usize {
    let v = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    (v.wrapping_mul(2_654_435_761) >> (32 - bits)) as usize
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(buf: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

fn flush_literals(out: &mut Vec<u8>, literals: &[u8]) {
    if !literals.is_empty() {
        put_varint(out, ((literals.len() as u64) << 2) | LITERAL);
        out.extend_from_slice(literals);
    }
}

/// Packs a payload.
pub(super) fn pack(text: &str) -> Box<[u8]> {
    let input = text.as_bytes();
    let dict = DICTIONARY.as_bytes();
    let dict_table = &*DICTIONARY_TABLE;
    let mut own = [EMPTY; 1 << OWN_BITS];
    let mut out = Vec::with_capacity(input.len() / 2 + 8);
    let mut literal_start = 0;
    let mut i = 0;
    // Consecutive positions without a match: inside free text, probe less and less often (a
    // match found later still ends the run), so packing costs little where nothing repeats.
    let mut misses = 0usize;
    while i + MIN_MATCH <= input.len() {
        let rest = &input[i..];
        let h = hash(rest, OWN_BITS);
        let mut best: Option<(u64, u64, usize)> = None;
        if let Some(&d) = dict_table
            .get(hash(rest, HASH_BITS))
            .filter(|&&d| d != EMPTY)
        {
            let len = common_prefix(&dict[d as usize..], rest);
            if len >= MIN_MATCH {
                best = Some((FROM_DICTIONARY, u64::from(d), len));
            }
        }
        let p = own[h];
        own[h] = i as u32;
        if p != EMPTY {
            let len = common_prefix(&input[p as usize..], rest);
            if len >= MIN_MATCH && best.is_none_or(|(_, _, l)| len > l) {
                best = Some((FROM_OUTPUT, (i - p as usize) as u64, len));
            }
        }
        match best {
            Some((kind, at, len)) => {
                flush_literals(&mut out, &input[literal_start..i]);
                put_varint(&mut out, ((len as u64) << 2) | kind);
                put_varint(&mut out, at);
                i += len;
                literal_start = i;
                misses = 0;
            }
            None => {
                misses += 1;
                i += 1 + (misses >> 3);
            }
        }
    }
    flush_literals(&mut out, &input[literal_start..]);
    out.into_boxed_slice()
}

/// Unpacks a payload; `None` when the buffer is damaged.
pub(super) fn unpack(packed: &[u8]) -> Option<String> {
    let dict = DICTIONARY.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(packed.len() * 3);
    let mut at = 0;
    while at < packed.len() {
        let head = get_varint(packed, &mut at)?;
        let len = usize::try_from(head >> 2).ok()?;
        match head & 3 {
            LITERAL => {
                let end = at.checked_add(len)?;
                out.extend_from_slice(packed.get(at..end)?);
                at = end;
            }
            FROM_DICTIONARY => {
                let from = usize::try_from(get_varint(packed, &mut at)?).ok()?;
                out.extend_from_slice(dict.get(from..from.checked_add(len)?)?);
            }
            FROM_OUTPUT => {
                let distance = usize::try_from(get_varint(packed, &mut at)?).ok()?;
                let from = out.len().checked_sub(distance).filter(|_| distance > 0)?;
                // The copy may overlap what it writes (a run): byte by byte.
                for k in from..from.checked_add(len)? {
                    out.push(out[k]);
                }
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_of_any_shape() {
        let long = "abc".repeat(1000);
        let samples = [
            "",
            "a",
            "abcd",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            r#"{"case":"x","seq":1}"#,
            "ääääääääääääääää 日本語のテキスト 日本語のテキスト",
            long.as_str(),
            DICTIONARY,
        ];
        for s in samples {
            assert_eq!(unpack(&pack(s)).as_deref(), Some(s), "{s}");
        }
    }

    #[test]
    fn round_trips_pseudo_random_text() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in 0..300 {
            let text: String = (0..n * 7)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // A small alphabet, so that repeats (and matches) are frequent.
                    char::from(b"ab{}\":,cdse"[(x % 11) as usize])
                })
                .collect();
            assert_eq!(unpack(&pack(&text)).as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn damaged_buffers_are_errors_not_panics() {
        let packed = pack(r#"{"case":"0193","seq":1,"at":"2026-01-01T00:00:00Z"}"#);
        for cut in 0..packed.len() {
            let _ = unpack(&packed[..cut]);
        }
        assert_eq!(unpack(&[0x05, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(unpack(&[0x0a, 0x00]), None, "a copy from zero bytes back");
        assert_eq!(unpack(&[0x0a, 0x05]), None, "a copy from before the start");
        assert_eq!(unpack(&[0x07]), None, "an unknown token kind");
        assert_eq!(unpack(&[0x04, 0xff]), None, "invalid UTF-8");
        assert_eq!(unpack(&[0xff; 11]), None, "an endless varint");
    }
}
