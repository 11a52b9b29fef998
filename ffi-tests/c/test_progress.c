/*
 * Progress reports and cancellation through the C header (hpk_set_progress_handler), one
 * behaviour per test:
 *   - reports arrive on the calling thread, `done` never decreases and stays <= `total`, `total`
 *     is fixed for the call (and is what the header documents), no more often than the interval
 *     (also the default of 100 ms for interval 0), and a handler that never cancels changes no
 *     result;
 *   - a nonzero return cancels every function that reports, promptly (< 2 s after the cancelling
 *     report, on inputs that would otherwise run for seconds), with HPK_ERR_CANCELLED, a last
 *     error message about the cancel and at most one report after the cancelling one;
 *   - outputs after a cancel are as documented: scalars untouched (pre-filled with sentinels),
 *     array elements or rows either untouched or right, hpk_diffusion_run's grid bit for bit a
 *     fresh run of the last reported `done` steps, hpk_primes_in_range's buffer untouched;
 *   - handlers are per thread: two threads with handlers at once stay separate, a handler never
 *     fires for another thread's call, NULL removes it, a new one replaces it;
 *   - calls below a function's documented size threshold do not report, and calls after a cancel
 *     give the right answers (pi(10^6) = 78498, the book's Julia checksum 33219980).
 *
 * Timing bounds are generous on purpose (the tests run on loaded 2-core VMs): only lower bounds
 * that the library guarantees (reports no closer than the interval) and upper bounds of seconds.
 *
 * Build and run (scripts/test-c.sh does this):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -pthread -I include ffi-tests/c/test_progress.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o test_progress && ./test_progress
 * A watchdog (alarm) fails the run after HPK_TEST_TIMEOUT seconds (default 240) instead of
 * hanging. The last line is "C progress: N passed, M failed"; the exit status is non-zero if
 * M > 0 or N == 0.
 */

#define _POSIX_C_SOURCE 200809L

#include <hpkern.h>

#include "test_support.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A cancel must take effect within a few milliseconds; allow for a loaded VM. */
static const double PROMPT_S = 2.0;
static const uint64_t PRIME_NEAR_2_64 = UINT64_C(18446744073709551557); /* the largest 64-bit prime */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- the recording handler */

enum { MAX_REPORTS = 8192 };

struct report {
    pthread_t thread;
    uint64_t done, total;
    double at;
};

/* What `record` keeps, through its user_data. Reset by set_handler. */
struct log {
    size_t cancel_at;        /* return nonzero from this report on (1 = the first); 0 = never */
    size_t n;                /* reports so far; the first MAX_REPORTS are kept in `r` */
    struct report last;      /* the last one, always kept */
    double cancelled_at;     /* when the first nonzero return was given (0: none) */
    struct report r[MAX_REPORTS];
};

static int32_t record(void *user_data, uint64_t done, uint64_t total) {
    struct log *log = (struct log *)user_data;
    struct report rep = {pthread_self(), done, total, now_s()};
    if (log->n < MAX_REPORTS) {
        log->r[log->n] = rep;
    }
    log->n++;
    log->last = rep;
    bool cancel = log->cancel_at != 0 && log->n >= log->cancel_at;
    if (cancel && log->cancelled_at == 0.0) {
        log->cancelled_at = rep.at;
    }
    return cancel ? 1 : 0;
}

static struct log *new_log(void) { return (struct log *)xcalloc(1, sizeof(struct log)); }

/* Make `log` (emptied) the calling thread's handler, cancelling at report `cancel_at` (0: never). */
static void set_handler(struct log *log, size_t cancel_at, uint32_t interval_ms) {
    memset(log, 0, sizeof *log);
    log->cancel_at = cancel_at;
    CHECK(hpk_set_progress_handler(record, log, interval_ms) == HPK_OK, "hpk_set_progress_handler failed");
}

static void clear_handler(void) {
    CHECK(hpk_set_progress_handler(NULL, NULL, 0) == HPK_OK, "hpk_set_progress_handler(NULL) failed");
}

/* The reports of one call are well-formed: all on `thread`, done <= total, total fixed (and equal
 * to want_total unless that is 0), done never decreasing. */
