"""Read any uploaded table or GIS file (CSV, XLSX, GeoJSON, GPKG, zipped shapefile) into one raw table."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import stat
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.i18n import N_
from loaders import limits, paths
from loaders._errors import FileTooLarge, UnreadableFile
from loaders.contracts import normalise_header
from loaders.problems import Message, Problem

TABLE_EXTS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
GEO_EXTS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shapefile"}
SUPPORTED = ".csv, .txt, .tsv, .xlsx, .xlsm, .geojson, .json, .gpkg, .shp (with .shx/.dbf beside it), .zip"

HEADER_SEARCH_ROWS = 30
"""Non-empty rows searched for the header (government sheets put titles and logos above it)."""
_ZIP_DATASET_EXTS = (".shp", ".geojson", ".json", ".gpkg", ".csv", ".tsv", ".xlsx", ".xlsm")
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
_CSV_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_LISTED_ROWS = 20
"""Row numbers listed in a note before it says "and N more"."""


@dataclass
class RawTable:
    """A file as read, before any validation: header cells, data rows and (for GIS files) geometries.

    Attributes
    ----------
    path
        The file read (for a zip: the zip itself, since its extracted members are deleted).
    format
        ``"csv"``, ``"xlsx"``, ``"geojson"``, ``"gpkg"`` or ``"shapefile"``.
    columns
        Header cells as found (stripped); blank headers become ``"column_<n>"`` (n = 1-based column
        position) and repeated headers are made unique (``"x"``, ``"x_2"``).
    rows
        Data rows aligned with ``columns``. CSV cells are ``str`` (empty -> ``None``); XLSX cells are the
        native values openpyxl gives; GIS attributes are plain Python values (missing -> ``None``).
    row_numbers
        Per row, the row number a spreadsheet shows (CSV: record number), or the feature number from 1.
    geometries
        GIS formats only: shapely geometries in EPSG:4326 (``None`` for a null geometry).
    header_row
        Row number of the header (tables); ``None`` for GIS formats.
    notes
        File-level warnings (``row=None``) the user should see.
    formula_cells
        XLSX: ``(row_number, column)`` of formula cells with no cached value (``None`` in ``rows``).
    """

    path: Path
    format: str
    columns: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    geometries: list[Any] | None
    header_row: int | None
    notes: list[Problem] = field(default_factory=list)
    formula_cells: set[tuple[int, str]] = field(default_factory=set)
    encoding: str | None = None
    delimiter: str | None = None


def read_table(
    path: str | Path,
    *,
    known_headers: set[str] | frozenset[str] = frozenset(),
    display_name: str | None = None,
) -> RawTable:
    """Read a CSV, Excel, GeoJSON, GeoPackage or zipped shapefile without losing any row.

    Parameters
    ----------
    path
        The file on disk (an upload saved to a temporary file, or a path given on the command line).
    known_headers
        Normalised headers (see :func:`loaders.contracts.normalise_header`) of the target layer, used
        to find the header row below any title rows.
    display_name
        The name the user knows the file by (the uploaded file name), used in error messages.

    Returns
    -------
    RawTable
        Header, rows, row numbers, geometries (GIS formats) and file-level notes.

    Raises
    ------
    UnreadableFile
        When the file cannot be read at all; the reason is one human-readable line.
    """
    path = Path(path)
    name = display_name or path.name
    ext = _extension(display_name or path.name, path)
    if ext == ".xls":
        raise UnreadableFile(name, Message(N_("old Excel .xls format is not supported: save it as .xlsx or CSV (UTF-8)")))
    if ext not in TABLE_EXTS and ext not in GEO_EXTS and ext != ".zip":
        shown = f"'{ext}'" if ext else Message(N_("no extension"))
        raise UnreadableFile(name, Message(N_("unsupported file type ({type}); supported: {supported}"), type=shown,
                                           supported=SUPPORTED))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(name, _cannot_open(exc)) from None
    if size == 0:
        raise UnreadableFile(name, Message(N_("file is empty")))
    if ext == ".shp":  # a shapefile is read with its sidecars: they count too
        size += sum(part.stat().st_size for e in _SHP_SIDECARS[1:] if (part := _sidecar(path, e)) is not None)
    if size > limits.MAX_FILE_BYTES:
        raise FileTooLarge(
            name, Message(N_("the file is {size}, above the limit of {limit}: refused (split it into several files)"),
                          size=_mb(size, up=True), limit=_mb(limits.MAX_FILE_BYTES)), limit="MAX_FILE_BYTES",
        )
    try:
        if ext == ".zip":
            return _read_zip(path, name, known_headers)
        return _read_plain(path, name, ext, known_headers)
    except UnreadableFile:
        raise
    except Exception as exc:
        # Last line of defence: users get one line naming the file, never a traceback.
        raise UnreadableFile(name, Message(N_("could not read the file ({error})"),
                                           error=f"{type(exc).__name__}: {_short(exc)}")) from exc


def _extension(name: str, path: Path) -> str:
    """Lower-case extension of the user's file name, else of the path (uploads keep theirs in both)."""
    ext = Path(name).suffix.lower()
    return ext if ext else path.suffix.lower()


