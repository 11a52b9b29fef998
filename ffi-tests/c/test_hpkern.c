/*
 * Tests of libhpkern through its C header: results against the book's numbers and against plain C
 * references written here, and every documented error status, with canary-filled outputs that
 * must come back untouched after an error (the header promises no output is written then).
 *
 * Build and run (scripts/test-c.sh does this):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include ffi-tests/c/test_hpkern.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o test_hpkern && ./test_hpkern
 * The last line is "C: N passed, M failed"; the exit status is non-zero if M > 0 or N == 0.
 */

#define _POSIX_C_SOURCE 200809L

#include <hpkern.h>

#include "test_support.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The header's constants and layout, checked when compiling (they are the ABI, not behaviour). */
_Static_assert(HPK_OK == 0 && HPK_ERR_NULL_POINTER == 1 && HPK_ERR_INVALID_SIZE == 2 &&
                   HPK_ERR_INVALID_ARGUMENT == 3 && HPK_ERR_OVERLAP == 4 && HPK_ERR_BUFFER_TOO_SMALL == 5 &&
                   HPK_ERR_OUT_OF_MEMORY == 6 && HPK_ERR_PANIC == 7 && HPK_ERR_CANCELLED == 8,
               "status codes");
_Static_assert(HPK_BOUNDARY_FIXED == 0 && HPK_BOUNDARY_PERIODIC == 1, "boundary constants");
_Static_assert(sizeof(hpk_complex) == 16 && offsetof(hpk_complex, im) == 8, "hpk_complex has double _Complex layout");


/* A status check that names the status and the library's explanation when it differs. */
#define CHECK_STATUS(call, expected)                                                           \
    do {                                                                                       \
        hpk_status got_ = (call);                                                              \
        CHECK(got_ == (expected), "got %" PRIu32 " (%s: %s), want %d", got_,                   \
              hpk_status_message(got_), hpk_last_error_message(), (int)(expected));            \
    } while (0)


static const double CANARY = -12345.678;

/* ---------------------------------------------------------------- Julia */

enum { JW = 1000, JH = 1000, JMAXITER = 300 };
static const double X1 = -1.8, X2 = 1.8, Y1 = -1.8, Y2 = 1.8, C_RE = -0.62772, C_IM = -0.42193;
static const int64_t BOOK_JULIA_SUM = 33219980;

static int64_t sum_i32(const int32_t *v, size_t n) {
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s += v[i];
    }
    return s;
}

static void test_julia(void) {
    int32_t *grid = (int32_t *)xcalloc((size_t)JW * JH, sizeof *grid);
    int32_t *flat = (int32_t *)xcalloc((size_t)JW * JH, sizeof *flat);
    hpk_complex *zs = (hpk_complex *)xcalloc((size_t)JW * JH, sizeof *zs);
    hpk_complex *cs = (hpk_complex *)xcalloc((size_t)JW * JH, sizeof *cs);

    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, JW, JH, C_RE, C_IM, JMAXITER, grid), HPK_OK);
    int64_t s = sum_i32(grid, (size_t)JW * JH);
    CHECK(s == BOOK_JULIA_SUM, "julia_grid sum %" PRId64, s);

    /* The same points built here as the header documents: row r, column k. */
    const double xstep = (X2 - X1) / JW, ystep = (Y1 - Y2) / JH;
    for (size_t r = 0; r < JH; r++) {
        for (size_t k = 0; k < JW; k++) {
            zs[r * JW + k] = (hpk_complex){X1 + (double)k * xstep, Y2 + (double)r * ystep};
            cs[r * JW + k] = (hpk_complex){C_RE, C_IM};
        }
    }
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, (size_t)JW * JH, JMAXITER, flat), HPK_OK);
    s = sum_i32(flat, (size_t)JW * JH);
    CHECK(s == BOOK_JULIA_SUM, "calculate_z sum %" PRId64, s);
    /* Same coordinates bit for bit, so the two functions must agree on every pixel. */
    CHECK(memcmp(grid, flat, (size_t)JW * JH * sizeof *grid) == 0, "julia_grid and calculate_z differ");

    /* Orientation on a non-square grid: element r*width + k is row r (imaginary part
     * y2 + r*ystep, row 0 at the top) and column k (real part x1 + k*xstep). */
    enum { W = 7, H = 3 };
    int32_t small[W * H], one = -1;
    CHECK_STATUS(hpk_julia_grid(-1.0, 1.0, -0.5, 0.5, W, H, 0.285, 0.01, 50, small), HPK_OK);
    hpk_complex z = {-1.0 + 5.0 * (2.0 / W), 0.5 + 2.0 * (-1.0 / H)}, c = {0.285, 0.01};
    CHECK_STATUS(hpk_julia_calculate_z(&z, &c, 1, 50, &one), HPK_OK);
    CHECK(small[2 * W + 5] == one, "grid (2,5) = %" PRId32 ", point = %" PRId32, small[2 * W + 5], one);

    /* maxiter 0 is valid: every count is 0. */
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, W, H, C_RE, C_IM, 0, small), HPK_OK);
    CHECK(sum_i32(small, W * H) == 0, "maxiter 0 gave nonzero counts");

    /* A single worker thread must give the same picture as the pool (dynamic scheduling must
     * not change results). */
    size_t threads = hpk_get_num_threads();
    CHECK_STATUS(hpk_set_num_threads(1), HPK_OK);
    CHECK(hpk_get_num_threads() == 1, "threads %zu after set 1", hpk_get_num_threads());
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, JW, JH, C_RE, C_IM, JMAXITER, flat), HPK_OK);
    CHECK(memcmp(grid, flat, (size_t)JW * JH * sizeof *grid) == 0, "1 thread differs from the pool");
    CHECK_STATUS(hpk_set_num_threads(0), HPK_OK);
    CHECK(hpk_get_num_threads() == threads, "automatic threads %zu, was %zu", hpk_get_num_threads(), threads);

    free(grid);
    free(flat);
    free(zs);
    free(cs);
}

