"""The ``hpkern`` command line (also ``python -m hpkern``): the three kernels from a shell.

    hpkern julia [-o julia.png] [--size 1000 | --width W --height H] [--maxiter 300]
                 [--c -0.62772-0.42193j] [--region x1 x2 y1 y2]
    hpkern diffuse [-o diffusion.png] [--size 512 | --rows R --cols C] [--steps 1000]
                   [--d 1.0] [--dt 0.1] [--boundary fixed|periodic] [--frames 4]
    hpkern primes count STOP | count START STOP
    hpkern primes check N
    hpkern primes nth N
    hpkern primes list START STOP [-o FILE]
    hpkern info

Exit status: 0 success, 1 a failure the library or the file system reported, 2 bad usage, 130
interrupted (Ctrl-C). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import _diffusion, _julia, _library, _prime_stream, _primes, plot
from ._abi import ABI_VERSION, VERSION
from ._errors import HpkError

_POWER = re.compile(r"(\d+)\*\*(\d+)")


def number(text: str) -> int:
    """A non-negative integer written as ``1000000``, ``1_000_000``, ``1e9``, ``2.5e6`` or
    ``10**9``; refused when not exact (``1.5e0``) or negative."""
    cleaned = text.strip().replace("_", "")
    power = _POWER.fullmatch(cleaned)
    if power:
        base, exponent = int(power[1]), int(power[2])
        if exponent > 64:
            raise argparse.ArgumentTypeError(f"{text!r} is too large")
        return int(base**exponent)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (e.g. 1000, 1e9, 10**9)") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return int(value)


def positive(text: str) -> int:
    value = number(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def real(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not finite")
    return value


def complex_number(text: str) -> complex:
    try:
        return complex(text.replace(" ", "").replace("i", "j"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a complex number (e.g. -0.62772-0.42193j)") from None


def _progress(args: argparse.Namespace) -> bool:
    """Progress bars go to stderr when it is a terminal."""
    return bool(getattr(args, "progress", False)) and sys.stderr.isatty()


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


# -- subcommands ----------------------------------------------------------------------------------


def cmd_julia(args: argparse.Namespace, out: TextIO) -> int:
    width, height = (args.width or args.size), (args.height or args.size)
    x1, x2, y1, y2 = args.region
    counts, seconds = _timed(lambda: _julia.julia_grid(width, height, x1=x1, x2=x2, y1=y1, y2=y2,
                                                     c=args.c, maxiter=args.maxiter,
                                                     **_progress_kw(args)))
    print(f"julia {width}x{height}, c={args.c}, maxiter {args.maxiter}: checksum "
          f"{int(counts.sum())} in {seconds:.3f} s", file=out)
    path = plot.julia_png(counts, args.output, maxiter=args.maxiter)
    print(f"wrote {path}", file=out)
    return 0


def _initial_grid(rows: int, cols: int) -> np.ndarray:
    """The book's start: zeros with a block of 0.005 in rows and columns [0.4 N, 0.5 N)."""
    grid = np.zeros((rows, cols))
    grid[int(0.4 * rows):int(0.5 * rows), int(0.4 * cols):int(0.5 * cols)] = 0.005
    return grid


def cmd_diffuse(args: argparse.Namespace, out: TextIO) -> int:
    rows, cols = (args.rows or args.size), (args.cols or args.size)
    if args.d * args.dt > 0.25:
        print(f"hpkern diffuse: warning: d*dt = {args.d * args.dt:g} > 0.25: the explicit scheme "
              "is unstable there and values will grow without bound", file=sys.stderr)
    grid = _initial_grid(rows, cols)
    frames = [(0, grid.copy())]
    done, started = 0, time.perf_counter()
    marks = sorted({round(args.steps * k / max(args.frames - 1, 1)) for k in range(1, args.frames)})
    for mark in marks:
        _diffusion.run(grid, mark - done, d=args.d, dt=args.dt, boundary=args.boundary, **_progress_kw(args))
        done = mark
        frames.append((done, grid.copy()))
    seconds = time.perf_counter() - started
    print(f"diffuse {rows}x{cols}, {args.steps} steps of d={args.d:g}, dt={args.dt:g}, "
          f"{args.boundary}: sum {grid.sum():.6g}, max {grid.max():.6g}, in {seconds:.3f} s", file=out)
    title = f"{rows}x{cols}, d={args.d:g}, dt={args.dt:g}, {args.boundary} boundary"
    path = plot.diffusion_png(frames, args.output, title=title)
    print(f"wrote {path}", file=out)
    return 0


