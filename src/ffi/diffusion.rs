//! The 2D diffusion equation.

use super::checks::{check_disjoint, check_ptr, input, output};
use super::progress::with_progress;
use super::{guard, hpk_status};
use crate::diffusion::{self, Boundary};
use crate::Error;

/// How a diffusion step treats the grid's edges.
pub type hpk_boundary = u32;

/// Edge cells are copied unchanged from input to output; only interior cells update (the book's
/// C and Fortran). A grid with fewer than 3 rows or columns is all edge.
pub const HPK_BOUNDARY_FIXED: hpk_boundary = 0;
/// Neighbours wrap around (the book's numpy np.roll form); conserves the grid's sum.
pub const HPK_BOUNDARY_PERIODIC: hpk_boundary = 1;

fn boundary_from(value: hpk_boundary) -> Result<Boundary, Error> {
    match value {
        HPK_BOUNDARY_FIXED => Ok(Boundary::Fixed),
        HPK_BOUNDARY_PERIODIC => Ok(Boundary::Periodic),
        other => Err(Error::InvalidArgument(format!(
            "unknown boundary {other}: use HPK_BOUNDARY_FIXED (0) or HPK_BOUNDARY_PERIODIC (1)"
        ))),
    }
}

/// Check both grid pointers, the sizes and the arguments; returns the cell count.
fn check_two_grids(
    (a, a_name): (*const f64, &'static str),
    (b, b_name): (*const f64, &'static str),
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
) -> Result<usize, Error> {
    if a.is_null() {
        return Err(Error::NullPointer(a_name));
    }
    if b.is_null() {
        return Err(Error::NullPointer(b_name));
    }
    let cells = diffusion::check_grid(rows, cols, d, dt)?;
    check_ptr(a, cells, a_name)?;
    check_ptr(b, cells, b_name)?;
    Ok(cells)
}

/// One explicit step of the 2D diffusion equation from `in` into `out`:
/// `out[i][j] = in[i][j] + d*dt*(in[i+1][j] + in[i-1][j] + in[i][j+1] + in[i][j-1] - 4*in[i][j])`.
///
/// Layout: `in` and `out` each hold `rows * cols` doubles, row-major (C order): cell (i, j) is
/// element `i*cols + j`. A column-major (Fortran) array of shape (n, m) is the same memory as a
/// row-major (m, n) one, and the stencil is symmetric: Fortran callers pass rows = m, cols = n.
///
/// Units: grid spacing 1; `d` is the diffusion coefficient and `dt` the time step, in the same
/// time unit. The explicit scheme is stable for d*dt <= 0.25; outside that the library computes
/// what it is asked and values grow without bound.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `in` or `out` is NULL; HPK_ERR_INVALID_SIZE if `rows`
/// or `cols` is 0 or `rows*cols*8` overflows; HPK_ERR_INVALID_ARGUMENT if `d` or `dt` is not
/// finite, `boundary` is not an HPK_BOUNDARY_* value, or a pointer is not 8-byte aligned;
/// HPK_ERR_OVERLAP if the two grids share any byte (the step is not in place); HPK_ERR_CANCELLED
/// if the progress handler asked to stop.
///
/// Progress (hpk_set_progress_handler), on grids of 2^21 cells or more: `done` and `total` count
/// output rows (`total = rows`). After HPK_ERR_CANCELLED, `out` may be partly written (some
/// whole rows of the step) and `in` is untouched.
///
/// # Safety
/// `in` and `out` must each point to `rows * cols` doubles (`out` writable) that no other thread
/// writes during the call.
#[no_mangle]
pub unsafe extern "C" fn hpk_diffusion_evolve(
    r#in: *const f64,
    out: *mut f64,
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: hpk_boundary,
) -> hpk_status {
    guard(|| {
        let cells = check_two_grids((r#in, "in"), (out, "out"), rows, cols, d, dt)?;
        let boundary = boundary_from(boundary)?;
        check_disjoint(r#in, cells, out, cells, "in and out")?;
        // SAFETY: checked non-NULL, aligned, sized and disjoint; lengths are the caller's
        // precondition.
        let (input_grid, output_grid) = unsafe { (input(r#in, cells, "in")?, output(out, cells, "out")?) };
        with_progress(|p| diffusion::evolve_with_progress(input_grid, output_grid, rows, cols, d, dt, boundary, p))
    })
}

/// `steps` explicit steps of hpk_diffusion_evolve, alternating between `grid` and `scratch`.
///
/// The result is left in `grid` whatever the parity of `steps`; `scratch` (same size as `grid`)
/// is working space: its contents on entry are ignored and on return unspecified. `steps == 0`
/// changes nothing. Layout, units, stability and statuses as hpk_diffusion_evolve, with
/// HPK_ERR_OVERLAP when `grid` and `scratch` share any byte, and HPK_ERR_CANCELLED if the
/// progress handler asked to stop. On an error status other than HPK_ERR_CANCELLED neither array
/// is touched.
///
/// Progress (hpk_set_progress_handler), when `rows * cols * steps` is 2^21 or more: `done` counts
/// the steps completed and `total` is `steps`. Steps go in passes of up to 16, so `done` advances
/// a pass at a time. After HPK_ERR_CANCELLED, `grid` holds the grid after exactly the number of
/// steps the last progress report before the return gave as `done` (bit for bit what a run of
/// that many steps gives; a pass in flight at the cancel is abandoned), and `scratch` is
/// unspecified.
///
/// # Safety
/// `grid` and `scratch` must each point to `rows * cols` writable doubles that no other thread
/// uses during the call.
#[no_mangle]
pub unsafe extern "C" fn hpk_diffusion_run(
    grid: *mut f64,
    scratch: *mut f64,
    rows: usize,
    cols: usize,
    d: f64,
    dt: f64,
    boundary: hpk_boundary,
    steps: u64,
) -> hpk_status {
    guard(|| {
        let cells = check_two_grids((grid, "grid"), (scratch, "scratch"), rows, cols, d, dt)?;
        let boundary = boundary_from(boundary)?;
        check_disjoint(grid, cells, scratch, cells, "grid and scratch")?;
        // SAFETY: as in hpk_diffusion_evolve; both are outputs and disjoint.
        let (grid_s, scratch_s) = unsafe { (output(grid, cells, "grid")?, output(scratch, cells, "scratch")?) };
        with_progress(|p| diffusion::run_with_progress(grid_s, scratch_s, rows, cols, d, dt, boundary, steps, p))
    })
}
