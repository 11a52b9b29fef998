"""Primes: one number (is_prime, check_prime, smallest_factor_in_range), many numbers
(is_prime_batch), half-open ranges (count_primes, primes), the n-th prime (nth_prime)."""

from __future__ import annotations

import math
import os

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _abi
from ._calls import call, half_open
from ._checks import integer, u64_array
from ._progress import Progress, watched


def is_prime(n: int) -> bool:
    """Whether the int n (0..2**64-1) is prime; exact (Miller-Rabin below 1122004669633,
    Baillie-PSW above), about a microsecond."""
    result = np.zeros(1, dtype=np.bool_)
    call("hpk_is_prime", integer("n", n), result)
    return bool(result[0])


def check_prime(n: int, *, progress: Progress = None) -> bool:
    """Whether n (0..2**64-1) is prime, by the book's parallel trial division up to isqrt(n).

    Exact but slow for large primes (about 0.02 s for 18 digits on two cores, seconds near
    2**64); prefer is_prime.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (candidate divisors of [3, isqrt(n)]; reported when that is 2**25 values or more).
    """
    n = integer("n", n)
    result = np.zeros(1, dtype=np.bool_)
    with watched("check_prime", progress, long=math.isqrt(n) - 2 >= 2**25) as watch:
        call("hpk_check_prime", n, result, watch=watch)
    return bool(result[0])


def smallest_factor_in_range(n: int, start: int, stop: int, *,
                             progress: Progress = None) -> int | None:
    """The smallest divisor d of n with max(start, 2) <= d < stop, or None if there is none.

    All ints in 0..2**64-1. The book's check_prime_in_range, exact and parallel; cost up to
    stop - start divisions.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (candidate divisors; reported when the range spans 2**25 or more).
    """
    n, start, stop = integer("n", n), integer("start", start), integer("stop", stop)
    factor = np.zeros(1, dtype=np.uint64)
    with watched("smallest_factor_in_range", progress, long=stop - start >= 2**25) as watch:
        call("hpk_smallest_factor_in_range", n, start, stop, factor, watch=watch)
    return int(factor[0]) or None


def is_prime_batch(numbers: ArrayLike, *, progress: Progress = None) -> NDArray[np.bool_]:
    """Primality of each of ``numbers``: an integer numpy array of any shape and integer dtype
    with non-negative values (uint64 is used as is, others are converted), or a sequence of
    ints in 0..2**64-1. Returns a bool array of the same shape.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (numbers tested; reported from 2048 numbers on).
    """
    values = u64_array("numbers", numbers)
    result = np.empty(values.shape, dtype=np.bool_)
    with watched("is_prime_batch", progress, long=values.size >= 2048) as watch:
        call("hpk_is_prime_batch", values, values.size, result, watch=watch)
    return result


def count_primes(start: int, stop: int | None = None, *, progress: Progress = None) -> int:
    """The number of primes p with start <= p < stop (ints in 0..2**64-1); 0 if start >= stop.

    Like ``range``: ``count_primes(stop)`` counts the primes below stop, so
    ``count_primes(10**6) == 78498``.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (numbers sieved; reported when stop - start is 2**24 or more).

    Long ranges are counted as pi(stop - 1) - pi(start - 1) without sieving (the
    Lagarias-Miller-Odlyzko method: ``count_primes(10**12)`` in a fraction of a second,
    ``count_primes(10**16)`` in tens of seconds); progress then counts the numbers covered by
    the sieves inside each pi().
    """
    lo, hi = half_open(start, stop)
    count = np.zeros(1, dtype=np.uint64)
    with watched("count_primes", progress, long=hi - lo >= 2**24 or hi >= 2**26) as watch:
        call("hpk_count_primes", lo, hi, count, watch=watch)
    return int(count[0])


#: The number of primes below 2**64: the largest n that nth_prime accepts.
NTH_PRIME_MAX_N = 425656284035217743


def nth_prime(n: int, *, progress: Progress = None) -> int:
    """The n-th prime: ``nth_prime(1) == 2``, ``nth_prime(10**6) == 15485863``.

    n: an int in 1..425656284035217743 (the number of primes below 2**64; its prime is
    18446744073709551557); others raise HpkError (invalid argument). Costs about one
    pi(p_n) (see count_primes): a fraction of a second for n = 10**10.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (numbers covered by pi's sieves; reported when the
        answer is about 2**30 or more).
    """
    n = integer("n", n)
    result = np.zeros(1, dtype=np.uint64)
    with watched("nth_prime", progress, long=n >= 50_000_000) as watch:
        call("hpk_nth_prime", n, result, watch=watch)
    return int(result[0])


def prime_count_bound(start: int, stop: int) -> int:
    """An upper bound on the number of primes in [start, stop), from published inequalities:
    pi(x) < x / (ln x - 1.1) for x >= 60184 and pi(x) < 1.25506 x / ln x for x > 1 (Dusart;
    Rosser and Schoenfeld), pi(x) >= x / ln x for x >= 17, and at most 2y / ln y primes in any
    y consecutive numbers (Montgomery and Vaughan), with a margin for rounding."""
    if stop <= start:
        return 0
    length = stop - start

    def upper(x: int) -> float:
        if x <= 1:
            return 0.0
        log = math.log(x)
        return x / (log - 1.1) if x >= 60184 else 1.25506 * x / log

    def lower(x: int) -> float:
        return x / math.log(x) if x >= 17 else 0.0

    bounds = [float(length), upper(stop) - lower(start)]
    if length >= 2:
        bounds.append(2 * length / math.log(length))
    return min(length, int(min(bounds) * 1.0001) + 16)


def primes(start: int, stop: int | None = None, *, progress: Progress = None) -> NDArray[np.uint64]:
    """The primes p with start <= p < stop, ascending, as a uint64 array (may be empty).

    Like ``range``: ``primes(stop)`` lists the primes below stop. The memory is checked before
    any work: a range whose primes cannot fit in this machine's memory (by an upper bound on
    their number, see prime_count_bound) raises MemoryError at once, with the size it needs.
    The range is sieved once, into an array of that bound's size, trimmed after.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (numbers sieved; reported when stop - start is 2**24 or more. When stopped, nothing is returned).
    """
    lo, hi = half_open(start, stop)
    bound = prime_count_bound(lo, hi)
    needed, memory = 8 * bound, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if needed > memory:
        raise MemoryError(
            f"primes({lo}, {hi}) needs up to {needed / 2**30:.1f} GiB ({bound} primes at most, 8 "
            f"bytes each) and this machine has {memory / 2**30:.1f} GiB: ask for shorter ranges, "
            "or count them with count_primes")
    result = np.empty(bound, dtype=np.uint64)
    written = np.zeros(1, dtype=np.uintp)
    with watched("primes", progress, long=hi - lo >= 2**24) as watch:
        status = call("hpk_primes_in_range", lo, hi, result, result.size, written, watch=watch,
                      also_ok=(_abi.HPK_ERR_BUFFER_TOO_SMALL,))
        if status == _abi.HPK_ERR_BUFFER_TOO_SMALL:  # never, if the bound holds; exact anyway
            result = np.empty(int(written[0]), dtype=np.uint64)
            call("hpk_primes_in_range", lo, hi, result, result.size, written, watch=watch)
    count = int(written[0])
    # A view keeps the whole allocation alive: copy when the bound overshot by much.
    return result[:count] if result.size - count <= count // 8 + 4096 else result[:count].copy()
