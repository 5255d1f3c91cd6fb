"""The route on a map and in take-along form: numbered stops, left-out kilns in one layer, no jQuery, escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.route_map import day_places, route_map, stop_rows
from layers.routing import RouteSettings, plan_routes

OFFICE = (31.1167, 74.45)


@pytest.fixture(scope="module")
def plan():
    kilns = pd.DataFrame({
        "kiln_id": ["<img src=x onerror=alert(1)>", "K2", "K3", "FAR"],
        "lat": [31.13, 31.15, 31.10, 32.5], "lon": [74.47, 74.40, 74.43, 74.4],
        "priority": [50.0, 40.0, 30.0, 90.0], "district_pcode": "PK614", "tehsil_pcode": "PK61401",
        "last_visit_date": pd.NaT,
    })
    return plan_routes(kilns, start=OFFICE, settings=RouteSettings(km_budget=60, hours_per_day=8))


def test_places_start_and_end_at_the_office_with_stops_in_order(plan):
    days = day_places(plan, office="DC office")
    assert len(days) == 1 and days[0][0].name == days[0][-1].name == "DC office"
    assert [p.name.split(". ", 1)[1] for p in days[0][1:-1]] == plan.stops.sort_values("order")["kiln_id"].tolist()
    rows = stop_rows(plan, pd.Series({"K2": "Never visited +30"}))
    assert [r["order"] for r in rows[0]] == sorted(r["order"] for r in rows[0])
    assert next(r for r in rows[0] if r["kiln"] == "K2")["why"] == "Never visited +30"


def test_route_map_is_offline_escaped_and_light(plan):
    html = route_map(plan, office="DC <office>", demo=("Inspection visits",)).get_root().render()
    assert "$(" not in html  # folium popups need jQuery, which the offline map does not load
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "DC &lt;office&gt;" in html and "DEMO DATA behind the priorities: Inspection visits" in html
    assert html.count("L.marker(") == len(plan.stops) + 1  # numbered stops and the office
    assert "FAR" in plan.dropped["kiln_id"].tolist() and html.count("L.circleMarker(") == 0  # one GeoJSON layer
