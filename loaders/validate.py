"""Validate a read table against its layer contract: every problem collected, no row lost silently."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.i18n import N_
from loaders._errors import MissingColumns
from loaders.contracts import (
    COMBINED_ALIASES,
    LAT_ALIASES,
    LON_ALIASES,
    Contract,
    Field,
    contract,
    normalise_header,
)
from loaders.districts import match_district
from loaders.geo import METRIC_CRS, WGS84, Reference, assign_admin, reference
from loaders.problems import Message, Problem, Report
from loaders.readers import RawTable, read_table
from loaders.values import (
    ValueProblem,
    is_blank,
    parse_category,
    parse_date,
    parse_id,
    parse_int,
    parse_number,
)

KILN_MATCH_M = 200.0
"""An inspection given by coordinates belongs to the nearest kiln within this distance."""

# the whole cell must be the label ("Total", "Grand total (65 districts):"), so "Total Care School" is a name
_TOTALS = re.compile(
    r"^\s*(grand\s+)?(totals?|sum|sub[\s-]?totals?|کل|میزان|ٹوٹل)\s*(\(.*\))?\s*[:.]?\s*$", re.IGNORECASE
)
_SYSTEM_COLUMNS = ("district_pcode", "tehsil_pcode", "source_row", "synthetic", "geometry")


@dataclass
class ColumnPlan:
    """Which header of the file feeds which contract field, and where the coordinates come from."""

    fields: dict[str, int] = field(default_factory=dict)
    lat: int | None = None
    lon: int | None = None
    combined: int | None = None
    extras: dict[str, int] = field(default_factory=dict)
    synthetic: int | None = None

    @property
    def has_coordinates(self) -> bool:
        return (self.lat is not None and self.lon is not None) or self.combined is not None


def _find(headers: list[str], wanted: Iterable[str], used: set[int]) -> int | None:
    norm = [normalise_header(h) for h in headers]
    for name in wanted:
        for i, h in enumerate(norm):
            if i not in used and h == name:
                return i
    return None


def plan_columns(
    table: RawTable, spec: Contract, column_map: Mapping[str, str] | None = None
) -> ColumnPlan:
    """Match the file's headers to the contract; raise :class:`MissingColumns` naming what lacks.

    ``column_map`` maps a contract field (or ``lat``/``lon``) to a header of the file, for headers
    no alias knows (``--column name=Facility``).
    """
    headers = table.columns
    plan = ColumnPlan()
    used: set[int] = set()
    column_map = dict(column_map or {})
    unknown_targets = [k for k in column_map if k not in {f.name for f in spec.fields} | {"lat", "lon"}]
    if unknown_targets:
        names = ", ".join(f.name for f in spec.fields)
        raise MissingColumns(
            table.path, [Message(N_("--column {field}=... names no field of layer {layer} ({names})"), field=k,
                                 layer=repr(spec.layer), names=names) for k in unknown_targets],
            headers,
        )
    for target, header in column_map.items():
        i = _find(headers, [normalise_header(header)], used)
        if i is None:
            raise MissingColumns(table.path, [Message(N_("{field} (the column {header} you named is not in the file)"),
                                                     field=target, header=repr(header))], headers)
        used.add(i)
        if target == "lat":
            plan.lat = i
        elif target == "lon":
            plan.lon = i
        else:
            plan.fields[target] = i
    # canonical names first for every field, then aliases, so an alias never steals another field's column
    for f in spec.fields:
        if f.name not in plan.fields and (i := _find(headers, [normalise_header(f.name)], used)) is not None:
            plan.fields[f.name] = i
            used.add(i)
    for f in spec.fields:
        if f.name not in plan.fields and (i := _find(headers, f.headers(), used)) is not None:
            plan.fields[f.name] = i
            used.add(i)
    if spec.geometry != "district" and table.geometries is None:
        if plan.lat is None:
            plan.lat = _coordinate_column(headers, LAT_ALIASES, "latitude", used)
        if plan.lon is None:
            plan.lon = _coordinate_column(headers, LON_ALIASES, "longitude", used)
        if plan.lat is None or plan.lon is None:
            plan.combined = _find(headers, [normalise_header(a) for a in COMBINED_ALIASES], used)
            if plan.combined is not None:
                used.add(plan.combined)
    if (i := _find(headers, ["synthetic", "issynthetic"], used)) is not None:
        plan.synthetic = i
        used.add(i)

    missing = [f.name for f in spec.required if f.name not in plan.fields]
    if spec.geometry == "point" and table.geometries is None and not plan.has_coordinates:
        missing.append(Message(N_("lat and lon (or a Kobo _geolocation / GPS column)")))
    if spec.geometry == "point_or_kiln" and table.geometries is None and not plan.has_coordinates and "kiln_id" not in plan.fields:
        missing.append(Message(N_("kiln_id, or lat and lon")))
    if missing:
        raise MissingColumns(table.path, missing, headers)
    for i, header in enumerate(headers):
        if i not in used:
            plan.extras[_extra_name(header, spec)] = i
    return plan


def _coordinate_column(headers: list[str], aliases: Iterable[str], part: str, used: set[int]) -> int | None:
    """Index of the latitude (or longitude) column by alias, else a Kobo split geopoint; marked used."""
    i = _find(headers, [normalise_header(a) for a in aliases], used)
    if i is None:
        i = _kobo_part(headers, part, used)
    if i is not None:
        used.add(i)
    return i


def _kobo_part(headers: list[str], part: str, used: set[int]) -> int | None:
    """Kobo/ODK split geopoints: ``_gps_latitude``, ``_location_longitude``..."""
    for i, h in enumerate(headers):
        if i not in used and normalise_header(h).endswith(part) and str(h).strip().startswith("_"):
            return i
    return None


def _extra_name(header: str, spec: Contract) -> str:
    name = str(header).strip() or "column"
    if name in {f.name for f in spec.fields} or name in _SYSTEM_COLUMNS or name in ("lat", "lon"):
        return f"{name} (file)"
    return name


def _parse_combined(value: object) -> tuple[float, float]:
    """``"[31.5, 74.3]"``, ``"31.5,74.3"`` or ODK's ``"31.5 74.3 210 5"``: latitude first."""
    text = str(value).strip().strip("[]()")
    parts = [p for p in re.split(r"[,\s;]+", text) if p]
    if len(parts) < 2:
        raise ValueProblem(Message(N_("cannot read latitude and longitude from {value}"), value=repr(value)))
    lat, _ = parse_number(parts[0])
    lon, _ = parse_number(parts[1])
    return lat, lon


