//! The detailed message of the last failed call, per thread (like errno, but text).

use std::cell::RefCell;
use std::ffi::{c_char, CString};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn record(message: &str) {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = text);
}

/// What went wrong in the most recent call on this thread that returned a status other than
/// HPK_OK, e.g. "d must be finite, got NaN". An empty string if no call on this thread failed.
///
/// Returns NUL-terminated text owned by the library, never NULL. It stays valid until the next
/// failing hpkern call on the same thread; copy it to keep it. Successful calls leave it unchanged.
#[no_mangle]
pub extern "C" fn hpk_last_error_message() -> *const c_char {
    super::catch_panic(c"".as_ptr(), || LAST_ERROR.with(|slot| slot.borrow().as_ptr()))
}
