"""Validation problems and the Load data page in Urdu and English; uploaded Urdu text loads as written.

A problem keeps its English ``reason`` (what the CLI prints and the store keeps) and the message template and
parameters it was made from, so the upload page renders it in the session's language: the reason in Urdu, the
row, column and value exactly as in the file. ``tests/data/urdu_kilns.csv`` (written by us) holds Urdu kiln
names, owners and an extra column headed in Urdu.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from test_app import db, metrics, rerun, run_app  # noqa: F401 - db is a fixture

from bhatta.catalogues import extract, problems
from bhatta.cli import _print_report
from layers.export import to_csv_bytes
from layers.i18n import translator
from loaders import limits
from loaders._errors import FileTooLarge, MissingColumns, UnreadableFile
from loaders.contracts import CONTRACTS, FIELD_TITLES, contract
from loaders.geo import reference
from loaders.problems import Message, Problem, error_reason, problem_table, render
from loaders.readers import read_table
from loaders.store import Store
from loaders.validate import check_file
from loaders.values import ValueProblem, parse_number
from loaders.visits import check_visit

FIXTURE = Path(__file__).parent / "data" / "urdu_kilns.csv"
FILES = ("loaders/contracts.py", "loaders/validate.py", "loaders/values.py", "loaders/problems.py",
         "loaders/readers.py", "loaders/limits.py", "loaders/_errors.py", "loaders/visits.py",
         "dashboard/views/data.py", "layers/catalog.py")
BAD_SCHOOLS = (
    "name,lat,lon,enrolment\n"
    "Good school,31.5204,74.3587,100\n"
    "ٹوٹا اسکول,abc,74.45,50\n"
    "Nowhere school,0,0,10\n"
    "Big school,31.1167,74.45,99999\n"
    "Kasur school,31.1167,74.45,۱۲۰\n"
)
URDU_NAMES = ["بھٹہ نمبر ۱، لاہور", "نیو گائے والا بھٹہ", "شاہ جی اینٹ بھٹہ"]
REMARK = "تبصرہ"


def bad_schools(tmp_path: Path):
    path = tmp_path / "schools.csv"
    path.write_text(BAD_SCHOOLS, encoding="utf-8")
    return check_file(path, "schools", display_name="schools.csv", ref=reference())


# 1. every message of these files has English and Urdu


def test_every_message_of_the_data_files_has_english_and_urdu():
    found = {msg: [p for p in places if p[0] in FILES] for msg, places in extract().items()}
    found = {msg: places for msg, places in found.items() if places}
    assert len(found) > 200
    assert problems(found) == []


def test_layer_labels_and_field_titles_are_in_the_catalogue():
    ur = translator("ur")
    for spec in CONTRACTS.values():
        assert ur(spec.label) != spec.label, spec.label
        for f in spec.fields:
            assert f.title in FIELD_TITLES, f.title  # marked for the catalogue
            assert ur(f.title) != f.title, f.title
    assert ur("Brick kilns") == "اینٹوں کے بھٹے"


# 2. problems in Urdu and English


def test_problems_render_in_urdu_with_row_column_and_value_intact(tmp_path):
    report = bad_schools(tmp_path)
    by_row = {p.row: p for p in report.problems}
    assert by_row[3].render("ur") == "عدد نہیں: 'abc'"
    assert by_row[4].render("ur") == "کوآرڈینیٹس 0, 0 خالی GPS ریڈنگ ہیں، کوئی مقام نہیں"
    assert by_row[5].render("ur") == "99999 زیادہ سے زیادہ حد 20000 سے زیادہ ہے"
    assert by_row[6].render("ur") == "اردو/عربی ہندسے 120 کے طور پر پڑھے گئے"
    assert by_row[6].severity == "warning"
    # the template and its parameters travel with the problem
    assert by_row[3].template == "not a number: {value}" and by_row[3].params == {"value": "'abc'"}

    table = problem_table(report.rejected, "ur")
    assert [list(r) for r in table] == [["قطار", "کالم", "قدر", "وجہ"]] * 3
    assert [(r["قطار"], r["کالم"], r["قدر"]) for r in table] == [
        (3, "lat", "abc"), (4, "lat/lon", "0, 0"), (5, "enrolment", "99999")]
    assert all(translator("ur").rtl and any("\u0600" <= ch <= "\u06ff" for ch in r["وجہ"]) for r in table)
    warnings = problem_table(report.warnings, "ur", severity=True)
    assert warnings == [{"قطار": 6, "کالم": "enrolment", "وجہ": "اردو/عربی ہندسے 120 کے طور پر پڑھے گئے",
                         "نوعیت": "انتباہ"}]


def test_english_rendering_is_todays_reason(tmp_path, capsys):
    report = bad_schools(tmp_path)
    assert report.problems
    for p in report.problems:
        assert p.render("en") == p.reason and p.render() == p.reason and p.render("xx") == p.reason
        assert isinstance(p.reason, str) and str(p.reason) == p.reason
    assert report.as_dict()["rejected"][0] == {"row": 3, "column": "lat", "value": "abc", "reason": "not a number: 'abc'"}
    assert problem_table(report.rejected, "en") == [p.as_dict() for p in report.rejected]
    _print_report(report, as_json=False)  # the CLI's report: the same lines in English
    assert capsys.readouterr().out.splitlines() == report.lines("en")
    assert report.lines("ur")[0] == "schools.csv (schools): 5 قطاریں، 2 قبول، 3 مسترد، 1 انتباہات"
    assert report.lines("ur")[2] == "  مسترد: قطار 3، کالم lat: عدد نہیں: 'abc'"


def test_urdu_digits_setting_reaches_row_numbers_in_a_reason_but_never_the_value():
    reason = Message("duplicate id {id}: first seen on row {row}", id="'K-12'", row=12)
    assert reason == "duplicate id 'K-12': first seen on row 12"
    assert render(reason, translator("ur", urdu_digits=True)) == "دہرایا گیا شناختی نمبر 'K-12': پہلی بار قطار ۱۲ میں آیا"
    problem = Problem(14, "kiln_id", "K-12", reason)
    assert problem.as_row(translator("ur", urdu_digits=True))["قدر"] == "K-12"


def test_nested_messages_and_lists_render_in_urdu(tmp_path):
    path = tmp_path / "dvc.csv"
    path.write_text("notified\nyes\n", encoding="utf-8")
    with pytest.raises(MissingColumns) as err:
        check_file(path, "dvcs", ref=reference())
    assert err.value.reason.startswith("required column(s) not found: district; columns seen: 'notified'.")
    assert error_reason(err.value, "en") == err.value.reason
    assert error_reason(err.value, "ur").startswith("لازمی کالم نہیں ملے: district؛ فائل کے کالم: 'notified'۔")

    path = tmp_path / "kilns.csv"
    path.write_text(f"kiln_id,{REMARK}\nK-1,x\n", encoding="utf-8")
    with pytest.raises(MissingColumns) as err:
        check_file(path, "kilns", ref=reference())
    urdu = error_reason(err.value, "ur")
    assert "lat اور lon (یا Kobo کا _geolocation / GPS کالم)" in urdu and f"'kiln_id'، '{REMARK}'" in urdu


def test_reader_and_limit_refusals_render_in_urdu(tmp_path, monkeypatch):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile) as err:
        read_table(xls)
    assert error_reason(err.value, "ur") == "پرانا Excel .xls فارمیٹ قابلِ قبول نہیں: اسے .xlsx یا CSV (UTF-8) کے طور پر محفوظ کریں"
    assert error_reason(err.value, "en") == err.value.reason == "old Excel .xls format is not supported: save it as .xlsx or CSV (UTF-8)"

    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    big = tmp_path / "big.csv"
    big.write_text("name\n" + "a\n" * 5, encoding="utf-8")
    with pytest.raises(FileTooLarge) as err:
        read_table(big)
    assert err.value.reason == "more than 3 rows (the limit): refused (split it into several files)"
    assert error_reason(err.value, "ur") == "3 (حد) سے زیادہ قطاریں: مسترد (اسے کئی فائلوں میں تقسیم کریں)"

    zipped = tmp_path / "big.zip"
    import zipfile
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(big, "inner.csv")
    with pytest.raises(FileTooLarge) as err:
        read_table(zipped)
    assert error_reason(err.value, "ur") == "زِپ میں inner.csv: 3 (حد) سے زیادہ قطاریں: مسترد (اسے کئی فائلوں میں تقسیم کریں)"


def test_values_and_the_visit_form_keep_their_templates():
    with pytest.raises(ValueProblem) as err:
        parse_number("بارہ")
    assert str(err.value) == "not a number: 'بارہ'"
    assert render(err.value.message, "ur") == "عدد نہیں: 'بارہ'"
    _, notes = parse_number("۱۲")
    assert notes == ["Urdu/Arabic-Indic digits read as 12"] and render(notes[0], "ur") == "اردو/عربی ہندسے 12 کے طور پر پڑھے گئے"

    report = check_visit({"kiln_id": "K-1", "visit_date": "2025-01-10", "notes": "شناختی کارڈ 35202-1234567-1"},
                         known_kilns=reference().kilns.head(0), ref=reference())
    personal = next(p for p in report.rejected if p.column == "notes")
    assert personal.reason.startswith("looks like a CNIC number: never record")
    assert personal.render("ur") == ("یہ شناختی کارڈ (CNIC) نمبر لگتا ہے: مزدوروں کے CNIC یا فون نمبر کبھی درج نہ کریں؛ "
                                     "اسے ہٹا دیں")
    assert personal.as_row("ur")["قدر"] == "(نہیں دکھایا گیا)" and personal.as_dict()["value"] == "(not shown)"


# 3. uploaded Urdu text loads as written


def _variants(text: str) -> dict[str, bytes]:
    return {"utf-8": text.encode("utf-8"), "utf-8 with BOM": codecs.BOM_UTF8 + text.encode("utf-8"),
            "utf-16 with BOM": text.encode("utf-16"), "utf-16-le, no BOM": text.encode("utf-16-le"),
            "utf-16-be, no BOM": text.encode("utf-16-be")}


@pytest.mark.parametrize("encoding", list(_variants("x")))
def test_an_urdu_csv_loads_without_mojibake_in_every_encoding(tmp_path, encoding):
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "kilns.csv"
    path.write_bytes(_variants(text)[encoding])
    report = check_file(path, "kilns", display_name="urdu_kilns.csv", ref=reference())
    assert report.problems == [] and len(report.accepted) == 3
    assert report.accepted["name"].tolist() == URDU_NAMES
    assert report.accepted["owner_name"].tolist() == ["محمد آصف", "غلام حسین", "عائشہ بی بی"]
    assert report.extra_columns == [REMARK]  # the extra column, by its Urdu name
    assert report.accepted[REMARK].tolist()[0] == "چمنی نئی ہے؛ بچے موجود نہیں تھے"
    assert all(unicodedata.is_normalized("NFC", v) for v in report.accepted["name"])


def test_an_urdu_only_utf16_file_without_bom_is_recognised(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes("نام\nبھٹہ نمبر ایک\nنیو بھٹہ\n".encode("utf-16-le"))
    table = read_table(path)
    assert table.encoding == "utf-16-le" and table.columns == ["نام"] and table.notes == []
    assert [r[0] for r in table.rows] == ["بھٹہ نمبر ایک", "نیو بھٹہ"]


def test_urdu_typed_in_decomposed_form_is_stored_composed(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text  # ئ, آ and ۂ decompose
    path = tmp_path / "kilns.csv"
    path.write_text(decomposed, encoding="utf-8")
    report = check_file(path, "kilns", ref=reference())
    assert report.accepted["name"].tolist() == URDU_NAMES
    assert report.extra_columns == [REMARK]


def test_an_urdu_xlsx_loads_as_written(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["فہرست بھٹہ جات، ضلع لاہور"])  # a title row above the header
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "kilns.xlsx"
    workbook.save(path)
    report = check_file(path, "kilns", ref=reference())
    assert report.accepted["name"].tolist() == URDU_NAMES and report.extra_columns == [REMARK]
    assert report.warnings[0].render("ur") == "سرخی قطار 2 میں ملی؛ قطار 1 چھوڑ دی گئیں (عنوان کی قطاریں)"


def test_an_urdu_csv_round_trips_through_the_store_and_the_csv_export(tmp_path):
    report = check_file(FIXTURE, "kilns", ref=reference())
    store = Store(f"sqlite:///{tmp_path / 'bhatta.sqlite'}")
    store.add_import(report, source=FIXTURE)
    stored = store.layer("kilns").sort_values("kiln_id")
    assert stored["name"].tolist() == URDU_NAMES
    assert stored[REMARK].tolist() == report.accepted[REMARK].tolist()

    exported = to_csv_bytes(stored[["kiln_id", "name", "owner_name", REMARK, "geometry"]],
                            sources=["urdu_kilns.csv"], synthetic=False)
    assert exported.startswith(codecs.BOM_UTF8) and "نیو گائے والا بھٹہ".encode() in exported
    again = tmp_path / "again.csv"
    again.write_bytes(exported)
    back = check_file(again, "kilns", ref=reference())
    assert back.accepted["name"].tolist() == URDU_NAMES and back.extra_columns == [REMARK]
    assert io.BytesIO(exported).read().decode("utf-8-sig").count(REMARK) == 1


# 4. the Load data page


def test_the_load_data_page_in_urdu_shows_urdu_headings_and_an_urdu_problems_table(db, tmp_path):
    at = run_app("data", lang="ur")
    texts = [m.value for m in at.markdown]
    assert "#### اپنا ڈیٹا لوڈ کریں" in texts and "#### زیرِ استعمال ڈیٹا" in texts
    assert "#### اندرونی استعمال سے باہر شیئر کیے گئے کالم" in texts
    assert at.selectbox(key="upload_layer").label == "پرت"
    in_use = next(d.value for d in at.dataframe if "ذرائع" in d.value.columns)
    assert list(in_use.columns) == ["پرت", "ریکارڈ", "ماخذ کی نوعیت", "نمونہ ڈیٹا", "ذرائع"]
    assert "اینٹوں کے بھٹے" in in_use["پرت"].tolist()

    at.selectbox(key="upload_layer").set_value("schools")
    rerun(at)
    at.file_uploader(key="upload_schools").set_value(("schools.csv", BAD_SCHOOLS.encode(), "text/csv"))
    rerun(at)
    assert {k: metrics(at)[k] for k in ("قطاریں", "قبول شدہ", "مسترد قطاریں", "انتباہات")} == {
        "قطاریں": "5", "قبول شدہ": "2", "مسترد قطاریں": "3", "انتباہات": "1"}
    rejected = next(d.value for d in at.dataframe if "وجہ" in d.value.columns and "قدر" in d.value.columns)
    assert list(rejected.columns) == ["قطار", "کالم", "قدر", "وجہ"]
    assert rejected["قطار"].tolist() == [3, 4, 5]
    assert rejected["قدر"].tolist() == ["abc", "0, 0", "99999"]
    assert rejected["وجہ"].tolist() == ["عدد نہیں: 'abc'", "کوآرڈینیٹس 0, 0 خالی GPS ریڈنگ ہیں، کوئی مقام نہیں",
                                       "99999 زیادہ سے زیادہ حد 20000 سے زیادہ ہے"]
    assert any(m.value.startswith("**مسترد قطاریں**") for m in at.markdown)
    assert any(b.label == "2 قبول شدہ ریکارڈ محفوظ کریں" for b in at.button)


def test_an_urdu_file_on_the_load_data_page_keeps_its_names_in_both_languages(db):
    for lang, kept in (("en", "Kept with each record as they are (outside the contract): “تبصرہ”"),
                       ("ur", "ہر ریکارڈ کے ساتھ جوں کے توں رکھے گئے (معاہدے سے باہر): “تبصرہ”")):
        at = run_app("data", lang=lang)
        at.selectbox(key="upload_layer").set_value("kilns")
        rerun(at)
        at.file_uploader(key="upload_kilns").set_value(("urdu_kilns.csv", FIXTURE.read_bytes(), "text/csv"))
        rerun(at)
        assert kept in [c.value for c in at.caption]
        preview = next(d.value for d in at.dataframe if REMARK in d.value.columns)
        assert preview["name"].tolist() == URDU_NAMES
    at.button(key="store_button").click()
    rerun(at)
    assert any(s.value.startswith("urdu_kilns.csv سے اینٹوں کے بھٹے کے 3 ریکارڈ") for s in at.success)
    assert Store(db).layer("kilns")["name"].tolist() == URDU_NAMES


def test_the_requirements_of_a_layer_read_in_urdu(db):
    at = run_app("data", lang="ur")
    needs = next(d.value for d in at.dataframe if "یہ نام بھی قبول ہیں" in d.value.columns)
    assert list(needs.columns) == ["کالم", "لازمی", "قسم", "قابلِ قبول قدریں", "یہ نام بھی قبول ہیں"]
    assert needs["کالم"].tolist()[0] == contract("kilns").fields[0].name  # column names stay as files spell them
    assert needs["لازمی"].tolist()[0] == "ہاں"
