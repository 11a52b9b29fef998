//! The prime exports: the book's numbers, exactness at the edges, agreement with a sieve and the
//! lists of hpk_primes_in_range. Error statuses (NULL, alignment, sizes, overlap) and the
//! size-query protocol (HPK_ERR_BUFFER_TOO_SMALL) are rows of the table in bad_input.rs.

use hpkern_ffi_tests::*;
use std::ptr;
use std::sync::OnceLock;

const CANARY: u64 = 0xdead_beef_dead_beef;
const BOOL_CANARY: u8 = 0xa5;
const SIEVE_LIMIT: usize = 100_000;

fn small_primes() -> &'static [bool] {
    static SIEVE: OnceLock<Vec<bool>> = OnceLock::new();
    SIEVE.get_or_init(|| sieve(SIEVE_LIMIT))
}

fn smallest_factor(n: u64, from: u64, to: u64) -> u64 {
    let mut factor = CANARY;
    let status = unsafe { (hpk().smallest_factor_in_range)(n, from, to, &mut factor) };
    assert_eq!(status, HPK_OK, "smallest_factor_in_range({n}, {from}, {to}): {}", hpk().last_error());
    assert_ne!(factor, CANARY);
    factor
}

fn is_prime(n: u64) -> bool {
    let mut out = false;
    let status = unsafe { (hpk().is_prime)(n, &mut out) };
    assert_eq!(status, HPK_OK);
    out
}

fn check_prime(n: u64) -> bool {
    let mut out = [BOOL_CANARY];
    let status = unsafe { (hpk().check_prime)(n, out.as_mut_ptr().cast()) };
    assert_eq!(status, HPK_OK, "check_prime({n}): {}", hpk().last_error());
    assert!(out[0] <= 1, "check_prime wrote {} into a bool", out[0]);
    out[0] == 1
}

fn count_primes(lo: u64, hi: u64) -> u64 {
    let mut count = CANARY;
    let status = unsafe { (hpk().count_primes)(lo, hi, &mut count) };
    assert_eq!(status, HPK_OK, "count_primes({lo}, {hi}): {}", hpk().last_error());
    count
}

fn primes_in_range(lo: u64, hi: u64) -> Vec<u64> {
    let mut required = CANARY as usize;
    let status = unsafe { (hpk().primes_in_range)(lo, hi, ptr::null_mut(), 0, &mut required) };
    assert!(status == HPK_OK || status == HPK_ERR_BUFFER_TOO_SMALL, "size query of [{lo}, {hi}): {status}");
    assert_eq!(status == HPK_OK, required == 0);
    let mut primes = vec![CANARY; required];
    let mut written = CANARY as usize;
    let status = unsafe { (hpk().primes_in_range)(lo, hi, primes.as_mut_ptr(), primes.len(), &mut written) };
    assert_eq!(status, HPK_OK, "primes_in_range({lo}, {hi}): {}", hpk().last_error());
    assert_eq!(written, required);
    primes
}

fn batch(numbers: &[u64]) -> Vec<bool> {
    let mut out = vec![BOOL_CANARY; numbers.len()];
    let status = unsafe { (hpk().is_prime_batch)(numbers.as_ptr(), numbers.len(), out.as_mut_ptr().cast()) };
    assert_eq!(status, HPK_OK, "is_prime_batch: {}", hpk().last_error());
    out.iter()
        .map(|&b| {
            assert!(b <= 1, "is_prime_batch wrote {b} into a bool");
            b == 1
        })
        .collect()
}

// The book's numbers.
const BOOK_COMPOSITE_A: u64 = 112_272_535_095_295; // 5 x 109 x 206004651551
const BOOK_COMPOSITE_B: u64 = 100_109_100_129_100_369; // 95362951 x 1049769319
const BOOK_COMPOSITE_C: u64 = 100_109_100_129_101_027; // 171656941 x 583192847
const BOOK_PRIME_A: u64 = 100_109_100_129_100_151;
const BOOK_PRIME_B: u64 = 100_109_100_129_162_907;

