"""Spatial join: known places land in the right district and tehsil P-code."""

import geopandas as gpd
import numpy as np
import pytest

from loaders.geo import METRIC_CRS, assign_admin, reference

KNOWN = [  # (place, lon, lat, district P-code, tehsil P-code)
    ("Lahore, Mall Road", 74.3587, 31.5204, "PK617", "PK61701"),
    ("Saddar, Karachi", 67.0299, 24.8556, "PK721", "PK72103"),
    ("Hyderabad city", 68.3578, 25.3960, "PK706", "PK70602"),
    ("Kasur city", 74.4500, 31.1167, "PK614", "PK61402"),
    ("Sukkur city", 68.8574, 27.7052, "PK723", "PK72305"),
    ("Multan city", 71.4753, 30.1575, "PK622", "PK62202"),
]


@pytest.fixture(scope="module")
def ref():
    return reference()


def _points(coords):
    return gpd.GeoSeries(gpd.points_from_xy([c[0] for c in coords], [c[1] for c in coords]), crs="EPSG:4326")


def test_known_places(ref):
    admin = assign_admin(_points([(k[1], k[2]) for k in KNOWN]), ref)
    assert admin["district_pcode"].tolist() == [k[3] for k in KNOWN]
    assert admin["tehsil_pcode"].tolist() == [k[4] for k in KNOWN]


def test_outside_punjab_and_sindh_gets_no_district(ref):
    admin = assign_admin(_points([(71.5249, 34.0151), (66.99, 30.18)]), ref)  # Peshawar, Quetta
    assert admin["district_pcode"].isna().all()


def test_point_just_across_a_border_is_snapped_with_its_distance(ref):
    lahore = ref.districts_full.loc[ref.districts_full["ADM2_PCODE"] == "PK617"].to_crs(METRIC_CRS)
    # 500 m east of Lahore's easternmost vertex: across the India border, within the 2 km snap distance
    xy = np.asarray(lahore.geometry.iloc[0].exterior.coords) if lahore.geometry.iloc[0].geom_type == "Polygon" \
        else np.vstack([np.asarray(g.exterior.coords) for g in lahore.geometry.iloc[0].geoms])
    east = xy[np.argmax(xy[:, 0])] + [500, 0]
    point = gpd.GeoSeries(gpd.points_from_xy([east[0]], [east[1]]), crs=METRIC_CRS).to_crs("EPSG:4326")
    admin = assign_admin(point, ref)
    assert admin.loc[0, "district_pcode"] == "PK617"
    assert 400 < admin.loc[0, "snapped_m"] <= 600


def test_reproduces_the_shipped_kiln_joins(ref):
    kilns = ref.kilns
    admin = assign_admin(kilns.geometry, ref)
    assert (admin["district_pcode"].values == kilns["district_pcode"].values).all()
    assert (admin["tehsil_pcode"].values == kilns["tehsil_pcode"].values).all()
    assert all(t.startswith(d) for t, d in zip(admin["tehsil_pcode"], admin["district_pcode"], strict=True))


def test_reference_counts(ref):
    assert len(ref.districts) == 65 and len(ref.tehsils) == 264 and len(ref.kilns) == 9890
    assert ref.population["pop_total_2023"].sum() == 127_688_922 + 55_696_147
