//! A small library-owned team of threads for short data-parallel calls (one diffusion step on a
//! 512 x 512 grid, a small Julia grid, a short batch or range of primes): what OpenMP runtimes
//! and Numba's workqueue do, where rayon's pool costs more than the work.
//!
//! A team of `n` threads is the calling thread (which always takes share 0) and `n - 1` workers,
//! worker `w` always taking share `w`: with contiguous bands, the same rows land on the same
//! thread call after call, so each core keeps its band of a ping-ponged grid in its own L2.
//! After each call a worker spins for [`SPIN`] (tens of microseconds: long enough for a Python
//! loop's next call to find it awake, bounded so that no core burns between calls), then parks
//! on a condition variable; the caller wakes parked workers only when there are any. The caller,
//! having done its share, spins for the others for up to [`SPIN`], then parks too.
//!
//! Work that threads claim (bands of pieces, chunks) runs with [`Acquired::run_helped`]: the
//! caller, having claimed and done whatever was left, closes the call, and a worker that has not
//! started by then skips it. On a busy machine a descheduled worker then costs the caller nothing;
//! with [`Acquired::run`] every share runs, so the caller waits for the slowest worker to be
//! scheduled.
//!
//! One call at a time uses the team ([`Team::try_acquire`]); a second concurrent caller runs on
//! rayon's pool instead (`pool::short`). A job that panics on a worker is caught there and
//! resumed on the caller once every share has ended (the job borrows the caller's stack).
//!
//! Fork: the team lives in the pool's state (`pool/mod.rs`), whose fork handlers leak the parent's
//! team in a child (its workers do not exist there); the child builds a fresh one when needed.

use std::any::Any;
use std::cell::UnsafeCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a worker spins for the next call after finishing one, and the caller for the workers
/// after finishing its share, before parking: long enough for a Python loop of 512 x 512 steps to
/// find the workers awake at its next call, short enough not to burn a core between calls.
pub(crate) const SPIN: Duration = Duration::from_micros(100);

/// [`Shared::gate`]'s bit for a closed call, its bit for a call of [`Acquired::run_helped`], and
/// the bits below them, which count the workers inside.
const CLOSED: u64 = 1 << 31;
const HELPED: u64 = 1 << 30;
const INSIDE: u64 = HELPED - 1;

/// The job of one call with its lifetime erased: it lives on the caller's stack until every
/// worker has finished it (`Team::run` waits for that even when unwinding).
type Job = *const (dyn Fn(usize) + Sync + 'static);

struct Shared {
    /// Bumped once per call (and at shutdown); workers wait for it to change.
    epoch: AtomicU64,
    /// Written by the caller holding `busy`, before the epoch bump that publishes it.
    job: UnsafeCell<Option<Job>>,
    /// Workers that have not finished the current call, unless it is helped (each decrements it
    /// once after its share).
    pending: AtomicUsize,
    /// The current call's low 32 epoch bits (high half), whether its caller has closed it
    /// ([`CLOSED`]), whether it is helped ([`HELPED`]) and how many workers are inside it (the
    /// rest): a worker enters only an open call of the epoch it saw, in one compare-exchange with
    /// the close. A worker leaves a helped call through `gate`, any other through `pending`: the
    /// counter the caller waits on, and the only one it touches after its share.
    gate: AtomicU64,
    /// Workers parked (or about to park) on `wake`.
    sleepers: AtomicUsize,
    wake_lock: Mutex<()>,
    wake: Condvar,
    /// The caller is parked (or about to park) on `done`.
    caller_waiting: AtomicBool,
    done_lock: Mutex<()>,
    done: Condvar,
    /// The first panic of a worker in the current call.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    shutdown: AtomicBool,
    /// Held by the one call using the team.
    busy: AtomicBool,
    /// Whether to spin at all: not when there are more threads than cores.
    spin: bool,
}

// SAFETY: `job` is written only by the holder of `busy` while no worker reads it (between calls,
// all workers have finished: `pending` was 0), and read by workers after the epoch bump
// (SeqCst, after the write) that announces it. Everything else is atomics and locks.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `n - 1` worker threads; the caller is the team's thread 0.
pub(crate) struct Team {
    shared: Arc<Shared>,
    threads: usize,
}

impl Team {
    /// A team of `threads` threads in all (`threads - 1` workers); `spin` as [`Shared::spin`].
    pub(crate) fn new(threads: usize, spin: bool) -> std::io::Result<Team> {
        let shared = Arc::new(Shared {
            epoch: AtomicU64::new(0),
            job: UnsafeCell::new(None),
            pending: AtomicUsize::new(0),
            gate: AtomicU64::new(0),
            sleepers: AtomicUsize::new(0),
            wake_lock: Mutex::new(()),
            wake: Condvar::new(),
            caller_waiting: AtomicBool::new(false),
            done_lock: Mutex::new(()),
            done: Condvar::new(),
            panic: Mutex::new(None),
            shutdown: AtomicBool::new(false),
            busy: AtomicBool::new(false),
            spin,
        });
        let team = Team { shared, threads: threads.max(1) };
        for w in 1..team.threads {
            let shared = Arc::clone(&team.shared);
            // On failure `team` is dropped, which stops the workers already started.
            std::thread::Builder::new().name(format!("hpkern-team-{w}")).spawn(move || worker(&shared, w))?;
        }
        Ok(team)
    }

    /// The team's thread count, the caller included.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// The team for one call, or `None` if another call is using it.
    pub(crate) fn try_acquire(&self) -> Option<Acquired<'_>> {
        let s = &self.shared;
        s.busy.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).ok()?;
        Some(Acquired(self))
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        let s = &self.shared;
        s.shutdown.store(true, Ordering::SeqCst);
        s.epoch.fetch_add(1, Ordering::SeqCst);
        let _g = lock(&s.wake_lock);
        s.wake.notify_all();
    }
}

