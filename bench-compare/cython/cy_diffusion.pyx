# cython: boundscheck=False, wraparound=False
"""The book's diffusion step (interior cells only) on typed memoryviews, serial and prange.

prange uses schedule="static": every row costs the same, so there is nothing to balance."""
from cython.parallel import prange


def evolve(double[:, ::1] grid, double[:, ::1] out, double D, double dt):
    cdef Py_ssize_t i, j, rows = grid.shape[0], cols = grid.shape[1]
    with nogil:
        for i in range(1, rows - 1):
            for j in range(1, cols - 1):
                out[i, j] = grid[i, j] + D * dt * (grid[i + 1, j] + grid[i - 1, j]
                                                   + grid[i, j + 1] + grid[i, j - 1] - 4.0 * grid[i, j])


def evolve_prange(double[:, ::1] grid, double[:, ::1] out, double D, double dt):
    cdef Py_ssize_t i, j, rows = grid.shape[0], cols = grid.shape[1]
    with nogil:
        for i in prange(1, rows - 1, schedule="static"):
            for j in range(1, cols - 1):
                out[i, j] = grid[i, j] + D * dt * (grid[i + 1, j] + grid[i - 1, j]
                                                   + grid[i, j + 1] + grid[i, j - 1] - 4.0 * grid[i, j])
