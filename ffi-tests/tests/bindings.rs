//! The C and Fortran bindings against direct calls: the same computation through the shim built
//! from `ffi-tests/shims/c_shim.c` (C binding, include/hpkern.h) and from
//! `ffi-tests/shims/fortran_shim.f90` (Fortran module bindings/fortran/hpkern.f90) must give
//! bit-identical results to calling libhpkern directly, statuses included.
//!
//! Every check runs once per binding: `c::*` and `fortran::*` are the same test bodies.

use hpkern_ffi_tests::*;
use std::ptr;

const I32_CANARY: i32 = 0x5a5a_5a5a;
const F64_CANARY: f64 = -98_765.432_1;
const U64_CANARY: u64 = 0xdead_beef_dead_beef;
const BOOL_CANARY: u8 = 0xa5;

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

// ---------------------------------------------------------------------------------------------
// Julia

fn direct_grid(w: usize, h: usize, maxiter: i32, c: HpkComplex, x: [f64; 4]) -> (u32, Vec<i32>) {
    let mut out = vec![I32_CANARY; w * h];
    let s = unsafe { (hpk().julia_grid)(x[0], x[1], x[2], x[3], w, h, c.re, c.im, maxiter, out.as_mut_ptr()) };
    (s, out)
}

fn shim_grid(b: Binding, w: usize, h: usize, maxiter: i32, c: HpkComplex, x: [f64; 4]) -> (u32, Vec<i32>) {
    let mut out = vec![I32_CANARY; w * h];
    let s = unsafe { (shim(b).julia_grid)(x[0], x[1], x[2], x[3], w, h, c.re, c.im, maxiter, out.as_mut_ptr()) };
    (s, out)
}

const BOOK_BOX: [f64; 4] = [-1.8, 1.8, -1.8, 1.8];

fn julia_book_grid(b: Binding) {
    let (status, via_shim) = shim_grid(b, 1000, 1000, 300, HPK_BOOK_C, BOOK_BOX);
    assert_eq!(status, HPK_OK, "{b:?} shim_julia_grid");
    assert_eq!(via_shim.iter().map(|&n| n as i64).sum::<i64>(), BOOK_JULIA_SUM, "{b:?}: the book's checksum");
    let (status, direct) = direct_grid(1000, 1000, 300, HPK_BOOK_C, BOOK_BOX);
    assert_eq!(status, HPK_OK);
    assert!(via_shim == direct, "{b:?}: the book grid differs from the direct call");
}

fn julia_grid_shapes(b: Binding) {
    // Non-square grids catch a swapped width and height (the Fortran binding views the output
    // as (width, height)).
    let c = HpkComplex::new(-0.8, 0.156);
    for (w, h, x) in [
        (1, 1, [-1.0, 1.0, -1.0, 1.0]),
        (7, 13, [-1.5, 1.3, -1.1, 0.9]),
        (13, 7, [-1.5, 1.3, -1.1, 0.9]),
        (1, 40, [-1.6, 1.6, -1.6, 1.6]),
        (40, 1, [-1.6, 1.6, -1.6, 1.6]),
        (300, 123, [-2.0, 1.0, -1.2, 1.2]),
    ] {
        let (s1, via_shim) = shim_grid(b, w, h, 150, c, x);
        let (s2, direct) = direct_grid(w, h, 150, c, x);
        assert_eq!((s1, s2), (HPK_OK, HPK_OK), "{b:?} {w}x{h}");
        assert!(via_shim == direct, "{b:?}: a {w} x {h} grid differs from the direct call");
    }
    let (_, big) = direct_grid(300, 123, 150, c, [-2.0, 1.0, -1.2, 1.2]);
    assert!(big.contains(&150) && big.contains(&0), "a picture with structure");
}

