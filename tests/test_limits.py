"""Hostile uploads: zip bombs, zip-slip, links, nested zips, workbook bombs and files past the byte, row,
column and cell limits are refused with one line naming the file and the limit, before they cost memory."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest

from loaders import limits, readers
from loaders._errors import FileTooLarge, UnreadableFile
from loaders.readers import read_table

ROOT = Path(__file__).resolve().parent.parent
MB = limits.MB


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough to cross with files of a few KB (the readers look them up at each call)."""
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1 * MB)
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 20)
    monkeypatch.setattr(limits, "MAX_CELLS", 500)


def zeros_zip(path: Path, member: str, size: int) -> Path:
    """A zip whose one member is ``size`` bytes of ``"0"``: a bomb, a few KB per MB it unpacks to."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(member, "w", force_zip64=True) as f:
            chunk = b"0" * MB
            for _ in range(size // MB):
                f.write(chunk)
            f.write(b"0" * (size % MB))
    return path


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk (a hole): sizes are checked before anything is read."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def test_file_limit_is_the_upload_pages_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert limits.MAX_FILE_BYTES == config["server"]["maxUploadSize"] * MB  # Streamlit's MB is 1024 × 1024


# -- bytes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["big.csv", "big.xlsx", "big.geojson", "big.gpkg", "big.zip"])
def test_file_over_the_byte_limit_refused_unread(tmp_path: Path, name: str, monkeypatch) -> None:
    path = sparse(tmp_path / name, limits.MAX_FILE_BYTES + 1)
    monkeypatch.setattr(readers, "_read_plain", lambda *a: pytest.fail("read past the byte limit"))
    monkeypatch.setattr(readers, "_read_zip", lambda *a: pytest.fail("read past the byte limit"))
    with pytest.raises(FileTooLarge, match="above the limit of 50 MB") as err:
        read_table(path, display_name=f"upload {name}")
    assert err.value.limit == "MAX_FILE_BYTES"
    assert str(err.value).startswith(f"upload {name}: the file is 51 MB")


def test_file_at_the_byte_limit_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "ok.csv"
    path.write_bytes(b"name,lat,lon\nA,31.5,74.3," + b" " * 975)
    assert path.stat().st_size == 1000 and read_table(path).rows[0][:3] == ["A", "31.5", "74.3"]
    path.write_bytes(path.read_bytes() + b" ")
    with pytest.raises(FileTooLarge, match="the file is 0.000955 MB, above the limit of 0.000954 MB"):
        read_table(path)


def test_shapefile_counts_its_sidecars(tmp_path: Path) -> None:
    (tmp_path / "s.shp").write_bytes(b"\0" * 100)
    (tmp_path / "s.shx").write_bytes(b"\0" * 100)
    sparse(tmp_path / "s.dbf", limits.MAX_FILE_BYTES)
    with pytest.raises(FileTooLarge, match="limit of 50 MB"):
        read_table(tmp_path / "s.shp")


@pytest.mark.parametrize("command", ["check", "import"])
def test_cli_refuses_a_file_over_the_byte_limit_in_one_line(tmp_path: Path, command: str) -> None:
    big = sparse(tmp_path / "register.csv", limits.MAX_FILE_BYTES + 1)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "bhatta", command, str(big), "--layer", "schools"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2, done
    assert done.stderr.strip().splitlines() == [
        "bhatta: register.csv: the file is 51 MB, above the limit of 50 MB: refused (split it into several files)"
    ], done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_cli_json_gives_the_limit_as_the_error(tmp_path: Path, capsys, monkeypatch) -> None:
    from bhatta.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    big = sparse(tmp_path / "register.csv", limits.MAX_FILE_BYTES + 1)
    assert main(["check", str(big), "--layer", "schools", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["file"] == str(big) and "above the limit of 50 MB" in out["error"]


# -- zips -------------------------------------------------------------------------------------------


def test_zip_bomb_at_the_real_limit_refused_before_inflating(tmp_path: Path, monkeypatch) -> None:
    bomb = zeros_zip(tmp_path / "bomb.zip", "kilns.csv", limits.MAX_UNPACKED_BYTES + 1)
    assert bomb.stat().st_size < 3 * MB  # about 220 times smaller than what it unpacks to
    monkeypatch.setattr(readers, "_extract", lambda *a: pytest.fail("inflated a bomb"))
    with pytest.raises(FileTooLarge, match="unpacks to 501 MB, above the limit of 500 MB") as err:
        read_table(bomb)
    assert err.value.limit == "MAX_UNPACKED_BYTES" and "bomb.zip" in str(err.value)


def test_zip_bomb_over_a_lowered_limit(tmp_path: Path, low_limits: None) -> None:
    with pytest.raises(FileTooLarge, match=r"unpacks to 2 MB, above the limit of 1 MB"):
        read_table(zeros_zip(tmp_path / "b.zip", "kilns.csv", 2 * MB))


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the sizes a zip declares for ``member`` (local header and central directory)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.index(b"PK\x03\x04" + b"\x14\x00")
    central = data.index(b"PK\x01\x02")
    assert data[local + 30: local + 30 + len(name)] == name and data[central + 46: central + 46 + len(name)] == name
    data[local + 22: local + 26] = declared.to_bytes(4, "little")
    data[central + 24: central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_zip_that_lies_about_its_size_is_not_inflated_past_it(tmp_path: Path, low_limits: None, monkeypatch) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kilns.csv", b"kiln_id\n" + b"0\n" * MB)  # 2 MB, declared below as 1 KB
    _lie_about_size(path, "kilns.csv", 1024)
    assert zipfile.ZipFile(path).getinfo("kilns.csv").file_size == 1024
    written: list[int] = []
    real_open = open

    def watching_open(file, mode="r", *args, **kwargs):  # what extraction writes
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode:
            original = handle.write
            handle.write = lambda b: written.append(len(b)) or original(b)
        return handle

    monkeypatch.setattr("builtins.open", watching_open)
    with pytest.raises(UnreadableFile, match=r"liar\.zip: cannot extract 'kilns\.csv' from the zip \(Bad CRC"):
        read_table(path)
    assert sum(written) <= 1024


def test_zip_with_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(limits.MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"part{i}.txt", b"")
    with pytest.raises(FileTooLarge, match="holds 1,001 files, above the limit of 1,000") as err:
        read_table(path)
    assert err.value.limit == "MAX_ZIP_MEMBERS"


@pytest.mark.parametrize("member", [
    "../kilns.csv", "a/../../kilns.csv", "/tmp/kilns.csv", "C:\\kilns.csv", "..\\..\\kilns.csv", "c:kilns.csv",
])
def test_zip_slip_refused_and_nothing_written_outside(tmp_path: Path, member: str, monkeypatch) -> None:
    from loaders import paths

    scratch = tmp_path / "scratch" / "deeper"
    scratch.mkdir(parents=True)
    monkeypatch.chdir(scratch)
    monkeypatch.setattr(paths, "VAR_DIR", scratch)
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), b"kiln_id\nK1\n")
    with pytest.raises(UnreadableFile, match="unsafe path in the zip"):
        read_table(path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deeper", "scratch", "slip.zip"]


def test_zip_member_named_like_a_path_lands_in_the_temporary_folder_only(tmp_path: Path, monkeypatch) -> None:
    """A member in sub-folders is copied flat under a name of the readers' making, then deleted."""
    from loaders import paths

    monkeypatch.setattr(paths, "VAR_DIR", tmp_path / "var")
    path = tmp_path / "deep.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a/b/c/kilns.csv", b"kiln_id\nK1\n")
    assert read_table(path).rows == [["K1"]]
    assert [str(p.relative_to(tmp_path)) for p in sorted(tmp_path.rglob("*"))] == ["deep.zip", "var", "var/tmp"]


