//! Helpers shared by the engine benchmarks: fixtures, the plain-SQLite baseline, system probes
//! (resident memory, fsync rate, a counting allocator) and the summary printed at the end.

pub mod fixtures;
pub mod plain;
pub mod summary;
pub mod sys;
