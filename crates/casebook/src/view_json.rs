//! Writing case views as JSON text in one pass, without serde's per-field machinery.
//!
//! The answers of `report`, `get` and lists are mostly case views. Through serde, every key is
//! escaped like a value, every time goes through `core::fmt` one character at a time, and every
//! enum through a serializer call; in WebAssembly that was about a third of a report + list
//! round trip. These writers emit exactly the text `serde_json::to_string` gives for the same
//! value (the tests compare the two on views of every kind), with the keys as literals, plain
//! strings copied whole and times written digit by digit. The rare nested parts (diagnostics,
//! links, commitments, outcome details, clocks, attachments) still go through serde, and so do
//! responses that carry no case.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;

use crate::case::Visibility;
use crate::protocol::{OpResult, Response};
use crate::summary::{CaseSummary, SummaryOutcome};
use crate::view::{ActorView, CaseView, DuplicateOfView, OutcomeView, ReporterView, TimelineEntry};

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it.
pub fn string(out: &mut String, s: &str) {
    let plain = !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
    if plain {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        // Control characters, quotes or backslashes: rare in views; serde_json's own escaping.
        // Writing a string to JSON cannot fail; should it, the text stays valid JSON.
        match serde_json::to_string(s) {
            Ok(t) => out.push_str(&t),
            Err(_) => out.push_str("\"\""),
        }
    }
}

/// Appends an unsigned integer.
pub fn uint(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    ascii(out, &buf[i..]);
}

/// Appends ASCII digits and punctuation written into a buffer.
fn ascii(out: &mut String, bytes: &[u8]) {
    // Only ASCII is ever written into these buffers, so this always succeeds.
    if let Ok(s) = std::str::from_utf8(bytes) {
        out.push_str(s);
    }
}

/// Writes `n` as `width` digits into `buf` from `at`; returns where it stopped.
fn digits(buf: &mut [u8], at: usize, mut n: u32, width: usize) -> usize {
    for i in (at..at + width).rev() {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    at + width
}

/// Appends a time as a JSON string, the RFC 3339 text chrono's serde writes
/// (`2026-01-01T09:30:00Z`, with `.fff`, `.ffffff` or `.fffffffff` when there are fractions).
pub fn time(out: &mut String, t: &DateTime<Utc>) {
    let t = t.naive_utc();
    let year = t.year();
    let nano = t.nanosecond();
    if !(0..=9999).contains(&year) || nano >= 1_000_000_000 {
        // Signed years and leap seconds: chrono's own serde.
        if let Ok(text) = serde_json::to_string(&t.and_utc()) {
            out.push_str(&text);
        }
        return;
    }
    // "YYYY-MM-DDTHH:MM:SS" + ".fffffffff" + "Z" between quotes: at most 32 bytes.
    let mut buf = *b"\"0000-00-00T00:00:00.000000000Z\"";
    digits(&mut buf, 1, year.unsigned_abs(), 4);
    digits(&mut buf, 6, t.month(), 2);
    digits(&mut buf, 9, t.day(), 2);
    digits(&mut buf, 12, t.hour(), 2);
    digits(&mut buf, 15, t.minute(), 2);
    let mut end = digits(&mut buf, 18, t.second(), 2);
    if nano != 0 {
        buf[end] = b'.';
        end = if nano.is_multiple_of(1_000_000) {
            digits(&mut buf, end + 1, nano / 1_000_000, 3)
        } else if nano.is_multiple_of(1_000) {
            digits(&mut buf, end + 1, nano / 1_000, 6)
        } else {
            digits(&mut buf, end + 1, nano, 9)
        };
    }
    buf[end] = b'Z';
    buf[end + 1] = b'"';
    ascii(out, &buf[..end + 2]);
}

/// Appends any serializable value through serde_json (for the rare nested parts).
fn serde<T: Serialize + ?Sized>(out: &mut String, v: &T) -> serde_json::Result<()> {
    out.push_str(&serde_json::to_string(v)?);
    Ok(())
}

fn strings(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s);
    }
    out.push(']');
}

/// `,"key":` then the string.
fn field(out: &mut String, key: &str, s: &str) {
    out.push_str(key);
    string(out, s);
}

/// `,"key":` then the optional string, or nothing when it is absent.
fn opt_string(out: &mut String, key: &str, v: Option<&str>) {
    if let Some(s) = v {
        field(out, key, s);
    }
}

/// `,"key":` then a snake_case name, which needs no escaping.
fn word(out: &mut String, key: &str, w: &str) {
    out.push_str(key);
    out.push('"');
    out.push_str(w);
    out.push('"');
}

