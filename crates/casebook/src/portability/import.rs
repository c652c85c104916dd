//! `import`: loads a casebook export into an empty casebook, on any store. The events are replayed
//! in memory first, so a damaged export is refused before anything is written.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::Result;
use crate::ids::SeededIds;
use crate::store::{Commit, MemoryStore, Store};

use super::PortabilityError;
use super::format::{Export, ExportBody, ExportedEvent, FORMAT, VERSION};

/// Events appended per store call.
const BATCH: usize = 512;

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportSummary {
    /// Events written.
    pub events: u64,
    /// Cases the casebook now holds.
    pub cases: u64,
}

/// Checks the envelope of an export and returns its events (casebook exports only).
pub fn casebook_events(export: &Export) -> Result<&[ExportedEvent], PortabilityError> {
    if export.format != FORMAT {
        return Err(PortabilityError::Format(format!(
            "\"format\" is '{}', expected '{FORMAT}'",
            export.format.chars().take(60).collect::<String>()
        )));
    }
    if export.version != VERSION {
        return Err(PortabilityError::Format(format!(
            "version {} is not supported; this Casebook reads version {VERSION}",
            export.version
        )));
    }
    match &export.body {
        ExportBody::Casebook { events, .. } => {
            for (i, e) in events.iter().enumerate() {
                if e.position != i as u64 + 1 {
                    return Err(PortabilityError::Format(format!(
                        "event {} has position {}: positions must run 1, 2, 3, ... without gaps",
                        i + 1,
                        e.position
                    )));
                }
            }
            Ok(events)
        }
        ExportBody::Customer { .. } => Err(PortabilityError::Format(
            "a customer export is a read-only view of some cases; import a casebook export (scope \"casebook\") made by an admin".into(),
        )),
    }
}

/// Groups events into commits that keep their global order: a stream appears once per append.
fn batches(events: &[(String, String)]) -> Vec<Vec<Commit>> {
    let mut out: Vec<Vec<Commit>> = Vec::new();
    let mut current: Vec<Commit> = Vec::new();
    let mut count = 0;
    let mut versions: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (stream, payload) in events {
        let extend_last = current.last().is_some_and(|c| &c.stream == stream);
        if !extend_last && (current.iter().any(|c| &c.stream == stream) || count >= BATCH) {
            out.push(std::mem::take(&mut current));
            count = 0;
        }
        let version = versions.entry(stream.as_str()).or_insert(0);
        match current.last_mut() {
            Some(c) if &c.stream == stream => c.payloads.push(payload.clone()),
            _ => current.push(Commit {
                stream: stream.clone(),
                expected_version: *version,
                payloads: vec![payload.clone()],
            }),
        }
        *version += 1;
        count += 1;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Loads a casebook export into `book`, which must be empty (admins and the system only).
/// Streams, sequence numbers, positions and payloads are kept, so timelines, keys, clocks and the
/// configuration come out exactly as they were.
pub fn import<S: Store>(
    book: &mut Casebook<S>,
    export: &Export,
    actor: &Actor,
) -> Result<ImportSummary> {
    super::admin_only(actor, "importing a casebook")?;
    let events = casebook_events(export)?;
    let head = book.store().head()?;
    if head != 0 {
        return Err(PortabilityError::TargetNotEmpty { events: head }.into());
    }
    let mut payloads = Vec::with_capacity(events.len());
    let mut trial = MemoryStore::new();
    let mut seqs: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for e in events {
        let next = seqs.entry(e.stream.as_str()).or_insert(0);
        *next += 1;
        if e.seq != *next {
            return Err(PortabilityError::Format(format!(
                "event at position {} has sequence {} in stream {}, expected {}",
                e.position, e.seq, e.stream, next
            ))
            .into());
        }
        if e.stream == crate::event::KEYS_STREAM {
            serde_json::from_value::<crate::event::KeyClaim>(e.event.clone()).map_err(|err| {
                PortabilityError::Format(format!("key claim at position {}: {err}", e.position))
            })?;
        }
        let text = serde_json::to_string(&e.event)
            .map_err(|err| PortabilityError::Format(err.to_string()))?;
        payloads.push((e.stream.clone(), text));
    }
    let plan = batches(&payloads);
    for commits in &plan {
        trial.append(commits)?;
    }
    // Replaying in memory checks that every event folds; nothing is written if one does not.
    Casebook::open(trial, Box::new(SeededIds::new(0)))
        .map_err(|err| PortabilityError::Format(format!("the events do not replay: {err}")))?;
    for commits in &plan {
        book.store_mut().append(commits)?;
    }
    book.sync()?;
    Ok(ImportSummary {
        events: payloads.len() as u64,
        cases: book.cases().len() as u64,
    })
}

/// Reads an export document from `input` (a file, a socket: the host's reader) and imports it
/// like [`import`]. Unlike the `import` request of the protocol, which is one JSON line and so
/// bounded by the request size limit, this takes an export of any size.
pub fn import_reader<S: Store, R: std::io::Read>(
    book: &mut Casebook<S>,
    input: R,
    actor: &Actor,
) -> Result<ImportSummary> {
    super::admin_only(actor, "importing a casebook")?;
    let export: Export = serde_json::from_reader(std::io::BufReader::new(input))
        .map_err(|err| PortabilityError::Format(format!("the export does not parse: {err}")))?;
    import(book, &export, actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_order_and_never_repeat_a_stream() {
        let evs: Vec<(String, String)> = ["a", "a", "b", "a", "c", "c", "b"]
            .iter()
            .enumerate()
            .map(|(i, s)| (s.to_string(), i.to_string()))
            .collect();
        let plan = batches(&evs);
        let flat: Vec<&String> = plan
            .iter()
            .flatten()
            .flat_map(|c| c.payloads.iter())
            .collect();
        assert_eq!(
            flat,
            ["0", "1", "2", "3", "4", "5", "6"]
                .iter()
                .collect::<Vec<_>>()
        );
        for commits in &plan {
            for (i, c) in commits.iter().enumerate() {
                assert!(commits[..i].iter().all(|o| o.stream != c.stream));
            }
        }
        let a: Vec<u64> = plan
            .iter()
            .flatten()
            .filter(|c| c.stream == "a")
            .map(|c| c.expected_version)
            .collect();
        assert_eq!(a, vec![0, 2]);
    }
}
