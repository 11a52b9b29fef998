"""hpkern over ctypes: the API of :mod:`hpkern._common` with libhpkern called through ctypes.

The prototypes below are written by hand from include/hpkern.h; a test parses the header and
checks that every function, argument type and return type here matches it. ctypes releases the
GIL around each call, so kernels called from several Python threads run at the same time.

Functions: evolve, run, julia_grid, calculate_z, is_prime, check_prime,
smallest_factor_in_range, is_prime_batch, count_primes, primes, set_num_threads,
get_num_threads; also HpkError, __version__ (the library's hpk_version()), library_path.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int32, c_size_t, c_uint32, c_uint64

import numpy as np

from . import _common, _loader


class HpkComplex(ctypes.Structure):
    """struct hpk_complex: the layout of numpy complex128 (real part first)."""

    _fields_ = [("re", c_double), ("im", c_double)]


hpk_status = c_uint32
hpk_boundary = c_uint32

#: name -> (restype, argtypes), as declared in include/hpkern.h.
PROTOTYPES = {
    "hpk_diffusion_evolve": (hpk_status, [POINTER(c_double), POINTER(c_double), c_size_t, c_size_t,
                                          c_double, c_double, hpk_boundary]),
    "hpk_diffusion_run": (hpk_status, [POINTER(c_double), POINTER(c_double), c_size_t, c_size_t,
                                       c_double, c_double, hpk_boundary, c_uint64]),
    "hpk_julia_calculate_z": (hpk_status, [POINTER(HpkComplex), POINTER(HpkComplex), c_size_t,
                                           c_int32, POINTER(c_int32)]),
    "hpk_julia_grid": (hpk_status, [c_double, c_double, c_double, c_double, c_size_t, c_size_t,
                                    c_double, c_double, c_int32, POINTER(c_int32)]),
    "hpk_last_error_message": (c_char_p, []),
    "hpk_smallest_factor_in_range": (hpk_status, [c_uint64, c_uint64, c_uint64, POINTER(c_uint64)]),
    "hpk_check_prime": (hpk_status, [c_uint64, POINTER(c_bool)]),
    "hpk_is_prime": (hpk_status, [c_uint64, POINTER(c_bool)]),
    "hpk_is_prime_batch": (hpk_status, [POINTER(c_uint64), c_size_t, POINTER(c_bool)]),
    "hpk_count_primes": (hpk_status, [c_uint64, c_uint64, POINTER(c_uint64)]),
    "hpk_primes_in_range": (hpk_status, [c_uint64, c_uint64, POINTER(c_uint64), c_size_t,
                                         POINTER(c_size_t)]),
    "hpk_status_message": (c_char_p, [hpk_status]),
    "hpk_set_num_threads": (hpk_status, [c_size_t]),
    "hpk_get_num_threads": (c_size_t, []),
    "hpk_version": (c_char_p, []),
    "hpk_abi_version": (c_uint32, []),
    "hpk_isa_name": (c_char_p, []),
}


def _open(path: str) -> ctypes.CDLL:
    """Load the library at ``path``, check its ABI, declare the prototypes (OSError if unusable)."""
    lib = ctypes.CDLL(path)
    try:
        lib.hpk_abi_version.restype = c_uint32
    except AttributeError:
        raise OSError("has no function hpk_abi_version: not a libhpkern") from None
    _common.check_abi(lib.hpk_abi_version(), path)
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise OSError(f"has no function {name}: not a libhpkern.so.{_common.ABI_VERSION}") from None
        function.restype, function.argtypes = restype, argtypes
    return lib


def _pointer_to(array: np.ndarray, argtype):
    """The argument for a ``POINTER(T)`` parameter that points at ``array``'s data.

    A reference to a ``T`` laid over the array's first element (nothing is read or copied),
    rather than ``array.ctypes.data_as``, which costs about 5 us a call, as much as the rest of
    a small call. ``from_buffer`` (about 1 us) takes writable arrays of at least one element;
    the others (read-only inputs, empty arrays) are placed at the address from
    ``__array_interface__`` (about 4 us: it builds a dict). The caller keeps ``array`` alive for
    the call."""
    if array.flags.writeable and array.nbytes >= ctypes.sizeof(argtype._type_):
        return ctypes.byref(argtype._type_.from_buffer(array))
    return ctypes.byref(argtype._type_.from_address(array.__array_interface__["data"][0]))


class _CtypesBackend:
    """Calls C through ctypes: arrays become typed pointers to their data, text is decoded."""

    def __init__(self, lib: ctypes.CDLL):
        self.lib = lib

    def call(self, function: str, *args):
        c_function = getattr(self.lib, function)
        result = c_function(*[_pointer_to(arg, argtype) if isinstance(arg, np.ndarray) else arg
                              for arg, argtype in zip(args, c_function.argtypes, strict=True)])
        return result.decode() if isinstance(result, bytes) else result


lib, _path = _loader.load(_open)
globals().update(_common.Kernels(_CtypesBackend(lib), _path).namespace())
__all__ = list(_common.PUBLIC_NAMES)
