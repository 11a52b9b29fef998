//! hpk_set_progress_handler through the built library: reports on the calling thread only,
//! `done` monotonic and at most `total`, `total` fixed, handlers per thread, removal with NULL,
//! cancels on every function that reports (HPK_ERR_CANCELLED promptly, outputs as documented),
//! right answers with a handler that never cancels and after a cancel.
//!
//! Timing bounds are generous (seconds): the machine may be a loaded 2-core VM. The tests of this
//! file run one at a time (they are heavy and one of them changes the thread count).

use hpkern_ffi_tests::*;
use std::ffi::c_void;
use std::ptr::{null_mut, NonNull};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A cancel must take effect within the interval plus a few milliseconds; allow for a loaded VM.
const PROMPT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy)]
struct Report {
    thread: ThreadId,
    done: u64,
    total: u64,
    at: Instant,
}

/// What a handler records, through its user_data.
struct Log {
    reports: Mutex<Vec<Report>>,
    /// Return nonzero from this report on (1 = the first); 0 = never.
    cancel_at: usize,
}

impl Log {
    fn new(cancel_at: usize) -> Box<Log> {
        Box::new(Log { reports: Mutex::new(Vec::new()), cancel_at })
    }

    fn reports(&self) -> Vec<Report> {
        self.reports.lock().unwrap().clone()
    }
}

unsafe extern "C" fn record(user_data: *mut c_void, done: u64, total: u64) -> i32 {
    // SAFETY: user_data is the &Log the test passed, alive until the handler is removed.
    let log = unsafe { &*(user_data as *const Log) };
    let mut reports = log.reports.lock().unwrap();
    reports.push(Report { thread: std::thread::current().id(), done, total, at: Instant::now() });
    i32::from(log.cancel_at != 0 && reports.len() >= log.cancel_at)
}

/// Sets `log` as this thread's handler until dropped.
struct Handler<'a>(std::marker::PhantomData<&'a Log>);

impl<'a> Handler<'a> {
    fn set(log: &'a Log, interval_ms: u32) -> Self {
        let p = NonNull::from(log).as_ptr().cast::<c_void>();
        assert_eq!(unsafe { (hpk().set_progress_handler)(Some(record), p, interval_ms) }, HPK_OK);
        Handler(std::marker::PhantomData)
    }
}

impl Drop for Handler<'_> {
    fn drop(&mut self) {
        assert_eq!(unsafe { (hpk().set_progress_handler)(None, null_mut(), 0) }, HPK_OK);
    }
}

/// The reports of one call are well-formed: on this thread, done monotonic and <= total, total
/// fixed (and equal to `total` if given).
fn check_reports(reports: &[Report], total: Option<u64>) {
    let me = std::thread::current().id();
    for r in reports {
        assert_eq!(r.thread, me, "a report on another thread: {reports:?}");
        assert!(r.done <= r.total, "done > total: {r:?}");
        assert_eq!(r.total, reports[0].total, "total changed: {reports:?}");
        if let Some(t) = total {
            assert_eq!(r.total, t);
        }
    }
    assert!(reports.windows(2).all(|w| w[0].done <= w[1].done), "done decreased: {reports:?}");
}

/// Run `call` with a handler that cancels at its first report (interval `ms`); it must return
/// HPK_ERR_CANCELLED promptly with a last-error text about the cancel. Returns the reports.
fn cancelled(what: &str, ms: u32, call: impl FnOnce() -> HpkStatus) -> Vec<Report> {
    let log = Log::new(1);
    let handler = Handler::set(&log, ms);
    let start = Instant::now();
    let status = call();
    let end = Instant::now();
    drop(handler);
    let reports = log.reports();
    assert_eq!(status, HPK_ERR_CANCELLED, "{what}: {} ({})", hpk().message(status), hpk().last_error());
    assert!(!reports.is_empty(), "{what}: cancelled without a report");
    check_reports(&reports, None);
    let first = reports[0].at;
    eprintln!(
        "{what}: cancelled at the first report after {:?}; returned {:?} later (done {} of {})",
        first - start,
        end - first,
        reports.last().unwrap().done,
        reports[0].total
    );
    assert!(end - first < PROMPT, "{what}: returned {:?} after the cancel", end - first);
    assert!(first - start >= Duration::from_millis(u64::from(ms)) / 2, "{what}: first report before the interval");
    let text = hpk().last_error();
    assert!(text.to_lowercase().contains("cancel"), "{what}: last error {text:?}");
    reports
}

