"""Kilns overdue for a visit, with an explainable priority, and kilns far from schools, health and NGO services."""

from __future__ import annotations

import string
import threading
import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from layers.catalog import LayerData
from layers.dvc import active_tehsils, dvc_status
from layers.i18n import N_, Translator, translator
from loaders.geo import METRIC_CRS, WGS84

VISIT_STATUSES = ("never", "overdue", "due_soon", "recent")
"""Visit status of a kiln, most urgent first."""

DAYS_PER_MONTH = 365.25 / 12
"""Length of a month when a revisit interval in months is turned into days (time-since-visit points)."""


@dataclass(frozen=True)
class Component:
    """One part of a kiln's priority score."""

    key: str
    """Name of the ``score_<key>`` column and of the weight in :attr:`GapSettings.weights`."""
    label: str
    """In English (marked for translation: ``tr(c.label)`` where shown)."""
    kind: Literal["evidence", "context"]
    """``evidence``: recorded at an inspection visit. ``context``: anything else (time, detection, distances)."""
    default_weight: float
    """Points given when the component applies in full."""
    explanation: str
    """How the points are computed, in plain words: in English (marked for translation: ``tr(c.explanation)``)."""


PRIORITY_COMPONENTS: tuple[Component, ...] = (
    Component("time_since_visit", N_("Time since last visit"), "context", 30.0,
              N_("Never visited: full weight. Otherwise weight × days since the last visit ÷ twice the revisit "
                 "interval, at most the full weight (half the weight when a revisit falls due).")),
    Component("prior_finding", N_("Finding recorded at a visit"), "evidence", 25.0,
              N_("A visit recorded child labour observed or bonded labour indicators.")),
    Component("children_recorded", N_("Children recorded"), "evidence", 15.0,
              N_("A visit counted children at the kiln, or the kiln register reports children.")),
    Component("workers", N_("Workers"), "context", 5.0,
              N_("Weight × latest known number of workers ÷ workers_full (150), at most the full weight; "
                 "the latest visit count, else the kiln register.")),
    Component("no_school", N_("No school nearby"), "context", 8.0,
              N_("The nearest school is farther than school_km (2 km).")),
    Component("no_girls_school", N_("No girls' primary school nearby"), "context", 7.0,
              N_("The nearest primary school open to girls (girls or mixed) is farther than girls_school_km (2 km).")),
    Component("no_health", N_("No health unit nearby"), "context", 5.0,
              N_("The nearest health unit is farther than health_km (5 km).")),
    Component("no_ngo", N_("No NGO service nearby"), "context", 5.0,
              N_("The nearest NGO service active on the as-of date is farther than ngo_km (10 km).")),
    Component("no_active_dvc", N_("No active DVC"), "context", 10.0,
              N_("The district's vigilance committee is dormant, not notified, or has no record, and no committee "
                 "of the kiln's tehsil met within 6 months.")),
)
"""Components of the priority, in the order they are shown. A desert with no data gives no points."""

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({c.key: c.default_weight for c in PRIORITY_COMPONENTS})
"""Default points per component (read-only): time 30, finding 25, children 15, workers 5, school 8,
girls' school 7, health 5, NGO 5, DVC 10."""


@dataclass(frozen=True)
class Service:
    """A service whose distance from each kiln is measured (a service desert when beyond the threshold)."""

    key: str
    """Suffix of the ``dist_<key>_m`` and ``desert_<key>`` columns; the component is ``no_<key>``."""
    label: str
    """In English (marked for translation: ``tr(s.label)`` where shown)."""
    layer: str
    """The layer the service points come from (its districts decide where there is data)."""
    threshold: str
    """Name of the :class:`GapSettings` field holding the threshold in km."""


SERVICES: tuple[Service, ...] = (
    Service("school", N_("school"), "schools", "school_km"),
    Service("girls_school", N_("girls' primary school"), "schools", "girls_school_km"),
    Service("health", N_("health unit"), "health", "health_km"),
    Service("ngo", N_("active NGO service"), "ngo", "ngo_km"),
)


