//! Escape counts of many points at once, one implementation per instruction set.
//!
//! One point's iterations form a single dependency chain (each z needs the previous one), so the
//! kernels keep many points in flight: 4 scalar slots, or vectors of 4 (AVX2) or 8 (AVX-512)
//! lanes, several vectors at a time. A vector kernel runs a block of `stream::BLOCK_STEPS` iterations
//! on every lane, counting each lane only while it is still running (a sticky per-lane mask);
//! after the block, every lane whose point has finished writes its count and takes the next
//! point, so no lane idles for long while the others work.
//!
//! Grids on the vector paths go another way ([`escape_rows`], `rows`): a vector keeps
//! neighbouring pixels from start to finish, since neighbours mostly escape together. That
//! kernel is written once over a vector trait; the point-stream kernels (`avx2`, `avx512`) differ
//! in how lanes are refilled (a scalar driver against expand-loads and a scatter), so each path
//! has its own.
//!
//! Each point goes through exactly the operations of [`super::escape_count`], in the same order
//! and without fused multiply-adds, so every path gives the same counts bit for bit.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod rows;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod stream;

use crate::isa::Supported;
use num_complex::Complex64;

/// `out[i]` = escape count of the i-th (z, c) of `points`, on the `isa` path. `points` yields
/// at least `out.len()` items; they are taken in order, each once.
#[inline]
pub(super) fn escape_counts(
    isa: Supported,
    out: &mut [i32],
    maxiter: i32,
    points: impl Iterator<Item = (Complex64, Complex64)>,
) {
    match isa {
        Supported::Scalar => scalar::escape_counts(out, maxiter, points),
        #[cfg(target_arch = "x86_64")]
        Supported::Avx2(avx2) => avx2::escape_counts(avx2, out, maxiter, points),
        #[cfg(target_arch = "x86_64")]
        Supported::Avx512(avx512) => avx512::escape_counts(avx512, out, maxiter, points),
    }
}

/// Where the pixels of a grid are: pixel (r, k) starts at z = (x1 + k*x_step) + i(y2 + r*y_step).
///
/// The rows walked may be a band of columns of the grid: `width` columns from `col0` on (the
/// whole grid: `col0 = 0` and its width). Column k of the band is column `col0 + k` of the grid,
/// with the grid's coordinates bit for bit.
#[derive(Clone, Copy, Debug)]
pub(super) struct RowGeometry {
    pub x1: f64,
    pub x_step: f64,
    pub y2: f64,
    pub y_step: f64,
    pub width: usize,
    pub col0: usize,
    pub c: Complex64,
    pub maxiter: i32,
}

impl RowGeometry {
    /// The starting z of pixel (r, k) of the band: the operations of `Grid::z` for grid column
    /// `col0 + k`.
    fn z(&self, r: usize, k: usize) -> Complex64 {
        Complex64::new(self.x1 + (self.col0 + k) as f64 * self.x_step, self.y2 + r as f64 * self.y_step)
    }
}

/// Escape counts of the `out.len() / width` grid rows from `first_row` on, row-major, on the
/// `isa` path. The vector paths keep each vector on 8 (AVX-512) or 4 (AVX2) neighbouring pixels
/// (see `rows`); the scalar path streams the pixels through [`escape_counts`].
pub(super) fn escape_rows(isa: Supported, out: &mut [i32], first_row: usize, g: &RowGeometry) {
    assert!(g.width > 0 && out.len().is_multiple_of(g.width) && g.maxiter >= 0);
    if g.maxiter == 0 {
        return out.fill(0); // the row kernels take at least one step
    }
    match isa {
        Supported::Scalar => {
            let rows = first_row..first_row + out.len() / g.width;
            let points = rows.flat_map(|r| (0..g.width).map(move |k| (g.z(r, k), g.c)));
            escape_counts(isa, out, g.maxiter, points)
        }
        #[cfg(target_arch = "x86_64")]
        Supported::Avx2(avx2) => rows::avx2::escape_rows_avx2(avx2, !escapes_are_final(g.c), out, first_row, g),
        #[cfg(target_arch = "x86_64")]
        Supported::Avx512(avx512) => {
            rows::avx512::escape_rows_avx512(avx512, !escapes_are_final(g.c), out, first_row, g)
        }
    }
}

/// Whether a point that has left the disc |z| < 2 can never return for this c, so a lane may
/// stop by its own step's test, without a sticky stop mask.
///
/// If |z| >= 2 then |z*z + c| >= |z|^2 - |c| >= 4 - 1.9 > 2, so the next z is outside too and
/// further from 0; the margin (|z|^2 >= 4.41) dwarfs rounding, and an orbit that overflows
/// becomes inf or NaN, whose test `|z|^2 < 4` is false. (With |c| = 4, z = 2 returns to 0.)
/// Only the vector kernels (x86-64) and the tests need it.
#[cfg(any(target_arch = "x86_64", test))]
pub(super) fn escapes_are_final(c: Complex64) -> bool {
    c.re * c.re + c.im * c.im <= 1.9 * 1.9
}

#[cfg(test)]
mod tests;
