"""Read include/hpkern.h, the one description of the C ABI, for the generators of the other
languages' declarations (scripts/gen-bindings.py) and for the tests that compare with it.

``parse(text)`` gives the functions (with parameter names and C types spelled as in the header),
typedefs, structs and ``#define HPK_* <integer>`` constants, each with its doc comment, in header
order. ``cdef(text)`` is the header reduced to what ``cffi.FFI.cdef`` accepts. Parsing is done by
pycparser (a dependency of cffi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Integer constants: the only preprocessor lines the cdef keeps (cffi understands them).
_DEFINE = re.compile(r"^#define\s+(HPK_\w+)\s+(\d+)\s*$", re.MULTILINE)
# `#ifdef __cplusplus ... #endif` blocks: the `extern "C" {` guard and its closing brace.
_CPLUSPLUS_BLOCK = re.compile(r"^#ifdef __cplusplus\b.*?^#endif\b[^\n]*", re.MULTILINE | re.DOTALL)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"//[^\n]*")
_PREPROCESSOR_LINE = re.compile(r"^[ \t]*#[^\n]*\n?", re.MULTILINE)
# A doc comment (/** ... */) followed by the start of the next declaration.
_DOC_THEN_DECL = re.compile(r"/\*\*(?P<doc>.*?)\*/\s*(?P<decl>[^\n]*)", re.DOTALL)

# What pycparser needs to know beyond the header (cffi knows these types itself).
_PRELUDE_TYPES = {"bool": "int", "size_t": "unsigned long", "int32_t": "int",
                  "uint32_t": "unsigned int", "uint64_t": "unsigned long"}
_PRELUDE = "".join(f"typedef {c} {name};\n" for name, c in _PRELUDE_TYPES.items())


@dataclass(frozen=True)
class Param:
    name: str
    ctype: str  # e.g. "const double *", "uint64_t", "struct hpk_complex *"


@dataclass(frozen=True)
class Function:
    name: str
    returns: str
    params: tuple[Param, ...]  # () for (void)
    doc: str


@dataclass(frozen=True)
class Header:
    """The declarations of hpkern.h, in header order.

    - ``functions``: name -> Function;
    - ``typedefs``: alias -> type, e.g. ``"hpk_status" -> "uint32_t"``;
    - ``structs``: struct tag -> ((field name, type), ...);
    - ``defines``: ``HPK_*`` integer constant -> value;
    - ``docs``: the doc comment of each define, typedef and struct, by name (may be "").
    """

    functions: dict[str, Function]
    typedefs: dict[str, str]
    structs: dict[str, tuple[tuple[str, str], ...]]
    defines: dict[str, int]
    docs: dict[str, str]

    @property
    def statuses(self) -> dict[str, int]:
        """HPK_OK and the HPK_ERR_* codes, by name."""
        return {n: v for n, v in self.defines.items() if n == "HPK_OK" or n.startswith("HPK_ERR_")}


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


def _clean_doc(raw: str) -> str:
    lines = [re.sub(r"^\s*\*? ?", "", line).rstrip() for line in raw.strip("\n").splitlines()]
    return "\n".join(lines).strip()


def _docs(text: str) -> dict[str, str]:
    """Doc comment of each declaration, keyed by the name it documents."""
    docs = {}
    for match in _DOC_THEN_DECL.finditer(text):
        decl = match["decl"]
        name = (re.match(r"#define\s+(\w+)", decl) or re.search(r"(\w+)\s*\(", decl)
                or re.search(r"(?:struct|typedef\s+\w+(?:\s+\w+)?)\s+(\w+)", decl))
        if name:
            docs.setdefault(name[1], _clean_doc(match["doc"]))
    return docs


def parse(text: str) -> Header:
    """Parse the header's declarations with pycparser."""
    from pycparser import c_ast, c_parser

    declarations = _DEFINE.sub("", cdef(text))
    ast = c_parser.CParser().parse(_PRELUDE + declarations, filename="hpkern.h")
    docs = _docs(text)
    functions, typedefs, structs = {}, {}, {}
    for node in ast.ext:
        if isinstance(node, c_ast.Typedef) and node.name not in _PRELUDE_TYPES:
            typedefs[node.name] = _spell(node.type)
            if isinstance(node.type.type, c_ast.Struct) and node.type.type.decls:
                struct = node.type.type
                structs[struct.name] = tuple((f.name, _spell(f.type)) for f in struct.decls)
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            raw = node.type.args.params if node.type.args else []
            params = tuple(Param(p.name, _spell(p.type)) for p in raw if p.name is not None)
            functions[node.name] = Function(node.name, _spell(node.type.type), params,
                                            docs.get(node.name, ""))
    defines = {name: int(value) for name, value in _DEFINE.findall(text)}
    return Header(functions, typedefs, structs, defines, docs)


def _spell(node) -> str:
    """A pycparser type node as C text without the declared name, e.g. ``const struct s *``."""
    from pycparser import c_ast

    if isinstance(node, c_ast.PtrDecl) and isinstance(node.type, c_ast.FuncDecl):
        function = node.type  # a function pointer, e.g. "int32_t (*)(void *, uint64_t)"
        params = function.args.params if function.args else []
        return f"{_spell(function.type)} (*)({', '.join(_spell(p.type) for p in params)})"
    if isinstance(node, c_ast.PtrDecl):
        return _spell(node.type) + " *" + "".join(f" {q}" for q in node.quals)
    base = node.type
    name = " ".join(base.names) if isinstance(base, c_ast.IdentifierType) else f"struct {base.name}"
    return " ".join([*node.quals, name])
