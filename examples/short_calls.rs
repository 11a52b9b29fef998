//! Where the time of a short parallel call goes: the fixed cost of a parallel call with empty
//! work (rayon pool against the team), and a ping-pong loop of `evolve` steps (512 x 512 unless given) on 1 and
//! 2 threads, the pool's way (HPK_SHORT_CALLS=0's) against the team's, timed in turns in one run.
//!
//! `cargo run --release --example short_calls [n | rows x cols, e.g. 256x512] [rounds]`

use hpkern::diffusion::{self, Boundary};
use hpkern::pool;
use std::hint::black_box;
use std::time::Instant;

fn per_call(calls: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..calls / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed().as_secs_f64() / calls as f64 * 1e6
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shape = args.first().map_or("512", String::as_str);
    let (rows, cols) = match shape.split_once('x') {
        Some((r, c)) => (r.parse().unwrap(), c.parse().unwrap()),
        None => (shape.parse().unwrap(), shape.parse().unwrap()),
    };
    let rounds = args.get(1).map_or(7, |a| a.parse().unwrap());
    let cells: usize = rows * cols;
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut grid: Vec<f64> = (0..cells)
        .map(|_| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    let mut out = vec![0.0; cells];
    let steps = (200_000_000 / cells).clamp(20, 5000);
    let names = [
        "empty call, pool install+join 2t".to_string(),
        "empty call, short (team) 2t".to_string(),
        format!("evolve {rows}x{cols} ping-pong 1t"),
        format!("evolve {rows}x{cols} ping-pong 2t pool (before)"),
        format!("evolve {rows}x{cols} ping-pong 2t team"),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for _ in 0..rounds {
        for (k, s) in samples.iter_mut().enumerate() {
            let (threads, team) = [(2, false), (2, true), (1, true), (2, false), (2, true)][k];
            pool::set_num_threads(threads).unwrap();
            pool::set_short_calls(team);
            s.push(match k {
                0 => per_call(20000, || {
                    black_box(pool::install(|_| rayon::join(|| black_box(1), || black_box(2))).unwrap());
                }),
                1 => per_call(20000, || {
                    pool::short(|par| {
                        par.broadcast(par.threads(), |w| {
                            black_box(w);
                        })
                    })
                    .unwrap()
                }),
                _ => per_call(steps, || {
                    diffusion::evolve(&grid, &mut out, rows, cols, 1.0, 0.1, Boundary::Fixed).unwrap();
                    std::mem::swap(&mut grid, &mut out);
                }),
            });
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    for (name, s) in names.iter().zip(samples) {
        let m = median(s.clone());
        println!(
            "{name:<40} median {m:8.2} us   (min {:.2}, max {:.2})",
            s.iter().cloned().fold(f64::MAX, f64::min),
            s.iter().cloned().fold(0.0, f64::max)
        );
    }
}
