"""Visit gaps, service deserts and priority: hand-computed cases, wording rules, and the shipped data."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from layers.catalog import LayerData, load_layers
from layers.gaps import (
    DAYS_PER_MONTH,
    DEFAULT_WEIGHTS,
    PRIORITY_COMPONENTS,
    SERVICES,
    VISIT_STATUSES,
    GapSettings,
    explain,
    explain_parts,
    kiln_gaps,
    rank_priorities,
    service_points,
)

AS_OF = date(2026, 11, 1)
LAHORE = "PK617"
KASUR = "PK614"
SINDH = "PK708"  # a Sindh district: another province than Lahore's
LON, LAT = 74.30, 31.50  # a kiln near Lahore; services placed due north of it
KM_PER_DEG_LAT = 110.9  # near 30°N: 1 km north is 1 / 110.9 degree


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def north(km: float) -> float:
    return LAT + km / KM_PER_DEG_LAT


def frame(rows: list[dict], columns: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Point records; ``district_pcode``, ``tehsil_pcode``, ``synthetic``, ``source`` added when absent."""
    data = pd.DataFrame(rows, columns=list(dict.fromkeys([*columns, *(k for r in rows for k in r)])))
    for col, default in (("district_pcode", LAHORE), ("tehsil_pcode", None), ("synthetic", False), ("source", "test")):
        if col not in data:
            data[col] = default
    if "lon" not in data:  # visits recorded against a kiln id only
        return gpd.GeoDataFrame(data, geometry=[None] * len(data), crs="EPSG:4326")
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(data.pop("lon"), data.pop("lat")), crs="EPSG:4326")


def visits(rows: list[dict]) -> gpd.GeoDataFrame:
    out = frame(rows, ("visit_id", "kiln_id", "visit_date", "child_labour_observed", "bonded_labour_indicators",
                       "workers_count", "children_count"))
    out["visit_date"] = pd.to_datetime(out["visit_date"])
    return out


def dvcs(rows: list[dict]) -> gpd.GeoDataFrame:
    out = pd.DataFrame(rows, columns=["district_pcode", "notified", "notified_date", "last_meeting_date"])
    out["tehsil_pcode"] = None
    out["last_meeting_date"] = pd.to_datetime(out["last_meeting_date"])
    return gpd.GeoDataFrame(out, geometry=[None] * len(out), crs="EPSG:4326")


def make_layers(kilns, *, inspections=(), schools=(), health=(), ngo=(), committees=()) -> dict[str, LayerData]:
    frames = {
        "kilns": frame(kilns, ("kiln_id",)),
        "inspections": visits(list(inspections)),
        "dvcs": dvcs(list(committees)),
        "schools": frame(list(schools), ("school_id", "level", "gender")),
        "health": frame(list(health), ("facility_id",)),
        "ngo": frame(list(ngo), ("service_id", "start_date", "end_date")),
    }
    for col in ("start_date", "end_date"):
        frames["ngo"][col] = pd.to_datetime(frames["ngo"][col])
    return {k: LayerData(k, k, f, "imported", ("test",)) for k, f in frames.items()}


def at(km_north: float, district: str | None = LAHORE, **extra) -> dict:
    """A service point ``km_north`` km due north of the test kiln."""
    return {"lon": LON, "lat": north(km_north), "district_pcode": district, **extra}


def kiln(kiln_id: str, km_north: float = 0.0, district: str | None = LAHORE, **extra) -> dict:
    return {"kiln_id": kiln_id, **at(km_north, district, **extra)}


def visit(kiln_id: str | None, day: str, *, child="no", bonded="no", workers=None, children=None) -> dict:
    return {"kiln_id": kiln_id, "visit_date": day, "child_labour_observed": child,
            "bonded_labour_indicators": bonded, "workers_count": workers, "children_count": children}


def by_id(gaps: pd.DataFrame) -> pd.DataFrame:
    return gaps.set_index("kiln_id")


# -- distances -------------------------------------------------------------------------------------------

