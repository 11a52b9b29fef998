"""Which backend calls C: ctypes (the default) or cffi, one at a time for the whole process.

A backend module (``_ctypes_backend``, ``_cffi_backend``) loads the library when it is first
imported and exposes ``backend``: an object with ``name``, ``library_path`` and
``call(function, *args)``, which calls the C function of that name and returns its result as a
Python value (``int``, or ``str`` for ``const char *``). Arguments reach it already checked:
numpy arrays (C-contiguous, right dtype) stand for pointers, ``None`` for NULL, Python
``int``/``float`` for scalars. The API in ``_api`` is written once over that one method.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any, Literal, Protocol, cast

BackendName = Literal["ctypes", "cffi"]
BACKENDS: tuple[BackendName, ...] = ("ctypes", "cffi")
#: Environment variable naming the backend ``import hpkern`` starts with.
BACKEND_ENV = "HPKERN_BACKEND"


class Backend(Protocol):
    """How a backend calls C (see the module docstring)."""

    name: BackendName
    library_path: str

    def call(self, function: str, *args: Any) -> Any: ...

    def bind(self, function: str) -> Callable[..., Any]:
        """``call`` of one function for hot paths: arrays must be writable and non-empty, the
        result a number."""

    def progress_handler(self, report: Callable[[int, int], int]) -> Any:
        """An hpk_progress_fn that calls ``report(done, total)``; keep it alive while it is set."""


def load(name: str) -> Backend:
    """The backend called ``name``, its library loaded (ImportError if it cannot be)."""
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {name!r}")
    module = importlib.import_module(f"{__package__}._{name}_backend")
    return cast(Backend, module.backend)


_active: Backend = load(os.environ.get(BACKEND_ENV) or "ctypes")


def active() -> Backend:
    return _active


def use(name: str) -> None:
    global _active
    _active = load(name)
