//! Reading GitBugs / Jira CSV exports: bug reports and duplicate pairs.

use std::io::Read;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::EvalError;

/// One bug report of a tracker export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BugReport {
    /// Tracker id (`Issue id`).
    pub id: String,
    /// One-line summary.
    pub summary: String,
    /// Workflow status, e.g. `Resolved`.
    pub status: String,
    /// Priority, e.g. `Major`.
    pub priority: String,
    /// Resolution, e.g. `Fixed`; empty when unresolved.
    pub resolution: String,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Resolution time, if resolved.
    pub resolved: Option<DateTime<Utc>>,
    /// Affected versions (empty when the column is absent or blank).
    pub affects_versions: Vec<String>,
    /// Free-text description (may span many lines).
    pub description: String,
}

const REQUIRED: [&str; 8] = [
    "Summary",
    "Issue id",
    "Status",
    "Priority",
    "Resolution",
    "Created",
    "Resolved",
    "Description",
];
const VERSIONS: &str = "Affects Version/s";

/// Reads every bug report of a GitBugs project CSV (header row first).
pub fn read_bugs<R: Read>(reader: R) -> Result<Vec<BugReport>, EvalError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| EvalError::Csv {
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let mut idx = [0usize; 8];
    for (slot, name) in idx.iter_mut().zip(REQUIRED) {
        *slot = col(name).ok_or_else(|| EvalError::MissingColumn {
            column: name.to_string(),
        })?;
    }
    let versions = col(VERSIONS);
    let [
        summary,
        id,
        status,
        priority,
        resolution,
        created,
        resolved,
        description,
    ] = idx;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EvalError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let bug_id = get(id).trim().to_string();
        if bug_id.is_empty() {
            return Err(EvalError::BadRow {
                line,
                reason: "the `Issue id` cell is empty".into(),
            });
        }
        let created_at =
            parse_date(rec.get(created).unwrap_or("")).ok_or_else(|| EvalError::BadRow {
                line,
                reason: format!(
                    "`Created` value {:?} is neither `30/Sep/21 17:20` nor ISO 8601 with offset",
                    rec.get(created).unwrap_or("")
                ),
            })?;
        let resolved_raw = rec.get(resolved).unwrap_or("").trim();
        let resolved_at = if resolved_raw.is_empty() {
            None
        } else {
            Some(parse_date(resolved_raw).ok_or_else(|| EvalError::BadRow {
                line,
                reason: format!("`Resolved` value {resolved_raw:?} is not a date"),
            })?)
        };
        let affects_versions = versions
            .and_then(|i| rec.get(i))
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect();
        out.push(BugReport {
            id: bug_id,
            summary: get(summary),
            status: get(status),
            priority: get(priority),
            resolution: get(resolution),
            created: created_at,
            resolved: resolved_at,
            affects_versions,
            description: get(description),
        });
    }
    Ok(out)
}

/// Parses `30/Sep/21 17:20` (taken as UTC) or an ISO 8601 / RFC 3339 time with offset.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%d/%b/%y %H:%M") {
        return Some(t.and_utc());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

/// Reads an `Issue id,Duplicate id` CSV. The second cell may hold a comma-separated list (quoted
/// or spilling into further cells); each listed id becomes one pair.
pub fn read_pairs<R: Read>(reader: R) -> Result<Vec<(String, String)>, EvalError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| EvalError::Csv {
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    for (i, name) in ["Issue id", "Duplicate id"].into_iter().enumerate() {
        if headers.get(i).map(str::trim) != Some(name) {
            return Err(EvalError::MissingColumn {
                column: name.to_string(),
            });
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EvalError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let issue = rec.get(0).unwrap_or("").trim().to_string();
        let dups: Vec<String> = rec
            .iter()
            .skip(1)
            .flat_map(|c| c.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if issue.is_empty() || dups.is_empty() {
            return Err(EvalError::BadRow {
                line,
                reason: "a pair row needs an issue id and at least one duplicate id".into(),
            });
        }
        out.extend(dups.into_iter().map(|d| (issue.clone(), d)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n";

    #[test]
    fn reads_multiline_rows_and_both_date_forms() {
        let csv = format!(
            "{HEADER}\"NPE, again\",11,Open,Major,,30/Sep/21 17:20,,\"3.3.1, 3.4.0\",\"line one\nline \"\"two\"\"\"\n\
             Other,12,Resolved,Minor,Fixed,2021-10-01T08:00:00+02:00,2021-10-02T08:00:00Z,,x\n"
        );
        let bugs = read_bugs(csv.as_bytes()).unwrap();
        assert_eq!(bugs.len(), 2);
        assert_eq!(bugs[0].summary, "NPE, again");
        assert_eq!(bugs[0].description, "line one\nline \"two\"");
        assert_eq!(bugs[0].affects_versions, vec!["3.3.1", "3.4.0"]);
        assert_eq!(bugs[0].created.to_rfc3339(), "2021-09-30T17:20:00+00:00");
        assert_eq!(bugs[0].resolved, None);
        assert_eq!(bugs[1].created.to_rfc3339(), "2021-10-01T06:00:00+00:00");
        assert!(bugs[1].resolved.is_some());
    }

    #[test]
    fn versions_column_is_optional() {
        let csv = "Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Description\n\
                   S,1,Open,Major,,01/Jan/20 00:00,,d\n";
        let bugs = read_bugs(csv.as_bytes()).unwrap();
        assert!(bugs[0].affects_versions.is_empty());
    }

    #[test]
    fn missing_columns_and_bad_rows_are_typed() {
        let err = read_bugs("Summary,Issue id\nx,1\n".as_bytes()).unwrap_err();
        assert_eq!(err.code(), "missing_column");
        assert!(err.to_string().contains("Status"));
        let csv = format!("{HEADER}S,1,Open,Major,,yesterday,,,d\n");
        let err = read_bugs(csv.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "bad_row");
        assert!(err.to_string().contains("line 2"), "{err}");
        let csv = format!("{HEADER}S,1,Open\n");
        assert_eq!(read_bugs(csv.as_bytes()).unwrap_err().code(), "bad_csv");
    }

    #[test]
    fn pairs_with_lists() {
        let csv = "Issue id,Duplicate id\n1,2\n3,\"4, 5\"\n6,7,8\n";
        let pairs = read_pairs(csv.as_bytes()).unwrap();
        let want: Vec<(String, String)> =
            [("1", "2"), ("3", "4"), ("3", "5"), ("6", "7"), ("6", "8")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        assert_eq!(pairs, want);
        assert_eq!(
            read_pairs("a,b\n1,2\n".as_bytes()).unwrap_err().code(),
            "missing_column"
        );
        assert_eq!(
            read_pairs("Issue id,Duplicate id\n1,\n".as_bytes())
                .unwrap_err()
                .code(),
            "bad_row"
        );
    }
}
