//! Rows of the range exports: hpk_count_primes and hpk_primes_in_range.

use super::*;

pub(crate) fn count_rows(t: &mut Table) {
    let e = COUNT;
    let call = |lo: u64, hi: u64, p: *mut u64| unsafe { (hpk().count_primes)(lo, hi, p) };
    for (lo, hi) in [(0, 100), (0, 0), (10, 5), (M, M), (M - 100, M), (0, 1_000_000)] {
        t.add(e, format!("NULL count, [{lo}, {hi})"), HPK_ERR_NULL_POINTER, move |_| call(lo, hi, null_mut()));
    }
    for off in 1..8isize {
        for (lo, hi) in [(0, 100), (M, 0)] {
            t.add(e, format!("count misaligned by {off}, [{lo}, {hi})"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                call(lo, hi, shift(m.u64_out("count", 1), off))
            });
        }
    }
    let near_top = |lo: u64| PRIMES_BELOW_2_64.iter().filter(|&&k| 0u64.wrapping_sub(k) >= lo).count() as u64;
    for (lo, hi, want) in [
        (0, 0, 0),
        (5, 5, 0),
        (10, 5, 0),
        (M, M, 0),
        (M, 0, 0),
        (1 << 63, 1 << 62, 0),
        (0, 1, 0),
        (0, 2, 0),
        (1, 2, 0),
        (0, 3, 1),
        (2, 3, 1),
        (3, 5, 1),
        (0, 1_000_000, 78_498),
        (M - 99, M, near_top(M - 99)),
        (M - 399, M, near_top(M - 399)),
        (M - 58, M, 1),
        (M - 57, M, 0),
        (M - 1, M, 0),
    ] {
        if hi.saturating_sub(lo) <= 1000 {
            assert_eq!(reference_primes(lo, hi).len() as u64, want, "reference count of [{lo}, {hi})");
        }
        t.add(e, format!("valid: [{lo}, {hi}) -> {want}"), HPK_OK, move |m| call(lo, hi, m.u64_out("count", 1))).check(
            move |m| {
                same("count", m.u64s("count", 0, 1)[0], want)?;
                m.untouched_outside("count", 0..8)
            },
        );
    }
}

