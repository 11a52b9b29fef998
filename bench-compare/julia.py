"""Julia set, the book's configuration: 1000 x 1000, 300 iterations, c = -0.62772-0.42193i.

The peers time the book's calculate_z(maxiter, zs, cs) on prebuilt coordinate arrays, as the
book does; hpkern's reference is julia_grid (coordinates included), with calculate_z beside it.
Every answer must equal hpkern's counts pixel for pixel (checksum 33219980).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from common import CORES, Interleaved, Row, check, ptr

WORKLOAD = "julia 1000x1000, 300 iter"
CHECKSUM = 33_219_980
MAXITER = 300
C = complex(-0.62772, -0.42193)
X1, X2, Y1, Y2, WIDTH, HEIGHT = -1.8, 1.8, -1.8, 1.8, 1000, 1000


def book_coordinates() -> np.ndarray:
    """zs as hpkern builds them: x1 + k*step per column, y2 + r*step per row (row 0 at y2)."""
    xs = X1 + np.arange(WIDTH) * ((X2 - X1) / WIDTH)
    ys = Y2 + np.arange(HEIGHT) * ((Y1 - Y2) / HEIGHT)
    zs = np.empty((HEIGHT, WIDTH), dtype=np.complex128)
    zs.real, zs.imag = xs[None, :], ys[:, None]
    return zs.ravel()


# The book's Numba version (ch. 7), serial and with prange.
@njit(cache=True)
def calculate_z_numba(maxiter, zs, cs, output):
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while n < maxiter and abs(z) < 2:
            z = z * z + c
            n += 1
        output[i] = n


@njit(parallel=True, cache=True)
def calculate_z_numba_prange(maxiter, zs, cs, output):
    for i in prange(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while n < maxiter and abs(z) < 2:
            z = z * z + c
            n += 1
        output[i] = n


def calculate_z_numpy(maxiter, zs, cs):
    """Vectorised over the points still inside |z| < 2: a point's count is the iteration at
    which it left (maxiter if it never did). The arrays shrink as points escape."""
    output = np.full(zs.shape, maxiter, dtype=np.int32)
    index = np.arange(zs.size)
    z, c = zs.copy(), cs.copy()
    for n in range(maxiter):
        inside = (z.real * z.real + z.imag * z.imag) < 4
        if not inside.all():
            output[index[~inside]] = n
            index, z, c = index[inside], z[inside], c[inside]
        z *= z
        z += c
    return output


def run(hpkern, peers) -> list[Row]:
    zs = book_coordinates()
    cs = np.full_like(zs, C)
    want = hpkern.julia_grid(WIDTH, HEIGHT).ravel()
    check(int(want.sum()) == CHECKSUM, f"hpkern julia checksum {want.sum()} != {CHECKSUM}")
    out = np.empty(zs.size, dtype=np.int32)
    c, cy = peers.c, peers.cython("cy_julia")
    # Timed in turn (see common.Interleaved); every run starts from the automatic thread count.
    group = Interleaved(prepare=lambda: hpkern.set_num_threads(0))
    queued = []

    def timed(name: str, threads: int, call, note: str = "", reference: bool = False, before=None) -> None:
        """Queue call(), which returns the counts, after checking them."""
        def verify(counts):
            differing = int(np.count_nonzero(np.asarray(counts).ravel() != want))
            check(differing == 0, f"julia {name}: {differing} pixels differ from hpkern "
                                  f"(checksum {int(np.sum(counts))}, want {CHECKSUM})")
        queued.append((name, threads, note, reference, group.add(call, verify=verify, before=before)))

    def with_out(kernel, *args):
        """Call a kernel that writes into ``out``; return out."""
        return lambda: (kernel(*args), out)[1]

    timed("hpkern julia_grid (ctypes)", CORES, lambda: hpkern.julia_grid(WIDTH, HEIGHT), reference=True)
    timed("hpkern julia_grid (ctypes)", 1, lambda: hpkern.julia_grid(WIDTH, HEIGHT),
          before=lambda: hpkern.set_num_threads(1))
    timed("hpkern calculate_z (ctypes)", CORES, lambda: hpkern.calculate_z(zs, cs, MAXITER))
    timed("gcc -O3 -march=native", 1,
          with_out(c.calculate_z_serial, MAXITER, ptr(zs), ptr(cs), zs.size, ptr(out)))
    timed("gcc OpenMP guided", CORES,
          with_out(c.calculate_z_omp, MAXITER, ptr(zs), ptr(cs), zs.size, ptr(out)))
    timed("numba @njit", 1, with_out(calculate_z_numba, MAXITER, zs, cs, out))
    timed("numba prange", CORES, with_out(calculate_z_numba_prange, MAXITER, zs, cs, out))
    timed("cython memoryviews", 1, lambda: cy.calculate_z(MAXITER, zs, cs))
    timed("cython prange guided", CORES, lambda: cy.calculate_z_prange(MAXITER, zs, cs))
    timed("numpy", 1, lambda: calculate_z_numpy(MAXITER, zs, cs), note="only points still inside")
    group.run()
    hpkern.set_num_threads(0)
    return [Row(WORKLOAD, name, threads, entry.timing, note=note, reference=reference)
            for name, threads, note, reference, entry in queued]
