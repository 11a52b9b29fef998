"""Type and layout validation in Python: the exact exception type and what its message says.

Bad values (out-of-range integers, non-finite numbers, empty or overflowing sizes, overlapping or
misaligned arrays, unknown boundaries, thread counts), whether Python or libhpkern refuses them,
and the library's HpkError statuses are rows of the table in test_bad_input.py.
"""

import numpy as np
import pytest


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
    ("boundary-type", lambda h: h.evolve(grid(), boundary=1.0), TypeError,
     "boundary must be an int, got float"),
    ("d-type", lambda h: h.evolve(grid(), d="1.0"), TypeError, "d must be a real number, got str"),
    ("steps-float", lambda h: h.run(grid(), 2.0), TypeError, "steps must be an int, got float"),
    ("maxiter-float", lambda h: h.calculate_z([0j], 0j, 300.0), TypeError,
     "maxiter must be an int, got float"),
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
    ("n-bool", lambda h: h.is_prime(True), TypeError, "n must be an int, got bool"),
    ("n-float", lambda h: h.is_prime(7.0), TypeError, "n must be an int, got float"),
    ("n-str", lambda h: h.is_prime("7"), TypeError, "n must be an int, got str"),
    ("batch-float", lambda h: h.is_prime_batch([3, 5.5]), TypeError,
     "numbers[1] must be an int, got float"),
    ("batch-float-dtype", lambda h: h.is_prime_batch(np.arange(5.0)), TypeError,
     "numbers must hold integers, got dtype float64"),
    ("batch-bool-dtype", lambda h: h.is_prime_batch(np.ones(3, bool)), TypeError,
     "numbers must hold integers, got dtype bool"),
    ("batch-negative", lambda h: h.is_prime_batch(np.arange(-2, 5)), ValueError,
     "numbers must be non-negative, got numbers[0] = -2"),
    ("batch-negative-2d", lambda h: h.is_prime_batch(np.array([[3, 5], [7, -1]], np.int32)),
     ValueError, "numbers must be non-negative, got numbers[(1, 1)] = -1"),
    ("batch-negative-int", lambda h: h.is_prime_batch([3, -5]), OverflowError,
     "numbers[1] must fit uint64_t"),
    ("batch-not-iterable", lambda h: h.is_prime_batch(7), TypeError,
     "numbers must be an array or a sequence of ints, got int"),
    ("batch-strided", lambda h: h.is_prime_batch(np.arange(10, dtype=np.uint64)[::3]), ValueError,
     "numbers must be C-contiguous"),
]


# None for each argument: the error names the parameter.
NONE_ERRORS = [
    ("evolve-grid", lambda h: h.evolve(None), "grid must be a numpy float64 array, got None"),
    ("evolve-out", lambda h: h.evolve(grid(), np.zeros(3)[None]), "out has shape (1, 3)"),
    ("evolve-d", lambda h: h.evolve(grid(), d=None), "d must be a real number, got NoneType"),
    ("evolve-boundary", lambda h: h.evolve(grid(), boundary=None), "boundary must be an int, got NoneType"),
    ("run-grid", lambda h: h.run(None, 1), "grid must be a numpy float64 array, got NoneType"),
    ("run-steps", lambda h: h.run(grid(), None), "steps must be an int, got NoneType"),
    ("run-dt", lambda h: h.run(grid(), 1, dt=None), "dt must be a real number, got NoneType"),
    ("julia-width", lambda h: h.julia_grid(None, 4), "width must be an int, got NoneType"),
    ("julia-x1", lambda h: h.julia_grid(4, 4, x1=None), "x1 must be a real number, got NoneType"),
    ("julia-c", lambda h: h.julia_grid(4, 4, c=None), "c must be a complex number, got NoneType"),
    ("julia-maxiter", lambda h: h.julia_grid(4, 4, maxiter=None), "maxiter must be an int, got NoneType"),
    ("calculate_z-zs", lambda h: h.calculate_z(None, 0j, 3), "zs must be a numpy complex128 array, got None"),
    ("calculate_z-cs", lambda h: h.calculate_z([0j], None, 3), "cs must be a numpy complex128 array, got None"),
    ("is_prime-n", lambda h: h.is_prime(None), "n must be an int, got NoneType"),
    ("check_prime-n", lambda h: h.check_prime(None), "n must be an int, got NoneType"),
    ("factor-start", lambda h: h.smallest_factor_in_range(10, None, 5), "start must be an int, got NoneType"),
    ("batch", lambda h: h.is_prime_batch(None), "numbers must be an array or a sequence of ints, got None"),
    ("count-start", lambda h: h.count_primes(None, 10), "start must be an int, got NoneType"),
    ("count-stop-only", lambda h: h.count_primes(None), "stop must be an int, got NoneType"),
    ("primes-start", lambda h: h.primes(None, 5), "start must be an int, got NoneType"),
    ("threads", lambda h: h.set_num_threads(None), "n must be an int, got NoneType"),
]


@pytest.mark.parametrize("call, fragment", [case[1:] for case in NONE_ERRORS],
                         ids=[case[0] for case in NONE_ERRORS])
def test_none_arguments_are_named(hpk, call, fragment):
    with pytest.raises((TypeError, ValueError)) as info:
        call(hpk)
    assert fragment in str(info.value)


# Internal names a user never wrote: they must not appear in any error this API raises.
INTERNAL_NAMES = ("hpkern._", "_checks", "_backend", "Backend", "Kernels", "_common", "ctypes.",
                  "cdata", "ArgumentError", "NoneType object")


@pytest.mark.parametrize("call", [case[1] for case in PYTHON_ERRORS + NONE_ERRORS],
                         ids=[case[0] for case in PYTHON_ERRORS + NONE_ERRORS])
def test_errors_never_name_internal_classes(hpk, call):
    with pytest.raises(Exception) as info:
        call(hpk)
    text = f"{type(info.value).__module__}.{type(info.value).__name__}: {info.value}"
    assert not any(name in text for name in INTERNAL_NAMES), text


@pytest.mark.parametrize("call, error, fragment", [case[1:] for case in PYTHON_ERRORS],
                         ids=[case[0] for case in PYTHON_ERRORS])
def test_python_side_errors(hpk, call, error, fragment):
    with pytest.raises(error) as info:
        call(hpk)
    assert fragment in str(info.value)
    assert not isinstance(info.value, hpk.HpkError)


def test_error_detail_belongs_to_the_failing_call(hpk):
    with pytest.raises(hpk.HpkError, match="x2 must be finite"):
        hpk.julia_grid(2, 2, x2=float("inf"))
    assert hpk.julia_grid(2, 2).shape == (2, 2)  # a success in between changes nothing
    with pytest.raises(hpk.HpkError, match="maxiter must be >= 0, got -3") as info:
        hpk.calculate_z([0j], 0j, -3)
    assert "x2" not in str(info.value)
    assert str(info.value).startswith("hpk_julia_calculate_z: HPK_ERR_INVALID_ARGUMENT [3] (")
