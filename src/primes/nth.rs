//! The n-th prime: g = R^-1(n) (Riemann's R inverted by Newton's method, within about
//! sqrt(g) / log g primes of p_n), c = pi(g), then a short sieve walk from g: up when c < n,
//! down when c >= n, window by window until the n-th prime is passed.

use super::pi::{pi_metered, work, REPORT_FROM};
use super::range;
use crate::error::try_vec;
use crate::progress::{self, Meter, Progress};
use crate::Error;

/// The number of primes below 2^64 (OEIS A007053): the largest n whose prime fits in a u64.
pub(crate) const MAX_N: u64 = 425_656_284_035_217_743;
/// Below this n, the primes up to [`SMALL_LIMIT`] are listed directly.
const SMALL_N: u64 = 1000;
const SMALL_LIMIT: u64 = 7920; // p_1000 = 7919
/// Bounds of the walk's windows (numbers): enough for the estimate's usual error, little memory.
const MIN_WINDOW: u64 = 1 << 16;
const MAX_WINDOW: u64 = 1 << 26;
/// n this close to [`MAX_N`] walk down from 2^64 (about 44 numbers per prime there).
const NEAR_TOP: u64 = 1 << 20;

/// The n-th prime (n = 1 gives 2), for 1 <= n <= [`MAX_N`]; reports to `progress` like `pi`
/// when the estimate is 2^30 or more (`total` counts pi's units; the walk that follows, a
/// fraction of the time, checks for a cancel between windows).
pub(crate) fn nth_prime(n: u64, progress: Option<&mut Progress<'_>>) -> Result<u64, Error> {
    if n == 0 || n > MAX_N {
        return Err(Error::InvalidArgument(format!(
            "nth_prime: n = {n} is outside [1, {MAX_N}] (n = {MAX_N} gives the largest prime below 2^64)"
        )));
    }
    if n <= SMALL_N {
        let mut primes = try_vec(SMALL_N as usize, 0u64, "the small primes")?;
        range::primes_in_range(0, SMALL_LIMIT, &mut primes, None)?;
        return Ok(primes[n as usize - 1]);
    }
    if MAX_N - n < NEAR_TOP {
        // pi(2^64 - 1) = MAX_N is published (and 2^64 - 1 is composite): walk down from the top.
        return walk(n, u64::MAX - 1, MAX_N, Meter::off());
    }
    let guess = estimate(n);
    progress::track(progress, guess >= REPORT_FROM, work(guess).max(1), |meter| {
        let below = pi_metered(guess, meter)?;
        walk(n, guess, below, meter)
    })
}

/// The n-th prime, given `below` = pi(guess).
fn walk(n: u64, guess: u64, below: u64, meter: &Meter) -> Result<u64, Error> {
    let ln = (guess as f64).ln();
    let window = (((below.abs_diff(n) + 64) as f64 * ln * 1.25) as u64).clamp(MIN_WINDOW, MAX_WINDOW);
    let mut buf = Vec::new();
    if below >= n {
        // The (below - n + 1)-th prime counting down from guess.
        let mut need = below - n + 1;
        let mut hi = guess + 1;
        loop {
            meter.check()?;
            let lo = hi.saturating_sub(window);
            let primes = primes_in(lo, hi, &mut buf)?;
            if primes.len() as u64 >= need {
                return Ok(primes[primes.len() - need as usize]);
            }
            need -= primes.len() as u64;
            hi = lo;
        }
    } else {
        // The (n - below)-th prime above guess.
        let mut need = n - below;
        let mut lo = guess + 1;
        loop {
            meter.check()?;
            let hi = lo.saturating_add(window);
            let primes = primes_in(lo, hi, &mut buf)?;
            if primes.len() as u64 >= need {
                return Ok(primes[need as usize - 1]);
            }
            need -= primes.len() as u64;
            lo = hi;
        }
    }
}

/// The primes in [lo, hi), in `buf` (grown as needed).
fn primes_in(lo: u64, hi: u64, buf: &mut Vec<u64>) -> Result<&[u64], Error> {
    loop {
        match range::primes_in_range(lo, hi, buf, None) {
            Ok(count) => return Ok(&buf[..count]),
            Err(Error::BufferTooSmall { required }) => {
                *buf = try_vec(required, 0u64, "the primes of a window")?;
            }
            Err(e) => return Err(e),
        }
    }
}

/// R^-1(n), rounded, at most 2^64 - 1: close to the n-th prime.
pub(super) fn estimate(n: u64) -> u64 {
    let n = n as f64;
    let ln = n.ln();
    let mut x = n * (ln + ln.ln() - 1.0 + (ln.ln() - 2.0) / ln); // Cipolla, to start
    for _ in 0..100 {
        let step = (riemann_r(x) - n) * x.ln();
        x -= step;
        if step.abs() < 0.5 {
            break;
        }
    }
    x.max(2.0) as u64 // saturating
}

/// Li(x), the logarithmic integral, by Ramanujan's series (x > 1).
fn li(x: f64) -> f64 {
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    let ln = x.ln();
    let mut sum = 0.0;
    let mut term = 1.0; // (ln x)^k / (k! 2^(k-1)) with its sign
    let mut inner = 0.0; // sum of 1 / (2 j + 1) for j <= (k - 1) / 2
    for k in 1..200 {
        term *= ln / k as f64 * if k > 1 { -0.5 } else { 1.0 };
        if (k - 1) % 2 == 0 {
            inner += 1.0 / (k as f64);
        }
        let add = term * inner;
        sum += add;
        if add.abs() < 1e-17 * sum.abs() {
            break;
        }
    }
    EULER_GAMMA + ln.ln() + x.sqrt() * sum
}

/// Riemann's R(x) = sum of mu(k) / k Li(x^(1/k)), over k while x^(1/k) >= 2.
fn riemann_r(x: f64) -> f64 {
    const MU: [f64; 65] = {
        let mut mu = [0.0; 65];
        let mut k = 1;
        while k < 65 {
            // Moebius by trial division.
            let (mut m, mut d, mut sign, mut square) = (k, 2, 1.0, false);
            while d * d <= m {
                if m % d == 0 {
                    m /= d;
                    if m % d == 0 {
                        square = true;
                    }
                    sign = -sign;
                }
                d += 1;
            }
            if m > 1 {
                sign = -sign;
            }
            mu[k] = if square { 0.0 } else { sign };
            k += 1;
        }
        mu
    };
    let mut sum = 0.0;
    for (k, &mu) in MU.iter().enumerate().skip(1) {
        let root = x.powf(1.0 / k as f64);
        if root < 2.0 {
            break;
        }
        if mu != 0.0 {
            sum += mu / k as f64 * li(root);
        }
    }
    sum
}
