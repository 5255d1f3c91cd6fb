"""Gaps benchmark: every gap metric of Punjab and Sindh (``gap_report``) at the shipped ~9.9k kilns and at 100k.

Writes the "gaps" section of ``benchmarks/results.json`` and the "## Gaps" table of ``benchmarks/results.md``
(other sections are kept). Not a test: it reports figures against the issue's targets (recomputing every
metric for all of Punjab and Sindh <= 0.5 s at 10k kilns, <= 3 s at 100k) and exits 1 if one is missed.

The figure compared with a target is the *cold* one: the first ``gap_report`` of a fresh process right
after loading the layers (points projected, STRtrees built, every distance measured, memory newly
allocated), median of 5 processes. Beside it, never counted towards a target: the same computation on
fresh copies of the frames inside a running process, and the warm recompute (another as-of date and
other settings on the same frames, reusing the cached projections and the distances that do not
depend on the date).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path

from _results import write_json, write_md  # benchmarks/ is on sys.path when a script runs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"cold_10k_s": 0.5, "cold_100k_s": 3.0}
REPEAT = 5
AS_OF = date(2026, 11, 1)
SCALE = 100_000


def _median(fn: Callable[[int], object], repeat: int = REPEAT) -> tuple[float, list[float], object]:
    """Median seconds of ``fn(i)`` for i in 0..repeat-1 (its untimed setup happens inside ``fn``'s caller)."""
    times, result = [], None
    for i in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def _fresh(layers: Mapping[str, object]) -> dict[str, object]:
    """The same layers in new frame objects: nothing computed from the old ones can be reused."""
    return {name: dataclasses.replace(data, frame=data.frame.copy()) for name, data in layers.items()}


class CacheLog:
    """Counts what ``layers.gaps`` takes from its frame cache and what it computes (benchmark instrumentation)."""

    def __init__(self) -> None:
        import layers.gaps as gaps

        self.counts: Counter[tuple[str, str]] = Counter()
        self.cache = getattr(gaps, "_CACHE", None)
        if self.cache is None or not hasattr(self.cache, "get"):
            self.cache = None
            return
        original = self.cache.get

        def get(frames, key, compute):
            computed = []

            def run():
                computed.append(True)
                return compute()

            value = original(frames, key, run)
            name = key if isinstance(key, str) else ":".join(str(k) for k in key[:2])
            self.counts[(name, "computed" if computed else "reused")] += 1
            return value

        self.cache.get = get  # instance attribute: shadows the method for this process only

    def take(self) -> dict[str, str]:
        """Per cached value: ``reused``, ``computed`` or ``mixed`` since the last call."""
        out = {}
        for name in sorted({n for n, _ in self.counts}):
            kinds = {k for n, k in self.counts if n == name}
            out[name] = kinds.pop() if len(kinds) == 1 else "mixed"
        self.counts.clear()
        return out


def _layers(kilns: int | None):
    """The reference and the six layers: shipped kilns and every demo layer, or ``kilns`` scaled copies."""
    from layers.catalog import load_layers
    from loaders.geo import reference, scaled_kilns

    ref = reference()
    layers = load_layers(None, ref=ref)
    if kilns:
        layers["kilns"] = dataclasses.replace(layers["kilns"], frame=scaled_kilns(ref.kilns, kilns))
    return ref, layers


def first_call(kilns: int | None) -> float:
    """Seconds of the first ``gap_report`` in this process, right after loading the layers."""
    from layers.gap_report import gap_report

    ref, layers = _layers(kilns)
    gc.collect()
    t0 = time.perf_counter()
    gap_report(layers, ref, as_of=AS_OF)
    return time.perf_counter() - t0


def cold(kilns: int | None) -> tuple[float, list[float]]:
    """Median of :func:`first_call` over ``REPEAT`` fresh processes."""
    times = []
    for _ in range(REPEAT):
        proc = subprocess.run([sys.executable, __file__, "--first-call", str(kilns or 0)],
                              capture_output=True, text=True, check=True)
        times.append(float(proc.stdout.strip().splitlines()[-1]))
    return statistics.median(times), times


def measure(layers: Mapping[str, object], ref, log: CacheLog) -> dict[str, object]:
    """Cold and warm ``gap_report``, and its parts, for one set of layers."""
    from layers.areas import area_metrics
    from layers.gap_report import gap_report
    from layers.gaps import GapSettings, explain, kiln_gaps

    out: dict[str, object] = {"kilns": len(layers["kilns"])}
    first, times = cold(len(layers["kilns"]) if len(layers["kilns"]) == SCALE else None)
    out["cold_s"], out["cold_runs_s"] = round(first, 3), [round(t, 3) for t in times]
    fresh = [_fresh(layers) for _ in range(REPEAT)]
    in_process, times, report = _median(lambda i: gap_report(fresh[i], ref, as_of=AS_OF))
    out["fresh_frames_s"], out["fresh_frames_runs_s"] = round(in_process, 3), [round(t, 3) for t in times]
    log.take()
    fresh = [_fresh(layers) for _ in range(REPEAT)]  # noqa: F841 (read by the lambdas)
    cold_kilns, _, _ = _median(lambda i: kiln_gaps(fresh[i], as_of=AS_OF))
    out["kiln_gaps_cold_s"] = round(cold_kilns, 3)
    fresh.clear()

    warm_layers = _fresh(layers)
    gap_report(warm_layers, ref, as_of=AS_OF)  # the running app: the layers' first view has been computed
    log.take()
    # every run another day (NGO services active then differ) and other thresholds and weights
    settings = [GapSettings(school_km=3.0, ngo_km=8.0 + i, weights={"prior_finding": 35.0}) for i in range(REPEAT)]
    warm, times, _ = _median(lambda i: gap_report(warm_layers, ref, as_of=AS_OF - timedelta(days=30 * (i + 1)),
                                                  settings=settings[i]))
    out["warm_s"], out["warm_runs_s"] = round(warm, 3), [round(t, 3) for t in times]
    out["warm_cache"] = log.take()

    dvcs, visits = layers["dvcs"].frame, layers["inspections"].frame
    areas, _, _ = _median(lambda i: [area_metrics(report.kilns, ref, level=level, dvcs=dvcs, visits=visits, as_of=AS_OF)
                                     for level in ("district", "tehsil")])
    out["area_metrics_s"] = round(areas, 3)
    reasons, _, _ = _median(lambda i: explain(report.kilns, report.settings))
    out["explain_all_s"] = round(reasons, 3)
    return out


def _table(results: Mapping[str, object]) -> str:
    small, large = results["10k"], results["100k"]
    met = results["met"]
    lines = [f"| measure | {small['kilns']:,} kilns | {large['kilns']:,} kilns | target | met |",
             "|---|---:|---:|---:|---|",
             f"| gap_report cold: first call of a fresh process after loading the layers (s) | "
             f"{small['cold_s']} | {large['cold_s']} | {TARGETS['cold_10k_s']} / {TARGETS['cold_100k_s']} | "
             f"{'yes' if met['cold_10k_s'] else 'NO'} / {'yes' if met['cold_100k_s'] else 'NO'} |",
             f"| gap_report on fresh frame copies in a running process: projections, STRtrees, distances (s) | "
             f"{small['fresh_frames_s']} | {large['fresh_frames_s']} | | not compared |",
             f"| gap_report warm: new as-of and settings each run, cached projections reused (s) | "
             f"{small['warm_s']} | {large['warm_s']} | | not compared |",
             f"| kiln_gaps alone, fresh frame copies (s) | {small['kiln_gaps_cold_s']} | "
             f"{large['kiln_gaps_cold_s']} | | |",
             f"| area_metrics alone, district + tehsil (s) | {small['area_metrics_s']} | "
             f"{large['area_metrics_s']} | | |",
             f"| explain, every kiln (presentation, not a metric) (s) | {small['explain_all_s']} | "
             f"{large['explain_all_s']} | | |"]
    reuse = ", ".join(f"{k} {v}" for k, v in small["warm_cache"].items()) or "cache not inspectable"
    lines += ["", f"Medians of {REPEAT} runs. On a warm recompute: {reuse}.",
              f"Machine: {results['machine']}, {results['cpus']} CPUs, load average {results['load_before']} "
              f"before, {results['load_after']} after; Python {results['python']}; {results['date']}."]
    return "\n".join(lines)


def main() -> int:
    load_before = [round(x, 2) for x in os.getloadavg()]
    log = CacheLog()
    ref, layers = _layers(None)
    results: dict[str, object] = {
        "date": date.today().isoformat(), "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "cpus": os.cpu_count(),
        "as_of": AS_OF.isoformat(), "10k": measure(layers, ref, log),
    }
    results["100k"] = measure(_layers(SCALE)[1], ref, log)
    results["load_before"], results["load_after"] = load_before, [round(x, 2) for x in os.getloadavg()]
    figures = {"cold_10k_s": results["10k"]["cold_s"], "cold_100k_s": results["100k"]["cold_s"]}
    results["targets"] = TARGETS
    results["met"] = {k: figures[k] <= v for k, v in TARGETS.items()}

    write_json({"gaps": results})
    table = _table(results)
    write_md("Gaps (benchmarks/bench_gaps.py)", table)
    print(table)
    for key, ok in results["met"].items():
        if not ok:
            size = results["10k" if "10k" in key else "100k"]
            within = [f"{label} {size[k]} s" for k, label in (("fresh_frames_s", "fresh frames in a running process"),
                                                             ("warm_s", "warm recompute")) if size[k] <= TARGETS[key]]
            print(f"MISSED {key}: cold {figures[key]} s > {TARGETS[key]} s"
                  + (f"; only {' and '.join(within)} within it, which does not count" if within else ""))
    return 0 if all(results["met"].values()) else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--first-call"]:  # one cold measurement, in a process of its own (see cold())
        print(first_call(int(sys.argv[2])))
        sys.exit(0)
    sys.exit(main())
