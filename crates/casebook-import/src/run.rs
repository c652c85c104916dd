//! Runs an import: one case per row, through the casebook's own commands.

use std::collections::BTreeMap;
use std::io::Read;

use casebook::case::Diagnostics;
use casebook::outcome::Outcome;
use casebook::{Actor, CaseCommand, Casebook, Channel, Priority, Report, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ImportError;
use crate::dates::parse_date;
use crate::mapping::{Mapping, fill, path};

/// Failures listed in a report at most (all are counted).
const MAX_LISTED: usize = 1000;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Cases created.
    pub created: u64,
    /// Rows whose subject or description was cut to the casebook's limits.
    pub truncated: u64,
    /// Rows that failed.
    pub failed: u64,
    /// The first failures, with their line numbers.
    pub failures: Vec<RowFailure>,
    /// Cases created per workflow state.
    pub by_state: BTreeMap<String, u64>,
}

/// A row that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowFailure {
    /// The line of the CSV where the row starts (1 is the header).
    pub line: u64,
    /// The tracker's id of the issue, when the row had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// A stable code.
    pub code: String,
    /// What went wrong.
    pub reason: String,
    /// The case, when it was created but did not reach its status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
}

fn cut(text: &str, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text.to_string(), false);
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_string(), true)
}

struct Row<'a> {
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<String> {
        let i = self.headers.iter().position(|h| h.trim() == column)?;
        self.record
            .get(i)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

/// One step of a row: a transition to a state, with an outcome when it takes one.
type Step = (String, Option<Outcome>);

fn plan(
    book_wf: &casebook::Workflow,
    mapping: &Mapping,
    row: &Row<'_>,
) -> Result<Vec<Step>, (String, String)> {
    let status = row.get(&mapping.columns.status).unwrap_or_default();
    let rule = mapping
        .statuses
        .get(&status)
        .or(mapping.default_status.as_ref())
        .ok_or_else(|| {
            (
                "unmapped_status".to_string(),
                format!(
                    "status '{}' is not in the mapping's \"statuses\"; add it or set \"default_status\"",
                    status.chars().take(60).collect::<String>()
                ),
            )
        })?;
    let chain = path(book_wf, &rule.state).ok_or_else(|| {
        (
            "unreachable_state".to_string(),
            format!("state '{}' cannot be reached", rule.state),
        )
    })?;
    let resolution = mapping
        .columns
        .resolution
        .as_deref()
        .and_then(|c| row.get(c));
    let cell = |c: &str| row.get(c);
    let mut from = book_wf.initial().id.clone();
    let mut steps = Vec::new();
    for to in chain {
        let t = book_wf.transition(&from, &to).ok_or_else(|| {
            (
                "unreachable_state".to_string(),
                format!("no transition {from} -> {to}"),
            )
        })?;
        let outcome = if t.outcomes.is_empty() {
            None
        } else {
            let template = resolution
                .as_ref()
                .and_then(|r| mapping.resolutions.get(r))
                .unwrap_or(&mapping.default_outcome);
            let mut o: Outcome = serde_json::from_value(fill(template, &cell)).map_err(|e| {
                (
                    "invalid_outcome".to_string(),
                    format!("the outcome template does not give an outcome: {e}"),
                )
            })?;
            if !t.outcomes.contains(&o.kind()) {
                o = serde_json::from_value(fill(&mapping.default_outcome, &cell)).map_err(|e| {
                    (
                        "invalid_outcome".to_string(),
                        format!("default_outcome: {e}"),
                    )
                })?;
            }
            Some(o)
        };
        steps.push((to.clone(), outcome));
        from = to;
    }
    Ok(steps)
}

/// Imports every row of `csv` into `book` as cases reported and moved by `actor` (usually the
/// system actor). Rows that fail are listed in the report; the import goes on with the next row.
pub fn import_csv<S: Store>(
    book: &mut Casebook<S>,
    csv: impl Read,
    mapping: &Mapping,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    mapping.validate(book.workflow())?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(format!("the header row: {e}")))?
        .clone();
    let c = &mapping.columns;
    let missing: Vec<&str> = [&c.subject, &c.description, &c.status, &c.created]
        .into_iter()
        .filter(|name| !headers.iter().any(|h| h.trim() == name.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Csv(format!(
            "the header has no column {}; map the columns in the mapping's \"columns\"",
            missing.join(", ")
        )));
    }
    let mut report = ImportReport::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                report.rows += 1;
                fail(&mut report, line, None, "invalid_row", e.to_string(), None);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(ImportError::Csv(e.to_string()));
                }
                continue;
            }
        }
        report.rows += 1;
        let row = Row {
            headers: &headers,
            record: &record,
        };
        let ext = c.external_id.as_deref().and_then(|col| row.get(col));
        if let Err((code, reason, case)) = import_row(book, mapping, &row, actor, &mut report) {
            fail(&mut report, line, ext, &code, reason, case);
        }
    }
    Ok(report)
}

