//! Inbound email intake: raw RFC 5322 bytes in, a typed [`InboundEmail`] out.
//!
//! [`parse_email`] decodes the message (MIME, transfer encodings, charsets, HTML-only bodies),
//! keeps the full text in [`InboundEmail::original_text`] and puts only the *new* text — quoted
//! replies and signatures stripped — in [`InboundEmail::text`]. It flags machine mail
//! ([`AutoKind`]: bounces, auto-replies, bulk and list mail) and extracts the Casebook reply
//! token ([`ReplyToken`]) that outbound mail carries in its subject or reply address.
//!
//! Everything here is pure: no I/O, no clock. Bad input is a typed [`EmailError`], never a panic.
//! See `docs/email.md` for the rules.

mod auto;
mod error;
mod parse;
mod strip;
mod token;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use auto::AutoKind;
pub use error::EmailError;
pub use parse::{normalize_message_id, parse_email};
pub use strip::{clean_subject, strip_reply};
pub use token::{
    ReplyToken, reply_address_for, reply_token_for, subject_with_token, token_from_address,
    token_from_subject,
};

/// A sender or recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// The address, `local@domain`, as written (no angle brackets).
    pub address: String,
    /// The display name, if the header had one.
    pub name: Option<String>,
}

/// Metadata of one attachment (the bytes stay with the host).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// The file name from Content-Disposition or Content-Type, if any.
    pub name: Option<String>,
    /// The MIME type, e.g. `image/png` (lowercase); `application/octet-stream` when absent.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Whether the part is marked inline (e.g. an image embedded in HTML).
    pub inline: bool,
}

/// One parsed inbound message, ready for the engine to turn into a case or a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundEmail {
    /// The sender: From, else Sender, else Reply-To (the first with an address).
    pub from: Mailbox,
    /// Reply-To, when it names an address different from `from`.
    pub reply_to: Option<Mailbox>,
    /// To recipients.
    pub to: Vec<Mailbox>,
    /// Cc recipients.
    pub cc: Vec<Mailbox>,
    /// The decoded subject, trimmed; empty when the message has none.
    pub subject: String,
    /// Message-ID without angle brackets (see [`normalize_message_id`]).
    pub message_id: Option<String>,
    /// In-Reply-To message ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// References message ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The Date header in UTC, if present and valid.
    pub date: Option<DateTime<Utc>>,
    /// The new text only: quoted replies and signatures removed. May be empty when the sender
    /// only quoted; fall back to `original_text` then.
    pub text: String,
    /// The full decoded text body (HTML converted to text when there is no plain part).
    pub original_text: String,
    /// Whether the body came from HTML because the message had no plain-text part.
    pub from_html: bool,
    /// Whether `text`/`original_text` were cut to [`EmailLimits::max_text_bytes`].
    pub text_truncated: bool,
    /// Attachments, in message order (nested messages count as attachments).
    pub attachments: Vec<AttachmentMeta>,
    /// Machine-generated mail: bounce, auto-reply, bulk or list mail.
    pub auto: Option<AutoKind>,
    /// The Casebook reply token from the subject tag or a plus address, if any.
    pub reply_token: Option<ReplyToken>,
}

/// What to do when the decoded text is larger than [`EmailLimits::max_text_bytes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TextOverflow {
    /// Keep the first `max_text_bytes` (cut on a character boundary) and set
    /// [`InboundEmail::text_truncated`].
    #[default]
    Truncate,
    /// Refuse the message with [`EmailError::TextTooLarge`].
    Refuse,
}

/// Limits applied by [`parse_email`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLimits {
    /// Largest raw message accepted, in bytes (default 25 MiB).
    pub max_raw_bytes: usize,
    /// Largest decoded text kept, in bytes (default 256 KiB), for `text` and `original_text`.
    pub max_text_bytes: usize,
    /// What happens to text over `max_text_bytes`.
    pub text_overflow: TextOverflow,
}

impl Default for EmailLimits {
    fn default() -> Self {
        EmailLimits {
            max_raw_bytes: 25 * 1024 * 1024,
            max_text_bytes: 256 * 1024,
            text_overflow: TextOverflow::Truncate,
        }
    }
}
