"""Messages the layers write in English and the pages show in the reader's language.

The route planner's messages and settings errors (layers/routing.py), the road server's notes and errors
(layers/osrm.py), the help of each priority weight (layers/gaps.py) and the no-data reasons of the area
index (layers/areas.py) are English text (:class:`loaders.problems.Message`: code that prints, compares or
stores them is unchanged) that :func:`loaders.problems.render` gives in Urdu; the Gaps and Routes pages show
them, the choropleth and the area tables, in the page's language.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
import requests
from test_app import db, map_html, rerun, run_app  # noqa: F401 (db is a fixture)

from bhatta.catalogues import extract, problems
from layers.areas import INDEX_PARTS, NO_KILNS, REASON_SEP, reason_text, suppress_small
from layers.gaps import PRIORITY_COMPONENTS
from layers.i18n import translator
from layers.osrm import (
    ENV_VAR,
    OsrmError,
    OsrmReport,
    _table_answer,
    _transport_problem,
    check_osrm_url,
    osrm_url_from_env,
)
from layers.route_map import plan_area_by_road
from layers.routing import RouteSettings, plan_routes
from loaders.problems import Message, render

MINE = ("layers/routing.py", "layers/osrm.py", "layers/gaps.py", "layers/areas.py", "dashboard/views/gaps.py",
        "dashboard/views/routes.py")
OFFICE = (31.1167, 74.45)
ARABIC = re.compile("[\u0600-\u06ff]")
LATIN_DIGIT = re.compile("[0-9]")


def urdu(text: str) -> bool:
    return bool(ARABIC.search(text))


def test_the_catalogue_has_every_message_of_these_files():
    found = {m: p for m, p in extract().items() if any(f in MINE for f, _line in p)}
    assert len(found) > 200
    assert problems(found) == []


# 1. the route planner: plan messages and settings errors


@pytest.fixture(scope="module")
def plan():
    kilns = pd.DataFrame({"kiln_id": ["A", "B", "FAR", "NOWHERE"], "lat": [31.13, 31.15, 32.9, np.nan],
                          "lon": [74.47, 74.40, 74.4, 74.4], "priority": [5.0, 4.0, 3.0, 2.0]})
    return plan_routes(kilns, start=OFFICE, settings=RouteSettings(km_budget=60),
                       must_visit=["A", "B", "FAR", "NOWHERE"])


def test_plan_messages_english_unchanged_and_in_urdu(plan):
    english = list(plan.messages)
    assert english[0] == "Must-visit kiln NOWHERE has no location recorded: it cannot be planned."
    assert english[1] == ("Must-visit kiln FAR cannot be reached and returned within the budget from the start: "
                          "515.7 km and 929 min for the round trip alone; 60 km and 8 h per route.")
    assert all(isinstance(m, Message) for m in english)
    assert [render(m, "en") for m in english] == english
    ur = [render(m, "ur") for m in english]
    assert ur[0] == "لازمی دورے والے بھٹے NOWHERE کا مقام درج نہیں: اسے راستے میں شامل نہیں کیا جا سکتا۔"
    assert urdu(ur[1]) and "FAR" in ur[1] and "515.7 کلومیٹر" in ur[1] and "فی راستہ 60 کلومیٹر اور 8 گھنٹے" in ur[1]
    digits = render(english[1], translator("ur", urdu_digits=True))  # the figures in Urdu digits when set
    assert "۵۱۵.۷" in digits and not LATIN_DIGIT.search(digits)


@pytest.mark.parametrize("routes", [1, 2])
def test_must_visit_kilns_that_do_not_fit(routes):
    ids = ["K1", "K2", "K3"]  # near the office; one visit fills a route's day: 1 route leaves 2 out, 2 leave 1
    kilns = pd.DataFrame({"kiln_id": ids, "lat": [31.12, 31.125, 31.13], "lon": [74.455, 74.46, 74.465],
                          "priority": 1.0})
    settings = RouteSettings(days=routes, hours_per_day=1.5, minutes_per_visit=60)
    plan = plan_routes(kilns, start=OFFICE, settings=settings, must_visit=ids)
    message = next(m for m in plan.messages if m.startswith("Must-visit kiln"))
    unfitted = plan.dropped.loc[plan.dropped["code"] == "must_visit_unfitted", "kiln_id"].tolist()
    assert len(unfitted) == 3 - routes
    plural = len(unfitted) > 1
    expected = (f"Must-visit kiln{'s' if plural else ''} {', '.join(unfitted)} {'do' if plural else 'does'} not "
                f"fit in {routes} route{'s' if routes > 1 else ''} of {settings.hours_per_day:g} h per route "
                f"together with the other must-visit kilns; the plan keeps {len(ids) - len(unfitted)} of {len(ids)}.")
    assert message == expected
    ur = render(message, "ur")
    assert urdu(ur) and all(k in ur for k in unfitted)
    assert f"{len(ids)} میں سے {len(ids) - len(unfitted)}" in ur
    assert ("راستوں میں" if routes > 1 else "راستے میں") in ur
    if plural:  # 1 route
        assert "، ".join(unfitted) in ur  # the Urdu comma between the kiln ids


def test_the_end_too_far_from_the_start():
    def far(points):
        km = np.full((len(points), len(points)), 70.0)
        np.fill_diagonal(km, 0.0)
        return km, km
    kilns = pd.DataFrame({"kiln_id": ["A"], "lat": [31.13], "lon": [74.47], "priority": [1.0]})
    plan = plan_routes(kilns, start=OFFICE, end=(31.5, 74.3), settings=RouteSettings(km_budget=50),
                       distance_matrix=far)
    assert plan.messages[0] == ("The end is too far from the start: 70.0 km and 70 min without any visit; 50 km and "
                                "8 h per route. No route can keep to the budget.")
    assert render(plan.messages[0], "ur").startswith("اختتامی مقام آغاز سے بہت دور ہے: کسی دورے کے بغیر 70.0 کلومیٹر")


@pytest.mark.parametrize("settings, english, ur", [
    ({"days": 0}, "invalid RouteSettings: days must be a whole number >= 1, got 0",
     "راستے کی ترتیبات درست نہیں: days ایک یا اس سے بڑا مکمل عدد ہونا چاہیے، موصول: 0"),
    ({"km_budget": 0, "road_factor": 0.9},
     "invalid RouteSettings: km_budget must be a positive number or None, got 0; road_factor must be at least 1 "
     "(roads are not shorter than a straight line), got 0.9",
     "راستے کی ترتیبات درست نہیں: km_budget مثبت عدد یا None ہونا چاہیے، موصول: 0؛ road_factor کم از کم 1"),
    ({"hours_per_day": 20.0}, "invalid RouteSettings: the working day must end by midnight: 20.0 h from 08:00 does not",
     "راستے کی ترتیبات درست نہیں: کام کا دن آدھی رات تک ختم ہونا چاہیے: 08:00 سے 20.0 گھنٹے"),
])
def test_settings_errors_english_unchanged_and_in_urdu(settings, english, ur):
    with pytest.raises(ValueError) as caught:
        RouteSettings(**settings)
    assert str(caught.value) == english
    assert render(str(caught.value), "ur").startswith(ur)


# 2. the road server: notes and errors


def test_road_server_notes_english_unchanged_and_in_urdu():
    report = OsrmReport(points=5, requests=1, max_locations=100, no_route_pairs=8, snap_km=np.zeros(5),
                        far_from_road=(1, 3), far_from_road_km=5.0, seconds=0.1)
    notes = report.notes()
    assert notes[0].startswith("The road server found no road for 8 of the 20 pairs of points (e.g. a kiln")
    assert notes[1] == ("2 points are more than 5 km from the nearest road on the road server's map: their "
                        "distances start at that road, so the trip is longer.")
    ur = [render(n, translator("ur", urdu_digits=True)) for n in notes]
    assert all(urdu(n) for n in ur)
    assert "۲۰ جوڑوں میں سے ۸" in ur[0] and ur[1].startswith("۲ مقامات") and "۵ کلومیٹر" in ur[1]
    one = OsrmReport(points=2, requests=1, max_locations=100, no_route_pairs=0, snap_km=np.zeros(2),
                     far_from_road=(1,), far_from_road_km=5.0, seconds=0.1).notes()
    assert one[0].startswith("1 point is more than 5 km") and render(one[0], "ur").startswith("1 مقام ")


def raised(call, *args, **kwargs) -> str:
    with pytest.raises(OsrmError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_road_server_errors_english_unchanged_and_in_urdu():
    bad = raised(check_osrm_url, "ftp://router")
    assert bad == ("OSRM server URL 'ftp://router' must start with http:// or https:// and name a host: give it as "
                   "http://HOST:PORT, e.g. http://localhost:5000")
    assert render(bad, "ur") == ("OSRM سرور کا URL 'ftp://router' http:// یا https:// سے شروع ہونا اور اس میں ہوسٹ کا "
                                 "نام ہونا چاہیے: اسے http://HOST:PORT کی صورت میں دیں، مثلاً http://localhost:5000")
    env = raised(osrm_url_from_env, {ENV_VAR: "http://router?x=1"})
    assert env == f"{ENV_VAR}: OSRM server URL 'http://router' must be the server's base address, without ?query or #fragment"
    assert render(env, "ur").startswith(f"{ENV_VAR}: OSRM سرور کا URL 'http://router' سرور کا بنیادی پتہ")
    refused = _transport_problem(requests.exceptions.ConnectionError(ConnectionRefusedError()), 10.0)
    assert refused == "connection refused: is osrm-routed running there, on that port?"
    assert render(refused, "ur") == "رابطہ مسترد ہو گیا: کیا وہاں اسی پورٹ پر osrm-routed چل رہا ہے؟"

    class Answer:
        status_code, reason = 400, "Bad Request"

        @staticmethod
        def json() -> dict:
            return {"code": "NoSegment", "message": "Could not find a matching segment"}

    answered = raised(_table_answer, Answer(), 3, prefix=Message("OSRM server at {url}", url="http://r"),
                      profile="driving")
    assert answered == ("OSRM server at http://r: OSRM answered NoSegment (Could not find a matching segment), "
                        "HTTP 400; a point is too far from any road on the server's map")
    assert render(answered, "ur") == ("http://r پر OSRM سرور: OSRM کا جواب NoSegment تھا (Could not find a matching "
                                      "segment)، HTTP 400؛ کوئی مقام سرور کے نقشے پر ہر سڑک سے بہت دور ہے")


def test_the_road_server_not_used_keeps_its_reason_for_the_page():
    gaps = pd.DataFrame({"kiln_id": ["K1"], "lat": [31.13], "lon": [74.47], "priority": [10.0],
                         "district_pcode": "PK614", "tehsil_pcode": "PK61401", "last_visit_date": pd.NaT})
    area = {"district": "PK614", "start": OFFICE, "as_of": date(2026, 11, 20), "settings": RouteSettings()}
    try:
        osrm_url_from_env({ENV_VAR: "router"})
    except OsrmError as error:
        problem = str(error)
    road = plan_area_by_road(gaps, road=None, problem=problem, **area)
    assert isinstance(road.problem, Message) and urdu(render(road.problem, "ur"))
    assert road.notes[0] == (f"Road server not used ({ENV_VAR}: OSRM server URL 'router' must start with http:// or "
                             "https:// and name a host: give it as http://HOST:PORT, e.g. http://localhost:5000): "
                             "distances are the great-circle estimate.")


# 3. the Gaps page's weights and the area index's reasons


def test_every_priority_weight_explained_in_urdu():
    ur = translator("ur")
    for component in PRIORITY_COMPONENTS:
        assert urdu(ur(component.explanation)), component.key
    assert PRIORITY_COMPONENTS[4].explanation == "The nearest school is farther than school_km (2 km)."


def test_every_no_data_reason_in_urdu():
    reasons = [NO_KILNS, *(p.missing for p in INDEX_PARTS)]
    for reason in reasons:
        assert urdu(reason_text(reason, "ur")) and reason_text(reason, "en") == reason
    both = REASON_SEP.join(p.missing for p in INDEX_PARTS[:2])
    assert reason_text(both, "ur") == "معائنے کا ڈیٹا نہیں؛ " + translator("ur")(INDEX_PARTS[1].missing)
    table = pd.DataFrame({"name": ["Kasur"], "pcode": ["PK614"], "kilns": [3], "underserved_index": [np.nan],
                          "no_data_reason": [both]})
    assert suppress_small(table).iloc[0].tolist() == ["Kasur", "PK614", "3", "no data", both]
    shown = suppress_small(table, lang="ur").iloc[0]
    assert shown["name"] == "قصور" and urdu(shown["underserved_index"]) and urdu(shown["no_data_reason"])


# 4. the pages


def test_gaps_page_in_urdu_weights_map_and_tables(db):  # noqa: F811
    at = run_app("gaps", district="PK614", lang="ur")
    help_text = at.number_input(key="g_w_no_school").help
    assert help_text == "قریب ترین اسکول school_km (2 کلومیٹر) سے زیادہ دور ہے۔"
    html = map_html(at)
    assert "علامات" in html and "ڈیٹا نہیں (صفر نہیں" in html  # the choropleth's legend in Urdu
    hexagons = at.dataframe[1].value
    assert hexagons["underserved_index"].eq("5 سے کم بھٹے").any()
    assert not hexagons.isin(["no data", "< 5 kilns"]).any().any()
    dvc = at.dataframe[2].value
    assert dvc["name"].eq("قصور").any() and dvc["status_label"].map(urdu).all()


def test_gaps_page_in_english_unchanged(db):  # noqa: F811
    at = run_app("gaps", district="PK614")
    assert at.markdown[0].value.startswith("#### Gaps · Kasur · as of ")
    assert at.number_input(key="g_w_no_school").help == "The nearest school is farther than school_km (2 km)."
    html = map_html(at)
    assert "Legend" in html and "no data (not zero" in html


def test_routes_page_says_in_urdu_why_the_road_server_was_not_used(db, monkeypatch):  # noqa: F811
    monkeypatch.setenv(ENV_VAR, "router.example.org")  # no http://: refused before anything is sent
    at = run_app("routes", district="PK614", lang="ur")
    at.button[0].click()
    rerun(at)
    note = next(w.value for w in at.warning if w.value.startswith("سڑکوں کا سرور استعمال نہیں ہوا ("))
    assert f"({ENV_VAR}: OSRM سرور کا URL 'router.example.org' http:// یا https:// سے شروع ہونا" in note
    assert "must start" not in note
