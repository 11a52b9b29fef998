//! Version queries.

use std::ffi::c_char;

const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(v) => v,
    Err(_) => panic!("the crate version contains a NUL byte"),
};

/// Parse the decimal ABI number build.rs hands over (build.rs is its only source).
const fn parse_decimal(s: &str) -> u32 {
    let bytes = s.as_bytes();
    let mut value = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "HPK_ABI_VERSION must be decimal");
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}

/// The ABI version set in build.rs; also the soname suffix and the header's HPK_ABI_VERSION.
/// cbindgen:ignore
pub(crate) const ABI_VERSION: u32 = parse_decimal(env!("HPK_ABI_VERSION"));

/// The library's version, "MAJOR.MINOR.PATCH" (the HPK_VERSION_* macros of the header it was
/// built with). Static NUL-terminated text, never NULL; do not free it.
#[no_mangle]
pub extern "C" fn hpk_version() -> *const c_char {
    super::catch_panic(VERSION.as_ptr(), || VERSION.as_ptr())
}

/// The ABI version of the loaded library. A program compiled against this header can use the
/// library if this equals HPK_ABI_VERSION.
#[no_mangle]
pub extern "C" fn hpk_abi_version() -> u32 {
    super::catch_panic(ABI_VERSION, || ABI_VERSION)
}
