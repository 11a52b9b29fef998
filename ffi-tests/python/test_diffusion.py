"""2-D diffusion against a numpy reference of the book's stencil."""

import numpy as np
import pytest

SHAPES = [(1, 1), (1, 7), (7, 1), (2, 2), (3, 3), (17, 33), (256, 300)]
BOUNDARIES = ["fixed", "periodic"]
D, DT = 1.0, 0.1


def reference_step(grid, d=D, dt=DT, boundary="fixed"):
    """out = in + d*dt*(in[i+1,j] + in[i-1,j] + in[i,j+1] + in[i,j-1] - 4*in[i,j])."""
    if boundary == "periodic":
        laplacian = (np.roll(grid, 1, 0) + np.roll(grid, -1, 0) + np.roll(grid, 1, 1)
                     + np.roll(grid, -1, 1) - 4 * grid)
        return grid + d * dt * laplacian
    out = grid.copy()  # fixed: edges unchanged; fewer than 3 rows or columns is all edge
    if min(grid.shape) >= 3:
        inner = grid[1:-1, 1:-1]
        laplacian = grid[2:, 1:-1] + grid[:-2, 1:-1] + grid[1:-1, 2:] + grid[1:-1, :-2] - 4 * inner
        out[1:-1, 1:-1] = inner + d * dt * laplacian
    return out


def reference_run(grid, steps, boundary):
    for _ in range(steps):
        grid = reference_step(grid, boundary=boundary)
    return grid


def random_grid(shape, seed=0):
    return np.random.default_rng(seed).random(shape)


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evolve_matches_reference(hpk, shape, boundary):
    grid = random_grid(shape)
    before = grid.copy()
    out = hpk.evolve(grid, d=D, dt=DT, boundary=boundary)
    assert out.shape == shape and out.dtype == np.float64
    np.testing.assert_allclose(out, reference_step(grid, boundary=boundary), rtol=0, atol=1e-12)
    assert np.array_equal(grid, before)  # the input is not touched


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("steps", [0, 1, 4, 7])
def test_run_matches_reference(hpk, shape, boundary, steps):
    grid = random_grid(shape, seed=steps)
    expected = reference_run(grid.copy(), steps, boundary)
    result = hpk.run(grid, steps, d=D, dt=DT, boundary=boundary)
    assert result is grid  # in place, whatever the parity of steps
    np.testing.assert_allclose(grid, expected, rtol=0, atol=1e-12)


def test_evolve_into_given_out_and_other_coefficients(hpk):
    grid = random_grid((9, 11))
    out = np.full_like(grid, np.nan)
    assert hpk.evolve(grid, out, d=0.5, dt=0.2, boundary="periodic") is out
    np.testing.assert_allclose(out, reference_step(grid, 0.5, 0.2, "periodic"), rtol=0, atol=1e-12)


def test_run_with_given_scratch_and_int_boundary(hpk):
    grid, scratch = random_grid((12, 10)), np.empty((12, 10))
    expected = reference_run(grid.copy(), 5, "periodic")
    hpk.run(grid, 5, boundary=hpk.BOUNDARY_PERIODIC, scratch=scratch)
    np.testing.assert_allclose(grid, expected, rtol=0, atol=1e-12)
    fixed = random_grid((5, 6))
    expected = reference_run(fixed.copy(), 3, "fixed")
    np.testing.assert_allclose(hpk.run(fixed, 3, boundary=hpk.BOUNDARY_FIXED), expected, rtol=0, atol=1e-12)


