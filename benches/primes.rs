//! Criterion benches of trial division and Miller-Rabin on the book's numbers, through the safe
//! Rust API, on 1 thread and on all.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::{pool, primes};
use std::hint::black_box;
use std::time::Duration;

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
}

criterion_group!(benches, bench_primes);
criterion_main!(benches);
