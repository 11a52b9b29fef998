//! Row kernels of the explicit 5-point diffusion step, one implementation per path ([`Supported`]).
//!
//! Every cell is computed as `mid + ddt*(down + up + right + left - 4*mid)`, in that order and
//! with separate multiplies and adds (no fused multiply-add), so every path is bit-identical to
//! the book's C loop (`D*dt*lap` with `ddt = D*dt` computed once).

mod scalar;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

use super::{Boundary, Stencil};
use crate::isa::Supported;

/// One cell; argument order fixes the summation order. Every path's scalar heads and tails use it.
#[inline(always)]
pub(super) fn cell(mid: f64, up: f64, down: f64, left: f64, right: f64, ddt: f64) -> f64 {
    mid + ddt * (down + up + right + left - 4.0 * mid)
}

/// How rows are computed: the instruction-set path, and whether outputs bypass the caches.
#[derive(Clone, Copy, Debug)]
pub(super) struct RowKernel {
    isa: Supported,
    /// Non-temporal stores: for outputs too large to stay cached, they skip reading each output
    /// line before overwriting it (a third of a step's memory traffic). Call [`Self::finish`].
    /// Only the x86-64 paths stream.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    streaming: bool,
}

impl RowKernel {
    /// A kernel for the path `isa`.
    pub(super) fn new(isa: Supported, streaming: bool) -> RowKernel {
        RowKernel { isa, streaming: streaming && isa != Supported::Scalar }
    }

    /// Update one row from its neighbours `up` and `down` (each at least `out.len()` long).
    ///
    /// Columns `1..n-1` never wrap and go to the ISA's interior loop; the two edge columns are
    /// copied (fixed) or wrap around (periodic).
    #[inline]
    pub(super) fn row(self, up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, boundary: Boundary) {
        let n = out.len();
        let (up, mid, down) = (&up[..n], &mid[..n], &down[..n]);
        if n >= 3 {
            self.interior(up, mid, down, &mut out[1..n - 1], ddt);
        }
        self.edges(up, mid, down, out, ddt, boundary);
    }

    /// Two adjacent rows at once: `[up, mid0, mid1, down]` are four consecutive input rows
    /// (each at least `out0.len()` long), `[out0, out1]` the new `mid0` and `mid1`. The same
    /// cells as two calls of [`Self::row`]; the interior columns of both rows go through one
    /// loop that loads their shared centre vectors once (register blocking), except when
    /// streaming, which stays one row at a time.
    #[inline]
    pub(super) fn rows2(self, input: [&[f64]; 4], [out0, out1]: [&mut [f64]; 2], ddt: f64, boundary: Boundary) {
        let n = out0.len();
        let [up, mid0, mid1, down] = input.map(|row| &row[..n]);
        if n < 3 || self.streaming {
            self.row(up, mid0, mid1, out0, ddt, boundary);
            return self.row(mid0, mid1, down, out1, ddt, boundary);
        }
        self.interior2([up, mid0, mid1, down], [&mut out0[1..n - 1], &mut out1[1..n - 1]], ddt);
        for (up, mid, down, out) in [(up, mid0, mid1, out0), (mid0, mid1, down, out1)] {
            self.edges(up, mid, down, out, ddt, boundary);
        }
    }

    /// The two edge columns of a row (`n >= 1` cells): copied (fixed) or wrapped (periodic).
    #[inline]
    fn edges(self, up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64, boundary: Boundary) {
        let n = out.len();
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

    /// Cells `1..n-1` of one row into `out[0..n-2]`: `up`, `mid`, `down` have length `n >= 3`
    /// and `out` length `n-2`. Columns never wrap here: the caller handles the row's edges.
    #[inline]
    pub(super) fn interior(self, up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], ddt: f64) {
        match self.isa {
            Supported::Scalar => scalar::interior(up, mid, down, out, ddt),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx2(avx2) => avx2::interior(avx2, up, mid, down, out, ddt, self.streaming),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx512(avx512) => avx512::interior(avx512, up, mid, down, out, ddt, self.streaming),
        }
    }

    /// Cells `1..n-1` of two adjacent rows into `out0[0..n-2]` and `out1[0..n-2]`: `[up, mid0,
    /// mid1, down]` are four consecutive input rows of length `n >= 3`. The same cells as two
    /// calls of [`Self::interior`], in one loop that loads the rows' shared centre vectors once
    /// (register blocking); when streaming, two calls of [`Self::interior`].
    #[inline]
    pub(super) fn interior2(self, input: [&[f64]; 4], [out0, out1]: [&mut [f64]; 2], ddt: f64) {
        let [up, mid0, mid1, down] = input;
        if self.streaming {
            self.interior(up, mid0, mid1, out0, ddt);
            return self.interior(mid0, mid1, down, out1, ddt);
        }
        match self.isa {
            Supported::Scalar => scalar::interior2(up, mid0, mid1, down, out0, out1, ddt),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx2(avx2) => avx2::interior2(avx2, input, [out0, out1], ddt),
            #[cfg(target_arch = "x86_64")]
            Supported::Avx512(avx512) => avx512::interior2(avx512, input, [out0, out1], ddt),
        }
    }

    /// Order this thread's streaming stores before whatever follows (other threads reading the
    /// output); a no-op without streaming. Call once after the last row of a batch.
    pub(super) fn finish(self) {
        #[cfg(target_arch = "x86_64")]
        if self.streaming {
            // SAFETY: SSE (and so sfence) is part of the x86-64 baseline.
            unsafe { std::arch::x86_64::_mm_sfence() };
        }
    }
}

/// Compute rows `first_row..first_row + out.len()/cols` of one step into `out`.
pub(super) fn update_rows(kernel: RowKernel, s: Stencil, input: &[f64], out: &mut [f64], first_row: usize) {
    let Stencil { rows, cols, ddt, boundary, .. } = s;
    let row = |i: usize| &input[i * cols..(i + 1) * cols];
    let edge = |i: usize| boundary == Boundary::Fixed && (i == 0 || i == rows - 1 || cols < 3);
    let mut rest = out;
    let mut i = first_row;
    while !rest.is_empty() {
        // Two rows at a time where neither is a fixed edge row (register blocking, `rows2`).
        let pair = rest.len() >= 2 * cols && !edge(i) && !edge(i + 1);
        let (now, tail) = std::mem::take(&mut rest).split_at_mut(if pair { 2 * cols } else { cols });
        rest = tail;
        // Neighbour rows wrap when periodic; a fixed grid's non-edge rows have both neighbours.
        let (up, down) = ((i + rows - 1) % rows, (i + 1 + usize::from(pair)) % rows);
        if pair {
            let (a, b) = now.split_at_mut(cols);
            kernel.rows2([row(up), row(i), row(i + 1), row(down)], [a, b], ddt, boundary);
        } else if edge(i) {
            now.copy_from_slice(row(i));
        } else {
            kernel.row(row(up), row(i), row(down), now, ddt, boundary);
        }
        i += 1 + usize::from(pair);
    }
    kernel.finish();
}
