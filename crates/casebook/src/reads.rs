//! Typed reads on a casebook: every one goes through the visibility projection.

use crate::actor::Actor;
use crate::case::{Case, LinkKind};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::ids::CaseId;
use crate::query::{self, ListFilter};
use crate::store::Store;
use crate::view::{self, CaseView, DuplicateOfView};

/// The default page size of `list`.
pub const DEFAULT_PAGE: usize = 50;

impl<S: Store> Casebook<S> {
    fn project(&self, case: &Case, viewer: &Actor, with_timeline: bool) -> Result<CaseView> {
        let events = if with_timeline {
            Some(self.events_of(case.id)?)
        } else {
            None
        };
        Ok(self.project_events(case, viewer, events.as_deref()))
    }

    /// [`project`](Self::project) with the case's events at hand (its whole history, or none for
    /// a view without timeline).
    fn project_events(&self, case: &Case, viewer: &Actor, events: Option<&[Event]>) -> CaseView {
        let mut v = view::view(
            case,
            viewer,
            self.workflow(),
            self.key_prefix(),
            self.policy(),
            events,
        );
        let original = case
            .links()
            .iter()
            .find(|l| l.kind == LinkKind::DuplicateOf)
            .and_then(|l| l.case)
            .and_then(|id| self.cases().get(id));
        if let Some(o) = original {
            v.duplicate_of = Some(DuplicateOfView {
                key: self.key_of(o),
                status_label: self
                    .workflow()
                    .state(&o.status)
                    .and_then(|s| s.label.clone())
                    .unwrap_or_else(|| o.status.clone()),
                category: self.workflow().category(&o.status),
                outcome: o.outcome().map(|x| x.plain_words()),
            });
        }
        v
    }

    /// A case the viewer may see, projected without its timeline (the caller checked
    /// `policy.can_view`).
    pub(crate) fn view_brief(&self, case: &Case, viewer: &Actor) -> Result<CaseView> {
        self.project(case, viewer, false)
    }

    /// One case as the viewer may see it, with its timeline; `not_found` when they may not.
    pub fn view_case(&self, reference: &str, viewer: &Actor) -> Result<CaseView> {
        let case = self.find_visible(reference, viewer)?;
        self.project(case, viewer, true)
    }

    /// A case just reported, as its reporter sees it, with the tracking token of an anonymous
    /// reporter (who cannot look the case up again without it).
    pub fn view_reported(&self, id: CaseId, reporter: &Actor) -> Result<CaseView> {
        self.view_reported_with(id, reporter, None)
    }

    /// As [`view_reported`](Self::view_reported), given the events the report wrote (see
    /// [`Casebook::report_with_events`]): they make the timeline while they are still the case's
    /// whole history; once anything else was written to the case (a rule that fired on the
    /// report), its events are read from the store.
    pub fn view_reported_with(
        &self,
        id: CaseId,
        reporter: &Actor,
        written: Option<&[Event]>,
    ) -> Result<CaseView> {
        let case = self.cases().get(id).ok_or_else(|| Error::NotFound {
            reference: id.to_string(),
        })?;
        let token = self
            .tracking_token(id)
            .filter(|_| case.reporter.user.is_none());
        let mut as_reporter = reporter.clone();
        if token.is_some() {
            as_reporter = self.authenticate(&Actor {
                token: token.clone(),
                ..reporter.clone()
            })?;
        }
        let whole = written.filter(|evs| {
            evs.first().is_some_and(|e| e.seq == 1)
                && evs.last().is_some_and(|e| e.seq == case.version)
                && evs.iter().all(|e| e.case == id)
        });
        let mut v = match whole {
            Some(events) => self.project_events(case, &as_reporter, Some(events)),
            None => self.project(case, &as_reporter, true)?,
        };
        v.tracking_token = token;
        Ok(v)
    }

    /// A page of cases the viewer may see, newest first, without timelines.
    pub fn list_cases(
        &self,
        viewer: &Actor,
        filter: &ListFilter,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(Vec<CaseView>, Option<String>)> {
        let limit = limit
            .unwrap_or(DEFAULT_PAGE)
            .clamp(1, self.limits().page_size.max(1));
        let page = query::list(
            self.cases(),
            self.workflow(),
            self.policy(),
            viewer,
            filter,
            cursor,
            limit,
        )?;
        let views = page
            .cases
            .iter()
            .map(|c| self.project(c, viewer, false))
            .collect::<Result<_>>()?;
        Ok((views, page.next))
    }
}
