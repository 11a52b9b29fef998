"""The build step setuptools cannot do alone: compile libhpkern with cargo and bundle it.

The package has no Python extension: it loads libhpkern.so through ctypes or cffi. So the wheel
holds the library beside the modules (``hpkern/libhpkern.so``, found there by ``_loader``) and
is tagged ``py3-none-<platform>``: any Python 3 on this platform, not one CPython version.

The Rust crate is this file's ``../..`` (the repository root): building needs a clone of the
repository and a Rust toolchain (cargo on PATH, or $CARGO). ``pip install -e`` builds the
library too but does not copy it: an editable install finds it as the repository build
(``target/release``), which ``make lib`` also refreshes.

Why this step rather than a Rust build backend: maturin's modes for a crate without PyO3 are
``cffi`` (it writes its own cffi module from the header, replacing this package's two backends)
and ``bin``; setuptools-rust's ``Binding.NoBinding`` names the library like a CPython extension
(``libhpkern.cpython-311-x86_64-linux-gnu.so``) and tags the wheel for one CPython version,
though nothing in it depends on the interpreter. These few lines keep the plain library name and
a ``py3-none-<platform>`` wheel, with no build dependency beyond setuptools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

REPO = Path(__file__).resolve().parents[2]
LIBRARY = "libhpkern.so"


def build_library() -> Path:
    """``cargo build --release -p hpkern`` in the repository; the path of the built library."""
    manifest = REPO / "Cargo.toml"
    if not manifest.is_file():
        raise SystemExit(f"hpkern: {manifest} not found: build the Python package from a clone of "
                         "the hpkern repository (pip install ./bindings/python)")
    cargo = shutil.which(os.environ.get("CARGO", "cargo"))
    if cargo is None:
        raise SystemExit("hpkern: cargo not found: install a Rust toolchain (https://rustup.rs) "
                         "or set $CARGO to cargo's path")
    subprocess.run([cargo, "build", "--release", "-p", "hpkern", "--manifest-path", str(manifest)],
                   check=True)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target_dir / "release" / LIBRARY


class BuildPyWithLibrary(build_py):
    """build_py, then the library built by cargo copied into the package."""

    def run(self) -> None:
        super().run()
        library = build_library()
        if not self.editable_mode:
            shutil.copy2(library, Path(self.build_lib) / "hpkern" / LIBRARY)


class BinaryDistribution(Distribution):
    """Holds a native library: installed as platform-specific (platlib), not pure Python."""

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    """A wheel for this platform (it holds a native library) but any Python 3."""

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=BinaryDistribution, cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel})
