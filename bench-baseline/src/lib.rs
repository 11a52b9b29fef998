//! Safe wrappers of the book's C baseline kernels (see `c/book_kernels.c`).

extern "C" {
    fn book_evolve(input: *const f64, out: *mut f64, rows: usize, cols: usize, d: f64, dt: f64);
    fn book_julia_grid(
        x1: f64,
        x2: f64,
        y1: f64,
        y2: f64,
        width: usize,
        height: usize,
        c_re: f64,
        c_im: f64,
        maxiter: i32,
        output: *mut i32,
    );
    fn book_check_prime(n: u64) -> bool;
}

/// One interior step of the book's C diffusion loop.
pub fn evolve(input: &[f64], out: &mut [f64], rows: usize, cols: usize, d: f64, dt: f64) {
    assert!(rows >= 3 && cols >= 3 && input.len() == rows * cols && out.len() == rows * cols);
    // SAFETY: both slices hold rows*cols doubles (asserted); the C loop stays inside them.
    unsafe { book_evolve(input.as_ptr(), out.as_mut_ptr(), rows, cols, d, dt) }
}

/// The book's Julia picture in C; `output` holds width*height counts.
pub fn julia_book(output: &mut [i32]) {
    assert_eq!(output.len(), 1_000_000);
    // SAFETY: output holds 1000*1000 ints (asserted).
    unsafe { book_julia_grid(-1.8, 1.8, -1.8, 1.8, 1000, 1000, -0.62772, -0.42193, 300, output.as_mut_ptr()) }
}

/// The book's serial trial division.
pub fn check_prime(n: u64) -> bool {
    // SAFETY: pure function of its argument.
    unsafe { book_check_prime(n) }
}

#[cfg(test)]
mod tests {
    // The baseline must compute the same answers as hpkern, or the comparison means nothing.
    #[test]
    fn baseline_agrees_with_hpkern() {
        let mut out = vec![0; 1_000_000];
        super::julia_book(&mut out);
        assert_eq!(out.iter().map(|&v| i64::from(v)).sum::<i64>(), hpkern_testkit::julia::BOOK_SUM);
        assert!(super::check_prime(100_109_100_129_100_151));
        assert!(!super::check_prime(112_272_535_095_295));
        let n = 64;
        let input: Vec<f64> = (0..n * n).map(|k| (k % 17) as f64 / 17.0).collect();
        let (mut a, mut b) = (input.clone(), input.clone());
        super::evolve(&input, &mut a, n, n, 1.0, 0.1);
        hpkern::diffusion::evolve(&input, &mut b, n, n, 1.0, 0.1, hpkern::diffusion::Boundary::Fixed).unwrap();
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}
