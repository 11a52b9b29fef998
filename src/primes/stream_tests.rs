//! Tests of PrimeStream: every prime once, in order, however the calls cut the range, against
//! Miller-Rabin on each number and against primes_in_range; resuming, cancelling, the top of u64.

use super::*;
use crate::primes::{count_primes, is_prime, primes_in_range};
use hpkern_testkit::Rng;
use std::time::Duration;

/// Everything the stream hands out, in calls of `chunk` primes.
fn drain(lo: u64, hi: u64, chunk: usize) -> Vec<u64> {
    let mut stream = PrimeStream::new(lo, hi).unwrap();
    let mut buf = vec![0u64; chunk];
    let mut all = Vec::new();
    loop {
        let before = stream.position();
        let n = stream.next_chunk(&mut buf).unwrap();
        assert!(n <= chunk);
        if n == 0 {
            assert_eq!(stream.position(), hi.max(lo));
            assert_eq!(stream.next_chunk(&mut buf), Ok(0), "stays exhausted");
            return all;
        }
        // Position: past the last prime handed out, at or below the next one.
        assert!(buf[0] >= before && stream.position() > buf[n - 1], "[{lo}, {hi}) chunk {chunk}");
        if n < chunk {
            assert_eq!(stream.position(), hi, "a short chunk ends the range");
        }
        all.extend_from_slice(&buf[..n]);
    }
}

fn by_miller_rabin(lo: u64, hi: u64) -> Vec<u64> {
    (lo..hi).filter(|&n| is_prime(n)).collect()
}

fn by_primes_in_range(lo: u64, hi: u64) -> Vec<u64> {
    let mut out = vec![0u64; count_primes(lo, hi).unwrap() as usize];
    assert_eq!(primes_in_range(lo, hi, &mut out).unwrap(), out.len());
    out
}

#[test]
fn small_ranges_against_miller_rabin_in_every_chunk_size() {
    for lo in 0..40 {
        for hi in lo..200 {
            let want = by_miller_rabin(lo, hi);
            for chunk in [1, 2, 3, 5, 64, 1000] {
                assert_eq!(drain(lo, hi, chunk), want, "[{lo}, {hi}) in chunks of {chunk}");
            }
        }
    }
    assert_eq!(drain(10, 3, 4), Vec::<u64>::new());
    assert_eq!(drain(u64::MAX, u64::MAX, 4), Vec::<u64>::new());
}

#[test]
fn random_windows_equal_primes_in_range() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    for round in 0..60 {
        let bits = 8 + rng.next_u64() % 56;
        let len = 1 + rng.next_u64() % if round % 10 == 0 { 80_000_000 } else { 200_000 };
        let lo = (rng.next_u64() >> (64 - bits)).min(u64::MAX - len);
        let chunk = 1 + (rng.next_u64() % 5000) as usize;
        let got = drain(lo, lo + len, chunk);
        assert_eq!(got, by_primes_in_range(lo, lo + len), "[{lo}, {}) in chunks of {chunk}", lo + len);
    }
}

