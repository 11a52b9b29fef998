/*
 * hpkern from C: the three kernels of "High Performance Python" with the book's numbers, then a
 * progress handler that prints the percentage done and cancels a long call at a deadline.
 *
 * Build from the repository root (after `make lib`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include bindings/c/example.c \
 *      -L target/release -lhpkern -Wl,-rpath,"$PWD/target/release" -o example
 *
 * Every call's status is checked: on failure the program prints the status text and the
 * library's description of what went wrong, and exits with status 1. The file is also valid
 * C++ (malloc results are cast) so the same source proves the header works from C++.
 */

#define _POSIX_C_SOURCE 200809L /* clock_gettime, for the progress section */

#include <hpkern.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Exit with a readable message unless `status` is HPK_OK. */
static void check(hpk_status status, const char *what) {
    if (status != HPK_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, hpk_status_message(status), hpk_last_error_message());
        exit(1);
    }
}

/* malloc that exits on failure, so the kernels below always get valid buffers. */
static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    return p;
}

/* The book's Julia set: 1000 x 1000 points of [-1.8, 1.8]^2, c = -0.62772 - 0.42193i, 300 iterations. */
static void julia(void) {
    const size_t width = 1000, height = 1000;
    int32_t *counts = (int32_t *)xmalloc(width * height * sizeof *counts);
    check(hpk_julia_grid(-1.8, 1.8, -1.8, 1.8, width, height, -0.62772, -0.42193, 300, counts), "hpk_julia_grid");
    int64_t sum = 0;
    for (size_t i = 0; i < width * height; i++) {
        sum += counts[i];
    }
    printf("julia: %zu x %zu, maxiter 300, checksum %" PRId64 " (book: 33219980)\n", width, height, sum);
    free(counts);
}

/* The book's diffusion driver: a block of 0.005 in rows and columns [0.4N, 0.5N) of an N x N grid. */
static void diffusion(void) {
    const size_t n = 512, lo = n * 4 / 10, hi = n / 2;
    double *grid = (double *)xmalloc(n * n * sizeof *grid);
    double *scratch = (double *)xmalloc(n * n * sizeof *scratch);
    double before = 0.0, after = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            grid[i * n + j] = (i >= lo && i < hi && j >= lo && j < hi) ? 0.005 : 0.0;
            before += grid[i * n + j];
        }
    }
    /* 100 steps in one call; the library ping-pongs between grid and scratch and leaves the
     * result in grid. Periodic boundaries conserve the sum, which makes a good sanity check. */
    check(hpk_diffusion_run(grid, scratch, n, n, 1.0, 0.1, HPK_BOUNDARY_PERIODIC, 100), "hpk_diffusion_run");
    for (size_t i = 0; i < n * n; i++) {
        after += grid[i];
    }
    printf("diffusion: %zu x %zu, d=1, dt=0.1, 100 periodic steps: sum %.10f -> %.10f, centre %.12f\n", n, n,
           before, after, grid[(n / 2) * n + n / 2]);
    free(grid);
    free(scratch);
}

/* floor(sqrt(n)) for every 64-bit n: Newton's iteration from 2^32, which is above sqrt(2^64). */
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

/* The smallest factor of n in [2, isqrt(n)] (0 if n is prime): the book's trial division range. */
static uint64_t smallest_factor(uint64_t n) {
    uint64_t factor = 0;
    check(hpk_smallest_factor_in_range(n, 2, isqrt_u64(n) + 1, &factor), "hpk_smallest_factor_in_range");
    return factor;
}

