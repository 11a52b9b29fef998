//! Shared by the criterion benches: thread counts and the book's inputs.

use hpkern::pool;

/// Thread counts to measure: 1 and the automatic count (if different), so per-core speed and
/// the whole machine can be read off the same run. `HPK_NUM_THREADS` sets the automatic count.
pub fn thread_counts() -> Vec<usize> {
    pool::set_num_threads(0).unwrap();
    let all = pool::num_threads();
    if all > 1 {
        vec![1, all]
    } else {
        vec![1]
    }
}

/// The book's initial condition: zeros with 0.005 in rows and columns [0.4 n, 0.5 n).
#[allow(dead_code)]
pub fn book_grid(n: usize) -> Vec<f64> {
    let mut grid = vec![0.0; n * n];
    for i in (n * 4 / 10)..(n / 2) {
        grid[i * n + n * 4 / 10..i * n + n / 2].fill(0.005);
    }
    grid
}
