//! The Julia set (book ch. 2 and 7): for each point count the iterations of `z = z*z + c`
//! while `|z| < 2` and the count is below `maxiter`, as the book's `calculate_z_serial_purepython`.
//!
//! `|z| < 2` is tested as `re*re + im*im < 4`: no square root, and the book's checksum 33219980
//! is the same either way.

mod escape;

use crate::isa::{self, Isa};
use crate::{pool, Error};
use num_complex::Complex64;

/// Below this many iterations of worst-case work, run on the calling thread.
const PARALLEL_MIN_WORK: u64 = 1 << 17;
/// Points per work item: small enough for dynamic balancing of uneven rows, large enough that
/// the vector lanes (up to 32 points in flight) rarely run dry at the end of an item.
const CHUNK_POINTS: usize = 2048;

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
    (points as u64).saturating_mul(maxiter as u64) < PARALLEL_MIN_WORK
}

/// `output[i] = escape_count(zs[i], cs[i], maxiter)`: the book's `calculate_z`.
///
/// All three slices must have the same length; every coordinate must be finite.
pub fn calculate_z(zs: &[Complex64], cs: &[Complex64], maxiter: i32, output: &mut [i32]) -> Result<(), Error> {
    calculate_z_on(isa::active(), zs, cs, maxiter, output)
}

/// [`calculate_z`] on the instruction-set path `isa`, or the best supported one below it (tests
/// and benches compare the paths).
pub fn calculate_z_on(isa: Isa, zs: &[Complex64], cs: &[Complex64], maxiter: i32, output: &mut [i32]) -> Result<(), Error> {
    let isa = Isa::resolve(Some(isa));
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
    let serial = |zs: &[Complex64], cs: &[Complex64], out: &mut [i32]| {
        escape::escape_counts(isa, out, maxiter, zs.iter().copied().zip(cs.iter().copied()));
    };
    if is_small(zs.len(), maxiter) {
        serial(zs, cs, output);
        return Ok(());
    }
    // Small chunks, stolen dynamically: the cost per point varies by 300x.
    pool::install(|threads| {
        pool::for_each_chunk_mut(threads, output, CHUNK_POINTS, |k, out| {
            let start = k * CHUNK_POINTS;
            let end = start + out.len();
            serial(&zs[start..end], &cs[start..end], out);
        })
    })
}

/// Escape counts of every point of `grid`, row-major (`height` rows of `width`), into `output`.
pub fn calculate_grid(grid: &Grid, output: &mut [i32]) -> Result<(), Error> {
    calculate_grid_on(isa::active(), grid, output)
}

/// [`calculate_grid`] on the instruction-set path `isa`, or the best supported one below it
/// (tests and benches compare the paths).
pub fn calculate_grid_on(isa: Isa, grid: &Grid, output: &mut [i32]) -> Result<(), Error> {
    let isa = Isa::resolve(Some(isa));
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
    let points = grid.width.checked_mul(grid.height).ok_or_else(|| {
        Error::InvalidSize(format!("a {} x {} grid overflows", grid.width, grid.height))
    })?;
    if output.len() != points {
        return Err(Error::InvalidSize(format!("output has {} elements, the grid has {points}", output.len())));
    }
    // The same points as Grid::z, with the divisions hoisted out of the pixel loop. A work item
    // is a run of whole rows.
    let (x_step, y_step) = grid.steps();
    let (width, maxiter) = (grid.width, grid.maxiter);
    let geometry = escape::RowGeometry { x1: grid.x1, x_step, y2: grid.y2, y_step, width, c: grid.c, maxiter };
    let rows_per_item = CHUNK_POINTS.div_ceil(width).max(1);
    let rows = |k: usize, out: &mut [i32]| escape::escape_rows(isa, out, k * rows_per_item, &geometry);
    if is_small(points, grid.maxiter) {
        pool::for_each_chunk_mut(1, output, rows_per_item * width, rows);
        return Ok(());
    }
    // Items stolen dynamically: rows through the set cost far more than the rest.
    pool::install(|threads| pool::for_each_chunk_mut(threads, output, rows_per_item * width, rows))
}

#[cfg(test)]
mod tests;
