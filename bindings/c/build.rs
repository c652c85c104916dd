//! Gives the shared library a SONAME on Linux (libcasebook.so.MAJOR), so hosts that link it
//! record a versioned dependency.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcasebook.so.{major}");
    }
}
