//! Rows of hpk_julia_grid and hpk_julia_tile.

use super::*;

const BOX: [f64; 4] = [-1.8, 1.8, -1.8, 1.8];
const W: usize = 6;
const H: usize = 5;

#[allow(clippy::too_many_arguments)]
fn julia_grid(x: [f64; 4], width: usize, height: usize, c: [f64; 2], maxiter: i32, out: *mut i32) -> HpkStatus {
    // SAFETY: `out` holds width*height values when the sizes are valid; otherwise the library
    // must reject the call first.
    unsafe { (hpk().julia_grid)(x[0], x[1], x[2], x[3], width, height, c[0], c[1], maxiter, out) }
}

/// A tile `[row0, col0, rows, cols]` of the `width x height` grid.
fn julia_tile(
    x: [f64; 4],
    width: usize,
    height: usize,
    tile: [usize; 4],
    c: [f64; 2],
    maxiter: i32,
    out: *mut i32,
) -> HpkStatus {
    let [row0, col0, rows, cols] = tile;
    // SAFETY: `out` holds rows*cols values when the sizes are valid; otherwise the library must
    // reject the call first.
    unsafe {
        (hpk().julia_tile)(x[0], x[1], x[2], x[3], width, height, row0, col0, rows, cols, c[0], c[1], maxiter, out)
    }
}

pub(crate) fn julia_tile_rows(t: &mut Table) {
    let e = TILE;
    const T: [usize; 4] = [1, 2, 3, 4]; // rows 1..4, columns 2..6 of the W x H = 6 x 5 grid
    for (what, tile) in [("a tile", T), ("the whole grid", [0, 0, H, W]), ("one pixel", [H - 1, W - 1, 1, 1])] {
        t.add(e, format!("NULL output, {what}"), HPK_ERR_NULL_POINTER, move |_| {
            julia_tile(BOX, W, H, tile, BOOK_C, 300, null_mut())
        });
    }
    // Zero dimensions of the grid or the tile.
    for (w, h, tile) in [(0, H, T), (W, 0, T), (W, H, [0, 0, 0, 3]), (W, H, [0, 0, 3, 0]), (W, H, [0, 0, 0, 0])] {
        t.add(e, format!("zero dimension: grid {w} x {h}, tile {tile:?}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, w, h, tile, BOOK_C, 300, out)
        });
    }
    // rows*cols overflows usize.
    for (rows, cols) in OVERFLOWING_USIZE {
        t.add(e, format!("rows*cols overflows usize: {rows} x {cols}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, usize::MAX, usize::MAX, [0, 0, rows, cols], BOOK_C, 300, out)
        });
    }
    // A tile that does not lie inside the grid, also where row0 + rows overflows.
    for tile in [
        [0, 0, H + 1, 1],
        [0, 0, 1, W + 1],
        [H, 0, 1, 1],
        [0, W, 1, 1],
        [4, 0, 2, 1],
        [0, 5, 1, 2],
        [usize::MAX, 0, 1, 1],
        [0, usize::MAX, 1, 1],
    ] {
        t.add(e, format!("tile {tile:?} outside the {W} x {H} grid"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, tile, BOOK_C, 300, out)
        });
    }
    // Negative maxiter, non-finite coordinates and c, misaligned output.
    for maxiter in [-1, i32::MIN] {
        t.add(e, format!("maxiter {maxiter}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, T, BOOK_C, maxiter, out)
        });
    }
    for (what, v) in non_finite() {
        for k in 0..6 {
            t.add(
                e,
                format!("argument {k} of x1, x2, y1, y2, c_re, c_im = {what}"),
                HPK_ERR_INVALID_ARGUMENT,
                move |m| {
                    let (mut x, mut c) = (BOX, BOOK_C);
                    if k < 4 {
                        x[k] = v
                    } else {
                        c[k - 4] = v
                    }
                    let out = m.i32_out("output", 12);
                    julia_tile(x, W, H, T, c, 300, out)
                },
            );
        }
    }
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", 12);
            julia_tile(BOX, W, H, T, BOOK_C, 300, shift(out, off))
        });
    }
    // Valid edges, exact: the 4 x 3 grid of julia_grid's orientation row, tile by tile.
    const GRID_4X3: [i32; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0];
    for (row0, col0, rows, cols) in [(0, 0, 3, 4), (2, 0, 1, 2), (1, 1, 2, 3), (2, 3, 1, 1)] {
        t.add(e, format!("valid: rows {row0}..+{rows}, columns {col0}..+{cols} of a 4 x 3 grid"), HPK_OK, move |m| {
            let out = m.i32_out("output", rows * cols);
            julia_tile([0.0, 4.0, 0.0, 3.0], 4, 3, [row0, col0, rows, cols], [0.0, 0.0], 10, out)
        })
        .check(move |m| {
            let want: Vec<i32> =
                (row0..row0 + rows).flat_map(|r| (col0..col0 + cols).map(move |k| GRID_4X3[r * 4 + k])).collect();
            same("output", m.i32s("output", 0, rows * cols), want)?;
            m.untouched_outside("output", 0..rows * cols * 4)
        });
    }
}

