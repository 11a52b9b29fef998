"""Primes as a stream: iter_primes walks through the primes of a range a chunk at a time, with
the memory of one sieve whatever the range's length (hpk_prime_stream_*)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal, overload

import numpy as np
from numpy.typing import NDArray

from . import _abi, _backend
from ._backend import Backend
from ._calls import call, half_open
from ._checks import integer
from ._errors import Cancelled
from ._progress import Progress, Watch, check_progress, watched

#: Primes per chunk unless told: 512 KiB of uint64, about 1.4 ms of sieving near 10^9.
DEFAULT_CHUNK = 1 << 16
#: Numbers one library call must expect to sieve before Ctrl-C gets a handler (as in the library).
_LONG_NUMBERS = 1 << 24


@overload
def iter_primes(start: int, stop: int | None = None, *, chunk: int = DEFAULT_CHUNK,
                as_ints: Literal[False] = False, progress: Progress = None) -> Iterator[NDArray[np.uint64]]: ...


@overload
def iter_primes(start: int, stop: int | None = None, *, chunk: int = DEFAULT_CHUNK,
                as_ints: Literal[True], progress: Progress = None) -> Iterator[int]: ...


def iter_primes(start: int, stop: int | None = None, *, chunk: int = DEFAULT_CHUNK,
                as_ints: bool = False,
                progress: Progress = None) -> Iterator[NDArray[np.uint64]] | Iterator[int]:
    """The primes p with start <= p < stop (ints in 0..2**64-1), ascending, as a generator.

    Like ``range``: ``iter_primes(stop)`` walks the primes below stop. Yields uint64 numpy
    arrays of ``chunk`` primes each (the last may be shorter; never an empty one), or with
    ``as_ints=True`` the primes one by one as Python ints. Each chunk is a new array, the
    caller's to keep. Memory stays that of one sieve (base primes up to sqrt(stop), at most
    about 8 MiB, and 2 MiB of segments) plus one chunk, however long the range:
    ``sum(len(c) for c in iter_primes(10**11))`` works where ``primes(10**11)`` needs 30 GiB.
    The sieving runs in the library on one thread, a chunk per call.

    The library's stream is created at the first ``next()`` and freed when the generator ends,
    is closed (``close()``, leaving a ``for`` loop with ``break``) or is garbage-collected.
    A range is sieved once however it is cut into chunks; to resume a walk later, start a new
    one at the last prime seen + 1.

    chunk: primes per array (and per library call), 1..2**27.
    progress: None (the default: no reports; Ctrl-C still stops a long chunk on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool``, called after each chunk
        with the numbers of [start, stop) passed so far and stop - start; True cancels: the
        generator raises Cancelled (after yielding the chunks before it) and frees its stream.
    """
    lo, hi = half_open(start, stop)
    chunk = integer("chunk", chunk, "size_t")
    if not 1 <= chunk <= 1 << 27:
        raise ValueError(f"chunk must be 1..{1 << 27} primes, got {chunk}")
    check_progress(progress)
    # The backend active now, whatever is active when the generator runs.
    chunks = _chunks(_backend.active(), lo, hi, chunk, progress)
    return _ints(chunks) if as_ints else chunks


def _ints(chunks: Iterator[NDArray[np.uint64]]) -> Iterator[int]:
    try:
        for array in chunks:
            yield from array.tolist()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _chunks(backend: Backend, lo: int, hi: int, chunk: int,
            progress: Progress) -> Iterator[NDArray[np.uint64]]:
    handle = np.zeros(1, dtype=np.uintp)
    call("hpk_prime_stream_new", lo, hi, handle, backend=backend)
    stream = int(handle[0])
    tracker = Watch("iter_primes", progress) if progress else None
    try:
        written = np.zeros(1, dtype=np.uintp)
        position = np.zeros(1, dtype=np.uint64)
        long = chunk * math.log(max(hi, 3)) >= _LONG_NUMBERS
        while True:
            out = np.empty(chunk, dtype=np.uint64)
            with watched("iter_primes", None, long=long) as watch:
                call("hpk_prime_stream_next", stream, out, chunk, written, watch=watch, backend=backend)
            count = int(written[0])
            if tracker is not None:
                call("hpk_prime_stream_position", stream, position, backend=backend)
                if tracker.report(int(position[0]) - lo, hi - lo):
                    if tracker.interrupted:
                        raise KeyboardInterrupt
                    if tracker.error is not None:
                        raise tracker.error
                    raise Cancelled(_abi.HPK_ERR_CANCELLED, "cancelled by the progress callback",
                                    "", "iter_primes", tracker.done, tracker.total)
            if count == 0:
                return
            yield out if count == chunk else out[:count].copy()
    finally:
        backend.call("hpk_prime_stream_free", stream)
        if tracker is not None and tracker.bar is not None:
            tracker.bar.close()
