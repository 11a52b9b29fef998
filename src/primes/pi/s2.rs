//! The hard special leaves of LMO: -mu(m) phi(x / (p_b m), b - 1) for the leaves whose value
//! n = x / (p_b m) needs the sieve: every leaf of the primes p_b <= sqrt(y), and for the larger
//! primes (m then prime) those with n > y. [0, x / (y + 1)] is sieved in segments; each segment,
//! prime by prime, counts the survivors below each leaf's n, then crosses the prime off.
//!
//! Parallel: the segments are cut into units, consecutive runs of segments (short at the start,
//! where the leaves crowd, longer after), that threads claim in order. A unit starts from zero
//! counts, so it returns per prime b how many numbers it saw survive (`counts`) and the sum of
//! the signs of its leaves (`signs`); units are folded in order, each leaf getting the survivors
//! of the units before it as `signs[b] * before[b]`.

use super::leaf_sieve::LeafSieve;
use super::tables::Lmo;
use super::Units;
use crate::pool::Par;
use crate::Error;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

struct UnitSum {
    sum: i128,
    counts: Vec<u64>,
    signs: Vec<i64>,
}

/// Folds units in order as they arrive.
struct Fold {
    next: usize,
    waiting: BTreeMap<usize, UnitSum>,
    before: Vec<u64>,
    total: i128,
}

impl Fold {
    fn push(&mut self, unit: usize, sum: UnitSum) {
        self.waiting.insert(unit, sum);
        while let Some(u) = self.waiting.remove(&self.next) {
            self.total += u.sum;
            for ((before, &count), &sign) in self.before.iter_mut().zip(&u.counts).zip(&u.signs) {
                self.total += i128::from(sign) * i128::from(*before);
                *before += count;
            }
            self.next += 1;
        }
    }
}

/// A worker looks at the cancel flag before each prime's pass over a segment and every this
/// many of the leaves' m (a segment can hold millions of leaves high up).
const CHECK_EVERY: u64 = 1 << 12;

/// Numbers per segment: about sqrt of the sieved length, a power of two (whole counter blocks).
pub(super) fn segment_len(limit: u64) -> u64 {
    (super::isqrt(limit).next_power_of_two() * 2).clamp(1 << 12, 1 << 22)
}

