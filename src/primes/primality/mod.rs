//! Deterministic primality for every u64: trial division by the primes below 256, then
//! Miller-Rabin or Baillie-PSW in Montgomery arithmetic (`montgomery`), whichever is faster at
//! the size (measured; `miller_rabin`):
//!
//! - n < 4759123141: bases {2, 7, 61}; n < 1122004669633: bases {2, 13, 23, 1662803} (each set
//!   proven by exhaustive search; every base is below the tier's smallest n, so none is a
//!   multiple of n and no base needs reducing);
//! - above: Baillie-PSW (`bpsw`), a base-2 strong test and an extra strong Lucas test in one
//!   interleaved loop, proven for every n < 2^64. Jim Sinclair's 7 bases
//!   {2, 325, 9375, 28178, 450775, 9780504, 1795265022} remain as the fallback should no Lucas
//!   parameter be found (never seen) and as the tests' oracle.

mod bpsw;
mod miller_rabin;

use crate::primes::arith::montgomery::Montgomery;
use crate::progress::{self, Progress};
use crate::{pool, Error};
use miller_rabin::{sinclair_bases, sprp};

/// Odd primes below 64 for the trial-division pre-filter (division by a constant compiles to a
/// multiplication, so these are cheap and reject ~85% of random odd numbers).
const SMALL_ODD_PRIMES: [u64; 17] = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61];
/// Bit i set iff i < 64 is prime.
const PRIMES_BELOW_64: u64 = {
    let mut mask = 1u64 << 2;
    let mut i = 0;
    while i < SMALL_ODD_PRIMES.len() {
        mask |= 1 << SMALL_ODD_PRIMES[i];
        i += 1;
    }
    mask
};
/// A number with no prime factor below 64 is prime if it is below 67^2.
const TRIAL_LIMIT: u64 = 67 * 67;

/// The primes 67 to 251 as (p^-1 mod 2^64, (2^64 - 1) / p): multiplying by p^-1 maps the
/// multiples of p one-to-one onto 0..=(2^64 - 1) / p, so p divides n iff n p^-1 mod 2^64 is at
/// most that bound. Two instructions per prime and no branch: cheaper than the strong-probable-prime test that
/// a quarter of the numbers surviving the primes below 64 would otherwise need.
const MID_PRIMES: [(u64, u64); 36] = {
    let mut table = [(0, 0); 36];
    let (mut count, mut p) = (0, 67u64);
    while p < 256 {
        let mut d = 3;
        while d * d <= p && p % d != 0 {
            d += 2;
        }
        if d * d > p {
            let mut inv = p; // Newton's iteration, as in Montgomery::new
            let mut i = 0;
            while i < 5 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(p.wrapping_mul(inv)));
                i += 1;
            }
            table[count] = (inv, u64::MAX / p);
            count += 1;
        }
        p += 2;
    }
    assert!(count == 36);
    table
};

/// A number with no prime factor below 256 is prime if it is below 257^2.
const MID_TRIAL_LIMIT: u64 = 257 * 257;

/// Whether a prime from 67 to 251 divides n.
#[inline(always)]
fn has_mid_prime_factor(n: u64) -> bool {
    MID_PRIMES.iter().fold(false, |found, &(inv, bound)| found | (n.wrapping_mul(inv) <= bound))
}

/// See [`super::is_prime`].
pub(super) fn is_prime(n: u64) -> bool {
    if n < 64 {
        return (PRIMES_BELOW_64 >> n) & 1 == 1;
    }
    if n.is_multiple_of(2) || SMALL_ODD_PRIMES.iter().any(|&p| n.is_multiple_of(p)) {
        return false;
    }
    if n < TRIAL_LIMIT {
        return true;
    }
    if has_mid_prime_factor(n) {
        return false;
    }
    if n < MID_TRIAL_LIMIT {
        return true;
    }
    let m = Montgomery::new(n);
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    // Base 2 goes first with two or three more bases: one chain is latency-bound, so up to four
    // in lock-step cost about as much as one, and most composites stop there. (n >= 257^2 here,
    // above every base of the first tier; the other tiers start above their bases too.)
    if n < 4_759_123_141 {
        sprp(&m, d, s, [2, 7, 61])
    } else if n < BPSW_MIN {
        sprp(&m, d, s, [2, 13, 23, 1_662_803])
    } else {
        bpsw::is_prime(&m).unwrap_or_else(|| sinclair_bases(&m, d, s))
    }
}

/// From here on Baillie-PSW replaces Miller-Rabin.
const BPSW_MIN: u64 = 1_122_004_669_633;

/// Inputs shorter than this are tested on the calling thread.
const BATCH_PARALLEL_MIN: usize = 1024;
/// Numbers per parallel task.
const BATCH_CHUNK: usize = 512;
/// Inputs from which a call with a progress callback reports: about a millisecond.
const BATCH_REPORT_MIN: usize = 2048;
/// Inputs shorter than this (a few milliseconds at most) run on the team for short calls
/// (`pool::short`).
const BATCH_SHORT_MAX: usize = 1 << 14;

/// See [`super::is_prime_batch`].
pub(super) fn is_prime_batch(
    numbers: &[u64],
    out: &mut [bool],
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    if numbers.len() != out.len() {
        return Err(Error::InvalidSize(format!("numbers has {} elements but out has {}", numbers.len(), out.len())));
    }
    let serial = |numbers: &[u64], out: &mut [bool]| {
        for (o, &n) in out.iter_mut().zip(numbers) {
            *o = is_prime(n);
        }
    };
    let long = numbers.len() >= BATCH_REPORT_MIN;
    progress::track(progress, long, numbers.len() as u64, |meter| {
        if numbers.len() < BATCH_PARALLEL_MIN {
            serial(numbers, out);
            return Ok(());
        }
        let chunk = |k: usize, out: &mut [bool]| {
            if meter.cancelled() {
                return;
            }
            let start = k * BATCH_CHUNK;
            serial(&numbers[start..start + out.len()], out);
            meter.add(out.len() as u64);
        };
        // Chunks claimed dynamically: a prime costs several times a composite.
        if numbers.len() < BATCH_SHORT_MAX && !meter.is_active() && pool::short_calls() {
            pool::short(|par| par.chunks(out, BATCH_CHUNK, chunk))?;
        } else {
            pool::install(|threads| pool::for_each_chunk_mut(threads, out, BATCH_CHUNK, chunk))?;
        }
        meter.check()
    })
}

#[cfg(test)]
mod bpsw_tests;
#[cfg(test)]
mod tests;
