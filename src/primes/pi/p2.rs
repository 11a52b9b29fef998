//! P2(x, a) = sum over the primes y < p <= sqrt(x) of pi(x / p) - pi(p) + 1: the numbers up to
//! x with exactly two prime factors, both above y. The thresholds t = x / p lie in
//! [sqrt(x), x / (y + 1)], which the library's segmented sieve (`sieve`, mod-30 wheel) sieves in
//! parallel chunks; each segment finds its p (those with x / p inside it, a second sieve over
//! (y, sqrt x]) and counts its primes up to each t.

use super::super::sieve::wheel30::RESIDUES;
use super::super::sieve::{Scratch, Sieve, MAX_CHUNK};
use super::{isqrt, Units};
use crate::pool::Par;
use crate::progress::Meter;
use crate::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Chunks per thread, for balance.
const CHUNKS_PER_THREAD: u64 = 8;

/// Masks of the wheel bits (residues 1, 7, ..., 29) that are <= r, for r < 30.
const UP_TO: [u8; 30] = {
    let mut t = [0u8; 30];
    let mut r = 0;
    while r < 30 {
        let mut b = 0;
        while b < 8 {
            if RESIDUES[b] <= r as u64 {
                t[r] |= 1 << b;
            }
            b += 1;
        }
        r += 1;
    }
    t
};

/// Numbers the P2 sieve covers, for the progress total.
pub(super) fn sieved(x: u64, y: u64) -> u64 {
    (x / (y + 1) + 1).saturating_sub(isqrt(x) + 1)
}

/// A chunk's part of the sum: sum of (primes in [chunk start, t]) over its thresholds t, how
/// many thresholds, how many primes in the chunk.
#[derive(Clone, Copy, Default)]
struct ChunkSum {
    local: u128,
    thresholds: u64,
    primes: u64,
}

/// P2(x, a) with a = pi(y), given `pi_root` = pi(isqrt(x)).
pub(super) fn p2(x: u64, y: u64, a: u64, pi_root: u64, par: Par<'_>, meter: &Units<'_>) -> Result<u128, Error> {
    let root = isqrt(x);
    if root <= y {
        return Ok(0);
    }
    let (lo, hi) = (root + 1, x / (y + 1) + 1);
    // Every t >= root: pi(t) = pi(root) + primes in (root, t].
    let count = pi_root - a; // primes p in (y, root]
    let mut sum_pi = u128::from(count) * u128::from(pi_root);
    if hi > lo {
        let sieve = Sieve::new(isqrt(hi - 1), lo, hi)?;
        let p_sieve = Sieve::new(isqrt(root), y + 1, root + 1)?;
        let (k0, k1) = (lo / 30, hi.div_ceil(30));
        let bytes = k1 - k0;
        let threads = par.threads() as u64;
        let chunks = (threads * CHUNKS_PER_THREAD).max(bytes.div_ceil(MAX_CHUNK)).min(bytes);
        let chunk = bytes.div_ceil(chunks);
        let chunks = bytes.div_ceil(chunk);
        let sums = Mutex::new(vec![ChunkSum::default(); chunks as usize]);
        let failed = Mutex::new(None);
        let claimed = AtomicUsize::new(0);
        par.broadcast(threads.min(chunks) as usize, |_| {
            let scratch = sieve.scratch().and_then(|s| Ok((s, p_sieve.scratch()?)));
            let (mut sc, mut p_sc) = match scratch {
                Ok(both) => both,
                Err(e) => return *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e),
            };
            let mut ps = Vec::new();
            loop {
                let c = claimed.fetch_add(1, Ordering::Relaxed) as u64;
                if c >= chunks || meter.cancelled() {
                    return;
                }
                let (b0, b1) = (k0 + c * chunk, k1.min(k0 + (c + 1) * chunk));
                let job = Job { x, y, root, k0, lo, hi, sieve: &sieve, p_sieve: &p_sieve };
                let sum = job.chunk(&mut sc, &mut p_sc, &mut ps, b0, b1, meter);
                sums.lock().unwrap_or_else(|p| p.into_inner())[c as usize] = sum;
            }
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        meter.check()?;
        let mut before = 0u64;
        let mut seen = 0;
        for s in sums.into_inner().unwrap_or_else(|p| p.into_inner()) {
            sum_pi += s.local + u128::from(s.thresholds) * u128::from(before);
            before += s.primes;
            seen += s.thresholds;
        }
        debug_assert_eq!(seen, count);
    }
    // Less the sum of pi(p) - 1 = k - 1 over the k-th primes, k in (a, pi_root].
    let minus = u128::from(count) * u128::from(a + pi_root - 1) / 2;
    Ok(sum_pi - minus)
}

struct Job<'a> {
    x: u64,
    y: u64,
    root: u64,
    k0: u64,
    lo: u64,
    hi: u64,
    sieve: &'a Sieve,
    p_sieve: &'a Sieve,
}

impl Job<'_> {
    fn chunk(
        &self,
        sc: &mut Scratch,
        p_sc: &mut Scratch,
        ps: &mut Vec<u32>,
        b0: u64,
        b1: u64,
        meter: &Units<'_>,
    ) -> ChunkSum {
        let mut sum = ChunkSum::default();
        let (pk0, pk1) = ((self.y + 1) / 30, (self.root + 1).div_ceil(30));
        self.sieve.run(sc, b0, b1, meter.meter, |start, bytes, n| {
            let seg_lo = 30 * start;
            let seg_hi = 30 * (start + bytes.len() as u64);
            // The p with t = x / p in [seg_lo, seg_hi): p in (x / seg_hi, x / seg_lo].
            let p_top = if start == self.k0 { self.root } else { self.root.min(self.x / seg_lo) };
            let p_floor = self.y.max(self.x / seg_hi);
            ps.clear();
            if p_top > p_floor {
                let (a, b) = (((p_floor + 1) / 30).max(pk0), ((p_top + 1).div_ceil(30)).min(pk1));
                self.p_sieve.run(p_sc, a, b, Meter::off(), |start, bytes, _| {
                    super::super::sieve::for_each_survivor(start, bytes, |p| {
                        if p > p_floor && p <= p_top {
                            ps.push(p as u32);
                        }
                    })
                });
            }
            // Descending p: ascending t; count the segment's primes up to each.
            let (mut at, mut below) = (0usize, 0u64);
            for &p in ps.iter().rev() {
                let t = self.x / u64::from(p);
                let in_segment = if t < seg_lo {
                    0
                } else {
                    let k = ((t - seg_lo) / 30) as usize;
                    while at + 8 <= k {
                        below += u64::from(u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8")).count_ones());
                        at += 8;
                    }
                    while at < k {
                        below += u64::from(bytes[at].count_ones());
                        at += 1;
                    }
                    below + u64::from((bytes[k] & UP_TO[(t % 30) as usize]).count_ones())
                };
                sum.local += u128::from(sum.primes + in_segment);
                sum.thresholds += 1;
            }
            sum.primes += n;
            meter.add(seg_hi.min(self.hi) - seg_lo.max(self.lo));
        });
        sum
    }
}
