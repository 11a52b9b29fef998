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
 * Build and run (scripts/test-c.sh does this):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -pthread -I include ffi-tests/c/stress.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o stress && ./stress
 * The environment variable HPK_STRESS_ROUNDS overrides ROUNDS (e.g. 1 under valgrind). A watchdog
 * (alarm) ends the program with a failure after HPK_TEST_TIMEOUT seconds (default 240), so a
 * deadlock fails instead of hanging the run.
 * One check per kernel (every call of it by every thread matched) plus the reference sanity
 * checks; the last line is "C stress: N passed, M failed"; the exit status is non-zero if M > 0
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

/* ------------------------------------------------------------------ threads */

static struct answers reference;
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
    pthread_barrier_wait(&start);
    for (int round = 0; round < rounds; round++) {
        compute(mine, &reference, thread, round);
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
    printf("C stress: serial reference in %.2f s (julia %dx%d checksum %" PRId64 ", pi(2e6) = %" PRIu64 ")\n",
           seconds_since(&t0), JW, JH, julia_sum, reference.count);

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
    for (size_t r = 0; r < NRUNS; r++) {
        free(diffusion_in[r]);
    }
    printf("C stress: %d passed, %d failed\n", passed, failed);
    return (failed > 0 || passed == 0) ? 1 : 0;
}