#[test]
fn many_segments_and_the_count_of_pi_1e9_in_large_chunks() {
    // pi(10^9) = 50847534 over 32 segments, without keeping the primes.
    let mut stream = PrimeStream::new(0, 1_000_000_000).unwrap();
    let mut buf = vec![0u64; 1 << 20];
    let (mut count, mut last) = (0u64, 0u64);
    loop {
        let n = stream.next_chunk(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(buf[0] > last || count == 0);
        assert!(buf[..n].windows(2).all(|w| w[0] < w[1]));
        last = buf[n - 1];
        count += n as u64;
    }
    assert_eq!((count, last), (50_847_534, 999_999_937));
}

#[test]
fn the_top_of_u64() {
    // The largest prime below 2^64 is 2^64 - 59; 2^64 - 1 itself is not in any range.
    for (lo, hi) in [(u64::MAX - 100_000, u64::MAX), (u64::MAX - 58, u64::MAX), (u64::MAX - 59, u64::MAX - 58)] {
        let want = by_miller_rabin(lo, hi);
        assert_eq!(drain(lo, hi, 7), want, "[{lo}, {hi})");
        assert_eq!(drain(lo, hi, 1), want);
    }
    assert_eq!(drain(u64::MAX - 59, u64::MAX, 3), vec![u64::MAX - 58]);
    // A window where the base primes stop below sqrt(hi): survivors confirmed by Miller-Rabin.
    let (lo, hi) = (u64::MAX - 40_000_000, u64::MAX);
    assert_eq!(drain(lo, hi, 4096), by_primes_in_range(lo, hi));
}

#[test]
fn resuming_from_a_position_continues_exactly() {
    let (lo, hi) = (999_000_000_000, 999_060_000_000);
    let want = by_primes_in_range(lo, hi);
    let mut rng = Rng::new(42);
    let mut stream = PrimeStream::new(lo, hi).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u64; 10_000];
    loop {
        let take = 1 + (rng.next_u64() % 10_000) as usize;
        let n = stream.next_chunk(&mut buf[..take]).unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if rng.next_u64().is_multiple_of(3) {
            // Stop, keep only the position, and go on with a new stream.
            stream = PrimeStream::new(stream.position(), hi).unwrap();
        }
    }
    assert_eq!(got, want);
}

#[test]
fn an_empty_buffer_is_refused_and_changes_nothing() {
    let mut stream = PrimeStream::new(0, 100).unwrap();
    assert!(matches!(stream.next_chunk(&mut []), Err(Error::InvalidSize(_))));
    assert_eq!(stream.position(), 0);
    assert_eq!(stream.hi(), 100);
    let mut buf = [0u64; 30];
    assert_eq!(stream.next_chunk(&mut buf), Ok(25));
}

#[test]
fn a_cancelled_call_leaves_the_stream_where_it_was() {
    let (lo, hi) = (1 << 40, (1 << 40) + 200_000_000);
    let mut stream = PrimeStream::new(lo, hi).unwrap();
    let mut buf = vec![0u64; 1000];
    assert_eq!(stream.next_chunk(&mut buf), Ok(1000));
    let position = stream.position();
    // Cancelled before the first segment it must sieve.
    let mut big = vec![0u64; 5_000_000];
    assert_eq!(stream.fill(&mut big, &Meter::cancelled_for_tests()), Err(Error::Cancelled));
    assert_eq!(stream.position(), position);
    // Cancelled by a progress callback at its first report, in the middle of the call.
    let mut reports = Vec::new();
    let mut report = |done, total| {
        reports.push((done, total));
        true
    };
    let mut progress = Progress::new(&mut report, Duration::from_millis(1));
    assert_eq!(stream.next_chunk_with_progress(&mut big, Some(&mut progress)), Err(Error::Cancelled));
    assert_eq!(stream.position(), position);
    assert!(!reports.is_empty() && reports.iter().all(|&(d, t)| t == hi - position && d <= t), "{reports:?}");
    // Nothing lost or repeated: the rest equals the whole range less the first 1000.
    let mut rest = buf.clone();
    loop {
        let n = stream.next_chunk(&mut big).unwrap();
        if n == 0 {
            break;
        }
        rest.extend_from_slice(&big[..n]);
    }
    assert_eq!(rest, by_primes_in_range(lo, hi));
}

#[test]
fn progress_without_a_cancel_gives_the_same_primes() {
    let (lo, hi) = (0, 300_000_000);
    let mut stream = PrimeStream::new(lo, hi).unwrap();
    let mut big = vec![0u64; 20_000_000];
    let mut report = |done: u64, total: u64| {
        assert!(done <= total);
        false
    };
    let mut progress = Progress::new(&mut report, Duration::from_millis(1));
    let n = stream.next_chunk_with_progress(&mut big, Some(&mut progress)).unwrap();
    assert_eq!(n as u64, count_primes(lo, hi).unwrap());
    assert_eq!(big[..n], by_primes_in_range(lo, hi)[..]);
}
