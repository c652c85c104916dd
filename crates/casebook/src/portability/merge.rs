//! `merge_identity`: an anonymous reporter signs in, and their cases follow them to the account.
//! Each moved case gets a `reporter_merged` event, so the move is in the log like any change.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::store::Store;

/// The anonymous identity to merge: the email they reported with and/or a tracking token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AnonymousRef {
    /// The email address of anonymous reports. A customer may name only the email the host
    /// vouches for in their own `as`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A tracking token of an anonymous report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MergeSummary {
    /// The account the cases now belong to.
    pub user: String,
    /// The keys of the cases moved.
    pub cases: Vec<String>,
}

/// Moves the anonymous reporter's cases (reported without a user id) to the account `into`.
/// Admins and the system may merge any identity; a signed-in customer may merge into their own
/// account the email in their `as` and the cases of tracking tokens they hold.
pub fn merge_identity<S: Store>(
    book: &mut Casebook<S>,
    from: &AnonymousRef,
    into: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<MergeSummary> {
    let into = into.trim();
    if into.is_empty() || into.len() > book.limits().short_bytes {
        return Err(Error::invalid(
            "into",
            format!(
                "give the account's user id (1 to {} bytes)",
                book.limits().short_bytes
            ),
        ));
    }
    if from.email.is_none() && from.token.is_none() {
        return Err(Error::invalid(
            "from",
            "name the anonymous identity by \"email\" and/or \"token\"",
        ));
    }
    let privileged = matches!(actor.role, Role::Admin | Role::System);
    if !privileged {
        if actor.role != Role::Customer || actor.id.as_deref() != Some(into) {
            return Err(Error::forbidden(
                "merging an identity",
                actor.role,
                "a signed-in customer merges into their own account only (\"into\" is their id)",
            ));
        }
        if let Some(e) = &from.email
            && !actor
                .email
                .as_deref()
                .is_some_and(|a| a.trim().eq_ignore_ascii_case(e.trim()))
        {
            return Err(Error::forbidden(
                "merging an email",
                actor.role,
                "the email must be the one the host verified for you (the email in \"as\")",
            ));
        }
    }
    let token_case = match &from.token {
        Some(t) => {
            let a = book.authenticate(&Actor {
                token: Some(t.clone()),
                ..Actor::new(Role::Anonymous)
            })?;
            a.token_case()
        }
        None => None,
    };
    book.sync()?;
    let email = from.email.as_deref().map(|e| e.trim().to_lowercase());
    let name = if privileged { None } else { actor.name.clone() };
    let mut events = Vec::new();
    let mut keys = Vec::new();
    for case in book.cases().iter() {
        if case.reporter.user.is_some() {
            continue;
        }
        let by_email = matches!((&email, case.reporter.email()), (Some(a), Some(b)) if *a == b.trim().to_lowercase());
        if by_email || token_case == Some(case.id) {
            events.push(Event {
                case: case.id,
                seq: case.version + 1,
                at: now,
                actor: actor.clone(),
                change: Change::ReporterMerged {
                    user: into.to_string(),
                    name: name.clone(),
                },
            });
            keys.push(book.key_of(case));
        }
    }
    book.commit_external(&events)?;
    Ok(MergeSummary {
        user: into.to_string(),
        cases: keys,
    })
}
