//! Concurrency through the C ABI: calls made from inside the host's own rayon pools (nested
//! parallelism: the library's pool is its own, so a host rayon worker blocks on it while it runs),
//! from rayon's global pool, and from 16 plain threads while another thread keeps changing the
//! thread count. Every answer must be bit-for-bit the one computed on one thread.
//!
//! Each test runs its body under a watchdog: a deadlock fails the test after [`WATCHDOG`] instead
//! of hanging the run. The tests take [`SERIAL`] because the thread count is process-wide.

use hpkern_ffi_tests::*;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(60);
/// Different inputs, so that tasks in flight at the same time do not all compute the same thing.
const VARIANTS: usize = 4;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Run `body` on a thread of its own; fail if it does not finish within [`WATCHDOG`]. A panic in
/// `body` fails the test with the body's message.
fn watchdog<T: Send + 'static>(what: &str, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(body());
    });
    match rx.recv_timeout(WATCHDOG) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("{what}: the body ended without a result"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: not finished after {WATCHDOG:?}: deadlock (the body's thread is left stuck)")
        }
    }
}

/// One task's results, compared bit for bit (the diffusion grid as bits: -0.0 != 0.0, NaN == NaN).
#[derive(Clone, Debug, PartialEq)]
struct Answers {
    julia: Vec<i32>,
    diffusion: Vec<u64>,
    count: u64,
    batch: Vec<bool>,
}

fn check(status: HpkStatus, what: &str) {
    assert_eq!(status, HPK_OK, "{what}: {} ({})", hpk().message(status), hpk().last_error());
}

/// Julia grid, diffusion run, count_primes and is_prime_batch, for input variant `v`.
fn compute(v: usize) -> Answers {
    let hpk = hpk();
    let (width, height) = (240, 160);
    let mut julia = vec![-1i32; width * height];
    let c = HpkComplex::new(-0.62772 + 0.001 * v as f64, -0.42193);
    check(
        unsafe { (hpk.julia_grid)(-1.8, 1.8, -1.8, 1.8, width, height, c.re, c.im, 150, julia.as_mut_ptr()) },
        "julia_grid",
    );

    let (rows, cols) = (96 + v, 70);
    let mut rng = Rng::new(1 + v as u64);
    let mut grid: Vec<f64> = (0..rows * cols).map(|_| rng.unit()).collect();
    let mut scratch = vec![0.0; rows * cols];
    let boundary = if v % 2 == 0 { HPK_BOUNDARY_FIXED } else { HPK_BOUNDARY_PERIODIC };
    check(
        unsafe { (hpk.diffusion_run)(grid.as_mut_ptr(), scratch.as_mut_ptr(), rows, cols, 1.0, 0.1, boundary, 20) },
        "diffusion_run",
    );

    let mut count = 0;
    check(unsafe { (hpk.count_primes)(0, 1_000_000 + 1000 * v as u64, &mut count) }, "count_primes");

    let numbers: Vec<u64> = (0..5000).map(|i| 1_000_000_007 + 2 * i + v as u64).collect();
    let mut batch = vec![false; numbers.len()];
    check(unsafe { (hpk.is_prime_batch)(numbers.as_ptr(), numbers.len(), batch.as_mut_ptr()) }, "is_prime_batch");

    Answers { julia, diffusion: grid.iter().map(|x| x.to_bits()).collect(), count, batch }
}

/// The answers of every variant on one thread, computed once (with [`SERIAL`] held).
fn reference() -> &'static [Answers] {
    static REFERENCE: OnceLock<Vec<Answers>> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        set_threads(1);
        let answers: Vec<Answers> = (0..VARIANTS).map(compute).collect();
        set_threads(0);
        // What is known about them, so that the comparisons below compare something real.
        assert_eq!(answers[0].count, 78_498, "pi(10^6)");
        for (v, a) in answers.iter().enumerate() {
            let expected: Vec<bool> =
                (0..5000).map(|i| testkit::primes::is_prime(1_000_000_007 + 2 * i + v as u64)).collect();
            assert_eq!(a.batch, expected, "variant {v}: is_prime_batch against a sieve");
            assert!(a.julia.iter().all(|&n| (0..=150).contains(&n)) && a.julia.contains(&150));
        }
        answers
    })
}

fn set_threads(n: usize) {
    check(unsafe { (hpk().set_num_threads)(n) }, "set_num_threads");
}

