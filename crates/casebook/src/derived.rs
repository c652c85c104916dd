//! Projections kept beside the case table. Each is a function of the log: it is updated from
//! every applied event (a case's, or another stream's such as articles or releases), so opening a
//! casebook rebuilds it and every app server that follows the log agrees on it.
//!
//! An area that needs one (the search index, SLA deadlines, the notification outbox, ...) adds a
//! field here and one line in each hook that calls into its own module.

use crate::case::Case;
use crate::error::Result;
use crate::event::Event;
use crate::store::StoredEvent;
use crate::table::Slot;

/// The derived projections. A snapshot keeps them whole (each through its serde derive).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Derived {
    /// SLA and promise deadlines.
    pub(crate) deadlines: crate::deadlines::Deadlines,
    /// Notifications, subscriptions and broadcasts.
    pub(crate) outbox: crate::outbox::Outbox,
    /// Releases.
    pub(crate) releases: crate::release::Releases,
    /// Email intake: reply tokens, Message-IDs, held and ignored messages, configuration.
    pub(crate) intake: crate::intake::Intake,
    /// Knowledge articles, known-answer counts and deflections.
    pub(crate) knowledge: crate::knowledge::Knowledge,
    /// The similar-case index over cases and articles.
    pub(crate) similar: crate::similar::SimilarIndex,
}

impl Derived {
    /// Called after `event` was folded into a case, with the case's new state (the engine
    /// folds most events in place, so the state before is not kept).
    /// `slot` is the case's slot in the table (for a new case, the one it is about to get).
    pub(crate) fn on_case_event(&mut self, slot: Slot, new: &Case, event: &Event) -> Result<()> {
        self.deadlines.on_case_event(slot, new, event);
        self.outbox.on_case_event(new, event);
        self.similar.on_case_event(new, event)?;
        self.knowledge.on_case_event(new, event);
        Ok(())
    }

    /// Called for an event of a stream that is not a case, the keys or the configuration.
    pub(crate) fn on_stream_event(&mut self, stored: &StoredEvent) -> Result<()> {
        self.releases.on_stream_event(stored)?;
        self.outbox.on_stream_event(stored)?;
        self.intake.on_stream_event(stored)?;
        if let Some(article) = self.knowledge.on_stream_event(stored)? {
            self.similar.upsert_article(article)?;
        }
        Ok(())
    }
}
