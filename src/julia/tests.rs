use super::*;
use proptest::prelude::*;

/// The book's loop with `abs(z) < 2` and num-complex arithmetic: an independent reference.
fn reference_count(mut z: Complex64, c: Complex64, maxiter: i32) -> i32 {
    let mut n = 0;
    while n < maxiter && z.norm() < 2.0 {
        z = z * z + c;
        n += 1;
    }
    n
}

/// The book's coordinate lists built by repeated addition, flattened row by row as it does.
fn book_coordinates() -> Vec<Complex64> {
    let g = Grid::book();
    let (x_step, y_step) = ((g.x2 - g.x1) / 1000.0, (g.y1 - g.y2) / 1000.0);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let mut xc = g.x1;
    for _ in 0..1000 {
        x.push(xc);
        xc += x_step;
    }
    let mut yc = g.y2;
    for _ in 0..1000 {
        y.push(yc);
        yc += y_step;
    }
    y.iter().flat_map(|&yi| x.iter().map(move |&xi| Complex64::new(xi, yi))).collect()
}

#[test]
fn book_checksum_through_the_grid() {
    let mut out = vec![-1; 1_000_000];
    calculate_grid(&Grid::book(), &mut out).unwrap();
    assert_eq!(out.iter().map(|&n| n as u64).sum::<u64>(), BOOK_CHECKSUM);
    assert_eq!(out.iter().filter(|&&n| n == 300).count(), 100_321);
    assert_eq!(out.iter().filter(|&&n| n == 0).count(), 102_865);
}

#[test]
fn book_checksum_through_calculate_z_with_the_books_coordinates() {
    let zs = book_coordinates();
    let cs = vec![Grid::book().c; zs.len()];
    let mut out = vec![-1; zs.len()];
    calculate_z(&zs, &cs, 300, &mut out).unwrap();
    assert_eq!(out.iter().map(|&n| n as u64).sum::<u64>(), BOOK_CHECKSUM);
}

#[test]
fn book_checksum_and_counts_on_every_instruction_set_path() {
    let mut want = vec![-1; 1_000_000];
    calculate_grid_on(Isa::Scalar, &Grid::book(), &mut want).unwrap();
    assert_eq!(want.iter().map(|&n| n as u64).sum::<u64>(), BOOK_CHECKSUM);
    let zs = book_coordinates();
    let cs = vec![Grid::book().c; zs.len()];
    for isa in Isa::supported() {
        let mut out = vec![-1; 1_000_000];
        calculate_grid_on(isa, &Grid::book(), &mut out).unwrap();
        assert!(out == want, "{isa:?}: calculate_grid differs from the scalar path");
        out.fill(-1);
        calculate_z_on(isa, &zs, &cs, 300, &mut out).unwrap();
        assert_eq!(out.iter().map(|&n| n as u64).sum::<u64>(), BOOK_CHECKSUM, "{isa:?}: calculate_z");
    }
    // Odd shapes: items of several rows that do not divide the grid, rows narrower than the lanes.
    for (width, height) in [(1, 1), (3, 700), (7, 5), (31, 33), (2049, 3)] {
        let grid = Grid { width, height, ..Grid::book() };
        let want: Vec<i32> = (0..height)
            .flat_map(|r| (0..width).map(move |k| (r, k)))
            .map(|(r, k)| escape_count(grid.z(r, k), grid.c, 300))
            .collect();
        for isa in Isa::supported() {
            let mut out = vec![-1; width * height];
            calculate_grid_on(isa, &grid, &mut out).unwrap();
            assert!(out == want, "{isa:?}: {width} x {height}");
        }
    }
}

#[test]
fn grid_counts_match_the_definition_for_any_c_width_and_maxiter() {
    // c beyond |c| = 1.9 (an escaped z may come back: c = -4 sends z = 2 to 0, and the grid
    // below has a pixel at exactly z = 2), widths around the vector lengths, a row of one pixel,
    // pixels that escape at once or never, and maxiter at and around block and lane sizes.
    let cs = [
        Complex64::new(-0.62772, -0.42193),
        Complex64::new(-4.0, 0.0),
        Complex64::new(-2.0, 0.0),
        Complex64::new(0.25, 0.0),
        Complex64::new(1.5, -1.2),
    ];
    for c in cs {
        for (width, height) in [(1, 3), (2, 2), (7, 3), (8, 2), (9, 3), (16, 1), (17, 4), (33, 2)] {
            for maxiter in [0, 1, 2, 7, 8, 9, 40, 300] {
                let grid = Grid { x1: 0.0, x2: 4.0, y1: -2.0, y2: 0.0, width, height, c, maxiter };
                let want: Vec<i32> = (0..height)
                    .flat_map(|r| (0..width).map(move |k| (r, k)))
                    .map(|(r, k)| escape_count(grid.z(r, k), c, maxiter))
                    .collect();
                for isa in Isa::supported() {
                    let mut out = vec![-1; width * height];
                    calculate_grid_on(isa, &grid, &mut out).unwrap();
                    assert!(out == want, "{isa:?}: c = {c}, {width} x {height}, maxiter {maxiter}");
                }
            }
        }
    }
    // The pixel at z = 2 with c = -4 stops at once, though z*z + c = 0 would count on.
    let grid =
        Grid { x1: 0.0, x2: 4.0, y1: -2.0, y2: 0.0, width: 2, height: 1, c: Complex64::new(-4.0, 0.0), maxiter: 50 };
    assert_eq!(grid.z(0, 1), Complex64::new(2.0, 0.0));
    for isa in Isa::supported() {
        let mut out = vec![-1; 2];
        calculate_grid_on(isa, &grid, &mut out).unwrap();
        assert_eq!(out, [escape_count(Complex64::new(0.0, 0.0), grid.c, 50), 0], "{isa:?}");
    }
}

