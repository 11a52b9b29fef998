//! Rows of hpk_diffusion_evolve and hpk_diffusion_run: they share every class.

use super::*;

/// Grid values that are multiples of 1/4 in [-1, 2]: with d*dt = 1/8 every step is exact, so
/// the library and the header's formula agree bit for bit whatever the evaluation order.
fn grid_values(n: usize) -> Vec<f64> {
    (0..n).map(|k| ((k * 7 + 3) % 13) as f64 * 0.25 - 1.0).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

const FIXED: u32 = HPK_BOUNDARY_FIXED;
const PERIODIC: u32 = HPK_BOUNDARY_PERIODIC;
/// The grid of the error rows (20 cells), d and dt that are valid (d*dt = 1/8).
const ROWS: usize = 4;
const COLS: usize = 5;
const D: f64 = 1.0;
const DT: f64 = 0.125;

#[derive(Clone, Copy)]
pub(crate) enum Diffusion {
    Evolve,
    Run,
}

impl Diffusion {
    fn export(self) -> &'static str {
        match self {
            Diffusion::Evolve => EVOLVE,
            Diffusion::Run => RUN,
        }
    }
    /// The two grids: (in, out) or (grid, scratch).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Diffusion::Evolve => ("in", "out"),
            Diffusion::Run => ("grid", "scratch"),
        }
    }
    /// The first grid, holding `values`: evolve's `in` (an input) or run's `grid` (written).
    fn first(self, m: &mut Mem, values: &[f64]) -> *mut f64 {
        match self {
            Diffusion::Evolve => m.f64_in("in", values),
            Diffusion::Run => m.f64_inout("grid", values),
        }
    }
    /// Both grids for `cells` cells: the first with grid values, the second canary.
    fn grids(self, m: &mut Mem, cells: usize) -> (*mut f64, *mut f64) {
        (self.first(m, &grid_values(cells)), m.f64_out(self.names().1, cells))
    }
    /// The call; run does `steps` steps.
    #[allow(clippy::too_many_arguments)]
    fn call(
        self,
        a: *mut f64,
        b: *mut f64,
        rows: usize,
        cols: usize,
        d: f64,
        dt: f64,
        boundary: u32,
        steps: u64,
    ) -> HpkStatus {
        let lib = hpk();
        // SAFETY: every pointer points to at least rows*cols elements when the sizes are valid;
        // with invalid sizes the library must reject the call before touching memory.
        unsafe {
            match self {
                Diffusion::Evolve => (lib.diffusion_evolve)(a, b, rows, cols, d, dt, boundary),
                Diffusion::Run => (lib.diffusion_run)(a, b, rows, cols, d, dt, boundary, steps),
            }
        }
    }
}

