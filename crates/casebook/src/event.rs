//! Events: every change to a case, with its actor, time and sequence number.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::{Channel, Commitment, Diagnostics, Link, Priority, Reporter, Visibility};
use crate::ids::{CaseId, CommentId};
use crate::outcome::Outcome;

/// One event of a case's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The case.
    pub case: CaseId,
    /// The sequence number within the case, from 1.
    pub seq: u64,
    /// When it happened.
    #[serde(serialize_with = "serialize_instant")]
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: Actor,
    /// What changed.
    pub change: Change,
}

/// Writes an instant exactly as chrono's serde does (RFC 3339 with `Z`, fractional seconds only
/// when present, in groups of 3 digits) through a stack buffer instead of `fmt`, which showed in
/// profiles of encoding every event. Leap seconds and years outside 0..=9999 go through chrono.
fn serialize_instant<S: serde::Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    let t = at.naive_utc();
    let (year, nano) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nano >= 1_000_000_000 {
        return at.serialize(s);
    }
    let (fraction, digits) = match nano {
        0 => (0, 0),
        _ if nano % 1_000_000 == 0 => (nano / 1_000_000, 3),
        _ if nano % 1_000 == 0 => (nano / 1_000, 6),
        _ => (nano, 9),
    };
    // "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" is 30 bytes at most.
    let mut buf = [0u8; 32];
    let mut len = 0;
    let mut put = |sep: Option<u8>, value: u32, digits: u32| {
        if let Some(c) = sep {
            buf[len] = c;
            len += 1;
        }
        for d in (0..digits).rev() {
            buf[len] = b'0' + (value / 10u32.pow(d) % 10) as u8;
            len += 1;
        }
    };
    put(None, year as u32, 4);
    put(Some(b'-'), t.month(), 2);
    put(Some(b'-'), t.day(), 2);
    put(Some(b'T'), t.hour(), 2);
    put(Some(b':'), t.minute(), 2);
    put(Some(b':'), t.second(), 2);
    if digits > 0 {
        put(Some(b'.'), fraction, digits);
    }
    put(Some(b'Z'), 0, 0);
    match std::str::from_utf8(&buf[..len]) {
        Ok(text) => s.serialize_str(text),
        Err(_) => at.serialize(s),
    }
}

