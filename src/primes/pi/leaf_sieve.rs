//! The sieve behind the hard special leaves: the odd numbers of a segment [low, low + len) as
//! bits, crossed off one sieving prime at a time, with a count of the survivors per block so
//! that "how many survivors are <= n" costs a walk over the blocks plus a few popcounts.
//! Within one prime's pass the leaves come in ascending n, so the count resumes where the last
//! one stopped.

use crate::error::try_vec;
use crate::Error;

/// Bits per counter block (16 words).
const BLOCK_BITS: u64 = 1 << 10;

pub(super) struct LeafSieve {
    /// Bit i: whether low + 2 i + 1 survives.
    words: Vec<u64>,
    /// Survivors per block of [`BLOCK_BITS`] bits.
    blocks: Vec<u32>,
    total: u64,
    low: u64,
    /// Per sieving prime (by index b): its next multiple k p not yet crossed off, k coprime to
    /// 30, and the index of k % 30 in [`WHEEL`].
    next: Vec<u64>,
    wheel: Vec<u8>,
    /// The running count: survivors among the first `pos` bits, of which `block_sum` are in the
    /// blocks before `block`.
    pos: u64,
    count: u64,
    block: usize,
    block_sum: u64,
    /// The odd numbers 2 g + 1 with no factor among the pre-crossed primes, bit g % 64 of word
    /// g / 64 (one period of their product P, in P words), and how many primes it holds.
    pattern: Vec<u64>,
    pattern_c: usize,
}

impl LeafSieve {
    /// A sieve for segments of `len` numbers (a multiple of [`BLOCK_BITS`] * 2) and sieving
    /// primes 1..=`max_b`.
    pub(super) fn new(len: u64, max_b: usize) -> Result<LeafSieve, Error> {
        debug_assert!(len.is_multiple_of(2 * BLOCK_BITS));
        Ok(LeafSieve {
            words: try_vec((len / 128) as usize, 0u64, "the leaf sieve")?,
            blocks: try_vec((len / 2 / BLOCK_BITS) as usize, 0u32, "the leaf sieve's counters")?,
            total: 0,
            low: 0,
            next: try_vec(max_b + 1, 0u64, "the leaf sieve's multiples")?,
            wheel: try_vec(max_b + 1, 0u8, "the leaf sieve's multiples")?,
            pos: 0,
            count: 0,
            block: 0,
            block_sum: 0,
            pattern: Vec::new(),
            pattern_c: 0,
        })
    }

    fn len(&self) -> u64 {
        self.words.len() as u64 * 128
    }

    /// Starts at `low` (even): every prime's next multiple becomes its first multiple k p >= low
    /// with k coprime to 30 (the multiples of 2, 3 and 5 are already out, by the pattern).
    pub(super) fn start_at(&mut self, low: u64, primes: &[u32]) {
        debug_assert!(low.is_multiple_of(2));
        for ((next, wheel), &p) in self.next.iter_mut().zip(self.wheel.iter_mut()).zip(primes).skip(2) {
            let p = u64::from(p);
            let k = low.div_ceil(p);
            let i = WHEEL_AT[(k % 30) as usize];
            *next = (k - k % 30 + u64::from(WHEEL[i as usize])) * p;
            *wheel = i;
        }
    }

    /// Begins the segment [low, low + len): every odd number survives, then primes 2..=`c` (the
    /// odd ones up to index `c`) are crossed off without counting, then the counters are set.
    /// The pattern is copied rather than crossed off (`low` / 2 must be a multiple of 64).
    #[inline(always)]
    pub(super) fn begin_segment(&mut self, low: u64, primes: &[u32], c: usize) {
        debug_assert!((low / 2).is_multiple_of(64));
        debug_assert!(c >= 3, "cross_off skips the multiples of 3 and 5");
        self.low = low;
        if self.pattern_c != c || self.pattern.is_empty() {
            self.pattern = pre_crossed(&primes[2..=c]);
            self.pattern_c = c;
        }
        let period = self.pattern.len();
        let mut at = (low / 128 % period as u64) as usize;
        let mut filled = 0;
        while filled < self.words.len() {
            let n = (period - at).min(self.words.len() - filled);
            self.words[filled..filled + n].copy_from_slice(&self.pattern[at..at + n]);
            filled += n;
            at = 0;
        }
        let per_block = (BLOCK_BITS / 64) as usize;
        for (count, block) in self.blocks.iter_mut().zip(self.words.chunks_exact(per_block)) {
            *count = block.iter().map(|w| w.count_ones()).sum();
        }
        self.total = self.blocks.iter().map(|&c| u64::from(c)).sum();
    }

