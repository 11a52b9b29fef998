//! Escape counts of whole grid rows on the vector paths, written once over [`Vector`]: each
//! vector holds neighbouring pixels of one row from start to finish, 4 vectors in flight.
//!
//! Neighbouring pixels of a picture mostly escape at nearly the same iteration (in the book's
//! picture a vector runs 1.27 times the iterations its lanes need), so a vector simply runs
//! until its last lane stops, then stores its counts in one go and starts the next pixels.
//! That costs a few idle lanes but no refill per lane: no point buffers, no expand-loads, no
//! scatter, and the pixel coordinates are computed in the vector itself. All lanes of a vector
//! start together, so the vector's step count is every lane's iteration bound: no per-lane
//! comparison with maxiter either.
//!
//! `avx512` and `avx2` implement [`Vector`] and compile the kernel for their instructions.

pub(super) mod avx2;
pub(super) mod avx512;

use super::RowGeometry;

/// A vector of f64 lanes as the row kernel uses it, one implementation per instruction set.
///
/// # Safety
/// Every method needs the CPU features of its implementation: call them only from code compiled
/// for those features, reached through the path's token (`crate::isa`).
pub(super) trait Vector: Copy {
    /// Lanes per vector.
    const LANES: usize;
    /// One flag per lane: a mask register (AVX-512) or all-ones / all-zeros lanes (AVX2).
    type Mask: Copy;
    /// The lanes a store of 32-bit counts writes.
    type StoreMask: Copy;

