//! Single numbers and batches: hpk_smallest_factor_in_range, hpk_check_prime, hpk_is_prime and
//! hpk_is_prime_batch (ops SmallestFactor, CheckPrime, IsPrime and IsPrimeBatch).

use super::{huge_count, Fuzz, CANARY_U64};
use crate::buffers::{u64_bytes, Arg, Bufs};
use crate::check::{call, check_untouched, Expect};
use crate::MAX_ELEMS;
use hpkern::ffi::*;
use hpkern_testkit::primes::{is_prime, isqrt};

impl Fuzz<'_> {
    pub(super) fn op_smallest_factor(&mut self) {
        let n = self.inp.num();
        let from = match self.inp.u8() % 6 {
            0 => 0,
            1 => u64::from(self.inp.u8()),
            2 => isqrt(n).wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            3 => n.wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            _ => self.inp.num(),
        };
        let to_raw = match self.inp.u8() % 6 {
            0 => u64::MAX,
            1 => from.saturating_add(u64::from(self.inp.u16())),
            2 => isqrt(n).wrapping_add(1),
            3 => n.wrapping_add(i64::from(self.inp.u8() as i8) as u64),
            _ => self.inp.num(),
        };
        let (mut b, e) = self.single_out("factor", 8);
        let start = from.max(2);
        // At most about min(to - start, 2 sqrt(n)) divisions: bound one of the two.
        let to = if e.fails() || n < 1 << 40 || to_raw <= start || to_raw - start <= 1 << 20 {
            to_raw
        } else {
            start + (to_raw - start) % (1 << 20)
        };
        b.take_snapshot();
        let what = format!("hpk_smallest_factor_in_range({n}, {from}, {to}, factor) with {}", b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a non-NULL pointer points to a u64 (maybe misaligned on purpose).
        let st = call(&what, e, || unsafe { hpk_smallest_factor_in_range(n, from, to, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let r = b.u64s(0)[0];
        if r != 0 {
            if r < start || r >= to {
                bug!(what, "result {r} is outside [max(from, 2), to) = [{start}, {to})");
            }
            if n != 0 && !n.is_multiple_of(r) {
                bug!(what, "result {r} does not divide {n}");
            }
            if n == 0 && r != start {
                bug!(what, "n = 0 is divisible by everything: expected {start}, got {r}");
            }
            // Minimality, asked again of the library over [from, r).
            let mut below = CANARY_U64;
            // SAFETY: a live local u64.
            let st2 = call(&format!("{what}, then over [from, {r})"), Expect::default(), || unsafe {
                hpk_smallest_factor_in_range(n, from, r, &mut below)
            });
            if st2 == HPK_OK && below != 0 {
                bug!(what, "result {r}, but the same call over [{from}, {r}) finds the divisor {below}");
            }
        } else {
            if n == 0 && start < to {
                bug!(what, "result 0, but n = 0 is divisible by {start}");
            }
            if n != 0 && start <= n && n < to {
                bug!(what, "result 0, but n itself lies in [{start}, {to})");
            }
        }
        // A naive scan of the first 2^14 candidates.
        let window_end = to.min(start.saturating_add(1 << 14));
        if start < to {
            let naive = (start..window_end).find(|&d| n == 0 || n.is_multiple_of(d));
            match naive {
                Some(d) if d != r => {
                    bug!(what, "result {r}, but the smallest divisor in range is {d}")
                }
                None if window_end == to && r != 0 => {
                    bug!(what, "result {r}, but [{start}, {to}) holds no divisor")
                }
                None if r != 0 && r < window_end => {
                    bug!(what, "result {r}, but no divisor lies in [{start}, {window_end})")
                }
                _ => {}
            }
        }
        if start == 2 && n >= 2 && to > n && (r == n) != is_prime(n) {
            bug!(
                what,
                "result {r}: the smallest divisor of a number is itself iff it is prime (prime: {})",
                is_prime(n)
            );
        }
    }

    pub(super) fn op_check_prime(&mut self) {
        let n_raw = self.inp.num();
        let (mut b, e) = self.single_out("is_prime", 1);
        let small_factor = [2u64, 3, 5, 7].iter().any(|&p| n_raw.is_multiple_of(p));
        let n = if e.fails() || n_raw < 1 << 40 || small_factor { n_raw } else { n_raw % (1 << 40) };
        b.take_snapshot();
        let what = format!("hpk_check_prime({n}, is_prime) with {}", b.describe());
        let p = b.ptr(0).cast::<bool>();
        // SAFETY: a non-NULL pointer points to one byte.
        let st = call(&what, e, || unsafe { hpk_check_prime(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(0)[0];
        let expect = is_prime(n);
        if got > 1 || (got == 1) != expect {
            bug!(what, "wrote {got}, expected {}", u8::from(expect));
        }
        let mut fast = false;
        // SAFETY: a live local bool.
        call(&format!("hpk_is_prime({n}) after {what}"), Expect::default(), || unsafe { hpk_is_prime(n, &mut fast) });
        if fast != expect {
            bug!(format!("hpk_is_prime({n}, &flag)"), "returned {fast}, the reference says {expect}");
        }
    }

    pub(super) fn op_is_prime(&mut self) {
        let n = self.inp.num();
        let (mut b, e) = self.single_out("is_prime", 1);
        b.take_snapshot();
        let what = format!("hpk_is_prime({n}, is_prime) with {}", b.describe());
        let p = b.ptr(0).cast::<bool>();
        // SAFETY: a non-NULL pointer points to one byte.
        let st = call(&what, e, || unsafe { hpk_is_prime(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(0)[0];
        let expect = is_prime(n);
        if got > 1 || (got == 1) != expect {
            bug!(what, "wrote {got}, the reference Miller-Rabin says {expect}");
        }
    }

    pub(super) fn op_batch(&mut self) {
        let m = self.inp.u8();
        let (count, huge) = match m % 16 {
            0 => (huge_count(self.inp.u8(), 8), true),
            1 => (0, false),
            2 if self.take_heavy() => (1024 + usize::from(self.inp.u16()) % (MAX_ELEMS - 1023), false),
            3..=9 => (1 + usize::from(self.inp.u8()) % 64, false),
            _ => (1 + usize::from(self.inp.u16()) % 1024, false),
        };
        let places = [self.inp.place(0), self.inp.place(1)];
        let backed = if huge { 4 } else { count };
        let numbers = self.inp.nums(backed);
        let args = [
            Arg { name: "numbers", elem: 8, align: 8, len: backed },
            Arg { name: "is_prime", elem: 1, align: 1, len: backed },
        ];
        let mut b = Bufs::build(&args, &places);
        b.write(0, &u64_bytes(&numbers));
        let numbers = b.u64s(0);
        let mut e = Expect::default();
        e.add(count > 0 && (b.is_null(0) || b.is_null(1)), HPK_ERR_NULL_POINTER);
        e.add(huge, HPK_ERR_INVALID_SIZE);
        e.add(count > 0 && b.misaligned(0), HPK_ERR_INVALID_ARGUMENT);
        e.add(b.overlap(0, 1) || (huge && b.same_arena(0, 1)), HPK_ERR_OVERLAP);
        b.take_snapshot();
        let what = format!("hpk_is_prime_batch(numbers, {count}, is_prime) with {}", b.describe());
        let (pn, po) = (b.ptr(0).cast::<u64>(), b.ptr(1).cast::<bool>());
        // SAFETY: non-NULL pointers point to count elements (or count*8 overflows).
        let st = call(&what, e, || unsafe { hpk_is_prime_batch(pn, count, po) });
        check_untouched(&what, &b, st, &[1]);
        if st != HPK_OK {
            return;
        }
        let got = b.region(1).to_vec();
        let stride = count.div_ceil(512).max(1);
        for k in (0..count).step_by(stride).chain(count.saturating_sub(8)..count) {
            let expect = if k < 64 || k % 64 == 0 {
                is_prime(numbers[k])
            } else {
                let mut f = false;
                // SAFETY: a live local bool.
                call("hpk_is_prime (batch cross-check)", Expect::default(), || unsafe {
                    hpk_is_prime(numbers[k], &mut f)
                });
                f
            };
            if got[k] > 1 || (got[k] == 1) != expect {
                bug!(what, "is_prime[{k}] = {} for {}, expected {}", got[k], numbers[k], u8::from(expect));
            }
        }
    }
}
