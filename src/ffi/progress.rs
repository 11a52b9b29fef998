//! Progress reports and cancellation: the calling thread's handler.

use super::{catch_panic, hpk_status, HPK_OK};
use crate::progress::Progress;
use std::cell::Cell;
use std::ffi::c_void;
use std::time::Duration;

/// A progress handler: called with the `user_data` given to hpk_set_progress_handler, the work
/// `done` so far and the call's `total`, in the call's own units (documented per function).
/// Return nonzero to cancel the call in progress (it then returns HPK_ERR_CANCELLED), zero to go
/// on.
pub type hpk_progress_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, done: u64, total: u64) -> i32>;

/// The handler of one thread, as set by hpk_set_progress_handler.
#[derive(Clone, Copy)]
struct Handler {
    f: unsafe extern "C" fn(*mut c_void, u64, u64) -> i32,
    user_data: *mut c_void,
    interval: Duration,
}

thread_local! {
    static HANDLER: Cell<Option<Handler>> = const { Cell::new(None) };
    /// Incremented by every hpk_set_progress_handler on the thread: tells a call whether its
    /// handler set one while it ran.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Set the progress handler of the calling thread: every later call made on this thread to a
/// function that reports (hpk_diffusion_run, hpk_diffusion_evolve, hpk_julia_grid,
/// hpk_julia_calculate_z, hpk_check_prime, hpk_smallest_factor_in_range, hpk_is_prime_batch,
/// hpk_count_primes, hpk_primes_in_range, hpk_prime_stream_next) calls `fn(user_data, done,
/// total)` at most once per `interval_ms` milliseconds while it runs (0 = the library's default,
/// 100 ms). `fn = NULL` removes the handler; `user_data` is passed through untouched and never
/// dereferenced.
///
/// The handler is per thread: a handler set on one thread never fires for calls made on another.
/// It is only ever called on the thread that made the call, never on a pool worker, and never
/// twice at once: it needs no locking and may hold Python's GIL. `done` never decreases within a
/// call, `done <= total`, and `total` is fixed for the call. The first report comes one interval
/// after the call starts, so a call that ends sooner gives none (calls with less than about a
/// millisecond of work do not set up reporting at all); there is no report after a call
/// returns, and no final report on success (the caller knows it is done).
///
/// Returning nonzero cancels the call: every thread working on it stops at its next work item
/// (usually within a millisecond; the largest items, a sieve segment near 2^64 or a Julia item
/// at maxiter 10^6, take some tens of milliseconds) and the call returns HPK_ERR_CANCELLED
/// (hpk_last_error_message says it was cancelled). If the
/// work stopped at a different `done` than the report that cancelled it, one last report gives
/// that `done` (its return value is ignored): the last report is what the outputs hold. What
/// outputs hold after a cancel is documented per function. A request that arrives after the
/// work is complete is ignored and the call returns HPK_OK. The handler must not unwind or
/// longjmp through the library.
///
/// While the handler runs, the thread has no handler: calls it makes into the library run
/// without reports (so the handler is never re-entered), and afterwards the thread's handler is
/// the one before, unless the handler itself called hpk_set_progress_handler (that setting then
/// stays, and applies from the thread's next call). Such nested calls share the library's threads
/// with the call in progress and may wait for them: keep the handler short.
///
/// Returns HPK_OK: every input is valid.
#[no_mangle]
pub extern "C" fn hpk_set_progress_handler(
    r#fn: hpk_progress_fn,
    user_data: *mut c_void,
    interval_ms: u32,
) -> hpk_status {
    catch_panic(super::HPK_ERR_PANIC, || {
        let handler = r#fn.map(|f| Handler { f, user_data, interval: Duration::from_millis(u64::from(interval_ms)) });
        // Unavailable only while the thread's locals are destroyed, when no call can follow.
        let _ = HANDLER.try_with(|h| h.set(handler));
        let _ = GENERATION.try_with(|g| g.set(g.get().wrapping_add(1)));
        HPK_OK
    })
}

/// Run `f` with the calling thread's handler as a [`Progress`], or `None` if none is set.
pub(crate) fn with_progress<R>(f: impl FnOnce(Option<&mut Progress<'_>>) -> R) -> R {
    let handler = HANDLER.try_with(Cell::get).ok().flatten();
    match handler {
        None => f(None),
        Some(h) => {
            let mut report = |done: u64, total: u64| {
                // No handler while it runs (see hpk_set_progress_handler): nested calls don't
                // report, and the handler is never re-entered.
                let generation = GENERATION.try_with(Cell::get).unwrap_or(0);
                let saved = HANDLER.try_with(|c| c.replace(None)).ok().flatten();
                // SAFETY: the caller of hpk_set_progress_handler promised a function of this
                // prototype; it runs on the thread that set it, with the data it gave.
                let cancel = unsafe { (h.f)(h.user_data, done, total) != 0 };
                if GENERATION.try_with(Cell::get).unwrap_or(0) == generation {
                    let _ = HANDLER.try_with(|c| c.set(saved));
                }
                cancel
            };
            let mut progress = Progress::new(&mut report, h.interval);
            f(Some(&mut progress))
        }
    }
}
