//! hpkern: the compute kernels of "High Performance Python" (2D diffusion, the Julia set, primes)
//! as safe Rust, exported through a stable C ABI (`src/ffi/`, header `include/hpkern.h`).
//!
//! The kernel modules are safe Rust on slices and are what Rust callers, tests and benches use.
//! `ffi` is the only place with `unsafe`: it checks pointers and sizes, catches panics and maps
//! [`Error`] to the numbered status codes of the header.

/// cbindgen:ignore
pub mod diffusion;
/// cbindgen:ignore
mod error;
pub mod ffi;
/// cbindgen:ignore
pub mod isa;
/// cbindgen:ignore
pub mod julia;
/// cbindgen:ignore
pub mod pool;
/// cbindgen:ignore
pub mod primes;

pub use error::Error;
