//! Typed functions for the hot paths of a host product: report a problem, list the viewer's
//! cases, get one case. Inputs are C structs (no JSON to build or escape in C); outputs are JSON
//! (see docs/c-api.md for why).

use std::ffi::c_char;

use casebook_core::protocol::{self, Op, OpResult, Request};
use casebook_core::query::ListFilter;
use casebook_core::{Actor, Diagnostics, Report, Role};

use crate::failure::Failure;
use crate::handle::{Inner, casebook, with_book};
use crate::panic::{boundary, status_of};
use crate::status::casebook_status;
use crate::strings::{casebook_str, hand_out, opt_text, text};

/// Roles, for `casebook_actor.role`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum casebook_role {
    /// Someone without an account.
    CASEBOOK_ROLE_ANONYMOUS = 0,
    /// A customer of the host product.
    CASEBOOK_ROLE_CUSTOMER = 1,
    /// A support agent.
    CASEBOOK_ROLE_AGENT = 2,
    /// An engineer of the host product.
    CASEBOOK_ROLE_ENGINEER = 3,
    /// An administrator of the casebook.
    CASEBOOK_ROLE_ADMIN = 4,
    /// The host itself (automations, intake).
    CASEBOOK_ROLE_SYSTEM = 5,
}

/// Who acts. `role` is a `casebook_role` value; the texts are optional (`{NULL, 0}`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct casebook_actor {
    /// One of `casebook_role`.
    pub role: u32,
    /// The host's user id.
    pub id: casebook_str,
    /// The organisation.
    pub org: casebook_str,
    /// A contact email.
    pub email: casebook_str,
    /// A display name.
    pub name: casebook_str,
    /// A tracking token: lets an anonymous reporter see their case and reply, nothing more.
    pub token: casebook_str,
}

/// One diagnostics entry: `app_version`, `os`, `device`, `locale` or any other key.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct casebook_diagnostic {
    /// The key.
    pub key: casebook_str,
    /// The value.
    pub value: casebook_str,
}

/// A problem report. Only `description` is required; every other text may be `{NULL, 0}` and
/// the arrays may be NULL with a zero length.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct casebook_report_input {
    /// What happened, in the reporter's words (required).
    pub description: casebook_str,
    /// A subject; derived from the description when absent.
    pub subject: casebook_str,
    /// A contact email, for anonymous reporters.
    pub email: casebook_str,
    /// A contact name, for anonymous reporters.
    pub name: casebook_str,
    /// Diagnostics entries (`diagnostics_len` of them).
    pub diagnostics: *const casebook_diagnostic,
    /// The number of diagnostics entries.
    pub diagnostics_len: usize,
    /// Tags (`tags_len` of them).
    pub tags: *const casebook_str,
    /// The number of tags.
    pub tags_len: usize,
}

fn role(value: u32) -> Result<Role, Failure> {
    Ok(match value {
        0 => Role::Anonymous,
        1 => Role::Customer,
        2 => Role::Agent,
        3 => Role::Engineer,
        4 => Role::Admin,
        5 => Role::System,
        v => {
            return Err(Failure::new(
                casebook_status::CASEBOOK_INVALID_ARGUMENT,
                format!("role {v} is not a casebook_role (0 to 5)"),
            ));
        }
    })
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// # Safety
/// `actor` must be NULL or point to a valid `casebook_actor` whose texts are readable.
unsafe fn actor(actor: *const casebook_actor) -> Result<Actor, Failure> {
    // SAFETY: NULL or valid, per the caller.
    let a = unsafe { actor.as_ref() }.ok_or_else(|| Failure::null("actor"))?;
    // SAFETY: the texts are readable, per the caller.
    unsafe {
        let mut who = Actor::new(role(a.role)?);
        who.id = owned(opt_text(a.id, "actor.id")?);
        who.org = owned(opt_text(a.org, "actor.org")?);
        who.email = owned(opt_text(a.email, "actor.email")?);
        who.name = owned(opt_text(a.name, "actor.name")?);
        who.token = owned(opt_text(a.token, "actor.token")?);
        Ok(who)
    }
}

/// # Safety
/// `ptr` must be NULL (with `len == 0`) or point to `len` readable values.
unsafe fn array<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if len > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Failure::new(
            casebook_status::CASEBOOK_TOO_LARGE,
            format!("{what} claims {len} entries, more than any buffer can hold"),
        ));
    }
    // SAFETY: non-null, and the caller guarantees `len` values.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// # Safety
