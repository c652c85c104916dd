//! Casebook: an embeddable customer-support engine.
//!
//! The core is pure: no I/O, no clock, no randomness of its own. Time and ids are injected,
//! commands go in and events come out, and the state of every case is a fold of its events.
//!
//! ```
//! use casebook::{Actor, Casebook, MemoryStore, Report, Role, SeededIds};
//! let now = "2026-11-23T09:00:00Z".parse().unwrap();
//! let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
//! let me = Actor::with_id(Role::Customer, "u1");
//! let report = Report { description: "Export to PDF crashes".into(), ..Report::default() };
//! let id = book.report(&report, &me, now).unwrap();
//! assert_eq!(book.key_of(book.cases().get(id).unwrap()), "CB-1");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actor;
pub mod calendar;
pub mod case;
pub mod clocks;
pub mod command;
pub mod config;
pub mod deadlines;
pub mod decide;
mod derived;
#[cfg(feature = "email")]
pub mod email;
pub mod engine;
pub mod error;
pub mod escalation;
pub mod event;
pub mod fold;
pub mod ids;
pub mod intake;
pub mod knowledge;
pub mod limits;
pub mod outbox;
pub mod outcome;
pub mod policy;
pub mod portability;
pub mod protocol;
pub mod query;
pub mod rating;
mod reads;
pub mod release;
pub mod roadmap;
pub mod search;
pub mod similar;
pub mod sla;
pub mod snapshot;
pub mod stats;
pub mod store;
pub mod summary;
pub mod table;
pub mod tick;
pub mod token;
pub mod view;
pub mod view_json;
pub mod workflow;

pub use actor::{Actor, Role};
pub use case::{Case, Channel, Diagnostics, Priority, Reporter, Visibility};
pub use command::{CaseCommand, OnBehalfOf, Report};
pub use engine::Casebook;
pub use error::{Error, ErrorCode, Result};
pub use event::{Change, Event};
pub use ids::{CaseId, IdSource, SeededIds};
pub use outcome::Outcome;
pub use snapshot::{Opened, SnapshotError};
pub use store::{MemoryStore, Store, StoreError};
pub use workflow::Workflow;
