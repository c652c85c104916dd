//! Several connections racing on the same stream: exactly one writer wins each version, no
//! update is lost, positions are unique and gapless, and a follower never sees a gap.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use casebook::store::{Store, StoreError};
use casebook_postgres::PgStore;
use common::{commit, fresh_schema, pg_url};

const WRITERS: usize = 4;
const WINS_EACH: u64 = 25;

#[test]
fn racing_writers_get_one_winner_per_version_and_a_gapless_commit_ordered_log() {
    let url = pg_url();
    let schema = fresh_schema("race");
    PgStore::connect_with_schema(&url, &schema).expect("create the schema");
    let done = Arc::new(AtomicBool::new(false));

    // The follower reads the log as it grows: each read must continue exactly where the
    // last one stopped. A position appearing below one already seen would show as a gap.
    let follower = {
        let (url, schema, done) = (url.clone(), schema.clone(), done.clone());
        thread::spawn(move || {
            let store = PgStore::connect_with_schema(&url, &schema).expect("follower connects");
            let mut last = 0u64;
            let mut reads = 0u64;
            loop {
                let finished = done.load(Ordering::SeqCst);
                store
                    .read_all(last, &mut |e| {
                        assert_eq!(e.position, last + 1, "follower saw a gap after {last}");
                        last = e.position;
                        Ok(())
                    })
                    .expect("follower reads");
                reads += 1;
                if finished {
                    return (last, reads);
                }
                thread::sleep(Duration::from_millis(1));
            }
        })
    };

    let writers: Vec<_> = (0..WRITERS)
        .map(|t| {
            let (url, schema) = (url.clone(), schema.clone());
            thread::spawn(move || {
                let mut store = PgStore::connect_with_schema(&url, &schema).expect("connects");
                let own = format!("case/own-{t}");
                let (mut wins, mut conflicts, mut k) = (Vec::new(), 0u64, 0u64);
                while (wins.len() as u64) < WINS_EACH {
                    let hot = store.stream_version("case/hot").expect("version");
                    let mine = store.stream_version(&own).expect("version");
                    let payload = format!(r#"{{"t":{t},"k":{k}}}"#);
                    // Half the appends also touch the writer's own stream, atomically.
                    let mut commits = vec![commit("case/hot", hot, &[&payload])];
                    if k % 2 == 0 {
                        commits.push(commit(&own, mine, &[&payload]));
                    }
                    match store.append(&commits) {
                        Ok(_) => wins.push((hot + 1, payload)),
                        Err(StoreError::Conflict {
                            stream,
                            expected,
                            actual,
                        }) => {
                            assert_eq!(stream, "case/hot");
                            assert_eq!(expected, hot);
                            assert!(actual > hot, "conflict must report a newer version");
                            conflicts += 1;
                        }
                        Err(e) => panic!("writer {t}: {e}"),
                    }
                    k += 1;
                }
                (wins, conflicts)
            })
        })
        .collect();

    let mut wins = Vec::new();
    let mut conflicts = 0;
    for w in writers {
        let (w, c) = w.join().expect("writer thread");
        wins.extend(w);
        conflicts += c;
    }
    done.store(true, Ordering::SeqCst);
    let (followed, reads) = follower.join().expect("follower thread");

    let store = PgStore::connect_with_schema(&url, &schema).expect("connects");
    let total = WRITERS as u64 * WINS_EACH;
    assert_eq!(store.stream_version("case/hot").unwrap(), total);
    // Exactly one winner per version, and every winner's event is the one stored there.
    let hot = store.read_stream("case/hot").unwrap();
    assert_eq!(hot.len() as u64, total);
    let versions: HashSet<u64> = wins.iter().map(|(v, _)| *v).collect();
    assert_eq!(
        versions.len() as u64,
        total,
        "two writers won the same version"
    );
    for (v, payload) in &wins {
        assert_eq!(
            &hot[(*v - 1) as usize].payload,
            payload,
            "lost update at {v}"
        );
    }
    // Positions: unique, gapless, and the follower saw them all in order.
    let mut positions = Vec::new();
    store
        .read_all(0, &mut |e| {
            positions.push(e.position);
            Ok(())
        })
        .unwrap();
    let head = store.head().unwrap();
    assert_eq!(positions, (1..=head).collect::<Vec<_>>());
    assert_eq!(followed, head);
    let own_events: u64 = (0..WRITERS)
        .map(|t| store.stream_version(&format!("case/own-{t}")).unwrap())
        .sum();
    assert_eq!(head, total + own_events);
    println!(
        "race: {WRITERS} writers, {total} wins, {conflicts} conflicts, {head} events, follower read {reads} times"
    );
    assert!(
        conflicts > 0,
        "the writers never raced; the test proved nothing"
    );
}
