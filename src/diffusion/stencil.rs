//! Row kernels of the explicit 5-point diffusion step.
//!
//! Every cell is computed as `mid + ddt*(down + up + right + left - 4*mid)`, in that order, so the
//! result is bit-identical to the book's C loop (`D*dt*lap` with `ddt = D*dt` computed once).

use super::Boundary;

/// One interior cell; argument order fixes the summation order.
#[inline(always)]
fn cell(mid: f64, up: f64, down: f64, left: f64, right: f64, ddt: f64) -> f64 {
    mid + ddt * (down + up + right + left - 4.0 * mid)
}

/// Update one row from its neighbours `up` and `down` (all of length `out.len()`).
///
/// Columns `1..n-1` never wrap, and are written as one branch-free loop the compiler vectorises.
/// The two edge columns are copied (fixed) or wrap around (periodic).
pub(super) fn update_row(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, boundary: Boundary) {
    let n = out.len();
    let (up, mid, down) = (&up[..n], &mid[..n], &down[..n]);
    if n >= 3 {
        // Slicing to the same length lets LLVM drop the bounds checks inside the loop.
        let (left, centre, right) = (&mid[..n - 2], &mid[1..n - 1], &mid[2..]);
        let (up_i, down_i) = (&up[1..n - 1], &down[1..n - 1]);
        for (k, o) in out[1..n - 1].iter_mut().enumerate() {
            *o = cell(centre[k], up_i[k], down_i[k], left[k], right[k], ddt);
        }
    }
    match boundary {
        Boundary::Fixed => {
            out[0] = mid[0];
            out[n - 1] = mid[n - 1];
        }
        Boundary::Periodic => {
            // Modular neighbours also cover n = 1 (a cell is its own neighbour) and n = 2.
            for j in [0, n - 1] {
                let (left, right) = (mid[(j + n - 1) % n], mid[(j + 1) % n]);
                out[j] = cell(mid[j], up[j], down[j], left, right, ddt);
            }
        }
    }
}

/// Compute rows `first_row..first_row + out.len()/cols` of one step into `out`.
pub(super) fn update_rows(
    input: &[f64],
    out: &mut [f64],
    first_row: usize,
    rows: usize,
    cols: usize,
    ddt: f64,
    boundary: Boundary,
) {
    let row = |i: usize| &input[i * cols..(i + 1) * cols];
    for (k, out_row) in out.chunks_exact_mut(cols).enumerate() {
        let i = first_row + k;
        match boundary {
            Boundary::Fixed if i == 0 || i == rows - 1 || cols < 3 => out_row.copy_from_slice(row(i)),
            Boundary::Fixed => update_row(row(i - 1), row(i), row(i + 1), out_row, ddt, boundary),
            Boundary::Periodic => {
                let (up, down) = ((i + rows - 1) % rows, (i + 1) % rows);
                update_row(row(up), row(i), row(down), out_row, ddt, boundary)
            }
        }
    }
}
