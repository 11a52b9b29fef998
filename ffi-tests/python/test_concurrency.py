"""Concurrency: many Python threads in every kernel at once while the thread count changes,
forked worker processes (multiprocessing's "fork" start method) after and during the parent's use
of the pool, and HPK_NUM_THREADS bounding the thread count of a new process.

Every answer must equal the one computed on one thread (hpk.set_num_threads(1)) exactly. Threads
and processes are waited for with timeouts, so a deadlock fails a test instead of hanging it.
"""

import importlib
import multiprocessing
import os
import threading
import time

import numpy as np
import pytest
from conftest import run_python

PRIME12 = 999_999_999_989  # the largest 12-digit prime
SEMIPRIME = 999_983 * 1_000_003
PI_2E6 = 148_933
TIMEOUT = 60


def _inputs():
    rng = np.random.default_rng(7)
    zs = rng.uniform(-1.8, 1.8, 20_000) + 1j * rng.uniform(-1.8, 1.8, 20_000)
    grids = [rng.random(shape) for shape in ((64, 64), (100, 37), (1, 50), (129, 257))]
    numbers = np.concatenate([np.arange(10**12, 10**12 + 10_000, dtype=np.uint64),
                              rng.integers(0, 2**63, 10_000, dtype=np.uint64)])
    return zs, grids, numbers


ZS, GRIDS, NUMBERS = _inputs()


def every_kernel(hpk):
    """One call of every kernel; returns the answers in a dict of numpy arrays and ints."""
    answers = {
        "julia_grid": hpk.julia_grid(400, 300, maxiter=200),
        "calculate_z": hpk.calculate_z(ZS, complex(-0.62772, -0.42193), 300),
        "is_prime_batch": hpk.is_prime_batch(NUMBERS),
        "count_primes": hpk.count_primes(0, 2 * 10**6),
        "primes": hpk.primes(10**9, 10**9 + 10**5),
        "smallest_factor_in_range": hpk.smallest_factor_in_range(SEMIPRIME, 2, 2 * 10**6),
        "check_prime": hpk.check_prime(PRIME12),
        "is_prime": hpk.is_prime(SEMIPRIME),
    }
    for i, grid in enumerate(GRIDS):
        for boundary in ("fixed", "periodic"):
            answers[f"evolve {grid.shape} {boundary}"] = hpk.evolve(grid, boundary=boundary)
            answers[f"run {grid.shape} {boundary}"] = hpk.run(grid.copy(), 20, boundary=boundary)
    return answers


def differences(got, want):
    """Names of the answers that are not bit-for-bit equal (doubles compared as bytes)."""
    assert got.keys() == want.keys()
    bad = []
    for name, value in want.items():
        if isinstance(value, np.ndarray):
            same = (got[name].dtype == value.dtype and got[name].shape == value.shape
                    and got[name].tobytes() == value.tobytes())
        else:
            same = type(got[name]) is type(value) and got[name] == value
        if not same:
            bad.append(name)
    return bad


def serial_answers(hpk):
    hpk.set_num_threads(1)
    try:
        answers = every_kernel(hpk)
    finally:
        hpk.set_num_threads(0)
    # What is known about them, so that the comparisons compare something real.
    assert answers["count_primes"] == PI_2E6
    assert answers["check_prime"] is True and answers["is_prime"] is False
    assert answers["smallest_factor_in_range"] == 999_983
    assert len(answers["primes"]) == hpk.count_primes(10**9, 10**9 + 10**5) > 0
    return answers


def test_sixteen_threads_in_every_kernel_while_the_thread_count_changes(hpk):
    threads, rounds = 16, 3
    want = serial_answers(hpk)
    barrier = threading.Barrier(threads + 1)
    done = threading.Event()
    failures, completed, changes = [], [], []

    def worker(index):
        try:
            barrier.wait()
            for round_ in range(rounds):
                bad = differences(every_kernel(hpk), want)
                if bad:
                    failures.append(f"thread {index}, round {round_}: {bad} differ")
            completed.append(index)
        except Exception as exc:  # reported below, with the thread it happened in
            failures.append(f"thread {index}: {exc!r}")

    def changer():
        try:
            barrier.wait()
            cycle = (0, 1, 2, 3, 4, 1)
            while not done.is_set():
                n = cycle[len(changes) % len(cycle)]
                hpk.set_num_threads(n)
                got = hpk.get_num_threads()
                if got != n and not (n == 0 and got >= 1):
                    failures.append(f"set_num_threads({n}) read back {got}")
                changes.append(n)
                time.sleep(0.0005)
            hpk.set_num_threads(0)  # here, so that a stuck library cannot block the test's thread
        except Exception as exc:
            failures.append(f"changer: {exc!r}")

    # Daemon threads: a deadlocked one fails the test below and does not keep pytest alive.
    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    setter = threading.Thread(target=changer, daemon=True)
    try:
        for thread in [*workers, setter]:
            thread.start()
        deadline = time.monotonic() + TIMEOUT
        for thread in workers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        stuck = sum(thread.is_alive() for thread in workers)
    finally:
        done.set()
        setter.join(timeout=10)
    assert stuck == 0, f"{stuck} of {threads} threads still inside the library after {TIMEOUT} s (deadlock?)"
    assert not setter.is_alive(), "the thread-count changer is stuck in the library (deadlock?)"
    assert failures == []
    assert sorted(completed) == list(range(threads))
    assert len(changes) >= 6, f"the thread count changed only {len(changes)} times"


# -- fork ------------------------------------------------------------------------------------------

