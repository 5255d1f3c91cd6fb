"""Tests of loaders.readers: every upload format read intact, with honest notes and one-line errors."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely

from loaders._errors import UnreadableFile
from loaders.contracts import contract, normalise_header
from loaders.limits import MAX_ZIP_MEMBERS
from loaders.readers import RawTable, read_table

URDU = "گورنمنٹ گرلز پرائمری اسکول"
HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://evil","x")', "${jndi:ldap://x/a}", "+SUM(A1)"]
KNOWN = {
    normalise_header(h) for h in ("school_name", "district", "latitude", "longitude", "level", "_geolocation")
}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def reasons(table: RawTable) -> str:
    return " | ".join(n.reason for n in table.notes)


# -- CSV encodings ----------------------------------------------------------------------------------

CSV_TEXT = f"school_name,district,latitude,longitude\n{URDU},Lahore,31.5,74.3\nCafé school,Kasur,31.1,74.4\n"


def test_csv_utf8(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", CSV_TEXT.encode("utf-8")), known_headers=KNOWN)
    assert t.format == "csv" and t.encoding == "utf-8" and t.delimiter == ","
    assert t.columns == ["school_name", "district", "latitude", "longitude"]
    assert t.rows == [[URDU, "Lahore", "31.5", "74.3"], ["Café school", "Kasur", "31.1", "74.4"]]
    assert t.rows[0][0].encode("utf-8") == URDU.encode("utf-8")
    assert t.header_row == 1 and t.row_numbers == [2, 3]
    assert t.geometries is None and t.notes == [] and t.formula_cells == set()


def test_csv_utf8_bom(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8")), known_headers=KNOWN)
    assert t.columns[0] == "school_name"  # no BOM glued to the first header
    assert t.rows[0][0] == URDU and t.notes == []


def test_csv_utf16_le_bom(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", CSV_TEXT.encode("utf-16")), known_headers=KNOWN)  # LE + BOM
    assert t.encoding == "utf-16-le"
    assert t.columns[0] == "school_name" and t.rows[0][0] == URDU and t.rows[1][0] == "Café school"


def test_csv_utf16_be_bom_and_bomless(tmp_path: Path) -> None:
    be = read_table(
        write(tmp_path / "be.csv", b"\xfe\xff" + CSV_TEXT.encode("utf-16-be")), known_headers=KNOWN
    )
    assert be.rows[0][0] == URDU
    bare = read_table(write(tmp_path / "le.csv", CSV_TEXT.encode("utf-16-le")), known_headers=KNOWN)
    assert bare.encoding == "utf-16-le" and bare.columns[0] == "school_name" and bare.rows[0][0] == URDU


def test_csv_cp1252_fallback_warns(tmp_path: Path) -> None:
    data = "school_name,district\nCafé – école,Multan\n".encode("cp1252")
    t = read_table(write(tmp_path / "s.csv", data), known_headers=KNOWN)
    assert t.encoding == "cp1252" and t.rows == [["Café – école", "Multan"]]
    assert len(t.notes) == 1 and t.notes[0].severity == "warning" and t.notes[0].row is None
    assert "cp1252" in t.notes[0].reason and "not UTF-8" in t.notes[0].reason


# -- CSV delimiters and quoting ---------------------------------------------------------------------


def test_semicolon_delimiter(tmp_path: Path) -> None:
    data = "school_name;district;note\nGPS Ali, Pur;Lahore;a, b\nGGPS;Kasur;c\n"
    t = read_table(write(tmp_path / "s.csv", data.encode()), known_headers=KNOWN)
    assert t.delimiter == ";"
    assert t.rows == [["GPS Ali, Pur", "Lahore", "a, b"], ["GGPS", "Kasur", "c"]]


def test_tab_delimiter(tmp_path: Path) -> None:
    data = "school_name\tdistrict\nA, B\tLahore\n"
    for name in ("s.txt", "s.tsv", "s.csv"):
        t = read_table(write(tmp_path / name, data.encode()), known_headers=KNOWN)
        assert t.delimiter == "\t" and t.rows == [["A, B", "Lahore"]], name


def test_quoted_newline_and_delimiter(tmp_path: Path) -> None:
    data = 'school_name,district,address\n"Line one\nline two",Lahore,"Main Rd, Block ""C"""\nB,Kasur,x\n'
    t = read_table(write(tmp_path / "s.csv", data.encode()), known_headers=KNOWN)
    assert t.rows[0] == ["Line one\nline two", "Lahore", 'Main Rd, Block "C"']
    assert t.row_numbers == [2, 3]  # record numbers, not physical lines