static void check_reports(const char *what, const struct log *log, pthread_t thread, uint64_t want_total) {
    size_t kept = log->n < MAX_REPORTS ? log->n : MAX_REPORTS;
    size_t elsewhere = 0, over = 0, changed = 0, decreased = 0;
    for (size_t i = 0; i < kept; i++) {
        const struct report *r = &log->r[i];
        elsewhere += !pthread_equal(r->thread, thread);
        over += r->done > r->total;
        changed += r->total != log->r[0].total || (want_total != 0 && r->total != want_total);
        decreased += i > 0 && r->done < log->r[i - 1].done;
    }
    CHECK(elsewhere == 0, "%s: %zu of %zu reports on another thread than the caller", what, elsewhere, kept);
    CHECK(over == 0, "%s: %zu reports with done > total", what, over);
    CHECK(changed == 0, "%s: total changed or is not %" PRIu64 " in %zu reports (first %" PRIu64 ")", what, want_total,
          changed, kept ? log->r[0].total : 0);
    CHECK(decreased == 0, "%s: done decreased %zu times", what, decreased);
}

/* A call made with a handler that cancels (log->cancel_at) returned `status` at `end`, having
 * started at `start`: HPK_ERR_CANCELLED, promptly, with a message about the cancel, at most one
 * (final) report after the cancelling one, and well-formed reports. */
static void check_cancelled(const char *what, const struct log *log, hpk_status status, double start, double end,
                            uint64_t want_total, uint32_t interval_ms) {
    CHECK(status == HPK_ERR_CANCELLED, "%s: status %" PRIu32 " (%s), want HPK_ERR_CANCELLED (8)", what, status,
          hpk_last_error_message());
    CHECK(log->n >= log->cancel_at && log->cancelled_at > 0.0, "%s: %zu reports, cancelled at report %zu", what, log->n,
          log->cancel_at);
    CHECK(log->cancelled_at > 0.0 && end - log->cancelled_at < PROMPT_S, "%s: returned %.3f s after the cancel", what,
          end - log->cancelled_at);
    CHECK(log->n <= log->cancel_at + 1, "%s: %zu reports after the cancelling one (at most one final report)", what,
          log->n - log->cancel_at);
    /* The library waits a whole interval before the first report (a little slack for the clocks). */
    CHECK(log->n > 0 && log->r[0].at - start >= interval_ms / 1e3 * 0.9, "%s: first report %.4f s after the call began",
          what, log->n > 0 ? log->r[0].at - start : -1.0);
    CHECK(status == HPK_ERR_CANCELLED && strstr(hpk_last_error_message(), "cancel") != NULL,
          "%s: last error \"%s\"", what, hpk_last_error_message());
    check_reports(what, log, pthread_self(), want_total);
}

/* ---------------------------------------------------------------- reports */

/* count_primes over [0, 3e9) (about half a second) with reports every `interval_ms` (0: the
 * default, 100 ms): right answer, well-formed reports, never closer than the interval. */
static void test_reports(uint32_t interval_ms) {
    const uint64_t hi = UINT64_C(3000000000);
    struct log *log = new_log();
    char what[64];
    snprintf(what, sizeof what, "count_primes, interval %" PRIu32 " ms", interval_ms);
    set_handler(log, 0, interval_ms);
    uint64_t count = 0;
    double start = now_s();
    hpk_status status = hpk_count_primes(0, hi, &count);
    double elapsed = now_s() - start;
    clear_handler();
    CHECK(status == HPK_OK && count == 144449537, "%s: status %" PRIu32 ", pi(3e9) = %" PRIu64, what, status, count);
    check_reports(what, log, pthread_self(), hi);
    double interval = (interval_ms == 0 ? 100 : interval_ms) / 1e3;
    /* A millisecond of slack for the two clock reads around each report. */
    double closest = 1e9;
    for (size_t i = 1; i < log->n && i < MAX_REPORTS; i++) {
        double gap = log->r[i].at - log->r[i - 1].at;
        closest = gap < closest ? gap : closest;
    }
    CHECK(closest >= interval - 0.001, "%s: two reports %.4f s apart", what, closest);
    CHECK((double)log->n <= elapsed / interval + 1, "%s: %zu reports in %.3f s", what, log->n, elapsed);
    /* Reports are not promised at any rate, but a call of many intervals gives some. */
    CHECK(log->n > 0 || elapsed < 5 * interval + 0.5, "%s: no report in %.3f s", what, elapsed);
    printf("C progress: %s: %zu reports in %.3f s\n", what, log->n, elapsed);
    free(log);
}

