//! The shared arithmetic against plain u128 arithmetic.

use super::montgomery::{self, wide_remainder, Montgomery};
use super::*;

#[test]
fn isqrt_is_exact_near_squares_and_at_the_top() {
    for r in (0u64..5000).chain([65535, 65536, 1 << 26, 3_037_000_499, 4_294_967_295]) {
        let sq = r * r;
        assert_eq!(isqrt(sq), r);
        if r > 0 {
            assert_eq!(isqrt(sq - 1), r - 1);
        }
        assert_eq!(isqrt(sq + 1), if r == 0 { 1 } else { r });
    }
    assert_eq!(isqrt(u64::MAX), 4_294_967_295);
    assert_eq!(isqrt(u64::MAX - 1), 4_294_967_295);
    assert_eq!(isqrt(18_446_744_065_119_617_025), 4_294_967_295); // (2^32 - 1)^2
    assert_eq!(isqrt(18_446_744_065_119_617_024), 4_294_967_294);
    assert_eq!(isqrt((1 << 52) + (1 << 27)), 1 << 26); // f64 rounds; the fix-up must not
    assert_eq!(isqrt(999_999_999_999_999_999), 999_999_999);
}

#[test]
fn montgomery_products_match_u128_arithmetic() {
    for n in [3u64, 4_294_967_291, (1 << 61) - 1, u64::MAX, u64::MAX - 58, 0xFFFF_FFFF_0000_0001] {
        let m = Montgomery::new(n);
        assert_eq!(n.wrapping_mul(m.inv), 1);
        for (a, b) in [(0u64, 5u64), (1, 1), (n - 1, n - 1), (n / 2, n / 3 + 7), (123_456_789, n - 2)] {
            let (a, b) = (a % n, b % n);
            let expect = (u128::from(a) * u128::from(b) % u128::from(n)) as u64;
            let got = m.reduce(u128::from(m.mul(m.to_montgomery(a), m.to_montgomery(b))));
            assert_eq!(got, expect, "n = {n}, a = {a}, b = {b}");
        }
    }
}

#[test]
fn wide_remainder_matches_u128_arithmetic() {
    let mut state = 0x1234_5678_9ABC_DEF1u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut cases =
        vec![(0u64, 0u64, 1u64), (0, u64::MAX, 3), (2, u64::MAX, 3), (u64::MAX - 1, u64::MAX, u64::MAX), (1, 0, 2)];
    for _ in 0..100_000 {
        let n = next() >> (next() % 64) | 1;
        let (high, low) = (next() % n, next());
        cases.push((high, low, n));
    }
    for (high, low, n) in cases {
        let expect = ((u128::from(high) << 64 | u128::from(low)) % u128::from(n)) as u64;
        assert_eq!(wide_remainder(high, low, n), expect, "({high}, {low}) mod {n}");
    }
}

#[test]
fn modular_subtractions_match_u128_arithmetic() {
    let mut state = 0x0BAD_CAFE_F00D_D00Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in [3u64, 4_294_967_291, (1 << 63) + 1, u64::MAX - 58, u64::MAX] {
        let m = Montgomery::new(n);
        let mut pairs = vec![(0, 0), (0, n - 1), (n - 1, 0), (n - 1, n - 1), (1, 2)];
        pairs.extend((0..20_000).map(|_| (next() % n, next() % n)));
        for (a, b) in pairs {
            let difference = ((u128::from(a) + u128::from(n) - u128::from(b)) % u128::from(n)) as u64;
            assert_eq!(montgomery::subtract_mod(a, a.wrapping_add(n), b), difference, "{a} - {b} mod {n}");
            assert_eq!(m.sub(a, b), difference);
            assert_eq!(m.add(a, b), ((u128::from(a) + u128::from(b)) % u128::from(n)) as u64, "{a} + {b}");
            // a * b - c in Montgomery form: back out of it, compare with plain arithmetic.
            let c = next() % n;
            let got = m.reduce(u128::from(m.mul_minus(m.to_montgomery(a), m.to_montgomery(b), m.to_montgomery(c))));
            let product = u128::from(a) * u128::from(b) % u128::from(n);
            let expect = ((product + u128::from(n) - u128::from(c)) % u128::from(n)) as u64;
            assert_eq!(got, expect, "{a} * {b} - {c} mod {n}");
        }
    }
}
