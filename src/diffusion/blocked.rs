//! Temporal blocking for [`super::run`]: several steps per pass over the grid.
//!
//! A pass reads `src` once and writes `dst` once for `t` steps. The grid is cut into horizontal
//! bands, one task each. A band sweeps its rows top to bottom as a wavefront: when input row `f`
//! arrives, level 1 (one step on) computes row `f-1`, level 2 row `f-2`, ..., level `t` row `f-t`,
//! which goes to `dst`. Each intermediate level keeps only its last three rows in a small ring
//! buffer, so the working set stays in L2 and memory sees one read and one write per `t` steps.
//!
//! Bands overlap (ghost zones): to produce rows `r0..r1` after `t` steps, level `k` computes rows
//! `r0-(t-k)..r1+(t-k)` (wrapped for periodic grids, clipped at fixed edges), so bands never need
//! each other's intermediate rows. Every cell is the same row-kernel operation on the same inputs
//! as step-by-step evolution, so results are bit-identical to it.

use super::stencil::RowKernel;
use super::{copy_parallel, output_kernel, Boundary};
use crate::isa::Isa;
use crate::pool;

/// Bytes of ring buffer per band: half of a 2 MiB L2, leaving room for the input rows.
const RING_BYTES: usize = 1 << 20;
/// Steps per pass at most: beyond this the memory traffic saved no longer shows.
const MAX_STEPS_PER_PASS: usize = 16;
/// Grids with fewer bytes (both buffers) stay cached between full steps; blocking only adds work.
const MIN_GRID_BYTES: usize = 512 << 10;

/// How a run is cut: steps per pass and row bands per pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    rows: usize,
    cols: usize,
    steps_per_pass: usize,
    bands: usize,
}

impl Plan {
    /// The blocking for a `rows x cols` grid on `threads` workers, or `None` when plain
    /// step-by-step evolution is as good (small grids, rows too long for a ring in L2).
    pub(super) fn new(rows: usize, cols: usize, threads: usize) -> Option<Plan> {
        if 2 * rows * cols * std::mem::size_of::<f64>() < MIN_GRID_BYTES {
            return None;
        }
        let bands = threads.max(1).min(rows);
        // The ghost rows a band recomputes are about (t-1)/band_rows of its work: keep it small.
        let by_overlap = rows / bands / 8;
        let by_cache = 1 + RING_BYTES / (3 * cols * std::mem::size_of::<f64>());
        Plan::with(rows, cols, by_overlap.min(by_cache).min(MAX_STEPS_PER_PASS), bands)
    }

    /// A plan with the given steps per pass and bands, or `None` if that is not blocking.
    pub(super) fn with(rows: usize, cols: usize, steps_per_pass: usize, bands: usize) -> Option<Plan> {
        (steps_per_pass >= 2 && bands >= 1 && bands <= rows).then_some(Plan { rows, cols, steps_per_pass, bands })
    }

    /// `steps` steps from `grid`, ping-ponging with `scratch`; the result ends in `grid`.
    /// Runs on `self.bands` tasks (on the pool when called inside `pool::install`).
    pub(super) fn run(self, isa: Isa, grid: &mut [f64], scratch: &mut [f64], ddt: f64, boundary: Boundary, steps: u64) {
        let Plan { rows, cols, steps_per_pass, bands } = self;
        let threads = bands;
        let ring_kernel = RowKernel::new(isa, false);
        let out_kernel = output_kernel(isa, grid.len());
        let ring_len = (steps_per_pass - 1) * 3 * cols;
        let mut rings = vec![0.0; bands * ring_len];
        // Band k produces rows band_start(k)..band_start(k+1): sizes differ by at most one row.
        let band_start = |k: usize| k * rows / bands;
        let (mut src, mut dst) = (&mut *grid, &mut *scratch);
        let mut remaining = steps;
        while remaining > 0 {
            let t = remaining.min(steps_per_pass as u64) as usize;
            let src_ro: &[f64] = src;
            let mut tasks: Vec<(usize, &mut [f64], &mut [f64])> = Vec::with_capacity(bands);
            let mut rest: &mut [f64] = dst;
            for (k, ring) in rings.chunks_exact_mut(ring_len.max(1)).take(bands).enumerate() {
                let (band, tail) = rest.split_at_mut((band_start(k + 1) - band_start(k)) * cols);
                tasks.push((band_start(k), band, ring));
                rest = tail;
            }
            pool::for_each_chunk_mut(threads, &mut tasks, 1, |_, task| {
                let (r0, ref mut out, ref mut ring) = task[0];
                let band = Band { src: src_ro, rows, cols, ddt, boundary, t };
                band.sweep(ring_kernel, out_kernel, r0, out, ring);
            });
            std::mem::swap(&mut src, &mut dst);
            remaining -= t as u64;
        }
        // After the last swap `src` holds the newest state; it is `scratch` for an odd pass count.
        if steps.div_ceil(steps_per_pass as u64) % 2 == 1 {
            copy_parallel(src, dst, threads);
        }
    }
}