const PRIME_NEAR_2_64: u64 = 18_446_744_073_709_551_557;

#[test]
fn status_8_is_cancelled_and_has_its_text() {
    assert_eq!(HPK_ERR_CANCELLED, 8);
    assert_eq!(header_define("HPK_ERR_CANCELLED"), 8);
    let text = hpk().message(HPK_ERR_CANCELLED);
    assert!(text.contains("cancel"), "{text}");
    let header = header_text().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        header.contains("typedef int32_t (*hpk_progress_fn)(void *user_data, uint64_t done, uint64_t total);"),
        "the header declares hpk_progress_fn as the issue does"
    );
    assert!(header
        .contains("hpk_status hpk_set_progress_handler(hpk_progress_fn fn, void *user_data, uint32_t interval_ms);"));
}

#[test]
fn every_reporting_function_cancels_promptly_leaving_outputs_as_documented() {
    let _s = serial();
    let lib = hpk();
    unsafe {
        // Scalars untouched.
        let mut count = 0xDEAD_u64;
        cancelled("count_primes", 20, || (lib.count_primes)(0, 1_000_000_000_000, &mut count));
        assert_eq!(count, 0xDEAD);

        let mut flag = 7u8; // not a valid bool: only ever compared as a byte
        cancelled("check_prime", 5, || (lib.check_prime)(PRIME_NEAR_2_64, (&mut flag as *mut u8).cast()));
        assert_eq!(flag, 7);

        let mut factor = 0xBEEF_u64;
        cancelled("smallest_factor_in_range", 5, || {
            (lib.smallest_factor_in_range)(PRIME_NEAR_2_64, 2, u64::MAX, &mut factor)
        });
        assert_eq!(factor, 0xBEEF);

        // primes_in_range: the buffer and *written untouched (here a buffer far too small, whose
        // uncancelled answer would be HPK_ERR_BUFFER_TOO_SMALL after counting).
        let mut primes = vec![0xC0FFEE_u64; 16];
        let mut written = 0xABCD_usize;
        cancelled("primes_in_range", 20, || {
            (lib.primes_in_range)(1 << 40, (1 << 40) + 100_000_000_000, primes.as_mut_ptr(), primes.len(), &mut written)
        });
        assert!(primes.iter().all(|&p| p == 0xC0FFEE));
        assert_eq!(written, 0xABCD);
        // The size query is cancellable too, answered from pi(x) ([0, 10^13): seconds) or by the
        // sieve (near 2^64).
        cancelled("primes_in_range size query by pi", 20, || {
            (lib.primes_in_range)(0, 10_000_000_000_000, std::ptr::null_mut(), 0, &mut written)
        });
        assert_eq!(written, 0xABCD);
        cancelled("primes_in_range size query by the sieve", 20, || {
            (lib.primes_in_range)(u64::MAX - 100_000_000_000, u64::MAX, std::ptr::null_mut(), 0, &mut written)
        });
        assert_eq!(written, 0xABCD);

        // Arrays: may be partly written; what is written is right.
        let numbers = vec![PRIME_NEAR_2_64; 3_000_000];
        let mut flags = vec![0xAAu8; numbers.len()];
        cancelled("is_prime_batch", 20, || {
            (lib.is_prime_batch)(numbers.as_ptr(), numbers.len(), flags.as_mut_ptr().cast())
        });
        assert!(flags.iter().all(|&f| f == 0xAA || f == 1));
        assert!(flags.contains(&0xAA), "a cancelled batch did not stop early");

        let (w, h) = (2000usize, 2000usize);
        let mut out = vec![-1i32; w * h];
        // c = 0: every point of the unit disc stays bounded and runs all 10^6 iterations.
        cancelled("julia_grid", 20, || {
            (lib.julia_grid)(-1.8, 1.8, -1.8, 1.8, w, h, 0.0, 0.0, 1_000_000, out.as_mut_ptr())
        });
        assert!(out.contains(&-1), "a cancelled grid did not stop early");

        let zs = vec![HpkComplex::new(0.1, 0.1); 1_000_000];
        let cs = vec![HpkComplex::new(0.0, 0.0); zs.len()];
        let mut out = vec![-1i32; zs.len()];
        cancelled("julia_calculate_z", 20, || {
            (lib.julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), zs.len(), 1_000_000, out.as_mut_ptr())
        });
        assert!(out.iter().all(|&v| v == -1 || v == 1_000_000));
        assert!(out.contains(&-1));

        // Right answers after the cancels.
        assert_eq!((lib.count_primes)(0, 1_000_000, &mut count), HPK_OK);
        assert_eq!(count, 78_498);
        let mut is_prime = false;
        assert_eq!((lib.check_prime)(100_109_100_129_100_151, &mut is_prime), HPK_OK);
        assert!(is_prime);
    }
}