fn julia_calculate_z(b: Binding) {
    let mut rng = Rng::new(31);
    let n = 50_000;
    let zs: Vec<HpkComplex> = (0..n).map(|_| HpkComplex::new(rng.range(-2.0, 2.0), rng.range(-2.0, 2.0))).collect();
    let cs: Vec<HpkComplex> = (0..n).map(|_| HpkComplex::new(rng.range(-1.0, 0.5), rng.range(-1.0, 1.0))).collect();
    for (count, maxiter) in [(n, 300), (1, 300), (777, 0), (n, 1)] {
        let mut via_shim = vec![I32_CANARY; count];
        let mut direct = vec![I32_CANARY; count];
        let s1 =
            unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), count, maxiter, via_shim.as_mut_ptr()) };
        let s2 = unsafe { (hpk().julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), count, maxiter, direct.as_mut_ptr()) };
        assert_eq!((s1, s2), (HPK_OK, HPK_OK), "{b:?} n = {count}");
        assert!(via_shim == direct, "{b:?}: calculate_z of {count} random points differs");
        assert!(via_shim.iter().all(|&v| (0..=maxiter).contains(&v)));
    }
    // The book's points, built by repeated addition.
    let (zs, cs) = book_julia_points();
    let mut via_shim = vec![I32_CANARY; zs.len()];
    let s = unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), zs.len(), 300, via_shim.as_mut_ptr()) };
    assert_eq!(s, HPK_OK);
    assert_eq!(via_shim.iter().map(|&n| n as i64).sum::<i64>(), BOOK_JULIA_SUM, "{b:?}: calculate_z checksum");
    // n = 0 with NULL pointers: the library's no-op.
    let s = unsafe { (shim(b).julia_calculate_z)(ptr::null(), ptr::null(), 0, 300, ptr::null_mut()) };
    assert_eq!(s, HPK_OK, "{b:?}: empty calculate_z");
}

fn julia_statuses(b: Binding) {
    let c = HPK_BOOK_C;
    let nan = HpkComplex::new(f64::NAN, 0.0);
    // (width, height, maxiter, c, expected)
    for (w, h, maxiter, c, want) in [
        (8, 5, -1, c, HPK_ERR_INVALID_ARGUMENT),
        (8, 5, i32::MIN, c, HPK_ERR_INVALID_ARGUMENT),
        (8, 5, 300, nan, HPK_ERR_INVALID_ARGUMENT),
        (0, 5, 300, c, HPK_ERR_INVALID_SIZE),
        (8, 0, 300, c, HPK_ERR_INVALID_SIZE),
    ] {
        let mut out = vec![I32_CANARY; 40];
        let s = unsafe { (shim(b).julia_grid)(-1.8, 1.8, -1.8, 1.8, w, h, c.re, c.im, maxiter, out.as_mut_ptr()) };
        assert_eq!(s, want, "{b:?} shim_julia_grid {w}x{h} maxiter {maxiter} c {c:?}");
        let (direct, _) = direct_grid(w, h, maxiter, c, BOOK_BOX);
        assert_eq!(s, direct, "{b:?}: the same status as a direct call");
        assert!(out.iter().all(|&v| v == I32_CANARY), "{b:?}: output written on status {s}");
    }
    let s = unsafe { (shim(b).julia_grid)(-1.8, 1.8, -1.8, 1.8, 8, 5, c.re, c.im, 300, ptr::null_mut()) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL output");

    let zs = [HpkComplex::new(0.1, 0.1); 8];
    let mut cs = [c; 8];
    let mut out = vec![I32_CANARY; 8];
    let s = unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), 8, -5, out.as_mut_ptr()) };
    assert_eq!(s, HPK_ERR_INVALID_ARGUMENT, "{b:?}: negative maxiter");
    cs[3] = HpkComplex::new(0.0, f64::INFINITY);
    let s = unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), 8, 100, out.as_mut_ptr()) };
    assert_eq!(s, HPK_ERR_INVALID_ARGUMENT, "{b:?}: infinite c");
    let s = unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), ptr::null(), 8, 100, out.as_mut_ptr()) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL cs");
    assert!(out.iter().all(|&v| v == I32_CANARY), "{b:?}: output written on an error");
}

// ---------------------------------------------------------------------------------------------
// Diffusion

const GRID_SHAPES: &[(usize, usize)] = &[(1, 1), (1, 9), (9, 1), (2, 2), (3, 3), (7, 13), (13, 7), (64, 48), (100, 37)];

