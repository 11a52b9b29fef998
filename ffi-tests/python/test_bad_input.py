"""Bad input through both backends, in one table: bad values, sizes, overlap and alignment,
wherever they are caught, and the valid edge cases next to them.

Each row is (id, call, expectation, buffers). The expectation is one of

- a status name ("HPK_ERR_OVERLAP"): the library rejects the call, the backend raises
  hpkern.HpkError whose ``.status`` is that number in include/hpkern.h, with a non-empty detail;
- an exception type (TypeError, ValueError, OverflowError): raised in Python before any call;
- ``Ok(value)`` or ``Ok(check=...)``: a valid edge case and its exact result.

``buffers`` builds the arrays the call receives (grids, ``out=``, ``scratch=``, zs, cs, numbers,
and the whole memory behind overlapping or misaligned views); outputs start as a canary. After
any error every buffer must be byte-for-byte unchanged, and the thread-count setting too.

test_errors.py keeps the type and layout validation (dtype, ndim, strides, read-only, lists) and
the wording of error messages; this file holds every bad value.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
import pytest
from conftest import HEADER_INFO

import hpkern

HEADER_DEFINES = HEADER_INFO.defines
NAN, INF = float("nan"), float("inf")
NON_FINITE = [("nan", NAN), ("-nan", -NAN), ("inf", INF), ("-inf", -INF), ("np-nan", np.float64("nan"))]
U64_MAX = 2**64 - 1
#: Primes just below 2^64, as 2^64 - k (checked by a reference below).
PRIMES_BELOW_2_64 = [2**64 - k for k in (95, 83, 59)]

SIZE, INVALID, OVERLAP = "HPK_ERR_INVALID_SIZE", "HPK_ERR_INVALID_ARGUMENT", "HPK_ERR_OVERLAP"

F64_CANARY = 0x7FF4_DEAD_BEEF_0001  # a signalling-NaN bit pattern no kernel produces


def canary(shape, order="C"):
    """A float64 array of ``shape`` filled with the canary bit pattern."""
    return np.full(shape, F64_CANARY, dtype=np.uint64, order=order).view(np.float64)


def values(shape=(4, 5), order="C"):
    """Grid values, multiples of 1/4: with d*dt = 1/8 every step is exact."""
    n = int(np.prod(shape))
    return np.asarray(((np.arange(n) * 7 + 3) % 13) * 0.25 - 1.0).reshape(shape, order=order)


def misaligned(dtype, count, offset):
    """A writable C-contiguous array of ``count`` ``dtype`` items starting ``offset`` bytes into
    an 8-aligned buffer (returns the view and the buffer behind it)."""
    itemsize = np.dtype(dtype).itemsize
    memory = np.zeros(count * itemsize + 16, dtype=np.uint8)
    assert memory.ctypes.data % 8 == 0
    view = memory[offset:offset + count * itemsize].view(dtype)
    assert view.flags.c_contiguous and not view.flags.aligned
    return view, memory


def reference_is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for n < 2^64."""
    if n < 2:
        return False
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    for p in bases:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def diffusion_reference(grid, d, dt, boundary="fixed"):
    """One step of the header's formula on a 2-D array (as numpy's np.roll form for periodic)."""
    g = np.asarray(grid)
    lap = (np.roll(g, 1, 0) + np.roll(g, -1, 0) + np.roll(g, 1, 1) + np.roll(g, -1, 1) - 4 * g)
    out = g + d * dt * lap
    if boundary == "fixed":
        out[0, :], out[-1, :], out[:, 0], out[:, -1] = g[0, :], g[-1, :], g[:, 0], g[:, -1]
    return out


class Ok:
    """A valid call: its result equals ``value`` exactly (dtype and shape for arrays), or
    ``check(result, buffers)`` holds."""

    def __init__(self, value: Any = None, check: Callable | None = None):
        self.value, self.check = value, check

    def verify(self, result, buffers):
        if self.check is not None:
            self.check(result, buffers)
        elif isinstance(self.value, np.ndarray):
            assert isinstance(result, np.ndarray)
            assert result.dtype == self.value.dtype and result.shape == self.value.shape, result
            assert np.array_equal(result, self.value), result
        else:
            assert type(result) is type(self.value) and result == self.value, result


