//! hpk_diffusion_evolve and hpk_diffusion_run against a plain Rust reference of the header's
//! formula, on many shapes and both boundaries. Their error statuses (NULL, sizes, non-finite d and
//! dt, boundaries, alignment, overlap) are rows of the table in bad_input.rs.

use hpkern_ffi_tests::*;

const FIXED: u32 = HPK_BOUNDARY_FIXED;
const PERIODIC: u32 = HPK_BOUNDARY_PERIODIC;
/// Fills outputs before a call, so an unwritten cell shows.
const CANARY: f64 = -123_456.789_012_5;

const SHAPES: &[(usize, usize)] = &[(1, 1), (1, 9), (9, 1), (2, 2), (3, 3), (2, 7), (17, 33), (300, 257)];

/// A bound on the rounding difference between two evaluations of one cell.
fn cell_tolerance(input: &[f64], rows: usize, cols: usize, i: usize, j: usize, ddt: f64) -> f64 {
    let at = |i: usize, j: usize| input[i * cols + j].abs();
    let (up, down) = ((i + rows - 1) % rows, (i + 1) % rows);
    let (left, right) = ((j + cols - 1) % cols, (j + 1) % cols);
    let magnitude = at(i, j) + ddt.abs() * (at(up, j) + at(down, j) + at(i, left) + at(i, right) + 4.0 * at(i, j));
    8.0 * f64::EPSILON * magnitude + f64::MIN_POSITIVE
}

fn grid(rows: usize, cols: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut g: Vec<f64> = (0..rows * cols).map(|_| rng.range(-1.0, 1.0)).collect();
    // The book's block of 0.005 in rows and columns [0.4 N, 0.5 N), on top.
    for i in (rows * 4 / 10)..(rows / 2) {
        for j in (cols * 4 / 10)..(cols / 2) {
            g[i * cols + j] += 0.005;
        }
    }
    g
}

fn evolve(input: &[f64], rows: usize, cols: usize, d: f64, dt: f64, boundary: u32) -> Vec<f64> {
    let mut out = vec![CANARY; rows * cols];
    let status = unsafe { (hpk().diffusion_evolve)(input.as_ptr(), out.as_mut_ptr(), rows, cols, d, dt, boundary) };
    assert_eq!(status, HPK_OK, "evolve {rows}x{cols} boundary {boundary}: {}", hpk().last_error());
    out
}

