//! The 2D diffusion equation, explicit scheme (book ch. 7): one step is
//! `out[i][j] = in[i][j] + d*dt*(in[i+1][j] + in[i-1][j] + in[i][j+1] + in[i][j-1] - 4*in[i][j])`
//! on a row-major `rows x cols` grid.
//!
//! The scheme is stable for `d*dt <= 0.25` (unit grid spacing); outside that it is computed as
//! asked and grows without bound, like the book's.

mod blocked;
mod local;
mod stencil;

use crate::isa::Supported;
use crate::progress::{self, Meter, Progress};
use crate::{pool, Error};
use stencil::RowKernel;

/// What happens at the grid's edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// Edge cells are copied unchanged; only interior cells update (the book's C and Fortran).
    /// A grid with fewer than 3 rows or columns is all edge.
    Fixed,
    /// Neighbours wrap around (the book's numpy `np.roll` form); conserves the grid's sum.
    Periodic,
}

/// `run` on grids with fewer cells than this stays on the calling thread: waking workers costs more.
const PARALLEL_MIN_CELLS: usize = 1 << 15;
/// The same for one step (`evolve`): below it, a step is too short for a second thread to pay
/// for its start (measured by `examples/short_calls.rs`; figures in the README).
const STEP_PARALLEL_MIN_CELLS: usize = 1 << 16;
/// Steps on grids smaller than this (16 MiB a grid, a few milliseconds at most) run on the team
/// for short calls (`pool::short`): static bands, a few microseconds to start and join. Larger
/// ones, and steps with progress reports, on the pool in chunks it balances.
const STEP_SHORT_MAX_CELLS: usize = 1 << 21;

/// Cell updates (cells times steps) from which a call with a progress callback reports: about a
/// millisecond of work. Smaller calls end before a report would be due and run as without one.
const REPORT_MIN_CELL_STEPS: u64 = 1 << 21;
/// With a progress callback, a step's row chunks hold at most this many cells (a millisecond or
/// so), so that a cancel is seen soon on huge grids.
const REPORT_CHUNK_CELLS: usize = 1 << 21;

/// Outputs at least this large are written with streaming (non-temporal) stores: they cannot stay
/// cached for the next step anyway, and streaming saves reading each output line before writing it.
const STREAMING_MIN_BYTES: usize = 32 << 20;

/// The row kernel for one step's output of `cells` cells on path `isa`.
fn output_kernel(isa: Supported, cells: usize) -> RowKernel {
    RowKernel::new(isa, cells * std::mem::size_of::<f64>() >= STREAMING_MIN_BYTES)
}

/// Check dimensions and coefficients; returns the cell count.
pub(crate) fn check_grid(rows: usize, cols: usize, d: f64, dt: f64) -> Result<usize, Error> {
    if rows == 0 || cols == 0 {
        return Err(Error::InvalidSize(format!("grid dimensions must be non-zero, got {rows} x {cols}")));
    }
    let cells = rows
        .checked_mul(cols)
        .filter(|&n| n <= isize::MAX as usize / std::mem::size_of::<f64>())
        .ok_or_else(|| Error::InvalidSize(format!("a {rows} x {cols} grid of doubles overflows the address space")))?;
    for (name, v) in [("d", d), ("dt", dt)] {
        if !v.is_finite() {
            return Err(Error::InvalidArgument(format!("{name} must be finite, got {v}")));
        }
    }
    Ok(cells)
}

fn check_len(name: &str, len: usize, cells: usize) -> Result<(), Error> {
    if len != cells {
        return Err(Error::InvalidSize(format!("{name} has {len} elements, the grid has {cells}")));
    }
    Ok(())
}

/// One problem's fixed terms, built once at the public entry points and passed to every
/// internal function: the path, the grid shape, the coefficient and the boundary. Private to
/// `diffusion` and its submodules.
#[derive(Clone, Copy, Debug)]
struct Stencil {
    isa: Supported,
    rows: usize,
    cols: usize,
    /// `d*dt`, computed once, as the book's C loop does (every path is bit-identical to it).
    ddt: f64,
    boundary: Boundary,
}

/// One step into `out` with `kernel` (on `s.isa`; the caller picks streaming), split into row
/// chunks across `threads` workers (or serial). With an active `meter`, chunks are at most
/// [`REPORT_CHUNK_CELLS`], each adds its rows to the meter, and chunks not yet started when a
/// cancel comes are skipped (`out` is then partly written).
fn step(kernel: RowKernel, s: Stencil, input: &[f64], out: &mut [f64], threads: usize, meter: &Meter) {
    let (rows, cols) = (s.rows, s.cols);
    let threads = if input.len() < STEP_PARALLEL_MIN_CELLS { 1 } else { threads };
    // A few chunks per thread lets rayon balance uneven progress without per-row overhead.
    let mut rows_per_chunk = rows.div_ceil(threads * 4).max(1);
    if meter.is_active() {
        rows_per_chunk = rows_per_chunk.min((REPORT_CHUNK_CELLS / cols).max(1));
    }
    pool::for_each_chunk_mut(threads, out, rows_per_chunk * cols, |k, chunk| {
        if meter.cancelled() {
            return;
        }
        stencil::update_rows(kernel, s, input, chunk, k * rows_per_chunk);
        meter.add((chunk.len() / cols) as u64);
    });
}

