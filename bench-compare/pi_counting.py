"""pi(x) without sieving and the n-th prime: hpkern.count_primes(x + 1) (Lagarias-Miller-Odlyzko
inside) beside primecount (Debian's libprimecount: Gourdon's algorithm by default), and
hpkern.nth_prime beside primesieve's nth_prime (a sieve from an estimate) and primecount's
(pi near an estimate, like hpkern's). All on CORES threads, timed in turn."""

from __future__ import annotations

import ctypes
import ctypes.util

from common import CORES, Interleaved, Row, check

#: x -> pi(x) (OEIS A006880); the larger ones cost seconds per run, so fewer runs.
PI = {10**12: 37_607_912_018, 10**13: 346_065_536_839, 10**14: 3_204_941_750_802,
      10**15: 29_844_570_422_669, 10**16: 279_238_341_033_925}
#: n -> the n-th prime (primesieve sieves up to it: 10^10 would take it half a minute a run).
NTH = {10**8: 2_038_074_743, 10**9: 22_801_763_489}


def load(names: list[str | None], package: str) -> ctypes.CDLL:
    for name in filter(None, names):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise OSError(f"{names[0]} not found: apt-get install {package}")


class Primecount:
    """primecount's C API: primecount_pi(int64) and primecount_nth_prime(int64)."""

    def __init__(self) -> None:
        self.lib = load(["libprimecount.so", ctypes.util.find_library("primecount"), "libprimecount.so.7"],
                        "primecount")
        self.lib.primecount_pi.restype = ctypes.c_int64
        self.lib.primecount_pi.argtypes = [ctypes.c_int64]
        self.lib.primecount_nth_prime.restype = ctypes.c_int64
        self.lib.primecount_nth_prime.argtypes = [ctypes.c_int64]
        self.lib.primecount_set_num_threads.argtypes = [ctypes.c_int]
        self.lib.primecount_version.restype = ctypes.c_char_p
        self.version = self.lib.primecount_version().decode()


def rows(hpkern, primesieve) -> list[Row]:
    primecount = Primecount()
    primecount.lib.primecount_set_num_threads(CORES)
    primesieve.set_threads(CORES)
    primesieve.lib.primesieve_nth_prime.restype = ctypes.c_uint64
    primesieve.lib.primesieve_nth_prime.argtypes = [ctypes.c_int64, ctypes.c_uint64]
    hpkern.set_num_threads(CORES)
    out = []
    for x, known in PI.items():
        group = Interleaved()
        workload = f"pi(10^{len(str(x)) - 1})"
        entries = [(f"hpkern count_primes (ctypes)", True, group.add(
                        lambda x=x: hpkern.count_primes(x + 1),
                        verify=lambda got, known=known: check(got == known, f"hpkern pi: {got}, want {known}"))),
                   (f"primecount {primecount.version}", False, group.add(
                        lambda x=x: primecount.lib.primecount_pi(x),
                        verify=lambda got, known=known: check(got == known, f"primecount pi: {got}, want {known}")))]
        group.run()
        out += [Row(workload, name, CORES, entry.timing, reference=reference) for name, reference, entry in entries]
    for n, known in NTH.items():
        group = Interleaved()
        workload = f"nth_prime(10^{len(str(n)) - 1})"
        calls = [("hpkern nth_prime (ctypes)", True, lambda n=n: hpkern.nth_prime(n)),
                 (f"primesieve {primesieve.version}", False, lambda n=n: primesieve.lib.primesieve_nth_prime(n, 0)),
                 (f"primecount {primecount.version}", False, lambda n=n: primecount.lib.primecount_nth_prime(n))]
        entries = [(name, reference, group.add(call, verify=lambda got, name=name, known=known: check(
                    got == known, f"{name}: {got}, want {known}"))) for name, reference, call in calls]
        group.run()
        out += [Row(workload, name, CORES, entry.timing, reference=reference) for name, reference, entry in entries]
    hpkern.set_num_threads(0)
    return out
