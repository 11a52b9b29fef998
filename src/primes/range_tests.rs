//! Tests of count_primes / primes_in_range on the wheel sieve: known counts and random ranges
//! at every magnitude against Miller-Rabin on each number.

use super::*;
use crate::primes::{count_primes, is_prime, primes_in_range};
use proptest::prelude::*;

#[test]
fn known_counts_far_from_the_naive_sieve() {
    assert_eq!(count_primes(0, 1 << 32).unwrap(), 203_280_221); // pi(2^32)
                                                                // primesieve 1e12 -d1e8 (a closed interval; 10^12 + 10^8 is even) gives 3618282.
    assert_eq!(count_primes(1_000_000_000_000, 1_000_100_000_000).unwrap(), 3_618_282);
}

/// lo at magnitude 2^bits (plus an offset), clamped so lo + len stays below 2^64.
fn range_at(bits: u32, offset: u64, len: u64) -> (u64, u64) {
    let lo = (1u64 << bits).wrapping_add(offset % (1u64 << bits)).min(u64::MAX - len);
    (lo, lo + len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_ranges_at_every_magnitude_match_miller_rabin(bits in 0u32..64, offset: u64, len in 0u64..60_000) {
        let (lo, hi) = range_at(bits, offset, len);
        let expect: Vec<u64> = (lo..hi).filter(|&n| is_prime(n)).collect();
        prop_assert_eq!(count_primes(lo, hi).unwrap(), expect.len() as u64, "[{}, {})", lo, hi);
        let mut out = vec![u64::MAX; expect.len() + 3];
        prop_assert_eq!(primes_in_range(lo, hi, &mut out).unwrap(), expect.len());
        prop_assert_eq!(&out[..expect.len()], expect.as_slice());
        prop_assert!(out[expect.len()..].iter().all(|&x| x == u64::MAX));
        if !expect.is_empty() {
            let mut short = vec![7u64; expect.len() - 1];
            prop_assert_eq!(primes_in_range(lo, hi, &mut short), Err(Error::BufferTooSmall { required: expect.len() }));
            prop_assert!(short.iter().all(|&x| x == 7), "nothing written on error");
        }
    }
}
