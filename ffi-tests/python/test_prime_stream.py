"""iter_primes: the chunks equal primes() on random windows, ints, resuming, closing (the
library's stream freed), progress and cancelling, argument errors; on both backends."""

import gc

import hpkern
import numpy as np
import pytest

from test_primes import LARGEST_U64_PRIME, PRIMES_BELOW_100, sieve


def collect(chunks):
    arrays = list(chunks)
    for array in arrays:
        assert array.dtype == np.uint64 and array.ndim == 1 and array.size > 0
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)


def test_small_ranges_against_a_sieve(hpk):
    flags = sieve(2000)
    for start, stop in [(0, 100), (0, 2), (2, 3), (3, 5), (90, 97), (1000, 2000), (7, 7), (50, 10)]:
        want = np.flatnonzero(flags[start:stop]) + start if start < stop else np.empty(0)
        for chunk in (1, 3, 64):
            assert collect(hpk.iter_primes(start, stop, chunk=chunk)).tolist() == want.tolist()
    assert list(hpk.iter_primes(100, as_ints=True)) == PRIMES_BELOW_100


def test_random_windows_equal_primes(hpk):
    rng = np.random.default_rng(17)
    for _ in range(25):
        bits = int(rng.integers(4, 64))
        length = int(rng.integers(1, 2_000_000))
        start = min(int(rng.integers(0, 2**bits, dtype=np.uint64)), 2**64 - 1 - length)
        chunk = int(rng.integers(1, 50_000))
        got = collect(hpk.iter_primes(start, start + length, chunk=chunk))
        assert np.array_equal(got, hpk.primes(start, start + length)), (start, length, chunk)


def test_chunks_have_the_asked_size_and_are_the_callers(hpk):
    chunks = list(hpk.iter_primes(10**6, chunk=1000))
    assert [c.size for c in chunks[:-1]] == [1000] * (len(chunks) - 1)
    assert 0 < chunks[-1].size <= 1000 and sum(c.size for c in chunks) == 78498
    assert all(c.base is None or c.base.size == c.size for c in chunks)
    chunks[0][:] = 0  # writable and not shared with the next chunk
    assert chunks[1][0] == hpk.primes(10**6)[1000]


def test_the_top_of_u64(hpk):
    got = list(hpk.iter_primes(2**64 - 1000, 2**64 - 1, as_ints=True, chunk=3))
    assert got == [int(p) for p in hpk.primes(2**64 - 1000, 2**64 - 1)]
    assert got[-1] == LARGEST_U64_PRIME and all(type(p) is int for p in got)


def test_resuming_after_the_last_prime_seen(hpk):
    start, stop = 10**12, 10**12 + 5_000_000
    want = hpk.primes(start, stop).tolist()
    walk = hpk.iter_primes(start, stop, as_ints=True)
    first = [next(walk) for _ in range(12345)]
    walk.close()
    rest = list(hpk.iter_primes(first[-1] + 1, stop, as_ints=True))
    assert first + rest == want


def test_the_stream_is_freed_on_close_break_and_garbage_collection(hpk, monkeypatch):
    backend = hpk.module.backend
    calls = []
    original = type(backend).call

    def counting(self, function, *args):
        if function.startswith("hpk_prime_stream_"):
            calls.append(function)
        return original(self, function, *args)

    monkeypatch.setattr(type(backend), "call", counting)
    hpk.use_backend(hpk.name)

    def balanced():
        return calls.count("hpk_prime_stream_new") == calls.count("hpk_prime_stream_free")

    walk = hpk.iter_primes(10**9)
    assert calls == [], "nothing is created before the first next()"
    next(walk)
    assert calls.count("hpk_prime_stream_new") == 1 and not balanced()
    walk.close()
    assert balanced()
    for p in hpk.iter_primes(10**9, as_ints=True):
        if p > 1000:
            break
    gc.collect()
    assert balanced()
    walk = hpk.iter_primes(10**9, as_ints=True)
    next(walk)
    del walk
    gc.collect()
    assert balanced()
    list(hpk.iter_primes(1000))
    assert balanced() and calls.count("hpk_prime_stream_new") == 4


def test_the_backend_is_the_one_active_when_called(hpk):
    walk = hpk.iter_primes(100, as_ints=True)  # hpk made its backend active for this call
    other = "cffi" if hpk.name == "ctypes" else "ctypes"
    hpkern.use_backend(other)
    assert list(walk) == PRIMES_BELOW_100 and hpkern.backend_name() == other


def test_progress_is_reported_per_chunk_and_can_cancel(hpk):
    reports = []

    def watch(done, total):
        reports.append((done, total))
        return False

    count = sum(c.size for c in hpk.iter_primes(10**6, 2 * 10**6, chunk=5000, progress=watch))
    assert count == hpk.count_primes(10**6, 2 * 10**6)
    done = [d for d, _ in reports]
    assert done == sorted(done) and done[-1] == 10**6 and {t for _, t in reports} == {10**6}

    seen = []
    with pytest.raises(hpk.Cancelled) as info:
        for chunk in hpk.iter_primes(10**9, chunk=1000, progress=lambda done, total: done > 50_000):
            seen.append(chunk)
    assert info.value.total == 10**9 and info.value.done > 50_000
    walked = np.concatenate(seen)
    assert np.array_equal(walked, hpk.primes(int(walked[-1]) + 1))

    class Stop(Exception):
        pass

    def failing(done, total):
        raise Stop

    with pytest.raises(Stop):
        list(hpk.iter_primes(10**5, progress=failing))


def test_bad_arguments_raise_before_anything_runs(hpk):
    for bad, error in [(-1, OverflowError), (2**64, OverflowError), (1.5, TypeError), (True, TypeError)]:
        with pytest.raises(error):
            hpk.iter_primes(bad, 100)
        with pytest.raises(error):
            hpk.iter_primes(0, bad)
    for chunk, error in [(0, ValueError), (2**27 + 1, ValueError), (-5, OverflowError), (2.0, TypeError)]:
        with pytest.raises(error):
            hpk.iter_primes(100, chunk=chunk)
    with pytest.raises(TypeError):
        hpk.iter_primes(100, progress="yes")


def test_the_cli_lists_a_range_of_many_chunks_by_streaming(hpk, tmp_path):
    from test_cli import hpkern as run_cli

    start, stop = 10**10, 10**10 + 4_000_000  # about 173000 primes: three chunks
    result = run_cli(hpk, "primes", "list", str(start), str(stop), "-o", str(tmp_path / "p.txt"))
    assert result.returncode == 0, result.stderr
    want = hpk.primes(start, stop)
    assert f"wrote {want.size} primes" in result.stdout and want.size > 2 * 65536
    assert np.array_equal(np.loadtxt(tmp_path / "p.txt", dtype=np.uint64), want)
    result = run_cli(hpk, "primes", "list", "90", "110")
    assert result.returncode == 0 and result.stdout.split() == ["97", "101", "103", "107", "109"]
