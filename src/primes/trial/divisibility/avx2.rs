//! The AVX2 + FMA kernel: 4 candidates per vector, x = 1/d by `vdivpd` (correctly rounded).
//! The exactness argument is in `mod.rs`.

use super::{WheelLanes, ROUNDING_SHIFT, WHEEL_MODULUS};
use crate::isa::Avx2Token;
use core::arch::x86_64::*;

/// The first block b in [b0, b1) (values [210 b, 210 b + 210)) holding a candidate flagged as
/// a divisor of n. Requires the float test's conditions on every candidate of those blocks.
pub(super) fn first_flagged_block(_: Avx2Token, lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    // SAFETY: the token proves the CPU has AVX2 and FMA.
    unsafe { first_flagged_block_avx2(lanes, b0, b1) }
}

#[target_feature(enable = "avx2,fma")]
fn first_flagged_block_avx2(lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    let vectors = lanes.len.div_ceil(4);
    let nh = _mm256_set1_pd(lanes.nh);
    let neg_nl = _mm256_set1_pd(lanes.neg_nl);
    let shift = _mm256_set1_pd(ROUNDING_SHIFT);
    let one = _mm256_set1_pd(1.0);
    let step = _mm256_set1_pd(WHEEL_MODULUS as f64);
    let mut base = _mm256_set1_pd((b0 * WHEEL_MODULUS) as f64); // exact: < 2^51
    for b in b0..b1 {
        let mut flags = _mm256_setzero_pd();
        for j in 0..vectors {
            // SAFETY: j < vectors <= PADDED / 4, so the 4 loads stay inside `residues`.
            let r = unsafe { _mm256_loadu_pd(lanes.residues.as_ptr().add(4 * j)) };
            let d = _mm256_add_pd(base, r);
            let x = _mm256_div_pd(one, d);
            let q = _mm256_sub_pd(_mm256_fmadd_pd(nh, x, shift), shift);
            let rem = _mm256_fnmadd_pd(q, d, nh);
            flags = _mm256_or_pd(flags, _mm256_cmp_pd::<_CMP_EQ_OQ>(rem, neg_nl));
        }
        if _mm256_movemask_pd(flags) != 0 {
            return Some(b);
        }
        base = _mm256_add_pd(base, step);
    }
    None
}
