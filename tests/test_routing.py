"""Inspection routes: distances by hand, optimum by brute force, hard budgets, honest reasons, shipped data."""

from __future__ import annotations

import itertools
import math
from datetime import date, time

import numpy as np
import pandas as pd
import pyproj
import pytest

from layers.routing import (
    REASONS,
    RoutePlan,
    RouteSettings,
    candidates_for,
    great_circle_km,
    plan_routes,
    road_matrix,
)

OFFICE = (31.0, 74.0)
KM_PER_DEG = 2 * math.pi * 6371.0088 / 360  # 111.195 km along a meridian
EPS = 1e-9


def kilns(rows: list[tuple], **columns) -> pd.DataFrame:
    """Candidates from (kiln_id, lat, lon, priority) rows, in district PK614 unless told otherwise."""
    frame = pd.DataFrame(rows, columns=["kiln_id", "lat", "lon", "priority"])
    frame["district_pcode"] = "PK614"
    frame["tehsil_pcode"] = "PK61401"
    for name, values in columns.items():
        frame[name] = values
    return frame


def north(km: float, east_km: float = 0.0) -> tuple[float, float]:
    """A point ``km`` north and ``east_km`` east of the office."""
    lat = OFFICE[0] + km / KM_PER_DEG
    return lat, OFFICE[1] + east_km / (KM_PER_DEG * math.cos(math.radians(OFFICE[0])))


def random_kilns(seed: int, n: int, spread_deg: float = 0.25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lat = OFFICE[0] + rng.uniform(-spread_deg, spread_deg, n)
    lon = OFFICE[1] + rng.uniform(-spread_deg, spread_deg, n)
    priority = np.round(rng.uniform(5, 95, n), 1)
    return kilns([(f"K{seed}-{i}", lat[i], lon[i], priority[i]) for i in range(n)])


def check_plan(plan: RoutePlan, candidates: pd.DataFrame) -> None:
    """Budgets hold, legs add up to the totals, and every candidate is accounted for exactly once."""
    s = plan.settings
    stops, routes = plan.stops, plan.routes
    assert len(routes) == s.days * s.vehicles
    for _, route in routes.iterrows():
        legs = stops[stops["route"] == route["route"]].sort_values("order")
        assert list(legs["order"]) == list(range(1, len(legs) + 1))
        assert route["visits"] == len(legs)
        assert route["km"] == pytest.approx(legs["leg_km"].sum() + route["return_km"], abs=1e-9)
        assert route["travel_min"] == pytest.approx(legs["leg_min"].sum() + route["return_min"], abs=1e-9)
        assert route["minutes"] == pytest.approx(route["travel_min"] + len(legs) * s.minutes_per_visit, abs=1e-9)
        assert route["priority"] == pytest.approx(legs["priority"].sum())
        assert np.allclose(legs["cum_km"], legs["leg_km"].cumsum())
        if s.km_budget is not None:
            assert route["km"] <= s.km_budget + EPS
        assert route["minutes"] <= s.hours_per_day * 60 + EPS
        assert route["within_budget"]
        if len(legs):
            assert legs["departure_min"].iloc[-1] + route["return_min"] == pytest.approx(route["minutes"])
    planned, dropped = list(stops["kiln_id"]), list(plan.dropped["kiln_id"])
    assert len(planned) == len(set(planned)) and len(dropped) == len(set(dropped))
    assert not set(planned) & set(dropped)
    assert sorted(planned + dropped) == sorted(candidates["kiln_id"].astype(str))
    assert set(plan.dropped["code"]) <= set(REASONS)
    assert plan.within_budget


def reasons(plan: RoutePlan) -> dict[str, str]:
    return dict(zip(plan.dropped["kiln_id"], plan.dropped["code"], strict=True))


# -- distances ----------------------------------------------------------------------------------------

def test_one_degree_of_latitude_is_111_km():
    assert great_circle_km(30.0, 74.0, 31.0, 74.0) == pytest.approx(111.195, abs=0.001)
    assert great_circle_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.195, abs=0.001)  # along the equator
    # at 60°N a degree of longitude is half as long: 111.195 × cos 60° = 55.60 km
    assert great_circle_km(60.0, 10.0, 60.0, 11.0) == pytest.approx(55.60, abs=0.01)


