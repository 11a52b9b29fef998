//! AVX2: 3 vectors of 4 f64 lanes in flight (16 ymm registers hold about that much state), each
//! lane's running state an all-ones or all-zeros lane of a mask vector.

use super::stream::{all_escapes_final, with_soa, BLOCK_STEPS};
use crate::isa::Avx2Token;
use core::arch::x86_64::*;
use num_complex::Complex64;

const VECTORS: usize = 3;
const LANES: usize = 4 * VECTORS;

/// `out[i]` = escape count of the i-th (z, c) of `points` (at least `out.len()` of them).
pub(super) fn escape_counts(
    _: Avx2Token,
    out: &mut [i32],
    maxiter: i32,
    points: impl Iterator<Item = (Complex64, Complex64)>,
) {
    with_soa(out.len(), points, |[zr, zi, cr, ci]| {
        let points = zr
            .iter()
            .zip(zi)
            .zip(cr.iter().zip(ci))
            .map(|((&zr, &zi), (&cr, &ci))| (Complex64::new(zr, zi), Complex64::new(cr, ci)));
        if all_escapes_final(cr, ci) {
            // SAFETY: the token proves the CPU has AVX2 and FMA.
            drive::<LANES>(out, maxiter, points, |lanes, maxf| unsafe { run_block::<false>(lanes, maxf) })
        } else {
            // SAFETY: as above.
            drive::<LANES>(out, maxiter, points, |lanes, maxf| unsafe { run_block::<true>(lanes, maxf) })
        }
    })
}

/// Advance every lane by up to BLOCK_STEPS iterations; bit k of the result is set if lane k is
/// still running. Same contract as the AVX-512 kernel: STICKY = false is allowed when every
/// lane's c satisfies [`super::escapes_are_final`].
///
/// # Safety
/// The CPU must support AVX2 and FMA (checked once by `crate::isa`).
#[target_feature(enable = "avx2,fma")]
unsafe fn run_block<const STICKY: bool>(lanes: &mut PointLanes<LANES>, maxiter: f64) -> u64 {
    let (four, one, max) = (_mm256_set1_pd(4.0), _mm256_set1_pd(1.0), _mm256_set1_pd(maxiter));
    let zero = _mm256_setzero_pd();
    let (mut zr, mut zi, mut cr, mut ci, mut count) =
        ([zero; VECTORS], [zero; VECTORS], [zero; VECTORS], [zero; VECTORS], [zero; VECTORS]);
    for v in 0..VECTORS {
        // SAFETY: lanes 4v..4v+4 lie inside each array of LANES = 4 * VECTORS doubles.
        unsafe {
            zr[v] = _mm256_loadu_pd(lanes.zr.as_ptr().add(4 * v));
            zi[v] = _mm256_loadu_pd(lanes.zi.as_ptr().add(4 * v));
            cr[v] = _mm256_loadu_pd(lanes.cr.as_ptr().add(4 * v));
            ci[v] = _mm256_loadu_pd(lanes.ci.as_ptr().add(4 * v));
            count[v] = _mm256_loadu_pd(lanes.count.as_ptr().add(4 * v));
        }
    }
    // Lanes that cannot reach maxiter within this block need no count check at each step.
    let last_safe = _mm256_set1_pd(maxiter - BLOCK_STEPS as f64);
    let near_max = (0..VECTORS).any(|v| _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(count[v], last_safe)) != 0);
    let mut running = [_mm256_castsi256_pd(_mm256_set1_epi64x(-1)); VECTORS];
    for _ in 0..BLOCK_STEPS {
        for v in 0..VECTORS {
            // The scalar definition's operations in its order: no fused multiply-add.
            let r2 = _mm256_mul_pd(zr[v], zr[v]);
            let i2 = _mm256_mul_pd(zi[v], zi[v]);
            let mut counting = _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_add_pd(r2, i2), four);
            if near_max {
                counting = _mm256_and_pd(counting, _mm256_cmp_pd::<_CMP_LT_OQ>(count[v], max));
            }
            if STICKY {
                running[v] = _mm256_and_pd(running[v], counting);
                counting = running[v];
            }
            count[v] = _mm256_add_pd(count[v], _mm256_and_pd(counting, one));
            zi[v] = _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(zr[v], zr[v]), zi[v]), ci[v]);
            zr[v] = _mm256_add_pd(_mm256_sub_pd(r2, i2), cr[v]);
        }
    }
    let mut still = 0u64;
    for v in 0..VECTORS {
        if !STICKY {
            // Still running: the next step would count (escaped lanes never come back).
            let mag = _mm256_add_pd(_mm256_mul_pd(zr[v], zr[v]), _mm256_mul_pd(zi[v], zi[v]));
            running[v] =
                _mm256_and_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(mag, four), _mm256_cmp_pd::<_CMP_LT_OQ>(count[v], max));
        }
        // SAFETY: as for the loads.
        unsafe {
            _mm256_storeu_pd(lanes.zr.as_mut_ptr().add(4 * v), zr[v]);
            _mm256_storeu_pd(lanes.zi.as_mut_ptr().add(4 * v), zi[v]);
            _mm256_storeu_pd(lanes.count.as_mut_ptr().add(4 * v), count[v]);
        }
        still |= (_mm256_movemask_pd(running[v]) as u64) << (4 * v);
    }
    still
}

/// The state of `N` lanes, structure of arrays, as the kernel loads and stores it.
struct PointLanes<const N: usize> {
    zr: [f64; N],
    zi: [f64; N],
    cr: [f64; N],
    ci: [f64; N],
    /// Iterations done so far; exact in f64 (maxiter < 2^31). A lane without a point holds
    /// maxiter, so it never runs.
    count: [f64; N],
}

/// Run lanes block by block until every point has its count. `block(lanes, maxiter)` advances
/// every lane by up to [`BLOCK_STEPS`] iterations and returns a bit mask of the lanes still
/// running at the end (bit k for lane k).
fn drive<const N: usize>(
    out: &mut [i32],
    maxiter: i32,
    mut points: impl Iterator<Item = (Complex64, Complex64)>,
    mut block: impl FnMut(&mut PointLanes<N>, f64) -> u64,
) {
    const { assert!(N <= 64, "lane masks are u64") };
    let maxf = f64::from(maxiter);
    let mut lanes = PointLanes { zr: [0.0; N], zi: [0.0; N], cr: [0.0; N], ci: [0.0; N], count: [maxf; N] };
    // The output index each lane works on; meaningful where `occupied` has the lane's bit.
    let mut index = [0usize; N];
    let mut occupied = 0u64;
    let mut next = 0;
    let mut load = |lanes: &mut PointLanes<N>, lane: usize| {
        let (z, c) = points.next().expect("escape_counts: fewer points than outputs");
        (lanes.zr[lane], lanes.zi[lane], lanes.cr[lane], lanes.ci[lane]) = (z.re, z.im, c.re, c.im);
        lanes.count[lane] = 0.0;
    };
    while next < N.min(out.len()) {
        load(&mut lanes, next);
        index[next] = next;
        occupied |= 1 << next;
        next += 1;
    }
    while occupied != 0 {
        let running = block(&mut lanes, maxf);
        let mut finished = occupied & !running;
        while finished != 0 {
            let lane = finished.trailing_zeros() as usize;
            finished &= finished - 1;
            out[index[lane]] = lanes.count[lane] as i32;
            if next < out.len() {
                load(&mut lanes, lane);
                index[lane] = next;
                next += 1;
            } else {
                lanes.count[lane] = maxf;
                occupied &= !(1 << lane);
            }
        }
    }
}
