//! The small tables every LMO call builds up to y (about x^(1/3) log^2 x, a few million): the
//! primes, pi(n) for n <= y, and the least prime factor with the Moebius function of each n;
//! [`Lmo`] holds them with the parameters of one pi(x), shared by `lmo` and the leaf modules.

use crate::error::try_vec;
use crate::progress::Meter;
use crate::Error;

/// The primes up to y, 1-based: `primes[b]` is the b-th prime and `primes[0] = 0` (a sentinel),
/// plus pi(n) for n <= y from a bitmap of the odd primes with running counts per word.
pub(super) struct PrimeTable {
    pub(super) primes: Vec<u32>,
    /// Bit i of word w: whether 128 w + 2 i + 1 is prime.
    odd_prime_bits: Vec<u64>,
    /// Primes below 128 w (2 included when w > 0).
    counts: Vec<u32>,
    limit: u64,
}

impl PrimeTable {
    /// The primes up to `limit` (< 2^32), by a plain sieve of Eratosthenes; [`Error::Cancelled`]
    /// if `meter` is (looked at once per sieving prime: at most limit / 6 bits apart).
    pub(super) fn new(limit: u64, meter: &Meter) -> Result<PrimeTable, Error> {
        assert!(limit < 1 << 32);
        let words = (limit / 128 + 1) as usize;
        let mut bits = try_vec(words, !0u64, "the prime table")?;
        bits[0] &= !1; // 1 is not prime
        let mut p = 3;
        while p * p <= limit {
            if bits[(p / 128) as usize] >> ((p % 128) / 2) & 1 == 1 {
                meter.check()?;
                let mut m = p * p;
                while m <= limit {
                    bits[(m / 128) as usize] &= !(1u64 << ((m % 128) / 2));
                    m += 2 * p;
                }
            }
            p += 2;
        }
        // Clear the bits above limit.
        let top = limit / 128;
        let keep = (limit % 128).div_ceil(2); // bits of the last word that are <= limit
        bits[top as usize] &= if keep >= 64 { !0 } else { (1u64 << keep) - 1 };
        let mut counts = try_vec(words, 0u32, "the prime table")?;
        let mut running = u32::from(limit >= 2);
        for (count, word) in counts.iter_mut().zip(&bits) {
            *count = running;
            running += word.count_ones();
        }
        let mut primes = Vec::new();
        primes
            .try_reserve_exact(running as usize + 1)
            .map_err(|_| Error::OutOfMemory("cannot allocate the primes below y".into()))?;
        primes.push(0);
        if limit >= 2 {
            primes.push(2);
        }
        for (w, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                primes.push((128 * w as u64 + 2 * u64::from(rest.trailing_zeros()) + 1) as u32);
                rest &= rest - 1;
            }
        }
        Ok(PrimeTable { primes, odd_prime_bits: bits, counts, limit })
    }

    /// pi(n), for n <= the table's limit.
    #[inline(always)]
    pub(super) fn pi(&self, n: u64) -> u64 {
        debug_assert!(n <= self.limit);
        if n < 2 {
            return 0;
        }
        let w = (n / 128) as usize;
        let bits = (n % 128).div_ceil(2); // odd numbers 128 w + 1 .. n
        let mask = if bits >= 64 { !0 } else { (1u64 << bits) - 1 };
        u64::from(self.counts[w]) + u64::from((self.odd_prime_bits[w] & mask).count_ones())
    }
}

/// For each n <= y: 0 if n is not squarefree, else mu(n) * lpf(n) (the sign is the Moebius
/// function, the size the least prime factor); `i32::MAX` for n = 1 (no prime factor).
/// [`Error::Cancelled`] if `meter` is (looked at once per prime: at most y / 2 writes apart).
pub(super) fn moebius_lpf(y: u64, primes: &[u32], meter: &Meter) -> Result<Vec<i32>, Error> {
    assert!(y < 1 << 31);
    let n = y as usize + 1;
    let mut table = try_vec(n, 1i32, "the least prime factors")?;
    table[0] = 0;
    // Larger primes first, so the last one written (the smallest) is the least factor; the
    // sign flips once per prime factor; multiples of a square are zeroed after.
    for &p in primes[1..].iter().rev() {
        meter.check()?;
        let p = p as usize;
        for m in (p..n).step_by(p) {
            let sign = if table[m] < 0 { 1 } else { -1 };
            table[m] = sign * p as i32;
        }
    }
    for &p in &primes[1..] {
        let sq = p as usize * p as usize;
        if sq >= n {
            break;
        }
        meter.check()?;
        for m in (sq..n).step_by(sq) {
            table[m] = 0;
        }
    }
    table[1] = i32::MAX;
    Ok(table)
}

/// The product of the first [`PHI_C`] primes, and how many numbers in [1, P] are coprime to it.
const PRIMORIAL: u64 = 2 * 3 * 5 * 7 * 11 * 13;
const TOTIENT: u64 = 2 * 4 * 6 * 10 * 12;
/// phi(x, c) by table for the first c primes.
pub(super) const PHI_C: usize = 6;

/// phi(n, [`PHI_C`]): the numbers in [1, n] with no prime factor up to 13, from a table of one
/// period.
pub(super) struct PhiTiny {
    below: Vec<u16>,
}

impl PhiTiny {
    pub(super) fn new() -> Result<PhiTiny, Error> {
        let mut below = try_vec(PRIMORIAL as usize, 0u16, "the phi table")?;
        let mut count = 0u16;
        for (r, slot) in below.iter_mut().enumerate() {
            let r = r as u64;
            if r > 0 && [2, 3, 5, 7, 11, 13].iter().all(|p| !r.is_multiple_of(*p)) {
                count += 1;
            }
            *slot = count;
        }
        Ok(PhiTiny { below })
    }

    #[inline]
    pub(super) fn phi(&self, n: u64) -> u64 {
        n / PRIMORIAL * TOTIENT + u64::from(self.below[(n % PRIMORIAL) as usize])
    }
}

/// floor(cbrt(n)), exactly.
pub(super) fn icbrt(n: u64) -> u64 {
    let mut r = (n as f64).cbrt() as u64;
    let cube = |r: u64| u128::from(r) * u128::from(r) * u128::from(r);
    while cube(r) > u128::from(n) {
        r -= 1;
    }
    while cube(r + 1) <= u128::from(n) {
        r += 1;
    }
    r
}

/// The parameters and tables of one pi(x).
pub(super) struct Lmo {
    pub(super) x: u64,
    pub(super) y: u64,
    /// phi(., c) comes from [`PhiTiny`].
    pub(super) c: usize,
    /// pi(y) and pi(sqrt(y)).
    pub(super) a: usize,
    pub(super) pi_sqrty: usize,
    /// The largest b with hard leaves: p_b <= sqrt(x / (y + 1)).
    pub(super) max_b: usize,
    /// The sieve for the hard leaves covers [0, limit).
    pub(super) limit: u64,
    pub(super) table: PrimeTable,
    pub(super) mu_lpf: Vec<i32>,
}
