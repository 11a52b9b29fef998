//! What the two vector kernels of point streams (`avx2`, `avx512`) share: the points laid out as
//! arrays, and the rule that lets them skip the sticky stop mask.

use super::escapes_are_final;
use num_complex::Complex64;

/// Iterations per block between refills. A finished lane idles for the rest of its block, so
/// this trades refill overhead against idle lanes (points average ~33 iterations in the book).
pub(super) const BLOCK_STEPS: usize = 8;

thread_local! {
    /// Per-thread scratch for the points of one work item, reused: a fresh allocation per item
    /// costs page faults when the allocator returns the memory to the system in between.
    static SOA: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Lay the first `n` points out as [zr, zi, cr, ci] (structure of arrays) and call `f` on them.
pub(super) fn with_soa<R>(
    n: usize,
    points: impl Iterator<Item = (Complex64, Complex64)>,
    f: impl FnOnce([&[f64]; 4]) -> R,
) -> R {
    SOA.with(|soa| {
        // A nested call on the same thread (impossible today) would get its own buffer.
        let mut own = Vec::new();
        let mut borrowed = soa.try_borrow_mut();
        let buf = match borrowed.as_deref_mut() {
            Ok(buf) => buf,
            Err(_) => &mut own,
        };
        buf.clear();
        buf.resize(4 * n, 0.0);
        let (zr, rest) = buf.split_at_mut(n);
        let (zi, rest) = rest.split_at_mut(n);
        let (cr, ci) = rest.split_at_mut(n);
        let mut filled = 0;
        for (k, (z, c)) in points.take(n).enumerate() {
            (zr[k], zi[k], cr[k], ci[k]) = (z.re, z.im, c.re, c.im);
            filled += 1;
        }
        assert_eq!(filled, n, "escape_counts: fewer points than outputs");
        f([zr, zi, cr, ci])
    })
}

/// [`escapes_are_final`] for every c = cr[i] + i ci[i].
pub(super) fn all_escapes_final(cr: &[f64], ci: &[f64]) -> bool {
    cr.iter().zip(ci).all(|(&re, &im)| escapes_are_final(Complex64::new(re, im)))
}
