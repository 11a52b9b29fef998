//! Every bad input of every export that takes pointers or sizes, in one table: the one place the
//! error paths of the C ABI are tested (abi_*.rs test values).
//!
//! A row is a name, a call and the **exact** status the header promises. Each row runs on a fresh
//! thread (so `hpk_last_error_message()` starts empty) with its own memory: named regions of
//! 8-byte-aligned words, outputs filled with a canary of their type, each with one spare canary
//! word after it, all snapshotted before the call. After the call the harness checks, for every
//! row:
//!
//! - the status is the expected one;
//! - on any error status: `hpk_last_error_message()` is non-empty, and every region (outputs,
//!   inputs, shared overlap buffers, the memory around misaligned pointers) is byte-for-byte
//!   unchanged, except `*written` on HPK_ERR_BUFFER_TOO_SMALL, which must hold the requirement;
//! - on HPK_OK: the last-error text is still empty, inputs are unchanged, and the row's own check
//!   holds (exact values, and untouched bytes around what was written);
//! - the thread-count setting is unchanged unless the row set a valid one.
//!
//! Failures of all rows are collected and reported together; at the end the per-export counts of
//! rows tried are printed ("bad-input cases tried per export") and checked.

use hpkern_ffi_tests::*;
use std::collections::BTreeMap;
use std::ops::Range;
use std::ptr::{null, null_mut};
use std::sync::Mutex;

// ---------------------------------------------------------------------------------------------
// Canaries: what every output holds before a call.

/// A signalling-NaN payload no kernel computes: an f64 output still holding it was not written.
const F64_CANARY: u64 = 0x7FF4_DEAD_BEEF_0001;
const I32_CANARY: u32 = 0x5A5A_5A5A;
const U64_CANARY: u64 = 0xDEAD_BEEF_CAFE_F00D;
/// Bool outputs are u8 memory passed as `*mut bool`: 0xAA is not a valid Rust bool, so no `bool`
/// is ever read from it; results are compared as bytes (0 or 1).
const BOOL_CANARY: u8 = 0xAA;

const EVOLVE: &str = "hpk_diffusion_evolve";
const RUN: &str = "hpk_diffusion_run";
const CALC_Z: &str = "hpk_julia_calculate_z";
const GRID: &str = "hpk_julia_grid";
const TILE: &str = "hpk_julia_tile";
const FACTOR: &str = "hpk_smallest_factor_in_range";
const CHECK_PRIME: &str = "hpk_check_prime";
const IS_PRIME: &str = "hpk_is_prime";
const BATCH: &str = "hpk_is_prime_batch";
const COUNT: &str = "hpk_count_primes";
const PRIMES: &str = "hpk_primes_in_range";
const THREADS: &str = "hpk_set_num_threads";
/// Every export taking pointers or sizes, and the fewest rows each must have.
const EXPORTS: [&str; 12] =
    [EVOLVE, RUN, CALC_Z, GRID, TILE, FACTOR, CHECK_PRIME, IS_PRIME, BATCH, COUNT, PRIMES, THREADS];
const MIN_ROWS_PER_EXPORT: usize = 24;

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;
/// Every kind of non-finite double: quiet NaN, NaN with the sign bit, a signalling NaN, +-inf.
fn non_finite() -> [(&'static str, f64); 5] {
    [("NaN", NAN), ("-NaN", -NAN), ("sNaN", f64::from_bits(0x7FF0_0000_0000_0001)), ("+inf", INF), ("-inf", -INF)]
}
const UNKNOWN_BOUNDARIES: [u32; 9] = [2, 3, 4, 0xFF, 0x100, 0x8000_0000, 0x8000_0001, u32::MAX - 1, u32::MAX];
const M: u64 = u64::MAX; // 2^64 - 1 = 3 x 5 x 17 x 257 x 641 x 65537 x 6700417

/// The primes below 2^64 in [2^64 - 400, 2^64), as offsets below 2^64 (tables of primes just
/// less than a power of two); checked against [`reference_is_prime`] before use.
const PRIMES_BELOW_2_64: [u64; 10] = [363, 353, 323, 279, 257, 189, 179, 95, 83, 59];

// ---------------------------------------------------------------------------------------------
// The memory of one row.

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// Read by the call: must never change.
    Input,
    /// Written on success only: must be unchanged after an error.
    Output,
    /// `*written`: may change on HPK_ERR_BUFFER_TOO_SMALL.
    Written,
}

struct Region {
    name: &'static str,
    kind: Kind,
    words: Vec<u64>,
    initial: Vec<u64>,
}

/// Named regions of u64 words (so 8-byte aligned; misaligned pointers are made inside them).
#[derive(Default)]
struct Mem {
    regions: Vec<Region>,
}

impl Mem {
    /// A region holding `words` plus one spare `pad` word (catches writes past the end and keeps
    /// misaligned views in bounds).
    fn region(&mut self, name: &'static str, kind: Kind, mut words: Vec<u64>, pad: u64) -> *mut u8 {
        assert!(self.regions.iter().all(|r| r.name != name), "region {name} twice");
        words.push(pad);
        let initial = words.clone();
        self.regions.push(Region { name, kind, words, initial });
        self.regions.last_mut().unwrap().words.as_mut_ptr().cast()
    }
    fn f64_out(&mut self, name: &'static str, n: usize) -> *mut f64 {
        self.region(name, Kind::Output, vec![F64_CANARY; n], F64_CANARY).cast()
    }
    fn f64_in(&mut self, name: &'static str, values: &[f64]) -> *mut f64 {
        self.region(name, Kind::Input, values.iter().map(|v| v.to_bits()).collect(), F64_CANARY).cast()
    }
    /// Values that the call may overwrite on success (run's grid, a buffer shared by in and out).
    fn f64_inout(&mut self, name: &'static str, values: &[f64]) -> *mut f64 {
        self.region(name, Kind::Output, values.iter().map(|v| v.to_bits()).collect(), F64_CANARY).cast()
    }
    fn i32_out(&mut self, name: &'static str, n: usize) -> *mut i32 {
        let word = (I32_CANARY as u64) << 32 | I32_CANARY as u64;
        self.region(name, Kind::Output, vec![word; n.div_ceil(2)], word).cast()
    }
    fn u64_out(&mut self, name: &'static str, n: usize) -> *mut u64 {
        self.region(name, Kind::Output, vec![U64_CANARY; n], U64_CANARY).cast()
    }
    fn u64_in(&mut self, name: &'static str, values: &[u64]) -> *mut u64 {
        self.region(name, Kind::Input, values.to_vec(), U64_CANARY).cast()
    }
    fn bool_out(&mut self, name: &'static str, n: usize) -> *mut bool {
        let word = u64::from_ne_bytes([BOOL_CANARY; 8]);
        self.region(name, Kind::Output, vec![word; n.div_ceil(8)], word).cast()
    }
    fn complex_in(&mut self, name: &'static str, values: &[HpkComplex]) -> *mut HpkComplex {
        let words = values.iter().flat_map(|c| [c.re.to_bits(), c.im.to_bits()]).collect();
        self.region(name, Kind::Input, words, F64_CANARY).cast()
    }
    /// `*written` of hpk_primes_in_range.
    fn written(&mut self) -> *mut usize {
        self.region("written", Kind::Written, vec![U64_CANARY], U64_CANARY).cast()
    }

    fn get(&self, name: &str) -> &Region {
        self.regions.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no region {name}"))
    }
    fn bytes(&self, name: &str) -> &[u8] {
        let words = &self.get(name).words;
        // SAFETY: plain bytes of a live Vec<u64>.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), words.len() * 8) }
    }
    fn initial_bytes(&self, name: &str) -> &[u8] {
        let words = &self.get(name).initial;
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), words.len() * 8) }
    }
    fn u64s(&self, name: &str, byte: usize, n: usize) -> Vec<u64> {
        self.bytes(name)[byte..byte + 8 * n].chunks(8).map(|c| u64::from_ne_bytes(c.try_into().unwrap())).collect()
    }
    fn f64s(&self, name: &str, n: usize) -> Vec<f64> {
        self.u64s(name, 0, n).into_iter().map(f64::from_bits).collect()
    }
    fn i32s(&self, name: &str, byte: usize, n: usize) -> Vec<i32> {
        self.bytes(name)[byte..byte + 4 * n].chunks(4).map(|c| i32::from_ne_bytes(c.try_into().unwrap())).collect()
    }
    /// Every byte of `name` outside `range` is as before the call.
    fn untouched_outside(&self, name: &str, range: Range<usize>) -> Result<(), String> {
        let (now, before) = (self.bytes(name), self.initial_bytes(name));
        match (0..now.len()).find(|&i| !range.contains(&i) && now[i] != before[i]) {
            Some(i) => Err(format!("{name}: byte {i}, outside the written bytes {range:?}, changed")),
            None => Ok(()),
        }
    }
}

/// `p` moved by `bytes` (a possibly misaligned pointer; never dereferenced here).
fn shift<T>(p: *mut T, bytes: isize) -> *mut T {
    p.cast::<u8>().wrapping_offset(bytes).cast()
}

// ---------------------------------------------------------------------------------------------
// The table and its harness.

type Call = Box<dyn Fn(&mut Mem) -> HpkStatus + Send + Sync>;
type Check = Box<dyn Fn(&Mem) -> Result<(), String> + Send + Sync>;

struct Case {
    export: &'static str,
    name: String,
    expect: HpkStatus,
    call: Call,
    check: Option<Check>,
    /// The row sets a valid thread count: the setting may change.
    sets_threads: bool,
}

