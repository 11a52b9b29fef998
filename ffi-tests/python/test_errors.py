"""Every validation error: the exact exception type and what its message says."""

import numpy as np
import pytest
from conftest import HEADER

import hpkern
from hpkern import _header

HEADER_DEFINES = _header.parse(HEADER.read_text()).defines


def grid(shape=(4, 5), order="C"):
    return np.zeros(shape, order=order)


def read_only(array):
    array.flags.writeable = False
    return array


# (id, call, exception type, message fragment): raised in Python, before any call into C.
PYTHON_ERRORS = [
    ("grid-dtype", lambda h: h.evolve(np.zeros((3, 3), dtype=np.int64)), TypeError,
     "grid must be float64, got int64: use grid.astype(np.float64)"),
    ("grid-float32", lambda h: h.run(np.zeros((3, 3), dtype=np.float32), 1), TypeError,
     "grid must be float64, got float32"),
    ("grid-ndim-1", lambda h: h.evolve(np.zeros(9)), ValueError,
     "grid must be 2-D (rows, cols), got 1-D"),
    ("grid-ndim-3", lambda h: h.run(np.zeros((2, 3, 4)), 1), ValueError,
     "got 3-D with shape (2, 3, 4)"),
    ("grid-strided", lambda h: h.evolve(grid((8, 8))[::2, ::2]), ValueError,
     "grid must be C- or Fortran-contiguous: use np.ascontiguousarray(grid)"),
    ("run-strided", lambda h: h.run(grid((8, 8))[:, 1:], 1), ValueError,
     "C- or Fortran-contiguous"),
    ("out-read-only", lambda h: h.evolve(grid(), read_only(grid())), ValueError,
     "out is read-only: pass a writable array"),
    ("run-read-only", lambda h: h.run(read_only(grid()), 1), ValueError, "grid is read-only"),
    ("scratch-read-only", lambda h: h.run(grid(), 1, scratch=read_only(grid())), ValueError,
     "scratch is read-only"),
    ("run-list", lambda h: h.run([[0.0, 1.0], [2.0, 3.0]], 1), TypeError,
     "run works in place: grid must be a numpy float64 array, got list"),
    ("out-list", lambda h: h.evolve(grid(), [[0.0] * 5] * 4), TypeError,
     "out must be a numpy float64 array"),
    ("out-dtype", lambda h: h.evolve(grid(), np.zeros((4, 5), np.float32)), TypeError,
     "out must be float64, got float32"),
    ("out-shape", lambda h: h.evolve(grid((4, 5)), grid((5, 4))), ValueError,
     "out has shape (5, 4), grid has (4, 5): they must match"),
    ("scratch-shape", lambda h: h.run(grid((4, 5)), 2, scratch=grid((4, 6))), ValueError,
     "scratch has shape (4, 6)"),
    ("out-fortran-for-c", lambda h: h.evolve(grid(), grid(order="F")), ValueError,
     "out is Fortran-ordered but grid is C-ordered"),
    ("scratch-c-for-fortran", lambda h: h.run(grid(order="F"), 1, scratch=grid()), ValueError,
     "scratch is C-ordered but grid is Fortran-ordered"),
    ("boundary-name", lambda h: h.evolve(grid(), boundary="diagonal"), ValueError,
     "boundary must be 'fixed' or 'periodic', got 'diagonal'"),
    ("boundary-negative", lambda h: h.evolve(grid(), boundary=-1), OverflowError,
     "boundary must fit uint32_t"),
    ("boundary-type", lambda h: h.evolve(grid(), boundary=1.0), TypeError,
     "boundary must be an int, got float"),
    ("d-type", lambda h: h.evolve(grid(), d="1.0"), TypeError, "d must be a real number, got str"),
    ("steps-negative", lambda h: h.run(grid(), -1), OverflowError, "steps must fit uint64_t"),
    ("steps-float", lambda h: h.run(grid(), 2.0), TypeError, "steps must be an int, got float"),
    ("maxiter-too-big", lambda h: h.julia_grid(4, 4, maxiter=2**31), OverflowError,
     "maxiter must fit int32_t (-2147483648..2147483647), got 2147483648"),
    ("maxiter-too-small", lambda h: h.calculate_z([0j], 0j, -(2**31) - 1), OverflowError,
     "maxiter must fit int32_t"),
    ("maxiter-float", lambda h: h.calculate_z([0j], 0j, 300.0), TypeError,
     "maxiter must be an int, got float"),
    ("width-negative", lambda h: h.julia_grid(-1, 4), OverflowError, "width must fit size_t"),
    ("c-type", lambda h: h.julia_grid(4, 4, c="1+1j"), TypeError,
     "c must be a complex number, got str"),
    ("zs-dtype", lambda h: h.calculate_z(np.zeros(4), 0j, 10), TypeError,
     "zs must be complex128, got float64: use zs.astype(np.complex128)"),
    ("zs-complex64", lambda h: h.calculate_z(np.zeros(4, np.complex64), 0j, 10), TypeError,
     "zs must be complex128, got complex64"),
    ("zs-strided", lambda h: h.calculate_z(np.zeros(8, complex)[::2], 0j, 10), ValueError,
     "zs must be C-contiguous: use np.ascontiguousarray(zs)"),
    ("zs-not-numbers", lambda h: h.calculate_z(["a", "b"], 0j, 10), TypeError,
     "zs must be a numpy complex128 array or a sequence convertible to one"),
    ("cs-shape", lambda h: h.calculate_z([0j, 1j], [0j, 1j, 2j], 10), ValueError,
     "cs has shape (3,), zs has (2,): they must match"),
    ("n-negative", lambda h: h.is_prime(-7), OverflowError,
     "n must fit uint64_t (0..18446744073709551615), got -7"),
    ("n-2**64", lambda h: h.check_prime(2**64), OverflowError, "got 18446744073709551616"),
    ("n-bool", lambda h: h.is_prime(True), TypeError, "n must be an int, got bool"),
    ("n-float", lambda h: h.is_prime(7.0), TypeError, "n must be an int, got float"),
    ("n-str", lambda h: h.is_prime("7"), TypeError, "n must be an int, got str"),
    ("factor-range", lambda h: h.smallest_factor_in_range(10, -1, 5), OverflowError,
     "start must fit uint64_t"),
    ("count-range", lambda h: h.count_primes(0, 2**64), OverflowError, "stop must fit uint64_t"),
    ("primes-range", lambda h: h.primes(-5, 10), OverflowError, "start must fit uint64_t"),
    ("batch-element", lambda h: h.is_prime_batch([3, 5, -2]), OverflowError,
     "numbers[2] must fit uint64_t"),
    ("batch-float", lambda h: h.is_prime_batch([3, 5.5]), TypeError,
     "numbers[1] must be an int, got float"),
    ("batch-dtype", lambda h: h.is_prime_batch(np.arange(5)), TypeError,
     "numbers must be uint64, got int64: use numbers.astype(np.uint64)"),
    ("batch-strided", lambda h: h.is_prime_batch(np.arange(10, dtype=np.uint64)[::3]), ValueError,
     "numbers must be C-contiguous"),
    ("threads-negative", lambda h: h.set_num_threads(-1), OverflowError, "n must fit size_t"),
]


