"""HPK_FORCE_ISA: each instruction-set path the CPU supports is selectable in a new process, and
every path gives the same answers (Julia counts and primes exactly, diffusion bit for bit)."""

import json
from pathlib import Path

from conftest import run_python

_REPORT = """
import json, numpy as np, {module} as hpk
grid = np.random.default_rng(7).random((301, 257))
hpk.run(grid, 25, boundary="periodic")
fixed = np.random.default_rng(8).random((64, 1000))
hpk.run(fixed, 9)
numbers = np.random.default_rng(9).integers(0, 2**63, 5000, dtype=np.uint64) | np.uint64(1)
print(json.dumps(dict(
    isa=hpk.isa_name(),
    julia=int(hpk.julia_grid(1000, 1000).sum()),
    julia_rows=hpk.julia_grid(123, 77, maxiter=1000).sum(axis=1).tolist(),
    periodic=grid.tobytes().hex(),
    fixed=fixed.tobytes().hex(),
    factor=hpk.smallest_factor_in_range(100109100129100369, 2, 2**32),
    check=[hpk.check_prime(n) for n in (100109100129100151, 112272535095295, 2**61 - 1)],
    batch=np.flatnonzero(hpk.is_prime_batch(numbers)).tolist(),
    count=hpk.count_primes(10**12, 10**12 + 10**6),
)))
"""


def _cpu_flags():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _supported():
    """The paths this CPU can run, as the library decides them (x86-64 feature flags)."""
    flags = _cpu_flags()
    paths = ["scalar"]
    if {"avx2", "fma"} <= flags:
        paths.append("avx2")
        if {"avx512f", "avx512dq", "avx512vl", "avx512bw"} <= flags:
            paths.append("avx512")
    return paths


def _report(hpk, force):
    return json.loads(run_python(hpk, _REPORT, {"HPK_FORCE_ISA": force}))


def test_every_supported_path_is_selectable_and_gives_the_same_answers(hpk):
    supported = _supported()
    best = _report(hpk, None)
    assert best["isa"] == supported[-1], "without HPK_FORCE_ISA the widest supported path runs"
    assert best["julia"] == 33219980
    assert best["factor"] == 95362951
    assert best["check"] == [True, False, True]
    for path in supported:
        got = _report(hpk, path)
        assert got["isa"] == path
        for key in best:
            if key != "isa":
                assert got[key] == best[key], f"HPK_FORCE_ISA={path}: {key} differs from {best['isa']}"


def test_unsupported_or_unknown_requests_fall_back_safely(hpk):
    supported = _supported()
    if "avx512" not in supported:
        # Asking for more than the CPU has gives the best path it does have.
        assert _report(hpk, "avx512")["isa"] == supported[-1]
    for unknown in ("sse2", "", "AVX9"):
        assert _report(hpk, unknown)["isa"] == supported[-1], f"HPK_FORCE_ISA={unknown!r}"
    assert _report(hpk, " Scalar ")["isa"] == "scalar", "case and blanks are ignored"
