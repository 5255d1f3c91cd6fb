"""View state in the URL: round trip, defaults, and a notice for each invalid parameter."""

from datetime import date

from dashboard.state import ViewState, default_window, from_query, share_query, to_query
from loaders.contracts import LAYERS

TODAY = date(2026, 11, 23)
DISTRICTS = {"PK614": "PK6", "PK617": "PK6", "PK718": "PK7"}


def test_defaults_and_empty_query():
    state = from_query({}, today=TODAY, districts=DISTRICTS)
    assert state.layers == frozenset(LAYERS) and state.district is None and not state.notices
    assert to_query(state, today=TODAY) == {}


def test_round_trip():
    state = ViewState(province="PK6", district="PK614", layers=frozenset({"kilns", "dvcs"}),
                      start=date(2025, 1, 1), end=date(2026, 6, 30), basemap="osm", profile="official")
    query = to_query(state, today=TODAY)
    assert query["profile"] == "official"
    assert from_query(query, today=TODAY, districts=DISTRICTS) == state
    assert "profile" not in to_query(ViewState(start=state.start, end=state.end), today=TODAY)  # internal: short link


def test_a_shared_link_shows_the_same_window_next_month_and_names_its_profile():
    start, end = default_window(TODAY)
    state = ViewState(district="PK614", province="PK6", start=start, end=end)  # the default view, internal
    query = share_query(state, today=TODAY)
    assert query == {"district": "PK614", "start": start.isoformat(), "end": end.isoformat(), "profile": "internal"}
    later = date(2026, 12, 23)
    assert from_query(query, today=later, districts=DISTRICTS) == state  # a month on: the same dates
    assert from_query(to_query(state, today=TODAY), today=later, districts=DISTRICTS) != state  # the short one moves


def test_invalid_parameters_fall_back_with_notices():
    state = from_query({"district": "PK999", "layers": "kilns,<script>", "start": "2025-02-30",
                        "basemap": "google"}, today=TODAY, districts=DISTRICTS)
    assert state.district is None and state.layers == frozenset({"kilns"}) and state.basemap == "none"
    assert len(state.notices) == 4


def test_district_implies_its_province():
    assert from_query({"district": "PK718"}, today=TODAY, districts=DISTRICTS).province == "PK7"


def test_basemap_default_follows_the_offline_setting(monkeypatch):
    monkeypatch.setenv("BHATTA_OFFLINE", "1")
    assert from_query({}, today=TODAY, districts=DISTRICTS).basemap == "none"
    assert from_query({"basemap": "satellite"}, today=TODAY, districts=DISTRICTS).basemap == "satellite"
    monkeypatch.setenv("BHATTA_OFFLINE", "0")
    state = from_query({}, today=TODAY, districts=DISTRICTS)
    assert state.basemap == "osm" and to_query(state, today=TODAY) == {}
    assert to_query(ViewState(basemap="none", start=state.start, end=state.end), today=TODAY) == {"basemap": "none"}


def test_service_desert_in_the_link():
    state = from_query({"desert": "girls_school", "district": "PK614"}, today=TODAY, districts=DISTRICTS)
    assert state.desert == "girls_school" and not state.notices
    assert to_query(state, today=TODAY) == {"district": "PK614", "desert": "girls_school"}
    bad = from_query({"desert": "<script>"}, today=TODAY, districts=DISTRICTS)
    assert bad.desert == "" and "service desert" in bad.notices[0]