static void test_julia_errors(void) {
    enum { N = 6 };
    int32_t out[N], canary[N];
    for (int i = 0; i < N; i++) {
        canary[i] = out[i] = 0x5A5A5A5A;
    }
    hpk_complex zs[N], cs[N];
    for (int i = 0; i < N; i++) {
        zs[i] = (hpk_complex){0.1 * i, -0.1 * i};
        cs[i] = (hpk_complex){C_RE, C_IM};
    }

    /* hpk_julia_grid: 3 x 2 output. */
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 3, 2, C_RE, C_IM, 30, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 0, 2, C_RE, C_IM, 30, out), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 3, 0, C_RE, C_IM, 30, out), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, SIZE_MAX, 2, C_RE, C_IM, 30, out), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 3, 2, C_RE, C_IM, -1, out), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_julia_grid(NAN, X2, Y1, Y2, 3, 2, C_RE, C_IM, 30, out), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, INFINITY, 3, 2, C_RE, C_IM, 30, out), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 3, 2, C_RE, NAN, 30, out), HPK_ERR_INVALID_ARGUMENT);
    /* A deliberately misaligned int32 pointer (one byte into the buffer). */
    int32_t *misaligned = (int32_t *)(void *)((char *)out + 1);
    CHECK_STATUS(hpk_julia_grid(X1, X2, Y1, Y2, 1, 1, C_RE, C_IM, 30, misaligned), HPK_ERR_INVALID_ARGUMENT);
    CHECK(strlen(hpk_last_error_message()) > 0, "no last error message after a failure");
    CHECK(memcmp(out, canary, sizeof out) == 0, "julia_grid wrote its output on error");

    /* hpk_julia_calculate_z. n == 0 is a no-op that accepts NULL. */
    CHECK_STATUS(hpk_julia_calculate_z(NULL, NULL, 0, 30, NULL), HPK_OK);
    CHECK_STATUS(hpk_julia_calculate_z(NULL, cs, N, 30, out), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_julia_calculate_z(zs, NULL, N, 30, out), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, SIZE_MAX / 8, 30, out), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, -5, out), HPK_ERR_INVALID_ARGUMENT);
    hpk_complex bad = zs[3];
    zs[3].im = NAN;
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, out), HPK_ERR_INVALID_ARGUMENT);
    zs[3] = bad;
    cs[5].re = INFINITY;
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, out), HPK_ERR_INVALID_ARGUMENT);
    cs[5] = cs[0];
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, misaligned), HPK_ERR_INVALID_ARGUMENT);
    CHECK(memcmp(out, canary, sizeof out) == 0, "calculate_z wrote its output on error");
    /* Output inside the input: the counts would overwrite points not yet computed. */
    hpk_complex zcopy[N];
    memcpy(zcopy, zs, sizeof zs);
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, (int32_t *)(void *)&zs[1]), HPK_ERR_OVERLAP);
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, (int32_t *)(void *)&cs[0]), HPK_ERR_OVERLAP);
    CHECK(memcmp(zcopy, zs, sizeof zs) == 0, "calculate_z wrote into its input on error");
    /* And the valid call still works after all those failures. */
    CHECK_STATUS(hpk_julia_calculate_z(zs, cs, N, 30, out), HPK_OK);
    CHECK(out[0] >= 0 && out[0] <= 30, "count %" PRId32 " outside 0..=maxiter", out[0]);
}