fn start_grid(rows: usize, cols: usize) -> Vec<f64> {
    let mut rng = Rng::new((rows * 131 + cols) as u64);
    let mut g: Vec<f64> = (0..rows * cols).map(|_| rng.range(0.0, 1.0)).collect();
    // The book's initial condition on top: a block of 0.005 in [0.4 N, 0.5 N).
    for i in (rows * 4 / 10)..(rows / 2) {
        for j in (cols * 4 / 10)..(cols / 2) {
            g[i * cols + j] += 0.005;
        }
    }
    g
}

fn diffusion_evolve(b: Binding) {
    for &(rows, cols) in GRID_SHAPES {
        for boundary in [HPK_BOUNDARY_FIXED, HPK_BOUNDARY_PERIODIC] {
            for (d, dt) in [(1.0, 0.1), (0.3, 0.7)] {
                let input = start_grid(rows, cols);
                let mut via_shim = vec![F64_CANARY; rows * cols];
                let mut direct = vec![F64_CANARY; rows * cols];
                let s1 = unsafe {
                    (shim(b).diffusion_evolve)(input.as_ptr(), via_shim.as_mut_ptr(), rows, cols, d, dt, boundary)
                };
                let s2 = unsafe {
                    (hpk().diffusion_evolve)(input.as_ptr(), direct.as_mut_ptr(), rows, cols, d, dt, boundary)
                };
                assert_eq!((s1, s2), (HPK_OK, HPK_OK), "{b:?} {rows}x{cols} boundary {boundary}");
                assert_eq!(
                    bits(&via_shim),
                    bits(&direct),
                    "{b:?}: evolve {rows}x{cols} boundary {boundary} d {d} dt {dt}"
                );
                assert_eq!(bits(&input), bits(&start_grid(rows, cols)), "{b:?}: evolve changed its input");
            }
        }
    }
}

fn diffusion_run(b: Binding) {
    for &(rows, cols) in GRID_SHAPES {
        for boundary in [HPK_BOUNDARY_FIXED, HPK_BOUNDARY_PERIODIC] {
            for steps in [0u64, 1, 2, 5, 10] {
                let start = start_grid(rows, cols);
                let mut via_shim = start.clone();
                let s1 =
                    unsafe { (shim(b).diffusion_run)(via_shim.as_mut_ptr(), rows, cols, 1.0, 0.1, boundary, steps) };
                let mut direct = start.clone();
                let mut scratch = vec![F64_CANARY; rows * cols];
                let s2 = unsafe {
                    (hpk().diffusion_run)(
                        direct.as_mut_ptr(),
                        scratch.as_mut_ptr(),
                        rows,
                        cols,
                        1.0,
                        0.1,
                        boundary,
                        steps,
                    )
                };
                assert_eq!((s1, s2), (HPK_OK, HPK_OK), "{b:?} run {rows}x{cols}");
                assert_eq!(
                    bits(&via_shim),
                    bits(&direct),
                    "{b:?}: run {rows}x{cols} boundary {boundary} steps {steps}"
                );
                if steps == 0 {
                    assert_eq!(bits(&via_shim), bits(&start));
                }
            }
        }
    }
    // A longer run on the book's kind of grid, periodic: the sum is conserved through the binding.
    let (rows, cols) = (64, 48);
    let mut g = start_grid(rows, cols);
    let before: f64 = g.iter().sum();
    let s = unsafe { (shim(b).diffusion_run)(g.as_mut_ptr(), rows, cols, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 200) };
    assert_eq!(s, HPK_OK);
    assert!((g.iter().sum::<f64>() - before).abs() < 1e-10 * before);
}

