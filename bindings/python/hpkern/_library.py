"""The library itself: threads, instruction set, where it was loaded from, which backend calls it."""

from __future__ import annotations

from typing import Literal

from . import _backend
from ._calls import call
from ._checks import integer


def set_num_threads(n: int) -> None:
    """Use n threads in the kernels from now on (process-wide); 0 restores the automatic
    choice ($HPK_NUM_THREADS, else the number of cores). HpkError if n > 1024."""
    call("hpk_set_num_threads", integer("n", n, "size_t"))


def get_num_threads() -> int:
    """The number of threads the next kernel call will use (at least 1)."""
    return int(_backend.active().call("hpk_get_num_threads"))


def isa_name() -> str:
    """The instruction-set path the kernels run on: "avx512", "avx2" or "scalar" (the widest
    the CPU supports, or narrower if $HPK_FORCE_ISA asks for it when the library loads)."""
    return str(_backend.active().call("hpk_isa_name"))


def library_path() -> str:
    """The path of the libhpkern.so the active backend loaded."""
    return _backend.active().library_path


def use_backend(name: Literal["ctypes", "cffi"]) -> None:
    """Call the library through ``name``, "ctypes" (the default) or "cffi", from now on, in
    the whole process. ``$HPKERN_BACKEND`` chooses the backend ``import hpkern`` starts with.
    Both give the same results and release the GIL during calls."""
    _backend.use(name)


def backend_name() -> Literal["ctypes", "cffi"]:
    """The backend in use: "ctypes" or "cffi"."""
    return _backend.active().name