#[test]
fn book_factorisations() {
    assert_eq!(5 * 109 * 206_004_651_551, BOOK_COMPOSITE_A);
    assert_eq!(95_362_951 * 1_049_769_319, BOOK_COMPOSITE_B);
    assert_eq!(171_656_941 * 583_192_847, BOOK_COMPOSITE_C);

    // 112272535095295: divisors 5, 109, 545, 206004651551, ...
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 2, 1000), 5);
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 0, 1000), 5);
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 6, 1000), 109);
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 6, 109), 0, "the range is half-open");
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 6, 110), 109);
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 110, 1000), 545, "every d is considered, not only primes");
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 206_004_651_551 - 1_000_000, 206_004_651_551 + 10), 206_004_651_551);
    assert_eq!(smallest_factor(BOOK_COMPOSITE_A, 206_004_651_551 - 1_000_000, 206_004_651_551), 0);

    for (n, p, q) in [(BOOK_COMPOSITE_B, 95_362_951, 1_049_769_319), (BOOK_COMPOSITE_C, 171_656_941, 583_192_847)] {
        assert_eq!(smallest_factor(n, p - 1_000_000, p + 1_000_000), p, "{n} = {p} x {q}");
        assert_eq!(smallest_factor(n, p - 1_000_000, p), 0, "{n} below {p}");
        assert_eq!(smallest_factor(n, p + 1, p + 2_000_000), 0, "{n} just above {p}");
        assert_eq!(smallest_factor(n, q - 1_000_000, q + 1), q, "{n} = {p} x {q}");
        assert_eq!(smallest_factor(n, 2, 1_000_000), 0, "{n} has no small factor");
    }

    // Miller-Rabin on all five.
    for n in [BOOK_COMPOSITE_A, BOOK_COMPOSITE_B, BOOK_COMPOSITE_C] {
        assert!(!is_prime(n), "{n} is composite");
    }
    for n in [BOOK_PRIME_A, BOOK_PRIME_B] {
        assert!(is_prime(n), "{n} is prime");
    }
}

#[test]
fn book_trial_division() {
    // One 18-digit prime by trial division (candidates up to sqrt(n), about 3 x 10^8), and composites that stop early.
    assert!(check_prime(BOOK_PRIME_A));
    assert!(!check_prime(BOOK_COMPOSITE_A));
    assert!(!check_prime(BOOK_COMPOSITE_B), "found at 95362951");
    // Exact edge cases (the book's own are wrong).
    for (n, want) in [(0, false), (1, false), (2, true), (3, true), (4, false), (9, false), (25, false), (49, false)] {
        assert_eq!(check_prime(n), want, "check_prime({n})");
    }
    // Agreement with the sieve below 2000 and with Miller-Rabin on larger random numbers.
    for n in 0..2000u64 {
        assert_eq!(check_prime(n), small_primes()[n as usize], "check_prime({n})");
    }
    let mut rng = Rng::new(99);
    for _ in 0..60 {
        let n = 1_000_000_000 + rng.below(1_000_000_000_000);
        assert_eq!(check_prime(n), is_prime(n), "check_prime vs is_prime on {n}");
    }
    assert!(check_prime(1_000_000_000_039) && check_prime(4_294_967_291));
    assert!(!check_prime(4_294_967_291 * 3) && !check_prime(1_000_003 * 1_000_033));
}

