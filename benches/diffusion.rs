//! Criterion benches of the diffusion step and multi-step run at 512^2 and 4096^2, through the
//! safe Rust API, on 1 thread and on all; plus, in the same run, the yardsticks they are judged
//! by: a STREAM triad (the machine's memory bandwidth) and the fixed cost of a parallel call (the
//! pool's and the short-call team's, with empty work, and a 512^2 ping-pong step on each thread count).
//!
//! Per-step times: `evolve_step` is one step; `run_<k>_steps` is reported per run, so divide by
//! k. Throughput is in decimal GB/s: a step counts one grid read plus one grid written (8 bytes
//! per cell each), the triad 24 bytes per element (STREAM's convention, without write-allocate).

mod common;

use common::{book_grid, thread_counts};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hpkern::diffusion::{self, Boundary};
use hpkern::pool;
use rayon::prelude::*;
use std::time::Duration;

fn bench_diffusion(c: &mut Criterion) {
    for (n, steps) in [(512usize, 1000u64), (4096, 100)] {
        let mut group = c.benchmark_group(format!("diffusion_{n}x{n}"));
        group.sample_size(10).measurement_time(Duration::from_secs(5));
        let input = book_grid(n);
        let mut out = vec![0.0; n * n];
        for threads in thread_counts() {
            pool::set_num_threads(threads).unwrap();
            group.throughput(Throughput::BytesDecimal((2 * n * n * 8) as u64));
            group.bench_function(BenchmarkId::new("evolve_step", format!("{threads}t")), |b| {
                b.iter(|| diffusion::evolve(&input, &mut out, n, n, 1.0, 0.1, Boundary::Fixed).unwrap())
            });
            let mut grid = input.clone();
            let mut scratch = vec![0.0; n * n];
            // Throughput as if every step read and wrote a grid: the equivalent bandwidth.
            group.throughput(Throughput::BytesDecimal(2 * (n * n * 8) as u64 * steps));
            group.bench_function(BenchmarkId::new(format!("run_{steps}_steps"), format!("{threads}t")), |b| {
                b.iter(|| diffusion::run(&mut grid, &mut scratch, n, n, 1.0, 0.1, Boundary::Fixed, steps).unwrap())
            });
        }
        pool::set_num_threads(0).unwrap();
        group.finish();
    }
}

/// STREAM triad `a[i] = b[i] + s*c[i]` over three 256 MiB arrays (7.5x the 105 MiB L3), on the
/// library's pool, so the steps' GB/s can be read against the machine's in the same run.
fn bench_stream_triad(c: &mut Criterion) {
    const LEN: usize = 256 << 20 >> 3;
    let mut group = c.benchmark_group("stream_triad_3x256MiB");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::BytesDecimal((3 * LEN * 8) as u64));
    let (mut a, b, c_) = (vec![0.0f64; LEN], vec![1.0f64; LEN], vec![2.0f64; LEN]);
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("triad", format!("{threads}t")), |bench| {
            bench.iter(|| {
                pool::install(|t| {
                    let chunk = LEN.div_ceil(t);
                    a.par_chunks_mut(chunk).enumerate().for_each(|(k, a)| {
                        let (b, c_) = (&b[k * chunk..][..a.len()], &c_[k * chunk..][..a.len()]);
                        for ((a, b), c_) in a.iter_mut().zip(b).zip(c_) {
                            *a = b + 3.0 * c_;
                        }
                    })
                })
                .unwrap()
            })
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

/// What one parallel call costs before any work: enter the pool and fork-join two empty tasks.
fn bench_pool_dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_dispatch");
    for threads in thread_counts() {
        pool::set_num_threads(threads).unwrap();
        group.bench_function(BenchmarkId::new("install_join", format!("{threads}t")), |b| {
            b.iter(|| pool::install(|_| rayon::join(|| std::hint::black_box(1), || std::hint::black_box(2))).unwrap())
        });
        // The team of short calls (`pool::short`): the caller and a worker that spins briefly.
        group.bench_function(BenchmarkId::new("short_broadcast", format!("{threads}t")), |b| {
            b.iter(|| {
                pool::short(|par| {
                    par.broadcast(par.threads(), |w| {
                        std::hint::black_box(w);
                    })
                })
                .unwrap()
            })
        });
        // One 512^2 step at a time, ping-ponging the grids as the book's Python loop does.
        let (mut grid, mut out) = (book_grid(512), vec![0.0; 512 * 512]);
        group.bench_function(BenchmarkId::new("evolve_512_pingpong", format!("{threads}t")), |b| {
            b.iter(|| {
                diffusion::evolve(&grid, &mut out, 512, 512, 1.0, 0.1, Boundary::Fixed).unwrap();
                std::mem::swap(&mut grid, &mut out);
            })
        });
    }
    pool::set_num_threads(0).unwrap();
    group.finish();
}

criterion_group!(benches, bench_pool_dispatch, bench_diffusion, bench_stream_triad);
criterion_main!(benches);
