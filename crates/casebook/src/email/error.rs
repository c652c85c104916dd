//! The typed error of email intake and reply-token formatting.

/// Why an inbound message was refused, or why a reply token could not be formatted.
///
/// Every variant has a stable snake_case [`code`](EmailError::code); the messages say what is
/// wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// The raw message is larger than [`EmailLimits::max_raw_bytes`](super::EmailLimits).
    #[error(
        "the message is {size} bytes, over the intake limit of {limit} bytes; raise EmailLimits::max_raw_bytes or ask the sender to share large files by link"
    )]
    TooLarge {
        /// Size of the raw message in bytes.
        size: usize,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The input has no RFC 5322 header section.
    #[error(
        "the input is not an email message ({reason}); pass the raw RFC 5322 message: header lines, a blank line, then the body"
    )]
    NotAnEmail {
        /// What was missing.
        reason: &'static str,
    },
    /// Neither From, Sender nor Reply-To holds an address a reply could be sent to.
    #[error(
        "the message has no usable sender address (From/Sender/Reply-To hold {found:?}); a case needs an address to answer, so record it by hand or fix the sending system's From header"
    )]
    MissingSender {
        /// What the sender headers held instead of an address, if anything.
        found: Option<String>,
    },
    /// No text, no subject and no attachment: nothing to record.
    #[error(
        "the message has no text, no subject and no attachments, so there is nothing to record; ask the sender to write their request in the message body"
    )]
    NoContent,
    /// The decoded text is larger than the limit and the policy is [`TextOverflow::Refuse`](super::TextOverflow).
    #[error(
        "the message text is {size} bytes, over the limit of {limit} bytes; raise EmailLimits::max_text_bytes or use TextOverflow::Truncate to keep the start of it"
    )]
    TextTooLarge {
        /// Size of the decoded text in bytes.
        size: usize,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// A reply token is not 8 to 64 lowercase ASCII letters and digits.
    #[error(
        "{token:?} is not a valid reply token: use 8 to 64 lowercase ASCII letters and digits, e.g. ReplyToken::from_uuid(id)"
    )]
    InvalidReplyToken {
        /// The rejected token.
        token: String,
    },
    /// A case reference for a subject tag is not 1 to 32 ASCII letters and digits.
    #[error(
        "{case_ref:?} is not a valid case reference for a subject tag: use 1 to 32 ASCII letters and digits, e.g. \"42\""
    )]
    InvalidCaseRef {
        /// The rejected case reference.
        case_ref: String,
    },
    /// A mailbox given for a plus address is not of the form `local@domain`.
    #[error(
        "{mailbox:?} cannot carry a reply token: {reason}; pass a plain address such as support@example.com"
    )]
    InvalidMailbox {
        /// The rejected mailbox.
        mailbox: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl EmailError {
    /// Codes [`parse_email`](super::parse_email) can return.
    pub const INTAKE_CODES: &'static [&'static str] = &[
        "too_large",
        "not_an_email",
        "missing_sender",
        "no_content",
        "text_too_large",
    ];

    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::TooLarge { .. } => "too_large",
            EmailError::NotAnEmail { .. } => "not_an_email",
            EmailError::MissingSender { .. } => "missing_sender",
            EmailError::NoContent => "no_content",
            EmailError::TextTooLarge { .. } => "text_too_large",
            EmailError::InvalidReplyToken { .. } => "invalid_reply_token",
            EmailError::InvalidCaseRef { .. } => "invalid_case_ref",
            EmailError::InvalidMailbox { .. } => "invalid_mailbox",
        }
    }
}
