"""The Fortran side of the C ABI, generated from include/hpkern.h: ``generate(header)`` returns the
text of the region between ``BEGIN_MARKER`` and ``END_MARKER`` in bindings/fortran/hpkern.f90
(scripts/gen-bindings.py puts it there): the header's integer constants as parameters and one
``bind(C)`` interface per exported function. The hand-written rest of the module (the wrappers on
ordinary arrays, the string helpers) uses them.

Mapping rules (the module's header comment states them for users):

- Types: ``int32_t``, ``uint32_t`` and the typedefs of ``uint32_t`` (``hpk_status``,
  ``hpk_boundary``) -> ``integer(c_int32_t)``; ``int64_t``, ``uint64_t`` -> ``integer(c_int64_t)``
  (unsigned values >= 2**63 travel as their two's complement); ``size_t`` -> ``integer(c_size_t)``;
  ``double`` -> ``real(c_double)``; ``bool`` -> ``logical(c_bool)``; a struct of two doubles
  (``hpk_complex``: C99 ``double _Complex``'s layout) -> ``complex(c_double_complex)``.
- Scalars are passed by ``value``. A pointer is OPTIONAL (absent = NULL), ``intent(in)`` when it
  points to const, ``intent(inout)`` otherwise (outputs are left untouched on errors, so never
  ``intent(out)``). It is an assumed-size array ``(*)`` when the function also takes a ``size_t``
  by value (a count or dimension) and it does not point to ``size_t`` (a ``size_t *`` reports a
  count); otherwise it is a scalar by reference. A ``char *`` parameter would be a C string
  (``character(kind=c_char)`` array).
- A function pointer (a typedef such as ``hpk_progress_fn``) is ``type(c_funptr), value``.
- A pointer to a struct declared without fields (an opaque handle, ``hpk_prime_stream *``) is
  ``type(c_ptr), value``; a pointer to such a pointer (where a function stores a new handle) is
  ``type(c_ptr), intent(inout), optional``: a ``type(c_ptr)`` variable that receives it.
- A function returning ``const char *`` returns ``type(c_ptr)`` (hpk_c_string converts it); one
  returning ``void`` is a subroutine.
- Constants: ``HPK_OK``/``HPK_ERR_*`` are ``hpk_status`` values and ``HPK_<TYPEDEF>_*`` values of
  that typedef (``HPK_BOUNDARY_*``: ``hpk_boundary``); a constant named like a function (case
  does not matter in Fortran) is that function's result type and gets ``HPK_HEADER_`` for
  ``HPK_`` (``HPK_ABI_VERSION`` -> ``HPK_HEADER_ABI_VERSION``, beside ``hpk_abi_version()``); the
  others (``HPK_VERSION_*``) are default ``integer``.
- Names are the header's, except the parameters in ``_RENAMED_PARAMETERS``.

Adding an export, a status or a constant to the header needs no change here; a parameter or
return type not in the table above raises ``ValueError`` naming it.
"""

from __future__ import annotations

import textwrap

import abi_header

BEGIN_MARKER = "! BEGIN GENERATED from include/hpkern.h by scripts/gen-bindings.py: do not edit"
END_MARKER = "! END GENERATED"

INDENT = "   "  # one level, as in the rest of the module
WIDTH = 110  # code lines are continued past this width (Fortran's limit is 132)
PROSE_WIDTH = 100  # generated comments are wrapped at this width

# C scalar type (typedefs resolved) -> (Fortran type, iso_c_binding kind it needs).
_SCALARS = {
    "int32_t": ("integer(c_int32_t)", "c_int32_t"),
    "uint32_t": ("integer(c_int32_t)", "c_int32_t"),
    "int64_t": ("integer(c_int64_t)", "c_int64_t"),
    "uint64_t": ("integer(c_int64_t)", "c_int64_t"),
    "size_t": ("integer(c_size_t)", "c_size_t"),
    "double": ("real(c_double)", "c_double"),
    "float": ("real(c_float)", "c_float"),
    "bool": ("logical(c_bool)", "c_bool"),
    "char": ("character(kind=c_char)", "c_char"),
}
# A struct with these fields has the layout of a C99 complex type.
_COMPLEX_STRUCTS = {
    (("re", "double"), ("im", "double")): ("complex(c_double_complex)", "c_double_complex"),
    (("re", "float"), ("im", "float")): ("complex(c_float_complex)", "c_float_complex"),
}
# The names the hand-written module gave hpk_diffusion_evolve's `in` and `out`, kept because
# callers may pass them by keyword (and `intent(in) :: in` reads badly).
_RENAMED_PARAMETERS = {"in": "grid_in", "out": "grid_out"}


def generate(header: abi_header.Header) -> str:
    """The Fortran text between the markers: module-level declarations, indented one level."""
    return "\n".join([*_constants(header), "", *_interfaces(header)]) + "\n"


# -- constants ----------------------------------------------------------------------------------

