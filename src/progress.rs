//! Progress reports and cancellation of long calls.
//!
//! A caller that wants reports passes a [`Progress`]: a callback `report(done, total) -> cancel`
//! and the least interval between two calls of it. The callback is only ever called on the thread
//! that made the call (the C ABI's handler may hold Python's GIL or use thread-unsafe state), so it
//! need not be `Send` or `Sync`.
//!
//! How it runs ([`track`]): the kernel is spawned as one job onto the library's pool (a 1-worker
//! pool of its own when the thread count is 1, so that the calling thread stays free), and the
//! calling thread waits on a condition variable with a timeout of one interval. Each time the
//! interval passes it reads the kernel's [`Meter`] (an atomic `done` counter the kernel's workers
//! add to as they finish rows, chunks, segments or passes), calls the callback and, if it asks to
//! cancel, sets the meter's atomic cancel flag. Every worker of the kernel reads that flag at
//! the same points where it reports (per row, chunk, segment or pass, never per element) and
//! stops; the kernel then returns [`Error::Cancelled`]. When the job ends, the waiting thread
//! wakes at once.
//!
//! Without a [`Progress`], kernels get [`Meter::off`]: a static meter whose `add` and `cancelled`
//! test one constant field and do nothing else, and the kernel runs exactly as before (no job, no
//! wait). Calls whose work is too small to be worth a report (under about a millisecond, see
//! [`Progress`]'s users) run the same way even with a callback: they would end before the first
//! report is due.
//!
//! Contract for the callback's view, which [`track`] enforces: `done` never decreases, `done <=
//! total`, `total` is fixed for the call; reports come at most once per interval, except one last
//! report after a cancel, when the kernel stopped at a different `done` than the last report said
//! (so the last report is what the outputs hold, e.g. the steps a cancelled diffusion run did).

use crate::{pool, Error};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The interval used when the caller passes zero.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(100);

/// A callback for progress reports and how often to call it.
pub struct Progress<'a> {
    report: &'a mut dyn FnMut(u64, u64) -> bool,
    interval: Duration,
}

impl<'a> Progress<'a> {
    /// `report(done, total)` is called on the calling thread at most once per `interval`
    /// (`Duration::ZERO` = [`DEFAULT_INTERVAL`]); it returns `true` to cancel the call.
    pub fn new(report: &'a mut dyn FnMut(u64, u64) -> bool, interval: Duration) -> Self {
        let interval = if interval.is_zero() { DEFAULT_INTERVAL } else { interval };
        Progress { report, interval }
    }

    /// The interval between reports.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

/// The kernel's side: a `done` counter its workers add to, and the cancel flag they check.
/// Shared by every worker of one call; cheap when inactive ([`Meter::off`]).
pub struct Meter {
    active: bool,
    done: AtomicU64,
    cancel: AtomicBool,
}

static OFF: Meter = Meter { active: false, done: AtomicU64::new(0), cancel: AtomicBool::new(false) };

impl Meter {
    /// The meter of a call without reports: never cancelled, counts nothing.
    pub fn off() -> &'static Meter {
        &OFF
    }

    fn on() -> Meter {
        Meter { active: true, done: AtomicU64::new(0), cancel: AtomicBool::new(false) }
    }

    /// An active meter already cancelled: kernels given it must stop at their first check.
    #[cfg(test)]
    pub(crate) fn cancelled_for_tests() -> Meter {
        Meter { active: true, done: AtomicU64::new(0), cancel: AtomicBool::new(true) }
    }

