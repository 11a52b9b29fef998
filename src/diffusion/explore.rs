//! Scratch timing harness (not committed): min-of-N, interleaved variants.
use super::blocked::Plan;
use super::stencil::RowKernel;
use super::*;
use std::time::Instant;

fn timeit(label: &str, rounds: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    let mut all = vec![];
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..reps { f(); }
        let e = t.elapsed().as_secs_f64() / reps as f64;
        best = best.min(e);
        all.push(e);
    }
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    eprintln!("{label:50} min {:10.2} us  median {:10.2} us", best * 1e6, all[all.len() / 2] * 1e6);
    best
}

#[test]
#[ignore]
fn explore() {
    let which = std::env::var("EXPLORE").unwrap_or_default();
    let n: usize = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
    let input = super::tests::test_grid(n, n);
    let mut out = vec![0.0; n * n];
    let rounds = if n > 1024 { 5 } else { 30 };
    let reps = if n > 1024 { 2 } else { 50 };
    pool::set_num_threads(2).unwrap();
    if which.contains("step") {
        for _ in 0..2 {
        for isa in Isa::supported() {
            for streaming in [false, true] {
                let k = RowKernel::new(isa, streaming);
                timeit(&format!("step 1t {isa:?} stream={streaming}"), rounds, reps, || step(k, &input, &mut out, n, n, 0.1, Boundary::Fixed, 1));
                timeit(&format!("step 2t {isa:?} stream={streaming}"), rounds, reps, || pool::install(|t| step(k, &input, &mut out, n, n, 0.1, Boundary::Fixed, t)).unwrap());
            }
        }
        timeit("install_join", rounds, reps, || { pool::install(|_| rayon::join(|| 1, || 2)).unwrap(); });
        }
    }
    if which.contains("run") {
        let steps: u64 = std::env::var("STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        let mut grid = input.clone();
        let mut scratch = vec![0.0; n * n];
        let r = 5;
        for isa in [Isa::Avx512] {
            for threads in [1, 2] {
                timeit(&format!("stepwise {threads}t {isa:?} per step"), r, 1, || pool::install(|_| run_stepwise(isa, &mut grid, &mut scratch, n, n, 0.1, Boundary::Fixed, steps, threads)).unwrap());
                eprintln!("   plan {:?}", Plan::new(n, n, threads));
                for t in [4, 6, 8, 12] {
                    for sc in [64, 128, 256, 512] {
                        let bands = threads;
                        let plan = Plan::with(n, n, t, bands, sc).unwrap();
                        timeit(&format!("blocked {threads}t t={t} sc={sc}"), r, 1, || pool::install(|_| plan.run(isa, &mut grid, &mut scratch, 0.1, Boundary::Fixed, steps)).unwrap());
                    }
                }
            }
        }
        eprintln!("(times are per run of {steps} steps)");
    }
}