impl Case {
    /// What to verify after the call besides the generic checks (values on success, the
    /// requirement on HPK_ERR_BUFFER_TOO_SMALL, the setting after a rejected thread count).
    fn check(&mut self, f: impl Fn(&Mem) -> Result<(), String> + Send + Sync + 'static) -> &mut Self {
        self.check = Some(Box::new(f));
        self
    }
}

#[derive(Default)]
struct Table {
    cases: Vec<Case>,
}

impl Table {
    fn add(
        &mut self,
        export: &'static str,
        name: impl Into<String>,
        expect: HpkStatus,
        call: impl Fn(&mut Mem) -> HpkStatus + Send + Sync + 'static,
    ) -> &mut Case {
        self.cases.push(Case {
            export,
            name: name.into(),
            expect,
            call: Box::new(call),
            check: None,
            sets_threads: false,
        });
        self.cases.last_mut().unwrap()
    }
}

/// `Err(text)` unless `got == want`.
fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn status_name(status: HpkStatus) -> String {
    STATUSES
        .iter()
        .find(|s| s.1 == status)
        .map_or_else(|| format!("unknown status {status}"), |s| format!("{} [{status}]", s.0))
}

thread_local! {
    /// Reports the row's progress handler received on this thread.
    static REPORTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A progress handler that never cancels and counts its calls.
unsafe extern "C" fn count_reports(_: *mut std::ffi::c_void, done: u64, total: u64) -> i32 {
    assert!(done <= total);
    REPORTS.with(|r| r.set(r.get() + 1));
    0
}

/// Run one row on a fresh thread; the list of what went wrong. With `handler`, the thread first
/// sets a progress handler (1 ms interval) that never cancels: every row must behave the same,
/// and no error status may come after a report (errors are found before any work).
fn run_case(case: &Case, handler: bool) -> Vec<String> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let lib = hpk();
                let mut problems = Vec::new();
                if !lib.last_error().is_empty() {
                    problems.push("a fresh thread already has a last-error text".to_string());
                }
                if handler {
                    let set = unsafe { (lib.set_progress_handler)(Some(count_reports), std::ptr::null_mut(), 1) };
                    if set != HPK_OK || !lib.last_error().is_empty() {
                        problems.push(format!("hpk_set_progress_handler gave {}", status_name(set)));
                    }
                }
                let threads_before = unsafe { (lib.get_num_threads)() };
                let mut mem = Mem::default();
                let status = (case.call)(&mut mem);
                let detail = lib.last_error();
                let reports = REPORTS.with(|r| r.get());
                if status != HPK_OK && status != HPK_ERR_BUFFER_TOO_SMALL && reports > 0 {
                    problems.push(format!("{} after {reports} progress reports", status_name(status)));
                }
                if status != case.expect {
                    problems.push(format!(
                        "status {}, expected {} (detail: {detail:?})",
                        status_name(status),
                        status_name(case.expect)
                    ));
                }
                if status == HPK_OK {
                    if !detail.is_empty() {
                        problems.push(format!("HPK_OK, yet the last-error text was set: {detail:?}"));
                    }
                } else if detail.is_empty() {
                    problems.push(format!("{} with an empty hpk_last_error_message()", status_name(status)));
                }
                for region in &mem.regions {
                    let may_change = match region.kind {
                        Kind::Input => false,
                        Kind::Output => status == HPK_OK,
                        Kind::Written => status == HPK_OK || status == HPK_ERR_BUFFER_TOO_SMALL,
                    };
                    if !may_change && region.words != region.initial {
                        let byte = (0..region.words.len() * 8)
                            .find(|&i| mem.bytes(region.name)[i] != mem.initial_bytes(region.name)[i])
                            .unwrap();
                        problems.push(format!(
                            "{:?} region `{}` changed (first at byte {byte}) on {}",
                            region.kind,
                            region.name,
                            status_name(status)
                        ));
                    }
                }
                if !case.sets_threads {
                    let threads_after = unsafe { (lib.get_num_threads)() };
                    if threads_after != threads_before {
                        problems.push(format!("the thread count changed from {threads_before} to {threads_after}"));
                    }
                }
                if let Some(check) = &case.check {
                    if let Err(problem) = check(&mem) {
                        problems.push(problem);
                    }
                }
                problems
            })
            .join()
            .unwrap_or_else(|_| vec!["the row panicked".to_string()])
    })
}

/// Run every row; the failures, one line per failing row.
fn run_table(table: &Table, handler: bool) -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    for case in &table.cases {
        assert!(names.insert((case.export, case.name.as_str())), "duplicate row {}: {}", case.export, case.name);
    }
    let mut failures = Vec::new();
    for case in &table.cases {
        let problems = run_case(case, handler);
        if !problems.is_empty() {
            failures.push(format!("{}: {}: {}", case.export, case.name, problems.join("; ")));
        }
    }
    failures
}

/// The table changes the process-wide thread count; the tests of this binary take turns.
static SERIAL: Mutex<()> = Mutex::new(());

// ---------------------------------------------------------------------------------------------
// Independent references for the valid edge cases.

/// Deterministic Miller-Rabin for 64-bit n (bases 2..=37), with u128 arithmetic.
fn reference_is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    for p in BASES {
        if n % p == 0 {
            return n == p;
        }
    }
    let mul = |a: u64, b: u64| ((a as u128 * b as u128) % n as u128) as u64;
    let pow = |mut b: u64, mut e: u64| {
        let mut r = 1u64;
        while e > 0 {
            if e & 1 == 1 {
                r = mul(r, b);
            }
            b = mul(b, b);
            e >>= 1;
        }
        r
    };
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    BASES.iter().all(|&a| {
        let mut x = pow(a, d);
        if x == 1 || x == n - 1 {
            return true;
        }
        for _ in 1..s {
            x = mul(x, x);
            if x == n - 1 {
                return true;
            }
        }
        false
    })
}

/// The primes in [lo, hi) by the reference (a short range only).
fn reference_primes(lo: u64, hi: u64) -> Vec<u64> {
    (lo..hi).filter(|&n| reference_is_prime(n)).collect()
}

/// The smallest divisor d of n with max(from, 2) <= d < to, by brute force (a short range only).
fn reference_factor(n: u64, from: u64, to: u64) -> u64 {
    (from.max(2)..to).find(|&d| n % d == 0).unwrap_or(0)
}

/// Grid values that are multiples of 1/4 in [-1, 2]: with d*dt = 1/8 every step is exact, so
/// the library and the header's formula agree bit for bit whatever the evaluation order.
fn grid_values(n: usize) -> Vec<f64> {
    (0..n).map(|k| ((k * 7 + 3) % 13) as f64 * 0.25 - 1.0).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

// ---------------------------------------------------------------------------------------------
// Diffusion: evolve(in, out) and run(grid, scratch) share every class.

const FIXED: u32 = HPK_BOUNDARY_FIXED;
const PERIODIC: u32 = HPK_BOUNDARY_PERIODIC;
/// The grid of the error rows (20 cells), d and dt that are valid (d*dt = 1/8).
const ROWS: usize = 4;
const COLS: usize = 5;
const D: f64 = 1.0;
const DT: f64 = 0.125;

/// `rows x cols` that overflow usize.
const OVERFLOWING_USIZE: [(usize, usize); 6] = [
    (usize::MAX, 2),
    (2, usize::MAX),
    (1 << 32, 1 << 32),
    (usize::MAX, usize::MAX),
    (1 << 33, 1 << 31),
    (3, usize::MAX / 2),
];

#[derive(Clone, Copy)]
enum Diffusion {
    Evolve,
    Run,
}

impl Diffusion {
    fn export(self) -> &'static str {
        match self {
            Diffusion::Evolve => EVOLVE,
            Diffusion::Run => RUN,
        }
    }
    /// The two grids: (in, out) or (grid, scratch).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Diffusion::Evolve => ("in", "out"),
            Diffusion::Run => ("grid", "scratch"),
        }
    }
    /// The first grid, holding `values`: evolve's `in` (an input) or run's `grid` (written).
    fn first(self, m: &mut Mem, values: &[f64]) -> *mut f64 {
        match self {
            Diffusion::Evolve => m.f64_in("in", values),
            Diffusion::Run => m.f64_inout("grid", values),
        }
    }
    /// Both grids for `cells` cells: the first with grid values, the second canary.
    fn grids(self, m: &mut Mem, cells: usize) -> (*mut f64, *mut f64) {
        (self.first(m, &grid_values(cells)), m.f64_out(self.names().1, cells))
    }
    /// The call; run does `steps` steps.
    #[allow(clippy::too_many_arguments)]
    fn call(
        self,
        a: *mut f64,
        b: *mut f64,
        rows: usize,
        cols: usize,
        d: f64,
        dt: f64,
        boundary: u32,
        steps: u64,
    ) -> HpkStatus {
        let lib = hpk();
        // SAFETY: every pointer points to at least rows*cols elements when the sizes are valid;
        // with invalid sizes the library must reject the call before touching memory.
        unsafe {
            match self {
                Diffusion::Evolve => (lib.diffusion_evolve)(a, b, rows, cols, d, dt, boundary),
                Diffusion::Run => (lib.diffusion_run)(a, b, rows, cols, d, dt, boundary, steps),
            }
        }
    }
}

