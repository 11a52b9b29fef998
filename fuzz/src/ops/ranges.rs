//! Ranges: hpk_count_primes and hpk_primes_in_range (ops CountPrimes and PrimesInRange).

use super::{huge_count, Fuzz, CANARY_U64};
use crate::buffers::{Arg, Bufs};
use crate::check::{call, check_untouched, Expect};
use crate::{HEAVY_RANGE, HEAVY_RANGE_HIGH, MAX_ELEMS, REF_RANGE};
use hpkern::ffi::*;
use hpkern_testkit::{primes, Rng};

impl Fuzz<'_> {
    /// A range [lo, hi), at most HEAVY_RANGE long (usually at most REF_RANGE), or empty.
    pub(super) fn range(&mut self) -> (u64, u64) {
        let lo = match self.inp.u8() % 8 {
            0 => 0,
            1 => u64::from(self.inp.u8()),
            2 => u64::MAX - u64::from(self.inp.u16()),
            3 => (1u64 << (self.inp.u8() % 64)).wrapping_sub(u64::from(self.inp.u8())),
            _ => self.inp.num(),
        };
        let m = self.inp.u8();
        let len = match m % 16 {
            0 => return (lo, lo.saturating_sub(u64::from(self.inp.u16()))), // empty or reversed
            1 if self.take_heavy() => {
                let cap = if lo < 1 << 32 { HEAVY_RANGE } else { HEAVY_RANGE_HIGH };
                self.inp.u64() % (cap + 1)
            }
            2..=7 => u64::from(self.inp.u8()),
            _ => u64::from(self.inp.u16()) % (REF_RANGE + 1),
        };
        (lo, lo.saturating_add(len))
    }

    /// count_primes(lo, hi) through a local pointer (the call must succeed).
    pub(super) fn count(&mut self, lo: u64, hi: u64) -> u64 {
        let mut c = CANARY_U64;
        // SAFETY: a live local u64.
        call(&format!("hpk_count_primes({lo}, {hi}, &count)"), Expect::default(), || unsafe {
            hpk_count_primes(lo, hi, &mut c)
        });
        c
    }

    pub(super) fn op_count_primes(&mut self) {
        let (lo, hi_bounded) = self.range();
        let hi_raw = self.inp.u64();
        let split = self.inp.u64();
        let (mut b, e) = self.single_out("count", 8);
        // A call that must fail may ask for any range: it must be refused before the sieve runs.
        let hi = if e.fails() && split.is_multiple_of(2) { hi_raw } else { hi_bounded };
        b.take_snapshot();
        let what = format!("hpk_count_primes({lo}, {hi}, count) with {}", b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a non-NULL pointer points to a u64.
        let st = call(&what, e, || unsafe { hpk_count_primes(lo, hi, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let c = b.u64s(0)[0];
        let len = hi.saturating_sub(lo);
        if c > len {
            bug!(what, "count {c} exceeds the range length {len}");
        }
        if len <= REF_RANGE && c != primes::count_in(lo, hi) {
            bug!(what, "count {c}, reference count {}", primes::count_in(lo, hi));
        }
        if len > 0 && len <= HEAVY_RANGE_HIGH {
            let mid = lo + split % (len + 1);
            let (c1, c2) = (self.count(lo, mid), self.count(mid, hi));
            if c1.wrapping_add(c2) != c {
                bug!(what, "count {c}, but [{lo}, {mid}) + [{mid}, {hi}) count {c1} + {c2}");
            }
        }
        // The size query of primes_in_range must agree.
        let mut written = CANARY_U64 as usize;
        let e2 = Expect { too_small_ok: true, ..Expect::default() };
        // SAFETY: NULL with capacity 0 is the documented size query; `written` is a live local.
        let st2 = call(&format!("hpk_primes_in_range({lo}, {hi}, NULL, 0, &written)"), e2, || unsafe {
            hpk_primes_in_range(lo, hi, std::ptr::null_mut(), 0, &mut written)
        });
        let expect_st = if c == 0 { HPK_OK } else { HPK_ERR_BUFFER_TOO_SMALL };
        if st2 != expect_st || written as u64 != c {
            bug!(
                what,
                "count {c}, but the size query of hpk_primes_in_range gives status {st2} and *written = {written}"
            );
        }
    }

    pub(super) fn op_primes_in_range(&mut self) {
        let (lo, hi_bounded) = self.range();
        let hi_raw = self.inp.u64();
        let cap_mode = self.inp.u8();
        let cap_raw = self.inp.u16();
        let places = [self.inp.place(0), self.inp.place(1)];
        // The true count through count_primes, when a capacity is derived from it.
        let needs_count = matches!(cap_mode % 8, 3..=5);
        let known = if needs_count { Some(self.count(lo, hi_bounded)) } else { None };
        let (capacity, huge) = match (cap_mode % 8, known) {
            (0, _) => (0, false),
            (3, Some(c)) if c <= 1 << 20 => (c as usize, false),
            (4, Some(c)) if c <= 1 << 20 => ((c as usize).saturating_sub(1), false),
            (5, Some(c)) if c <= 1 << 20 => (c as usize + usize::from(cap_raw % 16), false),
            (6, _) => (huge_count(cap_raw as u8, 8), true),
            (1, _) => (usize::from(cap_raw) % 64, false),
            _ => (usize::from(cap_raw) % (MAX_ELEMS + 1), false),
        };
        let backed = if huge { 4 } else { capacity };
        let args = [
            Arg { name: "primes", elem: 8, align: 8, len: backed },
            Arg { name: "written", elem: 8, align: 8, len: 1 },
        ];
        let mut b = Bufs::build(&args, &places);
        let mut e = Expect { too_small_ok: true, ..Expect::default() };
        e.add(b.is_null(1) || (capacity > 0 && b.is_null(0)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(b.misaligned(1) || (capacity > 0 && b.misaligned(0)), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        let hi = if e.fails() && hi_raw.is_multiple_of(2) { hi_raw } else { hi_bounded };
        b.take_snapshot();
        let what = format!("hpk_primes_in_range({lo}, {hi}, primes, {capacity}, written) with {}", b.describe());
        let (pp, pw) = (b.ptr(0).cast::<u64>(), b.ptr(1).cast::<usize>());
        // SAFETY: non-NULL pointers point to `capacity` u64 (or capacity*8 overflows) and a size_t.
        let st = call(&what, e, || unsafe { hpk_primes_in_range(lo, hi, pp, capacity, pw) });
        match st {
            HPK_ERR_BUFFER_TOO_SMALL => {
                if let Err(err) = b.untouched(&[1]) {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL but memory other than *written was modified: {err}");
                }
                let w = b.u64s(1)[0];
                if w as usize <= capacity {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL with *written = {w} <= capacity {capacity}");
                }
                let c = known.unwrap_or_else(|| self.count(lo, hi));
                if w != c {
                    bug!(what, "HPK_ERR_BUFFER_TOO_SMALL with *written = {w}, but count_primes gives {c}");
                }
            }
            HPK_OK => {
                let listed = written_primes(&what, &mut b, capacity);
                let w = listed.len();
                let c = known.unwrap_or_else(|| self.count(lo, hi));
                if w as u64 != c {
                    bug!(what, "*written = {w}, but count_primes gives {c}");
                }
                check_listed(&what, lo, hi, &listed);
            }
            _ => check_untouched(&what, &b, st, &[]),
        }
    }
}

/// The primes a successful call wrote: buffer 0 holds `capacity` u64, buffer 1 the size_t count
/// `*written`, which must be at most `capacity`; nothing but primes[0 .. *written] and
/// `*written` may have changed since the snapshot.
pub(super) fn written_primes(what: &str, b: &mut Bufs, capacity: usize) -> Vec<u64> {
    let w = b.u64s(1)[0] as usize;
    if w > capacity {
        bug!(what, "*written = {w} exceeds capacity {capacity}");
    }
    let mut allowed = b.snapshot.clone();
    if let Some((a, off)) = b.slots[0].at {
        allowed[a][off..off + 8 * w].copy_from_slice(&b.arenas[a].bytes()[off..off + 8 * w]);
    }
    let saved = std::mem::replace(&mut b.snapshot, allowed);
    if let Err(err) = b.untouched(&[1]) {
        bug!(what, "*written = {w}, but memory past primes[{w}] (or padding) changed: {err}");
    }
    b.snapshot = saved;
    b.u64s(0)[..w].to_vec()
}

/// What a list said to hold the primes of [lo, hi) must satisfy: ascending, inside the range,
/// prime at both ends (the first and last 128, by the reference Miller-Rabin); equal to the
/// reference list when the range is at most REF_RANGE long, else missing no prime among 256
/// sampled numbers (both ends and random points).
pub(super) fn check_listed(what: &str, lo: u64, hi: u64, listed: &[u64]) {
    let w = listed.len();
    if let Some(k) = (1..w).find(|&k| listed[k] <= listed[k - 1]) {
        bug!(what, "primes[{k}] = {} does not follow primes[{}] = {}", listed[k], k - 1, listed[k - 1]);
    }
    if let Some(&p) = listed.iter().find(|&&p| p < lo || p >= hi) {
        bug!(what, "listed {p}, outside [{lo}, {hi})");
    }
    for k in (0..w.min(128)).chain(w.saturating_sub(128)..w) {
        if !primes::is_prime(listed[k]) {
            bug!(what, "primes[{k}] = {} is not prime", listed[k]);
        }
    }
    let len = hi.saturating_sub(lo);
    if len <= REF_RANGE {
        let expect = primes::primes_in(lo, hi);
        if listed != expect {
            bug!(what, "listed {listed:?}, reference {expect:?}");
        }
    } else {
        let mut rng = Rng::new(lo ^ hi.rotate_left(17));
        for j in 0..256u64 {
            let x = match j {
                0..=7 => lo + j,
                8..=15 => hi - 1 - (j - 8),
                _ => lo + rng.next_u64() % len,
            };
            if primes::is_prime(x) && listed.binary_search(&x).is_err() {
                bug!(what, "the prime {x} lies in [{lo}, {hi}) but is not listed");
            }
        }
    }
}
