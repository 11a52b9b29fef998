/*
 * Concurrency stress test of libhpkern through its C header.
 *
 * First every kernel runs once on one thread (hpk_set_num_threads(1)) to give the reference
 * answers. Then NTHREADS threads each run every kernel ROUNDS times, all at once, while another
 * thread keeps changing the library's thread count (0, 1, 2, 3, 4, 1, ...). Every result must be
 * bit-for-bit the reference (memcmp, also for doubles): the kernels' answers do not depend on the
 * thread count, and concurrent calls and pool rebuilds must not disturb each other. Each worker
 * also checks that hpk_last_error_message() is per thread.
 *
 * Cancellation: every CANCEL_EVERY-th round (the first included) each worker also calls every
 * function that reports progress with inputs above its reporting threshold, under a progress
 * handler of its own that cancels at a random report (or never; per-thread RNG, random interval
 * of 1 to 3 ms). Every such call must return either HPK_OK with the reference answer or
 * HPK_ERR_CANCELLED (only when the handler asked, with a message about the cancel) with the
 * outputs the header documents: scalars and the primes list untouched, array elements and rows
 * untouched or right, a diffusion run's grid bit for bit a run of the last reported `done` steps.
 * The handler checks every report: on its own thread, `done` monotonic and <= `total`, `total`
 * fixed, at most one report after the cancelling one.
 *
 * Build and run (scripts/test-c.sh does this):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -pthread -I include ffi-tests/c/stress.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o stress && ./stress
 * The environment variable HPK_STRESS_ROUNDS overrides ROUNDS (e.g. 1 under valgrind). A watchdog
 * (alarm) ends the program with a failure after HPK_TEST_TIMEOUT seconds (default 240), so a
 * deadlock fails instead of hanging the run.
 * One check per kernel (every call of it by every thread matched), one per cancellable kernel
 * (every call OK and right, or cancelled as documented), plus the reference sanity checks and
 * that both outcomes occurred; the last line is "C stress: N passed, M failed"; the exit status is non-zero if M > 0
 * or N == 0.
 */

#define _POSIX_C_SOURCE 200809L

#include <hpkern.h>

#define TEST_RNG_SEED 0x2545F4914F6CDD1Du
#include "test_support.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { NTHREADS = 16, DEFAULT_ROUNDS = 20 };




/* ------------------------------------------------------------------ the workload */

/* Julia grid. */
enum { JW = 400, JH = 300, JMAXITER = 200 };
/* calculate_z: NZ points of the square [-1.8, 1.8]^2, each with its own c near the book's. */
enum { NZ = 20000, ZMAXITER = 300 };
/* Diffusion shapes (rows x cols), each run with both boundaries for DSTEPS steps. */
static const size_t SHAPES[][2] = {{64, 64}, {100, 37}, {1, 50}, {2, 3}, {129, 257}};
enum { NSHAPES = sizeof SHAPES / sizeof SHAPES[0], NRUNS = 2 * NSHAPES, DSTEPS = 20 };
static const double D = 1.0, DT = 0.1;
/* Primes. */
enum { NBATCH = 20000 };
static const uint64_t COUNT_HI = 2000000, PI_2E6 = 148933;
static const uint64_t LIST_LO = UINT64_C(1000000000), LIST_HI = UINT64_C(1000100000);
static const uint64_t PRIME12 = UINT64_C(999999999989);   /* the largest 12-digit prime */
static const uint64_t SEMIPRIME = UINT64_C(999985999949); /* 999983 x 1000003 */
enum { LIST_CAP = 10000 };

/* Inputs, shared read-only by every thread. */
static hpk_complex zs[NZ], cs[NZ];
static double *diffusion_in[NRUNS];
static uint64_t batch[NBATCH];

/* One complete set of answers. */
struct answers {
    int32_t julia[JW * JH];
    int32_t z[NZ];
    double *runs[NRUNS]; /* NRUNS grids, after DSTEPS steps */
    double *evolved[NRUNS]; /* NRUNS grids, after one hpk_diffusion_evolve */
    bool batch[NBATCH];
    uint64_t count;
    uint64_t list[LIST_CAP];
    size_t listed;
    uint64_t factor;
    bool prime12;
    bool semiprime_is_prime;
};

