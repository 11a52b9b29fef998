//! hpk_julia_grid and hpk_julia_calculate_z: the book's picture through both, exact small cases
//! and a plain Rust reference on random points. Their error statuses and the n = 0 no-op are rows
//! of the table in bad_input.rs.

use hpkern_ffi_tests::*;

const CANARY: i32 = 0x5a5a_5a5a;

#[allow(clippy::too_many_arguments)]
fn grid(x1: f64, x2: f64, y1: f64, y2: f64, width: usize, height: usize, c: HpkComplex, maxiter: i32) -> Vec<i32> {
    let mut out = vec![CANARY; width * height];
    let status = unsafe { (hpk().julia_grid)(x1, x2, y1, y2, width, height, c.re, c.im, maxiter, out.as_mut_ptr()) };
    assert_eq!(status, HPK_OK, "julia_grid: {}", hpk().last_error());
    out
}

fn calculate_z(zs: &[HpkComplex], cs: &[HpkComplex], maxiter: i32) -> Vec<i32> {
    assert_eq!(zs.len(), cs.len());
    let mut out = vec![CANARY; zs.len()];
    let status = unsafe { (hpk().julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), zs.len(), maxiter, out.as_mut_ptr()) };
    assert_eq!(status, HPK_OK, "julia_calculate_z: {}", hpk().last_error());
    out
}

/// The header's loop ([`testkit::julia::escape_count`]).
fn reference(z: HpkComplex, c: HpkComplex, maxiter: i32) -> i32 {
    testkit::julia::escape_count((z.re, z.im), (c.re, c.im), maxiter)
}

fn assert_book_picture(out: &[i32], how: &str) {
    assert_eq!(out.len(), 1_000_000);
    assert!(out.iter().all(|&n| (0..=300).contains(&n)), "{how}: a count outside 0..=300");
    assert_eq!(out.iter().map(|&n| n as i64).sum::<i64>(), BOOK_JULIA_SUM, "{how}: the book's checksum");
    assert_eq!(out.iter().filter(|&&n| n == 300).count(), 100_321, "{how}: pixels reaching maxiter");
    assert_eq!(out.iter().filter(|&&n| n == 0).count(), 102_865, "{how}: pixels escaping at once");
}

#[test]
fn book_picture_through_both_exports() {
    let by_grid = grid(-1.8, 1.8, -1.8, 1.8, 1000, 1000, HPK_BOOK_C, 300);
    assert_book_picture(&by_grid, "hpk_julia_grid");

    // The book's own coordinates: built by repeated addition, flattened row by row.
    let (zs, cs) = book_julia_points();
    assert_eq!(zs.len(), 1_000_000);
    assert_eq!((zs[0].re, zs[0].im), (-1.8, 1.8), "top-left first");
    assert_eq!(zs[1].im, 1.8, "row by row: the second point is on the first row");
    let by_z = calculate_z(&zs, &cs, 300);
    assert_book_picture(&by_z, "hpk_julia_calculate_z");
    // KERNELS.md: the two ways of building coordinates differ in bits but in no pixel.
    let differing = by_grid.iter().zip(&by_z).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 0, "pixels differing between hpk_julia_grid and the book's coordinates");
    assert_eq!(by_grid[0], 0, "|(-1.8, 1.8)| > 2 escapes at once");
}

#[test]
fn exact_small_cases() {
    let z = HpkComplex::new;
    let cases: &[(HpkComplex, HpkComplex, i32, i32)] = &[
        (z(0.0, 0.0), z(0.0, 0.0), 50, 50), // fixed point 0
        (z(3.0, 0.0), z(0.0, 0.0), 50, 0),  // outside at once
        (z(2.0, 0.0), z(0.0, 0.0), 50, 0),  // |z|^2 = 4 is not < 4
        (z(0.0, -2.0), z(0.0, 0.0), 50, 0),
        (z(1.99, 0.0), z(0.0, 0.0), 50, 1),      // 3.9601 < 4, then 15.68...
        (z(0.0, 0.0), z(1.0, 0.0), 50, 2),       // 0 -> 1 -> 2
        (z(0.0, 0.0), z(-2.0, 0.0), 50, 1),      // 0 -> -2
        (z(0.0, 0.0), z(-1.0, 0.0), 77, 77),     // the 2-cycle 0, -1
        (z(0.0, 0.0), z(0.0, 1.0), 40, 40),      // 0, i, -1+i, -i, -1+i, ... bounded
        (z(0.0, 0.0), z(0.25, 0.0), 100, 100),   // converges to 1/2
        (z(1.0, 1.0), z(0.0, 0.0), 10, 1),       // 1+i -> 2i
        (z(0.6, 0.8), z(0.0, 0.0), 30, 30),      // |z| = 1 up to rounding: stays near the unit circle
        (z(0.0, 0.0), z(0.0, 0.0), 0, 0),        // maxiter 0
        (z(5.0, 5.0), z(0.0, 0.0), i32::MAX, 0), // the largest maxiter, escaping at once
    ];
    let zs: Vec<HpkComplex> = cases.iter().map(|c| c.0).collect();
    let cs: Vec<HpkComplex> = cases.iter().map(|c| c.1).collect();
    for (k, &(zk, ck, maxiter, want)) in cases.iter().enumerate() {
        let got = calculate_z(&zs[k..k + 1], &cs[k..k + 1], maxiter);
        assert_eq!(got, vec![want], "z = {zk:?}, c = {ck:?}, maxiter {maxiter}");
        assert_eq!(reference(zk, ck, maxiter), want, "the test's reference disagrees with itself");
    }
}

