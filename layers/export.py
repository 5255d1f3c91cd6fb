"""Tables as CSV or Excel downloads that no spreadsheet runs as formulas, with their sources attached."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""

DEMO_LABEL = "DEMO DATA (synthetic)"
DEMO_LINE = "Generated for demonstration: not real kilns, visits, committees or services."
TITLE = "Bhatta Atlas export"
NOTE_PREFIX = "# "
"""CSV downloads open with lines starting with this: title, demo warning, sources (the header follows)."""

_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters a worksheet cannot hold
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _neutral(value: object) -> object:
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell or header can start a formula.

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (OWASP guidance on CSV injection). Numbers, dates and booleans are left as they are:
    the number -5 stays a number, while the text ``"-5"`` becomes ``"'-5"``.
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values) or \
                isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        objects = values.astype(object).to_numpy()
        if any(isinstance(v, str) and v[:1] in FORMULA_TRIGGERS for v in objects):
            out[col] = pd.Series([_neutral(v) for v in objects], index=out.index, dtype=object)
    out.columns = [_neutral(str(c)) for c in out.columns]
    return out


def _tabular(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without geometry columns; point geometry becomes ``lat``/``lon`` when those are absent."""
    frame = pd.DataFrame(frame)
    geometry = [c for c in frame.columns if isinstance(frame[c].dtype, gpd.array.GeometryDtype)]
    if geometry and "lat" not in frame and "lon" not in frame:
        points = gpd.GeoSeries(frame[geometry[0]])
        if points.crs is not None and not points.crs.equals("EPSG:4326"):
            points = points.to_crs("EPSG:4326")
        kinds = points.geom_type.dropna().unique()
        if len(kinds) and set(kinds) == {"Point"}:
            frame = frame.assign(lat=points.y.to_numpy(), lon=points.x.to_numpy())
    return frame.drop(columns=geometry)


def about_lines(*, sources: Sequence[str], synthetic: bool, exported: date | None = None,
                notes: Sequence[str] = ()) -> list[tuple[str, str]]:
    """What an export says about itself: (label, text) pairs, the demo warning first when ``synthetic``."""
    lines = [(DEMO_LABEL, DEMO_LINE)] if synthetic else []
    lines += [(TITLE, ""), ("Exported", (exported or date.today()).isoformat())]
    lines += [("Source", s) for s in sources] or [("Source", "not given")]
    lines += [("Note", n) for n in notes]
    return [(str(_neutral(a)), str(_neutral(b))) for a, b in lines]


def to_csv_bytes(frame: pd.DataFrame, *, sources: Sequence[str], synthetic: bool, exported: date | None = None,
                 notes: Sequence[str] = ()) -> bytes:
    """The table as CSV (UTF-8 with BOM, so Excel shows Urdu), formulas neutralised.

    The file opens with lines starting with ``"# "`` (:data:`NOTE_PREFIX`): the demo warning when
    ``synthetic``, the title, the export date and each source; the header row follows, then one
    line per row. Missing values are empty; geometry becomes ``lat``/``lon`` or is left out.
    """
    table = neutralise(_tabular(frame))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for label, text in about_lines(sources=sources, synthetic=synthetic, exported=exported, notes=notes):
        writer.writerow([f"{NOTE_PREFIX}{label}: {text}" if text else f"{NOTE_PREFIX}{label}"])
    table.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(name: str) -> str:
    title = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", name)).strip().strip("'")[:31].strip()
    return title if title and title.lower() != "about" else "Data"


def _cells(values: pd.Series) -> list[object]:
    """Python values openpyxl writes as numbers, booleans, dates or text (missing: empty cell)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        times = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        whole_days = bool((times.dropna() == times.dropna().dt.normalize()).all())
        return [None if pd.isna(t) else t.date() if whole_days else t.to_pydatetime() for t in times]
    if pd.api.types.is_bool_dtype(values):
        return [None if pd.isna(v) else bool(v) for v in values.astype(object)]
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        integers = pd.api.types.is_integer_dtype(values)
        return [None if not math.isfinite(v) else int(v) if integers else v for v in numbers.tolist()]
    out = []
    for v in values.astype(object):
        if v is None or (not isinstance(v, str) and np.ndim(v) == 0 and pd.isna(v)):
            out.append(None)
        elif isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        elif isinstance(v, (bool, int, float, date)):
            out.append(v if not isinstance(v, float) or math.isfinite(v) else None)
        else:
            out.append(_ILLEGAL_XML.sub("", str(v)))
    return out


def _row(sheet, values: Sequence[object]) -> list[object]:
    """A worksheet row in which every text is a string cell, never a formula or an error value.

    openpyxl itself reads text starting with ``=`` as a formula and ``#N/A`` and the like as errors;
    those (and only those: one cell object per value would be slow) are given as string cells.
    """
    out = list(values)
    for i, value in enumerate(out):
        if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
            out[i] = WriteOnlyCell(sheet, value=value)
            out[i].data_type = "s"
    return out


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str, sources: Sequence[str], synthetic: bool,
                  exported: date | None = None, notes: Sequence[str] = ()) -> bytes:
    """The table as an Excel workbook: the data sheet, then an "About" sheet with sources and date.

    Text is neutralised like the CSV and every text cell is written as a string, never a formula.
    Dates are Excel dates (``yyyy-mm-dd``), missing values empty cells, geometry ``lat``/``lon`` or
    left out. When ``synthetic`` the data sheet's name starts with ``DEMO`` and the About sheet with
    ``DEMO DATA (synthetic)``.

    openpyxl is slow with many cells (about 1–2 s for 10,000 rows of 13 columns): build the
    workbook when it is asked for, not on every page run.
    """
    table = neutralise(_tabular(frame))
    book = Workbook(write_only=True)
    # the tab itself says DEMO: the About sheet is not the one a reader looks at first
    data = book.create_sheet(_sheet_title(f"DEMO {sheet}" if synthetic else sheet))
    data.append(_row(data, [str(c) for c in table.columns]))
    for values in zip(*(_cells(table[c]) for c in table.columns), strict=True):
        data.append(_row(data, values))
    about = book.create_sheet("About")
    for label, text in about_lines(sources=sources, synthetic=synthetic, exported=exported, notes=notes):
        about.append(_row(about, [label, text]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
