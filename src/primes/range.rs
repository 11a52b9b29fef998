//! `count_primes` and `primes_in_range`: choose the base-prime bound, split the range's bytes
//! (30 numbers each, see `sieve::wheel30`) into chunks, and sieve the chunks on the library's pool.
//!
//! Each worker owns a [`Scratch`] (allocated up front, so an impossible request fails before any
//! output is written) and claims chunks in order from an atomic counter.

use super::arith::isqrt;
use super::pi;
use super::sieve::{for_each_survivor, Scratch, Sieve, MAX_CHUNK, SEG_BYTES};
use crate::error::try_vec;
use crate::pool::{self, Par};
use crate::progress::{self, Meter, Progress};
use crate::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Largest base-prime bound: 2^25 keeps the base primes at 8 MiB (plus 5 bytes each per worker).
const MAX_BOUND: u64 = 1 << 25;
/// Estimated single-thread cost in ns under which the pool is not woken.
const SERIAL_COST_NS: f64 = 250_000.0;
const CHUNKS_PER_THREAD: u64 = 8;
/// Range length from which a call with a progress callback reports: about a millisecond.
const REPORT_MIN_NUMBERS: u64 = 1 << 24;

/// Rough single-thread cost in ns of sieving `numbers` numbers below `hi` with base primes up
/// to `bound` in `chunks` chunks: generating the base primes, one division per base prime per
/// chunk, one visit per base prime per segment, the sieve itself and, when `bound` is below
/// sqrt(hi), Miller-Rabin on the survivors (a fraction e^-gamma / ln bound of all integers, at
/// ~0.7 us each near 2^64).
fn estimate_ns(bound: u64, full: bool, numbers: u64, chunks: u64) -> f64 {
    let b = bound.max(16) as f64;
    let base_primes = b / b.ln();
    let segments = numbers.div_ceil(30 * SEG_BYTES as u64) as f64;
    let mut ns = 0.1 * b + base_primes * (15.0 * chunks as f64 + 2.0 * segments) + 0.15 * numbers as f64;
    if !full {
        ns += numbers as f64 * 0.5615 / b.ln() * 700.0;
    }
    ns
}

/// The base-prime bound with the lowest estimated cost, and that cost: sqrt(hi - 1) (a full
/// sieve) if allowed, else a power of two whose survivors Miller-Rabin confirms.
pub(super) fn choose_bound(hi: u64, numbers: u64, chunks: u64) -> (u64, f64) {
    let root = isqrt(hi - 1);
    let mut best =
        if root <= MAX_BOUND { (root, estimate_ns(root, true, numbers, chunks)) } else { (MAX_BOUND, f64::INFINITY) };
    let mut bound = 1 << 8;
    while bound < root && bound <= MAX_BOUND {
        let cost = estimate_ns(bound, false, numbers, chunks);
        if cost < best.1 {
            best = (bound, cost);
        }
        bound <<= 1;
    }
    best
}

struct Plan {
    sieve: Sieve,
    k0: u64,
    k1: u64,
    chunk: u64,
    chunks: u64,
}

impl Plan {
    fn new(lo: u64, hi: u64, threads: usize) -> Result<Plan, Error> {
        let (k0, k1) = (lo / 30, hi.div_ceil(30));
        let bytes = k1 - k0;
        let threads = threads as u64;
        let chunk_guess = if threads == 1 { bytes.div_ceil(MAX_CHUNK) } else { threads * CHUNKS_PER_THREAD };
        let (bound, _) = choose_bound(hi, hi - lo, chunk_guess);
        let sieve = Sieve::new(bound, lo, hi)?;
        let chunk = if threads == 1 {
            MAX_CHUNK
        } else {
            // Enough chunks to balance the load, each long enough that its one division per
            // base prime stays a small part of its work; a multiple of the thread count, so
            // equal chunks end together.
            let min_chunk = (8 * sieve.base_prime_count() as u64).max(1 << 12);
            let fit = (bytes / min_chunk).min(threads * CHUNKS_PER_THREAD);
            let chunks = (fit - fit % threads).max(threads).max(bytes.div_ceil(MAX_CHUNK));
            bytes.div_ceil(chunks).max(1)
        };
        Ok(Plan { sieve, k0, k1, chunk, chunks: bytes.div_ceil(chunk) })
    }

