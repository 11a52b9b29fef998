//! Primes as a stream: an opaque handle that hands out the primes of [lo, hi) in order, a
//! buffer at a time, with bounded memory; resumable and cancellable.

use super::checks::{check_disjoint, check_ptr, output};
use super::progress::with_progress;
use super::{catch_panic, guard, hpk_status};
use crate::primes::PrimeStream;
use crate::Error;

/// A walk through the primes of a half-open range, created by hpk_prime_stream_new and
/// released by hpk_prime_stream_free. Opaque: only pointers to it exist outside the library.
pub struct hpk_prime_stream {
    /// Checked by every function before it uses the handle: catches most pointers that are
    /// not a live stream (a freed one, or other memory) instead of reading them as one.
    magic: u64,
    stream: PrimeStream,
}

/// "hpkstrm" plus a version byte.
const MAGIC: u64 = 0x6870_6b73_7472_6d01;

/// The stream behind `stream`, or an error status if it is NULL, misaligned or not a live
/// stream.
///
/// # Safety
/// `stream` must be NULL or point to readable memory of at least the handle's size.
unsafe fn stream_of<'a>(stream: *mut hpk_prime_stream) -> Result<&'a mut hpk_prime_stream, Error> {
    check_ptr(stream, 1, "stream")?;
    // SAFETY: non-NULL and aligned (checked above); pointing at a handle from
    // hpk_prime_stream_new that nobody else uses during the call is the caller's precondition.
    let handle = unsafe { &mut *stream };
    if handle.magic != MAGIC {
        return Err(Error::InvalidArgument(
            "stream is not a live hpk_prime_stream: not from hpk_prime_stream_new, or already freed".into(),
        ));
    }
    Ok(handle)
}

/// Create a stream of the primes p with lo <= p < hi, ascending, into `*stream`: pass it to
/// hpk_prime_stream_next to get them a buffer at a time, then to hpk_prime_stream_free. Any
/// 64-bit bounds are valid; `lo >= hi` gives an empty stream. Costs the sieve's base primes:
/// those up to sqrt(hi - 1) or fewer (at most up to 2^25, about 8 MiB; Miller-Rabin then
/// confirms what the sieve leaves), whichever is cheaper for the range, plus two segments of up
/// to 1 MiB each; the memory stays the same for any range length.
///
/// A stream is a single-threaded object: calls with one stream must not overlap (different
/// streams may be used from different threads at once). Its state is its position (see
/// hpk_prime_stream_position): a stream created with `lo` set to another stream's position
/// continues where that one is.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `stream` is NULL; HPK_ERR_INVALID_ARGUMENT if it is
/// misaligned; HPK_ERR_OUT_OF_MEMORY if the sieve cannot be allocated (`*stream` is then
/// untouched, nothing to free).
///
/// # Safety
/// `stream` must point to a writable `hpk_prime_stream *`.
#[no_mangle]
pub unsafe extern "C" fn hpk_prime_stream_new(lo: u64, hi: u64, stream: *mut *mut hpk_prime_stream) -> hpk_status {
    guard(|| {
        check_out!(stream, "stream");
        let handle = Box::new(hpk_prime_stream { magic: MAGIC, stream: PrimeStream::new(lo, hi)? });
        write_out!(stream, Box::into_raw(handle));
        Ok(())
    })
}

