"""hpkern.dask on one machine: 1 worker against 2 workers (1 thread each, worker processes), and
Dask's overhead against plain hpkern on 2 threads, for Julia 4000^2, diffusion 4096^2 x 64 steps
and pi(10^11). Prints a markdown table (ratios are what to compare across machines).

    make lib && scripts/setup-python.sh
    PYTHONPATH=bindings/python .venv/bin/python bench-compare/dask_scale.py [--quick]

--quick uses pi(10^10) instead of pi(10^11) (a minute less).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import dask.array as da
import numpy as np
from distributed import Client, wait

import hpkern
import hpkern.dask as hd


def best(function: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    quick = "--quick" in sys.argv
    pi_stop, pi_want = (10**10, 455052511) if quick else (10**11, 4118054813)
    grid = np.zeros((4096, 4096))
    grid[1638:2048, 1638:2048] = 0.005
    julia_want = hpkern.julia_grid(4000, 4000)
    diffusion_want = hpkern.run(grid.copy(), 64)
    # On the cluster the inputs are placed on the workers first and the results stay there
    # (persisted), as a cluster user keeps them; each answer is checked once against one machine.
    def julia_on(c: Client) -> da.Array:
        return c.persist(hd.julia_grid(4000, 4000, chunks=500))

    def diffusion_on(c: Client, start: da.Array) -> da.Array:
        return hd.run(start, 64, steps_per_exchange=16, client=c)

    workloads = {
        "Julia 4000^2, maxiter 300 (tiles of 500^2)": (
            lambda: hpkern.julia_grid(4000, 4000), julia_on,
            lambda c, out: np.array_equal(c.compute(out).result(), julia_want)),
        "diffusion 4096^2 x 64 steps (k = 16, blocks of 2048^2)": (
            lambda: hpkern.run(grid.copy(), 64), None,
            lambda c, out: np.array_equal(c.compute(out).result(), diffusion_want)),
        f"pi({pi_stop:.0e})": (
            lambda: hpkern.count_primes(pi_stop), lambda c: hd.count_primes(pi_stop, client=c),
            lambda c, out: out == pi_want),
    }
    hpkern.set_num_threads(2)
    plain = {name: best(single) for name, (single, _, _) in workloads.items()}
    hpkern.set_num_threads(0)
    on: dict[int, dict[str, float]] = {}
    for workers in (1, 2):
        with hd.local_cluster(workers, 1, dashboard_address=None) as cluster, Client(cluster) as client:
            start = client.persist(da.from_array(grid, chunks=2048))
            wait(start)
            on[workers] = {}
            for name, (_, distributed, check) in workloads.items():
                task = distributed or (lambda c: diffusion_on(c, start))

                def timed(task: Callable[[Client], Any] = task) -> Any:
                    out = task(client)
                    if isinstance(out, da.Array):
                        wait(out)
                    return out

                assert check(client, timed()), f"{name}: the cluster's answer differs from one machine's"
                times = []
                for _ in range(3):
                    # Results are keyed by their inputs: let the cluster forget the last one, or
                    # the next run finds it in memory instead of computing it.
                    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) > 4:
                        time.sleep(0.05)
                    started = time.perf_counter()
                    out = timed()
                    times.append(time.perf_counter() - started)
                    del out
                on[workers][name] = min(times)
    print("| workload | hpkern, 2 threads | Dask, 1 worker | Dask, 2 workers | speedup 1 -> 2 workers |"
          " Dask 2 workers / hpkern 2 threads |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in workloads:
        one, two = on[1][name], on[2][name]
        print(f"| {name} | {plain[name]:.3f} s | {one:.3f} s | {two:.3f} s | {one / two:.2f}x |"
              f" {two / plain[name]:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
