//! The prime stream: hpk_prime_stream_new, hpk_prime_stream_next, hpk_prime_stream_position and
//! hpk_prime_stream_free (op PrimeStream): a stream over a fuzzed window, a few calls on it with
//! fuzzed capacities and pointers (and pointers that are not a live stream), then drained, or
//! resumed by a second stream from its position, or freed half-way; what it handed out must be
//! the reference's primes of the window.

use super::{huge_count, Fuzz, CANARY_U64};
use crate::buffers::{Arg, Bufs};
use crate::check::{call, check_untouched, Expect};
use crate::MAX_ELEMS;
use hpkern::ffi::*;
use hpkern_testkit::canary::{self, Arena};
use hpkern_testkit::primes::is_prime;
use std::mem::{align_of, size_of};

/// A live stream and what it has handed out so far.
struct Walk {
    handle: *mut hpk_prime_stream,
    lo: u64,
    hi: u64,
    /// Every prime handed out, in order.
    got: Vec<u64>,
    /// The stream's position after the last successful call.
    position: u64,
}

impl Walk {
    fn what(&self) -> String {
        format!("the stream over [{}, {}) at {} after {} primes", self.lo, self.hi, self.position, self.got.len())
    }

    /// hpk_prime_stream_position through a local (the call must succeed).
    fn read_position(&self) -> u64 {
        let mut position = CANARY_U64;
        // SAFETY: a live stream and a live local u64.
        call(&format!("hpk_prime_stream_position({})", self.what()), Expect::default(), || unsafe {
            hpk_prime_stream_position(self.handle, &mut position)
        });
        position
    }

    /// Take `listed` (written by one successful call) into the walk: ascending, above what came
    /// before, in the window; the position moves past them, to hi when nothing was written.
    fn take(&mut self, what: &str, listed: &[u64], capacity: usize) {
        let position = self.read_position();
        let last = self.got.last().copied();
        if let Some(k) = (1..listed.len()).find(|&k| listed[k] <= listed[k - 1]) {
            bug!(what, "primes[{k}] = {} does not follow primes[{}] = {}", listed[k], k - 1, listed[k - 1]);
        }
        if let (Some(&first), Some(last)) = (listed.first(), last) {
            if first <= last {
                bug!(what, "handed out {first} after {last}");
            }
        }
        if let Some(&p) = listed.iter().find(|&&p| p < self.lo || p >= self.hi) {
            bug!(what, "handed out {p}, outside [{}, {})", self.lo, self.hi);
        }
        if let Some(&p) = listed.iter().take(64).chain(listed.iter().rev().take(64)).find(|&&p| !is_prime(p)) {
            bug!(what, "handed out {p}, which the reference Miller-Rabin says is composite");
        }
        let end = self.hi.max(self.lo);
        if position < self.position || position > end || listed.last().is_some_and(|&p| position <= p) {
            bug!(what, "position {position} after handing out {listed:?} (it was {})", self.position);
        }
        if listed.len() < capacity && position != end {
            bug!(what, "{} of {capacity} primes written, but the position is {position}, not {end}", listed.len());
        }
        self.got.extend_from_slice(listed);
        self.position = position;
    }

    /// Every prime left, in calls of `capacity` into a local buffer.
    fn drain(&mut self, capacity: usize) {
        let mut buf = vec![CANARY_U64; capacity];
        loop {
            let mut written = CANARY_U64 as usize;
            let what = format!("hpk_prime_stream_next({}, local primes, {capacity}, &written)", self.what());
            // SAFETY: a live stream, a live buffer of `capacity` u64 and a live local size_t.
            call(&what, Expect::default(), || unsafe {
                hpk_prime_stream_next(self.handle, buf.as_mut_ptr(), capacity, &mut written)
            });
            if written > capacity || buf[written..].iter().any(|&v| v != CANARY_U64) {
                bug!(what, "*written = {written}, or primes past it changed");
            }
            self.take(&what, &buf[..written], capacity);
            if written == 0 {
                return;
            }
            buf[..written].fill(CANARY_U64);
        }
    }

