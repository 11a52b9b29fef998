"""What every workload module shares: timing, result rows, answer checks and the compiled peers.

Timing: one warm-up call (it also triggers Numba's JIT compile, which is therefore never
timed), then RUNS timed runs; the reported figure is their median. A run of a kernel faster
than MIN_RUN_SECONDS repeats the call back to back until it lasts that long (no setup in
between), so microsecond kernels are not timed at the clock's resolution. A kernel whose
warm-up takes over SLOW_SECONDS gets SLOW_RUNS runs (shown in the report's runs column), so one
slow implementation cannot blow the time budget.

The implementations of one workload are timed together (:class:`Interleaved`): after all
warm-ups, each round times one run of each in turn, each right after an untimed run of its
own. A shared machine's speed drifts within seconds (by a quarter on the 2-core VM these
figures come from); timed in turn, every implementation samples the same drift, so their
ratios hold still where back-to-back blocks of runs would compare one machine state with
another.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

RUNS = 5
MIN_RUN_SECONDS = 0.02
SLOW_SECONDS, SLOW_RUNS = 8.0, 3
CORES = os.cpu_count() or 1
#: Where scripts/bench-compare.sh builds the C and Cython peers (and where results go).
OUT_DIR = Path(os.environ.get("BENCH_COMPARE_OUT", Path(__file__).resolve().parents[1] / "target" / "bench-compare"))


class Mismatch(Exception):
    """A peer's answer differs from hpkern's (or from the known value): the target fails."""


class Timing(float):
    """Seconds (a float), remembering how many timed runs its median came from."""

    def __new__(cls, seconds: float, runs: int):
        timing = super().__new__(cls, seconds)
        timing.runs = runs
        return timing


@dataclass
class Row:
    """One implementation on one workload; ``seconds`` is the median per ``unit``."""

    workload: str
    implementation: str
    threads: int
    seconds: float
    unit: str = "run"  # "run", "step" or "call"
    runs: int = RUNS
    note: str = ""
    gbps: float | None = None  # diffusion and STREAM: bytes moved per second, 1e9
    reference: bool = False  # the hpkern row the workload's ratios divide by
    source: str = "python"  # "python" (this process) or "criterion" (the C ABI bench)
    ratio: float | None = field(default=None)

    def __post_init__(self) -> None:
        if isinstance(self.seconds, Timing):  # measure()'s result: take its run count
            self.seconds, self.runs = float(self.seconds), self.seconds.runs

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Interleaved:
    """The implementations of one workload, timed in turn (see the module docstring).

    ``add`` warms one implementation up and checks its answer at once; ``run`` then times
    them all, round by round, and ``add``'s results hold their Timing afterwards. ``prepare``
    runs before every warm-up and timed run (e.g. to restore a library's thread count), then the
    implementation's own ``before``."""

    @dataclass
    class Entry:
        call: Callable[[], Any]
        per: int
        runs: int
        repeat: int
        setup: Callable[[], Any] | None
        before: Callable[[], Any] | None
        samples: list[float] = field(default_factory=list)
        timing: Timing | None = None

    def __init__(self, prepare: Callable[[], Any] | None = None):
        self.prepare = prepare
        self.entries: list[Interleaved.Entry] = []

    def _ready(self, entry: "Interleaved.Entry") -> None:
        if self.prepare:
            self.prepare()
        if entry.before:
            entry.before()
        if entry.setup:
            entry.setup()

    def add(self, call: Callable[[], Any], *, per: int = 1, runs: int = RUNS,
            setup: Callable[[], Any] | None = None, verify: Callable[[Any], None] | None = None,
            before: Callable[[], Any] | None = None) -> "Interleaved.Entry":
        """Warm ``call`` up (``verify`` gets its result and raises Mismatch if it is wrong, so no
        wrong answer is ever timed) and queue its timed runs: ``setup`` (untimed) runs before
        each; without it, short calls repeat within a run up to MIN_RUN_SECONDS. A warm-up
        longer than SLOW_SECONDS cuts the runs to SLOW_RUNS. Timing is per ``per`` units."""
        entry = Interleaved.Entry(call, per, runs, 1, setup, before)
        self._ready(entry)
        start = time.perf_counter()
        result = call()
        first = time.perf_counter() - start
        if verify:
            verify(result)
        del result
        entry.repeat = 1 if setup else max(1, int(MIN_RUN_SECONDS / max(first, 1e-9)))
        entry.runs = min(runs, SLOW_RUNS) if first > SLOW_SECONDS else runs
        self.entries.append(entry)
        time.sleep(0.05)
        return entry

    def run(self) -> None:
        """Time every queued implementation, one run of each per round."""
        gc.collect()
        gc.disable()  # a collection inside a timed run would be charged to the kernel
        try:
            for round_ in range(max((e.runs for e in self.entries), default=0)):
                for entry in self.entries:
                    if round_ >= entry.runs:
                        continue
                    # An untimed run first: the timed one then starts where a run that follows
                    # another of the same implementation would (thread pools awake, caches and
                    # clocks warm), as when each implementation's runs came in one block.
                    self._ready(entry)
                    for _ in range(entry.repeat):
                        entry.call()
                    if entry.setup:
                        entry.setup()
                    start = time.perf_counter()
                    for _ in range(entry.repeat):
                        entry.call()
                    entry.samples.append((time.perf_counter() - start) / entry.repeat)
                    # Let spinning OpenMP/rayon workers go to sleep before the next one runs.
                    time.sleep(0.05)
        finally:
            gc.enable()
        for entry in self.entries:
            entry.timing = Timing(statistics.median(entry.samples) / entry.per, len(entry.samples))


def measure(call: Callable[[], Any], **options: Any) -> Timing:
    """One implementation timed alone (``Interleaved.add``'s options): for a workload with no
    other implementation to take turns with."""
    group = Interleaved()
    entry = group.add(call, **options)
    group.run()
    return entry.timing


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


def check_close(got: np.ndarray, want: np.ndarray, what: str, tol: float = 1e-12) -> None:
    """Diffusion grids: equal to hpkern's within ``tol`` in every cell."""
    worst = float(np.max(np.abs(got - want)))
    check(got.shape == want.shape and worst <= tol, f"{what}: max |difference| {worst:.3g} > {tol:g}")


# ---------------------------------------------------------------------------------------------
# The compiled peers


def _c_library() -> ctypes.CDLL:
    """The book's C (c/peers.c), built with gcc -O3 -march=native -fopenmp."""
    lib = ctypes.CDLL(str(OUT_DIR / "libpeers.so"))
    dbl, i64, p = ctypes.c_double, ctypes.c_int64, ctypes.c_void_p
    signatures = {
        "calculate_z_serial": (None, [ctypes.c_int32, p, p, i64, p]),
        "calculate_z_omp": (None, [ctypes.c_int32, p, p, i64, p]),
        "evolve_serial": (None, [p, p, i64, i64, dbl, dbl]),
        "evolve_omp": (None, [p, p, i64, i64, dbl, dbl]),
        "check_prime_serial": (ctypes.c_bool, [ctypes.c_uint64]),
        "check_prime_omp": (ctypes.c_bool, [ctypes.c_uint64]),
        "stream_init": (None, [p, p, p, i64]),
        "stream_triad": (None, [p, p, p, dbl, i64]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


class Peers:
    """Loaded once: ``c`` (ctypes CDLL of the C peers), ``cython(name)`` (a built extension)."""

    def __init__(self) -> None:
        self.c = _c_library()
        sys.path.insert(0, str(OUT_DIR / "cython"))

    @staticmethod
    def cython(name: str):
        return importlib.import_module(name)


def ptr(array: np.ndarray) -> int:
    """The data address of a C-contiguous array, for the C peers."""
    assert array.flags.c_contiguous
    return array.ctypes.data