/// A grid with a bump, `rows x cols`.
fn bump(rows: usize, cols: usize) -> Vec<f64> {
    let mut rng = Rng::new(rows as u64 * 31 + cols as u64);
    (0..rows * cols).map(|_| rng.unit()).collect()
}

fn run_steps(grid: &mut [f64], rows: usize, cols: usize, boundary: HpkBoundary, steps: u64) -> HpkStatus {
    let mut scratch = vec![0.0; grid.len()];
    unsafe { (hpk().diffusion_run)(grid.as_mut_ptr(), scratch.as_mut_ptr(), rows, cols, 1.0, 0.1, boundary, steps) }
}

/// The issue's `primes(0, 10**11)`: the size query answers at once (pi(x), not a sieve of 10^11
/// numbers), with or without a handler.
#[test]
fn a_wide_size_query_is_fast_and_exact() {
    let _s = serial();
    for handler in [false, true] {
        let log = Log::new(0);
        let h = handler.then(|| Handler::set(&log, 10));
        let mut written = 0usize;
        let start = Instant::now();
        let status = unsafe { (hpk().primes_in_range)(0, 100_000_000_000, std::ptr::null_mut(), 0, &mut written) };
        let took = start.elapsed();
        drop(h);
        assert_eq!((status, written), (HPK_ERR_BUFFER_TOO_SMALL, 4_118_054_813));
        assert!(took < Duration::from_secs(5), "{took:?}");
        check_reports(&log.reports(), Some(100_000_000_000));
    }
    // A buffer that may be large enough is sieved and filled as before.
    let mut primes = vec![0u64; 80_000];
    let mut written = 0usize;
    assert_eq!(
        unsafe { (hpk().primes_in_range)(0, 1_000_000, primes.as_mut_ptr(), primes.len(), &mut written) },
        HPK_OK
    );
    assert_eq!((written, primes[written - 1]), (78_498, 999_983));
}

#[test]
fn a_cancelled_run_leaves_the_grid_at_the_last_reported_step() {
    let _s = serial();
    // Tiles (512^2), the wavefront (2048^2) and plain steps (64^2, on the calling thread's
    // helper), both boundaries for two of them.
    for (rows, cols, boundary) in [
        (512, 512, HPK_BOUNDARY_FIXED),
        (512, 512, HPK_BOUNDARY_PERIODIC),
        (2048, 2048, HPK_BOUNDARY_FIXED),
        (64, 64, HPK_BOUNDARY_PERIODIC),
    ] {
        let start = bump(rows, cols);
        let mut grid = start.clone();
        let steps = 100_000_000;
        let reports = cancelled("diffusion_run", 20, || run_steps(&mut grid, rows, cols, boundary, steps));
        let last = reports.last().unwrap();
        assert_eq!(last.total, steps);
        assert!(last.done < steps, "{reports:?}");
        let mut fresh = start.clone();
        assert_eq!(run_steps(&mut fresh, rows, cols, boundary, last.done), HPK_OK);
        let same = grid.iter().zip(&fresh).all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{rows}x{cols} boundary {boundary}: the grid is not the one of {} steps", last.done);
    }
}