#[test]
fn grid_rows_start_at_the_top() {
    let g = Grid { width: 4, height: 4, ..Grid::book() };
    assert_eq!(g.z(0, 0), Complex64::new(-1.8, 1.8));
    assert_eq!(g.z(3, 3), Complex64::new(-1.8 + 3.0 * 0.9, 1.8 - 3.0 * 0.9));
    let mut out = vec![-1; 16];
    calculate_grid(&g, &mut out).unwrap();
    for r in 0..4 {
        for k in 0..4 {
            assert_eq!(out[r * 4 + k], reference_count(g.z(r, k), g.c, 300));
        }
    }
}

#[test]
fn maxiter_zero_gives_zeros_and_counts_stay_in_range() {
    let mut out = vec![-1; 10_000];
    calculate_grid(&Grid { width: 100, height: 100, maxiter: 0, ..Grid::book() }, &mut out).unwrap();
    assert!(out.iter().all(|&n| n == 0));
    calculate_grid(&Grid { width: 100, height: 100, maxiter: 7, ..Grid::book() }, &mut out).unwrap();
    assert!(out.iter().all(|&n| (0..=7).contains(&n)));
    assert!(out.contains(&7) && out.contains(&0));
}

#[test]
fn bad_arguments_are_refused_without_writing() {
    let mut out = vec![-9; 16];
    let base = Grid { width: 4, height: 4, ..Grid::book() };
    let bad_args = [
        Grid { maxiter: -1, ..base },
        Grid { x1: f64::NAN, ..base },
        Grid { x2: f64::INFINITY, ..base },
        Grid { y1: f64::NEG_INFINITY, ..base },
        Grid { y2: f64::NAN, ..base },
        Grid { c: Complex64::new(f64::NAN, 0.0), ..base },
        Grid { c: Complex64::new(0.0, f64::INFINITY), ..base },
    ];
    for g in bad_args {
        assert!(matches!(calculate_grid(&g, &mut out), Err(Error::InvalidArgument(_))), "{g:?}");
    }
    for g in [Grid { width: 0, ..base }, Grid { height: 0, ..base }, Grid { width: 5, ..base }] {
        assert!(matches!(calculate_grid(&g, &mut out), Err(Error::InvalidSize(_))), "{g:?}");
    }
    let overflow = Grid { width: usize::MAX, height: 2, ..base };
    assert!(matches!(calculate_grid(&overflow, &mut out), Err(Error::InvalidSize(_))));

    let zs = vec![Complex64::new(0.1, 0.1); 16];
    let cs = zs.clone();
    assert!(matches!(calculate_z(&zs, &cs, -5, &mut out), Err(Error::InvalidArgument(_))));
    assert!(matches!(calculate_z(&zs[..15], &cs, 5, &mut out), Err(Error::InvalidSize(_))));
    assert!(matches!(calculate_z(&zs, &cs[..3], 5, &mut out), Err(Error::InvalidSize(_))));
    let mut nan_cs = cs.clone();
    nan_cs[9].im = f64::NAN;
    let err = calculate_z(&zs, &nan_cs, 5, &mut out).unwrap_err();
    assert_eq!(err, Error::InvalidArgument("cs[9] is not finite".into()));
    assert!(out.iter().all(|&n| n == -9));
    calculate_z(&[], &[], 5, &mut []).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn counts_match_reference(re in -2.5f64..2.5, im in -2.5f64..2.5, cr in -1.0f64..1.0,
                              ci in -1.0f64..1.0, maxiter in 0i32..500) {
        let (z, c) = (Complex64::new(re, im), Complex64::new(cr, ci));
        prop_assert_eq!(escape_count(z, c, maxiter), reference_count(z, c, maxiter));
    }

    #[test]
    fn random_batches_match_reference(points in proptest::collection::vec(
            (-2.0f64..2.0, -2.0f64..2.0, -1.0f64..1.0, -1.0f64..1.0), 0..3000)) {
        let zs: Vec<_> = points.iter().map(|p| Complex64::new(p.0, p.1)).collect();
        let cs: Vec<_> = points.iter().map(|p| Complex64::new(p.2, p.3)).collect();
        let mut out = vec![-1; zs.len()];
        calculate_z(&zs, &cs, 200, &mut out).unwrap();
        for i in 0..zs.len() {
            prop_assert_eq!(out[i], reference_count(zs[i], cs[i], 200));
        }
    }
}

