"""The ctypes backend: libhpkern called through ``ctypes.CDLL``.

The prototypes are built from the declarations generated from include/hpkern.h (``_abi``),
by mapping each C type to its ctypes type; nothing is restated here. ctypes releases the GIL
around each call, so kernels called from several Python threads run at the same time.
"""

from __future__ import annotations

import ctypes
import re
from ctypes import (CFUNCTYPE, POINTER, c_bool, c_char_p, c_double, c_int32, c_size_t, c_uint32,
                    c_uint64, c_void_p)
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _abi, _loader

_SCALARS: dict[str, Any] = {"double": c_double, "size_t": c_size_t, "uint64_t": c_uint64,
                            "uint32_t": c_uint32, "int32_t": c_int32, "bool": c_bool,
                            "void": None}


def _struct(tag: str) -> type[ctypes.Structure]:
    fields = [(name, ctype_of(spelled)) for name, spelled in _abi.STRUCTS[tag]]
    return type(tag, (ctypes.Structure,), {"_fields_": fields})


#: struct tag -> its ctypes Structure (hpk_complex has the layout of numpy complex128).
STRUCTS: dict[str, type[ctypes.Structure]] = {}


def ctype_of(spelled: str) -> Any:
    """The ctypes type of a C type spelled as in the header, e.g. "const struct hpk_complex *"."""
    spelled = spelled.replace("const ", "").strip()
    function_pointer = re.fullmatch(r"(.+?) \(\*\)\((.*)\)", spelled)
    if function_pointer:
        returns, params = function_pointer.groups()
        return CFUNCTYPE(ctype_of(returns), *[ctype_of(p) for p in params.split(", ") if p])
    if spelled == "char *":
        return c_char_p
    if spelled == "void *":
        return c_void_p
    if spelled.endswith("*"):
        pointee = spelled[:-1].strip()
        if _is_opaque(pointee):
            return c_void_p  # a handle (hpk_prime_stream *): its address, an int in Python
        return POINTER(ctype_of(pointee))
    if spelled.startswith("struct "):
        tag = spelled.removeprefix("struct ")
        if tag not in STRUCTS:
            STRUCTS[tag] = _struct(tag)
        return STRUCTS[tag]
    if spelled in _abi.TYPEDEFS:
        return ctype_of(_abi.TYPEDEFS[spelled])
    return _SCALARS[spelled]


def _is_opaque(spelled: str) -> bool:
    """Whether a C type is a struct the header declares without fields (a handle's type)."""
    while spelled in _abi.TYPEDEFS:
        spelled = _abi.TYPEDEFS[spelled]
    return (spelled.startswith("struct ") and not spelled.endswith("*")
            and spelled.removeprefix("struct ") not in _abi.STRUCTS)


#: name -> (restype, argtypes), for every function of the header.
PROTOTYPES = {name: (ctype_of(returns), [ctype_of(spelled) for _, spelled in params])
              for name, (returns, params) in _abi.FUNCTIONS.items()}
HpkComplex = STRUCTS["hpk_complex"]
_PROGRESS_FN = ctype_of("hpk_progress_fn")


def _open(path: str) -> ctypes.CDLL:
    """Load the library at ``path``, check its ABI, declare the prototypes (OSError if unusable)."""
    lib = ctypes.CDLL(path)
    try:
        lib.hpk_abi_version.restype = c_uint32
    except AttributeError:
        raise OSError("has no function hpk_abi_version: not a libhpkern") from None
    _loader.check_abi(lib.hpk_abi_version())
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise OSError(f"has no function {name}: not a libhpkern.so.{_abi.ABI_VERSION}") from None
        function.restype, function.argtypes = restype, argtypes
    return lib


def _pointer_to(array: np.ndarray, argtype: Any) -> Any:
    """The argument for a ``POINTER(T)`` parameter that points at ``array``'s data.

    A reference to a ``T`` laid over the array's first element (nothing is read or copied),
    rather than ``array.ctypes.data_as``, which costs as much as the rest of a small call.
    ``from_buffer`` takes writable arrays of at least one element; the others (read-only
    inputs, empty arrays) are placed at the address from ``__array_interface__``. The caller
    keeps ``array`` alive for the call."""
    if array.flags.writeable and array.nbytes >= ctypes.sizeof(argtype._type_):
        return ctypes.byref(argtype._type_.from_buffer(array))
    return ctypes.byref(argtype._type_.from_address(array.__array_interface__["data"][0]))


class CtypesBackend:
    """Calls C through ctypes: arrays become typed pointers to their data, text is decoded."""

    name = "ctypes"

    def __init__(self, lib: ctypes.CDLL, library_path: str):
        self.lib = lib
        self.library_path = library_path

    def call(self, function: str, *args: Any) -> Any:
        c_function = getattr(self.lib, function)
        result = c_function(*[_pointer_to(arg, argtype) if isinstance(arg, np.ndarray)
                              else argtype() if arg is None and argtype is _PROGRESS_FN  # NULL
                              else arg
                              for arg, argtype in zip(args, c_function.argtypes, strict=True)])
        return result.decode() if isinstance(result, bytes) else result

    def bind(self, function: str) -> Callable[..., Any]:
        """``function`` as a callable taking what ``call`` takes, for hot paths: the name lookup
        and each argument's kind are resolved once. Every array must be writable and non-empty
        (the pointer is laid over its first element, see ``_pointer_to``; ctypes raises
        otherwise) and the function must return a number."""
        c_function = getattr(self.lib, function)
        pointers = [(i, argtype._type_) for i, argtype in enumerate(c_function.argtypes)
                    if isinstance(argtype, type) and issubclass(argtype, ctypes._Pointer)]
        byref = ctypes.byref

        def bound(*args: Any) -> Any:
            converted = list(args)
            for i, pointee in pointers:
                converted[i] = byref(pointee.from_buffer(converted[i]))
            return c_function(*converted)
        return bound

    def progress_handler(self, report: Callable[[int, int], int]) -> Any:
        return _PROGRESS_FN(lambda user_data, done, total: report(done, total))


lib, library_path = _loader.load(_open)
backend = CtypesBackend(lib, library_path)