/// One explicit step from `input` into `out` (both `rows * cols`, row-major).
pub fn evolve(
    input: &[f64],
    out: &mut [f64],
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: Boundary,
) -> Result<(), Error> {
    evolve_with_progress(input, out, rows, cols, d, dt, boundary, None)
}

/// [`evolve`], reporting to `progress` on grids large enough (about a millisecond of work):
/// `done` and `total` count output rows. After [`Error::Cancelled`], `out` may be partly written
/// (whole rows of the step, in no particular order) and `input` is untouched.
#[allow(clippy::too_many_arguments)] // mirrors hpk_diffusion_evolve's C parameter list
pub fn evolve_with_progress(
    input: &[f64],
    out: &mut [f64],
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: Boundary,
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    let cells = check_grid(rows, cols, d, dt)?;
    check_len("input", input.len(), cells)?;
    check_len("output", out.len(), cells)?;
    let long = cells as u64 >= REPORT_MIN_CELL_STEPS;
    let s = Stencil { isa: Supported::active(), rows, cols, ddt: d * dt, boundary };
    progress::track(progress, long, rows as u64, |meter| evolve_on(s, input, out, meter))
}

/// [`evolve`] with checked sizes.
fn evolve_on(s: Stencil, input: &[f64], out: &mut [f64], meter: &Meter) -> Result<(), Error> {
    let kernel = output_kernel(s.isa, input.len());
    if input.len() < STEP_PARALLEL_MIN_CELLS {
        step(kernel, s, input, out, 1, meter);
    } else if input.len() < STEP_SHORT_MAX_CELLS && !meter.is_active() && pool::short_calls() {
        pool::short(|par| step_bands(kernel, s, input, out, par))?;
    } else {
        pool::install(|threads| step(kernel, s, input, out, threads, meter))?;
    }
    meter.check()
}

/// One step into `out` in one contiguous band of rows per thread of `par`: on the team, each
/// thread gets the same rows from call to call, so that a ping-pong loop of steps finds each
/// band of both grids in the cache of the core that wrote it.
fn step_bands(kernel: RowKernel, s: Stencil, input: &[f64], out: &mut [f64], par: pool::Par<'_>) {
    par.bands(out, s.cols, |_, r0, band| stencil::update_rows(kernel, s, input, band, r0));
}

/// `steps` explicit steps, ping-ponging between `grid` and `scratch`; the result is left in
/// `grid` whatever the parity of `steps`. `scratch`'s contents are ignored on entry and
/// unspecified on return. `steps == 0` changes nothing.
#[allow(clippy::too_many_arguments)] // mirrors hpk_diffusion_run's C parameter list
pub fn run(
    grid: &mut [f64],
    scratch: &mut [f64],
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: Boundary,
    steps: u64,
) -> Result<(), Error> {
    run_with_progress(grid, scratch, rows, cols, d, dt, boundary, steps, None)
}

/// [`run`], reporting to `progress` when the run is long enough (about a millisecond of work):
/// `done` counts the steps completed and `total` is `steps`. The steps go in passes of several
/// (up to 16) steps; `done` advances by a pass at a time.
///
/// After [`Error::Cancelled`], `grid` holds the grid after exactly the number of steps that
/// the last report before the return gave as `done` (bit for bit what a run of that many steps
/// gives), and `scratch` is unspecified. A pass in flight when the cancel came is abandoned.
#[allow(clippy::too_many_arguments)] // mirrors hpk_diffusion_run's C parameter list
pub fn run_with_progress(
    grid: &mut [f64],
    scratch: &mut [f64],
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: Boundary,
    steps: u64,
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    let cells = check_grid(rows, cols, d, dt)?;
    check_len("grid", grid.len(), cells)?;
    check_len("scratch", scratch.len(), cells)?;
    if steps == 0 {
        return Ok(());
    }
    let long = (cells as u64).saturating_mul(steps) >= REPORT_MIN_CELL_STEPS;
    let s = Stencil { isa: Supported::active(), rows, cols, ddt: d * dt, boundary };
    progress::track(progress, long, steps, |meter| run_on(s, grid, scratch, steps, meter))
}

/// [`run`] with checked sizes and `steps > 0`.
fn run_on(s: Stencil, grid: &mut [f64], scratch: &mut [f64], steps: u64, meter: &Meter) -> Result<(), Error> {
    let cells = grid.len();
    let mut all_steps = move |threads: usize| {
        let threads = if cells < PARALLEL_MIN_CELLS { 1 } else { threads };
        // Short rows: whole-row tiles in per-thread buffers; long rows: the wavefront; grids
        // that stay cached anyway: plain steps.
        if let Some(plan) = local::Plan::new(s.rows, s.cols, threads) {
            plan.run(s, grid, scratch, steps, threads, meter)
        } else if let Some(plan) = blocked::Plan::new(s.rows, s.cols, threads) {
            plan.run(s, grid, scratch, steps, meter)
        } else {
            run_stepwise(s, grid, scratch, steps, threads, meter)
        }
    };
    if cells < PARALLEL_MIN_CELLS {
        return all_steps(1);
    }
    pool::install(all_steps)?
}

