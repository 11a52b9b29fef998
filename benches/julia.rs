//! Criterion bench of the Julia set at the book's size, through the safe Rust API (the C ABI adds
//! a few checks per call), on 1 thread and on all.

mod common;

use common::thread_counts;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hpkern::isa::Isa;
use hpkern::julia::{self, Grid};
use hpkern::pool;
use std::hint::black_box;
use std::time::Duration;

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
    // Each instruction-set path on one thread, so their ratios come from the same run.
    pool::set_num_threads(1).unwrap();
    for isa in Isa::supported() {
        group.bench_function(BenchmarkId::new("grid_1t", isa.name()), |b| {
            b.iter(|| julia::calculate_grid_on(isa, black_box(&Grid::book()), &mut out).unwrap())
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

criterion_group!(benches, bench_julia);
criterion_main!(benches);