@dataclass(frozen=True)
class GapSettings:
    """Every threshold and weight of the visit gaps, service deserts and priority.

    Override with keywords or :func:`dataclasses.replace`; ``weights`` may name only the
    components that change (``GapSettings(weights={"prior_finding": 40})``).
    """

    revisit_months: int = 6
    """A kiln should be visited again within this many months of its last visit."""
    finding_revisit_months: int = 3
    """Shorter revisit interval for a kiln where a visit recorded child labour or bonded labour indicators."""
    due_soon_days: int = 30
    """A revisit falling due within this many days makes the kiln ``due_soon``."""
    school_km: float = 2.0
    """A kiln with no school (any level) within this distance is in a school desert."""
    girls_school_km: float = 2.0
    """A kiln with no primary school open to girls (girls or mixed) within this distance is in a desert."""
    health_km: float = 5.0
    """A kiln with no health unit within this distance is in a health desert."""
    ngo_km: float = 10.0
    """A kiln with no NGO service active on the as-of date within this distance is in an NGO desert."""
    workers_full: int = 150
    """Workers at which the workers component reaches its full weight."""
    small_count: int = 5
    """Area counts below this are suppressed when shown or exported (small numbers identify kilns)."""
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    """Points per component of :data:`PRIORITY_COMPONENTS`; components not named keep their default."""

    def __post_init__(self) -> None:
        problems = []
        for name in ("revisit_months", "finding_revisit_months", "workers_full"):
            if getattr(self, name) <= 0:
                problems.append(f"{name} must be positive, got {getattr(self, name)!r}")
        for name in ("due_soon_days", "school_km", "girls_school_km", "health_km", "ngo_km", "small_count"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must not be negative, got {getattr(self, name)!r}")
        unknown = sorted(set(self.weights) - set(DEFAULT_WEIGHTS))
        if unknown:
            problems.append(f"unknown weights {', '.join(unknown)}; known: {', '.join(DEFAULT_WEIGHTS)}")
        weights = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in self.weights.items() if k in DEFAULT_WEIGHTS}}
        problems += [f"weight {k} must not be negative, got {v!r}" for k, v in weights.items() if not v >= 0]
        if problems:
            raise ValueError("invalid GapSettings: " + "; ".join(problems))
        object.__setattr__(self, "weights", weights)

    def __hash__(self) -> int:  # the weights dict is not hashable itself
        values = [getattr(self, f.name) for f in fields(self) if f.name != "weights"]
        return hash((*values, tuple(sorted(self.weights.items()))))

    def threshold_m(self, service: Service) -> float:
        """The desert threshold of ``service`` in metres."""
        return float(getattr(self, service.threshold)) * 1000.0


# -- projected points, kept while their frame lives ------------------------------------------------------

class _FrameCache:
    """Values computed from frames, reused while those same frame objects live.

    Layer frames are loaded once and never modified in place, so their projected points, spatial
    indexes and kiln-to-service distances need computing once, not on every rerun.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: dict[tuple, tuple[tuple[weakref.ref, ...], tuple[int, ...], object]] = {}
        self._lock = threading.Lock()

    def get(self, frames: tuple[pd.DataFrame, ...], key: Hashable, compute: Callable[[], object]) -> object:
        slot = (*(id(f) for f in frames), key)
        with self._lock:
            hit = self._items.get(slot)
        if (hit is not None and all(r() is f for r, f in zip(hit[0], frames, strict=True))
                and hit[1] == tuple(len(f) for f in frames)):
            return hit[2]
        value = compute()
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if all(r() is not None for r in v[0])}
            while len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[slot] = (tuple(weakref.ref(f) for f in frames), tuple(len(f) for f in frames), value)
        return value


_CACHE = _FrameCache()


@cache
def _to_metric() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


def _metric_points(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Points of ``frame`` in :data:`METRIC_CRS` (``None`` where a row has no point)."""

    def compute() -> np.ndarray:
        geometry = frame.geometry
        geoms = (geometry if geometry.crs is None or geometry.crs == WGS84 else geometry.to_crs(WGS84)).values
        lon, lat = shapely.get_x(geoms), shapely.get_y(geoms)
        ok = np.isfinite(lon) & np.isfinite(lat)
        out = np.full(len(frame), None, dtype=object)
        if ok.any():
            x, y = _to_metric().transform(lon[ok], lat[ok])
            out[ok] = shapely.points(x, y)
        return out

    return _CACHE.get((frame,), "metric_points", compute)


