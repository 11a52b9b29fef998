//! Escape counts of many points at once, one implementation per instruction set.
//!
//! One point's iterations form a single dependency chain (each z needs the previous one), so the
//! kernels keep many points in flight: 4 scalar slots, or vectors of 4 (AVX2) or 8 (AVX-512)
//! lanes, several vectors at a time. A vector kernel runs a block of [`BLOCK_STEPS`] iterations
//! on every lane, counting each lane only while it is still running (a sticky per-lane mask);
//! after the block, every lane whose point has finished writes its count and takes the next
//! point, so no lane idles for long while the others work.
//!
//! Grids on the vector paths go another way ([`escape_rows`], `avx512_rows`, `avx2_rows`): a
//! vector keeps neighbouring pixels from start to finish, since neighbours mostly escape together.
//!
//! Each point goes through exactly the operations of [`super::escape_count`], in the same order
//! and without fused multiply-adds, so every path gives the same counts bit for bit.

// The lane machinery is only driven by the x86-64 vector kernels; elsewhere it is unused.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx2_rows;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod avx512_rows;
mod scalar;

use crate::isa::Isa;
use num_complex::Complex64;

/// Iterations per block between refills. A finished lane idles for the rest of its block, so
/// this trades refill overhead against idle lanes (points average ~33 iterations in the book).
const BLOCK_STEPS: usize = 8;

/// `out[i]` = escape count of the i-th (z, c) of `points`, on the `isa` path. `points` yields
/// at least `out.len()` items; they are taken in order, each once.
#[inline]
pub(super) fn escape_counts(
    isa: Isa,
    out: &mut [i32],
    maxiter: i32,
    points: impl Iterator<Item = (Complex64, Complex64)>,
) {
    match isa {
        Isa::Scalar => scalar::escape_counts(out, maxiter, points),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => with_soa(out.len(), points, |[zr, zi, cr, ci]| {
            let points = zr
                .iter()
                .zip(zi)
                .zip(cr.iter().zip(ci))
                .map(|((&zr, &zi), (&cr, &ci))| (Complex64::new(zr, zi), Complex64::new(cr, ci)));
            if all_escapes_final(cr, ci) {
                // SAFETY: Isa::Avx2 is only ever active when the CPU has AVX2 and FMA (crate::isa).
                drive::<{ avx2::LANES }>(out, maxiter, points, |lanes, maxf| unsafe {
                    avx2::run_block::<false>(lanes, maxf)
                })
            } else {
                // SAFETY: as above.
                drive::<{ avx2::LANES }>(out, maxiter, points, |lanes, maxf| unsafe {
                    avx2::run_block::<true>(lanes, maxf)
                })
            }
        }),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => with_soa(out.len(), points, |[zr, zi, cr, ci]| {
            // SAFETY: Isa::Avx512 is only ever active when the CPU has AVX-512 F/DQ/VL/BW.
            unsafe { avx512::escape_counts(out, maxiter, [zr, zi, cr, ci], all_escapes_final(cr, ci)) }
        }),
        #[cfg(not(target_arch = "x86_64"))]
        _ => scalar::escape_counts(out, maxiter, points),
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

/// A run of grid rows walked `lanes` pixels at a time (fewer at a row's end), for the row
/// kernels: where each group goes in the output, its first column and its rows' imaginary part.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) struct PixelGroups<'g> {
    g: &'g RowGeometry,
    lanes: usize,
    rows: usize,
    first_row: usize,
    row: usize,
    col: usize,
    zi: f64,
}

/// `count` pixels of one row: output index `at`, grid columns `col..col + count`, start z
/// imaginary part `zi` (the real parts are the kernel's, as `x1 + k*x_step`).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) struct PixelGroup {
    pub at: usize,
    pub col: usize,
    pub count: usize,
    pub zi: f64,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl<'g> PixelGroups<'g> {
    /// The groups of `rows` rows from `first_row` on.
    pub(super) fn new(g: &'g RowGeometry, lanes: usize, first_row: usize, rows: usize) -> Self {
        PixelGroups { g, lanes, rows, first_row, row: 0, col: 0, zi: g.y2 + first_row as f64 * g.y_step }
    }
}

impl Iterator for PixelGroups<'_> {
    type Item = PixelGroup;

    #[inline(always)]
    fn next(&mut self) -> Option<PixelGroup> {
        if self.row == self.rows {
            return None;
        }
        let width = self.g.width;
        let count = (width - self.col).min(self.lanes);
        let group = PixelGroup { at: self.row * width + self.col, col: self.g.col0 + self.col, count, zi: self.zi };
        self.col += count;
        if self.col == width {
            (self.row, self.col) = (self.row + 1, 0);
            // The operations of Grid::z: y2 + r*y_step.
            self.zi = self.g.y2 + (self.first_row + self.row) as f64 * self.g.y_step;
        }
        Some(group)
    }
}

