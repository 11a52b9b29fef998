//! "Which wheel candidates d in [x0, x1) divide n?" without integer division: floating-point
//! quotients, checked exactly, 8 (AVX-512), 4 (AVX2) or 1 (scalar) candidates at a time.
//!
//! # Why the float test is exact
//!
//! Let n < 2^64, nh = fl(n) (round to nearest) and nl = n - nh, an integer with |nl| <= 2^10.
//! For a candidate d with n / d < 2^50 and d < 2^51 (both are exact in f64), let Q = n / d,
//! x ~ 1/d with relative error |b| <= 1.2 * 2^-53, and q = round(nh * x), rounded once from the
//! exact product (an FMA adds M = 1.5 * 2^52, which puts the sum in [2^52, 2^53) where the
//! spacing is 1, then M is subtracted back exactly). With u = 2^-53:
//!
//! |nh * x - Q| = Q |(1 + a)(1 + b) - 1| <= Q (u + 1.2u + 1.2u^2) < 2^50 * 2.21 * 2^-53 < 0.28,
//!
//! where |a| <= u is nh's relative error. So:
//! - if d | n, Q is an integer and q = Q; then nh - q d = -nl exactly: **no false negatives**.
//! - if not, |q - Q| < 0.5 + 0.28 < 1 so |n - q d| < d, and the integer nh - q d has magnitude
//!   below 2^51 + 2^10 < 2^53: the FMA fma(-q, d, nh) computes it exactly, and it equals -nl
//!   only if n = q d: **no false positives** either.
//!
//! So the test is one comparison: fma(-q, d, nh) == -nl. The kernels still confirm every hit with
//! `%` (the answer never rests on the proof alone), and candidates outside the conditions (small
//! d, where n / d >= 2^50, and d >= 2^51) use `%`.
//!
//! x's error: AVX-512's `vrcp14pd` has relative error below 2^-14; one Newton step
//! x' = x + x (1 - d x), with 1 - d x and x' each rounded once (FMA), turns an error e into at most
//! e^2 + u e (1 + e) + u (1 + e^2 + u e (1 + e)): 2^-14 -> below 2^-28 + 2^-52 -> below
//! 2^-53 (1 + 1/8 + 2^-20) < 1.2u after two steps. AVX2 and scalar divide: x = fl(1 / d) has
//! error at most u. The scalar path computes q from fl(nh / d) (error below (2u + u^2) Q < 0.26)
//! and checks q d == n in wrapping integer arithmetic, which is exact (see `scalar.rs`).

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod scalar;

use super::wheel210::{Wheel210, WHEEL_MODULUS};
use crate::isa::Supported;

/// Candidates d >= this use `%`: d < 2^51 keeps n - q d below 2^53 in magnitude.
const FLOAT_D_LIMIT: u64 = 1 << 51;
/// Room for the largest wheel (210 residues) padded to whole 8-lane vectors.
const PADDED: usize = 216;

/// What a kernel needs about n and the wheel; built once per search.
#[repr(C, align(64))]
pub(super) struct WheelLanes {
    /// The wheel's residues as f64, padded to a multiple of 8 with copies of the last one (a
    /// repeated candidate is harmless: every hit is confirmed).
    residues: [f64; PADDED],
    /// The same residues as integers (for the scalar kernel).
    residues_u64: [u64; PADDED],
    /// How many residues the wheel has (before padding).
    len: usize,
    n: u64,
    /// fl(n), rounded to nearest.
    nh: f64,
    /// nh - n, exactly (|nl| <= 2^10).
    neg_nl: f64,
}

/// The divisibility test for one n and wheel on one instruction-set path.
pub(super) struct Divisibility {
    lanes: WheelLanes,
    wheel: Wheel210,
    isa: Supported,
    /// Blocks [b M, b M + M) with block_lo <= b < block_hi satisfy the float test's conditions.
    block_lo: u64,
    block_hi: u64,
}

