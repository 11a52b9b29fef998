//! Prime references: slow, plain, and independent of the library's sieve, wheel and Montgomery
//! code.

/// The Miller-Rabin bases: the first 12 primes, a deterministic set for every n < 3.3 * 10^24.
const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

fn mulmod(a: u64, b: u64, m: u64) -> u64 {
    (u128::from(a) * u128::from(b) % u128::from(m)) as u64
}

fn powmod(mut base: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    base %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, base, m);
        }
        base = mulmod(base, base, m);
        e >>= 1;
    }
    r
}

/// Whether `n` is prime: Miller-Rabin with the first 12 prime bases (deterministic far beyond
/// 2^64), in plain u128 arithmetic. The one primality reference of the test crates.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if let Some(&p) = BASES.iter().find(|&&p| n % p == 0) {
        return n == p;
    }
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    BASES.iter().all(|&a| {
        let mut x = powmod(a, d, n);
        if x == 1 || x == n - 1 {
            return true;
        }
        (1..s).any(|_| {
            x = mulmod(x, x, n);
            x == n - 1
        })
    })
}

/// The primes in [lo, hi), ascending, by [`is_prime`] (a short range only).
pub fn primes_in(lo: u64, hi: u64) -> Vec<u64> {
    (lo..hi).filter(|&n| is_prime(n)).collect()
}

/// How many primes lie in [lo, hi), by [`is_prime`] (a short range only).
pub fn count_in(lo: u64, hi: u64) -> u64 {
    (lo..hi).filter(|&n| is_prime(n)).count() as u64
}

/// Primality of 0..n by the sieve of Eratosthenes (for tables of many small numbers).
pub fn sieve(n: usize) -> Vec<bool> {
    let mut prime = vec![true; n];
    for p in prime.iter_mut().take(2) {
        *p = false;
    }
    let mut i = 2;
    while i * i < n {
        if prime[i] {
            for m in (i * i..n).step_by(i) {
                prime[m] = false;
            }
        }
        i += 1;
    }
    prime
}

/// The smallest divisor d of n with max(from, 2) <= d < to, or 0, by trying every candidate (a
/// short range only). Every d divides n = 0.
pub fn smallest_factor_in(n: u64, from: u64, to: u64) -> u64 {
    (from.max(2)..to).find(|&d| n == 0 || n % d == 0).unwrap_or(0)
}

/// The largest r with r * r <= n.
pub fn isqrt(n: u64) -> u64 {
    let mut r = (n as f64).sqrt() as u64;
    while u128::from(r) * u128::from(r) > u128::from(n) {
        r -= 1;
    }
    while u128::from(r + 1) * u128::from(r + 1) <= u128::from(n) {
        r += 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;

    /// Trial division by every d <= sqrt(n): the slow definition the references are checked
    /// against.
    fn by_trial_division(n: u64) -> bool {
        n >= 2 && (2..).take_while(|&d| d <= isqrt(n)).all(|d| n % d != 0)
    }

    #[test]
    fn is_prime_agrees_with_the_sieve_below_10_6() {
        let table = sieve(1_000_000);
        for (n, &p) in table.iter().enumerate() {
            assert_eq!(is_prime(n as u64), p, "{n}");
        }
        assert_eq!(table.iter().filter(|&&p| p).count(), 78_498, "pi(10^6)");
    }

    #[test]
    fn is_prime_agrees_with_trial_division_on_random_numbers_below_2_40() {
        let mut rng = Rng::new(7);
        for _ in 0..3000 {
            let n = rng.next_u64() >> 24;
            assert_eq!(is_prime(n), by_trial_division(n), "{n}");
        }
    }

    #[test]
    fn is_prime_on_pseudoprimes_and_edges() {
        // Carmichael numbers and strong pseudoprimes to the smaller base sets: all composite.
        for n in [561u64, 1105, 3_215_031_751, 2_152_302_898_747, 3_474_749_660_383, 341_550_071_728_321] {
            assert!(!is_prime(n), "{n}");
            assert!(!by_trial_division(n), "{n}");
        }
        assert!(!is_prime(3_825_123_056_546_413_051)); // 149491 x 747451 x 34233211
        assert!(!is_prime(18_446_744_030_759_878_681)); // 4294967291^2
        for p in [2u64, 3, 37, 41, 4_294_967_291, 4_294_967_311, 1_000_000_007, u64::MAX - 58] {
            assert!(is_prime(p), "{p}");
        }
        assert!(!is_prime(u64::MAX) && !is_prime(0) && !is_prime(1));
    }

    #[test]
    fn ranges_and_factors() {
        assert_eq!(primes_in(0, 30), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!(count_in(0, 100), 25);
        assert_eq!(count_in(10, 10), 0);
        assert_eq!(smallest_factor_in(91, 0, 100), 7);
        assert_eq!(smallest_factor_in(91, 8, 13), 0);
        assert_eq!(smallest_factor_in(0, 5, 9), 5);
        assert_eq!(smallest_factor_in(97, 2, 97), 0);
        for n in [0u64, 1, 3, 4, 15, 16, 17, u64::MAX, (1 << 32) * ((1 << 32) - 1), 4_294_967_295 * 4_294_967_295] {
            let r = isqrt(n);
            assert!(u128::from(r) * u128::from(r) <= u128::from(n), "{n}");
            assert!(u128::from(r + 1) * u128::from(r + 1) > u128::from(n), "{n}");
        }
    }
}