/// One full-grid step after another, ping-ponging; the result ends in `grid`. Each step is a
/// pass of one step, split into row chunks as in [`step`].
fn run_stepwise(
    s: Stencil,
    grid: &mut [f64],
    scratch: &mut [f64],
    steps: u64,
    threads: usize,
    meter: &Meter,
) -> Result<(), Error> {
    let kernel = output_kernel(s.isa, grid.len());
    let rows = s.rows;
    let rows_per_chunk = rows.div_ceil(threads * 4).max(1);
    let chunk_start = |k: usize| (k * rows_per_chunk).min(rows);
    let mut chunks = vec![(); rows.div_ceil(rows_per_chunk)];
    let passes = Passes { cols: s.cols, steps, steps_per_pass: 1, threads, meter };
    run_passes(grid, scratch, passes, chunk_start, &mut chunks, |_, src, _, r0, out| {
        stencil::update_rows(kernel, s, src, out, r0)
    })
}

/// How [`run_passes`] cuts a run: `steps` in all, up to `steps_per_pass` a pass, on `threads`
/// workers (the count `pool::install` passed; 1 = in order on this thread), over grids of
/// `cols` columns, reporting to and watching `meter`.
pub(super) struct Passes<'a> {
    pub(super) cols: usize,
    pub(super) steps: u64,
    pub(super) steps_per_pass: usize,
    pub(super) threads: usize,
    pub(super) meter: &'a Meter,
}

/// Passes of up to `steps_per_pass` steps each, `steps` in all, ping-ponging between `grid` and
/// `scratch`; the result ends in `grid`. Every `run` plan (plain steps, the wavefront, tiles) is a
/// task per pass for each element of `states`, on `threads` workers: task `k` gets its state, the
/// pass's source grid, the pass's step count and the output rows `band_start(k)..band_start(k + 1)`
/// (first row index and the rows of the destination grid), which it must fill with the grid `t`
/// steps on.
///
/// Cancellation (`meter`): a pass only reads its source grid, so a pass during which a cancel
/// came (tasks may stop early, see `Pass::meter`) is discarded whole and the source, the grid
/// after the passes before it, is the result: it is copied to `grid` when it is `scratch`, and
/// the meter's `done` (set to the steps completed after each pass) says how many steps it has.
/// Returns [`Error::Cancelled`] then, `Ok` when every step was done.
pub(super) fn run_passes<S: Send>(
    grid: &mut [f64],
    scratch: &mut [f64],
    passes: Passes<'_>,
    band_start: impl Fn(usize) -> usize,
    states: &mut [S],
    task: impl Fn(&mut S, &[f64], usize, usize, &mut [f64]) + Sync,
) -> Result<(), Error> {
    let Passes { cols, steps, steps_per_pass, threads, meter } = passes;
    let bands = states.len();
    let (mut src, mut dst) = (&mut *grid, &mut *scratch);
    let mut remaining = steps;
    let mut passes_done = 0u64;
    while remaining > 0 {
        if meter.cancelled() {
            break;
        }
        let t = remaining.min(steps_per_pass as u64) as usize;
        let src_ro: &[f64] = src;
        let mut tasks: Vec<(&mut S, usize, &mut [f64])> = Vec::with_capacity(bands);
        let mut rest: &mut [f64] = dst;
        for (k, state) in states.iter_mut().enumerate() {
            let (band, tail) = rest.split_at_mut((band_start(k + 1) - band_start(k)) * cols);
            tasks.push((state, band_start(k), band));
            rest = tail;
        }
        pool::for_each_chunk_mut(threads, &mut tasks, 1, |_, one| {
            let (ref mut state, r0, ref mut out) = one[0];
            task(state, src_ro, t, r0, out);
        });
        if meter.cancelled() {
            break; // this pass may be incomplete: `src` keeps the last whole one
        }
        std::mem::swap(&mut src, &mut dst);
        remaining -= t as u64;
        passes_done += 1;
        meter.set(steps - remaining);
    }
    // After the last swap `src` holds the newest state; it is `scratch` for an odd pass count.
    if passes_done % 2 == 1 {
        copy_parallel(src, dst, threads);
    }
    if remaining > 0 {
        return Err(Error::Cancelled);
    }
    Ok(())
}

/// `dst.copy_from_slice(src)`, split across `threads` workers.
fn copy_parallel(src: &[f64], dst: &mut [f64], threads: usize) {
    let chunk = src.len().div_ceil(threads).max(1);
    pool::for_each_chunk_mut(threads, dst, chunk, |k, part| part.copy_from_slice(&src[k * chunk..][..part.len()]));
}

#[cfg(test)]
mod path_tests;
#[cfg(test)]
mod tests;