    unsafe fn splat(x: f64) -> Self;
    /// 0, 1, ..., LANES - 1.
    unsafe fn iota() -> Self;
    unsafe fn add(self, b: Self) -> Self;
    unsafe fn sub(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    /// The first `n` lanes (n <= LANES), to compute with and to store.
    unsafe fn first_lanes(n: usize) -> (Self::Mask, Self::StoreMask);
    /// The lanes of `within` where `self < bound`.
    unsafe fn less_within(self, bound: Self, within: Self::Mask) -> Self::Mask;
    /// `self + addend` in the lanes of `mask`, `self` in the others.
    unsafe fn add_within(self, addend: Self, mask: Self::Mask) -> Self;
    unsafe fn is_empty(mask: Self::Mask) -> bool;
    /// Writes the lanes of `mask`, whole numbers below 2^31, as i32 to `dst[lane]`.
    unsafe fn store_counts(self, dst: *mut i32, mask: Self::StoreMask);
}

/// A vector's work: LANES pixels of a row from output index `at` on (lanes `valid`, fewer at a
/// row's end), `steps` steps so far; dead once the rows are done. Four of them are kept in
/// separate variables, not an array, so that they stay in registers.
struct Slot<V: Vector> {
    zr: V,
    zi: V,
    count: V,
    valid: V::StoreMask,
    running: V::Mask,
    steps: i32,
    at: usize,
    live: bool,
}

impl<V: Vector> Slot<V> {
    /// The next group's vector: the coordinates of `Grid::z`, x1 + k*x_step (separate multiply
    /// and add, as the scalar code; k exact in f64) and the group's zi; dead past the last row.
    ///
    /// # Safety
    /// As [`Vector`].
    #[inline(always)]
    unsafe fn start(groups: &mut PixelGroups<'_>, x1: V, x_step: V) -> Slot<V> {
        // SAFETY: the caller's.
        unsafe {
            let zero = V::splat(0.0);
            match groups.next() {
                None => {
                    let (running, valid) = V::first_lanes(0);
                    Slot { zr: zero, zi: zero, count: zero, valid, running, steps: 0, at: 0, live: false }
                }
                Some(p) => {
                    let (running, valid) = V::first_lanes(p.count);
                    let k = V::iota().add(V::splat(p.col as f64));
                    let zr = x1.add(k.mul(x_step));
                    Slot { zr, zi: V::splat(p.zi), count: zero, valid, running, steps: 0, at: p.at, live: true }
                }
            }
        }
    }
}

/// Escape counts of the `out.len() / width` grid rows from `first_row` on, into `out`
/// (row-major), for maxiter >= 1 (the dispatcher answers 0 itself). Counts are those of
/// [`crate::julia::escape_count`] bit for bit: the pixel coordinates as `Grid::z` computes them,
/// the iteration in the same operations and order.
///
/// STICKY keeps a per-lane stop mask: needed unless every escaped z stays out
/// ([`super::escapes_are_final`]), which the caller decides.
///
/// # Safety
/// As [`Vector`]: the per-path files call this from a function compiled for `V`'s features.
#[inline(always)]
unsafe fn escape_rows<V: Vector, const STICKY: bool>(out: &mut [i32], first_row: usize, g: &RowGeometry) {
    assert!(g.width > 0 && out.len().is_multiple_of(g.width) && g.maxiter > 0);
    // SAFETY: the caller's: the CPU has V's features.
    unsafe {
        let (four, one) = (V::splat(4.0), V::splat(1.0));
        let (cr, ci) = (V::splat(g.c.re), V::splat(g.c.im));
        let (x1, x_step) = (V::splat(g.x1), V::splat(g.x_step));
        let mut groups = PixelGroups::new(g, V::LANES, first_row, out.len() / g.width);
        let base = out.as_mut_ptr();
        // One step of one vector; the vector's last step stores its counts and starts the next
        // group.
        macro_rules! step {
            ($v:ident) => {
                if $v.live {
                    // The scalar definition's operations in its order: no fused multiply-add.
                    let r2 = $v.zr.mul($v.zr);
                    let i2 = $v.zi.mul($v.zi);
                    let counting = r2.add(i2).less_within(four, $v.running);
                    if STICKY {
                        $v.running = counting;
                    }
                    $v.count = $v.count.add_within(one, counting);
                    // 2*zr*zi as (zr + zr) * zi: doubling is exact, so the bits equal 2.0*zr*zi.
                    $v.zi = $v.zr.add($v.zr).mul($v.zi).add(ci);
                    $v.zr = r2.sub(i2).add(cr);
                    $v.steps += 1;
                    // Without STICKY, a lane that did not count has |z| >= 2 for good (see
                    // `escapes_are_final`), so a step where no lane counts is the vector's last.
                    if V::is_empty(counting) || $v.steps == g.maxiter {
                        // The valid lanes are pixels at..at+lanes of one row inside `out`.
                        $v.count.store_counts(base.add($v.at), $v.valid);
                        $v = Slot::start(&mut groups, x1, x_step);
                    }
                }
            };
        }
        let mut a = Slot::<V>::start(&mut groups, x1, x_step);
        let mut b = Slot::<V>::start(&mut groups, x1, x_step);
        let mut c = Slot::<V>::start(&mut groups, x1, x_step);
        let mut d = Slot::<V>::start(&mut groups, x1, x_step);
        while a.live || b.live || c.live || d.live {
            step!(a);
            step!(b);
            step!(c);
            step!(d);
        }
    }
}

/// A run of grid rows walked `lanes` pixels at a time (fewer at a row's end): where each group
/// goes in the output, its first column and its rows' imaginary part.
struct PixelGroups<'g> {
    g: &'g RowGeometry,
    lanes: usize,
    rows: usize,
    first_row: usize,
    row: usize,
    col: usize,
    zi: f64,
}

/// `count` pixels of one row: output index `at`, grid columns `col..col + count`, start z
/// imaginary part `zi` (the real parts are the kernel's, as `x1 + k*x_step`).
struct PixelGroup {
    at: usize,
    col: usize,
    count: usize,
    zi: f64,
}

impl<'g> PixelGroups<'g> {
    /// The groups of `rows` rows from `first_row` on.
    fn new(g: &'g RowGeometry, lanes: usize, first_row: usize, rows: usize) -> Self {
        PixelGroups { g, lanes, rows, first_row, row: 0, col: 0, zi: g.y2 + first_row as f64 * g.y_step }
    }
}

impl Iterator for PixelGroups<'_> {
    type Item = PixelGroup;

    #[inline(always)]
    fn next(&mut self) -> Option<PixelGroup> {
        if self.row == self.rows {
            return None;
        }
        let width = self.g.width;
        let count = (width - self.col).min(self.lanes);
        let group = PixelGroup { at: self.row * width + self.col, col: self.g.col0 + self.col, count, zi: self.zi };
        self.col += count;
        if self.col == width {
            (self.row, self.col) = (self.row + 1, 0);
            // The operations of Grid::z: y2 + r*y_step.
            self.zi = self.g.y2 + (self.first_row + self.row) as f64 * self.g.y_step;
        }
        Some(group)
    }
}
