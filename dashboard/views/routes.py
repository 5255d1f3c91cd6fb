"""Routes page: a day's inspection route from the district office within time and fuel, to take along."""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from dashboard.exports import download
from dashboard.flow import end_page, internal_only
from dashboard.i18n import tr
from dashboard.resources import get_gap_report, get_layers, get_reference, static_map_url
from dashboard.visit_form import show_flash, visit_form
from layers.export import to_csv_bytes
from layers.gaps import GapSettings
from layers.i18n import N_
from layers.mapview import attribution
from layers.osrm import OsrmError, osrm_matrix, osrm_url_from_env
from layers.route_export import google_maps_links, route_gpx, route_kml
from layers.route_map import (
    day_places,
    district_office,
    left_out_reasons,
    plan_area_by_road,
    plan_assumptions,
    route_map,
    start_picker,
    stop_reasons,
    stop_rows,
    visit_template,
)
from layers.route_sheet import route_sheet_pdf
from layers.routing import RouteSettings
from loaders.problems import render
from loaders.values import ValueProblem, parse_lat_lon

# The stops table's columns as an Urdu page names them (English pages keep the column names).
STOP_COLUMNS = {"day": N_("Day"), "order": N_("Stop"), "kiln_id": N_("Kiln"), "arrival": N_("Arrival"),
                "departure": N_("Departure"), "leg_km": N_("Km from the last stop"), "cum_km": N_("Km so far"),
                "priority": N_("Priority")}
LEFT_OUT_COLUMNS = {"kiln_id": N_("Kiln"), "priority": N_("Priority"), "reason": N_("Why it is left out")}


def _parse_start(text: str) -> tuple[float, float] | None:
    """``"lat, lon"`` within Pakistan's extent, or ``None``."""
    try:
        return parse_lat_lon(text)
    except ValueProblem:
        return None


ref = get_reference()
state = st.session_state["view"]
t = tr()
_ = t.gettext  # this run's language, also where Streamlit words options later (format_func)
lang = {"lang": state.lang, "urdu_digits": state.urdu_digits}  # of every text the layers write for this page
st.markdown(_("#### Inspection route"))
internal_only(state.profile, N_("Routes list kilns with their visits one by one"))
if not state.district:
    st.info(_("Choose a district in the sidebar: a route starts from its district office."))
    end_page()

names = dict(zip(ref.districts["ADM2_PCODE"], ref.districts["ADM2_EN"], strict=True))
district_name = t.place(state.district, names[state.district])
tehsils = ref.tehsils[ref.tehsils["ADM2_PCODE"] == state.district]
tehsil_names = {pcode: t.place(pcode, name) for pcode, name in zip(tehsils["ADM3_PCODE"], tehsils["ADM3_EN"], strict=True)}
office_point, office = district_office(get_layers()["dvcs"].frame, ref.district_hq, state.district, lang=state.lang)
outline = ref.districts.set_index("ADM2_PCODE").geometry.get(state.district)
report = get_gap_report(state.end, GapSettings())
gaps = report.kilns[report.kilns["district_pcode"] == state.district]
demo_layers = tuple(_(label) for label in report.synthetic)
if report.synthetic:
    st.warning(_("**DEMO DATA** — the priorities use {layers}, which are synthetic.").format(
        layers=("، " if t.rtl else ", ").join(demo_layers)), icon="⚠️")
show_flash()

start_key = f"route_start_{state.district}"  # typed, or set by a click on the picker map below
st.session_state.setdefault(start_key, f"{office_point[0]:.5f}, {office_point[1]:.5f}")
if clicked := st.session_state.pop("route_start_clicked", None):
    # set here, in the run that draws the input: a run that does not draw a widget drops its key's value
    st.session_state[start_key] = clicked
# outside the form: a value set from a map click must stick (a form keeps its own copy until submitted)
start_text = st.text_input(_("Start and end (lat, lon)"), key=start_key,
                           help=_("Default: {office}. The district's headquarters town (GeoNames) unless "
                                  "its DVC record gives the office's coordinates (office_lat, office_lon)").format(
                               office=office))
with st.expander(_("Pick the start on a map (default: {office})").format(office=office)):
    picked = st_folium(start_picker(outline, office=office_point, office_name=office, lang=state.lang),
                       key=f"route_picker_{state.district}", height=380, use_container_width=True,
                       returned_objects=["last_clicked"])
    click = (picked or {}).get("last_clicked")
    if click and st.session_state.get("route_last_click") != click:
        st.session_state["route_last_click"] = click
        st.session_state["route_start_clicked"] = f"{click['lat']:.5f}, {click['lng']:.5f}"
        st.rerun()
    st.caption(_("Click where the route starts and ends; the coordinates go into the box above."))

