//! Pre-sieving: in the mod-30 byte layout (see `wheel30`) the multiples of a prime p repeat every
//! p bytes, so instead of crossing off the primes 7..=LARGEST one by one (about 6 crossings per
//! byte, more than all larger primes together) each block starts as a copy of one periodic
//! pattern ANDed with a few others (a handful of vector passes per byte).

use super::wheel30::RESIDUES;
use std::sync::OnceLock;

/// The largest pre-sieved prime; base primes start above it.
pub(super) const LARGEST: u64 = 107;
/// The pre-sieved primes, for restoring them near 0.
const PRIMES: [u64; 25] =
    [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107];

/// The pre-sieved primes grouped so each group's product (its pattern's period in bytes) stays
/// small enough for L1/L2; the first group's pattern is copied, the others ANDed.
const GROUPS: [&[u64]; 11] = [
    &[7, 11, 13, 17],
    &[19, 23, 29],
    &[31, 37],
    &[41, 43],
    &[47, 53],
    &[59, 61],
    &[67, 71],
    &[73, 79],
    &[83, 89],
    &[97, 101],
    &[103, 107],
];

/// Byte i of the pattern: bit b set iff 30 i + RESIDUES[b] is a multiple of none of `primes`;
/// the period is the primes' product, in bytes.
fn pattern(primes: &[u64]) -> Box<[u8]> {
    let period = primes.iter().product::<u64>();
    (0..period)
        .map(|i| {
            RESIDUES.iter().enumerate().fold(0u8, |byte, (b, r)| {
                let v = 30 * i + r;
                if primes.iter().all(|p| v % p != 0) {
                    byte | 1 << b
                } else {
                    byte
                }
            })
        })
        .collect()
}

/// The patterns, built at first use (about 70 KB, well under a millisecond).
fn patterns() -> &'static [Box<[u8]>; 11] {
    static PATTERNS: OnceLock<[Box<[u8]>; 11]> = OnceLock::new();
    PATTERNS.get_or_init(|| GROUPS.map(pattern))
}

/// Writes (`first`) or ANDs the periodic pattern into `buf`, whose byte 0 is byte index `start`.
#[inline(always)]
fn apply(buf: &mut [u8], pat: &[u8], start: u64, first: bool) {
    let mut q = (start % pat.len() as u64) as usize;
    let mut rest = buf;
    while !rest.is_empty() {
        let n = rest.len().min(pat.len() - q);
        let (head, tail) = rest.split_at_mut(n);
        if first {
            head.copy_from_slice(&pat[q..q + n]);
        } else {
            head.iter_mut().zip(&pat[q..q + n]).for_each(|(d, s)| *d &= s);
        }
        rest = tail;
        q = 0;
    }
}

/// Fills `buf` (byte 0 = byte index `start`): bit set iff the number has no prime factor up to
/// LARGEST, except that the pre-sieved primes themselves and 1 are fixed by [`restore`].
#[inline(always)]
pub(super) fn fill(buf: &mut [u8], start: u64) {
    let [first, rest @ ..] = patterns();
    apply(buf, first, start, true);
    for pat in rest {
        apply(buf, pat, start, false);
    }
}

/// The patterns clear the pre-sieved primes themselves and keep 1: fix `buf` (byte 0 = byte
/// index `start`).
pub(super) fn restore(buf: &mut [u8], start: u64) {
    if start > LARGEST / 30 {
        return;
    }
    for p in PRIMES {
        if let Some(byte) = (p / 30).checked_sub(start).and_then(|i| buf.get_mut(i as usize)) {
            *byte |= 1 << RESIDUES.iter().position(|&r| r == p % 30).expect("p coprime to 30");
        }
    }
    if start == 0 {
        if let Some(byte) = buf.first_mut() {
            *byte &= !1; // 1 is not prime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survives(v: u64) -> bool {
        PRIMES.iter().all(|&p| !v.is_multiple_of(p))
    }

    #[test]
    fn fill_matches_trial_division_at_any_offset() {
        let mut buf = vec![0u8; 3000];
        let big = 17_017 * 12_673 * 12_345 + 77;
        for start in [0u64, 1, 63, 1146, 1147, 17_016, 17_017, big, u64::MAX / 30 - 3000] {
            fill(&mut buf, start);
            for (i, &byte) in buf.iter().enumerate() {
                for (b, r) in RESIDUES.iter().enumerate() {
                    let v = 30 * (start + i as u64) + r;
                    assert_eq!(byte >> b & 1 == 1, survives(v), "start {start} v {v}");
                }
            }
        }
    }

    #[test]
    fn restore_gives_back_the_small_primes_and_drops_one() {
        for start in [0u64, 1, 2, 3, 4] {
            let mut buf = [0u8; 40];
            fill(&mut buf, start);
            restore(&mut buf, start);
            for (i, &byte) in buf.iter().enumerate() {
                for (b, r) in RESIDUES.iter().enumerate() {
                    let v = 30 * (start + i as u64) + r;
                    let prime = v > 1 && (2..v).take_while(|d| d * d <= v).all(|d| !v.is_multiple_of(d));
                    let expect = if v <= LARGEST * LARGEST { prime } else { survives(v) };
                    assert_eq!(byte >> b & 1 == 1, expect, "start {start} v {v}");
                }
            }
        }
    }
}