/* ---------------------------------------------------------------- cancel on every function */

static const double X1 = -1.8, X2 = 1.8, Y1 = -1.8, Y2 = 1.8;

/* Scalar outputs, pre-filled with sentinels, are untouched after a cancel. */
static void test_cancel_scalars(void) {
    struct log *log = new_log();
    double start, end;
    hpk_status status;

    uint64_t count = 0xDEAD;
    set_handler(log, 3, 10); /* the third report cancels */
    start = now_s();
    status = hpk_count_primes(0, UINT64_C(10000000000000), &count);
    end = now_s();
    clear_handler();
    check_cancelled("count_primes", log, status, start, end, UINT64_C(10000000000000), 10);
    CHECK(count == 0xDEAD, "count_primes: count %" PRIu64 " after a cancel", count);

    /* A byte that is no valid bool: only ever compared as a byte. */
    unsigned char flag = 0x5A;
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_check_prime(PRIME_NEAR_2_64, (bool *)(void *)&flag);
    end = now_s();
    clear_handler();
    /* total: the candidates of [3, isqrt(n)], isqrt(n) = 2^32 - 1. */
    check_cancelled("check_prime", log, status, start, end, UINT64_C(4294967295) - 2, 10);
    CHECK(flag == 0x5A, "check_prime: is_prime byte 0x%02x after a cancel", flag);

    uint64_t factor = 0xBEEF;
    set_handler(log, 2, 10);
    start = now_s();
    status = hpk_smallest_factor_in_range(PRIME_NEAR_2_64, 2, UINT64_MAX, &factor);
    end = now_s();
    clear_handler();
    check_cancelled("smallest_factor_in_range", log, status, start, end, 0, 10);
    CHECK(factor == 0xBEEF, "smallest_factor_in_range: factor %" PRIu64 " after a cancel", factor);

    /* primes_in_range: a buffer far too small (the uncancelled answer would be BUFFER_TOO_SMALL
     * after counting), then the size query: buffer and *written untouched. */
    const uint64_t lo = UINT64_C(1) << 40, hi = lo + UINT64_C(100000000000);
    uint64_t primes[16];
    for (size_t i = 0; i < 16; i++) {
        primes[i] = UINT64_C(0xC0FFEE) + i;
    }
    size_t written = 0xABCD;
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_primes_in_range(lo, hi, primes, 16, &written);
    end = now_s();
    clear_handler();
    check_cancelled("primes_in_range", log, status, start, end, hi - lo, 10);
    bool untouched = written == 0xABCD;
    for (size_t i = 0; i < 16; i++) {
        untouched = untouched && primes[i] == UINT64_C(0xC0FFEE) + i;
    }
    CHECK(untouched, "primes_in_range: buffer or written (%zu) changed by a cancelled call", written);
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_primes_in_range(lo, hi, NULL, 0, &written);
    end = now_s();
    clear_handler();
    check_cancelled("primes_in_range size query", log, status, start, end, hi - lo, 10);
    CHECK(written == 0xABCD, "primes_in_range size query: written %zu after a cancel", written);
    free(log);
}

