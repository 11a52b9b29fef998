/* The book's kernels in plain C, as "High Performance Python" writes them (ch. 7 diffusion C,
 * the Julia loop of ch. 2/7, ch. 9 trial division), serial: the per-core baseline for hpkern. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

/* ch. 7 "diffusion.c": interior cells only; edges untouched (hpkern copies them). */
void book_evolve(const double *in, double *out, size_t rows, size_t cols, double D, double dt) {
    for (size_t i = 1; i < rows - 1; ++i) {
        for (size_t j = 1; j < cols - 1; ++j) {
            double lap = in[(i + 1) * cols + j] + in[(i - 1) * cols + j]
                       + in[i * cols + j + 1] + in[i * cols + j - 1] - 4.0 * in[i * cols + j];
            out[i * cols + j] = in[i * cols + j] + D * dt * lap;
        }
    }
}

/* calculate_z over the book's grid: coordinates then the escape loop with |z|^2 < 4. */
void book_julia_grid(double x1, double x2, double y1, double y2, size_t width, size_t height,
                     double c_re, double c_im, int32_t maxiter, int32_t *output) {
    double x_step = (x2 - x1) / (double)width, y_step = (y1 - y2) / (double)height;
    for (size_t r = 0; r < height; ++r) {
        for (size_t k = 0; k < width; ++k) {
            double zr = x1 + (double)k * x_step, zi = y2 + (double)r * y_step;
            int32_t n = 0;
            while (n < maxiter && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + c_re;
                zi = 2.0 * zr * zi + c_im;
                zr = t;
                ++n;
            }
            output[r * width + k] = n;
        }
    }
}

/* ch. 9 check_prime: odd trial divisors up to isqrt(n). */
bool book_check_prime(uint64_t n) {
    if (n < 2) return false;
    if (n % 2 == 0) return n == 2;
    uint64_t limit = (uint64_t)sqrt((double)n) + 1;
    for (uint64_t i = 3; i < limit; i += 2)
        if (n % i == 0) return false;
    return true;
}
