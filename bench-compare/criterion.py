"""hpkern through its C ABI: the medians of the criterion bench bench-baseline/benches/c_abi.rs.

Criterion writes target/criterion/c_abi/<id>/new/estimates.json with times per iteration in
nanoseconds; each id's work per iteration (how many steps or calls) is fixed in c_abi.rs and
mirrored in BENCHES below. scripts/bench-compare.sh deletes the directory before the bench
runs, so every figure read here comes from the same `make bench-compare` run.
"""

from __future__ import annotations

import json
from pathlib import Path

import diffusion
import julia
import primes
from common import CORES, Row

#: criterion id -> (workload, units per iteration, unit, note)
BENCHES = {
    "julia_grid_1000": (julia.WORKLOAD, 1, "run", ""),
    "diffusion_evolve_512": (diffusion.step_workload(512), 1, "run", ""),
    "diffusion_evolve_4096": (diffusion.step_workload(4096), 1, "run", ""),
    "diffusion_run_512x1000": (diffusion.run_workload(512, 1000), 1000, "step", "1000 steps in one call"),
    "diffusion_run_4096x10": (diffusion.run_workload(4096, 100), 10, "step", "10 steps in one call"),
    "check_prime_100109100129100151": (primes.TRIAL_WORKLOAD, 1, "run", ""),
    "is_prime_1000_calls": (primes.PER_CALL_WORKLOAD, 1000, "call", ""),
    "is_prime_batch_1e6": (primes.BATCH_WORKLOAD, 1, "run", ""),
    "count_primes_1e9": (primes.count_workload(0, 10**9), 1, "run", ""),
    "count_primes_1e12_1e8": (primes.count_workload(10**12, 10**12 + 10**8), 1, "run", ""),
}
ONE_CALL = {"is_prime_1000_calls"}  # single-threaded whatever the pool size


def rows(group_dir: Path) -> tuple[list[Row], list[str]]:
    """The C ABI rows found under ``group_dir`` (target/criterion/c_abi), and the ids missing."""
    found, missing = [], []
    for bench_id, (workload, per, unit, note) in BENCHES.items():
        estimates = group_dir / bench_id / "new" / "estimates.json"
        if not estimates.is_file():
            missing.append(bench_id)
            continue
        median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        gbps = None
        if workload.startswith("diffusion"):
            n = int(bench_id.split("_")[2].split("x")[0])
            gbps = diffusion.gbps(n, median_ns * 1e-9 / per)
        found.append(Row(workload, "hpkern C ABI (criterion)", 1 if bench_id in ONE_CALL else CORES,
                         median_ns * 1e-9 / per, unit=unit, runs=10, note=note, gbps=gbps,
                         source="criterion"))
    return found, missing