class _Rows:
    """Collects problems for one file; one place decides what rejects a row."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.rejected: set[int] = set()

    def error(self, row: int, column: str | None, value: object, reason: str) -> None:
        self.problems.append(Problem(row, column, value, reason, "error"))
        self.rejected.add(row)

    def warn(self, row: int | None, column: str | None, value: object, reason: str) -> None:
        self.problems.append(Problem(row, column, value, reason, "warning"))


def _is_totals_row(cells: list[Any]) -> str | None:
    texts = [c for c in cells if not is_blank(c)][:3]
    for cell in texts:
        if isinstance(cell, str) and _TOTALS.match(cell):
            return cell
    return None


def _parse_field(f: Field, value: object, row: int, header: str, out: _Rows, ref: Reference) -> Any:
    try:
        if f.kind == "id":
            return parse_id(value)
        if f.kind == "text":
            return value if isinstance(value, str) else str(value)
        if f.kind in ("int", "float"):
            number, notes = parse_int(value) if f.kind == "int" else parse_number(value)
            for note in notes:
                out.warn(row, header, value, note)
            if f.minimum is not None and number < f.minimum:
                raise ValueProblem(Message(N_("{number} is below the minimum {minimum}"), number=f"{number:g}",
                                           minimum=f"{f.minimum:g}"))
            if f.maximum is not None and number > f.maximum:
                raise ValueProblem(Message(N_("{number} is above the maximum {maximum}"), number=f"{number:g}",
                                           maximum=f"{f.maximum:g}"))
            return number
        if f.kind == "date":
            parsed, notes = parse_date(value)
            for note in notes:
                out.warn(row, header, value, note)
            return parsed
        if f.kind == "category":
            return parse_category(value, f.categories or {})
        if f.kind == "district":
            pcode, reason = match_district(value)
            if pcode is None:
                raise ValueProblem(reason or Message(N_("unknown district")))
            return pcode
        if f.kind == "tehsil":
            return _match_tehsil(value, ref)
    except ValueProblem as problem:
        out.error(row, header, value, problem.message)
    return None


def _match_tehsil(value: object, ref: Reference) -> str:
    text = str(value).strip()
    tehsils = ref.tehsils
    if text.upper() in set(tehsils["ADM3_PCODE"]):
        return text.upper()
    hits = tehsils.loc[tehsils["ADM3_EN"].str.lower() == text.lower(), "ADM3_PCODE"].tolist()
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise ValueProblem(Message(N_("tehsil name {name} exists in several districts; give its P-code ({pcodes})"),
                                   name=repr(text), pcodes=", ".join(hits)))
    raise ValueProblem(Message(N_("unknown tehsil {name}: use a COD 2022 tehsil name or P-code (e.g. PK61401)"),
                               name=repr(text)))


def validate(
    table: RawTable,
    layer: str,
    *,
    column_map: Mapping[str, str] | None = None,
    ref: Reference | None = None,
    known_kilns: gpd.GeoDataFrame | None = None,
    today: date | None = None,
    display_name: str | None = None,
) -> Report:
    """Check every row of ``table`` against the contract of ``layer`` and collect every problem.

    Parameters
    ----------
    table
        What a reader got out of the file.
    layer
        One of :data:`loaders.contracts.LAYERS`.
    column_map
        Contract field -> header, for headers no alias knows.
    ref
        Reference data (boundaries, kilns); loaded once and cached when omitted.
    known_kilns
        Kilns an inspection may refer to (default: the detected kilns in ``ref``).
    today
        Dates after this day are warned as future dates.

    Returns
    -------
    Report
        Accepted records (all columns, EPSG:4326) and every problem; rows = accepted + rejected rows.

    Raises
    ------
    MissingColumns
        When a required column (or any coordinates) cannot be found.
    """
    spec = contract(layer)
    ref = ref or reference()
    today = today or date.today()
    plan = plan_columns(table, spec, column_map)
    out = _Rows()
    for note in table.notes:
        out.problems.append(note)
    headers = table.columns
    records: list[dict[str, Any]] = []
    lats = np.full(len(table.rows), np.nan)
    lons = np.full(len(table.rows), np.nan)
    first_seen_id: dict[str, int] = {}

    for pos, (row, cells) in enumerate(zip(table.row_numbers, table.rows, strict=True)):
        if (label := _is_totals_row(cells)) is not None:
            out.error(row, None, label, Message(N_("totals row, not a record: rejected (sums are computed by the app)")))
            records.append({})
            continue
        record: dict[str, Any] = {"source_row": row}
        for f in spec.fields:
            if f.name not in plan.fields:
                continue
            i = plan.fields[f.name]
            value = cells[i]
            if (row, headers[i]) in table.formula_cells:
                out.error(row, headers[i], None, Message(N_("formula cell with no computed value: open the file in Excel, "
                                                            "save it, and load it again")))
                continue
            if is_blank(value):
                if f.required:
                    out.error(row, headers[i], value, Message(N_("required value missing ({field})"),
                                                              field=Message(f.title)))
                continue
            parsed = _parse_field(f, value, row, headers[i], out, ref)
            if f.kind == "date" and isinstance(parsed, date) and parsed > today:
                out.warn(row, headers[i], value, Message(N_("date {date} is in the future"), date=parsed.isoformat()))
            record[f.name] = parsed
        for name, i in plan.extras.items():
            record[name] = cells[i]
        record["synthetic"] = _synthetic(cells[plan.synthetic]) if plan.synthetic is not None else False

        if spec.id_field and (ident := record.get(spec.id_field)) not in (None, ""):
            if ident in first_seen_id:
                out.error(row, headers[plan.fields[spec.id_field]], ident,
                          Message(N_("duplicate id {id}: first seen on row {row}"), id=repr(ident),
                                  row=first_seen_id[ident]))
            else:
                first_seen_id[ident] = row

        if spec.geometry != "district":
            _read_point(table, plan, pos, row, cells, out, lats, lons)
        records.append(record)

    if spec.geometry != "district":
        _place_points(table, spec, lats, lons, records, out, ref, known_kilns)
    else:
        _check_district_rows(table, records, out)

    accepted_pos = [p for p, r in enumerate(table.row_numbers) if r not in out.rejected]
    accepted = _frame(spec, [records[p] for p in accepted_pos], lats[accepted_pos], lons[accepted_pos])
    columns = {name: headers[i] for name, i in plan.fields.items()}
    out.problems.sort(key=lambda p: -1 if p.row is None else p.row)  # stable: file notes first, then row order
    return Report(
        file=display_name or Path(table.path).name,
        layer=layer,
        rows=len(table.rows),
        accepted=accepted,
        problems=out.problems,
        columns=columns,
        extra_columns=[headers[i] for i in plan.extras.values()],
    )


def _synthetic(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes", "y", "t"}


def _read_point(table, plan, pos, row, cells, out, lats, lons) -> None:
    """Raw latitude/longitude of one row into ``lats``/``lons`` (NaN when absent)."""
    if table.geometries is not None:
        geom = table.geometries[pos]
        if geom is None or shapely.is_empty(geom):
            return
        if geom.geom_type != "Point":
            rep = geom.representative_point()
            out.warn(row, "geometry", geom.geom_type, Message(N_("{kind} where a point is expected: its representative "
                                                                "point is used"), kind=geom.geom_type))
            geom = rep
        lons[pos], lats[pos] = geom.x, geom.y
        return
    try:
        if plan.lat is not None and plan.lon is not None:
            lat_v, lon_v = cells[plan.lat], cells[plan.lon]
            if is_blank(lat_v) and is_blank(lon_v):
                return
            if is_blank(lat_v) or is_blank(lon_v):
                col = table.columns[plan.lat if is_blank(lat_v) else plan.lon]
                out.error(row, col, None, Message(N_("one coordinate missing: both latitude and longitude are needed")))
                return
            lat, notes = parse_number(lat_v)
            lon, notes2 = parse_number(lon_v)
            for note in notes + notes2:
                out.warn(row, table.columns[plan.lat], lat_v, note)
        elif plan.combined is not None:
            value = cells[plan.combined]
            if is_blank(value):
                return
            lat, lon = _parse_combined(value)
        else:
            return
    except ValueProblem as problem:
        col = table.columns[plan.lat if plan.lat is not None else plan.combined]
        out.error(row, col, cells[plan.lat] if plan.lat is not None else cells[plan.combined], problem.message)
        lats[pos] = lons[pos] = np.nan
        return
    lats[pos], lons[pos] = lat, lon


def _place_points(table, spec, lats, lons, records, out: _Rows, ref: Reference, known_kilns) -> None:
    """Check coordinates (swapped, outside the provinces), join district/tehsil, match kilns."""
    coord_col = "geometry" if table.geometries is not None else "lat/lon"
    present = np.isfinite(lats) & np.isfinite(lons)
    zero = present & (np.abs(lats) < 1e-9) & (np.abs(lons) < 1e-9)
    candidates = present & ~zero
    as_given = gpd.GeoSeries(gpd.points_from_xy(np.where(candidates, lons, 0), np.where(candidates, lats, 0)), crs=WGS84)
    swapped = gpd.GeoSeries(gpd.points_from_xy(np.where(candidates, lats, 0), np.where(candidates, lons, 0)), crs=WGS84)
    admin = assign_admin(as_given.where(candidates, None), ref)
    admin_swapped = assign_admin(swapped.where(candidates & admin["district_pcode"].isna().values, None), ref)

    kilns = known_kilns if known_kilns is not None else ref.kilns
    # plain object arrays: reading pandas cells one by one costs more than the checks themselves
    district, tehsil = admin["district_pcode"].to_numpy(object), admin["tehsil_pcode"].to_numpy(object)
    snapped = admin["snapped_m"].to_numpy(float)
    district_sw = admin_swapped["district_pcode"].to_numpy(object)
    tehsil_sw = admin_swapped["tehsil_pcode"].to_numpy(object)
    for pos, row in enumerate(table.row_numbers):
        if row in out.rejected and not present[pos]:
            continue
        record = records[pos]
        if not present[pos]:
            if spec.geometry == "point_or_kiln" and record.get("kiln_id"):
                continue  # placed at its kiln below
            if row not in out.rejected:
                out.error(row, coord_col, None, Message(N_("coordinates missing: a point needs latitude and longitude")))
            continue
        if zero[pos]:
            out.error(row, coord_col, "0, 0", Message(N_("coordinates 0, 0 are a blank GPS fix, not a place")))
            continue
        if isinstance(district[pos], str):
            record["district_pcode"] = district[pos]
            record["tehsil_pcode"] = tehsil[pos]
            if not math.isnan(snapped[pos]):
                out.warn(row, coord_col, f"{lats[pos]}, {lons[pos]}",
                         Message(N_("just outside the district boundary: assigned to the nearest district "
                                    "({metres} m)"), metres=f"{snapped[pos]:.0f}"))
            continue
        if isinstance(district_sw[pos], str):
            out.warn(row, coord_col, f"{lats[pos]}, {lons[pos]}",
                     Message(N_("latitude and longitude were swapped: read as latitude {lat}, longitude {lon}"),
                             lat=str(lons[pos]), lon=str(lats[pos])))
            lats[pos], lons[pos] = lons[pos], lats[pos]
            record["district_pcode"] = district_sw[pos]
            record["tehsil_pcode"] = tehsil_sw[pos]
            continue
        if abs(lats[pos]) > 90 or abs(lons[pos]) > 180:
            reason = Message(N_("not valid coordinates (latitude {lat}, longitude {lon}); are they projected metres?"),
                             lat=f"{lats[pos]:g}", lon=f"{lons[pos]:g}")
        else:
            reason = Message(N_("outside Punjab and Sindh (latitude {lat}, longitude {lon})"),
                             lat=f"{lats[pos]:.5f}", lon=f"{lons[pos]:.5f}")
        out.error(row, coord_col, f"{lats[pos]}, {lons[pos]}", reason)

    if spec.geometry == "point_or_kiln":
        _match_kilns(table, records, lats, lons, present, out, kilns)


def _match_kilns(table, records, lats, lons, present, out: _Rows, kilns: gpd.GeoDataFrame) -> None:
    """Tie each inspection to a kiln: by ``kiln_id``, else the nearest kiln within 200 m."""
    by_id = pd.Series(np.arange(len(kilns)), index=kilns["kiln_id"].astype(str))
    by_id = by_id[~by_id.index.duplicated()]
    kiln_metric = kilns.geometry.to_crs(METRIC_CRS).values
    tree = shapely.STRtree(kiln_metric)
    kiln_district = kilns["district_pcode"].values if "district_pcode" in kilns else None
    for pos, row in enumerate(table.row_numbers):
        if row in out.rejected:
            continue
        record = records[pos]
        kiln_id = record.get("kiln_id")
        if kiln_id:
            if kiln_id in by_id.index:
                k = int(by_id[kiln_id])
                record["kiln_matched"] = "kiln_id"
                if not present[pos]:
                    lats[pos], lons[pos] = kilns.geometry.values[k].y, kilns.geometry.values[k].x
                    if kiln_district is not None:
                        record["district_pcode"] = kiln_district[k]
                        record["tehsil_pcode"] = kilns["tehsil_pcode"].values[k]
                continue
            if not present[pos]:
                out.error(row, "kiln_id", kiln_id, Message(N_("unknown kiln_id {id} and no coordinates to place the visit"),
                                                           id=repr(kiln_id)))
                continue
            out.warn(row, "kiln_id", kiln_id, Message(N_("unknown kiln_id {id}: matching by coordinates instead"),
                                                      id=repr(kiln_id)))
        point = gpd.GeoSeries(gpd.points_from_xy([lons[pos]], [lats[pos]]), crs=WGS84).to_crs(METRIC_CRS).values[0]
        hit, dist = tree.query_nearest(point, max_distance=KILN_MATCH_M, return_distance=True)
        if len(hit):
            k = int(hit[0])
            record["kiln_id"] = str(kilns["kiln_id"].values[k])
            record["kiln_matched"] = f"nearest kiln, {dist[0]:.0f} m"
        else:
            record["kiln_matched"] = "unmatched"
            out.warn(row, "lat/lon", f"{lats[pos]}, {lons[pos]}",
                     Message(N_("no known kiln within {metres} m: kept as an unmatched visit"),
                             metres=f"{KILN_MATCH_M:.0f}"))


def _check_district_rows(table: RawTable, records: list[dict[str, Any]], out: _Rows) -> None:
    """DVC rows: one committee per district (and per tehsil where given); tehsil inside its district."""
    seen: dict[tuple[str, str | None], int] = {}
    for row, record in zip(table.row_numbers, records, strict=True):
        if row in out.rejected or not record:
            continue
        district, tehsil = record.get("district"), record.get("tehsil")
        if tehsil and district and not tehsil.startswith(district):
            out.error(row, "tehsil", tehsil, Message(N_("tehsil {tehsil} is not in district {district}"), tehsil=tehsil,
                                                     district=district))
            continue
        key = (district, tehsil)
        if key in seen:
            where = (Message(N_("tehsil {tehsil}"), tehsil=tehsil) if tehsil
                     else Message(N_("district {district}"), district=district))
            out.error(row, "district", district, Message(N_("second committee row for {where}: first on row {row}"),
                                                         where=where, row=seen[key]))
            continue
        seen[key] = row
        record["district_pcode"] = district
        record["tehsil_pcode"] = tehsil
        if record.get("notified") == "no" and record.get("last_meeting_date"):
            out.warn(row, "notified", "no", Message(N_("marked not notified but has a last meeting date")))


def _frame(spec: Contract, records: list[dict[str, Any]], lats: np.ndarray, lons: np.ndarray) -> gpd.GeoDataFrame:
    """Accepted records as a GeoDataFrame: contract columns typed, extra columns as read."""
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    for f in spec.fields:
        if f.name not in frame:
            frame[f.name] = None
        if f.kind == "date":
            frame[f.name] = pd.to_datetime(frame[f.name], errors="coerce")
        elif f.kind == "int":
            frame[f.name] = pd.array(frame[f.name], dtype="Int64")
        elif f.kind == "float":
            frame[f.name] = pd.to_numeric(frame[f.name], errors="coerce")
    for name in ("district_pcode", "tehsil_pcode", "source_row", "synthetic"):
        if name not in frame:
            frame[name] = None
    frame["synthetic"] = frame["synthetic"].fillna(False).astype(bool)
    if spec.geometry == "district":
        geometry = gpd.GeoSeries([None] * len(frame), crs=WGS84)
    else:
        ok = np.isfinite(lats) & np.isfinite(lons)
        points = gpd.points_from_xy(np.where(ok, lons, 0), np.where(ok, lats, 0))
        geometry = gpd.GeoSeries([p if good else None for p, good in zip(points, ok, strict=True)], crs=WGS84)
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geometry.values, crs=WGS84)


def check_file(
    path: str | Path,
    layer: str,
    *,
    column_map: Mapping[str, str] | None = None,
    display_name: str | None = None,
    ref: Reference | None = None,
    known_kilns: gpd.GeoDataFrame | None = None,
    today: date | None = None,
) -> Report:
    """Read ``path`` and validate it for ``layer`` (raises :class:`loaders._errors.LoaderError`)."""
    spec = contract(layer)
    table = read_table(path, known_headers=spec.known_headers(), display_name=display_name)
    return validate(table, layer, column_map=column_map, ref=ref, known_kilns=known_kilns, today=today,
                    display_name=display_name)


def records_to_json(frame: gpd.GeoDataFrame) -> list[str]:
    """One JSON object per record (geometry excluded): dates ISO, missing values null."""
    props = frame.drop(columns="geometry")
    out = []
    for rec in props.to_dict("records"):
        out.append(json.dumps({k: _json_value(v) for k, v in rec.items()}, ensure_ascii=False))
    return out


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
