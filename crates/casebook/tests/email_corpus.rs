//! Every message of the real-world corpus in `tests/data/email-corpus/` (from the mail-parser
//! crate's test resources, Apache-2.0 OR MIT; see the NOTICE there) is either accepted as an
//! [`InboundEmail`] or refused with a documented error code, and none panics.

#![cfg(feature = "email")]

use casebook::email::{AutoKind, EmailError, EmailLimits, InboundEmail, parse_email};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/email-corpus")
}

fn load(name: &str) -> Vec<u8> {
    let path = corpus_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse(name: &str) -> Result<InboundEmail, EmailError> {
    parse_email(&load(name), &EmailLimits::default())
}

fn accepted(name: &str) -> InboundEmail {
    parse(name).unwrap_or_else(|e| panic!("{name} was refused: {} ({e})", e.code()))
}

#[test]
fn whole_corpus_is_accepted_or_refused_without_panic() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 107, "the corpus should hold 107 messages");

    let mut ok = 0;
    let mut refused: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut auto: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut panicked = Vec::new();
    for name in &names {
        let raw = load(name);
        let outcome = std::panic::catch_unwind(|| parse_email(&raw, &EmailLimits::default()));
        match outcome {
            Err(_) => panicked.push(name.clone()),
            Ok(Ok(m)) => {
                ok += 1;
                assert!(!m.from.address.is_empty(), "{name}: empty sender");
                assert!(
                    m.from.address.contains('@'),
                    "{name}: sender {:?}",
                    m.from.address
                );
                assert!(
                    !m.original_text.trim().is_empty()
                        || !m.subject.is_empty()
                        || !m.attachments.is_empty(),
                    "{name}: accepted without text, subject or attachment"
                );
                assert!(
                    m.text.len() <= m.original_text.len() + 1,
                    "{name}: text grew"
                );
                assert!(
                    !m.text.contains('\0') && !m.original_text.contains('\0'),
                    "{name}: NUL"
                );
                if let Some(k) = m.auto {
                    *auto.entry(k.code()).or_default() += 1;
                }
            }
            Ok(Err(e)) => {
                assert!(
                    EmailError::INTAKE_CODES.contains(&e.code()),
                    "{name}: undocumented code {}",
                    e.code()
                );
                assert!(!e.to_string().is_empty());
                refused.entry(e.code()).or_default().push(name.clone());
            }
        }
    }
    println!("email corpus: {} messages, {ok} accepted", names.len());
    for (code, files) in &refused {
        println!("  refused {code}: {} {:?}", files.len(), files);
    }
    for (kind, n) in &auto {
        println!("  auto {kind}: {n}");
    }
    assert!(panicked.is_empty(), "these messages panicked: {panicked:?}");
    assert!(
        ok >= 70,
        "only {ok} of {} messages were accepted",
        names.len()
    );
}
