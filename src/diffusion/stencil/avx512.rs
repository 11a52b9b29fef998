//! AVX-512 interior loops: 8 cells per vector, masked heads and tails; one row, or two adjacent
//! rows per pass (register blocking: the rows' shared centre vectors are loaded once).

use std::arch::x86_64::*;

/// Eight cells `j..j+8` as a vector (lanes outside `mask` are neither loaded nor meaningful).
///
/// Same operations in the same order as [`super::cell`]: separate multiplies and adds, so every
/// lane is bit-identical to the scalar formula. A macro, not a function: a `#[target_feature]`
/// function cannot be forced inline, and the call would cost more than the eight cells.
macro_rules! cells {
    ($u:expr, $m:expr, $d:expr, $j:expr, $mask:expr, $ddt:expr) => {{
        let (j, mask) = ($j, $mask);
        let centre = _mm512_maskz_loadu_pd(mask, $m.add(j));
        let sum = _mm512_add_pd(_mm512_maskz_loadu_pd(mask, $d.add(j)), _mm512_maskz_loadu_pd(mask, $u.add(j)));
        let sum = _mm512_add_pd(sum, _mm512_maskz_loadu_pd(mask, $m.add(j + 1)));
        let sum = _mm512_add_pd(sum, _mm512_maskz_loadu_pd(mask, $m.add(j).sub(1)));
        let lap = _mm512_sub_pd(sum, _mm512_mul_pd(_mm512_set1_pd(4.0), centre));
        _mm512_add_pd(centre, _mm512_mul_pd($ddt, lap))
    }};
}

/// Eight cells `j..j+8` of two adjacent rows `m0` (above) and `m1` (below), each as [`cells!`]
/// computes it (`m1` is the row below `m0` and `m0` the row above `m1`), sharing the centre loads.
macro_rules! cells2 {
    ($u:expr, $m0:expr, $m1:expr, $d:expr, $j:expr, $mask:expr, $ddt:expr) => {{
        let (j, mask) = ($j, $mask);
        let four = _mm512_set1_pd(4.0);
        let (c0, c1) = (_mm512_maskz_loadu_pd(mask, $m0.add(j)), _mm512_maskz_loadu_pd(mask, $m1.add(j)));
        let sum0 = _mm512_add_pd(c1, _mm512_maskz_loadu_pd(mask, $u.add(j)));
        let sum1 = _mm512_add_pd(_mm512_maskz_loadu_pd(mask, $d.add(j)), c0);
        let sum0 = _mm512_add_pd(sum0, _mm512_maskz_loadu_pd(mask, $m0.add(j + 1)));
        let sum1 = _mm512_add_pd(sum1, _mm512_maskz_loadu_pd(mask, $m1.add(j + 1)));
        let sum0 = _mm512_add_pd(sum0, _mm512_maskz_loadu_pd(mask, $m0.add(j).sub(1)));
        let sum1 = _mm512_add_pd(sum1, _mm512_maskz_loadu_pd(mask, $m1.add(j).sub(1)));
        let lap0 = _mm512_sub_pd(sum0, _mm512_mul_pd(four, c0));
        let lap1 = _mm512_sub_pd(sum1, _mm512_mul_pd(four, c1));
        (_mm512_add_pd(c0, _mm512_mul_pd($ddt, lap0)), _mm512_add_pd(c1, _mm512_mul_pd($ddt, lap1)))
    }};
}

/// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3` and
/// `out` length `n-2`. With `streaming`, full vectors go out with non-temporal stores to 64-byte
/// aligned addresses (the caller issues the sfence).
///
/// Safe to call: the token proves the CPU has AVX-512 F/DQ/VL/BW.
pub(super) fn interior(
    _: crate::isa::Avx512Token,
    up: &[f64],
    mid: &[f64],
    down: &[f64],
    out: &mut [f64],
    ddt: f64,
    streaming: bool,
) {
    // SAFETY: the token proves the CPU has AVX-512 F/DQ/VL/BW.
    unsafe { interior_avx512(up, mid, down, out, ddt, streaming) }
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn interior_avx512(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
    let n = mid.len();
    assert!(n >= 3 && up.len() == n && down.len() == n && out.len() == n - 2);
    // Shifted by one cell, so that output `k` is input column `k+1` at the same index.
    let (u, m, d) = (up.as_ptr().wrapping_add(1), mid.as_ptr().wrapping_add(1), down.as_ptr().wrapping_add(1));
    let o = out.as_mut_ptr();
    let vddt = _mm512_set1_pd(ddt);
    let end = n - 2;
    let mut j = 0;
    // SAFETY (whole block): vector `j` reads inputs `j..j+10` and writes outputs `j..j+8`, with
    // `j+8 <= end = n-2` for full vectors, or lanes masked to those below `end`; inputs hold `n`
    // elements and `out` `n-2`. Streamed addresses are 64-byte aligned (peeled first).
    unsafe {
        // Peel up to 7 cells so the full vectors start on a 64-byte boundary: of the output when
        // streaming (required), else of the centre row. A 64-byte vector that straddles two cache
        // lines costs two loads; aligned, the centre, up and down loads (rows whose length is a
        // multiple of 8, like the book's) and usually the store (buffers from the same allocator)
        // cost one each, and only the left and right neighbours straddle.
        let anchor = if streaming { o as usize } else { m as usize };
        let head = ((8 - (anchor % 64) / 8) % 8).min(end);
        if head > 0 {
            let mask = (1u8 << head) - 1;
            _mm512_mask_storeu_pd(o, mask, cells!(u, m, d, 0, mask, vddt));
            j = head;
        }
        if streaming {
            while j + 8 <= end {
                _mm512_stream_pd(o.add(j), cells!(u, m, d, j, 0xff, vddt));
                j += 8;
            }
        } else {
            while j + 8 <= end {
                _mm512_storeu_pd(o.add(j), cells!(u, m, d, j, 0xff, vddt));
                j += 8;
            }
        }
        if j < end {
            let mask = (1u8 << (end - j)) - 1;
            _mm512_mask_storeu_pd(o.add(j), mask, cells!(u, m, d, j, mask, vddt));
        }
    }
}

/// Cells `1..n-1` of two adjacent rows, `mid0` (above) and `mid1` (below), into `out0` and
/// `out1` (each `n-2`): `up` is the row above `mid0`, `down` the row below `mid1`. Each cell is
/// what [`interior`] computes (the same operations on the same operands); per vector pair the
/// centre vectors are loaded once for both rows, 8 loads for 16 cells instead of 10. No
/// streaming stores (the caller uses [`interior`] for those).
///
/// Safe to call: the token proves the CPU has the AVX-512 set (F, DQ, VL, BW).
pub(super) fn interior2(
    _: crate::isa::Avx512Token,
    [up, mid0, mid1, down]: [&[f64]; 4],
    [out0, out1]: [&mut [f64]; 2],
    ddt: f64,
) {
    // SAFETY: the token proves the CPU has the AVX-512 set (F, DQ, VL, BW).
    unsafe { interior2_avx512([up, mid0, mid1, down], [out0, out1], ddt) }
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn interior2_avx512([up, mid0, mid1, down]: [&[f64]; 4], [out0, out1]: [&mut [f64]; 2], ddt: f64) {
    let n = mid0.len();
    assert!(n >= 3 && up.len() == n && mid1.len() == n && down.len() == n);
    assert!(out0.len() == n - 2 && out1.len() == n - 2);
    // Shifted by one cell, so that output `k` is input column `k+1` at the same index.
    let shifted = |row: &[f64]| row.as_ptr().wrapping_add(1);
    let (u, m0, m1, d) = (shifted(up), shifted(mid0), shifted(mid1), shifted(down));
    let (o0, o1) = (out0.as_mut_ptr(), out1.as_mut_ptr());
    let vddt = _mm512_set1_pd(ddt);
    let end = n - 2;
    let mut j = 0;
    // SAFETY (whole block): as in `interior`, for both rows: vector `j` reads inputs `j..j+10` of
    // rows of `n` and writes outputs `j..j+8` of rows of `n-2`, with `j+8 <= end = n-2` for full
    // vectors, or lanes masked to those below `end`.
    unsafe {
        // Peel as `interior` does, to a 64-byte boundary of the upper centre row.
        let head = ((8 - (m0 as usize % 64) / 8) % 8).min(end);
        if head > 0 {
            let mask = (1u8 << head) - 1;
            let (a, b) = cells2!(u, m0, m1, d, 0, mask, vddt);
            _mm512_mask_storeu_pd(o0, mask, a);
            _mm512_mask_storeu_pd(o1, mask, b);
            j = head;
        }
        while j + 8 <= end {
            let (a, b) = cells2!(u, m0, m1, d, j, 0xff, vddt);
            _mm512_storeu_pd(o0.add(j), a);
            _mm512_storeu_pd(o1.add(j), b);
            j += 8;
        }
        if j < end {
            let mask = (1u8 << (end - j)) - 1;
            let (a, b) = cells2!(u, m0, m1, d, j, mask, vddt);
            _mm512_mask_storeu_pd(o0.add(j), mask, a);
            _mm512_mask_storeu_pd(o1.add(j), mask, b);
        }
    }
}
