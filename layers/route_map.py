"""A planned route on a map, and the plan turned into places and rows for the take-along files."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely

from layers.choropleth import FitOnShow
from layers.html import esc
from layers.i18n import N_, Translator, translator
from layers.mapview import Attribution, HtmlOverlay, attribution, priority_parts
from layers.osrm import OsrmError, OsrmMatrix, OsrmReport
from layers.route_export import Place
from layers.route_sheet import DAY_COLORS
from layers.routing import PointsMatrix, RoutePlan, RouteSettings, candidates_for, plan_routes
from loaders.problems import render

REASON_TEXTS = {
    "skipped": N_("skipped by the planner's user"),
    "outside_area": N_("outside the chosen area"),
    "visited_recently": N_("visited recently (within {days} days)"),
    "no_location": N_("no location recorded"),
    "no_priority": N_("no priority points: nothing to gain from a visit"),
    "unreachable": N_("cannot be reached and returned within the budget from the start"),
    "not_considered": N_("lower priority than the {n} kilns considered"),
    "must_visit_unfitted": N_("must visit, but does not fit within the budgets together with the other "
                              "must-visit kilns"),
    "budget": N_("budget used by higher-priority kilns"),
    "no_room": N_("no room left in the budget beside the planned kilns, some of equal or lower priority"),
}
""":data:`layers.routing.REASONS` marked for translation (the same English, so the catalogues have them)."""


def _g(tr: Translator, value: float) -> str:
    """``value`` as ``{:g}`` writes it, in the language's digits."""
    return tr.digits(f"{value:g}")


def _rtl(tr: Translator, html: str) -> str:
    """``html`` in a right-to-left box on Urdu maps (the map itself stays left to right)."""
    return f'<div dir="rtl">{html}</div>' if tr.rtl else html


def district_office(dvcs: pd.DataFrame, hq: pd.DataFrame, district: str, *, lang: str = "en"
                    ) -> tuple[tuple[float, float], str]:
    """Where a district's routes start by default, and what it is called (in ``lang``).

    The DVC office when the district's committee record gives its coordinates (``office_lat``,
    ``office_lon``; a district-level record, the newest notified first), else the district's headquarters
    town (GeoNames, ``district_hq``: ``ADM2_PCODE``, ``hq_name``, ``lat``, ``lon``).
    """
    _ = translator(lang).gettext
    rows = dvcs[(dvcs["district_pcode"] == district)] if "district_pcode" in dvcs else dvcs.iloc[0:0]
    if "tehsil_pcode" in rows:
        rows = rows[rows["tehsil_pcode"].isna()]
    if {"office_lat", "office_lon"} <= set(rows.columns):
        located = rows.dropna(subset=["office_lat", "office_lon"])
        if "notified_date" in located:
            located = located.sort_values("notified_date", ascending=False, na_position="last")
        if len(located):
            first = located.iloc[0]
            return ((float(first["office_lat"]), float(first["office_lon"])),
                    _("DVC office (from the committee record)"))
    town = hq.set_index("ADM2_PCODE").loc[district]
    return (float(town["lat"]), float(town["lon"])), _("{town} (district headquarters)").format(town=town["hq_name"])


@dataclass(frozen=True)
class RoadPlan:
    """A plan and what the road server did for it."""

    plan: RoutePlan
    notes: tuple[str, ...] = ()
    """What the user must know about the distances (no road found, far from a road, server not used)."""
    problem: str | None = None
    """Why a configured road server was not used (the plan then has the great-circle estimate)."""
    report: OsrmReport | None = None
    server: str | None = None
    """The road server the distances came from (its address and profile), None for the estimate."""


def plan_area_by_road(gaps: pd.DataFrame, *, road: OsrmMatrix | None, problem: str | None = None,
                      lang: str = "en", **area: Any) -> RoadPlan:
    """:func:`plan_area` with road distances from ``road`` (an OSRM server), else the great-circle estimate.

    A server that fails (down, refuses, answers nonsense) does not stop the plan: it is made with the
    great-circle estimate and :attr:`RoadPlan.problem` says why. ``problem`` is a reason known beforehand
    (e.g. a malformed configured URL). The session of ``road`` is closed. The note that the server was not used
    is in ``lang`` (the plan's assumptions stay in English: :func:`plan_assumptions` words them).
    """
    if road is not None:
        try:
            plan = plan_area(gaps, distance_matrix=road, **area)
        except OsrmError as error:
            problem = str(error)
        else:  # the assumption line names the server, not routing's generic "supplied road matrix"
            plan = dataclasses.replace(plan, assumptions=road.assumptions(area["settings"]))
            return RoadPlan(plan, road.last.notes() if road.last else (), None, road.last,
                            f"{road.url} ({road.profile})")
        finally:
            road.close()
    plan = plan_area(gaps, **area)
    _ = translator(lang).gettext
    notes = (_("Road server not used ({problem}): distances are the great-circle estimate.").format(
        problem=render(problem, lang)),) if problem else ()
    return RoadPlan(plan, notes, problem)


