//! Rows of the single-number and batch prime exports: hpk_smallest_factor_in_range,
//! hpk_check_prime, hpk_is_prime, hpk_is_prime_batch.

use super::*;

pub(crate) fn factor_rows(t: &mut Table) {
    let e = FACTOR;
    let call = |n: u64, from: u64, to: u64, p: *mut u64| unsafe { (hpk().smallest_factor_in_range)(n, from, to, p) };
    for (n, from, to) in
        [(12, 2, 13), (0, 0, 10), (1, 0, 100), (M, 2, 10), (M, M, M), (100, 20, 10), (7, 0, 0), (M - 58, 2, 1000)]
    {
        t.add(e, format!("NULL factor, n {n}, [{from}, {to})"), HPK_ERR_NULL_POINTER, move |_| {
            call(n, from, to, null_mut())
        });
    }
    for off in 1..8isize {
        for (n, from, to) in [(12, 2, 13), (M, M, M)] {
            t.add(
                e,
                format!("factor misaligned by {off}, n {n}, [{from}, {to})"),
                HPK_ERR_INVALID_ARGUMENT,
                move |m| call(n, from, to, shift(m.u64_out("factor", 1), off)),
            );
        }
    }
    // Valid: empty ranges (from >= to, or nothing >= 2 below to) give 0; the ends of u64.
    let cases: Vec<(u64, u64, u64, u64)> = vec![
        (100, 10, 10, 0),
        (100, 20, 10, 0),
        (100, 0, 0, 0),
        (100, 0, 2, 0),
        (0, 5, 5, 0),
        (0, 0, 1, 0),
        (M, M, M, 0),
        (M, M, 0, 0),
        (0, M, 0, 0),
        (M, 2, 10, 3),
        (M, 0, 4, 3),
        (M, 4, 10, 5),
        (M, M - 1, M, 0),
        (M, M / 3 - 10, M, M / 3),
        (M - 58, M - 58, M, M - 58),
        (M - 58, 2, 1 << 20, 0),
        (M - 1, 0, 3, 2),
        (1 << 63, 3, 100, 4),
        (0, 0, 10, 2),
        (0, M - 1, M, M - 1),
        (1, 0, M, 0),
        (2, 0, M, 2),
        (2, 3, M, 0),
    ];
    for (n, from, to, want) in cases {
        if to.saturating_sub(from) < 1 << 21 {
            assert_eq!(reference_factor(n, from, to), want, "reference for {n} in [{from}, {to})");
        }
        t.add(e, format!("valid: n {n}, [{from}, {to}) -> {want}"), HPK_OK, move |m| {
            call(n, from, to, m.u64_out("factor", 1))
        })
        .check(move |m| {
            same("factor", m.u64s("factor", 0, 1)[0], want)?;
            m.untouched_outside("factor", 0..8)
        });
    }
}

/// Numbers at the ends of the 64-bit space and classic traps, with their primality.
fn known_numbers() -> Vec<(u64, bool)> {
    let list = vec![
        (0, false),
        (1, false),
        (2, true),
        (3, true),
        (4, false),
        (25, false),
        (561, false),             // Carmichael
        (4_294_967_291, true),    // 2^32 - 5
        (65_521 * 65_521, false), // square of a prime
        (1_000_003 * 1_000_033, false),
        (1 << 63, false),
        (M, false),
        (M - 1, false),
        (M - 58, true), // 2^64 - 59, the largest 64-bit prime
        (M - 82, true), // 2^64 - 83
        (M - 94, true), // 2^64 - 95
        (M - 60, false),
        (3_825_123_056_546_413_051, false), // strong pseudoprime to bases 2..=23
    ];
    for &(n, p) in &list {
        assert_eq!(reference_is_prime(n), p, "reference primality of {n}");
    }
    list
}

pub(crate) fn bool_prime_rows(t: &mut Table, e: &'static str) {
    let f = if e == IS_PRIME { hpk().is_prime } else { hpk().check_prime };
    // check_prime is trial division: keep it to numbers with a small factor or below 2^40.
    let fast = |n: u64| e == IS_PRIME || n < 1 << 40 || reference_factor(n, 2, 100) != 0;
    for n in [0, 1, 2, 3, 4, 7, 561, 4_294_967_291, M - 58, M] {
        t.add(e, format!("NULL is_prime, n {n}"), HPK_ERR_NULL_POINTER, move |_| unsafe { f(n, null_mut()) });
    }
    // Valid: the ends of the 64-bit space; also bool outputs at odd addresses (align 1).
    for (n, want) in known_numbers().into_iter().filter(|&(n, _)| fast(n)) {
        t.add(e, format!("valid: n {n} -> {want}"), HPK_OK, move |m| unsafe { f(n, m.bool_out("is_prime", 1)) }).check(
            move |m| {
                same("is_prime byte", m.bytes("is_prime")[0], want as u8)?;
                m.untouched_outside("is_prime", 0..1)
            },
        );
    }
    for off in [1usize, 3, 7] {
        let (n, want) = (if e == IS_PRIME { M - 58 } else { 4_294_967_291 }, true);
        t.add(e, format!("valid: is_prime at byte {off} (bool has no alignment)"), HPK_OK, move |m| unsafe {
            f(n, shift(m.bool_out("is_prime", 8), off as isize))
        })
        .check(move |m| {
            same("is_prime byte", m.bytes("is_prime")[off], want as u8)?;
            m.untouched_outside("is_prime", off..off + 1)
        });
    }
}

