//! Which protocol operations this build contains.
//!
//! Server-side operations sit behind cargo features of the core (all on by default), so a small
//! build, such as the page's WebAssembly module, can leave them out. Their names stay known: a
//! request for one is answered with `unsupported_op` and a message naming the feature, never
//! with `unknown_op`.

use super::Op;

/// The operations that cargo features can leave out: (operation, feature, in this build).
const GATED: &[(&str, &str, bool)] = &[
    ("release", "releases", cfg!(feature = "releases")),
    ("release_notes", "releases", cfg!(feature = "releases")),
    ("confirm_fix", "releases", cfg!(feature = "releases")),
    ("notifications", "releases", cfg!(feature = "releases")),
    ("ack", "releases", cfg!(feature = "releases")),
    ("subscribe", "releases", cfg!(feature = "releases")),
    ("broadcast", "releases", cfg!(feature = "releases")),
    ("atom_feed", "releases", cfg!(feature = "releases")),
    ("stats", "stats", cfg!(feature = "stats")),
    ("trends", "stats", cfg!(feature = "stats")),
    ("ingest_email", "email", cfg!(feature = "email")),
    ("record_outbound", "email", cfg!(feature = "email")),
    ("export", "portability", cfg!(feature = "portability")),
    ("import", "portability", cfg!(feature = "portability")),
    ("erase", "portability", cfg!(feature = "portability")),
    (
        "merge_identity",
        "portability",
        cfg!(feature = "portability"),
    ),
];

/// The cargo feature that has `op`, when this build leaves it out; `None` for an operation this
/// build contains (or a name that is no operation at all).
pub fn missing_feature(op: &str) -> Option<&'static str> {
    GATED
        .iter()
        .find(|(name, _, on)| *name == op && !on)
        .map(|(_, feature, _)| *feature)
}

/// The operations this build contains, in the order of [`Op::NAMES`].
pub fn available_ops() -> Vec<&'static str> {
    Op::NAMES
        .iter()
        .copied()
        .filter(|op| missing_feature(op).is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gated_name_is_an_operation() {
        for (name, _, _) in GATED {
            assert!(Op::NAMES.contains(name), "{name}");
        }
    }

    #[test]
    fn available_ops_follow_the_features() {
        let ops = available_ops();
        assert!(ops.contains(&"report") && ops.contains(&"list") && ops.contains(&"rate"));
        assert_eq!(ops.contains(&"stats"), cfg!(feature = "stats"));
        assert_eq!(ops.contains(&"release"), cfg!(feature = "releases"));
        assert_eq!(ops.contains(&"export"), cfg!(feature = "portability"));
        assert_eq!(ops.contains(&"ingest_email"), cfg!(feature = "email"));
        assert_eq!(missing_feature("report"), None);
        assert_eq!(missing_feature("fly"), None);
    }

    /// Without the `stats` feature (e.g. `cargo test -p casebook --no-default-features`), a
    /// `stats` request is refused with `unsupported_op`, not mistaken for an unknown op.
    #[cfg(not(feature = "stats"))]
    #[test]
    fn a_left_out_op_answers_unsupported_op() {
        use crate::{Casebook, MemoryStore, SeededIds};
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let line =
            r#"{"op":"stats","as":{"role":"admin"},"period":"2026-01-01..2026-01-31","id":"r1"}"#;
        let answer: serde_json::Value =
            serde_json::from_str(&super::super::execute_line(&mut book, line, now)).unwrap();
        assert_eq!(answer["ok"], false);
        assert_eq!(answer["id"], "r1");
        assert_eq!(answer["error"]["code"], "unsupported_op");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("not in this build") && message.contains("\"stats\""));
    }
}
