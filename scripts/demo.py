"""`make demo`: the book's three kernels with hpkern, checked against the book's answers and timed
beside the book's pure-Python and numpy versions on this machine, with pictures.

Writes target/demo/julia.png, diffusion.png and speedup.png and prints a table of speedups.
Pure Python is far too slow at the book's sizes: it runs a reduced size, and its time is scaled
to the full size (the table says so where it does). Run from the repository root:
    PYTHONPATH=bindings/python .venv/bin/python scripts/demo.py
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import hpkern
from hpkern import plot

OUT = Path(__file__).resolve().parents[1] / "target" / "demo"
BAR = sys.stderr.isatty()  # progress bars on a terminal only


def best_of(function: Callable[[], object], repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


# -- the book's versions ----------------------------------------------------------------------------

def julia_pure_python(width: int, height: int, maxiter: int = 300) -> list[int]:
    """Chapter 2's calc_pure_python + calculate_z_serial_purepython, for a width x height grid."""
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    c = complex(-0.62772, -0.42193)
    x_step, y_step = (x2 - x1) / width, (y1 - y2) / height
    zs = [complex(x1 + k * x_step, y2 + r * y_step) for r in range(height) for k in range(width)]
    output = [0] * len(zs)
    for i, z in enumerate(zs):
        n = 0
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output


def julia_numpy(width: int, height: int, maxiter: int = 300) -> np.ndarray:
    """Vectorised escape counts: every point iterated together, escaped points masked out."""
    x = np.linspace(-1.8, 1.8, width, endpoint=False)
    y = 1.8 + np.arange(height) * (-3.6 / height)
    z = (x[None, :] + 1j * y[:, None]).ravel()
    c = complex(-0.62772, -0.42193)
    counts = np.zeros(z.shape, np.int32)
    alive = np.ones(z.shape, bool)
    for _ in range(maxiter):
        alive &= np.abs(z) < 2
        if not alive.any():
            break
        z[alive] = z[alive] * z[alive] + c
        counts += alive
    return counts


def diffusion_pure_python(grid: list[list[float]], steps: int, d: float = 1.0, dt: float = 0.1) -> list[list[float]]:
    """Chapter 6's pure-Python evolve with periodic edges (the modulo form), ping-ponged."""
    rows, cols = len(grid), len(grid[0])
    grid = [row[:] for row in grid]  # the caller's grid stays as it was
    new = [[0.0] * cols for _ in range(rows)]
    for _ in range(steps):
        for i in range(rows):
            for j in range(cols):
                lap = (grid[(i + 1) % rows][j] + grid[(i - 1) % rows][j] + grid[i][(j + 1) % cols]
                       + grid[i][(j - 1) % cols] - 4.0 * grid[i][j])
                new[i][j] = grid[i][j] + d * dt * lap
        grid, new = new, grid
    return grid


def diffusion_numpy(grid: np.ndarray, steps: int, d: float = 1.0, dt: float = 0.1) -> np.ndarray:
    """Chapter 6's numpy evolve with np.roll (periodic edges)."""
    for _ in range(steps):
        lap = (np.roll(grid, 1, 0) + np.roll(grid, -1, 0) + np.roll(grid, 1, 1)
               + np.roll(grid, -1, 1) - 4.0 * grid)
        grid = grid + d * dt * lap
    return grid


def check_prime_pure_python(n: int, limit: int | None = None) -> bool:
    """Chapter 9's serial check_prime, trying odd divisors up to isqrt(n) (or ``limit``)."""
    if n % 2 == 0:
        return n == 2
    stop = min(math.isqrt(n) + 1, limit or n)
    for i in range(3, stop, 2):
        if n % i == 0:
            return False
    return True


