//! The harness: the memory of one row (named regions with canaries), the table, and running a
//! row on a fresh thread with every generic check.

use hpkern_ffi_tests::testkit::canary;
use hpkern_ffi_tests::*;
use std::ops::Range;
use std::sync::Mutex;

// ---------------------------------------------------------------------------------------------
// Canaries: what every output holds before a call.

/// A signalling-NaN payload no kernel computes: an f64 output still holding it was not written.
pub(crate) const F64_CANARY: u64 = canary::F64_BITS;
pub(crate) const I32_CANARY: u32 = canary::I32 as u32;
pub(crate) const U64_CANARY: u64 = canary::U64;
/// Bool outputs are u8 memory passed as `*mut bool`: 0xA5 is not a valid Rust bool, so no `bool`
/// is ever read from it; results are compared as bytes (0 or 1).
pub(crate) const BOOL_CANARY: u8 = canary::BYTE;

// ---------------------------------------------------------------------------------------------
// The memory of one row.

#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Kind {
    /// Read by the call: must never change.
    Input,
    /// Written on success only: must be unchanged after an error.
    Output,
    /// `*written`: may change on HPK_ERR_BUFFER_TOO_SMALL.
    Written,
}

pub(crate) struct Region {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) words: Vec<u64>,
    pub(crate) initial: Vec<u64>,
}

/// Named regions of u64 words (so 8-byte aligned; misaligned pointers are made inside them).
#[derive(Default)]
pub(crate) struct Mem {
    pub(crate) regions: Vec<Region>,
}

impl Mem {
    /// A region holding `words` plus one spare `pad` word (catches writes past the end and keeps
    /// misaligned views in bounds).
    pub(crate) fn region(&mut self, name: &'static str, kind: Kind, mut words: Vec<u64>, pad: u64) -> *mut u8 {
        assert!(self.regions.iter().all(|r| r.name != name), "region {name} twice");
        words.push(pad);
        let initial = words.clone();
        self.regions.push(Region { name, kind, words, initial });
        self.regions.last_mut().unwrap().words.as_mut_ptr().cast()
    }
    pub(crate) fn f64_out(&mut self, name: &'static str, n: usize) -> *mut f64 {
        self.region(name, Kind::Output, vec![F64_CANARY; n], F64_CANARY).cast()
    }
    pub(crate) fn f64_in(&mut self, name: &'static str, values: &[f64]) -> *mut f64 {
        self.region(name, Kind::Input, values.iter().map(|v| v.to_bits()).collect(), F64_CANARY).cast()
    }
    /// Values that the call may overwrite on success (run's grid, a buffer shared by in and out).
    pub(crate) fn f64_inout(&mut self, name: &'static str, values: &[f64]) -> *mut f64 {
        self.region(name, Kind::Output, values.iter().map(|v| v.to_bits()).collect(), F64_CANARY).cast()
    }
    pub(crate) fn i32_out(&mut self, name: &'static str, n: usize) -> *mut i32 {
        let word = (I32_CANARY as u64) << 32 | I32_CANARY as u64;
        self.region(name, Kind::Output, vec![word; n.div_ceil(2)], word).cast()
    }
    pub(crate) fn u64_out(&mut self, name: &'static str, n: usize) -> *mut u64 {
        self.region(name, Kind::Output, vec![U64_CANARY; n], U64_CANARY).cast()
    }
    pub(crate) fn u64_in(&mut self, name: &'static str, values: &[u64]) -> *mut u64 {
        self.region(name, Kind::Input, values.to_vec(), U64_CANARY).cast()
    }
    pub(crate) fn bool_out(&mut self, name: &'static str, n: usize) -> *mut bool {
        let word = u64::from_ne_bytes([BOOL_CANARY; 8]);
        self.region(name, Kind::Output, vec![word; n.div_ceil(8)], word).cast()
    }
    pub(crate) fn complex_in(&mut self, name: &'static str, values: &[HpkComplex]) -> *mut HpkComplex {
        let words = values.iter().flat_map(|c| [c.re.to_bits(), c.im.to_bits()]).collect();
        self.region(name, Kind::Input, words, F64_CANARY).cast()
    }
    /// `*written` of hpk_primes_in_range.
    pub(crate) fn written(&mut self) -> *mut usize {
        self.region("written", Kind::Written, vec![U64_CANARY], U64_CANARY).cast()
    }

