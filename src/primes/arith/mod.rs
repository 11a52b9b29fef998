//! Integer arithmetic shared by the primes modules: the exact integer square root and
//! Montgomery multiplication (`montgomery`).

pub(super) mod montgomery;

/// Exact integer square root: the largest r with r * r <= n.
pub(in crate::primes) fn isqrt(n: u64) -> u64 {
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

#[cfg(test)]
mod tests;
