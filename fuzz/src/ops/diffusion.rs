//! hpk_diffusion_evolve and hpk_diffusion_run (ops Evolve and Run).

use super::Fuzz;
use crate::buffers::{f64_bytes, Arg, Bufs};
use crate::check::{call, check_untouched, same_f64, Expect};
use crate::MAX_ELEMS;
use hpkern::ffi::*;
use hpkern_testkit::diffusion;

const HUGE_GRIDS: [(usize, usize); 7] = [
    (usize::MAX, 2),
    (1 << 31, 1 << 30), // 2^61 cells: 2^64 bytes of doubles
    (1 << 32, 1 << 32), // the cell count overflows
    (1 << 60, 1),       // 2^63 bytes: fits usize, not the address space
    (isize::MAX as usize / 8 + 1, 1),
    (usize::MAX, usize::MAX),
    (3, usize::MAX / 3 + 1),
];

/// Neumaier-compensated sum and the sum of magnitudes.
fn accurate_sum(v: &[f64]) -> (f64, f64) {
    let (mut s, mut c, mut abs) = (0.0f64, 0.0f64, 0.0f64);
    for &x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
        abs += x.abs();
    }
    (s + c, abs)
}

impl Fuzz<'_> {
    /// Grid dimensions: (rows, cols, overflowing, heavy).
    fn grid_dims(&mut self) -> (usize, usize, bool, bool) {
        let m = self.inp.u8();
        let (a, b) = (usize::from(self.inp.u8()), usize::from(self.inp.u8()));
        let swap = |r: usize, c: usize| if m & 0x80 != 0 { (c, r) } else { (r, c) };
        match m % 16 {
            0 => {
                let (r, c) = swap(HUGE_GRIDS[a % HUGE_GRIDS.len()].0, HUGE_GRIDS[a % HUGE_GRIDS.len()].1);
                (r, c, true, false)
            }
            1 => {
                let (r, c) = swap(0, b % 8);
                (r, c, false, false)
            }
            2 if self.take_heavy() => {
                // At least 2^15 cells: the parallel path of the kernels.
                let rows = 1 + a % 256;
                let cols = (32_768usize).div_ceil(rows) + b % 64;
                let (r, c) = swap(rows, cols);
                (r, c, false, true)
            }
            3 => {
                let (r, c) = swap(1, 1 + (a << 8 | b) % MAX_ELEMS);
                (r, c, false, false)
            }
            _ => (1 + a % 64, 1 + b % 64, false, false),
        }
    }

    pub(super) fn op_diffusion(&mut self, run: bool) {
        let (rows, cols, huge, heavy) = self.grid_dims();
        let d = self.inp.f64v(1.0);
        let dt = self.inp.f64v(0.5);
        let boundary = match self.inp.u8() % 8 {
            0..=2 => HPK_BOUNDARY_FIXED,
            3..=5 => HPK_BOUNDARY_PERIODIC,
            6 => 2 + u32::from(self.inp.u8()),
            _ => self.inp.u32(),
        };
        let steps_raw = self.inp.u64();
        let places = [self.inp.place(0), self.inp.place(1)];
        let backed = if huge { 4 } else { rows * cols };
        let values = self.inp.f64s(backed, 8.0);
        let names = if run { ["grid", "scratch"] } else { ["in", "out"] };
        let args = [
            Arg { name: names[0], elem: 8, align: 8, len: backed },
            Arg { name: names[1], elem: 8, align: 8, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &f64_bytes(&values));
        let initial = b.f64s(0);

        let mut e = Expect::default();
        e.add(b.is_null(0) || b.is_null(1), HPK_ERR_NULL_POINTER);
        e.add(rows == 0 || cols == 0 || huge, HPK_ERR_INVALID_SIZE);
        e.add(!d.is_finite() || !dt.is_finite() || boundary > 1, HPK_ERR_INVALID_ARGUMENT);
        e.add(b.misaligned(0) || b.misaligned(1), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        // Work is bounded unless the call must fail.
        let steps = if e.fails() {
            steps_raw
        } else if heavy {
            steps_raw % 3
        } else {
            steps_raw % 17
        };
        b.take_snapshot();

        let (p0, p1) = (b.ptr(0).cast::<f64>(), b.ptr(1).cast::<f64>());
        let what = if run {
            format!(
                "hpk_diffusion_run(grid, scratch, {rows}, {cols}, {d:e}, {dt:e}, {boundary}, {steps}) with {}",
                b.describe()
            )
        } else {
            format!("hpk_diffusion_evolve(in, out, {rows}, {cols}, {d:e}, {dt:e}, {boundary}) with {}", b.describe())
        };
        // SAFETY: every non-NULL pointer points to rows*cols doubles (or the sizes overflow).
        let st = call(&what, e, || unsafe {
            if run {
                hpk_diffusion_run(p0, p1, rows, cols, d, dt, boundary, steps)
            } else {
                hpk_diffusion_evolve(p0, p1, rows, cols, d, dt, boundary)
            }
        });
        check_untouched(&what, &b, st, if run { &[0, 1] } else { &[1] });
        if st != HPK_OK {
            return;
        }

        let periodic = boundary == HPK_BOUNDARY_PERIODIC;
        let ddt = d * dt;
        let steps_done = if run { steps } else { 1 };
        let mut expect = initial.clone();
        for _ in 0..steps_done {
            expect = diffusion::step(&expect, rows, cols, ddt, periodic);
        }
        let got = if run { b.f64s(0) } else { b.f64s(1) };
        if let Some(k) = (0..got.len()).find(|&k| !same_f64(got[k], expect[k])) {
            bug!(
                what,
                "cell {k} (row {}, col {}) is {:e} ({:#x}), the reference stencil gives {:e} ({:#x})",
                k / cols,
                k % cols,
                got[k],
                got[k].to_bits(),
                expect[k],
                expect[k].to_bits()
            );
        }
        if !periodic {
            for (k, (&g, &i)) in got.iter().zip(&initial).enumerate() {
                let (r, c) = (k / cols, k % cols);
                if (r == 0 || r == rows - 1 || c == 0 || c == cols - 1) && !same_f64(g, i) {
                    bug!(what, "fixed edge cell {k} changed from {i:e} to {g:e}");
                }
            }
        }
        let max_abs = initial.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if periodic && (0.0..=0.25).contains(&ddt) && initial.iter().all(|x| x.is_finite()) && max_abs <= 1e100 {
            let (s0, a0) = accurate_sum(&initial);
            let (s1, a1) = accurate_sum(&got);
            let tol = f64::EPSILON * (2.0 * (a0 + a1) + 16.0 * (steps_done as f64 + 1.0) * got.len() as f64 * max_abs)
                + f64::MIN_POSITIVE;
            if (s1 - s0).abs() > tol {
                bug!(what, "periodic grid sum went from {s0:e} to {s1:e} (tolerance {tol:e})");
            }
        }
    }
}