def _read_plain(path: Path, name: str, ext: str, known_headers: set[str] | frozenset[str]) -> RawTable:
    kind = TABLE_EXTS.get(ext) or GEO_EXTS[ext]
    if kind == "csv":
        return _read_csv(path, name, known_headers, tab=ext == ".tsv")
    if kind == "xlsx":
        return _read_xlsx(path, name, known_headers)
    return _read_geo(path, name, kind)


# -- CSV ---------------------------------------------------------------------------------------------


def _read_csv(
    path: Path, name: str, known_headers: set[str] | frozenset[str], *, tab: bool = False
) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(name, _cannot_open(exc)) from None
    text, encoding, notes = _decode(data, name)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise UnreadableFile(name, Message(N_("file is empty")))
    delimiter, text = _delimiter(text, tab)
    try:
        records = _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False), name,
                           blank="")
    except csv.Error as exc:
        raise UnreadableFile(name, Message(N_("not a readable CSV file ({error})"), error=str(exc))) from None
    table = _build_table(path, "csv", records, list(range(1, len(records) + 1)), known_headers, name)
    table.notes[:0] = notes
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _decode(data: bytes, name: str) -> tuple[str, str, list[Problem]]:
    """Text of a CSV, the encoding used and a note when it was not UTF-8/UTF-16."""
    # A byte-order mark is decisive; without one, UTF-16 shows itself by NULs and UTF-8 by decoding.
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _strict(data[len(bom) :], enc.replace("-sig", ""), name), enc, []
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict(data, utf16, name), utf16, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text, enc = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined: latin-1 maps every byte
        text, enc = data.decode("latin-1"), "latin-1"
    note = _note(Message(N_("read as {encoding} (not UTF-8): check accented/Urdu text; save as 'CSV UTF-8' to be sure"),
                         encoding=enc))
    return text, enc, [note]


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(
            name, Message(N_("looks like {encoding} text but cannot be decoded as such"), encoding=encoding.upper())
        ) from None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark, recognised by the NUL half of every ASCII character.

    Text mostly in Urdu has few ASCII characters (delimiters, digits, line ends): the high byte of its letters is
    0x06 (Arabic, U+0600-06FF) or 0x07/0xFB-0xFE (supplement and presentation forms), so those count with the
    NULs as long as some NULs are there and the other half of the pairs has next to none.
    """
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if pairs < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        nul = high.count(0) / pairs
        if low.count(0) / pairs >= 0.05 or nul == 0:
            continue
        arabic = sum(high.count(b) for b in _ARABIC_HIGH_BYTES) / pairs
        if nul >= 0.4 or nul + arabic >= 0.8:
            return encoding
    return None


_ARABIC_HIGH_BYTES = (0x06, 0x07, 0x08, 0xFB, 0xFC, 0xFD, 0xFE)


def _nfc(value: Any) -> Any:
    """Text in Unicode's composed form (NFC): Urdu typed on different keyboards matches and stays as written."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return value


def _delimiter(text: str, tab: bool) -> tuple[str, str]:
    """Delimiter of a CSV (and the text without an Excel ``sep=`` hint line)."""
    first, _, rest = text.partition("\n")
    hint = re.fullmatch(r"\s*sep=(.)\s*", first)
    if hint:
        return hint.group(1), rest
    if tab:
        return "\t", text
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > _SNIFF_CHARS
    best, best_score = ",", (0, 0)
    for candidate in _CSV_DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample, newline=""), delimiter=candidate))
        except csv.Error:
            continue
        if truncated:
            records = records[:-1]
        widths = [len(r) for r in records[:200] if len(r) > 1]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        # Consistent width across many records beats a stray delimiter inside some values; on a tie
        # the wider split wins (Kobo's ';' files hold "[31.5, 74.3]" in every row).
        score = (count, width)
        if score > best_score:
            best, best_score = candidate, score
    return best, text


