//! The embedded default store of Casebook: the [`casebook::store::Store`] contract on one SQLite
//! file in write-ahead-log mode.
//!
//! ```
//! use casebook::store::{Commit, Store};
//! use casebook_sqlite::{Durability, SqliteOptions, SqliteStore};
//!
//! let dir = tempfile::tempdir()?;
//! let opts = SqliteOptions::default().with_durability(Durability::Full);
//! let mut store = SqliteStore::open(dir.path().join("casebook.db"), opts)?;
//! let head = store.append(&[Commit {
//!     stream: "case/1".into(),
//!     expected_version: 0,
//!     payloads: vec![r#"{"opened":true}"#.into()],
//! }])?;
//! assert_eq!(head, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! See `docs/storage.md` for the layout, the durability modes and the measured figures.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod erasures;
mod error;
mod options;
mod schema;
mod snapshots;
mod store;

pub use options::{Durability, SqliteOptions};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use store::SqliteStore;
