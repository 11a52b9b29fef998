//! Baillie-PSW: a strong probable-prime test to base 2 plus the extra strong Lucas test with
//! Q = 1 and P = 3, 4, 5, ..., the first with Jacobi(P^2 - 4, n) = -1 (Baillie's method C).
//! No composite below 2^64 passes both: every base-2 strong pseudoprime below 2^64 is in
//! Feitsma's list, and Jacobsen checked that the list holds no extra strong Lucas pseudoprime.
//!
//! The two tests are independent chains of Montgomery products, about 64 steps each; they run
//! interleaved in one loop so the CPU overlaps their latencies, and a prime costs about one
//! chain's time rather than two.

use super::montgomery::Montgomery;
use std::hint::select_unpredictable;

/// The last P tried: beyond it the caller falls back to Miller-Rabin. Never reached in practice
/// (a non-square n gives Jacobi -1 for half the P on average), but it keeps the search finite
/// without a proof that a suitable P always exists below any given bound.
const MAX_LUCAS_P: u64 = 1 << 16;

/// The Lucas parameter search's outcome.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum LucasParameter {
    /// The least P >= 3 with Jacobi(P^2 - 4, n) = -1.
    Found(u64),
    /// n shares a factor with some P^2 - 4 < n, or is a perfect square.
    Composite,
    /// No such P up to [`MAX_LUCAS_P`].
    NotFound,
}

/// The Jacobi symbol (a / n) for odd n, by the binary algorithm (quadratic reciprocity).
pub(super) const fn jacobi(mut a: u64, mut n: u64) -> i32 {
    debug_assert!(n % 2 == 1);
    a %= n;
    let mut sign = 1;
    while a != 0 {
        let twos = a.trailing_zeros();
        a >>= twos;
        // (2 / n) = -1 iff n = 3 or 5 mod 8.
        if twos % 2 == 1 && (n % 8 == 3 || n % 8 == 5) {
            sign = -sign;
        }
        // Reciprocity for odd a, n: the sign flips iff both are 3 mod 4.
        if a % 4 == 3 && n % 4 == 3 {
            sign = -sign;
        }
        (a, n) = (n % a, a);
    }
    if n == 1 {
        sign
    } else {
        0
    }
}

/// (P^2 - 4 / n) for odd n, read from a table: for fixed a, (a / n) depends only on n mod 4a.
/// The remainder by a constant compiles to multiplications, not a 20-cycle `div`.
struct JacobiTable<const P: u64>;

impl<const P: u64> JacobiTable<P> {
    const D: u64 = P * P - 4;
    const SYMBOLS: [i8; 4 * (TABLE_MAX_P * TABLE_MAX_P - 4) as usize] = {
        let mut symbols = [0; 4 * (TABLE_MAX_P * TABLE_MAX_P - 4) as usize];
        let mut r = 1;
        while r < 4 * Self::D {
            symbols[r as usize] = jacobi(Self::D, r) as i8;
            r += 2; // odd n have odd remainders mod 4D
        }
        symbols
    };

    #[inline(always)]
    fn symbol(n: u64) -> i32 {
        Self::SYMBOLS[(n % (4 * Self::D)) as usize] as i32
    }
}

/// The last P whose symbol comes from a table; 1 in 2^8 of the odd non-squares get past it.
const TABLE_MAX_P: u64 = 10;

/// (P^2 - 4 / n) for P = 3..=TABLE_MAX_P and odd n: independent look-ups, run side by side.
pub(super) fn tabled_symbols(n: u64) -> [i32; (TABLE_MAX_P - 2) as usize] {
    [
        JacobiTable::<3>::symbol(n),
        JacobiTable::<4>::symbol(n),
        JacobiTable::<5>::symbol(n),
        JacobiTable::<6>::symbol(n),
        JacobiTable::<7>::symbol(n),
        JacobiTable::<8>::symbol(n),
        JacobiTable::<9>::symbol(n),
        JacobiTable::<TABLE_MAX_P>::symbol(n),
    ]
}

/// Baillie's method C for odd n >= 5: P = 3, 4, 5, ... until Jacobi(P^2 - 4, n) = -1.
pub(super) fn lucas_parameter(n: u64) -> LucasParameter {
    let table = tabled_symbols(n);
    for p in 3..=MAX_LUCAS_P {
        let d = p * p - 4;
        let symbol = if p <= TABLE_MAX_P { table[(p - 3) as usize] } else { jacobi(d, n) };
        match symbol {
            -1 => return LucasParameter::Found(p),
            // gcd(d, n) > 1, a proper factor of n unless n divides d.
            0 if d < n => return LucasParameter::Composite,
            _ => {}
        }
        // Squares never give -1; the square root waits until the table is exhausted.
        if p == TABLE_MAX_P && n.isqrt() * n.isqrt() == n {
            return LucasParameter::Composite;
        }
    }
    LucasParameter::NotFound
}

