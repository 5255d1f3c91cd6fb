"""Inspection routes: which kilns to visit on which day and in what order, within the fuel and the hours."""

from __future__ import annotations

import math
import numbers
import time as clock
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, time
from types import MappingProxyType

import numpy as np
import pandas as pd
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from layers.i18n import N_, Translator, translator
from loaders.problems import Message

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) of the great-circle distance."""

REASONS: Mapping[str, str] = MappingProxyType({
    "skipped": "skipped by the planner's user",
    "outside_area": "outside the chosen area",
    "visited_recently": "visited recently (within {days} days)",
    "no_location": "no location recorded",
    "no_priority": "no priority points: nothing to gain from a visit",
    "unreachable": "cannot be reached and returned within the budget from the start",
    "not_considered": "lower priority than the {n} kilns considered",
    "must_visit_unfitted": "must visit, but does not fit within the budgets together with the other must-visit kilns",
    "budget": "budget used by higher-priority kilns",
    "no_room": "no room left in the budget beside the planned kilns, some of equal or lower priority",
})
"""Why a kiln is not in the plan, by code, in the order they are checked (the first that applies is given).

``budget`` and ``no_room`` are only given to a kiln that fits nowhere in the final plan without
breaking a budget (every such kiln is tried); ``budget`` when every planned kiln has a higher priority.
"""

class Figure(Message):
    """A number already written in English (``"12.5"``, ``"08:00"``) inside a :class:`~loaders.problems.Message`:
    the same in every language, in Urdu digits when that setting is on."""

    def __new__(cls, text: str) -> Figure:
        return super().__new__(cls, text)

    def render(self, tr: Translator | str | None = None) -> str:
        tr = tr if isinstance(tr, Translator) else translator(tr)
        return tr.digits(str(self))


class RouteSettingsError(ValueError):
    """Invalid :class:`RouteSettings`. ``str(error)`` is the English text, a :class:`~loaders.problems.Message`
    (``loaders.problems.render(str(error), lang)`` gives it in another language)."""

    def __str__(self) -> str:
        reason = self.args[0] if self.args else ""
        return reason if isinstance(reason, str) else super().__str__()


def _semicolons(parts: list[Message]) -> Message:
    """``parts`` joined by ``"; "`` (the language's semicolon when rendered)."""
    text = parts[0]
    for part in parts[1:]:
        text = Message(N_("{first}; {second}"), first=text, second=part)
    return text


PointsMatrix = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``distance_matrix(points) -> (km, minutes)``: ``points`` is an (n, 2) array of (lat, lon), the
start first, then the end, then the kilns; both results are (n, n), row = from, column = to."""

_FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
_METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
_SOFT_RUNS = ((0.5, 3), (2.0, 3), (0.5, 6), (2.0, 6))
"""First phase: one search per (km a priority point is worth, kilns searched: the kilns of highest
priority, this many times the visits the routes can hold, at least :data:`_SOFT_MIN_KILNS`)."""
_SOFT_MIN_KILNS = 40
_SOFT_SHARE = 0.6
"""Share of the time limit the first phase may take (its searches share it); the second has the rest."""
_SOLUTIONS_BASE, _SOLUTIONS_PER_KILN = 40, 4
"""Solution limit of each search: base + per kiln searched. Ending on it makes runs reproducible."""
_CP_SAT_MAX_KILNS = 12
"""Up to this many kilns considered, CP-SAT runs after the local search (it proves the optimum)."""
_CP_SAT_DETERMINISTIC_S = 0.5
"""CP-SAT's limit in deterministic seconds (work, not wall time: reproducible)."""


def _real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class RouteSettings:
    """Budgets, speeds and solver limits of an inspection plan (override with keywords)."""

    road_factor: float = 1.3
    """Road distance = great-circle distance × this factor (roads are not straight)."""
    speed_kmh: float = 35.0
    """Average driving speed on those road distances."""
    minutes_per_visit: float = 45.0
    """Time spent at each kiln."""
    hours_per_day: float = 8.0
    """Working day of one vehicle: driving and visits, from leaving the start to being back at the end."""
    km_budget: float | None = None
    """Road km one vehicle may drive in a day (None: no limit). For fuel: litres × km per litre."""
    days: int = 1
    """Working days planned; each day starts and ends at the office."""
    vehicles: int = 1
    """Vehicles (teams) each day; days × vehicles routes, each with the day's budgets."""
    skip_visited_within_days: int | None = 30
    """Kilns visited this many days ago or fewer are not candidates (None: keep them)."""
    max_candidates: int = 300
    """At most this many kilns, highest priority first, go to the solver; the rest are lower priority."""
    time_limit_s: float | None = None
    """Longest the solver may search, in seconds (None: 0.01 s per kiln considered, at least 0.5 s, at
    most 30 s). A search that ends on its solution limit instead (small plans, or a generous limit) is
    reproducible: the same input gives the same plan. See :attr:`RoutePlan.solver` ``stopped_by``."""
    day_start: time = time(8, 0)
    """Clock time the vehicles leave the start: arrival times are shown from it."""

    def __post_init__(self) -> None:
        problems: list[Message] = []
        for name in ("road_factor", "speed_kmh", "hours_per_day", "km_budget", "time_limit_s"):
            value, optional = getattr(self, name), name in ("km_budget", "time_limit_s")
            if not (value is None and optional) and not (_real(value) and value > 0):
                problems.append(Message(N_("{name} must be a positive number or None, got {value}") if optional
                                        else N_("{name} must be a positive number, got {value}"),
                                        name=name, value=repr(value)))
        if _real(self.road_factor) and self.road_factor < 1:
            problems.append(Message(N_("road_factor must be at least 1 (roads are not shorter than a straight line), "
                                       "got {value}"), value=repr(self.road_factor)))
        if not (_real(self.minutes_per_visit) and self.minutes_per_visit >= 0):
            problems.append(Message(N_("minutes_per_visit must be a number >= 0, got {value}"),
                                    value=repr(self.minutes_per_visit)))
        for name in ("days", "vehicles", "max_candidates"):
            if not (_whole(getattr(self, name)) and getattr(self, name) >= 1):
                problems.append(Message(N_("{name} must be a whole number >= 1, got {value}"), name=name,
                                        value=repr(getattr(self, name))))
        within = self.skip_visited_within_days
        if within is not None and not (_whole(within) and within >= 0):
            problems.append(Message(N_("skip_visited_within_days must be a whole number >= 0 or None, got {value}"),
                                    value=repr(within)))
        if not isinstance(self.day_start, time):
            problems.append(Message(N_("day_start must be a datetime.time, got {value}"), value=repr(self.day_start)))
        elif _real(self.hours_per_day) and \
                self.day_start.hour * 60 + self.day_start.minute + self.hours_per_day * 60 > 24 * 60:
            problems.append(Message(N_("the working day must end by midnight: {hours} h from {start} does not"),
                                    hours=Figure(repr(self.hours_per_day)), start=Figure(f"{self.day_start:%H:%M}")))
        if problems:
            raise RouteSettingsError(Message(N_("invalid RouteSettings: {problems}"), problems=_semicolons(problems)))

    @property
    def routes(self) -> int:
        """Number of routes planned: days × vehicles."""
        return self.days * self.vehicles

    def assumptions(self, *, road_matrix: bool = False) -> str:
        """The distance model and budgets in words, for display beside a plan."""
        model = ("distance and time from the supplied road matrix" if road_matrix else
                 f"distance = great-circle × {self.road_factor:g}; {self.speed_kmh:g} km/h")
        budget = "no km limit" if self.km_budget is None else f"{self.km_budget:g} km"
        days = f"{self.days} day{'s' if self.days != 1 else ''}"
        teams = f" × {self.vehicles} vehicles" if self.vehicles != 1 else ""
        recent = ("" if self.skip_visited_within_days is None
                  else f"; kilns visited within {self.skip_visited_within_days} days left out")
        return (f"{model}; {self.minutes_per_visit:g} min per visit; {self.hours_per_day:g} h and {budget} "
                f"per vehicle and day from {self.day_start:%H:%M}; {days}{teams}{recent}; "
                f"at most {self.max_candidates} kilns considered, highest priority first")


@dataclass(frozen=True)
class RoutePlan:
    """The kilns to visit per day and vehicle, in order, and why every other candidate is left out."""

    stops: pd.DataFrame
    """One row per planned kiln visit, by ``route`` then ``order`` (1 = first kiln of the day): ``route``,
    ``day``, ``vehicle``, ``order``, ``kiln_id``, ``district_pcode``, ``tehsil_pcode``, ``lat``, ``lon``,
    ``priority``, ``must_visit``, ``leg_km`` and ``leg_min`` (from the previous stop or the start),
    ``cum_km``, ``arrival_min`` and ``departure_min`` (minutes after the day's start), ``arrival`` and
    ``departure`` (HH:MM)."""
    routes: pd.DataFrame
    """One row per route (day 1 carries the most priority): ``route``, ``day``, ``vehicle``, ``visits``,
    ``priority``, ``km``, ``travel_min``, ``visit_min``, ``minutes`` (travel + visits), ``return_km`` and
    ``return_min`` (last stop to the end), ``start`` and ``back`` (HH:MM), ``km_budget`` (NaN: none),
    ``minutes_budget``, ``within_budget``. ``km`` = sum of the stops' ``leg_km`` + ``return_km``."""
    dropped: pd.DataFrame
    """One row per candidate not planned: ``kiln_id``, ``priority``, ``code`` (a key of
    :data:`REASONS`), ``reason`` (its text), ``lat``, ``lon``, ``must_visit``."""
    settings: RouteSettings
    start: tuple[float, float]
    end: tuple[float, float]
    assumptions: str
    """The distance model and budgets in words."""
    messages: tuple[str, ...]
    """What the user must know: must-visit kilns that could not be planned. English text, each a
    :class:`~loaders.problems.Message` (``loaders.problems.render(message, lang)``: in another language)."""
    solver: Mapping[str, object]
    """How the search went: ``first_solution``, ``metaheuristic``, ``cp_sat`` (whether CP-SAT finished
    the search), ``time_limit_s``, ``seconds``, ``solutions`` and ``stopped_by`` per search
    (``solution limit``, ``search complete`` or ``time limit``: a plan none of whose searches hit the
    time limit is reproducible), ``inserted_after`` (kilns the final insertion check added),
    ``kilns_considered`` (kilns given to the solver)."""

    @property
    def total_priority(self) -> float:
        """Sum of the planned kilns' priority."""
        return float(self.stops["priority"].sum())

    @property
    def within_budget(self) -> bool:
        """Whether every route keeps to its km and hours."""
        return bool(self.routes["within_budget"].all())


# -- distances --------------------------------------------------------------------------------------

def great_circle_km(lat1: object, lon1: object, lat2: object, lon2: object) -> np.ndarray:
    """Great-circle (haversine) distance in km between points in degrees, broadcast like numpy."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def road_matrix(points: np.ndarray, *, settings: RouteSettings) -> tuple[np.ndarray, np.ndarray]:
    """Estimated road km and driving minutes between every pair of ``points`` ((n, 2) lat, lon).

    km = great-circle × ``settings.road_factor``; minutes = km ÷ ``settings.speed_kmh`` × 60.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    lat, lon = points[:, 0], points[:, 1]
    km = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * settings.road_factor
    return km, km / settings.speed_kmh * 60.0


# -- candidates -------------------------------------------------------------------------------------

_DROPPED_COLUMNS = ["kiln_id", "priority", "code", "reason", "lat", "lon", "must_visit"]


def _reason(code: str, settings: RouteSettings, considered: int = 0) -> str:
    return REASONS[code].format(days=settings.skip_visited_within_days, n=considered)


def _dropped(frame: pd.DataFrame, codes: np.ndarray, texts: np.ndarray, must: np.ndarray | bool = False
             ) -> pd.DataFrame:
    """Rows of :attr:`RoutePlan.dropped` for the kilns of ``frame``."""
    out = pd.DataFrame({
        "kiln_id": frame["kiln_id"].astype(str).to_numpy(),
        "priority": pd.to_numeric(frame["priority"], errors="coerce").to_numpy(dtype=float),
        "code": np.asarray(codes, dtype=object),
        "reason": np.broadcast_to(np.asarray(texts, dtype=object), (len(frame),)),
        "lat": pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float),
        "lon": pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float),
        "must_visit": np.broadcast_to(np.asarray(must, dtype=bool), (len(frame),)),
    })
    return out[_DROPPED_COLUMNS]


