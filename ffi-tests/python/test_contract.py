"""The Python side against include/hpkern.h: declarations, constants, ABI, library lookup, and
the package's public surface."""

import ctypes
import inspect
import subprocess
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int32, c_size_t, c_uint32, c_uint64
from pathlib import Path

import abi_header
import pytest
from conftest import HEADER, HEADER_INFO, INSTALLED, REPO

import hpkern
from hpkern import _abi, _loader

CTYPES_OF = {"double": c_double, "size_t": c_size_t, "uint64_t": c_uint64, "uint32_t": c_uint32,
             "int32_t": c_int32, "bool": c_bool}
only_ctypes = pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)
only_cffi = pytest.mark.parametrize("hpk", ["cffi"], indirect=True)


def expected_ctype(spelled, module):
    """The ctypes type a C type from the header must be declared as."""
    spelled = spelled.replace("const ", "")
    if spelled == "int32_t (*)(void *, uint64_t, uint64_t)":  # hpk_progress_fn
        return ctypes.CFUNCTYPE(c_int32, ctypes.c_void_p, c_uint64, c_uint64)
    if spelled == "void *":
        return ctypes.c_void_p
    if spelled == "char *":
        return c_char_p
    if spelled.endswith(" *"):
        pointee = HEADER_INFO.typedefs.get(spelled[:-2], spelled[:-2])
        if pointee.startswith("struct ") and pointee.removeprefix("struct ") not in HEADER_INFO.structs \
                and not pointee.endswith("*"):
            return ctypes.c_void_p  # a handle to a struct without fields (hpk_prime_stream *)
        return POINTER(expected_ctype(spelled[:-2], module))
    if spelled in HEADER_INFO.typedefs:
        return expected_ctype(HEADER_INFO.typedefs[spelled], module)
    if spelled == "struct hpk_complex":
        return module.HpkComplex
    if spelled == "void":
        return None
    return CTYPES_OF[spelled]


def test_header_declares_exactly_what_the_library_exports(hpk):
    symbols = subprocess.run(["nm", "-D", "--defined-only", hpkern.library_path()], check=True,
                             capture_output=True, text=True).stdout.split()
    exported = {name for name in symbols if name.startswith("hpk_")}
    assert set(HEADER_INFO.functions) == exported
    assert HEADER_INFO.functions["hpk_version"].returns == "const char *"
    assert HEADER_INFO.functions["hpk_version"].params == ()
    evolve = HEADER_INFO.functions["hpk_diffusion_evolve"].params
    assert [(p.name, p.ctype) for p in evolve[:2]] == [("in", "const double *"), ("out", "double *")]


def test_generated_declarations_match_the_header(hpk):
    """hpkern/_abi.py is what scripts/gen-bindings.py makes of the header today (drift check)."""
    text = HEADER.read_text()
    assert _abi.CDEF == abi_header.cdef(text)
    assert _abi.FUNCTIONS == {f.name: (f.returns, tuple((p.name, p.ctype) for p in f.params))
                              for f in HEADER_INFO.functions.values()}
    assert _abi.TYPEDEFS == HEADER_INFO.typedefs and _abi.STRUCTS == HEADER_INFO.structs
    assert {name: getattr(_abi, name) for name in HEADER_INFO.defines} == HEADER_INFO.defines


@only_ctypes
def test_ctypes_prototypes_match_the_header(hpk):
    module = hpk.module
    assert set(module.PROTOTYPES) == set(HEADER_INFO.functions)
    for name, function in HEADER_INFO.functions.items():
        declared_restype, declared_args = module.PROTOTYPES[name]
        assert declared_restype is expected_ctype(function.returns, module), name
        assert len(declared_args) == len(function.params), name
        for i, (declared, param) in enumerate(zip(declared_args, function.params, strict=True)):
            assert declared is expected_ctype(param.ctype, module), f"{name} argument {i}: {param}"
        c_function = getattr(module.lib, name)
        assert c_function.restype is declared_restype and c_function.argtypes == declared_args


@only_ctypes
def test_opaque_handles_are_addresses_and_their_out_parameters_pointers_to_them(hpk):
    assert "hpk_prime_stream" not in HEADER_INFO.structs  # declared without fields
    restype, args = hpk.module.PROTOTYPES["hpk_prime_stream_new"]
    assert args[2] is POINTER(ctypes.c_void_p)
    assert hpk.module.PROTOTYPES["hpk_prime_stream_next"][1][0] is ctypes.c_void_p
    assert hpk.module.PROTOTYPES["hpk_prime_stream_free"][0] is None


@only_ctypes
def test_ctypes_struct_matches_the_header(hpk):
    fields = HEADER_INFO.structs["hpk_complex"]
    assert [(n, expected_ctype(t, hpk.module)) for n, t in fields] == hpk.module.HpkComplex._fields_
    assert ctypes.sizeof(hpk.module.HpkComplex) == 16


@only_ctypes
@pytest.mark.parametrize("case", ["writable", "read-only", "empty", "fortran-transposed"])
def test_ctypes_pointers_point_at_the_array_data(hpk, case):
    """Both ways _pointer_to builds a pointer (from_buffer, or the address for read-only and
    empty arrays) give the address of the array's first element, typed as the parameter."""
    import numpy as np
    array = {"writable": lambda: np.arange(12.0).reshape(3, 4),
             "read-only": lambda: np.arange(12.0).reshape(3, 4),
             "empty": lambda: np.zeros(0),
             "fortran-transposed": lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)).T}[case]()
    if case == "read-only":
        array.flags.writeable = False
    pointer = hpk.module._pointer_to(array, POINTER(c_double))
    assert type(pointer._obj) is c_double
    assert ctypes.addressof(pointer._obj) == array.__array_interface__["data"][0]
    if array.size:
        assert pointer._obj.value == array.flat[0]


