//! Fuzz target `abi`: drives every `hpk_*` export of the C ABI with arbitrary arguments, buffer
//! sizes and pointer layouts, and checks what the header (`include/hpkern.h`) promises.
//!
//! # Input format
//!
//! Every byte string is a valid input (missing bytes read as 0). Byte 0 picks the thread count
//! for the whole input (1, 2, 3 or automatic); then up to [`MAX_OPS`] operations follow, each an
//! op byte (`op % 12`, see [`Fuzz::op`]) and that op's fields, read in the order the op's code
//! reads them. `fuzz/make_seeds.py` writes seeds in this format; a seed that drifts from it is
//! still a valid input, only a less targeted one.
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
//!   conserves its sum, fixed edges stay; primality agrees with trial division (n < 2^32), an
//!   independent Miller-Rabin and hpk_is_prime; smallest factors divide n, lie in range and are
//!   minimal; prime counts agree with primes_in_range, with split ranges and with a reference
//!   count on short ranges; listed primes are ascending, in range and prime.
//!
//! Work per execution is bounded (grids and batches of at most 4096 elements, one larger
//! "heavy" call per input, sieve ranges of at most 2^20 below 2^32 and 2^16 above, trial
//! division on n < 2^40 or numbers with a factor <= 7, Julia iterations capped by a budget;
//! a typical input runs in about a millisecond under ASan), except where the arguments
//! guarantee an error: then sizes of work (steps, maxiter, ranges) are unbounded, since the
//! library should reject the call before doing it.

#![no_main]

use hpkern::ffi::*;
use libfuzzer_sys::fuzz_target;
use num_complex::Complex64;
use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ffi::{c_char, CStr};
use std::fmt::Write as _;

/// Operations per input at most.
const MAX_OPS: usize = 8;
/// Fill byte of every output buffer and padding.
const CANARY: u8 = 0xA5;
/// Elements of an ordinary grid or batch at most.
const MAX_ELEMS: usize = 4096;
/// Julia iterations per call at most (when the call is not guaranteed to fail).
const JULIA_BUDGET: u64 = 1 << 18;
/// Largest range of a heavy count_primes / primes_in_range call (several sieve segments) below
/// 2^32; above, survivors need Miller-Rabin (~1.5 us each under ASan) and ranges stay shorter.
const HEAVY_RANGE: u64 = 1 << 20;
const HEAVY_RANGE_HIGH: u64 = 1 << 16;
/// Ranges at most this long are checked against the reference prime test, element by element.
const REF_RANGE: u64 = 4096;

fuzz_target!(|data: &[u8]| run(data));

fn run(data: &[u8]) {
    let mut fz = Fuzz { inp: Input { d: data, p: 0 }, heavy: 1 };
    let threads = [1usize, 2, 3, 0][usize::from(fz.inp.u8() % 4)];
    // SAFETY: hpk_set_num_threads takes no pointer.
    let st = hpk_set_num_threads(threads);
    assert_eq!(st, HPK_OK, "hpk_set_num_threads({threads})");
    for _ in 0..MAX_OPS {
        if fz.inp.done() {
            break;
        }
        let op = fz.inp.u8() % 12;
        fz.op(op);
    }
}

// ------------------------------------------------------------------------------------------
// Input decoding
// ------------------------------------------------------------------------------------------

struct Input<'a> {
    d: &'a [u8],
    p: usize,
}

const SPECIAL_F64: [f64; 10] =
    [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 5e-324, -0.0, 1e300, -1e-300];

/// Primality edge cases: small, squares of primes, Carmichael numbers, strong pseudoprimes at
/// the limits of Miller-Rabin base sets, primes and squares near 2^32 and 2^64.
const SPECIAL_N: [u64; 28] = [
    0,
    1,
    2,
    3,
    4,
    25,
    49,
    561,
    1105,
    65_521,
    65_536,
    4_294_967_291,
    4_294_967_295,
    4_294_967_296,
    4_294_967_311,
    3_215_031_751,
    4_759_123_141,
    1_122_004_669_633,
    2_152_302_898_747,
    3_474_749_660_383,
    341_550_071_728_321,
    3_825_123_056_546_413_051,
    18_446_744_030_759_878_681, // 4294967291^2
    18_446_744_065_119_617_025, // (2^32 - 1)^2
    100_109_100_129_100_369,
    u64::MAX - 58, // the largest 64-bit prime
    u64::MAX - 1,
    u64::MAX,
];

impl Input<'_> {
    fn done(&self) -> bool {
        self.p >= self.d.len()
    }
    fn u8(&mut self) -> u8 {
        let b = self.d.get(self.p).copied().unwrap_or(0);
        self.p = self.p.saturating_add(1);
        b
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | u64::from(self.u32()) << 32
    }

    /// A double: a special value, raw bits, or a moderate value in [-scale, scale].
    fn f64v(&mut self, scale: f64) -> f64 {
        let tag = self.u8();
        match tag % 16 {
            0 => 0.0,
            1..=5 => SPECIAL_F64[usize::from(self.u8()) % SPECIAL_F64.len()],
            6 => f64::from_bits(self.u64()),
            7 => f64::from(self.u8()) / 8.0,
            _ => f64::from(self.u16() as i16) / 32768.0 * scale,
        }
    }

    /// A u64 for the prime functions: edge cases, small, near powers of two, products, raw.
    fn num(&mut self) -> u64 {
        let tag = self.u8();
        match tag % 16 {
            0 => SPECIAL_N[usize::from(self.u8()) % SPECIAL_N.len()],
            1 => u64::from(self.u8()),
            2 => u64::from(self.u16()),
            3 => u64::from(self.u32()),
            4 => {
                // 2^k + delta, delta in [-128, 127]
                let k = self.u8() % 64;
                let delta = i64::from(self.u8() as i8);
                (1u64 << k).wrapping_add(delta as u64)
            }
            5 => u64::MAX - u64::from(self.u16()),
            6 => {
                // a product of two numbers below 2^32 (a near-square if they are close)
                let a = u64::from(self.u32());
                let b = a.wrapping_add(u64::from(self.u16()));
                a.wrapping_mul(b)
            }
            7 => {
                // a square, a prime square or a square +- 1 (isqrt edges)
                let r = u64::from(self.u32());
                r.wrapping_mul(r).wrapping_add(u64::from(self.u8() % 3)).wrapping_sub(1)
            }
            8 => u64::from(self.u32()) | 1 << 39,
            _ => self.u64(),
        }
    }

    fn maxiter(&mut self) -> i32 {
        match self.u8() % 12 {
            0 => 0,
            1 => 1,
            2 => 2,
            3 => 300,
            4 => 1000,
            5 => -1,
            6 => i32::MIN,
            7 => i32::MAX,
            8 | 9 => i32::from(self.u8()),
            _ => self.u32() as i32,
        }
    }

    /// Where pointer argument number `idx` points (see the module docs).
    fn place(&mut self, idx: usize) -> Place {
        let tag = self.u8();
        match tag % 8 {
            0 => Place::Null,
            1..=3 => Place::Own { pad_before: 0, misalign: 0, pad_after: 0 },
            4 => Place::Own { pad_before: 0, misalign: usize::from(self.u8()) + 1, pad_after: 0 },
            5 => {
                let b = self.u8();
                Place::Own { pad_before: usize::from(b % 4), misalign: 0, pad_after: usize::from((b >> 2) % 4) }
            }
            t => {
                let sel = self.u8();
                if idx == 0 {
                    return Place::Own { pad_before: 0, misalign: 0, pad_after: 0 };
                }
                let with = usize::from(sel >> 3) % idx;
                if t == 7 {
                    Place::Shared { with, mode: 0, raw: 0 } // the same buffer
                } else {
                    Place::Shared { with, mode: sel % 8, raw: self.u16() as i16 }
                }
            }
        }
    }

    /// `n` doubles: a pattern (zero, constant, uniform in [-scale, scale], small integers,
    /// uniform with specials sprinkled, raw bits) plus up to 4 injected values.
    fn f64s(&mut self, n: usize, scale: f64) -> Vec<f64> {
        let mode = self.u8() % 6;
        let mut rng = SplitMix(self.u64());
        let constant = self.f64v(scale);
        let mut v: Vec<f64> = (0..n)
            .map(|_| match mode {
                0 => 0.0,
                1 => constant,
                2 => rng.unit() * 2.0 * scale - scale,
                3 => (rng.next() % 17) as f64 - 8.0,
                4 => {
                    if rng.next().is_multiple_of(64) {
                        SPECIAL_F64[(rng.next() % SPECIAL_F64.len() as u64) as usize]
                    } else {
                        rng.unit() * 2.0 * scale - scale
                    }
                }
                _ => f64::from_bits(rng.next()),
            })
            .collect();
        for _ in 0..self.u8() % 5 {
            let i = usize::from(self.u16());
            let x = self.f64v(scale);
            if n > 0 {
                v[i % n] = x;
            }
        }
        v
    }

    /// `n` numbers for the batch primality test.
    fn nums(&mut self, n: usize) -> Vec<u64> {
        let mode = self.u8() % 5;
        let mut rng = SplitMix(self.u64());
        let mut v: Vec<u64> = (0..n)
            .map(|_| match mode {
                0 => rng.next() % 65_536,
                1 => rng.next() >> 32,
                2 => rng.next(),
                3 => rng.next() | 1,
                _ => SPECIAL_N[(rng.next() % SPECIAL_N.len() as u64) as usize].wrapping_add(rng.next() % 3),
            })
            .collect();
        for _ in 0..self.u8() % 5 {
            let i = usize::from(self.u16());
            let x = self.num();
            if n > 0 {
                v[i % n] = x;
            }
        }
        v
    }
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ------------------------------------------------------------------------------------------
// Buffers: allocations, pointer layouts, canaries
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Place {
    Null,
    /// Its own allocation: `pad_before` / `pad_after` canary elements around the region, and the
    /// start moved by `1 + (misalign - 1) % (align - 1)` bytes when `misalign > 0`.
    Own {
        pad_before: usize,
        misalign: usize,
        pad_after: usize,
    },
    /// Inside argument `with`'s allocation, at an offset chosen by `mode` (see `build`).
    Shared {
        with: usize,
        mode: u8,
        raw: i16,
    },
}

