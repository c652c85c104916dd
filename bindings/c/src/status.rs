//! Status codes: one per core error code (same number, same name), plus a few that only the C
//! boundary can produce, numbered above 1000. Values are never reused.

use std::ffi::{CStr, c_char};

use casebook_core::ErrorCode;

/// The result of every fallible `casebook_` function. `CASEBOOK_OK` (0) is success; codes 1 to
/// 999 are the core's stable error codes (the `code` of JSON error responses, by number); codes
/// above 1000 come from the C boundary itself. A value, once given a meaning, is never reused.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum casebook_status {
    /// Success.
    CASEBOOK_OK = 0,
    /// The request is not valid JSON.
    CASEBOOK_MALFORMED_JSON = 1,
    /// The request names an operation that does not exist.
    CASEBOOK_UNKNOWN_OP = 2,
    /// The request lacks a field or has one of the wrong type.
    CASEBOOK_INVALID_REQUEST = 3,
    /// A field's value is not acceptable.
    CASEBOOK_INVALID_INPUT = 4,
    /// A text or list is larger than its limit.
    CASEBOOK_TOO_LARGE = 5,
    /// No such case (or one the viewer may not see).
    CASEBOOK_NOT_FOUND = 6,
    /// The actor may not do this.
    CASEBOOK_FORBIDDEN = 7,
    /// The workflow has no such transition from the case's state.
    CASEBOOK_TRANSITION_NOT_ALLOWED = 8,
    /// The transition needs an outcome, or one of another kind.
    CASEBOOK_OUTCOME_REQUIRED = 9,
    /// The workflow names a state that does not exist.
    CASEBOOK_WORKFLOW_UNKNOWN_STATE = 10,
    /// A workflow state cannot be reached from the initial state.
    CASEBOOK_WORKFLOW_UNREACHABLE_STATE = 11,
    /// The workflow has no state where a case can end.
    CASEBOOK_WORKFLOW_NO_TERMINAL_STATE = 12,
    /// The workflow is malformed in another way.
    CASEBOOK_WORKFLOW_INVALID = 13,
    /// Another writer changed the case first; retry.
    CASEBOOK_CONFLICT = 14,
    /// The store failed (I/O, locking).
    CASEBOOK_STORAGE_FAILED = 15,
    /// The stored data is corrupt or from an incompatible version.
    CASEBOOK_STORAGE_CORRUPT = 16,
    /// The operation is not supported here.
    CASEBOOK_UNSUPPORTED = 17,
    /// A configuration document is invalid.
    CASEBOOK_INVALID_CONFIG = 18,
    /// An argument is invalid (an unknown role, a length that cannot be right).
    CASEBOOK_INVALID_ARGUMENT = 19,
    /// An internal error (a bug); the operation had no effect.
    CASEBOOK_INTERNAL = 20,
    /// A tracking token is malformed, forged, revoked or cannot be checked.
    CASEBOOK_INVALID_TOKEN = 21,
    /// A calendar in `configure` is invalid (bad time zone, hours, holidays, ...).
    CASEBOOK_CALENDAR_INVALID = 30,
    /// The SLA policy in `configure` is invalid, or names a calendar that is not defined.
    CASEBOOK_SLA_POLICY_INVALID = 31,
    /// An escalation rule in `configure` is invalid.
    CASEBOOK_RULE_INVALID = 32,
    /// An email could not be read as a message (malformed, too large, no sender).
    CASEBOOK_EMAIL_REFUSED = 40,
    /// No such knowledge article (or one the viewer may not see).
    CASEBOOK_ARTICLE_NOT_FOUND = 41,
    /// A document is not a casebook export this version can load.
    CASEBOOK_EXPORT_FORMAT = 50,
    /// An import was aimed at a casebook that already holds events.
    CASEBOOK_IMPORT_TARGET_NOT_EMPTY = 51,
    /// A release is invalid: no version, no cases, or a version already released.
    CASEBOOK_INVALID_RELEASE = 60,
    /// A rating link is malformed, forged or was not issued here.
    CASEBOOK_INVALID_RATING_TOKEN = 61,
    /// A rating link was already used for this solve.
    CASEBOOK_RATING_ALREADY_GIVEN = 62,
    /// A rating link expired, or the case was reopened since.
    CASEBOOK_RATING_TOKEN_EXPIRED = 63,
    /// A notification id that the outbox does not hold.
    CASEBOOK_UNKNOWN_NOTIFICATION = 64,
    /// A period or filter of `stats`, `trends` or `report` is invalid.
    CASEBOOK_INVALID_PERIOD = 65,
    /// The operation exists but is not in this build (a cargo feature of the core is off, e.g. in
    /// the page's WebAssembly module).
    CASEBOOK_UNSUPPORTED_OP = 70,
    /// A required pointer argument was NULL (a kind of `invalid_argument`).
    CASEBOOK_NULL_ARGUMENT = 1001,
    /// A text argument is not valid UTF-8 (a kind of `invalid_argument`).
    CASEBOOK_INVALID_UTF8 = 1002,
    /// The library panicked; the panic was caught at the boundary (a kind of `internal`).
    CASEBOOK_PANIC = 1003,
    /// The pointer was not handed out by this library, or was already freed.
    CASEBOOK_NOT_OWNED = 1004,
    /// The handle is unusable after an earlier panic; free it and open a new one.
    CASEBOOK_POISONED = 1005,
}