fn fail(
    report: &mut ImportReport,
    line: u64,
    external_id: Option<String>,
    code: &str,
    reason: String,
    case: Option<String>,
) {
    report.failed += 1;
    if report.failures.len() < MAX_LISTED {
        report.failures.push(RowFailure {
            line,
            external_id,
            code: code.into(),
            reason,
            case,
        });
    }
}

type RowError = (String, String, Option<String>);

fn import_row<S: Store>(
    book: &mut Casebook<S>,
    mapping: &Mapping,
    row: &Row<'_>,
    actor: &Actor,
    report: &mut ImportReport,
) -> Result<(), RowError> {
    let c = &mapping.columns;
    let plain = |(code, reason): (String, String)| (code, reason, None);
    let created_text = row.get(&c.created).unwrap_or_default();
    let created = parse_date(&created_text, &mapping.date_formats).ok_or_else(|| {
        (
            "invalid_date".to_string(),
            format!(
                "created '{}' is not a date the mapping's date_formats or ISO 8601 read",
                created_text.chars().take(40).collect::<String>()
            ),
            None,
        )
    })?;
    let resolved: DateTime<Utc> = c
        .resolved
        .as_deref()
        .and_then(|col| row.get(col))
        .and_then(|t| parse_date(&t, &mapping.date_formats))
        .filter(|r| *r >= created)
        .unwrap_or(created);
    let steps = plan(book.workflow(), mapping, row).map_err(plain)?;
    let limits = book.limits().clone();
    let (subject, cut_s) = cut(
        &row.get(&c.subject).unwrap_or_default(),
        limits.subject_bytes,
    );
    let description = row.get(&c.description).unwrap_or_else(|| subject.clone());
    let description = if description.trim().is_empty() {
        "(no description)".to_string()
    } else {
        description
    };
    let (description, cut_d) = cut(&description, limits.description_bytes);
    let mut diagnostics = Diagnostics::default();
    if let Some(v) = c.version.as_deref().and_then(|col| row.get(col)) {
        diagnostics.app_version = Some(cut(&v, limits.short_bytes).0);
    }
    if let Some(id) = c.external_id.as_deref().and_then(|col| row.get(col)) {
        diagnostics
            .extra
            .insert("external_id".into(), cut(&id, limits.short_bytes).0);
    }
    let priority = c
        .priority
        .as_deref()
        .and_then(|col| row.get(col))
        .and_then(|p| mapping.priorities.get(&p).copied())
        .unwrap_or(Priority::Normal);
    let r = Report {
        description,
        subject: (!subject.trim().is_empty()).then_some(subject),
        channel: Some(Channel::Api),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        priority: Some(priority),
        ..Report::default()
    };
    let id = book
        .report(&r, actor, created)
        .map_err(|e| (e.code().as_str().to_string(), e.to_string(), None))?;
    let key = book.cases().get(id).map(|case| book.key_of(case));
    for (to, outcome) in steps {
        book.execute(
            &id.to_string(),
            &CaseCommand::Transition { to, outcome },
            actor,
            resolved,
        )
        .map_err(|e| (e.code().as_str().to_string(), e.to_string(), key.clone()))?;
    }
    report.created += 1;
    if cut_s || cut_d {
        report.truncated += 1;
    }
    let state = book
        .cases()
        .get(id)
        .map(|c| c.status.clone())
        .unwrap_or_default();
    *report.by_state.entry(state).or_insert(0) += 1;
    Ok(())
}