/* Arrays: each element (or row) is untouched or right, and the call stopped early. */
static void test_cancel_arrays(void) {
    struct log *log = new_log();
    double start, end;
    hpk_status status;

    /* is_prime_batch: 3 million copies of a prime near 2^64 (about a microsecond each). */
    const size_t nb = 3000000;
    uint64_t *numbers = (uint64_t *)xcalloc(nb, sizeof *numbers);
    unsigned char *flags = (unsigned char *)xcalloc(nb, 1);
    for (size_t i = 0; i < nb; i++) {
        numbers[i] = PRIME_NEAR_2_64;
    }
    memset(flags, 0xAA, nb);
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_is_prime_batch(numbers, nb, (bool *)(void *)flags);
    end = now_s();
    clear_handler();
    check_cancelled("is_prime_batch", log, status, start, end, nb, 10);
    size_t untouched = 0, wrong = 0;
    for (size_t i = 0; i < nb; i++) {
        untouched += flags[i] == 0xAA;
        wrong += flags[i] != 0xAA && flags[i] != 1;
    }
    CHECK(wrong == 0 && untouched > 0, "is_prime_batch: %zu wrong flags, %zu untouched after a cancel", wrong, untouched);
    free(numbers);
    free(flags);

    /* calculate_z: c = 0 and a point inside the unit disc never escape, so every count is maxiter. */
    const size_t nz = 200000;
    const int32_t zmaxiter = 1000000;
    hpk_complex *zs = (hpk_complex *)xcalloc(nz, sizeof *zs);
    hpk_complex *cs = (hpk_complex *)xcalloc(nz, sizeof *cs);
    int32_t *counts = (int32_t *)xcalloc(nz, sizeof *counts);
    for (size_t i = 0; i < nz; i++) {
        zs[i] = (hpk_complex){0.1, 0.1};
        counts[i] = -1;
    }
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_julia_calculate_z(zs, cs, nz, zmaxiter, counts);
    end = now_s();
    clear_handler();
    check_cancelled("julia_calculate_z", log, status, start, end, nz, 10);
    untouched = wrong = 0;
    for (size_t i = 0; i < nz; i++) {
        untouched += counts[i] == -1;
        wrong += counts[i] != -1 && counts[i] != zmaxiter;
    }
    CHECK(wrong == 0 && untouched > 0, "julia_calculate_z: %zu wrong counts, %zu untouched after a cancel", wrong,
          untouched);
    free(zs);
    free(cs);
    free(counts);
    free(log);
}

/* The rows of a cancelled hpk_julia_grid (c = 0, pre-filled with -1): each element untouched or the
 * right count (checked against calculate_z on the same points, which gives the same counts bit for
 * bit). Returns the numbers of rows written whole, written in part, and holding a wrong count. */
struct rows {
    size_t whole, part, wrong;
};
static struct rows julia_rows(const int32_t *grid, size_t width, size_t height, double x1, double x2, double y1,
                              double y2, int32_t maxiter) {
    struct rows rows = {0, 0, 0};
    hpk_complex *zs = (hpk_complex *)xcalloc(width, sizeof *zs);
    hpk_complex *cs = (hpk_complex *)xcalloc(width, sizeof *cs);
    int32_t *want = (int32_t *)xcalloc(width, sizeof *want);
    const double xstep = (x2 - x1) / (double)width, ystep = (y1 - y2) / (double)height;
    for (size_t r = 0; r < height; r++) {
        const int32_t *row = grid + r * width;
        size_t unset = 0;
        for (size_t k = 0; k < width; k++) {
            unset += row[k] == -1;
        }
        if (unset == width) {
            continue;
        }
        rows.whole += unset == 0;
        rows.part += unset != 0;
        for (size_t k = 0; k < width; k++) {
            zs[k] = (hpk_complex){x1 + (double)k * xstep, y2 + (double)r * ystep};
        }
        bool right = hpk_julia_calculate_z(zs, cs, width, maxiter, want) == HPK_OK;
        for (size_t k = 0; k < width; k++) {
            right = right && (row[k] == -1 || row[k] == want[k]);
        }
        rows.wrong += !right;
    }
    free(zs);
    free(cs);
    free(want);
    return rows;
}

/* hpk_julia_grid: whole rows right, the other rows untouched. c = 0 over [-0.5, 0.5]^2, inside
 * the unit disc: every point runs all maxiter iterations (far more work than the test waits for). */
