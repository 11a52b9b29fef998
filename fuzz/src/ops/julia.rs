//! hpk_julia_calculate_z and hpk_julia_grid (ops CalculateZ and JuliaGrid).

use super::{huge_count, Fuzz};
use crate::buffers::{f64_bytes, Arg, Bufs};
use crate::check::{call, check_untouched, Expect};
use crate::{JULIA_BUDGET, MAX_ELEMS};
use hpkern::ffi::*;
use hpkern_testkit::julia;
use num_complex::Complex64;

impl Fuzz<'_> {
    pub(super) fn op_calculate_z(&mut self) {
        let m = self.inp.u8();
        let (n, huge) = match m % 16 {
            0 => (huge_count(self.inp.u8(), 16), true),
            1 => (0, false),
            2..=8 => (1 + usize::from(self.inp.u8()) % 64, false),
            _ => (1 + usize::from(self.inp.u16()) % MAX_ELEMS, false),
        };
        let maxiter_raw = self.inp.maxiter();
        let places = [self.inp.place(0), self.inp.place(1), self.inp.place(2)];
        let backed = if huge { 2 } else { n };
        let zs = self.inp.f64s(2 * backed, 2.5);
        let cs = match self.inp.u8() % 4 {
            0 => [-0.62772, -0.42193].repeat(backed),
            _ => self.inp.f64s(2 * backed, 1.0),
        };
        let args = [
            Arg { name: "zs", elem: 16, align: 8, len: backed },
            Arg { name: "cs", elem: 16, align: 8, len: backed },
            Arg { name: "output", elem: 4, align: 4, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &f64_bytes(&zs));
        b.write(1, &f64_bytes(&cs));
        // What the library will read (cs overwrites zs where they share memory).
        let (zv, cv) = (b.complexes(0), b.complexes(1));

        let mut e = Expect::default();
        e.add(n > 0 && (0..3).any(|i| b.is_null(i)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(maxiter_raw < 0, HPK_ERR_INVALID_ARGUMENT);
        e.add(n > 0 && (0..3).any(|i| b.misaligned(i)), HPK_ERR_INVALID_ARGUMENT);
        let nonfinite = zv.iter().chain(&cv).any(|&(re, im)| !(re.is_finite() && im.is_finite()));
        e.add(nonfinite, HPK_ERR_INVALID_ARGUMENT);
        e.add(
            b.overlap(2, 0) || b.overlap(2, 1) || (huge && (b.same_arena(2, 0) || b.same_arena(2, 1))),
            HPK_ERR_OVERLAP,
        );

        let mut maxiter = maxiter_raw;
        let mut expect = Vec::new();
        if !e.fails() {
            let compute = |maxiter: i32| {
                let mut budget = JULIA_BUDGET;
                zv.iter()
                    .zip(&cv)
                    .map(|(&z, &c)| julia::escape_count_within(z, c, maxiter, &mut budget))
                    .collect::<Option<Vec<i32>>>()
            };
            expect = match compute(maxiter) {
                Some(v) => v,
                None => {
                    maxiter %= (JULIA_BUDGET / n as u64) as i32 + 1;
                    compute(maxiter).expect("within budget")
                }
            };
        }
        b.take_snapshot();
        let what = format!("hpk_julia_calculate_z(zs, cs, {n}, {maxiter}, output) with {}", b.describe());
        let (pz, pc, po) = (b.ptr(0).cast::<hpk_complex>(), b.ptr(1).cast::<hpk_complex>(), b.ptr(2).cast::<i32>());
        // SAFETY: every non-NULL pointer points to n elements (or n*16 overflows).
        let st = call(&what, e, || unsafe { hpk_julia_calculate_z(pz, pc, n, maxiter, po) });
        check_untouched(&what, &b, st, &[2]);
        if st != HPK_OK {
            return;
        }
        let got = b.i32s(2);
        for (k, (&g, &x)) in got.iter().zip(&expect).enumerate() {
            if g != x || !(0..=maxiter).contains(&g) {
                bug!(what, "output[{k}] = {g}, reference {x} (z = {:?}, c = {:?})", zv[k], cv[k]);
            }
        }
    }

    pub(super) fn op_julia_grid(&mut self) {
        let m = self.inp.u8();
        let (a, c) = (usize::from(self.inp.u8()), usize::from(self.inp.u8()));
        let huge_grids: [(usize, usize); 6] = [
            (usize::MAX, 2),
            (1 << 32, 1 << 30),
            (1 << 61, 1),
            (isize::MAX as usize / 4 + 1, 1),
            (usize::MAX, usize::MAX),
            (1 << 32, 1 << 32),
        ];
        let (width, height, huge) = match m % 16 {
            0 => {
                let (w, h) = huge_grids[a % huge_grids.len()];
                if m & 0x80 != 0 {
                    (h, w, true)
                } else {
                    (w, h, true)
                }
            }
            1 => {
                if m & 0x80 != 0 {
                    (0, c % 8, false)
                } else {
                    (c % 8, 0, false)
                }
            }
            2 => (1, 1 + (a << 8 | c) % MAX_ELEMS, false),
            3 => (1 + (a << 8 | c) % MAX_ELEMS, 1, false),
            _ => (1 + a % 64, 1 + c % 64, false),
        };
        let (x1, x2, y1, y2, c_re, c_im) = if self.inp.u8().is_multiple_of(4) {
            (-1.8, 1.8, -1.8, 1.8, -0.62772, -0.42193)
        } else {
            (
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(1.0),
                self.inp.f64v(1.0),
            )
        };
        let maxiter_raw = self.inp.maxiter();
        let places = [self.inp.place(0)];
        let backed = if huge { 4 } else { width * height };
        let mut b = Bufs::build(&[Arg { name: "output", elem: 4, align: 4, len: backed }], &places);

        let mut e = Expect::default();
        e.add(b.is_null(0), HPK_ERR_NULL_POINTER);
        e.add(width == 0 || height == 0 || huge, HPK_ERR_INVALID_SIZE);
        e.add([x1, x2, y1, y2, c_re, c_im].iter().any(|v| !v.is_finite()) || maxiter_raw < 0, HPK_ERR_INVALID_ARGUMENT);
        e.add(b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);

        let mut maxiter = maxiter_raw;
        let mut expect = Vec::new();
        if !e.fails() {
            // The crate's own definition of the grid's points (hpkern::julia::Grid::z).
            let compute = |maxiter: i32| {
                let g = hpkern::julia::Grid { x1, x2, y1, y2, width, height, c: Complex64::new(c_re, c_im), maxiter };
                let mut budget = JULIA_BUDGET;
                (0..height)
                    .flat_map(|r| (0..width).map(move |k| (r, k)))
                    .map(|(r, k)| {
                        let z = g.z(r, k);
                        julia::escape_count_within((z.re, z.im), (c_re, c_im), maxiter, &mut budget)
                    })
                    .collect::<Option<Vec<i32>>>()
            };
            expect = match compute(maxiter) {
                Some(v) => v,
                None => {
                    maxiter %= (JULIA_BUDGET / backed as u64) as i32 + 1;
                    compute(maxiter).expect("within budget")
                }
            };
        }
        b.take_snapshot();
        let what = format!(
            "hpk_julia_grid({x1:e}, {x2:e}, {y1:e}, {y2:e}, {width}, {height}, {c_re:e}, {c_im:e}, {maxiter}, output) with {}",
            b.describe()
        );
        let po = b.ptr(0).cast::<i32>();
        // SAFETY: a non-NULL output points to width*height int32 (or that count overflows).
        let st = call(&what, e, || unsafe { hpk_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, po) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.i32s(0);
        for (k, (&g, &x)) in got.iter().zip(&expect).enumerate() {
            if g != x || !(0..=maxiter).contains(&g) {
                bug!(what, "output[{k}] (row {}, col {}) = {g}, reference {x}", k / width, k % width);
            }
        }
    }
}
