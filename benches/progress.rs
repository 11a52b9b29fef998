//! The cost of a progress handler: the same calls through the C ABI with no handler and with
//! one that never cancels (the default interval, 100 ms, and 10 ms), the variants side by side in
//! one group per workload so that their ratio can be read off one run. Without a handler the
//! exports take the path they took before progress reports existed (compare with a baseline:
//! `--save-baseline` / `--baseline`).

#[allow(dead_code)] // thread_counts: this bench runs on the automatic count only
mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::ffi::{self, HPK_BOUNDARY_FIXED, HPK_OK};
use std::ffi::c_void;
use std::hint::black_box;
use std::time::Duration;

unsafe extern "C" fn never(_: *mut c_void, _: u64, _: u64) -> i32 {
    0
}

/// The handler settings compared: none, the default interval, 10 ms.
const VARIANTS: [(&str, bool, u32); 3] = [("none", false, 0), ("handler_100ms", true, 0), ("handler_10ms", true, 10)];

fn set(handler: bool, ms: u32) {
    let f: ffi::hpk_progress_fn = if handler { Some(never) } else { None };
    assert_eq!(ffi::hpk_set_progress_handler(f, std::ptr::null_mut(), ms), HPK_OK);
}

fn bench_progress(c: &mut Criterion) {
    let mut julia = vec![0i32; 1000 * 1000];
    let n = 512;
    let (mut grid, mut scratch) = (common::book_grid(n), vec![0.0; n * n]);
    let numbers: Vec<u64> = (0..1_000_000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1).collect();
    let mut flags = vec![false; numbers.len()];
    type Work<'a> = Box<dyn FnMut() + 'a>;
    let workloads: Vec<(&str, Work)> = vec![
        (
            "julia_grid_1000x1000_300",
            Box::new(|| {
                // SAFETY: julia holds 1000 * 1000 ints.
                let s = unsafe {
                    ffi::hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 1000, 1000, -0.62772, -0.42193, 300, julia.as_mut_ptr())
                };
                assert_eq!(s, HPK_OK);
            }),
        ),
        (
            "diffusion_run_512x512_1000",
            Box::new(|| {
                // SAFETY: both hold n * n doubles and are distinct.
                let s = unsafe {
                    ffi::hpk_diffusion_run(
                        grid.as_mut_ptr(),
                        scratch.as_mut_ptr(),
                        n,
                        n,
                        1.0,
                        0.1,
                        HPK_BOUNDARY_FIXED,
                        1000,
                    )
                };
                assert_eq!(s, HPK_OK);
            }),
        ),
        (
            "check_prime_100109100129100151",
            Box::new(|| {
                let mut p = false;
                // SAFETY: p is a writable bool.
                assert_eq!(unsafe { ffi::hpk_check_prime(black_box(100_109_100_129_100_151), &mut p) }, HPK_OK);
                assert!(p);
            }),
        ),
        (
            "is_prime_batch_1e6",
            Box::new(|| {
                // SAFETY: both hold numbers.len() elements.
                assert_eq!(
                    unsafe { ffi::hpk_is_prime_batch(numbers.as_ptr(), numbers.len(), flags.as_mut_ptr()) },
                    HPK_OK
                );
            }),
        ),
        (
            "count_primes_1e9",
            Box::new(|| {
                let mut count = 0;
                // SAFETY: count is a writable u64.
                assert_eq!(unsafe { ffi::hpk_count_primes(0, black_box(1_000_000_000), &mut count) }, HPK_OK);
                assert_eq!(count, 50_847_534);
            }),
        ),
    ];
    for (name, mut work) in workloads {
        let mut group = c.benchmark_group(format!("progress_{name}"));
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
        for (variant, handler, ms) in VARIANTS {
            set(handler, ms);
            group.bench_function(BenchmarkId::from_parameter(variant), |b| b.iter(&mut work));
        }
        set(false, 0);
        group.finish();
    }
}

criterion_group!(benches, bench_progress);
criterion_main!(benches);
