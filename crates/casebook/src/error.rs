//! Errors of the core, and the stable codes every surface (Rust, JSON, C, JavaScript) shares.

use crate::store::StoreError;
use crate::workflow::WorkflowError;
use thiserror::Error;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $value:literal => $code:literal,)*) => {
        /// The stable code of an error. The numeric value is the C status code and is never
        /// reused; the string is the `code` of JSON error responses and JavaScript errors.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant = $value,)*
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The code for a snake_case string.
            pub fn from_code(s: &str) -> Option<ErrorCode> {
                match s { $($code => Some(ErrorCode::$variant),)* _ => None }
            }

            /// The numeric (C status) value.
            pub fn value(self) -> u32 {
                self as u32
            }
        }
    };
}

error_codes! {
    /// The request is not valid JSON.
    MalformedJson = 1 => "malformed_json",
    /// The request names an operation that does not exist.
    UnknownOp = 2 => "unknown_op",
    /// The request lacks a field or has one of the wrong type.
    InvalidRequest = 3 => "invalid_request",
    /// A field's value is not acceptable.
    InvalidInput = 4 => "invalid_input",
    /// A text or list is larger than its limit.
    TooLarge = 5 => "too_large",
    /// No such case (or one the viewer may not see).
    NotFound = 6 => "not_found",
    /// The actor may not do this.
    Forbidden = 7 => "forbidden",
    /// The workflow has no such transition from the case's state.
    TransitionNotAllowed = 8 => "transition_not_allowed",
    /// The transition needs an outcome, or one of another kind.
    OutcomeRequired = 9 => "outcome_required",
    /// The workflow names a state that does not exist.
    WorkflowUnknownState = 10 => "workflow_unknown_state",
    /// A workflow state cannot be reached from the initial state.
    WorkflowUnreachableState = 11 => "workflow_unreachable_state",
    /// The workflow has no state where a case can end.
    WorkflowNoTerminalState = 12 => "workflow_no_terminal_state",
    /// The workflow is malformed in another way (duplicates, empty lists).
    WorkflowInvalid = 13 => "workflow_invalid",
    /// Another writer changed the case first; retry.
    Conflict = 14 => "conflict",
    /// The store failed (I/O, locking, connection).
    StorageFailed = 15 => "storage_failed",
    /// The stored data is corrupt or from an incompatible version.
    StorageCorrupt = 16 => "storage_corrupt",
    /// The operation is not supported here.
    Unsupported = 17 => "unsupported",
    /// A configuration document is invalid.
    InvalidConfig = 18 => "invalid_config",
    /// An argument of the host's call is invalid (a null pointer, invalid UTF-8).
    InvalidArgument = 19 => "invalid_argument",
    /// An internal error (a bug); the operation had no effect.
    Internal = 20 => "internal",
    /// A tracking token is malformed, forged, revoked or cannot be checked.
    InvalidToken = 21 => "invalid_token",
    /// A calendar in `configure` is invalid (bad time zone, hours, holidays, ...).
    CalendarInvalid = 30 => "calendar_invalid",
    /// The SLA policy in `configure` is invalid, or names a calendar that is not defined.
    SlaPolicyInvalid = 31 => "sla_policy_invalid",
    /// An escalation rule in `configure` is invalid.
    RuleInvalid = 32 => "rule_invalid",
    /// An email could not be read as a message (malformed, too large, no sender).
    EmailRefused = 40 => "email_refused",
    /// No such knowledge article (or one the viewer may not see).
    ArticleNotFound = 41 => "article_not_found",
    /// A document is not a casebook export this version can load.
    ExportFormat = 50 => "export_format",
    /// An import was aimed at a casebook that already holds events.
    ImportTargetNotEmpty = 51 => "import_target_not_empty",
    /// A release is invalid: no version, no cases, or a version already released.
    InvalidRelease = 60 => "invalid_release",
    /// A rating link is malformed, forged or was not issued here.
    InvalidRatingToken = 61 => "invalid_rating_token",
    /// A rating link was already used for this solve.
    RatingAlreadyGiven = 62 => "rating_already_given",
    /// A rating link expired, or the case was reopened since.
    RatingTokenExpired = 63 => "rating_token_expired",
    /// A notification id that the outbox does not hold.
    UnknownNotification = 64 => "unknown_notification",
    /// A period or filter of `stats`, `trends` or `report` is invalid.
    InvalidPeriod = 65 => "invalid_period",
    /// The operation exists but is not in this build (a cargo feature of the core is off, e.g. in
    /// the page's WebAssembly module).
    UnsupportedOp = 70 => "unsupported_op",
}

