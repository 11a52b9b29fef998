//! Miller-Rabin against sieves, trial division, an independent u128 implementation and
//! adversarial composites.

use super::*;
use proptest::prelude::*;

pub(super) fn naive_sieve(limit: usize) -> Vec<bool> {
    let mut is = vec![true; limit];
    is[0] = false;
    if limit > 1 {
        is[1] = false;
    }
    let mut i = 2;
    while i * i < limit {
        if is[i] {
            (i * i..limit).step_by(i).for_each(|j| is[j] = false);
        }
        i += 1;
    }
    is
}

fn trial_division(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d))
}

/// Miller-Rabin in plain u128 arithmetic with the first 12 primes as bases (deterministic
/// for n < 3.3 * 10^24): independent of the Montgomery code and of the base sets used above.
pub(super) fn reference_is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    if let Some(&p) = BASES.iter().find(|&&p| n.is_multiple_of(p)) {
        return n == p;
    }
    let mul = |a: u64, b: u64| (u128::from(a) * u128::from(b) % u128::from(n)) as u64;
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    BASES.iter().all(|&a| {
        let (mut x, mut base, mut e) = (1u64, a, d);
        while e > 0 {
            if e & 1 == 1 {
                x = mul(x, base);
            }
            base = mul(base, base);
            e >>= 1;
        }
        if x == 1 || x == n - 1 {
            return true;
        }
        (1..s).any(|_| {
            x = mul(x, x);
            x == n - 1
        })
    })
}

#[test]
fn agrees_with_an_independent_reference_on_random_and_structured_numbers() {
    let mut state = 0x0DDB_1A5E_5BAD_5EEDu64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut numbers: Vec<u64> = (0..300_000).map(|i| next() >> (i % 40)).collect();
    numbers.extend((0..20_000).map(|i| u64::MAX - 2 * i)); // the top of the range
    numbers.extend((0..20_000).map(|i| (1u64 << 32) * (1 << 31) + 2 * i + 1)); // around 2^63
    for n in numbers {
        let expect = reference_is_prime(n);
        assert_eq!(is_prime(n), expect, "n = {n}");
    }
}

#[test]
fn strong_pseudoprimes_to_base_2_and_carmichael_numbers_are_composite() {
    // p (2p - 1) with both factors prime is often a strong pseudoprime to base 2, and
    // Chernick's (6k + 1)(12k + 1)(18k + 1) with three prime factors is a Carmichael number:
    // both kinds pass the first base and exercise the others.
    let strong_to_2 = |n: u64| {
        let mul = |a: u64, b: u64| (u128::from(a) * u128::from(b) % u128::from(n)) as u64;
        let s = (n - 1).trailing_zeros();
        let (mut x, mut base, mut e) = (1u64, 2u64, (n - 1) >> s);
        while e > 0 {
            if e & 1 == 1 {
                x = mul(x, base);
            }
            base = mul(base, base);
            e >>= 1;
        }
        x == 1
            || x == n - 1
            || (1..s).any(|_| {
                x = mul(x, x);
                x == n - 1
            })
    };
    let mut spsp = 0;
    for p in (3u64..4_000_000).step_by(2).chain((2_000_000_000..2_100_000_000).step_by(2)) {
        if reference_is_prime(p) && reference_is_prime(2 * p - 1) {
            let n = p * (2 * p - 1);
            if strong_to_2(n) {
                spsp += 1;
                assert!(!is_prime(n), "{n} = {p} * {}", 2 * p - 1);
            }
        }
    }
    assert!(spsp > 20, "found {spsp} strong pseudoprimes to base 2");
    let mut carmichael = 0;
    for k in 1u64..240_000 {
        let (a, b, c) = (6 * k + 1, 12 * k + 1, 18 * k + 1);
        if let Some(n) = a.checked_mul(b).and_then(|ab| ab.checked_mul(c)) {
            if reference_is_prime(a) && reference_is_prime(b) && reference_is_prime(c) {
                carmichael += 1;
                assert!(!is_prime(n), "{n} = {a} * {b} * {c}");
            }
        }
    }
    assert!(carmichael > 100, "found {carmichael} Chernick Carmichael numbers");
}

#[test]
fn agrees_with_a_sieve_below_two_million() {
    let sieve = naive_sieve(2_000_000);
    for (n, &p) in sieve.iter().enumerate() {
        assert_eq!(is_prime(n as u64), p, "n = {n}");
    }
}