with st.form("route"):
    c1, c2, c3 = st.columns(3)
    tehsil = c1.selectbox(_("Area"), [None, *sorted(tehsil_names, key=tehsil_names.get)],
                          format_func=lambda code: _("All of {district}").format(district=district_name)
                          if code is None else _("{tehsil} tehsil").format(tehsil=tehsil_names[code]))
    days = c1.number_input(_("Days"), 1, 10, 1)
    hours = c2.number_input(_("Working hours per day"), 1.0, 14.0, 8.0, 0.5)
    visit_min = c2.number_input(_("Minutes per visit"), 5, 240, 45, 5)
    km = c3.number_input(_("Distance budget per day (km, 0 = none)"), 0.0, 1000.0, 120.0, 10.0,
                         help=_("Or give the fuel below: the budget is then litres × km per litre"))
    recent = c3.number_input(_("Skip kilns visited within (days)"), 0, 365, 30)
    litres = c1.number_input(_("Or fuel per day (litres, 0 = use km)"), 0.0, 200.0, 0.0, 1.0)
    per_litre = c2.number_input(_("Km per litre of the vehicle"), 2.0, 60.0, 12.0, 0.5,
                                help=_("About 12 for a car, 35 to 45 for a motorcycle"))
    ranked = gaps.sort_values("priority", ascending=False)
    options = ranked["kiln_id"].tolist()
    must = st.multiselect(_("Kilns that must be visited"), options, max_selections=20)
    skip = st.multiselect(_("Kilns to leave out today"), options)
    c4, c5 = st.columns(2)
    factor = c4.number_input(_("Road factor (road km ÷ straight km)"), 1.0, 3.0, 1.3, 0.05)
    speed = c5.number_input(_("Average speed (km/h)"), 5.0, 100.0, 35.0, 5.0)
    go = st.form_submit_button(_("Plan route"), type="primary")


def g(value: float) -> str:
    """A number as ``{:g}`` writes it, in the page's digits."""
    return t.digits(f"{value:g}")


start = _parse_start(start_text)
if start is None:
    st.error(_("Start must be 'latitude, longitude' in Pakistan, e.g. {lat}, {lon}; got {typed}.").format(
        lat=f"{office_point[0]:.4f}", lon=f"{office_point[1]:.4f}", typed=repr(start_text)))
    end_page()
if litres:
    km = round(litres * per_litre, 1)
    st.caption(_("Distance budget from the fuel: {litres} litres × {per_litre} km per litre = {km} km per day.").format(
        litres=g(litres), per_litre=g(per_litre), km=g(km)))
try:
    settings = RouteSettings(road_factor=factor, speed_kmh=speed, minutes_per_visit=float(visit_min),
                             hours_per_day=float(hours), km_budget=km or None, days=int(days),
                             skip_visited_within_days=int(recent) or None)
except ValueError as error:  # the form's limits keep to the rules: this is a last line of defence
    st.error(render(str(error), t))
    end_page()
# not the store's version: recording the visits of this route must not throw the route away
key = (state.district, tehsil, state.end, start, settings, tuple(must), tuple(skip))
try:  # road distances when the server's administrator configured an OSRM server (kiln locations go to it)
    road_url, road_problem = osrm_url_from_env(), None
except OsrmError as error:
    road_url, road_problem = None, str(error)  # a Message: shown in the page's language below
if go:
    with st.spinner(_("Choosing and ordering kilns…") + (" " + _("Asking the road server…") if road_url else "")):
        road = plan_area_by_road(gaps, road=osrm_matrix(road_url) if road_url else None, problem=road_problem,
                                 lang=state.lang, district=state.district, tehsil=tehsil, start=start, as_of=state.end,
                                 settings=settings, must_visit=must, skip=skip)
    st.session_state.update(route_plan=road, route_key=key)
road = st.session_state.get("route_plan") if st.session_state.get("route_key") == key else None
if road is None:
    st.caption(_("{n} detected kilns in {district}. Set the budget and press *Plan route*.").format(
        n=t.num(len(gaps)), district=district_name) + " "
               + (_("Distances and times come from the road server at {url}.").format(url=road_url) if road_url else
                  _("Distances are straight lines × the road factor, at the average speed (no road server is "
                    "configured: set BHATTA_OSRM_URL).")))
    end_page()

plan = road.plan
# the road server's notes and the plan's messages are Messages (English text): each in the page's language;
# why a configured server was not used is worded here too, its reason in the page's language
notes = ((_("Road server not used ({problem}): distances are the great-circle estimate.").format(
    problem=render(road.problem, t)),) if road.problem else road.notes)
