//! [`Par`]: how a short call spreads its work over the team's threads, the pool's, or only the
//! calling thread.

use crate::team::Acquired;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How a [`short`] call spreads its work: over the team's threads, the pool's, or only the
/// calling thread.
#[derive(Clone, Copy)]
pub struct Par<'a>(pub(super) Inner<'a>);

#[derive(Clone, Copy)]
pub(super) enum Inner<'a> {
    Serial,
    /// Inside the pool, of this many threads.
    Pool(usize),
    Team(&'a Acquired<'a>),
}

/// Pieces per band in [`Par::bands`]: what a thread that is held up can cost the others.
pub(super) const PIECES_PER_BAND: usize = 8;

/// The pieces of one band not started yet, `front..back`, as one word: the band's owner takes
/// from the front, the other threads from the back. On a cache line of its own, so that the
/// owners of neighbouring bands do not contend.
#[repr(align(64))]
struct PieceClaims(AtomicU64);

impl PieceClaims {
    fn new(pieces: usize) -> PieceClaims {
        PieceClaims(AtomicU64::new(pieces as u64))
    }

    /// Claims the first piece not started, if any.
    fn take_front(&self) -> Option<usize> {
        self.take(|front, back| (front < back).then(|| (front, front + 1, back)))
    }

    /// Claims the last piece not started, if any.
    fn take_back(&self) -> Option<usize> {
        self.take(|front, back| (front < back).then(|| (back - 1, front, back - 1)))
    }

    /// `pick(front, back)` gives the piece claimed and the new `front` and `back`.
    fn take(&self, pick: impl Fn(u64, u64) -> Option<(u64, u64, u64)>) -> Option<usize> {
        let mut now = self.0.load(Ordering::Relaxed);
        loop {
            let (piece, front, back) = pick(now >> 32, now & u64::from(u32::MAX))?;
            match self.0.compare_exchange_weak(now, front << 32 | back, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(piece as usize),
                Err(seen) => now = seen,
            }
        }
    }
}

/// A pointer to data whose disjoint parts go to different threads.
struct SharedMut<T>(*mut T);

// SAFETY: only used to hand out disjoint subslices of one `&mut [T]` to different threads.
unsafe impl<T: Send> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    /// A method, so that closures capture the `Sync` wrapper rather than the raw pointer field.
    fn get(&self) -> *mut T {
        self.0
    }
}

