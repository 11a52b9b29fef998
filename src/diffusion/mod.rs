//! The 2D diffusion equation, explicit scheme (book ch. 7): one step is
//! `out[i][j] = in[i][j] + d*dt*(in[i+1][j] + in[i-1][j] + in[i][j+1] + in[i][j-1] - 4*in[i][j])`
//! on a row-major `rows x cols` grid.
//!
//! The scheme is stable for `d*dt <= 0.25` (unit grid spacing); outside that it is computed as
//! asked and grows without bound, like the book's.

mod stencil;

use crate::{pool, Error};

/// What happens at the grid's edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// Edge cells are copied unchanged; only interior cells update (the book's C and Fortran).
    /// A grid with fewer than 3 rows or columns is all edge.
    Fixed,
    /// Neighbours wrap around (the book's numpy `np.roll` form); conserves the grid's sum.
    Periodic,
}

/// Grids with fewer cells than this run on the calling thread: waking workers costs more.
const PARALLEL_MIN_CELLS: usize = 1 << 15;

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

/// One step into `out`, split into row chunks across `threads` workers (or serial).
fn step(input: &[f64], out: &mut [f64], rows: usize, cols: usize, ddt: f64, boundary: Boundary, threads: usize) {
    let threads = if input.len() < PARALLEL_MIN_CELLS { 1 } else { threads };
    // A few chunks per thread lets rayon balance uneven progress without per-row overhead.
    let rows_per_chunk = rows.div_ceil(threads * 4).max(1);
    pool::for_each_chunk_mut(threads, out, rows_per_chunk * cols, |k, chunk| {
        stencil::update_rows(input, chunk, k * rows_per_chunk, rows, cols, ddt, boundary);
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
    let cells = check_grid(rows, cols, d, dt)?;
    check_len("input", input.len(), cells)?;
    check_len("output", out.len(), cells)?;
    let ddt = d * dt;
    if cells < PARALLEL_MIN_CELLS {
        step(input, out, rows, cols, ddt, boundary, 1);
        return Ok(());
    }
    pool::install(|threads| step(input, out, rows, cols, ddt, boundary, threads))
}

/// `steps` explicit steps, ping-ponging between `grid` and `scratch`; the result is left in
/// `grid` whatever the parity of `steps`. `scratch`'s contents are ignored on entry and
/// unspecified on return. `steps == 0` changes nothing.
#[allow(clippy::too_many_arguments)]
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
    let cells = check_grid(rows, cols, d, dt)?;
    check_len("grid", grid.len(), cells)?;
    check_len("scratch", scratch.len(), cells)?;
    if steps == 0 {
        return Ok(());
    }
    let ddt = d * dt;
    let mut all_steps = |threads: usize| {
        let (mut src, mut dst) = (&mut *grid, &mut *scratch);
        for _ in 0..steps {
            step(src, dst, rows, cols, ddt, boundary, threads);
            std::mem::swap(&mut src, &mut dst);
        }
        // After the last swap `src` holds the newest state; it is `scratch` for odd step counts.
        if steps % 2 == 1 {
            dst.copy_from_slice(src);
        }
    };
    if cells < PARALLEL_MIN_CELLS {
        all_steps(1);
        return Ok(());
    }
    pool::install(all_steps)
}

#[cfg(test)]
mod tests;