static void test_cancel_julia_grid(void) {
    enum { W = 100, H = 100000 };
    const int32_t maxiter = 40000; /* W * maxiter < 2^22: a row is one unit of work */
    int32_t *grid = (int32_t *)xcalloc((size_t)W * H, sizeof *grid);
    for (size_t i = 0; i < (size_t)W * H; i++) {
        grid[i] = -1;
    }
    struct log *log = new_log();
    set_handler(log, 1, 10);
    double start = now_s();
    hpk_status status = hpk_julia_grid(-0.5, 0.5, -0.5, 0.5, W, H, 0.0, 0.0, maxiter, grid);
    double end = now_s();
    clear_handler();
    check_cancelled("julia_grid", log, status, start, end, (uint64_t)W * H, 10);
    struct rows rows = julia_rows(grid, W, H, -0.5, 0.5, -0.5, 0.5, maxiter);
    CHECK(rows.part == 0 && rows.wrong == 0, "julia_grid: %zu partly written rows, %zu wrong rows after a cancel",
          rows.part, rows.wrong);
    CHECK(rows.whole < H, "julia_grid: all %zu rows written: the cancel did not stop it early", rows.whole);
    printf("C progress: julia_grid %dx%d cancelled with %zu whole rows written, each right\n", W, H, rows.whole);

    /* Rows longer than one unit of work (width * maxiter >= 2^22: 1000 x 10^5 over the book's
     * square) are done in bands of columns, and a cancel can leave a row partly written (the
     * header says whole rows: a discrepancy reported, not asserted here); checked element by
     * element: untouched or right. */
    enum { BW = 1000, BH = 1000 };
    const int32_t bmaxiter = 100000;
    int32_t *banded = (int32_t *)xcalloc((size_t)BW * BH, sizeof *banded);
    for (size_t i = 0; i < (size_t)BW * BH; i++) {
        banded[i] = -1;
    }
    set_handler(log, 1, 10);
    start = now_s();
    status = hpk_julia_grid(X1, X2, Y1, Y2, BW, BH, 0.0, 0.0, bmaxiter, banded);
    end = now_s();
    clear_handler();
    check_cancelled("julia_grid in bands", log, status, start, end, (uint64_t)BW * BH, 10);
    rows = julia_rows(banded, BW, BH, X1, X2, Y1, Y2, bmaxiter);
    CHECK(rows.wrong == 0, "julia_grid in bands: %zu rows with a wrong count after a cancel", rows.wrong);
    CHECK(rows.whole < BH, "julia_grid in bands: all rows written: the cancel did not stop it early");
    printf("C progress: julia_grid %dx%d (rows in bands) cancelled with %zu whole and %zu partly written rows, "
           "each element untouched or right\n", BW, BH, rows.whole, rows.part);
    free(grid);
    free(banded);
    free(log);
}

/* hpk_diffusion_evolve: one step of a 4096 x 4096 grid cancelled at a report
 * after 1 ms: `in` untouched, each row of `out` untouched or the right row. A step this short can
 * end before the cancel is seen (the call then returns HPK_OK, complete): a few attempts. */
static void test_cancel_evolve(void) {
    enum { N = 4096, ATTEMPTS = 10 };
    const size_t cells = (size_t)N * N;
    double *in = (double *)xcalloc(cells, sizeof *in);
    double *out = (double *)xcalloc(cells, sizeof *out);
    double *want = (double *)xcalloc(cells, sizeof *want);
    for (size_t i = 0; i < cells; i++) {
        in[i] = (double)(i % 9973) / 9973.0;
    }
    CHECK(hpk_diffusion_evolve(in, want, N, N, 1.0, 0.1, HPK_BOUNDARY_PERIODIC) == HPK_OK, "evolve: reference failed");
    struct log *log = new_log();
    double row_canary[N];
    memset(row_canary, 0xAB, sizeof row_canary);
    int cancelled = 0, attempts = 0;
    size_t complete_but_wrong = 0; /* attempts that returned HPK_OK without every row right */
    for (; attempts < ATTEMPTS && !cancelled; attempts++) {
        memset(out, 0xAB, cells * sizeof *out);
        set_handler(log, 1, 1);
        double start = now_s();
        hpk_status status = hpk_diffusion_evolve(in, out, N, N, 1.0, 0.1, HPK_BOUNDARY_PERIODIC);
        double end = now_s();
        clear_handler();
        size_t bad_rows = 0, written = 0;
        for (size_t r = 0; r < N; r++) {
            const double *row = out + r * N;
            if (memcmp(row, want + r * N, sizeof row_canary) == 0) {
                written++;
            } else if (memcmp(row, row_canary, sizeof row_canary) != 0) {
                bad_rows++;
            }
        }
        if (status == HPK_OK) {
            complete_but_wrong += written != N;
            continue;
        }
        cancelled = 1;
        check_cancelled("diffusion_evolve", log, status, start, end, N, 1);
        /* Not `written < N`: a cancel seen just after the last row still returns HPK_ERR_CANCELLED. */
        CHECK(bad_rows == 0, "evolve: %zu rows neither untouched nor right (%zu of %d right)", bad_rows, written, N);
        printf("C progress: diffusion_evolve %dx%d cancelled (attempt %d) with %zu of %d rows written\n", N, N,
               attempts + 1, written, N);
    }
    CHECK(cancelled && complete_but_wrong == 0, "evolve: %d attempts, %s cancelled; %zu complete with wrong rows",
          attempts, cancelled ? "the last" : "none", complete_but_wrong);
    bool in_same = true;
    for (size_t i = 0; i < cells; i++) {
        in_same = in_same && in[i] == (double)(i % 9973) / 9973.0;
    }
    CHECK(in_same, "evolve: the input grid changed");
    free(in);
    free(out);
    free(want);
    free(log);
}

