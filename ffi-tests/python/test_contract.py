"""The Python side against include/hpkern.h: prototypes, constants, ABI, library/header lookup."""

import ctypes
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int32, c_size_t, c_uint32, c_uint64

import pytest
from conftest import HEADER, REPO
from hpkern import _common, _header, _loader

HEADER_INFO = _header.parse(HEADER.read_text())
CTYPES_OF = {"double": c_double, "size_t": c_size_t, "uint64_t": c_uint64, "uint32_t": c_uint32,
             "int32_t": c_int32, "bool": c_bool}
only_ctypes = pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)
only_cffi = pytest.mark.parametrize("hpk", ["cffi"], indirect=True)


def expected_ctype(spelled, hpk):
    """The ctypes type a C type from the header must be declared as."""
    spelled = spelled.replace("const ", "")
    if spelled == "char *":
        return c_char_p
    if spelled.endswith(" *"):
        return POINTER(expected_ctype(spelled[:-2], hpk))
    if spelled in HEADER_INFO.typedefs:
        return expected_ctype(HEADER_INFO.typedefs[spelled], hpk)
    if spelled == "struct hpk_complex":
        return hpk.HpkComplex
    return CTYPES_OF[spelled]


def test_header_parses_into_the_known_api(hpk):
    assert "hpk_julia_grid" in HEADER_INFO.functions
    assert HEADER_INFO.functions["hpk_version"] == ("const char *", ())
    assert HEADER_INFO.functions["hpk_diffusion_evolve"][1][:2] == ("const double *", "double *")
    assert len(HEADER_INFO.functions) == 18


@only_ctypes
def test_ctypes_prototypes_match_the_header(hpk):
    assert set(hpk.PROTOTYPES) == set(HEADER_INFO.functions)
    for name, (restype, args) in HEADER_INFO.functions.items():
        declared_restype, declared_args = hpk.PROTOTYPES[name]
        assert declared_restype is expected_ctype(restype, hpk), name
        assert len(declared_args) == len(args), name
        for i, (declared, spelled) in enumerate(zip(declared_args, args, strict=True)):
            assert declared is expected_ctype(spelled, hpk), f"{name} argument {i}: {spelled}"
        function = getattr(hpk.lib, name)
        assert function.restype is declared_restype and function.argtypes == declared_args


@only_ctypes
def test_ctypes_struct_matches_the_header(hpk):
    fields = HEADER_INFO.structs["hpk_complex"]
    assert [(n, expected_ctype(t, hpk)) for n, t in fields] == hpk.HpkComplex._fields_
    assert ctypes.sizeof(hpk.HpkComplex) == 16


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
    pointer = hpk._pointer_to(array, POINTER(c_double))
    assert type(pointer._obj) is c_double
    assert ctypes.addressof(pointer._obj) == array.__array_interface__["data"][0]
    if array.size:
        assert pointer._obj.value == array.flat[0]


@only_cffi
def test_cffi_declarations_come_from_the_header(hpk, ctypes_api):
    assert hpk.header_path.resolve() == HEADER.resolve()
    for name, (_, args) in HEADER_INFO.functions.items():
        ctype = hpk.ffi.typeof(getattr(hpk.lib, name))
        assert len(ctype.args) == len(args), name
        for arg, spelled in zip(ctype.args, args, strict=True):
            assert hpk.ffi.sizeof(arg) == ctypes.sizeof(expected_ctype(spelled, ctypes_api))
    assert hpk.ffi.sizeof("struct hpk_complex") == 16
    for name, value in HEADER_INFO.defines.items():
        assert getattr(hpk.lib, name) == value


def test_constants_match_the_header_defines(hpk):
    defines = HEADER_INFO.defines
    statuses = {v: k for k, v in defines.items() if k == "HPK_OK" or k.startswith("HPK_ERR_")}
    assert hpk.STATUS_NAMES == statuses
    assert hpk.ABI_VERSION == defines["HPK_ABI_VERSION"] == 1
    assert hpk.BOUNDARY_FIXED == defines["HPK_BOUNDARY_FIXED"]
    assert hpk.BOUNDARY_PERIODIC == defines["HPK_BOUNDARY_PERIODIC"]
    assert (_common.HPK_OK, _common.HPK_ERR_BUFFER_TOO_SMALL) == (
        defines["HPK_OK"], defines["HPK_ERR_BUFFER_TOO_SMALL"])


