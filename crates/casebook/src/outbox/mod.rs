//! The outbox: every event someone should hear about becomes a typed notification (recipient,
//! kind, case, data, dedup key) for the host to deliver by its own means. The outbox is derived
//! from the log; its delivery state (dispatched, acked) is itself a stream of events (`outbox`),
//! so every app server agrees on what was sent. A notification's id is its dedup key: one cause
//! never makes two notifications for one person.

mod atom;
mod ops;
mod render;

pub use atom::atom_feed;
pub use ops::{NotificationOut, ack, broadcast, notifications, subscribe};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::decide::person_key;
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::release::{RELEASES_STREAM, ReleaseRecord};
use crate::store::{StoreError, StoredEvent};

/// The stream of delivery state.
pub const OUTBOX_STREAM: &str = "outbox";
/// The stream of subscriptions.
pub const SUBSCRIPTIONS_STREAM: &str = "subscriptions";
/// The stream of status broadcasts.
pub const BROADCASTS_STREAM: &str = "broadcasts";
/// How long a dispatched notification waits for its ack before it is handed out again.
pub const RETRY_AFTER_SECS: i64 = 600;

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Support replied publicly on a case.
    Reply,
    /// A case changed state (solved ones carry a rating link).
    StatusChanged,
    /// A release fixed cases of the recipient (reporters are asked to confirm).
    FixReleased,
    /// A case with a subscribed tag was reported or tagged.
    NewCaseTagged,
    /// A status broadcast for a component.
    Broadcast,
}

/// One notification as the outbox keeps it (unprojected: rendered for its recipient on drain).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Notification {
    pub(crate) id: String,
    pub(crate) recipient: String,
    pub(crate) kind: NotificationKind,
    pub(crate) case: Option<CaseId>,
    /// The causing event's sequence number in the case, or the release/broadcast number.
    pub(crate) cause: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) dispatched_at: Option<DateTime<Utc>>,
    pub(crate) attempts: u32,
    pub(crate) done: bool,
}

/// A subscription (payload of the `subscriptions` stream).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Subscription {
    /// The person key.
    pub person: String,
    /// A tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// A component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// False: unsubscribe.
    pub on: bool,
}

/// A status broadcast (payload of the `broadcasts` stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BroadcastRecord {
    /// Its number, from 1.
    pub number: u64,
    /// The component.
    pub component: String,
    /// The message.
    pub message: String,
    /// Listed in the public Atom feed.
    pub public: bool,
    /// When.
    pub at: DateTime<Utc>,
    /// Who posted it, as the policy shows staff names to customers ("Support" when hidden).
    pub by: String,
    /// Everyone told: component subscribers and reporters of its open cases.
    pub recipients: Vec<String>,
}

/// Delivery state (payload of the `outbox` stream).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum OutboxEvent {
    /// Handed to the host at `at`.
    Dispatched { ids: Vec<String>, at: DateTime<Utc> },
    /// Delivered: never again.
    Acked { ids: Vec<String>, at: DateTime<Utc> },
    /// The recipient may no longer see the case: dropped without delivery.
    Dropped { ids: Vec<String> },
}

/// The outbox projection.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Outbox {
    pub(crate) items: Vec<Notification>,
    index: HashMap<String, usize>,
    pub(crate) tag_subs: BTreeMap<String, BTreeSet<String>>,
    pub(crate) component_subs: BTreeMap<String, BTreeSet<String>>,
    pub(crate) broadcasts: Vec<BroadcastRecord>,
}

fn corrupt(e: &StoredEvent, err: impl std::fmt::Display) -> Error {
    Error::Store(StoreError::Corrupt(format!(
        "{} event {}: {err}",
        e.stream, e.seq
    )))
}

