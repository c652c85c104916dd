//! Ops of the outbox: `notifications` (drain), `ack`, `subscribe`, `broadcast`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    BROADCASTS_STREAM, BroadcastRecord, NotificationKind, OUTBOX_STREAM, OutboxEvent,
    SUBSCRIPTIONS_STREAM, Subscription, render::render,
};
use crate::actor::{Actor, Role};
use crate::decide::{check_len, person_key};
use crate::engine::Casebook;
use crate::error::Error;
use crate::release::{LoopError, LoopResult, internal};
use crate::store::Store;

/// A notification handed to the host for delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NotificationOut {
    /// Its id (the dedup key): pass it to `ack` once delivered.
    pub id: String,
    /// The person key of the recipient ("u:ada", "e:bo@example.com").
    pub recipient: String,
    /// The kind.
    pub kind: NotificationKind,
    /// The case key, when it is about a case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// What to tell, as the recipient may see it.
    pub data: Value,
    /// The delivery attempt, from 1.
    pub attempt: u32,
    /// When its cause happened.
    pub created_at: DateTime<Utc>,
}

fn system_only(actor: &Actor, what: &str) -> LoopResult<()> {
    if actor.role != Role::System {
        return Err(Error::forbidden(
            what,
            actor.role,
            "only the host (system) delivers notifications",
        )
        .into());
    }
    Ok(())
}

/// Op `notifications` (system): hands out the due notifications, at most `limit` (default 100),
/// and records that they were dispatched. Unacked ones come back after the retry delay.
pub fn notifications<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    limit: Option<usize>,
    now: DateTime<Utc>,
) -> LoopResult<Vec<NotificationOut>> {
    system_only(actor, "draining notifications")?;
    let limit = limit.unwrap_or(100).clamp(1, 1000);
    let due: Vec<_> = book.derived().outbox.due(now).cloned().collect();
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    for n in due {
        if out.len() >= limit {
            break;
        }
        match render(book, &n)? {
            Some(data) => out.push(NotificationOut {
                id: n.id.clone(),
                recipient: n.recipient.clone(),
                kind: n.kind,
                case: n
                    .case
                    .and_then(|c| book.cases().get(c))
                    .map(|c| book.key_of(c)),
                data,
                attempt: n.attempts + 1,
                created_at: n.created_at,
            }),
            None => dropped.push(n.id.clone()),
        }
    }
    let mut payloads = Vec::new();
    if !dropped.is_empty() {
        payloads.push(OutboxEvent::Dropped { ids: dropped });
    }
    if !out.is_empty() {
        payloads.push(OutboxEvent::Dispatched {
            ids: out.iter().map(|n| n.id.clone()).collect(),
            at: now,
        });
    }
    if !payloads.is_empty() {
        let p = payloads
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        book.append_stream(OUTBOX_STREAM, p)?;
    }
    Ok(out)
}

/// Op `ack` (system): marks notifications delivered. Returns how many were newly acked.
pub fn ack<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    ids: &[String],
    now: DateTime<Utc>,
) -> LoopResult<usize> {
    system_only(actor, "acknowledging notifications")?;
    let mut fresh = Vec::new();
    for id in ids {
        let n = book
            .derived()
            .outbox
            .get(id)
            .ok_or_else(|| LoopError::UnknownNotification(id.chars().take(200).collect()))?;
        if !n.done && !fresh.contains(id) {
            fresh.push(id.clone());
        }
    }
    if !fresh.is_empty() {
        let n = fresh.len();
        let p = serde_json::to_string(&OutboxEvent::Acked {
            ids: fresh,
            at: now,
        })
        .map_err(internal)?;
        book.append_stream(OUTBOX_STREAM, vec![p])?;
        return Ok(n);
    }
    Ok(0)
}

fn clean(field: &str, v: &str, max: usize) -> LoopResult<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty").into());
    }
    check_len(field, v, max)?;
    Ok(v.to_string())
}

/// Op `subscribe`: the actor follows (or, with `on: false`, stops following) a tag or component.
pub fn subscribe<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    tag: Option<&str>,
    component: Option<&str>,
    on: bool,
) -> LoopResult<Subscription> {
    let person = person_key(actor).ok_or_else(|| {
        Error::forbidden(
            "subscribing",
            actor.role,
            "sign in (an id or email) to subscribe",
        )
    })?;
    let max = book.limits().short_bytes;
    let s = match (tag, component) {
        (Some(t), None) => Subscription {
            person,
            tag: Some(clean("tag", t, max)?),
            component: None,
            on,
        },
        (None, Some(c)) => Subscription {
            person,
            tag: None,
            component: Some(clean("component", c, max)?),
            on,
        },
        _ => {
            return Err(
                Error::invalid("tag", "give exactly one of \"tag\" or \"component\"").into(),
            );
        }
    };
    let p = serde_json::to_string(&s).map_err(internal)?;
    book.append_stream(SUBSCRIPTIONS_STREAM, vec![p])?;
    Ok(s)
}

/// Whether a case belongs to a component: it has the component as a tag, or as the diagnostics
/// entry `component`.
pub(crate) fn in_component(case: &crate::case::Case, component: &str) -> bool {
    case.tags.iter().any(|t| t == component)
        || case
            .diagnostics
            .extra
            .get("component")
            .is_some_and(|c| c == component)
}

/// Op `broadcast` (staff): posts a status message to a component's subscribers and the
/// reporters of its open cases, each once.
pub fn broadcast<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    component: &str,
    message: &str,
    public: bool,
    now: DateTime<Utc>,
) -> LoopResult<BroadcastRecord> {
    if !actor.is_staff() {
        return Err(Error::forbidden(
            "broadcasting",
            actor.role,
            "only staff post status broadcasts",
        )
        .into());
    }
    let component = clean("component", component, book.limits().short_bytes)?;
    let message = clean("message", message, book.limits().comment_bytes)?;
    let mut recipients: Vec<String> = book
        .derived()
        .outbox
        .component_subs
        .get(&component)
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    let wf = book.workflow();
    for c in book.cases().iter() {
        if wf.category(&c.status).is_open()
            && in_component(c, &component)
            && let Some(k) = c.reporter.index_key()
            && !recipients.contains(&k)
        {
            recipients.push(k);
        }
    }
    let record = BroadcastRecord {
        number: book.derived().outbox.broadcasts.len() as u64 + 1,
        component,
        message,
        public,
        at: now,
        // Broadcasts are public: the author's name shows as the policy shows staff names.
        by: actor
            .name
            .as_deref()
            .and_then(|n| book.policy().staff_name(n))
            .unwrap_or_else(|| "Support".into()),
        recipients,
    };
    let p = serde_json::to_string(&record).map_err(internal)?;
    book.append_stream(BROADCASTS_STREAM, vec![p])?;
    Ok(record)
}
