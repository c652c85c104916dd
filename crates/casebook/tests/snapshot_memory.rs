//! Memory of a casebook opened from a snapshot and a tail: it holds no more live heap than the
//! same log replayed in full (the restored lists and maps are sized as the replay leaves them, so
//! the tail does not double a list that was sized exactly). Its own test binary: the counting
//! allocator sees the whole process, so no other test may run beside it.

#![cfg(feature = "snapshots")]

use casebook::store::Store;
use casebook::{Casebook, Opened, SeededIds};
use chrono::{DateTime, Duration, Utc};

// The engine bench's counting allocator and report fixtures.
#[allow(dead_code)]
#[path = "../../casebook-cli/benches/common/fixtures.rs"]
mod fixtures;
#[path = "support/snap_store.rs"]
mod snap_store;
#[allow(dead_code)]
#[path = "../../casebook-cli/benches/common/sys.rs"]
mod sys;

use snap_store::SnapStore;
use sys::{Counting, live_heap};

#[global_allocator]
static ALLOC: Counting = Counting;

fn report_range<S: Store>(book: &mut Casebook<S>, from: u64, to: u64) {
    let t0: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut at = from;
    while at < to {
        let end = (at + 250).min(to);
        let batch = fixtures::pairs(at, (end - at) as usize);
        let now = t0 + Duration::milliseconds(at as i64);
        let results = book.report_batch(&batch, now).unwrap();
        assert!(results.iter().all(Result::is_ok));
        at = end;
    }
}

/// Live heap the casebook opened on `store` holds beyond the store itself.
fn opened_heap(store: SnapStore) -> (i64, Opened, usize) {
    let before = live_heap();
    let book = Casebook::open(store, Box::new(SeededIds::new(1))).unwrap();
    let heap = live_heap() - before;
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

    let per = |b: i64| b as f64 / (CASES + TAIL) as f64;
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
