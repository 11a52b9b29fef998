//! Test-only export (cargo feature `test-panic`, never in the header or a release build): panics
//! on purpose so tests can prove the panic boundary holds and the library keeps working.

use super::{guard, hpk_status};
use crate::pool;

/// Panic on the calling thread (`on_pool_workers == false`) or inside parallel work on the
/// library's pool (on a worker when it has more than one thread); returns HPK_ERR_PANIC.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn hpk_test_panic(on_pool_workers: bool) -> hpk_status {
    guard(|| {
        if on_pool_workers {
            let mut cells = vec![0u8; 4096];
            pool::install(|threads| {
                pool::for_each_chunk_mut(threads, &mut cells, 64, |k, _| {
                    if k == 37 {
                        panic!("hpk_test_panic: deliberate panic on a pool worker");
                    }
                })
            })?;
        }
        panic!("hpk_test_panic: deliberate panic on the calling thread");
    })
}
