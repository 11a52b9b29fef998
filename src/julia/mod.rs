//! The Julia set (book ch. 2 and 7): for each point count the iterations of `z = z*z + c`
//! while `|z| < 2` and the count is below `maxiter`, as the book's `calculate_z_serial_purepython`.
//!
//! `|z| < 2` is tested as `re*re + im*im < 4`: no square root, and the book's checksum 33219980
//! is the same either way.

mod escape;

use crate::isa::{Isa, Supported};
use crate::progress::{self, Meter, Progress};
use crate::{pool, Error};
use num_complex::Complex64;

/// Below this many iterations of worst-case work, run on the calling thread.
const PARALLEL_MIN_WORK: u64 = 1 << 17;
/// Points per work item: small enough for dynamic balancing of uneven rows, large enough that
/// the vector lanes (up to 32 points in flight) rarely run dry at the end of an item.
const CHUNK_POINTS: usize = 2048;
/// Worst-case iterations (points times maxiter) from which a call with a progress callback
/// reports: about a millisecond. Smaller calls run as without a callback.
const REPORT_MIN_WORK: u64 = 1 << 22;
/// With a progress callback, work items hold at most this many worst-case iterations (a
/// millisecond or so on one core), but at least [`REPORT_MIN_ITEM_POINTS`] points (enough to
/// keep the vector kernels' lanes busy), so that a cancel is seen soon also with a huge maxiter
/// (at most a few work items' time, even at maxiter 10^6). Grid rows longer than that are done in bands of
/// columns.
const REPORT_ITEM_WORK: u64 = 1 << 22;
const REPORT_MIN_ITEM_POINTS: usize = 32;

/// The book's picture: -1.8..1.8 both ways, 1000 x 1000, c = -0.62772 - 0.42193i, 300 iterations.
pub const BOOK_CHECKSUM: u64 = 33_219_980;

/// A rectangle of the complex plane sampled on a `width x height` grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Real part of column 0; column k is `x1 + k*(x2-x1)/width`.
    pub x1: f64,
    pub x2: f64,
    /// `y1` is the bottom; row r is `y2 + r*(y1-y2)/height`, so row 0 is the top, `y2`.
    pub y1: f64,
    pub y2: f64,
    pub width: usize,
    pub height: usize,
    pub c: Complex64,
    pub maxiter: i32,
}

impl Grid {
    /// The book's configuration.
    pub fn book() -> Self {
        Grid {
            x1: -1.8,
            x2: 1.8,
            y1: -1.8,
            y2: 1.8,
            width: 1000,
            height: 1000,
            c: Complex64::new(-0.62772, -0.42193),
            maxiter: 300,
        }
    }

    /// Distance between neighbouring columns and rows (negative for rows: they run downwards).
    fn steps(&self) -> (f64, f64) {
        ((self.x2 - self.x1) / self.width as f64, (self.y1 - self.y2) / self.height as f64)
    }

    /// The starting point of row `r`, column `k`.
    pub fn z(&self, r: usize, k: usize) -> Complex64 {
        let (x_step, y_step) = self.steps();
        Complex64::new(self.x1 + k as f64 * x_step, self.y2 + r as f64 * y_step)
    }
}

/// A rectangle of a [`Grid`]'s pixels: rows `row0 .. row0 + rows`, columns `col0 .. col0 + cols`.
/// Its pixels are the grid's own (coordinates from the grid's global row and column indices), so
/// tiles computed apart and put together equal the whole grid bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub row0: usize,
    pub col0: usize,
    pub rows: usize,
    pub cols: usize,
}

impl Tile {
    /// The whole of `grid`.
    pub fn whole(grid: &Grid) -> Self {
        Tile { row0: 0, col0: 0, rows: grid.height, cols: grid.width }
    }
}

