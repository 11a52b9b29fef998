//! AVX-512 interior loop: 8 cells per vector, masked heads and tails.

use std::arch::x86_64::*;

/// Eight cells `j..j+8` (lanes outside `mask` are neither loaded nor meaningful).
///
/// Same operations in the same order as [`super::cell`]: separate multiplies and adds, so every
/// lane is bit-identical to the scalar formula.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
unsafe fn cells(u: *const f64, m: *const f64, d: *const f64, j: usize, mask: __mmask8, ddt: __m512d) -> __m512d {
    // SAFETY: the caller guarantees lanes of `mask` at `j-1..j+9` are inside the rows; masked-off
    // lanes are not accessed.
    unsafe {
        let centre = _mm512_maskz_loadu_pd(mask, m.add(j));
        let sum = _mm512_add_pd(_mm512_maskz_loadu_pd(mask, d.add(j)), _mm512_maskz_loadu_pd(mask, u.add(j)));
        let sum = _mm512_add_pd(sum, _mm512_maskz_loadu_pd(mask, m.add(j + 1)));
        let sum = _mm512_add_pd(sum, _mm512_maskz_loadu_pd(mask, m.add(j - 1)));
        let lap = _mm512_sub_pd(sum, _mm512_mul_pd(_mm512_set1_pd(4.0), centre));
        _mm512_add_pd(centre, _mm512_mul_pd(ddt, lap))
    }
}

/// Columns `1..n-1` of one row; all four slices have the same length `n >= 3`. With `streaming`,
/// full vectors go out with non-temporal stores to 64-byte aligned addresses (the caller issues
/// the sfence).
///
/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
pub(super) unsafe fn interior(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
    let n = out.len();
    assert!(n >= 3 && up.len() == n && mid.len() == n && down.len() == n);
    let (u, m, d, o) = (up.as_ptr(), mid.as_ptr(), down.as_ptr(), out.as_mut_ptr());
    let vddt = _mm512_set1_pd(ddt);
    let end = n - 1;
    let mut j = 1;
    // SAFETY (whole block): every access is at an index in `j-1..j+9` with `j+8 <= end = n-1` for
    // full vectors, or restricted by a mask to lanes below `end`; all slices hold `n` elements.
    unsafe {
        if streaming {
            // Peel up to 7 cells so the full vectors start on a 64-byte boundary.
            let misaligned = (o.add(j) as usize % 64) / 8;
            let head = ((8 - misaligned) % 8).min(end - j);
            if head > 0 {
                let mask = (1u8 << head) - 1;
                _mm512_mask_storeu_pd(o.add(j), mask, cells(u, m, d, j, mask, vddt));
                j += head;
            }
            while j + 8 <= end {
                _mm512_stream_pd(o.add(j), cells(u, m, d, j, 0xff, vddt));
                j += 8;
            }
        } else {
            while j + 8 <= end {
                _mm512_storeu_pd(o.add(j), cells(u, m, d, j, 0xff, vddt));
                j += 8;
            }
        }
        if j < end {
            let mask = (1u8 << (end - j)) - 1;
            _mm512_mask_storeu_pd(o.add(j), mask, cells(u, m, d, j, mask, vddt));
        }
    }
}
