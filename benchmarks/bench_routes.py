"""Routes benchmark: inspection plans for real kilns of Faisalabad (the district with most kilns) from its headquarters.

Writes the "routes" section of ``benchmarks/results.json`` and the "## Routes" table of ``benchmarks/results.md``
(other sections are kept). Not a test: it reports figures against the issue's targets (60 candidates, one day
<= 1 s; 300 candidates over 5 days <= 5 s, both with every dropped kiln's reason) and exits 1 if one is missed.

The figure compared with a target is the median of 3 calls of ``plan_routes`` (distance matrix, solver with its
time limit, insertion check, reasons, tables), the candidates prepared beforehand. Beside it, never counted
towards a target: the whole district in one day (600+ candidates, the top 300 to the solver) and, as a quality
check, the priority the same plans reach with a 10 s time limit.
"""

from __future__ import annotations

import dataclasses
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

from layers.routing import RoutePlan, RouteSettings, candidates_for, plan_routes  # noqa: E402

DISTRICT = "PK608"  # Faisalabad: 679 detected kilns, the most of any district
AS_OF = date(2026, 11, 1)
REPEAT = 3
LONG_LIMIT_S = 10.0
BUDGET = {"hours_per_day": 8.0, "km_budget": 120.0, "minutes_per_visit": 45.0}
CASES = {
    # name: (candidates, days, target seconds or None)
    "60_candidates_1_day": (60, 1, 1.0),
    "300_candidates_5_days": (300, 5, 5.0),
    "whole_district_1_day": (None, 1, None),
}


def _median(fn: Callable[[], RoutePlan]) -> tuple[float, list[float], list[RoutePlan]]:
    times, plans = [], []
    for _ in range(REPEAT):
        gc.collect()
        t0 = time.perf_counter()
        plans.append(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, plans


def _district():
    """The district's candidates (recently visited kilns left out) and its headquarters."""
    from layers.catalog import load_layers
    from layers.gaps import kiln_gaps
    from loaders.geo import reference

    ref = reference()
    gaps = kiln_gaps(load_layers(None, ref=ref), as_of=AS_OF, district=DISTRICT)
    hq = ref.district_hq.set_index("ADM2_PCODE").loc[DISTRICT]
    t0 = time.perf_counter()
    candidates, pre = candidates_for(gaps, district=DISTRICT, as_of=AS_OF, settings=RouteSettings())
    prepare_s = time.perf_counter() - t0
    candidates = candidates.sort_values(["priority", "kiln_id"], ascending=[False, True], kind="stable")
    return gaps, candidates, pre, (float(hq["lat"]), float(hq["lon"])), str(hq["hq_name"]), prepare_s


def measure(candidates, start, *, days: int) -> dict[str, object]:
    settings = RouteSettings(days=days, **BUDGET)
    seconds, times, plans = _median(lambda: plan_routes(candidates, start=start, settings=settings))
    plan = plans[-1]
    same = all(p.stops[["route", "kiln_id"]].equals(plan.stops[["route", "kiln_id"]]) for p in plans)
    long = plan_routes(candidates, start=start, settings=dataclasses.replace(settings, time_limit_s=LONG_LIMIT_S))
    return {
        "candidates": len(candidates), "days": days, "seconds": round(seconds, 3),
        "runs_s": [round(t, 3) for t in times],
        "solver_time_limit_s": plan.solver["time_limit_s"], "solver_s": plan.solver["seconds"],
        "solutions": list(plan.solver["solutions"]), "stopped_by": list(plan.solver["stopped_by"]),
        "kilns_considered": plan.solver["kilns_considered"], "inserted_after": plan.solver["inserted_after"],
        "visits": len(plan.stops), "priority": round(plan.total_priority, 1),
        "km": round(float(plan.routes["km"].sum()), 1), "within_budget": plan.within_budget,
        "dropped_by_reason": plan.dropped["code"].value_counts().to_dict(),
        "same_plan_every_run": bool(same),
        "priority_10s": round(long.total_priority, 1), "visits_10s": len(long.stops),
        "quality_vs_10s": round(plan.total_priority / long.total_priority, 4) if long.total_priority else 1.0,
    }


def _table(results: dict[str, object]) -> str:
    cases = results["cases"]
    lines = ["| plan | candidates | solver limit (s) | plan_routes median (s) | target (s) | met | visits | "
             "priority | priority with 10 s | share of 10 s | same plan every run |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for name, (_, _, target) in CASES.items():
        case = cases[name]
        met = "not compared" if target is None else ("yes" if results["met"][name] else "NO")
        lines.append(
            f"| {name.replace('_', ' ')} | {case['candidates']} ({case['kilns_considered']} to the solver) | "
            f"{case['solver_time_limit_s']} | {case['seconds']} | {target if target is not None else ''} | {met} | "
            f"{case['visits']} | {case['priority']} | {case['priority_10s']} | {case['quality_vs_10s']:.1%} | "
            f"{'yes' if case['same_plan_every_run'] else 'no'} |")
    lines += ["", f"Real kilns of {results['district']} ({results['district_kilns']} detected, "
                  f"{results['candidates']} candidates after leaving out kilns visited within 30 days; "
                  f"candidates_for {results['candidates_for_s']} s), from the headquarters in {results['hq']}: "
                  f"{BUDGET['hours_per_day']:g} h and {BUDGET['km_budget']:g} km a day, "
                  f"{BUDGET['minutes_per_visit']:g} min per visit, great-circle × 1.3 at 35 km/h. "
                  f"Medians of {REPEAT} runs of plan_routes, reasons included; the 10 s column is one run with "
                  f"time_limit_s=10 (quality check).",
              f"Machine: {results['machine']}, {results['cpus']} CPUs, load average {results['load_before']} before, "
              f"{results['load_after']} after; Python {results['python']}; {results['date']}."]
    return "\n".join(lines)


def main() -> int:
    load_before = [round(x, 2) for x in os.getloadavg()]
    gaps, candidates, pre, start, hq_name, prepare_s = _district()
    results: dict[str, object] = {
        "date": date.today().isoformat(), "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "cpus": os.cpu_count(),
        "as_of": AS_OF.isoformat(), "district": DISTRICT, "hq": hq_name, "district_kilns": len(gaps),
        "candidates": len(candidates), "candidates_for_s": round(prepare_s, 3), "budget": BUDGET, "cases": {},
    }
    for name, (count, days, _) in CASES.items():
        chosen = candidates if count is None else candidates.head(count)
        results["cases"][name] = measure(chosen, start, days=days)
        print(name, results["cases"][name], flush=True)
    results["load_before"], results["load_after"] = load_before, [round(x, 2) for x in os.getloadavg()]
    results["targets"] = {name: target for name, (_, _, target) in CASES.items() if target is not None}
    results["met"] = {name: results["cases"][name]["seconds"] <= target and results["cases"][name]["within_budget"]
                      for name, target in results["targets"].items()}

    write_json({"routes": results})
    table = _table(results)
    write_md("Routes (benchmarks/bench_routes.py)", table)
    print(table)
    for name, ok in results["met"].items():
        if not ok:
            case = results["cases"][name]
            print(f"MISSED {name}: {case['seconds']} s > {results['targets'][name]} s"
                  + ("" if case["within_budget"] else " (and a route over budget)"))
    return 0 if all(results["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