/* The kernels, one entry each: its name and how many of its calls mismatched or failed. */
enum { K_JULIA, K_Z, K_RUN, K_EVOLVE, K_BATCH, K_COUNT, K_LIST, K_FACTOR, K_CHECK, K_IS_PRIME, K_ERRMSG, NK };
static const char *const KNAMES[NK] = {"hpk_julia_grid",        "hpk_julia_calculate_z",
                                       "hpk_diffusion_run",     "hpk_diffusion_evolve",
                                       "hpk_is_prime_batch",    "hpk_count_primes",
                                       "hpk_primes_in_range",   "hpk_smallest_factor_in_range",
                                       "hpk_check_prime",       "hpk_is_prime",
                                       "hpk_last_error_message per thread"};
static atomic_long calls[NK], bad[NK];

static size_t run_cells(size_t r) { return SHAPES[r / 2][0] * SHAPES[r / 2][1]; }

static void answers_init(struct answers *a) {
    for (size_t r = 0; r < NRUNS; r++) {
        a->runs[r] = (double *)xcalloc(run_cells(r), sizeof(double));
        a->evolved[r] = (double *)xcalloc(run_cells(r), sizeof(double));
    }
}

static void answers_free(struct answers *a) {
    for (size_t r = 0; r < NRUNS; r++) {
        free(a->runs[r]);
        free(a->evolved[r]);
    }
}

/* Record one call of kernel k: it returned `status` and, if HPK_OK, `same` answer as the reference. */
static void tally(int k, hpk_status status, bool same, int thread, int round) {
    atomic_fetch_add(&calls[k], 1);
    if (status != HPK_OK || !same) {
        if (atomic_fetch_add(&bad[k], 1) < 5) { /* the first few of each kernel */
            if (status != HPK_OK) {
                fprintf(stderr, "FAIL: %s, thread %d, round %d: status %" PRIu32 " (%s)\n", KNAMES[k], thread, round,
                        status, hpk_last_error_message());
            } else {
                fprintf(stderr, "FAIL: %s, thread %d, round %d: wrong answer (not the serial one)\n", KNAMES[k],
                        thread, round);
            }
        }
    }
}

/*
 * Run every kernel once into `a`. With `ref` (the reference answers) each result is compared
 * and tallied; without, every status must be HPK_OK (the reference run; returns false if not).
 */
static bool compute(struct answers *a, const struct answers *ref, int thread, int round) {
    bool all_ok = true;
    /* Kernel k returned `status` (evaluated first); `same` compares its answer when ref is set. */
#define DONE(k, status, same)                               \
    do {                                                    \
        hpk_status st_ = (status);                          \
        bool same_ = st_ == HPK_OK && (ref == NULL || (same)); \
        all_ok = all_ok && st_ == HPK_OK && same_;          \
        if (ref != NULL) {                                  \
            tally((k), st_, same_, thread, round);          \
        }                                                   \
    } while (0)

    memset(a->julia, 0xAB, sizeof a->julia);
    DONE(K_JULIA, hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, JW, JH, -0.62772, -0.42193, JMAXITER, a->julia),
         memcmp(a->julia, ref->julia, sizeof a->julia) == 0);

    memset(a->z, 0xAB, sizeof a->z);
    DONE(K_Z, hpk_julia_calculate_z(zs, cs, NZ, ZMAXITER, a->z), memcmp(a->z, ref->z, sizeof a->z) == 0);

    for (size_t r = 0; r < NRUNS; r++) {
        size_t rows = SHAPES[r / 2][0], cols = SHAPES[r / 2][1], bytes = rows * cols * sizeof(double);
        hpk_boundary boundary = r % 2 ? HPK_BOUNDARY_PERIODIC : HPK_BOUNDARY_FIXED;
        double *scratch = (double *)xcalloc(rows * cols, sizeof(double));
        memcpy(a->runs[r], diffusion_in[r], bytes);
        DONE(K_RUN, hpk_diffusion_run(a->runs[r], scratch, rows, cols, D, DT, boundary, DSTEPS),
             memcmp(a->runs[r], ref->runs[r], bytes) == 0);
        memset(a->evolved[r], 0xAB, bytes);
        DONE(K_EVOLVE, hpk_diffusion_evolve(diffusion_in[r], a->evolved[r], rows, cols, D, DT, boundary),
             memcmp(a->evolved[r], ref->evolved[r], bytes) == 0);
        free(scratch);
    }

    memset(a->batch, 0xAB, sizeof a->batch);
    DONE(K_BATCH, hpk_is_prime_batch(batch, NBATCH, a->batch), memcmp(a->batch, ref->batch, sizeof a->batch) == 0);

    a->count = 0;
    DONE(K_COUNT, hpk_count_primes(0, COUNT_HI, &a->count), a->count == ref->count);

    memset(a->list, 0xAB, sizeof a->list);
    a->listed = 0;
    DONE(K_LIST, hpk_primes_in_range(LIST_LO, LIST_HI, a->list, LIST_CAP, &a->listed),
         a->listed == ref->listed && memcmp(a->list, ref->list, a->listed * sizeof a->list[0]) == 0);

    a->factor = 1;
    DONE(K_FACTOR, hpk_smallest_factor_in_range(SEMIPRIME, 2, UINT64_C(2000000), &a->factor),
         a->factor == ref->factor);

    a->prime12 = false;
    DONE(K_CHECK, hpk_check_prime(PRIME12, &a->prime12), a->prime12 == ref->prime12);

    a->semiprime_is_prime = true;
    DONE(K_IS_PRIME, hpk_is_prime(SEMIPRIME, &a->semiprime_is_prime),
         a->semiprime_is_prime == ref->semiprime_is_prime);

    if (ref != NULL) {
        /* A failure on this thread with a message of its own, which other threads' failures
         * (and their successes) must not change before this thread reads it. */
        char want[64];
        int32_t out = 0;
        snprintf(want, sizeof want, "got %d", -(thread * 100 + round + 1));
        hpk_status st = hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 1, 1, 0.0, 0.0, -(thread * 100 + round + 1), &out);
        const char *message = hpk_last_error_message();
        size_t len = strlen(message), wlen = strlen(want);
        bool ends_with_want = len >= wlen && strcmp(message + len - wlen, want) == 0;
        tally(K_ERRMSG, HPK_OK, st == HPK_ERR_INVALID_ARGUMENT && out == 0 && ends_with_want, thread, round);
    }
