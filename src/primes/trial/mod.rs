//! Trial division: the book's `check_prime`, generalised to "the smallest divisor of n in
//! [from, to)" (the book's `check_prime_in_range`, which its process pools split into chunks).

mod divisibility;
mod search;
mod wheel210;

use super::arith::isqrt;
use crate::isa::Supported;
use crate::progress::{self, Progress};
use crate::Error;
use search::{first_divisor, Direction};
use wheel210::Wheel210;

/// Values to scan from which a call with a progress callback reports: about a millisecond.
const REPORT_MIN_VALUES: u64 = 1 << 25;

/// See [`super::smallest_factor_in_range_with_progress`].
pub(super) fn smallest_factor_in_range(
    n: u64,
    from: u64,
    to: u64,
    progress: Option<&mut Progress<'_>>,
) -> Result<u64, Error> {
    smallest_factor_with(n, from, to, Supported::active(), progress)
}

/// [`smallest_factor_in_range`] with the divisibility kernel of `isa` (which must be supported).
#[cfg(test)]
pub(super) fn smallest_factor_in_range_on(n: u64, from: u64, to: u64, isa: Supported) -> Result<u64, Error> {
    smallest_factor_with(n, from, to, isa, None)
}

/// The values scanned (`done`, `total`) are those of the intervals searched: [start, sqrt(n)]
/// and then the part above sqrt(n) or its cofactors, whichever is shorter; values the wheel
/// skips count too.
fn smallest_factor_with(
    n: u64,
    from: u64,
    to: u64,
    isa: Supported,
    progress: Option<&mut Progress<'_>>,
) -> Result<u64, Error> {
    let start = from.max(2);
    if start >= to {
        return Ok(0);
    }
    if n == 0 {
        return Ok(start);
    }
    // No d > n divides n > 0; n + 1 <= to cannot overflow.
    let end = if n < to { n + 1 } else { to };
    if start >= end {
        return Ok(0);
    }
    let wheel = Wheel210::for_n(n);
    let root = isqrt(n);

    // Divisors up to sqrt(n): scan them ascending (most composites stop in the serial prefix).
    let low_end = end.min(root + 1);
    let low = (start < low_end).then_some((start, low_end));

    // Divisors d > sqrt(n) pair with cofactors e = n / d < sqrt(n), and the smallest such d has
    // the largest e. Scan whichever side is shorter, so the cost stays O(sqrt n) even for
    // to = u64::MAX: d ascending in [high_start, end), or e descending over the cofactors of
    // that interval. A cofactor e also satisfies gcd(e, 210) | n, so the same wheel applies.
    let high_start = start.max(root + 1);
    let high = if high_start >= end {
        None
    } else {
        let e_max = n / high_start; // d >= high_start  <=>  e <= n / high_start
        let e_min = n / end + 1; // d < end  <=>  e > n / end
        if e_min > e_max {
            None
        } else if end - high_start <= e_max - e_min + 1 {
            Some((high_start, end, Direction::Up))
        } else {
            Some((e_min, e_max + 1, Direction::Down))
        }
    };
    let total = low.map_or(0, |(a, b)| b - a) + high.map_or(0, |(a, b, _)| b - a);
    progress::track(progress, total >= REPORT_MIN_VALUES, total, |meter| {
        if let Some((a, b)) = low {
            if let Some(d) = first_divisor(n, a, b, Direction::Up, wheel, isa, meter)? {
                return Ok(d);
            }
        }
        Ok(match high {
            None => 0,
            Some((a, b, Direction::Up)) => first_divisor(n, a, b, Direction::Up, wheel, isa, meter)?.unwrap_or(0),
            Some((a, b, Direction::Down)) => {
                first_divisor(n, a, b, Direction::Down, wheel, isa, meter)?.map_or(0, |e| n / e)
            }
        })
    })
}

/// See [`super::check_prime_with_progress`].
pub(super) fn check_prime(n: u64, progress: Option<&mut Progress<'_>>) -> Result<bool, Error> {
    check_prime_with(n, Supported::active(), progress)
}

/// [`check_prime`] with the divisibility kernel of `isa` (which must be supported).
#[cfg(test)]
pub(super) fn check_prime_on(n: u64, isa: Supported) -> Result<bool, Error> {
    check_prime_with(n, isa, None)
}

fn check_prime_with(n: u64, isa: Supported, progress: Option<&mut Progress<'_>>) -> Result<bool, Error> {
    if n < 4 {
        return Ok(n >= 2);
    }
    if n.is_multiple_of(2) {
        return Ok(false);
    }
    Ok(smallest_factor_with(n, 3, isqrt(n) + 1, isa, progress)? == 0)
}

#[cfg(test)]
mod tests;
