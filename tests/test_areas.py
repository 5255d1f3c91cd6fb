"""Area tables: shares, the underserved index, "no data" areas, small counts, DVC coverage, trends, H3 cells."""

from datetime import date
from types import SimpleNamespace

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.areas import (
    INDEX_PARTS,
    area_metrics,
    coverage_series,
    district_ranking,
    dvc_coverage,
    hex_metrics,
    index_parts,
    suppress_small,
    visits_per_month,
)

AS_OF = date(2026, 6, 30)
SERVICES = ("school", "girls_school", "health", "ngo")


def _ref() -> SimpleNamespace:
    """Five districts, six tehsils: Gamma has no kilns, Epsilon no population figure."""
    districts = pd.DataFrame({
        "ADM2_PCODE": ["PK601", "PK602", "PK603", "PK701", "PK702"],
        "ADM2_EN": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "ADM1_PCODE": ["PK6", "PK6", "PK6", "PK7", "PK7"],
        "ADM1_EN": ["Punjab", "Punjab", "Punjab", "Sindh", "Sindh"],
        "pop_total_2023": [1_000_000, 500_000, 200_000, 300_000, np.nan],
    })
    tehsils = pd.DataFrame({
        "ADM3_PCODE": ["PK60101", "PK60102", "PK60201", "PK60301", "PK70101", "PK70201"],
        "ADM3_EN": ["Alpha One", "Alpha Two", "Beta One", "Gamma One", "Delta One", "Epsilon One"],
        "ADM2_PCODE": ["PK601", "PK601", "PK602", "PK603", "PK701", "PK702"],
        "ADM1_PCODE": ["PK6", "PK6", "PK6", "PK6", "PK7", "PK7"],
        "ADM1_EN": ["Punjab", "Punjab", "Punjab", "Punjab", "Sindh", "Sindh"],
        "area_km2": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0],
    })
    return SimpleNamespace(districts=districts, tehsils=tehsils)


def kiln_gaps_frame(rows: list[tuple]) -> gpd.GeoDataFrame:
    """A kiln-level gaps table shaped like ``layers.gaps.kiln_gaps`` from
    (kiln_id, tehsil, visit_status, visits_12m, finding, school, girls_school, health, ngo) rows;
    a desert value of ``None`` means no data for that service."""
    frame = pd.DataFrame(rows, columns=["kiln_id", "tehsil_pcode", "visit_status", "visits_12m", "finding_recorded",
                                        *(f"desert_{s}" for s in SERVICES)])
    n = len(frame)
    frame["district_pcode"] = frame["tehsil_pcode"].str[:5]
    frame["lat"] = 31.5 + np.arange(n) * 0.001
    frame["lon"] = 74.3 + np.arange(n) * 0.001
    frame["synthetic"] = True
    frame["last_visit_date"] = pd.NaT
    frame["days_since_visit"] = np.nan
    frame["revisit_months"] = 6
    for s in SERVICES:
        frame[f"dist_{s}_m"] = np.where(frame[f"desert_{s}"].isna(), np.nan, 1000.0)
        frame[f"desert_{s}"] = frame[f"desert_{s}"].astype("boolean")
    frame["dvc_status"] = "unknown"
    frame["priority"] = 0.0
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")


T, F, NA = True, False, None
KILNS = [
    # Alpha, tehsil one: 3 never, 2 overdue, 1 due soon
    ("A1", "PK60101", "never", 0, F, T, T, F, T),
    ("A2", "PK60101", "never", 0, F, T, T, F, T),
    ("A3", "PK60101", "never", 0, F, F, T, T, T),
    ("A4", "PK60101", "overdue", 1, T, F, T, F, T),
    ("A5", "PK60101", "overdue", 0, F, F, F, F, T),
    ("A6", "PK60101", "due_soon", 1, F, F, F, F, F),
    # Alpha, tehsil two: 4 recent (fewer than 5 kilns)
    ("A7", "PK60102", "recent", 2, T, F, F, F, F),
    ("A8", "PK60102", "recent", 1, F, F, F, F, F),
    ("A9", "PK60102", "recent", 1, F, F, F, F, F),
    ("A10", "PK60102", "recent", 1, F, F, F, F, F),
    # Beta: 10 never visited, no NGO data
    *[(f"B{i}", "PK60201", "never", 0, F, F, F, F, NA) for i in range(1, 11)],
    # Delta: 2 kilns
    ("D1", "PK70101", "recent", 1, F, F, F, F, F),
    ("D2", "PK70101", "never", 0, F, F, F, F, F),
    # Epsilon: 1 kiln, no population figure, no DVC record
    ("E1", "PK70201", "never", 0, F, F, F, F, F),
]


