//! What output buffers hold before a call, so that a test can tell what the call wrote.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};

/// A signalling-NaN payload no kernel computes: an f64 output still holding these bits was not
/// written. Compare bits, not values (NaN != NaN).
pub const F64_BITS: u64 = 0x7FF4_DEAD_BEEF_0001;
pub const I32: i32 = 0x5A5A_5A5A;
pub const U64: u64 = 0xDEAD_BEEF_CAFE_F00D;
/// The fill byte of bool outputs and of [`Arena`]s: not a valid Rust bool, so a bool output is
/// read as a byte (0 or 1 once written).
pub const BYTE: u8 = 0xA5;

/// One allocation of exactly `size` bytes (at least 1), 16-byte aligned, filled with [`BYTE`]:
/// AddressSanitizer's redzone starts right after it, so a one-byte overrun is reported.
pub struct Arena {
    ptr: *mut u8,
    size: usize,
    layout: Layout,
}

impl Arena {
    pub fn new(size: usize) -> Arena {
        let layout = Layout::from_size_align(size.max(1), 16).expect("arena layout");
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: freshly allocated, layout.size() bytes.
        unsafe { ptr.write_bytes(BYTE, layout.size()) };
        Arena { ptr, size, layout }
    }

    /// The size asked for (the allocation holds at least one byte even for 0).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The start; valid for [`Arena::size`] bytes while the arena lives.
    pub fn ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// The bytes, read between calls that may write them through [`Arena::ptr`].
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `size` initialised bytes.
        unsafe { std::slice::from_raw_parts(self.ptr, self.size) }
    }

    /// Copy `data` to byte `offset`.
    pub fn write(&mut self, offset: usize, data: &[u8]) {
        assert!(offset.checked_add(data.len()).is_some_and(|end| end <= self.size), "write outside the arena");
        // SAFETY: the range lies inside the allocation (asserted).
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr.add(offset), data.len()) };
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr, self.layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arenas_are_aligned_and_filled() {
        for size in [0usize, 1, 7, 16, 33] {
            let mut a = Arena::new(size);
            assert_eq!(a.ptr() as usize % 16, 0);
            assert_eq!(a.size(), size);
            assert!(a.bytes().iter().all(|&b| b == BYTE));
            if size >= 3 {
                a.write(1, &[1, 2]);
                assert_eq!(&a.bytes()[..3], &[BYTE, 1, 2]);
            }
        }
        assert!(f64::from_bits(F64_BITS).is_nan());
    }
}