def _constant_type(header: abi_header.Header, name: str) -> tuple[str | None, str]:
    """(the C type a constant is a value of, or None for a plain integer; its Fortran name)."""
    function = header.functions.get(name.lower())
    if function is not None:
        return function.returns, "HPK_HEADER_" + name.removeprefix("HPK_")
    if name in header.statuses:
        return "hpk_status", name
    for typedef in header.typedefs:
        if name.startswith(typedef.upper() + "_"):
            return typedef, name
    return None, name


def _constants(header: abi_header.Header) -> list[str]:
    lines = [f"{INDENT}! Constants: the header's #define HPK_* values."]
    group = None
    for name, value in header.defines.items():
        ctype, fname = _constant_type(header, name)
        if ctype is not None and ctype != group and header.docs.get(ctype):
            # The first constant of a typedef's group: the typedef's own documentation.
            lines += ["", *_wrapped(f"Values of {ctype}. {header.docs[ctype]}", f"{INDENT}! ")]
        if name in header.docs:
            lines.append("")
        group = ctype
        lines += _doc(header.docs.get(name, ""))
        if fname != name:
            lines += _wrapped(f"{name} in the header, renamed: Fortran names are case-insensitive, "
                              f"and it would clash with the function {name.lower()}.")
        ftype = _fortran_type(header, ctype)[0] if ctype is not None else "integer"
        lines.append(f"{INDENT}{ftype}, parameter, public :: {fname} = {value}")
    return lines


# -- interfaces ---------------------------------------------------------------------------------

def _interfaces(header: abi_header.Header) -> list[str]:
    names = list(header.functions)
    lines = [f"{INDENT}! Raw interfaces: one per export, the header's names and argument order."]
    lines += _wrap(f"{INDENT}public :: ", names, "", INDENT + " " * len("public :: "))
    lines += ["", f"{INDENT}interface"]
    for i, function in enumerate(header.functions.values()):
        if i:
            lines.append("")
        lines += _interface(header, function)
    lines.append(f"{INDENT}end interface")
    return lines


def _interface(header: abi_header.Header, function: abi_header.Function) -> list[str]:
    ind = INDENT * 2
    body = INDENT * 3
    takes_size = any(_resolve(header, p.ctype) == "size_t" for p in function.params)
    kinds: set[str] = set()
    declarations: list[tuple[str, str]] = []  # (type and attributes, entity), in argument order
    for param in function.params:
        name = _RENAMED_PARAMETERS.get(param.name, param.name)
        spec, entity = _dummy(header, function, param, name, takes_size, kinds)
        declarations.append((spec, entity))
    args = [entity.removesuffix("(*)") for _, entity in declarations]

    subroutine = function.returns == "void"
    if not subroutine:
        result_type = _result_type(header, function, kinds)
        result = _result_name(function, args)
    kind_word = "subroutine" if subroutine else "function"

    lines = _doc(_summary(function), ind)
    renamed = [(p.name, _RENAMED_PARAMETERS[p.name]) for p in function.params
               if p.name in _RENAMED_PARAMETERS]
    if renamed:
        lines += _wrapped("The header's " + ", ".join(f"`{c}`" for c, _ in renamed) + " are "
                          + ", ".join(f for _, f in renamed) + " here.", f"{ind}!> ")
    unsigned = [a for p, a in zip(function.params, args)
                if _resolve(header, p.ctype.rstrip(" *")) == "uint64_t"]
    if unsigned:
        lines += _wrapped("uint64_t values as integer(c_int64_t) (see the module header): "
                          + ", ".join(unsigned) + ".", f"{ind}!> ")
    head = f"{ind}{kind_word} {function.name}(" + ", ".join(args) + ")"
    head += "" if subroutine else f" result({result})"
    bind = f'bind(C, name="{function.name}")'
    if len(head) + 1 + len(bind) <= WIDTH:
        lines.append(f"{head} {bind}")
    elif len(head) + 2 <= WIDTH:
        lines += [f"{head} &", f"{body}{bind}"]
    else:  # a long argument list: one continuation line per WIDTH
        lines += _wrap(f"{ind}{kind_word} {function.name}(", args,
                       ")" + ("" if subroutine else f" result({result})") + " &", body)
        lines.append(f"{body}{bind}")
    if kinds:
        lines += _wrap(f"{body}import :: ", sorted(kinds), "", body + " " * len("import :: "))
    # Consecutive arguments with the same type and attributes share a declaration.
    i = 0
    while i < len(declarations):
        j = i
        while j + 1 < len(declarations) and declarations[j + 1][0] == declarations[i][0]:
            j += 1
        spec = declarations[i][0]
        lines += _wrap(f"{body}{spec} :: ", [e for _, e in declarations[i:j + 1]], "",
                       body + " " * len(f"{spec} :: "))
        i = j + 1
    if not subroutine:
        lines.append(f"{body}{result_type} :: {result}")
    lines.append(f"{ind}end {kind_word} {function.name}")
    return lines