/// What an event changed.
// Events are short-lived values between decide, store and apply; boxing the large report
// would cost an allocation on the hot path for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// The case was reported.
    Reported {
        /// The number of its key.
        number: u64,
        /// The reporter.
        reporter: Reporter,
        /// The reporter's organisation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        org: Option<String>,
        /// The channel.
        channel: Channel,
        /// The agent who logged it on the reporter's behalf.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logged_by: Option<String>,
        /// The subject.
        subject: String,
        /// Whether the subject was derived from the description.
        #[serde(default)]
        subject_derived: bool,
        /// The description.
        description: String,
        /// Diagnostics.
        #[serde(default, skip_serializing_if = "Diagnostics::is_empty")]
        diagnostics: Diagnostics,
        /// Tags.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        /// Priority.
        priority: Priority,
        /// The initial state.
        status: String,
        /// Visibility.
        #[serde(default)]
        visibility: Visibility,
        /// Attachments' metadata (the bytes stay with the host).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<crate::intake::Attachment>,
    },
    /// A comment: a public reply or an internal note.
    Commented {
        /// The comment's id.
        id: CommentId,
        /// Its text.
        body: String,
        /// An internal note, invisible to customers.
        internal: bool,
        /// The full original text when `body` was cleaned (an email with its quotes and signature).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original: Option<String>,
    },
    /// The case moved to another state.
    Transitioned {
        /// The state it left.
        from: String,
        /// The state it entered.
        to: String,
        /// The transition's name.
        name: String,
        /// The outcome given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
    },
    /// Assignee and/or team changed.
    Assigned {
        /// The new assignee (none: unassigned).
        assignee: Option<String>,
        /// The new team (none: no team).
        team: Option<String>,
    },
    /// Priority changed.
    PriorityChanged {
        /// The old priority.
        from: Priority,
        /// The new priority.
        to: Priority,
    },
    /// Tags added or removed.
    Tagged {
        /// Tags added.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        added: Vec<String>,
        /// Tags removed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        removed: Vec<String>,
    },
    /// A link was added.
    Linked {
        /// The link.
        link: Link,
    },
    /// Someone voted "me too".
    Voted {
        /// The voter.
        voter: String,
    },
    /// Someone started (or stopped) watching.
    Watched {
        /// The watcher.
        watcher: String,
        /// False: stopped watching.
        on: bool,
    },
    /// A promise was made to the customer.
    Promised {
        /// The promise.
        commitment: Commitment,
    },
    /// The visibility changed, or the reporter chose whether their name shows.
    VisibilityChanged {
        /// The new visibility.
        visibility: Visibility,
        /// Whether the reporter's name shows on a shared or public case.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        show_reporter: Option<bool>,
    },
    /// A participant was added.
    ParticipantAdded {
        /// The participant's person key.
        participant: String,
    },
    /// A tracking token was issued (the token is derived from the nonce and the host's secret).
    TokenIssued {
        /// The nonce.
        nonce: String,
    },
    /// A tracking token was revoked.
    TokenRevoked {
        /// The nonce.
        nonce: String,
    },
    /// An escalation rule fired; the events that follow in the same commit are its actions.
    RuleFired {
        /// The rule's name.
        rule: String,
        /// What triggered it, in words ("first_reply at 80%").
        trigger: String,
        /// The episode it fired in (it fires at most once per episode).
        episode: String,
    },
    /// A rule asked the host to notify someone (the outbox picks it up).
    NotificationRequested {
        /// The rule's name.
        rule: String,
        /// Who.
        to: String,
        /// The message.
        message: String,
    },
    /// A rule set a flag on the case.
    FlagSet {
        /// The rule's name.
        rule: String,
        /// The flag.
        flag: String,
    },
    /// A promise's due date passed unkept.
    PromiseBroken {
        /// The commitment's number.
        number: u32,
    },
    /// A promise was kept (a fix shipped in the promised release).
    PromiseKept {
        /// The commitment's number.
        number: u32,
        /// The release that kept it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        release: Option<String>,
    },
    /// The fix shipped in a release (op `release`).
    FixShipped {
        /// The release's version.
        version: String,
        /// The release date.
        date: chrono::NaiveDate,
    },
    /// The reporter said whether the shipped fix works for them (op `confirm_fix`).
    FixConfirmed {
        /// True: it works.
        works: bool,
        /// What they said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// The reporter rated the solution with a one-click token (op `rate`).
    Rated {
        /// The sequence number of the event that solved the case: a token rates one solve.
        solve: u64,
        /// Good (true) or bad.
        good: bool,
        /// An optional comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// The anonymous reporter signed in: the case now belongs to their account.
    ReporterMerged {
        /// The account's host user id.
        user: String,
        /// Their display name, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl Change {
    /// The snake_case name of the change, as timelines show it.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Reported { .. } => "reported",
            Change::Commented { .. } => "commented",
            Change::Transitioned { .. } => "transitioned",
            Change::Assigned { .. } => "assigned",
            Change::PriorityChanged { .. } => "priority_changed",
            Change::Tagged { .. } => "tagged",
            Change::Linked { .. } => "linked",
            Change::Voted { .. } => "voted",
            Change::Watched { .. } => "watched",
            Change::Promised { .. } => "promised",
            Change::VisibilityChanged { .. } => "visibility_changed",
            Change::ParticipantAdded { .. } => "participant_added",
            Change::TokenIssued { .. } => "token_issued",
            Change::TokenRevoked { .. } => "token_revoked",
            Change::RuleFired { .. } => "rule_fired",
            Change::NotificationRequested { .. } => "notification_requested",
            Change::FlagSet { .. } => "flag_set",
            Change::PromiseBroken { .. } => "promise_broken",
            Change::PromiseKept { .. } => "promise_kept",
            Change::FixShipped { .. } => "fix_shipped",
            Change::FixConfirmed { .. } => "fix_confirmed",
            Change::Rated { .. } => "rated",
            Change::ReporterMerged { .. } => "reporter_merged",
        }
    }
}

/// The stream name of a case.
pub fn case_stream(id: CaseId) -> String {
    let mut buf = uuid::Uuid::encode_buffer();
    let text = id.0.hyphenated().encode_lower(&mut buf);
    let mut name = String::with_capacity(5 + text.len());
    name.push_str("case/");
    name.push_str(text);
    name
}

/// The stream that allocates case keys (CB-1, CB-2, ...).
pub const KEYS_STREAM: &str = "keys";
/// The stream of casebook configuration.
pub const CONFIG_STREAM: &str = "casebook";

/// A key claim: the payload of the keys stream. One claim covers the key numbers of all reports
/// of one append, `first .. first + count`; the stream's optimistic concurrency makes two writers
/// never claim the same numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyClaim {
    /// The first number claimed.
    pub first: u64,
    /// How many numbers.
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Fast(#[serde(serialize_with = "serialize_instant")] DateTime<Utc>);

    #[test]
    fn instants_encode_exactly_as_chrono_does() {
        let mut seen = 0;
        for secs in [
            -62_135_596_800i64, // 0001-01-01
            -1,
            0,
            951_782_400, // 2000-02-29
            1_772_434_800,
            253_402_300_799, // 9999-12-31T23:59:59
            253_402_300_800, // year 10000
            -62_198_755_200, // year -1
        ] {
            for nano in [
                0u32,
                1,
                999,
                1_000,
                120_000,
                1_000_000,
                5_000_000,
                123_456_789,
                999_999_999,
                1_500_000_000, // a leap second
            ] {
                let Some(at) = DateTime::from_timestamp(secs, nano) else {
                    continue;
                };
                let want = serde_json::to_string(&at).unwrap();
                assert_eq!(serde_json::to_string(&Fast(at)).unwrap(), want);
                let back: DateTime<Utc> = serde_json::from_str(&want).unwrap();
                assert_eq!(back, at);
                seen += 1;
            }
        }
        assert!(seen > 60);
    }
}
