//! hpk_prime_stream_* through the built library: the stream equals hpk_primes_in_range on random
//! windows (near 2^64 too) in any capacities, resumes after a cancel and from a saved position,
//! and refuses bad input (NULL, sizes, alignment, overlap, a pointer that is not a stream) with
//! the documented status, leaving the stream unchanged.

use hpkern_ffi_tests::testkit::Rng;
use hpkern_ffi_tests::*;
use std::ffi::c_void;
use std::ptr::{null_mut, NonNull};

const CANARY: u64 = 0xdead_beef_dead_beef;

/// A stream handle, freed on drop.
struct Stream(NonNull<HpkPrimeStream>);

impl Stream {
    fn new(lo: u64, hi: u64) -> Stream {
        let mut handle = null_mut();
        let status = unsafe { (hpk().prime_stream_new)(lo, hi, &mut handle) };
        assert_eq!(status, HPK_OK, "hpk_prime_stream_new({lo}, {hi}): {}", hpk().last_error());
        Stream(NonNull::new(handle).expect("a handle"))
    }

    fn ptr(&self) -> *mut HpkPrimeStream {
        self.0.as_ptr()
    }

    /// One hpk_prime_stream_next into `buf`: (status, written).
    fn next(&self, buf: &mut [u64]) -> (HpkStatus, usize) {
        let mut written = CANARY as usize;
        let status = unsafe { (hpk().prime_stream_next)(self.ptr(), buf.as_mut_ptr(), buf.len(), &mut written) };
        (status, written)
    }

    fn position(&self) -> u64 {
        let mut position = CANARY;
        assert_eq!(unsafe { (hpk().prime_stream_position)(self.ptr(), &mut position) }, HPK_OK);
        position
    }

