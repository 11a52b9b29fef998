#!/usr/bin/env python3
"""Derive the other languages' declarations from include/hpkern.h, the one description of the
C ABI (cbindgen writes it from the Rust exports):

- bindings/python/hpkern/_abi.py (scripts/abi_python.py): constants, signatures, the cffi cdef;
- the region between the markers in bindings/fortran/hpkern.f90 (scripts/abi_fortran.py):
  parameters and the bind(C) interfaces.

    gen-bindings.py           rewrite the generated files
    gen-bindings.py --check   change nothing; exit 1 and show a diff if any file is stale

Needs pycparser (a dependency of cffi: the repository's .venv has it).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import abi_fortran
import abi_header
import abi_python

REPO = Path(__file__).resolve().parents[1]
HEADER = REPO / "include" / "hpkern.h"
FORTRAN = REPO / "bindings" / "fortran" / "hpkern.f90"


def _with_region(current: str, region: str) -> str:
    """``current`` with the text between the Fortran markers replaced by ``region``."""
    begin = current.index(abi_fortran.BEGIN_MARKER)
    begin = current.index("\n", begin) + 1
    end = current.index(abi_fortran.END_MARKER, begin)
    end = current.rindex("\n", 0, end) + 1
    return current[:begin] + region.rstrip("\n") + "\n" + current[end:]


def expected() -> dict[Path, str]:
    """Each generated file's path and the content it should have."""
    text = HEADER.read_text(encoding="utf-8")
    header = abi_header.parse(text)
    return {
        REPO / abi_python.PATH: abi_python.generate(header, text),
        FORTRAN: _with_region(FORTRAN.read_text(encoding="utf-8"), abi_fortran.generate(header)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on a stale file, write nothing")
    check = parser.parse_args().check
    stale = []
    for path, content in expected().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == content:
            continue
        stale.append(path)
        if check:
            rel = path.relative_to(REPO)
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), content.splitlines(True),
                                                       f"{rel} (committed)", f"{rel} (from the header)"))
        else:
            path.write_text(content, encoding="utf-8")
            print(f"gen-bindings: wrote {path.relative_to(REPO)}")
    if check and stale:
        print("gen-bindings: generated files are stale: run `make generate` and commit them",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