use casebook_status::*;

impl casebook_status {
    /// Every status, in numeric order.
    pub const ALL: &'static [casebook_status] = &[
        CASEBOOK_OK,
        CASEBOOK_MALFORMED_JSON,
        CASEBOOK_UNKNOWN_OP,
        CASEBOOK_INVALID_REQUEST,
        CASEBOOK_INVALID_INPUT,
        CASEBOOK_TOO_LARGE,
        CASEBOOK_NOT_FOUND,
        CASEBOOK_FORBIDDEN,
        CASEBOOK_TRANSITION_NOT_ALLOWED,
        CASEBOOK_OUTCOME_REQUIRED,
        CASEBOOK_WORKFLOW_UNKNOWN_STATE,
        CASEBOOK_WORKFLOW_UNREACHABLE_STATE,
        CASEBOOK_WORKFLOW_NO_TERMINAL_STATE,
        CASEBOOK_WORKFLOW_INVALID,
        CASEBOOK_CONFLICT,
        CASEBOOK_STORAGE_FAILED,
        CASEBOOK_STORAGE_CORRUPT,
        CASEBOOK_UNSUPPORTED,
        CASEBOOK_INVALID_CONFIG,
        CASEBOOK_INVALID_ARGUMENT,
        CASEBOOK_INTERNAL,
        CASEBOOK_INVALID_TOKEN,
        CASEBOOK_CALENDAR_INVALID,
        CASEBOOK_SLA_POLICY_INVALID,
        CASEBOOK_RULE_INVALID,
        CASEBOOK_EMAIL_REFUSED,
        CASEBOOK_ARTICLE_NOT_FOUND,
        CASEBOOK_EXPORT_FORMAT,
        CASEBOOK_IMPORT_TARGET_NOT_EMPTY,
        CASEBOOK_INVALID_RELEASE,
        CASEBOOK_INVALID_RATING_TOKEN,
        CASEBOOK_RATING_ALREADY_GIVEN,
        CASEBOOK_RATING_TOKEN_EXPIRED,
        CASEBOOK_UNKNOWN_NOTIFICATION,
        CASEBOOK_INVALID_PERIOD,
        CASEBOOK_UNSUPPORTED_OP,
        CASEBOOK_NULL_ARGUMENT,
        CASEBOOK_INVALID_UTF8,
        CASEBOOK_PANIC,
        CASEBOOK_NOT_OWNED,
        CASEBOOK_POISONED,
    ];

    /// The status with this number, if any.
    pub fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as u32 == value)
    }

    /// The status of a core error code (same number). A code this build does not know maps to
    /// `CASEBOOK_INTERNAL`; a test keeps the two lists in step.
    pub fn from_code(code: ErrorCode) -> Self {
        Self::from_u32(code.value())
            .filter(|s| *s != CASEBOOK_OK)
            .unwrap_or(CASEBOOK_INTERNAL)
    }

    /// The snake_case name: the core code for 1 to 999, a C-only name above 1000.
    pub fn name(self) -> &'static CStr {
        match self {
            CASEBOOK_OK => c"ok",
            CASEBOOK_MALFORMED_JSON => c"malformed_json",
            CASEBOOK_UNKNOWN_OP => c"unknown_op",
            CASEBOOK_INVALID_REQUEST => c"invalid_request",
            CASEBOOK_INVALID_INPUT => c"invalid_input",
            CASEBOOK_TOO_LARGE => c"too_large",
            CASEBOOK_NOT_FOUND => c"not_found",
            CASEBOOK_FORBIDDEN => c"forbidden",
            CASEBOOK_TRANSITION_NOT_ALLOWED => c"transition_not_allowed",
            CASEBOOK_OUTCOME_REQUIRED => c"outcome_required",
            CASEBOOK_WORKFLOW_UNKNOWN_STATE => c"workflow_unknown_state",
            CASEBOOK_WORKFLOW_UNREACHABLE_STATE => c"workflow_unreachable_state",
            CASEBOOK_WORKFLOW_NO_TERMINAL_STATE => c"workflow_no_terminal_state",
            CASEBOOK_WORKFLOW_INVALID => c"workflow_invalid",
            CASEBOOK_CONFLICT => c"conflict",
            CASEBOOK_STORAGE_FAILED => c"storage_failed",
            CASEBOOK_STORAGE_CORRUPT => c"storage_corrupt",
            CASEBOOK_UNSUPPORTED => c"unsupported",
            CASEBOOK_INVALID_CONFIG => c"invalid_config",
            CASEBOOK_INVALID_ARGUMENT => c"invalid_argument",
            CASEBOOK_INTERNAL => c"internal",
            CASEBOOK_INVALID_TOKEN => c"invalid_token",
            CASEBOOK_CALENDAR_INVALID => c"calendar_invalid",
            CASEBOOK_SLA_POLICY_INVALID => c"sla_policy_invalid",
            CASEBOOK_RULE_INVALID => c"rule_invalid",
            CASEBOOK_EMAIL_REFUSED => c"email_refused",
            CASEBOOK_ARTICLE_NOT_FOUND => c"article_not_found",
            CASEBOOK_EXPORT_FORMAT => c"export_format",
            CASEBOOK_IMPORT_TARGET_NOT_EMPTY => c"import_target_not_empty",
            CASEBOOK_INVALID_RELEASE => c"invalid_release",
            CASEBOOK_INVALID_RATING_TOKEN => c"invalid_rating_token",
            CASEBOOK_RATING_ALREADY_GIVEN => c"rating_already_given",
            CASEBOOK_RATING_TOKEN_EXPIRED => c"rating_token_expired",
            CASEBOOK_UNKNOWN_NOTIFICATION => c"unknown_notification",
            CASEBOOK_INVALID_PERIOD => c"invalid_period",
            CASEBOOK_UNSUPPORTED_OP => c"unsupported_op",
            CASEBOOK_NULL_ARGUMENT => c"null_argument",
            CASEBOOK_INVALID_UTF8 => c"invalid_utf8",
            CASEBOOK_PANIC => c"panic",
            CASEBOOK_NOT_OWNED => c"not_owned",
            CASEBOOK_POISONED => c"poisoned",
        }
    }

    /// A generic message a person can act on; the handle's last error has the specific one.
    pub fn message(self) -> &'static CStr {
        match self {
            CASEBOOK_OK => c"success",
            CASEBOOK_MALFORMED_JSON => c"the request is not valid JSON",
            CASEBOOK_UNKNOWN_OP => c"the request names an operation that does not exist",
            CASEBOOK_INVALID_REQUEST => {
                c"the request lacks a field or has a field of the wrong type"
            }
            CASEBOOK_INVALID_INPUT => c"a field's value is not acceptable",
            CASEBOOK_TOO_LARGE => c"a text or list is larger than its limit: shorten it",
            CASEBOOK_NOT_FOUND => c"no such case, or one the viewer may not see",
            CASEBOOK_FORBIDDEN => c"the actor may not do this",
            CASEBOOK_TRANSITION_NOT_ALLOWED => {
                c"the workflow has no such transition from the case's state"
            }
            CASEBOOK_OUTCOME_REQUIRED => c"the transition needs an outcome",
            CASEBOOK_WORKFLOW_UNKNOWN_STATE => c"the workflow names a state that does not exist",
            CASEBOOK_WORKFLOW_UNREACHABLE_STATE => {
                c"a workflow state cannot be reached from the initial state"
            }
            CASEBOOK_WORKFLOW_NO_TERMINAL_STATE => {
                c"the workflow has no state where a case can end"
            }
            CASEBOOK_WORKFLOW_INVALID => c"the workflow is malformed",
            CASEBOOK_CONFLICT => c"another writer changed the case first: retry",
            CASEBOOK_STORAGE_FAILED => c"the store failed (I/O, locking): check the file and retry",
            CASEBOOK_STORAGE_CORRUPT => {
                c"the stored data is corrupt or from an incompatible version"
            }
            CASEBOOK_UNSUPPORTED => c"the operation is not supported here",
            CASEBOOK_INVALID_CONFIG => c"a configuration document is invalid",
            CASEBOOK_INVALID_ARGUMENT => c"an argument of the call is invalid",
            CASEBOOK_INTERNAL => {
                c"an internal error (please report it); the operation had no effect"
            }
            CASEBOOK_INVALID_TOKEN => {
                c"the tracking token is malformed, forged, revoked or cannot be checked"
            }
            CASEBOOK_CALENDAR_INVALID => {
                c"a calendar in `configure` is invalid (bad time zone, hours, holidays, ...)"
            }
            CASEBOOK_SLA_POLICY_INVALID => {
                c"the SLA policy in `configure` is invalid, or names a calendar that is not defined"
            }
            CASEBOOK_RULE_INVALID => c"an escalation rule in `configure` is invalid",
            CASEBOOK_EMAIL_REFUSED => {
                c"an email could not be read as a message (malformed, too large, no sender)"
            }
            CASEBOOK_ARTICLE_NOT_FOUND => {
                c"no such knowledge article (or one the viewer may not see)"
            }
            CASEBOOK_EXPORT_FORMAT => c"a document is not a casebook export this version can load",
            CASEBOOK_IMPORT_TARGET_NOT_EMPTY => {
                c"an import was aimed at a casebook that already holds events"
            }
            CASEBOOK_INVALID_RELEASE => {
                c"a release is invalid: no version, no cases, or a version already released"
            }
            CASEBOOK_INVALID_RATING_TOKEN => {
                c"a rating link is malformed, forged or was not issued here"
            }
            CASEBOOK_RATING_ALREADY_GIVEN => c"a rating link was already used for this solve",
            CASEBOOK_RATING_TOKEN_EXPIRED => {
                c"a rating link expired, or the case was reopened since"
            }
            CASEBOOK_UNKNOWN_NOTIFICATION => c"a notification id that the outbox does not hold",
            CASEBOOK_INVALID_PERIOD => {
                c"a period or filter of `stats`, `trends` or `report` is invalid"
            }
            CASEBOOK_UNSUPPORTED_OP => c"the operation is not in this build of Casebook",
            CASEBOOK_NULL_ARGUMENT => c"a required pointer argument was NULL",
            CASEBOOK_INVALID_UTF8 => c"a text argument is not valid UTF-8",
            CASEBOOK_PANIC => {
                c"the library panicked (a bug, please report it); the panic was caught"
            }
            CASEBOOK_NOT_OWNED => {
                c"the pointer was not handed out by this library, or was already freed"
            }
            CASEBOOK_POISONED => {
                c"the handle is unusable after an earlier panic: free it and open a new one"
            }
        }
    }
}

