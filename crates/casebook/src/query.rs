//! Reads: `list` with filters and cursor pagination, served from the in-memory indexes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::{Case, Priority};
use crate::decide::person_key;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::table::{CaseTable, Slot};
use crate::workflow::{Category, Workflow};

/// Which cases to list. All filters combine with AND.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ListFilter {
    /// Only the viewer's own cases (the default for customers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<bool>,
    /// Only open cases (new, open, waiting, on hold) or only finished ones (solved, closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// Only cases whose state has this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Only cases in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Only cases assigned to this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Only cases of this team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Only cases with this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only cases of this priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Only cases whose subject or description contains this text (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One page of a list: slots of cases, newest first, and the cursor of the next page.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// The cases.
    pub cases: Vec<&'a Case>,
    /// The cursor for the next page, when there is one.
    pub next: Option<String>,
}

fn below(set: &std::collections::BTreeSet<Slot>, end: Slot) -> Box<dyn Iterator<Item = Slot> + '_> {
    Box::new(set.range(..end).rev().copied())
}

/// Lists the cases a viewer may see, newest first.
pub fn list<'a>(
    table: &'a CaseTable,
    workflow: &Workflow,
    policy: &Policy,
    viewer: &Actor,
    filter: &ListFilter,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<'a>> {
    let end: Slot = match cursor {
        None => Slot::MAX,
        Some(c) => {
            let n: u64 = c.parse().map_err(|_| {
                Error::invalid(
                    "cursor",
                    "pass back the \"next\" value of the previous page unchanged",
                )
            })?;
            table
                .slot_of_number(n)
                .ok_or_else(|| Error::invalid("cursor", "this cursor is from another casebook"))?
        }
    };
    let mine = filter.mine.unwrap_or(!viewer.is_staff());
    let me = person_key(viewer);
    if mine && me.is_none() {
        return Ok(Page {
            cases: Vec::new(),
            next: None,
        });
    }
    let empty = std::collections::BTreeSet::new();
    let candidates: Box<dyn Iterator<Item = Slot> + '_> = if mine {
        let slots = table.reporter_slots(me.as_deref().unwrap_or_default());
        let stop = slots.partition_point(|s| *s < end);
        Box::new(slots[..stop].iter().rev().copied())
    } else if let Some(a) = &filter.assignee {
        below(table.assignee_slots(a).unwrap_or(&empty), end)
    } else if let Some(s) = &filter.status {
        below(table.status_slots(s).unwrap_or(&empty), end)
    } else if let Some(t) = &filter.team {
        below(table.team_slots(t).unwrap_or(&empty), end)
    } else if let Some(t) = &filter.tag {
        below(table.tag_slots(t).unwrap_or(&empty), end)
    } else {
        let n = (table.len() as Slot).min(end);
        Box::new((0..n).rev())
    };
    let text = filter.text.as_ref().map(|t| t.to_lowercase());
    let keep = |c: &Case| -> bool {
        let cat = workflow.category(&c.status);
        filter.open.is_none_or(|o| cat.is_open() == o)
            && filter.category.is_none_or(|k| k == cat)
            && filter.status.as_ref().is_none_or(|s| *s == c.status)
            && filter
                .assignee
                .as_ref()
                .is_none_or(|a| c.assignee.as_ref() == Some(a))
            && filter
                .team
                .as_ref()
                .is_none_or(|t| c.team.as_ref() == Some(t))
            && filter.tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && filter.priority.is_none_or(|p| p == c.priority)
            && text.as_ref().is_none_or(|t| {
                c.subject.to_lowercase().contains(t) || c.description.to_lowercase().contains(t)
            })
            && (!mine || c.is_reporter(viewer))
            && policy.can_view(c, viewer)
    };
    let mut cases = Vec::with_capacity(limit.min(64));
    let mut next = None;
    for slot in candidates {
        let c = table.at(slot);
        if !keep(c) {
            continue;
        }
        if cases.len() == limit {
            next = cases.last().map(|l: &&Case| l.number.to_string());
            break;
        }
        cases.push(c);
    }
    Ok(Page { cases, next })
}
