"""Primes: one number (is_prime, check_prime, smallest_factor_in_range), many numbers
(is_prime_batch), half-open ranges (count_primes, primes)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _abi
from ._calls import call, half_open
from ._checks import integer, u64_array


def is_prime(n: int) -> bool:
    """Whether the int n (0..2**64-1) is prime; exact (Miller-Rabin below 1122004669633,
    Baillie-PSW above), about a microsecond."""
    result = np.zeros(1, dtype=np.bool_)
    call("hpk_is_prime", integer("n", n), result)
    return bool(result[0])


def check_prime(n: int) -> bool:
    """Whether n (0..2**64-1) is prime, by the book's parallel trial division up to isqrt(n).

    Exact but slow for large primes (about 0.02 s for 18 digits on two cores); prefer is_prime.
    """
    result = np.zeros(1, dtype=np.bool_)
    call("hpk_check_prime", integer("n", n), result)
    return bool(result[0])


def smallest_factor_in_range(n: int, start: int, stop: int) -> int | None:
    """The smallest divisor d of n with max(start, 2) <= d < stop, or None if there is none.

    All ints in 0..2**64-1. The book's check_prime_in_range, exact and parallel; cost up to
    stop - start divisions.
    """
    factor = np.zeros(1, dtype=np.uint64)
    call("hpk_smallest_factor_in_range", integer("n", n), integer("start", start),
          integer("stop", stop), factor)
    return int(factor[0]) or None


def is_prime_batch(numbers: ArrayLike) -> NDArray[np.bool_]:
    """Primality of each of ``numbers``: an integer numpy array of any shape and integer dtype
    with non-negative values (uint64 is used as is, others are converted), or a sequence of
    ints in 0..2**64-1. Returns a bool array of the same shape."""
    values = u64_array("numbers", numbers)
    result = np.empty(values.shape, dtype=np.bool_)
    call("hpk_is_prime_batch", values, values.size, result)
    return result


def count_primes(start: int, stop: int | None = None) -> int:
    """The number of primes p with start <= p < stop (ints in 0..2**64-1); 0 if start >= stop.

    Like ``range``: ``count_primes(stop)`` counts the primes below stop, so
    ``count_primes(10**6) == 78498``.
    """
    lo, hi = half_open(start, stop)
    count = np.zeros(1, dtype=np.uint64)
    call("hpk_count_primes", lo, hi, count)
    return int(count[0])


def primes(start: int, stop: int | None = None) -> NDArray[np.uint64]:
    """The primes p with start <= p < stop, ascending, as a uint64 array (may be empty).

    Like ``range``: ``primes(stop)`` lists the primes below stop. Sized with the library's
    size query (capacity 0), then filled.
    """
    lo, hi = half_open(start, stop)
    written = np.zeros(1, dtype=np.uintp)
    call("hpk_primes_in_range", lo, hi, None, 0, written, also_ok=(_abi.HPK_ERR_BUFFER_TOO_SMALL,))
    result = np.empty(int(written[0]), dtype=np.uint64)
    call("hpk_primes_in_range", lo, hi, result, result.size, written)
    return result[: int(written[0])]
