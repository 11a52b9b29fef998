"""2-D diffusion: one explicit step (evolve) or many in place (run)."""

from __future__ import annotations

from typing import Literal, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _abi
from ._calls import call
from ._checks import as_c, boundary as _boundary, grid_array, grid_like, input_array, integer, real

#: A diffusion boundary: "fixed" or "periodic", or the BOUNDARY_* ints.
Boundary = Union[Literal["fixed", "periodic"], int]
#: hpk_boundary values: edges copied unchanged / neighbours wrap around.
BOUNDARY_FIXED: int = _abi.HPK_BOUNDARY_FIXED
BOUNDARY_PERIODIC: int = _abi.HPK_BOUNDARY_PERIODIC


def evolve(grid: ArrayLike, out: NDArray[np.float64] | None = None, *, d: float = 1.0,
           dt: float = 0.1, boundary: Boundary = "fixed") -> NDArray[np.float64]:
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

    Returns out. Raises TypeError/ValueError for bad arrays or arguments, HpkError for an
    empty grid (HPK_ERR_INVALID_SIZE), non-finite d or dt or an unknown boundary int
    (HPK_ERR_INVALID_ARGUMENT), out overlapping grid (HPK_ERR_OVERLAP).
    """
    if not isinstance(grid, np.ndarray):
        grid = input_array("grid", grid, np.float64)
    source = grid_array("grid", grid, writable=False)
    target = grid_like("out", out, source)
    c_in, c_out = as_c(source), as_c(target)
    call("hpk_diffusion_evolve", c_in, c_out, *c_in.shape, real("d", d), real("dt", dt),
          _boundary(boundary))
    return target


def run(grid: NDArray[np.float64], steps: int, *, d: float = 1.0, dt: float = 0.1,
        boundary: Boundary = "fixed", scratch: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """``steps`` diffusion steps (see evolve) applied to ``grid`` in place; returns grid.

    grid: writable 2-D float64 numpy array (rows, cols), C- or Fortran-contiguous (in place,
        so a list is refused). steps: int in 0..2**64-1 (0 changes nothing).
    scratch: None (allocated) or a writable float64 array of grid's shape and layout,
        used as working space (contents on return unspecified), not sharing grid's memory.

    Raises as evolve; HPK_ERR_OVERLAP if scratch overlaps grid. On any error grid is
    unchanged.
    """
    if not isinstance(grid, np.ndarray):
        raise TypeError(f"run works in place: grid must be a numpy float64 array, got "
                        f"{type(grid).__name__}; use np.asarray(grid, dtype=np.float64)")
    grid = grid_array("grid", grid, writable=True)
    work = grid_like("scratch", scratch, grid)
    c_grid, c_scratch = as_c(grid), as_c(work)
    call("hpk_diffusion_run", c_grid, c_scratch, *c_grid.shape, real("d", d), real("dt", dt),
          _boundary(boundary), integer("steps", steps))
    return grid