pub(crate) fn batch_rows(t: &mut Table) {
    let e = BATCH;
    let call =
        |numbers: *const u64, count: usize, out: *mut bool| unsafe { (hpk().is_prime_batch)(numbers, count, out) };
    let numbers16: Vec<u64> = (0..16).map(|k| k * 1_000_003).collect();
    // NULL with count > 0.
    for count in [1, 16] {
        for (null_numbers, null_out, what) in
            [(true, false, "numbers"), (false, true, "is_prime"), (true, true, "both")]
        {
            let numbers = numbers16.clone();
            t.add(e, format!("NULL {what}, count {count}"), HPK_ERR_NULL_POINTER, move |m| {
                let p = m.u64_in("numbers", &numbers);
                let o = m.bool_out("is_prime", 16);
                call(if null_numbers { null() } else { p }, count, if null_out { null_mut() } else { o })
            });
        }
    }
    // count*8 overflows usize or is past isize::MAX.
    for count in [usize::MAX, usize::MAX / 4, (1 << 61) + 1, 1 << 61, (1 << 60) + 1, isize::MAX as usize / 8 + 1] {
        assert!(count.checked_mul(8).map_or(true, |b| b > isize::MAX as usize));
        let numbers = numbers16.clone();
        t.add(e, format!("count {count}: count*8 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            let p = m.u64_in("numbers", &numbers);
            call(p, count, m.bool_out("is_prime", 16))
        });
    }
    // Misaligned numbers.
    for off in 1..8isize {
        let numbers = numbers16.clone();
        t.add(e, format!("numbers misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let p = m.u64_in("numbers", &numbers);
            call(shift(p, off), 8, m.bool_out("is_prime", 16))
        });
    }
    // is_prime inside numbers (start, middle, last byte), or starting before numbers and
    // running into it; numbers is a region of 18 words so a wrong write stays in bounds.
    for byte in [0isize, 1, 37, 8 * 16 - 1] {
        t.add(e, format!("is_prime starts {byte} bytes into numbers"), HPK_ERR_OVERLAP, move |m| {
            let p = m.f64_inout("numbers", &[0.0; 18]).cast::<u64>();
            call(p, 16, shift(p.cast::<bool>(), byte))
        });
    }
    for before in [1isize, 8, 15] {
        t.add(
            e,
            format!("is_prime starts {before} bytes before numbers and runs into it"),
            HPK_ERR_OVERLAP,
            move |m| {
                let p = m.f64_inout("buffer", &[0.0; 20]).cast::<u64>();
                let numbers = p.wrapping_add(2);
                call(numbers, 16, shift(numbers.cast::<bool>(), -before))
            },
        );
    }
    // Valid: count 0 is a no-op whatever the pointers.
    for (null_numbers, null_out) in [(true, true), (false, false), (true, false), (false, true)] {
        let numbers = numbers16.clone();
        t.add(
            e,
            format!("valid: count 0 (no-op), NULL numbers {null_numbers}, NULL is_prime {null_out}"),
            HPK_OK,
            move |m| {
                let p = m.u64_in("numbers", &numbers);
                let o = m.bool_out("is_prime", 16);
                call(if null_numbers { null() } else { p }, 0, if null_out { null_mut() } else { o })
            },
        )
        .check(|m| m.untouched_outside("is_prime", 0..0));
    }
    t.add(e, "valid: count 0 with misaligned numbers is a no-op", HPK_OK, move |m| {
        let p = m.u64_in("numbers", &[1, 2]);
        call(shift(p, 3), 0, m.bool_out("is_prime", 1))
    })
    .check(|m| m.untouched_outside("is_prime", 0..0));
    // Valid: the ends of the 64-bit space, exact; outputs adjacent to numbers on either side.
    let known: Vec<(u64, bool)> = known_numbers();
    let values: Vec<u64> = known.iter().map(|k| k.0).collect();
    let want: Vec<u8> = known.iter().map(|k| k.1 as u8).collect();
    {
        let (values, want) = (values.clone(), want.clone());
        t.add(e, "valid: the ends of the 64-bit space", HPK_OK, move |m| {
            let p = m.u64_in("numbers", &values);
            call(p, values.len(), m.bool_out("is_prime", values.len()))
        })
        .check(move |m| {
            same("is_prime bytes", m.bytes("is_prime")[..want.len()].to_vec(), want.clone())?;
            m.untouched_outside("is_prime", 0..want.len())
        });
    }
    t.add(e, "valid: is_prime ends right where numbers starts", HPK_OK, move |m| {
        let p = m.f64_inout("buffer", &[vec![0.0; 2], (0..16).map(f64::from_bits).collect()].concat()).cast::<u64>();
        call(p.wrapping_add(2), 16, p.cast())
    })
    .check(|m| {
        let want: Vec<u8> = (0..16).map(|k| reference_is_prime(k) as u8).collect();
        same("is_prime bytes", m.bytes("buffer")[..16].to_vec(), want)?;
        m.untouched_outside("buffer", 0..16)
    });
    t.add(e, "valid: is_prime starts right after numbers ends", HPK_OK, move |m| {
        let p = m.f64_inout("buffer", &[(100..116).map(f64::from_bits).collect(), vec![0.0; 2]].concat()).cast::<u64>();
        call(p, 16, p.wrapping_add(16).cast())
    })
    .check(|m| {
        let want: Vec<u8> = (100..116).map(|k| reference_is_prime(k) as u8).collect();
        same("is_prime bytes", m.bytes("buffer")[128..144].to_vec(), want)?;
        m.untouched_outside("buffer", 128..144)
    });
}
