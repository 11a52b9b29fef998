//! Pointer and size checks shared by the exports, done before any slice is formed.

use crate::Error;
use std::mem::{align_of, size_of};

/// Check that `ptr` can be viewed as `len` elements: non-NULL unless `len == 0`, aligned for
/// `T`, and a byte length that fits `isize` (the limit of a Rust slice).
pub(crate) fn check_ptr<T>(ptr: *const T, len: usize, what: &'static str) -> Result<(), Error> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(Error::NullPointer(what));
    }
    if !(ptr as usize).is_multiple_of(align_of::<T>()) {
        return Err(Error::InvalidArgument(format!(
            "{what} is misaligned: {ptr:p} is not a multiple of {}",
            align_of::<T>()
        )));
    }
    byte_len::<T>(len, what).map(|_| ())
}

/// `len` elements of `T` in bytes, if that fits the address space.
pub(crate) fn byte_len<T>(len: usize, what: &'static str) -> Result<usize, Error> {
    len.checked_mul(size_of::<T>())
        .filter(|&bytes| bytes <= isize::MAX as usize)
        .ok_or_else(|| Error::InvalidSize(format!("{what}: {len} elements overflow the address space")))
}

/// Err(Overlap) if the byte ranges of two arrays share a byte. Call after `check_ptr` on both.
pub(crate) fn check_disjoint<A, B>(
    a: *const A,
    a_len: usize,
    b: *const B,
    b_len: usize,
    what: &'static str,
) -> Result<(), Error> {
    let (a_start, b_start) = (a as usize, b as usize);
    let (a_bytes, b_bytes) = (a_len * size_of::<A>(), b_len * size_of::<B>());
    if a_bytes == 0 || b_bytes == 0 {
        return Ok(());
    }
    if a_start < b_start.saturating_add(b_bytes) && b_start < a_start.saturating_add(a_bytes) {
        return Err(Error::Overlap(what));
    }
    Ok(())
}

/// A caller's input array as a slice.
///
/// # Safety
/// `ptr` must point to `len` initialised elements that nobody writes during the call.
pub(crate) unsafe fn input<'a, T>(ptr: *const T, len: usize, what: &'static str) -> Result<&'a [T], Error> {
    check_ptr(ptr, len, what)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned and within isize (checked above); length and validity are the
    // caller's documented precondition.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A caller's output array as a mutable slice.
///
/// # Safety
/// `ptr` must point to `len` writable elements that no other live reference covers (callers
/// check overlap with the other arrays of the call first).
pub(crate) unsafe fn output<'a, T>(ptr: *mut T, len: usize, what: &'static str) -> Result<&'a mut [T], Error> {
    check_ptr(ptr, len, what)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: as for `input`, plus exclusivity, which the caller established.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Check a pointer to one output value: NULL or misaligned returns the error from the enclosing
/// export body.
macro_rules! check_out {
    ($ptr:expr, $what:literal) => {
        $crate::ffi::checks::check_ptr($ptr as *const _, 1, $what)?
    };
}

/// Write one output value through a pointer that passed `check_out!`.
macro_rules! write_out {
    ($ptr:expr, $value:expr) => {
        // SAFETY: `check_out!` proved the pointer non-NULL and aligned; that it points to a
        // writable value is the caller's precondition.
        unsafe { $ptr.write($value) }
    };
}