/// `r` must be NULL or point to a valid `casebook_report_input`.
unsafe fn report(r: *const casebook_report_input) -> Result<Report, Failure> {
    // SAFETY: NULL or valid, per the caller.
    let r = unsafe { r.as_ref() }.ok_or_else(|| Failure::null("report"))?;
    // SAFETY: texts and arrays are readable, per the caller.
    unsafe {
        let description = opt_text(r.description, "report.description")?
            .ok_or_else(|| Failure::null("report.description"))?;
        let mut diagnostics = serde_json::Map::new();
        for d in array(r.diagnostics, r.diagnostics_len, "report.diagnostics")? {
            let key = opt_text(d.key, "diagnostics key")?.unwrap_or_default();
            let value = opt_text(d.value, "diagnostics value")?.unwrap_or_default();
            diagnostics.insert(key.to_string(), value.into());
        }
        let diagnostics: Diagnostics = serde_json::from_value(diagnostics.into())
            .map_err(|e| Failure::new(casebook_status::CASEBOOK_INVALID_INPUT, e.to_string()))?;
        let tags = array(r.tags, r.tags_len, "report.tags")?
            .iter()
            .map(|t| opt_text(*t, "tag").map(|t| t.unwrap_or_default().to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Report {
            description: description.to_string(),
            subject: owned(opt_text(r.subject, "report.subject")?),
            email: owned(opt_text(r.email, "report.email")?),
            name: owned(opt_text(r.name, "report.name")?),
            diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
            tags,
            ..Report::default()
        })
    }
}

/// Runs one operation as the protocol does and returns its result as JSON.
fn run(inner: &mut Inner, actor: Actor, op: Op) -> Result<String, Failure> {
    inner.refresh()?;
    let now = inner.now();
    let request = Request {
        actor,
        at: None,
        id: None,
        op,
    };
    let result = protocol::handle(&mut inner.book, &request, now)?;
    let json = match &result {
        OpResult::Case { case } => serde_json::to_string(case),
        other => serde_json::to_string(other),
    };
    json.map_err(|e| Failure::new(casebook_status::CASEBOOK_INTERNAL, e.to_string()))
}

fn finish(r: Result<*mut c_char, casebook_status>, out: *mut *mut c_char) -> casebook_status {
    status_of(r.map(|s| {
        // SAFETY: callers check `out` for NULL inside `with_book` before producing `s`.
        unsafe { out.write(s) }
    }))
}

/// Reports a problem as `actor` (a customer from the host's "report a problem" screen, an
/// anonymous visitor, an agent...). On success writes the new case as JSON (the same object as
/// `result.case` of the protocol's `report`, with its key, e.g. "CB-12", and timeline) to
/// `*out_case`; free it with `casebook_string_free`.
///
/// Errors (nothing written; details in `casebook_last_error`): `CASEBOOK_NULL_ARGUMENT`,
/// `CASEBOOK_INVALID_UTF8`, `CASEBOOK_INVALID_ARGUMENT` (unknown role), `CASEBOOK_INVALID_INPUT`
/// (blank description, bad tag), `CASEBOOK_TOO_LARGE`, `CASEBOOK_FORBIDDEN`, storage statuses,
/// `CASEBOOK_NOT_OWNED`, `CASEBOOK_POISONED`, `CASEBOOK_PANIC`.
///
/// # Safety
/// `book` must be a handle from `casebook_open`; `actor` and `report` must point to valid
/// structs whose texts and arrays are readable; `out_case` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_report(
    book: *mut casebook,
    actor: *const casebook_actor,
    report: *const casebook_report_input,
    out_case: *mut *mut c_char,
) -> casebook_status {
    boundary(|| {
        // SAFETY: forwarded to the caller's guarantees.
        let r = unsafe {
            with_book(book, |inner| {
                if out_case.is_null() {
                    return Err(Failure::null("out_case"));
                }
                let op = Op::Report(self::report(report)?);
                hand_out(run(inner, self::actor(actor)?, op)?)
            })
        };
        finish(r, out_case)
    })
}