def _dvcs() -> pd.DataFrame:
    rows = [  # district, tehsil, notified, last meeting
        ("PK601", None, "yes", "2026-05-01"),  # active
        ("PK601", "PK60102", "yes", "2024-01-01"),  # tehsil committee, dormant
        ("PK602", None, "yes", "2025-06-01"),  # dormant
        ("PK602", "PK60201", "yes", "2026-04-01"),  # tehsil committee, active
        ("PK701", None, "no", None),  # not notified
    ]
    frame = pd.DataFrame(rows, columns=["district_pcode", "tehsil_pcode", "notified", "last_meeting_date"])
    frame["notified_date"] = pd.to_datetime(np.where(frame["notified"] == "yes", "2020-01-01", None))
    frame["last_meeting_date"] = pd.to_datetime(frame["last_meeting_date"])
    frame["synthetic"] = True
    frame["source"] = "test"
    return frame


def _visits() -> pd.DataFrame:
    rows = [  # kiln, district, tehsil, date
        ("A1", "PK601", "PK60101", "2026-06-01"),
        ("A4", "PK601", "PK60101", "2026-01-10"),
        ("A6", "PK601", "PK60101", "2025-07-01"),
        ("A3", "PK601", "PK60101", "2025-05-30"),  # 13 months before: outside the 12-month window
        ("A7", None, None, "2026-03-03"),  # given by kiln only: counted in the kiln's tehsil
    ]
    frame = pd.DataFrame(rows, columns=["kiln_id", "district_pcode", "tehsil_pcode", "visit_date"])
    frame["visit_date"] = pd.to_datetime(frame["visit_date"])
    return frame


@pytest.fixture(scope="module")
def gaps():
    return kiln_gaps_frame(KILNS)


@pytest.fixture(scope="module")
def districts(gaps):
    return area_metrics(gaps, _ref(), level="district", dvcs=_dvcs(), visits=_visits(), as_of=AS_OF).set_index("pcode")


@pytest.fixture(scope="module")
def tehsils(gaps):
    return area_metrics(gaps, _ref(), level="tehsil", dvcs=_dvcs(), visits=_visits(), as_of=AS_OF).set_index("pcode")


def test_index_weights_sum_to_one_and_every_part_is_explained():
    assert sum(p.weight for p in INDEX_PARTS) == pytest.approx(1.0)
    assert all(p.label and p.explanation and p.missing for p in INDEX_PARTS)
    assert [p.key for p in index_parts("tehsil")] == [p.key for p in INDEX_PARTS if p.key != "kiln_density"]
    assert "no_active_dvc" not in [p.key for p in index_parts("hex")]


def test_every_district_has_a_row(districts):
    assert districts.index.tolist() == ["PK601", "PK602", "PK603", "PK701", "PK702"]
    assert districts.loc["PK701", "province"] == "Sindh" and districts.loc["PK601", "name"] == "Alpha"
    assert districts["kilns"].tolist() == [10, 10, 0, 2, 1]


def test_district_shares_are_hand_computed(districts):
    alpha = districts.loc["PK601"]
    assert alpha["share_not_recent"] == pytest.approx(0.5)
    assert alpha["share_never"] == pytest.approx(0.3)
    assert alpha["share_visited_12m"] == pytest.approx(0.6)  # A4, A6, A7-A10
    assert alpha["kilns_visited_12m"] == 6 and alpha["kilns_with_finding"] == 2
    assert [alpha[f"share_desert_{s}"] for s in SERVICES] == pytest.approx([0.2, 0.4, 0.1, 0.5])
    assert alpha["population"] == 1_000_000 and alpha["kilns_per_100k"] == pytest.approx(1.0)
    assert alpha["visits_12m"] == 4  # A3's visit is 13 months old


def test_district_index_is_the_weighted_mean_of_its_parts(districts):
    alpha = districts.loc["PK601"]
    # not recent .5, DVC active 0, density 1.0/2.0 (Beta is the densest), deserts .2 .4 .1 .5
    expected = 100 * (0.30 * 0.5 + 0.15 * 0 + 0.15 * 0.5 + 0.10 * (0.2 + 0.4 + 0.1 + 0.5))
    assert alpha["part_kiln_density"] == pytest.approx(0.5)
    assert alpha["underserved_index"] == pytest.approx(expected) == pytest.approx(34.5)
    assert alpha["no_data_reason"] == ""
    delta = districts.loc["PK701"]  # half never visited, DVC not notified, density (2/3)/2, no deserts
    assert delta["underserved_index"] == pytest.approx(100 * (0.30 * 0.5 + 0.15 * 1 + 0.15 * (2 / 3) / 2))


