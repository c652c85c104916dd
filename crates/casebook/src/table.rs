//! The in-memory case table and its indexes, so that the hot reads never scan every case.

use std::collections::BTreeSet;
use std::hash::BuildHasher;

use foldhash::HashMap;
use foldhash::fast::RandomState;
use hashbrown::HashTable;

use crate::case::Case;
use crate::ids::CaseId;
use crate::workflow::Workflow;

/// Position of a case in the table (its replay order).
pub type Slot = u32;

const NO_SLOT: Slot = Slot::MAX;

/// Cases by slot, with indexes by id, key number, reporter, status, assignee, team and tag.
#[derive(Debug, Clone, Default)]
pub struct CaseTable {
    cases: Vec<Case>,
    /// Slots by case id: the table holds only slots (4 bytes a bucket), the id is the case's
    /// own. A map of id to slot cost ~42 B a case at a million cases (just past a power of two).
    by_id: HashTable<Slot>,
    hasher: RandomState,
    /// Slot by key number: key numbers are dense from 1, so a vector (`NO_SLOT` for a gap);
    /// numbers far beyond the table's size (a log that skipped ahead) go to `sparse_numbers`.
    by_number: Vec<Slot>,
    sparse_numbers: HashMap<u64, Slot>,
    by_reporter: HashMap<String, Vec<Slot>>,
    by_status: HashMap<String, BTreeSet<Slot>>,
    by_assignee: HashMap<String, BTreeSet<Slot>>,
    by_team: HashMap<String, BTreeSet<Slot>>,
    by_tag: HashMap<String, BTreeSet<Slot>>,
    /// Reused buffer for a new case's reporter index key.
    key_buf: String,
}

fn move_key(
    index: &mut HashMap<String, BTreeSet<Slot>>,
    old: Option<&String>,
    new: Option<&String>,
    slot: Slot,
) {
    if old == new {
        return;
    }
    if let Some(o) = old
        && let Some(set) = index.get_mut(o)
    {
        set.remove(&slot);
        if set.is_empty() {
            index.remove(o);
        }
    }
    if let Some(n) = new {
        match index.get_mut(n.as_str()) {
            Some(set) => {
                set.insert(slot);
            }
            None => {
                index.insert(n.clone(), BTreeSet::from([slot]));
            }
        }
    }
}

/// The fields the indexes are keyed by, to check changes that claim to leave them alone.
#[cfg(debug_assertions)]
fn indexed_fields(c: &Case) -> impl PartialEq + use<> {
    (
        c.status.clone(),
        c.assignee.clone(),
        c.team.clone(),
        c.tags.clone(),
        c.reporter.clone(),
    )
}

impl CaseTable {
    /// How many cases.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// A case by slot.
    pub fn at(&self, slot: Slot) -> &Case {
        &self.cases[slot as usize]
    }

    /// The slot of a case id.
    pub fn slot_of(&self, id: CaseId) -> Option<Slot> {
        let cases = &self.cases;
        self.by_id
            .find(self.hasher.hash_one(id), |&s| cases[s as usize].id == id)
            .copied()
    }

    /// The slot of a key number.
    pub fn slot_of_number(&self, number: u64) -> Option<Slot> {
        match usize::try_from(number)
            .ok()
            .and_then(|n| self.by_number.get(n))
        {
            Some(&NO_SLOT) | None => self.sparse_numbers.get(&number).copied(),
            Some(&slot) => Some(slot),
        }
    }

    fn index_number(&mut self, number: u64, slot: Slot) {
        let dense = usize::try_from(number)
            .ok()
            .filter(|&n| n <= 2 * self.cases.len() + 1024);
        match dense {
            Some(n) => {
                if self.by_number.len() <= n {
                    self.by_number.resize(n + 1, NO_SLOT);
                }
                self.by_number[n] = slot;
            }
            None => {
                self.sparse_numbers.insert(number, slot);
            }
        }
    }

    /// A case by id.
    pub fn get(&self, id: CaseId) -> Option<&Case> {
        self.slot_of(id).map(|s| self.at(s))
    }

