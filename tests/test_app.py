"""The Streamlit app end to end (AppTest): pages, sidebar and URL, layer toggles, upload, escaping.

Each test gets its own SQLite store in ``tmp_path``. The boundaries (``get_reference``) stay cached across
tests: they are read-only and loading them is the slow part.

The folium map is an iframe AppTest cannot render, but the iframe element
(its ``src``, a file under dashboard/static/maps) holds the map document the page sends to the browser; the tests read the point-layer
payloads and the ``fitBounds`` call from it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from mapdata import per_point
from streamlit.testing.v1 import AppTest

import loaders.paths
from dashboard import resources
from dashboard.state import default_window
from layers.access import LOCAL_ADMIN
from layers.gaps import GapSettings
from layers.html import md
from layers.mapview import DETAIL_LIMIT
from layers.redact import profile_label
from loaders.store import Store
from loaders.validate import check_file

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
# page scripts as app.py names them (not in a ``pages`` folder: see test_deep_link_runs_the_shared_sidebar)
PAGE = {name: f"views/{name}.py" for name in ("map", "gaps", "routes", "visits", "data", "sources")}
TIMEOUT = 60

SYNTHETIC = ("inspections", "dvcs", "schools", "health", "ngo")
SCHOOLS_CSV = (
    "name,lat,lon\n"
    "Govt Boys High School Lahore,31.5204,74.3587\n"
    "Govt Girls Primary School Kasur,31.1167,74.45\n"
    "Govt High School Multan,30.1575,71.4753\n"
    "Nowhere school,0,0\n"
)
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Iterator[str]:
    """A fresh store for the test; the app's cached Store and layers are dropped before and after."""
    url = f"sqlite:///{tmp_path / 'bhatta.sqlite'}"
    monkeypatch.setenv("BHATTA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(loaders.paths, "VAR_DIR", tmp_path)
    monkeypatch.setattr(resources, "MAPS_DIR", tmp_path / "maps")  # built maps stay out of the repo
    resources.get_store.clear()
    resources._layers.clear()
    resources.map_url.clear()
    resources._gap_report.clear()
    yield url
    resources.get_store.clear()
    resources._layers.clear()
    resources.map_url.clear()


def run_app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(PAGE[page])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url(at: AppTest) -> dict[str, str]:
    """The query parameters the app wrote back."""
    return {key: at.query_params[key] for key in at.query_params}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> dict[str, str]:
    """``metric label -> the caption under it`` on the map page's panel."""
    items = list(at.columns[1].children.values())
    return {m.label: c.value for m, c in zip(items, items[1:], strict=False) if m.type == "metric"}


def toggles(at: AppTest) -> dict[str, tuple[str, bool]]:
    """``layer -> (label, on)`` of the sidebar's layer toggles."""
    return {t.key.removeprefix("w_layer_"): (t.label, t.value) for t in at.sidebar.get("toggle")}


def map_html(at: AppTest) -> str:
    """The map's HTML document: the iframe's src is a file the app wrote under dashboard/static/maps/."""
    found = [f.proto.src for f in at.get("iframe") if f.proto.src.startswith("/app/static/maps/")]
    assert len(found) == 1, "expected exactly one map"
    return (resources.MAPS_DIR / found[0].rsplit("/", 1)[1]).read_text(encoding="utf-8")


def clouds(at: AppTest) -> dict[str, dict]:
    """Point-layer payloads by layer name: the first inline (a JSON data block), the others in files beside
    the map document that it fetches."""
    html = map_html(at)
    blocks = re.findall(r'<script type="application/json" id="bh-data-\w+">(.*?)</script>', html, re.S)
    files = re.findall(r'id="bh-src-\w+" href="\./(\w+\.json)"', html)
    blocks += [(resources.MAPS_DIR / f).read_text(encoding="utf-8") for f in files]
    return {payload["name"]: payload for payload in map(json.loads, blocks)}


def fit_bounds(at: AppTest) -> list[list[float]]:
    """The bounds the map opens on when it cannot read the page URL (its ``initial`` area)."""
    areas = json.loads(re.search(r'id="bh-areas">(.*?)</script>', map_html(at), re.S)[1])
    return areas["bounds"][areas["initial"]]


def demo_warning(at: AppTest) -> str | None:
    found = [w.value for w in at.warning if w.value.startswith("**DEMO DATA**")]
    assert len(found) <= 1
    return found[0] if found else None


def store_schools(url: str, tmp_path: Path, text: str) -> None:
    """Validate and store a schools CSV the way the Load data page does (the same two calls)."""
    path = tmp_path / "schools.csv"
    path.write_text(text, encoding="utf-8")
    report = check_file(path, "schools", display_name="schools.csv", ref=resources.get_reference())
    assert len(report.accepted) == text.count("\n") - 1, report.as_dict()
    Store(url).add_import(report, source=path)


# 1. every page runs


@pytest.mark.parametrize("page", ["map", "data", "sources", "routes", "visits"])
def test_every_page_runs_with_the_shared_sidebar(db, page):
    """Routes and Visits stop early without a district (st.stop): the sidebar must still be drawn to choose one."""
    at = run_app(page)
    assert set(toggles(at)) == {"kilns", *SYNTHETIC}
    assert at.sidebar.selectbox(key="w_district").value == "__all__"
    if page == "map":
        assert metrics(at)["Kilns detected"] == "9,890"
        assert set(clouds(at)) == {"kilns", "inspections", "schools", "health", "ngo"}
        assert len(clouds(at)["kilns"]["lat"]) == 9890
    elif page in ("routes", "visits"):
        assert any("Choose a district in the sidebar" in i.value for i in at.info)
    elif page == "data":
        assert at.selectbox(key="upload_layer").value == "kilns"
        assert [f.label for f in at.file_uploader] == ["File"]
        assert not at.get("iframe")  # no map on this page
    else:
        text = "\n".join(m.value for m in at.markdown)
        assert "Sources and attribution" in text and "Hamdani" in text
        assert "**Schools** (30,524 records, demo)" in text


def test_deep_link_runs_the_shared_sidebar(db):
    """A link straight to a page, as the first request a server process gets, still runs app.py first.

    AppTest starts each run like a fresh server process. With the page scripts in a folder named
    ``pages`` next to app.py, Streamlit took it for an old-style multipage app until the first
    ``st.navigation`` call and ran ``pages/map.py`` alone: no sidebar, ``KeyError: 'view'``.
    """
    at = run_app("map", district="PK614")
    assert metrics(at)["Kilns detected"] == "636"
    assert len(toggles(at)) == 6
    at = run_app("sources")
    assert len(toggles(at)) == 6


# 2. toggling layers


def test_toggling_layers_changes_the_map_and_the_demo_warning(db):
    at = run_app()
    assert "Schools" in demo_warning(at)
    assert "DEMO DATA on this map" in map_html(at)
    everywhere = fit_bounds(at)

    at.sidebar.toggle(key="w_layer_schools").set_value(False)
    rerun(at)
    assert set(clouds(at)) == {"kilns", "inspections", "health", "ngo"}
    assert "Schools" not in demo_warning(at) and "Health units" in demo_warning(at)
    assert url(at) == {"layers": "kilns,inspections,dvcs,health,ngo"}
    assert toggles(at)["schools"] == ("Schools (30,524) · demo data", False)
    assert metrics(at)["Schools"] == "30,524"  # the panel counts every layer, shown or not
    assert fit_bounds(at) == everywhere

    for layer in SYNTHETIC:
        at.sidebar.toggle(key=f"w_layer_{layer}").set_value(False)
    rerun(at)
    assert set(clouds(at)) == {"kilns"}
    assert demo_warning(at) is None
    script = map_html(at)
    assert "DEMO DATA on this map" not in script
    assert "District fill: DVC status" not in script
    assert url(at) == {"layers": "kilns"}

    at.sidebar.toggle(key="w_layer_kilns").set_value(False)
    at.sidebar.toggle(key="w_layer_dvcs").set_value(True)
    rerun(at)
    assert clouds(at) == {}
    assert "District Vigilance Committees" in demo_warning(at)
    assert "District fill: DVC status" in map_html(at)
    assert url(at) == {"layers": "dvcs"}


# 3. choosing a district


def test_choosing_a_district_changes_the_panel_the_map_and_the_url(db):
    at = run_app()
    assert "Districts with an active DVC" in metrics(at)
    before = map_html(at)

    at.sidebar.selectbox(key="w_district").set_value("PK614")
    rerun(at)
    figures = metrics(at)
    assert figures["Kilns detected"] == "636"
    assert "DVC" in figures and "Districts with an active DVC" not in figures
    assert figures["Population 2023"] != "183,385,069"
    assert at.markdown[0].value.startswith("#### Kasur · ")
    assert "**Kasur**" in [m.value for m in at.markdown]
    assert url(at) == {"district": "PK614"}
    # the map is not rebuilt: it reads district=PK614 from the URL and zooms itself (tests/e2e sees it zoom)
    assert map_html(at) == before
    areas = json.loads(re.search(r'id="bh-areas">(.*?)</script>', before, re.S)[1])
    (s, w), (n, e) = areas["bounds"]["PK614"]  # Kasur, about 31°N 74°E
    assert s < 31.2 < n and w < 74.4 < e and n - s < 1.5 and e - w < 1.5

    at.sidebar.selectbox(key="w_district").set_value("__all__")
    at.sidebar.selectbox(key="w_province").set_value("PK7")
    rerun(at)
    options = at.sidebar.selectbox(key="w_district").options
    assert len(options) > 10 and all(o.endswith(")") and "(PK7" in o for o in options[1:])
    assert url(at) == {"province": "PK7"}
    assert at.markdown[0].value.startswith("#### Sindh · ")


# 4. the URL restores the view; bad URLs fall back with a notice


def test_a_shared_link_restores_the_view(db):
    at = run_app(district="PK614", layers="kilns,schools")
    assert {name: on for name, (_, on) in toggles(at).items()} == {
        "kilns": True, "inspections": False, "dvcs": False, "schools": True, "health": False, "ngo": False,
    }
    assert at.sidebar.selectbox(key="w_district").value == "PK614"
    assert at.sidebar.selectbox(key="w_province").value == "PK6"
    assert metrics(at)["Kilns detected"] == "636"
    assert set(clouds(at)) == {"kilns", "schools"}
    assert "Schools" in demo_warning(at)
    assert "Inspection visits" not in demo_warning(at)
    assert not [w for w in at.warning if "link" in w.value]
    assert url(at) == {"district": "PK614", "layers": "kilns,schools"}


def test_an_invalid_link_warns_and_falls_back_to_the_defaults(db):
    at = run_app(district="PK999", start="2025-02-30")
    notices = [w.value for w in at.warning if "in the link" in w.value]
    assert any("Unknown district 'PK999'" in n for n in notices), notices
    assert any("Invalid start date '2025-02-30'" in n for n in notices), notices
    assert at.sidebar.selectbox(key="w_district").value == "__all__"
    assert at.sidebar.date_input(key="w_window").value == default_window(date.today())
    assert all(on for _, on in toggles(at).values())
    assert metrics(at)["Kilns detected"] == "9,890"
    assert url(at) == {}


# 5. the upload flow


def test_uploading_a_file_stores_it_and_the_map_uses_it(db, tmp_path):
    at = run_app("data")
    assert toggles(at)["schools"][0] == "Schools (30,524) · demo data"
    at.selectbox(key="upload_layer").set_value("schools")
    rerun(at)
    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS_CSV, encoding="utf-8")
    at.file_uploader(key="upload_schools").set_value(("schools.csv", path.read_bytes(), "text/csv"))
    rerun(at)
    assert {k: metrics(at)[k] for k in ("Rows", "Accepted", "Rejected rows")} == {
        "Rows": "4", "Accepted": "3", "Rejected rows": "1"}
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejected["row"].tolist() == [5]  # line 5 of the file (header is line 1)
    assert Store(db).counts() == {}  # nothing stored before the button

    at.button(key="store_button").click()
    rerun(at)
    assert any("Stored 3 schools records from schools.csv" in s.value for s in at.success)
    assert Store(db).counts() == {"schools": 3}
    assert toggles(at)["schools"] == ("Schools (3)", True)
    # the same file is still uploaded: no second Store button, so one click cannot store it twice
    assert not [b for b in at.button if b.key == "store_button"]
    assert any("already stored as import #1" in i.value for i in at.info)
    history = next(d.value for d in at.dataframe if "file_name" in d.value.columns)
    assert history[["layer", "file_name", "accepted", "rejected"]].values.tolist() == [["schools", "schools.csv", 3, 1]]

    at.switch_page(PAGE["map"])
    rerun(at)
    assert metrics(at)["Schools"] == "3"
    assert md("imported: schools.csv") in captions(at)["Schools"] and "demo data" not in captions(at)["Schools"]
    assert "demo data" in captions(at)["Health units"]
    assert "Schools" not in demo_warning(at)
    schools = clouds(at)["schools"]
    lat, lon = itertools.accumulate(schools["lat"]), itertools.accumulate(schools["lon"])  # delta-coded
    assert sorted(zip(lat, lon, strict=True)) == [
        (3015750, 7147530), (3111670, 7445000), (3152040, 7435870)]
    assert "Govt Girls Primary School Kasur" in per_point(schools, "Name")

    at.sidebar.selectbox(key="w_district").set_value("PK614")
    rerun(at)
    assert metrics(at)["Schools"] == "1"  # only the Kasur school


