//! The `email` stream's records and the [`Intake`] projection folded from them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::EmailIntakeConfig;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{CaseId, CommentId};
use crate::store::{StoreError, StoredEvent};

/// The stream of email intake records.
pub const EMAIL_STREAM: &str = "email";

/// One record of the `email` stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub change: MailChange,
}

/// What an email record says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MailChange {
    /// A reply token was issued for a case: mail carrying it threads into the case.
    TokenIssued {
        /// The case.
        case: CaseId,
        /// The token (lowercase letters and digits).
        token: String,
    },
    /// A message was taken in as a case or a comment.
    Received {
        /// The case it made or joined.
        case: CaseId,
        /// The comment it made, for replies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<CommentId>,
        /// Its Message-ID (without angle brackets).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    /// The host sent a message about a case (its Message-ID, for In-Reply-To threading).
    Sent {
        /// The case.
        case: CaseId,
        /// The Message-ID (without angle brackets).
        message_id: String,
    },
    /// A message kept for review (unknown sender, or a reply from someone not on the case).
    Held(HeldMessage),
    /// Machine mail (bounce, auto-reply, bulk) that was recorded and not taken in.
    Ignored {
        /// Why: the machine-mail kind (`bounce`, `auto_reply`, `auto_generated`, `bulk`).
        reason: String,
        /// The sender.
        from: String,
        /// The subject.
        subject: String,
        /// Its Message-ID.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
}

/// A message kept for review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HeldMessage {
    /// The hold's id.
    pub hold: String,
    /// Why it was held: `unknown_sender` or `sender_not_on_case`.
    pub reason: String,
    /// The sender.
    pub from: String,
    /// The subject.
    pub subject: String,
    /// Its Message-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The whole message as received, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The whole message in base64, when it is not UTF-8 (8-bit legacy mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
    /// When it arrived.
    pub at: DateTime<Utc>,
}

/// The email intake projection.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Intake {
    /// The rules in force.
    pub(crate) config: EmailIntakeConfig,
    /// The `email` stream's version.
    pub(crate) version: u64,
    tokens: HashMap<String, CaseId>,
    case_tokens: HashMap<CaseId, String>,
    message_ids: HashMap<String, CaseId>,
    received: HashMap<String, CaseId>,
    held: Vec<HeldMessage>,
    ignored: usize,
}

impl Intake {
    /// The case of a reply token.
    pub fn case_of_token(&self, token: &str) -> Option<CaseId> {
        self.tokens.get(token).copied()
    }

    /// The reply token of a case, once issued.
    pub fn token_of(&self, case: CaseId) -> Option<&str> {
        self.case_tokens.get(&case).map(String::as_str)
    }

    /// The case of a Message-ID we received or sent.
    pub fn case_of_message(&self, message_id: &str) -> Option<CaseId> {
        self.message_ids.get(message_id).copied()
    }

    /// The case a message with this Message-ID was already taken into.
    pub fn already_received(&self, message_id: &str) -> Option<CaseId> {
        self.received.get(message_id).copied()
    }

    /// Messages held for review, oldest first.
    pub fn held(&self) -> &[HeldMessage] {
        &self.held
    }

    /// How many machine messages were ignored.
    pub fn ignored(&self) -> usize {
        self.ignored
    }

    /// The rules in force.
    pub fn config(&self) -> &EmailIntakeConfig {
        &self.config
    }

    pub(crate) fn on_stream_event(&mut self, e: &StoredEvent) -> Result<()> {
        if e.stream != EMAIL_STREAM || e.seq <= self.version {
            return Ok(());
        }
        let record: MailRecord = serde_json::from_str(&e.payload).map_err(|err| {
            Error::Store(StoreError::Corrupt(format!(
                "email record {} (seq {}): {err}",
                e.position, e.seq
            )))
        })?;
        self.apply(record.change);
        self.version = e.seq;
        Ok(())
    }

    fn apply(&mut self, change: MailChange) {
        match change {
            MailChange::TokenIssued { case, token } => {
                self.tokens.insert(token.clone(), case);
                self.case_tokens.entry(case).or_insert(token);
            }
            MailChange::Received {
                case, message_id, ..
            } => {
                if let Some(m) = message_id {
                    self.message_ids.insert(m.clone(), case);
                    self.received.insert(m, case);
                }
            }
            MailChange::Sent { case, message_id } => {
                self.message_ids.insert(message_id, case);
            }
            MailChange::Held(h) => self.held.push(h),
            MailChange::Ignored { .. } => self.ignored += 1,
        }
    }
}

impl<S: crate::store::Store> crate::engine::Casebook<S> {
    /// Messages held for review (staff only).
    pub fn held_emails(&self, actor: &Actor) -> Result<Vec<HeldMessage>> {
        if !actor.is_staff() {
            return Err(Error::forbidden(
                "reviewing held mail",
                actor.role,
                "held messages are for staff to review",
            ));
        }
        Ok(self.derived().intake.held().to_vec())
    }
}