fn diffusion_statuses(b: Binding) {
    let input = start_grid(4, 5);
    for (rows, cols, d, dt, boundary, want) in [
        (4, 5, 1.0, 0.1, 2, HPK_ERR_INVALID_ARGUMENT),
        (4, 5, 1.0, 0.1, u32::MAX, HPK_ERR_INVALID_ARGUMENT),
        (4, 5, f64::NAN, 0.1, 0, HPK_ERR_INVALID_ARGUMENT),
        (4, 5, 1.0, f64::INFINITY, 1, HPK_ERR_INVALID_ARGUMENT),
        (0, 5, 1.0, 0.1, 0, HPK_ERR_INVALID_SIZE),
        (4, 0, 1.0, 0.1, 1, HPK_ERR_INVALID_SIZE),
    ] {
        let mut out = vec![F64_CANARY; 20];
        let s = unsafe { (shim(b).diffusion_evolve)(input.as_ptr(), out.as_mut_ptr(), rows, cols, d, dt, boundary) };
        assert_eq!(s, want, "{b:?} shim_diffusion_evolve {rows}x{cols} d {d} dt {dt} boundary {boundary}");
        assert!(out.iter().all(|x| x.to_bits() == F64_CANARY.to_bits()), "{b:?}: evolve wrote on status {s}");
        let mut g = input.clone();
        let s = unsafe { (shim(b).diffusion_run)(g.as_mut_ptr(), rows, cols, d, dt, boundary, 3) };
        assert_eq!(s, want, "{b:?} shim_diffusion_run {rows}x{cols} d {d} dt {dt} boundary {boundary}");
        assert_eq!(bits(&g), bits(&input), "{b:?}: run changed the grid on status {s}");
    }
    let mut out = vec![F64_CANARY; 20];
    let s = unsafe { (shim(b).diffusion_evolve)(ptr::null(), out.as_mut_ptr(), 4, 5, 1.0, 0.1, 0) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL in");
    let s = unsafe { (shim(b).diffusion_run)(ptr::null_mut(), 4, 5, 1.0, 0.1, 0, 1) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL grid");
    assert!(out.iter().all(|x| x.to_bits() == F64_CANARY.to_bits()));
}

// ---------------------------------------------------------------------------------------------
// Primes

const BOOK_NUMBERS: &[(u64, bool)] = &[
    (112_272_535_095_295, false),
    (100_109_100_129_100_369, false),
    (100_109_100_129_101_027, false),
    (100_109_100_129_100_151, true),
    (100_109_100_129_162_907, true),
];

fn flag(f: impl FnOnce(*mut bool) -> u32) -> (u32, u8) {
    let mut out = [BOOL_CANARY];
    let s = f(out.as_mut_ptr().cast());
    (s, out[0])
}

fn primes_is_prime(b: Binding) {
    let extra =
        [(0, false), (1, false), (2, true), (561, false), (u64::MAX - 58, true), (u64::MAX, false), (1 << 63, false)];
    for &(n, want) in BOOK_NUMBERS.iter().chain(&extra) {
        let (s, v) = flag(|p| unsafe { (shim(b).is_prime)(n, p) });
        assert_eq!((s, v), (HPK_OK, want as u8), "{b:?} shim_is_prime({n})");
        let (s, direct) = flag(|p| unsafe { (hpk().is_prime)(n, p) });
        assert_eq!((s, direct), (HPK_OK, v));
    }
    // Trial division: the book's composite with a small factor, and small primes.
    for (n, want) in
        [(112_272_535_095_295, false), (1_000_000_007, true), (4_294_967_291, true), (49, false), (2, true), (1, false)]
    {
        let (s, v) = flag(|p| unsafe { (shim(b).check_prime)(n, p) });
        assert_eq!((s, v), (HPK_OK, want as u8), "{b:?} shim_check_prime({n})");
    }
    assert_eq!(unsafe { (shim(b).is_prime)(7, ptr::null_mut()) }, HPK_ERR_NULL_POINTER, "{b:?}");
    assert_eq!(unsafe { (shim(b).check_prime)(7, ptr::null_mut()) }, HPK_ERR_NULL_POINTER, "{b:?}");
}

fn primes_smallest_factor(b: Binding) {
    let cases: &[(u64, u64, u64, u64)] = &[
        (112_272_535_095_295, 2, 1000, 5),
        (112_272_535_095_295, 6, 1000, 109),
        (112_272_535_095_295, 110, 1000, 545),
        (112_272_535_095_295, 206_004_651_551 - 1_000_000, 206_004_651_551 + 1, 206_004_651_551),
        (100_109_100_129_100_369, 95_362_951 - 1_000_000, 95_362_951 + 1_000_000, 95_362_951),
        (100_109_100_129_100_369, 95_362_951 + 1, 95_362_951 + 1_000_000, 0),
        (100_109_100_129_100_369, 1_049_769_319 - 1_000_000, 1_049_769_320, 1_049_769_319),
        (100_109_100_129_101_027, 171_656_941 - 1_000_000, 171_656_941 + 1, 171_656_941),
        (100_109_100_129_101_027, 583_192_847 - 1_000_000, 583_192_847 + 1, 583_192_847),
        (100_109_100_129_101_027, 2, 1_000_000, 0),
        (12, 4, 13, 4),
        (0, 0, 10, 2),
        (1, 0, 1000, 0),
        (100, 50, 10, 0),
        (u64::MAX, 4, 100, 5), // values >= 2^63 pass through a signed Fortran integer unchanged
    ];
    for &(n, from, to, want) in cases {
        let mut factor = U64_CANARY;
        let s = unsafe { (shim(b).smallest_factor_in_range)(n, from, to, &mut factor) };
        assert_eq!((s, factor), (HPK_OK, want), "{b:?} shim_smallest_factor_in_range({n}, {from}, {to})");
    }
    let s = unsafe { (shim(b).smallest_factor_in_range)(12, 2, 13, ptr::null_mut()) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}");
}

fn primes_count_and_list(b: Binding) {
    let mut count = U64_CANARY;
    assert_eq!(unsafe { (shim(b).count_primes)(0, 1_000_000, &mut count) }, HPK_OK);
    assert_eq!(count, 78_498, "{b:?} shim_count_primes(0, 10^6)");
    let mut direct = U64_CANARY;
    assert_eq!(unsafe { (hpk().count_primes)(0, 1_000_000, &mut direct) }, HPK_OK);
    assert_eq!(count, direct);
    for (lo, hi, want) in [(0, 100, 25), (100, 0, 0), (1_000_000_000_000, 1_000_000_001_000, 37)] {
        let mut count = U64_CANARY;
        assert_eq!(unsafe { (shim(b).count_primes)(lo, hi, &mut count) }, HPK_OK);
        assert_eq!(count, want, "{b:?} shim_count_primes({lo}, {hi})");
    }
    assert_eq!(unsafe { (shim(b).count_primes)(0, 10, ptr::null_mut()) }, HPK_ERR_NULL_POINTER, "{b:?}");

    // primes_in_range(0, 1000): size query, too small, exact.
    let mut written = usize::MAX;
    let s = unsafe { (shim(b).primes_in_range)(0, 1000, ptr::null_mut(), 0, &mut written) };
    assert_eq!((s, written), (HPK_ERR_BUFFER_TOO_SMALL, 168), "{b:?}: size query");
    let mut small = vec![U64_CANARY; 100];
    let mut written = usize::MAX;
    let s = unsafe { (shim(b).primes_in_range)(0, 1000, small.as_mut_ptr(), 100, &mut written) };
    assert_eq!((s, written), (HPK_ERR_BUFFER_TOO_SMALL, 168), "{b:?}: too small");
    assert!(small.iter().all(|&v| v == U64_CANARY), "{b:?}: a too-small buffer was written");
    let mut via_shim = vec![U64_CANARY; 168];
    let mut written = usize::MAX;
    let s = unsafe { (shim(b).primes_in_range)(0, 1000, via_shim.as_mut_ptr(), 168, &mut written) };
    assert_eq!((s, written), (HPK_OK, 168), "{b:?}: exact capacity");
    let mut direct = vec![U64_CANARY; 168];
    let mut direct_written = 0;
    let s = unsafe { (hpk().primes_in_range)(0, 1000, direct.as_mut_ptr(), 168, &mut direct_written) };
    assert_eq!((s, direct_written), (HPK_OK, 168));
    assert_eq!(via_shim, direct, "{b:?}: the primes below 1000");
    assert_eq!((via_shim[0], via_shim[167]), (2, 997));
    // Above 2^63: the values travel as the same bits.
    let mut top = vec![U64_CANARY; 8];
    let mut written = usize::MAX;
    let s = unsafe { (shim(b).primes_in_range)(u64::MAX - 100, u64::MAX, top.as_mut_ptr(), 8, &mut written) };
    assert_eq!(s, HPK_OK, "{b:?}: the primes below 2^64");
    assert!(written >= 1 && top[written - 1] == u64::MAX - 58, "{b:?}: {:?}", &top[..written.min(8)]);
    let s = unsafe { (shim(b).primes_in_range)(0, 1000, via_shim.as_mut_ptr(), 168, ptr::null_mut()) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL written");
}

fn primes_batch(b: Binding) {
    let numbers: Vec<u64> = (1..=5000).collect();
    let mut via_shim = vec![BOOL_CANARY; numbers.len()];
    let mut direct = vec![BOOL_CANARY; numbers.len()];
    let s1 = unsafe { (shim(b).is_prime_batch)(numbers.as_ptr(), numbers.len(), via_shim.as_mut_ptr().cast()) };
    let s2 = unsafe { (hpk().is_prime_batch)(numbers.as_ptr(), numbers.len(), direct.as_mut_ptr().cast()) };
    assert_eq!((s1, s2), (HPK_OK, HPK_OK), "{b:?} shim_is_prime_batch");
    assert_eq!(via_shim, direct, "{b:?}: is_prime_batch on 1..=5000");
    let sieve = sieve(5001);
    let want: Vec<u8> = (1..=5000).map(|n| sieve[n] as u8).collect();
    assert_eq!(via_shim, want);
    assert_eq!(via_shim.iter().filter(|&&f| f == 1).count(), 669);

    let book: Vec<u64> = BOOK_NUMBERS.iter().map(|k| k.0).collect();
    let mut flags = vec![BOOL_CANARY; book.len()];
    assert_eq!(unsafe { (shim(b).is_prime_batch)(book.as_ptr(), book.len(), flags.as_mut_ptr().cast()) }, HPK_OK);
    assert_eq!(flags, BOOK_NUMBERS.iter().map(|k| k.1 as u8).collect::<Vec<_>>(), "{b:?}: the book's numbers");

    // Empty batch with NULL, NULL with a count, overlap.
    assert_eq!(unsafe { (shim(b).is_prime_batch)(ptr::null(), 0, ptr::null_mut()) }, HPK_OK, "{b:?}");
    let mut flags = vec![BOOL_CANARY; 4];
    let s = unsafe { (shim(b).is_prime_batch)(ptr::null(), 4, flags.as_mut_ptr().cast()) };
    assert_eq!(s, HPK_ERR_NULL_POINTER, "{b:?}: NULL numbers");
    assert!(flags.iter().all(|&f| f == BOOL_CANARY));
}

// ---------------------------------------------------------------------------------------------
// Sizes whose byte count overflows: the library reports HPK_ERR_INVALID_SIZE before touching
// memory, and a binding must pass them on rather than use them (an array view of 2^61 elements
// that gets copied would crash). A crash must fail this test only, not the whole binary, so the
// body runs in a child process: the test binary re-runs itself on just this test.

const CHILD_ENV: &str = "HPK_FFI_TESTS_CHILD";

fn in_child_process(test_path: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(test_path) {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(&exe)
        .args([test_path, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, test_path)
        .output()
        .expect("re-running the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test_path} failed in its child process ({}):\n{stdout}\n{}",
        describe(&out.status),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn describe(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(11) => "killed by SIGSEGV: the binding crashed".into(),
        Some(sig) => format!("killed by signal {sig}"),
        None => format!("{status}"),
    }
}

fn size_overflow_statuses(b: Binding) {
    let input = start_grid(4, 5);
    for (rows, cols) in [(1usize << 61, 1usize), (1, 1 << 61), (usize::MAX, 2), (1 << 32, 1 << 32)] {
        let mut out = vec![F64_CANARY; 20];
        eprintln!("calling {b:?} shim_diffusion_evolve with {rows} x {cols}");
        let s = unsafe { (shim(b).diffusion_evolve)(input.as_ptr(), out.as_mut_ptr(), rows, cols, 1.0, 0.1, 0) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_diffusion_evolve {rows}x{cols}");
        assert!(out.iter().all(|x| x.to_bits() == F64_CANARY.to_bits()));
        let mut g = input.clone();
        eprintln!("calling {b:?} shim_diffusion_run with {rows} x {cols}");
        let s = unsafe { (shim(b).diffusion_run)(g.as_mut_ptr(), rows, cols, 1.0, 0.1, 1, 2) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_diffusion_run {rows}x{cols}");
        assert_eq!(bits(&g), bits(&input));
    }
    for (w, h) in [(1usize << 62, 1usize), (1, 1 << 62), (usize::MAX, 2), (1 << 32, 1 << 32)] {
        let mut out = vec![I32_CANARY; 20];
        let c = HPK_BOOK_C;
        eprintln!("calling {b:?} shim_julia_grid with {w} x {h}");
        let s = unsafe { (shim(b).julia_grid)(-1.8, 1.8, -1.8, 1.8, w, h, c.re, c.im, 300, out.as_mut_ptr()) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_julia_grid {w}x{h}");
        assert!(out.iter().all(|&v| v == I32_CANARY));
    }
    let zs = [HpkComplex::new(0.0, 0.0); 4];
    let mut counts = vec![I32_CANARY; 4];
    for n in [1usize << 60, usize::MAX] {
        eprintln!("calling {b:?} shim_julia_calculate_z with n = {n}");
        let s = unsafe { (shim(b).julia_calculate_z)(zs.as_ptr(), zs.as_ptr(), n, 10, counts.as_mut_ptr()) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_julia_calculate_z n = {n}");
    }
    assert!(counts.iter().all(|&v| v == I32_CANARY));
    let numbers = [7u64; 4];
    let mut flags = vec![BOOL_CANARY; 4];
    for count in [1usize << 61, usize::MAX] {
        eprintln!("calling {b:?} shim_is_prime_batch with count = {count}");
        let s = unsafe { (shim(b).is_prime_batch)(numbers.as_ptr(), count, flags.as_mut_ptr().cast()) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_is_prime_batch count = {count}");
    }
    assert!(flags.iter().all(|&f| f == BOOL_CANARY));
    let mut primes = vec![U64_CANARY; 4];
    let mut written = usize::MAX;
    for capacity in [1usize << 61, usize::MAX] {
        eprintln!("calling {b:?} shim_primes_in_range with capacity = {capacity}");
        let s = unsafe { (shim(b).primes_in_range)(0, 100, primes.as_mut_ptr(), capacity, &mut written) };
        assert_eq!(s, HPK_ERR_INVALID_SIZE, "{b:?} shim_primes_in_range capacity = {capacity}");
    }
    assert!(primes.iter().all(|&v| v == U64_CANARY) && written == usize::MAX);
}

macro_rules! per_binding {
    ($($name:ident),* $(,)?) => {
        mod c {
            use super::*;
            $(#[test] fn $name() { super::$name(Binding::C) })*
        }
        mod fortran {
            use super::*;
            $(#[test] fn $name() { super::$name(Binding::Fortran) })*
        }
    };
}

mod c_isolated {
    use super::*;
    #[test]
    fn size_overflow_statuses() {
        in_child_process("c_isolated::size_overflow_statuses", || super::size_overflow_statuses(Binding::C));
    }
}

mod fortran_isolated {
    use super::*;
    #[test]
    fn size_overflow_statuses() {
        in_child_process("fortran_isolated::size_overflow_statuses", || {
            super::size_overflow_statuses(Binding::Fortran)
        });
    }
}

per_binding!(
    julia_book_grid,
    julia_grid_shapes,
    julia_calculate_z,
    julia_statuses,
    diffusion_evolve,
    diffusion_run,
    diffusion_statuses,
    primes_is_prime,
    primes_smallest_factor,
    primes_count_and_list,
    primes_batch,
);

#[test]
fn shims_resolve_against_the_loaded_library() {
    for b in Binding::ALL {
        let (path, problem) = b.shim_path();
        assert_eq!(problem, "", "{b:?} shim not built");
        assert!(path.is_file(), "{b:?}: {}", path.display());
        assert_eq!(shim(b).path, path);
        // The shims' hpk_* references are bound to the very libhpkern this process loaded: a
        // failure through a shim sets the per-thread detail that the direct export reports.
        // (A fresh thread starts with an empty detail.)
        let (before, after) = std::thread::spawn(move || {
            let before = hpk().last_error();
            let mut out = [I32_CANARY; 4];
            let s = unsafe { (shim(b).julia_grid)(-1.0, 1.0, -1.0, 1.0, 2, 2, 0.0, 0.0, -4242, out.as_mut_ptr()) };
            assert_eq!(s, HPK_ERR_INVALID_ARGUMENT);
            (before, hpk().last_error())
        })
        .join()
        .unwrap();
        assert_eq!(before, "");
        assert!(!after.is_empty(), "{b:?}: the shim's failure is not seen by the loaded library");
    }
}
