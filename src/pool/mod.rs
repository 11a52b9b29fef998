//! The library's own rayon thread pool.
//!
//! Never rayon's global pool: that one belongs to the host program, which may size or use it for
//! its own work. The size comes from `set_num_threads` (0 = automatic), else the environment
//! variable `HPK_NUM_THREADS`, else the number of available cores. With one thread no pool is
//! built and kernels run on the calling thread.
//!
//! rayon's worker threads do not survive `fork()`: the pool remembers the process id it was built
//! in, and a child process builds a fresh pool instead of waiting on threads that do not exist.
//! The lock guarding the pool must not be copied into a child in the locked state (its holder
//! would be a thread that does not exist there, and the child's first call would wait forever):
//! `pthread_atfork` handlers take it before `fork()` and release it on both sides after.
//!
//! Short calls (well under a millisecond of work, where waking rayon's workers and joining them
//! costs as much as the work) run on a [`team`](crate::team) instead, through [`short`]: the
//! calling thread and `threads - 1` workers of the library's own, each thread always taking the
//! same share (see [`Par`]). The team and the pool share the thread-count setting, and a call
//! uses one or the other, never both; short calls use the pool instead while any call runs on it,
//! so together they never run more threads than the setting.

use crate::team::Team;
use crate::Error;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, OnceLock};

/// The largest thread count accepted by [`set_num_threads`].
pub const MAX_THREADS: usize = 1024;

struct PoolState {
    /// What the caller asked for; 0 = automatic.
    requested: usize,
    /// Built lazily, for `threads` workers in process `pid`.
    pool: Option<(Arc<rayon::ThreadPool>, usize, u32)>,
    /// One worker, for calls with a progress handler when the thread count is 1 (see
    /// [`progress_pool`]); built lazily in process `pid`.
    helper: Option<(Arc<rayon::ThreadPool>, u32)>,
    /// The team for short calls, of `Team::threads()` threads, built lazily in process `pid`.
    team: Option<(Arc<Team>, u32)>,
}

static STATE: Mutex<PoolState> = Mutex::new(PoolState { requested: 0, pool: None, helper: None, team: None });

fn state() -> MutexGuard<'static, PoolState> {
    register_fork_handlers();
    lock_state()
}

fn lock_state() -> MutexGuard<'static, PoolState> {
    // The state stays consistent even if a holder panicked: every update is a single assignment.
    STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// --- fork() --------------------------------------------------------------------------------------
//
// A std Mutex is copied into a child process as it is: if another thread of the parent held
// STATE at the fork (a kernel call looking up the pool, hpk_get_num_threads, a pool being
// built), the child's every later call would block on it forever. So the forking thread takes
// STATE before the fork (waiting for the current holder, which never blocks for long) and
// releases it in the parent and in the child afterwards; the child also drops its reference to
// the parent's pool, whose workers it does not have.

thread_local! {
    /// The guard `before_fork` took, held by the forking thread across `fork()`.
    static HELD_ACROSS_FORK: RefCell<Option<MutexGuard<'static, PoolState>>> = const { RefCell::new(None) };
}

extern "C" fn before_fork() {
    let guard = lock_state();
    // Should the thread-local be gone (a fork from a thread-local destructor), the guard is
    // dropped here unstored: the fork then proceeds without the lock, as it did before.
    let _ = HELD_ACROSS_FORK.try_with(move |held| *held.borrow_mut() = Some(guard));
}

extern "C" fn after_fork_in_parent() {
    let _ = HELD_ACROSS_FORK.try_with(|held| drop(held.borrow_mut().take()));
}

extern "C" fn after_fork_in_child() {
    let _ = HELD_ACROSS_FORK.try_with(|held| {
        if let Some(mut st) = held.borrow_mut().take() {
            // Leaked, not dropped: dropping would signal workers that exist only in the parent.
            if let Some((stale, _, _)) = st.pool.take() {
                std::mem::forget(stale);
            }
            if let Some((stale, _)) = st.helper.take() {
                std::mem::forget(stale);
            }
            if let Some((stale, _)) = st.team.take() {
                std::mem::forget(stale);
            }
        }
    });
}