/// One case (by key, e.g. "CB-12", or id) with its timeline, as `actor` may see it. On success
/// writes the case as JSON (`result.case` of the protocol's `get`) to `*out_case`; free it with
/// `casebook_string_free`.
///
/// Errors (nothing written): `CASEBOOK_NOT_FOUND` (no such case, or one the actor may not see:
/// the two are indistinguishable on purpose), `CASEBOOK_NULL_ARGUMENT`, `CASEBOOK_INVALID_UTF8`,
/// `CASEBOOK_INVALID_ARGUMENT`, storage statuses, `CASEBOOK_NOT_OWNED`, `CASEBOOK_POISONED`,
/// `CASEBOOK_PANIC`.
///
/// # Safety
/// `book` must be a handle from `casebook_open`; `actor` must point to a valid struct;
/// `case_ref` must point to `case_ref_len` readable bytes; `out_case` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_get(
    book: *mut casebook,
    actor: *const casebook_actor,
    case_ref: *const c_char,
    case_ref_len: usize,
    out_case: *mut *mut c_char,
) -> casebook_status {
    boundary(|| {
        // SAFETY: forwarded to the caller's guarantees.
        let r = unsafe {
            with_book(book, |inner| {
                if out_case.is_null() {
                    return Err(Failure::null("out_case"));
                }
                let case = text(case_ref, case_ref_len, "case_ref")?.to_string();
                hand_out(run(inner, self::actor(actor)?, Op::Get { case })?)
            })
        };
        finish(r, out_case)
    })
}

/// A page of the cases `actor` reported or takes part in, newest first, without timelines.
/// `open_only` keeps only cases not yet solved or closed. `cursor` is `{NULL, 0}` for the first
/// page, else the `next` of the previous page; `limit` is the page size (0 for the default, 50).
///
/// On success writes `{"cases":[...],"next":"..."}` (`next` absent on the last page) to
/// `*out_page`; free it with `casebook_string_free`. Errors (nothing written):
/// `CASEBOOK_INVALID_INPUT` (a bad cursor), `CASEBOOK_NULL_ARGUMENT`, `CASEBOOK_INVALID_UTF8`,
/// `CASEBOOK_INVALID_ARGUMENT`, `CASEBOOK_NOT_OWNED`, `CASEBOOK_POISONED`, `CASEBOOK_PANIC`.
///
/// # Safety
/// `book` must be a handle from `casebook_open`; `actor` must point to a valid struct; the
/// cursor's bytes must be readable; `out_page` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_list_mine(
    book: *mut casebook,
    actor: *const casebook_actor,
    open_only: bool,
    cursor: casebook_str,
    limit: usize,
    out_page: *mut *mut c_char,
) -> casebook_status {
    boundary(|| {
        // SAFETY: forwarded to the caller's guarantees.
        let r = unsafe {
            with_book(book, |inner| {
                if out_page.is_null() {
                    return Err(Failure::null("out_page"));
                }
                let filter = ListFilter {
                    mine: Some(true),
                    open: open_only.then_some(true),
                    ..ListFilter::default()
                };
                let op = Op::List {
                    filter,
                    cursor: owned(opt_text(cursor, "cursor")?),
                    limit: (limit > 0).then_some(limit),
                    view: None,
                };
                hand_out(run(inner, self::actor(actor)?, op)?)
            })
        };
        finish(r, out_page)
    })
}
