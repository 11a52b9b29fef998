"""The Julia set: the book's picture on a grid (julia_grid), or escape counts of given points
(calculate_z)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._calls import call
from ._checks import complex_number, input_array, integer, real
from ._progress import Progress, watched

#: The book's Julia constant.
BOOK_C = complex(-0.62772, -0.42193)


def _plane(x1: float, x2: float, y1: float, y2: float, c: complex,
           maxiter: int) -> tuple[list[float], complex, int]:
    """The corners, constant and maxiter of a picture, checked (see julia_grid)."""
    corners = [real(name, v) for name, v in (("x1", x1), ("x2", x2), ("y1", y1), ("y2", y2))]
    return corners, complex_number("c", c), integer("maxiter", maxiter, "int32_t")


def julia_grid(width: int, height: int, *, x1: float = -1.8, x2: float = 1.8, y1: float = -1.8,
               y2: float = 1.8, c: complex = BOOK_C, maxiter: int = 300,
               progress: Progress = None) -> NDArray[np.int32]:
    """Escape counts of a width x height grid of the complex plane (the book's picture).

    Pixel (row r, column k) is z = (x1 + k*(x2-x1)/width) + 1j*(y2 + r*(y1-y2)/height):
    row 0 is the top (y2), column 0 the left (x1). Each iterates z = z*z + c while
    |z| < 2, at most maxiter times. The defaults are the book's; julia_grid(1000, 1000)
    sums to 33219980.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (pixels, a row at a time; reported when width*height*maxiter is 2**22 or more).

    Returns an int32 array of shape (height, width) with counts in 0..maxiter. Raises
    TypeError/OverflowError for non-int or out-of-range width/height/maxiter (maxiter must
    fit int32), HpkError for a zero width or height (HPK_ERR_INVALID_SIZE), negative
    maxiter or non-finite coordinates or c (HPK_ERR_INVALID_ARGUMENT).
    """
    width, height = integer("width", width, "size_t"), integer("height", height, "size_t")
    corners, constant, maxiter = _plane(x1, x2, y1, y2, c, maxiter)
    output = np.empty((height, width), dtype=np.int32)
    with watched("julia_grid", progress, long=width * height * maxiter >= 2**22) as watch:
        call("hpk_julia_grid", *corners, width, height, constant.real, constant.imag, maxiter,
             output, watch=watch)
    return output


def julia_tile(width: int, height: int, row0: int, col0: int, rows: int, cols: int, *,
               x1: float = -1.8, x2: float = 1.8, y1: float = -1.8, y2: float = 1.8,
               c: complex = BOOK_C, maxiter: int = 300, progress: Progress = None) -> NDArray[np.int32]:
    """Rows ``row0 .. row0+rows`` and columns ``col0 .. col0+cols`` of ``julia_grid(width,
    height, ...)``, computed alone: an int32 array of shape (rows, cols) equal bit for bit to
    ``julia_grid(width, height, ...)[row0:row0+rows, col0:col0+cols]`` (each pixel's coordinates
    come from its indices in the whole grid). For splitting a picture across processes or
    machines (``hpkern.dask.julia_grid``).

    Raises as julia_grid; HpkError HPK_ERR_INVALID_ARGUMENT when the tile does not lie inside
    the grid, HPK_ERR_INVALID_SIZE when rows or cols is 0.
    """
    width, height = integer("width", width, "size_t"), integer("height", height, "size_t")
    row0, col0 = integer("row0", row0, "size_t"), integer("col0", col0, "size_t")
    rows, cols = integer("rows", rows, "size_t"), integer("cols", cols, "size_t")
    corners, constant, maxiter = _plane(x1, x2, y1, y2, c, maxiter)
    output = np.empty((rows, cols), dtype=np.int32)
    with watched("julia_tile", progress, long=rows * cols * maxiter >= 2**22) as watch:
        call("hpk_julia_tile", *corners, width, height, row0, col0, rows, cols, constant.real,
             constant.imag, maxiter, output, watch=watch)
    return output


def calculate_z(zs: ArrayLike, cs: ArrayLike | complex, maxiter: int, *,
                progress: Progress = None) -> NDArray[np.int32]:
    """Escape counts of the points ``zs`` with constants ``cs``: the book's calculate_z.

    For each i, counts iterations of z = z*z + cs[i] from z = zs[i] while |z| < 2 and the
    count is below maxiter. zs: complex128 numpy array (any shape, C-contiguous) or a
    sequence of complex numbers. cs: the same shape as zs, or one complex number used for
    every point. maxiter: int fitting int32.
    progress: None (the default: no reports; Ctrl-C still stops a long call on the main
        thread, raising KeyboardInterrupt), True (a progress bar on stderr: tqdm if installed,
        else a one-line bar) or a callable ``(done, total) -> bool`` called on this thread
        about every 0.1 s, True to cancel (points; reported when len(zs)*maxiter is 2**22 or more).

    Returns an int32 array of zs's shape. Raises TypeError/ValueError for bad arrays,
    OverflowError for maxiter outside int32, HpkError HPK_ERR_INVALID_ARGUMENT for a
    negative maxiter or a non-finite element.
    """
    points = input_array("zs", zs, np.complex128)
    if isinstance(cs, complex | float | int) or (isinstance(cs, np.ndarray) and cs.ndim == 0) \
            or isinstance(cs, np.number):
        cs = np.full(points.shape, complex_number("cs", cs), dtype=np.complex128)
    constants = input_array("cs", cs, np.complex128)
    if constants.shape != points.shape:
        raise ValueError(f"cs has shape {constants.shape}, zs has {points.shape}: they must match "
                         "(or pass one complex number as cs)")
    maxiter = integer("maxiter", maxiter, "int32_t")
    output = np.empty(points.shape, dtype=np.int32)
    with watched("calculate_z", progress, long=points.size * maxiter >= 2**22) as watch:
        call("hpk_julia_calculate_z", points, constants, points.size, maxiter, output, watch=watch)
    return output
