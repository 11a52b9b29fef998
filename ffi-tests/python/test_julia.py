"""Julia set: the book's checksums, and calculate_z against a pure-Python reference."""

import numpy as np
import pytest

X1, X2, Y1, Y2 = -1.8, 1.8, -1.8, 1.8
C = complex(-0.62772, -0.42193)
BOOK_SUM, BOOK_AT_MAXITER, BOOK_ZERO = 33219980, 100321, 102865


@pytest.fixture(scope="module")
def book_lists():
    """zs and cs exactly as the book builds them: coordinates by repeated addition, row by row."""
    width = height = 1000
    x_step, y_step = (X2 - X1) / width, (Y1 - Y2) / height
    x, y = [], []
    ycoord = Y2
    while ycoord > Y1:
        y.append(ycoord)
        ycoord += y_step
    xcoord = X1
    while xcoord < X2:
        x.append(xcoord)
        xcoord += x_step
    assert len(x) == len(y) == 1000
    zs = [complex(xc, yc) for yc in y for xc in x]
    return zs, [C] * len(zs)


def reference_calculate_z(zs, cs, maxiter):
    """The book's loop with the header's escape test re^2 + im^2 < 4."""
    output = []
    for z, c in zip(zs, cs, strict=True):
        n = 0
        while n < maxiter and z.real * z.real + z.imag * z.imag < 4:
            z = z * z + c
            n += 1
        output.append(n)
    return output


def check_book_counts(counts):
    assert counts.dtype == np.int32
    assert int(counts.sum(dtype=np.int64)) == BOOK_SUM
    assert int((counts == 300).sum()) == BOOK_AT_MAXITER
    assert int((counts == 0).sum()) == BOOK_ZERO


def test_julia_grid_book_checksum(hpk):
    counts = hpk.julia_grid(1000, 1000)
    assert counts.shape == (1000, 1000)
    check_book_counts(counts)


def test_julia_grid_explicit_book_arguments(hpk):
    counts = hpk.julia_grid(1000, 1000, x1=X1, x2=X2, y1=Y1, y2=Y2, c=C, maxiter=300)
    check_book_counts(counts)


def test_calculate_z_book_lists(hpk, book_lists):
    zs, cs = book_lists
    counts = hpk.calculate_z(zs, cs, 300)
    assert counts.shape == (len(zs),)
    check_book_counts(counts)


def test_calculate_z_numpy_arrays_and_scalar_c(hpk, book_lists):
    zs = np.array(book_lists[0], dtype=np.complex128)
    counts = hpk.calculate_z(zs, C, maxiter=300)
    check_book_counts(counts)
    assert np.array_equal(counts, hpk.calculate_z(zs, np.complex128(C), 300))
    assert np.array_equal(counts.reshape(1000, 1000), hpk.julia_grid(1000, 1000))


def test_calculate_z_matches_pure_python(hpk):
    rng = np.random.default_rng(1)
    zs = [complex(a, b) for a, b in rng.uniform(-1.8, 1.8, (2000, 2))]
    cs = [complex(a, b) for a, b in rng.uniform(-1.0, 1.0, (2000, 2))]
    expected = reference_calculate_z(zs, cs, 80)
    assert hpk.calculate_z(zs, cs, 80).tolist() == expected


def test_calculate_z_keeps_the_shape_of_zs(hpk):
    zs = np.linspace(-1, 1, 12).astype(np.complex128).reshape(3, 4) * (1 + 1j)
    counts = hpk.calculate_z(zs, C, 50)
    assert counts.shape == (3, 4)
    assert counts.ravel().tolist() == reference_calculate_z(zs.ravel().tolist(), [C] * 12, 50)


def test_calculate_z_edge_values(hpk):
    assert hpk.calculate_z([], C, 10).shape == (0,)
    assert hpk.calculate_z([0j, 3 + 0j], [0j, 0j], 0).tolist() == [0, 0]
    assert hpk.calculate_z([0j, 3 + 0j], 0j, 1000).tolist() == [1000, 0]  # 0 never escapes


def test_julia_grid_small_and_corners(hpk):
    counts = hpk.julia_grid(5, 3, maxiter=40)
    assert counts.shape == (3, 5)
    # pixel (r, k) is x1 + k*(x2-x1)/width + 1j*(y2 + r*(y1-y2)/height)
    zs = [complex(X1 + k * (X2 - X1) / 5, Y2 + r * (Y1 - Y2) / 3) for r in range(3) for k in range(5)]
    assert counts.ravel().tolist() == reference_calculate_z(zs, [C] * 15, 40)
    assert hpk.julia_grid(1, 1, maxiter=0).tolist() == [[0]]
