//! The exports called as Rust functions: statuses, untouched outputs on error, the panic guard.
//! ffi-tests drives the same exports through the built libhpkern.so from outside.

use super::*;
use std::ffi::CStr;
use std::ptr::{null, null_mut};

fn text(p: *const std::ffi::c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: the exports return NUL-terminated static or thread-local text.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

#[test]
fn version_matches_cargo_and_header() {
    assert_eq!(text(hpk_version()), env!("CARGO_PKG_VERSION"));
    // build.rs is the one place the ABI version is written; it reaches the crate as this variable.
    assert_eq!(hpk_abi_version().to_string(), env!("HPK_ABI_VERSION"));
    let header = include_str!("../../include/hpkern.h");
    for (macro_name, value) in [
        ("HPK_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("HPK_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("HPK_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
        ("HPK_ABI_VERSION", env!("HPK_ABI_VERSION")),
    ] {
        assert!(header.contains(&format!("#define {macro_name} {value}\n")), "{macro_name} in header");
    }
}

#[test]
fn isa_name_is_the_active_path() {
    let name = text(hpk_isa_name());
    assert_eq!(name, crate::isa::active().name());
    assert_eq!(hpk_isa_name(), hpk_isa_name(), "static text: the same pointer every time");
}

#[test]
fn every_status_has_its_own_message_and_unknown_codes_are_safe() {
    let known: Vec<String> = (0..=8).map(|s| text(hpk_status_message(s))).collect();
    for (i, m) in known.iter().enumerate() {
        assert!(!m.is_empty());
        assert!(known.iter().skip(i + 1).all(|other| other != m), "duplicate message {m}");
    }
    assert_eq!(known[0], "success");
    for unknown in [9, 100, u32::MAX] {
        assert_eq!(text(hpk_status_message(unknown)), "unknown status code");
    }
}

#[test]
fn status_numbers_never_change() {
    assert_eq!(
        [
            HPK_OK,
            HPK_ERR_NULL_POINTER,
            HPK_ERR_INVALID_SIZE,
            HPK_ERR_INVALID_ARGUMENT,
            HPK_ERR_OVERLAP,
            HPK_ERR_BUFFER_TOO_SMALL,
            HPK_ERR_OUT_OF_MEMORY,
            HPK_ERR_PANIC,
            HPK_ERR_CANCELLED
        ],
        [0, 1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert_eq!((HPK_BOUNDARY_FIXED, HPK_BOUNDARY_PERIODIC), (0, 1));
}

#[test]
fn panics_become_a_status_and_the_library_keeps_working() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let status = guard(|| panic!("deliberate test panic"));
        assert_eq!(status, HPK_ERR_PANIC);
        assert!(text(hpk_last_error_message()).contains("deliberate test panic"));
        let mut out = [0i32; 4];
        assert_eq!(hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 2, 2, -0.62772, -0.42193, 300, out.as_mut_ptr()), HPK_OK);
    }
}

#[test]
fn diffusion_statuses_and_untouched_outputs() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let input = [0.25; 16];
        let mut out = vec![9.0; 16];
        let (i, o) = (input.as_ptr(), out.as_mut_ptr());
        let cases: &[(&str, hpk_status, hpk_status)] = &[
            ("null in", hpk_diffusion_evolve(null(), o, 4, 4, 1.0, 0.1, 0), HPK_ERR_NULL_POINTER),
            ("null out", hpk_diffusion_evolve(i, null_mut(), 4, 4, 1.0, 0.1, 0), HPK_ERR_NULL_POINTER),
            ("zero rows", hpk_diffusion_evolve(i, o, 0, 4, 1.0, 0.1, 0), HPK_ERR_INVALID_SIZE),
            ("zero cols", hpk_diffusion_evolve(i, o, 4, 0, 1.0, 0.1, 0), HPK_ERR_INVALID_SIZE),
            ("overflow", hpk_diffusion_evolve(i, o, usize::MAX / 4, 3, 1.0, 0.1, 0), HPK_ERR_INVALID_SIZE),
            ("bytes overflow", hpk_diffusion_evolve(i, o, 1 << 31, 1 << 30, 1.0, 0.1, 0), HPK_ERR_INVALID_SIZE),
            ("nan d", hpk_diffusion_evolve(i, o, 4, 4, f64::NAN, 0.1, 0), HPK_ERR_INVALID_ARGUMENT),
            ("inf dt", hpk_diffusion_evolve(i, o, 4, 4, 1.0, f64::INFINITY, 1), HPK_ERR_INVALID_ARGUMENT),
            ("boundary 2", hpk_diffusion_evolve(i, o, 4, 4, 1.0, 0.1, 2), HPK_ERR_INVALID_ARGUMENT),
            ("same buffer", hpk_diffusion_evolve(o, o, 4, 4, 1.0, 0.1, 0), HPK_ERR_OVERLAP),
            // One element into the same 16-element allocation.
            ("partial overlap", hpk_diffusion_evolve(o.add(1), o, 3, 5, 1.0, 0.1, 0), HPK_ERR_OVERLAP),
            ("run same buffer", hpk_diffusion_run(o, o, 4, 4, 1.0, 0.1, 0, 3), HPK_ERR_OVERLAP),
            ("run null scratch", hpk_diffusion_run(o, null_mut(), 4, 4, 1.0, 0.1, 0, 3), HPK_ERR_NULL_POINTER),
            (
                "run boundary",
                hpk_diffusion_run(o, out.as_ptr().cast_mut(), 4, 4, 1.0, 0.1, 99, 1),
                HPK_ERR_INVALID_ARGUMENT,
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
        assert!(out.iter().all(|&v| v == 9.0), "no output written on error");

        let misaligned = (o as usize + 1) as *mut f64;
        assert_eq!(hpk_diffusion_evolve(i, misaligned, 2, 2, 1.0, 0.1, 0), HPK_ERR_INVALID_ARGUMENT);
        assert!(text(hpk_last_error_message()).contains("misaligned"));

        assert_eq!(hpk_diffusion_evolve(i, o, 4, 4, 1.0, 0.1, HPK_BOUNDARY_PERIODIC), HPK_OK);
        assert!(out.iter().all(|&v| v == 0.25), "a constant grid is a fixed point");
        let mut grid = vec![0.0, 1.0, 0.0, 0.0];
        let mut scratch = vec![0.0; 4];
        assert_eq!(hpk_diffusion_run(grid.as_mut_ptr(), scratch.as_mut_ptr(), 1, 4, 1.0, 0.25, 1, 1), HPK_OK);
        // 1x4 periodic: a row is its own up and down neighbour, so only left/right contribute.
        assert_eq!(grid, vec![0.25, 0.5, 0.25, 0.0]);
    }
}

#[test]
fn julia_statuses_and_untouched_outputs() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let zs = [hpk_complex { re: 0.1, im: 0.2 }; 8];
        let cs = [hpk_complex { re: -0.62772, im: -0.42193 }; 8];
        let mut out = vec![-7i32; 8];
        let o = out.as_mut_ptr();
        let cases: &[(&str, hpk_status, hpk_status)] = &[
            ("null zs", hpk_julia_calculate_z(null(), cs.as_ptr(), 8, 300, o), HPK_ERR_NULL_POINTER),
            ("null cs", hpk_julia_calculate_z(zs.as_ptr(), null(), 8, 300, o), HPK_ERR_NULL_POINTER),
            ("null out", hpk_julia_calculate_z(zs.as_ptr(), cs.as_ptr(), 8, 300, null_mut()), HPK_ERR_NULL_POINTER),
            ("neg maxiter", hpk_julia_calculate_z(zs.as_ptr(), cs.as_ptr(), 8, -1, o), HPK_ERR_INVALID_ARGUMENT),
            ("n overflow", hpk_julia_calculate_z(zs.as_ptr(), cs.as_ptr(), usize::MAX / 8, 3, o), HPK_ERR_INVALID_SIZE),
            (
                "out overlaps zs",
                hpk_julia_calculate_z(zs.as_ptr(), cs.as_ptr(), 8, 3, zs.as_ptr().cast_mut().cast()),
                HPK_ERR_OVERLAP,
            ),
            ("grid null", hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 2, 4, 0.0, 0.0, 30, null_mut()), HPK_ERR_NULL_POINTER),
            ("grid width 0", hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 0, 4, 0.0, 0.0, 30, o), HPK_ERR_INVALID_SIZE),
            ("grid height 0", hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 2, 0, 0.0, 0.0, 30, o), HPK_ERR_INVALID_SIZE),
            (
                "grid overflow",
                hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, usize::MAX, 2, 0.0, 0.0, 30, o),
                HPK_ERR_INVALID_SIZE,
            ),
            (
                "grid bytes",
                hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 1 << 32, 1 << 30, 0.0, 0.0, 30, o),
                HPK_ERR_INVALID_SIZE,
            ),
            ("grid nan x1", hpk_julia_grid(f64::NAN, 1.8, -1.8, 1.8, 2, 4, 0.0, 0.0, 30, o), HPK_ERR_INVALID_ARGUMENT),
            (
                "grid inf c",
                hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 2, 4, f64::INFINITY, 0.0, 30, o),
                HPK_ERR_INVALID_ARGUMENT,
            ),
            (
                "grid maxiter",
                hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 2, 4, 0.0, 0.0, i32::MIN, o),
                HPK_ERR_INVALID_ARGUMENT,
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
        assert!(out.iter().all(|&v| v == -7));
        assert_eq!(hpk_julia_calculate_z(null(), null(), 0, 300, null_mut()), HPK_OK, "n = 0 is a no-op");
        assert_eq!(hpk_julia_calculate_z(zs.as_ptr(), cs.as_ptr(), 8, 300, o), HPK_OK);
        let want = crate::julia::escape_count(
            num_complex::Complex64::new(0.1, 0.2),
            num_complex::Complex64::new(-0.62772, -0.42193),
            300,
        );
        assert!(out.iter().all(|&v| v == want));
    }
}