    /// Survivors in the whole segment.
    #[inline]
    pub(super) fn total(&self) -> u64 {
        self.total
    }

    /// Restarts the running count at the segment's start (before each prime's leaves).
    #[inline]
    pub(super) fn rewind(&mut self) {
        self.pos = 0;
        self.count = 0;
        self.block = 0;
        self.block_sum = 0;
    }

    /// Survivors in [low, n], for low <= n < low + len and n not below the last call's since
    /// [`rewind`](Self::rewind).
    #[inline(always)]
    pub(super) fn count_to(&mut self, n: u64) -> u64 {
        let end = (n - self.low).div_ceil(2); // bits of the odd numbers <= n
        debug_assert!(end >= self.pos && end <= self.len() / 2);
        while (self.block as u64 + 1) * BLOCK_BITS <= end {
            self.block_sum += u64::from(self.blocks[self.block]);
            self.block += 1;
            self.pos = self.block as u64 * BLOCK_BITS;
            self.count = self.block_sum;
        }
        self.count += popcount_range(&self.words, self.pos, end);
        self.pos = end;
        self.count
    }

    /// Crosses off the multiples of `p` (prime index `b`) in the segment that have no factor 2,
    /// 3 or 5 besides p (the others are out already), keeping the block counts and the total
    /// when `counted`.
    #[inline(always)]
    pub(super) fn cross_off(&mut self, b: usize, p: u64, counted: bool) {
        // Locals, not fields: the compiler cannot tell the fields from the words it writes, and
        // would reload them at every multiple.
        let (low, end) = (self.low, self.low + self.len());
        let (words, blocks) = (&mut self.words[..], &mut self.blocks[..]);
        let steps = WHEEL_STEP.map(|gap| u64::from(gap) * p);
        let mut total = self.total;
        let mut m = self.next[b];
        let mut i = usize::from(self.wheel[b]);
        while m < end {
            let bit = (m - low) / 2;
            let (w, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            if counted {
                let was = u32::from(words[w] & mask != 0);
                blocks[(bit / BLOCK_BITS) as usize] -= was;
                total -= u64::from(was);
            }
            words[w] &= !mask;
            m += steps[i];
            i = (i + 1) % 8;
        }
        self.total = total;
        self.next[b] = m;
        self.wheel[b] = i as u8;
    }
}

/// The residues mod 30 coprime to 30, the gaps from each to the next, and for each r < 30 the
/// index of the first of them >= r.
const WHEEL: [u8; 8] = [1, 7, 11, 13, 17, 19, 23, 29];
const WHEEL_STEP: [u8; 8] = [6, 4, 2, 4, 2, 4, 6, 2];
const WHEEL_AT: [u8; 30] = {
    let mut at = [0u8; 30];
    let mut r = 0;
    while r < 30 {
        let mut i = 0;
        while WHEEL[i] < r as u8 {
            i += 1;
        }
        at[r] = i as u8;
        r += 1;
    }
    at
};

/// One period of the odd numbers free of the `primes` (odd): P = their product words, bit g
/// (bit g % 64 of word g / 64) set iff 2 g + 1 has none of them as a factor (the primes
/// themselves crossed off too, as the sieve does).
fn pre_crossed(primes: &[u32]) -> Vec<u64> {
    let period: usize = primes.iter().map(|&p| p as usize).product();
    let mut words = vec![!0u64; period];
    for &p in primes {
        let p = p as usize;
        // 2 g + 1 = p (2 k + 1): g = p k + (p - 1) / 2.
        for g in ((p - 1) / 2..64 * period).step_by(p) {
            words[g / 64] &= !(1u64 << (g % 64));
        }
    }
    words
}

/// Set bits of `words` in bit positions [a, b).
#[inline(always)]
fn popcount_range(words: &[u64], a: u64, b: u64) -> u64 {
    if a >= b {
        return 0;
    }
    let (wa, wb) = ((a / 64) as usize, ((b - 1) / 64) as usize);
    let low_mask = !0u64 << (a % 64);
    let high_mask = !0u64 >> (63 - (b - 1) % 64);
    if wa == wb {
        return u64::from((words[wa] & low_mask & high_mask).count_ones());
    }
    let mut n = u64::from((words[wa] & low_mask).count_ones()) + u64::from((words[wb] & high_mask).count_ones());
    for w in &words[wa + 1..wb] {
        n += u64::from(w.count_ones());
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_a_plain_sieve_over_several_segments() {
        let primes = [0u32, 2, 3, 5, 7, 11, 13, 17, 19, 23];
        let len = 2 * BLOCK_BITS;
        let mut sieve = LeafSieve::new(len, primes.len() - 1).unwrap();
        sieve.start_at(0, &primes);
        let c = 4; // 2, 3, 5, 7 pre-crossed
        for seg in 0..5u64 {
            let low = seg * len;
            sieve.begin_segment(low, &primes, c);
            for b in c + 1..primes.len() {
                // Survivors after crossing the first b - 1 primes.
                let survives = |n: u64| primes[1..b].iter().all(|&p| !n.is_multiple_of(u64::from(p)));
                sieve.rewind();
                let mut want = 0;
                let mut n = low;
                let mut target = low;
                for step in [0u64, 1, 2, 63, 64, 65, 127, 1000, 1023, 1024, 2047, 2048, 2049, len - 1] {
                    target = target.max(low + step.min(len - 1));
                    while n <= target {
                        want += u64::from(n > 0 && survives(n));
                        n += 1;
                    }
                    assert_eq!(sieve.count_to(target), want, "segment {seg}, prime {b}, n {target}");
                }
                let total = (low.max(1)..low + len).filter(|&n| survives(n)).count() as u64;
                assert_eq!(sieve.total(), total);
                sieve.cross_off(b, u64::from(primes[b]), true);
            }
        }
    }

    #[test]
    fn primes_longer_than_a_segment_and_a_late_start_match_a_plain_sieve() {
        // Sieving primes up to ~3000 over segments of 2048 numbers, the first unit starting at
        // segment 7 (as a thread's later unit does): multiples skip whole segments and resume
        // across them.
        let limit = 3000u64;
        let mut primes = vec![0u32];
        primes.extend((2..limit).filter(|&n| (2..n).take_while(|d| d * d <= n).all(|d| n % d != 0)).map(|n| n as u32));
        let len = 2 * BLOCK_BITS;
        let c = 6; // 2..13 pre-crossed
        let max_b = primes.len() - 1;
        let mut sieve = LeafSieve::new(len, max_b).unwrap();
        let first = 7u64;
        sieve.start_at(first * len, &primes);
        let mut rng = hpkern_testkit::Rng::new(0x30a1_5eed_0c0f_fee5);
        let mut checked = 0;
        for seg in first..first + 9 {
            let low = seg * len;
            sieve.begin_segment(low, &primes, c);
            for b in c + 1..=max_b {
                let survives = |n: u64| primes[1..b].iter().all(|&p| !n.is_multiple_of(u64::from(p)));
                let plain: Vec<u64> = (low..low + len)
                    .scan(0u64, |count, n| {
                        *count += u64::from(survives(n));
                        Some(*count)
                    })
                    .collect();
                assert_eq!(sieve.total(), plain[len as usize - 1], "segment {seg}, prime {b}");
                // Every few primes, counts at ascending random positions (and the last one).
                if b % 7 == 0 || b == c + 1 || b == max_b {
                    sieve.rewind();
                    let mut at: Vec<u64> = (0..12).map(|_| rng.next_u64() % len).collect();
                    at.push(len - 1);
                    at.sort_unstable();
                    for off in at {
                        assert_eq!(
                            sieve.count_to(low + off),
                            plain[off as usize],
                            "segment {seg}, prime {b}, n {}",
                            low + off
                        );
                        checked += 1;
                    }
                }
                sieve.cross_off(b, u64::from(primes[b]), true);
            }
        }
        assert!(checked > 1000, "only {checked} counts checked");
    }
}
