//! Criterion benches of the diffusion step and multi-step run at 512^2 and 4096^2, through the
//! safe Rust API, on 1 thread and on all.

mod common;

use common::{book_grid, thread_counts};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hpkern::diffusion::{self, Boundary};
use hpkern::pool;
use std::time::Duration;

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

criterion_group!(benches, bench_diffusion);
criterion_main!(benches);
