//! The JSON protocol: the one contract the CLI, the C ABI and the WebAssembly module all speak.
//!
//! One request in, one response out. Every failure, from a line that is not JSON to a forbidden
//! action, is a response with a stable code; nothing here panics on input.

mod decode;
mod features;
mod request;
mod response;

pub use decode::error_message;
pub use features::{available_ops, missing_feature};
pub use request::{Op, Request};
pub use response::{ConfigSummary, ErrorBody, OpResult, Response};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::command::CaseCommand;
use crate::engine::Casebook;
use crate::error::{Error, ErrorCode};
use crate::store::Store;

/// A protocol-level failure: a code and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// The stable code.
    pub code: ErrorCode,
    /// What went wrong and how to fix it.
    pub message: String,
}

impl From<Error> for ProtocolError {
    fn from(e: Error) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl ProtocolError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// As the body of an error response.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.as_str().to_string(),
            message: self.message.clone(),
        }
    }
}

/// Parses a request from JSON text, with precise errors.
pub fn parse(text: &str, max_bytes: usize) -> Result<Request, (Option<String>, ProtocolError)> {
    if text.len() > max_bytes {
        return Err((
            None,
            ProtocolError::new(
                ErrorCode::TooLarge,
                format!(
                    "the request is {} bytes, over the limit of {max_bytes}",
                    text.len()
                ),
            ),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        (
            None,
            ProtocolError::new(
                ErrorCode::MalformedJson,
                format!("the request is not valid JSON: {e}"),
            ),
        )
    })?;
    parse_value(value)
}

/// Parses a request from a JSON value.
pub fn parse_value(value: Value) -> Result<Request, (Option<String>, ProtocolError)> {
    let Value::Object(map) = value else {
        return Err((
            None,
            ProtocolError::new(
                ErrorCode::InvalidRequest,
                "a request is a JSON object: {\"op\":\"...\",\"as\":{...}}",
            ),
        ));
    };
    decode::decode(map)
}

/// Runs a parsed request. `now` is used when the request has no `"at"`.
pub fn handle<S: Store>(
    book: &mut Casebook<S>,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<OpResult, ProtocolError> {
    let now = request.at.unwrap_or(now);
    let who = &book.authenticate(&request.actor)?;
    let case_result = |book: &Casebook<S>, reference: &str| -> Result<OpResult, ProtocolError> {
        let mut case = book.view_case(reference, who)?;
        book.add_clocks(&mut case, who, now)?;
        Ok(OpResult::Case {
            case: Box::new(case),
        })
    };
    let (reference, cmd) = match &request.op {
        Op::Configure(change) => {
            book.configure(change.clone(), who, now)?;
            let states = book
                .workflow()
                .def()
                .states
                .iter()
                .map(|s| s.id.clone())
                .collect();
            return Ok(OpResult::Configured {
                configured: ConfigSummary {
                    key_prefix: book.key_prefix().to_string(),
                    states,
                },
            });
        }
        Op::Report(report) => {
            let (id, written) = book.report_with_events(report, who, now)?;
            let mut case = book.view_reported_with(id, who, Some(&written))?;
            book.add_clocks(&mut case, who, now)?;
            return Ok(OpResult::Case {
                case: Box::new(case),
            });
        }
        Op::Get { case } => return case_result(book, case),
        Op::List {
            filter,
            cursor,
            limit,
            view,
        } => {
            let (cases, next) = book.list_cases(who, filter, cursor.as_deref(), *limit)?;
            if *view == Some(crate::summary::ListView::Summary) {
                let cases = cases.into_iter().map(Into::into).collect();
                return Ok(OpResult::CaseSummaries { cases, next });
            }
            return Ok(OpResult::Cases { cases, next });
        }
        Op::Comment {
            case,
            body,
            internal,
        } => (
            case,
            CaseCommand::Comment {
                body: body.clone(),
                internal: *internal,
            },
        ),
        Op::Transition { case, to, outcome } => (
            case,
            CaseCommand::Transition {
                to: to.clone(),
                outcome: outcome.clone(),
            },
        ),
        Op::Assign {
            case,
            assignee,
            team,
        } => (
            case,
            CaseCommand::Assign {
                assignee: assignee.clone(),
                team: team.clone(),
            },
        ),
        Op::SetPriority { case, priority } => (case, CaseCommand::SetPriority(*priority)),
        Op::Tag { case, add, remove } => (
            case,
            CaseCommand::Tag {
                add: add.clone(),
                remove: remove.clone(),
            },
        ),
        Op::Link { case, kind, target } => (
            case,
            CaseCommand::Link {
                kind: *kind,
                target: target.clone(),
            },
        ),
        Op::Vote { case } => (case, CaseCommand::Vote),
        Op::Watch { case, on } => (case, CaseCommand::Watch(*on)),
        Op::Promise {
            case,
            text,
            target_release,
            due,
        } => (
            case,
            CaseCommand::Promise {
                text: text.clone(),
                target_release: target_release.clone(),
                due: *due,
            },
        ),
        Op::SetVisibility {
            case,
            visibility,
            show_reporter,
        } => (
            case,
            CaseCommand::SetVisibility {
                visibility: *visibility,
                show_reporter: *show_reporter,
            },
        ),
        Op::AddParticipant { case, participant } => (
            case,
            CaseCommand::AddParticipant {
                id: participant.id.clone(),
                email: participant.email.clone(),
            },
        ),
        Op::IssueToken { case } => {
            let events = book.execute(case, &CaseCommand::IssueToken, who, now)?;
            let id = events
                .first()
                .map(|e| e.case)
                .ok_or_else(|| ProtocolError::from(Error::Internal("no token issued".into())))?;
            let mut view = book.view_case(&id.to_string(), who)?;
            view.tracking_token = book.tracking_token(id);
            if view.tracking_token.is_none() {
                return Err(Error::InvalidToken(
                    "tracking tokens are not enabled: configure a tracking_secret".into(),
                )
                .into());
            }
            return Ok(OpResult::Case {
                case: Box::new(view),
            });
        }
        Op::RevokeToken { case, token } => {
            let nonce = token.split('_').nth(2).unwrap_or_default().to_string();
            (case, CaseCommand::RevokeToken(nonce))
        }
        Op::Tick {} => {
            return Ok(OpResult::Tick {
                tick: book.tick(now, who)?,
            });
        }
        #[cfg(feature = "portability")]
        Op::Export {} | Op::Import { .. } | Op::Erase { .. } | Op::MergeIdentity { .. } => {
            return crate::portability::handle(book, &request.op, who, now);
        }
        Op::Roadmap {} => {
            return Ok(OpResult::Roadmap {
                roadmap: book.roadmap(who, now)?,
            });
        }
        #[cfg(feature = "releases")]
        op @ (Op::Release { .. }
        | Op::ReleaseNotes { .. }
        | Op::ConfirmFix { .. }
        | Op::Notifications { .. }
        | Op::Ack { .. }
        | Op::Subscribe { .. }
        | Op::Broadcast { .. }
        | Op::AtomFeed { .. }) => {
            return crate::release::dispatch(book, op, who, now).map_err(ProtocolError::from);
        }
        #[cfg(feature = "stats")]
        op @ (Op::Stats { .. } | Op::Trends { .. }) => {
            return crate::release::dispatch(book, op, who, now).map_err(ProtocolError::from);
        }
        op @ Op::Rate { .. } => {
            return crate::release::dispatch(book, op, who, now).map_err(ProtocolError::from);
        }
        #[cfg(feature = "email")]
        Op::IngestEmail { .. } | Op::RecordOutbound { .. } => {
            return knowledge_ops(book, &request.op, who, now);
        }
        Op::HeldEmails {}
        | Op::ArticleUpsert { .. }
        | Op::ArticleGet { .. }
        | Op::Similar { .. }
        | Op::KnownAnswers { .. }
        | Op::Deflected { .. } => return knowledge_ops(book, &request.op, who, now),
    };
    let events = book.execute(reference, &cmd, who, now)?;
    // Answer by id: the reference may have been a key, and the case is the same either way.
    let id = events
        .first()
        .map_or_else(|| reference.to_string(), |e| e.case.to_string());
    case_result(book, &id)
}

/// The intake, similar-case and knowledge operations (see `intake`, `similar`, `knowledge`).
fn knowledge_ops<S: Store>(
    book: &mut Casebook<S>,
    op: &Op,
    who: &crate::actor::Actor,
    now: DateTime<Utc>,
) -> Result<OpResult, ProtocolError> {
    Ok(match op {
        #[cfg(feature = "email")]
        Op::IngestEmail { raw, raw_base64 } => {
            let bytes = match (raw, raw_base64) {
                (Some(r), None) => r.as_bytes().to_vec(),
                (None, Some(b)) => crate::intake::base64::decode(b).ok_or_else(|| {
                    Error::invalid("raw_base64", "this is not base64 (RFC 4648, with padding)")
                })?,
                _ => {
                    return Err(Error::invalid(
                        "raw",
                        "give the message as \"raw\" (text) or \"raw_base64\", one of the two",
                    )
                    .into());
                }
            };
            OpResult::Ingested {
                ingested: book.ingest_email(&bytes, who, now)?,
            }
        }
        #[cfg(feature = "email")]
        Op::RecordOutbound { case, message_id } => OpResult::Outbound {
            outbound: book.record_outbound(case, message_id.as_deref(), who, now)?,
        },
        Op::HeldEmails {} => OpResult::Held {
            held: book.held_emails(who)?,
        },
        Op::ArticleUpsert { article } => OpResult::Article {
            article: book.article_upsert(article, who, now)?,
        },
        Op::ArticleGet { article } => OpResult::Article {
            article: book.article_get(article, who)?,
        },
        Op::Similar { draft, case, limit } => OpResult::Similar {
            similar: book.similar(draft.as_ref(), case.as_deref(), *limit, who)?,
        },
        Op::KnownAnswers { period_days, limit } => OpResult::KnownAnswers {
            known_answers: book.known_answers(
                period_days.unwrap_or(30),
                limit.unwrap_or(20),
                who,
                now,
            )?,
        },
        Op::Deflected { suggestion } => {
            book.deflected(suggestion, who, now)?;
            OpResult::Recorded { recorded: true }
        }
        _ => return Err(Error::Internal("not an intake or knowledge operation".into()).into()),
    })
}

/// Runs one request given as JSON text and answers with one response (as a value).
pub fn execute<S: Store>(book: &mut Casebook<S>, text: &str, now: DateTime<Utc>) -> Response {
    let max = book.limits().request_bytes;
    match parse(text, max) {
        Err((id, e)) => Response {
            ok: false,
            id,
            result: None,
            error: Some(e.body()),
        },
        Ok(request) => respond(book, &request, now),
    }
}

/// Runs a parsed request and wraps the outcome in a response.
pub fn respond<S: Store>(
    book: &mut Casebook<S>,
    request: &Request,
    now: DateTime<Utc>,
) -> Response {
    match handle(book, request, now) {
        Ok(result) => Response {
            ok: true,
            id: request.id.clone(),
            result: Some(result),
            error: None,
        },
        Err(e) => Response {
            ok: false,
            id: request.id.clone(),
            result: None,
            error: Some(e.body()),
        },
    }
}

/// Runs one request given as JSON text and answers with one line of JSON.
pub fn execute_line<S: Store>(book: &mut Casebook<S>, text: &str, now: DateTime<Utc>) -> String {
    let response = execute(book, text, now);
    serde_json::to_string(&response).unwrap_or_else(|e| {
        format!(r#"{{"ok":false,"error":{{"code":"internal","message":"the response could not be written: {e}"}}}}"#)
    })
}

/// The JSON Schemas of requests and responses, as published in docs/schema/.
pub fn schemas() -> (Value, Value) {
    let req = serde_json::to_value(schemars::schema_for!(Request)).unwrap_or(Value::Null);
    let resp = serde_json::to_value(schemars::schema_for!(Response)).unwrap_or(Value::Null);
    (req, resp)
}
