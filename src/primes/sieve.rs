//! The segmented sieve of Eratosthenes: one bit per odd number, segments that fit in L1/L2.
//!
//! Odd index k stands for the odd number 2k + 1. A [`Sieve`] holds the odd base primes up to a
//! bound B and sieves a *chunk* (a run of odd indices) segment by segment, keeping each base
//! prime's next multiple between segments so the divisions happen once per chunk. Multiples of
//! the primes up to 47 are not crossed off one by one: periodic patterns are copied in.
//!
//! When B is below sqrt(hi), a survivor above B^2 may be a product of primes > B: those are
//! confirmed with deterministic Miller-Rabin, so the result is exact with bounded memory.

use super::miller_rabin::is_prime;
use super::presieve;
use super::trial::isqrt;
use crate::error::try_vec;
use crate::Error;

/// Odd numbers per segment: 32 KiB of bits, well inside L1/L2.
pub(super) const SEG_BITS: u64 = 1 << 18;
const SEG_WORDS: usize = (SEG_BITS / 64) as usize;
/// Odd indices per chunk at most, so offsets inside a chunk fit the u32 `next` array.
pub(super) const MAX_CHUNK: u64 = 1 << 31;

/// Per-worker buffers, allocated before any output is written.
pub(super) struct Scratch {
    words: Box<[u64; SEG_WORDS]>,
    next: Vec<u32>,
}

pub(super) struct Sieve {
    /// The base primes p with 47 < p <= B (the smaller ones are pre-sieved), ascending.
    primes: Vec<u32>,
    /// Survivors above this (B^2) may be composite and are confirmed; u64::MAX when B >= sqrt(hi).
    confirm_above: u64,
}

/// The primes p with 47 < p <= limit by a plain byte sieve (limit <= 2^16).
fn small_odd_primes(limit: u64) -> Vec<u32> {
    debug_assert!(limit <= 1 << 16);
    let limit = limit as usize;
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for i in (3..=limit).step_by(2) {
        if !composite[i] {
            if i as u64 > presieve::LARGEST {
                primes.push(i as u32);
            }
            (i * i..=limit).step_by(2 * i).for_each(|j| composite[j] = true);
        }
    }
    primes
}

/// An upper bound on pi(x) (Rosser and Schoenfeld: pi(x) < 1.25506 x / ln x for x > 1).
fn prime_count_bound(x: u64) -> usize {
    let x = x.max(3) as f64;
    (1.25506 * x / x.ln()) as usize + 16
}

impl Sieve {
    /// A sieve with base primes up to `bound` (<= 2^32), for numbers below `hi`.
    pub(super) fn new(bound: u64, hi: u64) -> Result<Sieve, Error> {
        let primes = if bound <= 1 << 16 {
            small_odd_primes(bound)
        } else {
            // Sieve [0, bound] with this same code and base primes up to sqrt(bound) <= 2^16.
            let inner = Sieve::new(isqrt(bound), bound + 1)?;
            let mut primes = Vec::new();
            primes
                .try_reserve_exact(prime_count_bound(bound))
                .map_err(|_| Error::OutOfMemory(format!("cannot allocate the base primes up to {bound}")))?;
            let mut scratch = inner.scratch()?;
            let end = bound.div_ceil(2); // odd indices of the odd numbers <= bound
            let mut k0 = 0;
            while k0 < end {
                let k1 = end.min(k0 + MAX_CHUNK);
                inner.run(&mut scratch, k0, k1, |seg, words| {
                    for_each_survivor(seg, words, |p| {
                        if p > presieve::LARGEST {
                            primes.push(p as u32);
                        }
                    });
                });
                k0 = k1;
            }
            primes
        };
        let needs_confirm = hi > 0 && isqrt(hi - 1) > bound;
        let confirm_above = if needs_confirm { bound * bound } else { u64::MAX };
        Ok(Sieve { primes, confirm_above })
    }

    /// How many base primes the sieve holds (beyond the pre-sieved ones).
    pub(super) fn base_prime_count(&self) -> usize {
        self.primes.len()
    }

    pub(super) fn scratch(&self) -> Result<Scratch, Error> {
        let words = try_vec(SEG_WORDS, 0u64, "a sieve segment")?.into_boxed_slice();
        Ok(Scratch {
            words: words.try_into().expect("SEG_WORDS long"),
            next: try_vec(self.primes.len(), 0u32, "the sieve's multiples")?,
        })
    }

    /// Sieves odd indices [k0, k1) (at most MAX_CHUNK of them) and calls `visit(start, words)` for
    /// each segment, ascending: bit j of `words` is set iff 2(start + j) + 1 is prime.
    pub(super) fn run(&self, scratch: &mut Scratch, k0: u64, k1: u64, mut visit: impl FnMut(u64, &[u64])) {
        if k0 >= k1 {
            return;
        }
        debug_assert!(k1 - k0 <= MAX_CHUNK && k1 <= u64::MAX / 2 + 1);
        let max_value = 2 * (k1 - 1) + 1;
        // Only primes with p^2 <= max_value have a multiple to cross off here.
        let active = self.primes.partition_point(|&p| u64::from(p) * u64::from(p) <= max_value);
        let next = &mut scratch.next[..active];
        for (slot, &p) in next.iter_mut().zip(&self.primes) {
            let p = u64::from(p);
            // Odd multiples of p have indices = (p - 1) / 2 mod p; start at p^2 or k0.
            let start = k0.max((p * p - 1) / 2);
            let first = start + ((p - 1) / 2 + p - start % p) % p;
            *slot = (first - k0) as u32; // < chunk length + p < 2^32
        }
        let mut seg = k0;
        while seg < k1 {
            let bits = SEG_BITS.min(k1 - seg);
            let n_words = bits.div_ceil(64) as usize;
            presieve::fill(&mut scratch.words[..n_words], seg);
            presieve::restore(&mut scratch.words[..n_words], seg, bits);
            cross_off(&mut scratch.words, next, &self.primes, (seg - k0) as u32, bits as usize);
            let words = &mut scratch.words[..n_words];
            if bits % 64 != 0 {
                *words.last_mut().expect("bits > 0") &= (1u64 << (bits % 64)) - 1;
            }
            if 2 * (seg + bits - 1) + 1 > self.confirm_above {
                self.confirm(words, seg);
            }
            visit(seg, words);
            seg += bits;
        }
    }

