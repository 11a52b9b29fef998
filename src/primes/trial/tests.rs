//! Trial division on every ISA against naive scans, at the wheel, float and u64 edges.

use super::*;
use proptest::prelude::*;

/// The answer of every supported divisibility kernel, which must all agree.
fn smallest_factor_in_range(n: u64, from: u64, to: u64) -> Result<u64, Error> {
    let mut answers = Supported::all().into_iter().map(|isa| (isa, smallest_factor_in_range_on(n, from, to, isa)));
    let (_, first) = answers.next().unwrap();
    let first = first?;
    for (isa, answer) in answers {
        assert_eq!(answer?, first, "{isa:?} disagrees with scalar: n = {n}, [{from}, {to})");
    }
    Ok(first)
}

/// check_prime on every supported kernel, which must all agree.
fn check_prime(n: u64) -> Result<bool, Error> {
    let answers: Vec<bool> = Supported::all().into_iter().map(|isa| check_prime_on(n, isa).unwrap()).collect();
    assert!(answers.iter().all(|&a| a == answers[0]), "kernels disagree on {n}: {answers:?}");
    Ok(answers[0])
}

/// Every d in [max(from, 2), to), one by one.
fn naive_factor(n: u64, from: u64, to: u64) -> u64 {
    (from.max(2)..to).find(|&d| n.is_multiple_of(d)).unwrap_or(0)
}

fn naive_prime(n: u64) -> bool {
    n >= 2 && (2..n).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d))
}

#[test]
fn matches_naive_for_every_small_n_and_many_ranges() {
    let bounds = [0u64, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 16, 25, 31, 50, 64, 100, 1000, 3001];
    for n in 0..3000u64 {
        for &from in &bounds {
            for &to in &bounds {
                assert_eq!(
                    smallest_factor_in_range(n, from, to).unwrap(),
                    naive_factor(n, from, to),
                    "n = {n}, from = {from}, to = {to}"
                );
            }
        }
        assert_eq!(check_prime(n).unwrap(), naive_prime(n), "n = {n}");
    }
}

#[test]
fn composite_smallest_factor_when_from_exceeds_two() {
    assert_eq!(smallest_factor_in_range(12, 4, 13).unwrap(), 4);
    assert_eq!(smallest_factor_in_range(12, 5, 13).unwrap(), 6);
    assert_eq!(smallest_factor_in_range(45, 4, 100).unwrap(), 5);
    assert_eq!(smallest_factor_in_range(45, 6, 100).unwrap(), 9);
    assert_eq!(smallest_factor_in_range(225, 10, 100).unwrap(), 15);
    assert_eq!(smallest_factor_in_range(0, 0, 10).unwrap(), 2);
    assert_eq!(smallest_factor_in_range(0, 7, 8).unwrap(), 7);
    assert_eq!(smallest_factor_in_range(0, 7, 7).unwrap(), 0);
    assert_eq!(smallest_factor_in_range(1, 0, u64::MAX).unwrap(), 0);
    assert_eq!(smallest_factor_in_range(u64::MAX, 0, u64::MAX).unwrap(), 3);
    assert_eq!(smallest_factor_in_range(u64::MAX, 0, 3).unwrap(), 0);
    assert_eq!(smallest_factor_in_range(u64::MAX, 6, u64::MAX).unwrap(), 15);
    assert_eq!(smallest_factor_in_range(u64::MAX - 1, 3, u64::MAX).unwrap(), 7);
    // 2 * 7^2 * 73 * ...
}

#[test]
fn the_books_numbers() {
    assert_eq!(smallest_factor_in_range(112_272_535_095_295, 2, 10_595_873).unwrap(), 5);
    assert_eq!(smallest_factor_in_range(112_272_535_095_295, 6, 10_595_873).unwrap(), 109);
    assert_eq!(smallest_factor_in_range(112_272_535_095_295, 110, u64::MAX).unwrap(), 545);
    let (n, p) = (100_109_100_129_100_369u64, 95_362_951u64);
    assert_eq!(smallest_factor_in_range(n, p - 1000, p + 1000).unwrap(), p);
    assert_eq!(smallest_factor_in_range(n, p - 1000, p).unwrap(), 0);
    assert_eq!(smallest_factor_in_range(n, p + 1, p + 100_000).unwrap(), 0);
    let (n, p) = (100_109_100_129_101_027u64, 171_656_941u64);
    assert_eq!(smallest_factor_in_range(n, p - 1000, p + 1000).unwrap(), p);
    // Above sqrt(n): the cofactor 583192847 is the only divisor in (p, n).
    assert_eq!(smallest_factor_in_range(n, p + 1, u64::MAX).unwrap(), 583_192_847);
    assert_eq!(smallest_factor_in_range(n, 583_192_848, u64::MAX).unwrap(), n);
    // A big prime over the whole range: the cofactor scan bounds the work by sqrt(n).
    assert_eq!(smallest_factor_in_range(1_000_000_007, 2, u64::MAX).unwrap(), 1_000_000_007);
    assert!(check_prime(100_109_100_129_100_151).unwrap());
    assert!(!check_prime(100_109_100_129_100_369).unwrap());
}

