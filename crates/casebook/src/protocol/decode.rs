//! Reading a request in one pass: the envelope (`op`, `as`, `at`, `id`) first, then the
//! operation's arguments straight into a plain struct chosen by `op`.
//!
//! Serde's derive for the same shape (`#[serde(flatten)]` over an enum tagged by `"op"`) buffers
//! every request into its private `Content` tree and reads each argument type from that copy, in
//! addition to the JSON value the request already is; in the WebAssembly module that second
//! reader of every protocol type was the largest part of the code. Here each argument type is
//! read once, with serde's own messages, so answers stay what they were
//! (tests/request_decoding.rs pins them for every operation).
//!
//! The arguments are read from JSON text, not from the `serde_json::Value`: stored events are
//! read from text, so a type that appears in both (actors, instants, outcomes, priorities,
//! reports, ...) has one reader in a build instead of two. The text is the value written back
//! (keys sorted and each once, as the value holds them), so a request with several faults names
//! the same one as when it was read from the value; the messages leave out the line and column,
//! which would point into that text, not into what the caller sent.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::request::{Op, Participant, Request};
use super::{ProtocolError, missing_feature};
use crate::actor::Actor;
use crate::case::{LinkKind, Priority, Visibility};
use crate::error::ErrorCode;
use crate::outcome::Outcome;
use crate::query::ListFilter;

/// A decoding failure: the request's id when it has a readable one, and the error.
pub(super) type Failure = (Option<String>, ProtocolError);

/// Reads a request from its JSON object.
pub(super) fn decode(mut map: Map<String, Value>) -> Result<Request, Failure> {
    let id = map.get("id").and_then(Value::as_str).map(str::to_string);
    let fail = |code, msg: String| (id.clone(), ProtocolError::new(code, msg));
    let op = match map.remove("op") {
        Some(Value::String(op)) => op,
        None => {
            return Err(fail(
                ErrorCode::InvalidRequest,
                format!("the request has no \"op\"; use one of {}", op_list()),
            ));
        }
        Some(_) => {
            return Err(fail(
                ErrorCode::InvalidRequest,
                format!("\"op\" must be a string, one of {}", op_list()),
            ));
        }
    };
    if !Op::NAMES.contains(&op.as_str()) {
        let op: String = op.chars().take(60).collect();
        return Err(fail(
            ErrorCode::UnknownOp,
            format!("there is no operation '{op}'; use one of {}", op_list()),
        ));
    }
    if let Some(feature) = missing_feature(&op) {
        return Err(fail(
            ErrorCode::UnsupportedOp,
            format!(
                "the operation '{op}' is not in this build of Casebook: it was compiled without \
                 the cargo feature \"{feature}\"; send it to a server built with that feature"
            ),
        ));
    }
    let Some(actor) = map.remove("as") else {
        return Err(fail(
            ErrorCode::InvalidRequest,
            "the request has no \"as\": say who acts, e.g. {\"role\":\"customer\",\"id\":\"u1\"}"
                .into(),
        ));
    };
    let malformed = |e: serde_json::Error| {
        fail(
            ErrorCode::InvalidRequest,
            format!("the request is not well-formed: {}", error_message(&e)),
        )
    };
    // The envelope in the order serde's derive read it (keys in sorted order), so that a request
    // with several faults names the same one as before.
    let actor: Actor = read(actor).map_err(malformed)?;
    let at: Option<DateTime<Utc>> = read_opt(map.remove("at")).map_err(malformed)?;
    let request_id: Option<String> = read_opt(map.remove("id")).map_err(malformed)?;
    let op = operation(&op, Value::Object(map)).map_err(malformed)?;
    Ok(Request {
        actor,
        at,
        id: request_id,
        op,
    })
}

fn op_list() -> String {
    Op::NAMES.join(", ")
}

/// Reads `T` from the value written back as text (see the module docs).
fn read<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_str(&serde_json::to_string(&value)?)
}

/// An optional envelope field: absent and `null` are both "not given".
fn read_opt<T: DeserializeOwned>(value: Option<Value>) -> Result<Option<T>, serde_json::Error> {
    value.map_or(Ok(None), read::<Option<T>>)
}

/// A serde_json error's message without its line and column.
pub fn error_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let place = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&place) {
        Some(message) => message.to_string(),
        None => text,
    }
}

fn yes() -> bool {
    true
}

