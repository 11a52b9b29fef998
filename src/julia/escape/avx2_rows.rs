//! AVX2 for whole rows of a grid: each vector holds 4 neighbouring pixels of one row from start
//! to finish, 4 vectors in flight. The AVX-512 version (`avx512_rows`) explains the design; here
//! a lane's state is an all-ones or all-zeros lane of a mask vector instead of a mask bit.

use super::{PixelGroups, RowGeometry};
use core::arch::x86_64::*;

const LANES: usize = 4;

/// Escape counts of the `out.len() / width` grid rows from `first_row` on, into `out`
/// (row-major), for maxiter >= 1 (the dispatcher answers 0 itself). Counts are those of
/// [`crate::julia::escape_count`] bit for bit: the pixel coordinates as `Grid::z` computes them,
/// the iteration in the same operations and order.
///
/// STICKY keeps a per-lane stop mask: needed unless every escaped z stays out
/// ([`super::escapes_are_final`]), which the caller decides.
///
/// # Safety
/// The CPU must support AVX2 and FMA (checked once by `crate::isa`).
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn escape_rows<const STICKY: bool>(out: &mut [i32], first_row: usize, g: &RowGeometry) {
    assert!(g.width > 0 && out.len().is_multiple_of(g.width) && g.maxiter > 0);
    let (four, one, zero) = (_mm256_set1_pd(4.0), _mm256_set1_pd(1.0), _mm256_setzero_pd());
    let (cr, ci) = (_mm256_set1_pd(g.c.re), _mm256_set1_pd(g.c.im));
    let (x1, x_step) = (_mm256_set1_pd(g.x1), _mm256_set1_pd(g.x_step));
    let iota = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
    // The first n lanes: all-ones 64-bit lanes for the arithmetic, 32-bit ones for the counts.
    let valid_lanes =
        |n: usize| _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_set1_epi64x(n as i64), _mm256_set_epi64x(3, 2, 1, 0)));
    let valid_counts = |n: usize| _mm_cmpgt_epi32(_mm_set1_epi32(n as i32), _mm_set_epi32(3, 2, 1, 0));
    // A vector works on 4 pixels of a row from output index `at` on, lanes `valid` (fewer at a
    // row's end), `steps` steps so far. The four vectors' state is in separate variables, not
    // arrays, so that it stays in registers.
    struct Vector {
        zr: __m256d,
        zi: __m256d,
        count: __m256d,
        valid: __m128i,
        running: __m256d,
        steps: i32,
        at: usize,
        live: bool,
    }
    let mut groups = PixelGroups::new(g, LANES, first_row, out.len() / g.width);
    // The next group's vector: the coordinates of Grid::z, x1 + k*x_step (separate multiply and
    // add, as the scalar code; k exact in f64) and the group's zi; dead past the last row.
    let mut start = || match groups.next() {
        None => Vector {
            zr: zero,
            zi: zero,
            count: zero,
            valid: _mm_setzero_si128(),
            running: zero,
            steps: 0,
            at: 0,
            live: false,
        },
        Some(p) => {
            let (valid, running) = (valid_counts(p.count), valid_lanes(p.count));
            let k = _mm256_add_pd(iota, _mm256_set1_pd(p.col as f64));
            let zr = _mm256_add_pd(x1, _mm256_mul_pd(k, x_step));
            Vector { zr, zi: _mm256_set1_pd(p.zi), count: zero, valid, running, steps: 0, at: p.at, live: true }
        }
    };
    let base = out.as_mut_ptr();
    // One step of one vector; the vector's last step stores its counts and starts the next slot.
    macro_rules! step {
        ($v:ident) => {
            if $v.live {
                // The scalar definition's operations in its order: no fused multiply-add.
                let r2 = _mm256_mul_pd($v.zr, $v.zr);
                let i2 = _mm256_mul_pd($v.zi, $v.zi);
                let counting = _mm256_and_pd($v.running, _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_add_pd(r2, i2), four));
                if STICKY {
                    $v.running = counting;
                }
                $v.count = _mm256_add_pd($v.count, _mm256_and_pd(counting, one));
                // 2*zr*zi as (zr + zr) * zi: doubling is exact, so the bits equal 2.0*zr*zi.
                $v.zi = _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd($v.zr, $v.zr), $v.zi), ci);
                $v.zr = _mm256_add_pd(_mm256_sub_pd(r2, i2), cr);
                $v.steps += 1;
                // Without STICKY, a lane that did not count has |z| >= 2 for good (see
                // `escapes_are_final`), so a step where no lane counts is the vector's last.
                if _mm256_movemask_pd(counting) == 0 || $v.steps == g.maxiter {
                    // SAFETY: the valid lanes are pixels at..at+lanes of one row inside `out`;
                    // counts are integers in 0..=maxiter, so the conversion is exact.
                    unsafe { _mm_maskstore_epi32(base.add($v.at), $v.valid, _mm256_cvtpd_epi32($v.count)) };
                    $v = start();
                }
            }
        };
    }
    let (mut a, mut b, mut c, mut d) = (start(), start(), start(), start());
    while a.live || b.live || c.live || d.live {
        step!(a);
        step!(b);
        step!(c);
        step!(d);
    }
}
