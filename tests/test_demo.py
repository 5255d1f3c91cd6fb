"""The synthetic demo layers: deterministic, flagged, plausible, valid against the contracts, never stale."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from loaders.contracts import CONTRACTS, HEALTH_TYPES, NGO_SERVICES, VISIT_ACTIONS
from loaders.demo import DEMO_AS_OF, DEMO_SEED, LAYER_FILES, generate_demo
from loaders.paths import DEMO_DIR, GEO_DIR

POINT_LAYERS = ("schools", "health", "ngo", "inspections")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    written = generate_demo(out)
    assert set(written) == set(LAYER_FILES)
    return out


@pytest.fixture(scope="module")
def layers(demo_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        layer: pd.read_csv(demo_dir / name, dtype=str, keep_default_na=False)
        for layer, name in LAYER_FILES.items()
    }


@pytest.fixture(scope="module")
def kilns() -> pd.DataFrame:
    return pd.read_csv(GEO_DIR / "brick_kilns.csv", dtype=str, keep_default_na=False).set_index("kiln_id")


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return gpd.read_file(GEO_DIR / "districts_full.gpkg", layer="districts", engine="pyogrio")


def _district_of(frame: pd.DataFrame, districts: gpd.GeoDataFrame) -> np.ndarray:
    """District P-code of each row's point from the full-resolution polygons (None when outside)."""
    points = shapely.points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy())
    found = np.full(len(points), None, dtype=object)
    pt, poly = shapely.STRtree(districts.geometry.values).query(points, predicate="within")
    found[pt] = districts["ADM2_PCODE"].to_numpy()[poly]
    return found


def test_two_runs_are_byte_identical(demo_dir: Path, tmp_path: Path) -> None:
    again = generate_demo(tmp_path, seed=DEMO_SEED, as_of=DEMO_AS_OF)
    for layer, path in again.items():
        assert path.read_bytes() == (demo_dir / LAYER_FILES[layer]).read_bytes(), layer
    assert (tmp_path / "README.md").read_bytes() == (demo_dir / "README.md").read_bytes()


def test_committed_demo_files_equal_a_fresh_generation(demo_dir: Path) -> None:
    for name in (*LAYER_FILES.values(), "README.md"):
        committed = DEMO_DIR / name
        assert committed.exists(), f"{committed} missing: run `bhatta demo`"
        assert committed.read_bytes() == (demo_dir / name).read_bytes(), f"{name} is stale: run `bhatta demo`"


def test_every_row_is_synthetic(layers: dict[str, pd.DataFrame]) -> None:
    for layer, frame in layers.items():
        assert len(frame), layer
        assert (frame["synthetic"] == "True").all(), layer


