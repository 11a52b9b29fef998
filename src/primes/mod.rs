//! Primes, after chapter 9 of "High Performance Python": the book's trial division
//! (`check_prime`, split across a pool with a shared early-exit flag), plus the fast tools for the
//! same questions: deterministic Miller-Rabin / Baillie-PSW and a parallel segmented sieve.
//!
//! Ranges are half-open like Python's `range`: [from, to) and [lo, hi). An empty range
//! (from >= to, lo >= hi) is valid and gives 0 or nothing.
//!
//! - `arith`: the integer square root and Montgomery arithmetic, shared by the others;
//! - `trial`: trial division, [`smallest_factor_in_range`] and [`check_prime`] (the parallel
//!   early-exit `search`, the mod-210 `wheel210`, the vector `divisibility` tests);
//! - `primality`: [`is_prime`] and [`is_prime_batch`] (Miller-Rabin and Baillie-PSW);
//! - `sieve`: the segmented sieve on the mod-30 wheel (`wheel30`), with `presieve` for the primes
//!   up to 107;
//!   `range`: [`count_primes`] and [`primes_in_range`] on top of it;
//!   `stream`: [`PrimeStream`], the primes of a range in order, a buffer at a time.
//! - `pi`: [`prime_pi`] without sieving to x (Lagarias-Miller-Odlyzko);
//! - `nth`: [`nth_prime`], pi() near an estimate plus a short walk of the sieve (`range`).
//!
//! Every parallel kernel runs in the library's pool (`crate::pool`), and small inputs run on the
//! calling thread without waking it.

mod arith;
mod nth;
mod pi;
mod primality;
mod range;
mod sieve;
mod stream;
mod trial;

#[cfg(test)]
mod tests;

use crate::progress::Progress;
use crate::Error;

pub use stream::PrimeStream;

/// The smallest d with max(from, 2) <= d < to that divides `n`, or 0 if there is none.
///
/// Exact for every input: with from > 2 the answer may be composite (n = 12, from = 4 gives 4);
/// n = 0 is divisible by everything (the answer is max(from, 2) if that is < to); n = 1 gives 0.
/// Candidates that cannot divide n (those sharing a factor 2, 3, 5 or 7 that n lacks) are skipped.
/// Runs serially over a short prefix, then in parallel with an atomic early-exit. Costs at most
/// about 2 sqrt(n) divisions: above sqrt(n) the search runs over the cofactors n / d when that
/// is shorter.
///
/// Errors: [`Error::OutOfMemory`] if the worker threads cannot start.
pub fn smallest_factor_in_range(n: u64, from: u64, to: u64) -> Result<u64, Error> {
    trial::smallest_factor_in_range(n, from, to, None)
}

/// [`smallest_factor_in_range`], reporting to `progress` when the search spans 2^25 values or
/// more: `done` and `total` count candidate values (divisors tried, those the wheel skips
/// included) of the intervals searched, [max(from, 2), sqrt(n)] and then the part above sqrt(n)
/// or its cofactors, whichever is shorter. A divisor found ends the call before `done` reaches
/// `total`. [`Error::Cancelled`] leaves nothing to write.
pub fn smallest_factor_in_range_with_progress(
    n: u64,
    from: u64,
    to: u64,
    progress: Option<&mut Progress<'_>>,
) -> Result<u64, Error> {
    trial::smallest_factor_in_range(n, from, to, progress)
}

/// Whether `n` is prime, by the book's trial division by every candidate up to isqrt(n), in
/// parallel after a serial check of small factors. Exact for all n: 0 and 1 are not prime, 2 is.
/// Cost grows as sqrt(n); [`is_prime`] answers the same question in microseconds.
///
/// Errors: [`Error::OutOfMemory`] if the worker threads cannot start.
pub fn check_prime(n: u64) -> Result<bool, Error> {
    trial::check_prime(n, None)
}

/// [`check_prime`], reporting to `progress` when [3, sqrt(n)] holds 2^25 candidate values or
/// more: `done` and `total` count those values (divisors tried, those the wheel skips included);
/// a factor found ends the call before `done` reaches `total`.
pub fn check_prime_with_progress(n: u64, progress: Option<&mut Progress<'_>>) -> Result<bool, Error> {
    trial::check_prime(n, progress)
}

/// Whether `n` is prime, exactly, for every u64: trial division by the primes below 256, then
/// Miller-Rabin with a base set proven deterministic at that size (3 or 4 bases in lock-step) for
/// n < 1122004669633, and Baillie-PSW above (a base-2 strong probable-prime test and an extra
/// strong Lucas test run interleaved; no composite below 2^64 passes both).
pub fn is_prime(n: u64) -> bool {
    primality::is_prime(n)
}

/// `out[i] = is_prime(numbers[i])`, in parallel for large inputs.
///
/// Errors: [`Error::InvalidSize`] if the lengths differ (nothing is written);
/// [`Error::OutOfMemory`] if the worker threads cannot start.
pub fn is_prime_batch(numbers: &[u64], out: &mut [bool]) -> Result<(), Error> {
    primality::is_prime_batch(numbers, out, None)
}

/// [`is_prime_batch`], reporting to `progress` from 2048 numbers on: `done` and `total` count
/// numbers tested. After [`Error::Cancelled`], `out` may be partly written (each element holds
/// its right answer or is untouched).
pub fn is_prime_batch_with_progress(
    numbers: &[u64],
    out: &mut [bool],
    progress: Option<&mut Progress<'_>>,
) -> Result<(), Error> {
    primality::is_prime_batch(numbers, out, progress)
}

