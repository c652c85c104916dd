//! How protocol requests are read, pinned request by request.
//!
//! `requests/corpus.jsonl` holds one request per line: a valid one for every operation and the
//! malformed shapes a caller gets wrong (missing and mistyped fields, unknown enum values, bad
//! envelopes). `requests/expected.jsonl` holds, line for line, what `protocol::parse` answers:
//! the decoded request written back as JSON, or the error's id, code and message. The expected
//! answers were recorded from the serde-derived decoder (`#[serde(flatten)]` + `tag = "op"`)
//! before requests were read in one pass, so this test shows that every surface (the CLI, the C
//! ABI and the WebAssembly module all call `protocol::parse`) answers byte for byte as before.
//!
//! After a deliberate change of the protocol, rewrite the expectations with
//! `CASEBOOK_BLESS_REQUESTS=1 cargo test -p casebook --test request_decoding` and review the diff.

use casebook::protocol::{self, Request};
use serde_json::{Value, json};

const CORPUS: &str = include_str!("requests/corpus.jsonl");
const EXPECTED: &str = "tests/requests/expected.jsonl";

fn answer(line: &str) -> Value {
    match protocol::parse(line, 1 << 20) {
        Ok(request) => json!({ "request": serde_json::to_value(&request).unwrap() }),
        Err((id, e)) => json!({ "id": id, "code": e.code.as_str(), "message": e.message }),
    }
}

#[test]
fn every_request_decodes_as_recorded() {
    let answers: Vec<String> = CORPUS
        .lines()
        .map(|line| serde_json::to_string(&answer(line)).unwrap())
        .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXPECTED);
    if std::env::var_os("CASEBOOK_BLESS_REQUESTS").is_some() {
        std::fs::write(&path, answers.join("\n") + "\n").unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(answers.len(), expected.len(), "one answer per corpus line");
    for (n, (got, want)) in answers.iter().zip(&expected).enumerate() {
        assert_eq!(
            got,
            want,
            "corpus line {}: {}",
            n + 1,
            CORPUS.lines().nth(n).unwrap()
        );
    }
}

/// A decoded request written back as JSON reads back as the same request, both through
/// `protocol::parse` and through `Request`'s `Deserialize` (the WebAssembly outbox keeps requests
/// inside its saved log).
#[test]
fn decoded_requests_round_trip() {
    let mut valid = 0;
    for line in CORPUS.lines() {
        let Ok(request) = protocol::parse(line, 1 << 20) else {
            continue;
        };
        valid += 1;
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(protocol::parse(&text, 1 << 20).unwrap(), request, "{line}");
        let via_serde: Request = serde_json::from_str(&text).unwrap();
        assert_eq!(via_serde, request, "{line}");
        let via_value: Request =
            serde_json::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(via_value, request, "{line}");
    }
    assert!(
        valid >= 45,
        "the corpus keeps a valid request for every operation ({valid})"
    );
}

/// `Request`'s `Deserialize` refuses what `protocol::parse` refuses, with the same message.
#[test]
fn deserialize_refuses_with_the_parse_message() {
    for line in CORPUS.lines() {
        let Err((_, e)) = protocol::parse(line, 1 << 20) else {
            continue;
        };
        let err = serde_json::from_str::<Request>(line)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&e.message) || err.starts_with("invalid type"),
            "{line}: {err} / {}",
            e.message
        );
    }
}
