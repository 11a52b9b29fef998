//! hpkern: the compute kernels of "High Performance Python" (2D diffusion, the Julia set, primes)
//! as safe Rust, exported through a stable C ABI (`src/ffi/`, header `include/hpkern.h`).
//!
//! The kernel modules have safe APIs on slices and are what Rust callers, tests and benches use.
//! `ffi` is the only place that takes raw pointers: it checks pointers and sizes, catches panics
//! and maps [`Error`] to the numbered status codes of the header. The other `unsafe` blocks, each
//! with its SAFETY reasoning, stay inside the modules and never reach their APIs: the SIMD kernels
//! per instruction set (intrinsics, chosen through [`isa`]), pointer loops and `asm!` in the primes
//! code (sieve, wheel, Montgomery), and the shared job state of the thread pool and team.

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