pub(crate) fn julia_grid_rows(t: &mut Table) {
    let e = GRID;
    // NULL output, with various valid arguments.
    for (what, x, w, h, c, maxiter) in [
        ("book box", BOX, W, H, BOOK_C, 300),
        ("1x1", BOX, 1, 1, BOOK_C, 300),
        ("maxiter 0", BOX, W, H, BOOK_C, 0),
        ("maxiter i32::MAX", [3.0, 5.0, 3.0, 5.0], 2, 2, [0.0, 0.0], i32::MAX),
        ("1000x1000", BOX, 1000, 1000, BOOK_C, 300),
        ("degenerate box x1 == x2", [0.5, 0.5, -1.0, 1.0], W, H, BOOK_C, 10),
    ] {
        t.add(e, format!("NULL output, {what}"), HPK_ERR_NULL_POINTER, move |_| {
            julia_grid(x, w, h, c, maxiter, null_mut())
        });
    }
    // Zero dimensions.
    for (w, h) in [(0, H), (W, 0), (0, 0), (0, 1), (1, 0), (0, usize::MAX), (usize::MAX, 0)] {
        t.add(e, format!("zero dimension {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    // width*height overflows usize; then fits but *4 is past isize::MAX.
    for (w, h) in OVERFLOWING_USIZE {
        t.add(e, format!("width*height overflows usize: {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    let isize_limit = isize::MAX as usize / 4;
    for (w, h) in [
        (1 << 31, 1 << 31),
        (3, 1 << 60),
        (1, 1 << 61),
        (isize_limit + 1, 1),
        (1 << 62, 2),
        (1, usize::MAX),
        (usize::MAX / 4, 3),
    ] {
        let points: usize = w.checked_mul(h).expect("width*height fits usize");
        assert!(points > isize_limit);
        t.add(e, format!("width*height*4 past isize::MAX: {w} x {h}"), HPK_ERR_INVALID_SIZE, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, w, h, BOOK_C, 300, out)
        });
    }
    // Negative maxiter.
    for maxiter in [-1, -2, -300, i32::MIN + 1, i32::MIN] {
        t.add(e, format!("maxiter {maxiter}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, W, H, BOOK_C, maxiter, out)
        });
    }
    // Non-finite coordinates and c.
    for (what, v) in non_finite() {
        for (k, name) in ["x1", "x2", "y1", "y2"].into_iter().enumerate() {
            t.add(e, format!("{name} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                let mut x = BOX;
                x[k] = v;
                let out = m.i32_out("output", W * H);
                julia_grid(x, W, H, BOOK_C, 300, out)
            });
        }
        for (k, name) in ["c_re", "c_im"].into_iter().enumerate() {
            t.add(e, format!("{name} = {what}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
                let mut c = BOOK_C;
                c[k] = v;
                let out = m.i32_out("output", W * H);
                julia_grid(BOX, W, H, c, 300, out)
            });
        }
    }
    // Misaligned output.
    for off in 1..4isize {
        t.add(e, format!("output misaligned by {off}"), HPK_ERR_INVALID_ARGUMENT, move |m| {
            let out = m.i32_out("output", W * H);
            julia_grid(BOX, W, H, BOOK_C, 300, shift(out, off))
        });
    }
    // Valid edges, exact.
    t.add(e, "valid: orientation of a 4 x 3 grid, c = 0", HPK_OK, |m| {
        let out = m.i32_out("output", 12);
        julia_grid([0.0, 4.0, 0.0, 3.0], 4, 3, [0.0, 0.0], 10, out)
    })
    .check(|m| {
        // x = 0, 1, 2, 3; y = 3, 2, 1 (row 0 on top): only (1, 1) and (0, 1) stay, 1+i escapes once.
        same("output", m.i32s("output", 0, 12), vec![0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0])?;
        m.untouched_outside("output", 0..48)
    });
    t.add(e, "valid: maxiter 0 gives zeros", HPK_OK, |m| {
        let out = m.i32_out("output", W * H);
        julia_grid(BOX, W, H, BOOK_C, 0, out)
    })
    .check(|m| same("output", m.i32s("output", 0, W * H), vec![0; W * H]));
    t.add(e, "valid: maxiter i32::MAX, every point escaping at once", HPK_OK, |m| {
        let out = m.i32_out("output", 4);
        julia_grid([3.0, 5.0, 3.0, 5.0], 2, 2, [0.0, 0.0], i32::MAX, out)
    })
    .check(|m| same("output", m.i32s("output", 0, 4), vec![0; 4]));
    t.add(e, "valid: 1x1 at the origin, c = 0, maxiter 77", HPK_OK, |m| {
        let out = m.i32_out("output", 1);
        julia_grid([0.0, 1.0, -1.0, 0.0], 1, 1, [0.0, 0.0], 77, out)
    })
    .check(|m| {
        same("output", m.i32s("output", 0, 1), vec![77])?;
        m.untouched_outside("output", 0..4)
    });
    t.add(e, "valid: huge finite coordinates escape at once", HPK_OK, |m| {
        let out = m.i32_out("output", 6);
        julia_grid([1e300, 2e300, -2e300, -1e300], 3, 2, [0.0, 0.0], 50, out)
    })
    .check(|m| same("output", m.i32s("output", 0, 6), vec![0; 6]));
}
