/* Helpers shared by the C test programs (test_hpkern.c, stress.c, fork.c): allocation that
 * cannot fail silently, the CHECK counter, deterministic pseudo-random inputs, and a deadlock watchdog.
 * Define TEST_RNG_SEED before including to give a program its own input sequence. */
#ifndef HPK_TEST_SUPPORT_H
#define HPK_TEST_SUPPORT_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Count one check; on failure print the process, where and why, and carry on so one run shows
 * every failure. The program prints "LABEL: <passed> passed, <failed> failed" at the end. */
static int passed, failed;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL [pid %ld] %s:%d: %s: ", (long)getpid(), __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static inline void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* xorshift64: deterministic inputs, so failures reproduce. */
#ifndef TEST_RNG_SEED
#define TEST_RNG_SEED 0x9E3779B97F4A7C15u
#endif
static uint64_t rng_state = TEST_RNG_SEED;
static inline uint64_t next_u64(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
/* Uniform in [0, 1). */
static inline double next_double(void) { return (double)(next_u64() >> 11) / 9007199254740992.0; }

/* SIGALRM watchdog: a run still going after HPK_TEST_TIMEOUT seconds (default 240) is most
 * likely a deadlock; it writes `message` to `fd` and exits 1 instead of hanging CI. */
static const char *watchdog_message;
static int watchdog_fd;
static inline void on_watchdog(int sig) {
    (void)sig;
    if (write(watchdog_fd, watchdog_message, strlen(watchdog_message)) < 0) {
        _exit(3);
    }
    _exit(1);
}
static inline void arm_watchdog(int fd, const char *message) {
    watchdog_fd = fd;
    watchdog_message = message;
    const char *env = getenv("HPK_TEST_TIMEOUT");
    unsigned seconds = env != NULL && atoi(env) > 0 ? (unsigned)atoi(env) : 240;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_watchdog;
    sigaction(SIGALRM, &action, NULL);
    alarm(seconds);
}

#endif