def _forked_task(backend, task):
    """Runs in a forked worker: the library and its backend are the parent's, copied by fork."""
    hpk = importlib.import_module("hpkern")
    hpk.use_backend(backend)
    threads = (0, 2, 3)[task % 3]  # automatic, the parent's 2, a new pool size
    hpk.set_num_threads(threads)
    if threads:
        assert hpk.get_num_threads() == threads
    grid = GRIDS[task % len(GRIDS)].copy()
    return (os.getpid(), hpk.julia_grid(400, 300, maxiter=200), hpk.count_primes(0, 2 * 10**6),
            hpk.run(grid, 20, boundary="periodic"))


def _parent_answers(hpk, task):
    grid = GRIDS[task % len(GRIDS)].copy()
    return (hpk.julia_grid(400, 300, maxiter=200), hpk.count_primes(0, 2 * 10**6),
            hpk.run(grid, 20, boundary="periodic"))


# Python 3.12+ warns that forking a multi-threaded process may deadlock the child; the library's
# pool threads make this process multi-threaded, and surviving that fork is what is tested here.
FORK_WARNING = "ignore:This process .* is multi-threaded, use of fork:DeprecationWarning"


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize("busy", [False, True], ids=["after-use", "during-a-call"])
def test_forked_workers_compute_the_parents_answers(hpk, busy):
    """Pool(2) of forked workers after the parent used its pool with 2 threads. With busy, a
    thread of the parent loops over julia_grid and three more over get_num_threads while the
    workers are forked, with the automatic thread count (which the library works out from the
    environment and the cores on every call), so a fork often finds one of them inside the
    library, holding its lock. Each worker serves one task (maxtasksperchild=1), so the pool
    forks a new worker, from its handler thread, for every task."""
    tasks = 12
    hpk.set_num_threads(2)
    stop, calls, wrong = threading.Event(), [], []
    try:
        want = [_parent_answers(hpk, task) for task in range(tasks)]
        assert want[0][1] == PI_2E6

        def julia_loop():
            reference = want[0][0]
            while not stop.is_set():
                if not np.array_equal(hpk.julia_grid(400, 300, maxiter=200), reference):
                    wrong.append(len(calls))
                calls.append(1)

        def get_threads_loop():
            while not stop.is_set():
                if hpk.get_num_threads() < 1:
                    wrong.append(len(calls))

        background = [threading.Thread(target=julia_loop, daemon=True)]
        background += [threading.Thread(target=get_threads_loop, daemon=True) for _ in range(3)]
        if busy:
            hpk.set_num_threads(0)
            for thread in background:
                thread.start()
            started = time.monotonic()
            while not calls and time.monotonic() - started < TIMEOUT:
                time.sleep(0.001)
            assert calls, "the background julia_grid loop never finished a call"
        context = multiprocessing.get_context("fork")
        with context.Pool(2, maxtasksperchild=1) as pool:
            pending = [pool.apply_async(_forked_task, (hpk.name, task)) for task in range(tasks)]
            # A deadlocked worker never answers: get() raises multiprocessing.TimeoutError.
            results = [result.get(timeout=TIMEOUT) for result in pending]
    finally:
        stop.set()
        if busy:
            for thread in background:
                thread.join(timeout=TIMEOUT)
        hpk.set_num_threads(0)
    assert len({pid for pid, *_ in results}) == tasks, "every task ran in a freshly forked worker"
    assert os.getpid() not in {pid for pid, *_ in results}
    for task, ((_, counts, count, grid), (want_counts, want_count, want_grid)) in enumerate(zip(results, want)):
        assert np.array_equal(counts, want_counts), f"task {task}: julia_grid"
        assert count == want_count == PI_2E6, f"task {task}: count_primes"
        assert grid.tobytes() == want_grid.tobytes(), f"task {task}: run"
    if busy:
        assert not any(thread.is_alive() for thread in background)
        assert len(calls) >= 1 and wrong == []


# -- HPK_NUM_THREADS -----------------------------------------------------------------------------

_REPORT_THREADS = """
import {module} as hpk
first = hpk.get_num_threads()
hpk.set_num_threads(5)
explicit = hpk.get_num_threads()
hpk.set_num_threads(0)
print(first, explicit, hpk.get_num_threads(), int(hpk.julia_grid(400, 300, maxiter=200).sum()))
"""


def _threads_in_subprocess(hpk, value):
    """(automatic count, count after set 5, automatic again, julia checksum) in a new process
    with HPK_NUM_THREADS=value (None: unset)."""
    out = run_python(hpk, _REPORT_THREADS, {"HPK_NUM_THREADS": value})
    return tuple(int(word) for word in out.split())


def test_hpk_num_threads_sets_the_thread_count_of_a_new_process(hpk):
    checksum = int(hpk.julia_grid(400, 300, maxiter=200).sum())
    unset = _threads_in_subprocess(hpk, None)
    assert unset[0] >= 1 and unset[1:] == (5, unset[0], checksum)
    for n in (1, 2, 3, 7):
        # set_num_threads overrides it; 0 goes back to it; answers do not depend on it.
        assert _threads_in_subprocess(hpk, str(n)) == (n, 5, n, checksum), f"HPK_NUM_THREADS={n}"
    assert _threads_in_subprocess(hpk, " 4 ") == (4, 5, 4, checksum), "surrounding blanks are ignored"
    for ignored in ("0", "-2", "many", ""):
        # Not a positive integer: the automatic choice, as if it were unset.
        assert _threads_in_subprocess(hpk, ignored) == unset, f"HPK_NUM_THREADS={ignored!r}"
