//! The buffers of one call: an allocation per group of arguments, each argument's region at
//! the offset its [`Place`] asks for, and the snapshot the checks compare against.

use crate::input::Place;
use hpkern_testkit::canary::Arena;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Arg {
    pub(crate) name: &'static str,
    pub(crate) elem: usize,
    pub(crate) align: usize,
    /// Elements really backed by memory (the passed count, or a few for an overflowing size).
    pub(crate) len: usize,
}

pub(crate) struct Slot {
    pub(crate) arg: Arg,
    /// (arena index, byte offset of the region in it), None for NULL.
    pub(crate) at: Option<(usize, usize)>,
}

pub(crate) struct Bufs {
    pub(crate) arenas: Vec<Arena>,
    pub(crate) slots: Vec<Slot>,
    pub(crate) snapshot: Vec<Vec<u8>>,
}

impl Bufs {
    pub(crate) fn build(args: &[Arg], places: &[Place]) -> Bufs {
        let n = args.len();
        let mut group: Vec<Option<usize>> = vec![None; n];
        let mut start = vec![0i64; n];
        let mut reserve_end = vec![0i64; n];
        let mut groups = 0;
        for i in 0..n {
            let a = args[i];
            let bytes = (a.elem * a.len) as i64;
            let own = |pad_before: usize, misalign: usize| {
                let shift = if misalign > 0 && a.align > 1 { 1 + (misalign - 1) % (a.align - 1) } else { 0 };
                (pad_before * a.elem + shift) as i64
            };
            match places[i] {
                Place::Null => continue,
                Place::Own { pad_before, misalign, pad_after } => {
                    group[i] = Some(groups);
                    groups += 1;
                    start[i] = own(pad_before, misalign);
                    reserve_end[i] = start[i] + bytes + (pad_after * a.elem) as i64;
                }
                Place::Shared { with, mode, raw } => {
                    let Some(g) = group[with] else {
                        group[i] = Some(groups);
                        groups += 1;
                        start[i] = 0;
                        reserve_end[i] = bytes;
                        continue;
                    };
                    let other = (args[with].elem * args[with].len) as i64;
                    let (e, al) = (a.elem as i64, a.align as i64);
                    let delta = match mode {
                        0 => 0,                                               // same start
                        1 => other,                                           // adjacent after
                        2 => -bytes,                                          // adjacent before
                        3 => other - e,                                       // overlaps the last element
                        4 => i64::from(raw % 64) * al,                        // aligned offset
                        5 => i64::from(raw % 256),                            // any byte offset
                        6 => al - bytes,                                      // overlaps the first alignment unit
                        _ => other + i64::from(raw.unsigned_abs() % 64) * al, // a gap after
                    };
                    group[i] = Some(g);
                    start[i] = start[with] + delta;
                    reserve_end[i] = start[i] + bytes;
                }
            }
        }
        let mut arenas = Vec::with_capacity(groups);
        let mut shift = vec![0i64; groups];
        for (g, shift) in shift.iter_mut().enumerate() {
            let members = (0..n).filter(|&i| group[i] == Some(g));
            let lo = members.clone().map(|i| start[i]).min().unwrap_or(0);
            let hi = members.map(|i| reserve_end[i]).max().unwrap_or(0);
            // Keep every start's residue mod 16 (the arena is 16-aligned): misalignment survives.
            *shift = if lo < 0 { (-lo + 15) / 16 * 16 } else { 0 };
            arenas.push(Arena::new((hi + *shift).max(0) as usize));
        }
        let slots =
            (0..n).map(|i| Slot { arg: args[i], at: group[i].map(|g| (g, (start[i] + shift[g]) as usize)) }).collect();
        Bufs { arenas, slots, snapshot: Vec::new() }
    }

