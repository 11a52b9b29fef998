//! Pre-sieving: the odd multiples of the primes 3..=47 repeat with a short period, so instead of
//! crossing them off one by one (a third of all crossings) each segment starts as the AND of a
//! few precomputed periodic bit patterns, one bit per odd number (bit k = the odd number 2k + 1).

/// The largest pre-sieved prime; base primes start above it.
pub(super) const LARGEST: u64 = 47;

/// A periodic bit pattern, plus two extra words so a 64-bit window can start anywhere in it.
struct Pattern<const W: usize> {
    period: usize,
    words: [u64; W],
}

const fn words_for(period: usize) -> usize {
    period.div_ceil(64) + 2
}

/// Bit k set iff 2k + 1 is a multiple of none of `primes` (whose product is `period`).
const fn pattern<const W: usize>(primes: &[u64], period: usize) -> Pattern<W> {
    let mut words = [0u64; W];
    let mut k = 0;
    while k < W * 64 {
        let v = 2 * k as u64 + 1;
        let mut keep = true;
        let mut i = 0;
        while i < primes.len() {
            keep &= v % primes[i] != 0;
            i += 1;
        }
        if keep {
            words[k / 64] |= 1 << (k % 64);
        }
        k += 1;
    }
    Pattern { period, words }
}

const P1: usize = 3 * 5 * 7 * 11 * 13;
const P2: usize = 17 * 19 * 23;
const P3: usize = 29 * 31;
const P4: usize = 37 * 41;
const P5: usize = 43 * 47;
static PAT1: Pattern<{ words_for(P1) }> = pattern(&[3, 5, 7, 11, 13], P1);
static PAT2: Pattern<{ words_for(P2) }> = pattern(&[17, 19, 23], P2);
static PAT3: Pattern<{ words_for(P3) }> = pattern(&[29, 31], P3);
static PAT4: Pattern<{ words_for(P4) }> = pattern(&[37, 41], P4);
static PAT5: Pattern<{ words_for(P5) }> = pattern(&[43, 47], P5);

impl<const W: usize> Pattern<W> {
    /// Bits q..q + 64 of the periodic pattern, for q < period.
    #[inline(always)]
    fn window(&self, q: usize) -> u64 {
        let (i, shift) = (q / 64, q % 64);
        if shift == 0 {
            self.words[i]
        } else {
            (self.words[i] >> shift) | (self.words[i + 1] << (64 - shift))
        }
    }

    /// ANDs (or, if `first`, writes) the pattern into a segment starting at odd index `seg`.
    fn apply(&self, words: &mut [u64], seg: u64, first: bool) {
        let mut q = (seg % self.period as u64) as usize;
        for word in words {
            let w = self.window(q);
            *word = if first { w } else { *word & w };
            q += 64;
            if q >= self.period {
                q -= self.period;
            }
        }
    }
}

/// Fills a segment starting at odd index `seg`: bit k set iff 2(seg + k) + 1 has no prime factor
/// up to LARGEST, except that the primes 3..=47 themselves and 1 are fixed by [`restore`].
pub(super) fn fill(words: &mut [u64], seg: u64) {
    PAT1.apply(words, seg, true);
    PAT2.apply(words, seg, false);
    PAT3.apply(words, seg, false);
    PAT4.apply(words, seg, false);
    PAT5.apply(words, seg, false);
}

/// The patterns clear the pre-sieved primes themselves and keep 1: fix a segment of `bits` odd
/// numbers starting at odd index `seg`.
pub(super) fn restore(words: &mut [u64], seg: u64, bits: u64) {
    const PRIMES: [u64; 14] = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];
    if seg > (LARGEST - 1) / 2 {
        return;
    }
    for p in PRIMES {
        let k = (p - 1) / 2;
        if (seg..seg + bits).contains(&k) {
            words[((k - seg) / 64) as usize] |= 1 << ((k - seg) % 64);
        }
    }
    if seg == 0 {
        words[0] &= !1; // 1 is not prime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survives(v: u64) -> bool {
        (3..=LARGEST).step_by(2).all(|p| v % p != 0)
    }

    #[test]
    fn fill_matches_trial_division_at_any_offset() {
        let mut words = [0u64; 70];
        let big = (P1 * P2) as u64 * 12_345 + 77;
        for seg in [0u64, 1, 63, 64, 65, 898, 899, 900, P1 as u64 - 1, P1 as u64, big, u64::MAX / 2 - 70 * 64] {
            fill(&mut words, seg);
            for j in 0..70 * 64u64 {
                let v = 2 * (seg + j) + 1;
                assert_eq!((words[(j / 64) as usize] >> (j % 64)) & 1 == 1, survives(v), "seg {seg} j {j}");
            }
        }
    }

    #[test]
    fn restore_gives_back_the_small_primes_and_drops_one() {
        for seg in [0u64, 1, 5, 23, 24] {
            let mut words = [0u64; 2];
            fill(&mut words, seg);
            restore(&mut words, seg, 100);
            for j in 0..100u64 {
                let v = 2 * (seg + j) + 1;
                let prime = v > 1 && (2..v).take_while(|d| d * d <= v).all(|d| v % d != 0);
                let expect = if v <= LARGEST * LARGEST { prime } else { survives(v) };
                assert_eq!((words[(j / 64) as usize] >> (j % 64)) & 1 == 1, expect, "seg {seg} v {v}");
            }
        }
    }
}