def _dummy(header: abi_header.Header, function: abi_header.Function, param: abi_header.Param, name: str,
           takes_size: bool, kinds: set[str]) -> tuple[str, str]:
    """(type and attributes, entity) of one dummy argument."""
    ctype = param.ctype.strip()
    if "(*)" in _resolve(header, ctype):
        kinds.add("c_funptr")  # a C function pointer: c_funloc of a bind(C) procedure, or c_null_funptr
        return "type(c_funptr), value", name
    if not ctype.endswith("*"):
        ftype, kind = _fortran_type(header, ctype, function.name)
        kinds.add(kind)
        return f"{ftype}, value", name
    pointee = ctype[:-1].strip()
    const = pointee.startswith("const ")
    pointee = pointee.removeprefix("const ").strip()
    if _is_opaque(header, pointee):
        kinds.add("c_ptr")  # a handle (hpk_prime_stream *): the address it holds
        return "type(c_ptr), value", name
    if pointee.endswith("*") and _is_opaque(header, pointee[:-1].strip()):
        kinds.add("c_ptr")  # where a function stores a new handle: a type(c_ptr) variable
        return "type(c_ptr), intent(inout), optional", name
    if pointee.endswith("*") or pointee == "void":
        kinds.add("c_ptr")  # a pointer to pointers or untyped memory: the address itself
        return "type(c_ptr), value", name
    ftype, kind = _fortran_type(header, pointee, function.name)
    kinds.add(kind)
    array = pointee == "char" or (takes_size and _resolve(header, pointee) != "size_t")
    intent = "in" if const else "inout"
    return f"{ftype}, intent({intent}), optional", name + ("(*)" if array else "")


def _is_opaque(header: abi_header.Header, ctype: str) -> bool:
    """Whether a C type is a struct declared without fields (the type of a handle)."""
    base = _resolve(header, ctype)
    return (base.startswith("struct ") and not base.endswith("*")
            and base.removeprefix("struct ").strip() not in header.structs)


def _result_type(header: abi_header.Header, function: abi_header.Function, kinds: set[str]) -> str:
    returns = function.returns.strip()
    if returns.endswith("*"):
        kinds.add("c_ptr")  # const char *: text owned by the library
        return "type(c_ptr)"
    ftype, kind = _fortran_type(header, returns, function.name)
    kinds.add(kind)
    return ftype


def _result_name(function: abi_header.Function, args: list[str]) -> str:
    """The result variable: `status` for an hpk_status, `text` for a C string, else `value`."""
    returns = function.returns.strip()
    name = "status" if returns == "hpk_status" else "text" if returns.endswith("*") else "value"
    while name.lower() in (a.lower() for a in args):
        name += "_"
    return name


def _resolve(header: abi_header.Header, ctype: str) -> str:
    """A C type with const and typedefs removed, e.g. "hpk_status" -> "uint32_t"."""
    ctype = ctype.removeprefix("const ").strip()
    seen = set()
    while ctype in header.typedefs and ctype not in seen:
        seen.add(ctype)
        ctype = header.typedefs[ctype].removeprefix("const ").strip()
    return ctype


def _fortran_type(header: abi_header.Header, ctype: str, where: str = "") -> tuple[str, str]:
    """(Fortran type, kind to import) of a C scalar or struct type."""
    base = _resolve(header, ctype)
    if base in _SCALARS:
        return _SCALARS[base]
    if base.startswith("struct "):
        fields = header.structs.get(base.removeprefix("struct ").strip())
        if fields in _COMPLEX_STRUCTS:
            return _COMPLEX_STRUCTS[fields]
    raise ValueError(f"scripts/abi_fortran.py has no Fortran type for the C type {ctype!r}"
                     + (f" (in {where})" if where else "") + ": add it to its mapping")


# -- text ---------------------------------------------------------------------------------------

def _summary(function: abi_header.Function) -> str:
    """The first paragraph of a function's documentation."""
    return function.doc.strip().split("\n\n")[0] if function.doc.strip() else ""


def _doc(text: str, indent: str = INDENT) -> list[str]:
    """The header's documentation as ``!>`` lines, with the header's line breaks (a line too long
    for Fortran is wrapped)."""
    lines = []
    for line in text.strip().splitlines() if text.strip() else []:
        if not line.strip():
            lines.append(f"{indent}!>")
        elif len(f"{indent}!> {line}") < 132:
            lines.append(f"{indent}!> {line.rstrip()}")
        else:
            lines += _wrapped(line, f"{indent}!> ")
    return lines


def _wrapped(text: str, prefix: str = f"{INDENT}!> ") -> list[str]:
    """Generated prose as comment lines of at most PROSE_WIDTH columns, each starting with ``prefix``."""
    return textwrap.wrap(" ".join(text.split()), PROSE_WIDTH, initial_indent=prefix, subsequent_indent=prefix,
                         break_long_words=False, break_on_hyphens=False)


def _wrap(first: str, items: list[str], last: str, continuation: str) -> list[str]:
    """``first`` + the items joined by ", " + ``last``, continued with `&` past WIDTH columns."""
    lines, line = [], first
    for i, item in enumerate(items):
        piece = item + (", " if i + 1 < len(items) else last)
        if len(line) + len(piece.rstrip()) > WIDTH - 2 and line.strip() not in ("", first.strip()):
            lines.append(line.rstrip() + " &")
            line = continuation
        line += piece
    lines.append(line.rstrip())
    return lines
