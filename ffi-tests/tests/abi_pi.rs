//! pi(x) through hpk_count_primes (long ranges go to Lagarias-Miller-Odlyzko) and hpk_nth_prime,
//! on the release library: the published tables (OEIS A006880, A007053, A006988) as far as a
//! test run affords (pi_cases::ci; `make test-pi-large` checks the rest), agreement with the
//! sieve on short windows, the n-th prime's brackets and edges, its bad input (rows like
//! bad_input.rs's) and cancellation.

use hpkern_ffi_tests::pi_cases::{self, Case};
use hpkern_ffi_tests::testkit::tables::PI_POW10;
use hpkern_ffi_tests::*;
use std::ffi::c_void;
use std::ptr;

const CANARY: u64 = 0xdead_beef_dead_beef;
/// The number of primes below 2^64 (OEIS A007053), the largest n hpk_nth_prime accepts.
const MAX_N: u64 = 425_656_284_035_217_743;

fn count_primes(lo: u64, hi: u64) -> u64 {
    let mut count = CANARY;
    let status = unsafe { (hpk().count_primes)(lo, hi, &mut count) };
    assert_eq!(status, HPK_OK, "count_primes({lo}, {hi}): {}", hpk().last_error());
    count
}

fn nth_prime(n: u64) -> Result<u64, (HpkStatus, String)> {
    let mut p = CANARY;
    let status = unsafe { (hpk().nth_prime)(n, &mut p) };
    if status == HPK_OK {
        Ok(p)
    } else {
        assert_eq!(p, CANARY, "nth_prime({n}) wrote its output on an error");
        Err((status, hpk().last_error()))
    }
}

fn is_prime(n: u64) -> bool {
    let mut out = false;
    assert_eq!(unsafe { (hpk().is_prime)(n, &mut out) }, HPK_OK);
    out
}

/// The CI share of the published values of one kind, each checked (all failures reported).
fn check_published(kind: fn(&Case) -> bool) {
    let cases: Vec<Case> = pi_cases::ci().into_iter().filter(kind).collect();
    assert!(cases.len() > 10, "{cases:?}");
    let failures: Vec<String> = cases.iter().filter_map(|c| c.check().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn pi_of_powers_of_ten_matches_the_published_table() {
    check_published(|c| matches!(c, Case::PiPow10(_)));
}

#[test]
fn pi_of_powers_of_two_matches_the_published_table() {
    check_published(|c| matches!(c, Case::PiPow2(_)));
}

#[test]
fn nth_prime_of_powers_of_ten_matches_the_published_table() {
    check_published(|c| matches!(c, Case::NthPow10(_)));
}

#[test]
fn ci_and_pi_large_split_every_published_value_between_them() {
    let (ci, large) = (pi_cases::ci(), pi_cases::large());
    assert_eq!(ci.len() + large.len(), pi_cases::all().len());
    assert!(ci.iter().all(|c| !large.contains(c)));
    for want in [Case::PiPow10(19), Case::PiPow2(63), Case::NthPow10(17), Case::PiPow10(0), Case::PiPow2(1)] {
        assert!(ci.contains(&want) || large.contains(&want), "{want:?}");
    }
    assert!(!ci.contains(&Case::PiPow10(19)) && !ci.contains(&Case::PiPow2(63)));
}

#[test]
fn long_ranges_by_pi_agree_with_short_sieved_windows() {
    let mut rng = 0x1234_5678_9abc_def1u64;
    for _ in 0..20 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let x = 1_000_000_000 + rng % 10_000_000_000_000;
        let w = 1 + (rng >> 40) % 1_000_000;
        assert_eq!(count_primes(0, x) - count_primes(0, x - w), count_primes(x - w, x), "[{}, {x})", x - w);
        assert_eq!(count_primes(x - w, x + w), count_primes(0, x + w) - count_primes(0, x - w));
    }
    // The top of the range, where only the published total is known cheaply.
    let top = count_primes(u64::MAX - 10_000_000, u64::MAX);
    assert!(top > 150_000 && top < 300_000, "{top}");
}

#[test]
fn nth_prime_values_brackets_and_the_top() {
    for (n, p) in [(1, 2), (2, 3), (4, 7), (1000, 7919), (1_000_000, 15_485_863), (1_000_000_000, 22_801_763_489)] {
        assert_eq!(nth_prime(n), Ok(p), "p_{n}");
    }
    assert_eq!(nth_prime(PI_POW10[12]), Ok(999_999_999_989));
    assert_eq!(nth_prime(PI_POW10[13] + 1), Ok(10_000_000_000_037));
    assert_eq!(nth_prime(MAX_N), Ok(18_446_744_073_709_551_557));
    assert_eq!(nth_prime(MAX_N - 1), Ok(18_446_744_073_709_551_533));
    for x in [10u64, 7919, 7920, 1 << 32, 999_999_999_989, 1_234_567_890_123] {
        let count = count_primes(0, x + 1);
        let (at, next) = (nth_prime(count).unwrap(), nth_prime(count + 1).unwrap());
        assert!(at <= x && x < next && is_prime(at) && is_prime(next), "x {x}: {at} {next}");
    }
}

#[test]
fn nth_prime_bad_input_rows() {
    for n in [0, MAX_N + 1, u64::MAX] {
        let (status, text) = nth_prime(n).unwrap_err();
        assert_eq!(status, HPK_ERR_INVALID_ARGUMENT, "n = {n}");
        assert!(text.contains("nth_prime") && text.contains(&n.to_string()), "{text}");
    }
    assert_eq!(unsafe { (hpk().nth_prime)(5, ptr::null_mut()) }, HPK_ERR_NULL_POINTER);
    let mut words = [CANARY; 2];
    let misaligned = unsafe { words.as_mut_ptr().cast::<u8>().add(1).cast::<u64>() };
    assert_eq!(unsafe { (hpk().nth_prime)(5, misaligned) }, HPK_ERR_INVALID_ARGUMENT);
    assert_eq!(words, [CANARY; 2]);
}

unsafe extern "C" fn cancel_at_once(user_data: *mut c_void, _done: u64, _total: u64) -> i32 {
    // SAFETY: the test passes a pointer to its u32 counter, alive for the call.
    unsafe { *user_data.cast::<u32>() += 1 };
    1
}

#[test]
fn pi_and_nth_prime_can_be_cancelled() {
    let mut reports = 0u32;
    let lib = hpk();
    let set = unsafe { (lib.set_progress_handler)(Some(cancel_at_once), (&mut reports as *mut u32).cast(), 10) };
    assert_eq!(set, HPK_OK);
    let mut out = CANARY;
    let counted = unsafe { (lib.count_primes)(0, 10_000_000_000_000_000, &mut out) };
    let nth = unsafe { (lib.nth_prime)(1 << 50, &mut out) };
    assert_eq!(unsafe { (lib.set_progress_handler)(None, ptr::null_mut(), 0) }, HPK_OK);
    assert_eq!((counted, nth), (HPK_ERR_CANCELLED, HPK_ERR_CANCELLED));
    assert_eq!(out, CANARY);
    assert!(reports >= 2);
}
