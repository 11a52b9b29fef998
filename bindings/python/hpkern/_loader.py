"""Find and open libhpkern.so, the same way for both backends.

Places tried, in order; the first that opens and has the right ABI wins:

1. ``$HPKERN_LIBRARY`` if set, a path (then nothing else is tried: an explicit choice never
   silently falls back to another build);
2. ``libhpkern.so*`` beside this module (``importlib.resources``): the copy a wheel bundles;
3. the repository's build, ``hpkern/../../../target/release/libhpkern.so`` (a source checkout
   after ``make lib``, or an editable install);
4. the system loader: ``ctypes.util.find_library("hpkern")``, then ``libhpkern.so.<ABI>``
   (after ``make install``).

If none works, one ImportError lists every place tried and why it failed.
"""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TypeVar

from . import _abi

LIBRARY_ENV = "HPKERN_LIBRARY"
#: The ABI these bindings were generated for: the library's hpk_abi_version() must return it.
ABI_VERSION = _abi.ABI_VERSION
_PACKAGE = resources.files(__package__)
_REPO_LIBRARY = Path(__file__).resolve().parents[3] / "target" / "release" / "libhpkern.so"

Library = TypeVar("Library")


def candidates() -> Iterator[tuple[str, str]]:
    """(where, path or soname) pairs in the order they are tried; lazy, as find_library is slow."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        yield f"${LIBRARY_ENV}", explicit
        return
    bundled = sorted(str(entry) for entry in _PACKAGE.iterdir() if entry.name.startswith("libhpkern.so"))
    yield from (("package directory", path) for path in bundled)
    if not bundled:
        yield "package directory", str(Path(str(_PACKAGE)) / "libhpkern.so")
    yield "repository build", str(_REPO_LIBRARY)
    found = ctypes.util.find_library("hpkern")
    if found:
        yield "system loader (find_library)", found
    yield "system loader", f"libhpkern.so.{ABI_VERSION}"


def check_abi(abi: int) -> None:
    """Raise OSError unless a library's hpk_abi_version() ``abi`` is ABI_VERSION."""
    if abi != ABI_VERSION:
        raise OSError(
            f"has ABI version {abi}, but these Python bindings were written for ABI "
            f"{ABI_VERSION}: use a libhpkern.so.{ABI_VERSION} or matching bindings"
        )


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
        + "\nReinstall the package (`pip install ./bindings/python` builds and bundles it), "
        f"build it with `make lib` in the hpkern repository, or set {LIBRARY_ENV} to its path."
    )
