//! Primes: trial division, Miller-Rabin and the segmented sieve. Ranges are half-open like
//! Python's `range`: [from, to) and [lo, hi); an empty range is valid.

use super::checks::{check_disjoint, check_ptr, input, output};
use super::progress::with_progress;
use super::{guard, hpk_status};
use crate::{primes, Error};

/// The smallest divisor d of `n` with max(from, 2) <= d < to, or 0 if there is none, into
/// `*factor`: the book's `check_prime_in_range`, exact for every input (every d is considered,
/// not only odd ones; n = 0 is divisible by everything) and parallel, with an atomic early-exit
/// flag shared by the workers. Candidates sharing a factor 2, 3 or 5 that n lacks are skipped.
/// Cost: at most about 2*sqrt(n) divisions, whatever the range: above sqrt(n) the cofactors
/// n / d are searched instead when that is shorter.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `factor` is NULL; HPK_ERR_INVALID_ARGUMENT if it is
/// misaligned; HPK_ERR_OUT_OF_MEMORY if the worker threads cannot start; HPK_ERR_CANCELLED if
/// the progress handler asked to stop (`*factor` is then untouched).
///
/// Progress (hpk_set_progress_handler), when the search spans 2^25 values or more: `done` and
/// `total` count candidate values (divisors tried, those the wheel skips included) of the
/// intervals searched: [max(from, 2), sqrt(n)], then the part of the range above sqrt(n) or its
/// cofactors, whichever is shorter. A divisor found ends the call before `done` reaches `total`.
///
/// # Safety
/// `factor` must point to a writable uint64_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_smallest_factor_in_range(n: u64, from: u64, to: u64, factor: *mut u64) -> hpk_status {
    guard(|| {
        check_out!(factor, "factor");
        let result = with_progress(|p| primes::smallest_factor_in_range_with_progress(n, from, to, p))?;
        write_out!(factor, result);
        Ok(())
    })
}

/// Whether `n` is prime, by the book's trial division up to isqrt(n) (on a mod-210 wheel: odd
/// candidates not divisible by 3, 5 or 7, tested without integer division, in SIMD lanes where
/// the CPU has them), in parallel after a serial check of small factors. Exact for all n (0 and
/// 1 are not prime, 2 is). Cost grows as sqrt(n): tens of milliseconds for an 18-digit prime;
/// use hpk_is_prime for speed.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `is_prime` is NULL; HPK_ERR_OUT_OF_MEMORY if the
/// worker threads cannot start; HPK_ERR_CANCELLED if the progress handler asked to stop
/// (`*is_prime` is then untouched).
///
/// Progress (hpk_set_progress_handler), when [3, sqrt(n)] holds 2^25 candidate values or more
/// (n above about 2^50): `done` and `total` count those values (divisors tried, those the wheel
/// skips included); a factor found ends the call before `done` reaches `total`.
///
/// # Safety
/// `is_prime` must point to a writable bool.
#[no_mangle]
pub unsafe extern "C" fn hpk_check_prime(n: u64, is_prime: *mut bool) -> hpk_status {
    guard(|| {
        check_out!(is_prime, "is_prime");
        let result = with_progress(|p| primes::check_prime_with_progress(n, p))?;
        write_out!(is_prime, result);
        Ok(())
    })
}

/// Whether `n` is prime, exactly, for every 64-bit n: trial division by the primes below 256,
/// then Miller-Rabin with a base set proven for n < 1122004669633 and Baillie-PSW (a base-2
/// strong test and an extra strong Lucas test; no composite below 2^64 passes both) above.
/// Under a microsecond per call for any n on a current x86-64 core.
///
/// Returns HPK_OK or HPK_ERR_NULL_POINTER if `is_prime` is NULL.
///
/// # Safety
/// `is_prime` must point to a writable bool.
#[no_mangle]
pub unsafe extern "C" fn hpk_is_prime(n: u64, is_prime: *mut bool) -> hpk_status {
    guard(|| {
        check_out!(is_prime, "is_prime");
        write_out!(is_prime, primes::is_prime(n));
        Ok(())
    })
}

