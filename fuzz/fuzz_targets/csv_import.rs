//! CSV import with the Jira mapping; rows either become cases or are listed as failed.
#![no_main]

use casebook::{Actor, Casebook, MemoryStore, Role, SeededIds};
use casebook_import::{Mapping, import_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut book) = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))) else {
        return;
    };
    let actor = Actor::with_id(Role::System, "import");
    if let Ok(r) = import_csv(&mut book, data, &Mapping::jira(), &actor) {
        assert_eq!(r.rows, r.created + r.failed);
    }
});
