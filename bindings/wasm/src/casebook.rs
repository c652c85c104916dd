//! The `Casebook` JS class.
//!
//! `execute` speaks the JSON protocol with plain objects and answers exactly like the core
//! (`{ok:false, error}` responses, never a throw, for protocol errors). The typed methods
//! (`report`, `myCases`, `get`, `comment`, `transition`) return the result and throw a
//! `CasebookError` (an `Error` with `code`) on failure. `similar` comes with the core's search.

use casebook::protocol::{Op, OpResult, ProtocolError, Request};
use casebook::query::ListFilter;
use casebook::summary::ListView;
use casebook::view::CaseView;
use casebook::view_json;
use casebook::{Actor, Outcome, Report};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::book::Book;
use crate::clock::{Clock, seed_from_option};
use crate::convert::{from_js, js_error, parse_json, to_js, to_json_text};
use crate::guard::Guarded;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../ts/casebook-types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "CasebookOptions")]
    pub type JsOptions;
    #[wasm_bindgen(typescript_type = "CasebookRequest")]
    pub type JsRequest;
    #[wasm_bindgen(typescript_type = "CasebookResponse")]
    pub type JsResponse;
    #[wasm_bindgen(typescript_type = "Actor")]
    pub type JsActor;
    #[wasm_bindgen(typescript_type = "ReportInput")]
    pub type JsReport;
    #[wasm_bindgen(typescript_type = "CaseView")]
    pub type JsCaseView;
    #[wasm_bindgen(typescript_type = "MyCasesOptions")]
    pub type JsMyCasesOptions;
    #[wasm_bindgen(typescript_type = "CasePage")]
    pub type JsCasePage;
    #[wasm_bindgen(typescript_type = "CaseSummaryPage")]
    pub type JsCaseSummaryPage;
    #[wasm_bindgen(typescript_type = "Outcome")]
    pub type JsOutcome;
    #[wasm_bindgen(typescript_type = "OutboxEntry[]")]
    pub type JsOutbox;
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type JsIds;
    #[wasm_bindgen(typescript_type = "SimilarQuery")]
    pub type JsSimilarQuery;
    #[wasm_bindgen(typescript_type = "SimilarMatch[]")]
    pub type JsSimilarMatches;
}

