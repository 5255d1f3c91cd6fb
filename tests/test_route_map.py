"""The route on a map and in take-along form: numbered stops, left-out kilns in one layer, no jQuery, escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.export import to_csv_bytes
from layers.route_map import (
    VISIT_TEMPLATE_COLUMNS,
    day_places,
    district_office,
    route_map,
    stop_rows,
    visit_template,
)
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


def test_the_visit_sheet_filled_in_loads_back_as_inspections(tmp_path):
    """Route sheet -> fill in two of the kilns visited -> `bhatta import` reads them; the unvisited row is named."""
    from loaders.geo import reference
    from loaders.validate import check_file

    ref = reference()
    real = ref.kilns[ref.kilns["district_pcode"] == "PK614"].head(3)
    kilns = pd.DataFrame({"kiln_id": real["kiln_id"].to_numpy(), "lat": real.geometry.y.to_numpy(),
                          "lon": real.geometry.x.to_numpy(), "priority": [30.0, 20.0, 10.0],
                          "district_pcode": "PK614", "tehsil_pcode": real["tehsil_pcode"].to_numpy(),
                          "last_visit_date": pd.NaT})
    plan = plan_routes(kilns, start=OFFICE, settings=RouteSettings(hours_per_day=10))
    assert len(plan.stops) == 3
    sheet = visit_template(plan)
    assert list(sheet.columns) == list(VISIT_TEMPLATE_COLUMNS) and sheet["visit_date"].eq("").all()
    sheet.loc[0, ["visit_date", "inspector", "children_count", "child_labour_observed"]] = \
        ["2026-11-20", "Labour inspector", "4", "yes"]
    sheet.loc[1, ["visit_date", "action_taken"]] = ["20/11/2026", "advice"]
    path = tmp_path / "visit-sheet.csv"
    path.write_bytes(to_csv_bytes(sheet, sources=["test"], synthetic=False))
    report = check_file(path, "inspections", ref=ref)
    assert report.accepted["kiln_id"].tolist() == sheet["kiln_id"].iloc[:2].tolist()
    assert report.accepted["children_count"].tolist()[0] == 4
    assert set(report.accepted["district_pcode"]) == {"PK614"}
    [problem] = report.rejected
    assert (problem.column, problem.reason) == ("visit_date", "required value missing (Visit date)")
    assert report.rows == 3


def test_routes_start_at_the_dvc_office_when_its_record_has_one():
    hq = pd.DataFrame({"ADM2_PCODE": ["PK614"], "hq_name": ["Kasur"], "lat": [31.1187], "lon": [74.4503]})
    dvcs = pd.DataFrame({"district_pcode": ["PK614", "PK614", "PK614"], "tehsil_pcode": [None, "PK61401", None],
                         "notified_date": pd.to_datetime(["2020-01-01", "2024-01-01", "2023-05-01"]),
                         "office_lat": [31.10, 31.30, 31.12], "office_lon": [74.40, 74.10, 74.44]})
    # the newest district-level record with coordinates (a tehsil committee's office is not the district's)
    assert district_office(dvcs, hq, "PK614") == ((31.12, 74.44), "DVC office (from the committee record)")
    without = dvcs.assign(office_lat=None, office_lon=None)
    assert district_office(without, hq, "PK614") == ((31.1187, 74.4503), "Kasur (district headquarters)")
    assert district_office(dvcs.drop(columns=["office_lat", "office_lon"]), hq, "PK614")[1] == \
        "Kasur (district headquarters)"
