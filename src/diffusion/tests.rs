//! Diffusion against a plain reference written from the formula, cell by cell.

use super::*;
use proptest::prelude::*;

/// The formula, with explicit (wrapped) indices and no row tricks.
pub(super) fn reference_step(input: &[f64], rows: usize, cols: usize, d: f64, dt: f64, boundary: Boundary) -> Vec<f64> {
    let at = |i: usize, j: usize| input[i * cols + j];
    let mut out = input.to_vec();
    for i in 0..rows {
        for j in 0..cols {
            let edge = i == 0 || j == 0 || i == rows - 1 || j == cols - 1;
            if boundary == Boundary::Fixed && edge {
                continue;
            }
            let (up, down) = ((i + rows - 1) % rows, (i + 1) % rows);
            let (left, right) = ((j + cols - 1) % cols, (j + 1) % cols);
            let lap = at(down, j) + at(up, j) + at(i, right) + at(i, left) - 4.0 * at(i, j);
            out[i * cols + j] = at(i, j) + d * dt * lap;
        }
    }
    out
}

/// Deterministic values in [0, 1) with no structure the stencil could hide.
pub(super) fn test_grid(rows: usize, cols: usize) -> Vec<f64> {
    (0..rows * cols).map(|k| ((k as f64 * 0.618_033_988_749_895).fract() * 7.0).fract()).collect()
}

/// The internal functions' fixed terms for a `rows x cols` grid on path `isa`, with `ddt = 0.1`.
pub(super) fn test_stencil(isa: Supported, rows: usize, cols: usize, boundary: Boundary) -> Stencil {
    Stencil { isa, rows, cols, ddt: 0.1, boundary }
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
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
    (17, 33),
    (64, 64),
    (181, 182), // 32942 cells: crosses the parallel threshold
    (513, 517),
];

#[test]
fn one_step_matches_reference_on_every_shape_and_boundary() {
    for &(rows, cols) in SHAPES {
        for boundary in [Boundary::Fixed, Boundary::Periodic] {
            let input = test_grid(rows, cols);
            let mut out = vec![f64::NAN; rows * cols];
            evolve(&input, &mut out, rows, cols, 1.0, 0.1, boundary).unwrap();
            let want = reference_step(&input, rows, cols, 1.0, 0.1, boundary);
            let err = max_abs_diff(&out, &want);
            assert!(err <= 1e-12, "{rows}x{cols} {boundary:?}: max error {err}");
        }
    }
}

#[test]
fn fixed_boundary_keeps_edges_and_small_grids_unchanged() {
    for &(rows, cols) in SHAPES {
        let input = test_grid(rows, cols);
        let mut out = vec![f64::NAN; rows * cols];
        evolve(&input, &mut out, rows, cols, 1.0, 0.2, Boundary::Fixed).unwrap();
        for i in 0..rows {
            for j in 0..cols {
                let edge = i == 0 || j == 0 || i == rows - 1 || j == cols - 1;
                if edge || rows < 3 || cols < 3 {
                    assert_eq!(out[i * cols + j], input[i * cols + j], "{rows}x{cols} cell ({i},{j})");
                }
            }
        }
        if rows >= 3 && cols >= 3 {
            assert_ne!(out[cols + 1], input[cols + 1], "an interior cell of a varied grid must change");
        }
    }
}

#[test]
fn periodic_boundary_conserves_mass() {
    for &(rows, cols) in SHAPES {
        let mut grid = test_grid(rows, cols);
        let before: f64 = grid.iter().sum();
        let mut scratch = vec![0.0; rows * cols];
        run(&mut grid, &mut scratch, rows, cols, 1.0, 0.1, Boundary::Periodic, 25).unwrap();
        let after: f64 = grid.iter().sum();
        assert!((after - before).abs() <= 1e-12 * before.max(1.0) * 25.0, "{rows}x{cols}: {before} -> {after}");
    }
}

#[test]
fn run_matches_repeated_reference_for_both_parities() {
    for &(rows, cols) in &[(3, 3), (7, 5), (40, 31), (200, 190)] {
        for boundary in [Boundary::Fixed, Boundary::Periodic] {
            for steps in [1u64, 2, 7, 10] {
                let mut want = test_grid(rows, cols);
                for _ in 0..steps {
                    want = reference_step(&want, rows, cols, 1.0, 0.1, boundary);
                }
                let mut grid = test_grid(rows, cols);
                let mut scratch = vec![f64::NAN; rows * cols];
                run(&mut grid, &mut scratch, rows, cols, 1.0, 0.1, boundary, steps).unwrap();
                let err = max_abs_diff(&grid, &want);
                assert!(err <= 1e-12, "{rows}x{cols} {boundary:?} {steps} steps: max error {err}");
            }
        }
    }
}

