//! pi(x), the number of primes <= x, without sieving up to x, and the n-th prime.
//!
//! - `lmo`: Lagarias-Miller-Odlyzko with Deleglise-Rivat's easy leaves (`tables`, `s2` on
//!   `leaf_sieve`, `easy`, `p2`), O(x^(2/3) / log x) time and O(x^(1/3) log^2 x) memory, in
//!   parallel on the library's pool: every x up to 2^64 - 1;
//! - `lucy`: Lucy Hedgehog's O(x^(3/4)) method, single-threaded, faster for small x;

mod easy;
mod leaf_sieve;
mod lmo;
mod lucy;
mod p2;
mod s2;
mod tables;

#[cfg(test)]
mod tests;

pub(super) use super::arith::isqrt;
pub(super) use lucy::{estimate_ns, prime_pi, MAX_X};

use crate::pool::{self, Par};
use crate::progress::{self, Meter, Progress};
use crate::Error;

/// Below this, Lucy's method on one thread beats waking the pool for LMO.
const LMO_FROM: u64 = 1 << 26;
/// From this x on, a call with a progress callback reports (about a millisecond of work).
pub(super) const REPORT_FROM: u64 = 1 << 30;

/// Estimated single-thread ns of [`pi`]`(x)`: about x^(2/3) / log x steps of the hard leaves'
/// sieve and leaves (generous).
pub(super) fn pi_estimate_ns(x: u64) -> f64 {
    if x < LMO_FROM {
        return estimate_ns(x);
    }
    let x = x as f64;
    4.0 * x.powf(2.0 / 3.0) / x.ln() * x.ln().sqrt()
}

/// The number of primes <= x, reporting to `progress` from [`REPORT_FROM`] on: `done` and
/// `total` count the numbers the two sieves inside (the hard leaves' and P2's) cover.
pub(super) fn pi(x: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    progress::track(progress, x >= REPORT_FROM, lmo::work(x.max(lmo::MIN_X)), |meter| pi_metered(x, meter))
}

/// [`pi`] with a meter (as inside another call's progress: `meter` then also gets this call's
/// units, which the caller must have counted in its total).
pub(super) fn pi_metered(x: u64, meter: &Meter) -> Result<u64, Error> {
    pi_scaled(x, meter, 1, 1)
}

/// A meter seen through a scale: `add(n)` adds n * num / den (rounded down, so the total stays
/// within what the caller announced), for callers that report pi's work in their own units.
pub(super) struct Units<'a> {
    pub(super) meter: &'a Meter,
    num: u64,
    den: u64,
}

impl<'a> Units<'a> {
    /// `meter` itself, unscaled.
    pub(super) fn plain(meter: &'a Meter) -> Units<'a> {
        Units { meter, num: 1, den: 1 }
    }

    #[inline]
    pub(super) fn add(&self, n: u64) {
        if self.meter.is_active() {
            self.meter.add((u128::from(n) * u128::from(self.num) / u128::from(self.den.max(1))) as u64);
        }
    }

    #[inline]
    pub(super) fn cancelled(&self) -> bool {
        self.meter.cancelled()
    }

    #[inline]
    pub(super) fn check(&self) -> Result<(), Error> {
        self.meter.check()
    }
}

/// [`pi_metered`], adding `work(x) * num / den` units to `meter` instead of `work(x)`.
pub(super) fn pi_scaled(x: u64, meter: &Meter, num: u64, den: u64) -> Result<u64, Error> {
    if x < LMO_FROM {
        return prime_pi(x, meter);
    }
    let units = if num == den { Units::plain(meter) } else { Units { meter, num, den } };
    pool::install(|threads| lmo::pi(x, Par::on_pool(threads), &units))?
}

/// Runs `f` compiled with the POPCNT instruction when the CPU has it and the active path
/// ([`crate::isa`], `HPK_FORCE_ISA`) is not the scalar one: the library's baseline x86-64 build
/// counts bits with a dozen shifts and masks, and the leaves count bits in their inner loops.
/// What `f` calls gains only where it is inlined (the hot helpers are `#[inline(always)]`).
#[inline(always)]
pub(super) fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "popcnt")]
        fn compiled<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        static POPCNT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let popcnt = *POPCNT.get_or_init(|| {
            crate::isa::active() != crate::isa::Isa::Scalar && std::arch::is_x86_feature_detected!("popcnt")
        });
        if popcnt {
            // SAFETY: the CPU has POPCNT (detected just above).
            return unsafe { compiled(f) };
        }
    }
    f()
}

/// Units [`pi_metered`]`(x)` adds to its meter.
pub(super) fn work(x: u64) -> u64 {
    if x < LMO_FROM {
        0
    } else {
        lmo::work(x)
    }
}
