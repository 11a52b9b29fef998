"""A user's script that calls every public function of hpkern, for `mypy --strict` (run by
scripts/test-wheel.sh against the installed wheel) and run for real by the same script: the
annotations must let a strict type checker accept ordinary use, and the calls must work."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

import hpkern

grid: NDArray[np.float64] = np.zeros((64, 64))
grid[20:30, 20:30] = 0.005
stepped: NDArray[np.float64] = hpkern.evolve(grid, d=1.0, dt=0.1, boundary="periodic")
out: NDArray[np.float64] = hpkern.evolve(grid, np.empty_like(grid), boundary=hpkern.BOUNDARY_FIXED)
ran: NDArray[np.float64] = hpkern.run(grid, 10, d=1.0, dt=0.1, boundary="fixed",
                                      scratch=np.empty_like(grid))
counts: NDArray[np.int32] = hpkern.julia_grid(100, 80, x1=-1.8, x2=1.8, y1=-1.8, y2=1.8,
                                              c=-0.62772 - 0.42193j, maxiter=300)
zs = np.full(10, 0.1 + 0.1j)
escape: NDArray[np.int32] = hpkern.calculate_z(zs, -0.62772 - 0.42193j, 300)
prime: bool = hpkern.is_prime(100109100129100151) and hpkern.check_prime(100109100129100151)
factor: int | None = hpkern.smallest_factor_in_range(100109100129100369, 95361951, 95363951)
flags: NDArray[np.bool_] = hpkern.is_prime_batch(np.arange(1, 20))
below: int = hpkern.count_primes(10**6)
between: int = hpkern.count_primes(10**6, 2 * 10**6)
listed: NDArray[np.uint64] = hpkern.primes(0, 100)
chunks: list[NDArray[np.uint64]] = list(hpkern.iter_primes(10**6, chunk=1000))
first_primes: list[int] = list(hpkern.iter_primes(0, 30, as_ints=True))
millionth: int = hpkern.nth_prime(10**6)
late: int = hpkern.nth_prime(10**9, progress=True)


def stop_early(done: int, total: int) -> bool:
    return done > 0


watcher: hpkern.ProgressCallback = stop_early
try:
    hpkern.count_primes(0, 10**12, progress=watcher)
except hpkern.Cancelled as cancelled:
    reported: int | None = cancelled.done
quiet: int = hpkern.count_primes(0, 10**7, progress=False)
hpkern.set_num_threads(0)
threads: int = hpkern.get_num_threads()
isa: str = hpkern.isa_name()
path: str = hpkern.library_path()
hpkern.use_backend("cffi")
backend: str = hpkern.backend_name()
version: str = hpkern.__version__
try:
    hpkern.julia_grid(10, 10, maxiter=-1)
except hpkern.HpkError as error:
    status: int = error.status
    assert status == 3 and error.name == "HPK_ERR_INVALID_ARGUMENT"

assert int(counts.sum()) > 0 and prime and factor == 95362951 and below == 78498
assert sum(c.size for c in chunks) == below and first_primes == listed.tolist()[:10]
assert listed.size == 25 and flags.tolist()[:4] == [False, True, True, False]
assert backend == "cffi" and threads >= 1 and isa in ("avx512", "avx2", "scalar")
print(f"uses_every_function: ok ({between} primes in [10^6, 2*10^6), {version}, {path})")
