"""hpkern over cffi (ABI mode, ``ffi.dlopen``): the API of :mod:`hpkern._common`.

The declarations are not written here: the cdef is derived at import from the C header,
include/hpkern.h (found as described in :mod:`hpkern._header`), so it cannot drift from the
library's contract. cffi releases the GIL around each call in ABI mode, too.

Functions: evolve, run, julia_grid, calculate_z, is_prime, check_prime,
smallest_factor_in_range, is_prime_batch, count_primes, primes, set_num_threads,
get_num_threads; also HpkError, __version__ (the library's hpk_version()), library_path,
header_path, ffi.
"""

from __future__ import annotations

import cffi
import numpy as np

from . import _common, _header, _loader

header_path = _header.find()
ffi = cffi.FFI()
ffi.cdef(_header.cdef(header_path.read_text(encoding="utf-8")))


def _open(path: str):
    """dlopen the library at ``path`` and check its ABI (OSError if unusable)."""
    lib = ffi.dlopen(path)
    try:
        abi = lib.hpk_abi_version()
    except AttributeError as exc:  # cffi resolves symbols lazily: a library without the function
        raise OSError(f"not a libhpkern.so.{_common.ABI_VERSION}: {exc}") from None
    _common.check_abi(abi, path)
    return lib


class _CffiBackend:
    """Calls C through cffi: arrays are passed as buffers of the parameter's pointer type."""

    def __init__(self, lib):
        self.lib = lib

    def call(self, function: str, *args):
        c_function = getattr(self.lib, function)
        ctype = ffi.typeof(c_function)
        result = c_function(*[ffi.from_buffer(argtype, arg) if isinstance(arg, np.ndarray)
                              else ffi.NULL if arg is None else arg
                              for arg, argtype in zip(args, ctype.args, strict=True)])
        return ffi.string(result).decode() if ctype.result.kind == "pointer" else result


lib, _path = _loader.load(_open)
globals().update(_common.Kernels(_CffiBackend(lib), _path).namespace())
__all__ = list(_common.PUBLIC_NAMES)