#[test]
fn a_handler_that_never_cancels_changes_no_result() {
    let _s = serial();
    let lib = hpk();
    let log = Log::new(0);
    // Results without a handler first.
    let (w, h) = (1000usize, 1000usize);
    let mut plain_grid = vec![0i32; w * h];
    let start = bump(512, 512);
    let mut plain_run = start.clone();
    unsafe {
        assert_eq!(
            (lib.julia_grid)(-1.8, 1.8, -1.8, 1.8, w, h, -0.62772, -0.42193, 3000, plain_grid.as_mut_ptr()),
            HPK_OK
        );
    }
    assert_eq!(run_steps(&mut plain_run, 512, 512, HPK_BOUNDARY_FIXED, 1003), HPK_OK);

    let handler = Handler::set(&log, 1);
    unsafe {
        let mut grid = vec![0i32; w * h];
        assert_eq!((lib.julia_grid)(-1.8, 1.8, -1.8, 1.8, w, h, -0.62772, -0.42193, 3000, grid.as_mut_ptr()), HPK_OK);
        assert_eq!(grid, plain_grid);
        let (zs, cs) = book_julia_points();
        let mut out = vec![0i32; zs.len()];
        assert_eq!((lib.julia_calculate_z)(zs.as_ptr(), cs.as_ptr(), zs.len(), 300, out.as_mut_ptr()), HPK_OK);
        assert_eq!(out.iter().map(|&v| i64::from(v)).sum::<i64>(), BOOK_JULIA_SUM);

        let mut run = start.clone();
        assert_eq!(run_steps(&mut run, 512, 512, HPK_BOUNDARY_FIXED, 1003), HPK_OK);
        assert!(run.iter().zip(&plain_run).all(|(a, b)| a.to_bits() == b.to_bits()));

        let input = bump(2048, 2048);
        let (mut a, mut b) = (vec![0.0; input.len()], vec![0.0; input.len()]);
        assert_eq!((lib.diffusion_evolve)(input.as_ptr(), a.as_mut_ptr(), 2048, 2048, 1.0, 0.1, 0), HPK_OK);
        drop(handler);
        assert_eq!((lib.diffusion_evolve)(input.as_ptr(), b.as_mut_ptr(), 2048, 2048, 1.0, 0.1, 0), HPK_OK);
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
        let _h = Handler::set(&log, 1);

        let mut count = 0;
        assert_eq!((lib.count_primes)(0, 1_000_000_000, &mut count), HPK_OK);
        assert_eq!(count, 50_847_534);
        let mut n = 0usize;
        let mut primes = vec![0u64; 5_000_000];
        assert_eq!((lib.primes_in_range)(0, 50_000_000, primes.as_mut_ptr(), primes.len(), &mut n), HPK_OK);
        assert_eq!(n, 3_001_134);
        assert_eq!(primes[n - 1], 49_999_991);
        let mut is_prime = true;
        assert_eq!((lib.check_prime)(PRIME_NEAR_2_64 - 2, &mut is_prime), HPK_OK);
        assert!(!is_prime);
        assert_eq!((lib.check_prime)(PRIME_NEAR_2_64, &mut is_prime), HPK_OK);
        assert!(is_prime);
        let mut factor = 0;
        let semiprime = 4_294_967_291u64 * 4_294_967_279; // two primes just below 2^32
        assert_eq!((lib.smallest_factor_in_range)(semiprime, 2, u64::MAX, &mut factor), HPK_OK);
        assert_eq!(factor, 4_294_967_279);
        assert_eq!((lib.smallest_factor_in_range)(semiprime, 4_294_967_280, u64::MAX, &mut factor), HPK_OK);
        assert_eq!(factor, 4_294_967_291);
        let numbers: Vec<u64> = (0..200_000u64).map(|i| PRIME_NEAR_2_64 - 2 * i).collect();
        let mut flags = vec![false; numbers.len()];
        assert_eq!((lib.is_prime_batch)(numbers.as_ptr(), numbers.len(), flags.as_mut_ptr()), HPK_OK);
        for (i, (&n, &f)) in numbers.iter().zip(&flags).enumerate().step_by(997) {
            let mut one = false;
            assert_eq!((lib.is_prime)(n, &mut one), HPK_OK);
            assert_eq!(f, one, "{i}");
        }
    }
    let reports = log.reports();
    assert!(!reports.is_empty(), "a 1 ms interval gave no report over all these calls");
    assert!(reports.iter().all(|r| r.thread == std::thread::current().id() && r.done <= r.total));
}