/// The team, held by one call ([`Team::try_acquire`]).
pub(crate) struct Acquired<'a>(&'a Team);

impl Drop for Acquired<'_> {
    fn drop(&mut self) {
        self.0.shared.busy.store(false, Ordering::Release);
    }
}

impl Acquired<'_> {
    /// The team's thread count, the caller included.
    pub(crate) fn threads(&self) -> usize {
        self.0.threads
    }

    /// `f(w)` for every thread `w` of the team, `f(0)` on this thread; returns when all have
    /// returned. A panic of any of them is resumed here after that.
    pub(crate) fn run(&self, f: &(dyn Fn(usize) + Sync)) {
        self.run_as(f, false)
    }

    /// `f(0)` on this thread and `f(w)` on each worker `w` that starts before `f(0)` has
    /// returned; returns when those have returned (a worker that comes later skips the call).
    /// For work the threads claim: `f(0)` must do whatever no other thread has claimed. A panic
    /// of any of them is resumed here.
    pub(crate) fn run_helped(&self, f: &(dyn Fn(usize) + Sync)) {
        self.run_as(f, true)
    }

    fn run_as(&self, f: &(dyn Fn(usize) + Sync), helped: bool) {
        let s = &*self.0.shared;
        if self.0.threads > 1 {
            // SAFETY: only the lifetime is erased. Workers call the job only between entering
            // the gate of this call's epoch and leaving it, and `Join` (also when `f(0)` panics)
            // returns only once every worker that entered has left (and, unless `helped`, all
            // have entered), while `f` is still borrowed.
            let job: Job = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Job>(f) };
            // SAFETY: we hold `busy` and no worker is inside a call (see `Shared`).
            unsafe { *s.job.get() = Some(job) };
            s.pending.store(self.0.threads - 1, Ordering::SeqCst);
            let epoch = s.epoch.load(Ordering::SeqCst) + 1;
            let mode = if helped { HELPED } else { 0 };
            s.gate.store(gate_epoch(epoch) | mode, Ordering::SeqCst);
            s.epoch.store(epoch, Ordering::SeqCst);
            if s.sleepers.load(Ordering::SeqCst) > 0 {
                let _g = lock(&s.wake_lock);
                s.wake.notify_all();
            }
        }
        let join = Join { s, helped: helped && self.0.threads > 1 };
        f(0);
        drop(join);
        if let Some(payload) = lock(&s.panic).take() {
            resume_unwind(payload);
        }
    }
}

/// The high half of [`Shared::gate`] for a call of `epoch`.
fn gate_epoch(epoch: u64) -> u64 {
    (epoch & u64::from(u32::MAX)) << 32
}

/// Waits for the workers' shares when dropped: after the caller's share, or while it unwinds.
/// `helped`: closes the call first, then waits only for the workers inside it.
struct Join<'a> {
    s: &'a Shared,
    helped: bool,
}

impl Join<'_> {
    fn finished(&self) -> bool {
        match self.helped {
            true => self.s.gate.load(Ordering::SeqCst) & INSIDE == 0,
            false => self.s.pending.load(Ordering::SeqCst) == 0,
        }
    }
}

impl Drop for Join<'_> {
    fn drop(&mut self) {
        let s = self.s;
        if self.helped {
            s.gate.fetch_or(CLOSED, Ordering::SeqCst);
        }
        if self.finished() {
            return;
        }
        let start = Instant::now();
        while s.spin && start.elapsed() < SPIN {
            for _ in 0..64 {
                if self.finished() {
                    return;
                }
                std::hint::spin_loop();
            }
        }
        let mut g = lock(&s.done_lock);
        s.caller_waiting.store(true, Ordering::SeqCst);
        while !self.finished() {
            g = s.done.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        s.caller_waiting.store(false, Ordering::SeqCst);
    }
}

