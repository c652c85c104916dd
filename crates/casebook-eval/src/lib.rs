//! Duplicate-detection evaluation of Casebook's similar-case search on bug-tracker exports.
//!
//! Reads GitBugs / Jira CSV exports ([`read_bugs`], [`read_pairs`]) and runs the recall-rate
//! protocol used in the duplicate-detection literature ([`evaluate`]): duplicate groups are built
//! from the pairs with union-find; every group member except the earliest is a query; the
//! candidates of a query are the reports created before it, within a window (365 days); a query
//! is a hit at `k` when any member of its group is among the top `k`. The result reports RR@1,
//! RR@5, RR@10 and the mean reciprocal rank.
//!
//! Two rankers run through the same code path: [`Method::PlainBm25`] (one field holding
//! summary + description, plain word tokens) as the baseline, and [`Method::Casebook`], the
//! field-weighted, code-aware configuration Casebook uses for similar cases.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod gitbugs;
mod method;
mod protocol;

pub use gitbugs::{BugReport, parse_date, read_bugs, read_pairs};
pub use method::{CasebookParams, Method};
pub use protocol::{Comparison, Config, Evaluation, compare, evaluate};

/// Errors reading evaluation data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A required column is absent from the header row.
    #[error("the CSV has no `{column}` column; check the header row of the export")]
    MissingColumn {
        /// The column that is missing.
        column: String,
    },
    /// The CSV itself is malformed (unbalanced quotes, wrong number of cells, bad UTF-8).
    #[error("malformed CSV at line {line}: {reason}")]
    Csv {
        /// 1-based line of the problem.
        line: u64,
        /// What the CSV reader reported.
        reason: String,
    },
    /// A row is well-formed CSV but a value is unusable.
    #[error("bad row at line {line}: {reason}")]
    BadRow {
        /// 1-based line where the row starts.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The ranker's parameters are out of range.
    #[error("invalid ranker parameters: {0}")]
    InvalidParameters(#[from] casebook::search::SearchError),
    /// A file could not be opened or read.
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The operating-system error.
        reason: String,
    },
}

impl EvalError {
    /// Stable snake_case code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingColumn { .. } => "missing_column",
            Self::Csv { .. } => "bad_csv",
            Self::BadRow { .. } => "bad_row",
            Self::InvalidParameters(_) => "invalid_parameters",
            Self::Io { .. } => "io",
        }
    }
}

/// Reads a bug CSV from a file.
pub fn read_bugs_file(path: &std::path::Path) -> Result<Vec<BugReport>, EvalError> {
    read_bugs(open(path)?)
}

/// Reads a pairs CSV from a file.
pub fn read_pairs_file(path: &std::path::Path) -> Result<Vec<(String, String)>, EvalError> {
    read_pairs(open(path)?)
}

fn open(path: &std::path::Path) -> Result<std::fs::File, EvalError> {
    std::fs::File::open(path).map_err(|e| EvalError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