/* hpk_diffusion_run for 10^8 steps, cancelled: the grid is bit for bit a fresh run of exactly the
 * last reported `done` steps. Shapes that take each of the library's paths (plain steps, tiles,
 * the wavefront) and a one-row grid. */
static void test_cancel_run(void) {
    static const struct {
        size_t rows, cols;
        hpk_boundary boundary;
        size_t cancel_at;
    } cases[] = {
        {64, 64, HPK_BOUNDARY_PERIODIC, 1},   {512, 512, HPK_BOUNDARY_FIXED, 1},
        {512, 512, HPK_BOUNDARY_PERIODIC, 4}, {2048, 2048, HPK_BOUNDARY_FIXED, 12},
        {1, 50, HPK_BOUNDARY_PERIODIC, 3},
    };
    const uint64_t steps = 100000000;
    struct log *log = new_log();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t rows = cases[c].rows, cols = cases[c].cols, n = rows * cols;
        double *init = (double *)xcalloc(n, sizeof *init);
        double *grid = (double *)xcalloc(n, sizeof *grid);
        double *fresh = (double *)xcalloc(n, sizeof *fresh);
        double *scratch = (double *)xcalloc(n, sizeof *scratch);
        for (size_t i = 0; i < n; i++) {
            init[i] = next_double();
        }
        memcpy(grid, init, n * sizeof *grid);
        char what[64];
        snprintf(what, sizeof what, "diffusion_run %zux%zu boundary %" PRIu32, rows, cols, cases[c].boundary);
        set_handler(log, cases[c].cancel_at, 10);
        double start = now_s();
        hpk_status status = hpk_diffusion_run(grid, scratch, rows, cols, 0.9, 0.2, cases[c].boundary, steps);
        double end = now_s();
        clear_handler();
        check_cancelled(what, log, status, start, end, steps, 10);
        uint64_t done = log->last.done;
        CHECK(log->n > 0 && done < steps, "%s: last report done %" PRIu64 " of %" PRIu64, what, done, steps);
        memcpy(fresh, init, n * sizeof *fresh);
        CHECK(hpk_diffusion_run(fresh, scratch, rows, cols, 0.9, 0.2, cases[c].boundary, done) == HPK_OK,
              "%s: the fresh run failed", what);
        CHECK(memcmp(grid, fresh, n * sizeof *grid) == 0, "%s: the grid is not the one of %" PRIu64 " steps", what,
              done);
        printf("C progress: %s: cancelled at report %zu, grid = %" PRIu64 " steps, bit for bit\n", what,
               cases[c].cancel_at, done);
        free(init);
        free(grid);
        free(fresh);
        free(scratch);
    }
    free(log);
}

/* With one library thread the work runs on a helper, and reports still come on the caller. */
static void test_cancel_one_thread(void) {
    size_t threads = hpk_get_num_threads();
    CHECK(hpk_set_num_threads(1) == HPK_OK, "set 1 thread");
    struct log *log = new_log();
    uint64_t count = 1234;
    set_handler(log, 2, 10);
    double start = now_s();
    hpk_status status = hpk_count_primes(0, UINT64_C(1) << 40, &count);
    double end = now_s();
    clear_handler();
    check_cancelled("count_primes on 1 thread", log, status, start, end, UINT64_C(1) << 40, 10);
    CHECK(count == 1234, "count_primes on 1 thread: count %" PRIu64 " after a cancel", count);
    CHECK(hpk_set_num_threads(0) == HPK_OK && hpk_get_num_threads() == threads, "automatic threads");
    free(log);
}

/* ---------------------------------------------------------------- per thread */

struct job {
    struct log *log; /* NULL: no handler */
    size_t cancel_at;
    uint64_t lo, hi, count;
    hpk_status status;
    pthread_t self;
};

static pthread_barrier_t together;