#[test]
fn zero_steps_change_nothing() {
    let mut grid = test_grid(10, 10);
    let mut scratch = vec![-1.0; 100];
    run(&mut grid, &mut scratch, 10, 10, 1.0, 0.1, Boundary::Fixed, 0).unwrap();
    assert_eq!(grid, test_grid(10, 10));
    assert!(scratch.iter().all(|&v| v == -1.0));
}

#[test]
fn book_initial_condition_spreads_and_stays_bounded() {
    // The book's setup: zeros with a 0.005 block in rows/cols [0.4 N, 0.5 N), D = 1, dt = 0.1.
    let n = 512;
    let mut grid = vec![0.0; n * n];
    for i in (n * 4 / 10)..(n / 2) {
        for j in (n * 4 / 10)..(n / 2) {
            grid[i * n + j] = 0.005;
        }
    }
    let mass: f64 = grid.iter().sum();
    let mut scratch = vec![0.0; n * n];
    run(&mut grid, &mut scratch, n, n, 1.0, 0.1, Boundary::Periodic, 100).unwrap();
    let after: f64 = grid.iter().sum();
    assert!((after - mass).abs() < 1e-10, "{mass} -> {after}");
    assert!(grid.iter().all(|&v| (0.0..=0.005).contains(&v)), "a stable scheme keeps values in range");
    let corner_of_block = grid[(n * 4 / 10) * n + n * 4 / 10];
    assert!(corner_of_block < 0.005 && corner_of_block > 0.0);
}