#[test]
fn smallest_factor_is_exact_at_the_edges() {
    assert_eq!(smallest_factor(12, 4, 13), 4, "every d, not only odd ones or primes");
    assert_eq!(smallest_factor(12, 0, 13), 2, "max(from, 2)");
    assert_eq!(smallest_factor(12, 5, 6), 0);
    assert_eq!(smallest_factor(12, 5, 13), 6);
    assert_eq!(smallest_factor(12, 7, 13), 12, "n itself when in range");
    assert_eq!(smallest_factor(12, 7, 12), 0);
    assert_eq!(smallest_factor(7, 2, 8), 7);
    assert_eq!(smallest_factor(7, 2, 7), 0);
    // n = 0 is divisible by everything; n = 1 by nothing >= 2.
    assert_eq!(smallest_factor(0, 0, 10), 2);
    assert_eq!(smallest_factor(0, 7, 8), 7);
    assert_eq!(smallest_factor(0, 1000, 1001), 1000);
    assert_eq!(smallest_factor(1, 0, 100_000), 0);
    assert_eq!(smallest_factor(1, 1, 2), 0);
    // Empty ranges.
    for (n, from, to) in
        [(100, 10, 10), (100, 20, 10), (100, 0, 0), (100, 0, 2), (0, 5, 5), (0, 0, 1), (u64::MAX, u64::MAX, u64::MAX)]
    {
        assert_eq!(smallest_factor(n, from, to), 0, "[{from}, {to}) for {n}");
    }
    // 2^64 - 1 = 3 x 5 x 17 x 257 x 641 x 65537 x 6700417.
    assert_eq!(smallest_factor(u64::MAX, 2, 100), 3);
    assert_eq!(smallest_factor(u64::MAX, 4, 100), 5);
    assert_eq!(smallest_factor(u64::MAX, 258, 100_000), 641);
    // Composite divisors count too: the first one above 65537 is 3 x 5 x 17 x 641.
    let brute = (65_538..).find(|d| u64::MAX % d == 0).unwrap();
    assert_eq!(brute, 163_455);
    assert_eq!(smallest_factor(u64::MAX, 65_538, 10_000_000), brute);
    assert_eq!(smallest_factor(u64::MAX, 6_700_000, 6_800_000), 6_700_417);
    // The largest primes, against the sieve.
    let mut rng = Rng::new(5);
    for _ in 0..300 {
        let n = 2 + rng.below(SIEVE_LIMIT as u64 - 2);
        let want = (2..=n).find(|d| n % d == 0).unwrap();
        assert_eq!(smallest_factor(n, 0, n + 1), want, "smallest factor of {n}");
        assert_eq!(want == n, small_primes()[n as usize]);
    }
}

/// Numbers whose primality is known, beyond the sieve.
const KNOWN: &[(u64, bool)] = &[
    (561, false), // Carmichael numbers
    (1105, false),
    (1729, false),
    (2465, false),
    (2821, false),
    (6601, false),
    (8911, false),
    (2047, false), // strong pseudoprimes to base 2
    (3277, false),
    (4033, false),
    (3_215_031_751, false),                 // to bases 2, 3, 5, 7
    (341_550_071_728_321, false),           // to bases 2..=17: 10670053 x 32010157
    (3_825_123_056_546_413_051, false),     // to bases 2..=23: 149491 x 747451 x 34233211
    (4_294_967_291 * 4_294_967_279, false), // two 32-bit primes
    (4_294_967_291, true),                  // 2^32 - 5
    (2_305_843_009_213_693_951, true),      // 2^61 - 1
    (4_611_686_018_427_387_847, true),      // 2^62 - 57
    (9_223_372_036_854_775_783, true),      // 2^63 - 25
    (u64::MAX - 58, true),                  // 2^64 - 59, the largest 64-bit prime
    (u64::MAX, false),
    (u64::MAX - 1, false),
    (1 << 63, false),
    (BOOK_PRIME_A, true),
    (BOOK_PRIME_B, true),
    (BOOK_COMPOSITE_B, false),
];

#[test]
fn is_prime_matches_the_sieve_and_known_numbers() {
    let sieve = small_primes();
    for (n, &want) in sieve.iter().enumerate() {
        assert_eq!(is_prime(n as u64), want, "is_prime({n})");
    }
    for &(n, want) in KNOWN {
        assert_eq!(is_prime(n), want, "is_prime({n})");
    }
    assert_eq!(3_825_123_056_546_413_051u64, 149_491 * 747_451 * 34_233_211);
    assert_eq!(341_550_071_728_321u64, 10_670_053 * 32_010_157);
    assert_eq!(3_215_031_751u64, 151 * 751 * 28_351);
    assert_eq!(smallest_factor(4_294_967_291 * 4_294_967_279, 4_294_967_279 - 1_000_000, 4_294_967_280), 4_294_967_279);
}