/// Install the fork handlers, once per process: when the library is loaded (below) and, should
/// that not have run, before STATE is first locked.
fn register_fork_handlers() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: the handlers are plain functions that live as long as the library (glibc
        // unregisters a shared object's handlers when it is unloaded).
        let rc =
            unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child)) };
        // Only ENOMEM is possible; the library then works as before, without fork protection.
        debug_assert_eq!(rc, 0, "pthread_atfork failed");
    });
}

/// Registers the fork handlers at load time, before any thread can be inside the library.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static REGISTER_FORK_HANDLERS_AT_LOAD: extern "C" fn() = {
    extern "C" fn at_load() {
        register_fork_handlers();
    }
    at_load
};

/// HPK_NUM_THREADS if it holds a positive integer, else the available cores; read once per
/// process (like OMP_NUM_THREADS): every kernel call needs it, and the core count comes from
/// system calls and cgroup files.
fn automatic_threads() -> usize {
    static AUTOMATIC: OnceLock<usize> = OnceLock::new();
    *AUTOMATIC.get_or_init(|| {
        let from_env =
            std::env::var("HPK_NUM_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0);
        from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).min(MAX_THREADS)
    })
}

fn resolve(requested: usize) -> usize {
    if requested == 0 {
        automatic_threads()
    } else {
        requested
    }
}

/// Set the number of threads kernels use; 0 restores the automatic choice.
pub fn set_num_threads(n: usize) -> Result<(), Error> {
    if n > MAX_THREADS {
        return Err(Error::InvalidArgument(format!("thread count {n} is larger than the maximum {MAX_THREADS}")));
    }
    state().requested = n;
    Ok(())
}

/// The number of threads the next kernel call will use.
pub fn num_threads() -> usize {
    let requested = state().requested;
    resolve(requested)
}