#[test]
fn with_a_progress_callback_the_counts_are_the_same_also_in_column_bands() {
    use crate::progress::Progress;
    use std::time::Duration;
    let mut reports = Vec::new();
    let mut report = |done, total| {
        reports.push((done, total));
        false
    };
    let mut progress = Progress::new(&mut report, Duration::from_millis(1));
    // 317 * 20000 iterations per row is more than a work item: rows go in bands of columns.
    for (width, height, maxiter) in
        [(317, 40, 20_000), (1000, 100, 300), (50, 3000, 5000), (2, 3, 3_000_000), (31, 9, 1_000_000)]
    {
        let grid = Grid { width, height, maxiter, ..Grid::book() };
        let mut with = vec![-1; width * height];
        calculate_grid_with_progress(&grid, &mut with, Some(&mut progress)).unwrap();
        let mut without = vec![-2; width * height];
        calculate_grid(&grid, &mut without).unwrap();
        assert_eq!(with, without, "{width} x {height}, maxiter {maxiter}");
        let zs: Vec<Complex64> = (0..width * height).map(|i| grid.z(i / width, i % width)).collect();
        let cs = vec![grid.c; zs.len()];
        let mut z_with = vec![-1; zs.len()];
        calculate_z_with_progress(&zs, &cs, maxiter, &mut z_with, Some(&mut progress)).unwrap();
        assert_eq!(z_with, without, "calculate_z {width} x {height}, maxiter {maxiter}");
    }
    assert!(reports.iter().all(|&(d, t)| d <= t));
}

#[test]
fn tiles_put_together_equal_the_whole_grid_bit_for_bit_on_every_path() {
    // Uneven tilings of the book's picture, tiles of one pixel to whole rows.
    let grid = Grid { width: 301, height: 203, ..Grid::book() };
    let mut whole = vec![-1; grid.width * grid.height];
    calculate_grid_on(Isa::Scalar, &grid, &mut whole).unwrap();
    for isa in Isa::supported() {
        for (row_cuts, col_cuts) in [
            (vec![0, 203], vec![0, 301]),
            (vec![0, 1, 100, 203], vec![0, 7, 8, 150, 301]),
            (vec![0, 64, 128, 192, 203], vec![0, 33, 301]),
        ] {
            let mut stitched = vec![-1; whole.len()];
            for r in row_cuts.windows(2) {
                for k in col_cuts.windows(2) {
                    let tile = Tile { row0: r[0], col0: k[0], rows: r[1] - r[0], cols: k[1] - k[0] };
                    let mut out = vec![-1; tile.rows * tile.cols];
                    calculate_tile_on(isa, &grid, tile, &mut out).unwrap();
                    for (i, row) in out.chunks(tile.cols).enumerate() {
                        let at = (tile.row0 + i) * grid.width + tile.col0;
                        stitched[at..at + tile.cols].copy_from_slice(row);
                    }
                }
            }
            assert!(stitched == whole, "{isa:?}: tiles {row_cuts:?} x {col_cuts:?}");
        }
    }
    // One tile against the definition, pixel by pixel, with the grid's global coordinates.
    let tile = Tile { row0: 50, col0: 120, rows: 17, cols: 29 };
    let mut out = vec![-1; tile.rows * tile.cols];
    calculate_tile_with_progress(&grid, tile, &mut out, None).unwrap();
    for (i, &n) in out.iter().enumerate() {
        let (r, k) = (tile.row0 + i / tile.cols, tile.col0 + i % tile.cols);
        assert_eq!(n, reference_count(grid.z(r, k), grid.c, grid.maxiter), "pixel ({r}, {k})");
    }
}

#[test]
fn a_tile_must_lie_inside_its_grid() {
    let grid = Grid { width: 10, height: 8, ..Grid::book() };
    let mut out = vec![-1; 100];
    for tile in [
        Tile { row0: 0, col0: 0, rows: 9, cols: 1 },
        Tile { row0: 7, col0: 0, rows: 2, cols: 1 },
        Tile { row0: 0, col0: 10, rows: 1, cols: 1 },
        Tile { row0: usize::MAX, col0: 0, rows: 1, cols: 1 },
    ] {
        let n = tile.rows * tile.cols;
        assert!(
            matches!(calculate_tile_with_progress(&grid, tile, &mut out[..n], None), Err(Error::InvalidArgument(_))),
            "{tile:?}"
        );
    }
    let empty = Tile { row0: 0, col0: 0, rows: 0, cols: 3 };
    assert!(matches!(calculate_tile_with_progress(&grid, empty, &mut [], None), Err(Error::InvalidSize(_))));
    assert!(out.iter().all(|&n| n == -1), "nothing written");
}
