//! The input format: [`Input`] reads fields from the fuzzer's bytes, [`Encoder`] writes the same
//! fields for the seeds (each writer beside the reader it mirrors; the tests below decode what
//! every writer encodes).

use hpkern_testkit::Rng;

/// The fuzzer's bytes, read front to back; missing bytes read as 0, so every byte string is a
/// valid input.
pub struct Input<'a> {
    d: &'a [u8],
    p: usize,
}

pub const SPECIAL_F64: [f64; 10] =
    [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 5e-324, -0.0, 1e300, -1e-300];

/// Primality edge cases: small, squares of primes, Carmichael numbers, strong pseudoprimes at
/// the limits of Miller-Rabin base sets, primes and squares near 2^32 and 2^64.
pub const SPECIAL_N: [u64; 28] = [
    0,
    1,
    2,
    3,
    4,
    25,
    49,
    561,
    1105,
    65_521,
    65_536,
    4_294_967_291,
    4_294_967_295,
    4_294_967_296,
    4_294_967_311,
    3_215_031_751,
    4_759_123_141,
    1_122_004_669_633,
    2_152_302_898_747,
    3_474_749_660_383,
    341_550_071_728_321,
    3_825_123_056_546_413_051,
    18_446_744_030_759_878_681, // 4294967291^2
    18_446_744_065_119_617_025, // (2^32 - 1)^2
    100_109_100_129_100_369,
    u64::MAX - 58, // the largest 64-bit prime
    u64::MAX - 1,
    u64::MAX,
];

/// What `maxiter` tags 0..=7 decode to; 8 and 9 read a byte, 10 and 11 an i32.
const MAXITER: [i32; 8] = [0, 1, 2, 300, 1000, -1, i32::MIN, i32::MAX];

/// Where a pointer argument points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Null,
    /// Its own allocation: `pad_before` / `pad_after` canary elements around the region, and the
    /// start moved by `1 + (misalign - 1) % (align - 1)` bytes when `misalign > 0`.
    Own {
        pad_before: usize,
        misalign: usize,
        pad_after: usize,
    },
    /// Inside argument `with`'s allocation, at an offset chosen by `mode` (see `Bufs::build`).
    Shared {
        with: usize,
        mode: u8,
        raw: i16,
    },
}

impl Place {
    /// Its own exact-size allocation.
    pub const OWN: Place = Place::Own { pad_before: 0, misalign: 0, pad_after: 0 };
}

impl<'a> Input<'a> {
    pub fn new(d: &'a [u8]) -> Self {
        Input { d, p: 0 }
    }
    pub fn done(&self) -> bool {
        self.p >= self.d.len()
    }
    /// Bytes read so far (past the end counts too).
    pub fn position(&self) -> usize {
        self.p
    }
    pub fn u8(&mut self) -> u8 {
        let b = self.d.get(self.p).copied().unwrap_or(0);
        self.p = self.p.saturating_add(1);
        b
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    pub fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | u64::from(self.u32()) << 32
    }

    /// A double: a special value, raw bits, or a moderate value in [-scale, scale].
    pub fn f64v(&mut self, scale: f64) -> f64 {
        let tag = self.u8();
        match tag % 16 {
            0 => 0.0,
            1..=5 => SPECIAL_F64[usize::from(self.u8()) % SPECIAL_F64.len()],
            6 => f64::from_bits(self.u64()),
            7 => f64::from(self.u8()) / 8.0,
            _ => f64::from(self.u16() as i16) / 32768.0 * scale,
        }
    }

    /// A u64 for the prime functions: edge cases, small, near powers of two, products, raw.
    pub fn num(&mut self) -> u64 {
        let tag = self.u8();
        match tag % 16 {
            0 => SPECIAL_N[usize::from(self.u8()) % SPECIAL_N.len()],
            1 => u64::from(self.u8()),
            2 => u64::from(self.u16()),
            3 => u64::from(self.u32()),
            4 => {
                // 2^k + delta, delta in [-128, 127]
                let k = self.u8() % 64;
                let delta = i64::from(self.u8() as i8);
                (1u64 << k).wrapping_add(delta as u64)
            }
            5 => u64::MAX - u64::from(self.u16()),
            6 => {
                // a product of two numbers below 2^32 (a near-square if they are close)
                let a = u64::from(self.u32());
                let b = a.wrapping_add(u64::from(self.u16()));
                a.wrapping_mul(b)
            }
            7 => {
                // a square, a prime square or a square +- 1 (isqrt edges)
                let r = u64::from(self.u32());
                r.wrapping_mul(r).wrapping_add(u64::from(self.u8() % 3)).wrapping_sub(1)
            }
            8 => u64::from(self.u32()) | 1 << 39,
            _ => self.u64(),
        }
    }

    pub fn maxiter(&mut self) -> i32 {
        match self.u8() % 12 {
            t @ 0..=7 => MAXITER[usize::from(t)],
            8 | 9 => i32::from(self.u8()),
            _ => self.u32() as i32,
        }
    }