def test_lahore_to_kasur_within_one_percent():
    lahore, kasur = (31.55800, 74.35071), (31.11866, 74.45025)  # the district headquarters towns
    # by hand: 0.43934° north-south = 48.85 km; 0.09954° east-west × cos(31.34°) = 9.45 km; hypotenuse 49.76 km
    km = float(great_circle_km(*lahore, *kasur))
    assert km == pytest.approx(49.76, rel=0.01)
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lahore[1], lahore[0], kasur[1], kasur[0])
    assert km == pytest.approx(metres / 1000, rel=0.005)  # sphere vs ellipsoid


def test_road_matrix_is_great_circle_times_factor_at_the_speed():
    settings = RouteSettings(road_factor=1.3, speed_kmh=35)
    points = np.array([OFFICE, north(10), north(0, 20)])
    km, minutes = road_matrix(points, settings=settings)
    assert km.shape == minutes.shape == (3, 3) and np.allclose(np.diag(km), 0)
    assert km[0, 1] == pytest.approx(13.0, rel=1e-6)
    assert km[0, 2] == pytest.approx(26.0, rel=1e-3)
    assert np.allclose(km, km.T) and np.allclose(minutes, km / 35 * 60)


# -- optimum ------------------------------------------------------------------------------------------

def brute_force_best(candidates: pd.DataFrame, settings: RouteSettings) -> float:
    """The most priority any plan can carry, by enumerating every subset and order (one or two routes)."""
    points = np.vstack([[OFFICE], candidates[["lat", "lon"]].to_numpy()])
    km, _ = road_matrix(points, settings=settings)
    priority = candidates["priority"].to_numpy()
    n = len(candidates)
    fits = {(): True}
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            shortest = min(
                sum(km[a, b] for a, b in itertools.pairwise((0, *(i + 1 for i in order), 0)))
                for order in itertools.permutations(subset)
            )
            minutes = shortest / settings.speed_kmh * 60 + size * settings.minutes_per_visit
            fits[subset] = ((settings.km_budget is None or shortest <= settings.km_budget)
                            and minutes <= settings.hours_per_day * 60)
    feasible = [frozenset(s) for s, ok in fits.items() if ok]
    if settings.routes == 1:
        return max(priority[list(s)].sum() for s in feasible)
    assert settings.routes == 2
    return max(priority[list(a | b)].sum() for a in feasible for b in feasible if not a & b)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("days", [1, 2])
def test_small_plans_carry_the_brute_force_optimum(seed, days):
    n = 7 if days == 1 else 6
    candidates = random_kilns(seed, n)
    settings = RouteSettings(road_factor=1.3, speed_kmh=35, minutes_per_visit=40, hours_per_day=4,
                             km_budget=70, days=days, skip_visited_within_days=None)
    plan = plan_routes(candidates, start=OFFICE, settings=settings)
    check_plan(plan, candidates)
    assert plan.total_priority == pytest.approx(brute_force_best(candidates, settings), abs=1e-6)
    assert 0 < len(plan.stops) < n  # the budgets bind: a choice was made


def test_same_input_gives_the_same_plan():
    candidates = random_kilns(11, 40, spread_deg=0.3)
    settings = RouteSettings(km_budget=90, days=2, time_limit_s=20)
    first = plan_routes(candidates, start=OFFICE, settings=settings)
    second = plan_routes(candidates.sample(frac=1, random_state=3), start=OFFICE, settings=settings)
    assert set(first.solver["stopped_by"]) == {"solution limit"}
    pd.testing.assert_frame_equal(first.stops, second.stops)
    pd.testing.assert_frame_equal(first.dropped, second.dropped)


# -- budgets, legs and accounting ---------------------------------------------------------------------

