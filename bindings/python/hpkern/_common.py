"""Everything both backends share: constants, HpkError, argument checks and the Python API.

A backend is any object with a ``call(function, *args)`` method that calls the C function of
that name and returns its result as a Python value (``int``, or ``str`` for ``const char *``).
Arguments reach it already checked: numpy arrays (C-contiguous, right dtype) stand for
pointers, ``None`` for NULL, Python ``int``/``float`` for scalars. :class:`Kernels` implements
the whole API on top of that one method, so the ctypes and cffi modules differ only in how
they call C.

Conventions of the API (the same in both backends):

- Arrays: numpy arrays are checked, never silently copied or cast. A wrong dtype raises
  TypeError; a wrong ndim, shape, layout or a read-only output raises ValueError. Each message
  says what was wrong and how to fix it. Inputs given as Python sequences (lists) are
  converted; outputs must be numpy arrays.
- Integers: ``int`` or a numpy integer; ``bool`` and non-integers (e.g. ``7.0``) raise
  TypeError; a value outside the C type's range (e.g. negative for ``uint64_t``) raises
  OverflowError, before any call into C.
- A status other than HPK_OK raises :class:`HpkError`.
"""

from __future__ import annotations

import ctypes
import numbers
import operator
from typing import Any, Protocol

import numpy as np

#: The ABI this module was written for: the library's hpk_abi_version() must return it.
ABI_VERSION = 1
#: hpk_boundary values: edges copied unchanged / neighbours wrap around.
BOUNDARY_FIXED = 0
BOUNDARY_PERIODIC = 1
#: hpk_status values (the header's #defines), by number.
STATUS_NAMES = {
    0: "HPK_OK",
    1: "HPK_ERR_NULL_POINTER",
    2: "HPK_ERR_INVALID_SIZE",
    3: "HPK_ERR_INVALID_ARGUMENT",
    4: "HPK_ERR_OVERLAP",
    5: "HPK_ERR_BUFFER_TOO_SMALL",
    6: "HPK_ERR_OUT_OF_MEMORY",
    7: "HPK_ERR_PANIC",
}
HPK_OK = 0
HPK_ERR_BUFFER_TOO_SMALL = 5

_BOUNDARIES = {"fixed": BOUNDARY_FIXED, "periodic": BOUNDARY_PERIODIC}
#: The book's Julia constant.
BOOK_C = complex(-0.62772, -0.42193)

#: What each backend module exports (besides __version__ and library_path).
PUBLIC_NAMES = (
    "evolve", "run", "julia_grid", "calculate_z", "is_prime", "check_prime",
    "smallest_factor_in_range", "is_prime_batch", "count_primes", "primes",
    "set_num_threads", "get_num_threads", "isa_name", "HpkError",
    "ABI_VERSION", "BOUNDARY_FIXED", "BOUNDARY_PERIODIC", "STATUS_NAMES",
)


class HpkError(Exception):
    """A libhpkern call returned a status other than HPK_OK.

    Attributes: ``status`` (int, an HPK_* code), ``name`` (e.g. "HPK_ERR_INVALID_ARGUMENT"),
    ``message`` (the library's detail for this failure, from hpk_last_error_message()),
    ``status_message`` (hpk_status_message(status)) and ``function`` (the C function's name).
    """

    def __init__(self, status: int, message: str, status_message: str = "", function: str = ""):
        self.status = status
        self.name = STATUS_NAMES.get(status, f"unknown status {status}")
        self.message = message
        self.status_message = status_message
        self.function = function
        super().__init__(status, message)

    def __str__(self) -> str:
        where = f"{self.function}: " if self.function else ""
        what = f" ({self.status_message})" if self.status_message else ""
        return f"{where}{self.name} [{self.status}]{what}: {self.message or 'no detail'}"


class Backend(Protocol):
    """How a backend calls C (see the module docstring)."""

    def call(self, function: str, *args: Any) -> Any: ...


def check_abi(abi: int, path: str) -> None:
    """Raise OSError unless the library at ``path`` reports ABI_VERSION (used while loading)."""
    if abi != ABI_VERSION:
        raise OSError(
            f"has ABI version {abi}, but these Python bindings were written for ABI "
            f"{ABI_VERSION}: use a libhpkern.so.{ABI_VERSION} or matching bindings"
        )


# ---------------------------------------------------------------------------------------------
# Scalar checks


_INT_RANGES = {
    "uint64_t": (0, 2**64 - 1),
    "size_t": (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1),
    "uint32_t": (0, 2**32 - 1),
    "int32_t": (-(2**31), 2**31 - 1),
}