#[test]
fn random_points_match_the_reference() {
    let mut rng = Rng::new(2024);
    let n = 20_000;
    let zs: Vec<HpkComplex> = (0..n).map(|_| HpkComplex::new(rng.range(-2.0, 2.0), rng.range(-2.0, 2.0))).collect();
    let cs: Vec<HpkComplex> = (0..n).map(|_| HpkComplex::new(rng.range(-1.0, 0.5), rng.range(-1.0, 1.0))).collect();
    let got = calculate_z(&zs, &cs, 200);
    let want: Vec<i32> = zs.iter().zip(&cs).map(|(&z, &c)| reference(z, c, 200)).collect();
    // The header fixes the iteration, not the rounding of z*z: allow a handful of chaotic
    // boundary points to differ, no more.
    let differing = got.iter().zip(&want).filter(|(a, b)| a != b).count();
    assert!(differing <= n / 1000, "{differing} of {n} points differ from the reference");
    assert!(want.contains(&200) && want.contains(&0) && want.iter().any(|&v| v > 0 && v < 200));
    // Per-point constants: the same z with different c gives different counts.
    let same_z = vec![HpkComplex::new(0.0, 0.0); 3];
    let three_cs = [HpkComplex::new(0.0, 0.0), HpkComplex::new(1.0, 0.0), HpkComplex::new(-2.0, 0.0)];
    assert_eq!(calculate_z(&same_z, &three_cs, 9), vec![9, 2, 1]);
    // zs and cs may be the same array (both are inputs).
    let status = unsafe { (hpk().julia_calculate_z)(zs.as_ptr(), zs.as_ptr(), 100, 50, vec![0; 100].as_mut_ptr()) };
    assert_eq!(status, HPK_OK);
}

#[test]
fn grid_orientation_and_coordinates() {
    // Points (row r, column k) = (x1 + k*(x2-x1)/width) + i*(y2 + r*(y1-y2)/height):
    // here x = 0, 1, 2, 3 and y = 3, 2, 1 (row 0 on top). With c = 0: |z| = 1 never escapes,
    // |1 + i|^2 = 2 escapes after one step, |z| >= 2 at once.
    let out = grid(0.0, 4.0, 0.0, 3.0, 4, 3, HpkComplex::new(0.0, 0.0), 10);
    assert_eq!(out, vec![0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0]);
    // A transposed request: 3 columns x 4 rows.
    let out = grid(0.0, 3.0, 0.0, 4.0, 3, 4, HpkComplex::new(0.0, 0.0), 10);
    assert_eq!(out, vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0]);

    // A general grid against calculate_z on the header's coordinates.
    let (x1, x2, y1, y2, width, height) = (-1.5, 1.3, -1.1, 0.9, 97, 61);
    let c = HpkComplex::new(-0.8, 0.156);
    let by_grid = grid(x1, x2, y1, y2, width, height, c, 120);
    let mut zs = Vec::new();
    for r in 0..height {
        for k in 0..width {
            zs.push(HpkComplex::new(
                x1 + k as f64 * (x2 - x1) / width as f64,
                y2 + r as f64 * (y1 - y2) / height as f64,
            ));
        }
    }
    let by_z = calculate_z(&zs, &vec![c; zs.len()], 120);
    let differing = by_grid.iter().zip(&by_z).filter(|(a, b)| a != b).count();
    assert!(differing <= 3, "{differing} pixels differ between the grid and its coordinates");
    assert!(by_grid.contains(&120) && by_grid.iter().any(|&v| v < 5));
}

#[test]
fn maxiter_zero_gives_zeros() {
    assert!(grid(-1.8, 1.8, -1.8, 1.8, 31, 17, HPK_BOOK_C, 0).iter().all(|&n| n == 0));
    let (zs, cs) = book_julia_points();
    assert!(calculate_z(&zs[..5000], &cs[..5000], 0).iter().all(|&n| n == 0));
}