def service_points(layers: Mapping[str, LayerData], service: Service | str, *, as_of: date) -> gpd.GeoDataFrame:
    """The rows of a service's layer that count as that service on ``as_of``.

    Schools: every school. Girls' primary schools: ``level`` primary and ``gender`` girls or mixed.
    Health units: every unit. NGO services: started on or before ``as_of`` (or no start date) and
    not ended before it (or no end date).
    """
    service = _service(service)
    frame = layers[service.layer].frame
    return frame[_service_mask(frame, service, as_of)]


def _service(service: Service | str) -> Service:
    if isinstance(service, Service):
        return service
    for s in SERVICES:
        if s.key == service:
            return s
    raise ValueError(f"unknown service {service!r}; known: {', '.join(s.key for s in SERVICES)}")


def _service_mask(frame: pd.DataFrame, service: Service, as_of: date) -> np.ndarray:
    if service.key == "girls_school":
        return (_column(frame, "level").eq("primary") & _column(frame, "gender").isin(["girls", "mixed"])).to_numpy()
    if service.key == "ngo":
        day = pd.Timestamp(as_of)
        start = pd.to_datetime(_column(frame, "start_date"), errors="coerce")
        end = pd.to_datetime(_column(frame, "end_date"), errors="coerce")
        return ((start.isna() | (start <= day)) & (end.isna() | (end >= day))).to_numpy()
    return np.ones(len(frame), dtype=bool)


def _nearest_m(layers: Mapping[str, LayerData], service: Service, as_of: pd.Timestamp) -> np.ndarray:
    """Metres from every kiln of ``layers["kilns"]`` to its nearest ``service`` point (NaN: none)."""
    kilns, frame = layers["kilns"].frame, layers[service.layer].frame

    def compute() -> np.ndarray:
        kiln_points = _metric_points(kilns)
        dist = np.full(len(kilns), np.nan)
        points = _metric_points(frame)[_service_mask(frame, service, as_of)]
        points = points[shapely.is_geometry(points)]
        located = np.flatnonzero(shapely.is_geometry(kiln_points))
        if len(points) and len(located):
            tree = shapely.STRtree(points)
            (kiln_i, _), metres = tree.query_nearest(kiln_points[located], return_distance=True, all_matches=False)
            dist[located[kiln_i]] = metres
        return dist

    # only the NGO services change with the day; the other distances are kept across days and settings
    key = ("nearest_m", service.key, as_of if service.key == "ngo" else None)
    return _CACHE.get((kilns, frame), key, compute)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-missing one when an optional column is absent."""
    return frame[name] if name in frame else pd.Series(np.nan, index=frame.index, dtype=object)


# -- per-kiln visit history ---------------------------------------------------------------------------

def _visit_history(visits: pd.DataFrame, kiln_ids: pd.Series, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per kiln (aligned with ``kiln_ids``): last visit, visits in 12 months, findings, children, workers."""
    day = _column(visits, "visit_date")
    visits = pd.DataFrame({
        "kiln_id": _column(visits, "kiln_id"),
        "visit_date": pd.to_datetime(day, errors="coerce").dt.normalize(),
        "child": _column(visits, "child_labour_observed").eq("yes"),
        "bonded": _column(visits, "bonded_labour_indicators").eq("yes"),
        "children": pd.to_numeric(_column(visits, "children_count"), errors="coerce"),
        "workers": pd.to_numeric(_column(visits, "workers_count"), errors="coerce"),
    })
    # a visit after the as-of date has not happened yet in this view; one without a kiln is no kiln's visit
    visits = visits[visits["kiln_id"].notna() & (visits["visit_date"] <= as_of)]
    visits = visits.sort_values("visit_date", kind="stable")
    by_kiln = visits.groupby("kiln_id", sort=False)
    year_ago = as_of - pd.DateOffset(months=12)

    findings = visits[visits["child"] | visits["bonded"]]
    last_finding = findings.groupby("kiln_id", sort=False)["visit_date"].max()
    at_last = findings[findings["visit_date"].to_numpy() == last_finding.reindex(findings["kiln_id"]).to_numpy()]
    kinds = at_last.groupby("kiln_id", sort=False)[["child", "bonded"]].any()
    kinds_text = pd.Series(
        np.select([kinds["child"] & kinds["bonded"], kinds["child"]],
                  ["child labour observed and bonded labour indicators", "child labour observed"],
                  "bonded labour indicators"),
        index=kinds.index, dtype=object)

    children = visits[visits["children"] > 0].drop_duplicates("kiln_id", keep="last").set_index("kiln_id")
    workers = visits[visits["workers"].notna()].drop_duplicates("kiln_id", keep="last").set_index("kiln_id")

    stats = pd.DataFrame({
        "last_visit_date": by_kiln["visit_date"].max(),
        "visits_12m": visits[visits["visit_date"] >= year_ago].groupby("kiln_id").size(),
        "finding_recorded": last_finding.notna(),
        "last_finding_date": last_finding,
        "last_finding": kinds_text,
        "children_counted": children["children"],
        "last_children_date": children["visit_date"],
        "workers_counted": workers["workers"],
    })
    per_kiln = stats.reindex(kiln_ids.to_numpy())
    per_kiln.index = kiln_ids.index
    return per_kiln