/// The state of a case as views and summaries write it: status, its label, its category and
/// the priority when shown.
fn state(out: &mut String, status: &str, label: &str, category: &str, priority: Option<&str>) {
    field(out, ",\"status\":", status);
    field(out, ",\"status_label\":", label);
    word(out, ",\"category\":", category);
    if let Some(p) = priority {
        word(out, ",\"priority\":", p);
    }
}

/// `,"created_at":...,"updated_at":...,"version":n` of a view or a summary.
fn stamps(out: &mut String, created: &DateTime<Utc>, updated: &DateTime<Utc>, version: u64) {
    out.push_str(",\"created_at\":");
    time(out, created);
    out.push_str(",\"updated_at\":");
    time(out, updated);
    out.push_str(",\"version\":");
    uint(out, version);
}

/// `{"kind":"...","words":"..."` of an outcome, left open for what follows.
fn kind_words(out: &mut String, kind: &str, words: &str) {
    word(out, "{\"kind\":", kind);
    field(out, ",\"words\":", words);
}

/// `{"cases":[...],"next":"..."}`, each item written by `write`.
fn page<T>(
    out: &mut String,
    items: &[T],
    next: Option<&str>,
    mut write: impl FnMut(&mut String, &T) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    out.push_str("{\"cases\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item)?;
    }
    out.push(']');
    opt_string(out, ",\"next\":", next);
    out.push('}');
    Ok(())
}

/// A list of serializable values: `[]` without calling serde when empty.
fn list<T: Serialize>(out: &mut String, items: &[T]) -> serde_json::Result<()> {
    if items.is_empty() {
        out.push_str("[]");
        Ok(())
    } else {
        serde(out, items)
    }
}

fn visibility(v: Visibility) -> &'static str {
    match v {
        Visibility::Private => "private",
        Visibility::Organization => "organization",
        Visibility::Public => "public",
    }
}

fn reporter(out: &mut String, r: &ReporterView) {
    out.push('{');
    let mut first = true;
    for (key, v) in [("user", &r.user), ("email", &r.email), ("name", &r.name)] {
        if let Some(s) = v {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(key);
            out.push_str("\":");
            string(out, s);
        }
    }
    if !first {
        out.push(',');
    }
    out.push_str("\"anonymous\":");
    out.push_str(if r.anonymous { "true" } else { "false" });
    out.push('}');
}

fn outcome(out: &mut String, o: &OutcomeView) -> serde_json::Result<()> {
    kind_words(out, o.kind.as_str(), &o.words);
    out.push_str(",\"detail\":");
    serde(out, &o.detail)?;
    out.push('}');
    Ok(())
}

fn actor(out: &mut String, a: &ActorView) {
    word(out, "{\"role\":", a.role.as_str());
    opt_string(out, ",\"name\":", a.name.as_deref());
    out.push('}');
}

fn timeline_entry(out: &mut String, e: &TimelineEntry) -> serde_json::Result<()> {
    out.push_str("{\"seq\":");
    uint(out, e.seq);
    out.push_str(",\"at\":");
    time(out, &e.at);
    out.push_str(",\"actor\":");
    actor(out, &e.actor);
    field(out, ",\"kind\":", &e.kind);
    field(out, ",\"text\":", &e.text);
    opt_string(out, ",\"body\":", e.body.as_deref());
    if e.internal {
        out.push_str(",\"internal\":true");
    }
    opt_string(out, ",\"status\":", e.status.as_deref());
    if let Some(o) = &e.outcome {
        out.push_str(",\"outcome\":");
        outcome(out, o)?;
    }
    out.push('}');
    Ok(())
}

fn duplicate_of(out: &mut String, d: &DuplicateOfView) {
    field(out, "{\"key\":", &d.key);
    field(out, ",\"status_label\":", &d.status_label);
    word(out, ",\"category\":", d.category.as_str());
    opt_string(out, ",\"outcome\":", d.outcome.as_deref());
    out.push('}');
}