    pub(crate) fn get(&self, name: &str) -> &Region {
        self.regions.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no region {name}"))
    }
    pub(crate) fn bytes(&self, name: &str) -> &[u8] {
        let words = &self.get(name).words;
        // SAFETY: plain bytes of a live Vec<u64>.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), words.len() * 8) }
    }
    pub(crate) fn initial_bytes(&self, name: &str) -> &[u8] {
        let words = &self.get(name).initial;
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), words.len() * 8) }
    }
    pub(crate) fn u64s(&self, name: &str, byte: usize, n: usize) -> Vec<u64> {
        self.bytes(name)[byte..byte + 8 * n].chunks(8).map(|c| u64::from_ne_bytes(c.try_into().unwrap())).collect()
    }
    pub(crate) fn f64s(&self, name: &str, n: usize) -> Vec<f64> {
        self.u64s(name, 0, n).into_iter().map(f64::from_bits).collect()
    }
    pub(crate) fn i32s(&self, name: &str, byte: usize, n: usize) -> Vec<i32> {
        self.bytes(name)[byte..byte + 4 * n].chunks(4).map(|c| i32::from_ne_bytes(c.try_into().unwrap())).collect()
    }
    /// Every byte of `name` outside `range` is as before the call.
    pub(crate) fn untouched_outside(&self, name: &str, range: Range<usize>) -> Result<(), String> {
        let (now, before) = (self.bytes(name), self.initial_bytes(name));
        match (0..now.len()).find(|&i| !range.contains(&i) && now[i] != before[i]) {
            Some(i) => Err(format!("{name}: byte {i}, outside the written bytes {range:?}, changed")),
            None => Ok(()),
        }
    }
}

/// `p` moved by `bytes` (a possibly misaligned pointer; never dereferenced here).
pub(crate) fn shift<T>(p: *mut T, bytes: isize) -> *mut T {
    p.cast::<u8>().wrapping_offset(bytes).cast()
}

// ---------------------------------------------------------------------------------------------
// The table and its harness.

pub(crate) type Call = Box<dyn Fn(&mut Mem) -> HpkStatus + Send + Sync>;
pub(crate) type Check = Box<dyn Fn(&Mem) -> Result<(), String> + Send + Sync>;

pub(crate) struct Case {
    pub(crate) export: &'static str,
    pub(crate) name: String,
    pub(crate) expect: HpkStatus,
    pub(crate) call: Call,
    pub(crate) check: Option<Check>,
    /// The row sets a valid thread count: the setting may change.
    pub(crate) sets_threads: bool,
}

impl Case {
    /// What to verify after the call besides the generic checks (values on success, the
    /// requirement on HPK_ERR_BUFFER_TOO_SMALL, the setting after a rejected thread count).
    pub(crate) fn check(&mut self, f: impl Fn(&Mem) -> Result<(), String> + Send + Sync + 'static) -> &mut Self {
        self.check = Some(Box::new(f));
        self
    }
}

#[derive(Default)]
pub(crate) struct Table {
    pub(crate) cases: Vec<Case>,
}

impl Table {
    pub(crate) fn add(
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
pub(crate) fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

pub(crate) fn status_name(status: HpkStatus) -> String {
    STATUSES
        .iter()
        .find(|s| s.1 == status)
        .map_or_else(|| format!("unknown status {status}"), |s| format!("{} [{status}]", s.0))
}

thread_local! {
    /// Reports the row's progress handler received on this thread.
    pub(crate) static REPORTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A progress handler that never cancels and counts its calls.
pub(crate) unsafe extern "C" fn count_reports(_: *mut std::ffi::c_void, done: u64, total: u64) -> i32 {
    assert!(done <= total);
    REPORTS.with(|r| r.set(r.get() + 1));
    0
}

/// Run one row on a fresh thread; the list of what went wrong. With `handler`, the thread first
/// sets a progress handler (1 ms interval) that never cancels: every row must behave the same,
/// and no error status may come after a report (errors are found before any work).
pub(crate) fn run_case(case: &Case, handler: bool) -> Vec<String> {
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
pub(crate) fn run_table(table: &Table, handler: bool) -> Vec<String> {
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
pub(crate) static SERIAL: Mutex<()> = Mutex::new(());
