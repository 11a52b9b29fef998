"""2D diffusion, D = 1, dt = 0.1, the book's initial condition, and a STREAM triad.

Single steps at 512^2 and 4096^2, and multi-step runs reported per step: 512^2 x 1000 steps and
4096^2 x 100 steps. hpkern runs the multi-step workloads whole with run() (its own loop);
the peers run them the book's way, a Python loop calling one step and swapping the two grids.
To stay in the time budget some peers run fewer steps of the same run (the first k steps from
the initial condition), reported per step; PEER_STEPS says how many. Every grid must equal
hpkern's after the same steps within 1e-12.

GB/s counts one read of the input grid and one write of the output per step (16 bytes a cell),
as STREAM counts its arrays (24 bytes an element for the triad): no write-allocate traffic.
"""

from __future__ import annotations

import numpy as np
import numba
from numba import njit, prange

from common import CORES, Interleaved, Row, check, check_close, measure, ptr

D, DT = 1.0, 0.1
#: Multi-step workloads: (n, steps for hpkern) -> steps the peers run (numpy separately).
PEER_STEPS = {(512, 1000): 1000, (4096, 100): 10}
NUMPY_STEPS = {(512, 1000): 100, (4096, 100): 2}
STREAM_ELEMENTS = 2**26  # 512 MiB per array: far beyond any cache


def book_grid(n: int) -> np.ndarray:
    """Zeros with a block of 0.005 in rows and columns [0.4 n, 0.5 n)."""
    grid = np.zeros((n, n))
    grid[int(0.4 * n):int(0.5 * n), int(0.4 * n):int(0.5 * n)] = 0.005
    return grid


# The book's C loop in Numba, serial and with prange over rows.
@njit(cache=True)
def evolve_numba(grid, out, d, dt):
    rows, cols = grid.shape
    for i in range(1, rows - 1):
        for j in range(1, cols - 1):
            out[i, j] = grid[i, j] + d * dt * (grid[i + 1, j] + grid[i - 1, j]
                                               + grid[i, j + 1] + grid[i, j - 1] - 4.0 * grid[i, j])


@njit(parallel=True, cache=True)
def evolve_numba_prange(grid, out, d, dt):
    rows, cols = grid.shape
    for i in prange(1, rows - 1):
        for j in range(1, cols - 1):
            out[i, j] = grid[i, j] + d * dt * (grid[i + 1, j] + grid[i - 1, j]
                                               + grid[i, j + 1] + grid[i, j - 1] - 4.0 * grid[i, j])


# The book's fastest numpy version (ch. 6, in-place operations): np.roll, periodic boundaries.
def laplacian_numpy(grid, out):
    np.copyto(out, grid)
    out *= -4
    out += np.roll(grid, +1, 0)
    out += np.roll(grid, -1, 0)
    out += np.roll(grid, +1, 1)
    out += np.roll(grid, -1, 1)


def evolve_numpy(grid, out, d, dt):
    laplacian_numpy(grid, out)
    out *= d * dt
    out += grid


def peer_steps(peers) -> list[tuple[str, int, object, str]]:
    """(name, threads, step(grid, out), boundary) for every peer; step does one book step."""
    c, cy = peers.c, peers.cython("cy_diffusion")

    def c_step(kernel):
        return lambda g, o: kernel(ptr(g), ptr(o), g.shape[0], g.shape[1], D, DT)

    return [
        ("gcc -O3 -march=native", 1, c_step(c.evolve_serial), "fixed"),
        ("gcc OpenMP", CORES, c_step(c.evolve_omp), "fixed"),
        ("numba @njit", 1, lambda g, o: evolve_numba(g, o, D, DT), "fixed"),
        ("numba prange", CORES, lambda g, o: evolve_numba_prange(g, o, D, DT), "fixed"),
        ("cython memoryviews", 1, lambda g, o: cy.evolve(g, o, D, DT), "fixed"),
        ("cython prange", CORES, lambda g, o: cy.evolve_prange(g, o, D, DT), "fixed"),
        ("numpy (np.roll)", 1, lambda g, o: evolve_numpy(g, o, D, DT), "periodic"),
    ]


def gbps(n: int, seconds_per_step: float) -> float:
    return 16 * n * n / seconds_per_step / 1e9


