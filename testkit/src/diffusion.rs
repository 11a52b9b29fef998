//! The diffusion reference.

/// One explicit step by the header's formula, cell by cell with wrapped indices:
/// `out[i][j] = in[i][j] + ddt * (in[i+1][j] + in[i-1][j] + in[i][j+1] + in[i][j-1] - 4 in[i][j])`
/// in that summation order, `ddt = d * dt`. Fixed (`periodic` false): edge cells copied
/// unchanged (fewer than 3 rows or columns: every cell is an edge); periodic: indices wrap.
pub fn step(input: &[f64], rows: usize, cols: usize, ddt: f64, periodic: bool) -> Vec<f64> {
    assert_eq!(input.len(), rows * cols);
    let at = |i: usize, j: usize| input[i * cols + j];
    let mut out = vec![0.0; rows * cols];
    for i in 0..rows {
        for j in 0..cols {
            let mid = at(i, j);
            let edge = i == 0 || i == rows - 1 || j == 0 || j == cols - 1;
            out[i * cols + j] = if !periodic && edge {
                mid
            } else {
                let down = at((i + 1) % rows, j);
                let up = at((i + rows - 1) % rows, j);
                let right = at(i, (j + 1) % cols);
                let left = at(i, (j + cols - 1) % cols);
                mid + ddt * (down + up + right + left - 4.0 * mid)
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn a_point_spreads_to_its_four_neighbours() {
        let mut grid = vec![0.0; 25];
        grid[12] = 1.0;
        let out = step(&grid, 5, 5, 0.125, false);
        assert_eq!(out[12], 0.5);
        for k in [7, 11, 13, 17] {
            assert_eq!(out[k], 0.125);
        }
        assert_eq!(out.iter().sum::<f64>(), 1.0);
    }

    #[test]
    fn fixed_edges_stay_and_periodic_edges_wrap() {
        let grid: Vec<f64> = (0..12).map(|k| f64::from(k % 5) * 0.25).collect();
        let fixed = step(&grid, 3, 4, 0.125, false);
        for k in [0, 1, 2, 3, 4, 7, 8, 9, 10, 11] {
            assert_eq!(fixed[k], grid[k]);
        }
        let periodic = step(&grid, 3, 4, 0.125, true);
        // Cell (0, 0): down (1, 0) = 1.0, up (2, 0) = 0.75, right (0, 1) = 0.25, left (0, 3) = 0.75.
        assert_eq!(periodic[0], 0.125 * (1.0 + 0.75 + 0.25 + 0.75));
        assert_eq!(periodic.iter().sum::<f64>(), grid.iter().sum::<f64>());
        assert_eq!(step(&[2.0], 1, 1, 0.5, true), [2.0]);
    }
}
