"""hpkern from Python: the book's Julia checksum, a diffusion run and the book's prime numbers.

Run from the repository root after `make lib`:
    PYTHONPATH=bindings/python .venv/bin/python bindings/python/example.py
"""

import time

import hpkern
import numpy as np


def timed(label, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"  {label}: {time.perf_counter() - start:.3f} s")
    return result


def main():
    print(f"hpkern {hpkern.__version__} from {hpkern.library_path()}, "
          f"{hpkern.get_num_threads()} threads")

    print("Julia set, 1000 x 1000, maxiter 300 (the book's picture):")
    counts = timed("julia_grid", hpkern.julia_grid, 1000, 1000)
    print(f"  sum = {int(counts.sum())} (the book: 33219980), "
          f"{int((counts == 300).sum())} pixels at maxiter")

    print("Diffusion, 512 x 512, 100 steps of d = 1, dt = 0.1, periodic:")
    grid = np.zeros((512, 512))
    grid[204:256, 204:256] = 0.005  # the book's block in rows and columns [0.4 N, 0.5 N)
    before = grid.sum()
    timed("run", hpkern.run, grid, 100, d=1.0, dt=0.1, boundary="periodic")
    print(f"  sum before {before:.6f}, after {grid.sum():.6f}; peak {grid.max():.3e}")

    print("Primes:")
    n = 100109100129100369
    factor = hpkern.smallest_factor_in_range(n, 95362951 - 1000, 95362951 + 1000)
    print(f"  {n} = {factor} x {n // factor}")
    for n in (100109100129100151, 100109100129162907, 112272535095295):
        print(f"  is_prime({n}) = {hpkern.is_prime(n)}")
    print(f"  count_primes(0, 10**6) = {hpkern.count_primes(0, 10**6)}")
    print(f"  primes(0, 50) = {hpkern.primes(0, 50).tolist()}")

    try:
        hpkern.julia_grid(10, 10, maxiter=-1)
    except hpkern.HpkError as error:
        print(f"Errors are exceptions: {error}")


if __name__ == "__main__":
    main()
