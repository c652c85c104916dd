//! `parse_email` on hand-made messages: replies, tokens, limits, malformed input, charsets.

use super::*;
use crate::email::{ReplyToken, reply_address_for, subject_with_token};
use proptest::prelude::*;

fn ok(raw: &[u8]) -> InboundEmail {
    parse_email(raw, &EmailLimits::default())
        .unwrap_or_else(|e| panic!("refused: {} ({e})", e.code()))
}

fn code(raw: &[u8], limits: &EmailLimits) -> &'static str {
    match parse_email(raw, limits) {
        Ok(m) => panic!("accepted: {m:?}"),
        Err(e) => e.code(),
    }
}

const GMAIL_REPLY: &str = "Return-Path: <jane@example.org>\r
From: \"Jane Doe\" <jane@example.org>\r
To: Casebook Support <support+cb-0123456789abcdef@example.com>\r
Cc: boss@example.org, \"Ops\" <ops@example.org>\r
Subject: Re: Printer jams [CB-42 #feedfacecafe0042]\r
Message-ID: <CAF=reply-1@mail.example.org>\r
In-Reply-To: <outbound-7@example.com>\r
References: <first-1@example.org>\r
 <outbound-7@example.com>\r
Date: Mon, 4 Mar 2024 10:20:00 +0100\r
MIME-Version: 1.0\r
Content-Type: multipart/alternative; boundary=\"000alt\"\r
\r
--000alt\r
Content-Type: text/plain; charset=\"UTF-8\"\r
Content-Transfer-Encoding: quoted-printable\r
\r
Thanks, that fixed it. Gr=C3=BC=C3=9Fe!\r
\r
On Mon, Mar 4, 2024 at 10:15 AM Casebook Support <support@example.com>\r
wrote:\r
\r
> Please restart the printer.\r
>\r
--000alt\r
Content-Type: text/html; charset=\"UTF-8\"\r
\r
<div>Thanks, that fixed it.</div><blockquote>Please restart the printer.</blockquote>\r
--000alt--\r
";

#[test]
fn gmail_reply_is_parsed_and_stripped() {
    let m = ok(GMAIL_REPLY.as_bytes());
    assert_eq!(m.from.address, "jane@example.org");
    assert_eq!(m.from.name.as_deref(), Some("Jane Doe"));
    assert_eq!(m.to[0].address, "support+cb-0123456789abcdef@example.com");
    let cc: Vec<&str> = m.cc.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(cc, ["boss@example.org", "ops@example.org"]);
    assert_eq!(m.subject, "Re: Printer jams [CB-42 #feedfacecafe0042]");
    assert_eq!(
        m.message_id.as_deref(),
        Some("CAF=reply-1@mail.example.org")
    );
    assert_eq!(m.in_reply_to, ["outbound-7@example.com"]);
    assert_eq!(
        m.references,
        ["first-1@example.org", "outbound-7@example.com"]
    );
    assert_eq!(
        m.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-04T09:20:00+00:00")
    );
    assert_eq!(m.text, "Thanks, that fixed it. Grüße!");
    assert!(m.original_text.contains("> Please restart the printer."));
    assert!(!m.from_html);
    assert_eq!(m.auto, None);
    // The subject tag wins over the plus address.
    assert_eq!(
        m.reply_token.as_ref().map(|t| t.as_str()),
        Some("feedfacecafe0042")
    );
    assert!(m.attachments.is_empty());
}

#[test]
fn plus_address_token_when_subject_has_none() {
    let raw = GMAIL_REPLY.replace(" [CB-42 #feedfacecafe0042]", "");
    let m = ok(raw.as_bytes());
    assert_eq!(
        m.reply_token.as_ref().map(|t| t.as_str()),
        Some("0123456789abcdef")
    );
    // From Delivered-To when the visible recipient is an alias.
    let raw = "From: a@example.org\r\nTo: help@example.com\r\nDelivered-To: support+cb-aaaabbbbcccc@example.com\r\nSubject: x\r\n\r\nhi\r\n";
    assert_eq!(
        ok(raw.as_bytes()).reply_token.map(String::from).as_deref(),
        Some("aaaabbbbcccc")
    );
}

#[test]
fn tokens_written_by_the_formatters_come_back() {
    let token = ReplyToken::new("c0ffee00c0ffee00").expect("valid");
    let subject = subject_with_token("Printer jams", Some("42"), &token).expect("valid ref");
    let address = reply_address_for("support@example.com", &token).expect("valid mailbox");
    let by_subject = format!(
        "From: a@example.org\r\nTo: support@example.com\r\nSubject: RE: {subject}\r\n\r\nok\r\n"
    );
    assert_eq!(ok(by_subject.as_bytes()).reply_token, Some(token.clone()));
    let by_address = format!(
        "From: a@example.org\r\nTo: <{address}>\r\nSubject: Re: Printer jams\r\n\r\nok\r\n"
    );
    assert_eq!(ok(by_address.as_bytes()).reply_token, Some(token));
}

#[test]
fn html_only_reply_is_converted_and_stripped() {
    let raw = "From: jane@example.org\r\nSubject: Re: Login\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>It works &amp; thanks.</p><p>On Mon, Mar 4, 2024 at 10:15 AM Support &lt;support@example.com&gt; wrote:</p><blockquote><p>Try again.</p></blockquote></body></html>\r\n";
    let m = ok(raw.as_bytes());
    assert!(m.from_html);
    assert_eq!(m.text, "It works & thanks.");
    assert!(m.original_text.contains("Try again."));
    assert!(!m.original_text.contains("<p>"), "{:?}", m.original_text);
}

#[test]
fn forwards_keep_their_text() {
    let raw = "From: agent@example.com\r\nSubject: Fwd: Broken\r\n\r\nSee below.\r\n\r\n-----Original Message-----\r\nFrom: c@example.org\r\nSent: Monday\r\n\r\nIt is broken.\r\n";
    let m = ok(raw.as_bytes());
    assert!(m.text.contains("It is broken."), "{:?}", m.text);
}

#[test]
fn attachments_are_listed_with_metadata() {
    let raw = "From: jane@example.org\r\nSubject: logs\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n--b--\r\n";
    let m = ok(raw.as_bytes());
    assert_eq!(m.text, "See attached.");
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.name.as_deref(), Some("report.pdf"));
    assert_eq!(a.content_type, "application/pdf");
    assert_eq!(a.size, "Hello world".len());
    assert!(!a.inline);
}