/// One pass of `t` steps over one band, reading the whole `src` grid.
struct Band<'a> {
    src: &'a [f64],
    rows: usize,
    cols: usize,
    ddt: f64,
    boundary: Boundary,
    t: usize,
}

impl Band<'_> {
    /// The rows level `level` computes (virtual indices: may lie outside `0..rows` when periodic).
    fn level_range(&self, level: usize, r0: isize, r1: isize) -> (isize, isize) {
        let halo = (self.t - level) as isize;
        match self.boundary {
            Boundary::Periodic => (r0 - halo, r1 + halo),
            Boundary::Fixed => ((r0 - halo).max(0), (r1 + halo).min(self.rows as isize)),
        }
    }

    /// Rows `r0..r0 + out.len()/cols` after `t` steps into `out`; `ring` holds at least
    /// `3 * (t-1) * cols` cells (its contents are ignored).
    fn sweep(&self, ring_kernel: RowKernel, out_kernel: RowKernel, r0: usize, out: &mut [f64], ring: &mut [f64]) {
        let (rows, cols, t) = (self.rows, self.cols, self.t);
        let fixed = self.boundary == Boundary::Fixed;
        let (r0, r1) = (r0 as isize, (r0 + out.len() / cols) as isize);
        // Ring of level L (1..t-1) at ring[(L-1)*3*cols..]; virtual row v in slot v mod 3.
        let level_len = 3 * cols;
        let slot = |v: isize| v.rem_euclid(3) as usize * cols;
        let src_row = |v: isize| {
            let i = v.rem_euclid(rows as isize) as usize;
            &self.src[i * cols..(i + 1) * cols]
        };
        // Front f: the step at which level L computes row f - L; a front may have idle levels.
        let first_front = (1..=t).map(|l| self.level_range(l, r0, r1).0 + l as isize).min().unwrap_or(0);
        let last_front = (1..=t).map(|l| self.level_range(l, r0, r1).1 + l as isize).max().unwrap_or(0);
        for front in first_front..last_front {
            for level in 1..=t {
                let j = front - level as isize;
                let (lo, hi) = self.level_range(level, r0, r1);
                if j < lo || j >= hi {
                    continue;
                }
                let (below, this) = ring.split_at_mut((level - 1) * level_len);
                let prev = |v: isize| match level {
                    1 => src_row(v),
                    _ => &below[(level - 2) * level_len + slot(v)..][..cols],
                };
                let (kernel, dst) = if level == t {
                    (out_kernel, &mut out[(j - r0) as usize * cols..][..cols])
                } else {
                    (ring_kernel, &mut this[slot(j)..][..cols])
                };
                // Same rule as `update_rows`: fixed edge rows (all rows of a thin grid) are copied.
                if fixed && (j == 0 || j == rows as isize - 1 || cols < 3) {
                    dst.copy_from_slice(prev(j));
                } else {
                    kernel.row(prev(j - 1), prev(j), prev(j + 1), dst, self.ddt, self.boundary);
                }
            }
        }
        out_kernel.finish();
    }
}
