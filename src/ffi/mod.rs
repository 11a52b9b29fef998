//! The C ABI: the only `unsafe` in the crate. Each export checks its pointers and sizes, converts
//! them to slices, calls a safe kernel inside [`guard`] (which catches panics) and maps the result
//! to an `hpk_status`. One file per API area, as in `include/hpkern.h`.

// C naming (hpk_status, hpk_complex) is the contract of the header.
#![allow(non_camel_case_types)]
// Every unsafe operation gets its own block and SAFETY comment, also inside unsafe fns.
#![deny(unsafe_op_in_unsafe_fn)]

#[macro_use]
mod checks;
mod diffusion;
mod julia;
mod last_error;
mod prime_stream;
mod primes;
mod progress;
mod status;
#[cfg(feature = "test-panic")]
mod test_panic;
mod threads;
mod version;

pub use diffusion::*;
pub use julia::*;
pub use last_error::*;
pub use prime_stream::*;
pub use primes::*;
pub use progress::*;
pub use status::*;
#[cfg(feature = "test-panic")]
pub use test_panic::*;
pub use threads::*;
pub use version::*;

use crate::Error;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The panic boundary every export runs in: `f`'s value, or `on_panic` if it panicked.
/// A panic is an internal bug; it must never unwind into C, Fortran or Python.
pub(crate) fn catch_panic<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown payload".into());
        last_error::record(&format!("internal error (panic caught, please report): {what}"));
        on_panic
    })
}

/// Run a fallible export body: `HPK_OK`, the error's status (with its message recorded for
/// `hpk_last_error_message`), or `HPK_ERR_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> hpk_status {
    catch_panic(HPK_ERR_PANIC, || match f() {
        Ok(()) => HPK_OK,
        Err(err) => {
            last_error::record(&err.to_string());
            status::status_of(&err)
        }
    })
}

#[cfg(test)]
mod tests;
