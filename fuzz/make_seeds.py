#!/usr/bin/env python3
"""Write the seed corpus of the `abi` fuzz target (fuzz/fuzz_targets/abi.rs) to fuzz/seeds/abi/.

Each seed is a short byte string in the target's input format: a thread-count byte, then
operations (an op byte and the op's fields, in the order the target reads them). The encoders
below mirror the target's readers; if the format drifts, the seeds stay valid inputs, only less
targeted ones. Usage: python3 fuzz/make_seeds.py [OUT_DIR]
"""

import hashlib
import os
import struct
import sys

# ---- field encoders (mirror Input in abi.rs) -------------------------------------------------


def u8(v):
    return bytes([v & 0xFF])


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


SPECIAL_F64 = ["nan", "inf", "-inf", "max", "-max", "minpos", "subnormal", "-0", "1e300", "-1e-300"]


def f64v(x, scale=1.0):
    """A moderate value (tag 8 + i16), 0.0 (tag 0), or a special by name (tag 1 + index)."""
    if isinstance(x, str):
        return u8(1) + u8(SPECIAL_F64.index(x))
    if x == 0:
        return u8(0)
    q = round(x / scale * 32768)
    q = max(-32768, min(32767, q))
    return u8(8) + u16(q & 0xFFFF)


def raw_f64(x):
    return u8(6) + u64(struct.unpack("<Q", struct.pack("<d", x))[0])


SPECIAL_N = [0, 1, 2, 3, 4, 25, 49, 561, 1105, 65521, 65536, 4294967291, 4294967295, 4294967296,
             4294967311, 3215031751, 4759123141, 1122004669633, 2152302898747, 3474749660383,
             341550071728321, 3825123056546413051, 18446744030759878681, 18446744065119617025,
             100109100129100369, 2**64 - 59, 2**64 - 2, 2**64 - 1]


def num(n):
    """A u64 for the prime ops: a listed special, else raw (tag 15)."""
    if n in SPECIAL_N:
        return u8(0) + u8(SPECIAL_N.index(n))
    return u8(15) + u64(n)


# place(): 0 NULL, 1 own, 4 misaligned, 5 padded, 6 shared (mode, raw), 7 same buffer
NULL = u8(0)
OWN = u8(1)


def misaligned(by=1):
    return u8(4) + u8(by - 1)


def padded(before, after):
    return u8(5) + u8((after << 2) | before)


def shared(with_arg, mode, raw=0):
    return u8(6) + u8((with_arg << 3) | mode) + u16(raw & 0xFFFF)


def same_as(with_arg):
    return u8(7) + u8(with_arg << 3)


def f64s(mode=2, seed=1, const=0.0, inject=(), scale=1.0):
    """Input array: mode 0 zero, 1 constant, 2 uniform, 3 small ints, 4 with specials, 5 raw."""
    out = u8(mode) + u64(seed) + f64v(const, scale) + u8(len(inject))
    for idx, val in inject:
        out += u16(idx) + f64v(val, scale)
    return out


def nums(mode=2, seed=1, inject=()):
    out = u8(mode) + u64(seed) + u8(len(inject))
    for idx, val in inject:
        out += u16(idx) + num(val)
    return out


def maxiter(v):
    table = {0: 0, 1: 1, 2: 2, 300: 3, 1000: 4, -1: 5, -2**31: 6, 2**31 - 1: 7}
    if v in table:
        return u8(table[v])
    if 0 <= v < 256:
        return u8(8) + u8(v)
    return u8(10) + struct.pack("<i", v)


# ---- ops -----------------------------------------------------------------------------------


def threads(sel):
    return u8(0) + u8(sel)  # 0 1 2 3 4 1025 10^6 usize::MAX


def info(code=None):
    return u8(1) + (u8(0) + struct.pack("<I", code) if code is not None else u8(1))


def grid(rows, cols):
    """grid_dims for small grids (mode 4: 1 + a % 64, 1 + b % 64)."""
    return u8(4) + u8(rows - 1) + u8(cols - 1)


GRID_HUGE = lambda i: u8(0) + u8(i) + u8(0)
GRID_ZERO = u8(1) + u8(0) + u8(3)
GRID_HEAVY = u8(2) + u8(127) + u8(5)  # 128 rows, 256 + 5 cols: the parallel path
GRID_ROW = lambda n: u8(3) + u8((n - 1) >> 8) + u8((n - 1) & 0xFF)


def diffusion(run, dims, d=1.0, dt=0.1, boundary=0, steps=1, places=(OWN, OWN), data=None):
    b = u8(0) if boundary == 0 else u8(3) if boundary == 1 else u8(7) + struct.pack("<I", boundary)
    return (u8(3 if run else 2) + dims + f64v(d, 1.0) + f64v(dt, 0.5) + b + u64(steps)
            + places[0] + places[1] + (data if data is not None else f64s(2, 7, scale=8.0)))


