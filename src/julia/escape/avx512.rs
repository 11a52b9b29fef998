//! AVX-512: 4 vectors of 8 f64 lanes in flight, each lane's running state a bit of a mask
//! register. Four independent vectors hide the ~12-cycle latency of one iteration (mul, sub, add).

use super::{Lanes, BLOCK_STEPS};
use core::arch::x86_64::*;

const VECTORS: usize = 4;
pub(super) const LANES: usize = 8 * VECTORS;

/// Advance every lane by up to BLOCK_STEPS iterations; bit k of the result is set if lane k is
/// still running. A lane stops counting at its first step with count >= maxiter or |z|^2 >= 4
/// and stays stopped (its z keeps changing, unused, until the lane is refilled).
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, VL and BW (checked once by `crate::isa`).
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
pub(super) unsafe fn run_block(lanes: &mut Lanes<LANES>, maxiter: f64) -> u64 {
    let (four, one, max) = (_mm512_set1_pd(4.0), _mm512_set1_pd(1.0), _mm512_set1_pd(maxiter));
    let zero = _mm512_setzero_pd();
    let (mut zr, mut zi, mut cr, mut ci, mut count) = ([zero; VECTORS], [zero; VECTORS], [zero; VECTORS], [zero; VECTORS], [zero; VECTORS]);
    for v in 0..VECTORS {
        // SAFETY: lanes 8v..8v+8 lie inside each array of LANES = 8 * VECTORS doubles.
        unsafe {
            zr[v] = _mm512_loadu_pd(lanes.zr.as_ptr().add(8 * v));
            zi[v] = _mm512_loadu_pd(lanes.zi.as_ptr().add(8 * v));
            cr[v] = _mm512_loadu_pd(lanes.cr.as_ptr().add(8 * v));
            ci[v] = _mm512_loadu_pd(lanes.ci.as_ptr().add(8 * v));
            count[v] = _mm512_loadu_pd(lanes.count.as_ptr().add(8 * v));
        }
    }
    // Lanes that cannot reach maxiter within this block need no count check at each step.
    let last_safe = _mm512_set1_pd(maxiter - BLOCK_STEPS as f64);
    let near_max = (0..VECTORS).any(|v| _mm512_cmp_pd_mask::<_CMP_GT_OQ>(count[v], last_safe) != 0);
    let mut running: [__mmask8; VECTORS] = [0xff; VECTORS];
    for _ in 0..BLOCK_STEPS {
        for v in 0..VECTORS {
            // The scalar definition's operations in its order: no fused multiply-add.
            let r2 = _mm512_mul_pd(zr[v], zr[v]);
            let i2 = _mm512_mul_pd(zi[v], zi[v]);
            running[v] &= _mm512_cmp_pd_mask::<_CMP_LT_OQ>(_mm512_add_pd(r2, i2), four);
            if near_max {
                running[v] &= _mm512_cmp_pd_mask::<_CMP_LT_OQ>(count[v], max);
            }
            count[v] = _mm512_mask_add_pd(count[v], running[v], count[v], one);
            // 2*zr*zi as (zr + zr) * zi: doubling is exact, so the bits equal the scalar 2.0*zr*zi.
            zi[v] = _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(zr[v], zr[v]), zi[v]), ci[v]);
            zr[v] = _mm512_add_pd(_mm512_sub_pd(r2, i2), cr[v]);
        }
    }
    let mut still = 0u64;
    for v in 0..VECTORS {
        // SAFETY: as for the loads.
        unsafe {
            _mm512_storeu_pd(lanes.zr.as_mut_ptr().add(8 * v), zr[v]);
            _mm512_storeu_pd(lanes.zi.as_mut_ptr().add(8 * v), zi[v]);
            _mm512_storeu_pd(lanes.count.as_mut_ptr().add(8 * v), count[v]);
        }
        still |= u64::from(running[v]) << (8 * v);
    }
    still
}
