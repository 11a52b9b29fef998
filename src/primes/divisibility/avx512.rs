//! The AVX-512 kernel: 8 candidates per vector, x = 1/d by `vrcp14pd` and two Newton steps
//! (no division). The exactness argument is in `mod.rs`.

use super::{Lanes, ROUNDING_SHIFT, WHEEL_MODULUS};
use core::arch::x86_64::*;

/// The first block b in [b0, b1) (values [210 b, 210 b + 210)) holding a candidate flagged as
/// a divisor of n. Requires the float test's conditions on every candidate of those blocks.
///
/// # Safety
/// The CPU must support AVX-512 F (and the FMA it implies).
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
pub(super) unsafe fn first_flagged_block(lanes: &Lanes, b0: u64, b1: u64) -> Option<u64> {
    let vectors = lanes.len.div_ceil(8);
    let nh = _mm512_set1_pd(lanes.nh);
    let neg_nl = _mm512_set1_pd(lanes.neg_nl);
    let shift = _mm512_set1_pd(ROUNDING_SHIFT);
    let one = _mm512_set1_pd(1.0);
    let step = _mm512_set1_pd(WHEEL_MODULUS as f64);
    let mut base = _mm512_set1_pd((b0 * WHEEL_MODULUS) as f64); // exact: < 2^51
    for b in b0..b1 {
        let mut flags: __mmask8 = 0;
        for j in 0..vectors {
            // SAFETY: j < vectors <= PADDED / 8, so the 8 loads stay inside `residues`.
            let r = unsafe { _mm512_loadu_pd(lanes.residues.as_ptr().add(8 * j)) };
            let d = _mm512_add_pd(base, r);
            let x = _mm512_rcp14_pd(d);
            let x = _mm512_fmadd_pd(x, _mm512_fnmadd_pd(d, x, one), x);
            let x = _mm512_fmadd_pd(x, _mm512_fnmadd_pd(d, x, one), x);
            let q = _mm512_sub_pd(_mm512_fmadd_pd(nh, x, shift), shift);
            let rem = _mm512_fnmadd_pd(q, d, nh);
            flags |= _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(rem, neg_nl);
        }
        if flags != 0 {
            return Some(b);
        }
        base = _mm512_add_pd(base, step);
    }
    None
}