/// 2^e (the base-2 Miller-Rabin chain) and (V_k, V_{k+1}) of the Lucas sequence V_0 = 2,
/// V_1 = P, V_{j+1} = P V_j - V_{j-1} (Q = 1), all in Montgomery form (`p`, `two` too), in one
/// loop: each step makes four independent products (two per test), so it costs about one
/// product's latency (~14 cycles), not the sum.
///
/// 2^e goes right to left (2^(2^i) squared on one chain, multiplied into the result on the
/// other): no doubling sits between two products on a chain. The Lucas ladder goes over k's bits
/// from the top: V_{2j} = V_j^2 - 2 and V_{2j+1} = V_j V_{j+1} - P. Conditional moves replace
/// branches on the bits (a branch per random bit would mispredict half the time). Leading zero
/// bits of k leave (V_0, V_1) unchanged (V_0^2 - 2 = 2, V_0 V_1 - P = P), so one loop over the
/// longer exponent serves both.
#[inline(always)]
pub(super) fn power_of_two_and_lucas_v(m: &Montgomery, e: u64, k: u64, p: u64, two: u64) -> (u64, u64, u64) {
    let bits = 64 - (e | k).leading_zeros();
    if bits == 0 {
        return (m.one, two, p);
    }
    let (mut power, mut result) = (two, m.one);
    let (mut v, mut w) = (two, p);
    // e is read from its low bit and shifted right, k from its top bit and shifted left: no
    // index or variable shift lives in the loop (the loop is short of registers as it is).
    let mut e = e;
    let mut k = k << (64 - bits);
    // The value squared next: V_j (bit 0, giving V_2j) or V_{j+1} (bit 1, giving V_{2j+2}).
    let mut half = select_unpredictable(k >> 63 == 1, w, v);
    for _ in 0..bits {
        let product = m.mul(result, power);
        result = select_unpredictable(e & 1 == 1, product, result);
        power = m.mul(power, power);
        e >>= 1;

        let bit = k >> 63 == 1;
        // Whether the next bit equals this one (after the last bit: anything, half is unused).
        let same_next_bit = (k ^ (k << 1)) >> 63 == 0;
        k <<= 1;
        let odd = m.mul_minus(v, w, p); // V_{2j+1}
        let even = m.mul_minus(half, half, two); // V_{2j} (bit 0) or V_{2j+2} (bit 1)
        (v, w) = (select_unpredictable(bit, odd, even), select_unpredictable(bit, even, odd));
        // Next half, straight from the products (one move on the chain, not two): V_{2j'} is
        // `even` after bit 0 and `odd` after bit 1, and the other way round for V_{2j'+1}.
        half = select_unpredictable(same_next_bit, even, odd);
    }
    (result, v, w)
}

/// The extra strong Lucas conditions on V_d, V_{d+1} (n + 1 = d * 2^s, d odd, D = P^2 - 4 prime
/// to n): U_d = 0 and V_d = +-2, or V_{d 2^r} = 0 for some 0 <= r < s - 1. U_d itself is never
/// computed: D U_d = 2 V_{d+1} - P V_d, and D is invertible mod n.
#[inline(always)]
fn extra_strong_lucas_tail(m: &Montgomery, mut v: u64, w: u64, p: u64, two: u64, s: u32) -> bool {
    if (v == two || v == m.n - two) && m.add(w, w) == m.mul(p, v) {
        return true;
    }
    for _ in 1..s {
        if v == 0 {
            return true;
        }
        v = m.mul_minus(v, v, two);
    }
    false
}

/// Whether n passes the extra strong Lucas test with parameter `p` (< n, from [`lucas_parameter`]).
#[cfg(test)]
pub(super) fn is_extra_strong_lucas_probable_prime(m: &Montgomery, p: u64) -> bool {
    let n = m.n;
    let s = (n + 1).trailing_zeros();
    let (p, two) = (m.to_montgomery(p), m.add(m.one, m.one));
    let (_, v, w) = power_of_two_and_lucas_v(m, 0, (n + 1) >> s, p, two);
    extra_strong_lucas_tail(m, v, w, p, two, s)
}

/// Baillie-PSW for odd n with 5 <= n < 2^64 - 1: whether n is prime, or None if no Lucas
/// parameter was found (the caller must decide otherwise).
pub(super) fn is_prime(m: &Montgomery) -> Option<bool> {
    let n = m.n;
    let p = match lucas_parameter(n) {
        LucasParameter::Found(p) => p,
        LucasParameter::Composite => return Some(false),
        LucasParameter::NotFound => return None,
    };
    let s_minus = (n - 1).trailing_zeros();
    let s_plus = (n + 1).trailing_zeros();
    let two = m.add(m.one, m.one);
    // P is far below n for every caller's n; reducing it costs nothing and keeps tiny n valid
    // (the sequence mod n depends only on P mod n).
    let p = m.to_montgomery(p % n);
    let (x, v, w) = power_of_two_and_lucas_v(m, (n - 1) >> s_minus, (n + 1) >> s_plus, p, two);
    Some(super::strong_tail(m, x, s_minus) && extra_strong_lucas_tail(m, v, w, p, two, s_plus))
}