def _int(name: str, value: Any, ctype: str = "uint64_t") -> int:
    """``value`` as a Python int within the C type's range: TypeError for bool and
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


def _real(name: str, value: Any) -> float:
    """``value`` as a float; TypeError for anything that is not a real number. NaN and inf pass
    (the library reports them as HPK_ERR_INVALID_ARGUMENT)."""
    if type(value) is float:  # the common case, without the slower abstract-class check
        return value
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def _boundary(value: Any) -> int:
    """"fixed"/"periodic" or an int hpk_boundary value (the library refuses unknown ints)."""
    if isinstance(value, str):
        try:
            return _BOUNDARIES[value]
        except KeyError:
            raise ValueError(f"boundary must be 'fixed' or 'periodic', got {value!r}") from None
    return _int("boundary", value, "uint32_t")


# ---------------------------------------------------------------------------------------------
# Array checks


def _check_dtype(name: str, array: np.ndarray, dtype: type) -> None:
    if array.dtype != dtype:
        raise TypeError(
            f"{name} must be {np.dtype(dtype).name}, got {array.dtype}: "
            f"use {name}.astype(np.{np.dtype(dtype).name})"
        )


def _input(name: str, value: Any, dtype: type) -> np.ndarray:
    """A C-contiguous read-only input: a numpy array of ``dtype`` as is, a sequence converted."""
    if not isinstance(value, np.ndarray):
        try:
            return np.array(value, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numpy {np.dtype(dtype).name} array or a sequence "
                            f"convertible to one: {exc}") from None
    _check_dtype(name, value, dtype)
    if not value.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous: use np.ascontiguousarray({name})")
    return value


def _grid(name: str, value: Any, *, writable: bool) -> np.ndarray:
    """A 2-D float64 grid, C- or Fortran-contiguous; writable if it is written to."""
    _check_dtype(name, value, np.float64)
    if value.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, cols), got {value.ndim}-D with shape {value.shape}")
    if not (value.flags.c_contiguous or value.flags.f_contiguous):
        raise ValueError(f"{name} must be C- or Fortran-contiguous: use np.ascontiguousarray({name})")
    if writable and not value.flags.writeable:
        raise ValueError(f"{name} is read-only: pass a writable array, e.g. {name}.copy()")
    return value


def _grid_like(name: str, value: Any, grid: np.ndarray) -> np.ndarray:
    """An output/working grid: a writable ndarray with ``grid``'s shape and memory layout."""
    if value is None:
        return np.empty_like(grid)  # order "K": same layout as grid
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy float64 array, got {type(value).__name__}")
    _grid(name, value, writable=True)
    if value.shape != grid.shape:
        raise ValueError(f"{name} has shape {value.shape}, grid has {grid.shape}: they must match")
    if not value.flags.c_contiguous and grid.flags.c_contiguous:
        raise ValueError(f"{name} is Fortran-ordered but grid is C-ordered: use np.empty_like(grid)")
    if not value.flags.f_contiguous and not grid.flags.c_contiguous:
        raise ValueError(f"{name} is C-ordered but grid is Fortran-ordered: use np.empty_like(grid)")
    return value


def _as_c(grid: np.ndarray) -> np.ndarray:
    """The C-contiguous view of a C- or Fortran-contiguous 2-D array: itself, or its transpose
    (same memory; the stencil is symmetric, so rows and cols simply swap)."""
    return grid if grid.flags.c_contiguous else grid.T


def _u64_array(name: str, value: Any) -> np.ndarray:
    """A C-contiguous uint64 array: a uint64 ndarray as is, a sequence of ints checked one by one."""
    if isinstance(value, np.ndarray):
        return _input(name, value, np.uint64)
    items = list(value)
    return np.fromiter((_int(f"{name}[{i}]", x) for i, x in enumerate(items)), np.uint64, len(items))


# ---------------------------------------------------------------------------------------------
# The API