#[derive(Clone, Copy, Debug)]
struct Arg {
    name: &'static str,
    elem: usize,
    align: usize,
    /// Elements really backed by memory (the passed count, or a few for an overflowing size).
    len: usize,
}

/// One allocation, 16-byte aligned, exactly `size` bytes (at least 1) so that AddressSanitizer's
/// redzone starts right after it.
struct Arena {
    ptr: *mut u8,
    size: usize,
    layout: Layout,
}

impl Arena {
    fn new(size: usize) -> Arena {
        let layout = Layout::from_size_align(size.max(1), 16).expect("arena layout");
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: freshly allocated, layout.size() bytes.
        unsafe { ptr.write_bytes(CANARY, layout.size()) };
        Arena { ptr, size, layout }
    }
    fn bytes(&self) -> &[u8] {
        // SAFETY: `size` initialised bytes, only read between library calls.
        unsafe { std::slice::from_raw_parts(self.ptr, self.size) }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr, self.layout) }
    }
}

struct Slot {
    arg: Arg,
    /// (arena index, byte offset of the region in it), None for NULL.
    at: Option<(usize, usize)>,
}

struct Bufs {
    arenas: Vec<Arena>,
    slots: Vec<Slot>,
    snapshot: Vec<Vec<u8>>,
}

impl Bufs {
    fn build(args: &[Arg], places: &[Place]) -> Bufs {
        let n = args.len();
        let mut group: Vec<Option<usize>> = vec![None; n];
        let mut start = vec![0i64; n];
        let mut reserve_end = vec![0i64; n];
        let mut groups = 0;
        for i in 0..n {
            let a = args[i];
            let bytes = (a.elem * a.len) as i64;
            let own = |pad_before: usize, misalign: usize| {
                let shift = if misalign > 0 && a.align > 1 { 1 + (misalign - 1) % (a.align - 1) } else { 0 };
                (pad_before * a.elem + shift) as i64
            };
            match places[i] {
                Place::Null => continue,
                Place::Own { pad_before, misalign, pad_after } => {
                    group[i] = Some(groups);
                    groups += 1;
                    start[i] = own(pad_before, misalign);
                    reserve_end[i] = start[i] + bytes + (pad_after * a.elem) as i64;
                }
                Place::Shared { with, mode, raw } => {
                    let Some(g) = group[with] else {
                        group[i] = Some(groups);
                        groups += 1;
                        start[i] = 0;
                        reserve_end[i] = bytes;
                        continue;
                    };
                    let other = (args[with].elem * args[with].len) as i64;
                    let (e, al) = (a.elem as i64, a.align as i64);
                    let delta = match mode {
                        0 => 0,                                               // same start
                        1 => other,                                           // adjacent after
                        2 => -bytes,                                          // adjacent before
                        3 => other - e,                                       // overlaps the last element
                        4 => i64::from(raw % 64) * al,                        // aligned offset
                        5 => i64::from(raw % 256),                            // any byte offset
                        6 => al - bytes,                                      // overlaps the first alignment unit
                        _ => other + i64::from(raw.unsigned_abs() % 64) * al, // a gap after
                    };
                    group[i] = Some(g);
                    start[i] = start[with] + delta;
                    reserve_end[i] = start[i] + bytes;
                }
            }
        }
        let mut arenas = Vec::with_capacity(groups);
        let mut shift = vec![0i64; groups];
        for (g, shift) in shift.iter_mut().enumerate() {
            let members = (0..n).filter(|&i| group[i] == Some(g));
            let lo = members.clone().map(|i| start[i]).min().unwrap_or(0);
            let hi = members.map(|i| reserve_end[i]).max().unwrap_or(0);
            // Keep every start's residue mod 16 (the arena is 16-aligned): misalignment survives.
            *shift = if lo < 0 { (-lo + 15) / 16 * 16 } else { 0 };
            arenas.push(Arena::new((hi + *shift).max(0) as usize));
        }
        let slots =
            (0..n).map(|i| Slot { arg: args[i], at: group[i].map(|g| (g, (start[i] + shift[g]) as usize)) }).collect();
        Bufs { arenas, slots, snapshot: Vec::new() }
    }