/// The snake_case name of a status ("ok", "not_found", "null_argument", ...): for 1 to 999 the
/// same string as the `code` of JSON error responses.
///
/// Never returns NULL: an unknown value gives "unknown". The string is static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn casebook_status_name(status: u32) -> *const c_char {
    casebook_status::from_u32(status).map_or(c"unknown".as_ptr(), |s| s.name().as_ptr())
}

/// A generic English message for a status, for logs and error dialogs. For the detailed message
/// of a handle's last failure, use `casebook_last_error`.
///
/// Never returns NULL: an unknown value gives "unknown status". The string is static (NUL
/// terminated, valid for the life of the program): do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn casebook_status_message(status: u32) -> *const c_char {
    casebook_status::from_u32(status).map_or(c"unknown status".as_ptr(), |s| s.message().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_a_status_with_the_same_value_and_name() {
        for code in ErrorCode::ALL {
            let status = casebook_status::from_u32(code.value())
                .unwrap_or_else(|| panic!("no C status for {}", code.as_str()));
            assert_eq!(status.name().to_str().unwrap(), code.as_str());
            assert_eq!(
                format!("{status:?}"),
                format!("CASEBOOK_{}", code.as_str().to_ascii_uppercase())
            );
            assert_eq!(casebook_status::from_code(*code), status);
        }
    }

    #[test]
    fn statuses_are_unique_ordered_and_c_only_ones_are_above_1000() {
        let values: Vec<u32> = casebook_status::ALL.iter().map(|s| *s as u32).collect();
        assert!(values.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(values[0], 0);
        for s in casebook_status::ALL.iter().skip(1) {
            let core = ErrorCode::ALL.iter().any(|c| c.value() == *s as u32);
            assert!(
                core || *s as u32 > 1000,
                "{s:?} is neither a core code nor above 1000"
            );
            assert!(!s.message().to_bytes().is_empty());
            let upper = s.name().to_str().unwrap().to_ascii_uppercase();
            assert_eq!(format!("{s:?}"), format!("CASEBOOK_{upper}"));
        }
    }

    #[test]
    fn unknown_values_have_static_fallbacks() {
        // SAFETY: the functions return pointers to static NUL-terminated strings.
        let name = unsafe { CStr::from_ptr(casebook_status_name(999_999)) };
        let msg = unsafe { CStr::from_ptr(casebook_status_message(999_999)) };
        assert_eq!(name.to_str().unwrap(), "unknown");
        assert_eq!(msg.to_str().unwrap(), "unknown status");
        let nf = unsafe { CStr::from_ptr(casebook_status_name(6)) };
        assert_eq!(nf.to_str().unwrap(), "not_found");
    }
}