class Case(NamedTuple):
    id: str
    call: Callable  # (backend module, buffers) -> result
    expect: Any  # status name | exception type | Ok
    buffers: Callable = dict
    fragment: str = ""  # in the library's detail, or in the Python exception's text


CASES: list[Case] = []


def case(id, call, expect, buffers=dict, fragment=""):
    CASES.append(Case(id, call, expect, buffers, fragment))


# ---------------------------------------------------------------------------------------------
# Diffusion: evolve(grid, out) and run(grid, steps, scratch=) share every class.


def diffusion_rows(kind):
    second = "out" if kind == "evolve" else "scratch"

    def call(h, b, grid="grid", other=second, steps=1, **kw):
        g, o = b[grid], b[other]
        return h.evolve(g, o, **kw) if kind == "evolve" else h.run(g, steps, scratch=o, **kw)

    def two(shape=(4, 5), order="C"):
        return lambda: {"grid": values(shape, order), second: canary(shape, order)}

    # Zero dimensions (an empty array is C-contiguous whatever its order, so never transposed).
    for shape, order, fragment in [((0, 3), "C", "0 x 3"), ((3, 0), "C", "3 x 0"), ((0, 0), "C", "0 x 0"),
                                   ((0, 3), "F", "0 x 3")]:
        case(f"{kind}-zero-{shape[0]}x{shape[1]}-{order}", call, SIZE, two(shape, order), fragment)
    # Dimensions too large for any buffer: only as a broadcast view, which is not contiguous.
    huge = lambda: {"grid": np.broadcast_to(np.zeros(1), (2**20, 2**20)),  # noqa: E731
                    second: canary((4, 5))}
    case(f"{kind}-huge-broadcast-view", call, ValueError, huge, "C- or Fortran-contiguous")
    # Non-finite d and dt.
    for name, v in NON_FINITE:
        case(f"{kind}-d-{name}", lambda h, b, v=v: call(h, b, d=v), INVALID, two(), "d must be finite")
        case(f"{kind}-dt-{name}", lambda h, b, v=v: call(h, b, dt=v, boundary="periodic"), INVALID, two(),
             "dt must be finite")
    # Unknown boundaries: ints the library refuses, ints that do not fit uint32_t.
    for boundary in (2, 3, 7, 0x8000_0000, 2**32 - 1, np.uint32(5), np.int64(2)):
        case(f"{kind}-boundary-{boundary!r}", lambda h, b, x=boundary: call(h, b, boundary=x), INVALID, two(),
             f"unknown boundary {int(boundary)}")
    for boundary in (-1, 2**32, 2**64):
        case(f"{kind}-boundary-{boundary}", lambda h, b, x=boundary: call(h, b, boundary=x), OverflowError, two(),
             "boundary must fit uint32_t")
    # Identical and partially overlapping arrays (views of one memory), both directions.
    case(f"{kind}-{second}-is-grid", lambda h, b: call(h, b, other="grid"), OVERLAP, two(), "overlap")
    case(f"{kind}-{second}-is-grid-fortran", lambda h, b: call(h, b, other="grid"), OVERLAP, two(order="F"),
         "overlap")
    for offset in (1, 10, 19):
        for first, later in (("grid", second), (second, "grid")):
            def shared(first=first, later=later, offset=offset):
                memory = values((40,))
                return {"memory": memory, first: memory[:20].reshape(4, 5),
                        later: memory[offset:offset + 20].reshape(4, 5)}
            case(f"{kind}-{later}-starts-{offset}-into-{first}", call, OVERLAP, shared, "overlap")
    # Misaligned arrays.
    for offset in (1, 4, 7):
        for which in ("grid", second):
            def skewed(which=which, offset=offset):
                view, memory = misaligned(np.float64, 20, offset)
                view[...] = values((20,))
                other = "grid" if which == second else second
                return {"memory": memory, which: view.reshape(4, 5), other: canary((4, 5))}
            case(f"{kind}-{which}-misaligned-by-{offset}", call, INVALID, skewed, "misaligned")

    # Valid: adjacent (disjoint) views of one memory, exact values; d = 0 changes nothing.
    def adjacent():
        memory = np.concatenate([values((20,)), canary((20,))])
        return {"memory": memory, "grid": memory[:20].reshape(4, 5), second: memory[20:].reshape(4, 5)}

    def adjacent_check(result, b):
        want = diffusion_reference(values(), 1.0, 0.125)
        assert np.array_equal(result, want)
        if kind == "evolve":
            assert result is b["out"] and np.array_equal(b["memory"][20:], want.ravel())
            assert np.array_equal(b["grid"], values()), "grid changed"
        else:
            assert result is b["grid"] and np.array_equal(b["memory"][:20], want.ravel())

    case(f"{kind}-valid-adjacent-views", lambda h, b: call(h, b, d=1.0, dt=0.125), Ok(check=adjacent_check),
         adjacent)
    case(f"{kind}-valid-d-zero", lambda h, b: call(h, b, d=0.0),
         Ok(check=lambda r, b: np.testing.assert_array_equal(r.view(np.uint64), values().view(np.uint64))), two())
    case(f"{kind}-valid-negative-d-periodic", lambda h, b: call(h, b, d=-2.0, dt=0.125, boundary="periodic"),
         Ok(check=lambda r, b: np.testing.assert_array_equal(
             r, diffusion_reference(values(), -2.0, 0.125, "periodic"))), two())
    case(f"{kind}-valid-1x1", call, Ok(check=lambda r, b: np.testing.assert_array_equal(r, [[-0.25]])),
         two((1, 1)))

    if kind == "run":
        case("run-steps--1", lambda h, b: call(h, b, steps=-1), OverflowError, two(), "steps must fit uint64_t")
        case("run-steps-2**64", lambda h, b: call(h, b, steps=2**64), OverflowError, two(),
             "steps must fit uint64_t")
        case("run-steps-max-with-nan-d-returns-at-once", lambda h, b: call(h, b, steps=U64_MAX, d=NAN), INVALID,
             two(), "d must be finite")
        case("run-steps-max-with-overlap-returns-at-once",
             lambda h, b: call(h, b, other="grid", steps=U64_MAX), OVERLAP, two(), "overlap")
        case("run-valid-steps-0", lambda h, b: call(h, b, steps=0),
             Ok(check=lambda r, b: np.testing.assert_array_equal(r, values())), two())


