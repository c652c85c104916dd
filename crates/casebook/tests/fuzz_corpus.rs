//! The fuzz targets of fuzz/ (protocol decoder and execution, workflow/policy configuration,
//! email parsing) run as ordinary tests over a deterministic pseudo-random corpus: seed inputs
//! mutated by a fixed-seed generator (byte flips, insertions, deletions, splices). Each input
//! must give a typed answer, never a panic. Crashes found by hand fuzzing are added to SEEDS.

use casebook::email::{EmailLimits, parse_email};
use casebook::policy::Policy;
use casebook::protocol;
use casebook::{Casebook, MemoryStore, SeededIds, Workflow};

/// A small xorshift generator: the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"\\u0000",
    b"\\ud800",
    b"\"op\"",
    b"\"as\"",
    b"\"case\"",
    b"CB-1",
    b"\xff",
    b"\xc3",
    b"\r\n",
    b"=?utf-8?b?",
    b"--boundary",
    b"Content-Type: multipart/mixed; boundary=b\r\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut v = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(v.len() + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(i..i, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(16)).min(v.len());
                v.drain(i..j);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(other.len() + 1);
                let at = rng.below(v.len() + 1);
                v.truncate(at);
                v.extend_from_slice(&other[cut..]);
            }
            _ => {
                let i = rng.below(v.len() + 1);
                let b = rng.next() as u8;
                v.insert(i, b);
            }
        }
    }
    v
}

fn corpus(seeds: &[&str], n: usize, seed: u64) -> Vec<Vec<u8>> {
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| s.as_bytes().to_vec()).collect();
    let mut rng = Rng(seed);
    let mut out = seeds.clone();
    out.extend((0..n).map(|_| mutate(&mut rng, &seeds)));
    out
}

const REQUESTS: &[&str] = &[
    r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"Export crashes","tags":["a"],"diagnostics":{"os":"x"}}"#,
    r#"{"op":"comment","as":{"role":"agent","id":"a"},"case":"CB-1","body":"hi","internal":true}"#,
    r#"{"op":"transition","as":{"role":"agent"},"case":"CB-1","to":"solved","outcome":{"kind":"fixed","version":"1"}}"#,
    r#"{"op":"list","as":{"role":"customer","id":"u1"},"filter":{"open":true},"limit":3}"#,
    r#"{"op":"export","as":{"role":"admin"}}"#,
    r#"{"op":"erase","as":{"role":"admin"},"person":{"user":"u1"}}"#,
    r#"{"op":"merge_identity","as":{"role":"customer","id":"u9","email":"a@b.c"},"from":{"email":"a@b.c"},"into":"u9"}"#,
    r#"{"op":"import","as":{"role":"admin"},"export":{"format":"casebook-export","version":1,"exported_at":"2026-01-01T00:00:00Z","scope":"casebook","key_prefix":"CB","head":0,"events":[]}}"#,
    r#"{"op":"configure","as":{"role":"admin"},"key_prefix":"X1"}"#,
    r#"{"op":"set_visibility","as":{"role":"agent"},"case":"CB-1","visibility":"public"}"#,
];

/// fuzz target `protocol`: parse and execute on a memory casebook.
#[test]
fn protocol_decoder_and_execution() {
    let now = "2026-05-04T10:00:00Z".parse().expect("time");
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
    let inputs = corpus(REQUESTS, 4000, 0x5eed_0001);
    let mut ok = 0;
    for input in &inputs {
        let text = String::from_utf8_lossy(input);
        let line = protocol::execute_line(&mut book, &text, now);
        let v: serde_json::Value = serde_json::from_str(&line).expect("every answer is JSON");
        match v["ok"].as_bool() {
            Some(true) => ok += 1,
            Some(false) => assert!(v["error"]["code"].is_string(), "{line}"),
            None => panic!("no ok field: {line}"),
        }
    }
    assert!(
        ok > 20,
        "the corpus reaches past the decoder ({ok} successes)"
    );
    // Whatever the inputs did, the log replays to the same cases.
    let replayed =
        Casebook::open(book.store().clone(), Box::new(SeededIds::new(2))).expect("replay");
    assert_eq!(replayed.cases().len(), book.cases().len());
}

const CONFIGS: &[&str] = &[
    r#"{"initial":"a","states":[{"id":"a","category":"new"},{"id":"b","category":"closed"}],"transitions":[{"name":"go","from":["a"],"to":"b","by":["agent"]}]}"#,
    r#"{"initial":"new","states":[{"id":"new","category":"new"}],"transitions":[]}"#,
    r#"{"org_sharing":{"default":true},"grants":{},"hide_priority_from_customers":true}"#,
    r#"{"roadmap":{"enabled":true},"staff_names":"full"}"#,
];

/// fuzz target `config`: workflow and policy documents.
#[test]
fn workflow_and_policy_configuration() {
    for input in corpus(CONFIGS, 3000, 0x5eed_0002) {
        let text = String::from_utf8_lossy(&input);
        if let Err(e) = Workflow::from_json(&text) {
            assert!(!e.code().as_str().is_empty());
        }
        if let Err(e) = Policy::from_json(&text) {
            assert!(!e.code().as_str().is_empty());
        }
    }
}

/// fuzz target `email`: raw messages.
#[test]
fn email_parsing() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/email-corpus");
    let mut seeds: Vec<String> = std::fs::read_dir(dir)
        .expect("the email corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .take(12)
        .filter_map(|e| std::fs::read(e.path()).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    seeds.push("From: a@b.c\r\nSubject: hi\r\n\r\nbody".into());
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    let limits = EmailLimits::default();
    for input in corpus(&seeds, 1500, 0x5eed_0003) {
        if let Err(e) = parse_email(&input, &limits) {
            assert!(!e.code().is_empty());
        }
    }
}