/// `is_prime[i]` = whether `numbers[i]` is prime (as hpk_is_prime), for `count` numbers, in
/// parallel. `count == 0` is a valid no-op and the pointers may then be NULL.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `count > 0` and a pointer is NULL;
/// HPK_ERR_INVALID_SIZE if `count * 8` overflows; HPK_ERR_INVALID_ARGUMENT if `numbers` is
/// misaligned; HPK_ERR_OVERLAP if the arrays share a byte; HPK_ERR_CANCELLED if the progress
/// handler asked to stop.
///
/// Progress (hpk_set_progress_handler), from 2048 numbers on: `done` and `total` count numbers
/// tested (`total = count`). After HPK_ERR_CANCELLED, `is_prime` may be partly written: each
/// element holds its right answer or is untouched.
///
/// # Safety
/// `numbers` must point to `count` readable values and `is_prime` to `count` writable bools.
#[no_mangle]
pub unsafe extern "C" fn hpk_is_prime_batch(numbers: *const u64, count: usize, is_prime: *mut bool) -> hpk_status {
    guard(|| {
        check_ptr(numbers, count, "numbers")?;
        check_ptr(is_prime, count, "is_prime")?;
        check_disjoint(numbers, count, is_prime, count, "numbers and is_prime")?;
        // SAFETY: checked non-NULL, aligned, sized and disjoint.
        let (numbers, out) = unsafe { (input(numbers, count, "numbers")?, output(is_prime, count, "is_prime")?) };
        with_progress(|p| primes::is_prime_batch_with_progress(numbers, out, p))
    })
}

/// The number of primes p with lo <= p < hi, into `*count`, exact for every 64-bit range
/// (`hpk_count_primes(0, UINT64_MAX, &n)` gives pi(2^64 - 1) = 425656284035217743). `lo >= hi`
/// gives 0. The method is chosen by estimated cost: short ranges by a segmented sieve of
/// Eratosthenes in parallel over segments (cost grows with hi - lo plus sqrt(hi)); long ranges
/// as pi(hi - 1) - pi(lo - 1), each pi(x) by the Lagarias-Miller-Odlyzko method without sieving
/// up to x (cost grows as x^(2/3) / log x: pi(10^12) in a fraction of a second, pi(10^16) in
/// tens of seconds; memory as x^(1/3) log^2 x, tens of MiB near 2^64).
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `count` is NULL; HPK_ERR_OUT_OF_MEMORY if the sieve's
/// buffers, the tables or threads cannot be allocated; HPK_ERR_CANCELLED if the progress handler
/// asked to stop (`*count` is then untouched).
///
/// Progress (hpk_set_progress_handler): by the sieve, when `hi - lo` is 2^24 or more, `done` and
/// `total` count the numbers of [lo, hi) sieved (`total = hi - lo`), a segment of about 31
/// million numbers at a time per thread; by pi, when hi is 2^26 or more, they count the numbers
/// covered by the two sieves inside each pi(x) (its special leaves' over [0, x / y] and P2's over
/// (sqrt x, x / y], y a small multiple of x^(1/3)), whose work crowds at their start.
///
/// # Safety
/// `count` must point to a writable uint64_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_count_primes(lo: u64, hi: u64, count: *mut u64) -> hpk_status {
    guard(|| {
        check_out!(count, "count");
        let result = with_progress(|p| primes::count_primes_with_progress(lo, hi, p))?;
        write_out!(count, result);
        Ok(())
    })
}

