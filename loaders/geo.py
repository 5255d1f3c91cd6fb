"""Shipped real reference data: boundaries, detected kilns, census population, towns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders.paths import CANDIDATES_DIR, GEO_DIR

WGS84 = "EPSG:4326"

KILN_SOURCE = "Hamdani et al. 2025 (APAD), satellite detection, CC BY 4.0"


@dataclass(frozen=True, eq=False)  # hashed by identity: cached per loaded instance
class Reference:
    """The real data every page and command starts from (all in EPSG:4326)."""

    provinces: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    """Simplified districts for display, with population joined on ADM2_PCODE."""
    districts_full: gpd.GeoDataFrame
    """Full-resolution districts: use for point-in-polygon of new points."""
    tehsils: gpd.GeoDataFrame
    kilns: gpd.GeoDataFrame
    population: pd.DataFrame
    towns: gpd.GeoDataFrame
    district_hq: pd.DataFrame


def read_kilns() -> gpd.GeoDataFrame:
    """The 9,890 satellite-detected kilns, with their district and tehsil P-codes, as points."""
    raw = pd.read_csv(GEO_DIR / "brick_kilns.csv", dtype={"district_pcode": str, "tehsil_pcode": str})
    kilns = gpd.GeoDataFrame(
        raw[["kiln_id", "kiln_type", "kiln_type_label", "district_pcode", "tehsil_pcode", "lat", "lon"]].copy(),
        geometry=gpd.points_from_xy(raw["lon"], raw["lat"]),
        crs=WGS84,
    )
    kilns["source"] = KILN_SOURCE
    kilns["synthetic"] = False
    return kilns


@cache
def reference() -> Reference:
    """Load and cache the shipped real data (about 0.5 s; call once per process)."""
    population = pd.read_csv(GEO_DIR / "district_population_2023.csv")
    districts = gpd.read_file(GEO_DIR / "districts.geojson", engine="pyogrio")
    districts = districts.merge(
        population[["ADM2_PCODE", "pop_total_2023", "pop_urban_2023", "pop_rural_2023", "mapping"]],
        on="ADM2_PCODE",
        how="left",
    )
    towns_raw = pd.read_csv(CANDIDATES_DIR / "populated_places_geonames_punjab_sindh.csv")
    towns = gpd.GeoDataFrame(towns_raw, geometry=gpd.points_from_xy(towns_raw.lon, towns_raw.lat), crs=WGS84)
    return Reference(
        provinces=gpd.read_file(GEO_DIR / "provinces.geojson", engine="pyogrio"),
        districts=districts,
        districts_full=gpd.read_file(GEO_DIR / "districts_full.gpkg", layer="districts", engine="pyogrio"),
        tehsils=gpd.read_file(GEO_DIR / "tehsils.geojson", engine="pyogrio"),
        kilns=read_kilns(),
        population=population,
        towns=towns,
        district_hq=pd.read_csv(CANDIDATES_DIR / "district_hq_towns_geonames.csv"),
    )


def assign_admin(points: gpd.GeoSeries, ref: Reference | None = None, *, snap_m: float = 2000.0) -> pd.DataFrame:
    """District and tehsil P-codes for points, via spatial indexes (no loop over pairs).

    A point inside a full-resolution district gets it; a point outside every district but within
    ``snap_m`` metres of one is snapped to the nearest (border rounding); others get no district.
    The tehsil is the tehsil *of that district* containing the point, else its nearest tehsil,
    so ``tehsil_pcode[:5] == district_pcode`` always holds.

    Returns
    -------
    DataFrame indexed like ``points`` with ``district_pcode``, ``tehsil_pcode``, ``snapped_m``.
    """
    ref = ref or reference()
    geoms = np.asarray(points.values, dtype=object)
    n = len(geoms)
    district_pcode = np.full(n, None, dtype=object)
    tehsil_pcode = np.full(n, None, dtype=object)
    snapped_m = np.full(n, np.nan)
    valid = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    if n == 0 or not valid.any():
        return pd.DataFrame({"district_pcode": district_pcode, "tehsil_pcode": tehsil_pcode, "snapped_m": snapped_m},
                            index=points.index)

    districts = ref.districts_full
    tree = shapely.STRtree(districts.geometry.values)
    idx = np.flatnonzero(valid)
    pt_i, poly_i = tree.query(geoms[idx], predicate="within")
    district_pcode[idx[pt_i]] = districts["ADM2_PCODE"].values[poly_i]

    missing = idx[[district_pcode[i] is None for i in idx]]
    if len(missing):
        metric = gpd.GeoSeries(geoms[missing], crs=WGS84).to_crs(METRIC_CRS).values
        dist_tree = shapely.STRtree(districts.to_crs(METRIC_CRS).geometry.values)
        near_pt, near_poly = dist_tree.query_nearest(metric, max_distance=snap_m, return_distance=False)
        if len(near_pt):
            dist = shapely.distance(metric[near_pt], dist_tree.geometries[near_poly])
            district_pcode[missing[near_pt]] = districts["ADM2_PCODE"].values[near_poly]
            snapped_m[missing[near_pt]] = np.round(dist, 1)

    tehsils = ref.tehsils
    t_tree = shapely.STRtree(tehsils.geometry.values)
    has_d = np.flatnonzero([d is not None for d in district_pcode])
    if len(has_d):
        pt_i, t_i = t_tree.query(geoms[has_d], predicate="within")
        same = tehsils["ADM2_PCODE"].values[t_i] == district_pcode[has_d[pt_i]]
        tehsil_pcode[has_d[pt_i[same]]] = tehsils["ADM3_PCODE"].values[t_i[same]]
        for i in has_d[[tehsil_pcode[i] is None for i in has_d]]:
            # rare (generalised tehsil edges): nearest tehsil of the same district
            own = tehsils[tehsils["ADM2_PCODE"] == district_pcode[i]]
            if len(own):
                d = shapely.distance(own.geometry.values, geoms[i])
                tehsil_pcode[i] = own["ADM3_PCODE"].values[int(np.argmin(d))]
    return pd.DataFrame({"district_pcode": district_pcode, "tehsil_pcode": tehsil_pcode, "snapped_m": snapped_m},
                        index=points.index)


METRIC_CRS = "+proj=aea +lat_0=29 +lon_0=71 +lat_1=25 +lat_2=33 +datum=WGS84 +units=m +no_defs"
"""Albers equal-area centred on 71°E, standard parallels 25° and 33°: distances and areas in Pakistan."""


def scaled_kilns(kilns: gpd.GeoDataFrame, n: int, *, seed: int = 100_000) -> gpd.GeoDataFrame:
    """``n`` kilns made from the real ones for scale tests: copies jittered by ~2 km, deterministic.

    Each copy keeps its source kiln's district and tehsil and gets a unique id (``BKP-7~3``).
    """
    rng = np.random.default_rng(seed)
    idx = np.arange(n) % len(kilns)
    copy = np.arange(n) // len(kilns)
    out = kilns.iloc[idx].reset_index(drop=True).copy()
    jitter = np.where(copy[:, None] == 0, 0.0, rng.normal(0, 0.02, (n, 2)))
    out["lon"] = out["lon"].to_numpy() + jitter[:, 0]
    out["lat"] = out["lat"].to_numpy() + jitter[:, 1]
    out["kiln_id"] = [k if c == 0 else f"{k}~{c}" for k, c in zip(out["kiln_id"], copy, strict=True)]
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs=WGS84)
