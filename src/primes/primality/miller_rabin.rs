//! Miller-Rabin strong probable-prime tests in Montgomery arithmetic, several bases in lock-step.

use crate::primes::arith::montgomery::Montgomery;

/// Whether x = base^d (Montgomery form) makes n a strong probable prime, squaring up to s - 1
/// times (n - 1 = d * 2^s).
#[inline(always)]
fn strong_tail(m: &Montgomery, mut x: u64, s: u32) -> bool {
    let minus_one = m.n - m.one;
    if x == m.one || x == minus_one {
        return true;
    }
    for _ in 1..s {
        x = m.mul(x, x);
        if x == minus_one {
            return true;
        }
        if x == m.one {
            return false; // a non-trivial square root of 1
        }
    }
    false
}

/// base^d for K bases in lock-step, by fixed 4-bit windows. The K chains are independent, so
/// the CPU overlaps their multiplications; and no branch depends on the bits of d (a branch per
/// bit would mispredict half the time, costing as much as the multiplication it skips).
#[inline(always)]
fn pow_lockstep<const K: usize>(m: &Montgomery, d: u64, table: &[[u64; 16]; K]) -> [u64; K] {
    let bits = 64 - d.leading_zeros();
    let mut shift = (bits - 1) / 4 * 4; // the top window holds 1 to 4 bits
    let top = ((d >> shift) & 15) as usize;
    let mut x: [u64; K] = std::array::from_fn(|i| table[i][top]);
    while shift > 0 {
        shift -= 4;
        for _ in 0..4 {
            for xi in x.iter_mut() {
                *xi = m.mul(*xi, *xi);
            }
        }
        let digit = ((d >> shift) & 15) as usize;
        for (xi, t) in x.iter_mut().zip(table) {
            *xi = m.mul(*xi, t[digit]);
        }
    }
    x
}

/// Whether n is a strong probable prime to every one of `bases` (n - 1 = d * 2^s); every base
/// must be below n (the callers' tiers guarantee it, so none is a multiple of n).
pub(super) fn sprp<const K: usize>(m: &Montgomery, d: u64, s: u32, bases: [u64; K]) -> bool {
    // table[i][j] = bases[i]^j in Montgomery form, as products of two lower powers whose
    // exponents differ by at most 1: the dependency chain is 4 products deep, not 15.
    let mut table = [[0u64; 16]; K];
    for (t, &base) in table.iter_mut().zip(&bases) {
        t[0] = m.one;
        t[1] = m.to_montgomery(base);
    }
    for j in 2..16 {
        for t in table.iter_mut() {
            t[j] = m.mul(t[j / 2], t[j - j / 2]);
        }
    }
    let x = pow_lockstep(m, d, &table);
    x.iter().all(|&x| strong_tail(m, x, s))
}

/// Miller-Rabin with Jim Sinclair's 7 bases, deterministic for every u64 (n above the bases):
/// the fallback if Baillie-PSW finds no Lucas parameter, and the tests' oracle for it.
pub(super) fn sinclair_bases(m: &Montgomery, d: u64, s: u32) -> bool {
    // Two groups, not seven chains at once: that would make a prime ~5% cheaper but a
    // composite (the usual case) ~70% dearer.
    sprp(m, d, s, [2, 325, 9375]) && sprp(m, d, s, [28178, 450_775, 9_780_504, 1_795_265_022])
}
