//! The thread-count knob.

use super::{guard, hpk_status};
use crate::pool;

/// Set how many threads the kernels use from now on, for every thread of the process.
///
/// `n = 0` restores the automatic choice: the environment variable HPK_NUM_THREADS if it holds
/// a positive integer, else the number of available cores (both read once per process, at the
/// first call that needs them). `n = 1` runs every kernel on the
/// calling thread. Calls already running keep the count they started with. The library's pool is
/// its own, never rayon's global pool or OpenMP's. Under multiprocessing, Dask or OpenMP hosts
/// that already run one worker per core, set 1 (or HPK_NUM_THREADS=1) to avoid oversubscription.
///
/// Returns HPK_OK, or HPK_ERR_INVALID_ARGUMENT if `n` is larger than 1024 (the setting is then
/// unchanged).
#[no_mangle]
pub extern "C" fn hpk_set_num_threads(n: usize) -> hpk_status {
    guard(|| pool::set_num_threads(n))
}

/// The number of threads the next kernel call will use (at least 1).
#[no_mangle]
pub extern "C" fn hpk_get_num_threads() -> usize {
    super::catch_panic(1, pool::num_threads)
}
