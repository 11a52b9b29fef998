//! Version queries, and which instruction-set path the kernels run on.

use std::ffi::c_char;

const VERSION: &std::ffi::CStr =
    match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
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

/// The instruction-set path the kernels of this process run on: "avx512", "avx2" or "scalar".
///
/// Chosen once, at the first kernel call, as the widest path the CPU supports. The environment
/// variable HPK_FORCE_ISA=scalar|avx2|avx512 asks for a narrower one (to compare paths, or to
/// rule one out); a request the CPU cannot run falls back to the best supported path below it,
/// and an unknown value is ignored. Every path gives the same results (the Julia counts and
/// prime answers exactly; diffusion cells bit for bit). Static NUL-terminated text, never NULL;
/// do not free it.
#[no_mangle]
pub extern "C" fn hpk_isa_name() -> *const c_char {
    fn name() -> *const c_char {
        match crate::isa::active() {
            crate::isa::Isa::Scalar => c"scalar".as_ptr(),
            crate::isa::Isa::Avx2 => c"avx2".as_ptr(),
            crate::isa::Isa::Avx512 => c"avx512".as_ptr(),
        }
    }
    super::catch_panic(c"scalar".as_ptr(), name)
}
