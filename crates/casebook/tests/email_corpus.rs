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

#[test]
fn german_reply_with_attached_messages() {
    let m = accepted("thirdparty-015.eml");
    assert_eq!(m.from.address, "jsterr@proxforge.de");
    assert_eq!(m.from.name.as_deref(), Some("Jonas Sterr - ProxForge"));
    assert_eq!(m.subject, "Re: (#5290765) Proxmox Shop E-Mails");
    assert_eq!(
        m.message_id.as_deref(),
        Some("7da78721a8a234894af702fe25fc64a5@proxforge.de")
    );
    assert_eq!(
        m.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-02-13T21:38:16+00:00")
    );
    assert!(m.text.starts_with("Hallo Stoiko,"));
    // The "--" signature is gone from the new text but kept in the original.
    assert!(m.text.ends_with("Beste Grüße"), "{:?}", m.text);
    assert!(m.original_text.contains("Inhaber | ProxForge"));
    assert!(!m.text.contains("Inhaber"));
    let names: Vec<&str> = m
        .attachments
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    assert!(names.contains(&"training-mail.txt"), "{names:?}");
    assert!(
        m.attachments
            .iter()
            .all(|a| a.content_type == "message/rfc822")
    );
    assert_eq!(m.auto, None);
}

#[test]
fn mailing_list_post_is_flagged_as_list_mail() {
    let m = accepted("thirdparty-014.eml");
    assert_eq!(m.from.address, "calpas2007@yahoo.fr");
    assert_eq!(m.subject, "[Shapelib] need some help");
    assert_eq!(m.auto, Some(AutoKind::MailingList));
    assert!(m.text.starts_with("Dear all,"));
    assert!(m.text.contains("undefined reference to"));
}

#[test]
fn encoded_subjects_and_names_are_decoded() {
    // UTF-7 encoded word.
    let m = accepted("legacy-001.eml");
    assert_eq!(
        m.subject,
        "Die Hasen und die Frösche (Microsoft Outlook 00)"
    );
    assert!(
        m.to.iter()
            .any(|t| t.name.as_deref() == Some("Jürgen Schmürgen"))
    );
    // ISO-8859-1, HTML-only body.
    let m = accepted("legacy-002.eml");
    assert_eq!(m.subject, "Die Hasen und die Frösche");
    assert!(m.from_html);
    assert!(m.text.starts_with("Die Hasen und die Frösche"));
    assert!(!m.text.contains("<html"), "HTML converted to text");
}

#[test]
fn attachment_only_message_is_accepted() {
    let m = accepted("legacy-041.eml");
    assert_eq!(m.subject, "PNG graphic");
    assert!(m.text.is_empty());
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name.as_deref(), Some("redball.png"));
    assert!(m.attachments[0].size > 0);
}

#[test]
fn html_with_embedded_image() {
    let m = accepted("thirdparty-016.eml");
    assert!(m.from_html);
    assert_eq!(m.text, "Search for höhö");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].content_type, "image/png");
    assert!(m.attachments[0].inline);
}

#[test]
fn messages_without_a_usable_sender_are_refused() {
    // "From: Whomever" has no address.
    assert_eq!(
        parse("rfc-001.eml").unwrap_err(),
        EmailError::MissingSender {
            found: Some("Whomever".into())
        }
    );
    // "Moderator-Address <moderator>" has no domain.
    assert_eq!(
        parse("thirdparty-007.eml").unwrap_err().code(),
        "missing_sender"
    );
    // A bare MIME fragment without headers that name anyone.
    assert_eq!(
        parse("malformed-000.eml").unwrap_err().code(),
        "missing_sender"
    );
}