#[test]
fn pseudoprimes_carmichael_numbers_and_extremes() {
    let composites = [
        2047u64,
        1_373_653,
        25_326_001,
        3_215_031_751,
        2_152_302_898_747,
        3_474_749_660_383,
        341_550_071_728_321,
        3_825_123_056_546_413_051, // strong pseudoprime to bases 2..=37 but 41
        4_759_123_141,
        1_122_004_669_633,
        561,
        1105,
        1729,
        2465,
        2821,
        6601,
        8911,
        4033,
        4681, // strong pseudoprimes to bases 2 and 325
        u64::MAX,
        u64::MAX - 1,
        1 << 63,
        (1 << 61) + 1,
        18_446_744_030_759_878_681, // 4294967291^2
        4_294_967_291 * 4_294_967_279,
        4_294_967_279 * 3_037_000_493,
        1_000_003 * 1_000_033,
        999_999_937 * 999_999_929,
        100_109_100_129_100_369,
        100_109_100_129_101_027,
        112_272_535_095_295,
    ];
    for n in composites {
        assert!(!is_prime(n), "{n} is composite");
    }
    let primes = [
        u64::MAX - 58,
        (1 << 61) - 1,
        (1 << 31) - 1,
        4_294_967_291,
        4_294_967_279,
        3_037_000_493,
        999_999_937,
        1_000_000_007,
        4_759_123_151,
        1_122_004_669_637,
        100_109_100_129_100_151,
        100_109_100_129_162_907,
        18_446_744_073_709_551_557,
        9_223_372_036_854_775_783, // largest below 2^64, 2^63
    ];
    for n in primes {
        assert!(is_prime(n), "{n} is prime");
    }
}

#[test]
fn divisors_of_the_bases_are_classified_correctly() {
    // The convention "skip a base that n divides" matters only for such n: check them all.
    for base in [325u64, 9375, 28178, 450_775, 9_780_504, 1_795_265_022, 1_662_803, 61] {
        let divisors = (1..).take_while(|d| d * d <= base).filter(|d| base % d == 0);
        for d in divisors.flat_map(|d| [d, base / d]) {
            assert_eq!(is_prime(d), trial_division(d), "divisor {d} of base {base}");
        }
    }
}

#[test]
fn batch_matches_is_prime_and_checks_lengths_first() {
    let mut out = vec![true; 3];
    assert!(matches!(is_prime_batch(&[2, 3], &mut out, None), Err(Error::InvalidSize(_))));
    assert_eq!(out, [true; 3], "nothing written on error");

    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let numbers: Vec<u64> = (0..100_000)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            match i % 3 {
                0 => state,
                1 => state >> 32,
                _ => state | 1,
            }
        })
        .collect();
    let mut out = vec![false; numbers.len()];
    is_prime_batch(&numbers, &mut out, None).unwrap();
    for (&n, &p) in numbers.iter().zip(&out) {
        assert_eq!(p, is_prime(n), "n = {n}");
    }
    assert!(out.iter().filter(|&&p| p).count() > 1000, "the batch has primes in it");
    let mut small = [false; 4];
    is_prime_batch(&[0, 1, 2, 91], &mut small, None).unwrap();
    assert_eq!(small, [false, false, true, false]);
    is_prime_batch(&[], &mut [], None).unwrap();
}

proptest! {
    #[test]
    fn agrees_with_trial_division(n in 0u64..1_000_000_000_000) {
        prop_assert_eq!(is_prime(n), trial_division(n));
    }

    #[test]
    fn products_of_two_primes_are_composite(a in 2u64..4_294_967_296, b in 2u64..4_294_967_296) {
        // Move both up to primes, then the product (< 2^64) must be rejected.
        let p = (a..).find(|&x| is_prime(x)).unwrap();
        let q = (b..).find(|&x| is_prime(x)).unwrap();
        if let Some(n) = p.checked_mul(q) {
            prop_assert!(!is_prime(n));
        }
    }
}

#[test]
fn mid_prime_divisibility_matches_remainders() {
    let mid_primes: Vec<u64> = (67..256).filter(|&p| trial_division(p)).collect();
    assert_eq!(mid_primes.len(), MID_PRIMES.len());
    let mut state = 0xC0FF_EE12_3456_789Bu64;
    let mut numbers: Vec<u64> = (0..200_000).collect();
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        numbers.push(state);
        // A random multiple of one of the primes, up to the largest below 2^64.
        let p = mid_primes[(state % 36) as usize];
        numbers.push(state / p * p);
    }
    numbers.extend(mid_primes.iter().flat_map(|&p| [u64::MAX / p * p, u64::MAX / p * p - 1, p * p, p]));
    for n in numbers {
        let expect = mid_primes.iter().any(|&p| n % p == 0);
        assert_eq!(has_mid_prime_factor(n), expect, "n = {n}");
    }
}