#[test]
fn book_julia_checksum_through_the_grid_export() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let mut out = vec![0i32; 1_000_000];
        assert_eq!(hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 1000, 1000, -0.62772, -0.42193, 300, out.as_mut_ptr()), HPK_OK);
        assert_eq!(out.iter().map(|&v| v as u64).sum::<u64>(), 33_219_980);
    }
}

#[test]
fn prime_statuses_and_values() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let mut flag = true;
        let mut value = 77u64;
        assert_eq!(hpk_is_prime(7, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_check_prime(7, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_smallest_factor_in_range(15, 2, 10, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_count_primes(0, 10, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_is_prime(18_446_744_073_709_551_557, &mut flag), HPK_OK);
        assert!(flag);
        assert_eq!(hpk_check_prime(1, &mut flag), HPK_OK);
        assert!(!flag);
        assert_eq!(hpk_smallest_factor_in_range(112_272_535_095_295, 2, 100, &mut value), HPK_OK);
        assert_eq!(value, 5);
        assert_eq!(hpk_smallest_factor_in_range(12, 4, 13, &mut value), HPK_OK);
        assert_eq!(value, 4, "exact: the smallest divisor in range may be composite");
        assert_eq!(hpk_count_primes(0, 1_000_000, &mut value), HPK_OK);
        assert_eq!(value, 78_498);
        assert_eq!(hpk_count_primes(10, 3, &mut value), HPK_OK);
        assert_eq!(value, 0, "an empty range");

        let numbers = [1u64, 2, 3, 4, 97, 561, 18_446_744_073_709_551_615];
        let mut flags = [true; 7];
        assert_eq!(hpk_is_prime_batch(numbers.as_ptr(), 7, flags.as_mut_ptr()), HPK_OK);
        assert_eq!(flags, [false, true, true, false, true, false, false]);
        assert_eq!(hpk_is_prime_batch(null(), 7, flags.as_mut_ptr()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_is_prime_batch(numbers.as_ptr(), 7, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_is_prime_batch(null(), 0, null_mut()), HPK_OK);
        assert_eq!(hpk_is_prime_batch(numbers.as_ptr(), 7, numbers.as_ptr().cast_mut().cast()), HPK_ERR_OVERLAP);
    }
}

#[test]
fn primes_in_range_size_query_and_too_small_buffer() {
    // SAFETY: every pointer is a live local buffer of the size passed, or NULL, misaligned or
    // overlapping on purpose: those are what the library must detect before touching memory.
    unsafe {
        let mut written = 0usize;
        assert_eq!(hpk_primes_in_range(0, 30, null_mut(), 0, &mut written), HPK_ERR_BUFFER_TOO_SMALL);
        assert_eq!(written, 10);
        let mut buf = [u64::MAX; 10];
        written = 0;
        assert_eq!(hpk_primes_in_range(0, 30, buf.as_mut_ptr(), 9, &mut written), HPK_ERR_BUFFER_TOO_SMALL);
        assert_eq!(written, 10);
        assert!(buf.iter().all(|&v| v == u64::MAX), "nothing written when it does not fit");
        assert_eq!(hpk_primes_in_range(0, 30, buf.as_mut_ptr(), 10, &mut written), HPK_OK);
        assert_eq!((written, buf), (10, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]));
        assert_eq!(hpk_primes_in_range(24, 29, null_mut(), 0, &mut written), HPK_OK, "no primes fit in 0");
        assert_eq!(written, 0);
        assert_eq!(hpk_primes_in_range(0, 30, buf.as_mut_ptr(), 10, null_mut()), HPK_ERR_NULL_POINTER);
        assert_eq!(hpk_primes_in_range(0, 30, null_mut(), 5, &mut written), HPK_ERR_NULL_POINTER);
        let inside = buf.as_mut_ptr().cast::<usize>();
        assert_eq!(hpk_primes_in_range(0, 30, buf.as_mut_ptr(), 10, inside), HPK_ERR_OVERLAP);
    }
}

#[test]
fn thread_count_knob_is_bounded() {
    assert_eq!(hpk_set_num_threads(1_000_000), HPK_ERR_INVALID_ARGUMENT);
    assert!(text(hpk_last_error_message()).contains("1000000"));
    assert!(hpk_get_num_threads() >= 1);
}