static void *count_job(void *arg) {
    struct job *job = (struct job *)arg;
    job->self = pthread_self();
    if (job->log != NULL) {
        set_handler(job->log, job->cancel_at, 10);
    }
    pthread_barrier_wait(&together);
    job->status = hpk_count_primes(job->lo, job->hi, &job->count);
    if (job->log != NULL) {
        clear_handler();
    }
    return NULL;
}

/* Three threads at once: one with a handler that never cancels, one with a handler that cancels
 * at its third report, one without a handler; meanwhile this thread has a handler that would
 * cancel at once, which none of their calls may reach. */
static void test_per_thread(void) {
    struct log *mine = new_log();
    set_handler(mine, 1, 1);
    struct job jobs[3] = {
        {new_log(), 0, 0, UINT64_C(3000000000), 0xDEAD, 99, pthread_self()},
        {new_log(), 3, UINT64_C(1) << 40, (UINT64_C(1) << 40) + UINT64_C(3000000000), 0xDEAD, 99, pthread_self()},
        {NULL, 0, 0, UINT64_C(2000000000), 0xDEAD, 99, pthread_self()},
    };
    pthread_t threads[3];
    pthread_barrier_init(&together, NULL, 3);
    for (int t = 0; t < 3; t++) {
        if (pthread_create(&threads[t], NULL, count_job, &jobs[t]) != 0) {
            fprintf(stderr, "cannot start a thread\n");
            exit(2);
        }
    }
    for (int t = 0; t < 3; t++) {
        pthread_join(threads[t], NULL);
    }
    pthread_barrier_destroy(&together);
    clear_handler();

    CHECK(jobs[0].status == HPK_OK && jobs[0].count == 144449537, "never-cancelling thread: status %" PRIu32
          ", pi(3e9) = %" PRIu64, jobs[0].status, jobs[0].count);
    check_reports("never-cancelling thread", jobs[0].log, jobs[0].self, UINT64_C(3000000000));
    CHECK(jobs[1].status == HPK_ERR_CANCELLED && jobs[1].count == 0xDEAD,
          "cancelling thread: status %" PRIu32 ", count %" PRIu64, jobs[1].status, jobs[1].count);
    CHECK(jobs[1].log->n >= 3 && jobs[1].log->n <= 4, "cancelling thread: %zu reports", jobs[1].log->n);
    check_reports("cancelling thread", jobs[1].log, jobs[1].self, UINT64_C(3000000000));
    CHECK(jobs[2].status == HPK_OK && jobs[2].count == 98222287, "thread without a handler: status %" PRIu32
          ", pi(2e9) = %" PRIu64, jobs[2].status, jobs[2].count);
    CHECK(mine->n == 0, "this thread's handler was called %zu times for other threads' calls", mine->n);
    free(jobs[0].log);
    free(jobs[1].log);
    free(mine);
}

/* NULL removes the handler (with any user_data and interval); a new handler replaces the old one. */
static void test_remove_and_replace(void) {
    struct log *a = new_log(), *b = new_log();
    set_handler(a, 1, 1);
    clear_handler();
    uint64_t count = 0;
    CHECK(hpk_count_primes(0, 1000000000, &count) == HPK_OK && count == 50847534, "after NULL: pi(1e9) = %" PRIu64,
          count);
    CHECK(a->n == 0, "a removed handler was called %zu times", a->n);
    static const uint32_t intervals[] = {0, 1, 100, UINT32_MAX};
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
        CHECK(hpk_set_progress_handler(NULL, (void *)(uintptr_t)0x1234, intervals[i]) == HPK_OK,
              "NULL handler, interval %" PRIu32, intervals[i]);
    }

    set_handler(a, 1, 1);
    set_handler(b, 0, 5);
    count = 0;
    CHECK(hpk_count_primes(0, 1000000000, &count) == HPK_OK && count == 50847534,
          "replaced handler: pi(1e9) = %" PRIu64, count);
    clear_handler();
    CHECK(a->n == 0, "a replaced handler was called %zu times", a->n);
    check_reports("the replacing handler", b, pthread_self(), 1000000000);
    free(a);
    free(b);
}

/* ---------------------------------------------------------------- answers after cancels */

/* Calls below a function's documented size threshold never report (so this handler, which would
 * cancel at its first report, never does); a handler that never cancels changes no result; the
 * library answers right after all the cancels above. */