def test_empty_cells_none_and_hostile_text_verbatim(tmp_path: Path) -> None:
    lines = ["school_name,district,note"] + [f'"{h.replace(chr(34), chr(34) * 2)}",,  ' for h in HOSTILE]
    t = read_table(write(tmp_path / "s.csv", ("\n".join(lines) + "\n").encode()), known_headers=KNOWN)
    assert [r[0] for r in t.rows] == HOSTILE
    assert all(r[1] is None and r[2] == "  " for r in t.rows)


def test_kobo_export(tmp_path: Path) -> None:
    data = (
        "start;end;group_a1/school_name;group_a1/district;_geolocation;_id;_uuid\n"
        "2024-05-01T09:00:00.000+05:00;2024-05-01T09:10:00.000+05:00;"
        f'{URDU};Lahore;"[31.5, 74.3]";101;ab-12\n'
        "2024-05-02T09:00:00.000+05:00;2024-05-02T09:10:00.000+05:00;GPS Kot;Kasur;[31.1, 74.4];102;cd-34\n"
    )
    t = read_table(write(tmp_path / "kobo.csv", b"\xef\xbb\xbf" + data.encode()), known_headers=KNOWN)
    assert t.delimiter == ";"
    assert t.columns == [
        "start",
        "end",
        "group_a1/school_name",
        "group_a1/district",
        "_geolocation",
        "_id",
        "_uuid",
    ]
    assert t.rows[0][2:] == [URDU, "Lahore", "[31.5, 74.3]", "101", "ab-12"]
    assert t.rows[1][4] == "[31.1, 74.4]"
    assert t.header_row == 1 and t.row_numbers == [2, 3]


