"""Snapshot benchmark: a PNG and a PDF map of every district, of each province and of both, in a warm process.

Writes the "snapshot" section of ``benchmarks/results.json`` and the "## Snapshots" table of
``benchmarks/results.md`` (other sections are kept). Not a test: it reports figures against the issue's targets
(a PNG or PDF of any district <= 1.5 s, of Punjab and Sindh together <= 3 s, after ``reference()`` and the
layers are loaded) and exits 1 if one is missed.

Every district is drawn once in each format with the demo layers and every layer on (the heaviest view);
the slowest few are drawn three more times and a district's figure is the median of its runs, so one pause
of a shared machine does not decide the maximum. The whole view and the provinces are medians of
``REPEAT`` runs. The first snapshot of the process (boundaries projected, fonts loaded) is reported beside
them and not compared with a target.

Usage: ``python benchmarks/bench_snapshot.py [--sample N]`` (N districts spread over both provinces
instead of all of them, for a quick look).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from _results import write_json, write_md  # benchmarks/ is on sys.path when a script runs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"district_max_s": 1.5, "whole_s": 3.0}
REPEAT = 3
RETIME = 5
"""How many of the slowest districts of each format are drawn ``REPEAT`` times more."""
FORMATS = ("png", "pdf")
MADE = date(2026, 11, 2)


def _timed(fn: Callable[[], bytes]) -> tuple[float, int]:
    gc.collect()
    t0 = time.perf_counter()
    size = len(fn())
    return time.perf_counter() - t0, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="time this many districts instead of all")
    args = parser.parse_args()

    from layers.catalog import load_layers
    from layers.mapview import MapView
    from layers.snapshot import snapshot
    from layers.summary import Window
    from loaders.geo import reference

    load_before = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    ref = reference()
    layers = load_layers(None, ref=ref)
    load_s = time.perf_counter() - t0
    window = Window(date(2025, 11, 1), date(2026, 11, 1))
    codes = ref.districts.sort_values("ADM2_PCODE")["ADM2_PCODE"].tolist()
    if args.sample:
        step = max(1, len(codes) // args.sample)
        codes = codes[::step][: args.sample]

    def draw(view: MapView, fmt: str) -> Callable[[], bytes]:
        return lambda: snapshot(view, layers, ref, fmt=fmt, created=MADE)

    first = {fmt: _timed(draw(MapView(window, district=codes[0]), fmt))[0] for fmt in FORMATS}

    runs: dict[str, dict[str, list[float]]] = {fmt: {} for fmt in FORMATS}
    sizes: dict[str, list[int]] = {fmt: [] for fmt in FORMATS}
    for code in codes:
        for fmt in FORMATS:
            seconds, size = _timed(draw(MapView(window, district=code), fmt))
            runs[fmt][code] = [seconds]
            sizes[fmt].append(size)
    for fmt in FORMATS:
        for code in sorted(runs[fmt], key=lambda c: -runs[fmt][c][0])[:RETIME]:
            runs[fmt][code] += [_timed(draw(MapView(window, district=code), fmt))[0] for _ in range(REPEAT)]

    names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
    results: dict[str, object] = {
        "date": date.today().isoformat(), "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "cpus": os.cpu_count(),
        "districts_timed": len(codes), "load_reference_and_layers_s": round(load_s, 3),
        "first_snapshot_s": {fmt: round(s, 3) for fmt, s in first.items()},
    }
    for fmt in FORMATS:
        per = {code: statistics.median(times) for code, times in runs[fmt].items()}
        slowest = max(per, key=per.get)
        results[f"district_{fmt}"] = {
            "median_s": round(statistics.median(per.values()), 3), "max_s": round(per[slowest], 3),
            "slowest": f"{names[slowest]} ({slowest})", "median_kb": round(statistics.median(sizes[fmt]) / 1024),
            "max_kb": round(max(sizes[fmt]) / 1024),
        }
    for label, view in (("whole", MapView(window)), ("punjab", MapView(window, province="PK6")),
                        ("sindh", MapView(window, province="PK7"))):
        for fmt in FORMATS:
            timed = [_timed(draw(view, fmt)) for _ in range(REPEAT)]
            results[f"{label}_{fmt}"] = {"median_s": round(statistics.median(t for t, _ in timed), 3),
                                         "kb": round(timed[-1][1] / 1024)}
    results["load_before"], results["load_after"] = load_before, [round(x, 2) for x in os.getloadavg()]
    figures = {"district_max_s": max(results[f"district_{fmt}"]["max_s"] for fmt in FORMATS),
               "whole_s": max(results[f"whole_{fmt}"]["median_s"] for fmt in FORMATS)}
    results["targets"] = TARGETS
    results["met"] = {k: figures[k] <= v for k, v in TARGETS.items()}

    write_json({"snapshot": results})
    table = _table(results)
    write_md("Snapshots (benchmarks/bench_snapshot.py)", table)
    print(table)
    for key, ok in results["met"].items():
        if not ok:
            print(f"MISSED {key}: {figures[key]} s > {TARGETS[key]} s")
    return 0 if all(results["met"].values()) else 1


def _table(r: dict) -> str:
    met = r["met"]
    lines = ["| snapshot (every layer on, demo data) | PNG 1080 px | PDF A4 | target | met |", "|---|---:|---:|---:|---|"]
    png, pdf = r["district_png"], r["district_pdf"]
    lines += [
        f"| district, median of {r['districts_timed']} (s) | {png['median_s']} | {pdf['median_s']} | | |",
        f"| district, slowest (s) | {png['max_s']} ({png['slowest']}) | {pdf['max_s']} ({pdf['slowest']}) | "
        f"{TARGETS['district_max_s']} | {'yes' if met['district_max_s'] else 'NO'} |",
        f"| Punjab and Sindh (s) | {r['whole_png']['median_s']} | {r['whole_pdf']['median_s']} | "
        f"{TARGETS['whole_s']} | {'yes' if met['whole_s'] else 'NO'} |",
        f"| Punjab (s) | {r['punjab_png']['median_s']} | {r['punjab_pdf']['median_s']} | | |",
        f"| Sindh (s) | {r['sindh_png']['median_s']} | {r['sindh_pdf']['median_s']} | | |",
        f"| file size: district median / largest, Punjab and Sindh (KB) | {png['median_kb']} / {png['max_kb']}, "
        f"{r['whole_png']['kb']} | {pdf['median_kb']} / {pdf['max_kb']}, {r['whole_pdf']['kb']} | | |",
        f"| first snapshot of the process, not compared (s) | {r['first_snapshot_s']['png']} | "
        f"{r['first_snapshot_s']['pdf']} | | |",
        "",
        f"Warm process after `reference()` and the layers are loaded ({r['load_reference_and_layers_s']} s). "
        f"Each district drawn once per format and the {RETIME} slowest {REPEAT} more times (a district's figure "
        f"is the median of its runs); the provinces and both together median of {REPEAT}.",
        f"Machine: {r['machine']}, {r['cpus']} CPUs, load average {r['load_before']} before, {r['load_after']} "
        f"after; Python {r['python']}; {r['date']}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
