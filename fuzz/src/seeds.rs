//! The seed corpus (fuzz/seeds/abi): inputs aimed at each export's edges, written with the op
//! list the target decodes ([`Op`]) and the field writers of [`Encoder`]. `cargo run --example
//! write_seeds` (or `make fuzz-seeds`) writes them; the tests check that every seed decodes to
//! the ops it was written as, runs clean, and matches the committed files.

use crate::input::{Encoder, Place, F64};
use crate::ops::Op;
use primes::{Cap, Nth, StreamCall, StreamEnd};

mod primes;

/// One seed: its file name, its bytes and the ops it encodes.
pub struct Seed {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub ops: Vec<Op>,
}

/// A seed being written: the thread-count byte, then ops.
struct Builder {
    enc: Encoder,
    ops: Vec<Op>,
}

impl Builder {
    /// `threads`: the first byte (thread count `[1, 2, 3, automatic][threads % 4]`).
    fn new(threads: u8) -> Self {
        let mut enc = Encoder::default();
        enc.u8(threads);
        Builder { enc, ops: Vec::new() }
    }
    /// Start `op`: its op byte; its fields follow.
    fn op(&mut self, op: Op) -> &mut Encoder {
        self.ops.push(op);
        self.enc.u8(op.byte())
    }
}

const OWN: Place = Place::OWN;
const NULL: Place = Place::Null;

fn misaligned(by: usize) -> Place {
    Place::Own { pad_before: 0, misalign: by, pad_after: 0 }
}
fn padded(before: usize, after: usize) -> Place {
    Place::Own { pad_before: before, misalign: 0, pad_after: after }
}
/// Inside argument `with`'s allocation, offset by `mode` (see `Bufs::build`).
fn shared(with: usize, mode: u8, raw: i16) -> Place {
    Place::Shared { with, mode, raw }
}
fn same_as(with: usize) -> Place {
    Place::Shared { with, mode: 0, raw: 0 }
}

fn v(x: f64) -> F64 {
    F64::Value(x)
}
fn special(x: f64) -> F64 {
    F64::Special(x)
}

/// The fields of `Input::f64s` / `Input::nums`.
struct Values {
    mode: u8,
    seed: u64,
    constant: F64,
    inject: &'static [(u16, F64)],
}
const fn values(mode: u8, seed: u64) -> Values {
    Values { mode, seed, constant: F64::Value(0.0), inject: &[] }
}
fn f64s(e: &mut Encoder, x: &Values, scale: f64) {
    e.f64s(x.mode, x.seed, x.constant, x.inject, scale);
}

/// Grid dimensions as `grid_dims` reads them.
#[derive(Clone, Copy)]
enum Dims {
    /// 1..=64 rows and columns.
    Small(u8, u8),
    /// Entry `i` of HUGE_GRIDS.
    Huge(u8),
    /// 0 rows.
    Zero,
    /// The parallel path: 128 rows, 261 columns.
    Heavy,
    /// One row of n <= 4096 cells.
    Row(u16),
}

fn dims(e: &mut Encoder, d: Dims) {
    match d {
        Dims::Small(r, c) => e.u8(4).u8(r - 1).u8(c - 1),
        Dims::Huge(i) => e.u8(0).u8(i).u8(0),
        Dims::Zero => e.u8(1).u8(0).u8(3),
        Dims::Heavy => e.u8(2).u8(127).u8(5),
        Dims::Row(n) => e.u8(3).u8(((n - 1) >> 8) as u8).u8((n - 1) as u8),
    };
}

struct Diffusion {
    run: bool,
    dims: Dims,
    d: F64,
    dt: F64,
    boundary: u32,
    steps: u64,
    places: [Place; 2],
    data: Values,
}

const fn evolve(dims: Dims) -> Diffusion {
    Diffusion {
        run: false,
        dims,
        d: F64::Value(1.0),
        dt: F64::Value(0.1),
        boundary: 0,
        steps: 1,
        places: [Place::OWN, Place::OWN],
        data: values(2, 7),
    }
}
const fn run(dims: Dims, boundary: u32, steps: u64) -> Diffusion {
    Diffusion { run: true, boundary, steps, ..evolve(dims) }
}

