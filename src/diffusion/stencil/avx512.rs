//! AVX-512 interior loop: 8 cells per vector, masked heads and tails.

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

/// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3` and
/// `out` length `n-2`. With `streaming`, full vectors go out with non-temporal stores to 64-byte
/// aligned addresses (the caller issues the sfence).
///
/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
pub(super) unsafe fn interior(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, streaming: bool) {
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