    /// Clears the survivors above B^2 that Miller-Rabin finds composite.
    fn confirm(&self, words: &mut [u64], seg: u64) {
        for (w, word) in words.iter_mut().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let t = bits.trailing_zeros();
                let v = 2 * (seg + 64 * w as u64 + u64::from(t)) + 1;
                if v > self.confirm_above && !is_prime(v) {
                    *word &= !(1u64 << t);
                }
                bits &= bits - 1;
            }
        }
    }
}

/// Crosses off the multiples of `primes` in a segment of `bits` odd numbers whose first odd
/// index is `rel_start` relative to the chunk; `next` holds each prime's next multiple (relative
/// to the chunk) and is advanced past the segment.
#[inline(always)]
fn cross_off(words: &mut [u64; SEG_WORDS], next: &mut [u32], primes: &[u32], rel_start: u32, bits: usize) {
    // Indexing with `& (SEG_WORDS - 1)` lets the compiler drop the bounds checks (b < bits is
    // already <= SEG_BITS).
    let mut clear = |b: usize| words[(b >> 6) & (SEG_WORDS - 1)] &= !(1u64 << (b & 63));
    for (slot, &p) in next.iter_mut().zip(primes) {
        let p = p as usize;
        let mut b = (*slot - rel_start) as usize;
        if 4 * p <= bits {
            // Four independent stores per iteration for the primes that hit often.
            let limit = bits - 3 * p;
            while b < limit {
                clear(b);
                clear(b + p);
                clear(b + 2 * p);
                clear(b + 3 * p);
                b += 4 * p;
            }
        }
        while b < bits {
            clear(b);
            b += p;
        }
        *slot = rel_start + b as u32;
    }
}

/// Calls `f` with each number whose bit is set, ascending.
#[inline]
pub(super) fn for_each_survivor(seg: u64, words: &[u64], mut f: impl FnMut(u64)) {
    for (w, &word) in words.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            f(2 * (seg + 64 * w as u64 + u64::from(bits.trailing_zeros())) + 1);
            bits &= bits - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn primes_by_sieve(sieve: &Sieve, k0: u64, k1: u64) -> Vec<u64> {
        let mut scratch = sieve.scratch().unwrap();
        let mut found = Vec::new();
        sieve.run(&mut scratch, k0, k1, |seg, words| for_each_survivor(seg, words, |p| found.push(p)));
        found
    }

    #[test]
    fn base_primes_match_the_byte_sieve() {
        let big = Sieve::new(1 << 20, 1 << 40).unwrap();
        let mut reference = Vec::new();
        let mut composite = vec![false; (1 << 20) + 1];
        for i in 2..=1usize << 20 {
            if !composite[i] {
                reference.push(i as u32);
                (i * i..=1 << 20).step_by(i).for_each(|j| composite[j] = true);
            }
        }
        reference.retain(|&p| u64::from(p) > presieve::LARGEST);
        assert_eq!(big.primes, reference);
        assert_eq!(big.confirm_above, u64::MAX, "2^20 covers sqrt(2^40 - 1)");
        assert_eq!(Sieve::new(1 << 16, 1 << 40).unwrap().confirm_above, 1 << 32);
        assert_eq!(small_odd_primes(100), [53, 59, 61, 67, 71, 73, 79, 83, 89, 97]);
    }

    #[test]
    fn chunks_and_segments_agree_with_a_direct_listing() {
        // Chunks not aligned to segments or words, over several segments, full and partial sieve.
        let limit = 3 * SEG_BITS + 12345;
        let reference: Vec<u64> = (0..limit).map(|k| 2 * k + 1).filter(|&v| is_prime(v)).collect();
        for bound in [isqrt(2 * limit), 300] {
            let sieve = Sieve::new(bound, 2 * limit).unwrap();
            for (k0, k1) in [(0, limit), (0, 1), (1, 7), (5, 70), (777, SEG_BITS + 3), (SEG_BITS - 1, limit)] {
                let expect: Vec<u64> = reference.iter().copied().filter(|&v| v > 2 * k0 && v < 2 * k1).collect();
                assert_eq!(primes_by_sieve(&sieve, k0, k1), expect, "bound {bound}, [{k0}, {k1})");
            }
        }
    }

    #[test]
    fn partial_sieve_near_u64_max_is_confirmed_by_miller_rabin() {
        let sieve = Sieve::new(1 << 10, u64::MAX).unwrap();
        let (k0, k1) = (u64::MAX / 2 - 5000, u64::MAX / 2 + 1); // odd numbers up to u64::MAX
        let expect: Vec<u64> = (2 * k0 + 1..=u64::MAX).step_by(2).filter(|&v| is_prime(v)).collect();
        assert_eq!(primes_by_sieve(&sieve, k0, k1), expect);
        assert_eq!(expect.last(), Some(&(u64::MAX - 58)));
    }
}
