//! Criterion benches of the kernels at the book's sizes, through the safe Rust API (the C ABI adds
//! a few checks per call). `HPK_NUM_THREADS` sets the thread count; each group also runs with one
//! thread so per-core speed can be read off the same run.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hpkern::diffusion::{self, Boundary};
use hpkern::julia::{self, Grid};
use hpkern::{pool, primes};
use std::hint::black_box;
use std::time::Duration;

/// Thread counts to measure: 1 and the automatic count (if different).
fn thread_counts() -> Vec<usize> {
    pool::set_num_threads(0).unwrap();
    let all = pool::num_threads();
    if all > 1 { vec![1, all] } else { vec![1] }
}

fn bench_julia(c: &mut Criterion) {
    let mut group = c.benchmark_group("julia_book_1000x1000_300");
    group.sample_size(20).measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(julia::BOOK_CHECKSUM)); // iterations per second
    let mut out = vec![0i32; 1_000_000];
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("grid", format!("{threads}t")), |b| {
            b.iter(|| julia::calculate_grid(black_box(&Grid::book()), &mut out).unwrap())
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

fn book_grid(n: usize) -> Vec<f64> {
    let mut grid = vec![0.0; n * n];
    for i in (n * 4 / 10)..(n / 2) {
        grid[i * n + n * 4 / 10..i * n + n / 2].fill(0.005);
    }
    grid
}

fn bench_diffusion(c: &mut Criterion) {
    for (n, steps) in [(512usize, 100u64), (4096, 4)] {
        let mut group = c.benchmark_group(format!("diffusion_{n}x{n}"));
        group.sample_size(10).measurement_time(Duration::from_secs(5));
        // Bytes a step must move at least: read one grid, write the other.
        group.throughput(Throughput::Bytes((2 * n * n * 8) as u64));
        let input = book_grid(n);
        let mut out = vec![0.0; n * n];
        for threads in thread_counts() {
            pool::set_num_threads(threads).unwrap();
            group.bench_function(BenchmarkId::new("evolve_step", format!("{threads}t")), |b| {
                b.iter(|| diffusion::evolve(&input, &mut out, n, n, 1.0, 0.1, Boundary::Fixed).unwrap())
            });
            let mut grid = input.clone();
            let mut scratch = vec![0.0; n * n];
            // Reported per run of `steps` steps; divide by `steps` for the per-step time.
            group.bench_function(BenchmarkId::new(format!("run_{steps}_steps"), format!("{threads}t")), |b| {
                b.iter(|| diffusion::run(&mut grid, &mut scratch, n, n, 1.0, 0.1, Boundary::Fixed, steps).unwrap())
            });
        }
        pool::set_num_threads(0).unwrap();
        group.finish();
    }
}

const BOOK_NUMBERS: [u64; 5] = [
    112_272_535_095_295,
    100_109_100_129_100_369,
    100_109_100_129_101_027,
    100_109_100_129_100_151,
    100_109_100_129_162_907,
];

fn bench_primes(c: &mut Criterion) {
    let mut group = c.benchmark_group("primes_book_numbers");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        for n in BOOK_NUMBERS {
            group.bench_function(BenchmarkId::new(format!("check_prime_{threads}t"), n), |b| {
                b.iter(|| primes::check_prime(black_box(n)).unwrap())
            });
        }
    }
    pool::set_num_threads(0).unwrap();
    for n in BOOK_NUMBERS {
        group.bench_function(BenchmarkId::new("is_prime", n), |b| b.iter(|| primes::is_prime(black_box(n))));
    }
    group.finish();

    let mut group = c.benchmark_group("primes_sieve");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("count_primes_1e9", format!("{threads}t")), |b| {
            b.iter(|| assert_eq!(primes::count_primes(0, black_box(1_000_000_000)).unwrap(), 50_847_534))
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

criterion_group!(benches, bench_julia, bench_diffusion, bench_primes);
criterion_main!(benches);