def test_area_without_kilns_is_no_data_not_zero(districts, tehsils):
    for row in (districts.loc["PK603"], tehsils.loc["PK60301"]):
        assert row["kilns"] == 0
        assert np.isnan(row["underserved_index"]) and np.isnan(row["share_not_recent"])
        assert row["no_data_reason"] == "no kilns detected"
    assert np.isnan(districts.loc["PK603", "kilns_per_100k"])


def test_missing_service_layer_blanks_the_index_with_its_reason(districts):
    beta = districts.loc["PK602"]
    assert np.isnan(beta["share_desert_ngo"]) and beta["share_desert_school"] == 0
    assert np.isnan(beta["underserved_index"])  # not the mean of the other parts
    assert beta["no_data_reason"] == "no NGO service data"


def test_missing_population_and_dvc_record_are_both_named(districts):
    epsilon = districts.loc["PK702"]
    assert pd.isna(epsilon["population"]) and np.isnan(epsilon["kilns_per_100k"])
    assert epsilon["dvc_status"] == "unknown"
    assert epsilon["no_data_reason"] == "no DVC record; no population figure"


def test_tehsils_have_no_population_and_their_own_committee(tehsils):
    assert tehsils["population"].isna().all() and tehsils["kilns_per_100k"].isna().all()
    assert "part_kiln_density" not in tehsils
    one = tehsils.loc["PK60101"]
    assert one["kilns"] == 6 and one["share_not_recent"] == pytest.approx(5 / 6)
    expected = 100 * (0.30 * 5 / 6 + 0.10 * (2 + 4 + 1 + 5) / 6) / 0.85  # no density part at tehsil level
    assert one["underserved_index"] == pytest.approx(expected)
    assert one["visits_12m"] == 3 and tehsils.loc["PK60102", "visits_12m"] == 1
    assert tehsils.loc["PK60102", "tehsil_dvc"] == "dormant" and tehsils.loc["PK60102", "dvc_status"] == "active"
    assert pd.isna(tehsils.loc["PK60101", "tehsil_dvc"])
    beta = tehsils.loc["PK60201"]  # district DVC dormant, its tehsil committee active
    assert beta["dvc_status"] == "dormant" and beta["tehsil_dvc"] == "active" and beta["part_no_active_dvc"] == 0


def test_filter_to_one_district(gaps):
    own = area_metrics(gaps, _ref(), level="tehsil", dvcs=_dvcs(), visits=_visits(), as_of=AS_OF, district="PK601")
    assert own["pcode"].tolist() == ["PK60101", "PK60102"]
    one = area_metrics(gaps, _ref(), level="district", dvcs=_dvcs(), visits=_visits(), as_of=AS_OF, district="PK701")
    assert one["pcode"].tolist() == ["PK701"]
    assert one["part_kiln_density"].iloc[0] == pytest.approx((2 / 3) / 2)  # scaled by all districts' maximum


def test_without_visit_records_or_dvc_records(gaps):
    counted = area_metrics(gaps, _ref(), level="district", dvcs=_dvcs(), visits=None, as_of=AS_OF).set_index("pcode")
    assert counted.loc["PK601", "visits_12m"] == 7  # the gaps table's visits_12m, summed
    empty = _visits().iloc[0:0]
    none = area_metrics(gaps, _ref(), level="district", dvcs=None, visits=empty, as_of=AS_OF).set_index("pcode")
    assert none["underserved_index"].isna().all()
    assert none.loc["PK601", "no_data_reason"] == "no inspection data; no DVC record"
    assert (none["dvc_status"] == "unknown").all() and none["kilns_per_active_dvc"].isna().all()


def test_dvc_coverage(gaps):
    cover = dvc_coverage(_ref(), _dvcs(), gaps, as_of=AS_OF).set_index("district_pcode")
    assert cover["status"].to_dict() == {"PK601": "active", "PK602": "dormant", "PK603": "unknown",
                                         "PK701": "not_notified", "PK702": "unknown"}
    assert cover["tehsil_committees"].tolist() == [1, 1, 0, 0, 0]
    assert cover["tehsil_committees_active"].tolist() == [0, 1, 0, 0, 0]
    assert cover["active_committees"].tolist() == [1, 1, 0, 0, 0]
    assert cover.loc["PK601", "last_meeting_date"] == pd.Timestamp("2026-05-01")
    assert cover.loc["PK601", "share_visited_12m"] == pytest.approx(0.6)
    assert cover.loc["PK602", "kilns_per_active_dvc"] == 10  # Beta's one active tehsil committee
    assert cover["kilns_per_active_dvc"].isna().tolist() == [False, False, True, True, True]
    assert np.isnan(cover.loc["PK603", "share_visited_12m"])