class Kernels:
    """The hpkern API over one backend; its bound methods are the backend module's functions."""

    def __init__(self, backend: Backend, library_path: str):
        self._c = backend
        self.library_path = library_path
        self.version = backend.call("hpk_version")

    def namespace(self) -> dict[str, Any]:
        """The module globals a backend module exports: PUBLIC_NAMES, __version__, library_path."""
        exported = {name: getattr(self, name) if hasattr(Kernels, name) else globals()[name]
                    for name in PUBLIC_NAMES}
        return {**exported, "__version__": self.version, "library_path": self.library_path}

    def _call(self, function: str, *args: Any, also_ok: tuple[int, ...] = ()) -> int:
        """Call a function returning hpk_status; raise HpkError unless HPK_OK (or ``also_ok``)."""
        status = self._c.call(function, *args)
        if status != HPK_OK and status not in also_ok:
            detail = self._c.call("hpk_last_error_message")  # right after, on the same thread
            raise HpkError(status, detail, self._c.call("hpk_status_message", status), function)
        return status

    # -- diffusion ------------------------------------------------------------------------------

    def evolve(self, grid, out=None, *, d=1.0, dt=0.1, boundary="fixed"):
        """One explicit step of the 2-D diffusion equation from ``grid`` into ``out``.

        ``out[i, j] = grid[i, j] + d*dt*(grid[i+1, j] + grid[i-1, j] + grid[i, j+1]
        + grid[i, j-1] - 4*grid[i, j])``, grid spacing 1, ``d`` the diffusion coefficient and
        ``dt`` the time step in the same time unit (stable for d*dt <= 0.25).

        grid: 2-D float64 array, C- or Fortran-contiguous (a nested list is converted).
        out: None (a new array like grid is returned) or a writable float64 array of grid's
            shape and memory layout, not sharing memory with grid.
        boundary: "fixed" (edge cells copied unchanged; a grid with fewer than 3 rows or
            columns is all edge) or "periodic" (neighbours wrap, as np.roll), or the
            BOUNDARY_FIXED / BOUNDARY_PERIODIC ints.

        Returns out. Raises TypeError/ValueError for bad arrays or arguments (see the module
        docs), HpkError for an empty grid (HPK_ERR_INVALID_SIZE), non-finite d or dt or an
        unknown boundary int (HPK_ERR_INVALID_ARGUMENT), out overlapping grid (HPK_ERR_OVERLAP).
        """
        if not isinstance(grid, np.ndarray):
            grid = _input("grid", grid, np.float64)
        grid = _grid("grid", grid, writable=False)
        out = _grid_like("out", out, grid)
        c_in, c_out = _as_c(grid), _as_c(out)
        self._call("hpk_diffusion_evolve", c_in, c_out, *c_in.shape,
                   _real("d", d), _real("dt", dt), _boundary(boundary))
        return out

    def run(self, grid, steps, *, d=1.0, dt=0.1, boundary="fixed", scratch=None):
        """``steps`` diffusion steps (see evolve) applied to ``grid`` in place; returns grid.

        grid: writable 2-D float64 numpy array, C- or Fortran-contiguous (in place, so a list
            is refused). steps: int in 0..2**64-1 (0 changes nothing).
        scratch: None (allocated) or a writable float64 array of grid's shape and layout,
            used as working space (contents on return unspecified), not sharing grid's memory.

        Raises as evolve; HPK_ERR_OVERLAP if scratch overlaps grid. On any error grid is
        unchanged.
        """
        if not isinstance(grid, np.ndarray):
            raise TypeError(f"run works in place: grid must be a numpy float64 array, got "
                            f"{type(grid).__name__}; use np.asarray(grid, dtype=np.float64)")
        grid = _grid("grid", grid, writable=True)
        scratch = _grid_like("scratch", scratch, grid)
        c_grid, c_scratch = _as_c(grid), _as_c(scratch)
        self._call("hpk_diffusion_run", c_grid, c_scratch, *c_grid.shape, _real("d", d),
                   _real("dt", dt), _boundary(boundary), _int("steps", steps))
        return grid

    # -- Julia set ------------------------------------------------------------------------------

    def julia_grid(self, width, height, *, x1=-1.8, x2=1.8, y1=-1.8, y2=1.8, c=BOOK_C, maxiter=300):
        """Escape counts of a width x height grid of the complex plane (the book's picture).

        Pixel (row r, column k) is z = (x1 + k*(x2-x1)/width) + 1j*(y2 + r*(y1-y2)/height):
        row 0 is the top (y2), column 0 the left (x1). Each iterates z = z*z + c while
        |z| < 2, at most maxiter times. The defaults are the book's; julia_grid(1000, 1000)
        sums to 33219980.

        Returns an int32 array of shape (height, width) with counts in 0..maxiter. Raises
        TypeError/OverflowError for non-int or out-of-range width/height/maxiter (maxiter must
        fit int32), HpkError for a zero width or height (HPK_ERR_INVALID_SIZE), negative
        maxiter or non-finite coordinates or c (HPK_ERR_INVALID_ARGUMENT).
        """
        width, height = _int("width", width, "size_t"), _int("height", height, "size_t")
        maxiter = _int("maxiter", maxiter, "int32_t")
        coordinates = [_real(name, v) for name, v in (("x1", x1), ("x2", x2), ("y1", y1), ("y2", y2))]
        if not isinstance(c, numbers.Complex):
            raise TypeError(f"c must be a complex number, got {type(c).__name__}")
        output = np.empty((height, width), dtype=np.int32)
        self._call("hpk_julia_grid", *coordinates, width, height, complex(c).real,
                   complex(c).imag, maxiter, output)
        return output

    def calculate_z(self, zs, cs, maxiter):
        """Escape counts of the points ``zs`` with constants ``cs``: the book's calculate_z.

        For each i, counts iterations of z = z*z + cs[i] from z = zs[i] while |z| < 2 and the
        count is below maxiter. zs: complex128 numpy array (any shape, C-contiguous) or a
        sequence of complex numbers. cs: the same shape as zs, or one complex number used for
        every point. maxiter: int fitting int32.

        Returns an int32 array of zs's shape. Raises TypeError/ValueError for bad arrays,
        OverflowError for maxiter outside int32, HpkError HPK_ERR_INVALID_ARGUMENT for a
        negative maxiter or a non-finite element.
        """
        zs = _input("zs", zs, np.complex128)
        if isinstance(cs, numbers.Complex) or (isinstance(cs, np.ndarray) and cs.ndim == 0):
            cs = np.full(zs.shape, complex(cs), dtype=np.complex128)
        cs = _input("cs", cs, np.complex128)
        if cs.shape != zs.shape:
            raise ValueError(f"cs has shape {cs.shape}, zs has {zs.shape}: they must match "
                             "(or pass one complex number as cs)")
        maxiter = _int("maxiter", maxiter, "int32_t")
        output = np.empty(zs.shape, dtype=np.int32)
        self._call("hpk_julia_calculate_z", zs, cs, zs.size, maxiter, output)
        return output

    # -- primes -----------------------------------------------------------------------------------

    def is_prime(self, n):
        """Whether the int n (0..2**64-1) is prime; exact (Miller-Rabin or Baillie-PSW), about a microsecond."""
        result = np.zeros(1, dtype=np.bool_)
        self._call("hpk_is_prime", _int("n", n), result)
        return bool(result[0])

    def check_prime(self, n):
        """Whether n (0..2**64-1) is prime, by the book's parallel trial division up to isqrt(n).

        Exact but slow for large primes (about 0.2 s for 18 digits); prefer is_prime.
        """
        result = np.zeros(1, dtype=np.bool_)
        self._call("hpk_check_prime", _int("n", n), result)
        return bool(result[0])

    def smallest_factor_in_range(self, n, start, stop):
        """The smallest divisor d of n with max(start, 2) <= d < stop, or None if there is none.

        All ints in 0..2**64-1. The book's check_prime_in_range, exact and parallel; cost up to
        stop - start divisions.
        """
        factor = np.zeros(1, dtype=np.uint64)
        self._call("hpk_smallest_factor_in_range", _int("n", n), _int("start", start),
                   _int("stop", stop), factor)
        return int(factor[0]) or None

    def is_prime_batch(self, numbers):
        """Primality of each of ``numbers``: a C-contiguous uint64 numpy array (any shape) or a
        sequence of ints in 0..2**64-1. Returns a bool array of the same shape."""
        values = _u64_array("numbers", numbers)
        result = np.empty(values.shape, dtype=np.bool_)
        self._call("hpk_is_prime_batch", values, values.size, result)
        return result

    def count_primes(self, start, stop):
        """The number of primes p with start <= p < stop (ints in 0..2**64-1); 0 if start >= stop."""
        count = np.zeros(1, dtype=np.uint64)
        self._call("hpk_count_primes", _int("start", start), _int("stop", stop), count)
        return int(count[0])

    def primes(self, start, stop):
        """The primes p with start <= p < stop, ascending, as a uint64 array (may be empty).

        Sized with the library's size query (capacity 0), then filled.
        """
        start, stop = _int("start", start), _int("stop", stop)
        written = np.zeros(1, dtype=np.uintp)
        self._call("hpk_primes_in_range", start, stop, None, 0, written,
                   also_ok=(HPK_ERR_BUFFER_TOO_SMALL,))
        result = np.empty(int(written[0]), dtype=np.uint64)
        self._call("hpk_primes_in_range", start, stop, result, result.size, written)
        return result[: int(written[0])]

    # -- threads ----------------------------------------------------------------------------------

    def set_num_threads(self, n):
        """Use n threads in the kernels from now on (process-wide); 0 restores the automatic
        choice ($HPK_NUM_THREADS, else the number of cores). HpkError if n > 1024."""
        self._call("hpk_set_num_threads", _int("n", n, "size_t"))

    def get_num_threads(self):
        """The number of threads the next kernel call will use (at least 1)."""
        return int(self._c.call("hpk_get_num_threads"))

    def isa_name(self):
        """The instruction-set path the kernels run on: "avx512", "avx2" or "scalar" (the widest
        the CPU supports, or narrower if $HPK_FORCE_ISA asks for it when the library loads)."""
        return self._c.call("hpk_isa_name")
