"""Gaps, Routes and Visits in Urdu: the pages, the visit form's errors, the route map, files and figures.

English stays as it was (the default of every function); Urdu reaches the page and the files; uploaded Urdu
text (kiln ids, notes) passes through unchanged, in NFC, in both languages.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date

import gpxpy
import pandas as pd
import pytest
from test_app import db, map_html, metrics, rerun, run_app  # noqa: F401 (db is a fixture)

from bhatta.catalogues import extract, problems
from layers.catalog import load_layers
from layers.i18n import translator
from layers.route_export import KML_NS, route_gpx, route_kml
from layers.route_map import (
    REASON_TEXTS,
    day_places,
    district_office,
    left_out_reasons,
    plan_area_by_road,
    plan_assumptions,
    route_map,
    stop_rows,
)
from layers.routing import REASONS, RouteSettings, plan_routes
from layers.summary import Window, area_figures
from loaders.store import Store

MINE = ("dashboard/views/gaps.py", "dashboard/views/routes.py", "dashboard/views/visits.py", "dashboard/visit_form.py",
        "layers/route_map.py", "layers/route_export.py", "layers/summary.py")
OFFICE = (31.1167, 74.45)
URDU_KILN = "بھٹہ نمبر ۱۲ (قصور)"
"""A kiln id as an Urdu upload might carry it (NFC: ہ, no decomposed hamza)."""
URDU_NOTE = "بھٹے پر چھ بچے اینٹیں بنا رہے تھے۔ مالک نے پیشگی کا ذکر کیا۔"
ARABIC = re.compile("[\u0600-\u06ff]")


def urdu(text: str) -> bool:
    return bool(ARABIC.search(text))


@pytest.fixture(scope="module")
def plan():
    kilns = pd.DataFrame({
        "kiln_id": [URDU_KILN, "K2", "K3", "FAR"],
        "lat": [31.13, 31.15, 31.10, 32.5], "lon": [74.47, 74.40, 74.43, 74.4],
        "priority": [50.0, 40.0, 30.0, 90.0], "district_pcode": "PK614", "tehsil_pcode": "PK61401",
        "last_visit_date": pd.NaT,
    })
    return plan_routes(kilns, start=OFFICE, settings=RouteSettings(km_budget=60, hours_per_day=8,
                                                                   skip_visited_within_days=30))


def test_every_message_of_these_pages_has_english_and_urdu():
    found = {m: p for m, p in extract().items() if any(f in MINE for f, _line in p)}
    assert len(found) > 200
    assert problems(found) == []


def test_the_left_out_reasons_marked_here_are_routings_own():
    """route_map.REASON_TEXTS repeats layers.routing.REASONS to mark them: the same English, every code."""
    assert REASON_TEXTS == dict(REASONS)


# 1. the layers' functions: English by default, Urdu with lang="ur"


def test_route_files_name_the_days_in_the_language(plan):
    days = day_places(plan, office="DC office") * 2  # two days: the GPX names each route by its day
    english = gpxpy.parse(route_gpx(days, title="Route"))
    assert [r.name for r in english.routes] == ["Route: day 1", "Route: day 2"]
    places = day_places(plan, office="DC office", lang="ur", urdu_digits=True)
    ur = gpxpy.parse(route_gpx(places * 2, title="راستہ", lang="ur", urdu_digits=True))
    assert [r.name for r in ur.routes] == ["راستہ: دن ۱", "راستہ: دن ۲"]
    assert ur.routes[0].points[1].description.startswith("آمد ۰")  # "arrive 09:..", in Urdu digits
    kml = ET.fromstring(route_kml(places, title="راستہ", lang="ur").encode())
    ns = {"k": KML_NS}
    assert kml.find("k:Document/k:Folder/k:name", ns).text == "دن 1"
    assert "دن 1 کا راستہ" in [m.find("k:name", ns).text for m in kml.findall(".//k:Placemark", ns)]
    assert ET.fromstring(route_kml(days[:1], title="Route").encode()).find("k:Document/k:Folder/k:name", ns).text \
        == "Day 1"


def test_places_and_rows_in_urdu_keep_the_kiln_ids(plan):
    english = day_places(plan, office="DC office")
    ur = day_places(plan, office="DC office", lang="ur", urdu_digits=True)
    assert [p.name.split(". ", 1)[1] for p in english[0][1:-1]] == [p.name.split(". ", 1)[1] for p in ur[0][1:-1]]
    assert english[0][1].note.startswith("arrive ") and ", priority " in english[0][1].note
    assert ur[0][1].note.startswith("آمد ") and "ترجیح" in ur[0][1].note
    assert stop_rows(plan)[0][0]["leg_km"] == f"{plan.stops['leg_km'].iloc[0]:.1f}"
    row = stop_rows(plan, lang="ur", urdu_digits=True)[0][0]
    assert not re.search("[0-9]", row["leg_km"] + row["arrival"] + row["priority"])  # Urdu digits only


def test_assumptions_and_reasons_in_urdu_english_unchanged(plan):
    assert plan_assumptions(plan) == plan.assumptions
    text = plan_assumptions(plan, lang="ur")
    assert urdu(text) and "فی دورہ 45 منٹ" in text and "60 کلومیٹر" in text and "30 دن کے اندر" in text
    assert "km/h" not in text.replace("کلومیٹر فی گھنٹہ", "")
    road = plan_assumptions(plan, server="http://osrm.local (driving)", lang="ur")
    assert road.startswith("فاصلہ اور وقت سڑک کے ذریعے، http://osrm.local (driving) پر OSRM سرور سے")
    assert left_out_reasons(plan).tolist() == plan.dropped["reason"].tolist()
    ur = left_out_reasons(plan, lang="ur")
    assert len(ur) == len(plan.dropped) and all(urdu(r) for r in ur)
    far = plan.dropped.index[plan.dropped["kiln_id"] == "FAR"][0]
    assert plan.dropped.at[far, "reason"] == REASONS[plan.dropped.at[far, "code"]]
    assert ur[far] == translator("ur")(REASONS[plan.dropped.at[far, "code"]])


def test_the_road_server_note_and_the_office_in_urdu():
    gaps = pd.DataFrame({"kiln_id": ["K1"], "lat": [31.13], "lon": [74.47], "priority": [10.0],
                         "district_pcode": "PK614", "tehsil_pcode": "PK61401", "last_visit_date": pd.NaT})
    area = {"district": "PK614", "start": OFFICE, "as_of": date(2026, 11, 20), "settings": RouteSettings()}
    assert plan_area_by_road(gaps, road=None, problem="refused", **area).notes[0].startswith("Road server not used (")
    assert plan_area_by_road(gaps, road=None, problem="refused", lang="ur", **area).notes[0].startswith(
        "سڑکوں کا سرور استعمال نہیں ہوا (refused)")
    hq = pd.DataFrame({"ADM2_PCODE": ["PK614"], "hq_name": ["Kasur"], "lat": [31.1187], "lon": [74.4503]})
    dvcs = pd.DataFrame({"district_pcode": ["PK614"], "tehsil_pcode": [None], "office_lat": [31.12],
                         "office_lon": [74.44]})
    assert district_office(dvcs, hq, "PK614")[1] == "DVC office (from the committee record)"
    assert district_office(dvcs, hq, "PK614", lang="ur")[1] == "ڈی وی سی کا دفتر (کمیٹی کے ریکارڈ سے)"
    assert district_office(dvcs.iloc[0:0], hq, "PK614", lang="ur")[1] == "Kasur (ضلعی صدر مقام)"


def test_route_map_in_urdu_reads_right_to_left_in_its_boxes(plan):
    english = route_map(plan, office="DC office", demo=("Inspection visits",)).get_root().render()
    assert 'dir="rtl"' not in english and "Day 1" in english and '"Left out", "Why"' in english
    html = route_map(plan, office="ڈی سی دفتر", demo=("معائنہ دورے",), lang="ur").get_root().render()
    # the legend, as the overlay's JSON holds it: a right-to-left box titled "راستہ"
    assert r'\u003cdetails open dir=\"rtl\"\u003e\u003csummary\u003eراستہ\u003c/summary\u003e' in html
    assert "دن 1" in html and "چھوڑے گئے (جدول دیکھیں)" in html
    assert "ترجیحات کی بنیاد نمونہ ڈیٹا ہے: معائنہ دورے" in html
    assert '<div dir="rtl"><b>' in html  # each stop's tooltip is a right-to-left box
    assert "Day 1" not in html and "left out (see the table)" not in html
    assert "L.map(" in html  # the map itself keeps Leaflet's left-to-right geometry (no dir on the map)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_an_urdu_kiln_id_passes_through_unchanged(plan, lang):
    assert unicodedata.is_normalized("NFC", URDU_KILN)
    html = route_map(plan, office="DC office", lang=lang).get_root().render()
    assert URDU_KILN in html  # in its stop's tooltip, as uploaded
    days = day_places(plan, office="DC office", lang=lang)
    assert any(p.name.endswith(URDU_KILN) for p in days[0])
    assert URDU_KILN in [w.name.split(". ", 1)[1] for w in gpxpy.parse(route_gpx(days, title="t", lang=lang)).waypoints
                         if ". " in w.name]
    kml = ET.fromstring(route_kml(days, title="t", lang=lang).encode())
    assert any(URDU_KILN in (m.text or "") for m in kml.iter(f"{{{KML_NS}}}name"))
    assert URDU_KILN in [r["kiln"] for r in stop_rows(plan, lang=lang)[0]]


def test_area_figures_in_urdu(ref):
    layers = load_layers(None, ref=ref)
    window = Window(date(2025, 11, 1), date(2026, 11, 1))
    english = area_figures(layers, ref, window=window, district="PK614")
    assert [f.label for f in english] == ["Population 2023", "Kilns detected", "Kilns visited in the last 12 months",
                                          "DVC", "Schools", "Health units", "NGO services"]
    assert "2025-11-01 to 2026-11-01" in english[2].note
    ur = area_figures(layers, ref, window=window, district="PK614", lang="ur", urdu_digits=True)
    assert [f.label for f in ur][:3] == ["آبادی 2023", "شناخت شدہ بھٹے", "پچھلے 12 ماہ میں دورہ شدہ بھٹے"]
    assert ur[1].value == translator("ur", urdu_digits=True).num(int(english[1].value.replace(",", "")))
    assert " تا " in ur[2].note and not re.search("[0-9]", ur[1].value)
    # the citations stay as their publishers name them; our own words around them (and the demo note) are Urdu
    assert "Hamdani et al. 2025" in ur[1].source and "PBS" in ur[0].source
    assert "DEMO DATA" in english[2].source and "DEMO DATA" not in ur[2].source
    both = area_figures(layers, ref, window=window, lang="ur")
    assert both[3].label == "فعال ڈی وی سی والے اضلاع" and "میں سے" in both[3].value


# 2. the pages in Urdu (AppTest)


def test_gaps_page_in_urdu(db):  # noqa: F811
    at = run_app("gaps", district="PK614", lang="ur")
    assert at.markdown[0].value.startswith("#### کمی کے شعبے · قصور · بتاریخ ")
    figures = metrics(at)
    assert {"شناخت شدہ بھٹے", "کبھی دورہ نہیں ہوا", "تاخیر شدہ", "حال ہی میں دورہ ہوا"} <= set(figures)
    assert at.warning[0].value.startswith("**نمونہ ڈیٹا** — ") and "معائنہ دورے" in at.warning[0].value
    assert [t.label for t in at.tabs][:4] == ["دورے کے لیے بھٹے", "محروم علاقے", "ڈی وی سی کا دائرہ", "وقت کے ساتھ"]
    table = at.dataframe[0].value
    assert {"درجہ", "بھٹہ", "ضلع", "ترجیح", "یہ بھٹہ کیوں"} <= set(table.columns)
    assert set(table["ضلع"]) == {"قصور"}
    assert at.number_input(key="g_revisit").label == "دوبارہ دورہ ہر (ماہ)"
    assert any(c.value.startswith("ہر 6 ماہ بعد دوبارہ دورہ، درج شدہ مشاہدے کے بعد ہر 3 ماہ۔") for c in at.caption)
    hexagons = at.dataframe[1].value  # the data keeps its column names; the page shows them in Urdu
    assert hexagons["underserved_index"].eq("5 سے کم بھٹے").any()  # "< 5 kilns"
    assert not hexagons["underserved_index"].eq("< 5 kilns").any()
    at.radio(key="g_level").set_value("tehsil")
    rerun(at)
    assert {"چونیاں", "پتوکی"} <= set(at.dataframe[1].value["name"])  # Kasur's tehsils in Urdu


def test_routes_page_in_urdu_plans_and_offers_urdu_files(db):  # noqa: F811
    at = run_app("routes", district="PK614", lang="ur")
    assert at.markdown[0].value == "#### معائنے کا راستہ"
    area = at.selectbox[0]
    assert area.options[0] == "پورا قصور"
    at.button[0].click()
    rerun(at)
    figures = metrics(at)
    assert figures["منصوبے میں شامل بھٹے"].startswith("636 میں سے ")  # the total first, as Urdu says it
    assert figures["فاصلہ"].endswith(" / 120") and "کلومیٹر" in figures["فاصلہ"]
    assert any(c.value.startswith("فاصلہ = سیدھی لکیر") for c in at.caption)  # the plan's assumptions
    left_out = at.dataframe[1].value
    assert left_out["reason"].map(urdu).all()
    assert [d.label for d in at.get("download_button")] == ["GPX (OsmAnd، Organic Maps)", "KML (Google Earth)",
                                                             "CSV", "راستے کی شیٹ (PDF)", "دورے کی شیٹ (CSV)"]
    html = map_html(at)
    assert '<div dir="rtl">' in html and "چھوڑے گئے (جدول دیکھیں)" in html


def test_visits_page_and_form_in_urdu_with_an_urdu_note(db):  # noqa: F811
    at = run_app("visits", district="PK614", lang="ur")
    assert at.markdown[0].value == "#### معائنہ دورے"
    assert [t.label for t in at.tabs][:2] == ["دورہ درج کریں", "قصور میں دورے"]
    labels = {w.label for w in [*at.text_input, *at.number_input, *at.text_area, *at.radio, *at.date_input]}
    assert {"دورے کی تاریخ", "دورہ کرنے والا (عہدہ یا ٹیم)", "موجود بچے", "بچے کام کرتے دیکھے گئے", "نوٹس"} <= labels
    assert at.radio[0].options == ["درج نہیں", "ہاں", "نہیں"]
    submit = next(b for b in at.button if b.label == "دورہ درج کریں")
    submit.click()  # nobody named: refused, in Urdu
    rerun(at)
    assert at.error[0].value.startswith("محفوظ نہیں ہوا۔ ")
    assert "**دورہ کرنے والا (عہدہ یا ٹیم)** لازمی ہے" in at.error[0].value
    kiln = at.session_state["visit_kiln_pick"]  # (.value would word the options in the test's English)
    next(t for t in at.text_input if t.label == "دورہ کرنے والا (عہدہ یا ٹیم)").set_value("لیبر انسپکٹر، قصور")
    next(t for t in at.text_area if t.label == "نوٹس").set_value(URDU_NOTE)
    next(b for b in at.button if b.label == "دورہ درج کریں").click()
    rerun(at)
    assert not at.error, [e.value for e in at.error]
    assert "محفوظ ہو گیا" in at.success[0].value
    stored = Store(db).recorded_visits()
    assert stored["kiln_id"].tolist() == [kiln]
    assert stored["notes"].iloc[0] == URDU_NOTE and unicodedata.is_normalized("NFC", stored["notes"].iloc[0])
    assert stored["recorded_by"].iloc[0] in ("لیبر انسپکٹر، قصور", "local")  # the typed role, or the signed-in user


def test_the_visit_form_error_stays_english_on_english_pages(db):  # noqa: F811
    at = run_app("visits", district="PK614")
    next(b for b in at.button if b.label == "Record visit").click()
    rerun(at)
    assert at.error[0].value == ("Not saved. **Visited by (role or team)** is required: who recorded the visit is "
                                 "kept with it.")
    assert [t.label for t in at.tabs][:2] == ["Record a visit", "Visits in Kasur"]