def calc_z(n, it=300, places=(OWN, OWN, OWN), zs=None, book_c=True, huge=None):
    if huge is not None:
        size = u8(0) + u8(huge)
    elif n == 0:
        size = u8(1)
    elif n <= 64:
        size = u8(2) + u8(n - 1)
    else:
        size = u8(9) + u16(n - 1)
    cs = u8(0) if book_c else u8(1) + f64s(2, 3)
    return u8(4) + size + maxiter(it) + b"".join(places) + (zs if zs is not None else f64s(2, 5, scale=2.5)) + cs


def julia_grid(w, h, it=300, book=True, coords=None, place=OWN, huge=None):
    if huge is not None:
        dims = u8(0) + u8(huge) + u8(0)
    elif w == 0 or h == 0:
        dims = u8(1) + u8(0) + u8(3)
    else:
        dims = u8(4) + u8(w - 1) + u8(h - 1)
    if book:
        c = u8(0)
    else:
        c = u8(1) + b"".join(coords)
    return u8(5) + dims + c + maxiter(it) + place


def smallest_factor(n, frm, to, place=OWN):
    return u8(6) + num(n) + u8(4) + num(frm) + u8(4) + num(to) + place


def check_prime(n, place=OWN):
    return u8(7) + num(n) + place


def is_prime(n, place=OWN):
    return u8(8) + num(n) + place


def batch(count, places=(OWN, OWN), data=None, heavy=False, huge=None):
    if huge is not None:
        size = u8(0) + u8(huge)
    elif count == 0:
        size = u8(1)
    elif heavy:
        size = u8(2) + u16(count - 1024)
    elif count <= 64:
        size = u8(3) + u8(count - 1)
    else:
        size = u8(10) + u16(count - 1)
    return u8(9) + size + places[0] + places[1] + (data if data is not None else nums(2, 9))


def rng(lo, length, heavy=False):
    """range(): lo (raw via num), length (u16 mode or heavy)."""
    lo_enc = u8(4) + num(lo)
    if length is None:
        return lo_enc + u8(0) + u16(5)  # empty / reversed
    if heavy:
        return lo_enc + u8(1) + u64(length)
    return lo_enc + u8(8) + u16(length)


def count_primes(lo, length, heavy=False, place=OWN, split=0, hi_raw=0):
    return u8(10) + rng(lo, length, heavy) + u64(hi_raw) + u64(split) + place


def primes_in_range(lo, length, cap_mode=3, cap=0, places=(OWN, OWN), heavy=False, hi_raw=0):
    """cap_mode: 0 size query, 1 cap % 64, 2/7 cap % 4097, 3 exact, 4 exact - 1, 5 exact + cap % 16, 6 huge."""
    return (u8(11) + rng(lo, length, heavy) + u64(hi_raw) + u8(cap_mode) + u16(cap)
            + places[0] + places[1])


# ---- the seeds -----------------------------------------------------------------------------

