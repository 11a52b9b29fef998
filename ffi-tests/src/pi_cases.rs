//! The published values pi(10^k), pi(2^k) and the (10^k)-th prime (testkit::tables), as checks
//! through the built library, split once into those CI runs (tests/abi_pi.rs, under a minute
//! on 2 cores) and the rest (`make test-pi-large`: the pi-large program, about an hour), so
//! that every k is checked by exactly one of the two.

use crate::testkit::tables::{NTH_PRIME_POW10, PI_POW10, PI_POW2};
use crate::{hpk, HPK_OK};

/// CI checks pi(10^k) for k up to this; pi-large the rest, up to k = 19.
pub const CI_MAX_POW10: u32 = 16;
/// CI checks pi(2^k) for k up to this; pi-large the rest, up to k = 63.
pub const CI_MAX_POW2: u32 = 50;
/// CI checks the (10^k)-th prime for k up to this; pi-large the rest, up to k = 17.
pub const CI_MAX_NTH_POW10: u32 = 12;

/// The largest k of each table that the library is asked for: 10^19, 2^63 (pi(2^64) is left
/// out: twice the time of pi(2^63)) and the (10^17)-th prime (the (10^18)-th is above 2^64).
const MAX_POW10: u32 = 19;
const MAX_POW2: u32 = 63;
const MAX_NTH_POW10: u32 = NTH_PRIME_POW10.len() as u32 - 1;

/// One published value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// pi(10^k), through hpk_count_primes(0, 10^k + 1).
    PiPow10(u32),
    /// pi(2^k), through hpk_count_primes(0, 2^k + 1).
    PiPow2(u32),
    /// The (10^k)-th prime, through hpk_nth_prime.
    NthPow10(u32),
}

impl Case {
    /// What the case computes: "pi:10^17" (pi(10^17)), "pi:2^55", "nth:10^13" (the
    /// (10^13)-th prime); words a shell passes as they are.
    pub fn name(self) -> String {
        match self {
            Case::PiPow10(k) => format!("pi:10^{k}"),
            Case::PiPow2(k) => format!("pi:2^{k}"),
            Case::NthPow10(k) => format!("nth:10^{k}"),
        }
    }

    /// Whether CI runs it (else `make test-pi-large`).
    pub fn in_ci(self) -> bool {
        match self {
            Case::PiPow10(k) => k <= CI_MAX_POW10,
            Case::PiPow2(k) => k <= CI_MAX_POW2,
            Case::NthPow10(k) => k <= CI_MAX_NTH_POW10,
        }
    }

    /// Ask the library; Err says what went wrong (a wrong value or an error status).
    pub fn check(self) -> Result<(), String> {
        let (got, want, status) = match self {
            Case::PiPow10(k) => {
                let mut count = u64::MAX;
                // SAFETY: a live local u64.
                let status = unsafe { (hpk().count_primes)(0, 10u64.pow(k) + 1, &mut count) };
                (count, PI_POW10[k as usize], status)
            }
            Case::PiPow2(k) => {
                let mut count = u64::MAX;
                // SAFETY: a live local u64.
                let status = unsafe { (hpk().count_primes)(0, (1u64 << k) + 1, &mut count) };
                (count, PI_POW2[k as usize], status)
            }
            Case::NthPow10(k) => {
                let mut p = u64::MAX;
                // SAFETY: a live local u64.
                let status = unsafe { (hpk().nth_prime)(10u64.pow(k), &mut p) };
                (p, NTH_PRIME_POW10[k as usize], status)
            }
        };
        if status != HPK_OK {
            return Err(format!("{}: status {status} ({})", self.name(), hpk().last_error()));
        }
        if got != want {
            return Err(format!("{}: the library says {got}, the published value is {want}", self.name()));
        }
        Ok(())
    }
}

/// Every case, smallest first within each table.
pub fn all() -> Vec<Case> {
    let pow10 = (0..=MAX_POW10).map(Case::PiPow10);
    let pow2 = (0..=MAX_POW2).map(Case::PiPow2);
    let nth = (0..=MAX_NTH_POW10).map(Case::NthPow10);
    pow10.chain(pow2).chain(nth).collect()
}

/// The cases CI runs (tests/abi_pi.rs).
pub fn ci() -> Vec<Case> {
    all().into_iter().filter(|c| c.in_ci()).collect()
}

/// The cases `make test-pi-large` runs, cheapest first.
pub fn large() -> Vec<Case> {
    let mut cases: Vec<Case> = all().into_iter().filter(|c| !c.in_ci()).collect();
    // pi(x)'s cost grows with x: order by the size of the argument pi() sees.
    cases.sort_by(|a, b| magnitude(*a).total_cmp(&magnitude(*b)));
    cases
}

/// log10 of the x whose pi() the case computes (about p(10^k) for the n-th prime).
fn magnitude(case: Case) -> f64 {
    match case {
        Case::PiPow10(k) => f64::from(k),
        Case::PiPow2(k) => f64::from(k) * 2f64.log10(),
        Case::NthPow10(k) => (NTH_PRIME_POW10[k as usize] as f64).log10(),
    }
}