# 6. a script in a name is shown as text


def test_a_script_in_a_school_name_is_escaped_on_the_map(db, tmp_path):
    store_schools(db, tmp_path, f"name,lat,lon\n{PAYLOAD},31.5204,74.3587\nOrdinary school,31.1167,74.45\n")
    at = run_app()
    assert metrics(at)["Schools"] == "2"
    names = per_point(clouds(at)["schools"], "Name")
    assert len(names) <= DETAIL_LIMIT and "&lt;script&gt;alert(1)&lt;/script&gt;" in names
    assert PAYLOAD not in map_html(at) and "<script>alert" not in map_html(at)

    at.switch_page(PAGE["data"])
    rerun(at)
    at.switch_page(PAGE["sources"])
    rerun(at)
    assert md("imported: schools.csv") in "\n".join(m.value for m in at.markdown)


# 7. no detected kilns is not zero kilns


def test_a_district_without_detected_kilns_says_not_detected(db):
    at = run_app(district="PK702")
    figures = metrics(at)
    assert figures["Kilns detected"] == "not detected"
    assert "none detected is not zero kilns" in captions(at)["Kilns detected"]
    assert "% of detected kilns" not in captions(at)["Kilns visited in the last 12 months"]
    assert at.markdown[0].value.startswith("#### Central Karachi · ")


