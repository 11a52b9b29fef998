//! Criterion benches of the segmented sieve (count_primes), through the safe Rust API, on 1
//! thread and on all.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::{pool, primes};
use std::hint::black_box;
use std::time::Duration;

fn bench_sieve(c: &mut Criterion) {
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

criterion_group!(benches, bench_sieve);
criterion_main!(benches);
