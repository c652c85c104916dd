//! The `csv_import` fuzz target of fuzz/ as a test over a deterministic pseudo-random corpus:
//! mutated CSV rows and mapping documents never panic; each row is imported or listed as failed.

use casebook::{Actor, Casebook, MemoryStore, Role, SeededIds};
use casebook_import::{Mapping, import_csv};

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

const PIECES: &[&[u8]] = &[
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b"\"\"",
    b"Resolved",
    b"Open",
    b"Blocker",
    b"Fixed",
    b"30/Feb/21 17:20",
    b"2024-13-01",
    b"31/Dec/99 23:59",
    b"\xff\xfe",
    b"${Resolution",
    b"}",
    b"=cmd|' /C calc'!A0",
];

const SEED: &str = "Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n\
Crash,1,Resolved,Blocker,Fixed,30/Sep/21 17:20,01/Oct/21 09:00,2.9.2,\"multi\nline, quoted \"\"text\"\"\"\n\
Slow,2,Open,Minor,,2021-10-02T08:00:00Z,,3.0,Slow\n\
Dup,3,Closed,Major,Duplicate,01/Jan/22 00:00,02/Jan/22 00:00,,x\n";

#[test]
fn mutated_csv_never_panics() {
    let mut rng = Rng(0x5eed_0004);
    let actor = Actor::with_id(Role::System, "import");
    let mapping = Mapping::jira();
    for _ in 0..400 {
        let mut v = SEED.as_bytes().to_vec();
        for _ in 0..1 + rng.below(6) {
            let i = rng.below(v.len() + 1);
            match rng.below(3) {
                0 => v
                    .splice(i..i, PIECES[rng.below(PIECES.len())].iter().copied())
                    .for_each(drop),
                1 if i < v.len() => v[i] ^= 1 << rng.below(8),
                _ => {
                    let j = (i + rng.below(12)).min(v.len());
                    v.drain(i..j);
                }
            }
        }
        let mut book =
            Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
        match import_csv(&mut book, std::io::Cursor::new(v), &mapping, &actor) {
            Ok(r) => {
                assert_eq!(r.rows, r.created + r.failed);
                assert!(book.cases().len() as u64 >= r.created);
            }
            Err(e) => assert!(!e.code().is_empty()),
        }
    }
}

#[test]
fn mutated_mappings_never_panic() {
    let base = serde_json::to_string(&Mapping::jira()).expect("json");
    let mut rng = Rng(0x5eed_0005);
    let mut valid = 0;
    for _ in 0..2000 {
        let mut v = base.as_bytes().to_vec();
        let i = rng.below(v.len());
        let j = (i + rng.below(20)).min(v.len());
        v.drain(i..j);
        if let Ok(m) = Mapping::from_json(&String::from_utf8_lossy(&v)) {
            valid += 1;
            let mut book =
                Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
            let actor = Actor::with_id(Role::System, "import");
            let _ = import_csv(
                &mut book,
                std::io::Cursor::new(SEED.as_bytes().to_vec()),
                &m,
                &actor,
            );
        }
    }
    assert!(valid > 0, "some mutations stay valid mappings");
}