def candidates_for(
    gaps: pd.DataFrame,
    *,
    district: str | None = None,
    tehsil: str | None = None,
    as_of: date,
    settings: RouteSettings,
    must_visit: Collection[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kilns of an area that may be planned, and the others with the reason they may not.

    Parameters
    ----------
    gaps
        :func:`layers.gaps.kiln_gaps` (or a subset): ``kiln_id``, ``lat``, ``lon``, ``priority``,
        ``district_pcode``, ``tehsil_pcode``, ``last_visit_date``.
    district, tehsil
        P-codes of the chosen area (a tehsil narrows a district); neither: every kiln of ``gaps``.
    as_of
        The planning day: a visit on or before it within ``settings.skip_visited_within_days`` days
        makes a kiln recently visited.
    settings
        Only ``skip_visited_within_days`` is used here.
    must_visit
        Kiln ids kept as candidates whatever their area or last visit (pass the same ids to
        :func:`plan_routes`, which refuses must-visit kilns that are not candidates).

    Returns
    -------
    ``(candidates, pre_dropped)``: the rows of ``gaps`` to pass to :func:`plan_routes` (with
    ``days_since_visit`` counted to ``as_of``), and one row per other kiln in the columns of
    :attr:`RoutePlan.dropped` (``outside_area``, then ``visited_recently``).
    """
    for name in ("kiln_id", "lat", "lon", "priority", "district_pcode", "tehsil_pcode"):
        if name not in gaps:
            raise ValueError(f"gaps has no {name!r} column")
    outside = np.zeros(len(gaps), dtype=bool)
    kept = gaps["kiln_id"].astype(str).isin({str(k) for k in must_visit}).to_numpy()
    if district is not None:
        outside |= gaps["district_pcode"].astype(str).to_numpy() != str(district)
    if tehsil is not None:
        outside |= gaps["tehsil_pcode"].astype(str).to_numpy() != str(tehsil)
    last = pd.to_datetime(gaps["last_visit_date"], errors="coerce") if "last_visit_date" in gaps \
        else pd.Series(pd.NaT, index=gaps.index)
    days = (pd.Timestamp(as_of).normalize() - last.dt.normalize()).dt.days.to_numpy(dtype=float)
    within = settings.skip_visited_within_days
    # a visit after the planning day (gaps of a later date) is recent too: the kiln has just been seen
    recent = ~outside & (np.nan_to_num(days, nan=math.inf) <= within) if within is not None \
        else np.zeros(len(gaps), dtype=bool)
    outside &= ~kept
    recent &= ~kept
    keep = ~outside & ~recent
    candidates = gaps[keep].copy()
    candidates["days_since_visit"] = days[keep]
    codes = np.where(outside, "outside_area", "visited_recently")[~keep]
    pre_dropped = _dropped(gaps[~keep], codes, pd.Series(codes).map(lambda c: _reason(c, settings)).to_numpy())
    return candidates, pre_dropped


# -- the plan ---------------------------------------------------------------------------------------

def _point(value: tuple[float, float], name: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (lat, lon) pair, got {value!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{name} must be a (lat, lon) pair in degrees, got {value!r}")
    return lat, lon


def _clock_text(settings: RouteSettings, minutes: np.ndarray) -> np.ndarray:
    start = settings.day_start.hour * 60 + settings.day_start.minute
    total = np.round(start + np.asarray(minutes, dtype=float)).astype(int)  # to the nearest minute
    return np.array([f"{m // 60:02d}:{m % 60:02d}" for m in total], dtype=object)


def plan_routes(
    candidates: pd.DataFrame,
    *,
    start: tuple[float, float],
    end: tuple[float, float] | None = None,
    settings: RouteSettings,
    must_visit: Collection[str] = (),
    skip: Collection[str] = (),
    area: str | None = None,
    distance_matrix: PointsMatrix | None = None,
) -> RoutePlan:
    """Choose and order the kilns that give the most priority within every route's km and hours.

    A prize-collecting vehicle routing problem solved with OR-Tools: one route per day and vehicle,
    each from ``start`` to ``end`` within ``settings.km_budget`` and ``settings.hours_per_day``
    (driving plus ``minutes_per_visit`` per kiln); leaving a kiln out costs its priority. Most
    priority first; among plans of equal priority, fewer km.

    Parameters
    ----------
    candidates
        Kilns (``kiln_id``, ``lat``, ``lon``, ``priority``; ``district_pcode``, ``tehsil_pcode`` for
        ``area``; ``days_since_visit`` for the recent-visit rule), e.g. from :func:`candidates_for`.
    start
        (lat, lon) where every route starts: the district office.
    end
        (lat, lon) where every route ends; the start when omitted.
    settings
        Budgets, speeds and solver limits.
    must_visit
        Kiln ids to plan whatever their priority, area or last visit; any that cannot fit are named in
        :attr:`RoutePlan.messages` and dropped with their reason.
    skip
        Kiln ids the user leaves out (ids not among the candidates are ignored).
    area
        A district or tehsil P-code: kilns of other areas are left out.
    distance_matrix
        Replaces the great-circle estimate (e.g. a road-network client): see :data:`PointsMatrix`.

    Returns
    -------
    RoutePlan: every kiln of ``candidates`` is in exactly one of ``stops`` and ``dropped``.
    """
    if not isinstance(settings, RouteSettings):
        raise TypeError(f"settings must be a RouteSettings, got {type(settings).__name__}")
    start = _point(start, "start")
    end = start if end is None else _point(end, "end")
    kilns = _kiln_table(candidates, must_visit=must_visit, skip=skip, area=area)
    code = _filter_codes(kilns, settings=settings, skipped={str(k) for k in skip}, area=area)
    messages = [Message(N_("Must-visit kiln {kiln} has no location recorded: it cannot be planned."), kiln=kiln_id)
                for kiln_id in kilns.loc[kilns["must_visit"] & code.eq("no_location"), "kiln_id"]]

    # distances between the start (node 0), the end (node 1) and every kiln still a candidate (2...)
    eligible = np.flatnonzero(code.isna().to_numpy())
    points = np.vstack([[start, end], kilns[["lat", "lon"]].to_numpy(dtype=float)[eligible]])
    km, minutes = _matrices(points, settings, distance_matrix)
    model = _Model.build(km, minutes, settings)
    node_of = {int(row): k + 2 for k, row in enumerate(eligible)}
    row_of_node = {node: row for row, node in node_of.items()}
    if not model.end_reachable():
        messages.append(Message(N_("The end is too far from the start: {km} km and {minutes} min without any visit; "
                                   "{budget}. No route can keep to the budget."),
                                km=Figure(f"{km[0, 1]:.1f}"), minutes=Figure(f"{minutes[0, 1]:.0f}"),
                                budget=_budget_words(settings)))

    # a kiln whose round trip alone breaks a budget can never be planned
    unreachable = ~model.fits_alone(np.arange(2, len(points)))
    code.iloc[eligible[unreachable]] = "unreachable"
    is_must = kilns["must_visit"].to_numpy()
    for row in eligible[unreachable & is_must[eligible]]:
        j = node_of[int(row)]
        messages.append(Message(
            N_("Must-visit kiln {kiln} cannot be reached and returned within the budget from the start: {km} km "
               "and {minutes} min for the round trip alone; {budget}."),
            kiln=kilns["kiln_id"].iat[row], km=Figure(f"{km[0, j] + km[j, 1]:.1f}"),
            minutes=Figure(f"{minutes[0, j] + minutes[j, 1] + settings.minutes_per_visit:.0f}"),
            budget=_budget_words(settings)))

    # the solver gets every must-visit kiln and the others of highest priority (the rows are in that order)
    reachable = eligible[~unreachable]
    optional = reachable[~is_must[reachable]]
    considered = np.sort(np.r_[reachable[is_must[reachable]], optional[:settings.max_candidates]])
    beyond = optional[settings.max_candidates:]
    priority_h = _priority_hundredths(kilns["priority"].to_numpy(dtype=float))
    routes, solver = _solve(model, np.array([node_of[int(r)] for r in considered], dtype=int),
                            priority_h[considered], is_must[considered], settings)
    # then every kiln left out is tried again, must-visit kilns and priority first: whatever still fits goes in
    routed = {node for route in routes for node in route}
    waiting = sorted((node_of[int(r)] for r in np.r_[considered, beyond] if node_of[int(r)] not in routed),
                     key=lambda node: (not is_must[row_of_node[node]], -priority_h[row_of_node[node]],
                                       row_of_node[node]))
    solver["inserted_after"] = model.insert_greedily(routes, waiting)
    solver["kilns_considered"] = len(considered)

    planned = np.array(sorted(row_of_node[node] for route in routes for node in route), dtype=int)
    _budget_codes(code, kilns, planned=planned, reachable=reachable, beyond=beyond)
    unfitted = kilns.loc[code.eq("must_visit_unfitted").to_numpy(), "kiln_id"].tolist()
    if unfitted:
        routes_text = Message(N_("in {n} routes") if settings.routes > 1 else N_("in {n} route"), n=settings.routes)
        template = (N_("Must-visit kilns {kilns} do not fit {routes} of {budget} together with the other "
                       "must-visit kilns; the plan keeps {kept} of {total}.") if len(unfitted) > 1 else
                    N_("Must-visit kiln {kilns} does not fit {routes} of {budget} together with the other "
                       "must-visit kilns; the plan keeps {kept} of {total}."))
        messages.append(Message(template, kilns=[str(k) for k in unfitted], routes=routes_text,
                                budget=_budget_words(settings), kept=int(is_must.sum()) - len(unfitted),
                                total=int(is_must.sum())))

    stops, summary = _tables(kilns, routes, row_of_node, km, minutes, settings)
    return RoutePlan(
        stops=stops, routes=summary,
        dropped=_dropped_table(kilns, code, settings, considered=len(considered) - int(is_must[considered].sum())),
        settings=settings, start=start, end=end,
        assumptions=settings.assumptions(road_matrix=distance_matrix is not None),
        messages=tuple(messages), solver=MappingProxyType(solver),
    )


def _budget_codes(code: pd.Series, kilns: pd.DataFrame, *, planned: np.ndarray, reachable: np.ndarray,
                  beyond: np.ndarray) -> None:
    """Set the reason of each reachable kiln the plan leaves out (the plan fits none of them in)."""
    priority = kilns["priority"].to_numpy(dtype=float)
    lowest_planned = priority[planned].min() if len(planned) else math.inf
    left = np.setdiff1d(reachable, planned)
    codes = np.where(kilns["must_visit"].to_numpy()[left], "must_visit_unfitted",
                     np.where(np.isin(left, beyond), "not_considered",
                              np.where(priority[left] < lowest_planned, "budget", "no_room")))
    code.iloc[left] = codes


def _dropped_table(kilns: pd.DataFrame, code: pd.Series, settings: RouteSettings, *, considered: int
                   ) -> pd.DataFrame:
    """The kilns left out, by reason (in :data:`REASONS` order), then priority (highest first)."""
    rows = code.notna().to_numpy()
    codes = code[rows].to_numpy()
    texts = np.array([_reason(c, settings, considered) for c in codes], dtype=object)
    dropped = _dropped(kilns[rows], codes, texts, kilns["must_visit"].to_numpy()[rows])
    rank = dropped["code"].map({c: k for k, c in enumerate(REASONS)})
    order = np.lexsort((dropped["kiln_id"].to_numpy(), -np.nan_to_num(dropped["priority"].to_numpy(), nan=-1.0),
                        rank.to_numpy()))
    return dropped.iloc[order].reset_index(drop=True)


def _kiln_table(candidates: pd.DataFrame, *, must_visit: Collection[str], skip: Collection[str],
                area: str | None) -> pd.DataFrame:
    """The candidates' columns the planner uses, highest priority first (ties by kiln id), checked."""
    missing = [c for c in ("kiln_id", "lat", "lon", "priority") if c not in candidates]
    if missing:
        raise ValueError(f"candidates lack the column(s) {', '.join(missing)}")
    if area is not None and "district_pcode" not in candidates and "tehsil_pcode" not in candidates:
        raise ValueError("an area needs district_pcode or tehsil_pcode columns in the candidates")
    kilns = pd.DataFrame({
        "kiln_id": candidates["kiln_id"].astype(str).to_numpy(),
        "lat": pd.to_numeric(candidates["lat"], errors="coerce").to_numpy(dtype=float),
        "lon": pd.to_numeric(candidates["lon"], errors="coerce").to_numpy(dtype=float),
        "priority": pd.to_numeric(candidates["priority"], errors="coerce").to_numpy(dtype=float),
    })
    for name in ("district_pcode", "tehsil_pcode"):
        kilns[name] = candidates[name].to_numpy() if name in candidates else None
    kilns["days_since_visit"] = (pd.to_numeric(candidates["days_since_visit"], errors="coerce").to_numpy(dtype=float)
                                 if "days_since_visit" in candidates else np.nan)
    duplicated = kilns["kiln_id"][kilns["kiln_id"].duplicated()].unique()
    if len(duplicated):
        raise ValueError(f"kiln ids appear more than once among the candidates: {', '.join(duplicated[:10])}")
    must, skipped = {str(k) for k in must_visit}, {str(k) for k in skip}
    if must & skipped:
        raise ValueError(f"kilns both to visit and to skip: {', '.join(sorted(must & skipped))}")
    unknown = must - set(kilns["kiln_id"])
    if unknown:
        raise ValueError(f"must-visit kilns not among the candidates: {', '.join(sorted(unknown))}")
    kilns["must_visit"] = kilns["kiln_id"].isin(must)
    return kilns.sort_values(["priority", "kiln_id"], ascending=[False, True], na_position="last",
                             kind="stable").reset_index(drop=True)


def _filter_codes(kilns: pd.DataFrame, *, settings: RouteSettings, skipped: set[str], area: str | None) -> pd.Series:
    """The first rule that leaves each kiln out before any distance is measured (None: a candidate)."""
    must = kilns["must_visit"].to_numpy()
    in_area = np.ones(len(kilns), dtype=bool)
    if area is not None:
        in_area = (kilns["district_pcode"].astype(str).to_numpy() == area) | \
                  (kilns["tehsil_pcode"].astype(str).to_numpy() == area)
    within = settings.skip_visited_within_days
    recent = (np.nan_to_num(kilns["days_since_visit"].to_numpy(dtype=float), nan=math.inf) <= within
              if within is not None else np.zeros(len(kilns), dtype=bool))
    located = np.isfinite(kilns["lat"].to_numpy()) & np.isfinite(kilns["lon"].to_numpy()) & \
        (np.abs(kilns["lat"].to_numpy()) <= 90) & (np.abs(kilns["lon"].to_numpy()) <= 180)
    worth = np.nan_to_num(kilns["priority"].to_numpy(dtype=float)) > 0
    # must-visit kilns are planned whatever their area, last visit or priority
    rules = [("skipped", kilns["kiln_id"].isin(skipped).to_numpy()), ("outside_area", ~in_area & ~must),
             ("visited_recently", recent & ~must), ("no_location", ~located), ("no_priority", ~worth & ~must)]
    codes = np.select([hit for _, hit in rules], [name for name, _ in rules], default="")
    return pd.Series(np.where(codes == "", None, codes), dtype=object)


def _matrices(points: np.ndarray, settings: RouteSettings, distance_matrix: PointsMatrix | None
              ) -> tuple[np.ndarray, np.ndarray]:
    if distance_matrix is None:
        return road_matrix(points, settings=settings)
    km, minutes = (np.asarray(m, dtype=float) for m in distance_matrix(points))
    n = len(points)
    for name, matrix in (("km", km), ("minutes", minutes)):
        if matrix.shape != (n, n) or not np.isfinite(matrix).all() or (matrix < 0).any():
            raise ValueError(f"distance_matrix must return two finite, non-negative ({n}, {n}) matrices; "
                             f"its {name} matrix has shape {matrix.shape}")
    return km, minutes


def _budget_words(settings: RouteSettings) -> Message:
    hours = Figure(f"{settings.hours_per_day:g}")
    if settings.km_budget is None:
        return Message(N_("{hours} h per route"), hours=hours)
    return Message(N_("{km} km and {hours} h per route"), km=Figure(f"{settings.km_budget:g}"), hours=hours)


def _priority_hundredths(priority: np.ndarray) -> np.ndarray:
    """Priorities as whole hundredths of a point, at least 1 for a positive priority."""
    p = np.nan_to_num(priority)
    return np.where(p > 0, np.maximum(np.round(p * 100), 1), 0).astype(np.int64)


# -- the solver -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Model:
    """The integer model the solver and the insertion check share.

    Node 0 is the start, node 1 the end, then the kilns. Metres and seconds are rounded *up*, so a
    route within the integer budgets is within the real ones.
    """

    metres: np.ndarray
    seconds: np.ndarray
    """Driving seconds of each arc (no visit time)."""
    visit_s: int
    cap_m: int
    """Metres a route may drive: the km budget, else a bound no route can reach."""
    cap_s: int
    routes: int

    @classmethod
    def build(cls, km: np.ndarray, minutes: np.ndarray, settings: RouteSettings) -> _Model:
        metres = np.ceil(km * 1000).astype(np.int64)
        seconds = np.ceil(minutes * 60).astype(np.int64)
        np.fill_diagonal(metres, 0)
        np.fill_diagonal(seconds, 0)
        cap_s = int(math.floor(settings.hours_per_day * 3600 + 1e-6))
        if settings.km_budget is not None:
            cap_m = int(math.floor(settings.km_budget * 1000 + 1e-6))
        else:  # no route is longer than its arcs allow within the hours
            moving = seconds > 0
            free = (metres > 0) & ~moving
            longest = int(metres.max(initial=0)) * max(len(metres) - 1, 1)
            speed = (metres[moving] / seconds[moving]).max(initial=0.0)
            cap_m = longest if free.any() else min(longest, int(math.ceil(speed * cap_s)))
        return cls(metres, seconds, int(math.ceil(settings.minutes_per_visit * 60 - 1e-6)), max(cap_m, 1), cap_s,
                   settings.routes)

    def end_reachable(self) -> bool:
        """Whether start → end, with no visit, keeps to both budgets."""
        return bool(self.metres[0, 1] <= self.cap_m and self.seconds[0, 1] <= self.cap_s)

    def fits_alone(self, nodes: np.ndarray) -> np.ndarray:
        """Whether start → kiln → end alone keeps to both budgets, per node."""
        metres = self.metres[0, nodes] + self.metres[nodes, 1]
        seconds = self.seconds[0, nodes] + self.seconds[nodes, 1] + self.visit_s
        return (metres <= self.cap_m) & (seconds <= self.cap_s)

    def totals(self, route: list[int]) -> tuple[int, int]:
        """Metres and seconds (driving and visits) of a route of kiln nodes."""
        path = np.r_[0, route, 1].astype(int)
        return (int(self.metres[path[:-1], path[1:]].sum()),
                int(self.seconds[path[:-1], path[1:]].sum()) + self.visit_s * len(route))

    def insert_greedily(self, routes: list[list[int]], nodes: list[int]) -> int:
        """Insert ``nodes`` (in this order of preference) where they fit at the least extra km; count them.

        Repeats until a pass inserts nothing, so every node left out fits nowhere in the final routes.
        """
        inserted, remaining = 0, list(nodes)
        while remaining:
            totals = [self.totals(r) for r in routes]
            left = []
            for node in remaining:
                best = None
                for r, route in enumerate(routes):
                    path = np.r_[0, route, 1].astype(int)
                    a, b = path[:-1], path[1:]
                    extra_m = self.metres[a, node] + self.metres[node, b] - self.metres[a, b]
                    extra_s = self.seconds[a, node] + self.seconds[node, b] - self.seconds[a, b] + self.visit_s
                    ok = (totals[r][0] + extra_m <= self.cap_m) & (totals[r][1] + extra_s <= self.cap_s)
                    if ok.any():
                        pos = int(np.flatnonzero(ok)[np.argmin(extra_m[ok])])
                        if best is None or extra_m[pos] < best[0]:
                            best = (int(extra_m[pos]), r, pos)
                if best is None:
                    left.append(node)
                    continue
                _, r, pos = best
                routes[r].insert(pos, node)
                totals[r] = self.totals(routes[r])
                inserted += 1
            if len(left) == len(remaining):
                break
            remaining = left
        return inserted


def _time_limit(settings: RouteSettings, kilns: int) -> float:
    if settings.time_limit_s is not None:
        return float(settings.time_limit_s)
    return min(30.0, max(0.5, 0.01 * kilns))


def _solve(model: _Model, nodes: np.ndarray, priority_h: np.ndarray, must: np.ndarray,
           settings: RouteSettings) -> tuple[list[list[int]], dict[str, object]]:
    """Routes (lists of matrix nodes) over ``nodes`` (in priority order): most priority, then fewest km.

    Guided local search from the cheapest-arc first solution, in two phases. With the exact weights
    (a hundredth of a point outweighs every km of the plan) the search cannot give a kiln up to
    reach a better set, and stalls in the first set it fills the day with. So the first phase trades
    priority against km (a point worth 0.5 km, or 2 km) over the kilns of highest priority only
    (3 or 6 times what the routes can visit): one search each, see :data:`_SOFT_RUNS`, the plan of
    most priority kept; the second phase starts from it with the exact weights over every kiln. Up to
    :data:`_CP_SAT_MAX_KILNS` kilns, OR-Tools' CP-SAT then proves the optimum. Must-visit kilns
    outweigh all others in every phase: one is dropped only when no plan keeping them all is found.
    """
    limit = _time_limit(settings, len(nodes))
    info: dict[str, object] = {
        "first_solution": "PATH_CHEAPEST_ARC", "metaheuristic": "GUIDED_LOCAL_SEARCH",
        "cp_sat": bool(0 < len(nodes) <= _CP_SAT_MAX_KILNS), "time_limit_s": round(limit, 3),
        "seconds": 0.0, "solutions": (), "stopped_by": (),
    }
    empty: list[list[int]] = [[] for _ in range(model.routes)]
    if len(nodes) <= 1:  # nothing to choose: the insertion check plans a lone kiln (it fits alone)
        info["cp_sat"] = False
        return empty, info
    exact = model.routes * model.cap_m + 1  # more than the km of any plan
    per_route = model.cap_s // model.visit_s if model.visit_s else len(nodes)
    optional_rank = np.cumsum(~must)
    sizes = sorted({min(max(times * model.routes * per_route, _SOFT_MIN_KILNS), int((~must).sum()))
                    for _, times in _SOFT_RUNS})
    # a search over nearly the same kilns as a larger one adds little: only the larger is made
    sizes = [size for size, larger in zip(sizes, [*sizes[1:], math.inf], strict=True) if larger > 1.25 * size]
    phases: list[tuple[int, np.ndarray]] = []
    for km_per_point, times in _SOFT_RUNS:
        weight = max(int(round(km_per_point * 1000 / 100)), 1)  # metres per hundredth of a point
        wanted = max(times * model.routes * per_route, _SOFT_MIN_KILNS)
        size = next((s for s in sizes if s >= wanted), sizes[-1])
        subset = must | (optional_rank <= size)
        if not any(w == weight and (subset == other).all() for w, other in phases):
            phases.append((weight, subset))
    phases.append((exact, np.ones(len(nodes), dtype=bool)))
    began = clock.perf_counter()
    best, best_key, routes = empty, None, empty
    solutions, stopped = [], []
    for k, (weight, subset) in enumerate(phases):
        final = k == len(phases) - 1
        # Python integers: checked before anything reaches OR-Tools' int64
        must_penalty = int(priority_h[subset & ~must].sum()) * weight + exact
        if must_penalty * (int(must.sum()) + 1) + exact >= 2 ** 62:
            raise ValueError("too many kilns and routes for the solver's integer weights; plan fewer at once")
        penalties = [must_penalty if m else int(p) * weight
                     for p, m in zip(priority_h[subset], must[subset], strict=True)]
        # the first phase shares its part of the time equally, what one search leaves going to the next
        spent = clock.perf_counter() - began
        left = limit - spent if final else (limit * _SOFT_SHARE - spent) / (len(phases) - 1 - k)
        seconds = max(left, 0.05 * limit)
        solution_limit = _SOLUTIONS_BASE + _SOLUTIONS_PER_KILN * int(subset.sum())
        phase_began = clock.perf_counter()
        routes, count = _search(model, nodes[subset], penalties, best if final else empty, seconds=seconds,
                                solution_limit=solution_limit, cp_sat=final and bool(info["cp_sat"]))
        solutions.append(count)
        stopped.append("time limit" if clock.perf_counter() - phase_began >= 0.98 * seconds
                       else "solution limit" if count >= solution_limit else "search complete")
        if not final:  # keep the soft plan of most must-visits, then priority, then fewest km
            position = {int(n): i for i, n in enumerate(nodes)}
            planned = [position[n] for route in routes for n in route]
            key = (int(must[planned].sum()), int(priority_h[planned].sum()),
                   -sum(model.totals(route)[0] for route in routes))
            if best_key is None or key > best_key:
                best, best_key = routes, key
    info.update(seconds=round(clock.perf_counter() - began, 3), solutions=tuple(solutions),
                stopped_by=tuple(stopped))
    return routes, info


def _search(model: _Model, nodes: np.ndarray, penalties: list[int], initial: list[list[int]], *,
            seconds: float, solution_limit: int, cp_sat: bool) -> tuple[list[list[int]], int]:
    """One OR-Tools search over ``nodes`` (from ``initial`` when it has kilns): its routes and solution count."""
    local = np.r_[0, 1, nodes].astype(int)  # the solver's node k is matrix node local[k]
    metres = model.metres[np.ix_(local, local)]
    seconds_with_visit = model.seconds[np.ix_(local, local)]
    seconds_with_visit[2:, :] += model.visit_s  # the visit is spent before leaving a kiln
    manager = pywrapcp.RoutingIndexManager(len(local), model.routes, [0] * model.routes, [1] * model.routes)
    routing = pywrapcp.RoutingModel(manager)
    distance = routing.RegisterTransitMatrix(metres.tolist())
    duration = routing.RegisterTransitMatrix(seconds_with_visit.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(distance)
    routing.AddDimension(distance, 0, model.cap_m, True, "km")
    routing.AddDimension(duration, 0, model.cap_s, True, "time")
    for k, penalty in enumerate(penalties):
        routing.AddDisjunction([manager.NodeToIndex(k + 2)], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = _FIRST_SOLUTION
    params.local_search_metaheuristic = _METAHEURISTIC
    params.time_limit.FromMilliseconds(max(int(seconds * 1000), 1))
    params.solution_limit = solution_limit  # reproducible: the search stops after as many solutions
    params.log_search = False
    if cp_sat:  # deterministic time, one worker: reproducible too
        params.use_cp_sat = optional_boolean_pb2.BOOL_TRUE
        params.sat_parameters.max_deterministic_time = _CP_SAT_DETERMINISTIC_S
        params.sat_parameters.num_workers = 1
    position = {int(n): k + 2 for k, n in enumerate(nodes)}
    start = None
    if any(initial):
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(position[n]) for n in route] for route in initial], True)
    solution = (routing.SolveFromAssignmentWithParameters(start, params) if start is not None
                else routing.SolveWithParameters(params))
    count = routing.solver().Solutions()
    if solution is None:
        return [list(route) for route in initial], count
    routes = []
    for v in range(model.routes):
        route, index = [], solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            route.append(int(local[manager.IndexToNode(index)]))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    for route in routes:  # the budgets are hard: never trust a plan unchecked
        metres, seconds_used = model.totals(route)
        if metres > model.cap_m or seconds_used > model.cap_s:
            raise RuntimeError(f"the solver returned a route over budget ({metres} m, {seconds_used} s)")
    return routes, count


# -- tables -----------------------------------------------------------------------------------------

def _tables(kilns: pd.DataFrame, routes: list[list[int]], row_of_node: Mapping[int, int], km: np.ndarray,
            minutes: np.ndarray, settings: RouteSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stops and the per-route summary, routes numbered by priority carried (most first)."""
    priority = kilns["priority"].to_numpy(dtype=float)
    carried = [sum(priority[row_of_node[n]] for n in route) for route in routes]
    order = sorted(range(len(routes)), key=lambda r: (-round(carried[r], 6), -len(routes[r]), r))
    stop_rows, route_rows = [], []
    for number, r in enumerate(order, start=1):
        route = routes[r]
        day, vehicle = (number - 1) // settings.vehicles + 1, (number - 1) % settings.vehicles + 1
        path = np.r_[0, route, 1].astype(int)
        leg_km, leg_min = km[path[:-1], path[1:]], minutes[path[:-1], path[1:]]
        visits = np.arange(len(route))
        arrival = np.cumsum(leg_min[:-1]) + visits * settings.minutes_per_visit
        rows = [row_of_node[n] for n in route]
        if route:
            stop_rows.append(pd.DataFrame({
                "route": number, "day": day, "vehicle": vehicle, "order": visits + 1,
                "kiln_id": kilns["kiln_id"].to_numpy()[rows],
                "district_pcode": kilns["district_pcode"].to_numpy()[rows],
                "tehsil_pcode": kilns["tehsil_pcode"].to_numpy()[rows],
                "lat": kilns["lat"].to_numpy()[rows], "lon": kilns["lon"].to_numpy()[rows],
                "priority": priority[rows], "must_visit": kilns["must_visit"].to_numpy()[rows],
                "leg_km": leg_km[:-1], "leg_min": leg_min[:-1], "cum_km": np.cumsum(leg_km[:-1]),
                "arrival_min": arrival, "departure_min": arrival + settings.minutes_per_visit,
            }))
        travel_min, visit_min = float(leg_min.sum()), len(route) * settings.minutes_per_visit
        total_km, total_min = float(leg_km.sum()), travel_min + visit_min
        budget_km = math.nan if settings.km_budget is None else float(settings.km_budget)
        route_rows.append({
            "route": number, "day": day, "vehicle": vehicle, "visits": len(route),
            "priority": float(priority[rows].sum()), "km": total_km, "travel_min": travel_min,
            "visit_min": visit_min, "minutes": total_min, "return_km": float(leg_km[-1]),
            "return_min": float(leg_min[-1]), "start": _clock_text(settings, [0.0])[0],
            "back": _clock_text(settings, [total_min])[0], "km_budget": budget_km,
            "minutes_budget": settings.hours_per_day * 60.0,
            "within_budget": bool((settings.km_budget is None or total_km <= settings.km_budget + 1e-9)
                                  and total_min <= settings.hours_per_day * 60.0 + 1e-9),
        })
    stops = pd.concat(stop_rows, ignore_index=True) if stop_rows else pd.DataFrame()
    if stops.empty:
        stops = pd.DataFrame(columns=["route", "day", "vehicle", "order", "kiln_id", "district_pcode",
                                      "tehsil_pcode", "lat", "lon", "priority", "must_visit", "leg_km", "leg_min",
                                      "cum_km", "arrival_min", "departure_min"])
    stops["arrival"] = _clock_text(settings, stops["arrival_min"].to_numpy(dtype=float))
    stops["departure"] = _clock_text(settings, stops["departure_min"].to_numpy(dtype=float))
    return stops, pd.DataFrame(route_rows)