def test_small_counts_are_suppressed_for_display(districts):
    shown = suppress_small(districts.reset_index(), small_count=5).set_index("pcode")
    assert shown.loc["PK601", "kilns"] == "10" and shown.loc["PK603", "kilns"] == "0"  # public detections
    assert shown.loc["PK701", "kilns"] == "2"
    assert shown.loc["PK601", "visits_12m"] == "< 5" and shown.loc["PK602", "visits_12m"] == "< 5"  # 4 and 0
    assert shown.loc["PK601", "kilns_visited_12m"] == "6" and shown.loc["PK601", "kilns_with_finding"] == "< 5"
    assert shown.loc["PK601", "share_not_recent"] == "50%" and shown.loc["PK601", "share_desert_girls_school"] == "40%"
    assert shown.loc["PK601", "underserved_index"] == f"{districts.loc['PK601', 'underserved_index']:.0f}"
    assert shown.loc["PK601", "part_kiln_density"] == "0.50" and shown.loc["PK601", "population"] == "1,000,000"
    assert shown.loc["PK701", "share_not_recent"] == "< 5 kilns" and shown.loc["PK701", "underserved_index"] == "< 5 kilns"
    assert shown.loc["PK603", "share_not_recent"] == "no data"
    assert shown.loc["PK701", "kilns_per_active_dvc"] == "no active DVC"
    assert districts.loc["PK701", "share_not_recent"] == 0.5  # the numbers themselves are untouched
    assert all(isinstance(v, str) for v in shown.to_numpy().ravel())


def test_ranking_puts_missing_index_last(districts):
    ranked = district_ranking(districts.reset_index(), small_count=1)
    assert ranked["pcode"].tolist()[:2] == ["PK701", "PK601"]
    assert ranked["rank"].tolist()[:2] == [1, 2] and ranked["rank"].iloc[2:].isna().all()
    assert set(ranked["pcode"].iloc[2:]) == {"PK602", "PK603", "PK702"}


def test_ranking_leaves_areas_with_few_kilns_unranked(districts):
    ranked = district_ranking(districts.reset_index())  # PK701 has 2 kilns: its index is not shown
    assert ranked["pcode"].iloc[0] == "PK601" and ranked["rank"].iloc[0] == 1
    assert pd.isna(ranked.loc[ranked["pcode"] == "PK701", "rank"]).all()


def _trend_kilns() -> pd.DataFrame:
    return pd.DataFrame({"kiln_id": ["K1", "K2", "K3"], "district_pcode": ["PK601", "PK601", "PK602"]})


def _trend_visits() -> pd.DataFrame:
    return pd.DataFrame({
        "kiln_id": ["K1", "K3", "K3", "unknown"],
        "visit_date": pd.to_datetime(["2025-01-15", "2026-02-03", "2026-02-20", "2026-02-01"]),
        "district_pcode": ["PK601", "PK602", "PK602", "PK601"],
        "child_labour_observed": ["no", "yes", "no", "no"],
        "bonded_labour_indicators": ["no", "no", None, "yes"],
    })


def test_coverage_decays_twelve_months_after_the_last_visit():
    series = coverage_series(_trend_kilns(), _trend_visits(), start=date(2025, 1, 1), end=date(2026, 2, 28))
    alpha = series[series["district_pcode"] == "PK601"].set_index("month_end")
    assert len(alpha) == 14 and (alpha["kilns"] == 2).all()
    assert alpha.loc["2025-01-31", "coverage"] == 0.5
    assert alpha.loc["2025-12-31", "coverage"] == 0.5  # the visit is 11½ months old
    assert alpha.loc["2026-01-31", "coverage"] == 0  # 12½ months: no longer covered
    assert alpha.loc["2026-02-28", "coverage"] == 0  # X: 13 months
    beta = series[series["district_pcode"] == "PK602"].set_index("month_end")
    assert beta.loc["2026-02-28", "kilns_covered"] == 1 and beta.loc["2026-01-31", "kilns_covered"] == 0


def test_coverage_series_ends_at_the_end_day_and_filters_a_district():
    series = coverage_series(_trend_kilns(), _trend_visits(), start=date(2026, 1, 1), end=date(2026, 2, 10),
                             district="PK602")
    assert series["month_end"].tolist() == [pd.Timestamp("2026-01-31"), pd.Timestamp("2026-02-10")]
    assert series["district_pcode"].unique().tolist() == ["PK602"]
    assert series["coverage"].tolist() == [0.0, 1.0]