#[test]
fn serial_and_parallel_steps_are_bit_identical() {
    let (rows, cols) = (300, 301);
    let input = test_grid(rows, cols);
    for boundary in [Boundary::Fixed, Boundary::Periodic] {
        let mut serial = vec![0.0; rows * cols];
        let mut parallel = vec![0.0; rows * cols];
        let kernel = RowKernel::new(Supported::active(), false);
        step(kernel, test_stencil(Supported::active(), rows, cols, boundary), &input, &mut serial, 1, Meter::off());
        crate::pool::install(|_| {
            step(
                kernel,
                test_stencil(Supported::active(), rows, cols, boundary),
                &input,
                &mut parallel,
                2,
                Meter::off(),
            )
        })
        .unwrap();
        assert!(serial.iter().zip(&parallel).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

#[test]
fn bad_sizes_and_coefficients_are_refused_without_writing() {
    let input = vec![0.5; 12];
    let mut out = vec![7.0; 12];
    type Case = (usize, usize, f64, f64, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        (0, 12, 1.0, 0.1, |e| matches!(e, Error::InvalidSize(_))),
        (12, 0, 1.0, 0.1, |e| matches!(e, Error::InvalidSize(_))),
        (usize::MAX, 2, 1.0, 0.1, |e| matches!(e, Error::InvalidSize(_))),
        (1 << 32, 1 << 29, 1.0, 0.1, |e| matches!(e, Error::InvalidSize(_))), // 2^61 doubles
        (3, 5, 1.0, 0.1, |e| matches!(e, Error::InvalidSize(_))),             // length mismatch
        (3, 4, f64::NAN, 0.1, |e| matches!(e, Error::InvalidArgument(_))),
        (3, 4, 1.0, f64::INFINITY, |e| matches!(e, Error::InvalidArgument(_))),
        (3, 4, f64::NEG_INFINITY, 0.1, |e| matches!(e, Error::InvalidArgument(_))),
    ];
    for (rows, cols, d, dt, is_expected) in cases {
        let err = evolve(&input, &mut out, rows, cols, d, dt, Boundary::Fixed).unwrap_err();
        assert!(is_expected(&err), "{rows}x{cols} d={d} dt={dt}: {err:?}");
        let mut grid = input.clone();
        let err = run(&mut grid, &mut out, rows, cols, d, dt, Boundary::Periodic, 3).unwrap_err();
        assert!(is_expected(&err), "run {rows}x{cols} d={d} dt={dt}: {err:?}");
        assert_eq!(grid, input);
        assert!(out.iter().all(|&v| v == 7.0));
    }
    let mut short = vec![7.0; 11];
    assert!(matches!(evolve(&input, &mut short, 3, 4, 1.0, 0.1, Boundary::Fixed), Err(Error::InvalidSize(_))));
    assert!(short.iter().all(|&v| v == 7.0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_grids_match_reference(
        rows in 1usize..40, cols in 1usize..40, steps in 0u64..6,
        seed in 0u64..1000, ddt in 0.0f64..0.25, periodic in any::<bool>(),
    ) {
        let boundary = if periodic { Boundary::Periodic } else { Boundary::Fixed };
        let start: Vec<f64> = (0..rows * cols)
            .map(|k| ((k as f64 + seed as f64 * 0.37) * 0.754_877_666).fract())
            .collect();
        let mut want = start.clone();
        for _ in 0..steps {
            want = reference_step(&want, rows, cols, ddt, 1.0, boundary);
        }
        let mut grid = start;
        let mut scratch = vec![0.0; rows * cols];
        run(&mut grid, &mut scratch, rows, cols, ddt, 1.0, boundary, steps).unwrap();
        prop_assert!(max_abs_diff(&grid, &want) <= 1e-12);
    }
}

/// A progress callback that records its reports and cancels at the `cancel_at`-th (0 = never).
fn recording(cancel_at: usize) -> (std::cell::RefCell<Vec<(u64, u64)>>, usize) {
    (std::cell::RefCell::new(Vec::new()), cancel_at)
}

#[test]
fn a_cancelled_run_stops_at_the_last_reported_whole_step_on_every_plan() {
    use crate::progress::Progress;
    use std::time::Duration;
    // Tiles, the wavefront and plain steps (small: on one worker), both boundaries.
    for (rows, cols, boundary) in [
        (512, 512, Boundary::Periodic),
        (1200, 1200, Boundary::Fixed),
        (40, 50, Boundary::Fixed),
        (40, 50, Boundary::Periodic),
    ] {
        let start = test_grid(rows, cols);
        let (seen, cancel_at) = recording(2);
        let mut report = |done, total| {
            seen.borrow_mut().push((done, total));
            seen.borrow().len() >= cancel_at
        };
        let mut progress = Progress::new(&mut report, Duration::from_millis(10));
        let (mut grid, mut scratch) = (start.clone(), vec![0.0; rows * cols]);
        let steps = 1 << 40;
        let r = run_with_progress(&mut grid, &mut scratch, rows, cols, 1.0, 0.1, boundary, steps, Some(&mut progress));
        assert_eq!(r, Err(Error::Cancelled));
        let seen = seen.into_inner();
        assert!(seen.len() >= 2 && seen.iter().all(|&(d, t)| t == steps && d < t), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
        let done = seen.last().unwrap().0;
        let mut fresh = start.clone();
        run(&mut fresh, &mut scratch, rows, cols, 1.0, 0.1, boundary, done).unwrap();
        assert!(
            grid.iter().zip(&fresh).all(|(a, b)| a.to_bits() == b.to_bits()),
            "{rows}x{cols} {boundary:?}: not the grid of {done} steps ({seen:?})"
        );
    }
}

#[test]
fn a_callback_that_never_cancels_changes_nothing() {
    use crate::progress::Progress;
    use std::time::Duration;
    for (rows, cols, steps) in [(512, 512, 203), (1200, 1200, 37), (40, 50, 5001)] {
        let start = test_grid(rows, cols);
        let mut calls = 0;
        let mut report = |_, _| {
            calls += 1;
            false
        };
        let mut progress = Progress::new(&mut report, Duration::from_millis(1));
        let (mut a, mut scratch) = (start.clone(), vec![0.0; rows * cols]);
        run_with_progress(&mut a, &mut scratch, rows, cols, 1.0, 0.1, Boundary::Fixed, steps, Some(&mut progress))
            .unwrap();
        let mut b = start.clone();
        run(&mut b, &mut scratch, rows, cols, 1.0, 0.1, Boundary::Fixed, steps).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()), "{rows}x{cols}");
        let (mut one_a, mut one_b) = (vec![0.0; rows * cols], vec![0.0; rows * cols]);
        evolve_with_progress(&start, &mut one_a, rows, cols, 1.0, 0.1, Boundary::Periodic, Some(&mut progress))
            .unwrap();
        evolve(&start, &mut one_b, rows, cols, 1.0, 0.1, Boundary::Periodic).unwrap();
        assert!(one_a.iter().zip(&one_b).all(|(x, y)| x.to_bits() == y.to_bits()), "{rows}x{cols}");
    }
}
