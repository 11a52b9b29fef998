"""Calling the library: a status other than HPK_OK becomes an exception; half-open ranges."""

from __future__ import annotations

from typing import Any, NoReturn

from . import _abi, _backend
from ._checks import integer
from ._errors import Cancelled, HpkError
from ._progress import Watch


def call(function: str, *args: Any, also_ok: tuple[int, ...] = (), watch: Watch | None = None,
         backend: _backend.Backend | None = None) -> int:
    """Call a function returning hpk_status; raise HpkError unless HPK_OK (or ``also_ok``).
    ``backend``: the one to call through (default: the active one).

    A call cancelled through ``watch`` (see _progress.watched) raises KeyboardInterrupt after a
    SIGINT, the exception the progress callback raised, or Cancelled."""
    backend = backend or _backend.active()
    status: int = backend.call(function, *args)
    if status != _abi.HPK_OK and status not in also_ok:
        raise_status(function, status, watch, backend)
    return status


def raise_status(function: str, status: int, watch: Watch | None = None,
                 backend: _backend.Backend | None = None) -> NoReturn:
    """The exception for ``status`` (not HPK_OK), which ``function`` has just returned on this
    thread (the library's last error message is read from it, through ``backend``, default the
    active one)."""
    backend = backend or _backend.active()
    detail = backend.call("hpk_last_error_message")  # right after, on the same thread
    text = backend.call("hpk_status_message", status)
    if status == _abi.HPK_ERR_CANCELLED and watch is not None:
        if watch.interrupted:
            raise KeyboardInterrupt
        if watch.error is not None:
            raise watch.error
        raise Cancelled(status, detail, text, function, watch.done, watch.total)
    raise HpkError(status, detail, text, function)


def half_open(start: int, stop: int | None) -> tuple[int, int]:
    """(start, stop) as uint64 ints; ``f(stop)`` means ``f(0, stop)`` like ``range(stop)``."""
    if stop is None:
        return 0, integer("stop", start)
    return integer("start", start), integer("stop", stop)
