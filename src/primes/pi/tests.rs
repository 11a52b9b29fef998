//! pi(x) and the n-th prime against published tables and the sieve.

use super::lmo;
use crate::pool::Par;
use crate::primes::{count_primes, is_prime};
use crate::progress::Meter;
use crate::Error;
use hpkern_testkit::tables::{PI_POW10, PI_POW2};
use hpkern_testkit::Rng;

/// LMO itself (not the dispatch), serially.
fn lmo_pi(x: u64) -> u64 {
    lmo::pi(x, Par::serial(), &super::Units::plain(Meter::off())).unwrap()
}

#[test]
fn lmo_matches_the_tables_up_to_10_to_the_13() {
    for (k, &want) in PI_POW10.iter().enumerate().take(14).skip(5) {
        assert_eq!(lmo_pi(10u64.pow(k as u32)), want, "pi(10^{k})");
    }
    for (k, &want) in PI_POW2.iter().enumerate().take(44).skip(14) {
        assert_eq!(lmo_pi(1 << k), want, "pi(2^{k})");
    }
}

/// pi(x) by Lucy's method, an independent algorithm (x <= 2^44).
fn lucy_pi(x: u64) -> u64 {
    super::prime_pi(x, Meter::off()).unwrap()
}

#[test]
fn lmo_equals_lucy_for_random_x_many_small_fewer_large() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    for i in 0..1500 {
        // x spread over [10^4, 10^11): most small, a few large.
        let digits = if i % 100 == 0 {
            11
        } else if i % 10 == 0 {
            9
        } else {
            7
        };
        let x = lmo::MIN_X + rng.next_u64() % 10u64.pow(digits);
        assert_eq!(lmo_pi(x), lucy_pi(x), "pi({x})");
    }
}

#[test]
fn lmo_around_squares_and_cubes_of_primes() {
    for p in [97u64, 101, 1009, 4001, 9973, 10007, 21_523, 46_337] {
        let mut xs = vec![p * p - 1, p * p, p * p + 1];
        if p * p * p < 100_000_000_000 {
            xs.extend([p * p * p - 1, p * p * p, p * p * p + 1]);
        }
        for x in xs.into_iter().filter(|&x| x >= lmo::MIN_X) {
            assert_eq!(lmo_pi(x), lucy_pi(x), "pi({x}), around {p}^2 or {p}^3");
        }
    }
}

#[test]
fn short_windows_of_lmo_match_the_sieve() {
    // pi(x) - pi(x - w) against the segmented sieve's count of (x - w, x], high up too.
    let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
    for _ in 0..8 {
        let x = 1_000_000 + rng.next_u64() % 100_000_000_000;
        let w = 1 + rng.next_u64() % 100_000;
        assert_eq!(lmo_pi(x) - lmo_pi(x - w), count_primes(x - w + 1, x + 1).unwrap(), "({}, {x}]", x - w);
    }
}

#[test]
fn the_public_pi_and_count_primes_dispatch_agree() {
    for x in [0u64, 1, 2, 3, 10, 100, (1 << 26) - 1, 1 << 26, 1_000_000_000] {
        assert_eq!(super::pi(x, None).unwrap(), lucy_pi(x), "pi({x})");
    }
    assert_eq!(count_primes(0, 10_000_000_001).unwrap(), PI_POW10[10]);
    assert_eq!(count_primes(1_000_000_000, 10_000_000_001).unwrap(), PI_POW10[10] - PI_POW10[9]);
    assert_eq!(count_primes(5, 100_000_000_000).unwrap(), PI_POW10[11] - 2);
}

