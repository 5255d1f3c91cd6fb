"""English and Urdu: the catalogues are complete, numbers, dates and names follow the language, and the Urdu
snapshot is Urdu, shaped, and reads back in logical order."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest

from bhatta.catalogues import extract, placeholders, problems
from dashboard.state import ViewState, from_query, to_query
from layers.catalog import LayerData
from layers.i18n import LANGUAGES, catalogue, place_names, translator
from layers.mapview import ATTRIBUTION, MapView
from layers.snapshot import snapshot, snapshot_figure
from layers.summary import Window

WINDOW = Window(date(2025, 11, 1), date(2026, 11, 1))
MADE = date(2026, 11, 23)
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(pdf: bytes, tmp_path) -> str:
    """What pdftotext reads, without the bidi marks it adds around right-to-left runs."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", text.translate(BIDI_CONTROLS))


def test_every_message_has_english_and_urdu_text_with_the_same_placeholders():
    found = extract()
    assert len(found) > 300  # the pages, the map, the exports and the validation messages are all marked
    assert problems(found) == []


def test_the_check_names_a_missing_key(monkeypatch):
    """The completeness test can fail: a new marked text without Urdu is named with where it is used."""
    found = {**extract(), "A text nobody translated yet": [("dashboard/views/map.py", 1)]}
    lines = problems(found)
    assert any("A text nobody translated yet" in line and "dashboard/views/map.py:1" in line for line in lines)
    assert placeholders("{n} kilns in {district}") == {"{n}", "{district}"}


def test_urdu_catalogue_is_urdu():
    urdu = catalogue("ur")
    assert urdu["Punjab"] == "پنجاب"
    arabic_script = sum(1 for text in urdu.values() if re.search("[\u0600-\u06ff]", text))
    assert arabic_script >= 0.95 * len(urdu)  # a few are names or codes, the rest are Urdu
    assert all(unicodedata.is_normalized("NFC", text) for text in urdu.values())