@pytest.mark.parametrize("km_budget", [None, 60.0])
def test_budgets_hold_and_legs_add_up_over_days_and_vehicles(km_budget):
    candidates = random_kilns(21, 45, spread_deg=0.35)
    settings = RouteSettings(km_budget=km_budget, days=2, vehicles=2, hours_per_day=6, minutes_per_visit=30)
    plan = plan_routes(candidates, start=OFFICE, end=north(15, 5), settings=settings)
    check_plan(plan, candidates)
    assert list(plan.routes[["day", "vehicle"]].itertuples(index=False, name=None)) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert plan.routes["priority"].is_monotonic_decreasing  # day 1 carries the most
    # the last leg ends at the end point, not the office
    for _, route in plan.routes[plan.routes["visits"] > 0].iterrows():
        last = plan.stops[plan.stops["route"] == route["route"]].iloc[-1]
        km, _ = road_matrix(np.array([(last["lat"], last["lon"]), north(15, 5)]), settings=settings)
        assert route["return_km"] == pytest.approx(km[0, 1])


def test_two_days_share_the_kilns_without_repeats():
    candidates = random_kilns(31, 20, spread_deg=0.15)
    one = plan_routes(candidates, start=OFFICE, settings=RouteSettings(hours_per_day=5))
    two = plan_routes(candidates, start=OFFICE, settings=RouteSettings(hours_per_day=5, days=2))
    check_plan(two, candidates)
    assert two.stops["kiln_id"].is_unique
    assert set(two.stops["day"]) == {1, 2}
    assert two.total_priority > one.total_priority
    assert len(two.stops) > len(one.stops)


def test_arrival_times_follow_the_legs_and_visits():
    candidates = kilns([("A", *north(17.5), 50.0), ("B", *north(35), 40.0)])
    settings = RouteSettings(road_factor=1.0, speed_kmh=35, minutes_per_visit=45, day_start=time(8, 30))
    plan = plan_routes(candidates, start=OFFICE, settings=settings)
    stops = plan.stops.set_index("kiln_id")
    assert list(plan.stops["kiln_id"]) == ["A", "B"]
    assert stops.loc["A", "arrival_min"] == pytest.approx(30, abs=0.01)  # 17.5 km at 35 km/h
    assert stops.loc["A", "arrival"] == "09:00" and stops.loc["A", "departure"] == "09:45"
    assert stops.loc["B", "arrival"] == "10:15"
    assert plan.routes.loc[0, "start"] == "08:30" and plan.routes.loc[0, "back"] == "12:00"
    assert "great-circle × 1" in plan.assumptions and "35 km/h" in plan.assumptions


def test_an_end_beyond_the_budget_is_reported():
    plan = plan_routes(_either_or(), start=OFFICE, end=north(70), settings=EITHER_OR)
    assert plan.stops.empty and not plan.within_budget
    assert set(plan.dropped["code"]) == {"unreachable"}
    assert len(plan.messages) == 1 and "end is too far from the start: 70.0 km" in plan.messages[0]


def test_no_candidates_gives_empty_routes():
    plan = plan_routes(kilns([]), start=OFFICE, settings=RouteSettings(days=2))
    assert plan.stops.empty and plan.dropped.empty and list(plan.routes["visits"]) == [0, 0]
    assert plan.total_priority == 0 and plan.within_budget


# -- reasons ------------------------------------------------------------------------------------------

