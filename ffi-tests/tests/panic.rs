//! Panic containment: a panic inside libhpkern must come back as HPK_ERR_PANIC (7), never unwind
//! into the caller, and leave the library usable.
//!
//! Uses the `test-panic` build of the library, which adds `hpk_status hpk_test_panic(bool
//! on_pool_workers)` (not in the header): it panics on the calling thread (`false`) or inside
//! parallel work on the library's pool (`true`). Build it in the repository root with
//!
//! ```text
//! cargo build --profile panic-test -p hpkern --features test-panic
//! ```
//!
//! (`$HPKERN_PANIC_LIBRARY` overrides the path). This test binary loads only that copy, with
//! `libloading::Library::new` (RTLD_LOCAL), and never the normal library that the other test
//! binaries use, so two copies of libhpkern never meet in one process.
//!
//! The library's own (statically linked) std prints each deliberate panic to stderr through the
//! default panic hook: expected noise.

use hpkern_ffi_tests::*;
use libloading::Library;
use std::collections::BTreeSet;
use std::ffi::CStr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Barrier, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// The symbols of the panic build these tests use.
struct PanicLib {
    path: PathBuf,
    test_panic: TestPanic,
    set_num_threads: SetNumThreads,
    get_num_threads: GetNumThreads,
    last_error_message: LastErrorMessage,
    julia_grid: JuliaGrid,
    count_primes: CountPrimes,
    diffusion_evolve: DiffusionEvolve,
    /// Keeps the object mapped; never unloaded (its pool threads outlive any test).
    _library: Library,
}

fn lib() -> &'static PanicLib {
    static LIB: OnceLock<PanicLib> = OnceLock::new();
    LIB.get_or_init(|| {
        let path = locate_panic_library().unwrap_or_else(|err| panic!("{err}"));
        // SAFETY: loading runs the library's initialisers; libhpkern has no unusual ones.
        let library = unsafe { Library::new(&path) }.unwrap_or_else(|err| panic!("cannot load {}: {err}", path.display()));
        macro_rules! symbol {
            ($name:literal) => {
                // SAFETY: the type is the prototype of the symbol (the header's, or
                // hpk_test_panic's from src/ffi/test_panic.rs).
                *unsafe { library.get(concat!($name, "\0").as_bytes()) }.unwrap_or_else(|err| {
                    panic!(
                        "{} does not export {}: {err}\nIs it the test-panic build? Rebuild it with:\n    {PANIC_BUILD_COMMAND}",
                        path.display(),
                        $name
                    )
                })
            };
        }
        let lib = PanicLib {
            test_panic: symbol!("hpk_test_panic"),
            set_num_threads: symbol!("hpk_set_num_threads"),
            get_num_threads: symbol!("hpk_get_num_threads"),
            last_error_message: symbol!("hpk_last_error_message"),
            julia_grid: symbol!("hpk_julia_grid"),
            count_primes: symbol!("hpk_count_primes"),
            diffusion_evolve: symbol!("hpk_diffusion_evolve"),
            path: path.clone(),
            _library: library,
        };
        lib
    })
}

impl PanicLib {
    fn panic(&self, on_pool_workers: bool) -> HpkStatus {
        // SAFETY: no arguments but a bool; the export catches its own panic.
        unsafe { (self.test_panic)(on_pool_workers) }
    }
    fn last_error(&self) -> String {
        // SAFETY: never NULL, NUL-terminated; copied at once.
        unsafe { CStr::from_ptr((self.last_error_message)()) }.to_string_lossy().into_owned()
    }
    fn set_threads(&self, n: usize) {
        // SAFETY: a plain value.
        assert_eq!(unsafe { (self.set_num_threads)(n) }, HPK_OK, "hpk_set_num_threads({n})");
        if n > 0 {
            assert_eq!(unsafe { (self.get_num_threads)() }, n);
        }
    }

