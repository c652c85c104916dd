//! The public status broadcasts as an Atom feed (RFC 4287), for any feed reader.

use super::BroadcastRecord;
use crate::engine::Casebook;
use crate::store::Store;

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn title(b: &BroadcastRecord) -> String {
    let first = b.message.lines().next().unwrap_or_default();
    let short: String = first.chars().take(80).collect();
    format!("{}: {short}", b.component)
}

/// Op `atom_feed`: the public broadcasts (of one component, if given), newest first.
pub fn atom_feed<S: Store>(book: &Casebook<S>, component: Option<&str>) -> String {
    let items: Vec<&BroadcastRecord> = book
        .derived()
        .outbox
        .broadcasts
        .iter()
        .rev()
        .filter(|b| b.public && component.is_none_or(|c| b.component == c))
        .collect();
    let updated = items
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |b| b.at.to_rfc3339());
    let feed_id = match component {
        Some(c) => format!("urn:casebook:status:{}", xml_escape(c)),
        None => "urn:casebook:status".to_string(),
    };
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!(
        "  <id>{feed_id}</id>\n  <title>Status updates</title>\n"
    ));
    x.push_str(&format!("  <updated>{updated}</updated>\n"));
    for b in items {
        x.push_str("  <entry>\n");
        x.push_str(&format!(
            "    <id>urn:casebook:broadcast:{}</id>\n",
            b.number
        ));
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&title(b))));
        x.push_str(&format!("    <updated>{}</updated>\n", b.at.to_rfc3339()));
        x.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            xml_escape(&b.by)
        ));
        x.push_str(&format!(
            "    <category term=\"{}\"/>\n",
            xml_escape(&b.component)
        ));
        x.push_str(&format!(
            "    <content type=\"text\">{}</content>\n",
            xml_escape(&b.message)
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}