    /// Everything left, in calls of `capacity`.
    fn drain(&self, capacity: usize) -> Vec<u64> {
        let mut buf = vec![CANARY; capacity];
        let mut all = Vec::new();
        loop {
            let (status, n) = self.next(&mut buf);
            assert_eq!(status, HPK_OK, "{}", hpk().last_error());
            assert!(n <= capacity);
            assert!(buf[n..].iter().all(|&v| v == CANARY), "written past *written");
            if n == 0 {
                return all;
            }
            assert!(self.position() > buf[n - 1]);
            all.extend_from_slice(&buf[..n]);
            buf[..n].fill(CANARY);
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        unsafe { (hpk().prime_stream_free)(self.ptr()) };
    }
}

fn primes_in_range(lo: u64, hi: u64) -> Vec<u64> {
    let mut required = 0usize;
    let status = unsafe { (hpk().primes_in_range)(lo, hi, null_mut(), 0, &mut required) };
    assert!(status == HPK_OK || status == HPK_ERR_BUFFER_TOO_SMALL);
    let mut primes = vec![0u64; required];
    let mut written = 0usize;
    let status = unsafe { (hpk().primes_in_range)(lo, hi, primes.as_mut_ptr(), primes.len(), &mut written) };
    assert_eq!((status, written), (HPK_OK, required));
    primes
}

fn is_prime(n: u64) -> bool {
    let mut out = false;
    assert_eq!(unsafe { (hpk().is_prime)(n, &mut out) }, HPK_OK);
    out
}

#[test]
fn the_stream_equals_primes_in_range_on_random_windows() {
    let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
    for round in 0..40 {
        let bits = 4 + rng.next_u64() % 61;
        let len = 1 + rng.next_u64() % if round % 8 == 0 { 40_000_000 } else { 300_000 };
        let lo = (rng.next_u64() >> (64 - bits)).min(u64::MAX - len);
        let capacity = [1, 2, 3, 1 + (rng.next_u64() % 100_000) as usize][round % 4];
        let got = Stream::new(lo, lo + len).drain(capacity);
        assert_eq!(got, primes_in_range(lo, lo + len), "[{lo}, {}) capacity {capacity}", lo + len);
    }
}

#[test]
fn the_top_of_u64_against_is_prime() {
    for (lo, hi) in [(u64::MAX - 3000, u64::MAX), (u64::MAX - 59, u64::MAX), (0, 1), (0, 3), (2, 3)] {
        let want: Vec<u64> = (lo..hi).filter(|&n| is_prime(n)).collect();
        for capacity in [1, 2, 1000] {
            let stream = Stream::new(lo, hi);
            assert_eq!(stream.drain(capacity), want, "[{lo}, {hi}) capacity {capacity}");
            assert_eq!(stream.position(), hi);
        }
    }
    let stream = Stream::new(u64::MAX - 59, u64::MAX);
    let mut buf = [CANARY; 4];
    assert_eq!(stream.next(&mut buf), (HPK_OK, 1));
    assert_eq!(buf[0], u64::MAX - 58, "2^64 - 59, the largest 64-bit prime");
    assert_eq!(stream.next(&mut buf), (HPK_OK, 0));
    assert_eq!(stream.next(&mut buf), (HPK_OK, 0), "stays exhausted");
}

#[test]
fn empty_ranges_give_nothing() {
    for (lo, hi) in [(10, 10), (100, 3), (u64::MAX, u64::MAX), (u64::MAX, 0), (24, 29)] {
        let stream = Stream::new(lo, hi);
        assert_eq!(stream.drain(5), Vec::<u64>::new(), "[{lo}, {hi})");
        assert_eq!(stream.position(), lo.max(hi));
    }
}

#[test]
fn a_new_stream_at_the_position_continues_exactly() {
    let (lo, hi) = (1 << 45, (1 << 45) + 3_000_000);
    let want = primes_in_range(lo, hi);
    let mut rng = Rng::new(7);
    let mut got = Vec::new();
    let mut stream = Stream::new(lo, hi);
    let mut buf = vec![0u64; 5000];
    loop {
        let take = 1 + (rng.next_u64() % 5000) as usize;
        let (status, n) = stream.next(&mut buf[..take]);
        assert_eq!(status, HPK_OK);
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        let position = stream.position();
        stream = Stream::new(position, hi);
    }
    assert_eq!(got, want);
}

unsafe extern "C" fn cancel_at_first_report(user_data: *mut c_void, done: u64, total: u64) -> i32 {
    let reports = unsafe { &mut *user_data.cast::<Vec<(u64, u64)>>() };
    reports.push((done, total));
    1
}

#[test]
fn a_cancelled_call_leaves_the_stream_where_it_was() {
    let (lo, hi) = (1 << 48, (1 << 48) + 300_000_000);
    let stream = Stream::new(lo, hi);
    let mut head = vec![0u64; 100];
    assert_eq!(stream.next(&mut head), (HPK_OK, 100));
    let position = stream.position();
    let mut reports: Vec<(u64, u64)> = Vec::new();
    let user_data = (&mut reports as *mut Vec<(u64, u64)>).cast::<c_void>();
    assert_eq!(unsafe { (hpk().set_progress_handler)(Some(cancel_at_first_report), user_data, 1) }, HPK_OK);
    // 8 million primes near 2^48 span about 270 million numbers: far longer than 1 ms.
    let mut big = vec![CANARY; 8_000_000];
    let (status, written) = stream.next(&mut big);
    assert_eq!(unsafe { (hpk().set_progress_handler)(None, null_mut(), 0) }, HPK_OK);
    assert_eq!(status, HPK_ERR_CANCELLED, "{}", hpk().last_error());
    assert_eq!(written, CANARY as usize, "*written untouched");
    assert_eq!(stream.position(), position, "the position stays");
    assert!(!reports.is_empty());
    assert!(reports.iter().all(|&(done, total)| total == hi - position && done <= total), "{reports:?}");
    // The rest, nothing lost or repeated.
    head.extend(stream.drain(1 << 20));
    assert_eq!(head, primes_in_range(lo, hi));
}

#[test]
fn bad_input_gets_its_status_and_leaves_the_stream_unchanged() {
    let stream = Stream::new(1000, 2000);
    let mut buf = [CANARY; 16];
    let mut written = CANARY as usize;
    let next = hpk().prime_stream_next;
    let s = stream.ptr();
    let p = buf.as_mut_ptr();
    // (what, status, the call)
    let rows: Vec<(&str, HpkStatus, HpkStatus)> = unsafe {
        vec![
            ("NULL stream", HPK_ERR_NULL_POINTER, next(null_mut(), p, 16, &mut written)),
            ("NULL primes", HPK_ERR_NULL_POINTER, next(s, null_mut(), 16, &mut written)),
            ("NULL written", HPK_ERR_NULL_POINTER, next(s, p, 16, null_mut())),
            ("capacity 0", HPK_ERR_INVALID_SIZE, next(s, p, 0, &mut written)),
            ("capacity * 8 overflows", HPK_ERR_INVALID_SIZE, next(s, p, usize::MAX / 4, &mut written)),
            ("misaligned primes", HPK_ERR_INVALID_ARGUMENT, next(s, p.cast::<u8>().add(1).cast(), 8, &mut written)),
            (
                "misaligned written",
                HPK_ERR_INVALID_ARGUMENT,
                next(s, p, 8, (&mut written as *mut usize).cast::<u8>().add(1).cast()),
            ),
            ("written inside primes", HPK_ERR_OVERLAP, next(s, p, 16, p.add(3).cast())),
            ("misaligned stream", HPK_ERR_INVALID_ARGUMENT, next(s.cast::<u8>().add(1).cast(), p, 16, &mut written)),
        ]
    };
    for (what, want, got) in rows {
        assert_eq!(got, want, "{what}: {}", hpk().last_error());
        assert!(!hpk().last_error().is_empty() || got == HPK_OK, "{what}");
    }
    assert_eq!(written, CANARY as usize, "never written on an error");
    assert!(buf[..3].iter().chain(&buf[4..]).all(|&v| v == CANARY), "never written on an error");

    // Memory that is not a stream: refused, not read as one.
    let mut fake = vec![0u64; 1024];
    let fake_stream = fake.as_mut_ptr().cast::<HpkPrimeStream>();
    assert_eq!(unsafe { next(fake_stream, p, 16, &mut written) }, HPK_ERR_INVALID_ARGUMENT);
    assert!(hpk().last_error().contains("not a live hpk_prime_stream"), "{}", hpk().last_error());
    let mut position = CANARY;
    assert_eq!(unsafe { (hpk().prime_stream_position)(fake_stream, &mut position) }, HPK_ERR_INVALID_ARGUMENT);
    unsafe { (hpk().prime_stream_free)(fake_stream) }; // ignored
    assert!(fake.iter().all(|&w| w == 0));

    // hpk_prime_stream_position and hpk_prime_stream_new.
    unsafe {
        assert_eq!((hpk().prime_stream_position)(null_mut(), &mut position), HPK_ERR_NULL_POINTER);
        assert_eq!((hpk().prime_stream_position)(s, null_mut()), HPK_ERR_NULL_POINTER);
        let misaligned = (&mut position as *mut u64).cast::<u8>().add(1).cast();
        assert_eq!((hpk().prime_stream_position)(s, misaligned), HPK_ERR_INVALID_ARGUMENT);
        assert_eq!((hpk().prime_stream_new)(0, 10, null_mut()), HPK_ERR_NULL_POINTER);
        let mut slots = [null_mut::<HpkPrimeStream>(); 2];
        let misaligned = slots.as_mut_ptr().cast::<u8>().add(1).cast();
        assert_eq!((hpk().prime_stream_new)(0, 10, misaligned), HPK_ERR_INVALID_ARGUMENT);
        assert!(slots.iter().all(|p| p.is_null()));
        (hpk().prime_stream_free)(null_mut()); // a no-op
    }
    assert_eq!(position, CANARY);

    // The stream is untouched by all of the above.
    assert_eq!(stream.position(), 1000);
    let want: Vec<u64> = (1000..2000).filter(|&n| is_prime(n)).collect();
    assert_eq!(stream.drain(7), want);
}