#undef DONE
    return all_ok;
}

/* ------------------------------------------------------------------ the cancel phase */

/* Inputs just above each function's reporting threshold (see the header), so that calls last a few
 * milliseconds and a handler with a 1-3 ms interval cancels many of them, and not all. */
enum { CANCEL_EVERY = 4 };
enum { RUN_ROWS = 129, RUN_COLS = 257, RUN_STEPS = 64 };         /* rows*cols*steps >= 2^21 */
enum { EVOLVE_ROWS = 2048, EVOLVE_COLS = 1024 };                  /* 2^21 cells */
static const uint64_t BIG_COUNT_HI = UINT64_C(1) << 24, PI_2_24 = 1077871; /* hi - lo >= 2^24 */
static const uint64_t BIG_LIST_LO = UINT64_C(1000000000), BIG_LIST_HI = UINT64_C(1000000000) + (UINT64_C(1) << 24);
/* check_prime reports when sqrt(n) >= 2^25 (the library's threshold is in fact 2^25 candidates in
 * [3, isqrt(n)], so n >= (2^25 + 2)^2): big_prime is the first prime above 2^51 (found at start
 * with hpk_is_prime); smallest_factor_in_range searches it over [2, 2^26). */
static uint64_t big_prime;
static const uint64_t BIG_FACTOR_TO = UINT64_C(1) << 26;

/* The serial reference answers of `compute`. */
static struct answers reference;

/* Reference answers of the big inputs (the julia, calculate_z and batch inputs of `compute` are
 * already above their thresholds, and their references are in `reference`). */
static double *run_in, *run_ref, *evolve_in, *evolve_ref;
static uint64_t big_count, *big_list;
static size_t big_listed;
static uint64_t big_factor;
static bool big_is_prime;

enum { C_JULIA, C_Z, C_RUN, C_EVOLVE, C_BATCH, C_COUNT, C_LIST, C_FACTOR, C_CHECK, NC };
static const char *const CNAMES[NC] = {"hpk_julia_grid",      "hpk_julia_calculate_z", "hpk_diffusion_run",
                                       "hpk_diffusion_evolve", "hpk_is_prime_batch",    "hpk_count_primes",
                                       "hpk_primes_in_range",  "hpk_smallest_factor_in_range", "hpk_check_prime"};
static atomic_long ccalls[NC], cok[NC], ccancelled[NC], cbad[NC];

