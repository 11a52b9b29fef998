//! hpkern through its C ABI (the `hpk_*` exports of libhpkern, here linked from the rlib) on all
//! cores, at the workloads of `make bench-compare`, which reads the medians from
//! target/criterion/c_abi/<id>/new/estimates.json. Each id's units of work per iteration (steps
//! or calls) are its criterion throughput in elements, which criterion writes to
//! <id>/new/benchmark.json, where bench-compare/criterion.py reads them: the count is stated
//! here only. Every answer is checked once before timing, so a wrong result never gets a time.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use hpkern::ffi::{self, hpk_boundary, HPK_BOUNDARY_FIXED, HPK_OK};
use hpkern_testkit::{julia::BOOK_SUM, Rng};
use std::hint::black_box;
use std::time::Duration;

const D: f64 = 1.0;
const DT: f64 = 0.1;
const FIXED: hpk_boundary = HPK_BOUNDARY_FIXED;

/// The book's initial condition: zeros with 0.005 in rows and columns [0.4 n, 0.5 n).
fn book_grid(n: usize) -> Vec<f64> {
    let (lo, hi) = (n * 4 / 10, n / 2);
    (0..n * n).map(|k| if (lo..hi).contains(&(k / n)) && (lo..hi).contains(&(k % n)) { 0.005 } else { 0.0 }).collect()
}

fn julia_grid(out: &mut [i32]) {
    // SAFETY: out holds 1000*1000 ints.
    let s = unsafe { ffi::hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 1000, 1000, -0.62772, -0.42193, 300, out.as_mut_ptr()) };
    assert_eq!(s, HPK_OK);
}

fn evolve(input: &[f64], out: &mut [f64], n: usize) {
    assert!(input.len() == n * n && out.len() == n * n);
    // SAFETY: both hold n*n doubles (asserted) and are distinct allocations.
    assert_eq!(unsafe { ffi::hpk_diffusion_evolve(input.as_ptr(), out.as_mut_ptr(), n, n, D, DT, FIXED) }, HPK_OK);
}

fn run(grid: &mut [f64], scratch: &mut [f64], n: usize, steps: u64) {
    assert!(grid.len() == n * n && scratch.len() == n * n);
    // SAFETY: both hold n*n doubles (asserted) and are distinct allocations.
    let s = unsafe { ffi::hpk_diffusion_run(grid.as_mut_ptr(), scratch.as_mut_ptr(), n, n, D, DT, FIXED, steps) };
    assert_eq!(s, HPK_OK);
}

fn check_prime(n: u64) -> bool {
    let mut result = false;
    // SAFETY: result is a valid bool to write.
    assert_eq!(unsafe { ffi::hpk_check_prime(n, &mut result) }, HPK_OK);
    result
}

fn is_prime(n: u64) -> bool {
    let mut result = false;
    // SAFETY: result is a valid bool to write.
    assert_eq!(unsafe { ffi::hpk_is_prime(n, &mut result) }, HPK_OK);
    result
}

fn is_prime_batch(numbers: &[u64], out: &mut [bool]) {
    assert_eq!(numbers.len(), out.len());
    // SAFETY: both hold numbers.len() elements (asserted) and are distinct allocations.
    assert_eq!(unsafe { ffi::hpk_is_prime_batch(numbers.as_ptr(), numbers.len(), out.as_mut_ptr()) }, HPK_OK);
}

fn count_primes(lo: u64, hi: u64) -> u64 {
    let mut count = 0;
    // SAFETY: count is a valid u64 to write.
    assert_eq!(unsafe { ffi::hpk_count_primes(lo, hi, &mut count) }, HPK_OK);
    count
}

fn c_abi(c: &mut Criterion) {
    assert_eq!(ffi::hpk_set_num_threads(0), HPK_OK); // all cores
    let mut g = c.benchmark_group("c_abi");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_millis(1500));

    let mut counts = vec![0i32; 1_000_000];
    julia_grid(&mut counts);
    assert_eq!(counts.iter().map(|&v| v as i64).sum::<i64>(), BOOK_SUM);
    g.throughput(Throughput::Elements(1));
    g.bench_function("julia_grid_1000", |b| b.iter(|| julia_grid(&mut counts)));

    for n in [512, 4096] {
        let input = book_grid(n);
        let mut out = vec![0.0; n * n];
        g.bench_function(format!("diffusion_evolve_{n}"), |b| b.iter(|| evolve(&input, &mut out, n)));
    }
    // Per-step cost of multi-step runs; 4096 runs 10 of its 100 steps to stay in the time budget.
    for (n, steps) in [(512usize, 1000u64), (4096, 10)] {
        let (mut grid, mut scratch) = (book_grid(n), vec![0.0; n * n]);
        g.throughput(Throughput::Elements(steps));
        g.bench_function(format!("diffusion_run_{n}x{steps}"), |b| b.iter(|| run(&mut grid, &mut scratch, n, steps)));
    }

    let n = 100_109_100_129_100_151u64;
    assert!(check_prime(n) && !check_prime(100_109_100_129_100_369));
    g.throughput(Throughput::Elements(1));
    g.bench_function("check_prime_100109100129100151", |b| b.iter(|| assert!(check_prime(black_box(n)))));

    // 1000 random 64-bit primes (the next prime after random odd numbers below 2^64 - 2^32).
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    let primes: Vec<u64> = (0..1000)
        .map(|_| {
            let mut p = (rng.next_u64() | (1 << 63) | 1).min(u64::MAX - (1 << 32)); // odd, top bit set
            while !is_prime(p) {
                p += 2;
            }
            p
        })
        .collect();
    g.throughput(Throughput::Elements(primes.len() as u64));
    g.bench_function("is_prime_1000_calls", |b| b.iter(|| primes.iter().all(|&p| is_prime(black_box(p)))));

    let numbers: Vec<u64> = (0..1_000_000).map(|_| rng.next_u64()).collect();
    let mut flags = vec![false; numbers.len()];
    is_prime_batch(&numbers, &mut flags);
    assert!(numbers.iter().zip(&flags).take(2000).all(|(&n, &f)| f == is_prime(n)));
    g.throughput(Throughput::Elements(1));
    g.bench_function("is_prime_batch_1e6", |b| b.iter(|| is_prime_batch(&numbers, &mut flags)));

    assert_eq!(count_primes(0, 1_000_000_000), 50_847_534);
    g.bench_function("count_primes_1e9", |b| b.iter(|| count_primes(0, black_box(1_000_000_000))));
    let lo = 1_000_000_000_000u64;
    assert_eq!(count_primes(lo, lo + 100_000_000), 3_618_282); // primesieve's count
    g.bench_function("count_primes_1e12_1e8", |b| b.iter(|| count_primes(black_box(lo), lo + 100_000_000)));
    g.finish();
}

criterion_group!(benches, c_abi);
criterion_main!(benches);
