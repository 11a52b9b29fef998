//! Single numbers and batches: hpk_smallest_factor_in_range, hpk_check_prime, hpk_is_prime,
//! hpk_is_prime_batch and hpk_nth_prime (ops SmallestFactor, CheckPrime, IsPrime, IsPrimeBatch
//! and NthPrime).

use super::{huge_count, Fuzz, CANARY_U64};
use crate::buffers::{u64_bytes, Arg, Bufs};
use crate::check::{call, check_untouched, Expect};
use crate::{HEAVY_NTH, MAX_ELEMS};
use hpkern::ffi::*;
use hpkern_testkit::primes::{is_prime, isqrt, sieve};
use hpkern_testkit::tables::PI_POW2;
use std::sync::OnceLock;

/// The number of primes below 2^64: the largest n hpk_nth_prime accepts.
const MAX_N: u64 = PI_POW2[64];

/// The primes below 2^20 (pi(2^20) = 82025 of them), by the reference sieve, computed once: the
/// reference for hpk_nth_prime(n), n <= 82025.
fn small_primes() -> &'static [u64] {
    static PRIMES: OnceLock<Vec<u64>> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let table = sieve(1 << 20);
        let primes: Vec<u64> = (0..table.len()).filter(|&i| table[i]).map(|i| i as u64).collect();
        assert_eq!(primes.len() as u64, PI_POW2[20], "the reference sieve misses pi(2^20)");
        primes
    })
}

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
        // Trial division: bound n unless a small factor ends it early.
        let bound = |n: u64| {
            let small_factor = [2u64, 3, 5, 7].iter().any(|&p| n.is_multiple_of(p));
            if n < 1 << 40 || small_factor {
                n
            } else {
                n % (1 << 40)
            }
        };
        let Some((n, expect)) = self.primality("hpk_check_prime", hpk_check_prime, bound) else {
            return;
        };
        let mut fast = false;
        // SAFETY: a live local bool.
        call(&format!("hpk_is_prime({n}) after hpk_check_prime"), Expect::default(), || unsafe {
            hpk_is_prime(n, &mut fast)
        });
        if fast != expect {
            bug!(format!("hpk_is_prime({n}, &flag)"), "returned {fast}, the reference says {expect}");
        }
    }

    pub(super) fn op_is_prime(&mut self) {
        self.primality("hpk_is_prime", hpk_is_prime, |n| n);
    }

    /// One primality export on a fuzzed n (`bound` applied unless the call must fail) through a
    /// fuzzed output pointer, checked against the reference Miller-Rabin: (n, its primality)
    /// when the call succeeded.
    fn primality(
        &mut self,
        name: &str,
        export: unsafe extern "C" fn(u64, *mut bool) -> hpk_status,
        bound: impl Fn(u64) -> u64,
    ) -> Option<(u64, bool)> {
        let n_raw = self.inp.num();
        let (mut b, e) = self.single_out("is_prime", 1);
        let n = if e.fails() { n_raw } else { bound(n_raw) };
        b.take_snapshot();
        let what = format!("{name}({n}, is_prime) with {}", b.describe());
        let p = b.ptr(0).cast::<bool>();
        // SAFETY: a non-NULL pointer points to one byte.
        let st = call(&what, e, || unsafe { export(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return None;
        }
        let got = b.region(0)[0];
        let expect = is_prime(n);
        if got > 1 || (got == 1) != expect {
            bug!(what, "wrote {got}, the reference Miller-Rabin says {}", u8::from(expect));
        }
        Some((n, expect))
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

    pub(super) fn op_nth_prime(&mut self) {
        let table = small_primes().len() as u64;
        let (mode, raw) = (self.inp.u8(), self.inp.u64());
        let heavy = mode % 8 == 6 && self.take_heavy();
        let (mut b, e0) = self.single_out("p", 8);
        let n = match mode % 8 {
            0 => 0,
            1 => MAX_N + 1 + raw % (1 << 16),
            2 => u64::MAX - raw % (1 << 16),
            3 => 1 + raw % 256,
            4 => table - raw % table, // near the table's top, 2^20
            6 if heavy => table + 1 + raw % HEAVY_NTH,
            7 => raw,
            _ => 1 + raw % table,
        };
        let mut e = e0;
        e.add(n == 0 || n > MAX_N, HPK_ERR_INVALID_ARGUMENT);
        // A call that must fail may ask for any n: it must be refused before pi() runs.
        let n = if e.fails() || n <= table || heavy { n } else { 1 + n % table };
        b.take_snapshot();
        let what = format!("hpk_nth_prime({n}, p) with {}", b.describe());
        let p = b.ptr(0).cast::<u64>();
        // SAFETY: a non-NULL pointer points to a u64 (maybe misaligned on purpose).
        let st = call(&what, e, || unsafe { hpk_nth_prime(n, p) });
        check_untouched(&what, &b, st, &[0]);
        if st != HPK_OK {
            return;
        }
        let got = b.u64s(0)[0];
        if n <= table {
            let want = small_primes()[n as usize - 1];
            if got != want {
                bug!(what, "wrote {got}, the reference sieve's {n}-th prime is {want}");
            }
        } else {
            // Beyond the table: p_n is the prime with n - 1 primes below it.
            if !is_prime(got) {
                bug!(what, "wrote {got}, which the reference Miller-Rabin says is composite");
            }
            let below = self.count(0, got);
            if below != n - 1 {
                bug!(what, "wrote {got}, but hpk_count_primes counts {below} primes below it, not {}", n - 1);
            }
        }
    }
}
