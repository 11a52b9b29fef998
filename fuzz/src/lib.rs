//! The fuzz target `abi` (fuzz_targets/abi.rs calls [`run`]): drives every `hpk_*` export of the
//! C ABI with arbitrary arguments, buffer sizes and pointer layouts, and checks what the header
//! (`include/hpkern.h`) promises.
//!
//! Modules: [`input`] (the format: readers, and the writers the seeds use), `buffers`
//! (allocations and pointer layouts), `check` (the status contract), [`ops`] (the op list,
//! one module per API area), [`seeds`] (the seed corpus, written by `examples/write_seeds.rs`).
//!
//! # Input format
//!
//! Every byte string is a valid input (missing bytes read as 0). Byte 0 picks the thread count
//! for the whole input (1, 2, 3 or automatic); then up to [`MAX_OPS`] operations follow, each an
//! op byte ([`Op::decode`]) and that op's fields, read in the order the op's code reads them.
//! The seeds are written with the same op list and the field writers of [`input::Encoder`]; a
//! test runs every seed and checks that it decodes to the ops it was written as.
//!
//! # Pointer layouts
//!
//! Each pointer argument is NULL, its own exact-size allocation (so AddressSanitizer flags any
//! access one byte past the end), a misaligned pointer into an allocation large enough for the
//! elements passed, an aligned pointer with canary padding around it, or a pointer into another
//! argument's allocation at some offset (the same start, adjacent before or after, overlapping by
//! one element, or an arbitrary byte offset). Every pointer always points to at least as many
//! bytes as the sizes passed with it say: the one precondition the library cannot check is never
//! violated. The exception is a size whose byte count overflows the address space: it is passed
//! with a small real buffer, since the header promises HPK_ERR_INVALID_SIZE before any access.
//!
//! # Oracles (a failed one panics, which libFuzzer reports as a crash)
//!
//! - the status is 0..=6, never HPK_ERR_PANIC (7). (libfuzzer-sys also installs a panic hook
//!   that aborts, so a panic inside the library is reported where it happens.)
//! - for arguments with documented errors (NULL, zero or overflowing size, non-finite value,
//!   bad boundary, maxiter < 0, misaligned pointer, overlapping output), the status is one of
//!   the codes those errors map to; for valid arguments it is HPK_OK (or, for
//!   hpk_primes_in_range, HPK_ERR_BUFFER_TOO_SMALL); HPK_ERR_OUT_OF_MEMORY is never accepted at
//!   the sizes used here.
//! - on any error every allocation is byte-identical to its state before the call (canary
//!   0xA5 in outputs), except `*written` for HPK_ERR_BUFFER_TOO_SMALL. On success, input buffers
//!   and padding are unchanged.
//! - hpk_last_error_message is non-empty after a failure and unchanged by a success.
//! - results: Julia counts equal a reference escape count (and lie in [0, maxiter]); a
//!   diffusion step equals a reference stencil bit for bit (NaN matches NaN), a periodic grid
//!   conserves its sum, fixed edges stay; primality agrees with the reference Miller-Rabin
//!   (hpkern-testkit) and hpk_is_prime; smallest factors divide n, lie in range and are
//!   minimal; prime counts agree with primes_in_range, with split ranges and with a reference
//!   count on short ranges; listed primes are ascending, in range and prime; the n-th prime
//!   equals the reference sieve's for n <= pi(2^20), beyond that it is prime with n - 1 primes
//!   below it (hpk_count_primes); a prime stream hands out, over calls of any capacity, exactly
//!   the reference's primes of its window (all of them for short windows, else the count and
//!   sampled members), ascending, with its position past each and at hi once exhausted; a
//!   stream resumed from another's position continues it; a failed call moves no stream, and
//!   NULL, misaligned or never-created stream pointers are refused (freeing them is a no-op).
//!
//! Work per execution is bounded (grids and batches of at most 4096 elements, one larger
//! "heavy" call per input, sieve ranges and stream windows of at most 2^20 below 2^32 and 2^16
//! above, trial division on n < 2^40 or numbers with a factor <= 7, Julia iterations capped by
//! a budget, the n-th prime for n <= pi(2^20) + 2^27),
//! except where the arguments
//! guarantee an error: then sizes of work (steps, maxiter, ranges) are unbounded, since the
//! library should reject the call before doing it.

#[macro_use]
mod check;
mod buffers;
pub mod input;
pub mod ops;
pub mod seeds;

use hpkern::ffi::*;
use input::Input;
use ops::{Fuzz, Op};

/// Operations per input at most.
pub const MAX_OPS: usize = 8;
/// Elements of an ordinary grid or batch at most.
const MAX_ELEMS: usize = 4096;
/// Julia iterations per call at most (when the call is not guaranteed to fail).
const JULIA_BUDGET: u64 = 1 << 18;
/// Largest range of a heavy count_primes / primes_in_range call (several sieve segments) below
/// 2^32; above, survivors need Miller-Rabin, much slower per number, and ranges stay shorter.
const HEAVY_RANGE: u64 = 1 << 20;
const HEAVY_RANGE_HIGH: u64 = 1 << 16;
/// Ranges at most this long are checked against the reference prime test, element by element.
const REF_RANGE: u64 = 4096;
/// A heavy hpk_nth_prime asks for n up to pi(2^20) + HEAVY_NTH (answers below about 2.9 * 10^9:
/// pi() of a few milliseconds); lighter ones stay within pi(2^20), the reference sieve's table.
const HEAVY_NTH: u64 = 1 << 27;

/// Run one input: panics (a crash for libFuzzer) on any broken promise.
pub fn run(data: &[u8]) {
    run_ops(data);
}

/// [`run`], returning the ops decoded and the bytes read.
pub fn run_ops(data: &[u8]) -> (Vec<Op>, usize) {
    let mut fz = Fuzz { inp: Input::new(data), heavy: 1 };
    let threads = [1usize, 2, 3, 0][usize::from(fz.inp.u8() % 4)];
    let st = hpk_set_num_threads(threads);
    assert_eq!(st, HPK_OK, "hpk_set_num_threads({threads})");
    let mut ops = Vec::new();
    for _ in 0..MAX_OPS {
        if fz.inp.done() {
            break;
        }
        let op = Op::decode(fz.inp.u8());
        ops.push(op);
        fz.op(op);
    }
    (ops, fz.inp.position())
}
