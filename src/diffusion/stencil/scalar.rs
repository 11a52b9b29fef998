//! The portable interior loop (the only path off x86-64).

use super::cell;

/// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3`.
pub(super) fn interior(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64) {
    let n = mid.len();
    // Slicing to the same length lets LLVM drop the bounds checks and vectorise the loop.
    let (left, centre, right) = (&mid[..n - 2], &mid[1..n - 1], &mid[2..n]);
    let (up, down) = (&up[1..n - 1], &down[1..n - 1]);
    for (k, o) in out[..n - 2].iter_mut().enumerate() {
        *o = cell(centre[k], up[k], down[k], left[k], right[k], ddt);
    }
}

/// Two adjacent rows `mid0` (above) and `mid1` (below) into `out0` and `out1`: `up` is the row
/// above `mid0`, `down` the row below `mid1`. The same cells as two calls of [`interior`].
pub(super) fn interior2(
    up: &[f64],
    mid0: &[f64],
    mid1: &[f64],
    down: &[f64],
    out0: &mut [f64],
    out1: &mut [f64],
    ddt: f64,
) {
    interior(up, mid0, mid1, out0, ddt);
    interior(mid0, mid1, down, out1, ddt);
}
