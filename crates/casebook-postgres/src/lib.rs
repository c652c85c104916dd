//! A Casebook [`Store`](casebook::store::Store) on a PostgreSQL server, for hosts that run several
//! app servers on one database.
//!
//! [`PgStore`] keeps the log in three tables of one schema (`events`, `streams`, `head`, plus
//! `meta` for the schema version, and an `append` function). Every append is one autocommit
//! call of that server-side function, one round trip, which takes the row lock on the single
//! `head` row first and holds it until commit, so global positions are handed out in commit order and
//! without gaps: a reader that has seen position `N` never later sees a new event below `N`.
//! The price is that appends to one casebook are serialised on the server (one commit, with its
//! WAL flush, at a time); hosts that need more write throughput partition casebooks across
//! schemas or databases (see `docs/scaling.md`).
//!
//! Per-stream optimistic concurrency is checked under that lock with a guarded
//! `UPDATE streams ... WHERE version = expected` (or an insert for a new stream), with unique
//! constraints on `(stream, seq)` and `position` as the last line of defence.
//!
//! Other app servers follow the log with [`PgStore::wait_for_change`], which wakes on the
//! `NOTIFY` sent in every append and polls as a fallback.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod conn;
mod follow;
mod schema;
mod store;

pub use schema::{DEFAULT_SCHEMA, SCHEMA_VERSION};
pub use store::PgStore;
