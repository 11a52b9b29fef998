/* The book's C kernels ("High Performance Python" ch. 2/7 Julia, ch. 7 diffusion, ch. 9 trial
 * division), each serial and with OpenMP, plus a STREAM triad. Built by scripts/bench-compare.sh
 * with gcc -O3 -march=native -fopenmp into a shared library that the harness loads with ctypes.
 * The serial functions carry no pragma, so they stay serial whatever OMP_NUM_THREADS says. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The serial diffusion step and trial division are bench-baseline's, compiled here with
 * -march=native: one copy of the book's loops for both benchmarks. */
#include "../../bench-baseline/c/book_kernels.c"

/* ---- Julia: calculate_z(maxiter, zs, cs) -> output, on complex128 arrays (re, im pairs). -- */
static inline int32_t escape_count(const double *z, const double *c, int32_t maxiter) {
    double zr = z[0], zi = z[1];
    int32_t n = 0;
    while (n < maxiter && zr * zr + zi * zi < 4.0) {
        double t = zr * zr - zi * zi + c[0];
        zi = 2.0 * zr * zi + c[1];
        zr = t;
        ++n;
    }
    return n;
}

void calculate_z_serial(int32_t maxiter, const double *zs, const double *cs, int64_t n,
                        int32_t *output) {
    for (int64_t i = 0; i < n; ++i)
        output[i] = escape_count(zs + 2 * i, cs + 2 * i, maxiter);
}

/* guided: rows near the set take 300 iterations, others a handful (the book's choice). */
void calculate_z_omp(int32_t maxiter, const double *zs, const double *cs, int64_t n,
                     int32_t *output) {
#pragma omp parallel for schedule(guided)
    for (int64_t i = 0; i < n; ++i)
        output[i] = escape_count(zs + 2 * i, cs + 2 * i, maxiter);
}

/* ---- Diffusion: ch. 7 "diffusion.c", interior cells only, row-major rows x cols. --------- */
void evolve_serial(const double *in, double *out, int64_t rows, int64_t cols, double D,
                   double dt) {
    book_evolve(in, out, (size_t)rows, (size_t)cols, D, dt);
}

void evolve_omp(const double *in, double *out, int64_t rows, int64_t cols, double D, double dt) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 1; i < rows - 1; ++i)
        for (int64_t j = 1; j < cols - 1; ++j) {
            double lap = in[(i + 1) * cols + j] + in[(i - 1) * cols + j]
                       + in[i * cols + j + 1] + in[i * cols + j - 1] - 4.0 * in[i * cols + j];
            out[i * cols + j] = in[i * cols + j] + D * dt * lap;
        }
}

/* ---- Primes: ch. 9 check_prime, odd trial divisors up to isqrt(n). ---------------------- */
bool check_prime_serial(uint64_t n) { return book_check_prime(n); }

/* The book's "less naive pool": small factors serially, then the rest split between threads
 * that poll a shared flag every 1000 candidates and stop once any thread found a factor. */
bool check_prime_omp(uint64_t n) {
    if (n < 2) return false;
    if (n % 2 == 0) return n == 2;
    uint64_t limit = (uint64_t)sqrt((double)n) + 1;
    for (uint64_t i = 3; i < 21 && i < limit; i += 2)
        if (n % i == 0) return false;
    const uint64_t block = 2000; /* 1000 odd candidates */
    int64_t nblocks = limit > 21 ? (int64_t)((limit - 21 + block - 1) / block) : 0;
    int found = 0;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < nblocks; ++b) {
        int stop_now;
#pragma omp atomic read
        stop_now = found;
        if (stop_now) continue;
        uint64_t from = 21 + (uint64_t)b * block, to = from + block < limit ? from + block : limit;
        for (uint64_t i = from; i < to; i += 2)
            if (n % i == 0) {
#pragma omp atomic write
                found = 1;
                break;
            }
    }
    return !found;
}

/* ---- STREAM triad a = b + s*c on all OpenMP threads; init does the first touch. ------- */
void stream_init(double *a, double *b, double *c, int64_t n) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
}

void stream_triad(double *a, const double *b, const double *c, double s, int64_t n) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
        a[i] = b[i] + s * c[i];
}
