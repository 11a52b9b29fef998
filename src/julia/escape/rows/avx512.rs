//! The row kernel on AVX-512: vectors of 8 lanes, a lane's state a bit of a mask register.

use super::{escape_rows, Vector};
use crate::isa::Avx512Token;
use crate::julia::escape::RowGeometry;
use core::arch::x86_64::*;

impl Vector for __m512d {
    const LANES: usize = 8;
    type Mask = __mmask8;
    type StoreMask = __mmask8;

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm512_set1_pd(x)
    }

    #[inline(always)]
    unsafe fn iota() -> Self {
        _mm512_set_pd(7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0)
    }

    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        _mm512_add_pd(self, b)
    }

    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        _mm512_sub_pd(self, b)
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        _mm512_mul_pd(self, b)
    }

    #[inline(always)]
    unsafe fn first_lanes(n: usize) -> (__mmask8, __mmask8) {
        let lanes = if n == Self::LANES { 0xff } else { (1u8 << n) - 1 };
        (lanes, lanes)
    }

    #[inline(always)]
    unsafe fn less_within(self, bound: Self, within: __mmask8) -> __mmask8 {
        _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(within, self, bound)
    }

    #[inline(always)]
    unsafe fn add_within(self, addend: Self, mask: __mmask8) -> Self {
        _mm512_mask_add_pd(self, mask, self, addend)
    }

    #[inline(always)]
    unsafe fn is_empty(mask: __mmask8) -> bool {
        mask == 0
    }

    #[inline(always)]
    unsafe fn store_counts(self, dst: *mut i32, mask: __mmask8) {
        // SAFETY: the caller's: the lanes of `mask` are inside the output. The values are whole
        // numbers below 2^31, so the conversion is exact.
        unsafe { _mm256_mask_storeu_epi32(dst, mask, _mm512_cvtpd_epi32(self)) }
    }
}

/// The escape counts of `out.len() / g.width` rows from `first_row` on (see `rows`), on AVX-512.
pub(in crate::julia::escape) fn escape_rows_avx512(
    _: Avx512Token,
    sticky: bool,
    out: &mut [i32],
    first_row: usize,
    g: &RowGeometry,
) {
    // SAFETY: the token proves the CPU has AVX-512 F/DQ/VL/BW, AVX2 and FMA.
    unsafe {
        match sticky {
            false => rows::<false>(out, first_row, g),
            true => rows::<true>(out, first_row, g),
        }
    }
}

#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
fn rows<const STICKY: bool>(out: &mut [i32], first_row: usize, g: &RowGeometry) {
    // SAFETY: this function is compiled for AVX-512, which the vectors need.
    unsafe { escape_rows::<__m512d, STICKY>(out, first_row, g) }
}