impl Par<'_> {
    /// A `Par` that runs everything on the calling thread.
    pub fn serial() -> Par<'static> {
        Par(Inner::Serial)
    }

    /// A `Par` for work inside [`install`]'s `op`, which got `threads`: the pool's threads.
    pub fn on_pool(threads: usize) -> Par<'static> {
        Par(if threads > 1 { Inner::Pool(threads) } else { Inner::Serial })
    }

    /// The number of threads the work can be spread over.
    pub fn threads(self) -> usize {
        match self.0 {
            Inner::Serial => 1,
            Inner::Pool(threads) => threads,
            Inner::Team(team) => team.threads(),
        }
    }

    /// Whether this runs on the team (tests check which way calls went).
    #[cfg(test)]
    pub(crate) fn is_team(self) -> bool {
        matches!(self.0, Inner::Team(_))
    }

    /// `f(w)` for each `w` in `0..n` (`n <= self.threads()`), each on a thread of its own, `f(0)`
    /// on the calling thread; on the team, thread `w` is the same worker from call to call.
    pub fn broadcast(self, n: usize, f: impl Fn(usize) + Sync) {
        let n = n.min(self.threads());
        match self.0 {
            Inner::Serial => (0..n).for_each(f),
            Inner::Pool(_) => rayon::scope(|s| {
                let f = &f;
                for w in 1..n {
                    s.spawn(move |_| f(w));
                }
                if n > 0 {
                    f(0);
                }
            }),
            Inner::Team(team) => team.run(&|w| {
                if w < n {
                    f(w)
                }
            }),
        }
    }

    /// [`Self::broadcast`] for work that threads claim: on the team, `f(w)` for `w > 0` runs only
    /// on the workers that start before `f(0)` has returned (`Acquired::run_helped`), so `f(0)`
    /// must do whatever the others have not claimed; elsewhere as [`Self::broadcast`].
    fn broadcast_helped(self, n: usize, f: impl Fn(usize) + Sync) {
        match self.0 {
            Inner::Team(team) => team.run_helped(&|w| {
                if w < n.min(team.threads()) {
                    f(w)
                }
            }),
            _ => self.broadcast(n, f),
        }
    }

    /// `data` (whole units of `unit` elements) cut into one contiguous band per thread (fewer if
    /// there are fewer units), band `k` being units `k * units / bands..(k + 1) * units / bands`,
    /// the same from call to call, and each band into up to [`PIECES_PER_BAND`] pieces;
    /// `f(k, first unit, piece)` once for each piece of band `k`. Thread `k` works through band
    /// `k` front to back (so a band's rows stay in one core's cache from call to call); a thread
    /// that has finished its own band takes the pieces not started yet of the others, from their
    /// back. A thread that is slow to wake (parked) or descheduled (a busy machine) then holds the
    /// call up by the piece it is in, not by its whole band.
    pub fn bands<T: Send>(self, data: &mut [T], unit: usize, f: impl Fn(usize, usize, &mut [T]) + Sync) {
        assert!(unit > 0 && data.len().is_multiple_of(unit), "bands of whole units");
        let units = data.len() / unit;
        let bands = self.threads().min(units).max(1);
        if bands == 1 {
            return f(0, 0, data);
        }
        let band_start = |k: usize| k * units / bands;
        let pieces = |k: usize| (band_start(k + 1) - band_start(k)).min(PIECES_PER_BAND);
        let claims: Vec<PieceClaims> = (0..bands).map(|k| PieceClaims::new(pieces(k))).collect();
        let base = SharedMut(data.as_mut_ptr());
        let run = |k: usize, i: usize| {
            let (first, len) = (band_start(k), band_start(k + 1) - band_start(k));
            let (lo, hi) = (first + i * len / pieces(k), first + (i + 1) * len / pieces(k));
            // SAFETY: pieces are disjoint ranges of `data`, each claimed by exactly one thread
            // (`PieceClaims`), while `data` stays mutably borrowed by this call.
            let piece = unsafe { std::slice::from_raw_parts_mut(base.get().add(lo * unit), (hi - lo) * unit) };
            f(k, lo, piece);
        };
        self.broadcast_helped(bands, |w| {
            while let Some(i) = claims[w].take_front() {
                run(w, i);
            }
            for k in (w + 1..bands).chain(0..w) {
                while let Some(i) = claims[k].take_back() {
                    run(k, i);
                }
            }
        });
    }

    /// `f(k, chunk)` for each `chunk_len`-element chunk `k` of `data` (the last may be shorter),
    /// claimed in order by whichever thread is free: for work whose cost varies along `data`.
    pub fn chunks<T: Send>(self, data: &mut [T], chunk_len: usize, f: impl Fn(usize, &mut [T]) + Sync) {
        assert!(chunk_len > 0);
        match self.0 {
            Inner::Serial => for_each_chunk_mut(1, data, chunk_len, f),
            Inner::Pool(threads) => for_each_chunk_mut(threads, data, chunk_len, f),
            Inner::Team(_) => {
                let (len, count) = (data.len(), data.len().div_ceil(chunk_len));
                let base = SharedMut(data.as_mut_ptr());
                let next = AtomicUsize::new(0);
                self.broadcast_helped(count, |_| loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= count {
                        return;
                    }
                    let start = k * chunk_len;
                    // SAFETY: each chunk index is claimed by one thread only; chunks are
                    // disjoint ranges of `data`, which stays mutably borrowed by this call.
                    let chunk =
                        unsafe { std::slice::from_raw_parts_mut(base.get().add(start), chunk_len.min(len - start)) };
                    f(k, chunk);
                });
            }
        }
    }
}

/// Apply `f(k, chunk)` to each `chunk_len`-element chunk `k` of `data` (the last may be shorter).
///
/// With `threads > 1` (the count [`install`] passed) the chunks run on the library's pool, stolen
/// dynamically by idle workers; with one thread they run in order on this thread. Kernels use this
/// rather than rayon's parallel iterators directly: outside a pool those fall back to rayon's
/// global pool, which belongs to the host and would break the thread-count setting.
pub(crate) fn for_each_chunk_mut<T: Send>(
    threads: usize,
    data: &mut [T],
    chunk_len: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    use rayon::prelude::*;
    if threads > 1 {
        data.par_chunks_mut(chunk_len).enumerate().for_each(|(k, chunk)| f(k, chunk));
    } else {
        data.chunks_mut(chunk_len).enumerate().for_each(|(k, chunk)| f(k, chunk));
    }
}

/// `op` on a team of `threads` threads of its own (not the library's), for tests of the team's
/// paths that must not depend on the global setting or on concurrent tests holding the team.
#[cfg(test)]
pub(crate) fn with_private_team<R>(threads: usize, op: impl FnOnce(Par<'_>) -> R) -> R {
    let team = crate::team::Team::new(threads, true).unwrap();
    let acquired = team.try_acquire().unwrap();
    op(Par(Inner::Team(&acquired)))
}
