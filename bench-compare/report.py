"""The report: machine header, ratios, the table on stdout, results.json, results.md, results.png.

ratio = implementation's median / hpkern's reference median on the same workload (hpkern
through ctypes on all cores), so a ratio above 1 means hpkern is faster by that factor.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
from pathlib import Path

from common import CORES, RUNS, Row


def _first_line(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_isa() -> str:
    """The widest of hpkern's ISA levels this CPU supports (from /proc/cpuinfo flags)."""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    if {"avx512f", "avx512dq", "avx512vl", "avx512bw", "avx2", "fma"} <= set(flags):
        return "avx512"
    return "avx2" if {"avx2", "fma"} <= set(flags) else "scalar"


def hpkern_isa(hpkern) -> str:
    """hpk_isa_name() of the loaded library."""
    return hpkern.isa_name()


def machine(hpkern, primesieve_version: str) -> dict:
    versions = {"hpkern": hpkern.__version__, "python": platform.python_version(),
                "gcc": _first_line(["gcc", "-dumpfullversion"]), "primesieve": primesieve_version}
    for package in ("numpy", "numba", "Cython", "gmpy2", "matplotlib"):
        versions[package.lower()] = importlib.metadata.version(package)
    return {
        "cpu": cpu_model(), "cores": CORES, "cpu_isa": cpu_isa(), "hpkern_isa": hpkern_isa(hpkern),
        "hpk_force_isa": os.environ.get("HPK_FORCE_ISA", ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": os.getloadavg()[0], "versions": versions,
    }


def add_ratios(rows: list[Row]) -> None:
    references = {row.workload: row.seconds for row in rows if row.reference}
    for row in rows:
        if row.workload in references:
            row.ratio = row.seconds / references[row.workload]


def duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def header_lines(info: dict) -> list[str]:
    v = info["versions"]
    force = f", HPK_FORCE_ISA={info['hpk_force_isa']}" if info["hpk_force_isa"] else ""
    return [
        f"CPU: {info['cpu']}, {info['cores']} cores, ISA: hpkern path {info['hpkern_isa']}, "
        f"CPU supports {info['cpu_isa']}{force}",
        f"Date: {info['date']}; 1-minute load average {info['load_average_at_start']:.1f} at the start, "
        f"{info['load_average_at_end']:.1f} at the end (above {info['cores']}: other work shared the cores)",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in v.items()),
        f"Median of {RUNS} runs after a warm-up, a workload's implementations taking turns run by run "
        "(column runs; criterion: median of 10 samples); "
        "ratio = time / hpkern (ctypes, all cores): >1 means hpkern is faster.",
    ]


COLUMNS = ("workload", "implementation", "threads", "median", "per", "runs", "ratio", "GB/s", "note")


def cells(row: Row) -> tuple[str, ...]:
    ratio = "" if row.ratio is None else ("1 (ref)" if row.reference else f"{row.ratio:.3g}")
    gbps = "" if row.gbps is None else f"{row.gbps:.1f}"
    return (row.workload, row.implementation, str(row.threads), duration(row.seconds), row.unit,
            str(row.runs), ratio, gbps, row.note)


def text_table(rows: list[Row]) -> str:
    table = [COLUMNS] + [cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines, previous = [], None
    for line in table:
        if previous is not None and line[0] != previous and previous != COLUMNS[0]:
            lines.append("")
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        previous = line[0]
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def bar_chart(rows: list[Row], info: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    workloads = list(dict.fromkeys(row.workload for row in rows if row.ratio is not None))
    if not workloads:  # every family failed its checks: nothing to draw
        return
    columns = 3
    figure_rows = (len(workloads) + columns - 1) // columns
    figure, axes = plt.subplots(figure_rows, columns, figsize=(7 * columns, 3.6 * figure_rows), squeeze=False,
                                layout="constrained")
    for axis, workload in zip(axes.flat, workloads):
        group = [row for row in rows if row.workload == workload]
        labels = [f"{row.implementation} [{row.threads}t]" for row in group]
        colors = ["tab:orange" if row.implementation.startswith("hpkern") else "tab:blue" for row in group]
        positions = range(len(group))[::-1]
        axis.barh(list(positions), [row.seconds for row in group], color=colors)
        axis.set_xscale("log")
        axis.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: duration(seconds)))
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_yticks(list(positions), labels, fontsize=8)
        axis.set_title(f"{workload} (time per {group[0].unit})", fontsize=10)
        for y, row in zip(positions, group):
            axis.text(row.seconds, y, f" {duration(row.seconds)}  x{row.ratio:.2g}", va="center", fontsize=7)
        axis.margins(x=0.35)
    for axis in list(axes.flat)[len(workloads):]:
        axis.axis("off")
    stream = [row for row in rows if row.workload.startswith("memory")]
    bandwidth = f"; STREAM triad {stream[0].gbps:.1f} GB/s" if stream else ""
    figure.suptitle(f"hpkern vs peers (log time, lower is better; xN = time / hpkern)\n"
                    f"{info['cpu']}, {info['cores']} cores, hpkern ISA {info['hpkern_isa']}{bandwidth}, "
                    f"{info['date']}", fontsize=12)
    figure.savefig(path, dpi=80)
    plt.close(figure)


def write(rows: list[Row], info: dict, out_dir: Path, notes: list[str]) -> None:
    """Print the table and write results.json, results.md and results.png into out_dir."""
    add_ratios(rows)
    info["load_average_at_end"] = os.getloadavg()[0]
    header = header_lines(info) + notes
    print("\n".join(header) + "\n\n" + text_table(rows))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(
        {"machine": info, "notes": notes, "rows": [row.as_dict() for row in rows]}, indent=1) + "\n")
    (out_dir / "results.md").write_text("".join(f"- {line}\n" for line in header) + "\n" + markdown_table(rows) + "\n")
    bar_chart(rows, info, out_dir / "results.png")
    print(f"\nwrote {out_dir}/results.json, results.md, results.png")