def run_steps(step, grid: np.ndarray, scratch: np.ndarray, steps: int) -> np.ndarray:
    """The book's driver: step, swap; returns the grid holding the result."""
    for _ in range(steps):
        step(grid, scratch)
        grid, scratch = scratch, grid
    return grid


def step_workload(n: int) -> str:
    return f"diffusion step {n}x{n}"


def run_workload(n: int, steps: int) -> str:
    return f"diffusion {n}x{n} x {steps} steps"


def single_step(hpkern, peers, n: int) -> list[Row]:
    workload = step_workload(n)
    grid = book_grid(n)
    out = np.zeros_like(grid)
    want = {b: hpkern.evolve(grid, boundary=b) for b in ("fixed", "periodic")}
    group = Interleaved(prepare=lambda: hpkern.set_num_threads(0))  # timed in turn
    queued = []

    def add(name, threads, call, boundary="fixed", reference=False, note="", before=None):
        """Queue call(), which returns the new grid, after checking it against hpkern's."""
        entry = group.add(call, before=before,
                          verify=lambda got: check_close(got, want[boundary], f"{workload} {name}"))
        queued.append((name, threads, note, reference, entry))

    add("hpkern evolve (ctypes)", CORES, lambda: hpkern.evolve(grid, out), reference=True)
    add("hpkern evolve (ctypes)", 1, lambda: hpkern.evolve(grid, out), before=lambda: hpkern.set_num_threads(1))
    for name, threads, step, boundary in peer_steps(peers):
        out[:] = 0.0  # the C-style peers write interior cells only; hpkern's edges are copies
        add(name, threads, lambda step=step: (step(grid, out), out)[1], boundary,
            note="periodic (book ch. 6)" if boundary == "periodic" else "")
    group.run()
    hpkern.set_num_threads(0)
    return [Row(workload, name, threads, entry.timing, note=note, gbps=gbps(n, entry.timing), reference=reference)
            for name, threads, note, reference, entry in queued]


def multi_step(hpkern, peers, n: int, steps: int) -> list[Row]:
    workload = run_workload(n, steps)
    initial = book_grid(n)
    grid, scratch = initial.copy(), np.zeros((n, n))
    answers = {}  # hpkern's grid after k steps, per (k, boundary)

    def reset():
        np.copyto(grid, initial)
        scratch[:] = 0.0

    group = Interleaved()  # timed in turn; every run starts from the same initial grid
    queued = [("hpkern run (ctypes)", CORES, f"{steps} steps in one call", True,
               group.add(lambda: hpkern.run(grid, steps, scratch=scratch), setup=reset, per=steps))]
    for name, threads, step, boundary in peer_steps(peers):
        k = NUMPY_STEPS[n, steps] if name.startswith("numpy") else PEER_STEPS[n, steps]
        if (k, boundary) not in answers:
            answers[k, boundary] = hpkern.run(initial.copy(), k, boundary=boundary)
        want = answers[k, boundary]
        entry = group.add(lambda step=step, k=k: run_steps(step, grid, scratch, k), setup=reset, per=k,
                          verify=lambda got: check_close(got, want, f"{workload} {name}"))
        note = f"{k} steps, Python loop" + (", periodic" if boundary == "periodic" else "")
        queued.append((name, threads, note, False, entry))
    group.run()
    return [Row(workload, name, threads, entry.timing, unit="step", gbps=gbps(n, entry.timing), note=note,
                reference=reference) for name, threads, note, reference, entry in queued]


#: The Python ping-pong loop (the book's driver, one call a step): grid side and steps per run.
LOOP_N, LOOP_STEPS = 512, 400
#: The fixed cost of one call from Python: a grid small enough that the work is nothing.
TINY_N = 8


