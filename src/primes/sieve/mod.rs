//! The segmented sieve of Eratosthenes on the mod-30 wheel: one byte per 30 numbers (see
//! `wheel30`), segments sized for L2 and sieved in L1-sized blocks.
//!
//! A [`Sieve`] holds the base primes 107 < p <= B (smaller ones are pre-sieved) and sieves a
//! *chunk* (a run of byte indices) segment by segment, keeping each base prime's next multiple
//! between segments so the divisions happen once per chunk. Per block of a segment: the
//! pre-sieve pattern is copied in, then the primes with many multiples per block cross them off
//! with the unrolled wheel loop while the block is in L1; the larger primes then step through
//! the whole segment.
//!
//! When B is below sqrt(hi), a survivor above B^2 may be a product of primes > B: those are
//! confirmed with deterministic Miller-Rabin, so the result is exact with bounded memory.

mod presieve;
// Public to `primes`: its byte layout (RESIDUES) is how the sieve's output reads.
pub(super) mod wheel30;

use crate::error::try_vec;
use crate::isa::{Compiled, Supported};
use crate::primes::arith::isqrt;
use crate::primes::primality::is_prime;
use crate::progress::Meter;
use crate::Error;
use wheel30::{class_of, cross, first_multiple, RESIDUES};

/// Bytes per segment (30 numbers each): a part of L2, so the larger primes' scattered
/// crossings stay in cache and each larger prime is visited once per 31 million numbers.
pub(super) const SEG_BYTES: usize = 1 << 20;
/// Bytes per block of a segment sieved by the small primes: fits in L1.
const BLOCK_BYTES: usize = 1 << 15;
/// Primes below this hit each block often enough for the unrolled loop.
const SMALL_LIMIT: u64 = BLOCK_BYTES as u64 / 4;
/// Bytes per chunk at most, so offsets inside a chunk (plus one step) fit the u32 `next` array.
pub(super) const MAX_CHUNK: u64 = 1 << 31;
/// `next` for a prime with no multiple left in the chunk.
const IDLE: u32 = u32::MAX;

/// Per-worker buffers, allocated before any output is written.
pub(super) struct Scratch {
    words: Vec<u64>,
    /// Per active base prime: its next multiple's byte, relative to the chunk, and wheel phase.
    next: Vec<u32>,
    wheel: Vec<u8>,
}

pub(super) struct Sieve {
    /// The base primes p with LARGEST < p <= B in 16 groups, each ascending: group 8 t + c holds
    /// the primes of wheel class c, below SMALL_LIMIT (t = 0) or not (t = 1). Crossing off group
    /// by group keeps the class a compile-time constant and the branches predictable.
    primes: Vec<u32>,
    /// Start of each group in `primes` (and its end: the next start).
    groups: [usize; 17],
    /// The numbers sieved: [lo, hi). Bits outside are cleared.
    lo: u64,
    hi: u64,
    /// Survivors above this (B^2) may be composite and are confirmed; u64::MAX when B >= sqrt(hi).
    confirm_above: u64,
    isa: Supported,
}

/// The primes p with LARGEST < p <= limit by a plain byte sieve (limit <= 2^16).
fn small_primes(limit: u64) -> Vec<u32> {
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

/// The segment buffer as bytes.
fn bytes_of(words: &mut [u64]) -> &mut [u8] {
    // SAFETY: u8 has alignment 1, every bit pattern is a valid u8 and a valid u64, and the byte
    // slice covers exactly the words' memory, borrowed mutably for its lifetime.
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) }
}

impl Sieve {
    /// A sieve for the numbers in [lo, hi) with base primes up to `bound` (<= 2^32), on the
    /// active instruction set.
    pub(super) fn new(bound: u64, lo: u64, hi: u64) -> Result<Sieve, Error> {
        Sieve::with_isa(Supported::active(), bound, lo, hi)
    }

    pub(super) fn with_isa(isa: Supported, bound: u64, lo: u64, hi: u64) -> Result<Sieve, Error> {
        let primes = if bound <= 1 << 16 {
            small_primes(bound)
        } else {
            // Sieve [0, bound] with this same code and base primes up to sqrt(bound) <= 2^16.
            let inner = Sieve::with_isa(isa, isqrt(bound), 0, bound + 1)?;
            let mut primes = Vec::new();
            primes
                .try_reserve_exact(prime_count_bound(bound))
                .map_err(|_| Error::OutOfMemory(format!("cannot allocate the base primes up to {bound}")))?;
            let mut scratch = inner.scratch()?;
            let end = (bound + 1).div_ceil(30);
            let mut b0 = 0;
            while b0 < end {
                let b1 = end.min(b0 + MAX_CHUNK);
                inner.run(&mut scratch, b0, b1, Meter::off(), |start, bytes, _| {
                    for_each_survivor(start, bytes, |p| {
                        if p > presieve::LARGEST {
                            primes.push(p as u32);
                        }
                    });
                });
                b0 = b1;
            }
            primes
        };
        let needs_confirm = hi > 0 && isqrt(hi - 1) > bound;
        let confirm_above = if needs_confirm { bound * bound } else { u64::MAX };
        let group_of = |p: u32| 8 * usize::from(u64::from(p) >= SMALL_LIMIT) + class_of(u64::from(p));
        let mut groups = [0usize; 17];
        for &p in &primes {
            groups[group_of(p) + 1] += 1;
        }
        for g in 0..16 {
            groups[g + 1] += groups[g];
        }
        // A stable counting sort into the groups, in place of the ascending list.
        let mut grouped = try_vec(primes.len(), 0u32, "the base primes")?;
        let mut fill = groups;
        for &p in &primes {
            grouped[fill[group_of(p)]] = p;
            fill[group_of(p)] += 1;
        }
        Ok(Sieve { primes: grouped, groups, lo, hi, confirm_above, isa })
    }