SEEDS = {
    "meta": threads(0) + threads(5) + threads(1) + info() + info(7) + info(8) + info(2**32 - 1),
    # diffusion
    "evolve-fixed": u8(0) + diffusion(False, grid(8, 8)),
    "evolve-periodic": u8(1) + diffusion(False, grid(16, 5), d=1.0, dt=0.25, boundary=1),
    "evolve-1xN": u8(0) + diffusion(False, GRID_ROW(4), boundary=1, data=f64s(1, 0, 0.25)),
    "evolve-heavy": u8(1) + diffusion(False, GRID_HEAVY, boundary=1),
    "evolve-specials": u8(0) + diffusion(False, grid(6, 7), boundary=1, data=f64s(4, 3, inject=((0, "nan"), (5, "inf")))),
    "evolve-same-buffer": u8(0) + diffusion(False, grid(4, 4), places=(OWN, same_as(0))),
    "evolve-adjacent": u8(0) + diffusion(False, grid(4, 4), places=(OWN, shared(0, 1))),
    "evolve-overlap-last": u8(0) + diffusion(False, grid(4, 4), places=(OWN, shared(0, 3))),
    "evolve-misaligned": u8(0) + diffusion(False, grid(2, 2), places=(OWN, misaligned(1))),
    "evolve-null": u8(0) + diffusion(False, grid(2, 2), places=(NULL, OWN)),
    "evolve-huge": u8(0) + diffusion(False, GRID_HUGE(1)) + diffusion(False, GRID_HUGE(3)),
    "evolve-zero": u8(0) + diffusion(False, GRID_ZERO),
    "evolve-nan-d": u8(0) + diffusion(False, grid(3, 3), d="nan"),
    "evolve-boundary": u8(0) + diffusion(False, grid(3, 3), boundary=2),
    "run-steps": u8(1) + diffusion(True, grid(10, 12), boundary=1, steps=7),
    "run-fixed-odd": u8(2) + diffusion(True, grid(5, 9), boundary=0, steps=3),
    "run-heavy": u8(2) + diffusion(True, GRID_HEAVY, boundary=0, steps=2),
    "run-huge-steps-invalid": u8(0) + diffusion(True, grid(3, 3), d="inf", steps=2**64 - 1),
    "run-padded": u8(0) + diffusion(True, grid(3, 3), steps=2, places=(padded(1, 2), padded(3, 1))),
    # julia
    "calc-z": u8(1) + calc_z(8),
    "calc-z-big": u8(2) + calc_z(1000, it=300),
    "calc-z-shared-inputs": u8(0) + calc_z(16, places=(OWN, same_as(0), OWN)),
    "calc-z-out-in-zs": u8(0) + calc_z(16, places=(OWN, OWN, shared(0, 4, 3))),
    "calc-z-empty-null": u8(0) + calc_z(0, places=(NULL, NULL, NULL)),
    "calc-z-huge": u8(0) + calc_z(0, huge=1),
    "calc-z-nan": u8(0) + calc_z(4, zs=f64s(2, 1, inject=((3, "nan"),), scale=2.5)),
    "calc-z-maxiter-max": u8(0) + calc_z(4, it=2**31 - 1, zs=f64s(1, 0, 3.0, scale=4.0)),
    "grid-book": u8(3) + julia_grid(64, 64),
    "grid-row": u8(1) + julia_grid(64, 1, it=1000),
    "grid-coords": u8(0) + julia_grid(7, 5, it=50, book=False,
                                     coords=[f64v(-2.0, 2.0), f64v(2.0, 2.0), f64v(-1.0, 2.0), f64v(1.0, 2.0),
                                             f64v(-0.8, 1.0), f64v(0.156, 1.0)]),
    "grid-overflowing-coords": u8(0) + julia_grid(9, 9, book=False,
                                                 coords=[f64v("-max"), f64v("max"), f64v("-max"), f64v("max"),
                                                         f64v(0.25), f64v(0.0)]),
    "grid-huge": u8(0) + julia_grid(0, 0, huge=0) + julia_grid(0, 0, huge=2),
    "grid-zero": u8(0) + julia_grid(0, 3),
    "grid-misaligned": u8(0) + julia_grid(3, 3, place=misaligned(2)),
    # primes
    "factor-book": u8(1) + smallest_factor(112272535095295, 2, 2**64 - 1) + smallest_factor(112272535095295, 6, 10595873),
    "factor-cofactor": u8(2) + smallest_factor(100109100129101027, 171656942, 2**64 - 1),
    "factor-top": u8(0) + smallest_factor(2**64 - 1, 6, 2**64 - 1) + smallest_factor(0, 7, 8),
    "factor-null": u8(0) + smallest_factor(2**64 - 59, 2, 2**64 - 1, place=NULL),
    "factor-misaligned": u8(0) + smallest_factor(15, 2, 10, place=misaligned(3)),
    "check-prime": u8(1) + check_prime(1000000007) + check_prime(4294967291) + check_prime(18446744030759878681),
    "check-prime-null": u8(0) + check_prime(2**64 - 59, place=NULL),
    "is-prime": u8(0) + is_prime(3825123056546413051) + is_prime(2**64 - 59) + is_prime(1) + is_prime(4759123141),
    "batch": u8(1) + batch(64),
    "batch-heavy": u8(2) + batch(2000, heavy=True),
    "batch-specials": u8(0) + batch(40, data=nums(4, 2)),
    "batch-overlap": u8(0) + batch(8, places=(OWN, same_as(0))),
    "batch-huge": u8(0) + batch(0, huge=1),
    "count": u8(0) + count_primes(0, 1000, split=500),
    "count-top": u8(1) + count_primes(2**64 - 4000, 4000, split=77),
    "count-heavy": u8(2) + count_primes(10**12, 10**6, heavy=True, split=12345),
    "count-2^32": u8(1) + count_primes(2**32 - 2000, 4000, split=2000),
    "count-null-huge": u8(0) + count_primes(0, 10, place=NULL, hi_raw=2**64 - 1, split=0),
    "range-exact": u8(1) + primes_in_range(0, 4000, cap_mode=3),
    "range-short-by-one": u8(0) + primes_in_range(1000, 2000, cap_mode=4),
    "range-query": u8(0) + primes_in_range(0, 30, cap_mode=0, places=(NULL, OWN)),
    "range-top": u8(2) + primes_in_range(2**64 - 3000, 3000, cap_mode=5, cap=3),
    "range-heavy": u8(2) + primes_in_range(2**40, 10**6, cap_mode=3, heavy=True),
    "range-written-inside": u8(0) + primes_in_range(0, 100, cap_mode=3, places=(OWN, shared(0, 4, 2))),
    "range-written-adjacent": u8(0) + primes_in_range(0, 100, cap_mode=3, places=(OWN, shared(0, 1))),
    "range-huge-cap": u8(0) + primes_in_range(0, 100, cap_mode=6, cap=1),
    "range-empty": u8(0) + primes_in_range(50, None, cap_mode=2, cap=9),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "abi")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
