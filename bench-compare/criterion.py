"""hpkern through its C ABI: the medians of the criterion bench bench-baseline/benches/c_abi.rs.

Criterion writes target/criterion/c_abi/<id>/new/estimates.json with times per iteration in
nanoseconds, and <id>/new/benchmark.json with the bench's throughput: c_abi.rs states each id's
units of work per iteration (steps or calls) there as ``{"Elements": n}``, read below. scripts/bench-compare.sh deletes the directory before the bench
runs, so every figure read here comes from the same `make bench-compare` run.
"""

from __future__ import annotations

import json
from pathlib import Path

import diffusion
import julia
import primes
from common import CORES, Row

#: criterion id -> (workload, unit of the bench's throughput elements)
BENCHES = {
    "julia_grid_1000": (julia.WORKLOAD, "run"),
    "diffusion_evolve_512": (diffusion.step_workload(512), "run"),
    "diffusion_evolve_4096": (diffusion.step_workload(4096), "run"),
    "diffusion_run_512x1000": (diffusion.run_workload(512, 1000), "step"),
    "diffusion_run_4096x10": (diffusion.run_workload(4096, 100), "step"),
    "check_prime_100109100129100151": (primes.TRIAL_WORKLOAD, "run"),
    "is_prime_1000_calls": (primes.PER_CALL_WORKLOAD, "call"),
    "is_prime_batch_1e6": (primes.BATCH_WORKLOAD, "run"),
    "count_primes_1e9": (primes.count_workload(0, 10**9), "run"),
    "count_primes_1e12_1e8": (primes.count_workload(10**12, 10**12 + 10**8), "run"),
}
ONE_CALL = {"is_prime_1000_calls"}  # single-threaded whatever the pool size


def rows(group_dir: Path) -> tuple[list[Row], list[str]]:
    """The C ABI rows found under ``group_dir`` (target/criterion/c_abi), and the ids missing."""
    found, missing = [], []
    for bench_id, (workload, unit) in BENCHES.items():
        estimates = group_dir / bench_id / "new" / "estimates.json"
        benchmark = group_dir / bench_id / "new" / "benchmark.json"
        if not estimates.is_file() or not benchmark.is_file():
            missing.append(bench_id)
            continue
        median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        # Units of work per iteration: the throughput c_abi.rs gave the bench.
        per = (json.loads(benchmark.read_text()).get("throughput") or {}).get("Elements")
        if not per:
            missing.append(f"{bench_id} (no throughput in its benchmark.json)")
            continue
        note = f"{per} steps in one call" if unit == "step" else ""
        gbps = None
        if workload.startswith("diffusion"):
            n = int(bench_id.split("_")[2].split("x")[0])
            gbps = diffusion.gbps(n, median_ns * 1e-9 / per)
        found.append(Row(workload, "hpkern C ABI (criterion)", 1 if bench_id in ONE_CALL else CORES,
                         median_ns * 1e-9 / per, unit=unit, runs=10, note=note, gbps=gbps,
                         source="criterion"))
    return found, missing
