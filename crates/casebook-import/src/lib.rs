//! Imports a CSV export in the shape of a Jira issue export into a Casebook: each row becomes a
//! case with its subject, description, priority, affected version (diagnostics `app_version`),
//! creation date, and its status reached through the casebook's workflow with an outcome, dated
//! at the row's resolution date. Which column means what, and how statuses, resolutions and
//! priorities translate, is a [`Mapping`] (JSON); [`Mapping::jira`] fits Jira exports.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod dates;
mod mapping;
mod run;

pub use dates::parse_date;
pub use mapping::{Columns, Mapping, StatusRule};
pub use run::{ImportReport, RowFailure, import_csv};

use thiserror::Error;

/// Why an import could not run at all (rows that fail are listed in the report instead).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The mapping document is invalid.
    #[error("invalid mapping: {0}")]
    Mapping(String),
    /// The CSV cannot be read (not CSV, not UTF-8, a missing column).
    #[error("the CSV cannot be read: {0}")]
    Csv(String),
    /// The casebook refused something that affects every row (its store failed).
    #[error(transparent)]
    Casebook(#[from] casebook::Error),
}

impl ImportError {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Mapping(_) => "invalid_mapping",
            ImportError::Csv(_) => "invalid_csv",
            ImportError::Casebook(e) => e.code().as_str(),
        }
    }
}
