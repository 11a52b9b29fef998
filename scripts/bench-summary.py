#!/usr/bin/env python3
"""Print the median time of every criterion benchmark under target/criterion, and for the
vs_c_* groups each hpkern time as a speed-up over the book's C measured in the same run."""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


medians = {}
for est in sorted(root.glob("**/new/estimates.json")):
    bench = json.loads((est.parent / "benchmark.json").read_text())
    medians[bench["full_id"]] = json.loads(est.read_text())["median"]["point_estimate"]

for name, ns in medians.items():
    line = f"{name:70s} {fmt(ns):>10s}"
    group = name.split("/")[0]
    baseline = medians.get(f"{group}/book_c_O3_1t")
    if group.startswith("vs_c_") and baseline and not name.endswith("book_c_O3_1t"):
        line += f"   {baseline / ns:5.2f}x the book's C (gcc -O3, 1 thread)"
    print(line)