/// Escape counts of the `out.len() / width` grid rows from `first_row` on, row-major, on the
/// `isa` path. The vector paths keep each vector on 8 (AVX-512) or 4 (AVX2) neighbouring pixels
/// (see `avx512_rows`); the scalar path streams the pixels through [`escape_counts`].
pub(super) fn escape_rows(isa: Isa, out: &mut [i32], first_row: usize, g: &RowGeometry) {
    assert!(g.width > 0 && out.len().is_multiple_of(g.width) && g.maxiter >= 0);
    if g.maxiter == 0 {
        return out.fill(0); // the row kernels take at least one step
    }
    let sticky = !escapes_are_final(g.c);
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Isa::Avx512 is only ever active when the CPU has AVX-512 F/DQ/VL/BW.
        Isa::Avx512 => unsafe {
            match sticky {
                false => avx512_rows::escape_rows::<false>(out, first_row, g),
                true => avx512_rows::escape_rows::<true>(out, first_row, g),
            }
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Isa::Avx2 is only ever active when the CPU has AVX2 and FMA.
        Isa::Avx2 => unsafe {
            match sticky {
                false => avx2_rows::escape_rows::<false>(out, first_row, g),
                true => avx2_rows::escape_rows::<true>(out, first_row, g),
            }
        },
        _ => {
            let rows = first_row..first_row + out.len() / g.width;
            let points = rows.flat_map(|r| (0..g.width).map(move |k| (g.z(r, k), g.c)));
            escape_counts(isa, out, g.maxiter, points)
        }
    }
}

thread_local! {
    /// Per-thread scratch for the points of one work item, reused: a fresh allocation per item
    /// costs page faults when the allocator returns the memory to the system in between.
    static SOA: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Lay the first `n` points out as [zr, zi, cr, ci] (structure of arrays) and call `f` on them.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn with_soa<R>(n: usize, points: impl Iterator<Item = (Complex64, Complex64)>, f: impl FnOnce([&[f64]; 4]) -> R) -> R {
    SOA.with(|soa| {
        // A nested call on the same thread (impossible today) would get its own buffer.
        let mut own = Vec::new();
        let mut borrowed = soa.try_borrow_mut();
        let buf = match borrowed.as_deref_mut() {
            Ok(buf) => buf,
            Err(_) => &mut own,
        };
        buf.clear();
        buf.resize(4 * n, 0.0);
        let (zr, rest) = buf.split_at_mut(n);
        let (zi, rest) = rest.split_at_mut(n);
        let (cr, ci) = rest.split_at_mut(n);
        let mut filled = 0;
        for (k, (z, c)) in points.take(n).enumerate() {
            (zr[k], zi[k], cr[k], ci[k]) = (z.re, z.im, c.re, c.im);
            filled += 1;
        }
        assert_eq!(filled, n, "escape_counts: fewer points than outputs");
        f([zr, zi, cr, ci])
    })
}

/// Whether a point that has left the disc |z| < 2 can never return for this c, so a lane may
/// stop by its own step's test, without a sticky stop mask.
///
/// If |z| >= 2 then |z*z + c| >= |z|^2 - |c| >= 4 - 1.9 > 2, so the next z is outside too and
/// further from 0; the margin (|z|^2 >= 4.41) dwarfs rounding, and an orbit that overflows
/// becomes inf or NaN, whose test `|z|^2 < 4` is false. (With |c| = 4, z = 2 returns to 0.)
pub(super) fn escapes_are_final(c: Complex64) -> bool {
    c.re * c.re + c.im * c.im <= 1.9 * 1.9
}

/// [`escapes_are_final`] for every c = cr[i] + i ci[i].
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn all_escapes_final(cr: &[f64], ci: &[f64]) -> bool {
    cr.iter().zip(ci).all(|(&re, &im)| escapes_are_final(Complex64::new(re, im)))
}

/// The state of `N` lanes, structure of arrays, as the vector kernels load and store it.
pub(super) struct Lanes<const N: usize> {
    pub zr: [f64; N],
    pub zi: [f64; N],
    pub cr: [f64; N],
    pub ci: [f64; N],
    /// Iterations done so far; exact in f64 (maxiter < 2^31). A lane without a point holds
    /// maxiter, so it never runs.
    pub count: [f64; N],
}

/// Run lanes block by block until every point has its count (the AVX2 kernel's driver). `block(lanes, maxiter)` advances
/// every lane by up to [`BLOCK_STEPS`] iterations and returns a bit mask of the lanes still
/// running at the end (bit k for lane k).
fn drive<const N: usize>(
    out: &mut [i32],
    maxiter: i32,
    mut points: impl Iterator<Item = (Complex64, Complex64)>,
    mut block: impl FnMut(&mut Lanes<N>, f64) -> u64,
) {
    const { assert!(N <= 64, "lane masks are u64") };
    let maxf = f64::from(maxiter);
    let mut lanes = Lanes { zr: [0.0; N], zi: [0.0; N], cr: [0.0; N], ci: [0.0; N], count: [maxf; N] };
    // The output index each lane works on; meaningful where `occupied` has the lane's bit.
    let mut index = [0usize; N];
    let mut occupied = 0u64;
    let mut next = 0;
    let mut load = |lanes: &mut Lanes<N>, lane: usize| {
        let (z, c) = points.next().expect("escape_counts: fewer points than outputs");
        (lanes.zr[lane], lanes.zi[lane], lanes.cr[lane], lanes.ci[lane]) = (z.re, z.im, c.re, c.im);
        lanes.count[lane] = 0.0;
    };
    while next < N.min(out.len()) {
        load(&mut lanes, next);
        index[next] = next;
        occupied |= 1 << next;
        next += 1;
    }
    while occupied != 0 {
        let running = block(&mut lanes, maxf);
        let mut finished = occupied & !running;
        while finished != 0 {
            let lane = finished.trailing_zeros() as usize;
            finished &= finished - 1;
            out[index[lane]] = lanes.count[lane] as i32;
            if next < out.len() {
                load(&mut lanes, lane);
                index[lane] = next;
                next += 1;
            } else {
                lanes.count[lane] = maxf;
                occupied &= !(1 << lane);
            }
        }
    }
}

#[cfg(test)]
mod tests;
