"""progress= on every long call: reports on the calling thread, cancellation, what outputs hold
after it, errors raised by the callback, progress bars; Ctrl-C (SIGINT) during each long call."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import child_environment

from hpkern import _progress

LARGEST_U64_PRIME = 2**64 - 59

# (id, call with a progress argument): each runs for seconds unless cancelled.
LONG_CALLS = [
    ("evolve", lambda h, p: h.evolve(np.ones((2048, 4096)), progress=p)),
    ("run", lambda h, p: h.run(np.ones((1024, 1024)), 10**6, progress=p)),
    ("julia_grid", lambda h, p: h.julia_grid(2000, 2000, maxiter=10**6, progress=p)),
    ("calculate_z", lambda h, p: h.calculate_z(np.zeros(10**6, complex), 0j, 10**6, progress=p)),
    ("check_prime", lambda h, p: h.check_prime(LARGEST_U64_PRIME, progress=p)),
    ("smallest_factor_in_range",
     lambda h, p: h.smallest_factor_in_range(LARGEST_U64_PRIME, 2, 2**63, progress=p)),
    ("is_prime_batch", lambda h, p: h.is_prime_batch(
        np.arange(2**64 - 2**24, 2**64 - 1, dtype=np.uint64), progress=p)),
    ("count_primes", lambda h, p: h.count_primes(0, 10**13, progress=p)),
    ("primes", lambda h, p: h.primes(10**12, 10**12 + 10**10, progress=p)),
]


@pytest.fixture
def fast_reports(monkeypatch):
    """Reports every millisecond, so that even one diffusion step reports several times."""
    monkeypatch.setattr(_progress, "INTERVAL_MS", 1)


@pytest.mark.parametrize("call", [c[1] for c in LONG_CALLS], ids=[c[0] for c in LONG_CALLS])
def test_reports_arrive_on_the_calling_thread_and_a_cancel_stops_the_call(hpk, call, fast_reports):
    reports = []

    def on_progress(done, total):
        reports.append((threading.get_ident(), done, total, time.monotonic()))
        return len(reports) >= 3

    started = time.monotonic()
    with pytest.raises(hpk.Cancelled) as info:
        call(hpk, on_progress)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"the cancel took {elapsed:.2f} s"
    assert len(reports) >= 3
    assert {thread for thread, *_ in reports} == {threading.get_ident()}
    done = [d for _, d, _, _ in reports]
    assert done == sorted(done), "done never decreases"
    assert len({total for _, _, total, _ in reports}) == 1, "total is fixed"
    assert all(d <= reports[0][2] for d in done)
    error = info.value
    assert error.status == 8 and error.name == "HPK_ERR_CANCELLED" and isinstance(error, hpk.HpkError)
    assert "cancel" in error.message
    assert (error.done, error.total) == reports[-1][1:3]
    # The library is usable at once, with right answers.
    assert hpk.count_primes(10**6) == 78498 and hpk.julia_grid(1000, 1000).sum() == 33219980


def test_a_cancelled_run_holds_exactly_the_steps_reported(hpk, fast_reports):
    start = np.random.default_rng(7).random((512, 768))
    grid = start.copy()
    with pytest.raises(hpk.Cancelled) as info:
        hpk.run(grid, 10**6, boundary="periodic", progress=lambda done, total: done >= 40)
    steps = info.value.done
    assert 40 <= steps < 10**6 and info.value.total == 10**6
    assert np.array_equal(grid, hpk.run(start.copy(), steps, boundary="periodic"))


def test_a_cancelled_julia_grid_returns_nothing_and_the_next_call_is_right(hpk, fast_reports):
    with pytest.raises(hpk.Cancelled):
        hpk.julia_grid(3000, 3000, maxiter=10**5, progress=lambda done, total: True)
    assert hpk.julia_grid(1000, 1000).sum() == 33219980


def test_a_callback_that_never_cancels_changes_no_result(hpk, fast_reports):
    calls = []

    def watch(done, total):
        calls.append(done)
        return False

    assert hpk.count_primes(0, 10**9, progress=watch) == 50847534
    assert hpk.julia_grid(1000, 1000, progress=watch).sum() == 33219980
    grid = np.random.default_rng(3).random((600, 600))
    assert np.array_equal(hpk.run(grid.copy(), 300, progress=watch), hpk.run(grid.copy(), 300))
    assert calls, "the callback was called"


def test_an_exception_in_the_callback_stops_the_call_and_is_raised(hpk, fast_reports):
    def broken(done, total):
        raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError, match="from the callback"):
        hpk.count_primes(0, 10**12, progress=broken)
    assert hpk.count_primes(0, 10**6) == 78498


def test_callbacks_on_two_threads_stay_separate(hpk, fast_reports):
    seen = {"a": set(), "b": set()}
    results = {}

    # Ranges away from 0, which the sieve counts (prefixes [0, stop) now go to pi(), too fast to
    # report); the counts are primecount's pi(10^12 + 3e9 - 1) - pi(10^12 - 1) and so on.
    start = 10**12

    def work(name, stop):
        def on_progress(done, total):
            seen[name].add((threading.get_ident(), total))
            return False
        results[name] = hpk.count_primes(start, start + stop, progress=on_progress)

    threads = [threading.Thread(target=work, args=("a", 3 * 10**9)),
               threading.Thread(target=work, args=("b", 2 * 10**9))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == {"a": 108568399, "b": 72381054}
    assert len(seen["a"]) == 1 and len(seen["b"]) == 1
    (thread_a, total_a), (thread_b, total_b) = seen["a"].pop(), seen["b"].pop()
    assert thread_a != thread_b and (total_a, total_b) == (3 * 10**9, 2 * 10**9)


def test_progress_true_draws_a_bar_on_stderr(hpk, fast_reports, capsys, monkeypatch):
    monkeypatch.setattr(_progress, "new_bar", _progress.PlainBar)  # the bar without tqdm
    # A range the sieve counts: [0, 10^9) now goes to pi(), done before a first report.
    assert hpk.count_primes(10**12, 10**12 + 10**9, progress=True) == 36190991
    err = capsys.readouterr().err
    assert "count_primes 100% [#########################]" in err and err.endswith("\n")


def test_progress_true_uses_tqdm_when_installed(hpk, fast_reports, capsys):
    import tqdm  # installed with the tests (scripts/setup-python.sh, the wheel test's venv)

    assert isinstance(_progress.new_bar("x"), _progress.TqdmBar)
    # A range the sieve counts (10^9 numbers; [0, 10^9) now goes to pi(), which reports other
    # units); 36190991 is primecount's pi(10^12 + 10^9 - 1) - pi(10^12 - 1).
    assert hpk.count_primes(10**12, 10**12 + 10**9, progress=True) == 36190991
    err = capsys.readouterr().err
    assert "count_primes: 100%" in err and "1.00G/1.00G" in err, err[-300:]
    assert tqdm.__version__


def test_progress_must_be_a_bool_or_a_callable(hpk):
    with pytest.raises(TypeError, match="progress must be True, False, None or a callable"):
        hpk.count_primes(0, 10**8, progress="yes")


def test_primes_refuses_at_once_what_cannot_fit_in_memory(hpk):
    started = time.monotonic()
    with pytest.raises(MemoryError, match=r"primes\(0, 100000000000\) needs up to [0-9.]+ GiB"):
        hpk.primes(0, 10**11)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("start, stop", [(0, 2), (0, 10**6), (10**6, 10**6 + 1000), (2**40, 2**40 + 10**5),
                                         (10**12, 10**12 + 10**7), (2**64 - 10**5, 2**64 - 1), (17, 60184),
                                         (60000, 70000), (0, 60184)])
def test_the_prime_count_bound_is_an_upper_bound(hpk, start, stop):
    from hpkern._primes import prime_count_bound

    exact = hpk.count_primes(start, stop)
    bound = prime_count_bound(start, stop)
    assert exact <= bound <= stop - start
    if start == 0 and stop >= 10**6:
        assert bound <= 1.1 * exact, "close enough not to refuse what fits"


# -- Ctrl-C -----------------------------------------------------------------------------------------

_INTERRUPTED = """
import sys, time, numpy as np, hpkern as hpk
LARGEST_U64_PRIME = 2**64 - 59
call = {call}
print("started", flush=True)
try:
    while True:  # one long call; evolve, a short one, in a loop as a user would
        call(hpk, None)
