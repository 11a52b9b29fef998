//! The Julia set.

use super::checks::{self, check_disjoint, check_ptr, input};
use super::progress::with_progress;
use super::{guard, hpk_status};
use crate::julia::{self, Grid, Tile};
use crate::Error;
use num_complex::Complex64;

/// A complex number: the memory layout of C99 `double _Complex`, numpy `complex128` and Fortran
/// `complex(c_double_complex)`: two doubles, real part first, 16 bytes, 8-byte aligned.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct hpk_complex {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

// hpk_complex arrays are read as num-complex values: both are `#[repr(C)] { f64, f64 }`.
const _: () = assert!(std::mem::size_of::<hpk_complex>() == std::mem::size_of::<Complex64>());
const _: () = assert!(std::mem::align_of::<hpk_complex>() == std::mem::align_of::<Complex64>());

/// Escape counts of the points `zs[i]` with constants `cs[i]`: the book's `calculate_z`.
///
/// For each i, counts iterations of `z = z*z + c` from `z = zs[i]`, `c = cs[i]` while
/// `re(z)^2 + im(z)^2 < 4` and the count is below `maxiter`, and writes the count (0..=maxiter) to
/// `output[i]`. `zs`, `cs` and `output` each hold `n` elements. `n == 0` is a valid no-op, and the
/// pointers may then be NULL. Work is shared dynamically among the library's threads.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `n > 0` and a pointer is NULL; HPK_ERR_INVALID_SIZE if
/// `n * 16` overflows; HPK_ERR_INVALID_ARGUMENT if `maxiter < 0`, an element of `zs` or `cs` is not
/// finite, or a pointer is misaligned; HPK_ERR_OVERLAP if `output` shares a byte with `zs` or `cs`;
/// HPK_ERR_CANCELLED if the progress handler asked to stop.
///
/// Progress (hpk_set_progress_handler), when `n * maxiter` is 2^22 or more: `done` and `total`
/// count points (`total = n`). After HPK_ERR_CANCELLED, `output` may be partly written: each
/// element holds its right count or is untouched.
///
/// # Safety
/// `zs` and `cs` must point to `n` readable values and `output` to `n` writable int32 values.
#[no_mangle]
pub unsafe extern "C" fn hpk_julia_calculate_z(
    zs: *const hpk_complex,
    cs: *const hpk_complex,
    n: usize,
    maxiter: i32,
    output: *mut i32,
) -> hpk_status {
    guard(|| {
        check_ptr(zs, n, "zs")?;
        check_ptr(cs, n, "cs")?;
        check_ptr(output, n, "output")?;
        check_disjoint(output, n, zs, n, "output and zs")?;
        check_disjoint(output, n, cs, n, "output and cs")?;
        // SAFETY: checked above; hpk_complex and Complex64 have the same layout (asserted at
        // compile time) so the casts view the same memory.
        let (zs, cs, out) = unsafe {
            (
                input(zs.cast::<Complex64>(), n, "zs")?,
                input(cs.cast::<Complex64>(), n, "cs")?,
                checks::output(output, n, "output")?,
            )
        };
        with_progress(|p| julia::calculate_z_with_progress(zs, cs, maxiter, out, p))
    })
}