# -- the gaps of every kiln ---------------------------------------------------------------------------

def kiln_gaps(
    layers: Mapping[str, LayerData],
    *,
    as_of: date,
    settings: GapSettings | None = None,
    district: str | None = None,
) -> gpd.GeoDataFrame:
    """Visit status, service distances and priority of every kiln (or of one district's kilns).

    Parameters
    ----------
    layers
        The six layers of :func:`layers.catalog.load_layers`.
    as_of
        The day the view describes: later visits are ignored, NGO services must be active on it.
    settings
        Thresholds and weights; :class:`GapSettings` defaults when omitted.
    district
        A district P-code: only its kilns.

    Returns
    -------
    GeoDataFrame in EPSG:4326, one row per kiln of ``layers["kilns"]`` in the same order and with
    the same index: ``kiln_id``, ``district_pcode``, ``tehsil_pcode``, ``lat``, ``lon``,
    ``synthetic``, ``source``; visits: ``last_visit_date``, ``visits_12m``, ``days_since_visit``,
    ``revisit_months``, ``next_visit_due``, ``visit_status``, ``finding_recorded``,
    ``last_finding_date``, ``last_finding``, ``children_recorded``, ``children_counted``,
    ``last_children_date``, ``children_reported``, ``workers_latest``; per service of
    :data:`SERVICES`: ``dist_<key>_m`` (metres to the nearest; NaN when the layer has no records
    in the kiln's province) and ``desert_<key>`` (nullable boolean, ``<NA>`` for no data);
    ``dvc_status`` (the district's; ``active`` where the kiln's tehsil committee is); ``score_<key>`` per component and ``priority`` (their sum), in points.
    """
    settings = settings or GapSettings()
    day = pd.Timestamp(as_of).normalize()
    kilns = layers["kilns"].frame
    keep = (kilns["district_pcode"] == district).to_numpy() if district is not None else slice(None)
    kilns = kilns[keep]
    columns = {
        "kiln_id": kilns["kiln_id"].to_numpy(),
        "district_pcode": _column(kilns, "district_pcode").to_numpy(),
        "tehsil_pcode": _column(kilns, "tehsil_pcode").to_numpy(),
        "lat": shapely.get_y(kilns.geometry.values),
        "lon": shapely.get_x(kilns.geometry.values),
        "synthetic": _column(kilns, "synthetic").fillna(False).to_numpy(dtype=bool),
        "source": _column(kilns, "source").to_numpy(),
    }
    columns |= _visit_columns(layers["inspections"].frame, kilns, day=day, settings=settings)
    columns |= _desert_columns(layers, keep, pd.Series(columns["district_pcode"]), day=day, settings=settings)
    codes = pd.Series(pd.unique(kilns["district_pcode"].dropna()))
    status = dvc_status(layers["dvcs"].frame, codes, as_of=day.date()).set_index("district_pcode")["status"]
    columns["dvc_status"] = _column(kilns, "district_pcode").map(status).fillna("unknown").to_numpy(dtype=str)
    # a tehsil committee that meets covers its kilns even where the district committee is dormant
    covered = _column(kilns, "tehsil_pcode").astype(str).isin(active_tehsils(layers["dvcs"].frame, as_of=day.date()))
    columns["dvc_status"] = np.where(covered.to_numpy(), "active", columns["dvc_status"])
    scores = _scores(columns, settings)
    columns |= {f"score_{key}": points for key, points in scores.items()}
    columns["priority"] = np.round(np.sum(list(scores.values()), axis=0), 1)
    gaps = pd.DataFrame(columns, index=kilns.index)
    return gpd.GeoDataFrame(gaps, geometry=kilns.geometry.values)


