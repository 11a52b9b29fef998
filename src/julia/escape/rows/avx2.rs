//! The row kernel on AVX2: vectors of 4 lanes, a lane's state an all-ones or all-zeros lane of a
//! mask vector (and of a vector of 32-bit lanes for storing the counts).

use super::{escape_rows, Vector};
use crate::isa::Avx2Token;
use crate::julia::escape::RowGeometry;
use core::arch::x86_64::*;

impl Vector for __m256d {
    const LANES: usize = 4;
    type Mask = __m256d;
    type StoreMask = __m128i;

    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        _mm256_set1_pd(x)
    }

    #[inline(always)]
    unsafe fn iota() -> Self {
        _mm256_set_pd(3.0, 2.0, 1.0, 0.0)
    }

    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        _mm256_add_pd(self, b)
    }

    #[inline(always)]
    unsafe fn sub(self, b: Self) -> Self {
        _mm256_sub_pd(self, b)
    }

    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        _mm256_mul_pd(self, b)
    }

    #[inline(always)]
    unsafe fn first_lanes(n: usize) -> (__m256d, __m128i) {
        let lanes = _mm256_cmpgt_epi64(_mm256_set1_epi64x(n as i64), _mm256_set_epi64x(3, 2, 1, 0));
        let counts = _mm_cmpgt_epi32(_mm_set1_epi32(n as i32), _mm_set_epi32(3, 2, 1, 0));
        (_mm256_castsi256_pd(lanes), counts)
    }

    #[inline(always)]
    unsafe fn less_within(self, bound: Self, within: __m256d) -> __m256d {
        _mm256_and_pd(within, _mm256_cmp_pd::<_CMP_LT_OQ>(self, bound))
    }

    #[inline(always)]
    unsafe fn add_within(self, addend: Self, mask: __m256d) -> Self {
        _mm256_add_pd(self, _mm256_and_pd(mask, addend))
    }

    #[inline(always)]
    unsafe fn is_empty(mask: __m256d) -> bool {
        _mm256_movemask_pd(mask) == 0
    }

    #[inline(always)]
    unsafe fn store_counts(self, dst: *mut i32, mask: __m128i) {
        // SAFETY: the caller's: the lanes of `mask` are inside the output. The values are whole
        // numbers below 2^31, so the conversion is exact.
        unsafe { _mm_maskstore_epi32(dst, mask, _mm256_cvtpd_epi32(self)) }
    }
}

/// The escape counts of `out.len() / g.width` rows from `first_row` on (see `rows`), on AVX2.
pub(in crate::julia::escape) fn escape_rows_avx2(
    _: Avx2Token,
    sticky: bool,
    out: &mut [i32],
    first_row: usize,
    g: &RowGeometry,
) {
    // SAFETY: the token proves the CPU has AVX2 and FMA.
    unsafe {
        match sticky {
            false => rows::<false>(out, first_row, g),
            true => rows::<true>(out, first_row, g),
        }
    }
}

#[target_feature(enable = "avx2,fma")]
fn rows<const STICKY: bool>(out: &mut [i32], first_row: usize, g: &RowGeometry) {
    // SAFETY: this function is compiled for AVX2 and FMA, which the vectors need.
    unsafe { escape_rows::<__m256d, STICKY>(out, first_row, g) }
}