except KeyboardInterrupt:
    caught = time.monotonic()
    usable = hpk.count_primes(10**6) == 78498 and hpk.julia_grid(1000, 1000).sum() == 33219980
    print(f"interrupted {{caught!r}} usable={{usable}}", flush=True)
"""

_CALL_SOURCES = {
    "evolve": "lambda h, p: h.evolve(np.ones((2048, 4096)), progress=p)",
    "run": "lambda h, p: h.run(np.ones((1024, 1024)), 10**6, progress=p)",
    "julia_grid": "lambda h, p: h.julia_grid(2000, 2000, maxiter=10**6, progress=p)",
    "calculate_z": "lambda h, p: h.calculate_z(np.zeros(10**6, complex), 0j, 10**6, progress=p)",
    "check_prime": "lambda h, p: h.check_prime(LARGEST_U64_PRIME, progress=p)",
    "smallest_factor_in_range": "lambda h, p: h.smallest_factor_in_range(LARGEST_U64_PRIME, 2, 2**63, progress=p)",
    "is_prime_batch": "lambda h, p: h.is_prime_batch(np.arange(2**64 - 2**24, 2**64 - 1, dtype=np.uint64), progress=p)",
    "count_primes": "lambda h, p: h.count_primes(0, 10**13, progress=p)",
    "primes": "lambda h, p: h.primes(10**12, 10**12 + 10**10, progress=p)",
}


@pytest.mark.parametrize("name", list(_CALL_SOURCES))
def test_ctrl_c_raises_keyboard_interrupt_promptly(hpk, name):
    script = _INTERRUPTED.format(call=_CALL_SOURCES[name])
    with subprocess.Popen([sys.executable, "-c", script], env=child_environment(hpk, {}),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout.readline().strip() == "started"
            time.sleep(0.5)  # well inside the call
            sent = time.monotonic()
            child.send_signal(signal.SIGINT)
            line = child.stdout.readline().split()
            child.wait(timeout=30)
        finally:
            child.kill()
            errors = child.stderr.read()
    assert line and line[0] == "interrupted", errors
    latency = float(line[1]) - sent
    assert latency < 0.3, f"KeyboardInterrupt {latency:.3f} s after SIGINT"
    assert line[2] == "usable=True"
    assert child.returncode == 0


def test_a_user_sigint_handler_is_left_alone(hpk):
    """Only Python's default handler is replaced during a call; a program's own handler keeps
    its signals (the call then runs to its end)."""
    calls = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        timer = threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        assert hpk.count_primes(0, 2 * 10**9) == 98222287
        timer.join()
        time.sleep(0.01)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert calls == [signal.SIGINT]