/// Iterations of `z = z*z + c` before `|z| >= 2`, at most `maxiter`: the definition, one point at
/// a time. The kernels run the same operations several points at a time (`escape`).
#[inline]
pub fn escape_count(z: Complex64, c: Complex64, maxiter: i32) -> i32 {
    let (mut zr, mut zi) = (z.re, z.im);
    let mut n = 0;
    while n < maxiter && zr * zr + zi * zi < 4.0 {
        // (zr + i zi)^2 + c. Python computes the imaginary part as zr*zi + zi*zr; doubling is
        // exact in binary floating point, so 2*zr*zi gives the same bits with one operation less.
        let re = zr * zr - zi * zi + c.re;
        zi = 2.0 * zr * zi + c.im;
        zr = re;
        n += 1;
    }
    n
}

fn check_maxiter(maxiter: i32) -> Result<(), Error> {
    if maxiter < 0 {
        return Err(Error::InvalidArgument(format!("maxiter must be >= 0, got {maxiter}")));
    }
    Ok(())
}

fn check_finite(name: &str, v: f64) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(Error::InvalidArgument(format!("{name} must be finite, got {v}")));
    }
    Ok(())
}

fn is_small(points: usize, maxiter: i32) -> bool {
    is_work_below(points, maxiter, PARALLEL_MIN_WORK)
}

/// Work for the team of short calls (`pool::short`): under about a millisecond, without reports.
fn is_short(points: usize, maxiter: i32, meter: &Meter) -> bool {
    is_work_below(points, maxiter, REPORT_MIN_WORK) && !meter.is_active() && pool::short_calls()
}

fn is_work_below(points: usize, maxiter: i32, work: u64) -> bool {
    (points as u64).saturating_mul(maxiter as u64) < work
}

/// `output[i] = escape_count(zs[i], cs[i], maxiter)`: the book's `calculate_z`.
///
/// All three slices must have the same length; every coordinate must be finite.
pub fn calculate_z(zs: &[Complex64], cs: &[Complex64], maxiter: i32, output: &mut [i32]) -> Result<(), Error> {
    calculate_z_with_progress(zs, cs, maxiter, output, None)
}

/// [`calculate_z`], reporting to `progress` when the worst case (points times maxiter) is 2^22
/// iterations or more: `done` and `total` count points. After [`Error::Cancelled`], `output` may
/// be partly written (the points written hold their right counts, the others are untouched).
pub fn calculate_z_with_progress(
    zs: &[Complex64],
    cs: &[Complex64],
    maxiter: i32,
    output: &mut [i32],
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    check_z_inputs(zs, cs, maxiter, output)?;
    let long = !is_work_below(zs.len(), maxiter, REPORT_MIN_WORK);
    progress::track(progress, long, zs.len() as u64, |meter| {
        calculate_z_checked(Supported::active(), zs, cs, maxiter, output, meter)
    })
}

/// [`calculate_z`] on the instruction-set path `isa`, or the best supported one below it (tests
/// and benches compare the paths).
pub fn calculate_z_on(
    isa: Isa,
    zs: &[Complex64],
    cs: &[Complex64],
    maxiter: i32,
    output: &mut [i32],
) -> Result<(), Error> {
    check_z_inputs(zs, cs, maxiter, output)?;
    calculate_z_checked(Supported::resolve(isa), zs, cs, maxiter, output, Meter::off())
}

fn check_z_inputs(zs: &[Complex64], cs: &[Complex64], maxiter: i32, output: &[i32]) -> Result<(), Error> {
    check_maxiter(maxiter)?;
    if zs.len() != cs.len() || zs.len() != output.len() {
        return Err(Error::InvalidSize(format!(
            "zs, cs and output must have the same length, got {}, {} and {}",
            zs.len(),
            cs.len(),
            output.len()
        )));
    }
    if let Some(i) = zs.iter().chain(cs).position(|z| !(z.re.is_finite() && z.im.is_finite())) {
        let (name, k) = if i < zs.len() { ("zs", i) } else { ("cs", i - zs.len()) };
        return Err(Error::InvalidArgument(format!("{name}[{k}] is not finite")));
    }
    Ok(())
}