def test_gaps_page_ranks_kilns_with_their_reasons_and_flags_demo_data(db):
    at = run_app("gaps", district="PK614")
    figures = metrics(at)
    kilns = int(figures["Kilns detected"].replace(",", ""))
    statuses = sum(int(figures[k].replace(",", "")) for k in ("Never visited", "Overdue", "Due within 30 days",
                                                             "Recently visited"))
    assert kilns == statuses > 0  # every detected kiln in Kasur has exactly one visit status
    assert at.warning[0].value.startswith("**DEMO DATA**") and "Inspection visits" in at.warning[0].value
    table = at.dataframe[0].value
    assert set(table["District"]) == {"Kasur"}
    assert table["Priority"].is_monotonic_decreasing and table["Rank"].tolist() == list(range(1, len(table) + 1))
    top = table.iloc[0]["Why this kiln"]
    assert "(+" in top and "uses" not in top.lower()  # parts with their points; never "the kiln uses ..."
    assert all("Recorded at a visit on" in line for line in top.splitlines() if line.startswith("Recorded"))


def test_gaps_page_weights_change_the_ranking(db):
    at = run_app("gaps", district="PK614")
    before = at.dataframe[0].value["Kiln"].tolist()[:20]
    at.number_input(key="g_w_prior_finding").set_value(0.0)
    at.number_input(key="g_w_time_since_visit").set_value(100.0)
    rerun(at)
    after = at.dataframe[0].value
    assert after["Kiln"].tolist()[:20] != before
    # a finding weighs nothing now, so no reason cites one; time since the visit (100 points) leads
    assert not after["Why this kiln"].str.contains(r"(?:observed|indicators) \(\+", regex=True).any()
    assert after["Priority"].iloc[0] >= 100