def test_excel_sep_hint(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", b"sep=;\nschool_name;district\nA;B\n"), known_headers=KNOWN)
    assert t.delimiter == ";" and t.columns == ["school_name", "district"] and t.rows == [["A", "B"]]


# -- header detection, empty rows, ragged rows ------------------------------------------------------


def test_csv_title_rows_above_header(tmp_path: Path) -> None:
    data = (
        "Government of the Punjab,,,\n"
        "List of schools 2024,,,\n"
        ",,,\n"
        "School Name,District,Latitude,Longitude\n"
        "GPS A,Lahore,31.5,74.3\n"
        "Total,,,\n"
    )
    t = read_table(write(tmp_path / "s.csv", data.encode()), known_headers=KNOWN)
    assert t.header_row == 4
    assert t.columns == ["School Name", "District", "Latitude", "Longitude"]
    assert t.rows == [["GPS A", "Lahore", "31.5", "74.3"], ["Total", None, None, None]]  # totals kept
    assert t.row_numbers == [5, 6]
    assert "header found on row 4" in reasons(t) and "rows 1-3 skipped" in reasons(t)


def test_header_with_real_contract(tmp_path: Path) -> None:
    data = "Directorate of Labour Welfare\n\nKiln ID,District,Latitude,Longitude\nK1,Lahore,31.5,74.3\n"
    t = read_table(write(tmp_path / "k.csv", data.encode()), known_headers=contract("kilns").known_headers())
    assert t.header_row == 3 and t.rows == [["K1", "Lahore", "31.5", "74.3"]] and t.row_numbers == [4]


def test_no_known_headers_takes_first_nonempty_row(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", b"\n\nfoo,bar\n1,2\n"))
    assert (
        t.header_row == 3 and t.columns == ["foo", "bar"] and t.rows == [["1", "2"]] and t.row_numbers == [4]
    )
    assert "header found on row 3" in reasons(t)


def test_empty_rows_noted_not_silent(tmp_path: Path) -> None:
    data = "school_name,district\nA,x\n,\nB,y\n\n , \nC,z\n\n\n"
    t = read_table(write(tmp_path / "s.csv", data.encode()), known_headers=KNOWN)
    assert [r[0] for r in t.rows] == ["A", "B", "C"] and t.row_numbers == [2, 4, 7]
    assert "3 empty rows skipped: 3, 5, 6" in reasons(t)  # trailing blank lines are not rows


def test_blank_and_duplicate_headers_and_ragged_rows(tmp_path: Path) -> None:
    data = "name,,name,name_2\na,b,c,d,extra\nshort\n"
    t = read_table(write(tmp_path / "s.csv", data.encode()))
    assert t.columns == ["name", "column_2", "name_2", "name_2_2", "column_5"]
    assert t.rows == [["a", "b", "c", "d", "extra"], ["short", None, None, None, None]]


def test_header_only_csv_has_no_rows(tmp_path: Path) -> None:
    t = read_table(write(tmp_path / "s.csv", b"school_name,district\n"), known_headers=KNOWN)
    assert t.columns == ["school_name", "district"] and t.rows == [] and t.row_numbers == []


# -- XLSX -------------------------------------------------------------------------------------------


def make_xlsx(path: Path, rows: dict[int, list[object]], **extra_sheets: dict[int, list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Schools"
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            ws.cell(row=number, column=col, value=value)
    for title, sheet_rows in extra_sheets.items():
        other = wb.create_sheet(title)
        for number, values in sheet_rows.items():
            for col, value in enumerate(values, start=1):
                other.cell(row=number, column=col, value=value)
    wb.save(path)
    return path


def test_xlsx_title_rows_urdu_dates_formulas(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "s.xlsx",
        {
            1: ["Government of the Punjab"],
            2: ["List of schools 2024"],
            4: ["School Name", "District", "Enrolment", "Double", "Opened"],
            5: [URDU, "Lahore", 120, "=C5*2", datetime(2019, 4, 1)],
            6: ["GPS B", "Kasur", 80.5, 7, datetime(2021, 12, 31, 0, 0)],
            8: ["GPS C", "Okara", None, None, None],
        },
    )
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A1:E1")  # merged title cells are common and harmless
    wb.save(path)
    t = read_table(path, known_headers=KNOWN)
    assert t.format == "xlsx" and t.header_row == 4
    assert t.columns == ["School Name", "District", "Enrolment", "Double", "Opened"]
    assert t.rows[0] == [URDU, "Lahore", 120, None, datetime(2019, 4, 1)]
    assert t.rows[1] == ["GPS B", "Kasur", 80.5, 7, datetime(2021, 12, 31)]
    assert t.rows[2] == ["GPS C", "Okara", None, None, None]
    assert t.row_numbers == [5, 6, 8]
    assert t.formula_cells == {(5, "Double")}
    assert "header found on row 4" in reasons(t) and "rows 1-3 skipped" in reasons(t)
    assert "1 empty row skipped: 7" in reasons(t)


def test_xlsx_formula_with_cached_value_is_plain_value(tmp_path: Path) -> None:
    # A literal text cell starting with "=" (typed as text, not a formula) is data, not a formula.
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["school_name", "district"])
    ws.append(["A", "B"])
    for i, text in enumerate(HOSTILE, start=3):
        ws.cell(row=i, column=1).value = text
        ws.cell(row=i, column=1).data_type = "s"
    wb.save(path)
    t = read_table(path, known_headers=KNOWN)
    assert [r[0] for r in t.rows] == ["A", *HOSTILE]
    assert t.formula_cells == set()


def test_xlsx_picks_first_visible_sheet_with_data(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "s.xlsx",
        {},
        Hidden={1: ["secret"]},
        Data={1: ["school_name", "district"], 2: ["A", "B"]},
        Notes={1: ["read me"]},
    )
    wb = openpyxl.load_workbook(path)
    wb["Hidden"].sheet_state = "hidden"
    wb.save(path)
    t = read_table(path, known_headers=KNOWN)
    assert t.rows == [["A", "B"]]
    assert "read sheet 'Data'" in reasons(t) and "'Notes'" in reasons(t)


def test_xlsx_xlsm_extension_and_uppercase(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "s.xlsx", {1: ["a", "b"], 2: [1, 2]})
    t = read_table(path, display_name="UPLOAD.XLSM")
    assert t.format == "xlsx" and t.rows == [[1, 2]]


def test_xlsx_empty_workbook_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no data"):
        read_table(make_xlsx(tmp_path / "s.xlsx", {}))


def test_corrupt_xlsx_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        read_table(write(tmp_path / "bad.xlsx", b"PK\x03\x04 this is not really a workbook"))
    zipped = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("hello.txt", "not excel")
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        read_table(zipped)


# -- GIS formats -----------------------------------------------------------------------------------


def points(crs: str | int = 4326) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"name": [URDU, "Café", None], "pupils": [120, 80, 5]},
        geometry=[shapely.Point(74.3, 31.5), shapely.Point(74.35, 31.55), None],
        crs=4326,
    )
    return frame.to_crs(crs)


def test_geojson_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "s.geojson"
    points().to_file(path, driver="GeoJSON", engine="pyogrio")
    t = read_table(path)
    assert t.format == "geojson" and t.header_row is None
    assert t.columns == ["name", "pupils"]
    assert t.rows == [[URDU, 120], ["Café", 80], [None, 5]]
    assert t.row_numbers == [1, 2, 3]
    assert t.geometries[0].equals(shapely.Point(74.3, 31.5)) and t.geometries[2] is None
    assert t.notes == []


def test_geojson_without_crs_member_and_json_extension(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": HOSTILE[0], "v": 1.5},
                "geometry": {"type": "Point", "coordinates": [74.3, 31.5]},
            }
        ],
    }
    path = write(tmp_path / "s.json", json.dumps(doc, ensure_ascii=False).encode())
    t = read_table(path)
    assert t.rows == [[HOSTILE[0], 1.5]] and t.geometries[0].x == pytest.approx(74.3) and t.notes == []


