"""Watching long calls: progress bars, progress callbacks, cancellation and Ctrl-C.

The library calls a progress handler on the calling thread while a long call runs (at most once
per interval); a nonzero return cancels the call, which then returns HPK_ERR_CANCELLED. Around a
long call, :func:`watched` sets such a handler when the caller asked for progress
(``progress=True`` or a callable) or when Ctrl-C must stay prompt: on the main thread with
Python's default SIGINT handler, a SIGINT only sets a flag (Python runs signal handlers between
bytecodes, so the handler runs as soon as the progress callback does), the callback then cancels,
and the API raises KeyboardInterrupt after the call returns. Exceptions never escape the callback
into C (ctypes and cffi would print and drop them): they are kept and raised after the call.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Union

from . import _backend

#: A callable ``(done, total) -> bool``: True (or anything truthy) cancels the call.
ProgressCallback = Callable[[int, int], Any]
#: ``progress=`` of the long calls: None/False (no reports), True (a bar on stderr) or a callable.
Progress = Union[bool, ProgressCallback, None]
#: How often the library reports, in milliseconds (the library's own default is about 100).
INTERVAL_MS = 100


class PlainBar:
    """A one-line text bar on stderr, for when tqdm is not installed."""

    def __init__(self, label: str):
        self.label, self.shown, self.started = label, -1, time.monotonic()

    def update(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent != self.shown:
            self.shown = percent
            filled = percent // 4
            elapsed = time.monotonic() - self.started
            sys.stderr.write(f"\r{self.label} {percent:3d}% [{'#' * filled}{'.' * (25 - filled)}] "
                             f"{elapsed:.1f} s")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown >= 0:
            sys.stderr.write("\n")
            sys.stderr.flush()


class TqdmBar:
    """A tqdm bar (the extra ``hpkern[progress]``) over the call's own units, drawn from the
    first report on (when the total is known)."""

    def __init__(self, label: str):
        from tqdm import tqdm  # type: ignore[import-untyped,import-not-found,unused-ignore]

        self.label, self.tqdm = label, tqdm
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self.tqdm(desc=self.label, total=total, leave=True, dynamic_ncols=True,
                                 unit_scale=True)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def new_bar(label: str) -> PlainBar | TqdmBar:
    try:
        return TqdmBar(label)
    except ImportError:
        return PlainBar(label)


class Watch:
    """One watched call: what the progress callback saw and decided."""

    def __init__(self, label: str, progress: Progress):
        self.callback = progress if callable(progress) else None
        self.bar = new_bar(label) if progress is True else None
        self.interrupted = False  # SIGINT arrived during the call
        self.cancelled = False  # the user's callback asked to stop
        self.error: BaseException | None = None  # raised by the user's callback (or the bar)
        self.done: int | None = None  # the last report
        self.total: int | None = None

    def report(self, done: int, total: int) -> int:
        """The progress handler: 1 cancels. Never raises (see the module docstring)."""
        try:
            self.done, self.total = done, total
            if self.interrupted:
                return 1
            if self.bar is not None:
                self.bar.update(done, total)
            if self.callback is not None and self.callback(done, total):
                self.cancelled = True
                return 1
            return 0
        except BaseException as error:  # noqa: BLE001 (KeyboardInterrupt included, on purpose)
            if isinstance(error, KeyboardInterrupt):
                self.interrupted = True
            else:
                self.error = error
            return 1

    def on_sigint(self, signum: int, frame: Any) -> None:
        self.interrupted = True


def _catches_sigint() -> bool:
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)


def check_progress(progress: Progress) -> None:
    """TypeError unless ``progress`` is True, False, None or a callable."""
    if progress is not None and progress is not False and progress is not True \
            and not callable(progress):
        raise TypeError(f"progress must be True, False, None or a callable (done, total) -> bool, "
                        f"got {type(progress).__name__}")


def watched(label: str, progress: Progress, *, long: bool) -> AbstractContextManager[Watch | None]:
    """Set a progress handler for the calls inside, when ``progress`` asks for one or when the
    call is ``long`` and Ctrl-C must stay prompt; yields the Watch, or None when none is set
    (then nothing is done at all: short calls pay nothing here).

    On the way out the handler is removed, the SIGINT handler restored and the bar closed; a
    SIGINT that arrived during the call raises KeyboardInterrupt."""
    check_progress(progress)
    catch_sigint = long and _catches_sigint()
    if not (progress or catch_sigint):
        return _UNWATCHED
    return _watching(label, progress, catch_sigint)


#: What watched() gives a call that needs no handler (nullcontext is reusable).
_UNWATCHED: AbstractContextManager[None] = nullcontext(None)


@contextmanager
def _watching(label: str, progress: Progress, catch_sigint: bool) -> Iterator[Watch]:
    """watched() when a handler is set."""
    watch = Watch(label, progress)
    backend = _backend.active()
    handler = backend.progress_handler(watch.report)
    previous = signal.signal(signal.SIGINT, watch.on_sigint) if catch_sigint else None
    backend.call("hpk_set_progress_handler", handler, None, INTERVAL_MS)
    try:
        yield watch
        if watch.bar is not None and watch.total:  # done: the library's last report may be older
            watch.bar.update(watch.total, watch.total)
    finally:
        backend.call("hpk_set_progress_handler", None, None, 0)
        if catch_sigint:
            signal.signal(signal.SIGINT, previous)
        if watch.bar is not None:
            watch.bar.close()
    if watch.interrupted:  # also when the call finished before the handler could cancel it
        raise KeyboardInterrupt