diffusion_rows("evolve")
diffusion_rows("run")

# ---------------------------------------------------------------------------------------------
# Julia set.

for w, h in ((0, 4), (4, 0), (0, 0)):
    case(f"julia-grid-zero-{w}x{h}", lambda m, b, w=w, h=h: m.julia_grid(w, h), SIZE, fragment=f"{w} x {h}")
for w, h in ((2**32, 2**32), (U64_MAX, 1)):
    # size_t-sized but too big for numpy's output array: refused before the call.
    case(f"julia-grid-huge-{w}x{h}", lambda m, b, w=w, h=h: m.julia_grid(w, h), ValueError)
for name, args in (("width--1", (-1, 4)), ("height--1", (4, -1)), ("width-2**64", (2**64, 1))):
    fragment = "width must fit size_t" if name.startswith("width") else "height must fit size_t"
    case(f"julia-grid-{name}", lambda m, b, a=args: m.julia_grid(*a), OverflowError, fragment=fragment)
for maxiter in (-1, -300, -(2**31)):
    case(f"julia-grid-maxiter-{maxiter}", lambda m, b, x=maxiter: m.julia_grid(4, 4, maxiter=x), INVALID,
         fragment=f"maxiter must be >= 0, got {maxiter}")
    case(f"calculate-z-maxiter-{maxiter}", lambda m, b, x=maxiter: m.calculate_z(b["zs"], b["cs"], x), INVALID,
         lambda: {"zs": np.full(3, 0.1 + 0.2j), "cs": np.full(3, 0.3j)}, "maxiter")
case("julia-grid-maxiter-2**31", lambda m, b: m.julia_grid(4, 4, maxiter=2**31), OverflowError,
     fragment="maxiter must fit int32_t (-2147483648..2147483647), got 2147483648")