/* One worker's handler state, its user_data. */
struct watch {
    pthread_t owner;
    uint64_t rng;         /* xorshift64 state of this thread */
    size_t cancel_at;     /* cancel from this report on (1 = the first); 0 = never */
    size_t reports;       /* reports in the current call */
    size_t after_cancel;  /* reports after the cancelling one */
    bool asked;           /* the handler returned nonzero in this call */
    uint64_t done, total; /* the last report */
    long malformed;       /* reports on another thread, done decreasing or > total, total changed */
};

static uint64_t watch_next(struct watch *w) {
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static int32_t watch_report(void *user_data, uint64_t done, uint64_t total) {
    struct watch *w = (struct watch *)user_data;
    if (!pthread_equal(pthread_self(), w->owner) || done > total ||
        (w->reports > 0 && (done < w->done || total != w->total))) {
        w->malformed++;
    }
    w->reports++;
    w->done = done;
    w->total = total;
    if (w->asked) {
        w->after_cancel++;
    }
    if (w->cancel_at != 0 && w->reports >= w->cancel_at) {
        w->asked = true;
        return 1;
    }
    return 0;
}

/* Before each call: a fresh random moment to cancel (never in one call of five) and interval. */
static void watch_arm(struct watch *w) {
    w->cancel_at = (size_t)(watch_next(w) % 5);
    w->reports = w->after_cancel = 0;
    w->asked = false;
    w->done = w->total = 0;
    uint32_t interval_ms = 1 + (uint32_t)(watch_next(w) % 3);
    if (hpk_set_progress_handler(watch_report, w, interval_ms) != HPK_OK) {
        w->malformed++;
    }
}

/* Whether the n bytes at p all equal b. */
static bool all_bytes(const void *p, size_t n, unsigned char b) {
    const unsigned char *c = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) {
        if (c[i] != b) {
            return false;
        }
    }
    return true;
}

/* Whether each of the `count` elements of `size` bytes of `out` equals the same element of `want`
 * or is untouched (all bytes 0xAB); with `row` > 1, whole runs of `row` elements instead. */
static bool untouched_or_right(const void *out, const void *want, size_t count, size_t size, size_t row) {
    const unsigned char *o = (const unsigned char *)out, *w = (const unsigned char *)want;
    size_t unit = size * row;
    for (size_t i = 0; i < count / row; i++) {
        if (memcmp(o + i * unit, w + i * unit, unit) != 0 && !all_bytes(o + i * unit, unit, 0xAB)) {
            return false;
        }
    }
    return true;
}

/* A worker's buffers for the cancel phase. */
struct big {
    double *run, *scratch, *fresh, *evolved;
    uint64_t *list;
};

/* Record one call of cancellable kernel k: `status`; `right` (the answer, when HPK_OK) and
 * `documented` (the outputs, when cancelled). */
static void ctally(int k, hpk_status status, bool right, bool documented, const struct watch *w, int thread,
                   int round) {
    atomic_fetch_add(&ccalls[k], 1);
    const char *why = NULL;
    if (status == HPK_OK) {
        atomic_fetch_add(&cok[k], 1);
        why = right ? NULL : "HPK_OK with a wrong answer";
    } else if (status == HPK_ERR_CANCELLED) {
        atomic_fetch_add(&ccancelled[k], 1);
        why = !w->asked                                        ? "cancelled, but the handler never asked"
              : !documented                                    ? "cancelled, outputs not as documented"
              : strstr(hpk_last_error_message(), "cancel") == NULL ? "cancelled, the last error does not say so"
                                                               : NULL;
    } else {
        why = "neither HPK_OK nor HPK_ERR_CANCELLED";
    }
    if (why == NULL && (w->malformed != 0 || w->after_cancel > 1)) {
        why = "malformed progress reports (thread, done, total) or more than one after the cancel";
    }
    if (why != NULL && atomic_fetch_add(&cbad[k], 1) < 5) {
        fprintf(stderr, "FAIL: %s with a cancelling handler, thread %d, round %d: %s (status %" PRIu32 ": %s; %zu reports, "
                "cancel at %zu)\n", CNAMES[k], thread, round, why, status, hpk_last_error_message(), w->reports,
                w->cancel_at);
    }
}