def cmd_primes(args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "check":
        n = args.numbers[0]
        if _primes.is_prime(n):
            print(f"{n} is prime", file=out)
        elif n < 2:
            print(f"{n} is not prime", file=out)
        else:
            factor = _primes.smallest_factor_in_range(n, 2, math.isqrt(n) + 1)
            print(f"{n} is not prime: {factor} x {n // factor}", file=out)
        return 0
    if args.action == "nth":
        print(_primes.nth_prime(args.numbers[0], **_progress_kw(args)), file=out)
        return 0
    start, stop = (0, args.numbers[0]) if len(args.numbers) == 1 else args.numbers
    if args.action == "count":
        print(_primes.count_primes(start, stop, **_progress_kw(args)), file=out)
        return 0
    # Streamed a chunk at a time: the memory stays the same however long the range.
    written = 0
    with open(args.output, "w") if args.output else nullcontext(out) as sink:
        for chunk in _prime_stream.iter_primes(start, stop, **_progress_kw(args)):
            np.savetxt(sink, chunk, fmt="%d")
            written += chunk.size
    if args.output:
        print(f"wrote {written} primes to {args.output}", file=out)
    return 0


def cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    for key, value in (("version", VERSION), ("abi", ABI_VERSION), ("isa", _library.isa_name()),
                       ("threads", _library.get_num_threads()), ("backend", _library.backend_name()),
                       ("library", _library.library_path())):
        print(f"{key:8} {value}", file=out)
    return 0


def _progress_kw(args: argparse.Namespace) -> dict[str, Any]:
    """``progress=True`` for the API's long calls when bars are wanted (see _progress)."""
    return {"progress": True} if _progress(args) else {}


# -- the parser -----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: 'hpkern julia: error: ...' and exit status 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    top = _Parser(prog="hpkern", formatter_class=formatter,
                  description="The High Performance Python kernels from libhpkern.",
                  epilog="examples:\n  hpkern julia -o julia.png\n  hpkern primes count 1e9\n"
                         "  hpkern --threads 1 diffuse --steps 500 --boundary periodic")
    top.add_argument("--threads", type=number, metavar="N",
                     help="threads for the kernels (default: $HPK_NUM_THREADS or all cores)")
    top.add_argument("--version", action="version", version=f"hpkern {VERSION}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    julia = commands.add_parser(
        "julia", help="draw the Julia set", formatter_class=formatter,
        description="Escape counts of the Julia set, drawn as a PNG (needs matplotlib).",
        epilog="example:\n  hpkern julia -o julia.png --size 1000 --maxiter 300")
    julia.add_argument("-o", "--output", default="julia.png", help="PNG file (default julia.png)")
    julia.add_argument("--size", type=positive, default=1000, help="width and height in pixels (1000)")
    julia.add_argument("--width", type=positive, help="width in pixels (overrides --size)")
    julia.add_argument("--height", type=positive, help="height in pixels (overrides --size)")
    julia.add_argument("--maxiter", type=number, default=300, help="iterations at most (300)")
    julia.add_argument("--c", type=complex_number, default=_julia.BOOK_C,
                       help="the constant c (-0.62772-0.42193j, the book's)")
    julia.add_argument("--region", type=real, nargs=4, default=(-1.8, 1.8, -1.8, 1.8),
                       metavar=("X1", "X2", "Y1", "Y2"), help="the plane shown (-1.8 1.8 -1.8 1.8)")
    julia.set_defaults(run=cmd_julia, progress=True)

    diffuse = commands.add_parser(
        "diffuse", help="run the 2-D diffusion equation", formatter_class=formatter,
        description="Diffusion of the book's initial block, drawn at several times (needs matplotlib).",
        epilog="example:\n  hpkern diffuse -o diffusion.png --size 512 --steps 1000 --frames 4")
    diffuse.add_argument("-o", "--output", default="diffusion.png", help="PNG file (default diffusion.png)")
    diffuse.add_argument("--size", type=positive, default=512, help="rows and columns (512)")
    diffuse.add_argument("--rows", type=positive, help="rows (overrides --size)")
    diffuse.add_argument("--cols", type=positive, help="columns (overrides --size)")
    diffuse.add_argument("--steps", type=number, default=1000, help="time steps (1000)")
    diffuse.add_argument("--d", type=real, default=1.0, help="diffusion coefficient (1.0)")
    diffuse.add_argument("--dt", type=real, default=0.1, help="time step (0.1); stable for d*dt <= 0.25")
    diffuse.add_argument("--boundary", choices=("fixed", "periodic"), default="fixed",
                         help="edges copied unchanged, or wrapped around (fixed)")
    diffuse.add_argument("--frames", type=positive, default=4, help="pictures, from step 0 to the last (4)")
    diffuse.set_defaults(run=cmd_diffuse, progress=True)

    primes = commands.add_parser(
        "primes", help="count, check or list primes", formatter_class=formatter,
        description="Primes. Ranges are half-open like Python's range: START <= p < STOP.",
        epilog="examples:\n  hpkern primes count 1e9\n  hpkern primes count 1e15\n"
               "  hpkern primes count 10**12 10**12+10**8\n  hpkern primes nth 1e9\n"
               "  hpkern primes check 100109100129100369\n  hpkern primes list 0 100 -o primes.txt")
    primes.add_argument("action", choices=("count", "check", "nth", "list"),
                        help="count: how many in [START, STOP); check: prime, or its smallest "
                             "factor; nth: the N-th prime (nth 1 is 2); list: one a line")
    primes.add_argument("numbers", type=number, nargs="+", metavar="N",
                        help="count: STOP or START STOP; check: N; nth: N; list: START STOP")
    primes.add_argument("-o", "--output", help="list: write to this file instead of stdout")
    primes.set_defaults(run=cmd_primes, progress=True)

    info = commands.add_parser("info", help="version, ABI, instruction set, threads, library path",
                               description="What hpkern runs on.", epilog="example:\n  hpkern info",
                               formatter_class=formatter)
    info.set_defaults(run=cmd_info)
    return top