    /// Byte indices [a, b) of chunk `c`.
    fn chunk_range(&self, c: u64) -> (u64, u64) {
        let a = self.k0 + c * self.chunk;
        (a, self.k1.min(a + self.chunk))
    }

    /// Runs `f(scratch, chunk)` once for every chunk, on one thread of `par` per scratch, each
    /// claiming chunks in order; chunks not started when `meter` is cancelled are skipped.
    fn for_each_chunk(
        &self,
        par: Par<'_>,
        scratch: &mut [Scratch],
        meter: &Meter,
        f: impl Fn(&mut Scratch, u64) + Sync,
    ) {
        if let [only] = scratch {
            (0..self.chunks).take_while(|_| !meter.cancelled()).for_each(|c| f(only, c));
            return;
        }
        let next = AtomicU64::new(0);
        let workers = scratch.len();
        let scratch: Vec<Mutex<&mut Scratch>> = scratch.iter_mut().map(Mutex::new).collect();
        par.broadcast(workers, |w| {
            // Each slot is locked once, by its own thread.
            let mut sc = scratch[w].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            loop {
                if meter.cancelled() {
                    return;
                }
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= self.chunks {
                    return;
                }
                f(&mut sc, c);
            }
        });
    }

    /// Sieves every chunk and reports `counted(chunk, primes in it)`; with `bitmap` (one byte per
    /// 30 numbers of the range), the sieved bits are also kept there. `meter` gets the numbers
    /// of [lo, hi) sieved, a segment at a time; after a cancel the counts are incomplete and the
    /// result is [`Error::Cancelled`].
    fn count_chunks(
        &self,
        par: Par<'_>,
        scratch: &mut [Scratch],
        bitmap: Option<&mut [u8]>,
        meter: &Meter,
        counted: impl Fn(u64, u64) + Sync,
    ) -> Result<(), Error> {
        let slots = match bitmap {
            Some(bitmap) => Some(slots(bitmap, self.chunks, |c| self.chunk_bytes(c))?),
            None => None,
        };
        let (lo, hi) = (self.sieve.lo(), self.sieve.hi());
        self.for_each_chunk(par, scratch, meter, |sc, c| {
            let (a, b) = self.chunk_range(c);
            let mut kept = slots.as_ref().map(|s| lock(&s[c as usize]));
            let mut count = 0;
            self.sieve.run(sc, a, b, meter, |start, bytes, n| {
                count += n;
                if let Some(kept) = kept.as_mut() {
                    let at = (start - a) as usize;
                    kept[at..at + bytes.len()].copy_from_slice(bytes);
                }
                if meter.is_active() {
                    // The numbers of [lo, hi) in bytes [start, start + len): 30 each.
                    let first = (30 * start).max(lo);
                    let end = 30u64.saturating_mul(start + bytes.len() as u64).min(hi);
                    meter.add(end.saturating_sub(first));
                }
            });
            counted(c, count);
        });
        meter.check()
    }

    /// Bytes of a range bitmap that chunk `c` covers.
    fn chunk_bytes(&self, c: u64) -> usize {
        let (a, b) = self.chunk_range(c);
        (b - a) as usize
    }
}

/// `buf` split into consecutive disjoint pieces of the given lengths, one lock each so the
/// workers can take them by chunk index (each is locked once, without contention).
fn slots<T>(mut buf: &mut [T], n: u64, len: impl Fn(u64) -> usize) -> Result<Vec<Mutex<&mut [T]>>, Error> {
    let mut v = Vec::new();
    usize::try_from(n)
        .ok()
        .and_then(|n| v.try_reserve_exact(n).ok())
        .ok_or_else(|| Error::OutOfMemory("cannot allocate the sieve chunk list".into()))?;
    for c in 0..n {
        let (piece, rest) = buf.split_at_mut(len(c));
        v.push(Mutex::new(piece));
        buf = rest;
    }
    Ok(v)
}

fn lock<'m, 'a, T>(slot: &'m Mutex<&'a mut [T]>) -> std::sync::MutexGuard<'m, &'a mut [T]> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn atomic_vec(n: u64) -> Result<Vec<AtomicU64>, Error> {
    let mut v = Vec::new();
    usize::try_from(n)
        .ok()
        .and_then(|n| v.try_reserve_exact(n).ok())
        .ok_or_else(|| Error::OutOfMemory(format!("cannot allocate {n} sieve chunk counters")))?;
    v.extend((0..n).map(|_| AtomicU64::new(0)));
    Ok(v)
}