# -- XLSX --------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, name: str, known_headers: set[str] | frozenset[str]) -> RawTable:
    try:  # a workbook is a zip: its sheets' XML is checked for size before openpyxl inflates any
        with zipfile.ZipFile(path) as archive:
            _check_unpacked_size(archive.infolist(), name, what="workbook")
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(name, _not_a_workbook(exc)) from None
    try:
        workbook = _open_workbook(path, data_only=True)
    except Exception as exc:  # corrupt workbooks fail in many ways (zip, xml, keys)
        raise UnreadableFile(name, _not_a_workbook(exc)) from None
    try:
        return _read_workbook(path, name, workbook, known_headers)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(name, _not_a_workbook(exc)) from None
    finally:
        workbook.close()


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    import openpyxl  # imported here: only needed for Excel files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about every unsupported Excel extension
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def _read_workbook(
    path: Path, name: str, workbook: Any, known_headers: set[str] | frozenset[str]
) -> RawTable:
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]  # chartsheets hold no cells
    with_data = [ws for ws in sheets if _sheet_has_data(ws, name)]
    visible = [ws for ws in with_data if ws.sheet_state == "visible"]
    if not visible:
        hidden = [ws.title for ws in with_data]
        reason = (Message(N_("the workbook has no data in any visible sheet (hidden sheets with data: {sheets}; "
                             "unhide the one to load)"), sheets=", ".join(hidden)) if hidden
                  else Message(N_("the workbook has no data in any visible sheet")))
        raise UnreadableFile(name, reason)
    sheet = visible[0]
    notes = []
    if len(with_data) > 1:
        others = ", ".join(f"'{ws.title}'" for ws in with_data if ws is not sheet)
        notes.append(
            _note(Message(N_("workbook has {n} sheets with data: read sheet '{sheet}' only (ignored: {others})"),
                          n=len(with_data), sheet=sheet.title, others=others))
        )
    sheet.reset_dimensions()  # read-only mode trusts the stored dimension, which some writers get wrong
    cells = _bounded((map(_nfc, row) for row in sheet.iter_rows(values_only=True)), name)
    # Cached values hide which cells are formulas; reading the formulas is a second slow pass, so
    # it is skipped when the sheet's XML holds none.
    formulas = _formula_cells(path, sheet.title, cells) if _may_hold_formulas(path, sheet) else set()
    table = _build_table(
        path, "xlsx", cells, list(range(1, len(cells) + 1)), known_headers, name, formulas=formulas
    )
    table.notes[:0] = notes
    return table


def _formula_cells(path: Path, title: str, cells: list[list[Any]]) -> set[tuple[int, int]]:
    """(row number, column index) of formula cells with no cached value; pads ``cells`` to reach them."""
    found: set[tuple[int, int]] = set()
    workbook = _open_workbook(path, data_only=False)
    try:
        sheet = workbook[title]
        sheet.reset_dimensions()
        for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > len(cells):
                break
            row = cells[number - 1]
            for col, formula in enumerate(raw):
                if _is_formula(formula) and (col >= len(row) or row[col] is None):
                    found.add((number, col))
                    row.extend([None] * (col + 1 - len(row)))
    finally:
        workbook.close()
    return found


def _sheet_has_data(ws: Any, name: str) -> bool:
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(not _blank(v) for v in row):
            return True
        if number >= limits.MAX_ROWS:  # rows and rows of nothing: as costly to read as rows of data
            raise _too_many_rows(name)
    return False


def _may_hold_formulas(path: Path, sheet: Any) -> bool:
    """Whether the sheet's XML has any ``<f>`` (formula) element; ``True`` when unsure."""
    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return True
    pattern = re.compile(rb"<(?:\w+:)?f[\s>/]")
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as xml:
            tail = b""
            while chunk := xml.read(1 << 20):
                if pattern.search(tail + chunk):
                    return True
                tail = chunk[-16:]  # a tag split across two chunks
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, RuntimeError):
        return True
    return False


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    # array and data-table formulas come as objects, not strings
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


# -- building a table from cells ---------------------------------------------------------------------