@pytest.mark.parametrize("call, error, fragment", [case[1:] for case in PYTHON_ERRORS],
                         ids=[case[0] for case in PYTHON_ERRORS])
def test_python_side_errors(hpk, call, error, fragment):
    with pytest.raises(error) as info:
        call(hpk)
    assert fragment in str(info.value)
    assert not isinstance(info.value, hpk.HpkError)


def overlapping_out(h):
    memory = np.zeros(30)
    return h.evolve(memory[:20].reshape(4, 5), memory[10:].reshape(4, 5))


# (id, call, status name, fragment of the library's detail): reported by libhpkern.
INVALID, OVERLAP, SIZE = "HPK_ERR_INVALID_ARGUMENT", "HPK_ERR_OVERLAP", "HPK_ERR_INVALID_SIZE"
NAN, INF = float("nan"), float("inf")
LIBRARY_ERRORS = [
    ("out-is-grid", lambda h: (lambda g: h.evolve(g, g))(grid()), OVERLAP, "overlap"),
    ("out-overlaps-grid", overlapping_out, OVERLAP, "overlap"),
    ("scratch-is-grid", lambda h: (lambda g: h.run(g, 3, scratch=g))(grid()), OVERLAP, "overlap"),
    ("empty-grid", lambda h: h.evolve(np.zeros((0, 3))), SIZE, "0 x 3"),
    ("d-nan", lambda h: h.evolve(grid(), d=NAN), INVALID, "d must be finite"),
    ("dt-inf", lambda h: h.run(grid(), 2, dt=INF), INVALID, "dt must be finite"),
    ("boundary-unknown", lambda h: h.evolve(grid(), boundary=7), INVALID, "boundary"),
    ("maxiter-negative", lambda h: h.julia_grid(4, 4, maxiter=-1), INVALID, "maxiter"),
    ("calculate-z-maxiter", lambda h: h.calculate_z([0j], 0j, -5), INVALID, "maxiter"),
    ("x1-nan", lambda h: h.julia_grid(4, 4, x1=NAN), INVALID, "x1 must be finite"),
    ("c-inf", lambda h: h.julia_grid(4, 4, c=complex(INF, 0)), INVALID, "finite"),
    ("zs-nan", lambda h: h.calculate_z([0j, complex(NAN, 0)], 0j, 10), INVALID, "finite"),
    ("width-zero", lambda h: h.julia_grid(0, 4), SIZE, "0"),
    ("threads-too-many", lambda h: h.set_num_threads(1025), INVALID, "1024"),
]


@pytest.mark.parametrize("call, name, fragment", [case[1:] for case in LIBRARY_ERRORS],
                         ids=[case[0] for case in LIBRARY_ERRORS])
def test_library_errors_raise_hpk_error(hpk, call, name, fragment):
    with pytest.raises(hpk.HpkError) as info:
        call(hpk)
    error = info.value
    assert isinstance(error, Exception) and isinstance(error, hpkern.HpkError)
    assert error.status == HEADER_DEFINES[name] and error.name == name
    assert fragment in error.message
    assert name in str(error) and error.message in str(error) and error.status_message in str(error)
    assert error.status_message  # hpk_status_message's text


def test_failed_calls_leave_outputs_untouched(hpk):
    g = np.arange(20.0).reshape(4, 5)
    scratch = np.full_like(g, 7.0)
    with pytest.raises(hpk.HpkError):
        hpk.run(g, 3, d=float("nan"), scratch=scratch)
    assert np.array_equal(g, np.arange(20.0).reshape(4, 5)) and (scratch == 7.0).all()
    assert hpk.get_num_threads() >= 1  # set_num_threads(1025) above left the setting alone


def test_error_detail_belongs_to_the_failing_call(hpk):
    with pytest.raises(hpk.HpkError, match="x2 must be finite"):
        hpk.julia_grid(2, 2, x2=float("inf"))
    assert hpk.julia_grid(2, 2).shape == (2, 2)  # a success in between changes nothing
    with pytest.raises(hpk.HpkError, match="maxiter must be >= 0, got -3") as info:
        hpk.calculate_z([0j], 0j, -3)
    assert "x2" not in str(info.value)
    assert str(info.value).startswith("hpk_julia_calculate_z: HPK_ERR_INVALID_ARGUMENT [3] (")