def test_numbers_and_dates_follow_the_language_and_the_digit_setting():
    en, ur, ur_digits = translator("en"), translator("ur"), translator("ur", urdu_digits=True)
    assert en.num(1234567) == "1,234,567" and ur.num(1234567) == "1,234,567"
    assert ur_digits.num(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert ur_digits.num(3.25, 1) in ("۳٫۲", "۳٫۳")
    assert en.date(date(2026, 11, 23)) == "23 Nov 2026"
    assert ur.date(date(2026, 11, 23)) == "23 نومبر 2026"
    assert ur_digits.date(date(2026, 11, 23)) == "۲۳ نومبر ۲۰۲۶"
    assert en.num(None) == "–" and ur.date(None) == "–"
    assert translator("xx").lang == "en"  # an unknown language is English


def test_place_names_in_urdu_with_a_visible_english_fallback():
    names = place_names()
    ur = translator("ur")
    assert ur.place("PK614", "Kasur") == names["PK614"] and re.fullmatch("[\u0600-\u06ff ]+", names["PK614"])
    assert ur.place("PK999", "Nowhere") == "Nowhere (EN)"
    assert translator("en").place("PK614", "Kasur") == "Kasur"


def test_the_language_and_the_digit_setting_are_kept_in_the_url():
    state = from_query({"lang": "ur", "digits": "urdu", "district": "PK614"}, today=MADE,
                       districts={"PK614": "PK6"})
    assert (state.lang, state.urdu_digits) == ("ur", True)
    query = to_query(state, today=MADE)
    assert query["lang"] == "ur" and query["digits"] == "urdu"
    assert "lang" not in to_query(ViewState(start=state.start, end=state.end), today=MADE)  # English: short link
    bad = from_query({"lang": "fr"}, today=MADE, districts={})
    assert bad.lang == "en" and any("fr" in notice for notice in bad.notices)
    assert set(LANGUAGES) == {"en", "ur"}


def _english_words(text: str, allowed: str) -> set[str]:
    """Latin words of ``text`` that are not in ``allowed`` (the citations, which stay as published)."""
    known = {w.lower() for w in re.findall("[A-Za-z]{3,}", allowed)}
    return {w for w in re.findall("[A-Za-z]{3,}", text) if w.lower() not in known}


@needs_pdftotext
def test_urdu_snapshot_is_urdu_and_reads_back_in_logical_order(ref, layers, tmp_path):
    view = MapView(WINDOW, district="PK614", lang="ur")
    text = pdf_text(snapshot(view, layers, ref, fmt="pdf", created=MADE), tmp_path)
    ur = translator("ur")
    for expected in (ur.place("PK614", "Kasur"), "پنجاب", "نمونہ ڈیٹا", "ذرائع", "بھٹے سیٹلائٹ سے شناخت شدہ ہیں",
                     ur("Schools"), ur("Brick kilns"), "کلومیٹر", "نومبر"):
        assert expected in text, expected
    for tehsil in ("PK61401", "PK61402"):  # the tehsils of Kasur are named in Urdu on the map
        if tehsil in place_names():
            assert place_names()[tehsil] in text
    sources = " ".join(s for data in layers.values() for s in data.sources)
    leftover = _english_words(text, ATTRIBUTION + " " + sources + " Bhatta Atlas bhatta demo")
    assert not leftover, f"English left on the Urdu snapshot: {sorted(leftover)}"


def test_urdu_snapshot_is_set_right_to_left_in_the_urdu_font(ref, layers):
    fig = snapshot_figure(MapView(WINDOW, district="PK614", lang="ur"), layers, ref, created=MADE)
    texts = [t for t in fig.texts if t.get_text().strip()]
    assert texts and all(t.get_fontfamily() == ["Noto Naskh Arabic"] for t in texts)
    assert all(t.get_horizontalalignment() == "right" for t in texts)  # header, legend, footer: right-aligned
    english = snapshot_figure(MapView(WINDOW, district="PK614"), layers, ref, created=MADE)
    assert all(t.get_horizontalalignment() == "left" for t in english.texts if t.get_text().strip())


@needs_pdftotext
def test_an_urdu_file_name_reads_back_in_an_english_snapshot(ref, layers, tmp_path):
    """Uploaded Urdu text (here the file a layer came from) shows in the English export, in logical order."""
    name = "قصور کے بھٹے.csv"
    schools = layers["schools"]
    changed = {**layers, "schools": dataclasses.replace(schools, sources=(f"Imported from {name}",))}
    assert isinstance(changed["schools"], LayerData)
    text = pdf_text(snapshot(MapView(WINDOW, district="PK614"), changed, ref, fmt="pdf", created=MADE), tmp_path)
    assert "قصور کے" in text and "بھٹے" in text  # the name may wrap between its words
    assert "Sources:" in text  # the rest of the English sheet is English


def test_the_browser_gets_the_same_bundled_font():
    """Streamlit serves static files only from dashboard/static (and refuses symbolic links): a copy, kept equal."""
    from layers.i18n import FONT_DIR
    from loaders.paths import ROOT

    for name in ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "OFL.txt"):
        assert (ROOT / "dashboard" / "static" / "fonts" / name).read_bytes() == (FONT_DIR / name).read_bytes()


def test_a_refusal_reads_in_the_pages_language():
    from layers.access import Access, Forbidden
    from loaders.problems import render

    kasur_dvc = Access("amina", "dvc", frozenset({"PK614"}))
    with pytest.raises(Forbidden) as refused:
        kasur_dvc.require_district("PK623", names={"PK614": "Kasur", "PK623": "Lahore"})
    assert str(refused.value) == "amina may see Kasur only, not Lahore"  # English as before (CLI, logs)
    assert render(refused.value.args[0], "ur") == "amina صرف Kasur دیکھ سکتے ہیں، Lahore نہیں"
    with pytest.raises(Forbidden) as refused:
        Access("visitor", "viewer").require("read_records")
    assert str(refused.value) == "visitor (viewer) may not read records: only admin, manager, dvc"
    assert "ریکارڈ دیکھنا" in render(refused.value.args[0], "ur")