/// The n-th prime, into `*p`: n = 1 gives 2, n = 425656284035217743 (the number of primes below
/// 2^64) gives 18446744073709551557, the largest prime below 2^64. Computed as pi(g) by the
/// Lagarias-Miller-Odlyzko method (see hpk_count_primes) for an estimate g close to the answer
/// (Riemann's R function inverted), then a short sieve walk from g to the n-th prime: about the
/// cost of one pi(p_n).
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `p` is NULL; HPK_ERR_INVALID_ARGUMENT if `p` is
/// misaligned, n = 0, or n > 425656284035217743 (the answer would not fit in 64 bits);
/// HPK_ERR_OUT_OF_MEMORY if the tables or threads cannot be allocated; HPK_ERR_CANCELLED if the
/// progress handler asked to stop (`*p` is then untouched).
///
/// Progress (hpk_set_progress_handler), when the estimate is 2^30 or more (n above about 54
/// million): `done` and `total` count the numbers covered by the sieves inside pi(g) (see
/// hpk_count_primes); the walk after it (a small part of the time) looks for a cancel between
/// windows.
///
/// # Safety
/// `p` must point to a writable uint64_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_nth_prime(n: u64, p: *mut u64) -> hpk_status {
    guard(|| {
        check_out!(p, "p");
        let result = with_progress(|progress| primes::nth_prime_with_progress(n, progress))?;
        write_out!(p, result);
        Ok(())
    })
}

/// The primes p with lo <= p < hi, ascending, into `primes[0 .. *written]`.
///
/// `capacity` is the number of elements `primes` can hold. If all the primes fit, writes them,
/// sets `*written` to their number and returns HPK_OK. If not, writes nothing to `primes`, sets
/// `*written` to the number required and returns HPK_ERR_BUFFER_TOO_SMALL: so a call with
/// `capacity == 0` (and `primes` NULL) is a size query. `lo >= hi` gives 0 primes.
///
/// Returns HPK_OK; HPK_ERR_BUFFER_TOO_SMALL as above; HPK_ERR_NULL_POINTER if `written` is NULL,
/// or `primes` is NULL with `capacity > 0`; HPK_ERR_INVALID_SIZE if `capacity * 8` overflows;
/// HPK_ERR_INVALID_ARGUMENT if a pointer is misaligned; HPK_ERR_OVERLAP if `written` lies inside
/// `primes`; HPK_ERR_OUT_OF_MEMORY if the sieve's buffers cannot be allocated; HPK_ERR_CANCELLED
/// if the progress handler asked to stop (`primes` and `*written` are then untouched).
///
/// Size queries: when `capacity` is certainly too small (below a proven lower bound of the
/// count) and `hi <= 2^44`, the exact count comes from pi(hi - 1) - pi(lo - 1), computed without
/// sieving (Lucy's method, O(hi^(3/4))) if that is much cheaper than sieving the range: [0, 10^11)
/// takes about 0.2 s, [0, 10^12) about 1 s. Otherwise the range is sieved, as long as
/// hpk_count_primes takes. Either way the query can be cancelled.
///
/// Progress (hpk_set_progress_handler), when `hi - lo` is 2^24 or more: `done` and `total` count
/// the numbers of [lo, hi) sieved while counting (`total = hi - lo`; `done` stays 0 while the
/// count comes from pi as above); the primes are counted before anything is written. A cancel is honoured while counting; the writing that follows a
/// complete count (from the sieve's kept bits, a small part of the time) runs to its end and the
/// call returns HPK_OK.
///
/// # Safety
/// `primes` must point to `capacity` writable values and `written` to a writable size_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_primes_in_range(
    lo: u64,
    hi: u64,
    primes: *mut u64,
    capacity: usize,
    written: *mut usize,
) -> hpk_status {
    guard(|| {
        check_out!(written, "written");
        check_ptr(primes, capacity, "primes")?;
        check_disjoint(primes, capacity, written, 1, "primes and written")?;
        // SAFETY: checked non-NULL (when capacity > 0), aligned, sized and disjoint from `written`.
        let out = unsafe { output(primes, capacity, "primes")? };
        match with_progress(|p| primes::primes_in_range_with_progress(lo, hi, out, p)) {
            Ok(n) => {
                write_out!(written, n);
                Ok(())
            }
            Err(Error::BufferTooSmall { required }) => {
                write_out!(written, required);
                Err(Error::BufferTooSmall { required })
            }
            Err(other) => Err(other),
        }
    })
}