impl Divisibility {
    pub(super) fn new(n: u64, wheel: Wheel210, isa: Supported) -> Divisibility {
        let nh = n as f64;
        // nh <= 2^64 converts exactly to u128; the difference is at most half an ulp, 2^10.
        let nl = i128::from(n) - nh as u128 as i128;
        let residues = wheel.residues();
        let mut padded = [0.0; PADDED];
        let mut padded_u64 = [0; PADDED];
        // Only the whole vectors the kernels read (8 lanes at most): a small wheel fills 48.
        for i in 0..residues.len().div_ceil(8) * 8 {
            let r = residues[i.min(residues.len() - 1)];
            padded[i] = f64::from(r);
            padded_u64[i] = u64::from(r);
        }
        // n / d < 2^50 <=> d > n / 2^50 <=> d >= (n >> 50) + 1.
        let float_lo = (n >> 50) + 1;
        Divisibility {
            lanes: WheelLanes {
                residues: padded,
                residues_u64: padded_u64,
                len: residues.len(),
                n,
                nh,
                neg_nl: -(nl as f64),
            },
            wheel,
            isa,
            block_lo: float_lo.div_ceil(WHEEL_MODULUS),
            block_hi: FLOAT_D_LIMIT / WHEEL_MODULUS,
        }
    }

    /// The smallest candidate d in [x0, x1) on the wheel that divides n (x0 >= 1).
    pub(super) fn first(&self, x0: u64, x1: u64) -> Option<u64> {
        debug_assert!(x0 >= 1);
        if x0 >= x1 {
            return None;
        }
        // Whole blocks inside [x0, x1) and inside the float test's range go to the kernel.
        let b0 = x0.div_ceil(WHEEL_MODULUS).max(self.block_lo);
        let b1 = (x1 / WHEEL_MODULUS).min(self.block_hi);
        if b0 >= b1 {
            return self.first_by_remainder(x0, x1);
        }
        if let Some(d) = self.first_by_remainder(x0, b0 * WHEEL_MODULUS) {
            return Some(d);
        }
        let mut b = b0;
        while let Some(hit) = self.first_flagged_block(b, b1) {
            debug_assert!(hit >= b && hit < b1);
            // Confirm with `%`: the flag is exact by the proof above, this keeps it honest.
            if let Some(d) = self.first_by_remainder(hit * WHEEL_MODULUS, (hit + 1) * WHEEL_MODULUS) {
                return Some(d);
            }
            b = hit + 1;
        }
        self.first_by_remainder(b1 * WHEEL_MODULUS, x1)
    }

    /// The largest candidate d in [x0, x1) on the wheel that divides n (x0 >= 1).
    pub(super) fn last(&self, x0: u64, x1: u64) -> Option<u64> {
        // Ascending scans, restarted after each divisor: divisors are rare, and the callers'
        // windows short.
        let mut last = None;
        let mut from = x0;
        while let Some(d) = self.first(from, x1) {
            last = Some(d);
            from = d + 1; // d < x1, no overflow
        }
        last
    }

    /// The reference test: `%` on every wheel candidate in [x0, x1).
    fn first_by_remainder(&self, x0: u64, x1: u64) -> Option<u64> {
        let n = self.lanes.n;
        let mut hit = None;
        self.wheel.for_each(x0, x1, |d| {
            if n.is_multiple_of(d) {
                hit = Some(d);
                return false;
            }
            true
        });
        hit
    }

    /// The first block b in [b0, b1) with a lane flagged as a divisor; the blocks satisfy the
    /// kernels' conditions (block_lo <= b0, b1 <= block_hi).
    fn first_flagged_block(&self, b0: u64, b1: u64) -> Option<u64> {
        match self.isa {
            Supported::Scalar => scalar::first_flagged_block(&self.lanes, b0, b1),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx2(avx2) => avx2::first_flagged_block(avx2, &self.lanes, b0, b1),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx512(avx512) => avx512::first_flagged_block(avx512, &self.lanes, b0, b1),
        }
    }
}

/// The magic constant 1.5 * 2^52: adding it to a value in [0, 2^51) rounds that value to the
/// nearest integer (the sum's spacing is 1), and subtracting it back is exact.
const ROUNDING_SHIFT: f64 = 6_755_399_441_055_744.0;

#[cfg(test)]
mod tests;