fn diffusion_rows(t: &mut Table, k: Diffusion) {
    let e = k.export();
    let (a_name, b_name) = k.names();

    // NULL, each pointer separately and both.
    for (rows, cols) in [(ROWS, COLS), (1, 1), (3, 3)] {
        for boundary in [FIXED, PERIODIC] {
            for (null_a, null_b, which) in [(true, false, a_name), (false, true, b_name), (true, true, "both")] {
                t.add(e, format!("NULL {which}, {rows}x{cols}, boundary {boundary}"), HPK_ERR_NULL_POINTER, move |m| {
                    let (a, b) = k.grids(m, rows * cols);
                    let a = if null_a { null_mut() } else { a };
                    let b = if null_b { null_mut() } else { b };
                    k.call(a, b, rows, cols, D, DT, boundary, 1)
                });
            }
        }
    }

    // Zero dimensions (on real 3x3 buffers).
    for (rows, cols) in [(0, 3), (3, 0), (0, 0), (0, 1), (1, 0), (0, usize::MAX), (usize::MAX, 0)] {
        for boundary in [FIXED, PERIODIC] {
            t.add(e, format!("zero dimension {rows}x{cols}, boundary {boundary}"), HPK_ERR_INVALID_SIZE, move |m| {
                let (a, b) = k.grids(m, 9);
                k.call(a, b, rows, cols, D, DT, boundary, 1)
            });
        }
    }

    // rows*cols overflows usize.
    for (rows, cols) in OVERFLOWING_USIZE {
        assert!(rows.checked_mul(cols).is_none());
        t.add(e, format!("rows*cols overflows usize: {rows}x{cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let (a, b) = k.grids(m, 9);
            k.call(a, b, rows, cols, D, DT, FIXED, 1)
        });
    }
    // rows*cols fits, rows*cols*8 does not fit isize (or usize).
    let isize_limit = isize::MAX as usize / 8; // the most doubles a slice can hold
    for (rows, cols) in [
        (1 << 30, 1 << 30),
        (3, 1 << 59),
        (1, 1 << 60),
        (1 << 31, 1 << 29),
        (isize_limit + 1, 1),
        (1 << 61, 1),
        (1 << 62, 1),
        (1, usize::MAX),
        (usize::MAX / 8, 2),
    ] {
        let cells: usize = rows.checked_mul(cols).expect("rows*cols fits usize");
        assert!(cells > isize_limit, "{rows}x{cols}: {cells} doubles fit isize");
        t.add(e, format!("rows*cols*8 past isize::MAX: {rows}x{cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let (a, b) = k.grids(m, 9);
            k.call(a, b, rows, cols, D, DT, PERIODIC, 1)
        });
    }

    // Non-finite d and dt.
    for (what, v) in non_finite() {
        t.add(e, format!("d = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, v, DT, FIXED, 1)
        });
        t.add(e, format!("dt = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, D, v, PERIODIC, 1)
        });
    }

    // Unknown boundaries.
    for boundary in UNKNOWN_BOUNDARIES {
        t.add(e, format!("unknown boundary {boundary:#x}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, b, ROWS, COLS, D, DT, boundary, 1)
        });
    }

    // Misaligned pointers: each by 1..=7 bytes (the region has a spare word, so in bounds).
    for off in 1..8isize {
        t.add(e, format!("{a_name} misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(shift(a, off), b, ROWS, COLS, D, DT, FIXED, 1)
        });
        t.add(e, format!("{b_name} misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (a, b) = k.grids(m, ROWS * COLS);
            k.call(a, shift(b, off), ROWS, COLS, D, DT, FIXED, 1)
        });
    }

    // Identical and partially overlapping grids, both directions, in one buffer of 2n doubles.
    let n = ROWS * COLS;
    for (shape, boundary) in [((ROWS, COLS), FIXED), ((ROWS, COLS), PERIODIC), ((1, 1), FIXED)] {
        t.add(
            e,
            format!("{a_name} == {b_name}, {}x{}, boundary {boundary}", shape.0, shape.1),
            HPK_ERR_OVERLAP,
            move |m| {
                let p = m.f64_inout("shared", &grid_values(2 * n));
                k.call(p, p, shape.0, shape.1, D, DT, boundary, 1)
            },
        );
    }
    for off in [1, 2, n / 2, n - 1] {
        t.add(e, format!("{b_name} starts {off} doubles into {a_name}"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("shared", &grid_values(2 * n));
            k.call(p, p.wrapping_add(off), ROWS, COLS, D, DT, FIXED, 1)
        });
        t.add(e, format!("{a_name} starts {off} doubles into {b_name}"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("shared", &grid_values(2 * n));
            k.call(p.wrapping_add(off), p, ROWS, COLS, D, DT, PERIODIC, 1)
        });
    }

    // Valid: adjacent grids (disjoint, sharing no byte), both orders, with exact values.
    for (a_first, boundary) in [(true, FIXED), (false, PERIODIC)] {
        let order =
            if a_first { format!("{b_name} right after {a_name}") } else { format!("{a_name} right after {b_name}") };
        t.add(e, format!("valid: {order}, boundary {boundary}"), HPK_OK, move |m| {
            let mut values = grid_values(2 * n);
            let (a_at, b_at) = if a_first { (0, n) } else { (n, 0) };
            values[b_at..b_at + n].fill(f64::from_bits(F64_CANARY));
            let p = m.f64_inout("shared", &values);
            k.call(p.wrapping_add(a_at), p.wrapping_add(b_at), ROWS, COLS, D, DT, boundary, 1)
        })
        .check(move |m| {
            let (a_at, _) = if a_first { (0, n) } else { (n, 0) };
            let start = grid_values(2 * n)[a_at..a_at + n].to_vec();
            let want = diffusion_reference(&start, ROWS, COLS, D, DT, boundary);
            let all = m.f64s("shared", 2 * n);
            // evolve: the result in out, in unchanged; run: the result in grid.
            let result_at = match k {
                Diffusion::Evolve => n - a_at,
                Diffusion::Run => a_at,
            };
            same("result", bits(&all[result_at..result_at + n]), bits(&want))?;
            if let Diffusion::Evolve = k {
                same("in", bits(&all[a_at..a_at + n]), bits(&start))?;
            }
            m.untouched_outside("shared", 0..2 * n * 8)
        });
    }
    // Valid: finite extremes of d and dt, and the smallest grids.
    for (what, rows, cols, d, dt, boundary) in [
        ("d = 0", ROWS, COLS, 0.0, DT, FIXED),
        ("d = -0.0", ROWS, COLS, -0.0, DT, PERIODIC),
        ("d = f64::MAX, dt = 0", ROWS, COLS, f64::MAX, 0.0, PERIODIC),
        ("negative d (finite, so valid)", ROWS, COLS, -2.0, DT, PERIODIC),
        ("1x1 fixed (all edge)", 1, 1, D, DT, FIXED),
        ("1x1 periodic (its own neighbours)", 1, 1, D, DT, PERIODIC),
        ("2x7 fixed (all edge)", 2, 7, D, DT, FIXED),
        ("1x9 periodic", 1, 9, D, DT, PERIODIC),
    ] {
        t.add(e, format!("valid: {what}"), HPK_OK, move |m| {
            let (a, b) = k.grids(m, rows * cols);
            k.call(a, b, rows, cols, d, dt, boundary, 1)
        })
        .check(move |m| {
            let start = grid_values(rows * cols);
            let want = diffusion_reference(&start, rows, cols, d, dt, boundary);
            let result = match k {
                Diffusion::Evolve => b_name,
                Diffusion::Run => a_name,
            };
            same("result", bits(&m.f64s(result, rows * cols)), bits(&want))?;
            m.untouched_outside(result, 0..rows * cols * 8)
        });
    }

    if let Diffusion::Run = k {
        // steps = 0 changes nothing but does not skip validation; steps = u64::MAX with a bad
        // argument returns at once.
        t.add(e, "valid: steps = 0 leaves grid unchanged", HPK_OK, move |m| {
            let (a, b) = k.grids(m, n);
            k.call(a, b, ROWS, COLS, D, DT, FIXED, 0)
        })
        .check(move |m| same("grid", bits(&m.f64s("grid", n)), bits(&grid_values(n))));
        #[derive(Clone, Copy)]
        enum Bad {
            NullScratch,
            ZeroRows,
            NanD,
            Boundary2,
            Identical,
        }
        for (what, expect, bad, steps) in [
            ("NULL scratch, steps = 0", HPK_ERR_NULL_POINTER, Bad::NullScratch, 0),
            ("zero rows, steps = 0", HPK_ERR_INVALID_SIZE, Bad::ZeroRows, 0),
            ("d = NaN, steps = 0", HPK_ERR_INVALID_ARGUMENT, Bad::NanD, 0),
            ("unknown boundary, steps = 0", HPK_ERR_INVALID_ARGUMENT, Bad::Boundary2, 0),
            ("grid == scratch, steps = 0", HPK_ERR_OVERLAP, Bad::Identical, 0),
            ("d = NaN, steps = u64::MAX", HPK_ERR_INVALID_ARGUMENT, Bad::NanD, u64::MAX),
            ("grid == scratch, steps = u64::MAX", HPK_ERR_OVERLAP, Bad::Identical, u64::MAX),
        ] {
            t.add(e, what, expect, move |m| {
                let (a, b) = k.grids(m, n);
                match bad {
                    Bad::NullScratch => k.call(a, null_mut(), ROWS, COLS, D, DT, FIXED, steps),
                    Bad::ZeroRows => k.call(a, b, 0, COLS, D, DT, FIXED, steps),
                    Bad::NanD => k.call(a, b, ROWS, COLS, NAN, DT, FIXED, steps),
                    Bad::Boundary2 => k.call(a, b, ROWS, COLS, D, DT, 2, steps),
                    Bad::Identical => k.call(a, a, ROWS, COLS, D, DT, FIXED, steps),
                }
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Julia set.

const BOX: [f64; 4] = [-1.8, 1.8, -1.8, 1.8];
const BOOK_C: [f64; 2] = [-0.62772, -0.42193];
const W: usize = 6;
const H: usize = 5;

#[allow(clippy::too_many_arguments)]
fn julia_grid(x: [f64; 4], width: usize, height: usize, c: [f64; 2], maxiter: i32, out: *mut i32) -> HpkStatus {
    // SAFETY: `out` holds width*height values when the sizes are valid; otherwise the library
    // must reject the call first.
    unsafe { (hpk().julia_grid)(x[0], x[1], x[2], x[3], width, height, c[0], c[1], maxiter, out) }
}

/// A tile `[row0, col0, rows, cols]` of the `width x height` grid.
fn julia_tile(
    x: [f64; 4],
    width: usize,
    height: usize,
    tile: [usize; 4],
    c: [f64; 2],
    maxiter: i32,
    out: *mut i32,
) -> HpkStatus {
    let [row0, col0, rows, cols] = tile;
    // SAFETY: `out` holds rows*cols values when the sizes are valid; otherwise the library must
    // reject the call first.
    unsafe {
        (hpk().julia_tile)(x[0], x[1], x[2], x[3], width, height, row0, col0, rows, cols, c[0], c[1], maxiter, out)
    }
}

fn julia_tile_rows(t: &mut Table) {
    let e = TILE;
    const T: [usize; 4] = [1, 2, 3, 4]; // rows 1..4, columns 2..6 of the W x H = 6 x 5 grid
    for (what, tile) in [("a tile", T), ("the whole grid", [0, 0, H, W]), ("one pixel", [H - 1, W - 1, 1, 1])] {
        t.add(e, format!("NULL output, {what}"), HPK_ERR_NULL_POINTER, move |_| {
            julia_tile(BOX, W, H, tile, BOOK_C, 300, null_mut())
        });
    }
    // Zero dimensions of the grid or the tile.
    for (w, h, tile) in [(0, H, T), (W, 0, T), (W, H, [0, 0, 0, 3]), (W, H, [0, 0, 3, 0]), (W, H, [0, 0, 0, 0])] {
        t.add(e, format!("zero dimension: grid {w} x {h}, tile {tile:?}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, w, h, tile, BOOK_C, 300, out)
        });
    }
    // rows*cols overflows usize.
    for (rows, cols) in OVERFLOWING_USIZE {
        t.add(e, format!("rows*cols overflows usize: {rows} x {cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, usize::MAX, usize::MAX, [0, 0, rows, cols], BOOK_C, 300, out)
        });
    }
    // A tile that does not lie inside the grid, also where row0 + rows overflows.
    for tile in [
        [0, 0, H + 1, 1],
        [0, 0, 1, W + 1],
        [H, 0, 1, 1],
        [0, W, 1, 1],
        [4, 0, 2, 1],
        [0, 5, 1, 2],
        [usize::MAX, 0, 1, 1],
        [0, usize::MAX, 1, 1],
    ] {
        t.add(e, format!("tile {tile:?} outside the {W} x {H} grid"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, tile, BOOK_C, 300, out)
        });
    }
    // Negative maxiter, non-finite coordinates and c, misaligned output.
    for maxiter in [-1, i32::MIN] {
        t.add(e, format!("maxiter {maxiter}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, T, BOOK_C, maxiter, out)
        });
    }
    for (what, v) in non_finite() {
        for k in 0..6 {
            t.add(
                e,
                format!("argument {k} of x1, x2, y1, y2, c_re, c_im = {what}"),
                HPK_ERR_INVALID_ARGUMENT,
                move |m| {
                    let (mut x, mut c) = (BOX, BOOK_C);
                    if k < 4 {
                        x[k] = v
                    } else {
                        c[k - 4] = v
                    }
                    let out = m.i32_out("output", 12);
                    julia_tile(x, W, H, T, c, 300, out)
                },
            );
        }
    }
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, T, BOOK_C, 300, shift(out, off))
        });
    }
    // Valid edges, exact: the 4 x 3 grid of julia_grid's orientation row, tile by tile.
    const GRID_4X3: [i32; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0];
    for (row0, col0, rows, cols) in [(0, 0, 3, 4), (2, 0, 1, 2), (1, 1, 2, 3), (2, 3, 1, 1)] {
        t.add(e, format!("valid: rows {row0}..+{rows}, columns {col0}..+{cols} of a 4 x 3 grid"), HPK_OK, move |m| {
            let out = m.i32_out("output", rows * cols);
            julia_tile([0.0, 4.0, 0.0, 3.0], 4, 3, [row0, col0, rows, cols], [0.0, 0.0], 10, out)
        })
        .check(move |m| {
            let want: Vec<i32> =
                (row0..row0 + rows).flat_map(|r| (col0..col0 + cols).map(move |k| GRID_4X3[r * 4 + k])).collect();
            same("output", m.i32s("output", 0, rows * cols), want)?;
            m.untouched_outside("output", 0..rows * cols * 4)
        });
    }
}