/* ---------------------------------------------------------------- diffusion */

/* The book's stencil written plainly: the reference the library must match. */
static void ref_evolve(const double *in, double *out, size_t rows, size_t cols, double d, double dt,
                       hpk_boundary boundary) {
    for (size_t i = 0; i < rows; i++) {
        for (size_t j = 0; j < cols; j++) {
            double centre = in[i * cols + j];
            bool edge = i == 0 || j == 0 || i == rows - 1 || j == cols - 1;
            if (boundary == HPK_BOUNDARY_FIXED && edge) {
                out[i * cols + j] = centre;
                continue;
            }
            /* Periodic neighbours wrap; for interior cells this is the plain i +- 1. */
            size_t up = (i + rows - 1) % rows, down = (i + 1) % rows;
            size_t left = (j + cols - 1) % cols, right = (j + 1) % cols;
            double lap = in[down * cols + j] + in[up * cols + j] + in[i * cols + right] + in[i * cols + left] -
                         4.0 * centre;
            out[i * cols + j] = centre + d * dt * lap;
        }
    }
}

static double max_abs_diff(const double *a, const double *b, size_t n) {
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(a[i] - b[i]);
        if (!(e <= m)) { /* also catches NaN */
            m = e;
        }
    }
    return m;
}

static void test_diffusion(void) {
    static const size_t shapes[][2] = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 3}, {17, 33}, {200, 300}};
    static const uint64_t step_counts[] = {0, 1, 2, 5, 8};
    static const hpk_boundary boundaries[] = {HPK_BOUNDARY_FIXED, HPK_BOUNDARY_PERIODIC};
    const double d = 1.0, dt = 0.1;

    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
        double *init = (double *)xcalloc(n, sizeof(double));
        double *in = (double *)xcalloc(n, sizeof(double));
        double *out = (double *)xcalloc(n, sizeof(double));
        double *ref = (double *)xcalloc(n, sizeof(double));
        double *tmp = (double *)xcalloc(n, sizeof(double));
        for (size_t i = 0; i < n; i++) {
            init[i] = next_double();
        }
        for (size_t b = 0; b < 2; b++) {
            hpk_boundary bnd = boundaries[b];
            /* One step, input preserved. */
            memcpy(in, init, n * sizeof(double));
            CHECK_STATUS(hpk_diffusion_evolve(in, out, rows, cols, d, dt, bnd), HPK_OK);
            ref_evolve(init, ref, rows, cols, d, dt, bnd);
            double err = max_abs_diff(out, ref, n);
            CHECK(err <= 1e-12, "evolve %zux%zu boundary %" PRIu32 ": max error %g", rows, cols, bnd, err);
            CHECK(memcmp(in, init, n * sizeof(double)) == 0, "evolve %zux%zu modified its input", rows, cols);

            /* Multi-step runs, odd and even, against the reference stepped the same number of times. */
            for (size_t k = 0; k < sizeof step_counts / sizeof step_counts[0]; k++) {
                uint64_t steps = step_counts[k];
                memcpy(in, init, n * sizeof(double));
                memcpy(ref, init, n * sizeof(double));
                for (size_t i = 0; i < n; i++) {
                    out[i] = CANARY; /* scratch contents on entry must not matter */
                }
                CHECK_STATUS(hpk_diffusion_run(in, out, rows, cols, d, dt, bnd, steps), HPK_OK);
                for (uint64_t t = 0; t < steps; t++) {
                    ref_evolve(ref, tmp, rows, cols, d, dt, bnd);
                    memcpy(ref, tmp, n * sizeof(double));
                }
                err = max_abs_diff(in, ref, n);
                CHECK(err <= 1e-12, "run %zux%zu boundary %" PRIu32 " steps %" PRIu64 ": max error %g", rows, cols,
                      bnd, steps, err);
                if (steps == 0) {
                    CHECK(memcmp(in, init, n * sizeof(double)) == 0, "0 steps changed the grid");
                }
            }
        }

        /* Periodic boundaries conserve the sum (up to rounding). */
        memcpy(in, init, n * sizeof(double));
        double before = 0.0, after = 0.0;
        for (size_t i = 0; i < n; i++) {
            before += in[i];
        }
        CHECK_STATUS(hpk_diffusion_run(in, out, rows, cols, d, dt, HPK_BOUNDARY_PERIODIC, 9), HPK_OK);
        for (size_t i = 0; i < n; i++) {
            after += in[i];
        }
        CHECK(fabs(after - before) <= 1e-12 * (double)n, "%zux%zu sum %.17g -> %.17g", rows, cols, before, after);

        free(init);
        free(in);
        free(out);
        free(ref);
        free(tmp);
    }
}