def test_every_reason_is_given_where_it_is_true():
    candidates = kilns(
        [("far", *north(40), 99.0),            # 80 km there and back: beyond the 60 km budget
         ("recent", *north(2), 98.0),          # visited 5 days ago
         ("elsewhere", *north(3), 97.0),       # another district
         ("skipped", *north(4), 96.0),
         ("best", *north(5), 90.0),
         ("second", *north(5, 1), 20.0),       # close to the best, but one visit fills the day
         ("nowhere", np.nan, np.nan, 50.0),
         ("worthless", *north(6), 0.0)],
        days_since_visit=[None, 5, None, None, 200, None, None, None],
    )
    candidates.loc[candidates["kiln_id"] == "elsewhere", ["district_pcode", "tehsil_pcode"]] = ["PK617", "PK61701"]
    settings = RouteSettings(road_factor=1.0, minutes_per_visit=100, hours_per_day=2, km_budget=60)
    plan = plan_routes(candidates, start=OFFICE, settings=settings, skip=["skipped", "not-a-candidate"],
                       area="PK614")
    check_plan(plan, candidates)
    assert list(plan.stops["kiln_id"]) == ["best"]
    assert reasons(plan) == {"far": "unreachable", "recent": "visited_recently", "elsewhere": "outside_area",
                             "skipped": "skipped", "second": "budget", "nowhere": "no_location",
                             "worthless": "no_priority"}
    text = dict(zip(plan.dropped["kiln_id"], plan.dropped["reason"], strict=True))
    assert text["far"] == "cannot be reached and returned within the budget from the start"
    assert text["recent"] == "visited recently (within 30 days)"
    assert text["elsewhere"] == "outside the chosen area"
    assert text["skipped"] == "skipped by the planner's user"
    assert text["second"] == "budget used by higher-priority kilns"
    assert plan.messages == ()


def _either_or() -> pd.DataFrame:
    """Two kilns north fit together, or the one south alone: 60 km budget, road factor 1."""
    return kilns([("south", *north(-25), 50.0), ("north1", *north(12), 30.0), ("north2", *north(12, 2), 30.0)])


EITHER_OR = RouteSettings(road_factor=1.0, km_budget=60, skip_visited_within_days=None)


def test_a_kiln_left_for_a_better_pair_is_not_said_to_lose_to_higher_priority():
    plan = plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR)
    assert set(plan.stops["kiln_id"]) == {"north1", "north2"}  # 60 points beat 50
    assert reasons(plan) == {"south": "no_room"}
    assert plan.dropped.loc[0, "reason"] == ("no room left in the budget beside the planned kilns, "
                                             "some of equal or lower priority")


def test_a_kiln_left_for_one_of_equal_priority_is_not_said_to_lose_to_higher_priority():
    candidates = kilns([("near", *north(5), 45.0), ("farther", *north(6), 45.0)])
    plan = plan_routes(candidates, start=OFFICE, settings=RouteSettings(minutes_per_visit=100, hours_per_day=2.5))
    assert list(plan.stops["kiln_id"]) == ["near"]  # one visit a day; equal priority: the shorter plan
    assert reasons(plan) == {"farther": "no_room"}


def test_a_lone_candidate_is_planned_at_once():
    plan = plan_routes(kilns([("only", *north(5), 10.0)]), start=OFFICE, settings=RouteSettings())
    assert list(plan.stops["kiln_id"]) == ["only"] and plan.solver["seconds"] < 0.1


def test_kilns_beyond_max_candidates_are_lower_priority_than_those_considered():
    candidates = kilns([(f"K{i}", *north(3 + i * 0.2), 90.0 - i) for i in range(12)])
    settings = RouteSettings(minutes_per_visit=100, hours_per_day=6, max_candidates=4)  # 3 visits a day
    plan = plan_routes(candidates, start=OFFICE, settings=settings)
    check_plan(plan, candidates)
    assert list(plan.stops["kiln_id"]) == ["K0", "K1", "K2"] or set(plan.stops["kiln_id"]) == {"K0", "K1", "K2"}
    codes = reasons(plan)
    assert codes["K3"] == "budget"
    assert {codes[f"K{i}"] for i in range(4, 12)} == {"not_considered"}
    assert plan.dropped.set_index("kiln_id").loc["K4", "reason"] == "lower priority than the 4 kilns considered"
    assert plan.solver["kilns_considered"] == 4


def test_kilns_beyond_max_candidates_that_still_fit_are_planned():
    candidates = kilns([(f"K{i}", *north(3 + i * 0.2), 90.0 - i) for i in range(6)])
    plan = plan_routes(candidates, start=OFFICE, settings=RouteSettings(max_candidates=2))
    check_plan(plan, candidates)
    assert len(plan.stops) == 6 and plan.dropped.empty


# -- must visit ---------------------------------------------------------------------------------------

