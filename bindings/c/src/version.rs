//! The library version. The defines are checked against the package version by a test.

use std::ffi::c_char;

/// The major version of this library.
pub const CASEBOOK_VERSION_MAJOR: u32 = 0;
/// The minor version of this library.
pub const CASEBOOK_VERSION_MINOR: u32 = 1;
/// The patch version of this library.
pub const CASEBOOK_VERSION_PATCH: u32 = 0;

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the library actually linked, e.g. "0.1.0", to compare with the
/// `CASEBOOK_VERSION_*` defines the host was compiled against.
///
/// Never returns NULL. The string is static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn casebook_version() -> *const c_char {
    crate::panic::boundary_or(c"".as_ptr(), || VERSION.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defines_match_the_package_version() {
        assert_eq!(
            env!("CARGO_PKG_VERSION_MAJOR").parse::<u32>().unwrap(),
            CASEBOOK_VERSION_MAJOR
        );
        assert_eq!(
            env!("CARGO_PKG_VERSION_MINOR").parse::<u32>().unwrap(),
            CASEBOOK_VERSION_MINOR
        );
        assert_eq!(
            env!("CARGO_PKG_VERSION_PATCH").parse::<u32>().unwrap(),
            CASEBOOK_VERSION_PATCH
        );
        // SAFETY: casebook_version returns a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(casebook_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