/// Escape counts of a `width x height` grid of the complex plane, the book's picture.
///
/// Point (row r, column k) is `z = (x1 + k*(x2-x1)/width) + i*(y2 + r*(y1-y2)/height)`: row 0 is
/// the top (imaginary part y2), column 0 the left (real part x1). Each point iterates
/// `z = z*z + c` with `c = c_re + i*c_im` as hpk_julia_calculate_z. `output` holds
/// `width * height` int32 values, row-major: element `r*width + k`. The book's configuration
/// (x1 = y1 = -1.8, x2 = y2 = 1.8, 1000 x 1000, c = -0.62772 - 0.42193i, maxiter 300) sums to
/// 33219980. Rows are shared dynamically among the library's threads.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `output` is NULL; HPK_ERR_INVALID_SIZE if `width` or
/// `height` is 0 or `width*height*4` overflows; HPK_ERR_INVALID_ARGUMENT if a coordinate or `c` is
/// not finite, `maxiter < 0`, or `output` is misaligned; HPK_ERR_CANCELLED if the progress
/// handler asked to stop.
///
/// Progress (hpk_set_progress_handler), when `width * height * maxiter` is 2^22 or more: `done`
/// and `total` count pixels (`total = width * height`), a row at a time (in bands of columns when
/// one row is more than about a millisecond of work). After HPK_ERR_CANCELLED, `output` may be
/// partly written: each pixel holds its right count or is untouched (whole rows, except when rows
/// go in bands).
///
/// # Safety
/// `output` must point to `width * height` writable int32 values.
#[no_mangle]
pub unsafe extern "C" fn hpk_julia_grid(
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
    width: usize,
    height: usize,
    c_re: f64,
    c_im: f64,
    maxiter: i32,
    output: *mut i32,
) -> hpk_status {
    let grid = Grid { x1, x2, y1, y2, width, height, c: Complex64::new(c_re, c_im), maxiter };
    // SAFETY: the caller's precondition is hpk_julia_tile's for the whole grid.
    unsafe { julia_tile(&grid, Tile::whole(&grid), output) }
}

/// The body of hpk_julia_tile and hpk_julia_grid (the whole-grid tile).
///
/// # Safety
/// `output` must point to `tile.rows * tile.cols` writable int32 values.
unsafe fn julia_tile(grid: &Grid, tile: Tile, output: *mut i32) -> hpk_status {
    guard(|| {
        if output.is_null() {
            return Err(Error::NullPointer("output"));
        }
        let (rows, cols) = (tile.rows, tile.cols);
        let points = rows
            .checked_mul(cols)
            .ok_or_else(|| Error::InvalidSize(format!("a {rows} x {cols} grid or tile overflows")))?;
        check_ptr(output, points, "output")?;
        // SAFETY: checked non-NULL, aligned and sized; the length is the caller's precondition.
        // The kernel checks the arguments (zero dimensions, the tile's place) before writing.
        let out = unsafe { checks::output(output, points, "output")? };
        with_progress(|p| julia::calculate_tile_with_progress(grid, tile, out, p))
    })
}

/// Escape counts of a tile of the `width x height` grid of hpk_julia_grid: its rows
/// `row0 .. row0 + rows` and columns `col0 .. col0 + cols`, into `output` (`rows * cols` int32
/// values, row-major: element `i*cols + j` is grid pixel (row0 + i, col0 + j)).
///
/// Every pixel's coordinates come from its global indices in the grid (`x1 + k*(x2-x1)/width`
/// with the global column k), so tiles computed apart (on other machines, in any order) and put
/// together equal hpk_julia_grid's output bit for bit; hpk_julia_grid is the whole-grid tile.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `output` is NULL; HPK_ERR_INVALID_SIZE if `width`,
/// `height`, `rows` or `cols` is 0 or `width*height*4` overflows; HPK_ERR_INVALID_ARGUMENT if the
/// tile does not lie inside the grid, a coordinate or `c` is not finite, `maxiter < 0`, or
/// `output` is misaligned; HPK_ERR_CANCELLED if the progress handler asked to stop.
///
/// Progress (hpk_set_progress_handler), when `rows * cols * maxiter` is 2^22 or more: as
/// hpk_julia_grid, counting the tile's pixels (`total = rows * cols`).
///
/// # Safety
/// `output` must point to `rows * cols` writable int32 values.
#[no_mangle]
pub unsafe extern "C" fn hpk_julia_tile(
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
    width: usize,
    height: usize,
    row0: usize,
    col0: usize,
    rows: usize,
    cols: usize,
    c_re: f64,
    c_im: f64,
    maxiter: i32,
    output: *mut i32,
) -> hpk_status {
    let grid = Grid { x1, x2, y1, y2, width, height, c: Complex64::new(c_re, c_im), maxiter };
    // SAFETY: the caller's precondition.
    unsafe { julia_tile(&grid, Tile { row0, col0, rows, cols }, output) }
}
