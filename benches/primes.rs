//! Criterion benches of trial division and Miller-Rabin on the book's numbers, through the safe
//! Rust API, on 1 thread and on all; and of `is_prime_batch` on a million random numbers.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
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

/// Big primes: the most expensive inputs of `is_prime` (every base runs to the end).
const BIG_PRIMES: [u64; 3] = [18_446_744_073_709_551_557, 9_223_372_036_854_775_783, (1 << 61) - 1];

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
    for n in BOOK_NUMBERS.into_iter().chain(BIG_PRIMES) {
        group.bench_function(BenchmarkId::new("is_prime", n), |b| b.iter(|| primes::is_prime(black_box(n))));
    }
    group.finish();
}

/// A million fixed-seed xorshift64 numbers (uniform over u64).
fn random_numbers(count: usize) -> Vec<u64> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
        .collect()
}

fn bench_batch(c: &mut Criterion) {
    let numbers = random_numbers(1_000_000);
    let mut out = vec![false; numbers.len()];
    let mut group = c.benchmark_group("is_prime_batch_1e6_random_u64");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Elements(numbers.len() as u64));
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(format!("{threads}t"), |b| {
            b.iter(|| primes::is_prime_batch(black_box(&numbers), &mut out).unwrap())
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

criterion_group!(benches, bench_primes, bench_batch);
criterion_main!(benches);