#[test]
fn limits_refuse_or_truncate() {
    let raw = "From: jane@example.org\r\nSubject: long\r\n\r\nääääää\r\n".as_bytes();
    let tiny = EmailLimits {
        max_raw_bytes: 10,
        ..EmailLimits::default()
    };
    assert_eq!(code(raw, &tiny), "too_large");
    let cut = EmailLimits {
        max_text_bytes: 5,
        ..EmailLimits::default()
    };
    let m = parse_email(raw, &cut).expect("truncated, not refused");
    assert!(m.text_truncated);
    assert_eq!(
        m.original_text, "ää",
        "cut on a char boundary below 5 bytes"
    );
    assert_eq!(m.text, "ää");
    let refuse = EmailLimits {
        max_text_bytes: 5,
        text_overflow: TextOverflow::Refuse,
        ..EmailLimits::default()
    };
    assert_eq!(code(raw, &refuse), "text_too_large");
    assert!(!ok(raw).text_truncated);
}

#[test]
fn refusals_have_codes_and_helpful_messages() {
    let d = EmailLimits::default();
    assert_eq!(code(b"", &d), "not_an_email");
    assert_eq!(code(b" \r\n\t", &d), "not_an_email");
    assert_eq!(
        code(b"Subject: hi\r\n\r\nno sender\r\n", &d),
        "missing_sender"
    );
    let e = parse_email(b"From: Whomever\r\nSubject: x\r\n\r\nbody\r\n", &d).unwrap_err();
    assert_eq!(
        e,
        EmailError::MissingSender {
            found: Some("Whomever".into())
        }
    );
    assert!(e.to_string().contains("From header"), "{e}");
    assert_eq!(code(b"From: a@example.org\r\n\r\n \r\n", &d), "no_content");
    assert_eq!(
        code(b"From: a@example.org\r\nSubject:   \r\n\r\n", &d),
        "no_content"
    );
    for c in EmailError::INTAKE_CODES {
        assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    }
}

