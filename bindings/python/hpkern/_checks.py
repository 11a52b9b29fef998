"""Argument checks shared by every function of the API: Python values in, values C can take out.

Conventions (the same for every function):

- Arrays: numpy arrays are checked, never silently copied or cast, except that integer arrays
  are converted where the C type is wider (``is_prime_batch``). A wrong dtype raises TypeError;
  a wrong ndim, shape, layout or a read-only output raises ValueError. Each message names the
  parameter and says how to fix it. Inputs given as Python sequences (lists) are converted;
  outputs must be numpy arrays.
- Integers: ``int`` or a numpy integer; ``bool``, ``None`` and non-integers (e.g. ``7.0``) raise
  TypeError; a value outside the C type's range (e.g. negative for ``uint64_t``) raises
  OverflowError, before any call into C.
"""

from __future__ import annotations

import ctypes
import numbers
import operator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _abi

_BOUNDARIES = {"fixed": _abi.HPK_BOUNDARY_FIXED, "periodic": _abi.HPK_BOUNDARY_PERIODIC}


# ---------------------------------------------------------------------------------------------
# Scalar checks


_INT_RANGES = {
    "uint64_t": (0, 2**64 - 1),
    "size_t": (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1),
    "uint32_t": (0, 2**32 - 1),
    "int32_t": (-(2**31), 2**31 - 1),
}


def integer(name: str, value: Any, ctype: str = "uint64_t") -> int:
    """``value`` as a Python int within the C type's range: TypeError for bool, None and
    non-integers (``7.0`` included), OverflowError outside the range. Accepts numpy integers."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got bool")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(value).__name__}") from None
    low, high = _INT_RANGES[ctype]
    if not low <= number <= high:
        raise OverflowError(f"{name} must fit {ctype} ({low}..{high}), got {number}")
    return number


def real(name: str, value: Any) -> float:
    """``value`` as a float; TypeError for anything that is not a real number. NaN and inf pass
    (the library reports them as HPK_ERR_INVALID_ARGUMENT)."""
    if type(value) is float:  # the common case, without the slower abstract-class check
        return value
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def boundary(value: Any) -> int:
    """"fixed"/"periodic" or an int hpk_boundary value (the library refuses unknown ints)."""
    if isinstance(value, str):
        try:
            return _BOUNDARIES[value]
        except KeyError:
            raise ValueError(f"boundary must be 'fixed' or 'periodic', got {value!r}") from None
    return integer("boundary", value, "uint32_t")


# ---------------------------------------------------------------------------------------------
# Array checks


def check_dtype(name: str, array: np.ndarray, dtype: type) -> None:
    if array.dtype != dtype:
        raise TypeError(
            f"{name} must be {np.dtype(dtype).name}, got {array.dtype}: "
            f"use {name}.astype(np.{np.dtype(dtype).name})"
        )


def input_array(name: str, value: Any, dtype: type) -> np.ndarray:
    """A C-contiguous read-only input: a numpy array of ``dtype`` as is, a sequence converted."""
    if value is None:
        raise TypeError(f"{name} must be a numpy {np.dtype(dtype).name} array, got None")
    if not isinstance(value, np.ndarray):
        try:
            return np.array(value, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numpy {np.dtype(dtype).name} array or a sequence "
                            f"convertible to one: {exc}") from None
    check_dtype(name, value, dtype)
    if not value.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous: use np.ascontiguousarray({name})")
    return value


def grid_array(name: str, value: np.ndarray, *, writable: bool) -> NDArray[np.float64]:
    """A 2-D float64 grid, C- or Fortran-contiguous; writable if it is written to."""
    check_dtype(name, value, np.float64)
    if value.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, cols), got {value.ndim}-D with shape {value.shape}")
    if not (value.flags.c_contiguous or value.flags.f_contiguous):
        raise ValueError(f"{name} must be C- or Fortran-contiguous: use np.ascontiguousarray({name})")
    if writable and not value.flags.writeable:
        raise ValueError(f"{name} is read-only: pass a writable array, e.g. {name}.copy()")
    return value


def grid_like(name: str, value: Any, like: NDArray[np.float64]) -> NDArray[np.float64]:
    """An output/working grid: a writable ndarray with ``like``'s shape and memory layout."""
    if value is None:
        return np.empty_like(like)  # order "K": same layout as the grid
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy float64 array, got {type(value).__name__}")
    grid_array(name, value, writable=True)
    if value.shape != like.shape:
        raise ValueError(f"{name} has shape {value.shape}, grid has {like.shape}: they must match")
    if not value.flags.c_contiguous and like.flags.c_contiguous:
        raise ValueError(f"{name} is Fortran-ordered but grid is C-ordered: use np.empty_like(grid)")
    if not value.flags.f_contiguous and not like.flags.c_contiguous:
        raise ValueError(f"{name} is C-ordered but grid is Fortran-ordered: use np.empty_like(grid)")
    return value


def as_c(array: NDArray[np.float64]) -> NDArray[np.float64]:
    """The C-contiguous view of a C- or Fortran-contiguous 2-D array: itself, or its transpose
    (same memory; the stencil is symmetric, so rows and cols simply swap)."""
    return array if array.flags.c_contiguous else array.T


def u64_array(name: str, value: Any) -> NDArray[np.uint64]:
    """A C-contiguous uint64 array of non-negative integers.

    A uint64 ndarray is used as is. Another integer ndarray (int64 from ``np.arange``, uint8,
    ...) is converted when all its values are non-negative; a negative value raises ValueError
    naming its index. A non-integer dtype raises TypeError. A sequence of ints is checked one
    by one (OverflowError for a value outside 0..2**64-1)."""
    if value is None:
        raise TypeError(f"{name} must be an array or a sequence of ints, got None")
    if isinstance(value, np.ndarray):
        if value.dtype == np.uint64:
            return input_array(name, value, np.uint64)
        if value.dtype == np.bool_ or not np.issubdtype(value.dtype, np.integer):
            raise TypeError(f"{name} must hold integers, got dtype {value.dtype}")
        if value.size and np.issubdtype(value.dtype, np.signedinteger) and value.min() < 0:
            index = np.unravel_index(int(np.argmin(value)), value.shape)
            where = index[0] if value.ndim == 1 else tuple(int(i) for i in index)
            raise ValueError(f"{name} must be non-negative, got {name}[{where}] = {value[index]}")
        return np.ascontiguousarray(value, dtype=np.uint64)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be an array or a sequence of ints, got {type(value).__name__}")
    items = list(value)
    return np.fromiter((integer(f"{name}[{i}]", x) for i, x in enumerate(items)), np.uint64, len(items))


def complex_number(name: str, value: Any) -> complex:
    """``value`` as a complex; TypeError for anything that is not a number."""
    if not isinstance(value, numbers.Complex):
        raise TypeError(f"{name} must be a complex number, got {type(value).__name__}")
    return complex(value)