fn julia_grid_rows(t: &mut Table) {
    let e = GRID;
    // NULL output, with various valid arguments.
    for (what, x, w, h, c, maxiter) in [
        ("book box", BOX, W, H, BOOK_C, 300),
        ("1x1", BOX, 1, 1, BOOK_C, 300),
        ("maxiter 0", BOX, W, H, BOOK_C, 0),
        ("maxiter i32::MAX", [3.0, 5.0, 3.0, 5.0], 2, 2, [0.0, 0.0], i32::MAX),
        ("1000x1000", BOX, 1000, 1000, BOOK_C, 300),
        ("degenerate box x1 == x2", [0.5, 0.5, -1.0, 1.0], W, H, BOOK_C, 10),
    ] {
        t.add(e, format!("NULL output, {what}"), HPK_ERR_NULL_POINTER, move |_| {
            julia_grid(x, w, h, c, maxiter, null_mut())
        });
    }
    // Zero dimensions.
    for (w, h) in [(0, H), (W, 0), (0, 0), (0, 1), (1, 0), (0, usize::MAX), (usize::MAX, 0)] {
        t.add(e, format!("zero dimension {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    // width*height overflows usize; then fits but *4 is past isize::MAX.
    for (w, h) in OVERFLOWING_USIZE {
        t.add(e, format!("width*height overflows usize: {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    let isize_limit = isize::MAX as usize / 4;
    for (w, h) in [
        (1 << 31, 1 << 31),
        (3, 1 << 60),
        (1, 1 << 61),
        (isize_limit + 1, 1),
        (1 << 62, 2),
        (1, usize::MAX),
        (usize::MAX / 4, 3),
    ] {
        let points: usize = w.checked_mul(h).expect("width*height fits usize");
        assert!(points > isize_limit);
        t.add(e, format!("width*height*4 past isize::MAX: {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    // Negative maxiter.
    for maxiter in [-1, -2, -300, i32::MIN + 1, i32::MIN] {
        t.add(e, format!("maxiter {maxiter}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, W, H, BOOK_C, maxiter, out)
        });
    }
    // Non-finite coordinates and c.
    for (what, v) in non_finite() {
        for (k, name) in ["x1", "x2", "y1", "y2"].into_iter().enumerate() {
            t.add(e, format!("{name} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                let mut x = BOX;
                x[k] = v;
                let out = m.i32_out("output", W * H);
                julia_grid(x, W, H, BOOK_C, 300, out)
            });
        }
        for (k, name) in ["c_re", "c_im"].into_iter().enumerate() {
            t.add(e, format!("{name} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                let mut c = BOOK_C;
                c[k] = v;
                let out = m.i32_out("output", W * H);
                julia_grid(BOX, W, H, c, 300, out)
            });
        }
    }
    // Misaligned output.
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, W, H, BOOK_C, 300, shift(out, off))
        });
    }
    // Valid edges, exact.
    t.add(e, "valid: orientation of a 4 x 3 grid, c = 0", HPK_OK, |m| {
        let out = m.i32_out("output", 12);
        julia_grid([0.0, 4.0, 0.0, 3.0], 4, 3, [0.0, 0.0], 10, out)
    })
    .check(|m| {
        // x = 0, 1, 2, 3; y = 3, 2, 1 (row 0 on top): only (1, 1) and (0, 1) stay, 1+i escapes once.
        same("output", m.i32s("output", 0, 12), vec![0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0])?;
        m.untouched_outside("output", 0..48)
    });
    t.add(e, "valid: maxiter 0 gives zeros", HPK_OK, |m| {
        let out = m.i32_out("output", W * H);
        julia_grid(BOX, W, H, BOOK_C, 0, out)
    })
    .check(|m| same("output", m.i32s("output", 0, W * H), vec![0; W * H]));
    t.add(e, "valid: maxiter i32::MAX, every point escaping at once", HPK_OK, |m| {
        let out = m.i32_out("output", 4);
        julia_grid([3.0, 5.0, 3.0, 5.0], 2, 2, [0.0, 0.0], i32::MAX, out)
    })
    .check(|m| same("output", m.i32s("output", 0, 4), vec![0; 4]));
    t.add(e, "valid: 1x1 at the origin, c = 0, maxiter 77", HPK_OK, |m| {
        let out = m.i32_out("output", 1);
        julia_grid([0.0, 1.0, -1.0, 0.0], 1, 1, [0.0, 0.0], 77, out)
    })
    .check(|m| {
        same("output", m.i32s("output", 0, 1), vec![77])?;
        m.untouched_outside("output", 0..4)
    });
    t.add(e, "valid: huge finite coordinates escape at once", HPK_OK, |m| {
        let out = m.i32_out("output", 6);
        julia_grid([1e300, 2e300, -2e300, -1e300], 3, 2, [0.0, 0.0], 50, out)
    })
    .check(|m| same("output", m.i32s("output", 0, 6), vec![0; 6]));
}

const N: usize = 8;

/// Points 0.1 + 0.2i (zs) and the book's constant (cs); `bad` replaces one element.
fn z_inputs(
    m: &mut Mem,
    bad_z: Option<(usize, HpkComplex)>,
    bad_c: Option<(usize, HpkComplex)>,
) -> (*mut HpkComplex, *mut HpkComplex) {
    let mut zs = vec![HpkComplex::new(0.1, 0.2); N];
    let mut cs = vec![HpkComplex::new(BOOK_C[0], BOOK_C[1]); N];
    if let Some((k, v)) = bad_z {
        zs[k] = v;
    }
    if let Some((k, v)) = bad_c {
        cs[k] = v;
    }
    (m.complex_in("zs", &zs), m.complex_in("cs", &cs))
}

fn calculate_z(zs: *const HpkComplex, cs: *const HpkComplex, n: usize, maxiter: i32, out: *mut i32) -> HpkStatus {
    // SAFETY: as julia_grid: valid sizes come with buffers that large.
    unsafe { (hpk().julia_calculate_z)(zs, cs, n, maxiter, out) }
}

/// The header's loop, for the valid rows.
fn escape_count(z: HpkComplex, c: HpkComplex, maxiter: i32) -> i32 {
    let (mut re, mut im, mut n) = (z.re, z.im, 0);
    while n < maxiter && re * re + im * im < 4.0 {
        (re, im) = (re * re - im * im + c.re, 2.0 * re * im + c.im);
        n += 1;
    }
    n
}

fn calculate_z_rows(t: &mut Table) {
    let e = CALC_Z;
    // NULL pointers with n > 0: each, pairs, all three.
    for n in [N, 1] {
        for nulls in
            [[true, false, false], [false, true, false], [false, false, true], [true, true, false], [true, true, true]]
        {
            t.add(e, format!("NULL {nulls:?} (zs, cs, output), n = {n}"), HPK_ERR_NULL_POINTER, move |m| {
                let (zs, cs) = z_inputs(m, None, None);
                let out = m.i32_out("output", N);
                calculate_z(
                    if nulls[0] { null() } else { zs },
                    if nulls[1] { null() } else { cs },
                    n,
                    300,
                    if nulls[2] { null_mut() } else { out },
                )
            });
        }
    }
    // n*16 overflows usize, or is past isize::MAX.
    // usize::MAX / 16 + 1 (2^60): n*16 just overflows usize; isize::MAX / 16 + 1 (2^59): n*16 just
    // passes isize::MAX.
    for n in [usize::MAX, usize::MAX / 8, usize::MAX / 16 + 1, usize::MAX / 16, 3 << 58, isize::MAX as usize / 16 + 1] {
        assert!(n.checked_mul(16).map_or(true, |b| b > isize::MAX as usize));
        t.add(e, format!("n = {n}: n*16 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, n, 300, out)
        });
    }
    // Negative maxiter (also with n = 0: the header rejects maxiter < 0 unconditionally).
    for (maxiter, n) in [(-1, N), (-2, N), (i32::MIN, N), (-1, 0), (i32::MIN, 0)] {
        t.add(e, format!("maxiter {maxiter}, n = {n}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, n, maxiter, out)
        });
    }
    // NaN or inf inside zs or cs, in the real or imaginary part, first or last element.
    for (what, v) in non_finite() {
        for (part, value) in [("re", HpkComplex::new(v, 0.0)), ("im", HpkComplex::new(0.0, v))] {
            for k in [0, N - 1] {
                t.add(e, format!("zs[{k}].{part} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                    let (zs, cs) = z_inputs(m, Some((k, value)), None);
                    let out = m.i32_out("output", N);
                    calculate_z(zs, cs, N, 300, out)
                });
                t.add(e, format!("cs[{k}].{part} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                    let (zs, cs) = z_inputs(m, None, Some((k, value)));
                    let out = m.i32_out("output", N);
                    calculate_z(zs, cs, N, 300, out)
                });
            }
        }
    }
    // Misaligned pointers (hpk_complex is 8-aligned, int32 4-aligned).
    for off in 1..8isize {
        t.add(e, format!("zs misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(shift(zs, off), cs, N, 300, out)
        });
        t.add(e, format!("cs misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, shift(cs, off), N, 300, out)
        });
    }
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, N, 300, shift(out, off))
        });
    }
    // output overlapping zs or cs: starting inside it (several elements), or starting before it
    // and running into it; and the input starting inside output.
    for target in ["zs", "cs"] {
        // zs and cs span N elements (128 bytes): output at their first byte, inside, at the last
        // element; the regions hold 2N elements, so a wrong write stays in bounds.
        for byte in [0isize, 4, 16, 64, 8 * 16 - 4] {
            t.add(e, format!("output starts {byte} bytes into {target}"), HPK_ERR_OVERLAP, move |m| {
                let zs = m.complex_in("zs", &vec![HpkComplex::new(0.1, 0.2); 2 * N]);
                let cs = m.complex_in("cs", &vec![HpkComplex::new(0.3, -0.1); 2 * N]);
                let base = if target == "zs" { zs } else { cs };
                calculate_z(zs, cs, N, 300, shift(base.cast::<i32>(), byte))
            });
        }
        for before in [4isize, 16, 28] {
            t.add(
                e,
                format!("output starts {before} bytes before {target} and runs into it"),
                HPK_ERR_OVERLAP,
                move |m| {
                    // One buffer: [32 bytes of room][zs or cs ...]; output (32 bytes) ends inside it.
                    let room = vec![HpkComplex::new(0.5, 0.5); 2];
                    let mut values = room.clone();
                    values.extend(vec![HpkComplex::new(0.1, 0.2); N]);
                    let p = m.complex_in("buffer", &values);
                    let other = m.complex_in("other", &[HpkComplex::new(0.3, -0.1); N]);
                    let input = p.wrapping_add(2);
                    let out = shift(input.cast::<i32>(), -before);
                    if target == "zs" {
                        calculate_z(input, other, N, 300, out)
                    } else {
                        calculate_z(other, input, N, 300, out)
                    }
                },
            );
        }
    }
    // Valid edges.
    for (zs_null, cs_null, out_null) in
        [(true, true, true), (false, false, false), (true, false, true), (false, true, false)]
    {
        t.add(
            e,
            format!("valid: n = 0 (no-op), NULL zs/cs/output {:?}", [zs_null, cs_null, out_null]),
            HPK_OK,
            move |m| {
                let (zs, cs) = z_inputs(m, None, None);
                let out = m.i32_out("output", N);
                calculate_z(
                    if zs_null { null() } else { zs },
                    if cs_null { null() } else { cs },
                    0,
                    300,
                    if out_null { null_mut() } else { out },
                )
            },
        )
        .check(|m| m.untouched_outside("output", 0..0));
    }
    t.add(e, "valid: n = 0 with non-finite and misaligned inputs is a no-op", HPK_OK, |m| {
        let (zs, cs) = z_inputs(m, Some((0, HpkComplex::new(NAN, INF))), None);
        let out = m.i32_out("output", N);
        calculate_z(shift(zs, 1), cs, 0, 300, shift(out, 3))
    })
    .check(|m| m.untouched_outside("output", 0..0));
    t.add(e, "valid: zs == cs (both inputs)", HPK_OK, |m| {
        let zs =
            m.complex_in("zs", &[HpkComplex::new(0.0, 0.0), HpkComplex::new(1.0, 0.0), HpkComplex::new(0.25, 0.0)]);
        let out = m.i32_out("output", 3);
        calculate_z(zs, zs, 3, 40, out)
    })
    .check(|m| {
        // 0 -> 0 stays; 1 -> 2 escapes after 1; 0.25 -> 0.3125 ... converges below 1/2.
        same("output", m.i32s("output", 0, 3), vec![40, 1, 40])?;
        m.untouched_outside("output", 0..12)
    });
    t.add(e, "valid: zs 8 bytes past an aligned address (hpk_complex is 8-aligned)", HPK_OK, |m| {
        let p = m.complex_in("zs", &[HpkComplex::new(0.0, 0.0); N + 1]);
        let cs = m.complex_in("cs", &[HpkComplex::new(-1.0, 0.0); N]);
        let out = m.i32_out("output", N);
        calculate_z(shift(p, 8), cs, N, 77, out)
    })
    .check(|m| same("output", m.i32s("output", 0, N), vec![77; N]));
    t.add(e, "valid: output ends exactly where zs starts", HPK_OK, |m| {
        // One buffer: 32 bytes of output (canary), then N points 0, a fixed point of z*z + 0.
        let p = m.f64_inout("buffer", &[vec![f64::from_bits(F64_CANARY); 4], vec![0.0; 2 * N]].concat());
        let zs = p.wrapping_add(4).cast::<HpkComplex>();
        let cs = m.complex_in("cs", &[HpkComplex::new(0.0, 0.0); N]);
        calculate_z(zs, cs, N, 7, p.cast())
    })
    .check(|m| {
        same("output", m.i32s("buffer", 0, N), vec![7; N])?;
        m.untouched_outside("buffer", 0..4 * N)
    });
    t.add(e, "valid: escape counts against the header's loop", HPK_OK, |m| {
        let zs = m.complex_in("zs", &EDGE_POINTS.map(|p| p.0));
        let cs = m.complex_in("cs", &EDGE_POINTS.map(|p| p.1));
        let out = m.i32_out("output", EDGE_POINTS.len());
        calculate_z(zs, cs, EDGE_POINTS.len(), 50, out)
    })
    .check(|m| {
        let want: Vec<i32> = EDGE_POINTS
            .iter()
            .map(|&(z, c, n)| {
                assert_eq!(escape_count(z, c, 50), n);
                n
            })
            .collect();
        same("output", m.i32s("output", 0, EDGE_POINTS.len()), want)
    });
}

/// (z, c, escape count with maxiter 50): boundary cases of `re^2 + im^2 < 4`.
const EDGE_POINTS: [(HpkComplex, HpkComplex, i32); 6] = [
    (HpkComplex::new(2.0, 0.0), HpkComplex::new(0.0, 0.0), 0), // |z|^2 = 4 is not < 4
    (HpkComplex::new(0.0, -2.0), HpkComplex::new(0.0, 0.0), 0),
    (HpkComplex::new(1.99, 0.0), HpkComplex::new(0.0, 0.0), 1),
    (HpkComplex::new(0.0, 0.0), HpkComplex::new(-2.0, 0.0), 1), // 0 -> -2
    (HpkComplex::new(0.0, 0.0), HpkComplex::new(-1.0, 0.0), 50), // the 2-cycle 0, -1
    (HpkComplex::new(f64::MAX, 0.0), HpkComplex::new(0.0, 0.0), 0), // finite, escapes at once
];

// ---------------------------------------------------------------------------------------------
// Primes.

fn factor_rows(t: &mut Table) {
    let e = FACTOR;
    let call = |n: u64, from: u64, to: u64, p: *mut u64| unsafe { (hpk().smallest_factor_in_range)(n, from, to, p) };
    for (n, from, to) in
        [(12, 2, 13), (0, 0, 10), (1, 0, 100), (M, 2, 10), (M, M, M), (100, 20, 10), (7, 0, 0), (M - 58, 2, 1000)]
    {
        t.add(e, format!("NULL factor, n {n}, [{from}, {to})"), HPK_ERR_NULL_POINTER, move |_| {
            call(n, from, to, null_mut())
        });
    }
    for off in 1..8isize {
        for (n, from, to) in [(12, 2, 13), (M, M, M)] {
            t.add(
                e,
                format!("factor misaligned by {off}, n {n}, [{from}, {to})"),
                HPK_ERR_INVALID_ARGUMENT,
                move |m| call(n, from, to, shift(m.u64_out("factor", 1), off)),
            );
        }
    }
    // Valid: empty ranges (from >= to, or nothing >= 2 below to) give 0; the ends of u64.
    let cases: Vec<(u64, u64, u64, u64)> = vec![
        (100, 10, 10, 0),
        (100, 20, 10, 0),
        (100, 0, 0, 0),
        (100, 0, 2, 0),
        (0, 5, 5, 0),
        (0, 0, 1, 0),
        (M, M, M, 0),
        (M, M, 0, 0),
        (0, M, 0, 0),
        (M, 2, 10, 3),
        (M, 0, 4, 3),
        (M, 4, 10, 5),
        (M, M - 1, M, 0),
        (M, M / 3 - 10, M, M / 3),
        (M - 58, M - 58, M, M - 58),
        (M - 58, 2, 1 << 20, 0),
        (M - 1, 0, 3, 2),
        (1 << 63, 3, 100, 4),
        (0, 0, 10, 2),
        (0, M - 1, M, M - 1),
        (1, 0, M, 0),
        (2, 0, M, 2),
        (2, 3, M, 0),
    ];
    for (n, from, to, want) in cases {
        if to.saturating_sub(from) < 1 << 21 {
            assert_eq!(reference_factor(n, from, to), want, "reference for {n} in [{from}, {to})");
        }
        t.add(e, format!("valid: n {n}, [{from}, {to}) -> {want}"), HPK_OK, move |m| {
            call(n, from, to, m.u64_out("factor", 1))
        })
        .check(move |m| {
            same("factor", m.u64s("factor", 0, 1)[0], want)?;
            m.untouched_outside("factor", 0..8)
        });
    }
}

/// Numbers at the ends of the 64-bit space and classic traps, with their primality.
fn known_numbers() -> Vec<(u64, bool)> {
    let list = vec![
        (0, false),
        (1, false),
        (2, true),
        (3, true),
        (4, false),
        (25, false),
        (561, false),             // Carmichael
        (4_294_967_291, true),    // 2^32 - 5
        (65_521 * 65_521, false), // square of a prime
        (1_000_003 * 1_000_033, false),
        (1 << 63, false),
        (M, false),
        (M - 1, false),
        (M - 58, true), // 2^64 - 59, the largest 64-bit prime
        (M - 82, true), // 2^64 - 83
        (M - 94, true), // 2^64 - 95
        (M - 60, false),
        (3_825_123_056_546_413_051, false), // strong pseudoprime to bases 2..=23
    ];
    for &(n, p) in &list {
        assert_eq!(reference_is_prime(n), p, "reference primality of {n}");
    }
    list
}

fn bool_prime_rows(t: &mut Table, e: &'static str) {
    let f = if e == IS_PRIME { hpk().is_prime } else { hpk().check_prime };
    // check_prime is trial division: keep it to numbers with a small factor or below 2^40.
    let fast = |n: u64| e == IS_PRIME || n < 1 << 40 || reference_factor(n, 2, 100) != 0;
    for n in [0, 1, 2, 3, 4, 7, 561, 4_294_967_291, M - 58, M] {
        t.add(e, format!("NULL is_prime, n {n}"), HPK_ERR_NULL_POINTER, move |_| unsafe { f(n, null_mut()) });
    }
    // Valid: the ends of the 64-bit space; also bool outputs at odd addresses (align 1).
    for (n, want) in known_numbers().into_iter().filter(|&(n, _)| fast(n)) {
        t.add(e, format!("valid: n {n} -> {want}"), HPK_OK, move |m| unsafe { f(n, m.bool_out("is_prime", 1)) }).check(
            move |m| {
                same("is_prime byte", m.bytes("is_prime")[0], want as u8)?;
                m.untouched_outside("is_prime", 0..1)
            },
        );
    }
    for off in [1usize, 3, 7] {
        let (n, want) = (if e == IS_PRIME { M - 58 } else { 4_294_967_291 }, true);
        t.add(e, format!("valid: is_prime at byte {off} (bool has no alignment)"), HPK_OK, move |m| unsafe {
            f(n, shift(m.bool_out("is_prime", 8), off as isize))
        })
        .check(move |m| {
            same("is_prime byte", m.bytes("is_prime")[off], want as u8)?;
            m.untouched_outside("is_prime", off..off + 1)
        });
    }
}

fn batch_rows(t: &mut Table) {
    let e = BATCH;
    let call =
        |numbers: *const u64, count: usize, out: *mut bool| unsafe { (hpk().is_prime_batch)(numbers, count, out) };
    let numbers16: Vec<u64> = (0..16).map(|k| k * 1_000_003).collect();
    // NULL with count > 0.
    for count in [1, 16] {
        for (null_numbers, null_out, what) in
            [(true, false, "numbers"), (false, true, "is_prime"), (true, true, "both")]
        {
            let numbers = numbers16.clone();
            t.add(e, format!("NULL {what}, count {count}"), HPK_ERR_NULL_POINTER, move |m| {
                let p = m.u64_in("numbers", &numbers);
                let o = m.bool_out("is_prime", 16);
                call(if null_numbers { null() } else { p }, count, if null_out { null_mut() } else { o })
            });
        }
    }
    // count*8 overflows usize or is past isize::MAX.
    for count in [usize::MAX, usize::MAX / 4, (1 << 61) + 1, 1 << 61, (1 << 60) + 1, isize::MAX as usize / 8 + 1] {
        assert!(count.checked_mul(8).map_or(true, |b| b > isize::MAX as usize));
        let numbers = numbers16.clone();
        t.add(e, format!("count {count}: count*8 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            let p = m.u64_in("numbers", &numbers);
            call(p, count, m.bool_out("is_prime", 16))
        });
    }
    // Misaligned numbers.
    for off in 1..8isize {
        let numbers = numbers16.clone();
        t.add(e, format!("numbers misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let p = m.u64_in("numbers", &numbers);
            call(shift(p, off), 8, m.bool_out("is_prime", 16))
        });
    }
    // is_prime inside numbers (start, middle, last byte), or starting before numbers and
    // running into it; numbers is a region of 18 words so a wrong write stays in bounds.
    for byte in [0isize, 1, 37, 8 * 16 - 1] {
        t.add(e, format!("is_prime starts {byte} bytes into numbers"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("numbers", &[0.0; 18]).cast::<u64>();
            call(p, 16, shift(p.cast::<bool>(), byte))
        });
    }
    for before in [1isize, 8, 15] {
        t.add(
            e,
            format!("is_prime starts {before} bytes before numbers and runs into it"),
            HPK_ERR_OVERLAP,
            move |m| {
                let p = m.f64_inout("buffer", &[0.0; 20]).cast::<u64>();
                let numbers = p.wrapping_add(2);
                call(numbers, 16, shift(numbers.cast::<bool>(), -before))
            },
        );
    }
    // Valid: count 0 is a no-op whatever the pointers.
    for (null_numbers, null_out) in [(true, true), (false, false), (true, false), (false, true)] {
        let numbers = numbers16.clone();
        t.add(
            e,
            format!("valid: count 0 (no-op), NULL numbers {null_numbers}, NULL is_prime {null_out}"),
            HPK_OK,
            move |m| {
                let p = m.u64_in("numbers", &numbers);
                let o = m.bool_out("is_prime", 16);
                call(if null_numbers { null() } else { p }, 0, if null_out { null_mut() } else { o })
            },
        )
        .check(|m| m.untouched_outside("is_prime", 0..0));
    }
    t.add(e, "valid: count 0 with misaligned numbers is a no-op", HPK_OK, move |m| {
        let p = m.u64_in("numbers", &[1, 2]);
        call(shift(p, 3), 0, m.bool_out("is_prime", 1))
    })
    .check(|m| m.untouched_outside("is_prime", 0..0));
    // Valid: the ends of the 64-bit space, exact; outputs adjacent to numbers on either side.
    let known: Vec<(u64, bool)> = known_numbers();
    let values: Vec<u64> = known.iter().map(|k| k.0).collect();
    let want: Vec<u8> = known.iter().map(|k| k.1 as u8).collect();
    {
        let (values, want) = (values.clone(), want.clone());
        t.add(e, "valid: the ends of the 64-bit space", HPK_OK, move |m| {
            let p = m.u64_in("numbers", &values);
            call(p, values.len(), m.bool_out("is_prime", values.len()))
        })
        .check(move |m| {
            same("is_prime bytes", m.bytes("is_prime")[..want.len()].to_vec(), want.clone())?;
            m.untouched_outside("is_prime", 0..want.len())
        });
    }
    t.add(e, "valid: is_prime ends right where numbers starts", HPK_OK, move |m| {
        let p = m.f64_inout("buffer", &[vec![0.0; 2], (0..16).map(f64::from_bits).collect()].concat()).cast::<u64>();
        call(p.wrapping_add(2), 16, p.cast())
    })
    .check(|m| {
        let want: Vec<u8> = (0..16).map(|k| reference_is_prime(k) as u8).collect();
        same("is_prime bytes", m.bytes("buffer")[..16].to_vec(), want)?;
        m.untouched_outside("buffer", 0..16)
    });
    t.add(e, "valid: is_prime starts right after numbers ends", HPK_OK, move |m| {
        let p = m.f64_inout("buffer", &[(100..116).map(f64::from_bits).collect(), vec![0.0; 2]].concat()).cast::<u64>();
        call(p, 16, p.wrapping_add(16).cast())
    })
    .check(|m| {
        let want: Vec<u8> = (100..116).map(|k| reference_is_prime(k) as u8).collect();
        same("is_prime bytes", m.bytes("buffer")[128..144].to_vec(), want)?;
        m.untouched_outside("buffer", 128..144)
    });
}

fn count_rows(t: &mut Table) {
    let e = COUNT;
    let call = |lo: u64, hi: u64, p: *mut u64| unsafe { (hpk().count_primes)(lo, hi, p) };
    for (lo, hi) in [(0, 100), (0, 0), (10, 5), (M, M), (M - 100, M), (0, 1_000_000)] {
        t.add(e, format!("NULL count, [{lo}, {hi})"), HPK_ERR_NULL_POINTER, move |_| call(lo, hi, null_mut()));
    }
    for off in 1..8isize {
        for (lo, hi) in [(0, 100), (M, 0)] {
            t.add(e, format!("count misaligned by {off}, [{lo}, {hi})"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                call(lo, hi, shift(m.u64_out("count", 1), off))
            });
        }
    }
    let near_top = |lo: u64| PRIMES_BELOW_2_64.iter().filter(|&&k| 0u64.wrapping_sub(k) >= lo).count() as u64;
    for (lo, hi, want) in [
        (0, 0, 0),
        (5, 5, 0),
        (10, 5, 0),
        (M, M, 0),
        (M, 0, 0),
        (1 << 63, 1 << 62, 0),
        (0, 1, 0),
        (0, 2, 0),
        (1, 2, 0),
        (0, 3, 1),
        (2, 3, 1),
        (3, 5, 1),
        (0, 1_000_000, 78_498),
        (M - 99, M, near_top(M - 99)),
        (M - 399, M, near_top(M - 399)),
        (M - 58, M, 1),
        (M - 57, M, 0),
        (M - 1, M, 0),
    ] {
        if hi.saturating_sub(lo) <= 1000 {
            assert_eq!(reference_primes(lo, hi).len() as u64, want, "reference count of [{lo}, {hi})");
        }
        t.add(e, format!("valid: [{lo}, {hi}) -> {want}"), HPK_OK, move |m| call(lo, hi, m.u64_out("count", 1))).check(
            move |m| {
                same("count", m.u64s("count", 0, 1)[0], want)?;
                m.untouched_outside("count", 0..8)
            },
        );
    }
}

fn primes_rows(t: &mut Table) {
    let e = PRIMES;
    let call = |lo: u64, hi: u64, p: *mut u64, cap: usize, w: *mut usize| unsafe {
        (hpk().primes_in_range)(lo, hi, p, cap, w)
    };
    // NULL written (whatever primes is), NULL primes with a capacity.
    for (lo, hi) in [(0, 1000), (10, 5), (M - 100, M)] {
        t.add(e, format!("NULL written, [{lo}, {hi}), capacity 200"), HPK_ERR_NULL_POINTER, move |m| {
            call(lo, hi, m.u64_out("primes", 200), 200, null_mut())
        });
        t.add(e, format!("NULL written and primes, [{lo}, {hi}), capacity 0"), HPK_ERR_NULL_POINTER, move |_| {
            call(lo, hi, null_mut(), 0, null_mut())
        });
    }
    for (lo, hi, cap) in [(0, 1000, 1), (0, 1000, 200), (10, 5, 5), (0, 1000, usize::MAX)] {
        t.add(e, format!("NULL primes with capacity {cap}, [{lo}, {hi})"), HPK_ERR_NULL_POINTER, move |m| {
            call(lo, hi, null_mut(), cap, m.written())
        });
    }
    // capacity*8 overflows usize or is past isize::MAX.
    for cap in [usize::MAX, (1 << 61) + 1, 1 << 61, usize::MAX / 8, isize::MAX as usize / 8 + 1] {
        t.add(e, format!("capacity {cap}: capacity*8 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            call(0, 1000, m.u64_out("primes", 200), cap, m.written())
        });
    }
    // Misaligned primes or written.
    for off in 1..8isize {
        t.add(e, format!("primes misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            call(0, 1000, shift(m.u64_out("primes", 200), off), 100, m.written())
        });
        t.add(e, format!("written misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            call(0, 1000, m.u64_out("primes", 200), 200, shift(m.written(), off))
        });
    }
    // written inside primes: first, second, middle and last element.
    for k in [0, 1, 100, 199] {
        t.add(e, format!("written is element {k} of primes"), HPK_ERR_OVERLAP, move |m| {
            let p = m.u64_out("primes", 200);
            call(0, 1000, p, 200, p.wrapping_add(k).cast())
        });
    }
    // Capacity too small: status 5, *written = the requirement, primes untouched.
    let top = |lo: u64| -> Vec<u64> {
        let mut v: Vec<u64> = PRIMES_BELOW_2_64.iter().map(|&k| 0u64.wrapping_sub(k)).filter(|&p| p >= lo).collect();
        v.sort_unstable();
        v
    };
    for (lo, hi, cap, null_primes, required) in [
        (0, 1000, 0, true, 168),
        (0, 1000, 0, false, 168),
        (0, 1000, 1, false, 168),
        (0, 1000, 167, false, 168),
        (0, 3, 0, true, 1),
        (2, 3, 0, false, 1),
        (M - 99, M, 0, true, top(M - 99).len()),
        (M - 99, M, 2, false, top(M - 99).len()),
        (M - 399, M, 9, false, top(M - 399).len()),
        (M - 58, M, 0, true, 1),
    ] {
        t.add(
            e,
            format!("capacity {cap} too small for [{lo}, {hi}) (NULL primes: {null_primes})"),
            HPK_ERR_BUFFER_TOO_SMALL,
            move |m| {
                let p = m.u64_out("primes", 200);
                call(lo, hi, if null_primes { null_mut() } else { p }, cap, m.written())
            },
        )
        .check(move |m| same("*written", m.u64s("written", 0, 1)[0], required as u64));
    }
    // Valid: empty ranges, ranges at the ends of u64, exact lists; the rest of primes untouched.
    for (lo, hi, cap) in [
        (1000, 1000, 0),
        (1000, 10, 0),
        (M, M, 0),
        (M, 0, 0),
        (0, 0, 5),
        (0, 2, 0),
        (24, 29, 0),
        (M - 1, M, 0),
        (M - 57, M, 3),
        (0, 3, 1),
        (0, 1000, 168),
        (0, 1000, 200),
        (M - 99, M, 3),
        (M - 99, M, 10),
        (M - 399, M, 10),
        (M - 58, M, 1),
    ] {
        assert!(hi.saturating_sub(lo) <= 1000, "a short range only");
        let want = reference_primes(lo, hi);
        if lo >= M - 399 && lo < hi {
            assert_eq!(want, top(lo), "the literature's primes below 2^64 vs the reference");
        }
        t.add(e, format!("valid: [{lo}, {hi}) with capacity {cap} -> {} primes", want.len()), HPK_OK, move |m| {
            let p = m.u64_out("primes", 200);
            call(lo, hi, if cap == 0 { null_mut() } else { p }, cap, m.written())
        })
        .check(move |m| {
            let n = want.len();
            same("*written", m.u64s("written", 0, 1)[0], n as u64)?;
            same("primes", m.u64s("primes", 0, n), want.clone())?;
            m.untouched_outside("primes", 0..8 * n)
        });
    }
    t.add(e, "valid: written right after primes", HPK_OK, move |m| {
        let p = m.u64_out("primes", 169);
        call(0, 1000, p, 168, p.wrapping_add(168).cast())
    })
    .check(|m| {
        same("*written", m.u64s("primes", 168 * 8, 1)[0], 168)?;
        same("primes", m.u64s("primes", 0, 168), reference_primes(0, 1000))?;
        m.untouched_outside("primes", 0..169 * 8)
    });
}

fn thread_rows(t: &mut Table) {
    let e = THREADS;
    let set = |n: usize| unsafe { (hpk().set_num_threads)(n) };
    let get = || unsafe { (hpk().get_num_threads)() };
    let too_many = [
        1025,
        1026,
        1100,
        2048,
        4096,
        65_536,
        1 << 20,
        u32::MAX as usize,
        1 << 32,
        1 << 40,
        isize::MAX as usize,
        (isize::MAX as usize) + 1,
        usize::MAX - 1,
        usize::MAX,
    ];
    for prior in [1usize, 3] {
        for n in too_many {
            t.add(e, format!("{n} threads (setting {prior} before)"), HPK_ERR_INVALID_ARGUMENT, move |_| {
                assert_eq!(set(prior), HPK_OK);
                set(n)
            })
            .check(move |_| same("the setting after a rejected count", get(), prior))
            .sets_threads = true;
        }
    }
    for n in [1usize, 2, 1023, 1024] {
        t.add(e, format!("valid: {n} threads"), HPK_OK, move |_| set(n))
            .check(move |_| same("get_num_threads", get(), n))
            .sets_threads = true;
    }
    t.add(e, "valid: 0 restores the automatic count", HPK_OK, move |_| {
        assert_eq!(set(7), HPK_OK);
        set(0)
    })
    .check(move |_| {
        let from_env =
            std::env::var("HPK_NUM_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0);
        let want = from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).min(1024);
        same("get_num_threads after 0", get(), want)
    })
    .sets_threads = true;
}

fn full_table() -> Table {
    let mut t = Table::default();
    diffusion_rows(&mut t, Diffusion::Evolve);
    diffusion_rows(&mut t, Diffusion::Run);
    julia_grid_rows(&mut t);
    julia_tile_rows(&mut t);
    calculate_z_rows(&mut t);
    factor_rows(&mut t);
    bool_prime_rows(&mut t, CHECK_PRIME);
    bool_prime_rows(&mut t, IS_PRIME);
    batch_rows(&mut t);
    count_rows(&mut t);
    primes_rows(&mut t);
    // Last: these change the process-wide setting (restored below).
    thread_rows(&mut t);
    t
}

// ---------------------------------------------------------------------------------------------

#[test]
fn every_bad_input_of_every_export() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let table = full_table();
    let failures = run_table(&table, false);
    // Restore the automatic thread count.
    assert_eq!(unsafe { (hpk().set_num_threads)(0) }, HPK_OK);

    let mut per_export: BTreeMap<&str, (usize, usize)> = EXPORTS.iter().map(|&e| (e, (0, 0))).collect();
    for case in &table.cases {
        let counts = per_export.get_mut(case.export).expect("a row of an unknown export");
        if case.expect == HPK_OK {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
    }
    let mut per_status: BTreeMap<HpkStatus, usize> = BTreeMap::new();
    for case in &table.cases {
        *per_status.entry(case.expect).or_default() += 1;
    }
    // Straight to the process's stderr, past libtest's capture: the counts show in every run's log.
    let by_status: Vec<String> = per_status.iter().map(|(s, n)| format!("{}: {n}", status_name(*s))).collect();
    let mut report = String::from("bad-input cases tried per export (error rows + valid edge rows):\n");
    for (export, (errors, valid)) in &per_export {
        report += &format!("  {export:<30} {:>4}  ({errors} errors + {valid} valid)\n", errors + valid);
    }
    report += &format!("  {:<30} {:>4}\nby expected status: {}\n", "total", table.cases.len(), by_status.join(", "));
    std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes()).unwrap();

    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), table.cases.len(), failures.join("\n"));
    for (export, (errors, valid)) in &per_export {
        assert!(errors + valid >= MIN_ROWS_PER_EXPORT, "{export}: only {} rows", errors + valid);
        assert!(*errors >= 10 && *valid >= 1, "{export}: {errors} error rows, {valid} valid rows");
    }
    // Every error status an input can cause is exercised (not OUT_OF_MEMORY or PANIC).
    for status in [
        HPK_OK,
        HPK_ERR_NULL_POINTER,
        HPK_ERR_INVALID_SIZE,
        HPK_ERR_INVALID_ARGUMENT,
        HPK_ERR_OVERLAP,
        HPK_ERR_BUFFER_TOO_SMALL,
    ] {
        assert!(per_status.get(&status).copied().unwrap_or(0) > 0, "no row expects {}", status_name(status));
    }
}