    /// Where pointer argument number `idx` points (see the crate docs).
    pub fn place(&mut self, idx: usize) -> Place {
        let tag = self.u8();
        match tag % 8 {
            0 => Place::Null,
            1..=3 => Place::OWN,
            4 => Place::Own { pad_before: 0, misalign: usize::from(self.u8()) + 1, pad_after: 0 },
            5 => {
                let b = self.u8();
                Place::Own { pad_before: usize::from(b % 4), misalign: 0, pad_after: usize::from((b >> 2) % 4) }
            }
            t => {
                let sel = self.u8();
                if idx == 0 {
                    return Place::OWN;
                }
                let with = usize::from(sel >> 3) % idx;
                if t == 7 {
                    Place::Shared { with, mode: 0, raw: 0 } // the same buffer
                } else {
                    Place::Shared { with, mode: sel % 8, raw: self.u16() as i16 }
                }
            }
        }
    }

    /// `n` doubles: a pattern (zero, constant, uniform in [-scale, scale], small integers,
    /// uniform with specials sprinkled, raw bits) plus up to 4 injected values.
    pub fn f64s(&mut self, n: usize, scale: f64) -> Vec<f64> {
        let mode = self.u8() % 6;
        let mut rng = Rng::new(self.u64());
        let constant = self.f64v(scale);
        let mut v: Vec<f64> = (0..n)
            .map(|_| match mode {
                0 => 0.0,
                1 => constant,
                2 => rng.unit() * 2.0 * scale - scale,
                3 => (rng.next_u64() % 17) as f64 - 8.0,
                4 => {
                    if rng.next_u64().is_multiple_of(64) {
                        SPECIAL_F64[(rng.next_u64() % SPECIAL_F64.len() as u64) as usize]
                    } else {
                        rng.unit() * 2.0 * scale - scale
                    }
                }
                _ => f64::from_bits(rng.next_u64()),
            })
            .collect();
        for _ in 0..self.u8() % 5 {
            let i = usize::from(self.u16());
            let x = self.f64v(scale);
            if n > 0 {
                v[i % n] = x;
            }
        }
        v
    }

    /// `n` numbers for the batch primality test.
    pub fn nums(&mut self, n: usize) -> Vec<u64> {
        let mode = self.u8() % 5;
        let mut rng = Rng::new(self.u64());
        let mut v: Vec<u64> = (0..n)
            .map(|_| match mode {
                0 => rng.next_u64() % 65_536,
                1 => rng.next_u64() >> 32,
                2 => rng.next_u64(),
                3 => rng.next_u64() | 1,
                _ => SPECIAL_N[(rng.next_u64() % SPECIAL_N.len() as u64) as usize].wrapping_add(rng.next_u64() % 3),
            })
            .collect();
        for _ in 0..self.u8() % 5 {
            let i = usize::from(self.u16());
            let x = self.num();
            if n > 0 {
                v[i % n] = x;
            }
        }
        v
    }
}

/// A double field as the seeds give it.
#[derive(Clone, Copy, Debug)]
pub enum F64 {
    /// Written as a moderate value (tag 8, a 16-bit fraction of the scale), 0.0 as tag 0.
    Value(f64),
    /// An entry of [`SPECIAL_F64`], by value (NaN matches NaN).
    Special(f64),
    /// Raw bits (tag 6).
    Bits(u64),
}

/// Writes the fields [`Input`] reads, one method per reader.
#[derive(Default)]
pub struct Encoder {
    pub bytes: Vec<u8>,
}

