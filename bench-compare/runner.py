"""make bench-compare's Python part: time hpkern and its peers in this one process, add the C ABI
(criterion) medians, check every answer, write the report. Run by scripts/bench-compare.sh,
which builds the peers and sets the thread counts (NUMBA_NUM_THREADS, OMP_NUM_THREADS) first.

    python runner.py [--only julia,diffusion,primes,pi,short-calls] [--no-criterion]

Exits 1 if any implementation gave a wrong answer (its workload's timings are then incomplete)
or, unless --no-criterion, a C ABI result is missing.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from types import SimpleNamespace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bindings" / "python"))

import hpkern  # noqa: E402  (the ctypes API, found after the path above)
import numba  # noqa: E402

import criterion  # noqa: E402
import diffusion  # noqa: E402
import julia  # noqa: E402
import pi_counting  # noqa: E402
import primes  # noqa: E402
import report  # noqa: E402
from common import OUT_DIR, Mismatch, Peers, Row  # noqa: E402

#: name -> what runs it (``.run(hpkern, peers)``); "short-calls" is the part of "diffusion"
#: about short parallel calls, alone (seconds instead of minutes); "pi" is pi(x) and the n-th
#: prime beside primecount and primesieve.
FAMILIES = {"julia": julia, "diffusion": diffusion, "primes": primes,
            "pi": SimpleNamespace(run=lambda hpkern, peers: pi_counting.rows(hpkern, primes.Primesieve())),
            "short-calls": SimpleNamespace(run=lambda hpkern, peers: diffusion.short_calls(hpkern))}
NOTES = [
    "Peers time the book's kernels on prebuilt inputs (Julia: calculate_z on coordinate arrays).",
    "Multi-step diffusion: hpkern runs all steps in one run() call; peers loop in Python one "
    f"step at a time, over the first {diffusion.PEER_STEPS[4096, 100]} of the 4096^2 x 100 steps "
    f"(numpy: {diffusion.NUMPY_STEPS[512, 1000]} of 1000 and {diffusion.NUMPY_STEPS[4096, 100]} of 100), "
    "reported per step; the C ABI bench times 10 steps at 4096^2.",
    "numpy diffusion is the book's np.roll version (periodic edges), checked against hpkern's periodic mode.",
    "C ABI rows: criterion, in its own process just before this one (the load may have differed).",
    "Not run: a numpy sieve for pi(10^9) (tens of seconds: outside the time budget).",
]


def ordered(python_rows: list[Row], abi_rows: list[Row]) -> list[Row]:
    """Per workload: hpkern's rows, its C ABI row, then the peers."""
    result = []
    for workload in dict.fromkeys(row.workload for row in python_rows):
        group = [row for row in python_rows if row.workload == workload]
        result += [row for row in group if row.implementation.startswith("hpkern")]
        result += [row for row in abi_rows if row.workload == workload]
        result += [row for row in group if not row.implementation.startswith("hpkern")]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="julia,diffusion,primes,pi", help="families to run, comma-separated "
                        f"(of {', '.join(FAMILIES)})")
    parser.add_argument("--no-criterion", action="store_true", help="leave out the C ABI rows")
    args = parser.parse_args()

    started = time.perf_counter()
    peers = Peers()
    info = report.machine(hpkern, primes.Primesieve().version)
    failures, python_rows = [], []
    for name in args.only.split(","):
        family_start = time.perf_counter()
        try:
            python_rows += FAMILIES[name].run(hpkern, peers)
        except Mismatch as mismatch:
            failures.append(f"WRONG ANSWER ({name}): {mismatch}")
        except Exception:  # a peer that cannot run at all also fails the target
            failures.append(f"ERROR ({name}):\n{traceback.format_exc()}")
        hpkern.set_num_threads(0)
        print(f"bench-compare: {name} done in {time.perf_counter() - family_start:.0f} s", file=sys.stderr)

    try:
        info["versions"]["numba threading layer"] = numba.threading_layer()
    except ValueError:  # no parallel Numba function ran (e.g. --only primes failed early)
        pass
    abi_rows, missing = ([], []) if args.no_criterion else criterion.rows(REPO / "target" / "criterion" / "c_abi")
    if missing:
        failures.append(f"C ABI results missing (criterion ids): {', '.join(missing)}")
    notes = NOTES + [f"Python part took {time.perf_counter() - started:.0f} s."]
    report.write(ordered(python_rows, abi_rows), info, OUT_DIR, notes)
    for failure in failures:
        print(f"bench-compare: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