def test_book_initial_condition_fixed_edges_stay(hpk):
    n = 64
    grid = np.zeros((n, n))
    grid[int(0.4 * n):int(0.5 * n), int(0.4 * n):int(0.5 * n)] = 0.005
    expected = reference_run(grid.copy(), 20, "fixed")
    hpk.run(grid, 20)
    np.testing.assert_allclose(grid, expected, rtol=0, atol=1e-12)
    assert grid[0].sum() == grid[-1].sum() == grid[:, 0].sum() == grid[:, -1].sum() == 0.0


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("shape", [(1, 7), (7, 1), (3, 3), (17, 33), (40, 23)], ids=str)
def test_fortran_order_gives_the_c_order_result(hpk, shape, boundary):
    c_grid = random_grid(shape, seed=3)
    f_grid = np.asfortranarray(c_grid.copy())  # for 1xN and Nx1 both layouts are the same memory
    f_out = hpk.evolve(f_grid, boundary=boundary)
    assert f_out.flags.f_contiguous
    np.testing.assert_allclose(f_out, hpk.evolve(c_grid, boundary=boundary), rtol=0, atol=1e-12)
    np.testing.assert_allclose(f_out, reference_step(c_grid, boundary=boundary), rtol=0, atol=1e-12)
    f_given = np.asfortranarray(np.empty(shape))
    assert hpk.evolve(f_grid, f_given, boundary=boundary) is f_given
    np.testing.assert_allclose(f_given, f_out, rtol=0, atol=1e-12)
    hpk.run(f_grid, 5, boundary=boundary, scratch=np.asfortranarray(np.empty(shape)))
    np.testing.assert_allclose(f_grid, reference_run(c_grid, 5, boundary), rtol=0, atol=1e-12)


def test_periodic_conserves_the_sum(hpk):
    grid = random_grid((50, 70), seed=7)
    total = grid.sum()
    hpk.run(grid, 101, boundary="periodic")
    assert grid.sum() == pytest.approx(total, rel=1e-12)
    assert not np.allclose(grid, random_grid((50, 70), seed=7))


def test_nested_list_grid_is_converted_for_evolve(hpk):
    grid = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    out = hpk.evolve(grid)
    expected = np.zeros((3, 3))
    expected[1, 1] = 1 - 0.4
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)


def test_read_only_input_grid_is_fine_for_evolve(hpk):
    grid = random_grid((6, 6))
    grid.flags.writeable = False
    np.testing.assert_allclose(hpk.evolve(grid), reference_step(grid), rtol=0, atol=1e-12)


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evolve_gives_the_same_bits_through_its_pre_bound_and_general_paths(hpk, shape, boundary):
    """The common call (C-ordered writable grids, float coefficients, a boundary name, no
    progress) goes through Backend.bind; every other form through the general checks."""
    grid = random_grid(shape, seed=5)
    want = reference_step(grid, boundary=boundary)
    fast = hpk.evolve(grid, np.empty_like(grid), d=D, dt=DT, boundary=boundary)
    read_only = grid.copy()
    read_only.flags.writeable = False
    edge = hpk.BOUNDARY_FIXED if boundary == "fixed" else hpk.BOUNDARY_PERIODIC
    general = [hpk.evolve(grid, np.empty_like(grid), d=D, dt=DT, boundary=boundary, progress=False),
               hpk.evolve(read_only, np.empty_like(grid), d=D, dt=DT, boundary=boundary),
               hpk.evolve(grid, np.empty_like(grid), d=np.float64(D), dt=DT, boundary=boundary),
               hpk.evolve(grid, np.empty_like(grid), d=D, dt=DT, boundary=edge),
               hpk.evolve(grid, d=D, dt=DT, boundary=boundary)]
    np.testing.assert_allclose(fast, want, rtol=0, atol=1e-12)
    for k, other in enumerate(general):
        assert np.array_equal(other.view(np.uint64), fast.view(np.uint64)), f"general form {k}"
    # Fortran order is the transposed grid's step: the same within rounding (sums in another order).
    np.testing.assert_allclose(hpk.evolve(np.asfortranarray(grid), d=D, dt=DT, boundary=boundary), want,
                               rtol=0, atol=1e-12)


def test_bound_evolve_returns_the_status_and_writes_the_step(hpk):
    from hpkern import _abi

    bound = hpk.module.backend.bind("hpk_diffusion_evolve")
    grid = random_grid((6, 7), seed=3)
    out = np.full_like(grid, np.nan)
    assert bound(grid, out, 6, 7, D, DT, _abi.HPK_BOUNDARY_PERIODIC) == _abi.HPK_OK
    np.testing.assert_allclose(out, reference_step(grid, boundary="periodic"), rtol=0, atol=1e-12)
    assert bound(grid, grid, 6, 7, D, DT, _abi.HPK_BOUNDARY_FIXED) == _abi.HPK_ERR_OVERLAP
    with pytest.raises(hpk.HpkError, match="overlap"):
        hpk.evolve(grid, grid)  # the pre-bound path raises as the general one does