/// Plans [lo, hi) (with lo < hi), allocates one scratch per thread and runs `job` on the
/// threads of its `Par`: the calling thread when the work is too small to be worth waking
/// others, the team for short calls (`pool::short`) when the range is shorter than a call that
/// reports progress and `meter` is not active, else the pool.
fn run<R: Send>(
    lo: u64,
    hi: u64,
    meter: &Meter,
    job: impl FnOnce(&Plan, Par<'_>, &mut [Scratch]) -> Result<R, Error> + Send,
) -> Result<R, Error> {
    let go = |par: Par<'_>| {
        let plan = Plan::new(lo, hi, par.threads())?;
        let workers = plan.chunks.min(par.threads() as u64) as usize;
        let mut scratch = Vec::new();
        scratch
            .try_reserve_exact(workers)
            .map_err(|_| Error::OutOfMemory("cannot allocate the sieve workers".into()))?;
        for _ in 0..workers {
            scratch.push(plan.sieve.scratch()?);
        }
        job(&plan, par, &mut scratch)
    };
    if choose_bound(hi, hi - lo, (hi - lo).div_ceil(30 * MAX_CHUNK)).1 < SERIAL_COST_NS {
        go(Par::serial())
    } else if hi - lo < REPORT_MIN_NUMBERS && !meter.is_active() && pool::short_calls() {
        pool::short(go)?
    } else {
        pool::install(|threads| go(pool::Par::on_pool(threads)))?
    }
}

/// See [`super::count_primes_with_progress`].
pub(super) fn count_primes(lo: u64, hi: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    if lo >= hi {
        return Ok(0);
    }
    if by_pi(lo, hi) {
        // Reported in the sieve's units, numbers of [lo, hi): pi's work scaled to hi - lo.
        let (top, bottom) = (hi - 1, lo.saturating_sub(1));
        let (total, work) = (hi - lo, pi::work(top) + pi::work(bottom));
        return progress::track(progress, work > 0 && total >= REPORT_MIN_NUMBERS, total, |meter| {
            let count = pi::pi_scaled(top, meter, total, work)? - pi::pi_scaled(bottom, meter, total, work)?;
            meter.set(total); // the scaled units round down
            Ok(count)
        });
    }
    count_by_sieve(lo, hi, progress)
}

/// [lo, hi) counted by the segmented sieve (lo < hi), whatever its length.
fn count_by_sieve(lo: u64, hi: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    progress::track(progress, hi - lo >= REPORT_MIN_NUMBERS, hi - lo, |meter| {
        run(lo, hi, meter, |plan, par, scratch| {
            let total = AtomicU64::new(wheel_primes(lo, hi).count() as u64);
            plan.count_chunks(par, scratch, None, meter, |_, n| {
                total.fetch_add(n, Ordering::Relaxed);
            })?;
            Ok(total.into_inner())
        })
    })
}

/// Whether [lo, hi) is counted faster as pi(hi - 1) - pi(lo - 1) than by the sieve: long
/// ranges (see the crossover measured in README's benchmarks).
fn by_pi(lo: u64, hi: u64) -> bool {
    let sieve_ns = choose_bound(hi, hi - lo, 16).1;
    let pi_ns = pi::pi_estimate_ns(hi - 1) + pi::pi_estimate_ns(lo.saturating_sub(1));
    PI_ADVANTAGE * pi_ns < sieve_ns
}

/// How much cheaper pi's estimate must be: its estimate is for one thread, like the sieve's,
/// but its cost is less certain.
const PI_ADVANTAGE: f64 = 4.0;

/// See [`super::primes_in_range_with_progress`].
pub(super) fn primes_in_range(
    lo: u64,
    hi: u64,
    out: &mut [u64],
    progress: Option<&mut Progress<'_>>,
) -> Result<usize, Error> {
    if lo >= hi {
        return Ok(0);
    }
    progress::track(progress, hi - lo >= REPORT_MIN_NUMBERS, hi - lo, |meter| {
        primes_in_range_metered(lo, hi, out, meter)
    })
}