case("calculate-z-maxiter-below-int32", lambda m, b: m.calculate_z([0j], 0j, -(2**31) - 1), OverflowError,
     fragment="maxiter must fit int32_t")
for name, v in NON_FINITE:
    for coordinate in ("x1", "x2", "y1", "y2"):
        case(f"julia-grid-{coordinate}-{name}", lambda m, b, c=coordinate, v=v: m.julia_grid(4, 4, **{c: v}),
             INVALID, fragment=f"{coordinate} must be finite")
    for part, c in (("re", complex(v, 0)), ("im", complex(0, v))):
        case(f"julia-grid-c-{part}-{name}", lambda m, b, c=c: m.julia_grid(4, 4, c=c), INVALID,
             fragment=f"c.{part} must be finite")
        for array in ("zs", "cs"):
            for position in (0, 4):
                def z_inputs(array=array, position=position, c=c):
                    arrays = {"zs": np.full(5, 0.1 + 0.2j), "cs": np.full(5, -0.62772 - 0.42193j)}
                    arrays[array][position] = c
                    return arrays
                case(f"calculate-z-{array}[{position}].{part}-{name}",
                     lambda m, b: m.calculate_z(b["zs"], b["cs"], 50), INVALID, z_inputs,
                     f"{array}[{position}] is not finite")
case("calculate-z-scalar-c-nan", lambda m, b: m.calculate_z(b["zs"], complex(NAN, 0), 50), INVALID,
     lambda: {"zs": np.zeros(3, complex)}, "cs[0] is not finite")
for offset in (1, 4, 7):
    for array in ("zs", "cs"):
        def skewed_z(array=array, offset=offset):
            view, memory = misaligned(np.complex128, 4, offset)
            other = "cs" if array == "zs" else "zs"
            return {"memory": memory, array: view, other: np.zeros(4, complex)}
        case(f"calculate-z-{array}-misaligned-by-{offset}", lambda m, b: m.calculate_z(b["zs"], b["cs"], 50),
             INVALID, skewed_z, "misaligned")


def eight_bytes_in():
    memory = np.zeros(16 * 4 + 16, dtype=np.uint8)
    zs = memory[8:8 + 64].view(np.complex128)  # 8-aligned: enough for hpk_complex
    return {"memory": memory, "zs": zs, "cs": np.full(4, -1.0 + 0j)}


case("calculate-z-valid-zs-8-bytes-in", lambda m, b: m.calculate_z(b["zs"], b["cs"], 77),
     Ok(np.full(4, 77, np.int32)), eight_bytes_in)
case("calculate-z-valid-empty", lambda m, b: m.calculate_z([], 0j, 10), Ok(np.zeros(0, np.int32)))
case("calculate-z-empty-negative-maxiter", lambda m, b: m.calculate_z([], 0j, -1), INVALID, fragment="maxiter")
case("calculate-z-valid-escape-edges",
     lambda m, b: m.calculate_z([2 + 0j, -2j, 1.99 + 0j, 0j, 0j, complex(1.7e308, 0)],
                                [0j, 0j, 0j, -2 + 0j, -1 + 0j, 0j], 50),
     Ok(np.array([0, 0, 1, 1, 50, 0], np.int32)))
case("julia-grid-valid-maxiter-0", lambda m, b: m.julia_grid(6, 5, maxiter=0), Ok(np.zeros((5, 6), np.int32)))
case("julia-grid-valid-orientation",
     lambda m, b: m.julia_grid(4, 3, x1=0.0, x2=4.0, y1=0.0, y2=3.0, c=0j, maxiter=10),
     Ok(np.array([[0, 0, 0, 0], [0, 0, 0, 0], [10, 1, 0, 0]], np.int32)))
case("julia-grid-valid-maxiter-int32-max-escaping",
     lambda m, b: m.julia_grid(2, 2, x1=3.0, x2=5.0, y1=3.0, y2=5.0, c=0j, maxiter=2**31 - 1),
     Ok(np.zeros((2, 2), np.int32)))

