"""data/i18n/place_names_ur.csv: the Urdu names of the districts and tehsils, checked against the boundaries."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from functools import cache

import pytest

from layers import i18n
from loaders.paths import ROOT

CSV = ROOT / "data" / "i18n" / "place_names_ur.csv"
README = ROOT / "data" / "i18n" / "README.md"
COLUMNS = ["pcode", "level", "name_en", "name_ur", "source", "note"]
TEAM_SOURCE = "Bhatta Atlas team: standard Urdu spelling, not checked against a gazetteer"
GEONAMES_SOURCE = re.compile(r"GeoNames [1-9][0-9]* alternate name \(CC BY 4\.0\)")

# The Urdu alphabet (with ؤ ئ آ and the superscript alef of عیسیٰ), a space and parentheses. Arabic-only
# forms are left out on purpose: ك (U+0643), ي (U+064A), ى (U+0649), ه (U+0647), ة (U+0629).
URDU_LETTERS = set("ءآؤئابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیےٰ")
ALLOWED = URDU_LETTERS | set(" ()")
ARABIC_ONLY = set("كيىهة")


@cache
def rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def boundaries(level: str) -> dict[str, str]:
    """P-code -> English name of every district (ADM2) or tehsil (ADM3) in the shipped COD-AB boundaries."""
    path, key = {"district": ("districts.geojson", "ADM2"), "tehsil": ("tehsils.geojson", "ADM3")}[level]
    features = json.loads((ROOT / "data" / "geo" / path).read_text(encoding="utf-8"))["features"]
    return {f["properties"][f"{key}_PCODE"]: f["properties"][f"{key}_EN"] for f in features}


def by_level(level: str) -> dict[str, dict[str, str]]:
    return {r["pcode"]: r for r in rows() if r["level"] == level}


def test_file_is_utf8_nfc_without_bom_and_has_the_columns():
    raw = CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    with CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS


def test_levels_and_pcodes_are_unique():
    assert {r["level"] for r in rows()} == {"district", "tehsil"}
    pcodes = [r["pcode"] for r in rows()]
    assert len(pcodes) == len(set(pcodes))


@pytest.mark.parametrize("level", ["district", "tehsil"])
def test_every_boundary_has_one_row_with_the_same_english_name(level):
    shipped = boundaries(level)
    listed = by_level(level)
    assert set(listed) == set(shipped), "rows missing or P-codes not in the boundaries"
    assert {p: r["name_en"] for p, r in listed.items()} == shipped


def test_every_district_has_an_urdu_name():
    assert len(boundaries("district")) == 65
    missing = [r["name_en"] for r in by_level("district").values() if not r["name_ur"].strip()]
    assert missing == []


def test_urdu_names_use_urdu_letters_only():
    for r in rows():
        name = r["name_ur"]
        if not name:
            continue
        assert unicodedata.is_normalized("NFC", name), r["pcode"]
        assert name == name.strip() and "  " not in name, r["pcode"]
        assert not set(name) & ARABIC_ONLY, (r["pcode"], name)
        assert set(name) <= ALLOWED, (r["pcode"], name, set(name) - ALLOWED)
        assert name.count("(") == name.count(")"), r["pcode"]


def test_sources_are_one_of_the_two_forms():
    for r in rows():
        assert r["source"] == TEAM_SOURCE or GEONAMES_SOURCE.fullmatch(r["source"]), (r["pcode"], r["source"])
        if r["source"] != TEAM_SOURCE:
            assert r["name_ur"], f"{r['pcode']}: a GeoNames source needs a name"


def test_readme_gives_the_counts():
    text = README.read_text(encoding="utf-8")
    tehsils = by_level("tehsil").values()
    named = sum(bool(r["name_ur"]) for r in tehsils)
    geonames = sum(r["source"] != TEAM_SOURCE for r in rows())
    team = sum(r["source"] == TEAM_SOURCE and bool(r["name_ur"]) for r in rows())
    assert f"{len(by_level('district'))} of 65 districts" in text
    assert f"{named} of {len(tehsils)} tehsils" in text
    assert f"{geonames} names checked against GeoNames" in text
    assert f"{team} names from the Bhatta Atlas team" in text


@pytest.fixture
def fresh_place_names():
    i18n.place_names.cache_clear()
    yield
    i18n.place_names.cache_clear()


def test_translator_reads_the_file(fresh_place_names):
    urdu = i18n.translator("ur")
    kasur = by_level("district")["PK614"]["name_ur"]
    assert kasur == "قصور"
    assert urdu.place("PK614", "Kasur") == kasur
    assert urdu.place("PK617", "Lahore") == "لاہور"
    assert i18n.translator("en").place("PK614", "Kasur") == "Kasur"


def test_a_tehsil_without_an_urdu_name_shows_english_marked(fresh_place_names):
    empty = [r for r in by_level("tehsil").values() if not r["name_ur"]]
    if not empty:
        pytest.skip("every tehsil has an Urdu name")
    row = empty[0]
    assert i18n.translator("ur").place(row["pcode"], row["name_en"]) == f"{row['name_en']} (EN)"
