//! AVX2 interior loop: 4 cells per vector, scalar heads and tails.

use super::cell;
use std::arch::x86_64::*;

/// Four cells `j..j+4` as a vector. Same operations in the same order as [`super::cell`]
/// (separate multiplies and adds, no FMA), so every lane is bit-identical to the scalar formula.
/// A macro, not a function: a `#[target_feature]` function cannot be forced inline.
macro_rules! cells {
    ($u:expr, $m:expr, $d:expr, $j:expr, $ddt:expr) => {{
        let j = $j;
        let centre = _mm256_loadu_pd($m.add(j));
        let sum = _mm256_add_pd(_mm256_loadu_pd($d.add(j)), _mm256_loadu_pd($u.add(j)));
        let sum = _mm256_add_pd(sum, _mm256_loadu_pd($m.add(j + 1)));
        let sum = _mm256_add_pd(sum, _mm256_loadu_pd($m.add(j).sub(1)));
        let lap = _mm256_sub_pd(sum, _mm256_mul_pd(_mm256_set1_pd(4.0), centre));
        _mm256_add_pd(centre, _mm256_mul_pd($ddt, lap))
    }};
}

/// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3` and
/// `out` length `n-2`. With `streaming`, full vectors go out with non-temporal stores to 32-byte
/// aligned addresses (the caller issues the sfence).
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn interior(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
    let n = mid.len();
    assert!(n >= 3 && up.len() == n && down.len() == n && out.len() == n - 2);
    let scalar = |out: &mut [f64], from: usize, to: usize| {
        for (k, o) in (from..to).zip(&mut out[from..to]) {
            *o = cell(mid[k + 1], up[k + 1], down[k + 1], mid[k], mid[k + 2], ddt);
        }
    };
    let vddt = _mm256_set1_pd(ddt);
    let end = n - 2;
    // Peel up to 3 cells so the full vectors start on a 32-byte boundary: of the output when
    // streaming (required), else of the centre row, so that the centre, up and down loads never
    // straddle two cache lines (see the AVX-512 kernel).
    let anchor = if streaming { out.as_ptr() as usize } else { mid[1..].as_ptr() as usize };
    let mut j = ((4 - (anchor % 32) / 8) % 4).min(end);
    scalar(out, 0, j);
    // Shifted by one cell, so that output `k` is input column `k+1` at the same index.
    let (u, m, d) = (up[1..].as_ptr(), mid[1..].as_ptr(), down[1..].as_ptr());
    let o = out.as_mut_ptr();
    // SAFETY: vector `j` reads inputs `j..j+6` and writes outputs `j..j+4` with `j+4 <= end =
    // n-2`: inside inputs of `n` and `out` of `n-2` elements; streamed addresses are 32-byte
    // aligned (peeled above).
    unsafe {
        if streaming {
            while j + 4 <= end {
                _mm256_stream_pd(o.add(j), cells!(u, m, d, j, vddt));
                j += 4;
            }
        } else {
            while j + 4 <= end {
                _mm256_storeu_pd(o.add(j), cells!(u, m, d, j, vddt));
                j += 4;
            }
        }
    }
    scalar(out, j, end);
}
