//! hpk_set_num_threads and the informational exports (ops Threads and Info).

use super::Fuzz;
use crate::check::{call, last_error, text, Expect};
use hpkern::ffi::*;

impl Fuzz<'_> {
    pub(super) fn op_threads(&mut self) {
        // 1024 is valid but builds a 1024-thread pool: too slow per execution, left out.
        let n = [0usize, 1, 2, 3, 4, 1025, 1_000_000, usize::MAX][usize::from(self.inp.u8() % 8)];
        let before = hpk_get_num_threads();
        let what = format!("hpk_set_num_threads({n})");
        let mut e = Expect::default();
        e.add(n > 1024, HPK_ERR_INVALID_ARGUMENT);
        let st = call(&what, e, || hpk_set_num_threads(n));
        let after = hpk_get_num_threads();
        if !(1..=1024).contains(&after) {
            bug!(what, "hpk_get_num_threads() = {after}");
        }
        if st == HPK_OK && n > 0 && after != n {
            bug!(what, "hpk_get_num_threads() = {after} after setting {n}");
        }
        if st != HPK_OK && after != before {
            bug!(what, "a refused setting changed the thread count from {before} to {after}");
        }
    }

    pub(super) fn op_info(&mut self) {
        let sel = self.inp.u8();
        let code = if sel.is_multiple_of(4) { self.inp.u32() } else { u32::from(sel % 10) };
        let m = text(hpk_status_message(code), "hpk_status_message");
        // HPK_ERR_CANCELLED is the last documented code.
        let known = code <= HPK_ERR_CANCELLED;
        if m.is_empty() || (!known && m != "unknown status code") || (known && m == "unknown status code") {
            bug!(format!("hpk_status_message({code})"), "message {m:?}");
        }
        let v = text(hpk_version(), "hpk_version");
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            bug!("hpk_version()", "version {v:?} is not MAJOR.MINOR.PATCH");
        }
        if hpk_abi_version() != 1 {
            bug!("hpk_abi_version()", "returned {}", hpk_abi_version());
        }
        let isa = text(hpk_isa_name(), "hpk_isa_name");
        if !["scalar", "avx2", "avx512"].contains(&isa.as_str()) {
            bug!("hpk_isa_name()", "unknown path {isa:?}");
        }
        let _ = last_error();
        let t = hpk_get_num_threads();
        if !(1..=1024).contains(&t) {
            bug!("hpk_get_num_threads()", "returned {t}");
        }
    }
}