def test_gpkg_projected_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    points(32643).to_file(path, driver="GPKG", layer="schools", engine="pyogrio")
    t = read_table(path)
    assert t.format == "gpkg" and t.rows[0] == [URDU, 120]
    assert t.geometries[0].x == pytest.approx(74.3, abs=1e-6) and t.geometries[0].y == pytest.approx(
        31.5, abs=1e-6
    )
    assert "reprojected from EPSG:32643 to EPSG:4326" in reasons(t)


def test_gpkg_with_two_layers_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    points().to_file(path, driver="GPKG", layer="schools", engine="pyogrio")
    points().to_file(path, driver="GPKG", layer="health", engine="pyogrio")
    with pytest.raises(UnreadableFile, match="2 layers") as err:
        read_table(path)
    assert "schools" in err.value.reason and "health" in err.value.reason


def write_shapefile(folder: Path, frame: gpd.GeoDataFrame, *, encoding: str = "UTF-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / "schools.shp"
    frame.to_file(shp, engine="pyogrio", encoding=encoding)
    return shp


def zip_folder(folder: Path, out: Path, *, skip: tuple[str, ...] = (), prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            if f.suffix.lower() not in skip:
                zf.write(f, prefix + f.name)
    return out


def test_zipped_shapefile_with_cpg(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "shp", points())
    z = zip_folder(tmp_path / "shp", tmp_path / "schools.zip", prefix="data/")
    t = read_table(z, display_name="Schools.ZIP")
    assert t.format == "shapefile" and t.path == z
    assert t.rows == [[URDU, 120], ["Café", 80], [None, 5]]
    assert t.geometries[1].equals(shapely.Point(74.35, 31.55)) and t.geometries[2] is None
    assert t.notes == []


def test_zipped_shapefile_cp1252_without_cpg(tmp_path: Path) -> None:
    frame = points().assign(name=["Café", "Zoë", None])
    write_shapefile(tmp_path / "shp", frame, encoding="cp1252")
    assert (tmp_path / "shp" / "schools.cpg").exists()
    with_cpg = read_table(zip_folder(tmp_path / "shp", tmp_path / "a.zip"))
    assert [r[0] for r in with_cpg.rows] == ["Café", "Zoë", None] and with_cpg.notes == []
    t = read_table(zip_folder(tmp_path / "shp", tmp_path / "b.zip", skip=(".cpg",)))
    assert [r[0] for r in t.rows] == ["Café", "Zoë", None]
    assert "no .cpg" in reasons(t) and "cp1252" in reasons(t)


def test_cp1252_field_name_and_plain_shp(tmp_path: Path) -> None:
    frame = points().rename(columns={"name": "Café"}).assign(Café=["Zoë", "x", None])
    shp = write_shapefile(tmp_path / "shp", frame, encoding="cp1252")
    (tmp_path / "shp" / "schools.cpg").unlink()
    t = read_table(shp)
    assert t.format == "shapefile" and t.columns == ["Café", "pupils"] and t.rows[0] == ["Zoë", 120]


def test_zipped_shapefile_utf8_without_cpg(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "shp", points())
    t = read_table(zip_folder(tmp_path / "shp", tmp_path / "b.zip", skip=(".cpg",)))
    assert t.rows[0][0] == URDU and t.rows[1][0] == "Café"
    assert "no .cpg file: read as UTF-8" in reasons(t)


def test_zipped_shapefile_reprojected_and_missing_prj(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "utm", points(32643))
    t = read_table(zip_folder(tmp_path / "utm", tmp_path / "utm.zip"))
    assert t.geometries[0].x == pytest.approx(74.3, abs=1e-6) and "EPSG:32643" in reasons(t)
    with pytest.raises(UnreadableFile, match=r"\.prj"):
        read_table(zip_folder(tmp_path / "utm", tmp_path / "noprj.zip", skip=(".prj",)))
    write_shapefile(tmp_path / "ll", points())
    t = read_table(zip_folder(tmp_path / "ll", tmp_path / "ll.zip", skip=(".prj",)))
    assert t.geometries[0].equals(shapely.Point(74.3, 31.5)) and "EPSG:4326 is assumed" in reasons(t)


def test_zipped_shapefile_mixed_case_names(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", points())
    z = tmp_path / "u.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for part in sorted(shp.parent.iterdir()):
            arcname = (
                f"Data\\SCHOOLS{part.suffix.upper()}"
                if part.suffix == ".shp"
                else f"Data\\schools{part.suffix}"
            )
            zf.write(part, arcname)
    t = read_table(z)
    assert t.format == "shapefile" and t.rows[0] == [URDU, 120]


def test_gpkg_attribute_table_without_geometry(tmp_path: Path) -> None:
    import pandas as pd
    import pyogrio

    path = tmp_path / "t.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"name": [URDU, "b"]}), path, layer="t")
    t = read_table(path)
    assert t.rows == [[URDU], ["b"]] and t.geometries == [None, None]


def test_zipped_shapefile_missing_dbf(tmp_path: Path) -> None:
    write_shapefile(tmp_path / "shp", points())
    with pytest.raises(UnreadableFile, match=r"\.dbf file is missing"):
        read_table(zip_folder(tmp_path / "shp", tmp_path / "s.zip", skip=(".dbf",)))


# -- zip archives ----------------------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_with_one_csv_and_mac_junk(tmp_path: Path) -> None:
    z = make_zip(
        tmp_path / "u.zip",
        {
            "export/schools.csv": CSV_TEXT.encode(),
            "__MACOSX/export/._schools.csv": b"junk",
            "export/.hidden.csv": b"a,b\n1,2\n",
            "export/readme.txt": b"hello",
        },
    )
    t = read_table(z, known_headers=KNOWN)
    assert t.format == "csv" and t.rows[0][0] == URDU and t.path == z


def test_zip_with_two_datasets_refused(tmp_path: Path) -> None:
    z = make_zip(tmp_path / "u.zip", {"a.csv": b"x,y\n1,2\n", "sub/b.geojson": b"{}"})
    with pytest.raises(UnreadableFile, match="2 datasets") as err:
        read_table(z)
    assert "a.csv" in err.value.reason and "sub/b.geojson" in err.value.reason


@pytest.mark.parametrize(
    "member", ["../evil.csv", "data/../../evil.csv", "/etc/evil.csv", "C:/evil.csv", "..\\evil.csv"]
)
def test_zip_unsafe_member_refused(tmp_path: Path, member: str) -> None:
    z = make_zip(tmp_path / "u.zip", {member: b"a,b\n1,2\n"})
    with pytest.raises(UnreadableFile, match="unsafe path") as err:
        read_table(z)
    assert member in err.value.reason


def test_zip_without_dataset_and_bad_zip_and_too_many_members(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no dataset"):
        read_table(make_zip(tmp_path / "a.zip", {"readme.txt": b"hi"}))
    with pytest.raises(UnreadableFile, match="not a valid zip"):
        read_table(write(tmp_path / "b.zip", b"not a zip at all"))
    many = {f"f{i}.txt": b"" for i in range(MAX_ZIP_MEMBERS + 1)}
    with pytest.raises(UnreadableFile, match="limit of 1,000"):
        read_table(make_zip(tmp_path / "c.zip", many))


def test_zip_inner_error_names_member_and_temp_cleaned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members are unpacked in the app's data folder (not the system's /tmp), and nothing is left there."""
    from loaders import paths

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(paths, "VAR_DIR", tmp_path / "var")
    seen = []
    real = zipfile.ZipFile.open

    def watch(archive, member, *args, **kwargs):  # where each member is unpacked to, while it is
        seen.extend(str(p) for p in (tmp_path / "var" / "tmp").rglob("*"))
        return real(archive, member, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watch)
    with pytest.raises(UnreadableFile, match="bad.xlsx in the zip: not a readable Excel") as err:
        read_table(make_zip(tmp_path / "u.zip", {"bad.xlsx": b"garbage"}), display_name="upload.zip")
    assert err.value.path == "upload.zip"
    read_table(make_zip(tmp_path / "ok.zip", {"ok.csv": b"a,b\n1,2\n"}))
    assert any("bhatta-zip-" in s for s in seen), seen
    assert os.listdir(tmp_path / "var" / "tmp") == [] and os.listdir(system_tmp) == []


# -- whole-file errors -----------------------------------------------------------------------------


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="unsupported file type") as err:
        read_table(write(tmp_path / "s.pdf", b"%PDF"))
    assert ".csv" in err.value.reason and ".zip" in err.value.reason
    with pytest.raises(UnreadableFile, match="xlsx"):
        read_table(write(tmp_path / "s.xls", b"\xd0\xcf\x11\xe0"))


def test_empty_files(tmp_path: Path) -> None:
    for name in ("e.csv", "e.xlsx", "e.geojson", "e.zip"):
        with pytest.raises(UnreadableFile, match="file is empty"):
            read_table(write(tmp_path / name, b""))
    with pytest.raises(UnreadableFile, match="file is empty"):
        read_table(write(tmp_path / "blank.csv", b"\xef\xbb\xbf\n\n  \n"))


def test_display_name_used_in_errors(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as err:
        read_table(write(tmp_path / "tmp123.geojson", b"{not json"), display_name="My Schools.geojson")
    assert str(err.value).startswith("My Schools.geojson: not a readable GeoJSON file")
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot open"):
        read_table(tmp_path / "nope.csv")