    /// After the stream is exhausted: the primes handed out are the reference's for the window
    /// (all of them when it is short, else the count and sampled members).
    fn check_complete(&self, fz: &mut Fuzz) {
        let what = format!("{}, exhausted", self.what());
        super::ranges::check_listed(&what, self.lo, self.hi, &self.got);
        if self.hi > self.lo {
            let count = fz.count(self.lo, self.hi);
            if count != self.got.len() as u64 {
                bug!(what, "{} primes handed out, hpk_count_primes counts {count}", self.got.len());
            }
        }
    }
}

fn free(handle: *mut hpk_prime_stream) {
    // SAFETY: a live stream from hpk_prime_stream_new, freed once.
    unsafe { hpk_prime_stream_free(handle) };
}

impl Fuzz<'_> {
    pub(super) fn op_prime_stream(&mut self) {
        let (lo, hi) = self.range();
        let (mut b, e) = self.single_out("stream", 8);
        b.take_snapshot();
        let what = format!("hpk_prime_stream_new({lo}, {hi}, stream) with {}", b.describe());
        let p = b.ptr(0).cast::<*mut hpk_prime_stream>();
        // SAFETY: a non-NULL pointer points to 8 bytes (maybe misaligned on purpose).
        let st = call(&what, e, || unsafe { hpk_prime_stream_new(lo, hi, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let handle = b.u64s(0)[0] as usize as *mut hpk_prime_stream;
        if handle.is_null() || !(handle as usize).is_multiple_of(align_of::<hpk_prime_stream>()) {
            bug!(what, "HPK_OK with the handle {handle:p}");
        }
        let mut walk = Walk { handle, lo, hi, got: Vec::new(), position: lo };
        let start = walk.read_position();
        if start != lo {
            bug!(what, "a new stream is at {start}, not at lo = {lo}");
        }
        for _ in 0..self.inp.u8() % 5 {
            match self.inp.u8() % 4 {
                0 | 1 => self.stream_next(&mut walk),
                2 => self.stream_position(&walk),
                _ => self.stream_not_a_stream(&walk),
            }
        }
        let end = self.inp.u8();
        let drain_capacity = 256 << (self.inp.u8() % 5);
        match end % 3 {
            0 => {
                walk.drain(drain_capacity);
                walk.check_complete(self);
                free(handle);
            }
            1 => {
                // A second stream from the first one's position continues the walk.
                let mut second = std::ptr::null_mut();
                let what = format!("hpk_prime_stream_new({}, {hi}, &stream) to resume {}", walk.position, walk.what());
                // SAFETY: a live local pointer.
                call(&what, Expect::default(), || unsafe { hpk_prime_stream_new(walk.position, hi, &mut second) });
                free(handle);
                walk.handle = second;
                walk.drain(drain_capacity);
                walk.check_complete(self);
                free(second);
            }
            _ => {
                // Freed half-way: what came so far is every prime below the position.
                let what = format!("{}, freed half-way", walk.what());
                super::ranges::check_listed(&what, lo, walk.position, &walk.got);
                free(handle);
            }
        }
    }

    /// hpk_prime_stream_next with a fuzzed capacity and fuzzed `primes` and `written` pointers.
    fn stream_next(&mut self, walk: &mut Walk) {
        let m = self.inp.u8();
        let (capacity, huge) = match m % 8 {
            0 => (0, false),
            1 => (huge_count(self.inp.u8(), 8), true),
            2..=4 => (1 + usize::from(self.inp.u8()) % 64, false),
            _ => (1 + usize::from(self.inp.u16()) % MAX_ELEMS, false),
        };
        let places = [self.inp.place(0), self.inp.place(1)];
        let backed = if huge { 4 } else { capacity };
        let args = [
            Arg { name: "primes", elem: 8, align: 8, len: backed },
            Arg { name: "written", elem: 8, align: 8, len: 1 },
        ];
        let mut b = Bufs::build(&args, &places);
        let mut e = Expect::default();
        e.add(b.is_null(0) || b.is_null(1), HPK_ERR_NULL_POINTER);
        e.add(capacity == 0 || huge, HPK_ERR_INVALID_SIZE);
        e.add(b.misaligned(0) || b.misaligned(1), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        b.take_snapshot();
        let what = format!("hpk_prime_stream_next({}, primes, {capacity}, written) with {}", walk.what(), b.describe());
        let (pp, pw) = (b.ptr(0).cast::<u64>(), b.ptr(1).cast::<usize>());
        // SAFETY: a live stream; non-NULL pointers point to `capacity` u64 (or capacity*8
        // overflows) and a size_t.
        let st = call(&what, e, || unsafe { hpk_prime_stream_next(walk.handle, pp, capacity, pw) });
        if st != HPK_OK {
            check_untouched(&what, &b, st, &[]);
            let position = walk.read_position();
            if position != walk.position {
                bug!(what, "status {st}, but the position moved from {} to {position}", walk.position);
            }
            return;
        }
        let listed = super::ranges::written_primes(&what, &mut b, capacity);
        walk.take(&what, &listed, capacity);
    }

    /// hpk_prime_stream_position through a fuzzed pointer.
    fn stream_position(&mut self, walk: &Walk) {
        let (mut b, e) = self.single_out("position", 8);
        b.take_snapshot();
        let what = format!("hpk_prime_stream_position({}, position) with {}", walk.what(), b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a live stream; a non-NULL pointer points to a u64 (maybe misaligned).
        let st = call(&what, e, || unsafe { hpk_prime_stream_position(walk.handle, p) });
        check_untouched(&what, &b, st, &[0]);
        if st == HPK_OK && b.u64s(0)[0] != walk.position {
            bug!(what, "wrote {}, the stream is at {}", b.u64s(0)[0], walk.position);
        }
    }

    /// A call given something other than the live stream: NULL, the stream's address moved off
    /// its alignment, or readable memory the size of a stream that never was one. The calls
    /// must refuse it (hpk_prime_stream_free must ignore it) and the stream must stay as it is.
    fn stream_not_a_stream(&mut self, walk: &Walk) {
        let (kind, by, on_next) = (self.inp.u8() % 3, self.inp.u8(), self.inp.u8().is_multiple_of(2));
        let fake = Arena::new(size_of::<hpk_prime_stream>());
        let (bogus, desc, status) = match kind {
            0 => (std::ptr::null_mut(), "NULL".to_string(), HPK_ERR_NULL_POINTER),
            1 => {
                let by = 1 + usize::from(by) % (align_of::<hpk_prime_stream>() - 1);
                // SAFETY: inside the live stream's allocation (the library checks alignment
                // before it reads anything).
                let p = unsafe { walk.handle.cast::<u8>().add(by) }.cast::<hpk_prime_stream>();
                (p, format!("the stream + {by} bytes"), HPK_ERR_INVALID_ARGUMENT)
            }
            _ => {
                (fake.ptr().cast(), "a canary-filled block the size of a stream".to_string(), HPK_ERR_INVALID_ARGUMENT)
            }
        };
        let mut e = Expect::default();
        e.add(true, status);
        let mut buf = [CANARY_U64; 4];
        let mut out = CANARY_U64;
        let mut written = CANARY_U64 as usize;
        let what = if on_next {
            format!("hpk_prime_stream_next({desc}, local primes, 4, &written) beside {}", walk.what())
        } else {
            format!("hpk_prime_stream_position({desc}, &position) beside {}", walk.what())
        };
        // SAFETY: the library refuses the pointer before using it as a stream (NULL, misaligned,
        // or a block of a stream's size without its magic); the other arguments are locals.
        let st = call(&what, e, || unsafe {
            if on_next {
                hpk_prime_stream_next(bogus, buf.as_mut_ptr(), 4, &mut written)
            } else {
                hpk_prime_stream_position(bogus, &mut out)
            }
        });
        // SAFETY: NULL, misaligned and magic-less pointers are documented no-ops of free.
        unsafe { hpk_prime_stream_free(bogus) };
        if buf != [CANARY_U64; 4] || out != CANARY_U64 || written != CANARY_U64 as usize {
            bug!(what, "status {st}, but an output changed");
        }
        if fake.bytes().iter().any(|&v| v != canary::BYTE) {
            bug!(what, "the fake stream's memory changed (by the call or by hpk_prime_stream_free)");
        }
        let position = walk.read_position();
        if position != walk.position {
            bug!(what, "the live stream moved from {} to {position}", walk.position);
        }
    }
}
