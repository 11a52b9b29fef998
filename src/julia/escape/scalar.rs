//! The portable path: SLOTS points in flight in plain Rust. A slot whose point escapes writes its
//! count and takes the next point at once. Each point goes through exactly the operations of
//! [`crate::julia::escape_count`].

use num_complex::Complex64;

/// Points in flight. 3-4 measured best on x86-64 without AVX; more only adds register pressure.
const SLOTS: usize = 4;

/// `out[i]` = escape count of the i-th (z, c) of `points`, for every i.
#[inline]
pub(super) fn escape_counts(out: &mut [i32], maxiter: i32, points: impl Iterator<Item = (Complex64, Complex64)>) {
    let (mut zr, mut zi, mut cr, mut ci) = ([0.0; SLOTS], [0.0; SLOTS], [0.0; SLOTS], [0.0; SLOTS]);
    let mut count = [0i32; SLOTS];
    // The output index each slot works on; None once the slot has run out of points.
    let mut index: [Option<usize>; SLOTS] = [None; SLOTS];
    let mut points = points.take(out.len()).enumerate();
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