fn get_threads() -> usize {
    unsafe { (hpk().get_num_threads)() }
}

/// Compare task results (task i computed variant i % VARIANTS) with the serial answers.
fn assert_serial_answers(results: &[Answers], how: &str) {
    let reference = reference();
    for (i, got) in results.iter().enumerate() {
        let want = &reference[i % VARIANTS];
        assert!(got.julia == want.julia, "{how}: task {i}: Julia grid differs from the serial one");
        assert!(got.diffusion == want.diffusion, "{how}: task {i}: diffusion differs from the serial one");
        assert_eq!(got.count, want.count, "{how}: task {i}: count_primes");
        assert!(got.batch == want.batch, "{how}: task {i}: is_prime_batch differs from the serial one");
    }
}

#[test]
fn calls_from_inside_a_host_rayon_pool_finish_with_the_serial_answers() {
    let _serial = serial();
    reference();
    // The library's own count: automatic, one (runs on the host's worker), fewer and more
    // threads than the host pool has.
    for threads in [0, 1, 2, 3, 8] {
        let results = watchdog("32 tasks on a 4-thread host pool", move || {
            set_threads(threads);
            let host = rayon::ThreadPoolBuilder::new().num_threads(4).build().expect("host pool");
            let results: Vec<Answers> =
                host.install(|| (0..32).into_par_iter().map(|i| compute(i % VARIANTS)).collect());
            set_threads(0);
            results
        });
        assert_eq!(results.len(), 32);
        assert_serial_answers(&results, &format!("host pool of 4, library threads {threads}"));
    }
}

#[test]
fn calls_from_rayons_global_pool_finish_with_the_serial_answers() {
    let _serial = serial();
    reference();
    for threads in [0, 1, 3] {
        let results = watchdog("32 tasks on rayon's global pool", move || {
            set_threads(threads);
            // Nested: each task also splits into two calls joined on the global pool.
            let results: Vec<Answers> = (0..32)
                .into_par_iter()
                .map(|i| {
                    let (a, b) = rayon::join(|| compute(i % VARIANTS), || compute(i % VARIANTS));
                    assert_eq!(a, b, "two calls of one task");
                    a
                })
                .collect();
            set_threads(0);
            results
        });
        assert_serial_answers(&results, &format!("rayon's global pool, library threads {threads}"));
    }
}

#[test]
fn sixteen_threads_while_the_thread_count_changes() {
    const THREADS: usize = 16;
    const ROUNDS: usize = 6;
    let _serial = serial();
    reference();
    let (results, changes) = watchdog("16 threads and a thread-count changer", || {
        let done = Arc::new(AtomicBool::new(false));
        let changes = Arc::new(AtomicUsize::new(0));
        let changer = {
            let (done, changes) = (Arc::clone(&done), Arc::clone(&changes));
            std::thread::spawn(move || {
                for n in [0usize, 1, 2, 3, 4, 1].into_iter().cycle() {
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    set_threads(n);
                    let got = get_threads();
                    assert!(if n == 0 { got >= 1 } else { got == n }, "set {n}, read back {got}");
                    changes.fetch_add(1, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_micros(300));
                }
            })
        };
        let barrier = Arc::new(std::sync::Barrier::new(THREADS));
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    (0..ROUNDS).map(|r| compute((t + r) % VARIANTS)).collect::<Vec<_>>()
                })
            })
            .collect();
        let started = Instant::now();
        let results: Vec<Vec<Answers>> = workers.into_iter().map(|w| w.join().expect("a worker panicked")).collect();
        let elapsed = started.elapsed();
        done.store(true, Ordering::Relaxed);
        changer.join().expect("the thread-count changer panicked");
        set_threads(0);
        let changes = changes.load(Ordering::Relaxed);
        eprintln!(
            "{THREADS} threads x {ROUNDS} rounds x 4 kernels in {elapsed:?}, thread count changed {changes} times"
        );
        (results, changes)
    });
    assert!(changes >= 6, "the thread count changed only {changes} times while the threads ran");
    for (t, rounds) in results.iter().enumerate() {
        assert_eq!(rounds.len(), ROUNDS);
        for (r, got) in rounds.iter().enumerate() {
            let want = &reference()[(t + r) % VARIANTS];
            assert!(got == want, "thread {t}, round {r}: answers differ from the serial ones");
        }
    }
}