    /// Whether anyone reads this meter: kernels may skip work that only serves reports.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// `n` more units of the call's work are done.
    #[inline]
    pub fn add(&self, n: u64) {
        if self.active {
            self.done.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Exactly `n` units are done (for kernels whose progress is a count they keep themselves,
    /// such as the steps of a diffusion run); `n` must not decrease.
    #[inline]
    pub fn set(&self, n: u64) {
        if self.active {
            self.done.store(n, Ordering::Relaxed);
        }
    }

    /// Whether the caller asked to stop.
    #[inline]
    pub fn cancelled(&self) -> bool {
        self.active && self.cancel.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` if the caller asked to stop.
    #[inline]
    pub fn check(&self) -> Result<(), Error> {
        if self.cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}

/// Set when the kernel's job has ended (also by unwinding), to wake the waiting caller.
struct Finished {
    flag: Mutex<bool>,
    wake: Condvar,
}

impl Finished {
    fn set(&self) {
        *self.flag.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_all();
    }
}

/// Sets [`Finished`] when dropped: at the end of the job, whether it returned or panicked.
struct SetOnDrop<'a>(&'a Finished);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// Sets the cancel flag when dropped during a panic of the waiting thread (a Rust callback that
/// panicked): the workers then stop soon instead of finishing work nobody will read.
struct CancelOnUnwind<'a>(&'a Meter);

impl Drop for CancelOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// Run `work` with a meter; with `progress` (and `long`, the caller's estimate that the work
/// takes more than about a millisecond) on the pool while this thread reports, else right here
/// with [`Meter::off`]. `total` is the call's amount of work in the units `work` adds to its
/// meter.
///
/// Returns `work`'s result. If the callback asked to cancel and `work` returned
/// [`Error::Cancelled`], the callback is told the final `done` (when it differs from the last
/// report) before this returns. A callback's request that came after `work` had finished anyway
/// is ignored: the result is complete.
pub(crate) fn track<R: Send>(
    progress: Option<&mut Progress<'_>>,
    long: bool,
    total: u64,
    work: impl FnOnce(&Meter) -> Result<R, Error> + Send,
) -> Result<R, Error> {
    let progress = match progress {
        Some(p) if long => p,
        _ => return work(Meter::off()),
    };
    let meter = Meter::on();
    let finished = Finished { flag: Mutex::new(false), wake: Condvar::new() };
    let mut result = None;
    let mut last: Option<u64> = None;
    let runner = pool::progress_pool()?;
    runner.in_place_scope(|scope| {
        let (meter, finished, result) = (&meter, &finished, &mut result);
        scope.spawn(move |_| {
            let _wake = SetOnDrop(finished);
            *result = Some(work(meter));
        });
        let _stop = CancelOnUnwind(meter);
        let mut next = Instant::now() + progress.interval;
        let mut flag = finished.flag.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if *flag {
                break;
            }
            let now = Instant::now();
            if now < next {
                flag = finished.wake.wait_timeout(flag, next - now).unwrap_or_else(|e| e.into_inner()).0;
                continue;
            }
            drop(flag);
            if !meter.cancel.load(Ordering::Relaxed) {
                let done = meter.done().min(total).max(last.unwrap_or(0));
                last = Some(done);
                if (progress.report)(done, total) {
                    meter.cancel.store(true, Ordering::Relaxed);
                }
            }
            next = Instant::now() + progress.interval;
            flag = finished.flag.lock().unwrap_or_else(|e| e.into_inner());
        }
    });
    let result = result.expect("the progress job ran to its end");
    if matches!(result, Err(Error::Cancelled)) {
        let done = meter.done().min(total).max(last.unwrap_or(0));
        if last != Some(done) {
            let _ = (progress.report)(done, total);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn off_meter_counts_nothing_and_is_never_cancelled() {
        let m = Meter::off();
        m.add(5);
        m.set(7);
        assert!(!m.is_active() && !m.cancelled() && m.check().is_ok() && m.done() == 0);
    }

    #[test]
    fn reports_come_on_the_calling_thread_and_a_cancel_stops_the_work() {
        let caller = std::thread::current().id();
        let seen = RefCell::new(Vec::new());
        let mut report = |done, total| {
            assert_eq!(std::thread::current().id(), caller);
            seen.borrow_mut().push((done, total));
            seen.borrow().len() >= 3
        };
        let mut progress = Progress::new(&mut report, Duration::from_millis(5));
        let started = Instant::now();
        let out = track(Some(&mut progress), true, 1_000_000, |meter| {
            assert_ne!(std::thread::current().id(), caller);
            for i in 0..1_000_000u64 {
                meter.check()?;
                meter.add(1);
                if i % 1000 == 0 {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            Ok(1)
        });
        assert_eq!(out, Err(Error::Cancelled));
        assert!(started.elapsed() < Duration::from_secs(10));
        let seen = seen.into_inner();
        assert!(seen.len() >= 3, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "monotonic: {seen:?}");
        assert!(seen.iter().all(|&(d, t)| t == 1_000_000 && d <= t));
    }

    #[test]
    fn without_progress_or_for_short_work_the_work_runs_here_unmetered() {
        let caller = std::thread::current().id();
        let mut calls = 0;
        let mut report = |_, _| {
            calls += 1;
            false
        };
        let mut progress = Progress::new(&mut report, Duration::from_millis(1));
        let r = track(Some(&mut progress), false, 10, |m| Ok((std::thread::current().id(), m.is_active())));
        assert_eq!(r, Ok((caller, false)));
        let r = track(None, true, 10, |m| Ok((std::thread::current().id(), m.is_active())));
        assert_eq!(r, Ok((caller, false)));
        assert_eq!(calls, 0);
    }

    #[test]
    fn a_panicking_job_is_caught_by_the_caller_and_the_wait_ends() {
        let mut report = |_, _| false;
        let mut progress = Progress::new(&mut report, Duration::from_millis(1));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            track::<()>(Some(&mut progress), true, 10, |_| panic!("on purpose"))
        }));
        assert!(caught.is_err());
    }
}
