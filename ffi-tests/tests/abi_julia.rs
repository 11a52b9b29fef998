//! hpk_julia_grid and hpk_julia_calculate_z: the book's picture through both, exact small cases,
//! a plain Rust reference on random points, and every error status with canaries.

use hpkern_ffi_tests::*;
use std::ptr;

const CANARY: i32 = 0x5a5a_5a5a;

#[allow(clippy::too_many_arguments)]
fn grid(x1: f64, x2: f64, y1: f64, y2: f64, width: usize, height: usize, c: HpkComplex, maxiter: i32) -> Vec<i32> {
    let mut out = vec![CANARY; width * height];
    let status =
        unsafe { (hpk().julia_grid)(x1, x2, y1, y2, width, height, c.re, c.im, maxiter, out.as_mut_ptr()) };
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

/// The header's loop: count `z = z*z + c` while re^2 + im^2 < 4 and the count is below maxiter.
fn reference(z: HpkComplex, c: HpkComplex, maxiter: i32) -> i32 {
    let (mut re, mut im) = (z.re, z.im);
    let mut n = 0;
    while n < maxiter && re * re + im * im < 4.0 {
        let (r, i) = (re * re - im * im, re * im + im * re);
        re = r + c.re;
        im = i + c.im;
        n += 1;
    }
    n
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
        (z(0.0, 0.0), z(0.0, 0.0), 50, 50),   // fixed point 0
        (z(3.0, 0.0), z(0.0, 0.0), 50, 0),    // outside at once
        (z(2.0, 0.0), z(0.0, 0.0), 50, 0),    // |z|^2 = 4 is not < 4
        (z(0.0, -2.0), z(0.0, 0.0), 50, 0),
        (z(1.99, 0.0), z(0.0, 0.0), 50, 1),   // 3.9601 < 4, then 15.68...
        (z(0.0, 0.0), z(1.0, 0.0), 50, 2),    // 0 -> 1 -> 2
        (z(0.0, 0.0), z(-2.0, 0.0), 50, 1),   // 0 -> -2
        (z(0.0, 0.0), z(-1.0, 0.0), 77, 77),  // the 2-cycle 0, -1
        (z(0.0, 0.0), z(0.0, 1.0), 40, 40),   // 0, i, -1+i, -i, -1+i, ... bounded
        (z(0.0, 0.0), z(0.25, 0.0), 100, 100), // converges to 1/2
        (z(1.0, 1.0), z(0.0, 0.0), 10, 1),    // 1+i -> 2i
        (z(0.6, 0.8), z(0.0, 0.0), 30, 30),   // |z| = 1 up to rounding: stays near the unit circle
        (z(0.0, 0.0), z(0.0, 0.0), 0, 0),     // maxiter 0
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
fn maxiter_zero_gives_zeros_and_empty_input_is_ok() {
    assert!(grid(-1.8, 1.8, -1.8, 1.8, 31, 17, HPK_BOOK_C, 0).iter().all(|&n| n == 0));
    let (zs, cs) = book_julia_points();
    assert!(calculate_z(&zs[..5000], &cs[..5000], 0).iter().all(|&n| n == 0));
    // n = 0: a no-op, NULL allowed.
    let lib = hpk();
    let status = unsafe { (lib.julia_calculate_z)(ptr::null(), ptr::null(), 0, 300, ptr::null_mut()) };
    assert_eq!(status, HPK_OK);
    let mut out = [CANARY; 2];
    let status = unsafe { (lib.julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), 0, -1, out.as_mut_ptr()) };
    assert!(status == HPK_OK || status == HPK_ERR_INVALID_ARGUMENT);
    assert_eq!(out, [CANARY; 2], "n = 0 writes nothing");
}

// ---------------------------------------------------------------------------------------------
// Error statuses, outputs pre-filled with a canary.

/// hpk_julia_grid on a 6 x 5 canary buffer, returns the status after checking the buffer.
fn grid_status(x: [f64; 4], width: usize, height: usize, c: [f64; 2], maxiter: i32, null: bool) -> u32 {
    let mut out = vec![CANARY; 30];
    let p = if null { ptr::null_mut() } else { out.as_mut_ptr() };
    let status = unsafe { (hpk().julia_grid)(x[0], x[1], x[2], x[3], width, height, c[0], c[1], maxiter, p) };
    assert_ne!(status, HPK_OK, "expected an error");
    assert!(out.iter().all(|&v| v == CANARY), "julia_grid wrote on status {status}");
    assert!(!hpk().last_error().is_empty());
    status
}

const BOX: [f64; 4] = [-1.8, 1.8, -1.8, 1.8];
const C: [f64; 2] = [-0.62772, -0.42193];

#[test]
fn grid_error_statuses() {
    assert_eq!(grid_status(BOX, 6, 5, C, 300, true), HPK_ERR_NULL_POINTER);
    for (w, h) in [(0, 5), (6, 0), (0, 0), (usize::MAX, 2), (2, usize::MAX), (1 << 62, 1), (1 << 32, 1 << 32)] {
        assert_eq!(grid_status(BOX, w, h, C, 300, false), HPK_ERR_INVALID_SIZE, "{w} x {h}");
    }
    for maxiter in [-1, -300, i32::MIN] {
        assert_eq!(grid_status(BOX, 6, 5, C, maxiter, false), HPK_ERR_INVALID_ARGUMENT, "maxiter {maxiter}");
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for k in 0..4 {
            let mut x = BOX;
            x[k] = bad;
            assert_eq!(grid_status(x, 6, 5, C, 300, false), HPK_ERR_INVALID_ARGUMENT, "coordinate {k} = {bad}");
        }
        for k in 0..2 {
            let mut c = C;
            c[k] = bad;
            assert_eq!(grid_status(BOX, 6, 5, c, 300, false), HPK_ERR_INVALID_ARGUMENT, "c[{k}] = {bad}");
        }
    }
    // Misaligned output.
    let mut raw = vec![CANARY; 40];
    let p = unsafe { (raw.as_mut_ptr() as *mut u8).add(1) as *mut i32 };
    let status = unsafe { (hpk().julia_grid)(-1.8, 1.8, -1.8, 1.8, 6, 5, C[0], C[1], 300, p) };
    assert_eq!(status, HPK_ERR_INVALID_ARGUMENT);
    assert!(raw.iter().all(|&v| v == CANARY));
}

/// hpk_julia_calculate_z on `n` claimed points with a canary output of 8; optional NULLs and a
/// bad element placed in zs or cs.
fn z_status(n: usize, nulls: [bool; 3], maxiter: i32, bad_z: Option<HpkComplex>, bad_c: Option<HpkComplex>) -> u32 {
    let mut zs = [HpkComplex::new(0.1, 0.2); 8];
    let mut cs = [HPK_BOOK_C; 8];
    if let Some(b) = bad_z {
        zs[5] = b;
    }
    if let Some(b) = bad_c {
        cs[6] = b;
    }
    let mut out = vec![CANARY; 8];
    let zp = if nulls[0] { ptr::null() } else { zs.as_ptr() };
    let cp = if nulls[1] { ptr::null() } else { cs.as_ptr() };
    let op = if nulls[2] { ptr::null_mut() } else { out.as_mut_ptr() };
    let status = unsafe { (hpk().julia_calculate_z)(zp, cp, n, maxiter, op) };
    assert_ne!(status, HPK_OK, "expected an error");
    assert!(out.iter().all(|&v| v == CANARY), "julia_calculate_z wrote on status {status}");
    status
}

#[test]
fn calculate_z_error_statuses() {
    for nulls in [[true, false, false], [false, true, false], [false, false, true], [true, true, true]] {
        assert_eq!(z_status(8, nulls, 300, None, None), HPK_ERR_NULL_POINTER, "{nulls:?}");
    }
    for n in [usize::MAX, usize::MAX / 8, 1 << 60] {
        assert_eq!(z_status(n, [false; 3], 300, None, None), HPK_ERR_INVALID_SIZE, "n = {n}");
    }
    for maxiter in [-1, i32::MIN] {
        assert_eq!(z_status(8, [false; 3], maxiter, None, None), HPK_ERR_INVALID_ARGUMENT);
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for v in [HpkComplex::new(bad, 0.0), HpkComplex::new(0.0, bad)] {
            assert_eq!(z_status(8, [false; 3], 300, Some(v), None), HPK_ERR_INVALID_ARGUMENT, "zs[5] = {v:?}");
            assert_eq!(z_status(8, [false; 3], 300, None, Some(v)), HPK_ERR_INVALID_ARGUMENT, "cs[6] = {v:?}");
        }
    }
    // Without the bad element the same call succeeds.
    let zs = vec![HpkComplex::new(0.1, 0.2); 8];
    let out = calculate_z(&zs, &[HPK_BOOK_C; 8], 300);
    assert_eq!(out[0], reference(zs[0], HPK_BOOK_C, 300));
}

#[test]
fn calculate_z_overlapping_output_is_status_4() {
    let lib = hpk();
    let n = 8;
    let snapshot = |v: &[HpkComplex]| v.iter().map(|c| (c.re.to_bits(), c.im.to_bits())).collect::<Vec<_>>();
    // Output placed at several byte offsets inside zs, then inside cs.
    for which in 0..2 {
        for start_elem in [0usize, 1, n / 2, n - 1] {
            let mut zs: Vec<HpkComplex> = (0..n).map(|k| HpkComplex::new(k as f64 * 0.1, 0.3)).collect();
            let mut cs = vec![HPK_BOOK_C; n];
            let (z_before, c_before) = (snapshot(&zs), snapshot(&cs));
            let target = if which == 0 { zs.as_mut_ptr() } else { cs.as_mut_ptr() };
            let out = unsafe { target.add(start_elem) as *mut i32 };
            let status = unsafe { (lib.julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), n, 300, out) };
            assert_eq!(status, HPK_ERR_OVERLAP, "output inside {} at element {start_elem}", ["zs", "cs"][which]);
            assert_eq!(snapshot(&zs), z_before, "zs changed");
            assert_eq!(snapshot(&cs), c_before, "cs changed");
        }
    }
    // Output ending exactly where zs starts does not overlap.
    let mut buf = vec![HpkComplex::new(0.0, 0.0); 3 * n];
    let base = buf.as_mut_ptr();
    let zs = unsafe { base.add(n) };
    let cs = vec![HpkComplex::new(0.0, 0.0); n];
    let out = unsafe { (zs as *mut i32).sub(n) };
    assert_eq!(unsafe { (lib.julia_calculate_z)(zs, cs.as_ptr(), n, 7, out) }, HPK_OK);
    let written = unsafe { std::slice::from_raw_parts(out, n) };
    assert_eq!(written, &[7; 8], "0 is a fixed point of z*z + 0");
}
