//! The mod-210 wheel of trial division: the candidate divisors d of n, by their residue mod
//! 2 * 3 * 5 * 7, skipping those that share a factor with 210 that n lacks. (The sieve's wheel,
//! `sieve::wheel30`, is another thing: a byte layout of the numbers coprime to 30.)

/// The wheel's period: 2 * 3 * 5 * 7. Of every 210 consecutive integers only 48 are coprime to
/// it, 14% fewer candidates than a mod-30 wheel (8 of 30), and 48 fills six 8-lane vectors.
pub(super) const WHEEL_MODULUS: u64 = 210;

/// The residues d mod 210 that can divide n: d | n implies gcd(d, 210) | n, so e.g. an odd n
/// skips even d, and n coprime to 210 tests only the 48 residues coprime to 210.
#[derive(Clone, Copy, Debug)]
pub(super) struct Wheel210 {
    residues: [u8; WHEEL_MODULUS as usize],
    len: usize,
}

const fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// The wheel for each combination of "2 | n", "3 | n", "5 | n", "7 | n" (bits 0 to 3 of the
/// index), built at compile time: picking one costs four divisions by constants, not 210 gcds.
static WHEELS: [Wheel210; 16] = {
    const M: usize = WHEEL_MODULUS as usize;
    let mut wheels = [Wheel210 { residues: [0; M], len: 0 }; 16];
    let primes = [2, 3, 5, 7];
    let mut flags = 0;
    while flags < 16 {
        let mut r = 0;
        while r < M {
            let g = gcd(r as u64, WHEEL_MODULUS);
            let mut allowed = true;
            let mut i = 0;
            while i < 4 {
                if g.is_multiple_of(primes[i]) && flags & (1 << i) == 0 {
                    allowed = false;
                }
                i += 1;
            }
            if allowed {
                wheels[flags].residues[wheels[flags].len] = r as u8;
                wheels[flags].len += 1;
            }
            r += 1;
        }
        flags += 1;
    }
    wheels
};

impl Wheel210 {
    /// The wheel of the candidates for divisors of `n` (n = 0: every residue).
    pub(super) fn for_n(n: u64) -> Wheel210 {
        let flags = usize::from(n.is_multiple_of(2))
            | usize::from(n.is_multiple_of(3)) << 1
            | usize::from(n.is_multiple_of(5)) << 2
            | usize::from(n.is_multiple_of(7)) << 3;
        WHEELS[flags]
    }

    /// The candidate residues mod [`WHEEL_MODULUS`], ascending.
    pub(super) fn residues(&self) -> &[u8] {
        &self.residues[..self.len]
    }

    /// How many of every 210 consecutive integers are candidates.
    #[cfg(test)]
    pub(super) fn density(&self) -> usize {
        self.len
    }

    /// Calls `f` on every candidate in [x0, x1), ascending, until `f` returns false.
    #[inline]
    pub(super) fn for_each(&self, x0: u64, x1: u64, mut f: impl FnMut(u64) -> bool) {
        if x0 >= x1 {
            return;
        }
        let residues = self.residues();
        let mut base = x0 - x0 % WHEEL_MODULUS;
        loop {
            let end = base.checked_add(WHEEL_MODULUS);
            if base >= x0 && end.is_some_and(|e| e <= x1) {
                // Whole period inside the range: no bound checks, no overflow.
                for &r in residues {
                    if !f(base + u64::from(r)) {
                        return;
                    }
                }
            } else {
                // Partial period at either end; u128 because base + 209 may pass u64::MAX.
                for &r in residues {
                    let d = u128::from(base) + u128::from(r);
                    if d >= u128::from(x0) && d < u128::from(x1) && !f(d as u64) {
                        return;
                    }
                }
            }
            match end {
                Some(e) if e < x1 => base = e,
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_keeps_exactly_the_residues_that_can_divide() {
        assert_eq!(Wheel210::for_n(11).density(), 48);
        assert_eq!(Wheel210::for_n(7).density(), 56); // odd, multiple of 7 only: coprime to 30
        assert_eq!(Wheel210::for_n(9).density(), 72); // odd, multiple of 3 only: coprime to 70
        assert_eq!(Wheel210::for_n(2).density(), 96);
        assert_eq!(Wheel210::for_n(30).density(), 180); // every residue but the multiples of 7
        assert_eq!(Wheel210::for_n(210).density(), 210);
        assert_eq!(Wheel210::for_n(0).density(), 210);
        for n in [1u64, 2, 3, 5, 6, 7, 10, 14, 15, 30, 35, 49, 77, 105, 210, 0] {
            let w = Wheel210::for_n(n);
            let mut seen = Vec::new();
            w.for_each(0, 505, |d| {
                seen.push(d);
                true
            });
            let expected: Vec<u64> = (0..505).filter(|&d| n % gcd(d, 210) == 0).collect();
            assert_eq!(seen, expected, "n = {n}");
        }
    }

    #[test]
    fn wheel_iterates_partial_blocks_up_to_u64_max() {
        let w = Wheel210::for_n(1); // residues coprime to 210
        let mut seen = Vec::new();
        w.for_each(u64::MAX - 500, u64::MAX, |d| {
            seen.push(d);
            true
        });
        let expected: Vec<u64> = (u64::MAX - 500..u64::MAX).filter(|&d| gcd(d, 210) == 1).collect();
        assert_eq!(seen, expected);
        let mut count = 0;
        w.for_each(5, 12, |_| {
            count += 1;
            count < 1
        });
        assert_eq!(count, 1, "stops when f returns false");
    }
}