impl Outbox {
    fn add(
        &mut self,
        recipient: &str,
        kind: NotificationKind,
        case: Option<CaseId>,
        cause: u64,
        dedup: String,
        at: DateTime<Utc>,
    ) {
        if self.index.contains_key(&dedup) {
            return;
        }
        self.index.insert(dedup.clone(), self.items.len());
        self.items.push(Notification {
            id: dedup,
            recipient: recipient.to_string(),
            kind,
            case,
            cause,
            created_at: at,
            dispatched_at: None,
            attempts: 0,
            done: false,
        });
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Notification> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// Notifications caused by a case event.
    pub(crate) fn on_case_event(&mut self, new: &Case, e: &Event) {
        let (kind, tagged) = match &e.change {
            Change::Commented {
                internal: false, ..
            } if e.actor.is_staff() => (Some(NotificationKind::Reply), Vec::new()),
            // A release tells everyone once, through its own notice.
            Change::Transitioned { name, .. } if name != "release" => {
                (Some(NotificationKind::StatusChanged), Vec::new())
            }
            Change::Reported { tags, .. } => (None, tags.clone()),
            Change::Tagged { added, .. } => (None, added.clone()),
            _ => (None, Vec::new()),
        };
        if kind.is_none() && tagged.is_empty() {
            return;
        }
        let actor = person_key(&e.actor);
        if let Some(kind) = kind {
            let mut people: Vec<String> = new.reporter.index_key().into_iter().collect();
            for w in new.watchers() {
                if !people.contains(w) {
                    people.push(w.clone());
                }
            }
            people.retain(|p| Some(p) != actor.as_ref());
            for p in &people {
                let id = format!("{}:{}:{}:{p}", kind_str(kind), new.id, e.seq);
                self.add(p, kind, Some(new.id), e.seq, id, e.at);
            }
        }
        for tag in tagged {
            let subs: Vec<String> = self
                .tag_subs
                .get(&tag)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            for p in subs.iter().filter(|p| Some(*p) != actor.as_ref()) {
                let id = format!("new_case_tagged:{}:{p}", new.id);
                self.add(
                    p,
                    NotificationKind::NewCaseTagged,
                    Some(new.id),
                    e.seq,
                    id,
                    e.at,
                );
            }
        }
    }

    /// Releases, broadcasts, subscriptions and delivery state.
    pub(crate) fn on_stream_event(&mut self, e: &StoredEvent) -> Result<()> {
        match e.stream.as_str() {
            RELEASES_STREAM => {
                let r: ReleaseRecord =
                    serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
                for n in &r.notices {
                    let id = format!("fix_released:{}:{}", r.version, n.person);
                    let case = n.cases.first().copied();
                    self.add(
                        &n.person,
                        NotificationKind::FixReleased,
                        case,
                        e.seq,
                        id,
                        r.at,
                    );
                }
            }
            BROADCASTS_STREAM => {
                let b: BroadcastRecord =
                    serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
                for p in &b.recipients {
                    let id = format!("broadcast:{}:{p}", b.number);
                    self.add(p, NotificationKind::Broadcast, None, b.number, id, b.at);
                }
                self.broadcasts.push(b);
            }
            SUBSCRIPTIONS_STREAM => {
                let s: Subscription =
                    serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
                let (map, key) = match (&s.tag, &s.component) {
                    (Some(t), _) => (&mut self.tag_subs, t),
                    (None, Some(c)) => (&mut self.component_subs, c),
                    (None, None) => return Ok(()),
                };
                let set = map.entry(key.clone()).or_default();
                if s.on {
                    set.insert(s.person);
                } else {
                    set.remove(&s.person);
                }
            }
            OUTBOX_STREAM => {
                let ev: OutboxEvent =
                    serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
                let (ids, at, done) = match &ev {
                    OutboxEvent::Dispatched { ids, at } => (ids, Some(*at), false),
                    OutboxEvent::Acked { ids, .. } | OutboxEvent::Dropped { ids } => {
                        (ids, None, true)
                    }
                };
                for id in ids {
                    if let Some(&i) = self.index.get(id) {
                        let n = &mut self.items[i];
                        if done {
                            n.done = true;
                        } else {
                            n.dispatched_at = at;
                            n.attempts += 1;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Notifications due now: never dispatched, or dispatched and unacked for the retry delay.
    pub(crate) fn due(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Notification> {
        self.items.iter().filter(move |n| {
            !n.done
                && n.dispatched_at
                    .is_none_or(|t| (now - t).num_seconds() >= RETRY_AFTER_SECS)
        })
    }
}

/// The snake_case name of a kind.
pub fn kind_str(k: NotificationKind) -> &'static str {
    match k {
        NotificationKind::Reply => "reply",
        NotificationKind::StatusChanged => "status_changed",
        NotificationKind::FixReleased => "fix_released",
        NotificationKind::NewCaseTagged => "new_case_tagged",
        NotificationKind::Broadcast => "broadcast",
    }
}

#[cfg(test)]
mod tests;
