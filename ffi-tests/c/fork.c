/*
 * fork() and libhpkern: a child process must be able to use the library after its parent did.
 *
 * rayon's worker threads do not survive fork(): the child has only the forking thread. The
 * library must notice and build a fresh pool in the child, and nothing it holds (its pool lock)
 * may be left locked by a thread that does not exist in the child. Scenarios:
 *
 *   1. the parent used the pool (2 threads), then forks; the child computes a parallel Julia grid
 *      and pi(2e6) with the automatic thread count, with 2 and with 3 threads;
 *   2. the same, forked while another thread of the parent is inside a kernel call (a background
 *      thread running hpk_julia_grid in a loop), several times;
 *   3. forked while background threads hammer the library with tiny calls, so that its internal
 *      lock is likely held by one of them at the moment of the fork, many times;
 *   4. three generations: the child forks a grandchild, which forks a great-grandchild, each
 *      while a thread of its own is inside a kernel call, each checking the answers.
 *
 * Every child checks its answers against the parent's serial reference and exits 0 or 1. The
 * parent waits with a timeout (polling waitpid with WNOHANG) and kills a child that does not
 * finish, so a deadlock fails the test instead of hanging it. Each child also arms alarm() so
 * that no stuck descendant outlives the test. After each scenario the parent checks its own
 * answers again. The parent itself has a watchdog too (alarm): after HPK_TEST_TIMEOUT seconds
 * (default 240) it fails instead of hanging.
 *
 * Build and run (scripts/test-c.sh does this):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -pthread -I include ffi-tests/c/fork.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o fork && ./fork
 * The last line is "C fork: N passed, M failed"; the exit status is non-zero if M > 0 or N == 0.
 */

#define _POSIX_C_SOURCE 200809L

#include <hpkern.h>

#include "test_support.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>



/* How long a parent waits for a child of generation g (1 = child of the test process): each
 * generation waits less than the one above, so the innermost timeout fires first. */
static int timeout_for(int generation) { return 25 - 5 * generation; }
/* A child ends itself after this long whatever happens (alarm; the SIGALRM handler inherited
 * from the test process reports it and exits 1). */
enum { CHILD_ALARM_S = 60 };

/* ------------------------------------------------------------------ answers */

enum { JW = 400, JH = 300, JMAXITER = 200 };
static const uint64_t COUNT_HI = 2000000, PI_2E6 = 148933;
static int32_t reference_julia[JW * JH];

static int32_t *xmalloc_grid(void) {
    int32_t *out = (int32_t *)malloc(sizeof reference_julia);
    if (out == NULL) {
        fprintf(stderr, "out of memory\n");
        _exit(2);
    }
    memset(out, 0xAB, sizeof reference_julia);
    return out;
}

static bool julia_matches(void) {
    int32_t *out = xmalloc_grid();
    hpk_status st = hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, JW, JH, -0.62772, -0.42193, JMAXITER, out);
    bool same = st == HPK_OK && memcmp(out, reference_julia, sizeof reference_julia) == 0;
    free(out);
    return same;
}

static bool count_matches(void) {
    uint64_t count = 0;
    return hpk_count_primes(0, COUNT_HI, &count) == HPK_OK && count == PI_2E6;
}

/* The answers with thread count `n` (0 = automatic), which must read back. Returns failures. */
static int check_answers_with(size_t n, const char *who) {
    int before = failed;
    CHECK(hpk_set_num_threads(n) == HPK_OK, "%s: set_num_threads(%zu)", who, n);
    size_t got = hpk_get_num_threads();
    CHECK(n == 0 ? got >= 1 : got == n, "%s: %zu threads after setting %zu", who, got, n);
    CHECK(julia_matches(), "%s, %zu threads: Julia grid differs from the serial reference", who, got);
    CHECK(count_matches(), "%s, %zu threads: pi(2e6) is wrong", who, got);
    return failed - before;
}

/* What a child checks: automatic, 2 and 3 threads (3 forces another pool to be built). */
static int check_answers(const char *who) {
    return check_answers_with(0, who) + check_answers_with(2, who) + check_answers_with(3, who);
}

/* ------------------------------------------------------------------ background threads */

enum busy_kind { BUSY_JULIA, BUSY_TINY_JULIA, BUSY_GET_THREADS, BUSY_SET_THREADS };

struct busy {
    pthread_t thread;
    enum busy_kind kind;
    atomic_bool stop;
    atomic_int in_call;
    atomic_long calls, wrong;
};