def plan_area(
    gaps: pd.DataFrame, *, district: str, tehsil: str | None = None, start: tuple[float, float],
    end: tuple[float, float] | None = None, as_of: date, settings: RouteSettings,
    must_visit: Collection[str] = (), skip: Collection[str] = (), distance_matrix: PointsMatrix | None = None,
) -> RoutePlan:
    """A district's (or one of its tehsils') plan with every kiln of the district accounted for.

    Each kiln is planned or left out with a reason (a kiln of another tehsil: outside the chosen area).
    ``distance_matrix`` replaces the great-circle estimate, e.g. :func:`layers.osrm.osrm_matrix`.
    """
    candidates, left_out = candidates_for(gaps, district=district, tehsil=tehsil, as_of=as_of, settings=settings,
                                          must_visit=must_visit)
    plan = plan_routes(candidates, start=start, end=end, settings=settings, must_visit=must_visit, skip=skip,
                       distance_matrix=distance_matrix)
    if len(left_out):
        plan = dataclasses.replace(plan, dropped=pd.concat([plan.dropped, left_out], ignore_index=True))
    return plan


def stop_reasons(plan: RoutePlan, gaps: pd.DataFrame, *, lang: str = "en", urdu_digits: bool = False) -> pd.Series:
    """Each planned kiln's priority parts ("label +points"), by kiln id, in ``lang``."""
    planned = gaps[gaps["kiln_id"].isin(plan.stops["kiln_id"])]
    return pd.Series(priority_parts(planned, lang, urdu_digits=urdu_digits), index=planned["kiln_id"].to_numpy(),
                     dtype=object)


def left_out_reasons(plan: RoutePlan, *, lang: str = "en", urdu_digits: bool = False) -> pd.Series:
    """Why each kiln of :attr:`RoutePlan.dropped` is left out, in ``lang`` (aligned with ``plan.dropped``)."""
    tr = translator(lang, urdu_digits=urdu_digits)
    if not tr.rtl:
        return plan.dropped["reason"]
    days = plan.settings.skip_visited_within_days

    def text(code: str, english: str) -> str:
        if code not in REASON_TEXTS:
            return english
        if code == "not_considered":  # the number is the English text's (the plan counted it)
            found = re.search(r"\d+", english)
            n = tr.num(int(found[0])) if found else tr.num(plan.solver.get("kilns_considered"))
            return tr.gettext(REASON_TEXTS[code]).format(n=n)
        return tr.gettext(REASON_TEXTS[code]).format(days=tr.num(days) if days is not None else "–")

    return pd.Series([text(c, r) for c, r in zip(plan.dropped["code"], plan.dropped["reason"], strict=True)],
                     index=plan.dropped.index, dtype=object)


def plan_assumptions(plan: RoutePlan, *, server: str | None = None, lang: str = "en",
                     urdu_digits: bool = False) -> str:
    """The plan's distance model and budgets in words, in ``lang`` (English: :attr:`RoutePlan.assumptions`).

    ``server`` is :attr:`RoadPlan.server` when a road server gave the distances.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    if not tr.rtl:
        return plan.assumptions
    _ = tr.gettext
    s = plan.settings
    if server:
        model = _("distance and time by road from the OSRM server at {server}").format(server=server)
    elif plan.assumptions.startswith("distance and time from the supplied road matrix"):
        model = _("distance and time from the supplied road matrix")
    else:
        model = _("distance = great-circle × {factor}; {speed} km/h").format(factor=_g(tr, s.road_factor),
                                                                            speed=_g(tr, s.speed_kmh))
    budget = _("no km limit") if s.km_budget is None else _("{km} km").format(km=_g(tr, s.km_budget))
    days = tr.ngettext("{n} day", "{n} days", s.days).format(n=tr.num(s.days))
    if s.vehicles != 1:
        days = _("{days} × {n} vehicles").format(days=days, n=tr.num(s.vehicles))
    parts = [model, _("{minutes} min per visit").format(minutes=_g(tr, s.minutes_per_visit)),
             _("{hours} h and {budget} per vehicle and day from {start}").format(
                 hours=_g(tr, s.hours_per_day), budget=budget, start=tr.digits(f"{s.day_start:%H:%M}")), days]
    if s.skip_visited_within_days is not None:
        parts.append(_("kilns visited within {days} days left out").format(days=tr.num(s.skip_visited_within_days)))
    parts.append(_("at most {n} kilns considered, highest priority first").format(n=tr.num(s.max_candidates)))
    return "؛ ".join(parts)  # the Urdu semicolon


def day_places(plan: RoutePlan, *, office: str, lang: str = "en", urdu_digits: bool = False) -> list[list[Place]]:
    """Per route the places in visiting order: the office, the kilns, the office (or the end point).

    Names and notes are in ``lang``; kiln ids stay as recorded.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    start = Place(plan.start[0], plan.start[1], office)
    end = Place(plan.end[0], plan.end[1], office if plan.end == plan.start else _("End"))
    days = []
    for _route, stops in plan.stops.groupby("route", sort=True):
        kilns = [Place(r.lat, r.lon, f"{tr.num(r.order)}. {r.kiln_id}",
                       _("arrive {time}, priority {priority}").format(time=tr.digits(str(r.arrival)),
                                                                       priority=_g(tr, r.priority)))
                 for r in stops.sort_values("order").itertuples()]
        days.append([start, *kilns, end])
    return days


