//! How a [`crate::SqliteStore`] opens its file.

use std::time::Duration;

/// When an acknowledged append is safe.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Durability {
    /// `synchronous = FULL`: every append is fsync'd before it returns. An acknowledged append
    /// survives a process crash, an operating-system crash and a power loss. The default.
    #[default]
    Full,
    /// `synchronous = NORMAL`: appends are written to the write-ahead log but fsync'd only at
    /// checkpoints. An acknowledged append survives a process crash; after a power loss or an
    /// operating-system crash the last appends may be lost (the file stays consistent).
    Normal,
}

impl Durability {
    /// The value of SQLite's `synchronous` pragma for this mode.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

/// Options for [`crate::SqliteStore::open`]. Start from `SqliteOptions::default()` and set the
/// fields or use the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// When an acknowledged append is safe; [`Durability::Full`] by default.
    pub durability: Durability,
    /// How long an append waits for another writer (thread or process) to release the file
    /// before failing with `storage_failed`; 5 seconds by default.
    pub busy_timeout: Duration,
    /// Create the file when it does not exist (true by default). When false, opening a missing
    /// file fails with `storage_failed`.
    pub create_if_missing: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Full,
            busy_timeout: Duration::from_secs(5),
            create_if_missing: true,
        }
    }
}

impl SqliteOptions {
    /// Sets the durability mode.
    pub fn with_durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// Sets how long to wait for a lock held by another writer.
    pub fn with_busy_timeout(mut self, busy_timeout: Duration) -> Self {
        self.busy_timeout = busy_timeout;
        self
    }

    /// Sets whether a missing file is created.
    pub fn with_create_if_missing(mut self, create_if_missing: bool) -> Self {
        self.create_if_missing = create_if_missing;
        self
    }
}
