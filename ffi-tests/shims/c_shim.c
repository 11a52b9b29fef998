/*
 * C shim for the cross-language tests: the kernels called through include/hpkern.h, as a C
 * program would call them. The Rust crate in ffi-tests/ compiles this file with the `cc` crate
 * (against include/, linked to libhpkern) and compares its results with the Fortran shim's and
 * with direct calls.
 *
 * Interface (identical in fortran_shim.f90; every function returns the hpk status as uint32_t):
 *   uint32_t shim_julia_grid(double x1, double x2, double y1, double y2, size_t width, size_t height,
 *                            double c_re, double c_im, int32_t maxiter, int32_t *output);
 *            output: row-major height x width, as hpk_julia_grid
 *   uint32_t shim_julia_calculate_z(const hpk_complex *zs, const hpk_complex *cs, size_t n,
 *                                   int32_t maxiter, int32_t *output);
 *   uint32_t shim_diffusion_evolve(const double *in, double *out, size_t rows, size_t cols,
 *                                  double d, double dt, uint32_t boundary);   row-major rows x cols
 *   uint32_t shim_diffusion_run(double *grid, size_t rows, size_t cols, double d, double dt,
 *                               uint32_t boundary, uint64_t steps);
 *            in place; the shim allocates its own scratch
 *   uint32_t shim_smallest_factor_in_range(uint64_t n, uint64_t from, uint64_t to, uint64_t *factor);
 *   uint32_t shim_check_prime(uint64_t n, bool *is_prime);
 *   uint32_t shim_is_prime(uint64_t n, bool *is_prime);
 *   uint32_t shim_is_prime_batch(const uint64_t *numbers, size_t count, bool *is_prime);
 *   uint32_t shim_count_primes(uint64_t lo, uint64_t hi, uint64_t *count);
 *   uint32_t shim_primes_in_range(uint64_t lo, uint64_t hi, uint64_t *primes, size_t capacity,
 *                                 size_t *written);
 *
 * Statuses are the library's own, for valid and invalid arguments alike (NULL pointers included),
 * so the tests can compare error handling across languages too. The one status the shim adds:
 * shim_diffusion_run returns HPK_ERR_OUT_OF_MEMORY if it cannot allocate its scratch grid.
 */

#include <hpkern.h>

#include <stdint.h>
#include <stdlib.h>

/* Export the shim symbols from the shared object even under -fvisibility=hidden. */
#if defined(__GNUC__)
#define SHIM_EXPORT __attribute__((visibility("default")))
#else
#define SHIM_EXPORT
#endif

SHIM_EXPORT uint32_t shim_julia_grid(double x1, double x2, double y1, double y2, size_t width, size_t height,
                                     double c_re, double c_im, int32_t maxiter, int32_t *output) {
    return hpk_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, output);
}

SHIM_EXPORT uint32_t shim_julia_calculate_z(const hpk_complex *zs, const hpk_complex *cs, size_t n, int32_t maxiter,
                                            int32_t *output) {
    return hpk_julia_calculate_z(zs, cs, n, maxiter, output);
}

SHIM_EXPORT uint32_t shim_diffusion_evolve(const double *in, double *out, size_t rows, size_t cols, double d,
                                           double dt, uint32_t boundary) {
    return hpk_diffusion_evolve(in, out, rows, cols, d, dt, boundary);
}

SHIM_EXPORT uint32_t shim_diffusion_run(double *grid, size_t rows, size_t cols, double d, double dt, uint32_t boundary,
                                        uint64_t steps) {
    /* Sizes the library rejects (zero, or more bytes than the address space, which it checks
     * against PTRDIFF_MAX as Rust does) and a NULL grid cannot have a scratch grid allocated for
     * them; the library must still report its own status, which it does before it touches any
     * memory, so a one-element stand-in is passed instead. */
    if (grid == NULL || rows == 0 || cols == 0 || rows > PTRDIFF_MAX / sizeof(double) / cols) {
        double stand_in = 0.0;
        return hpk_diffusion_run(grid, &stand_in, rows, cols, d, dt, boundary, steps);
    }
    double *scratch = (double *)malloc(rows * cols * sizeof(double));
    if (scratch == NULL) {
        return HPK_ERR_OUT_OF_MEMORY;
    }
    hpk_status status = hpk_diffusion_run(grid, scratch, rows, cols, d, dt, boundary, steps);
    free(scratch);
    return status;
}

SHIM_EXPORT uint32_t shim_smallest_factor_in_range(uint64_t n, uint64_t from, uint64_t to, uint64_t *factor) {
    return hpk_smallest_factor_in_range(n, from, to, factor);
}

SHIM_EXPORT uint32_t shim_check_prime(uint64_t n, bool *is_prime) {
    return hpk_check_prime(n, is_prime);
}

SHIM_EXPORT uint32_t shim_is_prime(uint64_t n, bool *is_prime) {
    return hpk_is_prime(n, is_prime);
}

SHIM_EXPORT uint32_t shim_is_prime_batch(const uint64_t *numbers, size_t count, bool *is_prime) {
    return hpk_is_prime_batch(numbers, count, is_prime);
}

SHIM_EXPORT uint32_t shim_count_primes(uint64_t lo, uint64_t hi, uint64_t *count) {
    return hpk_count_primes(lo, hi, count);
}

SHIM_EXPORT uint32_t shim_primes_in_range(uint64_t lo, uint64_t hi, uint64_t *primes, size_t capacity,
                                          size_t *written) {
    return hpk_primes_in_range(lo, hi, primes, capacity, written);
}