    fn ptr(&self, i: usize) -> *mut u8 {
        match self.slots[i].at {
            // SAFETY: the offset lies inside the arena (build sized it to hold every region).
            Some((a, off)) => unsafe { self.arenas[a].ptr.add(off) },
            None => std::ptr::null_mut(),
        }
    }
    fn is_null(&self, i: usize) -> bool {
        self.slots[i].at.is_none()
    }
    fn misaligned(&self, i: usize) -> bool {
        !self.is_null(i) && !(self.ptr(i) as usize).is_multiple_of(self.slots[i].arg.align)
    }
    fn region(&self, i: usize) -> &[u8] {
        let s = &self.slots[i];
        match s.at {
            Some((a, off)) => &self.arenas[a].bytes()[off..off + s.arg.elem * s.arg.len],
            None => &[],
        }
    }
    fn same_arena(&self, i: usize, j: usize) -> bool {
        matches!((self.slots[i].at, self.slots[j].at), (Some((a, _)), Some((b, _))) if a == b)
    }
    /// Whether the backed regions of i and j share a byte.
    fn overlap(&self, i: usize, j: usize) -> bool {
        let (Some((a, x)), Some((b, y))) = (self.slots[i].at, self.slots[j].at) else {
            return false;
        };
        let (lx, ly) = (self.slots[i].arg.elem * self.slots[i].arg.len, self.slots[j].arg.elem * self.slots[j].arg.len);
        a == b && lx > 0 && ly > 0 && x < y + ly && y < x + lx
    }
    fn write(&mut self, i: usize, data: &[u8]) {
        if let Some((a, off)) = self.slots[i].at {
            let len = (self.slots[i].arg.elem * self.slots[i].arg.len).min(data.len());
            // SAFETY: the region lies inside the arena.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.arenas[a].ptr.add(off), len) };
        }
    }
    fn take_snapshot(&mut self) {
        self.snapshot = self.arenas.iter().map(|a| a.bytes().to_vec()).collect();
    }

    /// Err if any byte outside the regions of `may_change` differs from the snapshot.
    fn untouched(&self, may_change: &[usize]) -> Result<(), String> {
        for (a, arena) in self.arenas.iter().enumerate() {
            let (now, then) = (arena.bytes(), &self.snapshot[a][..]);
            // Whole-slice comparisons first: a byte loop is slow under the fuzzer's comparison
            // tracing, and almost every call leaves everything in place.
            if now == then {
                continue;
            }
            let inside = |i: usize, b: usize| {
                let s = &self.slots[i];
                matches!(s.at, Some((sa, off)) if sa == a && b >= off && b < off + s.arg.elem * s.arg.len)
            };
            // The regions allowed to change in this arena, sorted; compare the gaps between them.
            let mut allowed: Vec<(usize, usize)> = may_change
                .iter()
                .filter_map(|&i| match self.slots[i].at {
                    Some((sa, off)) if sa == a => Some((off, off + self.slots[i].arg.elem * self.slots[i].arg.len)),
                    _ => None,
                })
                .collect();
            allowed.sort_unstable();
            let mut gaps = Vec::new();
            let mut from = 0;
            for &(x, y) in &allowed {
                if x > from {
                    gaps.push((from, x));
                }
                from = from.max(y);
            }
            gaps.push((from, now.len().max(from)));
            for (x, y) in gaps {
                if now[x..y] == then[x..y] {
                    continue;
                }
                let b = (x..y).find(|&b| now[b] != then[b]).expect("a differing byte");
                let owners: Vec<&str> =
                    (0..self.slots.len()).filter(|&i| inside(i, b)).map(|i| self.slots[i].arg.name).collect();
                return Err(format!(
                    "byte {b} of allocation {a} changed from {:#04x} to {:#04x} (inside {owners:?}; [] = padding)",
                    then[b], now[b]
                ));
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        let mut s = String::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let _ = match slot.at {
                None => write!(s, "{}=NULL ", slot.arg.name),
                Some((a, off)) => write!(
                    s,
                    "{}=alloc{}+{} ({} backed elements of {} bytes, addr%{}={}) ",
                    slot.arg.name,
                    a,
                    off,
                    slot.arg.len,
                    slot.arg.elem,
                    slot.arg.align,
                    self.ptr(i) as usize % slot.arg.align
                ),
            };
        }
        let sizes: Vec<usize> = self.arenas.iter().map(|a| a.size).collect();
        let _ = write!(s, "allocation sizes {sizes:?}");
        s
    }

    fn f64s(&self, i: usize) -> Vec<f64> {
        self.region(i).chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
    }
    fn u64s(&self, i: usize) -> Vec<u64> {
        self.region(i).chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect()
    }
    fn i32s(&self, i: usize) -> Vec<i32> {
        self.region(i).chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap())).collect()
    }
    fn complexes(&self, i: usize) -> Vec<(f64, f64)> {
        self.f64s(i).chunks_exact(2).map(|c| (c[0], c[1])).collect()
    }
}

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
fn u64_bytes(v: &[u64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

// ------------------------------------------------------------------------------------------
// Status checks
// ------------------------------------------------------------------------------------------

/// The statuses the arguments allow: a bit per error code present in the arguments.
#[derive(Clone, Copy, Default, Debug)]
struct Expect {
    errors: u8,
    /// hpk_primes_in_range: HPK_ERR_BUFFER_TOO_SMALL is a valid outcome of valid arguments.
    too_small_ok: bool,
}

impl Expect {
    fn add(&mut self, cond: bool, status: hpk_status) {
        if cond {
            self.errors |= 1 << status;
        }
    }
    fn fails(&self) -> bool {
        self.errors != 0
    }
    fn list(&self) -> Vec<u32> {
        (1..8).filter(|s| self.errors & (1 << s) != 0).collect()
    }
}

/// HPK_FUZZ_TRACE=1: print every call, its status and its time to stderr (for reproducing a
/// crash or finding slow inputs: `fuzz/target/.../abi crash-file`).
fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("HPK_FUZZ_TRACE").is_some_and(|v| v != "0"))
}

fn text(p: *const c_char, what: &str) -> String {
    assert!(!p.is_null(), "{what} returned NULL");
    // SAFETY: the exports return NUL-terminated static or thread-local text.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn last_error() -> String {
    text(hpk_last_error_message(), "hpk_last_error_message")
}

macro_rules! bug {
    ($call:expr, $($fmt:tt)*) => {
        panic!("\n=== hpkern fuzz: BUG ===\n{}\ncall: {}\n", format!($($fmt)*), $call)
    };
}

/// Run one export and check its status against `expect` and the last-error contract.
fn call(what: &str, expect: Expect, f: impl FnOnce() -> hpk_status) -> hpk_status {
    let before = last_error();
    let started = std::time::Instant::now();
    let st = f();
    if trace() {
        eprintln!("hpkern fuzz: {:>9.3} ms  status {st}  {what}", started.elapsed().as_secs_f64() * 1e3);
    }
    let message = || format!("{} / last error: {:?}", text(hpk_status_message(st), "hpk_status_message"), last_error());
    if st == HPK_ERR_PANIC {
        bug!(what, "HPK_ERR_PANIC: the library caught an internal panic ({})", message());
    }
    if st > HPK_ERR_PANIC {
        bug!(what, "status {st} is not a documented code");
    }
    if expect.fails() {
        if st == HPK_OK || expect.errors & (1 << st) == 0 {
            bug!(what, "status {st} ({}), but the arguments call for one of {:?}", message(), expect.list());
        }
    } else if !(st == HPK_OK || (st == HPK_ERR_BUFFER_TOO_SMALL && expect.too_small_ok)) {
        bug!(what, "status {st} ({}) for valid arguments", message());
    }
    let after = last_error();
    if st == HPK_OK && after != before {
        bug!(what, "a successful call changed hpk_last_error_message from {before:?} to {after:?}");
    }
    if st != HPK_OK && after.is_empty() {
        bug!(what, "status {st} but hpk_last_error_message is empty");
    }
    st
}