impl CaseView {
    /// Appends this view as JSON text, the same text `serde_json::to_string` writes.
    pub fn write_json(&self, out: &mut String) -> serde_json::Result<()> {
        let v = self;
        field(out, "{\"id\":", &v.id);
        field(out, ",\"key\":", &v.key);
        field(out, ",\"subject\":", &v.subject);
        field(out, ",\"description\":", &v.description);
        let priority = v.priority.map(|p| p.as_str());
        state(
            out,
            &v.status,
            &v.status_label,
            v.category.as_str(),
            priority,
        );
        word(out, ",\"channel\":", v.channel.as_str());
        if let Some(r) = &v.reporter {
            out.push_str(",\"reporter\":");
            reporter(out, r);
        }
        opt_string(out, ",\"org\":", v.org.as_deref());
        opt_string(out, ",\"logged_by\":", v.logged_by.as_deref());
        opt_string(out, ",\"assignee\":", v.assignee.as_deref());
        opt_string(out, ",\"team\":", v.team.as_deref());
        out.push_str(",\"tags\":");
        strings(out, &v.tags);
        if let Some(d) = &v.diagnostics {
            out.push_str(",\"diagnostics\":");
            serde(out, d)?;
        }
        out.push_str(",\"links\":");
        list(out, &v.links)?;
        out.push_str(",\"votes\":");
        uint(out, v.votes as u64);
        out.push_str(",\"duplicates\":");
        uint(out, v.duplicates as u64);
        out.push_str(",\"watching\":");
        out.push_str(if v.watching { "true" } else { "false" });
        if let Some(o) = &v.outcome {
            out.push_str(",\"outcome\":");
            outcome(out, o)?;
        }
        out.push_str(",\"commitments\":");
        list(out, &v.commitments)?;
        word(out, ",\"visibility\":", visibility(v.visibility));
        stamps(out, &v.created_at, &v.updated_at, v.version);
        if let Some(d) = &v.duplicate_of {
            out.push_str(",\"duplicate_of\":");
            duplicate_of(out, d);
        }
        opt_string(out, ",\"tracking_token\":", v.tracking_token.as_deref());
        if let Some(t) = &v.timeline {
            out.push_str(",\"timeline\":[");
            for (i, e) in t.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                timeline_entry(out, e)?;
            }
            out.push(']');
        }
        if let Some(c) = &v.clocks {
            out.push_str(",\"clocks\":");
            serde(out, c)?;
        }
        if let Some(s) = &v.service_targets {
            out.push_str(",\"service_targets\":");
            serde(out, s)?;
        }
        if let Some(f) = &v.flags {
            out.push_str(",\"flags\":");
            strings(out, f);
        }
        if !v.attachments.is_empty() {
            out.push_str(",\"attachments\":");
            serde(out, &v.attachments)?;
        }
        out.push('}');
        Ok(())
    }
}

fn summary_outcome(out: &mut String, o: &SummaryOutcome) {
    kind_words(out, o.kind.as_str(), &o.words);
    out.push('}');
}

impl CaseSummary {
    /// Appends this summary as JSON text, the same text `serde_json::to_string` writes.
    pub fn write_json(&self, out: &mut String) {
        let v = self;
        field(out, "{\"id\":", &v.id);
        field(out, ",\"key\":", &v.key);
        field(out, ",\"subject\":", &v.subject);
        let priority = v.priority.map(|p| p.as_str());
        state(
            out,
            &v.status,
            &v.status_label,
            v.category.as_str(),
            priority,
        );
        if let Some(o) = &v.outcome {
            out.push_str(",\"outcome\":");
            summary_outcome(out, o);
        }
        stamps(out, &v.created_at, &v.updated_at, v.version);
        out.push('}');
    }
}

/// Appends a page of case views, `{"cases":[...],"next":"..."}`, as `list` answers it.
pub fn case_page(
    out: &mut String,
    cases: &[CaseView],
    next: Option<&str>,
) -> serde_json::Result<()> {
    page(out, cases, next, |out, c| c.write_json(out))
}

/// Appends a page of case summaries, `{"cases":[...],"next":"..."}`.
pub fn summary_page(out: &mut String, cases: &[CaseSummary], next: Option<&str>) {
    // Summaries hold no serde parts, so their page cannot fail.
    let _ = page(out, cases, next, |out, c| {
        c.write_json(out);
        Ok(())
    });
}

/// Appends a protocol response, the same text `serde_json::to_string` writes: answers carrying
/// cases through the writers above, every other answer and every error through serde.
pub fn write_response(out: &mut String, r: &Response) -> serde_json::Result<()> {
    let Some(result) = r.result.as_ref().filter(|_| r.error.is_none()) else {
        return serde(out, r);
    };
    let start = out.len();
    out.push_str(if r.ok {
        "{\"ok\":true"
    } else {
        "{\"ok\":false"
    });
    opt_string(out, ",\"id\":", r.id.as_deref());
    out.push_str(",\"result\":");
    match result {
        OpResult::Case { case } => {
            out.push_str("{\"case\":");
            case.write_json(out)?;
            out.push('}');
        }
        OpResult::Cases { cases, next } => case_page(out, cases, next.as_deref())?,
        OpResult::CaseSummaries { cases, next } => summary_page(out, cases, next.as_deref()),
        _ => {
            out.truncate(start);
            return serde(out, r);
        }
    }
    out.push('}');
    Ok(())
}

#[cfg(test)]
#[path = "view_json_tests.rs"]
mod tests;