def _visit_columns(
    visits: pd.DataFrame, kilns: pd.DataFrame, *, day: pd.Timestamp, settings: GapSettings
) -> dict[str, object]:
    """Last visit, status, findings, children and workers of each kiln, from visits up to ``day``."""
    history = _visit_history(visits, kilns["kiln_id"], as_of=day)
    last = pd.to_datetime(history["last_visit_date"])
    finding = history["finding_recorded"].fillna(False).to_numpy(dtype=bool)
    due = (last + pd.DateOffset(months=settings.revisit_months)).where(
        ~finding, last + pd.DateOffset(months=settings.finding_revisit_months))
    soon = due - pd.Timedelta(days=settings.due_soon_days)
    counted = history["children_counted"].to_numpy(dtype=float)
    reported_children = pd.to_numeric(_column(kilns, "children_reported"), errors="coerce").to_numpy(dtype=float)
    reported_workers = pd.to_numeric(_column(kilns, "workers_reported"), errors="coerce").to_numpy(dtype=float)
    workers = history["workers_counted"].to_numpy(dtype=float)
    return {
        "last_visit_date": last.to_numpy(),
        "visits_12m": history["visits_12m"].fillna(0).to_numpy(dtype=int),
        "days_since_visit": (day - last).dt.days.to_numpy(dtype=float),
        "revisit_months": np.where(finding, settings.finding_revisit_months, settings.revisit_months),
        "next_visit_due": due.to_numpy(),
        "visit_status": np.select([last.isna(), due < day, soon <= day], ["never", "overdue", "due_soon"], "recent"),
        "finding_recorded": finding,
        "last_finding_date": pd.to_datetime(history["last_finding_date"]).to_numpy(),
        "last_finding": history["last_finding"].fillna("").to_numpy(dtype=str),
        "children_recorded": (counted > 0) | (reported_children > 0),
        "children_counted": counted,
        "last_children_date": pd.to_datetime(history["last_children_date"]).to_numpy(),
        "children_reported": reported_children,
        # the latest visit's count is dated, the register's is not: the register only fills in
        "workers_latest": np.where(np.isnan(workers), reported_workers, workers),
    }


def _desert_columns(
    layers: Mapping[str, LayerData], keep: np.ndarray | slice, districts: pd.Series, *,
    day: pd.Timestamp, settings: GapSettings,
) -> dict[str, object]:
    """``dist_<key>_m`` and ``desert_<key>`` of each service for the kept kilns."""
    columns: dict[str, object] = {}
    located = shapely.is_geometry(_metric_points(layers["kilns"].frame))[keep]
    for service in SERVICES:
        dist = _nearest_m(layers, service, day)[keep].copy()
        # a layer says nothing about a province where it has no records (schools imported for Punjab only):
        # no data there, not a desert. Within a province it has records in, a district without any is
        # a desert (NGO services cluster in a few districts: their absence elsewhere is the finding)
        provinces = pd.unique(layers[service.layer].frame["district_pcode"].dropna().astype(str).str[:3])
        covered = districts.astype(str).str[:3].isin(provinces).to_numpy() & districts.notna().to_numpy()
        no_data = ~covered | ~located
        dist[no_data] = np.nan
        # covered, but no such service recorded anywhere: as far as the data knows, a desert
        beyond = np.isnan(dist) | (dist > settings.threshold_m(service))
        columns[f"dist_{service.key}_m"] = dist
        columns[f"desert_{service.key}"] = pd.arrays.BooleanArray(beyond & ~no_data, no_data)
    return columns