def test_gaps_page_area_table_marks_no_data_and_hides_small_counts(db):
    at = run_app("gaps")
    at.radio(key="g_level").set_value("district")
    rerun(at)
    table = at.dataframe[1].value
    karachi = table[table["name"] == "South Karachi"].iloc[0]  # no kilns detected there
    assert karachi["underserved_index"] == "no data" and karachi["no_data_reason"] == "no kilns detected"
    assert karachi["kilns"] == "0"
    small = table[table["visits_12m"].str.startswith("<")]
    assert (small["visits_12m"] == "< 5").all()


def test_routes_page_asks_for_a_district_then_plans_within_budget(db):
    at = run_app("routes")
    assert any("Choose a district" in i.value for i in at.info)
    at = run_app("routes", district="PK614")
    at.button[0].click()
    rerun(at)
    figures = metrics(at)
    planned, total = figures["Kilns planned"].split(" of ")
    assert int(planned) > 0 and total == "636"
    km, budget = (float(x.split()[0]) for x in figures["Distance"].replace(" km", "").split(" / "))
    assert km <= budget == 120
    assert at.warning[0].value.startswith("**DEMO DATA**")
    left_out = at.dataframe[1].value
    assert len(left_out) + int(planned) == 636 and left_out["reason"].str.len().gt(0).all()
    assert [d.label for d in at.get("download_button")] == ["GPX (OsmAnd, Organic Maps)", "KML (Google Earth)", "CSV",
                                                             "Route sheet (PDF)", "Visit sheet (CSV)"]
    # a visit recorded at a planned kiln is stored, and the plan stays on the page
    first = at.dataframe[0].value["kiln_id"].iloc[0]
    assert at.selectbox(key="route_visit_kiln").value == first
    at.text_input[1].set_value("DVC member")
    at.button[-1].click()
    rerun(at)
    assert "saved" in at.success[0].value
    assert Store(db).recorded_visits()["kiln_id"].tolist() == [first]
    assert metrics(at)["Kilns planned"].endswith(" of 636")


