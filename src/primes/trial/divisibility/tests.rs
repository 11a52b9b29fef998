//! Every kernel against `%`, on random and adversarial n and ranges.

use super::*;
use proptest::prelude::*;

/// The reference: every wheel candidate in [x0, x1) by `%`.
fn naive_divisors(n: u64, x0: u64, x1: u64) -> Vec<u64> {
    let wheel = Wheel210::for_n(n);
    let mut all = Vec::new();
    wheel.for_each(x0, x1, |d| {
        if n.is_multiple_of(d) {
            all.push(d);
        }
        true
    });
    all
}

/// first, last, and the per-block flags of every ISA agree with `%` on [x0, x1).
fn check_range(n: u64, x0: u64, x1: u64) {
    let divisors = naive_divisors(n, x0, x1);
    for isa in Supported::all() {
        let test = Divisibility::new(n, Wheel210::for_n(n), isa);
        assert_eq!(test.first(x0, x1), divisors.first().copied(), "first: n = {n}, [{x0}, {x1}) {isa:?}");
        assert_eq!(test.last(x0, x1), divisors.last().copied(), "last: n = {n}, [{x0}, {x1}) {isa:?}");
        // The kernel itself, block by block: flagged exactly when the block holds a divisor.
        let b0 = x0.div_ceil(WHEEL_MODULUS).max(test.block_lo);
        let b1 = (x1 / WHEEL_MODULUS).min(test.block_hi);
        for b in b0..b1.min(b0 + 2000) {
            let holds = !naive_divisors(n, b * WHEEL_MODULUS, (b + 1) * WHEEL_MODULUS).is_empty();
            assert_eq!(test.first_flagged_block(b, b + 1).is_some(), holds, "n = {n}, block {b} {isa:?}");
        }
    }
}

#[test]
fn small_n_every_range_shape() {
    for n in [0u64, 1, 2, 3, 4, 30, 97, 210, 211, 2310, 30_030, 1 << 20, 999_983 * 2, 1_000_000] {
        for (x0, x1) in [(1, 2), (1, 500), (2, 211), (209, 421), (210, 420), (211, 419), (5, 100_000)] {
            check_range(n, x0, x1);
        }
    }
}

#[test]
fn the_float_range_boundaries() {
    // Near u64::MAX nh rounds up to 2^64 (nl < 0), and the float test starts at d = 2^14 + 1.
    let cases = [
        u64::MAX,                       // 3 * 5 * 17 * 257 * 641 * 65537 * 6700417
        u64::MAX - 1,                   // 2 * 7^2 * 73 * 127 * 337 * 92737 * 649657
        18_446_744_073_709_551_557,     // prime
        18_446_744_030_759_878_681,     // 4294967291^2
        (1 << 53) + 1,                  // 3 * 107 * 28059810762433: nl = 1
        (1 << 53) - 1,                  // 6361 * 69431 * 20394401
        100_109_100_129_100_369,        // 95362951 * 1049769319
        16_411 * 1_124_047_533_587_810, // 16411 just above 2^14
        16_381 * 1_126_106_103_028_481, // 16381 just below 2^14
    ];
    for n in cases {
        let float_lo = (n >> 50) + 1;
        check_range(n, float_lo.saturating_sub(3000).max(1), float_lo + 3000);
        check_range(n, 6_700_000, 6_800_000);
        check_range(n, 95_000_000, 95_400_000);
        check_range(n, 4_294_900_000, 4_294_967_296);
    }
}

#[test]
fn divisors_at_the_top_of_the_float_range() {
    // d near 2^51 = FLOAT_D_LIMIT with a small cofactor: the last float blocks and the first
    // `%` ones.
    let top = FLOAT_D_LIMIT;
    for d in [top - 211, top - 1, top + 1, top + 209, top - 1_000_001] {
        let d = d | 1;
        for k in [1u64, 3, 7, 11, 4093, 8191] {
            if let Some(n) = d.checked_mul(k) {
                check_range(n, d - 5000, d + 5000);
            }
        }
    }
}

#[test]
fn multiples_of_every_candidate_in_a_range() {
    // For each d, a multiple of d near 2^64 and one near 2^57: the kernels must flag it (no
    // false negative) and nothing else in the neighbouring blocks (no false positive).
    for d in (20_001u64..22_000).chain(1_000_000_001..1_000_000_300).chain(4_294_967_000..4_294_967_296) {
        for m in [u64::MAX - d, 1 << 57, 100_109_100_129_100_151] {
            let n = m - m % d;
            if n == 0 {
                continue;
            }
            for isa in Supported::all() {
                let test = Divisibility::new(n, Wheel210::for_n(n), isa);
                let b = d / WHEEL_MODULUS;
                if b >= test.block_lo && Wheel210::for_n(n).residues().contains(&((d % WHEEL_MODULUS) as u8)) {
                    assert_eq!(test.first_flagged_block(b, b + 1), Some(b), "n = {n}, d = {d} {isa:?}");
                }
                assert_eq!(test.first(d - 1, d + 1), Some(d), "n = {n}, d = {d} {isa:?}");
            }
        }
    }
}

proptest! {
    #[test]
    fn random_n_and_ranges(n in any::<u64>(), x0 in 1u64..1 << 40, len in 0u64..20_000) {
        check_range(n, x0, x0 + len);
    }

    #[test]
    fn products_with_a_factor_in_range(d in 10_000u64..1 << 32, k in 1u64..1 << 32, len in 0u64..5000) {
        if let Some(n) = d.checked_mul(k) {
            check_range(n, d.saturating_sub(len).max(1), d + len + 1);
        }
    }

    #[test]
    fn squares_and_near_squares(p in 1u64 << 16..1 << 32, delta in 0u64..3) {
        let n = p * p - delta;
        check_range(n, p - 2000, p + 2000);
    }
}
