//! The status contract: which statuses the arguments allow, the last-error text, untouched
//! memory. A failed check panics through [`bug!`], which libFuzzer reports as a crash.

use crate::buffers::Bufs;
use hpkern::ffi::*;
use std::ffi::{c_char, CStr};

/// The statuses the arguments allow: a bit per error code present in the arguments.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Expect {
    pub(crate) errors: u8,
    /// hpk_primes_in_range: HPK_ERR_BUFFER_TOO_SMALL is a valid outcome of valid arguments.
    pub(crate) too_small_ok: bool,
}

impl Expect {
    pub(crate) fn add(&mut self, cond: bool, status: hpk_status) {
        if cond {
            self.errors |= 1 << status;
        }
    }
    pub(crate) fn fails(&self) -> bool {
        self.errors != 0
    }
    pub(crate) fn list(&self) -> Vec<u32> {
        (1..8).filter(|s| self.errors & (1 << s) != 0).collect()
    }
}

/// HPK_FUZZ_TRACE=1: print every call, its status and its time to stderr (for reproducing a
/// crash or finding slow inputs: `fuzz/target/.../abi crash-file`).
fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("HPK_FUZZ_TRACE").is_some_and(|v| v != "0"))
}

pub(crate) fn text(p: *const c_char, what: &str) -> String {
    assert!(!p.is_null(), "{what} returned NULL");
    // SAFETY: the exports return NUL-terminated static or thread-local text.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

pub(crate) fn last_error() -> String {
    text(hpk_last_error_message(), "hpk_last_error_message")
}

/// Report a broken promise of the header about `call`.
macro_rules! bug {
    ($call:expr, $($fmt:tt)*) => {
        panic!("\n=== hpkern fuzz: BUG ===\n{}\ncall: {}\n", format!($($fmt)*), $call)
    };
}

/// Run one export and check its status against `expect` and the last-error contract.
pub(crate) fn call(what: &str, expect: Expect, f: impl FnOnce() -> hpk_status) -> hpk_status {
    let before = last_error();
    let started = std::time::Instant::now();
    let st = f();
    if trace() {
        eprintln!("hpkern fuzz: {:>9.3} ms  status {st}  {what}", started.elapsed().as_secs_f64() * 1e3);
    }
    let message = || format!("{} / last error: {:?}", text(hpk_status_message(st), "hpk_status_message"), last_error());
    if st == HPK_ERR_PANIC {
        bug!(what, "HPK_ERR_PANIC: the library caught an internal panic ({})", message());
    }
    if st > HPK_ERR_PANIC {
        bug!(what, "status {st} is not a documented code");
    }
    if expect.fails() {
        if st == HPK_OK || expect.errors & (1 << st) == 0 {
            bug!(what, "status {st} ({}), but the arguments call for one of {:?}", message(), expect.list());
        }
    } else if !(st == HPK_OK || (st == HPK_ERR_BUFFER_TOO_SMALL && expect.too_small_ok)) {
        bug!(what, "status {st} ({}) for valid arguments", message());
    }
    let after = last_error();
    if st == HPK_OK && after != before {
        bug!(what, "a successful call changed hpk_last_error_message from {before:?} to {after:?}");
    }
    if st != HPK_OK && after.is_empty() {
        bug!(what, "status {st} but hpk_last_error_message is empty");
    }
    st
}

/// After an error: nothing may have changed. After success: only the `outputs` regions.
pub(crate) fn check_untouched(what: &str, b: &Bufs, st: hpk_status, outputs: &[usize]) {
    let r = if st == HPK_OK { b.untouched(outputs) } else { b.untouched(&[]) };
    if let Err(e) = r {
        if st == HPK_OK {
            bug!(what, "a successful call wrote outside its outputs: {e}");
        } else {
            bug!(what, "status {st} but memory was modified: {e}");
        }
    }
}

pub(crate) fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
