//! Arithmetic modulo an odd n > 1 in Montgomery form (x * 2^64 mod n): a product is three
//! multiplications and no division, the building block of both Miller-Rabin and the Lucas test.

/// Arithmetic modulo an odd n > 1 in Montgomery form x * 2^64 mod n.
pub(in crate::primes) struct Montgomery {
    pub(in crate::primes) n: u64,
    /// n^-1 mod 2^64.
    pub(in crate::primes) inv: u64,
    /// 2^64 mod n: the Montgomery form of 1.
    pub(in crate::primes) one: u64,
    /// 2^128 mod n: converts into Montgomery form.
    r2: u64,
}

impl Montgomery {
    pub(in crate::primes) fn new(n: u64) -> Self {
        debug_assert!(n % 2 == 1 && n > 1);
        // Newton's iteration doubles the correct low bits: n * n = 1 mod 8 gives 3, then 6..96.
        let mut inv = n;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n.wrapping_mul(inv)));
        }
        // 2^64 mod n (n odd, so never 0), then 2^128 mod n = (2^64 mod n) * 2^64 mod n: two
        // 128-by-64-bit remainders, each one `div` instruction on x86-64 (no __umodti3 call).
        let one = wide_remainder(1, 0, n);
        let r2 = wide_remainder(one, 0, n);
        Montgomery { n, inv, one, r2 }
    }

    /// t * 2^-64 mod n for t < n * 2^64. m * n matches t in its low word, so the low words
    /// cancel exactly and only the high words are subtracted (no 128-bit overflow for n near 2^64).
    #[inline(always)]
    pub(in crate::primes) fn reduce(&self, t: u128) -> u64 {
        self.reduce_minus(t, 0)
    }

    /// t * 2^-64 - c mod n for t < n * 2^64 and c < n. The high word of t is ready long before
    /// m * n, so c is subtracted from it off the critical path, and both outcomes of the final
    /// subtraction are formed at once: m * n's high word is 2 cycles from the result, not 6.
    #[inline(always)]
    pub(in crate::primes) fn reduce_minus(&self, t: u128, c: u64) -> u64 {
        let high = self.sub((t >> 64) as u64, c); // t < n * 2^64, so its high word is below n
        let m = (t as u64).wrapping_mul(self.inv);
        let mn_high = ((u128::from(m) * u128::from(self.n)) >> 64) as u64;
        // With a borrow the true value high - mn_high + n lies in [0, n): the wrapped sum is exact.
        subtract_mod(high, high.wrapping_add(self.n), mn_high)
    }

    #[inline(always)]
    pub(in crate::primes) fn mul(&self, a: u64, b: u64) -> u64 {
        self.reduce(u128::from(a) * u128::from(b))
    }

    /// a * b - c mod n (all in Montgomery form).
    #[inline(always)]
    pub(in crate::primes) fn mul_minus(&self, a: u64, b: u64, c: u64) -> u64 {
        self.reduce_minus(u128::from(a) * u128::from(b), c)
    }

    /// a - b mod n, for a, b < n.
    #[inline(always)]
    pub(in crate::primes) fn sub(&self, a: u64, b: u64) -> u64 {
        let (r, borrow) = a.overflowing_sub(b);
        if borrow {
            r.wrapping_add(self.n)
        } else {
            r
        }
    }

    /// a + b mod n, for a, b < n (the sum may carry out of 64 bits when n is near 2^64).
    #[inline(always)]
    pub(in crate::primes) fn add(&self, a: u64, b: u64) -> u64 {
        let (sum, carry) = a.overflowing_add(b);
        let (reduced, borrow) = sum.overflowing_sub(self.n);
        if carry || !borrow {
            reduced
        } else {
            sum
        }
    }

    /// a * 2^64 mod n, for a < n.
    pub(in crate::primes) fn to_montgomery(&self, a: u64) -> u64 {
        debug_assert!(a < self.n);
        self.mul(a, self.r2)
    }
}

/// a - b, or a_plus_n - b (= a + n - b, wrapping) if a < b: both differences at once, then one
/// conditional move (LLVM would fold the second into an add after the first, a cycle more on
/// every Montgomery product's dependency chain).
#[inline(always)]
pub(in crate::primes) fn subtract_mod(a: u64, a_plus_n: u64, b: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut r = a;
        // SAFETY: register-only arithmetic (two subtractions and a conditional move): no memory,
        // no stack, and the flags it clobbers are declared clobbered by default.
        unsafe {
            core::arch::asm!(
                "sub {r_plus_n}, {b}",
                "sub {r}, {b}",
                "cmovb {r}, {r_plus_n}",
                r = inout(reg) r,
                r_plus_n = inout(reg) a_plus_n => _,
                b = in(reg) b,
                options(pure, nomem, nostack),
            );
        }
        r
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (r, borrow) = a.overflowing_sub(b);
        std::hint::select_unpredictable(borrow, a_plus_n.wrapping_sub(b), r)
    }
}

/// (high * 2^64 + low) mod n, for high < n (so the quotient fits in 64 bits).
#[inline(always)]
pub(in crate::primes) fn wide_remainder(high: u64, low: u64, n: u64) -> u64 {
    // A hard check: `div` with high >= n would raise a CPU fault (SIGFPE), not a panic.
    assert!(high < n, "wide_remainder: high word must be below the modulus");
    #[cfg(target_arch = "x86_64")]
    {
        let remainder: u64;
        // SAFETY: `div` divides rdx:rax by n; it faults only if n = 0 or the quotient exceeds
        // 64 bits, and high < n rules out both. It touches no memory and no flags we rely on.
        unsafe {
            core::arch::asm!(
                "div {n}",
                n = in(reg) n,
                inout("rax") low => _,
                inout("rdx") high => remainder,
                options(pure, nomem, nostack),
            );
        }
        remainder
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        ((u128::from(high) << 64 | u128::from(low)) % u128::from(n)) as u64
    }
}
