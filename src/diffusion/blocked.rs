//! Temporal blocking for [`super::run`]: several steps per pass over the grid.
//!
//! A pass reads `src` once and writes `dst` once for `t` steps. The grid is cut into horizontal
//! bands (one task each) and each band into column strips. A strip is swept top to bottom as a
//! wavefront: when input row `f` arrives, level 1 (one step on) computes row `f-1`, level 2 row
//! `f-2`, ..., level `t` row `f-t`, which goes to `dst`. Each level keeps only its last three rows
//! of the strip in a ring buffer that stays in L2, so memory sees one read and one write of the
//! grid per `t` steps instead of per step.
//!
//! Tiles overlap (ghost zones): to produce rows `r0..r1` and columns `c0..c1` after `t` steps,
//! level `k` computes rows `r0-(t-k)..r1+(t-k)` and columns `c0-(t-k)..c1+(t-k)` (wrapped when
//! periodic, clipped at fixed edges), so tiles never need each other's intermediate values. Every
//! cell is the same operation on the same inputs as in step-by-step evolution, so results are
//! bit-identical to it.

use super::stencil::RowKernel;
use super::{output_kernel, run_passes, Boundary, Passes, Stencil};
use crate::progress::Meter;
use crate::Error;
use std::ops::Range;

/// Bytes of ring buffer per band: a quarter of a 2 MiB L2. Strips small enough for L1 measured
/// slower than strips in L2 (more calls, more ghost columns).
const RING_BYTES: usize = 512 << 10;
/// Steps per pass. Measured at 4096^2: 8 steps per pass took 1.05x the time of 16, 24 took 0.92x.
const STEPS_PER_PASS: usize = 16;
/// Grids with fewer bytes (both buffers) stay in L1/L2 between full steps: blocking only adds work.
const MIN_GRID_BYTES: usize = 256 << 10;

/// Whether a grid of `cells` cells is too big to stay in L1/L2 between full steps.
pub(super) fn worth_blocking(cells: usize) -> bool {
    2 * cells * std::mem::size_of::<f64>() >= MIN_GRID_BYTES
}

/// How a run is cut: steps per pass, row bands (tasks) and the widest column strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    rows: usize,
    cols: usize,
    steps_per_pass: usize,
    bands: usize,
    strip_cols: usize,
}

impl Plan {
    /// The blocking for a `rows x cols` grid on `threads` workers, or `None` when plain
    /// step-by-step evolution is as good (grids that stay cached, or too few rows per band).
    pub(super) fn new(rows: usize, cols: usize, threads: usize) -> Option<Plan> {
        if !worth_blocking(rows * cols) {
            return None;
        }
        let bands = threads.max(1).min(rows);
        // The ghost rows a band recomputes are about (t-1)/band_rows of its work: keep it small.
        let t = STEPS_PER_PASS.min(rows / bands / 8);
        let strip_cols = (RING_BYTES / (3 * t.max(1) * std::mem::size_of::<f64>())).saturating_sub(2 * t);
        Plan::with(rows, cols, t, bands, strip_cols)
    }

    /// A plan with the given parameters, or `None` if that is not blocking.
    pub(super) fn with(
        rows: usize,
        cols: usize,
        steps_per_pass: usize,
        bands: usize,
        strip_cols: usize,
    ) -> Option<Plan> {
        let valid = steps_per_pass >= 2 && (1..=rows).contains(&bands) && strip_cols >= 1;
        valid.then_some(Plan { rows, cols, steps_per_pass, bands, strip_cols: strip_cols.min(cols) })
    }

    /// `steps` steps from `grid`, ping-ponging with `scratch`; the result ends in `grid`.
    /// Runs `self.bands` tasks (on the pool when called inside `pool::install`). Cancellation as
    /// `run_passes`.
    pub(super) fn run(
        self,
        s: Stencil,
        grid: &mut [f64],
        scratch: &mut [f64],
        steps: u64,
        meter: &Meter,
    ) -> Result<(), Error> {
        let Plan { rows, cols, steps_per_pass, bands, strip_cols } = self;
        debug_assert_eq!((s.rows, s.cols), (rows, cols), "a plan is for one grid shape");
        let Stencil { isa, ddt, boundary, .. } = s;
        let kernels = (RowKernel::new(isa, false), output_kernel(isa, grid.len()));
        let ring_len = steps_per_pass * 3 * row_stride(strip_cols + 2 * steps_per_pass);
        let mut rings = vec![0.0; bands * ring_len];
        let mut rings: Vec<&mut [f64]> = rings.chunks_exact_mut(ring_len).collect();
        let strips = cols.div_ceil(strip_cols);
        let passes = Passes { cols, steps, steps_per_pass, threads: bands, meter };
        run_passes(
            grid,
            scratch,
            passes,
            |k| k * rows / bands,
            &mut rings,
            |ring, src, t, r0, out| {
                let pass = Pass { src, rows, cols, ddt, boundary, t, kernels, meter };
                for strip in 0..strips {
                    pass.sweep(r0, strip * cols / strips..(strip + 1) * cols / strips, out, ring);
                }
                kernels.1.finish();
            },
        )
    }
}

/// Cells from one ring row to the next: whole cache lines plus one, so that rows of power-of-two
/// widths (the book's 512) do not all map to the same L1 sets (4 KiB aliasing).
pub(super) fn row_stride(w: usize) -> usize {
    w.next_multiple_of(8) + 8
}

