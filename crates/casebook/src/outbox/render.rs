//! Rendering a notification for its recipient, through the visibility projection: the data holds
//! only what `view` lets the recipient see of the case.

use serde_json::{Value, json};

use super::{Notification, NotificationKind};
use crate::actor::{Actor, Role};
use crate::engine::Casebook;
use crate::error::Result;
use crate::ids::CaseId;
use crate::release::RELEASES_STREAM;
use crate::store::Store;

/// The actor a person key stands for. Recipients are treated as customers: a staff watcher still
/// gets only what a customer in their place would see (least privilege for mail that may travel).
pub(crate) fn recipient_actor(person: &str) -> Actor {
    match person.split_once(':') {
        Some(("u", id)) => Actor::with_id(Role::Customer, id),
        Some(("e", email)) => Actor::new(Role::Customer).with_email(email),
        _ => Actor::new(Role::Anonymous),
    }
}

fn case_brief<S: Store>(book: &Casebook<S>, id: CaseId, who: &Actor) -> Result<Option<Value>> {
    let Some(case) = book.cases().get(id) else {
        return Ok(None);
    };
    if !book.policy().can_view(case, who) {
        return Ok(None);
    }
    let v = book.view_case(&id.to_string(), who)?;
    Ok(Some(json!({
        "key": v.key,
        "subject": v.subject,
        "status_label": v.status_label,
        "outcome": v.outcome.map(|o| o.words),
    })))
}

/// The data of a notification for its recipient; `None` when they may no longer see its case.
pub(crate) fn render<S: Store>(book: &Casebook<S>, n: &Notification) -> Result<Option<Value>> {
    let who = recipient_actor(&n.recipient);
    match n.kind {
        NotificationKind::Reply
        | NotificationKind::StatusChanged
        | NotificationKind::NewCaseTagged => {
            let Some(id) = n.case else { return Ok(None) };
            let Some(mut data) = case_brief(book, id, &who)? else {
                return Ok(None);
            };
            let v = book.view_case(&id.to_string(), &who)?;
            let entry = v
                .timeline
                .unwrap_or_default()
                .into_iter()
                .find(|t| t.seq == n.cause);
            if n.kind != NotificationKind::NewCaseTagged {
                // The entry may be hidden from this recipient: then there is nothing to tell.
                let Some(entry) = entry else { return Ok(None) };
                data["text"] = json!(entry.text);
                if let Some(b) = entry.body {
                    data["body"] = json!(b);
                }
            }
            if n.kind == NotificationKind::StatusChanged
                && book.cases().get(id).is_some_and(|c| {
                    c.reporter.index_key().as_deref() == Some(n.recipient.as_str())
                })
                && let Some(token) = crate::rating::rating_link(book, id, Some(n.cause))?
            {
                data["rating_token"] = json!(token);
            }
            Ok(Some(data))
        }
        NotificationKind::FixReleased => {
            let releases = book.store().read_stream(RELEASES_STREAM)?;
            let Some(stored) = releases.iter().find(|e| e.seq == n.cause) else {
                return Ok(None);
            };
            let r: crate::release::ReleaseRecord = serde_json::from_str(&stored.payload)
                .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
            let Some(notice) = r.notices.iter().find(|x| x.person == n.recipient) else {
                return Ok(None);
            };
            let mut cases = Vec::new();
            for id in &notice.cases {
                if let Some(mut b) = case_brief(book, *id, &who)? {
                    if notice.confirm.contains(id) {
                        b["confirm"] = json!(true);
                        if let Some(t) = crate::rating::rating_link(book, *id, None)? {
                            b["rating_token"] = json!(t);
                        }
                    }
                    cases.push(b);
                }
            }
            if cases.is_empty() {
                return Ok(None);
            }
            Ok(Some(json!({
                "version": r.version,
                "date": r.date,
                "cases": cases,
                "ask": "Please tell us whether the fix works for you (op confirm_fix).",
            })))
        }
        NotificationKind::Broadcast => {
            let Some(b) = book
                .derived()
                .outbox
                .broadcasts
                .iter()
                .find(|b| b.number == n.cause)
            else {
                return Ok(None);
            };
            Ok(Some(json!({
                "component": b.component,
                "message": b.message,
                "at": b.at,
            })))
        }
    }
}
