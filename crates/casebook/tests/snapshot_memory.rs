//! Memory of a casebook opened from a snapshot and a tail: it holds no more live heap than the
//! same log replayed in full (the restored lists and maps are sized as the replay leaves them, so
//! the tail does not double a list that was sized exactly). Its own test binary: the counting
//! allocator sees the whole process, so no other test may run beside it.

#![cfg(feature = "snapshots")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use casebook::store::{Commit, Store, StoreError, StoredEvent, Visit};
use casebook::{Actor, Casebook, Diagnostics, MemoryStore, Opened, Report, Role, SeededIds};
use chrono::{DateTime, Duration, Utc};

static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting the bytes currently allocated (requested sizes).
struct Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// A memory store that keeps one snapshot, as the SQLite store does.
#[derive(Clone, Default)]
struct SnapStore {
    log: MemoryStore,
    snapshot: Option<(u64, Vec<u8>)>,
}

impl Store for SnapStore {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        self.log.append(commits)
    }
    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        self.log.read_all(after, visit)
    }
    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.log.read_stream(stream)
    }
    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        self.log.stream_version(stream)
    }
    fn head(&self) -> Result<u64, StoreError> {
        self.log.head()
    }
    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        self.snapshot = None;
        self.log.rewrite(stream, seq, payload)
    }
    fn save_snapshot(&mut self, position: u64, data: &[u8]) -> Result<(), StoreError> {
        self.snapshot = Some((position, data.to_vec()));
        Ok(())
    }
    fn load_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self.snapshot.clone())
    }
    fn clear_snapshots(&mut self) -> Result<(), StoreError> {
        self.snapshot = None;
        Ok(())
    }
}

/// Report `n` as the engine bench writes it: words every case shares, a number of its own, three
/// diagnostics, ~1,000 reporters.
fn pair(n: u64) -> (Report, Actor) {
    let report = Report {
        description: format!(
            "Export to PDF fails on report {n}\nOpen any report with more than {} pages and \
             choose File > Export > PDF: the progress bar stops at 90% and the app closes.",
            n % 97 + 3
        ),
        diagnostics: Some(Diagnostics {
            app_version: Some(format!("4.{}.{}", n % 5, n % 11)),
            os: Some("Windows 11".into()),
            locale: Some("de-DE".into()),
            ..Diagnostics::default()
        }),
        ..Report::default()
    };
    let who =
        Actor::with_id(Role::Customer, format!("u{}", n % 1_000)).in_org(format!("org{}", n % 97));
    (report, who)
}

fn report_range<S: Store>(book: &mut Casebook<S>, from: u64, to: u64) {
    let t0: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut at = from;
    while at < to {
        let end = (at + 250).min(to);
        let batch: Vec<_> = (at..end).map(pair).collect();
        let now = t0 + Duration::milliseconds(at as i64);
        let results = book.report_batch(&batch, now).unwrap();
        assert!(results.iter().all(Result::is_ok));
        at = end;
    }
}

/// Live heap the casebook opened on `store` holds beyond the store itself.
fn opened_heap(store: SnapStore) -> (isize, Opened, usize) {
    let before = live();
    let book = Casebook::open(store, Box::new(SeededIds::new(1))).unwrap();
    let heap = live() - before;
    let opened = book.opened().clone();
    let cases = book.cases().len();
    drop(book);
    (heap, opened, cases)
}

#[test]
fn a_casebook_reopened_from_a_snapshot_and_a_tail_holds_no_more_than_a_full_replay() {
    const CASES: u64 = 6_000;
    const TAIL: u64 = CASES / 100;
    let mut book = Casebook::open(SnapStore::default(), Box::new(SeededIds::new(1))).unwrap();
    report_range(&mut book, 0, CASES);
    let at = book.save_snapshot().unwrap();
    report_range(&mut book, CASES, CASES + TAIL);
    let store = book.store().clone();
    drop(book);

    let mut log_only = store.clone();
    log_only.clear_snapshots().unwrap();
    let (replayed, how, n) = opened_heap(log_only);
    assert_eq!(how, Opened::Replayed);
    assert_eq!(n as u64, CASES + TAIL);

    let (restored, how, n) = opened_heap(store);
    assert!(
        matches!(how, Opened::FromSnapshot { position, tail } if position == at && tail > 0),
        "{how:?}"
    );
    assert_eq!(n as u64, CASES + TAIL);

    let per = |b: isize| b as f64 / (CASES + TAIL) as f64;
    println!(
        "live heap a case: full replay {:.0} B, snapshot + tail {:.0} B",
        per(replayed),
        per(restored)
    );
    // A little slack for what is sized differently but not by the case count.
    assert!(
        per(restored) <= per(replayed) + 16.0,
        "reopened from the snapshot: {:.0} B a case, replayed: {:.0} B a case",
        per(restored),
        per(replayed)
    );
}