# ---------------------------------------------------------------------------------------------
# Primes.

for name, call, fragment in [
    ("is-prime-n--7", lambda m, b: m.is_prime(-7), "n must fit uint64_t (0..18446744073709551615), got -7"),
    ("check-prime-n-2**64", lambda m, b: m.check_prime(2**64), "got 18446744073709551616"),
    ("is-prime-n-2**64", lambda m, b: m.is_prime(2**64), "n must fit uint64_t"),
    ("factor-start--1", lambda m, b: m.smallest_factor_in_range(10, -1, 5), "start must fit uint64_t"),
    ("factor-stop-2**64", lambda m, b: m.smallest_factor_in_range(10, 2, 2**64), "stop must fit uint64_t"),
    ("factor-n--1", lambda m, b: m.smallest_factor_in_range(-1, 2, 5), "n must fit uint64_t"),
    ("count-stop-2**64", lambda m, b: m.count_primes(0, 2**64), "stop must fit uint64_t"),
    ("count-start--1", lambda m, b: m.count_primes(-1, 10), "start must fit uint64_t"),
    ("primes-start--5", lambda m, b: m.primes(-5, 10), "start must fit uint64_t"),
    ("primes-stop-2**64", lambda m, b: m.primes(0, 2**64), "stop must fit uint64_t"),
    ("batch-element--2", lambda m, b: m.is_prime_batch([3, 5, -2]), "numbers[2] must fit uint64_t"),
    ("batch-element-2**64", lambda m, b: m.is_prime_batch([2**64]), "numbers[0] must fit uint64_t"),
]:
    case(name, call, OverflowError, fragment=fragment)

for offset in (1, 4, 7):
    def skewed_numbers(offset=offset):
        view, memory = misaligned(np.uint64, 5, offset)
        view[...] = [2, 3, 4, 5, 6]
        return {"memory": memory, "numbers": view}
    case(f"batch-numbers-misaligned-by-{offset}", lambda m, b: m.is_prime_batch(b["numbers"]), INVALID,
         skewed_numbers, "misaligned")

for name, call, value in [
    ("count-empty-5-5", lambda m, b: m.count_primes(5, 5), 0),
    ("count-empty-reversed", lambda m, b: m.count_primes(10, 5), 0),
    ("count-empty-top", lambda m, b: m.count_primes(U64_MAX, U64_MAX), 0),
    ("count-empty-top-to-0", lambda m, b: m.count_primes(U64_MAX, 0), 0),
    ("count-0-3", lambda m, b: m.count_primes(0, 3), 1),
    ("count-near-2**64", lambda m, b: m.count_primes(2**64 - 100, U64_MAX), 3),
    ("count-pi-10**6", lambda m, b: m.count_primes(0, 10**6), 78498),
    ("factor-2**64-1", lambda m, b: m.smallest_factor_in_range(U64_MAX, 2, 10), 3),
    ("factor-empty-reversed", lambda m, b: m.smallest_factor_in_range(100, 20, 10), None),
    ("factor-empty-top", lambda m, b: m.smallest_factor_in_range(U64_MAX, U64_MAX, U64_MAX), None),
    ("factor-of-0", lambda m, b: m.smallest_factor_in_range(0, 0, 10), 2),
    ("factor-of-1", lambda m, b: m.smallest_factor_in_range(1, 0, U64_MAX), None),
    ("factor-largest-prime-itself", lambda m, b: m.smallest_factor_in_range(2**64 - 59, 2**64 - 59, U64_MAX),
     2**64 - 59),
    ("is-prime-0", lambda m, b: m.is_prime(0), False),
    ("is-prime-1", lambda m, b: m.is_prime(1), False),
    ("is-prime-2", lambda m, b: m.is_prime(2), True),
    ("is-prime-2**64-1", lambda m, b: m.is_prime(U64_MAX), False),
    ("is-prime-2**64-59", lambda m, b: m.is_prime(2**64 - 59), True),
    ("check-prime-0", lambda m, b: m.check_prime(0), False),
    ("check-prime-1", lambda m, b: m.check_prime(1), False),
    ("check-prime-2", lambda m, b: m.check_prime(2), True),
    ("check-prime-2**64-1", lambda m, b: m.check_prime(U64_MAX), False),
    ("check-prime-2**32-5", lambda m, b: m.check_prime(2**32 - 5), True),
]:
    case(f"valid-{name}", call, Ok(value))

