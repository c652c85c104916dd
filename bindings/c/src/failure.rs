//! A failed call: its status and the detailed message kept as the handle's last error.

use casebook_core::protocol::ProtocolError;

use crate::status::casebook_status;

/// Why a call failed, with a message a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: casebook_status,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(status: casebook_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        Self::new(
            casebook_status::CASEBOOK_NULL_ARGUMENT,
            format!("{what} is NULL: pass a valid pointer"),
        )
    }
}

impl From<ProtocolError> for Failure {
    fn from(e: ProtocolError) -> Self {
        Self::new(casebook_status::from_code(e.code), e.message)
    }
}

impl From<casebook_core::Error> for Failure {
    fn from(e: casebook_core::Error) -> Self {
        Self::new(casebook_status::from_code(e.code()), e.to_string())
    }
}