def _bounded(records: Iterable[Iterable[Any]], name: str, *, blank: Any = None) -> list[list[Any]]:
    """The records of a table as lists, read only as far as the row, column and cell limits allow.

    Trailing empty cells (``blank``: ``""`` from the csv module, ``None`` from openpyxl) are dropped as each
    record is read, so a row of a million commas, or styled empty cells out to column XFD, costs nothing;
    empty cells inside a row are ``None``. Past :data:`loaders.limits.MAX_ROWS` records, a record of more
    than ``MAX_COLUMNS`` cells or ``MAX_CELLS`` cells in all, the file is refused at once.
    """
    rows: list[list[Any]] = []
    cells = 0
    for record in records:
        if len(rows) >= limits.MAX_ROWS:
            raise _too_many_rows(name)
        row = list(record)
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == blank):
            end -= 1
        row = [None if c == blank else c for c in row[:end]] if blank is not None else row[:end]
        if end > limits.MAX_COLUMNS:
            raise FileTooLarge(
                name, Message(N_("row {row} has {columns} columns, above the limit of {limit}: refused"),
                              row=len(rows) + 1, columns=f"{end:,}", limit=f"{limits.MAX_COLUMNS:,}"),
                limit="MAX_COLUMNS",
            )
        cells += end
        if cells > limits.MAX_CELLS:
            raise _too_many_cells(name)
        rows.append(row)
    return rows


def _too_many_rows(name: str) -> FileTooLarge:
    return FileTooLarge(
        name, Message(N_("more than {limit} rows (the limit): refused (split it into several files)"),
                      limit=f"{limits.MAX_ROWS:,}"),
        limit="MAX_ROWS",
    )


def _too_many_cells(name: str) -> FileTooLarge:
    return FileTooLarge(
        name, Message(N_("more than {limit} cells (rows × columns, the limit): refused "
                         "(split it, or leave out columns the layer does not use)"), limit=f"{limits.MAX_CELLS:,}"),
        limit="MAX_CELLS",
    )


def _build_table(
    path: Path,
    fmt: str,
    cells: list[list[Any]],
    numbers: list[int],
    known_headers: set[str] | frozenset[str],
    name: str,
    *,
    formulas: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset(),
) -> RawTable:
    """Find the header row in ``cells`` and shape the rows below it into a :class:`RawTable`."""
    content = [i for i, row in enumerate(cells) if not _row_blank(row, numbers[i], formulas)]
    if not content:
        raise UnreadableFile(name, Message(N_("file is empty (no cells with data)")))
    head = _header_index(cells, content, known_headers)
    header_row = numbers[head]
    last = content[-1]
    body = range(head + 1, last + 1)
    kept = [i for i in body if not _row_blank(cells[i], numbers[i], formulas)]
    empty = [numbers[i] for i in body if _row_blank(cells[i], numbers[i], formulas)]

    width = max(
        [_used_width(cells[head])]
        + [_used_width(cells[i]) for i in kept]
        + [c + 1 for r, c in formulas if r > header_row]
    )
    columns = _column_names(cells[head], width)
    rows = [_pad(cells[i], width) for i in kept]
    formula_cells = {(r, columns[c]) for r, c in formulas if r > header_row and c < width}

    notes = []
    if head > 0:
        span = (Message(N_("row {row}"), row=numbers[0]) if head == 1
                else Message(N_("rows {first}-{last}"), first=numbers[0], last=numbers[head - 1]))
        notes.append(_note(Message(N_("header found on row {row}; {span} skipped (title rows)"), row=header_row,
                                   span=span)))
    if empty:
        template = N_("{n} empty row skipped: {rows}") if len(empty) == 1 else N_("{n} empty rows skipped: {rows}")
        notes.append(_note(Message(template, n=len(empty), rows=_list_rows(empty))))
    return RawTable(
        path=path,
        format=fmt,
        columns=columns,
        rows=rows,
        row_numbers=[numbers[i] for i in kept],
        geometries=None,
        header_row=header_row,
        notes=notes,
        formula_cells=formula_cells,
    )


def _header_index(cells: list[list[Any]], content: list[int], known: set[str] | frozenset[str]) -> int:
    """Index of the header: the first of the most-matching rows (2+ known headers), else the first row."""
    best, best_score = content[0], 1
    for i in content[:HEADER_SEARCH_ROWS]:
        score = sum(1 for c in cells[i] if not _blank(c) and normalise_header(c) in known)
        if score > best_score:
            best, best_score = i, score
    return best


def _row_blank(
    row: list[Any], number: int, formulas: set[tuple[int, int]] | frozenset[tuple[int, int]]
) -> bool:
    if any((number, c) in formulas for c in range(len(row))):
        return False
    return all(_blank(v) for v in row)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _used_width(row: list[Any]) -> int:
    for i in range(len(row) - 1, -1, -1):
        if not _blank(row[i]):
            return i + 1
    return 0


def _pad(row: list[Any], width: int) -> list[Any]:
    row = list(row[:width])
    return row + [None] * (width - len(row))