def _scores(columns: Mapping[str, object], settings: GapSettings) -> dict[str, np.ndarray]:
    """Points of each priority component, rounded to one decimal, in :data:`PRIORITY_COMPONENTS` order."""
    never = columns["visit_status"] == "never"
    interval_days = columns["revisit_months"] * DAYS_PER_MONTH
    elapsed = np.clip(np.nan_to_num(columns["days_since_visit"]) / (2 * interval_days), 0, 1)
    share = {
        "time_since_visit": np.where(never, 1.0, elapsed),
        "prior_finding": columns["finding_recorded"].astype(float),
        "children_recorded": columns["children_recorded"].astype(float),
        "workers": np.clip(np.nan_to_num(columns["workers_latest"]) / settings.workers_full, 0, 1),
        **{f"no_{s.key}": columns[f"desert_{s.key}"].fillna(False).to_numpy(dtype=float) for s in SERVICES},
        "no_active_dvc": (columns["dvc_status"] != "active").astype(float),
    }
    return {c.key: np.round(settings.weights[c.key] * share[c.key], 1) for c in PRIORITY_COMPONENTS}


def rank_priorities(gaps: pd.DataFrame, *, district: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Kilns by priority, highest first (ties by ``kiln_id``), numbered from 1 in a ``rank`` column."""
    rows = gaps if district is None else gaps[gaps["district_pcode"] == district]
    ranked = rows.sort_values(["priority", "kiln_id"], ascending=[False, True], kind="stable")
    if limit is not None:
        ranked = ranked.head(limit)
    ranked = ranked.reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


# -- plain-text reasons -------------------------------------------------------------------------------

def _text(values: object, n: int) -> pd.Series:
    """Texts as a string Series on a plain 0..n-1 index (vectorised concatenation with ``+``)."""
    return pd.Series(np.broadcast_to(np.asarray(values, dtype=object), (n,)), dtype="str")


def _number(values: pd.Series, tr: Translator | None = None) -> pd.Series:
    """Non-negative numbers as text with one decimal, ``30.0`` as ``30``: the numbers in reasons."""
    tenths = np.round(np.nan_to_num(values.to_numpy(dtype=float)) * 10).astype(np.int64)
    whole = pd.Series(tenths // 10).astype("str")
    text = whole.where(tenths % 10 == 0, whole + "." + pd.Series(tenths % 10).astype("str"))
    return _digits(text, tr)


def _digits(text: pd.Series, tr: Translator | None) -> pd.Series:
    """Urdu digits where the translator writes them (``tr.digits``), once per distinct text."""
    if tr is None or tr.digits("0") == "0":
        return text
    return text.map({t: tr.digits(t) for t in pd.unique(text)}).astype("str")


def _day(values: pd.Series, tr: Translator | None = None) -> pd.Series:
    """Dates as ISO text (English, as always), or as the language writes them (:meth:`Translator.date`)."""
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    if tr is None or tr.lang == "en":
        return _text(np.datetime_as_string(days), len(values))
    text = {d: tr.date(pd.Timestamp(d)) for d in pd.unique(days[~np.isnat(days)])}
    return _text([text[d] if not np.isnat(d) else "NaT" for d in days], len(values))


def _fill(template: str, n: int, /, **values: object) -> pd.Series:
    """``template.format(**values)`` row by row, vectorised: each value a text or a string Series of ``n``."""
    out = _text("", n)
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if name is not None:
            value = values[name]
            out = out + (value.reset_index(drop=True).astype("str") if isinstance(value, pd.Series) else value)
    return out


FINDING_WORDS = {
    "child labour observed and bonded labour indicators": N_("child labour observed and bonded labour indicators"),
    "child labour observed": N_("child labour observed"),
    "bonded labour indicators": N_("bonded labour indicators"),
}
"""The ``last_finding`` values of :func:`kiln_gaps` (kept in English in the table), translated where shown."""
DVC_STATUS_WORDS = {"active": N_("active"), "dormant": N_("dormant"), "not_notified": N_("not notified"),
                    "unknown": N_("unknown")}
VISIT_STATUS_WORDS = {"never": N_("never"), "overdue": N_("overdue"), "due_soon": N_("due soon"),
                      "recent": N_("recent")}
"""Each visit status in words (``due_soon`` as "due soon"), translated where shown."""


def explain_parts(gaps: pd.DataFrame, settings: GapSettings | None = None, *, lang: str | None = None,
                  urdu_digits: bool = False) -> pd.DataFrame:
    """The reason for each component's points, one column per component, missing where it gave none.

    Findings are stated only as recorded at a visit on a date; detections, distances, workers and the
    DVC are marked as context. Nothing says a kiln uses child or bonded labour. ``lang`` (default English)
    and ``urdu_digits`` choose the language of the reasons (:func:`layers.i18n.translator`).
    """
    settings = settings or GapSettings()
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    n = len(gaps)
    rows = gaps.reset_index(drop=True)
    status = rows["visit_status"]
    status_words = _text(np.select([status == "overdue", status == "due_soon"], [_("overdue"), _("due soon")],
                                   _("not yet due")), n)

    def words(column: pd.Series, table: dict[str, str]) -> pd.Series:
        """Values of ``column`` in words: our own values translated, anything else as it is."""
        text = column.astype("str")
        return text.map({v: _(table[v]) if v in table else v for v in pd.unique(text)}).astype("str")

    reasons = {
        "time_since_visit": _fill(_("Last visit recorded on {date}, {days} days ago, revisit every {months} "
                                    "months: {status}"), n,
                                  date=_day(rows["last_visit_date"], tr), days=_number(rows["days_since_visit"], tr),
                                  months=_digits(rows["revisit_months"].astype("str"), tr), status=status_words
                                  ).where(status != "never", _("Never visited: no inspection recorded")),
        "prior_finding": _fill(_("Recorded at a visit on {date}: {finding}"), n,
                               date=_day(rows["last_finding_date"], tr),
                               finding=words(rows["last_finding"], FINDING_WORDS)),
        "children_recorded": _fill(_("Recorded at a visit on {date}: {n} children counted at the kiln"), n,
                                   date=_day(rows["last_children_date"], tr), n=_number(rows["children_counted"], tr)
                                   ).where(rows["children_counted"].fillna(0) > 0,
                                           _fill(_("Kiln register: {n} children reported"), n,
                                                 n=_number(rows["children_reported"], tr))),
        "workers": _fill(_("Context: {n} workers, latest known count"), n, n=_number(rows["workers_latest"], tr)),
        "no_active_dvc": _fill(_("Context: district has no active DVC ({status})"), n,
                               status=words(rows["dvc_status"], DVC_STATUS_WORDS)
                               ).where(rows["dvc_status"] != "unknown", _("Context: no DVC record for this district")),
    }
    for service in SERVICES:
        dist = rows[f"dist_{service.key}_m"]
        threshold = _("{km} km").format(km=tr.digits(f"{getattr(settings, service.threshold):g}"))
        reasons[f"no_{service.key}"] = _fill(_("Context: nearest {service} {km} km, beyond {threshold}"), n,
                                             service=_(service.label), km=_number(dist / 1000, tr), threshold=threshold
                                             ).where(dist.notna(),
                                                     _("Context: no {service} recorded").format(service=_(service.label)))
    points = _("{reason} (+{points})")
    parts = pd.DataFrame({
        c.key: _fill(points, n, reason=reasons[c.key], points=_number(rows[f"score_{c.key}"], tr)
                     ).where(rows[f"score_{c.key}"] > 0)
        for c in PRIORITY_COMPONENTS
    })
    parts.index = gaps.index
    return parts


def explain(gaps: pd.DataFrame, settings: GapSettings | None = None, *, sep: str = "; ", lang: str | None = None,
            urdu_digits: bool = False) -> pd.Series:
    """Why each kiln has its priority: the reasons of :func:`explain_parts` on one line ("" when none).

    ``explain(...).str.split("; ")`` gives them as lists: no reason contains ``"; "``.
    """
    parts = explain_parts(gaps, settings, lang=lang, urdu_digits=urdu_digits)
    line = _text("", len(gaps))
    for key in parts:
        line = line + (sep + parts[key].reset_index(drop=True)).fillna("")
    line = line.str.removeprefix(sep)
    line.index = gaps.index
    return line.rename("reasons")
