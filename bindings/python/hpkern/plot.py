"""Pictures of the kernels' results as PNG files, with matplotlib (the optional extra
``hpkern[plot]``): the Julia set in a perceptual colour map, diffusion frames, a speedup chart.

Every function writes one PNG and returns its path. Without matplotlib they raise ImportError
naming the extra to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: What to install when matplotlib is missing.
EXTRA = "hpkern[plot]"


def _pyplot() -> Any:
    try:
        import matplotlib  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise ImportError(f"drawing PNG files needs matplotlib: pip install '{EXTRA}' "
                          "(or pip install matplotlib)") from None
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]
    return plt


def julia_png(counts: NDArray[np.int32], path: str | Path, *, maxiter: int | None = None,
              cmap: str = "magma") -> Path:
    """The escape counts (height, width) as an image of the same size in pixels, one pixel per
    count, row 0 at the top; ``cmap`` a perceptual matplotlib colour map. Counts are shown on a
    logarithmic scale (most pixels escape within a few iterations)."""
    plt = _pyplot()
    top = maxiter if maxiter is not None else max(int(counts.max()), 1)
    shade = np.log1p(counts.astype(np.float64)) / np.log1p(top)
    plt.imsave(Path(path), shade, cmap=cmap, vmin=0.0, vmax=1.0, origin="upper")
    return Path(path)


def diffusion_png(frames: Sequence[tuple[int, NDArray[np.float64]]], path: str | Path, *,
                  title: str = "", cmap: str = "viridis") -> Path:
    """Grids at several times side by side: ``frames`` is ``[(step, grid), ...]``; one colour
    scale for all, so the spreading is visible."""
    plt = _pyplot()
    top = max(float(grid.max()) for _, grid in frames) or 1.0
    figure, axes = plt.subplots(1, len(frames), figsize=(3.2 * len(frames), 3.4), squeeze=False)
    for axis, (step, grid) in zip(axes[0], frames):
        image = axis.imshow(grid, cmap=cmap, vmin=0.0, vmax=top, interpolation="nearest")
        axis.set_title(f"step {step}")
        axis.set_xticks([])
        axis.set_yticks([])
    figure.colorbar(image, ax=list(axes[0]), shrink=0.8)
    if title:
        figure.suptitle(title)
    figure.savefig(Path(path), dpi=100, bbox_inches="tight")
    plt.close(figure)
    return Path(path)


def speedup_png(rows: Sequence[tuple[str, str, float]], path: str | Path, *,
                title: str = "hpkern speedup") -> Path:
    """A horizontal bar chart of speedups, log scale: ``rows`` is ``[(kernel, baseline,
    speedup), ...]``, speedup = baseline's time / hpkern's time."""
    plt = _pyplot()
    labels = [f"{kernel}\nvs {baseline}" for kernel, baseline, _ in rows]
    values = [speedup for _, _, speedup in rows]
    figure, axis = plt.subplots(figsize=(8, 0.6 * len(rows) + 1.5))
    bars = axis.barh(range(len(rows)), values, color="tab:blue")
    axis.set_yticks(range(len(rows)), labels)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel("speedup (baseline time / hpkern time), log scale")
    axis.axvline(1.0, color="grey", linewidth=0.8)
    for bar, value in zip(bars, values):
        axis.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:,.0f}x"
                  if value >= 10 else f" {value:.1f}x", va="center")
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(Path(path), dpi=100)
    plt.close(figure)
    return Path(path)
