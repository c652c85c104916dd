//! Protocol requests: `{"op": "...", "as": {...}, "at"?: "RFC 3339", "id"?: "...", ...arguments}`.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::actor::Actor;
use crate::case::{LinkKind, Priority, Visibility};
use crate::command::Report;
use crate::config::ConfigChange;
use crate::outcome::Outcome;
use crate::query::ListFilter;

// Written by serde's derive; read by `protocol::parse` in one pass (see `decode.rs`), which
// `Deserialize` uses too, so a request read from anywhere is checked the same way. (Not in the
// doc comment: doc comments are the published schema's descriptions.)
/// A request: the envelope and one operation.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Request {
    /// Who asks.
    #[serde(rename = "as")]
    pub actor: Actor,
    /// When the request happens; the host's clock when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// A request id chosen by the caller, echoed in the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The operation and its arguments.
    #[serde(flatten)]
    pub op: Op,
}

// Read through `Request`: the arguments are read in `decode.rs`, whose structs must keep the
// fields and serde attributes of these variants.
/// The operations.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Op {
    /// Change the casebook's configuration (admins and the system).
    Configure(ConfigChange),
    /// Report a problem; a description alone is enough.
    Report(Report),
    /// Add a public reply or an internal note.
    Comment {
        /// The case, by id or key.
        case: String,
        /// The text.
        body: String,
        /// An internal note (staff only).
        #[serde(default)]
        internal: bool,
    },
    /// Move a case to another state.
    Transition {
        /// The case.
        case: String,
        /// The target state.
        to: String,
        /// The outcome, when the transition needs one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
    },
    /// Assign a case to a person and/or team ("" clears).
    Assign {
        /// The case.
        case: String,
        /// The assignee.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignee: Option<String>,
        /// The team.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
    },
    /// Change a case's priority.
    SetPriority {
        /// The case.
        case: String,
        /// The priority.
        priority: Priority,
    },
    /// Add and remove tags.
    Tag {
        /// The case.
        case: String,
        /// Tags to add.
        #[serde(default)]
        add: Vec<String>,
        /// Tags to remove.
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Link a case to a related case or an external defect.
    Link {
        /// The case.
        case: String,
        /// related or defect.
        kind: LinkKind,
        /// The other case (id or key), or the defect's URL or id.
        target: String,
    },
    /// Vote "me too".
    Vote {
        /// The case.
        case: String,
    },
    /// Watch a case (or stop, with "on": false).
    Watch {
        /// The case.
        case: String,
        /// Start (true, the default) or stop watching.
        #[serde(default = "yes")]
        on: bool,
    },
    /// Make a promise to the customer.
    Promise {
        /// The case.
        case: String,
        /// What is promised.
        text: String,
        /// The release it targets.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_release: Option<String>,
        /// The date it is due.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
    },
    /// Change who may see a case, and/or (the reporter) whether their name shows on it.
    SetVisibility {
        /// The case.
        case: String,
        /// private, organization or public.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visibility: Option<Visibility>,
        /// Whether the reporter's name shows on a shared or public case (the reporter's choice).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        show_reporter: Option<bool>,
    },
    /// Add a participant, who then sees the case and may reply.
    AddParticipant {
        /// The case.
        case: String,
        /// Who: `{"id": "..."}` and/or `{"email": "..."}`.
        participant: Participant,
    },
    /// Issue a new tracking token for a case (staff); the answer carries it.
    IssueToken {
        /// The case.
        case: String,
    },
    /// Revoke a tracking token (staff, or the reporter).
    RevokeToken {
        /// The case.
        case: String,
        /// The token to revoke.
        token: String,
    },
    /// The public roadmap: public cases grouped by honest outcome.
    Roadmap {},
    /// One case with its timeline.
    Get {
        /// The case.
        case: String,
    },
    /// Cases, newest first, a page at a time.
    List {
        /// Filters.
        #[serde(default)]
        filter: ListFilter,
        /// The `next` of the previous page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
        /// The page size (default 50, at most the configured page limit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
        /// "full" (the default): case views; "summary": lean case summaries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        view: Option<crate::summary::ListView>,
    },
    /// Apply everything due now (SLA rules, broken promises); system and admins only. The
    /// answer lists what was applied and when to call again.
    Tick {},
    /// Ship a release (staff): marks its cases fixed, tells everyone concerned once, asks the
    /// reporters to confirm.
    #[cfg(feature = "releases")]
    Release {
        /// The version, e.g. "5.3".
        version: String,
        /// The release date (the request's day when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date: Option<NaiveDate>,
        /// The cases it fixes (ids or keys).
        #[serde(default)]
        cases: Vec<String>,
        /// Engineering defects it fixes: the cases linked to them are fixed too.
        #[serde(default)]
        defects: Vec<String>,
    },
    /// "What's new in X", as the requester may see it.
    #[cfg(feature = "releases")]
    ReleaseNotes {
        /// The version.
        version: String,
    },
    /// The reporter says whether the shipped fix works for them.
    #[cfg(feature = "releases")]
    ConfirmFix {
        /// The case.
        case: String,
        /// True: it works.
        works: bool,
        /// What they want to add.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Hand out due notifications for delivery (system).
    #[cfg(feature = "releases")]
    Notifications {
        /// At most this many (default 100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// Mark notifications delivered (system).
    #[cfg(feature = "releases")]
    Ack {
        /// The ids `notifications` returned.
        ids: Vec<String>,
    },
    /// Follow a tag or a component (or stop, with "on": false).
    #[cfg(feature = "releases")]
    Subscribe {
        /// A tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        /// A component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        component: Option<String>,
        /// Start (true, the default) or stop.
        #[serde(default = "yes")]
        on: bool,
    },
    /// Post a status message to a component's subscribers and its open cases' reporters (staff).
    #[cfg(feature = "releases")]
    Broadcast {
        /// The component.
        component: String,
        /// The message.
        message: String,
        /// Also in the public Atom feed (default true).
        #[serde(default = "yes")]
        public: bool,
    },
    /// The public status broadcasts as an Atom feed.
    #[cfg(feature = "releases")]
    AtomFeed {
        /// Only this component's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        component: Option<String>,
    },
    /// Rate a solved case with its one-click rating token.
    Rate {
        /// The token.
        token: String,
        /// good or bad.
        rating: crate::rating::Rating,
        /// An optional comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Metrics over a period (staff).
    #[cfg(feature = "stats")]
    Stats {
        /// "FROM..TO", e.g. "2026-11-01..2026-11-30".
        period: String,
        /// Which cases count.
        #[serde(default)]
        filter: crate::stats::StatsFilter,
    },
    /// Spikes and clusters (staff).
    #[cfg(feature = "stats")]
    Trends {
        /// "FROM..TO".
        period: String,
        /// How many periods of the same length before form the baseline (default 4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        baseline_periods: Option<u32>,
    },
    /// Take in one raw email (the system): a new case, a comment, a hold, or an ignore.
    #[cfg(feature = "email")]
    IngestEmail {
        /// The whole RFC 5322 message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raw: Option<String>,
        /// The whole message in base64, for mail whose bytes are not UTF-8 (give `raw` or this).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raw_base64: Option<String>,
    },
    /// Record a message the host sent about a case; answers with the case's reply token.
    #[cfg(feature = "email")]
    RecordOutbound {
        /// The case.
        case: String,
        /// The outbound Message-ID, for In-Reply-To threading.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    /// Messages held for review (staff).
    HeldEmails {},
    /// Create or replace a knowledge article (staff).
    ArticleUpsert {
        /// The article.
        article: crate::knowledge::ArticleInput,
    },
    /// One knowledge article (internal ones for staff only).
    ArticleGet {
        /// The article's id (`id` is the request's own id in the envelope).
        article: String,
    },
    /// Similar cases and articles for a draft report or an existing case.
    Similar {
        /// A draft report (before it is submitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<crate::similar::Draft>,
        /// An existing case (id or key).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<String>,
        /// How many matches (default 10, at most 50).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// The known answers that keep being needed, with trend and the deflection rate (staff).
    KnownAnswers {
        /// The period in days (default 30); the previous period is as long.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period_days: Option<u32>,
        /// How many answers (default 20, at most 200).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// The host says: a reporter saw this suggestion and did not submit.
    Deflected {
        /// What they saw: `{"article": id}` or `{"case": key}`.
        suggestion: crate::knowledge::Suggestion,
    },
    /// Export: admins get the whole casebook (its event log and configuration), customers what
    /// they may see of their own cases. See docs/portability.md.
    #[cfg(feature = "portability")]
    Export {},
    /// Load a casebook export into this casebook, which must be empty (admins).
    #[cfg(feature = "portability")]
    Import {
        /// The export document.
        export: Box<crate::portability::Export>,
    },
    /// Erase a person's personal data from every event (admins).
    #[cfg(feature = "portability")]
    Erase {
        /// Who.
        person: crate::portability::PersonRef,
    },
    /// Move an anonymous reporter's cases to a signed-in account.
    #[cfg(feature = "portability")]
    MergeIdentity {
        /// The anonymous identity: its email and/or a tracking token.
        from: crate::portability::AnonymousRef,
        /// The account's user id.
        into: String,
    },
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::deserialize(deserializer)?;
        super::decode::decode(map).map_err(|(_, e)| serde::de::Error::custom(e.message))
    }
}

/// A participant to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Their host user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

fn yes() -> bool {
    true
}

impl Op {
    /// The names of all operations, as they appear in `"op"`.
    pub const NAMES: &'static [&'static str] = &[
        "configure",
        "report",
        "comment",
        "transition",
        "assign",
        "set_priority",
        "tag",
        "link",
        "vote",
        "watch",
        "promise",
        "set_visibility",
        "add_participant",
        "issue_token",
        "revoke_token",
        "roadmap",
        "get",
        "list",
        "tick",
        "release",
        "release_notes",
        "confirm_fix",
        "notifications",
        "ack",
        "subscribe",
        "broadcast",
        "atom_feed",
        "rate",
        "stats",
        "trends",
        "ingest_email",
        "record_outbound",
        "held_emails",
        "article_upsert",
        "article_get",
        "similar",
        "known_answers",
        "deflected",
        "export",
        "import",
        "erase",
        "merge_identity",
    ];
}