pub(crate) fn primes_rows(t: &mut Table) {
    let e = PRIMES;
    let call = |lo: u64, hi: u64, p: *mut u64, cap: usize, w: *mut usize| unsafe {
        (hpk().primes_in_range)(lo, hi, p, cap, w)
    };
    // NULL written (whatever primes is), NULL primes with a capacity.
    for (lo, hi) in [(0, 1000), (10, 5), (M - 100, M)] {
        t.add(e, format!("NULL written, [{lo}, {hi}), capacity 200"), HPK_ERR_NULL_POINTER, move |m| {
            call(lo, hi, m.u64_out("primes", 200), 200, null_mut())
        });
        t.add(e, format!("NULL written and primes, [{lo}, {hi}), capacity 0"), HPK_ERR_NULL_POINTER, move |_| {
            call(lo, hi, null_mut(), 0, null_mut())
        });
    }
    for (lo, hi, cap) in [(0, 1000, 1), (0, 1000, 200), (10, 5, 5), (0, 1000, usize::MAX)] {
        t.add(e, format!("NULL primes with capacity {cap}, [{lo}, {hi})"), HPK_ERR_NULL_POINTER, move |m| {
            call(lo, hi, null_mut(), cap, m.written())
        });
    }
    // capacity*8 overflows usize or is past isize::MAX.
    for cap in [usize::MAX, (1 << 61) + 1, 1 << 61, usize::MAX / 8, isize::MAX as usize / 8 + 1] {
        t.add(e, format!("capacity {cap}: capacity*8 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            call(0, 1000, m.u64_out("primes", 200), cap, m.written())
        });
    }
    // Misaligned primes or written.
    for off in 1..8isize {
        t.add(e, format!("primes misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            call(0, 1000, shift(m.u64_out("primes", 200), off), 100, m.written())
        });
        t.add(e, format!("written misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            call(0, 1000, m.u64_out("primes", 200), 200, shift(m.written(), off))
        });
    }
    // written inside primes: first, second, middle and last element.
    for k in [0, 1, 100, 199] {
        t.add(e, format!("written is element {k} of primes"), HPK_ERR_OVERLAP, move |m| {
            let p = m.u64_out("primes", 200);
            call(0, 1000, p, 200, p.wrapping_add(k).cast())
        });
    }
    // Capacity too small: status 5, *written = the requirement, primes untouched.
    let top = |lo: u64| -> Vec<u64> {
        let mut v: Vec<u64> = PRIMES_BELOW_2_64.iter().map(|&k| 0u64.wrapping_sub(k)).filter(|&p| p >= lo).collect();
        v.sort_unstable();
        v
    };
    for (lo, hi, cap, null_primes, required) in [
        (0, 1000, 0, true, 168),
        (0, 1000, 0, false, 168),
        (0, 1000, 1, false, 168),
        (0, 1000, 167, false, 168),
        (0, 3, 0, true, 1),
        (2, 3, 0, false, 1),
        (M - 99, M, 0, true, top(M - 99).len()),
        (M - 99, M, 2, false, top(M - 99).len()),
        (M - 399, M, 9, false, top(M - 399).len()),
        (M - 58, M, 0, true, 1),
    ] {
        t.add(
            e,
            format!("capacity {cap} too small for [{lo}, {hi}) (NULL primes: {null_primes})"),
            HPK_ERR_BUFFER_TOO_SMALL,
            move |m| {
                let p = m.u64_out("primes", 200);
                call(lo, hi, if null_primes { null_mut() } else { p }, cap, m.written())
            },
        )
        .check(move |m| same("*written", m.u64s("written", 0, 1)[0], required as u64));
    }
    // Valid: empty ranges, ranges at the ends of u64, exact lists; the rest of primes untouched.
    for (lo, hi, cap) in [
        (1000, 1000, 0),
        (1000, 10, 0),
        (M, M, 0),
        (M, 0, 0),
        (0, 0, 5),
        (0, 2, 0),
        (24, 29, 0),
        (M - 1, M, 0),
        (M - 57, M, 3),
        (0, 3, 1),
        (0, 1000, 168),
        (0, 1000, 200),
        (M - 99, M, 3),
        (M - 99, M, 10),
        (M - 399, M, 10),
        (M - 58, M, 1),
    ] {
        assert!(hi.saturating_sub(lo) <= 1000, "a short range only");
        let want = reference_primes(lo, hi);
        if lo >= M - 399 && lo < hi {
            assert_eq!(want, top(lo), "the literature's primes below 2^64 vs the reference");
        }
        t.add(e, format!("valid: [{lo}, {hi}) with capacity {cap} -> {} primes", want.len()), HPK_OK, move |m| {
            let p = m.u64_out("primes", 200);
            call(lo, hi, if cap == 0 { null_mut() } else { p }, cap, m.written())
        })
        .check(move |m| {
            let n = want.len();
            same("*written", m.u64s("written", 0, 1)[0], n as u64)?;
            same("primes", m.u64s("primes", 0, n), want.clone())?;
            m.untouched_outside("primes", 0..8 * n)
        });
    }
    t.add(e, "valid: written right after primes", HPK_OK, move |m| {
        let p = m.u64_out("primes", 169);
        call(0, 1000, p, 168, p.wrapping_add(168).cast())
    })
    .check(|m| {
        same("*written", m.u64s("primes", 168 * 8, 1)[0], 168)?;
        same("primes", m.u64s("primes", 0, 168), reference_primes(0, 1000))?;
        m.untouched_outside("primes", 0..169 * 8)
    });
}