/* Every function that reports, once, each under a freshly armed handler. */
static void cancellable(struct answers *a, struct big *b, struct watch *w, int thread, int round) {
    hpk_status st;
    /* Run the call with a freshly armed handler, then remove the handler (the checks call the
     * library too, and must not be cancelled). */
#define WATCHED(call)                                 \
    do {                                              \
        watch_arm(w);                                 \
        st = (call);                                  \
        hpk_set_progress_handler(NULL, NULL, 0);      \
    } while (0)

    memset(a->julia, 0xAB, sizeof a->julia);
    WATCHED(hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, JW, JH, -0.62772, -0.42193, JMAXITER, a->julia));
    ctally(C_JULIA, st, memcmp(a->julia, reference.julia, sizeof a->julia) == 0,
           untouched_or_right(a->julia, reference.julia, JW * JH, sizeof(int32_t), JW), w, thread, round);

    memset(a->z, 0xAB, sizeof a->z);
    WATCHED(hpk_julia_calculate_z(zs, cs, NZ, ZMAXITER, a->z));
    ctally(C_Z, st, memcmp(a->z, reference.z, sizeof a->z) == 0,
           untouched_or_right(a->z, reference.z, NZ, sizeof(int32_t), 1), w, thread, round);

    const size_t run_bytes = (size_t)RUN_ROWS * RUN_COLS * sizeof(double);
    memcpy(b->run, run_in, run_bytes);
    WATCHED(hpk_diffusion_run(b->run, b->scratch, RUN_ROWS, RUN_COLS, D, DT, HPK_BOUNDARY_PERIODIC, RUN_STEPS));
    bool at_done = false;
    if (st == HPK_ERR_CANCELLED && w->reports > 0) {
        /* The grid of exactly the last reported number of steps. */
        memcpy(b->fresh, run_in, run_bytes);
        at_done = hpk_diffusion_run(b->fresh, b->scratch, RUN_ROWS, RUN_COLS, D, DT, HPK_BOUNDARY_PERIODIC, w->done) ==
                      HPK_OK &&
                  w->total == RUN_STEPS && memcmp(b->run, b->fresh, run_bytes) == 0;
    }
    ctally(C_RUN, st, memcmp(b->run, run_ref, run_bytes) == 0, at_done, w, thread, round);

    const size_t evolve_cells = (size_t)EVOLVE_ROWS * EVOLVE_COLS;
    memset(b->evolved, 0xAB, evolve_cells * sizeof(double));
    WATCHED(hpk_diffusion_evolve(evolve_in, b->evolved, EVOLVE_ROWS, EVOLVE_COLS, D, DT, HPK_BOUNDARY_FIXED));
    ctally(C_EVOLVE, st, memcmp(b->evolved, evolve_ref, evolve_cells * sizeof(double)) == 0,
           untouched_or_right(b->evolved, evolve_ref, evolve_cells, sizeof(double), EVOLVE_COLS), w, thread, round);

    memset(a->batch, 0xAB, sizeof a->batch);
    WATCHED(hpk_is_prime_batch(batch, NBATCH, a->batch));
    ctally(C_BATCH, st, memcmp(a->batch, reference.batch, sizeof a->batch) == 0,
           untouched_or_right(a->batch, reference.batch, NBATCH, sizeof(bool), 1), w, thread, round);

    uint64_t count = 0xC0C0;
    WATCHED(hpk_count_primes(0, BIG_COUNT_HI, &count));
    ctally(C_COUNT, st, count == big_count, count == 0xC0C0, w, thread, round);

    size_t listed = 0xC0C0;
    memset(b->list, 0xAB, big_listed * sizeof *b->list);
    WATCHED(hpk_primes_in_range(BIG_LIST_LO, BIG_LIST_HI, b->list, big_listed, &listed));
    ctally(C_LIST, st, listed == big_listed && memcmp(b->list, big_list, big_listed * sizeof *b->list) == 0,
           listed == 0xC0C0 && all_bytes(b->list, big_listed * sizeof *b->list, 0xAB), w, thread, round);

    uint64_t factor = 0xC0C0;
    WATCHED(hpk_smallest_factor_in_range(big_prime, 2, BIG_FACTOR_TO, &factor));
    ctally(C_FACTOR, st, factor == big_factor, factor == 0xC0C0, w, thread, round);

    unsigned char flag = 0x5A; /* no valid bool: only ever compared as a byte */
    WATCHED(hpk_check_prime(big_prime, (bool *)(void *)&flag));
    ctally(C_CHECK, st, flag == (big_is_prime ? 1 : 0), flag == 0x5A, w, thread, round);
#undef WATCHED
}

