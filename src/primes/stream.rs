//! Primes as a stream: [`PrimeStream`] hands out the primes of [lo, hi) in order, a caller's
//! buffer at a time, with the memory of one sieve (its base primes, O(min(sqrt(hi), 2^25))) and
//! one segment, whatever the range's length.
//!
//! Its whole state is the next position: every prime below it has been handed out and none
//! above, so a stream can stop and continue at any point, or be rebuilt from a saved position
//! with `PrimeStream::new(position, hi)`. The segment last sieved is kept and reused while the
//! position lies in it; a call that has to sieve past it sieves the next segment from the
//! position's byte on.

use super::range::choose_bound;
use super::sieve::wheel30::RESIDUES;
use super::sieve::{Scratch, Sieve, SEG_BYTES};
use crate::error::try_vec;
use crate::progress::{self, Meter, Progress};
use crate::Error;

/// Numbers a call must expect to sieve before it sets up progress reports: about a millisecond.
const REPORT_MIN_NUMBERS: u64 = 1 << 24;

/// `OFFSETS[t]`: the number that bit t of a segment word stands for, less 30 times the word's
/// first byte index (byte t / 8 of the word, residue t % 8 of the wheel).
const OFFSETS: [u64; 64] = {
    let mut table = [0u64; 64];
    let mut t = 0;
    while t < 64 {
        table[t] = 30 * (t as u64 / 8) + RESIDUES[t % 8];
        t += 1;
    }
    table
};

/// A resumable walk through the primes of [lo, hi), ascending; see [`PrimeStream::next_chunk`].
///
/// Single-threaded: one call sieves on the calling thread (or, with progress reports, on one
/// thread of the library's progress pool while the caller reports).
pub struct PrimeStream {
    hi: u64,
    /// The next number to look at: every prime in [lo, pos) has been handed out.
    pos: u64,
    /// The sieve and its buffers; `None` for an empty range.
    engine: Option<Engine>,
}

struct Engine {
    sieve: Sieve,
    scratch: Scratch,
    /// The segment last sieved, as little-endian words of the sieve's bytes (bit 8 i + b of the
    /// words is bit b of byte i), zero past its end.
    words: Vec<u64>,
    /// Byte index (30 numbers each) of the cached segment's first byte, and its length in
    /// bytes (0: nothing cached).
    seg_start: u64,
    seg_len: u64,
    /// Bytes per segment, and the end of the range in bytes: ceil(hi / 30).
    seg_cap: u64,
    end_byte: u64,
}

impl PrimeStream {
    /// A stream of the primes p with lo <= p < hi (any u64 bounds; `lo >= hi` is an empty
    /// stream). Builds the sieve's base primes: a choice between all primes up to sqrt(hi - 1)
    /// and fewer (at most up to 2^25, about 8 MiB) with Miller-Rabin confirming what survives,
    /// whichever the cost model in `range` finds cheaper for the range, plus two buffers of
    /// one segment (1 MiB each: 31 million numbers; less for a shorter range).
    ///
    /// Errors: [`Error::OutOfMemory`] if those cannot be allocated.
    pub fn new(lo: u64, hi: u64) -> Result<PrimeStream, Error> {
        if lo >= hi {
            return Ok(PrimeStream { hi, pos: hi.max(lo), engine: None });
        }
        let end_byte = hi.div_ceil(30);
        let bytes = end_byte - lo / 30;
        let seg_cap = bytes.min(SEG_BYTES as u64);
        let (bound, _) = choose_bound(hi, hi - lo, bytes.div_ceil(seg_cap));
        let sieve = Sieve::new(bound, lo, hi)?;
        let scratch = sieve.scratch()?;
        let words = try_vec(seg_cap.div_ceil(8) as usize, 0u64, "the stream's segment")?;
        let engine = Engine { sieve, scratch, words, seg_start: 0, seg_len: 0, seg_cap, end_byte };
        Ok(PrimeStream { hi, pos: lo, engine: Some(engine) })
    }

    /// The next number the stream looks at: every prime of the range below it has been handed
    /// out, none at or above it. Starts at lo and ends at hi (for an empty range, at
    /// max(lo, hi)). `PrimeStream::new(position, hi)` continues where this stream is.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The end of the range (exclusive).
    pub fn hi(&self) -> u64 {
        self.hi
    }

    /// Writes the next primes of the range, ascending, to the front of `out` and returns how
    /// many: `out.len()` of them, or fewer only when the range ends first; 0 once the stream is
    /// exhausted (and on every call after). The rest of `out` is untouched. A call sieves
    /// about `out.len() * ln(hi)` numbers; each segment (31 million numbers) is sieved once
    /// however the calls cut it.
    ///
    /// Errors: [`Error::InvalidSize`] if `out` is empty (0 would read as the end of the
    /// stream); nothing is written and the position stays.
    pub fn next_chunk(&mut self, out: &mut [u64]) -> Result<usize, Error> {
        self.next_chunk_with_progress(out, None)
    }