def test_distances_agree_with_haversine_within_half_a_percent():
    layers = make_layers(
        [kiln("K1"), kiln("K2", district=KASUR, lon=68.36, lat=25.40)],  # Lahore; Hyderabad (Sindh)
        schools=[at(1.0, school_id="S1", level="high", gender="boys"),
                 at(3.0, school_id="S2", level="primary", gender="girls"),
                 {"school_id": "S3", "lon": 68.36, "lat": 25.40 + 4 / KM_PER_DEG_LAT, "district_pcode": KASUR}],
        health=[at(0, facility_id="H1", lon=LON + 0.05)],  # due east: along a parallel
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    expected = {
        ("K1", "dist_school_m"): haversine_m(LON, LAT, LON, north(1.0)),
        ("K1", "dist_girls_school_m"): haversine_m(LON, LAT, LON, north(3.0)),
        ("K1", "dist_health_m"): haversine_m(LON, LAT, LON + 0.05, LAT),
        ("K2", "dist_school_m"): haversine_m(68.36, 25.40, 68.36, 25.40 + 4 / KM_PER_DEG_LAT),
    }
    for (kiln_id, column), metres in expected.items():
        assert g.loc[kiln_id, column] == pytest.approx(metres, rel=0.005), (kiln_id, column)
    assert 990 < g.loc["K1", "dist_school_m"] < 1010
    assert bool(g.loc["K1", "desert_school"]) is False  # bool(<NA>) would raise: this is a value
    assert bool(g.loc["K1", "desert_girls_school"]) is True  # 3 km > 2 km
    assert bool(g.loc["K1", "desert_health"]) is False  # ~4.7 km < 5 km


def test_girls_school_is_a_primary_school_open_to_girls():
    layers = make_layers(
        [kiln("K1")],
        schools=[at(0.5, school_id="boys-primary", level="primary", gender="boys"),
                 at(0.8, school_id="girls-middle", level="middle", gender="girls"),
                 at(1.5, school_id="mixed-primary", level="primary", gender="mixed"),
                 at(2.5, school_id="girls-primary", level="primary", gender="girls")],
    )
    g = kiln_gaps(layers, as_of=AS_OF).iloc[0]
    assert g["dist_school_m"] == pytest.approx(500, rel=0.005)
    assert g["dist_girls_school_m"] == pytest.approx(1500, rel=0.005)
    picked = service_points(layers, "girls_school", as_of=AS_OF)
    assert sorted(picked["school_id"]) == ["girls-primary", "mixed-primary"]


def test_only_ngo_services_active_on_the_day_count():
    layers = make_layers(
        [kiln("K1")],
        ngo=[at(1, service_id="ended", start_date="2020-01-01", end_date="2026-10-31"),
             at(2, service_id="future", start_date="2026-11-02", end_date=None),
             at(11, service_id="ends-today", start_date=None, end_date="2026-11-01"),
             at(12, service_id="open", start_date=None, end_date=None)],
    )
    assert sorted(service_points(layers, "ngo", as_of=AS_OF)["service_id"]) == ["ends-today", "open"]
    g = kiln_gaps(layers, as_of=AS_OF).iloc[0]
    assert g["dist_ngo_m"] == pytest.approx(11_000, rel=0.005)
    assert bool(g["desert_ngo"]) is True
    later = kiln_gaps(layers, as_of=date(2026, 11, 2)).iloc[0]  # "future" has started, "ends-today" ended
    assert later["dist_ngo_m"] == pytest.approx(2_000, rel=0.005)
    assert bool(later["desert_ngo"]) is False


def test_no_records_in_the_province_is_no_data_not_a_desert():
    layers = make_layers(
        [kiln("in-lahore"), kiln("in-kasur", km_north=0.5, district=SINDH), kiln("nowhere", district=None)],
        schools=[at(5, school_id="S1")],  # Punjab only
        ngo=[at(1, service_id="N1", district=SINDH,
              start_date="2020-01-01", end_date="2021-01-01")],  # Sindh only, ended
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    assert str(g["desert_school"].dtype) == "boolean"
    assert bool(g.loc["in-lahore", "desert_school"]) is True  # 5 km > 2 km
    assert g.loc["in-lahore", "dist_school_m"] == pytest.approx(5_000, rel=0.005)
    for kiln_id in ("in-kasur", "nowhere"):
        assert pd.isna(g.loc[kiln_id, "desert_school"]) and np.isnan(g.loc[kiln_id, "dist_school_m"])
        assert g.loc[kiln_id, "score_no_school"] == 0
    assert g["desert_health"].isna().all() and g["dist_health_m"].isna().all()  # no health records at all
    # Sindh has NGO records, none active: a desert as far as the data knows; Punjab has none: no data
    assert bool(g.loc["in-kasur", "desert_ngo"]) is True
    assert np.isnan(g.loc["in-kasur", "dist_ngo_m"])
    assert pd.isna(g.loc["in-lahore", "desert_ngo"])
    reasons = explain_parts(kiln_gaps(layers, as_of=AS_OF)).set_index(g.index)
    assert reasons.loc["in-kasur", "no_ngo"] == "Context: no active NGO service recorded (+5)"
    assert pd.isna(reasons.loc["in-kasur", "no_school"])


# -- visits ----------------------------------------------------------------------------------------------

def test_visit_status_at_the_boundaries():
    layers = make_layers(
        [kiln(k) for k in ("never", "due-today", "overdue", "soon-edge", "recent", "future-only", "with-future")],
        inspections=[
            visit("due-today", "2026-05-01"),    # due 2026-11-01 = as-of: not yet overdue
            visit("overdue", "2026-04-30"),      # due 2026-10-30
            visit("soon-edge", "2026-06-01"),    # due 2026-12-01, exactly 30 days ahead
            visit("recent", "2026-06-02"),       # due 2026-12-02, 31 days ahead
            visit("future-only", "2026-11-02"),  # after the as-of date: not happened yet
            visit("with-future", "2026-05-01"),
            visit("with-future", "2026-12-01", bonded="yes", children=3),
            visit(None, "2026-10-01"),           # no kiln: counts for no kiln
        ],
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    assert g["visit_status"].to_dict() == {
        "never": "never", "due-today": "due_soon", "overdue": "overdue", "soon-edge": "due_soon",
        "recent": "recent", "future-only": "never", "with-future": "due_soon",
    }
    assert pd.isna(g.loc["never", "last_visit_date"]) and np.isnan(g.loc["never", "days_since_visit"])
    assert g.loc["overdue", "days_since_visit"] == 185
    assert g.loc["with-future", "last_visit_date"] == pd.Timestamp("2026-05-01")
    assert not g.loc["with-future", "finding_recorded"] and not g.loc["with-future", "children_recorded"]
    assert g.loc["due-today", "next_visit_due"] == pd.Timestamp("2026-11-01")
    assert set(g["visit_status"]) <= set(VISIT_STATUSES)


def test_visits_in_the_last_twelve_months():
    layers = make_layers([kiln("K1")], inspections=[
        visit("K1", "2025-10-31"), visit("K1", "2025-11-01"), visit("K1", "2026-03-01"), visit("K1", "2026-11-01"),
        visit("K1", "2026-11-05"),
    ])
    g = kiln_gaps(layers, as_of=AS_OF).iloc[0]
    assert g["visits_12m"] == 3  # 2025-11-01 to 2026-11-01 inclusive; not before, not after
    assert g["days_since_visit"] == 0 and g["visit_status"] == "recent"


def test_a_recorded_finding_shortens_the_revisit_interval():
    layers = make_layers(
        [kiln("finding"), kiln("clean"), kiln("old-finding")],
        inspections=[visit("finding", "2026-07-01", bonded="yes"), visit("clean", "2026-07-01"),
                     visit("old-finding", "2025-01-10", child="yes"), visit("old-finding", "2026-09-15")],
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    assert g.loc["finding", "revisit_months"] == 3 and g.loc["finding", "visit_status"] == "overdue"
    assert g.loc["clean", "revisit_months"] == 6 and g.loc["clean", "visit_status"] == "recent"
    assert g.loc["finding", "last_finding_date"] == pd.Timestamp("2026-07-01")
    assert g.loc["finding", "last_finding"] == "bonded labour indicators"
    # a later clean visit does not erase the earlier finding: still the shorter interval, due 2026-12-15
    assert g.loc["old-finding", "finding_recorded"] and g.loc["old-finding", "revisit_months"] == 3
    assert g.loc["old-finding", "last_finding"] == "child labour observed"
    assert g.loc["old-finding", "visit_status"] == "recent"
    assert not g.loc["clean", "finding_recorded"] and pd.isna(g.loc["clean", "last_finding_date"])


def test_children_and_workers_from_visits_and_the_register():
    layers = make_layers(
        [kiln("counted", workers_reported=300), kiln("register", children_reported=4, workers_reported=75),
         kiln("none")],
        inspections=[visit("counted", "2026-01-05", children=2, workers=60), visit("counted", "2026-03-05", workers=90),
                     visit("none", "2026-03-05", children=0)],
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    assert g["children_recorded"].to_dict() == {"counted": True, "register": True, "none": False}
    assert g.loc["counted", "workers_latest"] == 90  # the latest visit's count beats the undated register
    assert g.loc["register", "workers_latest"] == 75
    assert np.isnan(g.loc["none", "workers_latest"])
    assert g.loc["counted", "score_workers"] == 3.0  # 5 × 90 / 150
    assert g.loc["register", "score_workers"] == 2.5
    parts = explain_parts(g.reset_index())
    assert parts.loc[0, "children_recorded"] == "Recorded at a visit on 2026-01-05: 2 children counted at the kiln (+15)"
    assert parts.loc[1, "children_recorded"] == "Kiln register: 4 children reported (+15)"


# -- priority --------------------------------------------------------------------------------------------

def test_priority_is_the_sum_of_hand_computed_components():
    layers = make_layers(
        [kiln("A"), kiln("B", district=SINDH)],
        inspections=[visit("A", "2026-08-03", child="yes", bonded="yes", workers=300)],  # 90 days before as-of
        schools=[at(3, school_id="S1", level="primary", gender="girls")],
        health=[at(1, facility_id="H1")],
        committees=[{"district_pcode": LAHORE, "notified": "yes", "last_meeting_date": "2025-01-01"}],
    )
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    a = g.loc["A"]
    time_points = round(30 * 90 / (2 * 3 * DAYS_PER_MONTH), 1)  # finding: 3-month interval
    assert a["score_time_since_visit"] == time_points == 14.8
    assert (a["score_prior_finding"], a["score_children_recorded"], a["score_workers"]) == (25, 0, 5)
    assert (a["score_no_school"], a["score_no_girls_school"], a["score_no_health"], a["score_no_ngo"]) == (8, 7, 0, 0)
    assert a["dvc_status"] == "dormant" and a["score_no_active_dvc"] == 10
    assert a["priority"] == pytest.approx(14.8 + 25 + 5 + 8 + 7 + 10)
    b = g.loc["B"]  # never visited, no service data in its province, no DVC record
    assert b["dvc_status"] == "unknown"
    assert b["priority"] == 30 + 10
    scores = g[[f"score_{c.key}" for c in PRIORITY_COMPONENTS]].sum(axis=1)
    assert np.allclose(scores, g["priority"])

    heavy = GapSettings(weights={"prior_finding": 40, "no_active_dvc": 0})
    h = by_id(kiln_gaps(layers, as_of=AS_OF, settings=heavy)).loc["A"]
    assert h["score_prior_finding"] == 40 and h["score_no_active_dvc"] == 0
    assert h["priority"] == pytest.approx(14.8 + 40 + 5 + 8 + 7)


def test_custom_weights_change_the_ranking():
    layers = make_layers(
        [kiln("never"), kiln("finding")],
        inspections=[visit("finding", "2026-10-20", child="yes")],  # 12 days ago
        committees=[{"district_pcode": LAHORE, "notified": "yes", "last_meeting_date": "2026-10-01"}],
    )
    default = rank_priorities(kiln_gaps(layers, as_of=AS_OF))
    assert default["kiln_id"].tolist() == ["never", "finding"]  # 30 against 25 + 30 × 12 / (2 × 91.3) = 27
    evidence_first = GapSettings(weights={"time_since_visit": 10, "prior_finding": 50})
    custom = rank_priorities(kiln_gaps(layers, as_of=AS_OF, settings=evidence_first))
    assert custom["kiln_id"].tolist() == ["finding", "never"]
    assert custom["rank"].tolist() == [1, 2]


def test_rank_breaks_ties_by_kiln_id_and_filters():
    layers = make_layers([kiln("K3"), kiln("K1"), kiln("K2", district=KASUR)])
    gaps = kiln_gaps(layers, as_of=AS_OF)
    assert rank_priorities(gaps)["kiln_id"].tolist() == ["K1", "K2", "K3"]
    assert rank_priorities(gaps, limit=2)["rank"].tolist() == [1, 2]
    assert rank_priorities(gaps, district=LAHORE)["kiln_id"].tolist() == ["K1", "K3"]
    only = kiln_gaps(layers, as_of=AS_OF, district=KASUR)
    assert only["kiln_id"].tolist() == ["K2"] and only.index.tolist() == [2]


# -- wording ---------------------------------------------------------------------------------------------

def test_reasons_state_findings_only_as_recorded_at_a_visit():
    layers = make_layers(
        [kiln("K1"), kiln("K2"), kiln("K3", district=KASUR)],
        inspections=[visit("K1", "2025-03-10", bonded="yes", children=4)],
        schools=[at(3.4, school_id="S1")],
        committees=[{"district_pcode": LAHORE, "notified": "yes", "last_meeting_date": "2024-01-01"},
                    {"district_pcode": KASUR, "notified": "no", "last_meeting_date": None}],
    )
    gaps = kiln_gaps(layers, as_of=AS_OF)
    lines = explain(gaps).tolist()
    k1, k2, k3 = (line.split("; ") for line in lines)
    assert "Recorded at a visit on 2025-03-10: bonded labour indicators (+25)" in k1
    assert "Recorded at a visit on 2025-03-10: 4 children counted at the kiln (+15)" in k1
    assert "Context: nearest school 3.4 km, beyond 2 km (+8)" in k1
    assert "Context: district has no active DVC (dormant) (+10)" in k1
    assert k1[0] == "Last visit recorded on 2025-03-10, 601 days ago, revisit every 3 months: overdue (+30)"
    assert k2[0] == "Never visited: no inspection recorded (+30)"
    assert "Context: district has no active DVC (not notified) (+10)" in k3
    for reason in k1 + k2 + k3:
        assert "uses" not in reason.lower() and "employs" not in reason.lower()
        if "labour" in reason:
            assert reason.startswith("Recorded at a visit on ")
    assert explain(gaps).index.equals(gaps.index)


def test_components_and_services_are_described():
    keys = [c.key for c in PRIORITY_COMPONENTS]
    assert keys == list(DEFAULT_WEIGHTS) and len(set(keys)) == len(keys)
    assert {c.key for c in PRIORITY_COMPONENTS if c.kind == "evidence"} == {"prior_finding", "children_recorded"}
    assert {f"no_{s.key}" for s in SERVICES} <= set(keys)
    for s in SERVICES:
        assert isinstance(getattr(GapSettings(), s.threshold), float)


# -- settings --------------------------------------------------------------------------------------------

def test_settings_are_validated_merged_and_hashable():
    with pytest.raises(ValueError, match="school_km must not be negative"):
        GapSettings(school_km=-1)
    with pytest.raises(ValueError, match="revisit_months must be positive"):
        GapSettings(revisit_months=0)
    with pytest.raises(ValueError, match="weight workers must not be negative"):
        GapSettings(weights={"workers": -2})
    with pytest.raises(ValueError, match="unknown weights bogus"):
        GapSettings(weights={"bogus": 1})
    custom = GapSettings(weights={"prior_finding": 40})
    assert custom.weights == {**DEFAULT_WEIGHTS, "prior_finding": 40.0}
    assert dataclasses.replace(custom, ngo_km=5).weights["prior_finding"] == 40
    assert hash(custom) == hash(GapSettings(weights={"prior_finding": 40})) and custom != GapSettings()
    assert GapSettings().threshold_m(SERVICES[0]) == 2000


# -- the shipped data ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    layers = load_layers(None)
    return layers, kiln_gaps(layers, as_of=AS_OF)


def test_shipped_data_every_kiln_once_with_sane_values(shipped):
    layers, gaps = shipped
    kilns = layers["kilns"].frame
    assert len(gaps) == len(kilns) == 9890
    assert gaps["kiln_id"].tolist() == kilns["kiln_id"].tolist() and gaps["kiln_id"].is_unique
    assert gaps.crs == "EPSG:4326" and not gaps["synthetic"].any()
    assert set(gaps["visit_status"]) == set(VISIT_STATUSES)
    visited = set(layers["inspections"].frame.loc[lambda v: v["visit_date"] <= pd.Timestamp(AS_OF), "kiln_id"])
    assert (gaps["visit_status"] != "never").sum() == len(visited & set(kilns["kiln_id"]))
    for service in SERVICES:
        dist = gaps[f"dist_{service.key}_m"]
        assert (dist.dropna() >= 0).all() and dist.notna().any()
        desert = gaps[f"desert_{service.key}"]
        known = desert.notna() & dist.notna()
        threshold = GapSettings().threshold_m(service)
        assert (desert[known].astype(bool) == (dist[known] > threshold)).all()
        assert dist[desert.isna()].isna().all()
    assert (gaps["days_since_visit"].dropna() >= 0).all() and (gaps["visits_12m"] >= 0).all()
    scores = gaps[[f"score_{c.key}" for c in PRIORITY_COMPONENTS]]
    assert np.allclose(scores.sum(axis=1), gaps["priority"]) and (scores >= 0).all().all()
    assert gaps["priority"].max() <= sum(DEFAULT_WEIGHTS.values())
    assert set(gaps["dvc_status"]) <= {"active", "dormant", "not_notified", "unknown"}


def test_shipped_data_district_view_and_reasons(shipped):
    layers, gaps = shipped
    lahore = kiln_gaps(layers, as_of=AS_OF, district=LAHORE)
    assert len(lahore) == (gaps["district_pcode"] == LAHORE).sum() > 0
    pd.testing.assert_frame_equal(pd.DataFrame(lahore.drop(columns="geometry")),
                                  pd.DataFrame(gaps[gaps["district_pcode"] == LAHORE].drop(columns="geometry")))
    lines = explain(gaps)
    assert (lines != "").all()
    reasons = lines.str.split("; ").explode()
    assert not reasons.str.contains(r"\buses?\b", case=False).any()
    assert reasons[reasons.str.contains("labour")].str.startswith("Recorded at a visit on ").all()


def test_scaled_kilns_keep_the_contract(shipped):
    from loaders.geo import reference, scaled_kilns

    layers, _ = shipped
    more = {**layers, "kilns": dataclasses.replace(layers["kilns"], frame=scaled_kilns(reference().kilns, 12_000))}
    gaps = kiln_gaps(more, as_of=AS_OF)
    assert len(gaps) == 12_000 and gaps["kiln_id"].is_unique
    assert gaps["dist_school_m"].notna().all()


def test_an_active_tehsil_committee_covers_its_kilns():
    layers = make_layers(
        [kiln("in-tehsil", tehsil_pcode="PK61701"), kiln("elsewhere", tehsil_pcode="PK61702")],
        committees=[{"district_pcode": LAHORE, "notified": "yes", "last_meeting_date": "2024-01-01"}],
    )
    tehsil_row = pd.DataFrame([{"district_pcode": LAHORE, "tehsil_pcode": "PK61701", "notified": "yes",
                                "notified_date": None, "last_meeting_date": pd.Timestamp("2026-10-01")}])
    dvcs = layers["dvcs"].frame
    layers["dvcs"] = dataclasses.replace(layers["dvcs"], frame=pd.concat([dvcs, tehsil_row], ignore_index=True))
    g = by_id(kiln_gaps(layers, as_of=AS_OF))
    assert g.loc["in-tehsil", "dvc_status"] == "active" and g.loc["in-tehsil", "score_no_active_dvc"] == 0
    assert g.loc["elsewhere", "dvc_status"] == "dormant" and g.loc["elsewhere", "score_no_active_dvc"] == 10
