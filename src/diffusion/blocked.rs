//! Temporal blocking for [`super::run`]: several steps per pass over the grid.
//!
//! A pass reads `src` once and writes `dst` once for `t` steps. The grid is cut into horizontal
//! bands (one task each) and each band into column strips. A strip is swept top to bottom as a
//! wavefront, two rows at a time: when input rows `f-1` and `f` arrive, level 1 (one step on)
//! computes rows `f-2` and `f-1`, level 2 rows `f-3` and `f-2`, ..., level `t` rows `f-t-1` and
//! `f-t`, which go to `dst`. Each level keeps only its last four rows of the strip in a ring
//! buffer that stays in L2, so memory sees one read and one write of the grid per `t` steps
//! instead of per step.
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
        let strip_cols = (RING_BYTES / (RING_ROWS * t.max(1) * std::mem::size_of::<f64>())).saturating_sub(2 * t);
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
        let ring_len = steps_per_pass * RING_ROWS * row_stride(strip_cols + 2 * steps_per_pass);
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

/// Rows per level in a strip's ring: a level computes two rows per front (register blocking,
/// [`RowKernel::interior2`]) from four rows of the level below.
const RING_ROWS: usize = 4;

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
    /// rows of the output grid). `ring` holds at least `RING_ROWS * t * row_stride(strip.len() + 2t)`
    /// cells.
    fn sweep(&self, r0: usize, strip: Range<usize>, out: &mut [f64], ring: &mut [f64]) {
        let (rows, cols, t) = (self.rows, self.cols, self.t);
        let fixed = self.boundary == Boundary::Fixed;
        let want_rows = r0 as isize..(r0 + out.len() / cols) as isize;
        let want_cols = strip.start as isize..strip.end as isize;
        // Level L's rows at ring[L*level_len..]; virtual row v in slot v mod RING_ROWS, virtual
        // column c at offset c - first_col.
        let all_cols = self.level_range(0, &want_cols, cols);
        let (first_col, w) = (all_cols.start, all_cols.len());
        let stride = row_stride(w);
        let level_len = RING_ROWS * stride;
        let slot = |v: isize| v.rem_euclid(RING_ROWS as isize) as usize * stride;
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
        let edge_row = |j: isize| fixed && (j == 0 || j == rows as isize - 1 || cols < 3);
        // Front f: input rows f-1 and f have arrived, and level L computes its rows f-L-1 and
        // f-L from rows f-L-2..=f-L+1 of level L-1 (the two it computed in this front and the
        // two of the front before).
        let mut front = fronts.start + 1;
        while front - 1 < fronts.end {
            // A front is 2t rows of the strip: some microseconds.
            if self.meter.cancelled() {
                return;
            }
            for v in [front - 1, front] {
                if gathered && self.level_range(0, &want_rows, rows).contains(&v) {
                    self.gather(v, all_cols.clone(), &mut ring[slot(v)..][..w]);
                }
            }
            for level in 1..=t {
                let j = front - level as isize - 1;
                let range = self.level_range(level, &want_rows, rows);
                let (below, this) = ring.split_at_mut(level * level_len);
                let below: &[f64] = below;
                let prev = |v: isize| match level {
                    1 if !gathered => src_rows(v),
                    _ => &below[(level - 1) * level_len + slot(v)..][..w],
                };
                // Where the level's rows go: the output rows, or the level's ring slots; and the
                // virtual column at index 0 of a destination row.
                let (kernel, dst, base) = if level == t {
                    (self.kernels.1, &mut *out, 0)
                } else {
                    (self.kernels.0, &mut this[..level_len], first_col)
                };
                let at = |v: isize| if level == t { (v - want_rows.start) as usize * cols } else { slot(v) };
                let cut = LevelCut { span: self.level_range(level, &want_cols, cols), first_col, base };
                if range.contains(&j) && range.contains(&(j + 1)) && !edge_row(j) && !edge_row(j + 1) {
                    let (row0, row1) = two_rows(dst, at(j), at(j + 1));
                    self.level_rows(kernel, &cut, &[prev(j - 1), prev(j), prev(j + 1), prev(j + 2)], [row0, row1]);
                    continue;
                }
                for v in [j, j + 1].into_iter().filter(|v| range.contains(v)) {
                    let dst = &mut dst[at(v)..];
                    if edge_row(v) {
                        // Same rule as `update_rows`: fixed edge rows (all rows of a thin grid) are copied.
                        let (from, to) = (cut.span.start, cut.span.end);
                        dst[cut.dst(from)..cut.dst(to)].copy_from_slice(&prev(v)[cut.src(from)..cut.src(to)]);
                    } else {
                        self.level_rows(kernel, &cut, &[prev(v - 1), prev(v), prev(v + 1)], [dst]);
                    }
                }
            }
            front += 2;
        }
    }

    /// One row (`N = 1`) or two adjacent rows (`N = 2`) of a level, columns `cut.span`, into
    /// `dst` (whose indices `cut.dst` gives) from `input`, the `N + 2` rows of the level below
    /// around them (indices `cut.src`), top to bottom. The rows are neither fixed edge rows nor
    /// the rows of a thin grid.
    fn level_rows<const N: usize>(
        &self,
        kernel: RowKernel,
        cut: &LevelCut,
        input: &[&[f64]],
        mut dst: [&mut [f64]; N],
    ) {
        let fixed = self.boundary == Boundary::Fixed;
        let (mut lo, mut hi) = (cut.span.start, cut.span.end);
        // Fixed edge columns are copied.
        for (row, mid) in dst.iter_mut().zip(&input[1..]) {
            if fixed && lo == 0 {
                row[cut.dst(0)] = mid[cut.src(0)];
            }
            if fixed && hi == self.cols as isize {
                row[cut.dst(hi - 1)] = mid[cut.src(hi - 1)];
            }
        }
        if fixed && lo == 0 {
            lo = 1;
        }
        if fixed && hi == self.cols as isize {
            hi -= 1;
        }
        if lo >= hi {
            return;
        }
        let input = |k: usize| &input[k][cut.src(lo - 1)..cut.src(hi + 1)];
        let mut cells = dst.map(|row| &mut row[cut.dst(lo)..cut.dst(hi)]);
        match &mut cells[..] {
            [out] => kernel.interior(input(0), input(1), input(2), out, self.ddt),
            [out0, out1] => kernel.interior2([input(0), input(1), input(2), input(3)], [out0, out1], self.ddt),
            _ => unreachable!("one or two rows"),
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

/// The columns a level computes in a strip, and where a virtual column is in the level below's
/// rows and in the destination rows.
struct LevelCut {
    /// Virtual columns computed.
    span: Range<isize>,
    /// The virtual column at index 0 of the rows of the level below.
    first_col: isize,
    /// The virtual column at index 0 of the destination rows.
    base: isize,
}

impl LevelCut {
    /// The index of virtual column `c` in a row of the level below.
    fn src(&self, c: isize) -> usize {
        (c - self.first_col) as usize
    }

    /// The index of virtual column `c` in a destination row.
    fn dst(&self, c: isize) -> usize {
        (c - self.base) as usize
    }
}

/// The rows at offsets `a` and `b` of `buf` (`a != b`, each to the end of `buf` or the other).
fn two_rows(buf: &mut [f64], a: usize, b: usize) -> (&mut [f64], &mut [f64]) {
    if a < b {
        let (x, y) = buf.split_at_mut(b);
        (&mut x[a..], y)
    } else {
        let (x, y) = buf.split_at_mut(a);
        (y, &mut x[b..])
    }
}