static void *busy_loop(void *arg) {
    struct busy *b = (struct busy *)arg;
    int32_t *out = xmalloc_grid();
    while (!atomic_load(&b->stop)) {
        bool ok = true;
        atomic_store(&b->in_call, 1);
        switch (b->kind) {
        case BUSY_JULIA:
            ok = hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, JW, JH, -0.62772, -0.42193, JMAXITER, out) == HPK_OK &&
                 memcmp(out, reference_julia, sizeof reference_julia) == 0;
            break;
        case BUSY_TINY_JULIA:
            ok = hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, 4, 4, -0.62772, -0.42193, 20, out) == HPK_OK;
            break;
        case BUSY_GET_THREADS:
            ok = hpk_get_num_threads() >= 1;
            break;
        case BUSY_SET_THREADS:
            ok = hpk_set_num_threads(0) == HPK_OK;
            break;
        }
        atomic_store(&b->in_call, 0);
        atomic_fetch_add(&b->calls, 1);
        if (!ok) {
            atomic_fetch_add(&b->wrong, 1);
        }
    }
    free(out);
    return NULL;
}

static void busy_start(struct busy *b, enum busy_kind kind) {
    b->kind = kind;
    atomic_store(&b->stop, false);
    atomic_store(&b->in_call, 0);
    atomic_store(&b->calls, 0);
    atomic_store(&b->wrong, 0);
    if (pthread_create(&b->thread, NULL, busy_loop, b) != 0) {
        fprintf(stderr, "cannot start a background thread\n");
        _exit(2);
    }
}

/* Wait (up to 10 s) until the thread has finished one call and is inside the next. */
static bool busy_wait_inside(struct busy *b) {
    const struct timespec pause = {0, 100000};
    for (int i = 0; i < 100000; i++) {
        if (atomic_load(&b->calls) > 0 && atomic_load(&b->in_call)) {
            return true;
        }
        nanosleep(&pause, NULL);
    }
    return false;
}

/* Stop the thread; returns how many of its calls went wrong. */
static long busy_stop(struct busy *b) {
    atomic_store(&b->stop, true);
    pthread_join(b->thread, NULL);
    return atomic_load(&b->wrong);
}

/* ------------------------------------------------------------------ processes */

/* Fork; the child runs body(arg, generation) and exits with its result (0 = all good). */
static int forks; /* children this process forked */
static pid_t spawn(int (*body)(void *, int), void *arg, int generation) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    forks++;
    if (pid == 0) {
        alarm(CHILD_ALARM_S);
        passed = failed = forks = 0;
        int rc = body(arg, generation);
        fflush(stdout);
        fflush(stderr);
        _exit(rc == 0 && failed == 0 ? 0 : 1);
    }
    return pid;
}

/* Wait for `pid` up to `seconds`; kill it if it is still running. True if it exited 0. */
static bool wait_child(pid_t pid, int seconds, const char *what) {
    if (pid < 0) {
        fprintf(stderr, "FAIL: %s: fork failed: %s\n", what, strerror(errno));
        return false;
    }
    const struct timespec pause = {0, 5000000};
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = 0;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid) {
            break;
        }
        if (got < 0 && errno != EINTR) {
            fprintf(stderr, "FAIL: %s: waitpid: %s\n", what, strerror(errno));
            return false;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec >= seconds) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "FAIL: %s: child %ld still running after %d s (deadlock?), killed\n", what, (long)pid,
                    seconds);
            return false;
        }
        nanosleep(&pause, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return true;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL: %s: child %ld killed by signal %d\n", what, (long)pid, WTERMSIG(status));
    } else {
        fprintf(stderr, "FAIL: %s: child %ld exited %d\n", what, (long)pid, WEXITSTATUS(status));
    }
    return false;
}

/* ------------------------------------------------------------------ scenarios */

static int child_checks(void *arg, int generation) {
    (void)generation;
    return check_answers((const char *)arg);
}

/* 1. The parent used the pool with 2 threads, then forks. */
static void scenario_after_use(void) {
    check_answers_with(2, "parent before fork");
    pid_t pid = spawn(child_checks, "child of a parent that used the pool", 1);
    CHECK(wait_child(pid, timeout_for(1), "fork after using the pool"), "the child failed");
    check_answers_with(2, "parent after fork");
}

/* 2. Forked while a background thread is inside hpk_julia_grid; the thread count is 2 or automatic. */
enum { BUSY_FORKS = 10 };
static void scenario_during_call(void) {
    int ok = 0;
    for (int i = 0; i < BUSY_FORKS; i++) {
        CHECK(hpk_set_num_threads(i % 2 ? 0 : 2) == HPK_OK, "set_num_threads");
        struct busy b;
        busy_start(&b, BUSY_JULIA);
        bool inside = busy_wait_inside(&b);
        CHECK(inside, "the background thread never entered a kernel call");
        pid_t pid = spawn(child_checks, "child forked during a kernel call", 1);
        bool child_ok = wait_child(pid, timeout_for(1), "fork during a kernel call");
        long wrong = busy_stop(&b);
        CHECK(wrong == 0, "%ld background calls in the parent went wrong", wrong);
        ok += child_ok;
        if (!child_ok) {
            break;
        }
    }
    CHECK(ok == BUSY_FORKS, "%d of %d children forked during a kernel call succeeded", ok, BUSY_FORKS);
    check_answers_with(2, "parent after forks during calls");
}

