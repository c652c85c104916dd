//! Following another app server's appends with `wait_for_change`.

mod common;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use casebook::store::Store;
use casebook_postgres::PgStore;
use common::{commit, fresh_schema, pg_url, raw_client};

#[test]
fn wait_for_change_times_out_with_the_unchanged_head() {
    let schema = fresh_schema("idle");
    let store = PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    let started = Instant::now();
    assert_eq!(
        store
            .wait_for_change(0, Duration::from_millis(150))
            .unwrap(),
        0
    );
    assert!(started.elapsed() >= Duration::from_millis(150));
    // A head already past `after` returns at once.
    let mut writer = PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    writer.append(&[commit("case/a", 0, &["1"])]).unwrap();
    assert_eq!(store.wait_for_change(0, Duration::ZERO).unwrap(), 1);
}

#[test]
fn a_second_connection_sees_a_write_through_the_notification() {
    let url = pg_url();
    let schema = fresh_schema("follow");
    let mut writer = PgStore::connect_with_schema(&url, &schema).unwrap();
    let mut reader = PgStore::connect_with_schema(&url, &schema).unwrap();
    // Polling so slow that only the notification can wake the reader in time.
    reader.set_poll_interval(Duration::from_secs(60));
    const ROUNDS: u64 = 20;
    let (tx, rx) = mpsc::channel::<(u64, Instant)>();
    let follower = thread::spawn(move || {
        let mut after = 0;
        let mut seen = Vec::new();
        while after < ROUNDS {
            let head = reader
                .wait_for_change(after, Duration::from_secs(10))
                .expect("wait");
            let woke = Instant::now();
            assert!(head > after, "timed out waiting for append {}", after + 1);
            reader
                .read_all(after, &mut |e| {
                    seen.push(e.payload);
                    Ok(())
                })
                .expect("read");
            after = head;
            tx.send((head, woke)).expect("report");
        }
        seen
    });
    let mut delays = Vec::new();
    for i in 0..ROUNDS {
        thread::sleep(Duration::from_millis(20));
        writer
            .append(&[commit("case/a", i, &[&i.to_string()])])
            .unwrap();
        let acked = Instant::now();
        let (head, woke) = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("follower woke");
        assert_eq!(head, i + 1);
        delays.push(woke.saturating_duration_since(acked));
    }
    let seen = follower.join().expect("follower");
    assert_eq!(seen, (0..ROUNDS).map(|i| i.to_string()).collect::<Vec<_>>());
    delays.sort();
    let max = delays[delays.len() - 1];
    println!(
        "follow delay after the writer's acknowledgement: median {:?}, max {:?} over {ROUNDS} appends",
        delays[delays.len() / 2],
        max
    );
    assert!(
        max < Duration::from_secs(2),
        "follow delay {max:?} is not bounded"
    );
}

#[test]
fn polling_catches_a_change_that_sent_no_notification() {
    let url = pg_url();
    let schema = fresh_schema("poll");
    let mut reader = PgStore::connect_with_schema(&url, &schema).unwrap();
    reader.set_poll_interval(Duration::from_millis(50));
    let waiter = thread::spawn(move || {
        let started = Instant::now();
        let head = reader
            .wait_for_change(0, Duration::from_secs(10))
            .expect("wait");
        (head, started.elapsed())
    });
    thread::sleep(Duration::from_millis(100));
    // An append written behind the store's back, without NOTIFY.
    let mut raw = raw_client();
    raw.batch_execute(&format!(
        "BEGIN;
         UPDATE {schema}.head SET position = 1;
         INSERT INTO {schema}.streams VALUES ('case/a', 1);
         INSERT INTO {schema}.events VALUES (1, 'case/a', 1, '\"x\"');
         COMMIT;"
    ))
    .unwrap();
    let (head, took) = waiter.join().expect("waiter");
    assert_eq!(head, 1);
    assert!(took < Duration::from_secs(5), "polling took {took:?}");
}
