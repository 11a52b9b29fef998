"""Read include/hpkern.h, the C contract, so the Python side cannot drift from it.

The cffi backend builds its ``cdef`` from the header at import (:func:`cdef`); the tests compare
the ctypes prototypes and the Python status table with the header (:func:`parse`).

Where the header is looked for (:func:`find`), first match wins:

1. ``$HPKERN_HEADER`` if set (then nothing else is tried: an explicit choice never falls back);
2. the repository's ``include/hpkern.h`` (``hpkern/../../../include``, for a source checkout);
3. ``hpkern.h`` in the package directory. In the repository that file is a symlink to
   ``include/hpkern.h``; ``pip install`` copies its content into the wheel (package data).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

HEADER_ENV = "HPKERN_HEADER"
_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_HEADER = _PACKAGE_DIR.parents[2] / "include" / "hpkern.h"
_PACKAGED_HEADER = _PACKAGE_DIR / "hpkern.h"

# Integer constants: the only preprocessor lines the cdef keeps (cffi understands them).
_DEFINE = re.compile(r"^#define\s+(HPK_\w+)\s+(\d+)\s*$", re.MULTILINE)
# `#ifdef __cplusplus ... #endif` blocks: the `extern "C" {` guard and its closing brace.
_CPLUSPLUS_BLOCK = re.compile(r"^#ifdef __cplusplus\b.*?^#endif\b[^\n]*", re.MULTILINE | re.DOTALL)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"//[^\n]*")
_PREPROCESSOR_LINE = re.compile(r"^[ \t]*#[^\n]*\n?", re.MULTILINE)

# What pycparser needs to know beyond the header (cffi knows these types itself).
_PYCPARSER_PRELUDE = """
typedef int bool; typedef unsigned long size_t; typedef int int32_t;
typedef unsigned int uint32_t; typedef unsigned long uint64_t;
"""


def find() -> Path:
    """The path of hpkern.h (see the module docstring for the order).

    Raises ImportError naming every place tried when none holds the header.
    """
    explicit = os.environ.get(HEADER_ENV)
    places = [(f"${HEADER_ENV}", Path(explicit))] if explicit else [
        ("repository", _REPO_HEADER),
        ("package data", _PACKAGED_HEADER),
    ]
    for _, path in places:
        if path.is_file():
            return path
    tried = "\n".join(f"  {where}: {path}: no such file" for where, path in places)
    raise ImportError(
        "hpkern: cannot find the C header hpkern.h, which the cffi backend reads its "
        f"declarations from. Tried:\n{tried}\nSet {HEADER_ENV} to the path of include/hpkern.h."
    )


def cdef(text: str) -> str:
    """The header reduced to what ``cffi.FFI.cdef`` accepts: typedefs, structs and prototypes,
    plus the ``#define HPK_* <integer>`` constants; comments, other preprocessor lines and the
    ``extern "C"`` guard removed."""
    text = _BLOCK_COMMENT.sub("", text)
    text = _LINE_COMMENT.sub("", text)
    text = _CPLUSPLUS_BLOCK.sub("", text)
    constants = "".join(f"#define {name} {value}\n" for name, value in _DEFINE.findall(text))
    declarations = _PREPROCESSOR_LINE.sub("", text)
    return constants + re.sub(r"\n\s*\n+", "\n", declarations).strip() + "\n"


@dataclass(frozen=True)
class Header:
    """The declarations of hpkern.h, with C types spelled as in the header, e.g. ``"const double *"``.

    - ``functions``: name -> (return type, argument types), ``()`` for ``(void)``;
    - ``typedefs``: alias -> type, e.g. ``"hpk_status" -> "uint32_t"``;
    - ``structs``: struct tag -> ((field name, type), ...);
    - ``defines``: ``HPK_*`` integer constant -> value.
    """

    functions: dict[str, tuple[str, tuple[str, ...]]]
    typedefs: dict[str, str]
    structs: dict[str, tuple[tuple[str, str], ...]]
    defines: dict[str, int]


def parse(text: str) -> Header:
    """Parse the header's declarations with pycparser (a dependency of cffi)."""
    from pycparser import c_ast, c_parser

    declarations = _DEFINE.sub("", cdef(text))
    ast = c_parser.CParser().parse(_PYCPARSER_PRELUDE + declarations, filename="hpkern.h")
    prelude = {"bool", "size_t", "int32_t", "uint32_t", "uint64_t"}
    functions, typedefs, structs = {}, {}, {}
    for node in ast.ext:
        if isinstance(node, c_ast.Typedef) and node.name not in prelude:
            typedefs[node.name] = _spell(node.type)
            if isinstance(node.type.type, c_ast.Struct) and node.type.type.decls:
                struct = node.type.type
                structs[struct.name] = tuple((f.name, _spell(f.type)) for f in struct.decls)
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            params = node.type.args.params if node.type.args else []
            args = tuple(_spell(p.type) for p in params)
            functions[node.name] = (_spell(node.type.type), () if args == ("void",) else args)
    defines = {name: int(value) for name, value in _DEFINE.findall(text)}
    return Header(functions, typedefs, structs, defines)


def _spell(node) -> str:
    """A pycparser type node as C text without the declared name, e.g. ``const struct s *``."""
    from pycparser import c_ast

    if isinstance(node, c_ast.PtrDecl):
        return _spell(node.type) + " *" + "".join(f" {q}" for q in node.quals)
    base = node.type
    name = " ".join(base.names) if isinstance(base, c_ast.IdentifierType) else f"struct {base.name}"
    return " ".join([*node.quals, name])
