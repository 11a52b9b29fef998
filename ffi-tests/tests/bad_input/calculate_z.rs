//! Rows of hpk_julia_calculate_z.

use super::*;

const N: usize = 8;

/// Points 0.1 + 0.2i (zs) and the book's constant (cs); `bad` replaces one element.
fn z_inputs(
    m: &mut Mem,
    bad_z: Option<(usize, HpkComplex)>,
    bad_c: Option<(usize, HpkComplex)>,
) -> (*mut HpkComplex, *mut HpkComplex) {
    let mut zs = vec![HpkComplex::new(0.1, 0.2); N];
    let mut cs = vec![HpkComplex::new(BOOK_C[0], BOOK_C[1]); N];
    if let Some((k, v)) = bad_z {
        zs[k] = v;
    }
    if let Some((k, v)) = bad_c {
        cs[k] = v;
    }
    (m.complex_in("zs", &zs), m.complex_in("cs", &cs))
}

fn calculate_z(zs: *const HpkComplex, cs: *const HpkComplex, n: usize, maxiter: i32, out: *mut i32) -> HpkStatus {
    // SAFETY: as julia_grid: valid sizes come with buffers that large.
    unsafe { (hpk().julia_calculate_z)(zs, cs, n, maxiter, out) }
}

/// The header's loop, for the valid rows.
fn escape_count(z: HpkComplex, c: HpkComplex, maxiter: i32) -> i32 {
    testkit::julia::escape_count((z.re, z.im), (c.re, c.im), maxiter)
}

