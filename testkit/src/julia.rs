//! The Julia reference and the book's constants.

/// The book's constant c = -0.62772 - 0.42193i, (re, im).
pub const BOOK_C: (f64, f64) = (-0.62772, -0.42193);
/// The book's checksum: the sum of the 1000 x 1000, maxiter 300 picture of x, y in [-1.8, 1.8].
pub const BOOK_SUM: i64 = 33_219_980;

/// The header's loop: count `z = z*z + c` while re^2 + im^2 < 4 and the count is below
/// `maxiter`; `z` and `c` are (re, im).
pub fn escape_count(z: (f64, f64), c: (f64, f64), maxiter: i32) -> i32 {
    escape_count_within(z, c, maxiter, &mut u64::MAX.clone()).expect("an unbounded budget")
}

/// [`escape_count`], or None once `budget` iterations are spent (each one is taken from it).
pub fn escape_count_within(z: (f64, f64), c: (f64, f64), maxiter: i32, budget: &mut u64) -> Option<i32> {
    let (mut re, mut im) = z;
    let mut n = 0;
    while n < maxiter && re * re + im * im < 4.0 {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let r = re * re - im * im + c.0;
        im = 2.0 * re * im + c.1;
        re = r;
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_known_points() {
        assert_eq!(escape_count((0.0, 0.0), (0.0, 0.0), 300), 300);
        assert_eq!(escape_count((2.0, 0.0), (0.0, 0.0), 300), 0);
        // 1 -> 2 (|z|^2 = 4 stops): one iteration.
        assert_eq!(escape_count((1.0, 0.0), (1.0, 0.0), 300), 1);
        assert_eq!(escape_count((0.0, 0.0), BOOK_C, 0), 0);
        let mut budget = 5;
        assert_eq!(escape_count_within((0.0, 0.0), (0.0, 0.0), 300, &mut budget), None);
        let mut budget = 5;
        assert_eq!(escape_count_within((0.0, 0.0), (0.0, 0.0), 5, &mut budget), Some(5));
        assert_eq!(budget, 0);
    }

    #[test]
    fn the_book_picture_sums_to_the_book_checksum() {
        // Coordinates as the book builds them: repeated addition from x1 and y2.
        let (step_x, step_y) = (3.6 / 1000.0, -3.6 / 1000.0);
        let mut xs = Vec::with_capacity(1000);
        let mut x = -1.8;
        while xs.len() < 1000 {
            xs.push(x);
            x += step_x;
        }
        let mut ys = Vec::with_capacity(1000);
        let mut y = 1.8;
        while ys.len() < 1000 {
            ys.push(y);
            y += step_y;
        }
        let sum: i64 = ys
            .iter()
            .flat_map(|&y| xs.iter().map(move |&x| (x, y)))
            .map(|z| i64::from(escape_count(z, BOOK_C, 300)))
            .sum();
        assert_eq!(sum, BOOK_SUM);
    }
}