for message in (*notes, *plan.messages):
    st.warning(render(message, t))
totals = plan.routes
c = st.columns(4)
c[0].metric(_("Kilns planned"), _("{planned} of {total}").format(planned=t.num(len(plan.stops)), total=t.num(len(gaps))))
c[1].metric(_("Priority covered"), t.num(plan.total_priority))
c[2].metric(_("Distance"), _("{km} km").format(km=t.digits(f"{totals['km'].sum():.0f}"))
            + (f" / {t.digits(f'{km * days:.0f}')}" if km else ""))
c[3].metric(_("Time"), _("{hours} h / {budget} h").format(hours=t.digits(f"{totals['minutes'].sum() / 60:.1f}"),
                                                          budget=g(hours * days)))
assumptions = plan_assumptions(plan, server=road.server, **lang)
st.caption(assumptions)
html = route_map(plan, office=office, outline=outline, demo=demo_layers, **lang).get_root().render()
st.iframe(static_map_url(html), height=520)

why = stop_reasons(plan, gaps, **lang)
table = plan.stops[["day", "order", "kiln_id", "arrival", "departure", "leg_km", "cum_km", "priority"]].round(1)
st.dataframe(table.assign(why=table["kiln_id"].map(why)), hide_index=True,
             column_config={"why": st.column_config.TextColumn(_("Why (points)"), width="large"),
                            **({column: _(label) for column, label in STOP_COLUMNS.items()} if t.rtl else {})})
st.markdown(_("**Left out, and why**"))
left_out = plan.dropped[["kiln_id", "priority", "reason"]].assign(reason=left_out_reasons(plan, **lang))
st.dataframe(left_out.sort_values("priority", ascending=False), hide_index=True, height=260,
             column_config={column: _(label) for column, label in LEFT_OUT_COLUMNS.items()} if t.rtl else None)

places = day_places(plan, office=office, **lang)
title = _("Inspection route, {district}, {date}").format(district=district_name,
                                                          date=t.date(state.end) if t.rtl else state.end.isoformat())
sources = [*report.sources, attribution(t.lang)]
c = st.columns(5)
download(c[0], _("GPX (OsmAnd, Organic Maps)"), route_gpx(places, title=title, note=assumptions, **lang),
         "route.gpx", "application/gpx+xml", key="route_gpx", what="route GPX")
download(c[1], _("KML (Google Earth)"), route_kml(places, title=title, note=assumptions, **lang), "route.kml",
         "application/vnd.google-earth.kml+xml", key="route_kml", what="route KML")
download(c[2], "CSV", to_csv_bytes(plan.stops, sources=sources, synthetic=bool(report.synthetic),
                                   notes=[assumptions]), "route.csv", "text/csv", key="route_csv", what="route CSV")
download(c[3], _("Route sheet (PDF)"), route_sheet_pdf(places, title=title, rows=stop_rows(plan, why, **lang),
                                                     outline=outline, demo=demo_layers, sources=sources,
                                                     assumptions=assumptions, **lang),
         "route-sheet.pdf", "application/pdf", key="route_pdf", what="route sheet PDF")
leg = _("leg {i}")
for number, day in enumerate(places, start=1):
    links = google_maps_links(day)
    if links:
        st.markdown(_("Day {number} in Google Maps: {legs}").format(
            number=t.num(number), legs=" · ".join(f"[{leg.format(i=t.num(i))}]({u})" for i, u in enumerate(links, 1))))
download(c[4], _("Visit sheet (CSV)"), to_csv_bytes(visit_template(plan), sources=sources, synthetic=False,
                                                   notes=[_("Fill visit_date and the findings of each kiln visited, "
                                                            "then: bhatta import FILE --layer inspections")]),
         "visit-sheet.csv", "text/csv", key="route_visit_sheet", what="visit sheet CSV",
         help=_("The planned kilns with blank findings: fill it in and load it on the Load data page (layer: "
                "inspection visits) or with `bhatta import`"))

st.markdown(_("**Record a visit at a planned kiln**"))
planned = plan.stops.sort_values(["day", "order"])
stop_label = {r.kiln_id: _("Day {day}, stop {stop}: {kiln}").format(day=t.num(r.day), stop=t.num(r.order), kiln=r.kiln_id)
              for r in planned.itertuples()}
kiln = st.selectbox(_("Kiln"), list(stop_label), format_func=stop_label.get, key="route_visit_kiln")
if kiln:
    visit_form(kiln, key="route_visit", today=date.today())
