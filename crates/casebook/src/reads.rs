//! Typed reads on a casebook: every one goes through the visibility projection.

use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::Result;
use crate::query::{self, ListFilter};
use crate::store::Store;
use crate::view::{self, CaseView};

/// The default page size of `list`.
pub const DEFAULT_PAGE: usize = 50;

impl<S: Store> Casebook<S> {
    /// One case as the viewer may see it, with its timeline; `not_found` when they may not.
    pub fn view_case(&self, reference: &str, viewer: &Actor) -> Result<CaseView> {
        let case = self.find_visible(reference, viewer)?;
        let events = self.events_of(case.id)?;
        Ok(view::view(
            case,
            viewer,
            self.workflow(),
            self.key_prefix(),
            Some(&events),
        ))
    }

    /// A case just reported, as its reporter sees it; also for anonymous reporters, who cannot
    /// look it up again without a tracking token.
    pub fn view_reported(&self, id: crate::ids::CaseId, reporter: &Actor) -> Result<CaseView> {
        let case = self
            .cases()
            .get(id)
            .ok_or_else(|| crate::error::Error::NotFound {
                reference: id.to_string(),
            })?;
        let events = self.events_of(case.id)?;
        Ok(view::view(
            case,
            reporter,
            self.workflow(),
            self.key_prefix(),
            Some(&events),
        ))
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
        let page = query::list(self.cases(), self.workflow(), viewer, filter, cursor, limit)?;
        let views = page
            .cases
            .iter()
            .map(|c| view::view(c, viewer, self.workflow(), self.key_prefix(), None))
            .collect();
        Ok((views, page.next))
    }
}