def test_must_visit_is_planned_even_when_it_displaces_more_priority():
    plan = plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR, must_visit=["south"])
    check_plan(plan, _either_or())
    assert list(plan.stops["kiln_id"]) == ["south"] and bool(plan.stops["must_visit"].iloc[0])
    assert reasons(plan) == {"north1": "budget", "north2": "budget"}
    assert plan.messages == ()


def test_must_visit_overrides_area_and_recent_visit():
    candidates = _either_or()
    candidates["days_since_visit"] = [3.0, None, None]
    candidates.loc[0, "district_pcode"] = "PK617"
    plan = plan_routes(candidates, start=OFFICE, settings=RouteSettings(road_factor=1.0, km_budget=60),
                       must_visit=["south"], area="PK614")
    assert "south" in set(plan.stops["kiln_id"])


def test_must_visit_out_of_reach_is_reported_not_raised():
    candidates = kilns([("far", *north(40), 10.0), ("near", *north(5), 20.0)])
    settings = RouteSettings(road_factor=1.0, km_budget=60)
    plan = plan_routes(candidates, start=OFFICE, settings=settings, must_visit=["far"])
    check_plan(plan, candidates)
    assert list(plan.stops["kiln_id"]) == ["near"]
    assert reasons(plan) == {"far": "unreachable"}
    assert len(plan.messages) == 1 and "far" in plan.messages[0] and "80.0 km" in plan.messages[0]


def test_must_visits_that_do_not_fit_together_are_named():
    plan = plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR, must_visit=["south", "north1"])
    check_plan(plan, _either_or())
    codes = reasons(plan)
    kept = set(plan.stops["kiln_id"])
    assert len(kept & {"south", "north1"}) == 1
    unfitted = ({"south", "north1"} - kept).pop()
    assert codes[unfitted] == "must_visit_unfitted"
    assert len(plan.messages) == 1 and unfitted in plan.messages[0] and "keeps 1 of 2" in plan.messages[0]


def test_must_visit_must_be_a_candidate_and_not_skipped():
    with pytest.raises(ValueError, match="not among the candidates: ghost"):
        plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR, must_visit=["ghost"])
    with pytest.raises(ValueError, match="both to visit and to skip: south"):
        plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR, must_visit=["south"], skip=["south"])


# -- inputs -------------------------------------------------------------------------------------------

def test_distance_matrix_hook_replaces_the_estimate():
    seen = []

    def doubled(points):
        seen.append(points.copy())
        km, _ = road_matrix(points, settings=RouteSettings(road_factor=1.0))
        return 2 * km, 2 * km  # 30 km/h

    plan = plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR, distance_matrix=doubled)
    assert seen[0].shape == (5, 2) and tuple(seen[0][0]) == OFFICE and tuple(seen[0][1]) == OFFICE
    # doubled, the pair north needs 48 km+ and south alone 100 km: only the pair fits
    assert set(plan.stops["kiln_id"]) == {"north1", "north2"} and reasons(plan) == {"south": "unreachable"}
    assert plan.stops["leg_km"].iloc[0] == pytest.approx(24.0, rel=1e-3)
    assert "supplied road matrix" in plan.assumptions


def test_a_bad_distance_matrix_is_refused():
    with pytest.raises(ValueError, match="distance_matrix must return"):
        plan_routes(_either_or(), start=OFFICE, settings=EITHER_OR,
                    distance_matrix=lambda p: (np.zeros((2, 2)), np.zeros((2, 2))))