def test_symbolic_link_in_a_zip_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("kilns.csv")
        link.create_system = 3  # unix
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(UnreadableFile, match="'kilns.csv' in the zip is a symbolic link"):
        read_table(path)


def test_nested_zip_is_not_unpacked(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("kilns.csv", b"kiln_id\nK1\n")
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
    with pytest.raises(UnreadableFile, match=r"outer\.zip: the zip holds another zip \(inner\.zip\)"):
        read_table(path)


# -- workbooks (an .xlsx is a zip) ------------------------------------------------------------------


def _workbook(path: Path, rows: int = 3) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kiln_id", "name"])
    for i in range(rows):
        sheet.append([f"K{i}", f"Kiln {i}"])
    book.save(path)
    return path


def _pad_sheet(path: Path, padding: int) -> None:
    """Blank space inside the first sheet's XML: still a valid workbook, unpacking ``padding`` bytes more."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, sep, rest = data.partition(b"?>")
                with out.open(info.filename, "w", force_zip64=True) as f:
                    f.write(head + sep)
                    for _ in range(padding // MB):
                        f.write(b" " * MB)
                    f.write(rest)
            else:
                out.writestr(info, data)


def test_xlsx_bomb_refused_before_openpyxl_opens_it(tmp_path: Path, low_limits: None, monkeypatch) -> None:
    path = _workbook(tmp_path / "visits.xlsx")
    _pad_sheet(path, 2 * MB)
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(readers, "_open_workbook", lambda *a, **k: pytest.fail("opened a workbook bomb"))
    with pytest.raises(FileTooLarge, match=r"visits\.xlsx: the workbook unpacks to 2\.02 MB, above the limit") as err:
        read_table(path)
    assert err.value.limit == "MAX_UNPACKED_BYTES"


def test_padded_workbook_under_the_limit_still_reads(tmp_path: Path, low_limits: None) -> None:
    path = _workbook(tmp_path / "visits.xlsx")
    _pad_sheet(path, 0)
    assert read_table(path).rows[0] == ["K0", "Kiln 0"]


def test_xlsx_bomb_inside_a_zip(tmp_path: Path, low_limits: None) -> None:
    book = _workbook(tmp_path / "visits.xlsx")
    _pad_sheet(book, 2 * MB)
    path = tmp_path / "upload.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(book, "visits.xlsx")
    with pytest.raises(FileTooLarge, match=r"upload\.zip: visits\.xlsx in the zip: the workbook unpacks to 2\.02 MB"):
        read_table(path)


# -- rows, columns, cells ---------------------------------------------------------------------------


def test_csv_over_the_row_limit_refused_while_reading(tmp_path: Path, low_limits: None, monkeypatch) -> None:
    path = tmp_path / "kilns.csv"
    path.write_text("kiln_id\n" + "".join(f"K{i}\n" for i in range(150)))
    read = []
    real = readers._bounded

    def counting(records, name, **kw):
        def counted():
            for record in records:
                read.append(1)
                yield record
        return real(counted(), name, **kw)

    monkeypatch.setattr(readers, "_bounded", counting)
    with pytest.raises(FileTooLarge, match=r"kilns\.csv: more than 100 rows \(the limit\)") as err:
        read_table(path)
    assert err.value.limit == "MAX_ROWS"
    assert len(read) == 101  # stopped at the first row past the limit, not at the end of the file


def test_csv_at_the_row_limit_is_read(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "kilns.csv"
    path.write_text("kiln_id\n" + "".join(f"K{i}\n" for i in range(99)))
    assert len(read_table(path).rows) == 99


def test_blank_lines_count_as_rows(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "kilns.csv"
    path.write_text("kiln_id\nK1\n" + "\n" * 200)
    with pytest.raises(FileTooLarge, match="more than 100 rows"):
        read_table(path)


def test_a_row_of_empty_cells_costs_nothing(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "kilns.csv"
    path.write_text("kiln_id,name" + "," * 100_000 + "\nK1,A" + "," * 100_000 + "\n")
    table = read_table(path)
    assert table.columns == ["kiln_id", "name"] and table.rows == [["K1", "A"]]


def test_csv_with_too_many_columns(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(21)) + "\n")
    with pytest.raises(FileTooLarge, match=r"wide\.csv: row 1 has 21 columns, above the limit of 20") as err:
        read_table(path)
    assert err.value.limit == "MAX_COLUMNS"


def test_csv_with_too_many_cells(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("".join(",".join(["x"] * 20) + "\n" for _ in range(26)))  # 520 cells, each limit else kept
    with pytest.raises(FileTooLarge, match=r"more than 500 cells") as err:
        read_table(path)
    assert err.value.limit == "MAX_CELLS"


def test_csv_row_limit_applies_inside_a_zip(tmp_path: Path, low_limits: None) -> None:
    path = tmp_path / "kilns.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kilns.csv", "kiln_id\n" + "K\n" * 1000)
    with pytest.raises(FileTooLarge, match=r"kilns\.zip: kilns\.csv in the zip: more than 100 rows"):
        read_table(path)


def test_xlsx_over_the_row_limit(tmp_path: Path, low_limits: None) -> None:
    with pytest.raises(FileTooLarge, match=r"big\.xlsx: more than 100 rows"):
        read_table(_workbook(tmp_path / "big.xlsx", rows=150))


def test_xlsx_of_blank_rows_refused(tmp_path: Path, low_limits: None) -> None:
    book = openpyxl.Workbook()
    book.active.cell(row=500, column=1, value="kiln_id")  # data only below 499 empty rows
    for r in range(1, 500):
        book.active.cell(row=r, column=1, value="")
    book.save(tmp_path / "blank.xlsx")
    with pytest.raises(FileTooLarge, match="more than 100 rows"):
        read_table(tmp_path / "blank.xlsx")


def test_xlsx_empty_styled_cells_far_right_are_not_columns(tmp_path: Path, low_limits: None) -> None:
    path = _workbook(tmp_path / "styled.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.cell(row=2, column=16_000).number_format = "0.00"  # no value, a style out at column WQJ
    book.save(path)
    table = read_table(path)
    assert table.columns == ["kiln_id", "name"] and len(table.rows) == 3


def _geojson(path: Path, features: int, *, distinct_keys: bool = False) -> Path:
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [74.3, 31.5]},
              "properties": {f"k{i}" if distinct_keys else "name": f"S{i}"}} for i in range(features)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_geojson_over_the_feature_limit(tmp_path: Path, low_limits: None) -> None:
    with pytest.raises(FileTooLarge, match=r"schools\.geojson: (101 features|more than 100 features)"):
        read_table(_geojson(tmp_path / "schools.geojson", 101))
    assert len(read_table(_geojson(tmp_path / "ok.geojson", 100)).rows) == 100


def test_geojson_with_a_new_property_name_per_feature(tmp_path: Path, low_limits: None) -> None:
    with pytest.raises(FileTooLarge, match=r"21 attribute fields, above the limit of 20") as err:
        read_table(_geojson(tmp_path / "wide.geojson", 21, distinct_keys=True))
    assert err.value.limit == "MAX_COLUMNS"


def test_geopackage_over_the_feature_limit(tmp_path: Path, low_limits: None) -> None:
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"name": [f"S{i}" for i in range(101)]},
                             geometry=[shapely.Point(74.3, 31.5)] * 101, crs=4326)
    frame.to_file(tmp_path / "schools.gpkg", engine="pyogrio")
    with pytest.raises(FileTooLarge, match=r"schools\.gpkg: 101 features, above the limit of 100"):
        read_table(tmp_path / "schools.gpkg")


def test_every_refusal_is_one_line() -> None:
    """The page and the CLI print ``str(error)``: a limit's message never spans lines."""
    for error in (readers._too_many_rows("a.csv"), readers._too_many_cells("a.csv")):
        assert "\n" not in str(error) and str(error).startswith("a.csv: ")
