"""Synthetic demo layers (schools, health, NGO services, DVCs, inspections) on real boundaries and kilns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders.paths import CANDIDATES_DIR, DEMO_DIR, GEO_DIR

DEMO_SEED = 20261101
DEMO_AS_OF = date(2026, 11, 1)  # fixed, so the files do not change with the day they are generated

LAYER_FILES = {
    "schools": "schools.csv",
    "health": "health.csv",
    "ngo": "ngo.csv",
    "dvcs": "dvcs.csv",
    "inspections": "inspections.csv",
}

KM_PER_DEG = 111.32
PEOPLE_PER_RURAL_SCHOOL = 5_000  # rural schools are small and many: ~1 per 6,000 people overall
PEOPLE_PER_URBAN_SCHOOL = 8_000
RURAL_PEOPLE_PER_BHU = 27_500
RURAL_PEOPLE_PER_RHC = 200_000
DISPENSARIES = 300
NGO_SERVICES_TOTAL = 300
NGO_FOCUS_SHARE = 0.70
# kiln-heavy districts where real anti-bonded-labour portfolios cluster: Kasur, Faisalabad, Lahore,
# Sheikhupura, Multan, Sanghar (Sindh's district with most detected kilns)
NGO_FOCUS = {"PK614": 0.22, "PK608": 0.18, "PK617": 0.14, "PK633": 0.14, "PK622": 0.14, "PK718": 0.18}
NGO_ORGS = tuple(f"Demo Partner {c}" for c in "ABCDEFGH")
TEHSIL_DVC_DISTRICTS = ("PK608", "PK614")  # Faisalabad, Kasur: the demo shows tehsil committees here
KILNS_VISITED_SHARE = 0.22
VISIT_YEARS = 3
INSPECTORS = {
    "PK6": tuple(f"Inspector {c}. Demo" for c in "ABCDEFGH"),
    "PK7": tuple(f"Inspector {c}. Demo" for c in "PQRS"),
}
# kilns stop firing in the monsoon (roughly July-August), so few visits then
VISIT_MONTH_WEIGHT = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.6, 0.25, 0.25, 0.6, 1.0, 1.0, 1.0])

# invented place-name parts: plausible, not taken from any gazetteer
_PUNJAB_PREFIX = ("Basti", "Kot", "Pind", "Dera", "Mauza", "Jhok", "Tibba", "Khu")
_PUNJAB_ROOT = (
    "Kikar",
    "Nahar",
    "Sabz",
    "Pipal",
    "Shisham",
    "Chitta",
    "Kala",
    "Ber",
    "Bagh",
    "Toba",
    "Talab",
    "Sher",
    "Lal",
    "Nau",
    "Jand",
    "Wan",
    "Dhab",
    "Rakh",
    "Bela",
    "Sandal",
)
_PUNJAB_SUFFIX = ("wala", "pur", "abad", "garh", "ke", "wali", "")
_PUNJAB_TAIL = ("", "", "", " Kalan", " Khurd")
_CHAK_BLOCKS = ("GB", "JB", "RB", "WB", "EB", "ML", "NB", "SB", "TDA", "DNB")
_SINDH_PREFIX = ("Goth", "Goth", "Deh", "Wandh", "Tando", "Mirpur")
_SINDH_ROOT = (
    "Dhand",
    "Bhit",
    "Kario",
    "Nar",
    "Dhoro",
    "Mori",
    "Khor",
    "Jhol",
    "Sim",
    "Lakh",
    "Pat",
    "Thar",
    "Kachho",
    "Rohi",
    "Samo",
    "Wah",
    "Kandi",
    "Dubi",
)
_SINDH_SUFFIX = ("ani", "o", "ro", "wari", "abad", "pur", "")
_PRIVATE_SCHOOL = (
    "Al-Noor",
    "Iqra",
    "Hira",
    "Crescent",
    "Sunrise",
    "Green Valley",
    "Bright Future",
    "New Era",
    "Star",
    "Gulshan",
    "Rising Sun",
    "Faran",
    "Roshni",
    "Ilm",
)
_PRIVATE_KIND = ("Model School", "Grammar School", "Public School", "Science School", "Montessori School")

LEVELS = ("primary", "middle", "high", "higher_secondary")
LEVEL_P = (0.70, 0.15, 0.12, 0.03)
LEVEL_TITLE = {
    "primary": "Primary",
    "middle": "Middle",
    "high": "High",
    "higher_secondary": "Higher Secondary",
}
MANAGEMENT = ("public", "private", "non_formal")
# private schools are mostly urban; chosen so that ~60 / 35 / 5 % hold overall
MANAGEMENT_P = {"urban": (0.42, 0.55, 0.03), "rural": (0.69, 0.25, 0.06)}
GENDERS = ("girls", "boys", "mixed")
ENROLMENT_MEDIAN = {"primary": 110, "middle": 220, "high": 450, "higher_secondary": 700}

NGO_TYPES = ("non_formal_school", "mobile_health_camp", "legal_aid", "cnic_registration", "social_protection")
NGO_TYPE_P = (0.40, 0.20, 0.13, 0.15, 0.12)

ACTIONS = ("none", "advice", "children_enrolled", "fir_registered", "workers_released", "referred")
# action_taken given what the visit found: bonded labour / child labour only / neither
ACTION_P = {
    "bonded": (0.10, 0.20, 0.00, 0.25, 0.15, 0.30),
    "child": (0.10, 0.35, 0.40, 0.05, 0.00, 0.10),
    "clean": (0.55, 0.45, 0.00, 0.00, 0.00, 0.00),
}


@dataclass(frozen=True)
class _Base:
    """The real data the demo is built on, sorted by P-code so every run iterates the same way."""

    tehsils: pd.DataFrame
    """Tehsil P-codes and names, area_km2, estimated pop_urban and pop_rural, poly (tehsil ∩ district)."""
    districts: pd.DataFrame
    """ADM2_PCODE, ADM2_EN, ADM1_PCODE, geometry (full resolution), hq_name, hq_lon, hq_lat, kilns."""
    towns: pd.DataFrame
    """GeoNames places with population: name, lon, lat, population, ADM2_PCODE, ADM3_PCODE."""
    kilns: pd.DataFrame
    """kiln_id, lat/lon as written in brick_kilns.csv (text), x/y (float), district_pcode, tehsil_pcode."""
    towns_by_tehsil: dict[str, pd.DataFrame]


@dataclass
class _Points:
    """Generated points and the admin units they were sampled in."""

    lon: list[np.ndarray]
    lat: list[np.ndarray]
    district: list[np.ndarray]
    tehsil: list[np.ndarray]
    place: list[np.ndarray]

    @classmethod
    def empty(cls) -> _Points:
        return cls([], [], [], [], [])

    def add(self, lon: np.ndarray, lat: np.ndarray, tehsil: str, place: Sequence[str]) -> None:
        n = len(lon)
        self.lon.append(lon)
        self.lat.append(lat)
        self.district.append(np.full(n, tehsil[:5], dtype=object))
        self.tehsil.append(np.full(n, tehsil, dtype=object))
        self.place.append(np.asarray(list(place), dtype=object))

    def frame(self) -> pd.DataFrame:
        def cat(parts: list[np.ndarray], dtype: object) -> np.ndarray:
            return np.concatenate(parts) if parts else np.array([], dtype=dtype)

        return pd.DataFrame(
            {
                "lon": cat(self.lon, float),
                "lat": cat(self.lat, float),
                "district_pcode": cat(self.district, object),
                "tehsil_pcode": cat(self.tehsil, object),
                "place": cat(self.place, object),
            }
        )


# -- inputs ------------------------------------------------------------------------------------------


def _load_base(geo_dir: Path) -> _Base:
    """Read the real inputs and estimate each tehsil's urban and rural population."""
    tehsils = gpd.read_file(geo_dir / "tehsils.geojson", engine="pyogrio").sort_values("ADM3_PCODE")
    districts = gpd.read_file(geo_dir / "districts_full.gpkg", layer="districts", engine="pyogrio")
    districts = districts.sort_values("ADM2_PCODE").reset_index(drop=True)
    population = pd.read_csv(geo_dir / "district_population_2023.csv").set_index("ADM2_PCODE")
    kilns = pd.read_csv(geo_dir / "brick_kilns.csv", dtype=str, keep_default_na=False)
    kilns = kilns[["kiln_id", "lat", "lon", "district_pcode", "tehsil_pcode"]].copy()
    kilns["x"] = kilns["lon"].astype(float)
    kilns["y"] = kilns["lat"].astype(float)
    kilns = kilns.sort_values("kiln_id", key=lambda s: s.str.extract(r"(\d+)$")[0].astype(int)).reset_index(
        drop=True
    )
    candidates = geo_dir / "real_candidates" if (geo_dir / "real_candidates").is_dir() else CANDIDATES_DIR
    towns = pd.read_csv(candidates / "populated_places_geonames_punjab_sindh.csv")
    towns = towns[towns["population"] > 0].sort_values(["ADM2_PCODE", "geonameid"]).reset_index(drop=True)
    hq = pd.read_csv(candidates / "district_hq_towns_geonames.csv").set_index("ADM2_PCODE")

    district_geom = dict(zip(districts["ADM2_PCODE"], districts.geometry.values, strict=True))
    # sample inside tehsil ∩ district: the generalised tehsils overshoot the full-resolution district lines,
    # and the app assigns a point's district from the full-resolution polygons
    polys = []
    for pcode, geom in zip(tehsils["ADM2_PCODE"], tehsils.geometry.values, strict=True):
        clipped = shapely.make_valid(shapely.intersection(geom, district_geom[pcode]))
        clipped = shapely.union_all(
            [g for g in shapely.get_parts(clipped) if g.geom_type in ("Polygon", "MultiPolygon")]
        )
        if clipped.is_empty or clipped.area < 0.01 * geom.area:
            clipped = district_geom[pcode]
        shapely.prepare(clipped)
        polys.append(clipped)
    tehsils = pd.DataFrame(tehsils.drop(columns="geometry")).reset_index(drop=True)
    tehsils["poly"] = polys

    towns["ADM3_PCODE"] = [
        _tehsil_of(x, y, d, tehsils)
        for x, y, d in zip(towns["lon"], towns["lat"], towns["ADM2_PCODE"], strict=True)
    ]
    urban, rural = [], []
    for pcode, group in tehsils.groupby("ADM2_PCODE", sort=True):
        area_share = group["area_km2"] / group["area_km2"].sum()
        town_pop = towns[towns["ADM2_PCODE"] == pcode].groupby("ADM3_PCODE")["population"].sum()
        town_pop = group["ADM3_PCODE"].map(town_pop).fillna(0.0)
        urban_share = town_pop / town_pop.sum() if town_pop.sum() > 0 else area_share
        urban.append(population.at[pcode, "pop_urban_2023"] * urban_share)
        rural.append(population.at[pcode, "pop_rural_2023"] * area_share)
    tehsils["pop_urban"] = pd.concat(urban).reindex(tehsils.index)
    tehsils["pop_rural"] = pd.concat(rural).reindex(tehsils.index)

    hq_lon, hq_lat, hq_name = [], [], []
    for pcode, geom, name in zip(
        districts["ADM2_PCODE"], districts.geometry.values, districts["ADM2_EN"], strict=True
    ):
        row = hq.loc[pcode] if pcode in hq.index else None
        if row is not None and bool(row["hq_inside_district"]) and pd.notna(row["lat"]):
            hq_lon.append(float(row["lon"]))
            hq_lat.append(float(row["lat"]))
            hq_name.append(str(row["hq_name"]))
        else:  # Karachi districts share one GeoNames point; Sujawal has none
            point = geom.point_on_surface()
            hq_lon.append(point.x)
            hq_lat.append(point.y)
            hq_name.append(str(name))
    districts["hq_lon"], districts["hq_lat"], districts["hq_name"] = hq_lon, hq_lat, hq_name
    districts["kilns"] = (
        districts["ADM2_PCODE"].map(kilns["district_pcode"].value_counts()).fillna(0).astype(int)
    )
    towns_by_tehsil = {pcode: group for pcode, group in towns.groupby("ADM3_PCODE", sort=True)}
    return _Base(
        tehsils=tehsils,
        districts=pd.DataFrame(districts),
        towns=towns,
        kilns=kilns,
        towns_by_tehsil=towns_by_tehsil,
    )


