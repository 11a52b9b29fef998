//! The special leaves that need no sieve: for p_b > sqrt(y) the leaf's m is a prime q with
//! p_b < q <= y, and phi(n, b - 1) for n = x / (p_b q) is
//! - 1 when n < p_b (trivial leaves: only 1 is left below p_b);
//! - pi(n) - b + 2 when p_b <= n <= y (easy leaves: below p_b^2 > y only 1 and the primes from
//!   p_b on are left), read from the prime table.
//!
//! The rest (n > y) are hard leaves, summed in `s2`. While n < q, consecutive q share the same
//! pi(n) (clustered leaves): they are summed per value of pi(n), one lookup each.

use super::tables::Lmo;
use super::{isqrt, Units};
use crate::pool::Par;
use crate::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Primes handled per claim.
const BATCH: usize = 32;
/// Leaves between two looks at the cancel flag (one prime can have pi(y), about a million).
const CHECK_EVERY: usize = 1 << 12;

/// The sum of the trivial and easy leaves, in parallel over the primes p_b.
pub(super) fn easy_leaves(lmo: &Lmo, par: Par<'_>, meter: &Units<'_>) -> Result<i128, Error> {
    let (first, last) = primes_with_leaves(lmo);
    // From p^3 > x on, x / p^2 < p: every leaf is trivial, q ranging over the a - b primes
    // in (p, y]; those b sum in closed form.
    let tail = (lmo.a - last) as i128;
    let total = Mutex::new(tail * (tail - 1) / 2);
    let claimed = AtomicUsize::new(first);
    par.broadcast(par.threads(), |_| loop {
        let b0 = claimed.fetch_add(BATCH, Ordering::Relaxed);
        if b0 > last || meter.cancelled() {
            return;
        }
        let batch = super::with_popcnt(
            #[inline(always)]
            || {
                let mut sum = 0i128;
                for b in b0..=last.min(b0 + BATCH - 1) {
                    sum += prime_leaves(lmo, b, true, meter)?;
                }
                Some(sum)
            },
        );
        let Some(sum) = batch else { return };
        *total.lock().unwrap_or_else(|p| p.into_inner()) += sum;
    });
    meter.check()?;
    Ok(total.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// The prime indices b whose leaves [`prime_leaves`] sums one by one: first..=last (empty when
/// last < first).
fn primes_with_leaves(lmo: &Lmo) -> (usize, usize) {
    let first = lmo.c.max(lmo.pi_sqrty) + 1;
    let last = (lmo.table.pi(super::tables::icbrt(lmo.x).min(lmo.y)) as usize).max(first - 1);
    (first, last)
}

/// The trivial and easy leaves of p_b; `clustered` sums runs of equal pi(n) in one step (the
/// plain per-leaf loop otherwise, kept as the tests' reference). `None` if cancelled.
#[inline(always)]
fn prime_leaves(lmo: &Lmo, b: usize, clustered: bool, meter: &Units<'_>) -> Option<i128> {
    let (x, y, a, table) = (lmo.x, lmo.y, lmo.a, &lmo.table);
    let primes = &table.primes;
    let p = u64::from(primes[b]);
    let xp = x / p;
    let top = (xp / p).min(y); // q <= top: n >= p
    let trivial = (a - table.pi(top.max(p)) as usize) as i128; // q in (max(p, top), y]
    let bottom = (xp / (y + 1)).max(p); // q > bottom: n <= y
    let stop = table.pi(bottom.min(top)) as usize; // the leaves' q are primes[stop + 1 ..= pi(top)]
    let mut l = table.pi(top) as usize;
    if l <= stop {
        return Some(trivial);
    }
    let leaves = (l - stop) as u64;
    let mut easy = 0u64; // sum of pi(n)
    let mut steps = 0usize;
    if clustered {
        // The leaves with q > sqrt(xp) have n < q, so their n take few values of pi(n): with
        // sum of pi(n) = sum over k >= 1 of #{leaves with pi(n) >= k}, and pi(xp / q) >= k iff
        // q <= xp / p_k, i.e. l <= pi(xp / p_k), each k costs one lookup, independent of the
        // others (no chain from one leaf's pi(n) to the next leaf).
        let lo = (table.pi(isqrt(xp).min(top)) as usize).max(stop);
        if l > lo {
            let k_min = table.pi(xp / u64::from(primes[l])) as usize;
            let k_max = table.pi(xp / u64::from(primes[lo + 1])) as usize;
            easy += k_min as u64 * (l - lo) as u64;
            for &p_k in &primes[k_min + 1..=k_max] {
                steps += 1;
                if steps.is_multiple_of(CHECK_EVERY) && meter.cancelled() {
                    return None;
                }
                let at = (table.pi(xp / u64::from(p_k)) as usize).clamp(lo, l);
                easy += (at - lo) as u64;
            }
            l = lo;
        }
    }
    while l > stop {
        steps += 1;
        if steps.is_multiple_of(CHECK_EVERY) && meter.cancelled() {
            return None;
        }
        easy += table.pi(xp / u64::from(primes[l]));
        l -= 1;
    }
    Some(trivial + i128::from(easy) - i128::from(leaves) * (b as i128 - 2))
}

#[cfg(test)]
mod tests {
    use super::super::lmo;
    use super::*;
    use crate::progress::Meter;
    use hpkern_testkit::Rng;

    #[test]
    fn clustered_leaves_equal_the_per_leaf_sum_for_every_prime() {
        let units = Units::plain(Meter::off());
        let mut rng = Rng::new(0x51ed_2701_a3c4_9b17);
        let mut xs: Vec<u64> = (0..24).map(|i| lmo::MIN_X + rng.next_u64() % 10u64.pow(6 + i % 8)).collect();
        xs.extend([1 << 40, 999_999_999_989, 1_000_000_000_000]);
        let mut compared = 0;
        for x in xs {
            let lmo = lmo::tables(x, Meter::off()).unwrap();
            let (first, last) = primes_with_leaves(&lmo);
            for b in first..=last {
                let plain = prime_leaves(&lmo, b, false, &units);
                assert_eq!(prime_leaves(&lmo, b, true, &units), plain, "x {x}, b {b}");
                compared += 1;
            }
        }
        assert!(compared > 2000, "only {compared} primes compared");
    }
}