def _check_primes_arity(parsed: argparse.Namespace, top: argparse.ArgumentParser) -> None:
    wanted = {"count": (1, 2), "check": (1,), "nth": (1,), "list": (2,)}[parsed.action]
    if len(parsed.numbers) not in wanted:
        spelled = {"count": "STOP or START STOP", "check": "N", "nth": "N", "list": "START STOP"}[parsed.action]
        top.error(f"primes {parsed.action} takes {spelled}, got {len(parsed.numbers)} numbers")


def _glue_complex(argv: list[str]) -> list[str]:
    """``--c -0.8+0.156j`` as ``--c=-0.8+0.156j``: argparse takes a value that starts with '-'
    and is not a plain negative number for an option."""
    glued: list[str] = []
    for word in argv:
        if glued and glued[-1] == "--c" and word.startswith("-"):
            glued[-1] = f"--c={word}"
        else:
            glued.append(word)
    return glued


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    top = parser()
    args = top.parse_args(_glue_complex(list(sys.argv[1:] if argv is None else argv)))
    if args.command == "primes":
        _check_primes_arity(args, top)
    try:
        if args.threads is not None:
            _library.set_num_threads(args.threads)
        return int(args.run(args, sys.stdout))
    except KeyboardInterrupt:
        print("hpkern: interrupted", file=sys.stderr)
        return 130
    except (HpkError, ImportError, OSError, MemoryError, OverflowError, ValueError) as error:
        print(f"hpkern {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
