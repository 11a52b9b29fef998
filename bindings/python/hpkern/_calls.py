"""Calling the library: a status other than HPK_OK becomes an exception; half-open ranges."""

from __future__ import annotations

from typing import Any

from . import _abi, _backend
from ._checks import integer
from ._errors import HpkError


def call(function: str, *args: Any, also_ok: tuple[int, ...] = ()) -> int:
    """Call a function returning hpk_status; raise HpkError unless HPK_OK (or ``also_ok``)."""
    backend = _backend.active()
    status: int = backend.call(function, *args)
    if status != _abi.HPK_OK and status not in also_ok:
        detail = backend.call("hpk_last_error_message")  # right after, on the same thread
        raise HpkError(status, detail, backend.call("hpk_status_message", status), function)
    return status


def half_open(start: int, stop: int | None) -> tuple[int, int]:
    """(start, stop) as uint64 ints; ``f(stop)`` means ``f(0, stop)`` like ``range(stop)``."""
    if stop is None:
        return 0, integer("stop", start)
    return integer("start", start), integer("stop", stop)