/// A lower bound of the number of primes in [lo, hi) (lo < hi), from pi(x) >= x / ln x for
/// x >= 17 and pi(x) < 1.25506 x / ln x for x > 1 (Rosser and Schoenfeld 1962), less a margin
/// for rounding; may be 0 (or negative before the clamp) for short ranges.
fn count_lower_bound(lo: u64, hi: u64) -> u64 {
    let lower = |x: u64| if x < 17 { 0.0 } else { x as f64 / (x as f64).ln() };
    let upper = |x: u64| if x < 2 { 0.0 } else { 1.25506 * x as f64 / (x as f64).ln() };
    let bound = (lower(hi - 1) - upper(lo.saturating_sub(1))) * (1.0 - 1e-9) - 1.0;
    bound.max(0.0) as u64
}

/// The exact number of primes in [lo, hi) by [`pi::prime_pi`] when `capacity` is certainly too
/// small for them and that is much cheaper than counting by the sieve (a size query over a wide
/// range, such as [0, 10^11)); `None` when the sieve should count.
fn quick_requirement(lo: u64, hi: u64, capacity: usize, meter: &Meter) -> Result<Option<u64>, Error> {
    if hi - 1 > pi::MAX_X || capacity as u64 >= count_lower_bound(lo, hi) {
        return Ok(None);
    }
    let sieve_ns = choose_bound(hi, hi - lo, 1).1;
    let pi_ns = pi::estimate_ns(hi - 1) + pi::estimate_ns(lo.saturating_sub(1));
    // The sieve runs on every thread, pi on one: ask for a wide margin.
    if 8.0 * pi_ns > sieve_ns {
        return Ok(None);
    }
    Ok(Some(pi::prime_pi(hi - 1, meter)? - pi::prime_pi(lo.saturating_sub(1), meter)?))
}

/// [`primes_in_range`]: cancellable while counting, which comes before anything is written;
/// the writing (a fraction of the time, from the kept bitmap) always runs to its end.
fn primes_in_range_metered(lo: u64, hi: u64, out: &mut [u64], meter: &Meter) -> Result<usize, Error> {
    if let Some(required) = quick_requirement(lo, hi, out.len(), meter)? {
        return Err(Error::BufferTooSmall { required: usize::try_from(required).unwrap_or(usize::MAX) });
    }
    let head = wheel_primes(lo, hi).count(); // the primes 2, 3, 5, written first
    run(lo, hi, meter, move |plan, par, scratch| {
        // The total must be known before anything is written. Keep the sieved bits (1 byte per
        // 30 numbers: at most ln(hi) / 240 of the bytes the primes themselves take) so the range
        // is sieved only once, when they take at most half of `out`'s bytes and can be
        // allocated; otherwise count, then sieve again to write.
        let bytes = plan.k1 - plan.k0;
        let mut bitmap = if bytes <= out.len() as u64 * 4 && !force_resieve() {
            try_vec(bytes as usize, 0u8, "the sieve bitmap").ok()
        } else {
            None
        };
        let counts = atomic_vec(plan.chunks)?;
        plan.count_chunks(par, scratch, bitmap.as_deref_mut(), meter, |c, n| {
            counts[c as usize].store(n, Ordering::Relaxed)
        })?;
        let count = |c: u64| counts[c as usize].load(Ordering::Relaxed);
        let total = head as u128 + (0..plan.chunks).map(|c| u128::from(count(c))).sum::<u128>();
        if total > out.len() as u128 {
            return Err(Error::BufferTooSmall { required: usize::try_from(total).unwrap_or(usize::MAX) });
        }
        let (first, rest) = out.split_at_mut(head);
        let dst = slots(rest, plan.chunks, |c| count(c) as usize)?;
        let src = match bitmap.as_deref_mut() {
            Some(bitmap) => Some(slots(bitmap, plan.chunks, |c| plan.chunk_bytes(c))?),
            None => None,
        };
        // Every allocation is done: writing starts here.
        first.iter_mut().zip(wheel_primes(lo, hi)).for_each(|(slot, p)| *slot = p);
        plan.for_each_chunk(par, scratch, Meter::off(), |sc, c| {
            let mut dst = lock(&dst[c as usize]);
            let mut n = 0;
            let mut write = |p| {
                dst[n] = p;
                n += 1;
            };
            let (a, b) = plan.chunk_range(c);
            match &src {
                Some(src) => for_each_survivor(a, &lock(&src[c as usize]), &mut write),
                None => plan
                    .sieve
                    .run(sc, a, b, Meter::off(), |start, bytes, _| for_each_survivor(start, bytes, &mut write)),
            }
            debug_assert_eq!(n, dst.len());
        });
        Ok(total as usize)
    })
}

