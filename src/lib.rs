//! hpkern: the compute kernels of "High Performance Python" (2D diffusion, the Julia set, primes)
//! as safe Rust, exported through a stable C ABI (`src/ffi/`, header `include/hpkern.h`).
//!
//! The kernel modules have safe APIs on slices and are what Rust callers, tests and benches use.
//! `ffi` is the only place that takes raw pointers: it checks pointers and sizes, catches panics
//! and maps [`Error`] to the numbered status codes of the header. The only other `unsafe` is
//! inside the per-instruction-set SIMD kernels (intrinsics, chosen through [`isa`], each block
//! with its SAFETY reasoning), which never leaks into the kernels' APIs.

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
/// cbindgen:ignore
pub mod progress;
/// cbindgen:ignore
mod team;

pub use error::Error;