pub(crate) fn calculate_z_rows(t: &mut Table) {
    let e = CALC_Z;
    // NULL pointers with n > 0: each, pairs, all three.
    for n in [N, 1] {
        for nulls in
            [[true, false, false], [false, true, false], [false, false, true], [true, true, false], [true, true, true]]
        {
            t.add(e, format!("NULL {nulls:?} (zs, cs, output), n = {n}"), HPK_ERR_NULL_POINTER, move |m| {
                let (zs, cs) = z_inputs(m, None, None);
                let out = m.i32_out("output", N);
                calculate_z(
                    if nulls[0] { null() } else { zs },
                    if nulls[1] { null() } else { cs },
                    n,
                    300,
                    if nulls[2] { null_mut() } else { out },
                )
            });
        }
    }
    // n*16 overflows usize, or is past isize::MAX.
    // usize::MAX / 16 + 1 (2^60): n*16 just overflows usize; isize::MAX / 16 + 1 (2^59): n*16 just
    // passes isize::MAX.
    for n in [usize::MAX, usize::MAX / 8, usize::MAX / 16 + 1, usize::MAX / 16, 3 << 58, isize::MAX as usize / 16 + 1] {
        assert!(n.checked_mul(16).map_or(true, |b| b > isize::MAX as usize));
        t.add(e, format!("n = {n}: n*16 does not fit isize"), HPK_ERR_INVALID_SIZE, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, n, 300, out)
        });
    }
    // Negative maxiter (also with n = 0: the header rejects maxiter < 0 unconditionally).
    for (maxiter, n) in [(-1, N), (-2, N), (i32::MIN, N), (-1, 0), (i32::MIN, 0)] {
        t.add(e, format!("maxiter {maxiter}, n = {n}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, n, maxiter, out)
        });
    }
    // NaN or inf inside zs or cs, in the real or imaginary part, first or last element.
    for (what, v) in non_finite() {
        for (part, value) in [("re", HpkComplex::new(v, 0.0)), ("im", HpkComplex::new(0.0, v))] {
            for k in [0, N - 1] {
                t.add(e, format!("zs[{k}].{part} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                    let (zs, cs) = z_inputs(m, Some((k, value)), None);
                    let out = m.i32_out("output", N);
                    calculate_z(zs, cs, N, 300, out)
                });
                t.add(e, format!("cs[{k}].{part} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                    let (zs, cs) = z_inputs(m, None, Some((k, value)));
                    let out = m.i32_out("output", N);
                    calculate_z(zs, cs, N, 300, out)
                });
            }
        }
    }
    // Misaligned pointers (hpk_complex is 8-aligned, int32 4-aligned).
    for off in 1..8isize {
        t.add(e, format!("zs misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(shift(zs, off), cs, N, 300, out)
        });
        t.add(e, format!("cs misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, shift(cs, off), N, 300, out)
        });
    }
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let (zs, cs) = z_inputs(m, None, None);
            let out = m.i32_out("output", N);
            calculate_z(zs, cs, N, 300, shift(out, off))
        });
    }
    // output overlapping zs or cs: starting inside it (several elements), or starting before it
    // and running into it; and the input starting inside output.
    for target in ["zs", "cs"] {
        // zs and cs span N elements (128 bytes): output at their first byte, inside, at the last
        // element; the regions hold 2N elements, so a wrong write stays in bounds.
        for byte in [0isize, 4, 16, 64, 8 * 16 - 4] {
            t.add(e, format!("output starts {byte} bytes into {target}"), HPK_ERR_OVERLAP, move |m| {
                let zs = m.complex_in("zs", &vec![HpkComplex::new(0.1, 0.2); 2 * N]);
                let cs = m.complex_in("cs", &vec![HpkComplex::new(0.3, -0.1); 2 * N]);
                let base = if target == "zs" { zs } else { cs };
                calculate_z(zs, cs, N, 300, shift(base.cast::<i32>(), byte))
            });
        }
        for before in [4isize, 16, 28] {
            t.add(
                e,
                format!("output starts {before} bytes before {target} and runs into it"),
                HPK_ERR_OVERLAP,
                move |m| {
                    // One buffer: [32 bytes of room][zs or cs ...]; output (32 bytes) ends inside it.
                    let room = vec![HpkComplex::new(0.5, 0.5); 2];
                    let mut values = room.clone();
                    values.extend(vec![HpkComplex::new(0.1, 0.2); N]);
                    let p = m.complex_in("buffer", &values);
                    let other = m.complex_in("other", &[HpkComplex::new(0.3, -0.1); N]);
                    let input = p.wrapping_add(2);
                    let out = shift(input.cast::<i32>(), -before);
                    if target == "zs" {
                        calculate_z(input, other, N, 300, out)
                    } else {
                        calculate_z(other, input, N, 300, out)
                    }
                },
            );
        }
    }
    // Valid edges.
    for (zs_null, cs_null, out_null) in
        [(true, true, true), (false, false, false), (true, false, true), (false, true, false)]
    {
        t.add(
            e,
            format!("valid: n = 0 (no-op), NULL zs/cs/output {:?}", [zs_null, cs_null, out_null]),
            HPK_OK,
            move |m| {
                let (zs, cs) = z_inputs(m, None, None);
                let out = m.i32_out("output", N);
                calculate_z(
                    if zs_null { null() } else { zs },
                    if cs_null { null() } else { cs },
                    0,
                    300,
                    if out_null { null_mut() } else { out },
                )
            },
        )
        .check(|m| m.untouched_outside("output", 0..0));
    }
    t.add(e, "valid: n = 0 with non-finite and misaligned inputs is a no-op", HPK_OK, |m| {
        let (zs, cs) = z_inputs(m, Some((0, HpkComplex::new(NAN, INF))), None);
        let out = m.i32_out("output", N);
        calculate_z(shift(zs, 1), cs, 0, 300, shift(out, 3))
    })
    .check(|m| m.untouched_outside("output", 0..0));
    t.add(e, "valid: zs == cs (both inputs)", HPK_OK, |m| {
        let zs =
            m.complex_in("zs", &[HpkComplex::new(0.0, 0.0), HpkComplex::new(1.0, 0.0), HpkComplex::new(0.25, 0.0)]);
        let out = m.i32_out("output", 3);
        calculate_z(zs, zs, 3, 40, out)
    })
    .check(|m| {
        // 0 -> 0 stays; 1 -> 2 escapes after 1; 0.25 -> 0.3125 ... converges below 1/2.
        same("output", m.i32s("output", 0, 3), vec![40, 1, 40])?;
        m.untouched_outside("output", 0..12)
    });
    t.add(e, "valid: zs 8 bytes past an aligned address (hpk_complex is 8-aligned)", HPK_OK, |m| {
        let p = m.complex_in("zs", &[HpkComplex::new(0.0, 0.0); N + 1]);
        let cs = m.complex_in("cs", &[HpkComplex::new(-1.0, 0.0); N]);
        let out = m.i32_out("output", N);
        calculate_z(shift(p, 8), cs, N, 77, out)
    })
    .check(|m| same("output", m.i32s("output", 0, N), vec![77; N]));
    t.add(e, "valid: output ends exactly where zs starts", HPK_OK, |m| {
        // One buffer: 32 bytes of output (canary), then N points 0, a fixed point of z*z + 0.
        let p = m.f64_inout("buffer", &[vec![f64::from_bits(F64_CANARY); 4], vec![0.0; 2 * N]].concat());
        let zs = p.wrapping_add(4).cast::<HpkComplex>();
        let cs = m.complex_in("cs", &[HpkComplex::new(0.0, 0.0); N]);
        calculate_z(zs, cs, N, 7, p.cast())
    })
    .check(|m| {
        same("output", m.i32s("buffer", 0, N), vec![7; N])?;
        m.untouched_outside("buffer", 0..4 * N)
    });
    t.add(e, "valid: escape counts against the header's loop", HPK_OK, |m| {
        let zs = m.complex_in("zs", &EDGE_POINTS.map(|p| p.0));
        let cs = m.complex_in("cs", &EDGE_POINTS.map(|p| p.1));
        let out = m.i32_out("output", EDGE_POINTS.len());
        calculate_z(zs, cs, EDGE_POINTS.len(), 50, out)
    })
    .check(|m| {
        let want: Vec<i32> = EDGE_POINTS
            .iter()
            .map(|&(z, c, n)| {
                assert_eq!(escape_count(z, c, 50), n);
                n
            })
            .collect();
        same("output", m.i32s("output", 0, EDGE_POINTS.len()), want)
    });
}

/// (z, c, escape count with maxiter 50): boundary cases of `re^2 + im^2 < 4`.
const EDGE_POINTS: [(HpkComplex, HpkComplex, i32); 6] = [
    (HpkComplex::new(2.0, 0.0), HpkComplex::new(0.0, 0.0), 0), // |z|^2 = 4 is not < 4
    (HpkComplex::new(0.0, -2.0), HpkComplex::new(0.0, 0.0), 0),
    (HpkComplex::new(1.99, 0.0), HpkComplex::new(0.0, 0.0), 1),
    (HpkComplex::new(0.0, 0.0), HpkComplex::new(-2.0, 0.0), 1), // 0 -> -2
    (HpkComplex::new(0.0, 0.0), HpkComplex::new(-1.0, 0.0), 50), // the 2-cycle 0, -1
    (HpkComplex::new(f64::MAX, 0.0), HpkComplex::new(0.0, 0.0), 0), // finite, escapes at once
];
