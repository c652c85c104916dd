//! Typed identifiers and the injected id source.
//!
//! The core never draws randomness of its own: every new id comes from an [`IdSource`] the host
//! hands in. [`SeededIds`] is a deterministic source (the same seed and times give the same ids),
//! which is what tests, fixtures and replays use; hosts with an operating system usually feed
//! [`SeededIds`] from OS randomness once at start-up.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The id as a UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
            /// Parses the hyphenated UUID form.
            pub fn parse(s: &str) -> Option<Self> {
                Uuid::try_parse(s).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A case's permanent id (UUID v7).
    CaseId
);
uuid_id!(
    /// The id of one comment on a case.
    CommentId
);

/// A source of fresh UUID v7 ids. The core asks it for every id it creates.
pub trait IdSource: Send {
    /// A new UUID v7 for something created at `now`.
    fn next_id(&mut self, now: DateTime<Utc>) -> Uuid;
}

/// A deterministic id source: UUID v7 with the timestamp of `now` and pseudo-random bits from a
/// seeded generator (splitmix64). Not for secrets: ids are identifiers, not capabilities.
#[derive(Clone, Debug)]
pub struct SeededIds {
    state: u64,
}

impl SeededIds {
    /// A source whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl IdSource for SeededIds {
    fn next_id(&mut self, now: DateTime<Utc>) -> Uuid {
        let millis = now.timestamp_millis().max(0) as u64;
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        random[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn seeded_ids_are_v7_deterministic_and_distinct() {
        let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let mut a = SeededIds::new(7);
        let mut b = SeededIds::new(7);
        let ids: Vec<Uuid> = (0..100).map(|_| a.next_id(now)).collect();
        let again: Vec<Uuid> = (0..100).map(|_| b.next_id(now)).collect();
        assert_eq!(ids, again);
        assert!(ids.iter().all(|id| id.get_version_num() == 7));
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
        let ts = ids[0].get_timestamp().unwrap().to_unix();
        assert_eq!(ts.0 as i64, now.timestamp());
    }
}