impl Builder {
    fn diffusion(&mut self, x: Diffusion) -> &mut Self {
        let e = self.op(if x.run { Op::Run } else { Op::Evolve });
        dims(e, x.dims);
        e.f64v(x.d, 1.0).f64v(x.dt, 0.5);
        match x.boundary {
            0 => e.u8(0),
            1 => e.u8(3),
            b => e.u8(7).u32(b),
        };
        e.u64(x.steps).place(x.places[0]).place(x.places[1]);
        f64s(e, &x.data, 8.0);
        self
    }

    /// hpk_julia_calculate_z of `n` points (`huge`: an overflowing count, entry of huge_count).
    fn calc_z(&mut self, n: u16, maxiter: i32, places: [Place; 3], zs: Option<Values>, huge: Option<u8>) -> &mut Self {
        let e = self.op(Op::CalculateZ);
        match (huge, n) {
            (Some(h), _) => e.u8(0).u8(h),
            (None, 0) => e.u8(1),
            (None, 1..=64) => e.u8(2).u8((n - 1) as u8),
            (None, _) => e.u8(9).u16(n - 1),
        };
        e.maxiter(maxiter);
        for p in places {
            e.place(p);
        }
        f64s(e, &zs.unwrap_or(values(2, 5)), 2.5);
        e.u8(0); // the book's c
        self
    }

    /// hpk_julia_grid; `coords`: x1, x2, y1, y2, c_re, c_im (None: the book's).
    fn julia_grid(&mut self, w: u8, h: u8, maxiter: i32, coords: Option<[F64; 6]>, place: Place) -> &mut Self {
        let e = self.op(Op::JuliaGrid);
        if w == 0 || h == 0 {
            e.u8(1).u8(0).u8(3); // width 3, height 0
        } else {
            e.u8(4).u8(w - 1).u8(h - 1);
        }
        match coords {
            None => e.u8(0),
            Some(c) => {
                e.u8(1).f64v(c[0], 2.0).f64v(c[1], 2.0).f64v(c[2], 2.0).f64v(c[3], 2.0).f64v(c[4], 1.0).f64v(c[5], 1.0)
            }
        };
        e.maxiter(maxiter).place(place);
        self
    }

    /// hpk_julia_grid with an overflowing size (entry `i` of its huge grids).
    fn julia_grid_huge(&mut self, i: u8) -> &mut Self {
        self.op(Op::JuliaGrid).u8(0).u8(i).u8(0).u8(0).maxiter(300).place(OWN);
        self
    }
}

