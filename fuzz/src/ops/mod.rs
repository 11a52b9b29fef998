//! The operations: [`Op`] is the list the fuzzer decodes (an op byte picks `Op::ALL[byte % 14]`)
//! and the seeds encode; one module per API area runs them.

mod diffusion;
mod julia;
mod meta;
mod primes;
mod ranges;
mod stream;

use crate::buffers::{Arg, Bufs};
use crate::check::Expect;
use crate::input::Input;
use hpkern::ffi::*;
use hpkern_testkit::canary;

/// One call of an export (or two, for the size-query checks), with its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// hpk_set_num_threads
    Threads,
    /// hpk_status_message, hpk_version, hpk_abi_version, hpk_isa_name, hpk_get_num_threads
    Info,
    /// hpk_diffusion_evolve
    Evolve,
    /// hpk_diffusion_run
    Run,
    /// hpk_julia_calculate_z
    CalculateZ,
    /// hpk_julia_grid
    JuliaGrid,
    /// hpk_smallest_factor_in_range
    SmallestFactor,
    /// hpk_check_prime
    CheckPrime,
    /// hpk_is_prime
    IsPrime,
    /// hpk_is_prime_batch
    IsPrimeBatch,
    /// hpk_count_primes
    CountPrimes,
    /// hpk_primes_in_range
    PrimesInRange,
    /// hpk_nth_prime
    NthPrime,
    /// hpk_prime_stream_new, then _next, _position and _free on the stream
    PrimeStream,
}

impl Op {
    /// Every op, in the order of their op bytes (new ops go at the end: the seeds keep their
    /// meaning).
    pub const ALL: [Op; 14] = [
        Op::Threads,
        Op::Info,
        Op::Evolve,
        Op::Run,
        Op::CalculateZ,
        Op::JuliaGrid,
        Op::SmallestFactor,
        Op::CheckPrime,
        Op::IsPrime,
        Op::IsPrimeBatch,
        Op::CountPrimes,
        Op::PrimesInRange,
        Op::NthPrime,
        Op::PrimeStream,
    ];

    /// The op an op byte picks.
    pub fn decode(byte: u8) -> Op {
        Op::ALL[usize::from(byte) % Op::ALL.len()]
    }

    /// The op byte that picks this op.
    pub fn byte(self) -> u8 {
        Op::ALL.iter().position(|&op| op == self).expect("every op is listed") as u8
    }
}

/// `canary::BYTE` in every byte of a u64.
const CANARY_U64: u64 = u64::from_ne_bytes([canary::BYTE; 8]);

/// Counts whose byte count (elem bytes each) exceeds isize::MAX; many overflow usize too.
fn huge_count(sel: u8, elem: usize) -> usize {
    let list = [usize::MAX, usize::MAX / elem + 1, isize::MAX as usize / elem + 1, 1 << 62, usize::MAX / 2];
    list[usize::from(sel) % list.len()]
}

/// The decoding state of one input.
pub struct Fuzz<'a> {
    pub inp: Input<'a>,
    /// Larger calls (parallel-size grids, sieve ranges up to 10^6, batches over 1024, an n-th
    /// prime beyond 2^20) left.
    pub heavy: u32,
}

impl Fuzz<'_> {
    /// Read the fields of `op` and run it.
    pub fn op(&mut self, op: Op) {
        match op {
            Op::Threads => self.op_threads(),
            Op::Info => self.op_info(),
            Op::Evolve => self.op_diffusion(false),
            Op::Run => self.op_diffusion(true),
            Op::CalculateZ => self.op_calculate_z(),
            Op::JuliaGrid => self.op_julia_grid(),
            Op::SmallestFactor => self.op_smallest_factor(),
            Op::CheckPrime => self.op_check_prime(),
            Op::IsPrime => self.op_is_prime(),
            Op::IsPrimeBatch => self.op_batch(),
            Op::CountPrimes => self.op_count_primes(),
            Op::PrimesInRange => self.op_primes_in_range(),
            Op::NthPrime => self.op_nth_prime(),
            Op::PrimeStream => self.op_prime_stream(),
        }
    }

    pub(super) fn take_heavy(&mut self) -> bool {
        if self.heavy > 0 {
            self.heavy -= 1;
            true
        } else {
            false
        }
    }

    /// One output value at argument 0: the buffers and the statuses its placement calls for.
    pub(super) fn single_out(&mut self, name: &'static str, elem: usize) -> (Bufs, Expect) {
        let place = self.inp.place(0);
        let b = Bufs::build(&[Arg { name, elem, align: elem, len: 1 }], &[place]);
        let mut e = Expect::default();
        e.add(b.is_null(0), HPK_ERR_NULL_POINTER);
        e.add(b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);
        (b, e)
    }
}
