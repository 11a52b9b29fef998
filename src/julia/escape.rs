//! Escape counts of many points, several in flight.
//!
//! One point's iterations form a single dependency chain (each z needs the previous one), so a
//! one-point loop waits on floating-point latency most of the time. Keeping SLOTS points in
//! flight gives the CPU independent chains to overlap; a slot whose point escapes writes its count
//! and takes the next point at once, so no slot idles while the others finish. Each point still
//! goes through exactly the operations of [`super::escape_count`], so counts are identical.

use num_complex::Complex64;

/// Points in flight. 3-4 measured best on x86-64 without AVX; more only adds register pressure.
const SLOTS: usize = 4;

/// `out[i]` = escape count of the point `point(i)` = (z, c), for every i.
#[inline]
pub(super) fn escape_counts(out: &mut [i32], maxiter: i32, point: impl Fn(usize) -> (Complex64, Complex64)) {
    let (mut zr, mut zi, mut cr, mut ci) = ([0.0; SLOTS], [0.0; SLOTS], [0.0; SLOTS], [0.0; SLOTS]);
    let mut count = [0i32; SLOTS];
    // The output index each slot works on; None once the slot has run out of points.
    let mut index: [Option<usize>; SLOTS] = [None; SLOTS];
    let mut points = (0..out.len()).map(|i| (i, point(i)));
    let mut active = 0;
    for slot in 0..SLOTS {
        if let Some((i, (z, c))) = points.next() {
            (zr[slot], zi[slot], cr[slot], ci[slot]) = (z.re, z.im, c.re, c.im);
            index[slot] = Some(i);
            active += 1;
        }
    }
    while active > 0 {
        for slot in 0..SLOTS {
            let Some(i) = index[slot] else { continue };
            let (r2, i2) = (zr[slot] * zr[slot], zi[slot] * zi[slot]);
            if count[slot] < maxiter && r2 + i2 < 4.0 {
                zi[slot] = 2.0 * zr[slot] * zi[slot] + ci[slot];
                zr[slot] = r2 - i2 + cr[slot];
                count[slot] += 1;
                continue;
            }
            out[i] = count[slot];
            count[slot] = 0;
            match points.next() {
                Some((i, (z, c))) => {
                    (zr[slot], zi[slot], cr[slot], ci[slot]) = (z.re, z.im, c.re, c.im);
                    index[slot] = Some(i);
                }
                None => {
                    index[slot] = None;
                    active -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::escape_count;
    use super::*;

    #[test]
    fn every_length_and_mix_of_fast_and_slow_points_matches_one_at_a_time() {
        // Points that escape at once, after a few steps, and never, in every order and length,
        // so slots refill at different times.
        let c = Complex64::new(-0.62772, -0.42193);
        let pool = [0.0, 3.0, 1.2, 0.3, -1.9, 0.05, 1.0, -0.7];
        for len in 0..=13 {
            for shift in 0..pool.len() {
                let zs: Vec<Complex64> =
                    (0..len).map(|i| Complex64::new(pool[(i + shift) % pool.len()], pool[(i * 3) % pool.len()] * 0.5)).collect();
                for maxiter in [0, 1, 7, 300] {
                    let mut out = vec![-1; len];
                    escape_counts(&mut out, maxiter, |i| (zs[i], c));
                    let want: Vec<i32> = zs.iter().map(|&z| escape_count(z, c, maxiter)).collect();
                    assert_eq!(out, want, "len {len} shift {shift} maxiter {maxiter}");
                }
            }
        }
    }
}