/// Every seed.
pub fn seeds() -> Vec<Seed> {
    let mut out = Vec::new();
    let mut seed = |name: &'static str, threads: u8, build: &dyn Fn(&mut Builder) -> &mut Builder| {
        let mut b = Builder::new(threads);
        build(&mut b);
        out.push(Seed { name, bytes: b.enc.bytes, ops: b.ops });
    };
    const M: u64 = u64::MAX;
    seed("meta", 0, &|b| {
        for sel in [0, 5, 1] {
            b.op(Op::Threads).u8(sel); // 0 1 2 3 4 1025 10^6 usize::MAX
        }
        b.op(Op::Info).u8(1);
        for code in [7, 8, u32::MAX] {
            b.op(Op::Info).u8(0).u32(code);
        }
        b
    });
    // diffusion
    seed("evolve-fixed", 0, &|b| b.diffusion(evolve(Dims::Small(8, 8))));
    seed("evolve-periodic", 1, &|b| b.diffusion(Diffusion { dt: v(0.25), boundary: 1, ..evolve(Dims::Small(16, 5)) }));
    seed("evolve-1xN", 0, &|b| {
        let data = Values { constant: v(0.25), ..values(1, 0) };
        b.diffusion(Diffusion { boundary: 1, data, ..evolve(Dims::Row(4)) })
    });
    seed("evolve-heavy", 1, &|b| b.diffusion(Diffusion { boundary: 1, ..evolve(Dims::Heavy) }));
    seed("evolve-specials", 0, &|b| {
        let data = Values { inject: &[(0, F64::Special(f64::NAN)), (5, F64::Special(f64::INFINITY))], ..values(4, 3) };
        b.diffusion(Diffusion { boundary: 1, data, ..evolve(Dims::Small(6, 7)) })
    });
    let evolve_at = |places: [Place; 2], rc: u8| Diffusion { places, ..evolve(Dims::Small(rc, rc)) };
    seed("evolve-same-buffer", 0, &|b| b.diffusion(evolve_at([OWN, same_as(0)], 4)));
    seed("evolve-adjacent", 0, &|b| b.diffusion(evolve_at([OWN, shared(0, 1, 0)], 4)));
    seed("evolve-overlap-last", 0, &|b| b.diffusion(evolve_at([OWN, shared(0, 3, 0)], 4)));
    seed("evolve-misaligned", 0, &|b| b.diffusion(evolve_at([OWN, misaligned(1)], 2)));
    seed("evolve-null", 0, &|b| b.diffusion(evolve_at([NULL, OWN], 2)));
    seed("evolve-huge", 0, &|b| b.diffusion(evolve(Dims::Huge(1))).diffusion(evolve(Dims::Huge(3))));
    seed("evolve-zero", 0, &|b| b.diffusion(evolve(Dims::Zero)));
    seed("evolve-nan-d", 0, &|b| b.diffusion(Diffusion { d: special(f64::NAN), ..evolve(Dims::Small(3, 3)) }));
    seed("evolve-boundary", 0, &|b| b.diffusion(Diffusion { boundary: 2, ..evolve(Dims::Small(3, 3)) }));
    seed("run-steps", 1, &|b| b.diffusion(run(Dims::Small(10, 12), 1, 7)));
    seed("run-fixed-odd", 2, &|b| b.diffusion(run(Dims::Small(5, 9), 0, 3)));
    seed("run-heavy", 2, &|b| b.diffusion(run(Dims::Heavy, 0, 2)));
    seed("run-huge-steps-invalid", 0, &|b| {
        b.diffusion(Diffusion { d: special(f64::INFINITY), ..run(Dims::Small(3, 3), 0, M) })
    });
    seed("run-padded", 0, &|b| {
        b.diffusion(Diffusion { places: [padded(1, 2), padded(3, 1)], ..run(Dims::Small(3, 3), 0, 2) })
    });
    // julia
    let own3 = [OWN; 3];
    seed("calc-z", 1, &|b| b.calc_z(8, 300, own3, None, None));
    seed("calc-z-big", 2, &|b| b.calc_z(1000, 300, own3, None, None));
    seed("calc-z-shared-inputs", 0, &|b| b.calc_z(16, 300, [OWN, same_as(0), OWN], None, None));
    seed("calc-z-out-in-zs", 0, &|b| b.calc_z(16, 300, [OWN, OWN, shared(0, 4, 3)], None, None));
    seed("calc-z-empty-null", 0, &|b| b.calc_z(0, 300, [NULL; 3], None, None));
    seed("calc-z-huge", 0, &|b| b.calc_z(0, 300, own3, None, Some(1)));
    seed("calc-z-nan", 0, &|b| {
        let zs = Values { inject: &[(3, F64::Special(f64::NAN))], ..values(2, 1) };
        b.calc_z(4, 300, own3, Some(zs), None)
    });
    seed("calc-z-maxiter-max", 0, &|b| {
        // Every z = 3 escapes at once: the largest maxiter costs nothing.
        let zs = Values { constant: F64::Bits(3.0f64.to_bits()), ..values(1, 0) };
        b.calc_z(4, i32::MAX, own3, Some(zs), None)
    });
    seed("grid-book", 3, &|b| b.julia_grid(64, 64, 300, None, OWN));
    seed("grid-row", 1, &|b| b.julia_grid(64, 1, 1000, None, OWN));
    seed("grid-coords", 0, &|b| {
        b.julia_grid(7, 5, 50, Some([v(-2.0), v(2.0), v(-1.0), v(1.0), v(-0.8), v(0.156)]), OWN)
    });
    seed("grid-overflowing-coords", 0, &|b| {
        let (lo, hi) = (special(-f64::MAX), special(f64::MAX));
        b.julia_grid(9, 9, 300, Some([lo, hi, lo, hi, v(0.25), v(0.0)]), OWN)
    });
    seed("grid-huge", 0, &|b| b.julia_grid_huge(0).julia_grid_huge(2));
    seed("grid-zero", 0, &|b| b.julia_grid(0, 3, 300, None, OWN));
    seed("grid-misaligned", 0, &|b| b.julia_grid(3, 3, 300, None, misaligned(2)));
    // primes
    let book = 112_272_535_095_295;
    seed("factor-book", 1, &|b| b.smallest_factor(book, 2, M, OWN).smallest_factor(book, 6, 10_595_873, OWN));
    seed("factor-cofactor", 2, &|b| b.smallest_factor(100_109_100_129_101_027, 171_656_942, M, OWN));
    seed("factor-top", 0, &|b| b.smallest_factor(M, 6, M, OWN).smallest_factor(0, 7, 8, OWN));
    seed("factor-null", 0, &|b| b.smallest_factor(M - 58, 2, M, NULL));
    seed("factor-misaligned", 0, &|b| b.smallest_factor(15, 2, 10, misaligned(3)));
    seed("check-prime", 1, &|b| {
        b.check_prime(1_000_000_007, OWN).check_prime(4_294_967_291, OWN).check_prime(18_446_744_030_759_878_681, OWN)
    });
    seed("check-prime-null", 0, &|b| b.check_prime(M - 58, NULL));
    seed("is-prime", 0, &|b| {
        b.is_prime(3_825_123_056_546_413_051).is_prime(M - 58).is_prime(1).is_prime(4_759_123_141)
    });
    seed("batch", 1, &|b| b.batch(64, [OWN; 2], values(2, 9), false, None));
    seed("batch-heavy", 2, &|b| b.batch(2000, [OWN; 2], values(2, 9), true, None));
    seed("batch-specials", 0, &|b| b.batch(40, [OWN; 2], values(4, 2), false, None));
    seed("batch-overlap", 0, &|b| b.batch(8, [OWN, same_as(0)], values(2, 9), false, None));
    seed("batch-huge", 0, &|b| b.batch(0, [OWN; 2], values(2, 9), false, Some(1)));
    seed("count", 0, &|b| b.count_primes(0, Some(1000), false, OWN, 500, 0));
    seed("count-top", 1, &|b| b.count_primes(M - 3999, Some(4000), false, OWN, 77, 0));
    seed("count-heavy", 2, &|b| b.count_primes(1_000_000_000_000, Some(1_000_000), true, OWN, 12_345, 0));
    seed("count-2^32", 1, &|b| b.count_primes((1 << 32) - 2000, Some(4000), false, OWN, 2000, 0));
    seed("count-null-huge", 0, &|b| b.count_primes(0, Some(10), false, NULL, 0, M));
    seed("range-exact", 1, &|b| b.primes_in_range(0, Some(4000), 3, 0, [OWN; 2], false));
    seed("range-short-by-one", 0, &|b| b.primes_in_range(1000, Some(2000), 4, 0, [OWN; 2], false));
    seed("range-query", 0, &|b| b.primes_in_range(0, Some(30), 0, 0, [NULL, OWN], false));
    seed("range-top", 2, &|b| b.primes_in_range(M - 2999, Some(3000), 5, 3, [OWN; 2], false));
    seed("range-heavy", 2, &|b| b.primes_in_range(1 << 40, Some(1_000_000), 3, 0, [OWN; 2], true));
    seed("range-written-inside", 0, &|b| b.primes_in_range(0, Some(100), 3, 0, [OWN, shared(0, 4, 2)], false));
    seed("range-written-adjacent", 0, &|b| b.primes_in_range(0, Some(100), 3, 0, [OWN, shared(0, 1, 0)], false));
    seed("range-huge-cap", 0, &|b| b.primes_in_range(0, Some(100), 6, 1, [OWN; 2], false));
    seed("range-empty", 0, &|b| b.primes_in_range(50, None, 2, 9, [OWN; 2], false));
    // the n-th prime
    seed("nth-table", 1, &|b| {
        b.nth_prime(Nth::Table(1), OWN).nth_prime(Nth::Table(2), OWN).nth_prime(Nth::Table(1000), OWN);
        b.nth_prime(Nth::Table(82_025), padded(1, 1))
    });
    seed("nth-heavy", 2, &|b| b.nth_prime(Nth::Heavy(100_000_000), OWN));
    seed("nth-invalid", 0, &|b| {
        b.nth_prime(Nth::Zero, OWN).nth_prime(Nth::PastTop(0), OWN).nth_prime(Nth::Raw(M), OWN)
    });
    // The largest valid n with a pointer that must be refused: refused before pi(2^64) runs.
    seed("nth-top-misaligned", 0, &|b| b.nth_prime(Nth::Raw(425_656_284_035_217_743), misaligned(3)));
    seed("nth-null", 0, &|b| b.nth_prime(Nth::Table(5), NULL));
    // the prime stream
    let next = |cap: Cap| StreamCall::Next(cap, [OWN; 2]);
    seed("stream", 0, &|b| {
        let calls = [next(Cap::Small(10)), StreamCall::Position(OWN), next(Cap::Large(1000))];
        b.stream(0, Some(4000), false, &calls, StreamEnd::Drain(0))
    });
    seed("stream-resume", 1, &|b| {
        b.stream(1_000_000, Some(4000), false, &[next(Cap::Small(7)), next(Cap::Small(64))], StreamEnd::Resume(1))
    });
    seed("stream-top", 0, &|b| b.stream(M - 4095, Some(4096), false, &[next(Cap::Small(64))], StreamEnd::Drain(2)));
    seed("stream-2^32", 1, &|b| {
        b.stream((1 << 32) - 2000, Some(4000), false, &[next(Cap::Large(100))], StreamEnd::Free)
    });
    seed("stream-heavy", 2, &|b| {
        b.stream(1_000_000_000, Some(1 << 20), true, &[next(Cap::Large(4096))], StreamEnd::Drain(4))
    });
    seed("stream-empty", 0, &|b| b.stream(50, None, false, &[next(Cap::Small(4))], StreamEnd::Resume(0)));
    seed("stream-bad-args", 0, &|b| {
        let calls = [
            next(Cap::Zero),
            next(Cap::Huge(1)),
            StreamCall::Next(Cap::Small(8), [NULL, OWN]),
            StreamCall::Next(Cap::Small(8), [OWN, misaligned(3)]),
        ];
        b.stream(100, Some(1000), false, &calls, StreamEnd::Drain(0))
    });
    seed("stream-overlap", 0, &|b| {
        let calls = [
            StreamCall::Next(Cap::Small(8), [OWN, shared(0, 4, 2)]),
            StreamCall::Next(Cap::Small(8), [OWN, shared(0, 1, 0)]),
            StreamCall::Position(misaligned(1)),
            StreamCall::Position(NULL),
        ];
        b.stream(0, Some(500), false, &calls, StreamEnd::Drain(0))
    });
    seed("stream-not-a-stream", 0, &|b| {
        let calls = [
            StreamCall::NotAStream { kind: 0, by: 0, next: true },
            StreamCall::NotAStream { kind: 1, by: 2, next: false },
            StreamCall::NotAStream { kind: 2, by: 0, next: true },
            StreamCall::NotAStream { kind: 2, by: 0, next: false },
        ];
        b.stream(10, Some(100), false, &calls, StreamEnd::Drain(0))
    });
    seed("stream-new-refused", 0, &|b| b.stream_refused(0, 100, NULL).stream_refused(7, 100, misaligned(5)));
    out
}