#[test]
fn reports_are_spaced_by_the_interval_and_monotonic() {
    let _s = serial();
    let log = Log::new(0);
    let start = Instant::now();
    {
        let _h = Handler::set(&log, 50);
        let mut count = 0;
        assert_eq!(unsafe { (hpk().count_primes)(0, 20_000_000_000, &mut count) }, HPK_OK);
        assert_eq!(count, 882_206_716);
    }
    let elapsed = start.elapsed();
    let reports = log.reports();
    check_reports(&reports, Some(20_000_000_000));
    // At most once per interval (a millisecond of slack for the clock reads).
    for w in reports.windows(2) {
        assert!(w[1].at - w[0].at >= Duration::from_millis(49), "{:?}", w[1].at - w[0].at);
    }
    if elapsed > Duration::from_millis(500) {
        assert!(!reports.is_empty(), "no report in {elapsed:?}");
    }
    assert!(reports.len() as u128 <= elapsed.as_millis() / 50 + 1, "{} reports in {elapsed:?}", reports.len());
}

#[test]
fn handlers_are_per_thread_and_removed_by_null() {
    let _s = serial();
    let work = |cancel_at: usize, lo: u64| {
        let log = Log::new(cancel_at);
        let status;
        let mut count = 0;
        {
            let _h = Handler::set(&log, 10);
            status = unsafe { (hpk().count_primes)(lo, lo + 3_000_000_000, &mut count) };
        }
        (status, count, log.reports(), std::thread::current().id())
    };
    // Two threads at once: one never cancels, one cancels at its third report.
    let (a, b, c) = std::thread::scope(|s| {
        let a = s.spawn(|| work(0, 0));
        let b = s.spawn(|| work(3, 1 << 40));
        // A third thread with no handler: no report from its call reaches the other two.
        let c = s.spawn(|| {
            let mut count = 0;
            let status = unsafe { (hpk().count_primes)(0, 2_000_000_000, &mut count) };
            (status, count)
        });
        (a.join().unwrap(), b.join().unwrap(), c.join().unwrap())
    });
    assert_eq!((a.0, a.1), (HPK_OK, 144_449_537));
    assert!(a.2.iter().all(|r| r.thread == a.3 && r.total == 3_000_000_000));
    assert_eq!(b.0, HPK_ERR_CANCELLED);
    assert!(b.2.len() >= 3 && b.2.iter().all(|r| r.thread == b.3 && r.total == 3_000_000_000));
    assert_eq!(c, (HPK_OK, 98_222_287));

    // Set, then removed with NULL: no more reports.
    let log = Log::new(1);
    drop(Handler::set(&log, 1));
    let mut count = 0;
    assert_eq!(unsafe { (hpk().count_primes)(0, 2_000_000_000, &mut count) }, HPK_OK);
    assert_eq!(count, 98_222_287);
    assert!(log.reports().is_empty());
    // NULL with any user_data and interval is valid.
    for ms in [0, 1, 100, u32::MAX] {
        assert_eq!(unsafe { (hpk().set_progress_handler)(None, 0x1234 as *mut c_void, ms) }, HPK_OK);
    }
    assert_eq!(hpk().last_error(), "", "hpk_set_progress_handler never fails");
}

