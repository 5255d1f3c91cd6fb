"""Gaps per area (district, tehsil, H3 hexagon) and over time, with a composite underserved index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from layers.dvc import STATUS_LABELS, dvc_status
from layers.i18n import N_, Translator, translator
from loaders.geo import WGS84, Reference

Level = Literal["district", "tehsil"]

SERVICES = ("school", "girls_school", "health", "ngo")
"""Service layers of the kiln-level gaps table: ``desert_<service>`` is ``True`` when none is near."""


@dataclass(frozen=True)
class IndexPart:
    """One part of the underserved index: a value in [0, 1] where 1 is the most underserved."""

    key: str
    """The part's column is ``part_<key>``."""
    label: str
    weight: float
    explanation: str
    missing: str
    """Why the index is not computed when this part is missing (``no_data_reason``)."""
    levels: tuple[str, ...] = ("district", "tehsil", "hex")
    """Area levels the part applies to; at other levels it is left out and the weights renormalised."""


INDEX_PARTS: tuple[IndexPart, ...] = (
    IndexPart("not_recent", N_("Kilns not visited recently"), 0.30,
              N_("Share of detected kilns never inspected or overdue for a revisit: the core gap, so the largest "
                 "weight."),
              N_("no inspection data")),
    IndexPart("no_active_dvc", N_("No active DVC"), 0.15,
              N_("1 when the district's vigilance committee has not met within 6 months (or is not notified); at "
                 "tehsil level 0 when the tehsil's own committee is active."),
              N_("no DVC record"), ("district", "tehsil")),
    IndexPart("kiln_density", N_("Kiln density"), 0.15,
              N_("Detected kilns per 100,000 residents, divided by the highest district's figure: many kilns per "
                 "resident means much kiln work for the district's services. District level only (no tehsil "
                 "population)."),
              N_("no population figure"), ("district",)),
    IndexPart("desert_school", N_("School desert"), 0.10,
              N_("Share of kilns with no school within reach."), N_("no school data")),
    IndexPart("desert_girls_school", N_("Girls' school desert"), 0.10,
              N_("Share of kilns with no primary school open to girls (girls' or mixed) within reach."),
              N_("no girls' school data")),
    IndexPart("desert_health", N_("Health desert"), 0.10,
              N_("Share of kilns with no health unit within reach."), N_("no health unit data")),
    IndexPart("desert_ngo", N_("NGO service desert"), 0.10,
              N_("Share of kilns with no NGO service within reach."), N_("no NGO service data")),
)
"""The parts of the underserved index. Index = 100 × Σ weightᵢ·partᵢ / Σ weightᵢ over the parts of the level.

The weights sum to 1 at district level. Tehsils leave out kiln density, hexagons also the DVC part;
their remaining weights are renormalised. A part that is missing for an area makes the whole index
missing there (with ``no_data_reason`` naming the input): the other parts are never silently averaged.
"""

NO_KILNS = N_("no kilns detected")
REASON_SEP = "; "
"""Between the reasons of ``no_data_reason`` (kept in English in the tables: see :func:`reason_text`)."""


def reason_text(reason: object, lang: str | None = None) -> str:
    """A ``no_data_reason`` ("no inspection data; no DVC record") in ``lang``, each reason translated."""
    if not isinstance(reason, str) or not reason:
        return ""
    tr = translator(lang)
    if tr.lang == "en":
        return reason
    return ("؛ " if tr.rtl else REASON_SEP).join(tr(r) for r in reason.split(REASON_SEP))
SHARE_COLUMNS = ("share_not_recent", "share_never", "share_visited_12m", *(f"share_desert_{s}" for s in SERVICES))
SENSITIVE_COUNTS = ("visits_12m", "kilns_visited_12m", "kilns_with_finding", "kilns_covered", "visits",
                    "visits_with_finding")
"""Counts drawn from inspection records: values below the small-count threshold are never shown exactly."""


def index_parts(level: str) -> tuple[IndexPart, ...]:
    """The index parts used at ``level`` (``district``, ``tehsil`` or ``hex``)."""
    return tuple(p for p in INDEX_PARTS if level in p.levels)


def _window_start(as_of: date) -> pd.Timestamp:
    return pd.Timestamp(as_of) - pd.DateOffset(months=12)