/// One pass of `t` steps, reading the whole `src` grid (here and in [`super::local`]).
pub(super) struct Pass<'a> {
    pub(super) src: &'a [f64],
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) ddt: f64,
    pub(super) boundary: Boundary,
    pub(super) t: usize,
    /// For the intermediate levels, and for the output.
    pub(super) kernels: (RowKernel, RowKernel),
    /// A task stops early once this is cancelled (every few hundred microseconds of work); the
    /// pass is then discarded (`run_passes`).
    pub(super) meter: &'a Meter,
}

impl Pass<'_> {
    /// The part of `want` level `level` computes along an axis of `len` cells (virtual
    /// indices, outside `0..len` when periodic).
    pub(super) fn level_range(&self, level: usize, want: &Range<isize>, len: usize) -> Range<isize> {
        let halo = (self.t - level) as isize;
        match self.boundary {
            Boundary::Periodic => want.start - halo..want.end + halo,
            Boundary::Fixed => (want.start - halo).max(0)..(want.end + halo).min(len as isize),
        }
    }

    /// Rows `r0..r0 + out.len()/cols`, columns `strip`, after `t` steps into `out` (the band's
    /// rows of the output grid). `ring` holds at least `3 * t * row_stride(strip.len() + 2t)` cells.
    fn sweep(&self, r0: usize, strip: Range<usize>, out: &mut [f64], ring: &mut [f64]) {
        let (rows, cols, t) = (self.rows, self.cols, self.t);
        let fixed = self.boundary == Boundary::Fixed;
        let want_rows = r0 as isize..(r0 + out.len() / cols) as isize;
        let want_cols = strip.start as isize..strip.end as isize;
        // Level L's three rows at ring[L*3*w..]; virtual row v in slot v mod 3, virtual column c
        // at offset c - first_col.
        let all_cols = self.level_range(0, &want_cols, cols);
        let (first_col, w) = (all_cols.start, all_cols.len());
        let stride = row_stride(w);
        let slot = |v: isize| v.rem_euclid(3) as usize * stride;
        let front_span = |l: usize| {
            let r = self.level_range(l, &want_rows, rows);
            r.start + l as isize..r.end + l as isize
        };
        let fronts = front_span(0).start..front_span(t).end;
        // Level 0 is read from `src` in place unless its columns wrap around (periodic edge strips).
        let gathered = all_cols.start < 0 || all_cols.end > cols as isize;
        let src_rows = |v: isize| {
            let i = v.rem_euclid(rows as isize) as usize;
            &self.src[i * cols + first_col.max(0) as usize..][..w]
        };
        for front in fronts {
            // A front is t rows of the strip: some microseconds.
            if self.meter.cancelled() {
                return;
            }
            if gathered && self.level_range(0, &want_rows, rows).contains(&front) {
                self.gather(front, all_cols.clone(), &mut ring[slot(front)..][..w]);
            }
            for level in 1..=t {
                let j = front - level as isize;
                if !self.level_range(level, &want_rows, rows).contains(&j) {
                    continue;
                }
                let (below, this) = ring.split_at_mut(level * 3 * stride);
                let prev = |v: isize| match level {
                    1 if !gathered => src_rows(v),
                    _ => &below[(level - 1) * 3 * stride + slot(v)..][..w],
                };
                // The output row and the virtual column at its index 0.
                let (kernel, dst, base) = if level == t {
                    (self.kernels.1, &mut out[(j - want_rows.start) as usize * cols..][..cols], 0)
                } else {
                    (self.kernels.0, &mut this[slot(j)..][..w], first_col)
                };
                let span = self.level_range(level, &want_cols, cols);
                let at = |c: isize, base: isize| (c - base) as usize;
                if fixed && (j == 0 || j == rows as isize - 1 || cols < 3) {
                    // Same rule as `update_rows`: fixed edge rows (all rows of a thin grid) are copied.
                    dst[at(span.start, base)..at(span.end, base)]
                        .copy_from_slice(&prev(j)[at(span.start, first_col)..at(span.end, first_col)]);
                    continue;
                }
                let (mut lo, mut hi) = (span.start, span.end);
                if fixed && lo == 0 {
                    dst[at(0, base)] = prev(j)[at(0, first_col)];
                    lo = 1;
                }
                if fixed && hi == cols as isize {
                    dst[at(hi - 1, base)] = prev(j)[at(hi - 1, first_col)];
                    hi -= 1;
                }
                if lo < hi {
                    let input = |v: isize| &prev(v)[at(lo - 1, first_col)..at(hi + 1, first_col)];
                    let cells = &mut dst[at(lo, base)..at(hi, base)];
                    kernel.interior(input(j - 1), input(j), input(j + 1), cells, self.ddt);
                }
            }
        }
    }

    /// Level 0: virtual row `v`, virtual columns `span`, from `src` (wrapping) into `row`.
    fn gather(&self, v: isize, span: Range<isize>, row: &mut [f64]) {
        let cols = self.cols as isize;
        let i = v.rem_euclid(self.rows as isize) as usize;
        let src_row = &self.src[i * self.cols..(i + 1) * self.cols];
        let mut c = span.start;
        while c < span.end {
            let from = c.rem_euclid(cols);
            let run = (span.end - c).min(cols - from);
            let at = (c - span.start) as usize;
            row[at..at + run as usize].copy_from_slice(&src_row[from as usize..(from + run) as usize]);
            c += run;
        }
    }
}