pub(crate) fn diffusion_rows(t: &mut Table, k: Diffusion) {
    let e = k.export();
    let (a_name, b_name) = k.names();

    // NULL, each pointer separately and both.
    for (rows, cols) in [(ROWS, COLS), (1, 1), (3, 3)] {
        for boundary in [FIXED, PERIODIC] {
            for (null_a, null_b, which) in [(true, false, a_name), (false, true, b_name), (true, true, "both")] {
                t.add(e, format!("NULL {which}, {rows}x{cols}, boundary {boundary}"), HPK_ERR_NULL_POINTER, move |m| {
                    let (a, b) = k.grids(m, rows * cols);
                    let a = if null_a { null_mut() } else { a };
                    let b = if null_b { null_mut() } else { b };
                    k.call(a, b, rows, cols, D, DT, boundary, 1)
                });
            }
        }
    }

    // Zero dimensions (on real 3x3 buffers).
    for (rows, cols) in [(0, 3), (3, 0), (0, 0), (0, 1), (1, 0), (0, usize::MAX), (usize::MAX, 0)] {
        for boundary in [FIXED, PERIODIC] {
            t.add(e, format!("zero dimension {rows}x{cols}, boundary {boundary}"), HPK_ERR_INVALID_SIZE, move |m| {
                let (a, b) = k.grids(m, 9);
                k.call(a, b, rows, cols, D, DT, boundary, 1)
            });
        }
    }

    // rows*cols overflows usize.
    for (rows, cols) in OVERFLOWING_USIZE {
        assert!(rows.checked_mul(cols).is_none());
        t.add(e, format!("rows*cols overflows usize: {rows}x{cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let (a, b) = k.grids(m, 9);
            k.call(a, b, rows, cols, D, DT, FIXED, 1)
        });
    }
    // rows*cols fits, rows*cols*8 does not fit isize (or usize).
    let isize_limit = isize::MAX as usize / 8; // the most doubles a slice can hold
    for (rows, cols) in [
        (1 << 30, 1 << 30),
        (3, 1 << 59),
        (1, 1 << 60),
        (1 << 31, 1 << 29),
        (isize_limit + 1, 1),
        (1 << 61, 1),
        (1 << 62, 1),
        (1, usize::MAX),
        (usize::MAX / 8, 2),
    ] {
        let cells: usize = rows.checked_mul(cols).expect("rows*cols fits usize");
        assert!(cells > isize_limit, "{rows}x{cols}: {cells} doubles fit isize");
        t.add(e, format!("rows*cols*8 past isize::MAX: {rows}x{cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let (a, b) = k.grids(m, 9);
            k.call(a, b, rows, cols, D, DT, PERIODIC, 1)
        });
    }

    // Non-finite d and dt.
    for (what, v) in non_finite() {
        t.add(e, format!("d = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, v, DT, FIXED, 1)
        });
        t.add(e, format!("dt = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, D, v, PERIODIC, 1)
        });
    }

    // Unknown boundaries.
    for boundary in UNKNOWN_BOUNDARIES {
        t.add(e, format!("unknown boundary {boundary:#x}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, D, DT, boundary, 1)
        });
    }

    // Misaligned pointers: each by 1..=7 bytes (the region has a spare word, so in bounds).
    for off in 1..8isize {
        t.add(e, format!("{a_name} misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(shift(a, off), b, ROWS, COLS, D, DT, FIXED, 1)
        });
        t.add(e, format!("{b_name} misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, shift(b, off), ROWS, COLS, D, DT, FIXED, 1)
        });
    }

    // Identical and partially overlapping grids, both directions, in one buffer of 2n doubles.
    let n = ROWS * COLS;
    for (shape, boundary) in [((ROWS, COLS), FIXED), ((ROWS, COLS), PERIODIC), ((1, 1), FIXED)] {
        t.add(
            e,
            format!("{a_name} == {b_name}, {}x{}, boundary {boundary}", shape.0, shape.1),
            HPK_ERR_OVERLAP,
            move |m| {
                let p = m.f64_inout("shared", &grid_values(2 * n));
                k.call(p, p, shape.0, shape.1, D, DT, boundary, 1)
            },
        );
    }
    for off in [1, 2, n / 2, n - 1] {
        t.add(e, format!("{b_name} starts {off} doubles into {a_name}"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("shared", &grid_values(2 * n));
            k.call(p, p.wrapping_add(off), ROWS, COLS, D, DT, FIXED, 1)
        });
        t.add(e, format!("{a_name} starts {off} doubles into {b_name}"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("shared", &grid_values(2 * n));
            k.call(p.wrapping_add(off), p, ROWS, COLS, D, DT, PERIODIC, 1)
        });
    }

    // Valid: adjacent grids (disjoint, sharing no byte), both orders, with exact values.
    for (a_first, boundary) in [(true, FIXED), (false, PERIODIC)] {
        let order =
            if a_first { format!("{b_name} right after {a_name}") } else { format!("{a_name} right after {b_name}") };
        t.add(e, format!("valid: {order}, boundary {boundary}"), HPK_OK, move |m| {
            let mut values = grid_values(2 * n);
            let (a_at, b_at) = if a_first { (0, n) } else { (n, 0) };
            values[b_at..b_at + n].fill(f64::from_bits(F64_CANARY));
            let p = m.f64_inout("shared", &values);
            k.call(p.wrapping_add(a_at), p.wrapping_add(b_at), ROWS, COLS, D, DT, boundary, 1)
        })
        .check(move |m| {
            let (a_at, _) = if a_first { (0, n) } else { (n, 0) };
            let start = grid_values(2 * n)[a_at..a_at + n].to_vec();
            let want = diffusion_reference(&start, ROWS, COLS, D, DT, boundary);
            let all = m.f64s("shared", 2 * n);
            // evolve: the result in out, in unchanged; run: the result in grid.
            let result_at = match k {
                Diffusion::Evolve => n - a_at,
                Diffusion::Run => a_at,
            };
            same("result", bits(&all[result_at..result_at + n]), bits(&want))?;
            if let Diffusion::Evolve = k {
                same("in", bits(&all[a_at..a_at + n]), bits(&start))?;
            }
            m.untouched_outside("shared", 0..2 * n * 8)
        });
    }
    // Valid: finite extremes of d and dt, and the smallest grids.
    for (what, rows, cols, d, dt, boundary) in [
        ("d = 0", ROWS, COLS, 0.0, DT, FIXED),
        ("d = -0.0", ROWS, COLS, -0.0, DT, PERIODIC),
        ("d = f64::MAX, dt = 0", ROWS, COLS, f64::MAX, 0.0, PERIODIC),
        ("negative d (finite, so valid)", ROWS, COLS, -2.0, DT, PERIODIC),
        ("1x1 fixed (all edge)", 1, 1, D, DT, FIXED),
        ("1x1 periodic (its own neighbours)", 1, 1, D, DT, PERIODIC),
        ("2x7 fixed (all edge)", 2, 7, D, DT, FIXED),
        ("1x9 periodic", 1, 9, D, DT, PERIODIC),
    ] {
        t.add(e, format!("valid: {what}"), HPK_OK, move |m| {
            let (a, b) = k.grids(m, rows * cols);
            k.call(a, b, rows, cols, d, dt, boundary, 1)
        })
        .check(move |m| {
            let start = grid_values(rows * cols);
            let want = diffusion_reference(&start, rows, cols, d, dt, boundary);
            let result = match k {
                Diffusion::Evolve => b_name,
                Diffusion::Run => a_name,
            };
            same("result", bits(&m.f64s(result, rows * cols)), bits(&want))?;
            m.untouched_outside(result, 0..rows * cols * 8)
        });
    }

    if let Diffusion::Run = k {
        // steps = 0 changes nothing but does not skip validation; steps = u64::MAX with a bad
        // argument returns at once.
        t.add(e, "valid: steps = 0 leaves grid unchanged", HPK_OK, move |m| {
            let (a, b) = k.grids(m, n);
            k.call(a, b, ROWS, COLS, D, DT, FIXED, 0)
        })
        .check(move |m| same("grid", bits(&m.f64s("grid", n)), bits(&grid_values(n))));
        #[derive(Clone, Copy)]
        enum Bad {
            NullScratch,
            ZeroRows,
            NanD,
            Boundary2,
            Identical,
        }
        for (what, expect, bad, steps) in [
            ("NULL scratch, steps = 0", HPK_ERR_NULL_POINTER, Bad::NullScratch, 0),
            ("zero rows, steps = 0", HPK_ERR_INVALID_SIZE, Bad::ZeroRows, 0),
            ("d = NaN, steps = 0", HPK_ERR_INVALID_ARGUMENT, Bad::NanD, 0),
            ("unknown boundary, steps = 0", HPK_ERR_INVALID_ARGUMENT, Bad::Boundary2, 0),
            ("grid == scratch, steps = 0", HPK_ERR_OVERLAP, Bad::Identical, 0),
            ("d = NaN, steps = u64::MAX", HPK_ERR_INVALID_ARGUMENT, Bad::NanD, u64::MAX),
            ("grid == scratch, steps = u64::MAX", HPK_ERR_OVERLAP, Bad::Identical, u64::MAX),
        ] {
            t.add(e, what, expect, move |m| {
                let (a, b) = k.grids(m, n);
                match bad {
                    Bad::NullScratch => k.call(a, null_mut(), ROWS, COLS, D, DT, FIXED, steps),
                    Bad::ZeroRows => k.call(a, b, 0, COLS, D, DT, FIXED, steps),
                    Bad::NanD => k.call(a, b, ROWS, COLS, NAN, DT, FIXED, steps),
                    Bad::Boundary2 => k.call(a, b, ROWS, COLS, D, DT, 2, steps),
                    Bad::Identical => k.call(a, a, ROWS, COLS, D, DT, FIXED, steps),
                }
            });
        }
    }
}
