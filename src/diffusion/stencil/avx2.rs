//! AVX2 interior loops: 4 cells per vector, the row's first and last four cells as overlapping unaligned
//! vectors (scalar only for rows under 4 cells); one row, or two adjacent rows per pass (register
//! blocking: the rows' shared centre vectors are loaded once).

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

/// Four cells `j..j+4` of two adjacent rows `m0` (above) and `m1` (below), each as [`cells!`]
/// computes it (`m1` is the row below `m0` and `m0` the row above `m1`), sharing the centre loads.
macro_rules! cells2 {
    ($u:expr, $m0:expr, $m1:expr, $d:expr, $j:expr, $ddt:expr) => {{
        let j = $j;
        let four = _mm256_set1_pd(4.0);
        let (c0, c1) = (_mm256_loadu_pd($m0.add(j)), _mm256_loadu_pd($m1.add(j)));
        let sum0 = _mm256_add_pd(c1, _mm256_loadu_pd($u.add(j)));
        let sum1 = _mm256_add_pd(_mm256_loadu_pd($d.add(j)), c0);
        let sum0 = _mm256_add_pd(sum0, _mm256_loadu_pd($m0.add(j + 1)));
        let sum1 = _mm256_add_pd(sum1, _mm256_loadu_pd($m1.add(j + 1)));
        let sum0 = _mm256_add_pd(sum0, _mm256_loadu_pd($m0.add(j).sub(1)));
        let sum1 = _mm256_add_pd(sum1, _mm256_loadu_pd($m1.add(j).sub(1)));
        let lap0 = _mm256_sub_pd(sum0, _mm256_mul_pd(four, c0));
        let lap1 = _mm256_sub_pd(sum1, _mm256_mul_pd(four, c1));
        (_mm256_add_pd(c0, _mm256_mul_pd($ddt, lap0)), _mm256_add_pd(c1, _mm256_mul_pd($ddt, lap1)))
    }};
}

/// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3` and
/// `out` length `n-2`. With `streaming`, full vectors go out with non-temporal stores to 32-byte
/// aligned addresses (the caller issues the sfence).
///
/// Safe to call: the token proves the CPU has AVX2 and FMA.
pub(super) fn interior(
    _: crate::isa::Avx2Token,
    up: &[f64],
    mid: &[f64],
    down: &[f64],
    out: &mut [f64],
    ddt: f64,
    streaming: bool,
) {
    // SAFETY: the token proves the CPU has AVX2 and FMA.
    unsafe { interior_avx2(up, mid, down, out, ddt, streaming) }
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
unsafe fn interior_avx2(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
    let n = mid.len();
    assert!(n >= 3 && up.len() == n && down.len() == n && out.len() == n - 2);
    let scalar = |out: &mut [f64], from: usize, to: usize| {
        for (k, o) in (from..to).zip(&mut out[from..to]) {
            *o = cell(mid[k + 1], up[k + 1], down[k + 1], mid[k], mid[k + 2], ddt);
        }
    };
    let end = n - 2;
    if end < 4 {
        return scalar(out, 0, end);
    }
    let vddt = _mm256_set1_pd(ddt);
    // Shifted by one cell, so that output `k` is input column `k+1` at the same index.
    let (u, m, d) = (up[1..].as_ptr(), mid[1..].as_ptr(), down[1..].as_ptr());
    let o = out.as_mut_ptr();
    // Full vectors start on a 32-byte boundary: of the output when streaming (required), else of
    // the centre row, so that the centre, up and down loads never straddle two cache lines (see
    // the AVX-512 kernel). The cells before the first and after the last full vector go as one
    // unaligned vector each, overlapping it: a cell computed twice is written the same twice.
    let anchor = if streaming { o as usize } else { m as usize };
    let mut j = (4 - (anchor % 32) / 8) % 4;
    // SAFETY: vector `j` reads inputs `j..j+6` and writes outputs `j..j+4` with `j+4 <= end =
    // n-2` (the edge vectors at 0 and `end-4` too, as `end >= 4`): inside inputs of `n` and `out`
    // of `n-2` elements; streamed addresses are 32-byte aligned (the anchor above).
    unsafe {
        _mm256_storeu_pd(o, cells!(u, m, d, 0, vddt));
        _mm256_storeu_pd(o.add(end - 4), cells!(u, m, d, end - 4, vddt));
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
}

/// Cells `1..n-1` of two adjacent rows, `mid0` (above) and `mid1` (below), into `out0` and
/// `out1` (each `n-2`): `up` is the row above `mid0`, `down` the row below `mid1`. Each cell is
/// what [`interior`] computes (the same macro, the same operands); per vector pair the centre
/// vectors of `mid0` and `mid1` are loaded once for both rows, 8 loads for 8 cells instead of 10.
/// No streaming stores (the caller uses [`interior`] for those).
///
/// Safe to call: the token proves the CPU has AVX2 and FMA.
pub(super) fn interior2(
    _: crate::isa::Avx2Token,
    [up, mid0, mid1, down]: [&[f64]; 4],
    [out0, out1]: [&mut [f64]; 2],
    ddt: f64,
) {
    // SAFETY: the token proves the CPU has AVX2 and FMA.
    unsafe { interior2_avx2([up, mid0, mid1, down], [out0, out1], ddt) }
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
unsafe fn interior2_avx2([up, mid0, mid1, down]: [&[f64]; 4], [out0, out1]: [&mut [f64]; 2], ddt: f64) {
    let n = mid0.len();
    assert!(n >= 3 && up.len() == n && mid1.len() == n && down.len() == n);
    assert!(out0.len() == n - 2 && out1.len() == n - 2);
    let scalar = |out0: &mut [f64], out1: &mut [f64], from: usize, to: usize| {
        for k in from..to {
            out0[k] = cell(mid0[k + 1], up[k + 1], mid1[k + 1], mid0[k], mid0[k + 2], ddt);
            out1[k] = cell(mid1[k + 1], mid0[k + 1], down[k + 1], mid1[k], mid1[k + 2], ddt);
        }
    };
    let end = n - 2;
    if end < 4 {
        return scalar(out0, out1, 0, end);
    }
    let vddt = _mm256_set1_pd(ddt);
    let (u, m0, m1, d) = (up[1..].as_ptr(), mid0[1..].as_ptr(), mid1[1..].as_ptr(), down[1..].as_ptr());
    let (o0, o1) = (out0.as_mut_ptr(), out1.as_mut_ptr());
    // Aligned to the upper centre row, with overlapping edge vectors, as in `interior`.
    let mut j = (4 - (m0 as usize % 32) / 8) % 4;
    // SAFETY: as in `interior`, for both rows: vector `j` reads inputs `j..j+6` of rows of `n`
    // and writes outputs `j..j+4` of rows of `n-2`, with `j+4 <= end = n-2`.
    unsafe {
        for j in [0, end - 4] {
            let (a, b) = cells2!(u, m0, m1, d, j, vddt);
            _mm256_storeu_pd(o0.add(j), a);
            _mm256_storeu_pd(o1.add(j), b);
        }
        while j + 4 <= end {
            let (a, b) = cells2!(u, m0, m1, d, j, vddt);
            _mm256_storeu_pd(o0.add(j), a);
            _mm256_storeu_pd(o1.add(j), b);
            j += 4;
        }
    }
}
