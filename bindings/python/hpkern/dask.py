"""The three kernels on Dask (the extra ``hpkern[dask]``): pictures, grids and prime ranges
larger than one machine, with the same bits as the single-machine functions.

- :func:`julia_grid`: a dask array of tiles, each computed by :func:`hpkern.julia_tile` from its
  global pixel indices, so the whole equals :func:`hpkern.julia_grid` bit for bit.
- :func:`run`: diffusion over a chunked grid with ``map_overlap``: every ``steps_per_exchange``
  (k) steps the blocks exchange halos k cells deep, then each block runs k steps alone. After k
  steps the errors that start at a halo's outer edge have travelled k cells, exactly to the
  block's own cells, so they never reach them: the result equals :func:`hpkern.run` on the
  whole grid bit for bit, for any chunking. Fixed or periodic edges apply at the grid's edges
  only. The array is persisted after every exchange, so a long run never builds a large graph.
- :func:`count_primes`, :func:`primes`: the range split into parts of equal length (the sieve's
  cost is close to linear in the length); :func:`is_prime_batch` block by block.

Every function takes ``client`` (a ``distributed.Client``) or ``scheduler`` (any of dask's
scheduler names) like dask's own ``compute``; with neither, dask's default scheduler runs it,
threads on one machine included.

Threads: hpkern uses all the cores of a machine by default. On a cluster, give each worker as
many hpkern threads as it has Dask threads, or workers oversubscribe the cores: start workers
with ``HPK_NUM_THREADS`` set (``LocalCluster(..., env={"HPK_NUM_THREADS": "1"})``, the same
``env=`` for ``Nanny``, or ``dask worker --nthreads 1`` with the variable exported), or
register :class:`ThreadsPerWorker` on a running cluster:
``client.register_plugin(hpkern.dask.ThreadsPerWorker())``. :func:`local_cluster` does it for
you.
"""

# dask's own annotations are partial (untyped functions, Any returns): not this module's to fix.
# mypy: disable-error-code="no-untyped-call,no-any-return"

from __future__ import annotations

import math
from typing import Any, Literal

import dask.array as da
import numpy as np
from dask.array.overlap import ensure_minimum_chunksize
from dask.base import compute
from dask.delayed import delayed
from distributed import Client, LocalCluster, WorkerPlugin
from numpy.typing import NDArray

from . import _diffusion, _julia, _primes
from ._julia import BOOK_C

Chunks = Any  # what dask.array accepts as chunks: "auto", an int, a tuple, ...


class ThreadsPerWorker(WorkerPlugin):
    """A worker plugin: hpkern on each worker uses as many threads as the worker runs tasks at
    once (``nthreads``), so that tasks calling hpkern never oversubscribe the cores."""

    def setup(self, worker: Any) -> None:
        from hpkern import set_num_threads

        set_num_threads(worker.state.nthreads)


def local_cluster(n_workers: int, threads_per_worker: int = 1, **kwargs: Any) -> LocalCluster:
    """A ``distributed.LocalCluster`` of worker processes whose hpkern uses
    ``threads_per_worker`` threads each (``HPK_NUM_THREADS`` in the workers' environment)."""
    env = {**kwargs.pop("env", {}), "HPK_NUM_THREADS": str(threads_per_worker)}
    return LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                        processes=kwargs.pop("processes", True), env=env, **kwargs)


def _persist(array: da.Array, client: Client | None, scheduler: str | None) -> da.Array:
    if client is not None:
        return client.persist(array)
    return array.persist(scheduler=scheduler)


def _compute(value: Any, client: Client | None, scheduler: str | None) -> Any:
    if client is not None:
        return client.compute(value).result()
    return compute(value, scheduler=scheduler)[0]


# -- Julia set --------------------------------------------------------------------------------------


def julia_grid(width: int, height: int, *, x1: float = -1.8, x2: float = 1.8, y1: float = -1.8,
               y2: float = 1.8, c: complex = BOOK_C, maxiter: int = 300,
               chunks: Chunks = "auto") -> da.Array:
    """:func:`hpkern.julia_grid` as a lazy int32 dask array of shape (height, width), in tiles
    of ``chunks`` (dask's chunk spec: ``"auto"``, ``500``, ``(250, 1000)``, ...). Each tile is
    computed by :func:`hpkern.julia_tile`; ``.compute()`` equals ``hpkern.julia_grid`` bit for
    bit."""

    def tile(block_info: dict[Any, Any] | None = None) -> NDArray[np.int32]:
        assert block_info is not None
        (r0, r1), (c0, c1) = block_info[None]["array-location"]
        return _julia.julia_tile(width, height, r0, c0, r1 - r0, c1 - c0, x1=x1, x2=x2, y1=y1,
                                 y2=y2, c=c, maxiter=maxiter)

    shape = (height, width)
    normalized = da.core.normalize_chunks(chunks, shape=shape, dtype=np.int32)
    return da.map_blocks(tile, dtype=np.int32, chunks=normalized, meta=np.empty((0, 0), np.int32))