/// The primes the wheel does not store (2, 3, 5) that lie in [lo, hi).
fn wheel_primes(lo: u64, hi: u64) -> impl Iterator<Item = u64> {
    [2, 3, 5].into_iter().filter(move |p| (lo..hi).contains(p))
}

/// Test-only: makes primes_in_range count, then sieve again, instead of keeping the bitmap. Both
/// paths give identical results, so flipping it never breaks a concurrent test.
#[cfg(test)]
pub(super) static FORCE_RESIEVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(test)]
fn force_resieve() -> bool {
    FORCE_RESIEVE.load(Ordering::Relaxed)
}

#[cfg(not(test))]
fn force_resieve() -> bool {
    false
}

#[cfg(test)]
#[path = "range_tests.rs"]
mod more_tests;

#[cfg(test)]
mod tests {
    use super::*;

    /// count_primes takes pi() for these prefixes; the sieve is checked on them here.
    #[test]
    fn the_sieve_counts_prefixes_that_count_primes_gives_to_pi() {
        let known = [(1_000_000, 78_498), (1_000_000_000, 50_847_534), (1 << 32, 203_280_221)];
        for (hi, pi) in known {
            assert!(by_pi(0, hi), "[0, {hi}) no longer goes to pi(): move this test's ranges");
            assert_eq!(count_by_sieve(0, hi, None).unwrap(), pi, "pi({hi} - 1)");
        }
    }

    #[test]
    fn bound_choice_prefers_a_full_sieve_when_cheap_and_miller_rabin_for_tiny_high_ranges() {
        assert_eq!(choose_bound(1_000_000_000, 1_000_000_000, 16).0, 31_622);
        let (bound, cost) = choose_bound(u64::MAX, 1000, 1);
        assert!(bound < 1 << 16 && cost < SERIAL_COST_NS, "bound {bound}, cost {cost}");
        assert!(choose_bound(u64::MAX, 1_000_000_000, 16).0 <= MAX_BOUND);
        assert_eq!(choose_bound(1 << 50, 1 << 31, 16).0, (1 << 25) - 1, "full sieve of a large range below 2^50");
    }

    #[test]
    fn wide_size_queries_are_answered_by_pi_and_agree_with_the_sieve() {
        let off = Meter::off();
        for (lo, hi) in [(0, 1_000_000_000u64), (0, 123_456_789), (100_000_000, 900_000_000), (7, 400_000_001)] {
            let quick = quick_requirement(lo, hi, 0, off).unwrap();
            assert_eq!(quick, Some(count_primes(lo, hi, None).unwrap()), "[{lo}, {hi})");
            assert!(count_lower_bound(lo, hi) <= quick.unwrap());
            // The public answer is the same, and a buffer that may be large enough is sieved.
            assert_eq!(
                primes_in_range(lo, hi, &mut [], None),
                Err(Error::BufferTooSmall { required: quick.unwrap() as usize })
            );
            assert_eq!(quick_requirement(lo, hi, quick.unwrap() as usize, off).unwrap(), None);
        }
        // pi(10^11) = 4118054813, without sieving 10^11 numbers.
        let started = std::time::Instant::now();
        assert_eq!(
            primes_in_range(0, 100_000_000_001, &mut [], None),
            Err(Error::BufferTooSmall { required: 4_118_054_813 })
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // Narrow or high ranges go to the sieve.
        assert_eq!(quick_requirement(1 << 40, (1 << 40) + 1_000_000, 0, off).unwrap(), None);
        assert_eq!(quick_requirement(u64::MAX - 1_000_000_000, u64::MAX, 0, off).unwrap(), None);
        assert_eq!(quick_requirement(0, 1000, 0, off).unwrap(), None);
        assert_eq!(quick_requirement(0, 1 << 30, 0, &Meter::cancelled_for_tests()), Err(Error::Cancelled));
    }

    #[test]
    fn the_lower_bound_holds() {
        let mut rng = 0x1234_5678_9abc_def1u64;
        for _ in 0..200 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let lo = rng % 50_000_000;
            let hi = lo + 1 + (rng >> 20) % 50_000_000;
            assert!(count_lower_bound(lo, hi) <= count_primes(lo, hi, None).unwrap(), "[{lo}, {hi})");
        }
    }
}
