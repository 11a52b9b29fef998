"""2-D diffusion: one explicit step (evolve) or many in place (run)."""

from __future__ import annotations

from typing import Any, Callable, Literal, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _abi, _backend
from ._backend import Backend
from ._calls import call, raise_status
from ._checks import _BOUNDARIES, as_c, boundary as _boundary, grid_array, grid_like, input_array, integer, real
from ._progress import Progress, watched

#: A diffusion boundary: "fixed" or "periodic", or the BOUNDARY_* ints.
Boundary = Union[Literal["fixed", "periodic"], int]
#: hpk_boundary values: edges copied unchanged / neighbours wrap around.
BOUNDARY_FIXED: int = _abi.HPK_BOUNDARY_FIXED
BOUNDARY_PERIODIC: int = _abi.HPK_BOUNDARY_PERIODIC


#: Grids from this many cells get a SIGINT handler during a call (Ctrl-C stays prompt).
LONG_CELLS = 2**21
_F64 = np.dtype(np.float64)
_EDGES = _BOUNDARIES
#: function name -> (backend, the function bound to it), see _bound.
_BOUND: dict[str, tuple[Backend, Callable[..., Any]]] = {}


def _bound(function: str) -> Callable[..., Any]:
    """``function`` bound to the active backend (``Backend.bind``), cached while it stays active."""
    backend = _backend.active()
    cached = _BOUND.get(function)
    if cached is None or cached[0] is not backend:
        cached = _BOUND[function] = (backend, backend.bind(function))
    return cached[1]


def _fast_pair(grid: np.ndarray, out: np.ndarray) -> bool:
    """Whether ``grid`` and ``out`` pass every check of evolve's and may go to ``Backend.bind``'s
    callable: float64, 2-D, one shape, C-contiguous, writable (also ``grid``: a read-only one
    takes the general path), non-empty, and short (no SIGINT handler needed, see ``watched``).
    Overlap is the library's to check."""
    if grid.dtype is not _F64 or out.dtype is not _F64 or grid.ndim != 2 or grid.shape != out.shape:
        return False
    grid_flags, out_flags = grid.flags, out.flags
    return (grid_flags.c_contiguous and out_flags.c_contiguous and grid_flags.writeable and out_flags.writeable
            and 0 < grid.size < LONG_CELLS)


def evolve(grid: ArrayLike, out: NDArray[np.float64] | None = None, *, d: float = 1.0,
           dt: float = 0.1, boundary: Boundary = "fixed", progress: Progress = None) -> NDArray[np.float64]:
    """One explicit step of the 2-D diffusion equation from ``grid`` into ``out``.

    ``out[i, j] = grid[i, j] + d*dt*(grid[i+1, j] + grid[i-1, j] + grid[i, j+1]
    + grid[i, j-1] - 4*grid[i, j])``, grid spacing 1, ``d`` the diffusion coefficient and
    ``dt`` the time step in the same time unit (stable for d*dt <= 0.25).

    grid: 2-D float64 array (rows, cols), C- or Fortran-contiguous (a nested list is converted).
    out: None (a new array like grid is returned) or a writable float64 array of grid's
        shape and memory layout, not sharing memory with grid.
    boundary: "fixed" (edge cells copied unchanged; a grid with fewer than 3 rows or
        columns is all edge) or "periodic" (neighbours wrap, as np.roll), or the
        BOUNDARY_FIXED / BOUNDARY_PERIODIC ints.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (rows of the step; reported on grids of 2**21 cells or more).

    Returns out. Raises TypeError/ValueError for bad arrays or arguments, HpkError for an
    empty grid (HPK_ERR_INVALID_SIZE), non-finite d or dt or an unknown boundary int
    (HPK_ERR_INVALID_ARGUMENT), out overlapping grid (HPK_ERR_OVERLAP); Cancelled (or
    KeyboardInterrupt) when stopped, out then partly written.
    """
    if progress is None and type(grid) is np.ndarray and type(out) is np.ndarray and type(boundary) is str \
            and type(d) is float and type(dt) is float and boundary in _EDGES and _fast_pair(grid, out):
        status = _bound("hpk_diffusion_evolve")(grid, out, *grid.shape, d, dt, _EDGES[boundary])
        if status != _abi.HPK_OK:
            raise_status("hpk_diffusion_evolve", status)
        return out
    if not isinstance(grid, np.ndarray):
        grid = input_array("grid", grid, np.float64)
    source = grid_array("grid", grid, writable=False)
    target = grid_like("out", out, source)
    c_in, c_out = as_c(source), as_c(target)
    coefficients, edges = (real("d", d), real("dt", dt)), _boundary(boundary)
    with watched("evolve", progress, long=c_in.size >= LONG_CELLS) as watch:
        call("hpk_diffusion_evolve", c_in, c_out, *c_in.shape, *coefficients, edges, watch=watch)
    return target


def run(grid: NDArray[np.float64], steps: int, *, d: float = 1.0, dt: float = 0.1,
        boundary: Boundary = "fixed", scratch: NDArray[np.float64] | None = None,
        progress: Progress = None) -> NDArray[np.float64]:
    """``steps`` diffusion steps (see evolve) applied to ``grid`` in place; returns grid.

    grid: writable 2-D float64 numpy array (rows, cols), C- or Fortran-contiguous (in place,
        so a list is refused). steps: int in 0..2**64-1 (0 changes nothing).
    scratch: None (allocated) or a writable float64 array of grid's shape and layout,
        used as working space (contents on return unspecified), not sharing grid's memory.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (steps; reported when rows*cols*steps is 2**21 or more).

    Raises as evolve; HPK_ERR_OVERLAP if scratch overlaps grid. On any other error grid is
    unchanged. When stopped (Cancelled, whose ``done`` says how many, or KeyboardInterrupt),
    grid holds exactly a whole number of steps: bit for bit the result of that many.
    """
    if not isinstance(grid, np.ndarray):
        raise TypeError(f"run works in place: grid must be a numpy float64 array, got "
                        f"{type(grid).__name__}; use np.asarray(grid, dtype=np.float64)")
    grid = grid_array("grid", grid, writable=True)
    work = grid_like("scratch", scratch, grid)
    c_grid, c_scratch = as_c(grid), as_c(work)
    coefficients, edges, count = (real("d", d), real("dt", dt)), _boundary(boundary), integer("steps", steps)
    with watched("run", progress, long=c_grid.size * count >= 2**21) as watch:
        call("hpk_diffusion_run", c_grid, c_scratch, *c_grid.shape, *coefficients, edges, count,
             watch=watch)
    return grid
