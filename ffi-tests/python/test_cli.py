"""The `hpkern` command line through subprocess (`python -m hpkern`): each subcommand's output
and exit status, PNG files of the right size, one-line errors for bad input, Ctrl-C."""

import signal
import subprocess
import sys
import time

import pytest
from conftest import child_environment

pytestmark = pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)  # the CLI's backend


def hpkern(hpk, *args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "hpkern", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=child_environment(hpk, env or {}))


def png_shape(path):
    from matplotlib import image

    return image.imread(path).shape


def test_julia_writes_the_books_picture(hpk, tmp_path):
    result = hpkern(hpk, "julia", "-o", str(tmp_path / "j.png"))
    assert result.returncode == 0, result.stderr
    assert "julia 1000x1000, c=(-0.62772-0.42193j), maxiter 300: checksum 33219980" in result.stdout
    assert png_shape(tmp_path / "j.png")[:2] == (1000, 1000)


def test_julia_size_region_and_constant(hpk, tmp_path):
    result = hpkern(hpk, "julia", "-o", str(tmp_path / "j.png"), "--width", "300", "--height", "200",
                    "--maxiter", "50", "--c", "-0.8+0.156j", "--region", "-1.5", "1.5", "-1", "1")
    assert result.returncode == 0, result.stderr
    import hpkern as api

    want = api.julia_grid(300, 200, x1=-1.5, x2=1.5, y1=-1.0, y2=1.0, c=-0.8 + 0.156j, maxiter=50)
    assert f"checksum {int(want.sum())} " in result.stdout
    assert png_shape(tmp_path / "j.png")[:2] == (200, 300)


def test_diffuse_draws_frames(hpk, tmp_path):
    result = hpkern(hpk, "diffuse", "-o", str(tmp_path / "d.png"), "--size", "128", "--steps", "60",
                    "--frames", "3", "--boundary", "periodic")
    assert result.returncode == 0, result.stderr
    import numpy as np

    import hpkern as api

    grid = np.zeros((128, 128))
    grid[51:64, 51:64] = 0.005
    api.run(grid, 60, boundary="periodic")
    assert f"sum {grid.sum():.6g}, max {grid.max():.6g}" in result.stdout
    height, width = png_shape(tmp_path / "d.png")[:2]
    assert width > 2 * height  # three frames side by side


def test_diffuse_warns_when_unstable(hpk, tmp_path):
    result = hpkern(hpk, "diffuse", "-o", str(tmp_path / "d.png"), "--size", "16", "--steps", "2",
                    "--frames", "2", "--d", "1", "--dt", "0.3")
    assert result.returncode == 0
    assert "warning: d*dt = 0.3 > 0.25" in result.stderr


@pytest.mark.parametrize("args, out", [
    (["count", "1e6"], "78498"),
    (["count", "10**9"], "50847534"),
    (["count", "1_000", "2_000"], "135"),
    (["check", "100109100129100151"], "100109100129100151 is prime"),
    (["check", "100109100129100369"], "100109100129100369 is not prime: 95362951 x 1049769319"),
    (["check", "1"], "1 is not prime"),
    (["list", "90", "110"], "97\n101\n103\n107\n109"),
])
def test_primes(hpk, args, out):
    result = hpkern(hpk, "primes", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == out


def test_primes_list_to_a_file(hpk, tmp_path):
    result = hpkern(hpk, "primes", "list", "0", "100", "-o", str(tmp_path / "p.txt"))
    assert result.returncode == 0 and "wrote 25 primes" in result.stdout
    assert (tmp_path / "p.txt").read_text().split()[:5] == ["2", "3", "5", "7", "11"]


def test_info(hpk):
    result = hpkern(hpk, "--threads", "1", "info")
    import hpkern as api

    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["version"] == api.__version__ and lines["abi"] == str(api.ABI_VERSION)
    assert lines["isa"] in ("avx512", "avx2", "scalar") and lines["threads"] == "1"
    assert lines["library"].endswith("libhpkern.so")


@pytest.mark.parametrize("args, message", [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["julia", "--size", "-5"], "'-5' is negative"),
    (["julia", "--size", "0"], "'0' must be at least 1"),
    (["julia", "--maxiter", "lots"], "'lots' is not a whole number"),
    (["primes", "count", "1.5e0"], "'1.5e0' is not a whole number"),
    (["primes", "count", "1", "2", "3"], "primes count takes STOP or START STOP, got 3 numbers"),
    (["primes", "check"], "the following arguments are required: N"),
    (["primes", "count", "10**99"], "'10**99' is too large"),
    (["diffuse", "--boundary", "diagonal"], "invalid choice: 'diagonal'"),
    (["julia", "--c", "one"], "'one' is not a complex number"),
    (["--threads", "x", "info"], "'x' is not a whole number"),
])
def test_bad_input_is_one_line_and_status_2(hpk, args, message):
    result = hpkern(hpk, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # argparse's usage line, then the error


@pytest.mark.parametrize("args, message", [
    (["--threads", "5000", "info"], "HPK_ERR_INVALID_ARGUMENT"),
    (["primes", "count", "2**64"], "stop must fit uint64_t"),
])
def test_library_errors_are_one_line_and_status_1(hpk, args, message):
    result = hpkern(hpk, *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_output_is_one_line(hpk, tmp_path):
    result = hpkern(hpk, "julia", "--size", "10", "-o", str(tmp_path / "missing" / "j.png"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "hpkern julia: error:" in result.stderr


@pytest.mark.parametrize("command", ["julia", "diffuse", "primes", "info"])
def test_every_subcommand_has_help_with_an_example(hpk, command):
    result = hpkern(hpk, command, "--help")
    assert result.returncode == 0 and "usage: hpkern " + command in result.stdout
    assert "example" in result.stdout and f"hpkern {command}" in result.stdout.split("example")[-1]


def test_ctrl_c_exits_promptly_with_130(hpk):
    with subprocess.Popen([sys.executable, "-m", "hpkern", "primes", "count", "10**16"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=child_environment(hpk, {})) as child:
        time.sleep(1.5)  # the interpreter started and the count is under way
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        child.wait(timeout=30)
        elapsed = time.monotonic() - sent
        stderr = child.stderr.read()
    assert child.returncode == 130, stderr
    assert elapsed < 1.0 and "interrupted" in stderr and "Traceback" not in stderr


def test_the_console_script_is_declared(hpk):
    import tomllib
    from pathlib import Path

    from conftest import REPO

    project = tomllib.loads((REPO / "bindings/python/pyproject.toml").read_text())["project"]
    assert project["scripts"]["hpkern"] == "hpkern.cli:main"
    assert "matplotlib" in " ".join(project["optional-dependencies"]["plot"])
    assert Path(REPO / "bindings/python/hpkern/__main__.py").is_file()


def test_missing_matplotlib_names_the_extra(hpk, tmp_path):
    blocker = tmp_path / "matplotlib"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = child_environment(hpk, {})
    env["PYTHONPATH"] = f"{tmp_path}:{env.get('PYTHONPATH', '')}".rstrip(":")
    result = subprocess.run([sys.executable, "-m", "hpkern", "julia", "--size", "10", "-o",
                             str(tmp_path / "j.png")], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pip install 'hpkern[plot]'" in result.stderr