@pytest.mark.parametrize("options, message", [
    ({"days": 0}, "days must be a whole number >= 1"),
    ({"days": True}, "days must be a whole number"),
    ({"vehicles": 1.5}, "vehicles must be a whole number"),
    ({"speed_kmh": -5}, "speed_kmh must be a positive number"),
    ({"km_budget": 0}, "km_budget must be a positive number or None"),
    ({"road_factor": 0.9}, "road_factor must be at least 1"),
    ({"minutes_per_visit": -1}, "minutes_per_visit must be a number >= 0"),
    ({"hours_per_day": 20}, "must end by midnight"),
    ({"skip_visited_within_days": -1}, "skip_visited_within_days"),
    ({"time_limit_s": 0}, "time_limit_s must be a positive number or None"),
    ({"day_start": "08:00"}, "day_start must be a datetime.time"),
    ({"max_candidates": 0}, "max_candidates"),
])
def test_settings_are_validated(options, message):
    with pytest.raises(ValueError, match=message):
        RouteSettings(**options)


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="lack the column"):
        plan_routes(pd.DataFrame({"kiln_id": ["a"]}), start=OFFICE, settings=EITHER_OR)
    with pytest.raises(ValueError, match="more than once"):
        plan_routes(kilns([("a", 31.1, 74.0, 5.0), ("a", 31.2, 74.0, 5.0)]), start=OFFICE, settings=EITHER_OR)
    with pytest.raises(ValueError, match="start must be"):
        plan_routes(_either_or(), start=(91.0, 74.0), settings=EITHER_OR)
    with pytest.raises(TypeError, match="RouteSettings"):
        plan_routes(_either_or(), start=OFFICE, settings={"days": 1})


def test_candidates_for_applies_area_and_recent_visits():
    gaps = kilns([("a", 31.1, 74.1, 50.0), ("b", 31.2, 74.1, 40.0), ("c", 31.3, 74.1, 30.0),
                  ("d", 31.4, 74.1, 20.0), ("e", 31.5, 74.1, 10.0)],
                 last_visit_date=pd.to_datetime([None, "2026-10-20", "2026-09-01", None, "2026-10-31"]))
    gaps.loc[3, ["district_pcode", "tehsil_pcode"]] = ["PK617", "PK61701"]
    gaps.loc[4, "tehsil_pcode"] = "PK61402"
    settings = RouteSettings()
    candidates, pre = candidates_for(gaps, district="PK614", as_of=date(2026, 11, 1), settings=settings)
    assert list(candidates["kiln_id"]) == ["a", "c"]
    assert list(candidates["days_since_visit"].fillna(-1)) == [-1, 61]
    assert dict(zip(pre["kiln_id"], pre["code"], strict=True)) == {
        "b": "visited_recently", "d": "outside_area", "e": "visited_recently"}
    assert list(pre.columns) == list(plan_routes(candidates, start=OFFICE, settings=settings).dropped.columns)
    _, pre = candidates_for(gaps, district="PK614", tehsil="PK61401", as_of=date(2026, 11, 1),
                            settings=RouteSettings(skip_visited_within_days=None))
    assert dict(zip(pre["kiln_id"], pre["code"], strict=True)) == {"d": "outside_area", "e": "outside_area"}
    candidates, pre = candidates_for(gaps, district="PK614", as_of=date(2026, 11, 1), settings=settings,
                                     must_visit=["b", "d"])
    assert list(candidates["kiln_id"]) == ["a", "b", "c", "d"] and list(pre["kiln_id"]) == ["e"]


# -- shipped data -------------------------------------------------------------------------------------

def test_a_day_in_kasur_from_its_headquarters():
    from layers.catalog import load_layers
    from layers.gaps import kiln_gaps
    from loaders.geo import reference

    ref = reference()
    as_of = date(2026, 11, 1)
    gaps = kiln_gaps(load_layers(None, ref=ref), as_of=as_of, district="PK614")
    hq = ref.district_hq.set_index("ADM2_PCODE").loc["PK614"]
    settings = RouteSettings(hours_per_day=8, km_budget=120)
    candidates, pre = candidates_for(gaps, district="PK614", as_of=as_of, settings=settings)
    plan = plan_routes(candidates, start=(hq["lat"], hq["lon"]), settings=settings)
    check_plan(plan, candidates)
    assert len(plan.stops) >= 1 and plan.within_budget
    assert len(plan.stops) + len(plan.dropped) + len(pre) == len(gaps) > 600
    assert plan.routes.loc[0, "km"] <= 120 and plan.routes.loc[0, "minutes"] <= 480
