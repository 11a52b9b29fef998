//! AVX-512: 4 vectors of 8 f64 lanes in flight, each lane's running state a bit of a mask
//! register. Four independent vectors hide the ~12-cycle latency of one iteration (mul, sub, add).
//!
//! Without the sticky stop mask (the usual case, see [`super::escapes_are_final`]) a step is ten
//! vector instructions and no mask arithmetic. The whole stream stays in registers: points come
//! from structure-of-arrays buffers, and the lanes that finished a block are refilled with the
//! next points by masked expand-loads, while their counts go out with one masked scatter.

use super::stream::{all_escapes_final, with_soa, BLOCK_STEPS};
use crate::isa::Avx512Token;
use core::arch::x86_64::*;
use num_complex::Complex64;

const VECTORS: usize = 4;

/// `out[i]` = escape count of the i-th (z, c) of `points` (at least `out.len()` of them).
pub(super) fn escape_counts(
    _: Avx512Token,
    out: &mut [i32],
    maxiter: i32,
    points: impl Iterator<Item = (Complex64, Complex64)>,
) {
    with_soa(out.len(), points, |[zr, zi, cr, ci]| {
        // SAFETY: the token proves the CPU has AVX-512 F/DQ/VL/BW.
        unsafe { escape_counts_soa(out, maxiter, [zr, zi, cr, ci], all_escapes_final(cr, ci)) }
    })
}

/// `out[i]` = escape count of the point (zr[i] + i zi[i], c = cr[i] + i ci[i]), `soa` being
/// [zr, zi, cr, ci], each of `out.len()` values.
///
/// A lane stops counting at its first step with count >= maxiter or |z|^2 >= 4. With
/// `escaped_stay_out` (every |c| <= 1.9, see [`super::escapes_are_final`]) a lane outside stays
/// outside, so a step's own tests decide; otherwise a sticky per-lane mask keeps it stopped. Its
/// z keeps changing, unused, until the lane is refilled after the block.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, VL and BW (checked once by `crate::isa`).
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn escape_counts_soa(out: &mut [i32], maxiter: i32, soa: [&[f64]; 4], escaped_stay_out: bool) {
    // SAFETY: the caller guarantees the CPU features, which this function has too.
    unsafe {
        if escaped_stay_out {
            lanes_in_flight::<false>(out, maxiter, soa)
        } else {
            lanes_in_flight::<true>(out, maxiter, soa)
        }
    }
}

/// The kernel; STICKY selects the per-lane stop mask.
///
/// # Safety
/// As [`escape_counts_soa`].
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn lanes_in_flight<const STICKY: bool>(out: &mut [i32], maxiter: i32, soa: [&[f64]; 4]) {
    let [zr0, zi0, cr0, ci0] = soa;
    let n = out.len();
    assert!(zr0.len() == n && zi0.len() == n && cr0.len() == n && ci0.len() == n && n <= i64::MAX as usize);
    let maxf = f64::from(maxiter);
    let (four, one, max, zero) = (_mm512_set1_pd(4.0), _mm512_set1_pd(1.0), _mm512_set1_pd(maxf), _mm512_setzero_pd());
    let last_safe = _mm512_set1_pd(maxf - BLOCK_STEPS as f64);
    let iota = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let (mut zr, mut zi, mut cr, mut ci) = ([zero; VECTORS], [zero; VECTORS], [zero; VECTORS], [zero; VECTORS]);
    // A lane without a point holds count = maxiter, so it never runs.
    let mut count = [max; VECTORS];
    let mut index = [_mm512_setzero_si512(); VECTORS];
    // Lanes holding a point, and lanes to refill before the next block.
    let mut live: [__mmask8; VECTORS] = [0; VECTORS];
    let mut free: [__mmask8; VECTORS] = [0xff; VECTORS];
    let mut next = 0;
    loop {
        for v in 0..VECTORS {
            if free[v] == 0 {
                continue;
            }
            let mut take = free[v];
            // Near the end of the stream, fill only the lowest `n - next` free lanes.
            while take.count_ones() as usize > n - next {
                take &= !(0x80u8 >> take.leading_zeros());
            }
            if take != 0 {
                // SAFETY: expand-loads read popcount(take) <= n - next consecutive elements
                // from `next`, all inside the arrays of length n.
                unsafe {
                    zr[v] = _mm512_mask_expandloadu_pd(zr[v], take, zr0.as_ptr().add(next));
                    zi[v] = _mm512_mask_expandloadu_pd(zi[v], take, zi0.as_ptr().add(next));
                    cr[v] = _mm512_mask_expandloadu_pd(cr[v], take, cr0.as_ptr().add(next));
                    ci[v] = _mm512_mask_expandloadu_pd(ci[v], take, ci0.as_ptr().add(next));
                }
                let first = _mm512_add_epi64(iota, _mm512_set1_epi64(next as i64));
                index[v] = _mm512_mask_expand_epi64(index[v], take, first);
                count[v] = _mm512_mask_mov_pd(count[v], take, zero);
                next += take.count_ones() as usize;
            }
            count[v] = _mm512_mask_mov_pd(count[v], free[v] & !take, max);
            live[v] = (live[v] & !free[v]) | take;
        }
        if live.iter().all(|&l| l == 0) {
            return;
        }
        // Lanes that cannot reach maxiter within this block need no count check at each step.
        let near_max = (0..VECTORS).any(|v| _mm512_cmp_pd_mask::<_CMP_GT_OQ>(count[v], last_safe) != 0);
        let mut running = live;
        for _ in 0..BLOCK_STEPS {
            for v in 0..VECTORS {
                // The scalar definition's operations in its order: no fused multiply-add.
                let r2 = _mm512_mul_pd(zr[v], zr[v]);
                let i2 = _mm512_mul_pd(zi[v], zi[v]);
                let mut counting = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(_mm512_add_pd(r2, i2), four);
                if near_max {
                    counting = _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(counting, count[v], max);
                }
                if STICKY {
                    running[v] &= counting;
                    counting = running[v];
                }
                count[v] = _mm512_mask_add_pd(count[v], counting, count[v], one);
                // 2*zr*zi as (zr + zr) * zi: doubling is exact, so the bits equal 2.0*zr*zi.
                zi[v] = _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd(zr[v], zr[v]), zi[v]), ci[v]);
                zr[v] = _mm512_add_pd(_mm512_sub_pd(r2, i2), cr[v]);
            }
        }
        for v in 0..VECTORS {
            if !STICKY {
                // Still running: the next step would count (escaped lanes never come back).
                let mag = _mm512_add_pd(_mm512_mul_pd(zr[v], zr[v]), _mm512_mul_pd(zi[v], zi[v]));
                running[v] =
                    _mm512_cmp_pd_mask::<_CMP_LT_OQ>(mag, four) & _mm512_cmp_pd_mask::<_CMP_LT_OQ>(count[v], max);
            }
            free[v] = live[v] & !running[v];
            if free[v] != 0 {
                // SAFETY: the indices of live lanes are outputs in 0..n; counts are integers
                // in 0..=maxiter, so the conversion to i32 is exact.
                unsafe {
                    _mm512_mask_i64scatter_epi32::<4>(out.as_mut_ptr(), free[v], index[v], _mm512_cvtpd_epi32(count[v]))
                };
            }
        }
    }
}
