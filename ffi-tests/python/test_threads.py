"""Threads: calls release the GIL, concurrent calls are correct, the thread count is settable."""

import threading

import numpy as np
import pytest


def workload(hpk, seed):
    """A Julia picture and a diffusion run, the two kernels a thread runs in the test."""
    counts = hpk.julia_grid(600, 400, c=complex(-0.62772, -0.42193 + seed * 1e-3))
    grid = np.random.default_rng(seed).random((200, 150))
    hpk.run(grid, 40, boundary="periodic" if seed % 2 else "fixed")
    return counts, grid


def test_two_python_threads_run_kernels_correctly_at_the_same_time(hpk):
    serial = [workload(hpk, seed) for seed in (1, 2)]
    results = [None, None]
    barrier = threading.Barrier(2)

    def worker(index):
        barrier.wait()
        results[index] = workload(hpk, index + 1)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for (counts, grid), (serial_counts, serial_grid) in zip(results, serial, strict=True):
        assert np.array_equal(counts, serial_counts)
        assert np.array_equal(grid, serial_grid)


def test_calls_release_the_gil(hpk):
    """While one thread is inside a long kernel call, this thread keeps running Python."""
    entered, left = threading.Event(), threading.Event()
    result = []

    def long_call():
        entered.set()
        # Long enough (about 2e9 iterations) that the loop below
        # gets many turns if and only if the call has released the GIL.
        result.append(hpk.julia_grid(1000, 1000, maxiter=20000))
        left.set()

    thread = threading.Thread(target=long_call)
    thread.start()
    entered.wait()
    spins = 0
    while not left.is_set():
        spins += 1
        left.wait(0.001)
    thread.join()
    assert result[0].shape == (1000, 1000)
    # With the GIL held for the whole call this loop could not run while the kernel works.
    assert spins >= 20, f"only {spins} turns of the loop ran during the kernel call"


def test_set_and_get_num_threads(hpk):
    expected = hpk.julia_grid(300, 200)
    try:
        hpk.set_num_threads(1)
        assert hpk.get_num_threads() == 1
        assert np.array_equal(hpk.julia_grid(300, 200), expected)
        hpk.set_num_threads(3)
        assert hpk.get_num_threads() == 3
        assert np.array_equal(hpk.julia_grid(300, 200), expected)
    finally:
        hpk.set_num_threads(0)
    assert hpk.get_num_threads() >= 1


@pytest.mark.parametrize("hpk", ["cffi"], indirect=True)
def test_both_backends_share_one_library_state(hpk, ctypes_api):
    try:
        hpk.set_num_threads(2)
        assert ctypes_api.get_num_threads() == 2
    finally:
        hpk.set_num_threads(0)


# Run every kernel big enough to go parallel, then report how many OS threads the process has.
_COUNT_THREADS = """
import os, numpy as np, {module} as hpk
hpk.julia_grid(1000, 1000)
hpk.calculate_z(np.full(100_000, 0.1 + 0.1j), complex(-0.62772, -0.42193), 300)
hpk.run(np.random.default_rng(1).random((512, 512)), 3)
hpk.evolve(np.random.default_rng(2).random((512, 512)), boundary="periodic")
hpk.check_prime(100109100129100151)
hpk.smallest_factor_in_range(100109100129100369, 3, 10**9)
hpk.is_prime_batch(np.arange(10**6, 10**6 + 200_000, dtype=np.uint64))
hpk.count_primes(0, 10**8)
hpk.primes(10**12, 10**12 + 10**7)
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_kernels_use_only_the_configured_threads(hpk, threads):
    """HPK_NUM_THREADS=N: the process ends with the main thread plus N pool workers, so no
    kernel ran on rayon's global pool (which would add a thread per core) or an extra pool.
    With N = 1 the one worker runs the long calls while the main thread waits in the library
    for progress reports (how Ctrl-C stays prompt); only one of the two computes. With N > 1
    the team of short calls adds N - 1 workers of its own; a call runs on the team or on the pool,
    never both, so at most N threads compute at once."""
    import subprocess
    import sys

    from conftest import child_environment

    env = child_environment(hpk, {"HPK_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1",
                                  "OPENBLAS_NUM_THREADS": "1"})
    out = subprocess.run([sys.executable, "-c", _COUNT_THREADS.format(module="hpkern")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    os_threads = int(out.stdout.strip().splitlines()[-1])
    expected = 1 + threads + (threads - 1 if threads > 1 else 0)
    assert os_threads == expected, f"HPK_NUM_THREADS={threads}: {os_threads} OS threads"
