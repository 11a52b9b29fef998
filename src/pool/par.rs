//! [`Par`]: how a short call spreads its work over the team's threads, the pool's, or only the
//! calling thread.

use crate::team::Acquired;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

    /// `data` (whole units of `unit` elements) cut into one contiguous band per thread (fewer if
    /// there are fewer units), `f(k, first unit, band k)` once for each: band `k` is units
    /// `k * units / bands..(k + 1) * units / bands`, the same from call to call. Thread `k` starts
    /// with band `k` (so a band's rows stay in one core's cache from call to call); a thread that
    /// has finished its own takes the bands not started yet, so a worker that is slow to wake
    /// (parked, or descheduled by a busy machine) costs its band's time, not the whole call's.
    pub fn bands<T: Send>(self, data: &mut [T], unit: usize, f: impl Fn(usize, usize, &mut [T]) + Sync) {
        assert!(unit > 0 && data.len().is_multiple_of(unit), "bands of whole units");
        let units = data.len() / unit;
        let bands = self.threads().min(units).max(1);
        if bands == 1 {
            return f(0, 0, data);
        }
        let base = SharedMut(data.as_mut_ptr());
        let started: Vec<AtomicBool> = (0..bands).map(|_| AtomicBool::new(false)).collect();
        self.broadcast(bands, |w| {
            for k in (w..bands).chain(0..w) {
                if started[k].swap(true, Ordering::Relaxed) {
                    continue;
                }
                let (first, end) = (k * units / bands, (k + 1) * units / bands);
                // SAFETY: bands are disjoint ranges of `data`, each taken by exactly one thread
                // (the swap above), while `data` stays mutably borrowed by this call.
                let band =
                    unsafe { std::slice::from_raw_parts_mut(base.get().add(first * unit), (end - first) * unit) };
                f(k, first, band);
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
                self.broadcast(count, |_| loop {
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