    /// The numbers sieved: [lo(), hi()).
    pub(super) fn lo(&self) -> u64 {
        self.lo
    }

    pub(super) fn hi(&self) -> u64 {
        self.hi
    }

    /// How many base primes the sieve holds (beyond the pre-sieved ones).
    pub(super) fn base_prime_count(&self) -> usize {
        self.primes.len()
    }

    pub(super) fn scratch(&self) -> Result<Scratch, Error> {
        // A short range needs no more than its own bytes (rounded up to whole words).
        let range_bytes = self.hi.div_ceil(30) - self.lo / 30;
        let words = (SEG_BYTES as u64).min(range_bytes.next_multiple_of(8)) as usize / 8;
        Ok(Scratch {
            words: try_vec(words, 0u64, "a sieve segment")?,
            next: try_vec(self.primes.len(), 0u32, "the sieve's multiples")?,
            wheel: try_vec(self.primes.len(), 0u8, "the sieve's wheel positions")?,
        })
    }

    /// Sieves byte indices [b0, b1) (at most MAX_CHUNK of them, inside [lo / 30, ceil(hi / 30)))
    /// and calls `visit(start, bytes, count)` for each segment, ascending: bit b of bytes[i] is
    /// set iff 30 (start + i) + RESIDUES[b] is a prime in [lo, hi); `count` is how many bits are.
    /// Stops before the next segment once `meter` is cancelled.
    pub(super) fn run(
        &self,
        scratch: &mut Scratch,
        b0: u64,
        b1: u64,
        meter: &Meter,
        mut visit: impl FnMut(u64, &[u8], u64),
    ) {
        // The same code compiled once per path: the pre-sieve's copies and ANDs and the popcount
        // are vectorised to the path's registers; the crossing-off is scalar on every path.
        self.isa.compile(ChunkRun { sieve: self, scratch, b0, b1, meter, visit: &mut visit })
    }

    #[inline(always)]
    fn run_portable(
        &self,
        scratch: &mut Scratch,
        b0: u64,
        b1: u64,
        meter: &Meter,
        visit: &mut impl FnMut(u64, &[u8], u64),
    ) {
        if b0 >= b1 {
            return;
        }
        debug_assert!(b1 - b0 <= MAX_CHUNK && b0 >= self.lo / 30 && b1 <= self.hi.div_ceil(30));
        let max_value = (30 * u128::from(b1) - 1).min(u128::from(self.hi - 1)) as u64;
        // Only primes with p^2 <= max_value have a multiple to cross off here: the active
        // groups are groups[g]..active[g].
        let mut active = [0usize; 16];
        for (g, end) in active.iter_mut().enumerate() {
            let group = &self.primes[self.groups[g]..self.groups[g + 1]];
            *end = self.groups[g] + group.partition_point(|&p| u64::from(p) * u64::from(p) <= max_value);
            let range = self.groups[g]..*end;
            let (next, wheel) = (&mut scratch.next[range.clone()], &mut scratch.wheel[range.clone()]);
            for ((slot, phase), &p) in next.iter_mut().zip(wheel.iter_mut()).zip(&self.primes[range]) {
                (*slot, *phase) = match first_multiple(u64::from(p), b0) {
                    Some((byte, wi)) if byte < b1 => ((byte - b0) as u32, wi % 8),
                    _ => (IDLE, 0),
                };
            }
        }
        let len = (b1 - b0) as usize;
        let mut s = 0;
        while s < len {
            if meter.cancelled() {
                return;
            }
            let n = SEG_BYTES.min(len - s);
            let start = b0 + s as u64;
            let seg = &mut bytes_of(&mut scratch.words)[..n];
            for blk in (0..n).step_by(BLOCK_BYTES) {
                let block = &mut seg[blk..n.min(blk + BLOCK_BYTES)];
                presieve::fill(block, start + blk as u64);
                presieve::restore(block, start + blk as u64);
                self.cross_tier::<true>(block, (&mut scratch.next, &mut scratch.wheel), &active, (s + blk) as u32);
            }
            self.cross_tier::<false>(seg, (&mut scratch.next, &mut scratch.wheel), &active, s as u32);
            self.clip(seg, start);
            if 30u64.saturating_mul(start + n as u64) > self.confirm_above {
                self.confirm(seg, start);
            }
            // Zero the tail of the last word so whole words can be counted.
            let padded = n.next_multiple_of(8);
            bytes_of(&mut scratch.words)[n..padded].fill(0);
            let count = scratch.words[..padded / 8].iter().map(|w| u64::from(w.count_ones())).sum();
            visit(start, &bytes_of(&mut scratch.words)[..n], count);
            s += n;
        }
    }