/// [`calculate_z_on`] after [`check_z_inputs`], with `meter`.
fn calculate_z_checked(
    isa: Supported,
    zs: &[Complex64],
    cs: &[Complex64],
    maxiter: i32,
    output: &mut [i32],
    meter: &Meter,
) -> Result<(), Error> {
    let serial = |zs: &[Complex64], cs: &[Complex64], out: &mut [i32]| {
        escape::escape_counts(isa, out, maxiter, zs.iter().copied().zip(cs.iter().copied()));
    };
    if is_small(zs.len(), maxiter) {
        serial(zs, cs, output);
        return Ok(());
    }
    let mut chunk_points = CHUNK_POINTS;
    if meter.is_active() {
        let fit = (REPORT_ITEM_WORK / (maxiter as u64).max(1)) as usize;
        chunk_points = chunk_points.min(fit.max(REPORT_MIN_ITEM_POINTS));
    }
    let item = |k: usize, out: &mut [i32]| {
        if meter.cancelled() {
            return;
        }
        let start = k * chunk_points;
        let end = start + out.len();
        serial(&zs[start..end], &cs[start..end], out);
        meter.add(out.len() as u64);
    };
    // Small chunks, claimed dynamically: the cost per point varies by 300x.
    if is_short(zs.len(), maxiter, meter) {
        pool::short(|par| par.chunks(output, chunk_points, item))?;
        return meter.check();
    }
    pool::install(|threads| pool::for_each_chunk_mut(threads, output, chunk_points, item))?;
    meter.check()
}

/// Escape counts of every point of `grid`, row-major (`height` rows of `width`), into `output`.
pub fn calculate_grid(grid: &Grid, output: &mut [i32]) -> Result<(), Error> {
    calculate_grid_with_progress(grid, output, None)
}

/// [`calculate_grid`], reporting to `progress` when the worst case (points times maxiter) is
/// 2^22 iterations or more: `done` and `total` count points (pixels), a row at a time. After
/// [`Error::Cancelled`], `output` may be partly written (whole rows, each with its right counts;
/// the other rows are untouched).
pub fn calculate_grid_with_progress(
    grid: &Grid,
    output: &mut [i32],
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    calculate_tile_with_progress(grid, Tile::whole(grid), output, progress)
}

/// The escape counts of `tile`'s pixels of `grid`, row-major (`tile.rows` rows of `tile.cols`),
/// into `output`: the same values as those pixels of [`calculate_grid`]. Progress and cancel as
/// [`calculate_grid_with_progress`], counting the tile's pixels.
pub fn calculate_tile_with_progress(
    grid: &Grid,
    tile: Tile,
    output: &mut [i32],
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    let points = check_tile(grid, tile, output)?;
    let long = !is_work_below(points, grid.maxiter, REPORT_MIN_WORK);
    progress::track(progress, long, points as u64, |meter| {
        calculate_tile_checked(Supported::active(), grid, tile, output, meter)
    })
}

/// [`calculate_grid`] on the instruction-set path `isa`, or the best supported one below it
/// (tests and benches compare the paths).
pub fn calculate_grid_on(isa: Isa, grid: &Grid, output: &mut [i32]) -> Result<(), Error> {
    calculate_tile_on(isa, grid, Tile::whole(grid), output)
}

/// [`calculate_tile_with_progress`] on the instruction-set path `isa` (or the best below it).
pub fn calculate_tile_on(isa: Isa, grid: &Grid, tile: Tile, output: &mut [i32]) -> Result<(), Error> {
    check_tile(grid, tile, output)?;
    calculate_tile_checked(Supported::resolve(isa), grid, tile, output, Meter::off())
}

/// Checks `grid`, `tile` (non-empty, inside the grid) and the length of `output`; returns the
/// tile's point count.
fn check_tile(grid: &Grid, tile: Tile, output: &[i32]) -> Result<usize, Error> {
    check_grid(grid)?;
    if tile.rows == 0 || tile.cols == 0 {
        return Err(Error::InvalidSize(format!("tile dimensions must be non-zero, got {} x {}", tile.rows, tile.cols)));
    }
    let inside = |start: usize, len: usize, limit: usize| start.checked_add(len).is_some_and(|end| end <= limit);
    if !inside(tile.row0, tile.rows, grid.height) || !inside(tile.col0, tile.cols, grid.width) {
        return Err(Error::InvalidArgument(format!(
            "the tile (rows {}..+{}, columns {}..+{}) must lie inside the {} x {} grid",
            tile.row0, tile.rows, tile.col0, tile.cols, grid.width, grid.height
        )));
    }
    let points = tile.rows * tile.cols; // no overflow: at most width * height, checked below it
    if output.len() != points {
        return Err(Error::InvalidSize(format!("output has {} elements, the tile has {points}", output.len())));
    }
    Ok(points)
}