static void test_answers_after_cancels(void) {
    struct log *log = new_log();
    uint64_t count = 0;
    enum { W = 1000, H = 1000 };
    int32_t *plain = (int32_t *)xcalloc((size_t)W * H, sizeof *plain);
    int32_t *watched = (int32_t *)xcalloc((size_t)W * H, sizeof *watched);

    /* No handler. */
    CHECK(hpk_count_primes(0, 1000000, &count) == HPK_OK && count == 78498, "pi(10^6) = %" PRIu64, count);
    CHECK(hpk_julia_grid(X1, X2, Y1, Y2, W, H, -0.62772, -0.42193, 300, plain) == HPK_OK, "julia_grid failed");
    int64_t sum = 0;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        sum += plain[i];
    }
    CHECK(sum == 33219980, "Julia checksum %" PRId64 " after cancels", sum);

    /* Below the thresholds: hi - lo < 2^24, fewer than 2048 numbers, width*height*maxiter < 2^22. */
    set_handler(log, 1, 1);
    count = 0;
    CHECK(hpk_count_primes(0, 1000000, &count) == HPK_OK && count == 78498,
          "pi(10^6) with a cancelling handler: %" PRIu64, count);
    uint64_t numbers[2047];
    bool flags[2047];
    for (size_t i = 0; i < 2047; i++) {
        numbers[i] = PRIME_NEAR_2_64 - 2 * i;
    }
    CHECK(hpk_is_prime_batch(numbers, 2047, flags) == HPK_OK && flags[0] && !flags[1],
          "is_prime_batch of 2047 numbers with a cancelling handler");
    int32_t small[100 * 100];
    CHECK(hpk_julia_grid(X1, X2, Y1, Y2, 100, 100, -0.62772, -0.42193, 300, small) == HPK_OK,
          "a 100x100 Julia grid with a cancelling handler");
    clear_handler();
    CHECK(log->n == 0, "%zu reports from calls below the documented thresholds", log->n);

    /* A handler that never cancels, reporting as often as it can: the same answers. */
    set_handler(log, 0, 1);
    CHECK(hpk_julia_grid(X1, X2, Y1, Y2, W, H, -0.62772, -0.42193, 300, watched) == HPK_OK, "watched julia_grid");
    clear_handler();
    CHECK(memcmp(plain, watched, (size_t)W * H * sizeof *plain) == 0, "a handler changed the Julia grid");
    check_reports("watched julia_grid", log, pthread_self(), (uint64_t)W * H);
    set_handler(log, 0, 1);
    count = 0;
    CHECK(hpk_count_primes(0, 1000000000, &count) == HPK_OK && count == 50847534, "watched pi(1e9) = %" PRIu64, count);
    clear_handler();
    check_reports("watched count_primes", log, pthread_self(), 1000000000);
    set_handler(log, 0, 1);
    bool prime = false;
    const uint64_t book_prime = UINT64_C(100109100129100151); /* isqrt: 316400221 */
    CHECK(hpk_check_prime(book_prime, &prime) == HPK_OK && prime, "watched check_prime");
    clear_handler();
    /* total: the candidates of [3, isqrt(n)]. */
    check_reports("watched check_prime", log, pthread_self(), UINT64_C(316400221) - 2);
    free(plain);
    free(watched);
    free(log);
}

int main(void) {
    arm_watchdog(STDOUT_FILENO, "FAIL: C progress: still running at the HPK_TEST_TIMEOUT watchdog\n"
                                "C progress: 0 passed, 1 failed\n");
    CHECK(HPK_ERR_CANCELLED == 8, "HPK_ERR_CANCELLED is %d", HPK_ERR_CANCELLED);
    CHECK(strstr(hpk_status_message(HPK_ERR_CANCELLED), "cancel") != NULL, "status 8 reads \"%s\"",
          hpk_status_message(HPK_ERR_CANCELLED));
    test_reports(20);
    test_reports(0);
    test_cancel_scalars();
    test_cancel_arrays();
    test_cancel_julia_grid();
    test_cancel_evolve();
    test_cancel_run();
    test_cancel_one_thread();
    test_per_thread();
    test_remove_and_replace();
    test_answers_after_cancels();
    printf("C progress: %d passed, %d failed\n", passed, failed);
    return (failed > 0 || passed == 0) ? 1 : 0;
}