/// An error of the core engine.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// No such case, or one the viewer may not see (the two are indistinguishable on purpose).
    #[error("no case {reference} here: check the id or key (CB-42), and that you may see it")]
    NotFound {
        /// The reference as given.
        reference: String,
    },
    /// The actor may not do this.
    #[error("{action} is not allowed for {role}: {why}")]
    Forbidden {
        /// What was attempted.
        action: String,
        /// The actor's role.
        role: String,
        /// Why not, and what would be allowed.
        why: String,
    },
    /// A value is not acceptable.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The field.
        field: String,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A text or list is over its limit.
    #[error("{field} is {actual} {unit}, over the limit of {limit}: shorten it")]
    TooLarge {
        /// The field.
        field: String,
        /// The limit.
        limit: usize,
        /// The size given.
        actual: usize,
        /// "bytes" or "entries".
        unit: &'static str,
    },
    /// The workflow has no such transition for this case.
    #[error("a case in state '{from}' cannot go to '{to}'{hint}")]
    TransitionNotAllowed {
        /// The current state.
        from: String,
        /// The requested state.
        to: String,
        /// What would be allowed.
        hint: String,
    },
    /// The transition needs an outcome of one of some kinds.
    #[error("going to '{to}' needs an outcome of kind {kinds}: add \"outcome\":{{\"kind\":...}}")]
    OutcomeRequired {
        /// The target state.
        to: String,
        /// The allowed kinds, comma-separated.
        kinds: String,
    },
    /// A workflow document is invalid.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    /// A configuration document is invalid.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operation is not supported.
    #[error("{0} is not supported")]
    Unsupported(String),
    /// A tracking token is not valid.
    #[error("the tracking token is not valid: {0}")]
    InvalidToken(String),
    /// A calendar of the configuration is invalid.
    #[error("calendar {name:?}: {source} ({code})", code = source.code())]
    Calendar {
        /// The calendar's name.
        name: String,
        /// What is wrong.
        source: crate::calendar::CalendarError,
    },
    /// The SLA policy of the configuration is invalid.
    #[error("sla_policy: {0} ({code})", code = .0.code())]
    SlaPolicy(crate::sla::SlaError),
    /// An escalation rule of the configuration is invalid.
    #[error(transparent)]
    Rule(#[from] crate::escalation::RuleError),
    /// A bug: the operation had no effect.
    #[error("internal error (please report it): {0}")]
    Internal(String),
    /// An email could not be taken in.
    #[error("the email was refused ({reason}): {message}")]
    EmailRefused {
        /// The email module's code of the reason, e.g. `no_sender`.
        reason: String,
        /// What is wrong with the message.
        message: String,
    },
    /// No such knowledge article, or one the viewer may not see.
    #[error("no article '{id}' here: check the id, and that you may see it")]
    ArticleNotFound {
        /// The id as given.
        id: String,
    },
    /// An export or import failed.
    #[error(transparent)]
    Portability(#[from] crate::portability::PortabilityError),
}

impl Error {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::TooLarge { .. } => ErrorCode::TooLarge,
            Error::TransitionNotAllowed { .. } => ErrorCode::TransitionNotAllowed,
            Error::OutcomeRequired { .. } => ErrorCode::OutcomeRequired,
            Error::Workflow(w) => w.code(),
            Error::InvalidConfig(_) => ErrorCode::InvalidConfig,
            Error::Store(s) => match s {
                StoreError::Conflict { .. } => ErrorCode::Conflict,
                StoreError::Corrupt(_) => ErrorCode::StorageCorrupt,
                StoreError::Unsupported(_) => ErrorCode::Unsupported,
                _ => ErrorCode::StorageFailed,
            },
            Error::Unsupported(_) => ErrorCode::Unsupported,
            Error::Internal(_) => ErrorCode::Internal,
            Error::InvalidToken(_) => ErrorCode::InvalidToken,
            Error::Calendar { .. } => ErrorCode::CalendarInvalid,
            Error::SlaPolicy(_) => ErrorCode::SlaPolicyInvalid,
            Error::Rule(_) => ErrorCode::RuleInvalid,
            Error::EmailRefused { .. } => ErrorCode::EmailRefused,
            Error::ArticleNotFound { .. } => ErrorCode::ArticleNotFound,
            Error::Portability(p) => p.code(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn forbidden(
        action: impl Into<String>,
        role: crate::Role,
        why: impl Into<String>,
    ) -> Self {
        Error::Forbidden {
            action: action.into(),
            role: role.as_str().into(),
            why: why.into(),
        }
    }
}

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut values: Vec<u32> = ErrorCode::ALL.iter().map(|c| c.value()).collect();
        values.dedup();
        assert_eq!(values.len(), ErrorCode::ALL.len());
        assert!(
            values.windows(2).all(|w| w[0] < w[1]),
            "codes are listed in numeric order"
        );
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.as_str()), Some(*c));
            assert!(
                c.as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_')
            );
        }
        assert_eq!(ErrorCode::from_code("nope"), None);
    }
}
