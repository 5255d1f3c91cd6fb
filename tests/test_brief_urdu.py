"""District briefs in Urdu: every text from the catalogue, names in Urdu, right to left, shaped, read back as words."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from layers.brief import brief, brief_content, brief_pages
from layers.gap_report import gap_report
from layers.i18n import has_rtl, translator
from layers.rtl import URDU_FAMILY

AS_OF = date(2026, 11, 23)
MADE = date(2026, 11, 24)
SECRET = b"test secret, not the server's"
KASUR, EAST_KARACHI = "PK614", "PK704"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UR = translator("ur")


@pytest.fixture(scope="module")
def report(ref, layers):  # ref and layers: the shipped data (tests/conftest.py)
    return gap_report(layers, ref, as_of=AS_OF)


@pytest.fixture(scope="module")
def files(ref, layers, report, tmp_path_factory):
    """Kasur in Urdu, official and public, rendered once."""
    out = tmp_path_factory.mktemp("briefs-ur")
    paths = {}
    for profile in ("official", "public"):
        path = out / f"{KASUR}-{profile}-ur.pdf"
        path.write_bytes(brief(KASUR, layers, ref, profile=profile, as_of=AS_OF, created=MADE, gaps_report=report,
                               secret=SECRET, lang="ur"))
        paths[profile] = path
    return paths


def _text(path: Path, page: int | None = None) -> str:
    """The PDF's text without bidi controls, whitespace collapsed (pdftotext gives Urdu words back whole and in
    logical order; where digits sit beside them on a right-to-left line it may move the spaces around them)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read back")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    raw = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(BIDI_CONTROLS.sub("", raw).split())


def test_urdu_brief_is_two_a4_pages(files):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    for path in files.values():
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+2$", info, re.M)
        assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)


def test_urdu_brief_reads_back_in_urdu_in_logical_order(files):
    district = UR.place(KASUR, "Kasur")
    one, two = _text(files["official"], 1), _text(files["official"], 2)
    assert "ضلعی خلاصہ" in one and district in one
    for label in ("اہم اعداد و شمار", "شناخت شدہ بھٹے", "ڈسٹرکٹ ویجیلنس کمیٹی", "نقشے کی علامات",
                  "صفحہ", "ڈیٹا بمطابق", "پروفائل"):
        assert label in one, label
    for label in ("پہلے دورے کے لیے بھٹے", "کیا معلوم نہیں", "ذرائع", "طریقۂ کار", "صفحہ",
                  "محرومی کے اشاریے کے لحاظ سے"):
        assert label in two, label
    assert "BKP-" in two  # kiln ids stay as they are
    assert "Hamdani et al. 2025" in two  # so do the sources' names, the sentence around them in Urdu
    for english in ("district brief", "Key figures", "What is unknown", "Page 1 of 2", "Kilns detected"):
        assert english not in one + two, english


def test_every_text_of_an_urdu_brief_is_set_in_the_urdu_font(ref, layers, report):
    content = brief_content(KASUR, layers, ref, profile="official", as_of=AS_OF, gaps_report=report, lang="ur")
    assert content.lang == "ur" and has_rtl(content.title) and has_rtl(content.kilns_note)
    for fig in brief_pages(content, ref, created=MADE):
        texts = [t for t in fig.texts if t.get_text().strip()]
        assert texts and all(URDU_FAMILY in t.get_fontfamily() for t in texts)
        right = [t for t in texts if has_rtl(t.get_text()) and not (t.get_gid() or "").startswith("watermark")]
        assert sum(t.get_horizontalalignment() == "right" for t in right) > 0.9 * len(right)  # flush right


def _overlaps(ref, layers, report, district, profile, legend):
    content = brief_content(district, layers, ref, profile=profile, as_of=AS_OF, gaps_report=report, secret=SECRET,
                            lang="ur", urdu_digits=profile == "internal")
    for number, fig in enumerate(brief_pages(content, ref, created=MADE), start=1):
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        boxes = []
        for t in fig.texts:
            if (t.get_gid() or "").startswith("watermark") or not t.get_text().strip():
                continue
            if (t.get_gid() or "").startswith("legend:") != legend:
                continue
            box = t.get_window_extent(renderer)
            assert page.x0 + 20 <= box.x0 and box.x1 <= page.x1 - 20, (number, t.get_text())
            assert page.y0 + 20 <= box.y0 and box.y1 <= page.y1 - 20, (number, t.get_text())
            boxes.append((box.shrunk(0.98, 0.8), t.get_text()))
        for i, (a, text_a) in enumerate(boxes):
            for b, text_b in boxes[i + 1:]:
                assert not a.overlaps(b), (number, text_a, text_b)


@pytest.mark.parametrize("district,profile", [(KASUR, "internal"), (KASUR, "public"), (EAST_KARACHI, "official")])
def test_no_urdu_text_overlaps_another_or_leaves_the_page(ref, layers, report, district, profile):
    _overlaps(ref, layers, report, district, profile, legend=False)


def test_no_urdu_map_legend_line_overlaps_another(ref, layers, report):
    _overlaps(ref, layers, report, KASUR, "internal", legend=True)


def test_urdu_digits_reach_the_brief_when_asked(ref, layers, report):
    content = brief_content(KASUR, layers, ref, profile="official", as_of=AS_OF, gaps_report=report, lang="ur",
                            urdu_digits=True)
    population = content.figures[0].value
    assert re.fullmatch("[۰-۹٬]+", population), population
    assert "۲۰۲۶" in content.method[0]


def test_public_profile_in_urdu_still_hides_kiln_ids(files, ref, layers, report):
    internal = brief_content(KASUR, layers, ref, profile="internal", as_of=AS_OF, gaps_report=report)
    listed = [row[1].split("\n")[0] for row in internal.kilns.rows]
    text = _text(files["public"])
    assert not [k for k in listed if k in text]
    assert not re.search(r"BKP-\d+", text)
    assert "فی تحصیل بھٹے" in text and "عوامی پروفائل" in text


def test_an_imported_urdu_kiln_name_shows_intact_in_the_english_brief(ref, layers, report, tmp_path):
    """A kiln whose id is Urdu (as uploaded) is read back whole and in logical order from the English PDF."""
    kilns = layers["kilns"]
    frame = kilns.frame.copy()
    top = report.kilns[report.kilns["district_pcode"] == KASUR].sort_values("priority", ascending=False)
    old = str(top["kiln_id"].iloc[0])
    new = "بھٹہ حاجی نور"
    frame["kiln_id"] = frame["kiln_id"].astype(object).where(frame["kiln_id"].astype(str) != old, new)
    renamed = {**layers, "kilns": dataclasses.replace(kilns, frame=frame)}
    gaps = report.kilns.copy()
    gaps["kiln_id"] = gaps["kiln_id"].astype(object).where(gaps["kiln_id"].astype(str) != old, new)
    patched = dataclasses.replace(report, kilns=gaps)
    content = brief_content(KASUR, renamed, ref, profile="internal", as_of=AS_OF, gaps_report=patched)
    assert any(row[1].startswith(new) for row in content.kilns.rows)
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief(KASUR, renamed, ref, profile="internal", as_of=AS_OF, created=MADE, gaps_report=patched))
    text = _text(path, 2)
    assert new in text and "Kilns to visit first" in text


def test_the_catalogue_has_every_message_of_the_brief():
    from bhatta.catalogues import extract, problems

    found = {m: p for m, p in extract().items() if any(f == "layers/brief.py" for f, _line in p)}
    assert len(found) > 80
    assert problems(found) == []
