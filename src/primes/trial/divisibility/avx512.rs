//! The AVX-512 kernel: 8 candidates per vector, x = 1/d by `vrcp14pd` and two Newton steps
//! (no division). The exactness argument is in `mod.rs`.

use super::{WheelLanes, ROUNDING_SHIFT, WHEEL_MODULUS};
use crate::isa::Avx512Token;
use core::arch::x86_64::*;

/// The first block b in [b0, b1) (values [210 b, 210 b + 210)) holding a candidate flagged as
/// a divisor of n. Requires the float test's conditions on every candidate of those blocks.
pub(super) fn first_flagged_block(_: Avx512Token, lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    // SAFETY: the token proves the CPU has AVX-512 F/DQ/VL/BW.
    unsafe { first_flagged_block_avx512(lanes, b0, b1) }
}

#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
fn first_flagged_block_avx512(lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    // The 48 residues coprime to 210 (n coprime to 210, as every prime > 7 is) fill exactly six
    // vectors: a fixed count lets the compiler unroll the block.
    match lanes.len.div_ceil(8) {
        // SAFETY: this function has the features; 6 <= PADDED / 8.
        6 => unsafe { blocks::<6>(lanes, b0, b1) },
        // SAFETY: as above; the count is at most PADDED / 8.
        vectors => unsafe { blocks_dyn(lanes, b0, b1, vectors) },
    }
}

/// Eight candidates d = base + residues[8 j ..]: the lanes where d divides n (see `mod.rs`).
#[inline(always)]
unsafe fn divides(lanes: &WheelLanes, base: __m512d, j: usize, nh: __m512d, neg_nl: __m512d) -> __mmask8 {
    let one = _mm512_set1_pd(1.0);
    let shift = _mm512_set1_pd(ROUNDING_SHIFT);
    // SAFETY: the caller keeps j < PADDED / 8, so the 8 loads stay inside `residues`.
    let r = unsafe { _mm512_loadu_pd(lanes.residues.as_ptr().add(8 * j)) };
    let d = _mm512_add_pd(base, r);
    let x = _mm512_rcp14_pd(d);
    let x = _mm512_fmadd_pd(x, _mm512_fnmadd_pd(d, x, one), x);
    let x = _mm512_fmadd_pd(x, _mm512_fnmadd_pd(d, x, one), x);
    let q = _mm512_sub_pd(_mm512_fmadd_pd(nh, x, shift), shift);
    let rem = _mm512_fnmadd_pd(q, d, nh);
    _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(rem, neg_nl)
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW; VECTORS <= PADDED / 8.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn blocks<const VECTORS: usize>(lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    // SAFETY: this function's contract.
    unsafe { blocks_dyn(lanes, b0, b1, VECTORS) }
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW; vectors <= PADDED / 8.
#[inline(always)]
unsafe fn blocks_dyn(lanes: &WheelLanes, b0: u64, b1: u64, vectors: usize) -> Option<u64> {
    let nh = _mm512_set1_pd(lanes.nh);
    let neg_nl = _mm512_set1_pd(lanes.neg_nl);
    let step = _mm512_set1_pd(WHEEL_MODULUS as f64);
    let mut base = _mm512_set1_pd((b0 * WHEEL_MODULUS) as f64); // exact: < 2^51
    for b in b0..b1 {
        let mut flags: __mmask8 = 0;
        for j in 0..vectors {
            // SAFETY: j < vectors <= PADDED / 8.
            flags |= unsafe { divides(lanes, base, j, nh, neg_nl) };
        }
        if flags != 0 {
            return Some(b);
        }
        base = _mm512_add_pd(base, step);
    }
    None
}