static void primes(void) {
    /* The book's numbers (chapter 9). Miller-Rabin answers in microseconds; the factors come from
     * the parallel trial division, which stops early once a worker finds one. */
    const uint64_t numbers[] = {UINT64_C(112272535095295), UINT64_C(100109100129100369),
                                UINT64_C(100109100129101027), UINT64_C(100109100129100151),
                                UINT64_C(100109100129162907)};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        bool prime = false;
        check(hpk_is_prime(numbers[i], &prime), "hpk_is_prime");
        if (prime) {
            printf("primes: %" PRIu64 " is prime\n", numbers[i]);
        } else {
            uint64_t factor = smallest_factor(numbers[i]);
            printf("primes: %" PRIu64 " = %" PRIu64 " x %" PRIu64 " (smallest factor %" PRIu64 ")\n", numbers[i],
                   factor, numbers[i] / factor, factor);
        }
    }

    /* The book's own method, trial division by every odd number up to isqrt(n): ~0.2 s here. */
    bool prime = false;
    check(hpk_check_prime(numbers[3], &prime), "hpk_check_prime");
    printf("primes: trial division says %" PRIu64 " is %s\n", numbers[3], prime ? "prime" : "composite");

    uint64_t count = 0;
    check(hpk_count_primes(0, UINT64_C(1000000000), &count), "hpk_count_primes");
    printf("primes: pi(10^9) = %" PRIu64 " (known: 50847534)\n", count);

    /* Long ranges are counted without sieving them (Lagarias-Miller-Odlyzko): pi(10^13) in
     * about a second; and the n-th prime from pi() near an estimate plus a short sieve. */
    check(hpk_count_primes(0, UINT64_C(10000000000000) + 1, &count), "hpk_count_primes");
    printf("primes: pi(10^13) = %" PRIu64 " (known: 346065536839)\n", count);
    uint64_t nth = 0;
    check(hpk_nth_prime(UINT64_C(1000000000), &nth), "hpk_nth_prime");
    printf("primes: the 10^9-th prime is %" PRIu64 " (known: 22801763489)\n", nth);

    /* Listing primes: a call with capacity 0 is a size query (it reports BUFFER_TOO_SMALL, or OK
     * when the range holds no prime), then a second call fills a buffer of exactly that size. */
    const uint64_t lo = 0, hi = 100;
    size_t needed = 0;
    hpk_status status = hpk_primes_in_range(lo, hi, NULL, 0, &needed);
    if (status != HPK_ERR_BUFFER_TOO_SMALL) {
        check(status, "hpk_primes_in_range (size query)");
    }
    uint64_t *list = (uint64_t *)xmalloc((needed > 0 ? needed : 1) * sizeof *list);
    size_t written = 0;
    check(hpk_primes_in_range(lo, hi, list, needed, &written), "hpk_primes_in_range");
    printf("primes: the %zu primes below %" PRIu64 ":", written, hi);
    for (size_t i = 0; i < written; i++) {
        printf(" %" PRIu64, list[i]);
    }
    printf("\n");
    free(list);
}

/* Primes as a stream: the primes of [10^12, 10^12 + 10^8) a buffer at a time, in the memory of
 * one sieve and one 8 KiB buffer (listing them at once would take 29 MB). */
static void prime_stream(void) {
    const uint64_t lo = UINT64_C(1000000000000), hi = lo + UINT64_C(100000000);
    hpk_prime_stream *stream = NULL;
    check(hpk_prime_stream_new(lo, hi, &stream), "hpk_prime_stream_new");
    uint64_t buf[1024], count = 0, sum = 0, last = 0;
    size_t written = 0;
    do { /* written == 0: the stream is exhausted */
        check(hpk_prime_stream_next(stream, buf, sizeof buf / sizeof buf[0], &written), "hpk_prime_stream_next");
        for (size_t i = 0; i < written; i++) {
            sum += buf[i]; /* modulo 2^64 */
        }
        count += written;
        last = written > 0 ? buf[written - 1] : last;
    } while (written > 0);
    hpk_prime_stream_free(stream);
    printf("primes: the stream over [10^12, 10^12 + 10^8) gave %" PRIu64 " primes (known: 3618282), the last "
           "%" PRIu64 ", sum mod 2^64 %" PRIu64 "\n", count, last, sum);
}

/* Seconds on the monotonic clock, for the deadline below. */
static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* A progress handler: the library calls it on the thread that made the call, with the work done
 * so far and the total (here: numbers sieved of the range). Returning nonzero cancels the call. */
static int32_t show_progress(void *user_data, uint64_t done, uint64_t total) {
    double deadline = *(const double *)user_data;
    printf("\rprogress: counting the primes below 10^16: %5.2f%%", 100.0 * (double)done / (double)total);
    fflush(stdout);
    return monotonic_seconds() > deadline; /* past the deadline: stop */
}

/* Progress reports and cancellation: pi(10^16) would take tens of seconds; stop it after 0.3 s. */
static void progress(void) {
    double deadline = monotonic_seconds() + 0.3;
    /* For later calls on this thread: a report at most every 50 ms (0 means the default, 100 ms). */
    check(hpk_set_progress_handler(show_progress, &deadline, 50), "hpk_set_progress_handler");
    uint64_t count = 0;
    hpk_status status = hpk_count_primes(0, UINT64_C(10000000000000000), &count);
    printf("\n");
    check(hpk_set_progress_handler(NULL, NULL, 0), "hpk_set_progress_handler"); /* NULL removes it */
    if (status == HPK_ERR_CANCELLED) { /* `count` is left untouched */
        printf("progress: stopped at the 0.3 s deadline: %s (%s)\n", hpk_status_message(status),
               hpk_last_error_message());
    } else {
        check(status, "hpk_count_primes");
        printf("progress: pi(10^16) = %" PRIu64 " before the deadline\n", count);
    }
}

int main(void) {
    /* A program built against this header can use the loaded library only if the ABIs match. */
    if (hpk_abi_version() != HPK_ABI_VERSION) {
        fprintf(stderr, "libhpkern ABI %" PRIu32 " does not match the header's %d\n", hpk_abi_version(),
                HPK_ABI_VERSION);
        return 1;
    }
    printf("hpkern %s (ABI %" PRIu32 "), %zu threads, %s kernels\n", hpk_version(), hpk_abi_version(),
           hpk_get_num_threads(), hpk_isa_name());
    julia();
    diffusion();
    primes();
    prime_stream();
    progress();
    return 0;
}
