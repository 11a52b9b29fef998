//! Status codes. The numbers are part of the ABI: they never change, new ones are only appended.

use crate::Error;
use std::ffi::c_char;

/// Result of every fallible function: HPK_OK or one of the HPK_ERR_* codes below.
pub type hpk_status = u32;

/// Success; outputs are written.
pub const HPK_OK: hpk_status = 0;
/// A pointer that must point to data is NULL.
pub const HPK_ERR_NULL_POINTER: hpk_status = 1;
/// A dimension is zero, or an element count times its size overflows the address space.
pub const HPK_ERR_INVALID_SIZE: hpk_status = 2;
/// A value is outside its documented range (negative maxiter, non-finite coordinate or
/// coefficient, unknown boundary, too many threads, misaligned pointer).
pub const HPK_ERR_INVALID_ARGUMENT: hpk_status = 3;
/// An output buffer overlaps an input buffer or the other buffer.
pub const HPK_ERR_OVERLAP: hpk_status = 4;
/// The output buffer is too small; the required size is reported (see hpk_primes_in_range).
pub const HPK_ERR_BUFFER_TOO_SMALL: hpk_status = 5;
/// An internal buffer or the worker threads could not be allocated.
pub const HPK_ERR_OUT_OF_MEMORY: hpk_status = 6;
/// An internal bug was caught before it could unwind into the caller; the library stays usable.
pub const HPK_ERR_PANIC: hpk_status = 7;
/// The progress handler asked to stop (see hpk_set_progress_handler); what the outputs hold is
/// documented per function.
pub const HPK_ERR_CANCELLED: hpk_status = 8;

pub(crate) fn status_of(err: &Error) -> hpk_status {
    match err {
        Error::NullPointer(_) => HPK_ERR_NULL_POINTER,
        Error::InvalidSize(_) => HPK_ERR_INVALID_SIZE,
        Error::InvalidArgument(_) => HPK_ERR_INVALID_ARGUMENT,
        Error::Overlap(_) => HPK_ERR_OVERLAP,
        Error::BufferTooSmall { .. } => HPK_ERR_BUFFER_TOO_SMALL,
        Error::OutOfMemory(_) => HPK_ERR_OUT_OF_MEMORY,
        Error::Cancelled => HPK_ERR_CANCELLED,
    }
}

/// Fixed text for each status, NUL-terminated.
fn message(status: hpk_status) -> &'static [u8] {
    match status {
        HPK_OK => b"success\0",
        HPK_ERR_NULL_POINTER => b"a required pointer is NULL\0",
        HPK_ERR_INVALID_SIZE => b"invalid size: a dimension is zero or the size overflows\0",
        HPK_ERR_INVALID_ARGUMENT => b"invalid argument: a value is outside its documented range\0",
        HPK_ERR_OVERLAP => b"output buffer overlaps another buffer of the call\0",
        HPK_ERR_BUFFER_TOO_SMALL => b"output buffer too small\0",
        HPK_ERR_OUT_OF_MEMORY => b"out of memory\0",
        HPK_ERR_PANIC => b"internal error (a bug in hpkern, caught; please report it)\0",
        HPK_ERR_CANCELLED => b"cancelled by the progress handler\0",
        _ => b"unknown status code\0",
    }
}

/// A short English description of `status`.
///
/// Returns static, NUL-terminated text: never NULL, also for codes this version does not know.
/// The caller must not free it. For the details of the last failure on the calling thread, see
/// hpk_last_error_message.
#[no_mangle]
pub extern "C" fn hpk_status_message(status: hpk_status) -> *const c_char {
    message(status).as_ptr().cast()
}
