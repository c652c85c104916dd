//! "What's new in X": the public summaries of a release's fixes, grouped by their first visible
//! tag, through the visibility projection. Fixes the viewer may not see are only counted.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{LoopResult, ReleaseRecord};
use crate::actor::Actor;
use crate::engine::Casebook;
use crate::store::Store;

/// One fix in the notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseNotesItem {
    /// The case key.
    pub key: String,
    /// Its summary (the subject as the viewer may see it).
    pub summary: String,
    /// How many people asked for it (votes and duplicates).
    pub asked_by: usize,
}

/// A group of fixes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseNotesGroup {
    /// The group: the first tag the viewer may see, or "General".
    pub name: String,
    /// Its fixes, most asked-for first.
    pub items: Vec<ReleaseNotesItem>,
}

/// Release notes, as JSON and Markdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReleaseNotes {
    /// "What's new in 5.3".
    pub title: String,
    /// The version.
    pub version: String,
    /// The date.
    pub date: NaiveDate,
    /// The groups, by name.
    pub groups: Vec<ReleaseNotesGroup>,
    /// Fixes the viewer may not see (private cases), counted only.
    pub other_fixes: usize,
    /// The same as Markdown.
    pub markdown: String,
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(if ch == '\n' { ' ' } else { ch });
    }
    out
}

pub(super) fn build<S: Store>(
    book: &Casebook<S>,
    viewer: &Actor,
    r: &ReleaseRecord,
) -> LoopResult<ReleaseNotes> {
    let mut groups: BTreeMap<String, Vec<ReleaseNotesItem>> = BTreeMap::new();
    let mut other = 0;
    // Duplicates are the same fix as their original: list the primary cases only.
    for id in &r.cases {
        let Some(case) = book.cases().get(*id) else {
            continue;
        };
        if !book.policy().can_view(case, viewer) {
            other += 1;
            continue;
        }
        let key = book.key_of(case);
        let v = book.view_case(&key, viewer)?;
        let group = v.tags.first().cloned().unwrap_or_else(|| "General".into());
        groups.entry(group).or_default().push(ReleaseNotesItem {
            key: v.key,
            summary: v.subject,
            asked_by: 1 + v.votes.max(v.duplicates),
        });
    }
    let mut groups: Vec<ReleaseNotesGroup> = groups
        .into_iter()
        .map(|(name, mut items)| {
            items.sort_by(|a, b| b.asked_by.cmp(&a.asked_by).then(a.key.cmp(&b.key)));
            ReleaseNotesGroup { name, items }
        })
        .collect();
    // "General" goes last.
    groups.sort_by_key(|g| g.name == "General");
    let title = format!("What's new in {}", r.version);
    let mut md = format!("# {}\n\n_Released {}_\n", md_escape(&title), r.date);
    for g in &groups {
        md.push_str(&format!("\n## {}\n\n", md_escape(&g.name)));
        for i in &g.items {
            md.push_str(&format!("- {} ({})\n", md_escape(&i.summary), i.key));
        }
    }
    if other > 0 {
        md.push_str(&format!(
            "\nAnd {other} more fix{} reported privately.\n",
            if other == 1 { "" } else { "es" }
        ));
    }
    if groups.is_empty() && other == 0 {
        md.push_str("\nNo fixes listed.\n");
    }
    Ok(ReleaseNotes {
        title,
        version: r.version.clone(),
        date: r.date,
        groups,
        other_fixes: other,
        markdown: md,
    })
}