    pub(crate) fn ptr(&self, i: usize) -> *mut u8 {
        match self.slots[i].at {
            // SAFETY: the offset lies inside the arena (build sized it to hold every region).
            Some((a, off)) => unsafe { self.arenas[a].ptr().add(off) },
            None => std::ptr::null_mut(),
        }
    }
    pub(crate) fn is_null(&self, i: usize) -> bool {
        self.slots[i].at.is_none()
    }
    pub(crate) fn misaligned(&self, i: usize) -> bool {
        !self.is_null(i) && !(self.ptr(i) as usize).is_multiple_of(self.slots[i].arg.align)
    }
    pub(crate) fn region(&self, i: usize) -> &[u8] {
        let s = &self.slots[i];
        match s.at {
            Some((a, off)) => &self.arenas[a].bytes()[off..off + s.arg.elem * s.arg.len],
            None => &[],
        }
    }
    pub(crate) fn same_arena(&self, i: usize, j: usize) -> bool {
        matches!((self.slots[i].at, self.slots[j].at), (Some((a, _)), Some((b, _))) if a == b)
    }
    /// Whether the backed regions of i and j share a byte.
    pub(crate) fn overlap(&self, i: usize, j: usize) -> bool {
        let (Some((a, x)), Some((b, y))) = (self.slots[i].at, self.slots[j].at) else {
            return false;
        };
        let (lx, ly) = (self.slots[i].arg.elem * self.slots[i].arg.len, self.slots[j].arg.elem * self.slots[j].arg.len);
        a == b && lx > 0 && ly > 0 && x < y + ly && y < x + lx
    }
    pub(crate) fn write(&mut self, i: usize, data: &[u8]) {
        if let Some((a, off)) = self.slots[i].at {
            let len = (self.slots[i].arg.elem * self.slots[i].arg.len).min(data.len());
            // SAFETY: the region lies inside the arena.
            unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.arenas[a].ptr().add(off), len) };
        }
    }
    pub(crate) fn take_snapshot(&mut self) {
        self.snapshot = self.arenas.iter().map(|a| a.bytes().to_vec()).collect();
    }

    /// Err if any byte outside the regions of `may_change` differs from the snapshot.
    pub(crate) fn untouched(&self, may_change: &[usize]) -> Result<(), String> {
        for (a, arena) in self.arenas.iter().enumerate() {
            let (now, then) = (arena.bytes(), &self.snapshot[a][..]);
            // Whole-slice comparisons first: a byte loop is slow under the fuzzer's comparison
            // tracing, and almost every call leaves everything in place.
            if now == then {
                continue;
            }
            let inside = |i: usize, b: usize| {
                let s = &self.slots[i];
                matches!(s.at, Some((sa, off)) if sa == a && b >= off && b < off + s.arg.elem * s.arg.len)
            };
            // The regions allowed to change in this arena, sorted; compare the gaps between them.
            let mut allowed: Vec<(usize, usize)> = may_change
                .iter()
                .filter_map(|&i| match self.slots[i].at {
                    Some((sa, off)) if sa == a => Some((off, off + self.slots[i].arg.elem * self.slots[i].arg.len)),
                    _ => None,
                })
                .collect();
            allowed.sort_unstable();
            let mut gaps = Vec::new();
            let mut from = 0;
            for &(x, y) in &allowed {
                if x > from {
                    gaps.push((from, x));
                }
                from = from.max(y);
            }
            gaps.push((from, now.len().max(from)));
            for (x, y) in gaps {
                if now[x..y] == then[x..y] {
                    continue;
                }
                let b = (x..y).find(|&b| now[b] != then[b]).expect("a differing byte");
                let owners: Vec<&str> =
                    (0..self.slots.len()).filter(|&i| inside(i, b)).map(|i| self.slots[i].arg.name).collect();
                return Err(format!(
                    "byte {b} of allocation {a} changed from {:#04x} to {:#04x} (inside {owners:?}; [] = padding)",
                    then[b], now[b]
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn describe(&self) -> String {
        let mut s = String::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let _ = match slot.at {
                None => write!(s, "{}=NULL ", slot.arg.name),
                Some((a, off)) => write!(
                    s,
                    "{}=alloc{}+{} ({} backed elements of {} bytes, addr%{}={}) ",
                    slot.arg.name,
                    a,
                    off,
                    slot.arg.len,
                    slot.arg.elem,
                    slot.arg.align,
                    self.ptr(i) as usize % slot.arg.align
                ),
            };
        }
        let sizes: Vec<usize> = self.arenas.iter().map(Arena::size).collect();
        let _ = write!(s, "allocation sizes {sizes:?}");
        s
    }

    pub(crate) fn f64s(&self, i: usize) -> Vec<f64> {
        self.region(i).chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
    }
    pub(crate) fn u64s(&self, i: usize) -> Vec<u64> {
        self.region(i).chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect()
    }
    pub(crate) fn i32s(&self, i: usize) -> Vec<i32> {
        self.region(i).chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap())).collect()
    }
    pub(crate) fn complexes(&self, i: usize) -> Vec<(f64, f64)> {
        self.f64s(i).chunks_exact(2).map(|c| (c[0], c[1])).collect()
    }
}

pub(crate) fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
pub(crate) fn u64_bytes(v: &[u64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