#[test]
fn sender_falls_back_to_sender_and_reply_to() {
    let raw = b"From: Support Team\r\nSender: robot@example.com\r\nSubject: x\r\n\r\nhi\r\n";
    assert_eq!(ok(raw).from.address, "robot@example.com");
    let raw = b"From: nobody\r\nReply-To: Jane <jane@example.org>\r\nSubject: x\r\n\r\nhi\r\n";
    let m = ok(raw);
    assert_eq!(m.from.address, "jane@example.org");
    assert_eq!(m.reply_to, None, "reply_to equal to from is not repeated");
}

#[test]
fn malformed_headers_are_tolerated() {
    let raw = b"From: <jane@example.org>\r\nDate: the day after tomorrow\r\nMessage-ID:\r\nIn-Reply-To: garbage without brackets\r\nThis line has no colon\r\nSubject: =?utf-8?B?broken base64?=\r\n\r\nbody\r\n";
    let m = ok(raw);
    assert_eq!(m.from.address, "jane@example.org");
    assert_eq!(m.date, None);
    assert_eq!(m.message_id, None);
    assert_eq!(m.original_text, "body");
}

#[test]
fn invalid_utf8_and_odd_charsets_decode_without_panic() {
    let mut raw = b"From: jane@example.org\r\nSubject: bytes\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbad \xff\xfe bytes\r\n".to_vec();
    let m = ok(&raw);
    assert!(
        m.text.starts_with("bad ") && m.text.ends_with(" bytes"),
        "{:?}",
        m.text
    );
    raw = b"From: jane@example.org\r\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\nPreis: 5\x80 f\xfcr M\xfcller\r\n".to_vec();
    let m = ok(&raw);
    assert_eq!(m.subject, "Grüße");
    assert_eq!(m.text, "Preis: 5€ für Müller");
    raw = b"From: jane@example.org\r\nSubject: jp\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\n\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\r\n".to_vec();
    assert_eq!(ok(&raw).text, "こんにちは");
    raw = b"From: jane@example.org\r\nSubject: odd\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nplain ascii \xe9\r\n".to_vec();
    assert_eq!(ok(&raw).text, "plain ascii \u{fffd}");
    raw = b"From: jane@example.org\r\nSubject: nul\r\n\r\na\x00b\x07c\r\n".to_vec();
    assert_eq!(ok(&raw).text, "abc");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 5_000;
    let mut raw = String::from("From: jane@example.org\r\nSubject: deep\r\n");
    for i in 0..depth {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\r\n\r\ninnermost\r\n");
    let m = ok(raw.as_bytes());
    assert_eq!(m.subject, "deep");
}

#[test]
fn message_ids_are_normalized() {
    assert_eq!(normalize_message_id(" <a@b> "), "a@b");
    assert_eq!(normalize_message_id("a@b"), "a@b");
    assert_eq!(normalize_message_id("<>"), "");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match parse_email(&raw, &EmailLimits::default()) {
            Ok(m) => prop_assert!(m.from.address.contains('@')),
            Err(e) => prop_assert!(EmailError::INTAKE_CODES.contains(&e.code())),
        }
    }

    #[test]
    fn header_shaped_noise_never_panics(
        lines in proptest::collection::vec(
            (
                prop::sample::select(vec!["From", "To", "Cc", "Subject", "Date", "Message-ID",
                    "References", "In-Reply-To", "Content-Type", "Content-Transfer-Encoding",
                    "Auto-Submitted", "Precedence", "List-Id", "Return-Path", "Delivered-To"]),
                "[ -~\u{80}-\u{10ff}]{0,60}",
            ),
            0..12,
        ),
        body in "[ -~\r\n\u{80}-\u{3000}]{0,400}",
        limit in 1usize..600,
    ) {
        let mut raw = String::new();
        for (name, value) in &lines {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(&body);
        let limits = EmailLimits { max_text_bytes: limit, ..EmailLimits::default() };
        match parse_email(raw.as_bytes(), &limits) {
            Ok(m) => {
                prop_assert!(m.original_text.len() <= limit);
                prop_assert!(m.text.len() <= limit);
            }
            Err(e) => prop_assert!(EmailError::INTAKE_CODES.contains(&e.code())),
        }
    }
}
