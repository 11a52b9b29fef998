//! Every ISA path and the temporal blocking, against the scalar formula bit for bit.

use super::blocked::Plan;
use super::local;
use super::stencil::RowKernel;
use super::tests::{reference_step, test_grid, test_stencil};
use super::*;
use proptest::prelude::*;

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// `steps` steps of the cell-by-cell reference.
fn reference_run(start: &[f64], rows: usize, cols: usize, ddt: f64, boundary: Boundary, steps: u64) -> Vec<f64> {
    let mut grid = start.to_vec();
    for _ in 0..steps {
        grid = reference_step(&grid, rows, cols, ddt, 1.0, boundary);
    }
    grid
}

const SHAPES: &[(usize, usize)] = &[
    (1, 1),
    (1, 9),
    (9, 1),
    (2, 2),
    (2, 5),
    (5, 2),
    (3, 3),
    (4, 7),
    (37, 53),
    (64, 64),
    (100, 3),
    (3, 100),
    (130, 17),
    (181, 182),
    (513, 517),
];

#[test]
fn every_path_steps_bit_identically_to_the_formula() {
    for isa in Supported::all() {
        for streaming in [false, true] {
            let kernel = RowKernel::new(isa, streaming);
            for &(rows, cols) in SHAPES {
                for boundary in [Boundary::Fixed, Boundary::Periodic] {
                    let input = test_grid(rows, cols);
                    let want = reference_step(&input, rows, cols, 0.1, 1.0, boundary);
                    for threads in [1, 2] {
                        let mut out = vec![f64::NAN; rows * cols];
                        pool::install(|_| {
                            step(
                                kernel,
                                test_stencil(isa, rows, cols, boundary),
                                &input,
                                &mut out,
                                threads,
                                Meter::off(),
                            )
                        })
                        .unwrap();
                        assert!(
                            same_bits(&out, &want),
                            "{isa:?} streaming={streaming} {rows}x{cols} {boundary:?} {threads}t"
                        );
                    }
                    // Bands on a team of short calls: 2 and 3 threads, as many bands as rows allow.
                    for threads in [2, 3] {
                        let mut out = vec![f64::NAN; rows * cols];
                        pool::with_private_team(threads, |par| {
                            assert!(par.is_team());
                            step_bands(kernel, test_stencil(isa, rows, cols, boundary), &input, &mut out, par)
                        });
                        assert!(
                            same_bits(&out, &want),
                            "{isa:?} streaming={streaming} {rows}x{cols} {boundary:?} team {threads}t"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn row_kernels_match_scalar_at_every_alignment_and_length() {
    let scalar = RowKernel::new(Supported::Scalar, false);
    for isa in Supported::all() {
        for streaming in [false, true] {
            let kernel = RowKernel::new(isa, streaming);
            for n in 1..=41 {
                for offset in 0..8 {
                    let rows = test_grid(3, n + 8);
                    let (up, mid, down) =
                        (&rows[offset..][..n], &rows[n + 8 + offset..][..n], &rows[2 * (n + 8)..][..n]);
                    for boundary in [Boundary::Fixed, Boundary::Periodic] {
                        let mut want = vec![-1.0; n + 8];
                        let mut got = vec![-1.0; n + 8];
                        scalar.row(up, mid, down, &mut want[offset..offset + n], 0.2, boundary);
                        kernel.row(up, mid, down, &mut got[offset..offset + n], 0.2, boundary);
                        kernel.finish();
                        // Also checks that nothing outside the row was written.
                        assert!(
                            same_bits(&got, &want),
                            "{isa:?} streaming={streaming} n={n} offset={offset} {boundary:?}"
                        );
                        assert!(want[offset..offset + n].iter().all(|&v| v != -1.0));
                    }
                }
            }
        }
    }
}

#[test]
fn two_row_kernels_match_two_scalar_rows_at_every_alignment_and_length() {
    let scalar = RowKernel::new(Supported::Scalar, false);
    for isa in Supported::all() {
        for streaming in [false, true] {
            let kernel = RowKernel::new(isa, streaming);
            for n in 1..=41 {
                let stride = n + 8;
                let input = test_grid(4, stride);
                for offset in 0..8 {
                    // Four consecutive rows, each starting `offset` cells into its line of `input`.
                    let rows: [&[f64]; 4] = std::array::from_fn(|r| &input[r * stride + offset..][..n]);
                    for boundary in [Boundary::Fixed, Boundary::Periodic] {
                        let mut want = vec![-1.0; 2 * stride];
                        let mut got = vec![-1.0; 2 * stride];
                        let (want0, want1) = want.split_at_mut(stride);
                        scalar.row(rows[0], rows[1], rows[2], &mut want0[offset..offset + n], 0.2, boundary);
                        scalar.row(rows[1], rows[2], rows[3], &mut want1[offset..offset + n], 0.2, boundary);
                        let (got0, got1) = got.split_at_mut(stride);
                        kernel.rows2(
                            rows,
                            [&mut got0[offset..offset + n], &mut got1[offset..offset + n]],
                            0.2,
                            boundary,
                        );
                        kernel.finish();
                        // Also checks that nothing outside the two rows was written.
                        assert!(
                            same_bits(&got, &want),
                            "{isa:?} streaming={streaming} n={n} offset={offset} {boundary:?}"
                        );
                        assert_eq!(want.iter().filter(|&&v| v != -1.0).count(), 2 * n);
                    }
                }
            }
        }
    }
}

/// A blocked run with an explicit plan, on the library's pool.
fn blocked_run(
    isa: Supported,
    start: &[f64],
    rows: usize,
    cols: usize,
    plan: Plan,
    boundary: Boundary,
    steps: u64,
) -> Vec<f64> {
    let mut grid = start.to_vec();
    let mut scratch = vec![f64::NAN; rows * cols];
    pool::install(|_| plan.run(test_stencil(isa, rows, cols, boundary), &mut grid, &mut scratch, steps, Meter::off()))
        .unwrap()
        .unwrap();
    grid
}

/// The blocking parameters a test tries, every combination (bands above `rows` skipped).
#[derive(Clone, Copy)]
struct Plans {
    steps_per_pass: &'static [usize],
    bands: &'static [usize],
    strip_cols: &'static [usize],
}

/// Every plan of `plans` on every supported path gives step-by-step evolution's bits.
fn assert_blocked_bit_identical(start: &[f64], rows: usize, cols: usize, boundary: Boundary, steps: u64, plans: Plans) {
    let want = reference_run(start, rows, cols, 0.1, boundary, steps);
    for &steps_per_pass in plans.steps_per_pass {
        for &bands in plans.bands.iter().filter(|&&b| b <= rows) {
            for &strip_cols in plans.strip_cols {
                let plan = Plan::with(rows, cols, steps_per_pass, bands, strip_cols).unwrap();
                for isa in Supported::all() {
                    let got = blocked_run(isa, start, rows, cols, plan, boundary, steps);
                    assert!(same_bits(&got, &want), "{isa:?} {rows}x{cols} {boundary:?} {steps} steps, {plan:?}");
                }
            }
        }
    }
}

#[test]
fn blocked_runs_are_bit_identical_to_stepwise_on_every_shape_plan_and_step_count() {
    for &(rows, cols) in &SHAPES[..SHAPES.len() - 2] {
        for boundary in [Boundary::Fixed, Boundary::Periodic] {
            let start = test_grid(rows, cols);
            for steps in [1u64, 2, 3, 7, 8, 17, 33] {
                let plans =
                    Plans { steps_per_pass: &[2, 3, 5, 16], bands: &[1, 2, 3, 5], strip_cols: &[1, 2, 5, 24, 1000] };
                assert_blocked_bit_identical(&start, rows, cols, boundary, steps, plans);
            }
        }
    }
}

/// The wavefront computes two rows per front: every parity of band height and band start, every
/// pass length from 1 to 16 (fronts that end on one row or two), strips and whole rows.
#[test]
fn blocked_two_row_fronts_are_bit_identical_at_odd_row_counts_and_band_edges() {
    for rows in (2..=13).chain([31, 32]) {
        for cols in [5, 18] {
            for boundary in [Boundary::Fixed, Boundary::Periodic] {
                let start = test_grid(rows, cols);
                for steps in 1u64..=16 {
                    // One pass of `steps` steps, and passes of 2 and 3 (a last pass of 1 or 2).
                    let plans = Plans { steps_per_pass: &[16, 2, 3], bands: &[1, 2, 3, 4], strip_cols: &[3, 1000] };
                    assert_blocked_bit_identical(&start, rows, cols, boundary, steps, plans);
                }
            }
        }
    }
}

#[test]
fn tile_local_runs_are_bit_identical_to_stepwise_on_every_shape_plan_and_step_count() {
    for &(rows, cols) in &SHAPES[..SHAPES.len() - 2] {
        for boundary in [Boundary::Fixed, Boundary::Periodic] {
            let start = test_grid(rows, cols);
            for steps in [1u64, 2, 3, 7, 8, 17, 33] {
                let want = reference_run(&start, rows, cols, 0.1, boundary, steps);
                for steps_per_pass in [1, 2, 3, 5, 16] {
                    for tiles in [1, 2, 3, 5].into_iter().filter(|&t| t <= rows) {
                        let plan = local::Plan::with(rows, cols, steps_per_pass, tiles);
                        for isa in Supported::all() {
                            let mut grid = start.clone();
                            let mut scratch = vec![f64::NAN; rows * cols];
                            pool::install(|threads| {
                                plan.run(
                                    test_stencil(isa, rows, cols, boundary),
                                    &mut grid,
                                    &mut scratch,
                                    steps,
                                    threads,
                                    Meter::off(),
                                )
                            })
                            .unwrap()
                            .unwrap();
                            assert!(
                                same_bits(&grid, &want),
                                "{isa:?} {rows}x{cols} {boundary:?} {steps} steps, {plan:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn run_on_every_path_matches_stepwise_evolve_at_bench_sizes() {
    // 512x512 takes the tile-local path on one and on two threads, 4096x4096 the wavefront.
    assert!(local::Plan::new(512, 512, 1).is_some() && local::Plan::new(512, 512, 2).is_some());
    assert!(local::Plan::new(4096, 4096, 2).is_none() && Plan::new(4096, 4096, 2).is_some());
    let (rows, cols) = (512, 512);
    for boundary in [Boundary::Fixed, Boundary::Periodic] {
        let start = test_grid(rows, cols);
        let steps = 37;
        let mut want = start.clone();
        let mut next = vec![0.0; rows * cols];
        for _ in 0..steps {
            evolve_on(test_stencil(Supported::Scalar, rows, cols, boundary), &want, &mut next, Meter::off()).unwrap();
            std::mem::swap(&mut want, &mut next);
        }
        for isa in Supported::all() {
            let mut grid = start.clone();
            let mut scratch = vec![f64::NAN; rows * cols];
            run_on(test_stencil(isa, rows, cols, boundary), &mut grid, &mut scratch, steps, Meter::off()).unwrap();
            assert!(same_bits(&grid, &want), "{isa:?} {boundary:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_blocked_runs_match_reference(
        rows in 1usize..50, cols in 1usize..50, steps in 1u64..40, steps_per_pass in 2usize..12,
        bands in 1usize..5, strip_cols in 1usize..60, seed in 0u64..1000, periodic in any::<bool>(), isa_index in 0usize..3,
    ) {
        let boundary = if periodic { Boundary::Periodic } else { Boundary::Fixed };
        let isas = Supported::all();
        let isa = isas[isa_index % isas.len()];
        let start: Vec<f64> = (0..rows * cols).map(|k| ((k as f64 + seed as f64 * 0.37) * 0.754_877_666).fract()).collect();
        let want = reference_run(&start, rows, cols, 0.1, boundary, steps);
        let plan = Plan::with(rows, cols, steps_per_pass, bands.min(rows), strip_cols).unwrap();
        let got = blocked_run(isa, &start, rows, cols, plan, boundary, steps);
        prop_assert!(same_bits(&got, &want));
    }
}
