//! The one error type of the safe kernels; `ffi::status` maps each variant to a stable code.

use std::fmt;

/// Why a kernel call was refused. Every variant but `Cancelled` is detected before any output is
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A pointer that must point to data was NULL (C ABI only).
    NullPointer(&'static str),
    /// A size is zero where data is needed, does not match, or its byte count overflows.
    InvalidSize(String),
    /// A value is out of its documented range (negative maxiter, non-finite coordinate, ...).
    InvalidArgument(String),
    /// An output buffer overlaps an input or the other buffer.
    Overlap(&'static str),
    /// The output buffer cannot hold the result; `required` elements are needed.
    BufferTooSmall { required: usize },
    /// An internal buffer or the worker threads could not be allocated.
    OutOfMemory(String),
    /// The caller's progress callback asked to stop (see [`crate::progress`]); unlike the other
    /// variants this one comes after work has started: what the outputs hold is documented per
    /// function.
    Cancelled,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NullPointer(what) => write!(f, "{what} is NULL"),
            Error::InvalidSize(msg) | Error::InvalidArgument(msg) | Error::OutOfMemory(msg) => f.write_str(msg),
            Error::Overlap(what) => write!(f, "{what} overlap"),
            Error::BufferTooSmall { required } => {
                write!(f, "output buffer too small: {required} elements are required")
            }
            Error::Cancelled => f.write_str("cancelled: the progress handler asked to stop"),
        }
    }
}

impl std::error::Error for Error {}

/// Reserve `n` elements without aborting the process when the request is impossible.
pub(crate) fn try_vec<T: Clone>(n: usize, value: T, what: &str) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::OutOfMemory(format!("cannot allocate {n} elements for {what}")))?;
    v.resize(n, value);
    Ok(v)
}
