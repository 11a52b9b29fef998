"""pi(x) without sieving (count_primes on long ranges) and nth_prime, against the published
tables (OEIS A006880, A007053) and the sieve; bad input and cancellation; the CLI's `primes nth`
and `primes count 1e15`."""

import subprocess
import sys

import pytest

from conftest import child_environment

# pi(10^k), k = 0..13 (OEIS A006880), and pi(2^k), k = 40..43 (OEIS A007053); the larger
# entries are checked against the release library in ffi-tests/tests/abi_pi.rs.
PI_POW10 = [0, 4, 25, 168, 1229, 9592, 78498, 664579, 5761455, 50847534, 455052511, 4118054813,
            37607912018, 346065536839]
PI_POW2 = {40: 41203088796, 41: 80316571436, 42: 156661034233, 43: 305761713237}
MAX_N = 425656284035217743  # primes below 2**64
LARGEST_U64_PRIME = 2**64 - 59


def test_count_primes_matches_the_power_of_ten_table(hpk):
    for k, want in enumerate(PI_POW10):
        assert hpk.count_primes(10**k + 1) == want, f"pi(10^{k})"


def test_count_primes_matches_the_power_of_two_table(hpk):
    for k, want in PI_POW2.items():
        assert hpk.count_primes(2**k) == want, f"pi(2^{k})"  # 2^k is not prime


def test_long_and_short_ranges_agree(hpk):
    # The short windows are sieved, the prefixes counted by pi(): they must add up.
    for x in (10**12, 2**45 + 12345, 10**13 - 7):
        for width in (1, 1000, 10**6):
            window = hpk.count_primes(x - width, x)
            assert window == hpk.count_primes(x) - hpk.count_primes(x - width)
            assert window == len(hpk.primes(x - width, x))


def test_nth_prime_known_values(hpk):
    assert [hpk.nth_prime(n) for n in range(1, 11)] == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    assert hpk.nth_prime(10**6) == 15485863
    assert hpk.nth_prime(10**9) == 22801763489
    assert hpk.nth_prime(PI_POW10[12]) == 999999999989  # the largest prime below 10^12
    assert hpk.nth_prime(MAX_N) == LARGEST_U64_PRIME
    assert hpk.nth_prime(MAX_N - 1) == 2**64 - 83


def test_nth_prime_brackets_pi(hpk):
    for x in (100, 7919, 10**6 + 3, 123456789, 10**11 + 17):
        count = hpk.count_primes(x + 1)
        assert hpk.nth_prime(count) <= x < hpk.nth_prime(count + 1)


@pytest.mark.parametrize("n", [0, MAX_N + 1, 2**64 - 1])
def test_nth_prime_rejects_n_without_a_64_bit_answer(hpk, n):
    with pytest.raises(hpk.HpkError) as info:
        hpk.nth_prime(n)
    assert info.value.name == "HPK_ERR_INVALID_ARGUMENT"
    assert "nth_prime" in str(info.value)


@pytest.mark.parametrize("n", [-1, 2**64, 1.5, "7"])
def test_nth_prime_rejects_non_u64_before_the_library(hpk, n):
    with pytest.raises((TypeError, ValueError, OverflowError)):
        hpk.nth_prime(n)


def test_pi_and_nth_prime_report_and_cancel(hpk):
    seen = []

    def cancel_at_first(done, total):
        seen.append((done, total))
        return True

    with pytest.raises(hpk.Cancelled):
        hpk.count_primes(10**16, progress=cancel_at_first)
    assert seen and all(0 <= done <= total for done, total in seen)
    seen.clear()
    with pytest.raises(hpk.Cancelled):
        hpk.nth_prime(10**15, progress=cancel_at_first)
    assert seen


@pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)
def test_cli_nth_and_count_in_scientific_notation(hpk):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "hpkern", *args], capture_output=True, text=True,
                              timeout=120, env=child_environment(hpk, {}))

    result = run("primes", "nth", "1e6")
    assert result.returncode == 0 and result.stdout.strip() == "15485863", result.stderr
    result = run("primes", "count", "1e13")
    assert result.returncode == 0 and result.stdout.strip() == str(PI_POW10[13]), result.stderr
    result = run("primes", "nth", "0")
    assert result.returncode == 1 and "nth_prime" in result.stderr and "Traceback" not in result.stderr
    result = run("primes", "nth", "1", "2")
    assert result.returncode == 2
