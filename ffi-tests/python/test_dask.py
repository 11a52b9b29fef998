"""hpkern.dask on the default (threaded) scheduler and on a LocalCluster of two worker processes
(one thread each, on this machine only): the same bits as the single-machine functions, also
when a worker process is killed in the middle of a computation."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import hpkern
import hpkern.dask as hd

pytestmark = pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)  # the workers' backend

GRID = np.random.default_rng(11).random((120, 150))


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    with hd.local_cluster(2, 1, dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def test_julia_tiles_equal_the_whole_grid_on_the_threaded_scheduler(hpk):
    for chunks in ((300, 170), 1000, (1, 1000), (1000, 3)):
        tiles = hd.julia_grid(1000, 1000, chunks=chunks)
        assert np.array_equal(tiles.compute(scheduler="threads"), hpk.julia_grid(1000, 1000)), chunks


def test_julia_tile_is_the_grids_slice(hpk):
    whole = hpk.julia_grid(640, 480, x1=-2.0, x2=1.0, y1=-1.2, y2=1.2, c=-0.8 + 0.156j, maxiter=200)
    tile = hpk.julia_tile(640, 480, 37, 101, 200, 333, x1=-2.0, x2=1.0, y1=-1.2, y2=1.2,
                          c=-0.8 + 0.156j, maxiter=200)
    assert np.array_equal(tile, whole[37:237, 101:434])
    with pytest.raises(hpk.HpkError, match="must lie inside"):
        hpk.julia_tile(640, 480, 400, 0, 81, 10)


@pytest.mark.parametrize("boundary", ["fixed", "periodic"])
@pytest.mark.parametrize("k", [1, 4, 16])
@pytest.mark.parametrize("chunks", [(60, 75), (13, 150), (120, 7), (40, 50)])
def test_diffusion_equals_one_machine_bit_for_bit(hpk, boundary, k, chunks):
    out = hd.run(GRID, 37, boundary=boundary, steps_per_exchange=k, chunks=chunks, scheduler="threads")
    assert np.array_equal(out.compute(), hpk.run(GRID.copy(), 37, boundary=boundary))


def test_diffusion_refuses_a_halo_deeper_than_the_grid(hpk):
    with pytest.raises(ValueError, match="must not exceed the grid's smaller dimension"):
        hd.run(np.zeros((10, 40)), 100, steps_per_exchange=16)


def test_a_long_run_keeps_its_graph_small(hpk):
    out = hd.run(GRID, 200, steps_per_exchange=4, chunks=(60, 75), scheduler="threads")
    assert len(out.__dask_graph__()) == out.npartitions == 4  # persisted: its blocks, no history
    assert np.array_equal(out.compute(), hpk.run(GRID.copy(), 200))


def test_primes_on_the_threaded_scheduler(hpk):
    assert hd.count_primes(10**8, parts=7, scheduler="threads") == 5761455
    assert hd.count_primes(10**6, 10**6, scheduler="threads") == 0
    listed = hd.primes(10**9, 10**9 + 10**6, parts=3).compute(scheduler="threads")
    assert listed.dtype == np.uint64 and np.array_equal(listed, hpk.primes(10**9, 10**9 + 10**6))
    import dask.array as da

    numbers = da.from_array(np.arange(2**40, 2**40 + 10**5, dtype=np.uint64), chunks=7919)
    assert np.array_equal(hd.is_prime_batch(numbers).compute(),
                          hpk.is_prime_batch(np.arange(2**40, 2**40 + 10**5, dtype=np.uint64)))


# -- on a cluster of two worker processes -----------------------------------------------------------


def test_each_worker_uses_its_own_thread_count(hpk, client):
    threads = client.run(hpkern.get_num_threads)
    assert len(threads) == 2 and set(threads.values()) == {1}
    client.register_plugin(hd.ThreadsPerWorker())
    assert set(client.run(hpkern.get_num_threads).values()) == {1}


def test_cluster_julia_book_checksum(hpk, client):
    counts = client.compute(hd.julia_grid(1000, 1000, chunks=250)).result()
    assert int(counts.sum()) == 33219980 and np.array_equal(counts, hpk.julia_grid(1000, 1000))


@pytest.mark.parametrize("boundary", ["fixed", "periodic"])
def test_cluster_diffusion(hpk, client, boundary):
    out = hd.run(GRID, 50, boundary=boundary, steps_per_exchange=16, chunks=(60, 75), client=client)
    assert np.array_equal(client.compute(out).result(), hpk.run(GRID.copy(), 50, boundary=boundary))


def test_cluster_primes(hpk, client):
    assert hd.count_primes(10**10, client=client) == 455052511
    listed = client.compute(hd.primes(10**12, 10**12 + 10**6, parts=4)).result()
    assert np.array_equal(listed, hpk.primes(10**12, 10**12 + 10**6))


def _kill_a_worker_soon(client, delay):
    """SIGKILL one worker process after ``delay`` seconds; its nanny starts a new one."""
    pids = list(client.run(os.getpid).values())

    def kill():
        time.sleep(delay)
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    return killer


def test_a_killed_worker_does_not_change_the_julia_picture(hpk, client):
    picture = hd.julia_grid(2000, 2000, maxiter=3000, chunks=250)
    future = client.compute(picture)
    killer = _kill_a_worker_soon(client, 0.5)
    counts = future.result(timeout=300)
    killer.join()
    assert np.array_equal(counts, hpk.julia_grid(2000, 2000, maxiter=3000))
    client.wait_for_workers(2, timeout=60)


def test_a_killed_worker_does_not_change_the_diffusion(hpk, client):
    grid = np.random.default_rng(5).random((512, 512))
    killer = _kill_a_worker_soon(client, 0.5)
    started = time.monotonic()
    out = hd.run(grid, 160, steps_per_exchange=16, chunks=(256, 256), client=client)
    result = client.compute(out).result(timeout=300)
    assert time.monotonic() - started > 0.5, "the run ended before the worker was killed"
    killer.join()
    assert np.array_equal(result, hpk.run(grid.copy(), 160))
    client.wait_for_workers(2, timeout=60)
