"""cffi and ctypes give bit-identical results on the same inputs (ctypes is the reference)."""

import numpy as np
import pytest

pytestmark = pytest.mark.parametrize("hpk", ["cffi"], indirect=True)


def both(hpk, ctypes_api, name, *args, **kwargs):
    return getattr(hpk, name)(*args, **kwargs), getattr(ctypes_api, name)(*args, **kwargs)


def test_julia_identical(hpk, ctypes_api):
    a, b = both(hpk, ctypes_api, "julia_grid", 640, 480, x1=-2.0, x2=1.0, y1=-1.2, y2=1.2,
                c=complex(-0.8, 0.156), maxiter=500)
    assert a.dtype == b.dtype == np.int32 and np.array_equal(a, b)


def test_calculate_z_identical(hpk, ctypes_api):
    rng = np.random.default_rng(5)
    zs = rng.uniform(-2, 2, 50_000) + 1j * rng.uniform(-2, 2, 50_000)
    cs = rng.uniform(-1, 1, 50_000) + 1j * rng.uniform(-1, 1, 50_000)
    a, b = both(hpk, ctypes_api, "calculate_z", zs, cs, 200)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("boundary", ["fixed", "periodic"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_diffusion_identical(hpk, ctypes_api, boundary, order):
    start = np.asarray(np.random.default_rng(9).random((97, 131)), order=order)
    a, b = both(hpk, ctypes_api, "evolve", start, d=0.7, dt=0.3, boundary=boundary)
    assert np.array_equal(a, b) and a.flags.f_contiguous == b.flags.f_contiguous
    grid_a, grid_b = start.copy(order="K"), start.copy(order="K")
    hpk.run(grid_a, 33, boundary=boundary)
    ctypes_api.run(grid_b, 33, boundary=boundary)
    assert np.array_equal(grid_a, grid_b)


def test_primes_identical(hpk, ctypes_api):
    numbers = np.random.default_rng(3).integers(0, 2**63, 20_000, dtype=np.uint64)
    assert np.array_equal(*both(hpk, ctypes_api, "is_prime_batch", numbers))
    a, b = both(hpk, ctypes_api, "primes", 10**9, 10**9 + 10**5)
    assert a.dtype == b.dtype == np.uint64 and np.array_equal(a, b)
    assert both(hpk, ctypes_api, "count_primes", 0, 10**7) == (664579, 664579)
    assert both(hpk, ctypes_api, "smallest_factor_in_range", 100109100129101027, 171656941 - 10, 2**40) \
        == (171656941, 171656941)