def python_loop(hpkern) -> list[Row]:
    """The book's loop of one step a call from Python at 512^2 on 1 thread and on all cores,
    hpkern.evolve against Numba prange, on a random grid (no denormals, unlike the book's
    initial block after a few hundred steps); the grids must equal hpkern.run's."""
    workload = f"diffusion step {LOOP_N}x{LOOP_N}, Python loop"
    initial = np.random.default_rng(13).random((LOOP_N, LOOP_N))
    grid, scratch = initial.copy(), initial.copy()
    want = hpkern.run(initial.copy(), LOOP_STEPS)

    def reset():  # scratch starts as a copy: the Numba kernel writes interior cells only
        np.copyto(grid, initial)
        np.copyto(scratch, initial)

    def threads(n):
        return lambda: (hpkern.set_num_threads(n), numba.set_num_threads(n))

    hp_step = lambda g, o: hpkern.evolve(g, o)  # noqa: E731
    nb_step = lambda g, o: evolve_numba_prange(g, o, D, DT)  # noqa: E731
    group = Interleaved(prepare=threads(CORES))
    queued = []
    for name, step, n, reference in [("hpkern evolve (ctypes)", hp_step, CORES, True),
                                     ("hpkern evolve (ctypes)", hp_step, 1, False),
                                     ("numba prange", nb_step, CORES, False), ("numba prange", nb_step, 1, False)]:
        entry = group.add(lambda step=step: run_steps(step, grid, scratch, LOOP_STEPS), setup=reset,
                          per=LOOP_STEPS, before=threads(n),
                          verify=lambda got, name=name: check_close(got, want, f"{workload} {name}"))
        queued.append((name, n, reference, entry))
    group.run()
    threads(CORES)()
    hpkern.set_num_threads(0)
    return [Row(workload, name, n, entry.timing, unit="step", gbps=gbps(LOOP_N, entry.timing),
                note=f"{LOOP_STEPS} steps, a call each, random grid", reference=reference)
            for name, n, reference, entry in queued]


def call_cost(hpkern) -> list[Row]:
    """The fixed cost of one call from Python: evolve on an 8x8 grid (no work to speak of), on
    1 thread and on all cores, against Numba's serial and prange kernels."""
    workload = f"fixed cost of a call: diffusion step {TINY_N}x{TINY_N}"
    grid = np.random.default_rng(8).random((TINY_N, TINY_N))
    out = grid.copy()
    want = hpkern.evolve(grid)

    def threads(n):
        return lambda: (hpkern.set_num_threads(n), numba.set_num_threads(n))

    group = Interleaved(prepare=threads(CORES))
    queued = []
    for name, call, n, reference in [
            ("hpkern evolve (ctypes)", lambda: hpkern.evolve(grid, out), CORES, True),
            ("hpkern evolve (ctypes)", lambda: hpkern.evolve(grid, out), 1, False),
            ("numba @njit", lambda: (evolve_numba(grid, out, D, DT), out)[1], 1, False),
            ("numba prange", lambda: (evolve_numba_prange(grid, out, D, DT), out)[1], CORES, False),
            ("numba prange", lambda: (evolve_numba_prange(grid, out, D, DT), out)[1], 1, False)]:
        entry = group.add(call, before=threads(n),
                          verify=lambda got, name=name: check_close(got, want, f"{workload} {name}"))
        queued.append((name, n, reference, entry))
    group.run()
    threads(CORES)()
    hpkern.set_num_threads(0)
    return [Row(workload, name, n, entry.timing, unit="call", note="from Python", reference=reference)
            for name, n, reference, entry in queued]


def stream_triad(peers) -> Row:
    """STREAM triad a = b + s*c with OpenMP on all cores: the machine's memory bandwidth."""
    a, b, c = (np.empty(STREAM_ELEMENTS) for _ in range(3))
    peers.c.stream_init(ptr(a), ptr(b), ptr(c), a.size)  # first touch on the threads that use it
    seconds = measure(lambda: peers.c.stream_triad(ptr(a), ptr(b), ptr(c), 3.0, a.size),
                      verify=lambda _: check(bool(np.all(a[:: 1 << 16] == 7.0)), "STREAM triad: a != b + 3c"))
    return Row("memory: STREAM triad", "gcc OpenMP", CORES, seconds,
               gbps=24 * a.size / seconds / 1e9, note=f"{a.size * 8 >> 20} MiB per array")


def short_calls(hpkern) -> list[Row]:
    """The rows about short parallel calls (runner.py --only short-calls runs just these)."""
    return python_loop(hpkern) + call_cost(hpkern)


def run(hpkern, peers) -> list[Row]:
    rows = single_step(hpkern, peers, 512) + short_calls(hpkern) + single_step(hpkern, peers, 4096)
    rows += multi_step(hpkern, peers, 512, 1000) + multi_step(hpkern, peers, 4096, 100)
    return rows + [stream_triad(peers)]