def _column_names(header: list[Any], width: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for i in range(width):
        cell = header[i] if i < len(header) else None
        base = f"column_{i + 1}" if _blank(cell) else _header_text(cell)
        unique, n = base, 1
        while unique in seen:
            n += 1
            unique = f"{base}_{n}"
        seen.add(unique)
        names.append(unique)
    return names


def _header_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time(0):
        return cell.date().isoformat()
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    return str(cell).strip()


def _list_rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_LISTED_ROWS])
    more = len(numbers) - _LISTED_ROWS
    return Message(N_("{rows} and {more} more"), rows=shown, more=more) if more > 0 else shown


# -- GIS formats -------------------------------------------------------------------------------------


def _read_geo(path: Path, name: str, kind: str) -> RawTable:
    import pyogrio  # imported here: GDAL is slow to load and only needed for GIS files

    notes: list[Problem] = []
    layer = _single_layer(path, name, pyogrio) if kind == "gpkg" else None
    codec = None
    if kind == "shapefile":
        _check_shapefile_parts(path, name)
        codec, notes = _shapefile_codec(path)
    # Telling GDAL the .dbf is ISO-8859-1 (whatever the .cpg or the dBASE language byte say) maps
    # each byte to one character, so _recode_dbf can decode the original bytes itself.
    encoding = "ISO-8859-1" if codec else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _check_geo_size(pyogrio.read_info(path, layer=layer, encoding=encoding), name)
            # one feature past the limit tells a file over it when its driver could not count ahead
            frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, max_features=limits.MAX_ROWS + 1)
    except FileTooLarge:
        raise
    except Exception as exc:  # GDAL errors come as several exception types
        raise UnreadableFile(name, Message(N_("not a readable {format} file ({error})"),
                                           format=_FORMAT_LABELS[kind], error=_short(exc))) from None
    if len(frame) > limits.MAX_ROWS:
        raise FileTooLarge(name, Message(N_("more than {limit} features (the limit): refused (split it into "
                                            "several files)"), limit=f"{limits.MAX_ROWS:,}"), limit="MAX_ROWS")
    if not isinstance(frame, gpd.GeoDataFrame):  # an attribute-only layer: rows without geometry
        frame = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    if codec:
        frame, notes = _recode_dbf(frame, codec, notes)
    frame, crs_notes = _to_wgs84(frame, name, kind)
    attributes = frame.drop(columns=frame.geometry.name)
    rows = [[_nfc(_py_value(v)) for v in rec] for rec in attributes.itertuples(index=False, name=None)]
    return RawTable(
        path=path,
        format=kind,
        columns=_column_names([_nfc(c) for c in attributes.columns], len(attributes.columns)),
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
        geometries=list(frame.geometry),
        header_row=None,
        notes=notes + crs_notes,
    )


_FORMAT_LABELS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "shapefile": "shapefile"}


def _check_geo_size(info: dict[str, Any], name: str) -> None:
    """Refuse a GIS layer with too many fields or features, from GDAL's description, before reading it.

    A GeoJSON whose features each bring a new property name makes one column per name for every feature:
    a few MB of text would become billions of empty cells.
    """
    fields, features = len(info.get("fields", ())), int(info.get("features", -1))
    if fields > limits.MAX_COLUMNS:
        raise FileTooLarge(name, Message(N_("{fields} attribute fields, above the limit of {limit}: refused"),
                                         fields=f"{fields:,}", limit=f"{limits.MAX_COLUMNS:,}"), limit="MAX_COLUMNS")
    if features > limits.MAX_ROWS:  # -1: the driver cannot count without reading; read_dataframe stops then
        raise FileTooLarge(name, Message(N_("{features} features, above the limit of {limit}: refused (split "
                                            "it into several files)"), features=f"{features:,}",
                                         limit=f"{limits.MAX_ROWS:,}"), limit="MAX_ROWS")
    if max(features, 0) * max(fields, 1) > limits.MAX_CELLS:
        raise _too_many_cells(name)


def _single_layer(path: Path, name: str, pyogrio: Any) -> str:
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:
        raise UnreadableFile(name, Message(N_("not a readable {format} file ({error})"), format="GeoPackage",
                                           error=_short(exc))) from None
    if not layers:
        raise UnreadableFile(name, Message(N_("the GeoPackage holds no layers")))
    if len(layers) > 1:
        listed = ", ".join(layers[:5])
        if len(layers) > 5:
            listed = Message(N_("{rows} and {more} more"), rows=listed, more=f"{len(layers) - 5:,}")
        raise UnreadableFile(
            name,
            Message(N_("the GeoPackage holds {n} layers ({listed}): export the one to load as its own file"),
                    n=f"{len(layers):,}", listed=listed),
        )
    return layers[0]