/// The next primes of the stream, ascending, into `primes[0 .. *written]`: `capacity` of them,
/// or fewer only when the range ends; `*written == 0` means the stream is exhausted (and stays
/// so). `primes[*written ..]` is untouched. Every prime of the range comes exactly once over the
/// calls, whatever their capacities, and each stretch of the range is sieved once.
/// Single-threaded: a call sieves about `capacity * ln(hi)` numbers on the calling thread (the
/// README's Performance section compares its throughput with hpk_primes_in_range's).
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `stream`, `primes` or `written` is NULL;
/// HPK_ERR_INVALID_SIZE if `capacity` is 0 (0 written would read as the end) or `capacity * 8`
/// overflows; HPK_ERR_INVALID_ARGUMENT if a pointer is misaligned or `stream` is not a live
/// stream (freed, or never created: detected for most such pointers, not all); HPK_ERR_OVERLAP
/// if `written` lies inside `primes`; HPK_ERR_CANCELLED if the progress handler asked to stop.
/// On every status but HPK_OK the stream is unchanged.
///
/// After HPK_ERR_CANCELLED the stream stays valid and is where it was before the call: the next
/// call hands out the same primes again, none lost or repeated. `*written` is untouched and
/// `primes` may hold some of those primes (ignore them).
///
/// Progress (hpk_set_progress_handler), when the call is expected to sieve 2^24 numbers or more
/// (from `capacity` and the density of primes near hi): `done` counts the numbers the stream's
/// position has passed in this call, `total` is the rest of the range (hi minus the position
/// when the call started), so a call that fills `primes` ends with `done` below `total`.
///
/// # Safety
/// `stream` must be NULL or a stream from hpk_prime_stream_new not yet freed, `primes` must
/// point to `capacity` writable values and `written` to a writable size_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_prime_stream_next(
    stream: *mut hpk_prime_stream,
    primes: *mut u64,
    capacity: usize,
    written: *mut usize,
) -> hpk_status {
    guard(|| {
        check_out!(written, "written");
        if capacity == 0 {
            return Err(Error::InvalidSize("capacity is 0: a stream needs room for at least one prime".into()));
        }
        check_ptr(primes, capacity, "primes")?;
        check_disjoint(primes, capacity, written, 1, "primes and written")?;
        // SAFETY: the caller's precondition on `stream`.
        let handle = unsafe { stream_of(stream)? };
        // SAFETY: checked non-NULL, aligned, sized and disjoint from `written`; the stream is
        // the library's own memory.
        let out = unsafe { output(primes, capacity, "primes")? };
        let n = with_progress(|p| handle.stream.next_chunk_with_progress(out, p))?;
        write_out!(written, n);
        Ok(())
    })
}

/// The stream's position into `*position`: every prime of the range below it has been handed
/// out, none at or above it. It starts at `lo` and is `hi` once the stream is exhausted (for an
/// empty range, max(lo, hi)); hpk_prime_stream_new(position, hi, ...) continues from there.
///
/// Returns HPK_OK; HPK_ERR_NULL_POINTER if `stream` or `position` is NULL;
/// HPK_ERR_INVALID_ARGUMENT if a pointer is misaligned or `stream` is not a live stream.
///
/// # Safety
/// `stream` must be NULL or a stream from hpk_prime_stream_new not yet freed, and `position`
/// must point to a writable uint64_t.
#[no_mangle]
pub unsafe extern "C" fn hpk_prime_stream_position(stream: *mut hpk_prime_stream, position: *mut u64) -> hpk_status {
    guard(|| {
        check_out!(position, "position");
        // SAFETY: the caller's precondition on `stream`.
        let handle = unsafe { stream_of(stream)? };
        write_out!(position, handle.stream.position());
        Ok(())
    })
}

/// Release a stream from hpk_prime_stream_new and all its memory. NULL is a valid no-op; a
/// stream must be freed exactly once and not used after.
///
/// # Safety
/// `stream` must be NULL or a stream from hpk_prime_stream_new not yet freed, with no call on
/// it in progress.
#[no_mangle]
pub unsafe extern "C" fn hpk_prime_stream_free(stream: *mut hpk_prime_stream) {
    catch_panic((), || {
        if stream.is_null() || !(stream as usize).is_multiple_of(align_of::<hpk_prime_stream>()) {
            return;
        }
        // SAFETY: the caller's precondition: a live handle from Box::into_raw in
        // hpk_prime_stream_new, not used by anyone else. The magic is cleared so that a second
        // free or a later use of the pointer is detected while the memory is not reused.
        unsafe {
            if (*stream).magic != MAGIC {
                return;
            }
            (*stream).magic = 0;
            drop(Box::from_raw(stream));
        }
    })
}
