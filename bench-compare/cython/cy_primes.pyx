# cython: boundscheck=False, wraparound=False, cdivision=True
"""The book's trial division (ch. 9) in Cython with prange(guided).

Like the book's "less naive pool": small factors first, serially; then blocks of 1000 odd
candidates shared out by prange, each block skipped once any thread found a factor. The flag is
written through a pointer: a variable assigned inside prange would become thread-private."""
from cython.parallel import prange
from libc.math cimport sqrt


def check_prime_prange(unsigned long long n):
    cdef unsigned long long i, start, stop, limit, block = 2000
    cdef Py_ssize_t b, nblocks
    cdef int found = 0
    cdef int *found_flag = &found
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    limit = <unsigned long long>sqrt(<double>n) + 1
    i = 3
    while i < 21 and i < limit:
        if n % i == 0:
            return False
        i += 2
    nblocks = <Py_ssize_t>((limit - 21 + block - 1) // block) if limit > 21 else 0
    with nogil:
        for b in prange(nblocks, schedule="guided"):
            if found_flag[0]:
                continue
            start = 21 + <unsigned long long>b * block
            stop = start + block if start + block < limit else limit
            for i in range(start, stop, 2):
                if n % i == 0:
                    found_flag[0] = 1
                    break
    return found == 0
