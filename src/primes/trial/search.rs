//! Parallel trial division with early exit: the book's process pool sharing an mmap'd "found a
//! factor" flag, done with one atomic holding the best hit so far.
//!
//! Candidates are numbered by *rank*, their position in the scan order (ascending values for
//! [`Direction::Up`], descending for [`Direction::Down`]); the atomic holds the smallest rank of a
//! divisor found. Workers claim blocks in rank order, skip work ranked after the best hit and poll
//! the atomic every [`POLL`] values, so the answer is always the first divisor in scan order,
//! whatever the thread count or timing.

use super::divisibility::Divisibility;
use super::wheel210::{Wheel210, WHEEL_MODULUS};
use crate::isa::Supported;
use crate::progress::Meter;
use crate::{pool, Error};
use std::sync::atomic::{AtomicU64, Ordering};

/// Values between two reads of the shared best (about 1000 candidates on the mod-210 wheel).
/// Windows start at multiples of POLL, a multiple of the wheel period, so the vector kernels see
/// whole wheel periods everywhere but at the two ends of the range.
const POLL: u64 = WHEEL_MODULUS * 20;
/// Windows a worker claims at a time (~16k candidates, some microseconds).
const WINDOWS_PER_BLOCK: u64 = 16;
/// Windows scanned on the calling thread before waking the pool: most composites have a small
/// factor, and a number with factor 3 must not pay for waking threads.
const SERIAL_WINDOWS: u64 = 16;
/// Below this many remaining windows, going parallel costs more than it saves.
const MIN_PARALLEL_WINDOWS: u64 = 4 * WINDOWS_PER_BLOCK;

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
    lo: u64,
    hi: u64,
    /// lo / POLL: window k (in value order) covers [(first + k) POLL, (first + k + 1) POLL).
    first: u64,
    windows: u64,
    direction: Direction,
    test: &'a Divisibility,
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

    /// The values of the j-th window in scan order, clipped to [lo, hi), and the smallest rank
    /// in it.
    fn window(&self, j: u64) -> (u64, u64, u64) {
        let k = match self.direction {
            Direction::Up => j,
            Direction::Down => self.windows - 1 - j,
        };
        // u128: the last window's end may pass u64::MAX.
        let start = u128::from(self.first + k) * u128::from(POLL);
        let x0 = (start as u64).max(self.lo); // start <= hi - 1 fits
        let x1 = (start + u128::from(POLL)).min(u128::from(self.hi)) as u64;
        let min_rank = match self.direction {
            Direction::Up => x0 - self.lo,
            Direction::Down => self.hi - x1,
        };
        (x0, x1, min_rank)
    }

    /// Scan windows [j0, j1) in order, stopping at the first divisor or once a better one is
    /// known; returns how many values were scanned.
    fn windows(&self, j0: u64, j1: u64) -> u64 {
        let mut scanned = 0;
        for j in j0..j1 {
            let (x0, x1, min_rank) = self.window(j);
            if self.best.load(Ordering::Relaxed) <= min_rank {
                return scanned;
            }
            let hit = match self.direction {
                Direction::Up => self.test.first(x0, x1),
                Direction::Down => self.test.last(x0, x1),
            };
            scanned += x1 - x0;
            if let Some(d) = hit {
                self.best.fetch_min(self.rank(d), Ordering::Relaxed);
                return scanned;
            }
        }
        scanned
    }

    /// [`Self::windows`] on this thread; with an active `meter`, a block at a time, reporting
    /// the values scanned and stopping at a cancel.
    fn serial(&self, j0: u64, j1: u64, meter: &Meter) {
        if !meter.is_active() {
            self.windows(j0, j1);
            return;
        }
        let mut j = j0;
        while j < j1 && !meter.cancelled() && self.best.load(Ordering::Relaxed) == NONE {
            let end = j1.min(j + WINDOWS_PER_BLOCK);
            meter.add(self.windows(j, end));
            j = end;
        }
    }

    /// Workers claim blocks of windows in order until the blocks are past the best hit (or the
    /// call is cancelled).
    fn parallel(&self, j0: u64, j1: u64, threads: usize, meter: &Meter) {
        let blocks = (j1 - j0).div_ceil(WINDOWS_PER_BLOCK);
        let next = AtomicU64::new(0);
        let worker = || loop {
            if meter.cancelled() {
                return;
            }
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                return;
            }
            let start = j0 + b * WINDOWS_PER_BLOCK;
            if self.best.load(Ordering::Relaxed) <= self.window(start).2 {
                return; // later blocks rank even higher
            }
            meter.add(self.windows(start, j1.min(start + WINDOWS_PER_BLOCK)));
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
/// Up, the largest for Down), or None; lo >= 1. Every d the wheel skips must be unable to divide
/// n. `isa` picks the divisibility kernel (it must be supported). `meter` gets the values
/// scanned; after a cancel the result is [`Error::Cancelled`].
#[allow(clippy::too_many_arguments)]
pub(super) fn first_divisor(
    n: u64,
    lo: u64,
    hi: u64,
    direction: Direction,
    wheel: Wheel210,
    isa: Supported,
    meter: &Meter,
) -> Result<Option<u64>, Error> {
    debug_assert!(lo >= 1);
    if lo >= hi {
        return Ok(None);
    }
    let best = AtomicU64::new(NONE);
    let test = Divisibility::new(n, wheel, isa);
    let first = lo / POLL;
    let windows = (hi - 1) / POLL - first + 1;
    let scan = Scan { lo, hi, first, windows, direction, test: &test, best: &best };
    let prefix = windows.min(SERIAL_WINDOWS);
    meter.add(scan.windows(0, prefix));
    if best.load(Ordering::Relaxed) == NONE && prefix < windows {
        if windows - prefix < MIN_PARALLEL_WINDOWS {
            scan.serial(prefix, windows, meter);
        } else {
            pool::install(|threads| {
                if threads > 1 {
                    scan.parallel(prefix, windows, threads, meter);
                } else {
                    scan.serial(prefix, windows, meter);
                }
            })?;
        }
    }
    // Workers that stopped at a cancel may have skipped a better divisor than the one found.
    meter.check()?;
    // A rank is < hi - lo <= u64::MAX, so NONE never collides with a real hit.
    Ok(match best.load(Ordering::Relaxed) {
        NONE => None,
        rank => Some(scan.value(rank)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(n: u64, lo: u64, hi: u64, direction: Direction) -> Option<u64> {
        let mut it = (lo..hi).filter(|&d| d != 0 && n.is_multiple_of(d));
        match direction {
            Direction::Up => it.next(),
            Direction::Down => it.next_back(),
        }
    }

    fn search(n: u64, lo: u64, hi: u64, direction: Direction, isa: Supported) -> Option<u64> {
        first_divisor(n, lo, hi, direction, Wheel210::for_n(n), isa, Meter::off()).unwrap()
    }

    #[test]
    fn both_directions_match_naive_across_block_boundaries() {
        // Ranges longer than the serial prefix and several blocks, with divisors placed near
        // POLL / block edges.
        let n = 2 * 3 * 5 * 7 * 11 * 13 * 17u64 * 300_007 * 300_043;
        for isa in Supported::all() {
            for (lo, hi) in [(2, 40), (24, 400_000), (70_000, 700_000), (299_000, 300_100), (300_008, 900_000)] {
                for direction in [Direction::Up, Direction::Down] {
                    let got = search(n, lo, hi, direction, isa);
                    assert_eq!(got, naive(n, lo, hi, direction), "[{lo}, {hi}) {direction:?} {isa:?}");
                }
            }
            let p = 1_000_003u64 * 1_000_033;
            assert_eq!(search(p, 3, 2_000_000, Direction::Down, isa), Some(1_000_033));
            assert_eq!(search(p, 3, 1_000_003, Direction::Up, isa), None);
            assert_eq!(search(p, 1_000_033, 1_000_034, Direction::Up, isa), Some(1_000_033));
            // The factors near POLL and block boundaries, scanned from window-aligned and
            // unaligned starts.
            for lo in [2, 3, POLL - 1, POLL, POLL + 1, 17 * POLL + 5] {
                assert_eq!(search(p, lo, 3_000_000, Direction::Up, isa), Some(1_000_003), "{isa:?} {lo}");
                assert_eq!(search(p, lo, 1_000_034, Direction::Down, isa), Some(1_000_033), "{isa:?} {lo}");
            }
        }
    }

    #[test]
    fn ranges_ending_at_u64_max() {
        let n = u64::MAX; // 3 * 5 * 17 * 257 * 641 * 65537 * 6700417
        for isa in Supported::all() {
            assert_eq!(search(n, u64::MAX - 1_000_000, u64::MAX, Direction::Up, isa), None);
            for direction in [Direction::Up, Direction::Down] {
                let got = search(n, 6_000_000, 6_800_000, direction, isa);
                assert_eq!(got, naive(n, 6_000_000, 6_800_000, direction));
            }
            assert_eq!(search(n, 6_700_000, 6_800_000, Direction::Down, isa), Some(6_700_417));
            // n itself, the last value of the range, found from both ends.
            let p = 18_446_744_073_709_551_557u64; // the largest prime below 2^64
            assert_eq!(search(p, p - 2_000_000, u64::MAX, Direction::Up, isa), Some(p));
            assert_eq!(search(p, p - 2_000_000, u64::MAX, Direction::Down, isa), Some(p));
        }
    }

    #[test]
    fn several_divisors_in_one_parallel_run_give_the_first_in_scan_order() {
        // 1000003 * 1000033 * 1000037 and its products with the small cofactors: the divisors
        // 1000003, 1000033, 1000037 (and multiples) lie in adjacent windows and blocks.
        let n = 1_000_003u64 * 1_000_033 * 1_000_037;
        for isa in Supported::all() {
            for (lo, hi) in [(100_000, 2_000_000), (1_000_004, 2_000_000), (1_000_034, 3_000_000)] {
                for direction in [Direction::Up, Direction::Down] {
                    assert_eq!(search(n, lo, hi, direction, isa), naive(n, lo, hi, direction), "{isa:?}");
                }
            }
        }
    }
}
