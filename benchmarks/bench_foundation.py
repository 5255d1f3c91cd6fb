"""Foundation benchmark: load + map build for Punjab and Sindh with all six layers, payload, `bhatta check` on 10k rows.

Writes ``benchmarks/results.json`` and ``benchmarks/results.md``. Not a test: it reports figures
against the issue's targets (map build <= 1.5 s, payload <= 3 MB, `bhatta check` on 10k rows <= 3 s) and exits 1 if any
target is missed, so a regression is visible.
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from _results import write_json, write_md  # benchmarks/ is on sys.path when a script runs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"map_build_s": 1.5, "payload_mb": 3.0, "check_10k_cli_s": 3.0}


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def write_10k_schools(path: Path) -> None:
    """10,000 school rows at real kiln locations (deterministic), as a user's CSV would look."""
    kilns = pd.read_csv(ROOT / "data" / "geo" / "brick_kilns.csv")
    rng = np.random.default_rng(7)
    picks = kilns.sample(10_000, replace=True, random_state=7).reset_index(drop=True)
    frame = pd.DataFrame({
        "School Name": [f"Govt. Primary School No. {i}" for i in range(10_000)],
        "EMIS Code": [f"EMIS-{i:06d}" for i in range(10_000)],
        "Level": rng.choice(["Primary", "Middle", "High"], 10_000),
        "Gender": rng.choice(["Girls", "Boys", "Mixed"], 10_000),
        "Latitude": (picks["lat"] + rng.normal(0, 0.01, 10_000)).round(6),
        "Longitude": (picks["lon"] + rng.normal(0, 0.01, 10_000)).round(6),
        "Enrolment": rng.integers(20, 800, 10_000),
    })
    frame.to_csv(path, index=False)


def main() -> int:
    from layers.catalog import load_layers
    from layers.mapview import MapView, build_map
    from layers.summary import Window
    from loaders.geo import reference
    from loaders.validate import check_file

    results: dict[str, object] = {"date": date.today().isoformat(), "python": platform.python_version(),
                                  "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}"}
    t0 = time.perf_counter()
    ref = reference()
    layers = load_layers(None, ref=ref)
    results["load_cold_s"] = round(time.perf_counter() - t0, 3)
    results["records"] = {name: len(data) for name, data in layers.items()}

    end = date(2026, 11, 1)
    view = MapView(window=Window(end - timedelta(days=3 * 365), end))
    build_map(view, layers, ref)  # warm the simplified-boundary cache, as a running app has it
    build_s, html = _timed(lambda: build_map(view, layers, ref).get_root().render())
    results["map_build_s"] = round(build_s, 3)
    results["payload_mb"] = round(len(html.encode("utf-8")) / 1e6, 3)
    district_s, _ = _timed(lambda: build_map(MapView(window=view.window, district="PK614"), layers, ref)
                           .get_root().render())
    results["map_build_district_s"] = round(district_s, 3)

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "schools_10k.csv"
        write_10k_schools(csv)
        check_s, report = _timed(lambda: check_file(csv, "schools", ref=ref))
        results["check_10k_s"] = round(check_s, 3)
        results["check_10k_accepted"] = len(report.accepted)
        bhatta = Path(sys.executable).parent / "bhatta"
        t0 = time.perf_counter()
        proc = subprocess.run([str(bhatta), "check", str(csv), "--layer", "schools", "--json"],
                              capture_output=True, text=True)
        results["check_10k_cli_s"] = round(time.perf_counter() - t0, 3)
        results["check_10k_cli_exit"] = proc.returncode

    verdicts = {k: results[k] <= v for k, v in TARGETS.items()}
    results["targets"] = TARGETS
    results["met"] = verdicts
    write_json({"foundation": results})
    lines = ["| measure | value | target | met |", "|---|---:|---:|---|"]
    labels = {"map_build_s": "map build + render, Punjab+Sindh, all layers (s)", "payload_mb": "map HTML payload (MB)",
              "check_10k_cli_s": "`bhatta check` 10k-row CSV, whole command (s)"}
    for key, target in TARGETS.items():
        lines.append(f"| {labels[key]} | {results[key]} | {target} | {'yes' if verdicts[key] else 'NO'} |")
    lines += [f"| load reference + layers, cold (s) | {results['load_cold_s']} | | |",
              f"| map build, one district (s) | {results['map_build_district_s']} | | |",
              f"| check 10k-row CSV, in process (s) | {results['check_10k_s']} | | |"]
    write_md("Foundation (benchmarks/bench_foundation.py)", "\n".join(lines))
    print("\n".join(lines))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