@only_cffi
def test_cffi_declarations_match_the_header(hpk, ctypes_api):
    ffi, lib = hpk.module.ffi, hpk.module.lib
    for name, function in HEADER_INFO.functions.items():
        ctype = ffi.typeof(getattr(lib, name))
        assert len(ctype.args) == len(function.params), name
        for arg, param in zip(ctype.args, function.params, strict=True):
            assert ffi.sizeof(arg) == ctypes.sizeof(expected_ctype(param.ctype, ctypes_api.module))
    assert ffi.sizeof("struct hpk_complex") == 16
    for name, value in HEADER_INFO.defines.items():
        assert getattr(lib, name) == value


def test_constants_match_the_header_defines(hpk):
    defines = HEADER_INFO.defines
    assert hpk.STATUS_NAMES == {value: name for name, value in HEADER_INFO.statuses.items()}
    assert hpk.ABI_VERSION == defines["HPK_ABI_VERSION"] == _loader.ABI_VERSION
    assert hpk.BOUNDARY_FIXED == defines["HPK_BOUNDARY_FIXED"]
    assert hpk.BOUNDARY_PERIODIC == defines["HPK_BOUNDARY_PERIODIC"]


def test_version_is_the_library_version(hpk):
    d = HEADER_INFO.defines
    header_version = f"{d['HPK_VERSION_MAJOR']}.{d['HPK_VERSION_MINOR']}.{d['HPK_VERSION_PATCH']}"
    assert hpk.__version__ == header_version
    hpkern.use_backend(hpk.name)
    assert hpkern._backend.active().call("hpk_version") == header_version


def test_public_functions_are_real_typed_module_functions(hpk):
    """What help(), IDEs and type checkers see: plain functions with their own signatures and
    docstrings, every parameter and the return annotated."""
    functions = [name for name in hpkern.__all__ if inspect.isfunction(getattr(hpkern, name))]
    assert len(functions) >= 16
    for name in functions:
        function = getattr(hpkern, name)
        assert function.__module__.startswith("hpkern._") and function.__name__ == name
        assert function.__doc__ and len(function.__doc__) > 30, name
        signature = inspect.signature(function)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for parameter in signature.parameters.values():
            assert parameter.annotation is not inspect.Signature.empty, f"{name}({parameter.name})"
    assert str(inspect.signature(hpkern.julia_grid)).startswith("(width: 'int', height: 'int', *, x1:")
    assert (Path(hpkern.__file__).parent / "py.typed").is_file()
    assert all(hasattr(hpkern, name) for name in hpkern.__all__)


def test_backend_can_be_chosen(hpk):
    hpkern.use_backend(hpk.name)
    assert hpkern.backend_name() == hpk.name
    with pytest.raises(ValueError, match="backend must be one of 'ctypes', 'cffi', got 'numba'"):
        hpkern.use_backend("numba")
    assert hpkern.backend_name() == hpk.name


def test_library_is_the_expected_build(hpk):
    """From the source tree, the repository's build; installed, the copy the wheel bundles."""
    if INSTALLED:
        assert hpk.library_path() == str(Path(hpkern.__file__).parent / "libhpkern.so")
    else:
        assert hpk.library_path() == str(REPO / "target" / "release" / "libhpkern.so")


def test_missing_library_lists_every_place_tried(hpk, monkeypatch):
    def refuse(path):
        raise OSError("refused by the test")

    monkeypatch.delenv(_loader.LIBRARY_ENV, raising=False)
    with pytest.raises(ImportError) as info:
        _loader.load(refuse)
    text = str(info.value)
    for place in ("package directory", "repository build: " + str(_loader._REPO_LIBRARY),
                  f"system loader: libhpkern.so.{_abi.ABI_VERSION}", "refused by the test",
                  "make lib", "pip install", "HPKERN_LIBRARY"):
        assert place in text


def test_explicit_library_path_is_used_alone(hpk, monkeypatch):
    monkeypatch.setenv(_loader.LIBRARY_ENV, "/nonexistent/libhpkern.so")
    with pytest.raises(ImportError, match=r"\$HPKERN_LIBRARY: /nonexistent/libhpkern.so: no such file"):
        _loader.load(hpk.module._open)
    monkeypatch.setenv(_loader.LIBRARY_ENV, hpk.library_path())
    _, path = _loader.load(hpk.module._open)
    assert path == hpk.library_path()


def test_a_library_that_is_not_hpkern_is_refused(hpk, monkeypatch):
    monkeypatch.setenv(_loader.LIBRARY_ENV, "libm.so.6")
    with pytest.raises(ImportError, match="libm.so.6: .*hpk_abi_version"):
        _loader.load(hpk.module._open)


def test_a_library_with_another_abi_is_refused(hpk, monkeypatch):
    monkeypatch.setattr(_loader, "ABI_VERSION", 2)
    monkeypatch.setenv(_loader.LIBRARY_ENV, hpk.library_path())
    message = "has ABI version 1, but these Python bindings were written for ABI 2"
    with pytest.raises(ImportError, match=message):
        _loader.load(hpk.module._open)


def test_cdef_strips_everything_cffi_cannot_read(hpk):
    cdef = _abi.CDEF
    for gone in ("/*", "//", "#include", "#ifndef", "#ifdef", "#endif", "extern", "__cplusplus"):
        assert gone not in cdef
    assert "#define HPK_ERR_OVERLAP 4\n" in cdef
    assert "typedef uint32_t hpk_status;" in cdef