    /// [`PrimeStream::next_chunk`], reporting to `progress` when the call is expected to sieve
    /// 2^24 numbers or more (from `out.len()` and the density of primes near hi): `done` counts
    /// the numbers the position has passed in this call, `total` is the rest of the range
    /// (`hi - position()` when the call starts), so a call that fills `out` ends with `done`
    /// below `total`.
    ///
    /// After [`Error::Cancelled`] the stream is where it was before the call: the next call
    /// hands out the same primes again, none lost or repeated. `out` may hold some of them
    /// (ignore it).
    pub fn next_chunk_with_progress(
        &mut self,
        out: &mut [u64],
        progress: Option<&mut Progress<'_>>,
    ) -> Result<usize, Error> {
        if out.is_empty() {
            return Err(Error::InvalidSize("the stream's output buffer is empty".into()));
        }
        let remaining = self.hi.saturating_sub(self.pos);
        let ln_hi = (self.hi.max(3) as f64).ln();
        let expected = (remaining as f64).min(out.len() as f64 * ln_hi);
        let long = expected >= REPORT_MIN_NUMBERS as f64;
        progress::track(progress, long, remaining, |meter| self.fill(out, meter))
    }

    /// The body of [`PrimeStream::next_chunk_with_progress`] (`out` non-empty): checks `meter`
    /// before each segment it sieves and sets it to the numbers passed.
    pub(super) fn fill(&mut self, out: &mut [u64], meter: &Meter) -> Result<usize, Error> {
        let Some(engine) = self.engine.as_mut() else { return Ok(0) };
        let (start, hi) = (self.pos, self.hi);
        let mut n = 0;
        // 2, 3 and 5 are not on the wheel.
        for p in [2, 3, 5] {
            if n < out.len() && (self.pos..hi).contains(&p) {
                out[n] = p;
                n += 1;
                self.pos = p + 1;
            }
        }
        if n < out.len() && self.pos < 6 {
            self.pos = hi.min(6);
        }
        while n < out.len() && self.pos < hi {
            let byte = self.pos / 30;
            if !(engine.seg_start..engine.seg_start + engine.seg_len).contains(&byte) {
                meter.set(self.pos - start);
                if meter.cancelled() {
                    self.pos = start;
                    return Err(Error::Cancelled);
                }
                engine.sieve_from(byte);
            }
            let (written, next) = engine.extract(self.pos, &mut out[n..]);
            n += written;
            self.pos = next.min(hi);
        }
        Ok(n)
    }
}

impl Engine {
    /// Sieves the segment of up to `seg_cap` bytes that starts at byte `byte` into `words`.
    fn sieve_from(&mut self, byte: u64) {
        let end = self.end_byte.min(byte + self.seg_cap);
        let words = &mut self.words;
        self.sieve.run(&mut self.scratch, byte, end, Meter::off(), |_, bytes, _| {
            let mut pieces = bytes.chunks_exact(8);
            let mut filled = 0;
            for (word, piece) in words.iter_mut().zip(&mut pieces) {
                *word = u64::from_le_bytes(piece.try_into().expect("8 bytes"));
                filled += 1;
            }
            let tail = pieces.remainder();
            if !tail.is_empty() {
                let mut last = [0u8; 8];
                last[..tail.len()].copy_from_slice(tail);
                words[filled] = u64::from_le_bytes(last);
                filled += 1;
            }
            words[filled..].fill(0);
        });
        self.seg_start = byte;
        self.seg_len = end - byte;
    }

    /// Writes the primes >= `pos` of the cached segment (which holds `pos`'s byte) to `out`
    /// until it is full or the segment ends; returns how many and the position after them
    /// (the last prime + 1 if `out` filled, else the segment's end, possibly past hi).
    fn extract(&self, pos: u64, out: &mut [u64]) -> (usize, u64) {
        let at = pos / 30 - self.seg_start;
        let below = pos % 30;
        // Bits of pos's byte for residues >= pos % 30, and none of the bytes before it.
        let byte_mask = RESIDUES.iter().enumerate().fold(0u64, |m, (b, &r)| if r >= below { m | 1 << b } else { m });
        let mut w = (at / 8) as usize;
        let shift = 8 * (at % 8) as u32;
        let first_mask = byte_mask << shift | u64::MAX.checked_shl(shift + 8).unwrap_or(0);
        let mut bits = self.words[w] & first_mask;
        let mut n = 0;
        loop {
            if bits != 0 {
                // A set bit is a prime below hi, so the word's base does not overflow.
                let base = 30 * (self.seg_start + 8 * w as u64);
                let room = out.len() - n;
                if (bits.count_ones() as usize) < room {
                    while bits != 0 {
                        out[n] = base + OFFSETS[bits.trailing_zeros() as usize];
                        n += 1;
                        bits &= bits - 1;
                    }
                } else {
                    let mut last = 0;
                    for slot in &mut out[n..] {
                        last = base + OFFSETS[bits.trailing_zeros() as usize];
                        *slot = last;
                        bits &= bits - 1;
                    }
                    return (out.len(), last + 1);
                }
            }
            w += 1;
            if w == self.words.len() {
                return (n, 30u64.saturating_mul(self.seg_start + self.seg_len));
            }
            bits = self.words[w];
        }
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
