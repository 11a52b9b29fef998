//! Criterion bench of the prime stream (PrimeStream, single-threaded) against primes_in_range on
//! [0, 10^9): the stream in chunks of 2^12, 2^16 and 2^20 primes, primes_in_range into a buffer
//! that holds them all, on 1 thread and on all. Every iteration checks the count and the last
//! prime.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hpkern::{pool, primes};
use std::hint::black_box;
use std::time::Duration;

const HI: u64 = 1_000_000_000;
const COUNT: usize = 50_847_534;
const LAST: u64 = 999_999_937;

fn bench_stream(c: &mut Criterion) {
    let mut group = c.benchmark_group("prime_stream_1e9");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(6));
    let mut all = vec![0u64; COUNT];
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("primes_in_range", format!("{threads}t")), |b| {
            b.iter(|| {
                assert_eq!(primes::primes_in_range(0, black_box(HI), &mut all).unwrap(), COUNT);
                assert_eq!(all[COUNT - 1], LAST);
            })
        });
    }
    pool::set_num_threads(0).unwrap();
    for chunk in [1usize << 12, 1 << 16, 1 << 20] {
        let mut buf = vec![0u64; chunk];
        group.bench_function(BenchmarkId::new("stream", format!("chunk_{chunk}")), |b| {
            b.iter(|| {
                let mut stream = primes::PrimeStream::new(0, black_box(HI)).unwrap();
                let (mut count, mut last) = (0, 0);
                loop {
                    let n = stream.next_chunk(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    count += n;
                    last = buf[n - 1];
                }
                assert_eq!((count, last), (COUNT, LAST));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_stream);
criterion_main!(benches);