def test_readme_says_synthetic_with_seed_date_and_counts(
    demo_dir: Path, layers: dict[str, pd.DataFrame]
) -> None:
    text = (demo_dir / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "never present it as real" in text
    assert str(DEMO_SEED) in text and DEMO_AS_OF.isoformat() in text
    for layer, frame in layers.items():
        assert f"| `{LAYER_FILES[layer]}` | {len(frame):,} |" in text


def test_columns_follow_the_contracts_and_hold_no_contact_data(layers: dict[str, pd.DataFrame]) -> None:
    for layer, frame in layers.items():
        spec = CONTRACTS[layer]
        names = {f.name for f in spec.fields}
        extra = set(frame.columns) - names - {"synthetic", "lat", "lon", "district_pcode", "tehsil_pcode"}
        assert extra <= {"district_name"}, (layer, extra)
        assert all(f.name in frame for f in spec.required), layer
        if spec.id_field:
            assert frame[spec.id_field].is_unique, layer
        for column in frame.columns:
            assert not re.search(r"phone|cnic|mobile|contact|email", column, re.IGNORECASE), (layer, column)
        for f in spec.fields:
            if f.categories and f.name in frame:
                values = set(frame[f.name]) - {""}
                assert values <= set(f.categories), (layer, f.name, values - set(f.categories))
            if f.kind == "int" and f.name in frame:
                numbers = pd.to_numeric(frame[f.name])
                assert numbers.between(f.minimum, f.maximum).all(), (layer, f.name)
    text = pd.concat([frame.astype(str).apply(" ".join, axis=1) for frame in layers.values()])
    assert not text.str.contains(r"\b03\d{2}-?\d{7}\b|\b\d{5}-\d{7}-\d\b").any(), (
        "phone number or CNIC pattern"
    )


def test_counts_are_in_range(layers: dict[str, pd.DataFrame]) -> None:
    schools, health, ngo = layers["schools"], layers["health"], layers["ngo"]
    assert 25_000 <= len(schools) <= 36_000
    share = schools["level"].value_counts(normalize=True)
    assert 0.65 <= share["primary"] <= 0.75 and 0.01 <= share["higher_secondary"] <= 0.05
    management = schools["management"].value_counts(normalize=True)
    assert 0.55 <= management["public"] <= 0.65 and 0.30 <= management["private"] <= 0.40
    assert 0.03 <= management["non_formal"] <= 0.07
    by_type = health["facility_type"].value_counts()
    assert set(by_type.index) <= set(HEALTH_TYPES)
    assert (
        by_type["DHQ"] == 65
        and health.loc[health["facility_type"] == "DHQ", "district_pcode"].nunique() == 65
    )
    assert 150 <= by_type["THQ"] <= 264
    assert (
        2_500 <= by_type["BHU"] <= 5_000
        and 300 <= by_type["RHC"] <= 700
        and 200 <= by_type["dispensary"] <= 500
    )
    assert 200 <= len(ngo) <= 400
    assert set(ngo["service_type"]) == set(NGO_SERVICES)


def test_dvcs_cover_all_districts_and_sindh_is_about_half_not_notified(
    layers: dict[str, pd.DataFrame], districts: gpd.GeoDataFrame
) -> None:
    dvcs = layers["dvcs"]
    district_rows = dvcs[dvcs["tehsil"] == ""]
    assert sorted(district_rows["district"]) == sorted(districts["ADM2_PCODE"])
    assert district_rows["district"].is_unique
    tehsil_rows = dvcs[dvcs["tehsil"] != ""]
    assert 1 <= tehsil_rows["district"].nunique() <= 3
    assert all(t.startswith(d) for t, d in zip(tehsil_rows["tehsil"], tehsil_rows["district"], strict=True))
    punjab = district_rows[district_rows["district"].str.startswith("PK6")]
    sindh = district_rows[district_rows["district"].str.startswith("PK7")]
    assert (punjab["notified"] == "yes").mean() >= 0.9
    assert 0.35 <= (sindh["notified"] == "no").mean() <= 0.65
    not_notified = dvcs[dvcs["notified"] == "no"]
    assert (not_notified[["notified_date", "last_meeting_date"]] == "").all().all()
    assert (pd.to_numeric(not_notified["meetings_last_12m"]) == 0).all()
    notified = dvcs[dvcs["notified"] == "yes"]
    assert (notified["notified_date"] != "").all()
    met = notified[notified["last_meeting_date"] != ""]
    assert (met["last_meeting_date"] > met["notified_date"]).all()
    assert (met["last_meeting_date"] <= DEMO_AS_OF.isoformat()).all()
    days_ago = (pd.Timestamp(DEMO_AS_OF) - pd.to_datetime(met["last_meeting_date"])).dt.days
    meetings = pd.to_numeric(met["meetings_last_12m"])
    assert ((days_ago <= 365) == (meetings > 0)).all(), (
        "meetings in 12 months must agree with the last meeting"
    )
    assert (days_ago <= 180).sum() >= 10 and (days_ago > 184).sum() >= 5, "want both active and dormant DVCs"
    assert not dvcs["chair"].str.contains(r"\b(?:Mr|Ms|Mrs|Dr)\b").any()


def test_points_lie_in_punjab_sindh_and_in_their_own_district(
    layers: dict[str, pd.DataFrame], districts: gpd.GeoDataFrame
) -> None:
    for layer in ("schools", "health", "ngo"):
        frame = layers[layer]
        if layer == "ngo":
            frame = frame[frame["kiln_id"] == ""]
        assert (
            frame["lat"].str.fullmatch(r"\d{2}\.\d{5}").all()
            and frame["lon"].str.fullmatch(r"\d{2}\.\d{5}").all()
        )
        found = _district_of(frame, districts)
        assert all(d is not None for d in found), f"{layer}: point outside Punjab and Sindh"
        assert (found == frame["district_pcode"].to_numpy()).all(), layer
        assert (frame["tehsil_pcode"].str[:5] == frame["district_pcode"]).all(), layer


def test_schools_are_sampled_inside_their_tehsil_and_follow_population(
    layers: dict[str, pd.DataFrame],
) -> None:
    schools = layers["schools"]
    tehsils = gpd.read_file(GEO_DIR / "tehsils.geojson", engine="pyogrio").set_index("ADM3_PCODE")
    polygons = tehsils.geometry.loc[schools["tehsil_pcode"]].values
    inside = shapely.contains_xy(polygons, schools["lon"].astype(float), schools["lat"].astype(float))
    assert inside.mean() >= 0.999
    population = pd.read_csv(GEO_DIR / "district_population_2023.csv").set_index("ADM2_PCODE")[
        "pop_total_2023"
    ]
    per_district = schools["district_pcode"].value_counts().reindex(population.index, fill_value=0)
    assert per_district.min() > 0
    assert np.corrcoef(per_district, population)[0, 1] > 0.95
    people_per_school = population.sum() / len(schools)
    assert 5_000 <= people_per_school <= 7_500
    # urban schools cluster: a city district has far more schools per km² than a desert one
    area = gpd.read_file(GEO_DIR / "districts_full.gpkg", layer="districts").set_index("ADM2_PCODE")[
        "area_km2"
    ]
    density = per_district / area
    assert density["PK617"] > 20 * density["PK726"]  # Lahore vs Tharparkar


def test_inspections_are_on_real_kilns_within_three_years(
    layers: dict[str, pd.DataFrame], kilns: pd.DataFrame
) -> None:
    visits = layers["inspections"]
    assert visits["kiln_id"].isin(kilns.index).all()
    at = kilns.loc[visits["kiln_id"]]
    assert (visits["lat"].to_numpy() == at["lat"].to_numpy()).all()
    assert (visits["lon"].to_numpy() == at["lon"].to_numpy()).all()
    assert (visits["district_pcode"].to_numpy() == at["district_pcode"].to_numpy()).all()
    dates = pd.to_datetime(visits["visit_date"], format="%Y-%m-%d")
    assert dates.max() <= pd.Timestamp(DEMO_AS_OF)
    assert dates.min() >= pd.Timestamp(date(DEMO_AS_OF.year - 3, DEMO_AS_OF.month, DEMO_AS_OF.day))
    assert not visits.duplicated(["kiln_id", "visit_date"]).any()
    share_visited = visits["kiln_id"].nunique() / len(kilns)
    assert 0.15 <= share_visited <= 0.30
    assert visits["kiln_id"].value_counts().max() >= 3, "some kilns are visited several times"
    child = (visits["child_labour_observed"] == "yes").mean()
    bonded = (visits["bonded_labour_indicators"] == "yes").mean()
    assert 0.10 <= child <= 0.20 and 0.15 <= bonded <= 0.25
    assert set(visits["action_taken"]) <= set(VISIT_ACTIONS)


def test_visits_follow_dvc_activity(layers: dict[str, pd.DataFrame], kilns: pd.DataFrame) -> None:
    dvcs = layers["dvcs"]
    rows = dvcs[dvcs["tehsil"] == ""].set_index("district")
    cutoff = (pd.Timestamp(DEMO_AS_OF) - pd.DateOffset(months=6)).strftime("%Y-%m-%d")
    active = set(rows.index[(rows["notified"] == "yes") & (rows["last_meeting_date"] >= cutoff)])
    visited = set(layers["inspections"]["kiln_id"])
    in_active = kilns["district_pcode"].isin(active)
    share = pd.Series(kilns.index.isin(list(visited)), index=kilns.index)
    assert share[in_active].mean() > share[~in_active].mean()


def test_inspection_fields_are_consistent(layers: dict[str, pd.DataFrame]) -> None:
    visits = layers["inspections"]
    bonded = visits["bonded_labour_indicators"] == "yes"
    advance = pd.to_numeric(visits["advance_amount_pkr"].replace("", np.nan))
    assert advance[bonded].between(20_000, 500_000).all()
    assert advance[~bonded].isna().mean() > 0.5
    children = pd.to_numeric(visits["children_count"])
    assert (children[visits["child_labour_observed"] == "no"] == 0).all()
    assert (children <= pd.to_numeric(visits["workers_count"])).all()
    assert visits["inspector"].str.fullmatch(r"Inspector [A-Z]\. Demo").all()
    assert visits["notes"].str.startswith("Demo record.").all()


def test_ngo_services_cluster_and_kiln_schools_sit_at_real_kilns(
    layers: dict[str, pd.DataFrame], kilns: pd.DataFrame
) -> None:
    ngo = layers["ngo"]
    assert ngo["district_pcode"].value_counts().head(6).sum() >= 0.6 * len(ngo)
    schools = ngo[ngo["service_type"] == "non_formal_school"]
    assert len(schools) and schools["kiln_id"].isin(kilns.index).all()
    assert schools["kiln_id"].is_unique
    at = kilns.loc[schools["kiln_id"]]
    assert (schools["lat"].to_numpy() == at["lat"].to_numpy()).all()
    assert (schools["district_pcode"].to_numpy() == at["district_pcode"].to_numpy()).all()
    assert (ngo.loc[ngo["service_type"] != "non_formal_school", "kiln_id"] == "").all()
    assert ngo["organisation"].str.fullmatch(r"Demo Partner [A-Z]").all()
    ended = ngo[ngo["end_date"] != ""]
    assert (ended["end_date"] >= ended["start_date"]).all() and (
        ended["end_date"] <= DEMO_AS_OF.isoformat()
    ).all()
    assert (ngo["start_date"] <= DEMO_AS_OF.isoformat()).all()
    assert 0 < (ngo["end_date"] == "").mean() < 1


def test_demo_files_pass_the_app_validator(demo_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("loaders.readers")
    from loaders.validate import check_file

    schools = pd.read_csv(demo_dir / "schools.csv", dtype=str, keep_default_na=False)
    sample = tmp_path / "schools.csv"
    schools.iloc[::15].to_csv(sample, index=False)  # the whole file is slow to validate row by row
    paths = {layer: demo_dir / name for layer, name in LAYER_FILES.items()} | {"schools": sample}
    today = DEMO_AS_OF
    for layer, path in paths.items():
        report = check_file(path, layer, today=today)
        assert not report.rejected, (layer, report.rejected[:3])
        assert len(report.accepted) == report.rows, layer
        assert report.accepted["synthetic"].all(), layer
