"""Primes: the book's numbers, and the batch/range functions against a sieve."""

import numpy as np

COMPOSITE_SMALL_FACTOR = 112272535095295  # 5 x 109 x 206004651551
SEMIPRIMES = {100109100129100369: (95362951, 1049769319), 100109100129101027: (171656941, 583192847)}
PRIMES_18 = (100109100129100151, 100109100129162907)
PRIMES_BELOW_100 = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
                    73, 79, 83, 89, 97]
LARGEST_U64_PRIME = 2**64 - 59


def sieve(limit):
    """is_prime[n] for 0 <= n < limit, by the sieve of Eratosthenes."""
    flags = np.ones(limit, dtype=bool)
    flags[:2] = False
    for p in range(2, int(limit**0.5) + 1):
        if flags[p]:
            flags[p * p::p] = False
    return flags


def test_is_prime_book_numbers(hpk):
    assert hpk.is_prime(COMPOSITE_SMALL_FACTOR) is False
    for n in SEMIPRIMES:
        assert hpk.is_prime(n) is False
    for n in PRIMES_18:
        assert hpk.is_prime(n) is True


def test_is_prime_edges(hpk):
    assert [hpk.is_prime(n) for n in range(6)] == [False, False, True, True, False, True]
    assert hpk.is_prime(LARGEST_U64_PRIME) is True
    assert hpk.is_prime(2**64 - 1) is False  # 3 x 5 x 17 x 257 x 641 x 65537 x 6700417
    assert hpk.is_prime(np.uint64(LARGEST_U64_PRIME)) is True
    assert hpk.is_prime(np.int64(97)) is True


def test_check_prime_18_digit_prime(hpk):
    assert hpk.check_prime(PRIMES_18[0]) is True


def test_check_prime_agrees_with_sieve_and_book_composites(hpk):
    flags = sieve(3000)
    assert [hpk.check_prime(n) for n in range(3000)] == flags.tolist()
    assert hpk.check_prime(COMPOSITE_SMALL_FACTOR) is False
    assert hpk.check_prime(100109100129101027) is False


def test_smallest_factor_in_range(hpk):
    assert hpk.smallest_factor_in_range(COMPOSITE_SMALL_FACTOR, 2, 1000) == 5
    assert hpk.smallest_factor_in_range(COMPOSITE_SMALL_FACTOR, 6, 1000) == 109
    for n, (p, q) in SEMIPRIMES.items():
        assert p * q == n
        assert hpk.smallest_factor_in_range(n, p - 1000, p + 1000) == p
        assert hpk.smallest_factor_in_range(n, p + 1, p + 1000) is None
    assert hpk.smallest_factor_in_range(PRIMES_18[1], 2, 10**6) is None
    assert hpk.smallest_factor_in_range(10, 0, 100) == 2  # starts at max(start, 2)
    assert hpk.smallest_factor_in_range(10, 5, 5) is None


def test_is_prime_batch_against_sieve(hpk):
    expected = sieve(10**5)
    from_list = hpk.is_prime_batch(list(range(10**5)))
    assert from_list.dtype == np.bool_ and np.array_equal(from_list, expected)
    from_array = hpk.is_prime_batch(np.arange(10**5, dtype=np.uint64))
    assert np.array_equal(from_array, expected)


def test_is_prime_batch_takes_any_integer_dtype(hpk):
    """np.arange gives int64: integer arrays of every dtype with non-negative values work."""
    expected = sieve(300)
    assert np.array_equal(hpk.is_prime_batch(np.arange(1, 20)), expected[1:20])
    for dtype in (np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64):
        numbers = np.arange(0, min(300, np.iinfo(dtype).max), dtype=dtype)
        assert np.array_equal(hpk.is_prime_batch(numbers), expected[: numbers.size]), dtype
    grid = np.arange(30, dtype=np.int64).reshape(5, 6)[:, ::2]  # 2-D, not contiguous
    assert np.array_equal(hpk.is_prime_batch(grid), expected[:30].reshape(5, 6)[:, ::2])
    big = np.array([2**63 - 25, 2**63 - 1], dtype=np.int64)  # the largest int64 prime; 7^2 x 73 x ...
    assert hpk.is_prime_batch(big).tolist() == [True, False]


def test_is_prime_batch_shapes_and_big_values(hpk):
    numbers = np.array([[LARGEST_U64_PRIME, 2**64 - 1], [*PRIMES_18]], dtype=np.uint64)
    assert hpk.is_prime_batch(numbers).tolist() == [[True, False], [True, True]]
    assert hpk.is_prime_batch([]).shape == (0,)
    assert hpk.is_prime_batch(range(5)).tolist() == [False, False, True, True, False]


def test_count_primes(hpk):
    assert hpk.count_primes(0, 10**6) == 78498
    assert hpk.count_primes(0, 100) == 25
    assert hpk.count_primes(100, 100) == 0
    assert hpk.count_primes(1000, 10) == 0
    assert hpk.count_primes(10**5, 2 * 10**5) == int(sieve(2 * 10**5)[10**5:].sum())


def test_one_argument_means_from_zero_like_range(hpk):
    assert hpk.count_primes(10**6) == 78498 == hpk.count_primes(0, 10**6)
    assert hpk.count_primes(2) == 0 and hpk.count_primes(3) == 1
    assert hpk.primes(30).tolist() == PRIMES_BELOW_100[:10]
    assert hpk.primes(stop=30, start=20).tolist() == [23, 29]


def test_primes(hpk):
    result = hpk.primes(0, 100)
    assert result.dtype == np.uint64 and result.tolist() == PRIMES_BELOW_100
    assert hpk.primes(0, 2).tolist() == []
    assert hpk.primes(50, 20).size == 0
    assert hpk.primes(97, 98).tolist() == [97]
    assert hpk.primes(0, 10**6).size == 78498
    big = hpk.primes(10**12, 10**12 + 2000)
    candidates = np.arange(10**12, 10**12 + 2000, dtype=np.uint64)
    assert np.array_equal(big, candidates[hpk.is_prime_batch(candidates)])


def test_primes_at_the_top_of_uint64(hpk):
    top = hpk.primes(2**64 - 200, 2**64 - 1)
    assert top.tolist() == [n for n in range(2**64 - 200, 2**64 - 1) if hpk.is_prime(n)]
    assert top[-1] == LARGEST_U64_PRIME and len(top) == 5
    assert hpk.primes(LARGEST_U64_PRIME + 1, 2**64 - 1).size == 0
    assert hpk.count_primes(2**64 - 200, 2**64 - 1) == 5