def _check_shapefile_parts(path: Path, name: str) -> None:
    for ext in (".dbf", ".shx"):
        if _sidecar(path, ext) is None:
            raise UnreadableFile(
                name,
                Message(N_("the shapefile's {ext} file is missing: include .shp, .shx, .dbf and .prj "
                           "(zip them together)"), ext=ext),
            )


def _sidecar(path: Path, ext: str) -> Path | None:
    for candidate in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if candidate.exists():
            return candidate
    return None


def _shapefile_codec(path: Path) -> tuple[str, list[Problem]]:
    """Codec named by the .cpg file, or ``"auto"`` (UTF-8, else cp1252) when it is absent or unknown."""
    cpg = _sidecar(path, ".cpg")
    if cpg is None:
        return "auto", []
    declared = cpg.read_bytes().decode("ascii", errors="replace").strip()
    codec = _cpg_codec(declared)
    if codec is None:
        return "auto", [_note(Message(N_("unknown encoding {encoding} in the .cpg file: read as UTF-8 (or cp1252)"),
                                    encoding=repr(declared)))]
    return codec, []


def _cpg_codec(declared: str) -> str | None:
    """Python codec for a .cpg text such as ``UTF-8``, ``1252``, ``ANSI 1252`` or ``88591``."""
    text = declared.upper().replace("ANSI", "").replace("_", "").strip()
    aliases = {"UTF8": "utf-8", "88591": "latin-1", "8859-1": "latin-1", "ISO88591": "latin-1"}
    if text in aliases:
        text = aliases[text]
    elif text.isdigit():
        text = f"cp{text}"
    try:
        return codecs.lookup(text).name
    except LookupError:
        return None


