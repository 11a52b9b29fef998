//! The special leaves that need no sieve: for p_b > sqrt(y) the leaf's m is a prime q with
//! p_b < q <= y, and phi(n, b - 1) for n = x / (p_b q) is
//! - 1 when n < p_b (trivial leaves: only 1 is left below p_b);
//! - pi(n) - b + 2 when p_b <= n <= y (easy leaves: below p_b^2 > y only 1 and the primes from
//!   p_b on are left), read from the prime table.
//!
//! The rest (n > y) are hard leaves, summed in `s2`.

use super::tables::Lmo;
use super::Units;
use crate::pool::Par;
use crate::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Primes handled per claim.
const BATCH: usize = 32;

/// The sum of the trivial and easy leaves, in parallel over the primes p_b.
pub(super) fn easy_leaves(lmo: &Lmo, par: Par<'_>, meter: &Units<'_>) -> Result<i128, Error> {
    let (x, y, a) = (lmo.x, lmo.y, lmo.a);
    let first = lmo.c.max(lmo.pi_sqrty) + 1;
    // From p^3 > x on, x / p^2 < p: every leaf is trivial, q ranging over the a - b primes
    // in (p, y]; those b sum in closed form.
    let last = (lmo.table.pi(super::tables::icbrt(x).min(y)) as usize).max(first - 1);
    let tail = (a - last.max(first - 1)) as i128;
    let total = Mutex::new(tail * (tail - 1) / 2);
    let claimed = AtomicUsize::new(first);
    let primes = &lmo.table.primes;
    par.broadcast(par.threads(), |_| loop {
        let b0 = claimed.fetch_add(BATCH, Ordering::Relaxed);
        if b0 > last || meter.cancelled() {
            return;
        }
        let mut sum = 0i128;
        for b in b0..=last.min(b0 + BATCH - 1) {
            let p = u64::from(primes[b]);
            let xp = x / p;
            let top = (xp / p).min(y); // q <= top: n >= p
            sum += (a - lmo.table.pi(top.max(p)) as usize) as i128; // trivial: q in (max(p, top), y]
            let bottom = (xp / (y + 1)).max(p); // q > bottom: n <= y
            let mut l = lmo.table.pi(top) as usize;
            let mut easy = 0u64;
            let mut leaves = 0u64;
            while l > 0 && u64::from(primes[l]) > bottom {
                easy += lmo.table.pi(xp / u64::from(primes[l]));
                leaves += 1;
                l -= 1;
            }
            sum += i128::from(easy) - i128::from(leaves) * (b as i128 - 2);
        }
        *total.lock().unwrap_or_else(|p| p.into_inner()) += sum;
    });
    meter.check()?;
    Ok(total.into_inner().unwrap_or_else(|p| p.into_inner()))
}