    /// Crosses off the active primes of one tier (TURNS: the small primes, else the others)
    /// in `buf`, whose byte 0 is byte `rel` of the chunk.
    #[inline(always)]
    fn cross_tier<const TURNS: bool>(
        &self,
        buf: &mut [u8],
        (next, phase): (&mut [u32], &mut [u8]),
        active: &[usize; 16],
        rel: u32,
    ) {
        let tier = if TURNS { 0 } else { 8 };
        macro_rules! each_class {
            ($($c:literal)*) => {$(
                let range = self.groups[tier + $c]..active[tier + $c];
                cross_group::<$c, TURNS>(buf, &self.primes[range.clone()], &mut next[range.clone()], &mut phase[range], rel);
            )*};
        }
        each_class!(0 1 2 3 4 5 6 7);
    }

    /// Clears the bits of numbers below lo or at least hi in a segment whose byte 0 is `start`.
    #[inline(always)]
    fn clip(&self, seg: &mut [u8], start: u64) {
        let keep = |pred: &dyn Fn(u64) -> bool| {
            RESIDUES.iter().enumerate().fold(0u8, |m, (b, &r)| if pred(r) { m | 1 << b } else { m })
        };
        let first = self.lo / 30;
        if let Some(byte) = first.checked_sub(start).and_then(|i| seg.get_mut(i as usize)) {
            let from = self.lo - 30 * first;
            *byte &= keep(&|r| r >= from);
        }
        let last = (self.hi - 1) / 30;
        if let Some(byte) = last.checked_sub(start).and_then(|i| seg.get_mut(i as usize)) {
            let below = self.hi - 30 * last; // 1..=30
            *byte &= keep(&|r| r < below);
        }
    }

    /// Clears the survivors above B^2 that Miller-Rabin finds composite.
    #[cold]
    fn confirm(&self, seg: &mut [u8], start: u64) {
        for (i, byte) in seg.iter_mut().enumerate() {
            let mut bits = *byte;
            while bits != 0 {
                let b = bits.trailing_zeros();
                // A set bit is a number below hi, so this does not overflow.
                let v = 30 * (start + i as u64) + RESIDUES[b as usize];
                if v > self.confirm_above && !is_prime(v) {
                    *byte &= !(1 << b);
                }
                bits &= bits - 1;
            }
        }
    }
}

/// [`Sieve::run`]'s call, compiled per path by [`Supported::compile`].
struct ChunkRun<'a, V> {
    sieve: &'a Sieve,
    scratch: &'a mut Scratch,
    b0: u64,
    b1: u64,
    meter: &'a Meter,
    visit: &'a mut V,
}

impl<V: FnMut(u64, &[u8], u64)> Compiled for ChunkRun<'_, V> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.sieve.run_portable(self.scratch, self.b0, self.b1, self.meter, self.visit)
    }
}

/// Crosses off the multiples of `primes` (all of class C) in `buf`, whose byte 0 is byte `rel` of
/// the chunk; `next` and `phase` hold each prime's next multiple (relative to the chunk) and
/// wheel phase, and are advanced past `buf`. TURNS: the primes hit `buf` often.
#[inline(always)]
fn cross_group<const C: usize, const TURNS: bool>(
    buf: &mut [u8],
    primes: &[u32],
    next: &mut [u32],
    phase: &mut [u8],
    rel: u32,
) {
    let end = rel + buf.len() as u32;
    for ((slot, j), &p) in next.iter_mut().zip(phase.iter_mut()).zip(primes) {
        if *slot >= end {
            continue; // no multiple here (IDLE included)
        }
        let (off, after) = cross::<C, TURNS>(buf, p as usize / 30, (*slot - rel) as usize, usize::from(*j));
        *slot = rel + off as u32;
        *j = after as u8;
    }
}

/// Calls `f` with each number whose bit is set, ascending; byte 0 of `bytes` is byte index
/// `start`.
#[inline]
pub(super) fn for_each_survivor(start: u64, bytes: &[u8], mut f: impl FnMut(u64)) {
    let mut words = bytes.chunks_exact(8);
    let mut base = start;
    for word in &mut words {
        let mut bits = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        while bits != 0 {
            let t = bits.trailing_zeros();
            f(30 * (base + u64::from(t / 8)) + RESIDUES[(t % 8) as usize]);
            bits &= bits - 1;
        }
        base += 8;
    }
    for (i, &byte) in words.remainder().iter().enumerate() {
        let mut bits = byte;
        while bits != 0 {
            f(30 * (base + i as u64) + RESIDUES[bits.trailing_zeros() as usize]);
            bits &= bits - 1;
        }
    }
}

#[cfg(test)]
mod tests;