    /// Every case, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Case> {
        self.cases.iter()
    }

    /// The slots of a reporter's cases (by reporter index key), oldest first.
    pub fn reporter_slots(&self, key: &str) -> &[Slot] {
        self.by_reporter.get(key).map_or(&[], Vec::as_slice)
    }

    /// The slots of cases in a state.
    pub fn status_slots(&self, status: &str) -> Option<&BTreeSet<Slot>> {
        self.by_status.get(status)
    }

    /// The slots of an assignee's cases.
    pub fn assignee_slots(&self, who: &str) -> Option<&BTreeSet<Slot>> {
        self.by_assignee.get(who)
    }

    /// The slots of a team's cases.
    pub fn team_slots(&self, team: &str) -> Option<&BTreeSet<Slot>> {
        self.by_team.get(team)
    }

    /// The slots of cases with a tag.
    pub fn tag_slots(&self, tag: &str) -> Option<&BTreeSet<Slot>> {
        self.by_tag.get(tag)
    }

    /// How many cases are in each state.
    pub fn status_counts(&self) -> impl Iterator<Item = (&str, usize)> {
        self.by_status.iter().map(|(k, v)| (k.as_str(), v.len()))
    }

    /// Makes room for `more` new cases (restoring a snapshot, whose count is known).
    #[cfg(feature = "snapshots")]
    pub(crate) fn reserve(&mut self, more: usize) {
        self.cases.reserve_exact(more);
        let (cases, hasher) = (&self.cases, &self.hasher);
        self.by_id
            .reserve(more, |&s| hasher.hash_one(cases[s as usize].id));
        self.by_number.reserve(more + 1);
    }

    /// Stores a new or changed case and updates the indexes.
    pub fn put(&mut self, case: Case) -> Slot {
        match self.slot_of(case.id) {
            Some(slot) => {
                let old = std::mem::replace(&mut self.cases[slot as usize], case);
                self.reindex(slot, Some(&old));
                slot
            }
            None => self.put_new(case),
        }
    }

    /// Stores a case the table does not hold yet (the caller checked) and indexes it.
    pub(crate) fn put_new(&mut self, case: Case) -> Slot {
        debug_assert!(self.slot_of(case.id).is_none(), "put_new of a known case");
        let slot = self.cases.len() as Slot;
        let hash = self.hasher.hash_one(case.id);
        self.index_number(case.number, slot);
        // Most reporters have cases already: the key is written into a reused buffer and
        // copied only for a new reporter.
        let mut key = std::mem::take(&mut self.key_buf);
        if case.reporter.write_index_key(&mut key) {
            match self.by_reporter.get_mut(key.as_str()) {
                Some(v) => v.push(slot),
                None => {
                    self.by_reporter.insert(key.clone(), vec![slot]);
                }
            }
        }
        self.key_buf = key;
        self.cases.push(case);
        let (cases, hasher) = (&self.cases, &self.hasher);
        self.by_id
            .insert_unique(hash, slot, |&s| hasher.hash_one(cases[s as usize].id));
        self.reindex(slot, None);
        slot
    }

    /// Changes a case in place through `f`, which must leave every indexed field (state,
    /// assignee, team, tags, reporter) as it was: the indexes are not updated (checked in debug
    /// builds). Saves copying the case for the many events that change none of them.
    pub(crate) fn modify_unindexed<R>(&mut self, slot: Slot, f: impl FnOnce(&mut Case) -> R) -> R {
        let case = &mut self.cases[slot as usize];
        #[cfg(debug_assertions)]
        let before = indexed_fields(case);
        let out = f(case);
        #[cfg(debug_assertions)]
        debug_assert!(
            before == indexed_fields(case),
            "an unindexed change altered an indexed field"
        );
        out
    }

    fn reindex(&mut self, slot: Slot, old: Option<&Case>) {
        let new = &self.cases[slot as usize];
        move_key(
            &mut self.by_status,
            old.map(|c| &c.status),
            Some(&new.status),
            slot,
        );
        move_key(
            &mut self.by_assignee,
            old.and_then(|c| c.assignee.as_ref()),
            new.assignee.as_ref(),
            slot,
        );
        move_key(
            &mut self.by_team,
            old.and_then(|c| c.team.as_ref()),
            new.team.as_ref(),
            slot,
        );
        let old_tags: &[String] = old.map_or(&[], |c| c.tags.as_slice());
        for t in old_tags.iter().filter(|t| !new.tags.contains(t)) {
            move_key(&mut self.by_tag, Some(t), None, slot);
        }
        for t in new.tags.iter().filter(|t| !old_tags.contains(t)) {
            move_key(&mut self.by_tag, None, Some(t), slot);
        }
        if let Some(o) = old.filter(|o| {
            o.reporter.user != new.reporter.user || o.reporter.email() != new.reporter.email()
        }) && let Some(k) = new.reporter.index_key()
            && o.reporter.index_key().as_ref() != Some(&k)
        {
            if let Some(ok) = o.reporter.index_key()
                && let Some(v) = self.by_reporter.get_mut(&ok)
            {
                v.retain(|s| *s != slot);
            }
            let v = self.by_reporter.entry(k).or_default();
            let at = v.partition_point(|s| *s < slot);
            v.insert(at, slot);
        }
    }

    /// The open cases of a reporter (by reporter index key), newest first.
    pub fn open_cases_of<'a>(
        &'a self,
        key: &str,
        workflow: &'a Workflow,
    ) -> impl Iterator<Item = &'a Case> + 'a {
        self.reporter_slots(key)
            .iter()
            .rev()
            .map(|&s| self.at(s))
            .filter(move |c| workflow.category(&c.status).is_open())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::case::{Channel, Diagnostics, Priority, Reporter, Visibility};
    use crate::event::{Change, Event};

    fn case(id: u128, number: u64, user: &str) -> Case {
        let event = Event {
            case: CaseId(uuid::Uuid::from_u128(id)),
            seq: 1,
            at: chrono::DateTime::UNIX_EPOCH,
            actor: Actor::system(),
            change: Change::Reported {
                number,
                reporter: Reporter::new(Some(user.into()), None, None),
                org: None,
                channel: Channel::Api,
                logged_by: None,
                subject: "s".into(),
                subject_derived: false,
                description: "d".into(),
                diagnostics: Diagnostics::default(),
                tags: Vec::new(),
                priority: Priority::Normal,
                status: "new".into(),
                visibility: Visibility::Private,
                attachments: Vec::new(),
            },
        };
        crate::fold::apply(None, &event).expect("a report folds")
    }

    #[test]
    fn key_numbers_dense_gaps_and_far_ahead() {
        let mut t = CaseTable::default();
        assert_eq!(t.put(case(1, 1, "a")), 0);
        assert_eq!(t.put(case(2, 3, "a")), 1);
        assert_eq!(t.put(case(3, 9_000_000_000, "b")), 2);
        assert_eq!(t.put(case(4, 2, "b")), 3);
        assert_eq!(t.slot_of_number(1), Some(0));
        assert_eq!(t.slot_of_number(2), Some(3));
        assert_eq!(t.slot_of_number(3), Some(1));
        assert_eq!(t.slot_of_number(9_000_000_000), Some(2));
        assert_eq!(t.slot_of_number(4), None);
        assert_eq!(t.slot_of_number(0), None);
        assert_eq!(t.slot_of_number(u64::MAX), None);
        assert_eq!(t.reporter_slots("u:a"), &[0, 1]);
        assert_eq!(t.reporter_slots("u:b"), &[2, 3]);
        // A changed case keeps its slot and number.
        let mut c = t.at(1).clone();
        c.version = 2;
        assert_eq!(t.put(c), 1);
        assert_eq!(t.slot_of_number(3), Some(1));
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn ids_find_their_slots_after_the_id_table_grows() {
        let mut t = CaseTable::default();
        for n in 0..5_000u64 {
            assert_eq!(t.put(case(u128::from(n) + 1, n + 1, "a")), n as Slot);
        }
        for n in 0..5_000u64 {
            let id = CaseId(uuid::Uuid::from_u128(u128::from(n) + 1));
            assert_eq!(t.slot_of(id), Some(n as Slot));
            assert_eq!(t.get(id).map(|c| c.number), Some(n + 1));
        }
        assert_eq!(t.slot_of(CaseId(uuid::Uuid::from_u128(9_999_999))), None);
        // Replacing a case keeps its slot and does not add an id.
        let mut c = t.at(17).clone();
        c.version = 9;
        assert_eq!(t.put(c), 17);
        assert_eq!(t.len(), 5_000);
    }
}
