//! Criterion benches of the segmented sieve (count_primes), through the safe Rust API, on 1
//! thread and on all: the three cases compared with primesieve (pi(10^9), pi(10^10) and the
//! primes in [10^12, 10^12 + 10^8)). Every iteration checks the count.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::{pool, primes};
use std::hint::black_box;
use std::time::Duration;

/// (name, lo, hi, prime count, measurement seconds).
const CASES: [(&str, u64, u64, u64, u64); 3] = [
    ("count_primes_1e9", 0, 1_000_000_000, 50_847_534, 4),
    ("count_primes_1e10", 0, 10_000_000_000, 455_052_511, 10),
    // primesieve 1e12 -d1e8 gives 3618282 (its interval is closed; 10^12 + 10^8 is even).
    ("count_primes_1e12_plus_1e8", 1_000_000_000_000, 1_000_100_000_000, 3_618_282, 2),
];

fn bench_sieve(c: &mut Criterion) {
    let mut group = c.benchmark_group("primes_sieve");
    group.sample_size(10).warm_up_time(Duration::from_millis(500));
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        for (name, lo, hi, expect, seconds) in CASES {
            group.measurement_time(Duration::from_secs(seconds));
            group.bench_function(BenchmarkId::new(name, format!("{threads}t")), |b| {
                b.iter(|| assert_eq!(primes::count_primes(black_box(lo), black_box(hi)).unwrap(), expect))
            });
        }
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

criterion_group!(benches, bench_sieve);
criterion_main!(benches);
