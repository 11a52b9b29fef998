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

use crate::Error;
use std::cell::RefCell;
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
}

static STATE: Mutex<PoolState> = Mutex::new(PoolState { requested: 0, pool: None, helper: None });

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
        let rc = unsafe {
            libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child))
        };
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
        let from_env = std::env::var("HPK_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0);
        from_env
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(MAX_THREADS)
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
        return Err(Error::InvalidArgument(format!(
            "thread count {n} is larger than the maximum {MAX_THREADS}"
        )));
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
            Ok(pool.install(|| op(threads)))
        }
        None => Ok(op(1)),
    }
}

/// Apply `f(k, chunk)` to each `chunk_len`-element chunk `k` of `data` (the last may be shorter).
///
/// With `threads > 1` (the count [`install`] passed) the chunks run on the library's pool, stolen
/// dynamically by idle workers; with one thread they run in order on this thread. Kernels use this
/// rather than rayon's parallel iterators directly: outside a pool those fall back to rayon's
/// global pool, which belongs to the host and would break the thread-count setting.
pub(crate) fn for_each_chunk_mut<T: Send>(
    threads: usize,
    data: &mut [T],
    chunk_len: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    use rayon::prelude::*;
    if threads > 1 {
        data.par_chunks_mut(chunk_len).enumerate().for_each(|(k, chunk)| f(k, chunk));
    } else {
        data.chunks_mut(chunk_len).enumerate().for_each(|(k, chunk)| f(k, chunk));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test owns the global setting, so parallel tests don't race on it.
    #[test]
    fn thread_count_setting_is_applied_and_bounded() {
        set_num_threads(3).unwrap();
        assert_eq!(num_threads(), 3);
        let seen = install(|t| (t, rayon::current_num_threads())).unwrap();
        assert_eq!(seen, (3, 3));
        let on_pool_thread = install(|_| std::thread::current().name().map(str::to_owned)).unwrap();
        assert!(on_pool_thread.unwrap().starts_with("hpkern-"));

        set_num_threads(1).unwrap();
        let caller = std::thread::current().id();
        assert_eq!(install(|t| (t, std::thread::current().id())).unwrap(), (1, caller));

        assert!(matches!(set_num_threads(MAX_THREADS + 1), Err(Error::InvalidArgument(_))));
        assert_eq!(num_threads(), 1, "a refused setting leaves the old one");

        // One thread: chunks run in order on the caller, never on rayon's global pool.
        let mut seen = vec![None; 10];
        install(|t| for_each_chunk_mut(t, &mut seen, 3, |k, c| c.fill(Some((k, std::thread::current().id())))))
            .unwrap();
        let expected: Vec<_> = (0..10).map(|i| Some((i / 3, caller))).collect();
        assert_eq!(seen, expected);

        set_num_threads(0).unwrap();
        assert_eq!(num_threads(), automatic_threads());
        assert!(num_threads() >= 1);
    }
}