impl Encoder {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.bytes.push(v);
        self
    }
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.bytes.extend(v.to_le_bytes());
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.bytes.extend(v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes.extend(v.to_le_bytes());
        self
    }

    /// For [`Input::f64v`] with the same `scale`.
    pub fn f64v(&mut self, x: F64, scale: f64) -> &mut Self {
        match x {
            F64::Value(0.0) => self.u8(0),
            F64::Value(v) => {
                let q = (v / scale * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
                self.u8(8).u16(q as u16)
            }
            F64::Special(v) => {
                let i = SPECIAL_F64
                    .iter()
                    .position(|s| s.to_bits() == v.to_bits() || (s.is_nan() && v.is_nan()))
                    .unwrap_or_else(|| panic!("{v} is not in SPECIAL_F64"));
                self.u8(1).u8(i as u8)
            }
            F64::Bits(b) => self.u8(6).u64(b),
        }
    }

    /// For [`Input::num`]: an entry of [`SPECIAL_N`] by index, else the raw value.
    pub fn num(&mut self, n: u64) -> &mut Self {
        match SPECIAL_N.iter().position(|&s| s == n) {
            Some(i) => self.u8(0).u8(i as u8),
            None => self.u8(15).u64(n),
        }
    }

    /// For [`Input::maxiter`].
    pub fn maxiter(&mut self, v: i32) -> &mut Self {
        match MAXITER.iter().position(|&m| m == v) {
            Some(t) => self.u8(t as u8),
            None if (0..256).contains(&v) => self.u8(8).u8(v as u8),
            None => self.u8(10).u32(v as u32),
        }
    }

    /// For [`Input::place`] of an argument after argument `with` (Shared) or of any argument.
    pub fn place(&mut self, p: Place) -> &mut Self {
        match p {
            Place::Null => self.u8(0),
            Place::Own { pad_before: 0, misalign: 0, pad_after: 0 } => self.u8(1),
            Place::Own { pad_before: 0, misalign, pad_after: 0 } => {
                assert!((1..=256).contains(&misalign), "misalign {misalign}");
                self.u8(4).u8((misalign - 1) as u8)
            }
            Place::Own { pad_before, misalign: 0, pad_after } => {
                assert!(pad_before < 4 && pad_after < 4, "padding {pad_before}, {pad_after}");
                self.u8(5).u8((pad_after << 2 | pad_before) as u8)
            }
            Place::Own { .. } => panic!("{p:?}: padding and misalignment together are not in the format"),
            Place::Shared { with, mode: 0, raw: 0 } => self.u8(7).u8((with << 3) as u8),
            Place::Shared { with, mode, raw } => {
                assert!(mode < 8 && with < 32, "{p:?}");
                self.u8(6).u8((with << 3) as u8 | mode).u16(raw as u16)
            }
        }
    }

    /// For [`Input::f64s`]: pattern `mode`, generator seed, constant, injected (index, value).
    pub fn f64s(&mut self, mode: u8, seed: u64, constant: F64, inject: &[(u16, F64)], scale: f64) -> &mut Self {
        self.u8(mode).u64(seed).f64v(constant, scale).u8(inject.len() as u8);
        for &(i, x) in inject {
            self.u16(i).f64v(x, scale);
        }
        self
    }

    /// For [`Input::nums`]: pattern `mode`, generator seed, injected (index, value).
    pub fn nums(&mut self, mode: u8, seed: u64, inject: &[(u16, u64)]) -> &mut Self {
        self.u8(mode).u64(seed).u8(inject.len() as u8);
        for &(i, n) in inject {
            self.u16(i).num(n);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decode what `write` encodes with `read`, checking every byte is read.
    fn round_trip<T>(write: impl FnOnce(&mut Encoder), read: impl FnOnce(&mut Input) -> T) -> T {
        let mut e = Encoder::default();
        write(&mut e);
        let mut inp = Input::new(&e.bytes);
        let v = read(&mut inp);
        assert_eq!(inp.position(), e.bytes.len(), "read {} of {} bytes", inp.position(), e.bytes.len());
        v
    }

    #[test]
    fn every_writer_is_read_back() {
        for (x, scale, want) in [
            (F64::Value(0.0), 1.0, 0.0),
            (F64::Value(0.25), 1.0, 0.25),
            (F64::Value(-2.0), 2.0, -2.0),
            (F64::Special(f64::INFINITY), 1.0, f64::INFINITY),
            (F64::Special(-f64::MAX), 1.0, -f64::MAX),
            (F64::Bits(0.1f64.to_bits()), 1.0, 0.1),
        ] {
            assert_eq!(round_trip(|e| _ = e.f64v(x, scale), |i| i.f64v(scale)), want, "{x:?}");
        }
        assert!(round_trip(|e| _ = e.f64v(F64::Special(f64::NAN), 1.0), |i| i.f64v(1.0)).is_nan());
        for n in [0, 7, 561, 1 << 40, u64::MAX - 58, u64::MAX, 12_345_678_901] {
            assert_eq!(round_trip(|e| _ = e.num(n), |i| i.num()), n);
        }
        for m in [0, 2, 300, -1, i32::MIN, i32::MAX, 77, 255, 256, 50_000, -7] {
            assert_eq!(round_trip(|e| _ = e.maxiter(m), |i| i.maxiter()), m);
        }
        for p in [
            Place::Null,
            Place::OWN,
            Place::Own { pad_before: 0, misalign: 3, pad_after: 0 },
            Place::Own { pad_before: 2, misalign: 0, pad_after: 3 },
            Place::Shared { with: 0, mode: 0, raw: 0 },
            Place::Shared { with: 1, mode: 4, raw: -3 },
            Place::Shared { with: 0, mode: 1, raw: 0 },
        ] {
            assert_eq!(round_trip(|e| _ = e.place(p), |i| i.place(2)), p);
        }
        let v = round_trip(|e| _ = e.f64s(1, 5, F64::Value(0.5), &[(2, F64::Value(-1.0))], 2.0), |i| i.f64s(4, 2.0));
        assert_eq!(v, [0.5, 0.5, -1.0, 0.5]);
        let v = round_trip(|e| _ = e.nums(0, 9, &[(5, 561)]), |i| i.nums(3));
        assert!(v[2] == 561 && v[0] < 65_536 && v[1] < 65_536);
    }
}
