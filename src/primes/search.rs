//! Parallel trial division with early exit: the book's process pool sharing an mmap'd "found a
//! factor" flag, done with one atomic holding the best hit so far.
//!
//! Candidates are numbered by *rank*, their position in the scan order (ascending values for
//! [`Direction::Up`], descending for [`Direction::Down`]); the atomic holds the smallest rank of a
//! divisor found. Workers claim blocks in rank order, skip work ranked after the best hit and poll
//! the atomic every [`POLL`] values, so the answer is always the first divisor in scan order,
//! whatever the thread count or timing.

use super::trial::Wheel;
use crate::{pool, Error};
use std::sync::atomic::{AtomicU64, Ordering};

/// Values between two reads of the shared best (about 1024 candidates on the mod-30 wheel).
const POLL: u64 = 30 * 128;
/// Values a worker claims at a time (~16k candidates, tens of microseconds).
const BLOCK: u64 = POLL * 16;
/// Values scanned on the calling thread before waking the pool: most composites have a small
/// factor, and a number with factor 3 must not pay for waking threads.
const SERIAL_PREFIX: u64 = 1 << 16;
/// Below this many remaining values, going parallel costs more than it saves.
const MIN_PARALLEL: u64 = 4 * BLOCK;

/// Which end of the interval the search prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    /// The smallest divisor.
    Up,
    /// The largest divisor.
    Down,
}

const NONE: u64 = u64::MAX;

struct Scan<'a> {
    n: u64,
    lo: u64,
    hi: u64,
    direction: Direction,
    wheel: Wheel,
    best: &'a AtomicU64,
}

impl Scan<'_> {
    fn rank(&self, value: u64) -> u64 {
        match self.direction {
            Direction::Up => value - self.lo,
            Direction::Down => self.hi - 1 - value,
        }
    }

    fn value(&self, rank: u64) -> u64 {
        match self.direction {
            Direction::Up => self.lo + rank,
            Direction::Down => self.hi - 1 - rank,
        }
    }

    /// Scan ranks [r0, r1), stopping at the first divisor or once a better one is known.
    fn ranks(&self, r0: u64, r1: u64) {
        let n = self.n;
        let mut q0 = r0;
        while q0 < r1 {
            if self.best.load(Ordering::Relaxed) <= q0 {
                return;
            }
            let q1 = r1.min(q0.saturating_add(POLL));
            let hit = match self.direction {
                Direction::Up => {
                    let mut hit = None;
                    self.wheel.for_each(self.lo + q0, self.lo + q1, |d| {
                        if n % d == 0 {
                            hit = Some(d);
                            return false;
                        }
                        true
                    });
                    hit
                }
                Direction::Down => {
                    // Scan this small window ascending and keep the last divisor: simpler than a
                    // descending wheel, and costs at most POLL extra values once.
                    let mut hit = None;
                    self.wheel.for_each(self.hi - q1, self.hi - q0, |d| {
                        if n % d == 0 {
                            hit = Some(d);
                        }
                        true
                    });
                    hit
                }
            };
            if let Some(d) = hit {
                self.best.fetch_min(self.rank(d), Ordering::Relaxed);
                return;
            }
            q0 = q1;
        }
    }

    /// Workers claim BLOCK-sized rank blocks in order until the blocks are past the best hit.
    fn parallel(&self, r0: u64, r1: u64, threads: usize) {
        let blocks = (r1 - r0).div_ceil(BLOCK);
        let next = AtomicU64::new(0);
        let worker = || loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                return;
            }
            let start = r0 + b * BLOCK;
            if self.best.load(Ordering::Relaxed) <= start {
                return; // later blocks rank even higher
            }
            self.ranks(start, r1.min(start + BLOCK));
        };
        rayon::scope(|s| {
            for _ in 1..threads {
                s.spawn(|_| worker());
            }
            worker();
        });
    }
}

/// The first d in [lo, hi) on `wheel` that divides `n`, in `direction` order (the smallest for
/// Up, the largest for Down), or None. Every d the wheel skips must be unable to divide n.
pub(super) fn first_divisor(
    n: u64,
    lo: u64,
    hi: u64,
    direction: Direction,
    wheel: Wheel,
) -> Result<Option<u64>, Error> {
    if lo >= hi {
        return Ok(None);
    }
    let best = AtomicU64::new(NONE);
    let scan = Scan { n, lo, hi, direction, wheel, best: &best };
    let total = hi - lo;
    let prefix = total.min(SERIAL_PREFIX);
    scan.ranks(0, prefix);
    if best.load(Ordering::Relaxed) == NONE && prefix < total {
        if total - prefix < MIN_PARALLEL {
            scan.ranks(prefix, total);
        } else {
            pool::install(|threads| {
                if threads > 1 {
                    scan.parallel(prefix, total, threads);
                } else {
                    scan.ranks(prefix, total);
                }
            })?;
        }
    }
    // A rank is < total <= u64::MAX, so NONE never collides with a real hit.
    Ok(match best.load(Ordering::Relaxed) {
        NONE => None,
        rank => Some(scan.value(rank)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(n: u64, lo: u64, hi: u64, direction: Direction) -> Option<u64> {
        let mut it = (lo..hi).filter(|&d| d != 0 && n % d == 0);
        match direction {
            Direction::Up => it.next(),
            Direction::Down => it.next_back(),
        }
    }

    #[test]
    fn both_directions_match_naive_across_block_boundaries() {
        // Ranges longer than the serial prefix and several blocks, with divisors placed near
        // POLL / BLOCK edges.
        let n = 2 * 3 * 5 * 7 * 11 * 13 * 17u64 * 300_007 * 300_043;
        for (lo, hi) in [(2, 40), (24, 400_000), (70_000, 700_000), (299_000, 300_100), (300_008, 900_000)] {
            for direction in [Direction::Up, Direction::Down] {
                let got = first_divisor(n, lo, hi, direction, Wheel::for_n(n)).unwrap();
                assert_eq!(got, naive(n, lo, hi, direction), "[{lo}, {hi}) {direction:?}");
            }
        }
        let p = 1_000_003u64 * 1_000_033;
        let got = first_divisor(p, 3, 2_000_000, Direction::Down, Wheel::for_n(p)).unwrap();
        assert_eq!(got, Some(1_000_033));
        let got = first_divisor(p, 3, 1_000_003, Direction::Up, Wheel::for_n(p)).unwrap();
        assert_eq!(got, None);
    }

    #[test]
    fn ranges_ending_at_u64_max() {
        let n = u64::MAX; // 3 * 5 * 17 * 257 * 641 * 65537 * 6700417
        let got = first_divisor(n, u64::MAX - 1_000_000, u64::MAX, Direction::Up, Wheel::for_n(n)).unwrap();
        assert_eq!(got, None);
        for direction in [Direction::Up, Direction::Down] {
            let got = first_divisor(n, 6_000_000, 6_800_000, direction, Wheel::for_n(n)).unwrap();
            assert_eq!(got, naive(n, 6_000_000, 6_800_000, direction));
        }
        let got = first_divisor(n, 6_700_000, 6_800_000, Direction::Down, Wheel::for_n(n)).unwrap();
        assert_eq!(got, Some(6_700_417));
    }
}
