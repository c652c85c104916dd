//! Errors of releases, the outbox, ratings and stats (codes from 60).

use thiserror::Error;

use crate::error::{Error, ErrorCode};
use crate::protocol::ProtocolError;

/// A failure of the loop-closing operations: releases, notifications, ratings, stats.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum LoopError {
    /// A core error (not found, forbidden, invalid input, storage).
    #[error(transparent)]
    Core(#[from] Error),
    /// A release is not acceptable.
    #[error("the release is invalid: {0}")]
    InvalidRelease(String),
    /// A rating token is malformed or forged.
    #[error("the rating link is not valid: {0}")]
    InvalidRatingToken(String),
    /// A rating token was already used.
    #[error("this solve of {case} was already rated; each link rates once")]
    RatingAlreadyGiven {
        /// The case key.
        case: String,
    },
    /// A rating token expired or its solve was undone.
    #[error("the rating link expired: {0}")]
    RatingTokenExpired(String),
    /// An unknown notification id.
    #[error("no notification '{0}' in the outbox: ack the ids `notifications` returned")]
    UnknownNotification(String),
    /// A period or filter is invalid.
    #[error("invalid period: {0}")]
    InvalidPeriod(String),
}

impl LoopError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            LoopError::Core(e) => e.code(),
            LoopError::InvalidRelease(_) => ErrorCode::InvalidRelease,
            LoopError::InvalidRatingToken(_) => ErrorCode::InvalidRatingToken,
            LoopError::RatingAlreadyGiven { .. } => ErrorCode::RatingAlreadyGiven,
            LoopError::RatingTokenExpired(_) => ErrorCode::RatingTokenExpired,
            LoopError::UnknownNotification(_) => ErrorCode::UnknownNotification,
            LoopError::InvalidPeriod(_) => ErrorCode::InvalidPeriod,
        }
    }
}

impl From<LoopError> for ProtocolError {
    fn from(e: LoopError) -> Self {
        ProtocolError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<crate::store::StoreError> for LoopError {
    fn from(e: crate::store::StoreError) -> Self {
        LoopError::Core(e.into())
    }
}

/// The result type of the loop-closing modules.
pub type LoopResult<T> = std::result::Result<T, LoopError>;

pub(crate) fn internal(e: impl std::fmt::Display) -> LoopError {
    LoopError::Core(Error::Internal(e.to_string()))
}