#[test]
fn parallel_search_finds_the_smallest_of_several_large_factors() {
    // 1000003 * 1000033 * 1000037: all three factors lie past the serial prefix.
    let n = 1_000_003u64 * 1_000_033 * 1_000_037;
    assert_eq!(smallest_factor_in_range(n, 2, u64::MAX).unwrap(), 1_000_003);
    assert_eq!(smallest_factor_in_range(n, 1_000_004, u64::MAX).unwrap(), 1_000_033);
    assert_eq!(smallest_factor_in_range(n, 1_000_034, u64::MAX).unwrap(), 1_000_037);
    assert!(!check_prime(n).unwrap());
    // 4294967291^2: the only factor is at the very end of check_prime's range.
    let (n, p) = (18_446_744_030_759_878_681u64, 4_294_967_291u64);
    assert_eq!(smallest_factor_in_range(n, p - 3_000_000, 1 << 32).unwrap(), p);
    assert_eq!(smallest_factor_in_range(n, p - 3_000_000, p).unwrap(), 0);
}

/// The smallest prime >= x, by Miller-Rabin (independent of trial division).
fn next_prime(x: u64) -> u64 {
    (x..).find(|&p| crate::primes::is_prime(p)).unwrap()
}

#[test]
fn factors_around_the_float_thresholds_near_u64_max() {
    // For n near 2^64 the float test starts at d = 2^14 + 1; d = 2^51 is its top, above
    // sqrt(n) and reached only through explicit ranges.
    for p in [next_prime(16_300), next_prime(16_384), next_prime(16_390), next_prime(1 << 20), next_prime(1 << 31)] {
        let q = (2..).map(|k| u64::MAX / p - k).find(|&q| crate::primes::is_prime(q)).unwrap();
        let n = p * q;
        if p < 1 << 21 {
            // Whole-range scans cost about p (below) and p (the cofactors above sqrt(n)).
            assert_eq!(smallest_factor_in_range(n, 2, u64::MAX).unwrap(), p, "n = {p} * {q}");
            assert_eq!(smallest_factor_in_range(n, q + 1, u64::MAX).unwrap(), n);
        }
        assert_eq!(smallest_factor_in_range(n, p - 100, p + 100).unwrap(), p);
        assert_eq!(smallest_factor_in_range(n, p + 1, p + 3_000_000).unwrap(), 0);
        // Above sqrt(n): the cofactor scan (descending over e = n / d) finds q.
        assert_eq!(smallest_factor_in_range(n, q - 1_000_000, u64::MAX).unwrap(), q);
    }
    // A factor just below and just above 2^51 (the float range's top), with a small cofactor.
    for d in [next_prime((1 << 51) - 2000), next_prime(1 << 51), next_prime((1 << 51) + 1)] {
        let n = d * 4099;
        assert_eq!(smallest_factor_in_range(n, 4090, 4200).unwrap(), 4099);
        assert_eq!(smallest_factor_in_range(n, d - 5000, d + 5000).unwrap(), d);
        assert_eq!(smallest_factor_in_range(n, d + 1, u64::MAX).unwrap(), n);
    }
}

proptest! {
    #[test]
    fn random_ranges_match_naive(n in 0u64..2_000_000, from in 0u64..3000, len in 0u64..3000) {
        let to = from + len;
        prop_assert_eq!(smallest_factor_in_range(n, from, to).unwrap(), naive_factor(n, from, to));
    }

    #[test]
    fn large_n_with_from_above_two(a in 2u64..5000, b in 2u64..1_000_000, from in 0u64..6000) {
        let n = a * b;
        prop_assert_eq!(smallest_factor_in_range(n, from, from + 5000).unwrap(), naive_factor(n, from, from + 5000));
    }

    #[test]
    fn big_n_ranges_around_a_factor_match_naive(a in 2u64..1 << 28, b in 2u64..u64::MAX, below in 0u64..3000, above in 0u64..3000) {
        let n = b - b % a; // the largest multiple of a up to b
        if n > 0 {
            let (from, to) = (a.saturating_sub(below), a + above + 1);
            prop_assert_eq!(smallest_factor_in_range(n, from, to).unwrap(), naive_factor(n, from, to));
        }
    }

    #[test]
    fn cofactor_search_above_the_square_root(p in 1u64 << 20..1 << 32, gap in 1u64..1 << 20) {
        // n = p q, q > p primes: from above p the answer is q, found through the cofactor p
        // right below sqrt(n); above q only n itself divides.
        let (p, q) = (next_prime(p), next_prime(p + gap));
        if let Some(n) = p.checked_mul(q) {
            prop_assert_eq!(smallest_factor_in_range(n, p + 1, u64::MAX).unwrap(), q);
            if p < 1 << 22 {
                prop_assert_eq!(smallest_factor_in_range(n, q + 1, u64::MAX).unwrap(), n);
            }
        }
    }

    #[test]
    fn whole_range_gives_the_least_divisor_at_least_from(n in 2u64..1u64 << 40, from in 0u64..100) {
        let d = smallest_factor_in_range(n, from, u64::MAX).unwrap();
        let start = from.max(2);
        if start <= n {
            prop_assert!(d >= start && n % d == 0);
            prop_assert_eq!(smallest_factor_in_range(n, start, d).unwrap(), 0);
        } else {
            prop_assert_eq!(d, 0);
        }
    }
}