/// The same table with a progress handler set on every row's thread (one that never cancels):
/// the same statuses, untouched outputs and values, and no report before an error status.
#[test]
fn every_bad_input_of_every_export_with_a_progress_handler_set() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let table = full_table();
    let failures = run_table(&table, true);
    assert_eq!(unsafe { (hpk().set_num_threads)(0) }, HPK_OK);
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), table.cases.len(), failures.join("\n"));
}

/// hpk_set_progress_handler has no bad input: NULL removes the handler (any user_data), any
/// interval is valid (0 = the default), user_data is never dereferenced. It never sets the
/// last-error text, and the thread's next calls work.
#[test]
fn set_progress_handler_accepts_every_input() {
    std::thread::spawn(|| {
        let lib = hpk();
        let set = |f: ProgressFn, data: usize, ms: u32| unsafe {
            (lib.set_progress_handler)(f, data as *mut std::ffi::c_void, ms)
        };
        for data in [0usize, 1, 0xDEAD_BEEF, usize::MAX] {
            for ms in [0u32, 1, 100, 1000, u32::MAX - 1, u32::MAX] {
                assert_eq!(set(None, data, ms), HPK_OK);
                assert_eq!(set(Some(count_reports), data, ms), HPK_OK);
            }
        }
        // Set twice in a row, then removed twice in a row.
        assert_eq!(set(Some(count_reports), 0, 1), HPK_OK);
        assert_eq!(set(Some(count_reports), 0, 1), HPK_OK);
        let mut count = 0;
        assert_eq!(unsafe { (lib.count_primes)(0, 1_000_000, &mut count) }, HPK_OK);
        assert_eq!(count, 78_498);
        assert_eq!(set(None, 0, 0), HPK_OK);
        assert_eq!(set(None, 0, 0), HPK_OK);
        assert_eq!(lib.last_error(), "", "hpk_set_progress_handler never records an error");
        // Removed: a long call reports nothing.
        let before = REPORTS.with(|r| r.get());
        assert_eq!(unsafe { (lib.count_primes)(0, 300_000_000, &mut count) }, HPK_OK);
        assert_eq!(count, 16_252_325);
        assert_eq!(REPORTS.with(|r| r.get()), before);
    })
    .join()
    .unwrap();
}

