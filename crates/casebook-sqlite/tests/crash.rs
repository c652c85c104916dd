//! Kill a writer process with SIGKILL at random moments, then check that every acknowledged
//! commit is stored with its payloads, that no commit is half-written, and that the file opens.
//!
//! `CASEBOOK_CRASH_ITERATIONS` (default 100) sets the number of kills and `CASEBOOK_CRASH_SEED`
//! the random seed (printed, for replaying a failure).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use casebook::store::Store;
use casebook_sqlite::{SqliteOptions, SqliteStore};

const WRITER: &str = env!("CARGO_BIN_EXE_casebook-sqlite-crash-writer");
/// Kills per store file before a fresh file is started (keeps verification cheap).
const KILLS_PER_FILE: u64 = 10;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// One acknowledged commit: (position of its first event, run, commit number).
type Ack = (u64, u64, u64);

/// One stored event of a commit: (position, stream, seq, index in the commit).
type Part = (u64, String, u64, u64);

struct Writer {
    child: std::process::Child,
    reader: std::thread::JoinHandle<Vec<Ack>>,
}

/// Starts the writer; its acknowledgements are collected by a thread.
fn start(path: &Path, run: u64, mode: &str) -> Writer {
    let mut child = Command::new(WRITER)
        .arg(path)
        .arg(run.to_string())
        .arg(mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the crash writer");
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut acks = Vec::new();
        let mut r = BufReader::new(stdout);
        let mut line = Vec::new();
        while r.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            // Only a complete line is an acknowledgement.
            if line.last() == Some(&b'\n') {
                let text = String::from_utf8_lossy(&line);
                let f: Vec<u64> = text
                    .split_whitespace()
                    .map(|x| x.parse().unwrap())
                    .collect();
                acks.push((f[0], f[1], f[2]));
            }
            line.clear();
        }
        acks
    });
    Writer { child, reader }
}

/// Kills the writer with SIGKILL and returns the commits it acknowledged.
fn kill(mut w: Writer) -> Vec<Ack> {
    if let Ok(Some(status)) = w.child.try_wait() {
        let mut err = String::new();
        if let Some(mut e) = w.child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).ok();
        }
        panic!("the writer stopped by itself ({status}): {err}");
    }
    w.child.kill().expect("SIGKILL the writer");
    w.child.wait().expect("reap the writer");
    w.reader.join().expect("stdout reader")
}

/// Checks the store after a kill; returns the number of events in it.
fn verify(path: &Path, acked: &[Ack]) -> u64 {
    let store = SqliteStore::open(path, SqliteOptions::default())
        .unwrap_or_else(|e| panic!("store does not open cleanly after a kill: {e}"));
    let conn = rusqlite::Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let mut commits: BTreeMap<(u64, u64), Vec<Part>> = BTreeMap::new();
    let mut by_position = BTreeMap::new();
    let mut streams: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut count = 0u64;
    store
        .read_all(0, &mut |e| {
            count += 1;
            assert_eq!(e.position, count, "positions have a gap");
            let v: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
            let key = (v["r"].as_u64().unwrap(), v["c"].as_u64().unwrap());
            let i = v["i"].as_u64().unwrap();
            by_position.insert(e.position, (key, i));
            streams
                .entry(e.stream.clone())
                .or_default()
                .push(e.position);
            commits
                .entry(key)
                .or_default()
                .push((e.position, e.stream, e.seq, i));
            Ok(())
        })
        .unwrap();
    for (key, evs) in &commits {
        assert_eq!(evs.len(), 3, "commit {key:?} is half-written: {evs:?}");
        for (k, (pos, stream, seq, i)) in evs.iter().enumerate() {
            assert_eq!(*i, k as u64, "commit {key:?} events out of order");
            assert_eq!(*pos, evs[0].0 + k as u64, "commit {key:?} not contiguous");
            assert_eq!(stream, &evs[0].1);
            assert_eq!(*seq, evs[0].2 + k as u64);
        }
    }
    for (name, positions) in &streams {
        let evs = store.read_stream(name).unwrap();
        assert_eq!(
            evs.iter().map(|e| e.position).collect::<Vec<_>>(),
            *positions
        );
        assert!(evs.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
        assert_eq!(store.stream_version(name).unwrap(), positions.len() as u64);
    }
    for &(first, run, c) in acked {
        for i in 0..3 {
            let got = by_position.get(&(first + i));
            assert_eq!(
                got,
                Some(&((run, c), i)),
                "acknowledged commit {c} of run {run} lost or misplaced at {}",
                first + i
            );
        }
    }
    count
}

#[test]
fn acknowledged_commits_survive_sigkill() {
    let iterations = env_u64("CASEBOOK_CRASH_ITERATIONS").unwrap_or(100);
    let seed = env_u64("CASEBOOK_CRASH_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1
    });
    println!("crash test: {iterations} kills, CASEBOOK_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (mut acked_total, mut silent_kills, mut events_checked) = (0usize, 0u64, 0u64);
    let mut acked: Vec<Ack> = Vec::new();
    for it in 0..iterations {
        let file = dir.path().join(format!("crash-{}.db", it / KILLS_PER_FILE));
        if it % KILLS_PER_FILE == 0 {
            acked.clear();
        }
        let mode = if it % 2 == 0 { "full" } else { "normal" };
        let delay = Duration::from_micros(rng.next() % 60_000);
        let writer = start(&file, it, mode);
        std::thread::sleep(delay);
        let new = kill(writer);
        if new.is_empty() {
            silent_kills += 1;
        }
        acked_total += new.len();
        acked.extend(new);
        events_checked += verify(&file, &acked);
    }
    println!(
        "crash test: {iterations} kills in {:.1}s, {acked_total} acknowledged commits all found, \
         {silent_kills} kills before the first acknowledgement, {events_checked} events checked",
        started.elapsed().as_secs_f64()
    );
    assert!(acked_total > 0, "the writer never acknowledged a commit");
}

/// Two writer processes on one file, racing on the same streams (each retries on `conflict`),
/// killed together: no acknowledged commit of either is lost and none is half-written.
#[test]
fn two_writer_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shared.db");
    let mut acked: Vec<Ack> = Vec::new();
    let mut per_writer = [0usize; 2];
    for round in 0..5u64 {
        let a = start(&file, 2 * round, "full");
        let b = start(&file, 2 * round + 1, "normal");
        std::thread::sleep(Duration::from_millis(150));
        let (acks_a, acks_b) = (kill(a), kill(b));
        per_writer[0] += acks_a.len();
        per_writer[1] += acks_b.len();
        acked.extend(acks_a);
        acked.extend(acks_b);
        verify(&file, &acked);
    }
    println!(
        "two writers: {} and {} acknowledged commits, all found",
        per_writer[0], per_writer[1]
    );
    assert!(
        per_writer[0] > 0 && per_writer[1] > 0,
        "both writers must make progress"
    );
}