    /// The library still computes right: the book's Julia checksum, pi(10^6) and one exact
    /// diffusion step. `when` names the moment, for the messages.
    fn assert_works(&self, when: &str) {
        let mut out = vec![-1i32; 1_000_000];
        // SAFETY: `out` holds width*height values.
        let status = unsafe {
            (self.julia_grid)(-1.8, 1.8, -1.8, 1.8, 1000, 1000, HPK_BOOK_C.re, HPK_BOOK_C.im, 300, out.as_mut_ptr())
        };
        assert_eq!(status, HPK_OK, "{when}: hpk_julia_grid: {}", self.last_error());
        assert_eq!(out.iter().map(|&n| n as i64).sum::<i64>(), BOOK_JULIA_SUM, "{when}: the book's Julia checksum");

        let mut count = 0u64;
        // SAFETY: a valid pointer to one u64.
        assert_eq!(unsafe { (self.count_primes)(0, 1_000_000, &mut count) }, HPK_OK, "{when}: hpk_count_primes");
        assert_eq!(count, 78_498, "{when}: pi(10^6)");

        // A hot cell on a 5x6 grid, d*dt = 1/8: exact in binary.
        let (rows, cols) = (5, 6);
        let mut input = vec![0.0f64; rows * cols];
        input[2 * cols + 3] = 1.0;
        let mut output = vec![f64::NAN; rows * cols];
        // SAFETY: both hold rows*cols doubles and are disjoint.
        let status = unsafe {
            (self.diffusion_evolve)(input.as_ptr(), output.as_mut_ptr(), rows, cols, 1.0, 0.125, HPK_BOUNDARY_FIXED)
        };
        assert_eq!(status, HPK_OK, "{when}: hpk_diffusion_evolve: {}", self.last_error());
        for i in 0..rows {
            for j in 0..cols {
                let want = match (i, j) {
                    (2, 3) => 0.5,
                    (1, 3) | (3, 3) | (2, 2) | (2, 4) => 0.125,
                    _ => 0.0,
                };
                assert_eq!(output[i * cols + j], want, "{when}: diffusion cell ({i},{j})");
            }
        }
    }
}

/// The tests change the process-wide thread count and count threads: they take turns.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The threads of this process, and how many of them are libhpkern's pool workers ("hpkern-N").
fn tasks() -> (usize, usize) {
    let mut all = 0;
    let mut workers = 0;
    for entry in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let Ok(entry) = entry else { continue };
        // A thread may exit between the listing and the read.
        let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) else { continue };
        all += 1;
        if comm.starts_with("hpkern-") {
            workers += 1;
        }
    }
    (all, workers)
}

/// Wait (up to 10 s) until the pool has exactly `workers` threads (a replaced pool's threads
/// exit asynchronously); the thread counts then.
fn settle(workers: usize) -> (usize, usize) {
    let start = Instant::now();
    loop {
        let now = tasks();
        if now.1 == workers || start.elapsed() > Duration::from_secs(10) {
            assert_eq!(now.1, workers, "libhpkern pool workers");
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run `f` on a helper thread; fail (instead of hanging the suite) if it takes longer than `limit`.
fn within<T: Send + 'static>(limit: Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = send.send(f());
    });
    match receive.recv_timeout(limit) {
        Ok(value) => {
            handle.join().expect("helper thread");
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish within {limit:?}: a hang"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let err = handle.join().expect_err("the helper ended without a result");
            std::panic::resume_unwind(err)
        }
    }
}

/// The detail hpk_test_panic leaves for `mode`.
fn assert_panic_detail(detail: &str, on_pool_workers: bool, when: &str) {
    assert!(
        detail.contains("deliberate panic"),
        "{when}: the last-error text does not mention the deliberate panic: {detail:?}"
    );
    assert!(detail.contains("panic caught"), "{when}: {detail:?}");
    let place = if on_pool_workers { "on a pool worker" } else { "on the calling thread" };
    assert!(detail.contains(place), "{when}: the detail should say {place:?}: {detail:?}");
}