/// The committed seed directory.
pub fn seed_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/abi")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_decodes_to_its_ops_reads_every_byte_and_runs_clean() {
        let all = seeds();
        let mut names: Vec<&str> = all.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "duplicate seed names");
        let mut covered = std::collections::BTreeSet::new();
        for s in &all {
            assert!(s.ops.len() <= crate::MAX_OPS, "{}: {} ops", s.name, s.ops.len());
            let (ops, read) = crate::run_ops(&s.bytes);
            assert_eq!(ops, s.ops, "{}: decoded ops", s.name);
            assert_eq!(read, s.bytes.len(), "{}: bytes read", s.name);
            covered.extend(ops.iter().map(|op| op.byte()));
        }
        assert_eq!(covered.len(), Op::ALL.len(), "every op has a seed");
    }

    #[test]
    fn the_committed_seeds_are_current() {
        let dir = seed_dir();
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut want: Vec<String> = seeds().iter().map(|s| s.name.to_string()).collect();
        want.sort();
        assert_eq!(on_disk, want, "run `make fuzz-seeds`");
        for s in seeds() {
            let bytes = std::fs::read(dir.join(s.name)).unwrap();
            assert!(bytes == s.bytes, "{} is stale: run `make fuzz-seeds`", s.name);
        }
    }
}
