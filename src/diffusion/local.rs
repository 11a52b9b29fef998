//! Tile-local stepping for [`super::run`] on grids with short rows (the book's 512 x 512):
//! several steps per pass, each tile stepped inside two buffers of its thread that stay in L2.
//!
//! A pass of `t` steps cuts the output rows into tiles (one task each). To produce rows `r0..r1`
//! after `t` steps, level `k` (k steps on) computes rows `r0-(t-k)..r1+(t-k)` (wrapped when
//! periodic, clipped at fixed edges) from level `k-1`: level 1 reads the source grid, levels
//! ping-pong between the thread's two buffers, and level `t` writes the destination. Tiles never
//! need each other's intermediate rows (ghost rows), and every cell is the same operation on the
//! same inputs as in step-by-step evolution, so results are bit-identical to it.
//!
//! [`super::blocked`]'s wavefront keeps three rows per level, which suits rows too long for a
//! tile of them to stay cached; but its level rows come back from L2 two at a time. Here every
//! level is a plain sweep of whole rows, with a plain step's reuse of the row above and the row
//! itself in L1, and the tile stays in L2 from one level to the next.

use super::blocked::{self, row_stride, Pass};
use super::stencil::RowKernel;
use super::{output_kernel, run_passes, Boundary, Passes, Stencil};
use crate::progress::Meter;
use crate::Error;
use std::cell::RefCell;

/// Bytes of a thread's two level buffers: half of a 2 MiB L2, leaving room for the source and
/// destination rows that pass through (larger and smaller buffers were both slower at 512 x 512;
/// the figures are in the README's benchmark section).
const LOCAL_BYTES: usize = 1 << 20;
/// Steps per pass: the ghost rows a tile recomputes grow with it (about `t` extra rows per level
/// on average), the passes over the source and destination grids shrink with it; 8 was the best
/// measured at 512 x 512 (README, benchmark section).
const STEPS_PER_PASS: usize = 8;

/// How a run is cut: steps per pass and tiles (tasks) per pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    rows: usize,
    cols: usize,
    steps_per_pass: usize,
    tiles: usize,
}

impl Plan {
    /// The plan for a `rows x cols` grid on `threads` workers, or `None` when the grid stays
    /// cached between plain steps, or rows are too long
    /// for tiles of a useful height to fit the buffers (ghost rows would be more than a fifth of
    /// the work), or the grid too short to cut into them.
    pub(super) fn new(rows: usize, cols: usize, threads: usize) -> Option<Plan> {
        if !blocked::worth_blocking(rows * cols) {
            return None;
        }
        let t = STEPS_PER_PASS;
        let buffer_rows = LOCAL_BYTES / (2 * row_stride(cols) * std::mem::size_of::<f64>());
        // A tile's own rows: at least 5t, so the ~t ghost rows per level are at most a fifth.
        let tile_rows = buffer_rows.checked_sub(2 * t).filter(|&r| r >= 5 * t)?;
        // A whole number of tiles per thread, so that no thread waits for another's extra tile.
        let tiles = rows.div_ceil(tile_rows).next_multiple_of(threads.max(1));
        (rows / tiles >= 5 * t).then_some(Plan { rows, cols, steps_per_pass: t, tiles })
    }

    /// A plan with the given parameters (`steps_per_pass >= 1`, `1 <= tiles <= rows`).
    #[cfg(test)]
    pub(super) fn with(rows: usize, cols: usize, steps_per_pass: usize, tiles: usize) -> Plan {
        assert!(steps_per_pass >= 1 && (1..=rows).contains(&tiles));
        Plan { rows, cols, steps_per_pass, tiles }
    }

