//! The portable kernel: one candidate at a time, q from a float division, checked with a
//! wrapping integer product.
//!
//! y = fl(nh / d) is within (2u + u^2) Q < 0.26 of Q = n / d (see `mod.rs`), and
//! q = round(y) (by adding and subtracting [`ROUNDING_SHIFT`], exact for y < 2^51). If d | n,
//! q = Q and q d = n. If q d == n in wrapping arithmetic then d | n: q <= Q + 1 gives
//! q d < n + d, so either q d < 2^64 and q d = n, or the product wrapped to a value below d,
//! while n >= q d - d >= 2^64 - d > d (d < 2^51), so the two differ.

use super::{WheelLanes, ROUNDING_SHIFT, WHEEL_MODULUS};

/// The first block b in [b0, b1) (values [210 b, 210 b + 210)) holding a candidate flagged as
/// a divisor of n. Requires the float test's conditions on every candidate of those blocks.
pub(super) fn first_flagged_block(lanes: &WheelLanes, b0: u64, b1: u64) -> Option<u64> {
    let residues_f = &lanes.residues[..lanes.len];
    let residues = &lanes.residues_u64[..lanes.len];
    // t = y + SHIFT lies in [2^52, 2^53), where the bits of t minus those of SHIFT are the
    // integer t - SHIFT = round(y): no float-to-integer conversion needed.
    let shift_bits = ROUNDING_SHIFT.to_bits();
    for b in b0..b1 {
        let base = b * WHEEL_MODULUS;
        let base_f = base as f64; // exact: base < 2^51
        let mut flagged = false;
        for (&r_f, &r) in residues_f.iter().zip(residues) {
            let q = (lanes.nh / (base_f + r_f) + ROUNDING_SHIFT).to_bits().wrapping_sub(shift_bits);
            flagged |= q.wrapping_mul(base + r) == lanes.n;
        }
        if flagged {
            return Some(b);
        }
    }
    None
}
