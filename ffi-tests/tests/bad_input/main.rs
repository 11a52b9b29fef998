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
//!
//! Layout: `harness` (memory, table, checks), then the rows by API area: `diffusion`,
//! `julia_grid` (grid and tile), `calculate_z`, `primes` (single numbers and batches),
//! `ranges` (count and list), `threads`.

mod calculate_z;
mod diffusion;
mod harness;
mod julia_grid;
mod primes;
mod ranges;
mod threads;

use harness::*;
use hpkern_ffi_tests::testkit::primes::smallest_factor_in as reference_factor;
use hpkern_ffi_tests::testkit::primes::{is_prime as reference_is_prime, primes_in as reference_primes};
use hpkern_ffi_tests::*;
use std::collections::BTreeMap;
use std::ptr::{null, null_mut};

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

/// `rows x cols` that overflow usize.
const OVERFLOWING_USIZE: [(usize, usize); 6] = [
    (usize::MAX, 2),
    (2, usize::MAX),
    (1 << 32, 1 << 32),
    (usize::MAX, usize::MAX),
    (1 << 33, 1 << 31),
    (3, usize::MAX / 2),
];

/// The book's Julia constant c.
const BOOK_C: [f64; 2] = [testkit::julia::BOOK_C.0, testkit::julia::BOOK_C.1];

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

fn full_table() -> Table {
    let mut t = Table::default();
    diffusion::diffusion_rows(&mut t, diffusion::Diffusion::Evolve);
    diffusion::diffusion_rows(&mut t, diffusion::Diffusion::Run);
    julia_grid::julia_grid_rows(&mut t);
    julia_grid::julia_tile_rows(&mut t);
    calculate_z::calculate_z_rows(&mut t);
    primes::factor_rows(&mut t);
    primes::bool_prime_rows(&mut t, CHECK_PRIME);
    primes::bool_prime_rows(&mut t, IS_PRIME);
    primes::batch_rows(&mut t);
    ranges::count_rows(&mut t);
    ranges::primes_rows(&mut t);
    // Last: these change the process-wide setting (restored below).
    threads::thread_rows(&mut t);
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
