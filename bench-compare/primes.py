"""Primes: the book's trial division, Miller-Rabin per call and in batches, prime counting.

Peers: the book's check_prime in C (gcc serial, OpenMP with early exit), Numba (serial and
prange) and Cython (prange); gmpy2.is_prime for primality tests; primesieve (Debian's
libprimesieve, through ctypes) for counting. A numpy sieve is not run for pi(10^9): it needs
tens of seconds there (3.3 s already for pi(10^8)), far outside the time budget.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math

import gmpy2
import numpy as np
from numba import njit, prange

from common import CORES, Interleaved, Row, check

TRIAL_PRIME = 100_109_100_129_100_151
#: Composites whose smallest factor each path must find: 5, then two factors near the sqrt.
TRIAL_COMPOSITES = (112_272_535_095_295, 1_000_003 * 1_000_033)
COUNTS = {  # (lo, hi) -> known number of primes in [lo, hi)
    (0, 10**9): 50_847_534,
    (0, 10**10): 455_052_511,
    (10**12, 10**12 + 10**8): 3_618_282,
}
SEED = 20240601
TRIAL_WORKLOAD = f"trial division {TRIAL_PRIME}"
PER_CALL_WORKLOAD = "is_prime per call, 64-bit primes"
BATCH_WORKLOAD = "is_prime_batch 10^6 random u64"


def count_workload(lo: int, hi: int) -> str:
    return f"pi(10^{round(math.log10(hi))})" if lo == 0 else f"primes in [10^{round(math.log10(lo))}, +10^{round(math.log10(hi - lo))})"


@njit(cache=True)
def check_prime_numba(n):
    if n % 2 == 0:
        return False
    for i in range(3, int(math.sqrt(n)) + 1, 2):
        if n % i == 0:
            return False
    return True


@njit(parallel=True, cache=True)
def check_prime_numba_prange(n):
    """Small factors serially, then blocks of 1000 odd candidates over prange, each skipped
    once a factor was found (the book's shared flag, polled every 1000 candidates)."""
    if n % 2 == 0:
        return False
    limit = int(math.sqrt(n)) + 1
    for i in range(3, min(21, limit), 2):
        if n % i == 0:
            return False
    block = 2000
    found = np.zeros(1, dtype=np.uint8)
    for b in prange(max(0, (limit - 21 + block - 1) // block)):
        if found[0]:
            continue
        start = 21 + b * block
        for i in range(start, min(start + block, limit), 2):
            if n % i == 0:
                found[0] = 1
                break
    return found[0] == 0


class Primesieve:
    """primesieve's C API (libprimesieve): counts over closed intervals [start, stop]."""

    def __init__(self) -> None:
        names = ["libprimesieve.so", ctypes.util.find_library("primesieve"), "libprimesieve.so.11"]
        for name in filter(None, names):
            try:
                self.lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
        else:
            raise OSError("libprimesieve not found: apt-get install libprimesieve-dev")
        self.lib.primesieve_count_primes.restype = ctypes.c_uint64
        self.lib.primesieve_count_primes.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
        self.lib.primesieve_set_num_threads.argtypes = [ctypes.c_int]
        self.lib.primesieve_version.restype = ctypes.c_char_p
        self.version = self.lib.primesieve_version().decode()

    def count(self, lo: int, hi: int) -> int:
        """Primes in [lo, hi), like hpkern.count_primes."""
        return int(self.lib.primesieve_count_primes(lo, hi - 1)) if hi > lo else 0

    def set_threads(self, threads: int) -> None:
        self.lib.primesieve_set_num_threads(threads)


def trial_division(hpkern, peers) -> list[Row]:
    workload = TRIAL_WORKLOAD
    c, cy = peers.c, peers.cython("cy_primes")
    group = Interleaved(prepare=lambda: hpkern.set_num_threads(0))  # timed in turn
    queued = []

    def timed(name, threads, is_prime, reference=False, note="", before=None):
        for n in TRIAL_COMPOSITES:
            check(not is_prime(n), f"{name} says the composite {n} is prime")
        entry = group.add(lambda: is_prime(TRIAL_PRIME), before=before,
                          verify=lambda result: check(bool(result), f"{name} says the prime {TRIAL_PRIME} is composite"))
        queued.append((name, threads, note, reference, entry))

    timed("hpkern check_prime (ctypes)", CORES, hpkern.check_prime, reference=True)
    timed("hpkern check_prime (ctypes)", 1, hpkern.check_prime, before=lambda: hpkern.set_num_threads(1))
    timed("gcc -O3 -march=native", 1, c.check_prime_serial)
    timed("gcc OpenMP early exit", CORES, c.check_prime_omp)
    timed("numba @njit", 1, check_prime_numba)
    timed("numba prange early exit", CORES, check_prime_numba_prange)
    timed("cython prange guided", CORES, cy.check_prime_prange, note="early exit")
    group.run()
    hpkern.set_num_threads(0)
    return [Row(workload, name, threads, entry.timing, reference=reference, note=note)
            for name, threads, note, reference, entry in queued]


def random_u64(count: int) -> np.ndarray:
    return np.random.default_rng(SEED).integers(0, 2**64, size=count, dtype=np.uint64)


def miller_rabin(hpkern) -> list[Row]:
    # 1000 random 64-bit primes: the next prime after random numbers in [2^63, 2^64 - 2^32).
    starts = np.random.default_rng(SEED).integers(2**63, 2**64 - 2**32, size=1000, dtype=np.uint64)
    primes = [int(gmpy2.next_prime(int(x))) for x in starts]
    workload = PER_CALL_WORKLOAD
    group = Interleaved()  # timed in turn
    queued = []
    for name, is_prime, note in (("hpkern is_prime (ctypes)", hpkern.is_prime, "includes the binding's argument checks"),
                                 ("gmpy2.is_prime", gmpy2.is_prime, "")):
        entry = group.add(lambda is_prime=is_prime: all(map(is_prime, primes)), per=len(primes),
                          verify=lambda all_prime: check(all_prime, f"{name} says a 64-bit prime is composite"))
        queued.append((workload, name, 1, note, name.startswith("hpkern"), entry))
    group.run()

    workload = BATCH_WORKLOAD
    numbers = random_u64(10**6)
    as_ints = numbers.tolist()  # gmpy2 takes Python ints; converted once, untimed
    want = np.fromiter(map(gmpy2.is_prime, as_ints), dtype=bool, count=len(as_ints))
    batch = Interleaved(prepare=lambda: hpkern.set_num_threads(0))
    for threads in (CORES, 1):
        entry = batch.add(lambda: hpkern.is_prime_batch(numbers), before=lambda threads=threads: hpkern.set_num_threads(threads),
                          verify=lambda got: check(np.array_equal(got, want), "hpkern.is_prime_batch differs from gmpy2.is_prime"))
        queued.append((workload, "hpkern is_prime_batch (ctypes)", threads, "", threads == CORES, entry))
    queued.append((workload, "gmpy2.is_prime loop", 1, "list comprehension over Python ints",
                   False, batch.add(lambda: [gmpy2.is_prime(x) for x in as_ints])))
    batch.run()
    hpkern.set_num_threads(0)
    return [Row(workload, name, threads, entry.timing, unit="call" if workload == PER_CALL_WORKLOAD else "run",
                reference=reference, note=note) for workload, name, threads, note, reference, entry in queued]


def counting(hpkern, primesieve: Primesieve) -> list[Row]:
    rows = []
    for (lo, hi), known in COUNTS.items():
        workload = count_workload(lo, hi)
        one_thread_too = hi - lo <= 10**9  # pi(10^10) on one thread costs too much of the budget
        group = Interleaved()  # timed in turn
        queued = []
        for threads in [CORES, 1] if one_thread_too else [CORES]:
            def set_threads(threads=threads):
                hpkern.set_num_threads(threads)
                primesieve.set_threads(threads)
            for name, count in (("hpkern count_primes (ctypes)", hpkern.count_primes),
                                (f"primesieve {primesieve.version}", primesieve.count)):
                entry = group.add(lambda count=count: count(lo, hi), before=set_threads, verify=lambda got: check(
                    got == known, f"{name}: {got} primes in [{lo}, {hi}), want {known}"))
                queued.append((name, threads, threads == CORES and name.startswith("hpkern"), entry))
        group.run()
        rows += [Row(workload, name, threads, entry.timing, reference=reference)
                 for name, threads, reference, entry in queued]
    hpkern.set_num_threads(0)
    primesieve.set_threads(CORES)
    return rows


def run(hpkern, peers) -> list[Row]:
    primesieve = Primesieve()
    return trial_division(hpkern, peers) + miller_rabin(hpkern) + counting(hpkern, primesieve)