/// The sum of the hard special leaves; `meter` gets the sieved numbers, a segment at a time.
pub(super) fn hard_leaves(lmo: &Lmo, par: Par<'_>, meter: &Units<'_>) -> Result<i128, Error> {
    let len = segment_len(lmo.limit);
    let segments = lmo.limit.div_ceil(len);
    let mut units = Vec::new();
    let mut s = 0;
    while s < segments {
        let size = (s / 16).max(1);
        units.push((s, segments.min(s + size)));
        s += size;
    }
    let max_b = lmo.max_b;
    let candidates = leaf_candidates(lmo)?;
    let fold = Mutex::new(Fold { next: 0, waiting: BTreeMap::new(), before: vec![0; max_b + 1], total: 0 });
    let failed = Mutex::new(None);
    let claimed = AtomicUsize::new(0);
    par.broadcast(par.threads().min(units.len()), |_| {
        let mut sieve = match LeafSieve::new(len, max_b) {
            Ok(sieve) => sieve,
            Err(e) => return *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e),
        };
        loop {
            let u = claimed.fetch_add(1, Ordering::Relaxed);
            if u >= units.len() || meter.cancelled() {
                return;
            }
            let Some(sum) = super::with_popcnt(
                #[inline(always)]
                || unit(lmo, &candidates, &mut sieve, units[u], len, meter),
            ) else {
                return;
            };
            fold.lock().unwrap_or_else(|p| p.into_inner()).push(u, sum);
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    meter.check()?;
    let fold = fold.into_inner().unwrap_or_else(|p| p.into_inner());
    debug_assert_eq!(fold.next, units.len());
    Ok(fold.total)
}

/// The m <= y that can be a leaf's m for the primes up to sqrt(y): squarefree, least prime
/// factor above p_c, ascending (about a fifth of the m, so the leaves' loop skips the rest
/// without looking at them).
fn leaf_candidates(lmo: &Lmo) -> Result<Vec<u32>, Error> {
    let p_c = lmo.table.primes[lmo.c];
    let keep = |v: i32| v != 0 && v.unsigned_abs() > p_c;
    let count = lmo.mu_lpf.iter().filter(|&&v| keep(v)).count();
    let mut candidates = Vec::new();
    candidates
        .try_reserve_exact(count)
        .map_err(|_| Error::OutOfMemory("cannot allocate the hard leaves' candidates".into()))?;
    candidates.extend(lmo.mu_lpf.iter().enumerate().filter(|&(_, &v)| keep(v)).map(|(m, _)| m as u32));
    Ok(candidates)
}

/// The leaves of segments [s0, s1); `None` if cancelled.
#[inline(always)]
fn unit(
    lmo: &Lmo,
    candidates: &[u32],
    sieve: &mut LeafSieve,
    (s0, s1): (u64, u64),
    len: u64,
    meter: &Units<'_>,
) -> Option<UnitSum> {
    let (x, y, c, max_b) = (lmo.x, lmo.y, lmo.c, lmo.max_b);
    let primes = &lmo.table.primes;
    let mut counts = vec![0u64; max_b + 1];
    let mut signs = vec![0i64; max_b + 1];
    let mut sum = 0i128;
    // Per prime up to sqrt(y): how many candidates are <= the segment's largest m (found by a
    // search in the unit's first segment, then where the previous segment's leaves stopped).
    let mut below = vec![usize::MAX; lmo.pi_sqrty.min(max_b) + 1];
    sieve.start_at(s0 * len, &primes[..=max_b]);
    for s in s0..s1 {
        if meter.cancelled() {
            return None;
        }
        let (low, high) = (s * len, (s + 1) * len);
        let low1 = low.max(1);
        sieve.begin_segment(low, primes, c);
        let mut b = c + 1;
        // Primes up to sqrt(y): m runs over the squarefree numbers with lpf(m) > p, descending,
        // so that n = x / (p m) ascends within [low, high).
        let mut done = false;
        while b <= lmo.pi_sqrty.min(max_b) {
            let p = u64::from(primes[b]);
            let xp = x / p;
            let min_m = (xp / high).max(y / p);
            let max_m = (xp / low1).min(y);
            if p >= max_m {
                done = true;
                break;
            }
            if meter.cancelled() {
                return None;
            }
            sieve.rewind();
            let mut i = below[b];
            if i == usize::MAX {
                i = candidates.partition_point(|&m| u64::from(m) <= max_m);
            }
            while i > 0 && u64::from(candidates[i - 1]) > max_m {
                i -= 1;
            }
            while i > 0 && u64::from(candidates[i - 1]) > min_m {
                i -= 1;
                let m = u64::from(candidates[i]);
                if i.is_multiple_of(CHECK_EVERY as usize) && meter.cancelled() {
                    return None;
                }
                let v = lmo.mu_lpf[m as usize];
                if v.unsigned_abs() as u64 > p {
                    let phi = i128::from(counts[b] + sieve.count_to(xp / m));
                    if v > 0 {
                        sum -= phi;
                        signs[b] -= 1;
                    } else {
                        sum += phi;
                        signs[b] += 1;
                    }
                }
            }
            below[b] = i;
            counts[b] += sieve.total();
            sieve.cross_off(b, p, true);
            b += 1;
        }
        // Larger primes: m prime with p < m <= y and n > y (m <= x / (p (y + 1))).
        while !done && b <= max_b {
            let p = u64::from(primes[b]);
            let xp = x / p;
            let max_m = (xp / low1).min(y).min(xp / (y + 1));
            let mut l = lmo.table.pi(max_m) as usize;
            if p >= u64::from(primes[l]) {
                break;
            }
            let min_m = (xp / high).max(p);
            if meter.cancelled() {
                return None;
            }
            sieve.rewind();
            while u64::from(primes[l]) > min_m {
                if (l as u64).is_multiple_of(CHECK_EVERY) && meter.cancelled() {
                    return None;
                }
                sum += i128::from(counts[b] + sieve.count_to(xp / u64::from(primes[l])));
                signs[b] += 1;
                l -= 1;
            }
            counts[b] += sieve.total();
            sieve.cross_off(b, p, true);
            b += 1;
        }
        meter.add(high.min(lmo.limit) - low);
    }
    Some(UnitSum { sum, counts, signs })
}