/// Declares, for every operation with arguments, a plain struct with the variant's fields and
/// serde attributes (as in `request.rs`), and the function that reads the struct chosen by the
/// operation's name and moves its fields into the [`Op`] variant.
macro_rules! operations {
    ($(
        $(#[cfg($cfg:meta)])*
        $name:literal => $variant:ident { $( $(#[$attr:meta])* $field:ident : $ty:ty ),* $(,)? }
    ),* $(,)?) => {
        mod args {
            use super::*;
            $(
                $(#[cfg($cfg)])*
                #[derive(Deserialize)]
                pub(super) struct $variant { $( $(#[$attr])* pub(super) $field: $ty ),* }
            )*
        }

        /// The operation `name` (known and in this build) with its arguments read from `args`.
        fn operation(name: &str, args: Value) -> Result<Op, serde_json::Error> {
            Ok(match name {
                "configure" => Op::Configure(read(args)?),
                "report" => Op::Report(read(args)?),
                "roadmap" => Op::Roadmap {},
                "tick" => Op::Tick {},
                "held_emails" => Op::HeldEmails {},
                #[cfg(feature = "portability")]
                "export" => Op::Export {},
                $(
                    $(#[cfg($cfg)])*
                    $name => {
                        let a: args::$variant = read(args)?;
                        Op::$variant { $( $field: a.$field ),* }
                    }
                )*
                other => {
                    return Err(serde::de::Error::custom(format_args!(
                        "the operation '{other}' has no reader"
                    )));
                }
            })
        }
    };
}

operations! {
    "comment" => Comment { case: String, body: String, #[serde(default)] internal: bool },
    "transition" => Transition { case: String, to: String, #[serde(default)] outcome: Option<Outcome> },
    "assign" => Assign {
        case: String,
        #[serde(default)] assignee: Option<String>,
        #[serde(default)] team: Option<String>,
    },
    "set_priority" => SetPriority { case: String, priority: Priority },
    "tag" => Tag { case: String, #[serde(default)] add: Vec<String>, #[serde(default)] remove: Vec<String> },
    "link" => Link { case: String, kind: LinkKind, target: String },
    "vote" => Vote { case: String },
    "watch" => Watch { case: String, #[serde(default = "yes")] on: bool },
    "promise" => Promise {
        case: String,
        text: String,
        #[serde(default)] target_release: Option<String>,
        #[serde(default)] due: Option<NaiveDate>,
    },
    "set_visibility" => SetVisibility {
        case: String,
        #[serde(default)] visibility: Option<Visibility>,
        #[serde(default)] show_reporter: Option<bool>,
    },
    "add_participant" => AddParticipant { case: String, participant: Participant },
    "issue_token" => IssueToken { case: String },
    "revoke_token" => RevokeToken { case: String, token: String },
    "get" => Get { case: String },
    "list" => List {
        #[serde(default)] filter: ListFilter,
        #[serde(default)] cursor: Option<String>,
        #[serde(default)] limit: Option<usize>,
        #[serde(default)] view: Option<crate::summary::ListView>,
    },
    #[cfg(feature = "releases")]
    "release" => Release {
        version: String,
        #[serde(default)] date: Option<NaiveDate>,
        #[serde(default)] cases: Vec<String>,
        #[serde(default)] defects: Vec<String>,
    },
    #[cfg(feature = "releases")]
    "release_notes" => ReleaseNotes { version: String },
    #[cfg(feature = "releases")]
    "confirm_fix" => ConfirmFix { case: String, works: bool, #[serde(default)] comment: Option<String> },
    #[cfg(feature = "releases")]
    "notifications" => Notifications { #[serde(default)] limit: Option<usize> },
    #[cfg(feature = "releases")]
    "ack" => Ack { ids: Vec<String> },
    #[cfg(feature = "releases")]
    "subscribe" => Subscribe {
        #[serde(default)] tag: Option<String>,
        #[serde(default)] component: Option<String>,
        #[serde(default = "yes")] on: bool,
    },
    #[cfg(feature = "releases")]
    "broadcast" => Broadcast { component: String, message: String, #[serde(default = "yes")] public: bool },
    #[cfg(feature = "releases")]
    "atom_feed" => AtomFeed { #[serde(default)] component: Option<String> },
    "rate" => Rate { token: String, rating: crate::rating::Rating, #[serde(default)] comment: Option<String> },
    #[cfg(feature = "stats")]
    "stats" => Stats { period: String, #[serde(default)] filter: crate::stats::StatsFilter },
    #[cfg(feature = "stats")]
    "trends" => Trends { period: String, #[serde(default)] baseline_periods: Option<u32> },
    #[cfg(feature = "email")]
    "ingest_email" => IngestEmail { #[serde(default)] raw: Option<String>, #[serde(default)] raw_base64: Option<String> },
    #[cfg(feature = "email")]
    "record_outbound" => RecordOutbound { case: String, #[serde(default)] message_id: Option<String> },
    "article_upsert" => ArticleUpsert { article: crate::knowledge::ArticleInput },
    "article_get" => ArticleGet { article: String },
    "similar" => Similar {
        #[serde(default)] draft: Option<crate::similar::Draft>,
        #[serde(default)] case: Option<String>,
        #[serde(default)] limit: Option<usize>,
    },
    "known_answers" => KnownAnswers { #[serde(default)] period_days: Option<u32>, #[serde(default)] limit: Option<usize> },
    "deflected" => Deflected { suggestion: crate::knowledge::Suggestion },
    #[cfg(feature = "portability")]
    "import" => Import { export: Box<crate::portability::Export> },
    #[cfg(feature = "portability")]
    "erase" => Erase { person: crate::portability::PersonRef },
    #[cfg(feature = "portability")]
    "merge_identity" => MergeIdentity { from: crate::portability::AnonymousRef, into: String },
}