/// After an error: nothing may have changed. After success: only the `outputs` regions.
fn check_untouched(what: &str, b: &Bufs, st: hpk_status, outputs: &[usize]) {
    let r = if st == HPK_OK { b.untouched(outputs) } else { b.untouched(&[]) };
    if let Err(e) = r {
        if st == HPK_OK {
            bug!(what, "a successful call wrote outside its outputs: {e}");
        } else {
            bug!(what, "status {st} but memory was modified: {e}");
        }
    }
}

fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

// ------------------------------------------------------------------------------------------
// References
// ------------------------------------------------------------------------------------------

fn trial_is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    let mut d = 5u64;
    while d * d <= n {
        if n.is_multiple_of(d) || n.is_multiple_of(d + 2) {
            return false;
        }
        d += 6;
    }
    true
}

fn mulmod(a: u64, b: u64, m: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(m)) as u64
}

fn powmod(mut a: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    a %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, a, m);
        }
        a = mulmod(a, a, m);
        e >>= 1;
    }
    r
}

/// Miller-Rabin with the first 12 prime bases: deterministic far beyond 2^64. Plain u128
/// arithmetic, independent of the library's Montgomery code.
fn ref_is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    'bases: for a in BASES {
        let mut x = powmod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulmod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

fn isqrt(n: u64) -> u64 {
    let mut r = (n as f64).sqrt() as u64;
    while u128::from(r) * u128::from(r) > u128::from(n) {
        r -= 1;
    }
    while u128::from(r + 1) * u128::from(r + 1) <= u128::from(n) {
        r += 1;
    }
    r
}

/// The book's escape count; None once `budget` iterations are spent.
fn ref_escape(z: (f64, f64), c: (f64, f64), maxiter: i32, budget: &mut u64) -> Option<i32> {
    let (mut zr, mut zi) = z;
    let mut n = 0;
    while n < maxiter && zr * zr + zi * zi < 4.0 {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let re = zr * zr - zi * zi + c.0;
        zi = 2.0 * zr * zi + c.1;
        zr = re;
        n += 1;
    }
    Some(n)
}

/// One explicit diffusion step, in the header's formula and summation order.
fn ref_step(g: &[f64], rows: usize, cols: usize, ddt: f64, periodic: bool) -> Vec<f64> {
    let at = |i: usize, j: usize| g[i * cols + j];
    let mut out = vec![0.0; g.len()];
    for i in 0..rows {
        for j in 0..cols {
            let mid = at(i, j);
            let edge = i == 0 || i == rows - 1 || j == 0 || j == cols - 1;
            out[i * cols + j] = if !periodic && edge {
                mid
            } else {
                let down = at((i + 1) % rows, j);
                let up = at((i + rows - 1) % rows, j);
                let right = at(i, (j + 1) % cols);
                let left = at(i, (j + cols - 1) % cols);
                mid + ddt * (down + up + right + left - 4.0 * mid)
            };
        }
    }
    out
}

/// Neumaier-compensated sum and the sum of magnitudes.
fn accurate_sum(v: &[f64]) -> (f64, f64) {
    let (mut s, mut c, mut abs) = (0.0f64, 0.0f64, 0.0f64);
    for &x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() { (s - t) + x } else { (x - t) + s };
        s = t;
        abs += x.abs();
    }
    (s + c, abs)
}

// ------------------------------------------------------------------------------------------
// The operations
// ------------------------------------------------------------------------------------------

struct Fuzz<'a> {
    inp: Input<'a>,
    /// Larger calls (parallel-size grids, sieve ranges up to 10^6, batches over 1024) left.
    heavy: u32,
}

const HUGE_GRIDS: [(usize, usize); 7] = [
    (usize::MAX, 2),
    (1 << 31, 1 << 30), // 2^61 cells: 2^64 bytes of doubles
    (1 << 32, 1 << 32), // the cell count overflows
    (1 << 60, 1),       // 2^63 bytes: fits usize, not the address space
    (isize::MAX as usize / 8 + 1, 1),
    (usize::MAX, usize::MAX),
    (3, usize::MAX / 3 + 1),
];

/// Counts whose byte count (elem bytes each) exceeds isize::MAX; many overflow usize too.
fn huge_count(sel: u8, elem: usize) -> usize {
    let list = [usize::MAX, usize::MAX / elem + 1, isize::MAX as usize / elem + 1, 1 << 62, usize::MAX / 2];
    list[usize::from(sel) % list.len()]
}