def stop_rows(plan: RoutePlan, why: pd.Series | None = None, *, lang: str = "en",
              urdu_digits: bool = False) -> list[list[dict]]:
    """Per route the table rows of the route sheet (text), with each kiln's priority parts when given.

    The numbers are written in ``lang``'s digits (the order stays a number: the sheet writes it).
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    rows = []
    for _route, stops in plan.stops.groupby("route", sort=True):
        rows.append([{"order": r.order, "kiln": r.kiln_id, "arrival": tr.digits(str(r.arrival)),
                      "leg_km": tr.digits(f"{r.leg_km:.1f}"), "priority": _g(tr, r.priority),
                      "why": "" if why is None else str(why.get(r.kiln_id, ""))}
                     for r in stops.sort_values("order").itertuples()])
    return rows


def _district_base(location: tuple[float, float], outline: shapely.Geometry | None, asset_base: str,
                   **options: Any) -> folium.Map:
    """An offline map (local Leaflet, no tiles) with the area's outline."""
    m = folium.Map(location=list(location), zoom_start=9, tiles=None, control_scale=True, **options)
    m.options["maxZoom"] = 18
    m.default_js = [("leaflet", f"{asset_base}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet/leaflet.css")]
    if outline is not None:
        folium.GeoJson(shapely.to_geojson(shapely.simplify(outline, 0.002)), interactive=False,
                       style_function=lambda _: {"color": "#222", "weight": 2, "fillColor": "#f4f4f4",
                                                 "fillOpacity": 0.5}).add_to(m)
    return m