#[test]
fn is_prime_batch_matches_the_sieve() {
    let numbers: Vec<u64> = (0..SIEVE_LIMIT as u64).collect();
    let got = batch(&numbers);
    assert_eq!(got, small_primes().to_vec());
    let known: Vec<u64> = KNOWN.iter().map(|k| k.0).collect();
    let got = batch(&known);
    for (k, &(n, want)) in KNOWN.iter().enumerate() {
        assert_eq!(got[k], want, "is_prime_batch on {n}");
    }
    // Unordered input with repeats.
    let mut rng = Rng::new(11);
    let numbers: Vec<u64> = (0..5000).map(|_| rng.below(SIEVE_LIMIT as u64)).collect();
    let got = batch(&numbers);
    for (k, &n) in numbers.iter().enumerate() {
        assert_eq!(got[k], small_primes()[n as usize], "{n}");
    }
}

#[test]
fn count_primes_matches_known_counts_and_the_sieve() {
    assert_eq!(count_primes(0, 1_000_000), 78_498);
    assert_eq!(count_primes(0, 1_000_000_000), 50_847_534);
    assert_eq!(count_primes(0, 100), 25);
    assert_eq!(count_primes(0, 2), 0);
    assert_eq!(count_primes(0, 3), 1);
    assert_eq!(count_primes(2, 3), 1);
    assert_eq!(count_primes(3, 3), 0);
    assert_eq!(count_primes(10, 5), 0, "lo >= hi gives 0");
    assert_eq!(count_primes(u64::MAX, u64::MAX), 0);
    assert_eq!(count_primes(u64::MAX, 0), 0);
    // Prefix counts from the sieve.
    let sieve = small_primes();
    let mut prefix = vec![0u64; SIEVE_LIMIT + 1];
    for n in 0..SIEVE_LIMIT {
        prefix[n + 1] = prefix[n] + sieve[n] as u64;
    }
    let mut rng = Rng::new(17);
    for _ in 0..300 {
        let (a, b) = (rng.below(SIEVE_LIMIT as u64 + 1), rng.below(SIEVE_LIMIT as u64 + 1));
        let (lo, hi) = (a.min(b), a.max(b));
        assert_eq!(count_primes(lo, hi), prefix[hi as usize] - prefix[lo as usize], "[{lo}, {hi})");
    }
    // Far from zero, against Miller-Rabin.
    for lo in [1_000_000_000_000u64, 1_000_000_000_000_000, BOOK_PRIME_A - 20_000] {
        let numbers: Vec<u64> = (lo..lo + 50_000).collect();
        let want = batch(&numbers).iter().filter(|&&p| p).count() as u64;
        assert_eq!(count_primes(lo, lo + 50_000), want, "[{lo}, {lo} + 50000)");
        assert!(want > 1000);
    }
}

#[test]
fn primes_in_range_lists() {
    let want: Vec<u64> = (0..1000u64).filter(|&n| small_primes()[n as usize]).collect();
    assert_eq!(want.len(), 168);
    assert_eq!(primes_in_range(0, 1000), want);
    assert_eq!(primes_in_range(0, SIEVE_LIMIT as u64).len(), 9592);
    assert_eq!(primes_in_range(7, 8), vec![7]);
    assert_eq!(primes_in_range(8, 11), Vec::<u64>::new());
    assert_eq!(primes_in_range(BOOK_PRIME_A, BOOK_PRIME_A + 1), vec![BOOK_PRIME_A]);
    let far: Vec<u64> = primes_in_range(1_000_000_000_000, 1_000_000_001_000);
    assert!(far.windows(2).all(|w| w[0] < w[1]), "ascending");
    let by_mr: Vec<u64> = (1_000_000_000_000..1_000_000_001_000).filter(|&n| is_prime(n)).collect();
    assert_eq!(far, by_mr);
}
