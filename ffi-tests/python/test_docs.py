"""The README's snippet and example.py run as documented (they use `import hpkern`: ctypes)."""

import re
import subprocess
import sys

import pytest
from conftest import REPO, child_environment

BINDINGS = REPO / "bindings" / "python"
pytestmark = pytest.mark.parametrize("hpk", ["ctypes"], indirect=True)


def test_readme_snippet_runs(hpk, capsys):
    snippet = re.search(r"```python\n(.*?)```", (BINDINGS / "README.md").read_text(), re.S).group(1)
    exec(compile(snippet, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "[ 2  3  5  7 11 13 17 19 23 29]" in out and "x1 must be finite, got NaN" in out


def test_example_runs(hpk):
    # -P: not the script's directory (bindings/python) first on sys.path, but the package under test
    result = subprocess.run([sys.executable, "-P", str(BINDINGS / "example.py")], cwd=REPO, timeout=120,
                            env=child_environment(hpk, {}),
                            capture_output=True, text=True, check=True)
    assert "sum = 33219980" in result.stdout
    assert "100109100129100369 = 95362951 x 1049769319" in result.stdout
    assert "count_primes(0, 10**6) = 78498" in result.stdout