fn run(start: &[f64], rows: usize, cols: usize, d: f64, dt: f64, boundary: u32, steps: u64) -> Vec<f64> {
    let mut g = start.to_vec();
    let mut scratch = vec![CANARY; rows * cols];
    let status =
        unsafe { (hpk().diffusion_run)(g.as_mut_ptr(), scratch.as_mut_ptr(), rows, cols, d, dt, boundary, steps) };
    assert_eq!(status, HPK_OK, "run {rows}x{cols} boundary {boundary} steps {steps}: {}", hpk().last_error());
    g
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn evolve_matches_reference_on_every_shape() {
    let mut checked = 0;
    for &(rows, cols) in SHAPES {
        for boundary in [FIXED, PERIODIC] {
            // The book's D = 1, dt = 0.1; a non-trivial pair; and an unstable d*dt > 0.25, which
            // the library must compute as asked.
            for (d, dt) in [(1.0, 0.1), (0.37, 0.55), (3.0, 1.5)] {
                let input = grid(rows, cols, (rows * 1000 + cols) as u64);
                let got = evolve(&input, rows, cols, d, dt, boundary);
                let want = diffusion_reference(&input, rows, cols, d, dt, boundary);
                for i in 0..rows {
                    for j in 0..cols {
                        let k = i * cols + j;
                        let edge = i == 0 || j == 0 || i == rows - 1 || j == cols - 1;
                        if boundary == FIXED && edge {
                            assert_eq!(got[k].to_bits(), input[k].to_bits(), "fixed edge ({i},{j}) of {rows}x{cols}");
                        } else {
                            let tol = cell_tolerance(&input, rows, cols, i, j, d * dt);
                            assert!(
                                (got[k] - want[k]).abs() <= tol,
                                "{rows}x{cols} boundary {boundary} d {d} dt {dt} cell ({i},{j}): {} vs reference {}",
                                got[k],
                                want[k]
                            );
                        }
                        checked += 1;
                    }
                }
                if boundary == FIXED && (rows < 3 || cols < 3) {
                    assert_eq!(bits(&got), bits(&input), "{rows}x{cols} is all edge");
                }
                if (boundary == PERIODIC && rows * cols > 1) || (rows >= 3 && cols >= 3) {
                    assert_ne!(bits(&got), bits(&input), "{rows}x{cols} boundary {boundary} changed nothing");
                }
            }
        }
    }
    assert!(checked > 400_000);
}

#[test]
fn periodic_one_by_one_and_uniform_grids_are_fixed_points() {
    // A 1x1 periodic cell is its own four neighbours; a uniform grid has zero Laplacian.
    let one = evolve(&[0.8125], 1, 1, 1.0, 0.1, PERIODIC);
    assert_eq!(one, vec![0.8125]);
    for boundary in [FIXED, PERIODIC] {
        let uniform = vec![2.5; 12 * 7];
        assert_eq!(evolve(&uniform, 12, 7, 1.0, 0.2, boundary), uniform);
    }
}

#[test]
fn single_hot_cell_spreads_to_its_four_neighbours() {
    let (rows, cols) = (5, 6);
    let mut input = vec![0.0; rows * cols];
    input[2 * cols + 3] = 1.0;
    let out = evolve(&input, rows, cols, 1.0, 0.1, FIXED);
    for i in 0..rows {
        for j in 0..cols {
            let want = match (i, j) {
                (2, 3) => 1.0 + 0.1 * -4.0,
                (1, 3) | (3, 3) | (2, 2) | (2, 4) => 0.1,
                _ => 0.0,
            };
            assert!((out[i * cols + j] - want).abs() < 1e-15, "({i},{j}) = {}", out[i * cols + j]);
        }
    }
    // Periodic: a hot corner wraps to the opposite edges.
    let mut corner = vec![0.0; rows * cols];
    corner[0] = 1.0;
    let out = evolve(&corner, rows, cols, 1.0, 0.25, PERIODIC);
    for k in [1, cols - 1, cols, (rows - 1) * cols] {
        assert_eq!(out[k], 0.25, "wrapped neighbour {k}");
    }
    assert_eq!(out[0], 0.0);
    assert_eq!(out.iter().sum::<f64>(), 1.0);
}

#[test]
fn periodic_conserves_the_sum() {
    for &(rows, cols) in SHAPES.iter().chain(&[(64, 48), (7, 13)]) {
        let start = grid(rows, cols, 77);
        let total: f64 = start.iter().sum();
        let scale: f64 = start.iter().map(|x| x.abs()).sum();
        let mut g = start.clone();
        for step in 1..=5 {
            g = evolve(&g, rows, cols, 1.0, 0.1, PERIODIC);
            let now: f64 = g.iter().sum();
            assert!((now - total).abs() <= 1e-12 * scale.max(1.0), "{rows}x{cols} step {step}: sum {now} vs {total}");
        }
        let after_run: f64 = run(&start, rows, cols, 1.0, 0.1, PERIODIC, 20).iter().sum();
        assert!((after_run - total).abs() <= 1e-12 * scale.max(1.0), "{rows}x{cols} run: {after_run} vs {total}");
    }
}

#[test]
fn run_equals_repeated_evolve_bit_for_bit() {
    for &(rows, cols) in SHAPES.iter().chain(&[(64, 48), (7, 13)]) {
        for boundary in [FIXED, PERIODIC] {
            let start = grid(rows, cols, 5 + rows as u64);
            let mut by_evolve = start.clone();
            let mut done = 0;
            for steps in [0u64, 1, 2, 5] {
                while done < steps {
                    by_evolve = evolve(&by_evolve, rows, cols, 1.0, 0.1, boundary);
                    done += 1;
                }
                let by_run = run(&start, rows, cols, 1.0, 0.1, boundary, steps);
                assert_eq!(bits(&by_run), bits(&by_evolve), "{rows}x{cols} boundary {boundary} steps {steps}");
                if steps == 0 {
                    assert_eq!(bits(&by_run), bits(&start), "0 steps change nothing");
                }
            }
        }
    }
}

#[test]
fn run_leaves_the_result_in_grid_for_both_parities() {
    let (rows, cols) = (10, 11);
    let start = grid(rows, cols, 3);
    let three = run(&start, rows, cols, 1.0, 0.1, FIXED, 3);
    let four = run(&start, rows, cols, 1.0, 0.1, FIXED, 4);
    assert_eq!(bits(&evolve(&three, rows, cols, 1.0, 0.1, FIXED)), bits(&four));
    // The scratch's initial content is ignored.
    let mut g = start.clone();
    let mut scratch = vec![f64::NAN; rows * cols];
    let status = unsafe { (hpk().diffusion_run)(g.as_mut_ptr(), scratch.as_mut_ptr(), rows, cols, 1.0, 0.1, FIXED, 3) };
    assert_eq!(status, HPK_OK);
    assert_eq!(bits(&g), bits(&three));
}
