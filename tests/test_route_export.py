"""GPX, KML and Google Maps links of a route: valid, round-trip, escaped, legs within the waypoint limit."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import gpxpy
import pytest

from layers.route_export import KML_NS, MOBILE_WAYPOINTS, Place, google_maps_links, route_gpx, route_kml

OFFICE = Place(31.1167, 74.4500, "DC office Kasur")
NASTY = '<script>alert("x")</script> & Sons'


def day(n: int, start: int = 0) -> list[Place]:
    kilns = [Place(31.0 + 0.01 * i, 74.3 + 0.01 * i, f"{i + 1}. BKP-{i}", "priority 50") for i in range(start, start + n)]
    return [OFFICE, *kilns, OFFICE]


def test_gpx_round_trips_waypoints_and_routes_in_order():
    days = [day(4), day(3, start=4)]
    days[0][1] = Place(31.0, 74.3, NASTY, NASTY)
    parsed = gpxpy.parse(route_gpx(days, title="Kasur, 2026-11-24", note="demo"))
    assert len(parsed.routes) == 2
    assert [p.name for p in parsed.routes[0].points] == [p.name for p in days[0]]
    assert [(round(p.latitude, 6), round(p.longitude, 6)) for p in parsed.routes[1].points] == \
        [(p.lat, p.lon) for p in days[1]]
    names = [w.name for w in parsed.waypoints]
    assert names.count("DC office Kasur") == 1 and len(names) == 1 + 4 + 3  # the office once
    assert NASTY in names  # escaped in the file, intact when read back


def test_kml_is_well_formed_with_escaped_names():
    text = route_kml([[OFFICE, Place(31.0, 74.3, NASTY), OFFICE]], title="Route <1>")
    root = ET.fromstring(text.encode())
    ns = {"k": KML_NS}
    assert root.find("k:Document/k:name", ns).text == "Route <1>"
    marks = root.findall(".//k:Placemark", ns)
    assert [m.find("k:name", ns).text for m in marks][:3] == ["DC office Kasur", NASTY, "DC office Kasur"]
    line = root.find(".//k:LineString/k:coordinates", ns).text.split()
    assert line[1] == "74.300000,31.000000"  # KML is lon,lat


@pytest.mark.parametrize("stops", [0, 1, 3, 4, 7, 12])
def test_google_links_cover_the_day_in_legs_a_phone_accepts(stops):
    places = day(stops)
    links = google_maps_links(places)
    visited = []
    for i, link in enumerate(links):
        q = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        legs = [q["origin"], *(q["waypoints"].split("|") if "waypoints" in q else []), q["destination"]]
        assert len(legs) - 2 <= MOBILE_WAYPOINTS and q["travelmode"] == "driving"
        visited += legs if i == 0 else legs[1:]  # each leg starts where the last ended
    assert visited == [f"{p.lat:.6f},{p.lon:.6f}" for p in places]