#[test]
fn nth_prime_brackets_pi_and_known_values() {
    use crate::primes::nth::{estimate, MAX_N};
    let nth = |n| crate::primes::nth::nth_prime(n, None).unwrap();
    for (n, p) in
        [(1, 2), (2, 3), (3, 5), (1000, 7919), (1001, 7927), (1_000_000, 15_485_863), (50_847_534, 999_999_937)]
    {
        assert_eq!(nth(n), p, "p_{n}");
    }
    let mut rng = Rng::new(0xdead_beef_1234_5678);
    for i in 0..200 {
        let x = 2 + rng.next_u64() % if i % 50 == 0 { 100_000_000_000 } else { 10_000_000 };
        let count = lucy_pi(x);
        let (at, next) = (nth(count), nth(count + 1));
        assert!(at <= x && x < next && is_prime(at) && is_prime(next), "x {x}: p_{count} = {at}, next {next}");
    }
    // The top: the largest prime below 2^64 and the one before it.
    assert_eq!(nth(MAX_N), 18_446_744_073_709_551_557);
    assert_eq!(nth(MAX_N - 1), 18_446_744_073_709_551_533);
    for bad in [0, MAX_N + 1, u64::MAX] {
        assert!(matches!(crate::primes::nth::nth_prime(bad, None), Err(Error::InvalidArgument(_))), "n = {bad}");
    }
    for n in [1001u64, 1_000_000, 10_000_000_000, 1 << 40] {
        let e = estimate(n) as f64;
        let p = (n as f64) * (n as f64).ln();
        assert!(e > 0.9 * p && e < 1.3 * p, "estimate({n}) = {e}");
    }
}

#[test]
fn cancelled_meters_stop_pi_and_nth() {
    let cancelled = Meter::cancelled_for_tests();
    assert_eq!(lmo::pi(1 << 40, Par::serial(), &super::Units::plain(&cancelled)), Err(Error::Cancelled));
    assert_eq!(super::pi_metered(1 << 40, &cancelled), Err(Error::Cancelled));
    let mut calls = 0;
    let mut stop = |_: u64, _: u64| {
        calls += 1;
        true
    };
    let mut progress = crate::progress::Progress::new(&mut stop, std::time::Duration::from_millis(1));
    assert_eq!(crate::primes::nth::nth_prime(1 << 45, Some(&mut progress)), Err(Error::Cancelled));
    assert!(calls >= 1);
}

#[test]
fn every_phase_of_lmo_stops_on_a_cancelled_meter() {
    use super::tables::{moebius_lpf, PrimeTable};
    let cancelled = Meter::cancelled_for_tests();
    let units = super::Units::plain(&cancelled);
    // The tables at the largest y (the work before the first leaf).
    assert!(matches!(PrimeTable::new(15_000_000, &cancelled), Err(Error::Cancelled)));
    let table = PrimeTable::new(1_000_000, Meter::off()).unwrap();
    assert_eq!(moebius_lpf(1_000_000, &table.primes, &cancelled), Err(Error::Cancelled));
    // Each sum of leaves on its own, with the tables of a large x built unmetered.
    let lmo = lmo::tables(1 << 50, Meter::off()).unwrap();
    assert_eq!(lmo::ordinary_leaves(&lmo, &units), Err(Error::Cancelled));
    assert_eq!(super::s2::hard_leaves(&lmo, Par::serial(), &units), Err(Error::Cancelled));
    assert_eq!(super::easy::easy_leaves(&lmo, Par::serial(), &units), Err(Error::Cancelled));
    assert_eq!(
        super::p2::p2(lmo.x, lmo.y, lmo.a as u64, lucy_pi(1 << 25), Par::serial(), &units),
        Err(Error::Cancelled)
    );
}

#[test]
fn a_progress_handler_cancels_pi_near_the_top_after_n_reports() {
    // The handler's n-th report asks to stop; the call must end with Cancelled (not the count)
    // wherever in pi(x) the request lands, for x whose work takes minutes.
    for (x, n) in [(1_000_000_000_000_000_000u64, 1u32), (u64::MAX, 1), (1 << 62, 4), (u64::MAX, 12)] {
        let mut calls = 0;
        let mut stop = |done: u64, total: u64| {
            assert!(done <= total);
            calls += 1;
            calls >= n
        };
        let mut progress = crate::progress::Progress::new(&mut stop, std::time::Duration::from_millis(1));
        assert_eq!(super::pi(x, Some(&mut progress)), Err(Error::Cancelled), "pi({x}), cancel at report {n}");
        assert!(calls >= n, "pi({x}): {calls} reports");
    }
}