static void test_diffusion_errors(void) {
    enum { R = 3, C = 4, N = R * C };
    double a[N], b[2 * N], canary_a[N], canary_b[2 * N];
    for (int i = 0; i < N; i++) {
        a[i] = canary_a[i] = CANARY + i;
    }
    for (int i = 0; i < 2 * N; i++) {
        b[i] = canary_b[i] = -CANARY - i;
    }
    double *misaligned = (double *)(void *)((char *)b + 4);

    CHECK_STATUS(hpk_diffusion_evolve(NULL, b, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_diffusion_evolve(a, NULL, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, 0, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, R, 0, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, SIZE_MAX / 2, 3, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, R, C, NAN, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, R, C, 1.0, -INFINITY, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, R, C, 1.0, 0.1, 2), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_evolve(a, b, R, C, 1.0, 0.1, UINT32_MAX), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_evolve(a, misaligned, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_evolve(b, b, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_OVERLAP);
    CHECK_STATUS(hpk_diffusion_evolve(b, b + N - 1, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_ERR_OVERLAP);
    CHECK(strlen(hpk_last_error_message()) > 0, "empty last error message");
    CHECK(memcmp(a, canary_a, sizeof a) == 0 && memcmp(b, canary_b, sizeof b) == 0, "evolve wrote on error");
    /* Adjacent but disjoint grids are fine (and b's second half then holds the result). */
    CHECK_STATUS(hpk_diffusion_evolve(b, b + N, R, C, 1.0, 0.1, HPK_BOUNDARY_FIXED), HPK_OK);
    memcpy(b, canary_b, sizeof b);

    CHECK_STATUS(hpk_diffusion_run(NULL, b, R, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_diffusion_run(a, NULL, R, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_diffusion_run(a, b, 0, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_run(a, b, R, 0, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_run(a, b, (size_t)1 << 32, (size_t)1 << 30, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3),
                 HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_diffusion_run(a, b, R, C, INFINITY, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_run(a, b, R, C, 1.0, NAN, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_run(a, b, R, C, 1.0, 0.1, 7, 3), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_run(a, misaligned, R, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_diffusion_run(b, b + 1, R, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 3), HPK_ERR_OVERLAP);
    CHECK_STATUS(hpk_diffusion_run(a, a, R, C, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 0), HPK_ERR_OVERLAP);
    CHECK(memcmp(a, canary_a, sizeof a) == 0 && memcmp(b, canary_b, sizeof b) == 0, "run wrote on error");
}

/* ---------------------------------------------------------------- primes */

/* Plain trial division: the reference for small numbers. */
static bool ref_is_prime(uint64_t n) {
    if (n < 2) {
        return false;
    }
    for (uint64_t d = 2; d * d <= n; d++) {
        if (n % d == 0) {
            return false;
        }
    }
    return true;
}

static uint64_t isqrt_u64(uint64_t n) {
    if (n < 2) {
        return n;
    }
    uint64_t x = UINT64_C(1) << 32, y = (x + n / x) / 2;
    while (y < x) {
        x = y;
        y = (x + n / x) / 2;
    }
    return x;
}

static void test_book_primes(void) {
    /* Chapter 9's numbers with their known factorisations. The factor searches run the library's
     * parallel trial division over [2, isqrt(n)]; at most ~1.7e8 divisions each. */
    static const struct {
        uint64_t n, smallest_factor; /* 0: prime */
    } book[] = {
        {UINT64_C(112272535095295), 5},
        {UINT64_C(100109100129100369), UINT64_C(95362951)},
        {UINT64_C(100109100129101027), UINT64_C(171656941)},
        {UINT64_C(100109100129100151), 0},
        {UINT64_C(100109100129162907), 0},
    };
    enum { NB = sizeof book / sizeof book[0] };
    uint64_t numbers[NB];
    bool batch[NB];
    for (size_t i = 0; i < NB; i++) {
        uint64_t n = book[i].n;
        numbers[i] = n;
        bool prime = book[i].smallest_factor != 0; /* the wrong answer, unless written */
        CHECK_STATUS(hpk_is_prime(n, &prime), HPK_OK);
        CHECK(prime == (book[i].smallest_factor == 0), "is_prime(%" PRIu64 ") = %d", n, prime);
        if (book[i].smallest_factor != 0) {
            uint64_t factor = 0;
            CHECK_STATUS(hpk_smallest_factor_in_range(n, 2, isqrt_u64(n) + 1, &factor), HPK_OK);
            CHECK(factor == book[i].smallest_factor, "smallest factor of %" PRIu64 " = %" PRIu64, n, factor);
            CHECK(factor > 1 && n % factor == 0, "%" PRIu64 " does not divide %" PRIu64, factor, n);
        }
    }
    /* The book's trial division, once on an 18-digit prime and once on a composite. */
    bool prime = false;
    CHECK_STATUS(hpk_check_prime(book[3].n, &prime), HPK_OK);
    CHECK(prime, "check_prime(%" PRIu64 ") = false", book[3].n);
    prime = true;
    CHECK_STATUS(hpk_check_prime(book[0].n, &prime), HPK_OK);
    CHECK(!prime, "check_prime(%" PRIu64 ") = true", book[0].n);
    /* The second factor of 100109100129100369 found from its own range: the search is exact and
     * reports the smallest divisor at or after `from`. */
    uint64_t factor = 0;
    CHECK_STATUS(hpk_smallest_factor_in_range(book[1].n, UINT64_C(95362952), UINT64_C(1049769320), &factor), HPK_OK);
    CHECK(factor == UINT64_C(1049769319), "factor %" PRIu64, factor);
    /* A range without a divisor gives 0; an empty range too. */
    CHECK_STATUS(hpk_smallest_factor_in_range(book[0].n, 6, 109, &factor), HPK_OK);
    CHECK(factor == 0, "factor %" PRIu64 " in [6, 109)", factor);
    factor = 99;
    CHECK_STATUS(hpk_smallest_factor_in_range(100, 50, 10, &factor), HPK_OK);
    CHECK(factor == 0, "factor %" PRIu64 " in an empty range", factor);

    CHECK_STATUS(hpk_is_prime_batch(numbers, NB, batch), HPK_OK);
    for (size_t i = 0; i < NB; i++) {
        CHECK(batch[i] == (book[i].smallest_factor == 0), "batch[%zu] = %d", i, batch[i]);
    }
}

static void test_small_primes(void) {
    /* Every n below 2000 and the 64-bit extremes, against plain trial division. */
    enum { N = 2000 };
    static uint64_t numbers[N + 4];
    static bool flags[N + 4];
    for (uint64_t n = 0; n < N; n++) {
        numbers[n] = n;
    }
    numbers[N] = UINT64_MAX;                    /* 3 x 5 x 17 x 257 x 641 x 65537 x 6700417 */
    numbers[N + 1] = UINT64_C(18446744073709551557); /* the largest 64-bit prime */
    numbers[N + 2] = UINT64_C(4294967291) * UINT64_C(4294967279); /* two 32-bit primes */
    numbers[N + 3] = UINT64_C(3215031751);      /* a strong pseudoprime to bases 2, 3, 5, 7 */
    CHECK_STATUS(hpk_is_prime_batch(numbers, N + 4, flags), HPK_OK);
    int mismatches = 0;
    for (size_t i = 0; i < N; i++) {
        bool single = !flags[i], trial = !flags[i];
        mismatches += hpk_is_prime(numbers[i], &single) != HPK_OK || single != flags[i];
        mismatches += hpk_check_prime(numbers[i], &trial) != HPK_OK || trial != flags[i];
        mismatches += flags[i] != ref_is_prime(numbers[i]);
    }
    CHECK(mismatches == 0, "%d disagreements between batch, is_prime, check_prime and the reference", mismatches);
    CHECK(!flags[N] && flags[N + 1] && !flags[N + 2] && !flags[N + 3], "64-bit cases: %d %d %d %d", flags[N],
          flags[N + 1], flags[N + 2], flags[N + 3]);
    uint64_t factor = 0;
    CHECK_STATUS(hpk_smallest_factor_in_range(0, 0, 10, &factor), HPK_OK);
    CHECK(factor == 2, "0 is divisible by 2, got %" PRIu64, factor);

    uint64_t count = 0;
    CHECK_STATUS(hpk_count_primes(0, 1000000, &count), HPK_OK);
    CHECK(count == 78498, "pi(10^6) = %" PRIu64, count);
    CHECK_STATUS(hpk_count_primes(500, 500, &count), HPK_OK);
    CHECK(count == 0, "empty range count %" PRIu64, count);
    CHECK_STATUS(hpk_count_primes(1000, 10, &count), HPK_OK);
    CHECK(count == 0, "reversed range count %" PRIu64, count);

    /* primes_in_range over [10^6, 10^6 + 1000): size query, too small, exact, against trial division. */
    const uint64_t lo = 1000000, hi = 1001000;
    uint64_t want[1000];
    size_t nwant = 0;
    for (uint64_t n = lo; n < hi; n++) {
        if (ref_is_prime(n)) {
            want[nwant++] = n;
        }
    }
    size_t written = 0;
    CHECK_STATUS(hpk_primes_in_range(lo, hi, NULL, 0, &written), HPK_ERR_BUFFER_TOO_SMALL);
    CHECK(written == nwant, "size query says %zu, reference %zu", written, nwant);
    uint64_t buf[1000], canary[1000];
    for (size_t i = 0; i < 1000; i++) {
        buf[i] = canary[i] = UINT64_C(0xDEADBEEFDEADBEEF) + i;
    }
    written = 0;
    CHECK_STATUS(hpk_primes_in_range(lo, hi, buf, nwant - 1, &written), HPK_ERR_BUFFER_TOO_SMALL);
    CHECK(written == nwant, "too small reports %zu, want %zu", written, nwant);
    CHECK(memcmp(buf, canary, sizeof buf) == 0, "BUFFER_TOO_SMALL touched the buffer");
    written = 0;
    CHECK_STATUS(hpk_primes_in_range(lo, hi, buf, nwant, &written), HPK_OK);
    CHECK(written == nwant && memcmp(buf, want, nwant * sizeof *buf) == 0, "primes in [10^6, 10^6+1000) differ");
    CHECK(memcmp(buf + nwant, canary + nwant, (1000 - nwant) * sizeof *buf) == 0, "wrote past the primes");
    /* A range without primes fits any buffer, even a size query. */
    CHECK_STATUS(hpk_primes_in_range(24, 29, NULL, 0, &written), HPK_OK);
    CHECK(written == 0, "primes in [24, 29): %zu", written);
    /* hpk_count_primes agrees with the listing. */
    CHECK_STATUS(hpk_count_primes(lo, hi, &count), HPK_OK);
    CHECK(count == nwant, "count %" PRIu64 " vs %zu listed", count, nwant);
}

static void test_prime_errors(void) {
    uint64_t numbers[4] = {2, 3, 4, 5};
    bool flags[4] = {false, true, true, false};
    const bool flags_canary[4] = {false, true, true, false};
    uint64_t buf[8], canary[8];
    for (size_t i = 0; i < 8; i++) {
        buf[i] = canary[i] = 0xA5A5A5A5A5A5A5A5u;
    }
    size_t written = 77;

    CHECK_STATUS(hpk_smallest_factor_in_range(91, 2, 10, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_smallest_factor_in_range(91, 2, 10, (uint64_t *)(void *)((char *)buf + 3)),
                 HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_check_prime(91, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_is_prime(91, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_count_primes(0, 100, NULL), HPK_ERR_NULL_POINTER);

    CHECK_STATUS(hpk_is_prime_batch(NULL, 0, NULL), HPK_OK);
    CHECK_STATUS(hpk_is_prime_batch(NULL, 4, flags), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_is_prime_batch(numbers, 4, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_is_prime_batch(numbers, SIZE_MAX / 4, flags), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_is_prime_batch((const uint64_t *)(void *)((char *)numbers + 1), 2, flags),
                 HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_is_prime_batch(numbers, 4, (bool *)(void *)&numbers[1]), HPK_ERR_OVERLAP);
    CHECK(memcmp(flags, flags_canary, sizeof flags) == 0, "is_prime_batch wrote on error");
    CHECK(numbers[0] == 2 && numbers[1] == 3 && numbers[2] == 4 && numbers[3] == 5, "batch wrote into numbers");

    CHECK_STATUS(hpk_primes_in_range(0, 100, buf, 8, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_primes_in_range(0, 100, NULL, 8, &written), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_primes_in_range(0, 100, buf, SIZE_MAX / 2, &written), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_primes_in_range(0, 100, (uint64_t *)(void *)((char *)buf + 2), 4, &written),
                 HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_primes_in_range(0, 100, buf, 8, (size_t *)(void *)&buf[3]), HPK_ERR_OVERLAP);
    CHECK(written == 77, "written changed to %zu on a non-size error", written);
    CHECK(memcmp(buf, canary, sizeof buf) == 0, "primes_in_range wrote on error");

    /* Thread count: more than 1024 is rejected and changes nothing. */
    size_t threads = hpk_get_num_threads();
    CHECK(threads >= 1, "%zu threads", threads);
    CHECK_STATUS(hpk_set_num_threads(1025), HPK_ERR_INVALID_ARGUMENT);
    CHECK(hpk_get_num_threads() == threads, "threads %zu after a rejected set", hpk_get_num_threads());
}

/* ---------------------------------------------------------------- the prime stream */

/* Drains [lo, hi) through a stream in calls of `capacity`; checks against ref_is_prime on every
 * number of the range. */
static void check_stream_window(uint64_t lo, uint64_t hi, size_t capacity) {
    hpk_prime_stream *stream = NULL;
    CHECK_STATUS(hpk_prime_stream_new(lo, hi, &stream), HPK_OK);
    if (stream == NULL) {
        return;
    }
    uint64_t *buf = (uint64_t *)xcalloc(capacity, sizeof *buf);
    uint64_t next = lo; /* the next number to compare */
    size_t written = 0;
    bool ok = true;
    do {
        CHECK_STATUS(hpk_prime_stream_next(stream, buf, capacity, &written), HPK_OK);
        for (size_t i = 0; i < written && ok; i++) {
            while (ok && next < buf[i]) {
                ok = !ref_is_prime(next++);
            }
            ok = ok && next == buf[i] && ref_is_prime(next);
            next++;
        }
        uint64_t position = 0;
        CHECK_STATUS(hpk_prime_stream_position(stream, &position), HPK_OK);
        CHECK(written == 0 || position > buf[written - 1], "position %" PRIu64, position);
    } while (written > 0 && ok);
    for (; ok && next < hi; next++) {
        ok = !ref_is_prime(next);
    }
    CHECK(ok, "stream [%" PRIu64 ", %" PRIu64 ") capacity %zu differs from trial division near %" PRIu64, lo, hi,
          capacity, next);
    free(buf);
    hpk_prime_stream_free(stream);
}

static void test_prime_stream(void) {
    check_stream_window(0, 100000, 1);
    check_stream_window(0, 100000, 1000);
    check_stream_window(999999000000u, 999999000000u + 1000, 7);
    check_stream_window(10, 10, 4);
    for (int i = 0; i < 6; i++) {
        uint64_t lo = next_u64() >> (32 + 4 * i), len = 1 + next_u64() % 3000;
        check_stream_window(lo, lo + len, 1 + (size_t)(next_u64() % 300));
    }

    /* Bad input: the documented statuses, and the stream still right afterwards. */
    hpk_prime_stream *stream = NULL;
    CHECK_STATUS(hpk_prime_stream_new(0, 100, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_prime_stream_new(0, 100, &stream), HPK_OK);
    uint64_t buf[32];
    size_t written = 77;
    CHECK_STATUS(hpk_prime_stream_next(NULL, buf, 32, &written), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_prime_stream_next(stream, NULL, 32, &written), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_prime_stream_next(stream, buf, 32, NULL), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_prime_stream_next(stream, buf, 0, &written), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_prime_stream_next(stream, buf, SIZE_MAX / 2, &written), HPK_ERR_INVALID_SIZE);
    CHECK_STATUS(hpk_prime_stream_next(stream, (uint64_t *)(void *)((char *)buf + 4), 8, &written),
                 HPK_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(hpk_prime_stream_next(stream, buf, 32, (size_t *)(void *)&buf[5]), HPK_ERR_OVERLAP);
    CHECK_STATUS(hpk_prime_stream_position(NULL, buf), HPK_ERR_NULL_POINTER);
    CHECK_STATUS(hpk_prime_stream_position(stream, NULL), HPK_ERR_NULL_POINTER);
    CHECK(written == 77, "written changed to %zu on an error", written);
    hpk_prime_stream_free(NULL); /* a no-op */
    CHECK_STATUS(hpk_prime_stream_next(stream, buf, 32, &written), HPK_OK);
    CHECK(written == 25 && buf[0] == 2 && buf[24] == 97, "%zu primes below 100 after the errors", written);
    hpk_prime_stream_free(stream);
}

/* ---------------------------------------------------------------- status, version, messages */

static void test_metadata(void) {
    static const hpk_status known[] = {HPK_OK,
                                       HPK_ERR_NULL_POINTER,
                                       HPK_ERR_INVALID_SIZE,
                                       HPK_ERR_INVALID_ARGUMENT,
                                       HPK_ERR_OVERLAP,
                                       HPK_ERR_BUFFER_TOO_SMALL,
                                       HPK_ERR_OUT_OF_MEMORY,
                                       HPK_ERR_PANIC,
                                       HPK_ERR_CANCELLED};
    enum { NK = sizeof known / sizeof known[0] };
    for (size_t i = 0; i < NK; i++) {
        const char *m = hpk_status_message(known[i]);
        CHECK(m != NULL && strlen(m) > 0, "status %zu has no message", i);
        for (size_t j = 0; m != NULL && j < i; j++) {
            CHECK(strcmp(m, hpk_status_message(known[j])) != 0, "statuses %zu and %zu share a message", i, j);
        }
    }
    static const hpk_status unknown[] = {9, 42, 1000, UINT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *m = hpk_status_message(unknown[i]);
        CHECK(m != NULL && strlen(m) > 0, "unknown status %" PRIu32 " has no message", unknown[i]);
    }

    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", HPK_VERSION_MAJOR, HPK_VERSION_MINOR, HPK_VERSION_PATCH);
    const char *v = hpk_version();
    CHECK(v != NULL && strcmp(v, want) == 0, "version \"%s\", header says \"%s\"", v ? v : "(null)", want);
    CHECK(hpk_abi_version() == HPK_ABI_VERSION, "ABI %" PRIu32 ", header %d", hpk_abi_version(), HPK_ABI_VERSION);
    /* The ISA path is one of three names, and HPK_FORCE_ISA=scalar is always honoured. */
    const char *isa = hpk_isa_name();
    CHECK(isa != NULL && (strcmp(isa, "scalar") == 0 || strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512") == 0),
          "ISA path \"%s\"", isa ? isa : "(null)");
    const char *forced = getenv("HPK_FORCE_ISA");
    if (isa != NULL && forced != NULL && strcmp(forced, "scalar") == 0)
        CHECK(strcmp(isa, "scalar") == 0, "HPK_FORCE_ISA=scalar gave \"%s\"", isa);

    /* The last error message is per failure: after a NULL failure it names the pointer. */
    CHECK_STATUS(hpk_is_prime(7, NULL), HPK_ERR_NULL_POINTER);
    CHECK(strstr(hpk_last_error_message(), "is_prime") != NULL, "message \"%s\"", hpk_last_error_message());
    /* ...and a successful call leaves it unchanged. */
    bool prime = false;
    CHECK_STATUS(hpk_is_prime(7, &prime), HPK_OK);
    CHECK(prime && strstr(hpk_last_error_message(), "is_prime") != NULL, "success changed the last error");
}

int main(void) {
    test_metadata();
    test_julia();
    test_julia_errors();
    test_diffusion();
    test_diffusion_errors();
    test_book_primes();
    test_small_primes();
    test_prime_errors();
    test_prime_stream();
    printf("C: %d passed, %d failed\n", passed, failed);
    return (failed > 0 || passed == 0) ? 1 : 0;
}