/// The pool to run on, or `None` when kernels should run on the calling thread (one thread).
fn current_pool() -> Result<Option<Arc<rayon::ThreadPool>>, Error> {
    let mut st = state();
    let threads = resolve(st.requested);
    if threads <= 1 {
        return Ok(None);
    }
    let pid = std::process::id();
    if let Some((pool, size, owner)) = &st.pool {
        if *size == threads && *owner == pid {
            return Ok(Some(Arc::clone(pool)));
        }
    }
    if let Some((stale, _, owner)) = st.pool.take() {
        if owner != pid {
            // Forked child: the workers of this pool live only in the parent. Dropping it would
            // signal threads that do not exist; leaking it is the safe choice.
            std::mem::forget(stale);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("hpkern-{i}"))
        .build()
        .map_err(|e| Error::OutOfMemory(format!("cannot start {threads} worker threads: {e}")))?;
    let pool = Arc::new(pool);
    st.pool = Some((Arc::clone(&pool), threads, pid));
    Ok(Some(pool))
}

/// The pool a call with a progress handler runs its work on while the calling thread reports
/// (`crate::progress`): the library's pool, or, when the thread count is 1, a pool of one worker
/// kept for the purpose (the work still runs on one thread, but not the calling one). Inside it,
/// [`install`] runs its operation in place, with the thread count as set.
pub(crate) fn progress_pool() -> Result<Arc<rayon::ThreadPool>, Error> {
    if let Some(pool) = current_pool()? {
        return Ok(pool);
    }
    let mut st = state();
    let pid = std::process::id();
    match st.helper.take() {
        Some((pool, owner)) if owner == pid => {
            st.helper = Some((Arc::clone(&pool), owner));
            return Ok(pool);
        }
        // Forked child: as for the main pool, the parent's worker is not here.
        Some((stale, _)) => std::mem::forget(stale),
        None => {}
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "hpkern-progress".into())
        .build()
        .map_err(|e| Error::OutOfMemory(format!("cannot start a worker thread: {e}")))?;
    let pool = Arc::new(pool);
    st.helper = Some((Arc::clone(&pool), pid));
    Ok(pool)
}

/// Run `op` inside the library's pool (or on this thread when it has one thread).
/// `op` receives the number of threads it runs on, to size its work split.
pub fn install<R, F>(op: F) -> Result<R, Error>
where
    R: Send,
    F: FnOnce(usize) -> R + Send,
{
    match current_pool()? {
        Some(pool) => {
            let threads = pool.current_num_threads();
            let _on_pool = OnPool::enter();
            Ok(pool.install(|| op(threads)))
        }
        None => Ok(op(1)),
    }
}

/// Calls running on the pool right now ([`install`]): while any does, short calls use the pool
/// too rather than the team, so as not to run more threads than the setting.
static POOL_CALLS: AtomicUsize = AtomicUsize::new(0);

struct OnPool;

impl OnPool {
    fn enter() -> OnPool {
        POOL_CALLS.fetch_add(1, Ordering::SeqCst);
        OnPool
    }
}

impl Drop for OnPool {
    fn drop(&mut self) {
        POOL_CALLS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether short calls may use the team: `HPK_SHORT_CALLS=0` in the environment, or
/// [`set_short_calls`], sends them the way they went before the team existed (the pool, in
/// chunks it balances), to compare the two in one process.
static SHORT_CALLS: OnceLock<std::sync::atomic::AtomicBool> = OnceLock::new();

fn short_calls_flag() -> &'static std::sync::atomic::AtomicBool {
    SHORT_CALLS.get_or_init(|| {
        let off = std::env::var("HPK_SHORT_CALLS").is_ok_and(|v| v.trim() == "0");
        std::sync::atomic::AtomicBool::new(!off)
    })
}

/// Enable or disable the team for short calls (diagnostics and benches; on by default).
#[doc(hidden)]
pub fn set_short_calls(on: bool) {
    short_calls_flag().store(on, Ordering::Relaxed);
}

/// Whether kernels should send their short calls to [`short`].
pub(crate) fn short_calls() -> bool {
    short_calls_flag().load(Ordering::Relaxed)
}

/// The team for `threads` threads (`threads >= 2`), built if needed.
fn current_team(st: &mut PoolState, threads: usize) -> Result<Arc<Team>, Error> {
    let pid = std::process::id();
    match st.team.take() {
        Some((team, owner)) if owner == pid && team.threads() == threads => {
            st.team = Some((Arc::clone(&team), owner));
            return Ok(team);
        }
        // Forked child: the parent's workers are not here (dropping would signal them).
        Some((stale, owner)) if owner != pid => std::mem::forget(stale),
        // Another size: its workers stop once the calls still using it are done.
        Some(_) | None => {}
    }
    // Spinning threads that outnumber the cores would take turns with the ones working.
    let spin = threads <= std::thread::available_parallelism().map_or(1, |n| n.get());
    let team = Team::new(threads, spin)
        .map_err(|e| Error::OutOfMemory(format!("cannot start {} worker threads: {e}", threads - 1)))?;
    let team = Arc::new(team);
    st.team = Some((Arc::clone(&team), pid));
    Ok(team)
}

/// Run a short data-parallel call: `op` gets a [`Par`] to spread its work with, on the library's
/// team of threads (the calling thread and `threads - 1` workers that spin briefly between calls,
/// see [`crate::team`]) when it is free, else on the pool as [`install`] does, else (one thread)
/// on the calling thread. For work from some ten microseconds to a millisecond or so: a worker
/// of the team that is awake starts far sooner than a pool worker (`examples/short_calls.rs`).
pub fn short<R, F>(op: F) -> Result<R, Error>
where
    R: Send,
    F: FnOnce(Par<'_>) -> R + Send,
{
    let team = {
        let mut st = state();
        let threads = resolve(st.requested);
        if threads <= 1 {
            drop(st);
            return Ok(op(Par(Inner::Serial)));
        }
        // Not from inside a rayon pool (ours, or the host's, whose workers are its cores).
        let free = POOL_CALLS.load(Ordering::SeqCst) == 0 && rayon::current_thread_index().is_none();
        if free {
            Some(current_team(&mut st, threads)?)
        } else {
            None
        }
    };
    if let Some(acquired) = team.as_deref().and_then(Team::try_acquire) {
        return Ok(op(Par(Inner::Team(&acquired))));
    }
    install(|threads| op(Par::on_pool(threads)))
}

mod par;
#[cfg(test)]
mod tests;

pub(crate) use par::for_each_chunk_mut;
#[cfg(test)]
pub(crate) use par::with_private_team;
use par::Inner;
pub use par::Par;
#[cfg(test)]
use par::PIECES_PER_BAND;