def test_visits_per_month_counts_and_fills_empty_months():
    counts = visits_per_month(_trend_visits(), start=date(2025, 12, 1), end=date(2026, 2, 28))
    beta = counts[counts["district_pcode"] == "PK602"]
    assert beta["visits"].tolist() == [0, 0, 2] and beta["visits_with_finding"].tolist() == [0, 0, 1]
    alpha = counts[counts["district_pcode"] == "PK601"]  # the unknown kiln's visit is still a visit
    assert alpha["visits"].tolist() == [0, 0, 1] and alpha["visits_with_finding"].tolist() == [0, 0, 1]
    only = visits_per_month(_trend_visits(), start=date(2025, 1, 1), end=date(2025, 1, 31), district="PK601")
    assert only[["district_pcode", "visits"]].to_dict("list") == {"district_pcode": ["PK601"], "visits": [1]}


def test_hexagons_contain_their_kilns_and_count_them_all():
    rng = np.random.default_rng(7)
    n = 300
    rows = [(f"K{i}", "PK60101", rng.choice(["never", "recent"]), 0, F, bool(rng.random() < .3), F, F, F)
            for i in range(n)]
    frame = kiln_gaps_frame(rows)
    frame["lat"] = 31.4 + rng.random(n) * 0.3
    frame["lon"] = 74.2 + rng.random(n) * 0.3
    frame.loc[:2, ["lat", "lon"]] = [31.9, 74.8]  # three kilns in one cell, away from the others
    frame.loc[:2, "visit_status"] = ["never", "recent", "recent"]
    frame.loc[:2, "desert_school"] = [True, True, False]
    cells = hex_metrics(frame, resolution=7)
    assert cells.crs == "EPSG:4326" and (cells["kilns"] > 0).all()
    assert cells["kilns"].sum() == n and cells["h3_cell"].is_unique
    for cell, polygon in zip(cells["h3_cell"], cells.geometry, strict=True):
        lat, lng = h3.cell_to_latlng(cell)
        assert polygon.contains(shapely.Point(lng, lat))
    points = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=points), cells[["h3_cell", "geometry"]], predicate="within")
    assert len(joined) == n  # each kiln inside exactly one hexagon: its own
    expected = [h3.latlng_to_cell(a, b, 7) for a, b in zip(frame["lat"], frame["lon"], strict=True)]
    assert joined.sort_index()["h3_cell"].tolist() == expected
    shared = cells.set_index("h3_cell").loc[h3.latlng_to_cell(31.9, 74.8, 7)]
    assert shared["kilns"] == 3
    assert shared["share_not_recent"] == pytest.approx(1 / 3)
    assert shared["share_desert_school"] == pytest.approx(2 / 3)
    # hexagons: no density and no DVC part, the other weights (sum .7) renormalised
    assert shared["underserved_index"] == pytest.approx(100 * (0.3 / 3 + 0.1 * 2 / 3) / 0.7)


def test_real_reference_gives_every_district_and_tehsil():
    from loaders.geo import reference

    ref = reference()
    kilns = ref.kilns.iloc[::50]
    rows = [(k, t, "never", 0, F, F, F, F, None) for k, t in zip(kilns["kiln_id"], kilns["tehsil_pcode"], strict=True)]
    frame = kiln_gaps_frame(rows)
    frame["district_pcode"] = kilns["district_pcode"].to_numpy()
    by_district = area_metrics(frame, ref, level="district", dvcs=None, visits=None, as_of=AS_OF)
    by_tehsil = area_metrics(frame, ref, level="tehsil", dvcs=None, visits=None, as_of=AS_OF)
    assert len(by_district) == len(ref.districts) and len(by_tehsil) == len(ref.tehsils)
    assert by_district["kilns"].sum() == by_tehsil["kilns"].sum() == len(kilns)
    assert by_tehsil["population"].isna().all() and by_district["population"].notna().all()


def test_share_of_a_hidden_count_is_hidden_too():
    # 3 of 85 kilns visited: "4%" next to the exact kiln count would give the 3 away
    table = pd.DataFrame({"kilns": [85, 85], "kilns_visited_12m": [3, 40], "share_visited_12m": [3 / 85, 40 / 85]})
    shown = suppress_small(table, small_count=5)
    assert shown["kilns_visited_12m"].tolist() == ["< 5", "40"]
    assert shown["share_visited_12m"].tolist() == ["< 5 kilns", "47%"]
