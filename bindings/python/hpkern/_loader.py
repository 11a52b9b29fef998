"""Find and open libhpkern.so, the same way for both backends.

Places tried, in order; the first that opens and has the right ABI wins:

1. ``$HPKERN_LIBRARY`` if set, a path (then nothing else is tried: an explicit choice never
   silently falls back to another build);
2. ``libhpkern.so*`` in the package directory (a wheel that bundles the library);
3. the repository's build, ``hpkern/../../../target/release/libhpkern.so`` (after ``make lib``);
4. the system loader: ``ctypes.util.find_library("hpkern")``, then ``libhpkern.so.1``.

If none works, one ImportError lists every place tried and why it failed.
"""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

LIBRARY_ENV = "HPKERN_LIBRARY"
SONAME = "libhpkern.so.1"
_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_LIBRARY = _PACKAGE_DIR.parents[2] / "target" / "release" / "libhpkern.so"

Library = TypeVar("Library")


def candidates() -> Iterator[tuple[str, str]]:
    """(where, path or soname) pairs in the order they are tried; lazy, as find_library is slow."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        yield f"${LIBRARY_ENV}", explicit
        return
    bundled = sorted(_PACKAGE_DIR.glob("libhpkern.so*"))
    for path in bundled:
        yield "package directory", str(path)
    if not bundled:
        yield "package directory", str(_PACKAGE_DIR / "libhpkern.so*")
    yield "repository build", str(_REPO_LIBRARY)
    found = ctypes.util.find_library("hpkern")
    if found:
        yield "system loader (find_library)", found
    yield "system loader", SONAME


def load(open_library: Callable[[str], Library]) -> tuple[Library, str]:
    """Open the first working candidate with ``open_library(path)``, which raises OSError when
    the file cannot be loaded or is not a usable hpkern (e.g. wrong ABI).

    Returns (library, path). Raises ImportError listing every place tried and why.
    """
    tried = []
    for where, path in candidates():
        if os.sep in path and not os.path.isfile(path):
            tried.append(f"  {where}: {path}: no such file")
            continue
        try:
            return open_library(path), path
        except OSError as exc:
            tried.append(f"  {where}: {path}: {exc}")
    raise ImportError(
        "hpkern: cannot load the shared library libhpkern.so. Tried:\n" + "\n".join(tried)
        + f"\nBuild it with `make lib` in the hpkern repository, or set {LIBRARY_ENV} to its path."
    )
