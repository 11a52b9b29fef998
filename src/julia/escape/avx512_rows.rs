//! AVX-512 for whole rows of a grid: each vector holds 8 neighbouring pixels of one row from
//! start to finish, 4 vectors in flight.
//!
//! Neighbouring pixels of a picture mostly escape at nearly the same iteration (in the book's
//! picture a vector runs 1.27 times the iterations its lanes need), so a vector simply runs
//! until its last lane stops, then stores its 8 counts in one go and starts the next 8 pixels.
//! That costs a few idle lanes but no refill per lane: no point buffers, no expand-loads, no
//! scatter, and the pixel coordinates are computed in the vector itself. All lanes of a vector
//! start together, so the vector's step count is every lane's iteration bound: no per-lane
//! comparison with maxiter either.

use super::{PixelGroups, RowGeometry};
use core::arch::x86_64::*;

const LANES: usize = 8;

/// Escape counts of the `out.len() / width` grid rows from `first_row` on, into `out`
/// (row-major), for maxiter >= 1 (the dispatcher answers 0 itself). Counts are those of
/// [`crate::julia::escape_count`] bit for bit: the pixel coordinates as `Grid::z` computes them,
/// the iteration in the same operations and order.
///
/// STICKY keeps a per-lane stop mask: needed unless every escaped z stays out
/// ([`super::escapes_are_final`]), which the caller decides.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, VL and BW (checked once by `crate::isa`).
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
pub(super) unsafe fn escape_rows<const STICKY: bool>(out: &mut [i32], first_row: usize, g: &RowGeometry) {
    assert!(g.width > 0 && out.len().is_multiple_of(g.width) && g.maxiter > 0);
    let (four, one, zero) = (_mm512_set1_pd(4.0), _mm512_set1_pd(1.0), _mm512_setzero_pd());
    let (cr, ci) = (_mm512_set1_pd(g.c.re), _mm512_set1_pd(g.c.im));
    let (x1, x_step) = (_mm512_set1_pd(g.x1), _mm512_set1_pd(g.x_step));
    let iota = _mm512_set_pd(7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0);
    // A vector works on 8 pixels of a row from output index `at` on, lanes `valid` (fewer at a
    // row's end), `steps` steps so far. The four vectors' state is in separate variables, not
    // arrays, so that it stays in registers.
    struct Vector {
        zr: __m512d,
        zi: __m512d,
        count: __m512d,
        valid: __mmask8,
        running: __mmask8,
        steps: i32,
        at: usize,
        live: bool,
    }
    let mut groups = PixelGroups::new(g, LANES, first_row, out.len() / g.width);
    // The next group's vector: the coordinates of Grid::z, x1 + k*x_step (separate multiply and
    // add, as the scalar code; k exact in f64) and the group's zi; dead past the last row.
    let mut start = || match groups.next() {
        None => Vector { zr: zero, zi: zero, count: zero, valid: 0, running: 0, steps: 0, at: 0, live: false },
        Some(p) => {
            let valid = if p.count == LANES { 0xff } else { (1u8 << p.count) - 1 };
            let k = _mm512_add_pd(iota, _mm512_set1_pd(p.col as f64));
            let zr = _mm512_add_pd(x1, _mm512_mul_pd(k, x_step));
            Vector { zr, zi: _mm512_set1_pd(p.zi), count: zero, valid, running: valid, steps: 0, at: p.at, live: true }
        }
    };
    let base = out.as_mut_ptr();
    // One step of one vector; the vector's last step stores its counts and starts the next slot.
    macro_rules! step {
        ($v:ident) => {
            if $v.live {
                // The scalar definition's operations in its order: no fused multiply-add.
                let r2 = _mm512_mul_pd($v.zr, $v.zr);
                let i2 = _mm512_mul_pd($v.zi, $v.zi);
                let counting = _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>($v.running, _mm512_add_pd(r2, i2), four);
                if STICKY {
                    $v.running = counting;
                }
                $v.count = _mm512_mask_add_pd($v.count, counting, $v.count, one);
                // 2*zr*zi as (zr + zr) * zi: doubling is exact, so the bits equal 2.0*zr*zi.
                $v.zi = _mm512_add_pd(_mm512_mul_pd(_mm512_add_pd($v.zr, $v.zr), $v.zi), ci);
                $v.zr = _mm512_add_pd(_mm512_sub_pd(r2, i2), cr);
                $v.steps += 1;
                // Without STICKY, a lane that did not count has |z| >= 2 for good (see
                // `escapes_are_final`), so a step where no lane counts is the vector's last.
                if counting == 0 || $v.steps == g.maxiter {
                    // SAFETY: the valid lanes are pixels at..at+lanes of one row inside `out`;
                    // counts are integers in 0..=maxiter, so the conversion is exact.
                    unsafe { _mm256_mask_storeu_epi32(base.add($v.at), $v.valid, _mm512_cvtpd_epi32($v.count)) };
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