# -- diffusion --------------------------------------------------------------------------------------


def run(grid: da.Array | NDArray[np.float64], steps: int, *, d: float = 1.0, dt: float = 0.1,
        boundary: Literal["fixed", "periodic"] = "fixed", steps_per_exchange: int = 16,
        chunks: Chunks = "auto", client: Client | None = None,
        scheduler: str | None = None) -> da.Array:
    """``steps`` diffusion steps of a chunked 2-D float64 grid, equal bit for bit to
    :func:`hpkern.run` on the whole grid; returns the new (persisted) dask array.

    grid: a 2-D float64 dask array, or a numpy array (split into ``chunks``).
    steps_per_exchange (k): steps between halo exchanges; each exchange moves a band k cells
        deep around every block. Blocks narrower than k are merged with neighbours (rechunked)
        first; k larger than the grid's smaller dimension is refused.
    boundary: "fixed" (the grid's edge cells stay as they are) or "periodic"; block edges are
        never boundaries.
    """
    array = grid if isinstance(grid, da.Array) else da.from_array(np.asarray(grid), chunks=chunks)
    return _run(array, steps, d, dt, boundary, steps_per_exchange, client, scheduler)


def _run(grid: da.Array, steps: int, d: float, dt: float, boundary: str, steps_per_exchange: int,
         client: Client | None, scheduler: str | None) -> da.Array:
    if grid.ndim != 2 or grid.dtype != np.float64:
        raise ValueError(f"grid must be a 2-D float64 array, got {grid.ndim}-D {grid.dtype}")
    if boundary not in ("fixed", "periodic"):
        raise ValueError(f"boundary must be 'fixed' or 'periodic', got {boundary!r}")
    steps, k = int(steps), int(steps_per_exchange)
    if steps < 0 or k < 1:
        raise ValueError(f"steps must be >= 0 and steps_per_exchange >= 1, got {steps} and {k}")
    if steps == 0:
        return grid
    k = min(k, steps)
    if k > min(grid.shape):
        raise ValueError(f"steps_per_exchange ({k}) must not exceed the grid's smaller dimension "
                         f"({min(grid.shape)}): a halo cannot be deeper than the grid")
    grid = grid.rechunk(tuple(ensure_minimum_chunksize(k, c) for c in grid.chunks))
    edge = "periodic" if boundary == "periodic" else "none"
    done = 0
    while done < steps:
        n = min(k, steps - done)

        def advance(block: NDArray[np.float64], n: int = n) -> NDArray[np.float64]:
            # The halo's outer ring is wrong after the first step, but in n <= depth steps the
            # error cannot reach the block's own cells; "fixed" keeps the grid's true edges.
            return _diffusion.run(block.copy(), n, d=d, dt=dt, boundary="fixed")

        grid = grid.map_overlap(advance, depth=n, boundary=edge, dtype=np.float64, trim=True)
        grid = _persist(grid, client, scheduler)
        done += n
    return grid


# -- primes -----------------------------------------------------------------------------------------


def _parts(start: int, stop: int, parts: int | None) -> list[tuple[int, int]]:
    """[start, stop) in ``parts`` pieces of equal length (default: about 2^28 numbers each, at
    most 1024 pieces, at least one)."""
    length = max(stop - start, 0)
    count = parts if parts is not None else min(1024, max(1, math.ceil(length / 2**28)))
    if count < 1:
        raise ValueError(f"parts must be at least 1, got {count}")
    cuts = [start + length * i // count for i in range(count + 1)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def count_primes(start: int, stop: int | None = None, *, parts: int | None = None,
                 client: Client | None = None, scheduler: str | None = None) -> int:
    """:func:`hpkern.count_primes` over ``parts`` pieces of [start, stop) computed as dask
    tasks; the sum. ``count_primes(stop)`` counts from 0, like range."""
    lo, hi = (0, int(start)) if stop is None else (int(start), int(stop))
    counts = [delayed(_primes.count_primes)(a, b) for a, b in _parts(lo, hi, parts)]
    return int(_compute(delayed(sum)(counts), client, scheduler)) if counts else 0


def primes(start: int, stop: int | None = None, *, parts: int | None = None) -> da.Array:
    """:func:`hpkern.primes` as a lazy uint64 dask array, one block per part of the range, in
    order. The blocks' lengths are unknown until computed (``.compute_chunk_sizes()``)."""
    lo, hi = (0, int(start)) if stop is None else (int(start), int(stop))
    blocks = [da.from_delayed(delayed(_primes.primes)(a, b), shape=(math.nan,), dtype=np.uint64)
              for a, b in _parts(lo, hi, parts)]
    return da.concatenate(blocks) if blocks else da.zeros((0,), dtype=np.uint64)


def is_prime_batch(numbers: da.Array) -> da.Array:
    """:func:`hpkern.is_prime_batch` block by block: a bool dask array of ``numbers``' shape."""
    return da.map_blocks(_primes.is_prime_batch, numbers, dtype=np.bool_)