def route_map(plan: RoutePlan, *, office: str, outline: shapely.Geometry | None = None,
              demo: tuple[str, ...] = (), asset_base: str = "/app/static/vendor", lang: str = "en",
              urdu_digits: bool = False) -> folium.Map:
    """Numbered stops and a line per day over the area outline; left-out candidates as grey dots.

    Tooltips, legend and flags are in ``lang``; Urdu ones read right to left in a ``dir="rtl"`` box while the
    map keeps its own geometry. ``demo`` holds the demo layers' names as they are to be shown.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    m = _district_base(plan.start, outline, asset_base, prefer_canvas=True)
    has_place = plan.dropped[["lat", "lon"]].notna().all(axis=1)
    left = plan.dropped[has_place]
    if len(left):  # one GeoJSON layer, not a marker object per kiln (a district has hundreds)
        reasons = left_out_reasons(plan, lang=lang, urdu_digits=urdu_digits)[has_place]
        if tr.rtl:  # folium's tooltip table has no dir: each tooltip is one right-to-left box instead
            heads = esc(_("Left out")), esc(_("Why"))
            tips = [f'<div dir="rtl"><b>{heads[0]}</b>: {esc(k)}<br><b>{heads[1]}</b>: {esc(r)}</div>'
                    for k, r in zip(left["kiln_id"], reasons, strict=True)]
            columns, tooltip = {"tip": tips}, folium.GeoJsonTooltip(fields=["tip"], labels=False)
        else:
            columns = {"kiln": [esc(k) for k in left["kiln_id"]], "reason": [esc(r) for r in reasons]}
            tooltip = folium.GeoJsonTooltip(fields=["kiln", "reason"], aliases=[_("Left out"), _("Why")])
        points = gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(left["lon"], left["lat"]), crs="EPSG:4326")
        folium.GeoJson(points, marker=folium.CircleMarker(radius=3, color="#999", weight=1, fill=True,
                                                          fill_opacity=0.6),
                       tooltip=tooltip).add_to(m)
    for number, places in enumerate(day_places(plan, office=office, lang=lang, urdu_digits=urdu_digits), start=1):
        color = DAY_COLORS[(number - 1) % len(DAY_COLORS)]
        folium.PolyLine([[p.lat, p.lon] for p in places], color=color, weight=3, opacity=0.85,
                        tooltip=_rtl(tr, esc(_("Day {number}").format(number=tr.num(number))))).add_to(m)
        for i, place in enumerate(places[1:-1], start=1):
            icon = folium.DivIcon(html=f'<div style="background:{color};color:#fff;border-radius:50%;width:20px;'
                                       f'height:20px;line-height:20px;text-align:center;font:600 11px system-ui;'
                                       f'border:1px solid #fff">{i}</div>', icon_size=(20, 20), icon_anchor=(10, 10))
            # a tooltip, not a folium Popup: folium's popups need jQuery, which this offline map does not load
            folium.Marker([place.lat, place.lon], icon=icon,
                          tooltip=_rtl(tr, f"<b>{esc(place.name)}</b><br>{esc(place.note)}")).add_to(m)
    folium.Marker(list(plan.start), tooltip=_rtl(tr, esc(office)),
                  icon=folium.DivIcon(html='<div style="width:14px;height:14px;background:#000"></div>',
                                      icon_size=(14, 14), icon_anchor=(7, 7))).add_to(m)
    points = [plan.start, plan.end, *zip(plan.stops["lat"], plan.stops["lon"], strict=True)]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    if outline is not None:
        minx, miny, maxx, maxy = outline.bounds
        lats, lons = [*lats, miny, maxy], [*lons, minx, maxx]
    m.add_child(FitOnShow([[min(lats), min(lons)], [max(lats), max(lons)]]))
    legend = "<br>".join(f"<span class='bh-sw' style='background:{DAY_COLORS[(i - 1) % len(DAY_COLORS)]}'></span>"
                         + esc(_("Day {number}").format(number=tr.num(i)))
                         for i in sorted(plan.stops["day"].unique())) if len(plan.stops) else esc(_("No stops"))
    legend += "<br><span class='bh-sw' style='background:#999'></span>" + esc(_("left out (see the table)"))
    direction = ' dir="rtl"' if tr.rtl else ""
    summary = esc(_("Route"))
    m.add_child(HtmlOverlay(f"<details open{direction}><summary>{summary}</summary>{legend}</details>", "bh-legend"))
    if demo:
        flag = esc(_("DEMO DATA behind the priorities: {layers}").format(layers=("، " if tr.rtl else ", ").join(demo)))
        m.add_child(HtmlOverlay(_rtl(tr, flag), "bh-demo"))
    m.add_child(Attribution(attribution(tr.lang), direction=tr.direction if tr.rtl else None))
    return m


def start_picker(outline: shapely.Geometry | None, *, office: tuple[float, float], office_name: str,
                 asset_base: str = "/app/static/vendor", lang: str = "en") -> folium.Map:
    """A small map of the district to click the route's start on: the outline and the office.

    It does not show the chosen start: the map must stay the same after a click, or streamlit-folium draws it
    anew and sends its value again, racing the start it has just set.
    """
    m = _district_base(office, outline, asset_base)
    if outline is not None:
        minx, miny, maxx, maxy = outline.bounds
        m.add_child(FitOnShow([[miny, minx], [maxy, maxx]]))  # in a closed expander the map starts 0 px wide
    folium.CircleMarker(list(office), radius=6, color="#000", fill=True, fill_opacity=1,
                        tooltip=_rtl(translator(lang), esc(office_name))).add_to(m)
    return m


VISIT_TEMPLATE_COLUMNS = ("day", "order", "kiln_id", "visit_date", "inspector", "workers_count", "children_count",
                          "child_labour_observed", "bonded_labour_indicators", "advance_amount_pkr", "action_taken",
                          "notes")


def visit_template(plan: RoutePlan) -> pd.DataFrame:
    """The planned kilns as a visit sheet to fill in and load back with ``bhatta import FILE --layer inspections``.

    Headers are the inspections contract's names; the finding columns are blank. Fill ``visit_date`` for the
    kilns visited: a row without a date is rejected on import, with its row number, and nothing else is lost.
    """
    stops = plan.stops.sort_values(["day", "order"])
    sheet = pd.DataFrame({"day": stops["day"].to_numpy(), "order": stops["order"].to_numpy(),
                          "kiln_id": stops["kiln_id"].to_numpy()})
    for column in VISIT_TEMPLATE_COLUMNS[3:]:
        sheet[column] = ""
    return sheet