/* 3. Forked while three threads hammer the library (its lock is often held at the fork). */
enum { HAMMER_FORKS = 60 };
static int hammer_child(void *arg, int generation) {
    (void)arg;
    (void)generation;
    /* Only the quick checks: the point is that the library's lock is usable. */
    bool ok = hpk_get_num_threads() >= 1 && hpk_set_num_threads(2) == HPK_OK && julia_matches() && count_matches();
    if (!ok) {
        fprintf(stderr, "FAIL [pid %ld]: wrong answers in a child forked while threads hammered the library\n",
                (long)getpid());
    }
    return ok ? 0 : 1;
}

static void scenario_hammer(void) {
    CHECK(hpk_set_num_threads(0) == HPK_OK, "set_num_threads(0)");
    struct busy b[3];
    busy_start(&b[0], BUSY_TINY_JULIA);
    busy_start(&b[1], BUSY_GET_THREADS);
    busy_start(&b[2], BUSY_SET_THREADS);
    int ok = 0;
    for (int i = 0; i < HAMMER_FORKS; i++) {
        pid_t pid = spawn(hammer_child, NULL, 1);
        bool child_ok = wait_child(pid, timeout_for(1), "fork while threads hammer the library");
        ok += child_ok;
        if (!child_ok) {
            break;
        }
    }
    long calls = 0, wrong = 0;
    for (int k = 0; k < 3; k++) {
        wrong += busy_stop(&b[k]);
        calls += atomic_load(&b[k].calls);
    }
    CHECK(ok == HAMMER_FORKS, "%d of %d children forked while threads hammered the library succeeded", ok,
          HAMMER_FORKS);
    CHECK(wrong == 0, "%ld of %ld hammering calls went wrong", wrong, calls);
    printf("C fork: %d forks while 3 threads made %ld library calls\n", ok, calls);
    check_answers_with(2, "parent after hammered forks");
}

/* 4. Generations: each checks, then forks the next while a thread of its own is inside a call. */
enum { GENERATIONS = 3 };
static int generation_body(void *arg, int generation) {
    (void)arg;
    char who[64];
    snprintf(who, sizeof who, "generation %d", generation);
    int failures = check_answers(who);
    if (generation < GENERATIONS) {
        CHECK(hpk_set_num_threads(2) == HPK_OK, "set_num_threads(2)");
        struct busy b;
        busy_start(&b, BUSY_JULIA);
        CHECK(busy_wait_inside(&b), "%s: the background thread never entered a kernel call", who);
        pid_t pid = spawn(generation_body, NULL, generation + 1);
        CHECK(wait_child(pid, timeout_for(generation + 1), who), "%s: its child (generation %d) failed", who,
              generation + 1);
        long wrong = busy_stop(&b);
        CHECK(wrong == 0, "%s: %ld background calls went wrong", who, wrong);
        failures += check_answers(who);
    }
    if (failed == 0) {
        printf("C fork: generation %d (pid %ld) ok\n", generation, (long)getpid());
    }
    return failures;
}

static void scenario_generations(void) {
    pid_t pid = spawn(generation_body, NULL, 1);
    CHECK(wait_child(pid, timeout_for(1), "three generations"), "a generation failed");
    check_answers_with(2, "parent after generations");
}

int main(void) {
    /* Inherited by the children, which arm their own alarm. */
    arm_watchdog(STDERR_FILENO, "FAIL: C fork: still running at the watchdog's alarm (deadlock?)\n");
    /* The serial reference. */
    CHECK(hpk_set_num_threads(1) == HPK_OK, "set_num_threads(1)");
    CHECK(hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, JW, JH, -0.62772, -0.42193, JMAXITER, reference_julia) == HPK_OK,
          "reference Julia grid: %s", hpk_last_error_message());
    CHECK(count_matches(), "reference pi(2e6)");

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    scenario_after_use();
    scenario_during_call();
    scenario_hammer();
    scenario_generations();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(hpk_set_num_threads(0) == HPK_OK, "set_num_threads(0)");
    printf("C fork: %d children (and %d more generations) forked and checked in %.2f s\n", forks, GENERATIONS - 1,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("C fork: %d passed, %d failed\n", passed, failed);
    return (failed > 0 || passed == 0) ? 1 : 0;
}
