//! The shared protocol fixtures (`tests/fixtures/*.json`), for the test suites of every surface.

use std::path::{Path, PathBuf};

/// The fixture files under the repository root `root`, in name order.
pub fn fixture_files(root: impl AsRef<Path>) -> Vec<PathBuf> {
    let dir = root.as_ref().join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}