/// An in-memory casebook (see the module docs). Call `.free()` when done, or let the garbage
/// collector do it (the module is built with weak references).
#[wasm_bindgen]
pub struct Casebook {
    inner: Guarded<Book>,
    clock: Clock,
    seed: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimilarQuery {
    #[serde(default)]
    draft: Option<casebook::similar::Draft>,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MyCasesOptions {
    #[serde(default)]
    open: Option<bool>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

fn err(e: ProtocolError) -> JsValue {
    js_error(&e)
}

fn unwritable(e: serde_json::Error) -> JsValue {
    err(ProtocolError {
        code: casebook::ErrorCode::Internal,
        message: format!("the result could not be written: {e}"),
    })
}

/// A case view as plain JS objects: written by the core's one-pass writer (the same text serde
/// writes), then `JSON.parse`.
fn case_to_js(case: &CaseView) -> Result<JsValue, JsValue> {
    let mut text = String::with_capacity(1024);
    case.write_json(&mut text).map_err(unwritable)?;
    parse_json(&text)
}

fn option(options: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !options.is_object() {
        return Err(err(ProtocolError {
            code: casebook::ErrorCode::InvalidArgument,
            message: "the options must be an object: { seed?, now? }".into(),
        }));
    }
    js_sys::Reflect::get(options, &JsValue::from_str(name))
}

impl Casebook {
    fn build(
        options: &JsValue,
        make: impl FnOnce(u64) -> Result<Book, ProtocolError>,
    ) -> Result<Casebook, JsValue> {
        #[cfg(target_arch = "wasm32")]
        console_error_panic_hook::set_once();
        let clock = Clock::from_option(&option(options, "now")?).map_err(err)?;
        let seed = seed_from_option(&option(options, "seed")?).map_err(err)?;
        let book = make(seed).map_err(err)?;
        Ok(Casebook {
            inner: Guarded::new(book),
            clock,
            seed,
        })
    }

    /// Runs a request built by a typed method; errors become thrown `CasebookError`s.
    /// Runs `list` over the actor's own cases with the page options of `myCases`.
    fn my_list(
        &self,
        actor: JsActor,
        options: Option<JsMyCasesOptions>,
        view: Option<ListView>,
    ) -> Result<OpResult, JsValue> {
        let o: MyCasesOptions = match options {
            Some(o) => from_js(o.into(), "the options")?,
            None => MyCasesOptions::default(),
        };
        let filter = ListFilter {
            mine: Some(true),
            open: o.open,
            ..ListFilter::default()
        };
        self.run(
            actor,
            Op::List {
                filter,
                cursor: o.cursor,
                limit: o.limit,
                view,
            },
        )
    }

    fn run(&self, actor: JsActor, op: Op) -> Result<OpResult, JsValue> {
        let actor: Actor = from_js(actor.into(), "the actor")?;
        let now = self.clock.now().map_err(err)?;
        let request = Request {
            actor,
            at: None,
            id: None,
            op,
        };
        self.inner
            .with(|b| b.handle(&request, now))
            .and_then(|r| r)
            .map_err(err)
    }

    fn case(&self, actor: JsActor, op: Op) -> Result<JsCaseView, JsValue> {
        match self.run(actor, op)? {
            OpResult::Case { case } => Ok(case_to_js(&case)?.unchecked_into()),
            _ => Err(err(ProtocolError {
                code: casebook::ErrorCode::Internal,
                message: "the core answered with something other than a case".into(),
            })),
        }
    }
}

#[wasm_bindgen]
impl Casebook {
    /// An empty casebook. Options: `seed` (deterministic ids), `now` (fixed time or clock function).
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<JsOptions>) -> Result<Casebook, JsValue> {
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        Self::build(&options, Book::new)
    }

    /// A casebook rebuilt from the text `save()` returned. Throws `storage_corrupt` for a damaged
    /// log and `unsupported` for one written by a newer module.
    pub fn restore(saved: &str, options: Option<JsOptions>) -> Result<Casebook, JsValue> {
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        Self::build(&options, |seed| Book::restore(saved, seed))
    }

    /// The whole event log and the outbox as JSON text, for localStorage or IndexedDB.
    pub fn save(&self) -> Result<String, JsValue> {
        self.inner.with(|b| b.save()).and_then(|r| r).map_err(err)
    }

    /// The seed of this casebook's id source (give it to `restore` to continue the sequence).
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// One protocol request as a plain object; the response as the core gives it.
    pub fn execute(&self, request: JsRequest) -> Result<JsResponse, JsValue> {
        let text = to_json_text(&request, "the request")?;
        let line = self.execute_json(&text)?;
        Ok(parse_json(&line)?.unchecked_into())
    }

    /// One protocol request as a line of JSON text; the response as a line of JSON text.
    #[wasm_bindgen(js_name = executeJson)]
    pub fn execute_json(&self, line: &str) -> Result<String, JsValue> {
        let now = self.clock.now().map_err(err)?;
        let response = self
            .inner
            .with(|b| b.execute_text(line, now))
            .map_err(err)?;
        let mut text = String::with_capacity(1024);
        view_json::write_response(&mut text, &response).map_err(|e| {
            err(ProtocolError {
                code: casebook::ErrorCode::Internal,
                message: format!("the response could not be written: {e}"),
            })
        })?;
        Ok(text)
    }

    /// Reports a problem; only `description` is required. Returns the new case with its timeline
    /// and adds the report to the outbox.
    pub fn report(&self, actor: JsActor, report: JsReport) -> Result<JsCaseView, JsValue> {
        let report: Report = from_js(report.into(), "the report")?;
        self.case(actor, Op::Report(report))
    }

    /// The actor's own cases, newest first, a page at a time (no timelines).
    #[wasm_bindgen(js_name = myCases)]
    pub fn my_cases(
        &self,
        actor: JsActor,
        options: Option<JsMyCasesOptions>,
    ) -> Result<JsCasePage, JsValue> {
        match self.my_list(actor, options, None)? {
            OpResult::Cases { cases, next } => {
                let mut text = String::with_capacity(64 + 1024 * cases.len());
                view_json::case_page(&mut text, &cases, next.as_deref()).map_err(unwritable)?;
                Ok(parse_json(&text)?.unchecked_into())
            }
            _ => Err(err(ProtocolError {
                code: casebook::ErrorCode::Internal,
                message: "the core answered with something other than a list".into(),
            })),
        }
    }

    /// The actor's own cases as lean summaries (id, key, subject, status, category, priority,
    /// outcome, times, version): the protocol's `list` with `"view": "summary"`. Much less to
    /// write and to parse than `myCases` when a list shows only that.
    #[wasm_bindgen(js_name = myCaseSummaries)]
    pub fn my_case_summaries(
        &self,
        actor: JsActor,
        options: Option<JsMyCasesOptions>,
    ) -> Result<JsCaseSummaryPage, JsValue> {
        match self.my_list(actor, options, Some(ListView::Summary))? {
            OpResult::CaseSummaries { cases, next } => {
                let mut text = String::with_capacity(64 + 256 * cases.len());
                view_json::summary_page(&mut text, &cases, next.as_deref());
                Ok(parse_json(&text)?.unchecked_into())
            }
            _ => Err(err(ProtocolError {
                code: casebook::ErrorCode::Internal,
                message: "the core answered with something other than a list of summaries".into(),
            })),
        }
    }

    /// Known answers and similar cases for a draft report (`{draft: {description}}`, while the
    /// reporter types) or an existing case (`{case: "CB-4"}`), among what the actor may see,
    /// best first. The reporter can still submit whatever the suggestions say.
    pub fn similar(
        &self,
        actor: JsActor,
        query: JsSimilarQuery,
    ) -> Result<JsSimilarMatches, JsValue> {
        let q: SimilarQuery = from_js(query.into(), "the query")?;
        let op = Op::Similar {
            draft: q.draft,
            case: q.case,
            limit: q.limit,
        };
        match self.run(actor, op)? {
            OpResult::Similar { similar } => Ok(to_js(&similar)?.unchecked_into()),
            _ => Err(err(ProtocolError {
                code: casebook::ErrorCode::Internal,
                message: "the core answered with something other than suggestions".into(),
            })),
        }
    }

    /// One case (by id or key) with its timeline, as the actor may see it.
    pub fn get(&self, actor: JsActor, case: &str) -> Result<JsCaseView, JsValue> {
        self.case(actor, Op::Get { case: case.into() })
    }

    /// Adds a public reply (or, for staff, an internal note).
    pub fn comment(
        &self,
        actor: JsActor,
        case: &str,
        body: &str,
        internal: Option<bool>,
    ) -> Result<JsCaseView, JsValue> {
        let op = Op::Comment {
            case: case.into(),
            body: body.into(),
            internal: internal.unwrap_or(false),
        };
        self.case(actor, op)
    }

    /// Moves a case to another workflow state, with an outcome when the state needs one.
    pub fn transition(
        &self,
        actor: JsActor,
        case: &str,
        to: &str,
        outcome: Option<JsOutcome>,
    ) -> Result<JsCaseView, JsValue> {
        let outcome: Option<Outcome> = match outcome {
            Some(o) => Some(from_js(o.into(), "the outcome")?),
            None => None,
        };
        let op = Op::Transition {
            case: case.into(),
            to: to.into(),
            outcome,
        };
        self.case(actor, op)
    }

    /// Reports not yet acknowledged by the host's server, oldest first, as protocol requests
    /// with stable ids.
    pub fn outbox(&self) -> Result<JsOutbox, JsValue> {
        let entries = self.inner.with(|b| b.outbox().to_vec()).map_err(err)?;
        Ok(to_js(&entries)?.unchecked_into())
    }

    /// Removes the entries the server has taken; unknown ids are ignored. Returns how many
    /// were removed.
    #[wasm_bindgen(js_name = ackOutbox)]
    pub fn ack_outbox(&self, ids: JsIds) -> Result<u32, JsValue> {
        let ids: Vec<String> = from_js(ids.into(), "the ids")?;
        let n = self.inner.with(|b| b.ack_outbox(&ids)).map_err(err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The saved-log format version this module writes.
    #[wasm_bindgen(js_name = logVersion)]
    pub fn log_version() -> u32 {
        crate::log::LOG_VERSION
    }

    /// Test hook (not part of the typed API): panics inside a call that holds the casebook, to
    /// check that the instance then refuses further use.
    #[wasm_bindgen(js_name = debugPanic, skip_typescript)]
    pub fn debug_panic(&self) -> Result<(), JsValue> {
        self.inner
            .with(|_| -> () { panic!("debugPanic: a deliberate panic for tests") })
            .map_err(err)
    }
}

/// The snake_case codes of every core error, in numeric order (the `code` of thrown errors).
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    casebook::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

/// The protocol operations this module contains (the page build leaves out server-side ones;
/// a request for one of those answers `unsupported_op`). See docs/wasm.md.
#[wasm_bindgen(js_name = availableOps)]
pub fn available_ops() -> Vec<String> {
    casebook::protocol::available_ops()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Every protocol operation name, including those this build leaves out.
#[wasm_bindgen(js_name = allOps)]
pub fn all_ops() -> Vec<String> {
    casebook::protocol::Op::NAMES
        .iter()
        .map(|s| s.to_string())
        .collect()
}