/// pi(x), the number of primes <= x, exact for every u64, without sieving up to x: the
/// Lagarias-Miller-Odlyzko method with Deleglise-Rivat's easy leaves, in parallel on the
/// library's pool (Lucy Hedgehog's method on the calling thread below 2^26). Time grows as
/// x^(2/3) / log x, memory as x^(1/3) log^2 x (tens of MiB at 2^64).
///
/// Errors: [`Error::OutOfMemory`] if its tables or threads cannot be allocated.
pub fn prime_pi(x: u64) -> Result<u64, Error> {
    pi::pi(x, None)
}

/// [`prime_pi`], reporting to `progress` from x = 2^30 on: `done` and `total` count the numbers
/// covered by its two sieves (the special leaves' sieve over [0, x / y] and P2's over
/// (sqrt x, x / y], y a small multiple of x^(1/3)); the leaves crowd at the start, so `done`
/// moves fastest near the end.
pub fn prime_pi_with_progress(x: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    pi::pi(x, progress)
}

/// The n-th prime: `nth_prime(1) == 2`, for every n whose prime fits in a u64, up to
/// 425656284035217743 (the primes below 2^64; its prime is 18446744073709551557). Computed as
/// pi(g) for an estimate g close to the answer (Riemann's R inverted) and a short sieve walk
/// from g; costs about one [`prime_pi`].
///
/// Errors: [`Error::InvalidArgument`] for n = 0 or n > 425656284035217743;
/// [`Error::OutOfMemory`] if the tables or threads cannot be allocated.
pub fn nth_prime(n: u64) -> Result<u64, Error> {
    nth::nth_prime(n, None)
}

/// [`nth_prime`], reporting to `progress` when the estimate is 2^30 or more, with the units of
/// [`prime_pi_with_progress`] for the estimate; the walk after it (a small fraction of the time)
/// looks for a cancel between windows.
pub fn nth_prime_with_progress(n: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    nth::nth_prime(n, progress)
}

/// The number of primes p with lo <= p < hi. Long ranges are counted as
/// [`prime_pi`]`(hi - 1) - prime_pi(lo - 1)` when that is estimated cheaper; the rest by a
/// segmented sieve on the mod-30 wheel (one byte per 30 numbers) run in parallel over chunks of
/// segments. The base primes are bounded (by
/// 2^25, and lower for short ranges far from 0, where that is cheaper); survivors that such a
/// sieve cannot prove prime are confirmed with [`is_prime`], so the count is exact for every
/// range, near 2^64 included. Memory stays bounded: at most about 8 MiB of base primes (twice
/// that while they are built), plus 10 MiB and a 1 MiB segment per thread.
///
/// Errors: [`Error::OutOfMemory`] if the sieve's buffers or threads cannot be allocated.
pub fn count_primes(lo: u64, hi: u64) -> Result<u64, Error> {
    range::count_primes(lo, hi, None)
}

/// [`count_primes`], reporting to `progress` from 2^24 numbers on: `done` and `total` count the
/// numbers of [lo, hi) sieved (`total = hi - lo`), a segment (about 31 million numbers) at a
/// time per thread; when the count comes from [`prime_pi`], they count its units (see
/// [`prime_pi_with_progress`]) for pi(hi - 1) and pi(lo - 1).
pub fn count_primes_with_progress(lo: u64, hi: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    range::count_primes(lo, hi, progress)
}

/// Writes the primes p with lo <= p < hi, ascending, to the front of `out` and returns how many;
/// the rest of `out` is left untouched.
///
/// The count must be known before anything is written. When `out` is certainly too short (below
/// a proven lower bound of the count, e.g. empty: a size query) and the range is wide, the
/// count comes from pi(hi - 1) - pi(lo - 1) without sieving (`pi`, for hi <= 2^44). Else the
/// range is sieved once into a bitmap
/// (one byte per 30 numbers, at most about a fifth of the bytes of the primes it holds) when that
/// takes at most half of `out`'s bytes; otherwise, or if the bitmap cannot be allocated, the
/// primes are counted first and sieved again to be written.
///
/// Errors, all detected before `out` is modified at all: [`Error::BufferTooSmall`] with the exact
/// number of primes if `out` is shorter than that; [`Error::OutOfMemory`] if the sieve's buffers
/// or threads cannot be allocated.
pub fn primes_in_range(lo: u64, hi: u64, out: &mut [u64]) -> Result<usize, Error> {
    range::primes_in_range(lo, hi, out, None)
}

/// [`primes_in_range`], reporting to `progress` from 2^24 numbers on: `done` and `total` count
/// the numbers of [lo, hi) sieved while counting (`total = hi - lo`; 0 while a size query is
/// answered from pi(x), see `pi`). A cancel is only honoured
/// while counting, before anything is written: after [`Error::Cancelled`], `out` is untouched.
/// The writing that follows a complete count (from the kept sieve bits, a fraction of the time)
/// always runs to its end.
pub fn primes_in_range_with_progress(
    lo: u64,
    hi: u64,
    out: &mut [u64],
    progress: Option<&mut Progress<'_>>,
) -> Result<usize, Error> {
    range::primes_in_range(lo, hi, out, progress)
}
