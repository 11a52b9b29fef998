//! Test tools shared by `ffi-tests`, `fuzz`, `bench-baseline` and the hpkern crate's unit tests.
//!
//! - [`primes`]: the one primality reference ([`primes::is_prime`], Miller-Rabin in plain u128
//!   arithmetic) and what is built on it: prime lists and counts of short ranges, a sieve for
//!   tables, brute-force smallest factors, `isqrt`.
//! - [`diffusion`]: one explicit diffusion step by the header's formula, cell by cell.
//! - [`julia`]: the header's escape count, and the book's constants.
//! - [`tables`]: published prime counts, pi(10^k) and pi(2^k), and the (10^k)-th primes.
//! - [`rng`]: a small deterministic generator for test inputs.
//! - [`canary`]: fill values of output buffers, and [`canary::Arena`], an exact-size allocation
//!   filled with a canary byte.
//!
//! Everything here is a plain scalar implementation written from the definitions in
//! `include/hpkern.h` and `docs/`; nothing is taken from the library, which this crate does not
//! depend on.

pub mod canary;
pub mod diffusion;
pub mod julia;
pub mod primes;
pub mod rng;
pub mod tables;

pub use rng::Rng;
