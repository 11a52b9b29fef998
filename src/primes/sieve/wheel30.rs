//! The mod-30 wheel: one byte stands for the 30 numbers [30 i, 30 i + 30), its 8 bits for the
//! residues coprime to 30 (bit b = 30 i + RESIDUES[b]). Multiples of 2, 3 and 5 are never stored.
//!
//! A sieving prime p = 30 a + r crosses off the multiples p q with q coprime to 30. Stepping q
//! through the wheel (q -> q + GAPS[j]) moves the multiple by a GAPS[j] + c bytes, where the
//! carry c and the bit hit depend only on (r, j): the 64 cases of the table [STEPS], indexed by
//! the *wheel index* 8 class(r) + j. Eight steps move exactly p bytes, so for primes that hit a
//! block many times the unrolled loop in [`cross`] clears 8 multiples per p bytes with
//! compile-time bit masks.

/// The residues mod 30 coprime to 30, one per bit.
pub(in crate::primes) const RESIDUES: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];
/// RESIDUES[j + 1] - RESIDUES[j] (with RESIDUES[8] = 31).
const GAPS: [usize; 8] = [6, 4, 2, 4, 2, 4, 6, 2];

/// Bit of residue x mod 30, or 8 when x shares a factor with 30.
const BIT_OF: [u8; 30] = {
    let mut t = [8u8; 30];
    let mut b = 0;
    while b < 8 {
        t[RESIDUES[b] as usize] = b as u8;
        b += 1;
    }
    t
};

/// The smallest wheel residue >= x, for x < 30 (30 k + NEXT_RESIDUE[x] is coprime to 30).
const NEXT_RESIDUE: [u64; 30] = {
    let mut t = [0u64; 30];
    let mut x = 0;
    while x < 30 {
        let mut b = 0;
        while RESIDUES[b] < x as u64 {
            b += 1;
        }
        t[x] = RESIDUES[b];
        x += 1;
    }
    t
};

/// One step of a sieving prime p = 30 a + r: clear `mask`'s zero bit, advance a * gap + carry
/// bytes, continue with the next phase of the class.
#[derive(Clone, Copy)]
struct Step {
    carry: u8,
    mask: u8,
}

const STEPS: [Step; 64] = {
    let mut t = [Step { carry: 0, mask: 0 }; 64];
    let mut i = 0;
    while i < 64 {
        let (r, j) = (RESIDUES[i / 8] as usize, i % 8);
        let rest = r * RESIDUES[j] as usize % 30;
        t[i] = Step { carry: ((rest + r * GAPS[j]) / 30) as u8, mask: !(1u8 << BIT_OF[rest]) };
        i += 1;
    }
    t
};

/// For class c, the byte offsets a (RESIDUES[k] - 1) + CARRY[c][k] and masks of the 8 multiples
/// of one wheel turn, relative to the multiple p (30 b + 1).
const CARRY: [[usize; 8]; 8] = {
    let mut t = [[0usize; 8]; 8];
    let mut c = 0;
    while c < 8 {
        let mut k = 0;
        while k < 8 {
            t[c][k] = (RESIDUES[c] * RESIDUES[k] / 30) as usize;
            k += 1;
        }
        c += 1;
    }
    t
};

const MASKS: [[u8; 8]; 8] = {
    let mut t = [[0u8; 8]; 8];
    let mut c = 0;
    while c < 8 {
        let mut k = 0;
        while k < 8 {
            t[c][k] = !(1u8 << BIT_OF[(RESIDUES[c] * RESIDUES[k] % 30) as usize]);
            k += 1;
        }
        c += 1;
    }
    t
};

/// The wheel class (0..8) of a prime p > 5.
#[inline]
pub(super) fn class_of(p: u64) -> usize {
    BIT_OF[(p % 30) as usize] as usize
}

/// The first multiple p q >= max(p^2, 30 start) with q coprime to 30, as (byte index, wheel
/// index); None if it lies beyond u64 byte indices (p > 5).
#[inline]
pub(super) fn first_multiple(p: u64, start: u64) -> Option<(u64, u8)> {
    let q_min = p.max((30 * start).div_ceil(p)); // 30 start <= u64::MAX: start is a byte index
    let q_hi = q_min / 30;
    let w = NEXT_RESIDUE[(q_min % 30) as usize];
    // p q = 30 p q_hi + p w, so the byte is p q_hi + (p w) / 30 (p < 2^32, no overflow there).
    let byte = p.checked_mul(q_hi)?.checked_add(p * w / 30)?;
    Some((byte, (class_of(p) * 8 + BIT_OF[w as usize] as usize) as u8))
}