def count_primes_numpy(stop: int) -> int:
    """A sieve of Eratosthenes over odd numbers, in numpy."""
    sieve = np.ones(stop // 2, dtype=bool)
    sieve[0] = False
    for i in range(3, math.isqrt(stop) + 1, 2):
        if sieve[i // 2]:
            sieve[i * i // 2::i] = False
    return int(sieve.sum()) + (stop > 2)


# -- the demo ---------------------------------------------------------------------------------------

def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"hpkern {hpkern.__version__}: {hpkern.get_num_threads()} threads, {hpkern.isa_name()} "
          f"kernels, {hpkern.library_path()}\n")
    rows: list[tuple[str, str, float, float, str]] = []  # kernel, baseline, base s, hpkern s, note
    failures = 0

    def check(what: str, ok: bool) -> None:
        nonlocal failures
        failures += not ok
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")

    print("Julia set, 1000 x 1000, maxiter 300 (chapter 2)")
    counts = hpkern.julia_grid(1000, 1000, progress=BAR)
    check(f"checksum {int(counts.sum())} (the book: 33219980)", int(counts.sum()) == 33219980)
    fast = best_of(lambda: hpkern.julia_grid(1000, 1000))
    small = best_of(lambda: julia_pure_python(100, 100), 1) * 100  # 1/100 of the pixels
    check("pure Python on 100 x 100 agrees with hpkern",
          julia_pure_python(100, 100) == hpkern.julia_grid(100, 100).ravel().tolist())
    vector = best_of(lambda: julia_numpy(1000, 1000), 1)
    check("numpy agrees with hpkern", np.array_equal(julia_numpy(1000, 1000), counts.ravel()))
    rows += [("Julia 1000^2", "pure Python", small, fast, "100^2 run, x100"),
             ("Julia 1000^2", "numpy", vector, fast, "")]
    print(f"  wrote {plot.julia_png(counts, OUT / 'julia.png', maxiter=300)}")

    print("\nDiffusion, 512 x 512, d = 1, dt = 0.1, periodic (chapter 6)")
    start = np.zeros((512, 512))
    start[204:256, 204:256] = 0.005
    grid = hpkern.run(start.copy(), 100, boundary="periodic", progress=BAR)
    reference = diffusion_numpy(start, 100)
    check(f"100 steps equal the book's numpy to {np.abs(grid - reference).max():.1e}",
          np.allclose(grid, reference, rtol=0, atol=1e-15))
    fast = best_of(lambda: hpkern.run(start.copy(), 100, boundary="periodic")) / 100
    vector = best_of(lambda: diffusion_numpy(start, 10), 1) / 10
    small_grid = start[::8, ::8].tolist()  # 64 x 64: 1/64 of the cells
    slow = best_of(lambda: diffusion_pure_python(small_grid, 2), 1) / 2 * 64
    check("pure Python on 64 x 64 agrees with hpkern",
          np.allclose(diffusion_pure_python(small_grid, 2), hpkern.run(start[::8, ::8].copy(), 2,
                                                                        boundary="periodic"), atol=1e-15))
    rows += [("Diffusion step 512^2", "pure Python", slow, fast, "64^2 run, x64"),
             ("Diffusion step 512^2", "numpy", vector, fast, "")]
    frames, shown, centre = [(0, start[128:384, 128:384].copy())], start.copy(), slice(128, 384)
    for step in (500, 2000, 8000):
        hpkern.run(shown, step - frames[-1][0], boundary="periodic", progress=BAR)
        frames.append((step, shown[centre, centre].copy()))
    title = "the centre 256 x 256 of the book's 512 x 512 grid, d = 1, dt = 0.1, periodic"
    print(f"  wrote {plot.diffusion_png(frames, OUT / 'diffusion.png', title=title)}")

    print("\nPrimes (chapter 9)")
    book = {112272535095295: False, 100109100129100369: False, 100109100129101027: False,
            100109100129100151: True, 100109100129162907: True}
    check("check_prime on the book's five numbers",
          all(hpkern.check_prime(n) == want for n, want in book.items()))
    fast = best_of(lambda: hpkern.check_prime(100109100129100151))
    limit = 2 * 10**6  # 1/158 of the candidates up to isqrt
    slow = best_of(lambda: check_prime_pure_python(100109100129100151, limit), 1) \
        * (math.isqrt(100109100129100151) / limit)
    rows.append(("check_prime, 18 digits", "pure Python", slow, fast, "2e6 divisors, scaled"))
    pi = hpkern.count_primes(10**9, progress=BAR)
    check(f"pi(10^9) = {pi} (published: 50847534)", pi == 50847534)
    fast = best_of(lambda: hpkern.count_primes(10**9))
    check("numpy sieve agrees below 10^7", count_primes_numpy(10**7) == hpkern.count_primes(10**7))
    vector = best_of(lambda: count_primes_numpy(10**8), 1) * 10
    rows.append(("pi(10^9)", "numpy sieve", vector, fast, "10^8 run, x10"))

    print(f"\n{'kernel':24} {'vs':12} {'baseline':>10} {'hpkern':>10} {'speedup':>9}  note")
    for kernel, baseline, base, mine, note in rows:
        print(f"{kernel:24} {baseline:12} {base:10.4g}s {mine:10.4g}s {base / mine:8.0f}x  {note}")
    chart = plot.speedup_png([(k, b, base / mine) for k, b, base, mine, _ in rows], OUT / "speedup.png",
                             title=f"hpkern on {hpkern.get_num_threads()} threads vs the book's Python")
    print(f"\nwrote {chart}")
    print(f"pictures: {OUT / 'julia.png'}, {OUT / 'diffusion.png'}, {chart}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
