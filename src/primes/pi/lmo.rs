//! pi(x) by Lagarias-Miller-Odlyzko, with the Deleglise-Rivat split of the special leaves:
//!
//! pi(x) = phi(x, a) + a - 1 - P2(x, a), a = pi(y), x^(1/3) <= y <= sqrt(x),
//! phi(x, a) = S1 + S2, S1 = sum over squarefree n <= y with lpf(n) > p_c of
//! mu(n) phi(x / n, c) (ordinary leaves, phi(., c) by table), and S2 the special leaves
//! -mu(m) phi(x / (p_b m), b - 1), m <= y < p_b m, lpf(m) > p_b, b > c: the trivial and easy
//! ones (`easy`) by formula, the hard ones (`s2`) on a segmented sieve with counters.
//! O(x^(2/3) / log x) time, O(y) memory.

use super::tables::{icbrt, moebius_lpf, Lmo, PhiTiny, PrimeTable, PHI_C};
use super::{easy, isqrt, lucy, p2, s2, Units};
use crate::pool::Par;
use crate::progress::Meter;
use crate::Error;

/// The smallest x this computes (y >= 13 = p_c must fit below sqrt(x)).
pub(super) const MIN_X: u64 = 10_000;

const MAX_Y: u64 = 15_000_000;

/// y = alpha x^(1/3): larger alpha moves work from the special leaves (about x / y of sieving
/// and most of the leaves) to the tables, S1 and the easy leaves (about y).
pub(super) fn choose_y(x: u64) -> u64 {
    let log = (x as f64).ln();
    let x16 = (x as f64).powf(1.0 / 6.0);
    // primecount's fit for plain LMO, scaled up: the easy leaves here cost less than sieved
    // ones, so a larger y pays (measured: best near 2x at 10^12, 6x at 10^16).
    let scale = (log / std::f64::consts::LN_10 - 10.0).clamp(2.0, 6.0);
    let alpha = (scale * (0.001103 * log * log - 0.00896211 * log + 1.00404)).clamp(1.0, x16);
    let x13 = icbrt(x);
    // At most MAX_Y: its tables (5 bytes per number) stay under 80 MB near 2^64.
    ((x13 as f64 * alpha) as u64).min(MAX_Y).clamp(x13.max(13), isqrt(x))
}

/// Units of work `meter` gets for pi(x): the numbers the two sieves cover.
pub(super) fn work(x: u64) -> u64 {
    let y = choose_y(x);
    x / (y + 1) + 1 + p2::sieved(x, y)
}

/// pi(x) for x >= [`MIN_X`], on the threads of `par`.
pub(super) fn pi(x: u64, par: Par<'_>, meter: &Units<'_>) -> Result<u64, Error> {
    let lmo = tables(x, meter.meter)?;
    let (y, a) = (lmo.y, lmo.a);
    let s1 = ordinary_leaves(&lmo, meter)?;
    let hard = s2::hard_leaves(&lmo, par, meter)?;
    let easy = easy::easy_leaves(&lmo, par, meter)?;
    let pi_root = lucy::prime_pi(isqrt(x), meter.meter)?;
    let p2 = p2::p2(x, y, a as u64, pi_root, par, meter)?;
    let pi = s1 + hard + easy + a as i128 - 1 - p2 as i128;
    Ok(u64::try_from(pi).expect("pi(x) is between 0 and x"))
}

/// The parameters and tables of pi(x), x >= [`MIN_X`].
pub(super) fn tables(x: u64, meter: &Meter) -> Result<Lmo, Error> {
    debug_assert!(x >= MIN_X);
    let y = choose_y(x);
    let table = PrimeTable::new(y, meter)?;
    let mu_lpf = moebius_lpf(y, &table.primes, meter)?;
    let a = table.primes.len() - 1;
    let pi_sqrty = table.pi(isqrt(y)) as usize;
    let max_b = table.pi(isqrt(x / (y + 1)).min(y)) as usize;
    Ok(Lmo { x, y, c: PHI_C, a, pi_sqrty, max_b, limit: x / (y + 1) + 1, table, mu_lpf })
}

/// n between two looks at the cancel flag in [`ordinary_leaves`] (a division each).
const ORDINARY_CHECK_EVERY: usize = 1 << 16;

/// S1: sum of mu(n) phi(x / n, c) over the squarefree n <= y with lpf(n) > p_c.
pub(super) fn ordinary_leaves(lmo: &Lmo, meter: &Units<'_>) -> Result<i128, Error> {
    let phi = PhiTiny::new()?;
    let p_c = lmo.table.primes[lmo.c];
    let mut sum = 0i128;
    for (first, chunk) in lmo.mu_lpf.chunks(ORDINARY_CHECK_EVERY).enumerate() {
        meter.check()?;
        for (i, &v) in chunk.iter().enumerate() {
            if v != 0 && v.unsigned_abs() > p_c {
                let n = (first * ORDINARY_CHECK_EVERY + i) as u64;
                let term = i128::from(phi.phi(lmo.x / n));
                sum += if v > 0 { term } else { -term };
            }
        }
    }
    Ok(sum)
}
