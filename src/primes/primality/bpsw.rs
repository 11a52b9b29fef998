//! Baillie-PSW: a strong probable-prime test to base 2 plus the extra strong Lucas test with
//! Q = 1 and P = 3, 4, 5, ..., the first with Jacobi(P^2 - 4, n) = -1 (Baillie's method C).
//! No composite below 2^64 passes both: every base-2 strong pseudoprime below 2^64 is in
//! Feitsma's list, and Jacobsen checked that the list holds no extra strong Lucas pseudoprime.
//!
//! The two tests are independent chains of Montgomery products, about 64 steps each; they run
//! interleaved in one loop so the CPU overlaps their latencies, and a prime costs about one
//! chain's time rather than two.

use crate::primes::arith::montgomery::Montgomery;
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

/// Both halves of Baillie-PSW for odd n >= 5, n < 2^64 - 1, with Lucas parameter `p` (< n):
/// whether n is a strong probable prime to base 2, and whether it is an extra strong Lucas
/// probable prime. With n - 1 = d 2^s and n + 1 = d' 2^s' (d, d' odd):
/// - base 2: 2^d = 1, or 2^(d 2^r) = -1 for some 0 <= r < s;
/// - Lucas (Q = 1): U_d' = 0 and V_d' = +-2, or V_(d' 2^r) = 0 for some 0 <= r < s' - 1.
///   U_d' itself is never computed: D U_d' = 2 V_(d'+1) - P V_d', and D = P^2 - 4 is
///   invertible mod n.
///
/// Each test is a chain of Montgomery products, first over its odd part's bits, then squaring.
/// The two chains run side by side throughout, so the CPU overlaps their latencies: first both
/// odd parts; then whichever has bits left beside the other's first squarings; then the
/// squarings left. A prime whose n - 1 or n + 1 holds a large power of two (2^61 - 1,
/// 27 2^59 + 1) so costs about as much as another, not a second chain's length more.
/// - 2^d goes right to left (2^(2^i) squared on one chain, multiplied into the result on the
///   other): no doubling sits between two products on a chain.
/// - The Lucas ladder goes over d''s bits from the top: V_2j = V_j^2 - 2 and
///   V_(2j+1) = V_j V_(j+1) - P; its squarings are V_(2j) = V_j^2 - 2.
///
/// Conditional moves replace branches on the bits (a branch per random bit would mispredict half
/// the time); the squarings' checks are flags, with no early exit (most numbers here are prime).
#[inline(always)]
pub(super) fn probable_prime_tests(m: &Montgomery, p: u64) -> (bool, bool) {
    let n = m.n;
    debug_assert!(n % 2 == 1 && (5..u64::MAX).contains(&n) && p < n);
    let (s, s_lucas) = ((n - 1).trailing_zeros(), (n + 1).trailing_zeros());
    let (d, d_lucas) = ((n - 1) >> s, (n + 1) >> s_lucas);
    let (bits, bits_lucas) = (64 - d.leading_zeros(), 64 - d_lucas.leading_zeros());
    let (two, minus_one, p) = (m.add(m.one, m.one), m.n - m.one, m.to_montgomery(p));

    // 2^d: `power` is 2^(2^i), `result` collects the set bits. e is read from its low bit and
    // shifted right, k from its top bit and shifted left: no index or variable shift lives in
    // the loops (they are short of registers as it is).
    let (mut power, mut result, mut e) = (two, m.one, d);
    macro_rules! base_2_bit {
        () => {{
            let product = m.mul(result, power);
            result = select_unpredictable(e & 1 == 1, product, result);
            power = m.mul(power, power);
            e >>= 1;
        }};
    }
    // (V_j, V_(j+1)) for j = the bits of d' read so far, from (V_0, V_1) = (2, P).
    let (mut v, mut w, mut k) = (two, p, d_lucas << (64 - bits_lucas));
    // The value squared next: V_j (bit 0, giving V_2j) or V_(j+1) (bit 1, giving V_(2j+2)).
    let mut half = select_unpredictable(k >> 63 == 1, w, v);
    macro_rules! lucas_bit {
        () => {{
            let bit = k >> 63 == 1;
            // Whether the next bit equals this one (after the last bit: anything, half is unused).
            let same_next_bit = (k ^ (k << 1)) >> 63 == 0;
            k <<= 1;
            let odd = m.mul_minus(v, w, p); // V_(2j+1)
            let even = m.mul_minus(half, half, two); // V_2j (bit 0) or V_(2j+2) (bit 1)
            (v, w) = (select_unpredictable(bit, odd, even), select_unpredictable(bit, even, odd));
            // Next half, straight from the products (one move on the chain, not two): V_2j' is
            // `even` after bit 0 and `odd` after bit 1, and the other way round for V_(2j'+1).
            half = select_unpredictable(same_next_bit, even, odd);
        }};
    }
    // Squarings: x (2^d, once the base-2 chain's bits are done) is 2^(d 2^r) after r of them,
    // checked for r < s; V_(d' 2^r) is checked for r < s' - 1, then doubled.
    let mut x: u64;
    let (mut r, mut r_lucas) = (0u32, 0u32);
    let (mut base_2_minus_one, mut lucas_zero) = (false, false);
    macro_rules! base_2_square {
        () => {{
            x = m.mul(x, x);
            r += 1;
            base_2_minus_one |= (r < s) & (x == minus_one);
        }};
    }
    macro_rules! lucas_square {
        () => {{
            lucas_zero |= (r_lucas < s_lucas - 1) & (v == 0);
            v = m.mul_minus(v, v, two);
            r_lucas += 1;
        }};
    }

    for _ in 0..bits.min(bits_lucas) {
        base_2_bit!();
        lucas_bit!();
    }
    // The chain with bits left runs them beside the other's first squarings.
    let (mut v_d, mut w_d) = (v, w);
    if bits > bits_lucas {
        for _ in bits_lucas..bits {
            base_2_bit!();
            lucas_square!();
        }
        x = result;
    } else {
        x = result;
        for _ in bits..bits_lucas {
            lucas_bit!();
            base_2_square!();
        }
        (v_d, w_d) = (v, w);
    }
    // Extra squarings past either window are harmless: the checks ignore them.
    for _ in 0..(s - 1).saturating_sub(r).max((s_lucas - 1).saturating_sub(r_lucas)) {
        base_2_square!();
        lucas_square!();
    }
    let base_2_passes = result == m.one || result == minus_one || base_2_minus_one;
    let lucas_passes = lucas_zero || ((v_d == two || v_d == m.n - two) && m.add(w_d, w_d) == m.mul(p, v_d));
    (base_2_passes, lucas_passes)
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
    // P is far below n for every caller's n; reducing it costs nothing and keeps tiny n valid
    // (the sequence mod n depends only on P mod n).
    let (base_2, lucas) = probable_prime_tests(m, p % n);
    Some(base_2 && lucas)
}