fn mapped_libhpkern() -> BTreeSet<PathBuf> {
    std::fs::read_to_string("/proc/self/maps")
        .expect("/proc/self/maps")
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| Path::new(path).file_name().is_some_and(|n| n.to_string_lossy().starts_with("libhpkern.so")))
        .map(PathBuf::from)
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn only_the_panic_build_is_loaded() {
    let _serial = serial();
    let lib = lib();
    let want: BTreeSet<PathBuf> = [lib.path.canonicalize().unwrap()].into();
    assert_eq!(mapped_libhpkern(), want, "this test binary must map the test-panic build and no other libhpkern");
    lib.assert_works("before any panic");
}

#[test]
fn status_7_for_both_modes_with_one_and_two_threads() {
    let _serial = serial();
    let lib = lib();
    for threads in [1, 2] {
        lib.set_threads(threads);
        for on_pool_workers in [false, true] {
            let when = format!("after hpk_test_panic({on_pool_workers}) with {threads} thread(s)");
            assert_eq!(lib.panic(on_pool_workers), HPK_ERR_PANIC, "{when}");
            let detail = lib.last_error();
            assert_panic_detail(&detail, on_pool_workers, &when);
            lib.assert_works(&when);
            assert_eq!(lib.last_error(), detail, "{when}: successful calls leave the detail unchanged");
            assert_eq!(unsafe { (lib.get_num_threads)() }, threads, "{when}: the setting survives");
        }
    }
    lib.set_threads(0);
}

#[test]
fn two_hundred_panics_in_a_row_neither_hang_nor_leak_threads() {
    let _serial = serial();
    let lib = lib();
    lib.set_threads(2);
    // Warm up: the pool exists and has run (and survived) a panic before counting.
    assert_eq!(lib.panic(true), HPK_ERR_PANIC);
    lib.assert_works("after the warm-up panic");
    let before = settle(2);
    let samples = within(Duration::from_secs(60), "200 panics", move || {
        let mut samples = Vec::new();
        for k in 0..200 {
            let on_pool_workers = k % 2 == 0;
            assert_eq!(lib.panic(on_pool_workers), HPK_ERR_PANIC, "panic {k}");
            if k % 20 == 19 {
                samples.push(tasks());
            }
        }
        assert_panic_detail(&lib.last_error(), false, "after 200 panics");
        samples
    });
    let after = settle(2);
    eprintln!("threads before {before:?}, every 20 panics {samples:?}, after {after:?} (all, pool workers)");
    // The helper thread itself adds one while it runs.
    for (k, &(all, workers)) in samples.iter().enumerate() {
        assert!(all <= before.0 + 1, "after {} panics: {all} threads, {} before", 20 * (k + 1), before.0);
        assert_eq!(workers, 2, "after {} panics: pool workers", 20 * (k + 1));
    }
    assert!(after.0 <= before.0, "{} threads after 200 panics, {} before", after.0, before.0);
    lib.assert_works("after 200 panics");
    lib.set_threads(0);
}

#[test]
fn panics_from_eight_threads_at_once_all_return_7() {
    let _serial = serial();
    let lib = lib();
    for threads in [2, 1] {
        lib.set_threads(threads);
        for round in 0..5 {
            let barrier = Barrier::new(8);
            let details: Vec<(bool, HpkStatus, String)> =
                within(Duration::from_secs(60), "8 concurrent panics", move || {
                    std::thread::scope(|scope| {
                        let handles: Vec<_> = (0..8)
                            .map(|i| {
                                let barrier = &barrier;
                                scope.spawn(move || {
                                    let on_pool_workers = (i + round) % 2 == 1;
                                    barrier.wait();
                                    let status = lib.panic(on_pool_workers);
                                    (on_pool_workers, status, lib.last_error())
                                })
                            })
                            .collect();
                        handles.into_iter().map(|h| h.join().expect("a caller thread panicked")).collect()
                    })
                });
            for (i, (on_pool_workers, status, detail)) in details.iter().enumerate() {
                let when = format!("thread {i} of round {round}, {threads} pool thread(s)");
                assert_eq!(*status, HPK_ERR_PANIC, "{when}");
                assert_panic_detail(detail, *on_pool_workers, &when);
            }
        }
        lib.assert_works(&format!("after 8 concurrent panics, {threads} thread(s)"));
    }
    lib.set_threads(0);
}