/* The references of the big inputs, on one thread without a handler; false if a call failed. */
static bool big_references(void) {
    bool ok = true;
    for (uint64_t n = (UINT64_C(1) << 51) + 1;; n += 2) {
        bool prime = false;
        ok = ok && hpk_is_prime(n, &prime) == HPK_OK;
        if (prime || !ok) {
            big_prime = n;
            break;
        }
    }
    run_in = (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double));
    run_ref = (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double));
    double *scratch = (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double));
    for (size_t i = 0; i < (size_t)RUN_ROWS * RUN_COLS; i++) {
        run_ref[i] = run_in[i] = next_double();
    }
    ok = ok && hpk_diffusion_run(run_ref, scratch, RUN_ROWS, RUN_COLS, D, DT, HPK_BOUNDARY_PERIODIC, RUN_STEPS) == HPK_OK;
    free(scratch);
    evolve_in = (double *)xcalloc((size_t)EVOLVE_ROWS * EVOLVE_COLS, sizeof(double));
    evolve_ref = (double *)xcalloc((size_t)EVOLVE_ROWS * EVOLVE_COLS, sizeof(double));
    for (size_t i = 0; i < (size_t)EVOLVE_ROWS * EVOLVE_COLS; i++) {
        evolve_in[i] = next_double();
    }
    ok = ok && hpk_diffusion_evolve(evolve_in, evolve_ref, EVOLVE_ROWS, EVOLVE_COLS, D, DT, HPK_BOUNDARY_FIXED) == HPK_OK;
    ok = ok && hpk_count_primes(0, BIG_COUNT_HI, &big_count) == HPK_OK;
    hpk_status st = hpk_primes_in_range(BIG_LIST_LO, BIG_LIST_HI, NULL, 0, &big_listed);
    ok = ok && st == HPK_ERR_BUFFER_TOO_SMALL && big_listed > 0;
    big_list = (uint64_t *)xcalloc(big_listed > 0 ? big_listed : 1, sizeof *big_list);
    size_t written = 0;
    ok = ok && hpk_primes_in_range(BIG_LIST_LO, BIG_LIST_HI, big_list, big_listed, &written) == HPK_OK &&
         written == big_listed;
    ok = ok && hpk_smallest_factor_in_range(big_prime, 2, BIG_FACTOR_TO, &big_factor) == HPK_OK;
    ok = ok && hpk_check_prime(big_prime, &big_is_prime) == HPK_OK;
    return ok;
}

static void big_free(void) {
    free(run_in);
    free(run_ref);
    free(evolve_in);
    free(evolve_ref);
    free(big_list);
}

/* ------------------------------------------------------------------ threads */

static int rounds = DEFAULT_ROUNDS;
static pthread_barrier_t start;
static atomic_bool workers_done;
static atomic_long thread_count_changes, bad_thread_counts;
/* A full cycle of the changer's settings {0, 1, 2, 3, 4, 1}. */
enum { MIN_CHANGES = 6 };

static void *worker(void *arg) {
    int thread = (int)(intptr_t)arg;
    struct answers *mine = (struct answers *)xcalloc(1, sizeof *mine);
    answers_init(mine);
    struct big big = {
        (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double)),
        (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double)),
        (double *)xcalloc((size_t)RUN_ROWS * RUN_COLS, sizeof(double)),
        (double *)xcalloc((size_t)EVOLVE_ROWS * EVOLVE_COLS, sizeof(double)),
        (uint64_t *)xcalloc(big_listed, sizeof(uint64_t)),
    };
    struct watch watch = {pthread_self(), TEST_RNG_SEED ^ (UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(thread + 1)),
                          0, 0, 0, false, 0, 0, 0};
    pthread_barrier_wait(&start);
    for (int round = 0; round < rounds; round++) {
        compute(mine, &reference, thread, round);
        if (round % CANCEL_EVERY == 0) {
            cancellable(mine, &big, &watch, thread, round);
        }
    }
    /* Stay alive until the changer has made a full cycle of changes: under valgrind, which runs
     * one thread at a time, the workers could otherwise finish before it got a turn. A changer
     * that cannot make progress then fails on the watchdog instead of passing unnoticed. */
    const struct timespec wait = {0, 1000000};
    while (atomic_load(&thread_count_changes) < MIN_CHANGES) {
        nanosleep(&wait, NULL);
    }
    answers_free(mine);
    free(mine);
    free(big.run);
    free(big.scratch);
    free(big.fresh);
    free(big.evolved);
    free(big.list);
    return NULL;
}