#[test]
fn one_thread_setting_still_reports_on_the_calling_thread_and_cancels() {
    let _s = serial();
    assert_eq!(unsafe { (hpk().set_num_threads)(1) }, HPK_OK);
    let mut count = 1234;
    let reports =
        cancelled("count_primes on one thread", 20, || unsafe { (hpk().count_primes)(0, 1 << 40, &mut count) });
    assert_eq!(count, 1234);
    check_reports(&reports, Some(1 << 40));
    let start = bump(256, 256);
    let mut grid = start.clone();
    let reports =
        cancelled("diffusion_run on one thread", 20, || run_steps(&mut grid, 256, 256, HPK_BOUNDARY_FIXED, 1 << 40));
    let done = reports.last().unwrap().done;
    let mut fresh = start.clone();
    assert_eq!(run_steps(&mut fresh, 256, 256, HPK_BOUNDARY_FIXED, done), HPK_OK);
    assert!(grid.iter().zip(&fresh).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert_eq!(unsafe { (hpk().set_num_threads)(0) }, HPK_OK);
}

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    static NESTED: std::cell::RefCell<Vec<(u32, HpkStatus, u64)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A handler that calls the library (a long count) and, at its first report, removes itself.
/// (The nested call may wait for the outer call's workers: at most one report is certain.)
unsafe extern "C" fn reentrant(_: *mut c_void, _: u64, _: u64) -> i32 {
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    let mut count = 0;
    let status = unsafe { (hpk().count_primes)(0, 200_000_000, &mut count) };
    let calls = NESTED.with(|n| {
        n.borrow_mut().push((depth, status, count));
        n.borrow().len()
    });
    if calls == 1 {
        assert_eq!(unsafe { (hpk().set_progress_handler)(None, null_mut(), 0) }, HPK_OK);
    }
    DEPTH.with(|d| d.set(d.get() - 1));
    0
}

#[test]
fn a_handler_may_call_the_library_and_is_never_reentered() {
    let _s = serial();
    std::thread::spawn(|| {
        assert_eq!(unsafe { (hpk().set_progress_handler)(Some(reentrant), null_mut(), 5) }, HPK_OK);
        let mut count = 0;
        assert_eq!(unsafe { (hpk().count_primes)(0, 10_000_000_000, &mut count) }, HPK_OK);
        assert_eq!(count, 455_052_511);
        let nested = NESTED.with(|n| n.borrow().clone());
        assert!(!nested.is_empty(), "{nested:?}");
        assert!(
            nested.iter().all(|&(depth, status, count)| depth == 1 && status == HPK_OK && count == 11_078_937),
            "{nested:?}"
        );
        // The handler removed itself during the call: the next call has none.
        let before = nested.len();
        assert_eq!(unsafe { (hpk().count_primes)(0, 3_000_000_000, &mut count) }, HPK_OK);
        assert_eq!(NESTED.with(|n| n.borrow().len()), before);
    })
    .join()
    .unwrap();
}

/// Calls with a handler from inside the host's own rayon pool (nested parallelism): each host
/// worker's handler sees only its own calls, on its own thread, and cancels work as usual.
#[test]
fn handlers_on_host_rayon_workers() {
    const START: u64 = 1_000_000_000_000;
    let _s = serial();
    let host = rayon::ThreadPoolBuilder::new().num_threads(3).build().expect("host pool");
    let results: Vec<(HpkStatus, u64, bool)> = host.install(|| {
        use rayon::prelude::*;
        (0..6u64)
            .into_par_iter()
            .map(|i| {
                let cancel = i % 2 == 1;
                let log = Log::new(usize::from(cancel));
                let mut count = 0;
                let status;
                {
                    let _h = Handler::set(&log, 5);
                    // Away from 0, so that the sieve counts (a prefix goes to pi(), done in
                    // milliseconds, before a report could cancel it).
                    status = unsafe { (hpk().count_primes)(START, START + 2_000_000_000 + i, &mut count) };
                }
                let me = std::thread::current().id();
                let own = log.reports().iter().all(|r| r.thread == me && r.total == 2_000_000_000 + i);
                (status, count, own && (!cancel || !log.reports().is_empty()))
            })
            .collect()
    });
    for (i, &(status, count, own)) in results.iter().enumerate() {
        assert!(own, "call {i}: a report on another thread or of another call");
        if i % 2 == 1 {
            assert_eq!(status, HPK_ERR_CANCELLED, "call {i}");
        } else {
            // primecount's pi(10^12 + 2e9 + i - 1) - pi(10^12 - 1), the same for i = 0, 2, 4.
            assert_eq!((status, count), (HPK_OK, 72_381_054), "call {i}");
        }
    }
}
