//! Protocol responses: `{"ok": true, "result": ...}` or `{"ok": false, "error": {"code", "message"}}`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::view::CaseView;

/// An error as the protocol shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    /// The stable snake_case code.
    pub code: String,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// A response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Response {
    /// True on success.
    pub ok: bool,
    /// The request's id, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The result, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<OpResult>,
    /// The error, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The result of an operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
pub enum OpResult {
    /// One case: report, get and every command on a case.
    Case {
        /// The case as the requester may see it.
        case: Box<CaseView>,
    },
    /// A page of cases: list.
    Cases {
        /// The cases.
        cases: Vec<CaseView>,
        /// The cursor of the next page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// The public roadmap.
    Roadmap {
        /// The roadmap.
        roadmap: crate::roadmap::Roadmap,
    },
    /// Configure.
    Configured {
        /// What the configuration now is.
        configured: ConfigSummary,
    },
    /// Tick: what was applied and when to call again.
    Tick {
        /// The report.
        tick: crate::tick::TickReport,
    },
    /// release.
    Release {
        /// The release.
        release: crate::release::ReleaseSummary,
    },
    /// release_notes.
    ReleaseNotes {
        /// The notes.
        release_notes: crate::release::ReleaseNotes,
    },
    /// notifications.
    Notifications {
        /// The due notifications.
        notifications: Vec<crate::outbox::NotificationOut>,
    },
    /// ack.
    Acked {
        /// How many were newly marked delivered.
        acked: usize,
    },
    /// subscribe.
    Subscribed {
        /// The subscription.
        subscription: crate::outbox::Subscription,
    },
    /// broadcast.
    Broadcast {
        /// The broadcast.
        broadcast: crate::outbox::BroadcastRecord,
    },
    /// atom_feed.
    AtomFeed {
        /// The Atom XML document.
        atom: String,
    },
    /// rate.
    Rated {
        /// The rating.
        rated: crate::rating::Rated,
    },
    /// stats.
    Stats {
        /// The metrics.
        stats: Box<crate::stats::Stats>,
    },
    /// trends.
    Trends {
        /// Spikes and clusters.
        trends: crate::stats::Trends,
    },
    /// ingest_email.
    #[cfg(feature = "email")]
    Ingested {
        /// What became of the message.
        ingested: crate::intake::IngestResult,
    },
    /// record_outbound.
    #[cfg(feature = "email")]
    Outbound {
        /// The case's reply token and subject tag.
        outbound: crate::intake::OutboundResult,
    },
    /// held_emails.
    Held {
        /// Messages held for review.
        held: Vec<crate::intake::HeldMessage>,
    },
    /// article_upsert and article_get.
    Article {
        /// The article.
        article: crate::knowledge::Article,
    },
    /// similar.
    Similar {
        /// The matches, best first.
        similar: Vec<crate::similar::SimilarMatch>,
    },
    /// known_answers.
    KnownAnswers {
        /// The report.
        known_answers: crate::knowledge::KnownAnswers,
    },
    /// deflected.
    Recorded {
        /// Always true: the event was recorded.
        recorded: bool,
    },
    /// Export.
    Exported {
        /// The export document.
        export: Box<crate::portability::Export>,
    },
    /// Import.
    Imported {
        /// What was loaded.
        imported: crate::portability::ImportSummary,
    },
    /// Erase.
    Erased {
        /// What was rewritten.
        erased: crate::portability::EraseSummary,
    },
    /// Merge an identity.
    Merged {
        /// What moved.
        merged: crate::portability::MergeSummary,
    },
    /// A page of case summaries: list with "view": "summary".
    CaseSummaries {
        /// The cases.
        cases: Vec<crate::summary::CaseSummary>,
        /// The cursor of the next page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
}

/// The configuration after `configure`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigSummary {
    /// The key prefix.
    pub key_prefix: String,
    /// The workflow's state ids.
    pub states: Vec<String>,
}
