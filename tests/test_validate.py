"""Validation against the layer contracts: every rule, a bad input for each, no row ever lost."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Polygon

from loaders._errors import MissingColumns, UnreadableFile
from loaders.geo import reference
from loaders.validate import check_file

TODAY = date(2026, 11, 23)
LAHORE = (31.5204, 74.3587)
KASUR = (31.1167, 74.4500)
URDU = "گورنمنٹ گرلز پرائمری اسکول نمبر ۲"


@pytest.fixture(scope="module")
def ref():
    return reference()


def write_csv(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check(path, layer="schools", ref=None, **kw):
    report = check_file(path, layer, ref=ref, today=TODAY, **kw)
    # the invariant of every report: accepted + distinct rejected rows = rows
    assert len(report.accepted) + len(report.rejected_rows) == report.rows
    return report


def reasons(report, row=None, severity="error"):
    items = report.rejected if severity == "error" else report.warnings
    return " | ".join(p.reason for p in items if row is None or p.row == row)


def test_clean_schools_csv_all_accepted_with_admin_codes(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon,level,gender\nA,{LAHORE[0]},{LAHORE[1]},Primary,Girls\n"
                               f"B,{KASUR[0]},{KASUR[1]},high,boys\n")
    report = check(path, ref=ref)
    assert report.rows == 2 and len(report.accepted) == 2 and report.exit_code() == 0
    assert report.accepted["district_pcode"].tolist() == ["PK617", "PK614"]
    assert report.accepted["level"].tolist() == ["primary", "high"]


def test_urdu_text_kept_byte_exact(tmp_path, ref):
    path = write_csv(tmp_path, f"school_name,latitude,longitude\n{URDU},{LAHORE[0]},{LAHORE[1]}\n")
    report = check(path, ref=ref)
    assert report.accepted["name"].iloc[0].encode() == URDU.encode()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("A,nan,74.3", "lat", "not a finite number"),
        ("A,inf,74.3", "lat", "not a finite number"),
        ("A,abc,74.3", "lat", "not a number"),
        ("A,,74.3", "lat", "one coordinate missing"),
        ("A,,", "lat/lon", "coordinates missing"),
        ("A,0,0", "lat/lon", "blank GPS fix"),
        ("A,34.0151,71.5249", "lat/lon", "outside Punjab and Sindh"),  # Peshawar
        ("A,51.5,-0.12", "lat/lon", "outside Punjab and Sindh"),  # London
        ("A,3456789,456789", "lat/lon", "projected metres"),
        (",31.52,74.35", "name", "required value missing"),
    ],
)
def test_bad_coordinates_and_missing_values_are_rejected_with_reasons(tmp_path, ref, row, column, reason):
    path = write_csv(tmp_path, f"name,lat,lon\nGood,{LAHORE[0]},{LAHORE[1]}\n{row}\n")
    report = check(path, ref=ref)
    assert report.rejected_rows == [3] and len(report.accepted) == 1
    problem = next(p for p in report.rejected if p.row == 3)
    assert column in (problem.column or "") and reason in problem.reason


def test_swapped_coordinates_fixed_with_a_warning(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon\nA,{LAHORE[1]},{LAHORE[0]}\n")
    report = check(path, ref=ref)
    assert len(report.accepted) == 1 and "swapped" in reasons(report, 2, "warning")
    point = report.accepted.geometry.iloc[0]
    assert (point.y, point.x) == pytest.approx(LAHORE)
    assert report.accepted["district_pcode"].iloc[0] == "PK617"


def test_urdu_digits_in_coordinates_read_with_a_warning(tmp_path, ref):
    path = write_csv(tmp_path, "name,lat,lon\nA,۳۱.۵۲۰۴,۷۴.۳۵۸۷\n")
    report = check(path, ref=ref)
    assert len(report.accepted) == 1 and "Urdu" in reasons(report, 2, "warning")


def test_duplicate_ids_rejected_naming_the_first_row(tmp_path, ref):
    path = write_csv(tmp_path, f"school_id,name,lat,lon\nS1,A,{LAHORE[0]},{LAHORE[1]}\nS1,B,{KASUR[0]},{KASUR[1]}\n")
    report = check(path, ref=ref)
    assert report.rejected_rows == [3] and "first seen on row 2" in reasons(report, 3)


def test_unknown_categories_rejected_listing_allowed_values(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon,gender\nA,{LAHORE[0]},{LAHORE[1]},unisex\n")
    report = check(path, ref=ref)
    assert report.rejected_rows == [2] and "allowed: girls, boys, mixed" in reasons(report, 2)


def test_numbers_out_of_bounds_rejected(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon,enrolment\nA,{LAHORE[0]},{LAHORE[1]},-5\nB,{KASUR[0]},{KASUR[1]},12.5\n")
    report = check(path, ref=ref)
    assert report.rejected_rows == [2, 3]
    assert "below the minimum" in reasons(report, 2) and "whole number" in reasons(report, 3)


def test_every_problem_of_a_row_is_collected(tmp_path, ref):
    path = write_csv(tmp_path, "school_id,name,lat,lon,gender,enrolment\nS1,,99,999,weird,-1\n")
    report = check(path, ref=ref)
    assert report.rejected_rows == [2]
    assert {p.column for p in report.rejected} >= {"name", "gender", "enrolment", "lat/lon"}


def test_title_rows_and_totals_row(tmp_path, ref):
    text = ("Government of the Punjab,,\nList of schools 2024,,\n,,\nSchool Name,Latitude,Longitude\n"
            f"A,{LAHORE[0]},{LAHORE[1]}\nB,{KASUR[0]},{KASUR[1]}\nTotal,2,\n")
    report = check(write_csv(tmp_path, text), ref=ref)
    assert len(report.accepted) == 2 and report.rejected_rows == [7]
    assert "totals row" in reasons(report, 7)
    assert report.accepted["source_row"].tolist() == [5, 6]


def test_school_named_total_is_not_a_totals_row(tmp_path, ref):
    report = check(write_csv(tmp_path, f"name,lat,lon\nTotal Care School,{LAHORE[0]},{LAHORE[1]}\n"), ref=ref)
    assert len(report.accepted) == 1


def test_hostile_text_is_kept_verbatim(tmp_path, ref):
    payloads = ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\",\"y\")", "${jndi:ldap://x}", "`rm -rf`"]
    rows = "".join(f"\"{p.replace(chr(34), chr(34) * 2)}\",{LAHORE[0]},{LAHORE[1]}\n" for p in payloads)
    report = check(write_csv(tmp_path, "name,lat,lon\n" + rows), ref=ref)
    assert report.accepted["name"].tolist() == payloads


def test_extra_columns_travel_with_the_record(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon,Head teacher,lat (file)\nA,{LAHORE[0]},{LAHORE[1]},Ms X,1\n")
    report = check(path, ref=ref)
    assert report.accepted["Head teacher"].iloc[0] == "Ms X"


def test_missing_required_column_names_it_and_the_columns_seen(tmp_path, ref):
    path = write_csv(tmp_path, f"Institution,lat,lon\nA,{LAHORE[0]},{LAHORE[1]}\n")
    with pytest.raises(MissingColumns) as info:
        check(path, ref=ref)
    assert info.value.missing == ["name"] and "Institution" in str(info.value) and "--column" in str(info.value)
    report = check(path, ref=ref, column_map={"name": "Institution"})
    assert report.accepted["name"].tolist() == ["A"]


def test_missing_coordinates_column(tmp_path, ref):
    with pytest.raises(MissingColumns, match="lat and lon"):
        check(write_csv(tmp_path, "name,place\nA,Lahore\n"), ref=ref)


def test_kobo_export_geolocation_and_group_headers(tmp_path, ref):
    text = ("start;end;grp/school_name;grp/level;_geolocation;_uuid\n"
            f"2024-03-01T09:00:00.000+05:00;x;Kiln school;primary;[{LAHORE[0]}, {LAHORE[1]}];u1\n"
            f"2024-03-01T10:00:00.000+05:00;x;Second;primary;{KASUR[0]} {KASUR[1]} 200 5;u2\n")
    report = check(write_csv(tmp_path, text), ref=ref)
    assert len(report.accepted) == 2 and report.accepted["district_pcode"].tolist() == ["PK617", "PK614"]


def test_kobo_split_gps_columns(tmp_path, ref):
    text = f"name,_gps_latitude,_gps_longitude,_gps_altitude\nA,{LAHORE[0]},{LAHORE[1]},200\n"
    assert len(check(write_csv(tmp_path, text), ref=ref).accepted) == 1


def test_cp1252_csv_warns(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon\nCafé School,{LAHORE[0]},{LAHORE[1]}\n", encoding="cp1252")
    report = check(path, ref=ref)
    assert report.accepted["name"].iloc[0] == "Café School"
    assert any("1252" in p.reason for p in report.warnings)


def _inspections(tmp_path, rows: str) -> Path:
    return write_csv(tmp_path, "visit_id,kiln_id,visit_date,lat,lon,child_labour_observed\n" + rows)


def test_inspections_by_kiln_id_and_by_coordinates(tmp_path, ref):
    kiln = ref.kilns.iloc[0]
    near_lat = kiln.geometry.y + 0.0009  # about 100 m north
    rows = (f"V1,{kiln.kiln_id},05/03/2024,,,yes\n"
            f"V2,,2024-03-06,{near_lat},{kiln.geometry.x},no\n"
            f"V3,,2024-03-07,{LAHORE[0]},{LAHORE[1]},no\n")
    report = check(_inspections(tmp_path, rows), "inspections", ref=ref)
    assert len(report.accepted) == 3
    assert report.accepted["kiln_id"].tolist()[:2] == [kiln.kiln_id, kiln.kiln_id]
    assert report.accepted["kiln_matched"].tolist()[2] == "unmatched"
    assert "kept as an unmatched visit" in reasons(report, 4, "warning")
    assert report.accepted["visit_date"].dt.date.tolist()[0] == date(2024, 3, 5)


def test_inspection_unknown_kiln_without_coordinates_rejected(tmp_path, ref):
    report = check(_inspections(tmp_path, "V1,BKP-NOPE,2024-03-05,,,no\n"), "inspections", ref=ref)
    assert report.rejected_rows == [2] and "unknown kiln_id" in reasons(report, 2)


@pytest.mark.parametrize(
    ("value", "outcome"),
    [("31/02/2024", "impossible date"), ("yesterday", "not a date"), ("", "required value missing")],
)
def test_inspection_bad_dates_rejected(tmp_path, ref, value, outcome):
    kiln = ref.kilns.iloc[0].kiln_id
    report = check(_inspections(tmp_path, f"V1,{kiln},{value},,,no\n"), "inspections", ref=ref)
    assert report.rejected_rows == [2] and outcome in reasons(report, 2)


def test_future_and_excel_serial_dates(tmp_path, ref):
    kiln = ref.kilns.iloc[0].kiln_id
    report = check(_inspections(tmp_path, f"V1,{kiln},2027-01-05,,,no\nV2,{kiln},45000,,,no\n"), "inspections",
                   ref=ref)
    assert len(report.accepted) == 2
    assert "in the future" in reasons(report, 2, "warning")
    assert "Excel date" in reasons(report, 3, "warning")


def test_dvcs_spellings_duplicates_and_unknowns(tmp_path, ref):
    text = ("District,Notified,Last meeting\nD.G. Khan,yes,12/05/2026\nNawabshah,no,\nPK614,Yes,2026-01-01\n"
            "Dera Ghazi Khan,yes,2026-02-01\nKeamari,yes,\nAtlantis,no,\nTotal,,\n")
    report = check(write_csv(tmp_path, text), "dvcs", ref=ref)
    assert report.accepted["district_pcode"].tolist() == ["PK607", "PK719", "PK614"]
    assert report.rejected_rows == [5, 6, 7, 8]
    assert "first on row 2" in reasons(report, 5) and "straddles" in reasons(report, 6)
    assert "unknown district" in reasons(report, 7) and "totals row" in reasons(report, 8)


def test_xlsx_title_rows_formula_without_value_and_dates(tmp_path, ref):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Punjab Labour Department"])
    ws.append([])
    ws.append(["Kiln ID", "Date of visit", "Children present"])
    kiln = ref.kilns.iloc[5].kiln_id
    ws.append([kiln, date(2024, 5, 2), 3])
    ws.append([kiln, "=TODAY()", "=2+2"])
    ws.append(["Grand Total", None, "=SUM(C4:C5)"])
    path = tmp_path / "visits.xlsx"
    wb.save(path)
    report = check(path, "inspections", ref=ref)
    assert report.rows == 3 and len(report.accepted) == 1
    assert report.rejected_rows == [5, 6]
    assert "formula" in reasons(report, 5) and "totals row" in reasons(report, 6)


def test_geojson_polygons_become_representative_points(tmp_path, ref):
    square = Polygon([(74.30, 31.50), (74.32, 31.50), (74.32, 31.52), (74.30, 31.52)])
    frame = gpd.GeoDataFrame({"name": ["Poly school", URDU]}, geometry=[square, square.centroid], crs=4326)
    path = tmp_path / "s.geojson"
    frame.to_file(path, driver="GeoJSON")
    report = check(path, ref=ref)
    assert len(report.accepted) == 2 and "representative point" in reasons(report, 1, "warning")
    assert report.accepted["name"].iloc[1] == URDU


def test_zipped_shapefile_in_projected_crs(tmp_path, ref):
    frame = gpd.GeoDataFrame({"name": ["A"]}, geometry=gpd.points_from_xy([LAHORE[1]], [LAHORE[0]]), crs=4326)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_crs(32643).to_file(shp_dir / "schools.shp")
    archive = tmp_path / "schools.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in shp_dir.iterdir():
            z.write(f, f.name)
    report = check(archive, ref=ref)
    point = report.accepted.geometry.iloc[0]
    assert (point.y, point.x) == pytest.approx(LAHORE, abs=1e-6)


def test_unreadable_files_raise_one_clear_error(tmp_path, ref):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(UnreadableFile):
        check(bad, ref=ref)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escape.csv", "name,lat,lon\n")
    with pytest.raises(UnreadableFile, match=r"\.\."):
        check(evil, ref=ref)


def test_report_json_shape(tmp_path, ref):
    path = write_csv(tmp_path, f"name,lat,lon\nA,{LAHORE[0]},{LAHORE[1]}\nB,0,0\n")
    out = check(path, ref=ref).as_dict()
    assert set(out) == {"file", "layer", "rows", "accepted", "rejected", "warnings"}
    assert out["rows"] == 2 and out["accepted"] == 1
    assert out["rejected"][0] == {"row": 3, "column": "lat/lon", "value": "0, 0",
                                  "reason": "coordinates 0, 0 are a blank GPS fix, not a place"}
    json.dumps(out)


@pytest.mark.parametrize("layer", ["schools", "health", "ngo", "dvcs", "inspections"])
def test_shipped_demo_files_pass_the_validator(ref, layer):
    from loaders.paths import DEMO_DIR

    report = check(DEMO_DIR / f"{layer}.csv", layer, ref=ref)
    assert report.rejected_rows == [] and report.accepted["synthetic"].all()