/// Checks `grid`'s coordinates, constant, maxiter and size; returns its point count.
fn check_grid(grid: &Grid) -> Result<usize, Error> {
    check_maxiter(grid.maxiter)?;
    for (name, v) in [("x1", grid.x1), ("x2", grid.x2), ("y1", grid.y1), ("y2", grid.y2)] {
        check_finite(name, v)?;
    }
    check_finite("c.re", grid.c.re)?;
    check_finite("c.im", grid.c.im)?;
    if grid.width == 0 || grid.height == 0 {
        return Err(Error::InvalidSize(format!(
            "grid dimensions must be non-zero, got {} x {}",
            grid.width, grid.height
        )));
    }
    grid.width
        .checked_mul(grid.height)
        .ok_or_else(|| Error::InvalidSize(format!("a {} x {} grid overflows", grid.width, grid.height)))
}

/// [`calculate_tile_on`] after [`check_tile`], with `meter`.
fn calculate_tile_checked(
    isa: Supported,
    grid: &Grid,
    tile: Tile,
    output: &mut [i32],
    meter: &Meter,
) -> Result<(), Error> {
    let points = output.len();
    // The same points as Grid::z (global row and column indices), with the divisions hoisted
    // out of the pixel loop. A work item is a run of whole rows of the tile.
    let (x_step, y_step) = grid.steps();
    let (width, maxiter, row0) = (tile.cols, grid.maxiter, tile.row0);
    let geometry =
        escape::RowGeometry { x1: grid.x1, x_step, y2: grid.y2, y_step, width, col0: tile.col0, c: grid.c, maxiter };
    let mut rows_per_item = CHUNK_POINTS.div_ceil(width).max(1);
    if meter.is_active() {
        let fit = REPORT_ITEM_WORK / (width as u64).saturating_mul(maxiter as u64).max(1);
        if fit == 0 {
            return grid_in_bands(isa, &geometry, row0, output, meter);
        }
        rows_per_item = rows_per_item.min(fit as usize);
    }
    let rows = |k: usize, out: &mut [i32]| {
        if meter.cancelled() {
            return;
        }
        escape::escape_rows(isa, out, row0 + k * rows_per_item, &geometry);
        meter.add(out.len() as u64);
    };
    if is_small(points, grid.maxiter) {
        pool::for_each_chunk_mut(1, output, rows_per_item * width, rows);
        return Ok(());
    }
    // Items claimed dynamically: rows through the set cost far more than the rest.
    if is_short(points, grid.maxiter, meter) {
        pool::short(|par| par.chunks(output, rows_per_item * width, rows))?;
        return meter.check();
    }
    pool::install(|threads| pool::for_each_chunk_mut(threads, output, rows_per_item * width, rows))?;
    meter.check()
}

/// The grid with an active meter when one row is more than a work item: each row (a task) in
/// bands of columns, with a look at the cancel flag and a report after each band.
fn grid_in_bands(
    isa: Supported,
    geometry: &escape::RowGeometry,
    row0: usize,
    output: &mut [i32],
    meter: &Meter,
) -> Result<(), Error> {
    let (width, maxiter) = (geometry.width, geometry.maxiter);
    let band = ((REPORT_ITEM_WORK / (maxiter as u64).max(1)) as usize).max(REPORT_MIN_ITEM_POINTS).min(width);
    pool::install(|threads| {
        pool::for_each_chunk_mut(threads, output, width, |r, row| {
            for (b, out) in row.chunks_mut(band).enumerate() {
                if meter.cancelled() {
                    return;
                }
                let g = escape::RowGeometry { width: out.len(), col0: geometry.col0 + b * band, ..*geometry };
                escape::escape_rows(isa, out, row0 + r, &g);
                meter.add(out.len() as u64);
            }
        })
    })?;
    meter.check()
}

#[cfg(test)]
mod tests;
