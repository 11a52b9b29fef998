"""Shared fixtures: every test runs against a backend, given by the ``hpk`` fixture.

``hpk`` is the backend module, hpkern.ctypes_api or hpkern.cffi_api; tests use it with both
(the default) or pin one with ``@pytest.mark.parametrize("hpk", ["cffi"], indirect=True)``.
Each test is marked with its backend (``-m ctypes`` runs one backend's tests), and
``--backend-summary=PATH`` writes one line per backend to PATH: ``ctypes: N passed, N failed``.
A test that does not use ``hpk`` is a collection error, so every test is counted for a backend.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

BACKENDS = ("ctypes", "cffi")
REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "include" / "hpkern.h"

SUBPROCESS_TIMEOUT = 120


def run_python(hpk, script: str, env: dict[str, str | None]) -> str:
    """Run ``script`` (``{module}`` names hpk's backend module) in a new Python process whose
    environment differs from this one by ``env`` (None unsets a variable); return its stdout."""
    child_env = dict(os.environ)
    for name, value in env.items():
        child_env.pop(name, None)
        if value is not None:
            child_env[name] = value
    child_env["PYTHONPATH"] = str(Path(hpk.__file__).resolve().parents[1])  # pytest's isn't inherited
    out = subprocess.run([sys.executable, "-c", script.format(module=hpk.__name__)], env=child_env,
                         capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    assert out.returncode == 0, out.stderr
    return out.stdout


_backend_of: dict[str, str] = {}
_passed: set[str] = set()
_failed: set[str] = set()


@pytest.fixture(params=BACKENDS)
def hpk(request):
    """The backend module under test."""
    return importlib.import_module(f"hpkern.{request.param}_api")


@pytest.fixture(scope="session")
def ctypes_api():
    """The reference backend, to compare the cffi one with."""
    return importlib.import_module("hpkern.ctypes_api")


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
