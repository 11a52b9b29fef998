//! Trial division: the book's `check_prime`, generalised to "the smallest divisor of n in
//! [from, to)" (the book's `check_prime_in_range`, which its process pools split into chunks).

mod divisibility;
mod search;

use search::{first_divisor, Direction};
use crate::isa::{self, Isa};
use crate::progress::{self, Progress};
use crate::Error;

/// Values to scan from which a call with a progress callback reports: about a millisecond.
const REPORT_MIN_VALUES: u64 = 1 << 25;

/// Exact integer square root: the largest r with r * r <= n.
pub(crate) fn isqrt(n: u64) -> u64 {
    // The f64 estimate is within a few units of the truth; fix it with exact u128 products
    // (r may be 2^32 for n near 2^64, whose square overflows u64).
    let mut r = (n as f64).sqrt() as u64;
    while u128::from(r) * u128::from(r) > u128::from(n) {
        r -= 1;
    }
    while u128::from(r + 1) * u128::from(r + 1) <= u128::from(n) {
        r += 1;
    }
    r
}

/// The wheel's period: 2 * 3 * 5 * 7. Of every 210 consecutive integers only 48 are coprime to
/// it, 14% fewer candidates than a mod-30 wheel (8 of 30), and 48 fills six 8-lane vectors.
pub(super) const WHEEL_MODULUS: u64 = 210;

/// The residues d mod 210 that can divide n: d | n implies gcd(d, 210) | n, so e.g. an odd n
/// skips even d, and n coprime to 210 tests only the 48 residues coprime to 210.
#[derive(Clone, Copy, Debug)]
pub(super) struct Wheel {
    residues: [u8; WHEEL_MODULUS as usize],
    len: usize,
}

const fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// The wheel for each combination of "2 | n", "3 | n", "5 | n", "7 | n" (bits 0 to 3 of the
/// index), built at compile time: picking one costs four divisions by constants, not 210 gcds.
static WHEELS: [Wheel; 16] = {
    const M: usize = WHEEL_MODULUS as usize;
    let mut wheels = [Wheel { residues: [0; M], len: 0 }; 16];
    let primes = [2, 3, 5, 7];
    let mut flags = 0;
    while flags < 16 {
        let mut r = 0;
        while r < M {
            let g = gcd(r as u64, WHEEL_MODULUS);
            let mut allowed = true;
            let mut i = 0;
            while i < 4 {
                if g.is_multiple_of(primes[i]) && flags & (1 << i) == 0 {
                    allowed = false;
                }
                i += 1;
            }
            if allowed {
                wheels[flags].residues[wheels[flags].len] = r as u8;
                wheels[flags].len += 1;
            }
            r += 1;
        }
        flags += 1;
    }
    wheels
};

impl Wheel {
    /// The wheel of the candidates for divisors of `n` (n = 0: every residue).
    pub(super) fn for_n(n: u64) -> Wheel {
        let flags = usize::from(n.is_multiple_of(2))
            | usize::from(n.is_multiple_of(3)) << 1
            | usize::from(n.is_multiple_of(5)) << 2
            | usize::from(n.is_multiple_of(7)) << 3;
        WHEELS[flags]
    }

    /// The candidate residues mod [`WHEEL_MODULUS`], ascending.
    pub(super) fn residues(&self) -> &[u8] {
        &self.residues[..self.len]
    }

    /// How many of every 210 consecutive integers are candidates.
    #[cfg(test)]
    pub(super) fn density(&self) -> usize {
        self.len
    }

    /// Calls `f` on every candidate in [x0, x1), ascending, until `f` returns false.
    #[inline]
    pub(super) fn for_each(&self, x0: u64, x1: u64, mut f: impl FnMut(u64) -> bool) {
        if x0 >= x1 {
            return;
        }
        let residues = self.residues();
        let mut base = x0 - x0 % WHEEL_MODULUS;
        loop {
            let end = base.checked_add(WHEEL_MODULUS);
            if base >= x0 && end.is_some_and(|e| e <= x1) {
                // Whole period inside the range: no bound checks, no overflow.
                for &r in residues {
                    if !f(base + u64::from(r)) {
                        return;
                    }
                }
            } else {
                // Partial period at either end; u128 because base + 209 may pass u64::MAX.
                for &r in residues {
                    let d = u128::from(base) + u128::from(r);
                    if d >= u128::from(x0) && d < u128::from(x1) && !f(d as u64) {
                        return;
                    }
                }
            }
            match end {
                Some(e) if e < x1 => base = e,
                _ => return,
            }
        }
    }
}

/// See [`super::smallest_factor_in_range_with_progress`].
pub(super) fn smallest_factor_in_range(
    n: u64,
    from: u64,
    to: u64,
    progress: Option<&mut Progress<'_>>,
) -> Result<u64, Error> {
    smallest_factor_with(n, from, to, isa::active(), progress)
}

/// [`smallest_factor_in_range`] with the divisibility kernel of `isa` (which must be supported).
#[cfg(test)]
pub(super) fn smallest_factor_in_range_on(n: u64, from: u64, to: u64, isa: Isa) -> Result<u64, Error> {
    smallest_factor_with(n, from, to, isa, None)
}

/// The values scanned (`done`, `total`) are those of the intervals searched: [start, sqrt(n)]
/// and then the part above sqrt(n) or its cofactors, whichever is shorter; values the wheel
/// skips count too.
fn smallest_factor_with(
    n: u64,
    from: u64,
    to: u64,
    isa: Isa,
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
    let wheel = Wheel::for_n(n);
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
    check_prime_with(n, isa::active(), progress)
}

/// [`check_prime`] with the divisibility kernel of `isa` (which must be supported).
#[cfg(test)]
pub(super) fn check_prime_on(n: u64, isa: Isa) -> Result<bool, Error> {
    check_prime_with(n, isa, None)
}

fn check_prime_with(n: u64, isa: Isa, progress: Option<&mut Progress<'_>>) -> Result<bool, Error> {
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
