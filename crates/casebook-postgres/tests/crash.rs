//! Kills a writer process with SIGKILL at random points, many times, and checks that every
//! acknowledged commit survived, that no half commit is visible and that the store reopens.
//! `CASEBOOK_PG_CRASH_RUNS` sets the number of kills (default 100), `CASEBOOK_PG_CRASH_SEED`
//! the random seed (default: from the clock; printed either way).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use casebook::store::Store;
use casebook_postgres::PgStore;
use common::{fresh_schema, pg_url};

struct Ack {
    stream: String,
    first_seq: u64,
    n: u64,
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {v:?}"))
    })
}

#[test]
fn acknowledged_commits_survive_sigkill_and_no_half_commit_is_visible() {
    let url = pg_url();
    let schema = fresh_schema("crash");
    PgStore::connect_with_schema(&url, &schema).expect("create the schema");
    let runs = env_u64("CASEBOOK_PG_CRASH_RUNS").unwrap_or(100);
    let seed = env_u64("CASEBOOK_PG_CRASH_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    }) | 1;
    println!("crash test: {runs} kills, seed {seed}");
    let mut rng = seed;
    let started = Instant::now();
    let mut acks: HashMap<String, Ack> = HashMap::new();
    let mut kills_with_acks = 0;
    for run in 0..runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_casebook-pg-crash-writer"))
            .args([schema.as_str(), &format!("r{run}")])
            .env("CASEBOOK_PG_URL", &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the writer");
        std::thread::sleep(Duration::from_millis(5 + xorshift(&mut rng) % 150));
        child.kill().expect("SIGKILL the writer");
        child.wait().expect("reap the writer");
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut s) = child.stdout.take() {
            s.read_to_string(&mut out)
                .expect("read the writer's output");
        }
        if let Some(mut s) = child.stderr.take() {
            s.read_to_string(&mut err)
                .expect("read the writer's errors");
        }
        assert!(err.trim().is_empty(), "writer {run} failed: {err}");
        let before = acks.len();
        // A line cut by the kill is not an acknowledgement: only whole lines count.
        for line in out.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            let parts: Vec<&str> = line.trim_end().split(' ').collect();
            if let ["ack", id, stream, first, n] = parts[..]
                && let (Ok(first_seq), Ok(n)) = (first.parse(), n.parse())
            {
                acks.insert(
                    id.to_string(),
                    Ack {
                        stream: stream.to_string(),
                        first_seq,
                        n,
                    },
                );
            }
        }
        if acks.len() > before {
            kills_with_acks += 1;
        }
    }
    let elapsed = started.elapsed();

    // The store reopens after all those kills.
    let store = PgStore::connect_with_schema(&url, &schema).expect("reopen after the kills");
    let head = store.head().expect("head");
    let mut by_commit: BTreeMap<String, Vec<(String, u64, u64, u64)>> = BTreeMap::new();
    let mut expected_position = 0;
    store
        .read_all(0, &mut |e| {
            expected_position += 1;
            assert_eq!(e.position, expected_position, "global order has a gap");
            let v: serde_json::Value = serde_json::from_str(&e.payload).expect("payload JSON");
            let c = v["c"].as_str().expect("commit id").to_string();
            let i = v["i"].as_u64().expect("index");
            let n = v["n"].as_u64().expect("count");
            by_commit
                .entry(c)
                .or_default()
                .push((e.stream, e.seq, i, n));
            Ok(())
        })
        .expect("read the log");
    assert_eq!(expected_position, head);

    // No half commit: every commit present has all its events, in order, contiguous.
    for (id, evs) in &by_commit {
        let n = evs[0].3;
        assert_eq!(evs.len() as u64, n, "commit {id} is only partly visible");
        for (k, (stream, seq, i, _)) in evs.iter().enumerate() {
            assert_eq!(*i, k as u64, "commit {id} out of order");
            assert_eq!(stream, &evs[0].0);
            assert_eq!(*seq, evs[0].1 + k as u64);
        }
    }
    // Every acknowledged commit is there, where the writer was told it went.
    for (id, ack) in &acks {
        let evs = by_commit
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged commit {id} is lost"));
        assert_eq!(evs[0].0, ack.stream);
        assert_eq!(evs[0].1, ack.first_seq);
        assert_eq!(evs.len() as u64, ack.n);
    }
    // Stream versions match their events.
    for s in 0..5 {
        let stream = format!("case/{s}");
        let evs = store.read_stream(&stream).expect("read a stream");
        for (k, e) in evs.iter().enumerate() {
            assert_eq!(e.seq, k as u64 + 1);
        }
        assert_eq!(store.stream_version(&stream).unwrap(), evs.len() as u64);
    }
    let unacked = by_commit.len() - acks.len();
    println!(
        "crash test: {runs} SIGKILLs in {:.1} s ({kills_with_acks} after some acknowledgements); \
         {} commits acknowledged, all present; {unacked} more committed but killed before the \
         acknowledgement was printed; {} events, no gaps, no half commits",
        elapsed.as_secs_f64(),
        acks.len(),
        head
    );
    assert!(
        !acks.is_empty(),
        "no writer acknowledged anything: the test proved nothing"
    );
}
