"""The cffi backend: libhpkern called through cffi in ABI mode (``ffi.dlopen``).

The cdef is the one generated from include/hpkern.h (``_abi.CDEF``); no header is read at
import. cffi releases the GIL around each call in ABI mode, too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cffi  # type: ignore[import-untyped]  # cffi ships no annotations
import numpy as np

from . import _abi, _loader

ffi = cffi.FFI()
ffi.cdef(_abi.CDEF)


def _open(path: str) -> Any:
    """dlopen the library at ``path`` and check its ABI (OSError if unusable)."""
    lib = ffi.dlopen(path)
    try:
        abi = lib.hpk_abi_version()
    except AttributeError as exc:  # cffi resolves symbols lazily: a library without the function
        raise OSError(f"not a libhpkern.so.{_abi.ABI_VERSION}: {exc}") from None
    _loader.check_abi(abi)
    return lib


class CffiBackend:
    """Calls C through cffi: arrays are passed as buffers of the parameter's pointer type."""

    name = "cffi"

    def __init__(self, lib: Any, library_path: str):
        self.lib = lib
        self.library_path = library_path

    def call(self, function: str, *args: Any) -> Any:
        c_function = getattr(self.lib, function)
        ctype = ffi.typeof(c_function)
        result = c_function(*[ffi.from_buffer(argtype, arg) if isinstance(arg, np.ndarray)
                              else ffi.NULL if arg is None
                              # an int for a pointer: a handle's address (hpk_prime_stream *)
                              else ffi.cast(argtype, arg) if isinstance(arg, int) and argtype.kind == "pointer"
                              else arg
                              for arg, argtype in zip(args, ctype.args, strict=True)])
        return ffi.string(result).decode() if ctype.result.kind == "pointer" else result

    def bind(self, function: str) -> Callable[..., Any]:
        """``function`` as a callable taking what ``call`` takes (arrays writable, the result a
        number), with the name lookup and each argument's kind resolved once."""
        c_function = getattr(self.lib, function)
        pointers = [argtype if argtype.kind == "pointer" else None for argtype in ffi.typeof(c_function).args]
        from_buffer = ffi.from_buffer

        def bound(*args: Any) -> Any:
            return c_function(*[from_buffer(pointer, arg) if pointer is not None else arg
                                for arg, pointer in zip(args, pointers)])
        return bound

    def progress_handler(self, report: Callable[[int, int], int]) -> Any:
        # error=1: should anything escape report (it catches everything), cancel the call.
        return ffi.callback("hpk_progress_fn", lambda user_data, done, total: report(done, total),
                            error=1)


lib, library_path = _loader.load(_open)
backend = CffiBackend(lib, library_path)