for name, call, value in [
    ("primes-empty-reversed", lambda m, b: m.primes(10, 5), np.zeros(0, np.uint64)),
    ("primes-empty-top", lambda m, b: m.primes(U64_MAX, U64_MAX), np.zeros(0, np.uint64)),
    ("primes-near-2**64", lambda m, b: m.primes(2**64 - 100, U64_MAX), np.array(PRIMES_BELOW_2_64, np.uint64)),
    ("primes-0-3", lambda m, b: m.primes(0, 3), np.array([2], np.uint64)),
    ("batch-empty", lambda m, b: m.is_prime_batch([]), np.zeros(0, bool)),
    ("batch-ends-of-u64", lambda m, b: m.is_prime_batch([0, 1, 2, U64_MAX, 2**64 - 59, 2**64 - 60]),
     np.array([False, False, True, False, True, False])),
]:
    case(f"valid-{name}", call, Ok(value))

# ---------------------------------------------------------------------------------------------
# Threads: the setting must stay as it was after every rejected count.

for n in (1025, 4096, 2**63, U64_MAX):
    case(f"threads-{n}", lambda m, b, n=n: m.set_num_threads(n), INVALID, fragment="1024")
for n in (-1, 2**64):
    case(f"threads-{n}", lambda m, b, n=n: m.set_num_threads(n), OverflowError, fragment="n must fit size_t")


# ---------------------------------------------------------------------------------------------


def test_the_references_agree_with_the_literature(hpk):
    assert [p for p in range(2**64 - 100, 2**64) if reference_is_prime(p)] == PRIMES_BELOW_2_64
    assert not reference_is_prime(3_825_123_056_546_413_051) and reference_is_prime(2**32 - 5)
    assert hpk.get_num_threads() >= 1


def snapshot(array):
    """The bytes behind ``array`` (one element for a broadcast view, whose elements all alias)."""
    return array.flat[0].tobytes() if array.size and 0 in array.strides else array.tobytes()


@pytest.mark.parametrize("row", CASES, ids=[row.id for row in CASES])
def test_bad_input(hpk, row):
    buffers = row.buffers()
    before = {name: snapshot(array) for name, array in buffers.items()}
    threads = hpk.get_num_threads()
    if isinstance(row.expect, Ok):
        row.expect.verify(row.call(hpk, buffers), buffers)
        return
    if isinstance(row.expect, str):
        with pytest.raises(hpk.HpkError) as info:
            row.call(hpk, buffers)
        error = info.value
        assert isinstance(error, hpkern.HpkError)
        assert error.status == HEADER_DEFINES[row.expect] and error.name == row.expect, error
        assert error.message, "an empty hpk_last_error_message()"
        assert row.fragment in error.message
        assert error.status_message and error.status_message in str(error)
        assert row.expect in str(error) and error.message in str(error)
    else:
        with pytest.raises(row.expect) as info:
            row.call(hpk, buffers)
        assert not isinstance(info.value, hpkern.HpkError), "expected to be refused in Python"
        assert row.fragment in str(info.value)
    for name, array in buffers.items():
        assert snapshot(array) == before[name], f"{name} changed on a failed call"
    assert hpk.get_num_threads() == threads, "a failed call changed the thread count"


def test_table_covers_every_class(hpk):
    """The table is not empty by accident: counts per kind of expectation."""
    kinds = {"status": 0, "python": 0, "valid": 0}
    for row in CASES:
        kinds["valid" if isinstance(row.expect, Ok) else "status" if isinstance(row.expect, str) else "python"] += 1
    assert kinds["status"] >= 100 and kinds["python"] >= 20 and kinds["valid"] >= 30, kinds
    statuses = {row.expect for row in CASES if isinstance(row.expect, str)}
    assert statuses == {SIZE, INVALID, OVERLAP}
    assert hpk.get_num_threads() >= 1
