//! Baillie-PSW: each half against its known pseudoprime lists (exhaustively below a bound), the
//! Lucas ladder against the plain recurrence, and the whole test against a sieve, the 7-base
//! Miller-Rabin and an independent u128 Miller-Rabin.

use super::bpsw::{self, jacobi, lucas_parameter, probable_prime_tests, LucasParameter};
use super::tests::{naive_sieve, reference_is_prime};
use super::{sinclair_bases, SMALL_ODD_PRIMES};
use crate::primes::arith::montgomery::Montgomery;

/// Odd composites below 100000 that are strong probable primes to base 2 (OEIS A001262).
const STRONG_BASE_2_PSEUDOPRIMES: [u64; 16] =
    [2047, 3277, 4033, 4681, 8321, 15841, 29341, 42799, 49141, 52633, 65281, 74665, 80581, 85489, 88357, 90751];
/// Odd composites below 500000 that pass the extra strong Lucas test with Baillie's P (OEIS A217719).
const EXTRA_STRONG_LUCAS_PSEUDOPRIMES: [u64; 31] = [
    989, 3239, 5777, 10877, 27971, 29681, 30739, 31631, 39059, 72389, 73919, 75077, 100127, 113573, 125249, 137549,
    137801, 153931, 155819, 161027, 162133, 189419, 218321, 231703, 249331, 370229, 429479, 430127, 459191, 473891,
    480689,
];
/// Strong Lucas pseudoprimes with Selfridge's parameters (OEIS A217255): another Lucas variant's
/// failures, which must not fool this one combined with base 2 either.
const STRONG_LUCAS_PSEUDOPRIMES: [u64; 16] =
    [5459, 5777, 10877, 16109, 18971, 22499, 24569, 25199, 40309, 58519, 75077, 97439, 100127, 113573, 115639, 130139];

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Base-2 strong probable prime test alone: the first half of the combined loop (its Lucas half,
/// here with P = 3, is ignored), for odd n >= 5.
fn is_strong_probable_prime_base_2(n: u64) -> bool {
    probable_prime_tests(&Montgomery::new(n), 3).0
}

/// The extra strong Lucas test alone, with Baillie's parameter; squares and numbers sharing a
/// factor with P^2 - 4 fail.
fn is_extra_strong_lucas_probable_prime_alone(n: u64) -> bool {
    match lucas_parameter(n) {
        LucasParameter::Found(p) => probable_prime_tests(&Montgomery::new(n), p % n).1,
        LucasParameter::Composite => false,
        LucasParameter::NotFound => panic!("no Lucas parameter for {n}"),
    }
}

/// Baillie-PSW itself (no trial division in front), for odd n >= 5.
fn bpsw_is_prime(n: u64) -> bool {
    bpsw::is_prime(&Montgomery::new(n)).expect("a Lucas parameter exists")
}

/// The 7-base Miller-Rabin path, as an oracle for any n: trial division, then Sinclair's bases
/// (all below n from 2^31 on) or, below that, the u128 reference.
fn seven_base_oracle(n: u64) -> bool {
    if n < 1 << 31 {
        return reference_is_prime(n);
    }
    if n.is_multiple_of(2) || SMALL_ODD_PRIMES.iter().any(|&p| n.is_multiple_of(p)) {
        return false;
    }
    let s = (n - 1).trailing_zeros();
    sinclair_bases(&Montgomery::new(n), (n - 1) >> s, s)
}

#[test]
fn jacobi_matches_eulers_criterion_and_multiplicativity() {
    let sieve = naive_sieve(2000);
    let odd_primes: Vec<u64> = (3..2000u64).filter(|&p| sieve[p as usize]).collect();
    // Legendre symbol by Euler's criterion: a^((p - 1) / 2) mod p is 1, p - 1 or 0.
    let legendre = |a: u64, p: u64| -> i32 {
        let e = (1..=(p - 1) / 2).fold(1u64, |x, _| x * (a % p) % p);
        match e {
            0 => 0,
            1 => 1,
            _ => -1,
        }
    };
    for n in (3..2000u64).step_by(2) {
        for a in (0..120u64).chain([n - 1, n, n + 5, u64::MAX]) {
            // (a / n) is the product of (a / p) over n's prime factors, with multiplicity.
            let (mut rest, mut expect) = (n, 1);
            for &p in &odd_primes {
                while rest % p == 0 {
                    rest /= p;
                    expect *= legendre(a, p);
                }
            }
            assert_eq!(jacobi(a, n), expect, "({a} / {n})");
        }
    }
}

/// The half of each test that runs after the exponent's odd part: numbers k 2^j + 1 and
/// k 2^j - 1 have j (or more) factors of two in n - 1 or n + 1, up to 62. Each is checked, both
/// halves, against a direct u128 computation of the test's definition.
#[test]
fn numbers_next_to_large_powers_of_two_get_both_halves_right() {
    let mut checked = [0usize; 2];
    for j in 1..63u32 {
        for k in (1..400u64).step_by(2) {
            for n in [(k << j).wrapping_add(1), (k << j).wrapping_sub(1)] {
                if k.leading_zeros() < j || n < 5 || n == u64::MAX {
                    continue; // k 2^j does not fit, or n is outside the test's domain
                }
                let m = Montgomery::new(n);
                let (base_2, lucas) = match lucas_parameter(n) {
                    LucasParameter::Found(p) => probable_prime_tests(&m, p % n),
                    LucasParameter::Composite => (probable_prime_tests(&m, 3).0, false),
                    LucasParameter::NotFound => panic!("no Lucas parameter for {n}"),
                };
                assert_eq!(base_2, strong_base_2_by_definition(n), "base 2, n = {n}");
                if let LucasParameter::Found(p) = lucas_parameter(n) {
                    assert_eq!(lucas, extra_strong_lucas_by_definition(n, p), "Lucas, n = {n}, P = {p}");
                }
                checked[reference_is_prime(n) as usize] += 1;
            }
        }
    }
    assert!(checked[0] > 10_000 && checked[1] > 1_000, "{checked:?} (composites, primes)");
}

fn mulmod(a: u64, b: u64, n: u64) -> u64 {
    (u128::from(a) * u128::from(b) % u128::from(n)) as u64
}

/// 2^d = 1 or 2^(d 2^r) = -1 for some r < s (n - 1 = d 2^s), by plain u128 arithmetic.
fn strong_base_2_by_definition(n: u64) -> bool {
    let s = (n - 1).trailing_zeros();
    let (mut x, mut base, mut e) = (1u64, 2u64, (n - 1) >> s);
    while e > 0 {
        if e & 1 == 1 {
            x = mulmod(x, base, n);
        }
        base = mulmod(base, base, n);
        e >>= 1;
    }
    if x == 1 || x == n - 1 {
        return true;
    }
    (1..s).any(|_| {
        x = mulmod(x, x, n);
        x == n - 1
    })
}

/// The extra strong Lucas test (Q = 1) by the index-doubling formulas in u128 arithmetic, with
/// U_d' from its own recurrence: U_d' = 0 and V_d' = +-2, or V_(d' 2^r) = 0 for some r < s' - 1.
fn extra_strong_lucas_by_definition(n: u64, p: u64) -> bool {
    let s = (n + 1).trailing_zeros();
    let d = (n + 1) >> s;
    let p = p % n;
    let sub = |a: u64, b: u64| if a >= b { a - b } else { a + (n - b) };
    // (U_j, V_j, U_(j+1), V_(j+1)) by U_(2j) = U_j V_j, V_(2j) = V_j^2 - 2,
    // U_(2j+1) = U_(j+1) V_j - 1, V_(2j+1) = V_(j+1) V_j - P (Q = 1).
    let (mut u, mut v, mut u1, mut v1) = (0u64, 2 % n, 1 % n, p);
    for bit in (0..64 - d.leading_zeros()).rev() {
        let (u2, v2) = (mulmod(u, v, n), sub(mulmod(v, v, n), 2 % n));
        let (u21, v21) = (sub(mulmod(u1, v, n), 1 % n), sub(mulmod(v1, v, n), p));
        let (u22, v22) = (mulmod(u1, v1, n), sub(mulmod(v1, v1, n), 2 % n));
        (u, v, u1, v1) = if (d >> bit) & 1 == 1 { (u21, v21, u22, v22) } else { (u2, v2, u21, v21) };
    }
    if u == 0 && (v == 2 % n || v == n - 2) {
        return true;
    }
    (0..s.saturating_sub(1)).any(|_| {
        let zero = v == 0;
        v = sub(mulmod(v, v, n), 2 % n);
        zero
    })
}

#[test]
fn each_half_fails_exactly_on_its_known_pseudoprimes() {
    let sieve = naive_sieve(500_000);
    let mut strong_base_2 = vec![];
    let mut lucas = vec![];
    for n in (5..500_000u64).step_by(2) {
        let prime = sieve[n as usize];
        let lucas_says = is_extra_strong_lucas_probable_prime_alone(n);
        assert!(lucas_says || !prime, "the Lucas test rejects the prime {n}");
        if lucas_says && !prime {
            lucas.push(n);
        }
        if n < 100_000 {
            let base_2_says = is_strong_probable_prime_base_2(n);
            assert!(base_2_says || !prime, "base 2 rejects the prime {n}");
            if base_2_says && !prime {
                strong_base_2.push(n);
            }
        }
    }
    assert_eq!(strong_base_2, STRONG_BASE_2_PSEUDOPRIMES);
    assert_eq!(lucas, EXTRA_STRONG_LUCAS_PSEUDOPRIMES);
}

#[test]
fn known_pseudoprimes_of_every_kind_are_composite() {
    let carmichael = [561u64, 1105, 1729, 2465, 2821, 6601, 8911, 10585, 15841, 29341, 41041, 46657, 52633];
    let big_strong_base_2 = [3_825_123_056_546_413_051u64, 341_550_071_728_321, 3_474_749_660_383, 2_152_302_898_747];
    let all = STRONG_BASE_2_PSEUDOPRIMES
        .iter()
        .chain(&EXTRA_STRONG_LUCAS_PSEUDOPRIMES)
        .chain(&STRONG_LUCAS_PSEUDOPRIMES)
        .chain(&carmichael)
        .chain(&big_strong_base_2);
    for &n in all {
        assert!(!reference_is_prime(n), "list entry {n} is not composite");
        assert!(!bpsw_is_prime(n), "Baillie-PSW calls the composite {n} prime");
        assert!(!super::is_prime(n), "is_prime calls the composite {n} prime");
    }
    for n in big_strong_base_2 {
        assert!(is_strong_probable_prime_base_2(n), "{n} is a base-2 strong pseudoprime");
    }
}

#[test]
fn agrees_with_a_sieve_below_two_million() {
    let sieve = naive_sieve(2_000_000);
    for n in (5..2_000_000u64).step_by(2) {
        assert_eq!(bpsw_is_prime(n), sieve[n as usize], "n = {n}");
    }
}

#[test]
fn squares_twin_products_and_the_top_of_the_range() {
    // Perfect squares never get a Lucas parameter: the square check must catch each one.
    for k in (3..200_000u64).step_by(2).chain((1 << 32) - 200_000..1 << 32).filter(|k| k % 2 == 1) {
        assert_eq!(lucas_parameter(k * k), LucasParameter::Composite, "{k}^2");
    }
    let below_2_32: Vec<u64> = ((1u64 << 32) - 2000..1 << 32).filter(|&p| reference_is_prime(p)).collect();
    assert!(below_2_32.len() > 50 && below_2_32.contains(&4_294_967_291));
    for (i, &p) in below_2_32.iter().enumerate() {
        assert!(!super::is_prime(p * p), "{p}^2");
        for &q in &below_2_32[i + 1..] {
            assert!(!super::is_prime(p * q), "{p} * {q}");
        }
    }
    // Products of twin primes: n + 1 is a square, a classic trap for Lucas tests.
    let mut twins = 0;
    for p in (3_037_000_001u64..3_037_100_000).step_by(2) {
        if reference_is_prime(p) && reference_is_prime(p + 2) {
            twins += 1;
            assert!(!super::is_prime(p * (p + 2)), "{p} * {}", p + 2);
        }
    }
    assert!(twins > 50, "{twins} twin pairs");
    // The largest primes below 2^64, and every number in the top 4000 against the reference.
    let top_prime = (0..u64::MAX).map(|i| u64::MAX - i).find(|&n| super::is_prime(n));
    assert_eq!(top_prime, Some(18_446_744_073_709_551_557));
    for n in u64::MAX - 4000..=u64::MAX {
        assert_eq!(super::is_prime(n), reference_is_prime(n), "n = {n}");
    }
}

#[test]
fn agrees_with_seven_base_miller_rabin_on_random_numbers() {
    let mut state = 0x5EED_0FB9_5A5Au64;
    let mut primes = 0;
    for i in 0..400_000 {
        let r = splitmix64(&mut state);
        // Uniform u64, every bit length, and odd numbers above 2^63.
        let n = match i % 3 {
            0 => r,
            1 => r >> (r % 64),
            _ => r | 1 | 1 << 63,
        };
        let expect = seven_base_oracle(n);
        primes += expect as usize;
        assert_eq!(super::is_prime(n), expect, "n = {n}");
        if n % 2 == 1 && (5..u64::MAX).contains(&n) {
            assert_eq!(bpsw_is_prime(n), expect, "Baillie-PSW alone, n = {n}");
        }
    }
    assert!(primes > 5000, "{primes} primes drawn");
}

#[test]
fn the_seven_base_oracle_agrees_with_the_u128_reference() {
    let mut state = 99;
    for _ in 0..50_000 {
        let n = splitmix64(&mut state) | 1 | 1 << 63;
        assert_eq!(seven_base_oracle(n), reference_is_prime(n), "n = {n}");
    }
}

#[test]
fn tabled_jacobi_symbols_match_the_binary_algorithm() {
    let mut state = 3;
    let numbers = (1..100_000u64).step_by(2).chain((0..100_000).map(|_| splitmix64(&mut state) | 1));
    for n in numbers {
        let tabled = bpsw::tabled_symbols(n);
        for (p, &symbol) in (3u64..).zip(&tabled) {
            assert_eq!(symbol, jacobi(p * p - 4, n), "P = {p}, n = {n}");
        }
    }
}