    /// `steps` steps from `grid`, ping-ponging with `scratch`; the result ends in `grid`.
    /// Runs the tiles on `threads` workers (the count `pool::install` passed).
    pub(super) fn run(
        self,
        s: Stencil,
        grid: &mut [f64],
        scratch: &mut [f64],
        steps: u64,
        threads: usize,
        meter: &Meter,
    ) -> Result<(), Error> {
        let Plan { rows, cols, steps_per_pass, tiles } = self;
        debug_assert_eq!((s.rows, s.cols), (rows, cols), "a plan is for one grid shape");
        let Stencil { isa, ddt, boundary, .. } = s;
        let kernels = (RowKernel::new(isa, false), output_kernel(isa, grid.len()));
        let level_len = (rows.div_ceil(tiles) + 2 * steps_per_pass) * row_stride(cols);
        let tile_start = |k: usize| k * rows / tiles;
        let passes = Passes { cols, steps, steps_per_pass, threads, meter };
        run_passes(grid, scratch, passes, tile_start, &mut vec![(); tiles], |_, src, t, r0, out| {
            let pass = Pass { src, rows, cols, ddt, boundary, t, kernels, meter };
            with_levels(2 * level_len, |levels| pass.tile(r0, out, levels.split_at_mut(level_len)));
            kernels.1.finish();
        })
    }
}

thread_local! {
    /// Each thread's level buffers, kept between passes and calls: a fresh allocation would
    /// fault in its pages on every pass.
    static LEVELS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// `f` on this thread's level buffers, at least `len` cells (contents unspecified).
fn with_levels<R>(len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
    LEVELS.with(|levels| {
        let mut levels = levels.borrow_mut();
        if levels.len() < len {
            levels.resize(len, 0.0);
        }
        f(&mut levels[..len])
    })
}

impl Pass<'_> {
    /// Rows `r0..r0 + out.len()/cols` after `t` steps into `out` (the tile's rows of the output
    /// grid), through the level buffers `(a, b)`, each at least `(out rows + 2t) * row_stride`.
    fn tile(&self, r0: usize, out: &mut [f64], (a, b): (&mut [f64], &mut [f64])) {
        let (rows, cols, t) = (self.rows, self.cols, self.t);
        let stride = row_stride(cols);
        let want = r0 as isize..(r0 + out.len() / cols) as isize;
        // Virtual row v of a level buffer is at (v - origin) * stride.
        let origin = want.start - t as isize;
        let local = |v: isize| (v - origin) as usize * stride;
        for level in 1..=t {
            // A level is a tile's rows once: tens of microseconds.
            if self.meter.cancelled() {
                return;
            }
            // Level k - 1 is in `a` for even k (level 0 is `src`), level k goes to the other.
            let (prev, next): (&[f64], &mut [f64]) = if level % 2 == 0 { (&*a, &mut *b) } else { (&*b, &mut *a) };
            let prev_row = |v: isize| match level {
                1 => &self.src[v.rem_euclid(rows as isize) as usize * cols..][..cols],
                _ => &prev[local(v)..][..cols],
            };
            let (kernel, last) = if level == t { (self.kernels.1, true) } else { (self.kernels.0, false) };
            // Same rule as `update_rows`: fixed edge rows (all rows of a thin grid) are copied;
            // other rows go two at a time (register blocking, `rows2`).
            let edge = |v: isize| self.boundary == Boundary::Fixed && (v == 0 || v == rows as isize - 1 || cols < 3);
            let range = self.level_range(level, &want, rows);
            let mut v = range.start;
            while v < range.end {
                let (dst, at, row_step) = match last {
                    true => (&mut *out, (v - want.start) as usize * cols, cols),
                    false => (&mut *next, local(v), stride),
                };
                if v + 1 < range.end && !edge(v) && !edge(v + 1) {
                    let (a, b) = dst[at..].split_at_mut(row_step);
                    let input = [prev_row(v - 1), prev_row(v), prev_row(v + 1), prev_row(v + 2)];
                    kernel.rows2(input, [&mut a[..cols], &mut b[..cols]], self.ddt, self.boundary);
                    v += 2;
                    continue;
                }
                let dst = &mut dst[at..][..cols];
                if edge(v) {
                    dst.copy_from_slice(prev_row(v));
                } else {
                    kernel.row(prev_row(v - 1), prev_row(v), prev_row(v + 1), dst, self.ddt, self.boundary);
                }
                v += 1;
            }
        }
    }
}
