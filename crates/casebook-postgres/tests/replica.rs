//! Reading and following from a hot-standby replica (started by scripts/with-postgres and
//! named by CASEBOOK_PG_REPLICA_URL): reads work, follow works by polling, appends are refused.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use casebook::store::Store;
use casebook_postgres::PgStore;
use common::{commit, fresh_schema, pg_url};

fn replica_url() -> String {
    match std::env::var("CASEBOOK_PG_REPLICA_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "CASEBOOK_PG_REPLICA_URL is not set: run the tests as \
             `scripts/with-postgres cargo test -p casebook-postgres`, which starts a server \
             and a replica of it"
        ),
    }
}

/// Opens the schema on the replica once replication has created it there.
fn open_on_replica(schema: &str) -> PgStore {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match PgStore::connect_with_schema(&replica_url(), schema) {
            Ok(store) => return store,
            Err(e) if Instant::now() > deadline => panic!("replica never got the schema: {e}"),
            Err(_) => thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[test]
fn a_replica_follows_by_polling_reads_a_gapless_prefix_and_refuses_appends() {
    let schema = fresh_schema("replica");
    let mut primary = PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    primary.append(&[commit("case/a", 0, &["1"])]).unwrap();
    let mut replica = open_on_replica(&schema);
    replica.set_poll_interval(Duration::from_millis(10));

    let mut delays = Vec::new();
    let mut after = replica.wait_for_change(0, Duration::from_secs(10)).unwrap();
    assert_eq!(after, 1);
    for i in 1..=10u64 {
        primary
            .append(&[commit("case/a", i, &[&(i + 1).to_string()])])
            .unwrap();
        let acked = Instant::now();
        let head = replica
            .wait_for_change(after, Duration::from_secs(10))
            .unwrap();
        delays.push(acked.elapsed());
        assert!(head > after, "replica did not see append {i} within 10 s");
        let mut seen = Vec::new();
        replica
            .read_all(after, &mut |e| {
                seen.push(e.position);
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, (after + 1..=head).collect::<Vec<_>>());
        after = head;
    }
    assert_eq!(replica.stream_version("case/a").unwrap(), 11);
    assert_eq!(
        replica.read_stream("case/a").unwrap(),
        primary.read_stream("case/a").unwrap()
    );
    let err = replica
        .append(&[commit("case/a", 11, &["no"])])
        .unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("read-only"), "{err}");
    delays.sort();
    println!(
        "replica follow delay (poll every 10 ms): median {:?}, max {:?}",
        delays[delays.len() / 2],
        delays[delays.len() - 1]
    );
}