/// Worker `w`'s loop: wait for a call, do share `w`, count down, until shutdown.
fn worker(s: &Shared, w: usize) {
    // The epoch the team was built with, not the current one: a call may come before this
    // thread starts.
    let mut seen = 0;
    loop {
        seen = next_epoch(s, seen);
        if s.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let Some(helped) = enter(s, seen) else {
            continue; // that call is closed (its caller did the work) or already over
        };
        // SAFETY: published before the epoch bump we saw; alive while we are inside its gate.
        let job = unsafe { (*s.job.get()).expect("a job is published with its epoch") };
        // SAFETY: as above, the job outlives this call.
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| unsafe { (*job)(w) })) {
            lock(&s.panic).get_or_insert(payload);
        }
        let last = match helped {
            true => s.gate.fetch_sub(1, Ordering::SeqCst) & INSIDE == 1,
            false => s.pending.fetch_sub(1, Ordering::SeqCst) == 1,
        };
        if last && s.caller_waiting.load(Ordering::SeqCst) {
            let _g = lock(&s.done_lock);
            s.done.notify_one();
        }
    }
}

/// Enters the call of `epoch` if it is still the current one and open; `Some(whether it is
/// helped)` then.
fn enter(s: &Shared, epoch: u64) -> Option<bool> {
    let mut gate = s.gate.load(Ordering::SeqCst);
    loop {
        if gate & !(INSIDE | HELPED) != gate_epoch(epoch) {
            return None;
        }
        match s.gate.compare_exchange_weak(gate, gate + 1, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return Some(gate & HELPED != 0),
            Err(now) => gate = now,
        }
    }
}

/// Spin (up to [`SPIN`]) then park until the epoch differs from `seen`; returns the new one.
fn next_epoch(s: &Shared, seen: u64) -> u64 {
    if s.spin {
        let start = Instant::now();
        loop {
            for _ in 0..64 {
                let e = s.epoch.load(Ordering::Acquire);
                if e != seen {
                    return e;
                }
                std::hint::spin_loop();
            }
            if start.elapsed() >= SPIN {
                break;
            }
        }
    }
    let mut g = lock(&s.wake_lock);
    s.sleepers.fetch_add(1, Ordering::SeqCst);
    loop {
        let e = s.epoch.load(Ordering::SeqCst);
        if e != seen {
            s.sleepers.fetch_sub(1, Ordering::SeqCst);
            return e;
        }
        g = s.wake.wait(g).unwrap_or_else(|e| e.into_inner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_share_runs_once_on_its_own_thread_and_panics_reach_the_caller() {
        for spin in [true, false] {
            let team = Team::new(3, spin).unwrap();
            for call in 0..200 {
                let seen: Vec<Mutex<Option<String>>> = (0..3).map(|_| Mutex::new(None)).collect();
                let t = team.try_acquire().unwrap();
                assert!(team.try_acquire().is_none(), "one call at a time");
                t.run(&|w| {
                    let name = std::thread::current().name().map(str::to_owned).unwrap_or_default();
                    assert!(lock(&seen[w]).replace(name).is_none());
                });
                let names: Vec<String> = seen.into_iter().map(|m| m.into_inner().unwrap().unwrap()).collect();
                assert_eq!(names[1], "hpkern-team-1");
                assert_eq!(names[2], "hpkern-team-2");
                assert_ne!(names[0], names[1]);
                if call % 50 == 0 {
                    std::thread::sleep(Duration::from_millis(2)); // let the workers park
                }
            }
            let t = team.try_acquire().unwrap();
            for bad in [0, 2] {
                let r = catch_unwind(AssertUnwindSafe(|| t.run(&|w| assert_ne!(w, bad, "on purpose"))));
                assert!(r.is_err());
            }
            let count = AtomicUsize::new(0);
            t.run(&|_| {
                count.fetch_add(1, Ordering::Relaxed);
            });
            assert_eq!(count.into_inner(), 3, "the team works after a panic");
        }
    }
    #[test]
    fn helped_calls_run_the_callers_share_and_no_worker_twice_between_calls_that_run_all() {
        for spin in [true, false] {
            let team = Team::new(3, spin).unwrap();
            let t = team.try_acquire().unwrap();
            for call in 0..600 {
                let runs: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
                let share = |w: usize| {
                    runs[w].fetch_add(1, Ordering::Relaxed);
                };
                if call % 3 == 0 {
                    t.run(&share);
                    assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1), "call {call}: every share");
                } else {
                    t.run_helped(&share);
                    assert_eq!(runs[0].load(Ordering::Relaxed), 1, "call {call}: the caller's share");
                    assert!(runs[1..].iter().all(|r| r.load(Ordering::Relaxed) <= 1), "call {call}: once at most");
                }
                if call % 100 == 1 {
                    std::thread::sleep(Duration::from_millis(2)); // let the workers park: they come late
                }
            }
            // A worker that joins a helped call and panics: the caller waits (bounded) for it to
            // start, and gets the panic.
            let started = AtomicBool::new(false);
            let r = catch_unwind(AssertUnwindSafe(|| {
                t.run_helped(&|w| match w {
                    0 => {
                        let start = Instant::now();
                        while !started.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(30) {
                            std::thread::yield_now();
                        }
                    }
                    _ => {
                        started.store(true, Ordering::SeqCst);
                        panic!("on purpose");
                    }
                })
            }));
            assert!(started.into_inner() && r.is_err());
        }
    }
}