/// Crosses off the multiples of a prime p = 30 a + RESIDUES[C] in `buf`, from byte `off` at
/// wheel phase `j` (the wheel index is 8 C + j); returns the first offset at or past the end and
/// its phase. The code position stands for the phase (entered through one jump), so each step is
/// one AND with a constant mask and one add. With `TURNS`, whole wheel turns of 8 multiples run
/// without bound checks while they fit.
#[inline(always)]
pub(super) fn cross<const C: usize, const TURNS: bool>(
    buf: &mut [u8],
    a: usize,
    mut off: usize,
    j: usize,
) -> (usize, usize) {
    let len = buf.len();
    let dist = |k: usize| a * GAPS[k] + STEPS[C * 8 + k].carry as usize;
    macro_rules! step {
        ($($k:literal)*) => {$(
            if off >= len {
                return (off, $k);
            }
            buf[off] &= STEPS[C * 8 + $k].mask;
            off += dist($k);
        )*};
    }
    match j {
        0 => {}
        1 => {
            step!(1 2 3 4 5 6 7);
        }
        2 => {
            step!(2 3 4 5 6 7);
        }
        3 => {
            step!(3 4 5 6 7);
        }
        4 => {
            step!(4 5 6 7);
        }
        5 => {
            step!(5 6 7);
        }
        6 => {
            step!(6 7);
        }
        _ => {
            step!(7);
        }
    }
    let p = 30 * a + RESIDUES[C] as usize;
    let o = |k: usize| a * (RESIDUES[k] as usize - 1) + CARRY[C][k];
    let m = &MASKS[C];
    loop {
        if TURNS && len > o(7) {
            let end = len - o(7);
            let ptr = buf.as_mut_ptr();
            while off < end {
                // SAFETY: off + o(k) <= off + o(7) < end + o(7) = len for every k, so each access
                // is inside `buf`.
                unsafe {
                    *ptr.add(off) &= m[0];
                    *ptr.add(off + o(1)) &= m[1];
                    *ptr.add(off + o(2)) &= m[2];
                    *ptr.add(off + o(3)) &= m[3];
                    *ptr.add(off + o(4)) &= m[4];
                    *ptr.add(off + o(5)) &= m[5];
                    *ptr.add(off + o(6)) &= m[6];
                    *ptr.add(off + o(7)) &= m[7];
                }
                off += p;
            }
        }
        step!(0 1 2 3 4 5 6 7);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clears, one by one, the bits of p q for q coprime to 30 from `first` on, below 30 len.
    fn reference(p: u64, first: u64, len: usize) -> Vec<u8> {
        let mut buf = vec![0xffu8; len];
        let mut m = first;
        while m < 30 * len as u64 {
            if [2, 3, 5].iter().all(|&f| !(m / p).is_multiple_of(f)) {
                buf[(m / 30) as usize] &= !(1 << BIT_OF[(m % 30) as usize]);
            }
            m += p;
        }
        buf
    }

    #[test]
    fn both_loops_clear_exactly_the_multiples_coprime_to_30() {
        let len = 5000;
        for p in [7u64, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 97, 101, 211, 1999, 7919] {
            for start in [0u64, 1, 3, 17, 100, 1234] {
                let Some((byte, wi)) = first_multiple(p, start) else { panic!("{p}") };
                let q = (30 * start).div_ceil(p).max(p);
                let q = (q..).find(|q| q % 2 != 0 && q % 3 != 0 && q % 5 != 0).unwrap();
                assert_eq!(byte, p * q / 30, "p {p} start {start}");
                assert_eq!(usize::from(wi) / 8, class_of(p));
                assert_eq!(RESIDUES[usize::from(wi) % 8], q % 30);
                let expect = reference(p, p * q, len);
                let (a, off) = ((p / 30) as usize, byte as usize);
                for small in [false, true] {
                    let mut buf = vec![0xffu8; len];
                    // Two pieces, to check the (offset, wheel index) carried across the cut.
                    let cut = len / 3;
                    let f = |buf: &mut [u8], off, j| match (class_of(p), small) {
                        (0, true) => cross::<0, true>(buf, a, off, j),
                        (1, true) => cross::<1, true>(buf, a, off, j),
                        (2, true) => cross::<2, true>(buf, a, off, j),
                        (3, true) => cross::<3, true>(buf, a, off, j),
                        (4, true) => cross::<4, true>(buf, a, off, j),
                        (5, true) => cross::<5, true>(buf, a, off, j),
                        (6, true) => cross::<6, true>(buf, a, off, j),
                        (7, true) => cross::<7, true>(buf, a, off, j),
                        (0, false) => cross::<0, false>(buf, a, off, j),
                        (1, false) => cross::<1, false>(buf, a, off, j),
                        (2, false) => cross::<2, false>(buf, a, off, j),
                        (3, false) => cross::<3, false>(buf, a, off, j),
                        (4, false) => cross::<4, false>(buf, a, off, j),
                        (5, false) => cross::<5, false>(buf, a, off, j),
                        (6, false) => cross::<6, false>(buf, a, off, j),
                        _ => cross::<7, false>(buf, a, off, j),
                    };
                    let (o, j) = f(&mut buf[..cut], off, usize::from(wi) % 8);
                    assert!(o >= cut);
                    let (o, _) = f(&mut buf[cut..], o - cut, j);
                    assert!(o + cut >= len);
                    assert!(buf == expect, "p {p} start {start} small {small}");
                }
            }
        }
    }

    #[test]
    fn first_multiple_near_the_top_of_u64() {
        let top = u64::MAX / 30;
        for p in [7u64, 4_294_967_291] {
            let (byte, wi) = first_multiple(p, top).unwrap();
            let m = 30 * u128::from(byte) + u128::from(RESIDUES[usize::from(wi) % 8] * p % 30);
            assert!(
                m >= 30 * u128::from(top)
                    && m % u128::from(p) == 0
                    && m < 30 * u128::from(top) + 30 * 7 * u128::from(p)
            );
        }
    }
}
