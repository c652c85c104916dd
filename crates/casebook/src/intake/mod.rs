//! Intake from every channel: attachments' metadata on reports, and email (raw RFC 5322 in, a
//! new case or a comment out), with threading by reply token and Message-ID, unknown-sender rules
//! and machine mail (bounces, auto-replies) recorded and ignored. See docs/intake.md.
//!
//! Everything email intake decides is recorded in the `email` stream ([`MailRecord`]), so reply
//! tokens, the Message-IDs we received or sent, held and ignored messages survive restarts; the
//! [`Intake`] projection is rebuilt from that stream on open.

mod attachment;
pub mod base64;
#[cfg(feature = "email")]
mod ingest;
mod records;

pub use attachment::{Attachment, MAX_ATTACHMENTS, check_attachments};
#[cfg(feature = "email")]
pub use ingest::{IngestAction, IngestResult, OutboundResult};
pub use records::{EMAIL_STREAM, HeldMessage, Intake, MailChange, MailRecord};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What to do with a new message from a sender the casebook does not know yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnknownSenders {
    /// Open a case for them, as for anyone (the default: a report is never refused for process
    /// reasons).
    #[default]
    Create,
    /// Keep the message for review (op `held_emails`); nothing is dropped.
    Hold,
}

/// Email intake configuration (`configure` → `email_intake`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EmailIntakeConfig {
    /// New messages from senders with no case yet: `create` (default) or `hold`.
    #[serde(default)]
    pub unknown_senders: UnknownSenders,
}