def _tehsil_of(x: float, y: float, district: str, tehsils: pd.DataFrame) -> str:
    """The tehsil of ``district`` whose sampling polygon holds the point, else the nearest one."""
    own = tehsils[tehsils["ADM2_PCODE"] == district]
    polys = own["poly"].values
    inside = shapely.contains_xy(polys, x, y)
    if inside.any():
        return str(own["ADM3_PCODE"].values[int(np.argmax(inside))])
    return str(own["ADM3_PCODE"].values[int(np.argmin(shapely.distance(polys, shapely.Point(x, y))))])


# -- sampling ----------------------------------------------------------------------------------------


def _uniform_in(rng: np.random.Generator, poly: shapely.Geometry, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform inside ``poly``: batches in the bounding box, kept by a vectorised test."""
    if n <= 0:
        return np.empty(0), np.empty(0)
    minx, miny, maxx, maxy = poly.bounds
    fill = max(poly.area / max((maxx - minx) * (maxy - miny), 1e-12), 0.02)
    xs, ys, got = [], [], 0
    while got < n:
        m = int(math.ceil((n - got) / fill * 1.3)) + 16
        # rounded before the test, so the written 5-decimal coordinates are the ones inside
        x = np.round(rng.uniform(minx, maxx, m), 5)
        y = np.round(rng.uniform(miny, maxy, m), 5)
        keep = shapely.contains_xy(poly, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _near(
    rng: np.random.Generator,
    poly: shapely.Geometry,
    cx: np.ndarray,
    cy: np.ndarray,
    sigma_km: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One point per centre, normally scattered around it and kept inside ``poly`` (else uniform in it)."""
    n = len(cx)
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    todo = np.arange(n)
    for _ in range(25):
        if not len(todo):
            break
        lat = cy[todo]
        dy = rng.normal(0.0, 1.0, len(todo)) * sigma_km[todo] / KM_PER_DEG
        dx = rng.normal(0.0, 1.0, len(todo)) * sigma_km[todo] / (KM_PER_DEG * np.cos(np.radians(lat)))
        px, py = np.round(cx[todo] + dx, 5), np.round(lat + dy, 5)
        keep = shapely.contains_xy(poly, px, py)
        x[todo[keep]], y[todo[keep]] = px[keep], py[keep]
        todo = todo[~keep]
    if len(todo):  # a centre outside the polygon (generalised edges): fall back to anywhere in it
        x[todo], y[todo] = _uniform_in(rng, poly, len(todo))
    return x, y


def _centres(
    base: _Base, tehsil: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Urban centres of a tehsil: its GeoNames towns (x, y, weight, sigma km, name), or one pseudo-town."""
    towns = base.towns_by_tehsil.get(tehsil["ADM3_PCODE"])
    if towns is not None:
        pop = towns["population"].to_numpy(float)
        # a town of 100k spreads over ~1 km sigma, a city of millions over ~8 km
        sigma = np.clip(0.8 * np.sqrt(pop / 1e5), 0.7, 8.0)
        return (
            towns["lon"].to_numpy(float),
            towns["lat"].to_numpy(float),
            pop / pop.sum(),
            sigma,
            towns["name"].to_numpy(object),
        )
    point = tehsil["poly"].point_on_surface()
    return (
        np.array([point.x]),
        np.array([point.y]),
        np.array([1.0]),
        np.array([3.0]),
        np.array([tehsil["ADM3_EN"]], dtype=object),
    )


def _urban_points(rng: np.random.Generator, base: _Base, tehsil: pd.Series, n: int, out: _Points) -> None:
    if n <= 0:
        return
    cx, cy, weight, sigma, names = _centres(base, tehsil)
    pick = rng.choice(len(cx), size=n, p=weight)
    x, y = _near(rng, tehsil["poly"], cx[pick], cy[pick], sigma[pick])
    out.add(x, y, tehsil["ADM3_PCODE"], names[pick])


def _rural_points(rng: np.random.Generator, tehsil: pd.Series, n: int, out: _Points) -> None:
    if n <= 0:
        return
    x, y = _uniform_in(rng, tehsil["poly"], n)
    out.add(x, y, tehsil["ADM3_PCODE"], _village_names(rng, n, tehsil["ADM1_PCODE"]))


def _stochastic_round(rng: np.random.Generator, value: float) -> int:
    """Round up with probability equal to the fraction, so small tehsils are not all rounded to zero."""
    low = math.floor(value)
    return low + int(rng.random() < value - low)


def _village_names(rng: np.random.Generator, n: int, province: str) -> list[str]:
    """Invented village names in a Punjabi (chak, basti, kot) or Sindhi (goth, deh) style."""
    names = []
    if province == "PK6":
        chak = rng.random(n) < 0.35
        numbers = rng.integers(1, 600, n)
        blocks = rng.integers(0, len(_CHAK_BLOCKS), n)
        parts = rng.integers(
            0, [len(_PUNJAB_PREFIX), len(_PUNJAB_ROOT), len(_PUNJAB_SUFFIX), len(_PUNJAB_TAIL)], size=(n, 4)
        )
        for i in range(n):
            if chak[i]:
                names.append(f"Chak No. {numbers[i]}/{_CHAK_BLOCKS[blocks[i]]}")
            else:
                p, r, s, t = parts[i]
                names.append(f"{_PUNJAB_PREFIX[p]} {_PUNJAB_ROOT[r]}{_PUNJAB_SUFFIX[s]}{_PUNJAB_TAIL[t]}")
    else:
        parts = rng.integers(0, [len(_SINDH_PREFIX), len(_SINDH_ROOT), len(_SINDH_SUFFIX)], size=(n, 3))
        for p, r, s in parts:
            names.append(f"{_SINDH_PREFIX[p]} {_SINDH_ROOT[r]}{_SINDH_SUFFIX[s]}")
    return names


def _fmt_coord(values: np.ndarray) -> list[str]:
    return [f"{v:.5f}" for v in values]


def _numbered(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:06d}" for i in range(1, n + 1)]


# -- layers ------------------------------------------------------------------------------------------


def _schools(rng: np.random.Generator, base: _Base) -> pd.DataFrame:
    urban, rural = _Points.empty(), _Points.empty()
    for _, tehsil in base.tehsils.iterrows():
        _urban_points(
            rng, base, tehsil, _stochastic_round(rng, tehsil["pop_urban"] / PEOPLE_PER_URBAN_SCHOOL), urban
        )
        _rural_points(
            rng, tehsil, _stochastic_round(rng, tehsil["pop_rural"] / PEOPLE_PER_RURAL_SCHOOL), rural
        )
    urban_frame, rural_frame = urban.frame(), rural.frame()
    urban_frame["setting"], rural_frame["setting"] = "urban", "rural"
    schools = pd.concat([urban_frame, rural_frame], ignore_index=True)
    schools = schools.sort_values(["tehsil_pcode", "setting", "lat", "lon"], kind="stable").reset_index(
        drop=True
    )
    n = len(schools)
    is_urban = (schools["setting"] == "urban").to_numpy()

    level = rng.choice(len(LEVELS), size=n, p=LEVEL_P)
    u = rng.random(n)
    management = np.where(
        is_urban,
        np.searchsorted(np.cumsum(MANAGEMENT_P["urban"]), u, side="right"),
        np.searchsorted(np.cumsum(MANAGEMENT_P["rural"]), u, side="right"),
    ).clip(0, 2)
    # public primaries are often mixed; from middle level up public schools are single-sex
    g = rng.random(n)
    gender = np.where(
        management == 2,
        np.where(g < 0.25, 0, 2),
        np.where(
            management == 1,
            np.where(g < 0.15, 0, np.where(g < 0.25, 1, 2)),
            np.where(
                level == 0,
                np.where(g < 0.28, 0, np.where(g < 0.45, 1, 2)),
                np.where(g < 0.48, 0, np.where(g < 0.93, 1, 2)),
            ),
        ),
    )
    median = np.array([ENROLMENT_MEDIAN[lv] for lv in LEVELS])[level] * np.where(is_urban, 1.3, 1.0)
    enrolment = np.round(median * rng.lognormal(0.0, 0.45, n)).astype(int)
    enrolment = np.where(management == 2, rng.integers(20, 45, n), enrolment).clip(10, 5000)

    private_name = rng.integers(0, [len(_PRIVATE_SCHOOL), len(_PRIVATE_KIND)], size=(n, 2))
    names = []
    for i, place in enumerate(schools["place"].tolist()):
        lv = LEVEL_TITLE[LEVELS[level[i]]]
        if management[i] == 0:
            sex = {0: "Girls ", 1: "Boys ", 2: ""}[int(gender[i])]
            names.append(f"Govt. {sex}{lv} School {place}")
        elif management[i] == 1:
            names.append(f"{_PRIVATE_SCHOOL[private_name[i, 0]]} {_PRIVATE_KIND[private_name[i, 1]]} {place}")
        else:
            names.append(f"Non-Formal Education Centre {place}")
    schools["name"] = names
    # the same name in one tehsil gets a number, as real registers do ("... No. 2")
    dup = schools.groupby(["tehsil_pcode", "name"]).cumcount()
    schools["name"] = [
        nm if k == 0 else f"{nm} No. {k + 1}" for nm, k in zip(schools["name"], dup, strict=True)
    ]
    return pd.DataFrame(
        {
            "school_id": _numbered("DEMO-SCH", n),
            "name": schools["name"],
            "level": np.array(LEVELS, dtype=object)[level],
            "gender": np.array(GENDERS, dtype=object)[gender],
            "management": np.array(MANAGEMENT, dtype=object)[management],
            "enrolment": enrolment,
            "lat": _fmt_coord(schools["lat"].to_numpy()),
            "lon": _fmt_coord(schools["lon"].to_numpy()),
            "district_pcode": schools["district_pcode"],
            "tehsil_pcode": schools["tehsil_pcode"],
            "synthetic": True,
        }
    )


def _health(rng: np.random.Generator, base: _Base) -> pd.DataFrame:
    rows: list[pd.DataFrame] = []
    tehsils = base.tehsils.set_index("ADM3_PCODE", drop=False)

    def collect(points: _Points, facility_type: str, label: str) -> None:
        frame = points.frame()
        frame["facility_type"] = facility_type
        frame["name"] = [label.format(place=p) for p in frame["place"]]
        rows.append(frame)

    dhq, dhq_tehsils = _Points.empty(), set()
    for _, district in base.districts.iterrows():
        pcode = _tehsil_of(district["hq_lon"], district["hq_lat"], district["ADM2_PCODE"], base.tehsils)
        dhq_tehsils.add(pcode)
        x, y = _near(
            rng,
            tehsils.at[pcode, "poly"],
            np.array([district["hq_lon"]]),
            np.array([district["hq_lat"]]),
            np.array([0.8]),
        )
        dhq.add(x, y, pcode, [district["hq_name"]])
    collect(dhq, "DHQ", "DHQ Hospital {place}")

    # the DHQ serves its own tehsil, so that tehsil gets no separate THQ
    thq, rhc, bhu = _Points.empty(), _Points.empty(), _Points.empty()
    for _, tehsil in base.tehsils.iterrows():
        if tehsil["ADM3_PCODE"] not in dhq_tehsils:
            cx, cy, weight, _sigma, _names = _centres(base, tehsil)
            big = int(np.argmax(weight))
            x, y = _near(rng, tehsil["poly"], cx[big : big + 1], cy[big : big + 1], np.array([1.0]))
            thq.add(x, y, tehsil["ADM3_PCODE"], [tehsil["ADM3_EN"]])
        _rural_points(rng, tehsil, _stochastic_round(rng, tehsil["pop_rural"] / RURAL_PEOPLE_PER_RHC), rhc)
        _rural_points(rng, tehsil, _stochastic_round(rng, tehsil["pop_rural"] / RURAL_PEOPLE_PER_BHU), bhu)
    collect(thq, "THQ", "THQ Hospital {place}")
    collect(rhc, "RHC", "RHC {place}")
    collect(bhu, "BHU", "BHU {place}")

    dispensary = _Points.empty()
    half = DISPENSARIES // 2
    for column, count in (("pop_urban", half), ("pop_rural", DISPENSARIES - half)):
        weight = base.tehsils[column].to_numpy(float)
        per_tehsil = rng.multinomial(count, weight / weight.sum())
        for (_, tehsil), k in zip(base.tehsils.iterrows(), per_tehsil, strict=True):
            if column == "pop_urban":
                _urban_points(rng, base, tehsil, int(k), dispensary)
            else:
                _rural_points(rng, tehsil, int(k), dispensary)
    collect(dispensary, "dispensary", "Govt. Dispensary {place}")

    health = pd.concat(rows, ignore_index=True)
    dup = health.groupby("name").cumcount()
    health["name"] = [
        nm if k == 0 else f"{nm} No. {k + 1}" for nm, k in zip(health["name"], dup, strict=True)
    ]
    return pd.DataFrame(
        {
            "facility_id": _numbered("DEMO-HF", len(health)),
            "name": health["name"],
            "facility_type": health["facility_type"],
            "lat": _fmt_coord(health["lat"].to_numpy()),
            "lon": _fmt_coord(health["lon"].to_numpy()),
            "district_pcode": health["district_pcode"],
            "tehsil_pcode": health["tehsil_pcode"],
            "synthetic": True,
        }
    )


def _dvcs(rng: np.random.Generator, base: _Base, as_of: date) -> pd.DataFrame:
    districts = base.districts
    punjab = districts["ADM1_PCODE"] == "PK6"
    not_notified = set(rng.choice(districts.loc[punjab, "ADM2_PCODE"].to_numpy(), size=1, replace=False))
    sindh_codes = districts.loc[~punjab, "ADM2_PCODE"].to_numpy()
    # about half of Sindh's DVCs were not notified (as reported in 2022)
    not_notified |= set(rng.choice(sindh_codes, size=round(len(sindh_codes) * 0.48), replace=False))
    rows = []
    for _, district in districts.iterrows():
        pcode = district["ADM2_PCODE"]
        rows.append(
            _committee(
                rng,
                pcode,
                None,
                district["ADM2_EN"],
                pcode not in not_notified,
                district["ADM1_PCODE"],
                district["kilns"],
                as_of,
                "Deputy Commissioner",
            )
        )
    for pcode in TEHSIL_DVC_DISTRICTS:
        name = districts.loc[districts["ADM2_PCODE"] == pcode, "ADM2_EN"].iloc[0]
        kilns = int(districts.loc[districts["ADM2_PCODE"] == pcode, "kilns"].iloc[0])
        for tehsil in base.tehsils.loc[base.tehsils["ADM2_PCODE"] == pcode, "ADM3_PCODE"]:
            rows.append(
                _committee(rng, pcode, tehsil, name, True, "PK6", kilns, as_of, "Assistant Commissioner")
            )
    return pd.DataFrame(rows)


def _committee(
    rng: np.random.Generator,
    district: str,
    tehsil: str | None,
    district_name: str,
    notified: bool,
    province: str,
    kilns: int,
    as_of: date,
    chair: str,
) -> dict[str, object]:
    """One committee row: active, dormant or never met; kiln-heavy districts are more often active."""
    row: dict[str, object] = {
        "district": district,
        "tehsil": tehsil or "",
        "district_name": district_name,
        "notified": "yes" if notified else "no",
        "notified_date": "",
        "last_meeting_date": "",
        "meetings_last_12m": 0,
        "chair": chair,
        "synthetic": True,
    }
    if not notified:
        return row
    first, last = (
        (date(2015, 6, 1), date(2023, 12, 31)) if province == "PK6" else (date(2016, 1, 1), date(2022, 6, 30))
    )
    notified_on = first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))
    row["notified_date"] = notified_on.isoformat()
    active = (0.50 if province == "PK6" else 0.35) + (0.15 if kilns >= 250 else 0.0)
    u = rng.random()
    if u < active:
        days_ago, meetings = int(rng.integers(5, 176)), int(rng.integers(1, 7))
    elif u < active + 0.18:
        days_ago, meetings = int(rng.integers(190, 361)), 1
    elif u < active + 0.38:
        days_ago, meetings = int(rng.integers(370, 1001)), 0
    else:
        return row  # notified but never met
    met_on = as_of - timedelta(days=days_ago)
    if met_on <= notified_on:
        return row
    row["last_meeting_date"] = met_on.isoformat()
    row["meetings_last_12m"] = meetings
    return row


def _dvc_activity(dvcs: pd.DataFrame, as_of: date) -> dict[str, str]:
    """District -> active / dormant / inactive (not notified or never met), from the district rows."""
    cutoff = (pd.Timestamp(as_of) - pd.DateOffset(months=6)).date()
    out = {}
    for _, row in dvcs[dvcs["tehsil"] == ""].iterrows():
        if row["notified"] != "yes" or not row["last_meeting_date"]:
            out[row["district"]] = "inactive"
        elif date.fromisoformat(row["last_meeting_date"]) >= cutoff:
            out[row["district"]] = "active"
        else:
            out[row["district"]] = "dormant"
    return out


def _visit_days(rng: np.random.Generator, n: int, as_of: date) -> np.ndarray:
    """Days before ``as_of`` (0 .. 3 years), thinned in the monsoon months when kilns stop firing."""
    span = (as_of - date(as_of.year - VISIT_YEARS, as_of.month, as_of.day)).days
    kept: list[np.ndarray] = []
    got = 0
    ordinal = as_of.toordinal()
    while got < n:
        days = rng.integers(0, span + 1, 2 * (n - got) + 16)
        months = np.array([date.fromordinal(ordinal - int(d)).month for d in days]) - 1
        days = days[rng.random(len(days)) < VISIT_MONTH_WEIGHT[months]]
        kept.append(days)
        got += len(days)
    return np.concatenate(kept)[:n]


def _inspections(rng: np.random.Generator, base: _Base, dvcs: pd.DataFrame, as_of: date) -> pd.DataFrame:
    kilns = base.kilns
    activity = _dvc_activity(dvcs, as_of)
    weight = (
        kilns["district_pcode"]
        .map(activity)
        .map({"active": 1.0, "dormant": 0.6, "inactive": 0.3})
        .fillna(0.3)
    )
    p = (weight * KILNS_VISITED_SHARE / weight.mean()).clip(upper=0.9).to_numpy()
    visited = np.flatnonzero(rng.random(len(kilns)) < p)
    visits_per_kiln = np.minimum(rng.geometric(0.55, len(visited)), 6)
    kiln_index = np.repeat(visited, visits_per_kiln)
    days = _visit_days(rng, len(kiln_index), as_of)
    visits = pd.DataFrame({"kiln": kiln_index, "days_ago": days}).drop_duplicates(["kiln", "days_ago"])
    visits = visits.sort_values(["days_ago", "kiln"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    n = len(visits)
    k = visits["kiln"].to_numpy()
    visits["follow_up"] = visits.groupby("kiln").cumcount() > 0

    # a minority of kilns carry most child labour: kiln-level risk, then per-visit findings
    risky = rng.random(len(kilns)) < 0.30
    workforce = np.clip(rng.lognormal(math.log(70), 0.45, len(kilns)), 15, 400)
    child = rng.random(n) < np.where(risky[k], 0.40, 0.043)
    bonded = rng.random(n) < np.where(child, 0.45, 0.156)
    workers = np.round(workforce[k] * rng.uniform(0.7, 1.1, n)).astype(int)
    children = np.where(child, np.minimum(1 + rng.poisson(5, n), workers), 0)
    advance = np.where(
        bonded,
        np.clip(rng.lognormal(math.log(90_000), 0.7, n), 20_000, 500_000),
        np.where(
            rng.random(n) < 0.25, np.clip(rng.lognormal(math.log(40_000), 0.5, n), 10_000, 150_000), np.nan
        ),
    )
    finding = np.where(bonded, "bonded", np.where(child, "child", "clean"))
    u = rng.random(n)
    action = np.zeros(n, dtype=int)
    for key, probs in ACTION_P.items():
        mask = finding == key
        action[mask] = np.searchsorted(np.cumsum(probs), u[mask], side="right").clip(0, len(ACTIONS) - 1)

    districts = sorted(kilns["district_pcode"].unique())
    team = {d: rng.choice(INSPECTORS[d[:3]], size=2, replace=False) for d in districts}
    pick = rng.integers(0, 2, n)
    inspector = [team[d][j] for d, j in zip(kilns["district_pcode"].to_numpy()[k], pick, strict=True)]
    ordinal = as_of.toordinal()
    return pd.DataFrame(
        {
            "visit_id": _numbered("DEMO-VIS", n),
            "kiln_id": kilns["kiln_id"].to_numpy()[k],
            "visit_date": [date.fromordinal(ordinal - int(d)).isoformat() for d in visits["days_ago"]],
            "inspector": inspector,
            "child_labour_observed": np.where(child, "yes", "no"),
            "bonded_labour_indicators": np.where(bonded, "yes", "no"),
            "advance_amount_pkr": ["" if np.isnan(a) else str(int(round(a, -3))) for a in advance],
            "workers_count": workers,
            "children_count": children,
            "action_taken": np.array(ACTIONS, dtype=object)[action],
            "notes": np.where(visits["follow_up"], "Demo record. Follow-up visit.", "Demo record."),
            # the kiln's own coordinates, exactly as in brick_kilns.csv
            "lat": kilns["lat"].to_numpy()[k],
            "lon": kilns["lon"].to_numpy()[k],
            "district_pcode": kilns["district_pcode"].to_numpy()[k],
            "tehsil_pcode": kilns["tehsil_pcode"].to_numpy()[k],
            "synthetic": True,
        }
    )


def _ngo(rng: np.random.Generator, base: _Base, as_of: date) -> pd.DataFrame:
    districts = base.districts.set_index("ADM2_PCODE", drop=False)
    tehsils = base.tehsils.set_index("ADM3_PCODE", drop=False)
    focus_total = round(NGO_SERVICES_TOTAL * NGO_FOCUS_SHARE)
    per_district = dict.fromkeys(districts.index, 0)
    for pcode, k in zip(NGO_FOCUS, rng.multinomial(focus_total, list(NGO_FOCUS.values())), strict=True):
        per_district[pcode] += int(k)
    others = [d for d in districts.index if d not in NGO_FOCUS]
    # the rest follows kilns, with some presence in big cities (legal aid, CNIC drives)
    weight = np.array([districts.at[d, "kilns"] + 2e-5 * _district_pop(base, d) for d in others])
    for pcode, k in zip(
        others, rng.multinomial(NGO_SERVICES_TOTAL - focus_total, weight / weight.sum()), strict=True
    ):
        per_district[pcode] += int(k)
    lead = {pcode: NGO_ORGS[i] for i, pcode in enumerate(NGO_FOCUS)}

    rows = []
    for pcode in sorted(per_district):
        count = per_district[pcode]
        if not count:
            continue
        district_kilns = base.kilns[base.kilns["district_pcode"] == pcode]
        school_kilns = iter(rng.permutation(len(district_kilns)))
        types = rng.choice(len(NGO_TYPES), size=count, p=NGO_TYPE_P)
        if not len(district_kilns):  # no detected kiln to put a kiln school at
            types = np.where(types == 0, rng.integers(1, len(NGO_TYPES), count), types)
        for t in types:
            service = NGO_TYPES[t]
            org = (
                lead.get(pcode)
                if pcode in lead and rng.random() < 0.6
                else NGO_ORGS[int(rng.integers(0, len(NGO_ORGS)))]
            )
            row = {"service_type": service, "organisation": org, "kiln_id": "", "district_pcode": pcode}
            if service == "non_formal_school":
                kiln = district_kilns.iloc[int(next(school_kilns))]
                row.update(
                    kiln_id=kiln["kiln_id"],
                    lat=kiln["lat"],
                    lon=kiln["lon"],
                    tehsil_pcode=kiln["tehsil_pcode"],
                    name=f"Kiln school at {kiln['kiln_id']}",
                )
            else:
                if service == "mobile_health_camp" and len(district_kilns):
                    kiln = district_kilns.iloc[int(rng.integers(0, len(district_kilns)))]
                    tehsil, cx, cy, sigma = kiln["tehsil_pcode"], kiln["x"], kiln["y"], 0.6
                    place = tehsils.at[tehsil, "ADM3_EN"]
                elif service == "legal_aid" or not (base.towns["ADM2_PCODE"] == pcode).any():
                    cx, cy, sigma = districts.at[pcode, "hq_lon"], districts.at[pcode, "hq_lat"], 1.0
                    tehsil = _tehsil_of(cx, cy, pcode, base.tehsils)
                    place = districts.at[pcode, "hq_name"]
                else:
                    towns = base.towns[base.towns["ADM2_PCODE"] == pcode]
                    town = towns.iloc[
                        int(rng.choice(len(towns), p=towns["population"] / towns["population"].sum()))
                    ]
                    tehsil, cx, cy, sigma, place = (
                        town["ADM3_PCODE"],
                        town["lon"],
                        town["lat"],
                        1.5,
                        town["name"],
                    )
                x, y = _near(
                    rng, tehsils.at[tehsil, "poly"], np.array([cx]), np.array([cy]), np.array([sigma])
                )
                label = {
                    "mobile_health_camp": "Mobile health camp, {p} tehsil",
                    "legal_aid": "Legal aid desk, {p} district courts",
                    "cnic_registration": "CNIC registration point, {p}",
                    "social_protection": "Social protection help desk, {p}",
                }[service]
                row.update(
                    lat=f"{y[0]:.5f}", lon=f"{x[0]:.5f}", tehsil_pcode=tehsil, name=label.format(p=place)
                )
            start, end = _service_dates(rng, service, as_of)
            row.update(start_date=start, end_date=end)
            rows.append(row)
    ngo = pd.DataFrame(rows)
    ngo.insert(0, "service_id", _numbered("DEMO-NGO", len(ngo)))
    ngo["synthetic"] = True
    return ngo[
        [
            "service_id",
            "name",
            "organisation",
            "service_type",
            "start_date",
            "end_date",
            "kiln_id",
            "lat",
            "lon",
            "district_pcode",
            "tehsil_pcode",
            "synthetic",
        ]
    ]


def _district_pop(base: _Base, pcode: str) -> float:
    own = base.tehsils[base.tehsils["ADM2_PCODE"] == pcode]
    return float(own["pop_urban"].sum() + own["pop_rural"].sum())


def _service_dates(rng: np.random.Generator, service: str, as_of: date) -> tuple[str, str]:
    """Start and (blank when ongoing) end date; camps are short, schools and desks run for years."""
    start = as_of - timedelta(days=int(rng.integers(30, 8 * 365)))
    if service == "mobile_health_camp":
        ongoing, days = rng.random() < 0.2, int(rng.integers(1, 61))
    else:
        ongoing, days = rng.random() < 0.6, int(rng.integers(180, 3 * 365))
    end = start + timedelta(days=days)
    if ongoing or end > as_of:
        return start.isoformat(), ""
    return start.isoformat(), end.isoformat()


# -- output ------------------------------------------------------------------------------------------


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


_README = """\
# SYNTHETIC DEMO DATA: not real, never present it as real

Every file in this folder is **synthetic demo data** invented by `bhatta demo` (`loaders/demo.py`)
with seed `{seed}` and as-of date `{as_of}`. No row describes a real school, health unit,
NGO service, committee, inspection or inspector. The files exist so the app can be shown before real
records are imported; every row carries `synthetic=True` and the app labels these layers DEMO DATA.
Do not cite, count or map them as facts. Importing real records for a layer replaces its demo data.

Only the inputs are real: COD-AB 2022 district and tehsil boundaries, the satellite-detected kilns
(Hamdani et al. 2025), Census 2023 district population and GeoNames towns (see `../README.md`).
The generator is deterministic: the same seed and as-of date give byte-identical files
(`tests/test_demo.py` checks that these committed files equal a fresh generation).

Regenerate: `bhatta demo` (or `python -c "from loaders.demo import generate_demo; generate_demo()"`).

## Files

| file | rows | what |
|---|---|---|
| `schools.csv` | {n_schools:,} | invented schools |
| `health.csv` | {n_health:,} | invented health units: {health_types} |
| `ngo.csv` | {n_ngo:,} | invented NGO services: {ngo_types} |
| `dvcs.csv` | {n_dvcs:,} | {n_district_dvcs} district + {n_tehsil_dvcs} tehsil committees, invented status |
| `inspections.csv` | {n_visits:,} | invented visits to {n_kilns_visited:,} real detected kilns |

Point layers carry `lat`, `lon` (WGS84; 5 decimals, except points placed at a kiln, which keep the
kiln's coordinates from `brick_kilns.csv`) and the `district_pcode` / `tehsil_pcode` they were
generated in. Column names and category values follow `loaders/contracts.py`. There are no
phone numbers, CNICs or names of real people; inspector names are placeholders (`Inspector A. Demo`).

## Method

**Tehsil population (estimate, used to place schools and health units).** The census gives population
per district only. Each district's rural population is split over its tehsils by area share; its urban
population by the GeoNames population of the towns inside each tehsil (by area share when the
district has no GeoNames town with a population, e.g. Central, Korangi and West Karachi).
Points are sampled inside tehsil ∩ full-resolution district, so each point lies in the district and
tehsil recorded on its row. Urban points scatter normally around a town of the tehsil chosen by
population (sigma 0.7 to 8 km, growing with town size; a tehsil without a town uses a point inside
it); rural points are uniform over the tehsil.

- **Schools**: one per {rural_school:,} rural and one per {urban_school:,} urban people (about one per
  6,000 overall). Level primary 70 %, middle 15 %, high 12 %, higher secondary 3 %; management
  public ~60 %, private ~35 % (mostly urban), non-formal ~5 %; public primaries often mixed, public
  middle/high schools single-sex, private schools mostly mixed. Enrolment log-normal around a median
  per level (primary 110, middle 220, high 450, higher secondary 700; urban x1.3), 20 to 44 in
  non-formal centres. Names are invented (`Govt. Girls Primary School Chak No. 123/GB`); towns keep
  their GeoNames name.
- **Health**: DHQ exactly one per district, within ~1 km of the HQ town (district centre where the
  HQ point is shared or missing: Karachi, Sujawal); THQ one per tehsil near its largest town, except
  the tehsil holding the DHQ; RHC one per {rhc:,} rural people and BHU one per {bhu:,} rural people,
  uniform in rural areas; {dispensaries} dispensaries, half near towns, half rural.
- **NGO services**: {n_ngo} services; {focus_share:.0%} in six kiln-heavy districts (Kasur, Faisalabad,
  Lahore, Sheikhupura, Multan, Sanghar), the rest by kiln count plus a little by population. The top
  six districts hold {top6} of {n_ngo} ({top6_share:.0%}). Organisations are fictitious (`Demo Partner A`
  to `H`). Non-formal schools sit at a real detected kiln (`kiln_id` set); health camps near a kiln;
  legal aid at the district HQ; CNIC and social-protection desks near towns. Start dates within 8
  years before the as-of date; camps last days to weeks, other services years; blank `end_date` =
  ongoing.
- **DVCs**: one row per district (all 65) plus tehsil committees in Faisalabad and Kasur. Punjab: all
  notified but {punjab_not_notified}; Sindh: {sindh_not_notified} of {n_sindh} not notified (about half,
  as reported in 2022). Notified committees are active (met within 6 months of the as-of date),
  dormant, or never met; kiln-heavy districts are more often active. `chair` is a title, never a person.
- **Inspections**: visits on real kilns over the {years} years before the as-of date;
  {visited_share:.0%} of the {n_kilns:,} kilns visited at least once (more where the DVC is active), some
  several times; fewer visits in the monsoon months when kilns stop firing. Child labour observed
  ~15 % of visits, bonded-labour indicators ~20 % (more likely together); advance (peshgi) PKR 20,000
  to 500,000 when bonded indicators are recorded, otherwise mostly blank. Each row holds its kiln's
  coordinates and P-codes.
"""


def _readme(layers: dict[str, pd.DataFrame], kiln_total: int, seed: int, as_of: date) -> str:
    ngo, dvcs, visits = layers["ngo"], layers["dvcs"], layers["inspections"]
    district_rows = dvcs[dvcs["tehsil"] == ""]
    sindh = district_rows[district_rows["district"].str.startswith("PK7")]
    punjab = district_rows[district_rows["district"].str.startswith("PK6")]
    by_type = layers["health"]["facility_type"].value_counts()
    ngo_types = ngo["service_type"].value_counts()
    top6 = int(ngo["district_pcode"].value_counts().head(6).sum())
    return _README.format(
        seed=seed,
        as_of=as_of.isoformat(),
        n_schools=len(layers["schools"]),
        n_health=len(layers["health"]),
        health_types=", ".join(
            f"{t} {by_type.get(t, 0):,}" for t in ("DHQ", "THQ", "RHC", "BHU", "dispensary")
        ),
        n_ngo=len(ngo),
        ngo_types=", ".join(f"{t} {ngo_types.get(t, 0)}" for t in NGO_TYPES),
        n_dvcs=len(dvcs),
        n_district_dvcs=len(district_rows),
        n_tehsil_dvcs=len(dvcs) - len(district_rows),
        n_visits=len(visits),
        n_kilns_visited=visits["kiln_id"].nunique(),
        rural_school=PEOPLE_PER_RURAL_SCHOOL,
        urban_school=PEOPLE_PER_URBAN_SCHOOL,
        rhc=RURAL_PEOPLE_PER_RHC,
        bhu=RURAL_PEOPLE_PER_BHU,
        dispensaries=DISPENSARIES,
        focus_share=NGO_FOCUS_SHARE,
        top6=top6,
        top6_share=top6 / len(ngo),
        punjab_not_notified=int((punjab["notified"] == "no").sum()),
        sindh_not_notified=int((sindh["notified"] == "no").sum()),
        n_sindh=len(sindh),
        years=VISIT_YEARS,
        visited_share=visits["kiln_id"].nunique() / kiln_total,
        n_kilns=kiln_total,
    )


def generate_demo(
    out_dir: Path = DEMO_DIR, *, seed: int = DEMO_SEED, as_of: date = DEMO_AS_OF
) -> dict[str, Path]:
    """Write the synthetic demo layers and their README into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to write (created if needed); default ``data/geo/demo``.
    seed
        Seed of the random generator; the same seed and ``as_of`` give byte-identical files.
    as_of
        Reference date: visits fall in the three years before it, DVC activity is judged against it.

    Returns
    -------
    dict
        Layer name (``schools``, ``health``, ``ngo``, ``dvcs``, ``inspections``) -> written CSV path.
        ``README.md`` is written alongside.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = _load_base(GEO_DIR)

    def stream(k: int) -> np.random.Generator:
        # one stream per layer, so changing one layer's recipe leaves the others unchanged
        return np.random.default_rng([seed, k])

    dvcs = _dvcs(stream(4), base, as_of)
    layers = {
        "schools": _schools(stream(1), base),
        "health": _health(stream(2), base),
        "ngo": _ngo(stream(3), base, as_of),
        "dvcs": dvcs,
        "inspections": _inspections(stream(5), base, dvcs, as_of),
    }
    written = {}
    for layer, frame in layers.items():
        path = out_dir / LAYER_FILES[layer]
        _write_csv(frame, path)
        written[layer] = path
    (out_dir / "README.md").write_text(_readme(layers, len(base.kilns), seed, as_of), encoding="utf-8")
    return written