def _recode_dbf(
    frame: gpd.GeoDataFrame, codec: str, notes: list[Problem]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Decode the .dbf text (read as ISO-8859-1, i.e. one character per byte) with the right codec."""
    geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry]
    raw = {c: frame[c].astype(object).tolist() for c in columns}

    def decode(enc: str, errors: str = "strict") -> tuple[list[str], dict[str, list[Any]]] | None:
        try:
            names = [_redecode(c, enc, errors) for c in columns]
            values = {c: [_redecode(v, enc, errors) for v in vals] for c, vals in raw.items()}
        except UnicodeDecodeError:
            return None
        return names, values

    if codec == "auto":
        decoded = decode("utf-8")
        # U+FFFD in "valid UTF-8" means an earlier tool already lost characters: cp1252 may still read it
        if decoded is not None and not any(
            "\ufffd" in v for vals in decoded[1].values() for v in vals if isinstance(v, str)
        ):
            notes = [*notes, _note(Message(N_("no .cpg file: read as UTF-8")))]
        else:
            used = "cp1252"
            decoded = decode(used)
            if decoded is None:  # the five bytes cp1252 leaves undefined: latin-1 maps every byte
                used = "latin-1"
                decoded = decode(used)
            notes = [
                *notes,
                _note(Message(N_("no .cpg file and the text is not UTF-8: read as {encoding}; check accented/Urdu text"),
                              encoding=used)),
            ]
    else:
        decoded = decode(codec)
        if decoded is None:
            decoded = decode(codec, "replace")
            notes = [
                *notes,
                _note(Message(N_("some text is not valid {encoding} as the .cpg file says: undecodable bytes shown "
                                 "as {mark}"), encoding=codec, mark="\ufffd")),
            ]
    assert decoded is not None  # latin-1 and errors="replace" always decode
    names, values = decoded
    out = gpd.GeoDataFrame(
        {
            new: pd.Series(values[old], index=frame.index, dtype=object)
            for old, new in zip(columns, names, strict=True)
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    return out, notes


def _redecode(value: Any, encoding: str, errors: str) -> Any:
    return value.encode("latin-1").decode(encoding, errors) if isinstance(value, str) else value


def _to_wgs84(frame: gpd.GeoDataFrame, name: str, kind: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """The frame in EPSG:4326, with a note when it was reprojected or its CRS assumed."""
    if frame.crs is None:
        if kind == "geojson":
            return frame.set_crs(4326), []  # RFC 7946: GeoJSON is WGS84 unless it says otherwise
        if not _fits_lon_lat(frame):
            if kind == "shapefile":
                reason = Message(N_("the .prj file is missing and the coordinates are not longitude/latitude: "
                                    "include the .prj file (or export in EPSG:4326)"))
            else:
                reason = Message(N_("the file names no coordinate system and the coordinates are not "
                                    "longitude/latitude: include the .prj file (or export in EPSG:4326)"))
            raise UnreadableFile(name, reason)
        if kind == "shapefile":
            note = Message(N_("no .prj file: coordinates fit longitude/latitude, so EPSG:4326 is assumed"))
        else:
            note = Message(N_("no coordinate system in the file: coordinates fit longitude/latitude, so EPSG:4326 "
                              "is assumed"))
        return frame.set_crs(4326), [_note(note)]
    # OGC:CRS84 (what GDAL often reports for GeoJSON) is EPSG:4326 with lon/lat order: nothing to do
    if frame.crs.equals("EPSG:4326", ignore_axis_order=True):
        return frame, []
    label = _crs_label(frame.crs)
    try:
        frame = frame.to_crs(4326)
    except Exception as exc:
        raise UnreadableFile(name, Message(N_("cannot reproject from {crs} to EPSG:4326 ({error})"), crs=label,
                                           error=_short(exc))) from None
    return frame, [_note(Message(N_("reprojected from {crs} to EPSG:4326"), crs=label))]


def _fits_lon_lat(frame: gpd.GeoDataFrame) -> bool:
    geoms = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
    if geoms.empty:
        return True
    minx, miny, maxx, maxy = geoms.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _crs_label(crs: Any) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else (crs.name or crs.to_string())


def _py_value(value: Any) -> Any:
    """Plain Python value of a pandas/numpy cell (missing -> ``None``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# -- zip archives ------------------------------------------------------------------------------------


def _read_zip(path: Path, name: str, known_headers: set[str] | frozenset[str]) -> RawTable:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(name, Message(N_("not a valid zip archive ({error})"), error=_short(exc))) from None
    with archive:
        members = archive.infolist()
        _check_zip_safety(members, name)
        datasets = _zip_datasets(members)
        inner = [m.filename for m in members if m.filename.lower().endswith(".zip") and not m.is_dir()]
        if not datasets and inner:  # never unpacked in turn: each level would multiply what a bomb holds
            raise UnreadableFile(name, Message(N_("the zip holds another zip ({file}): unzip it and upload what it "
                                                  "holds"), file=inner[0]))
        if not datasets:
            raise UnreadableFile(name, Message(N_("the zip holds no dataset (.shp, .geojson, .json, .gpkg, .csv, .xlsx)")))
        if len(datasets) > 1:
            listed = ", ".join(d.filename for d in datasets)
            raise UnreadableFile(
                name, Message(N_("the zip holds {n} datasets ({listed}): zip one at a time"), n=len(datasets),
                              listed=listed)
            )
        main = datasets[0]
        wanted = [main]
        if main.filename.lower().endswith(".shp"):
            wanted = _shapefile_members(main, members)
        with tempfile.TemporaryDirectory(prefix="bhatta-zip-", dir=scratch_folder()) as tmp:
            target = _extract(archive, wanted, main, Path(tmp), name)
            inner_ext = target.suffix.lower()
            try:
                table = _read_plain(target, name, inner_ext, known_headers)
            except UnreadableFile as exc:
                reason = Message(N_("{file} in the zip: {reason}"), file=_member_path(main.filename).name,
                                 reason=exc.reason)
                if isinstance(exc, FileTooLarge):
                    raise FileTooLarge(name, reason, limit=exc.limit) from None
                raise UnreadableFile(name, reason) from None
    table.path = path
    return table


def _check_unpacked_size(members: list[zipfile.ZipInfo], name: str, *, what: str = "zip") -> None:
    """Refuse an archive (a zip, or an .xlsx) with too many members or too much to inflate.

    The sizes are the ones the archive declares; Python's zipfile never inflates a member past its declared
    size (it stops and fails the CRC check), so openpyxl reading a checked workbook is bounded too.
    """
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise FileTooLarge(
            name, Message(N_("the {what} holds {n} files, above the limit of {limit}: refused"), what=_WHAT[what],
                          n=f"{len(members):,}", limit=f"{limits.MAX_ZIP_MEMBERS:,}"), limit="MAX_ZIP_MEMBERS",
        )
    total = sum(m.file_size for m in members)
    if total > limits.MAX_UNPACKED_BYTES:
        raise FileTooLarge(
            name, Message(N_("the {what} unpacks to {size}, above the limit of {limit}: refused (a zip bomb, or too "
                             "much data for one upload)"), what=_WHAT[what], size=_mb(total, up=True),
                          limit=_mb(limits.MAX_UNPACKED_BYTES)), limit="MAX_UNPACKED_BYTES",
        )


def _check_zip_safety(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a zip past the size limits, or with a member that could be written outside its folder."""
    _check_unpacked_size(members, name)
    for m in members:
        raw = m.filename.replace("\\", "/")
        if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or ".." in raw.split("/"):
            raise UnreadableFile(name, Message(N_("unsafe path in the zip: '{file}' (refused)"), file=m.filename))
        # members are copied into files of our own naming, so a link could not escape; it is still no data
        if stat.S_ISLNK(m.external_attr >> 16):
            raise UnreadableFile(name, Message(N_("'{file}' in the zip is a symbolic link (refused)"), file=m.filename))


def _zip_datasets(members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    found = []
    for m in members:
        if m.is_dir() or _ignored_member(m.filename):
            continue
        if m.filename.lower().endswith(_ZIP_DATASET_EXTS):
            found.append(m)
    return found


def _ignored_member(filename: str) -> bool:
    parts = _member_path(filename).parts
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _shapefile_members(shp: zipfile.ZipInfo, members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    stem = shp.filename[: -len(".shp")].lower()
    return [
        m
        for m in members
        if not m.is_dir()
        and not _ignored_member(m.filename)
        and m.filename.lower()[:-4] == stem
        and m.filename.lower()[-4:] in _SHP_SIDECARS
    ]


def _extract(
    archive: zipfile.ZipFile, wanted: list[zipfile.ZipInfo], main: zipfile.ZipInfo, folder: Path, name: str
) -> Path:
    """Copy ``wanted`` members flat into ``folder``; return the main one's path.

    Every part is named after the main member's stem with a lower-case extension, so GDAL finds the
    sidecars of ``SCHOOLS.SHP`` even when the zip spells them ``schools.dbf``.
    """
    budget = limits.MAX_UNPACKED_BYTES
    stem = _member_path(main.filename).stem
    main_path = folder
    for m in wanted:
        target = folder / f"{stem}{_member_path(m.filename).suffix.lower()}"
        try:
            with archive.open(m) as src, open(target, "wb") as dst:
                # declared sizes can lie: count what is really written
                while chunk := src.read(1 << 20):
                    budget -= len(chunk)
                    if budget < 0:
                        raise FileTooLarge(
                            name, Message(N_("the zip unpacks to more than {limit}: refused"),
                                          limit=_mb(limits.MAX_UNPACKED_BYTES)),
                            limit="MAX_UNPACKED_BYTES",
                        )
                    dst.write(chunk)
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error) as exc:
            raise UnreadableFile(
                name, Message(N_("cannot extract {file} from the zip ({error})"), file=repr(m.filename),
                              error=_short(exc))
            ) from None
        if m is main:
            main_path = target
    return main_path


def _member_path(filename: str) -> PurePosixPath:
    """A zip member's path, with Windows backslashes read as separators."""
    return PurePosixPath(filename.replace("\\", "/"))


# -- small helpers -----------------------------------------------------------------------------------


def scratch_folder() -> Path:
    """Where an upload is unpacked or saved while it is read: ``tmp`` in the app's data folder (``BHATTA_VAR_DIR``).

    Not the system's temporary folder: what users upload stays on the volume chosen for the app's data (which
    may be encrypted, or backed up), never in a RAM-backed /tmp; each reader removes its own sub-folder.
    """
    folder = paths.VAR_DIR / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_WHAT = {"zip": Message(N_("zip")), "workbook": Message(N_("workbook"))}


def _not_a_workbook(exc: BaseException) -> Message:
    return Message(N_("not a readable Excel workbook ({error})"), error=_short(exc))


def _cannot_open(exc: OSError) -> Message:
    return Message(N_("cannot open the file ({error})"), error=str(exc.strerror or exc))


def _note(reason: str) -> Problem:
    return Problem(row=None, column=None, value=None, reason=reason, severity="warning")


def _mb(size: int, *, up: bool = False) -> str:
    """A size in MB as the limits and Streamlit count them (1024 × 1024 bytes).

    With ``up`` it is rounded up, so a file one byte over a limit never reads "50 MB, above the limit of 50 MB".
    """
    mb = size / limits.MB
    if mb >= 10:
        return f"{math.ceil(mb) if up else round(mb):,} MB"
    return f"{mb:.3g} MB"  # small limits only appear in tests


def _short(exc: BaseException) -> str:
    """First line of an exception message, trimmed: reasons are one line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


__all__ = ["RawTable", "read_table", "scratch_folder", "SUPPORTED"]
