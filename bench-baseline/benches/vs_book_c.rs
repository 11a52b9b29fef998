//! hpkern against the book's C (gcc -O3, serial) in one criterion run. hpkern runs with one
//! thread (per-core comparison) and with all threads.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::diffusion::{self, Boundary};
use hpkern::julia::{self, Grid};
use hpkern::{pool, primes};
use hpkern_bench_baseline as book;
use std::hint::black_box;
use std::time::Duration;

fn hpkern_threads() -> Vec<usize> {
    pool::set_num_threads(0).unwrap();
    let all = pool::num_threads();
    if all > 1 {
        vec![1, all]
    } else {
        vec![1]
    }
}

fn julia(c: &mut Criterion) {
    let mut g = c.benchmark_group("vs_c_julia_book");
    g.sample_size(15).measurement_time(Duration::from_secs(5));
    let mut out = vec![0i32; 1_000_000];
    g.bench_function("book_c_O3_1t", |b| b.iter(|| book::julia_book(&mut out)));
    for t in hpkern_threads() {
        pool::set_num_threads(t).unwrap();
        g.bench_function(BenchmarkId::new("hpkern", format!("{t}t")), |b| {
            b.iter(|| julia::calculate_grid(&Grid::book(), &mut out).unwrap())
        });
    }
    g.finish();
}

fn diffusion(c: &mut Criterion) {
    for n in [512usize, 4096] {
        let mut g = c.benchmark_group(format!("vs_c_diffusion_step_{n}"));
        g.sample_size(15).measurement_time(Duration::from_secs(4));
        let input: Vec<f64> = (0..n * n).map(|k| ((k * 7919) % 1000) as f64 / 1000.0).collect();
        let mut out = input.clone();
        g.bench_function("book_c_O3_1t", |b| b.iter(|| book::evolve(&input, &mut out, n, n, 1.0, 0.1)));
        for t in hpkern_threads() {
            pool::set_num_threads(t).unwrap();
            g.bench_function(BenchmarkId::new("hpkern", format!("{t}t")), |b| {
                b.iter(|| diffusion::evolve(&input, &mut out, n, n, 1.0, 0.1, Boundary::Fixed).unwrap())
            });
        }
        g.finish();
    }
}

fn trial_division(c: &mut Criterion) {
    let mut g = c.benchmark_group("vs_c_check_prime_100109100129100151");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let n = 100_109_100_129_100_151u64;
    g.bench_function("book_c_O3_1t", |b| b.iter(|| assert!(book::check_prime(black_box(n)))));
    for t in hpkern_threads() {
        pool::set_num_threads(t).unwrap();
        g.bench_function(BenchmarkId::new("hpkern", format!("{t}t")), |b| {
            b.iter(|| assert!(primes::check_prime(black_box(n)).unwrap()))
        });
    }
    g.finish();
    pool::set_num_threads(0).unwrap();
}

criterion_group!(benches, julia, diffusion, trial_division);
criterion_main!(benches);