def test_routes_page_plans_one_tehsil_from_a_typed_start(db):
    at = run_app("routes", district="PK614")
    area = at.selectbox[0]
    assert area.value is None and area.options[0] == "All of Kasur" and len(area.options) == 5  # and its 4 tehsils
    area.set_value("PK61404")  # Pattoki
    at.text_input[0].set_value("31.0200, 73.8500")
    at.button[0].click()
    rerun(at)
    assert not at.error, [e.value for e in at.error]
    gaps = resources.get_gap_report(default_window(date.today())[1], GapSettings(), LOCAL_ADMIN).kilns.set_index("kiln_id")
    stops = at.dataframe[0].value
    assert len(stops) > 0 and set(gaps.loc[stops["kiln_id"], "tehsil_pcode"]) == {"PK61404"}
    left_out = at.dataframe[1].value
    outside = left_out[left_out["reason"].str.contains("outside the chosen area")]
    assert len(outside) == (gaps.loc[gaps["district_pcode"].eq("PK614")]["tehsil_pcode"] != "PK61404").sum()
    at.text_input[0].set_value("31.02, 173.85")
    at.button[0].click()
    rerun(at)
    assert "Start must be 'latitude, longitude' in Pakistan" in at.error[0].value


def test_routes_page_uses_the_configured_road_server_and_falls_back_when_it_fails(db, monkeypatch):
    from osrm_fake import FakeOsrm, free_port

    with FakeOsrm() as server:
        monkeypatch.setenv("BHATTA_OSRM_URL", server.url)
        at = run_app("routes", district="PK614")
        assert any(f"road server at {server.url}" in c.value for c in at.caption)
        at.button[0].click()
        rerun(at)
        assert server.requests, "the page did not ask the road server"
        assert any(c.value.startswith(f"distance and time by road from the OSRM server at {server.url}")
                   for c in at.caption)
    monkeypatch.setenv("BHATTA_OSRM_URL", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    at = run_app("routes", district="PK614")
    at.button[0].click()
    rerun(at)
    assert any(w.value.startswith("Road server not used (") for w in at.warning)
    assert int(metrics(at)["Kilns planned"].split(" of ")[0]) > 0  # planned all the same, by straight lines


def test_routes_page_turns_fuel_into_the_distance_budget(db):
    at = run_app("routes", district="PK614")
    fuel = next(n for n in at.number_input if n.label.startswith("Or fuel per day"))
    per_litre = next(n for n in at.number_input if n.label.startswith("Km per litre"))
    fuel.set_value(5.0)
    per_litre.set_value(10.0)
    at.button[0].click()
    rerun(at)
    assert any("5 litres × 10 km per litre = 50 km per day" in c.value for c in at.caption)
    km, budget = (float(x.split()[0]) for x in metrics(at)["Distance"].replace(" km", "").split(" / "))
    assert budget == 50 and km <= 50


def test_a_public_link_shows_no_visit_anywhere_and_cannot_be_widened(db):
    at = run_app("map", district="PK614", profile="public")
    assert url(at) == {"district": "PK614", "profile": "public"}
    payloads = clouds(at)
    assert len(payloads.get("inspections", {"lat": []})["lat"]) == 0  # no individual visit on the map
    labels = [f["label"] for f in payloads["kilns"]["fields"]]
    assert not {"Last visit in window", "Visit status", "Priority", "Why (points)"} & set(labels), labels
    assert "link" not in payloads["kilns"]  # no "Record a visit"
    visited = metrics(at)["Kilns visited in the last 12 months"]
    assert visited == "< 5" or int(visited.replace(",", "")) >= 5
    assert at.sidebar.selectbox(key="w_profile").options == [profile_label("public")]
    for page in ("visits", "routes"):
        at = run_app(page, district="PK614", profile="public")
        assert any("internal profile only" in i.value for i in at.info)
    at = run_app("map", profile="official")
    assert len(clouds(at)["inspections"]["lat"]) > 1000
    assert at.sidebar.selectbox(key="w_profile").options == [profile_label(p) for p in ("official", "public")]


def test_a_mistyped_profile_falls_back_to_public_with_a_notice(db):
    at = run_app("map", profile="everything")
    assert any("Unknown sharing profile 'everything'" in w.value for w in at.warning)
    assert url(at) == {"profile": "public"}


def test_map_page_prepares_a_snapshot_of_the_view_with_its_profile(db):
    at = run_app("map", district="PK614", profile="official")
    assert not at.get("download_button")
    next(b for b in at.button if b.label.startswith("Prepare snapshot")).click()
    rerun(at)
    downloads = at.get("download_button")
    assert [d.label for d in downloads] == ["Download PNG", "Download PDF", "Download HTML map (opens offline)"]


def test_copy_link_restores_the_view_with_its_dates_and_profile(db):
    at = run_app("gaps", district="PK614", profile="official", layers="kilns,dvcs", start="2025-01-01")
    link = at.sidebar.code[0].value
    assert link.startswith("?")  # AppTest has no browser URL: the app's address is prepended in a browser
    params = dict(parse_qsl(link[1:]))
    assert params == {"district": "PK614", "layers": "kilns,dvcs", "start": "2025-01-01",
                      "end": date.today().isoformat(), "profile": "official"}
    again = run_app("gaps", **params)
    assert url(again) == {k: v for k, v in params.items() if k != "end"}  # end is today's default
    assert again.sidebar.selectbox(key="w_profile").options == [profile_label(p) for p in ("official", "public")]


def test_a_column_marked_shareable_reaches_the_official_profile_and_no_other(db, tmp_path):
    store_schools(db, tmp_path, "name,lat,lon,Girls enrolled,Owner phone\n"
                                "Kiln school 7,31.1167,74.4500,41,03001234567\n")
    assert "Girls enrolled" not in resources.get_shared_layers("official", LOCAL_ADMIN)["schools"].frame
    at = run_app("data")
    share = at.multiselect(key="share_schools")
    assert share.options == ["Girls enrolled", "Owner phone"] and share.value == []
    share.set_value(["Girls enrolled"])
    next(b for b in at.button if b.label == "Save what is shared").click()
    rerun(at)
    assert any("Say who marks the columns" in e.value for e in at.error)  # who marks it is required
    at.text_input(key="share_by").input("programme manager")
    next(b for b in at.button if b.label == "Save what is shared").click()
    rerun(at)
    assert any("Girls enrolled shared" in s.value for s in at.success)
    official = resources.get_shared_layers("official", LOCAL_ADMIN)["schools"].frame
    assert "Girls enrolled" in official and "Owner phone" not in official
    official_session = run_app("data", profile="official")
    assert any("in the internal profile, can change what is shared" in i.value for i in official_session.info)
    assert not [m for m in official_session.multiselect if m.key == "share_schools"]


def test_map_page_prepares_the_district_brief(db):
    at = run_app("map", district="PK614", profile="public")
    next(b for b in at.button if b.label.startswith("Prepare the Kasur brief")).click()
    rerun(at)
    assert "Download brief (PDF)" in [d.label for d in at.get("download_button")]
    assert at.session_state["brief"][1][:5] == b"%PDF-"
    assert not [b for b in run_app("map").button if "brief" in b.label]  # a brief is of one district