/* Cycles the thread count until the workers finish; each setting must read back. */
static void *changer(void *arg) {
    static const size_t cycle[] = {0, 1, 2, 3, 4, 1};
    (void)arg;
    const struct timespec pause = {0, 200000}; /* 0.2 ms: many changes during every kernel call */
    pthread_barrier_wait(&start);
    for (size_t i = 0; !atomic_load(&workers_done); i++) {
        size_t n = cycle[i % (sizeof cycle / sizeof cycle[0])];
        if (hpk_set_num_threads(n) != HPK_OK) {
            atomic_fetch_add(&bad_thread_counts, 1);
        }
        size_t got = hpk_get_num_threads();
        /* Only this thread sets the count, so it reads back (automatic: at least 1). */
        if (n == 0 ? got < 1 : got != n) {
            atomic_fetch_add(&bad_thread_counts, 1);
        }
        atomic_fetch_add(&thread_count_changes, 1);
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(void) {
    arm_watchdog(STDOUT_FILENO, "FAIL: C stress: still running at the HPK_TEST_TIMEOUT watchdog (deadlock?)\n"
                                "C stress: 0 passed, 1 failed\n");
    const char *env = getenv("HPK_STRESS_ROUNDS");
    if (env != NULL && atoi(env) > 0) {
        rounds = atoi(env);
    }
    size_t automatic = hpk_get_num_threads();

    /* Inputs. */
    for (size_t i = 0; i < NZ; i++) {
        zs[i] = (hpk_complex){-1.8 + 3.6 * next_double(), -1.8 + 3.6 * next_double()};
        cs[i] = (hpk_complex){-0.62772 + 0.01 * next_double(), -0.42193 + 0.01 * next_double()};
    }
    for (size_t r = 0; r < NRUNS; r++) {
        diffusion_in[r] = (double *)xcalloc(run_cells(r), sizeof(double));
        for (size_t i = 0; i < run_cells(r); i++) {
            diffusion_in[r][i] = next_double();
        }
    }
    for (size_t i = 0; i < NBATCH; i++) {
        batch[i] = i % 2 ? UINT64_C(1000000000000) + i : next_u64(); /* consecutive and 64-bit numbers */
    }

    /* Reference answers on one thread, and what is known about them. */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(hpk_set_num_threads(1) == HPK_OK && hpk_get_num_threads() == 1, "cannot set one thread");
    answers_init(&reference);
    CHECK(compute(&reference, NULL, -1, -1), "a serial reference call failed: %s", hpk_last_error_message());
    CHECK(reference.count == PI_2E6, "pi(2e6) = %" PRIu64 ", want %" PRIu64, reference.count, PI_2E6);
    CHECK(reference.prime12 && !reference.semiprime_is_prime, "check_prime(%" PRIu64 ") = %d, is_prime(%" PRIu64 ") = %d",
          PRIME12, reference.prime12, SEMIPRIME, reference.semiprime_is_prime);
    CHECK(reference.factor == 999983, "smallest factor of %" PRIu64 " = %" PRIu64 ", want 999983", SEMIPRIME,
          reference.factor);
    uint64_t listed_count = 0;
    CHECK(hpk_count_primes(LIST_LO, LIST_HI, &listed_count) == HPK_OK && listed_count == reference.listed &&
              reference.listed > 0 && reference.list[0] >= LIST_LO && reference.list[reference.listed - 1] < LIST_HI,
          "primes_in_range listed %zu, count_primes says %" PRIu64, reference.listed, listed_count);
    int64_t julia_sum = 0;
    for (size_t i = 0; i < JW * JH; i++) {
        julia_sum += reference.julia[i];
    }
    CHECK(julia_sum > JW * JH && julia_sum < (int64_t)JW * JH * JMAXITER, "julia checksum %" PRId64, julia_sum);
    CHECK(big_references(), "a serial reference call of the cancel phase failed: %s", hpk_last_error_message());
    CHECK(big_count == PI_2_24 && big_is_prime && big_factor == 0 && big_prime > (UINT64_C(1) << 51),
          "pi(2^24) = %" PRIu64 ", check_prime(%" PRIu64 ") = %d, smallest factor %" PRIu64, big_count, big_prime,
          big_is_prime, big_factor);
    printf("C stress: serial reference in %.2f s (julia %dx%d checksum %" PRId64 ", pi(2e6) = %" PRIu64
           ", pi(2^24) = %" PRIu64 ", %zu primes listed, prime %" PRIu64 ")\n",
           seconds_since(&t0), JW, JH, julia_sum, reference.count, big_count, big_listed, big_prime);

    /* The same on every thread at once, with the thread count changing underneath. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t threads[NTHREADS], setter;
    pthread_barrier_init(&start, NULL, NTHREADS + 1);
    CHECK(pthread_create(&setter, NULL, changer, NULL) == 0, "cannot start the thread-count changer");
    for (int t = 0; t < NTHREADS; t++) {
        if (pthread_create(&threads[t], NULL, worker, (void *)(intptr_t)t) != 0) {
            fprintf(stderr, "cannot start worker %d\n", t);
            return 2;
        }
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    atomic_store(&workers_done, true);
    pthread_join(setter, NULL);
    pthread_barrier_destroy(&start);
    double elapsed = seconds_since(&t0);

    long total = 0;
    for (int k = 0; k < NK; k++) {
        long c = atomic_load(&calls[k]), b = atomic_load(&bad[k]);
        total += c;
        printf("C stress: %-36s %d threads x %ld calls each: %ld wrong\n", KNAMES[k], NTHREADS, c / NTHREADS, b);
        /* Every thread made every call, and each matched. */
        long expected_calls = (long)NTHREADS * rounds * (k == K_RUN || k == K_EVOLVE ? NRUNS : 1);
        CHECK(b == 0 && c == expected_calls, "%s: %ld of %ld calls wrong (%ld expected)", KNAMES[k], b, c,
              expected_calls);
    }
    int cancel_rounds = (rounds + CANCEL_EVERY - 1) / CANCEL_EVERY;
    long all_ok = 0, all_cancelled = 0;
    for (int k = 0; k < NC; k++) {
        long c = atomic_load(&ccalls[k]), ok = atomic_load(&cok[k]), x = atomic_load(&ccancelled[k]),
             b = atomic_load(&cbad[k]);
        all_ok += ok;
        all_cancelled += x;
        printf("C stress: %-30s with cancelling handlers, %d threads x %d calls: %ld ok, %ld cancelled, %ld wrong\n",
               CNAMES[k], NTHREADS, cancel_rounds, ok, x, b);
        long expected_calls = (long)NTHREADS * cancel_rounds;
        CHECK(b == 0 && c == expected_calls, "%s with cancelling handlers: %ld of %ld calls wrong (%ld expected)",
              CNAMES[k], b, c, expected_calls);
    }
    /* Both outcomes occurred (each call picks a random report to cancel at, or none). */
    CHECK(all_ok > 0 && all_cancelled > 0, "with cancelling handlers: %ld calls ok, %ld cancelled", all_ok,
          all_cancelled);
    long changes = atomic_load(&thread_count_changes);
    printf("C stress: %d threads x %d rounds = %ld kernel calls in %.2f s, thread count changed %ld times\n",
           NTHREADS, rounds, total, elapsed, changes);
    CHECK(atomic_load(&bad_thread_counts) == 0, "%ld thread-count settings did not read back",
          atomic_load(&bad_thread_counts));
    CHECK(changes >= MIN_CHANGES, "the thread count changed only %ld times during the run", changes);

    /* Back to the automatic setting, and the library still answers the same. */
    CHECK(hpk_set_num_threads(0) == HPK_OK && hpk_get_num_threads() == automatic, "automatic thread count %zu, was %zu",
          hpk_get_num_threads(), automatic);
    long bad_before = 0, bad_after = 0;
    for (int k = 0; k < NK; k++) {
        bad_before += atomic_load(&bad[k]);
    }
    struct answers *after = (struct answers *)xcalloc(1, sizeof *after);
    answers_init(after);
    compute(after, &reference, NTHREADS, rounds);
    for (int k = 0; k < NK; k++) {
        bad_after += atomic_load(&bad[k]);
    }
    CHECK(bad_after == bad_before, "%ld answers differ after the stress run", bad_after - bad_before);
    answers_free(after);
    free(after);

    answers_free(&reference);
    big_free();
    for (size_t r = 0; r < NRUNS; r++) {
        free(diffusion_in[r]);
    }
    printf("C stress: %d passed, %d failed\n", passed, failed);
    return (failed > 0 || passed == 0) ? 1 : 0;
}