/// The harness itself must catch a wrong status, a written output, a wrong value and a stray
/// last-error text; otherwise a passing table would prove nothing.
#[test]
fn the_harness_reports_broken_rows() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut t = Table::default();
    t.add(IS_PRIME, "wrong expected status", HPK_ERR_INVALID_ARGUMENT, |_| unsafe { (hpk().is_prime)(7, null_mut()) });
    t.add(IS_PRIME, "output written on an error", HPK_ERR_NULL_POINTER, |m| {
        let out = m.bool_out("is_prime", 1);
        unsafe {
            out.cast::<u8>().write(1);
            (hpk().is_prime)(7, null_mut())
        }
    });
    t.add(IS_PRIME, "input changed", HPK_OK, |m| {
        let numbers = m.u64_in("numbers", &[7]);
        unsafe {
            numbers.write(8);
            (hpk().is_prime)(7, m.bool_out("is_prime", 1))
        }
    });
    t.add(IS_PRIME, "wrong value", HPK_OK, |m| unsafe { (hpk().is_prime)(9, m.bool_out("is_prime", 1)) })
        .check(|m| same("is_prime byte", m.bytes("is_prime")[0], 1));
    t.add(IS_PRIME, "last error set before a success", HPK_OK, |m| unsafe {
        (hpk().is_prime)(7, null_mut());
        (hpk().is_prime)(7, m.bool_out("is_prime", 1))
    });
    t.add(PRIMES, "written changed on a non-size error", HPK_ERR_NULL_POINTER, |m| {
        let w = m.written();
        unsafe {
            w.write(3);
            (hpk().primes_in_range)(0, 100, null_mut(), 5, w)
        }
    });
    t.add(THREADS, "setting changed by a row that does not declare it", HPK_OK, |_| unsafe {
        let before = (hpk().get_num_threads)();
        (hpk().set_num_threads)(before + 1)
    });
    let failures = run_table(&t, false);
    assert_eq!(unsafe { (hpk().set_num_threads)(0) }, HPK_OK);
    let expected = [
        ("wrong expected status", "expected HPK_ERR_INVALID_ARGUMENT"),
        ("output written on an error", "region `is_prime` changed"),
        ("input changed", "region `numbers` changed"),
        ("wrong value", "is_prime byte: got 0, want 1"),
        ("last error set before a success", "the last-error text was set"),
        ("written changed on a non-size error", "region `written` changed"),
        ("setting changed", "the thread count changed"),
    ];
    assert_eq!(failures.len(), expected.len(), "{failures:#?}");
    for ((row, fragment), failure) in expected.iter().zip(&failures) {
        assert!(failure.contains(row) && failure.contains(fragment), "{failure:?} should report {fragment:?}");
    }
}
