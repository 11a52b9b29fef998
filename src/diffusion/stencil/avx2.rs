//! AVX2 interior loop: 4 cells per vector, scalar heads and tails.

use super::cell;
use std::arch::x86_64::*;

/// Four cells `j..j+4`. Same operations in the same order as [`super::cell`] (separate
/// multiplies and adds, no FMA), so every lane is bit-identical to the scalar formula.
#[inline]
#[target_feature(enable = "avx2,fma")]
unsafe fn cells(u: *const f64, m: *const f64, d: *const f64, j: usize, ddt: __m256d) -> __m256d {
    // SAFETY: the caller guarantees `j-1..j+5` is inside the rows.
    unsafe {
        let centre = _mm256_loadu_pd(m.add(j));
        let sum = _mm256_add_pd(_mm256_loadu_pd(d.add(j)), _mm256_loadu_pd(u.add(j)));
        let sum = _mm256_add_pd(sum, _mm256_loadu_pd(m.add(j + 1)));
        let sum = _mm256_add_pd(sum, _mm256_loadu_pd(m.add(j - 1)));
        let lap = _mm256_sub_pd(sum, _mm256_mul_pd(_mm256_set1_pd(4.0), centre));
        _mm256_add_pd(centre, _mm256_mul_pd(ddt, lap))
    }
}

/// Columns `1..n-1` of one row; all four slices have the same length `n >= 3`. With `streaming`,
/// full vectors go out with non-temporal stores to 32-byte aligned addresses (the caller issues
/// the sfence).
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn interior(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
    let n = out.len();
    assert!(n >= 3 && up.len() == n && mid.len() == n && down.len() == n);
    let scalar = |j: usize| cell(mid[j], up[j], down[j], mid[j - 1], mid[j + 1], ddt);
    let vddt = _mm256_set1_pd(ddt);
    let end = n - 1;
    let mut j = 1;
    if streaming {
        // Peel up to 3 cells so the full vectors start on a 32-byte boundary.
        let misaligned = (out[j..].as_ptr() as usize % 32) / 8;
        let head = ((4 - misaligned) % 4).min(end - j);
        for k in j..j + head {
            out[k] = scalar(k);
        }
        j += head;
    }
    let (u, m, d, o) = (up.as_ptr(), mid.as_ptr(), down.as_ptr(), out.as_mut_ptr());
    // SAFETY: full vectors read `j-1..j+5` and write `j..j+4` with `j+4 <= end = n-1`, inside
    // slices of `n` elements; streamed addresses are 32-byte aligned (peeled above).
    unsafe {
        if streaming {
            while j + 4 <= end {
                _mm256_stream_pd(o.add(j), cells(u, m, d, j, vddt));
                j += 4;
            }
        } else {
            while j + 4 <= end {
                _mm256_storeu_pd(o.add(j), cells(u, m, d, j, vddt));
                j += 4;
            }
        }
    }
    for k in j..end {
        out[k] = scalar(k);
    }
}
