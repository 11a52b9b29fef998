"""Shared fixtures: every test runs against a backend, given by the ``hpk`` fixture.

``hpk`` is the hpkern API with one backend active, ctypes or cffi (see BackendUnderTest); tests
use it with both (the default) or pin one with
``@pytest.mark.parametrize("hpk", ["cffi"], indirect=True)``.
Each test is marked with its backend (``-m ctypes`` runs one backend's tests), and
``--backend-summary=PATH`` writes one line per backend to PATH: ``ctypes: N passed, N failed``.
A test that does not use ``hpk`` is a collection error, so every test is counted for a backend.

The package under test is the source tree's (bindings/python, put first on sys.path here), or,
with HPKERN_TEST_INSTALLED=1, the one installed in the running Python (the wheel test runs the
suite that way, from a directory outside the repository).
"""

import functools
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

BACKENDS = ("ctypes", "cffi")
REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "include" / "hpkern.h"
INSTALLED = os.environ.get("HPKERN_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, str(REPO / "bindings" / "python"))
sys.path.insert(0, str(REPO / "scripts"))  # abi_header: the tests read the header with it

import abi_header  # noqa: E402
import hpkern  # noqa: E402

#: The header's declarations, parsed independently of the generated hpkern._abi.
HEADER_INFO = abi_header.parse(HEADER.read_text())
if INSTALLED:
    assert REPO not in Path(hpkern.__file__).resolve().parents, \
        f"HPKERN_TEST_INSTALLED=1 but hpkern comes from the repository: {hpkern.__file__}"


class BackendUnderTest:
    """The hpkern API through one backend: ``hpk.evolve(...)`` is ``hpkern.evolve(...)`` with
    that backend made active first, so two of these can be used side by side in one test.
    Other attributes are hpkern's; ``hpk.module`` is the backend's module (lib, ffi, ...)."""

    __name__ = "hpkern"

    def __init__(self, name: str):
        self.name = name
        self.module = importlib.import_module(f"hpkern._{name}_backend")

    def __getattr__(self, attr):
        value = getattr(hpkern, attr)
        if not callable(value) or isinstance(value, type):
            return value

        @functools.wraps(value)
        def through_backend(*args, **kwargs):
            hpkern.use_backend(self.name)
            return value(*args, **kwargs)
        return through_backend

SUBPROCESS_TIMEOUT = 120


def child_environment(hpk, env: dict[str, str | None]) -> dict[str, str]:
    """The environment for a new Python process that imports the same hpkern with hpk's backend
    active: this one's, changed by ``env`` (None unsets a variable)."""
    child_env = dict(os.environ, HPKERN_BACKEND=hpk.name)
    for name, value in env.items():
        child_env.pop(name, None)
        if value is not None:
            child_env[name] = value
    if not INSTALLED:  # sys.path is not inherited
        child_env["PYTHONPATH"] = str(Path(hpkern.__file__).resolve().parents[1])
    return child_env


def run_python(hpk, script: str, env: dict[str, str | None]) -> str:
    """Run ``script`` (``{module}`` names the module to import as hpk) in a new Python process
    with hpk's backend and the environment changed by ``env``; return its stdout."""
    child_env = child_environment(hpk, env)
    out = subprocess.run([sys.executable, "-c", script.format(module="hpkern")], env=child_env,
                         capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    assert out.returncode == 0, out.stderr
    return out.stdout


_backend_of: dict[str, str] = {}
_passed: set[str] = set()
_failed: set[str] = set()


@pytest.fixture(params=BACKENDS)
def hpk(request):
    """The API through the backend under test."""
    yield BackendUnderTest(request.param)
    hpkern.use_backend("ctypes")


@pytest.fixture(scope="session")
def ctypes_api():
    """The API through the reference backend, to compare the cffi one with."""
    return BackendUnderTest("ctypes")


def pytest_addoption(parser):
    parser.addoption("--backend-summary", metavar="PATH",
                     help="write 'BACKEND: N passed, N failed' for each backend to PATH")


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("hpk") if callspec else None
        if backend not in BACKENDS:
            raise pytest.UsageError(f"{item.nodeid} does not use the hpk fixture: "
                                    "every test must run against a backend")
        item.add_marker(backend)
        _backend_of[item.nodeid] = backend


def pytest_runtest_logreport(report):
    if report.failed:  # in setup, call or teardown
        _failed.add(report.nodeid)
    elif report.when == "call" and report.passed:
        _passed.add(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("backend_summary")
    if not path:
        return
    lines = []
    for backend in BACKENDS:
        ran = {node for node, b in _backend_of.items() if b == backend}
        failed = len(ran & _failed)
        lines.append(f"{backend}: {len(ran & _passed - _failed)} passed, {failed} failed\n")
    Path(path).write_text("".join(lines))