def _area_codes(key: pd.Series | np.ndarray, areas: pd.Index) -> np.ndarray:
    """Position of each row's area in ``areas``; -1 when missing or unknown."""
    codes, uniques = pd.factorize(np.asarray(key, dtype=object) if isinstance(key, np.ndarray) else key)
    return np.append(areas.get_indexer(uniques), -1)[codes]  # code -1 (missing key) picks the appended -1


def _as_float(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as 1.0 / 0.0 / NaN (missing column: all NaN)."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    return frame[column].astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def _kiln_values(gaps: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per-kiln 1.0 / 0.0 (NaN: unknown) of each thing the area tables count."""
    status = gaps["visit_status"]
    values = {
        "not_recent": status.isin(("never", "overdue")).to_numpy(dtype=float),
        "never": status.eq("never").to_numpy(dtype=float),
        "visited_12m": (pd.to_numeric(gaps["visits_12m"], errors="coerce").fillna(0).to_numpy() > 0).astype(float),
        "finding": np.nan_to_num(_as_float(gaps, "finding_recorded")),
    }
    return values | {f"desert_{s}": _as_float(gaps, f"desert_{s}") for s in SERVICES}


def _kiln_aggregates(values: dict[str, np.ndarray], codes: np.ndarray, n_areas: int) -> dict[str, np.ndarray]:
    """Counts and shares of the kilns of each of ``n_areas`` areas (``codes``: a kiln's area, -1 none).

    An area without kilns has ``kilns`` 0 and NaN shares. A service share counts only the kilns whose
    ``desert_<service>`` is known; it is NaN when none is.
    """
    inside = codes >= 0
    codes = codes[inside]

    def total(name: str | np.ndarray) -> np.ndarray:
        v = values[name] if isinstance(name, str) else name
        return np.bincount(codes, weights=v[inside], minlength=n_areas)

    kilns = np.bincount(codes, minlength=n_areas)
    out = {"kilns": kilns.astype("int64"),
           "kilns_visited_12m": total("visited_12m").astype("int64"),
           "kilns_with_finding": total("finding").astype("int64")}
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_not_recent"] = total("not_recent") / kilns
        out["share_never"] = total("never") / kilns
        out["share_visited_12m"] = total("visited_12m") / kilns
        for s in SERVICES:
            desert = values[f"desert_{s}"]
            known = ~np.isnan(desert)
            out[f"share_desert_{s}"] = total(np.where(known, desert, 0.0)) / total(known.astype(float))
    return out


def _add_index(columns: dict[str, np.ndarray], level: str) -> None:
    """Add ``underserved_index`` (0–100) and ``no_data_reason`` to ``columns`` from its ``part_*`` arrays."""
    parts = index_parts(level)
    weights = np.array([p.weight for p in parts])
    values = np.column_stack([np.asarray(columns[f"part_{p.key}"], dtype=float) for p in parts])
    has_kilns = np.asarray(columns["kilns"]) > 0
    index = 100 * (values @ weights) / weights.sum()  # NaN in any part -> NaN: no silent averaging
    columns["underserved_index"] = np.where(has_kilns, index, np.nan)
    missing = [np.where(np.isnan(values[:, i]) & has_kilns, p.missing, "") for i, p in enumerate(parts)]
    reasons = np.array([REASON_SEP.join(r for r in row if r) for row in zip(*missing, strict=True)], dtype=object)
    columns["no_data_reason"] = np.where(has_kilns, reasons, NO_KILNS).astype(object)


DVC_COLUMNS = ("district_pcode", "tehsil_pcode", "notified", "notified_date", "last_meeting_date", "synthetic",
               "source")


def _dvc_statuses(dvcs: pd.DataFrame | None, districts: pd.Series, *, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status of each district's DVC and of each tehsil committee (rows with a tehsil), in one pass.

    Returns
    -------
    The :func:`layers.dvc.dvc_status` frame of ``districts``, and one row per tehsil committee:
    ``tehsil_pcode``, ``district_pcode``, ``status``.
    """
    if dvcs is not None:  # the columns dvc_status reads, as a plain frame: cheaper to filter and join
        dvcs = pd.DataFrame({c: dvcs[c].to_numpy() for c in DVC_COLUMNS if c in dvcs})
    has_tehsils = dvcs is not None and "tehsil_pcode" in dvcs and dvcs["tehsil_pcode"].notna().any()
    if not has_tehsils:
        committees = pd.DataFrame({c: pd.Series(dtype=object) for c in ("tehsil_pcode", "district_pcode", "status")})
        return dvc_status(dvcs, districts, as_of=as_of), committees
    rows = dvcs[dvcs["tehsil_pcode"].notna()]
    tehsil = rows["tehsil_pcode"].astype(str)
    # dvc_status decides an area from its rows without a tehsil: present each tehsil row as such an
    # area of its own (tehsil P-codes never equal district P-codes), so one call rates both
    as_areas = rows.assign(district_pcode=tehsil, tehsil_pcode=None)
    tehsils = tehsil.drop_duplicates(keep="last")
    status = dvc_status(pd.concat([dvcs, as_areas], ignore_index=True),
                        pd.concat([districts.astype(str), tehsils], ignore_index=True), as_of=as_of)
    district_of = rows["district_pcode"].fillna(tehsil.str[:5])  # PK60801 lies in PK608
    committees = pd.DataFrame({
        "tehsil_pcode": tehsils.to_numpy(),
        "district_pcode": district_of.loc[tehsils.index].astype(str).to_numpy(),
        "status": status["status"].to_numpy()[len(districts):],
    })
    return status.iloc[:len(districts)].reset_index(drop=True), committees


def _district_columns(ref: Reference) -> dict[str, np.ndarray]:
    d = ref.districts
    province = d["ADM1_EN"] if "ADM1_EN" in d else d["ADM1_PCODE"]
    return {"district_pcode": d["ADM2_PCODE"].astype(str).to_numpy(dtype=object),
            "name": d["ADM2_EN"].to_numpy(dtype=object), "province": province.to_numpy(dtype=object)}


def dvc_coverage(ref: Reference, dvcs: pd.DataFrame | None, gaps: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Vigilance committee coverage of each district of ``ref``.

    Parameters
    ----------
    ref
        The reference data (:class:`loaders.geo.Reference`); only ``districts`` is used.
    dvcs
        DVC records (the ``dvcs`` layer frame); rows with a ``tehsil_pcode`` are tehsil committees.
    gaps
        The kiln-level gaps table (``district_pcode``, ``visits_12m``, ...).
    as_of
        Day the statuses and the 12-month window are measured at.

    Returns
    -------
    DataFrame, one row per district: ``district_pcode``, ``name``, ``province``, ``status`` (see
    :data:`layers.dvc.STATUS_ORDER`), ``status_label``, ``notified_date``, ``last_meeting_date``,
    ``tehsil_committees``, ``tehsil_committees_active``, ``active_committees`` (district + tehsil),
    ``kilns``, ``kilns_visited_12m``, ``share_visited_12m`` (NaN without kilns), ``kilns_per_active_dvc``
    (NaN when no committee is active or no kiln is detected), ``synthetic``, ``source``.
    """
    return pd.DataFrame(_coverage(ref, dvcs, gaps, _kiln_values(gaps), as_of=as_of)[0])


def _coverage(ref: Reference, dvcs: pd.DataFrame | None, gaps: pd.DataFrame, values: dict[str, np.ndarray], *,
              as_of: date) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """The columns of :func:`dvc_coverage`, and the tehsil committees' statuses."""
    out = _district_columns(ref)
    districts = pd.Index(out["district_pcode"])
    status, committees = _dvc_statuses(dvcs, pd.Series(out["district_pcode"]), as_of=as_of)
    out["status"] = status["status"].to_numpy(dtype=object)
    out["status_label"] = np.array([STATUS_LABELS[s] for s in out["status"]], dtype=object)
    for col in ("notified_date", "last_meeting_date", "synthetic", "source"):
        out[col] = status[col].to_numpy()
    committee_district = _area_codes(committees["district_pcode"], districts)
    active = (committees["status"] == "active").to_numpy()
    out["tehsil_committees"] = np.bincount(committee_district[committee_district >= 0], minlength=len(districts))
    out["tehsil_committees_active"] = np.bincount(committee_district[active & (committee_district >= 0)],
                                                  minlength=len(districts))
    out["active_committees"] = out["tehsil_committees_active"] + (out["status"] == "active")
    kilns = _kiln_aggregates(values, _area_codes(gaps["district_pcode"], districts), len(districts))
    out |= {c: kilns[c] for c in ("kilns", "kilns_visited_12m", "share_visited_12m")}
    with np.errstate(invalid="ignore", divide="ignore"):
        per_active = out["kilns"] / out["active_committees"]
    out["kilns_per_active_dvc"] = np.where((out["active_committees"] > 0) & (out["kilns"] > 0), per_active, np.nan)
    return out, committees


def _visits_per_area(visits: pd.DataFrame, gaps: pd.DataFrame, key: str, areas: pd.Index, *,
                     as_of: date) -> np.ndarray:
    """Visit records of the 12 months to ``as_of`` in each area (a visit given by kiln only: the kiln's)."""
    dates = pd.to_datetime(visits["visit_date"], errors="coerce")
    inside = ((dates >= _window_start(as_of)) & (dates < pd.Timestamp(as_of) + pd.Timedelta(days=1))).to_numpy()
    recent = pd.DataFrame({c: visits[c].to_numpy()[inside] for c in (key, "kiln_id") if c in visits})
    area = recent[key] if key in recent else pd.Series(None, index=recent.index, dtype=object)
    if "kiln_id" in recent and area.isna().any():
        kiln_area = pd.Series(gaps[key].to_numpy(), index=gaps["kiln_id"].to_numpy())
        area = area.fillna(recent["kiln_id"].map(kiln_area[~kiln_area.index.duplicated()]))
    codes = _area_codes(area, areas)
    return np.bincount(codes[codes >= 0], minlength=len(areas))


def area_metrics(
    gaps: pd.DataFrame,
    ref: Reference,
    *,
    level: Level,
    dvcs: pd.DataFrame | None,
    visits: pd.DataFrame | None,
    as_of: date,
    district: str | None = None,
) -> pd.DataFrame:
    """Coverage, service deserts, DVC and the underserved index of every district or tehsil.

    Every area of ``ref`` gets a row, also those without detected kilns: there ``kilns`` is 0, shares
    and the index are NaN and ``no_data_reason`` is ``"no kilns detected"`` (detections undercount:
    none detected is not zero kilns, and never the best score).

    Parameters
    ----------
    gaps
        The kiln-level gaps table (:func:`layers.gaps.kiln_gaps`).
    ref
        The reference data; ``districts`` (with ``pop_total_2023``) and ``tehsils`` are used.
    level
        ``"district"`` or ``"tehsil"``.
    dvcs
        DVC records, or ``None`` (every DVC status then unknown, so the index is not computed).
    visits
        Inspection records, for ``visits_12m``; ``None`` sums ``visits_12m`` of the gaps table instead
        (visits matched to kilns only). An empty frame means there is no inspection data: the index is
        then not computed.
    as_of
        Day the 12-month window and DVC statuses are measured at.
    district
        Keep only this district (at tehsil level: its tehsils).

    Returns
    -------
    DataFrame: ``pcode``, ``name``, ``district_pcode``, ``province``, ``population`` (districts only),
    ``kilns``, ``kilns_per_100k`` (districts with a population and kilns only), ``kilns_visited_12m``,
    ``visits_12m``, ``kilns_with_finding``, the ``share_*`` columns, ``dvc_status`` (the district's),
    ``tehsil_dvc`` (tehsil level: its own committee's status, else missing), ``kilns_per_active_dvc``
    (the district's), ``part_<key>`` for each of :func:`index_parts` (level), ``underserved_index``
    and ``no_data_reason`` (empty when the index is computed).
    """
    if level not in ("district", "tehsil"):
        raise ValueError(f"level must be 'district' or 'tehsil', not {level!r}")
    values = _kiln_values(gaps)
    coverage, committees = _coverage(ref, dvcs, gaps, values, as_of=as_of)
    if level == "district":
        d = _district_columns(ref)
        out = {"pcode": d["district_pcode"], "name": d["name"], "district_pcode": d["district_pcode"],
               "province": d["province"]}
        population = pd.to_numeric(ref.districts["pop_total_2023"], errors="coerce").to_numpy(dtype=float) \
            if "pop_total_2023" in ref.districts else np.full(len(out["pcode"]), np.nan)
    else:
        t = ref.tehsils
        province = t["ADM1_EN"] if "ADM1_EN" in t else t["ADM1_PCODE"]
        out = {"pcode": t["ADM3_PCODE"].astype(str).to_numpy(dtype=object), "name": t["ADM3_EN"].to_numpy(dtype=object),
               "district_pcode": t["ADM2_PCODE"].astype(str).to_numpy(dtype=object),
               "province": province.to_numpy(dtype=object)}
        population = np.full(len(out["pcode"]), np.nan)  # no tehsil population in the census data we ship
    out["population"] = pd.array(np.round(population), dtype="Int64")
    areas = pd.Index(out["pcode"])
    kilns = _kiln_aggregates(values, _area_codes(gaps[f"{level}_pcode"], areas), len(areas))
    has_kilns = kilns["kilns"] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        per_100k = kilns["kilns"] / population * 1e5
    out["kilns"] = kilns["kilns"]
    out["kilns_per_100k"] = np.where(has_kilns & (population > 0), per_100k, np.nan)
    out["kilns_visited_12m"] = kilns["kilns_visited_12m"]
    if visits is None:
        visits_12m = pd.to_numeric(gaps["visits_12m"], errors="coerce").fillna(0).to_numpy()
        codes = _area_codes(gaps[f"{level}_pcode"], areas)
        out["visits_12m"] = np.bincount(codes[codes >= 0], weights=visits_12m[codes >= 0],
                                        minlength=len(areas)).astype("int64")
    else:
        out["visits_12m"] = _visits_per_area(visits, gaps, f"{level}_pcode", areas, as_of=as_of)
    out["kilns_with_finding"] = kilns["kilns_with_finding"]
    out |= {c: kilns[c] for c in SHARE_COLUMNS}

    district_pos = pd.Index(coverage["district_pcode"]).get_indexer(out["district_pcode"])  # -1: the appended fill
    status = np.append(coverage["status"], "unknown")[district_pos]
    out["dvc_status"] = status
    no_active = np.where(status == "active", 0.0, np.where(status == "unknown", np.nan, 1.0))
    if level == "tehsil":
        own = np.append(committees["status"].to_numpy(dtype=object), None)[
            _area_codes(pd.Series(out["pcode"]), pd.Index(committees["tehsil_pcode"]))]
        out["tehsil_dvc"] = own
        no_active = np.where(own == "active", 0.0, no_active)  # the tehsil's own committee oversees it
    out["kilns_per_active_dvc"] = np.append(coverage["kilns_per_active_dvc"], np.nan)[district_pos]

    out["part_not_recent"] = out["share_not_recent"]
    if visits is not None and visits.empty:
        out["part_not_recent"] = np.full(len(areas), np.nan)  # all "never visited" only for want of records
    out["part_no_active_dvc"] = no_active
    if level == "district":
        highest = np.nanmax(out["kilns_per_100k"]) if np.isfinite(out["kilns_per_100k"]).any() else np.nan
        out["part_kiln_density"] = out["kilns_per_100k"] / highest if highest > 0 else np.full(len(areas), np.nan)
    for s in SERVICES:
        out[f"part_desert_{s}"] = out[f"share_desert_{s}"]
    _add_index(out, level)
    frame = pd.DataFrame(out)
    if district:
        frame = frame[frame["district_pcode"] == district].reset_index(drop=True)
    return frame


def hex_metrics(gaps: pd.DataFrame, *, resolution: int = 7) -> gpd.GeoDataFrame:
    """Coverage and deserts per H3 hexagon holding at least one kiln.

    Parameters
    ----------
    gaps
        The kiln-level gaps table (``lat``/``lon`` in EPSG:4326).
    resolution
        H3 resolution (7: cells of about 5 km²).

    Returns
    -------
    GeoDataFrame (EPSG:4326 hexagons): ``h3_cell``, ``kilns``, ``kilns_visited_12m``, ``kilns_with_finding``,
    the ``share_*`` columns, ``part_<key>`` for :func:`index_parts` ("hex": no density, no DVC part),
    ``underserved_index`` and ``no_data_reason``. A cell across a district edge may hold kilns with and
    without service data: its desert shares count the kilns with data.
    """
    lat = pd.to_numeric(gaps["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(gaps["lon"], errors="coerce").to_numpy(dtype=float)
    valid = np.isfinite(lat) & np.isfinite(lon)
    cells = np.full(len(gaps), None, dtype=object)
    # h3 4.x has no array API: one call per kiln (about 1 µs each)
    cells[valid] = [h3.latlng_to_cell(a, b, resolution) for a, b in zip(lat[valid], lon[valid], strict=True)]
    codes, uniques = pd.factorize(cells)
    out = {"h3_cell": np.asarray(uniques, dtype=object)} | _kiln_aggregates(_kiln_values(gaps), codes, len(uniques))
    out["part_not_recent"] = out["share_not_recent"]
    for s in SERVICES:
        out[f"part_desert_{s}"] = out[f"share_desert_{s}"]
    _add_index(out, "hex")
    return gpd.GeoDataFrame(out, geometry=_hexagons(out["h3_cell"]), crs=WGS84)


def _hexagons(cells: np.ndarray) -> np.ndarray:
    """Polygons of H3 cells, built per vertex count (6, or more where a cell crosses an icosahedron edge)."""
    boundaries = [h3.cell_to_boundary(c) for c in cells]
    sizes = np.fromiter(map(len, boundaries), dtype=np.int64, count=len(boundaries))
    polygons = np.empty(len(boundaries), dtype=object)
    for size in np.unique(sizes):
        idx = np.flatnonzero(sizes == size)
        latlng = np.array([boundaries[i] for i in idx], dtype=float).reshape(len(idx), size, 2)
        polygons[idx] = shapely.polygons(latlng[:, :, ::-1])  # h3 gives (lat, lng)
    return polygons


def district_ranking(metrics: pd.DataFrame, *, small_count: int = 5) -> pd.DataFrame:
    """Areas from the most to the least underserved, ``rank`` 1, 2, ... first.

    Areas without an index, or with fewer than ``small_count`` kilns (their index is not shown, and two
    kilns make a share of 0 or 1), come last without a rank.
    """
    rankable = metrics["underserved_index"].notna() & (metrics["kilns"] >= small_count)
    ranked = metrics.assign(_r=~rankable).sort_values(["_r", "underserved_index", "kilns"],
                                                      ascending=[True, False, False], na_position="last",
                                                      kind="stable").drop(columns="_r").reset_index(drop=True)
    ranked.insert(0, "rank", pd.array(np.arange(1, len(ranked) + 1), dtype="Int64"))
    ranked.loc[ranked["underserved_index"].isna() | (ranked["kilns"] < small_count), "rank"] = pd.NA
    return ranked


def _month_ends(start: date, end: date) -> pd.DatetimeIndex:
    """Last day of each month from ``start`` to ``end``; the last month ends at ``end`` itself."""
    months = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")
    ends = months.to_timestamp(how="end").normalize()
    return pd.DatetimeIndex(np.minimum(ends.to_numpy(), np.datetime64(pd.Timestamp(end), "ns")))


def coverage_series(
    kilns: pd.DataFrame,
    visits: pd.DataFrame,
    *,
    start: date,
    end: date,
    district: str | None = None,
) -> pd.DataFrame:
    """Share of each district's kilns visited within the 12 months before each month end.

    A kiln counts at month end ``m`` when it has a visit dated from ``m`` minus 12 months to ``m``
    (both days included), so coverage decays month by month once visits stop. The last month is
    measured at ``end``. Visits are matched to kilns by ``kiln_id``.

    Parameters
    ----------
    kilns
        ``kiln_id`` and ``district_pcode`` of the kilns (detected and imported).
    visits
        ``kiln_id`` and ``visit_date`` of the inspection visits.
    start, end
        First and last month of the series.
    district
        Only this district.

    Returns
    -------
    DataFrame: ``month_end``, ``district_pcode``, ``kilns``, ``kilns_covered``, ``coverage`` (share),
    one row per month and district with kilns.
    """
    kilns = kilns.loc[kilns["district_pcode"].notna(), ["kiln_id", "district_pcode"]].drop_duplicates("kiln_id")
    if district:
        kilns = kilns[kilns["district_pcode"] == district]
    kiln_district, districts = pd.factorize(kilns["district_pcode"], sort=True)
    districts = np.asarray(districts, dtype=object)
    per_district = np.bincount(kiln_district, minlength=len(districts))
    kiln_pos = pd.Index(kilns["kiln_id"]).get_indexer(visits["kiln_id"])
    dates = pd.to_datetime(visits["visit_date"], errors="coerce").to_numpy(dtype="datetime64[ns]")
    matched = (kiln_pos >= 0) & ~np.isnat(dates)
    kiln_pos, dates = kiln_pos[matched], dates[matched]

    month_ends = _month_ends(start, end)
    covered_counts = np.zeros((len(month_ends), len(districts)), dtype=np.int64)
    for i, month_end in enumerate(month_ends):
        inside = (dates >= np.datetime64(month_end - pd.DateOffset(months=12), "ns")) & \
                 (dates < np.datetime64(month_end + pd.Timedelta(days=1), "ns"))
        covered = np.zeros(len(kilns), dtype=bool)
        covered[kiln_pos[inside]] = True
        covered_counts[i] = np.bincount(kiln_district[covered], minlength=len(districts))
    out = pd.DataFrame({
        "month_end": np.repeat(month_ends.to_numpy(), len(districts)),
        "district_pcode": np.tile(districts, len(month_ends)),
        "kilns": np.tile(per_district, len(month_ends)).astype("int64"),
        "kilns_covered": covered_counts.ravel(),
    })
    out["coverage"] = out["kilns_covered"] / out["kilns"]
    return out


def visits_per_month(
    visits: pd.DataFrame,
    *,
    start: date,
    end: date,
    district: str | None = None,
) -> pd.DataFrame:
    """Inspection visits per calendar month and district, months without visits included as 0.

    Returns
    -------
    DataFrame: ``month_end``, ``district_pcode``, ``visits``, ``visits_with_finding`` (child labour
    observed or bonded labour indicators recorded), for each month from ``start`` to ``end`` and each
    district with visits in the period (or ``district``).
    """
    dates = pd.to_datetime(visits["visit_date"], errors="coerce")
    keep = (dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end) + pd.Timedelta(days=1)) & \
        visits["district_pcode"].notna()
    if district:
        keep &= visits["district_pcode"] == district
    inside = visits[keep]
    finding = pd.Series(False, index=inside.index)
    for col in ("child_labour_observed", "bonded_labour_indicators"):
        if col in inside:
            finding |= inside[col].astype(object).eq("yes").fillna(False).astype(bool)
    month_ends = _month_ends(start, end)
    month = dates[keep].dt.to_period("M")
    counts = pd.DataFrame({"month": month, "district_pcode": inside["district_pcode"].astype(str),
                           "visits": 1, "visits_with_finding": finding.astype("int64")}
                          ).groupby(["month", "district_pcode"]).sum()
    districts = [district] if district else sorted(inside["district_pcode"].astype(str).unique())
    grid = pd.MultiIndex.from_product([pd.PeriodIndex(month_ends, freq="M"), districts],
                                      names=["month", "district_pcode"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out.insert(0, "month_end", np.repeat(month_ends.to_numpy(), len(districts)))
    return out.drop(columns="month").astype({"visits": "int64", "visits_with_finding": "int64"})


def _format_count(value: object, no_data: str = "no data", num: object = None) -> str:
    if pd.isna(value):
        return no_data
    return num(int(value)) if num is not None else f"{int(value):,}"


def suppress_small(
    frame: pd.DataFrame,
    *,
    small_count: int = 5,
    columns: tuple[str, ...] = SENSITIVE_COUNTS,
    base: str = "kilns",
    lang: str | None = None,
    urdu_digits: bool = False,
) -> pd.DataFrame:
    """Display strings of an area table, small counts hidden; the numbers themselves stay in ``frame``.

    ``lang`` (default English) writes the words, numbers, dates, area names (``name`` with ``pcode``),
    provinces, DVC status labels and no-data reasons in that language; the rule is the same.

    Rule, with ``small_count`` = 5:

    * counts drawn from inspection records (``columns``: visits, kilns visited, kilns with a finding,
      ...) below 5 are shown as ``"< 5"``, zero included, so that "none" and "one or two" cannot be
      told apart for a handful of kilns;
    * kiln counts (``kilns``, public satellite detections) are shown exactly, 0 as ``"0"``;
    * shares (``share_*``, ``coverage``), index parts (``part_*``) and ``underserved_index`` of an area
      with fewer than 5 kilns in ``base`` (but at least one) are shown as ``"< 5 kilns"``; an area with
      none shows ``"no data"``;
    * the share of kilns visited in 12 months is hidden too when the count behind it is below 5;
    * other missing numbers show ``"no data"`` (``kilns_per_active_dvc``: ``"no active DVC"``).

    Returns
    -------
    DataFrame with the same index and columns (geometry left out), every cell a string.
    """
    tr = translator(lang, urdu_digits=urdu_digits)
    _ = tr.gettext
    english = tr.lang == "en"
    no_data = _("no data")
    hidden = tr.digits(f"< {small_count}")
    hidden_kilns = _("< {n} kilns").format(n=tr.num(small_count))
    num = None if english else tr.num
    few = frame[base].lt(small_count).to_numpy() if base in frame else np.zeros(len(frame), dtype=bool)
    shown: dict[str, list[str]] = {}
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        if col in columns:
            text = [hidden if pd.notna(v) and v < small_count else _format_count(v, no_data, num) for v in values]
        elif col == base or col in ("tehsil_committees", "tehsil_committees_active", "active_committees"):
            text = [_format_count(v, no_data, num) for v in values]
        elif col == "share_visited_12m" and "kilns_visited_12m" in frame:  # share of a count that is hidden
            counts = frame["kilns_visited_12m"]
            text = [no_data if pd.isna(v) else hidden_kilns if f or c < small_count else tr.digits(f"{v:.0%}")
                    for v, f, c in zip(values, few, counts, strict=True)]
        elif col.startswith(("share_", "part_")) or col in ("coverage", "underserved_index"):
            pattern = "{:.0f}" if col == "underserved_index" else "{:.2f}" if col.startswith("part_") else "{:.0%}"
            text = [no_data if pd.isna(v) else hidden_kilns if f else tr.digits(pattern.format(v))
                    for v, f in zip(values, few, strict=True)]
        elif col in ("kilns_per_100k", "kilns_per_active_dvc", "population"):
            missing = _("no active DVC") if col == "kilns_per_active_dvc" else no_data
            decimals = 1 if col == "kilns_per_100k" else 0
            pattern = "{:,.1f}" if decimals else "{:,.0f}"
            text = [missing if pd.isna(v) else pattern.format(v) if english else tr.num(v, decimals) for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            text = ["" if pd.isna(v) else v.date().isoformat() if english else tr.date(v) for v in values]
        else:
            text = ["" if v is None or (np.ndim(v) == 0 and pd.isna(v)) else str(v) for v in values]
            if not english:
                text = _translated_column(frame, col, text, tr)
        shown[col] = text
    return pd.DataFrame(shown, index=frame.index, dtype=object)


STATUS_LABEL_OF = {label: label for label in STATUS_LABELS.values()}
PROVINCE_NAMES = {"Punjab": N_("Punjab"), "Sindh": N_("Sindh")}


def _translated_column(frame: pd.DataFrame, col: str, text: list[str], tr: Translator) -> list[str]:
    """A text column of an area table in ``tr``'s language: area and province names, DVC status labels and
    no-data reasons (anything else, P-codes included, as it is)."""
    if col == "name" and "pcode" in frame:
        return [tr.place(p, t) if t else t for p, t in zip(frame["pcode"].astype(str), text, strict=True)]
    if col == "province":
        return [tr(PROVINCE_NAMES[t]) if t in PROVINCE_NAMES else t for t in text]
    if col == "status_label":
        return [tr(t) if t in STATUS_LABEL_OF else t for t in text]
    if col == "no_data_reason":
        return [reason_text(t, tr.lang) for t in text]
    return text
