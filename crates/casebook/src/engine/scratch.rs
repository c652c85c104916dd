//! Buffers of the report path that outlive one append.

use crate::event::Event;
use crate::store::Commit;

/// Buffers of the report path kept between appends: a batch of 1,000 reports needs ~0.5 MB of
/// events and commits, and allocating that afresh for every batch (the allocator maps it and
/// consolidates its free lists each time) made batches slower per report than single reports.
#[derive(Default)]
pub(super) struct Scratch {
    events: Vec<Event>,
    commits: Vec<Commit>,
}

/// The most entries a scratch buffer keeps between appends (a larger batch's are freed).
const SCRATCH_KEEP: usize = 1024;

impl Scratch {
    /// Takes the buffers, empty, with room for `n` reports.
    pub(super) fn take(&mut self, n: usize) -> (Vec<Event>, Vec<Commit>) {
        let (mut events, mut commits) = (
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.commits),
        );
        events.clear();
        commits.clear();
        events.reserve(n);
        commits.reserve(n + 1);
        (events, commits)
    }

    /// Gives the (emptied) buffers back for the next append.
    pub(super) fn keep(&mut self, mut events: Vec<Event>, mut commits: Vec<Commit>) {
        events.clear();
        commits.clear();
        events.shrink_to(SCRATCH_KEEP);
        commits.shrink_to(SCRATCH_KEEP + 1);
        (self.events, self.commits) = (events, commits);
    }
}
