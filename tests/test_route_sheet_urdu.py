"""The route sheet in Urdu: catalogue texts shaped and read back in logical order, right to left, uploaded Urdu
kiln names in both languages, Urdu digits on request, the English sheet as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
import shapely

from bhatta.catalogues import extract, problems
from layers.i18n import translator
from layers.route_export import Place
from layers.route_sheet import FORM_FIELDS, WHO_VISITED, RtlText, route_sheet_pdf
from layers.rtl import visual

OFFICE = Place(31.1167, 74.45, "DC office Kasur")
URDU_KILN = "ملک برادرز بھٹہ خشت"
UR = translator("ur")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e]")


def _sheet(tmp_path, name: str = "sheet", **kw):
    kilns = [Place(31.0 + 0.02 * i, 74.3 + 0.03 * i, f"BKP-{i}") for i in range(5)]
    rows = [{"order": i + 1, "kiln": URDU_KILN if i == 1 else p.name, "arrival": f"{9 + i}:00", "leg_km": "4.2",
             "priority": "55", "why": "Never visited +30 · No active DVC +10"} for i, p in enumerate(kilns)]
    pdf = route_sheet_pdf([[OFFICE, *kilns, OFFICE]], title=kw.pop("title", "Kasur, 2026-11-24"), rows=[rows],
                          outline=shapely.box(74.2, 30.9, 74.6, 31.3), sources=["Kilns: Hamdani et al. 2025"],
                          assumptions="distance = great-circle × 1.3; 35 km/h", printed=date(2026, 11, 24), **kw)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def _tool(name: str) -> str:
    if not shutil.which(name):
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return name


def _text(path) -> str:
    """pdftotext's text, bidi controls dropped."""
    out = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_CONTROLS.sub("", out)


def _squeezed(text: str) -> str:
    """Without white space: pdftotext moves the space around an Urdu comma and breaks wrapped lines."""
    return re.sub(r"\s+", "", BIDI_CONTROLS.sub("", text))


def _pages(path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_urdu_sheet_reads_back_its_headers_and_form_labels_in_logical_order(tmp_path):
    path = _sheet(tmp_path, lang="ur", demo=["Inspection visits"])
    text = _squeezed(_text(path))
    labels = [UR(WHO_VISITED), *(UR(field) for field in FORM_FIELDS)]
    headers = [UR(h) for h in ("Kiln", "Arrive", "Priority", "Why (points)", "Done", "Visit forms")]
    for urdu in (*labels, *headers):
        assert re.search("[\u0600-\u06ff]", urdu), f"no Urdu in the catalogue for {urdu!r}"
        assert _squeezed(urdu) in text, urdu
    page = UR("{title} · page {page}").split("·")[1].split("{page}")[0].strip()  # the footer's "page"
    assert page != "page" and page in text
    assert "Hamdani" in text and "BKP-4" in text  # the caller's text as it came
    assert "DEMO DATA" not in text and _squeezed(UR("DEMO DATA: {layers} behind this plan are synthetic, "
                                                    "generated for demonstration.").split(":")[0]) in text
    assert "Children present" not in text and "Visit forms" not in text


def test_an_uploaded_urdu_kiln_name_reads_back_in_both_languages(tmp_path):
    for lang in ("ur", "en"):
        text = _squeezed(_text(_sheet(tmp_path, name=lang, lang=lang)))
        assert _squeezed(URDU_KILN) in text, lang
    english = _text(tmp_path / "en.pdf")
    assert "Stop 2: kiln" in english and "Children present (number, ages)" in english


def test_page_count_is_sane(tmp_path):
    english, urdu = _pages(_sheet(tmp_path, name="en")), _pages(_sheet(tmp_path, name="ur", lang="ur"))
    assert 2 <= english <= 4 and english <= urdu <= english + 1


def test_urdu_digits_on_request(tmp_path):
    plain = _text(_sheet(tmp_path, name="plain", lang="ur"))
    digits = _text(_sheet(tmp_path, name="digits", lang="ur", urdu_digits=True))
    assert "۲۰۲۶" not in plain and "۲۰۲۶" in digits  # the printing date
    assert "۴٫۲" in digits and "۱۰:۰۰" in digits  # the caller's numbers in the table
    assert "BKP-4" in digits  # ids stay as they are


def test_english_sheet_has_no_urdu_font_unless_it_shows_urdu():
    kilns = [Place(31.0, 74.3, "BKP-0")]
    rows = [[{"order": 1, "kiln": "BKP-0", "arrival": "9:00", "leg_km": "4.2", "priority": "55"}]]
    english = route_sheet_pdf([[OFFICE, *kilns, OFFICE]], title="Kasur", rows=rows, printed=date(2026, 11, 24))
    assert b"NotoNaskh" not in english  # as before: Helvetica only, the same layout
    urdu_name = route_sheet_pdf([[OFFICE, *kilns, OFFICE]], title="Kasur", printed=date(2026, 11, 24),
                                rows=[[{**rows[0][0], "kiln": URDU_KILN}]])
    assert b"NotoNaskh" in urdu_name


def test_lines_are_wrapped_on_the_logical_text():
    text = UR("Action taken (advice, children enrolled, FIR, workers released, referred)")
    flowable = RtlText(text, font="NotoNaskhArabic", size=7.5)
    from layers.rtl import register_reportlab_fonts

    register_reportlab_fonts()
    flowable.wrap(120, 1000)
    lines = flowable._lines
    assert len(lines) > 1 and " ".join(lines) == text  # logical order, first line first


def test_brackets_face_the_right_way():
    assert visual("وجہ (پوائنٹس)").startswith("(")  # display order, left to right: "(سٹنئاوپ) ہجو"
    assert visual("روکی گئی اجرت)").startswith("(")  # a line wrapped inside the brackets
    assert visual("Notes (x) بھٹہ").startswith("Notes (x)")  # left-to-right brackets untouched
    assert visual("Kasur (PK614)") == "Kasur (PK614)"


def test_catalogue_has_the_route_sheet_messages():
    found = {m: p for m, p in extract().items() if any(f == "layers/route_sheet.py" for f, _ in p)}
    assert len(found) >= 18
    assert problems(found) == []
