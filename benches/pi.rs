//! pi(x) without sieving (Lagarias-Miller-Odlyzko) and the n-th prime, on the library's pool.
//! bench-compare runs the same sizes beside primecount and primesieve.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::primes;
use std::hint::black_box;
use std::time::Duration;

fn bench_pi(c: &mut Criterion) {
    let mut group = c.benchmark_group("prime_pi");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for k in 12..=16u32 {
        group.bench_function(BenchmarkId::from_parameter(format!("1e{k}")), |b| {
            b.iter(|| primes::prime_pi(black_box(10u64.pow(k))).unwrap())
        });
    }
    group.finish();
}

fn bench_nth(c: &mut Criterion) {
    let mut group = c.benchmark_group("nth_prime");
    group.sample_size(10).measurement_time(Duration::from_secs(6));
    for k in [8u32, 10] {
        group.bench_function(BenchmarkId::from_parameter(format!("1e{k}")), |b| {
            b.iter(|| primes::nth_prime(black_box(10u64.pow(k))).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_pi, bench_nth);
criterion_main!(benches);