impl Fuzz<'_> {
    fn op(&mut self, op: u8) {
        match op {
            0 => self.op_threads(),
            1 => self.op_info(),
            2 => self.op_diffusion(false),
            3 => self.op_diffusion(true),
            4 => self.op_calculate_z(),
            5 => self.op_julia_grid(),
            6 => self.op_smallest_factor(),
            7 => self.op_check_prime(),
            8 => self.op_is_prime(),
            9 => self.op_batch(),
            10 => self.op_count_primes(),
            _ => self.op_primes_in_range(),
        }
    }

    fn take_heavy(&mut self) -> bool {
        if self.heavy > 0 {
            self.heavy -= 1;
            true
        } else {
            false
        }
    }

    fn op_threads(&mut self) {
        // 1024 is valid but builds a 1024-thread pool: too slow per execution, left out.
        let n = [0usize, 1, 2, 3, 4, 1025, 1_000_000, usize::MAX][usize::from(self.inp.u8() % 8)];
        let before = hpk_get_num_threads();
        let what = format!("hpk_set_num_threads({n})");
        let mut e = Expect::default();
        e.add(n > 1024, HPK_ERR_INVALID_ARGUMENT);
        let st = call(&what, e, || hpk_set_num_threads(n));
        let after = hpk_get_num_threads();
        if !(1..=1024).contains(&after) {
            bug!(what, "hpk_get_num_threads() = {after}");
        }
        if st == HPK_OK && n > 0 && after != n {
            bug!(what, "hpk_get_num_threads() = {after} after setting {n}");
        }
        if st != HPK_OK && after != before {
            bug!(what, "a refused setting changed the thread count from {before} to {after}");
        }
    }

    fn op_info(&mut self) {
        let sel = self.inp.u8();
        let code = if sel.is_multiple_of(4) { self.inp.u32() } else { u32::from(sel % 10) };
        let m = text(hpk_status_message(code), "hpk_status_message");
        if m.is_empty() || (code > 7 && m != "unknown status code") || (code <= 7 && m == "unknown status code") {
            bug!(format!("hpk_status_message({code})"), "message {m:?}");
        }
        let v = text(hpk_version(), "hpk_version");
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            bug!("hpk_version()", "version {v:?} is not MAJOR.MINOR.PATCH");
        }
        if hpk_abi_version() != 1 {
            bug!("hpk_abi_version()", "returned {}", hpk_abi_version());
        }
        let isa = text(hpk_isa_name(), "hpk_isa_name");
        if !["scalar", "avx2", "avx512"].contains(&isa.as_str()) {
            bug!("hpk_isa_name()", "unknown path {isa:?}");
        }
        let _ = last_error();
        let t = hpk_get_num_threads();
        if !(1..=1024).contains(&t) {
            bug!("hpk_get_num_threads()", "returned {t}");
        }
    }

    /// Grid dimensions: (rows, cols, overflowing, heavy).
    fn grid_dims(&mut self) -> (usize, usize, bool, bool) {
        let m = self.inp.u8();
        let (a, b) = (usize::from(self.inp.u8()), usize::from(self.inp.u8()));
        let swap = |r: usize, c: usize| if m & 0x80 != 0 { (c, r) } else { (r, c) };
        match m % 16 {
            0 => {
                let (r, c) = swap(HUGE_GRIDS[a % HUGE_GRIDS.len()].0, HUGE_GRIDS[a % HUGE_GRIDS.len()].1);
                (r, c, true, false)
            }
            1 => {
                let (r, c) = swap(0, b % 8);
                (r, c, false, false)
            }
            2 if self.take_heavy() => {
                // At least 2^15 cells: the parallel path of the kernels.
                let rows = 1 + a % 256;
                let cols = (32_768usize).div_ceil(rows) + b % 64;
                let (r, c) = swap(rows, cols);
                (r, c, false, true)
            }
            3 => {
                let (r, c) = swap(1, 1 + (a << 8 | b) % MAX_ELEMS);
                (r, c, false, false)
            }
            _ => (1 + a % 64, 1 + b % 64, false, false),
        }
    }

    fn op_diffusion(&mut self, run: bool) {
        let (rows, cols, huge, heavy) = self.grid_dims();
        let d = self.inp.f64v(1.0);
        let dt = self.inp.f64v(0.5);
        let boundary = match self.inp.u8() % 8 {
            0..=2 => HPK_BOUNDARY_FIXED,
            3..=5 => HPK_BOUNDARY_PERIODIC,
            6 => 2 + u32::from(self.inp.u8()),
            _ => self.inp.u32(),
        };
        let steps_raw = self.inp.u64();
        let places = [self.inp.place(0), self.inp.place(1)];
        let backed = if huge { 4 } else { rows * cols };
        let values = self.inp.f64s(backed, 8.0);
        let names = if run { ["grid", "scratch"] } else { ["in", "out"] };
        let args = [
            Arg { name: names[0], elem: 8, align: 8, len: backed },
            Arg { name: names[1], elem: 8, align: 8, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &f64_bytes(&values));
        let initial = b.f64s(0);

        let mut e = Expect::default();
        e.add(b.is_null(0) || b.is_null(1), HPK_ERR_NULL_POINTER);
        e.add(rows == 0 || cols == 0 || huge, HPK_ERR_INVALID_SIZE);
        e.add(!d.is_finite() || !dt.is_finite() || boundary > 1, HPK_ERR_INVALID_ARGUMENT);
        e.add(b.misaligned(0) || b.misaligned(1), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        // Work is bounded unless the call must fail.
        let steps = if e.fails() {
            steps_raw
        } else if heavy {
            steps_raw % 3
        } else {
            steps_raw % 17
        };
        b.take_snapshot();

        let (p0, p1) = (b.ptr(0).cast::<f64>(), b.ptr(1).cast::<f64>());
        let what = if run {
            format!(
                "hpk_diffusion_run(grid, scratch, {rows}, {cols}, {d:e}, {dt:e}, {boundary}, {steps}) with {}",
                b.describe()
            )
        } else {
            format!("hpk_diffusion_evolve(in, out, {rows}, {cols}, {d:e}, {dt:e}, {boundary}) with {}", b.describe())
        };
        // SAFETY: every non-NULL pointer points to rows*cols doubles (or the sizes overflow).
        let st = call(&what, e, || unsafe {
            if run {
                hpk_diffusion_run(p0, p1, rows, cols, d, dt, boundary, steps)
            } else {
                hpk_diffusion_evolve(p0, p1, rows, cols, d, dt, boundary)
            }
        });
        check_untouched(&what, &b, st, if run { &[0, 1] } else { &[1] });
        if st != HPK_OK {
            return;
        }

        let periodic = boundary == HPK_BOUNDARY_PERIODIC;
        let ddt = d * dt;
        let steps_done = if run { steps } else { 1 };
        let mut expect = initial.clone();
        for _ in 0..steps_done {
            expect = ref_step(&expect, rows, cols, ddt, periodic);
        }
        let got = if run { b.f64s(0) } else { b.f64s(1) };
        if let Some(k) = (0..got.len()).find(|&k| !same_f64(got[k], expect[k])) {
            bug!(
                what,
                "cell {k} (row {}, col {}) is {:e} ({:#x}), the reference stencil gives {:e} ({:#x})",
                k / cols,
                k % cols,
                got[k],
                got[k].to_bits(),
                expect[k],
                expect[k].to_bits()
            );
        }
        if !periodic {
            for (k, (&g, &i)) in got.iter().zip(&initial).enumerate() {
                let (r, c) = (k / cols, k % cols);
                if (r == 0 || r == rows - 1 || c == 0 || c == cols - 1) && !same_f64(g, i) {
                    bug!(what, "fixed edge cell {k} changed from {i:e} to {g:e}");
                }
            }
        }
        let max_abs = initial.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if periodic && (0.0..=0.25).contains(&ddt) && initial.iter().all(|x| x.is_finite()) && max_abs <= 1e100 {
            let (s0, a0) = accurate_sum(&initial);
            let (s1, a1) = accurate_sum(&got);
            let tol = f64::EPSILON * (2.0 * (a0 + a1) + 16.0 * (steps_done as f64 + 1.0) * got.len() as f64 * max_abs)
                + f64::MIN_POSITIVE;
            if (s1 - s0).abs() > tol {
                bug!(what, "periodic grid sum went from {s0:e} to {s1:e} (tolerance {tol:e})");
            }
        }
    }

    fn op_calculate_z(&mut self) {
        let m = self.inp.u8();
        let (n, huge) = match m % 16 {
            0 => (huge_count(self.inp.u8(), 16), true),
            1 => (0, false),
            2..=8 => (1 + usize::from(self.inp.u8()) % 64, false),
            _ => (1 + usize::from(self.inp.u16()) % MAX_ELEMS, false),
        };
        let maxiter_raw = self.inp.maxiter();
        let places = [self.inp.place(0), self.inp.place(1), self.inp.place(2)];
        let backed = if huge { 2 } else { n };
        let zs = self.inp.f64s(2 * backed, 2.5);
        let cs = match self.inp.u8() % 4 {
            0 => [-0.62772, -0.42193].repeat(backed),
            _ => self.inp.f64s(2 * backed, 1.0),
        };
        let args = [
            Arg { name: "zs", elem: 16, align: 8, len: backed },
            Arg { name: "cs", elem: 16, align: 8, len: backed },
            Arg { name: "output", elem: 4, align: 4, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &f64_bytes(&zs));
        b.write(1, &f64_bytes(&cs));
        // What the library will read (cs overwrites zs where they share memory).
        let (zv, cv) = (b.complexes(0), b.complexes(1));

        let mut e = Expect::default();
        e.add(n > 0 && (0..3).any(|i| b.is_null(i)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(maxiter_raw < 0, HPK_ERR_INVALID_ARGUMENT);
        e.add(n > 0 && (0..3).any(|i| b.misaligned(i)), HPK_ERR_INVALID_ARGUMENT);
        let nonfinite = zv.iter().chain(&cv).any(|&(re, im)| !(re.is_finite() && im.is_finite()));
        e.add(nonfinite, HPK_ERR_INVALID_ARGUMENT);
        e.add(
            b.overlap(2, 0) || b.overlap(2, 1) || (huge && (b.same_arena(2, 0) || b.same_arena(2, 1))),
            HPK_ERR_OVERLAP,
        );

        let mut maxiter = maxiter_raw;
        let mut expect = Vec::new();
        if !e.fails() {
            let compute = |maxiter: i32| {
                let mut budget = JULIA_BUDGET;
                zv.iter().zip(&cv).map(|(&z, &c)| ref_escape(z, c, maxiter, &mut budget)).collect::<Option<Vec<i32>>>()
            };
            expect = match compute(maxiter) {
                Some(v) => v,
                None => {
                    maxiter %= (JULIA_BUDGET / n as u64) as i32 + 1;
                    compute(maxiter).expect("within budget")
                }
            };
        }
        b.take_snapshot();
        let what = format!("hpk_julia_calculate_z(zs, cs, {n}, {maxiter}, output) with {}", b.describe());
        let (pz, pc, po) = (b.ptr(0).cast::<hpk_complex>(), b.ptr(1).cast::<hpk_complex>(), b.ptr(2).cast::<i32>());
        // SAFETY: every non-NULL pointer points to n elements (or n*16 overflows).
        let st = call(&what, e, || unsafe { hpk_julia_calculate_z(pz, pc, n, maxiter, po) });
        check_untouched(&what, &b, st, &[2]);
        if st != HPK_OK {
            return;
        }
        let got = b.i32s(2);
        for (k, (&g, &x)) in got.iter().zip(&expect).enumerate() {
            if g != x || !(0..=maxiter).contains(&g) {
                bug!(what, "output[{k}] = {g}, reference {x} (z = {:?}, c = {:?})", zv[k], cv[k]);
            }
        }
    }

    fn op_julia_grid(&mut self) {
        let m = self.inp.u8();
        let (a, c) = (usize::from(self.inp.u8()), usize::from(self.inp.u8()));
        let huge_grids: [(usize, usize); 6] = [
            (usize::MAX, 2),
            (1 << 32, 1 << 30),
            (1 << 61, 1),
            (isize::MAX as usize / 4 + 1, 1),
            (usize::MAX, usize::MAX),
            (1 << 32, 1 << 32),
        ];
        let (width, height, huge) = match m % 16 {
            0 => {
                let (w, h) = huge_grids[a % huge_grids.len()];
                if m & 0x80 != 0 {
                    (h, w, true)
                } else {
                    (w, h, true)
                }
            }
            1 => {
                if m & 0x80 != 0 {
                    (0, c % 8, false)
                } else {
                    (c % 8, 0, false)
                }
            }
            2 => (1, 1 + (a << 8 | c) % MAX_ELEMS, false),
            3 => (1 + (a << 8 | c) % MAX_ELEMS, 1, false),
            _ => (1 + a % 64, 1 + c % 64, false),
        };
        let (x1, x2, y1, y2, c_re, c_im) = if self.inp.u8().is_multiple_of(4) {
            (-1.8, 1.8, -1.8, 1.8, -0.62772, -0.42193)
        } else {
            (
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(2.0),
                self.inp.f64v(1.0),
                self.inp.f64v(1.0),
            )
        };
        let maxiter_raw = self.inp.maxiter();
        let places = [self.inp.place(0)];
        let backed = if huge { 4 } else { width * height };
        let mut b = Bufs::build(&[Arg { name: "output", elem: 4, align: 4, len: backed }], &places);

        let mut e = Expect::default();
        e.add(b.is_null(0), HPK_ERR_NULL_POINTER);
        e.add(width == 0 || height == 0 || huge, HPK_ERR_INVALID_SIZE);
        e.add([x1, x2, y1, y2, c_re, c_im].iter().any(|v| !v.is_finite()) || maxiter_raw < 0, HPK_ERR_INVALID_ARGUMENT);
        e.add(b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);

        let mut maxiter = maxiter_raw;
        let mut expect = Vec::new();
        if !e.fails() {
            // The crate's own definition of the grid's points (hpkern::julia::Grid::z).
            let compute = |maxiter: i32| {
                let g = hpkern::julia::Grid { x1, x2, y1, y2, width, height, c: Complex64::new(c_re, c_im), maxiter };
                let mut budget = JULIA_BUDGET;
                (0..height)
                    .flat_map(|r| (0..width).map(move |k| (r, k)))
                    .map(|(r, k)| {
                        let z = g.z(r, k);
                        ref_escape((z.re, z.im), (c_re, c_im), maxiter, &mut budget)
                    })
                    .collect::<Option<Vec<i32>>>()
            };
            expect = match compute(maxiter) {
                Some(v) => v,
                None => {
                    maxiter %= (JULIA_BUDGET / backed as u64) as i32 + 1;
                    compute(maxiter).expect("within budget")
                }
            };
        }
        b.take_snapshot();
        let what = format!(
            "hpk_julia_grid({x1:e}, {x2:e}, {y1:e}, {y2:e}, {width}, {height}, {c_re:e}, {c_im:e}, {maxiter}, output) with {}",
            b.describe()
        );
        let po = b.ptr(0).cast::<i32>();
        // SAFETY: a non-NULL output points to width*height int32 (or that count overflows).
        let st = call(&what, e, || unsafe { hpk_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, po) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.i32s(0);
        for (k, (&g, &x)) in got.iter().zip(&expect).enumerate() {
            if g != x || !(0..=maxiter).contains(&g) {
                bug!(what, "output[{k}] (row {}, col {}) = {g}, reference {x}", k / width, k % width);
            }
        }
    }

    /// One output value at argument 0: the buffers and the statuses its placement calls for.
    fn single_out(&mut self, name: &'static str, elem: usize) -> (Bufs, Expect) {
        let place = self.inp.place(0);
        let b = Bufs::build(&[Arg { name, elem, align: elem, len: 1 }], &[place]);
        let mut e = Expect::default();
        e.add(b.is_null(0), HPK_ERR_NULL_POINTER);
        e.add(b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);
        (b, e)
    }

    fn op_smallest_factor(&mut self) {
        let n = self.inp.num();
        let from = match self.inp.u8() % 6 {
            0 => 0,
            1 => u64::from(self.inp.u8()),
            2 => isqrt(n).wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            3 => n.wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            _ => self.inp.num(),
        };
        let to_raw = match self.inp.u8() % 6 {
            0 => u64::MAX,
            1 => from.saturating_add(u64::from(self.inp.u16())),
            2 => isqrt(n).wrapping_add(1),
            3 => n.wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            _ => self.inp.num(),
        };
        let (mut b, e) = self.single_out("factor", 8);
        let start = from.max(2);
        // At most about min(to - start, 2 sqrt(n)) divisions: bound one of the two.
        let to = if e.fails() || n < 1 << 40 || to_raw <= start || to_raw - start <= 1 << 20 {
            to_raw
        } else {
            start + (to_raw - start) % (1 << 20)
        };
        b.take_snapshot();
        let what = format!("hpk_smallest_factor_in_range({n}, {from}, {to}, factor) with {}", b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a non-NULL pointer points to a u64 (maybe misaligned on purpose).
        let st = call(&what, e, || unsafe { hpk_smallest_factor_in_range(n, from, to, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let r = b.u64s(0)[0];
        if r != 0 {
            if r < start || r >= to {
                bug!(what, "result {r} is outside [max(from, 2), to) = [{start}, {to})");
            }
            if n != 0 && !n.is_multiple_of(r) {
                bug!(what, "result {r} does not divide {n}");
            }
            if n == 0 && r != start {
                bug!(what, "n = 0 is divisible by everything: expected {start}, got {r}");
            }
            // Minimality, asked again of the library over [from, r).
            let mut below = CANARY_U64;
            // SAFETY: a live local u64.
            let st2 = call(&format!("{what}, then over [from, {r})"), Expect::default(), || unsafe {
                hpk_smallest_factor_in_range(n, from, r, &mut below)
            });
            if st2 == HPK_OK && below != 0 {
                bug!(what, "result {r}, but the same call over [{from}, {r}) finds the divisor {below}");
            }
        } else {
            if n == 0 && start < to {
                bug!(what, "result 0, but n = 0 is divisible by {start}");
            }
            if n != 0 && start <= n && n < to {
                bug!(what, "result 0, but n itself lies in [{start}, {to})");
            }
        }
        // A naive scan of the first 2^14 candidates.
        let window_end = to.min(start.saturating_add(1 << 14));
        if start < to {
            let naive = (start..window_end).find(|&d| n == 0 || n.is_multiple_of(d));
            match naive {
                Some(d) if d != r => {
                    bug!(what, "result {r}, but the smallest divisor in range is {d}")
                }
                None if window_end == to && r != 0 => {
                    bug!(what, "result {r}, but [{start}, {to}) holds no divisor")
                }
                None if r != 0 && r < window_end => {
                    bug!(what, "result {r}, but no divisor lies in [{start}, {window_end})")
                }
                _ => {}
            }
        }
        if start == 2 && n >= 2 && to > n && (r == n) != ref_is_prime(n) {
            bug!(
                what,
                "result {r}: the smallest divisor of a number is itself iff it is prime (prime: {})",
                ref_is_prime(n)
            );
        }
    }

    fn op_check_prime(&mut self) {
        let n_raw = self.inp.num();
        let (mut b, e) = self.single_out("is_prime", 1);
        let small_factor = [2u64, 3, 5, 7].iter().any(|&p| n_raw.is_multiple_of(p));
        let n = if e.fails() || n_raw < 1 << 40 || small_factor { n_raw } else { n_raw % (1 << 40) };
        b.take_snapshot();
        let what = format!("hpk_check_prime({n}, is_prime) with {}", b.describe());
        let p = b.ptr(0).cast::<bool>();
        // SAFETY: a non-NULL pointer points to one byte.
        let st = call(&what, e, || unsafe { hpk_check_prime(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(0)[0];
        let expect = if n < 1 << 32 { trial_is_prime(n) } else { ref_is_prime(n) };
        if got > 1 || (got == 1) != expect {
            bug!(what, "wrote {got}, expected {}", u8::from(expect));
        }
        let mut fast = false;
        // SAFETY: a live local bool.
        call(&format!("hpk_is_prime({n}) after {what}"), Expect::default(), || unsafe { hpk_is_prime(n, &mut fast) });
        if fast != expect {
            bug!(format!("hpk_is_prime({n}, &flag)"), "returned {fast}, trial division says {expect}");
        }
    }

    fn op_is_prime(&mut self) {
        let n = self.inp.num();
        let (mut b, e) = self.single_out("is_prime", 1);
        b.take_snapshot();
        let what = format!("hpk_is_prime({n}, is_prime) with {}", b.describe());
        let p = b.ptr(0).cast::<bool>();
        // SAFETY: a non-NULL pointer points to one byte.
        let st = call(&what, e, || unsafe { hpk_is_prime(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(0)[0];
        let expect = ref_is_prime(n);
        if got > 1 || (got == 1) != expect {
            bug!(what, "wrote {got}, the reference Miller-Rabin says {expect}");
        }
        if n < 1 << 32 && trial_is_prime(n) != expect {
            bug!(what, "fuzz references disagree on {n}");
        }
    }

    fn op_batch(&mut self) {
        let m = self.inp.u8();
        let (count, huge) = match m % 16 {
            0 => (huge_count(self.inp.u8(), 8), true),
            1 => (0, false),
            2 if self.take_heavy() => (1024 + usize::from(self.inp.u16()) % (MAX_ELEMS - 1023), false),
            3..=9 => (1 + usize::from(self.inp.u8()) % 64, false),
            _ => (1 + usize::from(self.inp.u16()) % 1024, false),
        };
        let places = [self.inp.place(0), self.inp.place(1)];
        let backed = if huge { 4 } else { count };
        let numbers = self.inp.nums(backed);
        let args = [
            Arg { name: "numbers", elem: 8, align: 8, len: backed },
            Arg { name: "is_prime", elem: 1, align: 1, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &u64_bytes(&numbers));
        let numbers = b.u64s(0);
        let mut e = Expect::default();
        e.add(count > 0 && (b.is_null(0) || b.is_null(1)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(count > 0 && b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        b.take_snapshot();
        let what = format!("hpk_is_prime_batch(numbers, {count}, is_prime) with {}", b.describe());
        let (pn, po) = (b.ptr(0).cast::<u64>(), b.ptr(1).cast::<bool>());
        // SAFETY: non-NULL pointers point to count elements (or count*8 overflows).
        let st = call(&what, e, || unsafe { hpk_is_prime_batch(pn, count, po) });
        check_untouched(&what, &b, st, &[1]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(1).to_vec();
        let stride = count.div_ceil(512).max(1);
        for k in (0..count).step_by(stride).chain(count.saturating_sub(8)..count) {
            let expect = if k < 64 || k % 64 == 0 {
                ref_is_prime(numbers[k])
            } else {
                let mut f = false;
                // SAFETY: a live local bool.
                call("hpk_is_prime (batch cross-check)", Expect::default(), || unsafe {
                    hpk_is_prime(numbers[k], &mut f)
                });
                f
            };
            if got[k] > 1 || (got[k] == 1) != expect {
                bug!(what, "is_prime[{k}] = {} for {}, expected {}", got[k], numbers[k], u8::from(expect));
            }
        }
    }

    /// A range [lo, hi), at most HEAVY_RANGE long (usually at most REF_RANGE), or empty.
    fn range(&mut self) -> (u64, u64) {
        let lo = match self.inp.u8() % 8 {
            0 => 0,
            1 => u64::from(self.inp.u8()),
            2 => u64::MAX - u64::from(self.inp.u16()),
            3 => (1u64 << (self.inp.u8() % 64)).wrapping_sub(u64::from(self.inp.u8())),
            _ => self.inp.num(),
        };
        let m = self.inp.u8();
        let len = match m % 16 {
            0 => return (lo, lo.saturating_sub(u64::from(self.inp.u16()))), // empty or reversed
            1 if self.take_heavy() => {
                let cap = if lo < 1 << 32 { HEAVY_RANGE } else { HEAVY_RANGE_HIGH };
                self.inp.u64() % (cap + 1)
            }
            2..=7 => u64::from(self.inp.u8()),
            _ => u64::from(self.inp.u16()) % (REF_RANGE + 1),
        };
        (lo, lo.saturating_add(len))
    }

    /// count_primes(lo, hi) through a local pointer (the call must succeed).
    fn count(&mut self, lo: u64, hi: u64) -> u64 {
        let mut c = CANARY_U64;
        // SAFETY: a live local u64.
        call(&format!("hpk_count_primes({lo}, {hi}, &count)"), Expect::default(), || unsafe {
            hpk_count_primes(lo, hi, &mut c)
        });
        c
    }

    fn ref_count(lo: u64, hi: u64) -> u64 {
        (lo..hi).filter(|&v| ref_is_prime(v)).count() as u64
    }

    fn op_count_primes(&mut self) {
        let (lo, hi_bounded) = self.range();
        let hi_raw = self.inp.u64();
        let split = self.inp.u64();
        let (mut b, e) = self.single_out("count", 8);
        // A call that must fail may ask for any range: it must be refused before the sieve runs.
        let hi = if e.fails() && split.is_multiple_of(2) { hi_raw } else { hi_bounded };
        b.take_snapshot();
        let what = format!("hpk_count_primes({lo}, {hi}, count) with {}", b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a non-NULL pointer points to a u64.
        let st = call(&what, e, || unsafe { hpk_count_primes(lo, hi, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let c = b.u64s(0)[0];
        let len = hi.saturating_sub(lo);
        if c > len {
            bug!(what, "count {c} exceeds the range length {len}");
        }
        if len <= REF_RANGE && c != Self::ref_count(lo, hi) {
            bug!(what, "count {c}, reference count {}", Self::ref_count(lo, hi));
        }
        if len > 0 && len <= HEAVY_RANGE_HIGH {
            let mid = lo + split % (len + 1);
            let (c1, c2) = (self.count(lo, mid), self.count(mid, hi));
            if c1.wrapping_add(c2) != c {
                bug!(what, "count {c}, but [{lo}, {mid}) + [{mid}, {hi}) count {c1} + {c2}");
            }
        }
        // The size query of primes_in_range must agree.
        let mut written = CANARY_U64 as usize;
        let e2 = Expect { too_small_ok: true, ..Expect::default() };
        // SAFETY: NULL with capacity 0 is the documented size query; `written` is a live local.
        let st2 = call(&format!("hpk_primes_in_range({lo}, {hi}, NULL, 0, &written)"), e2, || unsafe {
            hpk_primes_in_range(lo, hi, std::ptr::null_mut(), 0, &mut written)
        });
        let expect_st = if c == 0 { HPK_OK } else { HPK_ERR_BUFFER_TOO_SMALL };
        if st2 != expect_st || written as u64 != c {
            bug!(
                what,
                "count {c}, but the size query of hpk_primes_in_range gives status {st2} and *written = {written}"
            );
        }
    }

    fn op_primes_in_range(&mut self) {
        let (lo, hi_bounded) = self.range();
        let hi_raw = self.inp.u64();
        let cap_mode = self.inp.u8();
        let cap_raw = self.inp.u16();
        let places = [self.inp.place(0), self.inp.place(1)];
        let len = hi_bounded.saturating_sub(lo);
        // The true count through count_primes, when a capacity is derived from it.
        let needs_count = matches!(cap_mode % 8, 3..=5);
        let known = if needs_count { Some(self.count(lo, hi_bounded)) } else { None };
        let (capacity, huge) = match (cap_mode % 8, known) {
            (0, _) => (0, false),
            (3, Some(c)) if c <= 1 << 20 => (c as usize, false),
            (4, Some(c)) if c <= 1 << 20 => ((c as usize).saturating_sub(1), false),
            (5, Some(c)) if c <= 1 << 20 => (c as usize + usize::from(cap_raw % 16), false),
            (6, _) => (huge_count(cap_raw as u8, 8), true),
            (1, _) => (usize::from(cap_raw) % 64, false),
            _ => (usize::from(cap_raw) % (MAX_ELEMS + 1), false),
        };
        let backed = if huge { 4 } else { capacity };
        let args = [
            Arg { name: "primes", elem: 8, align: 8, len: backed },
            Arg { name: "written", elem: 8, align: 8, len: 1 },
        ];
        let mut b = Bufs::build(&args, &places);
        let mut e = Expect { too_small_ok: true, ..Expect::default() };
        e.add(b.is_null(1) || (capacity > 0 && b.is_null(0)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(b.misaligned(1) || (capacity > 0 && b.misaligned(0)), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        let hi = if e.fails() && hi_raw.is_multiple_of(2) { hi_raw } else { hi_bounded };
        b.take_snapshot();
        let what = format!("hpk_primes_in_range({lo}, {hi}, primes, {capacity}, written) with {}", b.describe());
        let (pp, pw) = (b.ptr(0).cast::<u64>(), b.ptr(1).cast::<usize>());
        // SAFETY: non-NULL pointers point to `capacity` u64 (or capacity*8 overflows) and a size_t.
        let st = call(&what, e, || unsafe { hpk_primes_in_range(lo, hi, pp, capacity, pw) });
        match st {
            HPK_ERR_BUFFER_TOO_SMALL => {
                if let Err(err) = b.untouched(&[1]) {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL but memory other than *written was modified: {err}");
                }
                let w = b.u64s(1)[0];
                if w as usize <= capacity {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL with *written = {w} <= capacity {capacity}");
                }
                let c = known.unwrap_or_else(|| self.count(lo, hi));
                if w != c {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL with *written = {w}, but count_primes gives {c}");
                }
            }
            HPK_OK => {
                let w = b.u64s(1)[0] as usize;
                if w > capacity {
                    bug!(what, "*written = {w} exceeds capacity {capacity}");
                }
                // Only primes[0 .. *written] and *written may change.
                let mut allowed = b.snapshot.clone();
                let listed: Vec<u64> = b.u64s(0)[..w].to_vec();
                if let Some((a, off)) = b.slots[0].at {
                    allowed[a][off..off + 8 * w].copy_from_slice(&b.arenas[a].bytes()[off..off + 8 * w]);
                }
                let saved = std::mem::replace(&mut b.snapshot, allowed);
                if let Err(err) = b.untouched(&[1]) {
                    bug!(what, "*written = {w}, but memory past primes[{w}] (or padding) changed: {err}");
                }
                b.snapshot = saved;
                let c = known.unwrap_or_else(|| self.count(lo, hi));
                if w as u64 != c {
                    bug!(what, "*written = {w}, but count_primes gives {c}");
                }
                if let Some(k) = (1..w).find(|&k| listed[k] <= listed[k - 1]) {
                    bug!(what, "primes[{k}] = {} does not follow primes[{}] = {}", listed[k], k - 1, listed[k - 1]);
                }
                if let Some(&p) = listed.iter().find(|&&p| p < lo || p >= hi) {
                    bug!(what, "listed {p}, outside [{lo}, {hi})");
                }
                for k in (0..w.min(128)).chain(w.saturating_sub(128)..w) {
                    if !ref_is_prime(listed[k]) {
                        bug!(what, "primes[{k}] = {} is not prime", listed[k]);
                    }
                }
                if len <= REF_RANGE {
                    let expect: Vec<u64> = (lo..hi).filter(|&v| ref_is_prime(v)).collect();
                    if listed != expect {
                        bug!(what, "listed {listed:?}, reference {expect:?}");
                    }
                } else {
                    // Longer ranges: no prime may be missing among 256 sampled numbers (both ends
                    // and random points).
                    let mut rng = SplitMix(lo ^ hi.rotate_left(17));
                    for j in 0..256u64 {
                        let x = match j {
                            0..=7 => lo + j,
                            8..=15 => hi - 1 - (j - 8),
                            _ => lo + rng.next() % len,
                        };
                        if ref_is_prime(x) && listed.binary_search(&x).is_err() {
                            bug!(what, "the prime {x} lies in [{lo}, {hi}) but is not listed");
                        }
                    }
                }
            }
            _ => check_untouched(&what, &b, st, &[]),
        }
    }
}

const CANARY_U64: u64 = u64::from_ne_bytes([CANARY; 8]);
