# cython: boundscheck=False, wraparound=False
"""The book's Cython calculate_z (ch. 7): typed memoryviews, serial and prange(guided)."""
from cython.parallel import prange
import numpy as np


def calculate_z(int maxiter, double complex[::1] zs, double complex[::1] cs):
    cdef Py_ssize_t i, length = zs.shape[0]
    cdef double complex z, c
    cdef int[::1] output = np.empty(length, dtype=np.int32)
    for i in range(length):
        z = zs[i]
        c = cs[i]
        output[i] = 0
        while output[i] < maxiter and (z.real * z.real + z.imag * z.imag) < 4:
            z = z * z + c
            output[i] += 1
    return np.asarray(output)


def calculate_z_prange(int maxiter, double complex[::1] zs, double complex[::1] cs):
    cdef Py_ssize_t i, length = zs.shape[0]
    cdef double complex z, c
    cdef int[::1] output = np.empty(length, dtype=np.int32)
    with nogil:
        for i in prange(length, schedule="guided"):
            z = zs[i]
            c = cs[i]
            output[i] = 0
            while output[i] < maxiter and (z.real * z.real + z.imag * z.imag) < 4:
                z = z * z + c
                output[i] += 1
    return np.asarray(output)