def test_version_is_the_library_version(hpk):
    d = HEADER_INFO.defines
    assert hpk.__version__ == f"{d['HPK_VERSION_MAJOR']}.{d['HPK_VERSION_MINOR']}.{d['HPK_VERSION_PATCH']}"
    import hpkern
    assert hpkern.__version__ == hpk.__version__
    assert hpkern.HpkError is hpk.HpkError is _common.HpkError


@only_ctypes
def test_top_level_package_exposes_the_ctypes_api(hpk):
    import hpkern
    for name in _common.PUBLIC_NAMES:
        assert getattr(hpkern, name) is getattr(hpk, name)
    assert set(hpk.__all__) == set(_common.PUBLIC_NAMES)


def test_library_is_the_repository_build(hpk):
    assert hpk.library_path == str(REPO / "target" / "release" / "libhpkern.so")


def test_missing_library_lists_every_place_tried(hpk, monkeypatch):
    def refuse(path):
        raise OSError("refused by the test")

    monkeypatch.delenv(_loader.LIBRARY_ENV, raising=False)
    with pytest.raises(ImportError) as info:
        _loader.load(refuse)
    text = str(info.value)
    for place in ("package directory", "repository build: " + str(REPO / "target/release/libhpkern.so"),
                  "system loader: libhpkern.so.1", "refused by the test", "make lib", "HPKERN_LIBRARY"):
        assert place in text


def test_explicit_library_path_is_used_alone(hpk, monkeypatch):
    monkeypatch.setenv(_loader.LIBRARY_ENV, "/nonexistent/libhpkern.so")
    with pytest.raises(ImportError, match=r"\$HPKERN_LIBRARY: /nonexistent/libhpkern.so: no such file"):
        _loader.load(hpk._open)
    monkeypatch.setenv(_loader.LIBRARY_ENV, hpk.library_path)
    _, path = _loader.load(hpk._open)
    assert path == hpk.library_path


def test_a_library_that_is_not_hpkern_is_refused(hpk, monkeypatch):
    monkeypatch.setenv(_loader.LIBRARY_ENV, "libm.so.6")
    with pytest.raises(ImportError, match="libm.so.6: .*hpk_abi_version"):
        _loader.load(hpk._open)


def test_a_library_with_another_abi_is_refused(hpk, monkeypatch):
    monkeypatch.setattr(_common, "ABI_VERSION", 2)
    monkeypatch.setenv(_loader.LIBRARY_ENV, hpk.library_path)
    message = "has ABI version 1, but these Python bindings were written for ABI 2"
    with pytest.raises(ImportError, match=message):
        _loader.load(hpk._open)


@only_cffi
def test_header_lookup(hpk, monkeypatch):
    packaged = REPO / "bindings" / "python" / "hpkern" / "hpkern.h"
    assert packaged.read_text() == HEADER.read_text()
    monkeypatch.delenv(_header.HEADER_ENV, raising=False)
    assert _header.find() == HEADER
    monkeypatch.setenv(_header.HEADER_ENV, "/nonexistent/hpkern.h")
    with pytest.raises(ImportError, match=r"\$HPKERN_HEADER: /nonexistent/hpkern.h: no such file"):
        _header.find()


@only_cffi
def test_cdef_strips_everything_cffi_cannot_read(hpk):
    cdef = _header.cdef(HEADER.read_text())
    for gone in ("/*", "//", "#include", "#ifndef", "#ifdef", "#endif", "extern", "__cplusplus"):
        assert gone not in cdef
    assert "#define HPK_ERR_OVERLAP 4\n" in cdef
    assert "typedef uint32_t hpk_status;" in cdef
