"""Build the Cython peers (cython/*.pyx) with gcc -O3 -march=native -fopenmp into OUT_DIR.

    python build_cython.py OUT_DIR
Extensions land in OUT_DIR (importable from there); C files and objects in OUT_DIR/build."""
import os
import sys
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
FLAGS = ["-O3", "-march=native", "-fopenmp"]


def main(out_dir: str) -> None:
    out = Path(out_dir).resolve()
    build = out / "build"
    build.mkdir(parents=True, exist_ok=True)
    os.chdir(HERE)  # setuptools wants source paths relative to the current directory
    extensions = [Extension(pyx.stem, [str(pyx.relative_to(HERE))], extra_compile_args=FLAGS,
                            extra_link_args=["-fopenmp"])
                  for pyx in sorted((HERE / "cython").glob("*.pyx"))]
    setup(name="hpkern-bench-peers",
          ext_modules=cythonize(extensions, language_level=3, build_dir=str(build / "c"), quiet=True),
          script_args=["-q", "build_ext", "-j", str(os.cpu_count() or 1), "--build-lib", str(out), "--build-temp", str(build / "obj")])


if __name__ == "__main__":
    main(sys.argv[1])
